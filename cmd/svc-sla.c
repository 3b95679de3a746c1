/* svc-sla: SLA clocks on business calendars, and a business-hours
 * calculator (svc-sla calc). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "config.h"
#include "db.h"
#include "opt.h"
#include "reader.h"
#include "sla.h"
#include "timeutil.h"

enum { O_ALL = 1, O_EXPLAIN, O_LINT, O_RECOMPUTE, O_CALENDAR, O_BETWEEN,
    O_ADD };

static const struct svc_opt opts[] = {
	{ "all", 0, 0, NULL, "work on all tickets, not on standard input", O_ALL },
	{ "explain", 0, 1, "TICKET", "print the timeline of TICKET's clocks; change nothing", O_EXPLAIN },
	{ "lint", 0, 0, NULL, "check the stored policies, calendars and holidays", O_LINT },
	{ "recompute", 0, 0, NULL, "judge completed clocks again by today's policies", O_RECOMPUTE },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd cmd = {
	"svc-sla",
	"[options]",
	"Run the SLA clocks of tickets as of --now: the first policy (loaded\n"
	"with svc-import --kind policies) that matches a ticket gives each\n"
	"metric its target, counted on a business calendar, paused while the\n"
	"status is one the policy lists.  Reads ticket rows (a ticket_id\n"
	"column) on standard input, or works on all tickets when standard\n"
	"input is a terminal or empty, or with --all.  Writes one row per\n"
	"ticket row read (with --all, per ticket whose clocks changed):\n"
	"ticket_id and, for each of first_response, resolution and\n"
	"next_reply, the state, due_at and remaining seconds of the clock the\n"
	"run changed, empty when it changed none.  With a stream it also\n"
	"runs, writing no row, the tickets whose clocks time alone moved\n"
	"since the last run (a due time come, a stored time now past).\n"
	"svc-sla calc answers business-hours questions: see svc-sla calc\n"
	"--help.",
	opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON)
};

static const struct svc_opt calc_opts[] = {
	{ "calendar", 0, 1, "NAME", "the calendar (default 24x7)", O_CALENDAR },
	{ "between", 0, 1, "START", "print the working seconds from START to END", O_BETWEEN },
	{ "add", 0, 1, "SECONDS", "print the time SECONDS working seconds (or 4h, 30m, 2d) after START", O_ADD },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd calc_cmd = {
	"svc-sla calc",
	"[--calendar NAME] (--between START END | --add SECONDS START)",
	"Business-hours arithmetic on a calendar loaded with svc-import\n"
	"--kind calendars and holidays (or the built-in 24x7).  --between\n"
	"prints the working seconds from START to END (0 when END is before\n"
	"START); --add prints the time at which SECONDS working seconds after\n"
	"START have passed, in ISO 8601 with the offset of --tz.  Times\n"
	"without an offset are read in --tz.",
	calc_opts,
	(1 << SVC_FMT_TABLE)
};

struct cfg {
	struct svc_common c;
	int all, lint, recompute;
	const char *explain, *calendar, *between, *add;
};

static int
onopt(int id, const char *arg, void *ud, struct svc_err *e)
{
	struct cfg *g = ud;

	(void)e;
	switch (id) {
	case O_ALL: g->all = 1; break;
	case O_EXPLAIN: g->explain = arg; break;
	case O_LINT: g->lint = 1; break;
	case O_RECOMPUTE: g->recompute = 1; break;
	case O_CALENDAR: g->calendar = arg; break;
	case O_BETWEEN: g->between = arg; break;
	case O_ADD: g->add = arg; break;
	default: break;
	}
	return 0;
}

static int
calc(int argc, char **argv)
{
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	struct svc_cal *cal = NULL;
	int first, status = SVC_EXIT_OK;
	int64_t a, b, secs, out;
	char buf[64];

	svc_err_clear(&e);
	memset(&g, 0, sizeof(g));
	if (svc_opt_start(argc, argv, &calc_cmd, &g.c, onopt, &g, &first,
	    &status, &e))
		return status;
	if ((g.between == NULL) == (g.add == NULL)) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "give one of --between "
		    "or --add");
		return svc_err_fail(&e, calc_cmd.name);
	}
	if (argc - first != 1) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "%s", g.between ?
		    "--between takes START and END" : "--add takes SECONDS and "
		    "START");
		return svc_err_fail(&e, calc_cmd.name);
	}
	if (g.between) {
		if (svc_time_parse_opt("--between", g.between, &a, &e) != 0 ||
		    svc_time_parse_opt("--between", argv[first], &b, &e) != 0)
			return svc_err_fail(&e, calc_cmd.name);
	} else {
		if (svc_sla_seconds(g.add, &secs) != 0) {
			svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "--add: '%s' is "
			    "not a number of seconds or a duration such as 4h",
			    g.add);
			return svc_err_fail(&e, calc_cmd.name);
		}
		if (svc_time_parse_opt("--add", argv[first], &a, &e) != 0)
			return svc_err_fail(&e, calc_cmd.name);
	}
	if (g.calendar == NULL || strcmp(g.calendar, "24x7") == 0)
		cal = svc_cal_new("24x7", "UTC");
	else {
		if (svc_db_open(g.c.db, SVC_DB_RO, &db, &e) != 0) {
			svc_err_print(&e);
			return e.status;
		}
		cal = svc_cal_load(db, g.c.now, g.calendar, &e);
		svc_db_close(db);
		if (cal == NULL)
			return svc_err_fail(&e, calc_cmd.name);
	}
	if (g.between)
		printf("%lld\n", (long long)svc_cal_between(cal, a, b));
	else if ((secs > 0 ? svc_cal_add(cal, a, secs, &out, &e) :
	    svc_cal_next_open(cal, a, &out, &e)) != 0) {
		svc_err_print(&e);
		status = e.status;
	} else {
		svc_time_format(out, buf, sizeof(buf));
		printf("%s\n", buf);
	}
	svc_cal_free(cal);
	return svc_exit_flush(status);
}

/* The configuration SLA clocks read, said when none is valid at --now
 * (policies first: without them the run itself fails and says so). */
static const char *const kinds[] = { "policies", "calendars", "holidays",
    "statuses", NULL };

int
main(int argc, char **argv)
{
	static const char *const cols[] = { "ticket_id", "first_response",
	    "first_response_due_at", "first_response_remaining", "resolution",
	    "resolution_due_at", "resolution_remaining", "next_reply",
	    "next_reply_due_at", "next_reply_remaining" };
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	struct svc_sla_opts so;
	struct svc_sla_result res;
	struct svc_out *out;
	char **ids = NULL, tag[64], moved[64];
	size_t nids = 0;
	int first, none, status = SVC_EXIT_OK;

	svc_err_progname(argv[0]);
	svc_err_clear(&e);
	if (argc > 1 && strcmp(argv[1], "calc") == 0) {
		argv[1] = argv[0];
		return calc(argc - 1, argv + 1);
	}
	memset(&g, 0, sizeof(g));
	if (svc_opt_start(argc, argv, &cmd, &g.c, onopt, &g, &first, &status,
	    &e))
		return status;
	if (first < argc) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "unexpected argument "
		    "'%s'", argv[first]);
		return svc_err_fail(&e, cmd.name);
	}
	/* the tickets first: in svc-import FILE | svc-sla the database may
	 * not exist before the import ends */
	none = 0;
	if (!g.lint && !g.explain && svc_read_ids_stdin(g.all,
	    g.c.stdin_tty, &ids, &nids, &none, &e) != 0)
		return svc_opt_end(NULL, 1, &e);
	if (svc_db_open(g.c.db, SVC_DB_RW, &db, &e) != 0) {
		svc_err_print(&e);
		svc_ids_free(ids, nids);
		return e.status;
	}
	memset(&so, 0, sizeof(so));
	so.now = g.c.now;
	so.actor = g.c.actor;
	so.program = cmd.name;
	so.args = g.c.args;
	so.dry_run = g.c.dry_run;
	so.recompute = g.recompute;
	if (g.lint) {
		int k = svc_config_check(db, g.c.now, kinds, stdout, 0, &e);
		int rc = k < 0 ? -1 : svc_sla_lint(db, g.c.now, stdout, &e);

		status = svc_opt_lint_status(&g.c, rc < 0 ? -1 : rc + k, &e);
		svc_db_close(db);
		return status;
	}
	if (svc_config_check(db, g.c.now, kinds + 1, stderr, 1, &e) < 0)
		return svc_opt_end(db, 1, &e);
	if (g.explain)
		return svc_opt_end(db, svc_sla_explain(db, &so, g.explain, stdout,
		    &e) != 0, &e);
	if (none) {
		status = svc_opt_nothing(&g.c, 10, cols);
		svc_db_close(db);
		return svc_exit_flush(status);
	}
	so.out = out = svc_opt_out(&g.c, 10, cols);
	if (svc_sla_run(db, &so, ids, nids, &res, &e) != 0) {
		svc_err_print(&e);
		status = e.status;
	} else if (!g.c.quiet) {
		if (res.moved > 0)
			snprintf(moved, sizeof(moved), " (and %lld that time alone "
			    "moved)", (long long)res.moved);
		svc_warn("%lld tickets%s, %lld clocks, %lld changed, %lld events%s",
		    (long long)res.tickets, res.moved > 0 ? moved : "",
		    (long long)res.clocks, (long long)res.changed,
		    (long long)res.events, svc_opt_run_tag(&g.c, res.run,
		    res.missing, tag, sizeof(tag)));
	}
	status = svc_opt_out_close(out, status);
	svc_ids_free(ids, nids);
	svc_db_close(db);
	return svc_exit_flush(status);
}
