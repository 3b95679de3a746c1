/* people.c: people and catalog valid at a time. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "people.h"
#include "ticket.h"

static int
person_cmp(const void *a, const void *b)
{
	return strcmp(((const struct svc_person *)a)->user,
	    ((const struct svc_person *)b)->user);
}

int
svc_dir_load(struct svc_db *db, int64_t now, struct svc_dir *d,
    struct svc_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(d, 0, sizeof(*d));
	if (svc_config_select(db, now, "people", "user, name, email, roles, "
	    "groups, manager, skills, calendar, capacity, active", "1", "user",
	    &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct svc_person *p;

		d->people = svc_xrealloc(d->people, (d->npeople + 1) *
		    sizeof(*d->people));
		p = &d->people[d->npeople++];
		memset(p, 0, sizeof(*p));
		p->user = svc_col_dup(st, 0);
		p->name = svc_col_dup(st, 1);
		p->email = svc_col_dup(st, 2);
		p->roles = svc_col_dup(st, 3);
		p->groups = svc_col_dup(st, 4);
		p->manager = svc_col_dup(st, 5);
		p->skills = svc_col_dup(st, 6);
		p->calendar = svc_col_dup(st, 7);
		p->capacity = sqlite3_column_type(st, 8) == SQLITE_NULL ? 1 :
		    sqlite3_column_int64(st, 8);
		p->active = sqlite3_column_type(st, 9) == SQLITE_NULL ||
		    sqlite3_column_int(st, 9) != 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading people");
	/* ORDER BY user is SQLite's collation; bsearch needs strcmp's */
	if (d->npeople > 1)
		qsort(d->people, d->npeople, sizeof(*d->people), person_cmp);
	if (svc_config_select(db, now, "catalog", "category, subcategory, "
	    "service, owner, business_unit, default_group, controller, "
	    "kpi_owner", "1", "rowno", &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct svc_catent *c;

		d->cats = svc_xrealloc(d->cats, (d->ncats + 1) *
		    sizeof(*d->cats));
		c = &d->cats[d->ncats++];
		c->category = svc_col_dup(st, 0);
		c->subcategory = svc_col_dup(st, 1);
		c->service = svc_col_dup(st, 2);
		c->owner = svc_col_dup(st, 3);
		c->business_unit = svc_col_dup(st, 4);
		c->group = svc_col_dup(st, 5);
		c->controller = svc_col_dup(st, 6);
		c->kpi_owner = svc_col_dup(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return svc_db_fail(db, rc, e, "reading the catalog");
	return 0;
}

void
svc_dir_free(struct svc_dir *d)
{
	size_t i;

	for (i = 0; i < d->npeople; i++) {
		struct svc_person *p = &d->people[i];

		free(p->user);
		free(p->name);
		free(p->email);
		free(p->roles);
		free(p->groups);
		free(p->manager);
		free(p->skills);
		free(p->calendar);
	}
	for (i = 0; i < d->ncats; i++) {
		struct svc_catent *c = &d->cats[i];

		free(c->category);
		free(c->subcategory);
		free(c->service);
		free(c->owner);
		free(c->business_unit);
		free(c->group);
		free(c->controller);
		free(c->kpi_owner);
	}
	free(d->people);
	free(d->cats);
	memset(d, 0, sizeof(*d));
}

struct svc_person *
svc_dir_person(const struct svc_dir *d, const char *user)
{
	struct svc_person key;

	if (user == NULL || d->npeople == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.user = (char *)user;
	return bsearch(&key, d->people, d->npeople, sizeof(*d->people),
	    person_cmp);
}

static int
has(const struct svc_catent *c, int mask)
{
	return ((mask & SVC_CAT_OWNER) && c->owner) ||
	    ((mask & SVC_CAT_GROUP) && c->group) ||
	    ((mask & SVC_CAT_CONTROLLER) && c->controller) ||
	    ((mask & SVC_CAT_KPI_OWNER) && c->kpi_owner) ||
	    ((mask & SVC_CAT_BU) && c->business_unit);
}

const struct svc_catent *
svc_dir_catalog(const struct svc_dir *d, const char *category,
    const char *subcategory, const char *service, int mask)
{
	const struct svc_catent *best = NULL;
	int bestn = -1;
	size_t i;

	for (i = 0; i < d->ncats; i++) {
		const struct svc_catent *c = &d->cats[i];
		const char *v[3] = { category, subcategory, service };
		const char *w[3] = { c->category, c->subcategory, c->service };
		int k, n = 0, ok = 1;

		for (k = 0; k < 3 && ok; k++) {
			if (w[k] == NULL)
				continue;
			if (v[k] == NULL || strcasecmp(v[k], w[k]) != 0)
				ok = 0;
			else
				n++;
		}
		if (ok && n > bestn && has(c, mask)) {
			best = c;
			bestn = n;
		}
	}
	return best;
}

int
svc_person_has_role(const struct svc_person *p, const char *role)
{
	return p->roles && svc_in_list(p->roles, role);
}
