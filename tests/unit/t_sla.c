/* Unit tests: SLA targets, warn lists, metrics, calendar lint. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "sla.h"
#include "tap.h"

static char found[4][200];
static int nfound;

static void
collect(void *ud, int holiday, const char *msg)
{
	(void)ud;
	(void)holiday;
	if (nfound < 4)
		snprintf(found[nfound], sizeof(found[0]), "%s", msg);
	nfound++;
}

int
main(void)
{
	int64_t s = 0;
	int pct[SVC_SLA_MAXWARN], n = 0;
	struct svc_cal *c;
	unsigned d;

	ok(svc_sla_target("4h", &s) == 0 && s == 4 * 3600, "target 4h");
	ok(svc_sla_target("30m", &s) == 0 && s == 1800, "target 30m");
	ok(svc_sla_target("2d", &s) == 0 && s == 48 * 3600, "target 2d is 48 hours");
	ok(svc_sla_target("1h30m", &s) == 0 && s == 5400, "target 1h30m");
	ok(svc_sla_target("1d2h3m4s", &s) == 0 && s == 93784, "target 1d2h3m4s");
	ok(svc_sla_target("90", &s) != 0, "a number without a unit is refused");
	ok(svc_sla_target("4 hours", &s) != 0, "words are refused");
	ok(svc_sla_target("0m", &s) != 0, "a zero target is refused");
	ok(svc_sla_target("", &s) != 0, "empty is refused");
	ok(svc_sla_target("h", &s) != 0, "a unit without a number is refused");
	ok(svc_sla_target("-1h", &s) != 0, "a negative target is refused");

	ok(svc_sla_seconds("0", &s) == 0 && s == 0, "seconds: 0");
	ok(svc_sla_seconds("5400", &s) == 0 && s == 5400, "seconds: a number");
	ok(svc_sla_seconds("90m", &s) == 0 && s == 5400, "seconds: a duration");
	ok(svc_sla_seconds("-5", &s) != 0, "seconds: negative is refused");
	ok(svc_sla_seconds("soon", &s) != 0, "seconds: words are refused");
	ok(svc_sla_seconds("999999999999999", &s) != 0, "seconds: too large is refused");

	ok(svc_sla_warn("90,50,75", pct, &n) == 0 && n == 3 && pct[0] == 50 &&
	    pct[1] == 75 && pct[2] == 90, "warn list sorted");
	ok(svc_sla_warn("50%, 80%", pct, &n) == 0 && n == 2 && pct[1] == 80,
	    "percent signs and spaces");
	ok(svc_sla_warn("120", pct, &n) == 0 && pct[0] == 120,
	    "a threshold over 100 loads (lint reports it)");
	ok(svc_sla_warn("0", pct, &n) != 0, "0 is refused");
	ok(svc_sla_warn("half", pct, &n) != 0, "words are refused");
	ok(svc_sla_warn("1,2,3,4,5,6,7,8,9", pct, &n) != 0,
	    "more than the maximum is refused");

	is_int(svc_sla_metric("first_response"), SVC_SLA_FIRST_RESPONSE, "metric first_response");
	is_int(svc_sla_metric("resolution"), SVC_SLA_RESOLUTION, "metric resolution");
	is_int(svc_sla_metric("next_reply"), SVC_SLA_NEXT_REPLY, "metric next_reply");
	is_int(svc_sla_metric("Resolution"), -1, "metric names are exact");
	is_str(svc_sla_metric_name(SVC_SLA_NEXT_REPLY), "next_reply", "metric name");

	/* calendar lint: overlaps, holidays on days without working time */
	c = svc_cal_new("t", "Europe/Berlin");
	svc_cal_parse_days("mon-fri", &d);
	svc_cal_add_window(c, d, 9 * 60, 17 * 60);
	is_int(svc_cal_lint(c, 2026, collect, NULL), 0, "a plain calendar is clean");
	svc_cal_parse_days("sun", &d);
	svc_cal_add_window(c, d, 22 * 60, 10 * 60);	/* into Monday */
	nfound = 0;
	is_int(svc_cal_lint(c, 2026, collect, NULL), 1, "an overnight window overlapping Monday");
	is_str(found[0], "calendar 't': windows overlap on mon at 09:00", "overlap message");
	svc_cal_add_holiday(c, 0, 12, 26, 1, -1, -1);	/* Saturday in 2026 */
	svc_cal_add_holiday(c, 2026, 12, 28, 0, -1, -1);	/* Monday */
	nfound = 0;
	is_int(svc_cal_lint(c, 2026, collect, NULL), 2, "a yearly holiday on a Saturday");
	is_str(found[1], "calendar 't': holiday 2026-12-26 is a sat, which has no working time", "holiday message");
	svc_cal_free(c);
	return tap_done();
}
