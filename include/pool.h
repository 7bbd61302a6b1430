/*
 * pool: sessions -> billed lines.  Sessions are pooled per (patient, date
 * of service, family), their intervals merged as they arrive so
 * that no minute counts twice and memory grows with patient-days, not with
 * rows; each pool is then billed by the units engine.  The log and the
 * calendar readers both feed this, so the same sessions bill the same.
 *
 * Ownership: the pool copies what it keeps of a session; tags given with
 * sessions become the pool's and are freed with the tag_free of pool_new.
 */
#ifndef CPTUNITS_POOL_H
#define CPTUNITS_POOL_H

#include "report.h"
#include "rules.h"

enum session_note {
	NOTE_MIDNIGHT = 1,	/* crosses midnight: billed on its start date */
	NOTE_TWICE = 2,		/* a wall time that happens twice: the first taken */
	NOTE_PAYERS = 4		/* the sessions of one pool name different payers */
};

struct session {
	const char			*patient;
	int				 date;		/* date of service */
	const struct rules_family	*family;
	int				 timed;		/* start and end are known */
	long long			 start, end;	/* seconds since the epoch */
	long				 seconds;	/* its length */
	const char			*payer;		/* NULL or "" for none */
	const char			*provider;	/* NULL or "" for none */
	const char			*source;	/* "FILE:LINE" or a UID */
	const char			*file;		/* where it was read, for */
	long				 line;		/* messages; NULL, 0: none */
	const char			*start_text;	/* for --by session */
	const char			*end_text;
	int				 notes;		/* enum session_note bits */
	int				 alone;		/* pooled with nothing */
	const char			*modifiers;	/* ':'-joined, or NULL */
	int				 has_units;	/* the export's own units: */
	long				 units;		/* so many of */
	const char			*units_code;	/* this code (the rules') */
};

/* Called for an add-on session rejected when the pools are billed. */
typedef void pool_reject_fn(void *arg, void *tag, const char *reason,
    long seconds);

struct pool;

/* by_session: every session its own line, with start, end and source. */
struct pool	*pool_new(const struct rules *, int by_session,
		    void (*tag_free)(void *));
/* Add one accepted session; tag is kept for add-on sessions only. */
void		 pool_add(struct pool *, const struct session *, void *tag);
/*
 * Streaming, for input in date order: a session of a later day bills the
 * pools of the days before into rep as it comes, and frees those no later
 * day needs.  A session of an earlier day is not taken: pool_fell_back
 * says so, and the caller reads everything again with a pool that does
 * not stream.  Rejected add-ons are told at pool_bill, in the order of
 * billing every pool at once, so both ways give the same output.  The
 * days are billed in a thread of the pool's own: rep's lines are the
 * pool's until pool_bill, pool_free or a fall back (the pool has waited
 * for its thread then); the caller may count records and add rejects
 * and notes meanwhile.
 */
void		 pool_stream(struct pool *, struct report *, pool_reject_fn *,
		    void *arg);
int		 pool_fell_back(const struct pool *);
/* Streaming: give up, as a session of a day billed would (the reader
 * met a row it can no longer judge). */
void		 pool_fall_back(struct pool *);
/* Streaming and not fallen back: 1, with the current day in *day. */
int		 pool_day(const struct pool *, int *day);
/* Bill every pool (left) into the report, in output order. */
void		 pool_bill(struct pool *, struct report *, pool_reject_fn *,
		    void *arg);
/*
 * Not streaming, sessions are kept (at most n, 1,048,576 unless set; for
 * the tests) and billed a day at a time at pool_bill; past n, pools take
 * them and are all held to the end, billed the same way at once.
 */
void		 pool_set_hold(struct pool *, size_t n);
void		 pool_free(struct pool *);

#endif
