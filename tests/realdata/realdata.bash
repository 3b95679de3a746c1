# realdata.bash: what the tests on the public exports in ../shared/data
# share, on top of ../bats/helper.  Every expected figure comes from the
# raw files through ./truth (Python's csv module), never from svc.

RD=$BATS_TEST_DIRNAME/fixtures
TRUTH=$BATS_TEST_DIRNAME/truth
# a --now after the last row of the ServiceNow log
SN_END=2017-03-01T00:00:00Z

need_python() {
	command -v python3 > /dev/null || skip "no python3"
}

# sn_log: SN is the ServiceNow event log, extracted once per file
sn_log() {
	need_data
	need_python
	SN=$BATS_FILE_TMPDIR/incident_event_log.csv
	[ -f "$SN" ] || unzip -q -o -d "$BATS_FILE_TMPDIR" \
	    "$DATA/uci-incident-event-log/incident_event_log.csv.zip" \
	    incident_event_log.csv
}

# sn_config: the calendars and the policies file $1 (of fixtures/),
# valid from long before the log
sn_config() {
	svc-import --now "$SN_END" -q --valid-from 2000-01-01T00:00:00Z \
	    --kind calendars "$RD/calendars.csv"
	svc-import --now "$SN_END" -q --valid-from 2000-01-01T00:00:00Z \
	    --kind policies "$RD/$1"
}

# sn_import NOW FILE: svc-import of a ServiceNow export, quiet
sn_import() {
	svc-import --now "$1" -q --profile servicenow --null '?' \
	    --date-order dmy "$2"
}

# sn_pipe NOW FILE: svc-import | svc-route | svc-sla of FILE as of NOW,
# quiet, svc-sla's rows in sla.out; fails when any stage does
sn_pipe() {
	set -o pipefail
	sn_import "$1" "$2" | svc-route --now "$1" -q |
	    svc-sla --now "$1" -q > sla.out
}

# same WHAT GOT WANT: show both figures; succeed when they are equal
same() {
	echo "$1: got $2, want $3"
	[ "$2" = "$3" ]
}

# figure NAME REPORT-ARGS...: the value of the first svc-report summary
# row named NAME (tickets come first: "new in the period" is also a
# problems row)
figure() {
	local name=$1
	shift
	svc-report summary -f tsv "$@" |
	    awk -F '\t' -v f="$name" '$2 == f { print $3; exit }'
}
