/*
 * The floor of the log benchmark: the product's CSV reader alone, counting
 * records and fields and doing nothing else.
 */
#include <stdio.h>

#include "csvread.h"

int
main(int argc, char **argv)
{
	const struct csvrec *rec;
	struct csvread *r;
	unsigned long records = 0, fields = 0;
	FILE *fp;
	int rc;

	if (argc != 2 || (fp = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: csvcount FILE\n");
		return 2;
	}
	r = csvread_new(fp, ',');
	while ((rc = csvread_next(r, &rec)) > 0) {
		records++;
		fields += rec->nfields;
	}
	csvread_free(r);
	fclose(fp);
	printf("%lu records, %lu fields\n", records, fields);
	return rc < 0;
}
