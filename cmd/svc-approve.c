/* svc-approve: approvals of ticket actions and measure gates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approve.h"
#include "db.h"
#include "opt.h"
#include "out.h"
#include "timeutil.h"

enum { O_GATE = 1, O_RULE, O_APPROVERS, O_DUE, O_COMMENT, O_MINE, O_TO,
    O_FROM, O_UNTIL };

static const struct svc_opt opts[] = {
	{ "gate", 0, 1, "N", "request: the measure gate (the measure's next DoI)", O_GATE },
	{ "rule", 0, 1, "RULE", "request: any (default), all or n:K approvers", O_RULE },
	{ "approvers", 0, 1, "LIST", "request: roles (sponsor, controller, owner, pmo, ...) or users", O_APPROVERS },
	{ "due", 0, 1, "TIME", "request: when the decision is due", O_DUE },
	{ "comment", 0, 1, "TEXT", "approve, reject: why (required to reject)", O_COMMENT },
	{ "mine", 0, 0, NULL, "list: only what waits for my vote", O_MINE },
	{ "to", 0, 1, "USER", "delegate: the delegate", O_TO },
	{ "from", 0, 1, "TIME", "delegate: from (default: --now)", O_FROM },
	{ "until", 0, 1, "TIME", "delegate: until, not included", O_UNTIL },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd cmd = {
	"svc-approve",
	"request SUBJECT [--gate N] [--rule any|all|n:K] [--due T] | "
	"approve|reject ID [--comment TEXT] | list [--mine] | "
	"delegate USER --to USER --from T --until T",
	"Approvals: a ticket action (ticket:ID, such as a refund finance must\n"
	"approve first) or a measure gate (measure:ID --gate N).\n"
	"  request SUBJECT  ask for a decision; prints its number\n"
	"  approve ID       vote yes (for yourself, or as someone's delegate)\n"
	"  reject ID        vote no; --comment is required\n"
	"  list             every request, its state, who it waits for, votes\n"
	"  delegate USER    USER's votes go to --to between --from and --until\n"
	"Approvers are slots: a role of the subject (a measure's sponsor,\n"
	"controller, owner; a ticket's owner, its assignee, and controller, from\n"
	"the catalog), a user, or a role people hold (pmo, finance: any of them).\n"
	"Measure gates default to the sponsor (1, 2), sponsor and controller,\n"
	"all (3), and the controller alone (5, fixed).  No one votes on their\n"
	"own request; a delegate acts only within the dates and cannot delegate\n"
	"further.  The actor is --as, $SVC_USER or the login name: this records\n"
	"decisions and stops mistakes; it does not stop anyone who can write\n"
	"the database file (see svc-approve(1) on file groups).",
	opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON)
};

struct cfg {
	struct svc_common c;
	int gate, mine;
	const char *rule, *approvers, *due, *comment, *to, *from, *until;
};

static int
onopt(int id, const char *arg, void *ud, struct svc_err *e)
{
	struct cfg *g = ud;
	char *end;

	switch (id) {
	case O_GATE:
		g->gate = (int)strtol(arg, &end, 10);
		if (end == arg || *end || g->gate < 1 || g->gate > 5)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--gate: '%s' is not a gate 1 to 5", arg);
		break;
	case O_RULE: g->rule = arg; break;
	case O_APPROVERS: g->approvers = arg; break;
	case O_DUE: g->due = arg; break;
	case O_COMMENT: g->comment = arg; break;
	case O_MINE: g->mine = 1; break;
	case O_TO: g->to = arg; break;
	case O_FROM: g->from = arg; break;
	case O_UNTIL: g->until = arg; break;
	default: break;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const subs[] = { "request", "approve", "reject",
	    "list", "delegate", NULL };
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	struct svc_aopts o;
	const char *sub, *arg = NULL;
	int first, status = SVC_EXIT_OK, rc;

	svc_err_progname(argv[0]);
	svc_err_clear(&e);
	memset(&g, 0, sizeof(g));
	if (svc_opt_start(argc, argv, &cmd, &g.c, onopt, &g, &first, &status,
	    &e))
		return status;
	if ((sub = svc_opt_subcommand(&cmd, "command", argc, argv, &first, subs,
	    &status, &e)) == NULL)
		return status;
	if (strcmp(sub, "list") != 0) {
		if (first >= argc)
			return svc_opt_usage_error(&cmd, &e,
			    strcmp(sub, "request") == 0 ?
			    "%s: no SUBJECT given" : strcmp(sub, "delegate") ==
			    0 ? "%s: no USER given" : "%s: no approval ID given",
			    sub);
		arg = argv[first++];
	}
	if (first < argc)
		return svc_opt_usage_error(&cmd, &e,
		    "unexpected argument '%s'", argv[first]);
	if ((g.gate || g.rule || g.approvers || g.due) &&
	    strcmp(sub, "request") != 0)
		return svc_opt_usage_error(&cmd, &e,
		    "%s takes no --gate, --rule, --approvers or "
		    "--due", sub);
	if ((g.to || g.from || g.until) && strcmp(sub, "delegate") != 0)
		return svc_opt_usage_error(&cmd, &e,
		    "%s takes no --to, --from or --until", sub);
	if (strcmp(sub, "delegate") == 0 && (g.to == NULL || g.until == NULL))
		return svc_opt_usage_error(&cmd, &e,
		    "%s: --to and --until are required", sub);
	if (g.mine && strcmp(sub, "list") != 0)
		return svc_opt_usage_error(&cmd, &e, "%s takes no --mine", sub);
	memset(&o, 0, sizeof(o));
	o.now = g.c.now;
	o.actor = g.c.actor;
	o.program = cmd.name;
	o.args = g.c.args;
	o.dry_run = g.c.dry_run;
	if (svc_db_open(g.c.db, strcmp(sub, "list") == 0 ? SVC_DB_RO :
	    SVC_DB_RW, &db, &e) != 0) {
		svc_err_print(&e);
		return e.status;
	}
	if (strcmp(sub, "request") == 0) {
		int64_t due = -1, id = 0;

		if (g.due && svc_time_parse_opt("--due", g.due, &due, &e) != 0)
			return svc_opt_end(db, 1, &e);
		rc = svc_approve_request(db, &o, arg, g.gate, g.rule,
		    g.approvers, due, &id, &e);
		if (rc == 0) {
			printf("%lld\n", (long long)id);
			if (!g.c.quiet)
				svc_warn("approval %lld requested for %s%s", (long
				    long)id, arg, g.c.dry_run ?
				    " (dry run, nothing committed)" : "");
		}
	} else if (strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0) {
		char *end, state[32];
		long long id = strtoll(arg, &end, 10);

		if (end == arg || *end || id < 1) {
			svc_db_close(db);
			return svc_opt_usage_error(&cmd, &e,
			    "'%s' is not an approval number", arg);
		}
		rc = svc_approve_vote(db, &o, id, sub[0] == 'a', g.comment,
		    state, sizeof(state), &e);
		if (rc == 0 && !g.c.quiet)
			svc_warn("approval %lld: %s by %s; %s%s", id, sub[0] ==
			    'a' ? "approved" : "rejected", o.actor, state,
			    g.c.dry_run ? " (dry run, nothing committed)" : "");
	} else if (strcmp(sub, "delegate") == 0) {
		int64_t from = o.now, until;

		if ((g.from && svc_time_parse_opt("--from", g.from, &from,
		    &e) != 0) || svc_time_parse_opt("--until", g.until, &until,
		    &e) != 0)
			return svc_opt_end(db, 1, &e);
		rc = svc_approve_delegate(db, &o, arg, g.to, from, until, &e);
		if (rc == 0 && !g.c.quiet)
			svc_warn("%s's approvals go to %s from %s until %s%s", arg,
			    g.to, g.from ? g.from : "now", g.until, g.c.dry_run ?
			    " (dry run, nothing committed)" : "");
	} else {
		struct svc_out *out = svc_out_open(stdout, g.c.format,
		    SVC_APPROVE_NCOLS, svc_approve_cols);

		rc = svc_approve_list(db, &o, g.mine, out, &e);
		status = svc_opt_out_close(out, 0);
	}
	if (rc != 0)
		return svc_opt_end(db, 1, &e);
	svc_db_close(db);
	return svc_exit_flush(status);
}
