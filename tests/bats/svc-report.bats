#!/usr/bin/env bats
# svc-report: every report, as of --now, drill-downs, formats, the page.
load helper

RF() { echo "$FIX/report/$1"; }
P="--since 2026-03-01T00:00:00Z --until 2026-04-01T00:00:00Z"

# the 20 tickets of kpi-tickets.csv, a UTC office calendar and a bot
setup_kpi() {
	svc-import --now 2026-04-15T00:00:00Z -q "$(RF kpi-tickets.csv)" >/dev/null &&
	    svc-import --now 2026-01-01T00:00:00Z -q --kind calendars "$(RF kpi-calendars.csv)" &&
	    svc-import --now 2026-01-01T00:00:00Z -q --kind people "$(RF kpi-people.csv)"
}

# clocks of sla-tickets.csv on 24x7 policies at 1 April; R2's resolution
# breach acknowledged
setup_sla() {
	svc-import --now 2026-01-01T00:00:00Z -q --kind policies "$(RF sla-policies.csv)" &&
	    svc-import --now 2026-04-01T00:00:00Z -q "$(RF sla-tickets.csv)" >/dev/null &&
	    svc-sla -q --all --now 2026-04-01T00:00:00Z >/dev/null &&
	    svc-escalate ack R2 --metric resolution --reason capacity --now 2026-04-01T00:00:00Z -q >/dev/null
}

# the number of tickets a drill-down lists
count() {
	svc-report tickets -f tsv "$@" | tail -n +2 | wc -l | tr -d ' '
}

@test "kpi: every value of the 20-ticket fixture, worked out by hand" {
	setup_kpi
	run -0 --separate-stderr svc-report kpi --now 2026-04-15T00:00:00Z $P --calendar biz -f csv
	[ "$stderr" = "" ]
	# Period March 2026.  Created in March: T01-T16, T18-T20 = 19; T17 in
	# February.  Resolved in March: T01-T16 = 16 (T18 on 2 April).
	# fcr: the 16 resolved, minus T01 (A's T02, same key, 3 days later),
	#   T04 and T09 (reopened), T16 (J's T18, same key, 5 days later; T18
	#   itself resolved outside the period still counts as the repeat);
	#   T02 is first-contact: A's next (T03) came 15 days later = 12/16.
	# first response (T01 0.5h, T02 0.25h, T03 1h, T04 2h), n=4 (even):
	#   median (0.5+1)/2 = 0.75; p90 at rank 3*0.9 = 2.7: 1 + 0.7*(2-1) =
	#   1.70; all inside 09-17 Mon-Fri, so business = calendar.
	# resolution, calendar hours sorted: 0.5 1 1 1 1 2 2 2 2.5 4 10 12 24
	#   48 52 66 (n=16): median (2+2.5)/2 = 2.25; p90 at rank 13.5:
	#   48 + 0.5*(52-48) = 50.
	# resolution on calendar biz (09-17 UTC, Mon-Fri): T07 Saturday 0,
	#   T11 and T13 before 09:00 0, T02 T05 T12 T14 1, T01 T06 (Fri 16-17 +
	#   Mon 09-10) T10 2, T03 4, T04 T08 T16 8, T09 16, T15 (7+8+5) 20:
	#   median (2+2)/2 = 2; p90 8 + 0.5*(16-8) = 12.
	# reopen: T04, T09 of 16 = 12.5.  reassignment_count (the export's own
	#   counter): T04 2, T06 1: 3/16 = 0.1875 -> 0.19 per ticket, 2/16
	#   reassigned = 12.5.
	# sla_compliance: no clocks, n=0.  backlog at 15 April: T19, T20,
	#   19 and 15 days old: none over 30 days.
	# csat of the resolved in March: 5 4 4 3 1 5: 4 of 6 = 66.7 (T17's
	#   rating is February's).
	# self-service: T11 (S1's email T12 71 h after its resolution: not
	#   self-resolved), T13 (S2's phone T14 73 h after: self-resolved) = 1/2.
	# automation: T11, T13 resolved by autobot (role automation) = 2/16.
	# handle time: 600 1200 1800 3600 s: mean 1800 s = 0.50 h, n=4.
	[ "$output" = "kpi,value,unit,n
created,19,count,19
resolved,16,count,16
fcr,75.0,pct,16
first_response_median,0.75,h,4
first_response_p90,1.70,h,4
first_response_business_median,0.75,h,4
first_response_business_p90,1.70,h,4
resolution_median,2.25,h,16
resolution_p90,50.00,h,16
resolution_business_median,2.00,h,16
resolution_business_p90,12.00,h,16
reopen_rate,12.5,pct,16
reassignments_per_ticket,0.19,ratio,16
reassignment_rate,12.5,pct,16
sla_compliance,,pct,0
backlog,2,count,2
backlog_over_30d,0.0,pct,2
csat_top2,66.7,pct,6
self_service,50.0,pct,2
automation_share,12.5,pct,16
escalation_rate,0.0,pct,19
handle_time_mean,0.50,h,4
gap_to_notification_median,,h,0
gap_to_notification_p90,,h,0
gap_to_ack_median,,h,0
gap_to_ack_p90,,h,0" ]
}

@test "kpi: windows, cuts by field and period, and the drill-down of a cut" {
	setup_kpi
	# a repeat window of 2 days: the repeats of T01 (3 days) and T16 (5
	# days) no longer count; T04 and T09 were reopened: 14/16
	run -0 svc-report kpi --now 2026-04-15T00:00:00Z $P --fcr-window 2d -f csv
	[[ "$output" == *$'\nfcr,87.5,pct,16\n'* ]]
	# a self-service window of 70 h: S1's contact 71 h later is outside
	run -0 svc-report kpi --now 2026-04-15T00:00:00Z $P --self-window 70h -f csv
	[[ "$output" == *$'\nself_service,100.0,pct,2\n'* ]]
	run -0 svc-report kpi --now 2026-04-15T00:00:00Z $P --by channel --period month -f csv
	[ "${lines[0]}" = "kpi,channel,period,value,unit,n" ]
	[[ "$output" == *$'\ncsat_top2,email,2026-03,66.7,pct,3\n'* ]]
	[[ "$output" == *$'\nbacklog,email,,1,count,1\n'* ]]
	[ "$(count --now 2026-04-15T00:00:00Z --where 'csat and channel=email and resolved_at>=2026-03-01 and resolved_at<2026-04-01')" = 3 ]
}

@test "backlog: age and idle buckets at their edges, cuts, and drill-downs that reproduce a cell" {
	svc-import --now 2026-04-15T00:00:00Z -q "$(RF backlog-tickets.csv)" >/dev/null
	# at 15 April: B0 half a day, B1 1, B5 5, B6 6, B30 30, B31 31, B90 90,
	# B91 91 days old; BR and BC done; BF created after --now
	run -0 --separate-stderr svc-report backlog --now 2026-04-15T00:00:00Z -f csv
	[ "$stderr" = "" ]
	[ "$output" = "open,age_lt_1d,age_1_5d,age_6_30d,age_31_90d,age_gt_90d,idle_lt_1d,idle_1_5d,idle_6_30d,idle_31_90d,idle_gt_90d
8,1,2,2,2,1,2,1,2,2,1" ]
	run -0 svc-report backlog --by group_name,priority --now 2026-04-15T00:00:00Z -f csv
	[ "$output" = "group_name,priority,open,age_lt_1d,age_1_5d,age_6_30d,age_31_90d,age_gt_90d,idle_lt_1d,idle_1_5d,idle_6_30d,idle_31_90d,idle_gt_90d
Desk,2,2,1,1,0,0,0,2,0,0,0,0
Desk,3,1,0,1,0,0,0,0,1,0,0,0
Desk,4,2,0,0,0,1,1,0,0,0,1,1
Net,3,2,0,0,2,0,0,0,0,2,0,0
Net,4,1,0,0,0,1,0,0,0,0,1,0" ]
	run -0 svc-report tickets --now 2026-04-15T00:00:00Z --where 'open and group_name=Net and priority=3 and age_days>=6 and age_days<=30' -f csv
	[ "$(echo "$output" | cut -d, -f1 | tr '\n' ' ')" = "ticket_id B30 B6 " ]
	[ "$(count --now 2026-04-15T00:00:00Z --where open)" = 8 ]
	[ "$(count --now 2026-04-15T00:00:00Z --where 'open and idle_days>90')" = 1 ]
}

@test "volume: created and resolved per week, month, and a cell drilled to its tickets" {
	setup_kpi
	run -0 svc-report volume --now 2026-04-15T00:00:00Z $P -f csv
	# weeks start on Monday; T06 (Friday 6 March) resolved Monday 9 March
	[ "$output" = "period,created,resolved
2026-03-02,6,5
2026-03-09,4,5
2026-03-16,3,3
2026-03-23,4,3
2026-03-30,2,0" ]
	run -0 svc-report volume --now 2026-04-15T00:00:00Z $P --period month --by category -f csv
	[ "$output" = "category,period,created,resolved
Access,2026-03,11,10
Billing,2026-03,4,4
Hardware,2026-03,2,2
Network,2026-03,2,0" ]
	[ "$(count --now 2026-04-15T00:00:00Z --where 'created_at>=2026-03-09 and created_at<2026-03-16')" = 4 ]
}

@test "sla, breaches and owners: compliance, at risk, overdue, percentiles, reasons" {
	setup_sla
	run -0 --separate-stderr svc-report sla --now 2026-04-01T00:00:00Z $P -f csv
	[ "$stderr" = "" ]
	# first response (2h): R1 1h, R2 2.5h (breached), R3 0.5h; R4 running
	# past due.  Resolution (1d): R1 10h, R2 48h (breached); R3 running
	# breached, R4 running at 50%.  p90 of 0.5 1 2.5: 1 + 0.8*1.5 = 2.2
	[ "$output" = "metric,completed,met,breached,compliance_pct,running,at_risk,overdue,median_elapsed_h,p90_elapsed_h
first_response,3,2,1,66.7,1,0,1,1.00,2.20
resolution,2,1,1,50.0,2,0,1,29.00,44.20" ]
	run -0 svc-report breaches --now 2026-04-01T00:00:00Z $P -f csv
	[ "$output" = "ticket_id,metric,cycle,policy,breached_at,due_at,owner_at_breach,group_at_breach,reason,acked_by,note,status,assignee
R2,first_response,1,all,2026-03-03T12:00:00+00:00,2026-03-03T12:00:00+00:00,erin,Desk,missing,,,Resolved,erin
R2,resolution,1,all,2026-03-04T10:00:00+00:00,2026-03-04T10:00:00+00:00,erin,Desk,capacity,tester,,Resolved,erin
R3,resolution,1,all,2026-03-11T10:00:00+00:00,2026-03-11T10:00:00+00:00,carol,Net,missing,,,Open,carol
R4,first_response,1,all,2026-03-31T14:00:00+00:00,2026-03-31T14:00:00+00:00,carol,Net,missing,,,Open,carol" ]
	run -0 svc-report sla --by group_name --now 2026-04-01T00:00:00Z $P -f csv
	[ "${lines[1]}" = "Desk,first_response,2,1,1,50.0,0,0,0,1.75,2.35" ]
	run -0 svc-report owners --now 2026-04-01T00:00:00Z $P -f csv
	[ "$output" = "kind,name,open,overdue,resolved,median_resolution_h,breached,reassigned_away
group,Desk,0,0,2,29.00,2,0
group,Net,2,2,0,,2,0
person,carol,2,2,0,,2,0
person,erin,0,0,2,29.00,2,0" ]
	[ "$(count --now 2026-04-01T00:00:00Z --where 'overdue~"*resolution*"')" = 1 ]
	[ "$(count --now 2026-04-01T00:00:00Z --where 'breached')" = 3 ]
}

@test "summary: each figure equals the count of its drill-down" {
	setup_sla
	run -0 --separate-stderr svc-report summary --now 2026-04-01T00:00:00Z $P -f tsv
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "$(printf 'section\tfigure\tvalue\tn\tdrill')" ]
	[ "${lines[1]}" = "$(printf 'tickets\topen now\t2\t\tsvc-report tickets --where open')" ]
	[ "${lines[2]}" = "$(printf "tickets\twith an unknown status\t0\t\tsvc-report tickets --where 'status and not status_category'")" ]
	[ "${lines[10]}" = "$(printf 'sla\tresolution compliance %%\t50.0\t2\tsvc-report sla')" ]
	[ "${lines[13]}" = "$(printf 'sla\tclocks as svc-sla left them at\t2026-04-01T00:00:00+00:00\t\t')" ]
	[ "${lines[15]}" = "$(printf 'breaches\treason capacity\t1\t\tsvc-report breaches')" ]
	[ "${lines[21]}" = "$(printf 'decisions waiting\tbreaches without a reason\t3\t\tsvc-escalate --unacknowledged')" ]
	# every "svc-report tickets" drill gives the figure's count
	echo "$output" | awk -F'\t' '$5 ~ /^svc-report tickets / { print $3 "\t" $5 }' > drills.tsv
	[ "$(wc -l < drills.tsv)" = 8 ]
	while IFS= read -r line; do
		value=${line%%$'\t'*} drill=${line#*$'\t'}
		got=$(eval "${drill/svc-report tickets/svc-report tickets --now 2026-04-01T00:00:00Z -f tsv}" | tail -n +2 | wc -l | tr -d ' ')
		[ "$got" = "$value" ] || { echo "$drill: $value, drill-down $got"; return 1; }
	done < drills.tsv
	[ "$(svc-escalate --unacknowledged --now 2026-04-01T00:00:00Z -q -f tsv | tail -n +2 | wc -l | tr -d ' ')" = 3 ]
}

@test "as of --now: a later import's changes are undone, later tickets left out" {
	svc-import --now 2026-03-03T00:00:00Z -q "$(RF asof-1.csv)" >/dev/null
	svc-import --now 2026-03-05T00:00:00Z -q "$(RF asof-2.csv)" >/dev/null
	run -0 svc-report tickets --now 2026-03-03T00:00:00Z -f csv
	[ "$(echo "$output" | cut -d, -f1-4,9,13)" = "ticket_id,title,status,priority,group_name,resolved_at
A1,printer,Open,3,Desk,
A2,vpn,Open,2,Net," ]
	run -0 svc-report backlog --by group_name,priority --now 2026-03-03T00:00:00Z -f csv
	[ "$(echo "$output" | cut -d, -f1-3)" = "group_name,priority,open
Desk,3,1
Net,2,1" ]
	run -0 svc-report tickets --now 2026-03-05T00:00:00Z -f csv
	[ "$(echo "$output" | cut -d, -f1-4,9,13)" = "ticket_id,title,status,priority,group_name,resolved_at
A1,printer,Resolved,3,Field,2026-03-04T09:00:00+00:00
A2,vpn,Open,1,Net,
A3,new one,Open,3,Desk," ]
}

@test "problems, escalations and rejects list what the other stages recorded" {
	setup_sla
	printf 'rule,order,when,level,notify,urgent,repeat_every\nlate,10,state=breached,1,team@example.org,,\n' > rules.csv
	svc-import --now 2026-01-01T00:00:00Z -q --kind escalations rules.csv
	# live since January: each breach is sent; none for the resolved R1, R2
	svc-escalate --all --go-live 2026-01-01T00:00:00Z --now 2026-04-01T00:00:00Z -q >/dev/null
	run -0 svc-report escalations --now 2026-04-01T00:00:00Z --since 2026-03-31T00:00:00Z -f csv
	[ "${lines[0]}" = "ticket_id,metric,rule,level,state,recipient,fired_at,held_until,sent_at,reminders,why,status" ]
	[ "${lines[1]}" = "R3,resolution,late,1,sent,team@example.org,2026-04-01T00:00:00+00:00,,2026-04-01T00:00:00+00:00,0,,Open" ]
	[ "${#lines[@]}" = 3 ]
	run -0 svc-report escalations --now 2026-04-01T00:00:00Z --where 'group_name=Net' -f csv
	[ "${#lines[@]}" = 3 ]
	printf 'ticket_id,title,created_at\nX1,ok,2026-03-31T10:00:00Z\nX2,bad,31/02/2026\nX3,bad too,yesterday\n' > bad.csv
	run -1 imp_bad --now 2026-03-31T12:00:00Z -q bad.csv
	run -0 svc-report rejects --now 2026-04-01T00:00:00Z -f csv
	[ "$output" = "run,started,file,type,field,rows,first_line,example
$(q "SELECT max(run) FROM rejects"),2026-03-31T12:00:00+00:00,bad.csv,bad_time,created_at,2,3,column 'created_at': cannot read '31/02/2026' as a time: no such day in that month" ]
	svc-escalate --problems --now 2026-04-01T00:00:00Z --key category --min-tickets 2 -q >/dev/null
	run -0 svc-report problems --now 2026-04-01T00:00:00Z -f csv
	[ "${lines[0]}" = "problem,key,state,tickets,first_seen,last_seen,opened_at,opened_by,measure" ]
	[ "${#lines[@]}" = 3 ]
}

@test "formats: md, json, and an HTML page that xmllint accepts, with its charts and no script" {
	setup_sla
	run -0 svc-report sla --now 2026-04-01T00:00:00Z $P -f md
	[ "${lines[0]}" = "| metric         | completed | met | breached | compliance_pct | running | at_risk | overdue | median_elapsed_h | p90_elapsed_h |" ]
	run -0 svc-report sla --now 2026-04-01T00:00:00Z $P -f json
	[ "$(echo "$output" | jq -r '.[1].compliance_pct')" = "50.0" ]
	svc-report summary --now 2026-04-01T00:00:00Z $P -f html --title "Desk report" > page.html
	run -0 xmllint --html --noout page.html
	[ "$output" = "" ]
	[ "$(grep -c 'src="data:image/svg+xml;base64,' page.html)" = 4 ]
	[ "$(grep -o '<h2 id="[a-z]*">' page.html | tr '\n' ' ')" = '<h2 id="summary"> <h2 id="reasons"> <h2 id="backlog"> <h2 id="volume"> <h2 id="sla"> <h2 id="owners"> ' ]
	grep -q '<title>Desk report</title>' page.html
	! grep -qi '<script\|<link\|src="http\|url(' page.html
	# each chart is an SVG document with its bars
	for s in $(grep -o 'base64,[A-Za-z0-9+/=]*' page.html | cut -d, -f2); do
		echo "$s" | base64 -d > chart.svg
		xmllint --noout chart.svg
		grep -q '<svg xmlns="http://www.w3.org/2000/svg" width="720"' chart.svg
		grep -q '<rect x=' chart.svg
	done
	grep -q '@media print' page.html
}

@test "html: headless Chromium draws every chart with a non-zero size and logs nothing on the console" {
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || skip "no chromium (scripts/install-deps --browser)"
	setup_sla
	svc-report summary --now 2026-04-01T00:00:00Z $P -f html > page.html
	run -0 "$BATS_TEST_DIRNAME/../../scripts/check-html" page.html
	[ "$output" = "4 charts, 4 drawn, 0 console messages" ]
	# and the check fails on a chart that is not drawn and on console errors
	printf '<!DOCTYPE html><html><head><title>x</title></head><body><img alt="broken" src="data:image/svg+xml;base64,PHN2Zz4="><img alt="gone" src="nothere.png"></body></html>' > bad.html
	run -1 "$BATS_TEST_DIRNAME/../../scripts/check-html" bad.html
	[ "${lines[0]}" = "2 charts, 0 drawn, 1 console messages" ]
}

@test "usage errors and a missing database: exit status and message" {
	run -2 --separate-stderr svc-report --now "$NOW"
	[ "$stderr" = "svc-report: no report given (svc-report --help lists them)
Try 'svc-report --help' for more information." ]
	run -2 --separate-stderr svc-report weekly --now "$NOW"
	[ "$stderr" = "svc-report: unknown report 'weekly' (svc-report --help lists them)
Try 'svc-report --help' for more information." ]
	run -2 --separate-stderr svc-report backlog --period week --now "$NOW"
	[ "$stderr" = "svc-report: report 'backlog' does not take --period
Try 'svc-report --help' for more information." ]
	run -2 --separate-stderr svc-report breaches --by group_name --now "$NOW"
	[ "$stderr" = "svc-report: report 'breaches' does not take --by
Try 'svc-report --help' for more information." ]
	run -2 --separate-stderr svc-report volume --period year --now "$NOW"
	[ "$stderr" = "svc-report: --period: 'year' is not day, week or month
Try 'svc-report --help' for more information." ]
	run -2 --separate-stderr svc-report kpi --fcr-window soon --now "$NOW"
	[ "$stderr" = "svc-report: --fcr-window: 'soon' is not a duration such as 30d or 12h
Try 'svc-report --help' for more information." ]
	run -3 --separate-stderr svc-report summary --now "$NOW"
	[ "$stderr" = "svc-report: $SVC_DB: no such database (svc-import creates it; set --db or SVC_DB)" ]
	svc-import --now "$NOW" -q "$(RF asof-1.csv)" >/dev/null
	run -2 --separate-stderr svc-report volume --by created_at --now "$NOW"
	[ "$stderr" = "svc-report: --by: 'created_at' is not a ticket field or attrs.KEY (a time: use --period)" ]
	run -2 --separate-stderr svc-report tickets --where 'priority<=' --now "$NOW"
	[ "$stderr" = "svc-report: --where: expected a value at character 11" ]
	run -2 --separate-stderr svc-report tickets --where 'open and nosuch=1' --now "$NOW"
	[ "$stderr" = "svc-report: --where: 'nosuch' is not a ticket field, attrs.KEY or one of open, age_days, idle_days, breached, overdue, reopened, escalated, status_category" ]
	run -2 --separate-stderr svc-report volume --since 2026-03-01 --until 2026-02-01 --now "$NOW"
	[ "$stderr" = "svc-report: --since must be before --until
Try 'svc-report --help' for more information." ]
}

@test "--help: the reports and KPI definitions; each report's own help with its drill-down" {
	run -0 svc-report --help
	[ "${lines[0]}" = "usage: svc-report REPORT [--since T] [--until T] [--by FIELD[,FIELD]] [--period day|week|month] [--where COND] [-f FORMAT]" ]
	for r in summary volume backlog sla breaches owners kpi problems escalations rejects tickets; do
		[[ "$output" == *$'\n'"  $r "* ]]
	done
	[[ "$output" == *"  fcr "*"first-contact resolution"* ]]
	[[ "$output" == *"output: table, tsv, csv, json, md, html"* ]]
	run -0 svc-report backlog --help
	[[ "$output" == *"Drill-down: the age_6_30d cell for priority 2:"* ]]
	[[ "$output" == *"svc-report tickets --where 'open and priority=2 and age_days>=6"* ]]
	run -0 svc-report kpi --help
	[[ "$output" == *"  self_service "*"--self-window"* ]]
}

@test "real data: ServiceNow log: reopen rate and reassignments per resolved ticket equal the log's own counters" {
	need_data
	unzip -o -q "$DATA/uci-incident-event-log/incident_event_log.csv.zip" incident_event_log.csv
	svc-import --now "$NOW" -q --profile servicenow --null '?' --date-order dmy incident_event_log.csv >/dev/null
	run -0 svc-report kpi --now "$NOW" --since 2000-01-01T00:00:00Z -f csv
	# independently: the log as plain text, each incident's last row (its
	# highest sys_mod_count), those with a resolved_at or else a closed_at
	sqlite3 raw.db ".import --csv incident_event_log.csv log"
	read -r n reopen reassign <<< "$(sqlite3 -separator ' ' raw.db "SELECT count(*),
	    100.0 * sum(CAST(reopen_count AS INTEGER) > 0) / count(*),
	    avg(CAST(reassignment_count AS INTEGER))
	    FROM (SELECT number, reopen_count, reassignment_count, resolved_at, closed_at,
	        max(CAST(sys_mod_count AS INTEGER)) FROM log GROUP BY number)
	    WHERE resolved_at <> '?' OR closed_at <> '?'")"
	[ "$n" -gt 20000 ]
	[[ "$output" == *$'\n'"reopen_rate,$(printf '%.1f' "$reopen"),pct,$n"$'\n'* ]]
	[[ "$output" == *$'\n'"reassignments_per_ticket,$(printf '%.2f' "$reassign"),ratio,$n"$'\n'* ]]
}

@test "sla: a clock the last svc-sla run left running on a ticket done since is neither running nor overdue" {
	setup_sla
	# R3 and R4 are resolved by a later export; svc-sla has not run since
	printf 'ticket_id,status,resolved_at,updated_at\nR3,Resolved,2026-04-02T09:00:00Z,2026-04-02T09:00:00Z\nR4,Resolved,2026-04-02T09:00:00Z,2026-04-02T09:00:00Z\n' > done.csv
	svc-import --now 2026-04-02T10:00:00Z -q done.csv >/dev/null
	run -0 --separate-stderr svc-report sla --now 2026-04-01T00:00:00Z $P -f csv
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f1,6,8)" = "metric,running,overdue
first_response,1,1
resolution,2,1" ]
	run -0 --separate-stderr svc-report sla --now 2026-04-03T00:00:00Z $P -f csv
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f1,6,8)" = "metric,running,overdue
first_response,0,0
resolution,0,0" ]
	run -0 --separate-stderr svc-report summary --now 2026-04-03T00:00:00Z $P -f csv
	[ "$(printf '%s\n' "${lines[@]}" | grep -c 'overdue now,0,')" = 2 ]
	# and the summary says the clocks are older than --now, and the fix
	printf '%s\n' "${lines[@]}" | grep -qx 'sla,clocks as svc-sla left them at,2026-04-01T00:00:00+00:00,,svc-sla --all --now 2026-04-03T00:00:00+00:00'
	[ "$(count --now 2026-04-03T00:00:00Z --where 'open and overdue~"*resolution*"')" = 0 ]
}

@test "a row written after --now: the summary and its drill-down both count the ticket open, and its resolution is not yet known" {
	printf 'ticket_id,status,created_at,updated_at,resolved_at\nL1,Resolved,2026-04-01T08:00:00Z,2026-04-01T21:00:00Z,2026-04-06T10:00:00Z\nL2,Open,2026-04-01T08:00:00Z,2026-04-01T09:00:00Z,\nL3,Resolved,2026-03-30T08:00:00Z,2026-04-01T09:00:00Z,2026-04-01T09:00:00Z\n' > late.csv
	svc-import --now 2026-04-01T12:00:00Z -q late.csv > /dev/null
	run -0 --separate-stderr svc-report summary --now 2026-04-01T12:00:00Z -f tsv
	printf '%s\n' "${lines[@]}" | grep -qx "$(printf 'tickets\topen now\t2\t\tsvc-report tickets --where open')"
	[ "$(count --now 2026-04-01T12:00:00Z --where open)" = 2 ]
	run -0 --separate-stderr svc-report tickets --now 2026-04-01T12:00:00Z --where 'not open' -f csv
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f1,13)" = "ticket_id,resolved_at
L3,2026-04-01T09:00:00+00:00" ]
}
