/*
 * report: the results of a run, owned in one place so every writer prints
 * the same thing and the summary is computed once.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "report.h"
#include "strutil.h"

struct report_line *
report_add(struct report *r, const char *patient, int date,
    const char *family, long minutes, const struct units_result *u)
{
	struct report_line *l;
	struct units_code tmp;

	if (r->nlines == r->capl) {
		r->capl = r->capl ? r->capl * 2 : 64;
		r->lines = xreallocarray(r->lines, r->capl, sizeof(*r->lines));
	}
	l = &r->lines[r->nlines++];
	memset(l, 0, sizeof(*l));
	l->patient = patient ? patient : "";
	l->provider = l->payer = l->modifiers = "";
	l->date = date;
	l->family = family;
	l->minutes = minutes;
	l->ncodes = u->ncodes;
	memcpy(l->codes, u->codes, sizeof(l->codes));
	l->next = u->next;
	/* CSV rows are sorted by code (SPEC §4) */
	if (l->ncodes == 2 && strcmp(l->codes[0].code, l->codes[1].code) > 0) {
		tmp = l->codes[0];
		l->codes[0] = l->codes[1];
		l->codes[1] = tmp;
	}
	return l;
}

void
report_warn(struct report_line *l, const char *fmt, ...)
{
	va_list ap;

	l->warnings = xreallocarray(l->warnings, l->nwarnings + 1,
	    sizeof(*l->warnings));
	va_start(ap, fmt);
	l->warnings[l->nwarnings++] = xvasprintf(fmt, ap);
	va_end(ap);
}

void
report_reject(struct report *r, const char *file, long line, const char *fmt,
    ...)
{
	struct report_reject *j;
	va_list ap;

	if (r->nrejects == r->capr) {
		r->capr = r->capr ? r->capr * 2 : 16;
		r->rejects = xreallocarray(r->rejects, r->capr,
		    sizeof(*r->rejects));
	}
	j = &r->rejects[r->nrejects++];
	j->file = xstrdup(file);
	j->line = line;
	va_start(ap, fmt);
	j->reason = xvasprintf(fmt, ap);
	va_end(ap);
}

void
report_discrepancy(struct report *r, const struct report_line *l,
    const char *code, long export_units, long rules_units, long rows)
{
	struct report_discrepancy *d;

	r->disc = xreallocarray(r->disc, r->ndisc + 1, sizeof(*r->disc));
	d = &r->disc[r->ndisc++];
	d->file = xstrdup(l->file ? l->file : "");
	d->line = l->line;
	d->rows = rows;
	d->code = xstrdup(code);
	d->export_units = export_units;
	d->rules_units = rules_units;
	d->date = l->date;
	d->patient = xstrdup(l->patient);
}

void
report_note(struct report *r, const char *fmt, ...)
{
	va_list ap;

	r->notes = xreallocarray(r->notes, r->nnotes + 1, sizeof(*r->notes));
	va_start(ap, fmt);
	r->notes[r->nnotes++] = xvasprintf(fmt, ap);
	va_end(ap);
}

void
report_print_warnings(const struct report *r, const char *prefix, FILE *fp)
{
	const struct report_line *l;
	char d[DATE_BUFSZ];
	size_t i, j;

	for (i = 0; i < r->nlines; i++) {
		l = &r->lines[i];
		for (j = 0; j < l->nwarnings; j++)
			if (l->file)
				fprintf(fp, "cptunits: %s:%ld: %s %s: %s\n", l->file,
				    l->line, date_format(l->date, d), l->family,
				    l->warnings[j]);
			else
				fprintf(fp, "cptunits: %s: %s\n", prefix,
				    l->warnings[j]);
	}
	for (i = 0; i < r->nnotes; i++)
		fprintf(fp, "cptunits: note: %s\n", r->notes[i]);
}

static int
cmp_rest(const struct report_line *x, const struct report_line *y)
{
	int c;

	if ((c = strcmp(x->family, y->family)) != 0)
		return c;
	if ((c = strcmp(x->provider, y->provider)) != 0)
		return c;
	if (x->start && y->start && (c = strcmp(x->start, y->start)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
cmp_line(const void *a, const void *b)
{
	const struct report_line *x = a, *y = b;
	int c;

	if ((c = strcmp(x->patient, y->patient)) != 0)
		return c;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return cmp_rest(x, y);
}

/* Days first, for a scheduler's view of a calendar. */
static int
cmp_line_by_date(const void *a, const void *b)
{
	const struct report_line *x = a, *y = b;
	int c;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if ((c = strcmp(x->patient, y->patient)) != 0)
		return c;
	return cmp_rest(x, y);
}

void
report_sort(struct report *r)
{
	if (r->nlines > 1)
		qsort(r->lines, r->nlines, sizeof(*r->lines),
		    r->by_date ? cmp_line_by_date : cmp_line);
}

void
report_free(struct report *r)
{
	size_t i, j;

	for (i = 0; i < r->nlines; i++) {
		for (j = 0; j < r->lines[i].nwarnings; j++)
			free(r->lines[i].warnings[j]);
		free(r->lines[i].warnings);
		free(r->lines[i].start);
		free(r->lines[i].end);
		free(r->lines[i].source);
	}
	free(r->lines);
	for (i = 0; i < r->nrejects; i++) {
		free(r->rejects[i].file);
		free(r->rejects[i].reason);
	}
	free(r->rejects);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	for (i = 0; i < r->ndisc; i++) {
		free(r->disc[i].file);
		free(r->disc[i].code);
		free(r->disc[i].patient);
	}
	free(r->disc);
	memset(r, 0, sizeof(*r));
}
