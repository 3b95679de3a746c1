/* ticket.c: a ticket's fields as the condition language sees them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "status.h"
#include "ticket.h"

int
svc_ticket_category(const struct svc_statuses *m, const char *status,
    const char *attrs)
{
	struct svc_tk t;
	struct svc_cval v;
	int c = svc_status_find(m, status);

	if (c != SVC_SCAT_UNKNOWN || attrs == NULL ||
	    strstr(attrs, "\"status_category\"") == NULL)
		return c;
	memset(&t, 0, sizeof(t));
	memset(&v, 0, sizeof(v));
	t.attrs = attrs;
	svc_tk_attr(&t, "status_category", &v);
	if (v.present && v.s)
		c = svc_status_jira(v.s);
	svc_tk_free(&t);
	return c;
}

int
svc_ticket_open(const struct svc_statuses *m, const char *status,
    const char *attrs, int64_t resolved_at, int64_t closed_at,
    int64_t updated_at, int64_t now)
{
	return svc_status_open(svc_ticket_category(m, status, attrs), resolved_at,
	    closed_at, updated_at, now);
}

char *
svc_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? svc_xstrdup((const char *)s) : NULL;
}

/*
 * Lists (svc(7), LISTS): items separated by commas; spaces around an item
 * are not part of it; a backslash makes the next character part of the
 * item, so "R\, D" is the one item "R, D".  Empty items are skipped.
 */

/* The next item of the list at *s, as written (escapes kept); NULL at the
 * end.  *n is its length, spaces around it left out. */
static const char *
next_word(const char **s, size_t *n)
{
	const char *w, *p, *end;

	for (;;) {
		while (**s == ' ')
			(*s)++;
		if (**s == '\0')
			return NULL;
		if (**s != ',')
			break;
		(*s)++;
	}
	w = p = end = *s;
	while (*p && *p != ',') {
		int esc = *p == '\\' && p[1];

		p += esc;
		if (esc || *p != ' ')
			end = p + 1;
		p++;
	}
	*s = p;
	*n = (size_t)(end - w);
	return w;
}

/* The next character of an item as written (w, *i of n), unescaped and
 * folded to lower case; -1 past its end. */
static int
item_char(const char *w, size_t n, size_t *i, int escaped)
{
	unsigned char c;

	if (*i >= n)
		return -1;
	c = (unsigned char)w[(*i)++];
	if (escaped && c == '\\' && *i < n)
		c = (unsigned char)w[(*i)++];
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Is the item a (an bytes, as written in a list) equal to b (bn bytes,
 * as written when b_escaped, else plain), ignoring case? */
static int
item_eq(const char *a, size_t an, const char *b, size_t bn, int b_escaped)
{
	size_t i = 0, j = 0;
	int x, y;

	do {
		x = item_char(a, an, &i, 1);
		y = item_char(b, bn, &j, b_escaped);
		if (x != y)
			return 0;
	} while (x >= 0);
	return 1;
}

static int
in_list_n(const char *s, const char *word, size_t n, int escaped)
{
	const char *w;
	size_t k;

	while (s && (w = next_word(&s, &k)) != NULL)
		if (item_eq(w, k, word, n, escaped))
			return 1;
	return 0;
}

int
svc_in_list(const char *s, const char *word)
{
	return in_list_n(s, word, strlen(word), 0);
}

int
svc_in_list_all(const char *s, const char *words)
{
	const char *w;
	size_t k;

	while (words && (w = next_word(&words, &k)) != NULL)
		if (!in_list_n(s, w, k, 1))
			return 0;
	return 1;
}

int
svc_list_next(const char **s, struct svc_buf *item)
{
	const char *w;
	size_t k, i = 0;

	if (*s == NULL || (w = next_word(s, &k)) == NULL)
		return 0;
	svc_buf_reset(item);
	while (i < k) {
		if (w[i] == '\\' && i + 1 < k)
			i++;
		svc_buf_addc(item, w[i++]);
	}
	svc_buf_grow(item, 0);
	item->s[item->len] = '\0';
	return 1;
}

/* ---- attrs lookup in our own JSON ---- */

static const char *
json_str(const char *p, struct svc_buf *out)
{
	svc_buf_reset(out);
	for (p++; *p && *p != '"'; p++) {
		if (*p != '\\') {
			svc_buf_addc(out, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'n': svc_buf_addc(out, '\n'); break;
		case 't': svc_buf_addc(out, '\t'); break;
		case 'r': svc_buf_addc(out, '\r'); break;
		case 'u': {
			unsigned v = (unsigned)strtoul((char[5]){ p[1], p[2], p[3],
			    p[4], 0 }, NULL, 16);

			if (v < 0x80)
				svc_buf_addc(out, (int)v);
			p += 4;
			break;
		}
		case '\0': return p;
		default: svc_buf_addc(out, *p);
		}
	}
	return *p ? p + 1 : p;
}

/* Past one JSON value (an array here), strings included. */
static const char *
json_skip(const char *p)
{
	int depth = 0, str = 0;

	for (; *p; p++) {
		if (str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				str = 0;
			continue;
		}
		if (*p == '"')
			str = 1;
		else if (*p == '[' || *p == '{')
			depth++;
		else if (*p == ']' || *p == '}') {
			if (--depth <= 0)
				return p + 1;
		} else if (*p == ',' && depth == 0)
			return p;
	}
	return p;
}

void
svc_tk_attr(struct svc_tk *t, const char *key, struct svc_cval *v)
{
	const char *p = t->attrs;
	struct svc_buf k = { 0 };

	if (p == NULL || *p != '{')
		return;
	p++;
	while (*p == '"') {
		int hit;
		const char *start;

		p = json_str(p, &k);
		hit = k.s && strcmp(k.s, key) == 0;
		if (*p == ':')
			p++;
		start = p;
		if (*p == '"') {
			p = json_str(p, &t->abuf);
			if (hit) {
				v->present = 1;
				v->s = t->abuf.s ? t->abuf.s : "";
				v->n = t->abuf.len;
			}
		} else if (strncmp(p, "null", 4) == 0)
			p += 4;
		else {
			p = json_skip(p);
			if (hit) {
				svc_buf_reset(&t->abuf);
				svc_buf_add(&t->abuf, start, (size_t)(p - start));
				v->present = 1;
				v->s = t->abuf.s;
				v->n = t->abuf.len;
			}
		}
		if (hit)
			break;
		if (*p == ',')
			p++;
	}
	svc_buf_free(&k);
}

void
svc_tk_get(void *ud, int kind, int index, const char *key,
    struct svc_cval *v)
{
	struct svc_tk *t = ud;

	if (kind == SVC_CREF_FIELD)
		*v = t->v[index];
	else if (kind == SVC_CREF_ATTR)
		svc_tk_attr(t, key, v);
}

/* Set field f to the text s (NULL: missing), copied when own. */
void
svc_tk_put(struct svc_tk *t, int f, const char *s, int own)
{
	char *old = t->own[f];

	t->own[f] = own && s ? svc_xstrdup(s) : NULL;
	t->s[f] = t->own[f] ? t->own[f] : s;
	free(old);
	memset(&t->v[f], 0, sizeof(t->v[f]));
	if (s) {
		t->v[f].present = 1;
		t->v[f].s = t->s[f];
		t->v[f].n = strlen(s);
	}
}

int64_t
svc_tk_time(const struct svc_tk *t, int f)
{
	return t->v[f].present && t->v[f].isnum ? t->v[f].i : -1;
}

int
svc_tk_asof(struct svc_tk *t, sqlite3_stmt *st, const char *id,
    int64_t now)
{
	int rc, f, status = 0;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *old = (const char *)sqlite3_column_text(st, 1);
		char *end;
		long long n;

		if (name == NULL || (f = svc_field_find(name)) <= SVC_F_TICKET_ID ||
		    f >= SVC_NFIELDS)
			continue;
		svc_tk_put(t, f, old, 1);
		status |= f == SVC_F_STATUS;
		if (old && *old && svc_tfields[f].type != SVC_FT_TEXT) {
			errno = 0;
			n = strtoll(old, &end, 10);
			if (*end == '\0' && errno == 0) {
				t->v[f].isnum = 1;
				t->v[f].i = n;
			}
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rc;
	if (status) {
		svc_tk_set_int(t, SVC_F_UPDATED_AT, now);
		for (f = SVC_F_RESOLVED_AT; f <= SVC_F_CLOSED_AT; f++)
			if (svc_tk_time(t, f) > now)
				svc_tk_put(t, f, NULL, 0);
	}
	return 0;
}

void
svc_tk_set_text(struct svc_tk *t, int f, const char *s)
{
	svc_tk_put(t, f, s, 1);
}

void
svc_tk_set_int(struct svc_tk *t, int f, int64_t i)
{
	svc_tk_put(t, f, NULL, 0);
	t->v[f].present = 1;
	t->v[f].isnum = 1;
	t->v[f].i = i;
}

void
svc_tk_free(struct svc_tk *t)
{
	int f;

	for (f = 0; f < SVC_NFIELDS; f++)
		free(t->own[f]);
	free(t->own_attrs);
	svc_buf_free(&t->abuf);
	memset(t, 0, sizeof(*t));
}

/* Load the row of st (rowid, then cols, then attrs when wanted): the text
 * stays the statement's unless copy (the statement moves on). */
void
svc_tk_load(struct svc_tk *t, sqlite3_stmt *st, const int *cols, int ncols,
    int want_attrs, int copy)
{
	int k;

	t->rowid = sqlite3_column_int64(st, 0);
	for (k = 0; k < ncols; k++) {
		int f = cols[k];

		switch (sqlite3_column_type(st, k + 1)) {
		case SQLITE_NULL:
			break;
		case SQLITE_INTEGER:
			svc_tk_set_int(t, f, sqlite3_column_int64(st, k + 1));
			break;
		default:
			svc_tk_put(t, f, (const char *)sqlite3_column_text(st, k + 1),
			    copy);
		}
	}
	if (want_attrs) {
		t->attrs = (const char *)sqlite3_column_text(st, ncols + 1);
		if (copy && t->attrs)
			t->attrs = t->own_attrs = svc_xstrdup(t->attrs);
	}
}


const char *
svc_tk_text(const struct svc_tk *t, int f, char *num, size_t nn)
{
	if (!t->v[f].present)
		return NULL;
	if (t->v[f].isnum) {
		snprintf(num, nn, "%lld", (long long)t->v[f].i);
		return num;
	}
	return t->s[f];
}


int
svc_scan_at(sqlite3_stmt *st, int *rc, const char *id)
{
	int last = sqlite3_column_count(st) - 1;

	while (*rc == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, last);
		int c = strcmp(k ? k : "", id);

		if (c == 0)
			return SQLITE_ROW;
		if (c > 0)
			return SQLITE_DONE;
		*rc = sqlite3_step(st);
	}
	return *rc;
}

int
svc_rows_first(sqlite3_stmt *st, int *scan, const char *id)
{
	if (scan)
		return svc_scan_at(st, scan, id);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return sqlite3_step(st);
}

int
svc_rows_next(sqlite3_stmt *st, int *scan, const char *id)
{
	if (scan == NULL)
		return sqlite3_step(st);
	*scan = sqlite3_step(st);
	return svc_scan_at(st, scan, id);
}

int64_t
svc_col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, i);
}
