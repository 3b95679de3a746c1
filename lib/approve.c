/* approve.c: approval requests, votes and delegations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "approve.h"
#include "buf.h"
#include "measure.h"
#include "people.h"
#include "ticket.h"
#include "timeutil.h"

const char *const svc_approve_cols[] = { "id", "subject", "gate", "rule",
    "state", "requested_by", "requested_at", "due", "waiting_for", "votes",
    NULL };

struct wr {
	struct svc_write w;
};

static int
wr_begin(struct wr *w, struct svc_db *db, const struct svc_aopts *o,
    struct svc_err *e)
{
	return svc_write_begin(&w->w, db, o->program, o->args, o->actor,
	    "approval", o->now, o->dry_run, e);
}

static int
wr_end(struct wr *w, int rc, struct svc_err *e)
{
	return svc_write_end(&w->w, rc, e);
}

/* A text column of one row: sql with ?1 = a. */
static char *
one_text(struct svc_db *db, const char *sql, const char *a, const char *b,
    int *found)
{
	sqlite3_stmt *st;
	char *s = NULL;

	*found = 0;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*found = 1;
		s = svc_col_dup(st, 0);
	}
	sqlite3_finalize(st);
	return s;
}

/* Resolve one approver token of subject to a comma list of users. */
static int
resolve(struct svc_db *db, const struct svc_dir *dir, const char *kind,
    const char *key, const char *tok, struct svc_buf *users,
    struct svc_err *e)
{
	char *v = NULL;
	int found = 0;
	size_t i;

	svc_buf_reset(users);
	if (strcmp(kind, "measure") == 0 && (strcmp(tok, "sponsor") == 0 ||
	    strcmp(tok, "controller") == 0 || strcmp(tok, "owner") == 0)) {
		char sql[96];

		snprintf(sql, sizeof(sql), "SELECT %s FROM measures WHERE id=?",
		    tok);
		v = one_text(db, sql, key, NULL, &found);
		if (v == NULL)
			return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "measure %s has no %s to approve", key, tok);
	} else if (strcmp(kind, "ticket") == 0 && strcmp(tok, "owner") == 0) {
		v = one_text(db, "SELECT assignee FROM tickets WHERE ticket_id=?",
		    key, NULL, &found);
		if (v == NULL)
			return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "ticket %s has no assignee to approve as owner", key);
	} else if (strcmp(kind, "ticket") == 0 &&
	    strcmp(tok, "controller") == 0) {
		sqlite3_stmt *st;
		const struct svc_catent *c = NULL;

		if (sqlite3_prepare_v2(db->h, "SELECT category, subcategory, "
		    "service FROM tickets WHERE ticket_id=?", -1, &st, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				c = svc_dir_catalog(dir, (const char *)
				    sqlite3_column_text(st, 0), (const char *)
				    sqlite3_column_text(st, 1), (const char *)
				    sqlite3_column_text(st, 2),
				    SVC_CAT_CONTROLLER);
			sqlite3_finalize(st);
		}
		if (c == NULL)
			return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0,
			    "ticket %s: no catalog row names its controller",
			    key);
		v = svc_xstrdup(c->controller);
	}
	if (v) {
		svc_buf_adds(users, v);
		free(v);
		return 0;
	}
	if (svc_dir_person(dir, tok)) {
		svc_buf_adds(users, svc_dir_person(dir, tok)->user);
		return 0;
	}
	for (i = 0; i < dir->npeople; i++)
		if (dir->people[i].active && svc_person_has_role(&dir->people[i],
		    tok))
			svc_buf_printf(users, "%s%s", users->len ? "," : "",
			    dir->people[i].user);
	if (users->len == 0)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no approver "
		    "'%s': not a role of the %s, a user or a role anyone holds "
		    "in people", tok, kind);
	return 0;
}

int
svc_approve_request(struct svc_db *db, const struct svc_aopts *o,
    const char *subject, int gate, const char *rule, const char *approvers,
    int64_t due, int64_t *id, struct svc_err *e)
{
	struct svc_dir dir;
	struct svc_buf users = { 0 }, toks = { 0 };
	struct wr w;
	sqlite3_stmt *st = NULL;
	char kind[16], *key, *doi = NULL, num[32];
	const char *colon = strchr(subject, ':'), *defrule = "any", *p;
	int found, nslots = 0, need, rc = -1, k;

	if (colon == NULL || colon == subject || colon[1] == '\0' ||
	    (size_t)(colon - subject) >= sizeof(kind))
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "'%s' is not "
		    "ticket:ID or measure:ID", subject);
	snprintf(kind, sizeof(kind), "%.*s", (int)(colon - subject), subject);
	key = svc_xstrdup(colon + 1);
	memset(&dir, 0, sizeof(dir));
	if (strcmp(kind, "measure") == 0) {
		const char *fixed;

		if (gate < 1)
			goto usage_gate;
		doi = one_text(db, "SELECT doi FROM measures WHERE id=?", key,
		    NULL, &found);
		if (!found) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no measure "
			    "'%s'", key);
			goto out;
		}
		if (gate == 4 || gate > 5 || gate != atoi(doi) + 1) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, gate == 4 ?
			    "gate 4 needs no approval" : "measure %s is at DoI "
			    "%s; the next gate is %d", key, doi, atoi(doi) + 1);
			goto out;
		}
		fixed = svc_measure_gate_approvers(gate, &defrule);
		if ((gate == 3 || gate == 5) && ((approvers &&
		    strcmp(approvers, fixed) != 0) || (rule &&
		    strcmp(rule, defrule) != 0))) {
			svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "gate %d is "
			    "approved by %s (rule %s); it cannot be changed",
			    gate, fixed, defrule);
			goto out;
		}
		if (approvers == NULL)
			approvers = fixed;
	} else if (strcmp(kind, "ticket") == 0) {
		if (gate > 0) {
			svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--gate is for measure subjects");
			goto out;
		}
		free(one_text(db, "SELECT ticket_id FROM tickets WHERE "
		    "ticket_id=?", key, NULL, &found));
		if (!found) {
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no ticket "
			    "'%s'", key);
			goto out;
		}
		if (approvers == NULL) {
			svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "a ticket "
			    "request needs --approvers (roles or users)");
			goto out;
		}
	} else {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "'%s' is not "
		    "ticket:ID or measure:ID", subject);
		goto out;
	}
	if (rule == NULL)
		rule = defrule;
	if (svc_dir_load(db, o->now, &dir, e) != 0)
		goto out;
	/* the slots */
	for (p = approvers; *p; ) {
		size_t n = strcspn(p, ",");

		if (n > 0)
			nslots++;
		p += n + (p[n] == ',');
	}
	if (strcmp(rule, "any") == 0)
		need = 1;
	else if (strcmp(rule, "all") == 0)
		need = nslots;
	else if (strncmp(rule, "n:", 2) == 0 && (k = atoi(rule + 2)) >= 1 &&
	    strspn(rule + 2, "0123456789") == strlen(rule + 2))
		need = k;
	else {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--rule: '%s' is not "
		    "any, all or n:K", rule);
		goto out;
	}
	if (nslots == 0 || need > nslots) {
		svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "--rule %s needs %d "
		    "approvers; %d given", rule, need, nslots);
		goto out;
	}
	if (wr_begin(&w, db, o, e) != 0)
		goto out;
	rc = svc_db_prepare(db, "INSERT INTO approvals(subject, gate, rule, "
	    "need, due, requested_by, requested_at, run) VALUES "
	    "(?,?,?,?,?,?,?,?)", &st, e);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
		if (gate > 0)
			sqlite3_bind_int(st, 2, gate);
		else
			sqlite3_bind_null(st, 2);
		sqlite3_bind_text(st, 3, rule, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, need);
		if (due >= 0)
			sqlite3_bind_int64(st, 5, due);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_text(st, 6, o->actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, o->now);
		sqlite3_bind_int64(st, 8, w.w.run.id);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			rc = svc_db_fail(db, rc, e, "recording the request");
		else
			rc = 0;
		sqlite3_finalize(st);
		*id = sqlite3_last_insert_rowid(db->h);
	}
	st = NULL;
	if (rc == 0)
		rc = svc_db_prepare(db, "INSERT INTO approvers(approval_id, slot, "
		    "token, users) VALUES (?,?,?,?)", &st, e);
	for (p = approvers, k = 0; rc == 0 && *p; ) {
		size_t n = strcspn(p, ",");

		if (n > 0) {
			svc_buf_reset(&toks);
			svc_buf_add(&toks, p, n);
			if (resolve(db, &dir, kind, key, toks.s, &users,
			    e) != 0) {
				rc = -1;
				break;
			}
			sqlite3_bind_int64(st, 1, *id);
			sqlite3_bind_int(st, 2, ++k);
			sqlite3_bind_text(st, 3, toks.s, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, users.s, -1, SQLITE_STATIC);
			if ((rc = sqlite3_step(st)) != SQLITE_DONE)
				rc = svc_db_fail(db, rc, e, "recording approvers");
			else
				rc = 0;
			sqlite3_reset(st);
		}
		p += n + (p[n] == ',');
	}
	sqlite3_finalize(st);
	if (rc == 0 && strcmp(kind, "ticket") == 0 && due >= 0) {
		/* svc-escalate --all looks at the ticket again at once: its
		 * rules may test approval_overdue */
		rc = svc_db_prepare(db, "INSERT INTO escalation_watch(ticket_id, "
		    "wake) VALUES (?1, ?2) ON CONFLICT(ticket_id) DO UPDATE SET "
		    "wake=min(wake, ?2)", &st, e);
		if (rc == 0) {
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, o->now);
			rc = sqlite3_step(st) == SQLITE_DONE ? 0 : svc_db_fail(db,
			    sqlite3_errcode(db->h), e, "waking svc-escalate");
			sqlite3_finalize(st);
		}
	}
	snprintf(num, sizeof(num), "%lld", (long long)*id);
	if (rc == 0)
		rc = svc_audit(&w.w.audit, "approval", num, "requested", NULL,
		    subject, approvers, e);
	rc = wr_end(&w, rc, e);
	goto out;
usage_gate:
	svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0, "a measure request needs "
	    "--gate N");
out:
	svc_dir_free(&dir);
	svc_buf_free(&users);
	svc_buf_free(&toks);
	free(key);
	free(doi);
	return rc;
}

/* Who votes: the actor at now, and the statement that finds the newest
 * delegation of a user to the actor (prepared once per command). */
struct actor {
	sqlite3_stmt *dl;
	const char *actor;
	int64_t now;
};

static int
actor_open(struct actor *a, struct svc_db *db, const struct svc_aopts *o,
    struct svc_err *e)
{
	a->actor = o->actor;
	a->now = o->now;
	return svc_db_prepare(db, "SELECT valid_from, valid_until FROM "
	    "delegations WHERE user=? AND delegate=? ORDER BY valid_from <= ?3 "
	    "AND valid_until > ?3 DESC, id DESC LIMIT 1", &a->dl, e);
}

/* Is there a delegation from user to the actor at now?  1 valid, 0 none,
 * 2 one exists but not at now (its dates into span). */
static int
delegated(struct actor *ac, const char *user, char *span, size_t n)
{
	sqlite3_stmt *st = ac->dl;
	const char *actor = ac->actor;
	int64_t now = ac->now;
	int rc = 0;

	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t f = sqlite3_column_int64(st, 0);
		int64_t u = sqlite3_column_int64(st, 1);
		char a[40], b[40];

		if (f <= now && now < u)
			rc = 1;
		else {
			rc = 2;
			svc_time_format(f, a, sizeof(a));
			svc_time_format(u, b, sizeof(b));
			snprintf(span, n, "%s to %s", a, b);
		}
	}
	sqlite3_reset(st);
	return rc;
}

/* The first user of the comma list users that actor may act for: actor
 * itself, else one who delegated to actor at now.  The user into who. */
static int
may_act(struct actor *ac, const char *users, const char *requester,
    char *who, size_t wn, char *why, size_t yn)
{
	const char *p, *actor = ac->actor;

	if (svc_in_list(users, actor)) {
		snprintf(who, wn, "%s", actor);
		return 1;
	}
	for (p = users; *p; ) {
		size_t n = strcspn(p, ",");
		char u[256], span[100];
		int d;

		snprintf(u, sizeof(u), "%.*s", (int)n, p);
		p += n + (p[n] == ',');
		if ((d = delegated(ac, u, span, sizeof(span))) == 1) {
			if (strcasecmp(u, requester) == 0) {
				snprintf(why, yn, "%.100s requested it; a "
				    "delegate of %.100s cannot approve it either",
				    u, u);
				continue;
			}
			snprintf(who, wn, "%s", u);
			return 1;
		}
		if (d == 2)
			snprintf(why, yn, "%.100s's delegation to %.100s is "
			    "valid %s, not now", u, actor, span);
	}
	return 0;
}

int
svc_approve_vote(struct svc_db *db, const struct svc_aopts *o, int64_t id,
    int yes, const char *comment, char *state, size_t sn, struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	struct wr w;
	struct actor ac = { 0 };
	char *req = NULL, *cur = NULL, who[256], why[512], num[32];
	struct svc_buf all = { 0 };
	int rc = -1, slot = 0, nslots = 0, need = 0, yes_n = 0, no_n = 0;

	*why = '\0';
	if (!yes && (comment == NULL || *comment == '\0'))
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "a rejection needs --comment (why)");
	if (svc_db_prepare(db, "SELECT requested_by, state, need FROM approvals "
	    "WHERE id=?", &st, e) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		req = svc_col_dup(st, 0);
		cur = svc_col_dup(st, 1);
		need = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (req == NULL)
		return svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "no approval "
		    "%lld (svc-approve list shows them)", (long long)id);
	if (strcmp(cur, "pending") != 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "approval %lld is %s "
		    "already", (long long)id, cur);
		goto out;
	}
	if (strcasecmp(req, o->actor) == 0) {
		svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s requested "
		    "approval %lld; no one approves their own request", req,
		    (long long)id);
		goto out;
	}
	if (actor_open(&ac, db, o, e) != 0)
		goto out;
	if (svc_db_prepare(db, "SELECT p.slot, p.token, p.users, v.slot IS NOT "
	    "NULL FROM approvers p LEFT JOIN votes v ON v.approval_id = "
	    "p.approval_id AND v.slot = p.slot WHERE p.approval_id=? ORDER BY "
	    "p.slot", &st, e) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *users = (const char *)sqlite3_column_text(st, 2);

		nslots++;
		svc_buf_printf(&all, "%s%s %s", all.len ? "; " : "",
		    (const char *)sqlite3_column_text(st, 1), users);
		if (slot == 0 && !sqlite3_column_int(st, 3) &&
		    may_act(&ac, users, req, who, sizeof(who), why, sizeof(why)))
			slot = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	if (slot == 0) {
		if (*why)
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s cannot vote "
			    "on approval %lld: %s", o->actor, (long long)id, why);
		else
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s is not an "
			    "approver of approval %lld with a vote left "
			    "(approvers: %s)", o->actor, (long long)id, all.s);
		goto out;
	}
	if (wr_begin(&w, db, o, e) != 0)
		goto out;
	rc = svc_db_prepare(db, "INSERT INTO votes(approval_id, slot, voter, "
	    "on_behalf, vote, comment, at, run) VALUES (?,?,?,?,?,?,?,?)", &st,
	    e);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, slot);
		sqlite3_bind_text(st, 3, o->actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, who, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, yes ? "approve" : "reject", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 6, comment, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, o->now);
		sqlite3_bind_int64(st, 8, w.w.run.id);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 :
		    svc_db_fail(db, sqlite3_errcode(db->h), e, "recording the vote");
		sqlite3_finalize(st);
	}
	if (rc == 0 && svc_db_prepare(db, "SELECT sum(vote = 'approve'), "
	    "sum(vote = 'reject') FROM votes WHERE approval_id=?", &st,
	    e) == 0) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			yes_n = sqlite3_column_int(st, 0);
			no_n = sqlite3_column_int(st, 1);
		}
		sqlite3_finalize(st);
	}
	snprintf(state, sn, "%s", yes_n >= need ? "approved" :
	    no_n > nslots - need ? "rejected" : "pending");
	if (rc == 0 && strcmp(state, "pending") != 0 &&
	    (rc = svc_db_prepare(db, "UPDATE approvals SET state=?, decided_at=? "
	    "WHERE id=?", &st, e)) == 0) {
		sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, o->now);
		sqlite3_bind_int64(st, 3, id);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 :
		    svc_db_fail(db, sqlite3_errcode(db->h), e, "deciding");
		sqlite3_finalize(st);
	}
	snprintf(num, sizeof(num), "%lld", (long long)id);
	if (rc == 0) {
		struct svc_buf d = { 0 };

		svc_buf_printf(&d, "slot %d%s%s%s%s", slot,
		    strcasecmp(who, o->actor) ? " on behalf of " : "",
		    strcasecmp(who, o->actor) ? who : "", comment ? ": " : "",
		    comment ? comment : "");
		rc = svc_audit(&w.w.audit, "approval", num, "vote", NULL, yes ?
		    "approve" : "reject", d.s, e);
		if (rc == 0 && strcmp(state, "pending") != 0)
			rc = svc_audit(&w.w.audit, "approval", num, "state",
			    "pending", state, NULL, e);
		svc_buf_free(&d);
	}
	rc = wr_end(&w, rc, e);
out:
	sqlite3_finalize(ac.dl);
	svc_buf_free(&all);
	free(req);
	free(cur);
	return rc;
}

int
svc_approve_delegate(struct svc_db *db, const struct svc_aopts *o,
    const char *user, const char *delegate, int64_t from, int64_t until,
    struct svc_err *e)
{
	struct svc_dir dir;
	struct wr w;
	sqlite3_stmt *st;
	char span[100], a[40], b[40];
	int rc = -1, pmo = 0;

	if (until <= from)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "--until must be after --from");
	if (strcasecmp(user, delegate) == 0)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "%s cannot delegate to themselves", user);
	memset(&dir, 0, sizeof(dir));
	if (svc_dir_load(db, o->now, &dir, e) != 0)
		return -1;
	if (svc_dir_person(&dir, o->actor))
		pmo = svc_person_has_role(svc_dir_person(&dir, o->actor), "pmo");
	if (strcasecmp(o->actor, user) != 0 && !pmo) {
		struct actor ac;
		int d = actor_open(&ac, db, o, e) != 0 ? -1 :
		    delegated(&ac, user, span, sizeof(span));

		sqlite3_finalize(ac.dl);
		if (d < 0)
			goto out;
		if (d)
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "%s acts for "
			    "%s only as a delegate and cannot delegate further",
			    o->actor, user);
		else
			svc_err_set(e, SVC_EXIT_FATAL, NULL, 0, 0, "only %s (or "
			    "someone with the role pmo) delegates %s's "
			    "approvals, not %s", user, user, o->actor);
		goto out;
	}
	if (wr_begin(&w, db, o, e) != 0)
		goto out;
	rc = svc_db_prepare(db, "INSERT INTO delegations(user, delegate, "
	    "valid_from, valid_until, created_by, created_at) VALUES "
	    "(?,?,?,?,?,?)", &st, e);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, delegate, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, from);
		sqlite3_bind_int64(st, 4, until);
		sqlite3_bind_text(st, 5, o->actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, o->now);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 :
		    svc_db_fail(db, sqlite3_errcode(db->h), e, "delegating");
		sqlite3_finalize(st);
	}
	svc_time_format(from, a, sizeof(a));
	svc_time_format(until, b, sizeof(b));
	snprintf(span, sizeof(span), "%s to %s", a, b);
	if (rc == 0)
		rc = svc_audit(&w.w.audit, "delegation", user, "delegate", NULL,
		    delegate, span, e);
	rc = wr_end(&w, rc, e);
out:
	svc_dir_free(&dir);
	return rc;
}

int
svc_approve_list(struct svc_db *db, const struct svc_aopts *o, int mine,
    struct svc_out *out, struct svc_err *e)
{
	sqlite3_stmt *st;
	struct actor ac = { 0 };
	int rc;

	if (mine && actor_open(&ac, db, o, e) != 0)
		return -1;
	if (svc_db_prepare(db, "SELECT a.id, a.subject, a.gate, a.rule, "
	    "a.state, a.requested_by, a.requested_at, a.due, (SELECT "
	    "group_concat(p.token || ' ' || p.users, '; ') FROM approvers p "
	    "WHERE p.approval_id = a.id AND a.state = 'pending' AND NOT "
	    "EXISTS(SELECT 1 FROM votes v WHERE v.approval_id = a.id AND "
	    "v.slot = p.slot)), (SELECT group_concat(v.voter || CASE WHEN "
	    "v.voter <> v.on_behalf THEN ' for ' || v.on_behalf ELSE '' END || "
	    "' ' || v.vote || coalesce(': ' || v.comment, ''), '; ') FROM votes "
	    "v WHERE v.approval_id = a.id), (SELECT group_concat(p.users, ',') "
	    "FROM approvers p WHERE p.approval_id = a.id AND NOT EXISTS(SELECT "
	    "1 FROM votes v WHERE v.approval_id = a.id AND v.slot = p.slot)) "
	    "FROM approvals a WHERE a.requested_at <= ? ORDER BY a.id", &st,
	    e) != 0) {
		sqlite3_finalize(ac.dl);
		return -1;
	}
	sqlite3_bind_int64(st, 1, o->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v[SVC_APPROVE_NCOLS];
		char ra[40], du[40], who[256], why[256];
		int i;

		if (mine) {
			const char *open = (const char *)sqlite3_column_text(st,
			    10);

			if (strcmp((const char *)sqlite3_column_text(st, 4),
			    "pending") != 0 || open == NULL ||
			    strcasecmp((const char *)sqlite3_column_text(st, 5),
			    o->actor) == 0 || !may_act(&ac, open,
			    (const char *)sqlite3_column_text(st, 5), who,
			    sizeof(who), why, sizeof(why)))
				continue;
		}
		for (i = 0; i < SVC_APPROVE_NCOLS; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		svc_time_format(sqlite3_column_int64(st, 6), ra, sizeof(ra));
		v[6] = ra;
		if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
			svc_time_format(sqlite3_column_int64(st, 7), du,
			    sizeof(du));
			v[7] = du;
		}
		svc_out_row(out, v, NULL);
	}
	sqlite3_finalize(ac.dl);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading approvals");
	return 0;
}
