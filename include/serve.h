/*
 * serve: the page for clinic staff who do not use a terminal (SPEC §8),
 * on libmicrohttpd.  Each request runs this very program's command line
 * (a child process, its input and output in memory), so the page and the
 * API answer byte for byte what the command line prints.
 */
#ifndef CPTUNITS_SERVE_H
#define CPTUNITS_SERVE_H

#include <sys/socket.h>

#include <stddef.h>

struct serve_opts {
	const char	*listen;	/* ADDR:PORT, or NULL: 127.0.0.1:8631 */
	size_t		 max_upload;	/* bytes of one request's body */
	int		 quiet;
};

/*
 * The request parsing written here (the rest is libmicrohttpd's), apart
 * for the fuzzer: --listen's ADDR:PORT into *sa (0, or -1); and whether a
 * Host header names this server (hosts: the names it answers to).
 */
int	serve_parse_listen(const char *, struct sockaddr_storage *sa,
	    socklen_t *salen, int *loopback);
int	serve_host_ok(const char *host, const char (*hosts)[96], size_t nhosts,
	    int loopback, const char *port);

/* Serve until SIGINT or SIGTERM; returns an exit status (SPEC §4). */
int	serve_run(const struct serve_opts *);

#endif
