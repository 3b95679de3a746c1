#!/usr/bin/env bats
# The Volvo IT, NYC 311 and Kaggle exports: the headline figures of
# svc-report summary against the raw files; skipped when ../shared/data
# is absent.
load ../bats/helper
load realdata

@test "Volvo IT log: open now equals the requests whose last status is not Completed" {
	need_data
	need_python
	unzip -o -q -j "$DATA/bpic2013-volvo-ibm/IBM-VolvoIT-Challenge.zip" VolvoIT-Challenge/VINST-new.csv
	now=2012-06-01T00:00:00Z
	run -0 --separate-stderr svc-import --now "$now" -q --map-file "$FIX/import/volvo.map.csv" VINST-new.csv
	[ -z "$stderr" ]
	same "requests" "$(q 'SELECT count(*) FROM tickets')" "$("$TRUTH" keys VINST-new.csv 'SR Number')"
	same "open now" "$(figure 'open now' --now "$now")" "$("$TRUTH" volvo-open VINST-new.csv)"
}

@test "Volvo IT log as of a past day: resolved in the period from the status history; open at the start + new - resolved = open now" {
	need_data
	need_python
	unzip -o -q -j "$DATA/bpic2013-volvo-ibm/IBM-VolvoIT-Challenge.zip" VolvoIT-Challenge/VINST-new.csv
	run -0 --separate-stderr svc-import --now 2013-01-01T00:00:00Z -q --map-file "$FIX/import/volvo.map.csv" VINST-new.csv
	[ -z "$stderr" ]
	now=2012-05-01T00:00:00Z since=2012-04-03T00:00:00Z
	resolved=$(figure 'resolved in the period' --now "$now")
	same "resolved in the period" "$resolved" "$("$TRUTH" volvo-resolved VINST-new.csv "$since" "$now")"
	open=$(figure 'open now' --now "$now")
	start=$(figure 'open at the start of the period' --now "$now")
	new=$(figure 'new in the period' --now "$now")
	same "open at the start + new - resolved" "$((start + new - resolved))" "$open"
	# the drill-down lists as many
	same "its drill-down" "$(svc-report tickets --now "$now" -f tsv --where "resolved_at>=$since and resolved_at<2012-05-01T00:00:01Z" | tail -n +2 | wc -l)" "$resolved"
}

@test "NYC 311 extract: resolved in the period equals the Closed Dates in the period" {
	need_data
	need_python
	csv=$DATA/nyc311-sample/311_Service_Requests_from_2010_to_Present.csv
	since=2013-12-25T00:00:00-05:00 now=2014-05-01T00:00:00-04:00
	run -0 --separate-stderr svc-import --now "$now" -q --tz America/New_York --date-order mdy \
	    --map-file "$FIX/import/nyc311.map.csv" "$csv"
	[ -z "$stderr" ]
	same "resolved in the period" \
	    "$(figure 'resolved in the period' --now "$now" --since "$since" --until "$now")" \
	    "$("$TRUTH" nyc-closed "$csv" "$since" "$now")"
}

@test "Kaggle support tickets (no creation time): open now equals the tickets not Closed" {
	need_data
	need_python
	csv=$DATA/kaggle-customer-support-tickets/customer_support_tickets.csv
	now=2023-07-01T00:00:00Z
	run -0 --separate-stderr svc-import --now "$now" -q --map-file "$RD/kaggle.map.csv" "$csv"
	[ -z "$stderr" ]
	same "tickets" "$(q 'SELECT count(*) FROM tickets')" "$("$TRUTH" keys "$csv" 'Ticket ID')"
	same "open now" "$(figure 'open now' --now "$now")" "$("$TRUTH" kaggle-open "$csv")"
}

@test "Kaggle support tickets as of a day inside their span: a Closed ticket resolved later is still open" {
	need_data
	need_python
	csv=$DATA/kaggle-customer-support-tickets/customer_support_tickets.csv
	run -0 --separate-stderr svc-import --now 2024-01-01T00:00:00Z -q --map-file "$RD/kaggle.map.csv" "$csv"
	[ -z "$stderr" ]
	now=2023-06-01T12:00:00Z
	open=$(figure 'open now' --now "$now")
	same "open now" "$open" "$("$TRUTH" kaggle-open-at "$csv" "$now")"
	same "its drill-down" "$(svc-report tickets --now "$now" -f tsv --where open | tail -n +2 | wc -l)" "$open"
}
