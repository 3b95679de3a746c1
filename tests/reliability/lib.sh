# lib.sh: shared by the reliability harnesses (sourced, POSIX sh).
# Each harness prints "ok - what" or "not ok - what" lines (TAP without
# numbers) and a last line "harness: N checks, N failed"; it exits 1 when
# any check failed, 3 when it could not run.

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SVC_BIN:-$root/build/bin}
case $bin in /*) ;; *) bin="$root/$bin" ;; esac
export PATH="$bin:$PATH" TZ=UTC LC_ALL=C SVC_USER=reliability
unset SVC_NOW SVC_TZ SVC_DB SVC_BUSY_TIMEOUT
NOW=2026-07-01T12:00:00Z
work=$(mktemp -d "${TMPDIR:-/tmp}/svc-rel.XXXXXX") || exit 3
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
checks=0 failed=0

# check WHAT CMD...: run CMD, count it, print ok/not ok
check() {
	what=$1
	shift
	checks=$((checks + 1))
	if "$@"; then
		echo "ok - $what"
	else
		failed=$((failed + 1))
		echo "not ok - $what"
	fi
}

# fail WHAT [DETAIL]: a failed check found inline
fail() {
	checks=$((checks + 1))
	failed=$((failed + 1))
	echo "not ok - $1"
	[ $# -lt 2 ] || echo "# $2"
}

pass() {
	checks=$((checks + 1))
	echo "ok - $1"
}

done_checks() {
	echo "$(basename "$0" .sh): $checks checks, $failed failed"
	[ "$failed" -eq 0 ]
}

# q DB SQL: one value
q() {
	sqlite3 -bail "$1" "$2"
}

# a random number in [0, N) from awk, seeded by SEED and a counter
rnd_n=0
rnd() {
	rnd_n=$((rnd_n + 1))
	awk -v s="${SEED:-1}" -v k="$rnd_n" -v n="$1" \
	    'BEGIN { srand(s * 7919 + k); for (i = 0; i < k % 7; i++) rand(); printf "%d\n", rand() * n }'
}

# dump_digest DB [TABLE...]: a digest of every row of DB but those of the
# TABLEs named, in a stable order
dump_digest() {
	dd_db=$1
	shift
	: > "$work/.skip"
	for t in "$@"; do
		echo "^INSERT INTO \"\\?$t\"\\? " >> "$work/.skip"
	done
	echo '^$' >> "$work/.skip"
	sqlite3 "$dd_db" .dump | grep -v -f "$work/.skip" | sort | sha256sum | cut -c1-64
}

# a ready database: no WAL left beside it, so one cp copies it whole
settle() {
	sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
}

# the configuration of gen-sample -c into DB, valid from 2026-01-01
load_config() {
	for k in people catalog priority routing calendars holidays policies escalations reasons; do
		svc-import --db "$1" -q --kind "$k" --valid-from 2026-01-01T00:00:00Z \
		    --now 2026-01-01T00:00:00Z "$2/$k.csv" || return 1
	done
}

# peak resident memory in KiB of CMD (GNU time)
peak_kb() {
	/usr/bin/time -f '%M' -o "$work/.peak" "$@" || true
	tail -1 "$work/.peak"
}
