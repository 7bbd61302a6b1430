/*
 * recur: the simple rules sessions recur by (DAILY or WEEKLY, INTERVAL,
 * BYDAY without ordinals, COUNT or a UTC UNTIL) expanded by day
 * arithmetic, instance for instance as libical's iterator gives them
 * (checked by a differential test over generated rules and the corpus);
 * anything else stays with libical.
 */
#ifndef CPTUNITS_RECUR_H
#define CPTUNITS_RECUR_H

#include <libical/ical.h>

struct recur {
	int			 day;		/* the next candidate date */
	int			 week;		/* WEEKLY with BYDAY: its week */
	int			 h, m, s;	/* the time of day of DTSTART */
	int			 step;		/* days (weeks: 7 x INTERVAL) */
	unsigned		 mask;		/* BYDAY weekdays, bit 0 Sunday;
						   0 for none */
	int			 byweek;	/* WEEKLY with BYDAY */
	int			 wkst;		/* 0 Sunday ... 6 Saturday */
	int			 start;		/* DTSTART's date */
	int			 count, done;	/* COUNT (0 none), given */
	struct icaltimetype	 until;		/* null for none */
	struct icaltimetype	 proto;		/* DTSTART: zone and flags */
	int			 end;
};

/*
 * A wall time of zone z as an instant, by RFC 5545 §3.3.5: a time that
 * daylight saving skips takes the offset before the gap, a time that
 * happens twice its first occurrence.  z NULL or UTC: as it reads.
 */
long long		recur_instant(icaltimezone *z, struct icaltimetype t);
/* The local date (a day number) of instant u in zone z, from offsets
 * cached by UTC day; recur_forget() once a calendar's zones are freed,
 * before anything else is looked up. */
int			recur_local_day(icaltimezone *z, long long u);
void			recur_forget(void);
/* The same, *changes set when the offset changes within a day of it. */
long long		recur_instant_ex(icaltimezone *z, struct icaltimetype t,
			    int *changes);
/*
 * Is wall time t one that daylight saving skips in z?  libical's iterator
 * moves such an instance in ways of its own: a series that meets one is
 * left to libical (the caller checks the days where *changes said so).
 */
int			recur_gap(icaltimezone *z, struct icaltimetype t);
/* 1, and r ready, when the rule is simple enough; 0 for libical's. */
int			recur_simple(struct recur *r,
			    const struct icalrecurrencetype *rule,
			    struct icaltimetype dtstart);
/* The next instance (a wall time in DTSTART's zone), or a null time. */
struct icaltimetype	recur_next(struct recur *r);

#endif
