/* sla.h: SLA clocks on business calendars (svc-sla).
 *
 * A policy (the policies kind: policy, order, when, metric, target, unit,
 * calendar, pause_on, warn_at) gives a metric a target; the first policy
 * by order whose condition matches the ticket applies.  Each ticket has
 * one clock per metric and cycle:
 *   first_response  from creation to the first public reply
 *                   (first_response_at, or a "reply" event), or to the
 *                   resolution when that comes first;
 *   resolution      from creation to resolved; a reopen starts a new cycle
 *                   at the time of the reopen;
 *   next_reply      from a customer "message" event to the next "reply".
 * The clock runs in working seconds of the policy's calendar (unit
 * business) or in plain seconds (unit calendar), and stops counting while
 * the status history in ticket_events shows a status listed in pause_on.
 * Everything is computed as of a time (--now): history after it is
 * ignored, so a run as of an earlier time shows what was true then.
 */
#ifndef SVC_SLA_H
#define SVC_SLA_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "out.h"

#define SVC_SLA_MAXWARN 8

enum { SVC_SLA_FIRST_RESPONSE, SVC_SLA_RESOLUTION, SVC_SLA_NEXT_REPLY,
    SVC_SLA_NMETRICS };

/* The metric named s (-1 when none) and the name of metric m. */
int svc_sla_metric(const char *s);
const char *svc_sla_metric_name(int m);
/* A target: one or more number+unit pairs, units d (24 hours), h, m, s:
 * "4h", "30m", "2d", "1h30m".  Returns 0 with *secs > 0, or -1. */
int svc_sla_target(const char *s, int64_t *secs);
/* A number of seconds (0 or more), or a target such as 4h.  0 or -1. */
int svc_sla_seconds(const char *s, int64_t *secs);
/* A list of whole percentages "50,75,90" (at most SVC_SLA_MAXWARN, each
 * above 0), sorted into pct[0..*n).  Returns 0 or -1. */
int svc_sla_warn(const char *s, int *pct, int *n);

struct svc_sla_opts {
	int64_t now;
	const char *actor, *program, *args;
	int dry_run, recompute;
	/* rows of 1 + 3 * SVC_SLA_NMETRICS columns, or NULL: ticket_id, then
	 * per metric in enum order the state, due_at and remaining seconds
	 * of the clock (the latest cycle) the run changed, empty when none */
	struct svc_out *out;
};

struct svc_sla_result {
	int64_t tickets, clocks, changed, events, missing;
	int64_t moved;		/* tickets not given, run because time
				 * alone moved their clocks */
	int64_t run;
};

/* Compute the clocks of ids[0..n) (all tickets when ids is NULL) as of
 * o->now in one transaction; write the changed clocks and new events.
 * With ids, the tickets whose clocks time alone moved since the last run
 * are run too (res->moved): a running clock whose due time has come, a
 * time that was after the last run's --now and is not after o->now.  To
 * o->out one row per id given, in order (a ticket that does not exist
 * has its columns empty), or with ids NULL one per ticket whose clocks
 * changed.  Returns 0 or -1 with e filled. */
int svc_sla_run(struct svc_db *db, const struct svc_sla_opts *o,
    char *const *ids, size_t n, struct svc_sla_result *res,
    struct svc_err *e);

/* Write the timeline of ticket id's clocks to fp, changing nothing. */
int svc_sla_explain(struct svc_db *db, const struct svc_sla_opts *o,
    const char *id, FILE *fp, struct svc_err *e);

/* Lint the stored policies, calendars and holidays: one line per finding
 * to fp.  Returns the number of findings, or -1 with e filled. */
int svc_sla_lint(struct svc_db *db, int64_t now, FILE *fp,
    struct svc_err *e);

#endif
