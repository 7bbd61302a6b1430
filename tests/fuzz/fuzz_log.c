/*
 * libFuzzer: an encounter log through the CSV reader, the row checks,
 * the pooling and the billing, with the built-in rules; and, for most
 * inputs, differentially: streaming by day (unless it falls back, at a
 * day already billed), and pools taking the sessions past two kept, bill
 * the same lines as keeping every session.
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

/* One run over the log: 0 keeping sessions, 1 streaming (as a file in
 * date order), 2 with pools taking them past a few kept. */
static int
run_once(const uint8_t *data, size_t size, int mode, struct report *rep,
    struct logrun *run)
{
	struct logopts o;
	FILE *fp, *err = stderr;

	if ((fp = fmemopen((void *)data, size, "r")) == NULL)
		return -1;
	memset(&o, 0, sizeof(o));
	o.rules = rules;
	o.zone = tz_find("America/New_York");
	o.from = -2147483647 - 1;
	o.to = 2147483647;
	o.keep_rejects = 1;
	memset(rep, 0, sizeof(*rep));
	memset(run, 0, sizeof(*run));
	run->report = rep;
	run->pool = pool_new(rules, size & 1, logread_free_tag);
	if (mode == 1)
		pool_stream(run->pool, rep, logread_late_reject, run);
	else if (mode == 2)
		pool_set_hold(run->pool, 2);
	stderr = devnull;	/* the rejects' messages */
	logread_file("fuzz.csv", fp, &o, run);
	if (!pool_fell_back(run->pool)) {
		pool_bill(run->pool, rep, logread_late_reject, run);
		logread_write_rejects(run, devnull);
	}
	stderr = err;
	fclose(fp);
	report_sort(rep);
	return pool_fell_back(run->pool);
}

static void
done(struct report *rep, struct logrun *run)
{
	pool_free(run->pool);
	logrun_free(run);
	report_free(rep);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag errs = { 0 };
	struct report rep, srep;
	struct report_line a, b;
	struct logrun run, srun;
	size_t i, k;
	int fell;

	if (rules == NULL) {
		if (rules_load(NULL, &rules, &errs) != RULES_OK)
			abort();
		devnull = fopen("/dev/null", "w");
	}
	if (size == 0 || run_once(data, size, 0, &rep, &run) < 0)
		return 0;
	/* nothing is lost: every record is counted once */
	if (rep.records != rep.accepted + (long)rep.nrejects + rep.unbilled)
		abort();
	/* streaming bills the same lines, or falls back to this; and so do
	 * pools that take the sessions past two kept */
	if (size & 6) {
		fell = run_once(data, size, size & 2 ? 1 : 2, &srep, &srun);
		if (fell == 0) {
			if (srep.nlines != rep.nlines || srep.accepted !=
			    rep.accepted || srep.nrejects != rep.nrejects)
				abort();
			for (i = 0; i < rep.nlines; i++) {
				report_get(&rep, i, &a);
				report_get(&srep, i, &b);
				if (strcmp(a.patient, b.patient) != 0 ||
				    a.date != b.date || a.minutes != b.minutes ||
				    a.ncodes != b.ncodes ||
				    a.nwarnings != b.nwarnings ||
				    strcmp(a.provider, b.provider) != 0)
					abort();
				for (k = 0; k < a.ncodes; k++)
					if (a.codes[k].units != b.codes[k].units)
						abort();
			}
		}
		if (fell >= 0)
			done(&srep, &srun);
	}
	done(&rep, &run);
	return 0;
}
