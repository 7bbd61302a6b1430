/*
 * cli: options, help, loading the rules, and handing over to a command.
 * Options may come before or after the command (GNU getopt permutes).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "date.h"
#include "diag.h"
#include "rulesload.h"
#include "strutil.h"
#include "tz.h"

#ifndef CPTUNITS_VERSION
#define CPTUNITS_VERSION "0"
#endif

enum {
	OPT_DATE = 256, OPT_TECHNICIANS, OPT_PARTICIPANTS, OPT_CHECK,
	OPT_STRICT, OPT_TZ, OPT_VERSION, OPT_FROM, OPT_TO, OPT_BY, OPT_REJECTS, OPT_OCCURRENCES,
	OPT_PATIENT, OPT_SUMMARY_PATTERN, OPT_DELIMITER, OPT_ENCODING, OPT_SINCE,
	OPT_ANNOTATE, OPT_LISTEN, OPT_MAX_UPLOAD
};

const struct cli_option cli_options[] = {
	{ "config", 'c', 'c', "FILE", "all", "read the rules from FILE" },
	{ "payer", 'p', 'p', "NAME", "all", "bill by the rules of payer NAME" },
	{ "format", 'f', 'f', "FORMAT", "all",
	  "table, csv, tsv, json, or xlsx with -o (default: table on a\n"
	  "                               terminal, else csv)" },
	{ "output", 'o', 'o', "FILE", "all",
	  "write to FILE, replaced only when the output is complete" },
	{ "from", 0, OPT_FROM, "DATE", "log ics auth",
	  "only dates of service on or after DATE" },
	{ "to", 0, OPT_TO, "DATE", "log ics auth",
	  "only dates of service before DATE" },
	{ "since", 0, OPT_SINCE, "DATE", "auth",
	  "calendars' units count from DATE (default: the day after the\n"
	  "                               logs' last date of service, else today)" },
	{ "by", 0, OPT_BY, "day|session", "log ics",
	  "pool minutes per patient-day (day) or round each session alone" },
	{ "rejects", 0, OPT_REJECTS, "FILE", "log",
	  "write rejected rows to FILE, with a reason column, to fix and re-run" },
	{ "occurrences", 0, OPT_OCCURRENCES, NULL, "ics",
	  "list each occurrence (uid,start,minutes,code,patient) instead" },
	{ "annotate", 0, OPT_ANNOTATE, NULL, "ics",
	  "write the calendar back with X-CPT-UNITS and a DESCRIPTION line\n"
	  "                               on each billable event (to -o FILE)" },
	{ "encoding", 0, OPT_ENCODING, "ENC", "log auth",
	  "utf-8 (default) or windows-1252, the logs' text" },
	{ "delimiter", 0, OPT_DELIMITER, ",|;|tab", "log auth",
	  "the logs' separator (default: sniffed from the header)" },
	{ "patient", 0, OPT_PATIENT, "ID", "ics auth",
	  "every event of the calendar is patient ID's" },
	{ "summary-pattern", 0, OPT_SUMMARY_PATTERN, "REGEX", "ics auth",
	  "the patient is REGEX's one group in SUMMARY" },
	{ "listen", 0, OPT_LISTEN, "ADDR:PORT", "serve",
	  "serve on ADDR:PORT (default 127.0.0.1:8631, this machine only)" },
	{ "max-upload", 0, OPT_MAX_UPLOAD, "BYTES", "serve",
	  "refuse larger files (default 67108864, 64 MiB)" },
	{ "date", 0, OPT_DATE, "DATE", "calc table",
	  "the date of service whose rules apply (default: today)" },
	{ "technicians", 0, OPT_TECHNICIANS, "N", "calc", "technicians present, for min_technicians" },
	{ "participants", 0, OPT_PARTICIPANTS, "N", "calc", "participants, for max_participants" },
	{ "tz", 0, OPT_TZ, "ZONE", "all",
	  "the zone of local times in logs, and of today's date" },
	{ "check", 0, OPT_CHECK, NULL, "rules", "check the rules (or FILE) and say so" },
	{ "strict", 0, OPT_STRICT, NULL, "calc log ics auth",
	  "write nothing when a record is rejected" },
	{ "quiet", 'q', 'q', NULL, "all", "no warnings or notes on standard error\n"
	  "                               (rejected records are still reported)" },
	{ "help", 'h', 'h', NULL, "all", "print this help and exit" },
	{ "version", 0, OPT_VERSION, NULL, "all", "print the version and exit" },
	{ NULL, 0, 0, NULL, NULL, NULL }
};

static void
usage(FILE *fp)
{
	fputs("usage: cptunits [options] log FILE...\n"
	    "       cptunits [options] ics FILE...\n"
	    "       cptunits [options] calc MINUTES CODE\n"
	    "       cptunits [options] auth AUTHS FILE...\n"
	    "       cptunits [options] table CODE\n"
	    "       cptunits [options] serve [--listen ADDR:PORT]\n"
	    "       cptunits [options] rules [--check [FILE]]\n", fp);
}

static void
help(void)
{
	const struct cli_option *o;
	char left[48];

	usage(stdout);
	fputs("\nTurns technician face-to-face minutes into billable CPT units.\n"
	    "\ncommands:\n"
	    "  log FILE...         units per patient, date of service and code from\n"
	    "                      session-log CSVs ('-' for standard input)\n"
	    "  ics FILE...         the same from iCalendar files, before the\n"
	    "                      sessions happen\n"
	    "  auth AUTHS FILE...  authorized units against those billed in logs\n"
	    "                      and scheduled in calendars, per period\n"
	    "  calc MINUTES CODE   units for one pool of minutes of CODE\n"
	    "  table CODE          what CODE is, and the minutes at which each\n"
	    "                      unit count starts\n"
	    "  rules               print the rules in force as a rules file\n"
	    "  serve               the page for clinic staff, in a browser on\n"
	    "                      this machine (http://127.0.0.1:8631/)\n"
	    "\noptions:\n", stdout);
	for (o = cli_options; o->name; o++) {
		if (o->letter)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->letter,
			    o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-28s %s\n", left, o->help);
	}
	fputs("\nexit status: 0 all accepted, 1 some records rejected, "
	    "2 usage or rules error,\n3 a file could not be read or written. "
	    "See cptunits(1).\n", stdout);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("cptunits: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	return EXIT_USAGE;
}

/* Is cmd among the commands of the option ("all", or a list of words)? */
static int
applies(const struct cli_option *o, const char *cmd)
{
	const char *p = o->commands;
	size_t n = strlen(cmd);

	if (strcmp(p, "all") == 0)
		return 1;
	while ((p = strstr(p, cmd)) != NULL) {
		if ((p == o->commands || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

static int
whole(const char *flag, const char *s, long long max, int *out)
{
	long long v;
	const char *why;

	if (str_toint(s, 0, max, &v, &why) != 0) {
		fprintf(stderr, "cptunits: --%s: '%s' is %s\n", flag, s,
		    strcmp(why, "not a whole number") == 0 ? "not a whole number" :
		    why);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int
cli_main(int argc, char **argv)
{
	struct option longopts[32];
	char shortopts[32], *p = shortopts, *path = NULL;
	const struct cli_option *o;
	const char *format = NULL, *date = NULL, *from = NULL, *to = NULL, *cmd;
	const char *since = NULL;
	struct options opt;
	struct rules *rules = NULL;
	struct diag errs = { 0 };
	unsigned char seen[32] = { 0 };
	int c, n = 0, rc;

	memset(&opt, 0, sizeof(opt));
	opt.technicians = opt.participants = opt.encoding = -1;
	*p++ = ':';	/* report missing values ourselves */
	for (o = cli_options; o->name; o++, n++) {
		longopts[n].name = o->name;
		longopts[n].has_arg = o->arg ? required_argument : no_argument;
		longopts[n].flag = NULL;
		longopts[n].val = o->id;
		if (o->letter) {
			*p++ = (char)o->letter;
			if (o->arg)
				*p++ = ':';
		}
	}
	*p = '\0';
	memset(&longopts[n], 0, sizeof(longopts[n]));

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		for (n = 0; cli_options[n].name; n++)
			if (cli_options[n].id == c && n < (int)sizeof(seen))
				seen[n] = 1;
		switch (c) {
		case 'c':
			opt.config = optarg;
			break;
		case 'p':
			opt.payer = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'o':
			opt.output = optarg;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'h':
			help();
			return 0;
		case OPT_VERSION:
			printf("cptunits %s\n", CPTUNITS_VERSION);
			return 0;
		case OPT_DATE:
			date = optarg;
			break;
		case OPT_TECHNICIANS:
			if (whole("technicians", optarg, 100, &opt.technicians))
				return EXIT_USAGE;
			break;
		case OPT_PARTICIPANTS:
			if (whole("participants", optarg, 1000, &opt.participants))
				return EXIT_USAGE;
			break;
		case OPT_CHECK:
			opt.check = 1;
			break;
		case OPT_STRICT:
			opt.strict = 1;
			break;
		case OPT_TZ:
			opt.tz = optarg;
			break;
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_TO:
			to = optarg;
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_ANNOTATE:
			opt.annotate = 1;
			break;
		case OPT_LISTEN:
			opt.listen = optarg;
			break;
		case OPT_MAX_UPLOAD: {
			long long v;
			const char *why;

			if (str_toint(optarg, 1, 1LL << 40, &v, &why) != 0)
				return usage_error("--max-upload: '%s' is not a "
				    "number of bytes", optarg);
			opt.max_upload = (size_t)v;
			break;
		}
		case OPT_BY:
			if (strcmp(optarg, "session") == 0)
				opt.by_session = 1;
			else if (strcmp(optarg, "day") != 0)
				return usage_error("--by: '%s' is neither day nor "
				    "session", optarg);
			break;
		case OPT_REJECTS:
			opt.rejects = optarg;
			break;
		case OPT_OCCURRENCES:
			opt.occurrences = 1;
			break;
		case OPT_ENCODING:
			if ((opt.encoding = encoding_of(optarg)) < 0)
				return usage_error("--encoding: '%s' is neither utf-8 "
				    "nor windows-1252", optarg);
			break;
		case OPT_DELIMITER:
			if (strcmp(optarg, ",") == 0 || strcmp(optarg, "comma") == 0)
				opt.delim = ',';
			else if (strcmp(optarg, ";") == 0 ||
			    strcmp(optarg, "semicolon") == 0)
				opt.delim = ';';
			else if (strcmp(optarg, "tab") == 0 ||
			    strcmp(optarg, "\t") == 0)
				opt.delim = '\t';
			else
				return usage_error("--delimiter: '%s' is none of , ; "
				    "and tab", optarg);
			break;
		case OPT_PATIENT:
			if (*optarg == '\0')
				return usage_error("%s", "--patient: an empty ID");
			opt.patient = optarg;
			break;
		case OPT_SUMMARY_PATTERN:
			opt.summary_pattern = optarg;
			break;
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage_error("%s", "no command given");
	cmd = argv[0];

	opt.format_given = format != NULL;
	if (opt.annotate && (opt.occurrences || opt.by_session || format)) {
		fprintf(stderr, "cptunits: --annotate writes a calendar: not with "
		    "%s\n", opt.occurrences ? "--occurrences" : opt.by_session ?
		    "--by session" : "-f");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (format == NULL)
		opt.format = opt.output == NULL && isatty(STDOUT_FILENO) ?
		    FMT_TABLE : FMT_CSV;
	else if (output_format_parse(format, &opt.format) != 0)
		return usage_error("-f: unknown format '%s'; expected table, csv, "
		    "tsv, json or xlsx", format);
	/* a workbook is a file of its own, for the commands that bill */
	if (opt.format == FMT_XLSX && (opt.output == NULL ||
	    strcmp(opt.output, "-") == 0))
		return usage_error("%s", "-f xlsx writes a workbook: give -o "
		    "FILE.xlsx");
	if (opt.format == FMT_XLSX && (strcmp(cmd, "log") != 0 &&
	    strcmp(cmd, "ics") != 0 && strcmp(cmd, "auth") != 0))
		return usage_error("-f xlsx: only log, ics and auth write a "
		    "workbook, not %s", cmd);
	if (opt.format == FMT_XLSX && opt.occurrences)
		return usage_error("%s", "-f xlsx: not with --occurrences");
	/*
	 * A TZ that is neither a zone of the database, nor a path into it,
	 * nor a POSIX rule string would have the C library open it as a file
	 * ("../../dev/stdin" blocks): it is replaced by UTC, and said so.
	 */
	if ((p = getenv("TZ")) != NULL && tz_env_name() == NULL &&
	    (strchr(p, '/') != NULL || strstr(p, "..") != NULL)) {
		if (!opt.quiet)
			warnmsg("TZ '%.100s' is not a zone of the database; UTC "
			    "taken", p);
		if (setenv("TZ", "UTC", 1) != 0)
			return usage_error("%s", "cannot set TZ");
	}
	if (opt.tz && !tz_valid_name(opt.tz))
		return usage_error("--tz: unknown time zone '%.100s'", opt.tz);
	if (opt.tz) {
		/* today's date is taken in this zone */
		if (setenv("TZ", opt.tz, 1) != 0)
			return usage_error("--tz: cannot use '%s'", opt.tz);
		tzset();
	}
	if (date == NULL)
		opt.date = date_today();
	else if (date_parse(date, &opt.date) != 0)
		return usage_error("--date: '%s' is not a date (YYYY-MM-DD)", date);

	opt.from = DATE_OPEN_START;
	opt.to = DATE_OPEN_END;
	if (from && date_parse(from, &opt.from) != 0)
		return usage_error("--from: '%s' is not a date (YYYY-MM-DD)", from);
	if (to && date_parse(to, &opt.to) != 0)
		return usage_error("--to: '%s' is not a date (YYYY-MM-DD)", to);
	opt.since = DATE_OPEN_START;
	if (since && date_parse(since, &opt.since) != 0)
		return usage_error("--since: '%s' is not a date (YYYY-MM-DD)",
		    since);

	if (strcmp(cmd, "calc") != 0 && strcmp(cmd, "table") != 0 &&
	    strcmp(cmd, "rules") != 0 && strcmp(cmd, "log") != 0 &&
	    strcmp(cmd, "ics") != 0 && strcmp(cmd, "auth") != 0 &&
	    strcmp(cmd, "serve") != 0)
		return usage_error("unknown command '%s'", cmd);

	/*
	 * An option that does not apply to the command is a usage error, never
	 * silently ignored (SPEC §4): a lookup in the options table.
	 */
	for (n = 0; cli_options[n].name && n < (int)sizeof(seen); n++)
		if (seen[n] && !applies(&cli_options[n], cmd)) {
			fprintf(stderr, "cptunits: --%s does not apply to %s (only to "
			    "%s)\n", cli_options[n].name, cmd,
			    cli_options[n].commands);
			usage(stderr);
			return EXIT_USAGE;
		}

	/* rules --check FILE checks FILE */
	if (strcmp(cmd, "rules") == 0 && opt.check && argc == 2)
		path = xstrdup(argv[1]);
	else
		path = rules_locate(opt.config);
	rc = rules_load(path, &rules, &errs);
	free(path);
	if (rc != RULES_OK) {
		diag_print(&errs, stderr);
		diag_free(&errs);
		return rc == RULES_IO ? EXIT_IO : EXIT_USAGE;
	}

	/* --summary-pattern is [ics] summary_pattern on the command line */
	if (opt.summary_pattern) {
		char *why = rules_pattern_problem(opt.summary_pattern);

		if (why != NULL) {
			fprintf(stderr, "cptunits: --summary-pattern: %s\n", why);
			free(why);
			rules_free(rules);
			return EXIT_USAGE;
		}
		free(rules->ics_summary_pattern);
		rules->ics_summary_pattern = xstrdup(opt.summary_pattern);
	}

	if (strcmp(cmd, "log") == 0)
		rc = cmd_log(&opt, rules, argc - 1, argv + 1);
	else if (strcmp(cmd, "ics") == 0)
		rc = cmd_ics(&opt, rules, argc - 1, argv + 1);
	else if (strcmp(cmd, "auth") == 0)
		rc = cmd_auth(&opt, rules, argc - 1, argv + 1);
	else if (strcmp(cmd, "serve") == 0)
		rc = cmd_serve(&opt, rules, argc - 1, argv + 1);
	else if (strcmp(cmd, "calc") == 0)
		rc = cmd_calc(&opt, rules, argc - 1, argv + 1);
	else if (strcmp(cmd, "table") == 0)
		rc = cmd_table(&opt, rules, argc - 1, argv + 1);
	else
		rc = cmd_rules(&opt, rules, argc - 1, argv + 1);
	rules_free(rules);
	tz_cleanup();
	return rc;
}
