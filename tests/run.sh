#!/bin/sh
# Runs every test: the unit tests (cmocka), the golden command-line cases
# of tests/cli, and the rules files of tests/rules/good and tests/rules/bad.
# Ends with one line "N passed, N failed".
#
#   BIN       the program (default ./cptunits)
#   B         the build folder holding the unit test programs (default build)
#   VALGRIND  a command to run every program under, e.g. "valgrind -q ..."
#   IDENTITY_RECORD  when set, records the corpus outputs as the identity
#             reference (tests/identity/corpus.txt) instead of checking them
#
# Every case runs under LC_ALL=C TZ=UTC, in a scratch folder, with HOME
# pointing there and no CPTUNITS_CONFIG, so the built-in rules apply.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-./cptunits}
B=${B:-build}
VALGRIND=${VALGRIND:-}
case $BIN in /*) ;; *) BIN=$top/$BIN ;; esac
case $B in /*) ;; *) B=$top/$B ;; esac
CPTUNITS="$VALGRIND $BIN"
TESTS=$top/tests
export CPTUNITS TESTS
LC_ALL=C TZ=UTC
export LC_ALL TZ
unset CPTUNITS_CONFIG XDG_CONFIG_HOME

passed=0 failed=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cptunits-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM	# and so the EXIT trap: a stopped run stops

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL: %s\n' "$1"; }

# --- unit tests -------------------------------------------------------------
cd "$top" || exit 1
for t in "$B"/test_*; do
	[ -x "$t" ] || continue
	name=${t##*/}
	$VALGRIND "$t" > "$scratch/unit.out" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$scratch/unit.out")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$scratch/unit.out")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] || [ -z "$p$f" ]; then
		[ -n "$f" ] || failed=$((failed + 1))
		printf 'FAIL: %s (exit %s)\n' "$name" "$rc"
		cat "$scratch/unit.out"
	else
		printf '%s: %s passed\n' "$name" "${p:-0}"
	fi
done

# --- golden command-line cases ---------------------------------------------
# tests/cli/NAME/cmd is a shell script using $CPTUNITS (and $TESTS, the
# tests folder, for its generator); stdout, stderr
# (empty when absent) and status (0 when absent) are what it must produce.
n0=$((passed + failed))
for dir in "$top"/tests/cli/*/; do
	name=$(basename "$dir")
	work=$scratch/cli/$name
	mkdir -p "$work"
	cp -R "$dir". "$work"/
	(cd "$work" && HOME=$work sh ./cmd > "$scratch/out" 2> "$scratch/err";
	    echo $? > "$scratch/status")
	want_status=0
	[ -f "$dir/status" ] && want_status=$(cat "$dir/status")
	bad=
	if ! cmp -s "$scratch/out" "$dir/stdout" 2>/dev/null; then
		bad="stdout"
		diff -u "$dir/stdout" "$scratch/out" 2>&1 | head -20
	fi
	if [ -f "$dir/stderr" ]; then
		cmp -s "$scratch/err" "$dir/stderr" || {
			bad="$bad stderr"; diff -u "$dir/stderr" "$scratch/err" | head -20; }
	elif [ -s "$scratch/err" ]; then
		bad="$bad stderr"; head -40 "$scratch/err"
	fi
	[ "$(cat "$scratch/status")" = "$want_status" ] ||
		bad="$bad status $(cat "$scratch/status") (want $want_status)"
	if [ -n "$bad" ]; then fail "cli/$name:$bad"; else ok; fi
done
printf 'cli: %d cases\n' $((passed + failed - n0))

# --- warnings in every format ---------------------------------------------
# Every golden case again, each log or ics run of it made with -f json and
# with -f csv: the csv run's standard error must carry every warning and
# note the JSON lists (tests/tools/warnwrap.sh).  Not under valgrind, where
# the plain run has already checked it.
if [ -z "$VALGRIND" ] && [ -x "$B/warncheck" ]; then
	WARNLOG=$scratch/warnings.log
	: > "$WARNLOG"
	: > "$WARNLOG.runs"
	for dir in "$top"/tests/cli/*/; do
		name=$(basename "$dir")
		work=$scratch/warn/$name
		mkdir -p "$work"
		cp -R "$dir". "$work"/
		(cd "$work" && HOME=$work REAL="$BIN" WARNCHECK="$B/warncheck" \
		    WARNLOG="$WARNLOG" CPTUNITS="sh $top/tests/tools/warnwrap.sh" \
		    sh ./cmd > /dev/null 2>&1)
	done
	runs=$(wc -l < "$WARNLOG.runs")
	if [ -s "$WARNLOG" ] || [ "$runs" -lt 50 ]; then
		fail "warnings: csv standard error against JSON ($runs runs)"
		head -20 "$WARNLOG"
	else
		ok
		printf 'warnings: %d runs, csv standard error carries every JSON warning\n' "$runs"
	fi
fi

# --- rules files --------------------------------------------------------------
n0=$((passed + failed))
cd "$top/tests/rules/good" || exit 1
for f in *.ini; do
	if $CPTUNITS rules --check "$f" > /dev/null 2> "$scratch/err" &&
	    $CPTUNITS -c "$f" rules > "$scratch/r1.ini" &&
	    $CPTUNITS -c "$scratch/r1.ini" rules > "$scratch/r2.ini" &&
	    cmp -s "$scratch/r1.ini" "$scratch/r2.ini"; then
		ok
	else
		fail "rules/good/$f"; cat "$scratch/err"
	fi
done
cd "$top/tests/rules/bad" || exit 1
for f in *.ini; do
	$CPTUNITS rules --check "$f" > "$scratch/out" 2> "$scratch/err"
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$scratch/out" ] &&
	    cmp -s "$scratch/err" "${f%.ini}.err"; then
		ok
	else
		fail "rules/bad/$f (exit $rc)"
		diff -u "${f%.ini}.err" "$scratch/err" | head -20
	fi
done
printf 'rules files: %d cases\n' $((passed + failed - n0))

# --- real calendars ------------------------------------------------------------
# Every file of ../shared/corpus/ics (other projects' test calendars) must be
# processed or refused with a message: exit 0, 1 or 3, never a crash, a
# hang (30 s), a sanitizer or valgrind report, or a usage error.
corpus=$top/../shared/corpus/ics
if [ -d "$corpus" ] && [ -n "$VALGRIND" ]; then
	# under valgrind, one process per folder (its start-up dominates);
	# the per-file figures come from the plain and sanitizer runs
	n0=$((passed + failed))
	for d in "$corpus"/*/; do
		timeout 1800 sh -c 'find "$1" -type f -print0 | LC_ALL=C sort -z |
		    xargs -0 $2 $3 -q -f csv --occurrences ics' sh "$d" "$VALGRIND" \
		    "$BIN" > /dev/null 2> "$scratch/err" < /dev/null
		rc=$?
		# xargs says 123 when a run exited 1 to 125 (1 and 3 are ours);
		# valgrind's findings are its "==PID==" lines
		if { [ "$rc" = 0 ] || [ "$rc" = 123 ]; } &&
		    ! grep -q '^==[0-9]*==' "$scratch/err"; then
			ok; printf 'corpus %s: clean under valgrind\n' "$(basename "$d")"
		else
			fail "corpus/$(basename "$d") under valgrind (exit $rc)"
			grep '^==[0-9]*==' "$scratch/err" | head -20
		fi
	done
	printf 'corpus: %d folders\n' $((passed + failed - n0))
elif [ -d "$corpus" ]; then
	n0=$((passed + failed))
	find "$corpus" -type f | LC_ALL=C sort > "$scratch/corpus.list"
	while IFS= read -r f; do
		rel=${f#"$corpus"/}
		# by its name in the corpus, so that messages do not depend on
		# where the corpus lies; to a fixed end, so that series without
		# one do not grow with today's date
		(cd "$corpus" && timeout 30 $CPTUNITS -f csv --occurrences ics \
		    --to 2028-01-01 "$rel" > "$scratch/out" 2> "$scratch/err" \
		    < /dev/null)
		rc=$?
		: > "$scratch/acct.json"
		occ=$(($(wc -l < "$scratch/out") - 1))
		[ "$occ" -lt 0 ] && occ=0
		# the account: every record billed, rejected or not billable, and
		# every event of the file read (libical may find more than the
		# BEGIN:VEVENT lines of a broken file, never fewer)
		acct=
		if [ "$rc" -le 1 ]; then
			(cd "$corpus" && timeout 30 $CPTUNITS -q -f json \
			    --from 1990-01-01 --to 2031-01-01 ics "$rel" \
			    > "$scratch/acct.json" 2> /dev/null < /dev/null)
			g() { sed -n "s/^    \"$1\": \([0-9]*\),*\$/\1/p" "$scratch/acct.json"; }
			e() { sed -n "s/^      \"$1\": \([0-9]*\),*\$/\1/p" "$scratch/acct.json"; }
			want=$(tr -d '\r' < "$f" | grep -ic '^BEGIN:VEVENT$')
			rec=$(g records) acc=$(g accepted) rej=$(g rejected) nb=$(g not_billable)
			rd=$(e read) eb=$(e billed) er=$(e refused) en=$(e not_billable) eo=$(e outside_window)
			if [ -n "$rec" ] && [ "$rec" -eq $((acc + rej + nb)) ] &&
			    [ "${rd:-0}" -ge "$want" ] &&
			    [ "${rd:-0}" -eq $((eb + er + en + eo)) ]; then
				acct=$(printf '; %d records = %d billed + %d rejected + %d not billable; %d events: %d billed, %d refused, %d not billable, %d outside 1990-2030' \
				    "$rec" "$acc" "$rej" "$nb" "$rd" "$eb" "$er" "$en" "$eo")
			else
				rc=98
			fi
		fi
		refused=$(grep -c ': event ' "$scratch/err")
		printf '%s %s %s\n' "$rel" "$rc" "$(cat "$scratch/out" \
		    "$scratch/err" "$scratch/acct.json" | sha256sum | cut -c1-32)" \
		    >> "$scratch/corpus.ids"
		case $rc in
		0|1) ok; printf 'corpus %s: %d occurrences, %d events refused%s\n' \
		    "$rel" "$occ" "$refused" "$acct" ;;
		98) fail "corpus/$rel: the account does not add up: records $rec = $acc + $rej + $nb? events $rd >= $want = $eb + $er + $en + $eo?" ;;
		3) if [ -s "$scratch/err" ]; then ok; printf 'corpus %s: refused: %s\n' \
		    "$rel" "$(head -1 "$scratch/err" | cut -c1-100)";
		   else fail "corpus/$rel: exit 3 without a message"; fi ;;
		*) fail "corpus/$rel (exit $rc)"; head -5 "$scratch/err" ;;
		esac
	done < "$scratch/corpus.list"
	# Identity (issue 10): every file's outputs as they were before the
	# speed work, a regression check kept in tests/identity/corpus.txt
	# (IDENTITY_RECORD=1 rewrites it, when a change of output is decided)
	if [ -n "${IDENTITY_RECORD:-}" ]; then
		mkdir -p "$top/tests/identity"
		cp "$scratch/corpus.ids" "$top/tests/identity/corpus.txt"
	fi
	if diff "$top/tests/identity/corpus.txt" "$scratch/corpus.ids" \
	    > "$scratch/ids.diff"; then
		ok; printf 'corpus: outputs identical to tests/identity/corpus.txt\n'
	else
		fail "corpus: outputs differ from tests/identity/corpus.txt"
		head -20 "$scratch/ids.diff"
	fi
	printf 'corpus: %d files\n' $((passed + failed - n0))
else
	printf 'corpus: %s not found, skipped\n' "$corpus"
fi

# --- the page: cptunits serve -------------------------------------------------
# Not under valgrind: each request runs the program again, natively.
if [ -z "$VALGRIND" ]; then
	. "$top/tests/serve.sh"
fi

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
