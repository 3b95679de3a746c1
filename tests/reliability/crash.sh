#!/bin/sh
# crash.sh: kill -9 at random moments during an import and during route,
# sla and escalate passes.  After every kill: PRAGMA integrity_check is ok,
# the audit chain verifies, the ticket count is the count before or after
# the import (never between), and running the interrupted stage again
# gives the same final state (a digest of the tables it writes) as a run
# that was never interrupted.
# Usage: [ROWS=200000 KILLS=25 STAGE_TICKETS=100000 STAGE_KILLS=10 SEED=1]
#        tests/reliability/crash.sh
. "$(dirname "$0")/lib.sh"
rows=${ROWS:-200000}
kills=${KILLS:-25}
stage_n=${STAGE_TICKETS:-100000}
stage_kills=${STAGE_KILLS:-10}

# digest STAGE DB: the tables the stage writes, without run ids
digest() {
	case $1 in
	import) sql="SELECT * FROM tickets ORDER BY ticket_id;
	    SELECT ticket_id, at, field, old, new, actor, source FROM ticket_events ORDER BY ticket_id, at, field, new;
	    SELECT count(*) FROM runs WHERE program = 'svc-import' AND kind = 'tickets' AND rows_new > 0" ;;
	route) sql="SELECT ticket_id, priority, group_name, assignee FROM tickets ORDER BY ticket_id;
	    SELECT ticket_id, at, field, old, new FROM ticket_events WHERE source = 'route' ORDER BY ticket_id, field;
	    SELECT * FROM route_state ORDER BY 1, 2" ;;
	sla) sql="SELECT ticket_id, metric, cycle, policy, policy_version, calendar, target_s, start, stop, due_at, original_due_at, business_elapsed_s, paused_s, state, breached, breached_at, owner_at_breach, group_at_breach, breach_reason FROM sla_clocks ORDER BY 1, 2, 3;
	    SELECT ticket_id, metric, cycle, event, at, policy FROM sla_events ORDER BY 1, 2, 3, 4, 5" ;;
	escalate) sql="SELECT ticket_id, metric, rule, level, state, notify, recipient, why, fired_at, held_until, sent_at, reminders, last_sent_at, subject FROM notifications ORDER BY 1, 2, 3, 4" ;;
	esac
	sqlite3 "$2" "$sql" | sha256sum | cut -c1-64
}

# run STAGE DB: the stage, uninterrupted or to be killed
run_stage() {
	case $1 in
	import) exec svc-import --db "$2" -q --now "$NOW" "$work/t.csv" >/dev/null 2>&1 ;;
	route) exec svc-route --db "$2" -q --now "$NOW" --all >/dev/null 2>&1 ;;
	sla) exec svc-sla --db "$2" -q --now "$NOW" --all >/dev/null 2>&1 ;;
	escalate) exec svc-escalate --db "$2" -q --now "$NOW" --all --full >/dev/null 2>&1 ;;
	esac
}

# killtest STAGE BASE N: N kills of STAGE started on copies of BASE
killtest() {
	stage=$1 base=$2 n=$3
	cp "$base" "$work/ref.db"
	t0=$(date +%s%N)
	(run_stage "$stage" "$work/ref.db")
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	ref=$(digest "$stage" "$work/ref.db")
	before=$(q "$base" "SELECT count(*) FROM tickets")
	after=$(q "$work/ref.db" "SELECT count(*) FROM tickets")
	i=0 bad=0 mid=0 nb=0 na=0
	while [ "$i" -lt "$n" ]; do
		i=$((i + 1))
		db=$work/k.db
		rm -f "$db" "$db-wal" "$db-shm"
		cp "$base" "$db"
		# a moment in the first 110% of an uninterrupted run
		at=$(rnd $((ms * 11 / 10 + 1)))
		(run_stage "$stage" "$db") &
		pid=$!
		sleep "$(awk -v m="$at" 'BEGIN { printf "%.3f", m / 1000 }')"
		kill -9 "$pid" 2>/dev/null && mid=$((mid + 1))
		wait "$pid" 2>/dev/null
		ic=$(q "$db" "PRAGMA integrity_check")
		[ "$ic" = ok ] || { bad=1; echo "# $stage kill $i at ${at} ms: integrity_check: $ic"; }
		svc-db --db "$db" -q verify >/dev/null 2>&1 ||
		    { bad=1; echo "# $stage kill $i at ${at} ms: svc-db verify fails"; }
		c=$(q "$db" "SELECT count(*) FROM tickets")
		[ "$c" != "$before" ] || nb=$((nb + 1))
		[ "$c" != "$after" ] || na=$((na + 1))
		[ "$c" = "$before" ] || [ "$c" = "$after" ] ||
		    { bad=1; echo "# $stage kill $i at ${at} ms: $c tickets, neither $before nor $after"; }
		(run_stage "$stage" "$db") ||
		    { bad=1; echo "# $stage kill $i at ${at} ms: the run again fails"; }
		d=$(digest "$stage" "$db")
		[ "$d" = "$ref" ] ||
		    { bad=1; echo "# $stage kill $i at ${at} ms: state after the run again differs from an uninterrupted run"; }
	done
	if [ "$bad" -eq 0 ]; then
		pass "$stage: $n kills ($mid while running; a run takes ${ms} ms): integrity ok, audit verifies, tickets $before ($nb) or $after ($na), the run again gives the uninterrupted state"
	else
		fail "$stage: $n kills"
	fi
}

"$root/scripts/gen-sample" -n "$rows" -s 11 -c "$work/cfg" > "$work/t.csv" || exit 3
svc-db --db "$work/empty.db" -q init || exit 3
load_config "$work/empty.db" "$work/cfg" || exit 3
settle "$work/empty.db"
killtest import "$work/empty.db" "$kills"

# route, sla and escalate over stage_n tickets: each base is the state the
# stage before left
"$root/scripts/gen-sample" -n "$stage_n" -s 12 -c "$work/cfg" > "$work/t.csv" || exit 3
cp "$work/empty.db" "$work/s0.db"
svc-import --db "$work/s0.db" -q --now "$NOW" "$work/t.csv" >/dev/null || exit 3
svc-import --db "$work/s0.db" -q --now "$NOW" --kind events "$work/cfg/events.csv" >/dev/null || exit 3
# every ticket open and unowned, so route has work on each
sqlite3 "$work/s0.db" "UPDATE tickets SET assignee = NULL, group_name = NULL, priority = NULL WHERE rowid % 2 = 0" || exit 3
settle "$work/s0.db"
killtest route "$work/s0.db" "$stage_kills"
cp "$work/s0.db" "$work/s1.db"
svc-route --db "$work/s1.db" -q --now "$NOW" --all >/dev/null || exit 3
settle "$work/s1.db"
killtest sla "$work/s1.db" "$stage_kills"
cp "$work/s1.db" "$work/s2.db"
svc-sla --db "$work/s2.db" -q --now "$NOW" --all >/dev/null || exit 3
settle "$work/s2.db"
killtest escalate "$work/s2.db" "$stage_kills"
done_checks
