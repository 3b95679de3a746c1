/* report.h: the reports of svc-report, as tables of text cells.
 *
 * Every report reads the database as of now: tickets as they were then
 * (when runs after now changed them, their later changes are undone from
 * ticket_events), clocks that had started, breaches that had happened.
 * The period is [since, until).  --where is a condition of the condition
 * language evaluated in C over the tickets (never SQL); every report then
 * looks only at the tickets it selects.  Aggregates are SQL over those
 * tickets, with C functions for periods in the display zone, business
 * time on a calendar and percentiles (linear interpolation between the
 * closest ranks, so the median of an even count is the mean of the two
 * middle values).
 */
#ifndef SVC_REPORT_H
#define SVC_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

struct svc_db;

/* The charts of the HTML page. */
enum svc_chart {
	SVC_CHART_NONE, SVC_CHART_AGE, SVC_CHART_VOLUME, SVC_CHART_SLA,
	SVC_CHART_REASONS
};

/* One table: a heading, named columns, rows of text cells (NULL: empty). */
struct svc_rtab {
	char *name;		/* the report that made it */
	char *title;
	size_t ncols;
	char **cols;
	size_t nrows, arows;
	char **cells;		/* nrows * ncols */
	int chart;		/* enum svc_chart */
};

struct svc_report {
	struct svc_rtab *t;
	size_t n;
	int streamed;		/* the rows went to opts.stream already */
};

enum { SVC_PERIOD_NONE, SVC_PERIOD_DAY, SVC_PERIOD_WEEK, SVC_PERIOD_MONTH };

struct svc_report_opts {
	int64_t now, since, until;	/* the period [since, until) */
	const char *by;			/* FIELD[,FIELD], attrs.KEY too */
	int period;			/* SVC_PERIOD_* */
	const char *where;		/* condition text or NULL */
	const char *calendar;		/* business time: this calendar */
	int64_t fcr_window;		/* repeat contact window (s) */
	int64_t self_window;		/* self-service agent contact (s) */
	int page;			/* summary: every table of the page */
	const char *kpi;		/* kpi: only this KPI (NULL: all) */
	FILE *stream;			/* list reports: write rows here */
	int stream_fmt;			/* as they come (enum svc_format) */
};

/* The names of the reports, NULL-terminated, and a line on each. */
extern const char *const svc_report_names[];
extern const char *const svc_report_lines[];

/* Defaults: period none, windows 7 days and 72 hours. */
void svc_report_defaults(struct svc_report_opts *o);

/* Does report take --period / --by?  (0: a usage error to give one.) */
int svc_report_takes_period(const char *report);
int svc_report_takes_by(const char *report);

/* Run report name into r.  With o->stream set, the list reports
 * (breaches, problems, escalations, rejects, tickets) write their rows to
 * it in o->stream_fmt as they are read, so memory stays bounded, and set
 * r->streamed.   Returns 0, or -1 with e set (SVC_EXIT_USAGE for
 * an unknown report, field or condition; SVC_EXIT_FATAL otherwise). */
int svc_report_run(struct svc_db *db, const char *name,
    const struct svc_report_opts *o, struct svc_report *r,
    struct svc_err *e);
void svc_report_free(struct svc_report *r);

/* The KPIs, one line each with its definition, for --help. */
struct svc_buf;
void svc_report_kpi_help(struct svc_buf *b);
/* What report name shows, its columns and a drill-down, for --help. */
void svc_report_help(const char *name, struct svc_buf *b);

/* The unit of KPI name ("count", "pct", "h", "ratio"), or NULL when
 * there is no such KPI. */
const char *svc_report_kpi_unit(const char *name);
/* KPI name over the tickets that match where (NULL: all) in the period
 * [since, until) as of now: *value (hours for a time) and *n, the count
 * it is taken over (0, and *value NAN, when there is nothing to measure).
 * Reads in its own transaction: call it outside a write. */
int svc_report_kpi_value(struct svc_db *db, const char *name,
    const char *where, int64_t since, int64_t until, int64_t now,
    double *value, int64_t *n, struct svc_err *e);

/* Percentile p (0..1) of n sorted values, linear between closest ranks. */
double svc_report_pct(const double *v, size_t n, double p);

/* The label of the period (SVC_PERIOD_*) holding t in the display zone:
 * YYYY-MM-DD (day, and the Monday starting a week) or YYYY-MM. */
void svc_report_period(int period, int64_t t, char *buf, size_t n);

/* The whole of r as one self-contained HTML page (inline SVG charts as
 * data: images, no script, no external file).  Returns 0 or -1 when
 * writing failed. */
int svc_report_html(FILE *fp, const struct svc_report *r, const char *title,
    const char *subtitle);

#endif
