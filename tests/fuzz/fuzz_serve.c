/*
 * libFuzzer: the request parsing `serve` does itself (libmicrohttpd does
 * the rest): an --listen ADDR:PORT, and Host headers against a server on
 * loopback and one beyond it.  A Host taken must end in the server's
 * port, and a name other than localhost is never taken.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hosts[2][96] = { "127.0.0.1:8631", "localhost:8631" };
	static const char any[2][96] = { "0.0.0.0:8631", "localhost:8631" };
	struct sockaddr_storage sa;
	socklen_t salen;
	char *s = malloc(size + 1), *h;
	size_t n;
	int loop, k;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)serve_parse_listen(s, &sa, &salen, &loop);
	h = s;
	n = strlen(h);
	for (k = 0; k < 2; k++)
		if (serve_host_ok(h, k ? any : hosts, 2, !k, "8631")) {
			if (n < 5 || strcmp(h + n - 5, ":8631") != 0)
				abort();
			/* a name: letters in the host part, not localhost */
			if (isalpha((unsigned char)h[0]) &&
			    strncasecmp(h, "localhost:", 10) != 0 && h[0] != '[')
				abort();
		}
	free(s);
	return 0;
}
