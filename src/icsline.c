/*
 * icsline: content lines of an iCalendar text, with CRLF, LF or CR ends.
 */
#include <stdlib.h>
#include <string.h>

#include "icsline.h"
#include "strutil.h"

size_t
icsline_nl(const char *q, const char *end)
{
	if (q >= end)
		return 0;
	if (*q == '\r')
		return q + 1 < end && q[1] == '\n' ? 2 : 1;
	return *q == '\n';
}

const char *
icsline_next(const char *p, const char *end, struct icsline *cl)
{
	const char *q = p;
	size_t k;
	int first = 1;

	cl->p = p;
	cl->lines = 0;
	cl->eol = end;
	cl->nl = "";
	for (;;) {
		while (q < end && *q != '\n' && *q != '\r')
			q++;
		k = icsline_nl(q, end);
		if (first) {
			cl->eol = q;
			cl->nl = k == 2 ? "\r\n" : k == 0 ? "" :
			    *q == '\r' ? "\r" : "\n";
			first = 0;
		}
		cl->lines++;
		q += k;
		if (k > 0 && q < end && (*q == ' ' || *q == '\t'))
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
		if ((k = icsline_nl(p, cl->end)) > 0) {
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
