/* rulelint.c: findings shared by every ordered rule table. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "rulelint.h"
#include "ticket.h"

struct lint {
	FILE *fp;
	const char *file;
	long line;
	int findings;
};

static void
lint_unknown(void *ud, const char *name)
{
	struct lint *l = ud;

	fprintf(l->fp, "%s:%ld: field '%s' does not exist\n", l->file, l->line,
	    name);
	l->findings++;
}

static int
lrule_cmp(const void *a, const void *b)
{
	const struct svc_lrule *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
same_group(const struct svc_lrule *a, const struct svc_lrule *b)
{
	if (a->group == NULL || b->group == NULL)
		return a->group == b->group;
	return strcmp(a->group, b->group) == 0;
}

int
svc_lint_rules(FILE *fp, const char *file, struct svc_lrule *r, size_t n,
    int ordered)
{
	struct lint l;
	size_t i, j;

	memset(&l, 0, sizeof(l));
	l.fp = fp;
	l.file = file;
	if (ordered && n > 1)
		qsort(r, n, sizeof(*r), lrule_cmp);
	for (i = 0; i < n; i++) {
		l.line = r[i].line;
		svc_cond_unknown(r[i].c, lint_unknown, &l);
		if (svc_cond_never(r[i].c)) {
			fprintf(fp, "%s:%ld: the condition can never be true\n",
			    file, r[i].line);
			l.findings++;
			continue;
		}
		if (!ordered)
			continue;
		for (j = 0; j < i; j++)
			if (same_group(&r[j], &r[i]) && !svc_cond_never(r[j].c) &&
			    svc_cond_covers(r[j].c, r[i].c)) {
				fprintf(fp, "%s:%ld: never reached: the rule at line "
				    "%ld (order %lld) matches first\n", file,
				    r[i].line, r[j].line, (long long)r[j].order);
				l.findings++;
				break;
			}
	}
	return l.findings;
}

void
svc_lrules_free(struct svc_lrule *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		svc_cond_free(r[i].c);
		free(r[i].group);
	}
	free(r);
}

int
svc_lint_source(struct svc_db *db, int64_t now, const char *kind,
    char *file, size_t n, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int64_t version;

	snprintf(file, n, "%s", kind);
	if (svc_config_version(db, now, kind, &version, e) != 0 ||
	    svc_db_prepare(db, "SELECT r.source FROM config_versions v JOIN "
	    "runs r ON r.id=v.run WHERE v.kind=? AND v.version=?", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, version);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(file, n, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

int
svc_lint_stored(struct svc_db *db, int64_t now, const char *kind,
    const char *group, FILE *fp, int *findings, struct svc_err *e)
{
	return svc_lint_stored_as(db, now, kind, group, NULL,
	    strcmp(kind, "priority") != 0, fp, findings, e);
}

int
svc_lint_stored_as(struct svc_db *db, int64_t now, const char *kind,
    const char *group, const struct svc_cond_names *names, int ordered,
    FILE *fp, int *findings, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	struct svc_buf sql = { 0 };
	struct svc_lrule *r = NULL;
	int rc;
	size_t n = 0;
	char file[300];

	if (svc_lint_source(db, now, kind, file, sizeof(file), e) != 0)
		return -1;
	svc_buf_reset(&sql);
	svc_buf_printf(&sql, "%s, line, \"when\", %s", ordered ? "\"order\"" :
	    "0", group ? group : "NULL");
	rc = svc_config_select(db, now, kind, sql.s, ordered ||
	    strcmp(kind, "priority") != 0 ? "1" : "\"when\" IS NOT NULL",
	    "rowno", &st, e);
	svc_buf_free(&sql);
	if (rc != 0)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *w = (const char *)sqlite3_column_text(st, 2);
		struct svc_err ce;
		struct svc_cond *c = svc_cond_parse(w ? w : "", w ? strlen(w) : 0,
		    names, &ce);

		if (c == NULL) {
			fprintf(fp, "%s:%lld:%ld: when: %s\n", file,
			    (long long)sqlite3_column_int64(st, 1), ce.col, ce.msg);
			(*findings)++;
			continue;
		}
		r = svc_xrealloc(r, (n + 1) * sizeof(*r));
		r[n].order = sqlite3_column_int64(st, 0);
		r[n].line = (long)sqlite3_column_int64(st, 1);
		r[n].c = c;
		r[n].group = svc_col_dup(st, 3);
		n++;
	}
	sqlite3_finalize(st);
	*findings += svc_lint_rules(fp, file, r, n, ordered);
	svc_lrules_free(r, n);
	return 0;
}

