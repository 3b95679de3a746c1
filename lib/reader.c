/* reader.c: CSV/TSV reading over libcsv with exact line numbers. */
#include <csv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "reader.h"

#define BLK (64 * 1024)

struct svc_reader {
	FILE *fp;
	char name[256];
	struct svc_reader_opts o;
	struct csv_parser p;
	int csv_ready;
	int tsv;
	int delim;
	size_t expect;

	/* input */
	char *blk;
	size_t blen, bpos;
	int eof;
	int first;		/* BOM / detection not done yet */
	struct svc_buf pending;	/* lines to read again after a runaway quote */
	size_t ppos;
	long pending_line;	/* line number of the first pending line */
	size_t consumed;

	/* current physical line: ls, ln; in blk or pending when it lies
	 * there whole, else copied into line */
	struct svc_buf line;
	char *ls;
	size_t ln;
	int line_over;		/* line longer than max_record */
	long lineno;		/* number of the line in `line` */

	/* current record */
	struct svc_buf raw;
	long rec_start;
	long rec_lines;
	struct svc_buf fbuf;	/* field bytes, each followed by NUL */
	size_t *foff, *flen;
	size_t nf, fcap;
	char **fptr;
	int done;		/* cb2 fired */
	int toomany;
	int nul;
	struct svc_buf conv;
};

static size_t field_cap = 2u << 20;
static int cap_hit;

static void *
capped_realloc(void *p, size_t n)
{
	if (n > field_cap + BLK) {
		cap_hit = 1;
		return NULL;
	}
	return realloc(p, n);
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int
lf_only(unsigned char c)
{
	return c == '\n';
}

static void
add_field(struct svc_reader *r, const char *s, size_t n)
{
	if (r->nf >= r->o.max_fields) {
		r->toomany = 1;
		return;
	}
	if (r->nf == r->fcap) {
		r->fcap = r->fcap ? r->fcap * 2 : 32;
		r->foff = svc_xrealloc(r->foff, r->fcap * sizeof(*r->foff));
		r->flen = svc_xrealloc(r->flen, r->fcap * sizeof(*r->flen));
		r->fptr = svc_xrealloc(r->fptr, r->fcap * sizeof(*r->fptr));
	}
	r->foff[r->nf] = r->fbuf.len;
	r->flen[r->nf] = n;
	svc_buf_add(&r->fbuf, s, n);
	svc_buf_addc(&r->fbuf, '\0');
	r->nf++;
}

static void
cb1(void *s, size_t n, void *ud)
{
	add_field(ud, s, s ? n : 0);
}

static void
cb2(int c, void *ud)
{
	struct svc_reader *r = ud;

	(void)c;
	r->done = 1;
}

static void
parser_init(struct svc_reader *r)
{
	csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_delim(&r->p, (unsigned char)r->delim);
	csv_set_space_func(&r->p, no_space);
	csv_set_term_func(&r->p, lf_only);
	csv_set_realloc_func(&r->p, capped_realloc);
	csv_set_blk_size(&r->p, 4096);
	r->csv_ready = 1;
}

/* Drop any partial record and error state. */
static void
parser_reset(struct svc_reader *r, int hard)
{
	if (!r->csv_ready)
		return;
	if (hard) {
		csv_free(&r->p);
		parser_init(r);
		return;
	}
	csv_set_opts(&r->p, CSV_STRICT);
	csv_fini(&r->p, NULL, NULL, NULL);
	csv_set_opts(&r->p, CSV_STRICT | CSV_STRICT_FINI);
}

struct svc_reader *
svc_reader_open(FILE *fp, const char *name, const struct svc_reader_opts *o)
{
	struct svc_reader *r = svc_xcalloc(1, sizeof(*r));

	r->fp = fp;
	snprintf(r->name, sizeof(r->name), "%s", name);
	if (o)
		r->o = *o;
	if (r->o.max_field == 0)
		r->o.max_field = 2u << 20;
	if (r->o.max_record == 0)
		r->o.max_record = 8u << 20;
	if (r->o.max_lines == 0)
		r->o.max_lines = 10000;
	if (r->o.max_fields == 0)
		r->o.max_fields = 4096;
	r->blk = svc_xmalloc(BLK);
	r->first = 1;
	return r;
}

void
svc_reader_close(struct svc_reader *r)
{
	if (r == NULL)
		return;
	if (r->csv_ready)
		csv_free(&r->p);
	svc_buf_free(&r->pending);
	svc_buf_free(&r->line);
	svc_buf_free(&r->raw);
	svc_buf_free(&r->fbuf);
	svc_buf_free(&r->conv);
	free(r->foff);
	free(r->flen);
	free(r->fptr);
	free(r->blk);
	free(r);
}

void
svc_reader_expect(struct svc_reader *r, size_t n)
{
	r->expect = n;
}

int
svc_reader_delim(const struct svc_reader *r)
{
	return r->delim;
}

size_t
svc_reader_offset(const struct svc_reader *r)
{
	return r->consumed;
}

/* Read the next physical line (with its "\n" if any) into r->ls, r->ln.
 * Returns 1, 0 at end of input, -1 on a read error. */
static int
next_line(struct svc_reader *r)
{
	svc_buf_reset(&r->line);
	r->line_over = 0;
	if (r->ppos < r->pending.len) {
		char *s = r->pending.s + r->ppos;
		const char *nl = memchr(s, '\n', r->pending.len - r->ppos);
		size_t n = nl ? (size_t)(nl - s) + 1 : r->pending.len - r->ppos;

		svc_buf_add(&r->line, s, n);
		r->ls = r->line.s;
		r->ln = n;
		r->ppos += n;
		r->lineno = r->pending_line++;
		if (r->ppos >= r->pending.len) {
			svc_buf_reset(&r->pending);
			r->ppos = 0;
		}
		return 1;
	}
	for (;;) {
		if (r->bpos == r->blen) {
			if (r->eof)
				break;
			r->blen = fread(r->blk, 1, BLK, r->fp);
			r->bpos = 0;
			if (r->blen == 0) {
				if (ferror(r->fp))
					return -1;
				r->eof = 1;
				break;
			}
		}
		{
			char *s = r->blk + r->bpos;
			size_t avail = r->blen - r->bpos;
			const char *nl = memchr(s, '\n', avail);
			size_t n = nl ? (size_t)(nl - s) + 1 : avail;

			r->bpos += n;
			r->consumed += n;
			if (nl && r->line.len == 0 && n <= r->o.max_record) {
				/* the whole line is in the block: no copy */
				r->ls = s;
				r->ln = n;
				r->lineno++;
				return 1;
			}
			if (r->line.len + n > r->o.max_record) {
				size_t keep = r->o.max_record > r->line.len ?
				    r->o.max_record - r->line.len : 0;

				if (keep > n)
					keep = n;
				svc_buf_add(&r->line, s, keep);
				r->line_over = 1;
			} else
				svc_buf_add(&r->line, s, n);
			if (nl)
				break;
		}
	}
	if (r->line.len == 0 && !r->line_over)
		return 0;
	r->ls = r->line.s ? r->line.s : (char *)"";
	r->ln = r->line.len;
	r->lineno++;
	return 1;
}

static int
detect_delim(const char *s, size_t n)
{
	size_t i, tab = 0, comma = 0, semi = 0;
	int q = 0;

	for (i = 0; i < n && s[i] != '\n'; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == '\t')
			tab++;
		else if (!q && s[i] == ',')
			comma++;
		else if (!q && s[i] == ';')
			semi++;
	}
	if (tab > comma && tab >= semi)
		return '\t';
	if (semi > comma)
		return ';';
	return ',';
}

size_t
svc_utf8_invalid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k, need;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else
			return i;
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return i;
		i += need + 1;
	}
	return (size_t)-1;
}

static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

void
svc_to_utf8(int encoding, const char *str, size_t n, struct svc_buf *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned cp = s[i];

		if (cp < 0x80) {
			svc_buf_addc(out, (int)cp);
			continue;
		}
		if (encoding == SVC_ENC_CP1252 && cp < 0xA0 && cp1252[cp - 0x80])
			cp = cp1252[cp - 0x80];
		if (cp < 0x800) {
			svc_buf_addc(out, (int)(0xC0 | (cp >> 6)));
			svc_buf_addc(out, (int)(0x80 | (cp & 0x3F)));
		} else {
			svc_buf_addc(out, (int)(0xE0 | (cp >> 12)));
			svc_buf_addc(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
			svc_buf_addc(out, (int)(0x80 | (cp & 0x3F)));
		}
	}
}

static void
rec_reset(struct svc_reader *r)
{
	svc_buf_reset(&r->raw);
	svc_buf_reset(&r->fbuf);
	r->nf = 0;
	r->done = 0;
	r->toomany = 0;
	r->nul = 0;
	r->rec_lines = 0;
}

static int
bad_at(struct svc_reader *r, struct svc_bad *bad, const char *type, long col,
    long field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
bad_at(struct svc_reader *r, struct svc_bad *bad, const char *type, long col,
    long field, const char *fmt, ...)
{
	va_list ap;

	(void)r;
	bad->type = type;
	bad->col = col;
	bad->field = field;
	va_start(ap, fmt);
	vsnprintf(bad->msg, sizeof(bad->msg), fmt, ap);
	va_end(ap);
	return SVC_READ_BAD;
}

/* Fill rec with the position and raw bytes of the broken current record. */
static void
broken(struct svc_reader *r, struct svc_record *rec)
{
	rec->line_start = r->rec_start;
	rec->line_end = r->lineno;
	rec->raw = r->raw.s ? r->raw.s : "";
	rec->rawlen = r->raw.len;
	rec->nf = 0;
}

/* Split a TSV line (without its line end) into fields, unescaping. */
static void
tsv_split(struct svc_reader *r, const char *s, size_t n)
{
	size_t i, start = 0;
	struct svc_buf *c = &r->conv;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '\t')
			continue;
		svc_buf_reset(c);
		{
			size_t j;

			for (j = start; j < i; j++) {
				if (s[j] == '\\' && j + 1 < i) {
					char e = s[j + 1];

					if (e == 't' || e == 'n' || e == 'r' ||
					    e == '\\') {
						svc_buf_addc(c, e == 't' ? '\t' :
						    e == 'n' ? '\n' : e == 'r' ?
						    '\r' : '\\');
						j++;
						continue;
					}
				}
				svc_buf_addc(c, s[j]);
			}
		}
		add_field(r, c->s ? c->s : "", c->len);
		start = i + 1;
	}
}

/* Split a line without quotes (and its "\n") at the delimiter: the same
 * fields libcsv would give, without feeding it byte by byte. */
static void
split_plain(struct svc_reader *r, const char *s, size_t n)
{
	const char *end = s + n, *d;

	if (n && end[-1] == '\n')
		end--;
	while ((d = memchr(s, r->delim, (size_t)(end - s))) != NULL) {
		add_field(r, s, (size_t)(d - s));
		s = d + 1;
	}
	add_field(r, s, (size_t)(end - s));
}

/* Is s pure ASCII?  Eight bytes at a time. */
static int
ascii(const char *s, size_t n)
{
	uint64_t acc = 0, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= (unsigned char)s[i];
	return (acc & 0x8080808080808080ULL) == 0;
}

/* Validate and finish the record in r; fill rec. */
static int
finish(struct svc_reader *r, struct svc_record *rec, struct svc_bad *bad)
{
	size_t i;

	rec->line_start = r->rec_start;
	rec->line_end = r->lineno;
	rec->raw = r->raw.s ? r->raw.s : "";
	rec->rawlen = r->raw.len;
	rec->nf = 0;
	if (r->toomany)
		return bad_at(r, bad, "too_many_fields", 0, 0,
		    "more than %zu fields", r->o.max_fields);
	if (r->nul)
		return bad_at(r, bad, "nul_byte", 0, 0, "NUL byte in the record");
	if (r->o.encoding != SVC_ENC_UTF8) {
		struct svc_buf nb = { 0 };

		for (i = 0; i < r->nf; i++) {
			size_t off = nb.len;

			svc_to_utf8(r->o.encoding, r->fbuf.s + r->foff[i],
			    r->flen[i], &nb);
			r->foff[i] = off;
			r->flen[i] = nb.len - off;
			svc_buf_addc(&nb, '\0');
		}
		svc_buf_free(&r->fbuf);
		r->fbuf = nb;
	} else if (!ascii(r->fbuf.s ? r->fbuf.s : "", r->fbuf.len))
		for (i = 0; i < r->nf; i++) {
			size_t at = svc_utf8_invalid(r->fbuf.s + r->foff[i],
			    r->flen[i]);

			if (at != (size_t)-1)
				return bad_at(r, bad, "invalid_utf8", 0,
				    (long)i + 1, "field %zu: invalid UTF-8 at "
				    "byte %zu (use --encoding windows-1252 or "
				    "latin1)", i + 1, at + 1);

		}
	if (r->expect && r->nf != r->expect)
		return bad_at(r, bad, "field_count", 0, 0,
		    "expected %zu fields, found %zu", r->expect, r->nf);
	for (i = 0; i < r->nf; i++)
		r->fptr[i] = r->fbuf.s + r->foff[i];
	rec->nf = r->nf;
	rec->f = r->fptr;
	rec->len = r->flen;
	return SVC_READ_OK;
}

/* After a broken multi-line record: read its lines again from the one
 * after rec_start, so one bad quote costs one record. */
static void
refeed(struct svc_reader *r)
{
	const char *nl = memchr(r->raw.s, '\n', r->raw.len);
	size_t skip;
	struct svc_buf rest = { 0 };

	if (nl == NULL)
		return;
	skip = (size_t)(nl - r->raw.s) + 1;
	if (skip >= r->raw.len)
		return;
	svc_buf_add(&rest, r->raw.s + skip, r->raw.len - skip);
	if (r->ppos < r->pending.len)
		svc_buf_add(&rest, r->pending.s + r->ppos,
		    r->pending.len - r->ppos);
	svc_buf_free(&r->pending);
	r->pending = rest;
	r->ppos = 0;
	r->pending_line = r->rec_start + 1;
}

int
svc_reader_next(struct svc_reader *r, struct svc_record *rec,
    struct svc_bad *bad, struct svc_err *e)
{
	int rc;

	rec_reset(r);
	for (;;) {
		char *s;
		size_t n, used;

		rc = next_line(r);
		if (rc < 0)
			return svc_err_set(e, SVC_EXIT_FATAL, r->name, r->lineno,
			    0, "read error"), SVC_READ_FATAL;
		if (rc == 0)
			break;
		s = r->ls;
		n = r->ln;
		if (r->first) {
			r->first = 0;
			if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
				s += 3;
				n -= 3;
			}
			r->delim = r->o.delim ? r->o.delim : detect_delim(s, n);
			r->tsv = r->delim == '\t';
			if (!r->tsv)
				parser_init(r);
		}
		if (r->rec_lines == 0) {
			r->rec_start = r->lineno;
			/* blank lines between records are not records */
			if (!r->line_over && (n == 0 || (n == 1 && s[0] == '\n') ||
			    (n == 2 && s[0] == '\r' && s[1] == '\n')))
				continue;
		}
		r->rec_lines++;
		if (r->raw.len + n > r->o.max_record || r->line_over) {
			size_t keep = r->o.max_record > r->raw.len ?
			    r->o.max_record - r->raw.len : 0;

			svc_buf_add(&r->raw, s, keep < n ? keep : n);
			if (!r->tsv)
				parser_reset(r, 1);
			broken(r, rec);
			if (r->rec_lines > 1)
				refeed(r);
			return bad_at(r, bad, "record_too_long", 0, 0,
			    "record longer than %zu bytes%s", r->o.max_record,
			    r->rec_lines > 1 ? " (unterminated quote?)" : "");
		}
		svc_buf_add(&r->raw, s, n);
		if (memchr(s, '\0', n))
			r->nul = 1;
		/* CRLF is read as LF */
		if (n >= 2 && s[n - 1] == '\n' && s[n - 2] == '\r') {
			s[n - 2] = '\n';
			n--;
		}
		if (r->tsv) {
			size_t m = n;

			if (m && s[m - 1] == '\n')
				m--;
			tsv_split(r, s, m);
			return finish(r, rec, bad);
		}
		if (r->rec_lines == 1 && n <= r->o.max_field &&
		    memchr(s, '"', n) == NULL) {
			/* no quote: a record of one line, split directly */
			split_plain(r, s, n);
			return finish(r, rec, bad);
		}
		cap_hit = 0;
		field_cap = r->o.max_field;
		used = csv_parse(&r->p, s, n, cb1, cb2, r);
		if (used < n) {
			int err = csv_error(&r->p);
			long col = (long)used + 1;

			parser_reset(r, err != CSV_EPARSE);
			broken(r, rec);
			if (err == CSV_EPARSE && r->lineno != r->rec_start)
				return bad_at(r, bad, "bare_quote", col, 0,
				    "line %ld, byte %ld: quote in an unquoted "
				    "field or text after a closing quote",
				    r->lineno, col);
			if (err == CSV_EPARSE)
				return bad_at(r, bad, "bare_quote", col, 0,
				    "byte %ld: quote in an unquoted field or "
				    "text after a closing quote", col);
			return bad_at(r, bad, "field_too_long", col, 0,
			    "field longer than %zu bytes", r->o.max_field);
		}
		if (r->done)
			return finish(r, rec, bad);
		if (r->rec_lines >= r->o.max_lines) {
			parser_reset(r, 0);
			broken(r, rec);
			refeed(r);
			return bad_at(r, bad, "record_too_long", 0, 0,
			    "record runs over %ld lines (unterminated quote?)",
			    r->o.max_lines);
		}
	}
	/* end of input */
	if (r->rec_lines == 0)
		return SVC_READ_EOF;
	if (r->tsv)
		return SVC_READ_EOF;
	if (csv_fini(&r->p, cb1, cb2, r) != 0) {
		parser_reset(r, 0);
		broken(r, rec);
		refeed(r);
		return bad_at(r, bad, "unterminated_quote", 0, 0,
		    "quoted field not closed before the end of the file");
	}
	return finish(r, rec, bad);
}

int
svc_read_ids(FILE *fp, const char *name, char ***ids, size_t *n, int *empty,
    struct svc_err *e)
{
	struct svc_reader *r;
	struct svc_record rec;
	struct svc_bad bad;
	size_t i, cap = 0;
	long col = -1;
	int rc, c;

	*ids = NULL;
	*n = 0;
	*empty = 0;
	if ((c = getc(fp)) == EOF) {
		*empty = 1;
		return 0;
	}
	ungetc(c, fp);
	r = svc_reader_open(fp, name, NULL);
	rc = svc_reader_next(r, &rec, &bad, e);
	if (rc != SVC_READ_OK) {
		if (rc == SVC_READ_BAD)
			svc_err_set(e, SVC_EXIT_FATAL, name, rec.line_start, 0,
			    "header: %s", bad.msg);
		svc_reader_close(r);
		return -1;
	}
	for (i = 0; i < rec.nf; i++)
		if (rec.len[i] == 9 && strncmp(rec.f[i], "ticket_id", 9) == 0)
			col = (long)i;
	if (col < 0) {
		svc_reader_close(r);
		return svc_err_set(e, SVC_EXIT_FATAL, name, 1, 0,
		    "no ticket_id column in the input");
	}
	while ((rc = svc_reader_next(r, &rec, &bad, e)) != SVC_READ_EOF) {
		if (rc == SVC_READ_FATAL || rc == SVC_READ_BAD ||
		    (size_t)col >= rec.nf) {
			if (rc == SVC_READ_BAD)
				svc_err_set(e, SVC_EXIT_FATAL, name, rec.line_start,
				    0, "%s", bad.msg);
			else if (rc != SVC_READ_FATAL)
				svc_err_set(e, SVC_EXIT_FATAL, name, rec.line_start,
				    0, "no ticket_id field");
			svc_ids_free(*ids, *n);
			*ids = NULL;
			*n = 0;
			svc_reader_close(r);
			return -1;
		}
		if (rec.len[col] == 0)
			continue;
		svc_ids_add(ids, n, &cap, svc_xstrndup(rec.f[col],
		    rec.len[col]));
	}
	svc_reader_close(r);
	return 0;
}

void
svc_ids_add(char ***ids, size_t *n, size_t *cap, char *id)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*ids = svc_xrealloc(*ids, *cap * sizeof(**ids));
	}
	(*ids)[(*n)++] = id;
}

void
svc_ids_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
svc_read_ids_stdin(int all, int tty, char ***ids, size_t *n, int *none,
    struct svc_err *e)
{
	int empty = 0;

	*ids = NULL;
	*n = 0;
	*none = 0;
	if (all || tty)
		return 0;
	if (svc_read_ids(stdin, "<stdin>", ids, n, &empty, e) != 0)
		return -1;
	if (!empty && *n == 0)
		*none = 1;
	return 0;
}
