/*
 * tz: local wall-clock times <-> absolute instants, through libical's
 * zone handling and the system zone database.  This is the only module
 * that calls libical for time zones; a wall time that does not exist or
 * happens twice is reported, never guessed silently.
 *
 * Ownership: zones returned by tz_find live until tz_cleanup.
 */
#ifndef CPTUNITS_TZ_H
#define CPTUNITS_TZ_H

struct tz;

enum tz_result {
	TZ_OK,
	TZ_GAP,		/* the wall time does not exist (clocks skip it) */
	TZ_TWICE	/* it happens twice; the first instant was taken */
};

/* 1 when name is a zone of the database (checked before any lookup). */
int		 tz_valid_name(const char *name);
/* A zone by IANA name ("UTC" always exists), or NULL when unknown. */
const struct tz	*tz_find(const char *name);
/* $TZ as a database name ("UTC" for UTC0 and the like), or NULL. */
const char	*tz_env_name(void);
/* The zone of $TZ: by name, else the C library's reading; UTC if unset. */
const struct tz	*tz_from_env(void);
const char	*tz_name(const struct tz *);
/* Local (day number, seconds into the day) to seconds since the epoch. */
enum tz_result	 tz_to_utc(const struct tz *, int day, long secs,
		    long long *utc);
/* Seconds since the epoch to the local day number and seconds into it. */
void		 tz_from_utc(const struct tz *, long long utc, int *day,
		    long *secs);
/* Free the zones and libical's caches, so leak reports mean leaks. */
void		 tz_cleanup(void);

#endif
