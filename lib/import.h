/* import.h: svc-import's engine.
 *
 * An import reads one file and commits it whole or not at all.  A ticket
 * file that can be read twice streams: the write lock is taken (BEGIN
 * IMMEDIATE), a second thread parses, maps and types records while this
 * one applies them, in file order.  That is the same as applying them in
 * order of ticket, updated time and file position as long as each ticket's
 * rows come together and in time order; the first row that breaks this
 * rolls everything back and the file is read again staged.  Staged: phase
 * 1 types every record into TEMP tables without the write lock, phase 2
 * takes the lock and applies them sorted.  Either way every changed field
 * goes to ticket_events, rejects are stored with the run, and above
 * --max-rejects nothing is committed.
 */
#ifndef SVC_IMPORT_H
#define SVC_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "map.h"
#include "out.h"

enum svc_kind {
	SVC_KIND_TICKETS = 1, SVC_KIND_EVENTS, SVC_KIND_PEOPLE, SVC_KIND_CATALOG,
	SVC_KIND_PRIORITY, SVC_KIND_ROUTING, SVC_KIND_CLASSIFY, SVC_KIND_CALENDARS,
	SVC_KIND_HOLIDAYS, SVC_KIND_POLICIES, SVC_KIND_ESCALATIONS,
	SVC_KIND_REASONS, SVC_KIND_MEASURES, SVC_KIND_STATUSES
};

struct svc_import_opts {
	int kind;			/* enum svc_kind */
	const char *profile;
	const struct svc_mapping *maps;
	size_t nmaps;
	const char *const *nulls;	/* null tokens; "" is always null */
	size_t nnulls;
	int date_order;			/* enum svc_date_order */
	int encoding;			/* enum svc_encoding */
	int delim;			/* 0: detect */
	int64_t max_rejects;		/* absolute, or -1 */
	int max_rejects_pct;		/* percent when max_rejects < 0 */
	int preview, raw;
	int64_t limit;			/* preview rows, 0: all */
	int dry_run;
	int64_t now;
	/* config kinds: the new version's valid_from when valid_from_given;
	 * else the first version of a kind is valid from SVC_CONFIG_ALWAYS
	 * and a later one from now */
	int64_t valid_from;
	int valid_from_given;
	const char *actor, *program, *args;
	int format;			/* preview output format */
	FILE *out;			/* preview output */
	struct svc_out *changes;	/* ticket_id,change rows, or NULL */
	struct svc_out *rejects;	/* --rejects CSV, or NULL */
	/* called for each rejected record (message in e) */
	void (*on_reject)(void *ud, const struct svc_err *e);
	/* called now and then with bytes read and rows seen */
	void (*on_progress)(void *ud, size_t bytes, int64_t rows);
	void *ud;
};

/* Values a ticket import read as missing, per column and kind: the
 * "placeholder" times exports write for "no time" (svc_time_placeholder),
 * and "implausible" ones: a first response, resolution or closing
 * before the ticket's creation.  Each is stored in import_notes with
 * the run. */
#define SVC_IMPORT_NOTECOLS 16
struct svc_import_note {
	char column[128];		/* the column's header */
	int col;			/* its place in the file, from 0 */
	const char *kind;		/* "placeholder" or "implausible" */
	int64_t n;
};
#define SVC_UNKNOWN_MAX	10	/* unknown statuses named in a result */
#define SVC_UNKNOWN_LEN	64	/* bytes of each, cut beyond */

struct svc_import_result {
	int64_t rows_in, loaded, rejected, rows_new, changed, unchanged;
	int64_t tickets_new, tickets_changed;
	int64_t run;
	int config_unchanged;		/* config kinds: same as current */
	/* config kinds: a new version with the rows of the newest, because
	 * valid_from is earlier than the newest's (config_from) */
	int config_same;
	int64_t config_from;		/* valid_from of the newest version */
	/* tickets: of the tickets this run inserted or changed, the
	 * statuses with no category (status.h), most tickets first, and how
	 * many more such statuses; the tickets without a creation time */
	int nunknown;
	struct { char status[SVC_UNKNOWN_LEN]; int64_t n; }
	    unknown[SVC_UNKNOWN_MAX];
	int64_t unknown_more, no_created;
	char mapping[2048];		/* field=Column, ... */
	struct svc_import_note notes[SVC_IMPORT_NOTECOLS];
	size_t nnotes;			/* placeholders first, then by column */
	int64_t noted;			/* values read as missing, in all */
};

/* Import the file at path ("-": stdin).  Returns 0, or -1 with e filled. */
int svc_import_file(struct svc_db *db, const char *path,
    const struct svc_import_opts *o, struct svc_import_result *res,
    struct svc_err *e);

/* Kind by name ("tickets", "events", "people", "catalog", "priority",
 * "routing", "classify"), or -1. */
int svc_import_kind(const char *name);
const char *svc_import_kind_name(int kind);

/* Write the configuration of kind valid at now as CSV-like records. */
int svc_import_export(struct svc_db *db, int kind, int64_t now, FILE *fp,
    int format, struct svc_err *e);

#endif
