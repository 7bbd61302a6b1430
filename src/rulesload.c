/*
 * rulesload: the rules file.  iniparser 4.1 reads the syntax; everything
 * it cannot do is done here (STYLE.md, "Dependency traps"):
 *
 *  - it rejects a UTF-8 byte-order mark, so the text is read here, the mark
 *    dropped, and iniparser reads the rest from a memory file;
 *  - it reports syntax errors through a process-global callback with a
 *    printf format, which is decoded to "FILE:LINE: message";
 *  - it keeps no line numbers and lower-cases names, and a repeated key or
 *    section silently wins, so a scan of the raw lines recovers the
 *    original spelling of each section and refuses repeats;
 *  - its typed getters misread numbers ("08" is 0), so every value is read
 *    as a string and parsed by our own strict parsers.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <iniparser.h>

#include "date.h"
#include "rulesload.h"
#include "strutil.h"
#include "tz.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define MAX_RULES_BYTES	(1024 * 1024)
#define MAX_RULES_KEYS	5000		/* iniparser's dictionary is quadratic */
#define MAX_MINUTES	1440		/* a unit or range bound within a day */
#define MAX_DAILY_UNITS	9999

const struct rules_key rules_keys[] = {
	{ "rounding", "mode", "midpoint | half | full | any | threshold" },
	{ "rounding", "aggregate", "day | session" },
	{ "rounding", "mue", "warn | cap" },
	{ "rounding", "pool_by", "provider | patient" },
	{ "family", "kind", "additional | each | range | untimed | addon" },
	{ "family", "base", "CODE MINUTES" },
	{ "family", "addon", "CODE MINUTES" },
	{ "family", "unit", "CODE MINUTES | CODE" },
	{ "family", "ranges", "CODE FROM-TO, ..., CODE FROM-" },
	{ "family", "requires", "CODE, ..." },
	{ "family", "effective", "FROM [TO]" },
	{ "family", "mode", "midpoint | half | full | any | threshold" },
	{ "family", "base_threshold", "MINUTES" },
	{ "family", "addon_threshold", "MINUTES" },
	{ "family", "min_technicians", "N" },
	{ "family", "pool_by", "provider | patient" },
	{ "family", "max_participants", "N" },
	{ "family", "max_units_per_day", "N | CODE N, ..." },
	{ "family", "description", "TEXT" },
	{ "payer", "mode", "midpoint | half | full | any | threshold" },
	{ "payer", "aggregate", "day | session" },
	{ "payer", "mue", "warn | cap" },
	{ "payer family", "mode", "midpoint | half | full | any | threshold" },
	{ "payer family", "base_threshold", "MINUTES" },
	{ "payer family", "addon_threshold", "MINUTES" },
	{ "payer family", "max_units_per_day", "N | CODE N, ..." },
	{ "log", "timezone", "ZONE" },
	{ "log", "date_order", "mdy | dmy" },
	{ "log", "max_session_minutes", "MINUTES" },
	{ "log", "skip_status", "STATUS, ..." },
	{ "log", "encoding", "utf-8 | windows-1252" },
	{ "columns", "patient", "NAME, ..." },
	{ "columns", "date", "NAME, ..." },
	{ "columns", "start", "NAME, ..." },
	{ "columns", "end", "NAME, ..." },
	{ "columns", "minutes", "NAME, ..." },
	{ "columns", "code", "NAME, ..." },
	{ "columns", "technicians", "NAME, ..." },
	{ "columns", "participants", "NAME, ..." },
	{ "columns", "payer", "NAME, ..." },
	{ "columns", "provider", "NAME, ..." },
	{ "columns", "encounter", "NAME, ..." },
	{ "columns", "status", "NAME, ..." },
	{ "columns", "modifiers", "NAME, ..." },
	{ "columns", "units", "NAME, ..." },
	{ "ics", "code", "PROPERTY, ..." },
	{ "ics", "patient", "PROPERTY, ..." },
	{ "ics", "technicians", "PROPERTY, ..." },
	{ "ics", "payer", "PROPERTY, ..." },
	{ "ics", "provider", "PROPERTY, ..." },
	{ "ics", "summary_pattern", "REGEX" },
	{ "ics", "timezone", "ZONE" },
	{ "ics", "horizon_days", "DAYS" },
	{ "auth", "week_start", "sunday | monday" },
};
const size_t rules_nkeys = sizeof(rules_keys) / sizeof(rules_keys[0]);

/* The properties read from calendar events when [ics] does not say (SPEC §6). */
static const char *const ics_defaults[ICS_COUNT] = {
	"X-CPT-CODE, CATEGORIES, SUMMARY", "X-PATIENT-ID", "X-TECHNICIANS",
	"X-PAYER", "X-PROVIDER"
};

/* A section header as written, from the scan of the raw lines. */
struct rawsect {
	char	*folded;	/* as iniparser names it */
	char	*written;	/* as the user wrote it */
	int	 line;
};

struct loader {
	const char	*name;		/* the file, for messages */
	struct diag	*errs;
	struct rules	*rules;
	struct rawsect	*sects;
	size_t		 nsects;
	dictionary	*ini;
};

/* iniparser's error callback is process-global; it reports into this. */
static struct loader *current;

/* ---- messages ---------------------------------------------------------- */

static const char *
written(struct loader *L, const char *folded)
{
	size_t i;

	for (i = 0; i < L->nsects; i++)
		if (strcmp(L->sects[i].folded, folded) == 0)
			return L->sects[i].written;
	return folded;
}

static void bad(struct loader *, const char *, const char *, const char *, ...)
	__attribute__((format(printf, 4, 5)));

/* "FILE: [section] key: message" */
static void
bad(struct loader *L, const char *sect, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	if (key)
		diag_add(L->errs, "%s: [%s] %s: %s", L->name, written(L, sect),
		    key, m);
	else
		diag_add(L->errs, "%s: [%s]: %s", L->name, written(L, sect), m);
	free(m);
}

static int
ini_error(const char *fmt, ...)
{
	va_list ap;
	int line;

	if (current == NULL)
		return 0;
	va_start(ap, fmt);
	if (strstr(fmt, "syntax error") != NULL) {
		(void)va_arg(ap, const char *);
		line = va_arg(ap, int);
		diag_add(current->errs, "%s:%d: syntax error: expected [section], "
		    "key = value, or a comment", current->name, line);
	} else if (strstr(fmt, "too long") != NULL) {
		(void)va_arg(ap, const char *);
		line = va_arg(ap, int);
		diag_add(current->errs, "%s:%d: line longer than 1024 bytes",
		    current->name, line);
	} else if (strstr(fmt, "cannot open") != NULL)
		diag_add(current->errs, "%s: cannot be read", current->name);
	else
		diag_add(current->errs, "%s: out of memory", current->name);
	va_end(ap);
	return 0;
}

/* ---- the raw scan ------------------------------------------------------ */

static char *
fold(const char *s)
{
	char *f = xstrdup(s), *p;

	for (p = f; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return f;
}

struct rawkey {
	char	*sect;
	char	*key;
	int	 line;
};

/*
 * Walk the lines as iniparser 4.1 will, to learn what it forgets: where
 * each section and key is, how a section was spelt, and what is repeated.
 * Syntax errors are left to iniparser, which reports them.
 */
static void
scan(struct loader *L, const char *text, size_t len)
{
	struct rawkey *keys = NULL;
	size_t nkeys = 0, capk = 0, capsect = 0, i;
	const char *p = text, *end = text + len, *nl;
	char *line, *sect = xstrdup(""), *eq, *key, *sname;
	int lineno = 0, first;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		line = str_trim(xstrndup(p, (size_t)(nl - p)));
		first = ++lineno;
		p = nl + 1;
		/* a trailing backslash continues the line */
		while (*line && line[strlen(line) - 1] == '\\' && p < end) {
			char *more;

			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			line[strlen(line) - 1] = '\0';
			more = str_trim(xstrndup(p, (size_t)(nl - p)));
			key = xasprintf("%s%s", line, more);
			free(line);
			free(more);
			line = key;
			lineno++;
			p = nl + 1;
		}
		if (*line == '\0' || *line == ';' || *line == '#') {
			free(line);
			continue;
		}
		if (line[0] == '[' && line[strlen(line) - 1] == ']') {
			line[strlen(line) - 1] = '\0';
			if (L->nsects >= MAX_RULES_KEYS) {
				diag_add(L->errs, "%s:%d: more than %d sections; not a "
				    "rules file", L->name, first, MAX_RULES_KEYS);
				free(line);
				break;
			}
			sname = str_trim(xstrdup(line + 1));
			free(sect);
			sect = fold(sname);
			for (i = 0; i < L->nsects; i++)
				if (strcmp(L->sects[i].folded, sect) == 0)
					break;
			if (i < L->nsects) {
				diag_add(L->errs, "%s:%d: [%s]: repeated section; "
				    "line %d began it", L->name, first, sname,
				    L->sects[i].line);
				free(sname);
			} else {
				if (L->nsects == capsect) {
					capsect = capsect ? capsect * 2 : 16;
					L->sects = xreallocarray(L->sects, capsect,
					    sizeof(*L->sects));
				}
				L->sects[L->nsects].folded = xstrdup(sect);
				L->sects[L->nsects].written = sname;
				L->sects[L->nsects++].line = first;
			}
		} else if ((eq = strchr(line, '=')) != NULL) {
			*eq = '\0';
			key = fold(str_trim(line));
			for (i = 0; i < nkeys; i++)
				if (strcmp(keys[i].sect, sect) == 0 &&
				    strcmp(keys[i].key, key) == 0)
					break;
			if (nkeys >= MAX_RULES_KEYS) {
				diag_add(L->errs, "%s:%d: more than %d keys; not a rules "
				    "file", L->name, first, MAX_RULES_KEYS);
				free(key);
				free(line);
				break;
			}
			if (i < nkeys) {
				diag_add(L->errs, "%s:%d: [%s] %s: repeated key; "
				    "line %d set it first", L->name, first,
				    written(L, sect), key, keys[i].line);
				free(key);
			} else {
				if (nkeys == capk) {
					capk = capk ? capk * 2 : 64;
					keys = xreallocarray(keys, capk, sizeof(*keys));
				}
				keys[nkeys].sect = xstrdup(sect);
				keys[nkeys].key = key;
				keys[nkeys++].line = first;
			}
		}
		free(line);
	}
	for (i = 0; i < nkeys; i++) {
		free(keys[i].sect);
		free(keys[i].key);
	}
	free(keys);
	free(sect);
}

/* ---- values ------------------------------------------------------------ */

static int
parse_word(const char *v, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v, words[i]) == 0)
			return (int)i;
	return -1;
}

static const char *const mode_words[] = { "midpoint", "half", "full", "any",
	"threshold" };
static const char *const kind_words[] = { "additional", "each", "range",
	"untimed", "addon" };
static const char *const agg_words[] = { "day", "session" };
static const char *const mue_words[] = { "warn", "cap" };
static const char *const order_words[] = { "mdy", "dmy" };
static const char *const poolby_words[] = { "provider", "patient" };

static int
get_word(struct loader *L, const char *sect, const char *key, const char *v,
    const char *const *words, size_t n, const char *what)
{
	int w = parse_word(v, words, n);
	size_t i;
	char *list;

	if (w >= 0)
		return w;
	list = xstrdup("");
	for (i = 0; i < n; i++) {
		char *t = xasprintf("%s%s%s", list, i ? ", " : "", words[i]);

		free(list);
		list = t;
	}
	bad(L, sect, key, "unknown %s '%s'; expected one of %s", what, v, list);
	free(list);
	return UNSET;
}

static int
get_int(struct loader *L, const char *sect, const char *key, const char *v,
    long long min, long long max, const char *what)
{
	long long n;
	const char *why;

	if (str_toint(v, min, max, &n, &why) == 0)
		return (int)n;
	if (min == 1 && str_toint(v, -1000000, max, &n, &why) == 0 && n < 1)
		bad(L, sect, key, "%s must be positive, not '%s'", what, v);
	else
		bad(L, sect, key, "%s must be a whole number from %lld to %lld, "
		    "not '%s'", what, min, max, v);
	return UNSET;
}

/* A code is letters and digits, as CPT and HCPCS codes are. */
static int
valid_code(struct loader *L, const char *sect, const char *key, const char *c)
{
	const char *p;

	if (*c == '\0' || strlen(c) > 15)
		goto fail;
	for (p = c; *p; p++)
		if (!isalnum((unsigned char)*p))
			goto fail;
	return 1;
fail:
	bad(L, sect, key, "'%s' is not a code (letters and digits)", c);
	return 0;
}

/* "CODE MINUTES" or, with want_minutes 0, "CODE". */
static int
get_code(struct loader *L, const char *sect, const char *key, const char *v,
    int want_minutes, char **code, int *minutes)
{
	char *s = xstrdup(v), *sp;
	int ok = 0;

	sp = strpbrk(s, " \t");
	if (sp)
		*sp++ = '\0';
	if (!valid_code(L, sect, key, s))
		goto out;
	if (want_minutes && (sp == NULL || *str_trim(sp) == '\0')) {
		bad(L, sect, key, "expected CODE MINUTES, not '%s'", v);
		goto out;
	}
	if (!want_minutes && sp && *str_trim(sp) != '\0') {
		bad(L, sect, key, "expected a code alone, not '%s'", v);
		goto out;
	}
	if (want_minutes &&
	    (*minutes = get_int(L, sect, key, str_trim(sp), 1, MAX_MINUTES,
	    "the minute count")) == UNSET)
		goto out;
	*code = xstrdup(s);
	ok = 1;
out:
	free(s);
	return ok;
}

static void
get_limits(struct loader *L, const char *sect, const char *key, const char *v,
    struct rules_round *rr)
{
	char **parts, *sp;
	size_t n, i;
	int units;

	parts = str_split(v, ',', &n);
	if (n == 0)
		bad(L, sect, key, "expected N or CODE N, ...");
	rr->limits = xcalloc(n, sizeof(*rr->limits));
	for (i = 0; i < n; i++) {
		sp = strpbrk(parts[i], " \t");
		if (sp == NULL && n == 1) {
			units = get_int(L, sect, key, parts[i], 1, MAX_DAILY_UNITS,
			    "the daily unit limit");
			if (units != UNSET)
				rr->limits[rr->nlimits++].units = units;
			continue;
		}
		if (sp == NULL) {
			bad(L, sect, key, "expected CODE N, not '%s'", parts[i]);
			continue;
		}
		*sp++ = '\0';
		if (!valid_code(L, sect, key, parts[i]))
			continue;
		units = get_int(L, sect, key, str_trim(sp), 1, MAX_DAILY_UNITS,
		    "the daily unit limit");
		if (units == UNSET)
			continue;
		rr->limits[rr->nlimits].code = xstrdup(parts[i]);
		rr->limits[rr->nlimits++].units = units;
	}
	rr->limits_set = 1;
	str_freev(parts, n);
}

static void
get_ranges(struct loader *L, const char *sect, const char *key, const char *v,
    struct rules_family *f)
{
	char **parts, *sp, *dash;
	size_t n, i, j;
	struct rule_range *r, tmp;
	int from, to;

	parts = str_split(v, ',', &n);
	if (n == 0)
		bad(L, sect, key, "expected CODE FROM-TO, ..., CODE FROM-");
	f->ranges = xcalloc(n, sizeof(*f->ranges));
	for (i = 0; i < n; i++) {
		sp = strpbrk(parts[i], " \t");
		dash = sp ? strchr(sp, '-') : NULL;
		if (sp == NULL || dash == NULL) {
			bad(L, sect, key, "expected CODE FROM-TO or CODE FROM-, "
			    "not '%s'", parts[i]);
			continue;
		}
		*sp++ = '\0';
		*dash++ = '\0';
		if (!valid_code(L, sect, key, parts[i]))
			continue;
		from = get_int(L, sect, key, str_trim(sp), 1, MAX_MINUTES,
		    "a range's first minute");
		to = *str_trim(dash) == '\0' ? RANGE_OPEN :
		    get_int(L, sect, key, dash, 1, MAX_MINUTES,
		    "a range's last minute");
		if (from == UNSET || to == UNSET)
			continue;
		if (to < from) {
			bad(L, sect, key, "range %d-%d of %s ends before it starts",
			    from, to, parts[i]);
			continue;
		}
		r = &f->ranges[f->nranges++];
		r->code = xstrdup(parts[i]);
		r->from = from;
		r->to = to;
	}
	str_freev(parts, n);
	/* sort by first minute, then refuse overlaps */
	for (i = 1; i < f->nranges; i++)
		for (j = i; j > 0 && f->ranges[j].from < f->ranges[j - 1].from;
		    j--) {
			tmp = f->ranges[j];
			f->ranges[j] = f->ranges[j - 1];
			f->ranges[j - 1] = tmp;
		}
	for (i = 1; i < f->nranges; i++)
		if (f->ranges[i].from <= f->ranges[i - 1].to)
			bad(L, sect, key, "ranges of %s and %s overlap at minute %d",
			    f->ranges[i - 1].code, f->ranges[i].code,
			    f->ranges[i].from);
	for (i = 0; i < f->nranges; i++)
		for (j = i + 1; j < f->nranges; j++)
			if (strcasecmp(f->ranges[i].code, f->ranges[j].code) == 0)
				bad(L, sect, key, "%s has two ranges",
				    f->ranges[i].code);
}

static void
get_effective(struct loader *L, const char *sect, const char *key,
    const char *v, struct rules_family *f)
{
	char **w;
	size_t n;

	w = str_split(v, ' ', &n);
	if (n < 1 || n > 2) {
		bad(L, sect, key, "expected FROM [TO] as YYYY-MM-DD, not '%s'", v);
		goto out;
	}
	if (date_parse(w[0], &f->from) != 0) {
		bad(L, sect, key, "'%s' is not a date (YYYY-MM-DD)", w[0]);
		goto out;
	}
	if (n == 2 && date_parse(w[1], &f->to) != 0) {
		bad(L, sect, key, "'%s' is not a date (YYYY-MM-DD)", w[1]);
		goto out;
	}
	if (f->to < f->from)
		bad(L, sect, key, "ends on %s, before it starts on %s", w[1], w[0]);
out:
	str_freev(w, n);
}

static char **
get_names(struct loader *L, const char *sect, const char *key, const char *v,
    size_t *n, int properties)
{
	char **w = str_split(v, ',', n);
	const char *p;
	size_t i;

	if (*n == 0)
		bad(L, sect, key, "expected one or more names, comma-separated");
	for (i = 0; properties && i < *n; i++)
		for (p = w[i]; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-') {
				bad(L, sect, key, "'%s' is not a property name", w[i]);
				break;
			}
	return w;
}

/* ---- sections ---------------------------------------------------------- */

/* The known key nearest to an unknown one, for "did you mean". */
static const char *
nearest_key(const char *kind, const char *key)
{
	const char *best = NULL;
	size_t i, d, bestd = (size_t)-1;

	for (i = 0; i < rules_nkeys; i++) {
		if (strcmp(rules_keys[i].section, kind) != 0)
			continue;
		d = str_distance(key, rules_keys[i].name);
		if (d < bestd) {
			bestd = d;
			best = rules_keys[i].name;
		}
	}
	/* close enough to be a typo: a third of the word, at least 2 edits */
	if (best && (bestd <= 2 || bestd * 3 <= strlen(key)))
		return best;
	/* or the start of a longer key: max_units for max_units_per_day */
	for (i = 0; strlen(key) >= 3 && i < rules_nkeys; i++)
		if (strcmp(rules_keys[i].section, kind) == 0 &&
		    strncmp(rules_keys[i].name, key, strlen(key)) == 0)
			return rules_keys[i].name;
	return NULL;
}

static int
known_key(const char *kind, const char *key)
{
	size_t i;

	for (i = 0; i < rules_nkeys; i++)
		if (strcmp(rules_keys[i].section, kind) == 0 &&
		    strcmp(rules_keys[i].name, key) == 0)
			return 1;
	return 0;
}

/*
 * Calls fn for each key of the section, after refusing unknown ones.
 * Keys come back from iniparser as "section:key".
 */
typedef void keyfn(struct loader *, const char *sect, const char *key,
    const char *value, void *arg);

static void
each_key(struct loader *L, const char *sect, const char *kind, keyfn *fn,
    void *arg)
{
	int n = iniparser_getsecnkeys(L->ini, sect), i;
	const char **keys, *key, *v, *near;
	size_t slen = strlen(sect);

	if (n <= 0)
		return;
	keys = xcalloc((size_t)n, sizeof(*keys));
	iniparser_getseckeys(L->ini, sect, keys);
	for (i = 0; i < n; i++) {
		key = keys[i] + slen + 1;
		v = iniparser_getstring(L->ini, keys[i], NULL);
		if (v == NULL)
			v = "";
		if (!known_key(kind, key)) {
			near = nearest_key(kind, key);
			if (near)
				bad(L, sect, key, "unknown key; did you mean %s?",
				    near);
			else
				bad(L, sect, key, "unknown key in a [%s] section",
				    kind);
			continue;
		}
		fn(L, sect, key, v, arg);
	}
	free(keys);
}

static void
round_key(struct loader *L, const char *sect, const char *key, const char *v,
    struct rules_round *rr)
{
	if (strcmp(key, "mode") == 0)
		rr->mode = get_word(L, sect, key, v, mode_words, 5, "mode");
	else if (strcmp(key, "base_threshold") == 0)
		rr->base_threshold = get_int(L, sect, key, v, 1, MAX_MINUTES,
		    "a threshold");
	else if (strcmp(key, "addon_threshold") == 0)
		rr->addon_threshold = get_int(L, sect, key, v, 1, MAX_MINUTES,
		    "a threshold");
	else if (strcmp(key, "max_units_per_day") == 0)
		get_limits(L, sect, key, v, rr);
}

static void
rounding_key(struct loader *L, const char *sect, const char *key,
    const char *v, void *arg)
{
	struct rules *r = L->rules;
	int w;

	(void)arg;
	if (strcmp(key, "mode") == 0) {
		if ((w = get_word(L, sect, key, v, mode_words, 5, "mode")) != UNSET)
			r->mode = w;
	} else if (strcmp(key, "aggregate") == 0) {
		if ((w = get_word(L, sect, key, v, agg_words, 2, "aggregation")) !=
		    UNSET)
			r->aggregate = w;
	} else if (strcmp(key, "mue") == 0) {
		if ((w = get_word(L, sect, key, v, mue_words, 2, "mue policy")) !=
		    UNSET)
			r->mue = w;
	} else if (strcmp(key, "pool_by") == 0) {
		if ((w = get_word(L, sect, key, v, poolby_words, 2, "pooling")) !=
		    UNSET)
			r->pool_by = w;
	}
}

static void
family_key(struct loader *L, const char *sect, const char *key, const char *v,
    void *arg)
{
	struct rules_family *f = arg;
	int timed = f->kind == KIND_ADDITIONAL || f->kind == KIND_EACH;
	size_t i;

	if (strcmp(key, "kind") == 0)
		return;		/* read first, in load_family */
	if ((strcmp(key, "base") == 0 || strcmp(key, "addon") == 0) &&
	    f->kind != KIND_ADDITIONAL) {
		bad(L, sect, key, "not used by kind %s (only by additional)",
		    kind_words[f->kind]);
		return;
	}
	if (strcmp(key, "base") == 0)
		get_code(L, sect, key, v, 1, &f->code[0], &f->minutes[0]);
	else if (strcmp(key, "addon") == 0)
		get_code(L, sect, key, v, 1, &f->code[1], &f->minutes[1]);
	else if (strcmp(key, "unit") == 0) {
		if (f->kind == KIND_ADDITIONAL || f->kind == KIND_RANGE)
			bad(L, sect, key, "not used by kind %s",
			    kind_words[f->kind]);
		else
			get_code(L, sect, key, v, f->kind == KIND_EACH,
			    &f->code[0], &f->minutes[0]);
	} else if (strcmp(key, "ranges") == 0) {
		if (f->kind != KIND_RANGE)
			bad(L, sect, key, "not used by kind %s (only by range)",
			    kind_words[f->kind]);
		else
			get_ranges(L, sect, key, v, f);
	} else if (strcmp(key, "requires") == 0) {
		if (f->kind != KIND_ADDON) {
			bad(L, sect, key, "not used by kind %s (only by addon)",
			    kind_words[f->kind]);
			return;
		}
		f->requires = str_split(v, ',', &f->nrequires);
		if (f->nrequires == 0)
			bad(L, sect, key, "expected one or more codes");
		for (i = 0; i < f->nrequires; i++)
			valid_code(L, sect, key, f->requires[i]);
	} else if (strcmp(key, "effective") == 0)
		get_effective(L, sect, key, v, f);
	else if (strcmp(key, "min_technicians") == 0)
		f->min_technicians = get_int(L, sect, key, v, 1, 100,
		    "min_technicians");
	else if (strcmp(key, "pool_by") == 0)
		f->pool_by = get_word(L, sect, key, v, poolby_words, 2, "pooling");
	else if (strcmp(key, "max_participants") == 0)
		f->max_participants = get_int(L, sect, key, v, 1, 1000,
		    "max_participants");
	else if (strcmp(key, "description") == 0) {
		free(f->description);
		f->description = xstrdup(v);
	} else if (!timed && strcmp(key, "max_units_per_day") != 0)
		bad(L, sect, key, "not used by kind %s (only by timed kinds "
		    "additional and each)", kind_words[f->kind]);
	else
		round_key(L, sect, key, v, &f->round);
}

static void
payer_key(struct loader *L, const char *sect, const char *key, const char *v,
    void *arg)
{
	struct rules_payer *p = arg;

	if (strcmp(key, "aggregate") == 0)
		p->aggregate = get_word(L, sect, key, v, agg_words, 2,
		    "aggregation");
	else if (strcmp(key, "mue") == 0)
		p->mue = get_word(L, sect, key, v, mue_words, 2, "mue policy");
	else
		round_key(L, sect, key, v, &p->round);
}

int
encoding_of(const char *v)
{
	if (strcasecmp(v, "utf-8") == 0 || strcasecmp(v, "utf8") == 0)
		return 0;
	if (strcasecmp(v, "windows-1252") == 0 || strcasecmp(v, "cp1252") == 0 ||
	    strcasecmp(v, "windows1252") == 0)
		return 1;
	return -1;
}

static void
log_key(struct loader *L, const char *sect, const char *key, const char *v,
    void *arg)
{
	struct rules *r = L->rules;
	int w;

	(void)arg;
	if (strcmp(key, "timezone") == 0) {
		if (!tz_valid_name(v))
			bad(L, sect, key, "unknown time zone '%s'", v);
		else {
			free(r->log_timezone);
			r->log_timezone = xstrdup(v);
		}
	} else if (strcmp(key, "encoding") == 0) {
		if ((w = encoding_of(v)) < 0)
			bad(L, sect, key, "unknown encoding '%s'; expected utf-8 or "
			    "windows-1252", v);
		else
			r->log_cp1252 = w;
	} else if (strcmp(key, "skip_status") == 0) {
		str_freev(r->skip_status, r->nskip_status);
		r->skip_status = str_split(v, ',', &r->nskip_status);
	} else if (strcmp(key, "max_session_minutes") == 0) {
		if ((w = get_int(L, sect, key, v, 1, 1440, "max_session_minutes")) !=
		    UNSET)
			r->max_session_minutes = w;
	} else if (strcmp(key, "date_order") == 0) {
		if ((w = get_word(L, sect, key, v, order_words, 2, "date order")) !=
		    UNSET)
			r->date_order = w;
	}
}

static void
columns_key(struct loader *L, const char *sect, const char *key,
    const char *v, void *arg)
{
	struct rules *r = L->rules;
	size_t i;

	(void)arg;
	for (i = 0; i < COL_COUNT; i++)
		if (strcmp(key, rules_column_names[i]) == 0) {
			str_freev(r->columns[i], r->ncolumns[i]);
			r->columns[i] = get_names(L, sect, key, v, &r->ncolumns[i],
			    0);
		}
}

/*
 * glibc's regcomp can take gigabytes for a pattern such as ")+++++...":
 * a summary pattern is short, and one quantifier after another means
 * nothing in a POSIX extended expression anyway.
 */
static int
tame_pattern(const char *v)
{
	const char *p;
	int bracket = 0, quant = 0;

	if (strlen(v) > 200)
		return 0;
	for (p = v; *p; p++) {
		if (bracket) {
			if (*p == ']')
				bracket = 0;
			continue;
		}
		if (*p == '\\' && p[1]) {
			p++;
			quant = 0;
			continue;
		}
		if (*p == '[') {
			bracket = 1;
			if (p[1] == ']')	/* "[]...]" holds a ] */
				p++;
			quant = 0;
			continue;
		}
		if (strchr("+*?{", *p)) {
			if (quant)
				return 0;
			quant = 1;
			if (*p == '{')
				while (p[1] && p[1] != '}')
					p++;
			if (*p == '{' || p[1] == '}')
				p += p[1] == '}';
			continue;
		}
		quant = 0;
	}
	return 1;
}

char *
rules_pattern_problem(const char *v)
{
	regex_t re;
	char buf[128], *why = NULL;
	int e;

	if (!tame_pattern(v))
		return xstrdup("too long (over 200 characters) or with repeated "
		    "quantifiers such as ++; write a simpler pattern");
	if ((e = regcomp(&re, v, REG_EXTENDED)) != 0) {
		regerror(e, &re, buf, sizeof(buf));
		return xasprintf("not a regular expression: %s", buf);
	}
	if (re.re_nsub != 1)
		why = xasprintf("needs exactly one group (...) around the patient, "
		    "not %zu", re.re_nsub);
	regfree(&re);
	return why;
}

static void
ics_key(struct loader *L, const char *sect, const char *key, const char *v,
    void *arg)
{
	struct rules *r = L->rules;
	size_t i;
	int e;

	(void)arg;
	for (i = 0; i < ICS_COUNT; i++)
		if (strcmp(key, rules_ics_names[i]) == 0) {
			str_freev(r->ics[i], r->nics[i]);
			r->ics[i] = get_names(L, sect, key, v, &r->nics[i], 1);
			return;
		}
	if (strcmp(key, "summary_pattern") == 0) {
		char *why = rules_pattern_problem(v);

		if (why != NULL)
			bad(L, sect, key, "%s", why);
		else {
			free(r->ics_summary_pattern);
			r->ics_summary_pattern = xstrdup(v);
		}
		free(why);
	} else if (strcmp(key, "timezone") == 0) {
		if (!tz_valid_name(v))
			bad(L, sect, key, "unknown time zone '%s'", v);
		else
			r->ics_timezone = xstrdup(v);
	} else if (strcmp(key, "horizon_days") == 0) {
		e = get_int(L, sect, key, v, 1, 3660, "horizon_days");
		if (e != UNSET)
			r->ics_horizon_days = e;
	}
}

static const char *const week_words[] = { "sunday", "monday" };

static void
auth_key(struct loader *L, const char *sect, const char *key, const char *v,
    void *arg)
{
	int w;

	(void)arg;
	if (strcmp(key, "week_start") == 0 &&
	    (w = get_word(L, sect, key, v, week_words, 2, "week start")) != UNSET)
		L->rules->auth_week_start = w;
}

static void
round_init(struct rules_round *rr)
{
	rr->mode = rr->base_threshold = rr->addon_threshold = UNSET;
}

static void
load_family(struct loader *L, const char *sect)
{
	struct rules *r = L->rules;
	struct rules_family *f;
	const char *kind;
	char *k;
	int w;

	r->families = xreallocarray(r->families, r->nfamilies + 1,
	    sizeof(*r->families));
	f = &r->families[r->nfamilies++];
	memset(f, 0, sizeof(*f));
	f->pool_by = UNSET;
	round_init(&f->round);
	f->from = DATE_OPEN_START;
	f->to = DATE_OPEN_END;
	/* the name as written, for output and messages */
	f->name = xstrdup(written(L, sect) + strlen("family "));
	str_trim(f->name);

	k = xasprintf("%s:kind", sect);
	kind = iniparser_getstring(L->ini, k, NULL);
	free(k);
	if (kind == NULL) {
		bad(L, sect, "kind", "missing; one of additional, each, range, "
		    "untimed, addon");
		f->kind = KIND_UNTIMED;
		f->code[0] = xstrdup(f->name);	/* keep later checks quiet */
		return;
	}
	w = get_word(L, sect, "kind", kind, kind_words, 5, "kind");
	if (w == UNSET) {
		f->kind = KIND_UNTIMED;
		f->code[0] = xstrdup(f->name);
		return;
	}
	f->kind = w;
	each_key(L, sect, "family", family_key, f);
}

/*
 * A section name's words, blanks between them; a word in double quotes
 * may hold blanks ([payer "Acme Health" 97153], SPEC §3).  NULL with *n 0
 * for an unclosed quote.
 */
static char **
section_words_of(const char *s, size_t *n)
{
	char **w = NULL;
	const char *p = s, *b;

	*n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return w;
		if (*p == '"') {
			b = ++p;
			while (*p && *p != '"')
				p++;
			if (*p != '"') {
				str_freev(w, *n);
				*n = 0;
				return NULL;
			}
			w = xreallocarray(w, *n + 1, sizeof(*w));
			w[(*n)++] = xstrndup(b, (size_t)(p - b));
			p++;
		} else {
			b = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
			w = xreallocarray(w, *n + 1, sizeof(*w));
			w[(*n)++] = xstrndup(b, (size_t)(p - b));
		}
	}
}

static void
load_payer(struct loader *L, const char *sect)
{
	struct rules *r = L->rules;
	struct rules_payer *p;
	char **w;
	size_t n;

	r->payers = xreallocarray(r->payers, r->npayers + 1, sizeof(*r->payers));
	p = &r->payers[r->npayers++];
	memset(p, 0, sizeof(*p));
	p->aggregate = p->mue = UNSET;
	round_init(&p->round);
	/* "payer NAME [FAMILY]" in the user's spelling; the caller checked n */
	w = section_words_of(written(L, sect), &n);
	p->name = xstrdup(n > 1 ? w[1] : "");
	p->family = n > 2 ? xstrdup(w[2]) : NULL;
	str_freev(w, n);
	each_key(L, sect, p->family ? "payer family" : "payer", payer_key, p);
}

/* The section names a section may have, for "did you mean". */
static const char *const section_words[] = { "rounding", "log", "columns",
	"ics", "auth", "family NAME", "payer NAME" };

static void
load_section(struct loader *L, const char *sect)
{
	char **w = NULL;
	size_t n = 0, i;

	if (strchr(sect, ':') != NULL) {
		bad(L, sect, NULL, "a section name cannot contain ':'");
		return;
	}
	if (strcmp(sect, "rounding") == 0)
		each_key(L, sect, "rounding", rounding_key, NULL);
	else if (strcmp(sect, "log") == 0)
		each_key(L, sect, "log", log_key, NULL);
	else if (strcmp(sect, "columns") == 0)
		each_key(L, sect, "columns", columns_key, NULL);
	else if (strcmp(sect, "ics") == 0)
		each_key(L, sect, "ics", ics_key, NULL);
	else if (strcmp(sect, "auth") == 0)
		each_key(L, sect, "auth", auth_key, NULL);
	else if ((w = str_split(sect, ' ', &n)) != NULL && n >= 1 &&
	    strcmp(w[0], "family") == 0) {
		if (n != 2)
			bad(L, sect, NULL, "expected [family NAME], one word");
		else
			load_family(L, sect);
	} else if (n >= 1 && strcmp(w[0], "payer") == 0) {
		str_freev(w, n);
		w = section_words_of(sect, &n);
		if (n < 2 || n > 3 || *w[1] == '\0')
			bad(L, sect, NULL, "expected [payer NAME] or "
			    "[payer NAME FAMILY] (a NAME with blanks in double "
			    "quotes)");
		else
			load_payer(L, sect);
	} else {
		const char *best = NULL;
		size_t d, bestd = (size_t)-1;

		for (i = 0; i < sizeof(section_words) / sizeof(*section_words);
		    i++) {
			char *word = xstrndup(section_words[i],
			    strcspn(section_words[i], " "));

			d = str_distance(n ? w[0] : sect, word);
			if (d < bestd) {
				bestd = d;
				best = section_words[i];
			}
			free(word);
		}
		if (bestd <= 2)
			bad(L, sect, NULL, "unknown section; did you mean [%s]?",
			    best);
		else
			bad(L, sect, NULL, "unknown section; sections are "
			    "[rounding], [family NAME], [payer NAME], "
			    "[payer NAME FAMILY], [log], [columns], [ics]");
	}
	str_freev(w, n);
}

/* ---- checks across a whole family and across families ------------------ */

static const struct rules_family *
family_named(const struct rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfamilies; i++)
		if (strcasecmp(r->families[i].name, name) == 0)
			return &r->families[i];
	return NULL;
}

static char *
family_sect(const struct rules_family *f)
{
	char *s = xasprintf("family %s", f->name), *p;

	for (p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* A threshold must fit inside the unit it rounds. */
static void
check_thresholds(struct loader *L, const char *sect,
    const struct rules_family *f, const struct rules_round *rr)
{
	int bu = f->minutes[0];
	int au = f->kind == KIND_ADDITIONAL ? f->minutes[1] : f->minutes[0];

	if (f->kind != KIND_ADDITIONAL && f->kind != KIND_EACH) {
		if (rr->mode != UNSET || rr->base_threshold != UNSET ||
		    rr->addon_threshold != UNSET)
			bad(L, sect, rr->mode != UNSET ? "mode" : "base_threshold",
			    "not used by kind %s (only by timed kinds additional "
			    "and each)", kind_words[f->kind]);
		return;
	}
	if (rr->base_threshold != UNSET && bu > 0 && rr->base_threshold > bu)
		bad(L, sect, "base_threshold", "%d is larger than its unit of %d "
		    "minutes", rr->base_threshold, bu);
	if (rr->addon_threshold != UNSET && au > 0 && rr->addon_threshold > au)
		bad(L, sect, "addon_threshold", "%d is larger than its unit of %d "
		    "minutes", rr->addon_threshold, au);
}

static void
check_limits(struct loader *L, const char *sect, const struct rules_family *f,
    const struct rules_round *rr)
{
	size_t i;

	for (i = 0; i < rr->nlimits; i++)
		if (rr->limits[i].code &&
		    !rules_family_has(f, rr->limits[i].code))
			bad(L, sect, "max_units_per_day", "%s is not a code of "
			    "family %s", rr->limits[i].code, f->name);
}

/* Does the effective mode of f need thresholds it lacks? */
static void
check_threshold_mode(struct loader *L, const struct rules_family *f)
{
	const struct rules *r = L->rules;
	const struct rules_payer *p, *pf;
	char *sect = family_sect(f);
	size_t i, j;
	int mode, bt, at;

	if (f->kind != KIND_ADDITIONAL && f->kind != KIND_EACH)
		goto out;
	/* for no payer, and for each payer that names anything */
	for (i = 0; i <= r->npayers; i++) {
		p = i < r->npayers ? &r->payers[i] : NULL;
		if (p && p->family && strcasecmp(p->family, f->name) != 0)
			continue;
		pf = NULL;
		if (p)
			for (j = 0; j < r->npayers; j++)
				if (strcasecmp(r->payers[j].name, p->name) == 0 &&
				    r->payers[j].family &&
				    strcasecmp(r->payers[j].family, f->name) == 0)
					pf = &r->payers[j];
		mode = pf && pf->round.mode != UNSET ? pf->round.mode :
		    p && p->family == NULL && p->round.mode != UNSET ? p->round.mode :
		    f->round.mode != UNSET ? f->round.mode : r->mode;
		if (mode != MODE_THRESHOLD)
			continue;
		bt = pf && pf->round.base_threshold != UNSET ?
		    pf->round.base_threshold : f->round.base_threshold;
		at = pf && pf->round.addon_threshold != UNSET ?
		    pf->round.addon_threshold : f->round.addon_threshold;
		if (bt == UNSET || (f->kind == KIND_ADDITIONAL && at == UNSET)) {
			bad(L, sect, "mode", "threshold%s%s needs base_threshold%s",
			    p ? " for payer " : "", p ? p->name : "",
			    f->kind == KIND_ADDITIONAL ? " and addon_threshold" : "");
			break;
		}
	}
out:
	free(sect);
}

static int
family_has_anywhere(const struct rules *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->nfamilies; i++)
		if (rules_family_has(&r->families[i], code))
			return 1;
	return 0;
}

/* A key of the section was written, even if its value was refused. */
static int
written_key(struct loader *L, const char *sect, const char *key)
{
	char *k = xasprintf("%s:%s", sect, key);
	int found = iniparser_find_entry(L->ini, k);

	free(k);
	return found;
}

static void
check_family(struct loader *L, const struct rules_family *f)
{
	char *sect = family_sect(f);
	size_t i;

	switch (f->kind) {
	case KIND_ADDITIONAL:
		if (f->code[0] == NULL && !written_key(L, sect, "base"))
			bad(L, sect, "base", "missing; kind additional needs base "
			    "and addon");
		if (f->code[1] == NULL && !written_key(L, sect, "addon"))
			bad(L, sect, "addon", "missing; kind additional needs base "
			    "and addon");
		if (f->code[0] && f->code[1] &&
		    strcasecmp(f->code[0], f->code[1]) == 0)
			bad(L, sect, "addon", "the add-on code is the base code");
		break;
	case KIND_EACH:
	case KIND_UNTIMED:
		if (f->code[0] == NULL && !written_key(L, sect, "unit"))
			bad(L, sect, "unit", "missing; kind %s needs unit",
			    kind_words[f->kind]);
		break;
	case KIND_ADDON:
		if (f->code[0] == NULL && !written_key(L, sect, "unit"))
			bad(L, sect, "unit", "missing; kind addon needs unit");
		if (f->nrequires == 0 && !written_key(L, sect, "requires"))
			bad(L, sect, "requires", "missing; kind addon needs the "
			    "primary codes it goes with");
		for (i = 0; i < f->nrequires; i++)
			if (!family_has_anywhere(L->rules, f->requires[i]))
				bad(L, sect, "requires", "%s is not a code of any "
				    "family", f->requires[i]);
		break;
	case KIND_RANGE:
		if (f->nranges == 0 && !written_key(L, sect, "ranges"))
			bad(L, sect, "ranges", "missing; kind range needs ranges");
		break;
	}
	check_thresholds(L, sect, f, &f->round);
	check_limits(L, sect, f, &f->round);
	check_threshold_mode(L, f);
	free(sect);
}

/* The codes a family bills, for the overlap check. */
static size_t
family_codes(const struct rules_family *f, const char **codes, size_t max)
{
	size_t n = 0, i;

	for (i = 0; i < 2 && n < max; i++)
		if (f->code[i])
			codes[n++] = f->code[i];
	for (i = 0; i < f->nranges && n < max; i++)
		codes[n++] = f->ranges[i].code;
	return n;
}

/* On any date, every code belongs to exactly one family (SPEC §2). */
static void
check_overlaps(struct loader *L)
{
	const struct rules *r = L->rules;
	const struct rules_family *a, *b;
	const char *ca[32], *cb[32];
	size_t i, j, x, y, na, nb;
	char d[DATE_BUFSZ], *sect;
	int from;

	for (i = 0; i < r->nfamilies; i++)
		for (j = i + 1; j < r->nfamilies; j++) {
			a = &r->families[i];
			b = &r->families[j];
			if (a->to < b->from || b->to < a->from)
				continue;
			na = family_codes(a, ca, 32);
			nb = family_codes(b, cb, 32);
			for (x = 0; x < na; x++)
				for (y = 0; y < nb; y++) {
					if (strcasecmp(ca[x], cb[y]) != 0)
						continue;
					from = a->from > b->from ? a->from : b->from;
					sect = family_sect(b);
					if (from == DATE_OPEN_START)
						bad(L, sect, NULL, "%s is also in "
						    "[family %s] on every date; give "
						    "them effective dates that do not "
						    "overlap", cb[y], a->name);
					else
						bad(L, sect, NULL, "%s is also in "
						    "[family %s] on %s; give them "
						    "effective dates that do not "
						    "overlap", cb[y], a->name,
						    date_format(from, d));
					free(sect);
				}
		}
}

static void
check_payers(struct loader *L)
{
	struct rules *r = L->rules;
	const struct rules_family *f;
	struct rules_payer *p;
	char *sect;
	size_t i;

	for (i = 0; i < r->npayers; i++) {
		p = &r->payers[i];
		if (p->family == NULL)
			continue;
		sect = strpbrk(p->name, " \t") ?
		    xasprintf("payer \"%s\" %s", p->name, p->family) :
		    xasprintf("payer %s %s", p->name, p->family);
		{
			char *q;

			for (q = sect; *q; q++)
				*q = (char)tolower((unsigned char)*q);
		}
		f = family_named(r, p->family);
		if (f == NULL)
			bad(L, sect, NULL, "no family is named '%s'", p->family);
		else {
			/* spell it as the family does */
			free(p->family);
			p->family = xstrdup(f->name);
			check_thresholds(L, sect, f, &p->round);
			check_limits(L, sect, f, &p->round);
		}
		free(sect);
	}
}

static void
set_defaults(struct rules *r)
{
	size_t i;

	r->mode = MODE_MIDPOINT;
	r->aggregate = AGG_DAY;
	r->pool_by = POOL_PROVIDER;
	r->mue = MUE_WARN;
	r->date_order = ORDER_MDY;
	r->ics_horizon_days = 365;
	/* twelve hours: "1:00 PM to 12:30 PM" is a typo, not a 23.5-hour day */
	r->max_session_minutes = 720;
	/* what practice systems call appointments that did not happen */
	r->skip_status = str_split("no show, no-show, noshow, late cancel, "
	    "late canceled, late cancelled, canceled, cancelled, "
	    "client canceled, client cancelled", ',', &r->nskip_status);
	for (i = 0; i < ICS_COUNT; i++)
		r->ics[i] = str_split(ics_defaults[i], ',', &r->nics[i]);
}

/* iniparser 4.1 reads only named files: hand it the text through memory. */
static dictionary *
ini_from_text(const char *text, size_t len)
{
	dictionary *d = NULL;
	char path[64];
	FILE *fp;
	int fd;

	fd = memfd_create("cptunits-rules", MFD_CLOEXEC);
	if (fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (write(fd, text, len) == (ssize_t)len && access(path, R_OK) == 0)
			d = iniparser_load(path);
		else
			fd = (close(fd), -1);
		if (fd >= 0) {
			close(fd);
			return d;
		}
	}
	/* no memory files here: an unnamed temporary file will do */
	if ((fp = tmpfile()) == NULL)
		return NULL;
	if (fwrite(text, 1, len, fp) == len && fflush(fp) == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fileno(fp));
		d = iniparser_load(path);
	}
	fclose(fp);
	return d;
}

int
rules_load_string(const char *text, size_t len, const char *name,
    struct rules **out, struct diag *errs)
{
	struct loader L;
	size_t before = errs->n, i;
	int n, k;

	*out = NULL;
	memset(&L, 0, sizeof(L));
	L.name = name;
	L.errs = errs;
	L.rules = xcalloc(1, sizeof(*L.rules));
	L.rules->path = xstrdup(name);
	set_defaults(L.rules);

	/* a UTF-8 byte-order mark, as Windows Notepad writes */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (memchr(text, '\0', len) != NULL)
		diag_add(errs, "%s: contains a NUL byte; not a text file", name);
	else
		scan(&L, text, len);

	if (errs->n == before) {
		current = &L;
		iniparser_set_error_callback(ini_error);
		L.ini = ini_from_text(text, len);
		iniparser_set_error_callback(NULL);
		current = NULL;
		if (L.ini == NULL && errs->n == before)
			diag_add(errs, "%s: cannot be read", name);
	}
	if (L.ini != NULL) {
		/* keys before any section are stored as ":key" */
		for (k = 0; k < L.ini->n; k++)
			if (L.ini->key[k] && L.ini->key[k][0] == ':')
				diag_add(errs, "%s: %s: a key outside any section",
				    name, L.ini->key[k] + 1);
		n = iniparser_getnsec(L.ini);
		for (k = 0; k < n; k++)
			load_section(&L, iniparser_getsecname(L.ini, k));
		for (i = 0; i < L.rules->nfamilies; i++)
			check_family(&L, &L.rules->families[i]);
		check_overlaps(&L);
		check_payers(&L);
		iniparser_freedict(L.ini);
	}
	for (i = 0; i < L.nsects; i++) {
		free(L.sects[i].folded);
		free(L.sects[i].written);
	}
	free(L.sects);
	if (errs->n > before) {
		rules_free(L.rules);
		return RULES_BAD;
	}
	*out = L.rules;
	return RULES_OK;
}

int
rules_load(const char *path, struct rules **out, struct diag *errs)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	FILE *fp;
	int rc;

	*out = NULL;
	if (path == NULL)
		return rules_load_string(rules_builtin, strlen(rules_builtin),
		    RULES_BUILTIN_NAME, out, errs);
	if ((fp = fopen(path, "rb")) == NULL) {
		diag_add(errs, "%s: %s", path, strerror(errno));
		return RULES_IO;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= MAX_RULES_BYTES) {
				diag_add(errs, "%s: larger than %d MiB; not a rules "
				    "file", path, MAX_RULES_BYTES >> 20);
				fclose(fp);
				free(buf);
				return RULES_BAD;
			}
			cap = cap ? cap * 2 : 8192;
			buf = xreallocarray(buf, cap, 1);
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		diag_add(errs, "%s: %s", path, strerror(errno ? errno : EIO));
		fclose(fp);
		free(buf);
		return RULES_IO;
	}
	fclose(fp);
	rc = rules_load_string(buf, len, path, out, errs);
	free(buf);
	return rc;
}

static char *
readable(char *path)
{
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	return NULL;
}

char *
rules_locate(const char *option)
{
	const char *env, *home;
	char *p;

	if (option != NULL)
		return xstrdup(option);
	if ((env = getenv("CPTUNITS_CONFIG")) != NULL && *env != '\0')
		return xstrdup(env);
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/') {
		if ((p = readable(xasprintf("%s/cptunits/cptunits.ini", env))))
			return p;
	} else if ((home = getenv("HOME")) != NULL && *home == '/') {
		if ((p = readable(xasprintf("%s/.config/cptunits/cptunits.ini",
		    home))))
			return p;
	}
	if ((p = readable(xstrdup(SYSCONFDIR "/cptunits/cptunits.ini"))))
		return p;
	return NULL;
}
