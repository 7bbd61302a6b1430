/*
 * libFuzzer, differential: the CSV reader with its fast path and the same
 * reader with every line through libcsv give the same records (fields,
 * lengths, lines, problems) and the same end, whatever the bytes.  The
 * first byte picks the separator (sniffed, ',', ';' or tab) and whether
 * the text is Windows-1252.  Read ahead, the reading thread's work on
 * each record (csvread_prep) is handed over with that record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What the reading thread says of a record, to be checked beside it. */
struct said {
	long		line;
	size_t		nfields;
	uint64_t	hash;
	int		calls;		/* of this thread's, before this one */
};

static void
prep(void *arg, const struct csvrec *rec, void *out)
{
	struct said *s = out;
	int *calls = arg;

	s->line = rec->line;
	s->nfields = rec->nfields;
	s->hash = csvrec_hash(rec);
	s->calls = (*calls)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { 0, ',', ';', '\t' };
	const struct csvrec *a, *b;
	struct csvread *fast, *slow;
	FILE *fa, *fb;
	uint64_t next_hash = 0;
	const struct said *said;
	int ra, rb, delim, peeked, calls = 0, seen = -1, from = 0, n;
	size_t i;

	if (size < 1)
		return 0;
	delim = delims[data[0] & 3];
	data++, size--;
	if (size == 0 || (fa = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	if ((fb = fmemopen((void *)data, size, "r")) == NULL) {
		fclose(fa);
		return 0;
	}
	fast = csvread_new(fa, delim);
	slow = csvread_new(fb, delim);
	if (data[-1] & 4) {
		csvread_set_cp1252(fast);
		csvread_set_cp1252(slow);
	}
	csvread_libcsv_only(slow);
	if (data[-1] & 8) {	/* read ahead, in batches of 1 to 8 records */
		csvread_ahead(fast, 1 + (size_t)(data[-1] >> 5));
		if (data[-1] & 16)
			csvread_prep_soon(fast);
		from = data[-1] & 16 ? 1 + (data[-1] >> 6) : 0;
	}
	for (peeked = n = 0;; n++) {
		if (n == from)	/* from this record on (the header's after) */
			csvread_prep(fast, sizeof(struct said), prep, &calls);
		ra = csvread_next(fast, &a);
		rb = csvread_next(slow, &b);
		if (ra != rb)
			abort();
		if (ra != 1)
			break;
		if (a->nfields != b->nfields || a->line != b->line ||
		    a->problem != b->problem)
			abort();
		/* the reading thread's hash, the one made on demand, and the
		 * one told a record before */
		if (csvrec_hash(a) != csvrec_hash(b) ||
		    (peeked && next_hash != csvrec_hash(b)))
			abort();
		peeked = csvread_peek_hash(fast, 1, &next_hash);
		/* its own, each once and in order; none before it was asked
		 * for, and once one, every one after */
		if ((said = a->prep) != NULL) {
			if (n < from || said->line != b->line ||
			    said->nfields != b->nfields ||
			    said->hash != csvrec_hash(b) || said->calls <= seen ||
			    (seen >= 0 && said->calls != seen + 1))
				abort();
			seen = said->calls;
		} else if (seen >= 0)
			abort();
		for (i = 0; i < a->nfields; i++)
			if (a->len[i] != b->len[i] ||
			    memcmp(a->field[i], b->field[i], a->len[i]) != 0 ||
			    a->field[i][a->len[i]] != '\0')
				abort();
	}
	if (csvread_delim(fast) != csvread_delim(slow))
		abort();
	csvread_free(fast);
	csvread_free(slow);
	fclose(fa);
	fclose(fb);
	return 0;
}
