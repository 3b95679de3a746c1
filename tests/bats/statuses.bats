#!/usr/bin/env bats
# Status categories: the built-in vocabulary, svc-import --kind statuses,
# unknown statuses reported, open and SLA pauses by category, as of --now.
load helper

# tickets of every category, and two statuses nobody maps
tickets() {
	cat > t.csv <<-'CSV'
	ticket_id,status,created_at,resolved_at,closed_at
	T1,Completed,2026-01-02T00:00:00Z,,
	T2,Solved,2026-01-02T00:00:00Z,,
	T3,Waiting on Customer,2026-01-02T00:00:00Z,,
	T4,Canceled,2026-01-02T00:00:00Z,,
	T5,Accepted,2026-01-02T00:00:00Z,,
	T6,Triaged,2026-01-02T00:00:00Z,,
	T7,Triaged,2026-01-03T00:00:00Z,,
	T8,Wartend,2026-01-03T00:00:00Z,,
	T9,Closed,2026-01-02T00:00:00Z,,2026-01-05T00:00:00Z
	CSV
}

open_now() {
	svc-report summary --now "$NOW" -f tsv "$@" | awk -F'\t' '$2 == "open now" { print $3 }'
}

@test "statuses: the import names each status with no category, its count and the command that maps it" {
	tickets
	run -0 --separate-stderr svc-import --now "$NOW" t.csv
	[ "${stderr_lines[2]}" = "svc-import: t.csv: 2 statuses have no category: 'Triaged' (2 tickets), 'Wartend' (1); map them with svc-import --kind statuses" ]
	[ "${#stderr_lines[@]}" = 3 ]
	# only the tickets this run inserted or changed count
	run -0 --separate-stderr svc-import --now "$NOW" t.csv
	[ "${#stderr_lines[@]}" = 2 ]
	printf 'ticket_id,status\nT6,Vorgemerkt\n' > u.csv
	run -0 --separate-stderr svc-import --now "$NOW" u.csv
	[ "${stderr_lines[2]}" = "svc-import: u.csv: 1 status has no category: 'Vorgemerkt' (1 ticket); map it with svc-import --kind statuses" ]
}

@test "statuses: open is by category; an unknown status counts as open and is reported" {
	tickets
	svc-import --now "$NOW" -q t.csv >/dev/null
	# open: T3 (pending), T5 (open), T6-T8 (unknown); done: Completed,
	# Solved, Canceled, Closed
	[ "$(open_now)" = 5 ]
	run -0 svc-report summary --now "$NOW" -f tsv
	[ "${lines[2]}" = "$(printf "tickets\twith an unknown status\t3\t\tsvc-report tickets --where 'status and not status_category'")" ]
	run -0 svc-report tickets --now "$NOW" --where 'not status_category' -f csv
	[ "$(echo "$output" | cut -d, -f1 | tail -n +2 | tr '\n' ' ')" = "T6 T7 T8 " ]
	run -0 svc-report tickets --now "$NOW" --where 'status_category=pending' -f csv
	[ "$(echo "$output" | cut -d, -f1 | tail -n +2)" = T3 ]
	run -0 svc-report backlog --now "$NOW" -f csv
	[ "${lines[1]%%,*}" = 5 ]
}

@test "statuses: --kind statuses maps the rest, wins over the built-ins, is versioned and exports as loaded" {
	tickets
	svc-import --now "$NOW" -q t.csv >/dev/null
	printf 'status,category\nTriaged,new\n wartend ,Closed\nCompleted,open\n' > s.csv
	run -0 --separate-stderr svc-import --now "$NOW" --valid-from 2026-01-05T00:00:00Z --kind statuses s.csv
	[ "$stderr" = "svc-import: s.csv: statuses: 3 rows, new version" ]
	run -0 svc-import --now "$NOW" --export statuses
	[ "$output" = 'status,category
Triaged,new
" wartend ",Closed
Completed,open' ]
	svc-import --now "$NOW" --export statuses > again.csv
	run -0 --separate-stderr svc-import --now "$NOW" --kind statuses again.csv
	[ "$stderr" = "svc-import: again.csv: statuses: 3 rows, unchanged" ]
	# Wartend is closed now, Completed open: T1, T3, T5, T6, T7
	[ "$(open_now)" = 5 ]
	run -0 svc-report summary --now "$NOW" -f tsv
	[ "${lines[2]}" = "$(printf "tickets\twith an unknown status\t0\t\tsvc-report tickets --where 'status and not status_category'")" ]
	[ "$(svc-report tickets --now "$NOW" --where 'open' -f csv | cut -d, -f1 | tail -n +2 | tr '\n' ' ')" = "T1 T3 T5 T6 T7 " ]
	# before the version is valid, the built-ins alone; T9 closes on
	# 5 January, so it is open then
	[ "$(open_now --now 2026-01-04T00:00:00Z)" = 6 ]
	[ "$(svc-report tickets --now 2026-01-04T00:00:00Z --where 'open' -f csv | cut -d, -f1 | tail -n +2 | tr '\n' ' ')" = "T3 T5 T6 T7 T8 T9 " ]
}

@test "statuses: a bad category or a status given twice is a load error with its line, nothing committed" {
	printf 'status,category\nTriaged,open\nWartend,waiting\n' > bad.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind statuses bad.csv
	[ "${stderr_lines[0]}" = "svc-import: bad.csv:3: column 'category': 'waiting' is not a category (new, open, pending, resolved, closed, cancelled)" ]
	printf 'status,category\nTriaged,open\n TRIAGED,new\n' > dup.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind statuses dup.csv
	[ "${stderr_lines[0]}" = "svc-import: dup.csv:3: status ' TRIAGED' is already on line 2" ]
	[ "$(q "SELECT count(*) FROM statuses")" = 0 ]
}

@test "statuses: a Jira status-category value gives the category of a status with none" {
	cat > j.csv <<-'CSV'
	ticket_id,status,status_category,created_at
	J1,Wartend,In Arbeit,2026-01-02T00:00:00Z
	J2,Erledigt hier,Fertig,2026-01-02T00:00:00Z
	J3,Hecho ya,Listo,2026-01-02T00:00:00Z
	J4,Em análise,Em andamento,2026-01-02T00:00:00Z
	J5,Fini,Terminé,2026-01-02T00:00:00Z
	J6,Nuevo,Por hacer,2026-01-02T00:00:00Z
	CSV
	run -0 --separate-stderr svc-import --now "$NOW" j.csv
	[ "${#stderr_lines[@]}" = 2 ]
	[ "$(open_now)" = 3 ]
	[ "$(svc-report tickets --now "$NOW" --where 'open' -f csv | cut -d, -f1 | tail -n +2 | tr '\n' ' ')" = "J1 J4 J6 " ]
}

@test "as of --now: a resolution or closing time later than --now is not yet known" {
	cat > a.csv <<-'CSV'
	ticket_id,status,created_at,first_response_at,resolved_at,closed_at,updated_at
	A1,Active,2026-01-02T00:00:00Z,2026-01-20T00:00:00Z,2026-02-01T00:00:00Z,,2026-01-05T00:00:00Z
	A2,Resolved,2026-01-02T00:00:00Z,,2026-01-04T00:00:00Z,,2026-01-04T00:00:00Z
	A3,Closed,2026-01-02T00:00:00Z,,2026-01-20T00:00:00Z,2026-01-25T00:00:00Z,2026-01-25T00:00:00Z
	A4,Closed,2026-01-02T00:00:00Z,,,2026-01-08T00:00:00Z,2026-01-08T00:00:00Z
	CSV
	svc-import --now "$NOW" -q a.csv >/dev/null
	# A1 is still active; A3's resolution comes after --now; A2 and A4 are
	# done (A4 by its closing time alone)
	[ "$(open_now)" = 2 ]
	run -0 svc-report summary --now "$NOW" --since 2026-01-01T00:00:00Z -f tsv
	[[ "$output" == *$'\n'"$(printf 'tickets\tresolved in the period\t2\t\t')"* ]]
	run -0 svc-report tickets --now "$NOW" --where open -f csv
	[ "$(echo "$output" | cut -d, -f1 | tail -n +2 | tr '\n' ' ')" = "A1 A3 " ]
	# first response, resolution and update times after --now: not shown
	[ "$(echo "$output" | awk -F, 'NR > 1 && ($12 != "" || $13 != "") { n++ } END { print n + 0 }')" = 0 ]
	[ "$(echo "$output" | awk -F, 'NR > 1 { print $14 }' | tr '\n' ' ')" = "2026-01-05T00:00:00+00:00  " ]
	run -0 svc-report kpi --now "$NOW" --since 2026-01-01T00:00:00Z -f csv
	[[ "$output" == *$'\n'"resolved,2,count,2"$'\n'* ]]
	[[ "$output" == *$'\n'"first_response_median,,h,0"$'\n'* ]]
}

@test "sla: pause_on may name a category; a done category stops the clock" {
	for k in calendars holidays; do
		svc-import --now 2026-03-01T00:00:00Z -q --kind "$k" "$FIX/sla/$k.csv"
	done
	printf 'policy,order,when,metric,target,unit,calendar,pause_on,warn_at\nall,10,,resolution,16h,business,office,pending,\n' > p.csv
	svc-import --now 2026-03-01T00:00:00Z -q --kind policies p.csv
	printf 'ticket_id,title,priority,status,created_at,updated_at\nW1,t,3,New,2026-03-13T10:00:00+01:00,2026-03-13T10:00:00+01:00\nW2,t,3,New,2026-03-13T10:00:00+01:00,2026-03-13T10:00:00+01:00\n' > t.csv
	printf 'ticket_id,at,field,value\nW1,2026-03-13T14:00:00+01:00,status,Waiting on Customer\nW1,2026-03-16T11:00:00+01:00,status,In Progress\nW2,2026-03-13T12:00:00+01:00,status,Completed\n' > e.csv
	svc-import --now 2026-03-13T09:00:00Z -q t.csv >/dev/null
	svc-import --now 2026-03-13T09:00:00Z -q --kind events e.csv >/dev/null
	svc-sla --now 2026-03-16T11:00:00Z -q --all >/dev/null
	# W1: 4h before the pause, 1h after; paused Fri 14:00 to Mon 11:00
	[ "$(q "SELECT business_elapsed_s, paused_s, state FROM sla_clocks WHERE ticket_id='W1'")" = "18000|248400|running" ]
	[ "$(q "SELECT state, datetime(stop, 'unixepoch') FROM sla_clocks WHERE ticket_id='W2'")" = "met|2026-03-13 11:00:00" ]
}

@test "real data: Volvo IT log: open now is the incidents whose latest status is not Completed" {
	need_data
	command -v python3 >/dev/null || skip "no python3"
	unzip -o -q -j "$DATA/bpic2013-volvo-ibm/IBM-VolvoIT-Challenge.zip" VolvoIT-Challenge/VINST-new.csv
	svc-import --now "$NOW" -q --map-file "$FIX/import/volvo.map.csv" VINST-new.csv >/dev/null
	want=$(python3 -c '
import csv, sys
last = {}
with open("VINST-new.csv", encoding="utf-8-sig", newline="") as f:
    for r in csv.DictReader(f):
        k, t = r["SR Number"], r["Change Date+Time"]
        if k not in last or t >= last[k][0]:
            last[k] = (t, r["Status"])
print(sum(1 for t, s in last.values() if s != "Completed"))')
	[ "$want" -gt 0 ]
	[ "$(open_now)" = "$want" ]
}

@test "real data: Kaggle tickets have no creation time and are still counted open by status" {
	need_data
	command -v python3 >/dev/null || skip "no python3"
	f="$DATA/kaggle-customer-support-tickets/customer_support_tickets.csv"
	run -0 --separate-stderr svc-import --now "$NOW" "$f"
	read -r total open <<< "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(len(rows), sum(1 for r in rows if r["Ticket Status"] != "Closed"))' "$f")"
	[ "${stderr_lines[2]}" = "svc-import: $f: $total tickets have no creation time (counted as open or done by status; no age, no SLA clock)" ]
	[ "$open" -gt 0 ]
	[ "$(open_now)" = "$open" ]
}

@test "real data: NYC 311: resolved in the period equals the Closed Dates in the period" {
	need_data
	command -v python3 >/dev/null || skip "no python3"
	f="$DATA/nyc311-sample/311_Service_Requests_from_2010_to_Present.csv"
	svc-import --now "$NOW" -q --tz America/New_York --date-order mdy \
	    --map-file "$FIX/import/nyc311.map.csv" "$f" >/dev/null
	want=$(python3 -c '
import csv, sys, datetime, zoneinfo
ny = zoneinfo.ZoneInfo("America/New_York")
a = datetime.datetime(2014, 1, 1, tzinfo=ny)
b = datetime.datetime(2014, 3, 1, tzinfo=ny)
n = 0
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["Closed Date"]:
        t = datetime.datetime.strptime(r["Closed Date"], "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=ny)
        n += a <= t < b
print(n)' "$f")
	[ "$want" -gt 0 ]
	run -0 svc-report summary --now "$NOW" --tz America/New_York --since 2014-01-01 --until 2014-03-01 -f tsv
	[[ "$output" == *$'\n'"$(printf 'tickets\tresolved in the period\t%s\t' "$want")"* ]]
}

@test "real data: ServiceNow log cut as of a past day: open now is the incidents not resolved or closed in it" {
	need_data
	command -v python3 >/dev/null || skip "no python3"
	unzip -o -q "$DATA/uci-incident-event-log/incident_event_log.csv.zip" incident_event_log.csv
	# the export as it stood on 2016-03-08 00:00: each incident's latest row
	want=$(python3 -c '
import csv, sys, datetime
cut = datetime.datetime(2016, 3, 8, 0, 0)
best = {}
with open("incident_event_log.csv", newline="") as f:
    r = csv.reader(f)
    h = next(r)
    iu, im, ik, ist = (h.index(c) for c in ("sys_updated_at", "sys_mod_count", "number", "incident_state"))
    for row in r:
        u = datetime.datetime.strptime(row[iu], "%d/%m/%Y %H:%M")
        if u > cut:
            continue
        k = (u, int(row[im]))
        if row[ik] not in best or k >= best[row[ik]][0]:
            best[row[ik]] = (k, row)
with open("cut.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(h)
    for k, row in best.values():
        w.writerow(row)
print(sum(1 for k, row in best.values() if row[ist] not in ("Resolved", "Closed")))')
	[ "$want" -gt 1000 ]
	svc-import --now 2016-03-08T00:00:00Z -q --profile servicenow --null '?' --date-order dmy cut.csv >/dev/null
	[ "$(open_now --now 2016-03-08T00:00:00Z)" = "$want" ]
}
