#!/bin/sh
# Stands in for cptunits in the golden cases (tests/run.sh): a log or ics
# run is also made with -f json and with -f csv, and warncheck asserts that
# the csv run's standard error carries every warning and note the JSON
# lists; then the case's own run goes ahead unchanged.  Runs that read
# standard input, write a file or list occurrences are left alone.
#   REAL       the program;  WARNCHECK the checker;  WARNLOG failures go here
check=
for a in "$@"; do
	case $a in
	log|ics) check=${check:-yes} ;;
	-|-o*|--output*|--occurrences|--strict|-q|--quiet|--|-h|--help) check=no ;;
	esac
done
if [ "$check" = yes ]; then
	t=$(mktemp "${TMPDIR:-/tmp}/warnwrap.XXXXXX")
	$REAL "$@" -f json > "$t.json" 2> /dev/null < /dev/null
	$REAL "$@" -f csv > /dev/null 2> "$t.err" < /dev/null
	if [ -s "$t.json" ]; then
		echo "ran" >> "$WARNLOG.runs"
		$WARNCHECK "$t.json" "$t.err" > /dev/null 2> "$t.why" ||
		    { printf '%s: %s\n' "$(basename "$PWD")" "$*"; cat "$t.why"; } \
		    >> "$WARNLOG"
	fi
	rm -f "$t" "$t.json" "$t.err" "$t.why"
fi
exec $REAL "$@"
