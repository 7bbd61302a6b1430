/*
 * outfile: output that is all or nothing, and harms nothing.  With a path
 * to a regular file (or a symlink to one, or nothing yet), text goes to a
 * temporary file made safely (mkstemp) beside the target, with the
 * target's mode, and is renamed over it only when complete, so an earlier
 * file survives any failure; a device or FIFO is written in place; without
 * a path (NULL or "-"), to standard output.
 *
 * Ownership: the struct owns its paths and stream until outfile_close.
 */
#ifndef CPTUNITS_OUTFILE_H
#define CPTUNITS_OUTFILE_H

#include <stdio.h>

#include "diag.h"

struct outfile {
	FILE	*fp;
	char	*path;		/* the file written; NULL: standard output */
	char	*tmp;		/* NULL: written in place (a device, a FIFO) */
	char	*shown;		/* the path as given, for messages */
};

/* 0, or -1 with a message naming the path. */
int	outfile_open(struct outfile *, const char *path, struct diag *);
/* The same for output that must go to a regular file (a workbook): a
 * device or FIFO is refused without being opened, with "PATH: `what`
 * to a regular file". */
int	outfile_open_regular(struct outfile *, const char *path,
	    const char *what, struct diag *);
/*
 * Finish: with commit, flush, check for write errors and rename into
 * place; without, discard.  0, or -1 with a message naming the path.
 */
int	outfile_close(struct outfile *, int commit, struct diag *);
/* 1 when both paths name one regular file (or one path yet to be made). */
int	outfile_same(const char *, const char *);

#endif
