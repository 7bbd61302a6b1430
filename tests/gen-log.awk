# Deterministic encounter-log generator, for the reconciliation test and
# the benchmark.  The same arguments give the same bytes with any awk (a
# Park-Miller generator in exact double arithmetic, not awk's rand()).
#
#   awk -v rows=N -v patients=P -v days=D [-v bad=B] [-v seed=S] -f gen-log.awk
#
# Rows come as a practice system exports them, by date of service and
# patient: k = N / (P * D) sessions of one patient-day, then the next, so
# the log has P * D patient-days whatever N is.  With bad=B, every B-th row is
# spoilt in a way that undoing is a matter of removing an "X" after a
# comma: the date, the start time or the code gets an "X" in front.
function next_rand() { seed = (seed * 16807) % 2147483647; return seed }
BEGIN {
	if (seed == "") seed = 42
	if (bad == "") bad = 0
	split("97153 97153 97153 97155 0373T 90834 97156", codes, " ")
	ncodes = 7
	print "patient,date,start,end,code,technicians,payer,provider,location"
	# day numbers of 2024 as month/day
	split("31 29 31 30 31 30 31 31 30 31 30 31", mdays, " ")
	k = int(rows / (patients * days))
	if (k < 1) k = 1
	for (i = 0; i < rows; i++) {
		pd = int(i / k)
		p = pd % patients
		d = int(pd / patients) % days
		m = 1; dd = d % 366
		while (dd >= mdays[m]) { dd -= mdays[m]; m++ }
		date = sprintf("2024-%02d-%02d", m, dd + 1)
		start = 480 + next_rand() % 600
		len = 15 + next_rand() % 46
		end = start + len
		code = codes[1 + next_rand() % ncodes]
		techs = code == "0373T" ? 2 : 1
		payer = (p % 3 == 0) ? "Medicaid" : "Acme"
		st = sprintf("%02d:%02d", int(start / 60), start % 60)
		en = sprintf("%02d:%02d", int(end / 60), end % 60)
		if (bad > 0 && (i + 1) % bad == 0) {
			spoil = int((i + 1) / bad) % 3
			if (spoil == 0) date = "X" date
			else if (spoil == 1) st = "X" st
			else code = "X" code
		}
		printf "P%06d,%s,%s,%s,%s,%d,%s,Tech %03d,Clinic %d\n", p, date, \
		    st, en, code, techs, payer, p % 40, p % 4
	}
}
