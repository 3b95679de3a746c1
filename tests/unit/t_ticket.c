/* Unit tests: list membership of people's groups and skills. */
#include <string.h>

#include "tap.h"
#include "ticket.h"

int
main(void)
{
	ok(svc_in_list("Service Desk, Network Ops", "network ops"), "in a list, any case");
	ok(svc_in_list("vpn;dns|printers", "dns"), "; and | separate too");
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
	return tap_done();
}
