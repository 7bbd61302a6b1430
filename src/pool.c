/*
 * pool: per (patient, date of service, family) pools in a hash
 * table.  Each pool keeps its timed sessions as a sorted list of disjoint
 * half-open intervals, merged on arrival, so back-to-back sessions join
 * without overlap and overlapping ones count once; the list is bounded by
 * the minutes of a day, whatever the number of rows.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pool.h"
#include "strutil.h"
#include "thread.h"
#include "units.h"

struct ival {
	long long	s, e;
};

struct addon {
	char		*provider;
	const char	*iprov;		/* interned, or NULL for none */
	void		*tag;
	long		 seconds;
};

/* What the export's own units column says of a code, for reconciling. */
struct xunits {
	const char	*code;		/* the rules' spelling */
	long		 units;
};

struct entry {
	/* what finding the pool and billing it look at, together */
	const char			*patient;	/* interned */
	const struct rules_family	*fam;
	const char			*kprov;	/* interned: the provider of a
						   provider's pool; NULL per patient */
	unsigned long			 seq;	/* 0, or the session's number */
	const char			*payer;		/* interned */
	int				 date;
	int				 sessions;
	int				 notes;
	int				 alone;	/* a session pooled with nothing */
	int				 done;	/* billed (streaming: kept for
						   the next day's midnight check) */
	int				 noprov;	/* a session named none */
	struct ival			*iv;
	size_t				 niv, capiv;
	long long			 mlen;	/* seconds the intervals cover */
	long long			 raw;	/* seconds of timed sessions, summed */
	long long			 loose;	/* seconds of sessions without times */
	long long			 dup;	/* seconds another line counts */
	long long			 dupprev;	/* of those, the day before's */
	const char			*prov1;	/* interned: its first provider */
	size_t				 nprov;	/* distinct providers (in the set) */
	const char			*pfirst;	/* interned: the first of them,
						   kept here rather than in the set */
	const char			*mods;	/* interned: modifiers, ':'-joined */
	const char			*file;		/* interned: its first session's */
	long				 line;
	struct units_result		 billed;
	/* what few pools have */
	struct xunits			*xu;	/* the export's units, per code */
	size_t				 nxu;
	long				 xrows;	/* rows that said how many */
	struct addon			*adds;
	size_t				 nadds;
	char				*start_text, *end_text, *source;
	struct entry			*nextfree;	/* on p->freeents */
};

/* An add-on rejected at billing, told to the reader at the end, in the
 * order of the entries (as when every day is billed at once). */
struct pending {
	const char			*patient;	/* the entry's key */
	int				 date;
	const struct rules_family	*fam;
	const char			*kprov;
	unsigned long			 seq;
	size_t				 j;		/* its add-on */
	void				*tag;
	char				*why;
	long				 seconds;
};

/* A slot keeps the hash beside the entry, so probing seldom touches entries. */
struct slot {
	uint64_t	 hash;
	struct entry	*e;
};

/* Memory that lives as long as the pool, handed out in big blocks. */
struct block {
	struct block	*next;
	size_t		 used, size;
	char		 data[];
};

/* Strings kept once however many pools name them (patients, payers). */
struct str {
	struct str	*next;
	uint64_t	 hash;
	uint32_t	 id;		/* its place in strv */
	char		 s[];
};

#define RECENT	8

/*
 * The providers of each pool, for pairing add-ons with their primary: one
 * set of (pool, provider) pairs for all pools, so that a pool of many
 * providers costs a hash probe a session, not a search of its list.
 */
struct pslot {
	const struct entry	*e;
	const char		*prov;	/* interned */
};

struct pset {
	struct pslot	*v;
	size_t		 size, n;
};

/*
 * Streaming, a finished day is billed in a thread of its own while the
 * rows of the next are read and pooled: the day's entries (those kept
 * from the day before with them) and its (pool, provider) set are the
 * job's until it is done; the report's lines, the pending rejects and
 * the order of billing are the thread's until the caller waits for it.
 * The entries the job lets go are freed by the caller once it is done.
 * Two days may wait or be billed at once, in the order given, so that the
 * caller goes on with a third instead of waiting for the thread when it
 * shares a core with the reader's.
 */
struct bjob {
	struct entry		**all;		/* entries to bill */
	size_t			 n, cap;
	struct pset		 pset;
	struct entry		**gone;		/* to free once it is done */
	size_t			 ngone;
};

#define BJOBS	2

struct biller {
	pthread_t		 th;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 quit;
	struct bjob		 job[BJOBS];
	int			 head;		/* the first job given, not done */
	int			 count;		/* jobs given, not yet done */
};

/*
 * A session kept (defer), in 64 bytes rather than struct session's: its
 * strings interned and its family and units code (the rules' own) named
 * by id, its end as its length, its flags in bytes, and the rare parts
 * (an add-on's tag, the texts of --by session, a line past 2^32) beside,
 * by index.  replay() makes a struct session of it again.
 */
struct drare {
	void				*tag;
	const char			*texts[3];	/* source, start, end */
	long				 line;
};

struct dsess {
	long long			 start;
	long long			 span;	/* timed: end - start; else seconds */
	uint32_t			 patient, payer, provider, file, modifiers;
	uint32_t			 family, units_code;	/* ptrids */
	uint32_t			 rare;	/* index + 1 in p->rares, or 0 */
	uint32_t			 line;	/* UINT32_MAX: in its rare part */
	int32_t				 units;	/* 0 to 100,000 (logread) */
	int32_t				 date;
	unsigned char			 notes, timed, alone, has_units;
};
_Static_assert(sizeof(struct dsess) == 64, "a kept session in 64 bytes");
_Static_assert(NOTE_PAYERS < 256, "session notes kept in a byte");

/* Sessions kept at most (64 bytes each, 64 MiB) before pools
 * take them: past that, memory follows pools, not rows. */
#define HOLD_MAX	((size_t)1 << 20)

#define DCHUNK_BITS	14
#define DCHUNK		((size_t)1 << DCHUNK_BITS)

struct pool {
	const struct rules	*rules;
	struct block		*blocks;
	struct str		**strs;
	size_t			 nstrs, strsize;
	const char		**strv;		/* by id; id 0: NULL */
	int			 by_session;
	void			(*tag_free)(void *);
	struct slot		*tab;		/* open addressing, linear probing */
	size_t			 tabsize, n;
	struct entry		**all;		/* in order of creation */
	size_t			 capall;
	struct entry		*recent[RECENT];	/* logs come grouped */
	unsigned		 nextrecent;
	unsigned long		 seq;
	struct pset		 pset;		/* (pool, provider) pairs seen */
	struct biller		*bl;		/* billing's thread (streaming) */
	int			 nobiller;	/* none could start: bill here */
	/* streaming (pool_stream): the days finished are billed as the date
	 * moves on; all[] holds the day before's entries (billed, kept for
	 * the midnight check), then the current day's */
	int			 stream;
	int			 fell_back;	/* a session for a day billed */
	int			 cur;		/* the current day */
	int			 have_cur;
	long			 order;		/* entries billed so far */
	struct report		*rep;
	pool_reject_fn		*reject;
	void			*arg;
	struct pending		*pend;
	size_t			 npend, cappend;
	const char		*file_src, *file_in;	/* the last file named */
	struct dsess		**dchunks;	/* sessions kept (defer) */
	size_t			 nd;
	struct drare		*rares;		/* their rare parts */
	size_t			 nrares, caprares;
	struct ptrids		 ptrs;		/* the rules' families and codes
						   kept sessions name */
	size_t			 hold_max;	/* at most so many kept */
	int			 held;		/* pools held to the end */
	int			 replaying;	/* add_now on kept sessions */
	struct entry		*freeents;	/* let go, to be used again */
};

/* The key of a pool: its patient (interned), date, family, provider
 * (interned, or NULL) and session number, all integers. */
static uint64_t
key_hash(const char *patient, int date, const void *fam, unsigned long seq,
    const char *kprov)
{
	uint64_t h = (uint64_t)(uintptr_t)patient;

	h = str_mix(h ^ (uint64_t)(uint32_t)date << 40);
	h = str_mix(h ^ (uint64_t)(uintptr_t)fam);
	h = str_mix(h ^ (uint64_t)(uintptr_t)kprov ^ (uint64_t)seq << 48);
	return h;
}

static void *
arena(struct pool *p, size_t n)
{
	struct block *b = p->blocks;
	void *v;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > 65536 ? n : 65536;

		b = xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		b->next = p->blocks;
		p->blocks = b;
	}
	v = b->data + b->used;
	b->used += n;
	return v;
}

static struct str *
intern_str(struct pool *p, const char *s)
{
	size_t len = strlen(s);
	uint64_t h = str_hash(s, len);
	struct str *e, **tab;
	size_t i, size;

	if (p->strsize == 0) {
		p->strsize = 256;
		p->strs = xcalloc(p->strsize, sizeof(*p->strs));
		p->strv = xcalloc(p->strsize + 1, sizeof(*p->strv));
	}
	for (e = p->strs[h & (p->strsize - 1)]; e; e = e->next)
		if (e->hash == h && strcmp(e->s, s) == 0)
			return e;
	if (p->nstrs >= p->strsize) {
		size = p->strsize * 2;
		tab = xcalloc(size, sizeof(*tab));
		for (i = 0; i < p->strsize; i++)
			while ((e = p->strs[i]) != NULL) {
				p->strs[i] = e->next;
				e->next = tab[e->hash & (size - 1)];
				tab[e->hash & (size - 1)] = e;
			}
		free(p->strs);
		p->strs = tab;
		p->strsize = size;
		p->strv = xreallocarray(p->strv, size + 1, sizeof(*p->strv));
	}
	e = arena(p, sizeof(*e) + len + 1);
	e->hash = h;
	e->id = (uint32_t)++p->nstrs;
	p->strv[e->id] = e->s;
	memcpy(e->s, s, len + 1);
	e->next = p->strs[h & (p->strsize - 1)];
	p->strs[h & (p->strsize - 1)] = e;
	return e;
}

static const char *
intern(struct pool *p, const char *s)
{
	return intern_str(p, s)->s;
}

/*
 * A session's string, interned: while kept sessions are replayed (their
 * strings interned when they were kept), as it is, but for "" (a literal,
 * not the pool's).
 */
static const char *
intern_session(struct pool *p, const char *s)
{
	return p->replaying && *s ? s : intern(p, s);
}

struct pool *
pool_new(const struct rules *rules, int by_session, void (*tag_free)(void *))
{
	struct pool *p = xcalloc(1, sizeof(*p));

	p->tag_free = tag_free ? tag_free : free;
	p->rules = rules;
	p->by_session = by_session;
	p->tabsize = 1024;
	p->tab = xcalloc(p->tabsize, sizeof(*p->tab));
	p->hold_max = HOLD_MAX;
	return p;
}

static void
grow(struct pool *p)
{
	struct slot *tab;
	size_t size = p->tabsize * 2, i, j;

	tab = xcalloc(size, sizeof(*tab));
	for (i = 0; i < p->tabsize; i++) {
		if (p->tab[i].e == NULL)
			continue;
		for (j = p->tab[i].hash & (size - 1); tab[j].e; j = (j + 1) & (size - 1))
			;
		tab[j] = p->tab[i];
	}
	free(p->tab);
	p->tab = tab;
	p->tabsize = size;
}

static size_t
pslot_of(const struct pset *t, const struct entry *e, const char *prov)
{
	uint64_t h = str_mix((uint64_t)(uintptr_t)e ^
	    str_mix((uint64_t)(uintptr_t)prov));

	return (size_t)(h & (t->size - 1));
}

/* Is (e, prov) in the set t (or e's first)?  prov interned. */
static int
pset_has(const struct pset *t, const struct entry *e, const char *prov)
{
	size_t j;

	if (e->pfirst == prov)
		return 1;
	if (t->size == 0)
		return 0;
	for (j = pslot_of(t, e, prov); t->v[j].e != NULL;
	    j = (j + 1) & (t->size - 1))
		if (t->v[j].e == e && t->v[j].prov == prov)
			return 1;
	return 0;
}

/* Add (e, prov); 1 when it is new. */
static int
pset_add(struct pool *p, struct entry *e, const char *prov)
{
	struct pset *t = &p->pset;
	struct pslot *old;
	size_t j, i, size;

	if (e->pfirst == NULL) {	/* most pools have one provider */
		e->pfirst = prov;
		return 1;
	}
	if (pset_has(t, e, prov))
		return 0;
	if (2 * (t->n + 1) > t->size) {
		old = t->v;
		size = t->size;
		t->size = size ? size * 2 : 256;
		t->v = xcalloc(t->size, sizeof(*t->v));
		for (i = 0; i < size; i++) {
			if (old[i].e == NULL)
				continue;
			for (j = pslot_of(t, old[i].e, old[i].prov); t->v[j].e;
			    j = (j + 1) & (t->size - 1))
				;
			t->v[j] = old[i];
		}
		free(old);
	}
	for (j = pslot_of(t, e, prov); t->v[j].e != NULL;
	    j = (j + 1) & (t->size - 1))
		;
	t->v[j].e = e;
	t->v[j].prov = prov;
	t->n++;
	return 1;
}

static struct entry *new_entry(struct pool *);

static struct entry *
find(struct pool *p, const struct session *s, unsigned long seq,
    const char *kprov)
{
	const char *payer = s->payer ? s->payer : "";
	const char *pat = intern_session(p, s->patient);
	struct entry *e;
	uint64_t h;
	size_t j;
	unsigned i;

	for (i = 0; seq == 0 && i < RECENT; i++)
		if ((e = p->recent[i]) != NULL && e->patient == pat &&
		    e->date == s->date && e->fam == s->family && e->seq == 0 &&
		    e->kprov == kprov)
			return e;
	h = key_hash(pat, s->date, s->family, seq, kprov);
	for (j = h & (p->tabsize - 1); (e = p->tab[j].e) != NULL;
	    j = (j + 1) & (p->tabsize - 1))
		if (p->tab[j].hash == h && e->patient == pat &&
		    e->date == s->date && e->fam == s->family && e->seq == seq &&
		    e->kprov == kprov) {
			p->recent[p->nextrecent++ % RECENT] = e;
			return e;
		}
	if (2 * (p->n + 1) > p->tabsize) {	/* at most half full */
		grow(p);
		for (j = h & (p->tabsize - 1); p->tab[j].e != NULL;
		    j = (j + 1) & (p->tabsize - 1))
			;
	}
	e = new_entry(p);
	e->patient = pat;
	e->date = s->date;
	e->fam = s->family;
	e->payer = intern_session(p, payer);
	e->kprov = kprov;
	if (s->file && (s->file != p->file_src ||
	    strcmp(s->file, p->file_in) != 0)) {
		p->file_src = s->file;	/* rows of one file name it alike */
		p->file_in = intern(p, s->file);
	}
	e->file = s->file ? p->file_in : NULL;
	e->line = s->line;
	e->seq = seq;
	p->tab[j].hash = h;
	p->tab[j].e = e;
	if (p->n == p->capall) {
		p->capall = p->capall ? p->capall * 2 : 1024;
		p->all = xreallocarray(p->all, p->capall, sizeof(*p->all));
	}
	p->all[p->n++] = e;
	p->recent[p->nextrecent++ % RECENT] = e;
	return e;
}

/* Insert [s, e) into the sorted disjoint list, merging what it meets. */
static void
add_interval(struct entry *en, long long s, long long e)
{
	size_t lo = 0, hi = en->niv, mid, j;

	while (lo < hi) {		/* the first interval ending at or after s */
		mid = (lo + hi) / 2;
		if (en->iv[mid].e < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = lo; j < en->niv && en->iv[j].s <= e; j++) {
		en->mlen -= en->iv[j].e - en->iv[j].s;
		if (en->iv[j].s < s)
			s = en->iv[j].s;
		if (en->iv[j].e > e)
			e = en->iv[j].e;
	}
	if (j == lo) {
		if (en->niv == en->capiv) {
			en->capiv = en->capiv ? en->capiv * 2 : 4;
			en->iv = xreallocarray(en->iv, en->capiv, sizeof(*en->iv));
		}
		memmove(en->iv + lo + 1, en->iv + lo,
		    (en->niv - lo) * sizeof(*en->iv));
		en->niv++;
	} else if (j > lo + 1) {
		memmove(en->iv + lo + 1, en->iv + j,
		    (en->niv - j) * sizeof(*en->iv));
		en->niv -= j - lo - 1;
	}
	en->iv[lo].s = s;
	en->iv[lo].e = e;
	en->mlen += e - s;
}

/* The pool's modifiers gain those of a session not yet among them. */
static void
add_modifiers(struct pool *p, struct entry *e, const char *mods)
{
	const char *q = mods, *b, *have = e->mods ? e->mods : "", *f;
	size_t n, k;
	char *t, *u;
	int found;

	t = xstrdup(have);
	while (*q) {
		while (*q == ':')
			q++;
		for (b = q; *q && *q != ':'; q++)
			;
		if ((n = (size_t)(q - b)) == 0)
			continue;
		/* already there? */
		found = 0;
		for (f = t; *f && !found; f += k + (f[k] == ':')) {
			k = strcspn(f, ":");
			found = k == n && strncasecmp(f, b, n) == 0;
		}
		if (found)
			continue;
		u = xasprintf("%s%s%.*s", t, *t ? ":" : "", (int)n, b);
		free(t);
		t = u;
	}
	if (strcmp(t, have) != 0)
		e->mods = intern(p, t);
	free(t);
}

static void	advance(struct pool *, int);
static void	bill_wait(struct pool *);
static void	add_now(struct pool *, const struct session *, void *);
static void	replay(struct pool *, int);

/* The id of s interned (0 for NULL), and the string of an id. */
static uint32_t
keep_str(struct pool *p, const char *s)
{
	return s ? intern_str(p, s)->id : 0;
}

static const char *
kept_str(const struct pool *p, uint32_t id)
{
	return p->strv[id];
}

static const void *
kept_ptr(const struct pool *p, uint32_t id)
{
	return id ? p->ptrs.v[id] : NULL;
}

/* A kept session's rare part, made on first need. */
static struct drare *
rare_of(struct pool *p, struct dsess *d)
{
	if (d->rare == 0) {
		if (p->nrares == p->caprares) {
			p->caprares = p->caprares ? p->caprares * 2 : 64;
			p->rares = xreallocarray(p->rares, p->caprares,
			    sizeof(*p->rares));
		}
		memset(&p->rares[p->nrares], 0, sizeof(*p->rares));
		d->rare = (uint32_t)++p->nrares;
	}
	return &p->rares[d->rare - 1];
}

static const char *
keep_text(struct pool *p, const char *s)
{
	size_t n;
	char *t;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	t = arena(p, n);
	memcpy(t, s, n);
	return t;
}

/*
 * Not streaming: the sessions are kept, to be put in date order at
 * pool_bill and billed as a streaming pool bills them, a day at a time,
 * in cache; a stable sort keeps each day's sessions in the order read.
 */
static void
defer(struct pool *p, const struct session *s, void *tag)
{
	struct dsess *d;

	/*
	 * Memory follows pools, not rows: past hold_max kept sessions they
	 * go, in date order, into pools held to the end (the sessions after
	 * them too, kept and put in the same way).
	 */
	if (p->nd >= p->hold_max) {
		replay(p, 0);
		p->held = 1;
	}
	if ((p->nd & (DCHUNK - 1)) == 0) {
		p->dchunks = xreallocarray(p->dchunks, (p->nd >> DCHUNK_BITS) + 1,
		    sizeof(*p->dchunks));
		p->dchunks[p->nd >> DCHUNK_BITS] = xmap(DCHUNK * sizeof(*d));
	}
	d = &p->dchunks[p->nd >> DCHUNK_BITS][p->nd & (DCHUNK - 1)];
	p->nd++;
	d->patient = keep_str(p, s->patient);
	d->payer = keep_str(p, s->payer);
	d->provider = keep_str(p, s->provider);
	d->file = keep_str(p, s->file);
	d->modifiers = keep_str(p, s->modifiers);
	d->units_code = ptrids_id(&p->ptrs, s->units_code);
	d->family = ptrids_id(&p->ptrs, s->family);
	d->start = s->start;
	/* a timed session's length is its end less its start (the readers
	 * make it so), an untimed one's start and end are 0 */
	d->span = s->timed ? s->end - s->start : s->seconds;
	d->units = (int32_t)s->units;
	d->date = s->date;
	d->notes = (unsigned char)s->notes;
	d->timed = s->timed != 0;
	d->alone = s->alone != 0;
	d->has_units = s->has_units != 0;
	d->rare = 0;
	if (s->line >= 0 && s->line < (long)UINT32_MAX)
		d->line = (uint32_t)s->line;
	else {
		d->line = UINT32_MAX;
		rare_of(p, d)->line = s->line;
	}
	if (tag != NULL)
		rare_of(p, d)->tag = tag;
	if (p->by_session) {
		/* the texts of a session's own line */
		struct drare *r = rare_of(p, d);

		r->texts[0] = keep_text(p, s->source);
		r->texts[1] = keep_text(p, s->start_text);
		r->texts[2] = keep_text(p, s->end_text);
	}
}

void
pool_add(struct pool *p, const struct session *s, void *tag)
{
	if (p->stream)
		add_now(p, s, tag);
	else
		defer(p, s, tag);
}

static void
add_now(struct pool *p, const struct session *s, void *tag)
{
	const char *prov = s->provider ? s->provider : "", *kprov = NULL;
	const char *iprov;
	unsigned long seq = 0;
	struct entry *e;

	if (p->stream) {
		/* a day already billed: the caller reads again, at once */
		if (p->fell_back || (p->have_cur && s->date < p->cur)) {
			p->fell_back = 1;
			bill_wait(p);	/* the report is the caller's now */
			if (tag)
				p->tag_free(tag);
			return;
		}
		if (p->have_cur && s->date > p->cur)
			advance(p, s->date);
		p->cur = s->date;
		p->have_cur = 1;
	}
	if (p->by_session || s->alone ||
	    rules_aggregate(p->rules, s->payer) == AGG_SESSION)
		seq = ++p->seq;
	iprov = *prov ? intern_session(p, prov) : NULL;	/* once a row */
	/* each rendering provider's minutes a pool (a claim line) of their own */
	if (rules_pool_by(p->rules, s->family) == POOL_PROVIDER && *prov)
		kprov = iprov;
	e = find(p, s, seq, kprov);
	e->alone = s->alone;
	if (*prov && e->prov1 == NULL)
		e->prov1 = iprov;
	if (s->modifiers && *s->modifiers)
		add_modifiers(p, e, s->modifiers);
	if (s->has_units) {
		size_t k;

		for (k = 0; k < e->nxu && e->xu[k].code != s->units_code; k++)
			;
		if (k == e->nxu) {
			e->xu = xreallocarray(e->xu, e->nxu + 1, sizeof(*e->xu));
			e->xu[e->nxu].code = s->units_code;
			e->xu[e->nxu++].units = 0;
		}
		e->xu[k].units += s->units;
		e->xrows++;
	}
	/*
	 * One pool per patient, date of service and family (SPEC §2), so the
	 * same minutes are never billed twice to two payers: the pool bills
	 * by the rules of the payer its first session names.
	 */
	if (e->sessions > 0 && strcmp(e->payer, s->payer ? s->payer : "") != 0)
		e->notes |= NOTE_PAYERS;
	e->sessions++;
	e->notes |= s->notes;
	if (p->by_session) {
		e->start_text = xstrdup(s->start_text ? s->start_text : "");
		e->end_text = xstrdup(s->end_text ? s->end_text : "");
		e->source = xstrdup(s->source ? s->source : "");
	}
	if (s->family->kind == KIND_ADDON) {
		e->adds = xreallocarray(e->adds, e->nadds + 1, sizeof(*e->adds));
		e->adds[e->nadds].provider = xstrdup(prov);
		e->adds[e->nadds].iprov = iprov;
		e->adds[e->nadds].tag = tag;
		e->adds[e->nadds++].seconds = s->seconds;
		return;
	}
	if (tag)
		p->tag_free(tag);
	if (s->timed) {
		add_interval(e, s->start, s->end);
		e->raw += s->end - s->start;
	} else
		e->loose += s->seconds;
	/* providers, for pairing add-ons with their primary */
	if (*prov == '\0')
		e->noprov = 1;
	else if (pset_add(p, e, iprov))
		e->nprov++;
}

/* Within a patient and date: the family's label, the provider, the
 * session number. */
static int
cmp_family_on(const struct entry *x, const struct entry *y)
{
	int c;

	if (x->fam != y->fam && (c = strcmp(rules_family_label(x->fam),
	    rules_family_label(y->fam))) != 0)
		return c;
	if (x->kprov != y->kprov && (c = strcmp(x->kprov ? x->kprov : "",
	    y->kprov ? y->kprov : "")) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;
	int c;

	if ((c = strcmp(x->patient, y->patient)) != 0)
		return c;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return cmp_family_on(x, y);
}

/*
 * The order of billing: cmp_entry's, but patients by their interned
 * pointer, not their spelling.  The lines are sorted for output anyway
 * (report_sort); what billing needs is each patient's entries together,
 * by date, and within a patient, date and family, cmp_entry's order (the
 * ties of the output keep it).
 */
static int
cmp_bill(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;

	if (x->patient != y->patient)
		return (uintptr_t)x->patient < (uintptr_t)y->patient ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return cmp_family_on(x, y);
}

struct billkey {
	uintptr_t	 patient;
	int		 date;
	struct entry	*e;
};

static int
cmp_billkey(const void *a, const void *b)
{
	const struct billkey *x = a, *y = b;

	if (x->patient != y->patient)
		return x->patient < y->patient ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return cmp_bill(&x->e, &y->e);
}

/*
 * cmp_billkey's order, stably, without qsort's calls: a radix sort on the
 * date and the patient's address, 11 bits a pass, a pass skipped where
 * every key has the same digit (most of a streamed day's), then the ties
 * of a patient and date (a few entries) by cmp_bill, inserted.
 */
#define RADIX_BITS	11
#define RADIX		(1u << RADIX_BITS)

/* Pass 0's key, the date (as unsigned, in order); pass 1's, the patient. */
static uint64_t
billkey_key(const struct billkey *k, int pass)
{
	return pass == 0 ? (uint64_t)(uint32_t)(k->date ^ INT32_MIN) :
	    (uint64_t)k->patient;
}

static void
sort_billkeys(struct billkey *v, size_t n)
{
	struct billkey *tmp, *src = v, *dst, *sw, x;
	size_t *count, i, j, k, m, sum, c;
	uint64_t key, lo, hi;
	int shift, pass, bits;

	if (n < 2)
		return;
	tmp = xcalloc(n, sizeof(*tmp));
	count = xcalloc(RADIX, sizeof(*count));
	dst = tmp;
	/* the date first (the lesser key), then the address */
	for (pass = 0; pass < 2; pass++) {
		lo = UINT64_MAX;
		hi = 0;
		for (i = 0; i < n; i++) {
			key = billkey_key(&src[i], pass);
			lo = key < lo ? key : lo;
			hi = key > hi ? key : hi;
		}
		/* only the bits where keys differ: above the highest one that
		 * lo and hi share (they bound every key) */
		for (bits = 0; bits < 64 && (lo ^ hi) >> bits; bits++)
			;
		for (shift = 0; shift < bits; shift += RADIX_BITS) {
			memset(count, 0, RADIX * sizeof(*count));
			for (i = 0; i < n; i++) {
				key = billkey_key(&src[i], pass);
				count[((key - lo) >> shift) & (RADIX - 1)]++;
			}
			for (i = sum = 0; i < RADIX; i++) {
				c = count[i];
				count[i] = sum;
				sum += c;
			}
			for (i = 0; i < n; i++) {
				key = billkey_key(&src[i], pass);
				dst[count[((key - lo) >> shift) & (RADIX - 1)]++] =
				    src[i];
			}
			sw = src, src = dst, dst = sw;
		}
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	/* ties of a patient and date: by cmp_bill, stably (a long run,
	 * sessions of their own, by glibc's merge sort) */
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && v[k].patient == v[i].patient &&
		    v[k].date == v[i].date; k++)
			;
		if (k - i > 16) {
			qsort(v + i, k - i, sizeof(*v), cmp_billkey);
			continue;
		}
		for (m = i + 1; m < k; m++) {
			x = v[m];
			for (j = m; j > i && cmp_bill(&v[j - 1].e, &x.e) > 0; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	}
	free(count);
	free(tmp);
}

/* Seconds the pool's intervals cover, kept as they are added. */
static long long
merged(const struct entry *e)
{
	return e->mlen;
}

/* Does primary entry p bill one of the codes the add-on family requires,
 * by the add-on's provider (when both name one)? */
static int
pairs(const struct pset *t, const struct entry *p,
    const struct rules_family *addon, const struct addon *a)
{
	size_t i, j;
	int code = 0;

	for (i = 0; i < p->billed.ncodes && !code; i++)
		for (j = 0; j < addon->nrequires; j++)
			if (strcasecmp(p->billed.codes[i].code,
			    addon->requires[j]) == 0)
				code = 1;
	if (!code || *a->provider == '\0' || p->noprov)
		return code;
	return a->iprov != NULL && pset_has(t, p, a->iprov);
}

/* "N minutes", or "N seconds" under a minute, into buf of 32. */
static const char *
span_text(long long secs, char *buf)
{
	if (secs >= 60)
		snprintf(buf, 32, "%lld minute%s", secs / 60,
		    secs / 60 == 1 ? "" : "s");
	else
		snprintf(buf, 32, "%lld second%s", secs, secs == 1 ? "" : "s");
	return buf;
}

/*
 * The export's own units against the rules' (SPEC §5): each code whose
 * sum over the pool's rows differs is a warning on the line and a
 * discrepancy of the report.
 */
static void
reconcile(struct report *rep, const struct entry *e, struct report_line *l)
{
	const char *code;
	long said, gave;
	size_t k, j, n;

	if (e->nxu == 0)
		return;
	n = e->nxu + l->ncodes;
	for (k = 0; k < n; k++) {
		/* the codes the export names, then those only the rules bill */
		if (k < e->nxu) {
			code = e->xu[k].code;
			said = e->xu[k].units;
		} else {
			code = l->codes[k - e->nxu].code;
			for (j = 0; j < e->nxu && strcasecmp(e->xu[j].code, code); j++)
				;
			if (j < e->nxu)
				continue;
			said = 0;
		}
		gave = 0;
		for (j = 0; j < l->ncodes; j++)
			if (strcasecmp(l->codes[j].code, code) == 0)
				gave = l->codes[j].units;
		if (said == gave)
			continue;
		report_warn(l, "the export says %ld unit%s of %s, the rules give "
		    "%ld (%ld row%s)", said, said == 1 ? "" : "s", code, gave,
		    e->xrows, e->xrows == 1 ? "" : "s");
		report_discrepancy(rep, l, code, said, gave, e->xrows);
	}
}

static void
add_line(struct report *rep, struct entry *e, const struct rule *rule,
    long minutes, long order)
{
	struct report_line *l;
	char t[32];
	size_t i;

	l = report_add(rep, e->patient, e->date, rules_family_label(e->fam),
	    minutes, &e->billed);
	l->order = order;
	l->file = e->file;
	l->line = e->line;
	/* a provider's pool names its provider; a patient's, its only one */
	l->provider = e->kprov ? e->kprov : e->nprov == 1 && !e->noprov &&
	    e->prov1 ? e->prov1 : "";
	l->payer = e->payer;
	l->modifiers = e->mods ? e->mods : "";
	if (e->source) {
		l->start = xstrdup(e->start_text);
		l->end = xstrdup(e->end_text);
		l->source = xstrdup(e->source);
	}
	if (e->raw > merged(e) && (e->raw - merged(e)) / 60 > 0)
		report_warn(l, "sessions overlap: %lld minutes counted once",
		    (e->raw - merged(e)) / 60);
	else if (e->raw > merged(e))
		report_warn(l, "sessions overlap: %lld seconds counted once",
		    e->raw - merged(e));
	if (e->notes & NOTE_MIDNIGHT)
		report_warn(l, "a session crosses midnight; billed on its start "
		    "date");
	if (e->dupprev > 0)
		report_warn(l, "%s already counted on the day before, by a "
		    "session that crossed midnight", span_text(e->dupprev, t));
	if (e->dup > e->dupprev)
		report_warn(l, "%s already counted in another line of this "
		    "patient, date and family (sessions rounded alone)",
		    span_text(e->dup - e->dupprev, t));
	if (e->notes & NOTE_PAYERS)
		report_warn(l, "its sessions name different payers; billed by "
		    "the rules of %s", *e->payer ? e->payer : "no payer");
	if (e->notes & NOTE_TWICE)
		report_warn(l, "a wall time that happens twice (daylight saving "
		    "ends) was taken as its first occurrence");
	reconcile(rep, e, l);
	for (i = 0; i < l->ncodes; i++) {
		if (l->codes[i].over == 0)
			continue;
		if (rule->mue == MUE_CAP)
			report_warn(l, "%s: %d unit%s over the daily limit of %d "
			    "cut (mue = cap)", l->codes[i].code, l->codes[i].over,
			    l->codes[i].over == 1 ? "" : "s", l->codes[i].units);
		else
			report_warn(l, "%s: %d units exceed the daily limit of %d; "
			    "kept (mue = warn)", l->codes[i].code,
			    l->codes[i].units, l->codes[i].units - l->codes[i].over);
	}
}

/* Intervals, sorted and disjoint, for the union of a group's pools. */
struct ivs {
	struct ival	*v;
	size_t		 n, cap;
};

/* Seconds of the sorted disjoint list a that the sorted disjoint b covers. */
static long long
covered(const struct ival *a, size_t na, const struct ival *b, size_t nb)
{
	long long t = 0, s, e;
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		s = a[i].s > b[j].s ? a[i].s : b[j].s;
		e = a[i].e < b[j].e ? a[i].e : b[j].e;
		if (e > s)
			t += e - s;
		if (a[i].e < b[j].e)
			i++;
		else
			j++;
	}
	return t;
}

/* u := u ∪ a, both sorted and disjoint. */
static void
unite(struct ivs *u, const struct ival *a, size_t na)
{
	struct ival *m;
	size_t i = 0, j = 0, k = 0;
	struct ival x;

	if (na == 0)
		return;
	m = xreallocarray(NULL, u->n + na, sizeof(*m));
	while (i < u->n || j < na) {
		if (j >= na || (i < u->n && u->v[i].s <= a[j].s))
			x = u->v[i++];
		else
			x = a[j++];
		if (k > 0 && x.s <= m[k - 1].e) {
			if (x.e > m[k - 1].e)
				m[k - 1].e = x.e;
		} else
			m[k++] = x;
	}
	free(u->v);
	u->v = m;
	u->n = k;
	u->cap = u->n + na;
}

static int
same_group(const struct entry *a, const struct entry *b)
{
	return a->date == b->date && a->fam == b->fam && a->kprov == b->kprov &&
	    a->patient == b->patient;
}

/*
 * Time is never counted twice (SPEC §2), across pools too: the pools of
 * one patient, date and family that are billed apart (sessions rounded
 * alone, for a payer's aggregate = session or --by session) count each
 * second once, the first pool taking it; and a session that crossed
 * midnight from the day before has counted its minutes after midnight
 * there, so the same patient and family's pool of the next day does not
 * count them again.  all is sorted; each entry's dup is set.
 */
static void
dedupe(struct entry **all, size_t n)
{
	struct ivs u = { NULL, 0, 0 }, prev = { NULL, 0, 0 };
	size_t i, j, k, g;
	long long c;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && same_group(all[j], all[i]); j++)
			;
		/* the day before's group of the same patient and family */
		prev.n = 0;
		for (g = i; g > 0 && all[g - 1]->date >= all[i]->date - 1 &&
		    all[g - 1]->patient == all[i]->patient; g--) {
			const struct entry *q = all[g - 1];

			if (q->date == all[i]->date - 1 &&
			    (q->notes & NOTE_MIDNIGHT) && q->kprov == all[i]->kprov &&
			    strcmp(rules_family_label(q->fam),
			    rules_family_label(all[i]->fam)) == 0)
				unite(&prev, q->iv, q->niv);
		}
		u.n = 0;
		for (k = i; k < j; k++) {
			struct entry *e = all[k];

			/* an event without a patient shares time with nobody */
			if (e->niv == 0 || e->alone)
				continue;
			c = prev.n ? covered(e->iv, e->niv, prev.v, prev.n) : 0;
			e->dupprev = c;
			if (u.n > 0) {
				/* what the group has not yet counted, of e */
				struct ivs left = { NULL, 0, 0 };

				unite(&left, prev.v, prev.n);
				unite(&left, u.v, u.n);
				c = covered(e->iv, e->niv, left.v, left.n);
				free(left.v);
			}
			e->dup = c;
			if (k + 1 < j)	/* what the group's next ones look at */
				unite(&u, e->iv, e->niv);
		}
	}
	free(u.v);
	free(prev.v);
}

/* An add-on session rejected: kept until the end (see struct pending). */
static void
defer_reject(struct pool *p, const struct entry *e, size_t j, char *why)
{
	struct pending *q;

	if (p->npend == p->cappend) {
		p->cappend = p->cappend ? p->cappend * 2 : 16;
		p->pend = xreallocarray(p->pend, p->cappend, sizeof(*p->pend));
	}
	q = &p->pend[p->npend++];
	q->patient = e->patient;
	q->date = e->date;
	q->fam = e->fam;
	q->kprov = e->kprov;
	q->seq = e->seq;
	q->j = j;
	q->tag = e->adds[j].tag;
	q->why = why;
	q->seconds = e->adds[j].seconds;
	e->adds[j].tag = NULL;		/* the pending reject's now */
}

static int
cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;
	struct entry ex, ey;
	const struct entry *px = &ex, *py = &ey;
	int c;

	memset(&ex, 0, sizeof(ex));
	memset(&ey, 0, sizeof(ey));
	ex.patient = x->patient, ex.date = x->date, ex.fam = x->fam;
	ex.kprov = x->kprov, ex.seq = x->seq;
	ey.patient = y->patient, ey.date = y->date, ey.fam = y->fam;
	ey.kprov = y->kprov, ey.seq = y->seq;
	if ((c = cmp_entry(&px, &py)) != 0)
		return c;
	return x->j < y->j ? -1 : x->j > y->j;
}

/*
 * Bill the entries of src[] not yet billed, beside those kept from the day
 * before (for the midnight check), their providers in t.  The order of the
 * lines (their ties) and of the rejects is that of billing every pool at
 * once.
 */
static void
bill_entries(struct pool *p, struct entry *const *src, size_t n,
    const struct pset *t)
{
	struct entry **all, **q, *e;
	struct report *rep = p->rep;
	struct rule rule;
	size_t i, j, k, lo, hi;
	char *list, *why;
	long minutes, base = p->order;
	int ok;

	all = xcalloc(n ? n : 1, sizeof(*all));
	if (n > 1) {
		/* on the two integers first, the entries only on their ties */
		struct billkey *bk = xcalloc(n, sizeof(*bk));

		for (i = 0; i < n; i++) {
			bk[i].patient = (uintptr_t)src[i]->patient;
			bk[i].date = src[i]->date;
			bk[i].e = src[i];
		}
		sort_billkeys(bk, n);
		for (i = 0; i < n; i++)
			all[i] = bk[i].e;
		free(bk);
	} else if (n == 1)
		all[0] = src[0];
	dedupe(all, n);

	/* primaries first: add-ons are judged by what they billed */
	for (i = 0; i < n; i++) {
		e = all[i];
		if (e->fam->kind == KIND_ADDON || e->done)
			continue;
		rules_resolve(p->rules, e->fam, *e->payer ? e->payer : NULL, &rule);
		minutes = (long)((merged(e) - e->dup + e->loose) / 60);
		units_compute(&rule, minutes, e->sessions, &e->billed);
		add_line(rep, e, &rule, minutes, base + (long)i);
	}
	for (i = 0; i < n; i++) {
		e = all[i];
		if (e->fam->kind != KIND_ADDON || e->done)
			continue;
		/* the entries of the same patient and date sit around i */
		for (lo = i; lo > 0 && all[lo - 1]->date == e->date &&
		    all[lo - 1]->patient == e->patient; lo--)
			;
		for (hi = i + 1; hi < n && all[hi]->date == e->date &&
		    all[hi]->patient == e->patient; hi++)
			;
		k = 0;
		e->loose = 0;	/* the minutes of the add-ons that bill */
		for (j = 0; j < e->nadds; j++) {
			ok = 0;
			/* without a patient, pooled with nothing: no primary */
			for (q = all + lo; q < all + hi && !ok && !e->alone; q++)
				ok = (*q)->fam->kind != KIND_ADDON &&
				    pairs(t, *q, e->fam, &e->adds[j]);
			if (ok) {
				k++;
				e->loose += e->adds[j].seconds;
				continue;
			}
			list = str_join_or(e->fam->requires, e->fam->nrequires);
			if (e->alone)
				why = xasprintf("code: %s is an add-on, and an "
				    "event without a patient is paired with no "
				    "%s (give --patient or --summary-pattern)",
				    e->fam->code[0], list);
			else
				why = xasprintf("code: %s is an add-on, and no %s "
				    "is billed for this patient on this date%s",
				    e->fam->code[0], list, *e->adds[j].provider ?
				    " by the same provider" : "");
			defer_reject(p, e, j, why);
			free(list);
		}
		if (k == 0)
			continue;
		rules_resolve(p->rules, e->fam, *e->payer ? e->payer : NULL, &rule);
		units_compute(&rule, 0, (int)k, &e->billed);
		add_line(rep, e, &rule, (long)((merged(e) + e->loose) / 60),
		    base + (long)i);
	}
	for (i = 0; i < n; i++)
		all[i]->done = 1;
	p->order += (long)n;
	free(all);
}

/* Bill the open entries here, with the pool's own set. */
static void
bill_open(struct pool *p)
{
	bill_entries(p, p->all, p->n, &p->pset);
}

static void
pset_free(struct pset *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static void	free_entry(struct pool *, struct entry *);

static void *
biller_main(void *arg)
{
	struct pool *p = arg;
	struct biller *b = p->bl;
	struct bjob *j;

	thread_helper_start();

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (b->count == 0 && !b->quit)
			pthread_cond_wait(&b->cv, &b->mu);
		if (b->count == 0)
			break;
		j = &b->job[b->head];
		pthread_mutex_unlock(&b->mu);
		bill_entries(p, j->all, j->n, &j->pset);
		pthread_mutex_lock(&b->mu);
		b->head = (b->head + 1) % BJOBS;
		b->count--;
		pthread_cond_broadcast(&b->cv);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* A job done: free what it let go. */
static void
bjob_clear(struct pool *p, struct bjob *j)
{
	size_t i;

	for (i = 0; i < j->ngone; i++)
		free_entry(p, j->gone[i]);
	j->ngone = 0;
	j->n = 0;
	pset_free(&j->pset);
}

/* Wait until fewer than most jobs are given; the free job, cleared. */
static struct bjob *
bill_room(struct pool *p, int most)
{
	struct biller *b = p->bl;
	int i, k, n;

	pthread_mutex_lock(&b->mu);
	while (b->count >= most)
		pthread_cond_wait(&b->cv, &b->mu);
	n = b->count;
	k = (b->head + n) % BJOBS;
	pthread_mutex_unlock(&b->mu);
	/* the jobs not given are done: what they let go is the caller's */
	for (i = 0; i < BJOBS - n; i++)
		bjob_clear(p, &b->job[(k + i) % BJOBS]);
	return &b->job[k];
}

/* Wait for the days being billed, if any, and free what they let go. */
static void
bill_wait(struct pool *p)
{
	if (p->bl != NULL)
		(void)bill_room(p, 1);
}

/* End billing's thread (after its days). */
static void
biller_stop(struct pool *p)
{
	struct biller *b = p->bl;
	int i;

	if (b == NULL)
		return;
	bill_wait(p);
	pthread_mutex_lock(&b->mu);
	b->quit = 1;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	pthread_join(b->th, NULL);
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	for (i = 0; i < BJOBS; i++) {
		free(b->job[i].all);
		free(b->job[i].gone);
	}
	free(b);
	p->bl = NULL;
}

/* Billing's thread, started on the first day billed; NULL when none
 * could start (billing is done here, the same way). */
static struct biller *
biller(struct pool *p)
{
	struct biller *b;

	if (p->bl != NULL || p->nobiller)
		return p->bl;
	b = xcalloc(1, sizeof(*b));
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	p->bl = b;
	if (pthread_create(&b->th, NULL, biller_main, p) != 0) {
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
		free(b);
		p->bl = NULL;
		p->nobiller = 1;
	}
	return p->bl;
}

/*
 * Entries come and go a day at a time: one let go is kept, with its
 * intervals' array, for the next pool, instead of a free and a malloc.
 */
static struct entry *
new_entry(struct pool *p)
{
	struct entry *e = p->freeents;
	struct ival *iv;
	size_t cap;

	if (e == NULL)
		return xcalloc(1, sizeof(*e));
	p->freeents = e->nextfree;
	iv = e->iv;
	cap = e->capiv;
	memset(e, 0, sizeof(*e));
	e->iv = iv;
	e->capiv = cap;
	return e;
}

static void
free_entry(struct pool *p, struct entry *e)
{
	size_t j;

	free(e->xu);
	for (j = 0; j < e->nadds; j++) {
		free(e->adds[j].provider);
		if (e->adds[j].tag)
			p->tag_free(e->adds[j].tag);
	}
	free(e->adds);
	free(e->start_text);
	free(e->end_text);
	free(e->source);
	e->nextfree = p->freeents;
	p->freeents = e;
}

/*
 * Streaming: a session of a later day than the current one bills the
 * current day's pools and frees those no later day needs: only the pools
 * of the day just before `date` with a session past midnight are kept,
 * billed, for the next day's check (dedupe); no session can reach them
 * (one of their day falls back), so they leave the table and the pairs.
 */
static void
advance(struct pool *p, int date)
{
	struct biller *b;
	struct bjob *j = NULL;
	size_t i, k;
	struct entry *e;

	if ((b = biller(p)) == NULL)
		bill_open(p);
	else {
		/* the day to the thread, with its set */
		j = bill_room(p, BJOBS);
		if (p->n > j->cap) {
			j->cap = p->n;
			free(j->all);
			free(j->gone);
			j->all = xcalloc(j->cap, sizeof(*j->all));
			j->gone = xcalloc(j->cap, sizeof(*j->gone));
		}
		memcpy(j->all, p->all, p->n * sizeof(*j->all));
		j->n = p->n;
		j->pset = p->pset;
		memset(&p->pset, 0, sizeof(p->pset));
	}
	/* which entries the next day keeps is known now, by their date and
	 * notes (not their bill): the others are freed, once billed */
	for (i = k = 0; i < p->n; i++) {
		e = p->all[i];
		if (e->date == date - 1 && (e->notes & NOTE_MIDNIGHT))
			p->all[k++] = e;
		else if (j != NULL)
			j->gone[j->ngone++] = e;
		else
			free_entry(p, e);
	}
	p->n = k;
	if (j != NULL) {
		pthread_mutex_lock(&b->mu);
		b->count++;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
	} else
		pset_free(&p->pset);
	memset(p->tab, 0, p->tabsize * sizeof(*p->tab));
	memset(p->recent, 0, sizeof(p->recent));
}

static struct dsess *
dsess_at(const struct pool *p, size_t i)
{
	return &p->dchunks[i >> DCHUNK_BITS][i & (DCHUNK - 1)];
}

/*
 * The kept sessions put in date order (stably), by a counting sort that
 * reads them in the order kept and writes each into its date's run of
 * new chunks: one pass, each read in order and each write the next of
 * its date's, where following the cycles of the order in place (as when
 * the dates are too far apart for counting) is a miss a session.  A
 * chunk read through is given back at once and a new one takes its pages
 * as they are written, so the two together hold the sessions once.  -1
 * when the dates span too wide a range for it.
 */
static int
scatter_by_date(struct pool *p)
{
	size_t i, j, n = p->nd, range, *at;
	size_t nch = (n + DCHUNK - 1) >> DCHUNK_BITS;
	const size_t csize = DCHUNK * sizeof(struct dsess);
	struct dsess **to;
	const struct dsess *d;
	int dmin = INT_MAX, dmax = INT_MIN;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		d = dsess_at(p, i);
		if (d->date < dmin)
			dmin = d->date;
		if (d->date > dmax)
			dmax = d->date;
	}
	range = (size_t)((long long)dmax - dmin) + 1;
	if (range > 4 * n + 4096)
		return -1;
	at = xcalloc(range + 1, sizeof(*at));
	for (i = 0; i < n; i++)
		at[dsess_at(p, i)->date - dmin + 1]++;
	for (i = 1; i <= range; i++)
		at[i] += at[i - 1];
	to = xcalloc(nch, sizeof(*to));
	for (i = 0; i < n; i++) {
		d = dsess_at(p, i);
		j = at[d->date - dmin]++;
		if (to[j >> DCHUNK_BITS] == NULL)
			to[j >> DCHUNK_BITS] = xmap(csize);
		to[j >> DCHUNK_BITS][j & (DCHUNK - 1)] = *d;
		if ((i & (DCHUNK - 1)) == DCHUNK - 1 || i + 1 == n) {
			xunmap(p->dchunks[i >> DCHUNK_BITS], csize);
			p->dchunks[i >> DCHUNK_BITS] = NULL;
		}
	}
	free(p->dchunks);
	p->dchunks = to;
	free(at);
	return 0;
}

static const struct pool *sort_pool;	/* for cmp_dsess: qsort has no arg */

static int
cmp_dsess(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int dx = dsess_at(sort_pool, x)->date;
	int dy = dsess_at(sort_pool, y)->date;

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The kept sessions, in date order, into the pools: through the streaming
 * path (stream), or into pools held to the end.
 */
static void
replay(struct pool *p, int stream)
{
	uint32_t *v;
	size_t i, n = p->nd;
	struct dsess *d;
	struct session s;
	void *tag;

	v = NULL;
	if (scatter_by_date(p) != 0) {
		v = xcalloc(n ? n : 1, sizeof(*v));
		for (i = 0; i < n; i++)
			v[i] = (uint32_t)i;
		sort_pool = p;
		qsort(v, n, sizeof(*v), cmp_dsess);
	}
	/*
	 * Moved into that order where they lie (place i takes session v[i],
	 * each cycle followed with one spare), so that each chunk is let go
	 * once read through: the kept sessions shrink as the pools they make
	 * and the report's lines grow.
	 */
	for (i = 0; v != NULL && i < n; i++) {
		struct dsess tmp;
		size_t j, nx;

		if (v[i] == i)
			continue;
		tmp = *dsess_at(p, i);
		for (j = i; v[j] != i; j = nx) {
			nx = v[j];
			*dsess_at(p, j) = *dsess_at(p, nx);
			v[j] = (uint32_t)j;
		}
		*dsess_at(p, j) = tmp;
		v[j] = (uint32_t)j;
	}
	free(v);
	p->stream = stream;
	p->replaying = 1;
	for (i = 0; i < n; i++) {
		d = dsess_at(p, i);
		memset(&s, 0, sizeof(s));
		s.patient = kept_str(p, d->patient);
		s.payer = kept_str(p, d->payer);
		s.provider = kept_str(p, d->provider);
		s.file = kept_str(p, d->file);
		s.modifiers = kept_str(p, d->modifiers);
		s.units_code = kept_ptr(p, d->units_code);
		s.family = kept_ptr(p, d->family);
		s.start = d->start;
		s.end = d->timed ? d->start + d->span : 0;
		s.seconds = (long)d->span;
		s.line = d->line;
		s.units = d->units;
		s.date = d->date;
		s.notes = d->notes;
		s.timed = d->timed;
		s.alone = d->alone;
		s.has_units = d->has_units;
		tag = NULL;
		if (d->rare) {
			struct drare *r = &p->rares[d->rare - 1];

			s.source = r->texts[0];
			s.start_text = r->texts[1];
			s.end_text = r->texts[2];
			if (d->line == UINT32_MAX)
				s.line = r->line;
			tag = r->tag;
			r->tag = NULL;
		}
		add_now(p, &s, tag);
		if ((i & (DCHUNK - 1)) == DCHUNK - 1) {	/* read through */
			xunmap(p->dchunks[i >> DCHUNK_BITS],
			    DCHUNK * sizeof(struct dsess));
			p->dchunks[i >> DCHUNK_BITS] = NULL;
		}
	}
	p->replaying = 0;
	for (i = 0; i < (n + DCHUNK - 1) >> DCHUNK_BITS; i++)
		xunmap(p->dchunks[i], DCHUNK * sizeof(struct dsess));
	free(p->dchunks);
	p->dchunks = NULL;
	p->nd = 0;
	free(p->rares);
	p->rares = NULL;
	p->nrares = p->caprares = 0;
}

void
pool_stream(struct pool *p, struct report *rep, pool_reject_fn *reject,
    void *arg)
{
	p->stream = 1;
	p->rep = rep;
	p->reject = reject;
	p->arg = arg;
}

int
pool_day(const struct pool *p, int *day)
{
	*day = p->cur;
	return p->stream && p->have_cur && !p->fell_back;
}

void
pool_set_hold(struct pool *p, size_t n)
{
	p->hold_max = n ? n : 1;
}

void
pool_fall_back(struct pool *p)
{
	if (p->stream) {
		p->fell_back = 1;
		bill_wait(p);	/* the report is the caller's now */
	}
}

int
pool_fell_back(const struct pool *p)
{
	return p->fell_back;
}

void
pool_bill(struct pool *p, struct report *rep, pool_reject_fn *reject,
    void *arg)
{
	size_t i;

	biller_stop(p);		/* the days streamed, billed */
	p->rep = rep;
	p->reject = reject;
	p->arg = arg;
	/* kept sessions bill a day at a time, unless there were too many
	 * to keep: then every pool is held and billed at once, the same way */
	if (p->nd > 0 || p->held)
		replay(p, !p->held);
	biller_stop(p);		/* the day before, billed */
	bill_open(p);
	if (p->npend > 1)
		qsort(p->pend, p->npend, sizeof(*p->pend), cmp_pending);
	for (i = 0; i < p->npend; i++) {
		if (reject)
			reject(arg, p->pend[i].tag, p->pend[i].why,
			    p->pend[i].seconds);
		if (p->pend[i].tag)
			p->tag_free(p->pend[i].tag);
		free(p->pend[i].why);
	}
	free(p->pend);
	p->pend = NULL;
	p->npend = p->cappend = 0;
}

void
pool_free(struct pool *p)
{
	struct block *b;
	struct entry *e;
	size_t i;

	if (p == NULL)
		return;
	biller_stop(p);
	for (i = 0; i < p->n; i++)
		free_entry(p, p->all[i]);
	while ((e = p->freeents) != NULL) {
		p->freeents = e->nextfree;
		free(e->iv);
		free(e);
	}
	for (i = 0; i < p->npend; i++) {
		if (p->pend[i].tag)
			p->tag_free(p->pend[i].tag);
		free(p->pend[i].why);
	}
	free(p->pend);
	for (i = 0; i < p->nrares; i++)
		if (p->rares[i].tag)
			p->tag_free(p->rares[i].tag);
	free(p->rares);
	ptrids_free(&p->ptrs);
	for (i = 0; i < (p->nd + DCHUNK - 1) >> DCHUNK_BITS; i++)
		xunmap(p->dchunks[i], DCHUNK * sizeof(struct dsess));
	free(p->dchunks);
	while ((b = p->blocks) != NULL) {
		p->blocks = b->next;
		free(b);
	}
	free(p->strs);
	free(p->strv);
	free(p->pset.v);
	free(p->all);
	free(p->tab);
	free(p);
}
