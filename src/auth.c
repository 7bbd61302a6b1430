/*
 * auth: authorizations (SPEC §7).  The file is read like a log: a header
 * row names the columns (practice systems' names accepted), title lines
 * above it and a totals footer are skipped with a note, and every other
 * row is an authorization or rejected with the reason naming its column.
 * A file without a header whose rows are in the order of SPEC §7
 * (id,patient,code,units,from,to[,per][,payer]) is read in that order,
 * with a note.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "csvread.h"
#include "date.h"
#include "diag.h"
#include "strutil.h"

enum { A_ID, A_PATIENT, A_CODE, A_UNITS, A_FROM, A_TO, A_PER, A_PAYER,
	A_COUNT };

static const char *const names[A_COUNT] = {
	"id", "patient", "code", "units", "from", "to", "per", "payer"
};

/*
 * Header names, normalized (lower case, each run of other characters one
 * blank), the most specific first: "client id" wins over "client".
 */
static const char *const aliases[A_COUNT] = {
	"auth id|authorization id|auth number|authorization number|auth no|"
	    "authorization no|prior auth number|prior authorization number|"
	    "auth|authorization|prior auth|id",
	"client id|patient id|member id|mrn|client number|patient number|"
	    "client code|patient|client|client name|patient name|individual",
	"procedure code|cpt code|hcpcs code|service code|billing code|hcpcs|"
	    "cpt|code|procedure|service",
	"authorized units|units authorized|auth units|approved units|"
	    "units approved|total units|units",
	"start date|from date|auth start|auth start date|effective date|"
	    "valid from|begin date|start|from|begin|effective",
	"end date|to date|auth end|auth end date|expiration date|valid to|"
	    "valid through|through|thru|expires|end|to",
	"per|frequency|unit frequency|period|units per",
	"payor name|payer name|payor|payer|insurance company|insurance|"
	    "insurer|funder|funding source",
};

/* The most days one authorization may span (ten years and leap days). */
#define AUTH_MAX_DAYS	3653
/* Title lines looked through for the header before giving up. */
#define AUTH_HEADER_LINES 20
/* Periods used past their units warned about one by one. */
#define AUTH_WARN_SHOWN	20
/* The most units one authorization may hold. */
#define AUTH_MAX_UNITS	1000000

static void
norm(const char *s, size_t n, char *buf, size_t size)
{
	size_t i, at = 0;
	int gap = 0;

	for (i = 0; i < n && at + 2 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c)) {
			if (gap && at > 0)
				buf[at++] = ' ';
			buf[at++] = (char)tolower(c);
			gap = 0;
		} else
			gap = 1;
	}
	buf[at] = '\0';
}

/* The rank of name among column c's aliases (0 best), or -1. */
static int
alias_rank(int c, const char *name)
{
	const char *p = aliases[c], *bar;
	size_t n = strlen(name);
	int rank = 0;

	for (;; rank++) {
		bar = strchr(p, '|');
		if ((bar ? (size_t)(bar - p) : strlen(p)) == n &&
		    strncmp(p, name, n) == 0)
			return rank;
		if (bar == NULL)
			return -1;
		p = bar + 1;
	}
}

/* The columns a header row names: col[c] is its field, or -1. */
static int
header(const struct csvrec *rec, long col[A_COUNT])
{
	int rank[A_COUNT], c, k, found = 0;
	char buf[64];
	size_t i;

	for (c = 0; c < A_COUNT; c++) {
		col[c] = -1;
		rank[c] = 1 << 20;
	}
	for (i = 0; i < rec->nfields; i++) {
		norm(rec->field[i], rec->len[i], buf, sizeof(buf));
		for (c = 0; c < A_COUNT; c++)
			if ((k = alias_rank(c, buf)) >= 0 && k < rank[c]) {
				rank[c] = k;
				col[c] = (long)i;
			}
	}
	for (c = 0; c <= A_TO; c++)
		found += col[c] >= 0;
	return found;
}

static int
blank_field(const char *f, size_t len)
{
	size_t j;

	for (j = 0; j < len; j++)
		if (!isspace((unsigned char)f[j]))
			return 0;
	return 1;
}

static int
blank_row(const struct csvrec *rec)
{
	size_t i;

	for (i = 0; i < rec->nfields; i++)
		if (!blank_field(rec->field[i], rec->len[i]))
			return 0;
	return 1;
}

/* Field c of the row, trimmed, in buf (empty when absent). */
static const char *
field(const struct csvrec *rec, const long col[A_COUNT], int c, char *buf,
    size_t size)
{
	size_t n, i;
	const char *s;

	buf[0] = '\0';
	if (col[c] < 0 || (size_t)col[c] >= rec->nfields)
		return buf;
	s = rec->field[col[c]];
	n = rec->len[col[c]];
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)		/* a NUL byte ends it */
		if ((buf[i] = s[i]) == '\0')
			break;
	buf[i] = '\0';
	return buf;
}

/* A whole number of units: "20", "20.0", "1,200". */
static int
parse_units(const char *s, long *out)
{
	char buf[32];
	size_t at = 0;
	long long v;
	const char *why, *p;

	for (p = s; *p && *p != '.'; p++)
		if (*p != ',' && at + 1 < sizeof(buf))
			buf[at++] = *p;
		else if (*p != ',')
			return -1;
	buf[at] = '\0';
	if (*p == '.')
		for (p++; *p; p++)
			if (*p != '0')
				return -1;
	if (str_toint(buf, 0, AUTH_MAX_UNITS, &v, &why) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

static int
parse_per(const char *s, int *per)
{
	static const struct { const char *word; int per; } words[] = {
		{ "", PER_TOTAL }, { "total", PER_TOTAL }, { "once", PER_TOTAL },
		{ "auth", PER_TOTAL }, { "authorization", PER_TOTAL },
		{ "day", PER_DAY }, { "daily", PER_DAY }, { "per day", PER_DAY },
		{ "week", PER_WEEK }, { "weekly", PER_WEEK },
		{ "per week", PER_WEEK }, { "month", PER_MONTH },
		{ "monthly", PER_MONTH }, { "per month", PER_MONTH },
	};
	char buf[32];
	size_t i;

	norm(s, strlen(s), buf, sizeof(buf));
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(buf, words[i].word) == 0) {
			*per = words[i].per;
			return 0;
		}
	return -1;
}

static void
reject(struct authset *set, struct report *rep, long line, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
reject(struct authset *set, struct report *rep, long line, const char *fmt,
    ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	report_reject(rep, set->file, line, "%s", why);
	warnmsg("%s:%ld: %s", set->file, line, why);
	free(why);
}

/* A value shown in a message: at most 40 characters of it. */
#define SHOWN(s)	(int)(strlen(s) > 40 ? 40 : strlen(s)), (s)

/* One row: an authorization added to set, or rejected into rep. */
static void
row(struct authset *set, const struct csvrec *rec, const long col[A_COUNT],
    size_t width, const struct rules *r, struct report *rep)
{
	char v[A_COUNT][128], *m;
	const struct rules_family *fam;
	struct auth *a;
	long units;
	int from, to, per;
	char *why;
	int dmy = r->date_order == ORDER_DMY, c;

	for (c = 0; c < A_COUNT; c++)
		field(rec, col, c, v[c], sizeof(v[c]));
	if (rec->problem & CSVP_NUL) {
		reject(set, rep, rec->line, "a NUL byte in the row");
		return;
	}
	if (rec->problem & CSVP_UTF8) {
		reject(set, rep, rec->line, "bytes that are not UTF-8 text "
		    "(give --encoding windows-1252 for such an export)");
		return;
	}
	if (rec->problem & (CSVP_UNTERMINATED | CSVP_TOOLONG)) {
		reject(set, rep, rec->line, "%s", rec->problem & CSVP_TOOLONG ?
		    "the row is too long" : "a quoted field is not closed");
		return;
	}
	/* more than the header names: a comma in a value not quoted? */
	for (c = (int)width; (size_t)c < rec->nfields; c++)
		if (!blank_field(rec->field[c], rec->len[c])) {
			reject(set, rep, rec->line, "the row has %zu fields; the "
			    "%s %zu (a comma in a value that is not quoted?)",
			    rec->nfields, width == A_COUNT ? "columns are" :
			    "header has", width);
			return;
		}
	for (c = 0; c <= A_TO; c++)
		if (v[c][0] == '\0') {
			reject(set, rep, rec->line, "%s: missing", names[c]);
			return;
		}
	/* a code as exports write it, modifiers and all: 97153-HN */
	if ((m = strpbrk(v[A_CODE], "- :")) != NULL && m > v[A_CODE])
		*m = '\0';
	for (m = v[A_CODE]; *m; m++)
		*m = (char)toupper((unsigned char)*m);
	if (parse_units(v[A_UNITS], &units) != 0) {
		reject(set, rep, rec->line, "units: '%.*s' is not a whole number "
		    "from 0 to %d", SHOWN(v[A_UNITS]), AUTH_MAX_UNITS);
		return;
	}
	if (date_parse_log(v[A_FROM], dmy, &from) != 0) {
		reject(set, rep, rec->line, "from: '%.*s' is not a date",
		    SHOWN(v[A_FROM]));
		return;
	}
	if (date_parse_log(v[A_TO], dmy, &to) != 0) {
		reject(set, rep, rec->line, "to: '%.*s' is not a date",
		    SHOWN(v[A_TO]));
		return;
	}
	if (to < from) {
		reject(set, rep, rec->line, "to: before from (the dates are "
		    "inclusive)");
		return;
	}
	if (to - from >= AUTH_MAX_DAYS) {
		reject(set, rep, rec->line, "to: more than ten years after from");
		return;
	}
	if (parse_per(v[A_PER], &per) != 0) {
		reject(set, rep, rec->line, "per: '%.*s' is none of total, day, "
		    "week and month", SHOWN(v[A_PER]));
		return;
	}
	/* the code must be one the rules bill on some day of the period */
	if ((why = rules_why_not(r, v[A_CODE], from, &fam)) != NULL &&
	    rules_family_for(r, v[A_CODE], to, &fam) == NULL) {
		reject(set, rep, rec->line, "code: %s", why + strlen("code "));
		free(why);
		return;
	}
	free(why);

	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->v = xreallocarray(set->v, set->cap, sizeof(*set->v));
	}
	a = &set->v[set->n++];
	memset(a, 0, sizeof(*a));
	a->id = xstrdup(v[A_ID]);
	a->patient = xstrdup(v[A_PATIENT]);
	a->code = xstrdup(rules_code_spelling(r, v[A_CODE]));
	a->payer = xstrdup(v[A_PAYER]);
	a->units = units;
	a->from = from;
	a->to = to;
	a->per = per;
	a->line = rec->line;
}

/*
 * Does the row read as data in SPEC §7's order: six fields or more, units
 * a number and a date where from or to goes?  One date is enough, so
 * that a first row with a bad date is a row rejected, not a title.
 */
static int
positional(const struct csvrec *rec, const struct rules *r)
{
	long col[A_COUNT], units;
	char u[32], f[32], t[32];
	int c, d, dmy = r->date_order == ORDER_DMY;

	if (rec->nfields < 6)
		return 0;
	for (c = 0; c < A_COUNT; c++)
		col[c] = c;
	field(rec, col, A_UNITS, u, sizeof(u));
	field(rec, col, A_FROM, f, sizeof(f));
	field(rec, col, A_TO, t, sizeof(t));
	return parse_units(u, &units) == 0 && (date_parse_log(f, dmy, &d) == 0 ||
	    date_parse_log(t, dmy, &d) == 0);
}

int
auth_read(const char *name, FILE *fp, const struct rules *r,
    struct authset *set, struct report *rep, int cp1252)
{
	const struct csvrec *rec;
	struct csvread *cr;
	long col[A_COUNT], titles = 0, totals = 0;
	size_t width = A_COUNT;
	int rc, c, have = 0;

	free(set->file);
	set->file = xstrdup(name);
	cr = csvread_new(fp, 0);
	if (cp1252)
		csvread_set_cp1252(cr);
	while ((rc = csvread_next(cr, &rec)) == 1) {
		if (!have) {
			if (blank_row(rec))
				continue;
			if (header(rec, col) == A_TO + 1) {
				have = 1;
				width = rec->nfields;
				continue;
			}
			if (positional(rec, r)) {
				for (c = 0; c < A_COUNT; c++)
					col[c] = c;
				have = 1;
				report_note(rep, "%s: no header row: columns read "
				    "in the order id,patient,code,units,from,to,"
				    "per,payer", name);
			} else if (++titles > AUTH_HEADER_LINES)
				break;
			else
				continue;
		}
		if (blank_row(rec)) {
			set->skipped++;
			continue;
		}
		set->records++;
		/* a footer: "Total" and no dates (not a per of "total") */
		if (csvrec_says_total(rec) && (col[A_FROM] >= (long)rec->nfields ||
		    rec->len[col[A_FROM]] == 0) &&
		    (col[A_PATIENT] >= (long)rec->nfields ||
		    rec->len[col[A_PATIENT]] == 0 ||
		    strncasecmp(rec->field[col[A_PATIENT]], "total", 5) == 0)) {
			set->records--;
			totals++;
			continue;
		}
		row(set, rec, col, width, r, rep);
	}
	if (rc < 0) {
		warnmsg("%s: %s", name, strerror(errno));
		csvread_free(cr);
		return -1;
	}
	csvread_free(cr);
	if (!have) {
		warnmsg("%s: no header row naming the columns id, patient, code, "
		    "units, from and to", name);
		return -1;
	}
	if (titles > 0)
		report_note(rep, "%s: %ld line%s above the header skipped (a "
		    "report's title)", name, titles, titles == 1 ? "" : "s");
	if (totals > 0)
		report_note(rep, "%s: %ld row%s of totals skipped", name, totals,
		    totals == 1 ? "" : "s");
	return 0;
}

/* 0 Sunday .. 6 Saturday (day 0, 1970-01-01, was a Thursday). */
static int
weekday(int day)
{
	return (int)((((long long)day % 7) + 7 + 4) % 7);
}

static void
add_period(struct auth *a, int start, int end)
{
	/* capacity doubles: powers of two from 8 */
	if (a->nperiods >= 8 && (a->nperiods & (a->nperiods - 1)) == 0)
		a->periods = xreallocarray(a->periods, a->nperiods * 2,
		    sizeof(*a->periods));
	else if (a->nperiods == 0)
		a->periods = xreallocarray(NULL, 8, sizeof(*a->periods));
	a->periods[a->nperiods].start = start;
	a->periods[a->nperiods].end = end;
	a->periods[a->nperiods].billed = a->periods[a->nperiods].scheduled = 0;
	a->nperiods++;
}

static const struct authset *sorting;

static int
by_patient_code(const void *pa, const void *pb)
{
	const struct auth *a = &sorting->v[*(const size_t *)pa];
	const struct auth *b = &sorting->v[*(const size_t *)pb];
	int c;

	if ((c = strcmp(a->patient, b->patient)) != 0)
		return c;
	if ((c = strcasecmp(a->code, b->code)) != 0)
		return c;
	return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

void
auth_periods(struct authset *set, int week_start)
{
	struct auth *a;
	size_t i;
	int d, end, y, m, dd;

	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		switch (a->per) {
		case PER_TOTAL:
			add_period(a, a->from, a->to);
			break;
		case PER_DAY:
			for (d = a->from; d <= a->to; d++)
				add_period(a, d, d);
			break;
		case PER_WEEK:
			for (d = a->from; d <= a->to; d = end + 1) {
				end = d + (week_start + 6 - weekday(d) + 7) % 7;
				add_period(a, d, end < a->to ? end : a->to);
			}
			break;
		case PER_MONTH:
			for (d = a->from; d <= a->to; d = end + 1) {
				date_to_ymd(d, &y, &m, &dd);
				end = (m == 12 ? date_from_ymd(y + 1, 1, 1) :
				    date_from_ymd(y, m + 1, 1)) - 1;
				add_period(a, d, end < a->to ? end : a->to);
			}
			break;
		}
	}
	free(set->index);
	set->index = xcalloc(set->n ? set->n : 1, sizeof(*set->index));
	for (i = 0; i < set->n; i++)
		set->index[i] = i;
	sorting = set;
	if (set->n > 1)
		qsort(set->index, set->n, sizeof(*set->index), by_patient_code);
	sorting = NULL;
}

int
auth_last_day(const struct authset *set)
{
	int last = DATE_OPEN_START;
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i].to > last)
			last = set->v[i].to;
	return last;
}

/* The period of a holding day, by bisection. */
static struct auth_period *
period_of(struct auth *a, int day)
{
	size_t lo = 0, hi = a->nperiods, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a->periods[mid].end < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->nperiods && a->periods[lo].start <= day)
		return &a->periods[lo];
	return NULL;
}

void
auth_count(struct authset *set, const struct report_line *l,
    const char *code, long units, int scheduled)
{
	struct auth_period *p;
	struct auth_outside *o;
	struct auth *a;
	size_t lo = 0, hi = set->n, mid;
	int c, held = 0;

	/* the first authorization of the patient and code */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		a = &set->v[set->index[mid]];
		if ((c = strcmp(a->patient, l->patient)) == 0)
			c = strcasecmp(a->code, code);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < set->n; lo++) {
		a = &set->v[set->index[lo]];
		if (strcmp(a->patient, l->patient) != 0 ||
		    strcasecmp(a->code, code) != 0)
			break;
		if (l->date < a->from || l->date > a->to)
			continue;
		if (*a->payer && l->payer && *l->payer &&
		    strcasecmp(a->payer, l->payer) != 0)
			continue;
		if ((p = period_of(a, l->date)) == NULL)
			continue;
		if (scheduled)
			p->scheduled += units;
		else
			p->billed += units;
		held = 1;
	}
	if (held)
		return;
	if (set->nout == set->capout) {
		set->capout = set->capout ? set->capout * 2 : 16;
		set->out = xreallocarray(set->out, set->capout,
		    sizeof(*set->out));
	}
	o = &set->out[set->nout++];
	o->file = l->file;
	o->line = l->line;
	o->patient = l->patient;
	o->date = l->date;
	o->code = code;
	o->units = units;
	o->scheduled = scheduled;
}

static const char *const per_words[] = { "total", "day", "week", "month" };

void
auth_warn(const struct authset *set)
{
	const struct auth *a;
	const struct auth_period *p;
	char d1[DATE_BUFSZ], d2[DATE_BUFSZ];
	size_t i, j, said = 0, more = 0;
	long used;

	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		for (j = 0; j < a->nperiods; j++) {
			p = &a->periods[j];
			used = p->billed + p->scheduled;
			if (used <= a->units)
				continue;
			if (said++ >= AUTH_WARN_SHOWN) {
				more++;
				continue;
			}
			warnmsg("%s:%ld: authorization %.*s, %s %s %s to %s: %ld "
			    "unit%s billed and scheduled of %ld authorized, %ld "
			    "over", set->file, a->line, SHOWN(a->id), a->code,
			    per_words[a->per], date_format(p->start, d1),
			    date_format(p->end, d2), used, used == 1 ? "" : "s",
			    a->units, used - a->units);
		}
	}
	if (more > 0)
		warnmsg("%s: and %zu more period%s used past the units "
		    "authorized (-f json lists them all)", set->file, more,
		    more == 1 ? "" : "s");
}

const char *
auth_per_name(int per)
{
	return per >= 0 && per <= PER_MONTH ? per_words[per] : "total";
}

void
authset_free(struct authset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free(set->v[i].id);
		free(set->v[i].patient);
		free(set->v[i].code);
		free(set->v[i].payer);
		free(set->v[i].periods);
	}
	free(set->v);
	free(set->index);
	free(set->out);
	free(set->file);
	memset(set, 0, sizeof(*set));
}
