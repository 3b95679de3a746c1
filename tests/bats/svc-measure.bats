#!/usr/bin/env bats
# svc-measure: the hierarchy, each gate's entry checks, the frozen plan,
# the lights, import/export, and a walk from a problem to Closed.
load helper

MF() { echo "$FIX/measure/$1"; }
T0=2026-03-01T00:00:00Z

# people with roles, the hierarchy of measures.csv, six tickets
setup_measures() {
	svc-import --now 2026-01-01T00:00:00Z -q --kind people "$(MF people.csv)" &&
	    svc-import --now 2026-01-01T00:00:00Z -q --kind measures "$(MF measures.csv)" &&
	    svc-import --now $T0 -q "$(MF tickets.csv)" >/dev/null
}

# m ARGS: svc-measure at $T0 unless --now follows
m() { svc-measure --now "${AT:-$T0}" "$@"; }
a() { svc-approve --now "${AT:-$T0}" "$@"; }

# approve gate G of measure M: requested by olga, voted by the approvers
approve_gate() {
	local id
	id=$(a request "measure:$1" --gate "$2" --as olga -q) || return 1
	shift 2
	for v in "$@"; do a approve "$id" --as "$v" -q || return 1; done
}

@test "import and export: the hierarchy round-trips, parents first" {
	setup_measures
	run -0 svc-import --export measures -f csv --now $T0
	echo "$output" >out.csv
	# the same rows as the file, with doi 0 (quoting aside)
	[ "$(head -1 out.csv)" = "id,level,parent,title,description,business_unit,owner,sponsor,controller,kpi,segment,window,baseline,target,planned_effect,one_time_cost,currency,forecast_effect,evidence_required,risks,dependencies,problem,doi" ]
	[ "$(wc -l <out.csv)" = 8 ]
	[ "$(sed -n 7p out.csv)" = 'M-FORM,measure,R-PKG,Refund form checks the order first,Customers ask for refunds on orders that are not eligible; check the order before the ticket is created,Retail,olga,sam,carl,created,category=Billing,28d,12,6,1500,4000,EUR,,"test report,go-live note",needs shop API,R-STATUS,,0' ]
	# loaded again: nothing changes; into a new database: the same export
	run -0 --separate-stderr svc-import --now $T0 --kind measures out.csv
	[ "$stderr" = "svc-import: out.csv: measures: 7 rows, 0 new or changed, 7 unchanged" ]
	svc-import --db two.db --now $T0 -q --kind measures out.csv
	run -0 svc-import --db two.db --export measures -f csv --now $T0
	[ "$output" = "$(cat out.csv)" ]
	run -0 svc-measure tree --now $T0
	[ "$output" = "ORG  Service organisation  [organization]
  CARE  Customer care  [portfolio]
    REFUNDS  Refunds without repeat contacts  [program]
      R-SELF  Refund self-service  [project]
        R-PKG  Refund form and status page  [package]
          M-FORM  Refund form checks the order first  [0 Defined; implementation grey, potential grey]
          R-STATUS  Refund status page  [0 Defined; implementation grey, potential grey]" ]
}

@test "import refuses a bad hierarchy and a DoI not moved by a gate, naming the line" {
	setup_measures
	printf 'id,level,parent,title\nX,portfolio,R-PKG,Upside down\n' >bad.csv
	run -3 --separate-stderr svc-import --now $T0 --kind measures bad.csv
	[ "$stderr" = "svc-import: bad.csv:2: X: a portfolio cannot be under R-PKG, a package (organization > portfolio > program > project > package > measure)" ]
	printf 'id,title,doi\nM-FORM,Refund form checks the order first,3\n' >doi.csv
	run -3 --separate-stderr svc-import --now $T0 --kind measures doi.csv
	[ "$stderr" = "svc-import: doi.csv:2: M-FORM: doi 3 is not its DoI 0 (gates move it: svc-measure gate)" ]
	printf 'id,title,parent\nY,Orphan,NOPE\n' >orphan.csv
	run -3 --separate-stderr svc-import --now $T0 --kind measures orphan.csv
	[ "$stderr" = "svc-import: orphan.csv:2: Y: no parent 'NOPE'" ]
	[ "$(q "SELECT count(*) FROM measures WHERE id IN ('X','Y')")" = 0 ]
}

@test "add, set, show; usage errors" {
	setup_measures
	run -0 --separate-stderr m add M-NEW --title "Shorter refund form" --parent R-PKG --owner eve --planned-effect 200 --as pia
	[ "$stderr" = "svc-measure: M-NEW added" ]
	run -0 m show M-NEW
	[[ "$output" = *"title             Shorter refund form"* ]]
	[[ "$output" = *"planned_effect    200"* ]]
	[[ "$output" = *"doi:              0 Defined"* ]]
	[ "$(q "SELECT count(*) FROM audit WHERE entity='measure' AND key='M-NEW'")" = 5 ]
	run -3 --separate-stderr m add M-NEW --title again
	[ "$stderr" = "svc-measure: measure 'M-NEW' exists already (svc-measure set changes it)" ]
	run -2 --separate-stderr m set M-NEW --kpi nonsense
	[ "$stderr" = "svc-measure: kpi: no KPI 'nonsense' (svc-report --help lists them)" ]
	run -2 --separate-stderr m set M-NEW --segment '(priority=1'
	[[ "$stderr" = "svc-measure: segment: "* ]]
	run -2 --separate-stderr m set M-NEW --target ten
	[ "$stderr" = "svc-measure: target: 'ten' is not a number" ]
	run -2 --separate-stderr m set M-NEW
	[ "${stderr%%$'\n'*}" = "svc-measure: set: nothing to set (give fields as options)" ]
	run -2 --separate-stderr m gate M-NEW
	[ "${stderr%%$'\n'*}" = "svc-measure: gate: --to N (or hold, cancel, resume) is required" ]
	run -2 --separate-stderr m gate M-NEW --to 9
	[ "${stderr%%$'\n'*}" = "svc-measure: --to: '9' is not a DoI 1 to 5, hold, cancel or resume" ]
	run -2 --separate-stderr m frob
	[ "${stderr%%$'\n'*}" = "svc-measure: unknown command 'frob' (svc-measure --help lists them)" ]
	run -3 --separate-stderr m show NOPE
	[ "$stderr" = "svc-measure: no measure 'NOPE' (svc-measure list shows them)" ]
	run -3 --separate-stderr m gate R-PKG --to 1
	[ "$stderr" = "svc-measure: R-PKG is a package; only measures pass gates" ]
}

@test "gate 1 refused, listing exactly what is missing; one step at a time" {
	setup_measures
	m add M-BARE --title "Bare" --parent R-PKG --owner olga --controller olga -q
	run -1 --separate-stderr m gate M-BARE --to 1 --as olga
	[ "$stderr" = "svc-measure: M-BARE: cannot move to DoI 1 Identified:
  - no sponsor
  - the controller is the owner (olga); someone else controls
  - no baseline KPI (kpi)
  - no segment for the KPI
  - no window for the KPI
  - no baseline value (svc-measure baseline measures it)
  - no target value
  - no approval of gate 1 (svc-approve request measure:M-BARE --gate 1)" ]
	run -1 --separate-stderr m gate M-BARE --to 2
	[ "$stderr" = "svc-measure: M-BARE: cannot move to DoI 2 Detailed:
  - a gate moves one step: from DoI 0 Defined only to DoI 1 Identified" ]
	[ "$(q "SELECT doi FROM measures WHERE id='M-BARE'")" = 0 ]
}

@test "gates 2 to 5 each refused with exactly their missing items" {
	setup_measures
	m baseline M-FORM -q >/dev/null
	approve_gate M-FORM 1 sam
	m gate M-FORM --to 1 -q
	# 2: no milestones, evidence list cleared, a pending approval
	m set M-FORM --evidence-required '' -q
	a request measure:M-FORM --gate 2 --as olga -q >/dev/null
	run -1 --separate-stderr m gate M-FORM --to 2
	[ "$stderr" = "svc-measure: M-FORM: cannot move to DoI 2 Detailed:
  - no milestones
  - no evidence required (evidence_required)
  - approval 2 of gate 2 is pending (waiting for sam)" ]
	m milestone M-FORM --title "Form live" --planned 2026-03-05 -q
	m set M-FORM --evidence-required "test report,go-live note" -q
	a approve 2 --as sam -q
	m gate M-FORM --to 2 -q
	# 3: sponsor and controller, both; the sponsor alone is not enough
	a request measure:M-FORM --gate 3 --as olga -q >/dev/null
	a approve 3 --as sam -q
	run -1 --separate-stderr m gate M-FORM --to 3
	[ "$stderr" = "svc-measure: M-FORM: cannot move to DoI 3 Decided:
  - approval 3 of gate 3 is pending (waiting for carl)" ]
	a approve 3 --as carl -q
	m gate M-FORM --to 3 -q
	# 4: milestones done, an actual effect; no approval
	run -1 --separate-stderr m gate M-FORM --to 4
	[ "$stderr" = "svc-measure: M-FORM: cannot move to DoI 4 Implemented:
  - 1 milestones not done
  - no actual effect (svc-measure effect)" ]
	m milestone M-FORM --seq 1 --done 2026-03-06 -q
	m effect M-FORM --month 2026-03 --amount 1400 -q
	AT=2026-03-10T00:00:00Z m gate M-FORM --to 4 -q
	# 5: by the controller, validated evidence, the KPI re-measured
	AT=2026-03-11T00:00:00Z m evidence M-FORM --item "test report" --ref https://wiki/t1 --as olga -q
	AT=2026-03-11T00:00:00Z m evidence M-FORM --item "go-live note" --ref https://wiki/g1 --as olga -q
	run -3 --separate-stderr m validate M-FORM --item "test report" --as olga
	[ "$stderr" = "svc-measure: M-FORM: olga submitted evidence 'test report'; someone else validates it" ]
	AT=2026-03-12T00:00:00Z m validate M-FORM --item "test report" --as carl -q
	run -1 --separate-stderr env AT=2026-03-20T00:00:00Z svc-measure --now 2026-03-20T00:00:00Z gate M-FORM --to 5 --as olga
	[ "$stderr" = "svc-measure: M-FORM: cannot move to DoI 5 Closed:
  - only the controller (carl) closes it, not olga
  - evidence 'go-live note' not validated by someone other than its submitter
  - the KPI is not re-measured (svc-measure remeasure M-FORM)
  - no approval of gate 5 (svc-approve request measure:M-FORM --gate 5)" ]
	# a re-measurement whose window reaches back before DoI 4
	AT=2026-03-20T00:00:00Z m remeasure M-FORM -q >/dev/null
	run -1 --separate-stderr svc-measure --now 2026-03-20T00:00:00Z gate M-FORM --to 5 --as carl
	[[ "$stderr" = *"  - the re-measurement's window starts before DoI 4 Implemented; measure again a full window later"* ]]
}

@test "DoI 3 freezes the plan: set, import and milestone dates are refused" {
	setup_measures
	m baseline M-FORM -q >/dev/null
	m milestone M-FORM --title "Form live" --planned 2026-03-05 -q
	approve_gate M-FORM 1 sam && m gate M-FORM --to 1 -q
	approve_gate M-FORM 2 sam && m gate M-FORM --to 2 -q
	approve_gate M-FORM 3 sam carl && m gate M-FORM --to 3 -q
	[ "$(q "SELECT frozen_effect || ' ' || frozen_cost || ' ' || frozen_target FROM measures WHERE id='M-FORM'")" = "1500.0 4000.0 6.0" ]
	for f in "--planned-effect 9000" "--one-time-cost 1" "--target 1" "--kpi backlog" "--window 7d" "--segment category=Network" "--baseline 1"; do
		run -3 --separate-stderr m set M-FORM $f
		name=${f%% *}; name=${name#--}; name=${name//-/_}
		[ "$stderr" = "svc-measure: M-FORM: $name is frozen since DoI 3 Decided (the plan was approved as it is)" ]
	done
	run -3 --separate-stderr m baseline M-FORM
	[ "$stderr" = "svc-measure: M-FORM: the baseline is frozen since DoI 3 Decided; svc-measure remeasure takes the KPI again" ]
	run -3 --separate-stderr m milestone M-FORM --seq 1 --planned 2026-04-01
	[ "$stderr" = "svc-measure: M-FORM: the milestone plan is frozen since DoI 3 Decided (set a forecast instead)" ]
	run -3 --separate-stderr m milestone M-FORM --title More --planned 2026-04-01
	[ "$stderr" = "svc-measure: M-FORM: the milestone plan is frozen since DoI 3 Decided (set a forecast instead)" ]
	svc-import --export measures -f csv --now $T0 | sed 's/,1500,4000,/,9000,4000,/' >plan.csv
	run -3 --separate-stderr svc-import --now $T0 --kind measures plan.csv
	[ "$stderr" = "svc-import: plan.csv:7: M-FORM: planned_effect is frozen since DoI 3 Decided (the plan was approved as it is)" ]
	# the forecast, the owner and milestone forecasts still move
	m set M-FORM --forecast-effect 1000 --owner eve -q
	m milestone M-FORM --seq 1 --forecast 2026-03-25 -q
	[ "$(q "SELECT planned_effect || ' ' || forecast_effect FROM measures WHERE id='M-FORM'")" = "1500.0 1000.0" ]
}

@test "lights: implementation from milestones, potential from the effect against the frozen plan" {
	setup_measures
	m baseline M-FORM -q >/dev/null
	m milestone M-FORM --title "Form live" --planned 2026-03-05 -q
	m milestone M-FORM --title "Status page" --planned 2026-04-30 -q
	approve_gate M-FORM 1 sam && m gate M-FORM --to 1 -q
	approve_gate M-FORM 2 sam && m gate M-FORM --to 2 -q
	approve_gate M-FORM 3 sam carl && m gate M-FORM --to 3 -q
	light() { svc-measure list --now "$1" -f tsv "${@:2}" | awk -F'\t' '$1=="M-FORM"{print $9, $10}'; }
	# on plan: green; the plan itself counts as the expected effect
	[ "$(light 2026-03-04T00:00:00Z)" = "green green" ]
	# milestone 1 a day late: amber; 15 days late: red (default 0 / 14d)
	[ "$(light 2026-03-06T00:00:00Z)" = "amber green" ]
	[ "$(light 2026-03-20T00:00:00Z)" = "red green" ]
	[ "$(light 2026-03-20T00:00:00Z --slip-red 30d)" = "amber green" ]
	# a forecast of 1200 is 80% of 1500: amber (below 90); 900 = 60%: red
	m set M-FORM --forecast-effect 1200 -q
	[ "$(light 2026-03-04T00:00:00Z)" = "green amber" ]
	[ "$(light 2026-03-04T00:00:00Z --effect-amber 75)" = "green green" ]
	m set M-FORM --forecast-effect 900 -q
	[ "$(light 2026-03-04T00:00:00Z)" = "green red" ]
	# before DoI 3 grey; R-STATUS is at DoI 0
	[ "$(svc-measure list --now $T0 -f tsv | awk -F'\t' '$1=="R-STATUS"{print $5, $9, $10}')" = "0 Defined grey grey" ]
	# the report: the measure and the pipeline
	run -0 svc-report measures --now 2026-03-04T00:00:00Z -f tsv
	[ "$(echo "$output" | awk -F'\t' '$1=="M-FORM"{print $3, $5, $6, $7}')" = "3 Decided green red 1500" ]
	run -0 svc-report measures --now 2026-03-04T00:00:00Z -f table
	[[ "$output" = *"3    Decided      1         1500            1      0      1"* ]]
	# and on the HTML page, both tables, still valid HTML
	svc-report summary --now 2026-03-04T00:00:00Z -f html >page.html
	[ "$(grep -o '<h2 id="measures[^"]*">[^<]*' page.html)" = '<h2 id="measures">Measures and their lights
<h2 id="measures-2">Measures by degree of implementation' ]
	run -0 xmllint --html --noout page.html
	[ "$output" = "" ]
}

@test "on hold and cancelled are side states" {
	setup_measures
	m gate R-STATUS --to hold -q
	run -1 --separate-stderr m gate R-STATUS --to 1
	[ "$stderr" = "svc-measure: R-STATUS: cannot move to DoI 1 Identified:
  - it is on hold (svc-measure gate R-STATUS --to resume)" ]
	m gate R-STATUS --to resume -q
	m gate R-STATUS --to cancel -q
	run -3 --separate-stderr m set R-STATUS --title x
	[ "$stderr" = "svc-measure: R-STATUS is cancelled; nothing about it changes" ]
	[ "$(svc-measure list --now $T0 -f tsv | awk -F'\t' '$1=="R-STATUS"{print $5}')" = "cancelled (DoI 0)" ]
}

@test "walk: a real problem of the generated sample to Closed, the KPI re-measured" {
	"$BATS_TEST_DIRNAME/../../scripts/gen-sample" -n 3000 -s 3 -d 2026-06-01 -c cfg >t.csv
	svc-import --now 2026-05-01T00:00:00Z -q --kind people "$(MF people.csv)"
	svc-import --now 2026-07-01T00:00:00Z -q t.csv >/dev/null
	svc-escalate --problems --now 2026-07-01T00:00:00Z -q -f tsv >problems.tsv
	# the largest problem
	pid=$(awk -F'\t' 'NR>1{print $4"\t"$1}' problems.tsv | sort -rn | head -1 | cut -f2)
	key=$(q "SELECT key FROM problems WHERE id=$pid")
	AT=2026-07-01T00:00:00Z
	run -0 --separate-stderr m from-problem "$pid" --as pia
	[ "$output" = "M-$pid" ]
	M=M-$pid
	# the baseline: tickets of the problem's key created in the 28 days before
	seg=$(q "SELECT segment FROM measures WHERE id='$M'")
	want=$(svc-report tickets --now $AT --since 2026-06-03T00:00:00Z --until 2026-07-01T00:00:00Z --where "$seg" -f tsv | tail -n +2 |
	    awk -F'\t' '{print}' | wc -l)
	n=$(svc-report kpi --now $AT --since 2026-06-03T00:00:00Z --until 2026-07-01T00:00:00Z --where "$seg" -f tsv | awk -F'\t' '$1=="created"{print $2}')
	[ "$(q "SELECT CAST(baseline AS INTEGER) FROM measures WHERE id='$M'")" = "$n" ]
	[ "$n" -gt 10 ]
	[ "$(q "SELECT measure FROM problems WHERE id=$pid")" = "$M" ]
	m set $M --owner olga --sponsor sam --controller carl --target 5 --planned-effect 2000 --evidence-required "test report" -q
	approve_gate $M 1 sam && m gate $M --to 1 -q
	m milestone $M --title "Fix the form" --planned 2026-07-10 -q
	approve_gate $M 2 sam && m gate $M --to 2 -q
	approve_gate $M 3 carl sam && m gate $M --to 3 -q
	AT=2026-07-09T00:00:00Z m milestone $M --seq 1 --done 2026-07-09 -q
	AT=2026-07-31T00:00:00Z m effect $M --month 2026-07 --amount 1900 -q
	AT=2026-07-31T00:00:00Z m gate $M --to 4 -q
	AT=2026-08-01T00:00:00Z m evidence $M --item "test report" --ref https://wiki/report --as olga -q
	AT=2026-08-01T00:00:00Z m validate $M --item "test report" --as carl -q
	# 28 days after DoI 4: the KPI again, over a window as long
	AT=2026-08-28T00:00:00Z m remeasure $M -q >/dev/null
	[ "$(q "SELECT (remeasured_until - remeasured_from) = (baseline_until - baseline_from) FROM measures WHERE id='$M'")" = 1 ]
	AT=2026-08-28T00:00:00Z approve_gate $M 5 carl
	run -0 --separate-stderr svc-measure --now 2026-08-28T00:00:00Z gate $M --to 5 --as carl
	[ "$stderr" = "svc-measure: $M: Closed" ]
	[ "$(q "SELECT doi FROM measures WHERE id='$M'")" = 5 ]
	# every gate is in the audit, with its approval, and the chain holds
	[ "$(q "SELECT group_concat(old || '>' || new || ' ' || detail, ', ') FROM audit WHERE entity='measure' AND key='$M' AND field='doi'")" = "0>1 approval 1, 1>2 approval 2, 2>3 approval 3, 3>4 checks met, 4>5 approval 4" ]
	run -0 svc-db verify -q
	run -0 svc-measure show $M --now 2026-08-28T00:00:00Z
	[[ "$output" = *"doi:              5 Closed"* ]]
	[[ "$output" = *"evidence test report: https://wiki/report, submitted by olga, validated by carl"* ]]
	[ -n "$key" ]
}
