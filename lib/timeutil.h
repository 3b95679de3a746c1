/* timeutil.h: reading and writing times.
 *
 * Times are UTC epoch seconds (int64_t).  Values without an offset are read
 * in the zone set with svc_time_set_zone() (the --tz option); output is
 * ISO 8601 with the offset of that zone.
 */
#ifndef SVC_TIMEUTIL_H
#define SVC_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum svc_date_order {
	SVC_DATE_AUTO = 0,	/* decide from the data, refuse to guess */
	SVC_DATE_DMY,
	SVC_DATE_MDY
};

/* Per-input state for numeric dates: the order given by --date-order or
 * learnt from the first value that settles it. */
struct svc_time_ctx {
	int order;		/* enum svc_date_order */
	int learnt;		/* 1 when order came from the data */
};

enum {
	SVC_TIME_OK = 0,
	SVC_TIME_BAD = -1,	/* not a time; why says what is wrong */
	SVC_TIME_AMBIGUOUS = -2	/* day-first or month-first cannot be told */
};

/* Set the zone used to read local times and to write times.  NULL or ""
 * means UTC.  Fails (SVC_EXIT_USAGE) on a zone that is not in the system
 * zone database. */
int svc_time_set_zone(const char *zone, struct svc_err *e);
/* The zone set last ("UTC" by default). */
const char *svc_time_zone(void);

/* Parse s (n bytes) into *out.  Accepts ISO 8601 with or without offset,
 * "YYYY-MM-DD HH:MM[:SS]", numeric day-first or month-first dates with
 * "/", "-" or "." (see ctx), "06/Jan/26 9:29 AM", 12-hour AM/PM times,
 * and Excel serial day numbers.  Returns SVC_TIME_OK, SVC_TIME_BAD or
 * SVC_TIME_AMBIGUOUS; on failure why (whyn bytes) holds a short reason. */
int svc_time_parse(const char *s, size_t n, struct svc_time_ctx *ctx,
    int64_t *out, char *why, size_t whyn);

/* Is the time value s (n bytes) a placeholder an export writes for "no
 * time"?  parsed says whether svc_time_parse read it, as t.  The
 * placeholders: a date of zeros (0000-00-00, 00/00/0000, the spreadsheet
 * serial 0), with or without a time of day, readable or not; any time
 * within a day of the Unix epoch 1970-01-01T00:00:00Z; and, as dates in
 * the zone of svc_time_set_zone(), 1899-12-30 and 1899-12-31
 * (spreadsheet day 0), 1900-01-01 (spreadsheet day 1, SQL Server's
 * zero), 1904-01-01 (day 0 of the 1904 date system), any date before
 * 1900 (0001-01-01, 1753-01-01, ...) and any in 2100 or later
 * (2999-12-31, 4712-12-31, 9999-12-31, ...).  Returns NULL, or a short
 * description of the placeholder. */
const char *svc_time_placeholder(const char *s, size_t n, int parsed,
    int64_t t);

/* Parse a whole-string time for options such as --now; fills e (usage
 * error naming opt) on failure. */
int svc_time_parse_opt(const char *opt, const char *s, int64_t *out,
    struct svc_err *e);

/* Write t as ISO 8601 with offset in the current zone ("2026-01-05T09:00:00+01:00"). */
void svc_time_format(int64_t t, char *buf, size_t n);

/* svc_time_format, or "-" for a time not set (below 0). */
void svc_time_show(int64_t t, char *buf, size_t n);

/* Write secs as a duration such as "1d2h30m" or "45m10s" ("0m" for 0). */
void svc_dur_format(int64_t secs, char *buf, size_t n);

/* Parse a duration: "HH:MM" or "HH:MM:SS" (hours of any length), or a plain
 * number (may have a decimal point) in unit_s seconds (60 for minutes, 3600
 * for hours).  Returns 0 or -1. */
int svc_time_duration(const char *s, size_t n, int unit_s, int64_t *secs);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t svc_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Local (zone) broken-down time to UTC epoch; -1 in *ok when the time
 * does not exist in the zone (daylight-saving gap). */
int64_t svc_time_from_local(int y, int mo, int d, int h, int mi, int s,
    int *ok);

/* Is zone an IANA name in the system zone database (or UTC)? */
int svc_time_zone_valid(const char *zone);

/* Proleptic Gregorian date of a day number (days since 1970-01-01). */
void svc_civil_from_days(int64_t day, int *y, unsigned *m, unsigned *d);

/* The UTC time of the wall-clock time secs (>= 0, may pass 86400) after
 * the local midnight starting day (days since 1970-01-01) in zone.  A
 * time that occurs twice (the clocks go back) is the first; one that
 * does not occur (the clocks go forward) is moved forward by the gap. */
int64_t svc_zone_from_local(const char *zone, int64_t day, int64_t secs);

/* The local day (days since 1970-01-01) of UTC time t in zone, with its
 * weekday (0 Monday .. 6 Sunday) and seconds since local midnight. */
int64_t svc_zone_day(const char *zone, int64_t t, int *dow, int64_t *secs);

#endif
