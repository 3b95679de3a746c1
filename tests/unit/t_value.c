/* Unit tests: value typing and output escaping. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "opt.h"
#include "out.h"
#include "tap.h"
#include "value.h"

#define S(x) x, strlen(x)

/* Write one header and one row in fmt and compare with want. */
static void
is_out(int fmt, const char *want, const char *name)
{
	static const char *cols[] = { "a", "b" };
	static const char *row[] = { "=1+2", "x\ty\\" };
	char *mem;
	size_t n;
	FILE *fp = open_memstream(&mem, &n);
	struct svc_out *o = svc_out_open(fp, fmt, 2, cols);

	svc_out_row(o, row, NULL);
	svc_out_close(o);
	fclose(fp);
	is_str(mem, want, "%s", name);
	free(mem);
}

int
main(void)
{
	int64_t v;
	int b;

	ok(svc_value_int(S("5,510,746"), &v) == 0 && v == 5510746, "thousands");
	ok(svc_value_int(S("3.0"), &v) == 0 && v == 3, "3.0 is 3");
	ok(svc_value_int(S("3.5"), &v) != 0, "3.5 is not whole");
	ok(svc_value_int(S("55,10"), &v) != 0, "bad grouping refused");
	ok(svc_value_level(S("2 - Medium"), 3, &v) == 0 && v == 2, "code before label");
	ok(svc_value_level(S("High"), 3, &v) == 0 && v == 1, "High impact is 1");
	ok(svc_value_level(S("Normal"), 5, &v) == 0 && v == 3, "Normal priority is 3");
	ok(svc_value_level(S("P4"), 5, &v) == 0 && v == 4, "P4");
	ok(svc_value_level(S("zz"), 5, &v) != 0, "zz refused");
	ok(svc_value_level(S("Alta"), 5, &v) == 0 && v == 2,
	    "Spanish Alta is 2");
	ok(svc_value_level(S("M\xc3\xa1s baja"), 5, &v) == 0 && v == 5,
	    "Spanish M\xc3\xa1s baja is 5");
	ok(svc_value_level(S("Baixa"), 5, &v) == 0 && v == 4,
	    "Portuguese Baixa is 4");
	ok(svc_value_level(S("H\xc3\xb6" "chste"), 5, &v) == 0 && v == 1,
	    "German H\xc3\xb6" "chste is 1");
	ok(svc_value_level(S("Mittel"), 3, &v) == 0 && v == 2,
	    "German Mittel impact is 2");
	ok(svc_value_level(S("Moyenne"), 5, &v) == 0 && v == 3,
	    "French Moyenne is 3");
	ok(svc_value_bool(S("Yes"), &b) == 0 && b == 1, "Yes");
	ok(svc_value_bool(S("FALSE"), &b) == 0 && b == 0, "FALSE");
	ok(svc_value_bool(S("maybe"), &b) != 0, "maybe refused");
	ok(svc_value_csat(S("Good"), &v) == 0 && v == 5, "Good is 5");
	ok(svc_value_csat(S("Offered"), &v) == 0 && v == -2, "Offered is no rating");
	ok(svc_value_csat(S("7"), &v) != 0, "7 refused");

	ok(svc_out_formula_risk(S("=SUM(A1)")), "= is a risk");
	ok(!svc_out_formula_risk(S("-5")), "-5 is a number");
	ok(svc_out_formula_risk(S("-5+A1")), "-5+A1 is a risk");
	ok(svc_out_formula_risk(S("@cmd")), "@ is a risk");
	ok(!svc_out_formula_risk(S("plain")), "plain is fine");

	is_out(SVC_FMT_CSV, "a,b\n\"'=1+2\",x\ty\\\n", "csv neutralises formulas");
	is_out(SVC_FMT_TSV, "a\tb\n=1+2\tx\\ty\\\\\n", "tsv escapes tab and backslash");
	is_out(SVC_FMT_JSON, "[\n{\"a\":\"=1+2\",\"b\":\"x\\ty\\\\\"}\n]\n", "json");
	return tap_done();
}
