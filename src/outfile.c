/*
 * outfile: output files that harm nothing.  A regular file is written to
 * a temporary file in its own directory (so rename(2) is atomic), given
 * the mode and owner of the file it replaces, and renamed over it only
 * when complete; a symlink is followed and its target is what is
 * replaced, never the link; a device, FIFO or socket is not ours to
 * replace, so it is written in place.  A new file's mode follows the
 * umask as a plain fopen's would.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/*
 * The file a path names once symlinks are followed: the path itself when
 * it is no symlink, else the final target (which may not exist yet, for
 * a dangling link).  NULL with errno on a loop or an error.
 */
static char *
resolve(const char *path)
{
	char *cur = xstrdup(path), buf[PATH_MAX], *next;
	const char *slash;
	struct stat st;
	ssize_t n;
	int hops;

	for (hops = 0; hops < 40; hops++) {
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		if ((n = readlink(cur, buf, sizeof(buf) - 1)) < 0) {
			free(cur);
			return NULL;
		}
		buf[n] = '\0';
		slash = strrchr(cur, '/');
		if (buf[0] == '/' || slash == NULL)
			next = xstrdup(buf);
		else
			next = xasprintf("%.*s/%s", (int)(slash - cur), cur, buf);
		free(cur);
		cur = next;
	}
	free(cur);
	errno = ELOOP;
	return NULL;
}

static int open_as(struct outfile *, const char *, const char *,
    struct diag *);

int
outfile_open(struct outfile *o, const char *path, struct diag *errs)
{
	return open_as(o, path, NULL, errs);
}

int
outfile_open_regular(struct outfile *o, const char *path, const char *what,
    struct diag *errs)
{
	return open_as(o, path, what, errs);
}

/* regular: NULL, or what says that it writes only to a regular file. */
static int
open_as(struct outfile *o, const char *path, const char *regular,
    struct diag *errs)
{
	const char *slash;
	struct stat st;
	mode_t mask, mode;
	int fd, exists;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return 0;
	}
	o->shown = xstrdup(path);
	if ((o->path = resolve(path)) == NULL) {
		diag_add(errs, "%s: %s", path, strerror(errno));
		goto fail;
	}
	exists = stat(o->path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		diag_add(errs, "%s: %s", path, strerror(EISDIR));
		goto fail;
	}
	if (exists && !S_ISREG(st.st_mode) && regular != NULL) {
		/* refused before a FIFO's open could wait for a reader */
		diag_add(errs, "%s: %s to a regular file", path, regular);
		goto fail;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		/* a device, a FIFO: written in place, never replaced */
		if ((fd = open(o->path, O_WRONLY | O_NOCTTY)) == -1 ||
		    (o->fp = fdopen(fd, "w")) == NULL) {
			diag_add(errs, "%s: %s", path, strerror(errno));
			if (fd != -1)
				close(fd);
			goto fail;
		}
		return 0;
	}
	slash = strrchr(o->path, '/');
	if (slash)
		o->tmp = xasprintf("%.*s/.cptunits-XXXXXX",
		    (int)(slash - o->path), o->path);
	else
		o->tmp = xstrdup(".cptunits-XXXXXX");
	if ((fd = mkstemp(o->tmp)) == -1) {
		diag_add(errs, "%s: %s", path, strerror(errno));
		goto fail;
	}
	track(o->tmp, 1);
	if (exists) {
		/* the replacement is the file it replaces: mode and owner */
		mode = st.st_mode & 07777;
		if (fchown(fd, st.st_uid, st.st_gid) != 0)
			mode &= ~(mode_t)(S_ISUID | S_ISGID);
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	(void)fchmod(fd, mode);
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
	free(o->shown);
	memset(o, 0, sizeof(*o));
	return -1;
}

int
outfile_close(struct outfile *o, int commit, struct diag *errs)
{
	const char *name = o->shown ? o->shown : "standard output";
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
	if (o->tmp == NULL) {
		/* written in place: what is written is written */
		if (fclose(o->fp) != 0 && !err)
			err = errno;
	} else {
		if (!err && commit && fsync(fileno(o->fp)) != 0 &&
		    errno != EINVAL)
			err = errno;
		if (fclose(o->fp) != 0 && !err)
			err = errno;
		if (commit && !err && rename(o->tmp, o->path) != 0)
			err = errno;
		if (err || !commit)
			unlink(o->tmp);
		track(o->tmp, 0);
	}
	o->fp = NULL;
	if (err && commit) {
		diag_add(errs, "%s: %s", name, strerror(err));
		rc = -1;
	}
	free(o->path);
	free(o->tmp);
	free(o->shown);
	o->path = o->tmp = o->shown = NULL;
	return rc;
}

int
outfile_same(const char *a, const char *b)
{
	struct stat sa, sb;
	char *ra, *rb;
	int same;

	if (a == NULL || b == NULL || strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return 0;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev &&
		    sa.st_ino == sb.st_ino;
	/* not there yet: the same path once links are followed */
	ra = resolve(a);
	rb = resolve(b);
	same = ra && rb && strcmp(ra, rb) == 0;
	free(ra);
	free(rb);
	return same;
}
