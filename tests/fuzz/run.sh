#!/bin/sh
# Runs each libFuzzer harness for SECONDS with its seeds and dictionary;
# a finding (crash, leak, sanitizer report, hang) stops it with its input
# saved under build/fuzz/findings/NAME.  Ends with "N passed, N failed".
#
#   sh tests/fuzz/run.sh SECONDS NAME...
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
FB=${FB:-build/fuzz}
case $FB in /*) ;; *) FB=$top/$FB ;; esac
secs=$1
shift
passed=0 failed=0
corpus=$top/../shared/corpus/ics

# copy files, each under a name of its own (many fixtures are in.csv)
gather() { # dir files...
	d=$1
	shift
	for f in "$@"; do
		cp "$f" "$d/$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
	done
}

seeds() { # name dir: gather the seed inputs of a harness
	mkdir -p "$2"
	case $1 in
	fuzz_log|fuzz_csv) gather "$2" $(find "$top/tests/cli" "$top/examples" -name '*.csv') ;;
	fuzz_serve) for s in 127.0.0.1:8631 localhost:8631 "[::1]:8631" \
	    0.0.0.0:0 10.0.0.7:8631 "[fe80::1]:8631" evil.example:8631; do
	    printf '%s' "$s" > "$2/$(printf '%s' "$s" | cksum | cut -d' ' -f1)"
	    done ;;
	fuzz_auth) gather "$2" $(find "$top/tests/cli" "$top/examples" -name 'auth*.csv') ;;
	fuzz_rules) gather "$2" "$top"/tests/rules/good/*.ini \
	    "$top"/tests/rules/bad/*.ini "$top/config/cptunits.ini" ;;
	fuzz_ics) gather "$2" $(find "$top/tests/cli" "$top/examples" -name '*.ics')
	    [ -d "$corpus" ] && find "$corpus" -type f -size -64k |
	    while IFS= read -r f; do gather "$2" "$f"; done ;;
	fuzz_time) for s in 2024-02-29 2026-02-30 03/02/2018 12/31/2024 09:00 \
	    23:59:59 "12:00 AM" "1:30 pm" 2024-05-01T09:00:00-04:00 \
	    2024-05-01T13:00Z; do printf '%s' "$s" > "$2/$(printf '%s' "$s" |
	    cksum | cut -d' ' -f1)"; done ;;
	esac
}

for name in "$@"; do
	work=$FB/corpus/$name
	found=$FB/findings/$name
	mkdir -p "$work" "$found"
	seeds "$name" "$FB/seeds/$name"
	dict=$top/tests/fuzz/${name#fuzz_}.dict
	[ "$name" = fuzz_log ] && dict=$top/tests/fuzz/csv.dict
	[ "$name" = fuzz_auth ] && dict=$top/tests/fuzz/csv.dict
	[ "$name" = fuzz_serve ] && dict=$top/tests/fuzz/time.dict
	"$FB/$name" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 -dict="$dict" \
	    -artifact_prefix="$found/" "$work" "$FB/seeds/$name" \
	    > "$FB/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$FB/$name.log")
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		printf '%s: %s runs in %s s, no finding\n' "$name" "${execs:-?}" "$secs"
	else
		failed=$((failed + 1))
		printf '%s: FINDING (exit %s), see %s\n' "$name" "$rc" "$FB/$name.log"
		grep -E 'ERROR|SUMMARY|Test unit written' "$FB/$name.log" | head -5
	fi
done
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
