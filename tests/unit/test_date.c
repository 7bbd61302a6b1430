/* Dates: strict parsing, real calendar dates, and day-number arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "date.h"

static void
test_parse(void **state)
{
	static const char *const bad[] = { "2026-02-30", "2023-02-29",
		"2024-13-01", "2024-00-10", "2024-01-00", "2024-1-01", "24-01-01",
		"2024/01/01", "2024-01-01x", "", "1899-12-31", "2024-04-31" };
	char buf[DATE_BUFSZ];
	size_t i;
	int d;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (date_parse(bad[i], &d) == 0)
			fail_msg("'%s' was taken as a date", bad[i]);
	assert_int_equal(date_parse("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(date_parse("2024-02-29", &d), 0);
	assert_string_equal(date_format(d, buf), "2024-02-29");
	assert_int_equal(date_parse("2000-02-29", &d), 0);
	assert_int_equal(date_parse("2019-01-01", &d), 0);
	assert_int_equal(d, 17897);	/* 1546300800 s / 86400 */
	/* absurd years (a calendar can say anything) clamp, never overflow */
	assert_true(date_from_ymd(2147483000, 12, 31) < 2147483647);
	assert_true(date_from_ymd(-2147483000, 1, 1) > -2147483647 - 1);
}

static void
test_round_trip(void **state)
{
	int day, y, m, d, prev = date_from_ymd(1900, 1, 1) - 1;

	(void)state;
	for (y = 1900; y <= 2100; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= 31; d++) {
				int yy, mm, dd;

				if (!date_valid(y, m, d))
					continue;
				day = date_from_ymd(y, m, d);
				assert_int_equal(day, prev + 1);
				date_to_ymd(day, &yy, &mm, &dd);
				assert_int_equal(yy, y);
				assert_int_equal(mm, m);
				assert_int_equal(dd, d);
				prev = day;
			}
}

static void
test_time(void **state)
{
	static const char *const bad[] = { "25:10", "12:60", "9:5", "24:00",
		"13:00 PM", "0:30 AM", "2024-05-01T09:00+18:05",
		"2024-05-01T09:00-19:00", "2024-05-01T09", "2024-02-30T09:00", "" };
	struct clock c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (time_parse(bad[i], &c) == 0)
			fail_msg("'%s' was taken as a time", bad[i]);
	assert_int_equal(time_parse("9:05 AM", &c), 0);
	assert_int_equal(c.secs, 9 * 3600 + 5 * 60);
	assert_int_equal(time_parse("12:15 am", &c), 0);
	assert_int_equal(c.secs, 15 * 60);
	assert_int_equal(time_parse("12:15 PM", &c), 0);
	assert_int_equal(c.secs, 12 * 3600 + 15 * 60);
	assert_int_equal(time_parse("23:59:59", &c), 0);
	assert_int_equal(c.secs, 86399);
	assert_int_equal(time_parse("2024-05-01T09:00-18:00", &c), 0);
	assert_int_equal(c.offset, -18 * 3600);
	assert_int_equal(time_parse("2024-05-01 09:30:15Z", &c), 0);
	assert_true(c.has_date && c.has_offset && c.offset == 0);
	assert_int_equal(c.secs, 9 * 3600 + 30 * 60 + 15);
}

/* Durations and dates as practice systems export them (SPEC §5). */
static void
test_exported(void **state)
{
	static const char *const bad[] = { "", "min", "90.5", "1:60", "1.5 x",
		"-5", "1:30:60", "1.0000001 h", "90 minutes extra" };
	static const struct { const char *s; long secs; } good[] = {
		{ "90", 5400 }, { "90 min", 5400 }, { "90 Minutes", 5400 },
		{ "1:30", 5400 }, { "01:30:00", 5400 }, { "1.5 h", 5400 },
		{ "1.5 hours", 5400 }, { "0.25 hr", 900 }, { "0:00:30", 30 },
	};
	struct clock c;
	long secs;
	size_t i;
	int day;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (duration_parse(bad[i], &secs) == 0)
			fail_msg("'%s' was taken as a duration", bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (duration_parse(good[i].s, &secs) != 0)
			fail_msg("'%s' was refused", good[i].s);
		assert_int_equal(secs, good[i].secs);
	}
	assert_int_equal(date_parse_log("2024/03/05", 0, &day), 0);
	assert_int_equal(day, date_from_ymd(2024, 3, 5));
	assert_int_equal(date_parse_log("3/5/2024 0:00", 0, &day), 0);
	assert_int_equal(day, date_from_ymd(2024, 3, 5));
	assert_int_equal(date_parse_log("3/5/2024 0:00", 1, &day), 0);
	assert_int_equal(day, date_from_ymd(2024, 5, 3));
	assert_int_equal(date_parse_log("2024-03-05 00:00:00", 0, &day), 0);
	assert_int_not_equal(date_parse_log("2024-03-05 09:00", 0, &day), 0);
	assert_int_not_equal(date_parse_log("2024/13/05", 0, &day), 0);
	assert_int_equal(time_parse_log("3/5/2024 1:30 PM", 0, &c), 0);
	assert_true(c.has_date && c.day == date_from_ymd(2024, 3, 5));
	assert_int_equal(c.secs, 13 * 3600 + 30 * 60);
	assert_int_not_equal(time_parse_log("3/5/2024 13:30 PM", 0, &c), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_exported),
	};

	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
