#!/bin/sh
# concurrency.sh: four importers, route, sla, escalate and two report
# readers in loops on one database for SECONDS: no run fails (busy, locked
# or otherwise), no write is lost (the tickets at the end are those at the
# start plus the new ones each importer reported), integrity_check ok, the
# audit verifies and svc-db check has no findings.  Then OPENERS processes
# open a database that does not exist yet at the same moment, ROUNDS
# times: all succeed and the schema is current.
# Usage: [SECONDS=60 OPENERS=8 ROUNDS=20] tests/reliability/concurrency.sh
. "$(dirname "$0")/lib.sh"
secs=${SECONDS_RUN:-${SECONDS:-60}}
openers=${OPENERS:-8}
rounds=${ROUNDS:-20}
db=$work/c.db

"$root/scripts/gen-sample" -n 2000 -s 21 -c "$work/cfg" > "$work/base.csv" || exit 3
"$root/scripts/gen-sample" -n 200 -s 22 > "$work/chunk.csv" || exit 3
svc-db --db "$db" -q init || exit 3
load_config "$db" "$work/cfg" || exit 3
svc-import --db "$db" -q --now "$NOW" "$work/base.csv" >/dev/null || exit 3
start_n=$(q "$db" "SELECT count(*) FROM tickets")
end=$(( $(date +%s) + secs ))

# loop NAME CMD...: run CMD until the end, logging failures; the count of
# runs in $work/NAME.runs
loop() {
	name=$1
	shift
	n=0
	while [ "$(date +%s)" -lt "$end" ]; do
		if ! "$@" >"$work/$name.out" 2>"$work/$name.err"; then
			echo "$name: exit $? after $n runs: $(head -c 300 "$work/$name.err")" >>"$work/failures"
		fi
		n=$((n + 1))
	done
	echo "$n" >"$work/$name.runs"
}

# importer I: new tickets each time (ids I<i>-<j>-...), the new ones
# counted from its change stream
importer() {
	i=$1 j=0 new=0
	while [ "$(date +%s)" -lt "$end" ]; do
		j=$((j + 1))
		f=$work/imp$i.csv
		sed "2,\$s/^SVC-/I$i-$j-/" "$work/chunk.csv" >"$f"
		if svc-import --db "$db" --now "$NOW" -f tsv "$f" >"$work/imp$i.out" 2>"$work/imp$i.err"; then
			new=$((new + $(grep -c '	new$' "$work/imp$i.out")))
		else
			echo "importer $i: exit $? at run $j: $(head -c 300 "$work/imp$i.err")" >>"$work/failures"
		fi
	done
	echo "$new" >"$work/imp$i.new"
	echo "$j" >"$work/imp$i.runs"
}

: >"$work/failures"
for i in 1 2 3 4; do importer "$i" & done
loop route svc-route --db "$db" -q --now "$NOW" --all &
loop sla svc-sla --db "$db" -q --now "$NOW" --all &
loop escalate svc-escalate --db "$db" -q --now "$NOW" --all &
loop summary svc-report --db "$db" --now "$NOW" -f tsv summary &
loop backlog svc-report --db "$db" --now "$NOW" -f tsv tickets --where "status=New" &
wait
added=0 runs=""
for i in 1 2 3 4; do
	added=$((added + $(cat "$work/imp$i.new")))
	runs="$runs importer$i=$(cat "$work/imp$i.runs")"
done
for n in route sla escalate summary backlog; do runs="$runs $n=$(cat "$work/$n.runs")"; done
if [ -s "$work/failures" ]; then
	fail "${secs}s of 4 importers, route, sla, escalate and 2 readers: runs failed" "$(head -5 "$work/failures" | tr '\n' ' ')"
else
	pass "${secs}s of 4 importers, route, sla, escalate and 2 readers: no run failed ($runs )"
fi
got=$(q "$db" "SELECT count(*) FROM tickets")
if [ "$got" -eq $((start_n + added)) ]; then
	pass "no write lost: $start_n tickets + $added reported new = $got"
else
	fail "no write lost: $start_n tickets + $added reported new, but $got stored"
fi
check "integrity_check ok" test "$(q "$db" 'PRAGMA integrity_check')" = ok
silent() { "$@" >/dev/null; }
check "the audit chain verifies" silent svc-db --db "$db" -q verify -f tsv
check "svc-db check: no findings" silent svc-db --db "$db" -q check -f tsv

# openers: a database that does not exist yet, opened at once by many
schema=$(svc-db --db "$work/ref-schema.db" init 2>&1 | sed 's/.*schema //')
r=0 bad=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	new=$work/open$r.db
	rm -f "$work/go"
	k=0 pids=""
	while [ "$k" -lt "$openers" ]; do
		k=$((k + 1))
		(
			while [ ! -e "$work/go" ]; do sleep 0.01; done
			if [ $((k % 2)) -eq 0 ]; then
				svc-import --db "$new" -q --now "$NOW" "$work/chunk.csv" >/dev/null
			else
				svc-db --db "$new" -q init
			fi
		) 2>"$work/open$r.$k.err" &
		pids="$pids $!"
	done
	sleep 0.2
	touch "$work/go"
	for p in $pids; do wait "$p" || bad=$((bad + 1)); done
	v=$(q "$new" "PRAGMA user_version")
	[ "$v" = "$schema" ] || { bad=$((bad + 1)); echo "# round $r: schema $v, not $schema"; }
	[ "$(q "$new" 'SELECT count(*) FROM tickets')" = 200 ] || { bad=$((bad + 1)); echo "# round $r: tickets lost"; }
	[ "$(q "$new" 'PRAGMA integrity_check')" = ok ] || { bad=$((bad + 1)); echo "# round $r: integrity"; }
	ls "$work"/open$r.db.init.* >/dev/null 2>&1 && { bad=$((bad + 1)); echo "# round $r: a half-built file left"; }
	cat "$work"/open$r.*.err | sed "s/^/# round $r: /"
done
if [ "$bad" -eq 0 ]; then
	pass "$openers processes creating one database at once, $rounds times: all succeed, schema $schema, nothing left over"
else
	fail "$openers processes creating one database at once, $rounds times: $bad failures"
fi
done_checks
