/*
 * libFuzzer: an authorizations CSV through the reader and the periods,
 * with the built-in rules.  Nothing is lost (every row an authorization
 * or rejected), and each authorization's periods tile its dates: in
 * order, without gap or overlap, none longer than its `per` allows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "date.h"
#include "report.h"
#include "rulesload.h"

static struct rules *rules;
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct auth *a)
{
	static const int longest[] = { 0, 1, 7, 31 };
	size_t j;
	int at = a->from, y, m, d, y2, m2, d2;

	if (a->nperiods == 0 || a->to < a->from)
		abort();
	for (j = 0; j < a->nperiods; j++) {
		if (a->periods[j].start != at || a->periods[j].end < at ||
		    a->periods[j].billed != 0 || a->periods[j].scheduled != 0)
			abort();
		if (a->per != PER_TOTAL &&
		    a->periods[j].end - a->periods[j].start >= longest[a->per])
			abort();
		if (a->per == PER_MONTH) {
			date_to_ymd(a->periods[j].start, &y, &m, &d);
			date_to_ymd(a->periods[j].end, &y2, &m2, &d2);
			if (y != y2 || m != m2)
				abort();
		}
		at = a->periods[j].end + 1;
	}
	if (at != a->to + 1 || a->units < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag errs = { 0 };
	struct authset set;
	struct report rep;
	FILE *fp, *err = stderr;
	size_t i;

	if (rules == NULL) {
		if (rules_load(NULL, &rules, &errs) != RULES_OK)
			abort();
		devnull = fopen("/dev/null", "w");
	}
	if (size == 0 || (fp = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	memset(&set, 0, sizeof(set));
	memset(&rep, 0, sizeof(rep));
	stderr = devnull;	/* the rejects' messages */
	if (auth_read("fuzz.csv", fp, rules, &set, &rep, (int)(size & 1)) == 0) {
		auth_periods(&set, (int)((size >> 1) & 1));
		if (set.records != (long)set.n + (long)rep.nrejects)
			abort();
		for (i = 0; i < set.n; i++)
			check(&set.v[i]);
	}
	stderr = err;
	fclose(fp);
	authset_free(&set);
	report_free(&rep);
	return 0;
}
