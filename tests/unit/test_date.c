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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
