/* route.h: svc-route's engine: classification, priority and ownership.
 *
 * Only open tickets known at now are routed: a resolved, closed or
 * cancelled ticket (SVC_OPEN_SQL) or one created after now is left
 * alone, so no change is dated before its ticket existed.  For each
 * ticket routed, in this order: classify rules fill a missing category,
 * subcategory or service (a value set by a person is never replaced); a
 * ticket without a priority gets one from impact x urgency (the priority
 * table, else the ServiceNow default) plus the modifiers that match,
 * bounded by the lowest and highest priority of the table; a priority the
 * ticket has (the system of record's) is kept unless recompute_priority,
 * which needs a priority table valid at now; a ticket without an
 * assignee (any ticket with --reassign) gets an owner from the first
 * routing rule that matches, by its strategy, else from the catalog's
 * default group and owner, else it is reported unrouted.  A group on the
 * ticket is kept unless --reassign.  Every change is a ticket event and an
 * audit row saying why.
 */
#ifndef SVC_ROUTE_H
#define SVC_ROUTE_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "out.h"

struct svc_route_opts {
	int64_t now;
	const char *actor, *program, *args;
	int recompute_priority, reassign, dry_run;
	struct svc_out *out;	/* ticket_id,priority,group,assignee,rule,
				 * change,reason: one row per ticket id
				 * given, in their order (per ticket
				 * routed with ids NULL), or NULL */
};

struct svc_route_result {
	int64_t seen, changed, unrouted, missing;
	int64_t done, later;	/* left alone: resolved, closed or cancelled;
				 * created after now */
	int64_t changed_later;	/* left alone: changed by a row written
				 * after now (its later state is stored) */
	int64_t run;
};

/* Route the tickets ids[0..n) (all open tickets known at now when ids is
 * NULL) in one transaction, writing a row to o->out for each.  Returns 0
 * or -1 with e filled (SVC_EXIT_USAGE: recompute_priority without a
 * priority table). */
int svc_route_run(struct svc_db *db, const struct svc_route_opts *o,
    char *const *ids, size_t n, struct svc_route_result *res,
    struct svc_err *e);

/* Write to fp why ticket id gets its priority and owner, changing
 * nothing. */
int svc_route_explain(struct svc_db *db, const struct svc_route_opts *o,
    const char *id, FILE *fp, struct svc_err *e);

/* Lint the stored rules (files NULL) or rule files (routing, classify or
 * priority, told apart by their header): write one line per finding to
 * fp.  Returns the number of findings, or -1 with e filled. */
int svc_route_lint(struct svc_db *db, int64_t now, char *const *files,
    size_t nfiles, FILE *fp, struct svc_err *e);

#endif
