# bash completion for svc and the svc-* commands.
#
# Source it from ~/.bashrc, or let "make install" put it where
# bash-completion finds it.  Options and their values are read from each
# command's --help, so the completion follows the installed version:
# "svc-import --kind <TAB>" offers the kinds its help lists, "--db <TAB>"
# and other FILE, DIR and PATH arguments offer files.

# The help line of option $2 of command $1 ("svc-sla", "svc-escalate ack").
_svc_help_line() {
	$1 --help 2>/dev/null | grep -E -- "^ +((-[a-zA-Z], )?$2( |$)|$2,)" | head -n 1
}

# The values an option's help line lists after its colon ("output: table,
# tsv, csv, json (default: ...)"), one a line.
_svc_values() {
	local line
	line=$(_svc_help_line "$1" "$2")
	case $line in *:*) ;; *) return ;; esac
	line=${line#*: }
	printf '%s\n' "$line" | sed -e 's/([^)]*)//g' -e 's/ or /, /g' |
	    tr ',' '\n' | sed -e 's/^ *//' -e 's/ *$//' |
	    grep -E '^[A-Za-z0-9_.-]+$'
}

_svc_complete() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd=${COMP_WORDS[0]##*/}
	local first=1 line arg
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()
	if [ "$cmd" = svc ]; then
		if [ "$COMP_CWORD" -eq 1 ]; then
			COMPREPLY=($(compgen -W "help $(svc help 2>/dev/null |
			    sed -n 's/^  \([a-z][a-z]*\)  *.*/\1/p')" -- "$cur"))
			return
		fi
		if [ "${COMP_WORDS[1]}" = help ]; then
			[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W \
			    "$(svc help 2>/dev/null |
			    sed -n 's/^  \([a-z][a-z]*\)  *.*/\1/p')" -- "$cur"))
			return
		fi
		cmd=svc-${COMP_WORDS[1]}
		first=2
	fi
	# subcommands: svc-sla calc, svc-escalate ack, svc-report's reports
	if [ "$COMP_CWORD" -eq "$first" ] && [[ $cur != -* ]]; then
		case $cmd in
		svc-sla) COMPREPLY=($(compgen -W calc -- "$cur")) ;;
		svc-escalate) COMPREPLY=($(compgen -W ack -- "$cur")) ;;
		svc-db|svc-measure|svc-approve)
			# the commands its --help lists, indented by two
			COMPREPLY=($(compgen -W "$($cmd --help 2>/dev/null |
			    sed -n '/^Options:/q;s/^  \([a-z][a-z-]*\) .*/\1/p')" -- "$cur")) ;;
		svc-report) COMPREPLY=($(compgen -W "$(svc-report --help 2>/dev/null |
		    sed -n '/^Reports\|Reports:$/,/^KPIs/s/^  \([a-z][a-z]*\)  .*/\1/p')" -- "$cur")) ;;
		esac
		[ "${#COMPREPLY[@]}" -gt 0 ] && return
	fi
	if [ "$COMP_CWORD" -gt "$first" ] &&
	    [ "${COMP_WORDS[first]}" = ack ] && [ "$cmd" = svc-escalate ]; then
		cmd="svc-escalate ack"
	fi
	if [[ $prev == -* ]]; then
		line=$(_svc_help_line "$cmd" "$prev")
		arg=$(printf '%s\n' "$line" |
		    sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}--*[a-z-]* \([A-Z][A-Z_=]*\).*/\2/p')
		case $arg in
		'') ;;
		FILE|DIR|PATH)
			COMPREPLY=($(compgen -f -- "$cur"))
			return ;;
		*)
			COMPREPLY=($(compgen -W "$(_svc_values "$cmd" "$prev")" \
			    -- "$cur"))
			return ;;
		esac
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$($cmd --help 2>/dev/null |
		    sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p')" \
		    -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -o filenames -F _svc_complete svc svc-import svc-route svc-sla \
    svc-escalate svc-report svc-db svc-measure svc-approve
