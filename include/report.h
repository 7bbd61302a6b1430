/*
 * report: what a run found, ready for a writer: billed lines per
 * (patient, date of service, family) or per session, the rejected records
 * with their reasons, and the counts that must reconcile.
 *
 * Ownership: a struct report owns its warnings and rejects; patients are
 * borrowed from the pool that billed them, and family labels and codes
 * from the rules: both must outlive the report.
 */
#ifndef CPTUNITS_REPORT_H
#define CPTUNITS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strutil.h"
#include "units.h"

/*
 * A billed line as builders fill it (report_add) and writers read it
 * (report_get); the report keeps its lines compact (report.c).
 */
struct report_line {
	const char		*patient;	/* "" when none (calc); borrowed */
	int			 date;		/* day number of the date of service */
	const char		*family;	/* the family's label */
	long			 minutes;
	struct units_code	 codes[2];	/* sorted by code */
	size_t			 ncodes;
	int			 next;		/* minutes to the next unit; -1 none */
	char			**warnings;
	size_t			 nwarnings;
	char			*start, *end, *source;	/* --by session; else NULL */
	long			 order;		/* ties keep the order of addition */
	const char		*provider;	/* "" or its rendering provider */
	const char		*payer;		/* "" or the payer it bills by */
	const char		*modifiers;	/* "" or ':'-joined */
	const char		*file;		/* its first session's, borrowed; */
	long			 line;		/* NULL and 0 for calc */
};

/* A pool whose export units differ from the rules' (SPEC §5). */
struct report_discrepancy {
	char	*file;
	long	 line;			/* the pool's first row */
	long	 rows;			/* rows of the pool that said */
	char	*code;
	long	 export_units, rules_units;
	int	 date;
	char	*patient;
};

struct report_reject {
	char	*file;
	long	 line;			/* 0: no line (a command-line record) */
	char	*reason;
};

struct cline;
struct line_ext;
struct pvec;

struct report {
	struct cline		**chunks;	/* the lines, compact, in chunks */
	size_t			 nlines, nchunks;
	uint32_t		*perm;		/* sorted: place i has line perm[i] */
	struct report_line	 open;		/* the line being built */
	int			 has_open;
	struct ptrids		 strs;		/* the strings lines name, by id */
	struct pvec		*pv;		/* by patient id: its lines, sorted
						   as they come (report_sort) */
	size_t			 npv;
	int			 pv_off;	/* given up: report_sort sorts */
	struct line_ext		*ext;		/* warnings, --by session texts */
	size_t			 next, capext;
	struct report_reject	*rejects;
	size_t			 nrejects, capr;
	long			 records;	/* read */
	long			 accepted;
	long			 minutes;	/* of accepted records */
	long			 outside;	/* records outside --from/--to */
	long			 events[5];	/* calendars: read, billed, refused,
						   not billable, outside the window */
	int			 has_events;
	long			 unbilled;	/* records counted but not billed
						   (repeats of another), in notes */
	int			 by_session;	/* print start,end,source */
	int			 by_date;	/* table: days first, by week
						   (calendars) */
	int			 week_start;	/* by_date: 0 Sunday, 1 Monday */
	char			**notes;	/* about the run as a whole */
	size_t			 nnotes;
	struct report_discrepancy *disc;
	size_t			 ndisc;
};

/*
 * Add a line; borrows patient, copies the units result's codes.  The line
 * returned may be filled in (and warned on) until the next report_add or
 * report_sort; its strings are borrowed, start, end and source taken.
 */
struct report_line *report_add(struct report *, const char *patient, int date,
	    const char *family, long minutes, const struct units_result *);
/* Line i (after report_sort), into *view: valid while the report lives. */
void	report_get(const struct report *, size_t i, struct report_line *view);
void	report_warn(struct report_line *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	report_reject(struct report *, const char *file, long line,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
/* The export's units for code differ from the rules' on line l. */
void	report_discrepancy(struct report *, const struct report_line *,
	    const char *code, long export_units, long rules_units, long rows);
/* A note about the whole run (a series cut at the horizon, ...). */
void	report_note(struct report *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Every line's warnings and the run's notes on fp, as "cptunits:
 * FILE:LINE: DATE FAMILY: warning" (the line of the pool's first session;
 * never the patient) and "cptunits: note: ...".  prefix stands for
 * FILE:LINE where the line has none ("calc").
 */
void	report_print_warnings(const struct report *, const char *prefix,
	    FILE *);
/* Sort lines by patient, date, family (then start) for output. */
void	report_sort(struct report *);

/* Units summed per key (a patient, a provider, or none) and code. */
struct report_sum {
	const char	*key;		/* "" when summed over all keys */
	const char	*code;
	long		 units;
};
enum { SUM_BY_CODE, SUM_BY_PATIENT, SUM_BY_PROVIDER };
/* Sort v by key then code and merge the runs; returns how many are left. */
size_t	report_sum_merge(struct report_sum *v, size_t n);
/* Every billed code of the report's lines summed, by (SUM_BY_...) key;
 * the strings are the report's. */
struct report_sum *report_sums(const struct report *, int by, size_t *n);
void	report_free(struct report *);

#endif
