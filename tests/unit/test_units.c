/*
 * The units engine against the worked tables of research/domain.md (§2.3
 * for the 30+30 and 60+30 pairs, §3.3 for 15-minute units) and SPEC §2,
 * and against the threshold inequalities of domain.md §2.2 at every
 * boundary minute the foundation issue lists.  Expected values are typed
 * in from those tables, or computed by the §2.2 inequalities, which are a
 * different formulation from the engine's integer thresholds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "units.h"

static struct rule
additional(int b, int a, enum rule_mode m)
{
	struct rule r;

	memset(&r, 0, sizeof(r));
	r.kind = KIND_ADDITIONAL;
	r.code[0] = "BASE";
	r.code[1] = "ADDON";
	r.minutes[0] = b;
	r.minutes[1] = a;
	r.threshold[0] = units_threshold(m, b);
	r.threshold[1] = units_threshold(m, a);
	return r;
}

static struct rule
each(int u, int t0, int t1)
{
	struct rule r;

	memset(&r, 0, sizeof(r));
	r.kind = KIND_EACH;
	r.code[0] = "EACH";
	r.minutes[0] = u;
	r.threshold[0] = t0;
	r.threshold[1] = t1;
	return r;
}

/* base+addon units as the tables write them: 0 for nothing, 1+k. */
static void
billed(const struct rule *r, long t, int *base, int *addon)
{
	struct units_result u;
	size_t i;

	units_compute(r, t, 1, &u);
	*base = *addon = 0;
	for (i = 0; i < u.ncodes; i++) {
		if (strcmp(u.codes[i].code, r->code[0]) == 0)
			*base = u.codes[i].units;
		else if (r->code[1] && strcmp(u.codes[i].code, r->code[1]) == 0)
			*addon = u.codes[i].units;
		else
			fail_msg("unexpected code %s", u.codes[i].code);
	}
}

struct row {
	int	minutes;
	int	b[4], a[4];	/* midpoint (CPT strict), half, full, any */
};

static const enum rule_mode modes[4] = { MODE_MIDPOINT, MODE_HALF, MODE_FULL,
	MODE_ANY };

static void
check_table(int b, int a, const struct row *rows, size_t n)
{
	struct rule r;
	size_t i, m;
	int gb, ga;

	for (m = 0; m < 4; m++) {
		r = additional(b, a, modes[m]);
		for (i = 0; i < n; i++) {
			billed(&r, rows[i].minutes, &gb, &ga);
			if (gb != rows[i].b[m] || ga != rows[i].a[m])
				fail_msg("%d+%d mode %zu, %d min: got %d+%d, "
				    "table says %d+%d", b, a, m, rows[i].minutes,
				    gb, ga, rows[i].b[m], rows[i].a[m]);
		}
	}
}

/* domain.md §2.3, 30+30 pair (0364T/+0365T); columns strict, half, full, up */
static void
test_table_30_30(void **state)
{
	static const struct row rows[] = {
		{ 7,   { 0, 0, 0, 1 }, { 0, 0, 0, 0 } },
		{ 15,  { 0, 1, 0, 1 }, { 0, 0, 0, 0 } },
		{ 16,  { 1, 1, 0, 1 }, { 0, 0, 0, 0 } },
		{ 29,  { 1, 1, 0, 1 }, { 0, 0, 0, 0 } },
		{ 30,  { 1, 1, 1, 1 }, { 0, 0, 0, 0 } },
		{ 31,  { 1, 1, 1, 1 }, { 0, 0, 0, 1 } },
		{ 45,  { 1, 1, 1, 1 }, { 0, 1, 0, 1 } },
		{ 46,  { 1, 1, 1, 1 }, { 1, 1, 0, 1 } },
		{ 60,  { 1, 1, 1, 1 }, { 1, 1, 1, 1 } },
		{ 69,  { 1, 1, 1, 1 }, { 1, 1, 1, 2 } },
		{ 75,  { 1, 1, 1, 1 }, { 1, 2, 1, 2 } },
		{ 76,  { 1, 1, 1, 1 }, { 2, 2, 1, 2 } },
		{ 90,  { 1, 1, 1, 1 }, { 2, 2, 2, 2 } },
		{ 105, { 1, 1, 1, 1 }, { 2, 3, 2, 3 } },
		{ 106, { 1, 1, 1, 1 }, { 3, 3, 2, 3 } },
		{ 120, { 1, 1, 1, 1 }, { 3, 3, 3, 3 } },
		{ 135, { 1, 1, 1, 1 }, { 3, 4, 3, 4 } },
		{ 136, { 1, 1, 1, 1 }, { 4, 4, 3, 4 } },
	};

	(void)state;
	check_table(30, 30, rows, sizeof(rows) / sizeof(rows[0]));
}

/* domain.md §2.3, 60+30 pair (0373T/+0374T) */
static void
test_table_60_30(void **state)
{
	static const struct row rows[] = {
		{ 29,  { 0, 0, 0, 1 }, { 0, 0, 0, 0 } },
		{ 30,  { 0, 1, 0, 1 }, { 0, 0, 0, 0 } },
		{ 31,  { 1, 1, 0, 1 }, { 0, 0, 0, 0 } },
		{ 59,  { 1, 1, 0, 1 }, { 0, 0, 0, 0 } },
		{ 60,  { 1, 1, 1, 1 }, { 0, 0, 0, 0 } },
		{ 61,  { 1, 1, 1, 1 }, { 0, 0, 0, 1 } },
		{ 74,  { 1, 1, 1, 1 }, { 0, 0, 0, 1 } },
		{ 75,  { 1, 1, 1, 1 }, { 0, 1, 0, 1 } },
		{ 76,  { 1, 1, 1, 1 }, { 1, 1, 0, 1 } },
		{ 90,  { 1, 1, 1, 1 }, { 1, 1, 1, 1 } },
		{ 91,  { 1, 1, 1, 1 }, { 1, 1, 1, 2 } },
		{ 105, { 1, 1, 1, 1 }, { 1, 2, 1, 2 } },
		{ 106, { 1, 1, 1, 1 }, { 2, 2, 1, 2 } },
		{ 120, { 1, 1, 1, 1 }, { 2, 2, 2, 2 } },
		{ 135, { 1, 1, 1, 1 }, { 2, 3, 2, 3 } },
		{ 136, { 1, 1, 1, 1 }, { 3, 3, 2, 3 } },
	};

	(void)state;
	check_table(60, 30, rows, sizeof(rows) / sizeof(rows[0]));
}

/*
 * domain.md §3.3, 15-minute units: CMS/CPT 8-minute, exclusive (>= 9, a
 * threshold of 9), full units, round up.
 */
static void
test_table_15(void **state)
{
	static const struct {
		int	minutes, mid, excl, full, any;
	} rows[] = {
		{ 7, 0, 0, 0, 1 }, { 8, 1, 0, 0, 1 }, { 14, 1, 1, 0, 1 },
		{ 15, 1, 1, 1, 1 }, { 16, 1, 1, 1, 2 }, { 22, 1, 1, 1, 2 },
		{ 23, 2, 1, 1, 2 }, { 24, 2, 2, 1, 2 }, { 30, 2, 2, 2, 2 },
		{ 37, 2, 2, 2, 3 }, { 38, 3, 2, 2, 3 }, { 53, 4, 3, 3, 4 },
		{ 60, 4, 4, 4, 4 }, { 68, 5, 4, 4, 5 }, { 120, 8, 8, 8, 8 },
		{ 136, 9, 9, 9, 10 },
	};
	struct rule mid = each(15, 8, 8), excl = each(15, 9, 9),
	    full = each(15, 15, 15), any = each(15, 1, 1);
	size_t i;
	int g;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		billed(&mid, rows[i].minutes, &g, &(int){ 0 });
		assert_int_equal(g, rows[i].mid);
		billed(&excl, rows[i].minutes, &g, &(int){ 0 });
		assert_int_equal(g, rows[i].excl);
		billed(&full, rows[i].minutes, &g, &(int){ 0 });
		assert_int_equal(g, rows[i].full);
		billed(&any, rows[i].minutes, &g, &(int){ 0 });
		assert_int_equal(g, rows[i].any);
	}
	/* the modes' own thresholds for a 15-minute unit (SPEC §2 table) */
	assert_int_equal(units_threshold(MODE_MIDPOINT, 15), 8);
	assert_int_equal(units_threshold(MODE_HALF, 15), 8);
	assert_int_equal(units_threshold(MODE_FULL, 15), 15);
	assert_int_equal(units_threshold(MODE_ANY, 15), 1);
	/* the CMS table of domain.md §3.1: units = floor((T + 7) / 15) */
	for (g = 8; g <= 127; g++) {
		int b;

		billed(&mid, g, &b, &(int){ 0 });
		assert_int_equal(b, (g + 7) / 15);
	}
}

/* SPEC §2's thresholds table: u = 30 and u = 60 */
static void
test_mode_thresholds(void **state)
{
	(void)state;
	assert_int_equal(units_threshold(MODE_MIDPOINT, 30), 16);
	assert_int_equal(units_threshold(MODE_MIDPOINT, 60), 31);
	assert_int_equal(units_threshold(MODE_HALF, 30), 15);
	assert_int_equal(units_threshold(MODE_HALF, 60), 30);
	assert_int_equal(units_threshold(MODE_FULL, 30), 30);
	assert_int_equal(units_threshold(MODE_FULL, 60), 60);
	assert_int_equal(units_threshold(MODE_ANY, 30), 1);
	assert_int_equal(units_threshold(MODE_ANY, 60), 1);
}

/*
 * domain.md §2.2 as inequalities: the base is billable when 2T > B
 * (strict), 2T >= B (half), T >= B (full), T > 0 (any); the k-th add-on
 * when 2(T - B - (k-1)A) > A, >= A, T >= B + kA, T > B + (k-1)A.
 */
static int
ref_base(int m, long t, int b)
{
	switch (m) {
	case 0: return 2 * t > b;
	case 1: return 2 * t >= b;
	case 2: return t >= b;
	default: return t > 0;
	}
}

static int
ref_addon(int m, long t, int b, int a)
{
	int k = 0;

	if (!ref_base(m, t, b))
		return 0;
	for (;; k++) {
		long rest = t - b - (long)k * a;	/* minutes into add-on k+1 */
		int ok;

		switch (m) {
		case 0: ok = 2 * rest > a; break;
		case 1: ok = 2 * rest >= a; break;
		case 2: ok = rest >= a; break;
		default: ok = rest > 0; break;
		}
		if (!ok)
			return k;
	}
}

static const int boundaries[] = { 7, 8, 14, 15, 16, 22, 23, 29, 30, 31, 45,
	46, 59, 60, 61, 74, 75, 76, 90, 91, 105, 106, 135, 136 };

static void
test_boundaries_additional(void **state)
{
	static const int pairs[][2] = { { 30, 30 }, { 60, 30 } };
	struct rule r;
	size_t p, m, i;
	int gb, ga;

	(void)state;
	for (p = 0; p < 2; p++)
		for (m = 0; m < 4; m++) {
			r = additional(pairs[p][0], pairs[p][1], modes[m]);
			for (i = 0; i < sizeof(boundaries) / sizeof(*boundaries);
			    i++) {
				int t = boundaries[i];

				billed(&r, t, &gb, &ga);
				if (gb != ref_base((int)m, t, pairs[p][0]) ||
				    ga != ref_addon((int)m, t, pairs[p][0],
				    pairs[p][1]))
					fail_msg("%d+%d mode %zu at %d: %d+%d",
					    pairs[p][0], pairs[p][1], m, t, gb, ga);
			}
		}
}

static void
test_boundaries_each(void **state)
{
	struct rule r;
	size_t m, i;
	int g, want;

	(void)state;
	for (m = 0; m < 4; m++) {
		int th = units_threshold(modes[m], 15);

		r = each(15, th, th);
		for (i = 0; i < sizeof(boundaries) / sizeof(*boundaries); i++) {
			int t = boundaries[i];

			/* full units plus one if the rest reaches the threshold */
			want = t / 15 + (t % 15 >= th && (t % 15) > 0);
			if (modes[m] == MODE_FULL)
				want = t / 15;
			billed(&r, t, &g, &(int){ 0 });
			if (g != want)
				fail_msg("each 15 mode %zu at %d: %d, want %d", m, t,
				    g, want);
		}
	}
}

/* SPEC §2 worked examples (midpoint) */
static void
test_spec_examples(void **state)
{
	struct rule p30 = additional(30, 30, MODE_MIDPOINT);
	struct rule p60 = additional(60, 30, MODE_MIDPOINT);
	int b, a;

	(void)state;
	billed(&p30, 15, &b, &a);
	assert_true(b == 0 && a == 0);
	billed(&p30, 16, &b, &a);
	assert_true(b == 1 && a == 0);
	billed(&p30, 46, &b, &a);
	assert_true(b == 1 && a == 1);
	billed(&p60, 30, &b, &a);
	assert_true(b == 0 && a == 0);
	billed(&p60, 31, &b, &a);
	assert_true(b == 1 && a == 0);
	billed(&p60, 76, &b, &a);
	assert_true(b == 1 && a == 1);
}

static void
test_next_unit(void **state)
{
	struct rule p60 = additional(60, 30, MODE_MIDPOINT);
	struct rule e15 = each(15, 8, 8);
	struct units_result u;

	(void)state;
	units_compute(&p60, 0, 1, &u);
	assert_int_equal(u.next, 31);		/* the base from 31 */
	units_compute(&p60, 31, 1, &u);
	assert_int_equal(u.next, 45);		/* first add-on at 76 */
	units_compute(&p60, 76, 1, &u);
	assert_int_equal(u.next, 30);		/* second add-on at 106 */
	units_compute(&e15, 0, 1, &u);
	assert_int_equal(u.next, 8);
	units_compute(&e15, 22, 1, &u);
	assert_int_equal(u.next, 1);		/* 23 is 2 units */
	units_compute(&e15, 23, 1, &u);
	assert_int_equal(u.next, 15);		/* 38 is 3 units */
}

/* Ensora's "midpoint, never round to 0": 1 / 23 / 38 (domain.md §3.3) */
static void
test_threshold_mode(void **state)
{
	struct rule r = each(15, 1, 8);
	int g;

	(void)state;
	billed(&r, 0, &g, &(int){ 0 });
	assert_int_equal(g, 0);
	billed(&r, 1, &g, &(int){ 0 });
	assert_int_equal(g, 1);
	billed(&r, 22, &g, &(int){ 0 });
	assert_int_equal(g, 1);
	billed(&r, 23, &g, &(int){ 0 });
	assert_int_equal(g, 2);
	billed(&r, 38, &g, &(int){ 0 });
	assert_int_equal(g, 3);
}

static void
test_mue(void **state)
{
	struct rule r = each(15, 8, 8);
	struct units_result u;

	(void)state;
	r.limit[0] = 32;
	r.mue = MUE_WARN;
	units_compute(&r, 500, 1, &u);		/* 33 units: 500 = 33*15 + 5 */
	assert_int_equal(u.codes[0].units, 33);
	assert_int_equal(u.codes[0].over, 1);
	assert_int_equal(u.next, 3);
	r.mue = MUE_CAP;
	units_compute(&r, 500, 1, &u);
	assert_int_equal(u.codes[0].units, 32);
	assert_int_equal(u.codes[0].over, 1);
	assert_int_equal(u.next, -1);		/* nothing more to earn */
	units_compute(&r, 100, 1, &u);
	assert_int_equal(u.codes[0].units, 7);
	assert_int_equal(u.codes[0].over, 0);
}

/* psychotherapy 90832 16-37, 90834 38-52, 90837 53- (SPEC §2) */
static void
test_range(void **state)
{
	static const struct rule_range ranges[] = {
		{ "90832", 16, 37 }, { "90834", 38, 52 }, { "90837", 53, RANGE_OPEN }
	};
	static const struct {
		int		 t;
		const char	*code;
		int		 next;
	} rows[] = {
		{ 0, NULL, 16 }, { 15, NULL, 1 }, { 16, "90832", 22 },
		{ 37, "90832", 1 }, { 38, "90834", 15 }, { 40, "90834", 13 },
		{ 52, "90834", 1 }, { 53, "90837", -1 }, { 240, "90837", -1 },
	};
	struct rule r;
	struct units_result u;
	size_t i;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.kind = KIND_RANGE;
	r.ranges = ranges;
	r.nranges = 3;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		units_compute(&r, rows[i].t, 1, &u);
		if (rows[i].code == NULL)
			assert_int_equal(u.ncodes, 0);
		else {
			assert_int_equal(u.ncodes, 1);
			assert_string_equal(u.codes[0].code, rows[i].code);
			assert_int_equal(u.codes[0].units, 1);
		}
		assert_int_equal(u.next, rows[i].next);
	}
}

static void
test_untimed(void **state)
{
	struct rule r;
	struct units_result u;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.kind = KIND_UNTIMED;
	r.code[0] = "0359T";
	units_compute(&r, 5, 1, &u);
	assert_int_equal(u.ncodes, 1);
	assert_int_equal(u.codes[0].units, 1);
	assert_int_equal(u.next, -1);
	units_compute(&r, 600, 3, &u);		/* one unit per session */
	assert_int_equal(u.codes[0].units, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_30_30),
		cmocka_unit_test(test_table_60_30),
		cmocka_unit_test(test_table_15),
		cmocka_unit_test(test_mode_thresholds),
		cmocka_unit_test(test_boundaries_additional),
		cmocka_unit_test(test_boundaries_each),
		cmocka_unit_test(test_spec_examples),
		cmocka_unit_test(test_next_unit),
		cmocka_unit_test(test_threshold_mode),
		cmocka_unit_test(test_mue),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_untimed),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
