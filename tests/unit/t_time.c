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
	/* Jira in the exporting user's language: dd/MMM/yy h:mm a */
	is_int(p("03/dic/25 9:53 AM", 0, &rc), 1764755580, "Spanish dic");
	is_int(p("03/Dic./25 9:53 a. m.", 0, &rc), 1764755580,
	    "Spanish Dic. with a. m.");
	is_int(p("14/feb/26 3:05 p.m.", 0, &rc), 1771081500, "Spanish p.m.");
	is_int(p("02/ene/26 12:00 AM", 0, &rc), 1767312000, "Spanish ene");
	is_int(p("30/sept./25 12:00 PM", 0, &rc), 1759233600, "Spanish sept.");
	is_int(p("14/fev/26 3:05 PM", 0, &rc), 1771081500, "Portuguese fev");
	is_int(p("30/set/25 12:00 PM", 0, &rc), 1759233600, "Portuguese set");
	is_int(p("01/ago/25 6:30 PM", 0, &rc), 1754073000, "Portuguese ago");
	is_int(p("03/dez/25 9:53 AM", 0, &rc), 1764755580, "Portuguese dez");
	is_int(p("02/M\xc3\xa4r/26 12:00 AM", 0, &rc), 1772409600,
	    "German M\xc3\xa4r");
	is_int(p("02/M\xc3\xa4rz/26 12:00 AM", 0, &rc), 1772409600,
	    "German M\xc3\xa4rz");
	is_int(p("03/Dez/25 9:53 AM", 0, &rc), 1764755580, "German Dez");
	is_int(p("01/okt/25 12:00 AM", 0, &rc), 1759276800, "German Okt");
	is_int(p("14/f\xc3\xa9vr./26 3:05 PM", 0, &rc), 1771081500,
	    "French f\xc3\xa9vr.");
	is_int(p("03/d\xc3\xa9" "c./25 9:53 AM", 0, &rc), 1764755580,
	    "French d\xc3\xa9" "c.");
	is_int(p("03/D\xc3\x89" "C./25 9:53 AM", 0, &rc), 1764755580,
	    "French in capitals D\xc3\x89" "C.");
	is_int(p("01/ao\xc3\xbbt/25 6:30 PM", 0, &rc), 1754073000,
	    "French ao\xc3\xbbt");
	is_int(p("02/mars/26 12:00 AM", 0, &rc), 1772409600, "French mars");
	is_int(p("06/janv./26 9:29 AM", 0, &rc), 1767691740, "French janv.");
	is_int(p("06/juin/26 12:00 AM", 0, &rc), 1780704000, "French juin");
	is_int(p("06/juil./26 12:00 AM", 0, &rc), 1783296000, "French juil.");
	is_int(p("06/ene/26 9:29 AM", 0, &rc), 1767691740, "ene is January");
	p("06/xyz/26 9:29 AM", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "an unknown month name refused");
	p("06/Jan/26 9:29 AMX", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "AM followed by letters refused");
	p("31/02/2026 10:00", SVC_DATE_DMY, &rc);
	is_int(rc, SVC_TIME_BAD, "31 February refused");
	p("2026-01-05 25:00", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "hour 25 refused");
	p("yesterday", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "words refused");
	p("2026-01-05 09:00 junk", 0, &rc);
	is_int(rc, SVC_TIME_BAD, "trailing text refused");

	/* placeholders for "no time" */
	ok(svc_time_placeholder("0000-00-00", 10, 0, 0) != NULL, "0000-00-00");
	ok(svc_time_placeholder("0000-00-00 00:00:00", 19, 0, 0) != NULL,
	    "0000-00-00 with a time");
	ok(svc_time_placeholder("00/00/0000", 10, 0, 0) != NULL, "00/00/0000");
	ok(svc_time_placeholder("0", 1, 0, 0) != NULL, "serial 0");
	ok(svc_time_placeholder("0.5", 3, 0, 0) != NULL, "serial 0.5");
	ok(svc_time_placeholder("1", 1, 1, p("1", 0, &rc)) != NULL, "serial 1");
	ok(svc_time_placeholder("x", 1, 1, p("1899-12-30", 0, &rc)) != NULL,
	    "1899-12-30");
	ok(svc_time_placeholder("x", 1, 1, p("1899-12-31 10:00", 0, &rc)) !=
	    NULL, "1899-12-31");
	ok(svc_time_placeholder("x", 1, 1, p("1900-01-01", 0, &rc)) != NULL,
	    "1900-01-01");
	ok(svc_time_placeholder("x", 1, 1, p("1900-01-02", 0, &rc)) == NULL,
	    "1900-01-02 is a time");
	ok(svc_time_placeholder("x", 1, 1, p("1904-01-01", 0, &rc)) != NULL,
	    "1904-01-01");
	ok(svc_time_placeholder("x", 1, 1, p("0001-01-01T00:00:00Z", 0, &rc)) !=
	    NULL, "0001-01-01");
	ok(svc_time_placeholder("x", 1, 1, p("1753-01-01", 0, &rc)) != NULL,
	    "1753-01-01");
	ok(svc_time_placeholder("x", 1, 1, p("1970-01-01T00:00:00", 0, &rc)) !=
	    NULL, "1970-01-01T00:00:00");
	ok(svc_time_placeholder("x", 1, 1, p("1969-12-31T19:00:00-05:00", 0,
	    &rc)) != NULL, "the epoch written in New York");
	ok(svc_time_placeholder("x", 1, 1, p("1970-01-02T00:00:00Z", 0, &rc)) ==
	    NULL, "a day after the epoch is a time");
	ok(svc_time_placeholder("x", 1, 1, p("9999-12-31 23:59:59", 0, &rc)) !=
	    NULL, "9999-12-31");
	ok(svc_time_placeholder("x", 1, 1, p("2999-12-31", 0, &rc)) != NULL,
	    "2999-12-31");
	ok(svc_time_placeholder("x", 1, 1, p("2099-12-31", 0, &rc)) == NULL,
	    "2099-12-31 is a time");
	ok(svc_time_placeholder("2026-01-05", 10, 1, p("2026-01-05", 0,
	    &rc)) == NULL, "an ordinary date is a time");
	ok(svc_time_placeholder("yesterday", 9, 0, 0) == NULL,
	    "an unreadable word is no placeholder");
	ok(svc_time_placeholder("2026-01-05", 10, 0, 0) == NULL,
	    "an unreadable date is no placeholder");

	ok(svc_time_set_zone("Europe/Berlin", &e) == 0, "set Europe/Berlin");
	ok(svc_time_placeholder("x", 1, 1, p("1900-01-01 00:00", 0, &rc)) !=
	    NULL, "1900-01-01 at local midnight in Berlin");
	ok(svc_time_placeholder("x", 1, 1, p("1970-01-01 00:00", 0, &rc)) !=
	    NULL, "the epoch as written in Berlin");
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
