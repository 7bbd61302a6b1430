/*
 * report_sort against the order SPEC §4 gives the billed lines: patient,
 * date of service, family, provider, then the order they were added in —
 * or date first for a calendar's table (by_date).  The expected orders
 * are written out by hand from that rule; lines are added in scrambled
 * order, in date order (the order a log billed day by day gives), over a
 * span of dates far wider than the lines, and again after a sort.  And
 * a line keeps what it was given, however rare: minutes and a line number
 * past 32 bits, units over a daily limit, warnings, a session's texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

struct in {
	const char	*patient;
	int		 date;
	const char	*family;
	const char	*provider;
	long		 minutes;	/* tells the lines apart */
};

static void
add(struct report *r, const struct in *v, size_t n, long *order)
{
	struct units_result u;
	struct report_line *l;
	size_t i;

	memset(&u, 0, sizeof(u));
	u.ncodes = 1;
	u.codes[0].code = "97153";
	u.codes[0].units = 1;
	u.next = -1;
	for (i = 0; i < n; i++) {
		l = report_add(r, v[i].patient, v[i].date, v[i].family,
		    v[i].minutes, &u);
		l->provider = v[i].provider;
		l->order = (*order)++;
	}
}

/* The lines' minutes, in the order the report gives them, are want. */
static void
expect(const struct report *r, const long *want, size_t n)
{
	struct report_line l;
	size_t i;

	assert_int_equal(r->nlines, n);
	for (i = 0; i < n; i++) {
		report_get(r, i, &l);
		assert_int_equal(l.minutes, want[i]);
	}
}

static void
test_scrambled(void **state)
{
	/* copies of one patient's string, at different addresses, sort as one */
	static char b1[] = "B", b2[] = "B";
	const struct in v[] = {
		{ b1,  20, "97153", "Z", 1 },
		{ "A", 21, "97153", "",  2 },
		{ b2,  20, "97151", "Z", 3 },
		{ "A", 20, "97155", "Y", 4 },
		{ b1,  19, "97153", "",  5 },
		{ "A", 20, "97155", "X", 6 },
		{ b2,  20, "97153", "Z", 7 },	/* a tie of 1: added after */
		{ "A", 20, "97153", "",  8 },
	};
	const long want[] = { 8, 6, 4, 2, 5, 3, 1, 7 };
	struct report r;
	long order = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	add(&r, v, 8, &order);
	report_sort(&r);
	expect(&r, want, 8);
	report_free(&r);
}

static void
test_date_order(void **state)
{
	/* as a log billed day by day adds them: dates never go back */
	const struct in v[] = {
		{ "C", 10, "97153", "", 1 },
		{ "A", 10, "97153", "", 2 },
		{ "B", 11, "97153", "", 3 },
		{ "A", 11, "97151", "", 4 },
		{ "C", 12, "97153", "", 5 },
		{ "A", 12, "97153", "", 6 },
	};
	const long want[] = { 2, 4, 6, 3, 1, 5 };
	struct report r;
	long order = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	add(&r, v, 6, &order);
	report_sort(&r);
	expect(&r, want, 6);
	report_free(&r);
}

static void
test_wide_dates(void **state)
{
	/* dates far apart (more days than 4 a line): ranked, not counted */
	const struct in v[] = {
		{ "A", 2000000, "97153", "", 1 },
		{ "A", -100000, "97153", "", 2 },
		{ "B", 5,       "97153", "", 3 },
		{ "A", 5,       "97153", "", 4 },
	};
	const long want[] = { 2, 4, 1, 3 };
	struct report r;
	long order = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	add(&r, v, 4, &order);
	report_sort(&r);
	expect(&r, want, 4);
	report_free(&r);
}

static void
test_added_after_sort(void **state)
{
	const struct in v[] = {
		{ "B", 3, "97153", "", 1 },
		{ "A", 4, "97153", "", 2 },
		{ "A", 2, "97153", "", 3 },
	};
	const struct in more[] = {
		{ "A", 3, "97153", "", 4 },
		{ "B", 1, "97153", "", 5 },
	};
	const long first[] = { 3, 2, 1 }, then[] = { 3, 4, 2, 5, 1 };
	struct report r;
	long order = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	add(&r, v, 3, &order);
	report_sort(&r);
	expect(&r, first, 3);
	add(&r, more, 2, &order);
	report_sort(&r);
	expect(&r, then, 5);
	report_free(&r);
}

static void
test_by_date(void **state)
{
	const struct in v[] = {
		{ "B", 2, "97153", "", 1 },
		{ "A", 3, "97153", "", 2 },
		{ "A", 2, "97153", "", 3 },
		{ "B", 1, "97153", "", 4 },
	};
	const long want[] = { 4, 3, 1, 2 };
	struct report r;
	long order = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.by_date = 1;
	add(&r, v, 4, &order);
	report_sort(&r);
	expect(&r, want, 4);
	report_free(&r);
}

static void
test_within_day(void **state)
{
	/* one day's lines as billing adds them (a patient's families in any
	 * order, add-ons last): each moved back among its day's */
	const struct in v[] = {
		{ "A", 7, "97155", "Y", 1 },
		{ "B", 7, "97153", "",  2 },
		{ "A", 7, "97155", "X", 3 },
		{ "A", 7, "97153", "",  4 },
		{ "A", 8, "97151", "",  5 },
		{ "B", 8, "97151", "",  6 },
		{ "A", 8, "+90785", "", 7 },
	};
	const long want[] = { 4, 3, 1, 7, 5, 2, 6 };
	struct report r;
	long order = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	add(&r, v, 7, &order);
	report_sort(&r);
	expect(&r, want, 7);
	report_free(&r);
}

static void
test_far_back(void **state)
{
	/* a line dated before 70 of its patient's: further back than lines
	 * are followed as they come, so the lines are sorted at the end */
	struct in v[72];
	long want[72], order = 0;
	struct report r;
	int i;

	(void)state;
	for (i = 0; i < 70; i++)
		v[i] = (struct in){ "A", 100 + i, "97153", "", 10 + i };
	v[70] = (struct in){ "A", 50, "97153", "", 1 };
	v[71] = (struct in){ "B", 10, "97153", "", 2 };
	want[0] = 1;
	for (i = 0; i < 70; i++)
		want[1 + i] = 10 + i;
	want[71] = 2;
	memset(&r, 0, sizeof(r));
	add(&r, v, 72, &order);
	report_sort(&r);
	expect(&r, want, 72);
	report_free(&r);
}

static void
test_tie(void **state)
{
	/* two lines alike to their order: they keep the order of addition */
	struct units_result u;
	struct report_line *l;
	static const struct {
		const char	*family;
		long		 minutes, order;
	} v[] = {
		{ "97153", 1, 0 }, { "97151", 2, 1 }, { "97153", 3, 0 },
	};
	const long want[] = { 2, 1, 3 };
	struct report r;
	size_t i;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&u, 0, sizeof(u));
	u.ncodes = 1;
	u.codes[0].code = "97153";
	u.codes[0].units = 1;
	for (i = 0; i < 3; i++) {
		l = report_add(&r, "A", 5, v[i].family, v[i].minutes, &u);
		l->order = v[i].order;
	}
	report_sort(&r);
	expect(&r, want, 3);
	report_free(&r);
}

/*
 * Many lines, mostly in date order with some dated back, against the
 * rule itself: a stable sort by patient, date, family, provider, order.
 */
struct ref {
	struct in	in;
	long		order;
};

static int
cmp_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int c;

	if ((c = strcmp(x->in.patient, y->in.patient)) != 0)
		return c;
	if (x->in.date != y->in.date)
		return x->in.date < y->in.date ? -1 : 1;
	if ((c = strcmp(x->in.family, y->in.family)) != 0 ||
	    (c = strcmp(x->in.provider, y->in.provider)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void
test_against_rule(void **state)
{
	static const char *pat[] = { "Ann", "Bo", "Cy", "Di", "Ed", "Flo" };
	static const char *fam[] = { "97153", "97155", "+90785" };
	static const char *prov[] = { "", "Lee", "Kim" };
	enum { N = 3000 };
	static struct ref ref[N];
	static long want[N];
	struct in in;
	struct report r;
	unsigned x = 12345;
	long order = 0;
	int day = 0, round;
	size_t i;

	(void)state;
	for (round = 0; round < 2; round++) {
		memset(&r, 0, sizeof(r));
		for (i = 0; i < N; i++) {
			x = x * 1103515245u + 12345u;
			if ((x >> 16) % 7 == 0)
				day++;
			in.patient = pat[(x >> 8) % 6];
			in.family = fam[(x >> 12) % 3];
			in.provider = prov[(x >> 20) % 3];
			/* the second round: now and then a line days back */
			in.date = round == 1 && (x >> 24) % 97 == 0 ?
			    day - 1 - (int)((x >> 4) % 40) : day;
			in.minutes = (long)i;
			ref[i].in = in;
			ref[i].order = order;
			add(&r, &in, 1, &order);
		}
		qsort(ref, N, sizeof(ref[0]), cmp_ref);
		for (i = 0; i < N; i++)
			want[i] = ref[i].in.minutes;
		report_sort(&r);
		expect(&r, want, N);
		report_free(&r);
	}
}

/* Each line is given back as it was added, its rare parts too. */
static void
test_rare_parts(void **state)
{
	static const struct {
		long	minutes, line;
		int	over0, over1;
		int	warn;
	} v[] = {
		{ 45, 2, 0, 0, 0 },			/* the common line */
		{ 3000000000L, 7, 0, 0, 0 },		/* minutes past 2^31 */
		{ -5, 8, 0, 0, 0 },			/* and below 0 */
		{ 2147483647L, 9, 0, 0, 0 },		/* the widest kept inline */
		{ -2147483648L, 10, 0, 0, 0 },		/* the marker's value */
		{ 60, 5000000000L, 0, 0, 0 },		/* a line past 2^32 */
		{ 60, 4294967295L, 0, 0, 0 },		/* the marker's value */
		{ 90, 11, 2, 0, 0 },			/* units over a limit */
		{ 90, 12, 0, 3, 1 },			/* on the second code */
		{ 30, 13, 0, 0, 1 },			/* a warning alone */
	};
	struct units_result u;
	struct report_line *l, got;
	struct report r;
	size_t i;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(&u, 0, sizeof(u));
		u.ncodes = 2;
		u.codes[0].code = "0373T";
		u.codes[0].units = 4;
		u.codes[0].over = v[i].over0;
		u.codes[1].code = "0374T";
		u.codes[1].units = 6;
		u.codes[1].over = v[i].over1;
		u.next = 7;
		l = report_add(&r, "P", 100, "0373T-2014", v[i].minutes, &u);
		l->line = v[i].line;
		l->file = "log.csv";
		l->order = (long)i;
		if (v[i].warn)
			report_warn(l, "warning %zu", i);
	}
	report_sort(&r);	/* one patient, one day: the order added */
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		report_get(&r, i, &got);
		assert_true(got.minutes == v[i].minutes);
		assert_true(got.line == v[i].line);
		assert_int_equal(got.ncodes, 2);
		assert_string_equal(got.codes[0].code, "0373T");
		assert_int_equal(got.codes[0].units, 4);
		assert_int_equal(got.codes[0].over, v[i].over0);
		assert_int_equal(got.codes[1].units, 6);
		assert_int_equal(got.codes[1].over, v[i].over1);
		assert_int_equal(got.next, 7);
		assert_string_equal(got.file, "log.csv");
		assert_int_equal(got.nwarnings, v[i].warn);
		if (v[i].warn) {
			char want[32];

			snprintf(want, sizeof(want), "warning %zu", i);
			assert_string_equal(got.warnings[0], want);
		}
	}
	report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrambled),
		cmocka_unit_test(test_date_order),
		cmocka_unit_test(test_wide_dates),
		cmocka_unit_test(test_added_after_sort),
		cmocka_unit_test(test_by_date),
		cmocka_unit_test(test_within_day),
		cmocka_unit_test(test_far_back),
		cmocka_unit_test(test_tie),
		cmocka_unit_test(test_against_rule),
		cmocka_unit_test(test_rare_parts),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
