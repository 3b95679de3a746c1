/* opt.c: common options, environment defaults and generated help. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "opt.h"
#include "out.h"
#include "timeutil.h"

enum {
	O_DB = 1000, O_NOW, O_TZ, O_AS, O_VERSION
};

static const struct svc_opt common[] = {
	{ "db", 0, 1, "PATH", "database file (default: $SVC_DB, else ./svc.db)", O_DB },
	{ "format", 'f', 1, "F", "output: table, tsv, csv, json (default: table on a terminal, else tsv)", 'f' },
	{ "delimiter", 'd', 1, "C", "input delimiter: a character or 'tab' (default: detected from the header)", 'd' },
	{ "now", 0, 1, "TIME", "the clock (default: $SVC_NOW, else the real time)", O_NOW },
	{ "tz", 0, 1, "ZONE", "IANA zone to read and show times in (default: $SVC_TZ, else $TZ, else UTC)", O_TZ },
	{ "as", 0, 1, "USER", "actor for the audit log (default: $SVC_USER, else the login name)", O_AS },
	{ "dry-run", 'n', 0, NULL, "do everything but commit; print what would change", 'n' },
	{ "quiet", 'q', 0, NULL, "no summary and no progress; errors still go to stderr", 'q' },
	{ "help", 'h', 0, NULL, "show this help and exit", 'h' },
	{ "version", 0, 0, NULL, "show the version and exit", O_VERSION },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const char *const fmtnames[] = {
	NULL, "table", "tsv", "csv", "json", "md", "html"
};

int
svc_opt_format(const char *s)
{
	int i;

	for (i = 1; i <= SVC_FMT_HTML; i++)
		if (strcmp(s, fmtnames[i]) == 0)
			return i;
	return -1;
}

int
svc_opt_delim(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	if (strcmp(s, "comma") == 0)
		return ',';
	if (strcmp(s, "semicolon") == 0)
		return ';';
	if (strlen(s) == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r')
		return (unsigned char)s[0];
	return -1;
}

static size_t
count(const struct svc_opt *o)
{
	size_t n = 0;

	while (o && o[n].lng)
		n++;
	return n;
}

static void
optlines(struct svc_buf *b, const struct svc_opt *o)
{
	char left[64];

	for (; o->lng; o++) {
		if (o->shrt)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shrt,
			    o->lng, o->has_arg ? " " : "",
			    o->has_arg ? o->argname : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->lng,
			    o->has_arg ? " " : "", o->has_arg ? o->argname : "");
		if (strlen(left) > 22)
			svc_buf_printf(b, "  %s\n  %-22s  %s\n", left, "", o->help);
		else
			svc_buf_printf(b, "  %-22s  %s\n", left, o->help);
	}
}

void
svc_opt_usage(const struct svc_cmd *cmd, struct svc_buf *b)
{
	svc_buf_printf(b, "usage: %s %s\n", cmd->name, cmd->synopsis);
}

void
svc_opt_help(const struct svc_cmd *cmd, struct svc_buf *b)
{
	svc_opt_usage(cmd, b);
	svc_buf_printf(b, "\n%s\n", cmd->summary);
	if (count(cmd->opts)) {
		svc_buf_adds(b, "\nOptions:\n");
		optlines(b, cmd->opts);
	}
	svc_buf_adds(b, "\nCommon options:\n");
	if (cmd->formats & (1 << SVC_FMT_HTML)) {
		/* the format line names what this command writes */
		struct svc_opt o[sizeof(common) / sizeof(common[0])];

		memcpy(o, common, sizeof(common));
		o[1].help = "output: table, tsv, csv, json, md, html (default: "
		    "table on a terminal, else tsv)";
		optlines(b, o);
	} else
		optlines(b, common);
	svc_buf_printf(b, "\nExit status: 0 success, 1 some rows rejected, "
	    "2 usage error,\n3 fatal error (nothing committed), 4 database "
	    "busy (safe to retry).\nSee %s(1) and svc(7).\n", cmd->name);
}

static const char *
login_name(void)
{
	const char *s = getenv("SVC_USER");
	struct passwd *pw;

	if (s && *s)
		return s;
	if ((s = getenv("LOGNAME")) && *s)
		return s;
	if ((s = getenv("USER")) && *s)
		return s;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	return "unknown";
}

static void
record_args(struct svc_common *c, int argc, char **argv)
{
	size_t len = 0;
	int i;

	c->args[0] = '\0';
	for (i = 1; i < argc && len < sizeof(c->args) - 1; i++) {
		int w = snprintf(c->args + len, sizeof(c->args) - len, "%s%s",
		    i > 1 ? " " : "", argv[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len >= sizeof(c->args))
		c->args[sizeof(c->args) - 1] = '\0';
}

int
svc_opt_parse(int argc, char **argv, const struct svc_cmd *cmd,
    struct svc_common *c, svc_opt_fn fn, void *ud, int *optind_out,
    struct svc_err *e)
{
	size_t nown = count(cmd->opts), ncom = count(common), i, k = 0;
	struct option *lo = svc_xcalloc(nown + ncom + 1, sizeof(*lo));
	const struct svc_opt **byid = svc_xcalloc(nown + ncom + 1, sizeof(*byid));
	char shorts[128];
	size_t sl = 0;
	const char *now = NULL, *tz = NULL;
	int ch, idx, rc = SVC_OPT_RUN, f;

	memset(c, 0, sizeof(*c));
	record_args(c, argc, argv);
	shorts[sl++] = ':';
	for (i = 0; i < nown + ncom; i++) {
		const struct svc_opt *o = i < nown ? &cmd->opts[i] : &common[i - nown];

		lo[k].name = o->lng;
		lo[k].has_arg = o->has_arg ? required_argument : no_argument;
		lo[k].flag = NULL;
		lo[k].val = o->shrt ? o->shrt : 2000 + (int)k;
		byid[k] = o;
		k++;
		if (o->shrt && sl < sizeof(shorts) - 3) {
			shorts[sl++] = (char)o->shrt;
			if (o->has_arg)
				shorts[sl++] = ':';
		}
	}
	shorts[sl] = '\0';
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		const struct svc_opt *o = NULL;

		if (ch == '?' || ch == ':') {
			const char *bad = argv[optind - 1];

			if (ch == ':')
				svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
				    "option '%s' needs a value", bad);
			else if (optopt && optopt < 256 && optopt != '?')
				svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
				    "unknown option '-%c'", optopt);
			else
				svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
				    "unknown option '%s'", bad);
			rc = -1;
			goto out;
		}
		if (ch >= 2000)
			o = byid[ch - 2000];
		else
			for (i = 0; i < k; i++)
				if (byid[i]->shrt == ch) {
					o = byid[i];
					break;
				}
		if (o == NULL)
			continue;
		if (o >= common && o < common + ncom) {
			switch (o->id) {
			case O_DB:
				c->db = optarg;
				break;
			case 'f':
				if ((f = svc_opt_format(optarg)) < 0 ||
				    !(cmd->formats & (1 << f))) {
					svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
					    "unknown format '%s' (use table, "
					    "tsv, csv or json%s)", optarg,
					    cmd->formats & (1 << SVC_FMT_HTML) ?
					    ", md, html" : "");
					rc = -1;
					goto out;
				}
				c->format = f;
				c->format_given = 1;
				break;
			case 'd':
				if ((c->delim = svc_opt_delim(optarg)) < 0) {
					svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
					    "bad delimiter '%s' (one character "
					    "or 'tab')", optarg);
					rc = -1;
					goto out;
				}
				break;
			case O_NOW:
				now = optarg;
				break;
			case O_TZ:
				tz = optarg;
				break;
			case O_AS:
				c->actor = optarg;
				break;
			case 'n':
				c->dry_run = 1;
				break;
			case 'q':
				c->quiet = 1;
				break;
			case 'h':
				rc = SVC_OPT_HELP;
				goto out;
			case O_VERSION:
				rc = SVC_OPT_VERSION;
				goto out;
			}
		} else if (fn(o->id, optarg, ud, e) != 0) {
			rc = -1;
			goto out;
		}
	}
	*optind_out = optind;
	c->stdin_tty = isatty(0);
	c->stdout_tty = isatty(1);
	c->stderr_tty = isatty(2);
	if (c->db == NULL && (c->db = getenv("SVC_DB")) == NULL)
		c->db = "svc.db";
	if (c->db[0] == '\0') {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "empty database path");
		rc = -1;
		goto out;
	}
	if (!c->format_given)
		c->format = c->stdout_tty ? SVC_FMT_TABLE : SVC_FMT_TSV;
	if (tz == NULL && (tz = getenv("SVC_TZ")) == NULL)
		tz = getenv("TZ");
	if (svc_time_set_zone(tz, e) != 0) {
		rc = -1;
		goto out;
	}
	c->tz = svc_time_zone();
	if (now == NULL && (now = getenv("SVC_NOW")) != NULL && *now == '\0')
		now = NULL;
	if (now == NULL)
		c->now = (int64_t)time(NULL);
	else if (svc_time_parse_opt("--now", now, &c->now, e) != 0) {
		rc = -1;
		goto out;
	}
	if (c->actor == NULL)
		c->actor = login_name();
out:
	free(lo);
	free(byid);
	return rc;
}

/* ---- the parts every command's main shares ---- */

int
svc_opt_start(int argc, char **argv, const struct svc_cmd *cmd,
    struct svc_common *c, svc_opt_fn fn, void *ud, int *optind_out,
    int *status, struct svc_err *e)
{
	struct svc_buf b = { 0 };
	int rc = svc_opt_parse(argc, argv, cmd, c, fn, ud, optind_out, e);

	if (rc == SVC_OPT_HELP) {
		svc_opt_help(cmd, &b);
		fputs(b.s, stdout);
		svc_buf_free(&b);
		*status = svc_exit_flush(SVC_EXIT_OK);
		return 1;
	}
	if (rc == SVC_OPT_VERSION) {
		const char *sp = strchr(cmd->name, ' ');

		/* "svc-sla calc" is svc-sla */
		printf("%.*s %s\n", sp ? (int)(sp - cmd->name) : (int)strlen(
		    cmd->name), cmd->name, SVC_VERSION);
		*status = svc_exit_flush(SVC_EXIT_OK);
		return 1;
	}
	if (rc < 0) {
		*status = svc_err_fail(e, cmd->name);
		return 1;
	}
	return 0;
}

int
svc_opt_lint_status(const struct svc_common *c, int rc,
    const struct svc_err *e)
{
	if (rc < 0) {
		svc_err_print(e);
		return svc_exit_flush(e->status);
	}
	if (!c->quiet)
		svc_warn("%d finding%s", rc, rc == 1 ? "" : "s");
	return svc_exit_flush(rc > 0 ? SVC_EXIT_REJECTS : SVC_EXIT_OK);
}

struct svc_out *
svc_opt_out(const struct svc_common *c, size_t ncols,
    const char *const *cols)
{
	if (c->stdout_tty && !c->format_given)
		return NULL;
	return svc_out_open(stdout, c->format, ncols, cols);
}

int
svc_opt_out_close(struct svc_out *out, int status)
{
	if (out && svc_out_close(out) != 0 && status < SVC_EXIT_FATAL) {
		svc_warn("write error on standard output");
		return SVC_EXIT_FATAL;
	}
	return status;
}

int
svc_opt_nothing(const struct svc_common *c, size_t ncols,
    const char *const *cols)
{
	struct svc_out *out = svc_opt_out(c, ncols, cols);

	if (!c->quiet)
		svc_warn("no tickets on standard input (a header alone): "
		    "nothing to do");
	return svc_opt_out_close(out, SVC_EXIT_OK);
}

const char *
svc_opt_run_tag(const struct svc_common *c, int64_t run, int64_t missing,
    char *buf, size_t n)
{
	char m[48] = "";

	if (missing)
		snprintf(m, sizeof(m), ", %lld not found", (long long)missing);
	if (c->dry_run)
		snprintf(buf, n, "%s (dry run, nothing committed)", m);
	else
		snprintf(buf, n, "%s (run %lld)", m, (long long)run);
	return buf;
}

int
svc_opt_end(struct svc_db *db, int failed, const struct svc_err *e)
{
	int status = SVC_EXIT_OK;

	if (failed) {
		svc_err_print(e);
		status = e->status;
	}
	svc_db_close(db);
	return svc_exit_flush(status);
}

int
svc_opt_usage_error(const struct svc_cmd *cmd, struct svc_err *e,
    const char *fmt, const char *a)
{
	svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, fmt, a);
	return svc_err_fail(e, cmd->name);
}

const char *
svc_opt_subcommand(const struct svc_cmd *cmd, const char *noun, int argc,
    char **argv, int *first, const char *const *subs, int *status,
    struct svc_err *e)
{
	const char *s;
	size_t i;

	if (*first >= argc) {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "no %s given (%s "
		    "--help lists them)", noun, cmd->name);
		*status = svc_err_fail(e, cmd->name);
		return NULL;
	}
	s = argv[(*first)++];
	for (i = 0; subs[i]; i++)
		if (strcmp(subs[i], s) == 0)
			return s;
	svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "unknown %s '%s' (%s --help "
	    "lists them)", noun, s, cmd->name);
	*status = svc_err_fail(e, cmd->name);
	return NULL;
}
