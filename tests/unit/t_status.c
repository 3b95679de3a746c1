/* Unit tests: status categories. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "status.h"
#include "ticket.h"
#include "tap.h"

int
main(void)
{
	static const struct { const char *status; int cat; } vocab[] = {
		/* Zendesk */
		{ "new", SVC_SCAT_NEW }, { "open", SVC_SCAT_OPEN },
		{ "pending", SVC_SCAT_PENDING }, { "hold", SVC_SCAT_PENDING },
		{ "On-hold", SVC_SCAT_PENDING },
		{ "solved", SVC_SCAT_RESOLVED },
		{ "closed", SVC_SCAT_CLOSED },
		/* ServiceNow, and its event log's incident_state */
		{ "In Progress", SVC_SCAT_OPEN },
		{ "On Hold", SVC_SCAT_PENDING },
		{ "Resolved", SVC_SCAT_RESOLVED },
		{ "Canceled", SVC_SCAT_CANCELLED },
		{ "Active", SVC_SCAT_OPEN },
		{ "Awaiting User Info", SVC_SCAT_PENDING },
		{ "Awaiting Problem", SVC_SCAT_PENDING },
		{ "Awaiting Vendor", SVC_SCAT_PENDING },
		{ "Awaiting Evidence", SVC_SCAT_PENDING },
		/* Jira */
		{ "To Do", SVC_SCAT_NEW }, { "Done", SVC_SCAT_RESOLVED },
		{ "Waiting for customer", SVC_SCAT_PENDING },
		{ "Waiting for support", SVC_SCAT_OPEN },
		/* Freshdesk */
		{ "Waiting on Customer", SVC_SCAT_PENDING },
		{ "Waiting on Third Party", SVC_SCAT_PENDING },
		/* the Volvo IT log, NYC 311, Kaggle */
		{ "Queued", SVC_SCAT_NEW }, { "Accepted", SVC_SCAT_OPEN },
		{ "Completed", SVC_SCAT_RESOLVED },
		{ "Assigned", SVC_SCAT_OPEN },
		{ "Started", SVC_SCAT_OPEN },
		{ "Pending Customer Response", SVC_SCAT_PENDING },
		/* common words */
		{ "finished", SVC_SCAT_RESOLVED },
		{ "cancelled", SVC_SCAT_CANCELLED },
		{ "waiting", SVC_SCAT_PENDING },
		/* no status at all */
		{ "-100", SVC_SCAT_UNKNOWN }, { "Unmatched", SVC_SCAT_UNKNOWN },
		{ "Triaged", SVC_SCAT_UNKNOWN }, { "", SVC_SCAT_UNKNOWN },
	};
	struct svc_statuses *m;
	size_t i;
	int bad = 0;
	char k[32];

	for (i = 0; i < sizeof(vocab) / sizeof(vocab[0]); i++)
		if (svc_status_builtin(vocab[i].status) != vocab[i].cat) {
			printf("# '%s': %s, want %s\n", vocab[i].status,
			    svc_status_cat_name(svc_status_builtin(
			    vocab[i].status)),
			    svc_status_cat_name(vocab[i].cat));
			bad++;
		}
	is_int(bad, 0, "the built-in vocabulary of each product");
	is_int(svc_status_builtin("  COMPLETED \t"), SVC_SCAT_RESOLVED,
	    "case and surrounding spaces do not count");
	is_int(svc_status_builtin(NULL), SVC_SCAT_UNKNOWN,
	    "no status: unknown");

	/* category names */
	is_int(svc_status_cat_parse(" Pending "), SVC_SCAT_PENDING,
	    "a category name, any case");
	is_int(svc_status_cat_parse("canceled"), -1,
	    "only the six names are categories");
	is_str(svc_status_cat_name(SVC_SCAT_CANCELLED), "cancelled",
	    "category name");
	is_str(svc_status_cat_name(SVC_SCAT_UNKNOWN), "unknown",
	    "unknown has a name");
	ok(svc_status_done(SVC_SCAT_RESOLVED) &&
	    svc_status_done(SVC_SCAT_CLOSED) &&
	    svc_status_done(SVC_SCAT_CANCELLED) &&
	    !svc_status_done(SVC_SCAT_PENDING) && !svc_status_done(0),
	    "done: resolved, closed, cancelled");

	/* Jira's status-category column, in five languages */
	is_int(svc_status_jira("To Do"), SVC_SCAT_NEW, "To Do");
	is_int(svc_status_jira("in progress"), SVC_SCAT_OPEN, "In Progress");
	is_int(svc_status_jira("Done"), SVC_SCAT_RESOLVED, "Done");
	is_int(svc_status_jira("Por hacer"), SVC_SCAT_NEW, "es: Por hacer");
	is_int(svc_status_jira("En curso"), SVC_SCAT_OPEN, "es/fr: En curso");
	is_int(svc_status_jira("Listo"), SVC_SCAT_RESOLVED, "es: Listo");
	is_int(svc_status_jira("Itens concluídos"), SVC_SCAT_RESOLVED,
	    "pt: Itens concluídos");
	is_int(svc_status_jira("ITENS CONCLUÍDOS"), SVC_SCAT_RESOLVED,
	    "pt: Latin-1 letters fold to lower case too");
	is_int(svc_status_jira("Em andamento"), SVC_SCAT_OPEN,
	    "pt: Em andamento");
	is_int(svc_status_jira("Zu erledigen"), SVC_SCAT_NEW,
	    "de: Zu erledigen");
	is_int(svc_status_jira("Fertig"), SVC_SCAT_RESOLVED, "de: Fertig");
	is_int(svc_status_jira("À faire"), SVC_SCAT_NEW, "fr: À faire");
	is_int(svc_status_jira("Terminé"), SVC_SCAT_RESOLVED, "fr: Terminé");
	is_int(svc_status_jira("Triaged"), SVC_SCAT_UNKNOWN,
	    "not a status category");

	/* a loaded table over the built-ins */
	m = svc_status_new();
	svc_status_add(m, "Triaged", SVC_SCAT_OPEN);
	svc_status_add(m, " done ", SVC_SCAT_CLOSED);
	is_int(svc_status_find(m, "TRIAGED"), SVC_SCAT_OPEN, "a loaded status");
	is_int(svc_status_find(m, "Done"), SVC_SCAT_CLOSED,
	    "a loaded status wins over the built-in");
	is_int(svc_status_find(NULL, "Done"), SVC_SCAT_RESOLVED,
	    "the built-ins are left alone");
	is_int(svc_status_find(m, "Accepted"), SVC_SCAT_OPEN,
	    "built-ins stay under the loaded ones");
	for (i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "Stage %zu", i);
		svc_status_add(m, k, (int)(i % 6) + 1);
	}
	bad = 0;
	for (i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "stage %zu", i);
		bad += svc_status_find(m, k) != (int)(i % 6) + 1;
	}
	is_int(bad, 0, "5000 statuses survive the table's growth");
	is_int(svc_ticket_category(m, "Wartend",
	    "{\"status_category\":\"In Arbeit\",\"x\":\"1\"}"), SVC_SCAT_OPEN,
	    "an unknown status takes its attrs' status_category");
	is_int(svc_ticket_category(m, "Triaged", "{\"status_category\":\"Fertig\"}"),
	    SVC_SCAT_OPEN, "a known status does not look at attrs");
	is_int(svc_ticket_category(m, "Wartend", "{\"other\":\"Done\"}"),
	    SVC_SCAT_UNKNOWN, "no status_category: unknown");
	svc_status_free(m);

	/* open at now (100) */
	ok(svc_status_open(SVC_SCAT_OPEN, -1, -1, -1, 100),
	    "open category, no times: open");
	ok(svc_status_open(SVC_SCAT_PENDING, 50, -1, 60, 100),
	    "pending with an old resolution (reopened): open");
	ok(svc_status_open(SVC_SCAT_OPEN, 50, -1, -1, 100),
	    "open with a resolution and no update time: the status wins");
	ok(!svc_status_open(SVC_SCAT_OPEN, 70, 80, 60, 100),
	    "an open status seen at 60, closed at 80: done at 100");
	ok(!svc_status_open(SVC_SCAT_OPEN, 70, -1, 120, 100),
	    "resolved at 70, reopened by a row of 120: done at 100");
	ok(svc_status_open(SVC_SCAT_OPEN, 70, -1, 120, 130),
	    "resolved at 70, reopened by a row of 120: open at 130");
	ok(!svc_status_open(SVC_SCAT_RESOLVED, -1, -1, -1, 100),
	    "resolved with no time: done");
	ok(!svc_status_open(SVC_SCAT_CLOSED, -1, 90, -1, 100),
	    "closed at 90: done at 100");
	ok(svc_status_open(SVC_SCAT_RESOLVED, 150, -1, 150, 100),
	    "resolved at 150, seen at 150: not yet done at 100");
	ok(!svc_status_open(SVC_SCAT_RESOLVED, 150, -1, 90, 100),
	    "a resolved status seen at 90: done at 100 whatever the time says");
	ok(svc_status_open(SVC_SCAT_UNKNOWN, -1, -1, -1, 100),
	    "unknown status, no times: open");
	ok(!svc_status_open(SVC_SCAT_UNKNOWN, 80, -1, -1, 100),
	    "unknown status resolved at 80: done");
	ok(svc_status_open(SVC_SCAT_UNKNOWN, 180, 190, -1, 100),
	    "unknown status resolved later than now: open");
	return tap_done();
}
