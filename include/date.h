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
/* Today's date in the local time zone of the process (TZ). */
int	date_today(void);

#endif
