/*
 * tz: libical 3.0 zones.  Converting through libical is slow next to the
 * arithmetic of a day whose UTC offset does not change, so each zone
 * remembers the last such day; days with a transition take the careful
 * path, which also finds gaps and repeated hours (anchors.md §4.2: the
 * parser never sets is_daylight, so an ambiguous time is resolved here).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "date.h"
#include "strutil.h"
#include "tz.h"

struct tz {
	char		*name;
	icaltimezone	*zone;		/* NULL: UTC */
	int		 cday;		/* a day with one offset all day */
	long		 coff;		/* its offset, seconds east of UTC */
	int		 cvalid;
};

static struct tz **zones;
static size_t nzones;

const struct tz *
tz_find(const char *name)
{
	icaltimezone *z = NULL;
	struct tz *t;
	size_t i;

	for (i = 0; i < nzones; i++)
		if (strcmp(zones[i]->name, name) == 0)
			return zones[i];
	if (strcasecmp(name, "UTC") != 0 && strcmp(name, "Etc/UTC") != 0) {
		icalerror_set_errors_are_fatal(0);
		z = icaltimezone_get_builtin_timezone(name);
		if (z == NULL)
			return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->zone = z;
	zones = xreallocarray(zones, nzones + 1, sizeof(*zones));
	zones[nzones++] = t;
	return t;
}

const char *
tz_name(const struct tz *t)
{
	return t->name;
}

static long long
raw_to_utc(const struct tz *t, int day, long secs)
{
	struct icaltimetype tt = icaltime_null_time();
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	tt.year = y;
	tt.month = m;
	tt.day = d;
	tt.hour = (int)(secs / 3600);
	tt.minute = (int)(secs / 60 % 60);
	tt.second = (int)(secs % 60);
	tt.is_date = 0;
	tt.zone = t->zone;
	return (long long)icaltime_as_timet_with_zone(tt, t->zone);
}

void
tz_from_utc(const struct tz *t, long long utc, int *day, long *secs)
{
	struct icaltimetype tt;
	long long d;

	if (t->zone == NULL || (t->cvalid &&
	    utc + t->coff >= (long long)t->cday * 86400 &&
	    utc + t->coff < ((long long)t->cday + 1) * 86400)) {
		utc += t->zone ? t->coff : 0;
		d = utc >= 0 ? utc / 86400 : -((-utc + 86399) / 86400);
		*day = (int)d;
		*secs = (long)(utc - d * 86400);
		return;
	}
	tt = icaltime_from_timet_with_zone((time_t)utc, 0, t->zone);
	*day = date_from_ymd(tt.year, tt.month, tt.day);
	*secs = tt.hour * 3600L + tt.minute * 60L + tt.second;
}

static int
same(const struct tz *t, long long utc, int day, long secs)
{
	int d;
	long s;

	tz_from_utc(t, utc, &d, &s);
	return d == day && s == secs;
}

enum tz_result
tz_to_utc(const struct tz *ct, int day, long secs, long long *utc)
{
	struct tz *t = (struct tz *)ct;	/* the cache is not the zone's meaning */
	long long t0, t1, u;
	long off0, off1;

	if (t->zone == NULL) {
		*utc = (long long)day * 86400 + secs;
		return TZ_OK;
	}
	if (!(t->cvalid && t->cday == day)) {
		/* one offset from 00:00 to 23:59:59: plain arithmetic all day */
		t0 = raw_to_utc(t, day, 0);
		t1 = raw_to_utc(t, day, 86399);
		off0 = (long)((long long)day * 86400 - t0);
		off1 = (long)((long long)day * 86400 + 86399 - t1);
		if (off0 == off1) {
			t->cvalid = 0;
			if (same(t, t0, day, 0) && same(t, t1, day, 86399)) {
				t->cday = day;
				t->coff = off0;
				t->cvalid = 1;
			}
		}
	}
	if (t->cvalid && t->cday == day) {
		*utc = (long long)day * 86400 + secs - t->coff;
		return TZ_OK;
	}
	/* a day with a transition */
	u = raw_to_utc(t, day, secs);
	if (!same(t, u, day, secs))
		return TZ_GAP;
	if (same(t, u - 3600, day, secs) || same(t, u - 1800, day, secs)) {
		*utc = same(t, u - 3600, day, secs) ? u - 3600 : u - 1800;
		return TZ_TWICE;
	}
	*utc = u;
	if (same(t, u + 3600, day, secs) || same(t, u + 1800, day, secs))
		return TZ_TWICE;
	return TZ_OK;
}

void
tz_cleanup(void)
{
	size_t i;

	for (i = 0; i < nzones; i++) {
		free(zones[i]->name);
		free(zones[i]);
	}
	free(zones);
	zones = NULL;
	nzones = 0;
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
}
