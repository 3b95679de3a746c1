#!/usr/bin/env bats
# The ServiceNow incident event log (141,712 update rows of 24,918
# incidents) through the pipeline; skipped when ../shared/data is absent.
load ../bats/helper
load realdata

@test "ServiceNow log: import | route | sla gives every incident a resolution clock under a catch-all policy" {
	sn_log
	sn_config catch-all.csv
	run -0 --separate-stderr sn_pipe "$SN_END" "$SN"
	[ -z "$stderr" ]
	"$TRUTH" sn-priority "$SN" | cut -f 1 > incidents
	q "SELECT DISTINCT ticket_id FROM sla_clocks WHERE metric = 'resolution'
	    ORDER BY ticket_id" > clocked
	same "incidents in the log" "$(q 'SELECT count(*) FROM tickets')" "$(wc -l < incidents)"
	echo "incidents with a resolution clock: $(wc -l < clocked)"
	echo "without one, e.g.: $(comm -23 incidents clocked | head -3 | tr '\n' ' ')"
	same "incidents of the log without a resolution clock" "$(comm -23 incidents clocked | wc -l)" 0
}

@test "ServiceNow log: priorities after import | route | sla are the export's (last row per incident)" {
	sn_log
	sn_config catch-all.csv
	run -0 --separate-stderr sn_pipe "$SN_END" "$SN"
	[ -z "$stderr" ]
	"$TRUTH" sn-priority "$SN" > want
	sqlite3 -separator '	' "$SVC_DB" \
	    'SELECT ticket_id, priority FROM tickets ORDER BY ticket_id' > got
	diff want got > prio.diff || true
	echo "e.g. $(grep '^[<>]' prio.diff | head -4 | tr '\n' ' ')"
	same "incidents" "$(wc -l < got)" "$(wc -l < want)"
	same "priorities that differ from the export" "$(grep -c '^>' prio.diff)" 0
}

@test "ServiceNow log: backlog by age and idle days as of a past --now equals the log's own reconstruction" {
	sn_log
	past=2016-06-01T12:00:00Z
	run -0 --separate-stderr sn_import "$SN_END" "$SN"
	[ -z "$stderr" ]
	run -0 --separate-stderr svc-report backlog --now "$past" -f tsv
	[ -z "$stderr" ]
	printf '%s\n' "$output" > got
	"$TRUTH" sn-backlog "$SN" "$past" > want
	echo "svc-report backlog --now $past:"
	cat got
	echo "reconstructed from the rows with sys_updated_at <= $past:"
	cat want
	[ "$(head -n 1 got)" = "$(head -n 1 want)" ]
	same "backlog" "$(sed -n 2p got)" "$(sed -n 2p want)"
}

@test "ServiceNow export as it stood on 2016-03-08: open now equals its incidents not resolved or closed" {
	sn_log
	day=2016-03-08T00:00:00Z
	"$TRUTH" sn-cut "$SN" "$day" > export.csv
	run -0 --separate-stderr sn_import "$day" export.csv
	[ -z "$stderr" ]
	same "incidents in the export" "$(q 'SELECT count(*) FROM tickets')" "$(($(wc -l < export.csv) - 1))"
	same "open now" "$(figure 'open now' --now "$day")" "$("$TRUTH" sn-open "$SN" "$day")"
}
