# helper.bash: common set-up for the Bats suite.
bats_require_minimum_version 1.5.0

setup() {
	: "${SVC_BIN:=$BATS_TEST_DIRNAME/../../build/bin}"
	export PATH="$SVC_BIN:$PATH"
	export SVC_DB="$BATS_TEST_TMPDIR/svc.db"
	export TZ=UTC LC_ALL=C SVC_USER=tester
	unset SVC_NOW SVC_TZ SVC_BUSY_TIMEOUT
	NOW=2026-01-10T00:00:00Z
	FIX="$BATS_TEST_DIRNAME/../fixtures"
	BAD="$FIX/import/bad"
	DATA="$BATS_TEST_DIRNAME/../../../shared/data"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# q SQL: one value from the test database
q() {
	sqlite3 "$SVC_DB" "$1"
}

# import a bad fixture, keeping every good row
imp_bad() {
	svc-import --now "$NOW" --max-rejects 100% "$@"
}

need_data() {
	[ -d "$DATA" ] || skip "../shared/data is absent"
}
