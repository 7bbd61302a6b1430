/*
 * units: the arithmetic that turns a pool of minutes into billed units.
 *
 * Pure functions, no I/O and no allocation: the rules module resolves a
 * family for a payer into a struct rule of plain numbers, and the command
 * line, the log pooling and the calendar preview all call units_compute on
 * it, so they cannot bill the same minutes differently.
 *
 * Ownership: a struct rule points at strings and ranges owned by the rules
 * it was resolved from; a struct units_result points at the same strings.
 */
#ifndef CPTUNITS_UNITS_H
#define CPTUNITS_UNITS_H

#include <stddef.h>

enum rule_kind {
	KIND_ADDITIONAL,	/* base code for the first b minutes, add-on for each a */
	KIND_EACH,		/* one code, one unit per u minutes */
	KIND_RANGE,		/* one code chosen by the range the total falls in */
	KIND_UNTIMED,		/* one unit per session */
	KIND_ADDON		/* one unit per session, only beside a listed primary */
};

enum rule_mode {
	MODE_MIDPOINT,		/* CPT: a unit counts once its mid-point is passed */
	MODE_HALF,		/* the mid-point itself counts */
	MODE_FULL,		/* complete units only */
	MODE_ANY,		/* any started unit */
	MODE_THRESHOLD		/* the family's own base/addon thresholds */
};

enum mue_policy {
	MUE_WARN,		/* keep units above the daily limit, and warn */
	MUE_CAP			/* cut them, and say how many */
};

struct rule_range {
	const char	*code;
	int		 from;		/* minutes, inclusive */
	int		 to;		/* minutes, inclusive; RANGE_OPEN for "and more" */
};
#define RANGE_OPEN	0x7fffffff

/* One family as it applies to one payer: nothing left to look up. */
struct rule {
	enum rule_kind		 kind;
	enum rule_mode		 mode;		/* as resolved, for display */
	const char		*code[2];	/* [0] base or unit code, [1] add-on code */
	int			 minutes[2];	/* [0] b or u, [1] a */
	int			 threshold[2];	/* minutes from which [0] the first unit,
						   [1] each further unit counts */
	const struct rule_range	*ranges;	/* KIND_RANGE, ascending */
	size_t			 nranges;
	int			 limit[2];	/* daily units for code[i]; 0 = none */
	enum mue_policy		 mue;
};

struct units_code {
	const char	*code;
	int		 units;		/* billed, after any cap */
	int		 over;		/* units above the daily limit (kept or cut) */
};

struct units_result {
	struct units_code	codes[2];	/* codes with units > 0, in billing order */
	size_t			ncodes;
	int			next;		/* more minutes that earn the next unit; -1 none */
};

/* Minutes from which a started unit of u minutes counts under a mode. */
int	units_threshold(enum rule_mode, int unit_minutes);
/*
 * Bill `minutes` pooled from `sessions` sessions under rule r.  Untimed and
 * add-on kinds bill one unit per session; the add-on's primary is checked
 * by the caller.
 */
void	units_compute(const struct rule *r, long minutes, int sessions,
	    struct units_result *out);
/*
 * The minutes at which code index i earns its n-th unit (n >= 1) under a
 * timed rule; -1 when it never does (a base code's second unit).
 */
long	units_nth(const struct rule *r, int i, long n);

#endif
