/* config.c: descriptors of the configuration kinds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "config.h"
#include "measure.h"
#include "timeutil.h"
#include "import.h"
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
	{ "repeat_every", SVC_CT_TEXT, 0 },
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
	{ "evidence_required", SVC_CT_TEXT, 0 }, { "risks", SVC_CT_TEXT, 0 },
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
