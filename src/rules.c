/*
 * rules: queries on loaded rules, their resolution for one payer into the
 * plain numbers of the units engine, and printing them back as a rules
 * file.  Lookups are linear: a rules file holds tens of families.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "rules.h"
#include "strutil.h"

const char *const rules_column_names[COL_COUNT] = {
	"patient", "date", "start", "end", "minutes", "code", "technicians",
	"participants", "payer", "provider", "encounter", "status", "modifiers",
	"units"
};

const char *const rules_ics_names[ICS_COUNT] = {
	"code", "patient", "technicians", "payer", "provider"
};

static const char *const kind_names[] = {
	"additional", "each", "range", "untimed", "addon"
};
static const char *const mode_names[] = {
	"midpoint", "half", "full", "any", "threshold"
};

const char *
rules_kind_name(enum rule_kind k)
{
	return kind_names[k];
}

const char *
rules_mode_name(enum rule_mode m)
{
	return mode_names[m];
}

static void
round_free(struct rules_round *r)
{
	size_t i;

	for (i = 0; i < r->nlimits; i++)
		free(r->limits[i].code);
	free(r->limits);
}

void
rules_free(struct rules *r)
{
	struct rules_family *f;
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfamilies; i++) {
		f = &r->families[i];
		free(f->name);
		free(f->code[0]);
		free(f->code[1]);
		for (j = 0; j < f->nranges; j++)
			free((char *)f->ranges[j].code);
		free(f->ranges);
		for (j = 0; j < f->nrequires; j++)
			free(f->requires[j]);
		free(f->requires);
		round_free(&f->round);
		free(f->description);
	}
	free(r->families);
	for (i = 0; i < r->npayers; i++) {
		free(r->payers[i].name);
		free(r->payers[i].family);
		round_free(&r->payers[i].round);
	}
	free(r->payers);
	free(r->log_timezone);
	str_freev(r->skip_status, r->nskip_status);
	for (i = 0; i < COL_COUNT; i++) {
		for (j = 0; j < r->ncolumns[i]; j++)
			free(r->columns[i][j]);
		free(r->columns[i]);
	}
	for (i = 0; i < ICS_COUNT; i++) {
		for (j = 0; j < r->nics[i]; j++)
			free(r->ics[i][j]);
		free(r->ics[i]);
	}
	free(r->ics_summary_pattern);
	free(r->ics_timezone);
	free(r->path);
	free(r);
}

const char *
rules_family_label(const struct rules_family *f)
{
	if (f->kind == KIND_RANGE && f->nranges > 0)
		return f->ranges[0].code;
	return f->code[0] ? f->code[0] : f->name;
}

int
rules_family_has(const struct rules_family *f, const char *code)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (f->code[i] && strcasecmp(f->code[i], code) == 0)
			return 1;
	for (i = 0; i < f->nranges; i++)
		if (strcasecmp(f->ranges[i].code, code) == 0)
			return 1;
	return 0;
}

const struct rules_family *
rules_family_for(const struct rules *r, const char *code, int day,
    const struct rules_family **elsewhere)
{
	const struct rules_family *f;
	size_t i;

	if (elsewhere)
		*elsewhere = NULL;
	for (i = 0; i < r->nfamilies; i++) {
		f = &r->families[i];
		if (!rules_family_has(f, code))
			continue;
		if (day >= f->from && day <= f->to)
			return f;
		/* report the family nearest in time: the latest one before */
		if (elsewhere && (*elsewhere == NULL || f->from > (*elsewhere)->from))
			*elsewhere = f;
	}
	return NULL;
}

const char *
rules_code_spelling(const struct rules *r, const char *code)
{
	const struct rules_family *f;
	size_t i, j;

	for (i = 0; i < r->nfamilies; i++) {
		f = &r->families[i];
		for (j = 0; j < 2; j++)
			if (f->code[j] && strcasecmp(f->code[j], code) == 0)
				return f->code[j];
		for (j = 0; j < f->nranges; j++)
			if (strcasecmp(f->ranges[j].code, code) == 0)
				return f->ranges[j].code;
	}
	return code;
}

static const struct rules_payer *
find_payer(const struct rules *r, const char *payer, const char *family)
{
	const struct rules_payer *p;
	size_t i;

	if (payer == NULL || *payer == '\0')
		return NULL;
	for (i = 0; i < r->npayers; i++) {
		p = &r->payers[i];
		if (strcasecmp(p->name, payer) != 0)
			continue;
		if (family == NULL ? p->family == NULL :
		    p->family != NULL && strcasecmp(p->family, family) == 0)
			return p;
	}
	return NULL;
}

static int
limit_for(const struct rules_round *rr, const char *code)
{
	size_t i;
	int all = 0;

	if (code == NULL)
		return 0;
	for (i = 0; i < rr->nlimits; i++) {
		if (rr->limits[i].code == NULL)
			all = rr->limits[i].units;
		else if (strcasecmp(rr->limits[i].code, code) == 0)
			return rr->limits[i].units;
	}
	return all;
}

/* First set value of a, b, c, else d. */
static int
first_set(int a, int b, int c, int d)
{
	if (a != UNSET)
		return a;
	if (b != UNSET)
		return b;
	if (c != UNSET)
		return c;
	return d;
}

void
rules_resolve(const struct rules *r, const struct rules_family *f,
    const char *payer, struct rule *out)
{
	const struct rules_payer *pa, *pf;
	const struct rules_round *lim;
	int mode, bt, at, i;

	pa = find_payer(r, payer, NULL);
	pf = find_payer(r, payer, f->name);

	memset(out, 0, sizeof(*out));
	out->kind = f->kind;
	for (i = 0; i < 2; i++) {
		out->code[i] = f->code[i];
		out->minutes[i] = f->minutes[i];
	}
	out->ranges = f->ranges;
	out->nranges = f->nranges;

	/* the most specific setting wins: payer and family, payer, family, file */
	mode = first_set(pf ? pf->round.mode : UNSET, pa ? pa->round.mode : UNSET,
	    f->round.mode, r->mode);
	bt = first_set(pf ? pf->round.base_threshold : UNSET,
	    f->round.base_threshold, UNSET, UNSET);
	at = first_set(pf ? pf->round.addon_threshold : UNSET,
	    f->round.addon_threshold, UNSET, UNSET);
	if (mode == MODE_THRESHOLD && bt == UNSET)
		mode = MODE_MIDPOINT;	/* refused at load; never reached */
	out->mode = mode;
	if (mode == MODE_THRESHOLD) {
		out->threshold[0] = bt;
		if (f->kind == KIND_ADDITIONAL)
			out->threshold[1] = at != UNSET ? at :
			    units_threshold(MODE_MIDPOINT, f->minutes[1]);
		else
			out->threshold[1] = at != UNSET ? at : bt;
	} else {
		out->threshold[0] = units_threshold(mode, f->minutes[0]);
		out->threshold[1] = units_threshold(mode,
		    f->kind == KIND_ADDITIONAL ? f->minutes[1] : f->minutes[0]);
	}

	lim = pf && pf->round.limits_set ? &pf->round : &f->round;
	for (i = 0; i < 2; i++)
		out->limit[i] = limit_for(lim, f->kind == KIND_RANGE ? NULL :
		    f->code[i]);
	out->mue = first_set(pa ? pa->mue : UNSET, r->mue, UNSET, MUE_WARN);
}

enum pool_by
rules_pool_by(const struct rules *r, const struct rules_family *f)
{
	return f->pool_by != UNSET ? (enum pool_by)f->pool_by :
	    (enum pool_by)r->pool_by;
}

enum aggregate
rules_aggregate(const struct rules *r, const char *payer)
{
	const struct rules_payer *p = find_payer(r, payer, NULL);

	if (p && p->aggregate != UNSET)
		return p->aggregate;
	return r->aggregate;
}

/*
 * Values are quoted when iniparser would otherwise cut them: at a comment
 * character, or at blanks on either end.
 */
static void
print_value(FILE *fp, const char *key, const char *v)
{
	size_t n = strlen(v);
	int cut = strpbrk(v, ";#") != NULL || (n > 0 && (v[0] == ' ' ||
	    v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t'));

	if (cut && strchr(v, '"') == NULL)
		fprintf(fp, "%s = \"%s\"\n", key, v);
	else
		fprintf(fp, "%s = %s\n", key, v);
}

static void
print_list(FILE *fp, const char *key, char **v, size_t n)
{
	size_t i;

	fprintf(fp, "%s = ", key);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%s", i ? ", " : "", v[i]);
	fputc('\n', fp);
}

static void
print_round(FILE *fp, const struct rules_round *rr)
{
	size_t i;

	if (rr->mode != UNSET)
		fprintf(fp, "mode = %s\n", mode_names[rr->mode]);
	if (rr->base_threshold != UNSET)
		fprintf(fp, "base_threshold = %d\n", rr->base_threshold);
	if (rr->addon_threshold != UNSET)
		fprintf(fp, "addon_threshold = %d\n", rr->addon_threshold);
	if (rr->limits_set) {
		fputs("max_units_per_day = ", fp);
		for (i = 0; i < rr->nlimits; i++) {
			if (rr->limits[i].code)
				fprintf(fp, "%s%s %d", i ? ", " : "",
				    rr->limits[i].code, rr->limits[i].units);
			else
				fprintf(fp, "%s%d", i ? ", " : "",
				    rr->limits[i].units);
		}
		fputc('\n', fp);
	}
}

static void
print_family(FILE *fp, const struct rules_family *f)
{
	char d1[DATE_BUFSZ], d2[DATE_BUFSZ];
	size_t i;

	fprintf(fp, "\n[family %s]\n", f->name);
	fprintf(fp, "kind = %s\n", kind_names[f->kind]);
	switch (f->kind) {
	case KIND_ADDITIONAL:
		fprintf(fp, "base = %s %d\n", f->code[0], f->minutes[0]);
		fprintf(fp, "addon = %s %d\n", f->code[1], f->minutes[1]);
		break;
	case KIND_EACH:
		fprintf(fp, "unit = %s %d\n", f->code[0], f->minutes[0]);
		break;
	case KIND_RANGE:
		fputs("ranges = ", fp);
		for (i = 0; i < f->nranges; i++) {
			fprintf(fp, "%s%s %d-", i ? ", " : "", f->ranges[i].code,
			    f->ranges[i].from);
			if (f->ranges[i].to != RANGE_OPEN)
				fprintf(fp, "%d", f->ranges[i].to);
		}
		fputc('\n', fp);
		break;
	case KIND_UNTIMED:
	case KIND_ADDON:
		fprintf(fp, "unit = %s\n", f->code[0]);
		break;
	}
	if (f->nrequires)
		print_list(fp, "requires", f->requires, f->nrequires);
	if (f->from != DATE_OPEN_START || f->to != DATE_OPEN_END) {
		fprintf(fp, "effective = %s", f->from == DATE_OPEN_START ?
		    "1900-01-01" : date_format(f->from, d1));
		if (f->to != DATE_OPEN_END)
			fprintf(fp, " %s", date_format(f->to, d2));
		fputc('\n', fp);
	}
	print_round(fp, &f->round);
	if (f->min_technicians)
		fprintf(fp, "min_technicians = %d\n", f->min_technicians);
	if (f->pool_by != UNSET)
		fprintf(fp, "pool_by = %s\n", f->pool_by == POOL_PATIENT ?
		    "patient" : "provider");
	if (f->max_participants)
		fprintf(fp, "max_participants = %d\n", f->max_participants);
	if (f->description)
		print_value(fp, "description", f->description);
}

void
rules_print(const struct rules *r, FILE *fp)
{
	const struct rules_payer *p;
	const char *q;
	size_t i;

	fputs("# cptunits rules, as printed by \"cptunits rules\".\n", fp);
	fputs("\n[rounding]\n", fp);
	fprintf(fp, "mode = %s\n", mode_names[r->mode]);
	fprintf(fp, "aggregate = %s\n", r->aggregate == AGG_DAY ? "day" : "session");
	fprintf(fp, "mue = %s\n", r->mue == MUE_WARN ? "warn" : "cap");
	fprintf(fp, "pool_by = %s\n", r->pool_by == POOL_PATIENT ? "patient" :
	    "provider");
	for (i = 0; i < r->nfamilies; i++)
		print_family(fp, &r->families[i]);
	for (i = 0; i < r->npayers; i++) {
		p = &r->payers[i];
		/* a name with blanks is quoted, as it was written */
		q = strpbrk(p->name, " \t") ? "\"" : "";
		if (p->family)
			fprintf(fp, "\n[payer %s%s%s %s]\n", q, p->name, q,
			    p->family);
		else
			fprintf(fp, "\n[payer %s%s%s]\n", q, p->name, q);
		if (p->aggregate != UNSET)
			fprintf(fp, "aggregate = %s\n",
			    p->aggregate == AGG_DAY ? "day" : "session");
		if (p->mue != UNSET)
			fprintf(fp, "mue = %s\n", p->mue == MUE_WARN ? "warn" : "cap");
		print_round(fp, &p->round);
	}
	fputs("\n[log]\n", fp);
	if (r->log_timezone)
		fprintf(fp, "timezone = %s\n", r->log_timezone);
	fprintf(fp, "date_order = %s\n", r->date_order == ORDER_MDY ? "mdy" : "dmy");
	fprintf(fp, "max_session_minutes = %d\n", r->max_session_minutes);
	print_list(fp, "skip_status", r->skip_status, r->nskip_status);
	fprintf(fp, "encoding = %s\n", r->log_cp1252 ? "windows-1252" : "utf-8");
	fputs("\n[columns]\n", fp);
	for (i = 0; i < COL_COUNT; i++)
		if (r->ncolumns[i])
			print_list(fp, rules_column_names[i], r->columns[i],
			    r->ncolumns[i]);
	fputs("\n[ics]\n", fp);
	for (i = 0; i < ICS_COUNT; i++)
		if (r->nics[i])
			print_list(fp, rules_ics_names[i], r->ics[i], r->nics[i]);
	if (r->ics_summary_pattern)
		print_value(fp, "summary_pattern", r->ics_summary_pattern);
	if (r->ics_timezone)
		fprintf(fp, "timezone = %s\n", r->ics_timezone);
	fprintf(fp, "horizon_days = %d\n", r->ics_horizon_days);
	fprintf(fp, "\n[auth]\nweek_start = %s\n",
	    r->auth_week_start ? "monday" : "sunday");
}

char *
rules_why_not(const struct rules *r, const char *code, int day,
    const struct rules_family **fam)
{
	const struct rules_family *other;
	char d[DATE_BUFSZ], d1[DATE_BUFSZ], d2[DATE_BUFSZ];

	*fam = rules_family_for(r, code, day, &other);
	if (*fam)
		return NULL;
	/* an unknown code is shown as other fields are: 40 characters at most */
	if (other == NULL && strlen(code) > 40)
		return xasprintf("code %.37s... is not in the rules", code);
	if (other == NULL)
		return xasprintf("code %s is not in the rules", code);
	if (other->to == DATE_OPEN_END)
		return xasprintf("code %s is not in force on %s; family %s starts "
		    "on %s", rules_code_spelling(r, code), date_format(day, d),
		    other->name, date_format(other->from, d1));
	return xasprintf("code %s is not in force on %s; family %s was in force "
	    "from %s to %s", rules_code_spelling(r, code), date_format(day, d),
	    other->name, other->from == DATE_OPEN_START ? "the start" :
	    date_format(other->from, d1), date_format(other->to, d2));
}
