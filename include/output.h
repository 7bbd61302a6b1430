/*
 * output: the writers.  csv and tsv are the stable machine interface
 * (SPEC §4), json carries everything, table is for people.  Writers never
 * look at rules: they print a report or a table of steps as given.
 */
#ifndef CPTUNITS_OUTPUT_H
#define CPTUNITS_OUTPUT_H

#include <stdio.h>

#include <jansson.h>

#include "auth.h"
#include "report.h"

/* FMT_XLSX is a workbook (xlsx.h), never written to a stream. */
enum format { FMT_TABLE, FMT_CSV, FMT_TSV, FMT_JSON, FMT_XLSX };

/* 0 and *out for "table", "csv", "tsv", "json" or "xlsx"; -1 otherwise. */
int	output_format_parse(const char *, enum format *);
void	output_report(const struct report *, enum format, FILE *);
/* A JSON string; bytes that are not UTF-8 are shown as '?', not dropped. */
json_t	*output_json_string(const char *);
/* One field: RFC 4180 quoting for csv, blanks for tabs and newlines in tsv. */
void	output_field(FILE *, const char *, enum format);
/* The same for n bytes, which may hold NUL bytes (a row as read). */
void	output_field_n(FILE *, const char *, size_t n, enum format);

/* One row of `cptunits table`: from `minutes` on, `code` bills `units`. */
struct output_step {
	const char	*code;
	int		 units;
	long		 minutes;
};

struct output_steps {
	const char		*family;	/* label */
	const char		*name;		/* the family's section name */
	const char		*kind;
	const char		*description;	/* may be NULL */
	const char		*shape;		/* "0373T first 60 minutes + ..." */
	const char		*rounding;	/* "midpoint (...)" or NULL */
	const char		*checks;	/* "at least 2 technicians" or NULL */
	int			 from, to;	/* effective dates */
	const struct output_step *steps;
	size_t			 nsteps;
};

/*
 * `cptunits auth`: a row per authorization and period; reps are the
 * authorizations', the logs' and the calendars' reports (rejects, notes).
 */
void	output_auth(const struct authset *, const struct report *const reps[3],
	    enum format, FILE *);

void	output_steps(const struct output_steps *, enum format, FILE *);

#endif
