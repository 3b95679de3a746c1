/* fuzz_reader: the CSV/TSV reader on any bytes.  The first byte picks the
 * delimiter (detected, comma, tab, semicolon) and small caps, so that the
 * field, record, line and field-count limits are reached; the rest is the
 * file. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { 0, ',', '\t', ';' };
	struct svc_reader_opts o;
	struct svc_reader *r;
	struct svc_record rec;
	struct svc_bad bad;
	struct svc_err e;
	FILE *fp;
	int rc, n = 0;

	if (size < 1)
		return 0;
	memset(&o, 0, sizeof(o));
	o.delim = delims[data[0] & 3];
	o.encoding = (data[0] >> 2) % 3;
	if (data[0] & 0x20) {
		o.max_field = 64;
		o.max_record = 256;
		o.max_lines = 4;
		o.max_fields = 8;
	}
	if ((fp = fmemopen((void *)(data + 1), size - 1 ? size - 1 : 1,
	    "rb")) == NULL)
		return 0;
	if (size == 1)
		fgetc(fp);	/* an empty file */
	if ((r = svc_reader_open(fp, "fuzz", &o)) == NULL) {
		fclose(fp);
		return 0;
	}
	memset(&e, 0, sizeof(e));
	while ((rc = svc_reader_next(r, &rec, &bad, &e)) == SVC_READ_OK ||
	    rc == SVC_READ_BAD) {
		size_t i;

		/* every value is a NUL-terminated string of its length */
		if (rc == SVC_READ_OK)
			for (i = 0; i < rec.nf; i++)
				if (strlen(rec.f[i]) > rec.len[i])
					__builtin_trap();
		if (rec.line_end < rec.line_start)
			__builtin_trap();
		if (++n > 100000)
			break;
	}
	svc_reader_close(r);
	fclose(fp);
	return 0;
}
