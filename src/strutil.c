/*
 * strutil: allocation that exits on failure (there is nothing better to do
 * when a billing run cannot get memory), strict numbers, small strings.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "diag.h"
#include "strutil.h"

static void
nomem(void)
{
	warn_release(1);	/* what was said before, held back */
	fputs("cptunits: out of memory\n", stderr);
	exit(3);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		nomem();
	return p;
}

void *
xmap(size_t n)
{
	void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		nomem();
	return p;
}

void *
xmap_huge(size_t n)
{
	void *p = xmap(n);

#ifdef MADV_HUGEPAGE
	(void)madvise(p, n ? n : 1, MADV_HUGEPAGE);
#endif
	return p;
}

void
xunmap(void *p, size_t n)
{
	if (p != NULL)
		(void)munmap(p, n ? n : 1);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		nomem();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		nomem();
	p = realloc(p, n * size > 0 ? n * size : 1);
	if (p == NULL)
		nomem();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		nomem();
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int
str_toint(const char *s, long long min, long long max, long long *out,
    const char **why)
{
	long long v = 0;
	int neg = 0, digits = 0;

	*why = "not a whole number";
	if (*s == '-' && min < 0) {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (max > -min ? max : -min) / 10) {
			*why = neg ? "too small" : "too large";
			return -1;
		}
		v = v * 10 + (*s - '0');
	}
	if (digits == 0 || *s != '\0')
		return -1;
	if (neg)
		v = -v;
	if (v < min) {
		*why = "too small";
		return -1;
	}
	if (v > max) {
		*why = "too large";
		return -1;
	}
	*out = v;
	*why = NULL;
	return 0;
}

char *
str_trim(char *s)
{
	char *b = s, *e;

	while (*b == ' ' || *b == '\t')
		b++;
	if (b != s)
		memmove(s, b, strlen(b) + 1);
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

size_t
str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, best;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

char **
str_split(const char *s, int sep, size_t *n)
{
	char **v = NULL, *piece;
	const char *p, *e;
	size_t cap = 0;

	*n = 0;
	for (p = s;; p = e + 1) {
		e = strchr(p, sep);
		if (e == NULL)
			e = p + strlen(p);
		piece = str_trim(xstrndup(p, (size_t)(e - p)));
		if (*piece == '\0')
			free(piece);
		else {
			if (*n == cap) {
				cap = cap ? cap * 2 : 4;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[(*n)++] = piece;
		}
		if (*e == '\0')
			break;
	}
	return v;
}

void
str_freev(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char *
str_join_or(char **v, size_t n)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s%s", s, i == 0 ? "" : i + 1 == n ? " or " : ", ",
		    v[i]);
		free(s);
		s = t;
	}
	return s;
}

uint64_t
str_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 1099511628211ULL;
	return h;
}

uint64_t
str_hash_from(uint64_t h, const void *v, size_t n)
{
	const char *p = v;
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	/* the last 0-7 bytes, in fixed-size loads (no memcpy call) */
	if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		w = (uint64_t)a | (uint64_t)b << 32;
	} else if (n > 0)
		w = (uint64_t)(unsigned char)p[0] |
		    (uint64_t)(unsigned char)p[n / 2] << 8 |
		    (uint64_t)(unsigned char)p[n - 1] << 16;
	else
		w = 0;
	h = (h ^ w ^ ((uint64_t)n << 56)) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

uint64_t
str_hash(const void *v, size_t n)
{
	uint64_t h = str_hash_from(0x243f6a8885a308d3ULL ^ n, v, n);

	h ^= h >> 32;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

uint64_t
str_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
ptrids_slot(const struct ptrids *t, const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 17) & (t->mapsize - 1);
}

uint32_t
ptrids_id(struct ptrids *t, const void *p)
{
	size_t j, i;
	uint32_t id;

	if (p == NULL)
		return 0;
	if (t->n == 0) {
		t->cap = 64;
		t->v = xcalloc(t->cap, sizeof(*t->v));
		t->n = 1;		/* id 0: NULL */
	}
	if (2 * (t->n + 1) > t->mapsize) {
		free(t->map);
		t->mapsize = t->mapsize ? t->mapsize * 2 : 256;
		t->map = xcalloc(t->mapsize, sizeof(*t->map));
		for (i = 1; i < t->n; i++) {
			for (j = ptrids_slot(t, t->v[i]); t->map[j];
			    j = (j + 1) & (t->mapsize - 1))
				;
			t->map[j] = (uint32_t)i;
		}
	}
	for (j = ptrids_slot(t, p); (id = t->map[j]) != 0;
	    j = (j + 1) & (t->mapsize - 1))
		if (t->v[id] == p)
			return id;
	if (t->n == t->cap) {
		t->cap *= 2;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	id = (uint32_t)t->n++;
	t->v[id] = p;
	t->map[j] = id;
	return id;
}

void
ptrids_free(struct ptrids *t)
{
	free(t->v);
	free(t->map);
	memset(t, 0, sizeof(*t));
}

int
str_key16(const char *s, uint64_t k[2])
{
	size_t n = strnlen(s, 17);

	if (n == 0 || n > 16)
		return 0;
	k[0] = k[1] = 0;
	memcpy(k, s, n);	/* one copy, not a byte at a time */
	return 1;
}

size_t
str_key_slot(const uint64_t k[2], unsigned bits)
{
	return (size_t)(((k[0] * 0x9e3779b97f4a7c15ULL) ^
	    (k[1] * 0xc2b2ae3d27d4eb4fULL)) >> (64 - bits));
}
