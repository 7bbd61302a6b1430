#!/bin/sh
# make bench: speed and memory of `cptunits log`, each figure beside its
# floor measured in the same run on the same file: `wc -l` (reading the
# bytes) and the product's CSV reader alone (tests/bench/csvcount.c).
# Each time is the best of three runs; memory is the peak resident size.
#
#   BENCH_ROWS   rows of the main log (default 1000000; 10000000 on request)
#   B            the build folder (default build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$top/build}
rows=${BENCH_ROWS:-1000000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cptunits-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
run="$B/runstat"

gen() { # rows patients days file
	awk -v rows="$1" -v patients="$2" -v days="$3" -f "$top/tests/gen-log.awk" > "$4"
}

# best wall time of three runs, and the peak memory of those runs
best() {
	b= m=
	for i in 1 2 3; do
		set -- $("$run" "$@") "$@"
		t=$1 mm=$2
		shift 2
		if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
		if [ -z "$m" ] || awk "BEGIN{exit !($mm > $m)}"; then m=$mm; fi
	done
	echo "$b $m"
}

row() { # label seconds peak rows bytes floor
	awk -v l="$1" -v s="$2" -v m="$3" -v r="$4" -v b="$5" -v f="$6" 'BEGIN {
		printf "  %-22s %8.3f %12.0f %9.1f %9.1f", l, s, r / s, b / s / 1048576, m
		if (f > 0) printf " %8.2fx", s / f
		printf "\n"
	}'
}

bench_log() { # file rows patient-days
	f=$1 n=$2 pd=$3
	bytes=$(wc -c < "$f")
	printf '\nlog: %s rows, %.1f MB, %s patient-days\n' "$n" \
	    "$(awk -v b="$bytes" 'BEGIN{print b/1048576}')" "$pd"
	printf '  %-22s %8s %12s %9s %9s %9s\n' step seconds rows/s MB/s \
	    "peak MiB" "x reader"
	set -- $(best wc -l "$f"); row "wc -l" "$1" "$2" "$n" "$bytes" 0
	set -- $(best "$B/csvcount" "$f"); reader=$1
	row "csv reader alone" "$1" "$2" "$n" "$bytes" 0
	set -- $(best "$top/cptunits" -q -f csv log "$f")
	row "cptunits log" "$1" "$2" "$n" "$bytes" "$reader"
	last_peak=$2
}

echo "cptunits log benchmark ($(nproc) cores)"
gen "$rows" 200 250 "$dir/main.csv"
bench_log "$dir/main.csv" "$rows" 50000

# memory grows with patient-days, not rows: the same 5000 patient-days
gen 100000 20 250 "$dir/small.csv"
gen 1000000 20 250 "$dir/large.csv"
bench_log "$dir/small.csv" 100000 5000; small=$last_peak
bench_log "$dir/large.csv" 1000000 5000; large=$last_peak
printf '\nmemory: 5000 patient-days: %s MiB with 100000 rows, %s MiB with 1000000 rows\n' \
    "$small" "$large"

# calendars: cptunits ics beside libical alone parsing and expanding the
# same file over 2024 (tests/bench/icsfloor.c)
echo
echo "cptunits ics benchmark"
printf '  %-8s %9s %12s %10s %10s %10s %10s %9s\n' events "file MB" instances \
    "libical s" "libical MiB" "ics s" "ics MiB" "x libical"
for n in 1000 10000 50000; do
	awk -v events="$n" -f "$top/tests/gen-ics.awk" > "$dir/cal.ics"
	inst=$("$B/icsfloor" "$dir/cal.ics" | cut -d' ' -f1)
	set -- $(best "$B/icsfloor" "$dir/cal.ics"); fs=$1 fm=$2
	set -- $(best "$top/cptunits" -q -f csv --from 2024-01-01 --to 2025-01-01 \
	    ics "$dir/cal.ics")
	awk -v n="$n" -v b="$(wc -c < "$dir/cal.ics")" -v i="$inst" -v fs="$fs" \
	    -v fm="$fm" -v s="$1" -v m="$2" 'BEGIN {
		printf "  %-8d %9.1f %12d %10.3f %10.1f %10.3f %10.1f %8.2fx\n",
		    n, b / 1048576, i, fs, fm, s, m, s / fs }'
done
