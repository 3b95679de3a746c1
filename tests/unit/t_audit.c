/* Unit tests: the audit hash chain (encoding, writer, seal, verify). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "db.h"
#include "tap.h"

static void
hash_of(const struct svc_audit_row *r, char hex[SVC_HASH_HEX])
{
	unsigned char h[32];

	svc_audit_hash(NULL, r, h);
	svc_audit_hex(h, hex);
}

int
main(void)
{
	struct svc_audit_row a, b;
	struct svc_audit aud;
	struct svc_audit_check c;
	struct svc_db *db;
	struct svc_err e;
	unsigned char h[32], g[32];
	char x[SVC_HASH_HEX], y[SVC_HASH_HEX], path[64];
	int i;

	svc_err_clear(&e);
	/* hex */
	for (i = 0; i < 32; i++)
		h[i] = (unsigned char)(i * 7 + 3);
	svc_audit_hex(h, x);
	is_int(strlen(x), 64, "64 hex digits");
	ok(svc_audit_unhex(x, g) == 0 && memcmp(h, g, 32) == 0,
	    "hex round-trips");
	ok(svc_audit_unhex("abc", g) != 0, "a short hash is refused");
	x[5] = 'g';
	ok(svc_audit_unhex(x, g) != 0, "a non-hex digit is refused");

	/* the encoding keeps fields apart: moving a byte across a field
	 * boundary, NULL against empty, the run null or 0 all differ */
	memset(&a, 0, sizeof(a));
	a.id = 1;
	a.at = 1700000000;
	a.run = 3;
	a.actor = "ann";
	a.program = "svc-route";
	a.entity = "ticket";
	a.key = "ab";
	a.field = "c";
	b = a;
	hash_of(&a, x);
	hash_of(&b, y);
	is_str(x, y, "the same row, the same hash");
	b.key = "a";
	b.field = "bc";
	hash_of(&b, y);
	ok(strcmp(x, y) != 0, "ab|c and a|bc differ");
	b = a;
	b.old = "";
	hash_of(&b, y);
	ok(strcmp(x, y) != 0, "an empty old value is not a null one");
	b = a;
	b.run = -1;
	hash_of(&b, y);
	ok(strcmp(x, y) != 0, "a null run differs from run 3");
	b = a;
	b.id = 2;
	hash_of(&b, y);
	ok(strcmp(x, y) != 0, "the id is hashed (rows cannot change places)");
	svc_audit_hash(h, &a, g);
	svc_audit_hex(g, y);
	ok(strcmp(x, y) != 0, "the previous hash is hashed");

	/* a database: rows from before the chain are sealed, the writer
	 * continues the chain, verify finds an edit */
	snprintf(path, sizeof(path), "/tmp/t_audit.%ld.db", (long)getpid());
	unlink(path);
	ok(svc_db_open(path, SVC_DB_CREATE, &db, &e) == 0, "create");
	ok(svc_db_exec(db, "INSERT INTO audit(id, at, actor, program, entity, "
	    "key, field, old, new) VALUES (1, 10, 'ann', 'old', 'ticket', 'T1', "
	    "'priority', '3', '2'), (2, 11, 'bob', 'old', 'ticket', 'T2', "
	    "'assignee', NULL, 'bob')", &e) == 0, "two rows without a hash");
	ok(svc_audit_verify(db, NULL, &c, &e) == 0 && c.bad_id == 1,
	    "unsealed: row 1 has no hash");
	ok(svc_db_begin(db, &e) == 0 && svc_audit_seal(db, &e) == 0 &&
	    svc_db_commit(db, &e) == 0, "sealed");
	ok(svc_audit_verify(db, NULL, &c, &e) == 0 && c.why[0] == '\0' &&
	    c.rows == 2, "sealed: intact, 2 rows");
	memcpy(x, c.head, sizeof(x));
	ok(svc_db_begin(db, &e) == 0, "begin");
	svc_audit_init(&aud, db, 20, "cid", "svc-measure", 0);
	for (i = 0; i < 100; i++)
		if (svc_audit(&aud, "measure", "M-1", "title", NULL, "x", NULL,
		    &e) != 0)
			break;
	is_int(i, 100, "100 rows written");
	ok(svc_audit_flush(&aud, &e) == 0 && svc_db_commit(db, &e) == 0,
	    "committed in batches");
	svc_audit_free(&aud);
	ok(svc_audit_verify(db, x, &c, &e) == 0 && c.why[0] == '\0' &&
	    c.rows == 102 && c.head_found && c.head_at == 2,
	    "the chain goes on from the sealed rows; the old head is in it");
	ok(svc_db_exec(db, "DROP TRIGGER audit_no_update; UPDATE audit SET "
	    "new='y' WHERE id=50", &e) == 0, "an edit by hand");
	ok(svc_audit_verify(db, NULL, &c, &e) == 0 && c.bad_id == 50,
	    "found at row 50");
	ok(svc_audit_verify(db, "zz", &c, &e) != 0 &&
	    e.status == SVC_EXIT_USAGE, "a bad --head is a usage error");
	svc_db_close(db);
	unlink(path);
	{
		char p2[80];

		snprintf(p2, sizeof(p2), "%s-wal", path);
		unlink(p2);
		snprintf(p2, sizeof(p2), "%s-shm", path);
		unlink(p2);
	}
	return tap_done();
}
