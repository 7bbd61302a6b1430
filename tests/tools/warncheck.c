/*
 * warncheck JSON STDERR: every warning of a JSON report (lines[].warnings
 * and notes) must be on a line of its own in the standard error of the
 * same run in another format, one line each (SPEC §5: warnings and notes
 * reach standard error whatever the format).  Exit 0, or 1 naming the
 * first one missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static char	**err;
static size_t	  nerr;
static char	 *used;

/* Take an unused stderr line that ends with ": " + text (or "note: "). */
static int
take(const char *text, int note)
{
	size_t i, n = strlen(text), m;
	const char *tail;

	for (i = 0; i < nerr; i++) {
		m = strlen(err[i]);
		if (used[i] || m < n + 2)
			continue;
		tail = err[i] + m - n;
		if (strcmp(tail, text) != 0)
			continue;
		if (note ? (m >= n + 6 && strncmp(tail - 6, "note: ", 6) == 0) :
		    strncmp(tail - 2, ": ", 2) == 0) {
			used[i] = 1;
			return 1;
		}
	}
	fprintf(stderr, "warncheck: not on standard error: %s%s\n",
	    note ? "note: " : "", text);
	return 0;
}

int
main(int argc, char **argv)
{
	json_t *root, *lines, *w, *v;
	json_error_t je;
	FILE *fp;
	char buf[65536];
	size_t i, k;
	int ok = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: warncheck JSON STDERR\n");
		return 2;
	}
	if ((root = json_load_file(argv[1], 0, &je)) == NULL) {
		fprintf(stderr, "warncheck: %s: %s\n", argv[1], je.text);
		return 2;
	}
	if ((fp = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 2;
	}
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		err = realloc(err, (nerr + 1) * sizeof(*err));
		err[nerr++] = strdup(buf);
	}
	fclose(fp);
	used = calloc(nerr + 1, 1);
	lines = json_object_get(root, "lines");
	json_array_foreach(lines, i, v) {
		w = json_object_get(v, "warnings");
		for (k = 0; k < json_array_size(w); k++)
			ok &= take(json_string_value(json_array_get(w, k)), 0);
	}
	w = json_object_get(root, "notes");
	for (k = 0; k < json_array_size(w); k++)
		ok &= take(json_string_value(json_array_get(w, k)), 1);
	for (i = 0; i < nerr; i++)
		free(err[i]);
	free(err);
	free(used);
	json_decref(root);
	return ok ? 0 : 1;
}
