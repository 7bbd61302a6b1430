/*
 * The floor of the log benchmark: a bare libcsv parse of the file, whole
 * 64 KiB blocks at a time, counting records and fields and doing nothing
 * else.  Not our reader: what any program built on libcsv pays at least.
 */
#include <stdio.h>

#include <csv.h>

struct counts {
	unsigned long	records, fields;
};

static void
field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct counts *)data)->fields++;
}

static void
record(int c, void *data)
{
	(void)c;
	((struct counts *)data)->records++;
}

int
main(int argc, char **argv)
{
	static char buf[65536];
	struct counts n = { 0, 0 };
	struct csv_parser p;
	size_t len;
	FILE *fp;

	if (argc != 2 || (fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: csvfloor FILE\n");
		return 2;
	}
	if (csv_init(&p, 0) != 0)
		return 2;
	while ((len = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (csv_parse(&p, buf, len, field, record, &n) != len) {
			fprintf(stderr, "csvfloor: %s\n",
			    csv_strerror(csv_error(&p)));
			return 1;
		}
	csv_fini(&p, field, record, &n);
	csv_free(&p);
	fclose(fp);
	printf("%lu records, %lu fields\n", n.records, n.fields);
	return 0;
}
