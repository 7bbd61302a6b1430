/*
 * icsline: content lines of an iCalendar text.  Lines end in LF (a CR
 * before it is part of the end), as libical reads them, so that a CR alone
 * inside a line is text, as it is to libical; only a text without any LF
 * (an old Mac export) has lines ending in a lone CR.
 */
#include <stdlib.h>
#include <string.h>

#include "icsline.h"
#include "strutil.h"

int
icsline_cr_only(const char *text, size_t len)
{
	return memchr(text, '\n', len) == NULL &&
	    memchr(text, '\r', len) != NULL;
}

size_t
icsline_nl(const char *q, const char *end, int cr)
{
	if (q >= end)
		return 0;
	if (cr)
		return *q == '\r';
	if (*q == '\n')
		return 1;
	return *q == '\r' && q + 1 < end && q[1] == '\n' ? 2 : 0;
}

const char *
icsline_next(const char *p, const char *end, int cr, struct icsline *cl)
{
	const char *q = p, *e;
	int first = 1;

	cl->p = p;
	cl->cr = cr;
	cl->lines = 0;
	cl->eol = end;
	cl->nl = "";
	for (;;) {
		e = memchr(q, cr ? '\r' : '\n', (size_t)(end - q));
		if (e == NULL)
			e = end;
		if (first) {
			cl->eol = e;
			cl->nl = e == end ? "" : cr ? "\r" : "\n";
			if (!cr && e < end && e > p && e[-1] == '\r') {
				cl->eol = e - 1;
				cl->nl = "\r\n";
			}
			first = 0;
		}
		cl->lines++;
		q = e < end ? e + 1 : end;
		if (e < end && q < end && (*q == ' ' || *q == '\t'))
			continue;	/* a folded line goes on */
		break;
	}
	cl->end = q;
	return q;
}

size_t
icsline_unfold(const struct icsline *cl, char **buf, size_t *cap)
{
	const char *p = cl->p;
	size_t need = (size_t)(cl->end - cl->p) + 1, n = 0, k;
	char *o;

	if (*cap < need) {
		free(*buf);
		*cap = need < 256 ? 256 : need;
		*buf = xmalloc(*cap);
	}
	o = *buf;
	while (p < cl->end) {
		if ((k = icsline_nl(p, cl->end, cl->cr)) > 0) {
			p += k;
			if (p < cl->end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		o[n++] = *p++;
	}
	o[n] = '\0';
	return n;
}
