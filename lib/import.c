/* import.c: files into the database, typed, with history, nothing lost. */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cond.h"
#include "config.h"
#include "import.h"
#include "keyset.h"
#include "opt.h"
#include "reader.h"
#include "status.h"
#include "timeutil.h"
#include "value.h"

#define MAXSHOW 200		/* bytes of a bad value quoted in messages */

/* ---- a decoded staged row ---- */

enum { V_ABSENT, V_NULL, V_TEXT, V_JSON, V_INT };

struct val {
	const char *s;
	size_t n;
	int64_t i;		/* V_INT */
	int tag;		/* V_* */
};

struct attr {
	const char *key;
	size_t klen;
	struct val v;
};

struct row {
	struct val f[SVC_NFIELDS];
	struct attr *a;
	size_t na, acap;
};

/* ---- the current state of one ticket while applying ---- */

struct sattr {
	char *key;
	char *val;		/* NULL: null */
	int json;
};

struct ev {
	char *field;
	int64_t at;
	char *old, *new_;
};

struct imp {
	const struct svc_import_opts *o;
	struct svc_import_result *res;
	struct svc_db *db;
	const char *file;
	struct svc_map map;
	char **hdr;
	size_t ncol;
	int *grp_first;		/* per unmapped column: first column of its key */
	int *grp_count;
	struct svc_time_ctx tctx;
	struct svc_buf blob, tmp;
	sqlite3_stmt *st_stage, *st_rej;
	sqlite3_stmt *st_note;	/* into import_notes, or temp.note staged */
	struct svc_buf pend;	/* notes of the record being typed */
	int64_t run;
	int defer_rejects;	/* report rejects once the pass is over */
	long rej_pos;		/* character in a condition of the reject */
	struct svc_keyset seen;	/* tickets met in this file */
	uint32_t nstaged;
	FILE *chg;		/* changes noted for standard output */
	int chg_err;
	struct svc_audit aud;	/* the run's changes to tickets */
};

static void
put_u32(struct svc_buf *b, size_t v)
{
	unsigned char c[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
	    (unsigned char)(v >> 8), (unsigned char)v };

	svc_buf_add(b, c, 4);
}

static size_t
get_u32(const unsigned char *p)
{
	return ((size_t)p[0] << 24) | ((size_t)p[1] << 16) |
	    ((size_t)p[2] << 8) | p[3];
}

static void
put_val(struct svc_buf *b, int tag, const char *s, size_t n)
{
	svc_buf_addc(b, tag);
	if (tag == V_TEXT || tag == V_JSON) {
		put_u32(b, n);
		svc_buf_add(b, s, n);
	}
}

static void
put_int(struct svc_buf *b, int64_t v)
{
	unsigned char c[9];
	uint64_t u = (uint64_t)v;
	int k;

	c[0] = V_INT;
	for (k = 8; k >= 1; k--) {
		c[k] = (unsigned char)u;
		u >>= 8;
	}
	svc_buf_add(b, c, 9);
}

static void
put_v(struct svc_buf *b, const struct val *v)
{
	if (v->tag == V_INT)
		put_int(b, v->i);
	else
		put_val(b, v->tag, v->s, v->n);
}

static const unsigned char *
get_val(const unsigned char *p, struct val *v)
{
	v->tag = *p++;
	v->s = NULL;
	v->n = 0;
	if (v->tag == V_INT) {
		uint64_t u = 0;
		int k;

		for (k = 0; k < 8; k++)
			u = (u << 8) | *p++;
		v->i = (int64_t)u;
	} else if (v->tag >= 2) {
		v->n = get_u32(p);
		p += 4;
		v->s = (const char *)p;
		p += v->n;
	}
	return p;
}

static void
decode(const unsigned char *p, struct row *r)
{
	size_t i, na;

	for (i = 0; i < SVC_NFIELDS; i++)
		p = get_val(p, &r->f[i]);
	na = get_u32(p);
	p += 4;
	if (na > r->acap) {
		r->acap = na;
		r->a = svc_xrealloc(r->a, na * sizeof(*r->a));
	}
	r->na = na;
	for (i = 0; i < na; i++) {
		r->a[i].klen = get_u32(p);
		p += 4;
		r->a[i].key = (const char *)p;
		p += r->a[i].klen;
		p = get_val(p, &r->a[i].v);
	}
}

int
svc_import_kind(const char *name)
{
	if (strcmp(name, "tickets") == 0)
		return SVC_KIND_TICKETS;
	if (strcmp(name, "events") == 0)
		return SVC_KIND_EVENTS;
	if (strcmp(name, "people") == 0)
		return SVC_KIND_PEOPLE;
	if (strcmp(name, "catalog") == 0)
		return SVC_KIND_CATALOG;
	if (strcmp(name, "priority") == 0)
		return SVC_KIND_PRIORITY;
	if (strcmp(name, "routing") == 0)
		return SVC_KIND_ROUTING;
	if (strcmp(name, "classify") == 0)
		return SVC_KIND_CLASSIFY;
	if (strcmp(name, "calendars") == 0)
		return SVC_KIND_CALENDARS;
	if (strcmp(name, "holidays") == 0)
		return SVC_KIND_HOLIDAYS;
	if (strcmp(name, "policies") == 0)
		return SVC_KIND_POLICIES;
	if (strcmp(name, "escalations") == 0)
		return SVC_KIND_ESCALATIONS;
	if (strcmp(name, "reasons") == 0)
		return SVC_KIND_REASONS;
	if (strcmp(name, "measures") == 0)
		return SVC_KIND_MEASURES;
	if (strcmp(name, "statuses") == 0)
		return SVC_KIND_STATUSES;
	return -1;
}

const char *
svc_import_kind_name(int kind)
{
	static const char *const n[] = { "", "tickets", "events", "people",
	    "catalog", "priority", "routing", "classify", "calendars",
	    "holidays", "policies", "escalations", "reasons", "measures",
	    "statuses" };

	return kind >= 1 && kind <= SVC_KIND_STATUSES ? n[kind] : "";
}

static int
is_null(const struct svc_import_opts *o, const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < o->nnulls; i++)
		if (strlen(o->nulls[i]) == n && memcmp(o->nulls[i], s, n) == 0)
			return 1;
	return 0;
}

/* ---- rejects ---- */

static void
show(char *buf, size_t bn, const char *s, size_t n)
{
	if (n > MAXSHOW)
		snprintf(buf, bn, "%.*s...", MAXSHOW, s);
	else
		snprintf(buf, bn, "%.*s", (int)n, s);
}

/* Tell the user about a reject: the callback and the --rejects file. */
static void
reject_emit(struct imp *im, long ls, long le, long col, const char *field,
    const char *type, const char *msg, const char *raw, size_t rawlen)
{
	const struct svc_import_opts *o = im->o;
	struct svc_err re;

	svc_err_clear(&re);
	svc_err_set(&re, SVC_EXIT_REJECTS, im->file, ls, col, "%s", msg);
	re.pos = im->rej_pos;
	if (o->on_reject)
		o->on_reject(o->ud, &re);
	if (o->rejects) {
		char l1[24], l2[24], cols[24];
		const char *v[8];
		size_t len[8];

		snprintf(l1, sizeof(l1), "%ld", ls);
		snprintf(l2, sizeof(l2), "%ld", le);
		snprintf(cols, sizeof(cols), "%ld", col);
		v[0] = im->file; v[1] = l1; v[2] = l2; v[3] = col ? cols : "";
		v[4] = field ? field : ""; v[5] = type; v[6] = msg;
		v[7] = raw ? raw : "";
		len[0] = strlen(v[0]); len[1] = strlen(l1); len[2] = strlen(l2);
		len[3] = strlen(v[3]); len[4] = strlen(v[4]); len[5] = strlen(type);
		len[6] = strlen(msg); len[7] = raw ? rawlen : 0;
		svc_out_row(o->rejects, v, len);
	}
}

/* Count, report (unless deferred) and store a reject. */
static int
reject(struct imp *im, long ls, long le, long col, const char *field,
    const char *type, const char *msg, const char *raw, size_t rawlen,
    struct svc_err *e)
{
	int rc;

	im->res->rejected++;
	if (!im->defer_rejects)
		reject_emit(im, ls, le, col, field, type, msg, raw, rawlen);
	if (im->st_rej == NULL)
		return 0;
	sqlite3_bind_int64(im->st_rej, 1, ls);
	sqlite3_bind_int64(im->st_rej, 2, le);
	if (col)
		sqlite3_bind_int64(im->st_rej, 3, col);
	else
		sqlite3_bind_null(im->st_rej, 3);
	if (field)
		sqlite3_bind_text(im->st_rej, 4, field, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(im->st_rej, 4);
	sqlite3_bind_text(im->st_rej, 5, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->st_rej, 6, msg, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(im->st_rej, 7, raw, (int)rawlen, SQLITE_TRANSIENT);
	rc = sqlite3_step(im->st_rej);
	sqlite3_reset(im->st_rej);
	if (rc != SQLITE_DONE)
		return svc_db_fail(im->db, rc, e, "staging a reject");
	return 0;
}

/* ---- notes: values read as missing ---- */

/* Count a note of kind for column col, headed column. */
static void
note_count(struct imp *im, int col, const char *column, const char *kind)
{
	struct svc_import_result *res = im->res;
	size_t i;

	res->noted++;
	for (i = 0; i < res->nnotes; i++)
		if (strcmp(res->notes[i].kind, kind) == 0 &&
		    strcmp(res->notes[i].column, column) == 0)
			break;
	if (i == res->nnotes) {
		if (i == SVC_IMPORT_NOTECOLS)
			i--;	/* more columns than that: the last counts */
		else {
			res->nnotes++;
			snprintf(res->notes[i].column,
			    sizeof(res->notes[i].column), "%s", column);
			res->notes[i].kind = kind;
			res->notes[i].col = col;
			res->notes[i].n = 0;
		}
	}
	res->notes[i].n++;
}

/* Order the counts of notes: placeholders first, then by column, the
 * same whether the file streamed or was staged. */
static void
notes_sort(struct svc_import_result *res)
{
	size_t i, j;

	for (i = 1; i < res->nnotes; i++)
		for (j = i; j > 0; j--) {
			struct svc_import_note *a = &res->notes[j - 1];
			struct svc_import_note *b = &res->notes[j];
			struct svc_import_note t;
			int ka = strcmp(a->kind, "placeholder") != 0;
			int kb = strcmp(b->kind, "placeholder") != 0;

			if (ka < kb || (ka == kb && a->col <= b->col))
				break;
			t = *a;
			*a = *b;
			*b = t;
		}
}

/* Count and store (when there is a database) one note: the value of
 * field f in column col of the record at line, for ticket tid. */
static int
note_store(struct imp *im, long line, int col, int f, const char *tid,
    size_t tlen, const char *val, size_t vlen, const char *kind,
    const char *reason, struct svc_err *e)
{
	sqlite3_stmt *st = im->st_note;
	int rc;

	note_count(im, col, im->hdr[col], kind);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, im->run);
	sqlite3_bind_text(st, 2, im->file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, line);
	sqlite3_bind_text(st, 4, im->hdr[col], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, svc_tfields[f].name, -1, SQLITE_STATIC);
	if (tid)
		sqlite3_bind_text(st, 6, tid, (int)tlen, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_text(st, 7, val, (int)vlen, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, reason, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(im->db, rc, e, "storing a note");
	return 0;
}

/* A placeholder met while typing (on the reading thread): kept in
 * im->pend until the record is known to load. */
static void
note_pend(struct imp *im, int col, int f, const char *s, size_t n,
    const char *reason)
{
	struct svc_buf *b = &im->pend;
	size_t rl = strlen(reason);

	if (n > MAXSHOW)
		n = MAXSHOW;
	put_u32(b, (size_t)col);
	put_u32(b, (size_t)f);
	put_u32(b, n);
	svc_buf_add(b, s, n);
	put_u32(b, rl);
	svc_buf_add(b, reason, rl);
}

/* Store the pending notes p (n bytes) of the record at line. */
static int
notes_flush(struct imp *im, const unsigned char *p, size_t n, long line,
    const char *tid, size_t tlen, struct svc_err *e)
{
	const unsigned char *end;
	char reason[200];

	if (n == 0)
		return 0;
	end = p + n;
	while (p < end) {
		int col = (int)get_u32(p), f = (int)get_u32(p + 4);
		size_t vn = get_u32(p + 8), rn;
		const char *v = (const char *)p + 12;

		p += 12 + vn;
		rn = get_u32(p);
		snprintf(reason, sizeof(reason), "%.*s", (int)rn, p + 4);
		p += 4 + rn;
		if (note_store(im, line, col, f, tid, tlen, v, vn,
		    "placeholder", reason, e) != 0)
			return -1;
	}
	return 0;
}

/* ---- phase 1: typing ---- */

/* The key of a typed ticket row; tid points into the record. */
struct key {
	const char *tid;
	size_t tlen;
	int64_t upd;
	int has_upd;
	long line;		/* where the record starts */
};

struct tyerr {
	const char *type;
	int col;
	long pos;		/* character in a condition, or 0 */
	char msg[700];
};

/* Type the value s of field f from column col.  Returns TY_TEXT (the value
 * is s itself), TY_NULL, TY_INT (in *out), -1 (te filled: reject) or -2
 * (fatal, e filled). */
enum { TY_TEXT, TY_NULL, TY_INT };

static int
type_value(struct imp *im, int f, int col, const char *s, size_t n,
    int64_t *out, struct tyerr *te, struct svc_err *e)
{
	char why[200], shown[MAXSHOW + 8];
	const char *ph;
	int64_t v = 0;
	int rc, unit;

	switch (svc_tfields[f].type) {
	case SVC_FT_TEXT:
		return TY_TEXT;
	case SVC_FT_LEVEL3:
	case SVC_FT_LEVEL5:
		if (svc_value_level(s, n, svc_tfields[f].type == SVC_FT_LEVEL3 ?
		    3 : 5, &v) != 0) {
			te->type = "bad_value";
			show(shown, sizeof(shown), s, n);
			snprintf(te->msg, sizeof(te->msg), "column '%s': cannot "
			    "read '%s' as a %s (a number, '2 - Medium', or a "
			    "word such as High)", im->hdr[col], shown,
			    svc_tfields[f].name);
			return -1;
		}
		break;
	case SVC_FT_INT:
		if (svc_value_int(s, n, &v) != 0 || v < 0) {
			te->type = "bad_number";
			show(shown, sizeof(shown), s, n);
			snprintf(te->msg, sizeof(te->msg), "column '%s': cannot "
			    "read '%s' as a whole number", im->hdr[col], shown);
			return -1;
		}
		break;
	case SVC_FT_CSAT:
		if (svc_value_csat(s, n, &v) != 0) {
			te->type = "bad_value";
			show(shown, sizeof(shown), s, n);
			snprintf(te->msg, sizeof(te->msg), "column '%s': cannot "
			    "read '%s' as a rating (1-5, Good or Bad)",
			    im->hdr[col], shown);
			return -1;
		}
		if (v == -2)
			return TY_NULL;	/* no rating */
		break;
	case SVC_FT_TIME:
		rc = svc_time_parse(s, n, &im->tctx, &v, why, sizeof(why));
		if (rc != SVC_TIME_AMBIGUOUS && (ph = svc_time_placeholder(s, n,
		    rc == SVC_TIME_OK, v)) != NULL) {
			/* "no time": missing, noted */
			note_pend(im, col, f, s, n, ph);
			return TY_NULL;
		}
		if (rc == SVC_TIME_AMBIGUOUS) {
			svc_err_set(e, SVC_EXIT_FATAL, im->file, 0, 0,
			    "column '%s': %s; give --date-order dmy or mdy",
			    im->hdr[col], why);
			return -2;
		}
		if (rc != SVC_TIME_OK) {
			te->type = "bad_time";
			show(shown, sizeof(shown), s, n);
			snprintf(te->msg, sizeof(te->msg), "column '%s': cannot "
			    "read '%s' as a time: %s", im->hdr[col], shown, why);
			return -1;
		}
		break;
	case SVC_FT_DURATION:
	case SVC_FT_AFTER:
		unit = im->map.col_unit[col] ? im->map.col_unit[col] :
		    (svc_tfields[f].type == SVC_FT_AFTER ? 60 : 1);
		if (svc_time_duration(s, n, unit, &v) != 0) {
			te->type = "bad_duration";
			show(shown, sizeof(shown), s, n);
			snprintf(te->msg, sizeof(te->msg), "column '%s': cannot "
			    "read '%s' as a duration (HH:MM[:SS] or a number)",
			    im->hdr[col], shown);
			return -1;
		}
		break;
	}
	*out = v;
	return TY_INT;
}

/* Type rec into im->blob.  Returns 0, -1 (te filled: reject) or -2 (fatal,
 * e filled). */
static int
type_record(struct imp *im, const struct svc_record *rec, struct key *k,
    struct tyerr *te, struct svc_err *e)
{
	struct svc_buf *b = &im->blob;
	const struct svc_map *m = &im->map;
	int f, col, rc;
	size_t i, na = 0, napos;
	int64_t created = 0, after = 0, iv = 0;
	int has_created = 0, has_after = 0;

	svc_buf_reset(b);
	svc_buf_reset(&im->pend);
	k->has_upd = 0;
	k->upd = 0;
	k->tid = NULL;
	k->tlen = 0;
	k->line = rec->line_start;
	for (f = 0; f < SVC_NFIELDS_ALL; f++) {
		const char *s;
		size_t n;

		col = m->field_col[f];
		if (col < 0) {
			if (f < SVC_NFIELDS) {
				if (f == SVC_F_FIRST_RESPONSE_AT &&
				    m->field_col[SVC_F_FIRST_RESPONSE_AFTER] >= 0)
					continue;	/* filled below */
				svc_buf_addc(b, 0);
			}
			continue;
		}
		s = rec->f[col];
		n = rec->len[col];
		if (is_null(im->o, s, n)) {
			if (f == SVC_F_TICKET_ID) {
				te->type = "missing_key";
				te->col = col;
				snprintf(te->msg, sizeof(te->msg), "column '%s': "
				    "empty ticket id", im->hdr[col]);
				return -1;
			}
			if (f < SVC_NFIELDS)
				svc_buf_addc(b, 1);
			continue;
		}
		rc = type_value(im, f, col, s, n, &iv, te, e);
		if (rc == -2)
			return -2;
		if (rc == -1) {
			te->col = col;
			return -1;
		}
		if (f == SVC_F_FIRST_RESPONSE_AFTER) {
			if (rc == TY_INT) {
				after = iv;
				has_after = 1;
			}
			continue;
		}
		if (rc == TY_NULL) {
			svc_buf_addc(b, V_NULL);
			continue;
		}
		if (f == SVC_F_TICKET_ID) {
			k->tid = s;
			k->tlen = n;
		}
		if (f == SVC_F_UPDATED_AT) {
			k->upd = iv;
			k->has_upd = 1;
		}
		if (f == SVC_F_CREATED_AT) {
			created = iv;
			has_created = 1;
		}
		if (rc == TY_INT)
			put_int(b, iv);
		else
			put_val(b, V_TEXT, s, n);
	}
	/* first_response_at derived from "first reply after" durations */
	if (m->field_col[SVC_F_FIRST_RESPONSE_AT] < 0 &&
	    m->field_col[SVC_F_FIRST_RESPONSE_AFTER] >= 0) {
		/* rebuild: field order puts first_response_at right after
		 * created_at, so splice it in there */
		struct svc_buf nb = { 0 };
		const unsigned char *p = (const unsigned char *)b->s;
		struct val v;

		for (f = 0; f < SVC_NFIELDS; f++) {
			if (f == SVC_F_FIRST_RESPONSE_AT) {
				if (has_after && has_created)
					put_int(&nb, created + after);
				else
					svc_buf_addc(&nb, V_NULL);
				continue;
			}
			p = get_val(p, &v);
			put_v(&nb, &v);
		}
		svc_buf_free(b);
		*b = nb;
	}
	/* attrs */
	napos = b->len;
	put_u32(b, 0);
	for (i = 0; i < m->ncol; i++) {
		size_t c;

		if (m->col_field[i] >= 0 || im->grp_first[i] != (int)i)
			continue;
		na++;
		put_u32(b, strlen(m->col_key[i]));
		svc_buf_adds(b, m->col_key[i]);
		if (im->grp_count[i] == 1) {
			if (is_null(im->o, rec->f[i], rec->len[i]))
				svc_buf_addc(b, 1);
			else
				put_val(b, 2, rec->f[i], rec->len[i]);
			continue;
		}
		svc_buf_reset(&im->tmp);
		svc_buf_addc(&im->tmp, '[');
		for (c = i; c < m->ncol; c++) {
			if (im->grp_first[c] != (int)i)
				continue;
			if (im->tmp.len > 1)
				svc_buf_addc(&im->tmp, ',');
			if (is_null(im->o, rec->f[c], rec->len[c]))
				svc_buf_adds(&im->tmp, "null");
			else
				svc_buf_json_str(&im->tmp, rec->f[c], rec->len[c]);
		}
		svc_buf_addc(&im->tmp, ']');
		put_val(b, 3, im->tmp.s, im->tmp.len);
	}
	{
		unsigned char *p = (unsigned char *)b->s + napos;

		p[0] = (unsigned char)(na >> 24);
		p[1] = (unsigned char)(na >> 16);
		p[2] = (unsigned char)(na >> 8);
		p[3] = (unsigned char)na;
	}
	return 0;
}

static void
group_columns(struct imp *im)
{
	size_t i, j;

	im->grp_first = svc_xcalloc(im->ncol ? im->ncol : 1, sizeof(int));
	im->grp_count = svc_xcalloc(im->ncol ? im->ncol : 1, sizeof(int));
	for (i = 0; i < im->ncol; i++) {
		im->grp_first[i] = -1;
		if (im->map.col_field[i] >= 0)
			continue;
		for (j = 0; j < i; j++)
			if (im->map.col_field[j] < 0 && im->grp_first[j] == (int)j &&
			    strcmp(im->map.col_key[j], im->map.col_key[i]) == 0)
				break;
		if (j < i) {
			im->grp_first[i] = (int)j;
			im->grp_count[j]++;
		} else {
			im->grp_first[i] = (int)i;
			im->grp_count[i] = 1;
		}
	}
}

/* ---- preview ---- */

static void
preview_row(struct imp *im, struct svc_out *out, const struct row *r)
{
	const char *v[SVC_NFIELDS + 1];
	size_t len[SVC_NFIELDS + 1];
	char tbuf[SVC_NFIELDS][40];
	int f, k = 0;
	size_t i;
	struct svc_buf a = { 0 };

	for (f = 0; f < SVC_NFIELDS; f++) {
		const struct val *x = &r->f[f];

		if (im->map.field_col[f] < 0 && !(f == SVC_F_FIRST_RESPONSE_AT &&
		    im->map.field_col[SVC_F_FIRST_RESPONSE_AFTER] >= 0))
			continue;
		if (x->tag < 2) {
			v[k] = NULL;
			len[k++] = 0;
			continue;
		}
		if (x->tag == V_INT) {
			if (svc_tfields[f].type == SVC_FT_TIME)
				svc_time_format(x->i, tbuf[f], sizeof(tbuf[f]));
			else
				snprintf(tbuf[f], sizeof(tbuf[f]), "%lld",
				    (long long)x->i);
			v[k] = tbuf[f];
			len[k++] = strlen(tbuf[f]);
			continue;
		}
		v[k] = x->s;
		len[k++] = x->n;
	}
	svc_buf_addc(&a, '{');
	for (i = 0; i < r->na; i++) {
		if (i)
			svc_buf_addc(&a, ',');
		svc_buf_json_str(&a, r->a[i].key, r->a[i].klen);
		svc_buf_addc(&a, ':');
		if (r->a[i].v.tag == 1)
			svc_buf_adds(&a, "null");
		else if (r->a[i].v.tag == 3)
			svc_buf_add(&a, r->a[i].v.s, r->a[i].v.n);
		else
			svc_buf_json_str(&a, r->a[i].v.s, r->a[i].v.n);
	}
	svc_buf_addc(&a, '}');
	v[k] = a.s;
	len[k++] = a.len;
	svc_out_row(out, v, len);
	svc_buf_free(&a);
}

static struct svc_out *
preview_open(struct imp *im)
{
	const char *cols[SVC_NFIELDS + 1];
	int f, k = 0;

	if (im->o->raw)
		return svc_out_open(im->o->out, im->o->format, im->ncol,
		    (const char *const *)im->hdr);
	for (f = 0; f < SVC_NFIELDS; f++)
		if (im->map.field_col[f] >= 0 || (f == SVC_F_FIRST_RESPONSE_AT &&
		    im->map.field_col[SVC_F_FIRST_RESPONSE_AFTER] >= 0))
			cols[k++] = svc_tfields[f].name;
	cols[k++] = "attrs";
	return svc_out_open(im->o->out, im->o->format, (size_t)k, cols);
}

/* ---- phase 2: applying ticket rows ---- */

/* A stored value while applying: V_NULL, V_TEXT or V_INT.  Buffers are kept
 * between tickets. */
struct tv {
	char *s;
	size_t n, cap;
	int64_t i;
	int tag;
};

struct tstate {
	struct tv v[SVC_NFIELDS];
	struct sattr *a;
	size_t na, acap;
	int existed, has_orig, dirty, is_new, created;
	int64_t orig_upd;
	struct ev *ev;
	size_t nev, evcap;
	int ev_loaded;
};

/* Streaming met a row that needs the sorted path. */
enum { APPLY_UNORDERED = 1 };

struct apply {
	struct imp *im;
	sqlite3_stmt *sel, *sel_attrs, *ins, *upd, *ins_ev, *sel_ev;
	struct tstate t;
	struct svc_buf tid;	/* the current ticket, NUL-terminated */
	int have;		/* a ticket is current */
	int strict;		/* streaming: rows must come grouped, in order */
	int fresh;		/* strict, and no tickets stored before */
	int64_t last_at;	/* time of the current ticket's last row */
	struct svc_buf json, name, scratch;
	struct row r;
	const struct svc_statuses *statuses;	/* in force at --now */
};

static void
tv_text_set(struct tv *x, const char *s, size_t n)
{
	if (n + 1 > x->cap) {
		x->cap = n + 1 > 32 ? n + 1 : 32;
		free(x->s);
		x->s = svc_xmalloc(x->cap);
	}
	memcpy(x->s, s, n);
	x->s[n] = '\0';
	x->n = n;
	x->tag = V_TEXT;
}

static void
tv_set(struct tv *x, const struct val *v)
{
	if (v->tag == V_INT) {
		x->tag = V_INT;
		x->i = v->i;
	} else if (v->tag == V_TEXT || v->tag == V_JSON)
		tv_text_set(x, v->s, v->n);
	else
		x->tag = V_NULL;
}

static void
tv_int_set(struct tv *x, int64_t i)
{
	x->tag = V_INT;
	x->i = i;
}

static int
tv_same(const struct tv *x, const struct val *v)
{
	if (v->tag == V_INT)
		return x->tag == V_INT && x->i == v->i;
	if (v->tag == V_TEXT || v->tag == V_JSON)
		return x->tag == V_TEXT && x->n == v->n &&
		    memcmp(x->s, v->s, v->n) == 0;
	return x->tag == V_NULL;
}

/* The stored value as text (num: room for an integer), or NULL. */
static const char *
tv_text(const struct tv *x, char *num, size_t nn)
{
	if (x->tag == V_INT) {
		snprintf(num, nn, "%lld", (long long)x->i);
		return num;
	}
	return x->tag == V_TEXT ? x->s : NULL;
}

/* The incoming value as a NUL-terminated string in b, or NULL. */
static const char *
val_text(const struct val *v, struct svc_buf *b)
{
	svc_buf_reset(b);
	if (v->tag == V_INT)
		svc_buf_printf(b, "%lld", (long long)v->i);
	else if (v->tag == V_TEXT || v->tag == V_JSON)
		svc_buf_add(b, v->s, v->n);
	else
		return NULL;
	svc_buf_grow(b, 1);
	return b->s;
}

static void
tstate_clear(struct tstate *t)
{
	size_t i;

	for (i = 0; i < SVC_NFIELDS; i++)
		t->v[i].tag = V_NULL;
	for (i = 0; i < t->na; i++) {
		free(t->a[i].key);
		free(t->a[i].val);
	}
	t->na = 0;
	for (i = 0; i < t->nev; i++) {
		free(t->ev[i].field);
		free(t->ev[i].old);
		free(t->ev[i].new_);
	}
	t->nev = 0;
	t->existed = t->has_orig = t->dirty = t->is_new = t->ev_loaded = 0;
	t->created = 0;
}

static void
tstate_free(struct tstate *t)
{
	size_t i;

	tstate_clear(t);
	for (i = 0; i < SVC_NFIELDS; i++)
		free(t->v[i].s);
	free(t->a);
	free(t->ev);
}

static char *
dupval(const struct val *v)
{
	return v->tag == V_TEXT || v->tag == V_JSON ?
	    svc_xstrndup(v->s, v->n) : NULL;
}

/* Is the stored text a (NULL: null) the value v? */
static int
same(const char *a, const struct val *v)
{
	if (v->tag == V_INT) {
		char num[24];

		snprintf(num, sizeof(num), "%lld", (long long)v->i);
		return a != NULL && strcmp(a, num) == 0;
	}
	if (v->tag != V_TEXT && v->tag != V_JSON)
		return a == NULL;
	return a != NULL && strlen(a) == v->n && memcmp(a, v->s, v->n) == 0;
}

static struct sattr *
find_attr(struct tstate *t, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < t->na; i++)
		if (strlen(t->a[i].key) == klen &&
		    memcmp(t->a[i].key, key, klen) == 0)
			return &t->a[i];
	return NULL;
}

static struct sattr *
add_attr(struct tstate *t, const char *key, size_t klen)
{
	if (t->na == t->acap) {
		t->acap = t->acap ? t->acap * 2 : 16;
		t->a = svc_xrealloc(t->a, t->acap * sizeof(*t->a));
	}
	t->a[t->na].key = svc_xstrndup(key, klen);
	t->a[t->na].val = NULL;
	t->a[t->na].json = 0;
	return &t->a[t->na++];
}

static void
add_ev(struct tstate *t, const char *field, int64_t at, const char *old,
    const char *new_)
{
	struct ev *x;

	if (t->nev == t->evcap) {
		t->evcap = t->evcap ? t->evcap * 2 : 16;
		t->ev = svc_xrealloc(t->ev, t->evcap * sizeof(*t->ev));
	}
	x = &t->ev[t->nev++];
	x->field = svc_xstrdup(field);
	x->at = at;
	x->old = old ? svc_xstrdup(old) : NULL;
	x->new_ = new_ ? svc_xstrdup(new_) : NULL;
}

/* The audit row of one change to a ticket: the time it happened (from
 * the export) is the detail, the audit's own time that of the run. */
static int
audit_ticket(struct imp *im, const char *tid, const char *field, int64_t at,
    const char *old, const char *new_, struct svc_err *e)
{
	char when[48];

	if (at >= 0)
		svc_time_format(at, when, sizeof(when));
	return svc_audit(&im->aud, "ticket", tid, field, old, new_, at >= 0 ?
	    when : NULL, e);
}

static int
event(struct apply *ap, const char *field, int64_t at, const char *old,
    const char *new_, struct svc_err *e)
{
	sqlite3_stmt *st = ap->ins_ev;
	int rc;

	sqlite3_bind_text(st, 1, ap->tid.s, (int)ap->tid.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
	if (old)
		sqlite3_bind_text(st, 4, old, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	if (new_)
		sqlite3_bind_text(st, 5, new_, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(ap->im->db, rc, e, "recording history");
	if (ap->t.ev_loaded)
		add_ev(&ap->t, field, at, old, new_);
	return audit_ticket(ap->im, ap->tid.s, field, at, old, new_, e);
}

/* Is the new ticket ap->t of a done status with no resolution time, seen
 * at at after its creation? */
static int
done_unresolved(const struct apply *ap, int64_t at)
{
	const struct tstate *t = &ap->t;

	return t->v[SVC_F_STATUS].tag == V_TEXT &&
	    t->v[SVC_F_RESOLVED_AT].tag != V_INT &&
	    (t->v[SVC_F_CREATED_AT].tag != V_INT ||
	    t->v[SVC_F_CREATED_AT].i < at) &&
	    svc_status_done(svc_status_find(ap->statuses,
	    t->v[SVC_F_STATUS].s));
}

static int
load_ticket(struct apply *ap, struct svc_err *e)
{
	sqlite3_stmt *st = ap->sel;
	struct tstate *t = &ap->t;
	int rc, f;

	sqlite3_bind_text(st, 1, ap->tid.s, (int)ap->tid.len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->existed = 1;
		for (f = 0; f < SVC_NFIELDS; f++)
			switch (sqlite3_column_type(st, f)) {
			case SQLITE_NULL:
				break;
			case SQLITE_INTEGER:
				tv_int_set(&t->v[f], sqlite3_column_int64(st, f));
				break;
			default:
				tv_text_set(&t->v[f], (const char *)
				    sqlite3_column_text(st, f),
				    (size_t)sqlite3_column_bytes(st, f));
			}
		if (t->v[SVC_F_UPDATED_AT].tag == V_INT) {
			t->has_orig = 1;
			t->orig_upd = t->v[SVC_F_UPDATED_AT].i;
		}
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(ap->im->db, rc, e, "reading a ticket");
	if (t->existed) {
		sqlite3_stmt *ja = ap->sel_attrs;

		sqlite3_bind_text(ja, 1, ap->tid.s, (int)ap->tid.len,
		    SQLITE_STATIC);
		while ((rc = sqlite3_step(ja)) == SQLITE_ROW) {
			const char *k = (const char *)sqlite3_column_text(ja, 0);
			const char *ty = (const char *)sqlite3_column_text(ja, 2);
			struct sattr *a = add_attr(t, k, strlen(k));

			if (sqlite3_column_type(ja, 1) != SQLITE_NULL)
				a->val = svc_xstrdup((const char *)
				    sqlite3_column_text(ja, 1));
			a->json = ty && strcmp(ty, "array") == 0;
		}
		sqlite3_reset(ja);
		if (rc != SQLITE_DONE)
			return svc_db_fail(ap->im->db, rc, e, "reading attrs");
	}
	return 0;
}

static int
load_events(struct apply *ap, struct svc_err *e)
{
	sqlite3_stmt *st = ap->sel_ev;
	int rc;

	if (ap->t.ev_loaded)
		return 0;
	sqlite3_bind_text(st, 1, ap->tid.s, (int)ap->tid.len, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add_ev(&ap->t, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(ap->im->db, rc, e, "reading history");
	ap->t.ev_loaded = 1;
	return 0;
}

/* Is v consistent with the recorded history of field at time at?  Sets
 * *before to the value the field had just before at. */
static int
in_history(struct tstate *t, const char *field, const char *cur, int64_t at,
    const struct val *v, const char **before)
{
	size_t i;
	const char *b = NULL;
	int have_b = 0, any = 0;

	for (i = 0; i < t->nev; i++) {
		const struct ev *x = &t->ev[i];

		if (strcmp(x->field, field) != 0)
			continue;
		any = 1;
		if (x->at < at) {
			b = x->new_;
			have_b = 1;
		} else if (!have_b) {
			b = x->old;
			have_b = 1;
		}
	}
	if (!any)
		b = cur;
	else if (!have_b)
		b = cur;
	*before = b;
	if (same(b, v))
		return 1;
	for (i = 0; i < t->nev; i++) {
		const struct ev *x = &t->ev[i];

		if (x->at == at && strcmp(x->field, field) == 0 && same(x->new_, v))
			return 1;
	}
	return 0;
}

/* The history name of an attrs key: attrs.KEY, in ap->name. */
static const char *
attr_name(struct apply *ap, const struct attr *a)
{
	svc_buf_reset(&ap->name);
	svc_buf_adds(&ap->name, "attrs.");
	svc_buf_add(&ap->name, a->key, a->klen);
	return ap->name.s;
}

static int
apply_row(struct apply *ap, const struct row *r, int64_t at, int has_upd,
    int *changed, struct svc_err *e)
{
	struct tstate *t = &ap->t;
	char num[24];
	int f, history;
	size_t i;

	*changed = 0;
	history = t->existed && t->has_orig && has_upd && at <= t->orig_upd;
	if (history && load_events(ap, e) != 0)
		return -1;
	for (f = 0; f < SVC_NFIELDS; f++) {
		const struct val *v = &r->f[f];
		const char *before;

		if (v->tag == V_ABSENT || f == SVC_F_UPDATED_AT ||
		    f == SVC_F_TICKET_ID)
			continue;
		if (history) {
			if (in_history(t, svc_tfields[f].name,
			    tv_text(&t->v[f], num, sizeof(num)), at, v, &before))
				continue;
			if (event(ap, svc_tfields[f].name, at, before,
			    val_text(v, &ap->scratch), e) != 0)
				return -1;
			*changed = 1;
			continue;
		}
		if (tv_same(&t->v[f], v))
			continue;
		if (!t->is_new && event(ap, svc_tfields[f].name, at,
		    tv_text(&t->v[f], num, sizeof(num)),
		    val_text(v, &ap->scratch), e) != 0)
			return -1;
		tv_set(&t->v[f], v);
		t->dirty = 1;
		*changed = 1;
	}
	for (i = 0; i < r->na; i++) {
		const struct attr *a = &r->a[i];
		struct sattr *s = find_attr(t, a->key, a->klen);
		const char *cur = s ? s->val : NULL;
		const char *before;

		if (history) {
			const char *name = attr_name(ap, a);

			if (in_history(t, name, cur, at, &a->v, &before))
				continue;
			if (event(ap, name, at, before, val_text(&a->v,
			    &ap->scratch), e) != 0)
				return -1;
			*changed = 1;
			continue;
		}
		if (same(cur, &a->v))
			continue;
		if (!t->is_new && event(ap, attr_name(ap, a), at, cur,
		    val_text(&a->v, &ap->scratch), e) != 0)
			return -1;
		if (s == NULL)
			s = add_attr(t, a->key, a->klen);
		free(s->val);
		s->val = dupval(&a->v);
		s->json = a->v.tag == V_JSON;
		t->dirty = 1;
		*changed = 1;
	}
	if (!history && has_upd) {
		struct tv *u = &t->v[SVC_F_UPDATED_AT];

		if (u->tag != V_INT || u->i != at) {
			tv_int_set(u, at);
			t->dirty = 1;
		}
	}
	return 0;
}

static void
attrs_json(struct tstate *t, struct svc_buf *b)
{
	size_t i;

	svc_buf_reset(b);
	svc_buf_addc(b, '{');
	for (i = 0; i < t->na; i++) {
		if (i)
			svc_buf_addc(b, ',');
		svc_buf_json_str(b, t->a[i].key, strlen(t->a[i].key));
		svc_buf_addc(b, ':');
		if (t->a[i].val == NULL)
			svc_buf_adds(b, "null");
		else if (t->a[i].json)
			svc_buf_adds(b, t->a[i].val);
		else
			svc_buf_json_str(b, t->a[i].val, strlen(t->a[i].val));
	}
	svc_buf_addc(b, '}');
}

static void
bind_fields(sqlite3_stmt *st, struct tstate *t, int first)
{
	int f;

	for (f = 0; f < SVC_NFIELDS; f++) {
		const struct tv *x = &t->v[f];

		if (x->tag == V_INT)
			sqlite3_bind_int64(st, first + f, x->i);
		else if (x->tag == V_TEXT)
			sqlite3_bind_text(st, first + f, x->s, (int)x->n,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(st, first + f);
	}
}

/* Note a changed ticket for standard output, which is written only once
 * the run is over: nothing is listed that was not kept. */
static void
note_change(struct imp *im, const char *tid, size_t n, int kind)
{
	unsigned char h[5];

	if (im->o->changes == NULL)
		return;
	if (im->chg == NULL && (im->chg = tmpfile()) == NULL)
		im->chg_err = errno;
	if (im->chg == NULL)
		return;
	h[0] = (unsigned char)kind;
	h[1] = (unsigned char)(n >> 24);
	h[2] = (unsigned char)(n >> 16);
	h[3] = (unsigned char)(n >> 8);
	h[4] = (unsigned char)n;
	if (fwrite(h, 1, 5, im->chg) != 5 || fwrite(tid, 1, n, im->chg) != n)
		im->chg_err = errno ? errno : EIO;
}

static void
changes_reset(struct imp *im)
{
	if (im->chg)
		fclose(im->chg);
	im->chg = NULL;
	im->chg_err = 0;
}

/* Write the noted changes to o->changes. */
static int
changes_emit(struct imp *im, struct svc_err *e)
{
	static const char *const kinds[] = { "new", "changed", "event" };
	unsigned char h[5];
	struct svc_buf b = { 0 };
	int rc = 0;

	if (im->chg_err)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "cannot buffer the list of changes: %s",
		    strerror(im->chg_err));
	if (im->chg == NULL)
		return 0;
	rewind(im->chg);
	while (fread(h, 1, 5, im->chg) == 5) {
		size_t n = get_u32(h + 1);
		const char *v[2];
		size_t len[2];

		svc_buf_reset(&b);
		svc_buf_grow(&b, n + 1);
		if (fread(b.s, 1, n, im->chg) != n) {
			rc = svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "cannot read back the list of changes");
			break;
		}
		v[0] = b.s;
		len[0] = n;
		v[1] = kinds[h[0] < 3 ? h[0] : 0];
		len[1] = strlen(v[1]);
		svc_out_row(im->o->changes, v, len);
	}
	svc_buf_free(&b);
	changes_reset(im);
	return rc;
}

static int
flush_ticket(struct apply *ap, struct svc_err *e)
{
	struct imp *im = ap->im;
	struct tstate *t = &ap->t;
	sqlite3_stmt *st;
	int rc;

	if (!t->dirty)
		return 0;
	attrs_json(t, &ap->json);
	st = t->existed ? ap->upd : ap->ins;
	bind_fields(st, t, 1);
	sqlite3_bind_text(st, SVC_NFIELDS + 1, ap->json.s, (int)ap->json.len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, SVC_NFIELDS + 2, im->run);
	if (t->existed)
		sqlite3_bind_text(st, SVC_NFIELDS + 3, ap->tid.s,
		    (int)ap->tid.len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY && ap->fresh)
		return APPLY_UNORDERED;	/* met again, further down the file */
	if (rc != SQLITE_DONE)
		return svc_db_fail(im->db, rc, e, "writing a ticket");
	if (t->existed)
		im->res->tickets_changed++;
	else
		im->res->tickets_new++;
	note_change(im, ap->tid.s, ap->tid.len, t->existed ? 1 : 0);
	return 0;
}

static void
apply_close(struct apply *ap)
{
	sqlite3_finalize(ap->sel);
	sqlite3_finalize(ap->sel_attrs);
	sqlite3_finalize(ap->ins);
	sqlite3_finalize(ap->upd);
	sqlite3_finalize(ap->ins_ev);
	sqlite3_finalize(ap->sel_ev);
	tstate_free(&ap->t);
	free(ap->r.a);
	svc_buf_free(&ap->tid);
	svc_buf_free(&ap->json);
	svc_buf_free(&ap->name);
	svc_buf_free(&ap->scratch);
	memset(ap, 0, sizeof(*ap));
}

static int
apply_open(struct apply *ap, struct imp *im, int strict, struct svc_err *e)
{
	struct svc_buf sql = { 0 };
	int f, rc = -1;

	memset(ap, 0, sizeof(*ap));
	ap->im = im;
	ap->strict = strict;
	svc_buf_adds(&sql, "SELECT ");
	for (f = 0; f < SVC_NFIELDS; f++)
		svc_buf_printf(&sql, "%s%s", f ? "," : "", svc_tfields[f].name);
	svc_buf_adds(&sql, " FROM tickets WHERE ticket_id=?");
	if (svc_db_prepare(im->db, sql.s, &ap->sel, e) != 0 ||
	    svc_db_prepare(im->db, "SELECT j.key, j.value, j.type FROM "
	    "tickets t, json_each(t.attrs) j WHERE t.ticket_id=? ORDER BY j.id",
	    &ap->sel_attrs, e) != 0)
		goto out;
	svc_buf_reset(&sql);
	svc_buf_adds(&sql, "INSERT INTO tickets(");
	for (f = 0; f < SVC_NFIELDS; f++)
		svc_buf_printf(&sql, "%s,", svc_tfields[f].name);
	svc_buf_adds(&sql, "attrs,run) VALUES (");
	for (f = 0; f < SVC_NFIELDS + 2; f++)
		svc_buf_adds(&sql, f ? ",?" : "?");
	svc_buf_adds(&sql, ")");
	if (svc_db_prepare(im->db, sql.s, &ap->ins, e) != 0)
		goto out;
	svc_buf_reset(&sql);
	svc_buf_adds(&sql, "UPDATE tickets SET ");
	for (f = 0; f < SVC_NFIELDS; f++)
		svc_buf_printf(&sql, "%s=?,", svc_tfields[f].name);
	svc_buf_adds(&sql, "attrs=?,run=? WHERE ticket_id=?");
	if (svc_db_prepare(im->db, sql.s, &ap->upd, e) != 0 ||
	    svc_db_prepare(im->db, "INSERT INTO ticket_events(ticket_id, at, "
	    "field, old, new, actor, run, source) VALUES (?,?,?,?,?,?,?,"
	    "'import')", &ap->ins_ev, e) != 0 ||
	    svc_db_prepare(im->db, "SELECT field, at, old, new FROM "
	    "ticket_events WHERE ticket_id=? ORDER BY at, id", &ap->sel_ev,
	    e) != 0)
		goto out;
	sqlite3_bind_text(ap->ins_ev, 6, im->o->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ap->ins_ev, 7, im->run);
	if (svc_db_statuses(im->db, im->o->now, &ap->statuses, e) != 0)
		goto out;
	/* streaming into an empty table: a ticket not met before in this
	 * file cannot be stored, so there is nothing to look up */
	ap->fresh = strict && svc_db_int(im->db,
	    "SELECT count(*) FROM (SELECT 1 FROM tickets LIMIT 1)", -1) == 0;
	rc = 0;
out:
	svc_buf_free(&sql);
	if (rc != 0)
		apply_close(ap);
	return rc;
}

/* A first response, resolution or closing before the ticket's creation
 * is implausible: read as missing, noted.  The creation time is the one
 * the ticket has once the row is applied: the row's own, or the stored
 * one when the file has no creation column. */
static int
check_order(struct apply *ap, const struct key *k, struct svc_err *e)
{
	static const int later[] = { SVC_F_FIRST_RESPONSE_AT,
	    SVC_F_RESOLVED_AT, SVC_F_CLOSED_AT };
	struct imp *im = ap->im;
	struct row *r = &ap->r;
	const struct val *cv = &r->f[SVC_F_CREATED_AT];
	char tb[48], cb[48], reason[160];
	int64_t created;
	size_t i;

	if (cv->tag == V_INT)
		created = cv->i;
	else if (cv->tag == V_ABSENT && ap->t.v[SVC_F_CREATED_AT].tag == V_INT)
		created = ap->t.v[SVC_F_CREATED_AT].i;
	else
		return 0;
	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		struct val *v = &r->f[later[i]];
		int col = im->map.field_col[later[i]];

		if (v->tag != V_INT || v->i >= created)
			continue;
		if (col < 0)
			col = im->map.field_col[SVC_F_FIRST_RESPONSE_AFTER];
		svc_time_format(v->i, tb, sizeof(tb));
		svc_time_format(created, cb, sizeof(cb));
		snprintf(reason, sizeof(reason), "before the ticket's creation "
		    "(%s)", cb);
		v->tag = V_NULL;
		if (col >= 0 && note_store(im, k->line, col, later[i], k->tid,
		    k->tlen, tb, strlen(tb), "implausible", reason, e) != 0)
			return -1;
	}
	return 0;
}

/* Apply one typed row.  Returns 0, -1 (e filled), or APPLY_UNORDERED when
 * ap->strict and the row's ticket appeared earlier in the file, or the row
 * is older than the ticket's previous row: the caller then sorts. */

static int
apply_one(struct apply *ap, const struct key *k, const unsigned char *blob,
    struct svc_err *e)
{
	struct imp *im = ap->im;
	int64_t at = k->has_upd ? k->upd : im->o->now;
	const char *srcname = im->o->profile ? im->o->profile : "csv";
	struct tstate *t = &ap->t;
	int changed, rc;

	if (!ap->have || ap->tid.len != k->tlen ||
	    memcmp(ap->tid.s, k->tid, k->tlen) != 0) {
		/* into an empty table a ticket met again was inserted already,
		 * which the insert notices; otherwise remember each ticket */
		if (ap->strict && !ap->fresh &&
		    svc_keyset_add(&im->seen, k->tid, k->tlen, 0, NULL))
			return APPLY_UNORDERED;
		if (ap->have && (rc = flush_ticket(ap, e)) != 0)
			return rc;
		svc_buf_reset(&ap->tid);
		svc_buf_add(&ap->tid, k->tid, k->tlen);
		svc_buf_grow(&ap->tid, 1);
		ap->have = 1;
		tstate_clear(t);
		if (!ap->fresh && load_ticket(ap, e) != 0)
			return -1;
	} else if (ap->strict && at < ap->last_at)
		return APPLY_UNORDERED;
	ap->last_at = at;
	decode(blob, &ap->r);
	/* a creation time, once known, is not unknown again: a row without
	 * one (empty, or a placeholder) keeps it, so that importing the same
	 * file again changes nothing */
	if (ap->r.f[SVC_F_CREATED_AT].tag == V_NULL &&
	    t->v[SVC_F_CREATED_AT].tag == V_INT)
		ap->r.f[SVC_F_CREATED_AT].tag = V_ABSENT;
	if (check_order(ap, k, e) != 0)
		return -1;
	if (!t->existed && !t->created) {
		/* the first row creates the ticket */
		t->is_new = 1;
		if (apply_row(ap, &ap->r, at, k->has_upd, &changed, e) != 0)
			return -1;
		tv_text_set(&t->v[SVC_F_TICKET_ID], ap->tid.s, ap->tid.len);
		if (t->v[SVC_F_SOURCE].tag == V_NULL)
			tv_text_set(&t->v[SVC_F_SOURCE], srcname,
			    strlen(srcname));
		if (t->v[SVC_F_CREATED_AT].tag == V_NULL && k->has_upd)
			tv_int_set(&t->v[SVC_F_CREATED_AT], at);
		/* a ticket that comes done with no resolution time: its row's
		 * time, which a later row replaces as updated_at, is when it
		 * was seen done (the SLA stops there), kept as history */
		if (k->has_upd && done_unresolved(ap, at) && event(ap,
		    "status", at, NULL, t->v[SVC_F_STATUS].s, e) != 0)
			return -1;
		t->is_new = 0;
		t->created = 1;
		t->dirty = 1;
		im->res->rows_new++;
		return 0;
	}
	if (apply_row(ap, &ap->r, at, k->has_upd, &changed, e) != 0)
		return -1;
	if (changed)
		im->res->changed++;
	else
		im->res->unchanged++;
	return 0;
}

/* Apply the staged rows in order of first appearance of their ticket, then
 * updated time, then file order. */
static int
apply_staged(struct imp *im, struct svc_err *e)
{
	struct apply ap;
	sqlite3_stmt *scan = NULL;
	int rc = -1, step;

	if (apply_open(&ap, im, 0, e) != 0)
		return -1;
	if (svc_db_prepare(im->db, "SELECT tid, upd, v, line FROM temp.stage "
	    "ORDER BY grp, tid, coalesce(upd, ?), seq", &scan, e) != 0)
		goto out;
	sqlite3_bind_int64(scan, 1, im->o->now);
	while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
		struct key k;

		k.tid = (const char *)sqlite3_column_text(scan, 0);
		k.tlen = (size_t)sqlite3_column_bytes(scan, 0);
		k.has_upd = sqlite3_column_type(scan, 1) != SQLITE_NULL;
		k.upd = sqlite3_column_int64(scan, 1);
		k.line = (long)sqlite3_column_int64(scan, 3);
		if (apply_one(&ap, &k, sqlite3_column_blob(scan, 2), e) != 0)
			goto out;
	}
	if (step != SQLITE_DONE) {
		svc_db_fail(im->db, step, e, "reading staged rows");
		goto out;
	}
	if (ap.have && flush_ticket(&ap, e) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(scan);
	apply_close(&ap);
	return rc;
}

/* ---- --kind events ---- */

enum { EV_TID, EV_AT, EV_FIELD, EV_VALUE, EV_ACTOR, EV_N };

static int
events_columns(struct imp *im, int *col, struct svc_err *e)
{
	static const char *const names[EV_N] = { "ticket_id", "at", "field",
	    "value", "actor" };
	char norm[256], want[64];
	size_t i;
	int k;

	for (k = 0; k < EV_N; k++) {
		col[k] = -1;
		svc_value_norm(names[k], strlen(names[k]), want, sizeof(want));
		for (i = 0; i < im->ncol; i++) {
			svc_value_norm(im->hdr[i], strlen(im->hdr[i]), norm,
			    sizeof(norm));
			if (strcmp(norm, want) == 0) {
				col[k] = (int)i;
				break;
			}
		}
		if (col[k] < 0 && k != EV_ACTOR)
			return svc_err_set(e, SVC_EXIT_FATAL, im->file, 1, 0,
			    "no column '%s' (events need ticket_id, at, field, "
			    "value and may have actor)", names[k]);
	}
	return 0;
}

static int
valid_event_field(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 200)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (i > 6 && s[i] == ' ')))
			return 0;
	return 1;
}

static int
apply_events(struct imp *im, struct svc_err *e)
{
	sqlite3_stmt *scan = NULL, *dup = NULL, *prev = NULL, *ins = NULL;
	int rc = -1, step;

	if (svc_db_prepare(im->db, "SELECT tid, at, field, value, actor FROM "
	    "temp.stage_ev ORDER BY tid, at, seq", &scan, e) != 0 ||
	    svc_db_prepare(im->db, "SELECT 1 FROM ticket_events WHERE "
	    "ticket_id=? AND field=? AND at=? AND new IS ?", &dup, e) != 0 ||
	    svc_db_prepare(im->db, "SELECT new FROM ticket_events WHERE "
	    "ticket_id=? AND field=? AND at<=? ORDER BY at DESC, id DESC "
	    "LIMIT 1", &prev, e) != 0 ||
	    svc_db_prepare(im->db, "INSERT INTO ticket_events(ticket_id, at, "
	    "field, old, new, actor, run, source) VALUES (?,?,?,?,?,?,?,"
	    "'events')", &ins, e) != 0)
		goto out;
	while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
		sqlite3_value *tid = sqlite3_column_value(scan, 0);
		sqlite3_value *field = sqlite3_column_value(scan, 2);
		sqlite3_value *val = sqlite3_column_value(scan, 3);
		int64_t at = sqlite3_column_int64(scan, 1);
		int found;

		sqlite3_bind_value(dup, 1, tid);
		sqlite3_bind_value(dup, 2, field);
		sqlite3_bind_int64(dup, 3, at);
		sqlite3_bind_value(dup, 4, val);
		found = sqlite3_step(dup) == SQLITE_ROW;
		sqlite3_reset(dup);
		if (found) {
			im->res->unchanged++;
			continue;
		}
		sqlite3_bind_value(prev, 1, tid);
		sqlite3_bind_value(prev, 2, field);
		sqlite3_bind_int64(prev, 3, at);
		svc_buf_reset(&im->tmp);
		if (sqlite3_step(prev) == SQLITE_ROW &&
		    sqlite3_column_type(prev, 0) != SQLITE_NULL) {
			sqlite3_bind_value(ins, 4, sqlite3_column_value(prev, 0));
			svc_buf_adds(&im->tmp, (const char *)
			    sqlite3_column_text(prev, 0));
			svc_buf_add(&im->tmp, "", 1);
		} else
			sqlite3_bind_null(ins, 4);
		sqlite3_bind_value(ins, 1, tid);
		sqlite3_bind_int64(ins, 2, at);
		sqlite3_bind_value(ins, 3, field);
		sqlite3_bind_value(ins, 5, val);
		if (sqlite3_column_type(scan, 4) != SQLITE_NULL)
			sqlite3_bind_value(ins, 6, sqlite3_column_value(scan, 4));
		else
			sqlite3_bind_text(ins, 6, im->o->actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 7, im->run);
		step = sqlite3_step(ins);
		sqlite3_reset(ins);
		sqlite3_reset(prev);
		if (step != SQLITE_DONE) {
			svc_db_fail(im->db, step, e, "recording an event");
			goto out;
		}
		im->res->changed++;
		if (audit_ticket(im, (const char *)sqlite3_column_text(scan, 0),
		    (const char *)sqlite3_column_text(scan, 2), at,
		    im->tmp.len ? im->tmp.s : NULL,
		    (const char *)sqlite3_column_text(scan, 3), e) != 0)
			goto out;
		if (im->o->changes) {
			const char *v[2] = { (const char *)sqlite3_column_text(scan,
			    0), "event" };

			svc_out_row(im->o->changes, v, NULL);
		}
	}
	if (step != SQLITE_DONE) {
		svc_db_fail(im->db, step, e, "reading staged events");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(scan);
	sqlite3_finalize(dup);
	sqlite3_finalize(prev);
	sqlite3_finalize(ins);
	return rc;
}

/* ---- configuration kinds ---- */

static int
config_columns(struct imp *im, const struct svc_ckind *k, int *col,
    struct svc_err *e)
{
	char norm[256], want[64];
	size_t i, c;

	for (c = 0; c < k->ncols; c++)
		col[c] = -1;
	for (i = 0; i < im->ncol; i++) {
		svc_value_norm(im->hdr[i], strlen(im->hdr[i]), norm, sizeof(norm));
		for (c = 0; c < k->ncols; c++) {
			svc_value_norm(k->cols[c].name, strlen(k->cols[c].name),
			    want, sizeof(want));
			if (strcmp(norm, want) == 0)
				break;
		}
		if (c == k->ncols || col[c] >= 0) {
			struct svc_buf b = { 0 };

			for (c = 0; c < k->ncols; c++)
				svc_buf_printf(&b, "%s%s", c ? ", " : "",
				    k->cols[c].name);
			svc_err_set(e, SVC_EXIT_FATAL, im->file, 1, 0,
			    "%s column '%s' for kind %s (columns: %s)",
			    c == k->ncols ? "unknown" : "repeated", im->hdr[i],
			    k->name, b.s);
			svc_buf_free(&b);
			return -1;
		}
		col[c] = (int)i;
	}
	for (c = 0; c < k->ncols; c++)
		if (k->cols[c].required && col[c] < 0)
			return svc_err_set(e, SVC_EXIT_FATAL, im->file, 1, 0,
			    "no column '%s' (required for kind %s)",
			    k->cols[c].name, k->name);
	return 0;
}

static int
type_config(struct imp *im, const struct svc_ckind *k, const int *col,
    const struct svc_record *rec, struct tyerr *te)
{
	size_t c;

	svc_buf_reset(&im->blob);
	for (c = 0; c < k->ncols; c++) {
		const char *s;
		size_t n;
		int64_t v;
		int b;

		if (col[c] < 0) {
			svc_buf_addc(&im->blob, 1);
			continue;
		}
		s = rec->f[col[c]];
		n = rec->len[col[c]];
		if (is_null(im->o, s, n)) {
			if (k->cols[c].required) {
				te->type = "missing_value";
				te->col = col[c];
				snprintf(te->msg, sizeof(te->msg), "column '%s': "
				    "a value is required", k->cols[c].name);
				return -1;
			}
			svc_buf_addc(&im->blob, 1);
			continue;
		}
		svc_buf_reset(&im->tmp);
		switch (k->cols[c].type) {
		case SVC_CT_INT:
			if (svc_value_int(s, n, &v) != 0) {
				te->type = "bad_number";
				te->col = col[c];
				snprintf(te->msg, sizeof(te->msg), "column '%s': "
				    "cannot read '%.*s' as a whole number",
				    k->cols[c].name, (int)(n > MAXSHOW ? MAXSHOW : n), s);
				return -1;
			}
			svc_buf_printf(&im->tmp, "%lld", (long long)v);
			break;
		case SVC_CT_BOOL:
			if (svc_value_bool(s, n, &b) != 0) {
				te->type = "bad_value";
				te->col = col[c];
				snprintf(te->msg, sizeof(te->msg), "column '%s': "
				    "cannot read '%.*s' as true or false",
				    k->cols[c].name, (int)(n > MAXSHOW ? MAXSHOW : n), s);
				return -1;
			}
			svc_buf_adds(&im->tmp, b ? "1" : "0");
			break;
		case SVC_CT_NAME: {
			size_t i;

			for (i = 0; i < n && (unsigned char)s[i] >= 0x20 &&
			    s[i] != 0x7f; i++)
				;
			if (n > SVC_NAME_MAX || i < n) {
				te->type = "bad_name";
				te->col = col[c];
				snprintf(te->msg, sizeof(te->msg), "column '%s': "
				    "a name %s", k->cols[c].name, n > SVC_NAME_MAX ?
				    "longer than 200 bytes" :
				    "with a control character");
				return -1;
			}
			svc_buf_add(&im->tmp, s, n);
			break;
		}
		case SVC_CT_COND: {
			struct svc_err ce;
			struct svc_cond *cond;

			svc_err_clear(&ce);
			if ((cond = svc_cond_parse(s, n, NULL, &ce)) == NULL) {
				te->type = "bad_condition";
				te->col = col[c];
				te->pos = ce.col;
				snprintf(te->msg, sizeof(te->msg), "%s: %.600s",
				    k->cols[c].name, ce.msg);
				return -1;
			}
			svc_cond_free(cond);
			svc_buf_add(&im->tmp, s, n);
			break;
		}
		default:
			svc_buf_add(&im->tmp, s, n);
		}
		put_val(&im->blob, 2, im->tmp.s, im->tmp.len);
	}
	if (k->check) {
		const char *v[32];
		const unsigned char *p = (const unsigned char *)im->blob.s;
		struct val x;
		int bad = 0;

		svc_buf_reset(&im->tmp);
		for (c = 0; c < k->ncols; c++) {
			p = get_val(p, &x);
			/* offsets + 1 for now: tmp may move as it grows */
			v[c] = x.tag == V_TEXT ? (const char *)(uintptr_t)
			    (im->tmp.len + 1) : NULL;
			if (x.tag == V_TEXT) {
				svc_buf_add(&im->tmp, x.s, x.n);
				svc_buf_addc(&im->tmp, '\0');
			}
		}
		for (c = 0; c < k->ncols; c++)
			if (v[c])
				v[c] = im->tmp.s + ((uintptr_t)v[c] - 1);
		if (k->check(v, te->msg, sizeof(te->msg), &bad) != 0) {
			te->type = "bad_value";
			te->col = col[bad] >= 0 ? col[bad] : 0;
			return -1;
		}
	}
	return 0;
}

/* Every list cell of the staged file in the syntax of svc(7), LISTS. */
static int
check_lists(struct imp *im, const struct svc_ckind *k, struct svc_err *e)
{
	struct svc_lists ls;
	sqlite3_stmt *scan = NULL;
	char msg[sizeof(e->msg)];
	long line;
	size_t c;
	int rc = -1, step;

	svc_lists_init(&ls, k);
	if (svc_db_prepare(im->db, "SELECT v, line FROM temp.stage_cfg ORDER "
	    "BY seq", &scan, e) != 0)
		goto out;
	while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_blob(scan, 0);
		struct val v;

		for (c = 0; c < k->ncols; c++)
			if ((p = get_val(p, &v)) && v.tag == V_TEXT)
				svc_lists_add(&ls, c, v.s, v.n,
				    (long)sqlite3_column_int64(scan, 1));
	}
	if (step != SQLITE_DONE)
		svc_db_fail(im->db, step, e, "reading staged rows");
	else if (svc_lists_check(&ls, &line, &c, msg, sizeof(msg)) != 0)
		svc_err_set(e, SVC_EXIT_FATAL, im->file, line, 0, "%s", msg);
	else
		rc = 0;
out:
	sqlite3_finalize(scan);
	svc_lists_free(&ls);
	return rc;
}

static int
apply_config(struct imp *im, const struct svc_ckind *k, struct svc_err *e)
{
	struct svc_buf sql = { 0 };
	sqlite3_stmt *scan = NULL, *cur = NULL, *ins = NULL, *ver = NULL;
	int64_t version, rows = 0;
	int rc = -1, step, differ = 0;
	size_t c;

	if (check_lists(im, k, e) != 0)
		goto out;
	if (k->load) {
		/* not versioned: each row is loaded on its own */
		if (svc_db_prepare(im->db, "SELECT v, line FROM temp.stage_cfg "
		    "ORDER BY seq", &scan, e) != 0)
			goto out;
		while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
			const unsigned char *p = sqlite3_column_blob(scan, 0);
			struct svc_buf vb = { 0 };
			const char *v[32];
			size_t off[32];
			struct val x;
			int ch = 0, bad;

			for (c = 0; c < k->ncols; c++) {
				p = get_val(p, &x);
				off[c] = x.tag == V_TEXT ? vb.len + 1 : 0;
				if (x.tag == V_TEXT) {
					svc_buf_add(&vb, x.s, x.n);
					svc_buf_addc(&vb, '\0');
				}
			}
			for (c = 0; c < k->ncols; c++)
				v[c] = off[c] ? vb.s + off[c] - 1 : NULL;
			bad = k->load(im->db, im->o->now, im->o->actor,
			    im->o->program, im->run, v, im->file,
			    sqlite3_column_int64(scan, 1), &ch, e);
			svc_buf_free(&vb);
			if (bad)
				goto out;
			if (ch)
				im->res->changed++;
			else
				im->res->unchanged++;
		}
		if (step != SQLITE_DONE) {
			svc_db_fail(im->db, step, e, "reading staged rows");
			goto out;
		}
		im->res->config_unchanged = im->res->changed == 0;
		rc = 0;
		goto out;
	}
	version = 0;
	if (svc_db_prepare(im->db, "SELECT version, valid_from FROM "
	    "config_versions WHERE kind=? ORDER BY version DESC LIMIT 1", &ver,
	    e) != 0)
		goto out;
	sqlite3_bind_text(ver, 1, k->name, -1, SQLITE_STATIC);
	if (sqlite3_step(ver) == SQLITE_ROW) {
		version = sqlite3_column_int64(ver, 0);
		im->res->config_from = sqlite3_column_int64(ver, 1);
	}
	sqlite3_finalize(ver);
	ver = NULL;
	svc_buf_adds(&sql, "SELECT ");
	for (c = 0; c < k->ncols; c++)
		svc_buf_printf(&sql, "%s\"%s\"", c ? "," : "", k->cols[c].name);
	svc_buf_printf(&sql, " FROM \"%s\" WHERE version=? ORDER BY rowno",
	    k->table);
	if (svc_db_prepare(im->db, sql.s, &cur, e) != 0 ||
	    svc_db_prepare(im->db, "SELECT v, line FROM temp.stage_cfg ORDER BY seq",
	    &scan, e) != 0)
		goto out;
	sqlite3_bind_int64(cur, 1, version);
	/* compare with the newest version */
	for (;;) {
		int a = sqlite3_step(scan), b = sqlite3_step(cur);

		if (a != SQLITE_ROW || b != SQLITE_ROW) {
			differ |= a != b;
			break;
		}
		{
			const unsigned char *p = sqlite3_column_blob(scan, 0);
			struct val v;

			for (c = 0; c < k->ncols; c++) {
				const char *s = (const char *)
				    sqlite3_column_text(cur, (int)c);

				p = get_val(p, &v);
				if (!same(s, &v))
					differ = 1;
			}
		}
	}
	sqlite3_reset(scan);
	/* the same rows from an earlier time are a new version of them */
	if (!differ && version > 0 && im->o->valid_from_given &&
	    im->o->valid_from < im->res->config_from)
		im->res->config_same = 1;
	else if (!differ && version > 0) {
		im->res->config_unchanged = 1;
		im->res->unchanged = im->res->rows_in - im->res->rejected;
		rc = 0;
		goto out;
	}
	version++;
	svc_buf_reset(&sql);
	svc_buf_printf(&sql, "INSERT INTO \"%s\"(version,rowno", k->table);
	for (c = 0; c < k->ncols; c++)
		svc_buf_printf(&sql, ",\"%s\"", k->cols[c].name);
	if (k->has_line)
		svc_buf_adds(&sql, ",line");
	svc_buf_adds(&sql, ") VALUES (?,?");
	for (c = 0; c < k->ncols; c++)
		svc_buf_adds(&sql, ",?");
	if (k->has_line)
		svc_buf_adds(&sql, ",?");
	svc_buf_adds(&sql, ")");
	if (svc_db_prepare(im->db, sql.s, &ins, e) != 0)
		goto out;
	while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_blob(scan, 0);
		struct val v;

		sqlite3_bind_int64(ins, 1, version);
		sqlite3_bind_int64(ins, 2, ++rows);
		for (c = 0; c < k->ncols; c++) {
			int i = (int)c + 3;

			p = get_val(p, &v);
			if (v.tag < 2)
				sqlite3_bind_null(ins, i);
			else if (k->cols[c].type == SVC_CT_INT ||
			    k->cols[c].type == SVC_CT_BOOL) {
				char num[32];

				snprintf(num, sizeof(num), "%.*s", (int)v.n, v.s);
				sqlite3_bind_int64(ins, i, strtoll(num, NULL, 10));
			} else
				sqlite3_bind_text(ins, i, v.s, (int)v.n,
				    SQLITE_TRANSIENT);
		}
		if (k->has_line)
			sqlite3_bind_int64(ins, (int)k->ncols + 3,
			    sqlite3_column_int64(scan, 1));
		step = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (step != SQLITE_DONE) {
			if ((step & 0xff) == SQLITE_CONSTRAINT && k->key >= 0)
				svc_err_set(e, SVC_EXIT_FATAL, im->file, 0, 0,
				    "duplicate %s in row %lld; each %s may "
				    "appear once", k->cols[k->key].name,
				    (long long)rows, k->cols[k->key].name);
			else
				svc_db_fail(im->db, step, e, "loading config");
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		svc_db_fail(im->db, step, e, "reading staged config");
		goto out;
	}
	if (k->across) {
		if (svc_db_prepare(im->db, k->across, &ver, e) != 0)
			goto out;
		sqlite3_bind_int64(ver, 1, version);
		if (sqlite3_step(ver) == SQLITE_ROW) {
			svc_err_set(e, SVC_EXIT_FATAL, im->file,
			    sqlite3_column_int64(ver, 0), 0, "%s",
			    (const char *)sqlite3_column_text(ver, 1));
			goto out;
		}
		sqlite3_finalize(ver);
		ver = NULL;
	}
	if (svc_db_prepare(im->db, "INSERT INTO config_versions(kind, version, "
	    "valid_from, run, rows) VALUES (?,?,?,?,?)", &ver, e) != 0)
		goto out;
	sqlite3_bind_text(ver, 1, k->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ver, 2, version);
	sqlite3_bind_int64(ver, 3, version == 1 && !im->o->valid_from_given ?
	    SVC_CONFIG_ALWAYS : im->o->valid_from);
	sqlite3_bind_int64(ver, 4, im->run);
	sqlite3_bind_int64(ver, 5, rows);
	if ((step = sqlite3_step(ver)) != SQLITE_DONE) {
		svc_db_fail(im->db, step, e, "versioning config");
		goto out;
	}
	sqlite3_finalize(ver);
	ver = NULL;
	{
		struct svc_audit aud;
		char was[24], now[24];
		int bad;

		snprintf(was, sizeof(was), "%lld", (long long)(version - 1));
		snprintf(now, sizeof(now), "%lld", (long long)version);
		svc_audit_init(&aud, im->db, im->o->now, im->o->actor,
		    im->o->program, im->run);
		bad = svc_audit(&aud, "config", k->name, "version", version > 1 ?
		    was : NULL, now, NULL, e) != 0 || svc_audit_flush(&aud, e) != 0;
		svc_audit_free(&aud);
		if (bad)
			goto out;
	}
	im->res->changed = rows;
	rc = 0;
out:
	sqlite3_finalize(scan);
	sqlite3_finalize(cur);
	sqlite3_finalize(ins);
	sqlite3_finalize(ver);
	svc_buf_free(&sql);
	return rc;
}

int
svc_import_export(struct svc_db *db, int kind, int64_t now, FILE *fp,
    int format, struct svc_err *e)
{
	const struct svc_ckind *k = svc_config_kind(kind);
	struct svc_buf sql = { 0 };
	sqlite3_stmt *st = NULL;
	struct svc_out *out;
	const char *cols[32], *v[32];
	int rc = -1, step;
	size_t c;

	if (k == NULL)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "--export: '%s' is not a configuration kind",
		    svc_import_kind_name(kind));
	if (k->export)
		return k->export(db, fp, format, e);
	svc_buf_adds(&sql, "SELECT ");
	for (c = 0; c < k->ncols; c++) {
		cols[c] = k->cols[c].name;
		if (k->cols[c].type == SVC_CT_BOOL)
			svc_buf_printf(&sql, "%sCASE \"%s\" WHEN 1 THEN 'true' "
			    "WHEN 0 THEN 'false' END", c ? "," : "",
			    k->cols[c].name);
		else
			svc_buf_printf(&sql, "%s\"%s\"", c ? "," : "",
			    k->cols[c].name);
	}
	svc_buf_printf(&sql, " FROM \"%s\" WHERE version=(SELECT version FROM "
	    "config_versions WHERE kind=? AND valid_from<=? ORDER BY version "
	    "DESC LIMIT 1) ORDER BY rowno", k->table);
	if (svc_db_prepare(db, sql.s, &st, e) != 0)
		goto done;
	sqlite3_bind_text(st, 1, k->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	out = svc_out_open(fp, format, k->ncols, cols);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (c = 0; c < k->ncols; c++)
			v[c] = (const char *)sqlite3_column_text(st, (int)c);
		svc_out_row(out, v, NULL);
	}
	if (svc_out_close(out) != 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "write error: %s",
		    strerror(errno));
		goto done;
	}
	if (step != SQLITE_DONE) {
		svc_db_fail(db, step, e, "exporting");
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	svc_buf_free(&sql);
	return rc;
}

/* ---- the whole file ---- */

static const char *const temp_ddl =
    "DROP TABLE IF EXISTS temp.stage; DROP TABLE IF EXISTS temp.stage_ev;"
    "DROP TABLE IF EXISTS temp.stage_cfg; DROP TABLE IF EXISTS temp.rej;"
    "DROP TABLE IF EXISTS temp.note;"
    "CREATE TEMP TABLE stage(seq INTEGER PRIMARY KEY, grp INTEGER NOT NULL,"
    "  tid TEXT NOT NULL, upd INTEGER, v BLOB NOT NULL, line INTEGER);"
    "CREATE TEMP TABLE stage_ev(seq INTEGER PRIMARY KEY, tid TEXT NOT NULL,"
    "  at INTEGER NOT NULL, field TEXT NOT NULL, value TEXT, actor TEXT);"
    "CREATE TEMP TABLE stage_cfg(seq INTEGER PRIMARY KEY, line INTEGER,"
    "  v BLOB NOT NULL);"
    "CREATE TEMP TABLE rej(ls INTEGER, le INTEGER, col INTEGER, field TEXT,"
    "  type TEXT, message TEXT, raw BLOB);"
    "CREATE TEMP TABLE note(run INTEGER, file TEXT, line INTEGER,"
    "  column_name TEXT, field TEXT, ticket_id TEXT, value TEXT, kind TEXT,"
    "  reason TEXT);";

static const char *const temp_drop =
    "DROP TABLE IF EXISTS temp.stage; DROP TABLE IF EXISTS temp.stage_ev;"
    "DROP TABLE IF EXISTS temp.stage_cfg; DROP TABLE IF EXISTS temp.rej;"
    "DROP TABLE IF EXISTS temp.note;";

static const char *const note_sql =
    "INSERT INTO import_notes(run, file, line, column_name, field, "
    "ticket_id, value, kind, reason) VALUES (?,?,?,?,?,?,?,?,?)";
static const char *const temp_note_sql =
    "INSERT INTO temp.note(run, file, line, column_name, field, "
    "ticket_id, value, kind, reason) VALUES (?,?,?,?,?,?,?,?,?)";

static int
stage_ticket(struct imp *im, const struct key *k, struct svc_err *e)
{
	sqlite3_stmt *st = im->st_stage;
	uint32_t seq = ++im->nstaged, grp = seq;
	int rc;

	/* rows of one ticket sort together, where the ticket first appeared */
	svc_keyset_add(&im->seen, k->tid, k->tlen, seq, &grp);
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, grp);
	sqlite3_bind_text(st, 3, k->tid, (int)k->tlen, SQLITE_STATIC);
	if (k->has_upd)
		sqlite3_bind_int64(st, 4, k->upd);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_blob(st, 5, im->blob.s, (int)im->blob.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, k->line);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(im->db, rc, e, "staging");
	return notes_flush(im, (const unsigned char *)im->pend.s, im->pend.len,
	    k->line, k->tid, k->tlen, e);
}

/* Type and stage (or preview) one event record. */
static int
stage_event(struct imp *im, const int *col, const struct svc_record *rec,
    sqlite3_stmt *exists, struct svc_out *pv, struct tyerr *te,
    struct svc_err *e)
{
	const char *tid = rec->f[col[EV_TID]], *fld = rec->f[col[EV_FIELD]];
	size_t tn = rec->len[col[EV_TID]], fn = rec->len[col[EV_FIELD]];
	const char *val = rec->f[col[EV_VALUE]];
	size_t vn = rec->len[col[EV_VALUE]];
	char why[200], shown[MAXSHOW + 8];
	int64_t at, iv = 0;
	int rc, f, found, vnull;

	svc_buf_reset(&im->pend);
	if (is_null(im->o, tid, tn)) {
		te->type = "missing_key";
		te->col = col[EV_TID];
		snprintf(te->msg, sizeof(te->msg), "column '%s': empty ticket id",
		    im->hdr[col[EV_TID]]);
		return -1;
	}
	rc = svc_time_parse(rec->f[col[EV_AT]], rec->len[col[EV_AT]], &im->tctx,
	    &at, why, sizeof(why));
	if (rc == SVC_TIME_AMBIGUOUS)
		return svc_err_set(e, SVC_EXIT_FATAL, im->file, rec->line_start, 0,
		    "column '%s': %s; give --date-order dmy or mdy",
		    im->hdr[col[EV_AT]], why), -2;
	if (rc != SVC_TIME_OK) {
		te->type = "bad_time";
		te->col = col[EV_AT];
		show(shown, sizeof(shown), rec->f[col[EV_AT]], rec->len[col[EV_AT]]);
		snprintf(te->msg, sizeof(te->msg), "column '%s': cannot read '%s' "
		    "as a time: %s", im->hdr[col[EV_AT]], shown, why);
		return -1;
	}
	if (!valid_event_field(fld, fn)) {
		te->type = "bad_value";
		te->col = col[EV_FIELD];
		show(shown, sizeof(shown), fld, fn);
		snprintf(te->msg, sizeof(te->msg), "column '%s': '%s' is not a "
		    "field name", im->hdr[col[EV_FIELD]], shown);
		return -1;
	}
	svc_buf_reset(&im->tmp);
	vnull = is_null(im->o, val, vn);
	f = svc_field_find(fld);
	rc = TY_TEXT;
	if (f >= 0 && f < SVC_NFIELDS && !vnull) {
		rc = type_value(im, f, col[EV_VALUE], val, vn, &iv, te, e);
		if (rc == -2)
			return -2;
		if (rc == -1) {
			te->col = col[EV_VALUE];
			return -1;
		}
	}
	if (rc == TY_NULL)
		vnull = 1;
	else if (rc == TY_INT)
		svc_buf_printf(&im->tmp, "%lld", (long long)iv);
	else if (!vnull)
		svc_buf_add(&im->tmp, val, vn);
	if (exists) {
		sqlite3_bind_text(exists, 1, tid, (int)tn, SQLITE_STATIC);
		found = sqlite3_step(exists) == SQLITE_ROW;
		sqlite3_reset(exists);
		if (!found) {
			te->type = "unknown_ticket";
			te->col = col[EV_TID];
			show(shown, sizeof(shown), tid, tn);
			snprintf(te->msg, sizeof(te->msg), "column '%s': no ticket "
			    "'%s' (import the tickets first)",
			    im->hdr[col[EV_TID]], shown);
			return -1;
		}
	}
	if (im->o->preview) {
		char tb[48];
		const char *v[5];

		if (notes_flush(im, (const unsigned char *)im->pend.s,
		    im->pend.len, rec->line_start, tid, tn, e) != 0)
			return -2;
		svc_time_format(at, tb, sizeof(tb));
		v[0] = tid; v[1] = tb; v[2] = fld;
		v[3] = vnull ? NULL : im->tmp.s;
		v[4] = col[EV_ACTOR] >= 0 ? rec->f[col[EV_ACTOR]] : NULL;
		svc_out_row(pv, v, NULL);
		return 0;
	}
	sqlite3_bind_text(im->st_stage, 1, tid, (int)tn, SQLITE_STATIC);
	sqlite3_bind_int64(im->st_stage, 2, at);
	sqlite3_bind_text(im->st_stage, 3, fld, (int)fn, SQLITE_STATIC);
	if (vnull)
		sqlite3_bind_null(im->st_stage, 4);
	else
		sqlite3_bind_text(im->st_stage, 4, im->tmp.s, (int)im->tmp.len,
		    SQLITE_STATIC);
	if (col[EV_ACTOR] >= 0 && !is_null(im->o, rec->f[col[EV_ACTOR]],
	    rec->len[col[EV_ACTOR]]))
		sqlite3_bind_text(im->st_stage, 5, rec->f[col[EV_ACTOR]],
		    (int)rec->len[col[EV_ACTOR]], SQLITE_STATIC);
	else
		sqlite3_bind_null(im->st_stage, 5);
	rc = sqlite3_step(im->st_stage);
	sqlite3_reset(im->st_stage);
	if (rc != SQLITE_DONE)
		return svc_db_fail(im->db, rc, e, "staging"), -2;
	if (notes_flush(im, (const unsigned char *)im->pend.s, im->pend.len,
	    rec->line_start, tid, tn, e) != 0)
		return -2;
	return 0;
}

/* ---- runs ---- */

/* Take the write lock and record the run: im->run is its id. */
static int
run_open(struct imp *im, int kind, struct svc_err *e)
{
	const struct svc_import_opts *o = im->o;
	struct svc_run run;

	svc_run_init(&run, o->program, o->args, o->actor,
	    svc_import_kind_name(kind), o->now);
	run.source = im->file;
	if (svc_db_begin(im->db, e) != 0)
		return -1;
	if (svc_db_run_insert(im->db, &run, e) != 0) {
		svc_db_rollback(im->db);
		return -1;
	}
	im->run = im->res->run = run.id;
	svc_audit_free(&im->aud);
	svc_audit_init(&im->aud, im->db, o->now, o->actor, o->program, run.id);
	return 0;
}

/* Record the counts of the run and end its transaction: commit, or roll
 * back under -n.  On failure the transaction is rolled back. */
static int
run_close(struct imp *im, struct svc_err *e)
{
	struct svc_import_result *res = im->res;
	struct svc_run run;

	memset(&run, 0, sizeof(run));
	run.id = im->run;
	run.rows_in = res->rows_in;
	run.rows_loaded = res->loaded = res->rows_in - res->rejected;
	run.rows_rejected = res->rejected;
	run.rows_new = res->rows_new;
	run.rows_changed = res->changed;
	if (svc_audit_flush(&im->aud, e) != 0 ||
	    svc_db_run_counts(im->db, &run, e) != 0) {
		svc_db_rollback(im->db);
		return -1;
	}
	if (im->o->dry_run) {
		svc_db_rollback(im->db);
		return 0;
	}
	return svc_db_commit(im->db, e);
}

/* Run sql, an INSERT ... SELECT from a TEMP table with ?1 the run and
 * ?2 the file, into the run's own table; what names it in an error. */
static int
store_staged(struct imp *im, const char *sql, const char *what,
    struct svc_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (svc_db_prepare(im->db, sql, &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, im->run);
	sqlite3_bind_text(st, 2, im->file, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		svc_db_fail(im->db, rc, e, what);
		return -1;
	}
	return 0;
}

/* Phase 2 of a staged import: apply what phase 1 staged. */
static int
finish_run(struct imp *im, int kind, const struct svc_ckind *ck,
    struct svc_err *e)
{
	int rc;

	if (run_open(im, kind, e) != 0)
		return -1;
	if (store_staged(im, "INSERT INTO rejects(run, file, line_start, "
	    "line_end, col, field, type, message, raw) SELECT ?, ?, ls, le, "
	    "col, field, type, message, raw FROM temp.rej ORDER BY rowid",
	    "storing rejects", e) != 0)
		goto fail;
	if (kind == SVC_KIND_TICKETS || kind == SVC_KIND_EVENTS) {
		if (store_staged(im, "INSERT INTO import_notes(run, "
		    "file, line, column_name, field, ticket_id, value, kind, "
		    "reason) SELECT ?, ?, line, column_name, field, ticket_id, "
		    "value, kind, reason FROM temp.note ORDER BY rowid",
		    "storing notes", e) != 0)
			goto fail;
		sqlite3_finalize(im->st_note);
		if (svc_db_prepare(im->db, note_sql, &im->st_note, e) != 0)
			goto fail;
	}
	if (kind == SVC_KIND_TICKETS)
		rc = apply_staged(im, e);
	else if (kind == SVC_KIND_EVENTS)
		rc = apply_events(im, e);
	else
		rc = apply_config(im, ck, e);
	if (rc != 0)
		goto fail;
	return run_close(im, e);
fail:
	svc_db_rollback(im->db);
	return -1;
}

/* Report the rejects of a streamed pass, stored with the run. */
static int
replay_rejects(struct imp *im, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (im->res->rejected == 0)
		return 0;
	if (svc_db_prepare(im->db, "SELECT line_start, line_end, col, field, "
	    "type, message, raw FROM rejects WHERE run=? ORDER BY id", &st,
	    e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, im->run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		reject_emit(im, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 5),
		    (const char *)sqlite3_column_blob(st, 6),
		    (size_t)sqlite3_column_bytes(st, 6));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(im->db, rc, e, "reading rejects");
	return 0;
}

/* Too many rejects: nothing is committed.  Returns -1 with e filled. */
static int
too_many_rejects(struct imp *im, const struct svc_ckind *ck, struct svc_err *e)
{
	const struct svc_import_opts *o = im->o;
	const struct svc_import_result *res = im->res;

	if (res->rejected == 0 || (ck == NULL && (o->max_rejects >= 0 ?
	    res->rejected <= o->max_rejects :
	    res->rejected * 100 <= (int64_t)o->max_rejects_pct * res->rows_in)))
		return 0;
	if (ck != NULL)
		return svc_err_set(e, SVC_EXIT_FATAL, im->file, 0, 0,
		    "%lld of %lld rows rejected; %s %s file loads whole "
		    "or not at all, nothing was committed",
		    (long long)res->rejected, (long long)res->rows_in,
		    strchr("aeiou", ck->name[0]) ? "an" : "a", ck->name);
	if (o->max_rejects >= 0)
		return svc_err_set(e, SVC_EXIT_FATAL, im->file, 0, 0,
		    "%lld of %lld rows rejected, more than --max-rejects %lld; "
		    "nothing was committed", (long long)res->rejected,
		    (long long)res->rows_in, (long long)o->max_rejects);
	return svc_err_set(e, SVC_EXIT_FATAL, im->file, 0, 0,
	    "%lld of %lld rows rejected, more than --max-rejects %d%%; "
	    "nothing was committed", (long long)res->rejected,
	    (long long)res->rows_in, o->max_rejects_pct);
}

/* ---- one pass over the file ---- */

/*
 * PASS_PREVIEW prints; PASS_STAGE types into TEMP tables without the write
 * lock and applies them sorted (phase 2); PASS_STREAM, for ticket files
 * that can be read twice, takes the write lock first and applies each row
 * as it is read.  Streaming gives the same result as staging as long as
 * the rows of each ticket come together and in time order, which is how
 * exports and most event logs are written; the first row that breaks this
 * ends the pass with APPLY_UNORDERED, everything is rolled back and the
 * file is read again staged.
 */
enum { PASS_PREVIEW, PASS_STAGE, PASS_STREAM };

static void
imp_free(struct imp *im)
{
	size_t i;

	sqlite3_finalize(im->st_stage);
	sqlite3_finalize(im->st_rej);
	sqlite3_finalize(im->st_note);
	im->st_stage = im->st_rej = im->st_note = NULL;
	svc_buf_free(&im->pend);
	for (i = 0; i < im->ncol; i++)
		free(im->hdr[i]);
	free(im->hdr);
	free(im->grp_first);
	free(im->grp_count);
	svc_map_free(&im->map);
	svc_buf_free(&im->blob);
	svc_buf_free(&im->tmp);
	svc_keyset_free(&im->seen);
	svc_audit_free(&im->aud);
	changes_reset(im);
}

static void
imp_init(struct imp *im, struct svc_db *db, const char *file,
    const struct svc_import_opts *o, struct svc_import_result *res)
{
	memset(im, 0, sizeof(*im));
	memset(res, 0, sizeof(*res));
	im->o = o;
	im->res = res;
	im->db = db;
	im->file = file;
	im->tctx.order = o->date_order;
}

/* Read and map the header.  Returns 0 or -1 (e filled). */
static int
read_header(struct imp *im, struct svc_reader *rd, int *evcol, int *ccol,
    const struct svc_ckind *ck, struct svc_err *e)
{
	const struct svc_import_opts *o = im->o;
	struct svc_record rec;
	struct svc_bad bad;
	size_t i;
	int rc;

	rc = svc_reader_next(rd, &rec, &bad, e);
	if (rc == SVC_READ_FATAL)
		return -1;
	if (rc == SVC_READ_EOF)
		return svc_err_set(e, SVC_EXIT_FATAL, im->file, 0, 0,
		    "empty file: no header line");
	if (rc == SVC_READ_BAD)
		return svc_err_set(e, SVC_EXIT_FATAL, im->file, rec.line_start, 0,
		    "header: %s", bad.msg);
	im->ncol = rec.nf;
	im->hdr = svc_xcalloc(rec.nf + 1, sizeof(char *));
	for (i = 0; i < rec.nf; i++)
		im->hdr[i] = svc_xstrndup(rec.f[i], rec.len[i]);
	svc_reader_expect(rd, rec.nf);
	if (o->preview && o->raw)
		return 0;	/* no mapping: the file's own header */
	if (o->kind == SVC_KIND_TICKETS) {
		struct svc_buf b = { 0 };

		if (svc_map_build(&im->map, im->ncol, im->hdr, o->profile,
		    o->maps, o->nmaps, im->file, e) != 0)
			return -1;
		group_columns(im);
		svc_map_describe(&im->map, im->hdr, &b);
		snprintf(im->res->mapping, sizeof(im->res->mapping), "%s",
		    b.s ? b.s : "");
		svc_buf_free(&b);
		return 0;
	}
	if (o->kind == SVC_KIND_EVENTS)
		return events_columns(im, evcol, e);
	if (ck == NULL || ck->ncols > 32)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "unknown kind");
	return config_columns(im, ck, ccol, e);
}

static struct svc_out *
preview_out(struct imp *im, const struct svc_ckind *ck)
{
	const struct svc_import_opts *o = im->o;
	const char *c[32];
	size_t i;

	if (o->raw)
		return svc_out_open(o->out, o->format, im->ncol,
		    (const char *const *)im->hdr);
	if (o->kind == SVC_KIND_TICKETS)
		return preview_open(im);
	if (o->kind == SVC_KIND_EVENTS) {
		static const char *const ev[] = { "ticket_id", "at", "field",
		    "value", "actor" };

		return svc_out_open(o->out, o->format, 5, ev);
	}
	for (i = 0; i < ck->ncols; i++)
		c[i] = ck->cols[i].name;
	return svc_out_open(o->out, o->format, ck->ncols, c);
}

/* Print one typed config record (in im->blob). */
static void
preview_config(struct imp *im, struct svc_out *pv, const struct svc_ckind *ck)
{
	const char *v[32];
	size_t len[32], i;
	const unsigned char *p = (const unsigned char *)im->blob.s;
	struct val x;

	for (i = 0; i < ck->ncols; i++) {
		p = get_val(p, &x);
		v[i] = x.tag == V_TEXT ? x.s : NULL;
		len[i] = x.n;
	}
	svc_out_row(pv, v, len);
}

/* The message for a record the reader could not read; returns the name
 * of the column at fault, or NULL. */
static const char *
unreadable_msg(struct imp *im, const struct svc_bad *bad, char *msg,
    size_t size)
{
	const char *field = bad->field > 0 && (size_t)bad->field <= im->ncol ?
	    im->hdr[bad->field - 1] : NULL;

	if (field && strncmp(bad->msg, "field ", 6) == 0 &&
	    strchr(bad->msg, ':') != NULL)
		snprintf(msg, size, "column '%s':%s", field,
		    strchr(bad->msg, ':') + 1);
	else
		snprintf(msg, size, "%s", bad->msg);
	return field;
}

/* ---- streaming: a reading thread feeds the applying thread ---- */

/*
 * Parsing and typing take about as long as writing to SQLite, so a streamed
 * pass does them on a second thread.  The reader fills chunks of messages
 * (a typed row or a reject) and hands them over in order; the applier
 * empties them.  Only the reader touches the file, the mapping and the
 * time context; only the applier touches the database.
 */
#define PIPE_CHUNKS 8
#define PIPE_CHUNK (128 * 1024)

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct svc_buf buf[PIPE_CHUNKS];
	int q[PIPE_CHUNKS];	/* filled chunks, oldest first */
	size_t qhead, qn;
	int freel[PIPE_CHUNKS];
	size_t nfree;
	int stop;		/* applier: stop reading */
	int done;		/* reader: no more chunks */
	int status;		/* reader: 0, or -1 with err filled */
	struct svc_err err;
	struct imp *im;
	struct svc_reader *rd;
};

static void
put_i64(struct svc_buf *b, int64_t v)
{
	put_u32(b, (size_t)((uint64_t)v >> 32) & 0xffffffffu);
	put_u32(b, (size_t)((uint64_t)v & 0xffffffffu));
}

static int64_t
get_i64(const unsigned char **p)
{
	uint64_t u = ((uint64_t)get_u32(*p) << 32) | get_u32(*p + 4);

	*p += 8;
	return (int64_t)u;
}

static void
put_str(struct svc_buf *b, const char *s, size_t n)
{
	if (s == NULL) {
		put_u32(b, 0xffffffffu);
		return;
	}
	put_u32(b, n);
	svc_buf_add(b, s, n);
}

static const char *
get_str(const unsigned char **p, size_t *n)
{
	const char *s;

	*n = get_u32(*p);
	*p += 4;
	if (*n == 0xffffffffu) {
		*n = 0;
		return NULL;
	}
	s = (const char *)*p;
	*p += *n;
	return s;
}

static void
put_reject(struct svc_buf *b, long ls, long le, long col, const char *field,
    const char *type, const char *msg, const char *raw, size_t rawlen)
{
	svc_buf_addc(b, 'J');
	put_i64(b, ls);
	put_i64(b, le);
	put_i64(b, col);
	put_str(b, field, field ? strlen(field) : 0);
	put_str(b, type, strlen(type));
	put_str(b, msg, strlen(msg));
	put_str(b, raw, rawlen);
}

/* Take a free chunk (reader side); -1 when told to stop. */
static int
pipe_take(struct pipe *p)
{
	int c = -1;

	pthread_mutex_lock(&p->mu);
	while (p->nfree == 0 && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->stop)
		c = p->freel[--p->nfree];
	pthread_mutex_unlock(&p->mu);
	return c;
}

static void
pipe_publish(struct pipe *p, int c, int last)
{
	pthread_mutex_lock(&p->mu);
	if (c >= 0) {
		p->q[(p->qhead + p->qn) % PIPE_CHUNKS] = c;
		p->qn++;
	}
	if (last)
		p->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Next filled chunk (applier side); -1 when the reader is done. */
static int
pipe_next(struct pipe *p)
{
	int c = -1;

	pthread_mutex_lock(&p->mu);
	while (p->qn == 0 && !p->done)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->qn > 0) {
		c = p->q[p->qhead];
		p->qhead = (p->qhead + 1) % PIPE_CHUNKS;
		p->qn--;
	}
	pthread_mutex_unlock(&p->mu);
	return c;
}

static void
pipe_release(struct pipe *p, int c)
{
	pthread_mutex_lock(&p->mu);
	svc_buf_reset(&p->buf[c]);
	p->freel[p->nfree++] = c;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void
pipe_stop(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* The reading thread: records to messages. */
static void *
pipe_read(void *arg)
{
	struct pipe *p = arg;
	struct imp *im = p->im;
	const struct svc_import_opts *o = im->o;
	struct svc_record rec;
	struct svc_bad bad;
	int c = pipe_take(p), rc;

	while (c >= 0) {
		struct svc_buf *b = &p->buf[c];
		struct tyerr te;
		struct key k;

		rc = svc_reader_next(p->rd, &rec, &bad, &p->err);
		if (rc == SVC_READ_FATAL) {
			p->status = -1;
			break;
		}
		if (rc == SVC_READ_EOF)
			break;
		im->res->rows_in++;
		if (o->on_progress && (im->res->rows_in & 8191) == 0)
			o->on_progress(o->ud, svc_reader_offset(p->rd),
			    im->res->rows_in);
		if (rc == SVC_READ_BAD) {
			char msg[700];
			const char *field = unreadable_msg(im, &bad, msg,
			    sizeof(msg));

			put_reject(b, rec.line_start, rec.line_end, bad.col, field,
			    bad.type, msg, rec.raw, rec.rawlen);
		} else {
			memset(&te, 0, sizeof(te));
			rc = type_record(im, &rec, &k, &te, &p->err);
			if (rc == -2) {
				if (p->err.line == 0)
					p->err.line = rec.line_start;
				p->status = -1;
				break;
			}
			if (rc == -1)
				put_reject(b, rec.line_start, rec.line_end, 0,
				    im->hdr[te.col], te.type, te.msg, rec.raw,
				    rec.rawlen);
			else {
				svc_buf_addc(b, 'R');
				put_str(b, k.tid, k.tlen);
				svc_buf_addc(b, k.has_upd);
				put_i64(b, k.upd);
				put_i64(b, k.line);
				put_str(b, im->blob.s, im->blob.len);
				put_str(b, im->pend.s ? im->pend.s : "",
				    im->pend.len);
			}
		}
		if (b->len >= PIPE_CHUNK) {
			pipe_publish(p, c, 0);
			c = pipe_take(p);
		}
	}
	if (c >= 0 && o->on_progress && p->status == 0)
		o->on_progress(o->ud, svc_reader_offset(p->rd), im->res->rows_in);
	pipe_publish(p, c >= 0 && p->buf[c].len > 0 ? c : -1, 1);
	return NULL;
}

/* Apply one chunk of messages.  Returns 0, -1 or APPLY_UNORDERED. */
static int
pipe_apply(struct apply *ap, const struct svc_buf *b, struct svc_err *e)
{
	const unsigned char *p = (const unsigned char *)b->s;
	const unsigned char *end = p + b->len;
	int rc;

	while (p < end) {
		int type = *p++;

		if (type == 'R') {
			struct key k;
			const char *blob, *notes;
			size_t n, nn;

			k.tid = get_str(&p, &k.tlen);
			k.has_upd = *p++;
			k.upd = get_i64(&p);
			k.line = (long)get_i64(&p);
			blob = get_str(&p, &n);
			notes = get_str(&p, &nn);
			rc = notes_flush(ap->im, (const unsigned char *)notes,
			    nn, k.line, k.tid, k.tlen, e);
			if (rc == 0)
				rc = apply_one(ap, &k,
				    (const unsigned char *)blob, e);
		} else {
			long ls = (long)get_i64(&p), le = (long)get_i64(&p);
			long col = (long)get_i64(&p);
			const char *field, *type_, *msg, *raw;
			size_t fn, tn, mn, rn;
			char f[600], t[64], m[800];

			field = get_str(&p, &fn);
			type_ = get_str(&p, &tn);
			msg = get_str(&p, &mn);
			raw = get_str(&p, &rn);
			if (field)
				snprintf(f, sizeof(f), "%.*s", (int)fn, field);
			snprintf(t, sizeof(t), "%.*s", (int)tn, type_);
			snprintf(m, sizeof(m), "%.*s", (int)mn, msg);
			rc = reject(ap->im, ls, le, col, field ? f : NULL, t, m,
			    raw, rn, e);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Run the reader thread over rd and apply what it sends.  Returns 0, -1 or
 * APPLY_UNORDERED; the reader has finished either way. */
static int
pipe_run(struct apply *ap, struct svc_reader *rd, struct svc_err *e)
{
	struct pipe p;
	pthread_t th;
	int i, c, rc = 0;

	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (i = 0; i < PIPE_CHUNKS; i++)
		p.freel[p.nfree++] = i;
	p.im = ap->im;
	p.rd = rd;
	svc_err_clear(&p.err);
	if (pthread_create(&th, NULL, pipe_read, &p) != 0) {
		rc = APPLY_UNORDERED;	/* read it staged, on one thread */
		goto out;
	}
	while ((c = pipe_next(&p)) >= 0) {
		rc = pipe_apply(ap, &p.buf[c], e);
		pipe_release(&p, c);
		if (rc != 0) {
			pipe_stop(&p);
			break;
		}
	}
	pthread_join(th, NULL);
	if (rc == 0 && p.status != 0) {
		*e = p.err;
		rc = -1;
	}
out:
	for (i = 0; i < PIPE_CHUNKS; i++)
		svc_buf_free(&p.buf[i]);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

static int
import_pass(struct imp *im, FILE *fp, int mode, struct svc_err *e)
{
	const struct svc_import_opts *o = im->o;
	struct svc_import_result *res = im->res;
	const struct svc_ckind *ck = svc_config_kind(o->kind);
	struct svc_db *db = im->db;
	struct svc_reader_opts ro;
	struct svc_reader *rd;
	struct svc_record rec;
	struct svc_bad bad;
	struct svc_out *pv = NULL;
	struct row prow;
	struct apply ap;
	sqlite3_stmt *exists = NULL;
	struct svc_flusher *flusher = NULL;
	int rc, ret = -1, evcol[EV_N], ccol[32], tx = 0, have_ap = 0;

	memset(&prow, 0, sizeof(prow));
	memset(&ro, 0, sizeof(ro));
	ro.delim = o->delim;
	ro.encoding = o->encoding;
	rd = svc_reader_open(fp, im->file, &ro);
	if (read_header(im, rd, evcol, ccol, ck, e) != 0)
		goto out;
	if (mode == PASS_PREVIEW) {
		pv = preview_out(im, ck);
	} else if (mode == PASS_STREAM) {
		flusher = svc_db_flusher_start(db);
		svc_keyset_init(&im->seen, 0);
		if (run_open(im, o->kind, e) != 0)
			goto out;
		tx = 1;
		im->defer_rejects = 1;
		if (svc_db_prepare(db, "INSERT INTO rejects(line_start, "
		    "line_end, col, field, type, message, raw, run, file) "
		    "VALUES (?,?,?,?,?,?,?,?,?)", &im->st_rej, e) != 0 ||
		    svc_db_prepare(db, note_sql, &im->st_note, e) != 0 ||
		    apply_open(&ap, im, 1, e) != 0)
			goto out;
		have_ap = 1;
		sqlite3_bind_int64(im->st_rej, 8, im->run);
		sqlite3_bind_text(im->st_rej, 9, im->file, -1, SQLITE_STATIC);
	} else {
		svc_keyset_init(&im->seen, 1);
		if (svc_db_exec(db, "BEGIN", e) != 0)
			goto out;
		tx = 1;
		if (svc_db_exec(db, temp_ddl, e) != 0 ||
		    svc_db_prepare(db, o->kind == SVC_KIND_TICKETS ?
		    "INSERT INTO temp.stage(seq, grp, tid, upd, v, line) "
		    "VALUES (?,?,?,?,?,?)" :
		    o->kind == SVC_KIND_EVENTS ?
		    "INSERT INTO temp.stage_ev(tid, at, field, value, actor) "
		    "VALUES (?,?,?,?,?)" :
		    "INSERT INTO temp.stage_cfg(v, line) VALUES (?,?)", &im->st_stage,
		    e) != 0 ||
		    svc_db_prepare(db, "INSERT INTO temp.rej(ls, le, col, field, "
		    "type, message, raw) VALUES (?,?,?,?,?,?,?)", &im->st_rej,
		    e) != 0 || svc_db_prepare(db, temp_note_sql, &im->st_note,
		    e) != 0)
			goto out;
	}
	if (o->kind == SVC_KIND_EVENTS && db && svc_db_prepare(db,
	    "SELECT 1 FROM tickets WHERE ticket_id=?", &exists, e) != 0)
		goto out;
	if (mode == PASS_STREAM) {
		rc = pipe_run(&ap, rd, e);
		if (rc != 0) {
			ret = rc;
			goto out;
		}
		goto done;
	}

	for (;;) {
		struct tyerr te;
		struct key k;

		if (mode == PASS_PREVIEW && o->limit > 0 &&
		    res->rows_in - res->rejected >= o->limit)
			break;
		rc = svc_reader_next(rd, &rec, &bad, e);
		if (rc == SVC_READ_FATAL)
			goto out;
		if (rc == SVC_READ_EOF)
			break;
		res->rows_in++;
		if (o->on_progress && (res->rows_in & 8191) == 0)
			o->on_progress(o->ud, svc_reader_offset(rd), res->rows_in);
		if (rc == SVC_READ_BAD) {
			char msg[700];
			const char *field = unreadable_msg(im, &bad, msg,
			    sizeof(msg));

			if (reject(im, rec.line_start, rec.line_end, bad.col,
			    field, bad.type, msg, rec.raw, rec.rawlen, e) != 0)
				goto out;
			continue;
		}
		if (mode == PASS_PREVIEW && o->raw) {
			svc_out_row(pv, (const char *const *)rec.f, rec.len);
			continue;
		}
		memset(&te, 0, sizeof(te));
		if (o->kind == SVC_KIND_TICKETS)
			rc = type_record(im, &rec, &k, &te, e);
		else if (o->kind == SVC_KIND_EVENTS)
			rc = stage_event(im, evcol, &rec, exists, pv, &te, e);
		else
			rc = type_config(im, ck, ccol, &rec, &te);
		if (rc == -2) {
			if (e->line == 0)
				e->line = rec.line_start;
			goto out;
		}
		if (rc == -1) {
			im->rej_pos = te.pos;
			rc = reject(im, rec.line_start, rec.line_end, 0,
			    im->hdr[te.col], te.type, te.msg, rec.raw, rec.rawlen,
			    e);
			im->rej_pos = 0;
			if (rc != 0)
				goto out;
			continue;
		}
		if (o->kind == SVC_KIND_EVENTS)
			continue;
		if (mode == PASS_PREVIEW) {
			if (o->kind == SVC_KIND_TICKETS) {
				/* counted, not stored */
				if (notes_flush(im, (const unsigned char *)
				    im->pend.s, im->pend.len, rec.line_start,
				    k.tid, k.tlen, e) != 0)
					goto out;
				decode((const unsigned char *)im->blob.s, &prow);
				preview_row(im, pv, &prow);
			} else
				preview_config(im, pv, ck);
			continue;
		}
		if (o->kind == SVC_KIND_TICKETS)
			rc = stage_ticket(im, &k, e);
		else {
			sqlite3_bind_blob(im->st_stage, 1, im->blob.s,
			    (int)im->blob.len, SQLITE_STATIC);
			sqlite3_bind_int64(im->st_stage, 2, rec.line_start);
			rc = sqlite3_step(im->st_stage);
			sqlite3_reset(im->st_stage);
			rc = rc == SQLITE_DONE ? 0 :
			    svc_db_fail(db, rc, e, "staging");
		}
		if (rc != 0)
			goto out;
	}
	if (o->on_progress)
		o->on_progress(o->ud, svc_reader_offset(rd), res->rows_in);
done:
	res->loaded = res->rows_in - res->rejected;
	if (mode == PASS_PREVIEW) {
		ret = 0;
		goto out;
	}
	if (mode == PASS_STREAM) {
		if (ap.have && (rc = flush_ticket(&ap, e)) != 0) {
			ret = rc;
			goto out;
		}
		if (replay_rejects(im, e) != 0 || too_many_rejects(im, ck, e))
			goto out;
		tx = 0;
		rc = run_close(im, e);
		svc_db_flusher_stop(flusher);
		flusher = NULL;
		if (rc != 0)
			goto out;
	} else {
		if (too_many_rejects(im, ck, e))
			goto out;
		sqlite3_finalize(im->st_stage);
		sqlite3_finalize(im->st_rej);
		sqlite3_finalize(im->st_note);
		sqlite3_finalize(exists);
		im->st_stage = im->st_rej = im->st_note = exists = NULL;
		if (svc_db_exec(db, "COMMIT", e) != 0)
			goto out;
		tx = 0;
		if (finish_run(im, o->kind, ck, e) != 0)
			goto out;
	}
	ret = changes_emit(im, e);
out:
	if (pv && svc_out_close(pv) != 0 && ret == 0)
		ret = svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
		    "write error: %s", strerror(errno));
	svc_db_flusher_stop(flusher);
	if (have_ap)
		apply_close(&ap);
	sqlite3_finalize(exists);
	sqlite3_finalize(im->st_stage);
	sqlite3_finalize(im->st_rej);
	sqlite3_finalize(im->st_note);
	im->st_stage = im->st_rej = im->st_note = NULL;
	if (tx)
		svc_db_rollback(db);
	if (db && mode == PASS_STAGE)
		sqlite3_exec(db->h, temp_drop, NULL, NULL, NULL);
	svc_reader_close(rd);
	free(prow.a);
	return ret;
}

/* res's unknown statuses and tickets without a creation time, over the
 * tickets of run res->run. */
static int
status_summary(struct svc_db *db, const struct svc_import_opts *o,
    struct svc_import_result *res, struct svc_err *e)
{
	const struct svc_statuses *m;
	sqlite3_stmt *st;
	int rc;

	if (svc_db_statuses(db, o->now, &m, e) != 0 ||
	    svc_db_prepare(db, "SELECT status, count(*) FROM tickets WHERE run "
	    "= ?1 AND status IS NOT NULL AND coalesce(svc_status_category("
	    "status), svc_status_category(status, attrs)) IS NULL GROUP BY "
	    "status ORDER BY 2 DESC, 1", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, res->run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (res->nunknown == SVC_UNKNOWN_MAX) {
			res->unknown_more++;
			continue;
		}
		snprintf(res->unknown[res->nunknown].status, SVC_UNKNOWN_LEN,
		    "%s", (const char *)sqlite3_column_text(st, 0));
		res->unknown[res->nunknown++].n = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading statuses");
	if (svc_db_prepare(db, "SELECT count(*) FROM tickets WHERE run = ?1 "
	    "AND created_at IS NULL", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, res->run);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		res->no_created = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return svc_db_fail(db, rc, e, "reading tickets");
	return 0;
}

int
svc_import_file(struct svc_db *db, const char *path,
    const struct svc_import_opts *o, struct svc_import_result *res,
    struct svc_err *e)
{
	struct imp im;
	struct stat st;
	const char *file = strcmp(path, "-") == 0 ? "<stdin>" : path;
	FILE *fp;
	off_t start = -1;
	int rc;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL)
		return svc_err_set(e, SVC_EXIT_FATAL, path, 0, 0,
		    "cannot open: %s", strerror(errno));
	imp_init(&im, db, file, o, res);
	if (o->preview) {
		rc = import_pass(&im, fp, PASS_PREVIEW, e);
		goto out;
	}
	/* a ticket file that can be read twice streams */
	if (o->kind == SVC_KIND_TICKETS && fstat(fileno(fp), &st) == 0 &&
	    S_ISREG(st.st_mode))
		start = ftello(fp);
	if (start >= 0) {
		rc = import_pass(&im, fp, PASS_STREAM, e);
		if (rc != APPLY_UNORDERED)
			goto out;
		imp_free(&im);
		imp_init(&im, db, file, o, res);
		if (fseeko(fp, start, SEEK_SET) != 0) {
			rc = svc_err_set(e, SVC_EXIT_FATAL, file, 0, 0,
			    "cannot read the file again: %s", strerror(errno));
			goto out;
		}
	}
	rc = import_pass(&im, fp, PASS_STAGE, e);
out:
	notes_sort(res);
	if (rc == 0 && o->kind == SVC_KIND_TICKETS && !o->preview &&
	    !o->dry_run && res->run > 0)
		rc = status_summary(db, o, res, e);
	imp_free(&im);
	if (fp != stdin)
		fclose(fp);
	return rc;
}
