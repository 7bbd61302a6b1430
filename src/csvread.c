/*
 * csvread: libcsv fed line by line.  A record in progress is one that has
 * begun (a non-blank line was fed) and whose row has not ended; blank
 * lines between records are skipped without feeding them, as libcsv would.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "csvread.h"
#include "strutil.h"
#include "thread.h"

struct pending {
	size_t		f0, nf;		/* its fields in the arena */
	long		line;
	int		problem;
	int		hashed;		/* hash is set (reading ahead) */
	uint64_t	hash;
};

#define BLOCK	(64 * 1024)

/*
 * Reading ahead (csvread_ahead): a thread of its own reads and splits the
 * input into batches of records while the caller works on the batch before.
 * Three batches go round: one filled, one ready, one being read.
 */
#define AHEAD_RECS	2048
#define AHEAD_N		3

struct batch {
	char		*buf;
	size_t		 bcap;
	size_t		*off, *flen;
	size_t		 capf;
	struct pending	*recs;
	size_t		 nrecs, caprecs;
	int		 full;		/* filled, not yet read through */
	int		 end;		/* the input ends after these */
	int		 err;		/* and then: 0, or a read error's errno */
	int		 delim;
};

static void	stop_ahead(struct csvread *);

struct ahead {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct batch	 b[AHEAD_N];
	int		 stop;		/* the reader is freed: end early */
	size_t		 fill;		/* the batch the thread fills next */
	size_t		 cur;		/* the batch the caller reads */
	int		 holding;	/* it holds b[cur], read up to head */
	size_t		 head;
};

struct csvread {
	/*
	 * The caller's, reading ahead: kept off the cache lines of the
	 * thread's fields below, which it writes a record at a time (a line
	 * both write goes back and forth between the cores each time).
	 */
	struct csvrec		 out;
	size_t			 capout;
	int			 want_ahead;	/* csvread_ahead, not started */
	size_t			 batch;		/* records a batch */
	struct ahead		*ahead;		/* the thread, once started */
	char			 apart[128];

	FILE			*fp;
	struct csv_parser	 p;
	char			*in;		/* input block */
	size_t			 inlen, inpos, incap;
	int			 ineof;
	long			 lineno;
	int			 eof, first;
	int			 delim;		/* 0: sniff from the first line */
	int			 cp1252;	/* Windows-1252 text, read as UTF-8 */
	char			*conv;		/* a line in UTF-8 */
	size_t			 convcap;
	int			 sniffed;
	int			 libcsv_only;	/* no fast path (the fuzzer's) */

	char			*buf;		/* field bytes of pending records */
	size_t			 blen, bcap;
	size_t			*off, *flen;	/* per field */
	size_t			 nf, capf;
	struct pending		*recs;
	size_t			 nrecs, caprecs, head;

	long			 rec_line;	/* start of the record in progress; 0 none */
	size_t			 rec_f0;
	int			 rec_problem;
	size_t			 rec_bytes;

	struct csvrec		 hrec;		/* the thread's, for hashing */
	size_t			 caph;
};

static void
on_field(void *s, size_t len, void *arg)
{
	struct csvread *r = arg;

	if (r->rec_line == 0) {		/* a second record on one line (CR) */
		r->rec_line = r->lineno;
		r->rec_f0 = r->nf;
	}
	while (r->blen + len + 1 > r->bcap) {
		r->bcap = r->bcap ? r->bcap * 2 : 4096;
		r->buf = xreallocarray(r->buf, r->bcap, 1);
	}
	if (r->nf == r->capf) {
		r->capf = r->capf ? r->capf * 2 : 64;
		r->off = xreallocarray(r->off, r->capf, sizeof(*r->off));
		r->flen = xreallocarray(r->flen, r->capf, sizeof(*r->flen));
	}
	if (len)
		memcpy(r->buf + r->blen, s, len);
	r->buf[r->blen + len] = '\0';
	r->off[r->nf] = r->blen;
	r->flen[r->nf++] = len;
	r->blen += len + 1;
}

static void
on_row(int c, void *arg)
{
	struct csvread *r = arg;
	struct pending *p;

	(void)c;
	if (r->nrecs == r->caprecs) {
		r->caprecs = r->caprecs ? r->caprecs * 2 : 4;
		r->recs = xreallocarray(r->recs, r->caprecs, sizeof(*r->recs));
	}
	p = &r->recs[r->nrecs++];
	p->f0 = r->rec_f0;
	p->nf = r->nf - r->rec_f0;
	p->line = r->rec_line ? r->rec_line : r->lineno;
	p->problem = r->rec_problem;
	p->hashed = 0;
	r->rec_line = 0;
	r->rec_problem = 0;
	r->rec_f0 = r->nf;
}

/* With tab as the separator, only a blank is white space around a field. */
static int
blank_only(unsigned char c)
{
	return c == ' ';
}

/* The parser set for the separator in use. */
static int
parser_init(struct csvread *r)
{
	if (csv_init(&r->p, 0) != 0)
		return -1;
	if (r->delim) {
		csv_set_delim(&r->p, (unsigned char)r->delim);
		if (r->delim == '\t')
			csv_set_space_func(&r->p, blank_only);
	}
	return 0;
}

/*
 * The separator of a header line: the most frequent of ',' ';' and tab
 * outside quotes (',' on a tie), as spreadsheets in a comma-decimal
 * locale save ';' and reports save tab.
 */
static int
sniff(const char *s, size_t n)
{
	size_t i, c = 0, sc = 0, t = 0;
	int quoted = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			c += s[i] == ',', sc += s[i] == ';', t += s[i] == '\t';
	}
	if (c + sc + t == 0)
		return 0;
	if (sc > c && sc >= t)
		return ';';
	if (t > c && t > sc)
		return '\t';
	return ',';
}

struct csvread *
csvread_new(FILE *fp, int delim)
{
	struct csvread *r = xcalloc(1, sizeof(*r));

	r->fp = fp;
	r->first = 1;
	r->delim = delim;
	r->sniffed = delim != 0;
	r->incap = BLOCK;
	r->in = xmalloc(r->incap);
	if (parser_init(r) != 0) {
		free(r->in);
		free(r);
		return NULL;
	}
	return r;
}

void
csvread_set_cp1252(struct csvread *r)
{
	r->cp1252 = 1;
}

/*
 * Windows-1252 to UTF-8 (0x80-0x9F as Microsoft defines them, the five
 * bytes it leaves undefined as the C1 controls of the same number; the
 * rest is Latin-1).  Returns the new length; the text is in r->conv.
 */
static size_t
from_cp1252(struct csvread *r, const char *s, size_t n)
{
	static const unsigned short c1[32] = {
		0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
		0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178
	};
	size_t i, w = 0;
	unsigned c, u;

	if (3 * n + 1 > r->convcap) {
		r->convcap = 3 * n + 1;
		r->conv = xreallocarray(r->conv, r->convcap, 1);
	}
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x80) {
			r->conv[w++] = (char)c;
			continue;
		}
		u = c < 0xa0 ? c1[c - 0x80] : c;
		if (u < 0x800) {
			r->conv[w++] = (char)(0xc0 | u >> 6);
			r->conv[w++] = (char)(0x80 | (u & 0x3f));
		} else {
			r->conv[w++] = (char)(0xe0 | u >> 12);
			r->conv[w++] = (char)(0x80 | (u >> 6 & 0x3f));
			r->conv[w++] = (char)(0x80 | (u & 0x3f));
		}
	}
	return w;
}

int
csvread_delim(const struct csvread *r)
{
	int d = r->delim;

	if (r->ahead != NULL)	/* the thread's, as of the records read */
		d = r->ahead->holding ? r->ahead->b[r->ahead->cur].delim : 0;

	return d ? d : ',';
}

void
csvread_free(struct csvread *r)
{
	if (r == NULL)
		return;
	if (r->ahead != NULL)
		stop_ahead(r);
	csv_free(&r->p);
	free(r->in);
	free(r->conv);
	free(r->buf);
	free(r->off);
	free(r->flen);
	free(r->recs);
	free(r->out.field);
	free(r->out.len);
	free(r->hrec.field);
	free(r->hrec.len);
	free(r);
}

/* 1 when s[0..n) is UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t w;

	while (i < n) {
		/* ASCII eight bytes at a time */
		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			i++;
		} else if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			if (i + 1 >= n || (s[i + 1] & 0xc0) != 0x80)
				return 0;
			i += 2;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			if (i + 2 >= n || (s[i + 1] & 0xc0) != 0x80 ||
			    (s[i + 2] & 0xc0) != 0x80)
				return 0;
			if (s[i] == 0xe0 && s[i + 1] < 0xa0)
				return 0;
			if (s[i] == 0xed && s[i + 1] > 0x9f)
				return 0;
			i += 3;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			if (i + 3 >= n || (s[i + 1] & 0xc0) != 0x80 ||
			    (s[i + 2] & 0xc0) != 0x80 || (s[i + 3] & 0xc0) != 0x80)
				return 0;
			if (s[i] == 0xf0 && s[i + 1] < 0x90)
				return 0;
			if (s[i] == 0xf4 && s[i + 1] > 0x8f)
				return 0;
			i += 4;
		} else
			return 0;
	}
	return 1;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/*
 * The next physical line, newline included, from the block buffer.
 * Returns its length, 0 at the end of input, -1 on a read error; a line
 * longer than CSV_MAX_RECORD is consumed whole and *toolong set, with only
 * its first bytes returned.
 */
static ssize_t
next_line(struct csvread *r, char **line, int *toolong)
{
	char *nl, *cr, *start, *end;
	size_t got;

	*toolong = 0;
	for (;;) {
		start = r->in + r->inpos;
		end = r->in + r->inlen;
		nl = memchr(start, '\n', (size_t)(end - start));
		/* a CR not followed by LF ends a line too (old Mac exports) */
		cr = memchr(start, '\r', (size_t)((nl ? nl : end) - start));
		if (cr != NULL && cr + 1 < end && cr[1] != '\n')
			nl = cr;
		else if (cr != NULL && cr + 1 == end && nl == NULL && r->ineof)
			nl = cr;
		if (nl != NULL && !(nl == cr && cr + 1 == end && !r->ineof)) {
			*line = start;
			got = (size_t)(nl - start) + 1;
			r->inpos += got;
			return (ssize_t)got;
		}
		if (r->ineof) {
			got = r->inlen - r->inpos;
			*line = r->in + r->inpos;
			r->inpos = r->inlen;
			return (ssize_t)got;
		}
		/* keep the partial line, make room, read on */
		if (r->inpos > 0) {
			memmove(r->in, r->in + r->inpos, r->inlen - r->inpos);
			r->inlen -= r->inpos;
			r->inpos = 0;
		}
		if (r->inlen == r->incap) {
			if (r->incap >= CSV_MAX_RECORD) {
				/* too long: skip to its end, hand over its start */
				*toolong = 1;
				do {
					nl = memchr(r->in, '\n', r->inlen);
					if (nl != NULL) {
						r->inpos = (size_t)(nl - r->in) + 1;
						break;
					}
					r->inlen = fread(r->in, 1, r->incap, r->fp);
				} while (r->inlen > 0);
				if (r->inlen == 0) {
					if (ferror(r->fp))
						return -1;
					r->ineof = 1;
				}
				*line = r->in;
				return 1;
			}
			r->incap = r->incap ? r->incap * 2 : BLOCK;
			r->in = xreallocarray(r->in, r->incap, 1);
		}
		got = fread(r->in + r->inlen, 1, r->incap - r->inlen, r->fp);
		r->inlen += got;
		if (got == 0) {
			if (ferror(r->fp))
				return -1;
			r->ineof = 1;
		}
	}
}

/*
 * The fast path: a line that is a whole record of plain fields (no quote)
 * and quoted ones (doubled quotes inside, blanks around, nothing else
 * after the closing quote) is split here, with memchr, the way libcsv
 * would split it: blanks around a plain field dropped (spaces and tabs,
 * only spaces when tab separates), doubled quotes undone.  Anything else
 * (a quote inside a plain field, a quoted field going on to the next
 * line, text after a closing quote) is left to libcsv: 0, nothing kept.
 * tests/fuzz/fuzz_csv.c holds the two to the same records.
 */
static int
fast_line(struct csvread *r, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *b, *q, *e, *t;
	size_t nf0 = r->nf, blen0 = r->blen, k;
	int delim = r->delim ? r->delim : ',', tab = delim == '\t', esc;
	char *o;

#define BLANK(c)	((c) == ' ' || (!tab && (c) == '\t'))
	if (end > p && end[-1] == '\n')
		end--;
	if (end > p && end[-1] == '\r')
		end--;
	if (memchr(p, '\r', (size_t)(end - p)) != NULL ||
	    memchr(p, '\n', (size_t)(end - p)) != NULL)
		return 0;
	for (;;) {
		while (p < end && BLANK(*p))
			p++;
		if (p < end && *p == '"') {
			b = ++p;
			esc = 0;
			for (;;) {
				if ((q = memchr(p, '"', (size_t)(end - p))) == NULL)
					goto slow;	/* goes on to the next line */
				if (q + 1 < end && q[1] == '"') {
					esc = 1;
					p = q + 2;
					continue;
				}
				break;
			}
			for (p = q + 1; p < end && BLANK(*p); p++)
				;
			if (p < end && *p != delim)
				goto slow;
			on_field((void *)(uintptr_t)b, (size_t)(q - b), r);
			if (esc) {
				/* the doubled quotes undone in the copy */
				o = r->buf + r->off[r->nf - 1];
				for (k = 0, t = b; t < q; t++) {
					o[k++] = *t;
					if (*t == '"')
						t++;
				}
				o[k] = '\0';
				r->flen[r->nf - 1] = k;
				r->blen = r->off[r->nf - 1] + k + 1;
			}
		} else {
			b = p;
			e = memchr(p, delim, (size_t)(end - p));
			if (e == NULL)
				e = end;
			if (memchr(b, '"', (size_t)(e - b)) != NULL)
				goto slow;
			for (t = e; t > b && BLANK(t[-1]); t--)
				;
			on_field((void *)(uintptr_t)b, (size_t)(t - b), r);
			p = e;
		}
		if (p >= end)
			break;
		p++;			/* past the separator */
	}
#undef BLANK
	on_row(0, r);
	return 1;
slow:
	r->nf = nf0;
	r->blen = blen0;
	return 0;
}

void
csvread_libcsv_only(struct csvread *r)
{
	r->libcsv_only = 1;
}

/* End the record in progress as too long: its fields are dropped. */
static void
cut_record(struct csvread *r)
{
	csv_free(&r->p);
	parser_init(r);
	r->nf = r->rec_f0;
	r->blen = r->nf ? r->off[r->nf - 1] + r->flen[r->nf - 1] + 1 : 0;
	r->rec_problem |= CSVP_TOOLONG;
	on_row(0, r);
}

/*
 * Feed lines until a record is pending or the input ends; batch: until
 * a batch of them is, and no record is in progress (its fields would be
 * split between two batches).
 */
static int
fill(struct csvread *r, int batch)
{
	ssize_t n;
	char *s;
	int toolong, fresh;

	while ((batch ? r->nrecs < r->batch || r->rec_line != 0 :
	    r->head == r->nrecs) && !r->eof) {
		/* records handed out are done with: reuse the arena */
		if (r->rec_line == 0 && r->head == r->nrecs) {
			r->blen = r->nf = r->rec_f0 = 0;
			r->nrecs = r->head = 0;
		}
		errno = 0;
		n = next_line(r, &s, &toolong);
		if (n < 0)
			return -1;
		if (n == 0) {
			r->eof = 1;
			if (r->rec_line != 0) {
				/* a quote still open: hand over what there is */
				r->rec_problem |= CSVP_UNTERMINATED;
				csv_fini(&r->p, on_field, on_row, r);
			}
			break;
		}
		r->lineno++;
		if (r->first) {
			r->first = 0;
			if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
				s += 3;
				n -= 3;
			}
		}
		if (r->cp1252 && !toolong) {
			n = (ssize_t)from_cp1252(r, s, (size_t)n);
			s = r->conv;
		}
		fresh = r->rec_line == 0;
		if (r->rec_line == 0) {
			if (!toolong && blank(s, (size_t)n))
				continue;
			if (!r->sniffed && (r->delim = sniff(s, (size_t)n)) != 0) {
				/*
				 * The first line with a separator: the header (a
				 * title above it has none, and reads the same
				 * with any).
				 */
				r->sniffed = 1;
				if (r->delim != ',') {
					csv_free(&r->p);
					parser_init(r);
				}
			}
			r->rec_line = r->lineno;
			r->rec_f0 = r->nf;
			r->rec_bytes = 0;
		}
		r->rec_bytes += (size_t)n;
		if (toolong || r->rec_bytes > CSV_MAX_RECORD) {
			cut_record(r);
			continue;
		}
		if (memchr(s, '\0', (size_t)n) != NULL)
			r->rec_problem |= CSVP_NUL;
		else if (!valid_utf8((const unsigned char *)s, (size_t)n))
			r->rec_problem |= CSVP_UTF8;
		if (fresh && !r->libcsv_only && fast_line(r, s, (size_t)n))
			continue;
		if (csv_parse(&r->p, s, (size_t)n, on_field, on_row, r) !=
		    (size_t)n) {
			errno = ENOMEM;
			return -1;
		}
		/* the last line may lack its newline */
		if (s[n - 1] != '\n' && s[n - 1] != '\r' && r->ineof)
			csv_parse(&r->p, "\n", 1, on_field, on_row, r);
	}
	return 0;
}

/*
 * A record's hash, field for field: its fields lie one after the other,
 * each ended by a NUL, so a record without a NUL of its own is hashed in
 * one call over them all (the NULs keep the fields apart); else each field
 * with its length.
 */
/* The hash of n fields lying one after the other from s, bytes long. */
static uint64_t
block_hash(size_t n, const char *s, size_t bytes)
{
	return str_mix(str_hash_from(STR_FNV_INIT ^ n, s, bytes));
}

static uint64_t
fields_hash(char *const *field, const size_t *len, size_t n, int problem)
{
	uint64_t h = STR_FNV_INIT ^ n;
	size_t i;
	int one = n > 0 && !(problem & CSVP_NUL);

	for (i = 1; one && i < n; i++)
		one = field[i] == field[i - 1] + len[i - 1] + 1;
	if (one)
		return block_hash(n, field[0], (size_t)(field[n - 1] +
		    len[n - 1] - field[0]));
	for (i = 0; i < n; i++)		/* lengths keep fields apart */
		h = str_hash_from(h ^ len[i], field[i], len[i]);
	return str_mix(h);
}

uint64_t
csvrec_hash(const struct csvrec *rec)
{
	return rec->hashed ? rec->hash : fields_hash(rec->field, rec->len,
	    rec->nfields, rec->problem);
}

static void	rec_of(struct csvrec *, size_t *, const struct pending *, char *,
		    const size_t *, const size_t *);

/* The reading thread hashes the records it hands over. */
static void
hash_batch(struct csvread *r)
{
	size_t i;

	for (i = 0; i < r->nrecs; i++) {
		struct pending *p = &r->recs[i];
		const size_t *off = NULL, *len = NULL;
		size_t k, n = p->nf;
		int one = n > 0 && !(p->problem & CSVP_NUL);

		/* fields_hash's, read off the arena as it lies (a record of no
		 * field may come before the arena has any) */
		if (one) {
			off = r->off + p->f0;
			len = r->flen + p->f0;
		}
		for (k = 1; one && k < n; k++)
			one = off[k] == off[k - 1] + len[k - 1] + 1;
		if (one)
			p->hash = block_hash(n, r->buf + off[0],
			    off[n - 1] + len[n - 1] - off[0]);
		else {
			rec_of(&r->hrec, &r->caph, p, r->buf, r->off, r->flen);
			p->hash = csvrec_hash(&r->hrec);
		}
		p->hashed = 1;
	}
}

static int	hand_out(struct csvread *, const struct pending *, char *,
		    const size_t *, const size_t *, const struct csvrec **);

/* Swap the arrays the reader fills with those of batch b. */
static void
swap_arrays(struct csvread *r, struct batch *b)
{
	char *buf = r->buf;
	size_t bcap = r->bcap, *off = r->off, *flen = r->flen;
	size_t capf = r->capf, caprecs = r->caprecs;
	struct pending *recs = r->recs;

	r->buf = b->buf;
	r->bcap = b->bcap;
	r->off = b->off;
	r->flen = b->flen;
	r->capf = b->capf;
	r->recs = b->recs;
	r->caprecs = b->caprecs;
	b->buf = buf;
	b->bcap = bcap;
	b->off = off;
	b->flen = flen;
	b->capf = capf;
	b->recs = recs;
	b->caprecs = caprecs;
}

/* The reading thread: batch after batch, each handed over when free. */
static void *
ahead_main(void *arg)
{
	struct csvread *r = arg;
	struct ahead *a = r->ahead;
	struct batch *b;
	int rc, err;

	thread_helper_start();

	for (;;) {
		r->blen = r->nf = r->rec_f0 = 0;
		r->nrecs = r->head = 0;
		errno = 0;
		rc = fill(r, 1);
		err = rc != 0 ? (errno ? errno : EIO) : 0;
		hash_batch(r);
		pthread_mutex_lock(&a->mu);
		b = &a->b[a->fill];
		while (b->full && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			return NULL;
		}
		swap_arrays(r, b);
		b->nrecs = r->nrecs;
		b->end = rc != 0 || r->eof;
		b->err = err;
		b->delim = r->delim;
		b->full = 1;
		a->fill = (a->fill + 1) % AHEAD_N;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (rc != 0 || r->eof)
			return NULL;
	}
}

/* Start reading ahead; should the thread not start, read as before. */
static void
start_ahead(struct csvread *r)
{
	struct ahead *a = xcalloc(1, sizeof(*a));

	r->want_ahead = 0;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	r->ahead = a;
	if (pthread_create(&a->th, NULL, ahead_main, r) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		free(a);
		r->ahead = NULL;
	}
}

static int
next_ahead(struct csvread *r, const struct csvrec **rec)
{
	struct ahead *a = r->ahead;
	struct batch *b;

	for (;;) {
		b = &a->b[a->cur];
		if (a->holding) {
			if (a->head < b->nrecs)
				break;
			if (b->end) {
				if (b->err == 0)
					return 0;
				errno = b->err;
				return -1;
			}
			/* read through: the thread may fill it again */
			pthread_mutex_lock(&a->mu);
			b->full = 0;
			a->holding = 0;
			a->cur = (a->cur + 1) % AHEAD_N;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
			continue;
		}
		pthread_mutex_lock(&a->mu);
		while (!b->full)
			pthread_cond_wait(&a->cv, &a->mu);
		pthread_mutex_unlock(&a->mu);
		a->holding = 1;
		a->head = 0;
	}
	return hand_out(r, &b->recs[a->head++], b->buf, b->off, b->flen, rec);
}

int
csvread_peek_hash(const struct csvread *r, size_t k, uint64_t *h)
{
	const struct ahead *a = r->ahead;
	const struct batch *b;

	if (a == NULL || !a->holding || k == 0)
		return 0;
	b = &a->b[a->cur];
	if (a->head + k - 1 >= b->nrecs || !b->recs[a->head + k - 1].hashed)
		return 0;
	*h = b->recs[a->head + k - 1].hash;
	return 1;
}

/* End the thread, however far it has read. */
static void
stop_ahead(struct csvread *r)
{
	struct ahead *a = r->ahead;
	size_t i;

	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	for (i = 0; i < AHEAD_N; i++) {
		free(a->b[i].buf);
		free(a->b[i].off);
		free(a->b[i].flen);
		free(a->b[i].recs);
	}
	free(a);
	r->ahead = NULL;
}

void
csvread_ahead(struct csvread *r, size_t batch)
{
	r->want_ahead = 1;
	r->batch = batch ? batch : AHEAD_RECS;
}

int
csvread_next(struct csvread *r, const struct csvrec **rec)
{
	struct pending *p;

	if (r->want_ahead)
		start_ahead(r);
	if (r->ahead != NULL)
		return next_ahead(r, rec);
	if (fill(r, 0) != 0)
		return -1;
	if (r->head == r->nrecs)
		return 0;
	p = &r->recs[r->head++];
	return hand_out(r, p, r->buf, r->off, r->flen, rec);
}

/* The record p, its fields in buf at off, flen, in *out (room for cap). */
static void
rec_of(struct csvrec *out, size_t *cap, const struct pending *p, char *buf,
    const size_t *off, const size_t *flen)
{
	size_t i;

	if (p->nf > *cap) {
		*cap = p->nf;
		out->field = xreallocarray(out->field, *cap, sizeof(*out->field));
		out->len = xreallocarray(out->len, *cap, sizeof(*out->len));
	}
	for (i = 0; i < p->nf; i++) {
		out->field[i] = buf + off[p->f0 + i];
		out->len[i] = flen[p->f0 + i];
	}
	out->nfields = p->nf;
	out->line = p->line;
	out->problem = p->problem;
	out->hashed = p->hashed;
	out->hash = p->hash;
}

/* The record p as the caller's *rec. */
static int
hand_out(struct csvread *r, const struct pending *p, char *buf,
    const size_t *off, const size_t *flen, const struct csvrec **rec)
{
	rec_of(&r->out, &r->capout, p, buf, off, flen);
	*rec = &r->out;
	return 1;
}

int
csvrec_says_total(const struct csvrec *rec)
{
	size_t i, j;

	for (i = 0; i < rec->nfields; i++)
		for (j = 0; j + 5 <= rec->len[i]; j++)
			if (strncasecmp(rec->field[i] + j, "total", 5) == 0 &&
			    (j == 0 || !isalpha((unsigned char)rec->field[i][j - 1])))
				return 1;
	return 0;
}
