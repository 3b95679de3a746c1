/* err.h: error reporting shared by every module.
 *
 * lib/ never prints and never exits: a function that fails returns a
 * status and fills a struct svc_err.  cmd/ formats it with svc_err_print()
 * and exits with svc_err.status.
 */
#ifndef SVC_ERR_H
#define SVC_ERR_H

#include <stdarg.h>
#include <stdio.h>

/* Exit statuses, the same in every binary (see svc(7)). */
enum {
	SVC_EXIT_OK = 0,	/* success */
	SVC_EXIT_REJECTS = 1,	/* finished, some rows rejected */
	SVC_EXIT_USAGE = 2,	/* usage error */
	SVC_EXIT_FATAL = 3,	/* bad input, database or I/O error */
	SVC_EXIT_BUSY = 4	/* database busy past the timeout */
};

struct svc_err {
	int status;		/* one of SVC_EXIT_*; 0 when no error */
	char file[256];		/* input file name, "" if none */
	long line;		/* physical line, 0 if none */
	long col;		/* column (byte), 0 if none */
	long pos;		/* character shown as file:line:pos, 0 if none */
	char msg[1024];		/* lower case, no period */
};

/* Set program name used by svc_err_print() and svc_warn(). */
void svc_err_progname(const char *argv0);
const char *svc_progname(void);

/* Clear e. */
void svc_err_clear(struct svc_err *e);

/* Fill e with status, position and a printf-style message; returns -1 so
 * callers can write "return svc_err_set(...)". file may be NULL. */
int svc_err_set(struct svc_err *e, int status, const char *file, long line,
    long col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int svc_err_vset(struct svc_err *e, int status, const char *file, long line,
    long col, const char *fmt, va_list ap);

/* Format e as "prog: file:line: msg" into buf. */
void svc_err_format(const struct svc_err *e, char *buf, size_t n);

/* Print e to stderr in the house format (used by cmd/ only). */
void svc_err_print(const struct svc_err *e);

/* Print "prog: msg" to stderr (cmd/ only). */
void svc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Memory helpers: abort with a message on exhaustion (the one place lib/
 * may end the process, as in sbase's emalloc). */
void *svc_xmalloc(size_t n);
void *svc_xcalloc(size_t n, size_t m);
void *svc_xrealloc(void *p, size_t n);
char *svc_xstrdup(const char *s);
/* A new string, formatted. */
char *svc_xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
char *svc_xstrndup(const char *s, size_t n);

/* Print e, and after a usage error a pointer to --help; returns
 * e->status.  The end of every command's main. */
int svc_err_fail(const struct svc_err *e, const char *cmd);
/* Flush standard output: status, or SVC_EXIT_FATAL (with a message) when
 * writing failed. */
int svc_exit_flush(int status);

#endif
