/* config.h: configuration kinds loaded from CSV, versioned by valid_from.
 *
 * Each kind names its table and columns; svc-import --kind KIND loads a
 * whole file as a new version (or reports it unchanged), and --export KIND
 * writes the version valid at --now back in the same shape.  Later kinds
 * add a table in schema.h and a descriptor here.
 */
#ifndef SVC_CONFIG_H
#define SVC_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* SVC_CT_COND: a condition (cond.h), checked when loaded.  SVC_CT_NAME:
 * a name other rows and commands refer to (user, calendar, policy, rule,
 * reason, group): at most SVC_NAME_MAX bytes, no control characters. */
enum svc_ctype { SVC_CT_TEXT, SVC_CT_INT, SVC_CT_BOOL, SVC_CT_LIST,
    SVC_CT_COND, SVC_CT_NAME };
#define SVC_NAME_MAX	200	/* said as 200 in import.c's message */

struct svc_ccol {
	const char *name;
	int type;		/* enum svc_ctype */
	int required;		/* column must exist and value be non-empty */
};

struct svc_ckind {
	int kind;		/* enum svc_kind */
	const char *name;
	const char *table;
	const struct svc_ccol *cols;
	size_t ncols;
	int key;		/* column that must be unique, or -1 */
	int has_line;		/* the table keeps each row's line number */
	/* Check a typed row (v[i] NULL when empty); on a problem fill msg
	 * and the column index *col and return -1. */
	int (*check)(const char *const *v, char *msg, size_t size, int *col);
	/* SQL over the version ?1 just loaded: a row (line, message) is a
	 * problem between rows; NULL when rows are independent. */
	const char *across;
	/* Kinds that are not versioned (measures): each staged row is
	 * loaded by load (v[i] NULL when empty) instead, and --export
	 * writes them with export. */
	int (*load)(struct svc_db *db, int64_t now, const char *actor,
	    const char *program, int64_t run, const char *const *v,
	    const char *file, long line, int *changed, struct svc_err *e);
	int (*export)(struct svc_db *db, FILE *fp, int format,
	    struct svc_err *e);
};

/* Prepare SELECT cols FROM the version of kind valid at now, the rows
 * that satisfy where, in order; ?1 is bound to now, where's own
 * parameters are ?2 on. */
int svc_config_select(struct svc_db *db, int64_t now, const char *kind,
    const char *cols, const char *where, const char *order,
    sqlite3_stmt **st, struct svc_err *e);

/* The version of kind valid at now into *version (0 when none). */
int svc_config_version(struct svc_db *db, int64_t now, const char *kind,
    int64_t *version, struct svc_err *e);

/* The descriptor of kind, or NULL when kind is not a configuration kind. */
const struct svc_ckind *svc_config_kind(int kind);

#endif
