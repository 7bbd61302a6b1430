/*
 * commands: what each command of the command line does, given parsed
 * options and loaded rules.  Each returns an exit status (SPEC §4).
 */
#ifndef CPTUNITS_COMMANDS_H
#define CPTUNITS_COMMANDS_H

#include "output.h"
#include "rules.h"

/* The exit statuses of SPEC §4, documented in the manual's EXIT STATUS. */
enum exitcode {
	EXIT_ALL_ACCEPTED = 0,
	EXIT_REJECTED = 1,	/* output produced, some records rejected */
	EXIT_USAGE = 2,		/* usage or rules error */
	EXIT_IO = 3		/* a file could not be read or written */
};

struct options {
	const char	*config;	/* -c */
	const char	*payer;		/* -p */
	enum format	 format;	/* -f, or the default */
	const char	*output;	/* -o */
	const char	*tz;		/* --tz */
	int		 date;		/* --date, day number; default today */
	int		 technicians;	/* --technicians; -1 not given */
	int		 participants;	/* --participants; -1 not given */
	int		 from, to;	/* --from, --to: from <= date < to */
	int		 by_session;	/* --by session */
	const char	*rejects;	/* --rejects FILE */
	int		 check;		/* rules --check */
	int		 occurrences;	/* ics --occurrences */
	const char	*patient;	/* ics --patient */
	int		 delim;		/* log --delimiter; 0: sniffed */
	int		 encoding;	/* log --encoding: 1 windows-1252, 0 utf-8,
					   -1 not given */
	const char	*summary_pattern;	/* ics --summary-pattern */
	int		 strict;	/* --strict */
	int		 quiet;		/* -q */
	int		 annotate;	/* ics --annotate */
	const char	*listen;	/* serve --listen */
	size_t		 max_upload;	/* serve --max-upload; 0: default */
	int		 format_given;	/* -f was given */
	int		 since;		/* auth --since; DATE_OPEN_START: not
					   given */
};

int	cmd_calc(const struct options *, const struct rules *, int, char **);
int	cmd_table(const struct options *, const struct rules *, int, char **);
int	cmd_log(const struct options *, const struct rules *, int, char **);
int	cmd_ics(const struct options *, const struct rules *, int, char **);
int	cmd_auth(const struct options *, const struct rules *, int, char **);
int	cmd_serve(const struct options *, const struct rules *, int, char **);
int	cmd_rules(const struct options *, const struct rules *, int, char **);

#endif
