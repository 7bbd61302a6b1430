/*
 * libFuzzer: the date and time parsers; what parses must be in range, and
 * a parsed date must print back to the day it came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[DATE_BUFSZ];
	struct clock c;
	long secs;
	int day, again;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (date_parse(s, &day) == 0) {
		if (date_parse(date_format(day, buf), &again) != 0 || again != day)
			abort();
	}
	if (date_parse_log(s, (int)(size & 1), &day) == 0) {
		if (date_parse(date_format(day, buf), &again) != 0 || again != day)
			abort();
	}
	if (time_parse(s, &c) == 0) {
		if (c.secs < 0 || c.secs >= 86400)
			abort();
		if (c.has_offset && (c.offset < -18 * 3600 || c.offset > 18 * 3600))
			abort();
	}
	if (time_parse_log(s, (int)(size & 1), &c) == 0 &&
	    (c.secs < 0 || c.secs >= 86400))
		abort();
	if (duration_parse(s, &secs) == 0 && secs < 0)
		abort();
	free(s);
	return 0;
}
