/* audit.h: the audit log's hash chain.
 *
 * Every audit row carries hash = SHA-256 (nettle) over the previous row's
 * hash (32 zero bytes before the first row) and the row's own content:
 * id, at, actor, program, run, entity, key, field, old, new and detail,
 * each tagged and length-prefixed so that no two different rows encode
 * alike.  Ids are given in order by the writer (svc_audit in db.h), one
 * more than the last, inside the write transaction, so a gap is a row
 * removed.  Editing, removing or swapping a row breaks the chain at that
 * row; removing the newest rows is seen only against a head hash known
 * from before (svc-db verify --head).  This detects changes; it cannot
 * stop anyone who can write the file from rewriting the whole chain.
 */
#ifndef SVC_AUDIT_H
#define SVC_AUDIT_H

#include <stdint.h>

#include "db.h"
#include "err.h"

#define SVC_HASH_HEX	65	/* 64 hex digits and NUL */

/* One audit row as hashed; run < 0 and NULL texts are SQL NULL. */
struct svc_audit_row {
	int64_t id, at, run;
	const char *actor, *program, *entity, *key, *field, *old, *new, *detail;
};

/* hash = SHA-256(prev || encoding of r); prev NULL is 32 zero bytes. */
void svc_audit_hash(const unsigned char prev[32],
    const struct svc_audit_row *r, unsigned char hash[32]);
void svc_audit_hex(const unsigned char h[32], char hex[SVC_HASH_HEX]);
/* Parse 64 hex digits; 0 or -1. */
int svc_audit_unhex(const char *hex, unsigned char h[32]);

/* Hash the rows without a hash, in id order (rows from before schema 7).
 * Inside a write transaction. */
int svc_audit_seal(struct svc_db *db, struct svc_err *e);

struct svc_audit_check {
	int64_t rows;		/* rows read */
	int64_t head_id;	/* id of the last row (0: none) */
	char head[SVC_HASH_HEX];	/* its hash */
	int64_t bad_id;		/* first row that does not match, 0: none */
	char why[256];		/* what is wrong at bad_id (or with --head) */
	int head_found;		/* the --head hash was found (at head_at) */
	int64_t head_at;
};

/* Recompute the chain.  With head (64 hex digits) also require that hash
 * to be in the chain.  Returns 0 (c->bad_id and c->why tell whether it
 * matched: why empty = intact) or -1 with e filled. */
int svc_audit_verify(struct svc_db *db, const char *head,
    struct svc_audit_check *c, struct svc_err *e);

#endif
