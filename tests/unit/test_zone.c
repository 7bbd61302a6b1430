/*
 * zone against libical: for every zone libical has, for VTIMEZONEs as
 * Outlook, Google and Apple write them, and for the corpus calendars'
 * own, the offset at an instant is libical's own, at samples four weeks
 * apart from 1902 to 2100 and at each second either side of every change
 * found between them; and where the table reads a wall time, it reads it
 * in libical's offset.  Under valgrind, every twentieth zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>
#include <libical/ical.h>
#include <valgrind/valgrind.h>

#include "date.h"
#include "zone.h"

static long
theirs(icaltimezone *z, long long u)
{
	struct icaltimetype t = icaltime_from_timet_with_zone((time_t)u, 0,
	    icaltimezone_get_utc_timezone());

	return icaltimezone_get_utc_offset_of_utc_time(z, &t, NULL);
}

static struct icaltimetype
wall(long long L)
{
	struct icaltimetype t = icaltime_null_time();
	long long d = L >= 0 ? L / 86400 : -((-L + 86399) / 86400);
	long s = (long)(L - d * 86400);

	date_to_ymd((int)d, &t.year, &t.month, &t.day);
	t.hour = (int)(s / 3600);
	t.minute = (int)(s / 60 % 60);
	t.second = (int)(s % 60);
	return t;
}

static int checked, readings, changes;

static void
check_at(icaltimezone *z, long long u, const char *what)
{
	long a = zone_offset(z, u), b = theirs(z, u);

	if (a != b)
		fail_msg("%s: offset at %lld: %ld, libical %ld", what, u, a, b);
	checked++;
}

/* a wall time near instant u, read both ways */
static void
check_reading(icaltimezone *z, long long L, const char *what)
{
	struct icaltimetype t = wall(L);
	long off;
	int theirs_off;

	t.zone = z;
	if (!zone_reading(z, t, &off))
		return;
	theirs_off = icaltimezone_get_utc_offset(z, &t, NULL);
	if (off != theirs_off)
		fail_msg("%s: wall time %lld read at %ld, libical %d", what, L,
		    off, theirs_off);
	readings++;
}

static void
check_zone(icaltimezone *z, const char *what)
{
	long long lo = (long long)date_from_ymd(1902, 1, 2) * 86400,
	    hi = (long long)date_from_ymd(2100, 1, 1) * 86400, u, a, b, m;
	long prev, o;
	int k;

	prev = zone_offset(z, lo);
	for (u = lo; u < hi; u += 28 * 86400 + 3607) {
		check_at(z, u, what);
		check_reading(z, u + zone_offset(z, u), what);
		o = zone_offset(z, u);
		if (o == prev)
			continue;
		/* a change between: find its second */
		a = u - 28 * 86400 - 3607;
		b = u;
		while (b - a > 1) {
			m = a + (b - a) / 2;
			if (zone_offset(z, m) == prev)
				a = m;
			else
				b = m;
		}
		changes++;
		for (k = -2; k <= 2; k++)
			check_at(z, b + k, what);
		for (k = -12; k <= 12; k++)
			check_reading(z, b + prev + k * 1800, what);
		prev = o;
	}
}

static void
test_builtin(void **state)
{
	icalarray *all = icaltimezone_get_builtin_timezones();
	size_t i, own = 0, n = 0;
	int step = RUNNING_ON_VALGRIND ? 20 : 1;

	(void)state;
	assert_non_null(all);
	for (i = 0; i < all->num_elements; i += step) {
		icaltimezone *z = icalarray_element_at(all, i);

		n++;
		own += zone_own(z);
		check_zone(z, icaltimezone_get_location(z));
	}
	print_message("%zu zones (%zu with a table of their own): %d offsets, "
	    "%d changes, %d wall times agree\n", n, own, checked, changes,
	    readings);
	/* the zone database's rules are all of the shapes expanded here */
	assert_true(own * 10 >= n * 9);
	zone_forget();
}

static icalcomponent *
parse_quiet(const char *text)
{
	icalcomponent *c;

	int saved = dup(2), null = open("/dev/null", O_WRONLY);

	/* libical's parser talks on stderr */
	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	c = icalparser_parse_string(text);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return c;
}

/* each VTIMEZONE of a calendar, as the reader sees it */
static int
check_calendar(const char *text, const char *what, int *own)
{
	icalcomponent *root = parse_quiet(text), *tz;
	int n = 0;

	if (root == NULL)
		return 0;
	for (tz = icalcomponent_get_first_component(root,
	    ICAL_VTIMEZONE_COMPONENT); tz; tz = icalcomponent_get_next_component(
	    root, ICAL_VTIMEZONE_COMPONENT)) {
		icaltimezone *z = icaltimezone_new();
		int bad = 0;
		icalcomponent *obs;
		icalproperty *p;

		/* the reader leaves out rules more often than yearly */
		for (obs = icalcomponent_get_first_component(tz,
		    ICAL_ANY_COMPONENT); obs; obs = icalcomponent_get_next_component(
		    tz, ICAL_ANY_COMPONENT))
			for (p = icalcomponent_get_first_property(obs,
			    ICAL_RRULE_PROPERTY); p; p =
			    icalcomponent_get_next_property(obs, ICAL_RRULE_PROPERTY)) {
				struct icalrecurrencetype r = icalproperty_get_rrule(p);

				bad |= r.freq != ICAL_YEARLY_RECURRENCE || r.interval < 1;
			}
		icalcomponent *copy = bad ? NULL : icalcomponent_new_clone(tz);

		if (copy == NULL || !icaltimezone_set_component(z, copy)) {
			/* not taken: no TZID */
			if (copy)
				icalcomponent_free(copy);
			icaltimezone_free(z, 1);
			continue;
		}
		*own += zone_own(z);
		check_zone(z, what);
		zone_forget();
		icaltimezone_free(z, 1);
		n++;
	}
	icalcomponent_free(root);
	return n;
}

#define TZ(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\n" \
	"TZID:X\r\n" body "END:VTIMEZONE\r\nEND:VCALENDAR\r\n"

static void
test_written(void **state)
{
	static const char *const cals[] = {
		/* Outlook: from 1601, rules only */
		TZ("BEGIN:STANDARD\r\nDTSTART:16010101T020000\r\n"
		    "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
		    "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
		    "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\n"
		    "TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
		    "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"),
		/* Google and Apple: from 1970 or 2007 */
		TZ("BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
		    "DTSTART:19700329T020000\r\n"
		    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
		    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
		    "DTSTART:19701025T030000\r\n"
		    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"),
		/* southern: daylight over new year; UNTIL in UTC, COUNT */
		TZ("BEGIN:STANDARD\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\n"
		    "DTSTART:20080406T030000\r\n"
		    "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;COUNT=20\r\n"
		    "END:STANDARD\r\n"
		    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100\r\n"
		    "DTSTART:20081005T020000\r\n"
		    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU;UNTIL=20271002T160000Z"
		    "\r\nEND:DAYLIGHT\r\n"),
		/* days of the month with a weekday, RDATEs, an interval */
		TZ("BEGIN:STANDARD\r\nTZOFFSETFROM:-0300\r\nTZOFFSETTO:-0400\r\n"
		    "DTSTART:19950312T000000\r\n"
		    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYMONTHDAY=9,10,11,12,"
		    "13,14,15\r\nRDATE:19940313T000000\r\nRDATE;VALUE=DATE:19930314"
		    "\r\nEND:STANDARD\r\n"
		    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0300\r\n"
		    "DTSTART:19951008T000000\r\n"
		    "RRULE:FREQ=YEARLY;INTERVAL=2;BYMONTH=10;BYDAY=2SU\r\n"
		    "END:DAYLIGHT\r\n"),
		/* on DTSTART's date; no TZOFFSETFROM (Outlook for Mac) */
		TZ("BEGIN:STANDARD\r\nTZOFFSETTO:+0330\r\n"
		    "DTSTART:19790921T000000\r\nEND:STANDARD\r\n"
		    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0330\r\nTZOFFSETTO:+0430\r\n"
		    "DTSTART:19800321T000000\r\nRRULE:FREQ=YEARLY;BYMONTH=3\r\n"
		    "END:DAYLIGHT\r\n"),
	};
	size_t i;
	int own = 0, n = 0;

	(void)state;
	for (i = 0; i < sizeof(cals) / sizeof(cals[0]); i++)
		n += check_calendar(cals[i], "written", &own);
	assert_int_equal(n, 5);
	assert_int_equal(own, 5);
}

static int
walk(const char *dir, int *zones, int *own)
{
	struct dirent *de;
	struct stat sb;
	char path[4096];
	DIR *d;
	int files = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		FILE *fp;
		char *text;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			files += walk(path, zones, own);
			continue;
		}
		if (!S_ISREG(sb.st_mode) || sb.st_size > 4 << 20 ||
		    (fp = fopen(path, "r")) == NULL)
			continue;
		text = calloc(1, (size_t)sb.st_size + 1);
		n = fread(text, 1, (size_t)sb.st_size, fp);
		fclose(fp);
		text[n] = '\0';
		if (strstr(text, "BEGIN:VTIMEZONE") != NULL)
			*zones += check_calendar(text, path, own);
		free(text);
		files++;
	}
	closedir(d);
	return files;
}

static void
test_corpus(void **state)
{
	const char *dir = getenv("CORPUS");
	int zones = 0, own = 0, files;

	(void)state;
	if (RUNNING_ON_VALGRIND)
		skip();
	if (dir == NULL)
		dir = "../shared/corpus/ics";
	files = walk(dir, &zones, &own);
	if (files == 0)
		skip();
	print_message("corpus: %d files, %d VTIMEZONEs (%d with a table of "
	    "their own)\n", files, zones, own);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_corpus),
	};

	icalerror_set_errors_are_fatal(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
