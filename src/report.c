/*
 * report: the results of a run, owned in one place so every writer prints
 * the same thing and the summary is computed once.
 */
#include <stdarg.h>
#include <stdint.h>
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

/*
 * Ranks of strings by strcmp, found by their pointers: the lines of a run
 * name few distinct patients, families and providers, mostly by the same
 * (interned) pointers, so each distinct pointer is ranked once and the
 * lines are sorted on integers.
 */
struct rankmap {
	const char	**key;		/* open addressing on the pointer */
	uint32_t	 *rank;
	size_t		  size, n;
};

static size_t
ptr_slot(const struct rankmap *m, const char *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 20) & (m->size - 1);
}

static void
rank_add(struct rankmap *m, const char *p)
{
	size_t j, i, size;
	const char **old;

	if (2 * (m->n + 1) > m->size) {
		old = m->key;
		size = m->size;
		m->size = size ? size * 2 : 64;
		m->key = xcalloc(m->size, sizeof(*m->key));
		for (i = 0; i < size; i++) {
			if (old[i] == NULL)
				continue;
			for (j = ptr_slot(m, old[i]); m->key[j];
			    j = (j + 1) & (m->size - 1))
				;
			m->key[j] = old[i];
		}
		free(old);
	}
	for (j = ptr_slot(m, p); m->key[j]; j = (j + 1) & (m->size - 1))
		if (m->key[j] == p)
			return;
	m->key[j] = p;
	m->n++;
}

static size_t
rank_find(const struct rankmap *m, const char *p)
{
	size_t j;

	for (j = ptr_slot(m, p); m->key[j] != p; j = (j + 1) & (m->size - 1))
		;
	return j;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rank every pointer added: equal strings the same rank. */
static void
rank_assign(struct rankmap *m)
{
	const char **v;
	size_t i, k = 0;
	uint32_t r = 0;

	v = xcalloc(m->n ? m->n : 1, sizeof(*v));
	for (i = 0; i < m->size; i++)
		if (m->key[i])
			v[k++] = m->key[i];
	qsort(v, k, sizeof(*v), cmp_str);
	m->rank = xcalloc(m->size, sizeof(*m->rank));
	for (i = 0; i < k; i++) {
		if (i > 0 && strcmp(v[i - 1], v[i]) != 0)
			r++;
		m->rank[rank_find(m, v[i])] = r;
	}
	free(v);
}

static uint32_t
rank_of(const struct rankmap *m, const char *p)
{
	return m->rank[rank_find(m, p)];
}

struct sortkey {
	uint64_t			 a, b;
	const struct report_line	*l;
	size_t				 i;
};

static int
cmp_key(const void *va, const void *vb)
{
	const struct sortkey *x = va, *y = vb;
	int c;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	if (x->l->start && y->l->start &&
	    (c = strcmp(x->l->start, y->l->start)) != 0)
		return c;
	return x->l->order < y->l->order ? -1 : x->l->order > y->l->order;
}

/*
 * The order of cmp_line (or cmp_line_by_date), on integer keys: patient
 * and date, then family and provider, then start and order.
 */
void
report_sort(struct report *r)
{
	struct rankmap pat = { 0 }, fam = { 0 }, prov = { 0 };
	struct report_line tmp;
	struct sortkey *k;
	uint64_t pr, d;
	size_t i, j, n = r->nlines, *to;

	if (n < 2)
		return;
	for (i = 0; i < n; i++) {
		rank_add(&pat, r->lines[i].patient);
		rank_add(&fam, r->lines[i].family);
		rank_add(&prov, r->lines[i].provider);
	}
	rank_assign(&pat);
	rank_assign(&fam);
	rank_assign(&prov);
	k = xcalloc(n, sizeof(*k));
	for (i = 0; i < n; i++) {
		pr = rank_of(&pat, r->lines[i].patient);
		d = (uint32_t)r->lines[i].date ^ 0x80000000u;
		k[i].a = r->by_date ? d << 32 | pr : pr << 32 | d;
		k[i].b = (uint64_t)rank_of(&fam, r->lines[i].family) << 32 |
		    rank_of(&prov, r->lines[i].provider);
		k[i].l = &r->lines[i];
		k[i].i = i;
	}
	qsort(k, n, sizeof(*k), cmp_key);
	/* line k[i].i goes to place i: follow each cycle with one spare */
	to = xcalloc(n, sizeof(*to));
	for (i = 0; i < n; i++)
		to[i] = k[i].i;		/* place i takes line to[i] */
	free(k);
	for (i = 0; i < n; i++) {
		if (to[i] == i)
			continue;
		tmp = r->lines[i];
		for (j = i; to[j] != i; ) {
			size_t next = to[j];

			r->lines[j] = r->lines[next];
			to[j] = j;
			j = next;
		}
		r->lines[j] = tmp;
		to[j] = j;
	}
	free(to);
	free(pat.key);
	free(pat.rank);
	free(fam.key);
	free(fam.rank);
	free(prov.key);
	free(prov.rank);
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
