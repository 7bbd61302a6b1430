/*
 * annotate: the calendar's text copied with X-CPT-UNITS and a DESCRIPTION
 * line on each billed event.  The text is walked by content lines (a
 * physical line and the folded ones after it, RFC 5545 §3.1); only the
 * properties of a billed VEVENT itself (not of its VALARMs) are looked at.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "annotate.h"
#include "icsline.h"
#include "strutil.h"
#include "units.h"

/* Octets of a content line before it is folded (RFC 5545 §3.1). */
#define FOLD	75

void
annotate_texts(const struct ics_billed *b, const struct rules *r,
    char *units, size_t usize, char *sentence, size_t ssize)
{
	struct units_result res;
	struct rule rule;
	long minutes = b->seconds / 60;
	size_t k, at = 0, st = 0;
	int n;

	rules_resolve(r, b->family, b->payer, &rule);
	units_compute(&rule, minutes, 1, &res);
	units[0] = sentence[0] = '\0';
	if (res.ncodes == 0) {
		snprintf(units, usize, "%s*0", rules_family_label(b->family));
		n = snprintf(sentence, ssize, "Bills nothing for %ld min", minutes);
	} else {
		n = snprintf(sentence, ssize, "Bills ");
		for (k = 0; k < res.ncodes; k++) {
			at += (size_t)snprintf(units + at, usize > at ? usize - at : 0,
			    "%s%s*%d", k ? "," : "", res.codes[k].code,
			    res.codes[k].units);
			if (at >= usize)
				at = usize - 1;
			n += snprintf(sentence + n, ssize > (size_t)n ? ssize -
			    (size_t)n : 0, "%s%s \xc3\x97%d", k ? ", " : "",
			    res.codes[k].code, res.codes[k].units);
			if ((size_t)n >= ssize)
				n = (int)ssize - 1;
		}
		n += snprintf(sentence + n, ssize > (size_t)n ? ssize - (size_t)n :
		    0, " for %ld min", minutes);
	}
	if ((size_t)n >= ssize)
		n = (int)ssize - 1;
	st = (size_t)n;
	if (res.next > 0 && rule.kind == KIND_RANGE) {
		for (k = 0; k < rule.nranges; k++)
			if (rule.ranges[k].from == minutes + res.next)
				snprintf(sentence + st, ssize - st, "; from %ld min it "
				    "bills %s", minutes + res.next,
				    rule.ranges[k].code);
	} else if (res.next > 0 && b->family->kind != KIND_ADDON)
		snprintf(sentence + st, ssize - st, "; the %s unit at %ld min",
		    res.ncodes == 0 ? "first" : "next", minutes + res.next);
	else if (b->family->kind == KIND_ADDON && b->family->nrequires > 0) {
		char *list = str_join_or(b->family->requires,
		    b->family->nrequires);

		snprintf(sentence + st, ssize - st, ", with %s the same day", list);
		free(list);
	}
}

/* Does the unfolded line s name property (up to ':' or ';')? */
static int
named(const char *s, const char *prop)
{
	size_t n = strlen(prop);

	return strncasecmp(s, prop, n) == 0 && (s[n] == ':' || s[n] == ';');
}

/* The value of an unfolded line: past the first ':' outside quotes. */
static const char *
value_of(const char *s)
{
	int q = 0;

	for (; *s; s++) {
		if (*s == '"')
			q = !q;
		else if (*s == ':' && !q)
			return s + 1;
	}
	return NULL;
}

/* Write a content line folded at FOLD octets, never inside a UTF-8 char. */
static void
put_folded(FILE *fp, const char *s, const char *nl)
{
	size_t n = strlen(s), at = 0, take, lim = FOLD;

	while (n - at > lim) {
		take = lim;
		while (take > 1 && ((unsigned char)s[at + take] & 0xc0) == 0x80)
			take--;
		fwrite(s + at, 1, take, fp);
		fputs(nl, fp);
		fputc(' ', fp);
		at += take;
		lim = FOLD - 1;
	}
	fputs(s + at, fp);
	fputs(nl, fp);
}

/*
 * Write the content line cl as it is, up to the byte that unfolds to
 * offset `at`, then a and b, folded on from where the line stands.
 */
static void
append(FILE *fp, const struct icsline *cl, size_t at, const char *a,
    const char *b, const char *nl)
{
	const char *p = cl->p, *bol = cl->p, *s;
	size_t seen = 0, col, take, k;
	char *t;

	while (p < cl->end && seen < at) {
		if ((k = icsline_nl(p, cl->end, cl->cr)) > 0) {
			p += k;
			bol = p;
			if (p < cl->end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		p++;
		seen++;
	}
	fwrite(cl->p, 1, (size_t)(p - cl->p), fp);
	col = (size_t)(p - bol);
	t = xasprintf("%s%s", a, b);
	for (s = t; *s; s += take) {
		if (col >= FOLD) {
			fputs(nl, fp);
			fputc(' ', fp);
			col = 1;
		}
		take = strlen(s) < FOLD - col ? strlen(s) : FOLD - col;
		while (take > 0 && take < strlen(s) &&
		    ((unsigned char)s[take] & 0xc0) == 0x80)
			take--;
		if (take == 0) {	/* a character that does not fit */
			col = FOLD;
			continue;
		}
		fwrite(s, 1, take, fp);
		col += take;
	}
	fputs(nl, fp);
	free(t);
}

/* TEXT escaping (RFC 5545 §3.3.11) of our sentence. */
static void
escape(const char *s, char *buf, size_t size)
{
	size_t at = 0;

	for (; *s && at + 3 < size; s++) {
		if (*s == ',' || *s == ';' || *s == '\\')
			buf[at++] = '\\';
		buf[at++] = *s;
	}
	buf[at] = '\0';
}

/*
 * The DESCRIPTION value without what an earlier run added: its last
 * paragraph when that starts "Bills " and says " min".
 */
static size_t
kept_length(const char *v)
{
	const char *p, *last = NULL;
	size_t n = strlen(v);

	for (p = v; (p = strstr(p, "Bills ")) != NULL; p++)
		if (p == v || (p >= v + 2 && p[-2] == '\\' &&
		    (p[-1] == 'n' || p[-1] == 'N')))
			last = p;
	/* ours only: "Bills nothing for N min..." or "Bills CODE ×N..." */
	if (last == NULL || strstr(last, " min") == NULL ||
	    strstr(last, "\\n") != NULL || strstr(last, "\\N") != NULL ||
	    (strncmp(last, "Bills nothing for ", 18) != 0 &&
	    (strstr(last, " \xc3\x97") == NULL ||
	    strspn(last + 6, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") < 5)))
		return n;
	return last == v ? 0 : (size_t)(last - v) - 2;
}

/* By line; at one line, what bills before what bills nothing. */
static int
by_line(const void *a, const void *b)
{
	const struct ics_billed *x = *(const struct ics_billed *const *)a;
	const struct ics_billed *y = *(const struct ics_billed *const *)b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->family == NULL) - (y->family == NULL);
}

static const struct ics_billed *
billed_at(const struct ics_billed **v, size_t n, long line)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid]->line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo]->line == line ? v[lo] : NULL;
}

/* X-CPT-UNITS, after a DESCRIPTION of our sentence when desc is not NULL. */
static void
put_ours(FILE *fp, const char *desc, const char *units, const char *nl)
{
	char *t;

	if (desc != NULL) {
		t = xasprintf("DESCRIPTION:%s", desc);
		put_folded(fp, t, nl);
		free(t);
	}
	t = xasprintf("X-CPT-UNITS:%s", units);
	put_folded(fp, t, nl);
	free(t);
}

/* What the VEVENT from p holds at its own level (not in its VALARMs). */
static void
look_ahead(const char *p, const char *end, int cr, int *desc, int *units)
{
	struct icsline cl;
	char *u = NULL;
	size_t cap = 0;
	int depth = 0;

	*desc = *units = 0;
	while (p < end) {
		p = icsline_next(p, end, cr, &cl);
		icsline_unfold(&cl, &u, &cap);
		if (strncasecmp(u, "BEGIN:", 6) == 0)
			depth++;
		else if (strncasecmp(u, "END:", 4) == 0) {
			if (--depth <= 0)
				break;
		} else if (depth == 1 && named(u, "DESCRIPTION"))
			*desc = 1;
		else if (depth == 1 && named(u, "X-CPT-UNITS"))
			*units = 1;
	}
	free(u);
}

size_t
annotate_write(const char *text, size_t len, const struct icsrun *run,
    const struct rules *r, FILE *fp)
{
	const char *p = text, *end = text + len, *next, *v;
	const struct ics_billed *b = NULL;
	char units[128], sentence[256], esc[300], *u = NULL;
	const char *nl = "\r\n";
	struct icsline cl;
	long line = 1;
	int depth = 0, evdepth = -1, described = 0, written = 0, has_desc = 0,
	    has_units = 0, stale = 0, cr;
	size_t done = 0, k, cap = 0;
	const struct ics_billed **byline;

	cr = icsline_cr_only(text, len);
	/* the events billed, by the line each begins on */
	byline = xcalloc(run->nbilled + 1, sizeof(*byline));
	for (k = 0; k < run->nbilled; k++)
		byline[k] = &run->billed[k];
	qsort(byline, run->nbilled, sizeof(*byline), by_line);
	for (; p < end; line += cl.lines, p = next) {
		next = icsline_next(p, end, cr, &cl);
		icsline_unfold(&cl, &u, &cap);
		if (strncasecmp(u, "BEGIN:", 6) == 0) {
			if (evdepth < 0 && depth <= 1 &&
			    strcasecmp(u + 6, "VEVENT") == 0 &&
			    (b = billed_at(byline, run->nbilled, line)) != NULL) {
				look_ahead(p, end, cr, &has_desc, &has_units);
				/* bills nothing now: undo ours, if it is ours */
				stale = b->family == NULL;
				if (!stale || has_units) {
					evdepth = depth + 1;
					described = written = 0;
				}
				if (!stale) {
					annotate_texts(b, r, units, sizeof(units),
					    sentence, sizeof(sentence));
					escape(sentence, esc, sizeof(esc));
				}
				nl = *cl.nl ? cl.nl : "\r\n";
			} else if (evdepth >= 0 && depth == evdepth && !stale &&
			    !written) {
				/* ours go before the event's VALARMs */
				put_ours(fp, has_desc ? NULL : esc, units, nl);
				written = 1;
			}
			depth++;
		} else if (strncasecmp(u, "END:", 4) == 0) {
			if (evdepth >= 0 && depth == evdepth) {
				if (!stale && !written)
					put_ours(fp, has_desc ? NULL : esc, units, nl);
				if (!stale)
					done++;
				evdepth = -1;
			}
			if (depth > 0)
				depth--;
		} else if (evdepth >= 0 && depth == evdepth) {
			if (named(u, "X-CPT-UNITS"))
				continue;	/* ours: written anew, or gone */
			if (named(u, "DESCRIPTION") && !described &&
			    (v = value_of(u)) != NULL) {
				/* as it was, up to what an earlier run added */
				k = kept_length(v);
				described = 1;
				if (stale && k == 0)
					continue;	/* all ours: it goes */
				if (stale)
					append(fp, &cl, (size_t)(v - u) + k, "", "",
					    *cl.nl ? cl.nl : nl);
				else
					append(fp, &cl, (size_t)(v - u) + k,
					    k ? "\\n" : "", esc, nl);
				continue;
			}
		}
		fwrite(cl.p, 1, (size_t)(cl.end - cl.p), fp);
	}
	free(u);
	free(byline);
	return done;
}
