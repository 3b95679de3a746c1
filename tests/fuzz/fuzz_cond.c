/* fuzz_cond: the condition parser on any bytes, and every condition that
 * parses evaluated (with and without moving names) and analysed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cond.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Values that vary with what is asked: present or not, numeric or text. */
static void
get(void *ud, int kind, int index, const char *key, struct svc_cval *out)
{
	static const char *const text[] = { "Billing", "In Progress", "42",
	    "2026-01-31", "", "*" };
	unsigned v = *(const unsigned *)ud + (unsigned)kind * 7u +
	    (unsigned)index * 13u + (key ? (unsigned)strlen(key) : 0u);

	memset(out, 0, sizeof(*out));
	out->present = v % 5 != 0;
	if (!out->present)
		return;
	if (v % 3 == 0) {
		out->isnum = 1;
		out->i = (int64_t)(v % 1000) - 300;
		return;
	}
	out->s = text[v % 6];
	out->n = strlen(out->s);
}

static void
number(void *ud, int index, int64_t v)
{
	(void)ud;
	(void)v;
	if (index < 0 || index > 2)
		__builtin_trap();
}

static void
unknown(void *ud, const char *name)
{
	(void)ud;
	if (name == NULL)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const extra[] = { "elapsed_pct", "remaining",
	    "breached", NULL };
	struct svc_cond_names names = { extra };
	struct svc_cond *c, *c2;
	struct svc_err e;
	struct svc_buf b;
	unsigned ud;
	unsigned char fields[64];

	memset(&e, 0, sizeof(e));
	memset(&b, 0, sizeof(b));
	if ((c = svc_cond_parse((const char *)data, size, &names, &e)) == NULL)
		return 0;
	for (ud = 0; ud < 4; ud++) {
		svc_buf_reset(&b);
		(void)svc_cond_eval(c, get, &ud, &b);
		(void)svc_cond_eval_fixed(c, get, &ud, ud);
	}
	(void)svc_cond_never(c);
	(void)svc_cond_always(c);
	svc_buf_reset(&b);
	svc_cond_names_used(c, &b);
	memset(fields, 0, sizeof(fields));
	{
		int attrs = 0;

		svc_cond_refs(c, fields, (int)sizeof(fields), &attrs);
		svc_cond_numbers(c, SVC_CREF_EXTRA, number, NULL);
		svc_cond_unknown(c, unknown, NULL);
	}
	/* the condition covers itself, when it can tell */
	if ((c2 = svc_cond_parse((const char *)data, size, &names, &e)) !=
	    NULL) {
		(void)svc_cond_covers(c, c2);
		svc_cond_free(c2);
	}
	svc_buf_free(&b);
	svc_cond_free(c);
	return 0;
}
