/* status.c: the category of a ticket status. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "status.h"

static const char *const cat_names[SVC_SCAT_N] = { "unknown", "new", "open",
    "pending", "resolved", "closed", "cancelled" };

#define NEW	SVC_SCAT_NEW
#define OPEN	SVC_SCAT_OPEN
#define PEND	SVC_SCAT_PENDING
#define RES	SVC_SCAT_RESOLVED
#define CLO	SVC_SCAT_CLOSED
#define CAN	SVC_SCAT_CANCELLED

/* The built-in vocabulary, one table for every profile: no word means one
 * category in one product and another in the next.  svc.7 lists it. */
static const struct builtin {
	const char *status;
	int cat;
} builtins[] = {
	/* Zendesk: new, open, pending, on-hold, solved, closed */
	{ "new", NEW }, { "open", OPEN }, { "pending", PEND },
	{ "hold", PEND }, { "on-hold", PEND }, { "on hold", PEND },
	{ "solved", RES }, { "closed", CLO },
	/* ServiceNow incident state (and the incident_state of its event
	 * log: Active, Awaiting ...) */
	{ "in progress", OPEN }, { "active", OPEN }, { "resolved", RES },
	{ "canceled", CAN }, { "cancelled", CAN },
	{ "awaiting user info", PEND }, { "awaiting caller", PEND },
	{ "awaiting problem", PEND }, { "awaiting vendor", PEND },
	{ "awaiting evidence", PEND }, { "awaiting change", PEND },
	/* Jira (Software and Service Management workflows) */
	{ "to do", NEW }, { "todo", NEW }, { "backlog", NEW },
	{ "selected for development", NEW }, { "reopened", OPEN },
	{ "in review", OPEN }, { "under review", OPEN }, { "escalated", OPEN },
	{ "work in progress", OPEN }, { "waiting for support", OPEN },
	{ "waiting for customer", PEND }, { "awaiting approval", PEND },
	{ "awaiting cab approval", PEND }, { "waiting for approval", PEND },
	{ "done", RES }, { "declined", CAN }, { "won't do", CAN },
	/* Freshdesk */
	{ "waiting on customer", PEND }, { "waiting on third party", PEND },
	/* common English words (the Volvo IT log: Queued, Accepted,
	 * Completed; NYC 311: Assigned, Started; Kaggle: Pending Customer
	 * Response) */
	{ "queued", NEW }, { "unassigned", NEW }, { "accepted", OPEN },
	{ "assigned", OPEN }, { "started", OPEN }, { "working", OPEN },
	{ "in-progress", OPEN }, { "in_progress", OPEN },
	{ "waiting", PEND }, { "on_hold", PEND }, { "suspended", PEND },
	{ "deferred", PEND }, { "waiting for customer response", PEND },
	{ "pending customer response", PEND }, { "pending customer", PEND },
	{ "waiting on user", PEND }, { "awaiting customer", PEND },
	{ "awaiting user", PEND }, { "completed", RES }, { "complete", RES },
	{ "finished", RES }, { "fixed", RES }, { "rejected", CAN },
	{ "withdrawn", CAN }, { "aborted", CAN },
};

/* Jira's status-category column: To Do, In Progress, Done in the
 * languages Jira ships (English, Spanish, Portuguese, German, French). */
static const struct builtin jira_cats[] = {
	{ "to do", NEW }, { "in progress", OPEN }, { "done", RES },
	{ "por hacer", NEW }, { "tareas por hacer", NEW }, { "en curso", OPEN },
	{ "en progreso", OPEN }, { "listo", RES }, { "hecho", RES },
	{ "finalizado", RES },
	{ "tarefas pendentes", NEW }, { "a fazer", NEW },
	{ "em andamento", OPEN }, { "em progresso", OPEN },
	{ "itens concluídos", RES }, { "concluído", RES },
	{ "zu erledigen", NEW }, { "in arbeit", OPEN }, { "fertig", RES },
	{ "erledigt", RES },
	{ "à faire", NEW }, { "a faire", NEW }, { "en cours", OPEN },
	{ "terminé", RES }, { "terminée", RES },
};

#undef NEW
#undef OPEN
#undef PEND
#undef RES
#undef CLO
#undef CAN

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *
svc_status_cat_name(int c)
{
	return c > 0 && c < SVC_SCAT_N ? cat_names[c] : cat_names[0];
}

/* s folded into out: surrounding spaces dropped, ASCII and the Latin-1
 * letters of UTF-8 (U+00C0-U+00DE) in lower case.  Returns its length,
 * or -1 when it does not fit. */
static int
fold(const char *s, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s, *e;
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen((const char *)p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	for (; p < e; p++) {
		unsigned c = *p;

		if (n + 2 >= size)
			return -1;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (c == 0xc3 && p + 1 < e && p[1] >= 0x80 &&
		    p[1] <= 0x9e && p[1] != 0x97) {
			out[n++] = (char)c;
			c = p[1] + 0x20;
			p++;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return (int)n;
}

int
svc_status_cat_parse(const char *s)
{
	char k[32];
	int c;

	if (s == NULL || fold(s, k, sizeof(k)) < 0)
		return -1;
	for (c = 1; c < SVC_SCAT_N; c++)
		if (strcmp(k, cat_names[c]) == 0)
			return c;
	return -1;
}

int
svc_status_done(int c)
{
	return c == SVC_SCAT_RESOLVED || c == SVC_SCAT_CLOSED ||
	    c == SVC_SCAT_CANCELLED;
}

/* ---- the hash table ---- */

struct slot {
	char *key;		/* folded */
	uint32_t hash;
	int cat;
};

struct svc_statuses {
	struct slot *s;
	size_t cap, n;		/* cap a power of two */
};

static uint32_t
hash(const char *k)
{
	uint32_t h = 2166136261u;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

static struct slot *
slot_of(const struct svc_statuses *m, const char *k, uint32_t h)
{
	size_t i = h & (m->cap - 1);

	while (m->s[i].key && (m->s[i].hash != h || strcmp(m->s[i].key, k)))
		i = (i + 1) & (m->cap - 1);
	return &m->s[i];
}

static void
put(struct svc_statuses *m, const char *k, int c)
{
	uint32_t h = hash(k);
	struct slot *s;

	if (2 * (m->n + 1) > m->cap) {
		struct svc_statuses g = { svc_xcalloc(m->cap ? 2 * m->cap : 256,
		    sizeof(struct slot)), m->cap ? 2 * m->cap : 256, m->n };
		size_t i;

		for (i = 0; i < m->cap; i++)
			if (m->s[i].key)
				*slot_of(&g, m->s[i].key, m->s[i].hash) =
				    m->s[i];
		free(m->s);
		*m = g;
	}
	s = slot_of(m, k, h);
	if (s->key == NULL) {
		s->key = svc_xstrdup(k);
		s->hash = h;
		m->n++;
	}
	s->cat = c;
}

static int
get(const struct svc_statuses *m, const char *status)
{
	char k[256];
	const struct slot *s;

	if (status == NULL || m == NULL || m->cap == 0 ||
	    fold(status, k, sizeof(k)) <= 0)
		return SVC_SCAT_UNKNOWN;
	s = slot_of(m, k, hash(k));
	return s->key ? s->cat : SVC_SCAT_UNKNOWN;
}

struct svc_statuses *
svc_status_new(void)
{
	struct svc_statuses *m = svc_xcalloc(1, sizeof(*m));
	size_t i;

	for (i = 0; i < N(builtins); i++)
		put(m, builtins[i].status, builtins[i].cat);
	return m;
}

void
svc_status_add(struct svc_statuses *m, const char *status, int c)
{
	char k[256];

	if (status && c > 0 && c < SVC_SCAT_N && fold(status, k, sizeof(k)) > 0)
		put(m, k, c);
}

void
svc_status_free(struct svc_statuses *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->s[i].key);
	free(m->s);
	free(m);
}

/* The built-ins, built on first use. */
static struct svc_statuses *
builtin_table(void)
{
	static struct svc_statuses *b;

	if (b == NULL)
		b = svc_status_new();
	return b;
}

int
svc_status_builtin(const char *status)
{
	return get(builtin_table(), status);
}

int
svc_status_find(const struct svc_statuses *m, const char *status)
{
	return get(m ? m : builtin_table(), status);
}

int
svc_status_jira(const char *value)
{
	char k[64];
	size_t i;

	if (value == NULL || fold(value, k, sizeof(k)) <= 0)
		return SVC_SCAT_UNKNOWN;
	for (i = 0; i < N(jira_cats); i++)
		if (strcmp(k, jira_cats[i].status) == 0)
			return jira_cats[i].cat;
	return SVC_SCAT_UNKNOWN;
}

int
svc_status_open(int c, int64_t resolved_at, int64_t closed_at,
    int64_t updated_at, int64_t now)
{
	int known = (resolved_at >= 0 && resolved_at <= now) ||
	    (closed_at >= 0 && closed_at <= now);

	if (svc_status_done(c))
		return !known && (resolved_at >= 0 || closed_at >= 0) &&
		    (updated_at < 0 || updated_at > now);
	if (c != SVC_SCAT_UNKNOWN) {
		int64_t done_at = -1;

		/* the later fact wins: a resolution or closing known at now
		 * after the row that gave the status (or the status written
		 * after now) means it was done then; with no update time the
		 * status wins, as after a reopen */
		if (resolved_at >= 0 && resolved_at <= now)
			done_at = resolved_at;
		if (closed_at >= 0 && closed_at <= now && closed_at > done_at)
			done_at = closed_at;
		return !(done_at >= 0 && updated_at >= 0 &&
		    (done_at > updated_at || updated_at > now));
	}
	return !known;
}
