/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Delivering an OTLP request: to a file, or as one plain HTTP/1.1 POST
 * (OTLP/HTTP with JSON), which is all an OTLP receiver needs.  No TLS: a
 * collector on the host or a tunnel to it does that.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "export.h"
#include "outfile.h"

/* Written whole, the outfile way: no planted symlink followed, no half
 * file left on a full disk. */
static int
write_file(const char *path, const char *body, size_t len)
{
	struct outfile of;
	bool ok;

	if (outfile_open(&of, path, NULL, true) != 0)
		return -1;
	ok = fwrite(body, 1, len, of.f) == len;
	if (!ok)
		cli_error("%s: %s", path, strerror(errno ? errno : EIO));
	return outfile_close(&of, ok) == 0 && ok ? 0 : -1;
}

/* "http://HOST[:PORT][/PATH]"; HOST may be [v6]. */
static int
parse_url(const char *url, char *host, size_t hsize, char *port,
    size_t psize, const char **path)
{
	const char *p = url + strlen("http://"), *end, *colon;
	size_t n;

	if (*p == '[') {
		end = strchr(p, ']');
		if (end == NULL)
			return -1;
		n = (size_t)(end - p - 1);
		if (n == 0 || n >= hsize)
			return -1;
		memcpy(host, p + 1, n);
		host[n] = '\0';
		p = end + 1;
	} else {
		n = strcspn(p, ":/");
		if (n == 0 || n >= hsize)
			return -1;
		memcpy(host, p, n);
		host[n] = '\0';
		p += n;
	}
	colon = *p == ':' ? p + 1 : NULL;
	n = colon != NULL ? strcspn(colon, "/") : 0;
	if (colon != NULL && (n == 0 || n >= psize ||
				 strspn(colon, "0123456789") != n))
		return -1;
	snprintf(port, psize, "%.*s", (int)n, colon != NULL ? colon : "80");
	if (colon == NULL)
		snprintf(port, psize, "80");
	p = colon != NULL ? colon + n : p;
	*path = *p == '/' && p[1] != '\0' ? p : "/v1/traces";
	return 0;
}

static int
connect_to(const char *host, const char *port)
{
	struct addrinfo hints = {0}, *res, *ai;
	struct timeval tv = {10, 0};
	int fd = -1, rc;

	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		cli_error("%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		cli_error("%s port %s: cannot connect: %s", host, port,
		    strerror(errno));
	return fd;
}

static int
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The status line of the answer: 2xx is success. */
static int
read_status(int fd, const char *url)
{
	char buf[512];
	size_t len = 0;
	int code = 0;

	while (len < sizeof(buf) - 1 && memchr(buf, '\n', len) == NULL) {
		ssize_t r = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (sscanf(buf, "HTTP/%*d.%*d %d", &code) != 1) {
		cli_error("%s: no HTTP answer", url);
		return -1;
	}
	if (code < 200 || code > 299) {
		/* The receiver's words: cli_error escapes them, as all it says. */
		cli_error("%s: the receiver said '%.200s'", url, buf);
		return -1;
	}
	return 0;
}

static int
post(const char *url, const char *body, size_t len)
{
	char host[256], port[8], head[768];
	const char *path;
	int fd, n, rc;

	if (parse_url(url, host, sizeof(host), port, sizeof(port), &path) !=
	    0) {
		cli_error("'%.200s': not http://HOST[:PORT][/PATH]", url);
		return -1;
	}
	if ((fd = connect_to(host, port)) < 0)
		return -1;
	n = snprintf(head, sizeof(head),
	    "POST %.400s HTTP/1.1\r\nHost: %s%s%s:%s\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\nUser-Agent: mbuftrace/" MBT_VERSION
	    "\r\n\r\n",
	    path, strchr(host, ':') ? "[" : "", host,
	    strchr(host, ':') ? "]" : "", port, len);
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    send_all(fd, head, (size_t)n) != 0 || send_all(fd, body, len) != 0) {
		cli_error("%s: cannot send: %s", url, strerror(errno));
		close(fd);
		return -1;
	}
	rc = read_status(fd, url);
	close(fd);
	return rc;
}

int
otlp_deliver(const char *dest, const char *body, size_t len)
{
	if (strncmp(dest, "http://", 7) == 0)
		return post(dest, body, len);
	if (strncmp(dest, "https://", 8) == 0) {
		cli_error("%s: https is not spoken here; POST to a local "
			  "collector over http",
		    dest);
		return -1;
	}
	return write_file(dest, body, len);
}
