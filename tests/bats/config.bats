#!/usr/bin/env bats
# Configuration: the one list syntax of every list cell, and versions valid
# in the past (svc(7), LISTS and CONFIGURATION VERSIONS).
load helper

EF() { echo "$FIX/escalate/$1"; }
LATER=2026-12-04T00:00:00Z
PAST=2016-06-01T00:00:00Z

people_head='user,name,email,roles,groups,manager,skills,capacity,calendar,active'

@test "lists: commas with or without spaces, escapes and names with spaces load" {
	{
		echo "$people_head"
		echo 'ann,Ann,ann@example.org,"agent, lead","Service Desk, Network Ops",,"vpn,dns",5,,yes'
		echo 'bob,Bob,bob@example.org," agent ,lead ",Network Ops,,,5,,yes'
		echo 'cy,Cy,cy@example.org,agent,"R\, D",,,5,,yes'
		echo 'fay,Fay,fay@example.org,on call,Field Services,,,5,,yes'
	} > people.csv
	run -0 --separate-stderr svc-import --now "$NOW" --kind people people.csv
	[ "$stderr" = "svc-import: people.csv: people: 4 rows, new version" ]
	# a name whose words are items of their own keeps its space escaped
	{
		echo "$people_head"
		echo 'dee,Dee,dee@example.org,agent,"Service, Desk",,,5,,yes'
		echo 'eve,Eve,eve@example.org,agent,"Service\ Desk, Network Ops",,,5,,yes'
	} > people2.csv
	run -0 --separate-stderr svc-import --now "$NOW" --kind people people2.csv
	[ "$stderr" = "svc-import: people2.csv: people: 2 rows, new version" ]
	sed 's/Service\\ Desk/Service Desk/' people2.csv > people3.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind people people3.csv
	[ "$stderr" = "svc-import: people3.csv:3: column 'groups': 'Service Desk, Network Ops' looks like a list separated by spaces; separate items with commas, as in 'Service, Desk, Network Ops' (or write 'Service\\ Desk, Network Ops' for one item)" ]
	printf 'policy,order,metric,target,pause_on,warn_at\np,1,resolution,4h,"Pending, On Hold, Waiting on Customer","50, 75,90"\n' > policies.csv
	run -0 --separate-stderr svc-import --now "$NOW" --kind policies policies.csv
	[ "$stderr" = "svc-import: policies.csv: policies: 1 rows, new version" ]
}

@test "lists: a list written with spaces, ';' or '|' is refused with its line and the syntax to use" {
	printf '%s\nann,Ann,ann@example.org,agent,Billing Team,,,5,,yes\nbob,Bob,bob@example.org,agent lead,Billing Team,,,5,,yes\n' "$people_head" > p1.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind people p1.csv
	[ "$stderr" = "svc-import: p1.csv:3: column 'roles': 'agent lead' looks like a list separated by spaces; separate items with commas, as in 'agent, lead' (or write 'agent\\ lead' for one item)" ]
	[ "$(q "SELECT count(*) FROM config_versions")" = 0 ]
	printf '%s\nann,Ann,ann@example.org,agent;lead,Billing Team,,,5,,yes\n' "$people_head" > p2.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind people p2.csv
	[ "$stderr" = "svc-import: p2.csv:2: column 'roles': 'agent;lead' looks like a list separated by ';'; separate items with commas, as in 'agent, lead' (or write '\\;' for a ';' in an item)" ]
	# words that are groups of their own elsewhere in the file
	printf '%s\nann,Ann,,agent,vpn,,,5,,yes\nbob,Bob,,agent,dns,,,5,,yes\ncy,Cy,,agent,"Service Desk, vpn dns",,,5,,yes\n' "$people_head" > p3.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind people p3.csv
	[ "$stderr" = "svc-import: p3.csv:4: column 'groups': 'Service Desk, vpn dns' looks like a list separated by spaces; separate items with commas, as in 'Service Desk, vpn, dns' (or write 'Service Desk, vpn\\ dns' for one item)" ]
	printf 'policy,order,metric,target,pause_on\np,1,resolution,4h,Pending|On Hold\n' > pol.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind policies pol.csv
	[ "$stderr" = "svc-import: pol.csv:2: column 'pause_on': 'Pending|On Hold' looks like a list separated by '|'; separate items with commas, as in 'Pending, On Hold' (or write '\\|' for a '|' in an item)" ]
	printf 'policy,order,metric,target,pause_on\np,1,resolution,4h,pending resolved\n' > pol2.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind policies pol2.csv
	[ "$stderr" = "svc-import: pol2.csv:2: column 'pause_on': 'pending resolved' looks like a list separated by spaces; separate items with commas, as in 'pending, resolved' (or write 'pending\\ resolved' for one item)" ]
	printf 'order,group,strategy,skills\n10,Billing Team,skills,refunds|invoices\n' > routing.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind routing routing.csv
	[ "$stderr" = "svc-import: routing.csv:2: column 'skills': 'refunds|invoices' looks like a list separated by '|'; separate items with commas, as in 'refunds, invoices' (or write '\\|' for a '|' in an item)" ]
}

# the escalation fixtures with people of the test's own and one rule: the
# group lead is told of a breached resolution
setup_lead() {
	for k in calendars policies catalog; do
		svc-import --now 2026-03-01T00:00:00Z -q --kind "$k" "$(EF "$k.csv")" || return 1
	done
	printf 'rule,order,when,level,notify,urgent,repeat_every\nlead,10,metric=resolution and state=breached,1,group_lead,yes,\n' > esc.csv
	svc-import --now 2026-03-01T00:00:00Z -q --kind escalations esc.csv
	svc-import --now 2026-03-09T08:00:00Z -q "$(EF tickets.csv)" >/dev/null
}

@test "people with roles 'agent, lead' are the group lead escalations reach; 'agent lead' is refused" {
	setup_lead
	printf '%s\nann,Ann,ann@example.org,agent,Service Desk,,,5,,yes\nlee,Lee,lee@example.org,agent lead,Service Desk,,,5,,yes\n' "$people_head" > p.csv
	run -3 --separate-stderr svc-import --now 2026-03-01T00:00:00Z --kind people p.csv
	sed -i 's/agent lead/"agent, lead"/' p.csv
	svc-import --now 2026-03-01T00:00:00Z -q --kind people p.csv
	svc-sla -q --all --now 2026-03-09T16:00:01Z >/dev/null
	# live before the breaches, so each is told as it happens
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T16:00:01Z --go-live 2026-03-01T00:00:00Z -f csv
	[ "$(q "SELECT count(*) FROM notifications WHERE rule='lead' AND state='sent' AND recipient='lee@example.org'")" = 3 ]
	[ "$(q "SELECT count(*) FROM notifications WHERE state='skipped'")" = 0 ]
}

@test "the first version of a kind is valid from the beginning of time" {
	svc-import --now "$LATER" -q --kind policies "$(EF policies.csv)"
	[ "$(q "SELECT valid_from FROM config_versions")" = -62135596800 ]
	run -0 --separate-stderr svc-import --now "$PAST" --export policies
	[ "$output" = "$(cat "$(EF policies.csv)")" ]
	run -0 --separate-stderr svc-sla --lint --now "$PAST"
	[ "$stderr" = "svc-sla: 0 findings" ]
	sed 's/2026-03-09/2016-05-31/g' "$(EF tickets.csv)" > old.csv
	svc-import --now 2016-05-31T00:00:00Z -q old.csv >/dev/null
	run -0 --separate-stderr svc-sla --all --now "$PAST" -f csv
	[ "$(printf '%s\n' "$output" | cut -d, -f1,2,5)" = "ticket_id,first_response,resolution
E1,breached,breached
E2,breached,breached
E3,breached,breached" ]
	[ "$(q "SELECT group_concat(DISTINCT policy) FROM sla_clocks")" = std ]
	# a later version is valid from the --now of its load
	sed 's/8h/9h/' "$(EF policies.csv)" > p2.csv
	svc-import --now "$LATER" -q --kind policies p2.csv
	[ "$(q "SELECT valid_from FROM config_versions WHERE version=2")" = "$(date -u -d "$LATER" +%s)" ]
	[ "$(svc-import --now "$PAST" --export policies)" = "$(cat "$(EF policies.csv)")" ]
	[ "$(svc-import --now "$LATER" --export policies)" = "$(cat p2.csv)" ]
}

@test "--valid-from earlier than the newest version's with the same rows adds a version valid from then" {
	svc-import --now "$LATER" -q --kind policies --valid-from "$LATER" "$(EF policies.csv)"
	run -0 --separate-stderr svc-import --now "$LATER" --kind policies --valid-from 2016-01-01 "$(EF policies.csv)"
	[ "$stderr" = "svc-import: $(EF policies.csv): policies: 2 rows, new version with the same rows, valid from 2016-01-01T00:00:00+00:00 (the newest was valid from 2026-12-04T00:00:00+00:00)" ]
	[ "$(q "SELECT group_concat(version || ':' || valid_from) FROM config_versions")" = "1:1796342400,2:1451606400" ]
	[ "$(svc-import --now "$PAST" --export policies)" = "$(cat "$(EF policies.csv)")" ]
	# the same time again, or a later one, is no new version
	run -0 --separate-stderr svc-import --now "$LATER" --kind policies --valid-from 2016-01-01 "$(EF policies.csv)"
	[ "$stderr" = "svc-import: $(EF policies.csv): policies: 2 rows, unchanged" ]
	run -0 --separate-stderr svc-import --now "$LATER" --kind policies --valid-from 2017-01-01 "$(EF policies.csv)"
	[ "$stderr" = "svc-import: $(EF policies.csv): policies: 2 rows, unchanged" ]
	[ "$(q "SELECT count(*) FROM config_versions")" = 2 ]
	run -0 --separate-stderr svc-sla --lint --now "$PAST"
	[ "$stderr" = "svc-sla: 0 findings" ]
}

# "KIND: loaded, but ..." for configuration valid only from $LATER
unvalid() {
	echo "$1: loaded, but no version is valid at 2016-06-01T00:00:00+00:00 (the first is valid from 2026-12-04T00:00:00+00:00); load it with svc-import --kind $1 --valid-from 2016-06-01T00:00:00+00:00 FILE"
}

@test "every stage and its --lint say when a kind is loaded but no version is valid at --now" {
	for k in policies escalations people; do
		svc-import --now "$LATER" -q --valid-from "$LATER" --kind "$k" "$(EF "$k.csv")"
	done
	svc-import --now 2016-05-31T00:00:00Z -q "$(EF tickets.csv)" >/dev/null
	run -3 --separate-stderr svc-sla --all --now "$PAST"
	[ "$stderr" = "svc-sla: $(unvalid policies)" ]
	run -1 --separate-stderr svc-sla --lint --now "$PAST"
	[ "$output" = "$(unvalid policies)" ]
	[ "$stderr" = "svc-sla: 1 finding" ]
	run -3 --separate-stderr svc-escalate --all --now "$PAST"
	[ "$stderr" = "svc-escalate: $(unvalid people)
svc-escalate: $(unvalid escalations)" ]
	run -1 --separate-stderr svc-escalate --lint --now "$PAST"
	[ "$output" = "$(unvalid escalations)
$(unvalid people)" ]
	[ "$stderr" = "svc-escalate: 2 findings" ]
	run -0 --separate-stderr svc-route --all --now "$PAST" -q
	[ "$stderr" = "svc-route: $(unvalid people)" ]
	run -1 --separate-stderr svc-route --lint --now "$PAST"
	[ "$output" = "$(unvalid people)" ]
	[ "$stderr" = "svc-route: 1 finding" ]
	# at a time the versions are valid, nothing is said
	run -0 --separate-stderr svc-sla --lint --now "$LATER"
	[ "$stderr" = "svc-sla: 0 findings" ]
	# the command the message gives fixes it
	svc-import --now "$LATER" -q --kind policies --valid-from 2016-06-01T00:00:00+00:00 "$(EF policies.csv)"
	run -0 --separate-stderr svc-sla --all --now "$PAST" -q
	[ "$stderr" = "" ]
}

@test "the demo's configuration reaches every group lead" {
	scripts=$BATS_TEST_DIRNAME/../../scripts
	"$scripts/gen-sample" -n 400 -s 7 -l -c cfg > export.csv
	export SVC_NOW=2026-07-01T09:00:00Z SVC_TZ=Europe/Berlin
	for k in people catalog priority routing calendars holidays policies escalations reasons; do
		svc-import -q --kind "$k" --valid-from 2026-01-01T00:00:00Z "cfg/$k.csv"
	done
	svc-import -q export.csv | svc-route -q | svc-sla -q | svc-escalate -q --mail mail -f csv > sent.csv
	[ "$(q "SELECT count(*) FROM notifications WHERE notify='group_lead' AND why LIKE '%role lead%'")" = 0 ]
	[ "$(q "SELECT count(*) FROM notifications WHERE notify='group_lead' AND state='skipped'")" = 0 ]
	# the first run goes live: what had crossed by then is in digests
	[ "$(q "SELECT count(DISTINCT recipient) FROM notifications WHERE notify='group_lead' AND state IN ('sent', 'held', 'digest')")" -ge 3 ]
}

@test "--lint reports stored lists that are not in the list syntax" {
	for k in people policies escalations; do
		svc-import --now 2026-03-01T00:00:00Z -q --kind "$k" "$(EF "$k.csv")"
	done
	# as a database loaded before the syntax was enforced holds them
	q "UPDATE people SET roles='agent lead' WHERE user='lee'; UPDATE policies SET pause_on='Pending;Hold' WHERE rowno=2"
	run -1 --separate-stderr svc-escalate --lint --now 2026-03-02T00:00:00Z
	# lee is no lead now, so the group's lead cannot be reached either
	[ "$output" = "$(EF people.csv): row 3: column 'roles': 'agent lead' looks like a list separated by spaces; separate items with commas, as in 'agent, lead' (or write 'agent\\ lead' for one item)
$(EF escalations.csv):2: rule risk level 1: notify 'assignee' cannot be resolved for assignee 'bob': assignee 'bob' has no e-mail in people, and nothing it falls back to can be reached
$(EF escalations.csv):3: rule risk level 2: notify 'group_lead' cannot be resolved for group 'Service Desk': no active person with an e-mail and the role lead in group 'Service Desk', and nothing it falls back to can be reached" ]
	[ "$stderr" = "svc-escalate: 3 findings" ]
	run -1 --separate-stderr svc-sla --lint --now 2026-03-02T00:00:00Z
	[ "$output" = "$(EF policies.csv):3: column 'pause_on': 'Pending;Hold' looks like a list separated by ';'; separate items with commas, as in 'Pending, Hold' (or write '\\;' for a ';' in an item)" ]
	run -1 --separate-stderr svc-route --lint --now 2026-03-02T00:00:00Z
	[ "${lines[0]}" = "$(EF people.csv): row 3: column 'roles': 'agent lead' looks like a list separated by spaces; separate items with commas, as in 'agent, lead' (or write 'agent\\ lead' for one item)" ]
}
