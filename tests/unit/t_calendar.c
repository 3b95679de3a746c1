/* Unit tests: business calendars, daylight-saving changes, half-hour
 * zones, overnight windows, holidays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "db.h"
#include "tap.h"
#include "timeutil.h"

#define H 3600

static int64_t
T(const char *s)
{
	struct svc_err e;
	int64_t t = 0;

	if (svc_time_parse_opt("--test", s, &t, &e) != 0)
		abort();
	return t;
}

static struct svc_cal *
cal(const char *zone, const char *days, const char *start, const char *end)
{
	struct svc_cal *c = svc_cal_new("t", zone);
	unsigned d;
	int a, b;

	svc_cal_parse_days(days, &d);
	svc_cal_parse_clock(start, &a);
	svc_cal_parse_clock(end, &b);
	svc_cal_add_window(c, d, a, b);
	return c;
}

int
main(void)
{
	struct svc_err e;
	struct svc_cal *c;
	unsigned mask;
	int min, y, m, d, yearly;
	int64_t t;
	char buf[64];

	svc_time_set_zone("UTC", &e);

	/* parsing */
	ok(svc_cal_parse_days("mon-fri", &mask) == 0 && mask == 0x1f, "mon-fri");
	ok(svc_cal_parse_days("fri-mon", &mask) == 0 && mask == 0x71,
	    "a range may wrap: fri-mon");
	ok(svc_cal_parse_days("mon, Wed", &mask) == 0 && mask == 0x05, "a list");
	ok(svc_cal_parse_days("sunday", &mask) == 0 && mask == 0x40, "a long name");
	ok(svc_cal_parse_days("mond", &mask) == -1, "not a day");
	ok(svc_cal_parse_days("", &mask) == -1, "no day");
	ok(svc_cal_parse_clock("24:00", &min) == 0 && min == 1440, "24:00");
	ok(svc_cal_parse_clock("24:01", &min) == -1, "24:01 is not a time");
	ok(svc_cal_parse_clock("9:00", &min) == -1, "HH:MM only");
	ok(svc_cal_parse_clock("12:60", &min) == -1, "minute 60");
	ok(svc_cal_parse_date("12-25", &y, &m, &d, &yearly) == 0 && yearly &&
	    m == 12 && d == 25, "MM-DD is every year");
	ok(svc_cal_parse_date("2026-12-24", &y, &m, &d, &yearly) == 0 &&
	    !yearly && y == 2026, "YYYY-MM-DD is once");
	ok(svc_cal_parse_date("2026-02-29", &y, &m, &d, &yearly) == -1,
	    "2026-02-29 does not exist");
	ok(svc_cal_parse_date("02-29", &y, &m, &d, &yearly) == 0,
	    "02-29 every year (leap years)");

	/* split shifts, Europe/Berlin */
	c = cal("Europe/Berlin", "mon-fri", "09:00", "12:00");
	svc_cal_add_window(c, 0x1f, 13 * 60, 17 * 60);
	is_int(svc_cal_between(c, T("2026-11-23T08:00:00+01:00"),
	    T("2026-11-23T18:00:00+01:00")), 7 * H, "a day of split shifts: 7h");
	is_int(svc_cal_between(c, T("2026-11-27T16:00:00+01:00"),
	    T("2026-11-30T10:00:00+01:00")), 2 * H, "over a weekend: 2h");
	is_int(svc_cal_between(c, T("2026-11-30T10:00:00+01:00"),
	    T("2026-11-27T16:00:00+01:00")), 0, "end before start: 0");
	svc_cal_add(c, T("2026-11-27T16:00:00+01:00"), 2 * H, &t, &e);
	is_int(t, T("2026-11-30T10:00:00+01:00"), "Friday 16:00 + 2h = Monday 10:00");
	svc_cal_add(c, T("2026-11-23T12:30:00+01:00"), 1800, &t, &e);
	is_int(t, T("2026-11-23T13:30:00+01:00"), "from lunch + 30m = 13:30");
	svc_cal_add(c, T("2026-11-23T09:00:00+01:00"), 7 * 5 * H, &t, &e);
	is_int(t, T("2026-11-27T17:00:00+01:00"), "a working week ends Friday 17:00");
	svc_cal_add(c, T("2026-11-23T09:00:00+01:00"), 0, &t, &e);
	is_int(t, T("2026-11-23T09:00:00+01:00"), "+0 is the start");
	ok(!svc_cal_open(c, T("2026-11-23T12:30:00+01:00")), "closed at lunch");
	ok(svc_cal_open(c, T("2026-11-23T09:00:00+01:00")), "open at 09:00");
	ok(!svc_cal_open(c, T("2026-11-23T17:00:00+01:00")), "closed at 17:00");
	svc_cal_next_open(c, T("2026-11-27T17:30:00+01:00"), &t, &e);
	is_int(t, T("2026-11-30T09:00:00+01:00"), "next opening after Friday");
	/* a year away: the table grows */
	is_int(svc_cal_between(c, T("2026-01-05T00:00:00+01:00"),
	    T("2028-01-03T00:00:00+01:00")), (int64_t)104 * 35 * H,
	    "two years of weeks: 104 x 35h");
	svc_cal_add(c, T("2026-11-23T09:00:00+01:00"), (int64_t)520 * 35 * H,
	    &t, &e);
	is_int(t, T("2036-11-07T17:00:00+01:00"), "520 weeks later: Friday 17:00");

	/* holidays: all day every year, a partial closure once */
	svc_cal_add_holiday(c, 0, 12, 25, 1, -1, -1);
	svc_cal_add_holiday(c, 2026, 12, 24, 0, 12 * 60, 17 * 60);
	is_int(svc_cal_between(c, T("2026-12-24T00:00:00+01:00"),
	    T("2026-12-26T00:00:00+01:00")), 3 * H,
	    "24th closed from noon, 25th closed: 3h");
	is_int(svc_cal_between(c, T("2027-12-24T00:00:00+01:00"),
	    T("2027-12-25T00:00:00+01:00")), 7 * H,
	    "the once-only closure does not repeat");
	svc_cal_add(c, T("2026-12-24T11:00:00+01:00"), 2 * H, &t, &e);
	is_int(t, T("2026-12-28T10:00:00+01:00"), "+2h skips the holidays");
	svc_cal_free(c);

	/* daylight saving: the clocks change inside the day */
	c = cal("Europe/Berlin", "mon-sun", "00:00", "24:00");
	is_int(svc_cal_between(c, T("2026-03-29T00:00:00+01:00"),
	    T("2026-03-30T00:00:00+02:00")), 23 * H, "spring forward: 23h day");
	is_int(svc_cal_between(c, T("2026-10-25T00:00:00+02:00"),
	    T("2026-10-26T00:00:00+01:00")), 25 * H, "fall back: 25h day");
	svc_cal_free(c);
	c = cal("America/New_York", "mon-sun", "01:00", "04:00");
	is_int(svc_cal_between(c, T("2026-03-08T00:00:00-05:00"),
	    T("2026-03-09T00:00:00-04:00")), 2 * H,
	    "01:00-04:00 when 02:00 does not exist: 2h");
	is_int(svc_cal_between(c, T("2026-11-01T00:00:00-04:00"),
	    T("2026-11-02T00:00:00-05:00")), 4 * H,
	    "01:00-04:00 when 01:00-02:00 happens twice: 4h");
	svc_cal_free(c);
	c = cal("Europe/Berlin", "sun", "09:00", "17:00");
	is_int(svc_cal_between(c, T("2026-03-29T00:00:00+01:00"),
	    T("2026-03-30T00:00:00+02:00")), 8 * H,
	    "09:00-17:00 on the day the clocks change is 8h");
	svc_cal_add(c, T("2026-03-23T10:00:00+01:00"), H, &t, &e);
	is_int(t, T("2026-03-29T10:00:00+02:00"), "+1h on Monday = Sunday 10:00");
	svc_cal_free(c);

	/* a half-hour zone */
	c = cal("Asia/Kolkata", "mon-fri", "09:00", "17:30");
	ok(svc_cal_open(c, T("2026-11-23T03:30:00Z")), "09:00 IST is 03:30Z");
	ok(!svc_cal_open(c, T("2026-11-23T03:29:59Z")), "closed a second before");
	is_int(svc_cal_between(c, T("2026-11-23T00:00:00Z"),
	    T("2026-11-24T00:00:00Z")), 8 * H + 1800, "8h30 a day");
	svc_cal_free(c);

	/* overnight: a window belongs to the day it starts */
	c = cal("America/New_York", "mon-fri", "22:00", "06:00");
	ok(svc_cal_open(c, T("2026-11-28T03:00:00Z")), "Friday 22:00 is open");
	ok(svc_cal_open(c, T("2026-11-28T10:59:59Z")), "Saturday 05:59 too");
	ok(!svc_cal_open(c, T("2026-11-29T03:00:00Z")), "Saturday 22:00 is not");
	ok(!svc_cal_open(c, T("2026-11-23T10:00:00Z")),
	    "Monday 05:00 is Sunday's night: closed");
	ok(svc_cal_open(c, T("2026-11-24T10:00:00Z")), "Tuesday 05:00 is open");
	is_int(svc_cal_between(c, T("2026-11-23T00:00:00-05:00"),
	    T("2026-11-30T00:00:00-05:00")), 5 * 8 * H, "a week of nights: 40h");
	svc_cal_free(c);

	/* no working time */
	c = svc_cal_new("empty", "UTC");
	svc_err_clear(&e);
	ok(svc_cal_add(c, T("2026-11-23T00:00:00Z"), H, &t, &e) == -1 &&
	    strstr(e.msg, "no working time") != NULL, "an empty calendar: error");
	is_int(svc_cal_between(c, 0, 1000), 0, "an empty calendar: 0s");
	svc_cal_free(c);

	/* 24x7 */
	c = svc_cal_new("24x7", "UTC");
	is_int(svc_cal_between(c, 100, 1000), 900, "24x7: elapsed time");
	svc_cal_add(c, 100, 900, &t, &e);
	is_int(t, 1000, "24x7: plus");
	ok(svc_cal_open(c, 5), "24x7: always open");
	svc_cal_free(c);

	/* the zone of --tz is kept for formatting */
	svc_time_set_zone("Europe/Berlin", &e);
	c = cal("America/New_York", "mon", "09:00", "10:00");
	svc_cal_open(c, T("2026-11-23T14:00:00Z"));
	svc_time_format(T("2026-11-23T14:00:00Z"), buf, sizeof(buf));
	is_str(buf, "2026-11-23T15:00:00+01:00", "--tz zone still formats");
	svc_cal_free(c);

	/* a set of calendars for a run: each loaded once, misses remembered */
	{
		char path[64];
		struct svc_db *db;
		struct svc_err ce;
		struct svc_calset cs;
		struct svc_cal *a;

		snprintf(path, sizeof(path), "/tmp/t_calendar.%ld.db", (long)getpid());
		svc_err_clear(&ce);
		ok(svc_db_open(path, SVC_DB_CREATE, &db, &ce) == 0, "a new database");
		svc_calset_init(&cs, db, T("2026-03-01T00:00:00Z"));
		a = svc_calset_get(&cs, "24x7", &ce);
		ok(a != NULL && svc_calset_get(&cs, "24x7", &ce) == a && cs.n == 1,
		    "a calendar is loaded once");
		ok(svc_calset_get(&cs, "office", &ce) == NULL &&
		    ce.status == SVC_EXIT_USAGE, "no such calendar");
		svc_err_clear(&ce);
		ok(svc_calset_get(&cs, "office", &ce) == NULL &&
		    ce.status == SVC_EXIT_USAGE && cs.n == 2 &&
		    strcmp(ce.msg, "no calendar 'office' (load one with svc-import "
		    "--kind calendars)") == 0, "a miss is remembered, and reported");
		svc_calset_free(&cs);
		svc_db_close(db);
		unlink(path);
	}
	return tap_done();
}
