/* db.c: open, create, migrate, transactions, runs. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "db.h"
#include "schema.h"
#include "status.h"
#include "ticket.h"

int
svc_db_fail(struct svc_db *db, int rc, struct svc_err *e, const char *what)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return svc_err_set(e, SVC_EXIT_BUSY, db ? db->path : NULL, 0, 0,
		    "database is busy%s%s; nothing was committed, safe to "
		    "retry (SVC_BUSY_TIMEOUT sets the wait)", what ? " while " : "",
		    what ? what : "");
	/* an I/O error or a full disk says what the system said (file too
	 * large under ulimit -f, no space left, ...) and that nothing was
	 * committed */
	if ((prim == SQLITE_IOERR || prim == SQLITE_FULL) && db && db->h)
		return svc_err_set(e, SVC_EXIT_FATAL, db->path, 0, 0,
		    "%s%s%s (%s); nothing was committed", what ? what : "",
		    what ? ": " : "", sqlite3_errmsg(db->h),
		    sqlite3_system_errno(db->h) != 0 ?
		    strerror(sqlite3_system_errno(db->h)) :
		    "disk full, a file size limit or a failing disk");
	return svc_err_set(e, SVC_EXIT_FATAL, db ? db->path : NULL, 0, 0,
	    "%s%s%s", what ? what : "", what ? ": " : "",
	    db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
}

int
svc_db_exec(struct svc_db *db, const char *sql, struct svc_err *e)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return svc_db_fail(db, rc, e, NULL);
	return 0;
}

int
svc_db_prepare(struct svc_db *db, const char *sql, sqlite3_stmt **st,
    struct svc_err *e)
{
	int rc = sqlite3_prepare_v2(db->h, sql, -1, st, NULL);

	if (rc != SQLITE_OK)
		return svc_db_fail(db, rc, e, "prepare");
	return 0;
}

int64_t
svc_db_int(struct svc_db *db, const char *sql, int64_t def)
{
	sqlite3_stmt *st;
	int64_t v = def;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return def;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
svc_db_begin(struct svc_db *db, struct svc_err *e)
{
	int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return svc_db_fail(db, rc, e, "starting a write");
	db->in_tx = 1;
	db->chain = 0;
	return 0;
}

int
svc_db_commit(struct svc_db *db, struct svc_err *e)
{
	int rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		svc_db_fail(db, rc, e, "commit");
		svc_db_rollback(db);
		return -1;
	}
	db->in_tx = 0;
	db->chain = 0;
	return 0;
}

void
svc_db_rollback(struct svc_db *db)
{
	if (db && db->h && !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	if (db)
		db->in_tx = db->chain = 0;
}

/* journal_mode=WAL does not wait on the busy handler: check and retry. */
static int
ensure_wal(sqlite3 *h)
{
	int attempt;

	for (attempt = 0; attempt < 1000; attempt++) {
		sqlite3_stmt *st;
		int iswal = 0, rc;

		if (sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st,
		    NULL) != SQLITE_OK)
			return SQLITE_ERROR;
		if (sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *m = sqlite3_column_text(st, 0);

			iswal = m && sqlite3_stricmp((const char *)m, "wal") == 0;
		}
		sqlite3_finalize(st);
		if (iswal)
			return SQLITE_OK;
		rc = sqlite3_exec(h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			continue;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return rc;
		sqlite3_sleep(5 + attempt % 20);
	}
	return SQLITE_BUSY;
}

static int
busy_ms(void)
{
	const char *s = getenv("SVC_BUSY_TIMEOUT");
	double v;
	char *end;

	/* long enough for the longest write another cron job may hold (a
	 * first SLA pass over a million tickets takes about half a minute)
	 * while several wait their turn; SQLite's waiters are not served in
	 * order, so one may wait for several others */
	if (s == NULL || *s == '\0')
		return 300000;
	v = strtod(s, &end);
	if (*end != '\0' || v < 0 || v > 86400)
		return 300000;
	return (int)(v * 1000);
}

static int
migrate(struct svc_db *db, struct svc_err *e)
{
	int64_t v;
	size_t i;
	char sql[64];

	if (svc_db_begin(db, e) != 0)
		return -1;
	v = svc_db_int(db, "PRAGMA user_version", -1);
	if (v < 0 || v > SVC_SCHEMA) {
		svc_db_rollback(db);
		return svc_err_set(e, SVC_EXIT_FATAL, db->path, 0, 0,
		    "schema version %lld is newer than this program (%d); "
		    "upgrade svc", (long long)v, SVC_SCHEMA);
	}
	for (i = (size_t)v; i < SVC_NMIGRATIONS; i++)
		if (svc_db_exec(db, svc_migrations[i], e) != 0 ||
		    (i == 6 && svc_audit_seal(db, e) != 0)) {
			svc_db_rollback(db);
			return -1;
		}
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", SVC_SCHEMA);
	if (svc_db_exec(db, sql, e) != 0) {
		svc_db_rollback(db);
		return -1;
	}
	return svc_db_commit(db, e);
}

/* ---- status categories ---- */

void
svc_db_statuses_reset(struct svc_db *db)
{
	size_t i;

	for (i = 0; i < sizeof(db->statuses) / sizeof(db->statuses[0]); i++) {
		svc_status_free(db->statuses[i].m);
		db->statuses[i].m = NULL;
	}
	db->statuses_last = -1;
}

int
svc_db_statuses(struct svc_db *db, int64_t now,
    const struct svc_statuses **out, struct svc_err *e)
{
	const int n = (int)(sizeof(db->statuses) / sizeof(db->statuses[0]));
	sqlite3_stmt *st;
	struct svc_statuses *m;
	int rc, i;

	for (i = 0; i < n; i++)
		if (db->statuses[i].m && db->statuses[i].now == now) {
			db->statuses_last = i;
			*out = db->statuses[i].m;
			return 0;
		}
	if (svc_db_prepare(db, "SELECT status, category FROM statuses WHERE "
	    "version = (SELECT version FROM config_versions WHERE kind = "
	    "'statuses' AND valid_from <= ?1 ORDER BY version DESC LIMIT 1) "
	    "ORDER BY rowno", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	m = svc_status_new();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		svc_status_add(m, (const char *)sqlite3_column_text(st, 0),
		    svc_status_cat_parse((const char *)sqlite3_column_text(st,
		    1)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		svc_status_free(m);
		return svc_db_fail(db, rc, e, "reading the statuses");
	}
	/* the slot after the last one asked for */
	i = (db->statuses_last + 1) % n;
	svc_status_free(db->statuses[i].m);
	db->statuses[i].m = m;
	db->statuses[i].now = now;
	db->statuses_last = i;
	*out = m;
	return 0;
}

static int64_t
arg_time(sqlite3_value *v)
{
	return sqlite3_value_type(v) == SQLITE_NULL ? -1 :
	    sqlite3_value_int64(v);
}

/* The statuses for the now of argument i (-1: the last loaded); NULL with
 * the error set on ctx. */
static const struct svc_statuses *
fn_statuses(sqlite3_context *ctx, sqlite3_value **argv, int i)
{
	struct svc_db *db = sqlite3_user_data(ctx);
	const struct svc_statuses *m = NULL;
	struct svc_err e;

	if (i < 0)
		return db->statuses_last < 0 ? NULL :
		    db->statuses[db->statuses_last].m;
	memset(&e, 0, sizeof(e));
	if (svc_db_statuses(db, sqlite3_value_int64(argv[i]), &m, &e) != 0) {
		sqlite3_result_error(ctx, e.msg, -1);
		return NULL;
	}
	return m;
}

static void
fn_open(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct svc_statuses *m = fn_statuses(ctx, argv, 4);
	const char *status = (const char *)sqlite3_value_text(argv[0]);
	int c;

	if (m == NULL)
		return;
	if (argc == 6)
		c = svc_ticket_category(m, status,
		    (const char *)sqlite3_value_text(argv[5]));
	else if ((c = svc_status_find(m, status)) == SVC_SCAT_UNKNOWN)
		return;
	sqlite3_result_int(ctx, svc_status_open(c, arg_time(argv[1]),
	    arg_time(argv[2]), arg_time(argv[3]),
	    sqlite3_value_int64(argv[4])));
}

static void
fn_category(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct svc_statuses *m = fn_statuses(ctx, argv, -1);
	const char *status = (const char *)sqlite3_value_text(argv[0]);
	int c;

	c = argc == 2 ? svc_ticket_category(m, status,
	    (const char *)sqlite3_value_text(argv[1])) :
	    svc_status_find(m, status);
	if (c != SVC_SCAT_UNKNOWN)
		sqlite3_result_text(ctx, svc_status_cat_name(c), -1,
		    SQLITE_STATIC);
}

static int
functions(struct svc_db *db, struct svc_err *e)
{
	int rc;

	if ((rc = sqlite3_create_function(db->h, "svc_open", 5, SQLITE_UTF8,
	    db, fn_open, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_create_function(db->h, "svc_open", 6, SQLITE_UTF8,
	    db, fn_open, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_create_function(db->h, "svc_status_category", 1,
	    SQLITE_UTF8, db, fn_category, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_create_function(db->h, "svc_status_category", 2,
	    SQLITE_UTF8, db, fn_category, NULL, NULL)) != SQLITE_OK)
		return svc_db_fail(db, rc, e, "registering functions");
	return 0;
}

static int
configure(struct svc_db *db, struct svc_err *e)
{
	if (functions(db, e) != 0)
		return -1;
	sqlite3_busy_timeout(db->h, busy_ms());
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)0);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)0);
	return svc_db_exec(db, "PRAGMA foreign_keys=ON;"
	    "PRAGMA synchronous=FULL;"
	    "PRAGMA temp_store=FILE;"
	    "PRAGMA cache_size=-8192;"
	    "PRAGMA journal_size_limit=67108864;", e);
}

/* The group of databases created (svc_db_set_group); -1: none, 0600. */
static gid_t create_gid = (gid_t)-1;

int
svc_db_set_group(const char *group, struct svc_err *e)
{
	struct group *gr;
	char *end;
	long v;

	if ((gr = getgrnam(group)) != NULL) {
		create_gid = gr->gr_gid;
		return 0;
	}
	v = strtol(group, &end, 10);
	if (*group && *end == '\0' && v >= 0) {
		create_gid = (gid_t)v;
		return 0;
	}
	return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--group: no group "
	    "'%s'", group);
}

/* An empty file at tmp (removed first), 0600 whatever the umask, or 0660
 * in group gid unless gid is -1.  Returns 0, or -1 with errno set. */
static int
new_file(const char *tmp, gid_t gid)
{
	mode_t old;
	int fd, err;

	unlink(tmp);
	old = umask(077);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	umask(old);
	if (fd < 0)
		return -1;
	if (gid != (gid_t)-1 && (fchown(fd, (uid_t)-1, gid) != 0 ||
	    fchmod(fd, 0660) != 0)) {
		err = errno;
		close(fd);
		unlink(tmp);
		errno = err;
		return -1;
	}
	close(fd);
	return 0;
}

/* Make the finished file tmp durable and give it its name with link(),
 * so nobody ever opens it half-built; tmp is removed either way.  With
 * exist_ok a file already at path (a racing creator's) counts as done.
 * Returns 0, or -1 with errno set. */
static int
publish(const char *tmp, const char *path, int exist_ok)
{
	int fd, err;

	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	if (link(tmp, path) != 0 && !(exist_ok && errno == EEXIST)) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	unlink(tmp);
	return 0;
}

/* Build a new database at <path>.init.<pid>, then publish it: a racing
 * creator simply finds the winner's file.  The file exists, with its
 * group and mode, before SQLite opens it, so its -wal and -shm files get
 * the same mode. */
static int
create(const char *path, struct svc_err *e)
{
	char tmp[4200], sql[64];
	struct svc_db t = { 0 };
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.init.%ld", path, (long)getpid());
	snprintf(t.path, sizeof(t.path), "%s", path);
	if (new_file(tmp, create_gid) != 0) {
		if (create_gid != (gid_t)-1)
			return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
			    "cannot create the database in group %ld: %s",
			    (long)create_gid, strerror(errno));
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot create database: %s", strerror(errno));
	}
	rc = sqlite3_open_v2(tmp, &t.h, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot create database: %s", t.h ? sqlite3_errmsg(t.h) :
		    sqlite3_errstr(rc));
		sqlite3_close(t.h);
		unlink(tmp);
		return -1;
	}
	snprintf(sql, sizeof(sql), "PRAGMA application_id=%d", SVC_APP_ID);
	if (svc_db_exec(&t, "PRAGMA page_size=16384", e) != 0 ||
	    configure(&t, e) != 0 || svc_db_exec(&t, sql, e) != 0 ||
	    (rc = ensure_wal(t.h)) != SQLITE_OK || migrate(&t, e) != 0) {
		if (rc != SQLITE_OK)
			svc_db_fail(&t, rc, e, "creating");
		sqlite3_close(t.h);
		unlink(tmp);
		return -1;
	}
	if (sqlite3_close(t.h) != SQLITE_OK) {
		unlink(tmp);
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot close new database");
	}
	if (publish(tmp, path, 1) != 0)
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot create database: %s", strerror(errno));
	return 0;
}

int
svc_db_open(const char *path, int mode, struct svc_db **out,
    struct svc_err *e)
{
	static int configured;
	struct svc_db *db;
	struct stat st;
	int rc, flags;
	int64_t v;

	*out = NULL;
	if (!configured) {
		/* no allocation statistics: they take a global mutex on
		 * every allocation */
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = 1;
	}
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0, "%s",
			    strerror(errno));
		if (mode != SVC_DB_CREATE)
			return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
			    "no such database (svc-import creates it; set "
			    "--db or SVC_DB)");
		if (create(path, e) != 0)
			return -1;
	} else if (!S_ISREG(st.st_mode))
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "not a regular file");
	db = svc_xcalloc(1, sizeof(*db));
	db->statuses_last = -1;
	snprintf(db->path, sizeof(db->path), "%s", path);
	flags = (mode == SVC_DB_RO ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(path, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		svc_db_fail(db, rc, e, "cannot open database");
		svc_db_close(db);
		return -1;
	}
	if (configure(db, e) != 0)
		goto fail;
	v = svc_db_int(db, "PRAGMA application_id", -1);
	if (v == -1) {
		svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot read the database (not an SQLite file?)");
		goto fail;
	}
	if (v != SVC_APP_ID) {
		svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "not a svc database (application_id %lld)", (long long)v);
		goto fail;
	}
	v = svc_db_int(db, "PRAGMA user_version", -1);
	if (v > SVC_SCHEMA) {
		svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "schema version %lld is newer than this program (%d); "
		    "upgrade svc", (long long)v, SVC_SCHEMA);
		goto fail;
	}
	if (mode != SVC_DB_RO) {
		if ((rc = ensure_wal(db->h)) != SQLITE_OK) {
			svc_db_fail(db, rc, e, "switching to WAL");
			goto fail;
		}
		if (v < SVC_SCHEMA && migrate(db, e) != 0)
			goto fail;
	} else if (v < SVC_SCHEMA) {
		svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "schema version %lld is older than this program (%d); "
		    "run svc-db init (or svc-import) once to migrate it", (long long)v,
		    SVC_SCHEMA);
		goto fail;
	}
	*out = db;
	return 0;
fail:
	svc_db_close(db);
	return -1;
}

void
svc_db_close(struct svc_db *db)
{
	if (db == NULL)
		return;
	svc_db_rollback(db);
	sqlite3_close_v2(db->h);
	svc_db_statuses_reset(db);
	free(db);
}

int
svc_db_run_insert(struct svc_db *db, struct svc_run *r, struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (svc_db_prepare(db, "INSERT INTO runs(program, args, actor, kind, "
	    "source, started, finished, rows_in, rows_loaded, rows_rejected, "
	    "rows_new, rows_changed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", &st,
	    e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, r->program, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->args ? r->args : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->started);
	sqlite3_bind_int64(st, 7, r->finished);
	sqlite3_bind_int64(st, 8, r->rows_in);
	sqlite3_bind_int64(st, 9, r->rows_loaded);
	sqlite3_bind_int64(st, 10, r->rows_rejected);
	sqlite3_bind_int64(st, 11, r->rows_new);
	sqlite3_bind_int64(st, 12, r->rows_changed);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "recording the run");
	r->id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

/* One audit row per finished run: what it read and changed.  The
 * changes themselves have their own rows (one per ticket_events and
 * sla_events row the run wrote; svc-db check counts them). */
static int
run_audit(struct svc_db *db, const struct svc_run *r, struct svc_err *e)
{
	sqlite3_stmt *st;
	struct svc_audit a;
	char key[24], sum[200], *actor = NULL, *prog = NULL, *args = NULL;
	int64_t at = 0;
	int rc;

	if (svc_db_prepare(db, "SELECT program, actor, started, args FROM runs "
	    "WHERE id=?", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		prog = strdup((const char *)sqlite3_column_text(st, 0));
		actor = strdup((const char *)sqlite3_column_text(st, 1));
		at = sqlite3_column_int64(st, 2);
		args = strdup((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || !prog || !actor || !args) {
		free(prog);
		free(actor);
		free(args);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		    svc_db_fail(db, rc, e, "reading the run");
	}
	snprintf(key, sizeof(key), "%lld", (long long)r->id);
	snprintf(sum, sizeof(sum), "rows_in %lld, loaded %lld, rejected %lld, "
	    "new %lld, changed %lld", (long long)r->rows_in,
	    (long long)r->rows_loaded, (long long)r->rows_rejected,
	    (long long)r->rows_new, (long long)r->rows_changed);
	svc_audit_init(&a, db, at, actor, prog, r->id);
	rc = svc_audit(&a, "run", key, "counts", NULL, sum, args, e) != 0 ||
	    svc_audit_flush(&a, e) != 0 ? -1 : 0;
	svc_audit_free(&a);
	free(prog);
	free(actor);
	free(args);
	return rc;
}

int
svc_db_run_counts(struct svc_db *db, const struct svc_run *r,
    struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (svc_db_prepare(db, "UPDATE runs SET rows_in=?, rows_loaded=?, "
	    "rows_rejected=?, rows_new=?, rows_changed=? WHERE id=?", &st,
	    e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, r->rows_in);
	sqlite3_bind_int64(st, 2, r->rows_loaded);
	sqlite3_bind_int64(st, 3, r->rows_rejected);
	sqlite3_bind_int64(st, 4, r->rows_new);
	sqlite3_bind_int64(st, 5, r->rows_changed);
	sqlite3_bind_int64(st, 6, r->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "finishing the run");
	return run_audit(db, r, e);
}

/* ---- background writeback ---- */

struct svc_flusher {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	char path[2][4200];
	int fd[2];
};

static void *
flusher_run(void *arg)
{
	struct svc_flusher *f = arg;
	struct timespec ts;
	int i;

	pthread_mutex_lock(&f->mu);
	while (!f->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&f->cv, &f->mu, &ts);
		if (f->stop)
			break;
		pthread_mutex_unlock(&f->mu);
		for (i = 0; i < 2; i++) {
			if (f->fd[i] < 0)
				f->fd[i] = open(f->path[i], O_RDONLY | O_CLOEXEC);
#ifdef SYNC_FILE_RANGE_WRITE
			if (f->fd[i] >= 0)
				sync_file_range(f->fd[i], 0, 0,
				    SYNC_FILE_RANGE_WRITE);
#endif
		}
		pthread_mutex_lock(&f->mu);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

struct svc_flusher *
svc_db_flusher_start(struct svc_db *db)
{
#ifdef SYNC_FILE_RANGE_WRITE
	struct svc_flusher *f = svc_xcalloc(1, sizeof(*f));

	snprintf(f->path[0], sizeof(f->path[0]), "%s", db->path);
	snprintf(f->path[1], sizeof(f->path[1]), "%s-wal", db->path);
	f->fd[0] = f->fd[1] = -1;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (pthread_create(&f->th, NULL, flusher_run, f) != 0) {
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		free(f);
		return NULL;
	}
	return f;
#else
	(void)db;
	return NULL;
#endif
}

void
svc_db_flusher_stop(struct svc_flusher *f)
{
	int i;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->th, NULL);
	for (i = 0; i < 2; i++)
		if (f->fd[i] >= 0)
			close(f->fd[i]);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

/* ---- rows inserted a batch at a time ---- */

void
svc_batch_init(struct svc_batch *b, struct svc_db *db, const char *head,
    const char *row, const char *what)
{
	const char *p;

	memset(b, 0, sizeof(*b));
	b->db = db;
	b->head = head;
	b->row = row;
	b->what = what;
	for (p = row; *p; p++)
		b->ncols += *p == '?';
	b->v = svc_xcalloc(SVC_BATCH * (size_t)b->ncols, sizeof(*b->v));
}

void
svc_batch_int(struct svc_batch *b, int64_t i)
{
	b->v[b->nv].type = 1;
	b->v[b->nv++].i = i;
}

void
svc_batch_time(struct svc_batch *b, int64_t t)
{
	if (t < 0)
		b->v[b->nv++].type = 0;
	else
		svc_batch_int(b, t);
}

void
svc_batch_text(struct svc_batch *b, const char *s)
{
	if (s == NULL) {
		b->v[b->nv++].type = 0;
		return;
	}
	b->v[b->nv].type = 2;
	b->v[b->nv++].off = b->arena.len;
	svc_buf_add(&b->arena, s, strlen(s) + 1);
}

void
svc_batch_static(struct svc_batch *b, const char *s)
{
	b->v[b->nv].type = s ? 3 : 0;
	b->v[b->nv++].s = s;
}

static sqlite3_stmt *
batch_prepare(struct svc_batch *b, size_t rows, struct svc_err *e)
{
	struct svc_buf sql = { 0 };
	sqlite3_stmt *st = NULL;
	size_t r;

	svc_buf_adds(&sql, b->head);
	for (r = 0; r < rows; r++) {
		if (r)
			svc_buf_addc(&sql, ',');
		svc_buf_adds(&sql, b->row);
	}
	if (svc_db_prepare(b->db, sql.s, &st, e) != 0)
		st = NULL;
	svc_buf_free(&sql);
	return st;
}

int
svc_batch_flush(struct svc_batch *b, struct svc_err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (b->n == 0)
		return 0;
	if (b->n == SVC_BATCH) {
		if (b->full == NULL &&
		    (b->full = batch_prepare(b, SVC_BATCH, e)) == NULL)
			return -1;
		st = b->full;
	} else if ((st = batch_prepare(b, b->n, e)) == NULL)
		return -1;
	for (i = 0; i < b->nv; i++)
		switch (b->v[i].type) {
		case 1:
			sqlite3_bind_int64(st, (int)i + 1, b->v[i].i);
			break;
		case 2:
			sqlite3_bind_text(st, (int)i + 1, b->arena.s + b->v[i].off,
			    -1, SQLITE_STATIC);
			break;
		case 3:
			sqlite3_bind_text(st, (int)i + 1, b->v[i].s, -1,
			    SQLITE_STATIC);
			break;
		default:
			sqlite3_bind_null(st, (int)i + 1);
		}
	rc = sqlite3_step(st);
	b->changes += sqlite3_changes(b->db->h);
	if (st == b->full)
		sqlite3_reset(st);
	else
		sqlite3_finalize(st);
	b->n = b->nv = 0;
	svc_buf_reset(&b->arena);
	if (rc != SQLITE_DONE)
		return svc_db_fail(b->db, rc, e, b->what);
	return 0;
}

int
svc_batch_row(struct svc_batch *b, struct svc_err *e)
{
	return ++b->n == SVC_BATCH ? svc_batch_flush(b, e) : 0;
}

void
svc_batch_free(struct svc_batch *b)
{
	sqlite3_finalize(b->full);
	svc_buf_free(&b->arena);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

void
svc_run_init(struct svc_run *r, const char *program, const char *args,
    const char *actor, const char *kind, int64_t now)
{
	memset(r, 0, sizeof(*r));
	r->program = program;
	r->args = args;
	r->actor = actor;
	r->kind = kind;
	r->started = r->finished = now;
}

/* ---- administration: check, backup, schema ---- */

int
svc_db_check(struct svc_db *db, void (*found)(void *ud, const char *what,
    const char *msg), void *ud, struct svc_err *e)
{
	static const struct {
		const char *what, *sql;
	} q[] = {
		{ "integrity", "PRAGMA integrity_check" },
		{ "foreign_key", "SELECT 'table ' || \"table\" || ' row ' || "
		  "rowid || ' points to a missing row of ' || parent FROM "
		  "pragma_foreign_key_check" },
		{ "rows_in", "SELECT 'run ' || id || ': rows_in ' || rows_in || "
		  "' is not rows_loaded ' || rows_loaded || ' + rows_rejected ' "
		  "|| rows_rejected FROM runs WHERE rows_in <> rows_loaded + "
		  "rows_rejected ORDER BY id" },
		{ "rejects", "SELECT 'run ' || r.id || ': rows_rejected ' || "
		  "r.rows_rejected || ' but ' || (SELECT count(*) FROM rejects j "
		  "WHERE j.run = r.id) || ' rejects stored' FROM runs r WHERE "
		  "r.program = 'svc-import' AND r.rows_rejected <> (SELECT "
		  "count(*) FROM rejects j WHERE j.run = r.id) ORDER BY r.id" },
		{ "audit", "SELECT 'audit row ' || id || ' has no hash' FROM "
		  "audit WHERE hash IS NULL ORDER BY id LIMIT 10" },
		/* each history row of a run has its audit row (runs with a
		 * counts row in the chain: those of schema 7 on) */
		{ "history", "WITH c(run, tbl, n, m) AS ("
		  "SELECT run, 'ticket_events', count(*), 0 FROM ticket_events "
		  "WHERE run IS NOT NULL GROUP BY run UNION ALL "
		  "SELECT run, 'sla_events', count(*), 0 FROM sla_events "
		  "WHERE run IS NOT NULL GROUP BY run UNION ALL "
		  "SELECT run, CASE entity WHEN 'ticket' THEN 'ticket_events' "
		  "ELSE 'sla_events' END, 0, count(*) FROM audit WHERE "
		  "run IS NOT NULL AND ((entity = 'ticket' AND field IS NOT "
		  "NULL) OR (entity = 'clock' AND field <> 'policy')) "
		  "GROUP BY run, entity) "
		  "SELECT 'run ' || run || ': ' || sum(n) || ' rows in ' || tbl "
		  "|| ', ' || sum(m) || ' audit rows for them' FROM c WHERE run "
		  "IN (SELECT run FROM audit WHERE entity = 'run') "
		  "GROUP BY run, tbl HAVING sum(n) <> sum(m) ORDER BY run, tbl" },
	};
	size_t i;
	int n = 0, rc;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		sqlite3_stmt *st;

		if (svc_db_prepare(db, q[i].sql, &st, e) != 0)
			return -1;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *m = (const char *)sqlite3_column_text(st, 0);

			if (i == 0 && m && strcmp(m, "ok") == 0)
				continue;
			found(ud, q[i].what, m ? m : "");
			n++;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return svc_db_fail(db, rc, e, q[i].what);
	}
	return n;
}

int
svc_db_backup(struct svc_db *db, const char *path, struct svc_err *e)
{
	char tmp[4200];
	sqlite3 *to = NULL;
	sqlite3_backup *b;
	int rc;

	if (access(path, F_OK) == 0)
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "exists already; give a new file");
	snprintf(tmp, sizeof(tmp), "%s.part.%ld", path, (long)getpid());
	if (new_file(tmp, (gid_t)-1) != 0)
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot create the backup: %s", strerror(errno));
	rc = sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	if ((b = sqlite3_backup_init(to, "main", db->h, "main")) == NULL) {
		rc = sqlite3_errcode(to);
		goto fail;
	}
	/* copy in steps, so writers get the lock in between; a write by
	 * another connection restarts the copy */
	do {
		rc = sqlite3_backup_step(b, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		goto fail;
	rc = sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	if (sqlite3_close(to) != SQLITE_OK) {
		to = NULL;
		rc = SQLITE_IOERR;
		goto fail;
	}
	to = NULL;
	if (publish(tmp, path, 0) != 0)
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot create the backup: %s", strerror(errno));
	return 0;
fail:
	svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0, "backup failed: %s",
	    to ? sqlite3_errmsg(to) : sqlite3_errstr(rc));
	sqlite3_close(to);
	unlink(tmp);
	return -1;
}

int
svc_db_schema(struct svc_db *db, FILE *fp, struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc;

	fprintf(fp, "-- svc schema %lld (application_id %d)\n",
	    (long long)svc_db_int(db, "PRAGMA user_version", -1), SVC_APP_ID);
	if (svc_db_prepare(db, "SELECT sql FROM sqlite_schema WHERE sql IS NOT "
	    "NULL AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' "
	    "THEN 0 WHEN 'index' THEN 1 ELSE 2 END, tbl_name, name", &st,
	    e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(fp, "%s;\n", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading the schema");
	return 0;
}
