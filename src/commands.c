/*
 * commands: calc, table and rules.  calc bills one pool of minutes exactly
 * as a log's patient-day would be billed, through the same report and
 * writers, so its CSV has the log's columns (SPEC §4).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annotate.h"
#include "auth.h"
#include "commands.h"
#include "date.h"
#include "diag.h"
#include "ics.h"
#include "logread.h"
#include "outfile.h"
#include "pool.h"
#include "report.h"
#include "rules.h"
#include "serve.h"
#include "strutil.h"
#include "tz.h"
#include "units.h"
#include "xlsx.h"

/* Hours that `table` lists when no daily limit stops it first. */
#define TABLE_MINUTES	(8 * 60)
#define MAX_CALC_MINUTES 100000

/* A note of n things, when there are any: fmt takes n and a plural "s". */
static void
count_note(struct report *rep, long n, const char *fmt)
{
	if (n > 0)
		report_note(rep, fmt, n, n == 1 ? "" : "s");
}

/*
 * Close an output; when an input could not be read (io), a file keeps what
 * it held, and says so.
 */
static int
close_output(struct outfile *out, int io, struct diag *errs)
{
	int keep = io && out->tmp != NULL;

	if (keep)
		warnmsg("%s: not replaced: an input could not be read",
		    out->shown);
	return outfile_close(out, !keep, errs);
}

/*
 * -f xlsx: the workbook goes to -o's temporary file, renamed into place by
 * outfile_close; a device, a FIFO or standard output cannot take a zip
 * file written by name.  Without set, a report's; with it, auth's.  On
 * failure the temporary file is discarded, with the message in errs.
 */
static int
write_book(struct outfile *out, const struct report *rep,
    const struct authset *set, const struct report *const *reps,
    const struct logrun *run, struct diag *errs)
{
	int rc;

	if (out->tmp == NULL) {
		diag_add(errs, "%s: -f xlsx writes a workbook to a regular file",
		    out->shown ? out->shown : "standard output");
		outfile_close(out, 0, errs);
		return -1;
	}
	rc = set ? xlsx_write_auth(out->tmp, set, reps, run, errs) :
	    xlsx_write_report(out->tmp, rep, run, errs);
	if (rc != 0)
		outfile_close(out, 0, errs);
	return rc;
}

/* -o, or standard output; a workbook's only to a regular file. */
static int
open_output(struct outfile *out, const struct options *opt, struct diag *errs)
{
	if (opt->format == FMT_XLSX)
		return outfile_open_regular(out, opt->output,
		    "-f xlsx writes a workbook", errs);
	return outfile_open(out, opt->output, errs);
}

/*
 * Write a report through -o, or standard output; --strict writes nothing.
 * When an input could not be read (io), a file named by -o keeps what it
 * held: the run is incomplete, and an earlier complete output is worth
 * more than a partial one (SPEC §4).
 */
static int
emit(const struct options *opt, struct report *rep, int rejected, int io,
    int summary, const struct logrun *run)
{
	struct outfile out;
	struct diag errs = { 0 };
	int rc = rejected ? EXIT_REJECTED : EXIT_ALL_ACCEPTED;

	report_sort(rep);
	/* warnings and notes reach standard error whatever the format */
	if (!opt->quiet && !(rejected && opt->strict))
		report_print_warnings(rep, "calc", stderr);
	if (summary && !opt->quiet && rep->nrejects > 0)
	{
		if (rep->unbilled)
			warnmsg("%ld record%s: %ld accepted, %zu rejected, %ld not "
			    "billable", rep->records, rep->records == 1 ? "" : "s",
			    rep->accepted, rep->nrejects, rep->unbilled);
		else
			warnmsg("%ld record%s: %ld accepted, %zu rejected",
			    rep->records, rep->records == 1 ? "" : "s",
			    rep->accepted, rep->nrejects);
	}
	if (rejected && opt->strict) {
		warnmsg("--strict: %d record%s rejected; nothing written",
		    rejected, rejected == 1 ? "" : "s");
		return EXIT_REJECTED;
	}
	if (open_output(&out, opt, &errs) != 0) {
		diag_print(&errs, stderr);
		diag_free(&errs);
		return EXIT_IO;
	}
	if (opt->format == FMT_XLSX) {
		if (write_book(&out, rep, NULL, NULL, run, &errs) != 0) {
			diag_print(&errs, stderr);
			diag_free(&errs);
			return EXIT_IO;
		}
	} else
		output_report(rep, opt->format, out.fp);
	if (close_output(&out, io, &errs) != 0) {
		diag_print(&errs, stderr);
		diag_free(&errs);
		return EXIT_IO;
	}
	return io ? EXIT_IO : rc;
}

/*
 * -o and --rejects must not name each other or an input: replacing the
 * log being billed with its own report loses the log.  2 with a message,
 * else 0.
 */
static int
outputs_clash(const struct options *opt, int argc, char **argv)
{
	int i;

	if (opt->output && opt->rejects &&
	    outfile_same(opt->output, opt->rejects)) {
		warnmsg("-o and --rejects name the same file '%s'", opt->rejects);
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		if (outfile_same(opt->rejects, argv[i])) {
			warnmsg("--rejects '%s' is one of the inputs", opt->rejects);
			return EXIT_USAGE;
		}
		if (outfile_same(opt->output, argv[i])) {
			warnmsg("-o '%s' is one of the inputs", opt->output);
			return EXIT_USAGE;
		}
	}
	return 0;
}

int
cmd_calc(const struct options *opt, const struct rules *r, int argc,
    char **argv)
{
	const struct rules_family *f;
	struct report rep;
	struct session s;
	struct pool *pool;
	long long minutes;
	const char *why;
	char *reason, *list;
	int rc;

	if (argc != 2) {
		warnmsg("calc: expected MINUTES CODE");
		fputs("usage: cptunits [options] calc MINUTES CODE\n", stderr);
		return EXIT_USAGE;
	}
	if (str_toint(argv[0], 0, MAX_CALC_MINUTES, &minutes, &why) != 0) {
		warnmsg("calc: MINUTES must be a whole number from 0 to %d, not "
		    "'%s'", MAX_CALC_MINUTES, argv[0]);
		return EXIT_USAGE;
	}
	memset(&rep, 0, sizeof(rep));
	rep.records = 1;

	reason = rules_why_not(r, argv[1], opt->date, &f);
	if (reason == NULL && f->kind == KIND_ADDON) {
		list = str_join_or(f->requires, f->nrequires);
		reason = xasprintf("code %s is an add-on: it bills only with %s "
		    "for the same patient and date", f->code[0], list);
		free(list);
	}
	if (reason == NULL && f->min_technicians > 0 && opt->technicians >= 0 &&
	    opt->technicians < f->min_technicians)
		reason = xasprintf("technicians: %s needs at least %d, not %d",
		    rules_family_label(f), f->min_technicians, opt->technicians);
	if (reason == NULL && f->max_participants > 0 &&
	    opt->participants > f->max_participants)
		reason = xasprintf("participants: %s allows at most %d, not %d",
		    rules_family_label(f), f->max_participants, opt->participants);
	if (reason != NULL) {
		report_reject(&rep, "calc", 0, "%s", reason);
		warnmsg("calc: %s", reason);
		free(reason);
		rc = emit(opt, &rep, 1, 0, 0, NULL);
		report_free(&rep);
		return rc;
	}

	/* one session of a patient without a name, billed as a log's would be */
	memset(&s, 0, sizeof(s));
	s.patient = "";
	s.date = opt->date;
	s.family = f;
	s.seconds = (long)minutes * 60;
	s.payer = opt->payer;
	s.source = "calc";
	pool = pool_new(r, 0, NULL);
	pool_add(pool, &s, NULL);
	pool_bill(pool, &rep, NULL, NULL);
	rep.accepted = 1;
	rep.minutes = (long)minutes;
	rc = emit(opt, &rep, 0, 0, 0, NULL);
	report_free(&rep);
	pool_free(pool);	/* after the report, which borrows its strings */
	return rc;
}

static char *
shape(const struct rules_family *f)
{
	char *s, *t, *list;
	size_t i;

	switch (f->kind) {
	case KIND_ADDITIONAL:
		return xasprintf("%s first %d minutes + %s each additional %d "
		    "minutes", f->code[0], f->minutes[0], f->code[1],
		    f->minutes[1]);
	case KIND_EACH:
		return xasprintf("%s each %d minutes", f->code[0], f->minutes[0]);
	case KIND_RANGE:
		s = xstrdup("");
		for (i = 0; i < f->nranges; i++) {
			if (f->ranges[i].to == RANGE_OPEN)
				t = xasprintf("%s%s%s %d or more minutes", s,
				    i ? ", " : "", f->ranges[i].code,
				    f->ranges[i].from);
			else
				t = xasprintf("%s%s%s %d-%d minutes", s,
				    i ? ", " : "", f->ranges[i].code,
				    f->ranges[i].from, f->ranges[i].to);
			free(s);
			s = t;
		}
		return s;
	case KIND_UNTIMED:
		return xasprintf("%s, one unit per session", f->code[0]);
	case KIND_ADDON:
		list = str_join_or(f->requires, f->nrequires);
		s = xasprintf("%s, one unit per session with %s for the same "
		    "patient and date", f->code[0], list);
		free(list);
		return s;
	}
	return xstrdup("");
}

static char *
rounding(const struct rule *rule)
{
	if (rule->kind == KIND_ADDITIONAL)
		return xasprintf("%s: %s from minute %d, %s each further unit "
		    "from minute %d of its %d", rules_mode_name(rule->mode),
		    rule->code[0], rule->threshold[0], rule->code[1],
		    rule->threshold[1], rule->minutes[1]);
	if (rule->kind == KIND_EACH)
		return xasprintf("%s: the first unit from minute %d, each further "
		    "unit from minute %d of its %d", rules_mode_name(rule->mode),
		    rule->threshold[0], rule->threshold[1], rule->minutes[0]);
	return NULL;
}

static char *
checks(const struct rules_family *f, const struct rule *rule)
{
	char *s = xstrdup(""), *t;
	int i;

	if (f->min_technicians) {
		t = xasprintf("%sat least %d technicians", s, f->min_technicians);
		free(s);
		s = t;
	}
	if (f->max_participants) {
		t = xasprintf("%s%sat most %d participants", s, *s ? "; " : "",
		    f->max_participants);
		free(s);
		s = t;
	}
	for (i = 0; i < 2; i++)
		if (rule->limit[i] > 0 && rule->code[i]) {
			t = xasprintf("%s%sdaily limit %s %d (%s)", s, *s ? "; " : "",
			    rule->code[i], rule->limit[i],
			    rule->mue == MUE_CAP ? "cap" : "warn");
			free(s);
			s = t;
		}
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

int
cmd_table(const struct options *opt, const struct rules *r, int argc,
    char **argv)
{
	const struct rules_family *f;
	struct output_steps st;
	struct output_step *steps = NULL;
	struct diag errs = { 0 };
	struct outfile out;
	struct rule rule;
	size_t n = 0, cap = 0, i, j;
	long at, k;
	char *reason, *sh, *ro, *ch;
	int rc = EXIT_ALL_ACCEPTED;

	if (argc != 1) {
		warnmsg("table: expected one CODE");
		fputs("usage: cptunits [options] table CODE\n", stderr);
		return EXIT_USAGE;
	}
	if ((reason = rules_why_not(r, argv[0], opt->date, &f)) != NULL) {
		warnmsg("table: %s", reason);
		free(reason);
		return EXIT_USAGE;
	}
	rules_resolve(r, f, opt->payer, &rule);

	/* the minutes at which each unit count starts, in order */
	for (i = 0; i < 2; i++) {
		if (rule.kind == KIND_RANGE || rule.kind == KIND_UNTIMED ||
		    rule.kind == KIND_ADDON || rule.code[i] == NULL)
			break;
		for (k = 1;; k++) {
			at = units_nth(&rule, (int)i, k);
			if (at < 0 || at > TABLE_MINUTES ||
			    (rule.limit[i] > 0 && k > rule.limit[i]))
				break;
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				steps = xreallocarray(steps, cap, sizeof(*steps));
			}
			steps[n].code = rule.code[i];
			steps[n].units = (int)k;
			steps[n++].minutes = at;
		}
	}
	if (rule.kind == KIND_RANGE) {
		steps = xcalloc(rule.nranges, sizeof(*steps));
		for (n = 0; n < rule.nranges; n++) {
			steps[n].code = rule.ranges[n].code;
			steps[n].units = 1;
			steps[n].minutes = rule.ranges[n].from;
		}
	} else if (rule.kind == KIND_UNTIMED || rule.kind == KIND_ADDON) {
		steps = xcalloc(1, sizeof(*steps));
		steps[0].code = rule.code[0];
		steps[0].units = 1;
		steps[0].minutes = 1;
		n = 1;
	}
	/* merge base and add-on steps by minute (insertion sort; few rows) */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && steps[j].minutes < steps[j - 1].minutes; j--) {
			struct output_step t = steps[j];

			steps[j] = steps[j - 1];
			steps[j - 1] = t;
		}

	memset(&st, 0, sizeof(st));
	st.family = rules_family_label(f);
	st.name = f->name;
	st.kind = rules_kind_name(f->kind);
	st.description = f->description;
	st.shape = sh = shape(f);
	st.rounding = ro = rounding(&rule);
	st.checks = ch = checks(f, &rule);
	st.from = f->from;
	st.to = f->to;
	st.steps = steps;
	st.nsteps = n;

	if (outfile_open(&out, opt->output, &errs) != 0)
		rc = EXIT_IO;
	else {
		output_steps(&st, opt->format, out.fp);
		if (outfile_close(&out, 1, &errs) != 0)
			rc = EXIT_IO;
	}
	diag_print(&errs, stderr);
	diag_free(&errs);
	free(steps);
	free(sh);
	free(ro);
	free(ch);
	return rc;
}

int
cmd_rules(const struct options *opt, const struct rules *r, int argc,
    char **argv)
{
	struct diag errs = { 0 };
	struct outfile out;
	int rc = EXIT_ALL_ACCEPTED;

	(void)argv;
	if (argc > (opt->check ? 1 : 0)) {
		warnmsg("rules: unexpected argument '%s'", argv[opt->check ? 1 : 0]);
		fputs("usage: cptunits [options] rules [--check [FILE]]\n", stderr);
		return EXIT_USAGE;
	}
	if (opt->check) {
		if (!opt->quiet)
			printf("%s: ok: %zu families, %zu payer sections\n", r->path,
			    r->nfamilies, r->npayers);
		return EXIT_ALL_ACCEPTED;
	}
	if (outfile_open(&out, opt->output, &errs) != 0)
		rc = EXIT_IO;
	else {
		rules_print(r, out.fp);
		if (outfile_close(&out, 1, &errs) != 0)
			rc = EXIT_IO;
	}
	diag_print(&errs, stderr);
	diag_free(&errs);
	return rc;
}

/*
 * Read each named input ("-" is standard input) with fn; a file that
 * cannot be opened or used is reported and the others are read all the
 * same.  Returns 1 when any could not be, else 0.
 */
typedef int input_fn(const char *name, FILE *fp, void *ctx);

static int
each_input(int argc, char **argv, input_fn *fn, void *ctx)
{
	const char *name;
	FILE *fp;
	int i, io = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			name = "(standard input)";
			fp = stdin;
		} else if ((fp = fopen(name = argv[i], "r")) == NULL) {
			warnmsg("%s: %s", name, strerror(errno));
			io = 1;
			continue;
		}
		if (fn(name, fp, ctx) != 0)
			io = 1;
		if (fp != stdin)
			fclose(fp);
	}
	return io;
}

struct log_ctx {
	const struct logopts	*o;
	struct logrun		*run;
};

static int
read_log(const char *name, FILE *fp, void *vctx)
{
	struct log_ctx *c = vctx;

	if (pool_fell_back(c->run->pool))	/* it will all be read again */
		return 0;
	return logread_file(name, fp, c->o, c->run);
}

/*
 * Can every input be read again from where it starts (regular files)?
 * Then a log streams (pool_stream), read again without streaming should a
 * row come for a day already billed.  *pos: where standard input starts,
 * or -1 when it is not among the inputs.
 */
static int
rereadable(int argc, char **argv, off_t *pos)
{
	struct stat sb;
	int i;

	*pos = -1;		/* standard input not read */
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (fstat(STDIN_FILENO, &sb) != 0 || !S_ISREG(sb.st_mode) ||
			    (*pos = ftello(stdin)) < 0)
				return 0;
		} else if (stat(argv[i], &sb) != 0 || !S_ISREG(sb.st_mode))
			return 0;
	}
	return 1;
}

struct ics_ctx {
	const struct icsopts	*o;
	struct icsrun		*run;
};

static int
read_ics(const char *name, FILE *fp, void *vctx)
{
	struct ics_ctx *c = vctx;

	return ics_read_file(name, fp, c->o, c->run);
}

/*
 * The zone of a log's local times: --tz, [log] timezone, $TZ (a zone
 * name, a path into the zone database, or a POSIX rule string), else UTC.
 */
static const struct tz *
log_zone(const struct options *opt, const struct rules *r)
{
	const char *name = opt->tz ? opt->tz : r->log_timezone;
	const struct tz *z;

	if (name == NULL)
		return tz_from_env();
	if ((z = tz_find(name)) == NULL)
		warnmsg("unknown time zone '%.100s'", name);
	return z;
}

int
cmd_log(const struct options *opt, const struct rules *r, int argc,
    char **argv)
{
	struct report rep;
	struct logrun run;
	struct logopts o;
	struct outfile out;
	struct diag errs = { 0 };
	int io = 0, rc, stream;
	off_t pos;

	if (argc < 1) {
		warnmsg("log: expected one or more FILEs ('-' for standard input)");
		fputs("usage: cptunits [options] log FILE...\n", stderr);
		return EXIT_USAGE;
	}
	if (outputs_clash(opt, argc, argv) != 0)
		return EXIT_USAGE;
	memset(&o, 0, sizeof(o));
	o.rules = r;
	if ((o.zone = log_zone(opt, r)) == NULL)
		return EXIT_USAGE;
	o.payer = opt->payer;
	o.from = opt->from;
	o.to = opt->to;
	/* a workbook's Rejects sheet has the rows as read */
	o.keep_rejects = opt->rejects != NULL || opt->format == FMT_XLSX;
	o.quiet = opt->quiet;
	o.delim = opt->delim;
	o.cp1252 = opt->encoding >= 0 ? opt->encoding : r->log_cp1252;

	/*
	 * A log in date order (as practice systems export) streams: each
	 * finished day is billed and its pools freed as the date moves on,
	 * its messages held back.  A row of a day already billed ends that
	 * pass unsaid, and everything is read again with every pool held.
	 */
	stream = rereadable(argc, argv, &pos);
	for (;;) {
		memset(&rep, 0, sizeof(rep));
		rep.by_session = opt->by_session;
		memset(&run, 0, sizeof(run));
		run.report = &rep;
		run.pool = pool_new(r, opt->by_session, logread_free_tag);
		/* held, so that a pass read again says nothing twice */
		if (stream && warn_hold() != 0)
			stream = 0;
		if (stream)
			pool_stream(run.pool, &rep, logread_late_reject, &run);
		io = each_input(argc, argv, read_log,
		    &(struct log_ctx){ &o, &run });
		if (!stream || !pool_fell_back(run.pool))
			break;
		warn_release(0);
		pool_free(run.pool);
		logrun_free(&run);
		report_free(&rep);
		if (pos >= 0 && fseeko(stdin, pos, SEEK_SET) == 0)
			clearerr(stdin);
		stream = 0;
	}
	warn_release(1);
	pool_bill(run.pool, &rep, logread_late_reject, &run);
	rep.minutes = (long)(run.seconds / 60);
	rep.outside = run.outside;
	count_note(&rep, run.totals, "%ld row%s of totals (a report's footer) "
	    "skipped");
	count_note(&rep, run.skipped, "%ld row%s of a status that is not billed "
	    "(no-show, late cancellation; [log] skip_status) skipped");
	count_note(&rep, run.repeats, "%ld row%s repeating another (the same "
	    "encounter id, or field for field) counted once");

	/* the rejects file is written even under --strict: it is the fix */
	if (opt->rejects) {
		if (outfile_open(&out, opt->rejects, &errs) != 0)
			io = 2;
		else {
			logread_write_rejects(&run, out.fp);
			if (close_output(&out, io, &errs) != 0)
				io = 2;
		}
		diag_print(&errs, stderr);
		diag_free(&errs);
	}
	rc = emit(opt, &rep, (int)rep.nrejects, io == 1, 1, &run);
	if (io && rc != EXIT_IO)
		rc = EXIT_IO;
	pool_free(run.pool);
	logrun_free(&run);
	report_free(&rep);
	return rc;
}

/*
 * Read fp to its end into *buf (of cap bytes, *len of them read already),
 * growing it up to max bytes.  0, or -1 with the message printed: a read
 * error, or more than max ("NAME: more than N MiB" and hint).
 */
static int
slurp(FILE *fp, const char *name, char **buf, size_t *len, size_t cap,
    size_t max, const char *hint)
{
	size_t n;

	for (;;) {
		if (*len == cap) {
			if (cap >= max) {
				warnmsg("%s: more than %zu MiB%s", name, max >> 20,
				    hint);
				return -1;
			}
			cap = cap * 2 < max ? cap * 2 : max;
			*buf = xreallocarray(*buf, cap, 1);
		}
		if ((n = fread(*buf + *len, 1, cap - *len, fp)) == 0)
			break;
		*len += n;
	}
	if (ferror(fp)) {
		warnmsg("%s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/* The most bytes of a calendar annotated (ics.c refuses more anyway). */
#define ANNOTATE_MAX	((size_t)1 << 30)

/*
 * --annotate: the calendar is read whole first, so that its text can be
 * written back as it was.  1 when it cannot be read, else 0.
 */
static int
read_annotated(const char *arg, char **text, size_t *len,
    const struct icsopts *o, struct icsrun *run)
{
	const char *name = arg;
	size_t cap = 65536;
	FILE *fp, *mf;
	int rc;

	if (strcmp(arg, "-") == 0) {
		name = "(standard input)";
		fp = stdin;
	} else if ((fp = fopen(arg, "r")) == NULL) {
		warnmsg("%s: %s", arg, strerror(errno));
		return 1;
	}
	*text = xmalloc(cap);
	*len = 0;
	rc = slurp(fp, name, text, len, cap, ANNOTATE_MAX, "") != 0;
	if (fp != stdin)
		fclose(fp);
	if (rc)
		return 1;
	if (*len == 0) {
		warnmsg("%s: not an iCalendar file (empty)", name);
		return 1;
	}
	if ((mf = fmemopen(*text, *len, "r")) == NULL) {
		warnmsg("%s: %s", name, strerror(errno));
		return 1;
	}
	rc = ics_read_file(name, mf, o, run) != 0;
	fclose(mf);
	return rc;
}

/*
 * --annotate: the calendar written back with what each event bills, its
 * warnings and notes on standard error as for any run.
 */
static int
emit_annotated(const struct options *opt, const struct rules *r,
    struct report *rep, const struct icsrun *run, const char *text,
    size_t len, int io)
{
	struct outfile out;
	struct diag errs = { 0 };
	size_t n;

	report_sort(rep);
	if (io)		/* nothing to write back */
		return EXIT_IO;
	if (!opt->quiet && !(rep->nrejects && opt->strict))
		report_print_warnings(rep, "ics", stderr);
	if (rep->nrejects && opt->strict) {
		warnmsg("--strict: %zu record%s rejected; nothing written",
		    rep->nrejects, rep->nrejects == 1 ? "" : "s");
		return EXIT_REJECTED;
	}
	if (outfile_open(&out, opt->output, &errs) != 0) {
		diag_print(&errs, stderr);
		diag_free(&errs);
		return EXIT_IO;
	}
	n = annotate_write(text, len, run, r, out.fp);
	if (outfile_close(&out, 1, &errs) != 0) {
		diag_print(&errs, stderr);
		diag_free(&errs);
		return EXIT_IO;
	}
	if (!opt->quiet)
		warnmsg("note: %zu event%s annotated", n, n == 1 ? "" : "s");
	return rep->nrejects ? EXIT_REJECTED : EXIT_ALL_ACCEPTED;
}

int
cmd_ics(const struct options *opt, const struct rules *r, int argc,
    char **argv)
{
	struct report rep;
	struct icsrun run;
	struct icsopts o;
	struct outfile out;
	struct diag errs = { 0 };
	char d[DATE_BUFSZ], *text = NULL;
	size_t i, len = 0;
	int io = 0, rc = EXIT_ALL_ACCEPTED, start;

	if (argc < 1) {
		warnmsg("ics: expected one or more FILEs ('-' for standard input)");
		fputs("usage: cptunits [options] ics FILE...\n", stderr);
		return EXIT_USAGE;
	}
	if (outputs_clash(opt, argc, argv) != 0)
		return EXIT_USAGE;
	memset(&o, 0, sizeof(o));
	o.rules = r;
	o.zone = opt->tz;
	if (opt->tz && tz_find(opt->tz) == NULL) {
		warnmsg("unknown time zone '%s'", opt->tz);
		return EXIT_USAGE;
	}
	o.payer = opt->payer;
	o.from = opt->from;
	o.to = opt->to;
	o.quiet = opt->quiet;
	o.occurrences = opt->occurrences;
	o.patient = opt->patient;
	o.annotate = opt->annotate;
	if (opt->annotate && argc != 1) {
		warnmsg("ics --annotate: one calendar at a time");
		return EXIT_USAGE;
	}
	/* without --to, never-ending series stop at the horizon */
	start = opt->from != DATE_OPEN_START ? opt->from : date_today();
	o.horizon = start + r->ics_horizon_days;

	memset(&rep, 0, sizeof(rep));
	rep.by_session = opt->by_session;
	/* a scheduler reads a calendar day by day */
	rep.by_date = opt->format == FMT_TABLE;
	rep.week_start = r->auth_week_start;
	memset(&run, 0, sizeof(run));
	run.report = &rep;
	run.pool = pool_new(r, opt->by_session, ics_free_tag);
	(void)warn_hold();	/* the messages of reading, in one block */
	if (opt->annotate)
		io = read_annotated(argv[0], &text, &len, &o, &run);
	else
		io = each_input(argc, argv, read_ics, &(struct ics_ctx){ &o, &run });
	warn_release(1);
	/* the counts of what was not billed, each a note where not 0 */
	count_note(&rep, run.cancelled, "%ld cancelled occurrence%s dropped");
	count_note(&rep, run.nocode, "%ld occurrence%s with no code-like word "
	    "(a meeting, a reminder) not billable");
	count_note(&rep, run.nopatient, "%ld occurrence%s without a patient, each "
	    "billed alone with an empty patient (give --patient, "
	    "--summary-pattern or [ics] patient)");
	count_note(&rep, run.bare, "%ld VEVENT%s outside any VCALENDAR, read as "
	    "if inside one");
	count_note(&rep, run.nouid, "%ld event%s without a UID, each billed as a "
	    "series of its own");
	count_note(&rep, run.superseded, "%ld event%s superseded by a higher "
	    "SEQUENCE of the same UID, not billed");
	count_note(&rep, run.allday, "%ld all-day event%s skipped: they have no "
	    "minutes");
	if (run.cut)
		report_note(&rep, "%ld never-ending series cut at the horizon, "
		    "%s (horizon_days %d); give --to to choose", run.cut,
		    date_format(o.horizon, d), r->ics_horizon_days);
	if (opt->occurrences) {
		for (i = 0; !opt->quiet && i < rep.nnotes; i++)
			warnmsg("note: %s", rep.notes[i]);
		if (outfile_open(&out, opt->output, &errs) != 0)
			io = 1;
		else {
			ics_write_occurrences(&run, opt->format, out.fp);
			if (close_output(&out, io, &errs) != 0)
				io = 1;
			if (rep.nrejects > 0)
				rc = EXIT_REJECTED;
		}
		diag_print(&errs, stderr);
		diag_free(&errs);
	} else {
		pool_bill(run.pool, &rep, ics_late_reject, &run);
		/* seconds summed, then floored once, as a log's are */
		rep.minutes = (long)(run.seconds / 60);
		rep.has_events = 1;
		rep.events[1] = run.events[3];
		rep.events[2] = run.events[2] + run.nested;
		rep.events[3] = run.events[1];
		rep.events[4] = run.events[0];
		rep.events[0] = rep.events[1] + rep.events[2] + rep.events[3] +
		    rep.events[4];
		if (opt->annotate)
			rc = emit_annotated(opt, r, &rep, &run, text, len, io);
		else
			rc = emit(opt, &rep, (int)rep.nrejects, io, 1, NULL);
	}
	free(text);
	if (io && rc != EXIT_IO)
		rc = EXIT_IO;
	pool_free(run.pool);
	icsrun_free(&run);
	report_free(&rep);
	return rc;
}

/* Lines outside every authorization listed one by one on standard error. */
#define AUTH_OUTSIDE_SHOWN 20
/* The most bytes of standard input (or a pipe) auth reads into memory. */
#define AUTH_MAX_PIPE	((size_t)1 << 30)

/*
 * Open one of auth's inputs, and tell a calendar from a log by how it
 * starts (BEGIN:VCALENDAR, after a byte-order mark and blanks).  What
 * cannot be read twice (standard input, a pipe) is read into memory.
 * NULL, with the message printed, when it cannot be opened or read.
 */
static FILE *
open_input(const char *arg, const char **name, int *calendar, char **mem)
{
	char head[64];
	size_t n, len, cap;
	FILE *fp;

	*mem = NULL;
	if (strcmp(arg, "-") == 0) {
		*name = "(standard input)";
		fp = stdin;
	} else if ((fp = fopen(*name = arg, "r")) == NULL) {
		warnmsg("%s: %s", arg, strerror(errno));
		return NULL;
	}
	n = fread(head, 1, sizeof(head) - 1, fp);
	head[n] = '\0';
	if (ferror(fp)) {
		warnmsg("%s: %s", *name, strerror(errno));
		goto fail;
	}
	*calendar = ics_sniff(head);
	if (fp != stdin && fseeko(fp, 0, SEEK_SET) == 0)
		return fp;
	/* read once: kept in memory, from the bytes already read on */
	cap = n + 65536;
	*mem = xmalloc(cap);
	memcpy(*mem, head, n);
	len = n;
	if (slurp(fp, *name, mem, &len, cap, AUTH_MAX_PIPE,
	    " from a pipe; give it as a file") != 0)
		goto fail;
	if (fp != stdin)
		fclose(fp);
	if (len == 0) {		/* fmemopen wants at least a byte */
		(*mem)[0] = '\0';
		fp = fmemopen(*mem, 1, "r");
		if (fp)
			(void)fgetc(fp);
	} else
		fp = fmemopen(*mem, len, "r");
	if (fp == NULL) {
		warnmsg("%s: %s", *name, strerror(errno));
		free(*mem);
		*mem = NULL;
	}
	return fp;
fail:
	if (fp != stdin)
		fclose(fp);
	free(*mem);
	*mem = NULL;
	return NULL;
}

static void
close_input(FILE *fp, char *mem)
{
	if (fp != stdin)
		fclose(fp);
	free(mem);
}

/* Count every billed code of a report's lines against the authorizations. */
static void
count_report(struct authset *set, const struct report *rep, int scheduled)
{
	struct report_line view;
	size_t i, k;

	for (i = 0; i < rep->nlines; i++) {
		report_get(rep, i, &view);
		for (k = 0; k < view.ncodes; k++)
			if (view.codes[k].units > 0)
				auth_count(set, &view, view.codes[k].code,
				    view.codes[k].units, scheduled);
	}
}

int
cmd_auth(const struct options *opt, const struct rules *r, int argc,
    char **argv)
{
	struct report arep, lrep, crep;
	const struct report *reps[3] = { &arep, &lrep, &crep };
	struct logrun lrun;
	struct icsrun crun;
	struct logopts lo;
	struct icsopts co;
	struct authset set;
	struct outfile out;
	struct diag errs = { 0 };
	const char *name;
	struct { FILE *fp; char *mem; const char *name; int is; } *cal;
	char *mem, d1[DATE_BUFSZ];
	int calendar, io = 0, rc = EXIT_ALL_ACCEPTED, i, last;
	size_t k;
	long rejected;
	FILE *fp;

	if (argc < 2) {
		warnmsg("auth: expected AUTHS and one or more FILEs");
		fputs("usage: cptunits [options] auth AUTHS FILE...\n", stderr);
		return EXIT_USAGE;
	}
	if (outputs_clash(opt, argc, argv) != 0)
		return EXIT_USAGE;
	memset(&arep, 0, sizeof(arep));
	memset(&lrep, 0, sizeof(lrep));
	memset(&crep, 0, sizeof(crep));
	memset(&set, 0, sizeof(set));

	/* the authorizations */
	if ((fp = open_input(argv[0], &name, &calendar, &mem)) == NULL)
		return EXIT_IO;
	if (calendar) {
		warnmsg("%s: a calendar, not an authorizations CSV", name);
		close_input(fp, mem);
		return EXIT_USAGE;
	}
	if (auth_read(name, fp, r, &set, &arep, opt->encoding >= 0 ?
	    opt->encoding : r->log_cp1252) != 0)
		io = 1;
	close_input(fp, mem);
	if (io) {
		authset_free(&set);
		report_free(&arep);
		return EXIT_IO;
	}
	auth_periods(&set, r->auth_week_start);

	/* the logs, billed, and then the calendars, scheduled from --since */
	memset(&lo, 0, sizeof(lo));
	lo.rules = r;
	if ((lo.zone = log_zone(opt, r)) == NULL) {
		authset_free(&set);
		report_free(&arep);
		return EXIT_USAGE;
	}
	lo.payer = opt->payer;
	lo.from = opt->from;
	lo.to = opt->to;
	lo.quiet = opt->quiet;
	lo.delim = opt->delim;
	lo.cp1252 = opt->encoding >= 0 ? opt->encoding : r->log_cp1252;
	lo.keep_rejects = opt->format == FMT_XLSX;
	memset(&lrun, 0, sizeof(lrun));
	lrun.report = &lrep;
	lrun.pool = pool_new(r, 0, logread_free_tag);
	/* calendars stay open (a pipe is read once) until the logs are billed */
	cal = xcalloc((size_t)argc, sizeof(*cal));
	for (i = 1; i < argc; i++) {
		if ((fp = open_input(argv[i], &name, &calendar, &mem)) == NULL) {
			io = 1;
			continue;
		}
		if (calendar) {		/* a file is opened again: no fd held */
			cal[i].name = name;
			cal[i].is = 1;
			if ((cal[i].mem = mem) != NULL)
				cal[i].fp = fp;
			else
				close_input(fp, NULL);
			continue;
		}
		if (logread_file(name, fp, &lo, &lrun) != 0)
			io = 1;
		close_input(fp, mem);
	}
	pool_bill(lrun.pool, &lrep, logread_late_reject, &lrun);
	lrep.minutes = (long)(lrun.seconds / 60);
	report_sort(&lrep);

	last = DATE_OPEN_START;
	for (k = 0; k < lrep.nlines; k++) {
		struct report_line view;

		report_get(&lrep, k, &view);
		if (view.date > last)
			last = view.date;
	}
	set.since = opt->since != DATE_OPEN_START ? opt->since :
	    last != DATE_OPEN_START ? last + 1 : date_today();

	memset(&co, 0, sizeof(co));
	co.rules = r;
	co.zone = opt->tz;
	co.payer = opt->payer;
	co.from = opt->from > set.since ? opt->from : set.since;
	/* calendars are expanded to the end of the last authorization */
	co.to = opt->to != DATE_OPEN_END ? opt->to :
	    auth_last_day(&set) != DATE_OPEN_START ? auth_last_day(&set) + 1 :
	    co.from + r->ics_horizon_days;
	co.horizon = co.to;
	co.quiet = opt->quiet;
	co.patient = opt->patient;
	crep.by_date = 1;
	memset(&crun, 0, sizeof(crun));
	crun.report = &crep;
	crun.pool = pool_new(r, 0, ics_free_tag);
	for (i = 1; i < argc; i++) {
		if (!cal[i].is)
			continue;
		if (cal[i].fp == NULL &&
		    (cal[i].fp = fopen(cal[i].name, "r")) == NULL) {
			warnmsg("%s: %s", cal[i].name, strerror(errno));
			io = 1;
			continue;
		}
		if (ics_read_file(cal[i].name, cal[i].fp, &co, &crun) != 0)
			io = 1;
		close_input(cal[i].fp, cal[i].mem);
	}
	free(cal);
	pool_bill(crun.pool, &crep, ics_late_reject, &crun);
	crep.minutes = (long)(crun.seconds / 60);
	report_sort(&crep);

	count_report(&set, &lrep, 0);
	count_report(&set, &crep, 1);

	rejected = (long)(arep.nrejects + lrep.nrejects + crep.nrejects);
	if (!opt->quiet && !(rejected && opt->strict)) {
		report_print_warnings(&lrep, "auth", stderr);
		report_print_warnings(&crep, "auth", stderr);
		report_print_warnings(&arep, "auth", stderr);
		auth_warn(&set);
		for (k = 0; k < set.nout && k < AUTH_OUTSIDE_SHOWN; k++)
			warnmsg("note: %s:%ld: %s %s: %ld unit%s %s outside every "
			    "authorization of the patient and code",
			    set.out[k].file, set.out[k].line,
			    date_format(set.out[k].date, d1), set.out[k].code,
			    set.out[k].units, set.out[k].units == 1 ? "" : "s",
			    set.out[k].scheduled ? "scheduled" : "billed");
		if (set.nout > AUTH_OUTSIDE_SHOWN)
			warnmsg("note: and %zu more line%s outside every "
			    "authorization (-f json lists them all)",
			    set.nout - AUTH_OUTSIDE_SHOWN,
			    set.nout - AUTH_OUTSIDE_SHOWN == 1 ? "" : "s");
		if (arep.nrejects > 0)
			warnmsg("%ld authorization%s: %zu accepted, %zu rejected",
			    set.records, set.records == 1 ? "" : "s", set.n,
			    arep.nrejects);
	}
	if (rejected && opt->strict) {
		warnmsg("--strict: %ld record%s rejected; nothing written",
		    rejected, rejected == 1 ? "" : "s");
		rc = EXIT_REJECTED;
	} else if (open_output(&out, opt, &errs) != 0)
		rc = EXIT_IO;
	else if (opt->format == FMT_XLSX &&
	    write_book(&out, NULL, &set, reps, &lrun, &errs) != 0)
		rc = EXIT_IO;
	else {
		if (opt->format != FMT_XLSX)
			output_auth(&set, reps, opt->format, out.fp);
		if (close_output(&out, io, &errs) != 0)
			rc = EXIT_IO;
		else if (io)
			rc = EXIT_IO;
		else if (rejected)
			rc = EXIT_REJECTED;
	}
	diag_print(&errs, stderr);
	diag_free(&errs);
	pool_free(lrun.pool);
	logrun_free(&lrun);
	pool_free(crun.pool);
	icsrun_free(&crun);
	authset_free(&set);
	report_free(&arep);
	report_free(&lrep);
	report_free(&crep);
	return rc;
}

int
cmd_serve(const struct options *opt, const struct rules *r, int argc,
    char **argv)
{
	struct serve_opts so;

	(void)r;
	if (argc > 0) {
		warnmsg("serve: unexpected argument '%s'", argv[0]);
		fputs("usage: cptunits [options] serve [--listen ADDR:PORT] "
		    "[--max-upload BYTES]\n", stderr);
		return EXIT_USAGE;
	}
	memset(&so, 0, sizeof(so));
	so.listen = opt->listen;
	so.max_upload = opt->max_upload ? opt->max_upload : (size_t)64 << 20;
	so.quiet = opt->quiet;
	return serve_run(&so);
}
