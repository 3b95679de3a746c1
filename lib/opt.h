/* opt.h: the command-line contract shared by every binary.
 *
 * One table of common options (design section 3), parsed together with a
 * command's own options by getopt_long, and one generated help text, so
 * every --help carries the same "Common options" block.
 */
#ifndef SVC_OPT_H
#define SVC_OPT_H

#include <stdint.h>

#include "buf.h"
#include "err.h"

enum svc_format {
	SVC_FMT_TABLE = 1, SVC_FMT_TSV, SVC_FMT_CSV, SVC_FMT_JSON,
	SVC_FMT_MD, SVC_FMT_HTML
};

/* One option of a command.  id is passed back to the command's handler;
 * ids below 256 may double as the short option letter. */
struct svc_opt {
	const char *lng;	/* long name without "--" */
	int shrt;		/* short letter or 0 */
	int has_arg;		/* 0 or 1 */
	const char *argname;	/* e.g. "FILE" */
	const char *help;	/* one line */
	int id;
};

struct svc_cmd {
	const char *name;	/* "svc-import" */
	const char *synopsis;	/* "[options] [FILE...]" */
	const char *summary;	/* one paragraph */
	const struct svc_opt *opts;	/* terminated by a zero entry */
	int formats;		/* bit mask of allowed formats (1 << SVC_FMT_x) */
};

/* Options every binary takes. */
struct svc_common {
	const char *db;		/* --db, $SVC_DB, ./svc.db */
	int format;		/* enum svc_format */
	int format_given;
	int delim;		/* 0 = detect */
	int64_t now;		/* --now, $SVC_NOW, time(NULL) */
	const char *tz;		/* --tz, $SVC_TZ, $TZ, UTC */
	const char *actor;	/* --as, $SVC_USER, login name */
	int dry_run;
	int quiet;
	int stdout_tty, stderr_tty, stdin_tty;
	char args[1024];	/* the command line, for the runs table */
};

/* Called for each option of the command's own table; returns 0 or -1
 * with e filled (usually SVC_EXIT_USAGE). */
typedef int (*svc_opt_fn)(int id, const char *arg, void *ud,
    struct svc_err *e);

enum { SVC_OPT_RUN = 0, SVC_OPT_HELP = 1, SVC_OPT_VERSION = 2 };

/* Parse argv.  Returns SVC_OPT_RUN with *optind_out at the first operand,
 * SVC_OPT_HELP or SVC_OPT_VERSION, or -1 with e filled.  Applies the
 * environment defaults and sets the time zone. */
int svc_opt_parse(int argc, char **argv, const struct svc_cmd *cmd,
    struct svc_common *c, svc_opt_fn fn, void *ud, int *optind_out,
    struct svc_err *e);

/* The full --help text of cmd into b. */
void svc_opt_help(const struct svc_cmd *cmd, struct svc_buf *b);
/* "usage: NAME SYNOPSIS" line. */
void svc_opt_usage(const struct svc_cmd *cmd, struct svc_buf *b);

/* Parse a format name; returns the enum or -1. */
int svc_opt_format(const char *s);
/* Parse a delimiter: one character, or "tab", "\t", "comma", "semicolon". */
int svc_opt_delim(const char *s);

/* ---- the parts every command's main shares ---- */

struct svc_out;

/* svc_opt_parse, then --help, --version or a usage error: returns 1 when
 * main should return *status (the help or version printed, or the error
 * with its pointer to --help), 0 to go on. */
int svc_opt_start(int argc, char **argv, const struct svc_cmd *cmd,
    struct svc_common *c, svc_opt_fn fn, void *ud, int *optind_out,
    int *status, struct svc_err *e);
/* The exit status of a --lint that returned rc findings (or -1 with e):
 * prints the error, or "N findings" unless quiet. */
int svc_opt_lint_status(const struct svc_common *c, int rc,
    const struct svc_err *e);
/* The output table of a command: NULL when standard output is a terminal
 * and no --format was given (the summary on stderr says enough). */
struct svc_out *svc_opt_out(const struct svc_common *c, size_t ncols,
    const char *const *cols);
/* A stage given a header alone on standard input (nothing to do): write
 * the header of its ncols columns cols alone, and unless quiet say so on
 * standard error.  Returns the exit status. */
int svc_opt_nothing(const struct svc_common *c, size_t ncols,
    const char *const *cols);
/* Close out (NULL is fine): status, or SVC_EXIT_FATAL with a message when
 * writing failed. */
int svc_opt_out_close(struct svc_out *out, int status);
struct svc_db;
/* End a command: print e when failed, close db, flush standard output;
 * the exit status (e->status when failed). */
int svc_opt_end(struct svc_db *db, int failed, const struct svc_err *e);
/* A usage error of cmd: fmt (with one string a) printed, then the
 * pointer to --help; returns SVC_EXIT_USAGE. */
int svc_opt_usage_error(const struct svc_cmd *cmd, struct svc_err *e,
    const char *fmt, const char *a);
/* The subcommand (a "command", or for svc-report a "report": noun) at
 * argv[*first], one of subs (NULL-terminated); *first moves past it.
 * NULL when none is given or it is unknown, the usage error printed and
 * *status set. */
const char *svc_opt_subcommand(const struct svc_cmd *cmd, const char *noun,
    int argc, char **argv, int *first, const char *const *subs, int *status,
    struct svc_err *e);
/* The end of a run's summary: ", M not found" when ids were missing,
 * then " (run N)" or " (dry run, nothing committed)". */
const char *svc_opt_run_tag(const struct svc_common *c, int64_t run,
    int64_t missing, char *buf, size_t n);

#endif
