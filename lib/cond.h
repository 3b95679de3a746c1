/* cond.h: the condition language of every rule table.
 *
 *   priority<=2 and category=Billing
 *   customer_tier in gold,platinum
 *   title~"*refund*" or not assignee
 *   (status=New or status="In Progress") and attrs.Sprint~"*42*"
 *
 * A condition is parsed once into a tree and evaluated in C; it is never
 * turned into SQL.  Names are ticket fields, attrs.KEY for a column kept
 * in attrs, or extra names a caller declares (clock fields of svc-sla and
 * svc-escalate).  Values are bare words (they may contain spaces; they end
 * at "and", "or", a parenthesis or, in a list, a comma) or "quoted"
 * strings with "" for a quote.  = and != compare numbers as numbers and
 * text without regard to case; < <= > >= compare numbers, durations (30m,
 * 4h, 2d) and times (2026-01-31, ISO 8601) as numbers, and text byte by
 * byte; ~ is a glob (* ? [..]) without regard to case; "in a,b,c" is = to
 * any; a name alone tests presence.  A comparison with a missing value is
 * false, except != which is true.
 */
#ifndef SVC_COND_H
#define SVC_COND_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Where a name points. */
enum svc_cref { SVC_CREF_FIELD, SVC_CREF_ATTR, SVC_CREF_EXTRA,
    SVC_CREF_UNKNOWN };

/* A value handed to the evaluator. */
struct svc_cval {
	int present;		/* 0: missing (null) */
	int isnum;		/* i holds the value (s may too) */
	int64_t i;
	const char *s;		/* text, or NULL when only numeric */
	size_t n;
};

struct svc_cond;

/* Extra names the caller resolves (NULL-terminated), e.g. "elapsed_pct". */
struct svc_cond_names {
	const char *const *extra;
};

/* Parse text (n bytes).  On error returns NULL with e set (status
 * SVC_EXIT_FATAL, e->col the 1-based character); file and line are left
 * to the caller.  names may be NULL.  An empty text is "always". */
struct svc_cond *svc_cond_parse(const char *text, size_t n,
    const struct svc_cond_names *names, struct svc_err *e);
void svc_cond_free(struct svc_cond *c);

/* Resolve a name: kind (enum svc_cref) and index (field index, extra
 * index); key for attrs. */
typedef void (*svc_cond_get)(void *ud, int kind, int index, const char *key,
    struct svc_cval *out);

/* Evaluate.  With explain non-NULL, append a line per comparison tried
 * ("category=Billing: 'Network' -> no"). */
struct svc_buf;
int svc_cond_eval(const struct svc_cond *c, svc_cond_get get, void *ud,
    struct svc_buf *explain);

/* Evaluate with the extra names whose index bit is set in moving taken as
 * unknown: 1 or 0 when the outcome is the same whatever their values, -1
 * when it depends on them. */
int svc_cond_eval_fixed(const struct svc_cond *c, svc_cond_get get,
    void *ud, unsigned long moving);

/* Lint. */
/* Call f for each name that is neither a field, attrs.KEY nor extra. */
void svc_cond_unknown(const struct svc_cond *c,
    void (*f)(void *ud, const char *name), void *ud);
/* Can the condition never be true (contradictory comparisons)? */
int svc_cond_never(const struct svc_cond *c);
/* Is every ticket that b matches matched by a (so b after a is never
 * reached)?  Conservative: 1 only when sure. */
int svc_cond_covers(const struct svc_cond *a, const struct svc_cond *b);
/* Is the condition "always" (empty)? */
int svc_cond_always(const struct svc_cond *c);
/* The names used, for callers that check more (comma-separated in b). */
void svc_cond_names_used(const struct svc_cond *c, struct svc_buf *b);

/* Mark the ticket fields the condition reads (fields[index] = 1, for
 * index < nfields) and set *attrs when it reads an attrs key. */
void svc_cond_refs(const struct svc_cond *c, unsigned char *fields,
    int nfields, int *attrs);

/* Call f for each number a name of kind ref (enum svc_cref) is compared
 * with (each of an "in" list), with the name's index: the values at which
 * a name whose value moves with time changes the outcome. */
void svc_cond_numbers(const struct svc_cond *c, int ref,
    void (*f)(void *ud, int index, int64_t v), void *ud);

/* A literal as a number: integer, duration (30s 30m 4h 2d) or a time.
 * Returns 0 and sets *v, or -1. */
int svc_cond_number(const char *s, size_t n, int64_t *v);

#endif
