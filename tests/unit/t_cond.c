/* Unit tests: the condition language. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cond.h"
#include "map.h"
#include "tap.h"

/* A ticket for the tests: field values as text, ints as text too. */
static const char *tk[SVC_NFIELDS];
static const char *attr_sprint;
static const char *const extra[] = { "elapsed_pct", "age", NULL };
static const struct svc_cond_names names = { extra };

static void
get(void *ud, int kind, int index, const char *key, struct svc_cval *v)
{
	const char *s = NULL;

	(void)ud;
	if (kind == SVC_CREF_FIELD)
		s = tk[index];
	else if (kind == SVC_CREF_ATTR && strcmp(key, "Sprint") == 0)
		s = attr_sprint;
	else if (kind == SVC_CREF_EXTRA && index == 0)
		s = "80";
	else if (kind == SVC_CREF_EXTRA && index == 1) {
		v->present = 1;
		v->isnum = 1;
		v->i = 3 * 86400;
		return;
	}
	if (s == NULL)
		return;
	v->present = 1;
	v->s = s;
	v->n = strlen(s);
	v->isnum = svc_cond_number(s, v->n, &v->i) == 0;
}

static int
t(const char *cond)
{
	struct svc_err e;
	struct svc_cond *c;
	int r;

	svc_err_clear(&e);
	c = svc_cond_parse(cond, strlen(cond), &names, &e);
	if (c == NULL)
		return -1;
	r = svc_cond_eval(c, get, NULL, NULL);
	svc_cond_free(c);
	return r;
}

/* Parse error column, or 0 when it parses. */
static long
errcol(const char *cond, const char *want)
{
	struct svc_err e;
	struct svc_cond *c;

	svc_err_clear(&e);
	c = svc_cond_parse(cond, strlen(cond), &names, &e);
	if (c) {
		svc_cond_free(c);
		return 0;
	}
	if (want && strcmp(e.msg, want) != 0)
		printf("# message '%s'\n", e.msg);
	return want && strcmp(e.msg, want) != 0 ? -1 : e.col;
}

static int
lint(const char *cond, int which, const char *other)
{
	struct svc_err e;
	struct svc_cond *a, *b = NULL;
	int r;

	a = svc_cond_parse(cond, strlen(cond), &names, &e);
	if (other)
		b = svc_cond_parse(other, strlen(other), &names, &e);
	r = which == 0 ? svc_cond_never(a) : svc_cond_covers(a, b);
	svc_cond_free(a);
	svc_cond_free(b);
	return r;
}

static int
fixed(const char *text)
{
	struct svc_err e;
	struct svc_cond *c = svc_cond_parse(text, strlen(text), &names, &e);
	int r = c ? svc_cond_eval_fixed(c, get, NULL, 1UL) : -2;

	svc_cond_free(c);
	return r;
}

static void
number(void *ud, int index, int64_t v)
{
	svc_buf_printf(ud, "%d:%lld ", index, (long long)v);
}

static void
unknown(void *ud, const char *name)
{
	svc_buf_adds(ud, name);
	svc_buf_addc(ud, ' ');
}

int
main(void)
{
	struct svc_buf b = { 0 };
	struct svc_err e;
	struct svc_cond *c;

	tk[SVC_F_CATEGORY] = "Billing";
	tk[SVC_F_PRIORITY] = "2";
	tk[SVC_F_CUSTOMER_TIER] = "gold";
	tk[SVC_F_TITLE] = "Refund for order 42";
	tk[SVC_F_GROUP_NAME] = "Service Desk";
	tk[SVC_F_CREATED_AT] = "1767225600";	/* 2026-01-01 */
	attr_sprint = "Sprint 42";

	is_int(t("priority<=2 and category=Billing"), 1, "and of two comparisons");
	is_int(t("priority<2"), 0, "numbers compare as numbers");
	is_int(t("priority>=10"), 0, "10 is above 2, not below as text");
	is_int(t("category=billing"), 1, "= ignores case");
	is_int(t("category!=Billing"), 0, "!=");
	is_int(t("customer_tier in silver,gold"), 1, "in a list");
	is_int(t("customer_tier in silver, platinum"), 0, "not in the list");
	is_int(t("title~\"*refund*\""), 1, "glob ignores case");
	is_int(t("title~\"*invoice*\""), 0, "glob that does not match");
	is_int(t("not assignee"), 1, "absence");
	is_int(t("assignee"), 0, "presence of a missing field");
	is_int(t("assignee!=bob"), 1, "!= is true on a missing value");
	is_int(t("assignee=bob"), 0, "= is false on a missing value");
	is_int(t("group_name=Service Desk and priority=2"), 1,
	    "bare values run over spaces up to and");
	is_int(t("group_name=\"Service Desk\""), 1, "quoted value");
	is_int(t("(category=Network or category=Billing) and not status"), 1,
	    "parentheses, or, not");
	is_int(t("category=Network or category=Billing and priority=9"), 0,
	    "and binds tighter than or");
	is_int(t("attrs.Sprint~\"*42\""), 1, "attrs key");
	is_int(t("attrs.\"Sprint\"=Sprint 42"), 1, "quoted attrs key");
	is_int(t("elapsed_pct>=75"), 1, "extra name");
	is_int(t("age>=2d and age<4d"), 1, "durations");
	is_int(t("created_at>=2026-01-01 and created_at<2026-01-02"), 1,
	    "times");
	is_int(t(""), 1, "empty is always");
	is_int(t("nosuchfield=1"), 0, "an unknown name is missing");

	is_int(errcol("priority<=", "expected a value"), 11, "missing value");
	is_int(errcol("priority<= and category=x", "expected a value"), 12,
	    "a keyword is no value");
	is_int(errcol("(category=Billing", "parenthesis not closed"), 1,
	    "unclosed parenthesis at its column");
	is_int(errcol("category=Billing)", "unexpected ')'"), 17, "stray )");
	is_int(errcol("title~\"*refund", "quote not closed"), 7, "open quote");
	is_int(errcol("priority ! 2", "'!' must be followed by '='"), 10, "bad op");
	is_int(errcol("=2", "expected a field name, found '='"), 1, "no name");
	is_int(errcol("category=Billing priority=2", NULL), 0,
	    "bare value takes the rest (no and)");

	ok(lint("category=Billing and category=Network", 0, NULL), "= a and = b never");
	ok(lint("priority<2 and priority>3", 0, NULL), "empty range never");
	ok(lint("priority<2 and priority>=2", 0, NULL), "touching range never");
	ok(!lint("priority<=2 and priority>=2", 0, NULL), "a point range can");
	ok(lint("not assignee and assignee=bob", 0, NULL), "absent yet equal");
	ok(lint("customer_tier=gold and customer_tier in silver,bronze", 0, NULL),
	    "= outside the list");
	ok(lint("(a=1 and a=2) or (b=1 and not b)", 0, NULL), "or of nevers");
	ok(!lint("category=Billing or category=Network", 0, NULL), "or can");
	ok(lint("category=Billing", 1, "category=Billing and priority=1"),
	    "a broader rule covers a narrower one");
	ok(!lint("category=Billing and priority=1", 1, "category=Billing"),
	    "a narrower rule does not cover a broader one");
	ok(lint("", 1, "category=Billing"), "an empty condition covers all");
	ok(lint("category=billing or category=Network", 1, "category=Billing"),
	    "an or covers each of its branches");

	svc_err_clear(&e);
	c = svc_cond_parse("catgory=x and attrs.y and priority", 34, &names, &e);
	svc_cond_unknown(c, unknown, &b);
	is_str(b.s, "catgory ", "unknown field names");
	svc_buf_reset(&b);
	svc_cond_eval(c, get, NULL, &b);
	is_str(b.s, "    catgory=x: (missing) -> no\n", "explain stops at the first no");
	svc_cond_free(c);

	svc_buf_reset(&b);
	c = svc_cond_parse("elapsed_pct>=75 and (age>2d or elapsed_pct in 10,x,20)"
	    " and priority<3 and not age~\"1*\"", 86, &names, &e);
	svc_cond_numbers(c, SVC_CREF_EXTRA, number, &b);
	is_str(b.s, "0:75 1:172800 0:10 0:20 ",
	    "numbers compared with extra names (durations in seconds)");
	svc_cond_free(c);

	/* extra 0 (elapsed_pct, 80 here) taken as unknown */
	is_int(fixed("elapsed_pct>=75 and category=Network"), 0,
	    "fixed: false whatever the moving name is");
	is_int(fixed("elapsed_pct>=75 or category=Billing"), 1,
	    "fixed: true whatever the moving name is");
	is_int(fixed("elapsed_pct>=75 and category=Billing"), -1,
	    "fixed: depends on the moving name");
	is_int(fixed("not (elapsed_pct>=75 and category=Billing)"), -1,
	    "fixed: not of unknown is unknown");
	is_int(fixed("age>=1 and not elapsed_pct<10 and priority=9"), 0,
	    "fixed: a fixed no decides an and");
	/* durations that would overflow are not numbers (found by
	 * fuzz_cond) */
	{
		int64_t v;

		ok(svc_cond_number("40000000000000000h", 18, &v) != 0,
		    "an overflowing duration is not a number");
		ok(svc_cond_number("36500000d", 9, &v) == 0 &&
		    v == INT64_C(36500000) * 86400, "a long duration is");
	}
	svc_buf_free(&b);
	return tap_done();
}
