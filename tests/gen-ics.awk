# Deterministic calendar generator for the benchmark: N events of 2024 in
# America/New_York (with its VTIMEZONE), one in four a weekly series to
# the end of the year, the rest single sessions; every event carries a
# code and a patient.
#
#   awk -v events=N -f gen-ics.awk
function next_rand() { seed = (seed * 16807) % 2147483647; return seed }
BEGIN {
	seed = 7
	split("97153 97155 97156 0373T 90834", codes, " ")
	printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cptunits bench//EN\r\n"
	printf "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n"
	printf "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
	printf "DTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
	printf "END:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\n"
	printf "TZOFFSETTO:-0500\r\nDTSTART:20071104T020000\r\n"
	printf "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n"
	printf "END:VTIMEZONE\r\n"
	split("31 29 31 30 31 30 31 31 30 31 30 31", mdays, " ")
	for (i = 0; i < events; i++) {
		d = next_rand() % 366
		m = 1
		while (d >= mdays[m]) { d -= mdays[m]; m++ }
		h = 8 + next_rand() % 9
		mi = (next_rand() % 4) * 15
		len = 30 + (next_rand() % 6) * 15
		eh = h + int((mi + len) / 60)
		em = (mi + len) % 60
		printf "BEGIN:VEVENT\r\nUID:bench-%d@cptunits\r\nDTSTAMP:20240101T000000Z\r\n", i
		printf "DTSTART;TZID=America/New_York:2024%02d%02dT%02d%02d00\r\n", m, d + 1, h, mi
		printf "DTEND;TZID=America/New_York:2024%02d%02dT%02d%02d00\r\n", m, d + 1, eh, em
		if (i % 4 == 0)
			printf "RRULE:FREQ=WEEKLY;UNTIL=20241231T235959Z\r\n"
		printf "SUMMARY:Session\r\nX-CPT-CODE:%s\r\nX-PATIENT-ID:P%05d\r\n", \
		    codes[1 + next_rand() % 5], next_rand() % 500
		printf "X-TECHNICIANS:2\r\nEND:VEVENT\r\n"
	}
	printf "END:VCALENDAR\r\n"
}
