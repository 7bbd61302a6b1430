/*
 * logread: one encounter log.  The header names the columns (any order,
 * any case, the built-in aliases of common practice-system exports and
 * those of [columns]); each row becomes a session or a rejected record
 * whose reason names the column and never quotes the patient.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvread.h"
#include "date.h"
#include "diag.h"
#include "logread.h"
#include "output.h"
#include "strutil.h"

/*
 * Header names practice systems export (CentralReach, SimplePractice,
 * TherapyNotes, AlohaABA, Rethink, Excel reports), normalized (see
 * norm(): camel case is split, so DateOfService is "date of service"),
 * the most specific first: when two headers claim one column, the one
 * named earlier here wins ("client id" over "client"), with a note.
 */
static const char *const aliases[COL_COUNT] = {
	"client id|patient id|member id|mrn|client number|patient number|"
	    "client code|patient|client|client name|patient name|individual",
	"date of service|dos|service date|session date|appointment date|"
	    "appt date|visit date|date",
	"start time|time from|time worked from|appt start|appointment start|"
	    "session start|time in|begin time|start|begin|from",
	"end time|time to|time worked to|appt end|appointment end|session end|"
	    "time out|stop time|end|stop|to",
	"minutes|duration minutes|duration (minutes)|duration (mins)|"
	    "duration (min)|total minutes|total time|mins|duration|length|"
	    "time worked",
	"procedure code|cpt code|hcpcs code|service code|billing code|hcpcs|"
	    "cpt|code|procedure|service",
	"technicians|techs|technician count|number of technicians|tech count|"
	    "staff count",
	"participants|group size|number of participants|participant count|"
	    "attendees",
	"payor name|payer name|payor|payer|insurance company|insurance|insurer|"
	    "funder|funding source",
	"rendering provider|rendering provider id|provider id|provider|"
	    "clinician|therapist|staff|staff name|employee",
	"encounter id|appointment id|appt id|visit id|session id|service id|"
	    "claim line id|encounter",
	"appointment status|appt status|session status|visit status|"
	    "attendance status|attendance|status",
	"modifiers|modifier|modifier 1|mod|mods",
	"units of service|units billed|billed units|unit count|units|qty|"
	    "quantity",
};

/*
 * A row kept for --rejects, as read: one block of (column of the union
 * of the logs' headers, length, bytes) records, NUL bytes and all, so a
 * row costs about its own size and nothing of it is lost.
 */
struct reject_row {
	char	*reason;
	char	*file;
	long	 line;
	char	*data;
	size_t	 len;
};

/* What an add-on session keeps until the pools are billed. */
struct addon_tag {
	char	*file;
	long	 line;
	char	*data;		/* the row, for --rejects; NULL without */
	size_t	 len;
};

/*
 * A row or an encounter id already read: its hash (the kind in the low
 * bit: 0 a row, 1 an encounter), and where.  A 64-bit hash of a row's
 * bytes: two different rows share one with odds of about n^2 / 2^65
 * (1e-8 for a million rows), the price of not keeping every row.
 */
struct seen {
	uint64_t	h;
	uint32_t	file;
	uint32_t	line;
	int32_t		day;		/* of a row: its date; SEEN_KEEP: kept */
};

#define SEEN_KEEP	INT32_MAX

/* Lines above a header that may be skipped as a report's title. */
#define MAX_TITLE_LINES	20

/* The families of the codes seen lately: most rows repeat a few codes. */
#define FAMCACHE	8

struct file {
	const char		*name;
	size_t			 index;		/* in run->files */
	const struct logopts	*o;
	struct logrun		*run;
	char			*scratch;	/* this row's trimmed fields */
	size_t			 scratchcap;
	struct memo		*memo;		/* dates and times parsed */
	struct csvread		*r;
	struct {
		char				 code[16];
		const struct rules_family	*fam;
	}			 famcache[FAMCACHE];
	unsigned		 famnext;
	int			 col[COL_COUNT];	/* field index, or -1 */
	char			**header;
	size_t			 nheader;
	size_t			*map;		/* our column -> the union's */
	char			**skip;		/* skip_status, normalized */
};

/*
 * Lower case, '_' '-' '.' as blanks, blanks collapsed and trimmed, and a
 * blank where camel case starts a word (DateOfService, PayorName,
 * ClientID: "date of service", "payor name", "client id").
 */
static char *
norm(const char *s, size_t n)
{
	char *o = xmalloc(2 * n + 1), *p = o;
	size_t i;
	int blank = 0;
	unsigned char c, prev = 0;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '_' || c == '-' || c == '.' || c == ' ' || c == '\t') {
			blank = p != o;
			prev = c;
			continue;
		}
		if (isupper(c) && (islower(prev) || isdigit(prev)) && p != o)
			blank = 1;
		if (blank)
			*p++ = ' ';
		blank = 0;
		*p++ = (char)tolower(c);
		prev = c;
	}
	*p = '\0';
	return o;
}

/* The place of h in a '|' list of names, or -1. */
static int
alias_rank(const char *h, const char *list)
{
	const char *p = list, *e;
	size_t n = strlen(h);
	int rank = 0;

	for (;; rank++) {
		e = strchr(p, '|');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == n && memcmp(p, h, n) == 0)
			return rank;
		if (*e == '\0')
			return -1;
		p = e + 1;
	}
}

/*
 * The column a (normalized) header names, or -1, with its rank: -1 for a
 * name of [columns], which always wins, else its place among the aliases.
 */
static int
column_of(const struct rules *r, const char *h, int *rank)
{
	size_t i, j;
	char *a;
	int hit;

	for (i = 0; i < COL_COUNT; i++)
		for (j = 0; j < r->ncolumns[i]; j++) {
			a = norm(r->columns[i][j], strlen(r->columns[i][j]));
			hit = strcmp(a, h) == 0;
			free(a);
			if (hit) {
				*rank = -1;
				return (int)i;
			}
		}
	for (i = 0; i < COL_COUNT; i++)
		if ((*rank = alias_rank(h, aliases[i])) >= 0)
			return (int)i;
	return -1;
}

/*
 * A table of rows read as large as a log out of order makes is mapped on
 * its own, in huge pages (xmap_huge): each look at it is a cache miss,
 * and with small pages one of the TLB as well.
 */
#define SEEN_MAP	((size_t)4 << 20)	/* bytes */

static struct seen *
seen_alloc(size_t size)
{
	if (size * sizeof(struct seen) < SEEN_MAP)
		return xcalloc(size, sizeof(struct seen));
	return xmap_huge(size * sizeof(struct seen));
}

static void
seen_release(struct seen *v, size_t size)
{
	if (size * sizeof(struct seen) < SEEN_MAP)
		free(v);
	else
		xunmap(v, size * sizeof(struct seen));
}

/* Put e into t (sized for it), at its first free slot; that slot. */
static size_t
seen_put(struct seentab *t, const struct seen *e)
{
	size_t j;

	for (j = e->h & (t->size - 1); t->v[j].line; j = (j + 1) & (t->size - 1))
		;
	t->v[j] = *e;
	return j;
}

/*
 * Rebuild t at size, keeping the entries keep says to.  A streamed log
 * rebuilds its table every day at much the same size, keeping few: then
 * those are set aside and the table cleared where it lies, not made anew
 * (a fresh block is a page fault a page).
 */
static void
seen_rebuild(struct seentab *t, size_t size, int (*keep)(const struct seen *,
    int), int arg)
{
	struct seen *old = t->v, *kept;
	size_t i, k, n = t->size;

	if (keep != NULL && size == n) {
		kept = xcalloc(t->n ? t->n : 1, sizeof(*kept));
		for (i = k = 0; i < n; i++)
			if (old[i].line != 0 && keep(&old[i], arg))
				kept[k++] = old[i];
		memset(t->v, 0, n * sizeof(*t->v));
		for (i = 0; i < k; i++)
			seen_put(t, &kept[i]);
		t->n = k;
		free(kept);
		return;
	}
	t->size = size;
	t->v = seen_alloc(size);
	t->n = 0;
	for (i = 0; i < n; i++)
		if (old[i].line != 0 && (keep == NULL || keep(&old[i], arg))) {
			seen_put(t, &old[i]);
			t->n++;
		}
	seen_release(old, n);
}

/*
 * Look h up among what the run has read; when absent, remember it at
 * (file, line) and return NULL, its slot in *slot.
 */
static const struct seen *
seen_before(struct seentab *t, uint64_t h, uint32_t file, uint32_t line,
    int day, size_t *slot)
{
	struct seen e;
	size_t j;

	if (2 * (t->n + 1) > t->size)
		seen_rebuild(t, t->size ? t->size * 2 : 1024, NULL, 0);
	for (j = h & (t->size - 1); t->v[j].line != 0; j = (j + 1) & (t->size - 1))
		if (t->v[j].h == h)
			return &t->v[j];
	e.h = h;
	e.file = file;
	e.line = line;
	e.day = day;
	t->v[j] = e;
	t->n++;
	if (slot)
		*slot = j;
	return NULL;
}

static int
row_still_open(const struct seen *e, int day)
{
	return e->day >= day;
}

/*
 * A pool that streams has billed the days before its current one: no row
 * of those days can come again without reading everything again (a row
 * repeating one of them is a row of a day billed), so their rows are let
 * go.  Rows rejected after this check stay (SEEN_KEEP): a copy of one is
 * a repeat.
 */
static void
rows_let_go(struct logrun *run)
{
	struct seentab *t = &run->seen;
	size_t size = 1024;
	int day;

	if (!pool_day(run->pool, &day) || day <= run->rowday)
		return;
	run->rowday = day;
	while (size < 4 * t->n && size < t->size)
		size *= 2;
	if (t->size > 0)
		seen_rebuild(t, size, row_still_open, day);
}

/*
 * A row that repeats an encounter id already read, or another row field
 * for field, counts once (SPEC §5): the first is billed, this one is
 * counted as not billable with a warning naming both lines.  1 when rec
 * is such a repeat.
 */
static int
repeated(struct file *F, const struct csvrec *rec, const char *encounter,
    int day)
{
	struct logrun *run = F->run;
	const struct seen *s = NULL;
	uint64_t h;
	const char *other;
	char where[32];
	int enc = 0, cur;

	run->rowlast = SIZE_MAX;
	/*
	 * A row of a day already billed, and let go of: whether it repeats
	 * one cannot be known any more, whatever becomes of it, so the pass
	 * ends here and everything is read again.
	 */
	if (pool_day(run->pool, &cur) && day < cur) {
		pool_fall_back(run->pool);
		return 1;
	}
	if (rec->line > UINT32_MAX)
		return 0;
	rows_let_go(run);
	if (*encounter != '\0') {
		h = str_mix(str_fnv(STR_FNV_INIT, encounter,
		    strlen(encounter))) | 1;
		s = seen_before(&run->enc, h, (uint32_t)F->index,
		    (uint32_t)rec->line, SEEN_KEEP, NULL);
		enc = s != NULL;
	}
	if (s == NULL) {
		uint64_t ahead;

		/* the slot a row a few on will look at, asked for early: the
		 * table of a log out of order is large, each look a miss */
		if (run->seen.size > 0 && csvread_peek_hash(F->r, 16, &ahead))
			__builtin_prefetch(&run->seen.v[(ahead & ~(uint64_t)1) &
			    (run->seen.size - 1)]);
		h = csvrec_hash(rec) & ~(uint64_t)1;
		s = seen_before(&run->seen, h, (uint32_t)F->index,
		    (uint32_t)rec->line, day, &run->rowlast);
	}
	if (s == NULL)
		return 0;
	other = run->files[s->file];
	if (strcmp(other, F->name) == 0)
		snprintf(where, sizeof(where), "line %u", s->line);
	else
		where[0] = '\0';
	run->report->unbilled++;
	run->repeats++;
	if (!F->o->quiet) {
		if (*where)
			warnmsg("%s:%ld: %s %s; counted once", F->name, rec->line,
			    enc ? "the encounter id of" : "a field-for-field repeat of",
			    where);
		else
			warnmsg("%s:%ld: %s %.200s:%u; counted once", F->name,
			    rec->line, enc ? "the encounter id of" :
			    "a field-for-field repeat of", other, s->line);
	}
	return 1;
}

/*
 * Modifiers as exports write them ("HN", "HN-59", "HN, 59"), appended to
 * buf ':'-joined (at most size bytes, 4 characters each).
 */
static void
join_modifiers(char *buf, size_t size, const char *s)
{
	size_t at = strlen(buf), n;
	const char *b;

	while (*s) {
		while (*s && strchr(" ,:;-/", *s))
			s++;
		for (b = s; *s && !strchr(" ,:;-/", *s); s++)
			;
		n = (size_t)(s - b);
		if (n == 0 || n > 4 || at + n + 2 > size)
			continue;
		if (at > 0)
			buf[at++] = ':';
		while (b < s)	/* modifiers are written in capitals */
			buf[at++] = (char)toupper((unsigned char)*b++);
		buf[at] = '\0';
	}
}

/* Is status one of [log] skip_status (case, '-' and blanks aside)? */
static int
skipped_status(struct file *F, const char *status)
{
	const struct rules *r = F->o->rules;
	char *a;
	size_t i;
	int hit = 0;

	if (F->skip == NULL) {
		F->skip = xcalloc(r->nskip_status + 1, sizeof(*F->skip));
		for (i = 0; i < r->nskip_status; i++)
			F->skip[i] = norm(r->skip_status[i],
			    strlen(r->skip_status[i]));
	}
	a = norm(status, strlen(status));
	for (i = 0; i < r->nskip_status && !hit; i++)
		hit = strcmp(a, F->skip[i]) == 0;
	free(a);
	return hit;
}

static char *
shorten(const char *s)
{
	if (strlen(s) <= 40)
		return xstrdup(s);
	return xasprintf("%.37s...", s);
}

static char **
copy_fields(const struct csvrec *rec, size_t *n)
{
	char **f = xcalloc(rec->nfields, sizeof(*f));
	size_t i;

	for (i = 0; i < rec->nfields; i++)
		f[i] = xstrndup(rec->field[i], rec->len[i]);
	*n = rec->nfields;
	return f;
}

/* A column of the union with this (written) name, appended. */
static size_t
union_add(struct logrun *run, const char *name)
{
	if (run->nheader == run->capheader) {
		run->capheader = run->capheader ? run->capheader * 2 : 16;
		run->header = xreallocarray(run->header, run->capheader,
		    sizeof(*run->header));
	}
	run->header[run->nheader] = xstrdup(name);
	return run->nheader++;
}

/*
 * The row as read, packed for --rejects: each field with the union column
 * it fills; fields past the header fill unnamed columns of their own.
 */
static char *
pack_row(struct file *F, const struct csvrec *rec, size_t *len)
{
	struct logrun *run = F->run;
	size_t i, need = 0, at = 0, col, k;
	uint32_t v[2];
	char *d;

	for (i = 0; i < rec->nfields; i++)
		need += 2 * sizeof(uint32_t) + rec->len[i];
	d = xmalloc(need ? need : 1);
	for (i = 0; i < rec->nfields; i++) {
		if (i < F->nheader)
			col = F->map[i];
		else {
			/* the k-th field past its header: an extra column */
			k = i - F->nheader;
			while (run->nextra <= k) {
				run->extra = xreallocarray(run->extra, run->nextra + 1,
				    sizeof(*run->extra));
				run->extra[run->nextra++] = union_add(run, "");
			}
			col = run->extra[k];
		}
		v[0] = (uint32_t)col;
		v[1] = (uint32_t)rec->len[i];
		memcpy(d + at, v, sizeof(v));
		at += sizeof(v);
		memcpy(d + at, rec->field[i], rec->len[i]);
		at += rec->len[i];
	}
	*len = at;
	return d;
}

static void
keep_row(struct logrun *run, const char *file, long line, const char *reason,
    char *data, size_t len)
{
	struct reject_row *r;

	if (run->nrows == run->caprows) {
		run->caprows = run->caprows ? run->caprows * 2 : 16;
		run->rows = xreallocarray(run->rows, run->caprows,
		    sizeof(*run->rows));
	}
	r = &run->rows[run->nrows++];
	r->reason = xstrdup(reason);
	r->file = xstrdup(file);
	r->line = line;
	r->data = data;
	r->len = len;
}

static void
reject(struct file *F, const struct csvrec *rec, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
reject(struct file *F, const struct csvrec *rec, const char *fmt, ...)
{
	va_list ap;
	char *why, *d;
	size_t n;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	report_reject(F->run->report, F->name, rec->line, "%s", why);
	warnmsg("%s:%ld: %s", F->name, rec->line, why);
	if (F->o->keep_rejects) {
		d = pack_row(F, rec, &n);
		keep_row(F->run, F->name, rec->line, why, d, n);
	}
	free(why);
}

/*
 * Dates and times parsed, by their text: a log's rows say the same few
 * dates and times of day over and over.  A text of at most 16 bytes is
 * its own key (its bytes, zero-padded: a field has no NUL byte); each
 * slot holds the last text that fell in it.
 */
#define MEMO_BITS	10

struct memo_slot {
	uint64_t	k[2];		/* k[0] 0: empty (no text starts with NUL) */
	int		rc;
	int		day;
	struct clock	c;
};

struct memo {
	struct memo_slot	date[1 << MEMO_BITS];
	struct memo_slot	time[1 << MEMO_BITS];
};

/* The slot of text s, parsed (a time when time, else a date); NULL when
 * s is too long for a key, to be parsed as it is. */
static const struct memo_slot *
memo_find(struct file *F, const char *s, int dmy, int time)
{
	struct memo_slot *e;
	uint64_t k[2];

	if (!str_key16(s, k))
		return NULL;
	if (F->memo == NULL)
		F->memo = xcalloc(1, sizeof(*F->memo));
	e = &(time ? F->memo->time : F->memo->date)[str_key_slot(k, MEMO_BITS)];
	if (e->k[0] != k[0] || e->k[1] != k[1]) {
		e->k[0] = k[0];
		e->k[1] = k[1];
		e->rc = time ? time_parse_log(s, dmy, &e->c) :
		    date_parse_log(s, dmy, &e->day);
	}
	return e;
}

/* date_parse_log, through the memo. */
static int
memo_date(struct file *F, const char *s, int dmy, int *day)
{
	const struct memo_slot *e = memo_find(F, s, dmy, 0);

	if (e == NULL)
		return date_parse_log(s, dmy, day);
	*day = e->day;
	return e->rc;
}

/* time_parse_log, through the memo. */
static int
memo_time(struct file *F, const char *s, int dmy, struct clock *c)
{
	const struct memo_slot *e = memo_find(F, s, dmy, 1);

	if (e == NULL)
		return time_parse_log(s, dmy, c);
	*c = e->c;
	return e->rc;
}

/*
 * The row's known fields, trimmed: where the reader holds them, or copied
 * into one scratch buffer (no allocation per field) when blanks follow;
 * "" for a column the log does not have.  The code is always a copy, the
 * one returned, so that it may be cut at its modifiers.
 */
static char *
get_all(struct file *F, const struct csvrec *rec, const char *v[COL_COUNT])
{
	char *code = NULL;
	size_t at = 0, n, need = 0;
	const char *f;
	int c, i;

	/* a field is used where it lies, but for the code (cut at its
	 * modifiers) and a field with blanks after it: those are copied */
	for (c = 0; c < COL_COUNT; c++)
		if ((i = F->col[c]) >= 0)
			need += rec->len[i] + 1;
	if (need > F->scratchcap) {
		F->scratchcap = need * 2;
		F->scratch = xreallocarray(F->scratch, F->scratchcap, 1);
	}
	for (c = 0; c < COL_COUNT; c++) {
		if ((i = F->col[c]) < 0) {
			v[c] = "";
			continue;
		}
		f = rec->field[i];
		n = rec->len[i];
		while (n > 0 && (*f == ' ' || *f == '\t')) {
			f++;
			n--;
		}
		if (n == rec->len[i] - (size_t)(f - rec->field[i]) &&
		    c != COL_CODE && (n == 0 || (f[n - 1] != ' ' &&
		    f[n - 1] != '\t' && f[n - 1] != '\r' && f[n - 1] != '\n'))) {
			v[c] = f;
			continue;
		}
		while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t' ||
		    f[n - 1] == '\r' || f[n - 1] == '\n'))
			n--;
		memcpy(F->scratch + at, f, n);
		F->scratch[at + n] = '\0';
		v[c] = F->scratch + at;
		if (c == COL_CODE)
			code = F->scratch + at;
		at += n + 1;
	}
	return code;
}

/* The family billing code on day, through the cache; else why not. */
static char *
family(struct file *F, const char *code, int day,
    const struct rules_family **fam)
{
	unsigned i;

	for (i = 0; i < FAMCACHE; i++) {
		*fam = F->famcache[i].fam;
		if (*fam && day >= (*fam)->from && day <= (*fam)->to &&
		    strcmp(F->famcache[i].code, code) == 0)
			return NULL;
	}
	*fam = NULL;
	if (strlen(code) < sizeof(F->famcache[0].code)) {
		char *why = rules_why_not(F->o->rules, code, day, fam);

		if (why)
			return why;
		i = F->famnext++ % FAMCACHE;
		strcpy(F->famcache[i].code, code);
		F->famcache[i].fam = *fam;
		return NULL;
	}
	return rules_why_not(F->o->rules, code, day, fam);
}

struct named {
	char	*name;
	int	 index;
};

static int
cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->index - y->index;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name,
	    ((const struct named *)b)->name);
}

/*
 * The rejects file's header is the union of the logs' headers (SPEC §5),
 * one that cptunits reads back: a column this log uses as patient, date,
 * code... fills the union's column of that use ("Client ID" under the
 * first log's "patient"); any other fills the union's column of the same
 * normalized name (the k-th of a repeated name the k-th); a column the
 * union lacks is added.  By names sorted once: wide headers cost n log n.
 */
static void
map_header(struct file *F)
{
	struct logrun *run = F->run;
	struct named *b, key, *hit, *e;
	unsigned char *used;
	size_t i, nb;

	size_t nall = run->nheader;
	int c, role[COL_COUNT] = { 0 };

	if (run->nheader == 0)
		for (c = 0; c < COL_COUNT; c++)
			run->bycol[c] = -1;
	F->map = xcalloc(F->nheader ? F->nheader : 1, sizeof(*F->map));
	/* the union's columns of no use, by name */
	b = xcalloc(nall ? nall : 1, sizeof(*b));
	for (i = nb = 0; i < nall; i++) {
		for (c = 0; c < COL_COUNT && run->bycol[c] != (long)i; c++)
			;
		if (c < COL_COUNT)
			continue;
		b[nb].name = norm(run->header[i], strlen(run->header[i]));
		b[nb++].index = (int)i;
	}
	if (nb > 1)
		qsort(b, nb, sizeof(*b), cmp_named);
	used = xcalloc(nall ? nall : 1, 1);
	for (c = 0; c < COL_COUNT; c++)
		role[c] = F->col[c];
	for (i = 0; i < F->nheader; i++) {
		for (c = 0; c < COL_COUNT && role[c] != (int)i; c++)
			;
		if (c < COL_COUNT) {
			/* a column of a use: the union's column of that use */
			if (run->bycol[c] < 0)
				run->bycol[c] = (long)union_add(run, F->header[i]);
			F->map[i] = (size_t)run->bycol[c];
			continue;
		}
		key.name = norm(F->header[i], strlen(F->header[i]));
		hit = nb ? bsearch(&key, b, nb, sizeof(*b), cmp_name) : NULL;
		while (hit && hit > b && strcmp(hit[-1].name, key.name) == 0)
			hit--;
		for (e = b + nb; hit && hit < e && strcmp(hit->name, key.name) == 0 &&
		    used[hit->index]; hit++)
			;
		if (hit && hit < e && strcmp(hit->name, key.name) == 0) {
			used[hit->index] = 1;
			F->map[i] = (size_t)hit->index;
		} else
			F->map[i] = union_add(run, F->header[i]);
		free(key.name);
	}
	for (i = 0; i < nb; i++)
		free(b[i].name);
	free(b);
	free(used);
}

/*
 * Read the header: 0, or -1 with the message in *msg (the caller frees),
 * -2 when the line names none of patient, date and code together, so that
 * it may be a report title above the header.
 */
static int
header(struct file *F, const struct csvrec *rec, char **msg)
{
	static const char *const need[] = { "patient", "date", "code" };
	int ranks[COL_COUNT] = { 0 };
	size_t i;
	char *h;
	int c, rank;

	for (i = 0; i < COL_COUNT; i++)
		F->col[i] = -1;
	F->header = copy_fields(rec, &F->nheader);
	for (i = 0; i < rec->nfields; i++) {
		h = norm(rec->field[i], rec->len[i]);
		c = column_of(F->o->rules, h, &rank);
		free(h);
		if (c < 0)
			continue;	/* unknown columns are ignored */
		if (F->col[c] >= 0 && rank == ranks[c]) {
			*msg = xasprintf("%s:%ld: columns %zu and %zu are both the "
			    "%s column; name the one to use in the rules: [columns] "
			    "%s = NAME", F->name, rec->line, (size_t)F->col[c] + 1,
			    i + 1, rules_column_names[c], rules_column_names[c]);
			return -1;
		}
		if (F->col[c] >= 0) {
			/* the more specific name wins, and the choice is noted */
			size_t win = rank < ranks[c] ? i : (size_t)F->col[c];
			size_t lose = rank < ranks[c] ? (size_t)F->col[c] : i;

			report_note(F->run->report, "%s: '%.40s' and '%.40s' both name "
			    "the %s column; '%.40s' is used ([columns] %s chooses)",
			    F->name, rec->field[lose], rec->field[win],
			    rules_column_names[c], rec->field[win],
			    rules_column_names[c]);
			if (rank >= ranks[c])
				continue;
		}
		F->col[c] = (int)i;
		ranks[c] = rank;
	}
	for (i = 0; i < 3; i++) {
		c = i == 0 ? COL_PATIENT : i == 1 ? COL_DATE : COL_CODE;
		if (F->col[c] < 0) {
			/* the headers it saw, and how to say which is which */
			char *seen = xstrdup(""), *t;
			size_t k;

			for (k = 0; k < rec->nfields && k < 8; k++) {
				t = xasprintf("%s%s'%.30s'", seen, k ? ", " : "",
				    rec->field[k]);
				free(seen);
				seen = t;
			}
			*msg = xasprintf("%s:%ld: no %s column among %s%s (name it in "
			    "the rules: [columns] %s = NAME)", F->name, rec->line,
			    need[i], seen, rec->nfields > 8 ? ", ..." : "", need[i]);
			free(seen);
			return -2;
		}
	}
	if ((F->col[COL_START] >= 0) != (F->col[COL_END] >= 0) &&
	    !(F->col[COL_START] >= 0 && F->col[COL_MINUTES] >= 0)) {
		*msg = xasprintf("%s:%ld: a %s column needs an %s column too",
		    F->name, rec->line, F->col[COL_START] >= 0 ? "start" : "end",
		    F->col[COL_START] >= 0 ? "end" : "start");
		return -1;
	}
	if (F->col[COL_START] < 0 && F->col[COL_MINUTES] < 0) {
		*msg = xasprintf("%s:%ld: no start and end columns, and no minutes "
		    "column", F->name, rec->line);
		return -1;
	}
	if (F->o->keep_rejects)
		map_header(F);
	return 0;
}

/*
 * The instant of a start or end field.  day is the date it falls on when
 * the field has no date of its own.  0, or -1 with a reason in *why.
 */
static int
instant(struct file *F, const char *col, const char *text,
    const struct clock *c, int day, long long *t, int *notes, char **why)
{
	char d[DATE_BUFSZ];
	enum tz_result r;

	if (c->has_date)
		day = c->day;
	if (c->has_offset) {
		*t = (long long)day * 86400 + c->secs - c->offset;
		return 0;
	}
	r = tz_to_utc(F->o->zone, day, c->secs, t);
	if (r == TZ_GAP) {
		*why = xasprintf("%s: %s does not exist on %s in %s (the clocks "
		    "skip it)", col, text, date_format(day, d),
		    tz_name(F->o->zone));
		return -1;
	}
	if (r == TZ_TWICE)
		*notes |= NOTE_TWICE;
	return 0;
}

/*
 * A minutes field: 90, "90 min", "1:30", "01:30:00", "1.5 h".  NULL and
 * *secs, or why not (the caller frees).
 */
static char *
minutes_of(const struct logopts *o, const char *v, long *secs)
{
	long long n;
	const char *err;
	char *t, *why;

	if (str_toint(v, -1000000, 1000000, &n, &err) == 0) {
		if (n <= 0)
			return xasprintf("minutes: must be positive, not '%lld'", n);
		*secs = (long)n * 60;
	} else if (duration_parse(v, secs) != 0) {
		t = shorten(v);
		why = xasprintf("minutes: '%s' is not a duration (90, 90 min, 1:30, "
		    "1.5 h; minutes are whole)", t);
		free(t);
		return why;
	}
	if (*secs <= 0)
		return xstrdup("minutes: must be positive, not 0");
	if (*secs > 1440 * 60L)
		return xasprintf("minutes: '%.40s' is more than a day", v);
	if (*secs > o->rules->max_session_minutes * 60L)
		return xasprintf("minutes: %ld is more than max_session_minutes "
		    "(%d); is it a typo?", *secs / 60, o->rules->max_session_minutes);
	return NULL;
}

static void
row(struct file *F, const struct csvrec *rec)
{
	const struct logopts *o = F->o;
	const struct rules_family *fam;
	struct session s;
	struct clock cs, ce;
	const char *v[COL_COUNT];
	char *why = NULL, d[DATE_BUFSZ], st[32], et[32], *src, *code;
	long long n = 0;
	const char *err;
	int i, day = 0, sday, dmy = o->rules->date_order == ORDER_DMY;
	char mods[64];
	long ssecs, dur;

	F->run->report->records++;
	if (rec->problem & CSVP_TOOLONG) {
		reject(F, rec, "the row is longer than 1 MiB and was cut off "
		    "(is a quote left open?)");
		return;
	}
	if (rec->problem & CSVP_UNTERMINATED) {
		reject(F, rec, "unterminated quote: a quoted field opened in this "
		    "row never closes");
		return;
	}
	if (rec->problem & CSVP_NUL) {
		reject(F, rec, "the row contains a NUL byte");
		return;
	}
	if (rec->problem & CSVP_UTF8) {
		reject(F, rec, "the row is not valid UTF-8 text (a Windows-1252 "
		    "export? give --encoding windows-1252, or [log] encoding)");
		return;
	}
	if (rec->nfields != F->nheader) {
		reject(F, rec, "the row has %zu field%s; the header has %zu",
		    rec->nfields, rec->nfields == 1 ? "" : "s", F->nheader);
		return;
	}
	code = get_all(F, rec, v);	/* the code's a copy, cut at modifiers */
	memset(&s, 0, sizeof(s));
	if (*v[COL_PATIENT] == '\0' && *v[COL_DATE] == '\0' &&
	    csvrec_says_total(rec)) {
		/* a report's footer of totals: not a session */
		F->run->report->unbilled++;
		F->run->totals++;
		return;
	}

	if (*v[COL_PATIENT] == '\0') {
		why = xstrdup("patient: missing");
		goto out;
	}
	if (*v[COL_DATE] == '\0') {
		why = xstrdup("date: missing");
		goto out;
	}
	if (memo_date(F, v[COL_DATE], dmy, &day) != 0) {
		char *t = shorten(v[COL_DATE]);

		why = xasprintf("date: '%s' is not a date (%s)", t,
		    o->rules->date_order == ORDER_DMY ? "YYYY-MM-DD or DD/MM/YYYY" :
		    "YYYY-MM-DD or MM/DD/YYYY");
		free(t);
		goto out;
	}
	if (day < o->from || day >= o->to) {
		/* outside --from/--to: neither a record nor a reject */
		F->run->report->records--;
		F->run->outside++;
		goto done;
	}
	if (*v[COL_STATUS] != '\0' && skipped_status(F, v[COL_STATUS])) {
		/* a no-show or a late cancellation: not billed, not a fault */
		F->run->report->unbilled++;
		F->run->skipped++;
		goto done;
	}
	if (*v[COL_CODE] == '\0') {
		why = xstrdup("code: missing");
		goto out;
	}
	{
		/* a code with modifiers, as exports write it: 97153-HN, 97153 HN */
		char *m = strpbrk(code, "- :");

		mods[0] = '\0';
		if (m != NULL && m > code) {
			*m++ = '\0';
			join_modifiers(mods, sizeof(mods), m);
		}
		join_modifiers(mods, sizeof(mods), v[COL_MODIFIERS]);
	}
	if ((why = family(F, v[COL_CODE], day, &fam)) != NULL) {
		char *t = xasprintf("code: %s", why + strlen("code "));

		free(why);
		why = t;
		goto out;
	}

	/* when: start and end (or start and minutes), else minutes alone */
	dur = -1;
	if (*v[COL_MINUTES] != '\0' &&
	    (why = minutes_of(o, v[COL_MINUTES], &dur)) != NULL)
		goto out;
	if (*v[COL_START] != '\0' || *v[COL_END] != '\0') {
		if (*v[COL_START] == '\0' || (*v[COL_END] == '\0' && dur < 0)) {
			why = xasprintf("%s: missing (%s is given)",
			    *v[COL_START] ? "end" : "start",
			    *v[COL_START] ? "start" : "end");
			goto out;
		}
		for (i = COL_START; i <= COL_END; i++)
			if (*v[i] != '\0' && memo_time(F, v[i], dmy,
			    i == COL_START ? &cs : &ce) != 0) {
				char *t = shorten(v[i]);

				why = xasprintf("%s: '%s' is not a time (HH:MM, H:MM AM/PM "
				    "or a date and a time)", rules_column_names[i], t);
				free(t);
				goto out;
			}
		if (instant(F, "start", v[COL_START], &cs, day, &s.start, &s.notes,
		    &why) != 0)
			goto out;
		if (cs.has_date) {
			/* the date of service is the local date of the start */
			tz_from_utc(o->zone, s.start, &sday, &ssecs);
			if (sday != day) {
				why = xasprintf("start: %s is not on the date of service "
				    "%s", v[COL_START], date_format(day, d));
				goto out;
			}
		}
		if (*v[COL_END] == '\0') {
			/* a start and a duration: real elapsed time from the start */
			s.end = s.start + dur;
			tz_from_utc(o->zone, s.start, &sday, &ssecs);
			tz_from_utc(o->zone, s.end - 1, &i, &ssecs);
			if (i != sday)
				s.notes |= NOTE_MIDNIGHT;
		} else if (!ce.has_date && !cs.has_date && ce.secs < cs.secs) {
			/* an end before its start: the session ran past midnight */
			if (instant(F, "end", v[COL_END], &ce, day + 1, &s.end,
			    &s.notes, &why) != 0)
				goto out;
			s.notes |= NOTE_MIDNIGHT;
		} else {
			tz_from_utc(o->zone, s.start, &sday, &ssecs);
			if (instant(F, "end", v[COL_END], &ce, sday, &s.end, &s.notes,
			    &why) != 0)
				goto out;
			if (s.end > s.start) {
				tz_from_utc(o->zone, s.end - 1, &i, &ssecs);
				if (i != sday)
					s.notes |= NOTE_MIDNIGHT;
			}
		}
		if (s.end == s.start) {
			why = xstrdup("end: the same as start; the session has no length");
			goto out;
		}
		if (s.end < s.start) {
			why = xstrdup("end: before start");
			goto out;
		}
		if (s.end - s.start > o->rules->max_session_minutes * 60LL) {
			why = xasprintf("end: the session would last %lld minutes, more "
			    "than max_session_minutes (%d); is a time a typo?",
			    (s.end - s.start) / 60, o->rules->max_session_minutes);
			goto out;
		}
		s.timed = 1;
		s.seconds = (long)(s.end - s.start);
	} else if (dur >= 0) {
		s.seconds = dur;
	} else {
		why = xstrdup(F->col[COL_START] >= 0 && F->col[COL_MINUTES] >= 0 ?
		    "minutes: missing, and no start and end" :
		    F->col[COL_START] >= 0 ? "start: missing" : "minutes: missing");
		goto out;
	}

	/* checks */
	if (*v[COL_TECHNICIANS] != '\0' &&
	    str_toint(v[COL_TECHNICIANS], 0, 100, &n, &err) != 0) {
		char *t = shorten(v[COL_TECHNICIANS]);

		why = xasprintf("technicians: '%s' is not a whole number", t);
		free(t);
		goto out;
	}
	if (fam->min_technicians > 0) {
		if (*v[COL_TECHNICIANS] == '\0') {
			why = xasprintf("technicians: %s needs at least %d; none given",
			    rules_family_label(fam), fam->min_technicians);
			goto out;
		}
		if (n < fam->min_technicians) {
			why = xasprintf("technicians: %s needs at least %d, not %lld",
			    rules_family_label(fam), fam->min_technicians, n);
			goto out;
		}
	}
	if (*v[COL_PARTICIPANTS] != '\0') {
		if (str_toint(v[COL_PARTICIPANTS], 0, 100000, &n, &err) != 0) {
			char *t = shorten(v[COL_PARTICIPANTS]);

			why = xasprintf("participants: '%s' is not a whole number", t);
			free(t);
			goto out;
		}
		if (fam->max_participants > 0 && n > fam->max_participants) {
			why = xasprintf("participants: %s allows at most %d, not %lld",
			    rules_family_label(fam), fam->max_participants, n);
			goto out;
		}
	}

	if (repeated(F, rec, v[COL_ENCOUNTER], day))
		goto done;
	s.patient = v[COL_PATIENT];
	s.date = day;
	s.family = fam;
	s.payer = o->payer ? o->payer : v[COL_PAYER];
	s.provider = v[COL_PROVIDER];
	s.modifiers = mods;
	if (*v[COL_UNITS] != '\0') {
		/* what the practice system billed, reconciled per pool */
		if (str_toint(v[COL_UNITS], 0, 100000, &n, &err) != 0) {
			char *t = shorten(v[COL_UNITS]);

			why = xasprintf("units: '%s' is not a whole number", t);
			free(t);
			/* a copy of this row is a repeat, whatever the day */
			if (F->run->rowlast != SIZE_MAX)
				F->run->seen.v[F->run->rowlast].day = SEEN_KEEP;
			goto out;
		}
		s.has_units = 1;
		s.units = (long)n;
		s.units_code = rules_code_spelling(o->rules, v[COL_CODE]);
	}
	s.file = F->name;
	s.line = rec->line;
	src = NULL;
	if (F->run->report->by_session) {
		/* only a session's own line shows where it came from */
		src = xasprintf("%s:%ld", F->name, rec->line);
		s.source = src;
	}
	if (s.timed && F->run->report->by_session) {
		date_utc_text(s.start, st);
		date_utc_text(s.end, et);
		s.start_text = st;
		s.end_text = et;
	}
	if (fam->kind == KIND_ADDON) {
		struct addon_tag *tag = xcalloc(1, sizeof(*tag));

		tag->file = xstrdup(F->name);
		tag->line = rec->line;
		if (o->keep_rejects)
			tag->data = pack_row(F, rec, &tag->len);
		pool_add(F->run->pool, &s, tag);
	} else
		pool_add(F->run->pool, &s, NULL);
	free(src);
	F->run->report->accepted++;
	F->run->seconds += s.seconds;
	goto done;
out:
	reject(F, rec, "%s", why);
done:
	free(why);
}

int
logread_file(const char *name, FILE *fp, const struct logopts *o,
    struct logrun *run)
{
	struct file F;
	struct csvread *r;
	const struct csvrec *rec;
	char *msg, *first = NULL;
	int rc, got, status = 0, hr, titles = 0;

	memset(&F, 0, sizeof(F));
	F.name = name;
	F.o = o;
	F.run = run;
	run->files = xreallocarray(run->files, run->nfiles + 1,
	    sizeof(*run->files));
	F.index = run->nfiles;
	run->files[run->nfiles++] = xstrdup(name);
	if ((r = csvread_new(fp, o->delim)) == NULL) {
		warnmsg("%s: out of memory", name);
		return -1;
	}
	if (o->cp1252)
		csvread_set_cp1252(r);
	csvread_ahead(r, 0);
	F.r = r;
	got = csvread_next(r, &rec);
	/*
	 * Lines above the header that name no column it needs (a report's
	 * title, its date range) are skipped with a note; when no header
	 * follows, the first line's problem is the one reported.
	 */
	hr = -1;
	while (got > 0 && rec->problem == 0) {
		msg = NULL;
		if ((hr = header(&F, rec, &msg)) == 0)
			break;
		if (first == NULL)
			first = msg;
		else
			free(msg);
		str_freev(F.header, F.nheader);
		F.header = NULL;
		F.nheader = 0;
		if (hr != -2 || titles >= MAX_TITLE_LINES)
			break;
		titles++;
		got = csvread_next(r, &rec);
	}
	if (hr == 0 && titles > 0)
		report_note(run->report, "%s: %d line%s above the header skipped "
		    "(a report title?)", name, titles, titles == 1 ? "" : "s");
	if (got == 0 && titles == 0) {
		warnmsg("%s: empty; a log starts with a header row", name);
		status = -1;
	} else if (hr != 0) {
		if (got < 0)
			warnmsg("%s: %s", name, strerror(errno));
		else if (first != NULL)
			warnmsg("%s", first);
		else if (rec->problem & CSVP_TOOLONG)
			warnmsg("%s:%ld: the header row is longer than 1 MiB", name,
			    rec->line);
		else if (rec->problem != 0)
			warnmsg("%s:%ld: the header row is not CSV text", name,
			    rec->line);
		status = -1;
	} else {
		/* a pool that streams stops at a day already billed */
		while ((rc = csvread_next(r, &rec)) > 0 &&
		    !pool_fell_back(run->pool))
			row(&F, rec);
		if (rc < 0) {
			warnmsg("%s: %s", name, strerror(errno));
			status = -1;
		}
	}
	free(first);
	str_freev(F.header, F.nheader);
	if (F.skip)
		str_freev(F.skip, o->rules->nskip_status);
	free(F.map);
	free(F.scratch);
	free(F.memo);
	csvread_free(r);
	return status;
}

void
logread_late_reject(void *arg, void *vtag, const char *reason, long seconds)
{
	struct logrun *run = arg;
	struct addon_tag *tag = vtag;

	report_reject(run->report, tag->file, tag->line, "%s", reason);
	warnmsg("%s:%ld: %s", tag->file, tag->line, reason);
	run->report->accepted--;
	run->seconds -= seconds;
	if (tag->data) {
		keep_row(run, tag->file, tag->line, reason, tag->data, tag->len);
		tag->data = NULL;
		tag->len = 0;
	}
}

void
logread_free_tag(void *vtag)
{
	struct addon_tag *tag = vtag;

	if (tag == NULL)
		return;
	free(tag->file);
	free(tag->data);
	free(tag);
}

void
logread_write_rejects(const struct logrun *run, FILE *fp)
{
	struct logread_reject j;
	size_t i, k;

	fputs("reason", fp);
	for (i = 0; i < run->nheader; i++) {
		fputc(',', fp);
		output_field(fp, run->header[i], FMT_CSV);
	}
	fputs("\r\n", fp);
	memset(&j, 0, sizeof(j));
	for (i = 0; i < run->nrows; i++) {
		logread_reject_get(run, i, &j);
		output_field(fp, j.reason, FMT_CSV);
		for (k = 0; k < run->nheader; k++) {
			fputc(',', fp);
			output_field_n(fp, j.len[k] ? j.field[k] : "", j.len[k],
			    FMT_CSV);
		}
		fputs("\r\n", fp);
	}
	logread_reject_done(&j);
}

void
logread_reject_get(const struct logrun *run, size_t i,
    struct logread_reject *j)
{
	size_t at, n = run->nheader ? run->nheader : 1;
	uint32_t v[2];

	if (j->field == NULL) {
		j->field = xcalloc(n, sizeof(*j->field));
		j->len = xcalloc(n, sizeof(*j->len));
	}
	/* each field in its own column; the others empty */
	memset(j->len, 0, n * sizeof(*j->len));
	for (at = 0; at + sizeof(v) <= run->rows[i].len; at += v[1]) {
		memcpy(v, run->rows[i].data + at, sizeof(v));
		at += sizeof(v);
		if (v[0] < run->nheader) {
			j->field[v[0]] = run->rows[i].data + at;
			j->len[v[0]] = v[1];
		}
	}
	j->reason = run->rows[i].reason;
	j->file = run->rows[i].file;
	j->line = run->rows[i].line;
}

void
logread_reject_done(struct logread_reject *j)
{
	free(j->field);
	free(j->len);
	memset(j, 0, sizeof(*j));
}

void
logrun_free(struct logrun *run)
{
	size_t i;

	for (i = 0; i < run->nrows; i++) {
		free(run->rows[i].reason);
		free(run->rows[i].file);
		free(run->rows[i].data);
	}
	free(run->rows);
	str_freev(run->header, run->nheader);
	free(run->extra);
	run->extra = NULL;
	seen_release(run->enc.v, run->enc.size);
	seen_release(run->seen.v, run->seen.size);
	memset(&run->enc, 0, sizeof(run->enc));
	memset(&run->seen, 0, sizeof(run->seen));
	str_freev(run->files, run->nfiles);
	run->files = NULL;
	run->nfiles = 0;
	run->nextra = run->capheader = 0;
	run->rows = NULL;
	run->header = NULL;
	run->nrows = run->nheader = 0;
}
