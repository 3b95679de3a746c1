/* svc-import: CSV/TSV exports and configuration into the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "import.h"
#include "opt.h"
#include "reader.h"
#include "timeutil.h"

enum {
	O_KIND = 1, O_MAP, O_MAPFILE, O_PROFILE, O_NULL, O_DATEORDER,
	O_ENCODING, O_MAXREJ, O_REJECTS, O_PREVIEW, O_LIMIT, O_RAW, O_EXPORT, O_GROUP,
	O_VALIDFROM
};

static const struct svc_opt opts[] = {
	{ "kind", 0, 1, "KIND", "what the file holds: tickets (default), events, people, catalog, priority, routing, classify, calendars, holidays, policies, escalations, reasons, measures, statuses", O_KIND },
	{ "map", 0, 1, "FIELD=COLUMN", "read FIELD from COLUMN (repeatable)", O_MAP },
	{ "map-file", 0, 1, "FILE", "mappings from a CSV of field,source rows", O_MAPFILE },
	{ "profile", 0, 1, "NAME", "built-in mapping: servicenow, zendesk, jira, freshdesk", O_PROFILE },
	{ "null", 0, 1, "TOKEN", "treat TOKEN as a missing value (repeatable; empty always is)", O_NULL },
	{ "date-order", 0, 1, "ORDER", "numeric dates are dmy or mdy (default: refuse to guess)", O_DATEORDER },
	{ "encoding", 0, 1, "ENC", "input encoding: utf-8 (default), windows-1252, latin1", O_ENCODING },
	{ "max-rejects", 0, 1, "N[%]", "commit nothing when more rows are rejected (default 10%)", O_MAXREJ },
	{ "rejects", 0, 1, "FILE", "also write rejected rows with line and reason to FILE (CSV)", O_REJECTS },
	{ "preview", 0, 0, NULL, "parse and map only; print the records, touch no database", O_PREVIEW },
	{ "limit", 0, 1, "N", "with --preview: stop after N records", O_LIMIT },
	{ "raw", 0, 0, NULL, "with --preview: records keyed by the file's own header", O_RAW },
	{ "export", 0, 1, "KIND", "write the configuration KIND valid at --now as CSV", O_EXPORT },
	{ "valid-from", 0, 1, "TIME", "configuration kinds: version valid from TIME (default: the first from always, later ones from --now)", O_VALIDFROM },
	{ "group", 0, 1, "GROUP", "a database created now is 0660, owned by GROUP (default 0600)", O_GROUP },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd cmd = {
	"svc-import",
	"[options] [FILE ...]",
	"Load CSV or TSV exports into the svc database: tickets (upserted by\n"
	"ticket id, every changed field kept as history), ticket events, or a\n"
	"configuration kind.  No FILE or '-' reads standard input.  Rows that\n"
	"cannot be read are stored as rejects with line and reason; the rest\n"
	"load.  Standard output lists each ticket inserted or changed\n"
	"(ticket_id, change) for the next stage.",
	opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON)
};

struct cfg {
	struct svc_import_opts io;
	struct svc_mapping maps[64];
	size_t nmaps;
	const char *nulls[32];
	const char *rejects_path;
	int export_kind;
	const char *valid_from;
	char *mapfile_mem[128];
	size_t nmapfile;
	struct svc_common c;
	long shown;
	double t0;
	int progress_drawn;
	const char *file;
};

static int
add_map(struct cfg *g, char *spec, struct svc_err *e)
{
	char *eq = strchr(spec, '=');

	if (eq == NULL || eq == spec || eq[1] == '\0')
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "--map takes FIELD=COLUMN, not '%s'", spec);
	if (g->nmaps == sizeof(g->maps) / sizeof(g->maps[0]))
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "too many --map options");
	*eq = '\0';
	g->maps[g->nmaps].field = spec;
	g->maps[g->nmaps].source = eq + 1;
	g->nmaps++;
	return 0;
}

/* --map-file: CSV rows field,source (a header "field,source" is skipped). */
static int
read_mapfile(struct cfg *g, const char *path, struct svc_err *e)
{
	FILE *fp = fopen(path, "rb");
	struct svc_reader *r;
	struct svc_record rec;
	struct svc_bad bad;
	int rc, ret = 0;

	if (fp == NULL)
		return svc_err_set(e, SVC_EXIT_USAGE, path, 0, 0,
		    "cannot open map file");
	r = svc_reader_open(fp, path, NULL);
	while ((rc = svc_reader_next(r, &rec, &bad, e)) != SVC_READ_EOF) {
		char *field, *src;

		if (rc == SVC_READ_FATAL) {
			ret = -1;
			break;
		}
		if (rc == SVC_READ_BAD || rec.nf != 2) {
			ret = svc_err_set(e, SVC_EXIT_USAGE, path, rec.line_start,
			    0, "expected two columns field,source%s%s",
			    rc == SVC_READ_BAD ? ": " : "",
			    rc == SVC_READ_BAD ? bad.msg : "");
			break;
		}
		if (strcmp(rec.f[0], "field") == 0 && strcmp(rec.f[1], "source") == 0)
			continue;
		if (g->nmaps == sizeof(g->maps) / sizeof(g->maps[0]) ||
		    g->nmapfile + 2 > sizeof(g->mapfile_mem) / sizeof(char *)) {
			ret = svc_err_set(e, SVC_EXIT_USAGE, path, rec.line_start,
			    0, "too many mappings");
			break;
		}
		field = g->mapfile_mem[g->nmapfile++] = svc_xstrdup(rec.f[0]);
		src = g->mapfile_mem[g->nmapfile++] = svc_xstrdup(rec.f[1]);
		g->maps[g->nmaps].field = field;
		g->maps[g->nmaps].source = src;
		g->nmaps++;
	}
	svc_reader_close(r);
	fclose(fp);
	return ret;
}

static int
onopt(int id, const char *arg, void *ud, struct svc_err *e)
{
	struct cfg *g = ud;
	char *end;
	long long v;

	switch (id) {
	case O_KIND:
		if ((g->io.kind = svc_import_kind(arg)) < 0)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "unknown kind '%s' (use tickets, events, people, "
			    "catalog, priority, routing, classify, calendars, "
			    "holidays, policies, escalations, reasons, measures or "
			    "statuses)", arg);
		break;
	case O_MAP:
		return add_map(g, (char *)arg, e);
	case O_MAPFILE:
		return read_mapfile(g, arg, e);
	case O_PROFILE:
		g->io.profile = arg;
		break;
	case O_NULL:
		if (g->io.nnulls == sizeof(g->nulls) / sizeof(g->nulls[0]))
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "too many --null options");
		g->nulls[g->io.nnulls++] = arg;
		break;
	case O_DATEORDER:
		if (strcmp(arg, "dmy") == 0)
			g->io.date_order = SVC_DATE_DMY;
		else if (strcmp(arg, "mdy") == 0)
			g->io.date_order = SVC_DATE_MDY;
		else
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--date-order takes dmy or mdy, not '%s'", arg);
		break;
	case O_ENCODING:
		if (strcasecmp(arg, "utf-8") == 0 || strcasecmp(arg, "utf8") == 0)
			g->io.encoding = SVC_ENC_UTF8;
		else if (strcasecmp(arg, "windows-1252") == 0 ||
		    strcasecmp(arg, "cp1252") == 0)
			g->io.encoding = SVC_ENC_CP1252;
		else if (strcasecmp(arg, "latin1") == 0 ||
		    strcasecmp(arg, "iso-8859-1") == 0)
			g->io.encoding = SVC_ENC_LATIN1;
		else
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "unknown encoding '%s' (use utf-8, windows-1252 or "
			    "latin1)", arg);
		break;
	case O_GROUP:
		return svc_db_set_group(arg, e);
	case O_MAXREJ:
		v = strtoll(arg, &end, 10);
		if (end == arg || v < 0 || (*end && strcmp(end, "%") != 0) ||
		    (*end == '%' && v > 100))
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--max-rejects takes N or N%%, not '%s'", arg);
		if (*end == '%') {
			g->io.max_rejects = -1;
			g->io.max_rejects_pct = (int)v;
		} else
			g->io.max_rejects = v;
		break;
	case O_REJECTS:
		g->rejects_path = arg;
		break;
	case O_PREVIEW:
		g->io.preview = 1;
		break;
	case O_LIMIT:
		v = strtoll(arg, &end, 10);
		if (end == arg || *end || v < 1)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--limit takes a positive number, not '%s'", arg);
		g->io.limit = v;
		break;
	case O_RAW:
		g->io.raw = 1;
		break;
	case O_EXPORT:
		g->export_kind = svc_import_kind(arg);
		if (g->export_kind < 0 || svc_config_kind(g->export_kind) == NULL)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--export takes a configuration kind (people, "
			    "catalog, priority, routing, classify, calendars, "
			    "holidays, policies, escalations, reasons, "
			    "measures, statuses), not "
			    "'%s'", arg);
		break;
	case O_VALIDFROM:
		g->valid_from = arg;
		break;
	}
	return 0;
}

static void
on_reject(void *ud, const struct svc_err *re)
{
	struct cfg *g = ud;

	if (g->progress_drawn) {
		fputs("\r\033[K", stderr);
		g->progress_drawn = 0;
	}
	if (++g->shown <= 20)
		svc_err_print(re);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
on_progress(void *ud, size_t bytes, int64_t rows)
{
	struct cfg *g = ud;
	double dt = now_s() - g->t0;

	if (g->c.quiet || !g->c.stderr_tty)
		return;
	fprintf(stderr, "\r\033[K%s: %s: %lld rows, %.1f MB, %.0f rows/s",
	    svc_progname(), g->file, (long long)rows, bytes / 1e6,
	    dt > 0 ? rows / dt : 0.0);
	g->progress_drawn = 1;
}

/* One line per column and kind of the values read as missing. */
static void
summary_notes(const char *name, const struct svc_import_result *res,
    int stored)
{
	size_t i;

	for (i = 0; i < res->nnotes; i++) {
		const struct svc_import_note *n = &res->notes[i];
		int one = n->n == 1;

		const char *see = stored ? " (see svc-report rejects)" : "";

		if (strcmp(n->kind, "placeholder") == 0)
			svc_warn("%s: column '%s': %lld placeholder time%s "
			    "read as missing%s", name, n->column,
			    (long long)n->n, one ? "" : "s", see);
		else
			svc_warn("%s: column '%s': %lld time%s before the "
			    "ticket's creation read as missing%s", name,
			    n->column, (long long)n->n, one ? "" : "s", see);
	}
}

/* The summary lines of the statuses with no category and the tickets
 * without a creation time. */
static void
unknown_statuses(const char *name, const struct svc_import_result *res)
{
	struct svc_buf b = { 0 };
	int i;

	if (res->nunknown > 0) {
		for (i = 0; i < res->nunknown; i++)
			svc_buf_printf(&b, "%s'%s' (%lld%s)", i ? ", " : "",
			    res->unknown[i].status, (long long)res->unknown[i].n,
			    i ? "" : res->unknown[i].n == 1 ? " ticket" :
			    " tickets");
		if (res->unknown_more)
			svc_buf_printf(&b, " and %lld more",
			    (long long)res->unknown_more);
		svc_warn("%s: %lld status%s no category: %s; map %s with "
		    "svc-import --kind statuses", name, (long long)(res->nunknown +
		    res->unknown_more), res->nunknown + res->unknown_more == 1 ?
		    " has" : "es have", b.s, res->nunknown + res->unknown_more == 1
		    ? "it" : "them");
	}
	if (res->no_created > 0)
		svc_warn("%s: %lld ticket%s no creation time (counted as open or "
		    "done by status; no age, no SLA clock)", name,
		    (long long)res->no_created, res->no_created == 1 ? " has" :
		    "s have");
	svc_buf_free(&b);
}

int
main(int argc, char **argv)
{
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	char tag[64];
	struct svc_out *changes = NULL, *rejects = NULL;
	FILE *rf = NULL;
	int first, rc, status = SVC_EXIT_OK, i, nfiles;
	static const char *const chcols[] = { "ticket_id", "change" };
	static const char *const rjcols[] = { "file", "line_start", "line_end",
	    "column", "field", "type", "message", "raw" };
	char *stdin_only[] = { (char *)"-" };
	char **files;

	svc_err_progname(argv[0]);
	svc_err_clear(&e);
	memset(&g, 0, sizeof(g));
	g.io.kind = SVC_KIND_TICKETS;
	g.io.max_rejects = -1;
	g.io.max_rejects_pct = 10;
	if (svc_opt_start(argc, argv, &cmd, &g.c, onopt, &g, &first, &status,
	    &e))
		return status;
	g.io.maps = g.maps;
	g.io.nmaps = g.nmaps;
	g.io.nulls = g.nulls;
	g.io.dry_run = g.c.dry_run;
	g.io.now = g.c.now;
	g.io.valid_from = g.c.now;
	g.io.actor = g.c.actor;
	g.io.program = cmd.name;
	g.io.args = g.c.args;
	g.io.delim = g.c.delim;
	g.io.format = g.c.format;
	g.io.out = stdout;
	g.io.on_reject = on_reject;
	g.io.on_progress = on_progress;
	g.io.ud = &g;
	if (g.valid_from && svc_time_parse_opt("--valid-from", g.valid_from,
	    &g.io.valid_from, &e) != 0)
		goto usage;
	g.io.valid_from_given = g.valid_from != NULL;
	if ((g.io.limit || g.io.raw) && !g.io.preview) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "--limit and --raw go with --preview");
		goto usage;
	}
	if (g.io.profile && !svc_map_profile_ok(g.io.profile)) {
		svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0, "unknown profile "
		    "'%s' (use servicenow, zendesk, jira or freshdesk)",
		    g.io.profile);
		goto usage;
	}
	if (g.export_kind) {
		if (first < argc) {
			svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--export takes no FILE");
			goto usage;
		}
		if (svc_db_open(g.c.db, SVC_DB_RO, &db, &e) != 0 ||
		    svc_import_export(db, g.export_kind, g.c.now, stdout,
		    g.c.format_given ? g.c.format : SVC_FMT_CSV, &e) != 0) {
			svc_err_print(&e);
			svc_db_close(db);
			return e.status;
		}
		svc_db_close(db);
		return svc_exit_flush(SVC_EXIT_OK);
	}
	nfiles = argc - first;
	files = nfiles ? argv + first : stdin_only;
	if (nfiles == 0)
		nfiles = 1;
	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") == 0 && g.c.stdin_tty) {
			svc_err_set(&e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "no input: give a FILE or pipe an export in");
			goto usage;
		}
	if (!g.io.preview &&
	    svc_db_open(g.c.db, SVC_DB_CREATE, &db, &e) != 0) {
		svc_err_print(&e);
		return e.status;
	}
	if (g.rejects_path) {
		if ((rf = fopen(g.rejects_path, "w")) == NULL) {
			svc_err_set(&e, SVC_EXIT_FATAL, g.rejects_path, 0, 0,
			    "cannot create reject file");
			svc_err_print(&e);
			svc_db_close(db);
			return SVC_EXIT_FATAL;
		}
		rejects = svc_out_open(rf, SVC_FMT_CSV, 8, rjcols);
		g.io.rejects = rejects;
	}
	if (!g.io.preview && (g.io.kind == SVC_KIND_TICKETS ||
	    g.io.kind == SVC_KIND_EVENTS))
		changes = svc_opt_out(&g.c, 2, chcols);
	g.io.changes = changes;
	for (i = 0; i < nfiles; i++) {
		struct svc_import_result res;
		const char *name = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];

		g.file = name;
		g.shown = 0;
		g.t0 = now_s();
		rc = svc_import_file(db, files[i], &g.io, &res, &e);
		if (g.progress_drawn) {
			fputs("\r\033[K", stderr);
			g.progress_drawn = 0;
		}
		if (g.shown > 20)
			svc_warn("%s: %ld more rejects not shown%s", name,
			    g.shown - 20, g.rejects_path ? "" :
			    " (see --rejects FILE)");
		if (rc != 0) {
			svc_err_print(&e);
			status = e.status;
			break;
		}
		if (res.rejected)
			status = SVC_EXIT_REJECTS;
		if (g.c.quiet)
			continue;
		if (g.io.kind == SVC_KIND_TICKETS && res.mapping[0])
			svc_warn("%s: mapping: %s", name, res.mapping);
		if (g.io.preview) {
			svc_warn("%s: %lld rows, %lld readable, %lld rejected "
			    "(preview, nothing stored)", name,
			    (long long)res.rows_in, (long long)res.loaded,
			    (long long)res.rejected);
			summary_notes(name, &res, 0);
		} else if (svc_config_kind(g.io.kind) == NULL) {
			char extra[64] = "";

			if (res.unchanged)
				snprintf(extra, sizeof(extra), ", %lld unchanged",
				    (long long)res.unchanged);
			svc_warn("%s: %lld rows, %lld loaded (%lld new, %lld "
			    "changed%s), %lld rejected%s", name,
			    (long long)res.rows_in, (long long)res.loaded,
			    (long long)res.rows_new, (long long)res.changed, extra,
			    (long long)res.rejected, svc_opt_run_tag(&g.c,
			    res.run, 0, tag, sizeof(tag)));
			summary_notes(name, &res, !g.c.dry_run);
			unknown_statuses(name, &res);
		} else if (svc_config_kind(g.io.kind)->load)
			svc_warn("%s: %s: %lld rows, %lld new or changed, %lld "
			    "unchanged%s", name, svc_import_kind_name(g.io.kind),
			    (long long)res.rows_in, (long long)res.changed,
			    (long long)res.unchanged, g.c.dry_run ?
			    " (dry run, nothing committed)" : "");
		else if (res.config_same) {
			char from[64], was[64];

			svc_time_format(g.io.valid_from, from, sizeof(from));
			svc_time_format(res.config_from, was, sizeof(was));
			svc_warn("%s: %s: %lld rows, new version with the same rows, "
			    "valid from %s (the newest was valid from %s)%s", name,
			    svc_import_kind_name(g.io.kind),
			    (long long)res.rows_in, from, was, g.c.dry_run ?
			    " (dry run, nothing committed)" : "");
		} else
			svc_warn("%s: %s: %lld rows, %s%s", name,
			    svc_import_kind_name(g.io.kind),
			    (long long)res.rows_in, res.config_unchanged ?
			    "unchanged" : "new version", g.c.dry_run ?
			    " (dry run, nothing committed)" : "");
	}
	status = svc_opt_out_close(changes, status);
	if (rejects && (svc_out_close(rejects) != 0 || fclose(rf) != 0) &&
	    status < SVC_EXIT_FATAL) {
		svc_warn("%s: write error", g.rejects_path);
		status = SVC_EXIT_FATAL;
	}
	svc_db_close(db);
	for (i = 0; i < (int)g.nmapfile; i++)
		free(g.mapfile_mem[i]);
	return svc_exit_flush(status);
usage:
	return svc_err_fail(&e, cmd.name);
}
