/* calendar.c: business calendars compiled to UTC working intervals. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "config.h"
#include "timeutil.h"

#define DAY 86400
#define YEARS20 ((int64_t)20 * 366 * DAY)

struct win {
	unsigned days;		/* bit 0 Monday .. bit 6 Sunday */
	int start, end;		/* minutes; end > start, up to 48h */
};

struct hol {
	int y, m, d, yearly;
	int start, end;		/* minutes, -1: all day */
};

struct iv {
	int64_t s, e;
};

struct svc_cal {
	char *name, *zone;
	int always;
	struct win *win;
	size_t nwin;
	struct hol *hol;
	size_t nhol;
	/* compiled: local days [lo, hi), UTC [ulo, uhi) */
	int compiled;
	int64_t lo, hi, ulo, uhi;
	struct iv *iv;
	int64_t *cum;		/* working seconds before iv[i], from ulo */
	size_t n;
};

static const char *const dnames[7] = { "mon", "tue", "wed", "thu", "fri",
    "sat", "sun" };

static int
day_index(const char *s, size_t n)
{
	static const char *const long_names[7] = { "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday", "sunday" };
	int i;

	for (i = 0; i < 7; i++)
		if ((n == 3 && strncasecmp(s, dnames[i], 3) == 0) ||
		    (n == strlen(long_names[i]) &&
		    strncasecmp(s, long_names[i], n) == 0))
			return i;
	return -1;
}

int
svc_cal_parse_days(const char *s, unsigned *mask)
{
	*mask = 0;
	while (*s) {
		size_t n;
		int a, b;
		const char *dash;

		while (*s == ' ' || *s == ',')
			s++;
		if (*s == '\0')
			break;
		n = strcspn(s, ",");
		while (n > 0 && s[n - 1] == ' ')
			n--;
		dash = memchr(s, '-', n);
		if (dash) {
			a = day_index(s, (size_t)(dash - s));
			b = day_index(dash + 1, n - (size_t)(dash - s) - 1);
		} else
			a = b = day_index(s, n);
		if (a < 0 || b < 0)
			return -1;
		for (;;) {
			*mask |= 1u << a;
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
		s += strcspn(s, ",");
	}
	return *mask ? 0 : -1;
}

int
svc_cal_parse_clock(const char *s, int *min)
{
	int h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]) || s[5] != '\0')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*min = h * 60 + m;
	return 0;
}

static int
num(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
svc_cal_parse_date(const char *s, int *y, int *m, int *d, int *yearly)
{
	static const int dm[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };
	size_t n = strlen(s);

	*y = 0;
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		if (num(s, 4, y) || num(s + 5, 2, m) || num(s + 8, 2, d))
			return -1;
		*yearly = 0;
	} else if (n == 5 && s[2] == '-') {
		if (num(s, 2, m) || num(s + 3, 2, d))
			return -1;
		*yearly = 1;
	} else
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > dm[*m - 1])
		return -1;
	if (!*yearly && *m == 2 && *d == 29 &&
	    !((*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0))
		return -1;
	return 0;
}

struct svc_cal *
svc_cal_new(const char *name, const char *zone)
{
	struct svc_cal *c = svc_xcalloc(1, sizeof(*c));

	c->name = svc_xstrdup(name);
	c->zone = svc_xstrdup(zone && *zone ? zone : "UTC");
	c->always = strcmp(name, "24x7") == 0;
	return c;
}

int
svc_cal_add_window(struct svc_cal *c, unsigned days, int start, int end)
{
	if (days == 0 || days > 0x7f || start < 0 || start > 1440 ||
	    end < 0 || end > 1440 || start == end)
		return -1;
	if (end < start)
		end += 1440;
	c->win = svc_xrealloc(c->win, (c->nwin + 1) * sizeof(*c->win));
	c->win[c->nwin].days = days;
	c->win[c->nwin].start = start;
	c->win[c->nwin++].end = end;
	c->compiled = 0;
	return 0;
}

int
svc_cal_add_holiday(struct svc_cal *c, int y, int m, int d, int yearly,
    int start, int end)
{
	if ((start < 0) != (end < 0) || (start >= 0 && end <= start))
		return -1;
	c->hol = svc_xrealloc(c->hol, (c->nhol + 1) * sizeof(*c->hol));
	c->hol[c->nhol].y = y;
	c->hol[c->nhol].m = m;
	c->hol[c->nhol].d = d;
	c->hol[c->nhol].yearly = yearly;
	c->hol[c->nhol].start = start;
	c->hol[c->nhol++].end = end;
	c->compiled = 0;
	return 0;
}

void
svc_cal_free(struct svc_cal *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->zone);
	free(c->win);
	free(c->hol);
	free(c->iv);
	free(c->cum);
	free(c);
}

const char *
svc_cal_name(const struct svc_cal *c)
{
	return c->name;
}

const char *
svc_cal_zone(const struct svc_cal *c)
{
	return c->zone;
}

/* ---- compiling ---- */

struct ivs {
	struct iv *v;
	size_t n, cap;
};

static void
push(struct ivs *a, int64_t s, int64_t e)
{
	if (e <= s)
		return;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = svc_xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n].s = s;
	a->v[a->n++].e = e;
}

static int
iv_cmp(const void *x, const void *y)
{
	const struct iv *a = x, *b = y;

	return a->s < b->s ? -1 : a->s > b->s ? 1 : 0;
}

/* Sort and join overlapping or touching intervals. */
static void
merge(struct ivs *a)
{
	size_t i, k = 0;

	if (a->n == 0)
		return;
	qsort(a->v, a->n, sizeof(*a->v), iv_cmp);
	for (i = 1; i < a->n; i++) {
		if (a->v[i].s <= a->v[k].e) {
			if (a->v[i].e > a->v[k].e)
				a->v[k].e = a->v[i].e;
		} else
			a->v[++k] = a->v[i];
	}
	a->n = k + 1;
}

static int
weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday (3, counting from Monday) */
	return (int)(((day % 7) + 7 + 3) % 7);
}

static void
compile(struct svc_cal *c, int64_t lo, int64_t hi)
{
	struct ivs w = { 0 }, h = { 0 }, out = { 0 };
	int64_t day, ulo, uhi;
	size_t i, k;

	ulo = svc_zone_from_local(c->zone, lo, 0);
	uhi = svc_zone_from_local(c->zone, hi, 0);
	/* the day before: its windows may run past midnight */
	for (day = lo - 1; day < hi; day++) {
		int dow = weekday(day);

		for (i = 0; i < c->nwin; i++)
			if (c->win[i].days & (1u << dow))
				push(&w, svc_zone_from_local(c->zone, day,
				    (int64_t)c->win[i].start * 60),
				    svc_zone_from_local(c->zone, day,
				    (int64_t)c->win[i].end * 60));
		if (c->nhol == 0)
			continue;
		{
			int y;
			unsigned m, d;

			svc_civil_from_days(day, &y, &m, &d);
			for (i = 0; i < c->nhol; i++) {
				const struct hol *x = &c->hol[i];

				if ((int)m != x->m || (int)d != x->d ||
				    (!x->yearly && y != x->y))
					continue;
				push(&h, svc_zone_from_local(c->zone, day,
				    x->start < 0 ? 0 : (int64_t)x->start * 60),
				    svc_zone_from_local(c->zone, day,
				    x->end < 0 ? DAY : (int64_t)x->end * 60));
			}
		}
	}
	merge(&w);
	merge(&h);
	/* working = windows - closures, inside [ulo, uhi) */
	for (i = 0, k = 0; i < w.n; i++) {
		int64_t s = w.v[i].s < ulo ? ulo : w.v[i].s;
		int64_t e = w.v[i].e > uhi ? uhi : w.v[i].e;

		while (k < h.n && h.v[k].e <= s)
			k++;
		while (s < e) {
			size_t j = k;

			while (j < h.n && h.v[j].e <= s)
				j++;
			if (j >= h.n || h.v[j].s >= e) {
				push(&out, s, e);
				break;
			}
			if (h.v[j].s > s)
				push(&out, s, h.v[j].s);
			s = h.v[j].e;
		}
	}
	free(w.v);
	free(h.v);
	free(c->iv);
	free(c->cum);
	c->iv = out.v;
	c->n = out.n;
	c->cum = svc_xmalloc((c->n + 1) * sizeof(*c->cum));
	c->cum[0] = 0;
	for (i = 0; i < c->n; i++)
		c->cum[i + 1] = c->cum[i] + (c->iv[i].e - c->iv[i].s);
	c->lo = lo;
	c->hi = hi;
	c->ulo = ulo;
	c->uhi = uhi;
	c->compiled = 1;
}

/* Make the table cover UTC [a, b]. */
static void
ensure(struct svc_cal *c, int64_t a, int64_t b)
{
	int64_t lo, hi;

	if (c->compiled && a >= c->ulo && b < c->uhi)
		return;
	lo = svc_zone_day(c->zone, a, NULL, NULL) - 7;
	hi = svc_zone_day(c->zone, b, NULL, NULL) + 8;
	if (c->compiled) {
		if (c->lo < lo)
			lo = c->lo;
		if (c->hi > hi)
			hi = c->hi;
	}
	/* a little ahead: clocks move forward */
	if (hi - lo < 400)
		hi = lo + 400;
	compile(c, lo, hi);
}

/* Index of the last interval starting at or before t, or -1. */
static long
find(const struct svc_cal *c, int64_t t)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->iv[mid].s <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

/* Working seconds from ulo to t (t inside the table). */
static int64_t
before(const struct svc_cal *c, int64_t t)
{
	long i = find(c, t);

	if (i < 0)
		return 0;
	return c->cum[i] + ((t < c->iv[i].e ? t : c->iv[i].e) - c->iv[i].s);
}

int
svc_cal_open(struct svc_cal *c, int64_t t)
{
	long i;

	if (c->always)
		return 1;
	if (c->nwin == 0)
		return 0;
	ensure(c, t, t);
	i = find(c, t);
	return i >= 0 && t < c->iv[i].e;
}

int64_t
svc_cal_between(struct svc_cal *c, int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	if (c->always)
		return b - a;
	if (c->nwin == 0)
		return 0;
	ensure(c, a, b);
	return before(c, b) - before(c, a);
}

static int
none(struct svc_cal *c, struct svc_err *e)
{
	return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "calendar '%s' has "
	    "no working time within twenty years", c->name);
}

int
svc_cal_add(struct svc_cal *c, int64_t t, int64_t secs, int64_t *out,
    struct svc_err *e)
{
	if (secs <= 0 || c->always) {
		*out = t + (secs > 0 ? secs : 0);
		return 0;
	}
	if (c->nwin == 0)
		return none(c, e);
	ensure(c, t, t + secs);
	for (;;) {
		int64_t target = before(c, t) + secs;
		size_t lo = 0, hi = c->n;

		if (c->cum[c->n] >= target) {
			/* first interval whose end reaches target */
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (c->cum[mid + 1] >= target)
					hi = mid;
				else
					lo = mid + 1;
			}
			*out = c->iv[lo].s + (target - c->cum[lo]);
			return 0;
		}
		if (c->uhi - t > YEARS20)
			return none(c, e);
		ensure(c, t, c->uhi + (c->uhi - c->ulo));
	}
}

int
svc_cal_next_open(struct svc_cal *c, int64_t t, int64_t *out,
    struct svc_err *e)
{
	if (c->always) {
		*out = t;
		return 0;
	}
	if (c->nwin == 0)
		return none(c, e);
	ensure(c, t, t);
	for (;;) {
		long i = find(c, t);

		if (i >= 0 && t < c->iv[i].e) {
			*out = t;
			return 0;
		}
		if ((size_t)(i + 1) < c->n) {
			*out = c->iv[i + 1].s;
			return 0;
		}
		if (c->uhi - t > YEARS20)
			return none(c, e);
		ensure(c, t, c->uhi + (c->uhi - c->ulo));
	}
}

/* ---- checks for svc-sla --lint ---- */

static void
clock_text(int min, char *buf, size_t n)
{
	snprintf(buf, n, "%02d:%02d", min / 60 % 24, min % 60);
}

int
svc_cal_lint(struct svc_cal *c, int year,
    void (*f)(void *ud, int holiday, const char *msg), void *ud)
{
	unsigned char *week, works = 0;
	char msg[256], a[8];
	size_t i;
	int d, m, found = 0, overlap = 0;

	if (c->always)
		return 0;
	week = svc_xcalloc(7 * 1440, 1);
	for (i = 0; i < c->nwin; i++)
		for (d = 0; d < 7; d++) {
			if (!(c->win[i].days & (1u << d)))
				continue;
			for (m = c->win[i].start; m < c->win[i].end; m++) {
				int k = (d * 1440 + m) % (7 * 1440);

				works |= (unsigned char)(1u << (k / 1440));
				if (week[k] && !overlap) {
					clock_text(m, a, sizeof(a));
					snprintf(msg, sizeof(msg), "calendar '%s': "
					    "windows overlap on %s at %s", c->name,
					    dnames[k / 1440], a);
					f(ud, 0, msg);
					found++;
					overlap = 1;
				}
				week[k] = 1;
			}
		}
	free(week);
	for (i = 0; i < c->nhol; i++) {
		int y = c->hol[i].yearly ? year : c->hol[i].y, dow;
		int64_t day = svc_days_from_civil(y, (unsigned)c->hol[i].m,
		    (unsigned)c->hol[i].d);

		if (c->hol[i].yearly && c->hol[i].m == 2 && c->hol[i].d == 29 &&
		    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
			continue;
		dow = (int)(((day % 7) + 7 + 3) % 7);	/* 1970-01-01: Thursday */
		if (!(works & (1u << dow))) {
			snprintf(msg, sizeof(msg), "calendar '%s': holiday "
			    "%04d-%02d-%02d is a %s, which has no working time",
			    c->name, y, c->hol[i].m, c->hol[i].d, dnames[dow]);
			f(ud, 1, msg);
			found++;
		}
	}
	return found;
}

/* ---- from the database ---- */

static sqlite3_stmt *
prep(struct svc_db *db, const char *kind, const char *cols, int64_t now,
    const char *name, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;

	if (svc_config_select(db, now, kind, cols, "calendar=?", "rowno", &st,
	    e) != 0)
		return NULL;
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	return st;
}

static const char *
text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

struct svc_cal *
svc_cal_load(struct svc_db *db, int64_t now, const char *name,
    struct svc_err *e)
{
	struct svc_cal *c = NULL;
	sqlite3_stmt *st;

	if (strcmp(name, "24x7") == 0)
		return svc_cal_new(name, "UTC");
	if ((st = prep(db, "calendars", "tz, day, start, \"end\"", now, name,
	    e)) == NULL)
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		unsigned days;
		int a, b;

		if (c == NULL)
			c = svc_cal_new(name, text(st, 0));
		/* rows were checked when loaded */
		if (svc_cal_parse_days(text(st, 1), &days) == 0 &&
		    svc_cal_parse_clock(text(st, 2), &a) == 0 &&
		    svc_cal_parse_clock(text(st, 3), &b) == 0)
			svc_cal_add_window(c, days, a, b);
	}
	sqlite3_finalize(st);
	if (c == NULL) {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "no calendar '%s' "
		    "(load one with svc-import --kind calendars)", name);
		return NULL;
	}
	if ((st = prep(db, "holidays", "date, start, \"end\"", now, name,
	    e)) == NULL) {
		svc_cal_free(c);
		return NULL;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		int y, m, d, yearly, a = -1, b = -1;

		if (svc_cal_parse_date(text(st, 0), &y, &m, &d, &yearly) != 0)
			continue;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
		    (svc_cal_parse_clock(text(st, 1), &a) != 0 ||
		    svc_cal_parse_clock(text(st, 2), &b) != 0))
			continue;
		svc_cal_add_holiday(c, y, m, d, yearly, a, b);
	}
	sqlite3_finalize(st);
	return c;
}

void
svc_calset_init(struct svc_calset *s, struct svc_db *db, int64_t now)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->now = now;
}

struct svc_cal *
svc_calset_get(struct svc_calset *s, const char *name, struct svc_err *e)
{
	struct svc_cal *c;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0) {
			if (s->v[i].cal == NULL)
				svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "no calendar "
				    "'%s' (load one with svc-import --kind calendars)",
				    name);
			return s->v[i].cal;
		}
	if ((c = svc_cal_load(s->db, s->now, name, e)) == NULL &&
	    e->status != SVC_EXIT_USAGE)
		return NULL;	/* a database error: not remembered */
	s->v = svc_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n].name = svc_xstrdup(name);
	s->v[s->n++].cal = c;
	return c;
}

void
svc_calset_free(struct svc_calset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].name);
		svc_cal_free(s->v[i].cal);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
