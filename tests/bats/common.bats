#!/usr/bin/env bats
# Behaviour every binary shares: help, version, usage errors, man pages.
load helper

PROGS="svc-import svc-route svc-sla svc-escalate svc-report svc-measure svc-approve svc-db"

@test "--help prints usage and the common options, exit 0" {
	for p in $PROGS; do
		run -0 --separate-stderr $p --help
		[[ "${lines[0]}" == "usage: $p "* ]]
		[[ "$output" == *"Common options:"* ]]
		[[ "$output" == *"--db PATH"* ]]
		[ -z "$stderr" ]
	done
}

@test "--version prints name and version, exit 0" {
	for p in $PROGS; do
		run -0 $p --version
		[[ "$output" =~ ^$p\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	done
}

@test "an unknown option is a usage error, exit 2" {
	run -2 --separate-stderr svc-import --bogus
	[ "$stderr" = "svc-import: unknown option '--bogus'
Try 'svc-import --help' for more information." ]
}

@test "an option without its value is a usage error, exit 2" {
	run -2 --separate-stderr svc-import --now "$NOW" --db
	[ "$stderr" = "svc-import: option '--db' needs a value
Try 'svc-import --help' for more information." ]
}

@test "a bad --format is a usage error" {
	run -2 --separate-stderr svc-import -f xml --now "$NOW" x.csv
	[ "${stderr_lines[0]}" = "svc-import: unknown format 'xml' (use table, tsv, csv or json)" ]
}

@test "a bad --now is a usage error" {
	run -2 --separate-stderr svc-import --now tomorrowish x.csv
	[ "${stderr_lines[0]}" = "svc-import: option '--now': cannot read 'tomorrowish' as a time: not a date" ]
}

@test "an unknown --tz is a usage error" {
	run -2 --separate-stderr svc-import --now "$NOW" --tz Mars/Base x.csv
	[ "${stderr_lines[0]}" = "svc-import: unknown time zone 'Mars/Base' (expected an IANA name such as Europe/Berlin)" ]
}

@test "SVC_NOW and SVC_TZ are read from the environment" {
	SVC_NOW=2026-02-01T00:00:00Z SVC_TZ=Europe/Berlin run -0 --separate-stderr \
	    svc-import -f csv "$FIX/import/good.csv"
	[ "$(q 'SELECT started FROM runs')" = 1769904000 ]
	[ "$(q "SELECT created_at FROM tickets WHERE ticket_id='T1'")" = 1767600000 ]
}

@test "--db wins over SVC_DB; SVC_USER is the actor" {
	run -0 --separate-stderr svc-import --now "$NOW" --db other.db "$FIX/import/good.csv"
	[ -f other.db ]
	[ ! -f "$SVC_DB" ]
	[ "$(sqlite3 other.db 'SELECT actor FROM runs')" = tester ]
	run -0 --separate-stderr svc-import --now "$NOW" --as alice --db other.db "$FIX/import/update.csv"
	[ "$(sqlite3 other.db 'SELECT actor FROM runs WHERE id=2')" = alice ]
}

@test "writing to a full stdout is a fatal error, exit 3" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -3 --separate-stderr bash -c 'svc-import --help >/dev/full'
	[ "$stderr" = "svc-import: write error on standard output" ]
}

@test "man pages lint clean with groff -mdoc -ww" {
	run -0 "$BATS_TEST_DIRNAME/../../scripts/check-man" \
	    "$BATS_TEST_DIRNAME"/../../man/*.[17]
}

@test "each man page SYNOPSIS matches the usage line of --help" {
	for p in $PROGS; do
		page="$BATS_TEST_DIRNAME/../../man/$p.1"
		syn=$(MANWIDTH=200 man -l "$page" 2>/dev/null | sed -n '/^SYNOPSIS/{n;p;}' | sed 's/^ *//;s/  */ /g')
		use=$($p --help | sed -n '1s/^usage: //p')
		[ "$syn" = "$use" ]
	done
}

@test "make install puts binaries and man pages under DESTDIR and PREFIX; uninstall removes them" {
	root="$BATS_TEST_DIRNAME/../.."
	run -0 make -s -C "$root" install DESTDIR="$BATS_TEST_TMPDIR/dest" PREFIX=/opt/svc
	for p in $PROGS; do
		[ -x "dest/opt/svc/bin/$p" ]
		[ -f "dest/opt/svc/share/man/man1/$p.1" ]
	done
	[ -f dest/opt/svc/share/man/man7/svc.7 ]
	[ "$(stat -c %a dest/opt/svc/share/man/man7/svc.7)" = 644 ]
	for p in svc $PROGS; do
		[ -x "dest/opt/svc/bin/$p" ]
		[ -f "dest/opt/svc/share/man/man1/$p.1" ]
		[ -f "dest/opt/svc/share/bash-completion/completions/$p" ]
	done
	run -0 dest/opt/svc/bin/svc-import --version
	# the dispatcher runs the commands installed beside it
	run -0 env PATH=/usr/bin:/bin dest/opt/svc/bin/svc import --version
	[ "$output" = "svc-import $(svc-import --version | cut -d' ' -f2)" ]
	run -0 make -s -C "$root" uninstall DESTDIR="$BATS_TEST_TMPDIR/dest" PREFIX=/opt/svc
	[ -z "$(find dest -type f)" ]
}

# rows of every table route, sla and escalate write, as one line
stage_counts() {
	q "SELECT (SELECT count(*) FROM runs WHERE program<>'svc-import') || ' ' || (SELECT count(*) FROM ticket_events) || ' ' || (SELECT count(*) FROM audit WHERE program<>'svc-import') || ' ' || (SELECT count(*) FROM sla_clocks) || ' ' || (SELECT count(*) FROM sla_events) || ' ' || (SELECT count(*) FROM notifications) || ' ' || (SELECT count(*) FROM route_state)"
}

@test "a header alone on standard input is nothing to do: route, sla and escalate write a header alone and change nothing" {
	E="$FIX/escalate"
	for k in calendars policies people catalog escalations; do
		svc-import --now 2026-03-01T00:00:00Z -q --kind "$k" "$E/$k.csv"
	done
	svc-import --now 2026-03-09T08:00:00Z -q "$E/tickets.csv" >/dev/null
	# what an import that loaded nothing passes on
	printf 'ticket_id,status\n' > empty.csv
	svc-import --now 2026-03-09T08:00:00Z -q empty.csv > hdr.tsv
	[ "$(cat hdr.tsv)" = "ticket_id	change" ]
	before=$(stage_counts)
	# late enough that a pass over all tickets would route, start clocks
	# and send
	T=2026-03-09T14:00:00Z
	run -0 --separate-stderr svc-route --now "$T" < hdr.tsv
	[ "$output" = "ticket_id	priority	group	assignee	rule	change	reason" ]
	[ "$stderr" = "svc-route: no tickets on standard input (a header alone): nothing to do" ]
	run -0 --separate-stderr svc-sla --now "$T" < hdr.tsv
	[ "$output" = "ticket_id	first_response	first_response_due_at	first_response_remaining	resolution	resolution_due_at	resolution_remaining	next_reply	next_reply_due_at	next_reply_remaining" ]
	[ "$stderr" = "svc-sla: no tickets on standard input (a header alone): nothing to do" ]
	run -0 --separate-stderr svc-escalate --now "$T" < hdr.tsv
	[ "$output" = "ticket_id	metric	level	rule	to	subject" ]
	[ "$stderr" = "svc-escalate: no tickets on standard input (a header alone): nothing to do" ]
	# the whole pipe, csv, quiet; rows whose ticket_id is empty are no tickets
	run -0 --separate-stderr bash -c "svc-import --now $T -q empty.csv | svc-route --now $T -q -f csv | svc-sla --now $T -q | svc-escalate --now $T -q -f csv"
	[ "$output" = "ticket_id,metric,level,rule,to,subject" ]
	[ -z "$stderr" ]
	run -0 --separate-stderr bash -c "printf 'ticket_id,x\n,1\n' | svc-sla --now $T -q -f json"
	[ "$output" = "[]" ]
	[ "$(stage_counts)" = "$before" ]
	# zero bytes (cron) still means every open ticket
	run -0 --separate-stderr svc-sla --now "$T" -q < /dev/null
	[ "$(q 'SELECT count(DISTINCT ticket_id) FROM sla_clocks')" = 3 ]
}
