/* svc-route: priority, classification and ownership by rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "opt.h"
#include "reader.h"
#include "route.h"

enum { O_ALL = 1, O_KEEP, O_RECOMPUTE, O_REASSIGN, O_EXPLAIN, O_LINT };

static const struct svc_opt opts[] = {
	{ "all", 0, 0, NULL, "work on all open tickets, not on standard input", O_ALL },
	{ "keep-priority", 0, 0, NULL, "keep a priority a ticket already has (the default)", O_KEEP },
	{ "recompute-priority", 0, 0, NULL, "compute every priority from the priority table, also one a ticket has", O_RECOMPUTE },
	{ "reassign", 0, 0, NULL, "route tickets that have an owner too", O_REASSIGN },
	{ "explain", 0, 1, "TICKET", "print why TICKET gets its priority and owner; change nothing", O_EXPLAIN },
	{ "lint", 0, 0, NULL, "check the stored rules, or the rule FILEs given", O_LINT },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd cmd = {
	"svc-route",
	"[options] [--lint [FILE ...]]",
	"Classify, prioritise and assign tickets by the rules loaded with\n"
	"svc-import --kind classify, priority and routing.  Reads ticket rows\n"
	"(a ticket_id column) on standard input, or works on all open tickets\n"
	"when standard input is a terminal or has no bytes, or with --all; a\n"
	"header alone means nothing to do.  Tickets resolved, closed, cancelled,\n"
	"created after --now or changed by a row written after it are left\n"
	"alone.  A priority a ticket has is kept unless --recompute-priority.\n"
	"Writes one row per ticket read,\n"
	"in input order (with --all: per ticket routed): ticket_id, priority,\n"
	"group, assignee, rule, change, reason; reason says why a ticket was\n"
	"not routed (done, not_yet_created, changed_after_now, not_found,\n"
	"no_rule ...).",
	opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON)
};

struct cfg {
	struct svc_common c;
	int all, keep, recompute, reassign, lint;
	const char *explain;
};

static int
onopt(int id, const char *arg, void *ud, struct svc_err *e)
{
	struct cfg *g = ud;

	(void)e;
	switch (id) {
	case O_ALL: g->all = 1; break;
	case O_KEEP: g->keep = 1; break;
	case O_RECOMPUTE: g->recompute = 1; break;
	case O_REASSIGN: g->reassign = 1; break;
	case O_EXPLAIN: g->explain = arg; break;
	case O_LINT: g->lint = 1; break;
	default: break;
	}
	return 0;
}

/* The configuration routing reads, said when none is valid at --now. */
static const char *const kinds[] = { "routing", "classify", "priority",
    "people", "catalog", "calendars", "holidays", "statuses", NULL };

int
main(int argc, char **argv)
{
	static const char *const cols[] = { "ticket_id", "priority", "group",
	    "assignee", "rule", "change", "reason" };
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	struct svc_route_opts ro;
	struct svc_route_result res;
	struct svc_out *out;
	char **ids = NULL, tag[64], left[160];
	size_t nids = 0;
	int first, rc, none = 0, status = SVC_EXIT_OK;

	svc_err_progname(argv[0]);
	svc_err_clear(&e);
	memset(&g, 0, sizeof(g));
	if (svc_opt_start(argc, argv, &cmd, &g.c, onopt, &g, &first, &status,
	    &e))
		return status;
	if (first < argc && !g.lint) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "unexpected argument "
		    "'%s' (rule files go with --lint)", argv[first]);
		return svc_err_fail(&e, cmd.name);
	}
	if (g.keep && g.recompute) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "--keep-priority and "
		    "--recompute-priority cannot be given together");
		return svc_err_fail(&e, cmd.name);
	}
	if (g.lint && first < argc)
		return svc_opt_lint_status(&g.c, svc_route_lint(NULL, g.c.now,
		    argv + first, (size_t)(argc - first), stdout, &e), &e);
	/* the tickets first: in svc-import FILE | svc-route the database
	 * may exist only once the import is done */
	if (!g.lint && !g.explain && svc_read_ids_stdin(g.all, g.c.stdin_tty,
	    &ids, &nids, &none, &e) != 0)
		return svc_opt_end(NULL, 1, &e);
	if (svc_db_open(g.c.db, SVC_DB_RW, &db, &e) != 0) {
		svc_err_print(&e);
		svc_ids_free(ids, nids);
		return e.status;
	}
	memset(&ro, 0, sizeof(ro));
	ro.now = g.c.now;
	ro.actor = g.c.actor;
	ro.program = cmd.name;
	ro.args = g.c.args;
	ro.recompute_priority = g.recompute;
	ro.reassign = g.reassign;
	ro.dry_run = g.c.dry_run;
	if (g.lint) {
		int k = svc_config_check(db, g.c.now, kinds, stdout, 0, &e);

		rc = k < 0 ? -1 : svc_route_lint(db, g.c.now, NULL, 0, stdout, &e);
		status = svc_opt_lint_status(&g.c, rc < 0 ? -1 : rc + k, &e);
		svc_db_close(db);
		return status;
	}
	if (svc_config_check(db, g.c.now, kinds, stderr, 1, &e) < 0)
		return svc_opt_end(db, 1, &e);
	if (g.explain)
		return svc_opt_end(db, svc_route_explain(db, &ro, g.explain, stdout,
		    &e) != 0, &e);
	if (none) {
		status = svc_opt_nothing(&g.c, 7, cols);
		svc_db_close(db);
		return svc_exit_flush(status);
	}
	ro.out = out = svc_opt_out(&g.c, 7, cols);
	rc = svc_route_run(db, &ro, ids, nids, &res, &e);
	if (rc != 0) {
		svc_err_print(&e);
		status = e.status;
	} else if (!g.c.quiet) {
		left[0] = '\0';
		if (res.changed_later)
			snprintf(left, sizeof(left), ", %lld left alone (%lld done, "
			    "%lld created after --now, %lld changed after --now)",
			    (long long)(res.done + res.later + res.changed_later),
			    (long long)res.done, (long long)res.later,
			    (long long)res.changed_later);
		else if (res.done || res.later)
			snprintf(left, sizeof(left), ", %lld left alone (%lld done, "
			    "%lld created after --now)", (long long)(res.done +
			    res.later), (long long)res.done, (long long)res.later);
		svc_warn("%lld tickets, %lld changed, %lld unrouted%s%s",
		    (long long)res.seen, (long long)res.changed,
		    (long long)res.unrouted, left, svc_opt_run_tag(&g.c,
		    res.run, res.missing, tag, sizeof(tag)));
	}
	status = svc_opt_out_close(out, status);
	svc_ids_free(ids, nids);
	svc_db_close(db);
	return svc_exit_flush(status);
}
