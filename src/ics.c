/*
 * ics: calendars read with libical 3.0, occurrences worked out here.
 *
 * For each UID: the master's instances are DTSTART, then its RRULEs' and
 * RDATEs', less its EXDATEs (matched by instant, whatever zone they are
 * written in), less the instants that an override (RECURRENCE-ID, the
 * highest SEQUENCE winning) replaces; then every override that is not
 * cancelled is an occurrence of its own, master or no master.  Times are
 * resolved here too: a TZID from the file's VTIMEZONE, the system zone
 * database or the Windows names of data/windows-zones.txt, and one that
 * none of them knows rejects its event instead of becoming UTC.
 */
#include <ctype.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libical/ical.h>

#include "date.h"
#include "diag.h"
#include "ics.h"
#include "icsline.h"
#include "recur.h"
#include "strutil.h"
#include "tz.h"

#define ICS_TZID_PREFIX		"/freeassociation.sourceforge.net/"
#define MAX_ICS_LINE		(64 * 1024)
#define MAX_PARAMETERS		1000
#define DROPPED			"X-CPTUNITS-DROPPED"
#define MAX_ICS_BYTES		(256L * 1024 * 1024)
#define MAX_INSTANCES		100000	/* per event, in or before the window */

/* The Windows zone names, "NAME\tIANA\n" lines (data/windows-zones.txt). */
extern const char ics_windows_zones[];

/* What became of an event, for the account of every event read. */
enum fate { FATE_OUTSIDE, FATE_UNBILLED, FATE_REFUSED, FATE_BILLED };

struct ev {
	icalcomponent	*c;
	icalcomponent	*cal;		/* its VCALENDAR, for VTIMEZONEs */
	const char	*uid;
	int		 override;
	long long	 rid;		/* RECURRENCE-ID instant */
	int		 seq;
	int		 cancelled;
	int		 nouid;		/* no UID: a series of its own */
	size_t		 ord;		/* its place in the file */
	char		*ridwhy;	/* why its RECURRENCE-ID replaces nothing */
	char		*lostwhy;	/* what libical or the size cut lost */
	int		 fate;		/* enum fate: what became of it */
	int		 riddate;	/* its RECURRENCE-ID is a DATE */
	long		 line;		/* its BEGIN:VEVENT */
	size_t		 billed_ix;	/* --annotate: 1 + its run->billed */
	int		 nlost;		/* properties libical could not parse,
					   left out (not refused for them) */
};

struct reader {
	const char		*name;
	const struct icsopts	*o;
	struct icsrun		*run;
	icaltimezone		*floating;	/* the zone of floating times */
	char			*floating_name;
	regex_t			 pattern;
	int			 has_pattern;
	size_t			*uids;		/* UID -> line, from the raw text: */
	long			*uidline;	/* each UID's place in uidtext */
	size_t			 nuids;
	char			*uidtext;	/* the UIDs, NUL after each */
	size_t			 uidlen, uidcap;
	struct uidline		*index;
	long			*evlines;	/* BEGIN:VEVENT of each calendar's */
	size_t			 nevlines, capev;	/* own events, in order */
};

/* What an add-on occurrence keeps until the pools are billed. */
struct ics_tag {
	char	*file;
	long	 line;
	char	*uid;
};

void
ics_free_tag(void *vtag)
{
	struct ics_tag *tag = vtag;

	if (tag == NULL)
		return;
	free(tag->file);
	free(tag->uid);
	free(tag);
}

void
ics_late_reject(void *arg, void *vtag, const char *reason, long seconds)
{
	struct icsrun *run = arg;
	struct ics_tag *tag = vtag;

	report_reject(run->report, tag->file, tag->line, "event %.80s: %s",
	    tag->uid, reason);
	warnmsg("%s:%ld: event %.80s: %s", tag->file, tag->line, tag->uid,
	    reason);
	run->report->accepted--;
	run->seconds -= seconds;
}

/* ---- zones -------------------------------------------------------------- */

static icaltimezone *
zone_named(const char *name)
{
	const char *p, *e;
	size_t n;
	char *iana;
	icaltimezone *z;

	if (strcasecmp(name, "UTC") == 0 || strcasecmp(name, "Etc/UTC") == 0 ||
	    strcasecmp(name, "GMT") == 0 || strcmp(name, "Z") == 0)
		return icaltimezone_get_utc_timezone();
	/* only names of the zone database reach libical, which opens files */
	if (tz_valid_name(name))
		return icaltimezone_get_builtin_timezone(name);
	/* libical's own TZIDs: /freeassociation.sourceforge.net/[Tzfile/]NAME */
	if (strncmp(name, ICS_TZID_PREFIX, strlen(ICS_TZID_PREFIX)) == 0) {
		p = name + strlen(ICS_TZID_PREFIX);
		if (strncmp(p, "Tzfile/", 7) == 0)
			p += 7;
		return tz_valid_name(p) ? icaltimezone_get_builtin_timezone(p) :
		    NULL;
	}
	/* a Windows name, as Outlook and Exchange write them */
	n = strlen(name);
	for (p = ics_windows_zones; *p; p = e + 1) {
		e = strchr(p, '\n');
		if (e == NULL)
			break;
		if (*p != '#' && strncmp(p, name, n) == 0 && p[n] == '\t') {
			iana = xstrndup(p + n + 1, (size_t)(e - p - n - 1));
			z = icaltimezone_get_builtin_timezone(iana);
			free(iana);
			return z;
		}
	}
	return NULL;
}

/*
 * The instant of a DATE-TIME property value in `cal`.  Floating times are
 * in the reader's zone.  -1 with *why when the TZID is unknown.
 */
static int
instant_of(struct reader *R, icalproperty *p, struct icaltimetype t,
    icalcomponent *cal, long long *out, icaltimezone **zone, char **why)
{
	icalparameter *par;
	const char *tzid;
	icaltimezone *z;

	par = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	tzid = par ? icalparameter_get_tzid(par) : NULL;
	if (icaltime_is_utc(t))
		z = icaltimezone_get_utc_timezone();
	else if (tzid != NULL) {
		z = cal ? icalcomponent_get_timezone(cal, tzid) : NULL;
		if (z == NULL)
			z = zone_named(tzid);
		if (z == NULL) {
			*why = xasprintf("TZID '%.60s' is not a time zone this "
			    "calendar defines or the zone database knows", tzid);
			return -1;
		}
	} else
		z = R->floating;
	t.zone = z;
	*out = recur_instant(z, t);
	if (zone)
		*zone = z;
	return 0;
}

static int
local_day(long long t, icaltimezone *z)
{
	return recur_local_day(z, t);
}

/* ---- the raw text: UIDs to line numbers --------------------------------- */

/* A VEVENT inside another component: a rejected record, with its line. */
static void
nested(struct reader *R, long line, const char *parent)
{
	R->run->nested++;
	report_reject(R->run->report, R->name, line, "a VEVENT inside a %s is "
	    "not an event of the calendar; not billed", parent);
	warnmsg("%s:%ld: a VEVENT inside a %s is not an event of the calendar; "
	    "not billed", R->name, line, parent);
	R->run->report->records++;
}

/*
 * The raw text's events: the line of each BEGIN:VEVENT that is a
 * calendar's own (for messages, in the order libical keeps them), each
 * UID's line (when that order cannot be trusted), and VEVENTs nested in
 * another component (a VTODO, a VCALENDAR within a VCALENDAR), which are
 * no events of the calendar: each is a rejected record.
 */
#define MAX_DEPTH	64

static void
scan_lines(struct reader *R, const char *text)
{
	const char *p = text, *end = text + strlen(text), *s;
	char parent[MAX_DEPTH][16], *buf = NULL;
	int cr = icsline_cr_only(text, (size_t)(end - text));
	struct icsline cl;
	long line = 1, begin = 0;
	size_t cap = 0, bcap = 0, n;
	int depth = 0;

	for (; p < end; line += cl.lines) {
		p = icsline_next(p, end, cr, &cl);
		if (cl.lines == 1) {		/* not folded: as it stands */
			s = cl.p;
			n = (size_t)(cl.eol - cl.p);
		} else {
			n = icsline_unfold(&cl, &buf, &bcap);
			s = buf;
		}
		if (n > 6 && strncasecmp(s, "BEGIN:", 6) == 0) {
			if (n == 12 && strncasecmp(s, "BEGIN:VEVENT", 12) == 0) {
				begin = line;
				if (depth == 0 || (depth == 1 &&
				    strcasecmp(parent[0], "VCALENDAR") == 0)) {
					if (R->nevlines == R->capev) {
						R->capev = R->capev ? R->capev * 2 : 64;
						R->evlines = xreallocarray(R->evlines,
						    R->capev, sizeof(*R->evlines));
					}
					R->evlines[R->nevlines++] = line;
				} else
					nested(R, line, parent[depth < MAX_DEPTH ?
					    depth - 1 : MAX_DEPTH - 1]);
			}
			if (depth < MAX_DEPTH)
				snprintf(parent[depth], sizeof(parent[0]), "%.*s",
				    (int)(n - 6 < 15 ? n - 6 : 15), s + 6);
			depth++;
		} else if (n > 4 && strncasecmp(s, "END:", 4) == 0) {
			if (depth > 0)
				depth--;
		} else if (begin && n > 4 && strncasecmp(s, "UID:", 4) == 0) {
			if (R->nuids == cap) {
				cap = cap ? cap * 2 : 64;
				R->uids = xreallocarray(R->uids, cap, sizeof(*R->uids));
				R->uidline = xreallocarray(R->uidline, cap,
				    sizeof(*R->uidline));
			}
			while (R->uidlen + n - 4 + 1 > R->uidcap) {
				R->uidcap = R->uidcap ? R->uidcap * 2 : 4096;
				R->uidtext = xreallocarray(R->uidtext, R->uidcap, 1);
			}
			memcpy(R->uidtext + R->uidlen, s + 4, n - 4);
			R->uidtext[R->uidlen + n - 4] = '\0';
			R->uids[R->nuids] = R->uidlen;
			R->uidlen += n - 4 + 1;
			R->uidline[R->nuids++] = begin;
			begin = 0;
		}
	}
	free(buf);
}

/* UIDs in order, each with the line of its first VEVENT, for bsearch. */
struct uidline {
	const char	*uid;
	long		 line;
	int		 taken;		/* given to an event already */
};

static int
cmp_uidline(const void *a, const void *b)
{
	const struct uidline *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void
index_uids(struct reader *R)
{
	size_t i;

	R->index = xcalloc(R->nuids ? R->nuids : 1, sizeof(*R->index));
	for (i = 0; i < R->nuids; i++) {
		R->index[i].uid = R->uidtext + R->uids[i];
		R->index[i].line = R->uidline[i];
	}
	if (R->nuids > 1)
		qsort(R->index, R->nuids, sizeof(*R->index), cmp_uidline);
	/* the index holds them now */
	free(R->uids);
	free(R->uidline);
	R->uids = NULL;
	R->uidline = NULL;
}

static void
free_lines(struct reader *R)
{
	free(R->uids);
	free(R->uidline);
	free(R->uidtext);
	R->uidtext = NULL;
	R->uidlen = R->uidcap = 0;
	free(R->index);
	free(R->evlines);
	R->evlines = NULL;
	R->nevlines = R->capev = 0;
	R->uids = NULL;
	R->uidline = NULL;
	R->index = NULL;
	R->nuids = 0;
}

/*
 * The line of uid's first VEVENT not given to an event yet: libical keeps
 * the events of one UID in the order of the file, so a master and its
 * overrides each get their own line (the last one again when libical saw
 * more of them than the scan).
 */
static long
line_of(struct reader *R, const char *uid)
{
	size_t lo = 0, hi = R->nuids, mid;
	int c;

	if (uid == NULL)
		return 0;
	while (lo < hi) {		/* the first entry not below uid */
		mid = (lo + hi) / 2;
		c = strcmp(R->index[mid].uid, uid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= R->nuids || strcmp(R->index[lo].uid, uid) != 0)
		return 0;
	while (R->index[lo].taken && lo + 1 < R->nuids &&
	    strcmp(R->index[lo + 1].uid, uid) == 0)
		lo++;
	R->index[lo].taken = 1;
	return R->index[lo].line;
}

/* ---- messages ------------------------------------------------------------- */

static void refuse(struct reader *, struct ev *, const char *, ...)
	__attribute__((format(printf, 3, 4)));

/* An event refused: one rejected record, "FILE:LINE: event UID: reason". */
static void
refuse(struct reader *R, struct ev *e, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	report_reject(R->run->report, R->name, e->line, "event %.80s: %s",
	    e->uid && *e->uid ? e->uid : "(no UID)", why);
	if (e->line)
		warnmsg("%s:%ld: event %.80s: %s", R->name, e->line,
		    e->uid && *e->uid ? e->uid : "(no UID)", why);
	else
		warnmsg("%s: event %.80s: %s", R->name,
		    e->uid && *e->uid ? e->uid : "(no UID)", why);
	R->run->report->records++;
	if (e->fate < FATE_REFUSED)
		e->fate = FATE_REFUSED;
	free(why);
}

/*
 * An occurrence (or an event) in the window that is not billed and is no
 * fault: all-day, cancelled, superseded, a copy.  A record, counted as
 * not billable, so that records = accepted + rejected + not billable.
 */
static void
not_billed(struct reader *R, struct ev *e)
{
	R->run->report->records++;
	R->run->report->unbilled++;
	if (e->fate < FATE_UNBILLED)
		e->fate = FATE_UNBILLED;
}

/* ---- mapping properties --------------------------------------------------- */

static int
known_code(const struct rules *r, const char *w)
{
	size_t i;

	for (i = 0; i < r->nfamilies; i++)
		if (rules_family_has(&r->families[i], w))
			return 1;
	return 0;
}

/*
 * Does w look like a CPT or HCPCS code: five characters, four digits and
 * a letter at the end (0362T) or the start (G0151), or five digits?
 */
static int
code_like(const char *w, size_t n)
{
	size_t i, digits = 0;

	if (n != 5)
		return 0;
	for (i = 0; i < 5; i++)
		digits += isdigit((unsigned char)w[i]) != 0;
	if (digits == 5)
		return 1;
	return digits == 4 && (isalpha((unsigned char)w[0]) ||
	    isalpha((unsigned char)w[4]));
}

/* Where next_code_value is among the values of the [ics] code properties. */
struct codevals {
	size_t		 i;		/* the property name */
	icalproperty	*p;		/* NULL: start that name */
};

/*
 * A property's name, as icalproperty_get_property_name gives it (an X-
 * property's own, else its kind's) but without the buffer that allocates
 * each time: the kinds' names are looked up once each.
 */
static const char *
prop_name(icalproperty *p)
{
	static const char *names[512];
	static unsigned char known[512];
	icalproperty_kind k = icalproperty_isa(p);

	if (k == ICAL_X_PROPERTY)
		return icalproperty_get_x_name(p);
	if ((unsigned)k >= sizeof(names) / sizeof(names[0]))
		return icalproperty_kind_to_string(k);
	if (!known[k]) {
		names[k] = icalproperty_kind_to_string(k);
		known[k] = 1;
	}
	return names[k];
}

/*
 * The next value of the properties [ics] reads codes from, in their
 * order; NULL at the end.  Start with a zeroed struct codevals.
 */
static const char *
next_code_value(struct reader *R, icalcomponent *c, struct codevals *it)
{
	const struct rules *r = R->o->rules;
	const char *pn, *v;

	for (; it->i < r->nics[ICS_CODE]; it->i++, it->p = NULL)
		while ((it->p = it->p == NULL ?
		    icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY) :
		    icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) != NULL) {
			pn = prop_name(it->p);
			if (pn != NULL && strcasecmp(pn, r->ics[ICS_CODE][it->i]) == 0 &&
			    (v = icalproperty_get_value_as_string(it->p)) != NULL)
				return v;
		}
	return NULL;
}

/* The first code-like word of the [ics] code properties, or NULL. */
static char *
code_like_in(struct reader *R, icalcomponent *c)
{
	struct codevals it = { 0, NULL };
	const char *v, *q, *b;

	while ((v = next_code_value(R, c, &it)) != NULL)
		for (q = v; *q; ) {
			while (*q && !isalnum((unsigned char)*q))
				q++;
			for (b = q; isalnum((unsigned char)*q); q++)
				;
			if (code_like(b, (size_t)(q - b)))
				return xstrndup(b, (size_t)(q - b));
		}
	return NULL;
}

/* A known code among the words of s (separators: not letters or digits). */
static char *
code_in_words(const struct rules *r, const char *s)
{
	const char *p = s, *b;
	char *w;

	while (*p) {
		while (*p && !isalnum((unsigned char)*p))
			p++;
		b = p;
		while (isalnum((unsigned char)*p))
			p++;
		if (p > b) {
			w = xstrndup(b, (size_t)(p - b));
			if (known_code(r, w))
				return w;
			free(w);
		}
	}
	return NULL;
}

/*
 * The modifiers written onto a code in the [ics] code properties, as
 * "97153-HN" or "97153:HN:59" (two letters or digits each, after '-' or
 * ':'), ':'-joined into buf of size bytes; "" when none.
 */
static const char *
code_modifiers(struct reader *R, icalcomponent *c, const char *code,
    char *buf, size_t size)
{
	struct codevals it = { 0, NULL };
	const char *v, *q;
	size_t n = strlen(code), at = 0;

	buf[0] = '\0';
	while (at == 0 && (v = next_code_value(R, c, &it)) != NULL)
		for (q = v; (q = strcasestr(q, code)) != NULL; q += n) {
			if ((q > v && isalnum((unsigned char)q[-1])) ||
			    isalnum((unsigned char)q[n]))
				continue;
			for (q += n; (*q == '-' || *q == ':') &&
			    isalnum((unsigned char)q[1]) &&
			    isalnum((unsigned char)q[2]) &&
			    !isalnum((unsigned char)q[3]) && at + 4 < size; q += 3) {
				if (at > 0)
					buf[at++] = ':';
				buf[at++] = (char)toupper((unsigned char)q[1]);
				buf[at++] = (char)toupper((unsigned char)q[2]);
				buf[at] = '\0';
			}
			break;
		}
	return buf;
}

/* The first value of the properties named, in order; NULL when none. */
static char *
property(struct reader *R, icalcomponent *c, char **names, size_t n,
    int code)
{
	const struct rules *r = R->o->rules;
	icalproperty *p;
	const char *v, *pn;
	char *out;
	size_t i;

	for (i = 0; i < n; i++) {
		for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
		    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
			pn = prop_name(p);
			if (pn == NULL || strcasecmp(pn, names[i]) != 0)
				continue;
			v = icalproperty_get_value_as_string(p);
			if (v == NULL)
				continue;
			if (!code) {
				out = str_trim(xstrdup(v));
				if (*out)
					return out;
				free(out);
				continue;
			}
			/* a code: a known one among the words of the value */
			if ((out = code_in_words(r, v)) != NULL)
				return out;
		}
	}
	return NULL;
}

static char *
patient_of(struct reader *R, icalcomponent *c)
{
	const struct rules *r = R->o->rules;
	regmatch_t m[2];
	const char *s;
	char *p;

	if ((p = property(R, c, r->ics[ICS_PATIENT], r->nics[ICS_PATIENT], 0)))
		return p;
	if (R->has_pattern && (s = icalcomponent_get_summary(c)) != NULL &&
	    regexec(&R->pattern, s, 2, m, 0) == 0 && m[1].rm_so >= 0 &&
	    m[1].rm_eo > m[1].rm_so)
		return str_trim(xstrndup(s + m[1].rm_so,
		    (size_t)(m[1].rm_eo - m[1].rm_so)));
	return NULL;
}

/* ---- occurrences -------------------------------------------------------- */

struct inst {
	long long	start, end;
};

struct insts {
	struct inst	*v;
	size_t		 n, cap;
};

static void
push(struct insts *s, long long start, long long end)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n].start = start;
	s->v[s->n++].end = end;
}

static int
cmp_inst(const void *a, const void *b)
{
	const struct inst *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* Start and length of an event: -1 with *why when it has none usable. */
static int
span(struct reader *R, const struct ev *e, long long *start, long *len,
    icaltimezone **zone, int *allday, char **why)
{
	icalproperty *ps, *pe, *pd;
	struct icaltimetype ts, te;
	long long end;

	*allday = 0;
	ps = icalcomponent_get_first_property(e->c, ICAL_DTSTART_PROPERTY);
	if (ps == NULL) {
		*why = xstrdup("no DTSTART");
		return -1;
	}
	ts = icalproperty_get_dtstart(ps);
	if (icaltime_is_null_time(ts)) {
		*why = xstrdup("DTSTART is not a date-time");
		return -1;
	}
	if (ts.is_date) {
		*allday = 1;
		return -1;
	}
	pe = icalcomponent_get_first_property(e->c, ICAL_DTEND_PROPERTY);
	pd = icalcomponent_get_first_property(e->c, ICAL_DURATION_PROPERTY);
	if (pe && pd) {
		*why = xstrdup("both DTEND and DURATION; RFC 5545 allows one");
		return -1;
	}
	if (instant_of(R, ps, ts, e->cal, start, zone, why) != 0)
		return -1;
	if (pe) {
		te = icalproperty_get_dtend(pe);
		if (icaltime_is_null_time(te) || te.is_date) {
			*why = xstrdup("DTEND is not a date-time");
			return -1;
		}
		if (instant_of(R, pe, te, e->cal, &end, NULL, why) != 0)
			return -1;
	} else if (pd)
		end = *start + icaldurationtype_as_int(icalproperty_get_duration(pd));
	else {
		*why = xstrdup("no DTEND or DURATION: the session has no length");
		return -1;
	}
	if (end <= *start) {
		*why = xstrdup(end == *start ? "it ends when it starts" :
		    "it ends before it starts");
		return -1;
	}
	if (end - *start > R->o->rules->max_session_minutes * 60LL) {
		*why = xasprintf("it lasts %lld minutes, more than "
		    "max_session_minutes (%d)", (end - *start) / 60,
		    R->o->rules->max_session_minutes);
		return -1;
	}
	*len = (long)(end - *start);
	return 0;
}

/*
 * Rules whose expansion libical 3.0 cannot bound, refused unexpanded with
 * the reason (sessions do not recur like that):
 *  - finer than daily with any BY part: libical steps through every hour,
 *    minute or second looking for a match (FREQ=HOURLY;BYDAY=1MO took
 *    10 s an event, FREQ=SECONDLY;BYHOUR=10;... 94 s, and
 *    FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30 forever);
 *  - BYWEEKNO: libical crashes on BYWEEKNO=-53 in a year of 52 weeks;
 *  - BYMONTH and BYMONTHDAY that never meet (February 30): libical
 *    searches day by day up to its last year.
 * NULL when the rule is fine, else the reason, which the caller frees.
 */
static char *
unbounded_rule(const struct icalrecurrencetype *r)
{
	static const int mdays[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	size_t i, j;
	int meet, m, d;

	if (r->freq < ICAL_DAILY_RECURRENCE &&
	    (r->by_second[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r->by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX))
		return xstrdup("an RRULE finer than daily with BY limits; "
		    "cptunits does not expand such rules");
	if (r->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX)
		return xstrdup("an RRULE with BYWEEKNO; cptunits does not expand "
		    "such rules");
	if (r->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX &&
	    r->by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX) {
		meet = 0;
		for (i = 0; !meet && i < ICAL_BY_MONTH_SIZE &&
		    r->by_month[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
			m = r->by_month[i];
			if (m < 1 || m > 12)
				continue;
			for (j = 0; !meet && j < ICAL_BY_MONTHDAY_SIZE &&
			    r->by_month_day[j] != ICAL_RECURRENCE_ARRAY_MAX; j++) {
				d = r->by_month_day[j];
				meet = d != 0 && (d < 0 ? -d : d) <= mdays[m];
			}
		}
		if (!meet)
			return xstrdup("an RRULE whose BYMONTH and BYMONTHDAY never "
			    "meet (a day the month does not have)");
	}
	return NULL;
}

/* The master's instants: DTSTART, RRULEs, RDATEs, less EXDATEs. */
static int
expand(struct reader *R, const struct ev *e, long long start, long len,
    icaltimezone *zone, struct insts *out, char **why)
{
	const struct icsopts *o = R->o;
	icalproperty *p, *ps;
	struct icaltimetype ts, t;
	struct icalrecurrencetype rule;
	struct icaldatetimeperiodtype rd;
	icalrecur_iterator *it;
	long long u, end, *ex = NULL;
	int *exday = NULL;
	size_t nex = 0, nexday = 0, i, j;
	int last = o->to != DATE_OPEN_END ? o->to : o->horizon, count, cut, budget;
	int fast, changes;
	struct recur rc;
	size_t before;

	push(out, start, start + len);
	ps = icalcomponent_get_first_property(e->c, ICAL_DTSTART_PROPERTY);
	ts = icalproperty_get_dtstart(ps);
	ts.zone = zone;
	for (p = icalcomponent_get_first_property(e->c, ICAL_RRULE_PROPERTY); p;
	    p = icalcomponent_get_next_property(e->c, ICAL_RRULE_PROPERTY)) {
		rule = icalproperty_get_rrule(p);
		if ((*why = unbounded_rule(&rule)) != NULL)
			return -1;
		/* simple rules by day arithmetic, as libical gives them */
		fast = recur_simple(&rc, &rule, ts);
		before = out->n;
		it = NULL;
	again:
		if (!fast && (it = icalrecur_iterator_new(rule, ts)) == NULL) {
			*why = xstrdup("an RRULE libical cannot expand");
			return -1;
		}
		cut = 1;
		budget = rule.count > 0 ? rule.count : -1;
		/* one allowance of instances for all the rules of an event */
		for (count = 0; out->n < MAX_INSTANCES; count++) {
			t = fast ? recur_next(&rc) : icalrecur_iterator_next(it);
			if (icaltime_is_null_time(t) || budget == 0) {
				cut = 0;
				break;
			}
			t.zone = zone;
			u = recur_instant_ex(zone, t, &changes);
			if (fast && changes && recur_gap(zone, t)) {
				/* a time daylight saving skips: libical's way */
				out->n = before;
				fast = 0;
				goto again;
			}
			/*
			 * DTSTART is always the first instance and counts in COUNT
			 * (RFC 5545 3.8.5.3); libical leaves out a DTSTART its rule
			 * does not match, and then counts one instance too many.
			 */
			if (count == 0 && u != start && budget > 0)
				budget--;
			if (budget > 0)
				budget--;
			if (local_day(u, zone) >= last)
				break;
			if (u != start)
				push(out, u, u + len);
		}
		if (it)
			icalrecur_iterator_free(it);
		/* a series that would go on: say so when no --to cut it */
		if (cut && o->to == DATE_OPEN_END && rule.count == 0 &&
		    icaltime_is_null_time(rule.until))
			R->run->cut++;
		if (out->n >= MAX_INSTANCES) {
			/* billing the first part of a series is billing it wrong */
			*why = xasprintf("the series has more than %d instances up "
			    "to the end of the window (DTSTART long before it?); "
			    "not billed in part", MAX_INSTANCES);
			return -1;
		}
	}
	for (p = icalcomponent_get_first_property(e->c, ICAL_RDATE_PROPERTY); p;
	    p = icalcomponent_get_next_property(e->c, ICAL_RDATE_PROPERTY)) {
		if (out->n >= MAX_INSTANCES) {
			*why = xasprintf("more than %d instances with its RDATEs; not "
			    "billed in part", MAX_INSTANCES);
			return -1;
		}
		rd = icalproperty_get_rdate(p);
		if (!icaltime_is_null_time(rd.period.start)) {
			/* a period sets its own length */
			if (instant_of(R, p, rd.period.start, e->cal, &u, NULL,
			    why) != 0)
				return -1;
			if (!icaltime_is_null_time(rd.period.end)) {
				if (instant_of(R, p, rd.period.end, e->cal, &end, NULL,
				    why) != 0)
					return -1;
			} else
				end = u + icaldurationtype_as_int(rd.period.duration);
			if (end <= u || end - u >
			    R->o->rules->max_session_minutes * 60LL) {
				*why = xstrdup(end <= u ? "an RDATE period that ends "
				    "before it starts" : "an RDATE period longer than "
				    "max_session_minutes");
				return -1;
			}
			push(out, u, end);
		} else if (!icaltime_is_null_time(rd.time) && !rd.time.is_date) {
			if (instant_of(R, p, rd.time, e->cal, &u, NULL, why) != 0)
				return -1;
			push(out, u, u + len);
		}
	}
	for (p = icalcomponent_get_first_property(e->c, ICAL_EXDATE_PROPERTY); p;
	    p = icalcomponent_get_next_property(e->c, ICAL_EXDATE_PROPERTY)) {
		t = icalproperty_get_exdate(p);
		if (icaltime_is_null_time(t))
			continue;
		if (t.is_date) {	/* a whole day: matched by local date */
			exday = xreallocarray(exday, nexday + 1, sizeof(*exday));
			exday[nexday++] = date_from_ymd(t.year, t.month, t.day);
			continue;
		}
		ex = xreallocarray(ex, nex + 1, sizeof(*ex));
		if (instant_of(R, p, t, e->cal, &ex[nex], NULL, why) != 0) {
			free(ex);
			free(exday);
			return -1;
		}
		nex++;
	}
	/* sorted, so that a hundred thousand EXDATEs cost a search each */
	if (nex > 1)
		qsort(ex, nex, sizeof(*ex), cmp_ll);
	if (nexday > 1)
		qsort(exday, nexday, sizeof(*exday), cmp_int);
	qsort(out->v, out->n, sizeof(*out->v), cmp_inst);
	for (i = j = 0; i < out->n; i++) {
		if (j > 0 && out->v[i].start == out->v[j - 1].start)
			continue;	/* an RDATE repeating an RRULE instance */
		if (nex && bsearch(&out->v[i].start, ex, nex, sizeof(*ex), cmp_ll))
			continue;
		if (nexday) {
			/* dated as bill() dates them: UTC times in the floating zone */
			int d = local_day(out->v[i].start,
			    zone == icaltimezone_get_utc_timezone() ? R->floating :
			    zone);

			if (bsearch(&d, exday, nexday, sizeof(*exday), cmp_int))
				continue;
		}
		out->v[j++] = out->v[i];
	}
	out->n = j;
	free(ex);
	free(exday);
	return 0;
}

static void
keep_occurrence(struct reader *R, const char *uid, long long start,
    long seconds, const char *code, const char *patient)
{
	struct icsrun *run = R->run;
	struct ics_occurrence *o;

	if (run->nocc == run->capocc) {
		run->capocc = run->capocc ? run->capocc * 2 : 64;
		run->occ = xreallocarray(run->occ, run->capocc, sizeof(*run->occ));
	}
	o = &run->occ[run->nocc++];
	o->uid = xstrdup(uid ? uid : "");
	o->start = start;
	o->minutes = seconds / 60;
	o->code = xstrdup(code ? code : "");
	o->patient = xstrdup(patient ? patient : "");
}

/*
 * Bill the occurrences of one event component (a master's instances, or
 * an override alone): map its properties, check, and pool each one whose
 * local date of service is in the window.
 */
/* --annotate: a new entry of run->billed for the event at line. */
static struct ics_billed *
new_billed(struct icsrun *run, long line)
{
	struct ics_billed *b;

	if (run->nbilled == run->capbilled) {
		run->capbilled = run->capbilled ? run->capbilled * 2 : 64;
		run->billed = xreallocarray(run->billed, run->capbilled,
		    sizeof(*run->billed));
	}
	b = &run->billed[run->nbilled++];
	memset(b, 0, sizeof(*b));
	b->line = line;
	return b;
}

/* --annotate: what the event's first billed occurrence is. */
static void
keep_billed(struct reader *R, struct ev *e,
    const struct rules_family *fam, long seconds, int day, const char *payer)
{
	struct ics_billed *b = new_billed(R->run, e->line);

	b->family = fam;
	b->seconds = seconds;
	b->date = day;
	b->payer = payer ? xstrdup(payer) : NULL;
	e->billed_ix = R->run->nbilled;
}

/*
 * --annotate: a copy of an event (counted once) is written back with the
 * same annotation as the event, so the two stay copies when read again.
 */
static void
keep_copy(struct reader *R, struct ev *copy, const struct ev *of)
{
	struct ics_billed *b;
	size_t ix = of->billed_ix - 1;

	if (of->billed_ix == 0 || copy->line == 0 || copy->line == of->line)
		return;
	b = new_billed(R->run, copy->line);	/* may move run->billed */
	*b = R->run->billed[ix];
	b->line = copy->line;
	b->payer = b->payer ? xstrdup(b->payer) : NULL;
	copy->billed_ix = R->run->nbilled;
}

/*
 * --annotate: the events read and billed nothing (cancelled, no code,
 * refused) lose what an earlier run wrote on them; those outside the
 * window keep it, for nothing is known of them.
 */
static void
keep_unbilled(struct reader *R, const struct ev *evs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((evs[i].fate == FATE_UNBILLED || evs[i].fate == FATE_REFUSED) &&
		    evs[i].billed_ix == 0 && evs[i].line > 0)
			new_billed(R->run, evs[i].line);
}

static void
bill(struct reader *R, struct ev *e, const struct insts *in,
    icaltimezone *zone)
{
	const struct icsopts *o = R->o;
	const struct rules *r = o->rules;
	const struct rules_family *fam = NULL, *cfam = NULL;
	struct session s;
	char *code, *patient, *techs, *payer, *prov, *why = NULL, *fwhy;
	char st[32], et[32], *first = NULL, *like, mods[32] = "";
	long long n = 0;
	const char *err;
	size_t i, inwin = 0;
	long nbad = 0;
	int day, nocode = 0;

	code = property(R, e->c, r->ics[ICS_CODE], r->nics[ICS_CODE], 1);
	patient = o->patient ? xstrdup(o->patient) : patient_of(R, e->c);
	techs = property(R, e->c, r->ics[ICS_TECHNICIANS],
	    r->nics[ICS_TECHNICIANS], 0);
	payer = property(R, e->c, r->ics[ICS_PAYER], r->nics[ICS_PAYER], 0);
	prov = property(R, e->c, r->ics[ICS_PROVIDER], r->nics[ICS_PROVIDER], 0);
	/* a UTC time bills on the local date of the calendar's zone */
	if (zone == icaltimezone_get_utc_timezone())
		zone = R->floating;

	/*
	 * What the event itself lacks refuses it once.  No code-like word at
	 * all ("Team meeting") is no session: not billable, in a note; a
	 * code-like word that is not in the rules is a likely typo.
	 */
	if (code != NULL)
		code_modifiers(R, e->c, code, mods, sizeof(mods));
	if (code == NULL && (like = code_like_in(R, e->c)) == NULL)
		nocode = 1;
	else if (code == NULL) {
		why = xasprintf("code: %.40s is not in the rules (a typo?)", like);
		free(like);
	} else if (techs && str_toint(techs, 0, 100, &n, &err) != 0)
		why = xasprintf("technicians: '%.20s' is not a whole number", techs);
	for (i = 0; i < in->n; i++) {
		day = local_day(in->v[i].start, zone);
		if (day < o->from || day >= (o->to != DATE_OPEN_END ? o->to :
		    o->horizon))
			continue;
		inwin++;
		if (o->occurrences)
			keep_occurrence(R, e->uid, in->v[i].start,
			    (long)(in->v[i].end - in->v[i].start), code, patient);
		if (nocode) {
			R->run->nocode++;
			not_billed(R, e);
			continue;
		}
		if (why != NULL)
			continue;
		/* the family, and so its checks, go with the date (a code is
		 * in one family on any date: the last one found stands for
		 * its dates) */
		if (cfam != NULL && day >= cfam->from && day <= cfam->to) {
			fam = cfam;
			fwhy = NULL;
		} else if ((fwhy = rules_why_not(r, code, day, &fam)) == NULL)
			cfam = fam;
		if (fwhy == NULL && fam->min_technicians > 0 && techs == NULL)
			fwhy = xasprintf("technicians: %s needs at least %d; none "
			    "given", rules_family_label(fam), fam->min_technicians);
		else if (fwhy == NULL && fam->min_technicians > 0 &&
		    n < fam->min_technicians)
			fwhy = xasprintf("technicians: %s needs at least %d, not %lld",
			    rules_family_label(fam), fam->min_technicians, n);
		if (fwhy != NULL) {
			/* the first reason speaks for the occurrences it stops */
			if (nbad++ == 0)
				first = fwhy;
			else
				free(fwhy);
			continue;
		}
		memset(&s, 0, sizeof(s));
		/* without a patient: billed alone, pooled with nothing */
		s.patient = patient ? patient : "";
		s.alone = patient == NULL;
		if (patient == NULL)
			R->run->nopatient++;
		s.date = day;
		s.family = fam;
		s.timed = 1;
		s.start = in->v[i].start;
		s.end = in->v[i].end;
		s.seconds = (long)(s.end - s.start);
		s.payer = o->payer ? o->payer : payer;
		s.provider = prov;
		s.modifiers = mods;
		s.source = e->uid;
		s.file = R->name;
		s.line = e->line;
		if (R->run->report->by_session) {
			/* only a session's own line shows them */
			date_utc_text(s.start, st);
			date_utc_text(s.end, et);
			s.start_text = st;
			s.end_text = et;
		}
		if (local_day(s.end - 1, zone) != day)
			s.notes |= NOTE_MIDNIGHT;
		if (fam->kind == KIND_ADDON) {
			/* judged when the pools are billed: keep where it is from */
			struct ics_tag *tag = xcalloc(1, sizeof(*tag));

			tag->file = xstrdup(R->name);
			tag->line = e->line;
			tag->uid = xstrdup(e->uid);
			pool_add(R->run->pool, &s, tag);
		} else
			pool_add(R->run->pool, &s, NULL);
		R->run->report->records++;
		R->run->report->accepted++;
		if (o->annotate && e->fate != FATE_BILLED)
			keep_billed(R, e, fam, s.seconds, day, s.payer);
		e->fate = FATE_BILLED;
		R->run->seconds += s.seconds;
	}
	if (why != NULL && inwin > 1)
		refuse(R, e, "%s (the series has %zu occurrences in the window)",
		    why, inwin);
	else if (why != NULL && inwin > 0)
		refuse(R, e, "%s", why);
	if (nbad == 1)
		refuse(R, e, "%s", first);
	else if (nbad > 1)
		refuse(R, e, "%s (and %ld more occurrences)", first, nbad - 1);
	free(first);
	free(why);
	free(code);
	free(patient);
	free(techs);
	free(payer);
	free(prov);
}

/* Is the date of service of an instant in zone (UTC: dated as floating) in
 * the window? */
static int
instant_in_window(struct reader *R, long long t, icaltimezone *zone)
{
	const struct icsopts *o = R->o;
	int day = local_day(t, zone == icaltimezone_get_utc_timezone() ?
	    R->floating : zone);

	return day >= o->from &&
	    day < (o->to != DATE_OPEN_END ? o->to : o->horizon);
}

/*
 * Could this event have an occurrence in the window?  A single event
 * whose start is known to fall outside it is not the user's business
 * today, however broken it is.
 */
static int
in_window(struct reader *R, const struct ev *e)
{
	const struct icsopts *o = R->o;
	icalproperty *p;
	struct icaltimetype t;
	icaltimezone *z;
	long long u;
	char *why = NULL;
	int day;

	if (icalcomponent_get_first_property(e->c, ICAL_RRULE_PROPERTY) ||
	    icalcomponent_get_first_property(e->c, ICAL_RDATE_PROPERTY))
		return 1;
	if ((p = icalcomponent_get_first_property(e->c,
	    ICAL_DTSTART_PROPERTY)) == NULL)
		return 1;
	t = icalproperty_get_dtstart(p);
	if (icaltime_is_null_time(t))
		return 1;
	if (t.is_date)
		day = date_from_ymd(t.year, t.month, t.day);
	else if (instant_of(R, p, t, e->cal, &u, &z, &why) != 0) {
		free(why);
		return 1;
	} else
		day = local_day(u, z == icaltimezone_get_utc_timezone() ?
		    R->floating : z);
	return day >= o->from &&
	    day < (o->to != DATE_OPEN_END ? o->to : o->horizon);
}

static int
cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);

	if (c != 0)
		return c;
	if (x->override != y->override)
		return x->override - y->override;	/* the master first */
	if (x->rid != y->rid)
		return x->rid < y->rid ? -1 : 1;
	if (x->seq != y->seq)
		return y->seq - x->seq;		/* the highest SEQUENCE first */
	return x->ord < y->ord ? -1 : x->ord > y->ord;	/* as in the file */
}

/*
 * Does a property of this name shape what an event bills?  Its times, its
 * recurrence, its status and identity, and what [ics] reads the code,
 * patient, technicians, payer and provider from.
 */
static int
shaping(struct reader *R, const char *name)
{
	static const char *const fixed[] = { "DTSTART", "DTEND", "DURATION",
	    "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "STATUS", "SEQUENCE",
	    "UID", "SUMMARY", "CATEGORIES", NULL };
	const struct rules *r = R->o->rules;
	size_t i, k;

	for (i = 0; fixed[i]; i++)
		if (strcasecmp(name, fixed[i]) == 0)
			return 1;
	for (k = 0; k < ICS_COUNT; k++)
		for (i = 0; i < r->nics[k]; i++)
			if (strcasecmp(name, r->ics[k][i]) == 0)
				return 1;
	return 0;
}

/*
 * What libical could not parse in an event (X-LIC-ERROR: it drops the
 * property), and the lines left out before parsing: when what was lost
 * shapes the billing (an EXDATE, an RRULE with INTERVAL=0, a folded RDATE
 * over the size cut), the event is refused, never billed in another
 * shape; the reason, which the caller frees, else NULL.  Other losses
 * (an ATTENDEE, an attachment) are warned about.
 */
static char *
lost_properties(struct reader *R, struct ev *e)
{
	icalproperty *p;
	const char *msg, *in, *end;
	char name[64], *why = NULL;
	size_t k;
	int n = 0;

	for (p = icalcomponent_get_first_property(e->c, ICAL_XLICERROR_PROPERTY);
	    p && why == NULL; p = icalcomponent_get_next_property(e->c,
	    ICAL_XLICERROR_PROPERTY)) {
		msg = icalproperty_get_xlicerror(p);
		if (msg == NULL)
			msg = "";
		/* "Can't parse as DATE-TIME value in EXDATE property. ..." */
		name[0] = '\0';
		if ((in = strstr(msg, " in ")) != NULL &&
		    (end = strstr(in + 4, " property")) != NULL &&
		    (size_t)(end - in - 4) < sizeof(name)) {
			memcpy(name, in + 4, (size_t)(end - in - 4));
			name[end - in - 4] = '\0';
		}
		if (name[0] == '\0' || shaping(R, name))
			why = xasprintf("libical could not parse %s%s (%.100s)",
			    name[0] ? "its " : "a property", name, msg);
		n++;
	}
	for (p = icalcomponent_get_first_property(e->c, ICAL_X_PROPERTY);
	    p && why == NULL; p = icalcomponent_get_next_property(e->c,
	    ICAL_X_PROPERTY)) {
		if (strcasecmp(icalproperty_get_x_name(p), DROPPED) != 0)
			continue;
		msg = icalproperty_get_x(p);
		snprintf(name, sizeof(name), "%s", msg ? msg : "?");
		for (k = 0; name[k]; k++)
			name[k] = (char)toupper((unsigned char)name[k]);
		if (shaping(R, name))
			why = xasprintf("its %s line is longer than 64 KiB or has "
			    "more than %d parameters, and was not read", name,
			    MAX_PARAMETERS);
	}
	/* said with the event's UID's other messages (process) */
	e->nlost = why == NULL ? n : 0;
	return why;
}

/*
 * A VTIMEZONE whose observances recur more often than yearly (a 465-byte
 * one with HOURLY, MINUTELY and SECONDLY rules from 1601 took minutes and
 * gigabytes in libical's expansion) describes no civil zone: it is left
 * out, with a warning, and its TZID is then looked up in the zone
 * database like any other (or refuses its events).
 */
static void
tame_vtimezones(struct reader *R, icalcomponent *cal)
{
	icalcomponent *tz, *obs, *next;
	icalproperty *p;
	struct icalrecurrencetype rule;
	int bad;

	for (tz = icalcomponent_get_first_component(cal,
	    ICAL_VTIMEZONE_COMPONENT); tz != NULL; tz = next) {
		next = icalcomponent_get_next_component(cal,
		    ICAL_VTIMEZONE_COMPONENT);
		bad = 0;
		for (obs = icalcomponent_get_first_component(tz, ICAL_ANY_COMPONENT);
		    obs && !bad; obs = icalcomponent_get_next_component(tz,
		    ICAL_ANY_COMPONENT))
			for (p = icalcomponent_get_first_property(obs,
			    ICAL_RRULE_PROPERTY); p && !bad;
			    p = icalcomponent_get_next_property(obs,
			    ICAL_RRULE_PROPERTY)) {
				rule = icalproperty_get_rrule(p);
				bad = rule.freq != ICAL_YEARLY_RECURRENCE ||
				    rule.interval < 1;
			}
		if (!bad)
			continue;
		p = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
		warnmsg("%s: VTIMEZONE '%.60s' has a rule that recurs more often "
		    "than yearly; left out", R->name,
		    p && icalproperty_get_tzid(p) ? icalproperty_get_tzid(p) : "");
		icalcomponent_remove_component(cal, tz);
		icalcomponent_free(tz);
	}
}

static void
add_event(icalcomponent *c, icalcomponent *cal, struct ev **evs, size_t *n,
    size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*evs = xreallocarray(*evs, *cap, sizeof(**evs));
	}
	memset(&(*evs)[*n], 0, sizeof(**evs));
	(*evs)[*n].c = c;
	(*evs)[(*n)++].cal = cal;
}

static void
collect(icalcomponent *cal, struct ev **evs, size_t *n, size_t *cap)
{
	icalcompiter it;
	icalcomponent *c;

	for (it = icalcomponent_begin_component(cal, ICAL_VEVENT_COMPONENT);
	    (c = icalcompiter_deref(&it)) != NULL; icalcompiter_next(&it))
		add_event(c, cal, evs, n, cap);
}

/* Do two components hold the same properties, DTSTAMP aside? */
static int
same_fields(icalcomponent *a, icalcomponent *b)
{
	icalproperty *p, *q;
	char *x, *y;
	int same = 1;

	p = icalcomponent_get_first_property(a, ICAL_ANY_PROPERTY);
	q = icalcomponent_get_first_property(b, ICAL_ANY_PROPERTY);
	while (same) {
		while (p && icalproperty_isa(p) == ICAL_DTSTAMP_PROPERTY)
			p = icalcomponent_get_next_property(a, ICAL_ANY_PROPERTY);
		while (q && icalproperty_isa(q) == ICAL_DTSTAMP_PROPERTY)
			q = icalcomponent_get_next_property(b, ICAL_ANY_PROPERTY);
		if (p == NULL || q == NULL) {
			same = p == q;
			break;
		}
		x = icalproperty_as_ical_string_r(p);
		y = icalproperty_as_ical_string_r(q);
		same = x && y && strcmp(x, y) == 0;
		free(x);
		free(y);
		p = icalcomponent_get_next_property(a, ICAL_ANY_PROPERTY);
		q = icalcomponent_get_next_property(b, ICAL_ANY_PROPERTY);
	}
	return same && icalcomponent_get_first_component(a, ICAL_ANY_COMPONENT) ==
	    NULL && icalcomponent_get_first_component(b, ICAL_ANY_COMPONENT) ==
	    NULL;
}

/*
 * One master: its instances less those its overrides (rids, sorted)
 * replace, billed; a cancelled master's are counted as cancelled.
 */
static void
master(struct reader *R, struct ev *m, const long long *rids, size_t nr)
{
	struct insts in;
	icaltimezone *zone;
	long long start;
	size_t a, b;
	long len;
	int allday;
	char *why = NULL;

	memset(&in, 0, sizeof(in));
	if (span(R, m, &start, &len, &zone, &allday, &why) == 0) {
		if (expand(R, m, start, len, zone, &in, &why) != 0)
			refuse(R, m, "%s", why);
		else {
			for (a = b = 0; a < in.n; a++) {
				/* rids are sorted: a search, not a scan */
				if (nr > 0 && bsearch(&in.v[a].start, rids, nr,
				    sizeof(*rids), cmp_ll) != NULL)
					continue;
				if (m->cancelled) {
					/* counted where the user looks: the window */
					if (instant_in_window(R, in.v[a].start, zone)) {
						R->run->cancelled++;
						not_billed(R, m);
					}
					continue;
				}
				in.v[b++] = in.v[a];
			}
			in.n = b;
			bill(R, m, &in, zone);
		}
	} else if (allday) {
		if (in_window(R, m)) {
			R->run->allday++;
			not_billed(R, m);
		}
	} else if (in_window(R, m))
		refuse(R, m, "%s", why);
	free(why);
	free(in.v);
}

/* Is a master's DTSTART a DATE (or missing)? */
static int
master_is_allday(const struct ev *m)
{
	icalproperty *p = icalcomponent_get_first_property(m->c,
	    ICAL_DTSTART_PROPERTY);

	return p == NULL || icalproperty_get_dtstart(p).is_date;
}

static void
process(struct reader *R, struct ev *evs, size_t n)
{
	struct insts in;
	struct ev *m;
	icalproperty *p;
	icaltimezone *zone;
	long long start, *rids;
	size_t i, j, k, q, nr, mend;
	long len;
	int allday, timed;
	char *why;

	/* identify each event */
	for (i = 0; i < n; i++) {
		struct ev *e = &evs[i];
		struct icaltimetype t;

		e->ord = i;
		e->uid = icalcomponent_get_uid(e->c);
		e->nouid = e->uid == NULL || *e->uid == '\0';
		if (e->nouid)
			e->uid = "";
		/* the scan saw the same events in the same order: its lines */
		if (e->line == 0)
			e->line = R->nevlines == n ? R->evlines[i] :
			    line_of(R, e->uid);
		e->seq = icalcomponent_get_sequence(e->c);
		e->cancelled = icalcomponent_get_status(e->c) ==
		    ICAL_STATUS_CANCELLED;
		p = icalcomponent_get_first_property(e->c,
		    ICAL_RECURRENCEID_PROPERTY);
		if (p) {
			icalparameter *range;

			why = NULL;
			t = icalproperty_get_recurrenceid(p);
			e->override = 1;
			range = icalproperty_get_first_parameter(p,
			    ICAL_RANGE_PARAMETER);
			if (range && icalparameter_get_range(range) ==
			    ICAL_RANGE_THISANDFUTURE)
				e->ridwhy = xstrdup("RECURRENCE-ID;RANGE=THISANDFUTURE "
				    "(this and later occurrences changed) is not "
				    "supported");
			else if (icaltime_is_null_time(t))
				e->ridwhy = xstrdup("RECURRENCE-ID is not a date-time");
			else if (t.is_date) {
				e->riddate = 1;
				e->rid = (long long)date_from_ymd(t.year, t.month,
				    t.day) * 86400;
			} else if (instant_of(R, p, t, e->cal, &e->rid, NULL,
			    &why) != 0) {
				e->ridwhy = xasprintf("RECURRENCE-ID: %s", why);
				free(why);
			}
			if (e->ridwhy)
				e->rid = 0;
		}
		e->lostwhy = lost_properties(R, e);
	}
	if (n > 1)
		qsort(evs, n, sizeof(*evs), cmp_ev);

	for (i = 0; i < n; i = j) {
		/*
		 * evs[i..j) share a UID; an event without one is a series of
		 * its own (SPEC §6).
		 */
		for (j = i + 1; !evs[i].nouid && j < n && !evs[j].nouid &&
		    strcmp(evs[j].uid, evs[i].uid) == 0; j++)
			;
		if (evs[i].nouid)
			R->run->nouid++;
		/*
		 * What libical could not parse, said first of each UID's
		 * messages: so a calendar read one UID at a time says it in
		 * the same order as one read whole.
		 */
		for (k = i; k < j && !R->o->quiet; k++)
			if (evs[k].nlost > 0)
				warnmsg("%s:%ld: event %.80s: %d propert%s libical "
				    "could not parse left out", R->name, evs[k].line,
				    *evs[k].uid ? evs[k].uid : "(no UID)",
				    evs[k].nlost, evs[k].nlost == 1 ? "y" : "ies");
		/*
		 * An override whose RECURRENCE-ID names no occurrence (an unknown
		 * TZID, a DATE on a timed series, THISANDFUTURE) replaces nothing:
		 * it is refused, and the occurrence it meant is billed once, as
		 * the series says.
		 */
		timed = !evs[i].override && !master_is_allday(&evs[i]);
		for (k = i; k < j; k++)
			if (evs[k].override && evs[k].riddate && timed &&
			    evs[k].ridwhy == NULL)
				evs[k].ridwhy = xstrdup("RECURRENCE-ID is a DATE, and "
				    "the series it would change has times");
		/* the override instants, once each (the highest SEQUENCE first) */
		rids = xcalloc(j - i, sizeof(*rids));
		nr = 0;
		for (k = i; k < j; k++)
			if (evs[k].override && evs[k].ridwhy == NULL &&
			    (nr == 0 || rids[nr - 1] != evs[k].rid))
				rids[nr++] = evs[k].rid;
		/*
		 * The masters, highest SEQUENCE first: a lower SEQUENCE is
		 * superseded, a copy field for field counts once, and masters
		 * that differ at the same SEQUENCE are each billed, with a
		 * warning naming the UID.
		 */
		for (mend = i; mend < j && !evs[mend].override; mend++)
			;
		m = mend > i ? &evs[i] : NULL;
		for (k = i; k < mend; k++) {
			if (evs[k].seq < evs[i].seq) {
				if (in_window(R, &evs[k])) {
					R->run->superseded++;
					not_billed(R, &evs[k]);
				}
				continue;
			}
			for (q = i; q < k; q++)
				if (evs[q].seq == evs[k].seq &&
				    same_fields(evs[q].c, evs[k].c))
					break;
			if (q < k) {
				if (in_window(R, &evs[k]))
					not_billed(R, &evs[k]);
				if (R->o->annotate)
					keep_copy(R, &evs[k], &evs[q]);
				if (!R->o->quiet)
					warnmsg("%s:%ld: event %.80s: a copy of the event "
					    "at line %ld; counted once", R->name,
					    evs[k].line, evs[k].uid, evs[q].line);
				continue;
			}
			if (k > i && !R->o->quiet)
				warnmsg("%s:%ld: event %.80s: another event with this "
				    "UID and SEQUENCE (line %ld) differs; both billed",
				    R->name, evs[k].line, evs[k].uid, evs[i].line);
			if (evs[k].lostwhy != NULL) {
				/* a lost rule could have put it in any window */
				if (in_window(R, &evs[k]) ||
				    strstr(evs[k].lostwhy, "RRULE") ||
				    strstr(evs[k].lostwhy, "RDATE"))
					refuse(R, &evs[k], "%s", evs[k].lostwhy);
				continue;
			}
			master(R, &evs[k], rids, nr);
		}
		memset(&in, 0, sizeof(in));
		why = NULL;
		/* the overrides: each its own occurrence */
		for (k = mend; k < j; k++) {
			if (evs[k].ridwhy != NULL && m != NULL) {
				if (in_window(R, &evs[k]))
					refuse(R, &evs[k], "%s; the occurrence it would "
					    "replace is billed as the series says",
					    evs[k].ridwhy);
				continue;
			}
			if (k > mend && evs[k - 1].ridwhy == NULL &&
			    evs[k - 1].rid == evs[k].rid) {
				/* a lower SEQUENCE: superseded */
				if (in_window(R, &evs[k])) {
					R->run->superseded++;
					not_billed(R, &evs[k]);
				}
				continue;
			}
			if (evs[k].cancelled || (m && m->cancelled)) {
				if (in_window(R, &evs[k])) {
					R->run->cancelled++;
					not_billed(R, &evs[k]);
				}
				continue;
			}
			if (evs[k].lostwhy != NULL) {
				/* it still replaces its occurrence: nothing bills twice */
				if (in_window(R, &evs[k]))
					refuse(R, &evs[k], "%s", evs[k].lostwhy);
				continue;
			}
			in.n = 0;
			if (span(R, &evs[k], &start, &len, &zone, &allday,
			    &why) != 0) {
				if (!in_window(R, &evs[k]))
					;
				else if (allday) {
					R->run->allday++;
					not_billed(R, &evs[k]);
				} else
					refuse(R, &evs[k], "%s", why);
				free(why);
				why = NULL;
				continue;
			}
			push(&in, start, start + len);
			bill(R, &evs[k], &in, zone);
		}
		free(in.v);
		free(rids);
	}
	/* the account of every event read */
	for (i = 0; i < n; i++)
		R->run->events[evs[i].fate]++;
}

/* Bill the events read (the whole file's, or one UID's), then let them go. */
static void
bill_events(struct reader *R, struct ev *evs, size_t n)
{
	size_t i;

	process(R, evs, n);
	if (R->o->annotate)
		keep_unbilled(R, evs, n);
	for (i = 0; i < n; i++) {
		free(evs[i].ridwhy);
		free(evs[i].lostwhy);
	}
	free(evs);
}

/*
 * libical 3.0 can take seconds and gigabytes on one huge content line (a
 * fuzzer's finds: a 300 KB line of parameters and commas).  Lines longer
 * than MAX_ICS_LINE, or with more than MAX_PARAMETERS semicolons, carry
 * nothing a session needs (at most an attachment), so they are left out
 * before parsing, folded continuations and all; the count is returned.
 */

static size_t
drop_huge_lines(char *text, size_t *len)
{
	char *r = text, *w = text, *end = text + *len, *e;
	size_t dropped = 0, n;
	int semis;

	while (r < end) {
		/* one logical line: a line and the lines folded onto it */
		e = r;
		semis = 0;
		for (;;) {
			while (e < end && *e != '\n')
				semis += *e++ == ';';
			if (e < end)
				e++;
			if (e >= end || (*e != ' ' && *e != '\t'))
				break;
		}
		n = (size_t)(e - r);
		if (n > MAX_ICS_LINE || semis > MAX_PARAMETERS) {
			/*
			 * A marker in its place says which property was left out,
			 * so that an event that loses one that shapes its billing
			 * is refused rather than billed without it.
			 */
			size_t k = 0;
			char name[64];

			while (k < n && k < sizeof(name) - 1 &&
			    (isalnum((unsigned char)r[k]) || r[k] == '-')) {
				name[k] = r[k];
				k++;
			}
			name[k] = '\0';
			w += sprintf(w, DROPPED ":%s\r\n", k ? name : "?");
			dropped++;
		} else {
			memmove(w, r, n);
			w += n;
		}
		r = e;
	}
	*w = '\0';
	*len = (size_t)(w - text);
	return dropped;
}

/*
 * libical 3.0 prints some parser complaints ("Encountered END before
 * BEGIN") on standard error by itself; what it finds is reported here, in
 * our words, so its own lines are kept off the user's terminal.
 */
static icalcomponent *
parse_quietly(const char *text)
{
	static int null = -1;
	icalcomponent *root;
	int saved;

	/* opened once: a calendar read by UID parses thousands of times */
	if (null < 0 && (null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		null = -1;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	root = icalparser_parse_string(text);
	fflush(stderr);
	if (saved >= 0 && null >= 0)
		dup2(saved, STDERR_FILENO);
	if (saved >= 0)
		close(saved);
	return root;
}

/*
 * A calendar of one VCALENDAR whose events are all its own, each with at
 * most one plain UID, is read one UID at a time: libical parses the
 * calendar without its events (its properties and VTIMEZONEs) once, then
 * each UID's events alone, billed and freed before the next.  Memory then
 * holds one UID's tree, not the file's; the events, their order and what
 * is said of them are those of the whole tree (the same grouping by UID,
 * in the same order).  Anything else is read whole.
 */
struct span {
	size_t		 at, len;	/* the VEVENT's text */
	const char	*uid;		/* into the text; NULL: none */
	size_t		 uidlen;
	size_t		 ord;		/* its place in the file */
};

static int
cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	size_t n = x->uidlen < y->uidlen ? x->uidlen : y->uidlen;
	int c;

	/* without a UID first, as "" sorts */
	if ((x->uid == NULL) != (y->uid == NULL))
		return x->uid == NULL ? -1 : 1;
	if (x->uid != NULL) {
		if ((c = memcmp(x->uid, y->uid, n)) != 0)
			return c;
		if (x->uidlen != y->uidlen)
			return x->uidlen < y->uidlen ? -1 : 1;
	}
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* The VEVENTs of text, when it can be read by UID; else NULL. */
static struct span *
spans_of(const char *text, size_t len, size_t *nspans)
{
	const char *p = text, *end = text + len;
	char stack[MAX_DEPTH][16], *buf = NULL;
	struct span *sp = NULL, *cur = NULL;
	struct icsline cl;
	size_t n = 0, cap = 0, bcap = 0, k;
	int depth = 0, calendars = 0, uids = 0, ok = 1;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (ok && p < end) {
		p = icsline_next(p, end, 0, &cl);
		k = icsline_unfold(&cl, &buf, &bcap);
		if (k == 0) {
			ok = depth == 0 && calendars == 1;	/* blank at the end */
			continue;
		}
		if (depth == 0 && calendars > 0) {
			ok = 0;		/* more after END:VCALENDAR */
			break;
		}
		if (strncasecmp(buf, "BEGIN:", 6) == 0) {
			if (depth >= MAX_DEPTH - 1 || k - 6 >= sizeof(stack[0]) ||
			    (depth == 0 && strcasecmp(buf + 6, "VCALENDAR") != 0) ||
			    (depth != 1 && strcasecmp(buf + 6, "VEVENT") == 0)) {
				ok = 0;
				break;
			}
			if (depth == 1 && strcasecmp(buf + 6, "VEVENT") == 0) {
				if (n == cap) {
					cap = cap ? cap * 2 : 256;
					sp = xreallocarray(sp, cap, sizeof(*sp));
				}
				cur = &sp[n];
				memset(cur, 0, sizeof(*cur));
				cur->at = (size_t)(cl.p - text);
				cur->ord = n++;
				uids = 0;
			}
			memcpy(stack[depth++], buf + 6, k - 6 + 1);
		} else if (strncasecmp(buf, "END:", 4) == 0) {
			if (depth == 0 || strcasecmp(buf + 4, stack[depth - 1]) != 0) {
				ok = 0;
				break;
			}
			if (--depth == 1 && cur != NULL) {
				cur->len = (size_t)(cl.end - text) - cur->at;
				cur = NULL;
			} else if (depth == 0)
				calendars++;
		} else if (depth == 0) {
			ok = 0;		/* a property outside any component */
			break;
		} else if (depth == 2 && cur != NULL &&
		    (strncasecmp(buf, "UID:", 4) == 0 ||
		    strncasecmp(buf, "UID;", 4) == 0)) {
			/* one plain UID, as libical will give it */
			if (++uids > 1 || buf[3] == ';' || k == 4 ||
			    strchr(buf, '\\') != NULL || isspace((unsigned char)
			    buf[4]) || isspace((unsigned char)buf[k - 1])) {
				ok = 0;
				break;
			}
			if (cl.lines > 1) {
				ok = 0;		/* a folded UID: read whole */
				break;
			}
			cur->uid = cl.p + 4;	/* as it stands in the text */
			cur->uidlen = k - 4;
		}
	}
	free(buf);
	if (!ok || depth != 0 || calendars != 1 || n == 0) {
		free(sp);
		return NULL;
	}
	*nspans = n;
	return sp;
}

static void floating_zone(struct reader *, icalcomponent *);

/* Bill one UID's events (the spans of v[0..n)), parsed alone. */
static void
read_group(struct reader *R, const char *text, const struct span *v,
    size_t n, icalcomponent *cal)
{
	static const char head[] = "BEGIN:VCALENDAR\r\n", tail[] =
	    "END:VCALENDAR\r\n";
	struct ev *evs = NULL;
	size_t i, len = sizeof(head) - 1 + sizeof(tail) - 1, at, nev = 0,
	    cap = 0;
	icalcomponent *root;
	char *t;

	for (i = 0; i < n; i++)
		len += v[i].len;
	t = xmalloc(len + 1);
	memcpy(t, head, at = sizeof(head) - 1);
	for (i = 0; i < n; i++) {
		memcpy(t + at, text + v[i].at, v[i].len);
		at += v[i].len;
	}
	memcpy(t + at, tail, sizeof(tail));
	root = parse_quietly(t);
	free(t);
	if (root != NULL && icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT)
		collect(root, &evs, &nev, &cap);
	for (i = 0; i < nev; i++) {
		evs[i].cal = cal;	/* its VTIMEZONEs */
		if (nev == n)
			evs[i].line = R->evlines[v[i].ord];
	}
	bill_events(R, evs, nev);
	if (root)
		icalcomponent_free(root);
}

static int whole_only;		/* ics_read_whole: never by UID */

void
ics_read_whole(int on)
{
	whole_only = on;
}

/* Read text by UID; 0 when it cannot be, with nothing done or said. */
static int
read_by_uid(struct reader *R, const char *text, size_t len)
{
	struct span *sp;
	size_t n, i, j, at, k;
	icalcomponent *root;
	char *skel;

	if (whole_only)
		return 0;

	/* CR line ends: read whole */
	if (icsline_cr_only(text, len) || (sp = spans_of(text, len, &n)) == NULL)
		return 0;
	if (n != R->nevlines) {
		free(sp);
		return 0;
	}
	/* the calendar without its events */
	skel = xmalloc(len + 1);
	for (i = at = k = 0; i < n; i++) {
		memcpy(skel + k, text + at, sp[i].at - at);
		k += sp[i].at - at;
		at = sp[i].at + sp[i].len;
	}
	memcpy(skel + k, text + at, len - at);
	skel[k + len - at] = '\0';
	root = parse_quietly(skel);
	free(skel);
	if (root == NULL || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT ||
	    icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT)) {
		if (root)
			icalcomponent_free(root);
		free(sp);
		return 0;
	}
	tame_vtimezones(R, root);
	floating_zone(R, root);
	if (n > 1)
		qsort(sp, n, sizeof(*sp), cmp_span);
	for (i = 0; i < n; i = j) {
		/*
		 * one UID's events; those without one together, for process()
		 * orders them as the whole file's (each a series of its own)
		 */
		for (j = i + 1; j < n && (sp[i].uid == NULL ? sp[j].uid == NULL :
		    sp[j].uid != NULL && sp[j].uidlen == sp[i].uidlen &&
		    memcmp(sp[j].uid, sp[i].uid, sp[i].uidlen) == 0); j++)
			;
		read_group(R, text, sp + i, j - i, root);
	}
	icalcomponent_free(root);
	free(sp);
	return 1;
}

/* The zone of floating times: --tz, X-WR-TIMEZONE, [ics] timezone, TZ, UTC. */
static void
floating_zone(struct reader *R, icalcomponent *root)
{
	const struct icsopts *o = R->o;
	const char *zname, *wr, *name = R->name;
	icalcomponent *cal;

	zname = o->zone;
	if (zname == NULL) {
		cal = icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT ? root :
		    icalcomponent_get_first_component(root,
		    ICAL_VCALENDAR_COMPONENT);
		wr = NULL;
		if (cal) {
			icalproperty *p;

			for (p = icalcomponent_get_first_property(cal,
			    ICAL_X_PROPERTY); p; p = icalcomponent_get_next_property(
			    cal, ICAL_X_PROPERTY))
				if (strcasecmp(icalproperty_get_x_name(p),
				    "X-WR-TIMEZONE") == 0)
					wr = icalproperty_get_x(p);
		}
		if (wr && !zone_named(wr) && !o->quiet)
			warnmsg("%s: X-WR-TIMEZONE '%.100s' is not a time zone; "
			    "ignored", name, wr);
		if (wr && zone_named(wr))
			zname = wr;
		else if (o->rules->ics_timezone)
			zname = o->rules->ics_timezone;
		else if ((zname = tz_env_name()) == NULL && getenv("TZ") &&
		    !o->quiet)
			warnmsg("%s: TZ names no zone of the database; floating "
			    "times taken in UTC", name);
	}
	if (zname == NULL || *zname == '\0')
		zname = "UTC";
	R->floating_name = xstrdup(zname);
	if ((R->floating = zone_named(zname)) == NULL) {
		warnmsg("%s: unknown time zone '%.100s' for floating times; UTC "
		    "taken", name, zname);
		R->floating = icaltimezone_get_utc_timezone();
	}
}

int
ics_read_file(const char *name, FILE *fp, const struct icsopts *o,
    struct icsrun *run)
{
	struct reader R;
	icalcomponent *root, *cal;
	icalcompiter it;
	struct ev *evs = NULL;
	size_t n = 0, cap = 0, len = 0, bcap = 0, got;
	char *text = NULL;
	size_t dropped;
	int status = 0;

	memset(&R, 0, sizeof(R));
	R.name = name;
	R.o = o;
	R.run = run;
	icalerror_set_errors_are_fatal(0);

	/* the whole file: libical parses strings */
	for (;;) {
		if (len + 1 >= bcap) {
			if (bcap >= (size_t)MAX_ICS_BYTES) {
				warnmsg("%s: larger than %ld MiB", name,
				    MAX_ICS_BYTES >> 20);
				free(text);
				return -1;
			}
			bcap = bcap ? bcap * 2 : 65536;
			text = xreallocarray(text, bcap, 1);
		}
		got = fread(text + len, 1, bcap - len - 1, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		warnmsg("%s: %s", name, strerror(errno ? errno : EIO));
		free(text);
		return -1;
	}
	text[len] = '\0';
	if (memchr(text, '\0', len) != NULL) {
		warnmsg("%s: contains a NUL byte; not an iCalendar file", name);
		free(text);
		return -1;
	}
	{
		/*
		 * Blanks before the first BEGIN would make libical read it as a
		 * folded continuation and lose the calendar: they go (the line
		 * numbers stay).
		 */
		size_t at = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0,
		    k = at;

		while (k < len && (text[k] == ' ' || text[k] == '\t'))
			k++;
		if (k > at) {
			memmove(text + at, text + k, len - k + 1);
			len -= k - at;
		}
	}
	scan_lines(&R, text);
	index_uids(&R);
	if ((dropped = drop_huge_lines(text, &len)) > 0 && !o->quiet)
		warnmsg("%s: %zu line%s longer than 64 KiB or with more than %d "
		    "parameters left out", name, dropped, dropped == 1 ? "" : "s",
		    MAX_PARAMETERS);
	if (o->rules->ics_summary_pattern &&
	    regcomp(&R.pattern, o->rules->ics_summary_pattern, REG_EXTENDED) == 0)
		R.has_pattern = 1;
	if (read_by_uid(&R, text, len)) {
		root = NULL;
		goto done;
	}
	root = parse_quietly(text);
	if (root == NULL || (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT &&
	    icalcomponent_isa(root) != ICAL_XROOT_COMPONENT)) {
		warnmsg("%s: not an iCalendar file (empty, truncated, or no "
		    "BEGIN:VCALENDAR ... END:VCALENDAR)", name);
		if (root)
			icalcomponent_free(root);
		free(text);
		free_lines(&R);
		if (R.has_pattern)
			regfree(&R.pattern);
		return -1;
	}

	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		tame_vtimezones(&R, root);
		collect(root, &evs, &n, &cap);
	} else {
		/* a VTIMEZONE outside any VCALENDAR serves bare events too */
		tame_vtimezones(&R, root);
		/*
		 * Several calendars, in the order of the file; a VEVENT outside
		 * any VCALENDAR (a bare event list, an event after END:VCALENDAR)
		 * is read as if inside one, and said so, never left out.
		 */
		for (it = icalcomponent_begin_component(root, ICAL_ANY_COMPONENT);
		    (cal = icalcompiter_deref(&it)); icalcompiter_next(&it)) {
			if (icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT) {
				tame_vtimezones(&R, cal);
				collect(cal, &evs, &n, &cap);
			} else if (icalcomponent_isa(cal) == ICAL_VEVENT_COMPONENT) {
				add_event(cal, root, &evs, &n, &cap);
				run->bare++;
			}
		}
	}

	floating_zone(&R, root);

	bill_events(&R, evs, n);
	icalcomponent_free(root);
done:
	recur_forget();		/* its zones go with it */
	free(text);
	if (R.has_pattern)
		regfree(&R.pattern);
	free_lines(&R);
	free(R.floating_name);
	return status;
}

static int
cmp_occ(const void *a, const void *b)
{
	const struct ics_occurrence *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

void
ics_write_occurrences(struct icsrun *run, enum format f, FILE *fp)
{
	char sep = f == FMT_TSV ? '\t' : ',', t[32];
	size_t i;

	if (run->nocc > 1)
		qsort(run->occ, run->nocc, sizeof(*run->occ), cmp_occ);
	if (f == FMT_JSON) {
		json_t *all = json_array(), *o;

		for (i = 0; i < run->nocc; i++) {
			o = json_object();
			json_object_set_new(o, "uid", output_json_string(run->occ[i].uid));
			json_object_set_new(o, "start", json_string(
			    date_utc_text(run->occ[i].start, t)));
			json_object_set_new(o, "minutes",
			    json_integer(run->occ[i].minutes));
			json_object_set_new(o, "code",
			    output_json_string(run->occ[i].code));
			json_object_set_new(o, "patient",
			    output_json_string(run->occ[i].patient));
			json_array_append_new(all, o);
		}
		json_dumpf(all, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		    JSON_ENSURE_ASCII);
		fputc('\n', fp);
		json_decref(all);
		return;
	}
	fprintf(fp, "uid%cstart%cminutes%ccode%cpatient\n", sep, sep, sep, sep);
	for (i = 0; i < run->nocc; i++) {
		date_utc_text(run->occ[i].start, t);
		output_field(fp, run->occ[i].uid, f);
		fprintf(fp, "%c%s%c%ld%c", sep, t, sep, run->occ[i].minutes, sep);
		output_field(fp, run->occ[i].code, f);
		fputc(sep, fp);
		output_field(fp, run->occ[i].patient, f);
		fputc('\n', fp);
	}
}

void
icsrun_free(struct icsrun *run)
{
	size_t i;

	for (i = 0; i < run->nocc; i++) {
		free(run->occ[i].uid);
		free(run->occ[i].code);
		free(run->occ[i].patient);
	}
	free(run->occ);
	run->occ = NULL;
	run->nocc = run->capocc = 0;
	for (i = 0; i < run->nbilled; i++)
		free(run->billed[i].payer);
	free(run->billed);
	run->billed = NULL;
	run->nbilled = run->capbilled = 0;
}

int
ics_sniff(const char *p)
{
	if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return strncasecmp(p, "BEGIN:VCALENDAR", 15) == 0 ||
	    strncasecmp(p, "BEGIN:VEVENT", 12) == 0;
}
