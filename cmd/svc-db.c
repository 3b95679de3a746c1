/* svc-db: create, verify, check, back up and describe the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "opt.h"
#include "out.h"

enum { O_HEAD = 1, O_GROUP };

static const struct svc_opt opts[] = {
	{ "head", 0, 1, "HASH", "verify: also require this earlier head hash in the chain", O_HEAD },
	{ "group", 0, 1, "GROUP", "init: create the database 0660, owned by GROUP (default 0600)", O_GROUP },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd cmd = {
	"svc-db",
	"init [--group GROUP] | verify [--head HASH] | check | backup FILE | schema",
	"Look after the svc database.\n"
	"  init         create the database (as svc-import would) or migrate it;\n"
	"               0600, or 0660 owned by --group GROUP for a team\n"
	"  verify       recompute the audit log's SHA-256 hash chain; print the\n"
	"               rows and the head hash, or name the first row that does\n"
	"               not match (exit 1); --head HASH, a head printed before,\n"
	"               must still be in the chain (finds rows cut off the end)\n"
	"  check        PRAGMA integrity_check, foreign keys, each run's rows_in =\n"
	"               rows_loaded + rows_rejected and its rejects stored, every\n"
	"               audit row hashed; one line per finding (exit 1)\n"
	"  backup FILE  a consistent copy while others write (online backup API),\n"
	"               0600, never over an existing file\n"
	"  schema       the schema version and every CREATE statement",
	opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON)
};

struct cfg {
	struct svc_common c;
	const char *head, *group;
	struct svc_out *out;
};

static int
onopt(int id, const char *arg, void *ud, struct svc_err *e)
{
	struct cfg *g = ud;

	if (id == O_HEAD)
		g->head = arg;
	if (id == O_GROUP) {
		g->group = arg;
		return svc_db_set_group(arg, e);
	}
	return 0;
}

static void
found(void *ud, const char *what, const char *msg)
{
	struct cfg *g = ud;
	const char *v[2];

	v[0] = what;
	v[1] = msg;
	if (g->out)
		svc_out_row(g->out, v, NULL);
	else
		svc_warn("%s: %s", what, msg);
}

static int
verify(struct cfg *g, struct svc_db *db, struct svc_err *e)
{
	static const char *const cols[] = { "result", "rows", "head_row",
	    "head", "problem" };
	struct svc_audit_check c;
	struct svc_out *out;
	char rows[24], hid[24];
	const char *v[5];
	int bad;

	if (svc_audit_verify(db, g->head, &c, e) != 0)
		return svc_opt_end(db, 1, e);
	bad = c.why[0] != '\0';
	snprintf(rows, sizeof(rows), "%lld", (long long)c.rows);
	snprintf(hid, sizeof(hid), "%lld", (long long)c.head_id);
	v[0] = bad ? "broken" : "ok";
	v[1] = rows;
	v[2] = hid;
	v[3] = c.head_id ? c.head : NULL;
	v[4] = bad ? c.why : NULL;
	if ((out = svc_opt_out(&g->c, 5, cols)) != NULL)
		svc_out_row(out, v, NULL);
	if (bad)
		svc_warn("%s: audit %s", db->path, c.why);
	else if (!g->c.quiet)
		svc_warn("audit chain intact: %lld rows, head %s (row %lld)%s",
		    (long long)c.rows, c.head_id ? c.head : "none",
		    (long long)c.head_id, g->head ? ", known head found" : "");
	svc_db_close(db);
	return svc_exit_flush(svc_opt_out_close(out, bad ? SVC_EXIT_REJECTS :
	    SVC_EXIT_OK));
}

int
main(int argc, char **argv)
{
	static const char *const ccols[] = { "check", "finding" };
	static const char *const subs[] = { "init", "verify", "check", "backup",
	    "schema", NULL };
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	const char *sub;
	int first, status = SVC_EXIT_OK, n;

	svc_err_progname(argv[0]);
	svc_err_clear(&e);
	memset(&g, 0, sizeof(g));
	if (svc_opt_start(argc, argv, &cmd, &g.c, onopt, &g, &first, &status,
	    &e))
		return status;
	if ((sub = svc_opt_subcommand(&cmd, "command", argc, argv, &first, subs,
	    &status, &e)) == NULL)
		return status;
	if (strcmp(sub, "backup") == 0 ? argc - first != 1 : first < argc)
		return svc_opt_usage_error(&cmd, &e,
		    strcmp(sub, "backup") == 0 && first >= argc ?
		    "%s: no FILE given" : "%s: unexpected argument", sub);
	if (g.head && strcmp(sub, "verify") != 0)
		return svc_opt_usage_error(&cmd, &e,
		    "%s does not take --head", sub);
	if (g.group && strcmp(sub, "init") != 0)
		return svc_opt_usage_error(&cmd, &e,
		    "%s does not take --group", sub);
	if (strcmp(sub, "init") == 0) {
		if (svc_db_open(g.c.db, SVC_DB_CREATE, &db, &e) != 0) {
			svc_err_print(&e);
			return e.status;
		}
		if (!g.c.quiet)
			svc_warn("%s: schema %lld", g.c.db, (long long)
			    svc_db_int(db, "PRAGMA user_version", -1));
		svc_db_close(db);
		return svc_exit_flush(SVC_EXIT_OK);
	}
	if (svc_db_open(g.c.db, SVC_DB_RO, &db, &e) != 0) {
		svc_err_print(&e);
		return e.status;
	}
	if (strcmp(sub, "verify") == 0)
		return verify(&g, db, &e);
	if (strcmp(sub, "schema") == 0)
		return svc_opt_end(db, svc_db_schema(db, stdout, &e) != 0, &e);
	if (strcmp(sub, "backup") == 0) {
		if (svc_db_backup(db, argv[first], &e) != 0)
			return svc_opt_end(db, 1, &e);
		if (!g.c.quiet)
			svc_warn("backed up %s to %s", g.c.db, argv[first]);
		return svc_opt_end(db, 0, &e);
	}
	g.out = svc_opt_out(&g.c, 2, ccols);
	if ((n = svc_db_check(db, found, &g, &e)) < 0) {
		svc_opt_out_close(g.out, 0);
		return svc_opt_end(db, 1, &e);
	}
	if (!g.c.quiet)
		svc_warn(n ? "%d findings" : "ok: no findings", n);
	status = svc_opt_out_close(g.out, n ? SVC_EXIT_REJECTS : SVC_EXIT_OK);
	svc_db_close(db);
	return svc_exit_flush(status);
}
