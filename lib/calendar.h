/* calendar.h: business calendars and working-time arithmetic.
 *
 * A calendar is a time zone, working windows per weekday (several a day
 * for split shifts; a window whose end is before its start runs past
 * midnight) and holidays (a date once, or MM-DD every year; all day or a
 * partial closure).  It is compiled into a sorted table of UTC working
 * intervals with the working seconds before each, over the range asked
 * for (grown on demand), so every question is a binary search.  Wall-clock
 * times are turned into UTC on each day, so daylight-saving changes and
 * half-hour offsets come out right: a 09:00-17:00 window is 8 hours on
 * the day the clocks change.  The calendar "24x7" always exists.
 */
#ifndef SVC_CALENDAR_H
#define SVC_CALENDAR_H

#include <stdint.h>

#include "db.h"
#include "err.h"

struct svc_cal;

/* Parsing of the calendar and holiday columns, for loading and checks.
 * A day: mon..sun, a range "mon-fri" (may wrap: "fri-mon"), or a list
 * "mon,wed"; *mask gets bit 0 for Monday .. bit 6 for Sunday.  A clock
 * time: HH:MM, 00:00 to 24:00 (*min in minutes).  A date: YYYY-MM-DD
 * (*yearly 0) or MM-DD (*yearly 1, *y 0).  Each returns 0 or -1. */
int svc_cal_parse_days(const char *s, unsigned *mask);
int svc_cal_parse_clock(const char *s, int *min);
int svc_cal_parse_date(const char *s, int *y, int *m, int *d, int *yearly);

/* A new empty calendar in zone; windows and holidays are added before
 * the first question.  start and end in minutes (end < start: past
 * midnight); a holiday's start/end -1 for all day. */
struct svc_cal *svc_cal_new(const char *name, const char *zone);
int svc_cal_add_window(struct svc_cal *c, unsigned days, int start, int end);
int svc_cal_add_holiday(struct svc_cal *c, int y, int m, int d, int yearly,
    int start, int end);
void svc_cal_free(struct svc_cal *c);
const char *svc_cal_name(const struct svc_cal *c);
const char *svc_cal_zone(const struct svc_cal *c);

/* The calendar name valid at now from the database (the calendars and
 * holidays kinds); "24x7" is built in.  NULL with e set (SVC_EXIT_USAGE)
 * when there is no such calendar. */
struct svc_cal *svc_cal_load(struct svc_db *db, int64_t now,
    const char *name, struct svc_err *e);

/* Calendars by name for one run, each loaded once; a name that has no
 * calendar is remembered too. */
struct svc_calset {
	struct svc_db *db;
	int64_t now;
	struct svc_calent {
		char *name;
		struct svc_cal *cal;	/* NULL: no such calendar */
	} *v;
	size_t n;
};
void svc_calset_init(struct svc_calset *s, struct svc_db *db, int64_t now);
/* As svc_cal_load, from the set. */
struct svc_cal *svc_calset_get(struct svc_calset *s, const char *name,
    struct svc_err *e);
void svc_calset_free(struct svc_calset *s);

/* Is t inside working time? */
int svc_cal_open(struct svc_cal *c, int64_t t);
/* Working seconds from a to b (0 when b <= a). */
int64_t svc_cal_between(struct svc_cal *c, int64_t a, int64_t b);
/* The time at which secs working seconds after t have passed (t itself
 * for 0).  Returns 0, or -1 with e set when the calendar has no working
 * time within twenty years. */
int svc_cal_add(struct svc_cal *c, int64_t t, int64_t secs, int64_t *out,
    struct svc_err *e);
/* The next opening at or after t (t when open); -1 as svc_cal_add. */
int svc_cal_next_open(struct svc_cal *c, int64_t t, int64_t *out,
    struct svc_err *e);

/* Report to f what is odd about c: windows that overlap, holidays (yearly
 * ones in year) on a weekday without working time; holiday is 1 for a
 * finding about a holiday (loaded with the holidays kind), 0 for one about
 * the working windows.  Returns the number of findings. */
int svc_cal_lint(struct svc_cal *c, int year,
    void (*f)(void *ud, int holiday, const char *msg), void *ud);

#endif
