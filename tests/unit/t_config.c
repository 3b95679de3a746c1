/* Unit tests: the list syntax of configuration cells checked on load
 * (svc(7), LISTS): what is accepted, what is refused, and the message. */
#include <string.h>

#include "config.h"
#include "import.h"
#include "tap.h"

enum { ROLES = 3, GROUPS = 4, SKILLS = 6 };	/* columns of people */

/* Check the cells (column, text) of one file; 0 or -1 with line and msg. */
static int
check(const int *col, const char *const *cell, size_t n, long *line,
    char *msg, size_t size)
{
	struct svc_lists l;
	size_t i, bad;
	int rc;

	svc_lists_init(&l, svc_config_kind(SVC_KIND_PEOPLE));
	for (i = 0; i < n; i++)
		svc_lists_add(&l, (size_t)col[i], cell[i], strlen(cell[i]),
		    (long)i + 2);
	*line = 0;
	msg[0] = '\0';
	rc = svc_lists_check(&l, line, &bad, msg, size);
	svc_lists_free(&l);
	return rc;
}

/* One cell alone. */
static int
one(int col, const char *cell, char *msg, size_t size)
{
	long line;

	return check(&col, &cell, 1, &line, msg, size);
}

int
main(void)
{
	char msg[1024];
	long line;

	ok(one(ROLES, "agent, lead", msg, sizeof(msg)) == 0, "comma and space");
	ok(one(ROLES, "agent,lead", msg, sizeof(msg)) == 0, "comma alone");
	ok(one(ROLES, " agent , lead ,", msg, sizeof(msg)) == 0,
	    "spaces around items, a trailing comma");
	ok(one(ROLES, "on call", msg, sizeof(msg)) == 0,
	    "a role of unknown words with a space");
	ok(one(GROUPS, "Service Desk, Network Ops", msg, sizeof(msg)) == 0,
	    "names with spaces");
	ok(one(GROUPS, "R\\, D", msg, sizeof(msg)) == 0, "an escaped comma");
	ok(one(GROUPS, "R\\; D \\| x", msg, sizeof(msg)) == 0,
	    "escaped ; and |");
	ok(one(ROLES, "agent\\ lead", msg, sizeof(msg)) == 0,
	    "an escaped space keeps built-in words one item");
	ok(one(SKILLS, "level 2", msg, sizeof(msg)) == 0,
	    "one unknown word is enough");

	ok(one(ROLES, "agent lead", msg, sizeof(msg)) != 0,
	    "built-in roles separated by a space");
	is_str(msg, "column 'roles': 'agent lead' looks like a list separated "
	    "by spaces; separate items with commas, as in 'agent, lead' (or "
	    "write 'agent\\ lead' for one item)", "the message");
	ok(one(ROLES, "Manager  LEAD", msg, sizeof(msg)) != 0,
	    "any case, several spaces");
	is_str(msg, "column 'roles': 'Manager  LEAD' looks like a list separated "
	    "by spaces; separate items with commas, as in 'Manager, LEAD' (or "
	    "write 'Manager\\ \\ LEAD' for one item)", "the message");
	ok(one(SKILLS, "1 2 3", msg, sizeof(msg)) != 0, "numbers are known");
	ok(one(GROUPS, "a;b", msg, sizeof(msg)) != 0, "a semicolon");
	is_str(msg, "column 'groups': 'a;b' looks like a list separated by ';'; "
	    "separate items with commas, as in 'a, b' (or write '\\;' for a ';' "
	    "in an item)", "the message");
	ok(one(GROUPS, "a | b,c\\,d", msg, sizeof(msg)) != 0, "a bar");
	is_str(msg, "column 'groups': 'a | b,c\\,d' looks like a list separated "
	    "by '|'; separate items with commas, as in 'a, b, c\\,d' (or write "
	    "'\\|' for a '|' in an item)", "escaped commas kept");

	{
		const int col[] = { GROUPS, GROUPS, SKILLS, GROUPS };
		const char *const cell[] = { "Service", "Network Ops",
		    "Desk", "Service Desk" };

		ok(check(col, cell, 4, &line, msg, sizeof(msg)) == 0,
		    "words known only in another column");
	}
	{
		const int col[] = { GROUPS, GROUPS, GROUPS, GROUPS };
		const char *const cell[] = { "Billing", "Network Ops",
		    "Service Desk", "desk, SERVICE" };

		ok(check(col, cell, 4, &line, msg, sizeof(msg)) != 0,
		    "every word a group elsewhere in the file, in any case");
		is_int(line, 4, "the line of the cell");
		is_str(msg, "column 'groups': 'Service Desk' looks like a list "
		    "separated by spaces; separate items with commas, as in "
		    "'Service, Desk' (or write 'Service\\ Desk' for one item)",
		    "the message");
	}
	{
		const int col[] = { SKILLS, SKILLS };
		const char *const cell[] = { "vpn, dns", "vpn dns, printers" };

		ok(check(col, cell, 2, &line, msg, sizeof(msg)) != 0,
		    "skills known from an earlier row");
		is_int(line, 3, "its line");
		is_str(msg, "column 'skills': 'vpn dns, printers' looks like a list "
		    "separated by spaces; separate items with commas, as in 'vpn, "
		    "dns, printers' (or write 'vpn\\ dns, printers' for one item)",
		    "only the list-like item is split");
	}
	{
		const int col[] = { 1, 5 };	/* name and manager: no lists */
		const char *const cell[] = { "agent lead", "a;b" };

		ok(check(col, cell, 2, &line, msg, sizeof(msg)) == 0,
		    "columns that are no lists are not checked");
	}
	{
		struct svc_lists l;
		const char *const cell[] = { "agent lead", "agent", "a|b",
		    "lead" };
		size_t i, col;

		svc_lists_init(&l, svc_config_kind(SVC_KIND_PEOPLE));
		for (i = 0; i < 4; i++)
			svc_lists_add(&l, ROLES, cell[i], strlen(cell[i]),
			    (long)i + 2);
		ok(svc_lists_check(&l, &line, &col, msg, sizeof(msg)) != 0 &&
		    line == 2 && col == ROLES, "a second call goes on: first");
		ok(svc_lists_check(&l, &line, &col, msg, sizeof(msg)) != 0 &&
		    line == 4, "then the next refused cell");
		ok(svc_lists_check(&l, &line, &col, msg, sizeof(msg)) == 0,
		    "then no more");
		svc_lists_free(&l);
	}
	return tap_done();
}
