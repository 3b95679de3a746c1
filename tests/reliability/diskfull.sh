#!/bin/sh
# diskfull.sh: imports under ulimit -f at several sizes (SIGXFSZ ignored,
# so a write past the limit fails as on a full disk): each that cannot
# write ends with exit 3, a message that says nothing was committed, and
# the database unchanged (the same digest of every table, integrity ok).
# Usage: [ROWS=20000] tests/reliability/diskfull.sh
. "$(dirname "$0")/lib.sh"
rows=${ROWS:-20000}
db=$work/d.db

"$root/scripts/gen-sample" -n 5000 -s 31 -c "$work/cfg" > "$work/a.csv" || exit 3
"$root/scripts/gen-sample" -n "$rows" -s 32 | sed '2,$s/^SVC-/B-/' > "$work/b.csv" || exit 3
svc-db --db "$db" -q init || exit 3
load_config "$db" "$work/cfg" || exit 3
svc-import --db "$db" -q --now "$NOW" "$work/a.csv" >/dev/null || exit 3
settle "$db"
before=$(dump_digest "$db")
size=$(( $(wc -c < "$db") / 1024 ))
# the database once the import is in (a limit under it fails before the
# commit; one above it may fail only in the checkpoint after the commit).
# The import's transaction goes to the WAL, which must hold about
# need - size: the last limit is half of that, so the WAL cannot fit
# whatever the database's own size (halfway between the two sizes the
# WAL sometimes fits, and the commit rightly goes through)
cp "$db" "$work/trial.db"
svc-import --db "$work/trial.db" -q --now "$NOW" "$work/b.csv" >/dev/null || exit 3
need=$(( $(wc -c < "$work/trial.db") / 1024 ))
msg="svc-import: d.db: commit: disk I/O error (disk full, a file size limit or a failing disk); nothing was committed"
for limit in 64 $((size / 2)) $((size + 64)) $(((need - size) / 2)); do
	rm -f "$db-wal" "$db-shm"
	(cd "$work" && bash -c "trap '' XFSZ; ulimit -f $limit; exec svc-import --db d.db -q --now $NOW b.csv" >/dev/null 2>"$work/err")
	rc=$?
	err=$(cat "$work/err")
	after=$(dump_digest "$db")
	ic=$(q "$db" "PRAGMA integrity_check")
	if [ "$rc" -eq 3 ] && [ "$after" = "$before" ] && [ "$ic" = ok ] &&
	    { [ "$err" = "$msg" ] || case $err in "svc-import: d.db: "*"nothing was committed"*) true ;; *) false ;; esac; }; then
		pass "ulimit -f ${limit} KiB (database ${size} KiB, the import needs ${need}): exit 3, \"$err\", database unchanged"
	else
		fail "ulimit -f ${limit} KiB (database ${size} KiB, the import needs ${need}): exit $rc, \"$err\", integrity $ic, $( [ "$after" = "$before" ] && echo unchanged || echo CHANGED)"
	fi
done
# with room, the same import goes through
svc-import --db "$db" -q --now "$NOW" "$work/b.csv" >/dev/null
check "without a limit the import loads" test "$(q "$db" 'SELECT count(*) FROM tickets')" = $((5000 + rows))
done_checks
