/* Unit tests: time parsing and formatting. */
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "timeutil.h"

static int64_t
p(const char *s, int order, int *rc)
{
	struct svc_time_ctx c = { order, 0 };
	char why[160];
	int64_t t = -1;

	*rc = svc_time_parse(s, strlen(s), &c, &t, why, sizeof(why));
	return t;
}

int
main(void)
{
	int rc;
	char buf[64];
	int64_t d;
	struct svc_err e;

	svc_time_set_zone("UTC", &e);
	is_int(p("2026-01-05T09:00:00Z", 0, &rc), 1767603600, "ISO with Z");
	is_int(p("2026-01-05T10:00:00+01:00", 0, &rc), 1767603600, "ISO with offset");
	is_int(p("2026-01-05 09:00", 0, &rc), 1767603600, "date and minutes");
	is_int(p("2026-01-05", 0, &rc), 1767571200, "date only");
	is_int(p("5/1/2026 09:00", SVC_DATE_DMY, &rc), 1767603600, "day-first");
	is_int(p("1/5/2026 09:00", SVC_DATE_MDY, &rc), 1767603600, "month-first");
	is_int(p("13/1/2026 00:00", 0, &rc), 1768262400, "day-first told by day 13");
	p("3/4/2026", 0, &rc);
	is_int(rc, SVC_TIME_AMBIGUOUS, "3/4/2026 is ambiguous without an order");
	is_int(p("1/5/2026 9:00 AM", SVC_DATE_MDY, &rc), 1767603600, "12-hour AM");
	is_int(p("12/25/2013 11:59:08 PM", 0, &rc), 1388015948, "12-hour PM");
	is_int(p("12/25/2013 12:00:00 AM", 0, &rc), 1387929600, "12 AM is midnight");
	is_int(p("06/Jan/26 9:29 AM", 0, &rc), 1767691740, "Jira date");
	is_int(p("46027.375", 0, &rc), 1767603600, "Excel serial");
	p("31/02/2026 10:00", SVC_DATE_DMY, &rc);
	is_int(rc, SVC_TIME_BAD, "31 February refused");
	p("2026-01-05 25:00", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "hour 25 refused");
	p("yesterday", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "words refused");
	p("2026-01-05 09:00 junk", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "trailing text refused");

	ok(svc_time_set_zone("Europe/Berlin", &e) == 0, "set Europe/Berlin");
	is_int(p("2026-01-05 10:00", 0, &rc), 1767603600, "local winter time");
	p("2026-03-29 02:30", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "time in the DST gap refused");
	svc_time_format(1767603600, buf, sizeof(buf));
	is_str(buf, "2026-01-05T10:00:00+01:00", "format with offset");
	svc_time_format(1782381600, buf, sizeof(buf));
	is_str(buf, "2026-06-25T12:00:00+02:00", "format in summer time");
	ok(svc_time_set_zone("Asia/Kolkata", &e) == 0, "half-hour zone");
	svc_time_format(1767603600, buf, sizeof(buf));
	is_str(buf, "2026-01-05T14:30:00+05:30", "format +05:30");
	/* before 1942 Kolkata kept an offset of +05:21:10 (found by
	 * fuzz_time): the seconds are written and read back */
	svc_time_format(-2208988800, buf, sizeof(buf));
	is_str(buf, "1900-01-01T05:21:10+05:21:10", "an offset with seconds");
	is_int(p(buf, 0, &rc), -2208988800, "read back with its seconds");
	p("2026-01-05T10:00:00+01:00:60", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "offset seconds over 59 refused");
	ok(svc_time_set_zone("Mars/Olympus", &e) != 0, "unknown zone refused");
	is_int(e.status, SVC_EXIT_USAGE, "unknown zone is a usage error");

	ok(svc_time_duration("49:30:15", 8, 3600, &d) == 0 && d == 178215,
	    "HH:MM:SS beyond 24 hours");
	ok(svc_time_duration("90", 2, 60, &d) == 0 && d == 5400, "minutes");
	ok(svc_time_duration("1.5", 3, 3600, &d) == 0 && d == 5400, "decimal hours");
	ok(svc_time_duration("1:75", 4, 1, &d) != 0, "minutes over 59 refused");
	return tap_done();
}
