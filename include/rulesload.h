/*
 * rulesload: reading a rules file (SPEC §3) with iniparser and checking
 * every value strictly with our own parsers; iniparser's typed getters are
 * never used.  All problems are collected and reported together.
 *
 * Ownership: rules_load gives the caller a struct rules to rules_free.
 */
#ifndef CPTUNITS_RULESLOAD_H
#define CPTUNITS_RULESLOAD_H

#include <stddef.h>

#include "diag.h"
#include "rules.h"

/* One key the loader accepts; this table also drives the manual's test. */
struct rules_key {
	const char	*section;	/* "rounding", "family", "payer", ... */
	const char	*name;
	const char	*value;		/* the shape of its value */
};
extern const struct rules_key rules_keys[];
extern const size_t rules_nkeys;

#define RULES_OK	0
#define RULES_BAD	2	/* the file says something wrong */
#define RULES_IO	3	/* the file cannot be read */

/* Name shown for the compiled-in rules. */
#define RULES_BUILTIN_NAME	"(built-in rules)"

/*
 * Where the rules come from (SPEC §3): `option` (-c), $CPTUNITS_CONFIG,
 * $XDG_CONFIG_HOME/cptunits/cptunits.ini (default ~/.config/...),
 * SYSCONFDIR/cptunits/cptunits.ini, else NULL for the built-in rules.
 * The caller frees the result.
 */
char	*rules_locate(const char *option);
/*
 * Load rules from path (NULL: the built-in rules).  Returns RULES_OK and
 * sets *out, or RULES_BAD / RULES_IO with every problem in errs.
 */
int	 rules_load(const char *path, struct rules **out, struct diag *errs);
/* 0 for utf-8, 1 for windows-1252 (also cp1252), -1 for another name. */
int	 encoding_of(const char *);
/* Why a summary pattern cannot be used (caller frees), or NULL when fine. */
char	*rules_pattern_problem(const char *pattern);
/* Load from a string (the built-in rules, tests); name is for messages. */
int	 rules_load_string(const char *text, size_t len, const char *name,
	    struct rules **out, struct diag *errs);

#endif
