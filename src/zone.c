/*
 * zone: a time zone's changes, as libical 3.0.16 lists them, without its
 * recurrence iterator.  Each STANDARD or DAYLIGHT observance gives its
 * DTSTART, each RDATE and each instance of its RRULE up to year 2582, in
 * the order libical appends them, sorted stably by their UTC instant;
 * the offset at an instant is that of the last change at or before it,
 * or the first change's TZOFFSETFROM before them all, as libical answers.
 * Rules are expanded here only when yearly in one month by weekday with
 * an ordinal, or by days of the month (with weekdays or not), or on
 * DTSTART's date; any other rule leaves the whole zone to libical.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "date.h"
#include "strutil.h"
#include "zone.h"

#define END_YEAR	2582	/* libical's ICALTIMEZONE_MAX_YEAR (64-bit) */
#define FIRST_YEAR	1902	/* instants served: 1902 ... 2499 */
#define LAST_YEAR	2499
#define MAX_CHANGES	100000

struct change {
	long long	at;		/* UTC seconds */
	int		off, prev;	/* TZOFFSETTO, TZOFFSETFROM */
};

struct table {
	icaltimezone	*z;
	struct change	*c;
	size_t		 n;
	int		 own;		/* 0: libical answers for z */
};

static struct table *tables;
static size_t ntables, captables;

void
zone_forget(void)
{
	size_t i;

	for (i = 0; i < ntables; i++)
		free(tables[i].c);
	free(tables);
	tables = NULL;
	ntables = captables = 0;
}

static long long
secs_of(int y, int mo, int d, int h, int mi, int s)
{
	return (long long)date_from_ymd(y, mo, d) * 86400 + h * 3600LL +
	    mi * 60LL + s;
}

static int
valid_time(struct icaltimetype t)
{
	return !t.is_date && t.year >= 1 && t.year <= END_YEAR &&
	    t.month >= 1 && t.month <= 12 && t.day >= 1 &&
	    t.day <= icaltime_days_in_month(t.month, t.year) &&
	    t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 &&
	    t.second >= 0 && t.second <= 59;
}

static int
weekday(int day)
{
	int w = (day + 4) % 7;

	return w < 0 ? w + 7 : w;
}

struct list {
	struct change	*c;
	size_t		 n, cap;
	int		 bad;
};

static void
add(struct list *l, long long at, int off, int prev)
{
	if (l->n >= MAX_CHANGES) {
		l->bad = 1;
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->c = xreallocarray(l->c, l->cap, sizeof(*l->c));
	}
	l->c[l->n].at = at;
	l->c[l->n].off = off;
	l->c[l->n++].prev = prev;
}

static int
none(const short *a)
{
	return a[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

/*
 * The dates of year y a simple yearly rule gives, as day numbers in
 * ascending order into out (at most 31); -1 when the rule is not simple.
 */
static int
dates_of(const struct icalrecurrencetype *r, struct icaltimetype dt, int y,
    int *out)
{
	int mo = none(r->by_month) ? dt.month : r->by_month[0];
	int dim = icaltime_days_in_month(mo, y), first = date_from_ymd(y, mo, 1);
	int n = 0, d, pos, w, k;
	unsigned mask = 0;
	size_t i;

	if (!none(r->by_day) &&
	    (pos = icalrecurrencetype_day_position(r->by_day[0])) != 0) {
		/* one weekday with an ordinal: the nth of the month */
		w = (int)icalrecurrencetype_day_day_of_week(r->by_day[0]) -
		    ICAL_SUNDAY_WEEKDAY;
		if (pos > 0)
			d = 1 + (w - weekday(first) + 7) % 7 + (pos - 1) * 7;
		else {
			d = dim - (weekday(first + dim - 1) - w + 7) % 7 +
			    (pos + 1) * 7;
		}
		out[n++] = first + d - 1;
		return n;
	}
	for (i = 0; i < ICAL_BY_DAY_SIZE && r->by_day[i] !=
	    ICAL_RECURRENCE_ARRAY_MAX; i++)
		mask |= 1u << ((int)icalrecurrencetype_day_day_of_week(
		    r->by_day[i]) - ICAL_SUNDAY_WEEKDAY);
	if (none(r->by_month_day)) {
		out[n++] = first + dt.day - 1;
		return n;
	}
	for (d = 1; d <= dim; d++) {
		for (k = 0; k < ICAL_BY_MONTHDAY_SIZE && r->by_month_day[k] !=
		    ICAL_RECURRENCE_ARRAY_MAX && r->by_month_day[k] != d; k++)
			;
		if (k == ICAL_BY_MONTHDAY_SIZE || r->by_month_day[k] != d)
			continue;
		if (mask == 0 || (mask & (1u << weekday(first + d - 1))))
			out[n++] = first + d - 1;
	}
	return n;
}

/* Is r a yearly rule dates_of() expands? */
static int
simple(const struct icalrecurrencetype *r, struct icaltimetype dt)
{
	size_t i;
	int w, pos, mo, days = 0;

	if (r->freq != ICAL_YEARLY_RECURRENCE || r->interval < 1 ||
	    r->rscale != NULL || r->count < 0 || !none(r->by_second) ||
	    !none(r->by_minute) || !none(r->by_hour) || !none(r->by_year_day) ||
	    !none(r->by_week_no) || !none(r->by_set_pos))
		return 0;
	if (!none(r->by_month) && (r->by_month[1] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_month[0] < 1 || r->by_month[0] > 12))
		return 0;
	for (i = 0; i < ICAL_BY_MONTHDAY_SIZE && r->by_month_day[i] !=
	    ICAL_RECURRENCE_ARRAY_MAX; i++, days++)
		if (r->by_month_day[i] < 1 || r->by_month_day[i] > 31)
			return 0;
	for (i = 0; i < ICAL_BY_DAY_SIZE && r->by_day[i] !=
	    ICAL_RECURRENCE_ARRAY_MAX; i++) {
		w = (int)icalrecurrencetype_day_day_of_week(r->by_day[i]);
		pos = icalrecurrencetype_day_position(r->by_day[i]);
		if (w < ICAL_SUNDAY_WEEKDAY || w > ICAL_SATURDAY_WEEKDAY)
			return 0;
		/* an ordinal: alone, 1st-4th or last-4th-last, every year */
		if (pos != 0 && (i > 0 || r->by_day[1] !=
		    ICAL_RECURRENCE_ARRAY_MAX || days > 0 || pos < -4 ||
		    pos > 4 || none(r->by_month)))
			return 0;
		/* weekdays without an ordinal only within days of the month */
		if (pos == 0 && days == 0)
			return 0;
	}
	/* on DTSTART's date: one that every year has (February's 29th not) */
	mo = none(r->by_month) ? dt.month : r->by_month[0];
	if (none(r->by_day) && days == 0 && dt.day > 28 && (mo == 2 ||
	    dt.day > icaltime_days_in_month(mo, 2001)))
		return 0;
	/* days of the month without a month: every month's, not done */
	if (days > 0 && none(r->by_month))
		return 0;
	if (!icaltime_is_null_time(r->until) && r->until.is_date)
		return 0;
	return 1;
}

/*
 * A rule's instances, as icaltimezone_expand_vtimezone takes them from
 * libical's iterator: DTSTART itself first (the caller), then each
 * instance on or after it to END_YEAR, UNTIL (made local by TZOFFSETFROM
 * when in UTC) and COUNT (DTSTART counted) obeyed, DTSTART skipped.
 */
static int
expand(struct list *l, const struct icalrecurrencetype *r,
    struct icaltimetype dt, int off, int prev)
{
	long long start = secs_of(dt.year, dt.month, dt.day, dt.hour,
	    dt.minute, dt.second), tod = start - (long long)date_from_ymd(
	    dt.year, dt.month, dt.day) * 86400, until = 0, t;
	int days[31], n, i, y, done = 0, hasuntil, matched = 0;

	hasuntil = !icaltime_is_null_time(r->until);
	if (hasuntil) {
		if (!valid_time(r->until))
			return 0;
		until = secs_of(r->until.year, r->until.month, r->until.day,
		    r->until.hour, r->until.minute, r->until.second);
		if (icaltime_is_utc(r->until))
			until += prev;
	}
	/* COUNT counts DTSTART only when it is an instance: make sure */
	n = dates_of(r, dt, dt.year, days);
	for (i = 0; i < n; i++)
		matched |= (long long)days[i] * 86400 + tod == start;
	if (r->count > 0 && !matched)
		return 0;
	for (y = dt.year; y <= END_YEAR; y += r->interval) {
		n = dates_of(r, dt, y, days);
		for (i = 0; i < n; i++) {
			t = (long long)days[i] * 86400 + tod;
			if (t < start)
				continue;
			if (hasuntil && t > until)
				return 1;
			if (r->count > 0 && done >= r->count)
				return 1;
			done++;
			if (t != start)
				add(l, t - prev, off, prev);
			if (l->bad)
				return 0;
		}
	}
	return 1;
}

/* One observance, as icaltimezone_expand_vtimezone reads it; 0 when it
 * holds what only libical expands. */
static int
observance(struct list *l, icalcomponent *comp)
{
	icalproperty *p;
	struct icaltimetype dt = icaltime_null_time(), t;
	struct icalrecurrencetype rule;
	struct icaldatetimeperiodtype rd;
	int off = 0, prev = 0, hasdt = 0, hasto = 0, hasfrom = 0, rdate = 0,
	    rrule = 0;

	if (icalcomponent_isa(comp) != ICAL_XSTANDARD_COMPONENT &&
	    icalcomponent_isa(comp) != ICAL_XDAYLIGHT_COMPONENT)
		return 1;
	for (p = icalcomponent_get_first_property(comp, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(comp, ICAL_ANY_PROPERTY)) {
		switch (icalproperty_isa(p)) {
		case ICAL_DTSTART_PROPERTY:
			dt = icalproperty_get_dtstart(p);
			hasdt = 1;
			break;
		case ICAL_TZOFFSETTO_PROPERTY:
			off = icalproperty_get_tzoffsetto(p);
			hasto = 1;
			break;
		case ICAL_TZOFFSETFROM_PROPERTY:
			prev = icalproperty_get_tzoffsetfrom(p);
			hasfrom = 1;
			break;
		case ICAL_RDATE_PROPERTY:
			rdate = 1;
			break;
		case ICAL_RRULE_PROPERTY:
			rrule = 1;
			break;
		default:
			break;
		}
	}
	if (hasto && !hasfrom) {
		prev = off;
		hasfrom = 1;
	}
	if (!hasdt || !hasto || !hasfrom)
		return 1;
	/* only a floating DTSTART of a real date and time */
	if (!valid_time(dt) || dt.zone != NULL || icaltime_is_utc(dt))
		return 0;
	if (!rrule)
		add(l, secs_of(dt.year, dt.month, dt.day, dt.hour, dt.minute,
		    dt.second) - prev, off, prev);
	for (p = icalcomponent_get_first_property(comp, ICAL_ANY_PROPERTY);
	    p && (rdate || rrule) && !l->bad;
	    p = icalcomponent_get_next_property(comp, ICAL_ANY_PROPERTY)) {
		switch (icalproperty_isa(p)) {
		case ICAL_RDATE_PROPERTY:
			rd = icalproperty_get_rdate(p);
			t = rd.time;
			if (icaltime_is_null_time(t) || t.year < 1 ||
			    t.year > END_YEAR || t.month < 1 || t.month > 12 ||
			    t.day < 1 || t.day > icaltime_days_in_month(t.month,
			    t.year))
				return 0;
			/* a DATE takes DTSTART's time, and no offset */
			if (icaltime_is_date(t))
				add(l, secs_of(t.year, t.month, t.day, dt.hour,
				    dt.minute, dt.second), off, prev);
			else if (!valid_time(t))
				return 0;
			else
				add(l, secs_of(t.year, t.month, t.day, t.hour,
				    t.minute, t.second) -
				    (icaltime_is_utc(t) ? 0 : prev), off, prev);
			break;
		case ICAL_RRULE_PROPERTY:
			rule = icalproperty_get_rrule(p);
			if (!simple(&rule, dt))
				return 0;
			add(l, secs_of(dt.year, dt.month, dt.day, dt.hour,
			    dt.minute, dt.second) - prev, off, prev);
			if (!expand(l, &rule, dt, off, prev))
				return 0;
			break;
		default:
			break;
		}
	}
	return !l->bad;
}

/* Stable: of changes at one instant, libical takes the last appended. */
static void
sort_changes(struct change *c, size_t n)
{
	struct change *tmp, *a, *b;
	size_t w, i, j, k, lo, mid, hi;

	if (n < 2)
		return;
	tmp = xreallocarray(NULL, n, sizeof(*tmp));
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			a = c + lo;
			b = c + mid;
			i = 0;
			j = 0;
			k = lo;
			while (lo + i < mid && mid + j < hi)
				tmp[k++] = b[j].at < a[i].at ? b[j++] : a[i++];
			while (lo + i < mid)
				tmp[k++] = a[i++];
			while (mid + j < hi)
				tmp[k++] = b[j++];
		}
		memcpy(c, tmp, n * sizeof(*c));
	}
	free(tmp);
}

static struct table *
table_of(icaltimezone *z)
{
	struct table *t;
	struct list l;
	icalcomponent *comp, *obs;
	size_t i;
	int own = 1;

	for (i = 0; i < ntables; i++)
		if (tables[i].z == z)
			return &tables[i];
	if (ntables == captables) {
		captables = captables ? captables * 2 : 8;
		tables = xreallocarray(tables, captables, sizeof(*tables));
	}
	memset(&l, 0, sizeof(l));
	comp = icaltimezone_get_component(z);
	if (comp == NULL)
		own = 0;
	for (obs = comp ? icalcomponent_get_first_component(comp,
	    ICAL_ANY_COMPONENT) : NULL; obs && own;
	    obs = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
		own = observance(&l, obs);
	if (!own) {
		free(l.c);
		l.c = NULL;
		l.n = 0;
	}
	sort_changes(l.c, l.n);
	t = &tables[ntables++];
	t->z = z;
	t->c = l.c;
	t->n = l.n;
	t->own = own;
	return t;
}

static int
served(long long u)
{
	return u >= (long long)date_from_ymd(FIRST_YEAR, 1, 1) * 86400 &&
	    u < (long long)date_from_ymd(LAST_YEAR + 1, 1, 1) * 86400;
}

/* The last change at or before u, or -1 before them all. */
static long
last_at(const struct table *t, long long u)
{
	size_t lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->c[mid].at <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

static long
libical_offset(icaltimezone *z, long long u)
{
	struct icaltimetype t = icaltime_from_timet_with_zone((time_t)u, 0,
	    icaltimezone_get_utc_timezone());

	return icaltimezone_get_utc_offset_of_utc_time(z, &t, NULL);
}

long
zone_offset(icaltimezone *z, long long u)
{
	struct table *t;
	long k;

	if (z == NULL || z == icaltimezone_get_utc_timezone())
		return 0;
	if (!served(u) || !(t = table_of(z))->own)
		return libical_offset(z, u);
	if (t->n == 0)
		return 0;
	k = last_at(t, u);
	return k < 0 ? t->c[0].prev : t->c[k].off;
}

int
zone_own(icaltimezone *z)
{
	return z != NULL && z != icaltimezone_get_utc_timezone() &&
	    table_of(z)->own;
}

/*
 * libical reads a wall time by comparing it with each change's wall time
 * (in the offset before, or after when clocks go back) and looks at
 * daylight flags in the hour clocks repeat.  Far enough from every
 * change's wall times, in a zone whose offsets run on from change to
 * change, it reads the offset of the last change before, and the way
 * back to the wall time is exact: that is answered here; near a change,
 * libical is asked (-1).
 */
int
zone_reading(icaltimezone *z, struct icaltimetype t, long *off)
{
	struct table *tb;
	long long L, lo, hi, m;
	long k, j;
	int d;

	if (z == NULL || z == icaltimezone_get_utc_timezone()) {
		*off = 0;
		return 1;
	}
	if (!valid_time(t))
		return 0;
	L = secs_of(t.year, t.month, t.day, t.hour, t.minute, t.second);
	if (!served(L - 2 * 86400) || !served(L + 2 * 86400) ||
	    !(tb = table_of(z))->own || tb->n == 0)
		return 0;
	lo = L - 4 * 86400;
	hi = L + 4 * 86400;
	/* the change before the window, then those in it */
	if ((k = last_at(tb, lo)) < 0)
		return 0;
	for (j = k + 1; j < (long)tb->n && tb->c[j - 1].at <= hi; j++) {
		if (tb->c[j].prev != tb->c[j - 1].off)
			return 0;
		if (tb->c[j].at > hi)
			break;
		d = tb->c[j].off - tb->c[j].prev;
		m = 3600 + (d < 0 ? -d : d);
		if (llabs(L - (tb->c[j].at + tb->c[j].prev)) <= m ||
		    llabs(L - (tb->c[j].at + tb->c[j].off)) <= m)
			return 0;
	}
	/* the last change whose wall time is before t */
	for (j = k; j + 1 < (long)tb->n && tb->c[j + 1].at + tb->c[j + 1].prev < L;
	    j++)
		;
	*off = tb->c[j].off;
	return 1;
}

int
zone_moves(icaltimezone *z, struct icaltimetype t)
{
	long off;

	return zone_reading(z, t, &off) ? 0 : -1;
}
