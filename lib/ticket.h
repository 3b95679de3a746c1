/* ticket.h: a ticket's stored fields as the condition language sees them.
 *
 * svc-route, svc-sla and svc-escalate read tickets from the tickets table
 * (rowid first, then the fields they need, then attrs when a rule tests
 * attrs.KEY) into a struct svc_tk and hand svc_tk_get to svc_cond_eval.
 * Text points into the statement's row, or to a copy the ticket owns.
 */
#ifndef SVC_TICKET_H
#define SVC_TICKET_H

#include <sqlite3.h>
#include <stdint.h>

#include "buf.h"
#include "cond.h"
#include "map.h"

struct svc_tk {
	struct svc_cval v[SVC_NFIELDS];
	const char *s[SVC_NFIELDS];
	char *own[SVC_NFIELDS];
	const char *attrs;
	char *own_attrs;
	int64_t rowid;
	struct svc_buf abuf;		/* an attrs value being looked at */
};

/* The svc_cond_get of a struct svc_tk (ud). */
void svc_tk_get(void *ud, int kind, int index, const char *key,
    struct svc_cval *v);
/* The attrs value key of t into v (left alone when absent). */
void svc_tk_attr(struct svc_tk *t, const char *key, struct svc_cval *v);
/* Set field f to the text s (NULL: missing), copied when own. */
void svc_tk_put(struct svc_tk *t, int f, const char *s, int own);
void svc_tk_set_text(struct svc_tk *t, int f, const char *s);
void svc_tk_set_int(struct svc_tk *t, int f, int64_t i);
void svc_tk_free(struct svc_tk *t);
/* Load the row of st: rowid in column 0, field cols[k] in column k + 1,
 * attrs after them when want_attrs.  The text stays the statement's
 * unless copy (when the statement moves on before t is done with). */
void svc_tk_load(struct svc_tk *t, sqlite3_stmt *st, const int *cols,
    int ncols, int want_attrs, int copy);
/* t as it stood at now when rows written after now changed it: each
 * field's first change after now is taken back from the history, read by
 * st, a statement "SELECT field, old FROM ticket_events WHERE ticket_id =
 * ?1 AND at > ?2 ORDER BY at DESC, id DESC" (bound and reset here).  When
 * the status is taken back it is the one known at now: updated_at becomes
 * now, and resolution and closing times later than now are unset.
 * Returns 0, or the SQLite error. */
int svc_tk_asof(struct svc_tk *t, sqlite3_stmt *st, const char *id,
    int64_t now);
/* Field f of t as a time (or other number), -1 when missing. */
int64_t svc_tk_time(const struct svc_tk *t, int f);
/* Field f as text (NULL when missing); numbers are written into num. */
const char *svc_tk_text(const struct svc_tk *t, int f, char *num,
    size_t nn);

/* Is a ticket open at now, by the category of its status in m (NULL:
 * the built-ins; attrs may give it, see svc_ticket_category) and its
 * resolution, closing and update times (-1 when missing; later than now:
 * not yet known)?  The rule is svc_status_open's (status.h). */
struct svc_statuses;
/* The category of a ticket (status.h): its status in m (NULL: the
 * built-ins), else the status_category value of its attrs (our JSON, may
 * be NULL), as a Jira export gives it. */
int svc_ticket_category(const struct svc_statuses *m, const char *status,
    const char *attrs);
int svc_ticket_open(const struct svc_statuses *m, const char *status,
    const char *attrs, int64_t resolved_at, int64_t closed_at,
    int64_t updated_at, int64_t now);
/* The SQL test of the same on a tickets row (columns prefixed with p,
 * "" or "t."), now an SQL expression such as "?1" or ":now"; a hash
 * lookup per row (svc_open, db.h), attrs read only for a status with no
 * category. */
#define SVC_OPEN_SQL_OF(p, now) "coalesce(svc_open(" p "status, " p \
	"resolved_at, " p "closed_at, " p "updated_at, " now "), svc_open(" \
	p "status, " p "resolved_at, " p "closed_at, " p "updated_at, " now \
	", " p "attrs))"
#define SVC_OPEN_SQL(now) SVC_OPEN_SQL_OF("", now)
/* A scan in ticket_id order with the id in its last column, stepped
 * once (*rc the last step's result): move past the rows before id.
 * SQLITE_ROW when it is at a row of id, SQLITE_DONE when there is none,
 * or the error. */
int svc_scan_at(sqlite3_stmt *st, int *rc, const char *id);
/* The rows of ticket id in st, which is either a scan as above (scan
 * points at its last step's result) or, with scan NULL, a statement of
 * one ticket (?1 = id).  first resets, binds and steps such a statement
 * (a scan moves to id); next steps.  Both return SQLITE_ROW at a row of
 * id, SQLITE_DONE past them, or the error. */
int svc_rows_first(sqlite3_stmt *st, int *scan, const char *id);
int svc_rows_next(sqlite3_stmt *st, int *scan, const char *id);
/* Column i of st as a time, -1 for NULL. */
int64_t svc_col_time(sqlite3_stmt *st, int i);
/* Column i of st as a new string, NULL for NULL. */
char *svc_col_dup(sqlite3_stmt *st, int i);
/* Lists are written as svc(7) says under LISTS: items separated by
 * commas, spaces around an item ignored, a backslash before a character
 * that is part of an item ("R\, D" is one item). */
/* Is word (plain text) an item of the list s, ignoring case? */
int svc_in_list(const char *s, const char *word);
/* Is every item of the list words an item of the list s? */
int svc_in_list_all(const char *s, const char *words);
/* The next item of the list *s, unescaped, into item; 1 with an item, 0
 * at the end (or when *s is NULL).  *s moves past it. */
int svc_list_next(const char **s, struct svc_buf *item);

#endif
