/* audit.c: the audit writer and its SHA-256 hash chain (nettle). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "audit.h"
#include "db.h"

static void
put_tag(struct sha256_ctx *c, uint8_t tag, uint64_t v)
{
	uint8_t b[9];
	int i;

	b[0] = tag;
	for (i = 0; i < 8; i++)
		b[1 + i] = (uint8_t)(v >> (56 - 8 * i));
	sha256_update(c, sizeof(b), b);
}

static void
put_int(struct sha256_ctx *c, int64_t v, int null)
{
	if (null)
		put_tag(c, 'N', 0);
	else
		put_tag(c, 'I', (uint64_t)v);
}

static void
put_text(struct sha256_ctx *c, const char *s)
{
	size_t n;

	if (s == NULL) {
		put_tag(c, 'N', 0);
		return;
	}
	n = strlen(s);
	put_tag(c, 'T', n);
	sha256_update(c, n, (const uint8_t *)s);
}

void
svc_audit_hash(const unsigned char prev[32], const struct svc_audit_row *r,
    unsigned char hash[32])
{
	static const unsigned char zero[32];
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, 32, prev ? prev : zero);
	put_int(&c, r->id, 0);
	put_int(&c, r->at, 0);
	put_text(&c, r->actor);
	put_text(&c, r->program);
	put_int(&c, r->run, r->run < 0);
	put_text(&c, r->entity);
	put_text(&c, r->key);
	put_text(&c, r->field);
	put_text(&c, r->old);
	put_text(&c, r->new);
	put_text(&c, r->detail);
	sha256_digest(&c, SHA256_DIGEST_SIZE, hash);
}

void
svc_audit_hex(const unsigned char h[32], char hex[SVC_HASH_HEX])
{
	static const char d[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = d[h[i] >> 4];
		hex[2 * i + 1] = d[h[i] & 15];
	}
	hex[64] = '\0';
}

static int
nib(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
svc_audit_unhex(const char *hex, unsigned char h[32])
{
	int i, a, b;

	if (hex == NULL || strlen(hex) != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		if ((a = nib(hex[2 * i])) < 0 || (b = nib(hex[2 * i + 1])) < 0)
			return -1;
		h[i] = (unsigned char)(a << 4 | b);
	}
	return 0;
}

/* The chain's last row into db->chain_* (once per write transaction). */
static int
chain_load(struct svc_db *db, struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db->chain)
		return 0;
	if (svc_db_prepare(db, "SELECT id, hash FROM audit ORDER BY id DESC "
	    "LIMIT 1", &st, e) != 0)
		return -1;
	db->chain_id = 0;
	memset(db->chain_hash, 0, sizeof(db->chain_hash));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db->chain_id = sqlite3_column_int64(st, 0);
		if (svc_audit_unhex((const char *)sqlite3_column_text(st, 1),
		    db->chain_hash) != 0) {
			sqlite3_finalize(st);
			return svc_err_set(e, SVC_EXIT_FATAL, db->path, 0, 0,
			    "audit row %lld has no valid hash (svc-db verify)",
			    (long long)db->chain_id);
		}
	} else if (rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return svc_db_fail(db, rc, e, "reading the audit chain");
	}
	sqlite3_finalize(st);
	db->chain = 1;
	return 0;
}

void
svc_audit_init(struct svc_audit *a, struct svc_db *db, int64_t at,
    const char *actor, const char *program, int64_t run)
{
	svc_batch_init(&a->b, db, "INSERT OR FAIL INTO audit(id, at, actor, "
	    "program, run, entity, key, field, old, new, detail, hash) VALUES ",
	    "(?,?,?,?,?,?,?,?,?,?,?,?)", "auditing");
	a->at = at;
	a->actor = actor;
	a->program = program;
	a->run = run;
}

int
svc_audit(struct svc_audit *a, const char *entity, const char *key,
    const char *field, const char *old, const char *new, const char *detail,
    struct svc_err *e)
{
	struct svc_db *db = a->b.db;
	struct svc_audit_row r;
	char hex[SVC_HASH_HEX];

	if (chain_load(db, e) != 0)
		return -1;
	memset(&r, 0, sizeof(r));
	r.id = db->chain_id + 1;
	r.at = a->at;
	r.run = a->run > 0 ? a->run : -1;
	r.actor = a->actor;
	r.program = a->program;
	r.entity = entity;
	r.key = key;
	r.field = field;
	r.old = old;
	r.new = new;
	r.detail = detail;
	svc_audit_hash(db->chain_hash, &r, db->chain_hash);
	db->chain_id = r.id;
	svc_audit_hex(db->chain_hash, hex);
	svc_batch_int(&a->b, r.id);
	svc_batch_int(&a->b, a->at);
	svc_batch_static(&a->b, a->actor);
	svc_batch_static(&a->b, a->program);
	if (r.run < 0)
		svc_batch_text(&a->b, NULL);
	else
		svc_batch_int(&a->b, r.run);
	svc_batch_static(&a->b, entity);
	svc_batch_text(&a->b, key);
	svc_batch_text(&a->b, field);
	svc_batch_text(&a->b, old);
	svc_batch_text(&a->b, new);
	svc_batch_text(&a->b, detail);
	svc_batch_text(&a->b, hex);
	return svc_batch_row(&a->b, e);
}

int
svc_audit_flush(struct svc_audit *a, struct svc_err *e)
{
	return svc_batch_flush(&a->b, e);
}

void
svc_audit_free(struct svc_audit *a)
{
	svc_batch_free(&a->b);
}

int
svc_write_begin(struct svc_write *w, struct svc_db *db, const char *program,
    const char *args, const char *actor, const char *kind, int64_t now,
    int dry_run, struct svc_err *e)
{
	memset(w, 0, sizeof(*w));
	w->db = db;
	w->dry_run = dry_run;
	if (svc_db_begin(db, e) != 0)
		return -1;
	svc_run_init(&w->run, program, args, actor, kind, now);
	if (svc_db_run_insert(db, &w->run, e) != 0) {
		svc_db_rollback(db);
		return -1;
	}
	svc_audit_init(&w->audit, db, now, actor, program, w->run.id);
	return 0;
}

int
svc_write_end(struct svc_write *w, int rc, struct svc_err *e)
{
	if (rc == 0 && svc_audit_flush(&w->audit, e) != 0)
		rc = -1;
	svc_audit_free(&w->audit);
	if (rc == 0 && !w->dry_run)
		return svc_db_commit(w->db, e);
	svc_db_rollback(w->db);
	return rc;
}

static const char *
ctext(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL :
	    (const char *)sqlite3_column_text(st, i);
}

/* Row i of "SELECT id, at, actor, program, run, entity, key, field, old,
 * new, detail, hash". */
static void
read_row(sqlite3_stmt *st, struct svc_audit_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->at = sqlite3_column_int64(st, 1);
	r->actor = ctext(st, 2);
	r->program = ctext(st, 3);
	r->run = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 4);
	r->entity = ctext(st, 5);
	r->key = ctext(st, 6);
	r->field = ctext(st, 7);
	r->old = ctext(st, 8);
	r->new = ctext(st, 9);
	r->detail = ctext(st, 10);
}

#define ROW_COLS "SELECT id, at, actor, program, run, entity, key, field, " \
	"old, new, detail, hash FROM audit"

int
svc_audit_seal(struct svc_db *db, struct svc_err *e)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	unsigned char h[32];
	struct svc_audit_row r;
	char hex[SVC_HASH_HEX];
	int rc, first = 1;

	if (svc_db_prepare(db, ROW_COLS " ORDER BY id", &st, e) != 0 ||
	    svc_db_prepare(db, "UPDATE audit SET hash=? WHERE id=?", &up,
	    e) != 0) {
		sqlite3_finalize(st);
		return -1;
	}
	memset(h, 0, sizeof(h));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *have = ctext(st, 11);

		read_row(st, &r);
		if (have && svc_audit_unhex(have, h) == 0) {
			first = 0;
			continue;
		}
		svc_audit_hash(first ? NULL : h, &r, h);
		first = 0;
		svc_audit_hex(h, hex);
		sqlite3_bind_text(up, 1, hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 2, r.id);
		rc = sqlite3_step(up);
		sqlite3_reset(up);
		if (rc != SQLITE_DONE)
			break;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "sealing the audit");
	db->chain = 0;
	return 0;
}

int
svc_audit_verify(struct svc_db *db, const char *head,
    struct svc_audit_check *c, struct svc_err *e)
{
	sqlite3_stmt *st;
	unsigned char prev[32], h[32], want[32], known[32];
	struct svc_audit_row r;
	int rc;

	memset(c, 0, sizeof(*c));
	if (head && svc_audit_unhex(head, known) != 0)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "--head: '%s' is not a hash of 64 hex digits", head);
	if (svc_db_prepare(db, ROW_COLS " ORDER BY id", &st, e) != 0)
		return -1;
	memset(prev, 0, sizeof(prev));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *have = ctext(st, 11);

		read_row(st, &r);
		c->rows++;
		if (r.id != c->head_id + 1) {
			c->bad_id = r.id;
			snprintf(c->why, sizeof(c->why), r.id > c->head_id + 1 ?
			    "row %lld follows row %lld: %s removed" :
			    "row %lld follows row %lld: ids out of order",
			    (long long)r.id, (long long)c->head_id,
			    r.id == c->head_id + 2 ? "a row was" : "rows were");
			break;
		}
		svc_audit_hash(prev, &r, h);
		if (have == NULL || svc_audit_unhex(have, want) != 0 ||
		    memcmp(h, want, 32) != 0) {
			c->bad_id = r.id;
			snprintf(c->why, sizeof(c->why), "row %lld: %s",
			    (long long)r.id, have == NULL ? "no hash" :
			    "the hash does not match the row and the one "
			    "before it (changed, swapped, or a row before it "
			    "removed)");
			break;
		}
		if (head && memcmp(h, known, 32) == 0) {
			c->head_found = 1;
			c->head_at = r.id;
		}
		memcpy(prev, h, 32);
		c->head_id = r.id;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading the audit");
	if (c->head_id > 0)
		svc_audit_hex(prev, c->head);
	if (c->why[0] == '\0' && head && !c->head_found)
		snprintf(c->why, sizeof(c->why), "the known head %.16s... is "
		    "not in the chain (rows after it were removed, or it "
		    "was never this file's)", head);
	return 0;
}
