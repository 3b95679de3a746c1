/* Unit tests: the list syntax of svc(7) (people's roles, groups and
 * skills, pause_on ...) and list membership. */
#include <string.h>

#include "tap.h"
#include "ticket.h"

int
main(void)
{
	ok(svc_in_list("Service Desk, Network Ops", "network ops"), "in a list, any case");
	ok(!svc_in_list("vpn;dns|printers", "dns"), "only a comma separates");
	ok(svc_in_list("vpn;dns|printers", "vpn;dns|printers"), "; and | are text");
	ok(svc_in_list("agent, lead", "lead"), "spaces after a comma");
	ok(svc_in_list(" agent ,lead ", "agent"), "spaces around an item");
	ok(!svc_in_list("agent lead", "lead"), "a space does not separate");
	ok(svc_in_list("agent lead", "Agent Lead"), "one item with a space");
	ok(svc_in_list("R\\, D, Sales", "r, d"), "an escaped comma is text");
	ok(!svc_in_list("R\\, D, Sales", "r"), "not split at an escaped comma");
	ok(svc_in_list("a\\\\, b", "a\\"), "an escaped backslash");
	ok(svc_in_list("a\\ , b", "a "), "an escaped space stays");
	ok(svc_in_list(",, a,,", "a"), "empty items are skipped");
	ok(svc_in_list_all("R\\, D, Sales", "sales, r\\, d"), "escaped words wanted");
	ok(!svc_in_list_all("R, D", "r\\, d"), "an escaped word is one item");
	ok(!svc_in_list("vpn,dns", "vp"), "a prefix is not a word");
	ok(!svc_in_list(NULL, "vpn"), "no list");
	ok(!svc_in_list("", "vpn"), "an empty list");
	ok(svc_in_list_all("vpn, dns, printers", "dns,vpn"), "every word present");
	ok(!svc_in_list_all("vpn, dns", "dns,refunds"), "a word missing");
	ok(svc_in_list_all("vpn", ""), "no words wanted");
	ok(!svc_in_list_all(NULL, "vpn"), "nothing had");
	ok(svc_in_list_all("a very long skill name that goes past one hundred and "
	    "twenty eight characters of text so that no fixed buffer could hold "
	    "it whole, which is fine", "a very long skill name that goes past "
	    "one hundred and twenty eight characters of text so that no fixed "
	    "buffer could hold it whole"), "long words compare whole");
	ok(!svc_in_list_all("a very long skill name that goes past one hundred and "
	    "twenty eight characters of text so that no fixed buffer could hold "
	    "it whole, x", "a very long skill name that goes past one hundred and "
	    "twenty eight characters of text so that no fixed buffer could hold "
	    "it whole and then some"), "long words differ past 128 bytes");
	{
		const char *l = " R\\, D ,, lead\\ ,x\\", *p = l;
		struct svc_buf b = { 0 };

		ok(svc_list_next(&p, &b) && strcmp(b.s, "R, D") == 0,
		    "first item unescaped");
		ok(svc_list_next(&p, &b) && strcmp(b.s, "lead ") == 0,
		    "second item, escaped space kept");
		ok(svc_list_next(&p, &b) && strcmp(b.s, "x\\") == 0,
		    "a backslash at the end is text");
		ok(!svc_list_next(&p, &b), "then the end");
		p = NULL;
		ok(!svc_list_next(&p, &b), "no list");
		svc_buf_free(&b);
	}
	return tap_done();
}
