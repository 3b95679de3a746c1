/* config.c: descriptors of the configuration kinds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "calendar.h"
#include "config.h"
#include "measure.h"
#include "timeutil.h"
#include "import.h"
#include "rulelint.h"
#include "sla.h"
#include "status.h"

static const struct svc_ccol people_cols[] = {
	{ "user", SVC_CT_NAME, 1 }, { "name", SVC_CT_TEXT, 0 },
	{ "email", SVC_CT_TEXT, 0 }, { "roles", SVC_CT_LIST, 0 },
	{ "groups", SVC_CT_LIST, 0 }, { "manager", SVC_CT_TEXT, 0 },
	{ "skills", SVC_CT_LIST, 0 }, { "capacity", SVC_CT_INT, 0 },
	{ "calendar", SVC_CT_NAME, 0 }, { "active", SVC_CT_BOOL, 0 },
};

static const struct svc_ccol catalog_cols[] = {
	{ "category", SVC_CT_TEXT, 1 }, { "subcategory", SVC_CT_TEXT, 0 },
	{ "service", SVC_CT_TEXT, 0 }, { "owner", SVC_CT_TEXT, 0 },
	{ "business_unit", SVC_CT_TEXT, 0 },
	{ "default_group", SVC_CT_TEXT, 0 }, { "controller", SVC_CT_TEXT, 0 },
	{ "kpi_owner", SVC_CT_TEXT, 0 },
};

static const struct svc_ccol priority_cols[] = {
	{ "impact", SVC_CT_INT, 0 }, { "urgency", SVC_CT_INT, 0 },
	{ "priority", SVC_CT_INT, 0 }, { "when", SVC_CT_COND, 0 },
	{ "adjust", SVC_CT_INT, 0 },
};

/* A row is a matrix cell (impact, urgency, priority) or a modifier (when,
 * adjust), not both. */
static int
priority_check(const char *const *v, char *msg, size_t size, int *col)
{
	int cell = v[0] || v[1] || v[2], mod = v[3] || v[4], i;

	if (cell && mod) {
		*col = v[3] ? 3 : 4;
		snprintf(msg, size, "a row is a matrix cell (impact, urgency, "
		    "priority) or a modifier (when, adjust), not both");
		return -1;
	}
	for (i = cell ? 0 : 3; i < (cell ? 3 : 5); i++)
		if (v[i] == NULL) {
			*col = i;
			snprintf(msg, size, "column '%s': a value is required",
			    priority_cols[i].name);
			return -1;
		}
	if (cell && (strtol(v[0], NULL, 10) < 1 || strtol(v[1], NULL, 10) < 1 ||
	    strtol(v[2], NULL, 10) < 1)) {
		*col = 0;
		snprintf(msg, size, "impact, urgency and priority count from 1 "
		    "(1 is the highest)");
		return -1;
	}
	return 0;
}

static const struct svc_ccol routing_cols[] = {
	{ "order", SVC_CT_INT, 1 }, { "when", SVC_CT_COND, 0 },
	{ "group", SVC_CT_NAME, 0 }, { "assignee", SVC_CT_TEXT, 0 },
	{ "strategy", SVC_CT_TEXT, 0 }, { "skills", SVC_CT_LIST, 0 },
};

static int
routing_check(const char *const *v, char *msg, size_t size, int *col)
{
	static const char *const strategies[] = { "fixed", "round_robin",
	    "least_loaded", "skills" };
	size_t i;

	if (v[4]) {
		for (i = 0; i < 4; i++)
			if (strcmp(v[4], strategies[i]) == 0)
				break;
		if (i == 4) {
			*col = 4;
			snprintf(msg, size, "column 'strategy': '%.60s' is not "
			    "fixed, round_robin, least_loaded or skills", v[4]);
			return -1;
		}
	}
	if (v[4] && strcmp(v[4], "fixed") == 0 && v[3] == NULL) {
		*col = 3;
		snprintf(msg, size, "column 'assignee': strategy fixed needs "
		    "an assignee");
		return -1;
	}
	if (v[4] && strcmp(v[4], "skills") == 0 && v[5] == NULL) {
		*col = 5;
		snprintf(msg, size, "column 'skills': strategy skills needs "
		    "skills");
		return -1;
	}
	if (v[2] == NULL && v[3] == NULL && v[4] == NULL) {
		*col = 2;
		snprintf(msg, size, "a rule needs a group, an assignee or a "
		    "strategy");
		return -1;
	}
	return 0;
}

static const struct svc_ccol classify_cols[] = {
	{ "order", SVC_CT_INT, 1 }, { "when", SVC_CT_COND, 0 },
	{ "category", SVC_CT_TEXT, 0 }, { "subcategory", SVC_CT_TEXT, 0 },
	{ "service", SVC_CT_TEXT, 0 },
};

static int
classify_check(const char *const *v, char *msg, size_t size, int *col)
{
	if (v[2] == NULL && v[3] == NULL && v[4] == NULL) {
		*col = 2;
		snprintf(msg, size, "a rule needs a category, subcategory or "
		    "service");
		return -1;
	}
	return 0;
}

static const struct svc_ccol calendars_cols[] = {
	{ "calendar", SVC_CT_NAME, 1 }, { "tz", SVC_CT_TEXT, 1 },
	{ "day", SVC_CT_TEXT, 1 }, { "start", SVC_CT_TEXT, 1 },
	{ "end", SVC_CT_TEXT, 1 },
};

static int
calendars_check(const char *const *v, char *msg, size_t size, int *col)
{
	unsigned days;
	int a, b;

	if (strcmp(v[0], "24x7") == 0) {
		*col = 0;
		snprintf(msg, size, "calendar '24x7' is built in and cannot be "
		    "redefined");
		return -1;
	}
	if (!svc_time_zone_valid(v[1])) {
		*col = 1;
		snprintf(msg, size, "column 'tz': unknown time zone '%.60s' "
		    "(expected an IANA name such as Europe/Berlin)", v[1]);
		return -1;
	}
	if (svc_cal_parse_days(v[2], &days) != 0) {
		*col = 2;
		snprintf(msg, size, "column 'day': '%.60s' is not a day, a range "
		    "such as mon-fri or a list such as mon,wed", v[2]);
		return -1;
	}
	if (svc_cal_parse_clock(v[3], &a) != 0 || a == 1440) {
		*col = 3;
		snprintf(msg, size, "column 'start': '%.60s' is not a time "
		    "from 00:00 to 23:59", v[3]);
		return -1;
	}
	if (svc_cal_parse_clock(v[4], &b) != 0) {
		*col = 4;
		snprintf(msg, size, "column 'end': '%.60s' is not a time from "
		    "00:00 to 24:00", v[4]);
		return -1;
	}
	if (a == b || (b == 0 && a == 0)) {
		*col = 4;
		snprintf(msg, size, "column 'end': a window needs an end other "
		    "than its start (00:00-24:00 is the whole day)");
		return -1;
	}
	return 0;
}

static const struct svc_ccol holidays_cols[] = {
	{ "calendar", SVC_CT_NAME, 1 }, { "date", SVC_CT_TEXT, 1 },
	{ "name", SVC_CT_TEXT, 0 }, { "start", SVC_CT_TEXT, 0 },
	{ "end", SVC_CT_TEXT, 0 },
};

static int
holidays_check(const char *const *v, char *msg, size_t size, int *col)
{
	int y, m, d, yearly, a = 0, b;

	if (svc_cal_parse_date(v[1], &y, &m, &d, &yearly) != 0) {
		*col = 1;
		snprintf(msg, size, "column 'date': '%.60s' is not YYYY-MM-DD "
		    "(once) or MM-DD (every year)", v[1]);
		return -1;
	}
	if ((v[3] == NULL) != (v[4] == NULL)) {
		*col = v[3] ? 4 : 3;
		snprintf(msg, size, "start and end are both empty (closed all "
		    "day) or both given (closed between them)");
		return -1;
	}
	if (v[3] && (svc_cal_parse_clock(v[3], &a) != 0 || a == 1440)) {
		*col = 3;
		snprintf(msg, size, "column 'start': '%.60s' is not a time "
		    "from 00:00 to 23:59", v[3]);
		return -1;
	}
	if (v[4] && (svc_cal_parse_clock(v[4], &b) != 0 || b <= a)) {
		*col = 4;
		snprintf(msg, size, "column 'end': '%.60s' is not a time after "
		    "the start, up to 24:00", v[4]);
		return -1;
	}
	return 0;
}

static const struct svc_ccol policies_cols[] = {
	{ "policy", SVC_CT_NAME, 1 }, { "order", SVC_CT_INT, 1 },
	{ "when", SVC_CT_COND, 0 }, { "metric", SVC_CT_TEXT, 1 },
	{ "target", SVC_CT_TEXT, 1 }, { "unit", SVC_CT_TEXT, 0 },
	{ "calendar", SVC_CT_NAME, 0 }, { "pause_on", SVC_CT_LIST, 0 },
	{ "warn_at", SVC_CT_LIST, 0 },
};

static int
policies_check(const char *const *v, char *msg, size_t size, int *col)
{
	int64_t secs;
	int warn[SVC_SLA_MAXWARN], nwarn;

	if (svc_sla_metric(v[3]) < 0) {
		*col = 3;
		snprintf(msg, size, "column 'metric': '%.60s' is not "
		    "first_response, resolution or next_reply", v[3]);
		return -1;
	}
	if (svc_sla_target(v[4], &secs) != 0) {
		*col = 4;
		snprintf(msg, size, "column 'target': '%.60s' is not a duration "
		    "such as 30m, 4h, 2d or 1h30m", v[4]);
		return -1;
	}
	if (v[5] && strcmp(v[5], "business") != 0 &&
	    strcmp(v[5], "calendar") != 0) {
		*col = 5;
		snprintf(msg, size, "column 'unit': '%.60s' is not business or "
		    "calendar", v[5]);
		return -1;
	}
	if (v[8] && svc_sla_warn(v[8], warn, &nwarn) != 0) {
		*col = 8;
		snprintf(msg, size, "column 'warn_at': '%.60s' is not a list of "
		    "at most %d whole percentages such as 50,75,90", v[8],
		    SVC_SLA_MAXWARN);
		return -1;
	}
	return 0;
}

static const struct svc_ccol escalations_cols[] = {
	{ "rule", SVC_CT_NAME, 1 }, { "order", SVC_CT_INT, 1 },
	{ "when", SVC_CT_COND, 0 }, { "level", SVC_CT_INT, 1 },
	{ "notify", SVC_CT_TEXT, 1 }, { "urgent", SVC_CT_BOOL, 0 },
	{ "repeat_every", SVC_CT_TEXT, 0 }, { "fallback", SVC_CT_TEXT, 0 },
};

static int
escalations_check(const char *const *v, char *msg, size_t size, int *col)
{
	int64_t secs;

	if (strtol(v[3], NULL, 10) < 1) {
		*col = 3;
		snprintf(msg, size, "column 'level': levels count from 1 (1 team, "
		    "2 owner, 3 leadership)");
		return -1;
	}
	if (strpbrk(v[4], " ,;")) {
		*col = 4;
		snprintf(msg, size, "column 'notify': '%.60s' is not one role "
		    "(assignee, group_lead, manager, service_owner, kpi_owner, "
		    "controller), user or e-mail address", v[4]);
		return -1;
	}
	if (v[6] && svc_sla_target(v[6], &secs) != 0) {
		*col = 6;
		snprintf(msg, size, "column 'repeat_every': '%.60s' is not a "
		    "duration such as 30m, 4h or 1d", v[6]);
		return -1;
	}
	if (v[7] && strpbrk(v[7], " ,;")) {
		*col = 7;
		snprintf(msg, size, "column 'fallback': '%.60s' is not one user "
		    "or e-mail address", v[7]);
		return -1;
	}
	return 0;
}

static const struct svc_ccol reasons_cols[] = {
	{ "reason", SVC_CT_NAME, 1 }, { "description", SVC_CT_TEXT, 0 },
};

static int
reasons_check(const char *const *v, char *msg, size_t size, int *col)
{
	const char *p;

	for (p = v[0]; *p; p++)
		if (!(*p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9'))) {
			*col = 0;
			snprintf(msg, size, "column 'reason': '%.60s' is not a code "
			    "of lower-case letters, digits, _ and -", v[0]);
			return -1;
		}
	return 0;
}

static const struct svc_ccol statuses_cols[] = {
	{ "status", SVC_CT_TEXT, 1 }, { "category", SVC_CT_TEXT, 1 },
};

static int
statuses_check(const char *const *v, char *msg, size_t size, int *col)
{
	if (svc_status_cat_parse(v[1]) < 0) {
		*col = 1;
		snprintf(msg, size, "column 'category': '%.60s' is not a "
		    "category (" SVC_SCAT_NAMES ")", v[1]);
		return -1;
	}
	return 0;
}

/* The version of a kind valid at ?1. */
#define VERSION_AT "SELECT version FROM config_versions WHERE kind='%s' " \
	"AND valid_from<=?1 ORDER BY version DESC LIMIT 1"

int
svc_config_select(struct svc_db *db, int64_t now, const char *kind,
    const char *cols, const char *where, const char *order,
    sqlite3_stmt **st, struct svc_err *e)
{
	struct svc_buf sql = { 0 };
	int rc;

	svc_buf_printf(&sql, "SELECT %s FROM \"%s\" WHERE version=(" VERSION_AT
	    ") AND (%s) ORDER BY %s", cols, kind, kind, where, order);
	rc = svc_db_prepare(db, sql.s, st, e);
	svc_buf_free(&sql);
	if (rc == 0)
		sqlite3_bind_int64(*st, 1, now);
	return rc;
}

int
svc_config_version(struct svc_db *db, int64_t now, const char *kind,
    int64_t *version, struct svc_err *e)
{
	struct svc_buf sql = { 0 };
	sqlite3_stmt *st = NULL;
	int rc;

	*version = 0;
	svc_buf_printf(&sql, VERSION_AT, kind);
	rc = svc_db_prepare(db, sql.s, &st, e);
	svc_buf_free(&sql);
	if (rc != 0)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading configuration versions");
	return 0;
}

static const struct svc_ccol measures_cols[] = {
	{ "id", SVC_CT_TEXT, 1 }, { "level", SVC_CT_TEXT, 0 },
	{ "parent", SVC_CT_TEXT, 0 }, { "title", SVC_CT_TEXT, 1 },
	{ "description", SVC_CT_TEXT, 0 }, { "business_unit", SVC_CT_TEXT, 0 },
	{ "owner", SVC_CT_TEXT, 0 }, { "sponsor", SVC_CT_TEXT, 0 },
	{ "controller", SVC_CT_TEXT, 0 }, { "kpi", SVC_CT_TEXT, 0 },
	{ "segment", SVC_CT_COND, 0 }, { "window", SVC_CT_TEXT, 0 },
	{ "baseline", SVC_CT_TEXT, 0 }, { "target", SVC_CT_TEXT, 0 },
	{ "planned_effect", SVC_CT_TEXT, 0 }, { "one_time_cost", SVC_CT_TEXT, 0 },
	{ "currency", SVC_CT_TEXT, 0 }, { "forecast_effect", SVC_CT_TEXT, 0 },
	{ "evidence_required", SVC_CT_LIST, 0 }, { "risks", SVC_CT_TEXT, 0 },
	{ "dependencies", SVC_CT_TEXT, 0 }, { "problem", SVC_CT_INT, 0 },
	{ "doi", SVC_CT_INT, 0 },
};

static int
measures_load(struct svc_db *db, int64_t now, const char *actor,
    const char *program, int64_t run, const char *const *v, const char *file,
    long line, int *changed, struct svc_err *e)
{
	struct svc_mopts o;

	memset(&o, 0, sizeof(o));
	o.now = now;
	o.actor = actor;
	o.program = program;
	svc_lights_defaults(&o.lights);
	return svc_measure_load_row(db, &o, run, v, file, line, changed, e);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct svc_ckind kinds[] = {
	{ SVC_KIND_PEOPLE, "people", "people", people_cols, N(people_cols), 0,
	    0, NULL, NULL, NULL, NULL },
	{ SVC_KIND_CATALOG, "catalog", "catalog", catalog_cols,
	    N(catalog_cols), -1, 0, NULL, NULL, NULL, NULL },
	{ SVC_KIND_PRIORITY, "priority", "priority", priority_cols,
	    N(priority_cols), -1, 1, priority_check, NULL, NULL, NULL },
	{ SVC_KIND_ROUTING, "routing", "routing", routing_cols,
	    N(routing_cols), -1, 1, routing_check, NULL, NULL, NULL },
	{ SVC_KIND_CLASSIFY, "classify", "classify", classify_cols,
	    N(classify_cols), -1, 1, classify_check, NULL, NULL, NULL },
	{ SVC_KIND_CALENDARS, "calendars", "calendars", calendars_cols,
	    N(calendars_cols), -1, 1, calendars_check,
	    "SELECT b.line, 'calendar ''' || b.calendar || ''' is in ' || "
	    "a.tz || ' on line ' || a.line || ', not ' || b.tz FROM calendars "
	    "a JOIN calendars b ON b.version=a.version AND "
	    "b.calendar=a.calendar AND b.rowno>a.rowno AND b.tz<>a.tz WHERE "
	    "a.version=?1 ORDER BY b.rowno LIMIT 1", NULL, NULL },
	{ SVC_KIND_HOLIDAYS, "holidays", "holidays", holidays_cols,
	    N(holidays_cols), -1, 1, holidays_check, NULL, NULL, NULL },
	{ SVC_KIND_POLICIES, "policies", "policies", policies_cols,
	    N(policies_cols), -1, 1, policies_check, NULL, NULL, NULL },
	{ SVC_KIND_ESCALATIONS, "escalations", "escalations",
	    escalations_cols, N(escalations_cols), -1, 1, escalations_check,
	    "SELECT b.line, 'rule ''' || b.rule || ''' level ' || b.level || "
	    "' is already on line ' || a.line FROM escalations a JOIN "
	    "escalations b ON b.version=a.version AND b.rule=a.rule AND "
	    "b.level=a.level AND b.rowno>a.rowno WHERE a.version=?1 ORDER BY "
	    "b.rowno LIMIT 1", NULL, NULL },
	{ SVC_KIND_REASONS, "reasons", "reasons", reasons_cols,
	    N(reasons_cols), 0, 1, reasons_check, NULL, NULL, NULL },
	{ SVC_KIND_MEASURES, "measures", "measures", measures_cols,
	    N(measures_cols), 0, 0, NULL, NULL, measures_load,
	    svc_measure_export },
	{ SVC_KIND_STATUSES, "statuses", "statuses", statuses_cols,
	    N(statuses_cols), -1, 1, statuses_check,
	    "SELECT b.line, 'status ''' || b.status || ''' is already on line "
	    "' || a.line FROM statuses a JOIN statuses b ON b.version="
	    "a.version AND lower(trim(b.status))=lower(trim(a.status)) AND "
	    "b.rowno>a.rowno WHERE a.version=?1 ORDER BY b.rowno LIMIT 1",
	    NULL, NULL },
};

const struct svc_ckind *
svc_config_kind(int kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return &kinds[i];
	return 0;
}

/* ---- versions valid at a time ---- */

int
svc_config_unvalid(struct svc_db *db, int64_t now, const char *kind,
    struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	char at[64], first[64];
	int64_t n = 0, valid = 0, from = 0;
	int rc;

	if (svc_db_prepare(db, "SELECT count(*), min(valid_from), "
	    "total(valid_from<=?2) FROM config_versions WHERE kind=?1", &st,
	    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		from = sqlite3_column_int64(st, 1);
		valid = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return svc_db_fail(db, rc, e, "reading configuration versions");
	if (n == 0 || valid > 0)
		return 0;
	svc_time_format(now, at, sizeof(at));
	svc_time_format(from, first, sizeof(first));
	svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s: loaded, but no version "
	    "is valid at %s (the first is valid from %s); load it with "
	    "svc-import --kind %s --valid-from %s FILE", kind, at, first, kind,
	    at);
	return 1;
}

/* The list cells of the version of kind k valid at now that are not in
 * the list syntax, one finding each on fp ("FILE:LINE: ..." or "FILE: row
 * N: ..." for a kind that keeps no line numbers).  The number, or -1. */
static int
lint_lists(struct svc_db *db, int64_t now, const struct svc_ckind *k,
    FILE *fp, struct svc_err *e)
{
	struct svc_buf cols = { 0 };
	struct svc_lists l;
	sqlite3_stmt *st = NULL;
	char file[300], msg[1024];
	size_t c, idx[32], nl = 0, col;
	long line;
	int n = 0, rc, step;

	svc_buf_adds(&cols, k->has_line ? "line" : "rowno");
	for (c = 0; c < k->ncols; c++)
		if (k->cols[c].type == SVC_CT_LIST) {
			svc_buf_printf(&cols, ", \"%s\"", k->cols[c].name);
			idx[nl++] = c;
		}
	if (nl == 0) {
		svc_buf_free(&cols);
		return 0;
	}
	svc_lists_init(&l, k);
	step = SQLITE_DONE;
	rc = svc_lint_source(db, now, k->name, file, sizeof(file), e) != 0 ||
	    svc_config_select(db, now, k->name, cols.s, "1", "rowno", &st,
	    e) != 0;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		for (c = 0; c < nl; c++) {
			const char *v = (const char *)sqlite3_column_text(st,
			    (int)c + 1);

			if (v)
				svc_lists_add(&l, idx[c], v, strlen(v),
				    (long)sqlite3_column_int64(st, 0));
		}
	if (rc == 0 && step != SQLITE_DONE)
		rc = svc_db_fail(db, step, e, "reading configuration") != 0;
	while (rc == 0 && svc_lists_check(&l, &line, &col, msg,
	    sizeof(msg)) != 0) {
		if (k->has_line)
			fprintf(fp, "%s:%ld: %s\n", file, line, msg);
		else
			fprintf(fp, "%s: row %ld: %s\n", file, line, msg);
		n++;
	}
	sqlite3_finalize(st);
	svc_lists_free(&l);
	svc_buf_free(&cols);
	return rc ? -1 : n;
}

int
svc_config_check(struct svc_db *db, int64_t now, const char *const *names,
    FILE *fp, int warn, struct svc_err *e)
{
	struct svc_err m;
	size_t i;
	int n = 0, rc;

	for (; *names; names++) {
		svc_err_clear(&m);
		if ((rc = svc_config_unvalid(db, now, *names, &m)) < 0) {
			*e = m;
			return -1;
		}
		if (rc == 0 && !warn) {
			/* a lint: the stored lists too */
			for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
				if (strcmp(kinds[i].name, *names) == 0 &&
				    !kinds[i].load)
					break;
			if (i < sizeof(kinds) / sizeof(kinds[0]) &&
			    (rc = lint_lists(db, now, &kinds[i], fp, e)) < 0)
				return -1;
			if (i < sizeof(kinds) / sizeof(kinds[0]))
				n += rc;
			continue;
		}
		if (rc == 0)
			continue;
		if (warn)
			fprintf(fp, "%s: ", svc_progname());
		fprintf(fp, "%s\n", m.msg);
		n++;
	}
	return n;
}

/* ---- the list syntax ---- */

#define LIST_SEP	'\037'	/* between a column's index and an item */

void
svc_lists_init(struct svc_lists *l, const struct svc_ckind *k)
{
	memset(l, 0, sizeof(*l));
	l->k = k;
}

void
svc_lists_free(struct svc_lists *l)
{
	size_t i;

	for (i = 0; i < l->ncells; i++)
		free(l->cells[i].s);
	for (i = 0; i < l->nitems; i++)
		free(l->items[i]);
	free(l->cells);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void
svc_lists_add(struct svc_lists *l, size_t col, const char *s, size_t n,
    long line)
{
	struct svc_lcell *c;

	if (col >= l->k->ncols || l->k->cols[col].type != SVC_CT_LIST)
		return;
	l->cells = svc_xrealloc(l->cells, (l->ncells + 1) * sizeof(*l->cells));
	c = &l->cells[l->ncells++];
	c->col = col;
	c->line = line;
	c->s = svc_xmalloc(n + 1);
	memcpy(c->s, s, n);
	c->s[n] = '\0';
}

/* The next item of the cell at *p: its text unescaped (item) and the same
 * with each escaped space written as '\001' (words), so that only the
 * spaces written as such separate words.  0 at the end. */
static int
cell_item(const char **p, struct svc_buf *item, struct svc_buf *words)
{
	const char *s = *p;
	size_t keep = 0;

	while (*s == ' ' || *s == ',')
		s++;
	if (*s == '\0') {
		*p = s;
		return 0;
	}
	svc_buf_reset(item);
	svc_buf_reset(words);
	while (*s && *s != ',') {
		int esc = *s == '\\' && s[1];

		s += esc;
		svc_buf_addc(item, *s);
		svc_buf_addc(words, esc && *s == ' ' ? '\001' : *s);
		if (esc || *s != ' ')
			keep = item->len;
		s++;
	}
	item->len = words->len = keep;
	item->s[keep] = words->s[keep] = '\0';
	*p = s;
	return 1;
}

/* "COL\037text" in lower case into key. */
static void
item_key(struct svc_buf *key, size_t col, const char *s, size_t n)
{
	size_t i;

	svc_buf_reset(key);
	svc_buf_printf(key, "%zu%c", col, LIST_SEP);
	for (i = 0; i < n; i++)
		svc_buf_addc(key, s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
		    s[i]);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is word (n bytes) known in column col: an item of the column in the
 * file, a built-in word of the column, or a number? */
static int
known_word(const struct svc_lists *l, size_t col, const char *w, size_t n,
    struct svc_buf *key)
{
	static const char *const roles[] = { "agent", "lead", "group_lead",
	    "manager", "automation", "bot", "pmo", NULL };
	static const char *const categories[] = { "new", "open", "pending",
	    "resolved", "closed", "cancelled", NULL };
	const char *name = l->k->cols[col].name;
	const char *const *b = strcmp(name, "roles") == 0 ? roles :
	    strcmp(name, "pause_on") == 0 ? categories : NULL;
	char *k;
	size_t i;

	for (i = 0; i < n && ((w[i] >= '0' && w[i] <= '9') ||
	    (i > 0 && i == n - 1 && w[i] == '%')); i++)
		;
	if (i == n)
		return 1;
	for (; b && *b; b++)
		if (strlen(*b) == n && strncasecmp(*b, w, n) == 0)
			return 1;
	item_key(key, col, w, n);
	k = key->s;
	return l->nitems && bsearch(&k, l->items, l->nitems, sizeof(*l->items),
	    str_cmp) != NULL;
}

/* Append an item (as cell_item's words) to out as a list writes it: a
 * backslash before , ; | and \ and before an escaped space; with how 1,
 * each word of it an item of its own; with how 2, every space escaped. */
static void
put_item(struct svc_buf *out, const char *w, int how)
{
	for (; *w; w++) {
		if (*w == ' ' && how == 1) {
			while (w[1] == ' ')
				w++;
			svc_buf_adds(out, ", ");
		} else if (*w == '\001' || (*w == ' ' && how == 2))
			svc_buf_adds(out, "\\ ");
		else {
			if (strchr(",;|\\", *w))
				svc_buf_addc(out, '\\');
			svc_buf_addc(out, *w);
		}
	}
}

/* The cell s with every unescaped ',', ';' and '|' written as ", " (items
 * as written, spaces around them dropped) into out. */
static void
put_commas(struct svc_buf *out, const char *s)
{
	int need = 0;

	svc_buf_reset(out);
	while (*s) {
		const char *w;
		size_t keep = 0, n;

		while (*s == ' ' || *s == ',' || *s == ';' || *s == '|')
			s++;
		for (w = s; *s && !strchr(",;|", *s); s++) {
			int esc = *s == '\\' && s[1];

			s += esc;
			if (esc || *s != ' ')
				keep = (size_t)(s - w) + 1;
		}
		n = keep;
		if (n == 0)
			continue;
		if (need)
			svc_buf_adds(out, ", ");
		svc_buf_add(out, w, n);
		need = 1;
	}
	if (out->s == NULL)
		svc_buf_adds(out, "");
}

int
svc_lists_check(struct svc_lists *l, long *line, size_t *col, char *msg,
    size_t size)
{
	struct svc_buf item = { 0 }, words = { 0 }, key = { 0 }, sug = { 0 };
	struct svc_buf one = { 0 };
	size_t i;
	int rc = 0;

	/* every item of every list column, for "known" */
	for (i = l->built ? l->ncells : 0; i < l->ncells; i++) {
		const char *p = l->cells[i].s;

		while (cell_item(&p, &item, &words)) {
			item_key(&key, l->cells[i].col, item.s, item.len);
			l->items = svc_xrealloc(l->items, (l->nitems + 1) *
			    sizeof(*l->items));
			l->items[l->nitems++] = svc_xstrdup(key.s);
		}
	}
	if (!l->built && l->nitems > 1)
		qsort(l->items, l->nitems, sizeof(*l->items), str_cmp);
	l->built = 1;
	for (i = l->next; i < l->ncells && rc == 0; i++) {
		const struct svc_lcell *c = &l->cells[i];
		const char *cname = l->k->cols[c->col].name, *p = c->s, *q;
		int bad = 0;

		for (q = c->s; *q && !bad; q++) {
			if (*q == '\\' && q[1])
				q++;
			else if (*q == ';' || *q == '|')
				bad = *q;
		}
		if (bad) {
			put_commas(&sug, c->s);
			snprintf(msg, size, "column '%s': '%.60s' looks like a list "
			    "separated by '%c'; separate items with commas, as in "
			    "'%.60s' (or write '\\%c' for a '%c' in an item)",
			    cname, c->s, bad, sug.s, bad, bad);
			rc = -1;
			break;
		}
		svc_buf_reset(&sug);
		svc_buf_reset(&one);
		while (cell_item(&p, &item, &words)) {
			const char *w = words.s;
			size_t nw = 0, nknown = 0;

			while (*w) {
				size_t n = strcspn(w, " ");

				if (n > 0) {
					char wd[SVC_NAME_MAX + 1];
					size_t j;

					nw++;
					for (j = 0; j < n && j < SVC_NAME_MAX; j++)
						wd[j] = w[j] == '\001' ? ' ' : w[j];
					nknown += known_word(l, c->col, wd, j, &key);
				}
				w += n;
				while (*w == ' ')
					w++;
			}
			if (sug.len) {
				svc_buf_adds(&sug, ", ");
				svc_buf_adds(&one, ", ");
			}
			put_item(&sug, words.s, nw > 1 && nknown == nw);
			put_item(&one, words.s, nw > 1 && nknown == nw ? 2 : 0);
			if (nw > 1 && nknown == nw)
				bad = 1;
		}
		if (bad) {
			snprintf(msg, size, "column '%s': '%.60s' looks like a list "
			    "separated by spaces; separate items with commas, as in "
			    "'%.60s' (or write '%.60s' for one item)", cname, c->s,
			    sug.s, one.s);
			rc = -1;
			break;
		}
	}
	l->next = i + (rc != 0);
	if (rc != 0) {
		*line = l->cells[i].line;
		*col = l->cells[i].col;
	}
	svc_buf_free(&item);
	svc_buf_free(&words);
	svc_buf_free(&key);
	svc_buf_free(&sug);
	svc_buf_free(&one);
	return rc;
}
