# Deterministic generator of a realistic year of sessions, for the
# benchmark and the identity check: many patients interleaved by time of
# day, as a practice system exports a clinic network's year.  The same
# arguments give the same bytes with any awk (a Park-Miller generator in
# exact double arithmetic, not awk's rand()).
#
#   awk -v rows=N [-v patients=P] [-v seed=S] [-v shuffle=1] -f gen-real.awk
#
# The log is a billing export: a header with practice-system names,
# quoted "Last, First" names, US dates, AM/PM times meant in a zone with
# daylight saving (run it with --tz America/New_York), the weekdays of
# 2024 in date order and, within a day, in order of start time across
# every patient.  With shuffle=1 each row is prefixed by a pseudo-random
# key and a tab (the header by 0): `sort -s -k1,1n | cut -f2-` gives the
# same rows shuffled, the header still first.
function next_rand() { seed = (seed * 16807) % 2147483647; return seed }
# the shuffle's keys, from a stream of their own: the rows stay the same
function next_key() { kseed = (kseed * 48271) % 2147483647; return kseed }
function ampm(m,   h, mm) {
	h = int(m / 60); mm = m % 60
	return sprintf("%d:%02d %s", h % 12 == 0 ? 12 : h % 12, mm, \
	    h < 12 ? "AM" : "PM")
}
BEGIN {
	if (seed == "") seed = 42
	kseed = 7
	if (patients == "") patients = 2000
	split("97153 97153 97153 97153 97155 97156 90837 97151", codes, " ")
	ncodes = 8
	split("Smith Johnson Williams Brown Jones Garcia Miller Davis " \
	    "Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson " \
	    "Thomas Taylor Moore Jackson Martin", last, " ")
	split("Jordan Riley Casey Avery Quinn Morgan Taylor Jamie Drew " \
	    "Rowan Sage Emerson Finley Hayden Logan Parker Reese Skyler " \
	    "Blake Cameron", first, " ")
	split("Medicaid|Blue Cross, Inc.|Aetna|United Healthcare", payers, "|")
	hdr = "Client ID,Client Name,Date of Service,Start Time,End Time," \
	    "Procedure Code,Rendering Provider,Payor"
	if (shuffle) hdr = "0\t" hdr
	print hdr
	split("31 29 31 30 31 30 31 31 30 31 30 31", mdays, " ")
	# the weekdays of 2024 (2024-01-01 was a Monday)
	nd = 0
	for (m = 1; m <= 12; m++)
		for (d = 1; d <= mdays[m]; d++) {
			if (dow % 7 < 5) { dm[nd] = m; dd[nd] = d; nd++ }
			dow++
		}
	slots = 40			# quarter hours from 8:00 AM
	perslot = rows / (nd * slots)
	i = 0
	for (day = 0; day < nd && i < rows; day++) {
		date = sprintf("%02d/%02d/%04d", dm[day], dd[day], 2024)
		for (s = 0; s < slots && i < rows; s++) {
			# the rows due by the end of this slot, spread evenly
			due = int((day * slots + s + 1) * perslot + 0.5)
			if (day == nd - 1 && s == slots - 1) due = rows
			for (; i < due && i < rows; i++) {
				p = next_rand() % patients
				start = 480 + s * 15 + next_rand() % 15
				len = 15 + next_rand() % 106
				code = codes[1 + next_rand() % ncodes]
				tech = (p * 7 + next_rand() % 2) % 300
				row = sprintf("C%05d,\"%s, %s\",%s,%s,%s,%s," \
				    "\"%s, %s\",\"%s\"", p, last[1 + p % 20], \
				    first[1 + int(p / 20) % 20], date, ampm(start), \
				    ampm(start + len), code, last[1 + tech % 20], \
				    first[1 + int(tech / 20) % 20] " " tech, \
				    payers[1 + p % 4])
				if (shuffle) row = next_key() "\t" row
				print row
			}
		}
	}
}
