/*
 * libFuzzer: an encounter log through the CSV reader, the row checks,
 * the pooling and the billing, with the built-in rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "logread.h"
#include "pool.h"
#include "report.h"
#include "rulesload.h"
#include "tz.h"

static struct rules *rules;
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag errs = { 0 };
	struct report rep;
	struct logrun run;
	struct logopts o;
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
	o.zone = tz_find("America/New_York");
	o.from = -2147483647 - 1;
	o.to = 2147483647;
	o.keep_rejects = 1;
	memset(&rep, 0, sizeof(rep));
	memset(&run, 0, sizeof(run));
	run.report = &rep;
	run.pool = pool_new(rules, size & 1, logread_free_tag);
	stderr = devnull;	/* the rejects' messages */
	logread_file("fuzz.csv", fp, &o, &run);
	pool_bill(run.pool, &rep, logread_late_reject, &run);
	logread_write_rejects(&run, devnull);
	stderr = err;
	fclose(fp);
	/* nothing is lost: every record is counted once */
	if (rep.records != rep.accepted + (long)rep.nrejects + rep.unbilled)
		abort();
	pool_free(run.pool);
	logrun_free(&run);
	report_free(&rep);
	return 0;
}
