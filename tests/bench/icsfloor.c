/*
 * The floor of the calendar benchmark: libical alone parsing a file and
 * expanding every event over 2024 with icalcomponent_foreach_recurrence,
 * counting instances and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libical/ical.h>

static void
count(icalcomponent *c, struct icaltime_span *span, void *data)
{
	(void)c;
	(void)span;
	(*(long *)data)++;
}

int
main(int argc, char **argv)
{
	struct icaltimetype a = icaltime_from_string("20240101T000000Z");
	struct icaltimetype b = icaltime_from_string("20250101T000000Z");
	icalcomponent *root, *c;
	icalcompiter it;
	long n = 0, len;
	char *text;
	FILE *fp;

	if (argc != 2 || (fp = fopen(argv[1], "r")) == NULL)
		return 2;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	text = malloc((size_t)len + 1);
	if (text == NULL || fread(text, 1, (size_t)len, fp) != (size_t)len)
		return 2;
	text[len] = '\0';
	fclose(fp);
	root = icalparser_parse_string(text);
	for (it = icalcomponent_begin_component(root, ICAL_VEVENT_COMPONENT);
	    (c = icalcompiter_deref(&it)) != NULL; icalcompiter_next(&it))
		icalcomponent_foreach_recurrence(c, a, b, count, &n);
	printf("%ld instances\n", n);
	icalcomponent_free(root);
	free(text);
	icaltimezone_free_builtin_timezones();
	return 0;
}
