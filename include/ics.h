/*
 * ics: iCalendar files -> sessions for the pool (SPEC §6).  libical 3.0.16
 * parses; the occurrences are worked out here, because its own expansion
 * double-counts moved occurrences, expands cancelled ones, stretches
 * all-day events and treats unknown zones as UTC (anchors.md §4).
 *
 * Ownership: a struct icsrun owns its notes and occurrences; icsrun_free
 * releases them.
 */
#ifndef CPTUNITS_ICS_H
#define CPTUNITS_ICS_H

#include <stdio.h>

#include "output.h"
#include "pool.h"
#include "report.h"
#include "rules.h"

struct icsopts {
	const struct rules	*rules;
	const char		*zone;		/* --tz, or NULL */
	const char		*payer;		/* --payer, or NULL */
	int			 from, to;	/* dates of service, from <= d < to */
	int			 horizon;	/* first day past the horizon when no --to */
	int			 quiet;
	int			 occurrences;	/* keep every occurrence for the list */
	const char		*patient;	/* --patient: every event's */
	int			 annotate;	/* keep what each event bills */
};

struct ics_occurrence {
	char		*uid;
	long long	 start;		/* seconds since the epoch */
	long		 minutes;
	char		*code;		/* "" when none is known */
	char		*patient;	/* "" when none is known */
};

/*
 * --annotate: an event's first billed occurrence, by its BEGIN:VEVENT; or
 * (family NULL) an event read that bills nothing, whose old annotation goes.
 */
struct ics_billed {
	long				 line;
	const struct rules_family	*family;	/* NULL: bills nothing */
	long				 seconds;
	int				 date;
	char				*payer;		/* NULL: none */
};

struct icsrun {
	struct pool		*pool;
	struct report		*report;
	long			 cancelled;	/* occurrences dropped */
	long			 allday;	/* all-day events skipped */
	long			 cut;		/* series cut at the horizon */
	long long		 seconds;	/* of accepted occurrences */
	long			 nouid;		/* events without a UID */
	long			 superseded;	/* masters of a lower SEQUENCE */
	long			 events[4];	/* events read, by what became of
						   them: outside the window, not
						   billable, refused, billed */
	long			 bare;		/* VEVENTs outside any VCALENDAR */
	long			 nocode;	/* occurrences with no code-like word */
	long			 nopatient;	/* occurrences billed without one */
	long			 nested;	/* VEVENTs inside other components,
						   refused */
	struct ics_occurrence	*occ;		/* every timed occurrence in the window */
	size_t			 nocc, capocc;
	struct ics_billed	*billed;	/* --annotate, in file order */
	size_t			 nbilled, capbilled;
};

/*
 * Read one calendar file.  Returns 0, or -1 when the file cannot be used
 * at all (not iCalendar, empty, truncated), with the message printed.
 */
int	ics_read_file(const char *name, FILE *fp, const struct icsopts *,
	    struct icsrun *);
/* The pool's tag and callback for add-on occurrences judged at billing. */
void	ics_free_tag(void *tag);
void	ics_late_reject(void *run, void *tag, const char *reason, long seconds);
/* --occurrences: uid,start,minutes,code,patient sorted by start, uid. */
void	ics_write_occurrences(struct icsrun *, enum format, FILE *);
void	icsrun_free(struct icsrun *);
/* Read every calendar whole, never one UID at a time (for the fuzzer that
 * holds the two to the same result, tests/fuzz/fuzz_ics.c). */
void	ics_read_whole(int on);
/* Does text (a file's first bytes, NUL-terminated) start as a calendar:
 * BEGIN:VCALENDAR or a bare BEGIN:VEVENT, after a BOM and blanks? */
int	ics_sniff(const char *text);

#endif
