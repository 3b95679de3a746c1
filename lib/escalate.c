/* escalate.c: escalation of SLA clocks, breach reasons, problems. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "calendar.h"
#include "cond.h"
#include "config.h"
#include "escalate.h"
#include "keyset.h"
#include "map.h"
#include "people.h"
#include "reader.h"
#include "rulelint.h"
#include "sla.h"
#include "ticket.h"
#include "timeutil.h"

/* Clock fields conditions may test, in the order of enum xf. */
static const char *const extra_names[] = { "metric", "state", "elapsed_pct",
    "elapsed", "remaining", "overdue", "due_at", "breached", "paused",
    "cycle", "policy", "age", "unassigned_for", "approval_overdue", NULL };
enum xf { X_METRIC, X_STATE, X_PCT, X_ELAPSED, X_REMAINING, X_OVERDUE,
    X_DUE, X_BREACHED, X_PAUSED, X_CYCLE, X_POLICY, X_AGE, X_UNASSIGNED,
    X_APPROVAL, X_LAST = X_APPROVAL };
static const struct svc_cond_names names = { extra_names };

static const char *const default_reasons[] = { "customer_delay",
    "vendor_delay", "capacity", "misrouted", "knowledge_gap", "defect",
    "process_gap", "other", NULL };

/* The numbers a rule compares one clock field that moves with time with */
struct thr {
	int64_t *v;
	size_t n;
};

struct rule {
	char *name, *notify, *text;
	char *fallback;		/* the rule's last resort: a user or address */
	int64_t order, level, repeat;
	long line;
	int urgent;
	struct svc_cond *when;
	struct thr th[X_LAST + 1];	/* by enum xf */
};

/* A clock as escalation sees it, brought forward to now. */
struct clk {
	char metric[32], state[16];
	char *policy, *calendar, *owner, *group;
	int64_t cycle, target, start, stop, due, elapsed, paused, breached_at,
	    as_of;
	int breached;
	int late;		/* breached since svc-sla's run: owner and group
				 * at breach are the ticket's now */
};

/* A notification already recorded. */
struct note {
	char *metric, *rule, *state, *recipient, *why;
	int64_t level, held_until, reminders, last_sent, fired, sent;
};

/* Who a notification goes to. */
struct who {
	const char *user;	/* NULL for a bare address */
	const char *name, *email, *calendar;
	char why[700];		/* when it cannot be resolved */
	char via[700];		/* when a fallback was reached: whom, and why
				 * the target was not */
};

/* One recipient's go-live digest being put together. */
struct dg {
	char *to;
	struct svc_buf lines;	/* the first DIGEST_LINES */
	int64_t n;
	int old;		/* with notifications of earlier runs */
};

struct esc {
	struct svc_db *db;
	const struct svc_statuses *statuses;	/* in force at now */
	const struct svc_esc_opts *o;
	struct rule *rules;
	size_t nrules;
	struct svc_dir dir;
	struct svc_calset cals;
	int cols[SVC_NFIELDS];
	int ncols, want_attrs;
	sqlite3_stmt *tk, *clk, *notes, *put, *hist, *lastasg, *appr;
	sqlite3_stmt *later;	/* a ticket's changes after now (svc_tk_asof) */
	struct svc_audit audit;
	int tk_rc, clk_rc, notes_rc;
	int *tk_scan, *clk_scan, *notes_scan;	/* &tk_rc ... when tk, clk and
						 * notes are scans in ticket_id
						 * order, merged; else NULL */
	int64_t run;
	struct clk *c;
	size_t nc, ac;
	struct note *n;
	size_t nn, an;
	/* the ticket and clock a condition is evaluated on, as at time at
	 * (now, or the go-live time) */
	struct svc_tk *t;
	const struct clk *cur;
	int64_t at;
	int open;		/* the ticket is open at now */
	char shut[200];		/* else why it is not */
	int64_t go_live;
	int digesting;		/* this is the go-live run: the first at or
				 * after the go-live time */
	struct dg *dg;		/* the digests of this run, by recipient */
	size_t ndg;
	struct svc_keyset dgkeys;	/* recipient -> index in dg */
	int64_t unassigned;	/* -2: not computed yet */
	int64_t appr_due;	/* oldest due pending approval; -2 not yet,
				 * -1 none */
	char num[64];
	struct svc_esc_result *res;
	FILE *fp;		/* explain */
	int failed;
	int need_body;		/* the body is delivered (mail, json) and kept;
				 * else only the subject is */
	/* when to look at the ticket again */
	int64_t wake;		/* the ticket's, NEVER when only a change can
				 * make a rule fire */
	int64_t asg_next;	/* an assignee change after now, or NEVER */
	int only_live;		/* --all: tickets with running or breached
				 * clocks or notifications waiting */
	int full;		/* --all looking at every such ticket */
	struct svc_batch watch;	/* the full pass's wake times */
	sqlite3_stmt *wput, *wdel;
};

#define NEVER INT64_MAX

static void
rules_free(struct esc *x)
{
	size_t i;

	for (i = 0; i < x->nrules; i++) {
		free(x->rules[i].name);
		free(x->rules[i].notify);
		free(x->rules[i].text);
		free(x->rules[i].fallback);
		svc_cond_free(x->rules[i].when);
		for (size_t j = 0; j <= X_LAST; j++)
			free(x->rules[i].th[j].v);
	}
	free(x->rules);
}

static void
scratch_clear(struct esc *x)
{
	size_t i;

	for (i = 0; i < x->nc; i++) {
		free(x->c[i].policy);
		free(x->c[i].calendar);
		free(x->c[i].owner);
		free(x->c[i].group);
	}
	x->nc = 0;
	for (i = 0; i < x->nn; i++) {
		free(x->n[i].metric);
		free(x->n[i].rule);
		free(x->n[i].state);
		free(x->n[i].recipient);
		free(x->n[i].why);
	}
	x->nn = 0;
}

static void
esc_free(struct esc *x)
{
	scratch_clear(x);
	free(x->c);
	free(x->n);
	rules_free(x);
	svc_dir_free(&x->dir);
	svc_calset_free(&x->cals);
	sqlite3_finalize(x->tk);
	sqlite3_finalize(x->later);
	sqlite3_finalize(x->clk);
	sqlite3_finalize(x->notes);
	sqlite3_finalize(x->put);
	sqlite3_finalize(x->hist);
	sqlite3_finalize(x->lastasg);
	sqlite3_finalize(x->appr);
	sqlite3_finalize(x->wput);
	sqlite3_finalize(x->wdel);
	for (size_t i = 0; i < x->ndg; i++) {
		free(x->dg[i].to);
		svc_buf_free(&x->dg[i].lines);
	}
	free(x->dg);
	svc_keyset_free(&x->dgkeys);
	svc_batch_free(&x->watch);
	svc_audit_free(&x->audit);
}

/* A calendar by name; NULL when it does not exist (a clock or a person
 * whose calendar is gone counts as always open). */
static struct svc_cal *
calendar(struct esc *x, const char *name)
{
	struct svc_err ce;

	svc_err_clear(&ce);
	return name ? svc_calset_get(&x->cals, name, &ce) : NULL;
}

#define CLK_COLS "metric, cycle, policy, calendar, target_s, start, stop, " \
	"due_at, business_elapsed_s, paused_s, state, breached, breached_at, " \
	"owner_at_breach, group_at_breach, as_of, ticket_id FROM sla_clocks "
#define NOTE_COLS "metric, rule, level, state, recipient, held_until, " \
	"reminders, last_sent_at, fired_at, why, sent_at, ticket_id FROM " \
	"notifications "

/* A number a rule compares a clock field with (svc_cond_numbers). */
static void
threshold(void *ud, int index, int64_t v)
{
	struct rule *r = ud;
	struct thr *t;

	if (index < 0 || index > X_LAST)
		return;
	t = &r->th[index];
	t->v = svc_xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = v;
}

static int
load(struct esc *x, int all, struct svc_err *e)
{
	static const int need[] = { SVC_F_TICKET_ID, SVC_F_TITLE,
	    SVC_F_CATEGORY, SVC_F_SUBCATEGORY, SVC_F_SERVICE, SVC_F_CUSTOMER,
	    SVC_F_CUSTOMER_TIER, SVC_F_PRIORITY, SVC_F_STATUS,
	    SVC_F_GROUP_NAME, SVC_F_ASSIGNEE, SVC_F_CREATED_AT,
	    SVC_F_RESOLVED_AT, SVC_F_CLOSED_AT, SVC_F_UPDATED_AT };
	unsigned char used[SVC_NFIELDS];
	sqlite3_stmt *st = NULL;
	struct svc_buf sql = { 0 };
	size_t i;
	int f, attrs = 0, rc;

	memset(used, 0, sizeof(used));
	if (svc_db_statuses(x->db, x->o->now, &x->statuses, e) != 0)
		return -1;
	if (svc_config_select(x->db, x->o->now, "escalations", "rule, "
	    "\"order\", line, \"when\", level, notify, urgent, repeat_every, "
	    "fallback",
	    "1", "\"order\", level, rowno", &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rule *r;
		const char *rep;

		x->rules = svc_xrealloc(x->rules, (x->nrules + 1) *
		    sizeof(*x->rules));
		r = &x->rules[x->nrules++];
		memset(r, 0, sizeof(*r));
		r->name = svc_col_dup(st, 0);
		r->order = sqlite3_column_int64(st, 1);
		r->line = (long)sqlite3_column_int64(st, 2);
		r->text = svc_col_dup(st, 3);
		if (r->text == NULL)
			r->text = svc_xstrdup("");
		r->level = sqlite3_column_int64(st, 4);
		r->notify = svc_col_dup(st, 5);
		r->urgent = sqlite3_column_int(st, 6) != 0;
		rep = (const char *)sqlite3_column_text(st, 7);
		if (rep == NULL || svc_sla_target(rep, &r->repeat) != 0)
			r->repeat = 0;
		r->fallback = svc_col_dup(st, 8);
		if ((r->when = svc_cond_parse(r->text, strlen(r->text), &names,
		    e)) == NULL) {
			sqlite3_finalize(st);
			return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "rule "
			    "'%s' (line %ld): %s", r->name, r->line, e->msg);
		}
		svc_cond_refs(r->when, used, SVC_NFIELDS, &attrs);
		svc_cond_numbers(r->when, SVC_CREF_EXTRA, threshold, r);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading escalation rules");
	if (svc_dir_load(x->db, x->o->now, &x->dir, e) != 0)
		return -1;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		used[need[i]] = 1;
	for (f = 0; f < SVC_NFIELDS; f++)
		if (used[f])
			x->cols[x->ncols++] = f;
	x->want_attrs = attrs;
	svc_buf_adds(&sql, "SELECT rowid");
	for (f = 0; f < x->ncols; f++)
		svc_buf_printf(&sql, ", %s", svc_tfields[x->cols[f]].name);
	if (x->want_attrs)
		svc_buf_adds(&sql, ", attrs");
	svc_buf_adds(&sql, all ? ", ticket_id FROM tickets ORDER BY ticket_id" :
	    " FROM tickets WHERE ticket_id=?");
	rc = svc_db_prepare(x->db, sql.s, &x->tk, e);
	svc_buf_free(&sql);
	if (rc != 0 ||
	    svc_db_prepare(x->db, "SELECT field, old FROM ticket_events WHERE "
	    "ticket_id = ?1 AND at > ?2 ORDER BY at DESC, id DESC", &x->later,
	    e) != 0 ||
	    svc_db_prepare(x->db, all ? "SELECT " CLK_COLS "ORDER BY "
	    "ticket_id, metric, cycle" : "SELECT " CLK_COLS "WHERE ticket_id=? "
	    "ORDER BY metric, cycle", &x->clk, e) != 0 ||
	    svc_db_prepare(x->db, all ? "SELECT " NOTE_COLS "WHERE "
	    "metric<>'problem' ORDER BY ticket_id" : "SELECT " NOTE_COLS
	    "WHERE ticket_id=?", &x->notes, e) != 0 ||
	    svc_db_prepare(x->db, "INSERT OR REPLACE INTO notifications("
	    "ticket_id, metric, rule, level, state, notify, recipient, why, "
	    "fired_at, held_until, sent_at, reminders, last_sent_at, subject, "
	    "context, run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &x->put,
	    e) != 0 ||
	    svc_db_prepare(x->db, "SELECT at, field, old, new FROM "
	    "ticket_events WHERE ticket_id=? AND at<=? AND field IN ('status',"
	    "'assignee','group_name','priority') ORDER BY at DESC, id DESC "
	    "LIMIT 6", &x->hist, e) != 0 ||
	    svc_db_prepare(x->db, "SELECT max(at) FILTER (WHERE at<=?2 AND "
	    "(new IS NULL OR new='')), min(at) FILTER (WHERE at>?2) FROM "
	    "ticket_events WHERE ticket_id=?1 AND field='assignee'",
	    &x->lastasg, e) != 0 ||
	    svc_db_prepare(x->db, "SELECT min(due) FROM approvals WHERE "
	    "subject='ticket:' || ?1 AND due IS NOT NULL AND requested_at<=?2 "
	    "AND (state='pending' OR decided_at>?2)", &x->appr, e) != 0 ||
	    svc_db_prepare(x->db, "INSERT OR REPLACE INTO escalation_watch("
	    "ticket_id, wake) VALUES (?,?)", &x->wput, e) != 0 ||
	    svc_db_prepare(x->db, "DELETE FROM escalation_watch WHERE "
	    "ticket_id=?", &x->wdel, e) != 0)
		return -1;
	return 0;
}

/* An audit row of this run; nothing while explaining or with -n. */
static int
audit(struct esc *x, const char *entity, const char *key, const char *field,
    const char *old, const char *new, const char *detail, struct svc_err *e)
{
	if (x->o->dry_run || x->fp)
		return 0;
	return svc_audit(&x->audit, entity, key, field, old, new, detail, e);
}

/* ---- the ticket and its clocks ---- */

/* Bring a clock stored as of as_of forward to now. */
static void
forward(struct esc *x, struct clk *c)
{
	struct svc_cal *cal;

	if (c->stop >= 0 || c->as_of >= x->o->now ||
	    strcmp(c->state, "paused") == 0 || strcmp(c->state, "cancelled") == 0)
		return;
	if ((cal = calendar(x, c->calendar)) != NULL)
		c->elapsed += svc_cal_between(cal, c->as_of, x->o->now);
	if (c->due >= 0 && c->due < x->o->now && !c->breached) {
		c->breached = 1;
		c->breached_at = c->due;
		c->late = 1;
	}
	if (c->breached)
		snprintf(c->state, sizeof(c->state), "breached");
	c->as_of = x->o->now;
}

/* Read the clocks of ticket id (the latest cycle of each metric); *cand
 * is set when one is running or breached. */
static int
clocks(struct esc *x, const char *id, int *cand, struct svc_err *e)
{
	int rc;

	*cand = 0;
	for (rc = svc_rows_first(x->clk, x->clk_scan, id); rc == SQLITE_ROW;
	    rc = svc_rows_next(x->clk, x->clk_scan, id)) {
		const char *m = (const char *)sqlite3_column_text(x->clk, 0);
		struct clk *c;

		/* the latest cycle of each metric */
		if (x->nc > 0 && strcmp(x->c[x->nc - 1].metric, m) == 0) {
			c = &x->c[x->nc - 1];
			free(c->policy);
			free(c->calendar);
			free(c->owner);
			free(c->group);
		} else {
			if (x->nc == x->ac) {
				x->ac = x->ac ? 2 * x->ac : 4;
				x->c = svc_xrealloc(x->c, x->ac * sizeof(*x->c));
			}
			c = &x->c[x->nc++];
		}
		memset(c, 0, sizeof(*c));
		snprintf(c->metric, sizeof(c->metric), "%s", m);
		c->cycle = sqlite3_column_int64(x->clk, 1);
		c->policy = svc_col_dup(x->clk, 2);
		c->calendar = svc_col_dup(x->clk, 3);
		c->target = sqlite3_column_int64(x->clk, 4);
		c->start = sqlite3_column_int64(x->clk, 5);
		c->stop = svc_col_time(x->clk, 6);
		c->due = svc_col_time(x->clk, 7);
		c->elapsed = sqlite3_column_int64(x->clk, 8);
		c->paused = sqlite3_column_int64(x->clk, 9);
		snprintf(c->state, sizeof(c->state), "%s",
		    (const char *)sqlite3_column_text(x->clk, 10));
		c->breached = sqlite3_column_int(x->clk, 11);
		c->breached_at = svc_col_time(x->clk, 12);
		c->owner = svc_col_dup(x->clk, 13);
		c->group = svc_col_dup(x->clk, 14);
		c->as_of = sqlite3_column_int64(x->clk, 15);
		*cand |= c->stop < 0 || c->breached;
	}
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading SLA clocks");
	for (size_t i = 0; i < x->nc; i++)
		forward(x, &x->c[i]);
	return 0;
}

/* Read the notifications of ticket id; *waiting is set when one is held
 * or pending. */
static int
notes(struct esc *x, const char *id, int *waiting, struct svc_err *e)
{
	int rc;

	*waiting = 0;
	for (rc = svc_rows_first(x->notes, x->notes_scan, id); rc == SQLITE_ROW;
	    rc = svc_rows_next(x->notes, x->notes_scan, id)) {
		struct note *n;

		if (x->nn == x->an) {
			x->an = x->an ? 2 * x->an : 4;
			x->n = svc_xrealloc(x->n, x->an * sizeof(*x->n));
		}
		n = &x->n[x->nn++];
		n->metric = svc_col_dup(x->notes, 0);
		n->rule = svc_col_dup(x->notes, 1);
		n->level = sqlite3_column_int64(x->notes, 2);
		n->state = svc_col_dup(x->notes, 3);
		n->recipient = svc_col_dup(x->notes, 4);
		n->held_until = svc_col_time(x->notes, 5);
		n->reminders = sqlite3_column_int64(x->notes, 6);
		n->last_sent = svc_col_time(x->notes, 7);
		n->fired = sqlite3_column_int64(x->notes, 8);
		n->why = svc_col_dup(x->notes, 9);
		n->sent = svc_col_time(x->notes, 10);
		*waiting |= strcmp(n->state, "held") == 0 ||
		    strcmp(n->state, "pending") == 0;
	}
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading notifications");
	return 0;
}

static struct note *
find_note(struct esc *x, const char *metric, const char *rule, int64_t level)
{
	size_t i;

	for (i = 0; i < x->nn; i++)
		if (x->n[i].level == level && strcmp(x->n[i].metric, metric) == 0 &&
		    strcmp(x->n[i].rule, rule) == 0)
			return &x->n[i];
	return NULL;
}

/* ---- when to look at a ticket again ---- */

/* Look at the ticket again at t at the latest. */
static void
soon(struct esc *x, int64_t t)
{
	if (t < x->wake)
		x->wake = t;
}

/* a + b, held within int64_t */
static int64_t
plus(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* The due time of the ticket's oldest approval still pending at now
 * (svc-approve request ticket:ID --due), or -1. */
static int64_t
approval_due(struct esc *x)
{
	if (x->appr_due != -2)
		return x->appr_due;
	x->appr_due = -1;
	sqlite3_reset(x->appr);
	sqlite3_bind_text(x->appr, 1, x->t->s[SVC_F_TICKET_ID], -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(x->appr, 2, x->o->now);
	if (sqlite3_step(x->appr) == SQLITE_ROW &&
	    sqlite3_column_type(x->appr, 0) != SQLITE_NULL)
		x->appr_due = sqlite3_column_int64(x->appr, 0);
	sqlite3_reset(x->appr);
	return x->appr_due;
}

/* Since when the ticket has had no assignee (-1: it has one). */
static int64_t
unassigned_since(struct esc *x)
{
	struct svc_tk *t = x->t;

	if (x->unassigned != -2)
		return x->unassigned;
	x->unassigned = -1;
	x->asg_next = NEVER;
	if (t->v[SVC_F_ASSIGNEE].present)
		return -1;
	x->unassigned = t->v[SVC_F_CREATED_AT].present ?
	    t->v[SVC_F_CREATED_AT].i : x->o->now;
	sqlite3_reset(x->lastasg);
	sqlite3_bind_text(x->lastasg, 1, t->s[SVC_F_TICKET_ID], -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(x->lastasg, 2, x->o->now);
	if (sqlite3_step(x->lastasg) == SQLITE_ROW) {
		if (sqlite3_column_type(x->lastasg, 0) != SQLITE_NULL &&
		    sqlite3_column_int64(x->lastasg, 0) > x->unassigned)
			x->unassigned = sqlite3_column_int64(x->lastasg, 0);
		/* recorded for later: the answer changes then */
		if (sqlite3_column_type(x->lastasg, 1) != SQLITE_NULL)
			x->asg_next = sqlite3_column_int64(x->lastasg, 1);
	}
	sqlite3_reset(x->lastasg);
	return x->unassigned;
}

static void
setnum(struct svc_cval *v, int64_t i)
{
	v->present = 1;
	v->isnum = 1;
	v->i = i;
	v->s = NULL;
}

static void
settext(struct svc_cval *v, const char *s)
{
	v->present = s != NULL;
	v->isnum = 0;
	v->s = s;
	v->n = s ? strlen(s) : 0;
}

/* svc_cond_get over the ticket and the clock being looked at. */
static void
get(void *ud, int kind, int index, const char *key, struct svc_cval *v)
{
	struct esc *x = ud;
	const struct clk *c = x->cur;
	int64_t since;

	if (kind != SVC_CREF_EXTRA) {
		svc_tk_get(x->t, kind, index, key, v);
		return;
	}
	memset(v, 0, sizeof(*v));
	switch (index) {
	case X_METRIC: settext(v, c->metric); break;
	case X_STATE: settext(v, c->state); break;
	case X_PCT:
		if (c->target > 0)
			setnum(v, c->elapsed * 100 / c->target);
		break;
	case X_ELAPSED: setnum(v, c->elapsed); break;
	case X_REMAINING: setnum(v, c->target - c->elapsed); break;
	case X_OVERDUE:
		setnum(v, c->elapsed > c->target ? c->elapsed - c->target : 0);
		break;
	case X_DUE:
		if (c->due >= 0)
			setnum(v, c->due);
		break;
	case X_BREACHED: setnum(v, c->breached); break;
	case X_PAUSED: setnum(v, c->paused); break;
	case X_CYCLE: setnum(v, c->cycle); break;
	case X_POLICY: settext(v, c->policy); break;
	case X_AGE:
		if (x->t->v[SVC_F_CREATED_AT].present)
			setnum(v, x->at - x->t->v[SVC_F_CREATED_AT].i);
		break;
	case X_UNASSIGNED:
		/* as at an earlier time: only the same spell without an
		 * assignee counts */
		if ((since = unassigned_since(x)) >= 0 && since <= x->at)
			setnum(v, x->at - since);
		break;
	case X_APPROVAL:
		if ((since = approval_due(x)) >= 0)
			setnum(v, x->at > since ? x->at - since : 0);
		break;
	default: break;
	}
}

/* The least business elapsed time above c's at which rule r's comparison
 * of elapsed_pct, elapsed, remaining or overdue with a number can change
 * its outcome (where the value reaches the number, and one past it), or
 * NEVER. */
static int64_t
next_elapsed(const struct rule *r, const struct clk *c)
{
	int64_t best = NEVER, at[2];
	size_t i;
	int f, j;

	for (f = X_PCT; f <= X_OVERDUE; f++)
		for (i = 0; i < r->th[f].n; i++) {
			int64_t k = r->th[f].v[i];

			switch (f) {
			case X_PCT:	/* elapsed * 100 / target */
				if (c->target <= 0 || k < 0 ||
				    k >= (INT64_MAX - 100) / 100 / c->target - 1)
					continue;
				at[0] = (k * c->target + 99) / 100;
				at[1] = ((k + 1) * c->target + 99) / 100;
				break;
			case X_ELAPSED:
				at[0] = k;
				at[1] = plus(k, 1);
				break;
			case X_REMAINING:	/* target - elapsed */
				if (k == INT64_MIN)
					continue;
				at[0] = plus(c->target, -k);
				at[1] = plus(at[0], 1);
				break;
			default:	/* overdue: elapsed - target, from 0 */
				at[0] = plus(c->target, k);
				at[1] = plus(at[0], 1);
				break;
			}
			for (j = 0; j < 2; j++)
				if (at[j] > c->elapsed && at[j] < best)
					best = at[j];
		}
	return best;
}

/* The times after now at which age or unassigned_for, counted from
 * from, reach a number in th (and one past it). */
static void
after_now(struct esc *x, int64_t from, const struct thr *th)
{
	size_t i;
	int64_t t;

	for (i = 0; i < th->n; i++) {
		if ((t = plus(from, th->v[i])) > x->o->now)
			soon(x, t);
		if ((t = plus(t, 1)) > x->o->now)
			soon(x, t);
	}
}

#define BIT(f) (1UL << (f))
/* the clock fields that move with time: of any clock, of a running one */
#define MOVES_ALWAYS (BIT(X_AGE) | BIT(X_UNASSIGNED) | BIT(X_APPROVAL))
#define MOVES_RUNNING (MOVES_ALWAYS | BIT(X_STATE) | BIT(X_BREACHED) | \
	BIT(X_PCT) | BIT(X_ELAPSED) | BIT(X_REMAINING) | BIT(X_OVERDUE))

/* When time alone can next change what a rule not yet done for good
 * sees of clock c: its breach, a number reached on its calendar, or age
 * or unassigned_for reaching one. */
static void
clock_wake(struct esc *x, const struct clk *c)
{
	int running = c->stop < 0 && strcmp(c->state, "paused") != 0 &&
	    strcmp(c->state, "cancelled") != 0;
	int64_t need = NEVER, t, since;
	struct svc_cal *cal;
	struct svc_err ce;
	size_t i;

	x->cur = c;
	for (i = 0; i < x->nrules; i++) {
		const struct rule *r = &x->rules[i];
		const struct note *n = find_note(x, c->metric, r->name,
		    r->level);

		/* fired without reminders, skipped, withdrawn or digested:
		 * done for good */
		if (n && (strcmp(n->state, "skipped") == 0 ||
		    strcmp(n->state, "withdrawn") == 0 ||
		    strcmp(n->state, "digest") == 0 ||
		    (r->repeat == 0 && strcmp(n->state, "sent") == 0)))
			continue;
		/* an outcome time cannot change */
		if (svc_cond_eval_fixed(r->when, get, x, running ?
		    MOVES_RUNNING : MOVES_ALWAYS) >= 0)
			continue;
		if (running) {
			if (!c->breached && c->due >= 0)
				soon(x, plus(c->due, 1));
			if ((t = next_elapsed(r, c)) < need)
				need = t;
		}
		if (x->t->v[SVC_F_CREATED_AT].present)
			after_now(x, x->t->v[SVC_F_CREATED_AT].i, &r->th[X_AGE]);
		if (r->th[X_UNASSIGNED].n && (since = unassigned_since(x)) >= 0) {
			after_now(x, since, &r->th[X_UNASSIGNED]);
			soon(x, x->asg_next);
		}
		if (r->th[X_APPROVAL].n && (since = approval_due(x)) >= 0)
			after_now(x, since, &r->th[X_APPROVAL]);
	}
	if (need == NEVER || (cal = calendar(x, c->calendar)) == NULL)
		return;
	svc_err_clear(&ce);
	/* no working time for years: the same seconds of wall time come
	 * no later */
	if (svc_cal_add(cal, c->as_of, need - c->elapsed, &t, &ce) != 0)
		t = plus(c->as_of, need - c->elapsed);
	soon(x, t);
}

/* Record when ticket id is to be looked at again; nothing while
 * explaining or with -n. */
static int
watch(struct esc *x, const char *id, struct svc_err *e)
{
	sqlite3_stmt *st = x->wake == NEVER ? x->wdel : x->wput;
	int rc;

	if (x->o->dry_run || x->fp)
		return 0;
	if (x->full) {
		/* the table was emptied at the start */
		if (x->wake == NEVER)
			return 0;
		svc_batch_text(&x->watch, id);
		svc_batch_int(&x->watch, x->wake);
		return svc_batch_row(&x->watch, e);
	}
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (x->wake != NEVER)
		sqlite3_bind_int64(st, 2, x->wake);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "recording when to look at a "
		    "ticket again");
	return 0;
}

/* ---- who ---- */

static int
reachable(const struct svc_person *p, const char *role, struct who *w)
{
	if (!p->active) {
		snprintf(w->why, sizeof(w->why), "%s '%s' is not active", role,
		    p->user);
		return -1;
	}
	if (p->email == NULL) {
		snprintf(w->why, sizeof(w->why), "%s '%s' has no e-mail in people",
		    role, p->user);
		return -1;
	}
	w->user = p->user;
	w->name = p->name;
	w->email = p->email;
	w->calendar = p->calendar;
	return 0;
}

/* A user or an address named by a role or by the rule. */
static int
named(struct esc *x, const char *s, const char *role, struct who *w)
{
	struct svc_person *p;

	if (strchr(s, '@')) {
		w->user = NULL;
		w->name = NULL;
		w->email = s;
		w->calendar = NULL;
		return 0;
	}
	if ((p = svc_dir_person(&x->dir, s)) == NULL) {
		snprintf(w->why, sizeof(w->why), "%s '%s' is not in people", role,
		    s);
		return -1;
	}
	return reachable(p, role, w);
}

static int
resolve(struct esc *x, const char *notify, struct svc_tk *t, struct who *w)
{
	const char *a = t->s[SVC_F_ASSIGNEE], *g = t->s[SVC_F_GROUP_NAME];
	const struct svc_catent *c;
	struct svc_person *p;
	size_t i;
	int mask;

	memset(w, 0, sizeof(*w));
	if (strcmp(notify, "assignee") == 0) {
		if (a == NULL) {
			snprintf(w->why, sizeof(w->why), "the ticket has no "
			    "assignee");
			return -1;
		}
		return named(x, a, "assignee", w);
	}
	if (strcmp(notify, "manager") == 0) {
		if (a == NULL) {
			snprintf(w->why, sizeof(w->why), "the ticket has no "
			    "assignee, so no manager");
			return -1;
		}
		if ((p = svc_dir_person(&x->dir, a)) == NULL || p->manager == NULL) {
			snprintf(w->why, sizeof(w->why), "assignee '%s' has no "
			    "manager in people", a);
			return -1;
		}
		return named(x, p->manager, "manager", w);
	}
	if (strcmp(notify, "group_lead") == 0) {
		if (g == NULL) {
			snprintf(w->why, sizeof(w->why), "the ticket has no group");
			return -1;
		}
		for (i = 0; i < x->dir.npeople; i++) {
			p = &x->dir.people[i];
			if (p->active && p->email && p->groups &&
			    svc_in_list(p->groups, g) &&
			    (svc_person_has_role(p, "lead") ||
			    svc_person_has_role(p, "group_lead")))
				return reachable(p, "group lead", w);
		}
		snprintf(w->why, sizeof(w->why), "no active person with an e-mail "
		    "and the role lead in group '%s'", g);
		return -1;
	}
	mask = strcmp(notify, "service_owner") == 0 ? SVC_CAT_OWNER :
	    strcmp(notify, "kpi_owner") == 0 ? SVC_CAT_KPI_OWNER :
	    strcmp(notify, "controller") == 0 ? SVC_CAT_CONTROLLER : 0;
	if (mask) {
		const char *v;

		c = svc_dir_catalog(&x->dir, t->s[SVC_F_CATEGORY],
		    t->s[SVC_F_SUBCATEGORY], t->s[SVC_F_SERVICE], mask);
		if (c == NULL) {
			snprintf(w->why, sizeof(w->why), "no catalog entry with a %s "
			    "for category '%s', subcategory '%s', service '%s'",
			    notify, t->s[SVC_F_CATEGORY] ? t->s[SVC_F_CATEGORY] :
			    "", t->s[SVC_F_SUBCATEGORY] ? t->s[SVC_F_SUBCATEGORY] :
			    "", t->s[SVC_F_SERVICE] ? t->s[SVC_F_SERVICE] : "");
			return -1;
		}
		v = mask == SVC_CAT_OWNER ? c->owner : mask == SVC_CAT_KPI_OWNER ?
		    c->kpi_owner : c->controller;
		return named(x, v, notify, w);
	}
	return named(x, notify, "user", w);
}

/* The target of rule r, else the first that can be reached along the
 * fallback chain: the ticket's group lead, the service owner of its
 * catalog entry, the rule's fallback (a user or an address).  w->via
 * then says why the target was not reached and whom the fallback is;
 * when nobody can be, w->why says why for each. */
static int
resolve_chain(struct esc *x, const struct rule *r, struct svc_tk *t,
    struct who *w)
{
	static const char *const step[] = { "group_lead", "service_owner" };
	static const char *const label[] = { "the group lead",
	    "the service owner", "the rule's fallback" };
	char first[700], tried[700];
	struct who f;
	size_t i, len;

	if (resolve(x, r->notify, t, w) == 0)
		return 0;
	snprintf(first, sizeof(first), "%s", w->why);
	len = (size_t)snprintf(tried, sizeof(tried), "%s", w->why);
	for (i = 0; i < 3; i++) {
		const char *what = i < 2 ? step[i] : r->fallback;
		int rc;

		if (len >= sizeof(tried))
			len = sizeof(tried) - 1;
		if (what == NULL) {
			len += (size_t)snprintf(tried + len, sizeof(tried) - len,
			    "; the rule has no fallback");
			continue;
		}
		if (i < 2 && strcmp(what, r->notify) == 0)
			continue;
		memset(&f, 0, sizeof(f));
		rc = i < 2 ? resolve(x, what, t, &f) : named(x, what, "fallback",
		    &f);
		if (rc == 0) {
			*w = f;
			snprintf(w->via, sizeof(w->via), "%.500s: told %s "
			    "instead", first, label[i]);
			return 0;
		}
		len += (size_t)snprintf(tried + len, sizeof(tried) - len,
		    "; %s", f.why);
	}
	snprintf(w->why, sizeof(w->why), "%s", tried);
	return -1;
}

/* ---- the message ---- */

static const char *
tkf(struct esc *x, int f)
{
	const char *s = svc_tk_text(x->t, f, x->num, sizeof(x->num));

	return s ? s : "";
}

static void
clock_line(struct svc_buf *b, const struct clk *c)
{
	char due[48], d[32];

	svc_time_show(c->due, due, sizeof(due));
	svc_buf_printf(b, "  %-15s %-9s due %s", c->metric, c->state, due);
	if (c->stop < 0 && strcmp(c->state, "cancelled") != 0) {
		if (c->elapsed > c->target) {
			svc_dur_format(c->elapsed - c->target, d, sizeof(d));
			svc_buf_printf(b, ", overdue %s", d);
		} else {
			svc_dur_format(c->target - c->elapsed, d, sizeof(d));
			svc_buf_printf(b, ", %s left", d);
		}
	}
	if (c->paused > 0) {
		svc_dur_format(c->paused, d, sizeof(d));
		svc_buf_printf(b, ", paused %s", d);
	}
	svc_buf_addc(b, '\n');
}

/* Subject and (body not NULL) body of a notification of rule r about
 * clock c. */
static void
compose(struct esc *x, const struct rule *r, const struct clk *c,
    const char *via, struct svc_buf *subj, struct svc_buf *body)
{
	char at[48];
	size_t i;
	int rc, k = 0;

	svc_buf_reset(subj);
	if (c->breached)
		svc_buf_printf(subj, "[svc] %s %s breached", tkf(x,
		    SVC_F_TICKET_ID), c->metric);
	else
		svc_buf_printf(subj, "[svc] %s %s at %lld%%", tkf(x,
		    SVC_F_TICKET_ID), c->metric, (long long)(c->target > 0 ?
		    c->elapsed * 100 / c->target : 0));
	if (x->t->s[SVC_F_TITLE])
		svc_buf_printf(subj, ": %.120s", x->t->s[SVC_F_TITLE]);
	if (body == NULL)
		return;
	svc_buf_reset(body);
	svc_buf_printf(body, "Ticket:    %s %s\n", tkf(x, SVC_F_TICKET_ID),
	    tkf(x, SVC_F_TITLE));
	svc_buf_printf(body, "Customer:  %s", tkf(x, SVC_F_CUSTOMER));
	if (x->t->s[SVC_F_CUSTOMER_TIER])
		svc_buf_printf(body, " (%s)", x->t->s[SVC_F_CUSTOMER_TIER]);
	svc_buf_printf(body, "\nPriority:  %s\n", tkf(x, SVC_F_PRIORITY));
	svc_buf_printf(body, "Status:    %s\n", tkf(x, SVC_F_STATUS));
	svc_buf_printf(body, "Owner now: %s (group %s)\n", x->t->s[SVC_F_ASSIGNEE]
	    ? x->t->s[SVC_F_ASSIGNEE] : "nobody", tkf(x, SVC_F_GROUP_NAME));
	if (c->breached) {
		svc_time_show(c->breached_at, at, sizeof(at));
		svc_buf_printf(body, "At breach: %s (group %s), %s\n", c->owner ?
		    c->owner : "nobody", c->group ? c->group : "", at);
	}
	svc_buf_printf(body, "Rule:      %s, level %lld%s%s%s\n", r->name,
	    (long long)r->level, via ? " (" : "", via ? via : "", via ? ")" :
	    "");
	svc_buf_adds(body, "\nSLA:\n");
	for (i = 0; i < x->nc; i++)
		clock_line(body, &x->c[i]);
	svc_buf_adds(body, "\nLast changes (what was already tried):\n");
	sqlite3_reset(x->hist);
	sqlite3_bind_text(x->hist, 1, tkf(x, SVC_F_TICKET_ID), -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(x->hist, 2, x->o->now);
	while ((rc = sqlite3_step(x->hist)) == SQLITE_ROW) {
		const char *o = (const char *)sqlite3_column_text(x->hist, 2);
		const char *n = (const char *)sqlite3_column_text(x->hist, 3);
		const char *f = (const char *)sqlite3_column_text(x->hist, 1);

		svc_time_show(sqlite3_column_int64(x->hist, 0), at, sizeof(at));
		svc_buf_printf(body, "  %s  %s: %s -> %s\n", at, f, o ? o : "(none)",
		    n ? n : "(none)");
		k++;
	}
	sqlite3_reset(x->hist);
	if (k == 0)
		svc_buf_adds(body, "  (none recorded)\n");
	svc_buf_printf(body, "\nMore: svc-sla --explain %s\n", tkf(x,
	    SVC_F_TICKET_ID));
}

/* ---- delivery ---- */

/* A header value on one line: CR and LF (header injection) become
 * spaces, and text with bytes beyond ASCII is an RFC 2047 encoded word. */
static void
header_text(struct svc_buf *m, const char *s, int quoted)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p;
	size_t n = strlen(s), i;
	int wide = 0;

	for (p = (const unsigned char *)s; *p; p++)
		wide |= *p >= 0x80;
	if (!wide) {
		if (quoted)
			svc_buf_addc(m, '"');
		for (i = 0; i < n; i++) {
			char ch = s[i] == '\r' || s[i] == '\n' ? ' ' : s[i];

			if (quoted && (ch == '"' || ch == '\\'))
				svc_buf_addc(m, '\\');
			svc_buf_addc(m, ch);
		}
		if (quoted)
			svc_buf_addc(m, '"');
		return;
	}
	svc_buf_adds(m, "=?UTF-8?B?");
	p = (const unsigned char *)s;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)(p[i] == '\r' || p[i] == '\n' ? ' ' :
		    p[i]) << 16;
		size_t k = n - i;

		if (k > 1)
			v |= (unsigned)(p[i + 1] == '\r' || p[i + 1] == '\n' ? ' ' :
			    p[i + 1]) << 8;
		if (k > 2)
			v |= p[i + 2] == '\r' || p[i + 2] == '\n' ? ' ' : p[i + 2];
		svc_buf_addc(m, b64[v >> 18 & 63]);
		svc_buf_addc(m, b64[v >> 12 & 63]);
		svc_buf_addc(m, k > 1 ? b64[v >> 6 & 63] : '=');
		svc_buf_addc(m, k > 2 ? b64[v & 63] : '=');
	}
	svc_buf_adds(m, "?=");
}

static void
message(const struct who *w, const char *subj, const char *body,
    int64_t now, struct svc_buf *m)
{
	char date[64];
	struct tm tm;
	time_t t = (time_t)now;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	svc_buf_reset(m);
	svc_buf_adds(m, "From: svc-escalate\nTo: ");
	if (w->name) {
		header_text(m, w->name, 1);
		svc_buf_addc(m, ' ');
	}
	svc_buf_addc(m, '<');
	header_text(m, w->email, 0);
	svc_buf_adds(m, ">\nSubject: ");
	header_text(m, subj, 0);
	svc_buf_printf(m, "\nDate: %s\n", date);
	svc_buf_adds(m, "MIME-Version: 1.0\nContent-Type: text/plain; "
	    "charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n");
	svc_buf_adds(m, body);
}

static int
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
to_maildir(const char *dir, const char *key, const struct svc_buf *m,
    char *why, size_t nwhy)
{
	static unsigned long seq;
	char tmp[4200], dst[4200];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	mkdir(dir, 0700);
	mkdir(tmp, 0700);
	snprintf(dst, sizeof(dst), "%s/new", dir);
	mkdir(dst, 0700);
	snprintf(tmp, sizeof(tmp), "%s/cur", dir);
	mkdir(tmp, 0700);
	snprintf(tmp, sizeof(tmp), "%s/tmp/%ld.%lu.%s", dir, (long)getpid(),
	    ++seq, key);
	snprintf(dst, sizeof(dst), "%s/new/%ld.%lu.%s", dir, (long)getpid(),
	    seq, key);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(why, nwhy, "%.300s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write_all(fd, m->s, m->len) != 0 || fsync(fd) != 0) {
		snprintf(why, nwhy, "%.300s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, dst) != 0) {
		snprintf(why, nwhy, "%.300s: %s", dst, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
to_command(const char *cmd, const struct svc_buf *m, char *why, size_t nwhy)
{
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	FILE *p = popen(cmd, "w");
	int st, werr;

	if (p == NULL) {
		signal(SIGPIPE, old);
		snprintf(why, nwhy, "cannot run '%s': %s", cmd, strerror(errno));
		return -1;
	}
	werr = fwrite(m->s, 1, m->len, p) != m->len;
	if (fflush(p) != 0)
		werr = 1;
	st = pclose(p);
	signal(SIGPIPE, old);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || werr) {
		if (st != -1 && WIFEXITED(st))
			snprintf(why, nwhy, "'%s' exited with status %d", cmd,
			    WEXITSTATUS(st));
		else
			snprintf(why, nwhy, "'%s' failed", cmd);
		return -1;
	}
	return 0;
}

/* Deliver the notification (id, metric, rule, level), or with level 0
 * the go-live digest to w; 0 when it went out. */
static int
deliver(struct esc *x, const char *id, const char *metric,
    const char *rule, int64_t level, const struct who *w,
    const char *subj, const char *body)
{
	struct svc_buf m = { 0 };
	char why[600], key[200], lv[24];
	int rc = 0;
	size_t i;

	if (x->o->dry_run || (x->o->maildir == NULL && x->o->sendmail == NULL))
		goto stream;
	message(w, subj, body, x->o->now, &m);
	if (level > 0)
		snprintf(key, sizeof(key), "%s.%s.%s.%lld", id, metric, rule,
		    (long long)level);
	else
		snprintf(key, sizeof(key), "digest.%s.%lld", w->email,
		    (long long)x->run);
	for (i = 0; key[i]; i++)
		if (key[i] == '/' || key[i] == ':' || key[i] == ' ')
			key[i] = '_';
	why[0] = '\0';
	if (x->o->maildir)
		rc = to_maildir(x->o->maildir, key, &m, why, sizeof(why));
	if (rc == 0 && x->o->sendmail)
		rc = to_command(x->o->sendmail, &m, why, sizeof(why));
	svc_buf_free(&m);
	if (rc != 0) {
		if (level > 0)
			svc_warn("%s %s rule %s level %lld to %s: not delivered: "
			    "%s", id, metric, rule, (long long)level, w->email,
			    why);
		else
			svc_warn("go-live digest to %s: not delivered: %s",
			    w->email, why);
		x->res->failed++;
		return -1;
	}
stream:
	if (x->o->out) {
		const char *v[7];

		if (level > 0)
			snprintf(lv, sizeof(lv), "%lld", (long long)level);
		else
			lv[0] = '\0';
		v[0] = id;
		v[1] = metric;
		v[2] = lv;
		v[3] = rule;
		v[4] = w->email;
		v[5] = subj;
		v[6] = body;
		svc_out_row(x->o->out, v, NULL);
	}
	return 0;
}

/* Keep what was recorded for this ticket in memory too, so that a level
 * fired in place of a skipped one is not fired again by its own rule in
 * the same run. */
static void
remember(struct esc *x, const char *metric, const char *rule, int64_t level,
    const char *state, const char *to, int64_t fired)
{
	struct note *n = find_note(x, metric, rule, level);

	if (n == NULL) {
		if (x->nn == x->an) {
			x->an = x->an ? 2 * x->an : 4;
			x->n = svc_xrealloc(x->n, x->an * sizeof(*x->n));
		}
		n = &x->n[x->nn++];
		memset(n, 0, sizeof(*n));
		n->metric = svc_xstrdup(metric);
		n->rule = svc_xstrdup(rule);
		n->level = level;
		n->held_until = n->last_sent = n->sent = -1;
	}
	free(n->state);
	n->state = svc_xstrdup(state);
	if (to && n->recipient != to) {
		free(n->recipient);
		n->recipient = svc_xstrdup(to);
	}
	n->fired = fired;
}

/* When w can be told: now, or the next opening of their calendar. */
static int64_t
when_open(struct esc *x, const struct rule *r, const struct who *w)
{
	struct svc_cal *cal;
	struct svc_err ce;
	int64_t t;

	if (r->urgent || w->calendar == NULL ||
	    (cal = calendar(x, w->calendar)) == NULL ||
	    svc_cal_open(cal, x->o->now))
		return x->o->now;
	svc_err_clear(&ce);
	if (svc_cal_next_open(cal, x->o->now, &t, &ce) != 0)
		return x->o->now;
	return t;
}

static void
note_key(char *key, size_t n, const char *id, const char *metric,
    const char *rule, int64_t level)
{
	snprintf(key, n, "%s/%s/%s/%lld", id, metric, rule, (long long)level);
}

/* A notification's new state. */
struct rec {
	const char *state;	/* sent, held, pending, skipped, withdrawn or
				 * digest */
	const char *to, *why, *subj, *body;
	int64_t held_until;	/* -1 unless held */
};

static void
bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t >= 0)
		sqlite3_bind_int64(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

/* Record v for (id, metric, r, level), recorded as prev before (NULL:
 * new), in the table, in memory and in the audit: it keeps its first
 * firing and first delivery times, and a "sent" after "sent" is a
 * reminder. */
static int
put(struct esc *x, const char *id, const char *metric, const struct rule *r,
    int64_t level, const struct note *prev, const struct rec *v,
    struct svc_err *e)
{
	sqlite3_stmt *st = x->put;
	int sent = strcmp(v->state, "sent") == 0;
	int reminder = sent && prev && strcmp(prev->state, "sent") == 0;
	int64_t now = x->o->now, fired = prev ? prev->fired : now;
	/* a digested one is taken as sent with its digest at the end of
	 * the run (digest_send puts it back when that fails) */
	int64_t first = prev && prev->sent >= 0 ? prev->sent : sent ||
	    strcmp(v->state, "digest") == 0 ? now : -1;
	int64_t reminders = (prev ? prev->reminders : 0) + reminder;
	int64_t last = sent ? now : prev ? prev->last_sent : -1;
	char key[400], old[24], new[24], until[48], detail[400];
	int rc;

	note_key(key, sizeof(key), id, metric, r->name, level);
	snprintf(old, sizeof(old), "%lld", (long long)(reminders - 1));
	snprintf(new, sizeof(new), "%lld", (long long)reminders);
	if (v->held_until >= 0) {
		svc_time_show(v->held_until, until, sizeof(until));
		snprintf(detail, sizeof(detail), "%s until %s", v->to, until);
	} else
		snprintf(detail, sizeof(detail), "%s", v->why ? v->why :
		    v->to ? v->to : "");
	if (audit(x, "notification", key, reminder ? "reminders" : "state",
	    reminder ? old : prev ? prev->state : NULL, reminder ? new :
	    v->state, detail, e) != 0)
		return -1;
	if (x->t)
		remember(x, metric, r->name, level, v->state, v->to, fired);
	if (x->o->dry_run || x->fp)
		return 0;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, level);
	sqlite3_bind_text(st, 5, v->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->notify, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, v->to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, v->why, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, fired);
	bind_time(st, 10, v->held_until);
	bind_time(st, 11, first);
	sqlite3_bind_int64(st, 12, reminders);
	bind_time(st, 13, last);
	sqlite3_bind_text(st, 14, v->subj, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 15, v->body, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 16, x->run);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "recording a notification");
	return 0;
}

/* Tell w now, or (hold) wait for their working hours; record what
 * happened.  prev is the notification as recorded before (NULL: new); a
 * "sent" one is repeated as a reminder, which waits but is never held
 * or left pending. */
static int
dispatch(struct esc *x, const char *id, const char *metric,
    const struct rule *r, int64_t level, const struct note *prev,
    const struct who *w, int hold, const char *subj, const char *body,
    struct svc_err *e)
{
	int reminder = prev && strcmp(prev->state, "sent") == 0;
	int64_t open = hold ? when_open(x, r, w) : x->o->now;
	struct rec v;
	char until[48];

	memset(&v, 0, sizeof(v));
	v.to = w->email;
	v.why = w->via[0] ? w->via : NULL;
	v.subj = subj;
	v.body = body;
	v.held_until = -1;
	if (open > x->o->now) {
		svc_time_show(open, until, sizeof(until));
		soon(x, open);
		if (reminder) {
			if (x->fp)
				fprintf(x->fp, "    reminder due, waiting for %s's "
				    "working hours (%s)\n", w->email, until);
			return 0;
		}
		if (x->fp)
			fprintf(x->fp, "    would be held for %s until %s (calendar "
			    "%s is closed)\n", w->email, until, w->calendar);
		v.state = "held";
		v.held_until = open;
		x->res->held++;
		return put(x, id, metric, r, level, prev, &v, e);
	}
	v.state = "sent";
	if (x->fp) {
		fprintf(x->fp, "    would be sent to %s now%s%s%s\n", w->email,
		    reminder ? " (a reminder)" : prev ? " (was " : "",
		    prev && !reminder ? prev->state : "", prev && !reminder ?
		    ")" : "");
		return put(x, id, metric, r, level, prev, &v, e);
	}
	if (r->repeat > 0)
		soon(x, plus(x->o->now, r->repeat));
	if (deliver(x, id, metric, r->name, level, w, subj, body) != 0) {
		soon(x, x->o->now);	/* tried again next run */
		if (reminder || (prev && strcmp(prev->state, "pending") == 0))
			return 0;
		v.state = "pending";
		v.why = "delivery failed";
		return put(x, id, metric, r, level, prev, &v, e);
	}
	if (reminder)
		x->res->reminders++;
	else
		x->res->sent++;
	return put(x, id, metric, r, level, prev, &v, e);
}

/* The rule's next level above r (same name), or NULL. */
static const struct rule *
next_level(struct esc *x, const struct rule *r)
{
	const struct rule *best = NULL;
	size_t i;

	for (i = 0; i < x->nrules; i++) {
		const struct rule *q = &x->rules[i];

		if (strcmp(q->name, r->name) == 0 && q->level > r->level &&
		    (best == NULL || q->level < best->level))
			best = q;
	}
	return best;
}

/* A go-live digest lists this many notifications, then counts the rest. */
#define DIGEST_LINES 200

/* Add a digested notification to its recipient's digest of this run. */
static void
dg_add(struct esc *x, const char *to, const char *subj, const char *rule,
    int64_t level, int old)
{
	struct dg *d = NULL;
	uint32_t k;
	size_t i;

	if (svc_keyset_add(&x->dgkeys, to, strlen(to), (uint32_t)x->ndg, &k)) {
		if (k < x->ndg && strcmp(x->dg[k].to, to) == 0)
			d = &x->dg[k];
		else	/* two addresses with one hash */
			for (i = 0; i < x->ndg && d == NULL; i++)
				if (strcmp(x->dg[i].to, to) == 0)
					d = &x->dg[i];
	}
	if (d == NULL) {
		x->dg = svc_xrealloc(x->dg, (x->ndg + 1) * sizeof(*x->dg));
		d = &x->dg[x->ndg++];
		memset(d, 0, sizeof(*d));
		d->to = svc_xstrdup(to);
	}
	if (d->n++ < DIGEST_LINES)
		svc_buf_printf(&d->lines, "  %s\n    (rule %s, level %lld)\n",
		    subj ? subj : "", rule, (long long)level);
	d->old |= old;
}

static int
dg_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dg *)a)->to, ((const struct dg *)b)->to);
}

/* The digest of d: sent (its notifications of earlier runs then marked
 * sent), or when it fails, its notifications of this run marked unsent
 * again, for the next run. */
static int
digest_send(struct esc *x, struct dg *d, sqlite3_stmt *ok, sqlite3_stmt *ko,
    struct svc_err *e)
{
	struct svc_buf subj = { 0 }, body = { 0 };
	sqlite3_stmt *st;
	struct who w;
	char at[48], key[400];
	size_t i;
	int rc;

	memset(&w, 0, sizeof(w));
	w.email = d->to;
	for (i = 0; i < x->dir.npeople; i++)
		if (x->dir.people[i].email &&
		    strcasecmp(x->dir.people[i].email, d->to) == 0) {
			w.name = x->dir.people[i].name;
			break;
		}
	svc_time_show(x->go_live, at, sizeof(at));
	svc_buf_printf(&subj, "[svc] go-live digest: %lld notification%s "
	    "already due", (long long)d->n, d->n == 1 ? "" : "s");
	svc_buf_printf(&body, "Go-live:   %s\n\nEscalation went live at this "
	    "time.  What had already crossed a\nrule by then, on tickets "
	    "still open, is listed here once instead of\nbeing sent one by "
	    "one; what crosses later comes as it happens.\n\n%s", at,
	    d->lines.s ? d->lines.s : "");
	if (d->n > DIGEST_LINES)
		svc_buf_printf(&body, "  ... and %lld more\n",
		    (long long)(d->n - DIGEST_LINES));
	svc_buf_adds(&body, "\nMore: svc-escalate --explain TICKET\n");
	rc = deliver(x, "", "digest", "go-live", 0, &w, subj.s, body.s);
	svc_buf_free(&subj);
	svc_buf_free(&body);
	if (rc == 0) {
		x->res->digests++;
		snprintf(key, sizeof(key), "digest:%s", d->to);
		snprintf(at, sizeof(at), "%lld", (long long)d->n);
		if (audit(x, "notification", key, "state", NULL, "sent", at,
		    e) != 0)
			return -1;
	}
	if (x->o->dry_run || (rc == 0 && !d->old))
		return 0;
	/* tried again next run */
	st = rc == 0 ? ok : ko;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, rc == 0 ? x->o->now : x->run);
	sqlite3_bind_text(st, 2, d->to, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "recording a digest");
	return 0;
}

/* Send each recipient of notifications digested in this run, or in an
 * earlier one whose digest was not delivered, one message listing them
 * all (once now is at or past go-live). */
static int
digests(struct esc *x, struct svc_err *e)
{
	sqlite3_stmt *st = NULL, *ok = NULL, *ko = NULL;
	size_t i;
	int rc;

	if (x->o->now < x->go_live)
		return 0;
	if (svc_db_prepare(x->db, "SELECT recipient, subject, rule, level "
	    "FROM notifications WHERE state='digest' AND sent_at IS NULL AND "
	    "recipient IS NOT NULL ORDER BY recipient, ticket_id, metric, rule, "
	    "level", &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		dg_add(x, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_int64(st, 3), 1);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading digested notifications");
	if (x->ndg == 0)
		return 0;
	qsort(x->dg, x->ndg, sizeof(*x->dg), dg_cmp);
	if (svc_db_prepare(x->db, "UPDATE notifications SET sent_at=?1 WHERE "
	    "state='digest' AND sent_at IS NULL AND recipient=?2", &ok, e) != 0 ||
	    svc_db_prepare(x->db, "UPDATE notifications SET sent_at=NULL WHERE "
	    "state='digest' AND run=?1 AND recipient=?2", &ko, e) != 0)
		rc = -1;
	for (i = 0, rc = rc < 0 ? -1 : 0; i < x->ndg && rc == 0; i++)
		rc = digest_send(x, &x->dg[i], ok, ko, e);
	sqlite3_finalize(ok);
	sqlite3_finalize(ko);
	return rc;
}

/* Fire rule r for clock c, to w (reached along the fallback chain when
 * w->via says so). */
static int
fire(struct esc *x, const char *id, const struct clk *c, const struct rule *r,
    const struct who *w, struct svc_err *e)
{
	struct svc_buf subj = { 0 }, body = { 0 };
	int rc;

	compose(x, r, c, w->via[0] ? w->via : NULL, &subj, x->need_body ?
	    &body : NULL);
	rc = dispatch(x, id, c->metric, r, r->level, NULL, w, 1, subj.s, body.s,
	    e);
	svc_buf_free(&subj);
	svc_buf_free(&body);
	return rc;
}

/* Record that rule r's level cannot reach anyone, and why. */
static int
skip(struct esc *x, const char *id, const char *metric, const struct rule *r,
    const char *why, struct svc_err *e)
{
	struct rec v;

	memset(&v, 0, sizeof(v));
	v.state = "skipped";
	v.why = why;
	v.held_until = -1;
	x->res->skipped++;
	return put(x, id, metric, r, r->level, NULL, &v, e);
}

/* Record rule r's notification for clock c, to w, for the go-live digest
 * (sent with the others of its recipient at the end of the run). */
static int
digest(struct esc *x, const char *id, const struct clk *c,
    const struct rule *r, const struct who *w, struct svc_err *e)
{
	struct svc_buf subj = { 0 };
	struct rec v;
	char at[48];
	int rc;

	compose(x, r, c, NULL, &subj, NULL);
	if (x->fp) {
		svc_time_show(x->go_live, at, sizeof(at));
		fprintf(x->fp, "    held by go-live (%s): would go into the "
		    "go-live digest for %s\n", at, w->email);
	}
	memset(&v, 0, sizeof(v));
	v.state = "digest";
	v.to = w->email;
	v.why = w->via[0] ? w->via : NULL;
	v.subj = subj.s;
	v.held_until = -1;
	x->res->digested++;
	rc = put(x, id, c->metric, r, r->level, NULL, &v, e);
	if (rc == 0 && !x->fp)
		dg_add(x, w->email, subj.s, r->name, r->level, 0);
	svc_buf_free(&subj);
	return rc;
}

/* A held or pending notification n that is not to go out after all. */
static int
withdraw(struct esc *x, const char *id, const char *metric,
    const struct rule *r, const struct note *n, const char *why,
    struct svc_err *e)
{
	struct rec v;

	if (x->fp)
		fprintf(x->fp, "    %s for %s, would be withdrawn: %s\n", n->state,
		    n->recipient ? n->recipient : "", why);
	memset(&v, 0, sizeof(v));
	v.state = "withdrawn";
	v.to = n->recipient;
	v.why = why;
	v.held_until = -1;
	x->res->withdrawn++;
	return put(x, id, metric, r, n->level, n, &v, e);
}

/* Why rule r does not hold now: the last comparison it tried. */
static void
failing(struct esc *x, const struct rule *r, char *buf, size_t n)
{
	struct svc_buf ex = { 0 };
	const char *s, *p;
	size_t len;

	svc_cond_eval(r->when, get, x, &ex);
	s = ex.s ? ex.s : "";
	len = strlen(s);
	while (len > 0 && s[len - 1] == '\n')
		len--;
	for (p = s + len; p > s && p[-1] != '\n'; p--)
		;
	while (*p == ' ')
		p++;
	snprintf(buf, n, "the rule no longer holds: %.*s",
	    (int)(len - (size_t)(p - s)), p);
	svc_buf_free(&ex);
}

/* Does rule r hold for clock c as at the go-live time (before now)?  The
 * clock is taken back to then on its calendar (pauses since are not
 * undone); the ticket's fields are those of now. */
static int
held_at_go_live(struct esc *x, const struct rule *r, const struct clk *c)
{
	int64_t g = x->go_live, end = c->stop >= 0 ? c->stop : x->o->now;
	const struct svc_cval *cr = &x->t->v[SVC_F_CREATED_AT];
	struct svc_cal *cal;
	struct clk b = *c;
	int m;

	if (c->start > g || (cr->present && cr->i > g))
		return 0;
	if (g < end && strcmp(c->state, "paused") != 0 &&
	    strcmp(c->state, "cancelled") != 0 &&
	    (cal = calendar(x, c->calendar)) != NULL) {
		b.elapsed -= svc_cal_between(cal, g, end);
		if (b.elapsed < 0)
			b.elapsed = 0;
	}
	b.breached = c->breached && c->breached_at >= 0 && c->breached_at <= g;
	if (c->stop < 0 || c->stop > g) {
		b.stop = -1;
		snprintf(b.state, sizeof(b.state), "%s", b.breached ? "breached" :
		    strcmp(c->state, "paused") == 0 ? "paused" : "running");
	}
	x->cur = &b;
	x->at = g;
	m = svc_cond_eval(r->when, get, x, NULL);
	x->cur = c;
	x->at = x->o->now;
	return m;
}

/* A recorded notification: held or pending ones go out if their rule
 * still holds on an open ticket (else they are withdrawn), a sent one
 * is repeated when a reminder is due; the others are done. */
static int
follow_up(struct esc *x, const char *id, const struct clk *c,
    const struct rule *r, struct note *n, int matches, struct svc_err *e)
{
	struct svc_buf subj = { 0 }, body = { 0 };
	struct who w;
	int held = strcmp(n->state, "held") == 0, rc;
	int waiting = held || strcmp(n->state, "pending") == 0;
	int remind = strcmp(n->state, "sent") == 0 && r->repeat > 0 &&
	    matches && x->open && n->last_sent >= 0;
	char at[48], why[400];

	if (waiting && !x->open)
		return withdraw(x, id, c->metric, r, n, x->shut, e);
	if (remind && plus(n->last_sent, r->repeat) > x->o->now)
		soon(x, plus(n->last_sent, r->repeat));
	if (held && n->held_until > x->o->now) {
		soon(x, n->held_until);
		if (x->fp) {
			svc_time_show(n->held_until, at, sizeof(at));
			fprintf(x->fp, "    held for %s until %s\n", n->recipient, at);
		}
		x->res->held++;
		return 0;
	}
	if (!waiting && !(remind && x->o->now >= n->last_sent + r->repeat)) {
		if (x->fp) {
			svc_time_show(n->fired, at, sizeof(at));
			if (strcmp(n->state, "skipped") == 0) {
				fprintf(x->fp, "    already done: skipped at %s: %s\n",
				    at, n->why ? n->why : "");
				if (next_level(x, r))
					fprintf(x->fp, "    (the next level fires only "
					    "when its own condition holds)\n");
			} else if (strcmp(n->state, "withdrawn") == 0)
				fprintf(x->fp, "    already done: withdrawn, fired at "
				    "%s: %s\n", at, n->why ? n->why : "");
			else if (strcmp(n->state, "digest") == 0)
				fprintf(x->fp, "    already done: in the go-live digest "
				    "for %s%s\n", n->recipient ? n->recipient : "",
				    n->sent >= 0 ? "" : " (not sent yet)");
			else
				fprintf(x->fp, "    already done: sent to %s at %s%s\n",
				    n->recipient ? n->recipient : "", at,
				    n->reminders ? " (with reminders)" : "");
		}
		return 0;
	}
	if (waiting && !matches) {
		failing(x, r, why, sizeof(why));
		return withdraw(x, id, c->metric, r, n, why, e);
	}
	if (resolve_chain(x, r, x->t, &w) != 0) {
		/* the target went away since: keep the recorded address */
		memset(&w, 0, sizeof(w));
		if ((w.email = n->recipient) == NULL)
			return 0;
	}
	compose(x, r, c, w.via[0] ? w.via : NULL, &subj, x->need_body ? &body :
	    NULL);
	if (strcmp(n->state, "sent") == 0) {
		struct svc_buf s2 = { 0 };

		svc_buf_printf(&s2, "Reminder: %s", subj.s);
		svc_buf_free(&subj);
		subj = s2;
	}
	/* a held one whose time has come goes now */
	rc = dispatch(x, id, c->metric, r, n->level, n, &w, !held, subj.s,
	    body.s, e);
	svc_buf_free(&subj);
	svc_buf_free(&body);
	return rc;
}

static int
escalate_clock(struct esc *x, const char *id, const struct clk *c,
    struct svc_err *e)
{
	size_t i;

	x->cur = c;
	for (i = 0; i < x->nrules; i++) {
		const struct rule *r = &x->rules[i];
		struct svc_buf ex = { 0 };
		struct note *n = find_note(x, c->metric, r->name, r->level);
		int m = svc_cond_eval(r->when, get, x, x->fp ? &ex : NULL);
		struct who w;
		char at[48];

		if (x->fp) {
			fprintf(x->fp, "%s: rule %s level %lld (line %ld) %s%s%s\n",
			    c->metric, r->name, (long long)r->level, r->line,
			    m ? "matches" : "does not match", *r->text ? ": " :
			    " (no condition)", r->text);
			if (!m && ex.s)
				fprintf(x->fp, "%s", ex.s);
		}
		svc_buf_free(&ex);
		if (n) {
			if (follow_up(x, id, c, r, n, m, e) != 0)
				return -1;
			continue;
		}
		if (!m || !x->open)
			continue;
		if (x->o->now < x->go_live) {
			/* looked at again then */
			soon(x, x->go_live);
			if (x->fp) {
				svc_time_show(x->go_live, at, sizeof(at));
				fprintf(x->fp, "    waits for go-live at %s\n", at);
			}
			continue;
		}
		/* a level fires on its own condition only: when nobody can
		 * be reached it is skipped, and the next level waits for
		 * its own */
		if (resolve_chain(x, r, x->t, &w) != 0) {
			if (x->fp)
				fprintf(x->fp, "    level %lld skipped: %s\n%s",
				    (long long)r->level, w.why, next_level(x, r) ?
				    "    (the next level fires only when its own "
				    "condition holds)\n" : "");
			if (skip(x, id, c->metric, r, w.why, e) != 0)
				return -1;
			continue;
		}
		if (x->fp && w.via[0])
			fprintf(x->fp, "    %s: %s\n", w.email, w.via);
		if (x->digesting && (x->o->now == x->go_live ||
		    held_at_go_live(x, r, c))) {
			if (digest(x, id, c, r, &w, e) != 0)
				return -1;
		} else if (fire(x, id, c, r, &w, e) != 0)
			return -1;
	}
	return 0;
}

/* Is the ticket x->t open at now?  Else x->shut says why not. */
static int
ticket_open(struct esc *x)
{
	const struct svc_tk *t = x->t;
	int64_t r = svc_tk_time(t, SVC_F_RESOLVED_AT);
	int64_t c = svc_tk_time(t, SVC_F_CLOSED_AT);
	int res = r >= 0 && r <= x->o->now, clo = c >= 0 && c <= x->o->now;
	char at[48];

	x->shut[0] = '\0';
	if (svc_ticket_open(x->statuses, t->s[SVC_F_STATUS], t->attrs, r, c,
	    svc_tk_time(t, SVC_F_UPDATED_AT), x->o->now))
		return 1;
	if (res || clo) {
		svc_time_show(res ? r : c, at, sizeof(at));
		snprintf(x->shut, sizeof(x->shut), "the ticket was %s at %s",
		    res ? "resolved" : "closed", at);
	} else
		snprintf(x->shut, sizeof(x->shut), "the ticket's status '%.100s' "
		    "is not open", t->s[SVC_F_STATUS] ? t->s[SVC_F_STATUS] : "");
	return 0;
}

/* Escalate ticket id: 1, 0 when there is no such ticket (or, in a scan,
 * nothing to look at), -1 on error. */
static int
one_ticket(struct esc *x, const char *id, struct svc_err *e)
{
	struct svc_tk t;
	size_t i;
	int rc, cand, waiting;

	memset(&t, 0, sizeof(t));
	scratch_clear(x);
	x->wake = NEVER;
	if (clocks(x, id, &cand, e) != 0 || notes(x, id, &waiting, e) != 0)
		return -1;
	/* with --all: only tickets where something may still happen */
	if (x->only_live && !cand && !waiting)
		return x->tk_scan ? 0 : watch(x, id, e);
	rc = svc_rows_first(x->tk, x->tk_scan, id);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return svc_db_fail(x->db, rc, e, "reading a ticket");
	/* a scan's row stays put while the ticket is worked on */
	svc_tk_load(&t, x->tk, x->cols, x->ncols, x->want_attrs,
	    x->tk_scan == NULL);
	if (x->tk_scan == NULL)
		sqlite3_reset(x->tk);
	/* a row written after now changed it: the ticket as it stood then */
	if (svc_tk_time(&t, SVC_F_UPDATED_AT) > x->o->now &&
	    (rc = svc_tk_asof(&t, x->later, id, x->o->now)) != 0) {
		svc_tk_free(&t);
		return svc_db_fail(x->db, rc, e, "reading a ticket's history");
	}
	x->t = &t;
	x->unassigned = -2;
	x->appr_due = -2;
	x->asg_next = NEVER;
	x->at = x->o->now;
	x->res->tickets++;
	x->open = ticket_open(x);
	if (x->fp && !x->open)
		fprintf(x->fp, "not open at --now (%s): nothing is sent or held\n",
		    x->shut);
	rc = 0;
	for (i = 0; i < x->nc; i++)
		if (x->c[i].late && x->c[i].owner == NULL && x->c[i].group == NULL) {
			x->c[i].owner = t.s[SVC_F_ASSIGNEE] ?
			    svc_xstrdup(t.s[SVC_F_ASSIGNEE]) : NULL;
			x->c[i].group = t.s[SVC_F_GROUP_NAME] ?
			    svc_xstrdup(t.s[SVC_F_GROUP_NAME]) : NULL;
		}
	if (rc == 0 && x->fp && x->nc == 0)
		fprintf(x->fp, "no SLA clocks (run svc-sla first)\n");
	for (i = 0; rc == 0 && i < x->nc; i++)
		rc = escalate_clock(x, id, &x->c[i], e);
	if (rc == 0 && (cand || waiting) && x->open)
		for (i = 0; i < x->nc; i++)
			clock_wake(x, &x->c[i]);
	if (rc == 0)
		rc = watch(x, id, e);
	svc_tk_free(&t);
	x->t = NULL;
	return rc < 0 ? -1 : 1;
}

/* ---- problems ---- */

/* A new problem's service owner is told as notification problem:ID. */
static const struct rule problem_rule = { .name = "problem",
    .notify = "service_owner", .text = "", .level = 1 };

int
svc_esc_key(struct svc_esc_opts *o, const char *s, struct svc_err *e)
{
	char word[64];
	const char *p = s;

	o->nkey = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		int f;

		if (n == 0 || n >= sizeof(word))
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--key: "
			    "'%s' is not a list of ticket fields", s);
		memcpy(word, p, n);
		word[n] = '\0';
		if ((f = svc_field_find(word)) < 0 || f >= SVC_NFIELDS)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--key: "
			    "'%s' is not a ticket field", word);
		if (o->nkey == SVC_ESC_MAXKEY)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--key: "
			    "at most %d fields", SVC_ESC_MAXKEY);
		o->key[o->nkey++] = f;
		p += n;
		if (*p == ',')
			p++;
	}
	if (o->nkey == 0)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--key: no "
		    "fields given");
	return 0;
}

/* The key of the current row as JSON array text ([] fields from column
 * first on); NULL when every field is empty. */
static char *
key_text(sqlite3_stmt *st, int first, int n)
{
	struct svc_buf b = { 0 };
	int k, any = 0;

	svc_buf_addc(&b, '[');
	for (k = 0; k < n; k++) {
		const char *s = (const char *)sqlite3_column_text(st, first + k);

		if (k)
			svc_buf_addc(&b, ',');
		if (s == NULL || *s == '\0') {
			svc_buf_adds(&b, "null");
			continue;
		}
		any = 1;
		svc_buf_addc(&b, '"');
		for (; *s; s++) {
			if (*s == '"' || *s == '\\')
				svc_buf_addc(&b, '\\');
			if ((unsigned char)*s < 0x20)
				svc_buf_printf(&b, "\\u%04x", (unsigned char)*s);
			else
				svc_buf_addc(&b, *s);
		}
		svc_buf_addc(&b, '"');
	}
	svc_buf_addc(&b, ']');
	if (!any) {
		svc_buf_free(&b);
		return NULL;
	}
	return b.s;
}

struct ptk {
	char *id;
	int64_t at, prio;
};

struct group {
	char *key;
	char *cat, *sub, *svc;		/* of the first ticket, for the owner */
	struct ptk *t;
	size_t n, a;
};

static void
group_clear(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->t[i].id);
	free(g->key);
	free(g->cat);
	free(g->sub);
	free(g->svc);
	g->key = g->cat = g->sub = g->svc = NULL;
	g->n = 0;
}

/* The problem of one key: opened (or found open), tickets linked. */
static int
problem_group(struct esc *x, struct group *g, sqlite3_stmt *find,
    sqlite3_stmt *ins, sqlite3_stmt *link, sqlite3_stmt *upd,
    struct svc_err *e)
{
	const struct svc_esc_opts *o = x->o;
	int64_t pid = -1, after = -1, first = -1, linked = 0;
	size_t i, lo = 0, from = 0;
	int rc, isnew = 0;
	char pk[40];

	/* an open problem of this key, or the end of the last closed one */
	sqlite3_reset(find);
	sqlite3_bind_text(find, 1, g->key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(find)) == SQLITE_ROW) {
		const char *st = (const char *)sqlite3_column_text(find, 1);

		if (strcmp(st, "closed") != 0 && strcmp(st, "resolved") != 0) {
			pid = sqlite3_column_int64(find, 0);
			first = sqlite3_column_int64(find, 2);
		} else if (sqlite3_column_int64(find, 3) > after)
			after = sqlite3_column_int64(find, 3);
	}
	sqlite3_reset(find);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading problems");
	if (pid < 0) {
		/* the first ticket at which N fall within the window, or one
		 * of priority 1 */
		size_t hit = g->n;

		for (i = 0; i < g->n; i++) {
			if (g->t[i].at <= after)
				continue;
			if (lo < i && g->t[lo].at <= after)
				lo = i;
			while (g->t[lo].at < g->t[i].at - o->window)
				lo++;
			if ((int64_t)(i - lo + 1) >= o->min_tickets ||
			    g->t[i].prio == 1) {
				hit = i;
				break;
			}
		}
		if (hit == g->n)
			return 0;
		from = (int64_t)(hit - lo + 1) >= o->min_tickets ? lo : hit;
		first = g->t[from].at;
		if (o->dry_run || x->fp) {
			x->res->problems_new++;
			x->res->problems_linked += (int64_t)(g->n - from);
			return 0;
		}
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, g->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, first);
		sqlite3_bind_int64(ins, 3, o->now);
		sqlite3_bind_text(ins, 4, o->actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 5, x->run);
		if ((rc = sqlite3_step(ins)) != SQLITE_DONE)
			return svc_db_fail(x->db, rc, e, "opening a problem");
		pid = sqlite3_last_insert_rowid(x->db->h);
		isnew = 1;
		x->res->problems_new++;
		snprintf(pk, sizeof(pk), "%lld", (long long)pid);
		if (audit(x, "problem", pk, "state", NULL, "new", g->key, e) != 0)
			return -1;
	} else {
		for (from = 0; from < g->n && g->t[from].at < first; from++)
			;
	}
	if (o->dry_run)
		return 0;
	for (i = from; i < g->n; i++) {
		sqlite3_reset(link);
		sqlite3_bind_int64(link, 1, pid);
		sqlite3_bind_text(link, 2, g->t[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(link, 3, o->now);
		sqlite3_bind_int64(link, 4, x->run);
		if ((rc = sqlite3_step(link)) != SQLITE_DONE)
			return svc_db_fail(x->db, rc, e, "linking a ticket to a "
			    "problem");
		linked += sqlite3_changes(x->db->h);
	}
	x->res->problems_linked += linked;
	if (linked == 0 && !isnew)
		return 0;
	sqlite3_reset(upd);
	sqlite3_bind_int64(upd, 1, pid);
	if ((rc = sqlite3_step(upd)) != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "counting a problem's tickets");
	if (isnew) {
		/* tell the service owner, once */
		const struct rule *pr = &problem_rule;
		struct svc_buf subj = { 0 }, body = { 0 };
		struct svc_tk t;
		struct who w;
		char id[48], a[48], b[48];

		memset(&t, 0, sizeof(t));
		svc_tk_put(&t, SVC_F_CATEGORY, g->cat, 0);
		svc_tk_put(&t, SVC_F_SUBCATEGORY, g->sub, 0);
		svc_tk_put(&t, SVC_F_SERVICE, g->svc, 0);
		snprintf(id, sizeof(id), "problem:%lld", (long long)pid);
		if (resolve(x, pr->notify, &t, &w) != 0)
			rc = skip(x, id, "problem", pr, w.why, e);
		else {
			svc_time_show(first, a, sizeof(a));
			svc_time_show(g->t[g->n - 1].at, b, sizeof(b));
			svc_buf_printf(&subj, "[svc] new problem %lld: %s",
			    (long long)pid, g->key);
			svc_buf_printf(&body, "Problem:   %lld\nKey:       %s\n"
			    "Tickets:   %zu (first seen %s, last %s)\n\nMore: "
			    "svc-escalate --problems\n", (long long)pid, g->key,
			    g->n - from, a, b);
			rc = dispatch(x, id, "problem", pr, 1, NULL, &w, 1, subj.s,
			    body.s, e);
		}
		svc_buf_free(&subj);
		svc_buf_free(&body);
		svc_tk_free(&t);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Problem notifications held or pending from earlier runs. */
static int
problem_follow_up(struct esc *x, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (svc_db_prepare(x->db, "SELECT ticket_id, recipient, subject, "
	    "context, state, fired_at, held_until FROM notifications WHERE "
	    "metric='problem' AND recipient IS NOT NULL AND (state='pending' OR "
	    "(state='held' AND held_until<=?))", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, x->o->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct note n;
		struct who w;
		char *id = svc_col_dup(st, 0), *subj = svc_col_dup(st, 2);
		char *body = svc_col_dup(st, 3);

		memset(&n, 0, sizeof(n));
		n.recipient = svc_col_dup(st, 1);
		n.state = svc_col_dup(st, 4);
		n.fired = sqlite3_column_int64(st, 5);
		n.held_until = svc_col_time(st, 6);
		n.sent = n.last_sent = -1;
		memset(&w, 0, sizeof(w));
		w.email = n.recipient;
		rc = dispatch(x, id, "problem", &problem_rule, 1, &n, &w,
		    strcmp(n.state, "held") != 0, subj ? subj : "", body, e);
		free(id);
		free(subj);
		free(body);
		free(n.recipient);
		free(n.state);
		if (rc != 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading problem notifications");
	return 0;
}

static int
problems(struct esc *x, struct svc_err *e)
{
	const struct svc_esc_opts *o = x->o;
	sqlite3_stmt *st = NULL, *find = NULL, *ins = NULL, *link = NULL,
	    *upd = NULL;
	struct svc_buf sql = { 0 };
	struct group g;
	int k, rc = -1, step;

	memset(&g, 0, sizeof(g));
	svc_buf_adds(&sql, "SELECT ticket_id, created_at, priority, category, "
	    "subcategory, service");
	for (k = 0; k < o->nkey; k++)
		svc_buf_printf(&sql, ", %s", svc_tfields[o->key[k]].name);
	/* tickets linked before stay linked: only the others are looked at
	 * (a key's open problem takes them; a key without one counts them) */
	svc_buf_adds(&sql, " FROM tickets t WHERE created_at IS NOT NULL AND "
	    "created_at<=? AND NOT EXISTS (SELECT 1 FROM problem_tickets p "
	    "WHERE p.ticket_id=t.ticket_id) ORDER BY ");
	for (k = 0; k < o->nkey; k++)
		svc_buf_printf(&sql, "%s, ", svc_tfields[o->key[k]].name);
	svc_buf_adds(&sql, "created_at, ticket_id");
	if (svc_db_prepare(x->db, sql.s, &st, e) != 0 ||
	    svc_db_prepare(x->db, "SELECT id, state, first_seen, last_seen FROM "
	    "problems WHERE key=?", &find, e) != 0 ||
	    svc_db_prepare(x->db, "INSERT INTO problems(key, first_seen, "
	    "last_seen, tickets, state, opened_at, opened_by, run, key_fields) "
	    "VALUES (?1, ?2, ?2, 0, 'new', ?3, ?4, ?5, ?6)", &ins, e) != 0 ||
	    svc_db_prepare(x->db, "INSERT OR IGNORE INTO problem_tickets("
	    "problem_id, ticket_id, linked_at, run) VALUES (?,?,?,?)", &link,
	    e) != 0 ||
	    svc_db_prepare(x->db, "UPDATE problems SET tickets=(SELECT count(*) "
	    "FROM problem_tickets WHERE problem_id=?1), last_seen=(SELECT "
	    "max(t.created_at) FROM problem_tickets p JOIN tickets t USING "
	    "(ticket_id) WHERE p.problem_id=?1) WHERE id=?1", &upd, e) != 0)
		goto out;
	/* the key's field names, for a measure's segment (ins keeps it
	 * across resets) */
	svc_buf_reset(&sql);
	for (k = 0; k < o->nkey; k++)
		svc_buf_printf(&sql, "%s%s", k ? "," : "",
		    svc_tfields[o->key[k]].name);
	sqlite3_bind_text(ins, 6, sql.s, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 1, o->now);
	for (;;) {
		char *key = NULL;

		step = sqlite3_step(st);
		if (step == SQLITE_ROW)
			key = key_text(st, 6, o->nkey);
		if (step != SQLITE_ROW || key == NULL || g.key == NULL ||
		    strcmp(key, g.key) != 0) {
			if (g.key && problem_group(x, &g, find, ins, link, upd,
			    e) != 0) {
				free(key);
				goto out;
			}
			group_clear(&g);
		}
		if (step != SQLITE_ROW)
			break;
		if (key == NULL)
			continue;
		if (g.key == NULL) {
			g.key = key;
			g.cat = svc_col_dup(st, 3);
			g.sub = svc_col_dup(st, 4);
			g.svc = svc_col_dup(st, 5);
		} else
			free(key);
		if (g.n == g.a) {
			g.a = g.a ? 2 * g.a : 16;
			g.t = svc_xrealloc(g.t, g.a * sizeof(*g.t));
		}
		g.t[g.n].id = svc_col_dup(st, 0);
		g.t[g.n].at = sqlite3_column_int64(st, 1);
		g.t[g.n].prio = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(st, 2);
		g.n++;
	}
	if (step != SQLITE_DONE) {
		svc_db_fail(x->db, step, e, "reading tickets for problems");
		goto out;
	}
	rc = x->fp || o->dry_run ? 0 : problem_follow_up(x, e);
out:
	group_clear(&g);
	free(g.t);
	svc_buf_free(&sql);
	sqlite3_finalize(st);
	sqlite3_finalize(find);
	sqlite3_finalize(ins);
	sqlite3_finalize(link);
	sqlite3_finalize(upd);
	return rc;
}

/* ---- which tickets a run with --all looks at ---- */

/* What the last run with --all left: its run, --now, the versions of the
 * configuration it used and how many tickets its last full pass looked
 * at. */
struct mark {
	int have;
	int64_t run, now, tickets;
	char config[256];
};

/* The versions of the configuration escalation reads, valid at now. */
static int
config_sig(struct esc *x, char *buf, size_t n, struct svc_err *e)
{
	static const char *const kinds[] = { "escalations", "people",
	    "catalog", "calendars", "holidays" };
	size_t i, len = 0;
	int64_t v;

	buf[0] = '\0';
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (svc_config_version(x->db, x->o->now, kinds[i], &v, e) != 0)
			return -1;
		len += (size_t)snprintf(buf + len, n - len, "%s%s=%lld",
		    i ? " " : "", kinds[i], (long long)v);
		if (len >= n)
			len = n - 1;
	}
	return 0;
}

static int
mark_read(struct esc *x, struct mark *m, struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc, got = 0;

	memset(m, 0, sizeof(*m));
	if (svc_db_prepare(x->db, "SELECT key, value FROM escalation_state",
	    &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		if (strcmp(k, "run") == 0)
			m->run = sqlite3_column_int64(st, 1), got |= 1;
		else if (strcmp(k, "now") == 0)
			m->now = sqlite3_column_int64(st, 1), got |= 2;
		else if (strcmp(k, "tickets") == 0)
			m->tickets = sqlite3_column_int64(st, 1), got |= 4;
		else if (strcmp(k, "config") == 0 &&
		    sqlite3_column_text(st, 1)) {
			snprintf(m->config, sizeof(m->config), "%s",
			    (const char *)sqlite3_column_text(st, 1));
			got |= 8;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading escalation_state");
	m->have = got == 15;
	return 0;
}

static int
mark_write(struct esc *x, const struct mark *m, struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (svc_db_prepare(x->db, "INSERT OR REPLACE INTO escalation_state("
	    "key, value) VALUES ('run', ?1), ('now', ?2), ('tickets', ?3), "
	    "('config', ?4)", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, m->run);
	sqlite3_bind_int64(st, 2, m->now);
	sqlite3_bind_int64(st, 3, m->tickets);
	sqlite3_bind_text(st, 4, m->config, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "writing escalation_state");
	return 0;
}

/* Kinds of run (runs.kind) whose writes escalation does not read, or
 * reads only through the configuration versions it compares. */
static int
kind_ignored(const char *k)
{
	static const char *const ign[] = { "escalate", "ack", "people",
	    "catalog", "priority", "routing", "classify", "calendars",
	    "holidays", "policies", "escalations", "reasons", NULL };
	size_t i;

	for (i = 0; ign[i]; i++)
		if (strcmp(k, ign[i]) == 0)
			return 1;
	return 0;
}

/* The tickets a run with --all looks at again (sorted, unique) into
 * *ids, or x->full set to look at every ticket (see svc_esc_run). */
static int
plan(struct esc *x, const struct mark *m, const char *config, char ***ids,
    size_t *nids, struct svc_err *e)
{
	struct svc_buf sql = { 0 };
	sqlite3_stmt *st;
	int rc, events = 0, clocks = 0;
	size_t a = 0;

	*ids = NULL;
	*nids = 0;
	x->full = 1;
	if (x->o->full || !m->have || x->o->now < m->now ||
	    strcmp(m->config, config) != 0)
		return 0;
	if (svc_db_prepare(x->db, "SELECT kind, rows_changed + rows_new FROM "
	    "runs WHERE id>?", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, m->run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		if (k == NULL)
			break;
		if (kind_ignored(k))
			continue;
		if (strcmp(k, "route") == 0 || strcmp(k, "tickets") == 0 ||
		    strcmp(k, "events") == 0)
			events = 1;	/* every change is a ticket event */
		else if (strcmp(k, "sla") == 0)
			clocks |= sqlite3_column_int64(st, 1) > 0;
		else
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;	/* a writer this does not know of */
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading runs");
	svc_buf_adds(&sql, "SELECT ticket_id FROM escalation_watch WHERE "
	    "wake<=?1");
	if (events)
		svc_buf_adds(&sql, " UNION SELECT ticket_id FROM ticket_events "
		    "WHERE run>?2");
	if (clocks)
		svc_buf_adds(&sql, " UNION SELECT ticket_id FROM sla_clocks "
		    "WHERE run>?2");
	rc = svc_db_prepare(x->db, sql.s, &st, e);
	svc_buf_free(&sql);
	if (rc != 0)
		return -1;
	sqlite3_bind_int64(st, 1, x->o->now);
	if (events || clocks)
		sqlite3_bind_int64(st, 2, m->run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		svc_ids_add(ids, nids, &a, svc_col_dup(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		svc_ids_free(*ids, *nids);
		*ids = NULL;
		*nids = 0;
		return svc_db_fail(x->db, rc, e, "reading tickets to look at");
	}
	/* one by one costs about five times a ticket of a full pass */
	if (*nids > 1000 && (int64_t)*nids * 5 > m->tickets) {
		svc_ids_free(*ids, *nids);
		*ids = NULL;
		*nids = 0;
		return 0;
	}
	x->full = 0;
	return 0;
}

/* ---- go-live ---- */

/* The go-live time into x->go_live: --go-live's (recorded), else the
 * recorded one, else the first notification's (a database escalated
 * before go-live existed), else now (recorded: this is the first run).
 * x->digesting is set on the go-live run: the first at or after that
 * time (recorded as go_live_run; a new time starts over).  Recorded
 * only when write is set. */
static int
go_live(struct esc *x, int write, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int64_t g = -1, old = -1, grun = -1;
	char a[24], b[24];
	int rc;

	if (svc_db_prepare(x->db, "SELECT key, value FROM escalation_state "
	    "WHERE key IN ('go_live', 'go_live_run')", &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_type(st, 1) == SQLITE_INTEGER) {
			if (strcmp((const char *)sqlite3_column_text(st, 0),
			    "go_live") == 0)
				g = old = sqlite3_column_int64(st, 1);
			else
				grun = sqlite3_column_int64(st, 1);
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "reading the go-live time");
	if (x->o->go_live > 0)
		g = x->o->go_live;
	else if (g < 0) {
		if (svc_db_prepare(x->db, "SELECT min(fired_at) FROM "
		    "notifications WHERE metric<>'problem'", &st, e) != 0)
			return -1;
		if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			g = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return svc_db_fail(x->db, rc, e, "reading notifications");
		if (g < 0 || g > x->o->now)
			g = x->o->now;
	}
	x->go_live = x->res->go_live = g;
	if (g != old)
		grun = -1;
	x->digesting = x->o->now >= g && grun < 0;
	if (!write || x->o->dry_run || (g == old && !x->digesting))
		return 0;
	if (svc_db_prepare(x->db, "INSERT OR REPLACE INTO escalation_state("
	    "key, value) VALUES ('go_live', ?1), ('go_live_run', ?2)", &st,
	    e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, g);
	if (x->digesting)
		sqlite3_bind_int64(st, 2, x->run);
	else
		sqlite3_bind_null(st, 2);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(x->db, rc, e, "recording the go-live time");
	snprintf(a, sizeof(a), "%lld", (long long)old);
	snprintf(b, sizeof(b), "%lld", (long long)g);
	if (g == old)
		return 0;
	return audit(x, "escalation", "go_live", "value", old >= 0 ? a : NULL,
	    b, NULL, e);
}

/* ---- runs ---- */

static void
start(struct esc *x, struct svc_db *db, const struct svc_esc_opts *o,
    struct svc_esc_result *res)
{
	memset(x, 0, sizeof(*x));
	memset(res, 0, sizeof(*res));
	x->db = db;
	x->o = o;
	x->res = res;
	x->at = o->now;
	x->go_live = INT64_MIN;
	svc_keyset_init(&x->dgkeys, 1);
	svc_calset_init(&x->cals, db, o->now);
}

/* Every ticket with running or breached clocks, or notifications
 * waiting: the clocks scan leads; tickets and notifications follow. */
static int
full_pass(struct esc *x, struct svc_err *e)
{
	int rc;

	if (!x->o->dry_run && svc_db_exec(x->db, "DELETE FROM "
	    "escalation_watch", e) != 0)
		return -1;
	svc_batch_init(&x->watch, x->db, "INSERT OR FAIL INTO "
	    "escalation_watch(ticket_id, wake) VALUES ", "(?,?)",
	    "recording when to look at tickets again");
	x->tk_scan = &x->tk_rc;
	x->clk_scan = &x->clk_rc;
	x->notes_scan = &x->notes_rc;
	x->tk_rc = sqlite3_step(x->tk);
	x->notes_rc = sqlite3_step(x->notes);
	x->clk_rc = sqlite3_step(x->clk);
	while (x->clk_rc == SQLITE_ROW) {
		char *id = svc_col_dup(x->clk, 16);

		rc = one_ticket(x, id ? id : "", e);
		free(id);
		if (rc < 0)
			return -1;
	}
	if (x->clk_rc != SQLITE_DONE)
		return svc_db_fail(x->db, x->clk_rc, e, "reading clocks");
	return svc_batch_flush(&x->watch, e);
}

/* With --all: every held notification, not only those looked at. */
static int
count_held(struct esc *x, struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (svc_db_prepare(x->db, "SELECT count(*) FROM notifications WHERE "
	    "state='held' AND metric<>'problem'", &st, e) != 0)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		x->res->held = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return svc_db_fail(x->db, rc, e, "counting held notifications");
	return 0;
}

int
svc_esc_run(struct svc_db *db, const struct svc_esc_opts *o,
    char *const *ids, size_t n, struct svc_esc_result *res,
    struct svc_err *e)
{
	struct esc x;
	struct svc_run run;
	struct mark m;
	char **due = NULL;
	size_t i, ndue = 0;
	int rc = -1, all = ids == NULL && !o->problems_only;

	start(&x, db, o, res);
	svc_run_init(&run, o->program, o->args, o->actor, "escalate", o->now);
	if (svc_db_begin(db, e) != 0)
		return -1;
	x.need_body = o->with_body || o->maildir || o->sendmail;
	if (svc_db_run_insert(db, &run, e) != 0)
		goto out;
	x.run = res->run = run.id;
	svc_audit_init(&x.audit, db, o->now, o->actor, o->program, run.id);
	if (!o->problems_only && go_live(&x, 1, e) != 0)
		goto out;
	if (all) {
		char config[sizeof(m.config)];
		size_t len;

		if (mark_read(&x, &m, e) != 0 ||
		    config_sig(&x, config, sizeof(config), e) != 0)
			goto out;
		/* a new go-live time: every ticket again */
		len = strlen(config);
		snprintf(config + len, sizeof(config) - len, " go_live=%lld",
		    (long long)x.go_live);
		if (plan(&x, &m, config, &due, &ndue, e) != 0)
			goto out;
		memcpy(m.config, config, sizeof(m.config));
		x.only_live = 1;
		res->full = x.full;
	}
	if (load(&x, all && x.full, e) != 0)
		goto out;
	if (x.nrules == 0 && !o->problems_only &&
	    svc_config_unvalid(db, o->now, "escalations", e) != 0)
		goto out;
	if (x.nrules == 0 && !o->problems_only) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no escalation rules "
		    "valid at --now (load them with svc-import --kind "
		    "escalations)");
		goto out;
	}
	if (o->problems_only)
		rc = problems(&x, e);
	else if (all && x.full)
		rc = full_pass(&x, e);
	else if (all) {
		for (i = 0, rc = 0; i < ndue && rc >= 0; i++)
			rc = one_ticket(&x, due[i], e);
	} else {
		/* a ticket on several rows (one per clock, one per event)
		 * is looked at once */
		struct svc_keyset seen;
		uint32_t first;

		svc_keyset_init(&seen, 1);
		for (i = 0, rc = 0; i < n && rc >= 0; i++) {
			if (svc_keyset_add(&seen, ids[i], strlen(ids[i]),
			    (uint32_t)i, &first) && strcmp(ids[first], ids[i]) == 0)
				continue;
			if ((rc = one_ticket(&x, ids[i], e)) == 0)
				res->missing++;
		}
		svc_keyset_free(&seen);
	}
	if (rc >= 0 && !o->problems_only)
		rc = digests(&x, e);
	if (rc < 0)
		goto out;
	if (all) {
		/* what the next run starts from */
		m.run = run.id;
		m.now = o->now;
		if (x.full)
			m.tickets = res->tickets;
		if (count_held(&x, e) != 0 || (!o->dry_run &&
		    mark_write(&x, &m, e) != 0))
			goto out;
	}
	run.rows_in = run.rows_loaded = res->tickets;
	run.rows_changed = res->sent + res->held + res->skipped +
	    res->reminders + res->withdrawn + res->digested;
	if ((rc = svc_audit_flush(&x.audit, e)) != 0 ||
	    (rc = svc_db_run_counts(db, &run, e)) != 0)
		goto out;
	rc = 0;
out:
	svc_ids_free(due, ndue);
	esc_free(&x);
	if (rc < 0 || o->dry_run)
		svc_db_rollback(db);
	else if (svc_db_commit(db, e) != 0)
		rc = -1;
	if (rc == 0 && res->failed > 0)
		rc = 1;
	return rc;
}

int
svc_esc_explain(struct svc_db *db, const struct svc_esc_opts *o,
    const char *id, FILE *fp, struct svc_err *e)
{
	struct esc x;
	struct svc_esc_result res;
	int rc;

	start(&x, db, o, &res);
	x.fp = fp;
	if (svc_db_exec(db, "BEGIN", e) != 0)
		return -1;
	if (go_live(&x, 0, e) != 0 || load(&x, 0, e) != 0)
		rc = -1;
	else if ((rc = one_ticket(&x, id, e)) == 0)
		rc = svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no ticket '%s'",
		    id);
	else if (rc > 0) {
		if (x.nrules == 0)
			fprintf(fp, "no escalation rules valid at --now (load them "
			    "with svc-import --kind escalations)\n");
		rc = 0;
	}
	esc_free(&x);
	svc_db_rollback(db);
	return rc;
}

/* ---- acknowledgement ---- */

static int
reason_valid(struct svc_db *db, int64_t now, const char *reason,
    struct svc_buf *list, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int64_t ver;
	int ok = 0, i;

	if (svc_config_version(db, now, "reasons", &ver, e) != 0)
		return -1;
	if (ver == 0) {
		for (i = 0; default_reasons[i]; i++) {
			svc_buf_printf(list, "%s%s", i ? ", " : "",
			    default_reasons[i]);
			ok |= strcmp(default_reasons[i], reason) == 0;
		}
		return ok;
	}
	if (svc_config_select(db, now, "reasons", "reason", "1", "rowno", &st,
	    e) != 0)
		return -1;
	for (i = 0; sqlite3_step(st) == SQLITE_ROW; i++) {
		const char *r = (const char *)sqlite3_column_text(st, 0);

		svc_buf_printf(list, "%s%s", i ? ", " : "", r);
		ok |= strcmp(r, reason) == 0;
	}
	sqlite3_finalize(st);
	return ok;
}

int
svc_esc_ack(struct svc_db *db, const struct svc_esc_opts *o,
    const char *id, const char *metric, const char *reason,
    const char *note, struct svc_err *e)
{
	struct svc_buf list = { 0 };
	struct svc_run run;
	struct svc_audit aud;
	sqlite3_stmt *st = NULL;
	char *old = NULL, key[400], cyc[24];
	int64_t cycle = -1;
	int rc, ok;

	if (svc_sla_metric(metric) < 0)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--metric: '%s' "
		    "is not first_response, resolution or next_reply", metric);
	if ((ok = reason_valid(db, o->now, reason, &list, e)) < 0)
		return -1;
	if (!ok) {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--reason: unknown "
		    "reason '%s' (use %s)", reason, list.s ? list.s : "");
		svc_buf_free(&list);
		return -1;
	}
	svc_buf_free(&list);
	if (svc_db_begin(db, e) != 0)
		return -1;
	if (svc_db_prepare(db, "SELECT max(cycle) FROM sla_clocks WHERE "
	    "ticket_id=? AND metric=? AND breached=1", &st, e) != 0)
		goto fail;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		cycle = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (cycle < 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "ticket '%s' has no "
		    "breached %s clock (run svc-sla first)", id, metric);
		goto fail;
	}
	if (svc_db_prepare(db, "SELECT reason FROM acks WHERE ticket_id=? AND "
	    "metric=? AND cycle=?", &st, e) != 0)
		goto fail;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, cycle);
	if (sqlite3_step(st) == SQLITE_ROW)
		old = svc_col_dup(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	svc_run_init(&run, o->program, o->args, o->actor, "ack", o->now);
	run.rows_in = run.rows_loaded = run.rows_changed = 1;
	if (svc_db_run_insert(db, &run, e) != 0 ||
	    svc_db_prepare(db, "INSERT OR REPLACE INTO acks(ticket_id, metric, "
	    "cycle, reason, note, actor, at, run) VALUES (?,?,?,?,?,?,?,?)", &st,
	    e) != 0)
		goto fail;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, cycle);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, o->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, o->now);
	sqlite3_bind_int64(st, 8, run.id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		svc_db_fail(db, rc, e, "recording the acknowledgement");
		goto fail;
	}
	snprintf(key, sizeof(key), "%s/%s/%lld", id, metric, (long long)cycle);
	svc_audit_init(&aud, db, o->now, o->actor, o->program, run.id);
	rc = svc_audit(&aud, "ack", key, "reason", old, reason, note, e) != 0 ||
	    svc_audit_flush(&aud, e) != 0;
	svc_audit_free(&aud);
	if (rc)
		goto fail;
	if (o->out) {
		const char *v[5];

		snprintf(cyc, sizeof(cyc), "%lld", (long long)cycle);
		v[0] = id;
		v[1] = metric;
		v[2] = cyc;
		v[3] = reason;
		v[4] = old;
		svc_out_row(o->out, v, NULL);
	}
	free(old);
	if (o->dry_run) {
		svc_db_rollback(db);
		return 0;
	}
	return svc_db_commit(db, e);
fail:
	free(old);
	sqlite3_finalize(st);
	svc_db_rollback(db);
	return -1;
}

int64_t
svc_esc_unacknowledged(struct svc_db *db, const struct svc_esc_opts *o,
    struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	int rc;

	if (svc_db_prepare(db, "SELECT coalesce(c.owner_at_breach, t.assignee, "
	    "'group:' || coalesce(c.group_at_breach, t.group_name), '(nobody)') "
	    "AS owner, c.ticket_id, c.metric, c.cycle, c.breached_at, "
	    "coalesce(c.group_at_breach, t.group_name) FROM sla_clocks c LEFT "
	    "JOIN tickets t USING (ticket_id) WHERE c.breached=1 AND "
	    "c.breached_at<=?1 AND NOT EXISTS (SELECT 1 FROM acks a WHERE "
	    "a.ticket_id=c.ticket_id AND a.metric=c.metric AND a.cycle=c.cycle) "
	    "ORDER BY owner, c.breached_at, c.ticket_id, c.metric", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, o->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char at[48];
		const char *v[6];

		svc_time_show(sqlite3_column_int64(st, 4), at, sizeof(at));
		v[0] = (const char *)sqlite3_column_text(st, 0);
		v[1] = (const char *)sqlite3_column_text(st, 1);
		v[2] = (const char *)sqlite3_column_text(st, 2);
		v[3] = (const char *)sqlite3_column_text(st, 3);
		v[4] = at;
		v[5] = (const char *)sqlite3_column_text(st, 5);
		if (o->out)
			svc_out_row(o->out, v, NULL);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading breaches");
	return n;
}

int64_t
svc_esc_problem_list(struct svc_db *db, const struct svc_esc_opts *o,
    struct svc_err *e)
{
	struct svc_dir dir;
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	int rc;

	if (svc_dir_load(db, o->now, &dir, e) != 0)
		return -1;
	if (svc_db_prepare(db, "SELECT p.id, p.key, p.state, p.tickets, "
	    "(SELECT count(DISTINCT t.customer) FROM problem_tickets x JOIN "
	    "tickets t USING (ticket_id) WHERE x.problem_id=p.id), "
	    "p.first_seen, p.last_seen, (SELECT t.category FROM problem_tickets "
	    "x JOIN tickets t USING (ticket_id) WHERE x.problem_id=p.id LIMIT 1), "
	    "(SELECT t.subcategory FROM problem_tickets x JOIN tickets t USING "
	    "(ticket_id) WHERE x.problem_id=p.id LIMIT 1), (SELECT t.service "
	    "FROM problem_tickets x JOIN tickets t USING (ticket_id) WHERE "
	    "x.problem_id=p.id LIMIT 1) FROM problems p WHERE p.state NOT IN "
	    "('closed','resolved') AND p.opened_at<=? ORDER BY p.tickets DESC, "
	    "p.id", &st, e) != 0) {
		svc_dir_free(&dir);
		return -1;
	}
	sqlite3_bind_int64(st, 1, o->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct svc_catent *c = svc_dir_catalog(&dir,
		    (const char *)sqlite3_column_text(st, 7),
		    (const char *)sqlite3_column_text(st, 8),
		    (const char *)sqlite3_column_text(st, 9), SVC_CAT_OWNER);
		char a[48], b[48];
		const char *v[8];

		svc_time_show(sqlite3_column_int64(st, 5), a, sizeof(a));
		svc_time_show(sqlite3_column_int64(st, 6), b, sizeof(b));
		v[0] = (const char *)sqlite3_column_text(st, 0);
		v[1] = (const char *)sqlite3_column_text(st, 1);
		v[2] = (const char *)sqlite3_column_text(st, 2);
		v[3] = (const char *)sqlite3_column_text(st, 3);
		v[4] = (const char *)sqlite3_column_text(st, 4);
		v[5] = a;
		v[6] = b;
		v[7] = c ? c->owner : NULL;
		if (o->out)
			svc_out_row(o->out, v, NULL);
		n++;
	}
	sqlite3_finalize(st);
	svc_dir_free(&dir);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading problems");
	return n;
}

/* Add each word of the list s (separated by , ; |) to the set g. */
static void
add_groups(char ***g, size_t *n, const char *s)
{
	while (s && *s) {
		size_t k = strcspn(s, ",;|"), j;
		const char *w = s;

		s += k;
		if (*s)
			s++;
		while (k > 0 && (*w == ' ' || *w == '\t'))
			w++, k--;
		while (k > 0 && (w[k - 1] == ' ' || w[k - 1] == '\t'))
			k--;
		if (k == 0)
			continue;
		for (j = 0; j < *n; j++)
			if (strlen((*g)[j]) == k && strncmp((*g)[j], w, k) == 0)
				break;
		if (j < *n)
			continue;
		*g = svc_xrealloc(*g, (*n + 1) * sizeof(**g));
		(*g)[*n] = svc_xrealloc(NULL, k + 1);
		memcpy((*g)[*n], w, k);
		(*g)[(*n)++][k] = '\0';
	}
}

/* When rule r cannot reach its target for the ticket t standing for
 * what (a group, an assignee, a catalog entry): a finding (1) when the
 * fallback chain reaches nobody either, else a note (0). */
static int
lint_target(struct esc *x, const struct rule *r, struct svc_tk *t,
    const char *file, const char *what, FILE *fp)
{
	struct who w;
	char why[700];
	int rc;

	if (resolve(x, r->notify, t, &w) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", w.why);
	rc = resolve_chain(x, r, t, &w);
	fprintf(fp, "%s:%ld: %srule %s level %lld: notify '%s' cannot be "
	    "resolved for %s: %s", file, r->line, rc == 0 ? "note: " : "",
	    r->name, (long long)r->level, r->notify, what, why);
	if (rc == 0) {
		fprintf(fp, "; falls back to %s\n", w.email);
		return 0;
	}
	fprintf(fp, ", and nothing it falls back to can be reached\n");
	return 1;
}

int
svc_esc_lint(struct svc_db *db, int64_t now, FILE *fp, struct svc_err *e)
{
	static const char *const roles[] = { "assignee", "group_lead",
	    "manager", "service_owner", "kpi_owner", "controller", NULL };
	struct esc x;
	struct svc_esc_result res;
	struct svc_esc_opts o;
	sqlite3_stmt *st = NULL;
	char file[300], what[400], **groups = NULL;
	size_t ngroups = 0, i;
	int findings = 0, k;

	memset(&o, 0, sizeof(o));
	o.now = now;
	start(&x, db, &o, &res);
	if (svc_lint_stored_as(db, now, "escalations", NULL, &names, 0, fp,
	    &findings, e) != 0 ||
	    svc_lint_source(db, now, "escalations", file, sizeof(file), e) != 0 ||
	    svc_dir_load(db, now, &x.dir, e) != 0) {
		esc_free(&x);
		return -1;
	}
	/* the groups a ticket may be in: of people and of the catalog */
	for (i = 0; i < x.dir.npeople; i++)
		add_groups(&groups, &ngroups, x.dir.people[i].groups);
	for (i = 0; i < x.dir.ncats; i++)
		add_groups(&groups, &ngroups, x.dir.cats[i].group);
	if (svc_config_select(db, now, "escalations", "rule, line, level, "
	    "notify, fallback", "1", "rowno", &st, e) != 0) {
		findings = -1;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rule r;
		struct svc_tk t;
		const char *to;

		memset(&r, 0, sizeof(r));
		r.name = (char *)sqlite3_column_text(st, 0);
		r.line = (long)sqlite3_column_int64(st, 1);
		r.level = sqlite3_column_int64(st, 2);
		r.notify = (char *)sqlite3_column_text(st, 3);
		r.fallback = (char *)sqlite3_column_text(st, 4);
		to = r.notify;
		for (k = 0; roles[k]; k++)
			if (strcmp(roles[k], to) == 0)
				break;
		memset(&t, 0, sizeof(t));
		if (roles[k] == NULL) {
			/* a user or an address */
			if (strchr(to, '@') == NULL &&
			    svc_dir_person(&x.dir, to) == NULL) {
				fprintf(fp, "%s:%ld: rule %s: notify '%s' is not a "
				    "role, an e-mail address or a user in people\n",
				    file, r.line, r.name, to);
				findings++;
			} else
				findings += lint_target(&x, &r, &t, file,
				    "any ticket", fp);
		} else if (k == 0 || k == 2) {
			/* assignee, manager: each active person in a group */
			for (i = 0; i < x.dir.npeople; i++) {
				const struct svc_person *p = &x.dir.people[i];
				char **gp = NULL;
				size_t ng = 0;

				if (!p->active || p->groups == NULL)
					continue;
				add_groups(&gp, &ng, p->groups);
				svc_tk_put(&t, SVC_F_ASSIGNEE, p->user, 1);
				svc_tk_put(&t, SVC_F_GROUP_NAME, ng ? gp[0] : NULL, 1);
				snprintf(what, sizeof(what), "assignee '%.100s'",
				    p->user);
				findings += lint_target(&x, &r, &t, file, what, fp);
				while (ng > 0)
					free(gp[--ng]);
				free(gp);
			}
		} else if (k == 1) {
			for (i = 0; i < ngroups; i++) {
				svc_tk_put(&t, SVC_F_GROUP_NAME, groups[i], 1);
				snprintf(what, sizeof(what), "group '%.100s'",
				    groups[i]);
				findings += lint_target(&x, &r, &t, file, what, fp);
			}
		} else {
			/* the owners: each catalog entry */
			for (i = 0; i < x.dir.ncats; i++) {
				const struct svc_catent *c = &x.dir.cats[i];

				svc_tk_put(&t, SVC_F_CATEGORY, c->category, 1);
				svc_tk_put(&t, SVC_F_SUBCATEGORY, c->subcategory, 1);
				svc_tk_put(&t, SVC_F_SERVICE, c->service, 1);
				svc_tk_put(&t, SVC_F_GROUP_NAME, c->group, 1);
				snprintf(what, sizeof(what), "catalog entry "
				    "'%.100s/%.100s/%.100s'", c->category ?
				    c->category : "", c->subcategory ?
				    c->subcategory : "", c->service ? c->service :
				    "");
				findings += lint_target(&x, &r, &t, file, what, fp);
			}
		}
		svc_tk_free(&t);
	}
out:
	sqlite3_finalize(st);
	for (i = 0; i < ngroups; i++)
		free(groups[i]);
	free(groups);
	esc_free(&x);
	return findings;
}
