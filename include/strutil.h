/*
 * strutil: memory that never returns NULL, strict number parsing, and the
 * small string helpers every module needs.
 *
 * Ownership: every function that returns char * returns memory the caller
 * frees, except str_trim, which works in place.
 */
#ifndef CPTUNITS_STRUTIL_H
#define CPTUNITS_STRUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* FNV-1a over n bytes, from h (STR_FNV_INIT to start). */
#define STR_FNV_INIT	14695981039346656037ULL
uint64_t str_fnv(uint64_t h, const void *, size_t n);
/* A fast hash of n bytes, a word at a time, for hash tables; _from goes
 * on from h (to hash several fields as one). */
uint64_t str_hash(const void *, size_t n);
uint64_t str_hash_from(uint64_t h, const void *, size_t n);
/* splitmix64's finalizer: every bit of z felt in every bit. */
uint64_t str_mix(uint64_t z);
/*
 * A string of 1 to 16 bytes as its own key, its bytes zero-padded into
 * k (no two strings alike, as a string holds no NUL); 0 when s is empty
 * or longer.  str_key_slot: its place in a table of 2^bits.
 */
int	 str_key16(const char *s, uint64_t k[2]);
size_t	 str_key_slot(const uint64_t k[2], unsigned bits);

/*
 * Dense ids for pointers (strings, the rules' families): the same id for
 * the same pointer, 0 for NULL, 1, 2, ... for the others in the order
 * first seen; v[id] is the pointer again.  Zeroed, it is empty.
 */
struct ptrids {
	const void	**v;		/* by id; v[0] NULL */
	size_t		  n, cap;	/* ids handed out, and 1 for NULL */
	uint32_t	 *map;		/* pointer -> id (open addressing) */
	size_t		  mapsize;
};
uint32_t ptrids_id(struct ptrids *, const void *);
void	 ptrids_free(struct ptrids *);

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
/* n bytes zeroed, mapped on their own: their pages taken as they are
 * written, and all given back by xunmap (malloc may keep a large block
 * it is given back for itself). */
void	*xmap(size_t n);
/* xmap, in huge pages where the system gives them (for a large table
 * read at random: with small pages each look misses the TLB too). */
void	*xmap_huge(size_t n);
void	 xunmap(void *, size_t n);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));

/*
 * Parse a whole decimal number in [min, max], strtonum-style: no sign
 * unless min < 0, no blanks, no trailing text, no octal or hex.  Returns 0
 * and sets *out, or -1 with *why set to "not a whole number", "too small"
 * or "too large".
 */
int	 str_toint(const char *, long long min, long long max, long long *out,
	    const char **why);
/* Trim blanks at both ends, in place; returns its argument. */
char	*str_trim(char *);
/* Levenshtein distance of two short strings, case-insensitive. */
size_t	 str_distance(const char *, const char *);
/* Split s at sep into trimmed, non-empty pieces; *n set.  Caller frees each and the array. */
char	**str_split(const char *s, int sep, size_t *n);
void	 str_freev(char **, size_t);
/* "a, b or c" */
char	*str_join_or(char **, size_t);

#endif
