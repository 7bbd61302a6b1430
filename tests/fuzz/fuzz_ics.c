/*
 * libFuzzer: a calendar through libical and our occurrence expansion,
 * pooling and billing, over a bounded window; and the calendar written
 * back annotated (--annotate).  Differential: read one UID at a time
 * where it can be, and read whole, the same calendar gives the same
 * report (lines, rejects, warnings, account), the same occurrences and
 * the same messages, in the same order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "date.h"
#include "diag.h"
#include "ics.h"
#include "output.h"
#include "pool.h"
#include "report.h"
#include "rulesload.h"

static struct rules *rules;

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* One read of the calendar: its report and occurrences as JSON and CSV
 * text in *out (to be freed), and the events' account. */
static void
read_once(const uint8_t *data, size_t size, int whole, char **out,
    long events[4])
{
	struct report rep;
	struct icsrun run;
	struct icsopts o;
	FILE *fp, *err = stderr, *mem;
	size_t len;

	*out = NULL;
	memset(&o, 0, sizeof(o));
	o.rules = rules;
	o.from = date_from_ymd(2018, 1, 1);
	o.to = date_from_ymd(2021, 1, 1);
	o.horizon = o.to;
	o.quiet = 0;		/* every message, compared too */
	o.occurrences = 1;
	o.annotate = 1;
	memset(&rep, 0, sizeof(rep));
	memset(&run, 0, sizeof(run));
	run.report = &rep;
	run.pool = pool_new(rules, 0, ics_free_tag);
	if ((fp = fmemopen((void *)data, size, "r")) == NULL ||
	    (mem = open_memstream(out, &len)) == NULL)
		abort();
	ics_read_whole(whole);
	stderr = mem;		/* the messages, in order, with the rest */
	if (ics_read_file("fuzz.ics", fp, &o, &run) == 0)
		annotate_write((const char *)data, size, &run, rules, mem);
	pool_bill(run.pool, &rep, ics_late_reject, &run);
	report_sort(&rep);
	output_report(&rep, FMT_JSON, mem);
	ics_write_occurrences(&run, FMT_CSV, mem);
	stderr = err;
	ics_read_whole(0);
	fclose(fp);
	fclose(mem);
	memcpy(events, run.events, sizeof(run.events));
	if (rep.records != rep.accepted + (long)rep.nrejects + rep.unbilled)
		abort();
	pool_free(run.pool);
	icsrun_free(&run);
	report_free(&rep);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag errs = { 0 };
	char *a, *b;
	long ea[4], eb[4];

	if (rules == NULL) {
		if (rules_load(NULL, &rules, &errs) != RULES_OK)
			abort();
	}
	if (size == 0)
		return 0;
	read_once(data, size, 0, &a, ea);
	read_once(data, size, 1, &b, eb);
	if (strcmp(a, b) != 0 || memcmp(ea, eb, sizeof(ea)) != 0)
		abort();
	free(a);
	free(b);
	return 0;
}
