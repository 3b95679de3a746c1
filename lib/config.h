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

/* valid_from of the first version of a kind loaded without --valid-from:
 * 0001-01-01T00:00:00Z, before any ticket, so the past is covered. */
#define SVC_CONFIG_ALWAYS	INT64_C(-62135596800)

/* When kind has versions but none is valid at now (every version is
 * valid from later), fill e (SVC_EXIT_FATAL) with "KIND: loaded, but no
 * version is valid at NOW (the first is valid from T); load it with
 * svc-import --kind KIND --valid-from NOW FILE" and return 1.  0 when a
 * version is valid at now or none was ever loaded; -1 with e filled on a
 * database error. */
int svc_config_unvalid(struct svc_db *db, int64_t now, const char *kind,
    struct svc_err *e);

/* svc_config_unvalid for each kind of the NULL-terminated names, writing
 * each message as a line to fp: "PROGRAM: message" when warn (a stage
 * telling stderr), the message alone otherwise (a --lint finding).  A
 * lint (warn 0) also reports each list cell of the versions valid at now
 * that is not in the list syntax (stored before it was enforced), as
 * "FILE:LINE: column ..." ("FILE: row N: ..." for people).  Returns the
 * number of messages, or -1 with e filled. */
int svc_config_check(struct svc_db *db, int64_t now,
    const char *const *names, FILE *fp, int warn, struct svc_err *e);

/*
 * The list cells of one configuration file (svc(7), LISTS), checked
 * together once every row is read: a cell whose items are separated by
 * ';' or '|', or an item made of words separated by spaces each of which
 * is a known item (another item of the same column in the file, a
 * built-in role for roles, a status category for pause_on, a number), is
 * refused with the line, the column and the list written with commas.
 */
struct svc_lists {
	const struct svc_ckind *k;
	struct svc_lcell {
		size_t col;		/* index into k->cols */
		long line;
		char *s;
	} *cells;
	size_t ncells;
	char **items;		/* "COL\037item" in lower case, sorted */
	size_t nitems;
	int built;		/* items is complete */
	size_t next;		/* the cell svc_lists_check looks at next */
};

void svc_lists_init(struct svc_lists *l, const struct svc_ckind *k);
/* Add the cell of column col (an SVC_CT_LIST column of k; others are
 * ignored), n bytes of s, read on line. */
void svc_lists_add(struct svc_lists *l, size_t col, const char *s,
    size_t n, long line);
/* Check every cell added: 0, or -1 with *line, *col (index into k->cols)
 * and msg ("column 'roles': ...") of the first refused cell. */
int svc_lists_check(struct svc_lists *l, long *line, size_t *col,
    char *msg, size_t size);
void svc_lists_free(struct svc_lists *l);

#endif
