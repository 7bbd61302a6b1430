/*
 * xlsx: workbooks through libxlsxwriter, in its constant-memory mode (rows
 * written in order, flushed as they go), so a year of lines costs a row's
 * memory, not the sheet's.  Text is made fit for the sheet first: bytes
 * that are not UTF-8 and control characters become '?', and a cell is cut
 * at Excel's 32,767 characters.
 */
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "date.h"
#include "dynlib.h"
#include "strutil.h"
#include "xlsx.h"

#ifndef XLSX_LIB
#define XLSX_LIB	"libxlsxwriter.so.4"
#endif

/* libxlsxwriter, loaded for the first workbook (dynlib.h) */
static struct {
	DYNLIB_FN(workbook_new_opt)
	DYNLIB_FN(workbook_add_worksheet)
	DYNLIB_FN(workbook_add_format)
	DYNLIB_FN(workbook_close)
	DYNLIB_FN(worksheet_write_string)
	DYNLIB_FN(worksheet_write_number)
	DYNLIB_FN(worksheet_set_column)
	DYNLIB_FN(worksheet_freeze_panes)
	DYNLIB_FN(worksheet_autofilter)
	DYNLIB_FN(lxw_strerror)
	DYNLIB_FN(format_set_num_format)
	DYNLIB_FN(format_set_bold)
} xl;

static int
load_xl(const char *path, struct diag *errs)
{
	static const struct dynlib_sym syms[] = {
		DYNLIB_SYM(xl, workbook_new_opt)
		DYNLIB_SYM(xl, workbook_add_worksheet)
		DYNLIB_SYM(xl, workbook_add_format)
		DYNLIB_SYM(xl, workbook_close)
		DYNLIB_SYM(xl, worksheet_write_string)
		DYNLIB_SYM(xl, worksheet_write_number)
		DYNLIB_SYM(xl, worksheet_set_column)
		DYNLIB_SYM(xl, worksheet_freeze_panes)
		DYNLIB_SYM(xl, worksheet_autofilter)
		DYNLIB_SYM(xl, lxw_strerror)
		DYNLIB_SYM(xl, format_set_num_format)
		DYNLIB_SYM(xl, format_set_bold)
	};
	static int done;
	char *why;

	if (dynlib_load(XLSX_LIB, syms, sizeof(syms) / sizeof(syms[0]), &done,
	    &why) == 0)
		return 0;
	/* path is a scratch name yet: the library is what to name */
	(void)path;
	diag_add(errs, "cannot make a workbook: %s", why);
	free(why);
	return -1;
}

/* Excel's limits: characters in a cell, rows in a sheet, column width. */
#define CELL_MAX	32767
#define WIDTH_MAX	60

struct sheet {
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	lxw_format	*bold, *date;
	lxw_row_t	 row;		/* the next row */
	lxw_col_t	 ncols;
	double		 width[64];
	lxw_error	 err;
	int		 full;		/* rows past Excel's last were left out */
	long		 dropped;
};

/* s made fit for a cell, in a buffer that is freed by the caller. */
static char *
fit(const char *s, size_t n)
{
	char *o = xmalloc(n + 1);
	size_t i = 0, at = 0, k, len;
	unsigned char c;

	while (i < n && at < CELL_MAX) {
		c = (unsigned char)s[i];
		len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ?
		    3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		for (k = 1; len > 1 && k < len; k++)
			if (i + k >= n || ((unsigned char)s[i + k] & 0xc0) != 0x80)
				len = 0;
		if (len == 2 && c < 0xc2)
			len = 0;
		/* no overlong forms, surrogates, U+FFFE/F or past U+10FFFF:
		 * XML takes none of them */
		if (len == 3) {
			unsigned char c1 = (unsigned char)s[i + 1];
			unsigned char c2 = (unsigned char)s[i + 2];

			if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0) ||
			    (c == 0xef && c1 == 0xbf && c2 >= 0xbe))
				len = 0;
		}
		if (len == 4 && (c > 0xf4 ||
		    (c == 0xf0 && (unsigned char)s[i + 1] < 0x90) ||
		    (c == 0xf4 && (unsigned char)s[i + 1] >= 0x90)))
			len = 0;
		if (len == 0 || (len == 1 && c < 0x20 && c != '\t' && c != '\n')) {
			o[at++] = '?';
			i++;
			continue;
		}
		memcpy(o + at, s + i, len);
		at += len;
		i += len;
	}
	o[at] = '\0';
	return o;
}

static void
widen(struct sheet *sh, lxw_col_t col, size_t chars)
{
	double w = (double)chars + 2;

	if (col < 64 && w > sh->width[col])
		sh->width[col] = w > WIDTH_MAX ? WIDTH_MAX : w;
	if (col + 1 > sh->ncols)
		sh->ncols = col + 1;
}

/* Can row sh->row be written?  Excel's last row is 1,048,576. */
static int
room(struct sheet *sh)
{
	if (sh->row < LXW_ROW_MAX)
		return 1;
	sh->full = 1;
	sh->dropped++;
	return 0;
}

static void
text_n(struct sheet *sh, lxw_col_t col, const char *s, size_t n)
{
	char *t;
	lxw_error e;

	if (n == 0)
		return;		/* an empty cell */
	t = fit(s, n);
	if ((e = xl.worksheet_write_string(sh->ws, sh->row, col, t,
	    sh->row == 0 ? sh->bold : NULL)) != LXW_NO_ERROR && !sh->err)
		sh->err = e;
	widen(sh, col, strlen(t));
	free(t);
}

static void
text(struct sheet *sh, lxw_col_t col, const char *s)
{
	if (s != NULL)
		text_n(sh, col, s, strlen(s));
}

static void
number(struct sheet *sh, lxw_col_t col, double v)
{
	char buf[32];
	lxw_error e;

	if ((e = xl.worksheet_write_number(sh->ws, sh->row, col, v, NULL)) !=
	    LXW_NO_ERROR && !sh->err)
		sh->err = e;
	widen(sh, col, (size_t)snprintf(buf, sizeof(buf), "%.0f", v));
}

/* A date of service as a date (days since 1899-12-30), else as text. */
static void
day(struct sheet *sh, lxw_col_t col, int d)
{
	char buf[DATE_BUFSZ];
	lxw_error e;
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	if (y < 1901 || y > 9999) {
		text(sh, col, date_format(d, buf));
		return;
	}
	if ((e = xl.worksheet_write_number(sh->ws, sh->row, col,
	    (double)d + 25569.0, sh->date)) != LXW_NO_ERROR && !sh->err)
		sh->err = e;
	widen(sh, col, 10);
}

static void
header(struct sheet *sh, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		text(sh, (lxw_col_t)i, names[i]);
	sh->row = 1;
}

static int
open_sheet(struct sheet *sh, lxw_workbook *wb, const char *name,
    lxw_format *bold, lxw_format *date)
{
	memset(sh, 0, sizeof(*sh));
	sh->wb = wb;
	sh->bold = bold;
	sh->date = date;
	sh->ws = xl.workbook_add_worksheet(wb, name);
	return sh->ws == NULL ? -1 : 0;
}

/* The header row frozen, an autofilter over what was written, widths. */
static void
close_sheet(struct sheet *sh)
{
	lxw_col_t c;

	for (c = 0; c < sh->ncols && c < 64; c++)
		xl.worksheet_set_column(sh->ws, c, c, sh->width[c], NULL);
	xl.worksheet_freeze_panes(sh->ws, 1, 0);
	if (sh->ncols > 0)
		xl.worksheet_autofilter(sh->ws, 0, 0,
		    sh->row > 0 ? sh->row - 1 : 0, sh->ncols - 1);
}

/* A workbook at path; *dir, its scratch folder, lives until it is closed. */
static lxw_workbook *
new_book(const char *path, lxw_format **bold, lxw_format **date, char **dirp)
{
	lxw_workbook_options o;
	lxw_workbook *wb;

	char *dir, *slash;

	/* its scratch files beside the workbook, not in the system's /tmp */
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	memset(&o, 0, sizeof(o));
	o.constant_memory = LXW_TRUE;
	o.use_zip64 = LXW_TRUE;
	o.tmpdir = dir;
	*dirp = dir;
	if ((wb = xl.workbook_new_opt(path, &o)) == NULL)
		return NULL;
	*bold = xl.workbook_add_format(wb);
	xl.format_set_bold(*bold);
	*date = xl.workbook_add_format(wb);
	xl.format_set_num_format(*date, "yyyy-mm-dd");
	return wb;
}

static int
finish(lxw_workbook *wb, const char *path, lxw_error err, long dropped,
    char *dir, struct diag *errs)
{
	lxw_error e = xl.workbook_close(wb);

	free(dir);
	if (err == LXW_NO_ERROR)
		err = e;
	if (err != LXW_NO_ERROR) {
		diag_add(errs, "%s: cannot write the workbook: %s", path,
		    xl.lxw_strerror(err));
		return -1;
	}
	if (dropped > 0) {
		diag_add(errs, "%s: %ld row%s past a sheet's 1,048,576 left out; "
		    "-f csv has them all", path, dropped, dropped == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

/* The Rejects sheet: reason, file, line, and the row as read. */
static void
rejects_sheet(struct sheet *sh, const struct report *const *reps, size_t nreps,
    const struct logrun *run)
{
	static const char *const cols[] = { "reason", "file", "line" };
	struct logread_reject j;
	size_t i, k;

	if (run != NULL)	/* the header row: the logs' columns too */
		for (k = 0; k < run->nheader; k++)
			text(sh, (lxw_col_t)(3 + k), run->header[k]);
	header(sh, cols, 3);
	/* a log's rows, as read, when they were kept */
	memset(&j, 0, sizeof(j));
	for (i = 0; run != NULL && i < run->nrows && room(sh); i++, sh->row++) {
		logread_reject_get(run, i, &j);
		text(sh, 0, j.reason);
		text(sh, 1, j.file);
		number(sh, 2, (double)j.line);
		for (k = 0; k < run->nheader; k++)
			text_n(sh, (lxw_col_t)(3 + k), j.field[k], j.len[k]);
	}
	logread_reject_done(&j);
	/* the others' (calendars, authorizations, a log without its rows) */
	for (k = 0; k < nreps; k++) {
		if (reps[k] == NULL || (run != NULL && reps[k] == run->report))
			continue;
		for (i = 0; i < reps[k]->nrejects && room(sh); i++, sh->row++) {
			text(sh, 0, reps[k]->rejects[i].reason);
			text(sh, 1, reps[k]->rejects[i].file);
			if (reps[k]->rejects[i].line > 0)
				number(sh, 2, (double)reps[k]->rejects[i].line);
		}
	}
	if (sh->ncols < 3)
		sh->ncols = 3;
}

int
xlsx_write_report(const char *path, const struct report *r,
    const struct logrun *run, struct diag *errs)
{
	static const char *const cols[] = { "patient", "date", "family",
		"minutes", "code", "units", "provider", "payer", "modifiers",
		"start", "end", "source" };
	static const char *const tcols[] = { "patient", "code", "units", "",
		"provider", "code", "units" };
	const struct report *reps[1] = { r };
	struct report_line l;
	struct sheet sh;
	lxw_workbook *wb;
	lxw_format *bold, *date;
	lxw_error err = LXW_NO_ERROR;
	struct report_sum *t, *pt;
	size_t i, k, nt, npt;
	long dropped = 0;
	char *dir = NULL;

	if (load_xl(path, errs) != 0)
		return -1;
	if ((wb = new_book(path, &bold, &date, &dir)) == NULL) {
		free(dir);
		diag_add(errs, "%s: cannot make the workbook", path);
		return -1;
	}
	/* Units: the CSV's lines, one per billed code */
	open_sheet(&sh, wb, "Units", bold, date);
	header(&sh, cols, r->by_session ? 12 : 9);
	for (i = 0; i < r->nlines; i++) {
		report_get(r, i, &l);
		for (k = 0; k < l.ncodes && room(&sh); k++, sh.row++) {
			text(&sh, 0, l.patient);
			day(&sh, 1, l.date);
			text(&sh, 2, l.family);
			number(&sh, 3, (double)l.minutes);
			text(&sh, 4, l.codes[k].code);
			number(&sh, 5, (double)l.codes[k].units);
			text(&sh, 6, l.provider);
			text(&sh, 7, l.payer);
			text(&sh, 8, l.modifiers);
			if (r->by_session) {
				text(&sh, 9, l.start);
				text(&sh, 10, l.end);
				text(&sh, 11, l.source);
			}
		}
	}
	close_sheet(&sh);
	err = sh.err;
	dropped += sh.dropped;

	/*
	 * Totals: per patient and code, and beside them per provider; row by
	 * row, as constant memory writes them
	 */
	open_sheet(&sh, wb, "Totals", bold, date);
	header(&sh, tcols, 7);
	t = report_sums(r, SUM_BY_PATIENT, &nt);
	pt = report_sums(r, SUM_BY_PROVIDER, &npt);
	for (i = 0; i < nt || i < npt; i++, sh.row++) {
		if (i < nt) {
			text(&sh, 0, t[i].key);
			text(&sh, 1, t[i].code);
			number(&sh, 2, (double)t[i].units);
		}
		if (i < npt) {
			text(&sh, 4, pt[i].key);
			text(&sh, 5, pt[i].code);
			number(&sh, 6, (double)pt[i].units);
		}
	}
	free(t);
	free(pt);
	close_sheet(&sh);
	if (err == LXW_NO_ERROR)
		err = sh.err;

	open_sheet(&sh, wb, "Rejects", bold, date);
	rejects_sheet(&sh, reps, 1, run);
	close_sheet(&sh);
	if (err == LXW_NO_ERROR)
		err = sh.err;
	dropped += sh.dropped;
	return finish(wb, path, err, dropped, dir, errs);
}

int
xlsx_write_auth(const char *path, const struct authset *set,
    const struct report *const reps[3], const struct logrun *run,
    struct diag *errs)
{
	static const char *const cols[] = { "auth", "patient", "code",
		"period_start", "period_end", "authorized", "billed", "scheduled",
		"remaining", "per", "payer" };
	static const char *const ocols[] = { "file", "line", "patient", "date",
		"code", "units", "kind" };
	const struct auth *a;
	const struct auth_period *p;
	struct sheet sh;
	lxw_workbook *wb;
	lxw_format *bold, *date;
	lxw_error err;
	size_t i, j;
	long dropped = 0;
	char *dir = NULL;

	if (load_xl(path, errs) != 0)
		return -1;
	if ((wb = new_book(path, &bold, &date, &dir)) == NULL) {
		free(dir);
		diag_add(errs, "%s: cannot make the workbook", path);
		return -1;
	}
	open_sheet(&sh, wb, "Authorizations", bold, date);
	header(&sh, cols, 11);
	for (i = 0; i < set->n; i++) {
		a = &set->v[i];
		for (j = 0; j < a->nperiods && room(&sh); j++, sh.row++) {
			p = &a->periods[j];
			text(&sh, 0, a->id);
			text(&sh, 1, a->patient);
			text(&sh, 2, a->code);
			day(&sh, 3, p->start);
			day(&sh, 4, p->end);
			number(&sh, 5, (double)a->units);
			number(&sh, 6, (double)p->billed);
			number(&sh, 7, (double)p->scheduled);
			number(&sh, 8, (double)(a->units - p->billed - p->scheduled));
			text(&sh, 9, auth_per_name(a->per));
			text(&sh, 10, a->payer);
		}
	}
	close_sheet(&sh);
	err = sh.err;
	dropped += sh.dropped;

	open_sheet(&sh, wb, "Outside", bold, date);
	header(&sh, ocols, 7);
	for (i = 0; i < set->nout && room(&sh); i++, sh.row++) {
		text(&sh, 0, set->out[i].file);
		number(&sh, 1, (double)set->out[i].line);
		text(&sh, 2, set->out[i].patient);
		day(&sh, 3, set->out[i].date);
		text(&sh, 4, set->out[i].code);
		number(&sh, 5, (double)set->out[i].units);
		text(&sh, 6, set->out[i].scheduled ? "scheduled" : "billed");
	}
	close_sheet(&sh);
	if (err == LXW_NO_ERROR)
		err = sh.err;
	dropped += sh.dropped;

	open_sheet(&sh, wb, "Rejects", bold, date);
	rejects_sheet(&sh, reps, 3, run);
	close_sheet(&sh);
	if (err == LXW_NO_ERROR)
		err = sh.err;
	dropped += sh.dropped;
	return finish(wb, path, err, dropped, dir, errs);
}
