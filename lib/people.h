/* people.h: the people and catalog valid at a time, and who a role is.
 *
 * svc-route chooses owners from people; svc-escalate resolves a
 * notification's target (assignee, group_lead, manager, service_owner,
 * kpi_owner, controller, a user or an e-mail address) through people and
 * the catalog.  Both load them once per run with svc_dir_load.
 */
#ifndef SVC_PEOPLE_H
#define SVC_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct svc_person {
	char *user, *name, *email, *roles, *groups, *manager, *skills;
	char *calendar;
	int64_t capacity;
	int active;
	/* the caller's: open load, off duty at now */
	int64_t load;
	int off;
};

/* A catalog row: category/subcategory/service (NULL: any) -> owners. */
struct svc_catent {
	char *category, *subcategory, *service, *owner, *business_unit;
	char *group, *controller, *kpi_owner;
};

enum { SVC_CAT_OWNER = 1, SVC_CAT_GROUP = 2, SVC_CAT_CONTROLLER = 4,
    SVC_CAT_KPI_OWNER = 8, SVC_CAT_BU = 16 };

struct svc_dir {
	struct svc_person *people;	/* sorted by user */
	size_t npeople;
	struct svc_catent *cats;	/* in file order */
	size_t ncats;
};

/* Load the people and catalog versions valid at now.  0 or -1. */
int svc_dir_load(struct svc_db *db, int64_t now, struct svc_dir *d,
    struct svc_err *e);
void svc_dir_free(struct svc_dir *d);

/* The person named user, or NULL. */
struct svc_person *svc_dir_person(const struct svc_dir *d, const char *user);

/* The most specific catalog row that matches category, subcategory and
 * service (a row's empty column matches anything; case is ignored) and
 * has at least one of the fields in mask (SVC_CAT_*); the first such row
 * on a tie.  NULL when none. */
const struct svc_catent *svc_dir_catalog(const struct svc_dir *d,
    const char *category, const char *subcategory, const char *service,
    int mask);

/* Does person p hold role (in roles, ignoring case)? */
int svc_person_has_role(const struct svc_person *p, const char *role);

#endif
