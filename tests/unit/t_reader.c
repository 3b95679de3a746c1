/* Unit tests: the CSV/TSV reader. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"
#include "tap.h"

static struct svc_reader *
open_str(const char *s, size_t n, FILE **fp, int delim)
{
	struct svc_reader_opts o;

	memset(&o, 0, sizeof(o));
	o.delim = delim;
	o.max_field = 64;
	o.max_lines = 5;
	*fp = fmemopen((void *)s, n, "rb");
	return svc_reader_open(*fp, "t.csv", &o);
}

/* svc_read_ids_stdin on standard input holding s: *none, or -2 when it
 * failed; the ids found in *n, ids NULL in *all. */
static int
ids_of(const char *s, size_t *n, int *all)
{
	FILE *fp = tmpfile();
	char **ids;
	struct svc_err e;
	int none = -1;

	if (fp == NULL || fwrite(s, 1, strlen(s), fp) != strlen(s) ||
	    fflush(fp) != 0 || dup2(fileno(fp), 0) < 0)
		return -2;
	fclose(fp);
	lseek(0, 0, SEEK_SET);
	clearerr(stdin);
	if (svc_read_ids_stdin(0, 0, &ids, n, &none, &e) != 0)
		return -2;
	*all = ids == NULL;
	svc_ids_free(ids, *n);
	return none;
}

int
main(void)
{
	static const char in1[] = "\xEF\xBB\xBFh1,h2\r\n\r\n\"multi\r\nline\",b\r\n"
	    "x,bad\"q\na,b\n";
	static const char in2[] = "a;b\n1;2\n";
	static const char in3[] = "a\tb\nx\\ty\tz\\\\\n";
	static const char in4[] = "a,b\n\"open,1\n2,3\n4,5\n";
	static const char in5[] = "a,b\n1,2,3\n\xff,1\n";
	struct svc_record r;
	struct svc_bad bad;
	struct svc_err e;
	struct svc_reader *rd;
	FILE *fp;

	rd = open_str(in1, sizeof(in1) - 1, &fp, 0);
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_OK, "header");
	is_str(r.f[0], "h1", "BOM dropped");
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_OK, "multi-line record");
	is_str(r.f[0], "multi\nline", "CRLF inside quotes read as LF");
	is_int(r.line_start, 3, "record starts on line 3");
	is_int(r.line_end, 4, "record ends on line 4");
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_BAD, "bare quote");
	is_str(bad.type, "bare_quote", "bare quote type");
	is_int(r.line_start, 5, "bad record on line 5");
	is_int(bad.col, 6, "error at byte 6");
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_OK, "recovers next line");
	is_int(r.line_start, 6, "next record on line 6");
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_EOF, "end");
	svc_reader_close(rd);
	fclose(fp);

	rd = open_str(in2, sizeof(in2) - 1, &fp, 0);
	svc_reader_next(rd, &r, &bad, &e);
	is_int(svc_reader_delim(rd), ';', "semicolon detected");
	svc_reader_close(rd);
	fclose(fp);

	rd = open_str(in3, sizeof(in3) - 1, &fp, 0);
	svc_reader_next(rd, &r, &bad, &e);
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_OK, "tsv row");
	is_str(r.f[0], "x\ty", "tsv \\t unescaped");
	is_str(r.f[1], "z\\", "tsv \\\\ unescaped");
	svc_reader_close(rd);
	fclose(fp);

	rd = open_str(in4, sizeof(in4) - 1, &fp, 0);
	svc_reader_next(rd, &r, &bad, &e);
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_BAD, "unterminated quote");
	is_str(bad.type, "unterminated_quote", "type");
	is_int(r.line_start, 2, "starts on line 2");
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_OK, "line 3 read again");
	is_int(r.line_start, 3, "line 3");
	is_str(r.f[0], "2", "value of line 3");
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_OK, "line 4");
	svc_reader_close(rd);
	fclose(fp);

	rd = open_str(in5, sizeof(in5) - 1, &fp, 0);
	svc_reader_next(rd, &r, &bad, &e);
	svc_reader_expect(rd, 2);
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_BAD, "ragged row");
	is_str(bad.type, "field_count", "field_count");
	is_int(svc_reader_next(rd, &r, &bad, &e), SVC_READ_BAD, "invalid UTF-8");
	is_str(bad.type, "invalid_utf8", "invalid_utf8");
	svc_reader_close(rd);
	fclose(fp);

	/* the pipeline contract: no bytes is all, a header alone none */
	{
		size_t n = 9;
		int all = -1;

		is_int(ids_of("", &n, &all), 0, "no bytes: something to do");
		ok(all == 1 && n == 0, "no bytes: all tickets");
		is_int(ids_of("ticket_id,change\n", &n, &all), 1,
		    "a header alone: nothing to do");
		ok(all == 1 && n == 0, "a header alone: no ids");
		is_int(ids_of("ticket_id\n\n", &n, &all), 1,
		    "a header and a blank line: nothing to do");
		is_int(ids_of("x,ticket_id\n1,\n", &n, &all), 1,
		    "rows with an empty ticket_id: nothing to do");
		is_int(ids_of("ticket_id\nA\nB\n", &n, &all), 0, "ids given");
		ok(all == 0 && n == 2, "ids given: two");
	}

	ok(svc_utf8_invalid("\xc3\xa9", 2) == (size_t)-1, "é is valid");
	ok(svc_utf8_invalid("\xed\xa0\x80", 3) == 0, "surrogate refused");
	ok(svc_utf8_invalid("\xc0\xaf", 2) == 0, "overlong refused");
	return tap_done();
}
