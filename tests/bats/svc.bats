#!/usr/bin/env bats
# svc: the dispatcher, and bash completion for every command.
load helper

COMPLETION="$BATS_TEST_DIRNAME/../../scripts/svc-completion.bash"

@test "svc COMMAND runs svc-COMMAND with its arguments, input and exit status" {
	printf 'ticket_id,title\nA1,One\n' > t.csv
	run -0 --separate-stderr svc import --now "$NOW" -f csv t.csv
	[ "$output" = "ticket_id,change
A1,new" ]
	[ "$stderr" = "svc-import: t.csv: mapping: ticket_id=ticket_id, title=title
svc-import: t.csv: 1 rows, 1 loaded (1 new, 0 changed), 0 rejected (run 1)
svc-import: t.csv: 1 ticket has no creation time (counted as open or done by status; no age, no SLA clock)" ]
	run -0 svc sla calc --calendar 24x7 --between 2026-01-01T00:00:00Z 2026-01-01T01:00:00Z
	[ "$output" = 3600 ]
	# the exit status and standard input pass through
	run -2 --separate-stderr svc route --no-such-option
	[ "$stderr" = "svc-route: unknown option '--no-such-option'
Try 'svc-route --help' for more information." ]
	run -0 --separate-stderr bash -c "printf 'ticket_id\nA1\n' | svc route --now $NOW -f csv"
	[ "$output" = "ticket_id,priority,group,assignee,rule,change,reason
A1,,,,,unchanged,no_rule" ]
}

@test "svc help lists the commands with one line each; svc help COMMAND is its --help" {
	run -0 svc help
	[ "${lines[0]}" = "usage: svc COMMAND [ARGS ...]" ]
	[[ "$output" == *"
Commands:
  import     load ticket exports and configuration into the database
  route      set priority and owner by rules anyone can edit
  sla        run SLA clocks on business calendars; business-time calculator
  escalate   tell the person who can act, once; breach reasons; problems
  report     reports and KPIs that drill down to tickets; the HTML page
  measure    improvement measures, their gates and lights
  approve    approvals of ticket actions and measure gates; delegation
  db         create, verify (audit hash chain), check, back up the database
"* ]]
	run -0 svc --help
	[ "${lines[0]}" = "usage: svc COMMAND [ARGS ...]" ]
	run -0 svc help sla
	[ "$output" = "$(svc-sla --help)" ]
	run -0 svc --version
	[ "$output" = "svc $(svc-import --version | cut -d' ' -f2)" ]
}

@test "svc without a command, or with an unknown one, is a usage error" {
	run -2 --separate-stderr svc
	[ "$stderr" = "usage: svc COMMAND [ARGS ...]
       svc help [COMMAND]
svc: no command given; 'svc help' lists them" ]
	run -2 --separate-stderr svc frobnicate
	[ "$stderr" = "svc: 'frobnicate' is not a svc command; 'svc help' lists them" ]
	run -2 --separate-stderr svc help frobnicate
	[ "$stderr" = "svc: 'frobnicate' is not a svc command; 'svc help' lists them" ]
	run -2 --separate-stderr svc help sla route
	[ "$stderr" = "usage: svc COMMAND [ARGS ...]
       svc help [COMMAND]
svc: help takes one COMMAND" ]
}

@test "svc finds the commands beside itself before PATH; one it cannot run is fatal" {
	mkdir -p bin
	cp "$SVC_BIN/svc" bin/
	printf '#!/bin/sh\necho "own import: $*"\n' > bin/svc-import
	chmod +x bin/svc-import
	run -0 bin/svc import --now "$NOW" x.csv
	[ "$output" = "own import: --now $NOW x.csv" ]
	run -3 --separate-stderr env PATH=/usr/bin:/bin bin/svc route
	[ "$stderr" = "svc: cannot run svc-route: No such file or directory" ]
}

@test "the SYNOPSIS of svc(1) matches svc --help" {
	page="$BATS_TEST_DIRNAME/../../man/svc.1"
	syn=$(MANWIDTH=200 man -l "$page" 2>/dev/null | sed -n '/^SYNOPSIS/{n;p;}' | sed 's/^ *//;s/  */ /g')
	[ "$syn" = "$(svc --help | sed -n '1s/^usage: //p')" ]
}

# complete WORD...: what bash would offer for the last word
complete_words() {
	source "$COMPLETION"
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_svc_complete
	echo "${COMPREPLY[*]}"
}

@test "completion: commands, subcommands, options and the values --help lists" {
	[ "$(complete_words svc '')" = "help import route sla escalate report measure approve db" ]
	[ "$(complete_words svc-db '')" = "init verify check backup schema" ]
	[ "$(complete_words svc-approve '')" = "request approve reject list delegate" ]
	[ "$(complete_words svc-measure g)" = "gate" ]
	[ "$(complete_words svc help s)" = "sla" ]
	[ "$(complete_words svc import --ki)" = "--kind" ]
	[ "$(complete_words svc-import --kind p)" = "people priority policies" ]
	[ "$(complete_words svc-import --profile '')" = "servicenow zendesk jira freshdesk" ]
	[ "$(complete_words svc-escalate -f '')" = "table tsv csv json" ]
	[ "$(complete_words svc route --format j)" = "json" ]
	[ "$(complete_words svc-sla '')" = "calc" ]
	[ "$(complete_words svc-report s)" = "summary sla" ]
	[ "$(complete_words svc-escalate ack T1 --metric '')" = "first_response resolution next_reply" ]
	[ "$(complete_words svc-escalate --fu)" = "--full" ]
	# FILE arguments and operands complete file names; --now nothing
	touch export.csv
	[ "$(complete_words svc-import --rejects exp)" = "export.csv" ]
	[ "$(complete_words svc import exp)" = "export.csv" ]
	[ "$(complete_words svc-import --now '')" = "" ]
	# every command is registered
	source "$COMPLETION"
	for p in svc svc-import svc-route svc-sla svc-escalate svc-report svc-db svc-measure svc-approve; do
		[ "$(complete -p "$p")" = "complete -o filenames -F _svc_complete $p" ]
	done
}
