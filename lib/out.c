/* out.c: record writers. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "opt.h"
#include "out.h"

struct svc_out {
	FILE *fp;
	int fmt;
	size_t ncols;
	char **cols;
	size_t nrows;
	struct svc_buf cells;	/* table/md: all cells, NUL-separated */
	int first;
};

int
svc_out_formula_risk(const char *s, size_t n)
{
	size_t i = 0;
	int digits = 0, dot = 0;

	if (n == 0)
		return 0;
	if (s[0] != '=' && s[0] != '+' && s[0] != '-' && s[0] != '@' &&
	    s[0] != '\t' && s[0] != '\r')
		return 0;
	/* a plain number such as -5 or +1.25 stays as it is */
	if (s[0] == '-' || s[0] == '+') {
		for (i = 1; i < n; i++) {
			if (isdigit((unsigned char)s[i]))
				digits++;
			else if (s[i] == '.' && !dot)
				dot = 1;
			else
				break;
		}
		if (i == n && digits > 0)
			return 0;
	}
	return 1;
}

struct svc_out *
svc_out_open(FILE *fp, int fmt, size_t ncols, const char *const *cols)
{
	struct svc_out *o = svc_xcalloc(1, sizeof(*o));
	size_t i;

	o->fp = fp;
	o->fmt = fmt;
	o->ncols = ncols;
	o->cols = svc_xcalloc(ncols ? ncols : 1, sizeof(char *));
	for (i = 0; i < ncols; i++)
		o->cols[i] = svc_xstrdup(cols[i]);
	o->first = 1;
	switch (fmt) {
	case SVC_FMT_TSV:
	case SVC_FMT_CSV:
		svc_out_row(o, cols, NULL);
		o->nrows = 0;
		break;
	case SVC_FMT_JSON:
		fputc('[', fp);
		break;
	default:
		break;
	}
	return o;
}

static void
put_tsv(FILE *fp, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		const char *esc;

		switch (s[i]) {
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\\': esc = "\\\\"; break;
		default: continue;
		}
		fwrite(s + from, 1, i - from, fp);
		fputs(esc, fp);
		from = i + 1;
	}
	fwrite(s + from, 1, n - from, fp);
}

static void
put_csv(FILE *fp, const char *s, size_t n)
{
	size_t i;
	int risk = svc_out_formula_risk(s, n), quote = risk;

	for (i = 0; i < n && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
		quote = 1;
	if (!quote) {
		fwrite(s, 1, n, fp);
		return;
	}
	fputc('"', fp);
	if (risk)
		fputc('\'', fp);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', fp);
		fputc(s[i], fp);
	}
	fputc('"', fp);
}

void
svc_out_row(struct svc_out *o, const char *const *v, const size_t *len)
{
	size_t i;
	struct svc_buf b = { 0 };

	for (i = 0; i < o->ncols; i++) {
		const char *s = v[i];
		size_t n = s ? (len ? len[i] : strlen(s)) : 0;

		switch (o->fmt) {
		case SVC_FMT_TSV:
			if (i)
				fputc('\t', o->fp);
			put_tsv(o->fp, s ? s : "", n);
			break;
		case SVC_FMT_CSV:
			if (i)
				fputc(',', o->fp);
			put_csv(o->fp, s ? s : "", n);
			break;
		case SVC_FMT_JSON:
			svc_buf_adds(&b, i ? "," : (o->first ? "\n{" : ",\n{"));
			svc_buf_json_str(&b, o->cols[i], strlen(o->cols[i]));
			svc_buf_addc(&b, ':');
			if (s)
				svc_buf_json_str(&b, s, n);
			else
				svc_buf_adds(&b, "null");
			break;
		default: {
			size_t j;

			/* table, md: keep for alignment, one line per cell */
			for (j = 0; j < n; j++) {
				char c = s[j];

				if (c == '\n' || c == '\r' || c == '\t')
					svc_buf_adds(&o->cells, c == '\n' ? "\\n" :
					    c == '\r' ? "\\r" : "\\t");
				else if (o->fmt == SVC_FMT_MD && c == '|')
					svc_buf_adds(&o->cells, "\\|");
				else
					svc_buf_addc(&o->cells, c);
			}
			svc_buf_addc(&o->cells, '\0');
		}
		}
	}
	switch (o->fmt) {
	case SVC_FMT_TSV:
	case SVC_FMT_CSV:
		fputc('\n', o->fp);
		break;
	case SVC_FMT_JSON:
		if (o->ncols == 0)
			svc_buf_adds(&b, o->first ? "\n{" : ",\n{");
		svc_buf_addc(&b, '}');
		fwrite(b.s, 1, b.len, o->fp);
		break;
	default:
		break;
	}
	o->first = 0;
	o->nrows++;
	svc_buf_free(&b);
}

/* Display width of UTF-8 text: code points, not bytes. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static void
pad(FILE *fp, size_t n)
{
	while (n--)
		fputc(' ', fp);
}

static void
flush_table(struct svc_out *o)
{
	size_t *w = svc_xcalloc(o->ncols ? o->ncols : 1, sizeof(*w));
	const char **cell = svc_xcalloc(o->nrows * o->ncols + 1, sizeof(char *));
	size_t r, c, k = 0, off = 0;
	int md = o->fmt == SVC_FMT_MD;

	for (r = 0; r < o->nrows * o->ncols; r++) {
		cell[r] = o->cells.s + off;
		off += strlen(cell[r]) + 1;
	}
	for (c = 0; c < o->ncols; c++)
		w[c] = width(o->cols[c]);
	for (r = 0; r < o->nrows; r++)
		for (c = 0; c < o->ncols; c++) {
			size_t x = width(cell[r * o->ncols + c]);

			if (x > w[c])
				w[c] = x;
		}
	for (c = 0; c < o->ncols; c++) {
		fputs(md ? (c ? " | " : "| ") : (c ? "  " : ""), o->fp);
		fputs(o->cols[c], o->fp);
		if (md || c + 1 < o->ncols)
			pad(o->fp, w[c] - width(o->cols[c]));
	}
	fputs(md ? " |\n" : "\n", o->fp);
	if (md) {
		for (c = 0; c < o->ncols; c++) {
			size_t i;

			fputs(c ? " | " : "| ", o->fp);
			for (i = 0; i < (w[c] < 3 ? 3 : w[c]); i++)
				fputc('-', o->fp);
		}
		fputs(" |\n", o->fp);
	}
	for (r = 0; r < o->nrows; r++) {
		for (c = 0; c < o->ncols; c++, k++) {
			fputs(md ? (c ? " | " : "| ") : (c ? "  " : ""), o->fp);
			fputs(cell[k], o->fp);
			if (md || c + 1 < o->ncols)
				pad(o->fp, w[c] - width(cell[k]));
		}
		fputs(md ? " |\n" : "\n", o->fp);
	}
	free(w);
	free(cell);
}

int
svc_out_close(struct svc_out *o)
{
	size_t i;
	int rc;

	if (o == NULL)
		return 0;
	if (o->fmt == SVC_FMT_JSON)
		fputs(o->first ? "]\n" : "\n]\n", o->fp);
	else if (o->fmt == SVC_FMT_TABLE || o->fmt == SVC_FMT_MD ||
	    o->fmt == SVC_FMT_HTML)
		flush_table(o);
	rc = fflush(o->fp) != 0 || ferror(o->fp) ? -1 : 0;
	for (i = 0; i < o->ncols; i++)
		free(o->cols[i]);
	free(o->cols);
	svc_buf_free(&o->cells);
	free(o);
	return rc;
}
