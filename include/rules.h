/*
 * rules: the rules a run bills by (SPEC §2, §3): families of codes with
 * their kind, minutes, rounding, checks and effective dates; payer
 * overrides; and the [log], [columns] and [ics] settings of the readers.
 *
 * Ownership: a struct rules owns everything it points at; rules_free
 * releases it.  Pointers returned by the lookup functions (families, codes)
 * stay valid until then.  Loading lives in rulesload.c.
 */
#ifndef CPTUNITS_RULES_H
#define CPTUNITS_RULES_H

#include <stdio.h>

#include "units.h"

#define UNSET	(-1)

struct rules_limit {
	char	*code;		/* NULL: every code of the family */
	int	 units;
};

/* Rounding keys that [rounding], families and payers may each set. */
struct rules_round {
	int			 mode;		/* enum rule_mode or UNSET */
	int			 base_threshold;	/* minutes or UNSET */
	int			 addon_threshold;
	struct rules_limit	*limits;	/* max_units_per_day */
	size_t			 nlimits;
	int			 limits_set;
};

struct rules_family {
	char			*name;		/* after "family " in the section name */
	enum rule_kind		 kind;
	char			*code[2];	/* base/unit code, add-on code */
	int			 minutes[2];	/* base/unit minutes, add-on minutes */
	struct rule_range	*ranges;	/* codes owned here */
	size_t			 nranges;
	char			**requires;	/* KIND_ADDON: primary codes */
	size_t			 nrequires;
	int			 from, to;	/* effective day numbers, inclusive */
	struct rules_round	 round;
	int			 min_technicians;	/* 0: no check */
	int			 max_participants;	/* 0: no check */
	int			 pool_by;	/* enum pool_by or UNSET: [rounding]'s */
	char			*description;
};

struct rules_payer {
	char			*name;
	char			*family;	/* NULL: all families */
	int			 aggregate;	/* enum aggregate or UNSET */
	int			 mue;		/* enum mue_policy or UNSET */
	struct rules_round	 round;
};

enum aggregate { AGG_DAY, AGG_SESSION };
/* A pool per rendering provider (a claim line each), or per patient. */
enum pool_by { POOL_PROVIDER, POOL_PATIENT };
enum date_order { ORDER_MDY, ORDER_DMY };

/* The columns of an encounter log, in SPEC §5 order. */
enum column {
	COL_PATIENT, COL_DATE, COL_START, COL_END, COL_MINUTES, COL_CODE,
	COL_TECHNICIANS, COL_PARTICIPANTS, COL_PAYER, COL_PROVIDER,
	COL_ENCOUNTER, COL_STATUS, COL_MODIFIERS, COL_UNITS, COL_COUNT
};
extern const char *const rules_column_names[COL_COUNT];

/* The properties a calendar event is mapped through, in [ics] order. */
enum icsfield {
	ICS_CODE, ICS_PATIENT, ICS_TECHNICIANS, ICS_PAYER, ICS_PROVIDER,
	ICS_COUNT
};
extern const char *const rules_ics_names[ICS_COUNT];

struct rules {
	char			*path;		/* where they came from, for messages */
	int			 mode;		/* [rounding]; never UNSET once loaded */
	int			 aggregate;
	int			 mue;
	int			 pool_by;	/* enum pool_by */
	struct rules_family	*families;
	size_t			 nfamilies;
	struct rules_payer	*payers;
	size_t			 npayers;
	char			*log_timezone;	/* NULL: TZ of the run, else UTC */
	int			 date_order;
	int			 max_session_minutes;	/* longer: a typo */
	int			 log_cp1252;	/* [log] encoding = windows-1252 */
	char			**skip_status;	/* statuses not billed */
	size_t			 nskip_status;
	char			**columns[COL_COUNT];	/* extra header names */
	size_t			 ncolumns[COL_COUNT];
	char			**ics[ICS_COUNT];	/* property names, or NULL */
	size_t			 nics[ICS_COUNT];
	char			*ics_summary_pattern;
	char			*ics_timezone;
	int			 ics_horizon_days;
	int			 auth_week_start;	/* 0 sunday, 1 monday */
};

/* The shipped config/cptunits.ini, compiled in. */
extern const char rules_builtin[];

void	rules_free(struct rules *);

/* The family's name in output: its first code (SPEC §4). */
const char	*rules_family_label(const struct rules_family *);
/* 1 when the family bills `code` (base, add-on, unit or a range code). */
int		 rules_family_has(const struct rules_family *, const char *code);
/*
 * The family in force on `day` that bills `code`, or NULL.  When NULL and
 * the code is known on other dates, *elsewhere is set to one such family
 * (for "not in force" messages), else to NULL.
 */
const struct rules_family *rules_family_for(const struct rules *,
	    const char *code, int day, const struct rules_family **elsewhere);
/*
 * The family billing `code` on `day` in *fam and NULL; or, when there is
 * none, NULL in *fam and why ("code X is not in force on D; ..."), which
 * the caller frees.
 */
char		*rules_why_not(const struct rules *, const char *code, int day,
	    const struct rules_family **fam);
/* The family's canonical spelling of `code` (the rules file's case). */
const char	*rules_code_spelling(const struct rules *, const char *code);
/* Resolve a family for a payer (NULL: none) into plain numbers. */
void		 rules_resolve(const struct rules *, const struct rules_family *,
	    const char *payer, struct rule *out);
/* How a family's sessions are pooled: per provider or per patient. */
enum pool_by	 rules_pool_by(const struct rules *, const struct rules_family *);
/* The aggregation in force for a payer (NULL: none). */
enum aggregate	 rules_aggregate(const struct rules *, const char *payer);
/* Print as a rules file that loads back to the same rules. */
void		 rules_print(const struct rules *, FILE *);

const char	*rules_kind_name(enum rule_kind);
const char	*rules_mode_name(enum rule_mode);

#endif
