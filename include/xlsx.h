/*
 * xlsx: the workbook of -f xlsx (SPEC §4), written with libxlsxwriter:
 * Units (the CSV lines, numbers as numbers and dates as dates), Totals
 * (per patient and code, and per provider), Rejects (reason, file, line,
 * the row), and Authorizations for auth.  Each sheet has a frozen header
 * row, an autofilter and column widths to fit.
 */
#ifndef CPTUNITS_XLSX_H
#define CPTUNITS_XLSX_H

#include "auth.h"
#include "diag.h"
#include "logread.h"
#include "report.h"

/*
 * Write the workbook of a log's or a calendar's report to path (a new
 * file: the temporary one of -o).  run, when not NULL, gives the rejected
 * rows as read.  0, or -1 with a message in errs.
 */
int	xlsx_write_report(const char *path, const struct report *,
	    const struct logrun *, struct diag *errs);
/* The same for auth: Authorizations, Outside, Rejects. */
int	xlsx_write_auth(const char *path, const struct authset *,
	    const struct report *const reps[3], const struct logrun *,
	    struct diag *errs);

#endif
