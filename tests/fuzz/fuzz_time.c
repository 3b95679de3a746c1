/* fuzz_time: the time parser on any bytes.  The first byte picks the date
 * order and the zone; a time that parses is written back as ISO 8601 and
 * must read again as the same instant. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const zones[] = { NULL, "Europe/Berlin",
	    "America/New_York", "Asia/Kolkata" };
	struct svc_time_ctx ctx;
	struct svc_err e;
	char why[128], iso[64];
	int64_t t, t2;
	int rc;

	if (size < 1)
		return 0;
	memset(&e, 0, sizeof(e));
	if (svc_time_set_zone(zones[data[0] >> 6 & 3], &e) != 0)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.order = data[0] % 3;
	t = 0;
	rc = svc_time_parse((const char *)data + 1, size - 1, &ctx, &t, why,
	    sizeof(why));
	/* the placeholder test reads any bytes, parsed or not */
	(void)svc_time_placeholder((const char *)data + 1, size - 1,
	    rc == SVC_TIME_OK, t);
	if (rc != SVC_TIME_OK)
		return 0;
	if (strlen(why) >= sizeof(why))
		__builtin_trap();
	/* years 0001 to 9999 are written as ISO 8601 and read back */
	if (t < -62135596800LL + 2 * 86400 || t > 253402300799LL - 2 * 86400)
		return 0;
	svc_time_format(t, iso, sizeof(iso));
	memset(&ctx, 0, sizeof(ctx));
	if (svc_time_parse(iso, strlen(iso), &ctx, &t2, why,
	    sizeof(why)) != SVC_TIME_OK || t2 != t)
		__builtin_trap();
	return 0;
}
