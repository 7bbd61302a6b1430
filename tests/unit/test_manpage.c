/*
 * The manual documents everything: every option of the options table and
 * every key the rules loader accepts must appear in man/cptunits.1
 * (options as "Fl -name", keys as "Cm name").  The path comes from
 * $MANPAGE, else man/cptunits.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "rulesload.h"

static char *page;

static int
load(void **state)
{
	const char *path = getenv("MANPAGE");
	FILE *fp;
	long n;

	(void)state;
	if (path == NULL)
		path = "man/cptunits.1";
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	page = calloc(1, (size_t)n + 1);
	if (page == NULL || fread(page, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

static int
unload(void **state)
{
	(void)state;
	free(page);
	return 0;
}

/* `word` occurs as a whole word after `macro`. */
static int
documented(const char *macro, const char *word)
{
	char *needle;
	const char *p;
	size_t n;
	int found = 0;

	n = strlen(macro) + strlen(word) + 2;
	needle = malloc(n);
	snprintf(needle, n, "%s %s", macro, word);
	for (p = page; (p = strstr(p, needle)) != NULL; p++) {
		char after = p[strlen(needle)];

		if (after == '\0' || after == ' ' || after == '\n' || after == ',')
			found = 1;
	}
	free(needle);
	return found;
}

static void
test_options(void **state)
{
	const struct cli_option *o;
	char name[64];

	(void)state;
	for (o = cli_options; o->name; o++) {
		snprintf(name, sizeof(name), "-%s", o->name);
		if (!documented("Fl", name))
			fail_msg("option --%s is not in the manual", o->name);
		if (o->letter) {
			snprintf(name, sizeof(name), "%c", o->letter);
			if (!documented("Fl", name))
				fail_msg("option -%c is not in the manual", o->letter);
		}
	}
}

static void
test_keys(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < rules_nkeys; i++)
		if (!documented("Cm", rules_keys[i].name))
			fail_msg("key %s of [%s] is not in the manual",
			    rules_keys[i].name, rules_keys[i].section);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests_name("manpage", tests, load, unload);
}
