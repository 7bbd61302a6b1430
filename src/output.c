/*
 * output: csv, tsv, json and table writers.  Patient identifiers reach
 * output only here, and only in the lines they belong to.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "output.h"
#include "strutil.h"

int
output_format_parse(const char *s, enum format *out)
{
	static const char *const names[] = { "table", "csv", "tsv", "json",
		"xlsx" };
	size_t i;

	for (i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum format)i;
			return 0;
		}
	return -1;
}

void
output_field(FILE *fp, const char *s, enum format f)
{
	size_t n;

	/* the common case, a field that needs no quotes, at the speed of libc */
	if (f != FMT_TSV && strpbrk(s, ",\"\r\n") == NULL) {
		n = strlen(s);
		if (n == 0 || (s[0] != ' ' && s[n - 1] != ' ' && s[0] != '\t' &&
		    s[n - 1] != '\t')) {
			fwrite(s, 1, n, fp);
			return;
		}
	}
	output_field_n(fp, s, strlen(s), f);
}

/*
 * s[0..n) as a field: in TSV its tabs and line ends as blanks; in CSV
 * quoted, its quotes doubled, when it holds a comma, a quote or a line
 * end, or has blanks at either end (so that a CSV reader keeps them).
 * Into out (room for 2n + 2 bytes); its length.
 */
static size_t
field_escape(const char *s, size_t n, enum format f, char *out)
{
	size_t i, k = 0;
	int quote = 0;

	if (f == FMT_TSV) {
		for (i = 0; i < n; i++)
			out[i] = s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ?
			    ' ' : s[i];
		return n;
	}
	for (i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (n > 0 && (s[0] == ' ' || s[n - 1] == ' ' || s[0] == '\t' ||
	    s[n - 1] == '\t'))
		quote = 1;
	if (!quote) {
		memcpy(out, s, n);
		return n;
	}
	out[k++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			out[k++] = '"';
		out[k++] = s[i];
	}
	out[k++] = '"';
	return k;
}

void
output_field_n(FILE *fp, const char *s, size_t n, enum format f)
{
	char small[512], *b = 2 * n + 2 <= sizeof(small) ? small :
	    xmalloc(2 * n + 2);

	fwrite(b, 1, field_escape(s, n, f, b), fp);
	if (b != small)
		free(b);
}

/* The length of the valid UTF-8 sequence at s, or 0 when there is none. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned c = s[0];
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/*
 * A JSON string of text that may not be UTF-8 (a calendar's properties are
 * not checked as a log's rows are): each byte that is not is shown as
 * \xHH, so that two different identifiers stay two ("P\xe9" and
 * "P\xe8", not "P?" twice), and nothing is dropped with its key.
 */
json_t *
output_json_string(const char *s)
{
	json_t *j = json_string(s);
	const unsigned char *p;
	char *copy, *w;
	size_t n;

	if (j != NULL)
		return j;
	copy = w = xmalloc(strlen(s) * 4 + 1);
	for (p = (const unsigned char *)s; *p; ) {
		if ((n = utf8_len(p)) == 0) {
			w += sprintf(w, "\\x%02x", *p++);
			continue;
		}
		memcpy(w, p, n);
		w += n;
		p += n;
	}
	*w = '\0';
	j = json_string(copy);
	free(copy);
	return j;
}

/*
 * The CSV and TSV lines are many: they are formatted into one buffer,
 * numbers by hand, and written in big blocks.  Their fields are few
 * distinct strings (a patient's on each of its lines): each is escaped
 * once and kept by its address, in a small table of the last seen.
 */
#define OB_SLOTS	1024
#define OB_TEXT		(1 << 20)	/* kept texts at most; then forgotten */
#define OB_LONG		4096		/* longer fields are not kept */

struct ob_slot {
	const char	*s;
	uint32_t	 off, len;
};

struct obuf {
	FILE		*fp;		/* NULL: the text is kept, b grows */
	char		*b;
	size_t		 n, cap;
	struct ob_slot	 slot[OB_SLOTS];
	char		*text;
	size_t		 ntext;
};

static void
ob_flush(struct obuf *o)
{
	if (o->n > 0 && o->fp != NULL) {
		fwrite(o->b, 1, o->n, o->fp);
		o->n = 0;
	}
}

/* Room for n more bytes; 0 when they must go to the file straight. */
static int
ob_room(struct obuf *o, size_t n)
{
	if (o->n + n <= o->cap)
		return 1;
	if (o->fp != NULL) {
		ob_flush(o);
		return n <= o->cap;
	}
	o->cap = o->n + n > 2 * o->cap ? o->n + n : 2 * o->cap;
	o->b = xreallocarray(o->b, o->cap, 1);
	return 1;
}

static void
ob_put(struct obuf *o, const char *s, size_t n)
{
	if (!ob_room(o, n)) {
		fwrite(s, 1, n, o->fp);
		return;
	}
	memcpy(o->b + o->n, s, n);
	o->n += n;
}

static void
ob_char(struct obuf *o, char c)
{
	if (o->n == o->cap)
		(void)ob_room(o, 1);
	o->b[o->n++] = c;
}

static void
ob_long(struct obuf *o, long v)
{
	char t[24], *q = t + sizeof(t);
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	ob_put(o, q, (size_t)(t + sizeof(t) - q));
}

/* A field as output_field writes it. */
static void
ob_field(struct obuf *o, const char *s, enum format f)
{
	struct ob_slot *sl = &o->slot[((uint64_t)(uintptr_t)s *
	    0x9e3779b97f4a7c15ULL) >> 54];
	size_t n;

	if (sl->s == s) {
		ob_put(o, o->text + sl->off, sl->len);
		return;
	}
	if ((n = strlen(s)) > OB_LONG) {
		if (ob_room(o, 2 * n + 2))
			o->n += field_escape(s, n, f, o->b + o->n);
		else
			output_field_n(o->fp, s, n, f);
		return;
	}
	if (o->ntext + 2 * n + 2 > OB_TEXT) {	/* forget them all */
		memset(o->slot, 0, sizeof(o->slot));
		o->ntext = 0;
	}
	sl->s = s;
	sl->off = (uint32_t)o->ntext;
	sl->len = (uint32_t)field_escape(s, n, f, o->text + o->ntext);
	o->ntext += sl->len;
	ob_put(o, o->text + sl->off, sl->len);
}

/* A buffer writing to fp, or keeping its text when fp is NULL. */
static struct obuf *
ob_new(FILE *fp)
{
	struct obuf *o = xcalloc(1, sizeof(*o));

	o->fp = fp;
	o->cap = 65536;
	o->b = xmalloc(o->cap);
	o->text = xmalloc(OB_TEXT);
	return o;
}

static void
ob_free(struct obuf *o)
{
	ob_flush(o);
	free(o->b);
	free(o->text);
	free(o);
}

/* Lines [lo, hi) of the report as CSV or TSV rows, into o. */
static void
sv_lines(const struct report *r, enum format f, size_t lo, size_t hi,
    struct obuf *o)
{
	struct report_line view, *l = &view;
	char sep = f == FMT_TSV ? '\t' : ',', d[DATE_BUFSZ];
	size_t i, j, dn = 0;
	int lastdate = 0, have = 0;

	for (i = lo; i < hi; i++) {
		report_get(r, i, l);
		if (!have || l->date != lastdate) {
			dn = strlen(date_format(l->date, d));
			lastdate = l->date;
			have = 1;
		}
		for (j = 0; j < l->ncodes; j++) {
			ob_field(o, l->patient, f);
			ob_char(o, sep);
			ob_put(o, d, dn);
			ob_char(o, sep);
			ob_field(o, l->family, f);
			ob_char(o, sep);
			ob_long(o, l->minutes);
			ob_char(o, sep);
			ob_field(o, l->codes[j].code, f);
			ob_char(o, sep);
			ob_long(o, l->codes[j].units);
			ob_char(o, sep);
			ob_field(o, l->provider, f);
			ob_char(o, sep);
			ob_field(o, l->payer, f);
			ob_char(o, sep);
			ob_field(o, l->modifiers, f);
			if (r->by_session) {
				ob_char(o, sep);
				ob_field(o, l->start ? l->start : "", f);
				ob_char(o, sep);
				ob_field(o, l->end ? l->end : "", f);
				ob_char(o, sep);
				ob_field(o, l->source ? l->source : "", f);
			}
			ob_char(o, '\n');
		}
	}
}

/*
 * Many lines are formatted in two threads: the lines go in parts of
 * SV_PART, a helper formats every odd part into one of SV_AHEAD buffers
 * while the caller formats the even ones and writes every part in order.
 */
#define SV_PART		4096
#define SV_AHEAD	2

struct sv_helper {
	const struct report	*r;
	enum format		 f;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct obuf		*buf[SV_AHEAD];
	size_t			 done;		/* odd parts formatted */
	size_t			 taken;		/* ... and written */
	size_t			 nparts;
};

static void *
sv_helper_main(void *arg)
{
	struct sv_helper *h = arg;
	struct obuf *o;
	size_t k, part, lo, hi;

	for (k = 0; (part = 2 * k + 1) < h->nparts; k++) {
		pthread_mutex_lock(&h->mu);
		while (k - h->taken >= SV_AHEAD)
			pthread_cond_wait(&h->cv, &h->mu);
		pthread_mutex_unlock(&h->mu);
		o = h->buf[k % SV_AHEAD];
		o->n = 0;
		lo = part * SV_PART;
		hi = lo + SV_PART < h->r->nlines ? lo + SV_PART : h->r->nlines;
		sv_lines(h->r, h->f, lo, hi, o);
		pthread_mutex_lock(&h->mu);
		h->done = k + 1;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
	return NULL;
}

static void
write_sv(const struct report *r, enum format f, FILE *fp)
{
	char sep = f == FMT_TSV ? '\t' : ',';
	struct obuf *o = ob_new(fp);
	struct sv_helper h;
	pthread_t th;
	size_t k, part, lo, hi;

	fprintf(fp, "patient%cdate%cfamily%cminutes%ccode%cunits%cprovider%cpayer"
	    "%cmodifiers", sep, sep, sep, sep, sep, sep, sep, sep);
	if (r->by_session)
		fprintf(fp, "%cstart%cend%csource", sep, sep, sep);
	fputc('\n', fp);
	memset(&h, 0, sizeof(h));
	h.r = r;
	h.f = f;
	h.nparts = (r->nlines + SV_PART - 1) / SV_PART;
	if (h.nparts < 4) {
		sv_lines(r, f, 0, r->nlines, o);
		ob_free(o);
		return;
	}
	for (k = 0; k < SV_AHEAD; k++)
		h.buf[k] = ob_new(NULL);
	pthread_mutex_init(&h.mu, NULL);
	pthread_cond_init(&h.cv, NULL);
	if (pthread_create(&th, NULL, sv_helper_main, &h) != 0)
		h.nparts = 0;		/* no thread: every part here */
	for (part = 0; part * SV_PART < r->nlines; part++) {
		lo = part * SV_PART;
		hi = lo + SV_PART < r->nlines ? lo + SV_PART : r->nlines;
		if (part % 2 == 0 || h.nparts == 0) {
			sv_lines(r, f, lo, hi, o);
			continue;
		}
		k = part / 2;
		pthread_mutex_lock(&h.mu);
		while (h.done <= k)
			pthread_cond_wait(&h.cv, &h.mu);
		pthread_mutex_unlock(&h.mu);
		ob_put(o, h.buf[k % SV_AHEAD]->b, h.buf[k % SV_AHEAD]->n);
		pthread_mutex_lock(&h.mu);
		h.taken = k + 1;
		pthread_cond_broadcast(&h.cv);
		pthread_mutex_unlock(&h.mu);
	}
	if (h.nparts != 0)
		pthread_join(th, NULL);
	pthread_mutex_destroy(&h.mu);
	pthread_cond_destroy(&h.cv);
	for (k = 0; k < SV_AHEAD; k++)
		ob_free(h.buf[k]);
	ob_free(o);
}

static void
write_json(const struct report *r, FILE *fp)
{
	struct report_line view, *l = &view;
	json_t *root, *lines, *line, *codes, *warn, *sum, *units, *rejects, *j;
	struct report_sum *t;
	char d[DATE_BUFSZ];
	size_t i, k, nt;

	root = json_object();
	lines = json_array();
	for (i = 0; i < r->nlines; i++) {
		report_get(r, i, l);
		line = json_object();
		json_object_set_new(line, "patient", *l->patient ?
		    output_json_string(l->patient) : json_null());
		json_object_set_new(line, "date",
		    output_json_string(date_format(l->date, d)));
		json_object_set_new(line, "family", output_json_string(l->family));
		json_object_set_new(line, "provider", *l->provider ?
		    output_json_string(l->provider) : json_null());
		json_object_set_new(line, "payer", *l->payer ?
		    output_json_string(l->payer) : json_null());
		json_object_set_new(line, "modifiers", *l->modifiers ?
		    output_json_string(l->modifiers) : json_null());
		json_object_set_new(line, "minutes", json_integer(l->minutes));
		codes = json_array();
		for (k = 0; k < l->ncodes; k++) {
			j = json_object();
			json_object_set_new(j, "code",
			    output_json_string(l->codes[k].code));
			json_object_set_new(j, "units",
			    json_integer(l->codes[k].units));
			json_array_append_new(codes, j);
		}
		json_object_set_new(line, "codes", codes);
		json_object_set_new(line, "next_unit_minutes", l->next >= 0 ?
		    json_integer(l->next) : json_null());
		if (r->by_session) {
			json_object_set_new(line, "start",
			    output_json_string(l->start ? l->start : ""));
			json_object_set_new(line, "end",
			    output_json_string(l->end ? l->end : ""));
			json_object_set_new(line, "source",
			    output_json_string(l->source ? l->source : ""));
		}
		warn = json_array();
		for (k = 0; k < l->nwarnings; k++)
			json_array_append_new(warn, output_json_string(l->warnings[k]));
		json_object_set_new(line, "warnings", warn);
		json_array_append_new(lines, line);
	}
	json_object_set_new(root, "lines", lines);

	sum = json_object();
	json_object_set_new(sum, "records", json_integer(r->records));
	json_object_set_new(sum, "accepted", json_integer(r->accepted));
	json_object_set_new(sum, "rejected", json_integer((json_int_t)r->nrejects));
	json_object_set_new(sum, "not_billable", json_integer(r->unbilled));
	json_object_set_new(sum, "minutes", json_integer(r->minutes));
	json_object_set_new(sum, "outside_window", json_integer(r->outside));
	if (r->has_events) {
		/* every event read, and what became of it */
		j = json_object();
		json_object_set_new(j, "read", json_integer(r->events[0]));
		json_object_set_new(j, "billed", json_integer(r->events[1]));
		json_object_set_new(j, "refused", json_integer(r->events[2]));
		json_object_set_new(j, "not_billable", json_integer(r->events[3]));
		json_object_set_new(j, "outside_window",
		    json_integer(r->events[4]));
		json_object_set_new(sum, "events", j);
	}
	units = json_object();
	t = report_sums(r, SUM_BY_CODE, &nt);
	for (k = 0; k < nt; k++)
		json_object_set_new(units, t[k].code, json_integer(t[k].units));
	free(t);
	json_object_set_new(sum, "units", units);
	json_object_set_new(root, "summary", sum);

	rejects = json_array();
	for (i = 0; i < r->nrejects; i++) {
		j = json_object();
		json_object_set_new(j, "file", output_json_string(r->rejects[i].file));
		json_object_set_new(j, "line", r->rejects[i].line > 0 ?
		    json_integer(r->rejects[i].line) : json_null());
		json_object_set_new(j, "reason", output_json_string(r->rejects[i].reason));
		json_array_append_new(rejects, j);
	}
	json_object_set_new(root, "rejects", rejects);
	warn = json_array();
	for (i = 0; i < r->nnotes; i++)
		json_array_append_new(warn, output_json_string(r->notes[i]));
	json_object_set_new(root, "notes", warn);
	if (r->ndisc > 0) {
		json_t *disc = json_array();

		for (i = 0; i < r->ndisc; i++) {
			j = json_object();
			json_object_set_new(j, "file",
			    output_json_string(r->disc[i].file));
			json_object_set_new(j, "line", json_integer(r->disc[i].line));
			json_object_set_new(j, "rows", json_integer(r->disc[i].rows));
			json_object_set_new(j, "patient", *r->disc[i].patient ?
			    output_json_string(r->disc[i].patient) : json_null());
			json_object_set_new(j, "date", output_json_string(
			    date_format(r->disc[i].date, d)));
			json_object_set_new(j, "code",
			    output_json_string(r->disc[i].code));
			json_object_set_new(j, "export_units",
			    json_integer(r->disc[i].export_units));
			json_object_set_new(j, "rules_units",
			    json_integer(r->disc[i].rules_units));
			json_array_append_new(disc, j);
		}
		json_object_set_new(root, "discrepancies", disc);
	}

	json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	fputc('\n', fp);
	json_decref(root);
}

static char *
billed(const struct report_line *l)
{
	char *s = xstrdup(""), *t;
	size_t k;

	if (l->ncodes == 0) {
		free(s);
		return xstrdup("nothing");
	}
	for (k = 0; k < l->ncodes; k++) {
		t = xasprintf("%s%s%s x%d", s, k ? ", " : "", l->codes[k].code,
		    l->codes[k].units);
		free(s);
		s = t;
	}
	return s;
}

static int
width(const char *s, int w)
{
	int n = (int)strlen(s);

	return n > w ? n : w;
}

/* The first day of the week of day d (0 Sunday, 1 Monday first). */
static int
week_of(int d, int week_start)
{
	int wd = (int)((((long long)d % 7) + 7 + 4) % 7);	/* 0 Sunday */

	return d - (wd - week_start + 7) % 7;
}

/*
 * A week's totals per patient and code, for a scheduler's week view:
 * "week total: P1 97153 x8, P2 97153 x3".
 */
static void
week_totals(FILE *fp, struct report_sum *t, size_t n, int patients)
{
	size_t i, w = report_sum_merge(t, n);

	fputs("week total:", fp);
	if (w == 0)
		fputs(" nothing billed", fp);
	/* a patient's codes together: "P1 97153 x16, 97155 x3; P2 ..." */
	for (i = 0; i < w; i++) {
		if (i == 0 || strcmp(t[i].key, t[i - 1].key) != 0)
			fprintf(fp, "%s %s%s", i ? ";" : "", patients ?
			    t[i].key : "", patients && *t[i].key ? " " :
			    "");
		else
			fputs(", ", fp);
		fprintf(fp, "%s x%ld", t[i].code, t[i].units);
	}
	fputc('\n', fp);
}

static void
write_table(const struct report *r, FILE *fp)
{
	struct report_line view, *l = &view;
	int wp = 7, wf = 6, wb = 6, wv = 8, wy = 5, wm = 9, patients = 0;
	int provs = 0, payers = 0, mods = 0, prev = 0, week = 0;
	char d[DATE_BUFSZ], *b, next[32];
	struct report_sum *t;
	struct report_sum *wt = NULL;
	size_t i, k, nt, nwt = 0, capwt = 0;

	/* provider, payer and modifiers columns where a line has one */
	for (i = 0; i < r->nlines; i++) {
		report_get(r, i, l);
		if (*l->patient)
			patients = 1;
		provs |= *l->provider != '\0';
		payers |= *l->payer != '\0';
		mods |= *l->modifiers != '\0';
		wv = width(l->provider, wv);
		wy = width(l->payer, wy);
		wm = width(l->modifiers, wm);
		wp = width(l->patient, wp);
		wf = width(l->family, wf);
		b = billed(l);
		wb = width(b, wb);
		free(b);
	}
	if (r->nlines > 0) {
		if (patients)
			fprintf(fp, "%-*s  ", wp, "PATIENT");
		fprintf(fp, "%-10s  %-*s  ", "DATE", wf, "FAMILY");
		if (provs)
			fprintf(fp, "%-*s  ", wv, "PROVIDER");
		if (payers)
			fprintf(fp, "%-*s  ", wy, "PAYER");
		if (mods)
			fprintf(fp, "%-*s  ", wm, "MODIFIERS");
		fprintf(fp, "%7s  %-*s  %s\n", "MINUTES", wb, "BILLED",
		    "NEXT UNIT");
	}
	for (i = 0; i < r->nlines; i++) {
		report_get(r, i, l);
		/*
		 * days first, by week: each week headed and totalled per
		 * patient and code, a blank line between days
		 */
		if (r->by_date && (i == 0 ||
		    week_of(l->date, r->week_start) != week)) {
			if (i > 0) {
				week_totals(fp, wt, nwt, patients);
				nwt = 0;
			}
			week = week_of(l->date, r->week_start);
			fprintf(fp, "%sweek %s", i > 0 ? "\n" : "",
			    date_format(week, d));
			fprintf(fp, " to %s\n", date_format(week + 6, d));
		} else if (r->by_date && i > 0 && l->date != prev)
			fputc('\n', fp);
		prev = l->date;
		for (k = 0; r->by_date && k < l->ncodes; k++) {
			if (nwt == capwt) {
				capwt = capwt ? capwt * 2 : 16;
				wt = xreallocarray(wt, capwt, sizeof(*wt));
			}
			wt[nwt].key = l->patient;
			wt[nwt].code = l->codes[k].code;
			wt[nwt++].units = l->codes[k].units;
		}
		b = billed(l);
		if (l->next >= 0)
			snprintf(next, sizeof(next), "in %d more min", l->next);
		else
			snprintf(next, sizeof(next), "-");
		if (patients)
			fprintf(fp, "%-*s  ", wp, l->patient);
		fprintf(fp, "%-10s  %-*s  ", date_format(l->date, d), wf,
		    l->family);
		if (provs)
			fprintf(fp, "%-*s  ", wv, l->provider);
		if (payers)
			fprintf(fp, "%-*s  ", wy, l->payer);
		if (mods)
			fprintf(fp, "%-*s  ", wm, l->modifiers);
		fprintf(fp, "%7ld  %-*s  %s\n", l->minutes, wb, b, next);
		free(b);
		for (k = 0; k < l->nwarnings; k++)
			fprintf(fp, "%*s  ! %s\n", patients ? wp + 12 : 10, "",
			    l->warnings[k]);
	}
	if (r->by_date && r->nlines > 0)
		week_totals(fp, wt, nwt, patients);
	free(wt);
	t = report_sums(r, SUM_BY_CODE, &nt);
	fprintf(fp, "%s%ld record%s: %ld accepted, %zu rejected", r->nlines ?
	    "\n" : "", r->records, r->records == 1 ? "" : "s", r->accepted,
	    r->nrejects);
	if (r->unbilled)
		fprintf(fp, ", %ld not billable", r->unbilled);
	fprintf(fp, "; %ld minutes", r->minutes);
	for (k = 0; k < nt; k++) {
		fprintf(fp, "%s%s x%ld", k ? ", " : "; billed ", t[k].code,
		    t[k].units);
	}
	if (nt == 0)
		fputs("; nothing billed", fp);
	if (r->outside)
		fprintf(fp, "; %ld outside --from/--to", r->outside);
	fputc('\n', fp);
	for (k = 0; k < r->nnotes; k++)
		fprintf(fp, "note: %s\n", r->notes[k]);
	free(t);
}

void
output_report(const struct report *r, enum format f, FILE *fp)
{
	switch (f) {
	case FMT_CSV:
	case FMT_TSV:
		write_sv(r, f, fp);
		break;
	case FMT_JSON:
		write_json(r, fp);
		break;
	case FMT_TABLE:
		write_table(r, fp);
		break;
	case FMT_XLSX:		/* a workbook: xlsx.c */
		break;
	}
}

static void
steps_json(const struct output_steps *s, FILE *fp)
{
	json_t *root = json_object(), *steps = json_array(), *j;
	char d[DATE_BUFSZ];
	size_t i;

	json_object_set_new(root, "family", output_json_string(s->family));
	json_object_set_new(root, "name", output_json_string(s->name));
	json_object_set_new(root, "kind", output_json_string(s->kind));
	json_object_set_new(root, "description", s->description ?
	    output_json_string(s->description) : json_null());
	json_object_set_new(root, "definition", output_json_string(s->shape));
	json_object_set_new(root, "rounding", s->rounding ?
	    output_json_string(s->rounding) : json_null());
	json_object_set_new(root, "effective_from", s->from == INT_MIN ?
	    json_null() : output_json_string(date_format(s->from, d)));
	json_object_set_new(root, "effective_to", s->to == INT_MAX ?
	    json_null() : output_json_string(date_format(s->to, d)));
	for (i = 0; i < s->nsteps; i++) {
		j = json_object();
		json_object_set_new(j, "code", output_json_string(s->steps[i].code));
		json_object_set_new(j, "units", json_integer(s->steps[i].units));
		json_object_set_new(j, "minutes", json_integer(s->steps[i].minutes));
		json_array_append_new(steps, j);
	}
	json_object_set_new(root, "steps", steps);
	json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	fputc('\n', fp);
	json_decref(root);
}

void
output_steps(const struct output_steps *s, enum format f, FILE *fp)
{
	char sep = f == FMT_TSV ? '\t' : ',', d1[DATE_BUFSZ], d2[DATE_BUFSZ];
	size_t i;

	switch (f) {
	case FMT_CSV:
	case FMT_TSV:
		fprintf(fp, "family%ccode%cunits%cminutes\n", sep, sep, sep);
		for (i = 0; i < s->nsteps; i++)
			fprintf(fp, "%s%c%s%c%d%c%ld\n", s->family, sep,
			    s->steps[i].code, sep, s->steps[i].units, sep,
			    s->steps[i].minutes);
		break;
	case FMT_JSON:
		steps_json(s, fp);
		break;
	case FMT_XLSX:		/* refused on the command line */
		break;
	case FMT_TABLE:
		fprintf(fp, "%s%s%s\n", s->family, s->description ? "  " : "",
		    s->description ? s->description : "");
		fprintf(fp, "  family %s, kind %s: %s\n", s->name, s->kind,
		    s->shape);
		if (s->from == INT_MIN && s->to == INT_MAX)
			fputs("  in force on every date\n", fp);
		else if (s->to == INT_MAX)
			fprintf(fp, "  in force from %s\n", date_format(s->from, d1));
		else
			fprintf(fp, "  in force from %s to %s\n",
			    s->from == INT_MIN ? "the start" :
			    date_format(s->from, d1), date_format(s->to, d2));
		if (s->rounding)
			fprintf(fp, "  rounding: %s\n", s->rounding);
		if (s->checks)
			fprintf(fp, "  checks: %s\n", s->checks);
		fprintf(fp, "\n  %7s  %-8s %s\n", "MINUTES", "CODE", "UNITS");
		for (i = 0; i < s->nsteps; i++)
			fprintf(fp, "  %7ld  %-8s %d\n", s->steps[i].minutes,
			    s->steps[i].code, s->steps[i].units);
		break;
	}
}

/* ---- auth ---------------------------------------------------------------- */

#define AUTH_BAR	20

static void
auth_sv(const struct authset *set, enum format f, FILE *fp)
{
	static const char *const cols[] = { "auth", "patient", "code",
		"period_start", "period_end", "authorized", "billed", "scheduled",
		"remaining" };
	char sep = f == FMT_TSV ? '\t' : ',', d[DATE_BUFSZ];
	const struct auth *a;
	const struct auth_period *p;
	size_t i, j;

	for (i = 0; i < 9; i++)
		fprintf(fp, "%s%c", cols[i], i < 8 ? sep : '\n');
	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		for (j = 0; j < a->nperiods; j++) {
			p = &a->periods[j];
			output_field(fp, a->id, f);
			fputc(sep, fp);
			output_field(fp, a->patient, f);
			fputc(sep, fp);
			output_field(fp, a->code, f);
			fprintf(fp, "%c%s", sep, date_format(p->start, d));
			fprintf(fp, "%c%s", sep, date_format(p->end, d));
			fprintf(fp, "%c%ld%c%ld%c%ld%c%ld\n", sep, a->units, sep,
			    p->billed, sep, p->scheduled, sep,
			    a->units - p->billed - p->scheduled);
		}
	}
}

static json_t *
auth_rejects_json(const struct report *const reps[3], json_t **notes)
{
	json_t *rj = json_array(), *j;
	size_t i, k;

	*notes = json_array();
	for (k = 0; k < 3; k++) {
		for (i = 0; i < reps[k]->nrejects; i++) {
			j = json_object();
			json_object_set_new(j, "file",
			    output_json_string(reps[k]->rejects[i].file));
			json_object_set_new(j, "line", reps[k]->rejects[i].line > 0 ?
			    json_integer(reps[k]->rejects[i].line) : json_null());
			json_object_set_new(j, "reason",
			    output_json_string(reps[k]->rejects[i].reason));
			json_array_append_new(rj, j);
		}
		for (i = 0; i < reps[k]->nnotes; i++)
			json_array_append_new(*notes,
			    output_json_string(reps[k]->notes[i]));
	}
	return rj;
}

static void
auth_json(const struct authset *set, const struct report *const reps[3],
    FILE *fp)
{
	json_t *root = json_object(), *as = json_array(), *ps, *o, *po, *outs;
	json_t *notes, *sum;
	const struct auth *a;
	const struct auth_period *p;
	char d[DATE_BUFSZ];
	long billed = 0, scheduled = 0, periods = 0;
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		o = json_object();
		json_object_set_new(o, "auth", output_json_string(a->id));
		json_object_set_new(o, "patient", output_json_string(a->patient));
		json_object_set_new(o, "code", output_json_string(a->code));
		json_object_set_new(o, "payer", output_json_string(a->payer));
		json_object_set_new(o, "per", json_string(auth_per_name(a->per)));
		json_object_set_new(o, "units", json_integer(a->units));
		json_object_set_new(o, "from", json_string(date_format(a->from, d)));
		json_object_set_new(o, "to", json_string(date_format(a->to, d)));
		json_object_set_new(o, "line", json_integer(a->line));
		ps = json_array();
		for (j = 0; j < a->nperiods; j++) {
			p = &a->periods[j];
			po = json_object();
			json_object_set_new(po, "period_start",
			    json_string(date_format(p->start, d)));
			json_object_set_new(po, "period_end",
			    json_string(date_format(p->end, d)));
			json_object_set_new(po, "authorized", json_integer(a->units));
			json_object_set_new(po, "billed", json_integer(p->billed));
			json_object_set_new(po, "scheduled",
			    json_integer(p->scheduled));
			json_object_set_new(po, "remaining", json_integer(a->units -
			    p->billed - p->scheduled));
			json_object_set_new(po, "over", json_boolean(p->billed +
			    p->scheduled > a->units));
			json_array_append_new(ps, po);
			billed += p->billed;
			scheduled += p->scheduled;
			periods++;
		}
		json_object_set_new(o, "periods", ps);
		json_array_append_new(as, o);
	}
	json_object_set_new(root, "authorizations", as);
	json_object_set_new(root, "since", json_string(date_format(set->since,
	    d)));
	outs = json_array();
	for (i = 0; i < set->nout; i++) {
		o = json_object();
		json_object_set_new(o, "file", output_json_string(set->out[i].file));
		json_object_set_new(o, "line", json_integer(set->out[i].line));
		json_object_set_new(o, "patient",
		    output_json_string(set->out[i].patient));
		json_object_set_new(o, "date",
		    json_string(date_format(set->out[i].date, d)));
		json_object_set_new(o, "code", output_json_string(set->out[i].code));
		json_object_set_new(o, "units", json_integer(set->out[i].units));
		json_object_set_new(o, "scheduled",
		    json_boolean(set->out[i].scheduled));
		json_array_append_new(outs, o);
	}
	json_object_set_new(root, "outside", outs);
	json_object_set_new(root, "rejects", auth_rejects_json(reps, &notes));
	json_object_set_new(root, "notes", notes);
	sum = json_object();
	json_object_set_new(sum, "authorizations", json_integer((json_int_t)set->n));
	json_object_set_new(sum, "rejected",
	    json_integer((json_int_t)reps[0]->nrejects));
	json_object_set_new(sum, "periods", json_integer(periods));
	json_object_set_new(sum, "billed", json_integer(billed));
	json_object_set_new(sum, "scheduled", json_integer(scheduled));
	json_object_set_new(sum, "log_records", json_integer(reps[1]->records));
	json_object_set_new(sum, "log_rejected",
	    json_integer((json_int_t)reps[1]->nrejects));
	json_object_set_new(sum, "calendar_rejected",
	    json_integer((json_int_t)reps[2]->nrejects));
	json_object_set_new(root, "summary", sum);
	json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	fputc('\n', fp);
	json_decref(root);
}

/* [###++.....]: billed #, scheduled +, what is left . */
static void
auth_bar(FILE *fp, long authorized, long billed, long scheduled)
{
	long used = billed + scheduled, nb, nu, i;

	if (authorized <= 0) {
		nb = billed > 0 ? AUTH_BAR : 0;
		nu = used > 0 ? AUTH_BAR : 0;
	} else {
		nb = (billed * AUTH_BAR + authorized / 2) / authorized;
		nu = (used * AUTH_BAR + authorized / 2) / authorized;
	}
	if (nb > AUTH_BAR)
		nb = AUTH_BAR;
	if (nu > AUTH_BAR)
		nu = AUTH_BAR;
	fputc('[', fp);
	for (i = 0; i < AUTH_BAR; i++)
		fputc(i < nb ? '#' : i < nu ? '+' : '.', fp);
	fputc(']', fp);
	if (used > authorized)
		fprintf(fp, " %ld over", used - authorized);
}

static void
auth_table(const struct authset *set, const struct report *const reps[3],
    FILE *fp)
{
	const struct auth *a;
	const struct auth_period *p;
	char d1[DATE_BUFSZ], d2[DATE_BUFSZ];
	int wa = 4, wp = 7, wc = 4;
	long billed = 0, scheduled = 0, periods = 0, over = 0;
	size_t i, j, k;

	for (i = 0; i < set->n; i++) {
		wa = width(set->v[i].id, wa);
		wp = width(set->v[i].patient, wp);
		wc = width(set->v[i].code, wc);
	}
	if (set->n > 0)
		fprintf(fp, "%-*s  %-*s  %-*s  %-5s  %-22s  %10s  %6s  %9s  %9s  "
		    "%s\n", wa, "AUTH", wp, "PATIENT", wc, "CODE", "PER",
		    "PERIOD", "AUTHORIZED", "BILLED", "SCHEDULED", "REMAINING",
		    "USE");
	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		for (j = 0; j < a->nperiods; j++) {
			p = &a->periods[j];
			fprintf(fp, "%-*s  %-*s  %-*s  %-5s  %s..%s  %10ld  %6ld  "
			    "%9ld  %9ld  ", wa, a->id, wp, a->patient, wc, a->code,
			    auth_per_name(a->per), date_format(p->start, d1),
			    date_format(p->end, d2), a->units, p->billed,
			    p->scheduled, a->units - p->billed - p->scheduled);
			auth_bar(fp, a->units, p->billed, p->scheduled);
			fputc('\n', fp);
			billed += p->billed;
			scheduled += p->scheduled;
			periods++;
			over += p->billed + p->scheduled > a->units;
		}
	}
	fprintf(fp, "%s%zu authorization%s, %ld period%s (%ld over); billed %ld "
	    "units, scheduled %ld from %s", set->n ? "\n" : "", set->n,
	    set->n == 1 ? "" : "s", periods, periods == 1 ? "" : "s", over,
	    billed, scheduled, date_format(set->since, d1));
	if (set->nout > 0)
		fprintf(fp, "; %zu line%s outside every authorization", set->nout,
		    set->nout == 1 ? "" : "s");
	k = reps[0]->nrejects + reps[1]->nrejects + reps[2]->nrejects;
	if (k > 0)
		fprintf(fp, "; %zu rejected", k);
	fputc('\n', fp);
	for (k = 0; k < 3; k++)
		for (i = 0; i < reps[k]->nnotes; i++)
			fprintf(fp, "note: %s\n", reps[k]->notes[i]);
}

void
output_auth(const struct authset *set, const struct report *const reps[3],
    enum format f, FILE *fp)
{
	switch (f) {
	case FMT_CSV:
	case FMT_TSV:
		auth_sv(set, f, fp);
		break;
	case FMT_JSON:
		auth_json(set, reps, fp);
		break;
	case FMT_TABLE:
		auth_table(set, reps, fp);
		break;
	case FMT_XLSX:		/* a workbook: xlsx.c */
		break;
	}
}
