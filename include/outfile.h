/*
 * outfile: output that is all or nothing.  With a path, text goes to a
 * temporary file made safely (mkstemp) beside the target and is renamed
 * over it only when complete, so an earlier file survives any failure;
 * without one (NULL or "-"), to standard output.
 *
 * Ownership: the struct owns its paths and stream until outfile_close.
 */
#ifndef CPTUNITS_OUTFILE_H
#define CPTUNITS_OUTFILE_H

#include <stdio.h>

#include "diag.h"

struct outfile {
	FILE	*fp;
	char	*path;		/* NULL: standard output */
	char	*tmp;
};

/* 0, or -1 with a message naming the path. */
int	outfile_open(struct outfile *, const char *path, struct diag *);
/*
 * Finish: with commit, flush, check for write errors and rename into
 * place; without, discard.  0, or -1 with a message naming the path.
 */
int	outfile_close(struct outfile *, int commit, struct diag *);

#endif
