/* timeutil.c: the time forms of design section 3. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "timeutil.h"

static char zone_name[128] = "UTC";
static int zone_is_utc = 1;
static char tz_now[128];	/* TZ as last set: switching costs a file read */

static void
use_tz(const char *zone)
{
	if (strcmp(tz_now, zone) == 0)
		return;
	snprintf(tz_now, sizeof(tz_now), "%s", zone);
	setenv("TZ", zone, 1);
	tzset();
}

/* Back to the zone of svc_time_set_zone() after a calendar's. */
static void
use_global(void)
{
	use_tz(zone_is_utc ? "UTC" : zone_name);
}

/* Month names as the exports write them: English, Spanish, Portuguese,
 * German and French abbreviations (the forms Java's date formats give, as
 * Jira writes them, with or without a final dot), lower case, UTF-8.  A
 * name may go on with ASCII letters ("January", "enero", "Dezember"). */
static const char *const months[12][6] = {
	{ "jan", "ene", "j\xc3\xa4n", NULL },
	{ "feb", "fev", "f\xc3\xa9v", NULL },
	{ "mar", "m\xc3\xa4r", "mrz", "mar\xc3\xa7o", NULL },
	{ "apr", "abr", "avr", NULL },
	{ "may", "mai", NULL },
	{ "jun", "juin", NULL },
	{ "jul", "juil", NULL },
	{ "aug", "ago", "ao\xc3\xbbt", "aout", NULL },
	{ "sep", "set", NULL },
	{ "oct", "okt", "out", NULL },
	{ "nov", NULL },
	{ "dec", "dic", "dez", "d\xc3\xa9" "c", NULL }
};

static int
zone_valid(const char *z)
{
	char path[512];
	struct stat st;
	const char *dir = getenv("TZDIR");

	if (z[0] == '/' || strstr(z, "..") != NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s",
	    dir && *dir ? dir : "/usr/share/zoneinfo", z);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
svc_time_zone_valid(const char *z)
{
	if (z == NULL || *z == '\0')
		return 0;
	if (strcmp(z, "UTC") == 0 || strcmp(z, "Etc/UTC") == 0)
		return 1;
	return zone_valid(z);
}

int
svc_time_set_zone(const char *zone, struct svc_err *e)
{
	if (zone == NULL || *zone == '\0' || strcmp(zone, "UTC") == 0 ||
	    strcmp(zone, "Etc/UTC") == 0 || strcmp(zone, "Z") == 0) {
		snprintf(zone_name, sizeof(zone_name), "UTC");
		zone_is_utc = 1;
		use_tz("UTC");
		return 0;
	}
	if (*zone == ':')
		zone++;
	if (strlen(zone) >= sizeof(zone_name) || !zone_valid(zone))
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "unknown time zone '%s' (expected an IANA name such as "
		    "Europe/Berlin)", zone);
	snprintf(zone_name, sizeof(zone_name), "%s", zone);
	zone_is_utc = 0;
	use_tz(zone);
	return 0;
}

const char *
svc_time_zone(void)
{
	return zone_name;
}

int64_t
svc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int64_t
svc_time_from_local(int y, int mo, int d, int h, int mi, int s, int *ok)
{
	struct tm tm, back;
	time_t t;

	*ok = 1;
	if (zone_is_utc)
		return svc_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		    h * 3600 + mi * 60 + s;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	use_global();
	t = mktime(&tm);
	localtime_r(&t, &back);
	if (back.tm_year != y - 1900 || back.tm_mon != mo - 1 ||
	    back.tm_mday != d || back.tm_hour != h || back.tm_min != mi)
		*ok = 0;
	return (int64_t)t;
}

/* A tiny cursor over the input. */
struct cur {
	const char *p, *end;
};

static void
skipsp(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Read up to maxd digits; returns count read, value in *v. */
static int
digits(struct cur *c, int maxd, long *v)
{
	int n = 0;

	*v = 0;
	while (c->p < c->end && n < maxd && isdigit((unsigned char)*c->p)) {
		*v = *v * 10 + (*c->p - '0');
		c->p++;
		n++;
	}
	return n;
}

/* Does the text at p (up to end) start with name, ignoring the case of
 * ASCII letters and of the Latin-1 letters of UTF-8 (\xc3 then \x80 to
 * \x9e is the capital of \xc3 then \xa0 to \xbe)?  Returns its length
 * in p, or 0. */
static size_t
starts_name(const char *p, const char *end, const char *name)
{
	size_t i, n = strlen(name);
	int prev = 0;

	if ((size_t)(end - p) < n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)p[i];
		unsigned char b = (unsigned char)name[i];

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		else if (prev == 0xc3 && a >= 0x80 && a <= 0x9e && a != 0x97)
			a = (unsigned char)(a + 0x20);
		if (a != b)
			return 0;
		prev = (unsigned char)p[i];
	}
	return n;
}

static int
month_name(struct cur *c)
{
	size_t best = 0, k;
	int i, j, m = 0;

	for (i = 0; i < 12; i++)
		for (j = 0; months[i][j]; j++)
			if ((k = starts_name(c->p, c->end, months[i][j])) >
			    best) {
				best = k;
				m = i + 1;
			}
	if (m == 0)
		return 0;
	c->p += best;
	while (c->p < c->end && isalpha((unsigned char)*c->p))
		c->p++;
	if (c->p < c->end && *c->p == '.')
		c->p++;
	return m;
}

/* A 12-hour marker: AM or PM, also written "a.m.", "a. m." (Spanish) and
 * the like.  Returns 1 (AM), 2 (PM) or 0, moving past it. */
static int
ampm(struct cur *c)
{
	const char *p = c->p;
	int pm;

	if (p >= c->end || (tolower((unsigned char)*p) != 'a' &&
	    tolower((unsigned char)*p) != 'p'))
		return 0;
	pm = tolower((unsigned char)*p++) == 'p';
	if (p < c->end && *p == '.') {
		p++;
		if (p < c->end && *p == ' ')
			p++;
	}
	if (p >= c->end || tolower((unsigned char)*p) != 'm')
		return 0;
	p++;
	if (p < c->end && *p == '.')
		p++;
	if (p < c->end && isalpha((unsigned char)*p))
		return 0;
	c->p = p;
	return pm ? 2 : 1;
}

static int
fail(char *why, size_t n, const char *msg)
{
	snprintf(why, n, "%s", msg);
	return SVC_TIME_BAD;
}

static int
excel_serial(const char *s, size_t n, int64_t *out)
{
	char tmp[32], *end;
	double v;
	size_t i;
	int dot = 0;

	if (n == 0 || n >= sizeof(tmp))
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.' && !dot)
			dot = 1;
		else if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	v = strtod(tmp, &end);
	if (v < 1 || v >= 2958466)
		return 0;
	/* day 25569 is 1970-01-01; Excel's 1900 leap-year bug is below 61 */
	{
		int64_t days = (int64_t)v;
		double frac = v - (double)days;
		int64_t secs = (int64_t)(frac * 86400.0 + 0.5);
		int64_t d = days - 25569;
		int64_t y, mo, dd;
		int ok;
		/* civil from days to read in local zone */
		int64_t z = d + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
		unsigned doe = (unsigned)(z - era * 146097);
		unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		unsigned mp = (5 * doy + 2) / 153;

		dd = doy - (153 * mp + 2) / 5 + 1;
		mo = mp < 10 ? mp + 3 : mp - 9;
		y = (int64_t)yoe + era * 400 + (mo <= 2);
		*out = svc_time_from_local((int)y, (int)mo, (int)dd,
		    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
		    &ok);
		if (!ok)
			*out += 3600;
	}
	return 1;
}

int
svc_time_parse(const char *s, size_t n, struct svc_time_ctx *ctx,
    int64_t *out, char *why, size_t whyn)
{
	struct cur c = { s, s + n };
	long a = 0, b = 0, y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, v;
	int na, nb, ny, off_given = 0, ok, order, k;
	long off = 0;
	char sep;

	while (c.p < c.end && isspace((unsigned char)*c.p))
		c.p++;
	while (c.end > c.p && isspace((unsigned char)c.end[-1]))
		c.end--;
	if (c.p == c.end)
		return fail(why, whyn, "empty time");
	if (excel_serial(c.p, (size_t)(c.end - c.p), out))
		return SVC_TIME_OK;

	na = digits(&c, 4, &a);
	if (na == 0)
		return fail(why, whyn, "not a date");
	if (c.p >= c.end)
		return fail(why, whyn, "not a date");
	sep = *c.p;
	if (sep != '-' && sep != '/' && sep != '.')
		return fail(why, whyn, "not a date");
	c.p++;
	if (na == 4) {
		/* YYYY-MM-DD */
		y = a;
		if (digits(&c, 2, &mo) == 0 || c.p >= c.end || *c.p != sep)
			return fail(why, whyn, "not a date");
		c.p++;
		if (digits(&c, 2, &d) == 0)
			return fail(why, whyn, "not a date");
	} else if (na <= 2) {
		if ((mo = month_name(&c)) != 0) {
			/* 06/Jan/26 or 6-Jan-2026 */
			d = a;
		} else {
			nb = digits(&c, 2, &b);
			if (nb == 0)
				return fail(why, whyn, "not a date");
		}
		if (c.p >= c.end || *c.p != sep)
			return fail(why, whyn, "not a date");
		c.p++;
		ny = digits(&c, 4, &y);
		if (ny != 2 && ny != 4)
			return fail(why, whyn, "not a date");
		if (ny == 2)
			y += y < 70 ? 2000 : 1900;
		if (mo == 0) {
			order = ctx ? ctx->order : SVC_DATE_AUTO;
			if (order == SVC_DATE_AUTO) {
				if (a > 12 && b <= 12)
					order = SVC_DATE_DMY;
				else if (b > 12 && a <= 12)
					order = SVC_DATE_MDY;
				else if (a == b)
					order = SVC_DATE_DMY;
				else if (a <= 12 && b <= 12) {
					snprintf(why, whyn, "'%.*s' could be "
					    "day-first or month-first",
					    (int)n, s);
					return SVC_TIME_AMBIGUOUS;
				}
				if (ctx && order != SVC_DATE_AUTO && a != b) {
					ctx->order = order;
					ctx->learnt = 1;
				}
			}
			if (order == SVC_DATE_MDY) {
				mo = a;
				d = b;
			} else {
				d = a;
				mo = b;
			}
		}
	} else
		return fail(why, whyn, "not a date");

	if (mo < 1 || mo > 12)
		return fail(why, whyn, "no such month");
	if (d < 1 || d > days_in_month((int)y, (int)mo))
		return fail(why, whyn, "no such day in that month");

	/* time of day */
	if (c.p < c.end && (*c.p == 'T' || *c.p == 't' || *c.p == ' ')) {
		if (*c.p == 'T' || *c.p == 't')
			c.p++;
		skipsp(&c);
		if (c.p < c.end) {
			if (digits(&c, 2, &h) == 0 || c.p >= c.end ||
			    *c.p != ':')
				return fail(why, whyn, "not a time of day");
			c.p++;
			if (digits(&c, 2, &mi) != 2)
				return fail(why, whyn, "not a time of day");
			if (c.p < c.end && *c.p == ':') {
				c.p++;
				if (digits(&c, 2, &sec) != 2)
					return fail(why, whyn,
					    "not a time of day");
				if (c.p < c.end && (*c.p == '.' || *c.p == ',')) {
					c.p++;
					if (digits(&c, 9, &v) == 0)
						return fail(why, whyn,
						    "not a time of day");
					while (c.p < c.end &&
					    isdigit((unsigned char)*c.p))
						c.p++;
				}
			}
			skipsp(&c);
			if ((k = ampm(&c)) != 0) {
				if (h < 1 || h > 12)
					return fail(why, whyn,
					    "hour out of range for AM/PM");
				if (h == 12)
					h = 0;
				if (k == 2)
					h += 12;
				skipsp(&c);
			}
			if (c.p < c.end && (*c.p == 'Z' || *c.p == 'z')) {
				off_given = 1;
				c.p++;
			} else if (c.p < c.end && (*c.p == '+' || *c.p == '-')) {
				int neg = *c.p == '-';
				long oh = 0, om = 0, os = 0;

				c.p++;
				if (digits(&c, 2, &oh) != 2)
					return fail(why, whyn, "bad offset");
				if (c.p < c.end && *c.p == ':')
					c.p++;
				if (c.p < c.end && digits(&c, 2, &om) != 2)
					return fail(why, whyn, "bad offset");
				/* seconds, as written for a local mean time
				 * (+05:53:28) */
				if (c.p < c.end && *c.p == ':') {
					c.p++;
					if (digits(&c, 2, &os) != 2)
						return fail(why, whyn,
						    "bad offset");
				}
				if (oh > 18 || om > 59 || os > 59)
					return fail(why, whyn, "bad offset");
				off = (oh * 3600 + om * 60 + os) * (neg ? -1 : 1);
				off_given = 1;
			}
		}
	}
	if (c.p != c.end)
		return fail(why, whyn, "unexpected text after the time");
	if (h > 23 || mi > 59 || sec > 60)
		return fail(why, whyn, "no such time of day");
	if (sec == 60)
		sec = 59;
	if (off_given) {
		*out = svc_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		    h * 3600 + mi * 60 + sec - off;
		return SVC_TIME_OK;
	}
	*out = svc_time_from_local((int)y, (int)mo, (int)d, (int)h, (int)mi,
	    (int)sec, &ok);
	if (!ok) {
		snprintf(why, whyn, "does not exist in %s (daylight-saving "
		    "change)", zone_name);
		return SVC_TIME_BAD;
	}
	return SVC_TIME_OK;
}

/* Is s, before any time of day, a date of zeros ("0000-00-00",
 * "00/00/0000", "0", "0.0")? */
static int
zero_date(const char *s, size_t n)
{
	size_t i, zeros = 0;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	for (i = 0; i < n && s[i] != ' ' && s[i] != 'T' && s[i] != 't'; i++) {
		if (s[i] == '0')
			zeros++;
		else if (s[i] != '-' && s[i] != '/' && s[i] != '.')
			return 0;
	}
	if (zeros == 0)
		return 0;
	/* what follows may only be a time of day */
	for (; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && strchr(" Tt:.,Z+-",
		    s[i]) == NULL)
			return 0;
	return 1;
}

/* Is s a spreadsheet serial below 1 ("0", "0.5": a time of day on day
 * 0)? */
static int
day_zero_serial(const char *s, size_t n)
{
	size_t i;
	int dot = 0, digit = 0;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || (s[0] != '0' && s[0] != '.'))
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.' && !dot)
			dot = 1;
		else if (!isdigit((unsigned char)s[i]) || (!dot && s[i] != '0'))
			return 0;
		else
			digit = 1;
	}
	return digit;
}

const char *
svc_time_placeholder(const char *s, size_t n, int parsed, int64_t t)
{
	int y;
	unsigned m, d;
	int64_t day;

	if (!parsed) {
		if (day_zero_serial(s, n))
			return "a spreadsheet zero date";
		if (zero_date(s, n))
			return "a zero date";
		return NULL;
	}
	if (t > -86400 && t < 86400)
		return "the Unix epoch (time 0)";
	/* the usual case, without a look at the zone: a day or more from
	 * the dates below wherever the zone is */
	if (t > 86400 * (svc_days_from_civil(1904, 1, 1) + 2) &&
	    t < 86400 * (svc_days_from_civil(2100, 1, 1) - 1))
		return NULL;
	if (t > 86400 * (svc_days_from_civil(1900, 1, 1) + 2) &&
	    t < 86400 * (svc_days_from_civil(1904, 1, 1) - 1))
		return NULL;
	if (zero_date(s, n))
		return "a zero date";
	day = svc_zone_day(zone_name, t, NULL, NULL);
	svc_civil_from_days(day, &y, &m, &d);
	if (y == 1899 && m == 12 && d >= 30)
		return "a spreadsheet zero date";
	if (y == 1900 && m == 1 && d == 1)
		return "a spreadsheet or SQL Server zero date";
	if (y == 1904 && m == 1 && d == 1)
		return "the zero date of spreadsheets' 1904 date system";
	if (y < 1900)
		return "a minimum date (before 1900)";
	if (y >= 2100)
		return "an end-of-time date (2100 or later)";
	return NULL;
}

int
svc_time_parse_opt(const char *opt, const char *s, int64_t *out,
    struct svc_err *e)
{
	struct svc_time_ctx ctx = { SVC_DATE_AUTO, 0 };
	char why[160];
	int rc;

	if (strcmp(s, "now") == 0) {
		*out = (int64_t)time(NULL);
		return 0;
	}
	rc = svc_time_parse(s, strlen(s), &ctx, out, why, sizeof(why));
	if (rc == SVC_TIME_OK)
		return 0;
	return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
	    "option '%s': cannot read '%s' as a time: %s", opt, s, why);
}

static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

void
svc_time_format(int64_t t, char *buf, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;
	long off;
	char sign, tmp[96];
	size_t k;

	if (zone_is_utc)
		gmtime_r(&tt, &tm);
	else {
		use_global();
		localtime_r(&tt, &tm);
	}
	off = zone_is_utc ? 0 : tm.tm_gmtoff;
	sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
		snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%c"
		    "%02ld:%02ld", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
		    off / 3600, off / 60 % 60);
		k = strlen(tmp);
	} else {
		/* without printf: this is written per row */
		put2(tmp, (tm.tm_year + 1900) / 100);
		put2(tmp + 2, (tm.tm_year + 1900) % 100);
		tmp[4] = '-';
		put2(tmp + 5, tm.tm_mon + 1);
		tmp[7] = '-';
		put2(tmp + 8, tm.tm_mday);
		tmp[10] = 'T';
		put2(tmp + 11, tm.tm_hour);
		tmp[13] = ':';
		put2(tmp + 14, tm.tm_min);
		tmp[16] = ':';
		put2(tmp + 17, tm.tm_sec);
		tmp[19] = sign;
		put2(tmp + 20, (int)(off / 3600 % 100));
		tmp[22] = ':';
		put2(tmp + 23, (int)(off / 60 % 60));
		k = 25;
	}
	/* an offset with seconds (a local mean time before standard time)
	 * keeps them, so that the time reads back the same */
	if (off % 60 != 0) {
		tmp[k++] = ':';
		put2(tmp + k, (int)(off % 60));
		k += 2;
	}
	if (n == 0)
		return;
	if (k >= n)
		k = n - 1;
	memcpy(buf, tmp, k);
	buf[k] = '\0';
}

int
svc_time_duration(const char *s, size_t n, int unit_s, int64_t *secs)
{
	char tmp[64], *end;
	size_t i;
	long long parts[3];
	int np = 0;
	double v;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (memchr(tmp, ':', n)) {
		char *p = tmp;

		for (;;) {
			long long x;

			if (!isdigit((unsigned char)*p) || np == 3)
				return -1;
			x = strtoll(p, &end, 10);
			parts[np++] = x;
			if (*end == '\0')
				break;
			if (*end != ':')
				return -1;
			p = end + 1;
		}
		if (np < 2 || parts[1] > 59 || (np == 3 && parts[2] > 59))
			return -1;
		*secs = parts[0] * 3600 + parts[1] * 60 + (np == 3 ? parts[2] : 0);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)tmp[i]) && tmp[i] != '.')
			return -1;
	v = strtod(tmp, &end);
	if (*end != '\0' || v > 1e12)
		return -1;
	*secs = (int64_t)(v * unit_s + 0.5);
	return 0;
}

/* ---- another zone for a moment (calendars carry their own) ---- */

int64_t
svc_zone_from_local(const char *zone, int64_t day, int64_t secs)
{
	struct tm tm, back;
	int64_t best = 0, cand[2];
	int y, mo, d, k, found = 0;
	unsigned um, ud;

	if (strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0)
		return day * 86400 + secs;
	day += secs / 86400;
	secs %= 86400;
	svc_civil_from_days(day, &y, &um, &ud);
	mo = (int)um;
	d = (int)ud;
	use_tz(zone);
	for (k = 0; k < 2; k++) {
		time_t t;

		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = (int)(secs / 3600);
		tm.tm_min = (int)(secs / 60 % 60);
		tm.tm_sec = (int)(secs % 60);
		tm.tm_isdst = k == 0;	/* daylight time first: it is earlier */
		t = mktime(&tm);
		cand[k] = (int64_t)t;
		localtime_r(&t, &back);
		if (back.tm_year == y - 1900 && back.tm_mon == mo - 1 &&
		    back.tm_mday == d && back.tm_hour == (int)(secs / 3600) &&
		    back.tm_min == (int)(secs / 60 % 60) &&
		    back.tm_sec == (int)(secs % 60) && (!found || t < best)) {
			best = (int64_t)t;
			found = 1;
		}
	}
	if (found)
		return best;
	/* in a gap: moved forward by the gap's length */
	return cand[0] > cand[1] ? cand[0] : cand[1];
}

int64_t
svc_zone_day(const char *zone, int64_t t, int *dow, int64_t *secs)
{
	struct tm tm;
	time_t tt = (time_t)t;
	int64_t day;

	if (strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0)
		gmtime_r(&tt, &tm);
	else {
		use_tz(zone);
		localtime_r(&tt, &tm);
	}
	day = svc_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
	    (unsigned)tm.tm_mday);
	if (dow)
		*dow = (tm.tm_wday + 6) % 7;
	if (secs)
		*secs = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return day;
}

void
svc_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

void
svc_dur_format(int64_t s, char *buf, size_t n)
{
	int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
	size_t k = 0;

	buf[0] = '\0';
	if (d)
		k += (size_t)snprintf(buf + k, n - k, "%lldd", (long long)d);
	if (h && k < n)
		k += (size_t)snprintf(buf + k, n - k, "%lldh", (long long)h);
	if ((m || k == 0) && k < n)
		k += (size_t)snprintf(buf + k, n - k, "%lldm", (long long)m);
	if (s % 60 && k < n)
		snprintf(buf + k, n - k, "%llds", (long long)(s % 60));
}

void
svc_time_show(int64_t t, char *buf, size_t n)
{
	if (t < 0)
		snprintf(buf, n, "-");
	else
		svc_time_format(t, buf, n);
}
