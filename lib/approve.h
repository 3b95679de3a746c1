/* approve.h: approvals of a ticket action or a measure gate.
 *
 * A request names a subject ("ticket:ID" or "measure:ID" with a gate) and
 * its approvers: slots, each a role of the subject (sponsor, controller,
 * owner: the measure's; owner: the ticket's assignee, controller: its
 * catalog controller), a user, or a role people hold (pmo, finance: any
 * one of them fills the slot).  The rule says how many slots must approve:
 * any (one), all, or n:K.  A request is rejected as soon as so many slots
 * reject that the rule can no longer be met.  No one votes on their own
 * request; a rejection needs a comment; a delegate votes for the person
 * who delegated only between the delegation's dates, only directly (a
 * delegate cannot delegate further), and the vote records on whose behalf.
 * Every request, vote and delegation is an audit row.
 */
#ifndef SVC_APPROVE_H
#define SVC_APPROVE_H

#include <stdint.h>

#include "db.h"
#include "err.h"
#include "out.h"

struct svc_aopts {
	int64_t now;
	const char *actor, *program, *args;
	int dry_run;
};

/* A new request; *id its number.  gate only for measure subjects (the
 * measure's next DoI); approvers NULL: the gate's default (measure.h),
 * else required. */
int svc_approve_request(struct svc_db *db, const struct svc_aopts *o,
    const char *subject, int gate, const char *rule, const char *approvers,
    int64_t due, int64_t *id, struct svc_err *e);

/* The actor approves (yes 1) or rejects request id; the request's state
 * after the vote into state (pending, approved, rejected). */
int svc_approve_vote(struct svc_db *db, const struct svc_aopts *o,
    int64_t id, int yes, const char *comment, char *state, size_t n,
    struct svc_err *e);

/* user's approvals go to delegate in [from, until). */
int svc_approve_delegate(struct svc_db *db, const struct svc_aopts *o,
    const char *user, const char *delegate, int64_t from, int64_t until,
    struct svc_err *e);

/* Requests as rows (id, subject, gate, rule, state, requested_by,
 * requested_at, due, waiting_for, votes); mine: only pending ones the
 * actor can vote on now (directly or as a delegate). */
extern const char *const svc_approve_cols[];
#define SVC_APPROVE_NCOLS 10
int svc_approve_list(struct svc_db *db, const struct svc_aopts *o, int mine,
    struct svc_out *out, struct svc_err *e);

#endif
