/* rulelint.h: the findings every ordered rule table shares.
 *
 * svc-route's routing, classify and priority rules and svc-sla's
 * policies are lists of conditions tried in order, first match wins.  A
 * rule whose condition names a field that does not exist, can never be
 * true, or is covered by an earlier rule of the same group (the same
 * metric, for policies) is reported as "FILE:LINE: ...".
 */
#ifndef SVC_RULELINT_H
#define SVC_RULELINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cond.h"
#include "db.h"

struct svc_lrule {
	int64_t order;
	long line;
	struct svc_cond *c;
	char *group;		/* rules compete within a group; NULL: one */
};

/* Report unknown names, never-true rules and (when ordered, after
 * sorting by order then line) rules an earlier one of the same group
 * covers.  Returns the number of findings. */
int svc_lint_rules(FILE *fp, const char *file, struct svc_lrule *r,
    size_t n, int ordered);
void svc_lrules_free(struct svc_lrule *r, size_t n);

/* The file the version of kind valid at now was loaded from (kind
 * itself when unknown) into file. */
int svc_lint_source(struct svc_db *db, int64_t now, const char *kind,
    char *file, size_t n, struct svc_err *e);

/* Lint the rules of kind valid at now, named after the file they were
 * loaded from; group is the column (SQL) rules compete within, or NULL.
 * Adds to *findings; returns 0 or -1 with e filled. */
int svc_lint_stored(struct svc_db *db, int64_t now, const char *kind,
    const char *group, FILE *fp, int *findings, struct svc_err *e);
/* The same with the extra names conditions may use, and ordered (0:
 * rules do not compete, every match applies). */
int svc_lint_stored_as(struct svc_db *db, int64_t now, const char *kind,
    const char *group, const struct svc_cond_names *names, int ordered,
    FILE *fp, int *findings, struct svc_err *e);

#endif
