#!/usr/bin/env bats
# svc-escalate: once-only firing, levels, quiet hours, reminders, delivery,
# breach reasons, problems.
load helper

EF() { echo "$FIX/escalate/$1"; }
CFG=2026-03-01T00:00:00Z
# live since the tickets exist: what they cross is sent as it happens
GL=2026-03-09T08:00:00Z

# calendars, policies, people, catalog and rules valid from 1 March 2026,
# and tickets E1-E3 created on Monday 9 March 08:00 UTC (09:00 in Berlin)
setup_esc() {
	for k in calendars policies people catalog escalations; do
		svc-import --now "$CFG" -q --kind "$k" "$(EF "$k.csv")" || return 1
	done
	svc-import --now 2026-03-09T08:00:00Z -q "$(EF tickets.csv)" >/dev/null
}

# clocks and escalation as of $1; the notifications sent on stdout (csv)
at() {
	local t=$1
	shift
	svc-sla -q --all --now "$t" >/dev/null &&
	    svc-escalate --all --go-live "$GL" --now "$t" -f csv "$@"
}

@test "each ticket, metric, rule and level fires once across five runs" {
	setup_esc
	# 12:00: first responses are late (4h); the manager of the assignee
	run -0 --separate-stderr at 2026-03-09T12:00:01Z
	# E3 has no assignee, so no manager: its group lead is told
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E1,first_response,1,late-answer,mia@example.org,[svc] E1 first_response breached: VPN drops
E2,first_response,1,late-answer,mia@example.org,[svc] E2 first_response breached: Printer jam
E3,first_response,1,late-answer,lee@example.org,[svc] E3 first_response breached: Nobody owns me" ]
	[ "$stderr" = "svc-escalate: 3 tickets looked at, 3 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 8)" ]
	# 13:00: nothing new
	run -0 --separate-stderr at 2026-03-09T13:00:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	# 14:00: 75% of the 8h resolution target
	run -0 --separate-stderr at 2026-03-09T14:00:00Z
	# E2's and E3's assignee cannot be reached: their level 1 falls back
	# to the group lead, and level 2 waits for its own condition
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E1,resolution,1,risk,ann@example.org,[svc] E1 resolution at 75%: VPN drops
E2,resolution,1,risk,lee@example.org,[svc] E2 resolution at 75%: Printer jam
E3,resolution,1,risk,lee@example.org,[svc] E3 resolution at 75%: Nobody owns me" ]
	# 15:00 and 15:30: nothing new
	run -0 --separate-stderr at 2026-03-09T15:00:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	run -0 --separate-stderr at 2026-03-09T15:30:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ "$(q "SELECT count(*) FROM notifications WHERE state='sent'")" = 6 ]
	[ "$(q "SELECT count(*) FROM notifications WHERE state='skipped'")" = 0 ]
	[ "$(q "SELECT count(*) FROM audit WHERE entity='notification'")" = 6 ]
}

@test "a target that cannot be reached falls back to the group lead, and says why" {
	setup_esc
	run -0 --separate-stderr at 2026-03-09T14:00:00Z --mail box
	# E2's assignee bob has no e-mail: level 1 goes to the group lead
	[[ "$output" == *"
E2,resolution,1,risk,lee@example.org,[svc] E2 resolution at 75%: Printer jam"* ]]
	[ "$(q "SELECT state || ' ' || recipient || ': ' || why FROM notifications WHERE ticket_id='E2' AND rule='risk' AND level=1")" = "sent lee@example.org: assignee 'bob' has no e-mail in people: told the group lead instead" ]
	# E3 has no assignee, so no manager
	[ "$(q "SELECT state || ' ' || recipient || ': ' || why FROM notifications WHERE ticket_id='E3' AND rule='late-answer'")" = "sent lee@example.org: the ticket has no assignee, so no manager: told the group lead instead" ]
	run -0 svc-escalate --now 2026-03-09T14:00:00Z --explain E2
	[[ "$output" == *"resolution: rule risk level 1 (line 2) matches: metric=resolution and elapsed_pct>=75
    already done: sent to lee@example.org at 2026-03-09T14:00:00+00:00"* ]]
	# the body says whom it reached and why
	[[ "$(q "SELECT context FROM notifications WHERE ticket_id='E2' AND level=1 AND rule='risk'")" == *"Rule:      risk, level 1 (assignee 'bob' has no e-mail in people: told the group lead instead)"* ]]
	grep -q "^Rule:      risk, level 1 (assignee 'bob' has no e-mail in people: told the group lead instead)$" box/new/*E2.resolution.risk.1
}

@test "outside the recipient's working hours a notification is held, then sent at the opening" {
	setup_esc
	# E4 created at 12:00 UTC: 75% of 8h at 18:00, after ann's day (17:00 Berlin)
	printf 'ticket_id,title,group_name,assignee,status,created_at\nE4,Late one,Service Desk,ann,New,2026-03-09T12:00:00Z\n' > e4.csv
	svc-import --now 2026-03-09T12:00:00Z -q e4.csv >/dev/null
	run -0 --separate-stderr at 2026-03-09T18:00:00Z
	[[ "$output" != *"E4,resolution,1"* ]]
	[ "$(q "SELECT state || ' ' || datetime(held_until, 'unixepoch') FROM notifications WHERE ticket_id='E4' AND rule='risk'")" = "held 2026-03-10 08:00:00" ]
	# still held a minute before the opening
	run -0 --separate-stderr at 2026-03-10T07:59:00Z
	[[ "$output" != *"E4,resolution,1"* ]]
	# sent at the opening, once
	run -0 --separate-stderr at 2026-03-10T08:00:00Z
	[[ "$output" == *"
E4,resolution,1,risk,ann@example.org,[svc] E4 resolution"* ]]
	run -0 --separate-stderr at 2026-03-10T08:05:00Z
	[[ "$output" != *"E4,resolution,1"* ]]
	[ "$(q "SELECT state FROM notifications WHERE ticket_id='E4' AND rule='risk' AND level=1")" = sent ]
}

@test "an urgent rule is not held" {
	setup_esc
	# the group lead's level 2 is urgent: E1 breaches resolution at 16:00
	run -0 --separate-stderr at 2026-03-09T22:00:00Z
	[[ "$output" == *"
E1,resolution,2,risk,lee@example.org,[svc] E1 resolution breached: VPN drops"* ]]
}

@test "repeat_every sends reminders while the rule still matches" {
	setup_esc
	run -0 --separate-stderr at 2026-03-09T16:00:01Z
	[[ "$output" == *"E1,resolution,2,risk,lee@example.org,[svc] E1 resolution breached"* ]]
	# within 2h: nothing
	run -0 --separate-stderr at 2026-03-09T18:00:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	run -0 --separate-stderr at 2026-03-09T18:00:01Z
	[[ "$output" == *"E1,resolution,2,risk,lee@example.org,Reminder: [svc] E1 resolution breached: VPN drops"* ]]
	[[ "$stderr" == *", 3 reminders,"* ]]
	run -0 --separate-stderr at 2026-03-09T18:30:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ "$(q "SELECT reminders FROM notifications WHERE ticket_id='E1' AND level=2")" = 1 ]
	# a second reminder; the first delivery keeps its time, and each
	# reminder is audited as one
	run -0 --separate-stderr at 2026-03-09T20:00:01Z
	[ "$(q "SELECT reminders || ' ' || datetime(sent_at, 'unixepoch') || ' ' || datetime(last_sent_at, 'unixepoch') FROM notifications WHERE ticket_id='E1' AND level=2")" = "2 2026-03-09 16:00:01 2026-03-09 20:00:01" ]
	[ "$(q "SELECT group_concat(field || ' ' || coalesce(old, '') || '->' || new, '; ') FROM audit WHERE key='E1/resolution/risk/2'")" = "state ->sent; reminders 0->1; reminders 1->2" ]
}

@test "--sendmail failure leaves the notification unsent and it is retried next run" {
	setup_esc
	run -1 --separate-stderr at 2026-03-09T12:00:01Z --sendmail false
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ "${stderr_lines[0]}" = "svc-escalate: E1 first_response rule late-answer level 1 to mia@example.org: not delivered: 'false' exited with status 1" ]
	[ "$(q "SELECT group_concat(state) FROM notifications WHERE rule='late-answer' AND ticket_id IN ('E1','E2')")" = "pending,pending" ]
	run -0 --separate-stderr at 2026-03-09T12:10:00Z --sendmail "cat >> sent.txt"
	[ "${#lines[@]}" = 4 ]
	[ "$(q "SELECT group_concat(state) FROM notifications WHERE rule='late-answer' AND ticket_id IN ('E1','E2')")" = "sent,sent" ]
	grep -q '^To: "Mia Manager" <mia@example.org>$' sent.txt
	grep -q '^Subject: \[svc\] E1 first_response breached: VPN drops$' sent.txt
	grep -q '^More: svc-sla --explain E1$' sent.txt
	[ "$(grep -c '^From: svc-escalate$' sent.txt)" = 3 ]
}

@test "--mail writes one message per notification into a maildir" {
	setup_esc
	run -0 --separate-stderr at 2026-03-09T12:00:01Z --mail box
	[ "$(ls box/new | wc -l)" = 3 ]
	[ "$(ls box/tmp | wc -l)" = 0 ]
	f=$(ls box/new/*E1.first_response.late-answer.1)
	grep -q '^Customer:  ACME (gold)$' "$f"
	grep -q '^Owner now: ann (group Service Desk)$' "$f"
	grep -q '^  first_response  breached  due 2026-03-09T12:00:00+00:00, overdue 0m1s$' "$f"
}

@test "-n shows what would fire and records nothing" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:00:01Z >/dev/null
	run -0 svc-escalate -n --all --go-live "$GL" --now 2026-03-09T12:00:01Z -f csv -q
	[ "${#lines[@]}" = 4 ]
	[ "$(q 'SELECT count(*) FROM notifications')" = 0 ]
}

@test "ack records a valid reason; an unknown one is refused with the list" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:30:00Z >/dev/null
	run -2 --separate-stderr svc-escalate ack E1 --metric first_response --reason bad_luck --now 2026-03-09T12:30:00Z
	[ "$stderr" = "svc-escalate: --reason: unknown reason 'bad_luck' (use customer_delay, vendor_delay, capacity, misrouted, knowledge_gap, defect, process_gap, other)
Try 'svc-escalate ack --help' for more information." ]
	run -0 --separate-stderr svc-escalate ack E1 --metric first_response --reason capacity --note "two people off" --now 2026-03-09T12:30:00Z -f csv
	[ "$output" = "ticket_id,metric,cycle,reason,previous
E1,first_response,1,capacity," ]
	[ "$(q "SELECT reason || '|' || note || '|' || actor FROM acks")" = "capacity|two people off|tester" ]
	# a breach that is not there
	run -3 --separate-stderr svc-escalate ack E1 --metric resolution --reason capacity --now 2026-03-09T12:30:00Z
	[ "$stderr" = "svc-escalate: ticket 'E1' has no breached resolution clock (run svc-sla first)" ]
	# a configured list replaces the defaults
	svc-import --now "$CFG" -q --kind reasons "$(EF reasons.csv)"
	run -2 --separate-stderr svc-escalate ack E2 --metric first_response --reason capacity --now 2026-03-09T12:30:00Z
	[ "${stderr_lines[0]}" = "svc-escalate: --reason: unknown reason 'capacity' (use waiting_on_customer, our_fault)" ]
	run -0 svc-escalate ack E2 --metric first_response --reason our_fault --now 2026-03-09T12:30:00Z -q
	[ "$(q "SELECT count(*) FROM audit WHERE entity='ack'")" = 2 ]
}

@test "--unacknowledged lists breaches without a reason by who owes it" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:30:00Z >/dev/null
	svc-escalate ack E1 --metric first_response --reason capacity --now 2026-03-09T12:30:00Z -q
	run -0 --separate-stderr svc-escalate --unacknowledged --now 2026-03-09T12:30:00Z -f csv
	[ "$output" = "owner,ticket_id,metric,cycle,breached_at,group
bob,E2,first_response,1,2026-03-09T12:00:00+00:00,Service Desk
group:Service Desk,E3,first_response,1,2026-03-09T12:00:00+00:00,Service Desk" ]
	[ "$stderr" = "svc-escalate: 2 breaches without a reason" ]
}

@test "a problem opens at the Nth ticket of a key and links the N+1th; priority 1 opens one alone" {
	setup_esc
	svc-import --now 2026-03-10T09:00:00Z -q "$(EF problems.csv)" >/dev/null
	run -0 --separate-stderr svc-escalate --problems --now 2026-03-10T09:00:00Z -f csv
	# P1, P2: two VPN tickets; O1-O3: three, but O1 is 63 days before O2
	[ "$output" = 'problem,key,state,tickets,customers,first_seen,last_seen,owner
1,"[""Facilities"",""Power"",""Data Centre""]",new,1,1,2026-03-08T09:00:00+00:00,2026-03-08T09:00:00+00:00,' ]
	[ "$stderr" = "svc-escalate: 1 problems open, 1 new, 1 tickets linked, 0 owners notified, 0 held" ]
	svc-import --now 2026-03-21T09:00:00Z -q "$(EF problems-more.csv)" >/dev/null
	run -0 --separate-stderr svc-escalate --problems --now 2026-03-20T09:00:00Z -f csv
	[ "${lines[1]}" = '2,"[""Network"",""VPN"",""Remote Access""]",new,3,3,2026-03-01T09:00:00+00:00,2026-03-20T09:00:00+00:00,sam' ]
	[ "$stderr" = "svc-escalate: 2 problems open, 1 new, 3 tickets linked, 1 owners notified, 0 held" ]
	run -0 --separate-stderr svc-escalate --problems --now 2026-03-21T09:00:00Z -f csv
	[ "${lines[1]}" = '2,"[""Network"",""VPN"",""Remote Access""]",new,4,3,2026-03-01T09:00:00+00:00,2026-03-21T09:00:00+00:00,sam' ]
	[ "$stderr" = "svc-escalate: 2 problems open, 0 new, 1 tickets linked, 0 owners notified, 0 held" ]
	[ "$(q "SELECT group_concat(ticket_id) FROM (SELECT ticket_id FROM problem_tickets WHERE problem_id=2 ORDER BY 1)")" = "P1,P2,P3,P4" ]
	# the service owner was told once, and that is audited
	[ "$(q "SELECT count(*) || ' ' || recipient FROM notifications WHERE metric='problem' AND state='sent'")" = "1 sam@example.org" ]
	[ "$(q "SELECT new || ' ' || detail FROM audit WHERE entity='notification' AND key='problem:2/problem/problem/1'")" = "sent sam@example.org" ]
	# Facilities has no owner in the catalog
	[ "$(q "SELECT why FROM notifications WHERE ticket_id='problem:1'")" = "no catalog entry with a service_owner for category 'Facilities', subcategory 'Power', service 'Data Centre'" ]
}

@test "--key, --min-tickets and --window change what a problem is" {
	setup_esc
	svc-import --now 2026-03-10T09:00:00Z -q "$(EF problems.csv)" >/dev/null
	run -0 --separate-stderr svc-escalate --problems --key category --min-tickets 2 --window 90d --now 2026-03-10T09:00:00Z -f csv -n
	[ "$stderr" = "svc-escalate: 0 problems open, 3 new, 9 tickets linked, 0 owners notified, 0 held" ]
	run -2 --separate-stderr svc-escalate --problems --key colour --now 2026-03-10T09:00:00Z
	[ "${stderr_lines[0]}" = "svc-escalate: --key: 'colour' is not a ticket field" ]
}

@test "a bad rules file is refused with file:line:col, nothing loaded" {
	run -3 --separate-stderr svc-import --now "$CFG" --kind escalations "$(EF bad-escalations.csv)"
	[ "${stderr_lines[0]}" = "svc-import: $(EF bad-escalations.csv):3:14: when: expected a value" ]
	[ "$(q 'SELECT count(*) FROM escalations')" = 0 ]
}

@test "--lint reports unknown names, rules that never match and unknown targets" {
	setup_esc
	svc-import --now "$CFG" -q --kind escalations "$(EF lint-escalations.csv)"
	run -1 --separate-stderr svc-escalate --lint --now "$CFG"
	f=$(EF lint-escalations.csv)
	# bob, who may be assigned, has no e-mail: a note, as the group lead is told
	[ "$output" = "$f:2: field 'elapsed_pcnt' does not exist
$f:3: the condition can never be true
$f:2: note: rule typo level 1: notify 'assignee' cannot be resolved for assignee 'bob': assignee 'bob' has no e-mail in people; falls back to lee@example.org
$f:3: note: rule never level 1: notify 'assignee' cannot be resolved for assignee 'bob': assignee 'bob' has no e-mail in people; falls back to lee@example.org
$f:4: rule who: notify 'nobody' is not a role, an e-mail address or a user in people" ]
	[ "$stderr" = "svc-escalate: 3 findings" ]
}

@test "tickets on standard input are the only ones escalated" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:00:01Z >/dev/null
	run -0 --separate-stderr sh -c 'printf "ticket_id\nE2\nNOPE\n" | svc-escalate --go-live 2026-03-09T08:00:00Z --now 2026-03-09T12:00:01Z -f csv'
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E2,first_response,1,late-answer,mia@example.org,[svc] E2 first_response breached: Printer jam" ]
	[ "$stderr" = "svc-escalate: 1 tickets looked at, 1 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered, 1 not found (run 8)" ]
}

@test "real data: ServiceNow log after route and sla: the problems found equal the keys over the threshold by SQL" {
	need_data
	unzip -o -q "$DATA/uci-incident-event-log/incident_event_log.csv.zip" incident_event_log.csv
	svc-import --now "$NOW" -q --profile servicenow --null '?' --date-order dmy incident_event_log.csv >/dev/null
	sqlite3 -csv "$SVC_DB" "SELECT DISTINCT impact, urgency, priority FROM tickets WHERE impact IS NOT NULL AND urgency IS NOT NULL" > triples.csv
	{ echo impact,urgency,priority; cat triples.csv; } > prio.csv
	printf 'policy,order,when,metric,target,unit,calendar,pause_on,warn_at\nall,10,,first_response,1d,calendar,,,\nall,10,,resolution,5d,calendar,,"Awaiting User Info,Awaiting Vendor",\n' > pol.csv
	svc-import --now "$NOW" -q --kind priority prio.csv
	svc-import --now "$NOW" -q --kind policies pol.csv
	svc-route --now "$NOW" -q --all --keep-priority >/dev/null
	svc-sla --now "$NOW" -q --all >/dev/null
	run -0 --separate-stderr svc-escalate --problems --now "$NOW" -f tsv
	# keys (category, subcategory, service) with 3 tickets created within
	# 30 days of each other, or a ticket of priority 1
	n=$(q "SELECT count(*) FROM (SELECT DISTINCT k FROM (
	    SELECT json_array(category, subcategory, service) AS k, priority,
	        count(*) OVER (PARTITION BY category, subcategory, service
	            ORDER BY created_at RANGE BETWEEN 2592000 PRECEDING AND CURRENT ROW) AS w
	    FROM tickets WHERE created_at IS NOT NULL AND created_at <= strftime('%s', '$NOW')
	        AND coalesce(category, subcategory, service) IS NOT NULL)
	    WHERE w >= 3 OR priority = 1)")
	[ "$n" -gt 10 ]
	[ "$stderr" = "svc-escalate: $n problems open, $n new, $(q 'SELECT count(*) FROM problem_tickets') tickets linked, 0 owners notified, 0 held" ]
	[ "$(( ${#lines[@]} - 1 ))" = "$n" ]
	[ "$(q 'SELECT count(*) FROM problems')" = "$n" ]
}

@test "a title cannot add mail headers; text beyond ASCII is an encoded word" {
	setup_esc
	printf 'ticket_id,title,group_name,assignee,status,created_at\nE5,"VPN\nBcc: evil@example.net",Service Desk,ann,New,2026-03-09T08:00:00Z\nE6,Drucker kaputt – Büro,Service Desk,ann,New,2026-03-09T08:00:00Z\n' > e5.csv
	svc-import --now 2026-03-09T08:00:00Z -q e5.csv >/dev/null
	run -0 --separate-stderr sh -c 'printf "ticket_id\nE5\nE6\n" | { svc-sla -q --now 2026-03-09T14:00:00Z >/dev/null; printf "ticket_id\nE5\nE6\n" | svc-escalate -q --go-live 2026-03-09T08:00:00Z --now 2026-03-09T14:00:00Z --sendmail "cat >> sent.txt"; }'
	! grep -q '^Bcc:' sent.txt
	grep -q '^Subject: \[svc\] E5 resolution at 75%: VPN Bcc: evil@example.net$' sent.txt
	grep -q '^Subject: =?UTF-8?B?W3N2Y10gRTYgcmVzb2x1dGlvbiBhdCA3NSU6IERydWNrZXIga2FwdXR0IOKAkyBCw7xybw==?=$' sent.txt
	grep -q '^To: "Ann Agent" <ann@example.org>$' sent.txt
}

@test "-f json carries the body of each notification" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:00:01Z >/dev/null
	run -0 --separate-stderr svc-escalate -q --all --go-live "$GL" --now 2026-03-09T12:00:01Z -f json
	printf '%s' "$output" > out.json
	[ "$(sqlite3 :memory: "SELECT json_extract(readfile('out.json'), '\$[0].ticket_id') || ' ' || json_extract(readfile('out.json'), '\$[0].to')")" = "E1 mia@example.org" ]
	sqlite3 :memory: "SELECT json_extract(readfile('out.json'), '\$[0].body')" > body.txt
	grep -q '^Ticket:    E1 VPN drops$' body.txt
	grep -q '^At breach: ann (group Service Desk), 2026-03-09T12:00:00+00:00$' body.txt
	grep -q '^Rule:      late-answer, level 1$' body.txt
}

@test "without rules a pass is refused; a missing database is fatal" {
	svc-import --now 2026-03-09T08:00:00Z -q "$(EF tickets.csv)" >/dev/null
	run -3 --separate-stderr svc-escalate --all --now 2026-03-09T12:00:00Z
	[ "$stderr" = "svc-escalate: no escalation rules valid at --now (load them with svc-import --kind escalations)" ]
	run -3 --separate-stderr svc-escalate --all --now 2026-03-09T12:00:00Z --db nope.db
	[[ "$stderr" == "svc-escalate: nope.db: no such database"* ]]
	run -2 --separate-stderr svc-escalate ack E1 --reason capacity --now 2026-03-09T12:00:00Z
	[ "$stderr" = "svc-escalate: --metric is required
Try 'svc-escalate ack --help' for more information." ]
}

@test "a clock that breached since svc-sla ran is breached, owned by the ticket's owner now" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T11:00:00Z >/dev/null
	# first responses were due at 12:00; svc-sla has not run since
	run -0 --separate-stderr svc-escalate --all --go-live "$GL" --now 2026-03-09T12:30:00Z -f json -q
	printf '%s' "$output" > out.json
	sqlite3 :memory: "SELECT json_extract(readfile('out.json'), '\$[0].body')" > body.txt
	grep -q '^At breach: ann (group Service Desk), 2026-03-09T12:00:00+00:00$' body.txt
	grep -q '^  first_response  breached  due 2026-03-09T12:00:00+00:00, overdue 30m$' body.txt
}

@test "after a first pass, --all looks only at tickets whose time has come" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T10:00:00Z >/dev/null
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T10:00:00Z -f csv
	[ "$stderr" = "svc-escalate: 3 tickets looked at, 0 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 8)" ]
	# first responses (4h) breach after 12:00; nothing before matters
	[ "$(q "SELECT group_concat(ticket_id || ' ' || datetime(wake, 'unixepoch'), ', ') FROM escalation_watch")" = "E1 2026-03-09 12:00:01, E2 2026-03-09 12:00:01, E3 2026-03-09 12:00:01" ]
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T12:00:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ "$stderr" = "svc-escalate: 0 tickets looked at (due or changed), 0 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 9)" ]
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T12:00:01Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E1,first_response,1,late-answer,mia@example.org,[svc] E1 first_response breached: VPN drops
E2,first_response,1,late-answer,mia@example.org,[svc] E2 first_response breached: Printer jam
E3,first_response,1,late-answer,lee@example.org,[svc] E3 first_response breached: Nobody owns me" ]
	[ "$stderr" = "svc-escalate: 3 tickets looked at (due or changed), 3 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 10)" ]
	# next: 75% of the 8h resolution target, brought forward without svc-sla
	[ "$(q "SELECT group_concat(DISTINCT datetime(wake, 'unixepoch')) FROM escalation_watch")" = "2026-03-09 14:00:00" ]
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T13:59:59Z -f csv
	[ "$stderr" = "svc-escalate: 0 tickets looked at (due or changed), 0 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 11)" ]
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T14:00:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E1,resolution,1,risk,ann@example.org,[svc] E1 resolution at 75%: VPN drops
E2,resolution,1,risk,lee@example.org,[svc] E2 resolution at 75%: Printer jam
E3,resolution,1,risk,lee@example.org,[svc] E3 resolution at 75%: Nobody owns me" ]
	# then the breaches at 16:00:01, for level 2
	[ "$(q "SELECT group_concat(ticket_id || ' ' || datetime(wake, 'unixepoch'), ', ') FROM escalation_watch")" = "E1 2026-03-09 16:00:01, E2 2026-03-09 16:00:01, E3 2026-03-09 16:00:01" ]
}

@test "a change by svc-import or svc-sla since the last pass is looked at; one behind their back only with --full" {
	setup_esc
	svc-import --now 2026-03-09T09:00:00Z -q --kind escalations "$(EF watch-escalations.csv)"
	svc-sla -q --all --now 2026-03-09T10:00:00Z >/dev/null
	svc-escalate -q --all --now 2026-03-09T10:00:00Z >/dev/null
	# E2 turns platinum in the next export
	printf 'ticket_id,customer_tier,updated_at\nE2,platinum,2026-03-09T10:30:00Z\n' > up.csv
	svc-import -q --now 2026-03-09T10:30:00Z up.csv >/dev/null
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T10:31:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E2,resolution,1,vip,lee@example.org,[svc] E2 resolution at 31%: Printer jam" ]
	[ "$stderr" = "svc-escalate: 1 tickets looked at (due or changed), 1 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 11)" ]
	# a change that is no run and leaves no history is not seen ...
	q "UPDATE tickets SET customer_tier='platinum' WHERE ticket_id='E3'"
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T10:32:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	# ... until --full looks at every ticket
	run -0 --separate-stderr svc-escalate --all --full --now 2026-03-09T10:33:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E3,resolution,1,vip,lee@example.org,[svc] E3 resolution at 31%: Nobody owns me" ]
	[ "$stderr" = "svc-escalate: 3 tickets looked at, 1 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 13)" ]
	# svc-sla's run rewrote the running clocks: their tickets are looked at
	svc-sla -q --all --now 2026-03-09T10:40:00Z >/dev/null
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T10:41:00Z -f csv
	[ "$stderr" = "svc-escalate: 3 tickets looked at (due or changed), 0 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 15)" ]
	# new rules: every ticket again
	svc-import --now 2026-03-09T10:45:00Z -q --kind escalations "$(EF escalations.csv)"
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T10:46:00Z -f csv
	[ "$stderr" = "svc-escalate: 3 tickets looked at, 0 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 17)" ]
}

@test "a day of runs looking only at tickets due or changed ends as runs looking at all" {
	setup_esc
	svc-import --now 2026-03-09T08:00:00Z -q --kind escalations "$(EF watch-escalations.csv)"
	# E4 is held for ann's working hours; E5 has no assignee
	printf 'ticket_id,title,group_name,assignee,status,created_at\nE5,Lost,Service Desk,,New,2026-03-09T08:40:00Z\n' > more.csv
	printf 'ticket_id,title,group_name,assignee,status,created_at\nE4,Late one,Service Desk,ann,New,2026-03-09T12:00:00Z\n' > e4.csv
	printf 'ticket_id,assignee,updated_at\nE3,ann,2026-03-09T11:10:00Z\n' > assign.csv
	cp "$SVC_DB" full.db
	for db in "$SVC_DB" full.db; do
		svc-import -q --db "$db" --now 2026-03-09T08:40:00Z more.csv >/dev/null
	done
	t=$(date -u -d 2026-03-09T09:00:00Z +%s)
	end=$(date -u -d 2026-03-10T12:00:00Z +%s)
	while [ "$t" -le "$end" ]; do
		now=$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)
		for db in "$SVC_DB" full.db; do
			if [ $(( t % 10800 )) = 0 ]; then
				svc-sla -q --db "$db" --all --now "$now" >/dev/null
			fi
			if [ "$now" = 2026-03-09T11:20:00Z ]; then
				svc-import -q --db "$db" --now "$now" assign.csv >/dev/null
			fi
			if [ "$now" = 2026-03-09T12:00:00Z ]; then
				svc-import -q --db "$db" --now "$now" e4.csv >/dev/null
			fi
		done
		svc-escalate -q --all --now "$now" >/dev/null
		svc-escalate -q --db full.db --all --full --now "$now" >/dev/null
		t=$(( t + 1200 ))
	done
	sql="SELECT ticket_id, metric, rule, level, state, recipient, fired_at, held_until, sent_at, reminders, last_sent_at FROM notifications ORDER BY 1, 2, 3, 4"
	[ "$(sqlite3 "$SVC_DB" "$sql")" = "$(sqlite3 full.db "$sql")" ]
	# every kind of rule fired, some were held, some repeated
	[ "$(q "SELECT group_concat(DISTINCT rule) FROM (SELECT rule FROM notifications WHERE state='sent' ORDER BY rule)")" = "late-answer,near,old,orphan,risk" ]
	[ "$(q "SELECT count(*) FROM audit WHERE entity='notification' AND new='held'")" -gt 0 ]
	[ "$(q "SELECT sum(reminders) FROM notifications")" -gt 0 ]
	# and the one looking only at tickets due or changed looked at fewer
	looked() { sqlite3 "$1" "SELECT sum(rows_in) FROM runs WHERE kind='escalate'"; }
	[ "$(looked "$SVC_DB")" -lt "$(( $(looked full.db) / 2 ))" ]
}

@test "nothing is sent or held for a ticket resolved before the notification would fire" {
	setup_esc
	# first responses breach at 12:00; svc-sla sees it at 12:30
	svc-sla -q --all --now 2026-03-09T12:30:00Z >/dev/null
	# E1 is resolved at 12:40; no stage has run since
	printf 'ticket_id,status,resolved_at,updated_at\nE1,Resolved,2026-03-09T12:40:00Z,2026-03-09T12:40:00Z\n' > done.csv
	svc-import -q --now 2026-03-09T12:40:00Z done.csv >/dev/null
	run -0 --separate-stderr svc-escalate --all --go-live "$GL" --now 2026-03-09T13:00:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E2,first_response,1,late-answer,mia@example.org,[svc] E2 first_response breached: Printer jam
E3,first_response,1,late-answer,lee@example.org,[svc] E3 first_response breached: Nobody owns me" ]
	[ "$stderr" = "svc-escalate: 3 tickets looked at, 2 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 9)" ]
	[ "$(q "SELECT count(*) FROM notifications WHERE ticket_id='E1'")" = 0 ]
	run -0 svc-escalate --now 2026-03-09T13:00:00Z --explain E1
	[ "${lines[0]}" = "not open at --now (the ticket was resolved at 2026-03-09T12:40:00+00:00): nothing is sent or held" ]
	# nor later, when svc-sla has stopped its clocks
	run -0 --separate-stderr at 2026-03-09T22:00:00Z
	[ "$(q "SELECT count(*) FROM notifications WHERE ticket_id='E1'")" = 0 ]
}

@test "a held notification whose rule no longer holds when it is due is withdrawn with the reason" {
	setup_esc
	svc-import --now 2026-03-09T08:00:00Z -q --kind escalations "$(EF hold-escalations.csv)"
	svc-import --now 2026-03-09T12:00:00Z -q "$(EF hold-tickets.csv)" >/dev/null
	# 75% of 8h at 18:00, after ann's day: held until 08:00 (09:00 Berlin)
	run -0 --separate-stderr at 2026-03-09T18:00:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ "$(q "SELECT group_concat(ticket_id || ' ' || state || ' ' || datetime(held_until, 'unixepoch'), ', ') FROM notifications")" = "H1 held 2026-03-10 08:00:00, H2 held 2026-03-10 08:00:00" ]
	# overnight H1's priority drops to 4 and H2 is resolved
	printf 'ticket_id,priority,status,resolved_at,updated_at\nH1,4,In Progress,,2026-03-09T21:00:00Z\nH2,1,Resolved,2026-03-09T21:30:00Z,2026-03-09T21:30:00Z\n' > night.csv
	svc-import -q --now 2026-03-09T22:00:00Z night.csv >/dev/null
	# a resolved ticket's held notification goes at once
	run -0 --separate-stderr at 2026-03-09T22:00:00Z
	[ "$stderr" = "svc-escalate: 5 tickets looked at (due or changed), 0 sent, 1 held, 0 skipped, 1 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 13)" ]
	[ "$(q "SELECT state || ': ' || why FROM notifications WHERE ticket_id='H2'")" = "withdrawn: the ticket was resolved at 2026-03-09T21:30:00+00:00" ]
	# the other one is checked again when it is due, and not sent
	run -0 --separate-stderr at 2026-03-10T08:00:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ "$stderr" = "svc-escalate: 4 tickets looked at (due or changed), 0 sent, 0 held, 0 skipped, 1 withdrawn, 0 reminders, 0 in 0 digests, 0 not delivered (run 15)" ]
	[ "$(q "SELECT state || ' ' || recipient || ': ' || why FROM notifications WHERE ticket_id='H1'")" = "withdrawn ann@example.org: the rule no longer holds: priority<=2: '4' -> no" ]
	[ "$(q "SELECT group_concat(key || ' ' || old || '->' || new || ' ' || detail, '; ') FROM audit WHERE entity='notification' AND new='withdrawn'")" = "H2/resolution/p1/1 held->withdrawn the ticket was resolved at 2026-03-09T21:30:00+00:00; H1/resolution/p1/1 held->withdrawn the rule no longer holds: priority<=2: '4' -> no" ]
	# and it stays done
	run -0 --separate-stderr at 2026-03-10T09:00:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	run -0 svc-escalate --now 2026-03-10T09:00:00Z --explain H1
	[[ "$output" == *"    already done: withdrawn, fired at 2026-03-09T18:00:00+00:00: the rule no longer holds: priority<=2: '4' -> no"* ]]
}

# people with a group nobody leads, a catalog entry without an owner, and
# rules that fall back to an address
setup_chain() {
	setup_esc
	svc-import --now 2026-03-09T08:00:00Z -q --kind people "$(EF chain-people.csv)"
	svc-import --now 2026-03-09T08:00:00Z -q --kind catalog "$(EF chain-catalog.csv)"
	svc-import --now 2026-03-09T08:00:00Z -q --kind escalations "$(EF chain-escalations.csv)"
	svc-import --now 2026-03-09T08:00:00Z -q "$(EF chain-tickets.csv)" >/dev/null
}

@test "an unreachable target falls back to the group lead, the service owner, the rule's fallback, and says whom it reached" {
	setup_chain
	run -0 --separate-stderr at 2026-03-09T14:00:00Z
	# E8 is in a group nobody leads: its service owner is told
	[ "$(q "SELECT group_concat(rule || ' ' || level || ' ' || state || ' ' || recipient || ': ' || why, '; ') FROM notifications WHERE ticket_id='E8'")" = "late 1 sent sam@example.org: no active person with an e-mail and the role lead in group 'Night Shift': told the service owner instead; risk 1 sent sam@example.org: the ticket has no assignee: told the service owner instead" ]
	# E7's catalog entry has no owner either, and level 1 has no fallback
	[ "$(q "SELECT state || ': ' || why FROM notifications WHERE ticket_id='E7' AND rule='risk' AND level=1")" = "skipped: the ticket has no assignee; no active person with an e-mail and the role lead in group 'Night Shift'; no catalog entry with a service_owner for category 'Facilities', subcategory '', service ''; the rule has no fallback" ]
	# at the breach level 2 (the manager) reaches the rule's fallback
	run -0 --separate-stderr at 2026-03-09T16:00:01Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E1,resolution,2,risk,mia@example.org,[svc] E1 resolution breached: VPN drops
E2,resolution,2,risk,mia@example.org,[svc] E2 resolution breached: Printer jam
E3,resolution,2,risk,lee@example.org,[svc] E3 resolution breached: Nobody owns me
E7,resolution,2,risk,desk@example.org,[svc] E7 resolution breached: Lights out
E8,resolution,2,risk,sam@example.org,[svc] E8 resolution breached: Switch down" ]
	[ "$(q "SELECT recipient || ': ' || why FROM notifications WHERE ticket_id='E7' AND level=2")" = "desk@example.org: the ticket has no assignee, so no manager: told the rule's fallback instead" ]
}

@test "a skipped level does not fire the next one early; --explain shows the skip and why" {
	setup_chain
	svc-sla -q --all --now 2026-03-09T14:00:00Z >/dev/null
	run -0 svc-escalate --now 2026-03-09T14:00:00Z --go-live "$GL" --explain E7
	[[ "$output" == *"resolution: rule risk level 1 (line 2) matches: metric=resolution and state=running and elapsed_pct>=75
    level 1 skipped: the ticket has no assignee; no active person with an e-mail and the role lead in group 'Night Shift'; no catalog entry with a service_owner for category 'Facilities', subcategory '', service ''; the rule has no fallback
    (the next level fires only when its own condition holds)
resolution: rule risk level 2 (line 3) does not match: metric=resolution and state=breached
    metric=resolution: 'resolution' -> yes
    state=breached: 'running' -> no
"* ]]
	run -0 --separate-stderr svc-escalate --all --go-live "$GL" --now 2026-03-09T14:00:00Z -f csv
	# level 1 is skipped and level 2 waits for the breach
	[ "$(q "SELECT group_concat(level || ' ' || state, ', ') FROM notifications WHERE ticket_id='E7' AND rule='risk'")" = "1 skipped" ]
	run -0 svc-escalate --now 2026-03-09T14:00:00Z --explain E7
	[[ "$output" == *"    already done: skipped at 2026-03-09T14:00:00+00:00: the ticket has no assignee; "*"
    (the next level fires only when its own condition holds)
resolution: rule risk level 2 (line 3) does not match"* ]]
	# its own condition holds at the breach, not before
	run -0 --separate-stderr at 2026-03-09T15:59:00Z
	[ "$(q "SELECT count(*) FROM notifications WHERE ticket_id='E7' AND rule='risk' AND level=2")" = 0 ]
	run -0 --separate-stderr at 2026-03-09T16:00:01Z
	[ "$(q "SELECT state FROM notifications WHERE ticket_id='E7' AND rule='risk' AND level=2")" = sent ]
	# level 3 (a day overdue) has not fired
	[ "$(q "SELECT count(*) FROM notifications WHERE ticket_id='E7' AND level=3")" = 0 ]
}

@test "--lint reports every target that cannot be resolved for a group, an assignee or a catalog entry" {
	setup_chain
	run -1 --separate-stderr svc-escalate --lint --now 2026-03-09T09:00:00Z
	f=$(EF chain-escalations.csv)
	[ "$output" = "$f:2: note: rule risk level 1: notify 'assignee' cannot be resolved for assignee 'bob': assignee 'bob' has no e-mail in people; falls back to lee@example.org
$f:3: note: rule risk level 2: notify 'manager' cannot be resolved for assignee 'nia': assignee 'nia' has no manager in people; falls back to desk@example.org
$f:4: rule risk level 3: notify 'service_owner' cannot be resolved for catalog entry 'Facilities//': no catalog entry with a service_owner for category 'Facilities', subcategory '', service '', and nothing it falls back to can be reached
$f:5: rule late level 1: notify 'group_lead' cannot be resolved for group 'Night Shift': no active person with an e-mail and the role lead in group 'Night Shift', and nothing it falls back to can be reached" ]
	[ "$stderr" = "svc-escalate: 2 findings" ]
}

@test "go-live: what had already crossed goes to each recipient in one digest; a later crossing is sent as it happens" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:30:00Z >/dev/null
	# the first run goes live: three first responses breached at 12:00
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T12:30:00Z -f csv --mail box
	[ "$output" = "ticket_id,metric,level,rule,to,subject
,digest,,go-live,lee@example.org,[svc] go-live digest: 1 notification already due
,digest,,go-live,mia@example.org,[svc] go-live digest: 2 notifications already due" ]
	[ "$stderr" = "svc-escalate: 3 tickets looked at, 0 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 3 in 2 digests, 0 not delivered (run 8)" ]
	[ "$(q "SELECT datetime(value, 'unixepoch') FROM escalation_state WHERE key='go_live'")" = "2026-03-09 12:30:00" ]
	[ "$(q "SELECT group_concat(ticket_id || ' ' || state || ' ' || recipient || ' ' || datetime(sent_at, 'unixepoch'), ', ') FROM notifications")" = "E1 digest mia@example.org 2026-03-09 12:30:00, E2 digest mia@example.org 2026-03-09 12:30:00, E3 digest lee@example.org 2026-03-09 12:30:00" ]
	[ "$(ls box/new | wc -l)" = 2 ]
	m=$(grep -l '^To: "Mia Manager" <mia@example.org>$' box/new/*)
	grep -q '^Subject: \[svc\] go-live digest: 2 notifications already due$' "$m"
	grep -q '^  \[svc\] E1 first_response breached: VPN drops$' "$m"
	grep -q '^  \[svc\] E2 first_response breached: Printer jam$' "$m"
	grep -q '^    (rule late-answer, level 1)$' "$m"
	# the report counts what the digests told as escalated
	run -0 --separate-stderr svc-report summary --now 2026-03-09T12:30:00Z -f tsv
	printf '%s\n' "${lines[@]}" | grep -qx "$(printf "escalations\topen tickets escalated\t3\t\tsvc-report tickets --where 'open and escalated'")"
	[ "$(svc-report tickets --now 2026-03-09T12:30:00Z -f tsv --where escalated | tail -n +2 | wc -l)" = 3 ]
	# a minute later nothing again
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T12:31:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	# 75% of the resolution target, crossed after go-live: one by one
	svc-sla -q --all --now 2026-03-09T14:00:00Z >/dev/null
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T14:00:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E1,resolution,1,risk,ann@example.org,[svc] E1 resolution at 75%: VPN drops
E2,resolution,1,risk,lee@example.org,[svc] E2 resolution at 75%: Printer jam
E3,resolution,1,risk,lee@example.org,[svc] E3 resolution at 75%: Nobody owns me" ]
	[[ "$stderr" == *", 3 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 0 in 0 digests, "* ]]
}

@test "--go-live in the past: what crossed before it is in the digest, what crossed after is sent" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T14:00:00Z >/dev/null
	run -0 --separate-stderr svc-escalate --all --go-live 2026-03-09T12:30:00Z --now 2026-03-09T14:00:00Z -f csv
	# first responses breached at 12:00, before; 75% of resolution at 14:00, after
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E1,resolution,1,risk,ann@example.org,[svc] E1 resolution at 75%: VPN drops
E2,resolution,1,risk,lee@example.org,[svc] E2 resolution at 75%: Printer jam
E3,resolution,1,risk,lee@example.org,[svc] E3 resolution at 75%: Nobody owns me
,digest,,go-live,lee@example.org,[svc] go-live digest: 1 notification already due
,digest,,go-live,mia@example.org,[svc] go-live digest: 2 notifications already due" ]
	[ "$stderr" = "svc-escalate: 3 tickets looked at, 3 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 3 in 2 digests, 0 not delivered (run 8)" ]
}

@test "--go-live in the future: nothing is sent before it; the run at it sends the digests" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:30:00Z >/dev/null
	run -0 --separate-stderr svc-escalate --all --go-live 2026-03-09T13:00:00Z --now 2026-03-09T12:30:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ "$(q 'SELECT count(*) FROM notifications')" = 0 ]
	run -0 svc-escalate --now 2026-03-09T12:30:00Z --explain E1
	[[ "$output" == *"    waits for go-live at 2026-03-09T13:00:00+00:00"* ]]
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T13:00:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject
,digest,,go-live,lee@example.org,[svc] go-live digest: 1 notification already due
,digest,,go-live,mia@example.org,[svc] go-live digest: 2 notifications already due" ]
}

@test "go-live over a year of history: at most one message per person" {
	"$BATS_TEST_DIRNAME/../../scripts/gen-sample" -n 1500 -s 3 -d 2025-07-01 -l -c cfg > export.csv
	for k in people catalog priority routing calendars holidays policies escalations; do
		svc-import -q --now 2025-07-01T00:00:00Z --kind "$k" "cfg/$k.csv"
	done
	n=2026-07-01T09:00:00Z
	run -0 --separate-stderr sh -c "svc-import -q --now $n export.csv | svc-route -q --now $n | svc-sla -q --now $n | svc-escalate --now $n --mail box -f csv"
	# every row is a digest, and no one gets two
	[ "${#lines[@]}" -gt 5 ]
	[ "$(printf '%s\n' "${lines[@]:1}" | cut -d, -f2,4 | sort -u)" = "digest,go-live" ]
	[ -z "$(printf '%s\n' "${lines[@]:1}" | cut -d, -f5 | sort | uniq -d)" ]
	[ "$(ls box/new | wc -l)" = "$(( ${#lines[@]} - 1 ))" ]
	# one digest per recipient of what was digested, each on an open ticket
	[ "$(q "SELECT count(DISTINCT recipient) FROM notifications WHERE state='digest'")" = "$(( ${#lines[@]} - 1 ))" ]
	[ "$(q "SELECT count(*) FROM notifications WHERE state='digest'")" -gt 100 ]
	[ "$(q "SELECT count(*) FROM notifications n JOIN tickets t USING (ticket_id) WHERE t.resolved_at IS NOT NULL OR t.closed_at IS NOT NULL OR lower(t.status) IN ('resolved','closed','cancelled')")" = 0 ]
	[[ "$stderr" == "svc-escalate: 1500 tickets looked at, 0 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, $(q "SELECT count(*) FROM notifications WHERE state='digest'") in $(( ${#lines[@]} - 1 )) digests, 0 not delivered (run "*")" ]]
	# the next run sends nothing new
	run -0 --separate-stderr svc-escalate --all --now 2026-07-01T09:05:00Z -f csv
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
}

@test "the rules in svc-escalate(1) EXAMPLES load, pass --lint and fire as described" {
	setup_esc
	awk '/^rule,order,when,level,notify/ { on = 1 } on && /^\.Ed/ { exit } on' \
	    "$BATS_TEST_DIRNAME/../../man/svc-escalate.1" > example.csv
	[ "$(wc -l < example.csv)" = 5 ]
	svc-import --now 2026-03-09T08:00:00Z -q --kind escalations example.csv
	run -0 --separate-stderr svc-escalate --lint --now 2026-03-09T08:00:00Z
	[ "$stderr" = "svc-escalate: 0 findings" ]
	# E3 has had no owner for 30 minutes, waiting for its first response
	run -0 --separate-stderr at 2026-03-09T08:30:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E3,first_response,1,orphan,lee@example.org,[svc] E3 first_response at 12%: Nobody owns me" ]
	# 75% of the resolution target while the clocks run
	run -0 --separate-stderr at 2026-03-09T14:00:00Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E1,resolution,1,risk,ann@example.org,[svc] E1 resolution at 75%: VPN drops
E2,resolution,1,risk,lee@example.org,[svc] E2 resolution at 75%: Printer jam
E3,resolution,1,risk,lee@example.org,[svc] E3 resolution at 75%: Nobody owns me" ]
	# E1 is resolved: nothing more for it; the others' breach goes to the lead
	printf 'ticket_id,status,resolved_at,updated_at\nE1,Resolved,2026-03-09T15:00:00Z,2026-03-09T15:00:00Z\n' > done.csv
	svc-import -q --now 2026-03-09T15:00:00Z done.csv >/dev/null
	run -0 --separate-stderr at 2026-03-09T16:00:01Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E2,resolution,2,risk,lee@example.org,[svc] E2 resolution breached: Printer jam
E3,resolution,2,risk,lee@example.org,[svc] E3 resolution breached: Nobody owns me" ]
	# every 4 hours after
	run -0 --separate-stderr at 2026-03-09T20:00:01Z
	[ "$output" = "ticket_id,metric,level,rule,to,subject
E2,resolution,2,risk,lee@example.org,Reminder: [svc] E2 resolution breached: Printer jam
E3,resolution,2,risk,lee@example.org,Reminder: [svc] E3 resolution breached: Nobody owns me" ]
	# E1 (priority 2) a day overdue is resolved; E2 and E3 are priority 3
	run -0 --separate-stderr at 2026-03-10T17:00:00Z
	[ "$(q "SELECT count(*) FROM notifications WHERE level=3")" = 0 ]
}

@test "a go-live digest that cannot be delivered is sent by the next run" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:30:00Z >/dev/null
	run -1 --separate-stderr svc-escalate --all --now 2026-03-09T12:30:00Z -f csv --sendmail false
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ "$stderr" = "svc-escalate: go-live digest to lee@example.org: not delivered: 'false' exited with status 1
svc-escalate: go-live digest to mia@example.org: not delivered: 'false' exited with status 1
svc-escalate: 3 tickets looked at, 0 sent, 0 held, 0 skipped, 0 withdrawn, 0 reminders, 3 in 0 digests, 2 not delivered (run 8)" ]
	[ "$(q "SELECT count(*) FROM notifications WHERE state='digest' AND sent_at IS NULL")" = 3 ]
	run -0 --separate-stderr svc-escalate --all --now 2026-03-09T12:40:00Z -f csv --sendmail 'cat >> sent.txt'
	[ "$output" = "ticket_id,metric,level,rule,to,subject
,digest,,go-live,lee@example.org,[svc] go-live digest: 1 notification already due
,digest,,go-live,mia@example.org,[svc] go-live digest: 2 notifications already due" ]
	[ "$(q "SELECT count(*) FROM notifications WHERE state='digest' AND sent_at IS NULL")" = 0 ]
	[ "$(grep -c '^Subject: \[svc\] go-live digest' sent.txt)" = 2 ]
	grep -q '^To: "Mia Manager" <mia@example.org>$' sent.txt
}

@test "sample data live since January: nothing sent or held for a ticket done before it fired" {
	"$BATS_TEST_DIRNAME/../../scripts/gen-sample" -n 2000 -s 7 -l -c cfg > export.csv
	for k in people catalog priority routing calendars holidays policies escalations; do
		svc-import -q --now 2026-01-01T00:00:00Z --kind "$k" "cfg/$k.csv"
	done
	n=2026-07-01T09:00:00Z
	run -0 --separate-stderr sh -c "svc-import -q --now $n export.csv | svc-route -q --now $n | svc-sla -q --now $n | svc-escalate --go-live 2026-01-01T00:00:00Z --now $n -f csv"
	# breached clocks of tickets done since are there to be fired on (a
	# done status on a row written after the notification was not known
	# when it fired)
	[ "$(q "SELECT count(DISTINCT ticket_id) FROM sla_clocks c JOIN tickets t USING (ticket_id) WHERE c.breached=1 AND (t.resolved_at IS NOT NULL OR t.closed_at IS NOT NULL)")" -gt 100 ]
	[ "$(q "SELECT count(*) FROM notifications WHERE state IN ('sent','held')")" -gt 100 ]
	[ "$(q "SELECT count(*) FROM notifications n JOIN tickets t USING (ticket_id) WHERE n.state IN ('sent','held','digest') AND (t.resolved_at <= n.fired_at OR t.closed_at <= n.fired_at OR (lower(t.status) IN ('resolved','closed','cancelled') AND t.updated_at <= n.fired_at))")" = 0 ]
	# every ticket of the export reached the end of the pipe, each looked at once
	[[ "$stderr" == "svc-escalate: $(q "SELECT count(*) FROM tickets") tickets looked at, "* ]]
}

@test "-n at go-live shows the digests and records nothing, not even the go-live time" {
	setup_esc
	svc-sla -q --all --now 2026-03-09T12:30:00Z >/dev/null
	run -0 --separate-stderr svc-escalate -n --all --now 2026-03-09T12:30:00Z -f csv --mail box
	[ "$output" = "ticket_id,metric,level,rule,to,subject
,digest,,go-live,lee@example.org,[svc] go-live digest: 1 notification already due
,digest,,go-live,mia@example.org,[svc] go-live digest: 2 notifications already due" ]
	[ ! -d box ]
	[ "$(q "SELECT count(*) FROM notifications")" = 0 ]
	[ "$(q "SELECT count(*) FROM escalation_state")" = 0 ]
}

@test "at a --now before rows written later, a ticket is escalated as it stood then: its owner and status of that time" {
	setup_esc
	# a later export (16:00) resolves E1 and hands it to lee
	printf 'ticket_id,title,category,customer,customer_tier,priority,status,group_name,assignee,created_at,updated_at,resolved_at\nE1,VPN drops,Network,ACME,gold,2,Resolved,Service Desk,lee,2026-03-09T08:00:00Z,2026-03-09T16:00:00Z,2026-03-09T16:00:00Z\n' > later.csv
	svc-import --now 2026-03-09T16:00:00Z -q later.csv > /dev/null
	run -0 --separate-stderr at 2026-03-09T14:00:00Z
	# at 14:00 E1 was ann's and in progress: 75% of its resolution goes to ann
	[ "$(printf '%s\n' "${lines[@]}" | grep '^E1,resolution,')" = "E1,resolution,1,risk,ann@example.org,[svc] E1 resolution at 75%: VPN drops" ]
	# as it stands now (16:00) it is resolved: nothing more for it
	run -0 --separate-stderr at 2026-03-09T16:30:00Z
	[ -z "$(printf '%s\n' "${lines[@]}" | grep '^E1,')" ]
}
