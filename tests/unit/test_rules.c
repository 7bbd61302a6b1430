/*
 * The rules: the shipped set chosen by date of service (SPEC §2, "Code sets
 * change over time"), payer overrides, the byte-order mark, and printing
 * back to a file that loads to the same rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "diag.h"
#include "rules.h"
#include "rulesload.h"
#include "units.h"

static struct rules *
builtin(void)
{
	struct rules *r;
	struct diag errs = { 0 };

	if (rules_load(NULL, &r, &errs) != RULES_OK) {
		diag_print(&errs, stderr);
		fail_msg("the built-in rules do not load");
	}
	diag_free(&errs);
	return r;
}

static struct rules *
from_text(const char *text)
{
	struct rules *r;
	struct diag errs = { 0 };

	if (rules_load_string(text, strlen(text), "test.ini", &r, &errs) !=
	    RULES_OK) {
		diag_print(&errs, stderr);
		fail_msg("test rules do not load");
	}
	diag_free(&errs);
	return r;
}

static int
day(const char *s)
{
	int d;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

/* Bill `minutes` of `code` on `date` for `payer`; "CODE xN, ..." */
static void
bill(const struct rules *r, const char *code, const char *date,
    const char *payer, long minutes, char *buf, size_t len)
{
	const struct rules_family *f;
	struct units_result u;
	struct rule rule;
	size_t i, n = 0;

	f = rules_family_for(r, code, day(date), NULL);
	assert_non_null(f);
	rules_resolve(r, f, payer, &rule);
	units_compute(&rule, minutes, 1, &u);
	buf[0] = '\0';
	for (i = 0; i < u.ncodes; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s x%d", i ? ", " : "",
		    u.codes[i].code, u.codes[i].units);
}

static void
test_effective_dates(void **state)
{
	struct rules *r = builtin();
	const struct rules_family *f, *other;
	char buf[128];

	(void)state;
	f = rules_family_for(r, "0373T", day("2018-12-31"), NULL);
	assert_non_null(f);
	assert_int_equal(f->kind, KIND_ADDITIONAL);
	assert_string_equal(f->code[1], "0374T");
	f = rules_family_for(r, "0373T", day("2019-01-01"), NULL);
	assert_non_null(f);
	assert_int_equal(f->kind, KIND_EACH);
	assert_int_equal(f->minutes[0], 15);
	assert_int_equal(f->min_technicians, 2);
	/* both definitions answer to the label 0373T (SPEC §4) */
	assert_string_equal(rules_family_label(f), "0373T");

	/* 0374T is gone from 2019, and before 2014-07-01 nothing was in force */
	assert_null(rules_family_for(r, "0374T", day("2024-05-01"), &other));
	assert_non_null(other);
	assert_int_equal(other->to, day("2018-12-31"));
	assert_null(rules_family_for(r, "0373T", day("2014-06-30"), NULL));
	assert_null(rules_family_for(r, "97153", day("2018-12-31"), NULL));
	assert_null(rules_family_for(r, "99999", day("2024-01-01"), &other));
	assert_null(other);
	/* codes compare without case */
	assert_non_null(rules_family_for(r, "0373t", day("2017-03-01"), NULL));

	/* the foundation issue's "done when" figures */
	bill(r, "0373T", "2018-06-01", NULL, 76, buf, sizeof(buf));
	assert_string_equal(buf, "0373T x1, 0374T x1");
	bill(r, "0373T", "2019-01-01", NULL, 76, buf, sizeof(buf));
	assert_string_equal(buf, "0373T x5");
	bill(r, "90834", "2024-05-01", NULL, 40, buf, sizeof(buf));
	assert_string_equal(buf, "90834 x1");
	/* an 0363T session bills from the 0362T pool */
	bill(r, "0363T", "2017-01-01", NULL, 80, buf, sizeof(buf));
	assert_string_equal(buf, "0362T x1, 0363T x2");
	/* 90839: first 30-74 minutes, +90840 from 75 (mode half) */
	bill(r, "90839", "2024-05-01", NULL, 29, buf, sizeof(buf));
	assert_string_equal(buf, "");
	bill(r, "90839", "2024-05-01", NULL, 30, buf, sizeof(buf));
	assert_string_equal(buf, "90839 x1");
	bill(r, "90839", "2024-05-01", NULL, 74, buf, sizeof(buf));
	assert_string_equal(buf, "90839 x1");
	bill(r, "90839", "2024-05-01", NULL, 75, buf, sizeof(buf));
	assert_string_equal(buf, "90839 x1, 90840 x1");
	bill(r, "90839", "2024-05-01", NULL, 105, buf, sizeof(buf));
	assert_string_equal(buf, "90839 x1, 90840 x2");
	rules_free(r);
}

static const char payer_rules[] =
	"[rounding]\n"
	"mode = midpoint\n"
	"[family 0362T-2014]\n"
	"kind = additional\n"
	"base = 0362T 30\n"
	"addon = 0363T 30\n"
	"effective = 2014-07-01 2018-12-31\n"
	"[family 97153]\n"
	"kind = each\n"
	"unit = 97153 15\n"
	"max_units_per_day = 32\n"
	"[payer acme]\n"
	"mode = full\n"
	"[payer acme 0362T-2014]\n"
	"mode = any\n"
	"[payer ensora 97153]\n"
	"mode = threshold\n"
	"base_threshold = 1\n"
	"addon_threshold = 8\n"
	"max_units_per_day = 8\n"
	"[payer strict]\n"
	"mue = cap\n"
	"aggregate = session\n";

static void
test_payers(void **state)
{
	struct rules *r = from_text(payer_rules);
	char buf[128];

	(void)state;
	/* no payer: midpoint; 45 min of a 30+30 pair is 1+0 */
	bill(r, "0362T", "2017-01-01", NULL, 45, buf, sizeof(buf));
	assert_string_equal(buf, "0362T x1");
	/* acme, one family: any started unit: 31 min is 1+1 */
	bill(r, "0362T", "2017-01-01", "acme", 31, buf, sizeof(buf));
	assert_string_equal(buf, "0362T x1, 0363T x1");
	/* payer names compare without case */
	bill(r, "0362T", "2017-01-01", "ACME", 31, buf, sizeof(buf));
	assert_string_equal(buf, "0362T x1, 0363T x1");
	/* acme, all families: full units: 22 min of 97153 is 1 unit */
	bill(r, "97153", "2024-01-01", "acme", 22, buf, sizeof(buf));
	assert_string_equal(buf, "97153 x1");
	bill(r, "97153", "2024-01-01", NULL, 22, buf, sizeof(buf));
	assert_string_equal(buf, "97153 x1");
	bill(r, "97153", "2024-01-01", NULL, 23, buf, sizeof(buf));
	assert_string_equal(buf, "97153 x2");
	bill(r, "97153", "2024-01-01", "acme", 29, buf, sizeof(buf));
	assert_string_equal(buf, "97153 x1");
	/* ensora: thresholds 1 / 8, its own daily limit */
	bill(r, "97153", "2024-01-01", "ensora", 1, buf, sizeof(buf));
	assert_string_equal(buf, "97153 x1");
	bill(r, "97153", "2024-01-01", "ensora", 23, buf, sizeof(buf));
	assert_string_equal(buf, "97153 x2");
	/* strict caps at the family's limit (32) */
	bill(r, "97153", "2024-01-01", "strict", 600, buf, sizeof(buf));
	assert_string_equal(buf, "97153 x32");
	bill(r, "97153", "2024-01-01", NULL, 600, buf, sizeof(buf));
	assert_string_equal(buf, "97153 x40");
	assert_int_equal(rules_aggregate(r, "strict"), AGG_SESSION);
	assert_int_equal(rules_aggregate(r, "acme"), AGG_DAY);
	assert_int_equal(rules_aggregate(r, NULL), AGG_DAY);
	rules_free(r);
}

static void
test_bom(void **state)
{
	struct rules *r;
	const char text[] = "\xef\xbb\xbf[family x]\nkind = each\nunit = X1 15\n";

	(void)state;
	r = from_text(text);
	assert_int_equal(r->nfamilies, 1);
	assert_string_equal(r->families[0].code[0], "X1");
	rules_free(r);
}

static char *
printed(const struct rules *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	rules_print(r, fp);
	fclose(fp);
	return buf;
}

/* `cptunits rules` output loads back to the same rules */
static void
test_round_trip(void **state)
{
	const char *texts[2] = { NULL, payer_rules };
	struct rules *a, *b;
	char *pa, *pb;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		a = texts[i] ? from_text(texts[i]) : builtin();
		pa = printed(a);
		b = from_text(pa);
		pb = printed(b);
		assert_string_equal(pa, pb);
		assert_int_equal(a->nfamilies, b->nfamilies);
		assert_int_equal(a->npayers, b->npayers);
		free(pa);
		free(pb);
		rules_free(a);
		rules_free(b);
	}
}

/* The shipped set of SPEC §2 "The shipped rules", family by family. */
static void
test_shipped_set(void **state)
{
	static const struct {
		const char	*code, *date;
		int		 kind, minutes, techs, parts;
	} want[] = {
		{ "0359T", "2016-01-01", KIND_UNTIMED, 0, 0, 0 },
		{ "0361T", "2016-01-01", KIND_ADDITIONAL, 30, 0, 0 },
		{ "0363T", "2016-01-01", KIND_ADDITIONAL, 30, 0, 0 },
		{ "0365T", "2016-01-01", KIND_ADDITIONAL, 30, 0, 0 },
		{ "0367T", "2016-01-01", KIND_ADDITIONAL, 30, 0, 0 },
		{ "0369T", "2016-01-01", KIND_ADDITIONAL, 30, 0, 0 },
		{ "0370T", "2016-01-01", KIND_UNTIMED, 0, 0, 0 },
		{ "0371T", "2016-01-01", KIND_UNTIMED, 0, 0, 8 },
		{ "0372T", "2016-01-01", KIND_UNTIMED, 0, 0, 0 },
		{ "0374T", "2016-01-01", KIND_ADDITIONAL, 60, 2, 0 },
		{ "97151", "2024-01-01", KIND_EACH, 15, 0, 0 },
		{ "97158", "2024-01-01", KIND_EACH, 15, 0, 0 },
		{ "0362T", "2024-01-01", KIND_EACH, 15, 2, 0 },
		{ "0373T", "2024-01-01", KIND_EACH, 15, 2, 0 },
		{ "90837", "2024-01-01", KIND_RANGE, 0, 0, 0 },
		{ "90840", "2024-01-01", KIND_ADDITIONAL, 60, 0, 0 },
		{ "90863", "2024-01-01", KIND_ADDON, 0, 0, 0 },
	};
	static const struct {
		const char	*code;
		int		 units;
	} mue[] = {
		{ "97151", 32 }, { "97152", 16 }, { "97153", 32 }, { "97154", 18 },
		{ "97155", 24 }, { "97156", 16 }, { "97157", 16 }, { "97158", 16 },
		{ "0362T", 16 }, { "0373T", 32 },
	};
	struct rules *r = builtin();
	const struct rules_family *f;
	struct rule rule;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		f = rules_family_for(r, want[i].code, day(want[i].date), NULL);
		if (f == NULL)
			fail_msg("%s not in force on %s", want[i].code, want[i].date);
		assert_int_equal(f->kind, want[i].kind);
		if (want[i].minutes)
			assert_int_equal(f->minutes[0], want[i].minutes);
		assert_int_equal(f->min_technicians, want[i].techs);
		assert_int_equal(f->max_participants, want[i].parts);
		assert_non_null(f->description);
	}
	for (i = 0; i < sizeof(mue) / sizeof(mue[0]); i++) {
		f = rules_family_for(r, mue[i].code, day("2024-01-01"), NULL);
		assert_non_null(f);
		rules_resolve(r, f, NULL, &rule);
		assert_int_equal(rule.limit[0], mue[i].units);
		assert_int_equal(rule.mue, MUE_WARN);
	}
	rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_effective_dates),
		cmocka_unit_test(test_payers),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_shipped_set),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
