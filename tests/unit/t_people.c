/* Unit tests: people lookup, catalog matching, roles, problem keys. */
#include <string.h>

#include "escalate.h"
#include "map.h"
#include "people.h"
#include "tap.h"

int
main(void)
{
	struct svc_person p[3];
	struct svc_catent c[4];
	struct svc_dir d;
	struct svc_esc_opts o;
	struct svc_err e;
	const struct svc_catent *m;

	memset(p, 0, sizeof(p));
	memset(c, 0, sizeof(c));
	/* sorted by user, as svc_dir_load leaves them */
	p[0].user = "ann";
	p[0].roles = "agent, lead";
	p[1].user = "bob";
	p[2].user = "zed";
	p[2].roles = "controller";
	/* any Network ticket: owner sam; Network/VPN: group only; a
	 * Network/VPN/Remote row with a controller */
	c[0].category = "Network";
	c[0].owner = "sam";
	c[1].category = "Network";
	c[1].subcategory = "VPN";
	c[1].group = "Net Ops";
	c[2].category = "network";
	c[2].subcategory = "vpn";
	c[2].service = "Remote";
	c[2].controller = "zed";
	c[3].service = "Payments";
	c[3].owner = "gina";
	c[3].kpi_owner = "kim";
	d.people = p;
	d.npeople = 3;
	d.cats = c;
	d.ncats = 4;

	ok(svc_dir_person(&d, "bob") == &p[1], "a person by name");
	ok(svc_dir_person(&d, "zed") == &p[2], "the last person");
	ok(svc_dir_person(&d, "carl") == NULL, "nobody of that name");
	ok(svc_dir_person(&d, NULL) == NULL, "no name");
	ok(svc_person_has_role(&p[0], "LEAD"), "a role in a list, any case");
	ok(!svc_person_has_role(&p[1], "lead"), "no roles");

	m = svc_dir_catalog(&d, "Network", "VPN", "Remote", SVC_CAT_OWNER);
	ok(m == &c[0], "the owner comes from the only row that has one");
	m = svc_dir_catalog(&d, "Network", "VPN", "Remote", SVC_CAT_OWNER |
	    SVC_CAT_GROUP);
	ok(m == &c[1], "the more specific row with a group wins");
	m = svc_dir_catalog(&d, "Network", "VPN", "Remote", SVC_CAT_CONTROLLER);
	ok(m == &c[2], "the most specific row, case ignored");
	m = svc_dir_catalog(&d, "Network", "WiFi", NULL, SVC_CAT_CONTROLLER);
	ok(m == NULL, "no row with a controller matches");
	m = svc_dir_catalog(&d, "Billing", NULL, "payments", SVC_CAT_KPI_OWNER);
	ok(m == &c[3], "a row by service alone");
	m = svc_dir_catalog(&d, NULL, NULL, NULL, SVC_CAT_OWNER);
	ok(m == NULL, "a ticket without category or service");

	memset(&o, 0, sizeof(o));
	svc_err_clear(&e);
	ok(svc_esc_key(&o, "category,subcategory,service", &e) == 0 &&
	    o.nkey == 3 && o.key[0] == SVC_F_CATEGORY &&
	    o.key[2] == SVC_F_SERVICE, "the default problem key");
	ok(svc_esc_key(&o, "customer", &e) == 0 && o.nkey == 1 &&
	    o.key[0] == SVC_F_CUSTOMER, "one field");
	ok(svc_esc_key(&o, "category,,service", &e) != 0 &&
	    e.status == SVC_EXIT_USAGE, "an empty field");
	ok(svc_esc_key(&o, "colour", &e) != 0 &&
	    strcmp(e.msg, "--key: 'colour' is not a ticket field") == 0,
	    "an unknown field");
	ok(svc_esc_key(&o, "", &e) != 0, "no fields");
	return tap_done();
}
