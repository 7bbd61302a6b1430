/*
 * recur: simple recurrence rules by day arithmetic.  The rules a clinic's
 * sessions follow are weekly (or daily) with an interval and weekdays;
 * libical 3.0 walks them through ICU calendars, most of a calendar's
 * expansion time.  Here they are dates and a time of day; only UNTIL is
 * compared as libical compares it (icaltime_compare), so that the last
 * instance is the same.
 */
#include <stdint.h>
#include <string.h>

#include <libical/ical.h>

#include "date.h"
#include "recur.h"
#include "zone.h"

/* The UTC offset of zone z at instant u, seconds east, as libical's. */
static long
offset_raw(icaltimezone *z, long long u)
{
	return zone_offset(z, u);
}

/*
 * Offsets by UTC day: a zone whose offset is the same at a day's first
 * and last second keeps it all day (zones change at most once a day), so
 * one lookup serves every instant of the day.  Zones are told apart by
 * address: recur_forget() empties the cache once their calendar is gone.
 */
#define OFFSET_CACHE	1024
static struct {
	icaltimezone	*z;
	long long	 day;
	long		 off;
} offsets[OFFSET_CACHE];

void
recur_forget(void)
{
	memset(offsets, 0, sizeof(offsets));
	zone_forget();
}

static long
offset_at(icaltimezone *z, long long u)
{
	long long day = u >= 0 ? u / 86400 : -((-u + 86399) / 86400);
	size_t h = (size_t)(((uint64_t)(uintptr_t)z >> 4) * 31 +
	    (uint64_t)day) % OFFSET_CACHE;
	long a, b;

	if (z == NULL)
		return offset_raw(z, u);
	if (offsets[h].z == z && offsets[h].day == day)
		return offsets[h].off;
	a = offset_raw(z, day * 86400);
	b = offset_raw(z, day * 86400 + 86399);
	if (a != b)
		return offset_raw(z, u);
	offsets[h].z = z;
	offsets[h].day = day;
	offsets[h].off = a;
	return a;
}

int
recur_local_day(icaltimezone *z, long long u)
{
	long long l = u + offset_at(z, u);

	return (int)(l >= 0 ? l / 86400 : -((-l + 86399) / 86400));
}

/*
 * A wall time of zone z as an instant, by RFC 5545 §3.3.5: a time that
 * daylight saving skips takes the offset in force before the gap (02:30
 * on a spring-forward night in New York is 07:30Z), and a time that
 * happens twice is its first occurrence (01:30 on a fall-back night is
 * the daylight-time 01:30).  libical alone moves the first the other way
 * and takes the second occurrence of the other.
 */
long long
recur_instant(icaltimezone *z, struct icaltimetype t)
{
	int changes;

	return recur_instant_ex(z, t, &changes);
}

int
recur_gap(icaltimezone *z, struct icaltimetype t)
{
	struct icaltimetype n;
	int moves;

	if ((moves = zone_moves(z, t)) >= 0)
		return moves;
	t.zone = z;
	n = icaltime_from_timet_with_zone(icaltime_as_timet_with_zone(t, z), 0,
	    z);
	return n.hour != t.hour || n.minute != t.minute || n.second != t.second ||
	    n.day != t.day;
}

long long
recur_instant_ex(icaltimezone *z, struct icaltimetype t, int *changes)
{
	long long L, ua, ub;
	long oa, ob;
	int va, vb;

	*changes = 0;

	L = (long long)date_from_ymd(t.year, t.month, t.day) * 86400 +
	    t.hour * 3600LL + t.minute * 60LL + t.second;
	if (z == NULL || z == icaltimezone_get_utc_timezone())
		return L;
	/* the offsets a day either side: a transition lies between them */
	oa = offset_at(z, L - 86400);
	ob = offset_at(z, L + 86400);
	ua = L - oa;
	if (oa == ob)
		return ua;
	*changes = 1;
	ub = L - ob;
	va = ua + offset_at(z, ua) == L;
	vb = ub + offset_at(z, ub) == L;
	if (va && vb)
		return ua < ub ? ua : ub;	/* twice: the first */
	if (vb)
		return ub;
	if (va)
		return ua;
	/* between the two: a third reading, in force at L itself */
	ub = L - offset_at(z, L - oa);
	if (ub + offset_at(z, ub) == L)
		return ub;
	return ua;			/* the gap: the offset before it */
}

/* 0 Sunday ... 6 Saturday, for a day number (0: 1970-01-01, a Thursday). */
static int
weekday(int day)
{
	int w = (day + 4) % 7;

	return w < 0 ? w + 7 : w;
}

static int
only_byday(const struct icalrecurrencetype *r)
{
	return r->by_second[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r->by_minute[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r->by_hour[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r->by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r->by_year_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r->by_week_no[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r->by_month[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    r->by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

int
recur_simple(struct recur *r, const struct icalrecurrencetype *rule,
    struct icaltimetype dt)
{
	size_t i;
	int w;

	memset(r, 0, sizeof(*r));
	if ((rule->freq != ICAL_DAILY_RECURRENCE &&
	    rule->freq != ICAL_WEEKLY_RECURRENCE) || !only_byday(rule) ||
	    rule->rscale != NULL || rule->interval < 1 || rule->count < 0 ||
	    dt.is_date || icaltime_is_null_time(dt) || dt.year < 1900 ||
	    dt.year > 2400)
		return 0;
	if (!icaltime_is_null_time(rule->until) && (rule->until.is_date ||
	    !icaltime_is_utc(rule->until)))
		return 0;
	for (i = 0; i < ICAL_BY_DAY_SIZE &&
	    rule->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
		if (icalrecurrencetype_day_position(rule->by_day[i]) != 0)
			return 0;
		w = (int)icalrecurrencetype_day_day_of_week(rule->by_day[i]);
		if (w < ICAL_SUNDAY_WEEKDAY || w > ICAL_SATURDAY_WEEKDAY)
			return 0;
		r->mask |= 1u << (w - ICAL_SUNDAY_WEEKDAY);
	}
	/*
	 * With BYDAY, only INTERVAL=1: libical 3.0 lays out the weeks of a
	 * longer interval in its own way (WKST aside), left to it.
	 */
	if (r->mask != 0 && rule->interval != 1)
		return 0;
	/*
	 * A series whose time of day daylight saving can skip (at night,
	 * where zones move their clocks) is libical's too: its iterator
	 * moves such times past the gap and carries the move on.
	 */
	if (dt.zone != NULL && dt.zone != icaltimezone_get_utc_timezone() &&
	    (dt.hour < 4 || dt.hour >= 22))
		return 0;
	r->start = date_from_ymd(dt.year, dt.month, dt.day);
	r->day = r->start;
	r->h = dt.hour;
	r->m = dt.minute;
	r->s = dt.second;
	r->proto = dt;
	r->count = rule->count;
	r->until = rule->until;
	r->wkst = rule->week_start >= ICAL_SUNDAY_WEEKDAY &&
	    rule->week_start <= ICAL_SATURDAY_WEEKDAY ?
	    rule->week_start - ICAL_SUNDAY_WEEKDAY : 1;
	if (rule->freq == ICAL_WEEKLY_RECURRENCE) {
		r->step = 7 * rule->interval;
		if (r->mask != 0) {
			r->byweek = 1;
			r->week = r->start - (weekday(r->start) - r->wkst + 7) % 7;
			r->day = r->week;
		}
	} else
		r->step = rule->interval;
	return 1;
}

/*
 * Is instance t after the rule's UNTIL (a UTC time), as icaltime_compare
 * tells?  It reads t in its zone as libical does: from the zone's own
 * table when that can tell, libical's otherwise.
 */
static int
after_until(const struct recur *r, struct icaltimetype t)
{
	long long L, U;
	long off;

	if (t.zone != NULL && icaltime_is_utc(r->until) &&
	    zone_reading((icaltimezone *)t.zone, t, &off)) {
		L = (long long)date_from_ymd(t.year, t.month, t.day) * 86400 +
		    t.hour * 3600LL + t.minute * 60LL + t.second - off;
		U = (long long)date_from_ymd(r->until.year, r->until.month,
		    r->until.day) * 86400 + r->until.hour * 3600LL +
		    r->until.minute * 60LL + r->until.second;
		return L > U;
	}
	return icaltime_compare(t, r->until) > 0;
}

struct icaltimetype
recur_next(struct recur *r)
{
	struct icaltimetype t;
	int y, mo, d;

	if (r->end || (r->count > 0 && r->done >= r->count))
		return icaltime_null_time();
	for (;;) {
		if (r->byweek) {
			/* the weekdays of the week from WKST, then INTERVAL on */
			while (r->day < r->start || !(r->mask &
			    (1u << weekday(r->day)))) {
				if (++r->day >= r->week + 7) {
					r->week += r->step;
					r->day = r->week;
				}
			}
		} else if (r->mask && !(r->mask & (1u << weekday(r->day)))) {
			r->day += r->step;
			continue;
		}
		break;
	}
	date_to_ymd(r->day, &y, &mo, &d);
	t = r->proto;
	t.year = y;
	t.month = mo;
	t.day = d;
	t.hour = r->h;
	t.minute = r->m;
	t.second = r->s;
	if (y > 2582 || (!icaltime_is_null_time(r->until) &&
	    after_until(r, t))) {
		r->end = 1;
		return icaltime_null_time();
	}
	/* the candidate after this one */
	if (r->byweek) {
		if (++r->day >= r->week + 7) {
			r->week += r->step;
			r->day = r->week;
		}
	} else
		r->day += r->step;
	r->done++;
	return t;
}
