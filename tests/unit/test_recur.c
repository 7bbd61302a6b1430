/*
 * recur against libical: for generated simple rules, and for every simple
 * RRULE of the corpus calendars, the day-arithmetic expansion gives the
 * instances libical's iterator gives, one for one, up to the same end.
 * Instances are compared as the reader uses them, as instants.  And the
 * local dates from offsets cached by UTC day are libical's own, across
 * daylight saving, half-hour zones and a day skipped (Samoa, 2011).
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

#include "date.h"
#include "recur.h"

static unsigned long long seed = 12345;
static int gaps;		/* series left to libical at a gap */

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33) % n;
}

/* The two expansions of rule from dt, compared for up to max instances;
 * 1 when recur took the rule. */
static int
compare(const char *rule, struct icaltimetype dt, int max, const char *what)
{
	struct icalrecurrencetype r = icalrecurrencetype_from_string(rule);
	struct icaltimetype a, b;
	icalrecur_iterator *it;
	struct recur rc;
	int i;

	if (r.freq == ICAL_NO_RECURRENCE || !recur_simple(&rc, &r, dt) ||
	    (it = icalrecur_iterator_new(r, dt)) == NULL) {
		free(r.rscale);		/* from_string's copy (RSCALE=...) */
		return 0;
	}
	for (i = 0; i < max; i++) {
		a = icalrecur_iterator_next(it);
		b = recur_next(&rc);
		/* as the reader does: a series meeting a gap goes to libical */
		if (!icaltime_is_null_time(b) && dt.zone) {
			int changes;

			(void)recur_instant_ex((icaltimezone *)dt.zone, b, &changes);
			if (changes && recur_gap((icaltimezone *)dt.zone, b)) {
				gaps++;
				break;
			}
		}
		/* the same instants (a time daylight saving skips may read
		 * otherwise in libical: it moves it past the gap) */
		if (icaltime_is_null_time(a) != icaltime_is_null_time(b) ||
		    (!icaltime_is_null_time(a) &&
		    recur_instant((icaltimezone *)dt.zone, a) !=
		    recur_instant((icaltimezone *)dt.zone, b)))
			fail_msg("%s: RRULE:%s from %s, instance %d: libical %s, "
			    "recur %s", what, rule, icaltime_as_ical_string(dt), i,
			    icaltime_is_null_time(a) ? "none" :
			    icaltime_as_ical_string(a), icaltime_is_null_time(b) ?
			    "none" : icaltime_as_ical_string(b));
		if (icaltime_is_null_time(a))
			break;
	}
	icalrecur_iterator_free(it);
	free(r.rscale);
	return 1;
}

static void
test_generated(void **state)
{
	static const char *const days[] = { "SU", "MO", "TU", "WE", "TH", "FR",
	    "SA" };
	static const char *const zones[] = { "America/New_York",
	    "Europe/Berlin", "Australia/Sydney" };
	char rule[256];
	struct icaltimetype dt;
	int i, k, n, taken = 0;
	size_t at;

	(void)state;
	for (i = 0; i < 4000; i++) {
		at = (size_t)snprintf(rule, sizeof(rule), "FREQ=%s",
		    rnd(3) ? "WEEKLY" : "DAILY");
		if (rnd(2))
			at += (size_t)snprintf(rule + at, sizeof(rule) - at,
			    ";INTERVAL=%u", 1 + rnd(4));
		if (rnd(3)) {
			n = 0;
			for (k = 0; k < 7; k++)
				if (rnd(3) == 0) {
					at += (size_t)snprintf(rule + at,
					    sizeof(rule) - at, "%s%s",
					    n++ ? "," : ";BYDAY=", days[k]);
				}
		}
		if (rnd(2))
			at += (size_t)snprintf(rule + at, sizeof(rule) - at,
			    ";WKST=%s", days[rnd(7)]);
		k = (int)rnd(3);
		if (k == 0)
			at += (size_t)snprintf(rule + at, sizeof(rule) - at,
			    ";COUNT=%u", 1 + rnd(40));
		else if (k == 1)
			at += (size_t)snprintf(rule + at, sizeof(rule) - at,
			    ";UNTIL=20%02u%02u%02uT%02u%02u00Z", 24 + rnd(3),
			    1 + rnd(12), 1 + rnd(28), rnd(24), rnd(60));
		dt = icaltime_null_time();
		dt.year = 2023 + (int)rnd(3);
		dt.month = 1 + (int)rnd(12);
		dt.day = 1 + (int)rnd(28);
		dt.hour = (int)rnd(24);
		dt.minute = (int)rnd(4) * 15;
		dt.is_date = 0;
		k = (int)rnd(5);
		dt.zone = k < 3 ? icaltimezone_get_builtin_timezone(zones[k]) :
		    k == 3 ? icaltimezone_get_utc_timezone() : NULL;
		taken += compare(rule, dt, 400, "generated");
	}
	print_message("generated: %d rules expanded both ways, %d left to "
	    "libical at a gap\n", taken, gaps);
	assert_true(taken > 2000);
}

static void
test_local_day(void **state)
{
	static const char *const zones[] = { "America/New_York",
	    "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu",
	    "America/St_Johns", "Pacific/Chatham", "Pacific/Apia", NULL };
	icaltimezone *z;
	struct icaltimetype t;
	long long u, from = 1262304000LL, to = 1830297600LL;	/* 2010-2028 */
	int k, want, got, n = 0;

	(void)state;
	for (k = 0; k < 9; k++) {
		z = k < 7 ? icaltimezone_get_builtin_timezone(zones[k]) :
		    k == 7 ? icaltimezone_get_utc_timezone() : NULL;
		if (k < 7)
			assert_non_null(z);
		recur_forget();
		for (u = from; u < to; u += 4801) {
			t = icaltime_from_timet_with_zone((time_t)u, 0, z);
			want = date_from_ymd(t.year, t.month, t.day);
			got = recur_local_day(z, u);
			if (got != want)
				fail_msg("%s at %lld: day %d, libical's %d",
				    k < 7 ? zones[k] : k == 7 ? "UTC" : "no zone", u,
				    got, want);
			n++;
		}
	}
	print_message("local days: %d instants, as libical's\n", n);
}

/* libical's parser says what it thinks of broken files on stderr. */
static icalcomponent *
quietly(const char *text)
{
	icalcomponent *root;
	int saved = dup(2), null = open("/dev/null", O_WRONLY);

	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	root = icalparser_parse_string(text);
	if (saved >= 0 && null >= 0)
		dup2(saved, 2);
	if (saved >= 0)
		close(saved);
	if (null >= 0)
		close(null);
	return root;
}

/* Every RRULE of the corpus's calendars that recur takes. */
static int
walk(const char *dir, int *taken)
{
	struct dirent *de;
	struct stat sb;
	char path[4096];
	DIR *d;
	int files = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			files += walk(path, taken);
			continue;
		}
		{
			FILE *fp = fopen(path, "r");
			icalcomponent *root, *c;
			icalproperty *p, *ps;
			char *text;
			long n;

			if (fp == NULL || sb.st_size > 4 << 20) {
				if (fp)
					fclose(fp);
				continue;
			}
			text = calloc(1, (size_t)sb.st_size + 1);
			n = (long)fread(text, 1, (size_t)sb.st_size, fp);
			fclose(fp);
			text[n] = '\0';
			files++;
			root = quietly(text);
			free(text);
			if (root == NULL)
				continue;
			for (c = icalcomponent_get_first_component(root,
			    ICAL_VEVENT_COMPONENT); c; c =
			    icalcomponent_get_next_component(root,
			    ICAL_VEVENT_COMPONENT)) {
				struct icalrecurrencetype rr;
				struct icaltimetype dt;

				ps = icalcomponent_get_first_property(c,
				    ICAL_DTSTART_PROPERTY);
				p = icalcomponent_get_first_property(c,
				    ICAL_RRULE_PROPERTY);
				if (ps == NULL || p == NULL)
					continue;
				dt = icalproperty_get_dtstart(ps);
				rr = icalproperty_get_rrule(p);
				*taken += compare(icalrecurrencetype_as_string(&rr),
				    dt, 2000, path);
			}
			icalcomponent_free(root);
		}
	}
	closedir(d);
	return files;
}

static void
test_corpus(void **state)
{
	const char *dir = getenv("CORPUS");
	int taken = 0, files;

	(void)state;
	if (dir == NULL)
		dir = "../shared/corpus/ics";
	files = walk(dir, &taken);
	if (files == 0)
		skip();
	print_message("corpus: %d files, %d rules expanded both ways\n", files,
	    taken);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_local_day),
		cmocka_unit_test(test_corpus),
	};

	icalerror_set_errors_are_fatal(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
