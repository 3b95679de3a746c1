#!/bin/sh
# hostile.sh: inputs meant to break a loader.  Each gives its documented
# error and exit status (svc-import(1), LIMITS), the peak memory of the
# run stays under 128 MiB, nothing crashes, and only the intended rows
# change (the other tables' digest is the same before and after).
# Usage: [BIG=1073741824 LINE=104857600 COLS=1000000]
#        tests/reliability/hostile.sh
. "$(dirname "$0")/lib.sh"
big=${BIG:-1073741824}
line=${LINE:-104857600}
cols=${COLS:-1000000}
limit_kb=${LIMIT_KB:-131072}
db=$work/h.db

# everything but the tickets (and the runs and rejects and audit rows a
# run adds)
others() {
	dump_digest "$db" tickets runs rejects audit ticket_events
}

# hostile WHAT RC STDERR TICKETS CMD...: run CMD (a shell line) reading
# nothing else; its exit status, its stderr, the tickets afterwards
# (a space-separated list of ids) and the peak memory are checked
hostile() {
	what=$1 want_rc=$2 want_err=$3 want_tickets=$4
	shift 4
	before=$(others)
	/usr/bin/time -f '%M' -o "$work/peak" sh -c "$*" >/dev/null 2>"$work/err"
	rc=$(sed -n 's/^Command exited with non-zero status //p' "$work/peak")
	rc=${rc:-0}
	kb=$(tail -1 "$work/peak")
	err=$(cat "$work/err")
	got=$(q "$db" "SELECT group_concat(ticket_id, ' ') FROM (SELECT ticket_id FROM tickets ORDER BY ticket_id)")
	why=""
	[ "$rc" = "$want_rc" ] || why="$why exit $rc (not $want_rc);"
	[ "$err" = "$want_err" ] || why="$why stderr \"$err\";"
	[ "$got" = "$want_tickets" ] || why="$why tickets \"$got\" (not \"$want_tickets\");"
	[ "$kb" -lt "$limit_kb" ] || why="$why peak ${kb} KiB;"
	[ "$(others)" = "$before" ] || why="$why other tables changed;"
	[ "$(q "$db" 'PRAGMA integrity_check')" = ok ] || why="$why integrity;"
	if [ -z "$why" ]; then
		pass "$what: exit $rc, \"$want_err\", peak $((kb / 1024)) MiB"
	else
		fail "$what:$why"
	fi
}

svc-db --db "$db" -q init || exit 3
"$root/scripts/gen-sample" -n 10 -s 41 -c "$work/cfg" > /dev/null || exit 3
load_config "$db" "$work/cfg" || exit 3
imp="svc-import --db $db -q --now $NOW"
cd "$work" || exit 3

# a field of BIG bytes in quotes, streamed from a pipe: the record is cut
# at 8 MiB and rejected, the good rows around it load
hostile "a $((big >> 20)) MiB field" 1 \
    "svc-import: <stdin>:3: record longer than 8388608 bytes" "A1 A2" \
    "{ printf 'ticket_id,title\nA1,ok\nA0,\"'; head -c $big /dev/zero | tr '\\0' a; printf '\"\nA2,ok\n'; } | $imp --max-rejects 100% -"

# a header of COLS columns
awk -v n="$cols" 'BEGIN { printf "ticket_id"; for (i = 1; i < n; i++) printf ",c%d", i; printf "\nB1"; for (i = 1; i < n; i++) printf ",v"; printf "\n" }' > wide.csv
hostile "a header of $cols columns" 3 \
    "svc-import: wide.csv:1: header: more than 4096 fields" "A1 A2" \
    "$imp wide.csv"

# a last line of LINE bytes and no newline
{ printf 'ticket_id,title\nC1,ok\n'; head -c "$line" /dev/zero | tr '\0' x; } > long.csv
hostile "a $((line >> 20)) MB line without a newline" 1 \
    "svc-import: long.csv:3: record longer than 8388608 bytes" "A1 A2 C1" \
    "$imp --max-rejects 100% long.csv"

# a NUL byte in the header
printf 'ticket_id,ti\000tle\nD1,x\n' > nul.csv
hostile "a NUL byte in the header" 3 \
    "svc-import: nul.csv:1: header: NUL byte in the record" "A1 A2 C1" \
    "$imp nul.csv"

# SQL in a header: a column name like any other, kept in attrs
printf 'ticket_id,"x""); DROP TABLE tickets;--"\nE1,boom\n' > sql.csv
hostile "SQL in a header" 0 "" "A1 A2 C1 E1" "$imp sql.csv"
check "the SQL header is an attrs key, not a statement" test \
    "$(q "$db" "SELECT attrs FROM tickets WHERE ticket_id = 'E1'")" = '{"x\"); DROP TABLE tickets;--":"boom"}'

# 10 kB rule, policy and calendar names
name=$(head -c 10240 /dev/zero | tr '\0' r)
{ head -1 "$work/cfg/escalations.csv"; sed -n 2p "$work/cfg/escalations.csv" | sed "s/^[^,]*,/$name,/"; } > esc.csv
hostile "a 10 kB escalation rule name" 3 \
    "svc-import: esc.csv:2: column 'rule': a name longer than 200 bytes
svc-import: esc.csv: 1 of 1 rows rejected; an escalations file loads whole or not at all, nothing was committed" \
    "A1 A2 C1 E1" "$imp --kind escalations esc.csv"
{ head -1 "$work/cfg/policies.csv"; sed -n 2p "$work/cfg/policies.csv" | sed "s/^[^,]*,/$name,/"; } > pol.csv
hostile "a 10 kB SLA policy name" 3 \
    "svc-import: pol.csv:2: column 'policy': a name longer than 200 bytes
svc-import: pol.csv: 1 of 1 rows rejected; a policies file loads whole or not at all, nothing was committed" \
    "A1 A2 C1 E1" "$imp --kind policies pol.csv"
done_checks
