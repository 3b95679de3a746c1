/* status.h: the category of a ticket status.
 *
 * Every status belongs to one category: new, open, pending (waiting on
 * someone else), resolved, closed or cancelled; a status nobody mapped is
 * unknown.  The built-in vocabulary covers the statuses Zendesk,
 * ServiceNow, Jira and Freshdesk document and common English words; the
 * statuses kind (svc-import --kind statuses) maps the rest and wins over
 * the built-ins.  Statuses match ignoring ASCII and Latin-1 case and
 * surrounding spaces.  A Jira export's status-category column (attrs key
 * status_category: To Do, In Progress, Done, or their translations)
 * gives the category of a status that has none.
 */
#ifndef SVC_STATUS_H
#define SVC_STATUS_H

#include <stddef.h>
#include <stdint.h>

enum svc_scat {
	SVC_SCAT_UNKNOWN = 0, SVC_SCAT_NEW, SVC_SCAT_OPEN, SVC_SCAT_PENDING,
	SVC_SCAT_RESOLVED, SVC_SCAT_CLOSED, SVC_SCAT_CANCELLED, SVC_SCAT_N
};

/* The categories as a message lists them. */
#define SVC_SCAT_NAMES "new, open, pending, resolved, closed, cancelled"

/* The name of category c ("unknown" for SVC_SCAT_UNKNOWN). */
const char *svc_status_cat_name(int c);
/* The category named s (exactly as svc_status_cat_name writes it,
 * ignoring case and surrounding spaces), or -1. */
int svc_status_cat_parse(const char *s);
/* Is c a done category (resolved, closed, cancelled)? */
int svc_status_done(int c);

/* The built-in category of status (SVC_SCAT_UNKNOWN when none). */
int svc_status_builtin(const char *status);
/* The category a Jira status-category value gives (To Do -> new, In
 * Progress -> open, Done -> resolved, and their translations), or
 * SVC_SCAT_UNKNOWN. */
int svc_status_jira(const char *value);

/* A table of statuses: the built-ins, then what svc_status_add adds
 * over them.  One hash lookup per svc_status_find. */
struct svc_statuses;
struct svc_statuses *svc_status_new(void);
/* Map status to category c (replacing the built-in or an earlier add). */
void svc_status_add(struct svc_statuses *m, const char *status, int c);
/* The category of status in m (m NULL: the built-ins). */
int svc_status_find(const struct svc_statuses *m, const char *status);
void svc_status_free(struct svc_statuses *m);

/* Is a ticket of category c open at now?  resolved_at, closed_at and
 * updated_at (when the status was last seen to change) are -1 when
 * missing; a time later than now is not yet known.  A ticket of a done
 * category is open when it has a resolution or closing time, all of them
 * later than now, and its status is not known to date from now or
 * before (updated_at missing or later than now): it was not done yet.  A
 * ticket of category new, open or pending is open (the status is the
 * later fact, as after a reopen), unless a resolution or closing time at
 * or before now is later than updated_at, or updated_at is later than
 * now: then the resolution is the later fact known at now.  A ticket of unknown status is open
 * unless a resolution or closing time at or before now says it was done
 * (counted as open, and reported as unknown). */
int svc_status_open(int c, int64_t resolved_at, int64_t closed_at,
    int64_t updated_at, int64_t now);

#endif
