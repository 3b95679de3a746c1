#!/usr/bin/env bats
# svc-route: classification, priority, ownership, --explain, --lint.
load helper

RF() { echo "$FIX/route/$1"; }

# load the route fixtures: tickets and every rule kind
setup_rules() {
	svc-import --now "$NOW" -q "$(RF tickets.csv)" >/dev/null
	for k in people routing classify priority catalog; do
		svc-import --now "$NOW" -q --kind "$k" "$(RF "$k.csv")" || return 1
	done
}

@test "routes all open tickets: classify, priority, owner by each strategy, catalog, unrouted" {
	setup_rules
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv --all
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason
R1	1	Billing Team	alice	routing:10	changed	
R2	1	Network Ops	carol	routing:30	changed	
R3	5	Field Services	hugo	routing:40	changed	
R4					unchanged	no_rule
R5	2	Network Ops	dan	routing:30	changed	
R6	3	Network Ops	erin		changed	
R7	5	Laptop Desk	lena	catalog	changed	" ]
	[ "$stderr" = "svc-route: 7 tickets, 6 changed, 1 unrouted (run 7)" ]
	# classification filled what was missing
	[ "$(q "SELECT category, subcategory, service FROM tickets WHERE ticket_id='R1'")" = "Billing|Refund|Payments" ]
	# a closed ticket is not routed
	[ "$(q "SELECT assignee IS NULL FROM tickets WHERE ticket_id='R8'")" = 1 ]
}

@test "every change is a ticket event and an audit row that says why" {
	setup_rules
	svc-route --now "$NOW" --all >/dev/null 2>&1
	[ "$(q "SELECT group_concat(field || ':' || new, ' ') FROM (SELECT * FROM ticket_events WHERE ticket_id='R1' AND source='route' ORDER BY id)")" = "category:Billing subcategory:Refund service:Payments priority:1 group_name:Billing Team assignee:alice" ]
	[ "$(q "SELECT detail FROM audit WHERE key='R1' AND field='priority'")" = "default matrix (2,1)=1; customer_tier=gold -1" ]
	[ "$(q "SELECT detail FROM audit WHERE key='R3' AND field='priority'")" = "default matrix (3,3)=5; category=Hardware +1" ]
	[ "$(q "SELECT detail FROM audit WHERE key='R2' AND field='assignee'")" = "routing rule 30 (line 4) least_loaded" ]
	[ "$(q "SELECT actor, program FROM audit WHERE key='R2' AND field='assignee'")" = "tester|svc-route" ]
}

@test "a second run changes nothing" {
	setup_rules
	svc-route --now "$NOW" --all >/dev/null 2>&1
	n=$(q 'SELECT count(*) FROM ticket_events')
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv --all
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason
R1	1	Billing Team	alice		unchanged	
R2	1	Network Ops	carol		unchanged	
R3	5	Field Services	hugo		unchanged	
R4					unchanged	no_rule
R5	2	Network Ops	dan		unchanged	
R6	3	Network Ops	erin		unchanged	
R7	5	Laptop Desk	lena		unchanged	" ]
	[ "$stderr" = "svc-route: 7 tickets, 0 changed, 1 unrouted (run 8)" ]
	[ "$(q 'SELECT count(*) FROM ticket_events')" = "$n" ]
}

@test "a priority a ticket has is kept (--keep-priority, the default); --recompute-priority recomputes it from the table" {
	setup_rules
	svc-route --now "$NOW" --all >/dev/null 2>&1
	[ "$(q "SELECT priority FROM tickets WHERE ticket_id='R5'")" = 2 ]
	sqlite3 "$SVC_DB" "UPDATE tickets SET priority=4 WHERE ticket_id='R2'"
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv --all
	[ "$(q "SELECT priority FROM tickets WHERE ticket_id='R2'")" = 4 ]
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv --keep-priority --all
	[ "$(q "SELECT priority FROM tickets WHERE ticket_id='R2'")" = 4 ]
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv --recompute-priority --all
	[ "${lines[2]}" = "R2	1	Network Ops	carol		changed	" ]
	[ "$(q "SELECT priority FROM tickets WHERE ticket_id='R2'")" = 1 ]
	# a priority set by a person, with no impact or urgency, stays
	[ "$(q "SELECT priority FROM tickets WHERE ticket_id='R5'")" = 2 ]
	run -2 --separate-stderr svc-route --now "$NOW" --keep-priority --recompute-priority --all
	[ "${stderr_lines[0]}" = "svc-route: --keep-priority and --recompute-priority cannot be given together" ]
}

@test "a priority the export carries is the system of record's: kept without a table, missing ones from the default matrix" {
	# the default matrix says (3,3)=5 and (1,2)=2; the export says 4 and 1
	printf 'ticket_id,status,impact,urgency,priority
P1,New,3,3,4
P2,New,1,2,1
P3,New,3,3,
P4,New,2,3,
' > p.csv
	svc-import --now "$NOW" -q p.csv > p.tsv
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv < p.tsv
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason
P1	4				unchanged	no_rule
P2	1				unchanged	no_rule
P3	5				changed	no_rule
P4	4				changed	no_rule" ]
	[ "$(q "SELECT group_concat(ticket_id || '=' || priority, ' ') FROM tickets")" = "P1=4 P2=1 P3=5 P4=4" ]
	run -0 --separate-stderr svc-route --now "$NOW" --explain P1
	[ "${lines[2]}" = "priority: kept, the ticket has one (--recompute-priority computes it from the priority table)" ]
	# recomputing needs a table: refused, nothing done
	n=$(q 'SELECT count(*) FROM runs')
	run -2 --separate-stderr svc-route --now "$NOW" --recompute-priority < p.tsv
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason" ]
	[ "$stderr" = "svc-route: --recompute-priority: no priority table valid at --now (load one with svc-import --kind priority)" ]
	[ "$(q 'SELECT count(*) FROM runs')" = "$n" ]
	[ "$(q "SELECT group_concat(ticket_id || '=' || priority, ' ') FROM tickets")" = "P1=4 P2=1 P3=5 P4=4" ]
	# with a table, it is done
	printf 'impact,urgency,priority\n3,3,3\n1,2,2\n' > t.csv
	svc-import --now "$NOW" -q --kind priority t.csv
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv --recompute-priority < p.tsv
	[ "$(q "SELECT group_concat(ticket_id || '=' || priority, ' ') FROM tickets")" = "P1=3 P2=2 P3=3 P4=4" ]
	[ "$(q "SELECT detail FROM audit WHERE key='P1' AND field='priority'")" = "priority table (3,3)=3" ]
}

@test "a priority table replaces the default matrix; modifiers are bounded by it" {
	svc-import --now "$NOW" -q "$(RF tickets.csv)" >/dev/null
	printf 'impact,urgency,priority,when,adjust\n1,1,1,,\n2,1,2,,\n2,2,3,,\n3,3,3,,\n,,,customer_tier=gold,-5\n,,,impact=3,+9\n' > p.csv
	svc-import --now "$NOW" -q --kind priority p.csv
	svc-route --now "$NOW" --all >/dev/null 2>&1
	[ "$(q "SELECT ticket_id || '=' || ifnull(priority, '-') FROM tickets ORDER BY ticket_id" | tr '\n' ' ')" = "R1=1 R2=1 R3=3 R4=- R5=2 R6=3 R7=- R8=- " ]
}

@test "round robin over 3 people and 300 tickets gives 100 each, across runs" {
	printf 'user,groups\nann,Desk\nben,Desk\ncid,Desk\n' > people.csv
	printf 'order,when,group,assignee,strategy,skills\n10,,Desk,,round_robin,\n' > routing.csv
	{ echo ticket_id,status; for i in $(seq 1 150); do echo "A$i,New"; done; } > a.csv
	{ echo ticket_id,status; for i in $(seq 1 150); do echo "B$i,New"; done; } > b.csv
	svc-import --now "$NOW" -q --kind people people.csv
	svc-import --now "$NOW" -q --kind routing routing.csv
	svc-import --now "$NOW" -q a.csv | svc-route --now "$NOW" -q >/dev/null
	svc-import --now "$NOW" -q b.csv | svc-route --now "$NOW" -q >/dev/null
	[ "$(q "SELECT assignee || '=' || count(*) FROM tickets GROUP BY assignee ORDER BY assignee" | tr '\n' ' ')" = "ann=100 ben=100 cid=100 " ]
}

@test "least loaded respects capacity and open load; inactive people are skipped" {
	printf 'user,groups,capacity,active\nann,Desk,10,yes\nben,Desk,20,yes\ncid,Desk,50,no\n' > people.csv
	printf 'order,when,group,assignee,strategy,skills\n10,,Desk,,least_loaded,\n' > routing.csv
	{ echo ticket_id,status,assignee; echo "OLD1,New,ann"; echo "OLD2,New,ann"; for i in $(seq 1 28); do echo "N$i,New,"; done; } > t.csv
	svc-import --now "$NOW" -q --kind people people.csv
	svc-import --now "$NOW" -q --kind routing routing.csv
	svc-import --now "$NOW" -q t.csv >/dev/null
	svc-route --now "$NOW" -q --all >/dev/null
	# 30 open tickets over capacities 10 and 20: 10 and 20
	[ "$(q "SELECT assignee || '=' || count(*) FROM tickets GROUP BY assignee ORDER BY assignee" | tr '\n' ' ')" = "ann=10 ben=20 " ]
}

@test "skills: only people with every skill; nobody available leaves the group alone" {
	printf 'user,groups,skills\nann,Desk,"vpn,dns"\nben,Desk,vpn\n' > people.csv
	printf 'order,when,group,assignee,strategy,skills\n10,category=Network,Desk,,skills,"vpn,dns"\n20,category=Oracle,Desk,,skills,oracle\n' > routing.csv
	printf 'ticket_id,category,status\nT1,Network,New\nT2,Oracle,New\n' > t.csv
	svc-import --now "$NOW" -q --kind people people.csv
	svc-import --now "$NOW" -q --kind routing routing.csv
	svc-import --now "$NOW" -q t.csv >/dev/null
	run -0 --separate-stderr svc-route --now "$NOW" -f csv --all
	[ "$output" = "ticket_id,priority,group,assignee,rule,change,reason
T1,,Desk,ann,routing:10,changed,
T2,,Desk,,routing:20,changed,no_one_available" ]
}

@test "standard input limits the run to the tickets listed; a human assignment is kept unless --reassign" {
	setup_rules
	printf 'ticket_id\nR6\nR2\nNOPE\n' > ids.tsv
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv < ids.tsv
	[ "${lines[1]}" = "R6	3	Network Ops	erin		changed	" ]
	[ "${lines[2]}" = "R2	1	Network Ops	carol	routing:30	changed	" ]
	[ "${lines[3]}" = "NOPE						not_found" ]
	[ "${#lines[@]}" = 4 ]
	[ "$stderr" = "svc-route: 2 tickets, 2 changed, 0 unrouted, 1 not found (run 7)" ]
	[ "$(q "SELECT count(*) FROM tickets WHERE assignee IS NOT NULL")" = 2 ]
	run -0 --separate-stderr bash -c "printf 'ticket_id\nR6\n' | svc-route --now $NOW -f tsv --reassign"
	[ "${lines[1]}" = "R6	3	Network Ops	dan	routing:30	changed	" ]
	[ "$(q "SELECT old || '>' || new FROM ticket_events WHERE ticket_id='R6' AND field='assignee' AND source='route'")" = "erin>dan" ]
}

# open O1, done D1-D4, F1 created after $NOW; a rule that routes anything
setup_life() {
	printf 'order,when,group,assignee,strategy,skills\n10,,Desk,zed,fixed,\n' > r.csv
	svc-import --now "$NOW" -q --kind routing r.csv
	# D4's status row is older than its resolution: the resolution wins
	printf 'ticket_id,status,impact,urgency,created_at,updated_at,resolved_at\nO1,New,3,3,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,\nD1,Resolved,1,1,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,\nD2,Closed,1,1,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,\nD3,Cancelled,1,1,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,\nD4,New,1,1,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,2026-01-06T09:00:00Z\n' > t.csv
	svc-import --now "$NOW" -q t.csv > t.tsv
	printf 'ticket_id,status,impact,urgency,created_at\nF1,New,1,1,2026-02-01T00:00:00Z\n' > f.csv
	svc-import --now 2026-03-01T00:00:00Z -q f.csv > f.tsv
}

@test "every ticket row read is passed on, in input order; done, not yet created and unknown tickets are left alone with a reason" {
	setup_life
	printf 'ticket_id,x\nD1,a\nF1,b\nO1,c\nNOPE,d\nD2,e\nO1,f\nD3,g\nD4,h\n' > in.csv
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv < in.csv
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason
D1						done
F1						not_yet_created
O1	5	Desk	zed	routing:10	changed	
NOPE						not_found
D2						done
O1	5	Desk	zed		unchanged	
D3						done
D4						done" ]
	[ "$stderr" = "svc-route: 7 tickets, 1 changed, 0 unrouted, 5 left alone (4 done, 1 created after --now), 1 not found (run 4)" ]
	# nothing but O1 was touched
	[ "$(q "SELECT group_concat(DISTINCT ticket_id) FROM ticket_events WHERE source='route'")" = O1 ]
	[ "$(q "SELECT count(*) FROM tickets WHERE assignee IS NOT NULL OR priority IS NOT NULL")" = 1 ]
	run -0 --separate-stderr svc-route --now "$NOW" --explain D1
	[ "$output" = "ticket D1
resolved, closed or cancelled: not routed" ]
	run -0 --separate-stderr svc-route --now "$NOW" --explain F1
	[ "$output" = "ticket F1
created after --now: not routed" ]
}

@test "done tickets are never routed and no change is dated before its ticket was created" {
	setup_life
	# the import's rows piped on, and every ticket again with --all
	cat t.tsv f.tsv | awk 'NR == 1 || $1 != "ticket_id"' > both.tsv
	run -0 --separate-stderr svc-route --now "$NOW" -q -f tsv < both.tsv
	[ "${#lines[@]}" = 7 ]
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv --reassign --all
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason
O1	5	Desk	zed	routing:10	unchanged	" ]
	[ "$stderr" = "svc-route: 1 tickets, 0 changed, 0 unrouted (run 5)" ]
	[ "$(q "SELECT count(*) FROM tickets WHERE ticket_id<>'O1' AND (assignee IS NOT NULL OR group_name IS NOT NULL OR priority IS NOT NULL)")" = 0 ]
	[ "$(q "SELECT count(*) FROM ticket_events e JOIN tickets t USING (ticket_id) WHERE e.source='route' AND e.at < t.created_at")" = 0 ]
	[ "$(q "SELECT count(*) FROM ticket_events WHERE source='route'")" = 3 ]
	# once --now reaches F1's creation, it is routed
	run -0 --separate-stderr svc-route --now 2026-02-01T00:00:00Z -f tsv < f.tsv
	[ "${lines[1]}" = "F1	1	Desk	zed	routing:10	changed	" ]
	[ "$(q "SELECT min(at) FROM ticket_events WHERE ticket_id='F1' AND source='route'")" = "$(q "SELECT created_at FROM tickets WHERE ticket_id='F1'")" ]
}

@test "empty standard input, as cron gives, works on all open tickets" {
	setup_rules
	run -0 --separate-stderr bash -c "svc-route --now $NOW -f tsv < /dev/null"
	[ "$stderr" = "svc-route: 7 tickets, 6 changed, 1 unrouted (run 7)" ]
}

@test "input without a ticket_id column is fatal, exit 3, nothing changed" {
	setup_rules
	run -3 --separate-stderr bash -c "printf 'id\nR1\n' | svc-route --now $NOW"
	[ "$stderr" = "svc-route: <stdin>:1: no ticket_id column in the input" ]
	[ "$(q "SELECT count(*) FROM runs WHERE program='svc-route'")" = 0 ]
}

@test "--dry-run shows the changes and commits nothing" {
	setup_rules
	run -0 --separate-stderr svc-route --now "$NOW" -n -f tsv --all
	[ "${#lines[@]}" = 8 ]
	[ "$stderr" = "svc-route: 7 tickets, 6 changed, 1 unrouted (dry run, nothing committed)" ]
	[ "$(q "SELECT count(*) FROM ticket_events WHERE source='route'")" = 0 ]
}

@test "--explain shows the matrix, modifiers, each rule tried and the loads" {
	setup_rules
	run -0 --separate-stderr svc-route --now "$NOW" --explain R2
	[ "$output" = "ticket R2
classify: category, subcategory and service are set
priority: impact 1 x urgency 1 -> 1 (default matrix (1,1))
  modifier line 2, -1 if customer_tier=gold
    customer_tier=gold: 'standard' -> no
  modifier line 3, +1 if category=Hardware
    category=Hardware: 'Network' -> no
  priority 1 (bounded 1..5)
owner:
  rule 10 (line 2) category=Billing and title~\"*refund*\"
    category=Billing: 'Network' -> no
  rule 20 (line 3) category=Billing
    category=Billing: 'Network' -> no
  rule 30 (line 4) category=Network
    category=Network: 'Network' -> yes
    erin is not active
    carol: 0 open / capacity 2 = 0.00
    dan: 0 open / capacity 4 = 0.00
    chosen: carol
result: priority 1, group Network Ops, assignee carol" ]
	# nothing changed
	[ "$(q "SELECT count(*) FROM ticket_events WHERE source='route'")" = 0 ]
	run -3 --separate-stderr svc-route --now "$NOW" --explain NOPE
	[ "$stderr" = "svc-route: no ticket 'NOPE'" ]
}

@test "--lint reports parse errors, unknown fields, never-true and shadowed rules" {
	f=$(RF lint.csv)
	run -1 --separate-stderr svc-route --lint "$f"
	[ "$output" = "$f:6:1: when: parenthesis not closed
$f:3: never reached: the rule at line 2 (order 10) matches first
$f:4: the condition can never be true
$f:5: field 'catgory' does not exist
$f:8: never reached: the rule at line 7 (order 60) matches first" ]
	[ "$stderr" = "svc-route: 5 findings" ]
	run -0 --separate-stderr svc-route --lint "$(RF routing.csv)"
	[ "$stderr" = "svc-route: 0 findings" ]
}

@test "--lint without files checks the stored rules" {
	setup_rules
	run -0 --separate-stderr svc-route --now "$NOW" --lint
	[ "$stderr" = "svc-route: 0 findings" ]
	printf 'order,when,group,assignee,strategy,skills\n10,,Desk,,least_loaded,\n20,category=x,Desk,,least_loaded,\n' > r.csv
	svc-import --now "$NOW" -q --kind routing r.csv
	run -1 --separate-stderr svc-route --now "$NOW" --lint
	[ "$output" = "r.csv:3: never reached: the rule at line 2 (order 10) matches first" ]
}

@test "a rule file with a bad condition is refused with file:line:character, exit 3, nothing changed" {
	setup_rules
	run -3 --separate-stderr svc-import --now "$NOW" --kind routing "$(RF bad-routing.csv)"
	[ "${stderr_lines[0]}" = "svc-import: $(RF bad-routing.csv):3:12: when: expected a value" ]
	[ "${stderr_lines[1]}" = "svc-import: $(RF bad-routing.csv): 1 of 2 rows rejected; a routing file loads whole or not at all, nothing was committed" ]
	[ "$(q "SELECT count(*) FROM config_versions WHERE kind='routing'")" = 1 ]
	run -3 --separate-stderr svc-import --now "$NOW" --kind routing "$(RF bad-strategy.csv)"
	[ "${stderr_lines[0]}" = "svc-import: $(RF bad-strategy.csv):2: column 'strategy': 'random' is not fixed, round_robin, least_loaded or skills" ]
	printf 'impact,urgency,priority,when,adjust\n1,1,1,x=1,2\n' > p.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind priority p.csv
	[ "${stderr_lines[0]}" = "svc-import: p.csv:2: a row is a matrix cell (impact, urgency, priority) or a modifier (when, adjust), not both" ]
}

@test "rule kinds export back unchanged" {
	setup_rules
	run -0 svc-import --now "$NOW" --export routing
	[ "$output" = "$(cat "$(RF routing.csv)")" ]
}

@test "usage: an operand without --lint is an error" {
	run -2 --separate-stderr svc-route --now "$NOW" stray
	[ "${stderr_lines[0]}" = "svc-route: unexpected argument 'stray' (rule files go with --lint)" ]
}

@test "a missing database is fatal, exit 3" {
	run -3 --separate-stderr svc-route --now "$NOW" --db nope.db --all
	[[ "$stderr" == "svc-route: nope.db: no such database"* ]]
}

@test "real data: the ServiceNow log's own priority is reproduced from its impact x urgency" {
	need_data
	unzip -o -q "$DATA/uci-incident-event-log/incident_event_log.csv.zip" incident_event_log.csv
	svc-import --now "$NOW" -q --profile servicenow --null '?' --date-order dmy incident_event_log.csv >/dev/null
	# the triples the log uses, as a priority table
	sqlite3 -csv "$SVC_DB" "SELECT DISTINCT impact, urgency, priority FROM tickets WHERE impact IS NOT NULL AND urgency IS NOT NULL" > triples.csv
	{ echo impact,urgency,priority; cat triples.csv; } > prio.csv
	svc-import --now "$NOW" -q --kind priority prio.csv
	# forget the log's priority and that its incidents are closed (done
	# tickets are not routed), then compute it for every ticket
	sqlite3 "$SVC_DB" "CREATE TABLE want AS SELECT ticket_id, priority FROM tickets; UPDATE tickets SET priority=NULL, status='New', resolved_at=NULL, closed_at=NULL"
	sqlite3 -header -csv "$SVC_DB" "SELECT ticket_id FROM tickets" > ids.csv
	run -0 --separate-stderr svc-route --now "$NOW" < ids.csv
	[ "${#lines[@]}" = 24919 ]
	[ "$(q 'SELECT count(*) FROM tickets t JOIN want w USING (ticket_id) WHERE t.priority IS NOT w.priority')" = 0 ]
	[ "$(q 'SELECT count(*) FROM tickets WHERE priority IS NOT NULL')" = 24918 ]
}

@test "real data: import | route passes on every ServiceNow ticket and keeps the export's priorities" {
	need_data
	unzip -o -q "$DATA/uci-incident-event-log/incident_event_log.csv.zip" incident_event_log.csv
	T=2016-06-01T00:00:00Z
	run -0 --separate-stderr bash -c "svc-import --now $T -q --profile servicenow --null '?' --date-order dmy incident_event_log.csv | tee imp.tsv | svc-route --now $T > route.tsv"
	[ "$(wc -l < route.tsv)" = "$(wc -l < imp.tsv)" ]
	[ "$(wc -l < route.tsv)" = 24919 ]
	# the same tickets in the same order
	cut -f1 imp.tsv > a
	cut -f1 route.tsv > b
	cmp a b
	# every incident ends closed: none is routed; those opened after
	# --now are not known yet
	[ "$(q "SELECT count(*) FROM ticket_events WHERE source='route'")" = 0 ]
	[ "$(grep -c '	not_yet_created$' route.tsv)" = "$(q "SELECT count(*) FROM tickets WHERE created_at > unixepoch('$T')")" ]
	# each incident's last priority in the export, read independently
	python3 - incident_event_log.csv > want.csv <<'PY'
import csv, sys
last = {}
with open(sys.argv[1], newline='') as f:
    for row in csv.DictReader(f):
        p = row['priority']
        last[row['number']] = '' if p == '?' else p.split(' - ')[0]
for k in sorted(last):
    print(k + ',' + last[k])
PY
	sqlite3 -csv "$SVC_DB" "SELECT ticket_id, ifnull(priority, '') FROM tickets ORDER BY ticket_id" > got.csv
	[ "$(wc -l < want.csv)" = 24918 ]
	diff want.csv got.csv
	# the same through routing over every open ticket
	run -0 --separate-stderr svc-route --now "$T" --all
	sqlite3 -csv "$SVC_DB" "SELECT ticket_id, ifnull(priority, '') FROM tickets ORDER BY ticket_id" > got.csv
	diff want.csv got.csv
}

@test "conditions read attrs keys, also after a repeated column kept as an array" {
	printf 'ticket_id,status,Labels,Labels,Squad\nJ1,New,"a,""x]""",b,Ops\nJ2,New,c,d,Dev\n' > j.csv
	printf 'order,when,group,assignee,strategy,skills\n10,"attrs.Squad=Ops and attrs.Labels~""*x]*""",G,zed,fixed,\n' > r.csv
	svc-import --now "$NOW" -q j.csv >/dev/null
	svc-import --now "$NOW" -q --kind routing r.csv
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv --all
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason
J1		G	zed	routing:10	changed	
J2					unchanged	no_rule" ]
}

route_on_duty() {
	svc-import --now "$NOW" -q "$(RF tickets.csv)" >/dev/null
	svc-import --now "$NOW" -q --kind routing "$(RF routing.csv)"
	svc-import --now "$NOW" -q --kind calendars "$(RF calendars.csv)"
	svc-import --now "$NOW" -q --kind holidays "$(RF holidays.csv)"
	svc-import --now "$NOW" -q --kind people "$(RF people-calendars.csv)"
}

@test "only people whose working calendar is open at --now are chosen" {
	route_on_duty
	# Monday 11:00 in Berlin, 05:00 in New York
	run -0 --separate-stderr bash -c "printf 'ticket_id\nR2\n' | svc-route --now 2026-01-12T10:00:00Z -n -f tsv"
	[ "${lines[1]}" = "R2	1	Network Ops	carol	routing:30	changed	" ]
	# 17:30 in Berlin, 11:30 in New York
	run -0 --separate-stderr bash -c "printf 'ticket_id\nR2\n' | svc-route --now 2026-01-12T16:30:00Z -n -f tsv"
	[ "${lines[1]}" = "R2	1	Network Ops	dan	routing:30	changed	" ]
	# 13:30 in Berlin, closed for the afternoon; 07:30 in New York
	run -0 --separate-stderr bash -c "printf 'ticket_id\nR2\n' | svc-route --now 2026-01-12T12:30:00Z -f tsv"
	[ "${lines[1]}" = "R2	1	Network Ops		routing:30	changed	no_one_available" ]
	[ "$(q "SELECT group_name || '|' || ifnull(assignee, '-') FROM tickets WHERE ticket_id='R2'")" = "Network Ops|-" ]
	run -0 --separate-stderr svc-route --now 2026-01-12T12:30:00Z --explain R2
	[[ "$output" == *"    carol is off duty (calendar berlin-day is closed)
    dan is off duty (calendar ny-day is closed)
    erin is not active
    nobody of group 'Network Ops' is available"* ]]
}

@test "a person's calendar that does not exist is reported and treated as open" {
	route_on_duty
	printf 'user,groups,calendar\nfrank,Network Ops,moon\n' > "$BATS_TEST_TMPDIR/p.csv"
	svc-import --now "$NOW" -q --kind people "$BATS_TEST_TMPDIR/p.csv"
	run -0 --separate-stderr bash -c "printf 'ticket_id\nR2\n' | svc-route --now 2026-01-12T12:30:00Z -f tsv"
	[ "${lines[1]}" = "R2	1	Network Ops	frank	routing:30	changed	" ]
	[ "${stderr_lines[0]}" = "svc-route: person 'frank': no calendar 'moon'; treated as always open" ]
}

@test "--lint reports people whose calendar does not exist" {
	route_on_duty
	printf 'user,groups,calendar\nfrank,Network Ops,moon\nanna,Network Ops,24x7\n' > "$BATS_TEST_TMPDIR/p.csv"
	svc-import --now "$NOW" -q --kind people "$BATS_TEST_TMPDIR/p.csv"
	run -1 --separate-stderr svc-route --now "$NOW" --lint
	[ "$output" = "$BATS_TEST_TMPDIR/p.csv: person 'frank': calendar 'moon' does not exist (routing treats them as always on duty)" ]
	[ "$stderr" = "svc-route: 1 finding" ]
}

@test "a ticket a row written after --now changed is left alone: its later state is stored" {
	printf 'order,when,group,assignee,strategy,skills\n10,,Desk,zed,fixed,\n' > r.csv
	svc-import --now "$NOW" -q --kind routing r.csv
	# C1 was new at $NOW; an export of the 12th, imported since, gave it to amy
	printf 'ticket_id,status,impact,urgency,created_at,updated_at,assignee\nC1,Open,3,3,2026-01-05T09:00:00Z,2026-01-12T09:00:00Z,amy\nC2,New,3,3,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,\n' > c.csv
	svc-import --now 2026-01-12T10:00:00Z -q c.csv > c.tsv
	run -0 --separate-stderr svc-route --now "$NOW" -f tsv < c.tsv
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason
C1						changed_after_now
C2	5	Desk	zed	routing:10	changed	" ]
	[ "$stderr" = "svc-route: 2 tickets, 1 changed, 0 unrouted, 1 left alone (0 done, 0 created after --now, 1 changed after --now) (run 3)" ]
	[ "$(q "SELECT assignee FROM tickets WHERE ticket_id='C1'")" = amy ]
	[ "$(q "SELECT count(*) FROM ticket_events WHERE source='route' AND ticket_id='C1'")" = 0 ]
	run -0 --separate-stderr svc-route --now "$NOW" --explain C1
	[ "$output" = "ticket C1
changed by a row written after --now (its later state is stored): not routed" ]
	# at a --now after that row it is routed as usual (its owner kept, a priority
	# from the matrix)
	run -0 --separate-stderr svc-route --now 2026-01-12T10:00:00Z -f tsv < c.tsv
	[ "${lines[1]}" = "C1	5		amy		changed	" ]
}
