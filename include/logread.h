/*
 * logread: encounter-log CSV (SPEC §5) -> sessions for the pool, and
 * rejected rows with the reason that names their column.  Every record is
 * either added to the pool or rejected; the counts reconcile.
 *
 * Ownership: a struct logrun owns its rejects; logrun_free releases them.
 */
#ifndef CPTUNITS_LOGREAD_H
#define CPTUNITS_LOGREAD_H

#include <stdio.h>

#include "pool.h"
#include "report.h"
#include "rules.h"
#include "tz.h"

struct logopts {
	const struct rules	*rules;
	const struct tz		*zone;		/* local times are in this zone */
	const char		*payer;		/* --payer: every row's payer */
	int			 from, to;	/* dates of service, from <= d < to */
	int			 keep_rejects;	/* keep rows for --rejects */
	int			 quiet;		/* -q: no warnings */
	int			 delim;		/* --delimiter; 0: sniffed */
	int			 cp1252;	/* the logs are Windows-1252 text */
};

struct reject_row;
struct seen;

/* What a run over one or more logs has found beyond the report. */
struct logrun {
	struct pool		*pool;
	struct report		*report;
	long long		 seconds;	/* of accepted records */
	long			 outside;	/* records outside --from/--to */
	long			 repeats;	/* rows counted once (repeats) */
	long			 skipped;	/* rows of a status not billed */
	long			 totals;	/* footer rows of totals */
	struct reject_row	*rows;		/* for --rejects, in order */
	size_t			 nrows, caprows;
	char			**header;	/* the union of the logs' headers */
	size_t			 nheader, capheader;
	long			 bycol[COL_COUNT];	/* the union column of each use */
	struct seentab {			/* for repeats: */
		struct seen	*v;
		size_t		 size, n;
	}			 enc, seen;	/* encounter ids, rows read */
	int			 rowday;	/* streaming: rows of days before
						   this one are let go */
	size_t			 rowlast;	/* the slot of the last row's */
	char			**files;	/* the logs' names, for messages */
	size_t			 nfiles;
	size_t			*extra;		/* unnamed columns for fields past */
	size_t			 nextra;	/* a row's header */
};

/*
 * Read one log.  name is for messages ("FILE:LINE: ...").  Returns 0, or
 * -1 when the file cannot be used (read error, no header, a required
 * column missing), with the message printed.
 */
int	logread_file(const char *name, FILE *fp, const struct logopts *,
	    struct logrun *);
/* The pool's callback for add-on rows rejected at billing time. */
void	logread_late_reject(void *run, void *tag, const char *reason,
	    long seconds);
/* Free a tag given to the pool with an add-on session. */
void	logread_free_tag(void *tag);
/* Write the rejected rows as CSV: reason, then the row as read. */
void	logread_write_rejects(const struct logrun *, FILE *);

/* A rejected row kept (keep_rejects): its fields by the union header. */
struct logread_reject {
	const char	*reason, *file;
	long		 line;
	const char	**field;	/* [nheader]; len 0: empty */
	size_t		*len;
};
/* Row i of run->nrows into *j (zeroed before the first call). */
void	logread_reject_get(const struct logrun *, size_t i,
	    struct logread_reject *);
void	logread_reject_done(struct logread_reject *);
void	logrun_free(struct logrun *);

#endif
