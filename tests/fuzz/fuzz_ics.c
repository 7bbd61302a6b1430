/*
 * libFuzzer: a calendar through libical and our occurrence expansion,
 * pooling and billing, over a bounded window; and the calendar written
 * back annotated (--annotate).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "date.h"
#include "diag.h"
#include "ics.h"
#include "pool.h"
#include "report.h"
#include "rulesload.h"

static struct rules *rules;
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag errs = { 0 };
	struct report rep;
	struct icsrun run;
	struct icsopts o;
	FILE *fp, *err = stderr;

	if (rules == NULL) {
		if (rules_load(NULL, &rules, &errs) != RULES_OK)
			abort();
		devnull = fopen("/dev/null", "w");
	}
	if (size == 0 || (fp = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	memset(&o, 0, sizeof(o));
	o.rules = rules;
	o.from = date_from_ymd(2018, 1, 1);
	o.to = date_from_ymd(2021, 1, 1);
	o.horizon = o.to;
	o.quiet = 1;
	o.occurrences = 1;
	o.annotate = 1;
	memset(&rep, 0, sizeof(rep));
	memset(&run, 0, sizeof(run));
	run.report = &rep;
	run.pool = pool_new(rules, 0, ics_free_tag);
	stderr = devnull;
	if (ics_read_file("fuzz.ics", fp, &o, &run) == 0)
		annotate_write((const char *)data, size, &run, rules, devnull);
	pool_bill(run.pool, &rep, ics_late_reject, &run);
	ics_write_occurrences(&run, FMT_CSV, devnull);
	stderr = err;
	fclose(fp);
	if (rep.records != rep.accepted + (long)rep.nrejects + rep.unbilled)
		abort();
	pool_free(run.pool);
	icsrun_free(&run);
	report_free(&rep);
	return 0;
}
