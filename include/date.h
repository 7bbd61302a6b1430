/*
 * date: calendar dates as day numbers (days since 1970-01-01), so that
 * comparing, sorting and stepping dates is integer arithmetic.
 */
#ifndef CPTUNITS_DATE_H
#define CPTUNITS_DATE_H

#include <limits.h>

#define DATE_OPEN_START	INT_MIN		/* no lower bound */
#define DATE_OPEN_END	INT_MAX		/* no upper bound */
#define DATE_BUFSZ	11		/* "YYYY-MM-DD" and its NUL */

/* Day number of a proleptic Gregorian date; the date must be valid. */
int	date_from_ymd(int y, int m, int d);
void	date_to_ymd(int day, int *y, int *m, int *d);
/* 1 when y-m-d names a real date (2026-02-30 does not). */
int	date_valid(int y, int m, int d);
/* Parse exactly YYYY-MM-DD (years 1900-2999).  0 and *day, or -1. */
int	date_parse(const char *, int *day);
/* Write YYYY-MM-DD into buf of DATE_BUFSZ bytes; returns buf. */
char	*date_format(int day, char *buf);
/* An instant as YYYY-MM-DDTHH:MM:SSZ into buf of DATE_UTC_BUFSZ bytes. */
#define DATE_UTC_BUFSZ	32
char	*date_utc_text(long long t, char *buf);
/* Today's date in the local time zone of the process (TZ). */
int	date_today(void);

/*
 * A date as logs write it: YYYY-MM-DD, YYYY/MM/DD, or NN/NN/YYYY read as
 * month/day (dmy 0) or day/month (dmy 1), each with an optional midnight
 * time ("3/5/2024 0:00", "2024-03-05 00:00:00").  0 and *day, or -1.
 */
int	date_parse_log(const char *, int dmy, int *day);

/* A time as logs write it (see time_parse). */
struct clock {
	int	has_date;	/* an ISO 8601 date-time: day is set */
	int	day;
	long	secs;		/* seconds into the day, 0..86399 */
	int	has_offset;	/* Z or +HH:MM: offset is set */
	long	offset;		/* seconds east of UTC */
};
/*
 * HH:MM, HH:MM:SS, H:MM AM/PM (H:MM:SS AM/PM), or an ISO 8601 date-time
 * YYYY-MM-DDTHH:MM[:SS] (or a space for T) with an optional Z or
 * +HH:MM / -HH:MM.  0 and *c, or -1.
 */
int	time_parse(const char *, struct clock *c);
/* The same, or a log date and a time of day: "3/5/2024 1:30 PM". */
int	time_parse_log(const char *, int dmy, struct clock *c);
/*
 * A duration as logs write it: 90, 90 min, 1:30, 01:30:00, 1.5 h (a whole
 * number of seconds).  0 and *seconds, or -1.
 */
int	duration_parse(const char *, long *seconds);

#endif
