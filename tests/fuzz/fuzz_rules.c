/*
 * libFuzzer: a rules file through the loader; what loads must print to a
 * file that loads again to the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "rules.h"
#include "rulesload.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
printed(const struct rules *r, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	if (fp == NULL)
		abort();
	rules_print(r, fp);
	fclose(fp);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag errs = { 0 };
	struct rules *r, *again;
	char *a, *b;
	size_t la, lb;

	if (rules_load_string((const char *)data, size, "fuzz.ini", &r,
	    &errs) == RULES_OK) {
		a = printed(r, &la);
		if (rules_load_string(a, la, "printed.ini", &again, &errs) !=
		    RULES_OK)
			abort();	/* printed rules must load */
		b = printed(again, &lb);
		if (la != lb || memcmp(a, b, la) != 0)
			abort();	/* and load to the same rules */
		free(a);
		free(b);
		rules_free(again);
		rules_free(r);
	}
	diag_free(&errs);
	return 0;
}
