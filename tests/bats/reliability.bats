#!/usr/bin/env bats
# The reliability harnesses of tests/reliability (short profile; make
# check-long runs the long one) and the database's permissions.
load helper

R() { "$BATS_TEST_DIRNAME/../reliability/$1"; }

# a harness passes: exit 0, and its last line counts no failure
harness() {
	run -0 "$@"
	[[ "${lines[-1]}" =~ ^[a-z]+:\ [0-9]+\ checks,\ 0\ failed$ ]]
}

# the modes of the database, -wal and -shm while an import holds them open
# (it waits on its standard input); $1 umask, the rest svc-import options
modes_open() {
	local m=$1
	shift
	rm -f "$SVC_DB" "$SVC_DB-wal" "$SVC_DB-shm"
	(umask "$m"; { head -3 "$FIX/sla/tickets.csv"; sleep 1; tail -n +4 "$FIX/sla/tickets.csv"; } |
	    svc-import -q --now "$NOW" "$@" - >/dev/null) &
	local pid=$! i=0
	while [ ! -e "$SVC_DB-shm" ] && [ $i -lt 50 ]; do sleep 0.02; i=$((i + 1)); done
	stat -c '%a %g' "$SVC_DB" "$SVC_DB-wal" "$SVC_DB-shm" | tr '\n' ' '
	wait $pid
}

@test "permissions: 0600 with its -wal and -shm under umask 000 and 022" {
	[ "$(modes_open 000)" = "600 $(id -g) 600 $(id -g) 600 $(id -g) " ]
	[ "$(modes_open 022)" = "600 $(id -g) 600 $(id -g) 600 $(id -g) " ]
	rm -f "$SVC_DB"
	(umask 000; svc-db -q init)
	[ "$(stat -c %a "$SVC_DB")" = 600 ]
	(umask 000; svc-db -q backup copy.db)
	[ "$(stat -c %a copy.db)" = 600 ]
}

@test "permissions: --group makes the file and its -wal and -shm 0660 in that group" {
	g=$(id -g)
	[ "$(modes_open 000 --group "$g")" = "660 $g 660 $g 660 $g " ]
	[ "$(modes_open 077 --group "$(id -gn)")" = "660 $g 660 $g 660 $g " ]
	rm -f "$SVC_DB"
	run -0 svc-db --group "$g" init
	[ "$(stat -c '%a %g' "$SVC_DB")" = "660 $g" ]
	# an existing file keeps its mode
	chmod 600 "$SVC_DB"
	run -0 svc-import --group "$g" -q --now "$NOW" "$FIX/sla/tickets.csv"
	[ "$(stat -c %a "$SVC_DB")" = 600 ]
	run -2 --separate-stderr svc-db --group no-such-group-here init
	[ "$stderr" = "svc-db: --group: no group 'no-such-group-here'
Try 'svc-db --help' for more information." ]
	run -2 --separate-stderr svc-db --group "$g" check
	[ "$stderr" = "svc-db: check does not take --group
Try 'svc-db --help' for more information." ]
}

@test "crash: kill -9 during import, route, sla and escalate (short profile)" {
	ROWS=20000 KILLS=4 STAGE_TICKETS=5000 STAGE_KILLS=3 harness R crash.sh
	[ "${#lines[@]}" = 5 ]
}

@test "concurrency: importers, stages and readers at once; creators of one new file (short profile)" {
	SECONDS_RUN=5 ROUNDS=5 harness R concurrency.sh
	[ "${#lines[@]}" = 7 ]
}

@test "disk full: imports under ulimit -f end with exit 3 and the database unchanged" {
	ROWS=20000 harness R diskfull.sh
	[ "${#lines[@]}" = 6 ]
}

@test "hostile input: a 1 GiB field, a million columns, a 100 MB line, NUL and SQL in headers, 10 kB names" {
	harness R hostile.sh
	[ "${#lines[@]}" = 11 ]
}

@test "formula injection: 50 payloads through every CSV writer" {
	harness R injection.sh
	[ "${#lines[@]}" = 4 ]
}
