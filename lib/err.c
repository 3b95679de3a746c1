/* err.c: struct svc_err and the message format of the design. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static const char *progname = "svc";

void
svc_err_progname(const char *argv0)
{
	const char *p;

	if (argv0 == NULL)
		return;
	p = strrchr(argv0, '/');
	progname = p ? p + 1 : argv0;
}

const char *
svc_progname(void)
{
	return progname;
}

void
svc_err_clear(struct svc_err *e)
{
	memset(e, 0, sizeof(*e));
}

int
svc_err_vset(struct svc_err *e, int status, const char *file, long line,
    long col, const char *fmt, va_list ap)
{
	if (e == NULL)
		return -1;
	e->status = status;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	e->col = col;
	e->pos = 0;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return -1;
}

int
svc_err_set(struct svc_err *e, int status, const char *file, long line,
    long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	svc_err_vset(e, status, file, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

void
svc_err_format(const struct svc_err *e, char *buf, size_t n)
{
	if (e->file[0] && e->line > 0 && e->pos > 0)
		snprintf(buf, n, "%s: %s:%ld:%ld: %s", progname, e->file,
		    e->line, e->pos, e->msg);
	else if (e->file[0] && e->line > 0)
		snprintf(buf, n, "%s: %s:%ld: %s", progname, e->file, e->line,
		    e->msg);
	else if (e->file[0])
		snprintf(buf, n, "%s: %s: %s", progname, e->file, e->msg);
	else
		snprintf(buf, n, "%s: %s", progname, e->msg);
}

void
svc_err_print(const struct svc_err *e)
{
	char buf[1600];

	svc_err_format(e, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}

void
svc_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
oom(size_t n)
{
	fprintf(stderr, "%s: out of memory (%zu bytes)\n", progname, n);
	abort();
}

void *
svc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
svc_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oom(n * m);
	return p;
}

void *
svc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
svc_xstrdup(const char *s)
{
	return svc_xstrndup(s, strlen(s));
}

char *
svc_xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = svc_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		p[0] = '\0';
	return p;
}

char *
svc_xstrndup(const char *s, size_t n)
{
	char *p = svc_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
svc_err_fail(const struct svc_err *e, const char *cmd)
{
	svc_err_print(e);
	if (e->status == SVC_EXIT_USAGE)
		fprintf(stderr, "Try '%s --help' for more information.\n", cmd);
	return e->status;
}

int
svc_exit_flush(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		svc_warn("write error on standard output");
		return SVC_EXIT_FATAL;
	}
	return status;
}
