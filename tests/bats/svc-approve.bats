#!/usr/bin/env bats
# svc-approve: requests, rules, self-approval, delegation, decisions
# waiting.
load helper

MF() { echo "$FIX/measure/$1"; }
T0=2026-03-01T00:00:00Z

setup_approvals() {
	svc-import --now 2026-01-01T00:00:00Z -q --kind people "$(MF people.csv)" &&
	    svc-import --now 2026-01-01T00:00:00Z -q --kind measures "$(MF measures.csv)" &&
	    svc-import --now $T0 -q "$(MF tickets.csv)" >/dev/null
}

a() { svc-approve --now "${AT:-$T0}" "$@"; }

@test "a ticket action: any of the finance role, a rejection needs a comment" {
	setup_approvals
	run -0 --separate-stderr a request ticket:B1 --approvers finance --due 2026-03-02 --as olga
	[ "$output" = 1 ]
	[ "$stderr" = "svc-approve: approval 1 requested for ticket:B1" ]
	[ "$(q 'SELECT users FROM approvers WHERE approval_id=1')" = "fay,finn" ]
	run -2 --separate-stderr a reject 1 --as fay
	[ "$stderr" = "svc-approve: a rejection needs --comment (why)" ]
	run -0 --separate-stderr a approve 1 --as finn --comment "within policy"
	[ "$stderr" = "svc-approve: approval 1: approved by finn; approved" ]
	run -3 --separate-stderr a approve 1 --as fay
	[ "$stderr" = "svc-approve: approval 1 is approved already" ]
	run -0 a list -f tsv
	[ "$(echo "$output" | tail -1 | cut -f2,4,5,6,9,10)" = "$(printf 'ticket:B1\tany\tapproved\tolga\t\tfinn approve: within policy')" ]
	# owner of a ticket is its assignee; a ticket without one is refused
	run -0 a request ticket:B1 --approvers owner,pia --rule all --as eve -q
	[ "$(q 'SELECT group_concat(users) FROM approvers WHERE approval_id=2')" = "olga,pia" ]
	run -3 --separate-stderr a request ticket:B3 --approvers owner --as eve
	[ "$stderr" = "svc-approve: ticket B3 has no assignee to approve as owner" ]
	run -3 --separate-stderr a request ticket:B1 --approvers nobody --as eve
	[ "$stderr" = "svc-approve: no approver 'nobody': not a role of the ticket, a user or a role anyone holds in people" ]
}

@test "no one approves their own request, not even through a delegate" {
	setup_approvals
	a request ticket:B1 --approvers pia,olga --rule n:1 --as olga -q >/dev/null
	run -3 --separate-stderr a approve 1 --as olga
	[ "$stderr" = "svc-approve: olga requested approval 1; no one approves their own request" ]
	# olga delegates to dora: dora may not fill olga's own slot
	a delegate olga --to dora --until 2026-04-01 --as olga -q
	run -3 --separate-stderr a approve 1 --as dora
	[ "$stderr" = "svc-approve: dora cannot vote on approval 1: olga requested it; a delegate of olga cannot approve it either" ]
	[ "$(q 'SELECT count(*) FROM votes')" = 0 ]
}

@test "rules: all needs every slot, n:K needs K; rejection when the rule can no longer be met" {
	setup_approvals
	a request ticket:B1 --approvers sam,carl,pia --rule all --as olga -q >/dev/null
	run -0 --separate-stderr a approve 1 --as sam
	[ "$stderr" = "svc-approve: approval 1: approved by sam; pending" ]
	run -0 --separate-stderr a approve 1 --as carl
	[ "$stderr" = "svc-approve: approval 1: approved by carl; pending" ]
	run -0 --separate-stderr a approve 1 --as pia
	[ "$stderr" = "svc-approve: approval 1: approved by pia; approved" ]
	a request ticket:B2 --approvers sam,carl,pia --rule n:2 --as olga -q >/dev/null
	a approve 2 --as sam -q
	run -0 --separate-stderr a approve 2 --as pia
	[ "$stderr" = "svc-approve: approval 2: approved by pia; approved" ]
	# n:2 of 3: two rejections leave fewer than 2 possible approvals
	a request ticket:B5 --approvers sam,carl,pia --rule n:2 --as olga -q >/dev/null
	run -0 --separate-stderr a reject 3 --as sam --comment "no budget"
	[ "$stderr" = "svc-approve: approval 3: rejected by sam; pending" ]
	run -0 --separate-stderr a reject 3 --as carl --comment "agreed, no budget"
	[ "$stderr" = "svc-approve: approval 3: rejected by carl; rejected" ]
	# all: one rejection decides
	a request ticket:B5 --approvers sam,carl --rule all --as olga -q >/dev/null
	run -0 --separate-stderr a reject 4 --as carl --comment "wrong order"
	[ "$stderr" = "svc-approve: approval 4: rejected by carl; rejected" ]
	# a slot votes once; a stranger has no slot
	a request ticket:B5 --approvers sam,carl --rule all --as olga -q >/dev/null
	a approve 5 --as sam -q
	run -3 --separate-stderr a approve 5 --as sam
	[ "$stderr" = "svc-approve: sam is not an approver of approval 5 with a vote left (approvers: sam sam; carl carl)" ]
	run -2 --separate-stderr a request ticket:B5 --approvers sam --rule n:2 --as olga
	[ "$stderr" = "svc-approve: --rule n:2 needs 2 approvers; 1 given" ]
	run -2 --separate-stderr a request ticket:B5 --approvers sam --rule most --as olga
	[ "$stderr" = "svc-approve: --rule: 'most' is not any, all or n:K" ]
}

@test "delegation: inside its dates the delegate votes for the delegator; outside, not; no further delegation" {
	setup_approvals
	a request measure:M-FORM --gate 1 --as olga -q >/dev/null
	a delegate sam --to dora --from 2026-03-05 --until 2026-03-10 --as sam -q
	# before the dates
	run -3 --separate-stderr a approve 1 --as dora
	[ "$stderr" = "svc-approve: dora cannot vote on approval 1: sam's delegation to dora is valid 2026-03-05T00:00:00+00:00 to 2026-03-10T00:00:00+00:00, not now" ]
	# dora cannot pass sam's approvals on
	run -3 --separate-stderr env AT=2026-03-06T00:00:00Z svc-approve --now 2026-03-06T00:00:00Z delegate sam --to eve --until 2026-03-09 --as dora
	[ "$stderr" = "svc-approve: dora acts for sam only as a delegate and cannot delegate further" ]
	run -3 --separate-stderr a delegate sam --to eve --until 2026-03-09 --as eve
	[ "$stderr" = "svc-approve: only sam (or someone with the role pmo) delegates sam's approvals, not eve" ]
	# inside: the vote records on whose behalf
	run -0 --separate-stderr svc-approve --now 2026-03-06T00:00:00Z approve 1 --as dora
	[ "$stderr" = "svc-approve: approval 1: approved by dora; approved" ]
	[ "$(q "SELECT voter || ' ' || on_behalf FROM votes WHERE approval_id=1")" = "dora sam" ]
	[ "$(q "SELECT detail FROM audit WHERE entity='approval' AND field='vote'")" = "slot 1 on behalf of sam" ]
	# after the dates
	svc-measure --now 2026-03-07T00:00:00Z set M-FORM --baseline 4 -q
	a request measure:M-FORM --gate 1 --as olga -q >/dev/null
	run -3 --separate-stderr svc-approve --now 2026-03-10T00:00:00Z approve 2 --as dora
	[[ "$stderr" = *"sam's delegation to dora is valid 2026-03-05T00:00:00+00:00 to 2026-03-10T00:00:00+00:00, not now" ]]
	# the pmo may set up a delegation for someone
	run -0 a delegate carl --to eve --until 2026-04-01 --as pia -q
	run -2 --separate-stderr a delegate carl --to eve --from 2026-04-02 --until 2026-04-01 --as pia
	[ "$stderr" = "svc-approve: --until must be after --from" ]
}

@test "measure gates: the gate's approvers by default; gates 3 and 5 fixed; list --mine" {
	setup_approvals
	run -0 a request measure:M-FORM --gate 1 --as olga -q
	[ "$(q "SELECT token || ' ' || users FROM approvers WHERE approval_id=1")" = "sponsor sam" ]
	run -3 --separate-stderr a request measure:M-FORM --gate 2 --as olga
	[ "$stderr" = "svc-approve: measure M-FORM is at DoI 0; the next gate is 1" ]
	run -2 --separate-stderr a request measure:M-FORM --as olga
	[ "$stderr" = "svc-approve: a measure request needs --gate N" ]
	run -0 a list --mine --as sam -f tsv
	[ "$(echo "$output" | tail -n +2 | cut -f1,2,9)" = "$(printf '1\tmeasure:M-FORM\tsponsor sam')" ]
	run -0 a list --mine --as carl -f tsv
	[ "$output" = "$(printf 'id\tsubject\tgate\trule\tstate\trequested_by\trequested_at\tdue\twaiting_for\tvotes')" ]
	# gate 5 is the controller's alone
	sqlite3 "$SVC_DB" "UPDATE measures SET doi=4 WHERE id='M-FORM'"
	run -2 --separate-stderr a request measure:M-FORM --gate 5 --approvers sponsor --as olga
	[ "$stderr" = "svc-approve: gate 5 is approved by controller (rule any); it cannot be changed" ]
	run -0 a request measure:M-FORM --gate 5 --as olga -q
	run -3 --separate-stderr a approve 2 --as sam
	[ "$stderr" = "svc-approve: sam is not an approver of approval 2 with a vote left (approvers: controller carl)" ]
	run -0 a approve 2 --as carl -q
}

@test "summary: decisions waiting past their due time, oldest first, with who owes them" {
	setup_approvals
	AT=2026-03-01T00:00:00Z a request ticket:B1 --approvers finance --due 2026-03-03 --as olga -q >/dev/null
	AT=2026-03-01T00:00:00Z a request measure:M-FORM --gate 1 --due 2026-03-02 --as olga -q >/dev/null
	AT=2026-03-01T00:00:00Z a request ticket:B2 --approvers pia --due 2026-03-09 --as olga -q >/dev/null
	run -0 svc-report summary --now 2026-03-05T00:00:00Z -f tsv
	[ "$(echo "$output" | awk -F'\t' '$1=="decisions waiting"{print $2 "|" $3}')" = "breaches without a reason|0
approvals past due|2
approval 2: measure:M-FORM gate 1, due 2026-03-02T00:00:00+00:00 (3d ago), owed by sam|
approval 1: ticket:B1, due 2026-03-03T00:00:00+00:00 (2d ago), owed by fay,finn|" ]
	# once decided it no longer waits
	AT=2026-03-05T00:00:00Z a approve 2 --as sam -q
	run -0 svc-report summary --now 2026-03-05T00:00:00Z -f tsv
	[ "$(echo "$output" | awk -F'\t' '$2=="approvals past due"{print $3}')" = 1 ]
	# as of before the vote, it still waited
	run -0 svc-report summary --now 2026-03-04T00:00:00Z -f tsv
	[ "$(echo "$output" | awk -F'\t' '$2=="approvals past due"{print $3}')" = 2 ]
}

@test "usage errors; every request, vote and delegation is audited" {
	setup_approvals
	run -2 --separate-stderr a
	[ "${stderr%%$'\n'*}" = "svc-approve: no command given (svc-approve --help lists them)" ]
	run -2 --separate-stderr a approve
	[ "${stderr%%$'\n'*}" = "svc-approve: approve: no approval ID given" ]
	run -2 --separate-stderr a approve x1
	[ "${stderr%%$'\n'*}" = "svc-approve: 'x1' is not an approval number" ]
	run -2 --separate-stderr a request ticket:B1 --mine
	[ "${stderr%%$'\n'*}" = "svc-approve: request takes no --mine" ]
	run -2 --separate-stderr a delegate sam --as sam
	[ "${stderr%%$'\n'*}" = "svc-approve: delegate: --to and --until are required" ]
	run -2 --separate-stderr a request order:1 --as sam
	[ "$stderr" = "svc-approve: 'order:1' is not ticket:ID or measure:ID" ]
	run -3 --separate-stderr a request ticket:NOPE --approvers pia --as sam
	[ "$stderr" = "svc-approve: no ticket 'NOPE'" ]
	a request ticket:B1 --approvers pia --as olga -q >/dev/null
	a approve 1 --as pia --comment ok -q
	a delegate sam --to dora --until 2026-04-01 --as sam -q
	[ "$(q "SELECT group_concat(entity || '.' || field || '=' || new, ' ') FROM audit WHERE program='svc-approve'")" = "approval.requested=ticket:B1 approval.vote=approve approval.state=approved delegation.delegate=dora" ]
	run -0 svc-db verify -q
}

@test "an escalation rule fires once on an approval past its due time" {
	setup_approvals
	svc-import --now 2026-01-01T00:00:00Z -q --kind policies "$FIX/report/sla-policies.csv"
	printf 'rule,order,when,level,notify,urgent,repeat_every\nwaiting,10,metric=resolution and approval_overdue>=4h,1,finance-lead@example.org,yes,\n' >rules.csv
	svc-import --now 2026-01-01T00:00:00Z -q --kind escalations rules.csv
	svc-sla --all -q --now 2026-03-01T00:00:00Z >/dev/null
	# the first pass remembers when to look again; the request wakes B1
	svc-escalate --all -q --now 2026-03-01T00:00:00Z -f tsv >/dev/null
	a request ticket:B1 --approvers finance --due 2026-03-01T08:00:00Z --as olga -q >/dev/null
	run -0 svc-escalate --all -q --now 2026-03-01T11:00:00Z -f tsv
	[ "$(echo "$output" | tail -n +2 | cut -f1)" = "" ]
	run -0 svc-escalate --all -q --now 2026-03-01T12:30:00Z -f tsv
	[ "$(echo "$output" | tail -n +2 | cut -f1-4)" = "$(printf 'B1\tresolution\t1\twaiting')" ]
	run -0 svc-escalate --all -q --now 2026-03-01T13:00:00Z -f tsv
	[ "$(echo "$output" | tail -n +2 | wc -l)" = 0 ]
	# decided in time, a second ticket's request never fires
	a request ticket:B2 --approvers finance --due 2026-03-01T14:00:00Z --as olga -q >/dev/null
	AT=2026-03-01T15:00:00Z a approve 2 --as fay -q
	run -0 svc-escalate --all -q --now 2026-03-01T20:00:00Z -f tsv
	[ "$(echo "$output" | tail -n +2 | wc -l)" = 0 ]
	[ "$(q "SELECT count(*) FROM notifications WHERE rule='waiting'")" = 1 ]
}
