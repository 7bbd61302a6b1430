/*
 * zone: the UTC offsets of a libical time zone from its own table of
 * changes, built as libical 3.0.16 builds its own (icaltimezone.c,
 * icaltimezone_expand_vtimezone) but with the yearly rules of a VTIMEZONE
 * expanded by day arithmetic.  libical walks those rules through ICU,
 * which maps megabytes of its data for two rules.  A zone with anything
 * else in its rules, and any instant outside 1902-2499, stays with
 * libical.  Checked against libical for every zone it has and the
 * corpus's VTIMEZONEs (tests/unit/test_zone.c).
 */
#ifndef CPTUNITS_ZONE_H
#define CPTUNITS_ZONE_H

#include <libical/ical.h>

/* The offset east of UTC, seconds, of zone z at instant u (as
 * icaltimezone_get_utc_offset_of_utc_time). */
long	zone_offset(icaltimezone *z, long long u);
/* Would libical move wall time t of z on the way to UTC and back?  -1
 * when the table cannot tell (the caller asks libical). */
int	zone_moves(icaltimezone *z, struct icaltimetype t);
/* The offset libical reads wall time t of z in, into *off: 1 when the
 * table can tell (t far enough from every change), 0 otherwise. */
int	zone_reading(icaltimezone *z, struct icaltimetype t, long *off);
/* Whether z's table is its own (1) or libical's (0): for the tests. */
int	zone_own(icaltimezone *z);
/* Forget every table: their zones are about to be freed. */
void	zone_forget(void);

#endif
