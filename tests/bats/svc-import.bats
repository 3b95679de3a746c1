#!/usr/bin/env bats
# svc-import: every option, message and exit status.
load helper

@test "loads a CSV export: summary, stream of changes, typed fields" {
	run -0 --separate-stderr svc-import --now "$NOW" -f tsv "$FIX/import/good.csv"
	[ "$output" = "ticket_id	change
T1	new
T2	new
T3	new" ]
	[ "${stderr_lines[1]}" = "svc-import: $FIX/import/good.csv: 3 rows, 3 loaded (3 new, 0 changed), 0 rejected (run 1)" ]
	[ "$(q "SELECT priority, created_at, csat, handle_s FROM tickets WHERE ticket_id='T3'")" = "1|1767686400|5|90" ]
	[ "$(q "SELECT handle_s, csat FROM tickets WHERE ticket_id='T2'")" = "600|5" ]
	[ "$(q "SELECT title FROM tickets WHERE ticket_id='T3'")" = 'Refund "urgent"' ]
}

@test "the summary shows the mapping used" {
	run -0 --separate-stderr svc-import --now "$NOW" "$FIX/import/good.csv"
	[ "${stderr_lines[0]}" = "svc-import: $FIX/import/good.csv: mapping: ticket_id=ticket_id, title=title, priority=priority, status=status, created_at=created_at, reopen_count=reopen_count, csat=csat, handle_s=handle_s, updated_at=updated_at" ]
}

@test "the database is created mode 0600 with WAL, application_id and schema" {
	umask 022
	run -0 --separate-stderr svc-import --now "$NOW" "$FIX/import/good.csv"
	[ "$(stat -c %a "$SVC_DB")" = 600 ]
	[ "$(q 'PRAGMA journal_mode')" = wal ]
	[ "$(q 'PRAGMA application_id')" = 1398162244 ]
	[ "$(q 'PRAGMA user_version')" = 8 ]
}

@test "re-importing the same file changes nothing and adds no events" {
	svc-import --now "$NOW" "$FIX/import/good.csv" 2>/dev/null >/dev/null
	run -0 --separate-stderr svc-import --now "$NOW" -f tsv "$FIX/import/good.csv"
	[ "$output" = "ticket_id	change" ]
	[ "${stderr_lines[1]}" = "svc-import: $FIX/import/good.csv: 3 rows, 3 loaded (0 new, 0 changed, 3 unchanged), 0 rejected (run 2)" ]
	[ "$(q 'SELECT count(*) FROM ticket_events')" = 0 ]
}

@test "an update records every changed field as an event at the row's time" {
	svc-import --now "$NOW" "$FIX/import/good.csv" 2>/dev/null >/dev/null
	run -0 --separate-stderr svc-import --now "$NOW" -f csv "$FIX/import/update.csv"
	[ "$output" = "ticket_id,change
T1,changed
T4,new" ]
	[ "$(q 'SELECT ticket_id, at, field, old, new, actor, run FROM ticket_events')" = "T1|1767610800|status|New|Pending|tester|2" ]
	[ "$(q "SELECT status, updated_at FROM tickets WHERE ticket_id='T1'")" = "Pending|1767610800" ]
}

@test "an event log yields one ticket per key with its status history" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile servicenow --null '?' --date-order dmy "$FIX/import/servicenow-log.csv"
	[ "$(q 'SELECT count(*) FROM tickets')" = 2 ]
	[ "$(q "SELECT group_concat(old || '>' || new, ' ') FROM (SELECT * FROM ticket_events WHERE field='status' ORDER BY at)")" = "New>Active Active>Resolved" ]
	[ "$(q "SELECT status, impact, urgency, priority, assignee FROM tickets WHERE ticket_id='INC1'")" = "Resolved|2|2|3|Resolver 89" ]
	[ "$(q "SELECT assignee IS NULL FROM tickets WHERE ticket_id='INC2'")" = 1 ]
}

@test "rows of one ticket apply in updated order whatever the file order" {
	{ head -1 "$FIX/import/servicenow-log.csv"; sed -n '4p;2p;3p' "$FIX/import/servicenow-log.csv"; } > shuffled.csv
	run -0 --separate-stderr svc-import --now "$NOW" --profile servicenow --null '?' --date-order dmy shuffled.csv
	[ "$(q "SELECT status FROM tickets WHERE ticket_id='INC1'")" = Resolved ]
	[ "$(q "SELECT group_concat(new, ' ') FROM (SELECT * FROM ticket_events WHERE field='status' ORDER BY at)")" = "Active Resolved" ]
}

# dump DB: the tickets and their history, for comparing two imports
dump() {
	sqlite3 "$1" "SELECT * FROM tickets ORDER BY ticket_id; SELECT ticket_id, at, field, old, new, run FROM ticket_events ORDER BY ticket_id, at, field, id"
}

@test "a file (streamed) and a pipe (staged) give the same tickets, history and output" {
	f="$FIX/import/interleaved.csv"
	run -0 --separate-stderr svc-import --now "$NOW" -f tsv "$f"
	streamed=$output
	[ "${stderr_lines[1]}" = "svc-import: $f: 8 rows, 8 loaded (4 new, 4 changed), 0 rejected (run 1)" ]
	run -0 --separate-stderr bash -c "SVC_DB=piped.db svc-import --now $NOW -f tsv < '$f'"
	[ "$output" = "$streamed" ]
	[ "${stderr_lines[1]}" = "svc-import: <stdin>: 8 rows, 8 loaded (4 new, 4 changed), 0 rejected (run 1)" ]
	[ "$(dump "$SVC_DB")" = "$(dump piped.db)" ]
	[ "$(q "SELECT group_concat(new, ' ') FROM (SELECT new FROM ticket_events WHERE ticket_id='A1' AND field='status' ORDER BY at)")" = "Active Resolved" ]
	# the same over stored tickets, where rows are older than what is stored
	rm -f "$SVC_DB"* piped.db*
	sed -n '1,5p' "$f" > first.csv
	svc-import --now "$NOW" first.csv >/dev/null 2>&1
	SVC_DB=piped.db svc-import --now "$NOW" - < first.csv >/dev/null 2>&1
	run -0 --separate-stderr svc-import --now "$NOW" -f tsv "$f"
	streamed=$output
	run -0 --separate-stderr bash -c "SVC_DB=piped.db svc-import --now $NOW -f tsv < '$f'"
	[ "$output" = "$streamed" ]
	[ "$(dump "$SVC_DB")" = "$(dump piped.db)" ]
}

@test "standard output lists each ticket once, in the order it first appears" {
	run -0 --separate-stderr svc-import --now "$NOW" -f tsv "$FIX/import/interleaved.csv"
	[ "$output" = "ticket_id	change
Z9	new
A1	new
B2	new
C3	new" ]
}

@test "an older row is kept as history and does not overwrite newer state" {
	svc-import --now "$NOW" --profile servicenow --null '?' --date-order dmy "$FIX/import/servicenow-log.csv" >/dev/null 2>&1
	{ head -1 "$FIX/import/servicenow-log.csv"; echo 'INC1,Awaiting User Info,29/2/2016 01:16,29/2/2016 06:00,2 - Medium,2 - Medium,3 - Moderate,Resolver 89'; } > late.csv
	run -0 --separate-stderr svc-import --now "$NOW" --profile servicenow --null '?' --date-order dmy late.csv
	[ "$(q "SELECT status FROM tickets WHERE ticket_id='INC1'")" = Resolved ]
	[ "$(q "SELECT old || '>' || new FROM ticket_events WHERE field='status' AND at=1456725600")" = "Active>Awaiting User Info" ]
	run -0 --separate-stderr svc-import --now "$NOW" --profile servicenow --null '?' --date-order dmy late.csv
	[ "${stderr_lines[1]}" = "svc-import: late.csv: 1 rows, 1 loaded (0 new, 0 changed, 1 unchanged), 0 rejected (run 3)" ]
}

@test "--dry-run reports what would change and commits nothing" {
	run -0 --separate-stderr svc-import --now "$NOW" -n -f tsv "$FIX/import/good.csv"
	[ "${#lines[@]}" = 4 ]
	[ "${stderr_lines[1]}" = "svc-import: $FIX/import/good.csv: 3 rows, 3 loaded (3 new, 0 changed), 0 rejected (dry run, nothing committed)" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 0 ]
	[ "$(q 'SELECT count(*) FROM runs')" = 0 ]
}

@test "-q prints no summary" {
	run -0 --separate-stderr svc-import --now "$NOW" -q "$FIX/import/good.csv"
	[ -z "$stderr" ]
}

@test "standard input is read when no FILE or '-' is given" {
	run -0 --separate-stderr bash -c "svc-import --now $NOW -f tsv < '$FIX/import/good.csv'"
	[ "${lines[3]}" = "T3	new" ]
	[ "${stderr_lines[1]}" = "svc-import: <stdin>: 3 rows, 3 loaded (3 new, 0 changed), 0 rejected (run 1)" ]
	run -0 --separate-stderr bash -c "svc-import --now $NOW -f tsv - < '$FIX/import/update.csv'"
	[ "${lines[1]}" = "T1	changed" ]
}

@test "-f json writes an array of objects" {
	run -0 --separate-stderr svc-import --now "$NOW" -f json "$FIX/import/good.csv"
	[ "$output" = '[
{"ticket_id":"T1","change":"new"},
{"ticket_id":"T2","change":"new"},
{"ticket_id":"T3","change":"new"}
]' ]
}

@test "--map and --map-file map headers to fields" {
	printf 'Case,Opened On,Headline\nC1,2026-01-05 08:00,Hello\n' > m.csv
	run -0 --separate-stderr svc-import --now "$NOW" --map 'ticket_id=Case' --map 'created_at=Opened On' --map title=Headline m.csv
	[ "$(q 'SELECT ticket_id, title, created_at FROM tickets')" = "C1|Hello|1767600000" ]
	printf 'field,source\nticket_id,Case\ncreated_at,Opened On\n' > map.csv
	run -0 --separate-stderr svc-import --now "$NOW" --db two.db --map-file map.csv m.csv
	[ "$(sqlite3 two.db 'SELECT ticket_id, created_at FROM tickets')" = "C1|1767600000" ]
}

@test "--map naming a missing column is fatal, exit 3" {
	run -3 --separate-stderr svc-import --now "$NOW" --map 'title=Nope' "$FIX/import/good.csv"
	[ "$stderr" = "svc-import: $FIX/import/good.csv:1: --map title=Nope: no column 'Nope' in the header" ]
}

@test "--map with an unknown field is a usage error" {
	run -2 --separate-stderr svc-import --now "$NOW" --map 'colour=title' "$FIX/import/good.csv"
	[ "${stderr_lines[0]}" = "svc-import: --map: unknown field 'colour'" ]
	run -2 --separate-stderr svc-import --now "$NOW" --map 'colour' "$FIX/import/good.csv"
	[ "${stderr_lines[0]}" = "svc-import: --map takes FIELD=COLUMN, not 'colour'" ]
}

@test "no ticket id column is fatal and lists the headers seen" {
	run -3 --separate-stderr svc-import --now "$NOW" "$BAD/no-id.csv"
	[ "$stderr" = "svc-import: $BAD/no-id.csv:1: no column for required field 'ticket_id' (headers: 'name', 'state'); use --map ticket_id=COLUMN or --profile" ]
}

@test "an unknown profile is a usage error" {
	run -2 --separate-stderr svc-import --now "$NOW" --profile remedy "$FIX/import/good.csv"
	[ "${stderr_lines[0]}" = "svc-import: unknown profile 'remedy' (use servicenow, zendesk, jira or freshdesk)" ]
}

@test "--profile zendesk reads the standard export" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile zendesk "$FIX/import/zendesk.csv"
	[ "$(q "SELECT customer, priority, status, reopen_count, csat, first_response_at - created_at FROM tickets WHERE ticket_id='101'")" = "9001|3|solved|1|5|2700" ]
	[ "$(q "SELECT json_extract(attrs, '\$.Region'), json_extract(attrs, '\$.Replies') FROM tickets WHERE ticket_id='101'")" = "EMEA|3" ]
	[ "$(q "SELECT priority, csat IS NULL FROM tickets WHERE ticket_id='102'")" = "1|1" ]
}

@test "--profile jira reads BOM, multi-line cells, Jira dates and repeated columns" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile jira "$FIX/import/jira.csv"
	[ "$(q "SELECT title, created_at, priority, impact FROM tickets WHERE ticket_id='ITSM-12'")" = "VPN drops
every hour|1767691740|2|2" ]
	[ "$(q "SELECT json_extract(attrs, '\$.Labels') FROM tickets WHERE ticket_id='ITSM-12'")" = '["network","vpn"]' ]
	[ "$(q "SELECT json_extract(attrs, '\$.Team') FROM tickets WHERE ticket_id='ITSM-13'")" = Desk ]
}

@test "--profile jira keeps the Status Category column in attrs as status_category" {
	printf 'Issue key,Summary,Status,Status Category,Status Category Changed,Created\nITSM-1,VPN,Waiting for support,In Progress,06/Jan/26 9:30 AM,06/Jan/26 9:29 AM\n' > en.csv
	run -0 --separate-stderr svc-import --now "$NOW" --profile jira en.csv
	[ "$(q "SELECT status, json_extract(attrs, '\$.status_category'), json_extract(attrs, '\$.Status Category Changed') FROM tickets")" = "Waiting for support|In Progress|06/Jan/26 9:30 AM" ]
	[ "$(q "SELECT json_extract(attrs, '\$.Status Category') IS NULL FROM tickets")" = 1 ]
}

@test "--profile jira reads a Spanish export: headers, dic dates, custom fields, status category" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile jira "$FIX/import/jira-es.csv"
	[ "${stderr_lines[0]}" = "svc-import: $FIX/import/jira-es.csv: mapping: ticket_id=Clave de incidencia, title=Resumen, category=Tipo de Incidencia, customer=Informador, impact=Campo personalizado (Impacto), priority=Prioridad, status=Estado, assignee=Responsable, created_at=Creada, resolved_at=Resuelta, updated_at=Actualizada" ]
	[ "${stderr_lines[1]}" = "svc-import: $FIX/import/jira-es.csv: 3 rows, 3 loaded (3 new, 0 changed), 0 rejected (run 1)" ]
	[ "$(q "SELECT title, status, priority, impact, assignee, created_at, resolved_at FROM tickets WHERE ticket_id='SOP-7'")" = "La VPN se cae cada hora|Listo|2|2|alicia|1764755580|1764857100" ]
	[ "$(q "SELECT json_extract(attrs, '\$.status_category'), json_extract(attrs, '\$.Equipo'), json_extract(attrs, '\$.Etiquetas') FROM tickets WHERE ticket_id='SOP-7'")" = 'Listo|Redes|["red","vpn"]' ]
	[ "$(q "SELECT created_at, priority FROM tickets WHERE ticket_id='SOP-9'")" = "1759250700|5" ]
}

@test "--profile jira reads a Portuguese export: Chave da item, Criado, dez and fev dates" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile jira "$FIX/import/jira-pt.csv"
	[ "${stderr_lines[0]}" = "svc-import: $FIX/import/jira-pt.csv: mapping: ticket_id=Chave da item, title=Resumo, category=Tipo de item, customer=Relator, urgency=Campo personalizado (Urgência), priority=Prioridade, status=Status, assignee=Responsável, created_at=Criado, resolved_at=Resolvido, updated_at=Atualizado" ]
	[ "$(q "SELECT title, status, priority, urgency, created_at, resolved_at, json_extract(attrs, '\$.status_category') FROM tickets WHERE ticket_id='SUP-21'")" = "VPN cai a cada hora|Concluído|2|1|1764755580|1764857100|Itens concluídos" ]
	[ "$(q "SELECT created_at, json_extract(attrs, '\$.Equipe') FROM tickets WHERE ticket_id='SUP-22'")" = "1771081500|Suporte" ]
	[ "$(q "SELECT created_at, updated_at FROM tickets WHERE ticket_id='SUP-23'")" = "1759250700|1759309200" ]
}

@test "--profile jira reads a German export: Vorgangsschlüssel, Mär, Dez and Okt dates" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile jira "$FIX/import/jira-de.csv"
	[ "${stderr_lines[1]}" = "svc-import: $FIX/import/jira-de.csv: 3 rows, 3 loaded (3 new, 0 changed), 0 rejected (run 1)" ]
	[ "$(q "SELECT title, priority, impact, created_at, resolved_at, json_extract(attrs, '\$.status_category') FROM tickets WHERE ticket_id='ITS-3'")" = "VPN bricht stündlich ab|2|2|1772445180|1772546700|Fertig" ]
	[ "$(q "SELECT created_at, priority FROM tickets WHERE ticket_id='ITS-4'")" = "1764759600|4" ]
	[ "$(q "SELECT created_at, priority FROM tickets WHERE ticket_id='ITS-5'")" = "1761842700|1" ]
}

@test "--profile jira reads a French export: Clé de ticket, févr., déc. and août dates" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile jira "$FIX/import/jira-fr.csv"
	[ "${stderr_lines[0]}" = "svc-import: $FIX/import/jira-fr.csv: mapping: ticket_id=Clé de ticket, title=Résumé, category=Type de ticket, customer=Rapporteur, impact=Champ personnalisé (Impact), priority=Priorité, status=État, assignee=Responsable, created_at=Création, resolved_at=Résolue, updated_at=Mise à jour" ]
	[ "$(q "SELECT status, priority, impact, created_at, resolved_at, json_extract(attrs, '\$.status_category'), json_extract(attrs, '\$.Équipe') FROM tickets WHERE ticket_id='SUP-31'")" = "Terminé|2|2|1771081500|1771146000|Terminé|Réseau" ]
	[ "$(q "SELECT created_at FROM tickets WHERE ticket_id='SUP-32'")" = 1764755580 ]
	[ "$(q "SELECT created_at FROM tickets WHERE ticket_id='SUP-33'")" = 1754073000 ]
}

@test "placeholder times of every form load as missing, counted per column and noted" {
	run -0 --separate-stderr svc-import --now "$NOW" "$FIX/import/placeholders.csv"
	f="svc-import: $FIX/import/placeholders.csv"
	[ "${stderr_lines[1]}" = "$f: 8 rows, 8 loaded (8 new, 0 changed), 0 rejected (run 1)" ]
	[ "${stderr_lines[2]}" = "$f: column 'created_at': 1 placeholder time read as missing (see svc-report rejects)" ]
	[ "${stderr_lines[3]}" = "$f: column 'first_response_at': 5 placeholder times read as missing (see svc-report rejects)" ]
	[ "${stderr_lines[4]}" = "$f: column 'resolved_at': 5 placeholder times read as missing (see svc-report rejects)" ]
	[ "${stderr_lines[5]}" = "$f: column 'closed_at': 5 placeholder times read as missing (see svc-report rejects)" ]
	[ "${#stderr_lines[@]}" = 8 ]
	[ "$(q "SELECT count(*) FROM tickets WHERE ticket_id BETWEEN 'P-1' AND 'P-5' AND first_response_at IS NULL AND resolved_at IS NULL AND closed_at IS NULL")" = 5 ]
	[ "$(q "SELECT count(*) FROM rejects")" = 0 ]
	[ "$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM import_notes WHERE kind = 'placeholder' AND field = 'resolved_at' ORDER BY line)")" = "1900-01-01 1 0000-00-00 00:00:00 9999-12-31 1753-01-01" ]
	[ "$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM import_notes WHERE kind = 'placeholder' AND field = 'closed_at' ORDER BY line)")" = "1899-12-30 00:00:00 0.0 00/00/0000 9999-12-31 23:59:59 2999-12-31" ]
	[ "$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM import_notes WHERE kind = 'placeholder' AND field = 'first_response_at' ORDER BY line)")" = "1899-12-30 0 0000-00-00 1970-01-01T00:00:00 0001-01-01T00:00:00Z" ]
	[ "$(q "SELECT run, file = '$FIX/import/placeholders.csv', line, column_name, ticket_id, value, reason FROM import_notes WHERE field = 'created_at'")" = "1|1|9|created_at|P-8|1899-12-30 00:00|a spreadsheet zero date" ]
	[ "$(q "SELECT first_response_at, resolved_at, closed_at FROM tickets WHERE ticket_id='P-7'")" = "1767605400|1767614400|1767618000" ]
}

@test "a first response or resolution before the creation is implausible: missing and noted" {
	run -0 --separate-stderr svc-import --now "$NOW" "$FIX/import/placeholders.csv"
	f="svc-import: $FIX/import/placeholders.csv"
	[ "${stderr_lines[6]}" = "$f: column 'first_response_at': 1 time before the ticket's creation read as missing (see svc-report rejects)" ]
	[ "${stderr_lines[7]}" = "$f: column 'resolved_at': 1 time before the ticket's creation read as missing (see svc-report rejects)" ]
	[ "$(q "SELECT first_response_at IS NULL, resolved_at IS NULL, closed_at FROM tickets WHERE ticket_id='P-6'")" = "1|1|1767607200" ]
	[ "$(q "SELECT line, column_name, ticket_id, value, reason FROM import_notes WHERE kind = 'implausible' ORDER BY id")" = "7|first_response_at|P-6|2026-01-05T08:59:00+00:00|before the ticket's creation (2026-01-05T09:00:00+00:00)
7|resolved_at|P-6|2026-01-04T12:00:00+00:00|before the ticket's creation (2026-01-05T09:00:00+00:00)" ]
	# a file without a creation column is judged by the stored creation time
	run -0 --separate-stderr svc-import --now "$NOW" "$FIX/import/resolved-only.csv"
	[ "${stderr_lines[2]}" = "svc-import: $FIX/import/resolved-only.csv: column 'resolved_at': 1 time before the ticket's creation read as missing (see svc-report rejects)" ]
	[ "$(q "SELECT run, line, ticket_id, value FROM import_notes WHERE run = 2")" = "2|2|P-7|2026-01-04T12:00:00+00:00" ]
}

@test "placeholders: a pipe (staged) gives the same summary and notes as a file (streamed)" {
	run -0 --separate-stderr svc-import --now "$NOW" "$FIX/import/placeholders.csv"
	streamed=("${stderr_lines[@]:2}")
	notes=$(q "SELECT line, column_name, ticket_id, value, kind, reason FROM import_notes ORDER BY line, column_name, kind")
	rm -f "$SVC_DB"*
	run -0 --separate-stderr svc-import --now "$NOW" - < "$FIX/import/placeholders.csv"
	staged=("${stderr_lines[@]:2}")
	[ "${staged[*]//<stdin>/$FIX/import/placeholders.csv}" = "${streamed[*]}" ]
	[ "$(q "SELECT line, column_name, ticket_id, value, kind, reason FROM import_notes ORDER BY line, column_name, kind")" = "$notes" ]
	[ "$(q "SELECT count(*) FROM import_notes")" = 18 ]
}

@test "placeholders: re-importing the same file changes nothing; the notes belong to each run" {
	svc-import --now "$NOW" "$FIX/import/placeholders.csv" 2>/dev/null >/dev/null
	events=$(q 'SELECT count(*) FROM ticket_events')
	run -0 --separate-stderr svc-import --now "$NOW" -f tsv "$FIX/import/placeholders.csv"
	[ "$output" = "ticket_id	change" ]
	[ "${stderr_lines[1]}" = "svc-import: $FIX/import/placeholders.csv: 8 rows, 8 loaded (0 new, 0 changed, 8 unchanged), 0 rejected (run 2)" ]
	[ "${stderr_lines[3]}" = "svc-import: $FIX/import/placeholders.csv: column 'first_response_at': 5 placeholder times read as missing (see svc-report rejects)" ]
	[ "$(q 'SELECT count(*) FROM ticket_events')" = "$events" ]
	[ "$(q 'SELECT run, count(*), count(DISTINCT line || column_name) FROM import_notes GROUP BY run')" = "1|18|18
2|18|18" ]
}

@test "placeholders: --dry-run and --preview count them and store nothing" {
	run -0 --separate-stderr svc-import --now "$NOW" -n "$FIX/import/placeholders.csv"
	[ "${stderr_lines[3]}" = "svc-import: $FIX/import/placeholders.csv: column 'first_response_at': 5 placeholder times read as missing" ]
	[ "$(q 'SELECT count(*) FROM import_notes')" = 0 ]
	run -0 --separate-stderr svc-import --now "$NOW" --preview "$FIX/import/placeholders.csv"
	[ "${stderr_lines[2]}" = "svc-import: $FIX/import/placeholders.csv: column 'created_at': 1 placeholder time read as missing" ]
}

@test "svc-report rejects lists the values read as missing per run and column" {
	svc-import --now "$NOW" "$FIX/import/placeholders.csv" 2>/dev/null >/dev/null
	run -0 svc-report rejects --now 2026-01-11T00:00:00Z -f tsv
	[ "${lines[0]}" = "run	started	file	type	field	rows	first_line	example" ]
	[ "${lines[1]}" = "1	2026-01-10T00:00:00+00:00	$FIX/import/placeholders.csv	placeholder	closed_at	5	2	column 'closed_at': '0.0' read as missing: a spreadsheet zero date" ]
	[ "${lines[4]}" = "1	2026-01-10T00:00:00+00:00	$FIX/import/placeholders.csv	implausible	first_response_at	1	7	column 'first_response_at': '2026-01-05T08:59:00+00:00' read as missing: before the ticket's creation (2026-01-05T09:00:00+00:00)" ]
	[ "${#lines[@]}" = 7 ]
	run -0 svc-report summary --now 2026-01-11T00:00:00Z -f tsv
	[ "$(printf '%s\n' "${lines[@]}" | grep 'read as missing')" = "imports	times read as missing in the period	18		svc-report rejects" ]
}

@test "placeholder times in --kind events values are missing too" {
	svc-import --now "$NOW" "$FIX/import/good.csv" 2>/dev/null >/dev/null
	printf 'ticket_id,at,field,value\nT1,2026-01-06T10:00:00Z,resolved_at,1899-12-30\n' > ev.csv
	run -0 --separate-stderr svc-import --now "$NOW" --kind events ev.csv
	[ "${stderr_lines[1]}" = "svc-import: ev.csv: column 'value': 1 placeholder time read as missing (see svc-report rejects)" ]
	[ "$(q "SELECT new IS NULL FROM ticket_events WHERE field = 'resolved_at'")" = 1 ]
	[ "$(q "SELECT line, field, ticket_id, value FROM import_notes")" = "2|resolved_at|T1|1899-12-30" ]
}

@test "--profile freshdesk reads first response time beyond 24 hours" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile freshdesk "$FIX/import/freshdesk.csv"
	[ "$(q "SELECT first_response_at - created_at, assignee, group_name FROM tickets WHERE ticket_id='5001'")" = "95400|Dana|Tier 1" ]
}

@test "--profile servicenow reads display-name headers in Windows-1252" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile servicenow --encoding windows-1252 "$FIX/import/servicenow-display-cp1252.csv"
	[ "$(q 'SELECT title, customer, priority, status FROM tickets')" = "Café printer|Beth Anglin|2|In Progress" ]
}

@test "invalid UTF-8 without --encoding is rejected naming the option" {
	run -1 --separate-stderr imp_bad "$BAD/cp1252.csv"
	[ "${stderr_lines[0]}" = "svc-import: $BAD/cp1252.csv:2: column 'title': invalid UTF-8 at byte 4 (use --encoding windows-1252 or latin1)" ]
	run -0 --separate-stderr svc-import --now "$NOW" --db l1.db --encoding latin1 "$BAD/cp1252.csv"
	[ "$(sqlite3 l1.db 'SELECT title FROM tickets')" = "café" ]
}

@test "an unknown --encoding is a usage error" {
	run -2 --separate-stderr svc-import --now "$NOW" --encoding ebcdic "$FIX/import/good.csv"
	[ "${stderr_lines[0]}" = "svc-import: unknown encoding 'ebcdic' (use utf-8, windows-1252 or latin1)" ]
}

@test "--null tokens become missing values" {
	run -0 --separate-stderr svc-import --now "$NOW" --profile servicenow --null '?' --date-order dmy "$FIX/import/servicenow-log.csv"
	[ "$(q "SELECT count(*) FROM tickets WHERE assignee = '?'")" = 0 ]
	run -0 --separate-stderr svc-import --now "$NOW" --db keep.db --profile servicenow --date-order dmy "$FIX/import/servicenow-log.csv"
	[ "$(sqlite3 keep.db "SELECT assignee FROM tickets WHERE ticket_id='INC2'")" = '?' ]
}

@test "an ambiguous numeric date without --date-order is fatal, exit 3" {
	run -3 --separate-stderr imp_bad "$BAD/ambiguous.csv"
	[ "$stderr" = "svc-import: $BAD/ambiguous.csv:3: column 'created_at': '03/04/2026 10:00' could be day-first or month-first; give --date-order dmy or mdy" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 0 ]
}

@test "--date-order decides numeric dates" {
	run -0 --separate-stderr imp_bad --db dmy.db --date-order dmy "$BAD/ambiguous.csv"
	[ "$(sqlite3 dmy.db "SELECT created_at FROM tickets WHERE ticket_id='T2'")" = 1775210400 ]
	run -0 --separate-stderr imp_bad --db mdy.db --date-order mdy "$BAD/ambiguous.csv"
	[ "$(sqlite3 mdy.db "SELECT created_at FROM tickets WHERE ticket_id='T2'")" = 1772618400 ]
	run -2 --separate-stderr svc-import --now "$NOW" --date-order ymd x.csv
	[ "${stderr_lines[0]}" = "svc-import: --date-order takes dmy or mdy, not 'ymd'" ]
}

@test "--tz reads local times in that zone" {
	run -0 --separate-stderr svc-import --now "$NOW" --tz America/New_York "$FIX/import/good.csv"
	[ "$(q "SELECT created_at FROM tickets WHERE ticket_id='T1'")" = 1767621600 ]
}

@test "--rejects writes a CSV with line, column, reason and raw bytes" {
	run -1 --separate-stderr imp_bad --rejects rej.csv "$BAD/bad-date.csv"
	[ "$(cat rej.csv)" = "file,line_start,line_end,column,field,type,message,raw
$BAD/bad-date.csv,3,3,,created_at,bad_time,column 'created_at': cannot read 'yesterday' as a time: not a date,\"T2,x,New,2,yesterday,2026-01-05 09:00,0,,
\"" ]
}

@test "rejects are stored with the run; rows_in = loaded + rejected" {
	run -1 --separate-stderr imp_bad "$BAD/bare-quote.csv"
	[ "$(q 'SELECT rows_in, rows_loaded, rows_rejected FROM runs')" = "3|2|1" ]
	[ "$(q 'SELECT run, line_start, line_end, col, type FROM rejects')" = "1|3|3|7|bare_quote" ]
	[ "$(q 'SELECT raw FROM rejects')" = 'T2,bad"quote,New,2,2026-01-05 09:00,2026-01-05 09:00,0,,' ]
	run ! q 'INSERT INTO runs(program, actor, started, rows_in, rows_loaded, rows_rejected) VALUES (1,1,1,5,2,1)'
}

@test "--max-rejects: above it nothing is committed, exit 3" {
	run -3 --separate-stderr svc-import --now "$NOW" "$BAD/bad-date.csv"
	[ "${stderr_lines[1]}" = "svc-import: $BAD/bad-date.csv: 1 of 3 rows rejected, more than --max-rejects 10%; nothing was committed" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 0 ]
	run -3 --separate-stderr svc-import --now "$NOW" --max-rejects 0 "$BAD/bad-date.csv"
	[ "${stderr_lines[1]}" = "svc-import: $BAD/bad-date.csv: 1 of 3 rows rejected, more than --max-rejects 0; nothing was committed" ]
	run -1 --separate-stderr svc-import --now "$NOW" --max-rejects 1 "$BAD/bad-date.csv"
	run -2 --separate-stderr svc-import --now "$NOW" --max-rejects lots x.csv
	[ "${stderr_lines[0]}" = "svc-import: --max-rejects takes N or N%, not 'lots'" ]
}

@test "--preview maps and types without a database" {
	run -0 --separate-stderr svc-import --now "$NOW" --preview -f csv --limit 1 "$FIX/import/good.csv"
	[ "$output" = 'ticket_id,title,priority,status,created_at,reopen_count,csat,handle_s,updated_at,attrs
T1,Printer down,2,New,2026-01-05T09:00:00+00:00,0,,,2026-01-05T09:00:00+00:00,{}' ]
	[ ! -f "$SVC_DB" ]
	[ "${stderr_lines[1]}" = "svc-import: $FIX/import/good.csv: 1 rows, 1 readable, 0 rejected (preview, nothing stored)" ]
}

@test "--preview --raw -f json keys records by the file's own header" {
	run -0 --separate-stderr svc-import --now "$NOW" --preview --raw -f json "$BAD/escaped.tsv"
	[ "$output" = '[
{"ticket_id":"T1","title":"tab\there","status":"New"},
{"ticket_id":"T2","title":"line\nbreak \\ end","status":"Open"}
]' ]
}

@test "--limit and --raw need --preview" {
	run -2 --separate-stderr svc-import --now "$NOW" --raw x.csv
	[ "${stderr_lines[0]}" = "svc-import: --limit and --raw go with --preview" ]
}

@test "a semicolon file is detected; -d overrides detection" {
	run -0 --separate-stderr svc-import --now "$NOW" "$BAD/semicolon.csv"
	[ "$(q 'SELECT ticket_id, title FROM tickets')" = "T1|ok" ]
	run -3 --separate-stderr svc-import --now "$NOW" --db c.db -d , "$BAD/semicolon.csv"
	[[ "$stderr" == *"no column for required field 'ticket_id'"* ]]
	run -2 --separate-stderr svc-import --now "$NOW" -d ab x.csv
	[ "${stderr_lines[0]}" = "svc-import: bad delimiter 'ab' (one character or 'tab')" ]
}

@test "--kind events loads history rows once" {
	svc-import --now "$NOW" "$FIX/import/good.csv" >/dev/null 2>&1
	run -1 --separate-stderr svc-import --now "$NOW" --kind events --max-rejects 100% -f tsv "$FIX/import/events.csv"
	[ "${stderr_lines[0]}" = "svc-import: $FIX/import/events.csv:5: column 'ticket_id': no ticket 'T404' (import the tickets first)" ]
	[ "$output" = "ticket_id	change
T1	event
T1	event
T1	event" ]
	[ "$(q "SELECT group_concat(field || ':' || ifnull(old,'') || '>' || new || ':' || actor, ' ') FROM (SELECT * FROM ticket_events ORDER BY at)")" = "reply:>first answer:agent1 status:>Pending:agent1 status:Pending>Open:tester" ]
	run -1 --separate-stderr svc-import --now "$NOW" --kind events --max-rejects 100% "$FIX/import/events.csv"
	[ "$(q 'SELECT count(*) FROM ticket_events')" = 3 ]
}

@test "--kind people and catalog load a version and export it back unchanged" {
	run -0 --separate-stderr svc-import --now "$NOW" --kind people "$FIX/import/people.csv"
	[ "$stderr" = "svc-import: $FIX/import/people.csv: people: 3 rows, new version" ]
	run -0 --separate-stderr svc-import --now "$NOW" --export people
	[ "$output" = "$(cat "$FIX/import/people.csv")" ]
	run -0 --separate-stderr svc-import --now "$NOW" --kind catalog "$FIX/import/catalog.csv"
	run -0 --separate-stderr svc-import --now "$NOW" --export catalog
	[ "$output" = "$(cat "$FIX/import/catalog.csv")" ]
}

@test "configuration is versioned by valid_from; the same file is no new version" {
	svc-import --now "$NOW" --kind people "$FIX/import/people.csv" 2>/dev/null
	run -0 --separate-stderr svc-import --now "$NOW" --kind people "$FIX/import/people.csv"
	[ "$stderr" = "svc-import: $FIX/import/people.csv: people: 3 rows, unchanged" ]
	head -3 "$FIX/import/people.csv" > two.csv
	run -0 --separate-stderr svc-import --now "$NOW" --kind people --valid-from 2026-02-01 two.csv
	[ "$(q "SELECT count(*) FROM config_versions WHERE kind='people'")" = 2 ]
	[ "$(svc-import --now "$NOW" --export people | wc -l)" = 4 ]
	[ "$(svc-import --now 2026-02-02T00:00:00Z --export people | wc -l)" = 3 ]
}

@test "a bad configuration row commits nothing, exit 3" {
	printf 'user,active\nann,maybe\nbob,yes\n' > p.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind people p.csv
	[ "$stderr" = "svc-import: p.csv:2: column 'active': cannot read 'maybe' as true or false
svc-import: p.csv: 1 of 2 rows rejected; a people file loads whole or not at all, nothing was committed" ]
	printf 'user,colour\nann,red\n' > p2.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind people p2.csv
	[ "$stderr" = "svc-import: p2.csv:1: unknown column 'colour' for kind people (columns: user, name, email, roles, groups, manager, skills, capacity, calendar, active)" ]
	printf 'user,name\nann,A\nann,B\n' > p3.csv
	run -3 --separate-stderr svc-import --now "$NOW" --kind people p3.csv
	[ "$stderr" = "svc-import: p3.csv: duplicate user in row 2; each user may appear once" ]
}

@test "--export needs an existing database and a config kind" {
	run -3 --separate-stderr svc-import --now "$NOW" --export people
	[ "$stderr" = "svc-import: $SVC_DB: no such database (svc-import creates it; set --db or SVC_DB)" ]
	run -2 --separate-stderr svc-import --now "$NOW" --export tickets
	[ "${stderr_lines[0]}" = "svc-import: --export takes a configuration kind (people, catalog, priority, routing, classify, calendars, holidays, policies, escalations, reasons, measures, statuses), not 'tickets'" ]
	run -2 --separate-stderr svc-import --now "$NOW" --kind widgets x.csv
	[ "${stderr_lines[0]}" = "svc-import: unknown kind 'widgets' (use tickets, events, people, catalog, priority, routing, classify, calendars, holidays, policies, escalations, reasons, measures or statuses)" ]
}

@test "a missing input file is fatal, exit 3" {
	run -3 --separate-stderr svc-import --now "$NOW" nope.csv
	[ "$stderr" = "svc-import: nope.csv: cannot open: No such file or directory" ]
}

@test "a database from a newer version is refused" {
	svc-import --now "$NOW" "$FIX/import/good.csv" >/dev/null 2>&1
	q 'PRAGMA user_version=99'
	run -3 --separate-stderr svc-import --now "$NOW" "$FIX/import/good.csv"
	[ "$stderr" = "svc-import: $SVC_DB: schema version 99 is newer than this program (8); upgrade svc" ]
}

@test "a file that is not a svc database is refused" {
	sqlite3 "$SVC_DB" 'CREATE TABLE x(a)'
	run -3 --separate-stderr svc-import --now "$NOW" "$FIX/import/good.csv"
	[ "$stderr" = "svc-import: $SVC_DB: not a svc database (application_id 0)" ]
}

@test "a write lock held past SVC_BUSY_TIMEOUT gives exit 4, nothing committed" {
	svc-import --now "$NOW" "$FIX/import/good.csv" >/dev/null 2>&1
	( sqlite3 "$SVC_DB" 'BEGIN IMMEDIATE; SELECT 1;' '.shell sleep 3' 'COMMIT;' >/dev/null ) &
	sleep 1
	SVC_BUSY_TIMEOUT=0.2 run -4 --separate-stderr svc-import --now "$NOW" "$FIX/import/update.csv"
	wait
	[ "$stderr" = "svc-import: $SVC_DB: database is busy while starting a write; nothing was committed, safe to retry (SVC_BUSY_TIMEOUT sets the wait)" ]
	[ "$(q "SELECT status FROM tickets WHERE ticket_id='T1'")" = New ]
}

# Malformed input: each bad record is rejected at its exact line with its
# reason, the good rows around it load, exit 1.
# bad NAME "MESSAGE" [OPTION...]
bad() {
	local name=$1 msg=$2
	shift 2
	run -1 --separate-stderr imp_bad "$@" "$BAD/$name.csv"
	[ "${stderr_lines[0]}" = "svc-import: $BAD/$name.csv:$msg" ]
	[ "$(q "SELECT group_concat(ticket_id) FROM (SELECT ticket_id FROM tickets ORDER BY 1)")" = "${LOADED:-T1,T9}" ]
	[ "$(q 'SELECT rows_in - rows_loaded - rows_rejected FROM runs')" = 0 ]
}

@test "malformed: unterminated quote in mid-file costs one record" {
	bad unterminated-mid "3: quoted field not closed before the end of the file"
	[ "$(q 'SELECT line_start, line_end, type FROM rejects')" = "3|4|unterminated_quote" ]
}
@test "malformed: unterminated quote at the end of the file" {
	run -1 --separate-stderr imp_bad "$BAD/unterminated-eof.csv"
	[ "${stderr_lines[0]}" = "svc-import: $BAD/unterminated-eof.csv:3: quoted field not closed before the end of the file" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 1 ]
}
@test "malformed: bare quote in an unquoted field" {
	bad bare-quote "3: byte 7: quote in an unquoted field or text after a closing quote"
}
@test "malformed: text after a closing quote" {
	bad after-quote "3: byte 12: quote in an unquoted field or text after a closing quote"
}
@test "malformed: a quote error on a later line of a multi-line record" {
	bad quote-spans "3: line 4, byte 8: quote in an unquoted field or text after a closing quote"
	[ "$(q 'SELECT line_start, line_end FROM rejects')" = "3|4" ]
}
@test "malformed: ragged row with too few fields" {
	bad too-few "3: expected 9 fields, found 3"
	[ "$(q 'SELECT type FROM rejects')" = field_count ]
}
@test "malformed: ragged row with too many fields" {
	bad too-many "3: expected 9 fields, found 10"
}
@test "malformed: NUL byte" {
	bad nul-byte "3: NUL byte in the record"
}
@test "malformed: invalid UTF-8" {
	bad invalid-utf8 "3: column 'title': invalid UTF-8 at byte 4 (use --encoding windows-1252 or latin1)"
}
@test "malformed: a time that is not a time" {
	bad bad-date "3: column 'created_at': cannot read 'yesterday' as a time: not a date"
}
@test "malformed: an impossible date, 31/02" {
	bad impossible-date "3: column 'created_at': cannot read '31/02/2026 10:00' as a time: no such day in that month" --date-order dmy
}
@test "malformed: a local time skipped by daylight saving in --tz" {
	bad dst-gap "3: column 'created_at': cannot read '2026-03-29 02:30' as a time: does not exist in Europe/Berlin (daylight-saving change)" --tz Europe/Berlin
}
@test "malformed: hour 25" {
	bad hour-25 "3: column 'created_at': cannot read '2026-01-05 25:00' as a time: no such time of day"
}
@test "malformed: month 13" {
	bad month-13 "3: column 'created_at': cannot read '2026-13-01 10:00' as a time: no such month"
}
@test "malformed: empty ticket id" {
	bad missing-id "3: column 'ticket_id': empty ticket id"
}
@test "malformed: a priority that is no level" {
	bad bad-priority "3: column 'priority': cannot read 'urgentish' as a priority (a number, '2 - Medium', or a word such as High)"
}
@test "malformed: a count that is no number" {
	bad bad-number "3: column 'reopen_count': cannot read 'three' as a whole number"
}
@test "malformed: a CSAT out of range" {
	bad bad-csat "3: column 'csat': cannot read '7' as a rating (1-5, Good or Bad)"
}
@test "malformed: a duration with 99 minutes" {
	bad bad-duration "3: column 'handle_s': cannot read '1:99' as a duration (HH:MM[:SS] or a number)"
}
@test "malformed: CRLF file, line numbers count physical lines" {
	LOADED=T1,T2,T9 bad crlf "5: byte 7: quote in an unquoted field or text after a closing quote"
	[ "$(q "SELECT title FROM tickets WHERE ticket_id='T2'")" = 'crlf "ok"
x' ]
}
@test "malformed: line numbers count the lines of multi-line records" {
	LOADED=T1,T2,T9 bad multiline "5: column 'created_at': cannot read 'nope' as a time: not a date"
}
@test "malformed: line numbers count blank lines" {
	bad blank-lines "6: column 'created_at': cannot read 'nope' as a time: not a date"
}
@test "malformed: a header and no rows loads nothing, exit 0" {
	run -0 --separate-stderr svc-import --now "$NOW" -f tsv "$BAD/header-only.csv"
	[ "$output" = "ticket_id	change" ]
	[ "${stderr_lines[1]}" = "svc-import: $BAD/header-only.csv: 0 rows, 0 loaded (0 new, 0 changed), 0 rejected (run 1)" ]
}
@test "malformed: an empty file is fatal, exit 3" {
	run -3 --separate-stderr svc-import --now "$NOW" "$BAD/empty.csv"
	[ "$stderr" = "svc-import: $BAD/empty.csv: empty file: no header line" ]
}
@test "malformed: invalid UTF-8 in the header is fatal" {
	run -3 --separate-stderr svc-import --now "$NOW" "$BAD/header-utf8.csv"
	[ "$stderr" = "svc-import: $BAD/header-utf8.csv:1: header: field 2: invalid UTF-8 at byte 4 (use --encoding windows-1252 or latin1)" ]
}
@test "malformed: a NUL in the header is fatal" {
	run -3 --separate-stderr svc-import --now "$NOW" "$BAD/header-nul.csv"
	[ "$stderr" = "svc-import: $BAD/header-nul.csv:1: header: NUL byte in the record" ]
}
@test "malformed: a field over 2 MiB is rejected, the next line loads" {
	{ head -2 "$BAD/bad-date.csv"; printf 'T2,'; head -c 3000000 /dev/zero | tr '\0' x; printf ',New,2,2026-01-05 09:00,2026-01-05 09:00,0,,\n'; tail -1 "$BAD/bad-date.csv"; } > big.csv
	run -1 --separate-stderr imp_bad big.csv
	[ "${stderr_lines[0]}" = "svc-import: big.csv:3: field longer than 2097152 bytes" ]
	[ "$(q "SELECT group_concat(ticket_id) FROM tickets")" = "T1,T9" ]
}
@test "malformed: a line over 8 MiB is rejected without holding it all" {
	{ head -2 "$BAD/bad-date.csv"; head -c 9000000 /dev/zero | tr '\0' ','; printf '\n'; tail -1 "$BAD/bad-date.csv"; } > wide.csv
	run -1 --separate-stderr imp_bad wide.csv
	[ "${stderr_lines[0]}" = "svc-import: wide.csv:3: record longer than 8388608 bytes" ]
	[ "$(q "SELECT group_concat(ticket_id) FROM tickets")" = "T1,T9" ]
}
@test "malformed: more than 4096 fields" {
	{ head -2 "$BAD/bad-date.csv"; printf 'T2'; head -c 5000 /dev/zero | tr '\0' ','; printf '\n'; tail -1 "$BAD/bad-date.csv"; } > many.csv
	run -1 --separate-stderr imp_bad many.csv
	[ "${stderr_lines[0]}" = "svc-import: many.csv:3: more than 4096 fields" ]
}
@test "malformed: a runaway quote is cut after 10000 lines and reading resumes" {
	{ head -2 "$BAD/bad-date.csv"; printf 'T2,"runaway\n'; for i in $(seq 1 10005); do echo "R$i,x,New,2,2026-01-05 09:00,2026-01-05 09:00,0,,"; done; } > runaway.csv
	run -1 --separate-stderr imp_bad runaway.csv
	[ "${stderr_lines[0]}" = "svc-import: runaway.csv:3: record runs over 10000 lines (unterminated quote?)" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 10006 ]
}
@test "malformed: more than 20 rejects are summarised" {
	{ head -1 "$BAD/bad-date.csv"; for i in $(seq 1 25); do echo "B$i,x,New,2,nope,x,0,,"; done; } > many-bad.csv
	run -1 --separate-stderr imp_bad many-bad.csv
	[ "${stderr_lines[20]}" = "svc-import: many-bad.csv: 5 more rejects not shown (see --rejects FILE)" ]
	[ "$(q 'SELECT count(*) FROM rejects')" = 25 ]
}

@test "a progress line with rows/s is drawn on standard error when it is a terminal" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	"$BATS_TEST_DIRNAME/../../scripts/gen-sample" -n 9000 -s 3 > big.csv
	run -0 script -qec "svc-import --now $NOW big.csv >/dev/null" /dev/null
	[[ "$output" == *"svc-import: big.csv: 8192 rows, "*" MB, "*" rows/s"* ]]
	[[ "$output" == *"svc-import: big.csv: 9000 rows, 9000 loaded (9000 new, 0 changed), 0 rejected (run 1)"* ]]
	# not a terminal: no progress line
	run -0 --separate-stderr svc-import --now "$NOW" --db other.db big.csv
	[[ "$stderr" != *"rows/s"* ]]
}
