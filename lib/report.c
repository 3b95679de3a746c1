/* report.c: the reports of svc-report. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "calendar.h"
#include "cond.h"
#include "config.h"
#include "db.h"
#include "map.h"
#include "out.h"
#include "report.h"
#include "measure.h"
#include "status.h"
#include "ticket.h"
#include "timeutil.h"

const char *const svc_report_names[] = { "summary", "volume", "backlog",
    "sla", "breaches", "owners", "kpi", "problems", "escalations", "rejects",
    "tickets", "measures", NULL };

const char *const svc_report_lines[] = {
	"one screen for a service lead: open, new, resolved, SLA, breaches, "
	"escalations, problems, decisions, rejects",
	"tickets created and resolved per period (default week)",
	"open tickets by age and by days since their last update",
	"SLA compliance per metric: completed, met, breached, at risk, "
	"overdue, median and p90 elapsed",
	"each breach with its owner at breach and its reason (or missing)",
	"per person and group: open, overdue, resolved, median resolution, "
	"breached, reassigned away",
	"the KPIs, each with its n",
	"problems opened by svc-escalate --problems",
	"notifications fired in the period and their state",
	"import rows rejected and values read as missing in the period, by "
	"run, file, type and field",
	"the tickets behind any figure (--where)",
	"improvement measures: the pipeline by DoI and each measure's lights",
	NULL
};

/* Extra names --where may test besides the ticket fields. */
enum { X_OPEN, X_AGE_DAYS, X_IDLE_DAYS, X_BREACHED, X_OVERDUE, X_REOPENED,
    X_ESCALATED, X_STATUS_CATEGORY };
static const char *const where_names[] = { "open", "age_days", "idle_days",
    "breached", "overdue", "reopened", "escalated", "status_category",
    NULL };
static const struct svc_cond_names wnames = { where_names };

#define S(x) "coalesce(sum(" x "),0)"
/* Open at now: rt's is_open (SVC_OPEN_SQL on the times as stored); a
 * ticket without a creation time counts where its status puts it. */
#define OPEN_T "((t.created_at IS NULL OR t.created_at <= :now) AND " \
	"t.is_open)"
#define DONE_CAT(s) "(svc_status_category(" s ") IN ('resolved', " \
	"'closed', 'cancelled'))"
#define IN_P(c) "(" c " >= :since AND " c " < :until AND " c " <= :now)"
#define SELF_LIST "'self-service','self_service','selfservice','self service'"

#define MAXBY 4

struct rx {
	struct svc_db *db;
	const struct svc_report_opts *o;
	struct svc_report *r;
	struct svc_err *e;
	struct svc_calset cals;
	int nby;
	char *byname[MAXBY], *byexpr[MAXBY], *bypath[MAXBY];
	int64_t people_version;
	int stream;			/* fill writes to out */
	struct svc_out *out;
	const struct svc_statuses *statuses;
};

void
svc_report_defaults(struct svc_report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->fcr_window = 7 * 86400;
	o->self_window = 72 * 3600;
}

int
svc_report_takes_period(const char *r)
{
	return strcmp(r, "volume") == 0 || strcmp(r, "kpi") == 0;
}

int
svc_report_takes_by(const char *r)
{
	return strcmp(r, "volume") == 0 || strcmp(r, "kpi") == 0 ||
	    strcmp(r, "backlog") == 0 || strcmp(r, "sla") == 0;
}

/* ---- percentiles, periods and the SQL functions ---- */

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
svc_report_pct(const double *v, size_t n, double p)
{
	double h, lo;
	size_t i;

	if (n == 0)
		return NAN;
	h = (double)(n - 1) * p;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

void
svc_report_period(int period, int64_t t, char *buf, size_t n)
{
	int dow, y;
	unsigned m, d;
	int64_t secs, day = svc_zone_day(svc_time_zone(), t, &dow, &secs);

	if (period == SVC_PERIOD_WEEK)
		day -= dow;
	svc_civil_from_days(day, &y, &m, &d);
	if (period == SVC_PERIOD_MONTH)
		snprintf(buf, n, "%04d-%02u", y, m);
	else
		snprintf(buf, n, "%04d-%02u-%02u", y, m, d);
}

struct pctagg {
	double *v;
	size_t n, a;
	double p;
};

static void
pct_step(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct pctagg *g = sqlite3_aggregate_context(cx, sizeof(*g));

	(void)argc;
	if (g == NULL)
		return;
	g->p = sqlite3_value_double(argv[1]);
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (g->n == g->a) {
		g->a = g->a ? 2 * g->a : 64;
		g->v = svc_xrealloc(g->v, g->a * sizeof(*g->v));
	}
	g->v[g->n++] = sqlite3_value_double(argv[0]);
}

static void
pct_final(sqlite3_context *cx)
{
	struct pctagg *g = sqlite3_aggregate_context(cx, 0);

	if (g == NULL || g->n == 0) {
		sqlite3_result_null(cx);
		if (g)
			free(g->v);
		return;
	}
	qsort(g->v, g->n, sizeof(*g->v), dcmp);
	sqlite3_result_double(cx, svc_report_pct(g->v, g->n, g->p));
	free(g->v);
}

static void
fn_period(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct rx *x = sqlite3_user_data(cx);
	char buf[32];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	svc_report_period(x->o->period, sqlite3_value_int64(argv[0]), buf,
	    sizeof(buf));
	sqlite3_result_text(cx, buf, -1, SQLITE_TRANSIENT);
}

/* svc_bus(calendar, a, b): working seconds from a to b, NULL when any is
 * missing or the calendar does not exist. */
static void
fn_bus(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct rx *x = sqlite3_user_data(cx);
	struct svc_cal *c;
	struct svc_err e;
	int i;

	(void)argc;
	for (i = 0; i < 3; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
			sqlite3_result_null(cx);
			return;
		}
	svc_err_clear(&e);
	c = svc_calset_get(&x->cals, (const char *)sqlite3_value_text(argv[0]),
	    &e);
	if (c == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	sqlite3_result_int64(cx, svc_cal_between(c,
	    sqlite3_value_int64(argv[1]), sqlite3_value_int64(argv[2])));
}

/* svc_now(): the report's --now (a view cannot hold a parameter). */
static void
fn_now(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct rx *x = sqlite3_user_data(cx);

	(void)argc;
	(void)argv;
	sqlite3_result_int64(cx, x->o->now);
}

static void
fn_in_list(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	const char *w = (const char *)sqlite3_value_text(argv[1]);

	(void)argc;
	sqlite3_result_int(cx, s && w && svc_in_list(s, w));
}

/* ---- tables ---- */

static struct svc_rtab *
tab_new(struct rx *x, const char *name, const char *title, int chart)
{
	struct svc_report *r = x->r;
	struct svc_rtab *t;

	r->t = svc_xrealloc(r->t, (r->n + 1) * sizeof(*r->t));
	t = &r->t[r->n++];
	memset(t, 0, sizeof(*t));
	t->name = svc_xstrdup(name);
	t->title = svc_xstrdup(title);
	t->chart = chart;
	return t;
}

static void
tab_col(struct svc_rtab *t, const char *name)
{
	t->cols = svc_xrealloc(t->cols, (t->ncols + 1) * sizeof(*t->cols));
	t->cols[t->ncols++] = svc_xstrdup(name);
}

/* The grouping columns, then the names of the NULL-terminated list. */
static void
tab_cols(struct rx *x, struct svc_rtab *t, int with_period,
    const char *const *names)
{
	int i;

	for (i = 0; i < x->nby; i++)
		tab_col(t, x->byname[i]);
	if (with_period && x->o->period)
		tab_col(t, "period");
	for (; *names; names++)
		tab_col(t, *names);
}

static void
tab_free(struct svc_rtab *t)
{
	size_t j;

	for (j = 0; j < t->ncols; j++)
		free(t->cols[j]);
	for (j = 0; j < t->nrows * t->ncols; j++)
		free(t->cells[j]);
	free(t->cols);
	free(t->cells);
	free(t->name);
	free(t->title);
}

static char **
tab_row(struct svc_rtab *t)
{
	char **row;

	if (t->nrows == t->arows) {
		t->arows = t->arows ? 2 * t->arows : 16;
		t->cells = svc_xrealloc(t->cells,
		    t->arows * t->ncols * sizeof(*t->cells));
	}
	row = t->cells + t->nrows++ * t->ncols;
	memset(row, 0, t->ncols * sizeof(*row));
	return row;
}

static char *
fmt_num(const char *f, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), f, v);
	return svc_xstrdup(buf);
}

/* Column i of st as a cell of kind k: s text, i integer, t time, h
 * seconds as hours, p percent, f a number with two decimals. */
static char *
cell(sqlite3_stmt *st, int i, int k)
{
	char buf[64];

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	switch (k) {
	case 'i':
		snprintf(buf, sizeof(buf), "%lld",
		    (long long)llround(sqlite3_column_double(st, i)));
		return svc_xstrdup(buf);
	case 't':
		svc_time_format(sqlite3_column_int64(st, i), buf, sizeof(buf));
		return svc_xstrdup(buf);
	case 'h':
		return fmt_num("%.2f", sqlite3_column_double(st, i) / 3600.0);
	case 'p':
		return fmt_num("%.1f", sqlite3_column_double(st, i));
	case 'f':
		return fmt_num("%.2f", sqlite3_column_double(st, i));
	default:
		return svc_xstrdup((const char *)sqlite3_column_text(st, i));
	}
}

/* ---- SQL ---- */

/* Expand the grouping tokens of tmpl into b:
 *   {G:anchor}  "e1 AS g1, ..., svc_period(anchor) AS gp, "
 *   {G}         the same without a period
 *   {GN}        "g1, ..., gp, "     {GC}  ", g1, ..., gp"
 *   {GB}        " GROUP BY g1, ..."  {GO}  " ORDER BY g1, ..."
 * The period takes part when the template names an anchor (a template
 * has one anchor, or the same grouping in each part of a UNION). */
static void
expand(struct rx *x, const char *tmpl, struct svc_buf *b)
{
	const char *p = tmpl, *q;
	int i, per = 0;

	svc_buf_reset(b);
	/* the period takes part when the template names an anchor */
	for (q = strstr(p, "{G:"); q && !per; q = strstr(q + 1, "{G:"))
		per = q[3] != '}' && x->o->period;
	while ((q = strchr(p, '{')) != NULL) {
		const char *end = strchr(q, '}');
		size_t n = (size_t)(end - q - 1);

		svc_buf_add(b, p, (size_t)(q - p));
		if (n >= 1 && q[1] == 'G' && (q[2] == ':' || q[2] == '}')) {
			for (i = 0; i < x->nby; i++)
				svc_buf_printf(b, "%s AS g%d, ", x->byexpr[i], i);
			if (q[2] == ':' && end - q > 3 && per)
				svc_buf_printf(b, "svc_period(%.*s) AS gp, ",
				    (int)(end - q - 3), q + 3);
		} else {
			const char *sep = "";
			int list = strncmp(q, "{GN}", 4) == 0 ? 0 :
			    strncmp(q, "{GC}", 4) == 0 ? 1 :
			    strncmp(q, "{GB}", 4) == 0 ? 2 : 3;

			if (x->nby == 0 && !per) {
				p = end + 1;
				continue;
			}
			if (list == 1)
				sep = ", ";
			else if (list == 2)
				svc_buf_adds(b, " GROUP BY ");
			else if (list == 3)
				svc_buf_adds(b, " ORDER BY ");
			for (i = 0; i < x->nby; i++) {
				svc_buf_printf(b, "%sg%d", sep, i);
				sep = ", ";
			}
			if (per)
				svc_buf_printf(b, "%sgp", sep);
			if (list == 0)
				svc_buf_adds(b, ", ");
		}
		p = end + 1;
	}
	svc_buf_adds(b, p);
}

static int
prep(struct rx *x, const char *tmpl, sqlite3_stmt **st)
{
	struct svc_buf b = { 0 };
	const struct svc_report_opts *o = x->o;
	int i, rc;

	expand(x, tmpl, &b);
	rc = svc_db_prepare(x->db, b.s, st, x->e);
	svc_buf_free(&b);
	if (rc != 0)
		return -1;
#define BIND(name, v) \
	if ((i = sqlite3_bind_parameter_index(*st, name)) > 0) \
		sqlite3_bind_int64(*st, i, v)
	BIND(":now", o->now);
	BIND(":since", o->since);
	BIND(":until", o->until);
	BIND(":fcrw", o->fcr_window);
	BIND(":ssw", o->self_window);
	BIND(":pv", x->people_version);
#undef BIND
	if ((i = sqlite3_bind_parameter_index(*st, ":cal")) > 0 && o->calendar)
		sqlite3_bind_text(*st, i, o->calendar, -1, SQLITE_STATIC);
	for (i = 0; i < x->nby; i++)
		if (x->bypath[i]) {
			char pn[8];
			int k;

			snprintf(pn, sizeof(pn), ":p%d", i);
			if ((k = sqlite3_bind_parameter_index(*st, pn)) > 0)
				sqlite3_bind_text(*st, k, x->bypath[i], -1,
				    SQLITE_STATIC);
		}
	return 0;
}

/* Run tmpl and add its rows to t, column i of kind kinds[i] (the grouping
 * columns first, as text). */
static int
fill(struct rx *x, struct svc_rtab *t, const char *tmpl, int with_period,
    const char *kinds)
{
	sqlite3_stmt *st;
	int rc, i, ng = x->nby + (with_period && x->o->period ? 1 : 0);

	if (prep(x, tmpl, &st) != 0)
		return -1;
	if (x->stream && x->out == NULL)
		x->out = svc_out_open(x->o->stream, x->o->stream_fmt, t->ncols,
		    (const char *const *)t->cols);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **row = tab_row(t);

		for (i = 0; i < (int)t->ncols && i < sqlite3_column_count(st);
		    i++)
			row[i] = cell(st, i, i < ng ? 's' : kinds[i - ng]);
		if (x->stream) {
			svc_out_row(x->out, (const char *const *)row, NULL);
			for (i = 0; i < (int)t->ncols; i++)
				free(row[i]);
			t->nrows--;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, x->e, "reading the report");
	return 0;
}

static int64_t
one_int(struct rx *x, const char *tmpl, int *ok)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	int rc;

	if (prep(x, tmpl, &st) != 0) {
		*ok = 0;
		return 0;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE) {
		svc_db_fail(x->db, rc, x->e, "reading the report");
		*ok = 0;
	}
	sqlite3_finalize(st);
	return v;
}

static int
exec(struct rx *x, const char *tmpl)
{
	sqlite3_stmt *st;
	int rc;

	if (prep(x, tmpl, &st) != 0)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, x->e, "preparing the report");
	return 0;
}

/* ---- the tickets a report looks at ---- */

/* The resolution of the tickets row b as of now (an SQL expression):
 * resolved_at, else closed_at, known by then; else, for a ticket done by
 * its status with no such time, when its status history last showed it
 * resolved or closed by then, else its update time then, else (done
 * since its first row, whose time a later row replaced) its creation.
 * The view rt
 * and the --where selection read it the same way, so a drill-down gives
 * its figure. */
#define RESOLVED_OF(now) "CASE WHEN b.resolved_at <= " now " THEN " \
	"b.resolved_at WHEN b.closed_at <= " now " THEN b.closed_at WHEN " \
	"NOT " SVC_OPEN_SQL_OF("b.", now) " AND coalesce(" \
	"svc_status_category(b.status), svc_status_category(b.status, " \
	"b.attrs)) IN ('resolved', 'closed') THEN coalesce((SELECT " \
	"max(e.at) FROM main.ticket_events e WHERE e.ticket_id = " \
	"b.ticket_id AND e.field = 'status' AND e.at <= " now " AND " \
	"svc_status_category(e.new) IN ('resolved', 'closed')), CASE WHEN " \
	"b.updated_at <= " now " THEN b.updated_at END, b.created_at) END"

/* Tickets as of now, when runs after now may have changed them: a copy
 * with each field's first later change undone, an update time later than
 * now replaced by the last change known then, and other later times unset
 * where the status was taken back. */
static int
asof_table(struct rx *x)
{
	struct svc_buf b = { 0 };
	int f, rc = 0;

	if (exec(x, "CREATE TEMP TABLE rt_asof AS SELECT * FROM main.tickets "
	    "WHERE 0") != 0 ||
	    exec(x, "INSERT INTO temp.rt_asof SELECT * FROM main.tickets "
	    "WHERE created_at IS NULL OR created_at <= :now") != 0 ||
	    exec(x, "CREATE TEMP TABLE fut AS SELECT ticket_id, field, old, at, "
	    "id FROM main.ticket_events WHERE 0") != 0 ||
	    exec(x, "INSERT INTO temp.fut SELECT ticket_id, field, old, at, id "
	    "FROM main.ticket_events WHERE at > :now") != 0 ||
	    exec(x, "CREATE INDEX temp.fut_i ON fut(field, ticket_id, at, id)")
	    != 0)
		return -1;
	for (f = 1; f < SVC_NFIELDS && rc == 0; f++) {
		const char *n = svc_tfields[f].name;
		int num = svc_tfields[f].type != SVC_FT_TEXT;

		svc_buf_reset(&b);
		svc_buf_printf(&b, "UPDATE temp.rt_asof SET \"%s\" = (SELECT "
		    "%s FROM temp.fut e WHERE e.field = '%s' AND e.ticket_id = "
		    "rt_asof.ticket_id ORDER BY e.at, e.id LIMIT 1) WHERE "
		    "ticket_id IN (SELECT ticket_id FROM temp.fut WHERE field = "
		    "'%s')", n, num ? "CAST(nullif(e.old, '') AS INTEGER)" :
		    "e.old", n, n);
		rc = exec(x, b.s);
		if (rc == 0 && f == SVC_F_UPDATED_AT) {
			/* the last change known at now */
			rc = exec(x, "UPDATE temp.rt_asof SET updated_at = "
			    "(SELECT max(e.at) FROM main.ticket_events e WHERE "
			    "e.ticket_id = rt_asof.ticket_id AND e.at <= :now) "
			    "WHERE updated_at > :now");
		} else if (rc == 0 && svc_tfields[f].type == SVC_FT_TIME &&
		    f != SVC_F_CREATED_AT) {
			/* a later time goes where the status was taken back
			 * from the history: that status is the one known at
			 * now; elsewhere it stays, and the open test reads it
			 * as not yet known (a done status with a later
			 * resolution was not done yet; the view rt shows it
			 * as missing) */
			svc_buf_reset(&b);
			svc_buf_printf(&b, "UPDATE temp.rt_asof SET \"%s\" = NULL "
			    "WHERE \"%s\" > :now AND ticket_id IN (SELECT "
			    "ticket_id FROM temp.fut WHERE field = 'status')", n,
			    n);
			rc = exec(x, b.s);
		}
	}
	svc_buf_free(&b);
	return rc;
}

struct wctx {
	struct rx *x;
	struct svc_tk t;
	int64_t raw_resolved, raw_closed, raw_updated;	/* as stored */
	sqlite3_stmt *breached, *overdue, *escalated;
	char *bbuf;
};

/* What a report knows of t at now: a time later than now is not yet
 * known, and the closing time is the resolution when there is no other. */
static void
asof_fields(struct wctx *w, int64_t now)
{
	static const int f[] = { SVC_F_FIRST_RESPONSE_AT, SVC_F_RESOLVED_AT,
	    SVC_F_CLOSED_AT, SVC_F_UPDATED_AT };
	size_t i;

	w->raw_resolved = svc_tk_time(&w->t, SVC_F_RESOLVED_AT);
	w->raw_closed = svc_tk_time(&w->t, SVC_F_CLOSED_AT);
	w->raw_updated = svc_tk_time(&w->t, SVC_F_UPDATED_AT);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (svc_tk_time(&w->t, f[i]) > now)
			svc_tk_put(&w->t, f[i], NULL, 0);
	if (!w->t.v[SVC_F_RESOLVED_AT].present &&
	    w->t.v[SVC_F_CLOSED_AT].present)
		svc_tk_set_int(&w->t, SVC_F_RESOLVED_AT,
		    svc_tk_time(&w->t, SVC_F_CLOSED_AT));
}

static void
wget(void *ud, int kind, int index, const char *key, struct svc_cval *v)
{
	struct wctx *w = ud;
	const struct svc_tk *t = &w->t;
	int64_t now = w->x->o->now, c, u;
	sqlite3_stmt *st;

	if (kind != SVC_CREF_EXTRA) {
		svc_tk_get(&w->t, kind, index, key, v);
		return;
	}
	memset(v, 0, sizeof(*v));
	c = svc_tk_time(t, SVC_F_CREATED_AT);
	switch (index) {
	case X_OPEN:
		v->present = (c < 0 || c <= now) && svc_ticket_open(
		    w->x->statuses, t->v[SVC_F_STATUS].present ?
		    t->s[SVC_F_STATUS] : NULL, t->attrs, w->raw_resolved,
		    w->raw_closed, w->raw_updated, now);
		v->isnum = 1;
		v->i = 1;
		break;
	case X_STATUS_CATEGORY:
		u = svc_ticket_category(w->x->statuses, t->v[SVC_F_STATUS].present ?
		    t->s[SVC_F_STATUS] : NULL, t->attrs);
		if (u != SVC_SCAT_UNKNOWN) {
			v->present = 1;
			v->s = svc_status_cat_name((int)u);
			v->n = strlen(v->s);
		}
		break;
	case X_AGE_DAYS:
	case X_IDLE_DAYS:
		u = index == X_IDLE_DAYS && svc_tk_time(t, SVC_F_UPDATED_AT) >= 0 ?
		    svc_tk_time(t, SVC_F_UPDATED_AT) : c;
		if (u >= 0) {
			v->present = v->isnum = 1;
			v->i = u <= now ? (now - u) / 86400 : 0;
		}
		break;
	case X_REOPENED:
		v->present = t->v[SVC_F_REOPEN_COUNT].present &&
		    t->v[SVC_F_REOPEN_COUNT].isnum &&
		    t->v[SVC_F_REOPEN_COUNT].i > 0;
		v->isnum = 1;
		v->i = v->present ? t->v[SVC_F_REOPEN_COUNT].i : 0;
		break;
	case X_BREACHED:
	case X_OVERDUE:
	case X_ESCALATED:
		st = index == X_BREACHED ? w->breached : index == X_OVERDUE ?
		    w->overdue : w->escalated;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, t->s[SVC_F_TICKET_ID], -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL) {
			free(w->bbuf);
			w->bbuf = svc_xstrdup((const char *)
			    sqlite3_column_text(st, 0));
			v->present = 1;
			v->s = w->bbuf;
			v->n = strlen(w->bbuf);
		}
		break;
	default:
		break;
	}
}

static void
unknown_name(void *ud, const char *name)
{
	struct svc_err *e = ud;

	if (e->status == 0)
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--where: '%s' is "
		    "not a ticket field, attrs.KEY or one of open, age_days, "
		    "idle_days, breached, overdue, reopened, escalated, "
		    "status_category", name);
}

/* temp.sel: the tickets that --where selects. */
static int
select_where(struct rx *x, const char *base)
{
	struct svc_cond *c;
	struct wctx w;
	struct svc_buf b = { 0 };
	struct svc_batch ins;
	sqlite3_stmt *st = NULL;
	int cols[SVC_NFIELDS], f, rc = -1, step;

	c = svc_cond_parse(x->o->where, strlen(x->o->where), &wnames, x->e);
	if (c == NULL) {
		char m[sizeof(x->e->msg)];

		snprintf(m, sizeof(m), "%s", x->e->msg);
		return svc_err_set(x->e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "--where: %s at character %ld", m, x->e->col);
	}
	svc_cond_unknown(c, unknown_name, x->e);
	if (x->e->status) {
		svc_cond_free(c);
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.x = x;
	if (exec(x, "CREATE TEMP TABLE sel(ticket_id TEXT PRIMARY KEY) "
	    "WITHOUT ROWID") != 0)
		goto out;
	svc_buf_adds(&b, "SELECT rowid");
	for (f = 0; f < SVC_NFIELDS; f++) {
		svc_buf_printf(&b, ", b.\"%s\"", svc_tfields[f].name);
		cols[f] = f;
	}
	/* the stored times decide open; the resolution as the view rt
	 * gives it follows attrs */
	svc_buf_printf(&b, ", b.attrs, " RESOLVED_OF(":now") " FROM %s b "
	    "WHERE b.created_at IS NULL OR b.created_at <= :now", base);
	if (prep(x, b.s, &st) != 0 ||
	    svc_db_prepare(x->db, "SELECT group_concat(metric, ',') FROM "
	    "(SELECT DISTINCT metric FROM sla_clocks WHERE ticket_id = ?1 AND "
	    "breached_at <= ?2 ORDER BY metric)", &w.breached, x->e) != 0 ||
	    svc_db_prepare(x->db, "SELECT group_concat(metric, ',') FROM "
	    "(SELECT DISTINCT metric FROM sla_clocks WHERE ticket_id = ?1 AND "
	    "start <= ?2 AND state <> 'cancelled' AND (stop IS NULL OR stop > "
	    "?2) AND (breached_at <= ?2 OR (due_at <= ?2 AND state <> "
	    "'paused')) ORDER BY metric)", &w.overdue, x->e) != 0 ||
	    svc_db_prepare(x->db, "SELECT 1 FROM notifications WHERE ticket_id "
	    "= ?1 AND state IN ('sent', 'digest') AND metric <> 'problem' AND "
	    "sent_at <= ?2 "
	    "LIMIT 1", &w.escalated, x->e) != 0)
		goto out;
	svc_batch_init(&ins, x->db, "INSERT INTO temp.sel(ticket_id) VALUES ",
	    "(?)", "selecting tickets");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		svc_tk_load(&w.t, st, cols, SVC_NFIELDS, 1, 0);
		asof_fields(&w, x->o->now);
		if (sqlite3_column_type(st, SVC_NFIELDS + 2) == SQLITE_NULL)
			svc_tk_put(&w.t, SVC_F_RESOLVED_AT, NULL, 0);
		else
			svc_tk_set_int(&w.t, SVC_F_RESOLVED_AT,
			    sqlite3_column_int64(st, SVC_NFIELDS + 2));
		if (svc_cond_eval(c, wget, &w, NULL) == 1) {
			svc_batch_text(&ins, w.t.s[SVC_F_TICKET_ID]);
			if (svc_batch_row(&ins, x->e) != 0) {
				svc_batch_free(&ins);
				goto out;
			}
		}
		svc_tk_free(&w.t);
	}
	if (step != SQLITE_DONE) {
		svc_db_fail(x->db, step, x->e, "reading tickets");
		svc_batch_free(&ins);
		goto out;
	}
	rc = svc_batch_flush(&ins, x->e);
	svc_batch_free(&ins);
out:
	svc_tk_free(&w.t);
	free(w.bbuf);
	sqlite3_finalize(st);
	sqlite3_finalize(w.breached);
	sqlite3_finalize(w.overdue);
	sqlite3_finalize(w.escalated);
	svc_cond_free(c);
	svc_buf_free(&b);
	return rc;
}

/* --by: ticket fields and attrs.KEY, never a time. */
static int
parse_by(struct rx *x)
{
	const char *p = x->o->by;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		char *name = svc_xstrdup(p);
		struct svc_buf b = { 0 };
		int f;

		name[n] = '\0';
		if (x->nby == MAXBY) {
			free(name);
			return svc_err_set(x->e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--by: at most %d fields", MAXBY);
		}
		if (strncmp(name, "attrs.", 6) == 0 && name[6] &&
		    strchr(name, '"') == NULL) {
			svc_buf_printf(&b, "json_extract(t.attrs, :p%d)", x->nby);
			x->bypath[x->nby] = NULL;
			{
				struct svc_buf pb = { 0 };

				svc_buf_printf(&pb, "$.\"%s\"", name + 6);
				x->bypath[x->nby] = pb.s;
			}
		} else if ((f = svc_field_find(name)) >= 0 && f < SVC_NFIELDS &&
		    svc_tfields[f].type != SVC_FT_TIME) {
			svc_buf_printf(&b, "t.\"%s\"", svc_tfields[f].name);
			x->bypath[x->nby] = NULL;
		} else {
			svc_err_set(x->e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--by: '%s' is not a ticket field or attrs.KEY%s",
			    name, f >= 0 ? " (a time: use --period)" : "");
			free(name);
			return -1;
		}
		x->byname[x->nby] = name;
		x->byexpr[x->nby++] = b.s;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
setup(struct rx *x)
{
	sqlite3 *h = x->db->h;
	int ok = 1, asof, f;
	const char *base = "main.tickets";
	struct svc_buf b = { 0 };

	if (sqlite3_create_function(h, "svc_pct", 2, SQLITE_UTF8, x, NULL,
	    pct_step, pct_final) != SQLITE_OK ||
	    sqlite3_create_function(h, "svc_period", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, x, fn_period, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(h, "svc_bus", 3, SQLITE_UTF8, x, fn_bus,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(h, "svc_in_list", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, x, fn_in_list, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(h, "svc_now", 0, SQLITE_UTF8, x, fn_now,
	    NULL, NULL) != SQLITE_OK)
		return svc_db_fail(x->db, sqlite3_errcode(h), x->e,
		    "registering functions");
	if (svc_config_version(x->db, x->o->now, "people", &x->people_version,
	    x->e) != 0 ||
	    svc_db_statuses(x->db, x->o->now, &x->statuses, x->e) != 0)
		return -1;
	asof = (int)one_int(x, "SELECT EXISTS(SELECT 1 FROM runs WHERE started "
	    "> :now AND program IN ('svc-import', 'svc-route'))", &ok);
	if (!ok)
		return -1;
	if (asof) {
		if (asof_table(x) != 0)
			return -1;
		base = "temp.rt_asof";
	}
	if (x->o->where && select_where(x, base) != 0)
		return -1;
	/* the tickets as the report knows them at now: a time later than
	 * now is not yet known (NULL), the closing time is the resolution
	 * when there is no other; is_open (SVC_OPEN_SQL on the times as
	 * stored) and cat the status category */
	svc_buf_adds(&b, "CREATE TEMP VIEW rt AS SELECT ");
	for (f = 0; f < SVC_NFIELDS; f++) {
		const char *n = svc_tfields[f].name;

		if (f == SVC_F_RESOLVED_AT)
			svc_buf_adds(&b, RESOLVED_OF("svc_now()")
			    " AS resolved_at, ");
		else if (f == SVC_F_UPDATED_AT)
			/* later than now: the last change known at now */
			svc_buf_printf(&b, "CASE WHEN updated_at <= svc_now() "
			    "THEN updated_at WHEN updated_at IS NOT NULL THEN "
			    "(SELECT max(e.at) FROM main.ticket_events e WHERE "
			    "e.ticket_id = b.ticket_id AND e.at <= svc_now()) "
			    "END AS updated_at, ");
		else if (f == SVC_F_CLOSED_AT || f == SVC_F_FIRST_RESPONSE_AT)
			svc_buf_printf(&b, "CASE WHEN \"%s\" <= svc_now() THEN "
			    "\"%s\" END AS \"%s\", ", n, n, n);
		else
			svc_buf_printf(&b, "\"%s\", ", n);
	}
	svc_buf_printf(&b, "attrs, run, " SVC_OPEN_SQL("svc_now()") " AS "
	    "is_open, coalesce(svc_status_category(status), "
	    "svc_status_category(status, attrs)) AS cat FROM %s b%s", base, x->o->where ? " WHERE ticket_id "
	    "IN (SELECT ticket_id FROM temp.sel)" : "");
	ok = exec(x, b.s);
	svc_buf_free(&b);
	return ok;
}

/* ---- the reports ---- */

static int
r_volume(struct rx *x)
{
	static const char *const c[] = { "created", "resolved", NULL };
	struct svc_rtab *t = tab_new(x, "volume", "Tickets created and "
	    "resolved", SVC_CHART_VOLUME);

	tab_cols(x, t, 1, c);
	return fill(x, t, "SELECT {GN}" S("c") ", " S("r") " FROM ("
	    "SELECT {G:t.created_at}1 AS c, 0 AS r FROM rt t WHERE "
	    IN_P("t.created_at") " UNION ALL "
	    "SELECT {G:t.resolved_at}0, 1 FROM rt t WHERE "
	    IN_P("t.resolved_at") "){GB}{GO}", 1, "ii");
}

static int
r_backlog(struct rx *x)
{
	static const char *const c[] = { "open", "age_lt_1d", "age_1_5d",
	    "age_6_30d", "age_31_90d", "age_gt_90d", "idle_lt_1d",
	    "idle_1_5d", "idle_6_30d", "idle_31_90d", "idle_gt_90d", NULL };
	struct svc_rtab *t = tab_new(x, "backlog", "Open tickets by age and "
	    "by days since the last update", SVC_CHART_AGE);

	tab_cols(x, t, 0, c);
	/* age and idle days inline, so that only the columns they read are
	 * worked out of the view (not every column, as t.* would) */
#define AGE "((:now - t.created_at) / 86400)"
#define IDLE "(max(:now - coalesce(t.updated_at, t.created_at), 0) / 86400)"
	return fill(x, t, "SELECT {G}count(*), "
	    S(AGE " < 1") ", " S(AGE " BETWEEN 1 AND 5") ", "
	    S(AGE " BETWEEN 6 AND 30") ", " S(AGE " BETWEEN 31 AND 90") ", "
	    S(AGE " > 90") ", " S(IDLE " < 1") ", " S(IDLE " BETWEEN 1 AND 5")
	    ", " S(IDLE " BETWEEN 6 AND 30") ", " S(IDLE " BETWEEN 31 AND 90")
	    ", " S(IDLE " > 90") " FROM rt t WHERE " OPEN_T "{GB}{GO}", 0,
	    "iiiiiiiiiii");
#undef AGE
#undef IDLE
}

/* The clocks started by now with their ticket; done: stopped by now,
 * br: breached by now, going: running at now (counted only while its
 * ticket is open at now, t.is_open: a clock the last svc-sla run left
 * running on a ticket done since is not running) */
#define CLOCKS \
	"(SELECT c.*, (c.stop IS NOT NULL AND c.state <> 'cancelled' AND " \
	IN_P("c.stop") ") AS done, (c.breached_at IS NOT NULL AND " \
	"c.breached_at <= :now) AS br, (c.state <> 'cancelled' AND " \
	"(c.stop IS NULL OR c.stop > :now)) AS going FROM main.sla_clocks c " \
	"WHERE c.start <= :now) c JOIN rt t ON t.ticket_id = c.ticket_id"
#define GOING "going AND t.is_open"

static int
r_sla(struct rx *x, const char *title)
{
	static const char *const c[] = { "metric", "completed", "met",
	    "breached", "compliance_pct", "running", "at_risk", "overdue",
	    "median_elapsed_h", "p90_elapsed_h", NULL };
	struct svc_rtab *t = tab_new(x, "sla", title, SVC_CHART_SLA);

	tab_cols(x, t, 0, c);
	return fill(x, t, "SELECT {G}c.metric, " S("done") ", "
	    S("done AND NOT br") ", " S("done AND br") ", 100.0 * "
	    S("done AND NOT br") " / nullif(" S("done") ", 0), "
	    S(GOING) ", "
	    S(GOING " AND NOT br AND NOT (c.due_at <= :now AND c.state <> "
	    "'paused') AND c.business_elapsed_s * 100 >= 75 * c.target_s") ", "
	    S(GOING " AND (br OR (c.due_at <= :now AND c.state <> 'paused'))")
	    ", svc_pct(CASE WHEN done THEN c.business_elapsed_s END, 0.5), "
	    "svc_pct(CASE WHEN done THEN c.business_elapsed_s END, 0.9) FROM "
	    CLOCKS " GROUP BY c.metric{GC} ORDER BY {GN}c.metric", 0,
	    "siiipiiihh");
}

/* A report of one table without grouping columns (a list, or groups of
 * its own): --by does not apply to it. */
static int
listing(struct rx *x, const char *name, const char *title, int chart,
    const char *const *cols, const char *sql, const char *kinds)
{
	struct svc_rtab *t = tab_new(x, name, title, chart);
	int nby = x->nby, rc;

	x->nby = 0;
	tab_cols(x, t, 0, cols);
	rc = fill(x, t, sql, 0, kinds);
	x->nby = nby;
	return rc;
}

static int
r_breaches(struct rx *x)
{
	static const char *const c[] = { "ticket_id", "metric", "cycle",
	    "policy", "breached_at", "due_at", "owner_at_breach",
	    "group_at_breach", "reason", "acked_by", "note", "status",
	    "assignee", NULL };
	return listing(x, "breaches", "Breaches", 0, c,
	    "SELECT c.ticket_id, c.metric, c.cycle, c.policy, "
	    "c.breached_at, c.due_at, c.owner_at_breach, c.group_at_breach, "
	    "coalesce(a.reason, 'missing'), a.actor, a.note, t.status, "
	    "t.assignee FROM main.sla_clocks c JOIN rt t ON t.ticket_id = "
	    "c.ticket_id LEFT JOIN main.acks a ON a.ticket_id = c.ticket_id AND "
	    "a.metric = c.metric AND a.cycle = c.cycle AND a.at <= :now WHERE "
	    IN_P("c.breached_at") " ORDER BY c.breached_at, c.ticket_id, "
	    "c.metric, c.cycle", "ssisttsssssss");
}

static int
r_reasons(struct rx *x)
{
	static const char *const c[] = { "reason", "breaches", NULL };
	return listing(x, "reasons", "Breaches by reason",
	    SVC_CHART_REASONS, c,
	    "SELECT coalesce(a.reason, 'missing') AS r, count(*) "
	    "FROM main.sla_clocks c JOIN rt t ON t.ticket_id = c.ticket_id "
	    "LEFT JOIN main.acks a ON a.ticket_id = c.ticket_id AND a.metric = "
	    "c.metric AND a.cycle = c.cycle AND a.at <= :now WHERE "
	    IN_P("c.breached_at") " GROUP BY r ORDER BY 2 DESC, 1", "si");
}

#define OVERDUE_T "EXISTS(SELECT 1 FROM main.sla_clocks c WHERE c.ticket_id " \
	"= t.ticket_id AND c.start <= :now AND c.state <> 'cancelled' AND " \
	"(c.stop IS NULL OR c.stop > :now) AND (c.breached_at <= :now OR " \
	"(c.due_at <= :now AND c.state <> 'paused')))"

static int
r_owners(struct rx *x)
{
	static const char *const c[] = { "kind", "name", "open", "overdue",
	    "resolved", "median_resolution_h", "breached", "reassigned_away",
	    NULL };
#define OWNER_PART(kind, col, bcol, efield) \
	"SELECT '" kind "' AS kind, t." col " AS name, 1 AS o, " OVERDUE_T \
	" AS od, 0 AS rs, NULL AS rt_s, 0 AS b, 0 AS ra FROM rt t WHERE " \
	OPEN_T " AND t." col " IS NOT NULL UNION ALL " \
	"SELECT '" kind "', t." col ", 0, 0, 1, t.resolved_at - t.created_at, " \
	"0, 0 FROM rt t WHERE " IN_P("t.resolved_at") " AND t." col \
	" IS NOT NULL UNION ALL " \
	"SELECT '" kind "', c." bcol ", 0, 0, 0, NULL, 1, 0 FROM " \
	"main.sla_clocks c JOIN rt t ON t.ticket_id = c.ticket_id WHERE " \
	IN_P("c.breached_at") " AND c." bcol " IS NOT NULL UNION ALL " \
	"SELECT '" kind "', e.old, 0, 0, 0, NULL, 0, 1 FROM " \
	"main.ticket_events e JOIN rt t ON t.ticket_id = e.ticket_id WHERE " \
	"e.field = '" efield "' AND " IN_P("e.at") " AND e.old IS NOT NULL " \
	"AND e.old <> '' AND e.new IS NOT e.old"
	int rc = listing(x, "owners", "Owners: people and groups", 0, c,
	    "SELECT kind, name, " S("o") ", " S("od") ", " S("rs")
	    ", svc_pct(rt_s, 0.5), " S("b") ", " S("ra") " FROM ("
	    OWNER_PART("group", "group_name", "group_at_breach", "group_name")
	    " UNION ALL "
	    OWNER_PART("person", "assignee", "owner_at_breach", "assignee")
	    ") GROUP BY kind, name ORDER BY kind, name", "ssiiihii");
#undef OWNER_PART
	return rc;
}

/* The KPIs: each a query of {groups}value, n. */
struct kpi {
	const char *name, *unit, *def, *sql;
};

#define RES_T IN_P("t.resolved_at")
#define CRE_T IN_P("t.created_at")
#define FR_T IN_P("t.first_response_at")
#define CLOCK_CAL(metric) "coalesce(:cal, (SELECT c.calendar FROM " \
	"main.sla_clocks c WHERE c.ticket_id = t.ticket_id AND c.metric = '" \
	metric "' ORDER BY c.cycle LIMIT 1))"
#define PCT_OF(sel, anchor, from, p) "SELECT {G:" anchor "}svc_pct(x, " p \
	"), count(x) FROM (SELECT t.*, " sel " AS x FROM " from ") t{GB}{GO}"
#define SHARE(cond, anchor, from) "SELECT {G:" anchor "}100.0 * " \
	S(cond) " / nullif(count(*), 0), count(*) FROM (" from ") t{GB}{GO}"
#define REOPENED "(CASE WHEN t.reopen_count IS NOT NULL THEN " \
	"t.reopen_count > 0 ELSE EXISTS(SELECT 1 FROM main.ticket_events e " \
	"WHERE e.ticket_id = t.ticket_id AND e.field = 'status' AND e.at <= " \
	":now AND " DONE_CAT("e.old") " AND NOT coalesce(" DONE_CAT("e.new") \
	", 0)) END)"
#define REASSIGNED "coalesce(CAST(json_extract(t.attrs, " \
	"'$.reassignment_count') AS INTEGER), (SELECT count(*) FROM " \
	"main.ticket_events e WHERE e.ticket_id = t.ticket_id AND e.field = " \
	"'assignee' AND e.at <= :now AND e.old IS NOT NULL AND e.old <> ''))"
#define GAP(to) "SELECT {G:t.breached_at}svc_pct(x, %s), count(x) FROM " \
	"(SELECT t.*, c.breached_at, " to " - c.breached_at AS x FROM " \
	"main.sla_clocks c JOIN rt t ON t.ticket_id = c.ticket_id WHERE " \
	IN_P("c.breached_at") ") t{GB}{GO}"
#define FIRST_SENT "(SELECT min(n.sent_at) FROM main.notifications n WHERE " \
	"n.ticket_id = c.ticket_id AND n.metric = c.metric AND n.sent_at >= " \
	"c.breached_at AND n.sent_at <= :now)"
#define ACKED "(SELECT a.at FROM main.acks a WHERE a.ticket_id = " \
	"c.ticket_id AND a.metric = c.metric AND a.cycle = c.cycle AND a.at " \
	"<= :now)"

static const struct kpi kpis[] = {
	{ "created", "count", "tickets created in the period",
	  "SELECT {G:t.created_at}count(*), count(*) FROM rt t WHERE " CRE_T
	  "{GB}{GO}" },
	{ "resolved", "count", "tickets resolved in the period",
	  "SELECT {G:t.resolved_at}count(*), count(*) FROM rt t WHERE " RES_T
	  "{GB}{GO}" },
	{ "fcr", "pct", "first-contact resolution: tickets resolved in the "
	  "period, with a customer, not reopened and with no later ticket of "
	  "the same customer and key (category, subcategory, service) "
	  "created within --fcr-window of it; n = those resolved tickets",
	  SHARE("NOT rep", "t.resolved_at", "SELECT t.*, (coalesce("
	  "t.reopen_count, 0) > 0 OR (t.nxt IS NOT NULL AND t.nxt <= "
	  "t.created_at + :fcrw)) AS rep FROM (SELECT t.*, lead(t.created_at) "
	  "OVER (PARTITION BY t.customer, t.category, t.subcategory, t.service "
	  "ORDER BY t.created_at, t.ticket_id) AS nxt FROM rt t WHERE "
	  "t.created_at <= :now) t WHERE " RES_T " AND t.customer IS NOT NULL") },
	{ "first_response_median", "h", "median calendar time from creation "
	  "to first response, over first responses in the period",
	  PCT_OF("t.first_response_at - t.created_at", "t.first_response_at",
	  "rt t WHERE " FR_T, "0.5") },
	{ "first_response_p90", "h", "90th percentile of the same",
	  PCT_OF("t.first_response_at - t.created_at", "t.first_response_at",
	  "rt t WHERE " FR_T, "0.9") },
	{ "first_response_business_median", "h", "median working time from "
	  "creation to first response on --calendar, else on the calendar of "
	  "the ticket's first_response clock (tickets with neither are left "
	  "out)", PCT_OF("svc_bus(" CLOCK_CAL("first_response") ", "
	  "t.created_at, t.first_response_at)", "t.first_response_at",
	  "rt t WHERE " FR_T, "0.5") },
	{ "first_response_business_p90", "h", "90th percentile of the same",
	  PCT_OF("svc_bus(" CLOCK_CAL("first_response") ", t.created_at, "
	  "t.first_response_at)", "t.first_response_at", "rt t WHERE " FR_T,
	  "0.9") },
	{ "resolution_median", "h", "median calendar time from creation to "
	  "resolution, over tickets resolved in the period",
	  PCT_OF("t.resolved_at - t.created_at", "t.resolved_at",
	  "rt t WHERE " RES_T, "0.5") },
	{ "resolution_p90", "h", "90th percentile of the same",
	  PCT_OF("t.resolved_at - t.created_at", "t.resolved_at",
	  "rt t WHERE " RES_T, "0.9") },
	{ "resolution_business_median", "h", "median working time from "
	  "creation to resolution on --calendar, else on the calendar of the "
	  "ticket's resolution clock",
	  PCT_OF("svc_bus(" CLOCK_CAL("resolution") ", t.created_at, "
	  "t.resolved_at)", "t.resolved_at", "rt t WHERE " RES_T, "0.5") },
	{ "resolution_business_p90", "h", "90th percentile of the same",
	  PCT_OF("svc_bus(" CLOCK_CAL("resolution") ", t.created_at, "
	  "t.resolved_at)", "t.resolved_at", "rt t WHERE " RES_T, "0.9") },
	{ "reopen_rate", "pct", "share of tickets resolved in the period that "
	  "were reopened: reopen_count > 0 where the export carries it, else a "
	  "status change from a done status back to an open one",
	  SHARE(REOPENED, "t.resolved_at", "SELECT * FROM rt t WHERE " RES_T) },
	{ "reassignments_per_ticket", "ratio", "mean reassignments per ticket "
	  "resolved in the period: the export's reassignment_count where it "
	  "carries one, else assignee changes away from someone",
	  "SELECT {G:t.resolved_at}avg(" REASSIGNED "), count(*) FROM rt t "
	  "WHERE " RES_T "{GB}{GO}" },
	{ "reassignment_rate", "pct", "share of tickets resolved in the period "
	  "reassigned at least once (as above)",
	  SHARE(REASSIGNED " > 0", "t.resolved_at", "SELECT * FROM rt t WHERE "
	  RES_T) },
	{ "sla_compliance", "pct", "clocks completed in the period and not "
	  "breached / clocks completed in the period (all metrics; cancelled "
	  "clocks left out)",
	  "SELECT {G:c.stop}100.0 * " S("NOT br") " / nullif(count(*), 0), "
	  "count(*) FROM " CLOCKS " WHERE done{GB}{GO}" },
	{ "backlog", "count", "tickets open at --now",
	  "SELECT {G}count(*), count(*) FROM rt t WHERE " OPEN_T "{GB}{GO}" },
	{ "backlog_over_30d", "pct", "share of the open tickets more than 30 "
	  "days old", SHARE("(:now - t.created_at) / 86400 > 30", "",
	  "SELECT * FROM rt t WHERE " OPEN_T) },
	{ "csat_top2", "pct", "share of ratings of 4 or 5 among tickets "
	  "resolved in the period with a rating; n = rated tickets",
	  SHARE("t.csat >= 4", "t.resolved_at", "SELECT * FROM rt t WHERE "
	  RES_T " AND t.csat IS NOT NULL") },
	{ "self_service", "pct", "self-service resolution: tickets of channel "
	  "self-service resolved in the period with no ticket of another "
	  "channel from the same customer created within --self-window after "
	  "the resolution; n = self-service tickets resolved (with a customer)",
	  SHARE("NOT EXISTS(SELECT 1 FROM temp.agent_contacts a WHERE "
	  "a.customer = t.customer AND a.created_at > t.resolved_at AND "
	  "a.created_at <= t.resolved_at + :ssw)", "t.resolved_at",
	  "SELECT * FROM rt t WHERE " RES_T " AND lower(t.channel) IN ("
	  SELF_LIST ") AND t.customer IS NOT NULL") },
	{ "automation_share", "pct", "share of tickets resolved in the period "
	  "whose assignee is a person with the role automation or bot",
	  SHARE("t.assignee IN (SELECT p.user FROM main.people p WHERE "
	  "p.version = :pv AND (svc_in_list(p.roles, 'automation') OR "
	  "svc_in_list(p.roles, 'bot')))", "t.resolved_at",
	  "SELECT * FROM rt t WHERE " RES_T) },
	{ "escalation_rate", "pct", "share of tickets created in the period "
	  "with a notification sent (or in a go-live digest) about them",
	  SHARE("EXISTS(SELECT 1 FROM main.notifications n WHERE n.ticket_id = "
	  "t.ticket_id AND n.state IN ('sent', 'digest') AND n.metric <> "
	  "'problem' AND "
	  "n.sent_at <= :now)", "t.created_at", "SELECT * FROM rt t WHERE "
	  CRE_T) },
	{ "handle_time_mean", "h", "mean handle time of tickets resolved in "
	  "the period that carry one",
	  "SELECT {G:t.resolved_at}avg(t.handle_s), count(t.handle_s) FROM rt t "
	  "WHERE " RES_T "{GB}{GO}" },
	{ "gap_to_notification_median", "h", "reporting gap: median time from "
	  "a breach in the period to the first notification sent about it",
	  GAP(FIRST_SENT) },
	{ "gap_to_notification_p90", "h", "90th percentile of the same",
	  GAP(FIRST_SENT) },
	{ "gap_to_ack_median", "h", "median time from a breach in the period "
	  "to its acknowledgement with a reason (svc-escalate ack)",
	  GAP(ACKED) },
	{ "gap_to_ack_p90", "h", "90th percentile of the same", GAP(ACKED) },
	{ NULL, NULL, NULL, NULL }
};

void
svc_report_kpi_help(struct svc_buf *b)
{
	const struct kpi *k;

	for (k = kpis; k->name; k++)
		svc_buf_printf(b, "  %-31s %s (%s)\n", k->name, k->def,
		    strcmp(k->unit, "h") == 0 ? "hours" : strcmp(k->unit, "pct")
		    == 0 ? "percent" : k->unit);
}

static int
r_kpi(struct rx *x)
{
	static const char *const c[] = { "value", "unit", "n", NULL };
	struct svc_rtab *t = tab_new(x, "kpi", "KPIs", 0);
	const struct kpi *k;
	struct svc_buf b = { 0 };
	int rc = 0;

	tab_col(t, "kpi");
	tab_cols(x, t, 1, c);
	if (exec(x, "CREATE TEMP TABLE IF NOT EXISTS agent_contacts("
	    "customer TEXT, created_at INTEGER)") != 0 ||
	    exec(x, "DELETE FROM temp.agent_contacts") != 0 ||
	    exec(x, "INSERT INTO temp.agent_contacts SELECT customer, "
	    "created_at FROM main.tickets WHERE customer IS NOT NULL AND "
	    "created_at <= :now AND (channel IS NULL OR lower(channel) NOT IN ("
	    SELF_LIST "))") != 0 ||
	    exec(x, "CREATE INDEX IF NOT EXISTS temp.agent_contacts_i ON "
	    "agent_contacts(customer, created_at)") != 0)
		return -1;
	for (k = kpis; k->name && rc == 0; k++) {
		sqlite3_stmt *st;
		const char *p90 = strstr(k->name, "_p90") ? "0.9" : "0.5";
		int i, step, ng = x->nby, per;

		if (x->o->kpi && strcmp(x->o->kpi, k->name) != 0)
			continue;
		svc_buf_reset(&b);
		svc_buf_printf(&b, k->sql, p90);
		per = strstr(b.s, "{G:") != NULL && strstr(b.s, "{G:}") == NULL
		    && x->o->period;
		if (prep(x, b.s, &st) != 0) {
			rc = -1;
			break;
		}
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			char **row = tab_row(t);
			int j = 0;

			row[j++] = svc_xstrdup(k->name);
			for (i = 0; i < ng + per; i++)
				row[j++] = cell(st, i, 's');
			if (x->o->period && !per)
				row[j++] = NULL;
			row[j++] = cell(st, i, strcmp(k->unit, "h") == 0 ? 'h' :
			    strcmp(k->unit, "pct") == 0 ? 'p' :
			    strcmp(k->unit, "ratio") == 0 ? 'f' : 'i');
			row[j++] = svc_xstrdup(k->unit);
			row[j++] = cell(st, i + 1, 'i');
		}
		sqlite3_finalize(st);
		if (step != SQLITE_DONE)
			rc = svc_db_fail(x->db, step, x->e, "reading a KPI");
	}
	svc_buf_free(&b);
	return rc;
}

const char *
svc_report_kpi_unit(const char *name)
{
	const struct kpi *k;

	for (k = kpis; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k->unit;
	return NULL;
}

int
svc_report_kpi_value(struct svc_db *db, const char *name, const char *where,
    int64_t since, int64_t until, int64_t now, double *value, int64_t *n,
    struct svc_err *e)
{
	struct svc_report_opts o;
	struct svc_report r;
	const char *v, *c;

	*value = NAN;
	*n = 0;
	if (svc_report_kpi_unit(name) == NULL)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "no KPI '%s' (svc-report --help lists them)", name);
	svc_report_defaults(&o);
	o.now = now;
	o.since = since;
	o.until = until;
	o.where = where;
	o.kpi = name;
	if (svc_report_run(db, "kpi", &o, &r, e) != 0)
		return -1;
	if (r.n > 0 && r.t[0].nrows > 0) {
		v = r.t[0].cells[1];
		c = r.t[0].cells[3];
		if (v)
			*value = strtod(v, NULL);
		if (c)
			*n = strtoll(c, NULL, 10);
	}
	svc_report_free(&r);
	return 0;
}

static int
r_problems(struct rx *x)
{
	static const char *const c[] = { "problem", "key", "state", "tickets",
	    "first_seen", "last_seen", "opened_at", "opened_by", "measure",
	    NULL };
	return listing(x, "problems", "Problems", 0, c,
	    x->o->where ?
	    "SELECT p.id, p.key, p.state, p.tickets, p.first_seen, p.last_seen, "
	    "p.opened_at, p.opened_by, coalesce(p.measure, p.measure_id) FROM main.problems p WHERE "
	    "p.opened_at <= :now AND EXISTS(SELECT 1 FROM main.problem_tickets "
	    "pt JOIN rt t ON t.ticket_id = pt.ticket_id WHERE pt.problem_id = "
	    "p.id) ORDER BY p.opened_at DESC, p.id" :
	    "SELECT p.id, p.key, p.state, p.tickets, p.first_seen, p.last_seen, "
	    "p.opened_at, p.opened_by, coalesce(p.measure, p.measure_id) FROM main.problems p WHERE "
	    "p.opened_at <= :now ORDER BY p.opened_at DESC, p.id", "issitttsi");
}

static int
r_escalations(struct rx *x)
{
	static const char *const c[] = { "ticket_id", "metric", "rule", "level",
	    "state", "recipient", "fired_at", "held_until", "sent_at",
	    "reminders", "why", "status", NULL };
	return listing(x, "escalations", "Escalations", 0, c,
	    "SELECT n.ticket_id, n.metric, n.rule, n.level, "
	    "n.state, n.recipient, n.fired_at, n.held_until, n.sent_at, "
	    "n.reminders, n.why, t.status FROM main.notifications n LEFT JOIN "
	    "rt t ON t.ticket_id = n.ticket_id WHERE " IN_P("n.fired_at")
	    " AND (n.metric = 'problem' OR t.ticket_id IS NOT NULL) "
	    "ORDER BY n.fired_at, n.ticket_id, n.metric, n.rule, n.level", "sssisstttiss");
}

static int
r_rejects(struct rx *x)
{
	static const char *const c[] = { "run", "started", "file", "type",
	    "field", "rows", "first_line", "example", NULL };
	return listing(x, "rejects", "Rejected import rows and values read as "
	    "missing", 0, c,
	    "SELECT r.run, u.started, r.file, r.type, r.field, "
	    "count(*), min(r.line_start), min(r.message) FROM main.rejects r "
	    "JOIN main.runs u ON u.id = r.run WHERE " IN_P("u.started")
	    " GROUP BY r.run, r.file, r.type, r.field UNION ALL "
	    "SELECT n.run, u.started, n.file, n.kind, n.column_name, count(*), "
	    "min(n.line), min('column ''' || n.column_name || ''': ''' || "
	    "n.value || ''' read as missing: ' || n.reason) FROM "
	    "main.import_notes n JOIN main.runs u ON u.id = n.run WHERE "
	    IN_P("u.started") " GROUP BY n.run, n.file, n.kind, n.column_name "
	    "ORDER BY 1, 6 DESC, 4, 5", "itsssiis");
}

static int
r_tickets(struct rx *x)
{
	static const char *const c[] = { "ticket_id", "title", "status",
	    "priority", "category", "subcategory", "service", "customer",
	    "group_name", "assignee", "created_at", "first_response_at",
	    "resolved_at", "updated_at", NULL };
	return listing(x, "tickets", "Tickets", 0, c,
	    "SELECT ticket_id, title, status, priority, category, "
	    "subcategory, service, customer, group_name, assignee, created_at, "
	    "first_response_at, resolved_at, updated_at FROM rt t WHERE "
	    "t.created_at IS NULL OR t.created_at <= :now ORDER BY ticket_id",
	    "sssisssssstttt");
}

/* ---- summary ---- */

static void
srow(struct svc_rtab *t, const char *section, const char *figure,
    const char *value, const char *n, const char *drill)
{
	char **row = tab_row(t);

	row[0] = svc_xstrdup(section);
	row[1] = svc_xstrdup(figure);
	row[2] = value ? svc_xstrdup(value) : NULL;
	row[3] = n ? svc_xstrdup(n) : NULL;
	row[4] = drill ? svc_xstrdup(drill) : NULL;
}

static void
srow_int(struct svc_rtab *t, const char *section, const char *figure,
    int64_t v, const char *drill)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	srow(t, section, figure, buf, NULL, drill);
}

static int r_measures(struct rx *x);

/* Approvals pending past their due time, oldest due first, each with
 * the people who owe a vote. */
static int
decisions(struct rx *x, struct svc_rtab *t)
{
	sqlite3_stmt *st;
	int rc;
	int64_t n = 0;

	if (prep(x, "SELECT a.id, a.subject, a.gate, a.due, (SELECT "
	    "group_concat(p.users, ', ') FROM main.approvers p WHERE "
	    "p.approval_id = a.id AND NOT EXISTS(SELECT 1 FROM main.votes v "
	    "WHERE v.approval_id = a.id AND v.slot = p.slot AND v.at <= :now)) "
	    "FROM main.approvals a WHERE a.requested_at <= :now AND a.due < "
	    ":now AND (a.state = 'pending' OR a.decided_at > :now) ORDER BY "
	    "a.due, a.id", &st) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char f[512], due[40], age[32];

		svc_time_format(sqlite3_column_int64(st, 3), due, sizeof(due));
		svc_dur_format(x->o->now - sqlite3_column_int64(st, 3), age,
		    sizeof(age));
		snprintf(f, sizeof(f), "approval %lld: %s%s%s, due %s (%s ago), "
		    "owed by %s", (long long)sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_type(st, 2) == SQLITE_NULL ? "" : " gate ",
		    sqlite3_column_type(st, 2) == SQLITE_NULL ? "" :
		    (const char *)sqlite3_column_text(st, 2), due, age,
		    sqlite3_column_type(st, 4) == SQLITE_NULL ? "?" :
		    (const char *)sqlite3_column_text(st, 4));
		if (n++ == 0)
			srow(t, "decisions waiting", "approvals past due", NULL,
			    NULL, "svc-approve list");
		srow(t, "decisions waiting", f, NULL, NULL, "svc-approve list");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, x->e, "reading approvals");
	if (n == 0)
		srow_int(t, "decisions waiting", "approvals past due", 0,
		    "svc-approve list");
	else {
		char b[32];
		size_t i;

		/* the count on the heading row */
		snprintf(b, sizeof(b), "%lld", (long long)n);
		for (i = 0; i < t->nrows; i++)
			if (t->cells[i * t->ncols + 1] && strcmp(t->cells[i *
			    t->ncols + 1], "approvals past due") == 0)
				t->cells[i * t->ncols + 2] = svc_xstrdup(b);
	}
	return 0;
}

static int
r_summary(struct rx *x)
{
	static const char *const c[] = { "section", "figure", "value", "n",
	    "drill", NULL };
	struct svc_rtab *t = tab_new(x, "summary", "Summary", 0);
	char s[40], u[40], d[256], v[32], n[32];
	int ok = 1, nby = x->nby, per = x->o->period, rc = 0;
	int64_t open, start, k;
	sqlite3_stmt *st;

	x->nby = 0;
	tab_cols(x, t, 0, c);
	svc_time_format(x->o->since, s, sizeof(s));
	svc_time_format(x->o->until, u, sizeof(u));
	open = one_int(x, "SELECT count(*) FROM rt t WHERE " OPEN_T, &ok);
	srow_int(t, "tickets", "open now", open,
	    "svc-report tickets --where open");
	/* a status no category maps; not a ticket with no status (none
	 * given, or none known yet as of now: before the row that first
	 * showed it done) */
	k = one_int(x, "SELECT count(*) FROM rt t WHERE (t.created_at IS NULL "
	    "OR t.created_at <= :now) AND t.status IS NOT NULL AND t.cat IS "
	    "NULL", &ok);
	srow_int(t, "tickets", "with an unknown status", k,
	    "svc-report tickets --where 'status and not status_category'");
	/* open then: open now, or resolved (or closed) since */
	start = one_int(x, "SELECT count(*) FROM rt t WHERE t.created_at < "
	    ":since AND (t.is_open OR t.resolved_at >= :since)", &ok);
	snprintf(d, sizeof(d), "svc-report tickets --where 'created_at<%s and "
	    "(open or resolved_at>=%s)'", s, s);
	srow_int(t, "tickets", "open at the start of the period", start, d);
	srow_int(t, "tickets", "backlog change", open - start, NULL);
	k = one_int(x, "SELECT count(*) FROM rt t WHERE " CRE_T, &ok);
	snprintf(d, sizeof(d), "svc-report tickets --where 'created_at>=%s "
	    "and created_at<%s'", s, u);
	srow_int(t, "tickets", "new in the period", k, d);
	k = one_int(x, "SELECT count(*) FROM rt t WHERE " RES_T, &ok);
	snprintf(d, sizeof(d), "svc-report tickets --where 'resolved_at>=%s "
	    "and resolved_at<%s'", s, u);
	srow_int(t, "tickets", "resolved in the period", k, d);
	if (!ok)
		goto out;
	if ((rc = prep(x, "SELECT c.metric, " S("done") ", " S("done AND NOT br")
	    ", 100.0 * " S("done AND NOT br") " / nullif(" S("done") ", 0), "
	    S(IN_P("c.breached_at")) ", "
	    S(GOING " AND (br OR (c.due_at <= :now AND c.state <> 'paused'))")
	    " FROM " CLOCKS " GROUP BY c.metric ORDER BY c.metric", &st)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		char f[128];

		snprintf(f, sizeof(f), "%s compliance %%", m);
		if (sqlite3_column_type(st, 3) == SQLITE_NULL)
			v[0] = '\0';
		else
			snprintf(v, sizeof(v), "%.1f", sqlite3_column_double(st,
			    3));
		snprintf(n, sizeof(n), "%lld", sqlite3_column_int64(st, 1));
		srow(t, "sla", f, v, n, "svc-report sla");
		snprintf(f, sizeof(f), "%s breached in the period", m);
		snprintf(v, sizeof(v), "%lld", sqlite3_column_int64(st, 4));
		srow(t, "sla", f, v, NULL, "svc-report breaches");
		snprintf(f, sizeof(f), "%s overdue now", m);
		snprintf(v, sizeof(v), "%lld", sqlite3_column_int64(st, 5));
		snprintf(d, sizeof(d), "svc-report tickets --where "
		    "'open and overdue~\"*%s*\"'", m);
		srow(t, "sla", f, v, NULL, d);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = svc_db_fail(x->db, rc, x->e, "reading clocks");
		goto out;
	}
	rc = 0;
	/* the clocks are those of the last svc-sla run (even one after
	 * now): say when it was, and how to compute them as of now when it
	 * was another time */
	k = one_int(x, "SELECT coalesce(max(started), -1) FROM runs WHERE "
	    "program = 'svc-sla'", &ok);
	if (!ok)
		goto out;
	if (k >= 0) {
		char now[40];

		svc_time_format(k, v, sizeof(v));
		svc_time_format(x->o->now, now, sizeof(now));
		snprintf(d, sizeof(d), "svc-sla --all --now %s", now);
		srow(t, "sla", "clocks as svc-sla left them at", v, NULL,
		    k != x->o->now ? d : NULL);
	}
	{
		size_t first = x->r->n, i;
		struct svc_rtab *rs;

		if (r_reasons(x) != 0) {
			rc = -1;
			goto out;
		}
		t = &x->r->t[first - 1];
		rs = &x->r->t[first];
		for (i = 0; i < rs->nrows; i++) {
			char f[128];

			snprintf(f, sizeof(f), "reason %s",
			    rs->cells[i * 2] ? rs->cells[i * 2] : "");
			srow(t, "breaches", f, rs->cells[i * 2 + 1], NULL,
			    "svc-report breaches");
		}
		if (!x->o->page)
			tab_free(&x->r->t[--x->r->n]);
	}
	/* tickets, not notifications: a ticket has several clocks and levels */
	k = one_int(x, "SELECT count(*) FROM rt t WHERE " OPEN_T " AND EXISTS("
	    "SELECT 1 FROM main.notifications n WHERE n.ticket_id = "
	    "t.ticket_id AND n.state IN ('sent', 'digest') AND n.metric <> "
	    "'problem' AND n.sent_at <= :now)", &ok);
	srow_int(t, "escalations", "open tickets escalated", k,
	    "svc-report tickets --where 'open and escalated'");
	k = one_int(x, "SELECT count(*) FROM main.notifications n WHERE "
	    "n.state = 'held' AND n.fired_at <= :now", &ok);
	srow_int(t, "escalations", "held for working hours", k,
	    "svc-report escalations");
	k = one_int(x, "SELECT count(*) FROM main.notifications n WHERE "
	    "n.state = 'pending' AND n.fired_at <= :now", &ok);
	srow_int(t, "escalations", "delivery pending", k,
	    "svc-report escalations");
	k = one_int(x, "SELECT count(*) FROM main.problems p WHERE "
	    IN_P("p.opened_at"), &ok);
	srow_int(t, "problems", "new in the period", k, "svc-report problems");
	k = one_int(x, "SELECT count(*) FROM main.problems p WHERE "
	    "p.opened_at <= :now AND p.state NOT IN ('closed', 'resolved')",
	    &ok);
	srow_int(t, "problems", "open", k, "svc-report problems");
	k = one_int(x, "SELECT count(*) FROM main.sla_clocks c JOIN rt t ON "
	    "t.ticket_id = c.ticket_id WHERE c.breached_at <= :now AND NOT "
	    "EXISTS(SELECT 1 FROM main.acks a WHERE a.ticket_id = c.ticket_id "
	    "AND a.metric = c.metric AND a.cycle = c.cycle AND a.at <= :now)",
	    &ok);
	srow_int(t, "decisions waiting", "breaches without a reason", k,
	    "svc-escalate --unacknowledged");
	if (decisions(x, t) != 0) {
		rc = -1;
		goto out;
	}
	k = one_int(x, "SELECT coalesce(sum(rows_in), 0) FROM main.runs u "
	    "WHERE program = 'svc-import' AND " IN_P("u.started"), &ok);
	srow_int(t, "imports", "rows read in the period", k, NULL);
	k = one_int(x, "SELECT count(*) FROM main.rejects r JOIN main.runs u "
	    "ON u.id = r.run WHERE " IN_P("u.started"), &ok);
	srow_int(t, "imports", "rows rejected in the period", k,
	    "svc-report rejects");
	k = one_int(x, "SELECT count(*) FROM main.import_notes n JOIN "
	    "main.runs u ON u.id = n.run WHERE " IN_P("u.started"), &ok);
	srow_int(t, "imports", "times read as missing in the period", k,
	    "svc-report rejects");
	if (!ok) {
		rc = -1;
		goto out;
	}
	if (x->o->page) {
		/* The page: the tables behind the charts. */
		struct svc_report_opts o2 = *x->o;
		const struct svc_report_opts *keep = x->o;

		if (r_backlog(x) != 0) {
			rc = -1;
			goto out;
		}
		o2.period = per ? per : SVC_PERIOD_WEEK;
		x->o = &o2;
		rc = r_volume(x);
		x->o = keep;
		if (rc != 0)
			goto out;
		x->byname[0] = svc_xstrdup("group_name");
		x->byexpr[0] = svc_xstrdup("t.\"group_name\"");
		x->bypath[0] = NULL;
		x->nby = 1;
		rc = r_sla(x, "SLA compliance per metric and group");
		nby = 1;
		if (rc == 0) {
			rc = r_owners(x);
			x->nby = 1;
		}
		if (rc == 0 && one_int(x, "SELECT count(*) FROM main.measures",
		    &ok) > 0)
			rc = r_measures(x);
	}
out:
	x->nby = nby;
	return rc;
}

/* The measures: each measure with its lights, then the pipeline by DoI
 * (0..5, on hold, cancelled) counted as they come. */
struct mtabs {
	struct svc_rtab *t;
	int64_t n[8], light[8][3];	/* measures; green, amber, red */
	double planned[8];
	int any[8];
};

static int
measure_row(void *ud, const struct svc_mrow *m)
{
	static const char *const lights[] = { "green", "amber", "red" };
	struct mtabs *mt = ud;
	char **row, b[64];
	int j = 0, d, k;

	if (strcmp(m->level, "measure") != 0)
		return 0;
	row = tab_row(mt->t);
	row[j++] = svc_xstrdup(m->id);
	row[j++] = svc_xstrdup(m->title);
	row[j++] = svc_xstrdup(m->state);
	row[j++] = m->owner ? svc_xstrdup(m->owner) : NULL;
	row[j++] = svc_xstrdup(m->impl);
	row[j++] = svc_xstrdup(m->potential);
#define NUMCELL(ok, v) (snprintf(b, sizeof(b), "%.15g", (v)), (ok) ? \
	svc_xstrdup(b) : NULL)
	row[j++] = NUMCELL(m->has_planned, m->planned);
	row[j++] = NUMCELL(m->has_forecast, m->forecast);
	row[j++] = NUMCELL(m->has_actual, m->actual);
	row[j++] = m->kpi ? svc_xstrdup(m->kpi) : NULL;
	row[j++] = NUMCELL(!isnan(m->baseline), m->baseline);
	row[j++] = NUMCELL(!isnan(m->target), m->target);
	row[j++] = NUMCELL(!isnan(m->remeasured), m->remeasured);
#undef NUMCELL
	row[j++] = svc_xstrdup(m->why_impl);
	row[j] = svc_xstrdup(m->why_potential);
	d = m->side == NULL ? m->doi : strcmp(m->side, "on_hold") == 0 ? 6 : 7;
	mt->n[d]++;
	if (m->has_planned) {
		mt->planned[d] += m->planned;
		mt->any[d] = 1;
	}
	for (k = 0; k < 3; k++)
		if (strcmp(m->impl, lights[k]) == 0 ||
		    strcmp(m->potential, lights[k]) == 0)
			mt->light[d][k]++;
	return 0;
}

static int
r_measures(struct rx *x)
{
	static const char *const pc[] = { "doi", "stage", "measures",
	    "planned_effect", "green", "amber", "red", NULL };
	static const char *const mc[] = { "measure", "title", "state", "owner",
	    "implementation", "potential", "planned", "forecast", "actual",
	    "kpi", "baseline", "target", "remeasured", "implementation_why",
	    "potential_why", NULL };
	struct svc_rtab *p;
	struct svc_mopts mo;
	struct mtabs mt;
	int nby = x->nby, rc, d, k;

	memset(&mt, 0, sizeof(mt));
	x->nby = 0;
	mt.t = tab_new(x, "measures", "Measures and their lights", 0);
	tab_cols(x, mt.t, 0, mc);
	memset(&mo, 0, sizeof(mo));
	mo.now = x->o->now;
	svc_lights_defaults(&mo.lights);
	rc = svc_measure_each(x->db, &mo, NULL, measure_row, &mt, x->e);
	if (rc == 0) {
		p = tab_new(x, "measures", "Measures by degree of "
		    "implementation", 0);
		tab_cols(x, p, 0, pc);
		for (d = 0; d < 8; d++) {
			char **row = tab_row(p), b[64];

			snprintf(b, sizeof(b), "%d", d);
			row[0] = d < 6 ? svc_xstrdup(b) : NULL;
			row[1] = svc_xstrdup(d < 6 ? svc_doi_name(d) : d == 6 ?
			    "on hold" : "cancelled");
			snprintf(b, sizeof(b), "%lld", (long long)mt.n[d]);
			row[2] = svc_xstrdup(b);
			snprintf(b, sizeof(b), "%.15g", mt.planned[d]);
			row[3] = mt.any[d] ? svc_xstrdup(b) : NULL;
			for (k = 0; k < 3; k++) {
				snprintf(b, sizeof(b), "%lld",
				    (long long)mt.light[d][k]);
				row[4 + k] = svc_xstrdup(b);
			}
		}
	}
	x->nby = nby;
	return rc;
}

int
svc_report_run(struct svc_db *db, const char *name,
    const struct svc_report_opts *o, struct svc_report *r, struct svc_err *e)
{
	struct rx x;
	int i, rc = -1;

	memset(&x, 0, sizeof(x));
	memset(r, 0, sizeof(*r));
	x.db = db;
	x.o = o;
	x.r = r;
	x.e = e;
	for (i = 0; svc_report_names[i]; i++)
		if (strcmp(svc_report_names[i], name) == 0)
			break;
	if (svc_report_names[i] == NULL)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "unknown report '%s' (svc-report --help lists them)", name);
	if (parse_by(&x) != 0)
		goto out;
	svc_calset_init(&x.cals, db, o->now);
	if (svc_db_exec(db, "BEGIN", e) != 0)
		goto cals;
	if (setup(&x) != 0)
		goto end;
	x.stream = o->stream && !o->page && (i == 4 || (i >= 7 && i <= 10));
	switch (i) {
	case 0: rc = r_summary(&x); break;
	case 1: {
		struct svc_report_opts o2 = *o;

		if (o2.period == SVC_PERIOD_NONE)
			o2.period = SVC_PERIOD_WEEK;
		x.o = &o2;
		rc = r_volume(&x);
		x.o = o;
		break;
	}
	case 2: rc = r_backlog(&x); break;
	case 3: rc = r_sla(&x, "SLA compliance"); break;
	case 4: rc = r_breaches(&x); break;
	case 5: rc = r_owners(&x); break;
	case 6: rc = r_kpi(&x); break;
	case 7: rc = r_problems(&x); break;
	case 8: rc = r_escalations(&x); break;
	case 9: rc = r_rejects(&x); break;
	case 10: rc = r_tickets(&x); break;
	default: rc = r_measures(&x); break;
	}
end:
	if (x.out) {
		r->streamed = 1;
		if (svc_out_close(x.out) != 0 && rc == 0)
			rc = svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "write error on standard output");
	}
	svc_db_exec(db, "ROLLBACK", NULL);
cals:
	svc_calset_free(&x.cals);
out:
	for (i = 0; i < x.nby; i++) {
		free(x.byname[i]);
		free(x.byexpr[i]);
		free(x.bypath[i]);
	}
	return rc;
}

void
svc_report_free(struct svc_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		tab_free(&r->t[i]);
	free(r->t);
	memset(r, 0, sizeof(*r));
}

/* ---- help ---- */

static const char *const helps[] = {
	/* summary */
	"One screen for a service lead, as rows of section, figure, value, n\n"
	"and drill: tickets open now, with an unknown status (one that has no\n"
	"category: svc-import --kind statuses maps it), open at the start of\n"
	"the period, new and resolved in it; per SLA metric the compliance\n"
	"(n = completed clocks), the breaches in the period and the clocks\n"
	"overdue now, and when svc-sla last computed them; breaches by reason\n"
	"(\"missing\" until svc-escalate ack gives one); open tickets\n"
	"escalated, notifications held and pending; problems new and open;\n"
	"decisions waiting\n"
	"(breaches without a reason); import rows read and rejected.\n"
	"-f html writes the whole leadership page: these figures, charts of\n"
	"backlog by age, volume over time, SLA compliance per metric and group\n"
	"and breaches by reason, and their tables.\n"
	"Drill-down: the drill column is the command that lists the tickets\n"
	"behind the figure, e.g. open now:\n"
	"  svc-report tickets --where open\n",
	/* volume */
	"Tickets created and resolved in the period, per --period (default\n"
	"week, weeks starting on Monday in --tz) and any --by fields.\n"
	"Drill-down: the created cell of week 2026-06-01 for group Network:\n"
	"  svc-report tickets --where 'group_name=Network and\n"
	"    created_at>=2026-06-01 and created_at<2026-06-08'\n",
	/* backlog */
	"Tickets open at --now by age in whole days since creation (<1d: 0,\n"
	"1-5d, 6-30d, 31-90d, >90d: 91 and more) and by whole days since the\n"
	"last update (idle_*), per any --by fields.\n"
	"Drill-down: the age_6_30d cell for priority 2:\n"
	"  svc-report tickets --where 'open and priority=2 and age_days>=6\n"
	"    and age_days<=30'\n",
	/* sla */
	"Per metric (and --by fields): clocks completed in the period, met,\n"
	"breached, compliance_pct = met / completed (cancelled clocks left\n"
	"out), clocks running at --now, at_risk (running, not overdue, 75% or\n"
	"more of the target used at the last svc-sla run), overdue (running\n"
	"past their due time, or breached), median and p90 business time used\n"
	"by the completed clocks, in hours.\n"
	"Drill-down: the breached cell of metric resolution is the list of\n"
	"  svc-report breaches --where 'breached~\"*resolution*\"'\n",
	/* breaches */
	"Each clock breached in the period: ticket, metric, cycle, policy,\n"
	"when, due time, owner and group at the breach, the reason given with\n"
	"svc-escalate ack (\"missing\" until then), who gave it, the ticket's\n"
	"status and assignee now.\n"
	"Drill-down: every row is one clock; svc-sla --explain TICKET shows it.\n",
	/* owners */
	"Per person (assignee) and group: open tickets now, overdue (open with\n"
	"a running clock past due or breached), resolved in the period, their\n"
	"median resolution time (hours, calendar), clocks breached in the\n"
	"period while they owned them, and reassigned_away: times a ticket was\n"
	"moved from them to someone else in the period.\n"
	"Drill-down: the open cell of person alice:\n"
	"  svc-report tickets --where 'open and assignee=alice'\n",
	/* kpi */
	"The KPIs as rows of kpi, value, unit, n (the tickets, clocks or\n"
	"ratings the value is taken over), per --period and --by fields.\n"
	"Percentiles interpolate between the closest ranks: the median of an\n"
	"even count is the mean of the two middle values.\n"
	"Drill-down: the tickets of a KPI's n are those of its definition,\n"
	"e.g. csat_top2 in June:\n"
	"  svc-report tickets --where 'csat and resolved_at>=2026-06-01\n"
	"    and resolved_at<2026-07-01'\n"
	"KPIs:\n",
	/* problems */
	"Problems opened by svc-escalate --problems by --now: id, key, state,\n"
	"tickets, first and last seen, opened at and by, the measure raised.\n"
	"Drill-down: svc-escalate --problems --key KEY lists a problem's\n"
	"tickets.\n",
	/* escalations */
	"Notifications fired in the period: ticket, metric, rule, level, state\n"
	"(sent, held, pending, skipped), recipient, fired, held until, sent,\n"
	"reminders, why skipped, the ticket's status now.\n"
	"Drill-down: svc-escalate --explain TICKET.\n",
	/* rejects */
	"Import rows rejected by runs started in the period, per run, file,\n"
	"type and field: how many, the first line, an example message; then\n"
	"the values those runs read as missing (type placeholder: a date an\n"
	"export writes for \"no time\"; implausible: a first response,\n"
	"resolution or closing before the ticket's creation), per column.\n"
	"Drill-down: the rows themselves, with their raw bytes, are in the\n"
	"rejects table (svc-import --rejects FILE writes them as they come),\n"
	"each value read as missing in the import_notes table (run, file,\n"
	"line, column_name, field, ticket_id, value, kind, reason).\n",
	/* tickets */
	"The tickets --where selects, as of --now, one row each.  Besides the\n"
	"ticket fields and attrs.KEY, --where may test: open, age_days and\n"
	"idle_days (whole days since creation and since the last update),\n"
	"breached (the metrics breached by --now, e.g. breached~\"*resolution*\"),\n"
	"overdue (the metrics whose running clock is past due or breached),\n"
	"reopened, escalated (a notification was sent), status_category (the\n"
	"category of the status; missing when it has none).  Times later than\n"
	"--now are not shown; resolved_at is the closing time when the export\n"
	"gives no resolution time.\n"
	"  svc-report tickets --where 'open and age_days>90 and not assignee'\n",
	/* measures */
	"Two tables: the pipeline (per DoI 0 Defined to 5 Closed, then on hold\n"
	"and cancelled: measures, planned effect per month (frozen from DoI 3),\n"
	"and how many show green, amber or red in either light), then each\n"
	"measure: state, owner, implementation light (open milestones late by\n"
	"more than --slip-amber / --slip-red; grey before DoI 3), potential\n"
	"light (actual, else forecast, effect against the frozen plan, below\n"
	"--effect-amber / --effect-red percent), planned, forecast and actual\n"
	"effect, the KPI with baseline, target and re-measurement, and why\n"
	"each light shows what it shows.  The HTML page (summary -f html)\n"
	"carries both tables.\n"
	"Drill-down: svc-measure show MEASURE.\n",
};

void
svc_report_help(const char *name, struct svc_buf *b)
{
	size_t i;

	for (i = 0; svc_report_names[i]; i++)
		if (strcmp(svc_report_names[i], name) == 0) {
			svc_buf_printf(b, "svc-report %s: ", name);
			svc_buf_adds(b, helps[i]);
			if (strcmp(name, "kpi") == 0)
				svc_report_kpi_help(b);
			return;
		}
}
