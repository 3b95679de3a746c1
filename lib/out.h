/* out.h: writing records as table, tsv, csv, json (and md).
 *
 * TSV escapes tab, newline, carriage return and backslash as \t \n \r \\.
 * CSV is RFC 4180 and neutralises formula injection: a cell that starts
 * with = + - @ tab or CR gets a leading ' unless it is a plain number.
 * JSON is an array of objects keyed by the header.  table and md buffer
 * the rows to align them; the others stream.
 */
#ifndef SVC_OUT_H
#define SVC_OUT_H

#include <stdio.h>

struct svc_out;

/* Start output of ncols columns named cols in format fmt (enum svc_format). */
struct svc_out *svc_out_open(FILE *fp, int fmt, size_t ncols,
    const char *const *cols);
/* One row; v[i] may be NULL (empty in text formats, null in json).
 * len may be NULL (strlen is used). */
void svc_out_row(struct svc_out *o, const char *const *v, const size_t *len);
/* Flush and free; returns 0, or -1 when writing failed. */
int svc_out_close(struct svc_out *o);

/* Does s (n bytes) need a leading ' in a spreadsheet cell? */
int svc_out_formula_risk(const char *s, size_t n);

#endif
