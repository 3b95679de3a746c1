/* measure.c: measures, their hierarchy, gates and lights. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cond.h"
#include "measure.h"
#include "out.h"
#include "report.h"
#include "sla.h"
#include "ticket.h"
#include "timeutil.h"

const struct svc_mfield svc_mfields[] = {
	{ "id", SVC_MF_TEXT, 0, "the measure's key (M-12, PRJ-Billing)" },
	{ "level", SVC_MF_LEVEL, 0, "organization, portfolio, program, project, package or measure" },
	{ "parent", SVC_MF_TEXT, 0, "the id of the level above" },
	{ "title", SVC_MF_TEXT, 0, "one line" },
	{ "description", SVC_MF_TEXT, 0, "what is changed and why" },
	{ "business_unit", SVC_MF_TEXT, 0, "the business unit it serves" },
	{ "owner", SVC_MF_TEXT, 0, "the user who implements it" },
	{ "sponsor", SVC_MF_TEXT, 0, "the user who pays for it and decides" },
	{ "controller", SVC_MF_TEXT, 0, "the user who checks its numbers (not the owner)" },
	{ "kpi", SVC_MF_KPI, 1, "the KPI it moves (svc-report --help lists them)" },
	{ "segment", SVC_MF_COND, 1, "the tickets the KPI is taken over (a condition)" },
	{ "window", SVC_MF_DUR, 1, "how long a window the KPI is taken over (28d)" },
	{ "baseline", SVC_MF_NUM, 1, "the KPI before (measured by svc-measure baseline)" },
	{ "target", SVC_MF_NUM, 1, "the KPI value it aims for" },
	{ "planned_effect", SVC_MF_NUM, 1, "planned effect per month, in currency" },
	{ "one_time_cost", SVC_MF_NUM, 1, "one-time cost, in currency" },
	{ "currency", SVC_MF_TEXT, 0, "EUR, USD, ..." },
	{ "forecast_effect", SVC_MF_NUM, 0, "the effect per month now expected" },
	{ "evidence_required", SVC_MF_LIST, 0, "evidence items closure needs, comma-separated" },
	{ "risks", SVC_MF_TEXT, 0, "free text" },
	{ "dependencies", SVC_MF_TEXT, 0, "free text" },
	{ "problem", SVC_MF_INT, 0, "the problem (svc-escalate --problems) it came from" },
};
const int svc_nmfields = (int)(sizeof(svc_mfields) / sizeof(svc_mfields[0]));


static const char *const levels[] = { "organization", "portfolio", "program",
    "project", "package", "measure", NULL };
static const char *const dois[] = { "Defined", "Identified", "Detailed",
    "Decided", "Implemented", "Closed" };

void
svc_lights_defaults(struct svc_lights *l)
{
	l->slip_amber = 0;
	l->slip_red = 14 * 86400;
	l->effect_amber = 90;
	l->effect_red = 70;
}

const char *
svc_doi_name(int doi)
{
	return doi >= 0 && doi <= 5 ? dois[doi] : NULL;
}

int
svc_mfield(const char *name)
{
	int i;

	for (i = 0; i < svc_nmfields; i++)
		if (strcmp(svc_mfields[i].name, name) == 0)
			return i;
	return -1;
}

static int
level_rank(const char *s)
{
	int i;

	for (i = 0; s && levels[i]; i++)
		if (strcmp(levels[i], s) == 0)
			return i;
	return -1;
}

const char *
svc_measure_gate_approvers(int gate, const char **rule)
{
	*rule = gate == 3 ? "all" : "any";
	switch (gate) {
	case 1: case 2: return "sponsor";
	case 3: return "sponsor,controller";
	case 5: return "controller";
	default: return NULL;
	}
}

/* ---- one measure in memory: its columns by name ---- */

#define MAXCOL 48

struct mrec {
	int n;
	char *name[MAXCOL];
	char *val[MAXCOL];
};

static void
mrec_free(struct mrec *m)
{
	int i;

	for (i = 0; i < m->n; i++) {
		free(m->name[i]);
		free(m->val[i]);
	}
	m->n = 0;
}

static const char *
mget(const struct mrec *m, const char *name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->name[i], name) == 0)
			return m->val[i];
	return NULL;
}

static int64_t
mtime(const struct mrec *m, const char *name)
{
	const char *s = mget(m, name);

	return s ? strtoll(s, NULL, 10) : -1;
}

static double
mnum(const struct mrec *m, const char *name)
{
	const char *s = mget(m, name);

	return s ? strtod(s, NULL) : NAN;
}

static void
mrec_row(struct mrec *m, sqlite3_stmt *st)
{
	int i, nc = sqlite3_column_count(st);

	m->n = 0;
	for (i = 0; i < nc && i < MAXCOL; i++) {
		m->name[m->n] = svc_xstrdup(sqlite3_column_name(st, i));
		m->val[m->n] = svc_col_dup(st, i);
		m->n++;
	}
}

/* Load measure id into m: 1 found, 0 not, -1 error. */
static int
load(struct svc_db *db, const char *id, struct mrec *m, struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc;

	m->n = 0;
	if (svc_db_prepare(db, "SELECT * FROM measures WHERE id=?", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		mrec_row(m, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading a measure");
	return rc == SQLITE_ROW;
}

static int
need(struct svc_db *db, const char *id, struct mrec *m, struct svc_err *e)
{
	int rc = load(db, id, m, e);

	if (rc == 0)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "no measure '%s' (svc-measure list shows them)", id);
	return rc < 0 ? -1 : 0;
}

/* ---- a write: run, audit, commit ---- */

struct wr {
	struct svc_write w;
	struct svc_db *db;
	const struct svc_mopts *o;
};

static int
wr_begin(struct wr *w, struct svc_db *db, const struct svc_mopts *o,
    const char *kind, struct svc_err *e)
{
	w->db = db;
	w->o = o;
	return svc_write_begin(&w->w, db, o->program, o->args, o->actor, kind,
	    o->now, o->dry_run, e);
}

static int
wr_end(struct wr *w, int rc, struct svc_err *e)
{
	return svc_write_end(&w->w, rc, e);
}

static int
step_done(struct svc_db *db, sqlite3_stmt *st, const char *what,
    struct svc_err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return svc_db_fail(db, rc, e, what);
	return 0;
}

/* ---- values ---- */

/* Check and normalise value v of field f into out; 0 or -1 (usage). */
static int
check_value(int f, const char *v, struct svc_buf *out, struct svc_err *e)
{
	const struct svc_mfield *m = &svc_mfields[f];
	char *end;
	int64_t d;

	svc_buf_reset(out);
	if (v == NULL || *v == '\0')
		return 0;
	switch (m->type) {
	case SVC_MF_NUM: {
		double x = strtod(v, &end);

		if (end == v || *end != '\0' || !isfinite(x))
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "%s: '%s' is not a number", m->name, v);
		svc_buf_printf(out, "%.15g", x);
		return 0;
	}
	case SVC_MF_INT:
		d = strtoll(v, &end, 10);
		if (end == v || *end != '\0' || d < 1)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "%s: '%s' is not a positive whole number", m->name, v);
		svc_buf_printf(out, "%lld", (long long)d);
		return 0;
	case SVC_MF_LEVEL:
		if (level_rank(v) < 0)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "level: '%s' is not organization, portfolio, "
			    "program, project, package or measure", v);
		break;
	case SVC_MF_COND: {
		struct svc_err ce;
		struct svc_cond *c;

		svc_err_clear(&ce);
		if ((c = svc_cond_parse(v, strlen(v), NULL, &ce)) == NULL)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "segment: %s", ce.msg);
		svc_cond_free(c);
		break;
	}
	case SVC_MF_DUR:
		if (svc_sla_target(v, &d) != 0 || d <= 0)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "window: '%s' is not a duration such as 28d", v);
		break;
	case SVC_MF_KPI:
		if (svc_report_kpi_unit(v) == NULL)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "kpi: no KPI '%s' (svc-report --help lists them)", v);
		break;
	default:
		break;
	}
	svc_buf_adds(out, v);
	return 0;
}

/* The parent of a measure must exist and be of a higher level. */
static int
check_parent(struct svc_db *db, const char *id, const char *level,
    const char *parent, struct svc_err *e)
{
	struct mrec p = { 0 };
	int rc;

	if (parent == NULL)
		return 0;
	if (strcmp(parent, id) == 0)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "%s: a measure cannot be its own parent", id);
	if ((rc = load(db, parent, &p, e)) <= 0) {
		if (rc == 0)
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "%s: no parent '%s'", id, parent);
		return -1;
	}
	rc = level_rank(mget(&p, "level")) >= level_rank(level);
	if (rc)
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: a %s cannot be "
		    "under %s, a %s (organization > portfolio > program > "
		    "project > package > measure)", id, level, parent,
		    mget(&p, "level"));
	mrec_free(&p);
	return rc ? -1 : 0;
}

/* Apply names/vals to measure id inside w's transaction. */
static int
set_fields(struct wr *w, const char *id, const char *const *names,
    const char *const *vals, int n, int create, int *changed,
    struct svc_err *e)
{
	struct svc_db *db = w->db;
	struct mrec m = { 0 };
	struct svc_buf v = { 0 }, sql = { 0 };
	sqlite3_stmt *st = NULL;
	const char *level, *parent;
	int i, f, rc = -1, found, doi;
	char *newv[64] = { 0 };
	int setf[64] = { 0 };

	*changed = 0;
	if ((found = load(db, id, &m, e)) < 0)
		return -1;
	if (create && found) {
		mrec_free(&m);
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "measure '%s' exists already (svc-measure set changes it)",
		    id);
	}
	if (!create && !found)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "no measure '%s' (svc-measure list shows them)", id);
	doi = found ? atoi(mget(&m, "doi")) : 0;
	for (i = 0; i < n; i++) {
		if ((f = svc_mfield(names[i])) < 0 || f == 0) {
			svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "no field '%s' of a measure", names[i]);
			goto out;
		}
		if (check_value(f, vals[i], &v, e) != 0)
			goto out;
		free(newv[f]);
		newv[f] = v.len ? svc_xstrdup(v.s) : NULL;
		setf[f] = 1;
	}
	if (found && mget(&m, "side") && strcmp(mget(&m, "side"),
	    "cancelled") == 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "%s is cancelled; nothing about it changes", id);
		goto out;
	}
	for (f = 1; f < svc_nmfields; f++) {
		const char *old = found ? mget(&m, svc_mfields[f].name) : NULL;
		char num[64];

		if (!setf[f])
			continue;
		if (old && svc_mfields[f].type == SVC_MF_NUM) {
			snprintf(num, sizeof(num), "%.15g", strtod(old, NULL));
			old = num;
		}
		if ((old == NULL) == (newv[f] == NULL) && (old == NULL ||
		    strcmp(old, newv[f]) == 0)) {
			setf[f] = 0;
			continue;
		}
		if (svc_mfields[f].frozen && doi >= 3) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: %s is "
			    "frozen since DoI 3 Decided (the plan was approved "
			    "as it is)", id, svc_mfields[f].name);
			goto out;
		}
		if (doi >= 5) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "%s is closed; nothing about it changes", id);
			goto out;
		}
	}
	level = setf[1] ? newv[1] : found ? mget(&m, "level") : "measure";
	if (level == NULL)
		level = "measure";
	if (found && doi > 0 && setf[1] && strcmp(level, "measure") != 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: at DoI %d it "
		    "stays a measure", id, doi);
		goto out;
	}
	parent = setf[2] ? newv[2] : found ? mget(&m, "parent") : NULL;
	if ((setf[1] || setf[2]) && check_parent(db, id, level, parent,
	    e) != 0)
		goto out;
	if (!found) {
		if (newv[3] == NULL) {
			svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "%s: a new measure needs a title", id);
			goto out;
		}
		if (svc_db_prepare(db, "INSERT INTO measures(id, level, title, "
		    "created_at, updated_at, run) VALUES (?,?,?,?,?,?)", &st,
		    e) != 0)
			goto out;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, newv[3], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, w->o->now);
		sqlite3_bind_int64(st, 5, w->o->now);
		sqlite3_bind_int64(st, 6, w->w.run.id);
		if (step_done(db, st, "adding a measure", e) != 0)
			goto out;
		if (svc_audit(&w->w.audit, "measure", id, "created", NULL,
		    level, NULL, e) != 0)
			goto out;
	}
	for (f = 1; f < svc_nmfields; f++) {
		const struct svc_mfield *mf = &svc_mfields[f];

		if (!setf[f])
			continue;
		svc_buf_reset(&sql);
		svc_buf_printf(&sql, "UPDATE measures SET \"%s\"=?, updated_at=?, "
		    "run=? WHERE id=?", mf->name);
		if (svc_db_prepare(db, sql.s, &st, e) != 0)
			goto out;
		if (newv[f] == NULL)
			sqlite3_bind_null(st, 1);
		else if (mf->type == SVC_MF_NUM)
			sqlite3_bind_double(st, 1, strtod(newv[f], NULL));
		else if (mf->type == SVC_MF_INT)
			sqlite3_bind_int64(st, 1, strtoll(newv[f], NULL, 10));
		else
			sqlite3_bind_text(st, 1, newv[f], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, w->o->now);
		sqlite3_bind_int64(st, 3, w->w.run.id);
		sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
		if (step_done(db, st, "changing a measure", e) != 0)
			goto out;
		if (svc_audit(&w->w.audit, "measure", id, mf->name, found ?
		    mget(&m, mf->name) : NULL, newv[f], NULL, e) != 0)
			goto out;
		(*changed)++;
	}
	if (!found)
		*changed = *changed > 0 ? *changed : 1;
	rc = 0;
out:
	for (f = 0; f < 64; f++)
		free(newv[f]);
	mrec_free(&m);
	svc_buf_free(&v);
	svc_buf_free(&sql);
	return rc;
}

int
svc_measure_set(struct svc_db *db, const struct svc_mopts *o, const char *id,
    const char *const *names, const char *const *vals, int n, int create,
    struct svc_err *e)
{
	struct wr w;
	int changed;

	if (id == NULL || *id == '\0')
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "a measure needs an id");
	if (wr_begin(&w, db, o, "measure", e) != 0)
		return -1;
	return wr_end(&w, set_fields(&w, id, names, vals, n, create, &changed,
	    e), e);
}

int
svc_measure_load_row(struct svc_db *db, const struct svc_mopts *o,
    int64_t run, const char *const *v, const char *file, long line,
    int *changed, struct svc_err *e)
{
	struct wr w;
	struct mrec m = { 0 };
	const char *names[64], *vals[64];
	int i, n = 0, rc, found;

	memset(&w, 0, sizeof(w));
	w.db = db;
	w.o = o;
	w.w.run.id = run;
	svc_audit_init(&w.w.audit, db, o->now, o->actor, o->program, run);
	if (v[0] == NULL) {
		svc_audit_free(&w.w.audit);
		return svc_err_set(e, SVC_EXIT_FATAL, file, line, 0,
		    "column 'id': a value is required");
	}
	if ((found = load(db, v[0], &m, e)) < 0)
		goto fail;
	if (v[svc_nmfields] && (found ? strcmp(v[svc_nmfields], mget(&m,
	    "doi")) != 0 : strcmp(v[svc_nmfields], "0") != 0)) {
		svc_err_set(e, SVC_EXIT_FATAL, file, line, 0, "%s: doi %s is "
		    "not its DoI %s (gates move it: svc-measure gate)", v[0],
		    v[svc_nmfields], found ? mget(&m, "doi") : "0");
		goto fail;
	}
	for (i = 1; i < svc_nmfields; i++) {
		names[n] = svc_mfields[i].name;
		vals[n++] = v[i];
	}
	rc = set_fields(&w, v[0], names, vals, n, !found, changed, e);
	if (rc == 0)
		rc = svc_audit_flush(&w.w.audit, e);
	svc_audit_free(&w.w.audit);
	mrec_free(&m);
	if (rc != 0 && e->line == 0) {
		char msg[sizeof(e->msg)];

		snprintf(msg, sizeof(msg), "%s", e->msg);
		svc_err_set(e, e->status == SVC_EXIT_USAGE ? SVC_EXIT_FATAL :
		    e->status, file, line, 0, "%s", msg);
	}
	return rc;
fail:
	svc_audit_free(&w.w.audit);
	mrec_free(&m);
	return -1;
}

int
svc_measure_export(struct svc_db *db, FILE *fp, int format,
    struct svc_err *e)
{
	sqlite3_stmt *st;
	struct svc_out *out;
	struct svc_buf sql = { 0 };
	const char *v[32], *cols[32];
	int i, rc, nc = svc_nmfields + 1;

	/* the columns of svc_mfields, then doi; parents before their
	 * children, so the file loads again as it is */
	svc_buf_adds(&sql, "WITH RECURSIVE t(id, d) AS (SELECT id, 0 FROM "
	    "measures WHERE parent IS NULL OR parent NOT IN (SELECT id FROM "
	    "measures) UNION ALL SELECT m.id, t.d + 1 FROM measures m JOIN t ON "
	    "m.parent = t.id WHERE t.d < 16) SELECT ");
	for (i = 0; i < svc_nmfields; i++) {
		cols[i] = svc_mfields[i].name;
		svc_buf_printf(&sql, "\"%s\", ", cols[i]);
	}
	cols[i] = "doi";
	svc_buf_adds(&sql, "doi FROM measures JOIN t USING (id) ORDER BY t.d, "
	    "id");
	rc = svc_db_prepare(db, sql.s, &st, e);
	svc_buf_free(&sql);
	if (rc != 0)
		return -1;
	out = svc_out_open(fp, format, (size_t)nc, cols);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char nums[32][32];

		for (i = 0; i < nc; i++) {
			v[i] = (const char *)sqlite3_column_text(st, i);
			if (sqlite3_column_type(st, i) == SQLITE_FLOAT) {
				snprintf(nums[i], sizeof(nums[i]), "%.15g",
				    sqlite3_column_double(st, i));
				v[i] = nums[i];
			}
		}
		svc_out_row(out, v, NULL);
	}
	sqlite3_finalize(st);
	if (svc_out_close(out) != 0)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "write error on standard output");
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "exporting measures");
	return 0;
}

/* ---- KPI ---- */

static int
measure_window(const struct mrec *m, int64_t *w, struct svc_err *e,
    const char *id)
{
	const char *s = mget(m, "window");

	if (mget(m, "kpi") == NULL || mget(m, "segment") == NULL || s == NULL)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: set kpi, "
		    "segment and window first", id);
	if (svc_sla_target(s, w) != 0 || *w <= 0)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "%s: window '%s' is not a duration", id, s);
	return 0;
}

/* Store a KPI measurement as the baseline or the re-measurement. */
static int
store_kpi(struct wr *w, const char *id, int remeasure, double value,
    int64_t n, int64_t from, const char *old, const char *kpi,
    struct svc_err *e)
{
	sqlite3_stmt *st;
	char num[64];

	if (svc_db_prepare(w->db, remeasure ?
	    "UPDATE measures SET remeasured=?, remeasured_n=?, "
	    "remeasured_from=?, remeasured_until=?, updated_at=?4 WHERE id=?5" :
	    "UPDATE measures SET baseline=?, baseline_n=?, baseline_from=?, "
	    "baseline_until=?, updated_at=?4 WHERE id=?5", &st, e) != 0)
		return -1;
	sqlite3_bind_double(st, 1, value);
	sqlite3_bind_int64(st, 2, n);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, w->o->now);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	snprintf(num, sizeof(num), "%.15g", value);
	return step_done(w->db, st, "storing the KPI", e) != 0 ||
	    svc_audit(&w->w.audit, "measure", id, remeasure ? "remeasured" :
	    "baseline", old, num, kpi, e) != 0 ? -1 : 0;
}

int
svc_measure_kpi(struct svc_db *db, const struct svc_mopts *o, const char *id,
    int remeasure, double *value, int64_t *n, struct svc_err *e)
{
	struct mrec m = { 0 };
	struct wr w;
	int64_t win;
	char *seg = NULL, *kpi = NULL;
	int rc = -1, doi;

	if (need(db, id, &m, e) != 0)
		return -1;
	doi = atoi(mget(&m, "doi"));
	if (!remeasure && doi >= 3) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: the baseline is "
		    "frozen since DoI 3 Decided; svc-measure remeasure takes the "
		    "KPI again", id);
		goto out;
	}
	if (remeasure && doi < 4) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: re-measure after "
		    "DoI 4 Implemented (it is at DoI %d)", id, doi);
		goto out;
	}
	if (measure_window(&m, &win, e, id) != 0)
		goto out;
	seg = svc_xstrdup(mget(&m, "segment"));
	kpi = svc_xstrdup(mget(&m, "kpi"));
	if (svc_report_kpi_value(db, kpi, seg, o->now - win, o->now, o->now,
	    value, n, e) != 0)
		goto out;
	if (isnan(*value)) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: %s has no value "
		    "over the tickets where %s in the %s before now", id, kpi, seg,
		    mget(&m, "window"));
		goto out;
	}
	if (wr_begin(&w, db, o, "measure", e) != 0)
		goto out;
	rc = store_kpi(&w, id, remeasure, *value, *n, o->now - win,
	    remeasure ? mget(&m, "remeasured") : mget(&m, "baseline"), kpi, e);
	rc = wr_end(&w, rc, e);
out:
	free(seg);
	free(kpi);
	mrec_free(&m);
	return rc;
}

/* The problem's key as a condition: each key field = its value (quoted),
 * or "not FIELD" for an empty one. */
static int
key_cond(const char *fields, const char *key, struct svc_buf *b)
{
	const char *f = fields, *k = key;
	int nf = 0;

	if (*k++ != '[')
		return -1;
	while (*f) {
		size_t fl = strcspn(f, ",");

		if (nf++)
			svc_buf_adds(b, " and ");
		while (*k == ' ')
			k++;
		if (strncmp(k, "null", 4) == 0) {
			svc_buf_printf(b, "not %.*s", (int)fl, f);
			k += 4;
		} else if (*k == '"') {
			svc_buf_printf(b, "%.*s=\"", (int)fl, f);
			for (k++; *k && *k != '"'; k++) {
				if (*k == '\\' && k[1])
					k++;
				if (*k == '"')
					svc_buf_addc(b, '"');
				svc_buf_addc(b, *k);
			}
			if (*k != '"')
				return -1;
			k++;
			svc_buf_addc(b, '"');
		} else
			return -1;
		if (*k == ',')
			k++;
		f += fl;
		if (*f == ',')
			f++;
	}
	return nf ? 0 : -1;
}

int
svc_measure_from_problem(struct svc_db *db, const struct svc_mopts *o,
    int64_t pid, const char *id, const char *kpi, const char *window,
    char *idout, size_t idn, struct svc_err *e)
{
	sqlite3_stmt *st;
	struct svc_buf cond = { 0 }, title = { 0 };
	struct wr w;
	char idb[64], pnum[24];
	const char *names[6], *vals[6];
	double v;
	int64_t n, win;
	int rc, changed;

	if (svc_db_prepare(db, "SELECT key, coalesce(key_fields, "
	    "'category,subcategory,service'), tickets, coalesce(measure, "
	    "measure_id) FROM problems "
	    "WHERE id=?", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return svc_db_fail(db, rc, e, "reading the problem");
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no problem %lld "
		    "(svc-report problems lists them)", (long long)pid);
	}
	if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "problem %lld has "
		    "measure %s already", (long long)pid,
		    (const char *)sqlite3_column_text(st, 3));
		sqlite3_finalize(st);
		return -1;
	}
	if (key_cond((const char *)sqlite3_column_text(st, 1),
	    (const char *)sqlite3_column_text(st, 0), &cond) != 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "problem %lld: cannot "
		    "read its key %s", (long long)pid,
		    (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		svc_buf_free(&cond);
		return -1;
	}
	svc_buf_printf(&title, "Problem %lld: %s (%lld tickets)",
	    (long long)pid, (const char *)sqlite3_column_text(st, 0),
	    (long long)sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	if (id == NULL) {
		snprintf(idb, sizeof(idb), "M-%lld", (long long)pid);
		id = idb;
	}
	snprintf(idout, idn, "%s", id);
	snprintf(pnum, sizeof(pnum), "%lld", (long long)pid);
	if (kpi == NULL)
		kpi = "created";
	if (window == NULL)
		window = "28d";
	if (svc_sla_target(window, &win) != 0 || win <= 0) {
		rc = svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "window: '%s' "
		    "is not a duration such as 28d", window);
		goto done;
	}
	/* the baseline first (a read), then one write */
	if ((rc = svc_report_kpi_value(db, kpi, cond.s, o->now - win, o->now,
	    o->now, &v, &n, e)) != 0)
		goto done;
	names[0] = "title"; vals[0] = title.s;
	names[1] = "problem"; vals[1] = pnum;
	names[2] = "segment"; vals[2] = cond.s;
	names[3] = "kpi"; vals[3] = kpi;
	names[4] = "window"; vals[4] = window;
	if ((rc = wr_begin(&w, db, o, "measure", e)) != 0)
		goto done;
	rc = set_fields(&w, id, names, vals, 5, 1, &changed, e);
	if (rc == 0)
		rc = svc_db_prepare(db, "UPDATE problems SET measure=? WHERE "
		    "id=?", &st, e);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, pid);
		rc = step_done(db, st, "linking the problem", e);
	}
	if (rc == 0)
		rc = svc_audit(&w.w.audit, "problem", pnum, "measure", NULL, id,
		    NULL, e);
	/* a segment without tickets in the window leaves the baseline for
	 * svc-measure baseline later */
	if (rc == 0 && !isnan(v))
		rc = store_kpi(&w, id, 0, v, n, o->now - win, NULL, kpi, e);
	rc = wr_end(&w, rc, e);
done:
	svc_buf_free(&cond);
	svc_buf_free(&title);
	return rc;
}

/* ---- milestones, effects, evidence ---- */

static int
side_or_closed(const struct mrec *m, const char *id, struct svc_err *e)
{
	const char *side = mget(m, "side");

	if (side && strcmp(side, "cancelled") == 0)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "%s is cancelled; nothing about it changes", id);
	if (atoi(mget(m, "doi")) >= 5)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "%s is closed; nothing about it changes", id);
	return 0;
}

static void
bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

static void
tstr(int64_t t, char *b, size_t n)
{
	if (t < 0)
		*b = '\0';
	else
		svc_time_format(t, b, n);
}

int
svc_measure_milestone(struct svc_db *db, const struct svc_mopts *o,
    const char *id, const struct svc_milestone *ms, int64_t *seq,
    struct svc_err *e)
{
	struct mrec m = { 0 };
	struct wr w;
	sqlite3_stmt *st;
	char key[128], t[40];
	int rc = -1, doi, r;
	int64_t planned = -1;

	if (need(db, id, &m, e) != 0)
		return -1;
	if (side_or_closed(&m, id, e) != 0)
		goto out;
	if (strcmp(mget(&m, "level"), "measure") != 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s is a %s; "
		    "milestones belong to measures", id, mget(&m, "level"));
		goto out;
	}
	doi = atoi(mget(&m, "doi"));
	if (ms->seq > 0) {
		if (svc_db_prepare(db, "SELECT planned FROM milestones WHERE "
		    "measure_id=? AND seq=?", &st, e) != 0)
			goto out;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, ms->seq);
		r = sqlite3_step(st);
		if (r == SQLITE_ROW)
			planned = svc_col_time(st, 0);
		sqlite3_finalize(st);
		if (r != SQLITE_ROW) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "%s has no milestone %lld", id, (long long)ms->seq);
			goto out;
		}
	}
	if (doi >= 3 && (ms->seq == 0 || (ms->planned >= 0 &&
	    ms->planned != planned))) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: the milestone "
		    "plan is frozen since DoI 3 Decided (set a forecast "
		    "instead)", id);
		goto out;
	}
	if (ms->seq == 0 && (ms->title == NULL || ms->planned < 0)) {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "a new milestone needs "
		    "--title and --planned");
		goto out;
	}
	if (wr_begin(&w, db, o, "measure", e) != 0)
		goto out;
	if (ms->seq == 0) {
		*seq = 1;
		if (svc_db_prepare(db, "SELECT coalesce(max(seq), 0) + 1 FROM "
		    "milestones WHERE measure_id=?", &st, e) == 0) {
			sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				*seq = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
		rc = svc_db_prepare(db, "INSERT INTO milestones(measure_id, seq, "
		    "title, planned, forecast, done, evidence) VALUES "
		    "(?,?,?,?,?,?,?)", &st, e);
		if (rc == 0) {
			sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, *seq);
			sqlite3_bind_text(st, 3, ms->title, -1, SQLITE_STATIC);
			bind_time(st, 4, ms->planned);
			bind_time(st, 5, ms->forecast);
			bind_time(st, 6, ms->done);
			sqlite3_bind_text(st, 7, ms->evidence, -1, SQLITE_STATIC);
			rc = step_done(db, st, "adding a milestone", e);
		}
		snprintf(key, sizeof(key), "%s#%lld", id, (long long)*seq);
		tstr(ms->planned, t, sizeof(t));
		if (rc == 0)
			rc = svc_audit(&w.w.audit, "milestone", key, "planned", NULL,
			    t, ms->title, e);
	} else {
		static const char *const f[] = { "title", "planned", "forecast",
		    "done", "evidence" };
		int i;

		*seq = ms->seq;
		snprintf(key, sizeof(key), "%s#%lld", id, (long long)ms->seq);
		rc = 0;
		for (i = 0; i < 5 && rc == 0; i++) {
			char sql[128];
			const char *nv = NULL;
			int64_t tv = -1;

			switch (i) {
			case 0: nv = ms->title; break;
			case 1: tv = ms->planned; break;
			case 2: tv = ms->forecast; break;
			case 3: tv = ms->done; break;
			default: nv = ms->evidence; break;
			}
			if (nv == NULL && tv < 0)
				continue;
			snprintf(sql, sizeof(sql), "UPDATE milestones SET %s=? "
			    "WHERE measure_id=? AND seq=?", f[i]);
			if ((rc = svc_db_prepare(db, sql, &st, e)) != 0)
				break;
			if (nv)
				sqlite3_bind_text(st, 1, nv, -1, SQLITE_STATIC);
			else
				sqlite3_bind_int64(st, 1, tv);
			sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, ms->seq);
			tstr(tv, t, sizeof(t));
			rc = step_done(db, st, "changing a milestone", e) != 0 ||
			    svc_audit(&w.w.audit, "milestone", key, f[i], NULL,
			    nv ? nv : t, NULL, e) != 0 ? -1 : 0;
		}
	}
	rc = wr_end(&w, rc, e);
out:
	mrec_free(&m);
	return rc;
}

int
svc_measure_effect(struct svc_db *db, const struct svc_mopts *o,
    const char *id, const char *month, double amount, const char *note,
    struct svc_err *e)
{
	struct mrec m = { 0 };
	struct wr w;
	sqlite3_stmt *st;
	char num[64];
	int rc = -1;

	if (month == NULL || strlen(month) != 7 || month[4] != '-' ||
	    atoi(month + 5) < 1 || atoi(month + 5) > 12 ||
	    strspn(month, "0123456789-") != 7)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "--month: '%s' is not YYYY-MM", month ? month : "");
	if (need(db, id, &m, e) != 0)
		return -1;
	if (side_or_closed(&m, id, e) != 0)
		goto out;
	if (atoi(mget(&m, "doi")) < 3) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: actual effects "
		    "count from DoI 3 Decided (it is at DoI %s)", id,
		    mget(&m, "doi"));
		goto out;
	}
	if (wr_begin(&w, db, o, "measure", e) != 0)
		goto out;
	rc = svc_db_prepare(db, "INSERT INTO effects(measure_id, month, "
	    "amount, note, actor, at) VALUES (?,?,?,?,?,?)", &st, e);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 3, amount);
		sqlite3_bind_text(st, 4, note, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, o->actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, o->now);
		snprintf(num, sizeof(num), "%.15g", amount);
		rc = step_done(db, st, "adding an effect", e) != 0 ||
		    svc_audit(&w.w.audit, "effect", id, month, NULL, num, note,
		    e) != 0 ? -1 : 0;
	}
	rc = wr_end(&w, rc, e);
out:
	mrec_free(&m);
	return rc;
}

int
svc_measure_evidence(struct svc_db *db, const struct svc_mopts *o,
    const char *id, const char *item, const char *ref, int validate,
    struct svc_err *e)
{
	struct mrec m = { 0 };
	struct wr w;
	sqlite3_stmt *st;
	int rc = -1, r;
	int64_t eid = 0;
	char *by = NULL;

	if (need(db, id, &m, e) != 0)
		return -1;
	if (side_or_closed(&m, id, e) != 0)
		goto out;
	if (!svc_in_list(mget(&m, "evidence_required"), item)) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s requires no "
		    "evidence '%s' (evidence_required: %s)", id, item,
		    mget(&m, "evidence_required") ? mget(&m,
		    "evidence_required") : "none");
		goto out;
	}
	if (validate) {
		if (svc_db_prepare(db, "SELECT id, submitted_by, validated_by "
		    "FROM evidence WHERE measure_id=? AND item=? ORDER BY id "
		    "DESC LIMIT 1", &st, e) != 0)
			goto out;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
		r = sqlite3_step(st);
		if (r == SQLITE_ROW) {
			eid = sqlite3_column_int64(st, 0);
			by = svc_col_dup(st, 1);
		}
		sqlite3_finalize(st);
		if (eid == 0) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: no "
			    "evidence '%s' submitted yet", id, item);
			goto out;
		}
		if (strcmp(by, o->actor) == 0) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: %s "
			    "submitted evidence '%s'; someone else validates it",
			    id, by, item);
			goto out;
		}
	} else if (ref == NULL || *ref == '\0') {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "evidence needs --ref "
		    "(a link or where to find it)");
		goto out;
	}
	if (wr_begin(&w, db, o, "measure", e) != 0)
		goto out;
	rc = svc_db_prepare(db, validate ? "UPDATE evidence SET validated_by=?, "
	    "validated_at=? WHERE id=?" : "INSERT INTO evidence(measure_id, "
	    "item, ref, submitted_by, submitted_at) VALUES (?4,?5,?6,?1,?2)",
	    &st, e);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, o->actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, o->now);
		if (validate)
			sqlite3_bind_int64(st, 3, eid);
		else {
			sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, item, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, ref, -1, SQLITE_STATIC);
		}
		rc = step_done(db, st, "recording evidence", e) != 0 ||
		    svc_audit(&w.w.audit, "evidence", id, item, NULL, validate ?
		    "validated" : "submitted", ref, e) != 0 ? -1 : 0;
	}
	rc = wr_end(&w, rc, e);
out:
	free(by);
	mrec_free(&m);
	return rc;
}

/* ---- gates ---- */

/* One missing item of a gate: a line of b. */
#define miss(b, ...) (svc_buf_printf((b), __VA_ARGS__), svc_buf_addc((b), '\n'))

static int64_t
count_q(struct svc_db *db, const char *sql, const char *id)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
check_identified(struct svc_db *db, const struct mrec *m, struct svc_buf *b)
{
	const char *o = mget(m, "owner"), *c = mget(m, "controller");

	(void)db;
	if (o == NULL)
		miss(b, "no owner");
	if (mget(m, "sponsor") == NULL)
		miss(b, "no sponsor");
	if (c == NULL)
		miss(b, "no controller");
	if (o && c && strcmp(o, c) == 0)
		miss(b, "the controller is the owner (%s); someone else "
		    "controls", o);
	if (mget(m, "kpi") == NULL)
		miss(b, "no baseline KPI (kpi)");
	if (mget(m, "segment") == NULL)
		miss(b, "no segment for the KPI");
	if (mget(m, "window") == NULL)
		miss(b, "no window for the KPI");
	if (mget(m, "baseline") == NULL)
		miss(b, "no baseline value (svc-measure baseline measures it)");
	if (mget(m, "target") == NULL)
		miss(b, "no target value");
}

static void
check_detailed(struct svc_db *db, const char *id, const struct mrec *m,
    struct svc_buf *b)
{
	int64_t n = count_q(db, "SELECT count(*) FROM milestones WHERE "
	    "measure_id=?", id);
	int64_t np = count_q(db, "SELECT count(*) FROM milestones WHERE "
	    "measure_id=? AND planned IS NULL", id);

	if (n <= 0)
		miss(b, "no milestones");
	else if (np > 0)
		miss(b, "%lld milestones without a planned date", (long long)np);
	if (mget(m, "planned_effect") == NULL)
		miss(b, "no planned effect");
	if (mget(m, "evidence_required") == NULL)
		miss(b, "no evidence required (evidence_required)");
}

/* The approval of gate for measure id: ok, or a missing item. */
static int
check_approval(struct svc_db *db, const char *id, int gate, struct svc_buf *b,
    int64_t *aid, struct svc_err *e)
{
	sqlite3_stmt *st;
	char subj[300];
	int rc;

	*aid = 0;
	snprintf(subj, sizeof(subj), "measure:%s", id);
	if (svc_db_prepare(db, "SELECT a.id, a.state, (SELECT group_concat("
	    "CASE WHEN v.slot IS NULL THEN p.users END, ' or ') FROM approvers "
	    "p LEFT JOIN votes v ON v.approval_id = p.approval_id AND v.slot = "
	    "p.slot WHERE p.approval_id = a.id), (SELECT v.voter || ': ' || "
	    "coalesce(v.comment, '') FROM votes v WHERE v.approval_id = a.id "
	    "AND v.vote = 'reject' LIMIT 1) FROM approvals a WHERE a.subject=? "
	    "AND a.gate=? AND a.used_at IS NULL ORDER BY a.id DESC LIMIT 1",
	    &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, subj, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, gate);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(st, 1);
		int64_t id2 = sqlite3_column_int64(st, 0);

		if (strcmp(state, "approved") == 0)
			*aid = id2;
		else if (strcmp(state, "pending") == 0)
			miss(b, "approval %lld of gate %d is pending (waiting "
			    "for %s)", (long long)id2, gate,
			    sqlite3_column_type(st, 2) == SQLITE_NULL ? "?" :
			    (const char *)sqlite3_column_text(st, 2));
		else
			miss(b, "approval %lld of gate %d was rejected (%s); "
			    "request a new one", (long long)id2, gate,
			    sqlite3_column_type(st, 3) == SQLITE_NULL ? state :
			    (const char *)sqlite3_column_text(st, 3));
	} else if (rc == SQLITE_DONE)
		miss(b, "no approval of gate %d (svc-approve request measure:%s "
		    "--gate %d)", gate, id, gate);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading approvals");
	return 0;
}

static int
exec_bind(struct svc_db *db, const char *sql, const char *id, int64_t a,
    int64_t b2, struct svc_err *e)
{
	sqlite3_stmt *st;

	if (svc_db_prepare(db, sql, &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b2);
	return step_done(db, st, "moving the measure", e);
}

int
svc_measure_gate(struct svc_db *db, const struct svc_mopts *o,
    const char *id, int to, const char *side, struct svc_buf *missing,
    struct svc_err *e)
{
	struct mrec m = { 0 };
	struct wr w;
	const char *cur_side;
	int doi, rc = -1, needs_approval;
	int64_t aid = 0;
	char from[32], tos[32];

	if (need(db, id, &m, e) != 0)
		return -1;
	if (strcmp(mget(&m, "level"), "measure") != 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s is a %s; only "
		    "measures pass gates", id, mget(&m, "level"));
		goto out;
	}
	doi = atoi(mget(&m, "doi"));
	cur_side = mget(&m, "side");
	if (cur_side && strcmp(cur_side, "cancelled") == 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "%s is cancelled; nothing about it changes", id);
		goto out;
	}
	if (doi >= 5) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "%s is closed; nothing about it changes", id);
		goto out;
	}
	if (side) {
		const char *nv = strcmp(side, "hold") == 0 ? "on_hold" :
		    strcmp(side, "cancel") == 0 ? "cancelled" : NULL;

		if (strcmp(side, "resume") == 0 ? cur_side == NULL :
		    nv && cur_side && strcmp(cur_side, nv) == 0) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s is %s",
			    id, cur_side ? "on hold already" : "not on hold");
			goto out;
		}
		if (wr_begin(&w, db, o, "measure", e) != 0)
			goto out;
		{
			sqlite3_stmt *st;

			rc = svc_db_prepare(db, "UPDATE measures SET side=?, "
			    "updated_at=?, run=? WHERE id=?", &st, e);
			if (rc == 0) {
				sqlite3_bind_text(st, 1, nv, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 2, o->now);
				sqlite3_bind_int64(st, 3, w.w.run.id);
				sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
				rc = step_done(db, st, "moving the measure", e);
			}
		}
		if (rc == 0)
			rc = svc_audit(&w.w.audit, "measure", id, "side", cur_side,
			    nv, NULL, e);
		rc = wr_end(&w, rc, e);
		goto out;
	}
	if (cur_side) {
		miss(missing, "it is on hold (svc-measure gate %s --to resume)",
		    id);
		rc = 1;
		goto out;
	}
	if (to != doi + 1) {
		miss(missing, "a gate moves one step: from DoI %d %s only to "
		    "DoI %d %s", doi, dois[doi], doi + 1, dois[doi + 1]);
		rc = 1;
		goto out;
	}
	switch (to) {
	case 1:
		check_identified(db, &m, missing);
		break;
	case 2:
		check_detailed(db, id, &m, missing);
		break;
	case 3:
		check_identified(db, &m, missing);
		check_detailed(db, id, &m, missing);
		break;
	case 4: {
		int64_t open = count_q(db, "SELECT count(*) FROM milestones "
		    "WHERE measure_id=? AND done IS NULL", id);
		int64_t eff = count_q(db, "SELECT count(*) FROM effects WHERE "
		    "measure_id=?", id);

		if (open > 0)
			miss(missing, "%lld milestones not done", (long long)open);
		if (eff <= 0)
			miss(missing, "no actual effect (svc-measure effect)");
		break;
	}
	case 5: {
		const char *req = mget(&m, "evidence_required");
		sqlite3_stmt *ev;
		int64_t bw = mtime(&m, "baseline_until") -
		    mtime(&m, "baseline_from");

		if (mget(&m, "controller") == NULL ||
		    strcmp(o->actor, mget(&m, "controller")) != 0)
			miss(missing, "only the controller (%s) closes it, not "
			    "%s", mget(&m, "controller") ? mget(&m,
			    "controller") : "none", o->actor);
		if (svc_db_prepare(db, "SELECT count(*) FROM evidence WHERE "
		    "measure_id=? AND item=? AND validated_by IS NOT NULL AND "
		    "validated_by <> submitted_by", &ev, e) != 0)
			goto out;
		sqlite3_bind_text(ev, 1, id, -1, SQLITE_STATIC);
		while (req && *req) {
			size_t n = strcspn(req, ",");
			char item[256];
			int ok;

			snprintf(item, sizeof(item), "%.*s", (int)n, req);
			sqlite3_bind_text(ev, 2, item, -1, SQLITE_STATIC);
			ok = sqlite3_step(ev) == SQLITE_ROW &&
			    sqlite3_column_int64(ev, 0) > 0;
			sqlite3_reset(ev);
			if (!ok)
				miss(missing, "evidence '%s' not validated by "
				    "someone other than its submitter", item);
			req += n;
			req += *req == ',';
		}
		sqlite3_finalize(ev);
		if (mget(&m, "remeasured") == NULL)
			miss(missing, "the KPI is not re-measured (svc-measure "
			    "remeasure %s)", id);
		else if (mget(&m, "baseline_from") == NULL)
			miss(missing, "the baseline was not measured, so the "
			    "re-measurement has nothing to stand next to");
		else if (mtime(&m, "remeasured_until") -
		    mtime(&m, "remeasured_from") != bw)
			miss(missing, "the re-measurement's window is not as "
			    "long as the baseline's");
		else if (mtime(&m, "remeasured_from") <
		    mtime(&m, "implemented_at"))
			miss(missing, "the re-measurement's window starts before "
			    "DoI 4 Implemented; measure again a full window "
			    "later");
		break;
	}
	default:
		break;
	}
	needs_approval = to != 4;
	if (needs_approval && check_approval(db, id, to, missing, &aid, e) != 0)
		goto out;
	if (missing->len) {
		rc = 1;
		goto out;
	}
	if (wr_begin(&w, db, o, "measure", e) != 0)
		goto out;
	rc = exec_bind(db, to == 3 ?
	    "UPDATE measures SET doi=3, frozen_effect=planned_effect, "
	    "frozen_cost=one_time_cost, frozen_target=target, frozen_at=?2, "
	    "updated_at=?2, run=?3 WHERE id=?1" : to == 4 ?
	    "UPDATE measures SET doi=4, implemented_at=?2, updated_at=?2, "
	    "run=?3 WHERE id=?1" : to == 5 ?
	    "UPDATE measures SET doi=5, closed_at=?2, updated_at=?2, run=?3 "
	    "WHERE id=?1" :
	    "UPDATE measures SET doi=doi+1, updated_at=?2, run=?3 WHERE id=?1",
	    id, o->now, w.w.run.id, e);
	if (rc == 0 && aid > 0) {
		sqlite3_stmt *st;

		rc = svc_db_prepare(db, "UPDATE approvals SET used_at=? WHERE "
		    "id=?", &st, e);
		if (rc == 0) {
			sqlite3_bind_int64(st, 1, o->now);
			sqlite3_bind_int64(st, 2, aid);
			rc = step_done(db, st, "using the approval", e);
		}
	}
	snprintf(from, sizeof(from), "%d", doi);
	snprintf(tos, sizeof(tos), "%d", to);
	if (rc == 0) {
		char why[64];

		snprintf(why, sizeof(why), aid ? "approval %lld" : "checks met",
		    (long long)aid);
		rc = svc_audit(&w.w.audit, "measure", id, "doi", from, tos, why, e);
	}
	rc = wr_end(&w, rc, e);
out:
	mrec_free(&m);
	return rc;
}

/* ---- lights and listing ---- */

struct each {
	struct svc_db *db;
	const struct svc_mopts *o;
	int (*fn)(void *, const struct svc_mrow *);
	void *ud;
	struct svc_err *e;
	int stop;
	sqlite3_stmt *late;	/* the latest open milestone's delay */
	sqlite3_stmt *actual;	/* the actual effect per month */
};

static void
lights(struct each *x, const struct mrec *m, struct svc_mrow *r, char *wi,
    char *wp, size_t wn)
{
	const struct svc_mopts *o = x->o;
	int64_t worst = -1;
	double fe = mnum(m, "frozen_effect");

	r->impl = r->potential = "grey";
	*wi = *wp = '\0';
	if (r->doi < 3 || mget(m, "side")) {
		snprintf(wi, wn, "%s", mget(m, "side") ? mget(m, "side") :
		    "before DoI 3");
		snprintf(wp, wn, "%s", wi);
		return;
	}
	sqlite3_bind_text(x->late, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(x->late, 2, o->now);
	if (sqlite3_step(x->late) == SQLITE_ROW &&
	    sqlite3_column_type(x->late, 0) != SQLITE_NULL)
		worst = sqlite3_column_int64(x->late, 0);
	sqlite3_reset(x->late);
	if (r->doi >= 5)
		r->impl = "green";
	else
		r->impl = worst > o->lights.slip_red ? "red" :
		    worst > o->lights.slip_amber ? "amber" : "green";
	if (worst > 0) {
		char d[32];

		svc_dur_format(worst, d, sizeof(d));
		snprintf(wi, wn, "an open milestone %s late", d);
	} else
		snprintf(wi, wn, "milestones on plan");
	if (isnan(fe) || fe <= 0) {
		r->potential = "grey";
		snprintf(wp, wn, "no planned effect");
		return;
	}
	{
		double v = r->has_actual && r->doi >= 4 ? r->actual :
		    r->has_forecast ? r->forecast : fe;
		double pct = 100.0 * v / fe;

		r->potential = pct >= o->lights.effect_amber ? "green" :
		    pct >= o->lights.effect_red ? "amber" : "red";
		snprintf(wp, wn, "%s %.15g is %.0f%% of the plan %.15g",
		    r->has_actual && r->doi >= 4 ? "actual" : r->has_forecast ?
		    "forecast" : "plan", v, pct, fe);
	}
}

static int each_under(struct each *x, const char *parent, int depth);

static int
each_row(struct each *x, const struct mrec *m, int depth)
{
	struct svc_mrow r;
	char wi[160], wp[160];
	const char *side = mget(m, "side");
	char state[48];

	memset(&r, 0, sizeof(r));
	r.id = mget(m, "id");
	r.level = mget(m, "level");
	r.parent = mget(m, "parent");
	r.title = mget(m, "title");
	r.owner = mget(m, "owner");
	r.sponsor = mget(m, "sponsor");
	r.controller = mget(m, "controller");
	r.kpi = mget(m, "kpi");
	r.side = side;
	r.doi = atoi(mget(m, "doi"));
	r.depth = depth;
	r.baseline = mnum(m, "baseline");
	r.target = mnum(m, "target");
	r.remeasured = mnum(m, "remeasured");
	r.planned = r.doi >= 3 ? mnum(m, "frozen_effect") :
	    mnum(m, "planned_effect");
	r.has_planned = !isnan(r.planned);
	r.forecast = mnum(m, "forecast_effect");
	r.has_forecast = !isnan(r.forecast);
	r.actual = NAN;
	sqlite3_bind_text(x->actual, 1, r.id, -1, SQLITE_STATIC);
	if (sqlite3_step(x->actual) == SQLITE_ROW &&
	    sqlite3_column_type(x->actual, 0) != SQLITE_NULL)
		r.actual = sqlite3_column_double(x->actual, 0);
	sqlite3_reset(x->actual);
	r.has_actual = !isnan(r.actual);
	if (strcmp(r.level, "measure") != 0)
		snprintf(state, sizeof(state), "%s", r.level);
	else if (side)
		snprintf(state, sizeof(state), "%s (DoI %d)", strcmp(side,
		    "on_hold") == 0 ? "on hold" : side, r.doi);
	else
		snprintf(state, sizeof(state), "%d %s", r.doi, dois[r.doi]);
	r.state = state;
	if (strcmp(r.level, "measure") == 0)
		lights(x, m, &r, wi, wp, sizeof(wi));
	else {
		r.impl = r.potential = "";
		*wi = *wp = '\0';
	}
	r.why_impl = wi;
	r.why_potential = wp;
	if (x->fn(x->ud, &r) != 0) {
		x->stop = 1;
		return 0;
	}
	return each_under(x, r.id, depth + 1);
}

static int
each_under(struct each *x, const char *parent, int depth)
{
	sqlite3_stmt *st;
	struct mrec *ms = NULL;
	size_t n = 0, i;
	int rc;

	if (depth > 16)
		return 0;
	if (svc_db_prepare(x->db, parent ? "SELECT * FROM measures WHERE "
	    "parent=? ORDER BY id" : "SELECT * FROM measures m WHERE parent IS "
	    "NULL OR NOT EXISTS(SELECT 1 FROM measures p WHERE p.id=m.parent) "
	    "ORDER BY id", &st, x->e) != 0)
		return -1;
	if (parent)
		sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ms = svc_xrealloc(ms, (n + 1) * sizeof(*ms));
		memset(&ms[n], 0, sizeof(ms[n]));
		mrec_row(&ms[n++], st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		rc = svc_db_fail(x->db, rc, x->e, "reading measures");
	else
		rc = 0;
	for (i = 0; i < n && rc == 0 && !x->stop; i++)
		rc = each_row(x, &ms[i], depth);
	for (i = 0; i < n; i++)
		mrec_free(&ms[i]);
	free(ms);
	return rc;
}

int
svc_measure_each(struct svc_db *db, const struct svc_mopts *o,
    const char *root, int (*fn)(void *ud, const struct svc_mrow *r),
    void *ud, struct svc_err *e)
{
	struct each x;
	struct mrec m = { 0 };
	int rc;

	memset(&x, 0, sizeof(x));
	x.db = db;
	x.o = o;
	x.fn = fn;
	x.ud = ud;
	x.e = e;
	if (svc_db_prepare(db, "SELECT max(max(coalesce(forecast, planned), "
	    "?2) - planned) FROM milestones WHERE measure_id=?1 AND done IS "
	    "NULL AND planned IS NOT NULL", &x.late, e) != 0 ||
	    svc_db_prepare(db, "SELECT sum(amount) / count(DISTINCT month) FROM "
	    "effects WHERE measure_id=?", &x.actual, e) != 0)
		rc = -1;
	else if (root == NULL)
		rc = each_under(&x, NULL, 0);
	else if ((rc = need(db, root, &m, e)) == 0) {
		rc = each_row(&x, &m, 0);
		mrec_free(&m);
	}
	sqlite3_finalize(x.late);
	sqlite3_finalize(x.actual);
	return rc;
}

/* ---- show ---- */

static int
show_one(void *ud, const struct svc_mrow *r)
{
	FILE *fp = ud;

	fprintf(fp, "implementation: %s (%s)\npotential:      %s (%s)\n",
	    r->impl, r->why_impl, r->potential, r->why_potential);
	return 1;
}

int
svc_measure_show(struct svc_db *db, const struct svc_mopts *o,
    const char *id, FILE *fp, struct svc_err *e)
{
	struct mrec m = { 0 };
	sqlite3_stmt *st;
	int i, rc;
	char t[40];

	if (need(db, id, &m, e) != 0)
		return -1;
	for (i = 0; i < m.n; i++) {
		const char *n = m.name[i], *v = m.val[i];

		if (v == NULL || strcmp(n, "run") == 0)
			continue;
		if (strstr(n, "_at") || strstr(n, "_from") ||
		    strstr(n, "_until")) {
			svc_time_format(strtoll(v, NULL, 10), t, sizeof(t));
			v = t;
		}
		if (strcmp(n, "doi") == 0)
			fprintf(fp, "%-17s %s %s\n", "doi:", v,
			    dois[atoi(v) % 6]);
		else
			fprintf(fp, "%-17s %s\n", n, v);
	}
	if (strcmp(mget(&m, "level"), "measure") == 0 &&
	    svc_measure_each(db, o, id, show_one, fp, e) != 0) {
		mrec_free(&m);
		return -1;
	}
	mrec_free(&m);
	if (svc_db_prepare(db, "SELECT seq, title, planned, forecast, done, "
	    "evidence FROM milestones WHERE measure_id=? ORDER BY seq", &st,
	    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char p[40], f[40], d[40];

		tstr(svc_col_time(st, 2), p, sizeof(p));
		tstr(svc_col_time(st, 3), f, sizeof(f));
		tstr(svc_col_time(st, 4), d, sizeof(d));
		fprintf(fp, "milestone %lld: %s; planned %s%s%s%s%s%s%s\n",
		    (long long)sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1), p,
		    *f ? ", forecast " : "", f, *d ? ", done " : "", d,
		    sqlite3_column_type(st, 5) != SQLITE_NULL ? "; evidence " :
		    "", sqlite3_column_type(st, 5) != SQLITE_NULL ?
		    (const char *)sqlite3_column_text(st, 5) : "");
	}
	sqlite3_finalize(st);
	if (svc_db_prepare(db, "SELECT month, amount, actor, note FROM effects "
	    "WHERE measure_id=? ORDER BY month, id", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(fp, "effect %s: %.15g by %s%s%s\n",
		    (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_double(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_type(st, 3) != SQLITE_NULL ? ": " : "",
		    sqlite3_column_type(st, 3) != SQLITE_NULL ?
		    (const char *)sqlite3_column_text(st, 3) : "");
	sqlite3_finalize(st);
	if (svc_db_prepare(db, "SELECT item, ref, submitted_by, validated_by "
	    "FROM evidence WHERE measure_id=? ORDER BY id", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(fp, "evidence %s: %s, submitted by %s, %s%s\n",
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_type(st, 3) == SQLITE_NULL ? "not validated" :
		    "validated by ", sqlite3_column_type(st, 3) == SQLITE_NULL ?
		    "" : (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	if (svc_db_prepare(db, "SELECT a.id, a.gate, a.state, a.rule, "
	    "(SELECT group_concat(v.voter || CASE WHEN v.voter <> v.on_behalf "
	    "THEN ' for ' || v.on_behalf ELSE '' END || ' ' || v.vote, ', ') "
	    "FROM votes v WHERE v.approval_id = a.id) FROM approvals a WHERE "
	    "a.subject = 'measure:' || ? ORDER BY a.id", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(fp, "approval %lld: gate %lld, %s (%s)%s%s\n",
		    (long long)sqlite3_column_int64(st, 0),
		    (long long)sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    sqlite3_column_type(st, 4) != SQLITE_NULL ? ": " : "",
		    sqlite3_column_type(st, 4) != SQLITE_NULL ?
		    (const char *)sqlite3_column_text(st, 4) : "");
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading the measure");
	return 0;
}
