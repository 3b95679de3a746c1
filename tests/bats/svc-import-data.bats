#!/usr/bin/env bats
# svc-import on the real public exports in ../shared/data (skipped when absent).
load helper

@test "real data: ServiceNow event log loads whole, with history, and re-imports unchanged" {
	need_data
	unzip -o -q "$DATA/uci-incident-event-log/incident_event_log.csv.zip" incident_event_log.csv
	run -0 --separate-stderr svc-import --now "$NOW" -q --profile servicenow --null '?' --date-order dmy incident_event_log.csv
	[ "$(q 'SELECT rows_in, rows_loaded, rows_rejected FROM runs')" = "141712|141712|0" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 24918 ]
	# no placeholder dates, no resolution or closing before opened_at
	[ "$(q 'SELECT count(*) FROM import_notes')" = 0 ]
	[ "$(q "SELECT count(*) > 30000 FROM ticket_events WHERE field='status'")" = 1 ]
	events=$(q 'SELECT count(*) FROM ticket_events')
	run -0 --separate-stderr svc-import --now "$NOW" --profile servicenow --null '?' --date-order dmy incident_event_log.csv
	[ "${stderr_lines[1]}" = "svc-import: incident_event_log.csv: 141712 rows, 141712 loaded (0 new, 0 changed, 141712 unchanged), 0 rejected (run 2)" ]
	[ "$(q 'SELECT count(*) FROM ticket_events')" = "$events" ]
}

@test "real data: NYC 311 extract (12-hour, month-first) loads with a map file" {
	need_data
	run -0 --separate-stderr svc-import --now "$NOW" -q --tz America/New_York --date-order mdy \
	    --map-file "$FIX/import/nyc311.map.csv" "$DATA/nyc311-sample/311_Service_Requests_from_2010_to_Present.csv"
	[ "$(q 'SELECT rows_in, rows_rejected FROM runs')" = "2386|0" ]
	[ "$(q "SELECT count(*) FROM tickets WHERE json_extract(attrs, '\$.Due Date') IS NOT NULL")" = 445 ]
	# one request is closed (2013-10-30) before it was created (2013-12-25)
	[ "$(q "SELECT ticket_id, kind, value FROM import_notes")" = "26984786|implausible|2013-10-30T00:00:00-04:00" ]
	[ "$(q "SELECT closed_at IS NULL FROM tickets WHERE ticket_id = '26984786'")" = 1 ]
}

@test "real data: Volvo IT log (BOM, CRLF, ISO offsets) loads with a map file" {
	need_data
	unzip -o -q -j "$DATA/bpic2013-volvo-ibm/IBM-VolvoIT-Challenge.zip" VolvoIT-Challenge/VINST-new.csv
	run -0 --separate-stderr svc-import --now "$NOW" -q --map-file "$FIX/import/volvo.map.csv" VINST-new.csv
	[ "$(q 'SELECT rows_in, rows_rejected FROM runs')" = "65533|0" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 7554 ]
	[ "$(q 'SELECT count(*) FROM import_notes')" = 0 ]
}

@test "real data: Kaggle support tickets load whole, no time read as missing" {
	need_data
	run -0 --separate-stderr svc-import --now "$NOW" "$DATA/kaggle-customer-support-tickets/customer_support_tickets.csv"
	[ "$(q 'SELECT rows_in, rows_rejected FROM runs')" = "8469|0" ]
	[ "$(q 'SELECT count(*) FROM import_notes')" = 0 ]
	[ "$(q 'SELECT count(*) FROM tickets WHERE first_response_at IS NOT NULL')" = 5650 ]
}

@test "real data: CSV conformance vectors agree as the README states" {
	need_data
	command -v python3 >/dev/null || skip "no python3"
	run -0 "$BATS_TEST_DIRNAME/../../scripts/csv-conformance" "$DATA"
	[ "${lines[-1]}" = "$(sed -n 's/^Conformance: //p' "$BATS_TEST_DIRNAME/../../README.md")" ]
}
