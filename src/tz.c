/*
 * tz: libical 3.0 zones.  Converting through libical is slow next to the
 * arithmetic of a day whose UTC offset does not change, so each zone
 * remembers the last such day; days with a transition take the careful
 * path, which also finds gaps and repeated hours (anchors.md §4.2: the
 * parser never sets is_daylight, so an ambiguous time is resolved here).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libical/ical.h>

#include "date.h"
#include "strutil.h"
#include "tz.h"

struct tz {
	char		*name;
	icaltimezone	*zone;		/* NULL: UTC, or the C library's zone */
	int		 libc;		/* a POSIX TZ string: the C library's */
	int		 cday;		/* a day with one offset all day */
	long		 coff;		/* its offset, seconds east of UTC */
	int		 cvalid;
	struct dayoff {			/* the days met, direct-mapped: */
		int	 day;
		int	 off;		/* a plain day's offset */
		int	 state;		/* DAY_UNKNOWN, DAY_PLAIN, DAY_CHANGES */
	}		 days[1024];
};

enum { DAY_UNKNOWN, DAY_PLAIN, DAY_CHANGES };

static struct tz **zones;
static size_t nzones;

#define ZONEINFO	"/usr/share/zoneinfo/"

/*
 * A name of the zone database, checked before libical or the C library
 * opens anything by it: letters, digits and "/_+-", no "..", not absolute,
 * and a regular file of /usr/share/zoneinfo.  So a TZID such as
 * "../../../../etc/passwd" or "../../dev/stdin" never reaches the file
 * system as a path.
 */
int
tz_valid_name(const char *z)
{
	const char *p;
	char *path;
	struct stat st;
	int ok;

	if (z == NULL || *z == '\0' || *z == '/' || strlen(z) > 200 ||
	    strstr(z, "..") != NULL)
		return 0;
	for (p = z; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
			return 0;
	if (strcasecmp(z, "UTC") == 0)
		return 1;
	path = xasprintf(ZONEINFO "%s", z);
	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

static struct tz *
remember(const char *name, icaltimezone *z, int libc)
{
	struct tz *t = xcalloc(1, sizeof(*t));

	t->name = xstrdup(name);
	t->zone = z;
	t->libc = libc;
	zones = xreallocarray(zones, nzones + 1, sizeof(*zones));
	zones[nzones++] = t;
	return t;
}

const struct tz *
tz_find(const char *name)
{
	icaltimezone *z = NULL;
	size_t i;

	for (i = 0; i < nzones; i++)
		if (!zones[i]->libc && strcmp(zones[i]->name, name) == 0)
			return zones[i];
	if (strcasecmp(name, "UTC") != 0 && strcmp(name, "Etc/UTC") != 0) {
		if (!tz_valid_name(name))
			return NULL;
		icalerror_set_errors_are_fatal(0);
		z = icaltimezone_get_builtin_timezone(name);
		if (z == NULL)
			return NULL;
	}
	return remember(name, z, 0);
}

/*
 * $TZ as a zone name: a database name, ":NAME", or a path into the zone
 * database (":/etc/localtime", a symlink there) become that name; "UTC0",
 * "GMT", "" and the like are UTC.  NULL for a TZ that names no zone of
 * the database (a POSIX rule string such as "EST5EDT,M3.2.0,M11.1.0").
 */
const char *
tz_env_name(void)
{
	static char buf[256];
	const char *tz = getenv("TZ"), *p;
	char *real;
	FILE *fp;
	size_t n;

	if (tz == NULL)
		return NULL;
	if (*tz == ':')
		tz++;
	if (*tz == '\0' || strcmp(tz, "UTC0") == 0 || strcmp(tz, "GMT0") == 0 ||
	    strcmp(tz, "UTC+0") == 0 || strcmp(tz, "UTC-0") == 0 ||
	    strcmp(tz, "GMT+0") == 0 || strcmp(tz, "GMT-0") == 0 ||
	    strcmp(tz, "Z") == 0)
		return "UTC";
	if (tz_valid_name(tz)) {
		snprintf(buf, sizeof(buf), "%s", tz);
		return buf;
	}
	if (*tz != '/')
		return NULL;
	/* a file: where it leads in the zone database */
	if ((real = realpath(tz, NULL)) != NULL) {
		n = strlen(ZONEINFO);
		p = real + n;
		if (strncmp(real, ZONEINFO, n) == 0 && strncmp(p, "posix/", 6) == 0)
			p += 6;
		else if (strncmp(real, ZONEINFO, n) == 0 &&
		    strncmp(p, "right/", 6) == 0)
			p = NULL;	/* leap seconds: not civil time */
		if (strncmp(real, ZONEINFO, n) == 0 && p && tz_valid_name(p)) {
			snprintf(buf, sizeof(buf), "%s", p);
			free(real);
			return buf;
		}
		free(real);
	}
	/* /etc/localtime copied rather than linked: Debian's /etc/timezone */
	if (strcmp(tz, "/etc/localtime") == 0 &&
	    (fp = fopen("/etc/timezone", "r")) != NULL) {
		if (fgets(buf, sizeof(buf), fp) != NULL) {
			buf[strcspn(buf, "\r\n")] = '\0';
			fclose(fp);
			return tz_valid_name(buf) ? buf : NULL;
		}
		fclose(fp);
	}
	return NULL;
}

/*
 * The zone of $TZ: the database zone it names, else (a POSIX rule
 * string) the C library's own reading of it, else UTC when TZ is unset.
 */
const struct tz *
tz_from_env(void)
{
	const char *name = tz_env_name(), *tz = getenv("TZ");
	size_t i;

	if (name != NULL)
		return tz_find(name);
	if (tz == NULL)
		return tz_find("UTC");
	for (i = 0; i < nzones; i++)
		if (zones[i]->libc)
			return zones[i];
	tzset();
	return remember(tz, NULL, 1);
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
	struct tm tm;
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	if (t->libc) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		tm.tm_hour = (int)(secs / 3600);
		tm.tm_min = (int)(secs / 60 % 60);
		tm.tm_sec = (int)(secs % 60);
		tm.tm_isdst = -1;
		return (long long)mktime(&tm);
	}
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
	struct tm tm;
	time_t tt0;
	long long d;

	if (t->libc && !(t->cvalid &&
	    utc + t->coff >= (long long)t->cday * 86400 &&
	    utc + t->coff < ((long long)t->cday + 1) * 86400)) {
		tt0 = (time_t)utc;
		if (localtime_r(&tt0, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		*day = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		*secs = tm.tm_hour * 3600L + tm.tm_min * 60L + tm.tm_sec;
		return;
	}
	if ((t->zone == NULL && !t->libc) || (t->cvalid &&
	    utc + t->coff >= (long long)t->cday * 86400 &&
	    utc + t->coff < ((long long)t->cday + 1) * 86400)) {
		utc += t->zone || t->libc ? t->coff : 0;
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
	struct dayoff *dc;
	long long t0, t1, u;
	long off0, off1;

	if (t->zone == NULL && !t->libc) {
		*utc = (long long)day * 86400 + secs;
		return TZ_OK;
	}
	dc = &t->days[(unsigned)day & 1023];
	if (!(t->cvalid && t->cday == day) && dc->state != DAY_UNKNOWN &&
	    dc->day == day) {
		/* a day met before, in whatever order the rows come */
		t->cvalid = dc->state == DAY_PLAIN;
		t->cday = day;
		t->coff = dc->off;
	} else if (!(t->cvalid && t->cday == day)) {
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
		dc->day = day;
		dc->off = (int)off0;
		dc->state = t->cvalid && t->cday == day ? DAY_PLAIN : DAY_CHANGES;
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
