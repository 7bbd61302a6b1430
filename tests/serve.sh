# Sourced by tests/run.sh: `cptunits serve` driven over HTTP (curl) and in
# a headless Chromium.  The API must answer byte for byte what the command
# line prints; refusals (403 Host, 413 size, 404, 405, 400) come before the
# body is read; 200 requests 20 at a time are all answered; SIGTERM ends
# it with exit 0 after the request in flight; its standard error names no
# patient.  Uses ok/fail/$scratch/$BIN/$top of run.sh.
sv=$scratch/serve
mkdir -p "$sv"
ex=$top/examples
n0=$((passed + failed))

serve_start() { # out err args...: start a server; sets $pid and $url
	o=$1 e=$2
	shift 2
	"$BIN" serve --listen 127.0.0.1:0 "$@" > "$o" 2> "$e" &
	pid=$!
	url=
	for i in $(seq 100); do
		url=$(sed -n 's/^cptunits: serving \(http:[^ ]*\) .*/\1/p' "$o")
		[ -n "$url" ] && break
		sleep 0.1
	done
}

check() { # name: ok when the last command succeeded
	if [ $? -eq 0 ]; then ok; else fail "serve: $1"; fi
}

code() { # curl args...: the HTTP status only
	curl -s -o /dev/null -w '%{http_code}' "$@"
}

serve_start "$sv/out" "$sv/err" --max-upload 300000
if [ -z "$url" ]; then
	fail "serve: did not start"; cat "$sv/err"
else
	ok
	# the page and its parts
	curl -s "$url" | grep -q '<title>cptunits' ; check "GET / is the page"
	[ "$(code "${url}app.js")" = 200 ] && [ "$(code "${url}style.css")" = 200 ]
	check "the page's script and style"
	[ "$(code "${url}nothing")" = 404 ]; check "404 for an unknown path"
	[ "$(code -X PUT "$url")" = 405 ]; check "405 for PUT"

	# the API is the command line, byte for byte, for the examples and
	# every golden log (whatever its exit status, 0 or 1)
	same=0 differ=0
	for f in "$ex"/sessions.csv "$ex"/with-errors.csv "$ex"/sessions.ics \
	    $(find "$top/tests/cli" -name '*.csv' | sort); do
		case $f in *.ics) kind=ics ;; *) kind=log ;; esac
		"$BIN" -f csv $kind "$f" > "$sv/cli.csv" 2> /dev/null
		rc=$?
		[ "$rc" -le 1 ] || continue
		curl -s -D "$sv/h" -o "$sv/api.csv" --data-binary @"$f" \
		    "${url}api/units?format=csv"
		if cmp -s "$sv/cli.csv" "$sv/api.csv" &&
		    grep -qi "^X-Cptunits-Exit: $rc" "$sv/h"; then
			same=$((same + 1))
		else
			differ=$((differ + 1))
			printf 'serve: the API differs from the command line for %s\n' \
			    "${f#$top/}"
		fi
	done
	[ "$differ" -eq 0 ] && [ "$same" -gt 10 ]
	check "CSV equal to the command line's ($same inputs)"
	printf 'serve: API csv equals the command line for %d inputs\n' "$same"

	"$BIN" -f json --from 2018-03-01 --to 2018-04-01 ics "$ex/sessions.ics" \
	    > "$sv/cli.json" 2> /dev/null
	curl -s --data-binary @"$ex/sessions.ics" \
	    "${url}api/units?format=json&from=2018-03-01&to=2018-04-01" |
	    cmp -s - "$sv/cli.json"
	check "JSON with from and to equal to the command line's"
	"$BIN" -f csv --patient C9 ics "$ex/sessions.ics" > "$sv/cli.csv" 2>/dev/null
	curl -s --data-binary @"$ex/sessions.ics" \
	    "${url}api/units?format=csv&patient=C9" | cmp -s - "$sv/cli.csv"
	check "patient= for a calendar"
	curl -s -o "$sv/u.xlsx" --data-binary @"$ex/sessions.csv" \
	    "${url}api/units?format=xlsx"
	"$BIN" -f csv log "$ex/sessions.csv" > "$sv/cli.csv" 2> /dev/null
	python3 "$top/tests/tools/xlsx2csv.py" "$sv/u.xlsx" Units |
	    cmp -s - "$sv/cli.csv"
	check "the workbook's Units equal the CSV"
	"$BIN" -q ics --annotate "$ex/sessions.ics" > "$sv/cli.ics"
	curl -s --data-binary @"$ex/sessions.ics" "${url}api/annotate" |
	    cmp -s - "$sv/cli.ics"
	check "the annotated calendar"
	"$BIN" -q -f csv --since 2018-03-03 auth "$ex/authorizations.csv" \
	    "$ex/sessions.csv" "$ex/sessions.ics" > "$sv/cli.csv"
	curl -s -F auths=@"$ex/authorizations.csv" -F file=@"$ex/sessions.csv" \
	    -F file=@"$ex/sessions.ics" "${url}api/auth?format=csv&since=2018-03-03" |
	    cmp -s - "$sv/cli.csv"
	check "auth equal to the command line's"
	"$BIN" rules | sed '0,/^mode = midpoint$/s//mode = full/' > "$sv/rules.ini"
	"$BIN" -c "$sv/rules.ini" -f csv log "$ex/sessions.csv" > "$sv/cli.csv" 2>/dev/null
	curl -s -F file=@"$ex/sessions.csv" -F rules=@"$sv/rules.ini" \
	    "${url}api/units?format=csv" | cmp -s - "$sv/cli.csv"
	check "a rules file sent beside the log"

	# what the command line refuses, the API refuses, with its words
	[ "$(code --data-binary @"$ex/sessions.csv" "${url}api/units?format=csv&from=2024-13-01")" = 400 ]
	check "a usage error is 400"
	[ "$(code --data-binary '' "${url}api/units")" = 422 ]
	check "an empty body is 422 (exit 3)"
	[ "$(code --data-binary @"$ex/sessions.csv" "${url}api/units?format=pdf")" = 400 ]
	check "an unknown format is 400"

	# safe by default
	[ "$(code -H 'Host: attacker.example' "$url")" = 403 ]
	check "a Host of another name is 403 (DNS rebinding)"
	port=${url##*:}
	port=${port%/}
	[ "$(code -H "Host: localhost:$port" "$url")" = 200 ]
	check "localhost:PORT is this address"
	[ "$(code -H 'Host:' -0 "$url")" = 403 ]; check "no Host is 403"
	head -c 300001 /dev/zero | tr '\0' 'a' > "$sv/big"
	[ "$(code --data-binary @"$sv/big" "${url}api/units")" = 413 ]
	check "a body over --max-upload is 413"
	[ "$(code -H 'Transfer-Encoding: chunked' --data-binary @"$sv/big" "${url}api/units")" = 413 ]
	check "a chunked body over --max-upload is 413"

	# 200 requests, 20 at a time, all answered
	seq 200 | xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	    --data-binary @"$ex/sessions.csv" "${url}api/units?format=csv" \
	    > "$sv/codes"
	[ "$(grep -c '^200$' "$sv/codes")" -eq 200 ]
	check "200 requests 20 at a time: $(grep -c '^200$' "$sv/codes") answered 200"

	# the page, in a real browser: the example's units on screen
	page_dom() { # query out: the page's DOM once its scripts have run
		timeout 120 chromium --headless --no-sandbox --disable-gpu \
		    --disable-dev-shm-usage --no-first-run --user-data-dir="$sv/chrome" \
		    --virtual-time-budget=20000 --dump-dom "${url}$1" \
		    > "$2" 2>> "$sv/chrome.err"
	}
	if command -v chromium > /dev/null 2>&1; then
		# a headless browser now and then hands over the page before
		# its scripts have run: a second look, said, before a failure
		: > "$sv/chrome.err"
		shown=no
		for try in 1 2; do
			page_dom "?example=csv" "$sv/dom.html"
			if grep -q '<td>P004</td><td>2024-05-01</td><td>97153</td>.*<td>97153 ×20</td>' \
			    "$sv/dom.html"; then
				shown=yes
				break
			fi
			echo "serve: the browser's look $try showed no units ($(wc -c < "$sv/dom.html") bytes)"
			tail -3 "$sv/chrome.err"
		done
		[ "$shown" = yes ]
		check "Chromium shows the example log's units (P004 97153 x20)"
		# a screenshot for people to look at (not compared)
		timeout 120 chromium --headless --no-sandbox --disable-gpu \
		    --disable-dev-shm-usage --no-first-run --user-data-dir="$sv/chrome" \
		    --virtual-time-budget=20000 --window-size=1280,1400 \
		    --screenshot="$B/serve-page.png" "${url}?example=csv" \
		    > /dev/null 2>> "$sv/chrome.err"
		[ -s "$B/serve-page.png" ]; check "a screenshot in $(basename "$B")/serve-page.png"
		shown=no
		for try in 1 2; do
			page_dom "?example=ics" "$sv/dom2.html"
			if grep -q 'March 2018' "$sv/dom2.html" &&
			    grep -q '<td>P001</td><td>2018-03-27</td>' "$sv/dom2.html"; then
				shown=yes
				break
			fi
			echo "serve: the browser's look $try showed no calendar ($(wc -c < "$sv/dom2.html") bytes)"
			tail -3 "$sv/chrome.err"
		done
		[ "$shown" = yes ]
		check "Chromium shows the example calendar, month by month"
	else
		fail "serve: chromium is not installed (make deps installs it)"
	fi

	# SIGTERM: the request in flight is answered, then exit 0
	head -c 200000 /dev/zero | tr '\0' 'x' > "$sv/slow"
	curl -s -o /dev/null -w '%{http_code}' --limit-rate 100k \
	    --data-binary @"$sv/slow" "${url}api/units" > "$sv/slowcode" &
	cpid=$!
	sleep 1
	kill -TERM "$pid"
	wait "$cpid"
	wait "$pid"
	[ $? -eq 0 ]; check "SIGTERM: exit 0"
	[ "$(cat "$sv/slowcode")" = 422 ]
	check "the request in flight at SIGTERM answered ($(cat "$sv/slowcode"))"
	# its standard error names no patient of what it was sent
	! grep -E 'P00[0-9]|C[0-9]{3}|Park|Lee' "$sv/err" > /dev/null
	check "standard error holds no patient identifier"
fi

# beyond loopback only when told, and then a warning
serve_start "$sv/out2" "$sv/err2" --listen 0.0.0.0:0
grep -q 'beyond this machine' "$sv/err2"; check "a warning off loopback"
port=${url##*:}
port=${port%/}
# reached by any of its addresses in numbers, never by another name
[ "$(code -H "Host: 127.0.0.1:$port" "http://127.0.0.1:$port/")" = 200 ] &&
    [ "$(code -H "Host: 10.1.2.3:$port" "http://127.0.0.1:$port/")" = 200 ] &&
    [ "$(code -H "Host: clinic.example:$port" "http://127.0.0.1:$port/")" = 403 ] &&
    [ "$(code -H "Host: 127.0.0.1:1" "http://127.0.0.1:$port/")" = 403 ]
check "off loopback: addresses in numbers with its port, no other name"
kill -TERM "$pid" 2> /dev/null
wait "$pid"
"$BIN" serve --listen nonsense > /dev/null 2>&1
[ $? -eq 2 ]; check "a bad --listen is a usage error"
printf 'serve: %d cases\n' $((passed + failed - n0))
