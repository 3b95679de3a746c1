/* db.h: the one SQLite file every binary shares.
 *
 * Opening sets the pragmas of design section 4 (WAL, busy timeout,
 * foreign keys, synchronous=FULL), checks application_id and migrates the
 * schema forward by user_version; a file from a newer version is refused.
 * Only svc_db_open(..., SVC_DB_CREATE) creates a file, mode 0600, fully
 * built before it appears under its name.  Every write transaction is
 * BEGIN IMMEDIATE; SQLITE_BUSY past the timeout maps to SVC_EXIT_BUSY.
 */
#ifndef SVC_DB_H
#define SVC_DB_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"

#define SVC_APP_ID	0x53564344	/* "SVCD" */
#define SVC_SCHEMA	8

enum { SVC_DB_RW = 0, SVC_DB_CREATE = 1, SVC_DB_RO = 2 };

struct svc_db {
	sqlite3 *h;
	char path[4096];
	int in_tx;
	/* the audit chain's last row in this write transaction (audit.c) */
	int chain;
	int64_t chain_id;
	unsigned char chain_hash[32];
	/* the statuses in force at a few times (svc_db_statuses): a report
	 * asks at --now and at the start of its period */
	struct svc_statuses_at {
		struct svc_statuses *m;
		int64_t now;
	} statuses[4];
	int statuses_last;		/* the one asked for last, or -1 */
};

/*
 * While a large write runs, start the kernel writing the database and its
 * WAL to disk in the background (Linux sync_file_range), so that the
 * fsyncs of the commit and checkpoint find little left to do.  Durability
 * is unchanged: the fsyncs still happen.  A no-op where unsupported.
 */
struct svc_flusher;
struct svc_flusher *svc_db_flusher_start(struct svc_db *db);
void svc_db_flusher_stop(struct svc_flusher *f);

/* Open (and with SVC_DB_CREATE create) the database at path. */
/* A database created from now on is mode 0660 and owned by group (a
 * name or number) instead of 0600: for a team that shares the file
 * through a group.  Returns 0, or -1 with e set (usage: no such group). */
int svc_db_set_group(const char *group, struct svc_err *e);
int svc_db_open(const char *path, int mode, struct svc_db **out,
    struct svc_err *e);
void svc_db_close(struct svc_db *db);

/*
 * Status categories (status.h).  Every connection has the SQL functions
 *   svc_open(status, resolved_at, closed_at, updated_at, now)
 *       1 or 0 (svc_status_open), NULL when the status has no category
 *   svc_open(status, resolved_at, closed_at, updated_at, now, attrs)
 *       1 or 0, the status_category of attrs giving the category of a
 *       status that has none
 *   svc_status_category(status [, attrs])  the category's name, NULL when
 *       unknown
 * over the statuses svc_db_statuses gives for now (for the functions
 * without a now, the last now asked for, else the built-ins).
 */
struct svc_statuses;
/* The statuses in force at now: the version of the statuses kind valid
 * at now over the built-ins; loaded once per now.  Returns 0 with *out
 * set, or -1 with e filled. */
int svc_db_statuses(struct svc_db *db, int64_t now,
    const struct svc_statuses **out, struct svc_err *e);
/* Forget the loaded statuses (after the statuses kind changed). */
void svc_db_statuses_reset(struct svc_db *db);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int svc_db_begin(struct svc_db *db, struct svc_err *e);
int svc_db_commit(struct svc_db *db, struct svc_err *e);
void svc_db_rollback(struct svc_db *db);

/* Run SQL without results. */
int svc_db_exec(struct svc_db *db, const char *sql, struct svc_err *e);
/* Prepare sql into *st. */
int svc_db_prepare(struct svc_db *db, const char *sql, sqlite3_stmt **st,
    struct svc_err *e);
/* Fill e from a SQLite result code (busy -> SVC_EXIT_BUSY, else FATAL);
 * returns -1. */
int svc_db_fail(struct svc_db *db, int rc, struct svc_err *e,
    const char *what);
/* First column of the first row of sql as an integer (def when none). */
int64_t svc_db_int(struct svc_db *db, const char *sql, int64_t def);

/* A run: one invocation that changes the database.  Inserted inside the
 * caller's write transaction. */
struct svc_run {
	int64_t id;
	const char *program, *args, *actor, *kind, *source;
	int64_t started, finished;
	int64_t rows_in, rows_loaded, rows_rejected, rows_new, rows_changed;
};
int svc_db_run_insert(struct svc_db *db, struct svc_run *r,
    struct svc_err *e);
/* Start r: program, args, actor and kind, started and finished at now,
 * counts 0. */
void svc_run_init(struct svc_run *r, const char *program, const char *args,
    const char *actor, const char *kind, int64_t now);
/* Record the row counts of run r->id, once it is done. */
int svc_db_run_counts(struct svc_db *db, const struct svc_run *r,
    struct svc_err *e);

/* Administration (svc-db).  check: PRAGMA integrity_check, foreign keys,
 * the runs' rows_in = rows_loaded + rows_rejected, each import's rejects
 * stored, audit rows hashed; found is called once per finding; returns
 * the number of findings or -1.  backup: the online backup API into a new
 * file path (refused if it exists), 0600, complete before it appears
 * under its name.  schema: the version and every CREATE statement. */
int svc_db_check(struct svc_db *db, void (*found)(void *ud, const char *what,
    const char *msg), void *ud, struct svc_err *e);
int svc_db_backup(struct svc_db *db, const char *path, struct svc_err *e);
int svc_db_schema(struct svc_db *db, FILE *fp, struct svc_err *e);

/*
 * Rows inserted SVC_BATCH to a statement: row is the VALUES tuple of one
 * row, "(?,?,'route')", its '?' bound in order by the svc_batch_* calls;
 * svc_batch_row ends a row and writes a full batch, svc_batch_flush the
 * rest.  Text is copied unless given with svc_batch_static (which must
 * outlive the flush).  changes adds up the rows the statements changed.
 * Use INSERT OR FAIL (or OR IGNORE) in head: a statement of several rows
 * that may abort keeps a statement journal (a copy of every page it
 * touches, gigabytes over a million rows).
 */
#define SVC_BATCH 64

struct svc_bval {
	int type;		/* 0 NULL, 1 integer, 2 copied text, 3 static */
	int64_t i;
	size_t off;
	const char *s;
};

struct svc_batch {
	struct svc_db *db;
	const char *head, *row, *what;
	int ncols;
	sqlite3_stmt *full;	/* prepared for SVC_BATCH rows */
	struct svc_bval *v;
	size_t nv, n;
	struct svc_buf arena;
	int64_t changes;
};

void svc_batch_init(struct svc_batch *b, struct svc_db *db, const char *head,
    const char *row, const char *what);
void svc_batch_int(struct svc_batch *b, int64_t i);
/* An integer, or NULL when t < 0 (a time not set). */
void svc_batch_time(struct svc_batch *b, int64_t t);
void svc_batch_text(struct svc_batch *b, const char *s);
void svc_batch_static(struct svc_batch *b, const char *s);
int svc_batch_row(struct svc_batch *b, struct svc_err *e);
int svc_batch_flush(struct svc_batch *b, struct svc_err *e);
void svc_batch_free(struct svc_batch *b);

/*
 * Audit rows of one run: who (actor, program, run) changed what (entity,
 * key, field, old -> new) at, and why (detail), written SVC_BATCH at a
 * time.  entity and field must outlive the flush (literals, field
 * names); the rest is copied.  svc_audit_flush before the commit.
 */
struct svc_audit {
	struct svc_batch b;
	int64_t at, run;
	const char *actor, *program;
};
/* Each row gets the next id and its hash (audit.h) as it is added, so
 * several writers in one transaction keep one chain. */

/*
 * A short write of one command (svc-measure, svc-approve): BEGIN
 * IMMEDIATE, its run row, then audit rows; svc_write_end flushes them and
 * commits, or rolls back when rc != 0 or dry_run.  Returns rc, or -1 when
 * the commit failed.
 */
struct svc_write {
	struct svc_db *db;
	struct svc_run run;
	struct svc_audit audit;
	int dry_run;
};
int svc_write_begin(struct svc_write *w, struct svc_db *db,
    const char *program, const char *args, const char *actor,
    const char *kind, int64_t now, int dry_run, struct svc_err *e);
int svc_write_end(struct svc_write *w, int rc, struct svc_err *e);

void svc_audit_init(struct svc_audit *a, struct svc_db *db, int64_t at,
    const char *actor, const char *program, int64_t run);
int svc_audit(struct svc_audit *a, const char *entity, const char *key,
    const char *field, const char *old, const char *new, const char *detail,
    struct svc_err *e);
int svc_audit_flush(struct svc_audit *a, struct svc_err *e);
void svc_audit_free(struct svc_audit *a);

#endif
