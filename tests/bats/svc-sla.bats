#!/usr/bin/env bats
# svc-sla: business-hours arithmetic, clocks, events, --explain, --lint.
load helper

SF() { echo "$FIX/sla/$1"; }
CFG=2026-03-01T00:00:00Z

# calendars, holidays and policies valid from 1 March 2026
setup_config() {
	for k in calendars holidays policies; do
		svc-import --now "$CFG" -q --kind "$k" "$(SF "$k.csv")" || return 1
	done
}

# the config, the tickets and their history
setup_clocks() {
	setup_config || return 1
	svc-import --now 2026-03-13T09:00:00Z -q "$(SF tickets.csv)" >/dev/null &&
	    svc-import --now 2026-03-13T09:00:00Z -q --kind events \
	    "$(SF events.csv)" >/dev/null
}

calc() {
	svc-sla calc --now "$CFG" "$@"
}

@test "calc: split shifts count only their windows" {
	setup_config
	run -0 calc --calendar split --tz Europe/Berlin --between 2026-03-02T07:00 2026-03-02T18:00
	[ "$output" = 28800 ]
	run -0 calc --calendar split --tz Europe/Berlin --add 5h 2026-03-02T10:00
	[ "$output" = 2026-03-02T16:00:00+01:00 ]
}

@test "calc: an overnight window belongs to the day it starts" {
	setup_config
	# Fri 22:00-Sat 06:00 and Mon 22:00-23:00; no window starts on Sunday
	run -0 calc --calendar night --tz America/New_York --between 2026-03-13T20:00 2026-03-16T23:00
	[ "$output" = 32400 ]
}

@test "calc: yearly and one-off holidays, a partial-day closure" {
	setup_config
	# 25 December 2025 is a Thursday: closed all day
	run -0 calc --calendar office --tz Europe/Berlin --between 2025-12-24T09:00 2025-12-26T17:00
	[ "$output" = 57600 ]
	# 6 March 2026: closed from 13:00
	run -0 calc --calendar office --tz Europe/Berlin --between 2026-03-06T09:00 2026-03-06T17:00
	[ "$output" = 14400 ]
	run -0 calc --calendar office --tz Europe/Berlin --add 4h 2026-03-06T10:00
	[ "$output" = 2026-03-09T10:00:00+01:00 ]
}

@test "calc: daylight saving in Europe/Berlin and America/New_York" {
	setup_config
	run -0 calc --calendar berlin --tz Europe/Berlin --between 2026-03-28T12:00 2026-03-29T12:00
	[ "$output" = 82800 ]
	run -0 calc --calendar berlin --tz Europe/Berlin --between 2026-10-24T12:00 2026-10-25T12:00
	[ "$output" = 90000 ]
	# office hours stay 09:00-17:00 local across the change
	run -0 calc --calendar office --tz Europe/Berlin --add 8h 2026-03-27T13:00
	[ "$output" = 2026-03-30T13:00:00+02:00 ]
	run -0 calc --calendar newyork --tz America/New_York --between 2026-03-07T12:00 2026-03-08T12:00
	[ "$output" = 82800 ]
	run -0 calc --calendar newyork --tz America/New_York --between 2026-10-31T12:00 2026-11-01T12:00
	[ "$output" = 90000 ]
	run -0 calc --calendar newyork --tz America/New_York --add 24h 2026-11-01T00:00
	[ "$output" = 2026-11-01T23:00:00-05:00 ]
}

@test "calc: a half-hour zone" {
	setup_config
	# Monday 05:30 to Tuesday 05:30 in Kolkata: Monday 09:30-18:00
	run -0 calc --calendar kolkata --between 2026-03-02T00:00:00Z 2026-03-03T00:00:00Z
	[ "$output" = 30600 ]
	run -0 calc --calendar kolkata --tz Asia/Kolkata --add 1h 2026-03-02T12:00:00Z
	[ "$output" = 2026-03-03T10:00:00+05:30 ]
}

@test "calc: 0 seconds rolls to the next opening, END before START is 0, 24x7 needs no database" {
	setup_config
	run -0 calc --calendar office --tz Europe/Berlin --add 0 2026-03-14T12:00
	[ "$output" = 2026-03-16T09:00:00+01:00 ]
	run -0 calc --calendar office --between 2026-03-10T00:00Z 2026-03-09T00:00Z
	[ "$output" = 0 ]
	run -0 svc-sla calc --db "$BATS_TEST_TMPDIR/none.db" --add 90m 2026-03-14T12:00:00Z
	[ "$output" = 2026-03-14T13:30:00+00:00 ]
}

@test "calc: usage errors and an unknown calendar" {
	setup_config
	run -2 --separate-stderr calc --calendar office 2026-03-02T10:00
	[ "$stderr" = "svc-sla: give one of --between or --add
Try 'svc-sla calc --help' for more information." ]
	run -2 --separate-stderr calc --calendar office --between 2026-03-02T10:00
	[ "$stderr" = "svc-sla: --between takes START and END
Try 'svc-sla calc --help' for more information." ]
	run -2 --separate-stderr calc --calendar office --add soon 2026-03-02T10:00
	[ "$stderr" = "svc-sla: --add: 'soon' is not a number of seconds or a duration such as 4h
Try 'svc-sla calc --help' for more information." ]
	run -2 --separate-stderr calc --calendar mars --add 1h 2026-03-02T10:00
	[ "${stderr_lines[0]}" = "svc-sla: no calendar 'mars' (load one with svc-import --kind calendars)" ]
}

@test "clocks: a pause over a weekend, a breach with its owner, a row per ticket with its changed clocks" {
	setup_clocks
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z --tz Europe/Berlin -f tsv <<-EOF
	ticket_id
	W1
	EOF
	[ "$output" = "ticket_id	first_response	first_response_due_at	first_response_remaining	resolution	resolution_due_at	resolution_remaining	next_reply	next_reply_due_at	next_reply_remaining
W1	breached	2026-03-13T14:00:00+01:00	-21600	running	2026-03-17T15:00:00+01:00	39600			" ]
	[ "$stderr" = "svc-sla: 1 tickets, 2 clocks, 2 changed, 6 events (run 6)" ]
	# 4h before the pause, 1h after; paused Fri 14:00 to Mon 11:00
	[ "$(q "SELECT business_elapsed_s, paused_s, original_due_at, state FROM sla_clocks WHERE ticket_id='W1' AND metric='resolution'")" = "18000|248400|$(date -d 2026-03-17T10:00:00+01:00 +%s)|running" ]
	[ "$(q "SELECT group_concat(event || '@' || datetime(at, 'unixepoch'), ' ') FROM (SELECT * FROM sla_events WHERE ticket_id='W1' ORDER BY at, event)")" = "warn_50@2026-03-13 11:00:00 warn_75@2026-03-13 12:00:00 warn_90@2026-03-13 12:36:00 breach@2026-03-13 13:00:00 pause@2026-03-13 13:00:00 resume@2026-03-16 10:00:00" ]
	[ "$(q "SELECT breached_at, owner_at_breach IS NULL, breach_reason FROM sla_clocks WHERE ticket_id='W1' AND metric='first_response'")" = "$(date -d 2026-03-13T14:00:00+01:00 +%s)|1|4h business target passed with status 'Pending' and no assignee" ]
}

@test "clocks: a reopen starts a new resolution cycle; a reply stops first response" {
	setup_clocks
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z --tz Europe/Berlin -f tsv --all
	[ "$(q "SELECT group_concat(metric || '/' || cycle || ':' || state || ':' || business_elapsed_s, ' ') FROM (SELECT * FROM sla_clocks WHERE ticket_id='R1' ORDER BY metric, cycle)")" = "first_response/1:met:3600 resolution/1:met:7200 resolution/2:met:10800" ]
	[ "$(q "SELECT datetime(start, 'unixepoch'), datetime(stop, 'unixepoch') FROM sla_clocks WHERE ticket_id='R1' AND cycle=2")" = "2026-03-10 08:00:00|2026-03-10 11:00:00" ]
	[ "$(q "SELECT count(*) FROM sla_events WHERE ticket_id='R1' AND event='met'")" = 3 ]
}

@test "clocks: thresholds crossed between two runs are recorded at their true times, once" {
	setup_clocks
	run -0 --separate-stderr svc-sla --now 2026-03-09T08:10:00Z -f tsv <<-EOF
	ticket_id
	H1
	EOF
	[ "$(q "SELECT count(*) FROM sla_events WHERE ticket_id='H1'")" = 0 ]
	run -0 --separate-stderr svc-sla --now 2026-03-10T09:00:00Z -f tsv <<-EOF
	ticket_id
	H1
	EOF
	[ "$output" = "ticket_id	first_response	first_response_due_at	first_response_remaining	resolution	resolution_due_at	resolution_remaining	next_reply	next_reply_due_at	next_reply_remaining
H1	breached	2026-03-09T09:00:00+00:00	-28800	breached	2026-03-09T16:00:00+00:00	-3600			" ]
	[ "$(q "SELECT group_concat(event || '@' || datetime(at, 'unixepoch'), ' ') FROM (SELECT * FROM sla_events WHERE ticket_id='H1' AND metric='resolution' ORDER BY at)")" = "warn_50@2026-03-09 12:00:00 warn_75@2026-03-09 14:00:00 warn_90@2026-03-09 15:12:00 breach@2026-03-09 16:00:00" ]
	run -0 --separate-stderr svc-sla --now 2026-03-10T10:00:00Z -f tsv <<-EOF
	ticket_id
	H1
	EOF
	[ "$(q "SELECT count(*) FROM sla_events WHERE ticket_id='H1'")" = 8 ]
}

@test "clocks: a priority change mid-clock re-matches the policy; an earlier --now sees the old one" {
	setup_clocks
	svc-sla --now 2026-03-16T09:00:00Z -q --all >/dev/null
	[ "$(q "SELECT policy, state FROM sla_clocks WHERE ticket_id='W1' AND metric='resolution'")" = "standard|paused" ]
	printf 'ticket_id,priority,updated_at\nW1,1,2026-03-16T11:30:00+01:00\n' |
	    svc-import --now 2026-03-16T10:30:00Z -q >/dev/null
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z --tz Europe/Berlin -f tsv --all
	[ "$(q "SELECT policy, state, target_s, datetime(due_at, 'unixepoch') FROM sla_clocks WHERE ticket_id='W1' AND metric='resolution'")" = "urgent|running|28800|2026-03-16 14:00:00" ]
	# as of 11:00 Berlin the priority was still 3 (it became 1 at 11:30)
	run -0 svc-sla --now 2026-03-16T10:00:00Z --explain W1
	[[ "$output" == *"resolution: policy standard (order 20, line 5) matches (no condition)"* ]]
	run -0 svc-sla --now 2026-03-16T11:00:00Z --explain W1
	[[ "$output" == *"resolution: policy urgent (order 10, line 3) matches: priority<=2"* ]]
}

@test "clocks: a second run as of the same time changes nothing; -n commits nothing" {
	setup_clocks
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z -n -f tsv --all
	[ "${#lines[@]}" -eq 4 ]
	[ "$stderr" = "svc-sla: 3 tickets, 7 clocks, 7 changed, 17 events (dry run, nothing committed)" ]
	[ "$(q "SELECT count(*) FROM sla_clocks")" = 0 ]
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z -f tsv --all
	[ "$stderr" = "svc-sla: 3 tickets, 7 clocks, 7 changed, 17 events (run 6)" ]
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z -f tsv --all
	[ "$output" = "ticket_id	first_response	first_response_due_at	first_response_remaining	resolution	resolution_due_at	resolution_remaining	next_reply	next_reply_due_at	next_reply_remaining" ]
	[ "$stderr" = "svc-sla: 3 tickets, 7 clocks, 0 changed, 0 events (run 7)" ]
}

@test "clocks: completed clocks keep their policy version unless --recompute" {
	setup_clocks
	svc-sla --now 2026-03-16T11:00:00Z -q --all >/dev/null
	sed 's/^standard,20,,first_response,4h/standard,20,,first_response,30m/' "$(SF policies.csv)" > p2.csv
	svc-import --now 2026-03-16T11:00:00Z -q --kind policies p2.csv
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z -f tsv --all
	[ "$(q "SELECT policy_version, state FROM sla_clocks WHERE ticket_id='R1' AND metric='first_response'")" = "1|met" ]
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z -f tsv --all --recompute
	[ "$(q "SELECT policy_version, state FROM sla_clocks WHERE ticket_id='R1' AND metric='first_response'")" = "2|breached" ]
}

@test "audit: one row per clock event written, and per clock moved to another policy" {
	setup_clocks
	svc-sla --now 2026-03-16T11:00:00Z -q --all >/dev/null
	[ "$(q "SELECT group_concat(key || ' ' || field || ' ' || new || ' ' || detail || ' ' || run, char(10)) FROM audit WHERE entity = 'clock' AND key LIKE 'W1/%'")" = "W1/first_response/1 warn_50 2026-03-13T11:00:00+00:00 standard 6
W1/first_response/1 warn_75 2026-03-13T12:00:00+00:00 standard 6
W1/first_response/1 warn_90 2026-03-13T12:36:00+00:00 standard 6
W1/first_response/1 breach 2026-03-13T13:00:00+00:00 standard 6
W1/resolution/1 pause 2026-03-13T13:00:00+00:00 standard 6
W1/resolution/1 resume 2026-03-16T10:00:00+00:00 standard 6" ]
	# every event, no more: the same rows as sla_events
	[ "$(q "SELECT count(*) FROM audit WHERE entity = 'clock'")" = 17 ]
	[ "$(q "SELECT count(*) FROM sla_events e WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.entity = 'clock' AND a.run = e.run AND a.key = e.ticket_id || '/' || e.metric || '/' || e.cycle AND a.field = e.event AND a.new = strftime('%Y-%m-%dT%H:%M:%S+00:00', e.at, 'unixepoch') AND a.detail = e.policy)")" = 0 ]
	# a run that writes no event writes no clock row
	svc-sla --now 2026-03-16T11:00:00Z -q --all >/dev/null
	[ "$(q "SELECT count(*) FROM audit WHERE entity = 'clock'")" = 17 ]
	# the running clocks of W1 move to a renamed policy
	sed 's/^standard,/normal,/' "$(SF policies.csv)" > p2.csv
	svc-import --now 2026-03-16T11:00:00Z -q --kind policies p2.csv
	svc-sla --now 2026-03-16T12:00:00Z -q --all >/dev/null
	[ "$(q "SELECT group_concat(key || ' ' || field || ' ' || old || ' ' || new || ' ' || detail, char(10)) FROM audit WHERE entity = 'clock' AND field = 'policy'")" = "W1/first_response/1 policy standard normal version 2
W1/resolution/1 policy standard normal version 2" ]
	run -0 svc-db check
	run -0 svc-db verify
}

@test "--explain prints the policy, each stretch and the outcome" {
	setup_clocks
	run -0 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z --tz Europe/Berlin --explain W1
	[ "${lines[0]}" = "ticket W1 as of 2026-03-16T12:00:00+01:00" ]
	[[ "$output" == *"resolution: policy urgent (order 10, line 3) does not match
    priority<=2: '3' -> no"* ]]
	[[ "$output" == *"  cycle 1: from 2026-03-13T10:00:00+01:00, target 16h business on calendar 'office' (Europe/Berlin)
    running   2026-03-13T10:00:00+01:00 .. 2026-03-13T14:00:00+01:00 4h
    paused    2026-03-13T14:00:00+01:00 .. 2026-03-16T11:00:00+01:00 (status 'Pending')
    running   2026-03-16T11:00:00+01:00 .. 2026-03-16T12:00:00+01:00 1h"* ]]
	[[ "$output" == *"    due 2026-03-17T15:00:00+01:00 (before pauses 2026-03-17T10:00:00+01:00); 5h elapsed (31%), running"* ]]
	[ "$(q "SELECT count(*) FROM sla_clocks")" = 0 ]
	run -3 --separate-stderr svc-sla --now 2026-03-16T11:00:00Z --explain NOPE
	[ "$stderr" = "svc-sla: no ticket 'NOPE'" ]
}

@test "--lint reports shadowed and impossible policies, unknown fields and calendars, odd calendars and holidays" {
	for k in calendars holidays; do
		svc-import --now "$CFG" -q --kind "$k" "$(SF "lint-$k.csv")"
	done
	svc-import --now "$CFG" -q --kind policies "$(SF lint-policies.csv)"
	run -1 --separate-stderr svc-sla --now "$CFG" --lint
	P=$(SF lint-policies.csv) C=$(SF lint-calendars.csv) H=$(SF lint-holidays.csv)
	[ "$output" = "$P:3: never reached: the rule at line 2 (order 10) matches first
$P:4: the condition can never be true
$P:6: field 'prority' does not exist
$P:2: policy all: calendar 'office' does not exist
$P:3: policy late: calendar 'office' does not exist
$P:4: policy never: calendar 'office' does not exist
$P:5: policy nocal: calendar 'nowhere' does not exist
$P:5: policy nocal: warn threshold 100% is at or above 100%
$P:6: policy typo: calendar 'office' does not exist
$C: calendar 'desk': windows overlap on wed at 16:00
$C: calendar 'desk': holiday 2026-03-07 is a sat, which has no working time
$H:4: holiday 01-01: calendar 'gone' does not exist" ]
	[ "$stderr" = "svc-sla: 12 findings" ]
	setup_config
	run -0 --separate-stderr svc-sla --now "$CFG" --lint
	[ "$output" = "" ]
	[ "$stderr" = "svc-sla: 0 findings" ]
}

@test "bad policy files: exact file:line:col errors, exit 3, nothing committed" {
	run -3 --separate-stderr svc-import --now "$CFG" --kind policies "$(SF bad-policies.csv)"
	[ "$stderr" = "svc-import: $(SF bad-policies.csv):3:11: when: expected a value
svc-import: $(SF bad-policies.csv): 1 of 2 rows rejected; a policies file loads whole or not at all, nothing was committed" ]
	run -3 --separate-stderr svc-import --now "$CFG" --kind policies "$(SF bad-target.csv)"
	[ "${stderr_lines[0]}" = "svc-import: $(SF bad-target.csv):2: column 'target': '4 hours' is not a duration such as 30m, 4h, 2d or 1h30m" ]
	[ "$(q "SELECT count(*) FROM policies")" = 0 ]
	run -3 --separate-stderr svc-sla --now "$CFG" --all
	[ "$stderr" = "svc-sla: no SLA policies valid at --now (load them with svc-import --kind policies)" ]
}

@test "a policy naming a calendar that does not exist stops the run" {
	svc-import --now "$CFG" -q --kind policies "$(SF policies.csv)"
	run -3 --separate-stderr svc-sla --now "$CFG" --all
	[ "$stderr" = "svc-sla: policy 'urgent' (line 2): no calendar 'office' (load one with svc-import --kind calendars)" ]
}

@test "the business-hours vectors of business_time and businesstimedelta agree" {
	need_data
	command -v python3 >/dev/null || skip "python3 is absent"
	run -0 "$BATS_TEST_DIRNAME/../../scripts/business-vectors" "$DATA"
	[ "${lines[-1]}" = "32 of 32 agree (68 not applicable)" ]
}

@test "clocks: next_reply runs from a customer message to the next reply, a cycle each" {
	setup_clocks
	printf 'policy,order,when,metric,target,unit,calendar,pause_on,warn_at\nchat,10,,next_reply,2h,business,office,,\n' > p.csv
	svc-import --now "$CFG" -q --kind policies p.csv
	cat > ev.csv <<-EOF
	ticket_id,at,field,value
	W1,2026-03-16T09:30:00+01:00,message,Any news?
	W1,2026-03-16T09:45:00+01:00,message,Hello?
	W1,2026-03-16T10:00:00+01:00,reply,Working on it
	W1,2026-03-16T15:00:00+01:00,message,Still broken
	EOF
	svc-import --now 2026-03-16T16:00:00Z -q --kind events ev.csv >/dev/null
	# the second message waits past closing time; Tuesday 09:30 it is late
	run -0 --separate-stderr svc-sla --now 2026-03-17T08:30:00Z --tz Europe/Berlin -f tsv <<-EOF
	ticket_id
	W1
	EOF
	[ "$output" = "ticket_id	first_response	first_response_due_at	first_response_remaining	resolution	resolution_due_at	resolution_remaining	next_reply	next_reply_due_at	next_reply_remaining
W1							breached	2026-03-16T17:00:00+01:00	-1800" ]
	[ "$(q "SELECT group_concat(cycle || ':' || state || ':' || datetime(due_at, 'unixepoch'), ' ') FROM (SELECT * FROM sla_clocks WHERE ticket_id='W1' AND metric='next_reply' ORDER BY cycle)")" = "1:met:2026-03-16 10:30:00 2:breached:2026-03-16 16:00:00" ]
}
