/* fuzz_tsv: the TSV (and CSV) writer and the reader agree.  The input,
 * split at NUL bytes, is one row of up to 16 values; written as TSV it
 * must read back as the same values, and written as CSV a value at risk
 * of formula injection must gain its leading quote and nothing else. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"
#include "out.h"
#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXV 16

static int
roundtrip(int fmt, const char *const *v, const size_t *len, size_t nv)
{
	static const char *const hdr[MAXV] = { "a", "b", "c", "d", "e", "f",
	    "g", "h", "i", "j", "k", "l", "m", "n", "o", "p" };
	struct svc_reader_opts o;
	struct svc_reader *r;
	struct svc_record rec;
	struct svc_bad bad;
	struct svc_err e;
	struct svc_out *out;
	char *buf = NULL;
	size_t blen = 0, i;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&buf, &blen)) == NULL)
		return 0;
	out = svc_out_open(fp, fmt, nv, hdr);
	svc_out_row(out, v, len);
	if (svc_out_close(out) != 0 || fclose(fp) != 0)
		__builtin_trap();
	memset(&o, 0, sizeof(o));
	o.delim = fmt == SVC_FMT_TSV ? '\t' : ',';
	o.max_field = o.max_record = 1u << 24;
	if ((fp = fmemopen(buf, blen, "rb")) == NULL) {
		free(buf);
		return 0;
	}
	r = svc_reader_open(fp, "fuzz", &o);
	memset(&e, 0, sizeof(e));
	if (r == NULL || svc_reader_next(r, &rec, &bad, &e) != SVC_READ_OK ||
	    rec.nf != nv)
		__builtin_trap();	/* the header */
	rc = svc_reader_next(r, &rec, &bad, &e);
	if (rc != SVC_READ_OK || rec.nf != nv)
		__builtin_trap();
	for (i = 0; i < nv; i++) {
		const char *want = v[i];
		size_t wn = len[i];

		if (fmt == SVC_FMT_CSV && svc_out_formula_risk(v[i], len[i])) {
			if (rec.len[i] != wn + 1 || rec.f[i][0] != '\'')
				__builtin_trap();
			if (memcmp(rec.f[i] + 1, want, wn) != 0)
				__builtin_trap();
			continue;
		}
		if (rec.len[i] != wn || memcmp(rec.f[i], want, wn) != 0)
			__builtin_trap();
	}
	if (svc_reader_next(r, &rec, &bad, &e) != SVC_READ_EOF)
		__builtin_trap();
	svc_reader_close(r);
	fclose(fp);
	free(buf);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *v[MAXV];
	size_t len[MAXV], nv = 0, i, start = 0;
	char *copy;

	/* the reader takes UTF-8 only (and drops a BOM, reads CRLF as LF in
	 * CSV), so the values are what it could have been given */
	if (size > 4096 || svc_utf8_invalid((const char *)data, size) != (size_t)-1)
		return 0;
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0; i <= size && nv < MAXV; i++)
		if (i == size || copy[i] == '\0') {
			v[nv] = copy + start;
			len[nv++] = i - start;
			start = i + 1;
		}
	/* a row of one empty value is a blank line */
	if (nv < 2) {
		v[nv] = "x";
		len[nv++] = 1;
	}
	roundtrip(SVC_FMT_TSV, v, len, nv);
	for (i = 0; i < nv; i++)
		if (memchr(v[i], '\r', len[i]) ||
		    (len[i] >= 3 && memcmp(v[i], "\xef\xbb\xbf", 3) == 0))
			break;
	if (i == nv)
		roundtrip(SVC_FMT_CSV, v, len, nv);
	free(copy);
	return 0;
}
