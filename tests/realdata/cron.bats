#!/usr/bin/env bats
# The ServiceNow log replayed as 6-hourly exports through the cron
# pipeline, against the same exports loaded at once (see ./cron-sim);
# skipped when ../shared/data is absent.
load ../bats/helper
load realdata

FROM=2016-04-04T00:00:00Z
UNTIL=2016-04-07T00:00:00Z

@test "cron simulation: 6-hourly exports through import | route | sla | escalate end like the same exports loaded at once" {
	sn_log
	run --separate-stderr "$BATS_TEST_DIRNAME/cron-sim" "$SN" "$FROM" "$UNTIL" 6 sim
	echo "$output"
	for d in tickets clocks summary; do
		echo "first lines of $d.diff:"
		head -n 6 "sim/$d.diff" | cut -c 1-160
	done
	[ -z "$stderr" ]
	[ "$status" -eq 0 ]
}

@test "cron simulation: open now after the last export equals the export's incidents not resolved or closed" {
	sn_log
	run --separate-stderr "$BATS_TEST_DIRNAME/cron-sim" "$SN" "$FROM" "$UNTIL" 6 sim
	[ -z "$stderr" ]
	want=$("$TRUTH" sn-open "$SN" "$UNTIL")
	same "open now, cron" "$(figure 'open now' --db sim/cron.db --now "$UNTIL")" "$want"
	same "open now, from scratch" "$(figure 'open now' --db sim/scratch.db --now "$UNTIL")" "$want"
}
