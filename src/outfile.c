/*
 * outfile: atomic output files.  The temporary file lives in the target's
 * directory so that rename(2) is atomic; its mode follows the umask as a
 * plain fopen's would.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "strutil.h"

/*
 * Temporary files being written, removed if the run is interrupted
 * (SIGINT, SIGTERM, SIGHUP) so that nothing half-written is left beside
 * the target; the target itself is only ever replaced whole.  A SIGKILL
 * cannot be caught: it may leave a .cptunits-XXXXXX file, never a partial
 * target.
 */
#define MAX_ACTIVE	4
static char *volatile active[MAX_ACTIVE];

static void
interrupted(int sig)
{
	int i;

	for (i = 0; i < MAX_ACTIVE; i++)
		if (active[i] != NULL)
			unlink(active[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
track(char *tmp, int on)
{
	static int handlers;
	int i;

	if (!handlers) {
		handlers = 1;
		signal(SIGINT, interrupted);
		signal(SIGTERM, interrupted);
		signal(SIGHUP, interrupted);
	}
	for (i = 0; i < MAX_ACTIVE; i++)
		if (on ? active[i] == NULL : active[i] == tmp) {
			active[i] = on ? tmp : NULL;
			return;
		}
}

int
outfile_open(struct outfile *o, const char *path, struct diag *errs)
{
	const char *slash;
	mode_t mask;
	int fd;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return 0;
	}
	o->path = xstrdup(path);
	slash = strrchr(path, '/');
	if (slash)
		o->tmp = xasprintf("%.*s/.cptunits-XXXXXX", (int)(slash - path),
		    path);
	else
		o->tmp = xstrdup(".cptunits-XXXXXX");
	if ((fd = mkstemp(o->tmp)) == -1) {
		diag_add(errs, "%s: %s", path, strerror(errno));
		goto fail;
	}
	track(o->tmp, 1);
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	if ((o->fp = fdopen(fd, "w")) == NULL) {
		diag_add(errs, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		track(o->tmp, 0);
		goto fail;
	}
	return 0;
fail:
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return -1;
}

int
outfile_close(struct outfile *o, int commit, struct diag *errs)
{
	const char *name = o->path ? o->path : "standard output";
	int rc = 0, err = 0;

	if (o->fp == NULL)
		return 0;
	if (fflush(o->fp) != 0 || ferror(o->fp))
		err = errno ? errno : EIO;
	if (o->path == NULL) {
		if (err && commit) {
			diag_add(errs, "%s: %s", name, strerror(err));
			rc = -1;
		}
		o->fp = NULL;
		return rc;
	}
	if (!err && commit && fsync(fileno(o->fp)) != 0 && errno != EINVAL)
		err = errno;
	if (fclose(o->fp) != 0 && !err)
		err = errno;
	o->fp = NULL;
	if (commit && !err && rename(o->tmp, o->path) != 0)
		err = errno;
	if (err || !commit)
		unlink(o->tmp);
	track(o->tmp, 0);
	if (err && commit) {
		diag_add(errs, "%s: %s", name, strerror(err));
		rc = -1;
	}
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	return rc;
}
