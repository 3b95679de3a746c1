/* route.c: classification, priority and ownership of tickets. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "calendar.h"
#include "cond.h"
#include "config.h"
#include "map.h"
#include "people.h"
#include "reader.h"
#include "route.h"
#include "rulelint.h"
#include "ticket.h"

/* A rule of any table: where it is, its condition, and its values:
 * routing group, assignee, strategy, skills; classify category,
 * subcategory, service; a priority modifier's adjustment in adjust. */
struct rule {
	int order;
	int64_t adjust;
	long line;
	struct svc_cond *when;
	char *text;
	char *v[4];
	char *why;		/* "routing rule 10 (line 2) skills": the audit's
				 * detail of what the rule set */
	char *tag;		/* "routing:10": the output's rule column */
};

enum { RV_GROUP, RV_ASSIGNEE, RV_STRATEGY, RV_SKILLS };

struct cell {
	int64_t impact, urgency, priority;
};

struct rt {
	struct svc_db *db;
	const struct svc_route_opts *o;
	struct rule *rules;
	size_t nrules;
	struct rule *cls;
	size_t ncls;
	struct cell *cells;
	size_t ncells;
	int64_t pmin, pmax;
	int64_t pversion;		/* the priority table valid at now, or 0 */
	struct rule *mods;
	size_t nmods;
	struct svc_dir dir;		/* people (load: open tickets; off:
					 * the calendar is closed at now) and
					 * catalog */
	struct rr *rr;			/* round-robin turns, kept in memory */
	size_t nrr;
	struct svc_person **cand;		/* candidates of one choice */
	int cols[SVC_NFIELDS];		/* the fields read, after rowid */
	int ncols, want_attrs;
	sqlite3_stmt *sel, *upd, *rr_set;
	struct svc_buf open_sql;	/* SELECT of sel, over open tickets */
	struct svc_batch ev;		/* history rows waiting */
	struct svc_audit audit;		/* and their audit rows */
	int64_t run;
};

/* A round-robin turn: route_state "rr:<order>:<group>". */
struct rr {
	char *key;
	int64_t turn;
	int dirty;
};

/* A ticket known at now: created at or before it (or when, unknown). */
#define KNOWN_SQL "(created_at IS NULL OR created_at <= :now)"
/* Its stored state is that of now or before: no row written after now
 * changed it (routing it as of now would write over a later state). */
#define CURRENT_SQL "(updated_at IS NULL OR updated_at <= :now)"

static const int64_t dflt[3][3] = { { 1, 2, 3 }, { 2, 3, 4 }, { 3, 4, 5 } };

/* ---- loading the configuration valid at now ---- */

static struct svc_cond *
cond_of(sqlite3_stmt *st, int i, char **text, struct svc_err *e)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	*text = svc_xstrdup(s ? s : "");
	return svc_cond_parse(*text, strlen(*text), NULL, e);
}

static void
rules_free(struct rule *x, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		svc_cond_free(x[i].when);
		free(x[i].text);
		free(x[i].why);
		free(x[i].tag);
		for (k = 0; k < 4; k++)
			free(x[i].v[k]);
	}
	free(x);
}

/* Load the rules of kind valid at now: cols are order, line, when and
 * nv values (a priority modifier's one value is its adjustment). */
static int
load_rules(struct rt *r, const char *kind, const char *cols, int nv,
    const char *where, struct rule **out, size_t *n, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	if (svc_config_select(r->db, r->o->now, kind, cols, where, strcmp(kind,
	    "priority") == 0 ? "rowno" : "\"order\", rowno", &st, e) != 0)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rule *x;

		*out = svc_xrealloc(*out, (*n + 1) * sizeof(**out));
		x = &(*out)[*n];
		memset(x, 0, sizeof(*x));
		x->order = sqlite3_column_int(st, 0);
		x->line = (long)sqlite3_column_int64(st, 1);
		if ((x->when = cond_of(st, 2, &x->text, e)) == NULL) {
			free(x->text);
			sqlite3_finalize(st);
			return -1;
		}
		for (k = 0; k < nv; k++)
			x->v[k] = svc_col_dup(st, 3 + k);
		x->adjust = sqlite3_column_int64(st, 3);
		if (strcmp(kind, "routing") == 0) {
			x->why = svc_xasprintf("routing rule %d (line %ld) %s",
			    x->order, x->line, x->v[RV_STRATEGY] ?
			    x->v[RV_STRATEGY] : "fixed");
			x->tag = svc_xasprintf("routing:%d", x->order);
		} else if (strcmp(kind, "classify") == 0)
			x->why = svc_xasprintf("classify rule %d (line %ld)",
			    x->order, x->line);
		(*n)++;
	}
	sqlite3_finalize(st);
	return 0;
}

static int duty(struct rt *r, struct svc_err *e);

static int
load(struct rt *r, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	r->pmin = 1;
	r->pmax = 5;
	if (svc_config_version(r->db, r->o->now, "priority", &r->pversion,
	    e) != 0)
		return -1;
	if (r->o->recompute_priority && r->pversion == 0)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "--recompute-priority: no priority table valid at --now "
		    "(load one with svc-import --kind priority)");
	if (load_rules(r, "routing", "\"order\", line, \"when\", \"group\", "
	    "assignee, strategy, skills", 4, "1", &r->rules, &r->nrules, e) != 0 ||
	    load_rules(r, "classify", "\"order\", line, \"when\", category, "
	    "subcategory, service", 3, "1", &r->cls, &r->ncls, e) != 0 ||
	    load_rules(r, "priority", "0, line, \"when\", adjust", 1,
	    "\"when\" IS NOT NULL", &r->mods, &r->nmods, e) != 0)
		return -1;
	if (svc_config_select(r->db, r->o->now, "priority", "impact, urgency, priority",
	    "impact IS NOT NULL", "rowno", &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cell *c;

		r->cells = svc_xrealloc(r->cells, (r->ncells + 1) *
		    sizeof(*r->cells));
		c = &r->cells[r->ncells];
		c->impact = sqlite3_column_int64(st, 0);
		c->urgency = sqlite3_column_int64(st, 1);
		c->priority = sqlite3_column_int64(st, 2);
		if (r->ncells == 0 || c->priority < r->pmin)
			r->pmin = c->priority;
		if (r->ncells == 0 || c->priority > r->pmax)
			r->pmax = c->priority;
		r->ncells++;
	}
	sqlite3_finalize(st);
	if (svc_dir_load(r->db, r->o->now, &r->dir, e) != 0)
		return -1;
	if (duty(r, e) != 0)
		return -1;
	/* round-robin turns */
	if (svc_db_prepare(r->db, "SELECT key, value FROM route_state WHERE "
	    "key LIKE 'rr:%'", &st, e) != 0)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		r->rr = svc_xrealloc(r->rr, (r->nrr + 1) * sizeof(*r->rr));
		r->rr[r->nrr].key = svc_col_dup(st, 0);
		r->rr[r->nrr].turn = sqlite3_column_int64(st, 1);
		r->rr[r->nrr++].dirty = 0;
	}
	sqlite3_finalize(st);
	r->cand = svc_xcalloc(r->dir.npeople + 1, sizeof(*r->cand));
	/* open tickets per person */
	if (r->dir.npeople > 0) {
		size_t i;

		if (svc_db_prepare(r->db, "SELECT assignee, count(*) FROM tickets "
		    "WHERE assignee IS NOT NULL AND " SVC_OPEN_SQL(":now") " AND "
		    KNOWN_SQL " GROUP BY assignee", &st, e) != 0)
			return -1;
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st,
		    ":now"), r->o->now);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *u = (const char *)sqlite3_column_text(st, 0);

			for (i = 0; i < r->dir.npeople; i++)
				if (r->dir.people[i].user && u &&
				    strcmp(r->dir.people[i].user, u) == 0)
					r->dir.people[i].load = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	return 0;
}

static void
rt_free(struct rt *r)
{
	size_t i;

	rules_free(r->rules, r->nrules);
	rules_free(r->cls, r->ncls);
	rules_free(r->mods, r->nmods);
	svc_dir_free(&r->dir);
	for (i = 0; i < r->nrr; i++)
		free(r->rr[i].key);
	free(r->rr);
	free(r->cand);
	free(r->cells);
	sqlite3_finalize(r->sel);
	sqlite3_finalize(r->upd);
	sqlite3_finalize(r->rr_set);
	svc_batch_free(&r->ev);
	svc_audit_free(&r->audit);
	svc_buf_free(&r->open_sql);
}

/* ---- decisions ---- */

struct decision {
	int changed[SVC_NFIELDS];
	const char *detail[SVC_NFIELDS];	/* why, where changed */
	const char *rule;
	const char *reason;
	int owner_tried;
	char pdetail[300];		/* the priority's detail */
};

static int
matches(struct svc_cond *c, struct svc_tk *t, struct svc_buf *ex)
{
	return svc_cond_eval(c, svc_tk_get, t, ex);
}

static void
classify(struct rt *r, struct svc_tk *t, struct decision *d, struct svc_buf *ex)
{
	static const int fields[3] = { SVC_F_CATEGORY, SVC_F_SUBCATEGORY,
	    SVC_F_SERVICE };
	size_t i;
	int k;

	if (t->v[SVC_F_CATEGORY].present && t->v[SVC_F_SUBCATEGORY].present &&
	    t->v[SVC_F_SERVICE].present) {
		if (ex)
			svc_buf_adds(ex, "classify: category, subcategory and "
			    "service are set\n");
		return;
	}
	for (i = 0; i < r->ncls; i++) {
		struct rule *c = &r->cls[i];
		const char *const *val = (const char *const *)c->v;

		if (ex)
			svc_buf_printf(ex, "classify rule %lld (line %ld) %s\n",
			    (long long)c->order, c->line, c->text[0] ? c->text :
			    "(always)");
		if (!matches(c->when, t, ex))
			continue;
		for (k = 0; k < 3; k++) {
			int f = fields[k];

			if (val[k] == NULL || t->v[f].present)
				continue;
			svc_tk_set_text(t, f, val[k]);
			d->changed[f] = 1;
			d->detail[f] = c->why;
			if (ex)
				svc_buf_printf(ex, "  sets %s to '%s'\n",
				    svc_tfields[f].name, val[k]);
		}
		return;
	}
	if (ex)
		svc_buf_adds(ex, "classify: no rule matches\n");
}

static void
prioritise(struct rt *r, struct svc_tk *t, struct decision *d, struct svc_buf *ex)
{
	int64_t im, ur, p = -1;
	size_t i;
	char how[200];
	struct svc_buf mods = { 0 };

	if (!t->v[SVC_F_IMPACT].present || !t->v[SVC_F_URGENCY].present ||
	    !t->v[SVC_F_IMPACT].isnum || !t->v[SVC_F_URGENCY].isnum) {
		if (ex)
			svc_buf_adds(ex, t->v[SVC_F_PRIORITY].present ?
			    "priority: kept, set by a person (no impact or "
			    "urgency)\n" : "priority: none (no impact or "
			    "urgency)\n");
		return;
	}
	/* the priority of the system of record stands unless asked */
	if (!r->o->recompute_priority && t->v[SVC_F_PRIORITY].present) {
		if (ex)
			svc_buf_adds(ex, "priority: kept, the ticket has one "
			    "(--recompute-priority computes it from the "
			    "priority table)\n");
		return;
	}
	im = t->v[SVC_F_IMPACT].i;
	ur = t->v[SVC_F_URGENCY].i;
	if (r->ncells > 0) {
		for (i = 0; i < r->ncells; i++)
			if (r->cells[i].impact == im && r->cells[i].urgency == ur)
				p = r->cells[i].priority;
		snprintf(how, sizeof(how), "priority table (%lld,%lld)",
		    (long long)im, (long long)ur);
	} else {
		if (im >= 1 && im <= 3 && ur >= 1 && ur <= 3)
			p = dflt[im - 1][ur - 1];
		snprintf(how, sizeof(how), "default matrix (%lld,%lld)",
		    (long long)im, (long long)ur);
	}
	if (p < 0) {
		if (ex)
			svc_buf_printf(ex, "priority: kept, no cell in the %s\n",
			    how);
		return;
	}
	if (ex)
		svc_buf_printf(ex, "priority: impact %lld x urgency %lld -> %lld "
		    "(%s)\n", (long long)im, (long long)ur, (long long)p, how);
	for (i = 0; i < r->nmods; i++) {
		struct rule *m = &r->mods[i];

		if (ex)
			svc_buf_printf(ex, "  modifier line %ld, %+lld if %s\n",
			    m->line, (long long)m->adjust, m->text);
		if (!matches(m->when, t, ex))
			continue;
		p += m->adjust;
		svc_buf_printf(&mods, "; %s %+lld", m->text, (long long)m->adjust);
	}
	if (p < r->pmin)
		p = r->pmin;
	if (p > r->pmax)
		p = r->pmax;
	if (ex)
		svc_buf_printf(ex, "  priority %lld (bounded %lld..%lld)\n",
		    (long long)p, (long long)r->pmin, (long long)r->pmax);
	if (t->v[SVC_F_PRIORITY].present && t->v[SVC_F_PRIORITY].isnum &&
	    t->v[SVC_F_PRIORITY].i == p) {
		svc_buf_free(&mods);
		return;
	}
	svc_tk_set_int(t, SVC_F_PRIORITY, p);
	d->changed[SVC_F_PRIORITY] = 1;
	snprintf(d->pdetail, sizeof(d->pdetail), "%s=%lld%s", how,
	    (long long)(p), mods.s ? mods.s : "");
	d->detail[SVC_F_PRIORITY] = d->pdetail;
	svc_buf_free(&mods);
}

/* Is p active and on duty?  Explains why not. */
static int
available(const struct svc_person *p, struct svc_buf *ex)
{
	if (p->user == NULL || !p->active) {
		if (ex && p->user)
			svc_buf_printf(ex, "    %s is not active\n", p->user);
		return 0;
	}
	if (p->off) {
		if (ex)
			svc_buf_printf(ex, "    %s is off duty (calendar %s is "
			    "closed)\n", p->user, p->calendar);
		return 0;
	}
	return 1;
}

/* Who is off duty at now, by their working calendars (each loaded
 * once; one that does not exist is reported and treated as open). */
static int
duty(struct rt *r, struct svc_err *e)
{
	struct svc_calset cals;
	size_t i;

	svc_calset_init(&cals, r->db, r->o->now);
	for (i = 0; i < r->dir.npeople; i++) {
		struct svc_person *p = &r->dir.people[i];
		struct svc_cal *c;
		struct svc_err ce;
		size_t known = cals.n;

		if (p->calendar == NULL || strcmp(p->calendar, "24x7") == 0)
			continue;
		svc_err_clear(&ce);
		if ((c = svc_calset_get(&cals, p->calendar, &ce)) == NULL) {
			if (ce.status != SVC_EXIT_USAGE) {
				*e = ce;
				svc_calset_free(&cals);
				return -1;
			}
			if (cals.n > known)	/* once per calendar */
				svc_warn("person '%s': no calendar '%s'; treated as "
				    "always open", p->user, p->calendar);
			continue;
		}
		p->off = !svc_cal_open(c, r->o->now);
	}
	svc_calset_free(&cals);
	return 0;
}

/* The round-robin turn of a rule's group (found or added). */
static struct rr *
rr_turn(struct rt *r, int order, const char *group)
{
	char key[300];
	size_t i;

	snprintf(key, sizeof(key), "rr:%d:%s", order, group);
	for (i = 0; i < r->nrr; i++)
		if (strcmp(r->rr[i].key, key) == 0)
			return &r->rr[i];
	r->rr = svc_xrealloc(r->rr, (r->nrr + 1) * sizeof(*r->rr));
	r->rr[r->nrr].key = svc_xstrdup(key);
	r->rr[r->nrr].turn = 0;
	r->rr[r->nrr].dirty = 0;
	return &r->rr[r->nrr++];
}

/* Keep the turns that moved. */
static int
rr_save(struct rt *r, struct svc_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < r->nrr; i++) {
		if (!r->rr[i].dirty)
			continue;
		sqlite3_bind_text(r->rr_set, 1, r->rr[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(r->rr_set, 2, r->rr[i].turn);
		rc = sqlite3_step(r->rr_set);
		sqlite3_reset(r->rr_set);
		if (rc != SQLITE_DONE)
			return svc_db_fail(r->db, rc, e,
			    "keeping the round-robin turn");
		r->rr[i].dirty = 0;
	}
	return 0;
}

/* Choose a person of group by strategy; NULL when nobody is available. */
static struct svc_person *
choose(struct rt *r, const struct rule *x, const char *group,
    struct svc_buf *ex)
{
	struct svc_person *best = NULL, **cand = r->cand;
	size_t i, n = 0;
	const char *strategy = x->v[RV_STRATEGY] ? x->v[RV_STRATEGY] : "least_loaded";

	for (i = 0; i < r->dir.npeople; i++) {
		struct svc_person *p = &r->dir.people[i];

		if (!svc_in_list(p->groups, group) || !available(p, ex))
			continue;
		if (strcmp(strategy, "skills") == 0 && x->v[RV_SKILLS]) {
			int all = svc_in_list_all(p->skills, x->v[RV_SKILLS]);

			if (!all) {
				if (ex)
					svc_buf_printf(ex, "    %s lacks a skill of "
					    "%s\n", p->user, x->v[RV_SKILLS]);
				continue;
			}
		}
		cand[n++] = p;
	}
	if (n == 0) {
		if (ex)
			svc_buf_printf(ex, "    nobody of group '%s' is "
			    "available\n", group);
		return NULL;
	}
	if (strcmp(strategy, "round_robin") == 0) {
		struct rr *t = rr_turn(r, x->order, group);

		best = cand[(size_t)(t->turn % (int64_t)n)];
		if (ex)
			svc_buf_printf(ex, "    round robin over %zu people, turn "
			    "%lld: %s\n", n, (long long)t->turn, best->user);
		t->turn++;
		t->dirty = 1;
		return best;
	}
	/* least_loaded and skills: fewest open tickets per capacity */
	for (i = 0; i < n; i++) {
		struct svc_person *p = cand[i];
		int64_t cap = p->capacity > 0 ? p->capacity : 1;

		if (ex)
			svc_buf_printf(ex, "    %s: %lld open / capacity %lld = "
			    "%.2f\n", p->user, (long long)p->load, (long long)cap,
			    (double)p->load / (double)cap);
		if (best == NULL || p->load * (best->capacity > 0 ?
		    best->capacity : 1) < best->load * cap)
			best = p;
	}
	if (ex)
		svc_buf_printf(ex, "    chosen: %s\n", best->user);
	return best;
}

static void
set_owner(struct rt *r, struct svc_tk *t, struct decision *d, const char *group,
    const char *assignee, const char *why)
{
	char num[32];
	const char *old_a = svc_tk_text(t, SVC_F_ASSIGNEE, num, sizeof(num));
	struct svc_person *p;

	if (group && !(t->v[SVC_F_GROUP_NAME].present &&
	    strcmp(t->s[SVC_F_GROUP_NAME], group) == 0)) {
		svc_tk_set_text(t, SVC_F_GROUP_NAME, group);
		d->changed[SVC_F_GROUP_NAME] = 1;
		d->detail[SVC_F_GROUP_NAME] = why;
	}
	if (assignee && !(old_a && strcmp(old_a, assignee) == 0)) {
		if ((p = svc_dir_person(&r->dir, old_a)) != NULL && p->load > 0)
			p->load--;
		svc_tk_set_text(t, SVC_F_ASSIGNEE, assignee);
		d->changed[SVC_F_ASSIGNEE] = 1;
		d->detail[SVC_F_ASSIGNEE] = why;
		if ((p = svc_dir_person(&r->dir, assignee)) != NULL)
			p->load++;
	}
}

static void
own(struct rt *r, struct svc_tk *t, struct decision *d, struct svc_buf *ex)
{
	size_t i;
	const struct svc_catent *c;

	if (t->v[SVC_F_ASSIGNEE].present && !r->o->reassign) {
		if (ex)
			svc_buf_printf(ex, "owner: kept, assigned to %s (use "
			    "--reassign to route again)\n", t->s[SVC_F_ASSIGNEE] ?
			    t->s[SVC_F_ASSIGNEE] : "?");
		return;
	}
	d->owner_tried = 1;
	if (ex)
		svc_buf_adds(ex, "owner:\n");
	for (i = 0; i < r->nrules; i++) {
		struct rule *x = &r->rules[i];
		const char *group;
		struct svc_person *p;

		if (ex)
			svc_buf_printf(ex, "  rule %d (line %ld) %s\n", x->order,
			    x->line, x->text[0] ? x->text : "(always)");
		if (!matches(x->when, t, ex))
			continue;
		d->rule = x->tag;
		/* a group on the ticket is kept unless --reassign */
		group = t->v[SVC_F_GROUP_NAME].present && !r->o->reassign ?
		    t->s[SVC_F_GROUP_NAME] : x->v[RV_GROUP] ? x->v[RV_GROUP] :
		    t->s[SVC_F_GROUP_NAME];
		if ((x->v[RV_STRATEGY] == NULL || strcmp(x->v[RV_STRATEGY], "fixed") == 0)) {
			if (ex)
				svc_buf_printf(ex, "    fixed: group %s, assignee "
				    "%s\n", group ? group : "-", x->v[RV_ASSIGNEE] ?
				    x->v[RV_ASSIGNEE] : "-");
			set_owner(r, t, d, group, x->v[RV_ASSIGNEE], x->why);
			return;
		}
		if (group == NULL) {
			d->reason = "no_group";
			if (ex)
				svc_buf_adds(ex, "    no group to choose from\n");
			return;
		}
		p = choose(r, x, group, ex);
		if (p == NULL)
			d->reason = "no_one_available";
		set_owner(r, t, d, group, p ? p->user : NULL, x->why);
		return;
	}
	if ((c = svc_dir_catalog(&r->dir, t->s[SVC_F_CATEGORY],
	    t->s[SVC_F_SUBCATEGORY], t->s[SVC_F_SERVICE], SVC_CAT_OWNER |
	    SVC_CAT_GROUP)) != NULL) {
		const char *group = t->v[SVC_F_GROUP_NAME].present &&
		    !r->o->reassign ? t->s[SVC_F_GROUP_NAME] : c->group;

		d->rule = "catalog";
		if (ex)
			svc_buf_printf(ex, "  no rule matches; catalog default: "
			    "group %s, owner %s\n", c->group ? c->group : "-",
			    c->owner ? c->owner : "-");
		set_owner(r, t, d, group, c->owner, "catalog default");
		return;
	}
	d->reason = "no_rule";
	if (ex)
		svc_buf_adds(ex, "  no rule matches and the catalog has no "
		    "default: unrouted\n");
}

/* ---- writing ---- */

/* The fields a run reads: those its decisions use and those its rules
 * test; attrs only when a rule tests an attrs key. */
static void
choose_cols(struct rt *r)
{
	static const int need[] = { SVC_F_TICKET_ID, SVC_F_CATEGORY,
	    SVC_F_SUBCATEGORY, SVC_F_SERVICE, SVC_F_IMPACT, SVC_F_URGENCY,
	    SVC_F_PRIORITY, SVC_F_GROUP_NAME, SVC_F_ASSIGNEE };
	unsigned char used[SVC_NFIELDS];
	size_t i;
	int f;

	memset(used, 0, sizeof(used));
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		used[need[i]] = 1;
	for (i = 0; i < r->nrules; i++)
		svc_cond_refs(r->rules[i].when, used, SVC_NFIELDS, &r->want_attrs);
	for (i = 0; i < r->ncls; i++)
		svc_cond_refs(r->cls[i].when, used, SVC_NFIELDS, &r->want_attrs);
	for (i = 0; i < r->nmods; i++)
		svc_cond_refs(r->mods[i].when, used, SVC_NFIELDS, &r->want_attrs);
	r->ncols = 0;
	for (f = 0; f < SVC_NFIELDS; f++)
		if (used[f])
			r->cols[r->ncols++] = f;
}

static int
prepare(struct rt *r, struct svc_err *e)
{
	struct svc_buf sql = { 0 };
	int k, rc;

	choose_cols(r);
	svc_buf_adds(&sql, "SELECT rowid");
	for (k = 0; k < r->ncols; k++)
		svc_buf_printf(&sql, ",%s", svc_tfields[r->cols[k]].name);
	if (r->want_attrs)
		svc_buf_adds(&sql, ",attrs");
	/* then: is it open, is it known at now */
	svc_buf_adds(&sql, ",(" SVC_OPEN_SQL(":now") ")," KNOWN_SQL "," CURRENT_SQL
	    " FROM tickets WHERE ");
	/* one ticket by id, and all open tickets known at now in the order
	 * they came */
	svc_buf_adds(&r->open_sql, sql.s);
	svc_buf_adds(&r->open_sql, SVC_OPEN_SQL(":now") " AND " KNOWN_SQL
	    " AND " CURRENT_SQL
	    " ORDER BY rowid");
	svc_buf_adds(&sql, "ticket_id=:id");
	rc = svc_db_prepare(r->db, sql.s, &r->sel, e);
	svc_buf_free(&sql);
	if (rc == 0)
		sqlite3_bind_int64(r->sel, sqlite3_bind_parameter_index(r->sel,
		    ":now"), r->o->now);
	svc_batch_init(&r->ev, r->db, "INSERT OR FAIL INTO ticket_events("
	    "ticket_id, at, field, old, new, actor, run, source) VALUES ",
	    "(?,?,?,?,?,?,?,'route')", "recording history");
	if (rc != 0 ||
	    svc_db_prepare(r->db, "UPDATE tickets SET category=?, subcategory=?, "
	    "service=?, priority=?, group_name=?, assignee=? WHERE rowid=?",
	    &r->upd, e) != 0 ||
	    svc_db_prepare(r->db, "INSERT INTO route_state(key, value) VALUES "
	    "(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
	    &r->rr_set, e) != 0)
		return -1;
	return 0;
}

static void
bind_field(sqlite3_stmt *st, int i, const struct svc_tk *t, int f)
{
	if (!t->v[f].present)
		sqlite3_bind_null(st, i);
	else if (t->v[f].isnum)
		sqlite3_bind_int64(st, i, t->v[f].i);
	else
		sqlite3_bind_text(st, i, t->s[f], -1, SQLITE_STATIC);
}

static int
write_ticket(struct rt *r, const char *id, struct svc_tk *old, struct svc_tk *t,
    const struct decision *d, struct svc_err *e)
{
	static const int fields[6] = { SVC_F_CATEGORY, SVC_F_SUBCATEGORY,
	    SVC_F_SERVICE, SVC_F_PRIORITY, SVC_F_GROUP_NAME, SVC_F_ASSIGNEE };
	int k, rc;

	for (k = 0; k < 6; k++)
		bind_field(r->upd, k + 1, t, fields[k]);
	sqlite3_bind_int64(r->upd, 7, t->rowid);
	rc = sqlite3_step(r->upd);
	sqlite3_reset(r->upd);
	if (rc != SQLITE_DONE)
		return svc_db_fail(r->db, rc, e, "updating a ticket");
	for (k = 0; k < 6; k++) {
		int f = fields[k];
		const char *name = svc_tfields[f].name, *o, *n;
		char n1[32], n2[32];

		if (!d->changed[f])
			continue;
		o = svc_tk_text(old, f, n1, sizeof(n1));
		n = svc_tk_text(t, f, n2, sizeof(n2));
		svc_batch_text(&r->ev, id);
		svc_batch_int(&r->ev, r->o->now);
		svc_batch_static(&r->ev, name);
		svc_batch_text(&r->ev, o);
		svc_batch_text(&r->ev, n);
		svc_batch_static(&r->ev, r->o->actor);
		svc_batch_int(&r->ev, r->run);
		if (svc_batch_row(&r->ev, e) != 0 || svc_audit(&r->audit,
		    "ticket", id, name, o, n, d->detail[f], e) != 0)
			return -1;
	}
	return 0;
}

/* Decide for the ticket loaded in t; write unless explaining. */
static int
route_one(struct rt *r, const char *id, struct svc_tk *t, struct svc_buf *ex,
    struct svc_route_result *res, struct svc_err *e)
{
	struct decision d;
	struct svc_tk old;
	int f, any = 0, rc = 0;

	memset(&d, 0, offsetof(struct decision, pdetail));
	/* the values as read: text of the row being scanned stays put;
	 * text t owns (a ticket read by id) is copied, as a decision frees
	 * it */
	memset(&old, 0, sizeof(old));
	memcpy(old.v, t->v, sizeof(old.v));
	memcpy(old.s, t->s, sizeof(old.s));
	for (f = 0; f < SVC_NFIELDS; f++)
		if (t->own[f]) {
			old.s[f] = old.own[f] = svc_xstrdup(t->own[f]);
			old.v[f].s = old.s[f];
		}
	classify(r, t, &d, ex);
	prioritise(r, t, &d, ex);
	own(r, t, &d, ex);
	for (f = 0; f < SVC_NFIELDS; f++)
		any |= d.changed[f];
	if (ex == NULL && any)
		rc = write_ticket(r, id, &old, t, &d, e);
	svc_tk_free(&old);
	if (rc == 0 && res) {
		if (any)
			res->changed++;
		if (d.reason && strcmp(d.reason, "no_rule") == 0)
			res->unrouted++;
	}
	if (rc == 0 && ex == NULL && r->o->out) {
		char n1[32];
		const char *v[7];

		v[0] = id;
		v[1] = svc_tk_text(t, SVC_F_PRIORITY, n1, sizeof(n1));
		v[2] = t->s[SVC_F_GROUP_NAME];
		v[3] = t->s[SVC_F_ASSIGNEE];
		v[4] = d.rule;
		v[5] = any ? "changed" : "unchanged";
		v[6] = d.reason;
		svc_out_row(r->o->out, v, NULL);
	}
	return rc;
}

/* The row of a ticket route leaves alone: why in the reason column. */
static void
pass_row(struct rt *r, const char *id, const char *reason)
{
	const char *v[7] = { id, NULL, NULL, NULL, NULL, NULL, reason };

	if (r->o->out)
		svc_out_row(r->o->out, v, NULL);
}

enum { TK_MISSING, TK_OPEN, TK_DONE, TK_LATER, TK_CHANGED };

/* Load ticket id into t: TK_OPEN when it is routed, TK_LATER when it was
 * created after now (not known yet), else TK_CHANGED when a row written
 * after now changed it, else TK_DONE when it is resolved,
 * closed or cancelled, TK_MISSING when there is no such ticket; -1 with
 * e filled. */
static int
load_ticket(struct rt *r, const char *id, struct svc_tk *t, struct svc_err *e)
{
	int rc, st = TK_MISSING, k = 1 + r->ncols + r->want_attrs;

	sqlite3_bind_text(r->sel, sqlite3_bind_parameter_index(r->sel, ":id"),
	    id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(r->sel);
	if (rc == SQLITE_ROW) {
		svc_tk_load(t, r->sel, r->cols, r->ncols, r->want_attrs, 1);
		st = !sqlite3_column_int(r->sel, k + 1) ? TK_LATER :
		    !sqlite3_column_int(r->sel, k + 2) ? TK_CHANGED :
		    !sqlite3_column_int(r->sel, k) ? TK_DONE : TK_OPEN;
	}
	sqlite3_reset(r->sel);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return svc_db_fail(r->db, rc, e, "reading a ticket");
	return st;
}

int
svc_route_run(struct svc_db *db, const struct svc_route_opts *o,
    char *const *ids, size_t n, struct svc_route_result *res,
    struct svc_err *e)
{
	struct rt r;
	struct svc_run run;
	sqlite3_stmt *all = NULL;
	size_t i;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	r.db = db;
	r.o = o;
	svc_run_init(&run, o->program, o->args, o->actor, "route", o->now);
	/* history rows name tickets read in this same transaction under
	 * the write lock: their foreign key holds without a lookup each */
	if (svc_db_exec(db, "PRAGMA foreign_keys=OFF", e) != 0)
		return -1;
	if (svc_db_begin(db, e) != 0)
		goto fk;
	if (svc_db_run_insert(db, &run, e) != 0 || load(&r, e) != 0 ||
	    prepare(&r, e) != 0)
		goto out;
	r.run = res->run = run.id;
	svc_audit_init(&r.audit, db, o->now, o->actor, o->program, r.run);
	if (ids == NULL) {
		/* updates leave rowid, the order of the scan, alone */
		if (svc_db_prepare(db, r.open_sql.s, &all, e) != 0)
			goto out;
		sqlite3_bind_int64(all, sqlite3_bind_parameter_index(all,
		    ":now"), o->now);
		while ((rc = sqlite3_step(all)) == SQLITE_ROW) {
			struct svc_tk t;

			memset(&t, 0, sizeof(t));
			svc_tk_load(&t, all, r.cols, r.ncols, r.want_attrs, 0);
			res->seen++;
			rc = route_one(&r, t.s[SVC_F_TICKET_ID], &t, NULL, res, e);
			svc_tk_free(&t);
			if (rc < 0)
				goto out;
		}
		if (rc != SQLITE_DONE) {
			svc_db_fail(db, rc, e, "listing open tickets");
			rc = -1;
			goto out;
		}
	} else
		for (i = 0; i < n; i++) {
			struct svc_tk t;

			memset(&t, 0, sizeof(t));
			rc = load_ticket(&r, ids[i], &t, e);
			if (rc == TK_MISSING) {
				res->missing++;
				pass_row(&r, ids[i], "not_found");
			} else if (rc == TK_DONE || rc == TK_LATER ||
			    rc == TK_CHANGED) {
				res->seen++;
				if (rc == TK_DONE)
					res->done++;
				else if (rc == TK_LATER)
					res->later++;
				else
					res->changed_later++;
				pass_row(&r, ids[i], rc == TK_DONE ? "done" :
				    rc == TK_LATER ? "not_yet_created" :
				    "changed_after_now");
				rc = 0;
			} else if (rc == TK_OPEN) {
				res->seen++;
				rc = route_one(&r, ids[i], &t, NULL, res, e);
			}
			svc_tk_free(&t);
			if (rc < 0)
				goto out;
		}
	run.rows_in = run.rows_loaded = res->seen;
	run.rows_changed = res->changed;
	if ((rc = svc_batch_flush(&r.ev, e)) != 0 ||
	    (rc = svc_audit_flush(&r.audit, e)) != 0 ||
	    (rc = rr_save(&r, e)) != 0 ||
	    (rc = svc_db_run_counts(db, &run, e)) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(all);
	rt_free(&r);
	if (rc != 0 || o->dry_run)
		svc_db_rollback(db);
	else if (svc_db_commit(db, e) != 0)
		rc = -1;
fk:
	if (rc == 0)
		rc = svc_db_exec(db, "PRAGMA foreign_keys=ON", e);
	else
		sqlite3_exec(db->h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	return rc;
}

int
svc_route_explain(struct svc_db *db, const struct svc_route_opts *o,
    const char *id, FILE *fp, struct svc_err *e)
{
	struct rt r;
	struct svc_tk t;
	struct svc_buf ex = { 0 };
	int rc = -1;

	memset(&r, 0, sizeof(r));
	memset(&t, 0, sizeof(t));
	r.db = db;
	r.o = o;
	/* round robin reads and advances its turn: do it in a transaction
	 * that is rolled back */
	if (svc_db_begin(db, e) != 0)
		return -1;
	if (load(&r, e) != 0 || prepare(&r, e) != 0)
		goto out;
	rc = load_ticket(&r, id, &t, e);
	if (rc == TK_MISSING) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no ticket '%s'", id);
		rc = -1;
	}
	if (rc < 0)
		goto out;
	if (rc == TK_DONE || rc == TK_LATER || rc == TK_CHANGED) {
		fprintf(fp, "ticket %s\n%s: not routed\n", id, rc == TK_DONE ?
		    "resolved, closed or cancelled" : rc == TK_LATER ?
		    "created after --now" : "changed by a row written after "
		    "--now (its later state is stored)");
		rc = 0;
		goto out;
	}
	svc_buf_printf(&ex, "ticket %s\n", id);
	rc = route_one(&r, id, &t, &ex, NULL, e);
	if (rc == 0) {
		char n1[32];
		const char *p = svc_tk_text(&t, SVC_F_PRIORITY, n1, sizeof(n1));

		svc_buf_printf(&ex, "result: priority %s, group %s, assignee %s\n",
		    p ? p : "-", t.s[SVC_F_GROUP_NAME] ? t.s[SVC_F_GROUP_NAME] :
		    "-", t.s[SVC_F_ASSIGNEE] ? t.s[SVC_F_ASSIGNEE] : "-");
		fputs(ex.s, fp);
	}
out:
	svc_tk_free(&t);
	svc_buf_free(&ex);
	rt_free(&r);
	svc_db_rollback(db);
	return rc;
}

/* ---- lint ---- */

static int
lint_file(const char *path, FILE *fp, int *findings, struct svc_err *e)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct svc_reader_opts ro;
	struct svc_reader *rd;
	struct svc_record rec;
	struct svc_bad bad;
	struct svc_lrule *r = NULL;
	size_t n = 0, i;
	int cw = -1, co = -1, rc, ordered = 0;

	if (in == NULL)
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot open: %s", strerror(errno));
	memset(&ro, 0, sizeof(ro));
	rd = svc_reader_open(in, path, &ro);
	rc = svc_reader_next(rd, &rec, &bad, e);
	if (rc != SVC_READ_OK) {
		if (rc != SVC_READ_FATAL)
			svc_err_set(e, SVC_EXIT_FATAL, path, 1, 0, "no header");
		goto fail;
	}
	for (i = 0; i < rec.nf; i++) {
		if (rec.len[i] == 4 && strncasecmp(rec.f[i], "when", 4) == 0)
			cw = (int)i;
		if (rec.len[i] == 5 && strncasecmp(rec.f[i], "order", 5) == 0)
			co = (int)i;
	}
	if (cw < 0) {
		svc_err_set(e, SVC_EXIT_FATAL, path, 1, 0, "no column 'when': "
		    "not a routing, classify or priority file");
		goto fail;
	}
	ordered = co >= 0;
	svc_reader_expect(rd, rec.nf);
	while ((rc = svc_reader_next(rd, &rec, &bad, e)) != SVC_READ_EOF) {
		struct svc_err ce;
		struct svc_cond *c;
		int64_t ord = 0;

		if (rc == SVC_READ_FATAL)
			goto fail;
		if (rc == SVC_READ_BAD) {
			fprintf(fp, "%s:%ld: %s\n", path, rec.line_start, bad.msg);
			(*findings)++;
			continue;
		}
		if (!ordered && rec.len[cw] == 0)
			continue;	/* a priority matrix cell */
		svc_err_clear(&ce);
		c = svc_cond_parse(rec.f[cw], rec.len[cw], NULL, &ce);
		if (c == NULL) {
			fprintf(fp, "%s:%ld:%ld: when: %s\n", path, rec.line_start,
			    ce.col, ce.msg);
			(*findings)++;
			continue;
		}
		if (ordered && svc_cond_number(rec.f[co], rec.len[co], &ord) != 0) {
			fprintf(fp, "%s:%ld: order: not a number\n", path,
			    rec.line_start);
			(*findings)++;
		}
		r = svc_xrealloc(r, (n + 1) * sizeof(*r));
		r[n].order = ord;
		r[n].line = rec.line_start;
		r[n].c = c;
		r[n].group = NULL;
		n++;
	}
	*findings += svc_lint_rules(fp, path, r, n, ordered);
	svc_lrules_free(r, n);
	svc_reader_close(rd);
	if (in != stdin)
		fclose(in);
	return 0;
fail:
	svc_lrules_free(r, n);
	svc_reader_close(rd);
	if (in != stdin)
		fclose(in);
	return -1;
}

/* People whose working calendar does not exist (routing treats them as
 * always on duty). */
static int
lint_calendars(struct svc_db *db, int64_t now, FILE *fp, int *findings,
    struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	char file[300];

	if (svc_lint_source(db, now, "people", file, sizeof(file), e) != 0 ||
	    svc_config_select(db, now, "people", "user, calendar", "calendar "
	    "IS NOT NULL AND calendar<>'24x7'", "rowno", &st, e) != 0)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *cal = (const char *)sqlite3_column_text(st, 1);
		struct svc_cal *c;
		struct svc_err ce;

		svc_err_clear(&ce);
		if ((c = svc_cal_load(db, now, cal, &ce)) == NULL) {
			fprintf(fp, "%s: person '%s': calendar '%s' does not exist "
			    "(routing treats them as always on duty)\n", file,
			    sqlite3_column_text(st, 0), cal);
			(*findings)++;
		}
		svc_cal_free(c);
	}
	sqlite3_finalize(st);
	return 0;
}

int
svc_route_lint(struct svc_db *db, int64_t now, char *const *files,
    size_t nfiles, FILE *fp, struct svc_err *e)
{
	int findings = 0;
	size_t i;

	if (files == NULL) {
		if (svc_lint_stored(db, now, "classify", NULL, fp, &findings, e) != 0 ||
		    svc_lint_stored(db, now, "priority", NULL, fp, &findings, e) != 0 ||
		    svc_lint_stored(db, now, "routing", NULL, fp, &findings, e) != 0 ||
		    lint_calendars(db, now, fp, &findings, e) != 0)
			return -1;
		return findings;
	}
	for (i = 0; i < nfiles; i++)
		if (lint_file(files[i], fp, &findings, e) != 0)
			return -1;
	return findings;
}
