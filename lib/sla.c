/* sla.c: SLA clocks from policies, calendars and the status history. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "calendar.h"
#include "cond.h"
#include "config.h"
#include "keyset.h"
#include "map.h"
#include "reader.h"
#include "rulelint.h"
#include "sla.h"
#include "status.h"
#include "ticket.h"
#include "timeutil.h"

static const char *const metric_names[SVC_SLA_NMETRICS] = {
	"first_response", "resolution", "next_reply"
};

int
svc_sla_metric(const char *s)
{
	int m;

	for (m = 0; s && m < SVC_SLA_NMETRICS; m++)
		if (strcmp(s, metric_names[m]) == 0)
			return m;
	return -1;
}

const char *
svc_sla_metric_name(int m)
{
	return m >= 0 && m < SVC_SLA_NMETRICS ? metric_names[m] : "";
}

int
svc_sla_target(const char *s, int64_t *secs)
{
	int64_t total = 0;
	int parts = 0;

	while (*s) {
		int64_t v = 0, unit;
		int digits = 0;

		while (isdigit((unsigned char)*s)) {
			if (v > 100000000)
				return -1;
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		switch (*s) {
		case 'd': unit = 86400; break;
		case 'h': unit = 3600; break;
		case 'm': unit = 60; break;
		case 's': unit = 1; break;
		default: return -1;
		}
		if (digits == 0)
			return -1;
		s++;
		total += v * unit;
		parts++;
	}
	if (parts == 0 || total <= 0)
		return -1;
	*secs = total;
	return 0;
}

int
svc_sla_seconds(const char *s, int64_t *secs)
{
	int64_t v = 0;
	const char *p = s;

	while (isdigit((unsigned char)*p) && v <= 100000000000LL)
		v = v * 10 + (*p++ - '0');
	if (p != s && *p == '\0') {
		*secs = v;
		return 0;
	}
	return svc_sla_target(s, secs);
}

static int
int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int
svc_sla_warn(const char *s, int *pct, int *n)
{
	*n = 0;
	while (*s) {
		long v = 0;
		int digits = 0;

		while (*s == ' ' || *s == ',' || *s == ';')
			s++;
		if (*s == '\0')
			break;
		while (isdigit((unsigned char)*s)) {
			if (v < 100000)
				v = v * 10 + (*s - '0');
			s++;
			digits++;
		}
		if (*s == '%')
			s++;
		while (*s == ' ')
			s++;
		if (digits == 0 || v <= 0 || v > 10000 ||
		    (*s && *s != ',' && *s != ';') || *n == SVC_SLA_MAXWARN)
			return -1;
		pct[(*n)++] = (int)v;
	}
	qsort(pct, (size_t)*n, sizeof(*pct), int_cmp);
	return 0;
}

/* ---- policies and calendars valid at now ---- */

struct policy {
	char *name, *text, *calname, *pause_on;
	int64_t order, target;
	long line;
	struct svc_cond *when;
	int metric, business;
	struct svc_cal *cal;
	int warn[SVC_SLA_MAXWARN], nwarn;
};

/* One row of a ticket's history. */
enum { H_STATUS, H_REPLY, H_MESSAGE, H_ASSIGNEE, H_GROUP, H_OTHER };

struct hist {
	int64_t at;
	int kind, field;
	char *old, *new;
};

/* The status from at on; hist when the status history gives it, else
 * the ticket's own status (as of updated_at). */
struct pt {
	int64_t at;
	const char *status;
	int hist;
};

/* A stretch of a clock: running, or paused in status. */
struct seg {
	int64_t a, b;
	int64_t w;		/* working seconds, 0 when paused */
	int paused;
	const char *status;
};

/* What stopped a cycle. */
enum {
	STOP_NONE,		/* open */
	STOP_STATUS,		/* a done status (status, hist) */
	STOP_RESOLVED_AT,	/* the ticket's resolved_at */
	STOP_CLOSED_AT,		/* its closed_at (no resolved_at, no done
				 * status before it in the cycle) */
	STOP_FIRST_RESPONSE_AT,	/* its first_response_at */
	STOP_REPLY,		/* a reply in the history */
	STOP_RESOLUTION		/* the end of the first resolution cycle,
				 * stopped by rwhy (a STOP_ value) */
};

/* A cycle of a metric: start, stop (-1 while open), stopped by a
 * cancelling status; why it stopped and the status that did it. */
struct cyc {
	int64_t start, stop;
	int cancelled;
	int why, rwhy, hist;
	const char *status;
};

/* A clock as stored or computed.  -1 for times that are not set. */
struct clock {
	int metric;
	int64_t cycle;
	/* a computed clock borrows policy and calendar from its policy; own
	 * holds what the clock allocated (stored text, breach details) */
	const char *policy, *calendar, *owner, *group, *reason;
	char *own[5];
	const char *state;
	char statebuf[16];
	int64_t pver, target, start, stop, due, odue, elapsed, paused;
	int64_t breached_at;
	int breached;
};

struct sla {
	struct svc_db *db;
	const struct svc_sla_opts *o;
	struct policy *pol;
	size_t npol;
	int64_t version;
	struct svc_calset cals;
	int cols[SVC_NFIELDS];
	int ncols, want_attrs;
	sqlite3_stmt *tk, *hist, *clk, *ev_once, *ev_at;
	int hist_rc, clk_rc;
	int *hist_scan, *clk_scan;	/* &hist_rc, &clk_rc in a scan, else
					 * NULL (svc_rows_first) */
	int fresh;			/* the clock being written is new */
	struct svc_batch bclk, bev;	/* clocks, events of new clocks */
	struct svc_audit audit;		/* one row per event written */
	struct evseen { char name[16]; int64_t at; } *seen;
	size_t nseen, aseen;		/* events of the new clock so far */
	int64_t run;
	FILE *fp;			/* explain: write here, change nothing */
	struct hist *h;
	size_t nh, ah;
	unsigned char later[SVC_NFIELDS];	/* the ticket's time was after
						 * now (history() made it
						 * missing) */
	struct pt *p;
	size_t np, ap;
	struct seg *s;
	size_t ns, as;
	struct clock *old;
	size_t nold, aold;
	/* the output row of the ticket: per metric the latest cycle this run
	 * changed */
	struct outm {
		int set;
		char state[16];
		int64_t due, rem;
	} om[SVC_SLA_NMETRICS];
	struct svc_sla_result *res;
	const struct svc_statuses *statuses;	/* in force at now */
};

static const int need_fields[] = { SVC_F_TICKET_ID, SVC_F_STATUS,
    SVC_F_GROUP_NAME, SVC_F_ASSIGNEE, SVC_F_CREATED_AT,
    SVC_F_FIRST_RESPONSE_AT, SVC_F_RESOLVED_AT, SVC_F_CLOSED_AT,
    SVC_F_UPDATED_AT };

static int
load(struct sla *x, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	unsigned char used[SVC_NFIELDS];
	size_t i;
	int f, attrs = 0;

	memset(used, 0, sizeof(used));
	if (svc_db_statuses(x->db, x->o->now, &x->statuses, e) != 0 ||
	    svc_config_version(x->db, x->o->now, "policies", &x->version, e)
	    != 0)
		return -1;
	if (x->version == 0 &&
	    svc_config_unvalid(x->db, x->o->now, "policies", e) != 0)
		return -1;
	if (x->version == 0)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no SLA "
		    "policies valid at --now (load them with svc-import --kind "
		    "policies)");
	if (svc_config_select(x->db, x->o->now, "policies", "policy, "
	    "\"order\", line, \"when\", metric, target, unit, calendar, "
	    "pause_on, warn_at", "1", "\"order\", rowno", &st, e) != 0)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct policy *p;
		const char *unit, *warn;

		x->pol = svc_xrealloc(x->pol, (x->npol + 1) * sizeof(*x->pol));
		p = &x->pol[x->npol++];
		memset(p, 0, sizeof(*p));
		p->name = svc_col_dup(st, 0);
		p->order = sqlite3_column_int64(st, 1);
		p->line = (long)sqlite3_column_int64(st, 2);
		p->text = svc_col_dup(st, 3);
		if (p->text == NULL)
			p->text = svc_xstrdup("");
		if ((p->when = svc_cond_parse(p->text, strlen(p->text), NULL,
		    e)) == NULL) {
			sqlite3_finalize(st);
			return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "policy "
			    "'%s' (line %ld): %s", p->name, p->line, e->msg);
		}
		p->metric = svc_sla_metric((const char *)sqlite3_column_text(st,
		    4));
		if (svc_sla_target((const char *)sqlite3_column_text(st, 5),
		    &p->target) != 0)
			p->target = 1;	/* checked when loaded */
		unit = (const char *)sqlite3_column_text(st, 6);
		p->business = unit == NULL || strcmp(unit, "business") == 0;
		p->calname = svc_col_dup(st, 7);
		if (p->calname == NULL || !p->business) {
			free(p->calname);
			p->calname = svc_xstrdup("24x7");
		}
		p->pause_on = svc_col_dup(st, 8);
		warn = (const char *)sqlite3_column_text(st, 9);
		if (warn == NULL || svc_sla_warn(warn, p->warn, &p->nwarn) != 0) {
			p->nwarn = 3;
			p->warn[0] = 50;
			p->warn[1] = 75;
			p->warn[2] = 90;
		}
		if ((p->cal = svc_calset_get(&x->cals, p->calname, e)) == NULL) {
			char msg[sizeof(e->msg)];

			sqlite3_finalize(st);
			snprintf(msg, sizeof(msg), "%s", e->msg);
			return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "policy "
			    "'%s' (line %ld): %s", p->name, p->line, msg);
		}
		svc_cond_refs(p->when, used, SVC_NFIELDS, &attrs);
	}
	sqlite3_finalize(st);
	for (i = 0; i < sizeof(need_fields) / sizeof(need_fields[0]); i++)
		used[need_fields[i]] = 1;
	for (f = 0; f < SVC_NFIELDS; f++)
		if (used[f])
			x->cols[x->ncols++] = f;
	x->want_attrs = attrs;
	return 0;
}

static int
prepare(struct sla *x, int all, struct svc_err *e)
{
	struct svc_buf sql = { 0 };
	int k, rc;

	svc_buf_adds(&sql, "SELECT rowid");
	for (k = 0; k < x->ncols; k++)
		svc_buf_printf(&sql, ", %s", svc_tfields[x->cols[k]].name);
	if (x->want_attrs)
		svc_buf_adds(&sql, ", attrs");
	svc_buf_adds(&sql, all ? " FROM tickets ORDER BY ticket_id" :
	    " FROM tickets WHERE ticket_id=?");
	rc = svc_db_prepare(x->db, sql.s, &x->tk, e);
	svc_buf_free(&sql);
	if (rc != 0 ||
	    svc_db_prepare(x->db, all ? "SELECT at, field, old, new, ticket_id "
	    "FROM ticket_events ORDER BY ticket_id, at, id" : "SELECT at, "
	    "field, old, new, ticket_id FROM ticket_events WHERE ticket_id=? "
	    "ORDER BY at, id", &x->hist, e) ||
	    svc_db_prepare(x->db, all ? "SELECT metric, cycle, policy, "
	    "policy_version, calendar, target_s, start, stop, due_at, "
	    "original_due_at, business_elapsed_s, paused_s, state, breached, "
	    "breached_at, owner_at_breach, group_at_breach, breach_reason, "
	    "ticket_id FROM sla_clocks ORDER BY ticket_id" : "SELECT metric, "
	    "cycle, policy, policy_version, calendar, target_s, start, stop, "
	    "due_at, original_due_at, business_elapsed_s, paused_s, state, "
	    "breached, breached_at, owner_at_breach, group_at_breach, "
	    "breach_reason, ticket_id FROM sla_clocks WHERE ticket_id=?",
	    &x->clk, e))
		return -1;
	if (all) {
		x->hist_rc = sqlite3_step(x->hist);
		x->clk_rc = sqlite3_step(x->clk);
		x->hist_scan = &x->hist_rc;
		x->clk_scan = &x->clk_rc;
	}
	if (x->fp)
		return 0;
	svc_batch_init(&x->bclk, x->db, "INSERT OR REPLACE INTO sla_clocks("
	    "ticket_id, metric, cycle, policy, policy_version, calendar, "
	    "target_s, start, stop, due_at, original_due_at, "
	    "business_elapsed_s, paused_s, state, breached, breached_at, "
	    "owner_at_breach, group_at_breach, breach_reason, run, as_of) "
	    "VALUES ", "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    "writing SLA clocks");
	svc_batch_init(&x->bev, x->db, "INSERT OR IGNORE INTO sla_events("
	    "ticket_id, metric, cycle, event, at, policy, run) VALUES ",
	    "(?,?,?,?,?,?,?)", "recording SLA events");
	return svc_db_prepare(x->db, "INSERT INTO sla_events(ticket_id, metric, "
	    "cycle, event, at, policy, run) SELECT ?1,?2,?3,?4,?5,?6,?7 WHERE "
	    "NOT EXISTS (SELECT 1 FROM sla_events WHERE ticket_id=?1 AND "
	    "metric=?2 AND cycle=?3 AND event=?4)", &x->ev_once, e) ||
	    svc_db_prepare(x->db, "INSERT OR IGNORE INTO sla_events(ticket_id, "
	    "metric, cycle, event, at, policy, run) VALUES (?,?,?,?,?,?,?)",
	    &x->ev_at, e) ? -1 : 0;
}

static void
clock_free(struct clock *c)
{
	size_t i;

	for (i = 0; i < sizeof(c->own) / sizeof(c->own[0]); i++)
		free(c->own[i]);
	memset(c, 0, sizeof(*c));
}

static void
scratch_clear(struct sla *x)
{
	size_t i;

	for (i = 0; i < x->nh; i++) {
		free(x->h[i].old);
		free(x->h[i].new);
	}
	for (i = 0; i < x->nold; i++)
		clock_free(&x->old[i]);
	x->nh = x->np = x->ns = x->nold = 0;
	memset(x->om, 0, sizeof(x->om));
	memset(x->later, 0, sizeof(x->later));
}

static void
sla_free(struct sla *x)
{
	size_t i;

	scratch_clear(x);
	for (i = 0; i < x->npol; i++) {
		free(x->pol[i].name);
		free(x->pol[i].text);
		free(x->pol[i].calname);
		free(x->pol[i].pause_on);
		svc_cond_free(x->pol[i].when);
	}
	free(x->pol);
	svc_calset_free(&x->cals);
	free(x->h);
	free(x->p);
	free(x->s);
	free(x->old);
	sqlite3_finalize(x->tk);
	sqlite3_finalize(x->hist);
	sqlite3_finalize(x->clk);
	svc_batch_free(&x->bclk);
	svc_batch_free(&x->bev);
	svc_audit_free(&x->audit);
	free(x->seen);
	sqlite3_finalize(x->ev_once);
	sqlite3_finalize(x->ev_at);
}

/* ---- one ticket ---- */

static int
is_int_field(int f)
{
	return svc_tfields[f].type != SVC_FT_TEXT;
}

static void
set_value(struct svc_tk *t, int f, const char *s)
{
	char *end;
	long long v;

	if (s && is_int_field(f)) {
		v = strtoll(s, &end, 10);
		if (end != s && *end == '\0') {
			svc_tk_set_int(t, f, v);
			return;
		}
	}
	svc_tk_set_text(t, f, s);
}

/* Read the history of t and put t as it was at now: a field with history
 * after now takes the old value of its first later change; times after
 * now are not yet known. */
static int
history(struct sla *x, struct svc_tk *t, struct svc_err *e)
{
	int rc, k;
	size_t i;
	int64_t now = x->o->now;

	for (rc = svc_rows_first(x->hist, x->hist_scan, t->s[SVC_F_TICKET_ID]);
	    rc == SQLITE_ROW; rc = svc_rows_next(x->hist, x->hist_scan,
	    t->s[SVC_F_TICKET_ID])) {
		const char *f = (const char *)sqlite3_column_text(x->hist, 1);
		struct hist *h;

		if (x->nh == x->ah) {
			x->ah = x->ah ? 2 * x->ah : 16;
			x->h = svc_xrealloc(x->h, x->ah * sizeof(*x->h));
		}
		h = &x->h[x->nh++];
		h->at = sqlite3_column_int64(x->hist, 0);
		h->old = svc_col_dup(x->hist, 2);
		h->new = svc_col_dup(x->hist, 3);
		h->field = f ? svc_field_find(f) : -1;
		h->kind = h->field == SVC_F_STATUS ? H_STATUS :
		    h->field == SVC_F_ASSIGNEE ? H_ASSIGNEE :
		    h->field == SVC_F_GROUP_NAME ? H_GROUP :
		    f && strcmp(f, "reply") == 0 ? H_REPLY :
		    f && strcmp(f, "message") == 0 ? H_MESSAGE : H_OTHER;
	}
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading ticket history");
	for (k = 0; k < x->ncols; k++) {
		int f = x->cols[k];

		if (f == SVC_F_TICKET_ID)
			continue;
		for (i = 0; i < x->nh; i++)
			if (x->h[i].field == f && x->h[i].at > now) {
				set_value(t, f, x->h[i].old);
				break;
			}
		x->later[f] = svc_tfields[f].type == SVC_FT_TIME &&
		    f != SVC_F_CREATED_AT && svc_tk_time(t, f) > now;
		if (x->later[f])
			svc_tk_put(t, f, NULL, 0);
	}
	return 0;
}

/* Is status of a done category (resolved, closed, cancelled)? */
static int
is_done(const struct sla *x, const char *status)
{
	return svc_status_done(svc_status_find(x->statuses, status));
}

/* Is status of the cancelled category? */
static int
is_cancel(const struct sla *x, const char *status)
{
	return svc_status_find(x->statuses, status) == SVC_SCAT_CANCELLED;
}

/* Does the pause_on list of a policy name status, or its category? */
static int
pauses(const struct sla *x, const char *pause_on, const char *status)
{
	int c;

	if (status == NULL || pause_on == NULL)
		return 0;
	if (svc_in_list(pause_on, status))
		return 1;
	c = svc_status_find(x->statuses, status);
	return c != SVC_SCAT_UNKNOWN &&
	    svc_in_list(pause_on, svc_status_cat_name(c));
}

static void
pt_add(struct sla *x, int64_t at, const char *status, int hist)
{
	if (x->np == x->ap) {
		x->ap = x->ap ? 2 * x->ap : 16;
		x->p = svc_xrealloc(x->p, x->ap * sizeof(*x->p));
	}
	x->p[x->np].at = at;
	x->p[x->np].hist = hist;
	x->p[x->np++].status = status;
}

/* The status timeline from creation to now. */
static void
timeline(struct sla *x, const struct svc_tk *t, int64_t created)
{
	int64_t now = x->o->now, stop;
	const char *s0 = NULL;
	size_t i;
	int any = 0;

	for (i = 0; i < x->nh; i++)
		if (x->h[i].kind == H_STATUS) {
			s0 = x->h[i].old;
			any = 1;
			break;
		}
	if (!any) {
		const char *cur = t->s[SVC_F_STATUS];
		int64_t r = svc_tk_time(t, SVC_F_RESOLVED_AT), c = svc_tk_time(t, SVC_F_CLOSED_AT);

		/* a done status with no time for it, on a row written after
		 * now: not yet known to be done */
		if ((!is_done(x, cur) && r < 0 && c < 0) || (r < 0 && c < 0 &&
		    x->later[SVC_F_UPDATED_AT])) {
			pt_add(x, created, is_done(x, cur) ? NULL : cur, 0);
			return;
		}
		stop = r >= 0 ? r : c >= 0 ? c : svc_tk_time(t, SVC_F_UPDATED_AT);
		if (stop < created)
			stop = created;
		pt_add(x, created, NULL, 0);
		pt_add(x, stop, is_done(x, cur) ? cur : "Resolved", 0);
		return;
	}
	pt_add(x, created, s0, 1);
	for (i = 0; i < x->nh; i++)
		if (x->h[i].kind == H_STATUS && x->h[i].at <= now)
			pt_add(x, x->h[i].at < created ? created : x->h[i].at,
			    x->h[i].new, 1);
}

/* Ticket field f as a time from created on (-1 when it is not known at
 * now or is before creation). */
static int64_t
time_from(const struct svc_tk *t, int f, int64_t created)
{
	int64_t r = svc_tk_time(t, f);

	return r < created ? -1 : r;
}

/* Cycle c stops at point k of the timeline, a done status. */
static void
stop_status(const struct sla *x, struct cyc *c, size_t k)
{
	c->stop = x->p[k].at;
	c->cancelled = is_cancel(x, x->p[k].status);
	c->why = STOP_STATUS;
	c->status = x->p[k].status;
	c->hist = x->p[k].hist;
}

/* Cycle c stops at at for reason why (not a status). */
static void
stop_at(struct cyc *c, int64_t at, int why)
{
	c->stop = at;
	c->why = why;
	c->status = NULL;
	c->hist = 0;
}

#define MAXCYC 64

/* The cycles of metric m into c (at most max). */
static size_t
cycles(struct sla *x, const struct svc_tk *t, int m, int64_t created,
    struct cyc *c, size_t max)
{
	size_t n = 0, i, j;
	int open = 0;
	int64_t now = x->o->now, fr, r;
	struct cyc rc[MAXCYC];

	switch (m) {
	case SVC_SLA_FIRST_RESPONSE:
		memset(&c[0], 0, sizeof(c[0]));
		c[0].start = created;
		c[0].stop = -1;
		fr = svc_tk_time(t, SVC_F_FIRST_RESPONSE_AT);
		if (fr >= 0 && fr <= now)
			stop_at(&c[0], fr < created ? created : fr,
			    STOP_FIRST_RESPONSE_AT);
		for (i = 0; i < x->nh; i++)
			if (x->h[i].kind == H_REPLY && x->h[i].at <= now &&
			    (c[0].stop < 0 || x->h[i].at < c[0].stop)) {
				stop_at(&c[0], x->h[i].at < created ? created :
				    x->h[i].at, STOP_REPLY);
				break;
			}
		/* the resolution stops it too: when the first resolution cycle
		 * ends, by what ended that */
		if (cycles(x, t, SVC_SLA_RESOLUTION, created, rc, MAXCYC) > 0 &&
		    rc[0].stop >= 0 && (c[0].stop < 0 || rc[0].stop <
		    c[0].stop)) {
			c[0] = rc[0];
			c[0].start = created;
			c[0].rwhy = rc[0].why;
			c[0].why = STOP_RESOLUTION;
		}
		return 1;
	case SVC_SLA_RESOLUTION:
		for (i = 0; i < x->np && n < max; i++) {
			int done = is_done(x, x->p[i].status);

			if (i == 0 || (!open && !done)) {
				memset(&c[n], 0, sizeof(c[n]));
				c[n].start = x->p[i].at;
				c[n].stop = -1;
				if (done)
					stop_status(x, &c[n], i);
				open = !done;
				n++;
			} else if (open && done) {
				stop_status(x, &c[n - 1], i);
				open = 0;
			}
		}
		/* the export's resolved_at ends the cycle it falls in, whenever
		 * the status history first showed the ticket done; without it,
		 * the first done status of that cycle does, or closed_at when
		 * the cycle has none before it (closed_at is often an automatic
		 * close days after the resolution) */
		if ((r = time_from(t, SVC_F_RESOLVED_AT, created)) >= 0) {
			for (i = n; i-- > 0;)
				if (c[i].start <= r) {
					stop_at(&c[i], r, STOP_RESOLVED_AT);
					break;
				}
		} else if ((r = time_from(t, SVC_F_CLOSED_AT, created)) >= 0)
			for (i = n; i-- > 0;)
				if (c[i].start <= r) {
					if (c[i].stop < 0 || r <= c[i].stop)
						stop_at(&c[i], r,
						    STOP_CLOSED_AT);
					break;
				}
		return n;
	default:
		/* messages and replies, in time order, with the points where
		 * the ticket is done */
		i = j = 0;
		for (;;) {
			int64_t hat = i < x->nh ? x->h[i].at : INT64_MAX;
			int64_t pat = j < x->np ? x->p[j].at : INT64_MAX;

			if (hat == INT64_MAX && pat == INT64_MAX)
				break;
			if (pat < hat) {
				if (open && is_done(x, x->p[j].status)) {
					stop_status(x, &c[n - 1], j);
					open = 0;
				}
				j++;
				continue;
			}
			if (hat > now)
				break;
			if (x->h[i].kind == H_MESSAGE && !open && n < max) {
				memset(&c[n], 0, sizeof(c[n]));
				c[n].start = hat < created ? created : hat;
				c[n].stop = -1;
				open = 1;
				n++;
			} else if (x->h[i].kind == H_REPLY && open) {
				stop_at(&c[n - 1], hat, STOP_REPLY);
				open = 0;
			}
			i++;
		}
		return n;
	}
}

/* The stretches of [a, b], running or paused by p's pause_on. */
static void
segments(struct sla *x, const struct policy *p, int64_t a, int64_t b)
{
	size_t i, k = 0;
	const char *st = NULL;

	x->ns = 0;
	for (i = 0; i < x->np && x->p[i].at <= a; i++)
		st = x->p[i].status;
	k = i;
	for (;;) {
		int64_t e = k < x->np && x->p[k].at < b ? x->p[k].at : b;
		int paused = pauses(x, p->pause_on, st);

		if (x->ns > 0 && x->s[x->ns - 1].paused == paused &&
		    x->s[x->ns - 1].b == a && (!paused ||
		    strcasecmp(x->s[x->ns - 1].status, st) == 0))
			x->s[x->ns - 1].b = e;
		else {
			if (x->ns == x->as) {
				x->as = x->as ? 2 * x->as : 16;
				x->s = svc_xrealloc(x->s, x->as * sizeof(*x->s));
			}
			x->s[x->ns].a = a;
			x->s[x->ns].b = e;
			x->s[x->ns].paused = paused;
			x->s[x->ns++].status = st;
		}
		if (e >= b)
			break;
		a = e;
		st = x->p[k++].status;
	}
}

static int64_t
measure(const struct policy *p, int64_t a, int64_t b)
{
	if (p->business)
		return svc_cal_between(p->cal, a, b);
	return b > a ? b - a : 0;
}

static int
addm(const struct policy *p, int64_t t, int64_t secs, int64_t *out,
    struct svc_err *e)
{
	if (p->business)
		return svc_cal_add(p->cal, t, secs, out, e);
	*out = t + secs;
	return 0;
}

/* When does the clock over the segments (measured by compute) reach need?  -1 in *out when it
 * is paused at the end before reaching it. */
static int
reach(struct sla *x, const struct policy *p, int64_t need, int64_t *out,
    struct svc_err *e)
{
	size_t i;

	*out = -1;
	for (i = 0; i < x->ns; i++) {
		if (x->s[i].paused)
			continue;
		if (x->s[i].w >= need)
			return addm(p, x->s[i].a, need, out, e);
		need -= x->s[i].w;
	}
	if (x->ns > 0 && !x->s[x->ns - 1].paused)
		return addm(p, x->s[x->ns - 1].b, need, out, e);
	return 0;
}

/* The value of history kind k at t (the ticket's value when no change). */
static const char *
value_at(struct sla *x, const struct svc_tk *t, int k, int f, int64_t at)
{
	const char *v = NULL;
	size_t i;
	int seen = 0;

	for (i = 0; i < x->nh; i++) {
		if (x->h[i].kind != k)
			continue;
		if (x->h[i].at <= at) {
			v = x->h[i].new;
			seen = 1;
		} else {
			if (!seen)
				v = x->h[i].old, seen = 1;
			break;
		}
	}
	return seen ? v : t->s[f];
}

/* A clock's audit key: ticket/metric/cycle (per event: no printf). */
static void
clock_key(char *key, size_t n, const char *id, const struct clock *c)
{
	const char *m = metric_names[c->metric];
	size_t li = strlen(id), lm = strlen(m);

	if (li + lm + 24 > n || c->cycle < 1 || c->cycle > 9) {
		snprintf(key, n, "%s/%s/%lld", id, m, (long long)c->cycle);
		return;
	}
	memcpy(key, id, li);
	key[li] = '/';
	memcpy(key + li + 1, m, lm);
	key[li + 1 + lm] = '/';
	key[li + 2 + lm] = (char)('0' + c->cycle);
	key[li + 3 + lm] = '\0';
}

/* The audit row of an event written: key ticket/metric/cycle, field the
 * event, new its time, detail the policy. */
static int
audit_event(struct sla *x, const char *id, const struct clock *c,
    const char *name, int64_t at, struct svc_err *e)
{
	char key[512], when[48];

	clock_key(key, sizeof(key), id, c);
	svc_time_format(at, when, sizeof(when));
	return svc_audit(&x->audit, "clock", key, name, NULL, when, c->policy,
	    e);
}

/* Record an event once: pause and resume once per time, the others once
 * per clock. */
static int
event(struct sla *x, const char *id, const struct clock *c,
    const char *name, int64_t at, struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc, once = strcmp(name, "pause") != 0 && strcmp(name, "resume") != 0;
	char a[40];

	if (x->fp) {
		svc_time_show(at, a, sizeof(a));
		fprintf(x->fp, "    %-9s %s\n", name, a);
		return 0;
	}
	/* a clock seen for the first time has no events yet, but for those
	 * of this computation */
	if (x->fresh) {
		struct svc_batch *b = &x->bev;
		size_t i;

		for (i = 0; i < x->nseen; i++)
			if (strcmp(x->seen[i].name, name) == 0 &&
			    (once || x->seen[i].at == at))
				return 0;
		if (x->nseen == x->aseen) {
			x->aseen = x->aseen ? 2 * x->aseen : 8;
			x->seen = svc_xrealloc(x->seen, x->aseen *
			    sizeof(*x->seen));
		}
		snprintf(x->seen[x->nseen].name, sizeof(x->seen->name), "%s",
		    name);
		x->seen[x->nseen++].at = at;
		svc_batch_text(b, id);
		svc_batch_static(b, metric_names[c->metric]);
		svc_batch_int(b, c->cycle);
		svc_batch_text(b, name);
		svc_batch_int(b, at);
		svc_batch_text(b, c->policy);
		svc_batch_int(b, x->run);
		return svc_batch_row(b, e) != 0 ? -1 :
		    audit_event(x, id, c, name, at, e);
	}
	st = once ? x->ev_once : x->ev_at;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, metric_names[c->metric], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->cycle);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, at);
	sqlite3_bind_text(st, 6, c->policy, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, x->run);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "recording an SLA event");
	if (sqlite3_changes(x->db->h) == 0)
		return 0;
	x->res->events++;
	return audit_event(x, id, c, name, at, e);
}

/* Compute the clock of cycle cy under p into c, and its events. */
static int
compute(struct sla *x, const struct svc_tk *t, const struct policy *p,
    const struct cyc *cy, struct clock *c, struct svc_err *e)
{
	int64_t now = x->o->now, end;
	int completed = cy->stop >= 0, lastpaused;
	size_t i;
	char d1[32];

	end = completed ? cy->stop : now;
	if (end < cy->start)
		end = cy->start;
	c->policy = p->name;
	c->calendar = p->calname;
	c->pver = x->version;
	c->target = p->target;
	c->start = cy->start;
	c->stop = cy->stop;
	segments(x, p, cy->start, end);
	c->elapsed = c->paused = 0;
	for (i = 0; i < x->ns; i++) {
		x->s[i].w = x->s[i].paused ? 0 : measure(p, x->s[i].a, x->s[i].b);
		if (x->s[i].paused)
			c->paused += x->s[i].b - x->s[i].a;
		c->elapsed += x->s[i].w;
	}
	lastpaused = x->ns > 0 && x->s[x->ns - 1].paused;
	if (reach(x, p, p->target, &c->due, e) != 0 ||
	    addm(p, cy->start, p->target, &c->odue, e) != 0)
		return -1;
	/* stopped while paused: the due time as the pauses before the stop
	 * moved it, the rest of the target counted from the stop */
	if (c->due < 0 && completed && addm(p, end, p->target - c->elapsed,
	    &c->due, e) != 0)
		return -1;
	c->breached = c->due >= 0 && (completed ? c->due < cy->stop :
	    c->due < now);
	c->breached_at = c->breached ? c->due : -1;
	if (cy->cancelled)
		c->state = "cancelled";
	else if (c->breached)
		c->state = "breached";
	else if (completed)
		c->state = "met";
	else
		c->state = lastpaused ? "paused" : "running";
	if (c->breached) {
		const char *o = value_at(x, t, H_ASSIGNEE, SVC_F_ASSIGNEE,
		    c->breached_at);
		const char *g = value_at(x, t, H_GROUP, SVC_F_GROUP_NAME,
		    c->breached_at);
		const char *s;
		size_t k;

		c->owner = c->own[2] = o ? svc_xstrdup(o) : NULL;
		c->group = c->own[3] = g ? svc_xstrdup(g) : NULL;
		s = NULL;
		for (k = 0; k < x->np && x->p[k].at <= c->breached_at; k++)
			s = x->p[k].status;
		svc_dur_format(p->target, d1, sizeof(d1));
		c->reason = c->own[4] = svc_xasprintf("%s %s target passed with status "
		    "'%s'%s%s", d1, p->business ? "business" : "calendar",
		    s ? s : "", o ? " and assignee " : " and no assignee",
		    o ? o : "");
	}
	return 0;
}

/* The events of a computed clock (after compute: x->s is its segments). */
static int
events(struct sla *x, const char *id, const struct policy *p,
    const struct clock *c, struct svc_err *e)
{
	int64_t end = c->stop >= 0 ? c->stop : x->o->now, at;
	size_t i;
	int k;
	char name[16];

	for (i = 0; i < x->ns; i++) {
		if (x->s[i].paused && (i > 0 || x->s[i].a >= c->start) &&
		    event(x, id, c, "pause", x->s[i].a, e) != 0)
			return -1;
		if (x->s[i].paused && x->s[i].b < end &&
		    event(x, id, c, "resume", x->s[i].b, e) != 0)
			return -1;
	}
	for (k = 0; k < p->nwarn; k++) {
		if (reach(x, p, p->target * p->warn[k] / 100, &at, e) != 0)
			return -1;
		if (at < 0 || at > end || (c->stop < 0 && at >= x->o->now))
			continue;
		snprintf(name, sizeof(name), "warn_%d", p->warn[k]);
		if (event(x, id, c, name, at, e) != 0)
			return -1;
	}
	if (c->breached && event(x, id, c, "breach", c->breached_at, e) != 0)
		return -1;
	if (c->stop >= 0 && strcmp(c->state, "met") == 0 &&
	    event(x, id, c, "met", c->stop, e) != 0)
		return -1;
	if (c->stop >= 0 && strcmp(c->state, "cancelled") == 0 &&
	    event(x, id, c, "cancelled", c->stop, e) != 0)
		return -1;
	return 0;
}

static int
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* A clock now judged by another policy: the audit row (field policy). */
static int
audit_policy(struct sla *x, const char *id, const struct clock *old,
    const struct clock *c, struct svc_err *e)
{
	char key[512], ver[32];

	clock_key(key, sizeof(key), id, c);
	snprintf(ver, sizeof(ver), "version %lld", (long long)c->pver);
	return svc_audit(&x->audit, "clock", key, "policy", old->policy,
	    c->policy, ver, e);
}

static int
same(const struct clock *a, const struct clock *b)
{
	return str_eq(a->policy, b->policy) && a->pver == b->pver &&
	    str_eq(a->calendar, b->calendar) && a->target == b->target &&
	    a->start == b->start && a->stop == b->stop && a->due == b->due &&
	    a->odue == b->odue && a->elapsed == b->elapsed &&
	    a->paused == b->paused && strcmp(a->state, b->state) == 0 &&
	    a->breached == b->breached && a->breached_at == b->breached_at &&
	    str_eq(a->owner, b->owner) && str_eq(a->group, b->group) &&
	    str_eq(a->reason, b->reason);
}

static int
stored(struct sla *x, const char *id, struct svc_err *e)
{
	int rc;

	for (rc = svc_rows_first(x->clk, x->clk_scan, id); rc == SQLITE_ROW;
	    rc = svc_rows_next(x->clk, x->clk_scan, id)) {
		struct clock *c;
		const char *s;

		if (x->nold == x->aold) {
			x->aold = x->aold ? 2 * x->aold : 8;
			x->old = svc_xrealloc(x->old, x->aold * sizeof(*x->old));
		}
		c = &x->old[x->nold++];
		memset(c, 0, sizeof(*c));
		c->metric = svc_sla_metric((const char *)
		    sqlite3_column_text(x->clk, 0));
		c->cycle = sqlite3_column_int64(x->clk, 1);
		c->policy = c->own[0] = svc_col_dup(x->clk, 2);
		c->pver = sqlite3_column_int64(x->clk, 3);
		c->calendar = c->own[1] = svc_col_dup(x->clk, 4);
		c->target = sqlite3_column_int64(x->clk, 5);
		c->start = sqlite3_column_int64(x->clk, 6);
		c->stop = svc_col_time(x->clk, 7);
		c->due = svc_col_time(x->clk, 8);
		c->odue = svc_col_time(x->clk, 9);
		c->elapsed = sqlite3_column_int64(x->clk, 10);
		c->paused = sqlite3_column_int64(x->clk, 11);
		s = (const char *)sqlite3_column_text(x->clk, 12);
		snprintf(c->statebuf, sizeof(c->statebuf), "%s", s ? s : "");
		c->state = c->statebuf;
		c->breached = sqlite3_column_int(x->clk, 13);
		c->breached_at = svc_col_time(x->clk, 14);
		c->owner = c->own[2] = svc_col_dup(x->clk, 15);
		c->group = c->own[3] = svc_col_dup(x->clk, 16);
		c->reason = c->own[4] = svc_col_dup(x->clk, 17);
	}
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading SLA clocks");
	return 0;
}

static int
put(struct sla *x, const char *id, const struct clock *c, struct svc_err *e)
{
	struct svc_batch *b = &x->bclk;

	svc_batch_text(b, id);
	svc_batch_static(b, metric_names[c->metric]);
	svc_batch_int(b, c->cycle);
	svc_batch_text(b, c->policy);
	svc_batch_int(b, c->pver);
	svc_batch_text(b, c->calendar);
	svc_batch_int(b, c->target);
	svc_batch_int(b, c->start);
	svc_batch_time(b, c->stop);
	svc_batch_time(b, c->due);
	svc_batch_time(b, c->odue);
	svc_batch_int(b, c->elapsed);
	svc_batch_int(b, c->paused);
	svc_batch_static(b, c->state);
	svc_batch_int(b, c->breached);
	svc_batch_time(b, c->breached_at);
	svc_batch_text(b, c->owner);
	svc_batch_text(b, c->group);
	svc_batch_text(b, c->reason);
	svc_batch_int(b, x->run);
	svc_batch_int(b, x->o->now);
	return svc_batch_row(b, e);
}

/* Note clock c, changed by this run, for the ticket's output row. */
static void
note(struct sla *x, const struct clock *c)
{
	struct outm *m = &x->om[c->metric];

	m->set = 1;
	snprintf(m->state, sizeof(m->state), "%s", c->state);
	m->due = c->due;
	m->rem = c->target - c->elapsed;
}

/* The output row of ticket id: per metric the state, due time and
 * remaining seconds of the clock noted, empty when none was. */
static void
output(struct sla *x, const char *id)
{
	char due[SVC_SLA_NMETRICS][40], rem[SVC_SLA_NMETRICS][32];
	const char *v[1 + 3 * SVC_SLA_NMETRICS];
	int m;

	if (x->o->out == NULL || x->fp)
		return;
	v[0] = id;
	for (m = 0; m < SVC_SLA_NMETRICS; m++) {
		const struct outm *om = &x->om[m];

		v[1 + 3 * m] = v[2 + 3 * m] = v[3 + 3 * m] = NULL;
		if (!om->set)
			continue;
		svc_time_show(om->due, due[m], sizeof(due[m]));
		snprintf(rem[m], sizeof(rem[m]), "%lld", (long long)om->rem);
		v[1 + 3 * m] = om->state;
		v[2 + 3 * m] = om->due >= 0 ? due[m] : NULL;
		v[3 + 3 * m] = rem[m];
	}
	svc_out_row(x->o->out, v, NULL);
}

static struct clock *
find_old(struct sla *x, int m, int64_t cycle)
{
	size_t i;

	for (i = 0; i < x->nold; i++)
		if (x->old[i].metric == m && x->old[i].cycle == cycle)
			return &x->old[i];
	return NULL;
}

static void
explain_clock(struct sla *x, const struct policy *p, const struct clock *c)
{
	char a[40], b[40], d[32];
	size_t i;

	svc_dur_format(p->target, d, sizeof(d));
	svc_time_show(c->start, a, sizeof(a));
	fprintf(x->fp, "  cycle %lld: from %s, target %s %s", (long long)
	    c->cycle, a, d, p->business ? "business" : "calendar");
	if (p->business)
		fprintf(x->fp, " on calendar '%s' (%s)", p->calname,
		    svc_cal_zone(p->cal));
	fputc('\n', x->fp);
	for (i = 0; i < x->ns; i++) {
		svc_time_show(x->s[i].a, a, sizeof(a));
		svc_time_show(x->s[i].b, b, sizeof(b));
		svc_dur_format(x->s[i].w, d, sizeof(d));
		if (x->s[i].paused)
			fprintf(x->fp, "    paused    %s .. %s (status '%s')\n", a,
			    b, x->s[i].status);
		else
			fprintf(x->fp, "    running   %s .. %s %s\n", a, b, d);
	}
}

/* What stopped a cycle, as explain says it after "by". */
static void
explain_why(struct sla *x, int why, const struct cyc *cy)
{
	switch (why) {
	case STOP_STATUS:
		fprintf(x->fp, "status '%s' (category %s) %s", cy->status,
		    svc_status_cat_name(svc_status_find(x->statuses,
		    cy->status)), cy->hist ? "from the status history" :
		    "as of the ticket's updated_at");
		break;
	case STOP_RESOLVED_AT:
		fputs("the ticket's resolved_at", x->fp);
		break;
	case STOP_CLOSED_AT:
		fputs("the ticket's closed_at (it has no resolved_at, and no "
		    "done status before it in the cycle)", x->fp);
		break;
	case STOP_FIRST_RESPONSE_AT:
		fputs("the ticket's first_response_at", x->fp);
		break;
	case STOP_REPLY:
		fputs("a reply in the history", x->fp);
		break;
	case STOP_RESOLUTION:
		fputs("the resolution, whose first cycle was stopped by ",
		    x->fp);
		explain_why(x, cy->rwhy, cy);
		break;
	default:
		fputs("no policy matching any more", x->fp);
		break;
	}
}

/* The outcome of clock c: its due time and state, then when it breached
 * and why, then when it stopped and what stopped it: cycle cy, or no
 * policy matching any more when cy is NULL; only the time when cy stops
 * at another (a clock kept as judged before its cycle moved). */
static void
explain_outcome(struct sla *x, const struct clock *c, const struct cyc *cy)
{
	char a[40], b[40], d[32];

	svc_time_show(c->due, a, sizeof(a));
	svc_time_show(c->odue, b, sizeof(b));
	svc_dur_format(c->elapsed, d, sizeof(d));
	fprintf(x->fp, "    due %s (before pauses %s); %s elapsed (%lld%%), "
	    "%s\n", a, b, d, (long long)(c->target ? c->elapsed * 100 /
	    c->target : 0), c->state);
	if (c->breached) {
		svc_time_show(c->breached_at, a, sizeof(a));
		fprintf(x->fp, "    breached %s: %s\n", a, c->reason);
	}
	if (c->stop >= 0) {
		svc_time_show(c->stop, a, sizeof(a));
		fprintf(x->fp, "    stopped  %s", a);
		if (cy == NULL || cy->stop == c->stop) {
			fputs(" by ", x->fp);
			explain_why(x, cy ? cy->why : STOP_NONE, cy);
		}
		fputc('\n', x->fp);
	}
}

static int
ticket(struct sla *x, struct svc_tk *t, struct svc_err *e)
{
	const char *id = t->s[SVC_F_TICKET_ID];
	int64_t created;
	int m;

	scratch_clear(x);
	if (history(x, t, e) != 0 || stored(x, id, e) != 0)
		return -1;
	if ((created = svc_tk_time(t, SVC_F_CREATED_AT)) < 0 &&
	    (created = svc_tk_time(t, SVC_F_UPDATED_AT)) < 0) {
		if (x->fp)
			fprintf(x->fp, "no clocks: the ticket has no creation "
			    "time\n");
		return 0;
	}
	if (created > x->o->now) {
		if (x->fp)
			fprintf(x->fp, "no clocks: the ticket was created after "
			    "--now\n");
		return 0;
	}
	timeline(x, t, created);
	for (m = 0; m < SVC_SLA_NMETRICS; m++) {
		struct cyc cy[MAXCYC];
		const struct policy *p = NULL;
		struct svc_buf ex = { 0 };
		size_t i, n;

		for (i = 0; i < x->npol; i++) {
			if (x->pol[i].metric != m)
				continue;
			if (x->fp)
				svc_buf_reset(&ex);
			if (svc_cond_eval(x->pol[i].when, svc_tk_get, t,
			    x->fp ? &ex : NULL)) {
				p = &x->pol[i];
				break;
			}
			if (x->fp)
				fprintf(x->fp, "%s: policy %s (order %lld, line %ld) "
				    "does not match\n%s", metric_names[m],
				    x->pol[i].name, (long long)x->pol[i].order,
				    x->pol[i].line, ex.s ? ex.s : "");
		}
		if (x->fp) {
			if (p)
				fprintf(x->fp, "%s: policy %s (order %lld, line %ld) "
				    "matches%s%s\n", metric_names[m], p->name,
				    (long long)p->order, p->line,
				    *p->text ? ": " : " (no condition)",
				    *p->text ? p->text : "");
			else
				fprintf(x->fp, "%s: no policy matches\n",
				    metric_names[m]);
		}
		svc_buf_free(&ex);
		n = cycles(x, t, m, created, cy, MAXCYC);
		for (i = 0; i < n; i++) {
			struct clock *old = find_old(x, m, (int64_t)i + 1), c;

			/* a completed clock stays as judged, unless its cycle
			 * now starts or ends at another time (later history
			 * moved it) or --recompute */
			if (old && old->stop >= 0 && !x->o->recompute &&
			    (p == NULL || (old->start == cy[i].start &&
			    old->stop == cy[i].stop))) {
				if (x->fp) {
					fprintf(x->fp, "  cycle %lld: completed, kept "
					    "as judged by policy %s (version %lld)\n",
					    (long long)old->cycle, old->policy,
					    (long long)old->pver);
					explain_outcome(x, old, &cy[i]);
				}
				x->res->clocks++;
				continue;
			}
			memset(&c, 0, sizeof(c));
			c.metric = m;
			c.cycle = (int64_t)i + 1;
			if (p == NULL) {
				if (old == NULL)
					continue;
				/* no policy applies any more */
				c = *old;
				/* borrowed: old outlives c */
				memset(c.own, 0, sizeof(c.own));
				c.state = "cancelled";
				c.stop = x->o->now;
			} else if (compute(x, t, p, &cy[i], &c, e) != 0) {
				clock_free(&c);
				return -1;
			}
			x->res->clocks++;
			if (x->fp) {
				if (p) {
					explain_clock(x, p, &c);
					if (events(x, id, p, &c, e) != 0) {
						clock_free(&c);
						return -1;
					}
				}
				explain_outcome(x, &c, p ? &cy[i] : NULL);
			} else if (old == NULL || !same(old, &c)) {
				x->fresh = old == NULL;
				x->nseen = 0;
				if (old && p && !str_eq(old->policy, c.policy) &&
				    audit_policy(x, id, old, &c, e) != 0) {
					clock_free(&c);
					return -1;
				}
				if (put(x, id, &c, e) != 0 || (p && events(x, id, p,
				    &c, e) != 0)) {
					clock_free(&c);
					return -1;
				}
				if (p == NULL && event(x, id, &c, "cancelled",
				    c.stop, e) != 0) {
					clock_free(&c);
					return -1;
				}
				x->res->changed++;
				note(x, &c);
			}
			clock_free(&c);
		}
	}
	return 0;
}

static void
start(struct sla *x, struct svc_db *db, const struct svc_sla_opts *o,
    struct svc_sla_result *res)
{
	memset(x, 0, sizeof(*x));
	memset(res, 0, sizeof(*res));
	x->db = db;
	x->o = o;
	x->res = res;
	svc_calset_init(&x->cals, db, o->now);
}

/* Compute the clocks of ticket id; its output row when out.  Returns 1,
 * 0 when there is no such ticket, or -1 with e filled. */
static int
one(struct sla *x, const char *id, int out, struct svc_err *e)
{
	struct svc_tk t;
	int rc;

	memset(&t, 0, sizeof(t));
	scratch_clear(x);
	sqlite3_reset(x->tk);
	sqlite3_bind_text(x->tk, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(x->tk);
	if (rc == SQLITE_DONE) {
		if (out)
			output(x, id);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return svc_db_fail(x->db, rc, e, "reading a ticket");
	svc_tk_load(&t, x->tk, x->cols, x->ncols, x->want_attrs, 0);
	if (out)
		x->res->tickets++;
	if ((rc = ticket(x, &t, e)) == 0 && out)
		output(x, id);
	svc_tk_free(&t);
	return rc < 0 ? -1 : 1;
}

/* The tickets not in ids[0..n) whose clocks time alone moves since the
 * last run (as of p, the greatest --now of the earlier svc-sla runs): a
 * running clock whose due time has come by now, and a ticket with a time
 * (created_at, first_response_at, resolved_at, closed_at, a history row)
 * in (p, now], known now and not then.  So a run on the tickets of a
 * stream leaves the same clocks as a run on all.  No output rows. */
static int
moved(struct sla *x, char *const *ids, size_t n, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	struct svc_keyset given;
	char **due = NULL;
	size_t i, ndue = 0, cap = 0;
	int rc;

	if (svc_db_prepare(x->db, "WITH last(p) AS (SELECT max(started) FROM "
	    "runs WHERE kind = 'sla' AND id <> ?2) "
	    "SELECT ticket_id FROM sla_clocks WHERE state = 'running' AND "
	    "stop IS NULL AND due_at <= ?1 "
	    "UNION SELECT ticket_id FROM tickets, last WHERE p IS NOT NULL AND ("
	    "(created_at > p AND created_at <= ?1) OR "
	    "(first_response_at > p AND first_response_at <= ?1) OR "
	    "(resolved_at > p AND resolved_at <= ?1) OR "
	    "(closed_at > p AND closed_at <= ?1)) "
	    "UNION SELECT ticket_id FROM ticket_events, last WHERE at > p AND "
	    "at <= ?1 ORDER BY 1", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, x->o->now);
	sqlite3_bind_int64(st, 2, x->run);
	svc_keyset_init(&given, 0);
	for (i = 0; i < n; i++)
		svc_keyset_add(&given, ids[i], strlen(ids[i]), 0, NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);

		/* a hash collision only leaves a ticket to the next run */
		if (svc_keyset_add(&given, id, strlen(id), 0, NULL) == 0)
			svc_ids_add(&due, &ndue, &cap, svc_xstrdup(id));
	}
	sqlite3_finalize(st);
	svc_keyset_free(&given);
	if (rc != SQLITE_DONE) {
		svc_ids_free(due, ndue);
		return svc_db_fail(x->db, rc, e, "reading SLA clocks");
	}
	for (i = 0; i < ndue; i++) {
		if (one(x, due[i], 0, e) < 0) {
			svc_ids_free(due, ndue);
			return -1;
		}
		x->res->moved++;
	}
	svc_ids_free(due, ndue);
	return 0;
}

int
svc_sla_run(struct svc_db *db, const struct svc_sla_opts *o,
    char *const *ids, size_t n, struct svc_sla_result *res,
    struct svc_err *e)
{
	struct sla x;
	struct svc_run run;
	size_t i;
	int64_t before;
	int rc = -1;

	start(&x, db, o, res);
	svc_run_init(&run, o->program, o->args, o->actor, "sla", o->now);
	if (svc_db_begin(db, e) != 0)
		return -1;
	if (svc_db_run_insert(db, &run, e) != 0 || load(&x, e) != 0 ||
	    prepare(&x, ids == NULL, e) != 0)
		goto out;
	x.run = res->run = run.id;
	svc_audit_init(&x.audit, db, o->now, o->actor, o->program, run.id);
	if (ids == NULL) {
		while ((rc = sqlite3_step(x.tk)) == SQLITE_ROW) {
			struct svc_tk t;

			memset(&t, 0, sizeof(t));
			svc_tk_load(&t, x.tk, x.cols, x.ncols, x.want_attrs, 0);
			res->tickets++;
			before = res->changed;
			if ((rc = ticket(&x, &t, e)) == 0 && res->changed > before)
				output(&x, t.s[SVC_F_TICKET_ID]);
			svc_tk_free(&t);
			if (rc < 0)
				goto out;
		}
		if (rc != SQLITE_DONE) {
			rc = svc_db_fail(db, rc, e, "reading tickets");
			goto out;
		}
	} else
		for (i = 0; i < n; i++) {
			if ((rc = one(&x, ids[i], 1, e)) < 0)
				goto out;
			if (rc == 0)
				res->missing++;
		}
	if (ids != NULL && (rc = moved(&x, ids, n, e)) != 0)
		goto out;
	if ((rc = svc_batch_flush(&x.bclk, e)) != 0 ||
	    (rc = svc_batch_flush(&x.bev, e)) != 0 ||
	    (rc = svc_audit_flush(&x.audit, e)) != 0)
		goto out;
	res->events += x.bev.changes;
	run.rows_in = run.rows_loaded = res->tickets;
	run.rows_changed = res->changed;
	if ((rc = svc_db_run_counts(db, &run, e)) != 0)
		goto out;
	rc = 0;
out:
	sla_free(&x);
	if (rc != 0 || o->dry_run)
		svc_db_rollback(db);
	else if (svc_db_commit(db, e) != 0)
		rc = -1;
	return rc;
}

int
svc_sla_explain(struct svc_db *db, const struct svc_sla_opts *o,
    const char *id, FILE *fp, struct svc_err *e)
{
	struct sla x;
	struct svc_sla_result res;
	char now[40];
	int rc = -1;

	start(&x, db, o, &res);
	x.fp = fp;
	if (load(&x, e) != 0 || prepare(&x, 0, e) != 0)
		goto out;
	svc_time_format(o->now, now, sizeof(now));
	fprintf(fp, "ticket %s as of %s\n", id, now);
	if ((rc = one(&x, id, 0, e)) == 0)
		rc = svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no ticket '%s'",
		    id);
	else if (rc > 0)
		rc = 0;
out:
	sla_free(&x);
	return rc;
}

/* ---- lint ---- */

struct lintctx {
	FILE *fp;
	const char *file, *hfile;	/* of calendars and of holidays */
	int findings;
};

static void
lint_msg(void *ud, int holiday, const char *msg)
{
	struct lintctx *l = ud;

	fprintf(l->fp, "%s: %s\n", holiday ? l->hfile : l->file, msg);
	l->findings++;
}

int
svc_sla_lint(struct svc_db *db, int64_t now, FILE *fp, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	struct lintctx l;
	struct svc_calset cals;
	char pf[300], cf[300], hf[300];
	int findings = 0, y;
	unsigned mo, d;
	int64_t calver;
	struct svc_err ce;

	if (svc_lint_stored(db, now, "policies", "metric", fp, &findings, e)
	    != 0 || svc_lint_source(db, now, "policies", pf, sizeof(pf), e) ||
	    svc_lint_source(db, now, "calendars", cf, sizeof(cf), e) ||
	    svc_lint_source(db, now, "holidays", hf, sizeof(hf), e))
		return -1;
	svc_calset_init(&cals, db, now);	/* each calendar loaded once */
	/* policies: calendars and warn thresholds */
	if (svc_config_select(db, now, "policies", "policy, line, unit, "
	    "calendar, warn_at", "1", "rowno", &st, e) != 0)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *pol = (const char *)sqlite3_column_text(st, 0);
		long line = (long)sqlite3_column_int64(st, 1);
		const char *unit = (const char *)sqlite3_column_text(st, 2);
		const char *cal = (const char *)sqlite3_column_text(st, 3);
		const char *warn = (const char *)sqlite3_column_text(st, 4);
		int pct[SVC_SLA_MAXWARN], n, k;

		svc_err_clear(&ce);
		if (cal && (unit == NULL || strcmp(unit, "business") == 0) &&
		    svc_calset_get(&cals, cal, &ce) == NULL) {
			fprintf(fp, "%s:%ld: policy %s: calendar '%s' does not "
			    "exist\n", pf, line, pol, cal);
			findings++;
		}
		if (warn && svc_sla_warn(warn, pct, &n) == 0)
			for (k = 0; k < n; k++)
				if (pct[k] >= 100) {
					fprintf(fp, "%s:%ld: policy %s: warn threshold "
					    "%d%% is at or above 100%%\n", pf, line,
					    pol, pct[k]);
					findings++;
				}
	}
	sqlite3_finalize(st);
	/* calendars: working time, overlaps, holidays */
	memset(&l, 0, sizeof(l));
	l.fp = fp;
	l.file = cf;
	l.hfile = hf;
	svc_civil_from_days(now >= 0 ? now / 86400 : (now - 86399) / 86400, &y,
	    &mo, &d);
	if (svc_config_select(db, now, "calendars", "DISTINCT calendar", "1",
	    "calendar", &st, e) != 0)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		struct svc_cal *c;
		int64_t t;

		svc_err_clear(&ce);
		if ((c = svc_calset_get(&cals, name, &ce)) == NULL)
			continue;
		svc_cal_lint(c, y, lint_msg, &l);
		if (svc_cal_next_open(c, now, &t, &ce) != 0) {
			fprintf(fp, "%s: calendar '%s' has no working time (within "
			    "twenty years of --now)\n", cf, name);
			l.findings++;
		}
	}
	sqlite3_finalize(st);
	svc_calset_free(&cals);
	/* holidays of calendars that do not exist */
	if (svc_config_version(db, now, "calendars", &calver, e) != 0 ||
	    svc_config_select(db, now, "holidays", "line, calendar, date",
	    "calendar NOT IN (SELECT calendar FROM calendars WHERE version=?2)",
	    "rowno", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 2, calver);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fprintf(fp, "%s:%lld: holiday %s: calendar '%s' does not "
		    "exist\n", hf, (long long)sqlite3_column_int64(st, 0),
		    sqlite3_column_text(st, 2), sqlite3_column_text(st, 1));
		findings++;
	}
	sqlite3_finalize(st);
	return findings + l.findings;
fail:
	svc_calset_free(&cals);
	return -1;
}
