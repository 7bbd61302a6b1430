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

/*
 * The lines are kept compact: strings by id into one table (each distinct
 * pointer once), the rare parts (warnings, --by session texts, units over
 * a limit, minutes or a line number past 32 bits) beside, in
 * chunks that are never moved; 64 bytes a line (struct cline).
 */
#define CHUNK_BITS	14
#define CHUNK		((size_t)1 << CHUNK_BITS)
#define EXT_NCODES	30		/* ext: index + 1, ncodes in the top bits */

/*
 * A line in 64 bytes: its strings by id, and what few lines have (warnings,
 * --by session's texts, units over a daily limit, minutes or a line number
 * too large for 32 bits) in a line_ext beside, by index.
 */
struct cline {
	int32_t		minutes;	/* MINUTES_EXT: in its ext */
	uint32_t	line;		/* LINE_EXT: in its ext */
	uint32_t	patient, family, provider, payer, modifiers, file;
	uint32_t	code[2];
	int32_t		units[2];
	int32_t		date, next;
	uint32_t	ext;
	uint32_t	order;
};
_Static_assert(sizeof(struct cline) == 64, "a line in 64 bytes");

#define MINUTES_EXT	INT32_MIN
#define LINE_EXT	UINT32_MAX

struct line_ext {
	char		**warnings;
	size_t		  nwarnings;
	char		 *start, *end, *source;
	long		  minutes, line;	/* when the cline's say so */
	int		  over[2];
};

/* The string of an id (NULL for 0). */
static const char *
str_of(const struct report *r, uint32_t id)
{
	return r->strs.v[id];
}

/* The id of the string at p (0 for NULL), the same for the same pointer. */
static uint32_t
str_id(struct report *r, const char *p)
{
	return ptrids_id(&r->strs, p);
}

static struct cline *
cline_at(const struct report *r, size_t i)
{
	return &r->chunks[i >> CHUNK_BITS][i & (CHUNK - 1)];
}

/*
 * Each patient's lines, kept in report_sort's order as they come (date,
 * family, provider, order): a new line is put among the patient's last
 * few.  Lines come in date order (a log is billed a day at a time, a
 * calendar's occurrences in date order), so a line moves back only past
 * the patient's other lines of its day, and report_sort then only puts
 * the patients in order: no pass over the lines, each a cache miss, at
 * the end of the run.  Given up for good (pv_off; report_sort sorts)
 * when a line would move back further than PV_BACK, when two lines tie
 * (the sort keeps their order of addition), for a line with a start text
 * (--by session's, which the sort compares too) and once lines are moved.
 */
struct pvec {
	uint32_t	*v;
	uint32_t	 n, cap;
	int32_t		 date;		/* the last line's key, so that a line */
	uint32_t	 family;	/* that goes last (most do) is placed */
	uint32_t	 provider;	/* without reading the line before it */
	uint32_t	 order;
};

#define PV_BACK		64

static void
pv_stop(struct report *r)
{
	size_t i;

	for (i = 0; i < r->npv; i++)
		free(r->pv[i].v);
	free(r->pv);
	r->pv = NULL;
	r->npv = 0;
	r->pv_off = 1;
}

/* strcmp of two ids' strings, NULL (id 0) before every string: the order
 * of ranks(). */
static int
cmp_str_id(const struct report *r, uint32_t a, uint32_t b)
{
	if (a == b)
		return 0;
	if (a == 0 || b == 0)
		return a == 0 ? -1 : 1;
	return strcmp(str_of(r, a), str_of(r, b));
}

/* report_sort's order within a patient (start texts aside), of line x's
 * key and line y; 0: a tie. */
static int
cmp_within(const struct report *r, int32_t date, uint32_t family,
    uint32_t provider, uint32_t order, const struct cline *y)
{
	int c;

	if (date != y->date)
		return date < y->date ? -1 : 1;
	if ((c = cmp_str_id(r, family, y->family)) != 0 ||
	    (c = cmp_str_id(r, provider, y->provider)) != 0)
		return c;
	return order < y->order ? -1 : order > y->order;
}

static int
cmp_lines(const struct report *r, const struct cline *x,
    const struct cline *y)
{
	return cmp_within(r, x->date, x->family, x->provider, x->order, y);
}

/* Line i (at c) among its patient's, in order; or tracking given up. */
static void
pv_track(struct report *r, size_t i, const struct cline *c, int start)
{
	struct pvec *q;
	uint32_t k;
	size_t n;
	int cmp;

	if (start || i >= UINT32_MAX) {
		pv_stop(r);
		return;
	}
	if (c->patient >= r->npv) {
		for (n = r->npv ? r->npv : 64; n <= c->patient; n *= 2)
			;
		r->pv = xreallocarray(r->pv, n, sizeof(*r->pv));
		memset(r->pv + r->npv, 0, (n - r->npv) * sizeof(*r->pv));
		r->npv = n;
	}
	q = &r->pv[c->patient];
	if (q->n == q->cap) {
		if (q->cap >= UINT32_MAX / 2) {
			pv_stop(r);
			return;
		}
		q->cap = q->cap ? q->cap * 2 : 8;
		q->v = xreallocarray(q->v, q->cap, sizeof(*q->v));
	}
	k = q->n;
	if (k > 0 && (cmp = cmp_within(r, q->date, q->family, q->provider,
	    q->order, c)) >= 0) {
		if (cmp == 0) {
			pv_stop(r);
			return;
		}
		/* before the last: moved back among the patient's lines */
		q->v[k] = q->v[k - 1];
		for (k--; k > 0; k--) {
			if (q->n - k >= PV_BACK ||
			    (cmp = cmp_lines(r, cline_at(r, q->v[k - 1]), c)) == 0) {
				pv_stop(r);
				return;
			}
			if (cmp < 0)
				break;
			q->v[k] = q->v[k - 1];
		}
	}
	if (k == q->n) {		/* the new last */
		q->date = c->date;
		q->family = c->family;
		q->provider = c->provider;
		q->order = c->order;
	}
	q->v[k] = (uint32_t)i;
	q->n++;
}

/*
 * The lines moved into the order report_sort found (place i takes line
 * perm[i]), following each cycle with one spare: done only when lines are
 * added or sorted again after a sort; writers read through perm instead.
 */
static void
settle(struct report *r)
{
	uint32_t *to = r->perm;
	struct cline tmp;
	size_t i, j;

	if (to == NULL)
		return;
	pv_stop(r);
	for (i = 0; i < r->nlines; i++) {
		if (to[i] == i)
			continue;
		tmp = *cline_at(r, i);
		for (j = i; to[j] != i; ) {
			size_t nx = to[j];

			*cline_at(r, j) = *cline_at(r, nx);
			to[j] = (uint32_t)j;
			j = nx;
		}
		*cline_at(r, j) = tmp;
		to[j] = (uint32_t)j;
	}
	free(r->perm);
	r->perm = NULL;
}

/* The line being built joins the others. */
static void
commit(struct report *r)
{
	struct report_line *l = &r->open;
	struct line_ext *x;
	struct cline *c;
	size_t k;
	int wide, far, over = 0;

	if (!r->has_open)
		return;
	r->has_open = 0;
	settle(r);
	if ((r->nlines & (CHUNK - 1)) == 0) {
		r->chunks = xreallocarray(r->chunks, r->nchunks + 1,
		    sizeof(*r->chunks));
		r->chunks[r->nchunks++] = xcalloc(CHUNK, sizeof(struct cline));
	}
	c = cline_at(r, r->nlines++);
	wide = l->minutes <= MINUTES_EXT || l->minutes > INT32_MAX;
	c->minutes = wide ? MINUTES_EXT : (int32_t)l->minutes;
	far = l->line < 0 || l->line >= LINE_EXT;
	c->line = far ? LINE_EXT : (uint32_t)l->line;
	c->patient = str_id(r, l->patient);
	c->family = str_id(r, l->family);
	c->provider = str_id(r, l->provider);
	c->payer = str_id(r, l->payer);
	c->modifiers = str_id(r, l->modifiers);
	c->file = str_id(r, l->file);
	for (k = 0; k < 2; k++) {
		c->code[k] = k < l->ncodes ? str_id(r, l->codes[k].code) : 0;
		c->units[k] = k < l->ncodes ? l->codes[k].units : 0;
		if (k < l->ncodes && l->codes[k].over != 0)
			over = 1;
	}
	c->date = l->date;
	c->next = l->next;
	c->order = (uint32_t)l->order;
	c->ext = (uint32_t)l->ncodes << EXT_NCODES;
	if (l->nwarnings || l->start || l->end || l->source || over || wide ||
	    far) {
		if (r->next == r->capext) {
			r->capext = r->capext ? r->capext * 2 : 64;
			r->ext = xreallocarray(r->ext, r->capext, sizeof(*r->ext));
		}
		x = &r->ext[r->next++];
		x->warnings = l->warnings;
		x->nwarnings = l->nwarnings;
		x->start = l->start;
		x->end = l->end;
		x->source = l->source;
		x->minutes = l->minutes;
		x->line = l->line;
		for (k = 0; k < 2; k++)
			x->over[k] = k < l->ncodes ? l->codes[k].over : 0;
		c->ext |= (uint32_t)r->next;
	}
	if (!r->pv_off)
		pv_track(r, r->nlines - 1, c, l->start != NULL);
	memset(l, 0, sizeof(*l));
}

void
report_get(const struct report *r, size_t i, struct report_line *l)
{
	const struct cline *c, *ahead;
	const struct line_ext *x;
	size_t k, e;

	if (r->perm != NULL) {
		/* lines are read in sorted order, far apart: ask early */
		if (i + 8 < r->nlines) {
			ahead = cline_at(r, r->perm[i + 8]);
			__builtin_prefetch(ahead);
			__builtin_prefetch((const char *)(ahead + 1) - 1);
		}
		c = cline_at(r, r->perm[i]);
	} else
		c = cline_at(r, i);
	e = c->ext & (((uint32_t)1 << EXT_NCODES) - 1);

	memset(l, 0, sizeof(*l));
	l->patient = str_of(r, c->patient);
	l->date = c->date;
	l->family = str_of(r, c->family);
	l->minutes = (long)c->minutes;
	l->ncodes = c->ext >> EXT_NCODES;
	for (k = 0; k < l->ncodes; k++) {
		l->codes[k].code = str_of(r, c->code[k]);
		l->codes[k].units = c->units[k];
	}
	l->next = c->next;
	l->order = c->order;
	l->provider = str_of(r, c->provider);
	l->payer = str_of(r, c->payer);
	l->modifiers = str_of(r, c->modifiers);
	l->file = str_of(r, c->file);
	l->line = (long)c->line;
	if (e > 0) {
		x = &r->ext[e - 1];
		l->warnings = x->warnings;
		l->nwarnings = x->nwarnings;
		l->start = x->start;
		l->end = x->end;
		l->source = x->source;
		for (k = 0; k < l->ncodes; k++)
			l->codes[k].over = x->over[k];
		if (c->minutes == MINUTES_EXT)
			l->minutes = x->minutes;
		if (c->line == LINE_EXT)
			l->line = x->line;
	}
}

struct report_line *
report_add(struct report *r, const char *patient, int date,
    const char *family, long minutes, const struct units_result *u)
{
	struct report_line *l = &r->open;
	struct units_code tmp;

	commit(r);
	r->has_open = 1;
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
	struct report_line view, *l = &view;
	char d[DATE_BUFSZ];
	size_t i, j;

	for (i = 0; i < r->nlines; i++) {
		report_get(r, i, l);
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
cmp_id(const void *a, const void *b, void *arg)
{
	const struct report *r = arg;

	return strcmp(str_of(r, *(const uint32_t *)a),
	    str_of(r, *(const uint32_t *)b));
}

static int
cmp_day(const void *a, const void *b, void *arg)
{
	const uint32_t *kd = arg;
	uint32_t x = kd[*(const uint32_t *)a], y = kd[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

/* Rank of each string id by strcmp (equal strings alike), in rank[]. */
static uint32_t *
ranks(const struct report *r)
{
	uint32_t *rank, *v, k = 0;
	size_t i;

	rank = xcalloc(r->strs.n, sizeof(*rank));
	v = xcalloc(r->strs.n, sizeof(*v));
	for (i = 1; i < r->strs.n; i++)
		v[i - 1] = (uint32_t)i;
	qsort_r(v, r->strs.n - 1, sizeof(*v), cmp_id, (void *)r);
	for (i = 0; i + 1 < r->strs.n; i++) {
		if (i > 0 && strcmp(str_of(r, v[i - 1]), str_of(r, v[i])) != 0)
			k++;
		rank[v[i]] = k + 1;	/* 0: NULL, before every string */
	}
	free(v);
	return rank;
}

struct sortctx {
	const struct report	*r;
	const uint32_t		*rank;
};

/* Within one patient and date: family, provider, start, then order. */
static int
cmp_rest(const void *a, const void *b, void *arg)
{
	const struct sortctx *sc = arg;
	const struct cline *x = cline_at(sc->r, *(const uint32_t *)a);
	const struct cline *y = cline_at(sc->r, *(const uint32_t *)b);
	const struct line_ext *ex, *ey;
	uint32_t m = ((uint32_t)1 << EXT_NCODES) - 1;
	int c;

	if (sc->rank[x->family] != sc->rank[y->family])
		return sc->rank[x->family] < sc->rank[y->family] ? -1 : 1;
	if (sc->rank[x->provider] != sc->rank[y->provider])
		return sc->rank[x->provider] < sc->rank[y->provider] ? -1 : 1;
	ex = (x->ext & m) ? &sc->r->ext[(x->ext & m) - 1] : NULL;
	ey = (y->ext & m) ? &sc->r->ext[(y->ext & m) - 1] : NULL;
	if (ex && ey && ex->start && ey->start &&
	    (c = strcmp(ex->start, ey->start)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Stable counting sort of v[0..n) by key[v[i]] in [0, range). */
static void
count_sort(uint32_t *v, uint32_t *tmp, size_t n, const uint32_t *key,
    size_t range)
{
	size_t *at = xcalloc(range + 1, sizeof(*at)), i;

	for (i = 0; i < n; i++)
		at[key[v[i]] + 1]++;
	for (i = 1; i <= range; i++)
		at[i] += at[i - 1];
	for (i = 0; i < n; i++)
		tmp[at[key[v[i]]]++] = v[i];
	memcpy(v, tmp, n * sizeof(*v));
	free(at);
}

static int
cmp_rank(const void *a, const void *b, void *arg)
{
	const uint32_t *rank = arg;
	uint32_t x = rank[*(const uint32_t *)a], y = rank[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

/*
 * The order from each patient's lines as kept (pv_track): the patients
 * by rank, each one's lines as they are.  0 when two patients' ids share
 * a spelling (their lines are to be merged: the sort does that).
 */
static int
pv_order(struct report *r, const uint32_t *rank)
{
	uint32_t *ids, *v;
	size_t i, m = 0, at = 0;

	ids = xcalloc(r->npv ? r->npv : 1, sizeof(*ids));
	for (i = 0; i < r->npv; i++)
		if (r->pv[i].n > 0)
			ids[m++] = (uint32_t)i;
	qsort_r(ids, m, sizeof(*ids), cmp_rank, (void *)rank);
	for (i = 1; i < m; i++)
		if (rank[ids[i - 1]] == rank[ids[i]]) {
			free(ids);
			return 0;
		}
	v = xcalloc(r->nlines, sizeof(*v));
	for (i = 0; i < m && at + r->pv[ids[i]].n <= r->nlines; i++) {
		memcpy(v + at, r->pv[ids[i]].v, r->pv[ids[i]].n * sizeof(*v));
		at += r->pv[ids[i]].n;
	}
	free(ids);
	if (at != r->nlines) {		/* not every line: cannot be */
		free(v);
		return 0;
	}
	pv_stop(r);
	r->perm = v;
	return 1;
}

/*
 * Sort by patient, date, family, provider (then start and order) — or by
 * date first (by_date) — without comparing strings line by line: ranks of
 * the few distinct strings, two stable counting sorts on (patient, date),
 * and a comparison sort only within each patient-day.
 */
void
report_sort(struct report *r)
{
	struct sortctx sc;
	uint32_t *v, *t, *kp, *kd;
	size_t i, j, n, lo;
	int32_t dmin = INT32_MAX, dmax = INT32_MIN;

	commit(r);
	settle(r);
	if ((n = r->nlines) < 2)
		return;
	sc.r = r;
	sc.rank = ranks(r);
	if (!r->pv_off && !r->by_date && pv_order(r, sc.rank)) {
		free((void *)sc.rank);
		return;
	}
	pv_stop(r);
	v = xcalloc(n, sizeof(*v));
	t = xcalloc(n, sizeof(*t));
	kp = xcalloc(n, sizeof(*kp));
	kd = xcalloc(n, sizeof(*kd));
	for (i = 0; i < n; i++) {
		const struct cline *c = cline_at(r, i);

		if (c->date < dmin)
			dmin = c->date;
		if (c->date > dmax)
			dmax = c->date;
	}
	for (i = 0; i < n; i++) {
		const struct cline *c = cline_at(r, i);

		v[i] = (uint32_t)i;
		kp[i] = sc.rank[c->patient];
		kd[i] = (uint32_t)((int64_t)c->date - dmin);
	}
	/* dates over a span far wider than the lines: ranks of them instead */
	if ((uint64_t)((int64_t)dmax - dmin) > 4 * (uint64_t)n + 4096) {
		for (i = 0; i < n; i++)
			t[i] = (uint32_t)i;
		qsort_r(t, n, sizeof(*t), cmp_day, kd);
		for (i = 0, j = 0; i < n; i++) {
			if (i > 0 && kd[t[i]] != kd[t[i - 1]])
				j++;
			v[t[i]] = (uint32_t)j;
		}
		memcpy(kd, v, n * sizeof(*kd));
		for (i = 0; i < n; i++)
			v[i] = (uint32_t)i;
		dmax = (int32_t)j;
		dmin = 0;
	}
	if (r->by_date) {
		count_sort(v, t, n, kp, r->strs.n + 1);
		count_sort(v, t, n, kd, (size_t)((int64_t)dmax - dmin) + 1);
	} else {
		/* lines of a log billed day by day come in date order */
		for (i = 1; i < n && kd[i - 1] <= kd[i]; i++)
			;
		if (i < n)
			count_sort(v, t, n, kd,
			    (size_t)((int64_t)dmax - dmin) + 1);
		count_sort(v, t, n, kp, r->strs.n + 1);
	}
	for (lo = 0; lo < n; lo = i) {
		for (i = lo + 1; i < n && kp[v[i]] == kp[v[lo]] &&
		    kd[v[i]] == kd[v[lo]]; i++)
			;
		if (i - lo > 16)
			qsort_r(v + lo, i - lo, sizeof(*v), cmp_rest, &sc);
		else if (i - lo > 1) {
			/* a patient-day's few lines: inserted (cmp_rest is a
			 * total order, so any sort gives this one) */
			size_t a, b;
			uint32_t x;

			for (a = lo + 1; a < i; a++) {
				x = v[a];
				for (b = a; b > lo && cmp_rest(&v[b - 1], &x, &sc) > 0;
				    b--)
					v[b] = v[b - 1];
				v[b] = x;
			}
		}
	}
	free(kp);
	free(kd);
	free(t);
	free((void *)sc.rank);
	r->perm = v;
}

void
report_free(struct report *r)
{
	size_t i, j;

	commit(r);
	for (i = 0; i < r->next; i++) {
		for (j = 0; j < r->ext[i].nwarnings; j++)
			free(r->ext[i].warnings[j]);
		free(r->ext[i].warnings);
		free(r->ext[i].start);
		free(r->ext[i].end);
		free(r->ext[i].source);
	}
	free(r->ext);
	for (i = 0; i < r->nchunks; i++)
		free(r->chunks[i]);
	free(r->chunks);
	free(r->perm);
	pv_stop(r);
	ptrids_free(&r->strs);
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

static int
cmp_sum(const void *pa, const void *pb)
{
	const struct report_sum *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	return c ? c : strcmp(a->code, b->code);
}

size_t
report_sum_merge(struct report_sum *v, size_t n)
{
	size_t i, w;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_sum);
	for (i = w = 0; i < n; i++) {
		if (w > 0 && cmp_sum(&v[w - 1], &v[i]) == 0)
			v[w - 1].units += v[i].units;
		else
			v[w++] = v[i];
	}
	return w;
}

struct report_sum *
report_sums(const struct report *r, int by, size_t *n)
{
	struct report_line l;
	struct report_sum *v = NULL;
	size_t i, k, m = 0, cap = 0;

	for (i = 0; i < r->nlines; i++) {
		report_get(r, i, &l);
		for (k = 0; k < l.ncodes; k++) {
			if (m == cap) {
				cap = cap ? cap * 2 : 64;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[m].key = by == SUM_BY_PATIENT ? l.patient :
			    by == SUM_BY_PROVIDER ? l.provider : "";
			v[m].code = l.codes[k].code;
			v[m++].units = l.codes[k].units;
		}
	}
	*n = report_sum_merge(v, m);
	return v;
}
