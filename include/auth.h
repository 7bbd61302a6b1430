/*
 * auth: a payer's authorizations (SPEC §7) read from CSV, cut into their
 * periods, and the billed and scheduled units counted against them.
 *
 * Ownership: a struct authset owns its authorizations and their strings.
 */
#ifndef CPTUNITS_AUTH_H
#define CPTUNITS_AUTH_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "rules.h"

enum auth_per { PER_TOTAL, PER_DAY, PER_WEEK, PER_MONTH };

struct auth_period {
	int	start, end;		/* day numbers, inclusive */
	long	billed, scheduled;
};

struct auth {
	char			*id, *patient, *code;
	char			*payer;		/* "" when the row names none */
	long			 units;		/* authorized per period */
	int			 from, to;	/* inclusive */
	int			 per;		/* enum auth_per */
	long			 line;		/* of the authorizations file */
	struct auth_period	*periods;	/* in date order */
	size_t			 nperiods;
};

/* A billed or scheduled line that no authorization covers. */
struct auth_outside {
	const char	*file;		/* borrowed from its report */
	long		 line;
	const char	*patient;	/* borrowed */
	int		 date;
	const char	*code;		/* borrowed */
	long		 units;
	int		 scheduled;
};

struct authset {
	char			*file;		/* for messages */
	struct auth		*v;
	size_t			 n, cap;
	long			 records;	/* rows read, header aside */
	long			 skipped;	/* blank, totals and title rows */
	size_t			*index;		/* by (patient, code) */
	struct auth_outside	*out;
	size_t			 nout, capout;
	int			 since;		/* scheduled units from this day */
};

/*
 * Read an authorizations CSV (Windows-1252 text when cp1252) into set,
 * rejecting bad rows into rep (with their messages on standard error).  Returns 0, or -1 when the file
 * cannot be used (no header, unreadable), with the message printed.
 */
int	auth_read(const char *name, FILE *, const struct rules *,
	    struct authset *, struct report *rep, int cp1252);
/* Cut each authorization into its periods (weeks start on week_start). */
void	auth_periods(struct authset *, int week_start);
/* The last day any authorization covers, or DATE_OPEN_START with none. */
int	auth_last_day(const struct authset *);
/*
 * Count a line's units of code against every authorization of its
 * patient and code whose dates hold it (and whose payer is the line's,
 * when both name one); a line no authorization holds is kept as outside.
 */
void	auth_count(struct authset *, const struct report_line *,
	    const char *code, long units, int scheduled);
/* Warn on standard error of each period used past its units. */
void	auth_warn(const struct authset *);
/* "total", "day", "week" or "month". */
const char *auth_per_name(int);
void	authset_free(struct authset *);

#endif
