/* cond.c: parse and evaluate rule conditions; lint them. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cond.h"
#include "map.h"
#include "timeutil.h"

enum { N_ALWAYS, N_AND, N_OR, N_NOT, N_CMP };
enum { OP_PRESENT, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_GLOB };

static const char *const opname[] = { "", "=", "!=", "<", "<=", ">", ">=",
    " in ", "~" };

struct lit {
	char *s;
	size_t n;
	int isnum;
	int64_t i;
};

struct node {
	int type;
	struct node *a, *b;
	int op, ref, index;
	char *name, *key;
	struct lit *lits;
	size_t nlits;
	char *text;		/* the comparison as written, normalised */
};

struct svc_cond {
	struct node *root;
};

struct parser {
	const char *s;
	size_t n, pos;
	const struct svc_cond_names *names;
	struct svc_err *e;
	int failed;
};

/* ---- literals ---- */

int
svc_cond_number(const char *s, size_t n, int64_t *v)
{
	char buf[64], *end;
	long long x;
	struct svc_time_ctx ctx;
	char why[128];
	int64_t t;
	size_t i = 0;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == '-' || buf[0] == '+' || isdigit((unsigned char)buf[0])) {
		x = strtoll(buf, &end, 10);
		if (end != buf && *end == '\0') {
			*v = x;
			return 0;
		}
		/* a duration: digits and one unit */
		if (end != buf && end[1] == '\0' && buf[0] != '-' &&
		    buf[0] != '+') {
			int64_t unit = 0;

			switch (*end) {
			case 's': unit = 1; break;
			case 'm': unit = 60; break;
			case 'h': unit = 3600; break;
			case 'd': unit = 86400; break;
			case 'w': unit = 7 * 86400; break;
			default: break;
			}
			/* a duration past a hundred million years is not
			 * a number */
			if (unit && x <= INT64_C(3155760000000000) / unit) {
				*v = x * unit;
				return 0;
			}
		}
	}
	/* a time, ISO or as svc reads them */
	for (i = 0; i < n; i++)
		if (buf[i] == '-' || buf[i] == ':')
			break;
	if (i == n)
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	if (svc_time_parse(buf, n, &ctx, &t, why, sizeof(why)) == SVC_TIME_OK) {
		*v = t;
		return 0;
	}
	return -1;
}

/* ---- nodes ---- */

static struct node *
node_new(int type)
{
	struct node *x = svc_xcalloc(1, sizeof(*x));

	x->type = type;
	return x;
}

static void
node_free(struct node *x)
{
	size_t i;

	if (x == NULL)
		return;
	node_free(x->a);
	node_free(x->b);
	for (i = 0; i < x->nlits; i++)
		free(x->lits[i].s);
	free(x->lits);
	free(x->name);
	free(x->key);
	free(x->text);
	free(x);
}

/* ---- lexing ---- */

static int
fail(struct parser *p, size_t at, const char *fmt, const char *arg)
{
	if (!p->failed) {
		svc_err_set(p->e, SVC_EXIT_FATAL, NULL, 0, (long)at + 1, fmt,
		    arg);
		p->failed = 1;
	}
	return -1;
}

static void
skip_ws(struct parser *p)
{
	while (p->pos < p->n && isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

/* Is the keyword kw at position at, as a whole word? */
static int
keyword_at(const struct parser *p, size_t at, const char *kw)
{
	size_t k = strlen(kw);

	if (at + k > p->n || strncasecmp(p->s + at, kw, k) != 0)
		return 0;
	if (at > 0 && !isspace((unsigned char)p->s[at - 1]) &&
	    p->s[at - 1] != ')' && p->s[at - 1] != '(')
		return 0;
	return at + k == p->n || isspace((unsigned char)p->s[at + k]) ||
	    p->s[at + k] == '(' || p->s[at + k] == ')';
}

static int
keyword(struct parser *p, const char *kw)
{
	skip_ws(p);
	if (!keyword_at(p, p->pos, kw))
		return 0;
	p->pos += strlen(kw);
	return 1;
}

static int
name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-';
}

/* A quoted string at p->pos ("" is a quote). */
static int
quoted(struct parser *p, struct svc_buf *b)
{
	size_t start = p->pos++;

	for (;;) {
		if (p->pos >= p->n)
			return fail(p, start, "quote not closed%s", "");
		if (p->s[p->pos] == '"') {
			if (p->pos + 1 < p->n && p->s[p->pos + 1] == '"') {
				svc_buf_addc(b, '"');
				p->pos += 2;
				continue;
			}
			p->pos++;
			return 0;
		}
		svc_buf_addc(b, p->s[p->pos++]);
	}
}

/* A value: quoted, or bare up to "and", "or", ")" (or "," in a list). */
static int
value(struct parser *p, int inlist, struct lit *l)
{
	struct svc_buf b = { 0 };
	size_t start;

	skip_ws(p);
	start = p->pos;
	if (keyword_at(p, p->pos, "and") || keyword_at(p, p->pos, "or"))
		return fail(p, start, "expected a value%s", "");
	if (p->pos < p->n && p->s[p->pos] == '"') {
		if (quoted(p, &b) != 0) {
			svc_buf_free(&b);
			return -1;
		}
	} else {
		size_t end;

		while (p->pos < p->n) {
			char c = p->s[p->pos];

			if (c == ')' || c == '(' || (inlist && c == ','))
				break;
			if (isspace((unsigned char)c) &&
			    (keyword_at(p, p->pos + 1, "and") ||
			    keyword_at(p, p->pos + 1, "or")))
				break;
			p->pos++;
		}
		end = p->pos;
		while (end > start && isspace((unsigned char)p->s[end - 1]))
			end--;
		if (end == start) {
			svc_buf_free(&b);
			return fail(p, start, "expected a value%s", "");
		}
		svc_buf_add(&b, p->s + start, end - start);
	}
	l->n = b.len;
	l->s = b.s ? b.s : svc_xstrdup("");
	l->isnum = svc_cond_number(l->s, l->n, &l->i) == 0;
	return 0;
}

static void
resolve(struct parser *p, struct node *x)
{
	size_t i;

	if (strncmp(x->name, "attrs.", 6) == 0 && x->name[6]) {
		x->ref = SVC_CREF_ATTR;
		x->key = svc_xstrdup(x->name + 6);
		return;
	}
	if ((x->index = svc_field_find(x->name)) >= 0 &&
	    x->index < SVC_NFIELDS) {
		x->ref = SVC_CREF_FIELD;
		return;
	}
	if (p->names && p->names->extra)
		for (i = 0; p->names->extra[i]; i++)
			if (strcmp(p->names->extra[i], x->name) == 0) {
				x->ref = SVC_CREF_EXTRA;
				x->index = (int)i;
				return;
			}
	x->ref = SVC_CREF_UNKNOWN;
	x->index = -1;
}

static void
set_text(struct node *x)
{
	struct svc_buf b = { 0 };
	size_t i;

	svc_buf_adds(&b, x->name);
	svc_buf_adds(&b, opname[x->op]);
	for (i = 0; i < x->nlits; i++) {
		if (i)
			svc_buf_addc(&b, ',');
		svc_buf_add(&b, x->lits[i].s, x->lits[i].n);
	}
	x->text = b.s;
}

static struct node *parse_or(struct parser *p);

static struct node *
comparison(struct parser *p)
{
	struct node *x;
	size_t start;
	struct svc_buf name = { 0 };

	skip_ws(p);
	start = p->pos;
	if (p->pos >= p->n)
		return fail(p, p->pos, "expected a field name%s", ""), NULL;
	if (p->n - p->pos > 6 && strncmp(p->s + p->pos, "attrs.\"", 7) == 0) {
		svc_buf_adds(&name, "attrs.");
		p->pos += 6;
		if (quoted(p, &name) != 0) {
			svc_buf_free(&name);
			return NULL;
		}
	} else {
		while (p->pos < p->n && name_char((unsigned char)p->s[p->pos]))
			p->pos++;
		if (p->pos == start) {
			char c[2] = { p->s[p->pos], '\0' };

			return fail(p, start, "expected a field name, found '%s'",
			    c), NULL;
		}
		svc_buf_add(&name, p->s + start, p->pos - start);
	}
	x = node_new(N_CMP);
	x->name = name.s;
	resolve(p, x);
	skip_ws(p);
	if (keyword(p, "in")) {
		x->op = OP_IN;
		for (;;) {
			x->lits = svc_xrealloc(x->lits, (x->nlits + 1) *
			    sizeof(*x->lits));
			memset(&x->lits[x->nlits], 0, sizeof(*x->lits));
			if (value(p, 1, &x->lits[x->nlits]) != 0) {
				node_free(x);
				return NULL;
			}
			x->nlits++;
			skip_ws(p);
			if (p->pos < p->n && p->s[p->pos] == ',') {
				p->pos++;
				continue;
			}
			break;
		}
	} else if (p->pos < p->n && strchr("=!<>~", p->s[p->pos])) {
		const char *s = p->s + p->pos;
		size_t left = p->n - p->pos;

		if (left >= 2 && s[0] == '!' && s[1] == '=')
			x->op = OP_NE, p->pos += 2;
		else if (left >= 2 && s[0] == '<' && s[1] == '=')
			x->op = OP_LE, p->pos += 2;
		else if (left >= 2 && s[0] == '>' && s[1] == '=')
			x->op = OP_GE, p->pos += 2;
		else if (s[0] == '=')
			x->op = OP_EQ, p->pos += 1 + (left >= 2 && s[1] == '=');
		else if (s[0] == '<')
			x->op = OP_LT, p->pos++;
		else if (s[0] == '>')
			x->op = OP_GT, p->pos++;
		else if (s[0] == '~')
			x->op = OP_GLOB, p->pos++;
		else {
			node_free(x);
			return fail(p, p->pos, "'!' must be followed by '='%s",
			    ""), NULL;
		}
		x->lits = svc_xcalloc(1, sizeof(*x->lits));
		x->nlits = 1;
		if (value(p, 0, &x->lits[0]) != 0) {
			node_free(x);
			return NULL;
		}
	} else
		x->op = OP_PRESENT;
	set_text(x);
	return x;
}

static struct node *
unary(struct parser *p)
{
	struct node *x;

	if (keyword(p, "not")) {
		struct node *a = unary(p);

		if (a == NULL)
			return NULL;
		x = node_new(N_NOT);
		x->a = a;
		return x;
	}
	skip_ws(p);
	if (p->pos < p->n && p->s[p->pos] == '(') {
		size_t open = p->pos++;

		x = parse_or(p);
		if (x == NULL)
			return NULL;
		skip_ws(p);
		if (p->pos >= p->n || p->s[p->pos] != ')') {
			node_free(x);
			return fail(p, open, "parenthesis not closed%s", ""),
			    NULL;
		}
		p->pos++;
		return x;
	}
	return comparison(p);
}

static struct node *
binary(struct parser *p, const char *kw, int type,
    struct node *(*sub)(struct parser *))
{
	struct node *x = sub(p);

	while (x != NULL && keyword(p, kw)) {
		struct node *y = sub(p), *z;

		if (y == NULL) {
			node_free(x);
			return NULL;
		}
		z = node_new(type);
		z->a = x;
		z->b = y;
		x = z;
	}
	return x;
}

static struct node *
parse_and(struct parser *p)
{
	return binary(p, "and", N_AND, unary);
}

static struct node *
parse_or(struct parser *p)
{
	return binary(p, "or", N_OR, parse_and);
}

struct svc_cond *
svc_cond_parse(const char *text, size_t n, const struct svc_cond_names *names,
    struct svc_err *e)
{
	struct parser p;
	struct svc_cond *c = svc_xcalloc(1, sizeof(*c));

	memset(&p, 0, sizeof(p));
	p.s = text ? text : "";
	p.n = text ? n : 0;
	p.names = names;
	p.e = e;
	skip_ws(&p);
	if (p.pos == p.n) {
		c->root = node_new(N_ALWAYS);
		return c;
	}
	c->root = parse_or(&p);
	if (c->root != NULL) {
		skip_ws(&p);
		if (p.pos < p.n) {
			char tok[2] = { p.s[p.pos], '\0' };

			fail(&p, p.pos, p.s[p.pos] == ')' ? "unexpected '%s'" :
			    "expected 'and', 'or' or the end, found '%s'", tok);
			node_free(c->root);
			c->root = NULL;
		}
	}
	if (c->root == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
svc_cond_free(struct svc_cond *c)
{
	if (c == NULL)
		return;
	node_free(c->root);
	free(c);
}

/* ---- evaluation ---- */

/* The value as text in buf when it is only a number. */
static const char *
val_text(const struct svc_cval *v, char *buf, size_t bn, size_t *n)
{
	if (v->s) {
		*n = v->n;
		return v->s;
	}
	snprintf(buf, bn, "%lld", (long long)v->i);
	*n = strlen(buf);
	return buf;
}

static int
val_num(const struct svc_cval *v, int64_t *x)
{
	if (v->isnum) {
		*x = v->i;
		return 1;
	}
	return v->s && svc_cond_number(v->s, v->n, x) == 0;
}

/* Compare v with l: <0, 0, >0; *numeric tells how. */
static int
compare(const struct svc_cval *v, const struct lit *l, int ci)
{
	int64_t x;
	char buf[32];
	const char *s;
	size_t n;
	int r;

	if (l->isnum && val_num(v, &x))
		return x < l->i ? -1 : x > l->i;
	s = val_text(v, buf, sizeof(buf), &n);
	r = ci ? strncasecmp(s, l->s, n < l->n ? n : l->n) :
	    memcmp(s, l->s, n < l->n ? n : l->n);
	if (r != 0)
		return r;
	return n < l->n ? -1 : n > l->n;
}

static int
glob(const struct svc_cval *v, const struct lit *l)
{
	char buf[32], small[256], *big = NULL;
	const char *s;
	size_t n;
	int r;

	s = val_text(v, buf, sizeof(buf), &n);
	if (n < sizeof(small)) {
		memcpy(small, s, n);
		small[n] = '\0';
		s = small;
	} else {
		big = svc_xstrndup(s, n);
		s = big;
	}
	r = fnmatch(l->s, s, FNM_CASEFOLD) == 0;
	free(big);
	return r;
}

static int
eval_cmp(const struct node *x, const struct svc_cval *v)
{
	size_t i;

	if (x->op == OP_PRESENT)
		return v->present && (v->isnum || v->n > 0);
	if (!v->present)
		return x->op == OP_NE;
	switch (x->op) {
	case OP_EQ: return compare(v, &x->lits[0], 1) == 0;
	case OP_NE: return compare(v, &x->lits[0], 1) != 0;
	case OP_LT: return compare(v, &x->lits[0], 0) < 0;
	case OP_LE: return compare(v, &x->lits[0], 0) <= 0;
	case OP_GT: return compare(v, &x->lits[0], 0) > 0;
	case OP_GE: return compare(v, &x->lits[0], 0) >= 0;
	case OP_GLOB: return glob(v, &x->lits[0]);
	case OP_IN:
		for (i = 0; i < x->nlits; i++)
			if (compare(v, &x->lits[i], 1) == 0)
				return 1;
		return 0;
	default:
		return 0;
	}
}

static int
eval(const struct node *x, svc_cond_get get, void *ud, struct svc_buf *ex)
{
	struct svc_cval v;
	int r;

	switch (x->type) {
	case N_ALWAYS:
		if (ex)
			svc_buf_adds(ex, "    (no condition): yes\n");
		return 1;
	case N_AND:
		return eval(x->a, get, ud, ex) && eval(x->b, get, ud, ex);
	case N_OR:
		return eval(x->a, get, ud, ex) || eval(x->b, get, ud, ex);
	case N_NOT:
		return !eval(x->a, get, ud, ex);
	default:
		break;
	}
	memset(&v, 0, sizeof(v));
	if (x->ref != SVC_CREF_UNKNOWN)
		get(ud, x->ref, x->index, x->key, &v);
	r = eval_cmp(x, &v);
	if (ex) {
		char buf[32];
		const char *s;
		size_t n;

		svc_buf_printf(ex, "    %s: ", x->text);
		if (!v.present)
			svc_buf_adds(ex, "(missing)");
		else {
			s = val_text(&v, buf, sizeof(buf), &n);
			svc_buf_addc(ex, '\'');
			svc_buf_add(ex, s, n > 80 ? 80 : n);
			svc_buf_adds(ex, n > 80 ? "...'" : "'");
		}
		svc_buf_adds(ex, r ? " -> yes\n" : " -> no\n");
	}
	return r;
}

int
svc_cond_eval(const struct svc_cond *c, svc_cond_get get, void *ud,
    struct svc_buf *explain)
{
	return eval(c->root, get, ud, explain);
}

/* ---- lint ---- */

static void
walk_unknown(const struct node *x, void (*f)(void *, const char *), void *ud)
{
	if (x == NULL)
		return;
	if (x->type == N_CMP && x->ref == SVC_CREF_UNKNOWN)
		f(ud, x->name);
	walk_unknown(x->a, f, ud);
	walk_unknown(x->b, f, ud);
}

void
svc_cond_unknown(const struct svc_cond *c, void (*f)(void *, const char *),
    void *ud)
{
	walk_unknown(c->root, f, ud);
}

static void
walk_names(const struct node *x, struct svc_buf *b)
{
	if (x == NULL)
		return;
	if (x->type == N_CMP) {
		if (b->len)
			svc_buf_addc(b, ',');
		svc_buf_adds(b, x->name);
	}
	walk_names(x->a, b);
	walk_names(x->b, b);
}

void
svc_cond_names_used(const struct svc_cond *c, struct svc_buf *b)
{
	walk_names(c->root, b);
}

static void
walk_refs(const struct node *x, unsigned char *fields, int nfields,
    int *attrs)
{
	if (x == NULL)
		return;
	if (x->type == N_CMP) {
		if (x->ref == SVC_CREF_FIELD && x->index >= 0 &&
		    x->index < nfields)
			fields[x->index] = 1;
		else if (x->ref == SVC_CREF_ATTR)
			*attrs = 1;
	}
	walk_refs(x->a, fields, nfields, attrs);
	walk_refs(x->b, fields, nfields, attrs);
}

void
svc_cond_refs(const struct svc_cond *c, unsigned char *fields, int nfields,
    int *attrs)
{
	walk_refs(c->root, fields, nfields, attrs);
}

static int
eval_fixed(const struct node *x, svc_cond_get get, void *ud,
    unsigned long moving)
{
	struct svc_cval v;
	int a, b;

	switch (x->type) {
	case N_ALWAYS:
		return 1;
	case N_AND:
		if ((a = eval_fixed(x->a, get, ud, moving)) == 0 ||
		    (b = eval_fixed(x->b, get, ud, moving)) == 0)
			return 0;
		return a == 1 && b == 1 ? 1 : -1;
	case N_OR:
		if ((a = eval_fixed(x->a, get, ud, moving)) == 1 ||
		    (b = eval_fixed(x->b, get, ud, moving)) == 1)
			return 1;
		return a == 0 && b == 0 ? 0 : -1;
	case N_NOT:
		a = eval_fixed(x->a, get, ud, moving);
		return a < 0 ? -1 : !a;
	default:
		break;
	}
	if (x->ref == SVC_CREF_EXTRA && x->index >= 0 &&
	    x->index < (int)(8 * sizeof(moving)) && (moving >> x->index & 1))
		return -1;
	memset(&v, 0, sizeof(v));
	if (x->ref != SVC_CREF_UNKNOWN)
		get(ud, x->ref, x->index, x->key, &v);
	return eval_cmp(x, &v);
}

int
svc_cond_eval_fixed(const struct svc_cond *c, svc_cond_get get, void *ud,
    unsigned long moving)
{
	return eval_fixed(c->root, get, ud, moving);
}

static void
walk_numbers(const struct node *x, int ref,
    void (*f)(void *ud, int index, int64_t v), void *ud)
{
	size_t i;

	if (x == NULL)
		return;
	if (x->type == N_CMP && x->ref == ref && x->op != OP_GLOB)
		for (i = 0; i < x->nlits; i++)
			if (x->lits[i].isnum)
				f(ud, x->index, x->lits[i].i);
	walk_numbers(x->a, ref, f, ud);
	walk_numbers(x->b, ref, f, ud);
}

void
svc_cond_numbers(const struct svc_cond *c, int ref,
    void (*f)(void *ud, int index, int64_t v), void *ud)
{
	walk_numbers(c->root, ref, f, ud);
}

int
svc_cond_always(const struct svc_cond *c)
{
	return c->root->type == N_ALWAYS;
}

/* Atoms of an and-chain: comparisons, each possibly negated. */
struct atom {
	const struct node *x;
	int neg;
};

static void
atoms(const struct node *x, struct atom **a, size_t *n, int *other)
{
	if (x->type == N_AND) {
		atoms(x->a, a, n, other);
		atoms(x->b, a, n, other);
		return;
	}
	if (x->type == N_CMP || (x->type == N_NOT && x->a->type == N_CMP)) {
		*a = svc_xrealloc(*a, (*n + 1) * sizeof(**a));
		(*a)[*n].x = x->type == N_CMP ? x : x->a;
		(*a)[*n].neg = x->type == N_NOT;
		(*n)++;
		return;
	}
	if (x->type != N_ALWAYS)
		*other = 1;
}

static int
same_ref(const struct node *a, const struct node *b)
{
	return strcmp(a->name, b->name) == 0;
}

static int
lit_eq(const struct lit *a, const struct lit *b)
{
	if (a->isnum && b->isnum)
		return a->i == b->i;
	return a->n == b->n && strncasecmp(a->s, b->s, a->n) == 0;
}

static int
in_list(const struct node *x, const struct lit *l)
{
	size_t i;

	for (i = 0; i < x->nlits; i++)
		if (lit_eq(&x->lits[i], l))
			return 1;
	return 0;
}

/* Do the atoms on one name contradict each other? */
static int
contradict(const struct atom *a, size_t n)
{
	size_t i, j;
	int have_lo = 0, have_hi = 0, lo_strict = 0, hi_strict = 0;
	int64_t lo = 0, hi = 0;

	for (i = 0; i < n; i++) {
		const struct node *x = a[i].x;

		for (j = 0; j < n; j++) {
			const struct node *y = a[j].x;

			if (i == j || !same_ref(x, y))
				continue;
			/* present and absent */
			if (x->op == OP_PRESENT && !a[i].neg &&
			    y->op == OP_PRESENT && a[j].neg)
				return 1;
			/* absent, yet compared (all but != need a value) */
			if (x->op == OP_PRESENT && a[i].neg && !a[j].neg &&
			    y->op != OP_PRESENT && y->op != OP_NE)
				return 1;
			if (a[i].neg || a[j].neg)
				continue;
			if (x->op == OP_EQ && y->op == OP_EQ &&
			    !lit_eq(&x->lits[0], &y->lits[0]))
				return 1;
			if (x->op == OP_EQ && y->op == OP_NE &&
			    lit_eq(&x->lits[0], &y->lits[0]))
				return 1;
			if (x->op == OP_EQ && y->op == OP_IN &&
			    !in_list(y, &x->lits[0]))
				return 1;
			if (x->op == OP_IN && y->op == OP_IN) {
				size_t k;

				for (k = 0; k < x->nlits; k++)
					if (in_list(y, &x->lits[k]))
						break;
				if (k == x->nlits)
					return 1;
			}
		}
	}
	/* numeric bounds on the first name */
	for (i = 0; i < n; i++) {
		const struct node *x = a[i].x;
		const struct lit *l;

		if (a[i].neg || !same_ref(x, a[0].x) || x->nlits != 1 ||
		    !x->lits[0].isnum)
			continue;
		l = &x->lits[0];
		if (x->op == OP_EQ || x->op == OP_GE || x->op == OP_GT) {
			int strict = x->op == OP_GT;

			if (!have_lo || l->i > lo || (l->i == lo && strict)) {
				lo = l->i;
				lo_strict = strict;
			}
			have_lo = 1;
		}
		if (x->op == OP_EQ || x->op == OP_LE || x->op == OP_LT) {
			int strict = x->op == OP_LT;

			if (!have_hi || l->i < hi || (l->i == hi && strict)) {
				hi = l->i;
				hi_strict = strict;
			}
			have_hi = 1;
		}
	}
	if (have_lo && have_hi && (lo > hi || (lo == hi && (lo_strict ||
	    hi_strict))))
		return 1;
	return 0;
}

static int
never(const struct node *x)
{
	struct atom *a = NULL, *g = NULL;
	size_t n = 0, i, j, ng;
	int other = 0, r = 0;

	switch (x->type) {
	case N_OR:
		return never(x->a) && never(x->b);
	case N_AND:
		if (never(x->a) || never(x->b))
			return 1;
		break;
	default:
		return 0;
	}
	atoms(x, &a, &n, &other);
	g = svc_xcalloc(n ? n : 1, sizeof(*g));
	for (i = 0; i < n && !r; i++) {
		/* the atoms on a[i]'s name, a[i] first */
		ng = 0;
		g[ng++] = a[i];
		for (j = 0; j < n; j++)
			if (j != i && same_ref(a[i].x, a[j].x))
				g[ng++] = a[j];
		r = contradict(g, ng);
	}
	free(g);
	free(a);
	return r;
}

int
svc_cond_never(const struct svc_cond *c)
{
	return never(c->root);
}

static int
covers(const struct node *a, const struct node *b)
{
	struct atom *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0, i, j;
	int ox = 0, oy = 0, r;

	if (a->type == N_ALWAYS)
		return 1;
	if (a->type == N_OR)
		return covers(a->a, b) || covers(a->b, b);
	if (b->type == N_OR)
		return covers(a, b->a) && covers(a, b->b);
	atoms(a, &x, &nx, &ox);
	atoms(b, &y, &ny, &oy);
	r = !ox && nx > 0;
	for (i = 0; i < nx && r; i++) {
		for (j = 0; j < ny; j++)
			if (x[i].neg == y[j].neg &&
			    strcasecmp(x[i].x->text, y[j].x->text) == 0)
				break;
		if (j == ny)
			r = 0;
	}
	free(x);
	free(y);
	return r;
}

int
svc_cond_covers(const struct svc_cond *a, const struct svc_cond *b)
{
	return covers(a->root, b->root);
}
