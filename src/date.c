/*
 * date: civil dates <-> day numbers, after Howard Hinnant's public-domain
 * days_from_civil / civil_from_days algorithms (exact for every Gregorian
 * date, no tables, no time zone).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "date.h"

/*
 * Calendars can carry any year at all (a fuzzer's find: an instant from a
 * garbage DTSTART), so the arithmetic is done wide and the day number
 * clamped: such dates then fall outside every window.
 */
int
date_from_ymd(int yy, int m, int d)
{
	long long y = yy, era, yoe, doy, doe, day;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	day = era * 146097 + doe - 719468;
	if (day <= DATE_OPEN_START)
		return DATE_OPEN_START + 1;
	if (day >= DATE_OPEN_END)
		return DATE_OPEN_END - 1;
	return (int)day;
}

void
date_to_ymd(int day, int *y, int *m, int *d)
{
	long long z = (long long)day + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp + (mp < 10 ? 3 : -9));
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
date_valid(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap, n;

	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	n = mdays[m - 1] + (m == 2 && leap);
	return d <= n;
}

static int
digits(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int
date_parse(const char *s, int *day)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !date_valid(y, m, d))
		return -1;
	*day = date_from_ymd(y, m, d);
	return 0;
}

char *
date_format(int day, char *buf)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return buf;
}

int
date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return date_from_ymd(1970, 1, 1);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* YYYY/MM/DD, as some exports write ISO dates. */
static int
slashed_iso(const char *s, int *day)
{
	char d[11];

	if (strlen(s) != 10 || s[4] != '/' || s[7] != '/')
		return -1;
	memcpy(d, s, 10);
	d[4] = d[7] = '-';
	d[10] = '\0';
	return date_parse(d, day);
}

static int date_only_log(const char *, int, int *);

int
date_parse_log(const char *s, int dmy, int *day)
{
	struct clock c;
	const char *sp;
	char *d;
	int rc;

	if (date_only_log(s, dmy, day) == 0)
		return 0;
	/* a date with a midnight time, as spreadsheets save dates */
	if ((sp = strpbrk(s, " T")) == NULL || sp == s)
		return -1;
	d = strndup(s, (size_t)(sp - s));
	if (d == NULL)
		return -1;
	while (*sp == ' ' || *sp == 'T')
		sp++;
	rc = date_only_log(d, dmy, day) == 0 && time_parse(sp, &c) == 0 &&
	    !c.has_date && c.secs == 0 ? 0 : -1;
	free(d);
	return rc;
}

static int
date_only_log(const char *s, int dmy, int *day)
{
	int a, b, y, m, d;
	const char *p = s;

	if (date_parse(s, day) == 0 || slashed_iso(s, day) == 0)
		return 0;
	/* N/N/YYYY with one or two digits for month and day */
	a = b = 0;
	if (!isdigit((unsigned char)*p))
		return -1;
	a = *p++ - '0';
	if (isdigit((unsigned char)*p))
		a = a * 10 + (*p++ - '0');
	if (*p++ != '/' || !isdigit((unsigned char)*p))
		return -1;
	b = *p++ - '0';
	if (isdigit((unsigned char)*p))
		b = b * 10 + (*p++ - '0');
	if (*p++ != '/' || strlen(p) != 4 || (y = digits(p, 4)) < 0)
		return -1;
	m = dmy ? b : a;
	d = dmy ? a : b;
	if (!date_valid(y, m, d))
		return -1;
	*day = date_from_ymd(y, m, d);
	return 0;
}

/* H:MM or HH:MM, then :SS optionally; advances *pp.  Seconds, or -1. */
static long
hms(const char **pp, int twelve)
{
	const char *p = *pp;
	int h, m, sec = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	h = *p++ - '0';
	if (isdigit((unsigned char)*p))
		h = h * 10 + (*p++ - '0');
	if (*p++ != ':' || (m = digits(p, 2)) < 0)
		return -1;
	p += 2;
	if (*p == ':') {
		if ((sec = digits(p + 1, 2)) < 0)
			return -1;
		p += 3;
	}
	if (m > 59 || sec > 59 || (twelve ? h < 1 || h > 12 : h > 23))
		return -1;
	*pp = p;
	return h * 3600L + m * 60L + sec;
}

int
time_parse(const char *s, struct clock *c)
{
	const char *p = s;
	long t;
	int oh, om, sign;

	memset(c, 0, sizeof(*c));
	if (strlen(s) >= 16 && s[4] == '-' && s[7] == '-' &&
	    (s[10] == 'T' || s[10] == ' ')) {
		char d[11];

		memcpy(d, s, 10);
		d[10] = '\0';
		if (date_parse(d, &c->day) != 0)
			return -1;
		c->has_date = 1;
		p = s + 11;
		if (strlen(p) < 5 || p[2] != ':' || (t = hms(&p, 0)) < 0)
			return -1;
		c->secs = t;
		if (*p == 'Z' && p[1] == '\0') {
			c->has_offset = 1;
			return 0;
		}
		if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if ((oh = digits(p + 1, 2)) < 0 || p[3] != ':' ||
			    (om = digits(p + 4, 2)) < 0 || p[6] != '\0' ||
			    oh > 18 || om > 59 || (oh == 18 && om > 0))
				return -1;
			c->has_offset = 1;
			c->offset = sign * (oh * 3600L + om * 60L);
			return 0;
		}
		return *p == '\0' ? 0 : -1;
	}
	/* a time of day, 24-hour or with AM/PM */
	{
		const char *q = s + strlen(s);
		int pm = -1;

		if (q - s > 2 && (strcasecmp(q - 2, "am") == 0 ||
		    strcasecmp(q - 2, "pm") == 0)) {
			pm = tolower((unsigned char)q[-2]) == 'p';
			q -= 2;
			while (q > s && q[-1] == ' ')
				q--;
		}
		if (pm < 0) {
			if ((t = hms(&p, 0)) < 0 || *p != '\0')
				return -1;
		} else {
			if ((t = hms(&p, 1)) < 0 || p != q)
				return -1;
			/* 12:xx AM is just after midnight, 12:xx PM just after noon */
			if (t >= 12 * 3600)
				t -= 12 * 3600;
			if (pm)
				t += 12 * 3600;
		}
		c->secs = t;
	}
	return 0;
}

int
time_parse_log(const char *s, int dmy, struct clock *c)
{
	const char *sp;
	char *d;
	int day, rc;

	if (time_parse(s, c) == 0)
		return 0;
	/* a date and a time of day: "3/5/2024 1:30 PM" */
	if ((sp = strchr(s, ' ')) == NULL || sp == s)
		return -1;
	if ((d = strndup(s, (size_t)(sp - s))) == NULL)
		return -1;
	rc = date_only_log(d, dmy, &day);
	free(d);
	while (*sp == ' ')
		sp++;
	if (rc != 0 || time_parse(sp, c) != 0 || c->has_date)
		return -1;
	c->has_date = 1;
	c->day = day;
	return 0;
}

int
duration_parse(const char *s, long *seconds)
{
	const char *p = s, *u;
	long long whole = 0, frac = 0, scale = 1, unit;
	int nd = 0, h, m, sec = 0;

	/* H:MM or H:MM:SS */
	if (strchr(s, ':') != NULL) {
		for (h = 0; isdigit((unsigned char)*p) && nd < 4; p++, nd++)
			h = h * 10 + (*p - '0');
		if (nd == 0 || *p++ != ':' || (m = digits(p, 2)) < 0 || m > 59)
			return -1;
		p += 2;
		if (*p == ':') {
			if ((sec = digits(p + 1, 2)) < 0 || sec > 59)
				return -1;
			p += 3;
		}
		if (*p != '\0')
			return -1;
		*seconds = h * 3600L + m * 60L + sec;
		return 0;
	}
	/* a number and a unit: 90 min, 1.5 h */
	for (; isdigit((unsigned char)*p) && nd < 9; p++, nd++)
		whole = whole * 10 + (*p - '0');
	if (nd == 0)
		return -1;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p) && scale < 1000000; p++) {
			frac = frac * 10 + (*p - '0');
			scale *= 10;
		}
		if (isdigit((unsigned char)*p))
			return -1;
	}
	while (*p == ' ')
		p++;
	u = p;
	if (*u == '\0' || strcasecmp(u, "m") == 0 || strcasecmp(u, "min") == 0 ||
	    strcasecmp(u, "mins") == 0 || strcasecmp(u, "minute") == 0 ||
	    strcasecmp(u, "minutes") == 0)
		unit = 60;
	else if (strcasecmp(u, "h") == 0 || strcasecmp(u, "hr") == 0 ||
	    strcasecmp(u, "hrs") == 0 || strcasecmp(u, "hour") == 0 ||
	    strcasecmp(u, "hours") == 0)
		unit = 3600;
	else
		return -1;
	/* minutes are whole; hours come to a whole number of seconds */
	if ((unit == 60 && frac != 0) || (frac * unit) % scale != 0)
		return -1;
	*seconds = (long)(whole * unit + frac * unit / scale);
	return 0;
}

char *
date_utc_text(long long t, char *buf)
{
	long long day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	long sec = (long)(t - day * 86400);
	char d[DATE_BUFSZ];

	snprintf(buf, DATE_UTC_BUFSZ, "%sT%02ld:%02ld:%02ldZ",
	    date_format(day < -2147483647LL ? -2147483647 : day > 2147483646LL ?
	    2147483646 : (int)day, d), sec / 3600, sec / 60 % 60, sec % 60);
	return buf;
}
