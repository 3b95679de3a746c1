/* reader.h: CSV and TSV records with exact physical line numbers.
 *
 * CSV is RFC 4180 read by libcsv in strict mode, fed one physical line at a
 * time so every record knows the line it starts and ends on.  TSV has no
 * quoting; "\t", "\n", "\r" and "\\" inside a value are unescaped.
 * A UTF-8 byte order mark is dropped, CRLF is read as LF (also inside
 * quoted values), and fields and records are capped.  A broken record is
 * returned as SVC_READ_BAD with its position, reason and raw bytes, and
 * reading resumes at the next line (after a runaway quote: at the line
 * after the one where the broken record started).
 */
#ifndef SVC_READER_H
#define SVC_READER_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

enum svc_encoding { SVC_ENC_UTF8 = 0, SVC_ENC_CP1252, SVC_ENC_LATIN1 };

struct svc_reader_opts {
	int delim;		/* 0: detect from the header line */
	int encoding;		/* enum svc_encoding */
	size_t max_field;	/* bytes; default 2 MiB */
	size_t max_record;	/* bytes; default 8 MiB */
	long max_lines;		/* physical lines per record; default 10000 */
	size_t max_fields;	/* default 4096 */
};

struct svc_record {
	size_t nf;
	char **f;		/* NUL-terminated UTF-8 values */
	size_t *len;
	long line_start, line_end;
	const char *raw;	/* the record's bytes as read */
	size_t rawlen;
};

/* What is wrong with a SVC_READ_BAD record. */
struct svc_bad {
	const char *type;	/* e.g. "bare_quote", "invalid_utf8" */
	char msg[512];
	long col;		/* byte column within line_end, or 0 */
	long field;		/* 1-based field index, or 0 */
};

enum {
	SVC_READ_FATAL = -1, SVC_READ_EOF = 0, SVC_READ_OK = 1,
	SVC_READ_BAD = 2
};

struct svc_reader;

/* Open a reader on fp; name is used in messages ("<stdin>" for stdin). */
struct svc_reader *svc_reader_open(FILE *fp, const char *name,
    const struct svc_reader_opts *o);
void svc_reader_close(struct svc_reader *r);

/* Read the next record into rec (valid until the next call).  Records are
 * checked against the field count of the first record once
 * svc_reader_expect() is set.  On SVC_READ_BAD, bad says why. */
int svc_reader_next(struct svc_reader *r, struct svc_record *rec,
    struct svc_bad *bad, struct svc_err *e);

/* Require n fields per record from now on (0: any). */
void svc_reader_expect(struct svc_reader *r, size_t n);
/* The delimiter in use (after detection). */
int svc_reader_delim(const struct svc_reader *r);
/* Bytes consumed so far (for progress). */
size_t svc_reader_offset(const struct svc_reader *r);

/* Check s for valid UTF-8; returns the byte offset of the first invalid
 * sequence or (size_t)-1 when valid. */
size_t svc_utf8_invalid(const char *s, size_t n);

/* Append s (n bytes of Windows-1252 or Latin-1) as UTF-8 to out. */
struct svc_buf;
void svc_to_utf8(int encoding, const char *s, size_t n, struct svc_buf *out);

/* Read the ticket_id column of a stage's input (any CSV/TSV with that
 * column).  Sets *ids (in input order) and *n;
 * *empty when the input had no bytes at all.  Returns 0, or -1 with e
 * filled (no ticket_id column, unreadable input). */
int svc_read_ids(FILE *fp, const char *name, char ***ids, size_t *n,
    int *empty, struct svc_err *e);
void svc_ids_free(char **ids, size_t n);
/* Append id (taken over) to *ids of *n, *cap allocated. */
void svc_ids_add(char ***ids, size_t *n, size_t *cap, char *id);
/* The tickets a command works on (the pipeline contract).  *ids NULL:
 * all tickets, with all, when standard input is a terminal (tty) or when
 * it has no bytes at all (as cron gives a job).  Else the ids on
 * standard input in input order; *none is set when it holds no id (a
 * header alone, or rows with an empty ticket_id): nothing to do, and the
 * caller writes a header alone.  Returns 0, or -1 with e filled. */
int svc_read_ids_stdin(int all, int tty, char ***ids, size_t *n, int *none,
    struct svc_err *e);

#endif
