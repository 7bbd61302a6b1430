/*
 * serve: one page, and an API that is the command line.
 *
 *   GET  /                 the page (HTML; its script and style below)
 *   GET  /app.js, /style.css, /example.csv, /example.ics
 *   POST /api/units?format=csv|tsv|json|xlsx&from=&to=&tz=&patient=&payer=
 *        body: a log or a calendar (told apart by its content), or
 *        multipart/form-data with parts "file" and, optionally, "rules"
 *   POST /api/auth?format=...&since=...   multipart: "auths", "file"...,
 *        optionally "rules"
 *   POST /api/annotate?...  body: a calendar; the calendar annotated
 *
 * A request runs this program (/proc/self/exe) with the options the
 * query names, as separate arguments ("--from=VALUE": a value is never an
 * option), the body on its standard input and every part in a memfd, its
 * output and messages in memfds: nothing reaches the disk but a
 * workbook's few moments in a private directory of /dev/shm.  The answer
 * is its standard output, with its exit status in X-Cptunits-Exit; a
 * usage error (exit 2) is 400 and an unusable input (exit 3) 422, with
 * its messages (which never name a patient) as the body.
 *
 * Safe by default: it listens on loopback unless told otherwise (and then
 * warns); a Host header that is not the address it listens on is refused
 * (403, against DNS rebinding); a body over the limit is refused (413)
 * before it is read; connections, memory in flight and each run's time
 * are bounded; it logs no request (so no query, no body, no patient).
 * SIGINT or SIGTERM stops it after the requests in
 * flight, exit status 0.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "diag.h"
#include "dynlib.h"
#include "ics.h"
#include "serve.h"
#include "strutil.h"

#ifndef MHD_LIB
#define MHD_LIB		"libmicrohttpd.so.12"
#endif

/* libmicrohttpd, loaded when the server starts (dynlib.h) */
static struct {
	DYNLIB_FN(MHD_add_response_header)
	DYNLIB_FN(MHD_create_post_processor)
	DYNLIB_FN(MHD_create_response_from_buffer)
	DYNLIB_FN(MHD_destroy_post_processor)
	DYNLIB_FN(MHD_destroy_response)
	DYNLIB_FN(MHD_get_daemon_info)
	DYNLIB_FN(MHD_lookup_connection_value)
	DYNLIB_FN(MHD_post_process)
	DYNLIB_FN(MHD_queue_response)
	DYNLIB_FN(MHD_quiesce_daemon)
	DYNLIB_FN(MHD_start_daemon)
	DYNLIB_FN(MHD_stop_daemon)
} mhd;

static int
load_mhd(void)
{
	static const struct dynlib_sym syms[] = {
		DYNLIB_SYM(mhd, MHD_add_response_header)
		DYNLIB_SYM(mhd, MHD_create_post_processor)
		DYNLIB_SYM(mhd, MHD_create_response_from_buffer)
		DYNLIB_SYM(mhd, MHD_destroy_post_processor)
		DYNLIB_SYM(mhd, MHD_destroy_response)
		DYNLIB_SYM(mhd, MHD_get_daemon_info)
		DYNLIB_SYM(mhd, MHD_lookup_connection_value)
		DYNLIB_SYM(mhd, MHD_post_process)
		DYNLIB_SYM(mhd, MHD_queue_response)
		DYNLIB_SYM(mhd, MHD_quiesce_daemon)
		DYNLIB_SYM(mhd, MHD_start_daemon)
		DYNLIB_SYM(mhd, MHD_stop_daemon)
	};
	static int done;
	char *why;

	if (dynlib_load(MHD_LIB, syms, sizeof(syms) / sizeof(syms[0]), &done,
	    &why) == 0)
		return 0;
	warnmsg("serve: %s", why);
	free(why);
	return -1;
}

extern char **environ;

/* Compiled in from web/ and examples/ by the Makefile. */
extern const char serve_index_html[], serve_app_js[], serve_style_css[];
extern const char serve_example_csv[], serve_example_ics[];

#define DEFAULT_LISTEN	"127.0.0.1:8631"
#define MAX_CONNECTIONS	64
#define POOL_THREADS	8
#define IDLE_SECONDS	60	/* a connection that sends nothing */
#define RUN_SECONDS	300	/* one run of the command line */
#define MAX_PARTS	16
#define MAX_ARGS	40

struct server {
	struct MHD_Daemon	*d;
	char			 hosts[3][96];	/* Host headers accepted */
	size_t			 nhosts;
	int			 loopback;	/* listening on loopback */
	char			 port[8];
	size_t			 max_upload;
	atomic_size_t		 inflight;	/* bytes of bodies held */
	atomic_int		 active;	/* requests being answered */
	atomic_int		 ready;		/* hosts and port are set (after the
						   daemon starts: its port) */
	int			 quiet;
};

struct part {
	char	name[16];
	int	fd;		/* a memfd */
	size_t	len;
};

struct req {
	int			 fd;		/* the raw body, a memfd; -1 none */
	size_t			 len;
	int			 too_big, failed, multipart, counted;
	struct MHD_PostProcessor *pp;
	struct part		 parts[MAX_PARTS];
	size_t			 nparts;
	struct server		*S;
};

static int
new_memfd(const char *name)
{
	return memfd_create(name, MFD_CLOEXEC);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The whole of a memfd, in a new buffer (NUL-terminated); NULL on error. */
static char *
read_fd(int fd, size_t *len)
{
	struct stat sb;
	char *buf;
	size_t at = 0;
	ssize_t r;

	if (fstat(fd, &sb) != 0)
		return NULL;
	buf = xmalloc((size_t)sb.st_size + 1);
	while (at < (size_t)sb.st_size) {
		r = pread(fd, buf + at, (size_t)sb.st_size - at, (off_t)at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		at += (size_t)r;
	}
	buf[at] = '\0';
	*len = at;
	return buf;
}

/* ---- answers --------------------------------------------------------- */

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned int status, const char *type,
    char *body, size_t len, int owned, int exitcode, const char *filename)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	char buf[160];

	r = mhd.MHD_create_response_from_buffer(len, body, owned ?
	    MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	mhd.MHD_add_response_header(r, "Content-Type", type);
	mhd.MHD_add_response_header(r, "Cache-Control", "no-store");
	mhd.MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	mhd.MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	mhd.MHD_add_response_header(r, "X-Frame-Options", "DENY");
	mhd.MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'self'; img-src 'self' data: blob:; "
	    "frame-ancestors 'none'; form-action 'self'");
	if (exitcode >= 0) {
		snprintf(buf, sizeof(buf), "%d", exitcode);
		mhd.MHD_add_response_header(r, "X-Cptunits-Exit", buf);
	}
	if (filename != NULL) {
		snprintf(buf, sizeof(buf), "attachment; filename=\"%s\"",
		    filename);
		mhd.MHD_add_response_header(r, "Content-Disposition", buf);
	}
	rc = mhd.MHD_queue_response(c, status, r);
	mhd.MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
refuse(struct MHD_Connection *c, unsigned int status, const char *why)
{
	return answer(c, status, "text/plain; charset=utf-8", (char *)why,
	    strlen(why), 0, -1, NULL);
}

/* ---- the command line, run for a request ---------------------------- */

struct run {
	char	*argv[MAX_ARGS + 1];
	int	 argc;
	int	 in;		/* standard input, or -1 for none */
	int	 files[MAX_PARTS];	/* /dev/fd/3... */
	int	 nfiles;
	char	*out, *err;
	size_t	 outlen, errlen;
	int	 status;	/* exit status; -1 killed */
};

static void
arg(struct run *R, const char *fmt, const char *v)
{
	if (R->argc < MAX_ARGS)
		R->argv[R->argc++] = xasprintf(fmt, v);
}

/* A file given to the child as /dev/fd/N; returns that path's argument. */
static void
arg_file(struct run *R, int fd)
{
	char buf[32];

	if (R->nfiles >= MAX_PARTS)
		return;
	snprintf(buf, sizeof(buf), "/dev/fd/%d", 3 + R->nfiles);
	R->files[R->nfiles++] = fd;
	arg(R, "%s", buf);
}

static void
run_free(struct run *R)
{
	int i;

	for (i = 0; i < R->argc; i++)
		free(R->argv[i]);
	free(R->out);
	free(R->err);
}

/* Run the program; 0 with out, err and status, or -1. */
static int
run_cli(struct run *R)
{
	posix_spawn_file_actions_t fa;
	int out = new_memfd("cptunits-out"), err = new_memfd("cptunits-err");
	int hi[MAX_PARTS + 1], i, st, rc = -1;
	struct timespec ts = { 0, 2000000 };
	pid_t pid;
	long waited = 0;

	R->argv[R->argc] = NULL;
	if (out < 0 || err < 0)
		goto done;
	/* move the sources far above the targets (0, 1, 2, 3...) first */
	for (i = 0; i < R->nfiles; i++)
		hi[i] = fcntl(R->files[i], F_DUPFD_CLOEXEC, 100);
	posix_spawn_file_actions_init(&fa);
	if (R->in >= 0) {
		lseek(R->in, 0, SEEK_SET);
		posix_spawn_file_actions_adddup2(&fa, R->in, 0);
	} else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	for (i = 0; i < R->nfiles; i++)
		if (hi[i] >= 0) {
			lseek(hi[i], 0, SEEK_SET);
			posix_spawn_file_actions_adddup2(&fa, hi[i], 3 + i);
		}
	rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, R->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	for (i = 0; i < R->nfiles; i++)
		if (hi[i] >= 0)
			close(hi[i]);
	if (rc != 0) {
		rc = -1;
		goto done;
	}
	/* bounded: a run that takes too long is killed */
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			st = -1;
			break;
		}
		if (waited++ > RUN_SECONDS * 500L) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			st = -1;
			break;
		}
		nanosleep(&ts, NULL);
	}
	R->status = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	R->out = read_fd(out, &R->outlen);
	R->err = read_fd(err, &R->errlen);
	rc = R->out && R->err ? 0 : -1;
done:
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	return rc;
}

/* ---- requests --------------------------------------------------------- */

static struct part *
part_named(struct req *q, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < q->nparts; i++)
		if (strcmp(q->parts[i].name, name) == 0 && nth-- == 0)
			return &q->parts[i];
	return NULL;
}

/* Account for n more bytes of body; 0, or -1 when over a limit. */
static int
take(struct req *q, size_t n)
{
	struct server *S = q->S;

	if (q->len + n > S->max_upload) {
		q->too_big = 1;
		return -1;
	}
	/* all bodies held at once: four of the largest */
	if (atomic_fetch_add(&S->inflight, n) + n > 4 * S->max_upload) {
		atomic_fetch_sub(&S->inflight, n);
		q->failed = 1;
		return -1;
	}
	q->len += n;
	q->counted = 1;
	return 0;
}

static enum MHD_Result
post_part(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *type, const char *enc,
    const char *data, uint64_t off, size_t size)
{
	struct req *q = cls;
	struct part *p = NULL;

	(void)kind;
	(void)filename;
	(void)type;
	(void)enc;
	if (key == NULL || q->too_big || q->failed)
		return MHD_YES;
	if (strcmp(key, "file") != 0 && strcmp(key, "rules") != 0 &&
	    strcmp(key, "auths") != 0)
		return MHD_YES;		/* ignored, as form fields go */
	if (off == 0) {
		if (q->nparts >= MAX_PARTS) {
			q->failed = 1;
			return MHD_YES;
		}
		p = &q->parts[q->nparts++];
		snprintf(p->name, sizeof(p->name), "%s", key);
		p->len = 0;
		if ((p->fd = new_memfd("cptunits-part")) < 0) {
			q->nparts--;
			q->failed = 1;
			return MHD_YES;
		}
	} else if (q->nparts > 0)
		p = &q->parts[q->nparts - 1];
	if (p == NULL || size == 0)
		return MHD_YES;
	if (take(q, size) != 0 || write_all(p->fd, data, size) != 0)
		q->failed = q->too_big ? 0 : 1;
	else
		p->len += size;
	return MHD_YES;
}

/* Does the text start as a calendar (BEGIN:VCALENDAR, a bare VEVENT)? */
static int
is_calendar(int fd)
{
	char head[64];
	ssize_t n = pread(fd, head, sizeof(head) - 1, 0);

	head[n < 0 ? 0 : n] = '\0';
	return ics_sniff(head);
}

static const char *
query(struct MHD_Connection *c, const char *key)
{
	const char *v = mhd.MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    key);

	return v != NULL && *v != '\0' ? v : NULL;
}

static const char *
content_type(const char *format)
{
	if (strcmp(format, "csv") == 0)
		return "text/csv; charset=utf-8";
	if (strcmp(format, "tsv") == 0)
		return "text/tab-separated-values; charset=utf-8";
	if (strcmp(format, "json") == 0)
		return "application/json";
	return "application/vnd.openxmlformats-officedocument.spreadsheetml."
	    "sheet";
}

/* The window and zone options every API call takes. */
static void
common_args(struct run *R, struct MHD_Connection *c)
{
	const char *v;

	if ((v = query(c, "from")) != NULL)
		arg(R, "--from=%s", v);
	if ((v = query(c, "to")) != NULL)
		arg(R, "--to=%s", v);
	if ((v = query(c, "tz")) != NULL)
		arg(R, "--tz=%s", v);
	if ((v = query(c, "payer")) != NULL)
		arg(R, "--payer=%s", v);
}

static enum MHD_Result
api(struct MHD_Connection *c, struct req *q, const char *what)
{
	struct run R;
	struct part *p;
	const char *format = query(c, "format"), *v;
	char dir[32] = "/dev/shm/cptunits-XXXXXX", *book = NULL;
	int main_fd, calendar, annotate = strcmp(what, "annotate") == 0;
	int is_auth = strcmp(what, "auth") == 0;
	size_t i, blen;
	enum MHD_Result rc;

	if (format == NULL)
		format = annotate ? "ics" : "csv";
	if (!annotate && strcmp(format, "csv") != 0 && strcmp(format, "tsv") &&
	    strcmp(format, "json") != 0 && strcmp(format, "xlsx") != 0)
		return refuse(c, MHD_HTTP_BAD_REQUEST, "format: csv, tsv, json "
		    "or xlsx\n");
	memset(&R, 0, sizeof(R));
	R.in = -1;
	arg(&R, "%s", "cptunits");
	if (!annotate)
		arg(&R, "--format=%s", format);
	if ((p = part_named(q, "rules", 0)) != NULL) {
		R.argv[R.argc++] = xstrdup("-c");
		arg_file(&R, p->fd);
	}
	common_args(&R, c);

	if (is_auth) {
		struct part *a = part_named(q, "auths", 0);

		if ((v = query(c, "since")) != NULL)
			arg(&R, "--since=%s", v);
		if (a == NULL || part_named(q, "file", 0) == NULL) {
			run_free(&R);
			return refuse(c, MHD_HTTP_BAD_REQUEST, "auth: send the "
			    "parts \"auths\" and \"file\" (multipart/form-data)\n");
		}
		arg(&R, "%s", "auth");
		arg_file(&R, a->fd);
		for (i = 0; (p = part_named(q, "file", i)) != NULL; i++)
			arg_file(&R, p->fd);
	} else {
		if (q->multipart)
			main_fd = (p = part_named(q, "file", 0)) ? p->fd : -1;
		else {
			/* an empty body is read as the command line reads one */
			if (q->fd < 0)
				q->fd = new_memfd("cptunits-body");
			main_fd = q->fd;
		}
		if (main_fd < 0) {
			run_free(&R);
			return refuse(c, MHD_HTTP_BAD_REQUEST, "send a log or a "
			    "calendar as the body (or as the part \"file\")\n");
		}
		calendar = is_calendar(main_fd);
		if (annotate && !calendar) {
			run_free(&R);
			return refuse(c, MHD_HTTP_BAD_REQUEST, "annotate: the body "
			    "is not a calendar\n");
		}
		if (calendar && (v = query(c, "patient")) != NULL)
			arg(&R, "--patient=%s", v);
		arg(&R, "%s", calendar ? "ics" : "log");
		if (annotate)
			arg(&R, "%s", "--annotate");
		arg(&R, "%s", "-");
		R.in = main_fd;
	}

	/* a workbook is written by name: to a private directory in memory */
	if (strcmp(format, "xlsx") == 0) {
		if (mkdtemp(dir) == NULL && (snprintf(dir, sizeof(dir), "%s",
		    "/tmp/cptunits-XXXXXX"), mkdtemp(dir) == NULL)) {
			run_free(&R);
			return refuse(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "no room for the workbook\n");
		}
		book = xasprintf("%s/units.xlsx", dir);
		/* before the command: an option, wherever it stands */
		arg(&R, "--output=%s", book);
	}
	if (run_cli(&R) != 0 || R.status < 0) {
		rc = refuse(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the run failed\n");
	} else if (R.status == 2 || R.status == 3) {
		rc = answer(c, R.status == 2 ? MHD_HTTP_BAD_REQUEST :
		    MHD_HTTP_UNPROCESSABLE_CONTENT, "text/plain; charset=utf-8",
		    R.err, R.errlen, 1, R.status, NULL);
		R.err = NULL;
	} else if (book != NULL) {
		int fd = open(book, O_RDONLY | O_CLOEXEC);
		char *b = NULL;

		if (fd >= 0) {
			b = read_fd(fd, &blen);
			close(fd);
		}
		rc = b ? answer(c, MHD_HTTP_OK, content_type("xlsx"), b, blen, 1,
		    R.status, is_auth ? "authorizations.xlsx" : "units.xlsx") :
		    refuse(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no workbook\n");
	} else {
		rc = answer(c, MHD_HTTP_OK, annotate ? "text/calendar; "
		    "charset=utf-8" : content_type(format), R.out, R.outlen, 1,
		    R.status, annotate ? "annotated.ics" : NULL);
		R.out = NULL;
	}
	if (book != NULL) {
		unlink(book);
		rmdir(dir);
		free(book);
	}
	run_free(&R);
	return rc;
}

/*
 * Is the Host header this server's address?  On loopback: the address
 * listened on, or localhost, with its port.  Off loopback (--listen),
 * also any address written as numbers with this port: a name is what
 * DNS rebinding needs, and a name is never taken but "localhost".
 */
int
serve_host_ok(const char *h, const char (*hosts)[96], size_t nhosts,
    int loopback, const char *port)
{
	unsigned char buf[sizeof(struct in6_addr)];
	const char *colon;
	char name[64];
	size_t i, n;

	if (h == NULL)
		return 0;
	for (i = 0; i < nhosts; i++)
		if (strcasecmp(h, hosts[i]) == 0)
			return 1;
	if (loopback || (colon = strrchr(h, ':')) == NULL ||
	    strcmp(colon + 1, port) != 0)
		return 0;
	n = (size_t)(colon - h);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
		if (n >= sizeof(name))
			return 0;
		memcpy(name, h, n);
		name[n] = '\0';
		return inet_pton(AF_INET6, name, buf) == 1;
	}
	if (n >= sizeof(name))
		return 0;
	memcpy(name, h, n);
	name[n] = '\0';
	return inet_pton(AF_INET, name, buf) == 1;
}

static int
host_ok(struct server *S, struct MHD_Connection *c)
{
	/* a request before the address is known (and told) is refused */
	if (!atomic_load_explicit(&S->ready, memory_order_acquire))
		return 0;
	return serve_host_ok(mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST), S->hosts, S->nhosts, S->loopback, S->port);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **con_cls)
{
	struct server *S = cls;
	struct req *q = *con_cls;
	const char *ct, *len;
	int post = strcmp(method, "POST") == 0;

	(void)version;
	if (q == NULL) {
		q = xcalloc(1, sizeof(*q));
		q->fd = -1;
		q->S = S;
		*con_cls = q;
		atomic_fetch_add(&S->active, 1);
		/* refusals come before the body is read */
		if (!host_ok(S, c))
			return refuse(c, MHD_HTTP_FORBIDDEN, "this server answers "
			    "only to the address it listens on\n");
		if (!post && strcmp(method, "GET") != 0 &&
		    strcmp(method, "HEAD") != 0)
			return refuse(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "GET or POST\n");
		len = mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (len != NULL && strtoull(len, NULL, 10) > S->max_upload)
			return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE,
			    "the file is larger than the server takes "
			    "(--max-upload)\n");
		ct = mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_TYPE);
		if (post && ct != NULL &&
		    strncasecmp(ct, "multipart/form-data", 19) == 0) {
			q->multipart = 1;
			q->pp = mhd.MHD_create_post_processor(c, 65536, post_part, q);
			if (q->pp == NULL)
				return refuse(c, MHD_HTTP_BAD_REQUEST,
				    "a multipart body without its boundary\n");
		}
		return MHD_YES;
	}
	if (*size > 0) {
		if (!q->too_big && !q->failed) {
			if (q->pp != NULL) {
				if (mhd.MHD_post_process(q->pp, data, *size) != MHD_YES)
					q->failed = 1;
			} else if (take(q, *size) == 0) {
				if (q->fd < 0 &&
				    (q->fd = new_memfd("cptunits-body")) < 0)
					q->failed = 1;
				else if (write_all(q->fd, data, *size) != 0)
					q->failed = 1;
			}
		}
		*size = 0;
		return MHD_YES;
	}
	if (q->too_big)
		return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "the file is larger "
		    "than the server takes (--max-upload)\n");
	if (q->failed)
		return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "too much at "
		    "once; try again\n");
	if (!post) {
		if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)
			return answer(c, MHD_HTTP_OK, "text/html; charset=utf-8",
			    (char *)serve_index_html, strlen(serve_index_html), 0,
			    -1, NULL);
		if (strcmp(url, "/app.js") == 0)
			return answer(c, MHD_HTTP_OK, "text/javascript; "
			    "charset=utf-8", (char *)serve_app_js,
			    strlen(serve_app_js), 0, -1, NULL);
		if (strcmp(url, "/style.css") == 0)
			return answer(c, MHD_HTTP_OK, "text/css; charset=utf-8",
			    (char *)serve_style_css, strlen(serve_style_css), 0,
			    -1, NULL);
		if (strcmp(url, "/example.csv") == 0)
			return answer(c, MHD_HTTP_OK, "text/csv; charset=utf-8",
			    (char *)serve_example_csv, strlen(serve_example_csv),
			    0, -1, NULL);
		if (strcmp(url, "/example.ics") == 0)
			return answer(c, MHD_HTTP_OK, "text/calendar; "
			    "charset=utf-8", (char *)serve_example_ics,
			    strlen(serve_example_ics), 0, -1, NULL);
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	if (strcmp(url, "/api/units") == 0)
		return api(c, q, "units");
	if (strcmp(url, "/api/auth") == 0)
		return api(c, q, "auth");
	if (strcmp(url, "/api/annotate") == 0)
		return api(c, q, "annotate");
	return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* A request done: its memory back, and a line in the log (no query). */
static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server *S = cls;
	struct req *q = *con_cls;
	size_t i;

	(void)c;
	(void)toe;
	if (q == NULL)
		return;
	if (q->pp != NULL)
		mhd.MHD_destroy_post_processor(q->pp);
	if (q->fd >= 0)
		close(q->fd);
	for (i = 0; i < q->nparts; i++)
		close(q->parts[i].fd);
	if (q->counted)
		atomic_fetch_sub(&S->inflight, q->len);
	free(q);
	*con_cls = NULL;
	atomic_fetch_sub(&S->active, 1);
}

/* ADDR:PORT ([v6]:PORT) into sa; 0, or -1. */
int
serve_parse_listen(const char *s, struct sockaddr_storage *sa, socklen_t *salen,
    int *loopback)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long port;
	size_t n;

	if (colon == NULL || colon == s)
		return -1;
	n = (size_t)(colon - s);
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '\0' || port > 65535 || errno)
		return -1;
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)sa)->sin_addr)
	    == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		*salen = sizeof(*in);
		*loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)sa)->sin6_addr)
	    == 1) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*salen = sizeof(*in6);
		*loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
		return 0;
	}
	return -1;
}

int
serve_run(const struct serve_opts *o)
{
	const char *listen = o->listen ? o->listen : DEFAULT_LISTEN;
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage sa;
	struct server S;
	socklen_t salen;
	sigset_t sigs;
	char addr[64], url[128];
	int loopback, sig, port, waited;
	unsigned int flags;

	memset(&S, 0, sizeof(S));
	S.max_upload = o->max_upload;
	S.quiet = o->quiet;
	if (serve_parse_listen(listen, &sa, &salen, &loopback) != 0) {
		warnmsg("--listen: '%.60s' is not ADDR:PORT (such as "
		    "127.0.0.1:8631 or [::1]:8631)", listen);
		return 2;
	}
	if (!loopback)
		warnmsg("warning: listening on %.60s, beyond this machine: anyone "
		    "who can reach it can send files to bill", listen);

	/* the signals that stop it go to this thread alone, and wait */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (load_mhd() != 0)
		return 3;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	S.d = mhd.MHD_start_daemon(flags, 0, NULL, NULL, handle, &S,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)POOL_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_SECONDS,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, &S,
	    MHD_OPTION_END);
	if (S.d == NULL) {
		warnmsg("cannot listen on %.60s: %s", listen, strerror(errno));
		return 3;
	}
	info = mhd.MHD_get_daemon_info(S.d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : 0;
	/* the Host headers of this address: as listened on, and localhost */
	if (sa.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, addr,
		    sizeof(addr));
		snprintf(S.hosts[0], sizeof(S.hosts[0]), "[%s]:%d", addr, port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, addr,
		    sizeof(addr));
		snprintf(S.hosts[0], sizeof(S.hosts[0]), "%s:%d", addr, port);
	}
	S.nhosts = 1;
	S.loopback = loopback;
	snprintf(S.port, sizeof(S.port), "%d", port);
	if (!loopback) {
		snprintf(S.hosts[1], sizeof(S.hosts[1]), "localhost:%d", port);
		S.nhosts = 2;
	}
	if (loopback) {
		snprintf(S.hosts[1], sizeof(S.hosts[1]), "localhost:%d", port);
		S.nhosts = 2;
	}
	atomic_store_explicit(&S.ready, 1, memory_order_release);
	snprintf(url, sizeof(url), "http://%s/", S.hosts[0]);
	printf("cptunits: serving %s (Ctrl-C to stop)\n", url);
	fflush(stdout);

	for (;;) {
		if (sigwait(&sigs, &sig) == 0)
			break;
	}
	/* no new connections; the requests in flight are answered */
	mhd.MHD_quiesce_daemon(S.d);
	for (waited = 0; atomic_load(&S.active) > 0 && waited < 30000;
	    waited += 10)
		usleep(10000);
	mhd.MHD_stop_daemon(S.d);
	if (!o->quiet)
		warnmsg("stopped (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
	return 0;
}
