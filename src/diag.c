/*
 * diag: collected messages, and the one helper that prints a message the
 * way every Unix tool does ("cptunits: ...").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "strutil.h"

void
diag_add(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->msg = xreallocarray(d->msg, d->cap, sizeof(*d->msg));
	}
	d->msg[d->n++] = s;
}

void
diag_print(const struct diag *d, FILE *fp)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(fp, "cptunits: %s\n", d->msg[i]);
}

void
diag_free(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->msg[i]);
	free(d->msg);
	d->msg = NULL;
	d->n = d->cap = 0;
}

/* Messages held back (warn_hold), in one growing buffer. */
static FILE	*held;
static char	*heldbuf;
static size_t	 heldlen;

void
warnmsg(const char *fmt, ...)
{
	FILE *fp = held ? held : stderr;
	va_list ap;

	fputs("cptunits: ", fp);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
}

int
warn_hold(void)
{
	if (held == NULL)
		held = open_memstream(&heldbuf, &heldlen);
	return held != NULL ? 0 : -1;
}

void
warn_release(int print)
{
	if (held == NULL)
		return;
	fclose(held);
	held = NULL;
	if (print && heldlen > 0)
		fwrite(heldbuf, 1, heldlen, stderr);
	free(heldbuf);
	heldbuf = NULL;
	heldlen = 0;
}
