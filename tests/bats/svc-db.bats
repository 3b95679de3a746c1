#!/usr/bin/env bats
# svc-db: init, the audit hash chain and its tamper test, check, backup,
# schema.
load helper

# a database whose audit holds >= 10,000 rows: 30,000 generated tickets
# routed (each priority or assignee set is an audit row)
setup_audit() {
	"$BATS_TEST_DIRNAME/../../scripts/gen-sample" -n 30000 -s 7 -c cfg >t.csv &&
	    for k in people catalog priority routing; do
		    svc-import --now "$NOW" -q --kind $k cfg/$k.csv || return 1
	    done &&
	    svc-import --now "$NOW" -q t.csv >/dev/null &&
	    # after the sample's last creation: routing leaves tickets not
	    # created yet alone
	    svc-route --now 2026-07-05T00:00:00Z -q --all >/dev/null 2>&1
}

@test "init creates a current database; verify on an empty audit" {
	run -0 --separate-stderr svc-db init
	[ "$stderr" = "svc-db: $SVC_DB: schema 8" ]
	[ "$(stat -c %a "$SVC_DB")" = 600 ]
	run -0 --separate-stderr svc-db verify -f tsv
	[ "$output" = "$(printf 'result\trows\thead_row\thead\tproblem\nok\t0\t0\t\t')" ]
	[ "$stderr" = "svc-db: audit chain intact: 0 rows, head none (row 0)" ]
}

@test "every audit row carries the SHA-256 of the one before and its own content" {
	svc-import --now "$NOW" -q --kind reasons "$FIX/escalate/reasons.csv"
	svc-import --now "$NOW" -q --kind people "$FIX/route/people.csv"
	# the config version, then the run's own row, for each import
	[ "$(q "SELECT group_concat(entity || ' ' || key, ', ') FROM audit")" = "config reasons, run 1, config people, run 2" ]
	# row 1 by hand: SHA-256 over 32 zero bytes, then each field tagged
	# (I: 8-byte big-endian integer, T: 8-byte length and bytes, N: null)
	eval "$(q "SELECT 'at=' || at || ' actor=' || actor || ' run=' || run FROM audit WHERE id=1")"
	be64() { printf '%016x' "$1" | sed 's/../\\x&/g'; }
	txt() { printf 'T'; printf "$(be64 ${#1})"; printf '%s' "$1"; }
	h=$( { head -c 32 /dev/zero; printf "I$(be64 1)"; printf "I$(be64 "$at")"
	    txt "$actor"; txt svc-import; printf "I$(be64 "$run")"; txt config
	    txt reasons; txt version; printf "N$(be64 0)"; txt 1; printf "N$(be64 0)"; } |
	    sha256sum | cut -d' ' -f1)
	[ "$(q 'SELECT hash FROM audit WHERE id=1')" = "$h" ]
	run -0 svc-db verify -f tsv
	[ "$(echo "$output" | tail -1 | cut -f1-3)" = "$(printf 'ok\t4\t4')" ]
}

@test "the audit is append-only for every writer but sqlite's own tools" {
	svc-import --now "$NOW" -q --kind reasons "$FIX/escalate/reasons.csv"
	run ! sqlite3 "$SVC_DB" "UPDATE audit SET actor='x'"
	[[ "$output" = *"audit rows are append-only"* ]]
	run ! sqlite3 "$SVC_DB" "DELETE FROM audit"
	[[ "$output" = *"audit rows are append-only"* ]]
}

@test "tamper: 200 single-byte edits, 200 deletions and 200 swaps on 10,000 audit rows are each found" {
	setup_audit
	n=$(q 'SELECT count(*) FROM audit')
	[ "$n" -ge 10000 ]
	# the columns edited are set in every row, so every edit changes one
	[ "$(q 'SELECT count(*) FROM audit WHERE key IS NULL OR field IS NULL OR new IS NULL OR run IS NULL')" = 0 ]
	run -0 svc-db verify -f tsv
	head=$(echo "$output" | tail -1 | cut -f4)
	[ "${#head}" = 64 ]
	sqlite3 "$SVC_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	cp "$SVC_DB" base.db
	cols=(at actor program run entity key field new hash detail)
	RANDOM=7
	for kind in edit delete swap; do
		for i in $(seq 200); do
			r=$(( (RANDOM * 32768 + RANDOM) % n + 1 ))
			case $kind in
			edit)
				c=${cols[$(( RANDOM % 9 ))]}
				k=$RANDOM
				if [ "$c" = at ] || [ "$c" = run ]; then
					# flip the lowest bit of the stored integer
					sql="UPDATE audit SET $c = ($c | 1) - ($c & 1) WHERE id=$r"
				else
					# flip the lowest bit of one character
					sql="UPDATE audit SET $c = substr($c, 1, $k % length($c)) || char((unicode(substr($c, 1 + $k % length($c), 1)) | 1) - (unicode(substr($c, 1 + $k % length($c), 1)) & 1)) || substr($c, 2 + $k % length($c)) WHERE id=$r"
				fi
				want="row $r: the hash does not match"
				;;
			delete)
				sql="DELETE FROM audit WHERE id=$r"
				if [ "$r" = "$n" ]; then
					want="the known head"
				else
					want="row $((r + 1)) follows row $((r - 1)): a row was removed"
				fi
				;;
			swap)
				s=$(( (RANDOM * 32768 + RANDOM) % n + 1 ))
				[ "$s" != "$r" ] || s=$(( r % n + 1 ))
				lo=$(( r < s ? r : s ))
				# every column but the id changes places
				sql="UPDATE audit SET id=-1 WHERE id=$r; UPDATE audit SET id=$r WHERE id=$s; UPDATE audit SET id=$s WHERE id=-1"
				want="row $lo: the hash does not match"
				;;
			esac
			rm -f t.db t.db-wal t.db-shm
			cp base.db t.db
			printf '%s\n' "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" \
			    "$sql;" "SELECT total_changes();" | sqlite3 t.db >changes
			[ "$(cat changes)" -ge 1 ] || { echo "$kind $r: nothing changed"; return 1; }
			run -1 --separate-stderr svc-db --db t.db verify --head "$head" -f tsv
			got=$(echo "$output" | tail -1 | cut -f5)
			[[ "$got" = "$want"* ]] || { echo "$kind row $r ($sql): got '$got', want '$want'"; return 1; }
		done
	done
	# and untouched, the same chain is intact with its head
	run -0 svc-db --db base.db verify --head "$head" -f tsv
	[ "$(echo "$output" | tail -1 | cut -f1)" = ok ]
}

@test "verify: the message names the first bad row; --head finds rows cut off the end" {
	svc-import --now "$NOW" -q --kind reasons "$FIX/escalate/reasons.csv"
	svc-import --now "$NOW" -q --kind people "$FIX/route/people.csv"
	svc-import --now "$NOW" -q --kind catalog "$FIX/route/catalog.csv"
	head=$(q 'SELECT hash FROM audit WHERE id=6')
	early=$(q 'SELECT hash FROM audit WHERE id=4')
	run -0 --separate-stderr svc-db verify --head "$early"
	[ "$stderr" = "svc-db: audit chain intact: 6 rows, head $head (row 6), known head found" ]
	sqlite3 "$SVC_DB" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id=6"
	run -0 svc-db verify
	run -1 --separate-stderr svc-db verify --head "$head"
	[ "$stderr" = "svc-db: $SVC_DB: audit the known head ${head:0:16}... is not in the chain (rows after it were removed, or it was never this file's)" ]
	sqlite3 "$SVC_DB" "DROP TRIGGER audit_no_update; UPDATE audit SET actor='mallory' WHERE id=1"
	run -1 --separate-stderr svc-db verify
	[ "$stderr" = "svc-db: $SVC_DB: audit row 1: the hash does not match the row and the one before it (changed, swapped, or a row before it removed)" ]
	run -2 --separate-stderr svc-db verify --head abc
	[ "$stderr" = "svc-db: --head: 'abc' is not a hash of 64 hex digits" ]
}

@test "check: integrity, rows_in and rejects; findings exit 1" {
	imp_bad -q "$BAD/bad-number.csv" >/dev/null || true
	run -0 --separate-stderr svc-db check -f tsv
	[ "$output" = "$(printf 'check\tfinding')" ]
	[ "$stderr" = "svc-db: ok: no findings" ]
	r=$(q 'SELECT run FROM rejects LIMIT 1')
	n=$(q "SELECT rows_rejected FROM runs WHERE id=$r")
	[ "$n" -ge 1 ]
	sqlite3 "$SVC_DB" "DELETE FROM rejects WHERE id=(SELECT min(id) FROM rejects)"
	run -1 --separate-stderr svc-db check -f tsv
	[ "$output" = "$(printf 'check\tfinding\nrejects\trun %s: rows_rejected %s but %s rejects stored' "$r" "$n" $((n - 1)))" ]
	[ "$stderr" = "svc-db: 1 findings" ]
}

@test "audit: each ticket change of an import is a row; check counts them against the history" {
	F="$FIX/sla"
	svc-import --now 2026-03-13T09:00:00Z -q "$F/tickets.csv" >/dev/null
	# a first import creates tickets: no change rows, only the run's own
	[ "$(q "SELECT count(*) FROM audit WHERE entity = 'ticket'")" = 0 ]
	svc-import --now 2026-03-13T09:00:00Z -q --kind events "$F/events.csv" >/dev/null
	sed 's/^W1,Pause over a weekend,3,New,\(.*\),2026-03-13T10:00:00+01:00$/W1,Pause over a weekend,2,Resolved,\1,2026-03-17T09:30:00+01:00/' "$F/tickets.csv" > t2.csv
	svc-import --now 2026-03-17T09:00:00Z -q t2.csv >/dev/null
	# what changed, its old and new value, when it happened (detail) and
	# the run, from the events file (run 2) and the changed export (run 3)
	[ "$(q "SELECT group_concat(run || ' ' || key || ' ' || field || ' ' || coalesce(old, '-') || ' > ' || new || ' ' || detail, char(10)) FROM audit WHERE entity = 'ticket'")" = "2 R1 reply - > Looking into it 2026-03-09T09:00:00+00:00
2 R1 status - > Resolved 2026-03-09T10:00:00+00:00
2 R1 status Resolved > In Progress 2026-03-10T08:00:00+00:00
2 R1 status In Progress > Resolved 2026-03-10T11:00:00+00:00
2 W1 status - > Pending 2026-03-13T13:00:00+00:00
2 W1 status Pending > In Progress 2026-03-16T10:00:00+00:00
3 W1 priority 3 > 2 2026-03-17T08:30:00+00:00
3 W1 status New > Resolved 2026-03-17T08:30:00+00:00
3 R1 status - > New 2026-03-09T08:00:00+00:00" ]
	[ "$(q "SELECT count(*) FROM ticket_events")" = 9 ]
	run -0 svc-db check
	# a history row removed behind the tools' backs no longer has the
	# count of its run's audit rows
	sqlite3 "$SVC_DB" "DELETE FROM ticket_events WHERE ticket_id = 'W1' AND run = 3 AND field = 'priority'"
	run -1 --separate-stderr svc-db check -f tsv
	[ "$output" = "$(printf 'check\tfinding\nhistory\trun 3: 2 rows in ticket_events, 3 audit rows for them')" ]
	[ "$stderr" = "svc-db: 1 findings" ]
}

@test "check: a clock event removed from the history is found" {
	F="$FIX/sla"
	for k in calendars holidays policies; do
		svc-import --now 2026-03-01T00:00:00Z -q --kind "$k" "$F/$k.csv"
	done
	svc-import --now 2026-03-13T09:00:00Z -q "$F/tickets.csv" >/dev/null
	svc-sla --now 2026-03-16T11:00:00Z -q --all >/dev/null
	run -0 svc-db check
	sqlite3 "$SVC_DB" "DELETE FROM sla_events WHERE ticket_id = 'H1' AND event = 'breach' AND metric = 'resolution'"
	run -1 --separate-stderr svc-db check -f tsv
	[ "$output" = "$(printf 'check\tfinding\nhistory\trun 5: 20 rows in sla_events, 21 audit rows for them')" ]
}

@test "backup: a consistent copy, 0600, never over a file" {
	svc-import --now "$NOW" -q "$FIX/import/good.csv" >/dev/null
	run -0 --separate-stderr svc-db backup copy.db
	[ "$stderr" = "svc-db: backed up $SVC_DB to copy.db" ]
	[ "$(stat -c %a copy.db)" = 600 ]
	[ "$(sqlite3 copy.db 'SELECT count(*) FROM tickets')" = "$(q 'SELECT count(*) FROM tickets')" ]
	run -0 svc-db --db copy.db verify -q
	run -3 --separate-stderr svc-db backup copy.db
	[ "$stderr" = "svc-db: copy.db: exists already; give a new file" ]
}

@test "schema, usage errors, no database" {
	svc-db -q init
	run -0 svc-db schema
	[ "${lines[0]}" = "-- svc schema 8 (application_id 1398162244)" ]
	[[ "$output" = *"CREATE TABLE audit("* ]]
	[[ "$output" = *"CREATE TABLE measures("* ]]
	run -2 --separate-stderr svc-db
	[ "$stderr" = "svc-db: no command given (svc-db --help lists them)
Try 'svc-db --help' for more information." ]
	run -2 --separate-stderr svc-db frob
	[ "${stderr%%$'\n'*}" = "svc-db: unknown command 'frob' (svc-db --help lists them)" ]
	run -2 --separate-stderr svc-db backup
	[ "${stderr%%$'\n'*}" = "svc-db: backup: no FILE given" ]
	run -2 --separate-stderr svc-db check --head 00
	[ "${stderr%%$'\n'*}" = "svc-db: check does not take --head" ]
	run -3 --separate-stderr svc-db --db nope.db verify
	[ "$stderr" = "svc-db: nope.db: no such database (svc-import creates it; set --db or SVC_DB)" ]
}

@test "a schema-6 database: readers ask for a migration; init seals its audit rows into the chain" {
	sqlite3 "$SVC_DB" <"$FIX/audit/schema6.sql"
	[ "$(q 'SELECT count(*) FROM audit')" = 13 ]
	run -3 --separate-stderr svc-db verify
	[ "$stderr" = "svc-db: $SVC_DB: schema version 6 is older than this program (8); run svc-db init (or svc-import) once to migrate it" ]
	run -0 --separate-stderr svc-db init
	[ "$stderr" = "svc-db: $SVC_DB: schema 8" ]
	[ "$(q 'SELECT count(*) FROM audit WHERE hash IS NULL')" = 0 ]
	run -0 svc-db verify -f tsv
	[ "$(echo "$output" | tail -1 | cut -f1-3)" = "$(printf 'ok\t13\t13')" ]
	# the writers go on from the sealed rows
	svc-import --now "$NOW" -q --kind reasons "$FIX/escalate/reasons.csv"
	run -0 svc-db verify -f tsv
	[ "$(echo "$output" | tail -1 | cut -f1-3)" = "$(printf 'ok\t15\t15')" ]
	run -0 svc-db check -q
}
