/* svc-report: reports leadership can trust and drill into. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "opt.h"
#include "out.h"
#include "report.h"
#include "sla.h"
#include "timeutil.h"

enum { O_SINCE = 1, O_UNTIL, O_BY, O_PERIOD, O_WHERE, O_CALENDAR, O_FCR,
    O_SELF, O_TITLE };

static const struct svc_opt opts[] = {
	{ "since", 0, 1, "TIME", "start of the period (default: 28 days before --until)", O_SINCE },
	{ "until", 0, 1, "TIME", "end of the period, not included (default: just after --now)", O_UNTIL },
	{ "by", 0, 1, "FIELD[,FIELD]", "cut by ticket fields or attrs.KEY (volume, backlog, sla, kpi)", O_BY },
	{ "period", 0, 1, "P", "day, week or month (volume: default week; kpi)", O_PERIOD },
	{ "where", 0, 1, "COND", "only the tickets that match COND (the condition language)", O_WHERE },
	{ "calendar", 0, 1, "NAME", "kpi: business times on this calendar (default: each clock's)", O_CALENDAR },
	{ "fcr-window", 0, 1, "DUR", "kpi fcr: a repeat contact within DUR (default 7d)", O_FCR },
	{ "self-window", 0, 1, "DUR", "kpi self_service: agent contact within DUR (default 72h)", O_SELF },
	{ "title", 0, 1, "TEXT", "html: the page's title (default: svc report)", O_TITLE },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static struct svc_cmd cmd = {
	"svc-report",
	"REPORT [--since T] [--until T] [--by FIELD[,FIELD]] "
	"[--period day|week|month] [--where COND] [-f FORMAT]",
	NULL,
	opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON) | (1 << SVC_FMT_MD) | (1 << SVC_FMT_HTML)
};

struct cfg {
	struct svc_common c;
	struct svc_report_opts o;
	const char *since, *until, *title;
	int since_given, until_given;
};

static int
dur(const char *opt, const char *arg, int64_t *out, struct svc_err *e)
{
	if (svc_sla_target(arg, out) != 0)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "%s: '%s' is not a duration such as 30d or 12h", opt, arg);
	return 0;
}

static int
onopt(int id, const char *arg, void *ud, struct svc_err *e)
{
	struct cfg *g = ud;

	switch (id) {
	case O_SINCE: g->since = arg; break;
	case O_UNTIL: g->until = arg; break;
	case O_BY: g->o.by = arg; break;
	case O_PERIOD:
		if (strcmp(arg, "day") == 0)
			g->o.period = SVC_PERIOD_DAY;
		else if (strcmp(arg, "week") == 0)
			g->o.period = SVC_PERIOD_WEEK;
		else if (strcmp(arg, "month") == 0)
			g->o.period = SVC_PERIOD_MONTH;
		else
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--period: '%s' is not day, week or month", arg);
		break;
	case O_WHERE: g->o.where = arg; break;
	case O_CALENDAR: g->o.calendar = arg; break;
	case O_FCR: return dur("--fcr-window", arg, &g->o.fcr_window, e);
	case O_SELF: return dur("--self-window", arg, &g->o.self_window, e);
	case O_TITLE: g->title = arg; break;
	default: break;
	}
	return 0;
}

/* The report named in argv, for its own --help. */
static const char *
report_in(int argc, char **argv)
{
	int i, k;

	for (i = 1; i < argc; i++)
		for (k = 0; svc_report_names[k]; k++)
			if (strcmp(argv[i], svc_report_names[k]) == 0)
				return argv[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	struct svc_report r;
	struct svc_buf sum = { 0 };
	const char *name, *hr;
	int first, status = SVC_EXIT_OK, i;
	size_t k;

	svc_err_progname(argv[0]);
	svc_err_clear(&e);
	memset(&g, 0, sizeof(g));
	svc_report_defaults(&g.o);
	if ((hr = report_in(argc, argv)) != NULL)
		svc_report_help(hr, &sum);
	else {
		svc_buf_adds(&sum, "Reports over the tickets, clocks, escalations "
		    "and imports of the database, as of\n--now, over the period "
		    "[--since, --until).  Every figure drills down to its\n"
		    "tickets: svc-report REPORT --help shows how.  Reports:\n");
		for (i = 0; svc_report_names[i]; i++)
			svc_buf_printf(&sum, "  %-12s %s\n", svc_report_names[i],
			    svc_report_lines[i]);
		svc_buf_adds(&sum, "KPIs (svc-report kpi):\n");
		svc_report_kpi_help(&sum);
		if (sum.len && sum.s[sum.len - 1] == '\n')
			sum.s[--sum.len] = '\0';
	}
	if (sum.len && sum.s[sum.len - 1] == '\n')
		sum.s[--sum.len] = '\0';
	cmd.summary = sum.s;
	if (svc_opt_start(argc, argv, &cmd, &g.c, onopt, &g, &first, &status,
	    &e)) {
		svc_buf_free(&sum);
		return status;
	}
	svc_buf_free(&sum);
	if ((name = svc_opt_subcommand(&cmd, "report", argc, argv, &first,
	    svc_report_names, &status, &e)) == NULL)
		return status;
	if (first < argc)
		return svc_opt_usage_error(&cmd, &e, "unexpected argument '%s'",
		    argv[first]);
	if (g.o.period && !svc_report_takes_period(name))
		return svc_opt_usage_error(&cmd, &e,
		    "report '%s' does not take --period", name);
	if (g.o.by && !svc_report_takes_by(name))
		return svc_opt_usage_error(&cmd, &e,
		    "report '%s' does not take --by", name);
	g.o.now = g.c.now;
	g.o.until = g.c.now + 1;	/* what happened at --now is in */
	if (g.until && svc_time_parse_opt("--until", g.until, &g.o.until,
	    &e) != 0)
		return svc_err_fail(&e, cmd.name);
	g.o.since = (g.until ? g.o.until : g.o.now) - 28 * 86400;
	if (g.since && svc_time_parse_opt("--since", g.since, &g.o.since,
	    &e) != 0)
		return svc_err_fail(&e, cmd.name);
	if (g.o.since >= g.o.until)
		return svc_opt_usage_error(&cmd, &e,
		    "%s", "--since must be before --until");
	g.o.page = g.c.format == SVC_FMT_HTML;
	if (!g.o.page && g.c.format != SVC_FMT_TABLE &&
	    g.c.format != SVC_FMT_MD) {
		/* list reports stream; table and md align, so they hold */
		g.o.stream = stdout;
		g.o.stream_fmt = g.c.format;
	}
	if (svc_db_open(g.c.db, SVC_DB_RO, &db, &e) != 0) {
		svc_err_print(&e);
		return e.status;
	}
	if (svc_report_run(db, name, &g.o, &r, &e) != 0)
		return svc_opt_end(db, 1, &e);
	if (g.c.format == SVC_FMT_HTML) {
		char s[40], u[40], n[40], sub[256];

		svc_time_format(g.o.since, s, sizeof(s));
		svc_time_format(g.o.until, u, sizeof(u));
		svc_time_format(g.o.now, n, sizeof(n));
		snprintf(sub, sizeof(sub), "%s, as of %s; period %s to %s%s%s",
		    name, n, s, u, g.o.where ? "; tickets where " : "",
		    g.o.where ? g.o.where : "");
		if (svc_report_html(stdout, &r, g.title ? g.title : "svc report",
		    sub) != 0) {
			svc_err_set(&e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "writing the page: %s", "standard output");
			status = svc_err_fail(&e, cmd.name);
		}
	} else if (r.n > 0 && !r.streamed) {
		/* one table to a pipe; table and md show every table (the
		 * measures pipeline follows the measures) */
		size_t nt = g.c.format == SVC_FMT_TABLE ||
		    g.c.format == SVC_FMT_MD ? r.n : 1, j;

		for (j = 0; j < nt && status == SVC_EXIT_OK; j++) {
			struct svc_rtab *t = &r.t[j];
			struct svc_out *out;

			if (j > 0 && fputs("\n", stdout) == EOF)
				break;
			out = svc_out_open(stdout, g.c.format, t->ncols,
			    (const char *const *)t->cols);
			for (k = 0; k < t->nrows; k++)
				svc_out_row(out, (const char *const *)t->cells +
				    k * t->ncols, NULL);
			status = svc_opt_out_close(out, status);
		}
	}
	svc_report_free(&r);
	svc_db_close(db);
	return svc_exit_flush(status);
}
