/* svc-escalate: notify the person who can act on SLA clocks at risk,
 * once; breach reasons (svc-escalate ack); repeat issues become
 * problems. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "escalate.h"
#include "opt.h"
#include "reader.h"
#include "sla.h"
#include "timeutil.h"

enum { O_ALL = 1, O_FULL, O_EXPLAIN, O_LINT, O_MAIL, O_SENDMAIL, O_UNACK,
    O_PROBLEMS, O_KEY, O_MIN, O_WINDOW, O_METRIC, O_REASON, O_NOTE,
    O_GO_LIVE };

static const struct svc_opt opts[] = {
	{ "all", 0, 0, NULL, "work on all tickets with running or breached clocks, not on standard input", O_ALL },
	{ "full", 0, 0, NULL, "with --all, look at every ticket, not only those due again or changed since the last run", O_FULL },
	{ "explain", 0, 1, "TICKET", "print every rule and why it fired, did not, or was already done; change nothing", O_EXPLAIN },
	{ "lint", 0, 0, NULL, "check the stored escalation rules and that every notify target can be reached", O_LINT },
	{ "go-live", 0, 1, "TIME", "record the database's go-live time: what crossed before it goes into one digest per recipient (default: the --now of the first run)", O_GO_LIVE },
	{ "mail", 0, 1, "DIR", "deliver each notification as a message in the maildir DIR", O_MAIL },
	{ "sendmail", 0, 1, "CMD", "deliver each notification by piping it to CMD (e.g. \"sendmail -t\")", O_SENDMAIL },
	{ "unacknowledged", 0, 0, NULL, "list breaches without a reason, by the person who owes it", O_UNACK },
	{ "problems", 0, 0, NULL, "find problems, notify their service owners, and list them", O_PROBLEMS },
	{ "key", 0, 1, "FIELDS", "problem key (default category,subcategory,service)", O_KEY },
	{ "min-tickets", 0, 1, "N", "tickets with one key that open a problem (default 3)", O_MIN },
	{ "window", 0, 1, "DURATION", "within this time of each other (default 30d)", O_WINDOW },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd cmd = {
	"svc-escalate",
	"[options]",
	"Fire the escalation rules (loaded with svc-import --kind\n"
	"escalations) on tickets' SLA clocks as of --now: each ticket, metric,\n"
	"rule and level fires once, to the person the rule's notify names,\n"
	"held outside their working hours unless the rule is urgent, and\n"
	"nothing for tickets not open at --now.  What had crossed by the\n"
	"go-live time (--go-live) goes into one digest per recipient.  Reads\n"
	"ticket rows (a ticket_id column) on standard input, or works on all\n"
	"tickets with running or breached clocks when standard input is a\n"
	"terminal or empty, or with --all: after the first such run only at\n"
	"those whose time has come (a clock's breach or a threshold a rule\n"
	"names, a held notification's opening, a reminder, a retry) or that\n"
	"svc-import, svc-route or svc-sla changed since (--full: at all).\n"
	"Writes ticket_id, metric, level, rule, to, subject (and body, with\n"
	"-f json) for every notification sent.  With --problems it turns\n"
	"repeat issues into problems instead.  svc-escalate ack records why a\n"
	"breach happened: see svc-escalate ack --help.",
	opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON)
};

static const struct svc_opt ack_opts[] = {
	{ "metric", 0, 1, "M", "the clock: first_response, resolution or next_reply", O_METRIC },
	{ "reason", 0, 1, "CODE", "the reason code (svc-import --kind reasons; default list in svc-escalate(1))", O_REASON },
	{ "note", 0, 1, "TEXT", "a free-text note", O_NOTE },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd ack_cmd = {
	"svc-escalate ack",
	"TICKET --metric M --reason CODE [--note TEXT]",
	"Record who acknowledged the latest breach of TICKET's clock M and\n"
	"why.  Acknowledging again replaces the reason (the audit keeps the\n"
	"old one).  Writes ticket_id, metric, cycle, reason, previous.",
	ack_opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON)
};

struct cfg {
	struct svc_common c;
	struct svc_esc_opts eo;
	int all, lint, unack, problems;
	const char *explain, *metric, *reason, *note, *go_live;
};

static int
onopt(int id, const char *arg, void *ud, struct svc_err *e)
{
	struct cfg *g = ud;
	char *end;
	long long v;
	int64_t secs;

	switch (id) {
	case O_ALL: g->all = 1; break;
	case O_FULL: g->eo.full = 1; break;
	case O_EXPLAIN: g->explain = arg; break;
	case O_LINT: g->lint = 1; break;
	case O_MAIL: g->eo.maildir = arg; break;
	case O_SENDMAIL: g->eo.sendmail = arg; break;
	case O_UNACK: g->unack = 1; break;
	case O_PROBLEMS: g->problems = 1; break;
	case O_KEY: return svc_esc_key(&g->eo, arg, e);
	case O_MIN:
		v = strtoll(arg, &end, 10);
		if (*arg == '\0' || *end || v < 1)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--min-tickets: '%s' is not a whole number of 1 or "
			    "more", arg);
		g->eo.min_tickets = v;
		break;
	case O_WINDOW:
		if (svc_sla_target(arg, &secs) != 0)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--window: '%s' is not a duration such as 30d or 12h",
			    arg);
		g->eo.window = secs;
		break;
	case O_METRIC: g->metric = arg; break;
	case O_REASON: g->reason = arg; break;
	case O_NOTE: g->note = arg; break;
	case O_GO_LIVE: g->go_live = arg; break;
	default: break;
	}
	return 0;
}

static void
common(struct cfg *g, const char *name)
{
	g->eo.now = g->c.now;
	g->eo.actor = g->c.actor;
	g->eo.program = name;
	g->eo.args = g->c.args;
	g->eo.dry_run = g->c.dry_run;
}

static int
ack(int argc, char **argv)
{
	static const char *const cols[] = { "ticket_id", "metric", "cycle",
	    "reason", "previous" };
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	int first, status = SVC_EXIT_OK;

	svc_err_clear(&e);
	memset(&g, 0, sizeof(g));
	if (svc_opt_start(argc, argv, &ack_cmd, &g.c, onopt, &g, &first,
	    &status, &e))
		return status;
	if (argc - first != 1 || g.metric == NULL || g.reason == NULL) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "%s", argc - first != 1 ?
		    "give one TICKET" : g.metric == NULL ? "--metric is required" :
		    "--reason is required");
		return svc_err_fail(&e, ack_cmd.name);
	}
	if (svc_db_open(g.c.db, SVC_DB_RW, &db, &e) != 0) {
		svc_err_print(&e);
		return e.status;
	}
	common(&g, ack_cmd.name);
	g.eo.out = svc_opt_out(&g.c, 5, cols);
	if (svc_esc_ack(db, &g.eo, argv[first], g.metric, g.reason, g.note,
	    &e) != 0) {
		if (e.status == SVC_EXIT_USAGE)
			svc_err_fail(&e, ack_cmd.name);
		else
			svc_err_print(&e);
		status = e.status;
	}
	status = svc_opt_out_close(g.eo.out, status);
	svc_db_close(db);
	return svc_exit_flush(status);
}

/* The configuration escalation reads, said when none is valid at --now
 * (escalations first: without them the run itself fails and says so). */
static const char *const kinds[] = { "escalations", "people", "catalog",
    "calendars", "holidays", "statuses", NULL };

int
main(int argc, char **argv)
{
	static const char *const cols[] = { "ticket_id", "metric", "level",
	    "rule", "to", "subject", "body" };
	static const char *const ucols[] = { "owner", "ticket_id", "metric",
	    "cycle", "breached_at", "group" };
	static const char *const pcols[] = { "problem", "key", "state",
	    "tickets", "customers", "first_seen", "last_seen", "owner" };
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	struct svc_esc_result res;
	char **ids = NULL, tag[64];
	size_t nids = 0;
	int first, status = SVC_EXIT_OK, rc, none;
	int64_t n;

	svc_err_progname(argv[0]);
	svc_err_clear(&e);
	if (argc > 1 && strcmp(argv[1], "ack") == 0) {
		argv[1] = argv[0];
		return ack(argc - 1, argv + 1);
	}
	memset(&g, 0, sizeof(g));
	g.eo.min_tickets = 3;
	g.eo.go_live = -1;
	g.eo.window = 30 * 86400;
	if (svc_opt_start(argc, argv, &cmd, &g.c, onopt, &g, &first, &status,
	    &e))
		return status;
	if (first < argc) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "unexpected argument "
		    "'%s'", argv[first]);
		return svc_err_fail(&e, cmd.name);
	}
	/* read after --tz */
	if (g.go_live && svc_time_parse_opt("--go-live", g.go_live,
	    &g.eo.go_live, &e) != 0)
		return svc_err_fail(&e, cmd.name);
	if (g.eo.nkey == 0 && svc_esc_key(&g.eo, "category,subcategory,service",
	    &e) != 0)
		return svc_err_fail(&e, cmd.name);
	/* the tickets first: in svc-import FILE | ... | svc-escalate the
	 * database may not exist before the import ends */
	none = 0;
	if (!g.lint && !g.explain && !g.unack && !g.problems &&
	    svc_read_ids_stdin(g.all, g.c.stdin_tty, &ids, &nids, &none,
	    &e) != 0)
		return svc_opt_end(NULL, 1, &e);
	if (svc_db_open(g.c.db, SVC_DB_RW, &db, &e) != 0) {
		svc_err_print(&e);
		svc_ids_free(ids, nids);
		return e.status;
	}
	common(&g, cmd.name);
	if (g.lint) {
		int k = svc_config_check(db, g.c.now, kinds, stdout, 0, &e);

		rc = k < 0 ? -1 : svc_esc_lint(db, g.c.now, stdout, &e);
		status = svc_opt_lint_status(&g.c, rc < 0 ? -1 : rc + k, &e);
		svc_db_close(db);
		return status;
	}
	if (svc_config_check(db, g.c.now, kinds + 1, stderr, 1, &e) < 0)
		return svc_opt_end(db, 1, &e);
	if (g.explain)
		return svc_opt_end(db, svc_esc_explain(db, &g.eo, g.explain, stdout,
		    &e) != 0, &e);
	if (g.unack) {
		g.eo.out = svc_opt_out(&g.c, 6, ucols);
		if ((n = svc_esc_unacknowledged(db, &g.eo, &e)) < 0) {
			svc_err_print(&e);
			status = e.status;
		} else if (!g.c.quiet)
			svc_warn("%lld breaches without a reason", (long long)n);
		status = svc_opt_out_close(g.eo.out, status);
		svc_db_close(db);
		return svc_exit_flush(status);
	}
	if (g.problems) {
		g.eo.problems_only = 1;
		if (svc_esc_run(db, &g.eo, NULL, 0, &res, &e) < 0) {
			svc_err_print(&e);
			svc_db_close(db);
			return e.status;
		}
		g.eo.out = svc_opt_out(&g.c, 8, pcols);
		if ((n = svc_esc_problem_list(db, &g.eo, &e)) < 0) {
			svc_err_print(&e);
			status = e.status;
		} else if (!g.c.quiet)
			svc_warn("%lld problems open, %lld new, %lld tickets linked, "
			    "%lld owners notified, %lld held%s", (long long)n,
			    (long long)res.problems_new,
			    (long long)res.problems_linked, (long long)res.sent,
			    (long long)res.held, res.failed ?
			    ", some not delivered" : "");
		if (status == SVC_EXIT_OK && res.failed)
			status = SVC_EXIT_REJECTS;
		status = svc_opt_out_close(g.eo.out, status);
		svc_db_close(db);
		return svc_exit_flush(status);
	}
	g.eo.with_body = g.c.format == SVC_FMT_JSON;
	if (none) {
		status = svc_opt_nothing(&g.c, g.eo.with_body ? 7 : 6, cols);
		svc_db_close(db);
		return svc_exit_flush(status);
	}
	g.eo.out = svc_opt_out(&g.c, g.eo.with_body ? 7 : 6, cols);
	if ((rc = svc_esc_run(db, &g.eo, ids, nids, &res, &e)) < 0) {
		svc_err_print(&e);
		status = e.status;
	} else {
		if (!g.c.quiet)
			svc_warn("%lld tickets looked at%s, %lld sent, %lld held, "
			    "%lld skipped, %lld withdrawn, %lld reminders, %lld in "
			    "%lld digests, %lld not delivered%s",
			    (long long)res.tickets, ids == NULL && !res.full ?
			    " (due or changed)" : "", (long long)res.sent,
			    (long long)res.held, (long long)res.skipped,
			    (long long)res.withdrawn, (long long)res.reminders,
			    (long long)res.digested, (long long)res.digests,
			    (long long)res.failed,
			    svc_opt_run_tag(&g.c,
			    res.run, res.missing, tag, sizeof(tag)));
		if (rc > 0)
			status = SVC_EXIT_REJECTS;
	}
	status = svc_opt_out_close(g.eo.out, status);
	svc_ids_free(ids, nids);
	svc_db_close(db);
	return svc_exit_flush(status);
}
