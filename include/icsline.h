/*
 * icsline: an iCalendar text walked by content lines (RFC 5545 §3.1): a
 * physical line and the folded ones after it.  Lines end in LF or CRLF,
 * as libical reads them (a CR alone is text); a text without any LF ends
 * them in CR.  The reader's line numbers and the write-back both count
 * physical lines this way, so an event is the same line to both.
 */
#ifndef CPTUNITS_ICSLINE_H
#define CPTUNITS_ICSLINE_H

#include <stddef.h>

struct icsline {
	const char	*p, *end;	/* the content line with its line ends */
	const char	*eol;		/* end of the first physical line's text */
	const char	*nl;		/* that line's end: "\r\n", "\n", "\r", "" */
	long		 lines;		/* physical lines in it, 1 or more */
	int		 cr;		/* lines end in a lone CR */
};

/* Does the text end its lines in CR (it has CRs and no LF)? */
int		 icsline_cr_only(const char *text, size_t len);
/* The content line at p (p < end), lines ending as cr says; returns where
 * the next one starts. */
const char	*icsline_next(const char *p, const char *end, int cr,
		    struct icsline *);
/*
 * The line unfolded, its line ends dropped, NUL-terminated in *buf (grown
 * as needed, *cap its size); returns its length.  A line that is not
 * folded is copied too.
 */
size_t		 icsline_unfold(const struct icsline *, char **buf, size_t *cap);

/* The length of the line end at q, before end: 2, 1, or 0 for none. */
size_t		 icsline_nl(const char *q, const char *end, int cr);

#endif
