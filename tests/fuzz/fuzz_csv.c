/*
 * libFuzzer, differential: the CSV reader with its fast path and the same
 * reader with every line through libcsv give the same records (fields,
 * lengths, lines, problems) and the same end, whatever the bytes.  The
 * first byte picks the separator (sniffed, ',', ';' or tab) and whether
 * the text is Windows-1252.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { 0, ',', ';', '\t' };
	const struct csvrec *a, *b;
	struct csvread *fast, *slow;
	FILE *fa, *fb;
	uint64_t next_hash = 0;
	int ra, rb, delim, peeked;
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
	if (data[-1] & 8)	/* read ahead, in batches of 1 to 8 records */
		csvread_ahead(fast, 1 + (size_t)(data[-1] >> 5));
	for (peeked = 0;;) {
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
