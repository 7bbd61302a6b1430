#!/bin/sh
# make bench: speed and memory of `cptunits log` and `cptunits ics` on a
# realistic workload, each figure beside its floor measured in the same run
# on the same file.  Logs (tests/gen-real.awk): thousands of patients
# interleaved by time over the weekdays of a year, quoted fields, AM/PM
# times in America/New_York, and the same rows shuffled; the floors are
# `wc -l` and a bare libcsv parse (tests/bench/csvfloor.c), never our own
# reader (shown for information).  Calendars (tests/gen-ics.awk): the floor
# is libical's own parse and expansion (tests/bench/icsfloor.c).  Each time
# is the best of three runs; memory is the peak resident size of those.
#
#   BENCH_ROWS   rows of the realistic log (default 1000000)
#   BENCH_FLAT   row counts of the flat-memory check, on the same pools
#                (default "200000 2000000"; "1000000 10000000"
#                for the ten-million-row figure)
#   B            the build folder (default build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$top/build}
rows=${BENCH_ROWS:-1000000}
flat=${BENCH_FLAT:-200000 2000000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cptunits-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
run="$B/runstat"
cpt="$top/cptunits"

gen() { # rows patients file [shuffle]
	if [ "${4:-0}" = 1 ]; then
		awk -v rows="$1" -v patients="$2" -v shuffle=1 \
		    -f "$top/tests/gen-real.awk" | sort -s -k1,1n | cut -f2- > "$3"
	else
		awk -v rows="$1" -v patients="$2" -f "$top/tests/gen-real.awk" > "$3"
	fi
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

row() { # label seconds peak rows bytes floor pools
	awk -v l="$1" -v s="$2" -v m="$3" -v r="$4" -v b="$5" -v f="$6" \
	    -v p="${7:-0}" 'BEGIN {
		printf "  %-22s %8.3f %10.0f %8.1f %9.1f", l, s, r / s,
		    b / s / 1048576, m
		if (f > 0) printf " %8.2fx", s / f; else printf " %9s", ""
		if (p > 0) printf " %9.0f", m * 1048576 / p
		printf "\n"
	}'
}

# The log's pools: every pool of these generated logs bills one code, so
# the billed lines, less the header, count them.
pools() {
	"$cpt" -q -f csv --tz America/New_York log "$1" | awk 'END { print NR - 1 }'
}

bench_log() { # label file rows
	f=$2 n=$3
	bytes=$(wc -c < "$f")
	np=$(pools "$f")
	printf '\nlog, %s: %s rows, %.1f MB, %s pools\n' "$1" "$n" \
	    "$(awk -v b="$bytes" 'BEGIN{print b/1048576}')" "$np"
	printf '  %-22s %8s %10s %8s %9s %9s %9s\n' step seconds rows/s MB/s \
	    "peak MiB" "x libcsv" "B/pool"
	set -- $(best wc -l "$f"); row "wc -l" "$1" "$2" "$n" "$bytes" 0
	set -- $(best "$B/csvfloor" "$f"); floor=$1
	row "bare libcsv parse" "$1" "$2" "$n" "$bytes" 0
	set -- $(best "$B/csvcount" "$f")
	row "our reader alone" "$1" "$2" "$n" "$bytes" "$floor"
	set -- $(best "$cpt" -q -f csv --tz America/New_York log "$f")
	row "cptunits log" "$1" "$2" "$n" "$bytes" "$floor" "$np"
	last_peak=$2
}

echo "cptunits log benchmark ($(nproc) cores)"
gen "$rows" 2000 "$dir/real.csv"
bench_log "in date order" "$dir/real.csv" "$rows"
gen "$rows" 2000 "$dir/shuf.csv" 1
bench_log "shuffled" "$dir/shuf.csv" "$rows"
rm -f "$dir/real.csv" "$dir/shuf.csv"

# memory grows with pools, not rows: 20 patients' year (52,400 pools at
# most: 262 days, 5 families, 2 providers), filled at each row count
peaks=
for n in $flat; do
	gen "$n" 20 "$dir/flat.csv"
	bench_log "20 patients" "$dir/flat.csv" "$n"
	peaks="$peaks $n rows: $last_peak MiB;"
	rm -f "$dir/flat.csv"
done
printf '\nmemory on the same pools:%s\n' "$peaks"

# calendars: cptunits ics beside libical alone parsing and expanding the
# same file over 2024
echo
echo "cptunits ics benchmark"
printf '  %-8s %8s %10s %10s %11s %8s %8s %9s %9s\n' events "file MB" \
    instances "libical s" "libical MiB" "ics s" "ics MiB" "x libical" \
    "x memory"
for n in 1000 10000 50000; do
	awk -v events="$n" -f "$top/tests/gen-ics.awk" > "$dir/cal.ics"
	inst=$("$B/icsfloor" "$dir/cal.ics" | cut -d' ' -f1)
	set -- $(best "$B/icsfloor" "$dir/cal.ics"); fs=$1 fm=$2
	set -- $(best "$cpt" -q -f csv --from 2024-01-01 --to 2025-01-01 \
	    ics "$dir/cal.ics")
	awk -v n="$n" -v b="$(wc -c < "$dir/cal.ics")" -v i="$inst" -v fs="$fs" \
	    -v fm="$fm" -v s="$1" -v m="$2" 'BEGIN {
		printf "  %-8d %8.1f %10d %10.3f %11.1f %8.3f %8.1f %8.2fx %8.2fx\n",
		    n, b / 1048576, i, fs, fm, s, m, s / fs, m / fm }'
done
