/* escalate.h: escalation of SLA clocks, breach reasons, problems
 * (svc-escalate).
 *
 * A rule (the escalations kind: rule, order, when, level, notify, urgent,
 * repeat_every) fires for a ticket's clock when its condition matches;
 * each (ticket, metric, rule, level) fires once, however often this runs,
 * unless repeat_every asks for reminders.  notify is a role resolved per
 * ticket (assignee, group_lead, manager, service_owner, kpi_owner,
 * controller), a user in people or an e-mail address; a level whose
 * target cannot be resolved falls back to the ticket's group lead, the
 * service owner and the rule's fallback (a user or an address), and is
 * recorded as skipped, with why, only when none of them can be reached;
 * a level fires only when its own condition holds.  Nothing is sent or
 * held for a ticket that is not open at now.  A notification waits
 * ("held") while the recipient's working calendar is closed, unless the
 * rule is urgent, and goes out at the next run after it opens if its rule
 * still holds (else it is "withdrawn", with why).  What had already
 * crossed at the database's go-live time goes into one digest per
 * recipient ("digest") instead of a message each.  State is kept in the
 * notifications table and escalation_state (go_live).
 *
 * Conditions test the ticket's fields and these clock fields: metric,
 * state (running, paused, breached, met, cancelled), elapsed_pct, elapsed,
 * remaining (seconds; negative when overdue), overdue, due_at, breached,
 * paused, cycle, policy, and age (since creation) and unassigned_for
 * (since the ticket last lost or never had an assignee).  Clocks are
 * brought forward from svc-sla's last run to --now on their calendar.
 */
#ifndef SVC_ESCALATE_H
#define SVC_ESCALATE_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "out.h"

#define SVC_ESC_MAXKEY 8

struct svc_esc_opts {
	int64_t now;
	const char *actor, *program, *args;
	int dry_run;
	/* ticket_id, metric, level, rule, to, subject[, body] per
	 * notification sent, or NULL */
	struct svc_out *out;
	int with_body;
	const char *maildir;	/* deliver into this maildir */
	const char *sendmail;	/* deliver through this command */
	/* problems: key fields (names of ticket fields), at least min
	 * tickets created within window seconds */
	int key[SVC_ESC_MAXKEY];
	int nkey;
	int64_t min_tickets, window;
	int problems_only;	/* --problems: no ticket escalation */
	int full;		/* --full: with ids NULL, look at every ticket
				 * with running or breached clocks, not only
				 * those due again or changed since */
	int64_t go_live;	/* --go-live: record this go-live time; 0 or
				 * -1: the stored one, else this run's now */
};

struct svc_esc_result {
	/* tickets looked at; held: notifications waiting for their
	 * recipients' working hours (with ids NULL, all of them) */
	int64_t tickets, sent, held, skipped, reminders, failed, missing;
	/* withdrawn: held or pending ones whose rule no longer held;
	 * digests: messages sent at go-live, carrying digested
	 * notifications */
	int64_t withdrawn, digests, digested;
	int64_t go_live;	/* the go-live time in force */
	int full;		/* ids NULL: every ticket was looked at */
	int64_t problems_new, problems_linked;
	int64_t run;
};

/* Parse a problem key "category,subcategory,service" into o->key.
 * 0, or -1 with e set (usage). */
int svc_esc_key(struct svc_esc_opts *o, const char *s, struct svc_err *e);

/* Escalate the clocks of ids[0..n) (all tickets with running or breached
 * clocks, or notifications waiting, when ids is NULL), or with
 * o->problems_only find problems instead, in one transaction.
 *
 * Each run records, per ticket, the time at which time alone can next
 * change what a rule sees (a clock's breach, a number a rule compares
 * elapsed_pct, elapsed, remaining, overdue, age or unassigned_for with,
 * a held notification's opening, a reminder, a failed delivery's retry)
 * in escalation_watch.  With ids NULL, after the first such run, only the
 * tickets whose time has come and those changed since by svc-import,
 * svc-route or svc-sla (their runs' history and clocks) are looked at;
 * every ticket is when o->full is set, on the first run, when the
 * escalation rules, people, catalog, calendars or holidays valid at now
 * differ from the last run's, when now is before the last run's, when a
 * program other than those wrote since, or when over a fifth of the
 * tickets would be looked at anyway.
 *
 * The go-live time (o->go_live, recorded in escalation_state; else the
 * recorded one; else this run's now) holds back runs before it; the
 * first run at or after it records each rule that already held then as
 * "digest" and sends each recipient one digest of them, at the end of
 * the run (res->digests, res->digested).  A ticket named more than once
 * in ids is looked at once; one not open at now gets nothing, and its
 * held or pending notifications are withdrawn, like those whose rule no
 * longer holds when they are due (res->withdrawn).
 *
 * Returns 0, 1 when some delivery failed (those stay unsent and are
 * tried again next run), or -1 with e filled. */
int svc_esc_run(struct svc_db *db, const struct svc_esc_opts *o,
    char *const *ids, size_t n, struct svc_esc_result *res,
    struct svc_err *e);

/* Write why each rule fired, did not, or was already done for ticket id
 * to fp, changing nothing. */
int svc_esc_explain(struct svc_db *db, const struct svc_esc_opts *o,
    const char *id, FILE *fp, struct svc_err *e);

/* Record the reason for the latest breach of ticket id's metric.
 * reason must be a code of the reasons kind (or the defaults when none is
 * loaded).  Writes ticket_id, metric, cycle, reason, previous to out. */
int svc_esc_ack(struct svc_db *db, const struct svc_esc_opts *o,
    const char *id, const char *metric, const char *reason,
    const char *note, struct svc_err *e);

/* Breached clocks without a reason, by the person who owes it: owner,
 * ticket_id, metric, cycle, breached_at, group to out.  Returns the
 * number of rows, or -1. */
int64_t svc_esc_unacknowledged(struct svc_db *db, const struct svc_esc_opts *o,
    struct svc_err *e);

/* Problems not closed: id, key, state, tickets, customers, first_seen,
 * last_seen, owner to out.  Returns the number of rows, or -1. */
int64_t svc_esc_problem_list(struct svc_db *db, const struct svc_esc_opts *o,
    struct svc_err *e);

/* Lint the stored escalation rules: one line per finding to fp (unknown
 * fields, conditions never true, notify and fallback values that are no
 * role, user or address, and each group, person or catalog entry for
 * which a rule's role cannot be resolved, with what it falls back to).
 * Returns the number of findings, or -1. */
int svc_esc_lint(struct svc_db *db, int64_t now, FILE *fp, struct svc_err *e);

#endif
