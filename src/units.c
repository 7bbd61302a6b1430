/*
 * units: minutes -> units.  SPEC §2 and research/domain.md §2.2 give the
 * formulas; every threshold is an explicit minute count, never "round half
 * up" on a float, because the ">" versus ">=" at the mid-point is exactly
 * where payers differ.
 */
#include <stddef.h>

#include "units.h"

int
units_threshold(enum rule_mode mode, int u)
{
	switch (mode) {
	case MODE_MIDPOINT:	/* CPT: "attained when the mid-point is passed" */
		return u / 2 + 1;
	case MODE_HALF:		/* NextGen's "Up at": the mid-point itself */
		return (u + 1) / 2;
	case MODE_FULL:
		return u;
	case MODE_ANY:
		return 1;
	case MODE_THRESHOLD:
		break;
	}
	return u;
}

/* Units of a code billed "each u minutes": first at t0, each further at t1. */
static long
each_units(long t, int u, int t0, int t1)
{
	if (t < t0)
		return 0;
	if (t < u)
		return 1;
	return t / u + (t % u >= t1);
}

/* Units of code index i (0 or 1) before any cap. */
static long
units_raw(const struct rule *r, long t, int i)
{
	long extra;
	size_t k;

	if (t < 0)
		t = 0;
	switch (r->kind) {
	case KIND_ADDITIONAL:
		if (t < r->threshold[0])
			return 0;
		if (i == 0)
			return 1;
		extra = t - r->minutes[0];
		if (extra <= 0)
			return 0;
		return extra / r->minutes[1] +
		    (extra % r->minutes[1] >= r->threshold[1]);
	case KIND_EACH:
		return i == 0 ?
		    each_units(t, r->minutes[0], r->threshold[0], r->threshold[1]) : 0;
	case KIND_RANGE:
		/* the single code is reported through units_compute */
		for (k = 0; k < r->nranges; k++)
			if (t >= r->ranges[k].from && t <= r->ranges[k].to)
				return i == 0;
		return 0;
	case KIND_UNTIMED:
	case KIND_ADDON:
		return i == 0;
	}
	return 0;
}

long
units_nth(const struct rule *r, int i, long n)
{
	switch (r->kind) {
	case KIND_ADDITIONAL:
		if (i == 0)
			return n == 1 ? r->threshold[0] : -1;
		return r->minutes[0] + (n - 1) * r->minutes[1] + r->threshold[1];
	case KIND_EACH:
		if (n == 1)
			return r->threshold[0];
		return (n - 1) * r->minutes[0] + r->threshold[1];
	default:
		return -1;
	}
}

static void
add_code(struct units_result *out, const struct rule *r, const char *code,
    long units, int limit)
{
	struct units_code *c;

	if (units <= 0)
		return;
	c = &out->codes[out->ncodes++];
	c->code = code;
	c->units = units > 0x7fffffff ? 0x7fffffff : (int)units;
	c->over = 0;
	if (limit > 0 && c->units > limit) {
		c->over = c->units - limit;
		if (r->mue == MUE_CAP)
			c->units = limit;
	}
}

void
units_compute(const struct rule *r, long t, int sessions,
    struct units_result *out)
{
	long n, at, best;
	size_t k;
	int i;

	out->ncodes = 0;
	out->next = -1;
	if (t < 0)
		t = 0;

	switch (r->kind) {
	case KIND_RANGE:
		for (k = 0; k < r->nranges; k++)
			if (t >= r->ranges[k].from && t <= r->ranges[k].to)
				break;
		if (k < r->nranges)
			add_code(out, r, r->ranges[k].code, 1, r->limit[0]);
		/* the next range up, if any, is the next thing to earn */
		for (k = 0; k < r->nranges; k++)
			if (r->ranges[k].from > t) {
				out->next = (int)(r->ranges[k].from - t);
				break;
			}
		return;
	case KIND_UNTIMED:
	case KIND_ADDON:
		add_code(out, r, r->code[0], sessions > 0 ? sessions : 0,
		    r->limit[0]);
		return;
	case KIND_ADDITIONAL:
	case KIND_EACH:
		break;
	}

	best = -1;
	for (i = 0; i < (r->kind == KIND_ADDITIONAL ? 2 : 1); i++) {
		n = units_raw(r, t, i);
		add_code(out, r, r->code[i], n, r->limit[i]);
		/* a capped code earns nothing more */
		if (r->mue == MUE_CAP && r->limit[i] > 0 && n >= r->limit[i])
			continue;
		at = units_nth(r, i, n + 1);
		if (at > t && (best < 0 || at - t < best))
			best = at - t;
	}
	out->next = best > 0x7fffffff ? -1 : (int)best;
}
