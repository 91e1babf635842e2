/*
 * http.c: libmicrohttpd set-up and the life of a request: the context is
 * made when the request line arrives (on_uri), the router admits or
 * refuses the request on the first callback from its URL and headers
 * (which returns at once, see below), the body of an admitted request is
 * gathered up to the route's limit, the router runs on the final callback,
 * and the completion callback logs, counts and frees.
 */
#include "config.h"

#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "labeld.h"

static atomic_ulong http_inflight;

/* How many requests are in flight now. */
unsigned long
http_active(void)
{
	return atomic_load(&http_inflight);
}

/*
 * The value of query parameter key, borrowed from libmicrohttpd until the
 * request ends; NULL when absent.
 */
const char *
req_query(struct req *r, const char *key)
{
	if (r->conn == NULL)	/* a ballot's act has no query */
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/*
 * The value of request header name (any case), borrowed until the request
 * ends; NULL when absent.
 */
const char *
req_header(struct req *r, const char *name)
{
	if (r->conn == NULL)	/* a ballot's act: no headers */
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/*
 * The client's address as text ("127.0.0.1", "::1") into buf: 0, or -1
 * when libmicrohttpd has none to tell (buf then holds "unknown").
 */
int
req_client_addr(struct req *r, char *buf, size_t len)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;
	const void			*a;

	snprintf(buf, len, "unknown");
	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return -1;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		return -1;
	return inet_ntop(sa->sa_family, a, buf, (socklen_t)len) ? 0 : -1;
}

static unsigned
hexval(unsigned char c)
{
	return (unsigned)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
}

/*
 * 1 when the raw (still percent-encoded) path of uri, up to its query,
 * holds a control byte 0x00-0x1f or 0x7f, plainly or as %XX.  The decoded
 * URL libmicrohttpd hands on is cut at a %00, so this is checked here.
 */
static int
raw_path_has_ctl(const char *uri)
{
	const unsigned char	*p;
	unsigned		 c;

	for (p = (const unsigned char *)uri; *p != '\0' && *p != '?'; p++) {
		c = *p;
		if (c == '%' && isxdigit(p[1]) && isxdigit(p[2])) {
			c = (unsigned)(hexval(p[1]) << 4 | hexval(p[2]));
			p += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return 1;
	}
	return 0;
}

/*
 * libmicrohttpd's URI log callback: called once per request with the raw
 * request URI, before the headers are read.  Its result is the request
 * context the access handler and the completion callback get; NULL when
 * out of memory (the access handler then drops the connection).
 */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req *r;

	(void)cls;
	(void)conn;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->path_ctl = raw_path_has_ctl(uri);
	atomic_fetch_add(&http_inflight, 1);
	return r;
}

/* Sets up r for the decoded url on the first call of the access handler. */
static void
req_begin(struct req *r, struct labeld *ld, struct MHD_Connection *conn,
    const char *url, const char *method)
{
	const char *cl;

	r->begun = 1;
	r->ld = ld;
	r->conn = conn;
	r->method = method;
	if (snprintf(r->path, sizeof(r->path), "%s", url) >=
	    (int)sizeof(r->path))
		r->url_too_long = 1;
	else
		r->route = router_match(method, url, r->params, r->pathbuf,
		    sizeof(r->pathbuf), r->allow, sizeof(r->allow), &r->near);
	r->body_limit = router_body_limit(&ld->cfg, r->route);
	/* A declared length over the limit is refused without reading it. */
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoull(cl, NULL, 10) > r->body_limit)
		r->body_too_large = 1;
}

/* 1 when the headers announce a body of a length at most
 * LABELD_DROP_BODY_MAX, read and dropped rather than cut off. */
static int
req_small_body(struct req *r)
{
	const char *cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return cl != NULL && !r->body_too_large &&
	    strtoull(cl, NULL, 10) <= LABELD_DROP_BODY_MAX;
}

/* 1 when the headers announce a body (a length above 0, or chunks). */
static int
req_has_body(struct req *r)
{
	const char *cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (cl != NULL && strtoull(cl, NULL, 10) > 0) ||
	    req_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

static int
req_append(struct req *r, const char *data, size_t len)
{
	if (r->body_too_large)
		return 0;
	if (len > r->body_limit - r->body_len) {
		r->body_too_large = 1;
		free(r->body);
		r->body = NULL;
		r->body_len = r->body_cap = 0;
		return 0;
	}
	if (r->body_len + len + 1 > r->body_cap) {
		size_t	 cap = r->body_cap ? r->body_cap : 4096;
		char	*nb;

		while (cap < r->body_len + len + 1)
			cap *= 2;
		if (cap > r->body_limit + 1)
			cap = r->body_limit + 1;
		if ((nb = realloc(r->body, cap)) == NULL)
			return -1;
		r->body = nb;
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct labeld	*ld = cls;
	struct req	*r = *con_cls;

	(void)version;
	if (r == NULL)
		return MHD_NO;	/* on_uri ran out of memory */
	if (!r->begun) {
		req_begin(r, ld, conn, url, method);
		/*
		 * Return on the first call without queueing: a response
		 * queued here makes libmicrohttpd close the connection,
		 * which costs keep-alive for every client.  Except for a
		 * refused request with a large or chunked body: it is
		 * answered now, before a byte of the body is read (and
		 * before "100 Continue"), and the connection closes.  A
		 * small declared body is read and dropped instead: closing
		 * on unread bytes makes TCP reset the connection, and a
		 * client still sending may lose the answer with it.
		 */
		if (router_admit(r) == -1 && req_has_body(r)) {
			if (!req_small_body(r)) {
				router_dispatch(r);
				return r->queued ? MHD_YES : MHD_NO;
			}
			r->drop_body = 1;
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (r->queued || r->drop_body) {
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (r->body_too_large) {
			/* Chunked past the limit: drain a while, then hang up. */
			r->body_drained += *upload_data_size;
			*upload_data_size = 0;
			return r->body_drained > r->body_limit ? MHD_NO : MHD_YES;
		}
		if (req_append(r, upload_data, *upload_data_size) == -1)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->queued)
		return MHD_YES;
	router_dispatch(r);
	return r->queued ? MHD_YES : MHD_NO;
}

/* path for the log: control bytes as '?', so a line stays one line. */
static const char *
log_path(const char *path, char *buf, size_t len)
{
	size_t i;

	assert(len > 0);
	for (i = 0; path[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)path[i] < 0x20 || path[i] == 0x7f ?
		    '?' : path[i];
	buf[i] = '\0';
	return buf;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req	*r = *con_cls;
	struct timespec	 end;
	uint64_t	 us;
	char		 path[LABELD_MAX_URL];

	(void)cls;
	(void)conn;
	if (r == NULL)
		return;
	if (!r->begun)	/* libmicrohttpd refused the request itself */
		goto done;
	clock_gettime(CLOCK_MONOTONIC, &end);
	us = (uint64_t)(end.tv_sec - r->start.tv_sec) * 1000000 +
	    (uint64_t)((end.tv_nsec - r->start.tv_nsec) / 1000);
	log_info("%s %s %u %zu %lluus%s", r->method,
	    log_path(r->path, path, sizeof(path)), r->status, r->resp_bytes,
	    (unsigned long long)us,
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	/* A 405 counts under the path's pattern: only a 404 is unmatched. */
	metrics_observe(r->route != NULL ? r->route->pattern : r->near != NULL ?
	    r->near->pattern : "unmatched", r->status,
	    us);
	store_release(r->db);
	json_decref(r->json);
	reply_free_headers(r);
	free(r->body);
done:
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&http_inflight, 1);
}

/*
 * libmicrohttpd's messages, at warn.  A refused connection (over a limit)
 * is one line per LABELD_LOG_LIMIT_PERIOD seconds with the count since the
 * last: a flood of connections must not become a flood of log lines.
 */
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	static atomic_long	 last;
	static atomic_ulong	 suppressed;
	struct timespec		 ts;
	long			 prev;

	(void)cls;
	if (strstr(fmt, "reached connection limit") != NULL) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		prev = atomic_load(&last);
		if (prev != 0 && ts.tv_sec - prev < LABELD_LOG_LIMIT_PERIOD) {
			atomic_fetch_add(&suppressed, 1);
			return;
		}
		if (!atomic_compare_exchange_strong(&last, &prev,
		    (long)ts.tv_sec)) {
			atomic_fetch_add(&suppressed, 1);
			return;
		}
		log_warn("connections refused over a limit (%lu more since "
		    "the last such line)", atomic_exchange(&suppressed, 0));
	}
	log_vmsg(LOG_WARN, fmt, ap);
}

/* The socket http_bind made, until http_start hands it to libmicrohttpd. */
static int	http_listen_fd = -1;
static int	http_listen_family;

/*
 * Binds c->listen_host:listen_port and listens, before labeld makes
 * anything in its data dir, so that a busy port stops it with nothing
 * created.  When the port was 0, the kernel's choice is written back into
 * c (and the derived public URL and DID follow it).  -1 with a message
 * naming the host and the port asked for.
 */
int
http_bind(struct config *c, char *err, size_t errlen)
{
	struct addrinfo		 hints, *ai = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	char			 port[8];
	int			 fd = -1, gai, on = 1;

	assert(http_listen_fd == -1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	snprintf(port, sizeof(port), "%u", c->listen_port);
	if ((gai = getaddrinfo(c->listen_host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "listen %s: %s", c->listen_host,
		    gai_strerror(gai));
		return -1;
	}
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, SOMAXCONN) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		goto fail;
	http_listen_family = ai->ai_family;
	freeaddrinfo(ai);
	if (c->listen_port == 0) {
		c->listen_port = ntohs(ss.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
		if (config_finish(c, err, errlen) == -1) {
			close(fd);
			return -1;
		}
	}
	http_listen_fd = fd;
	return 0;
fail:
	snprintf(err, errlen, "cannot listen on %s port %u: %s",
	    c->listen_host, c->listen_port, strerror(errno));
	if (fd != -1)
		close(fd);
	freeaddrinfo(ai);
	return -1;
}

/*
 * Reads a PEM file of at most LABELD_TLS_FILE_MAX bytes into a new
 * NUL-terminated string; NULL with err.  A private key (is_key) readable
 * by others than its owner and group is refused.
 */
static char *
read_pem(const char *path, int is_key, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s (it must be readable by the "
		    "user labeld runs as)", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (is_key && (st.st_mode & 007) != 0) {
		snprintf(err, errlen, "%s: a private key readable by anyone "
		    "(mode %04o): chmod o-rwx it", path,
		    (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_size <= 0 || st.st_size > LABELD_TLS_FILE_MAX) {
		snprintf(err, errlen, "%s: empty or larger than %d bytes", path,
		    LABELD_TLS_FILE_MAX);
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	while (len < (size_t)st.st_size &&
	    (n = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)n;
	if (len != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		goto fail;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	if (buf != NULL) {
		explicit_bzero(buf, (size_t)st.st_size + 1);
		free(buf);
	}
	close(fd);
	return NULL;
}

static void
free_pem(char *pem)
{
	if (pem != NULL) {
		explicit_bzero(pem, strlen(pem));
		free(pem);
	}
}

/*
 * Reads tls_cert and tls_key (when set) into ld, replacing what it held
 * only when both read: at start, and again on SIGHUP.  0, or -1 with err
 * and ld unchanged.
 */
int
http_tls_load(struct labeld *ld, char *err, size_t errlen)
{
	char *cert, *key;

	if ((ld->cfg.tls_cert[0] == '\0') != (ld->cfg.tls_key[0] == '\0')) {
		snprintf(err, errlen, "tls_cert and tls_key go together: "
		    "set both or neither");
		return -1;
	}
	if (ld->cfg.tls_cert[0] == '\0')
		return 0;
	if ((cert = read_pem(ld->cfg.tls_cert, 0, err, errlen)) == NULL)
		return -1;
	if ((key = read_pem(ld->cfg.tls_key, 1, err, errlen)) == NULL) {
		free_pem(cert);
		return -1;
	}
	free_pem(ld->tls_cert);
	free_pem(ld->tls_key);
	ld->tls_cert = cert;
	ld->tls_key = key;
	return 0;
}

/* A server on fd with ld's settings and the PEM given (NULL: plain). */
static struct MHD_Daemon *
mhd_start(struct labeld *ld, int fd, int family, const char *cert,
    const char *key)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC |
	    MHD_USE_ERROR_LOG | (family == AF_INET6 ? MHD_USE_IPv6 : 0);

	/* The HTTPS options come last: plain, MHD_OPTION_END stands first. */
	return MHD_start_daemon(flags | (cert != NULL ? MHD_USE_TLS : 0),
	    0, NULL, NULL, on_request, ld,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_THREAD_POOL_SIZE, ld->cfg.threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LABELD_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)LABELD_CONN_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, ld->cfg.max_conns_per_ip,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LABELD_CONN_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, ld,
	    cert != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key,
	    MHD_OPTION_HTTPS_PRIORITIES, LABELD_TLS_PRIORITIES,
	    MHD_OPTION_END);
}

/*
 * Starts the server threads on the socket http_bind made (which
 * libmicrohttpd owns from then on); HTTPS when http_tls_load read a
 * certificate.
 */
int
http_start(struct labeld *ld, char *err, size_t errlen)
{
	assert(http_listen_fd != -1);
	ld->mhd = mhd_start(ld, http_listen_fd, http_listen_family,
	    ld->tls_cert, ld->tls_key);
	if (ld->mhd == NULL) {
		snprintf(err, errlen, "cannot serve on %s port %u: %s",
		    ld->cfg.listen_host, ld->cfg.listen_port,
		    errno ? strerror(errno) : "libmicrohttpd failed");
		close(http_listen_fd);
		http_listen_fd = -1;
		return -1;
	}
	http_listen_fd = -1;
	return 0;
}

/* Waits up to LABELD_SHUTDOWN_GRACE seconds for d's connections to end. */
static void
drain(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *di;

	for (int i = 0; i < LABELD_SHUTDOWN_GRACE * 10; i++) {
		di = MHD_get_daemon_info(d,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (di == NULL || di->num_connections == 0)
			break;
		usleep(100000);
	}
}

/*
 * SIGHUP: reads the certificate and key again and serves new connections
 * with them, on the same socket, while the old server finishes its own
 * connections.  A file that cannot be read or a pair that does not load
 * leaves the old ones in use: -1 with err.  Without TLS, nothing to do.
 * Should the socket not serve again at all (a system failure), ld->mhd
 * is NULL: labeld must stop.
 */
int
http_reload(struct labeld *ld, char *err, size_t errlen)
{
	struct MHD_Daemon	*old = ld->mhd, *new;
	char			*cert = ld->tls_cert, *key = ld->tls_key;
	MHD_socket		 fd;
	int			 family = http_listen_family;

	if (ld->cfg.tls_cert[0] == '\0' || old == NULL)
		return 0;
	ld->tls_cert = ld->tls_key = NULL;
	if (http_tls_load(ld, err, errlen) == -1) {
		ld->tls_cert = cert;
		ld->tls_key = key;
		return -1;
	}
	/*
	 * Try the pair on a server without a socket first: a server that
	 * fails to start closes the socket it was given, so the real
	 * hand-over must not be the test.
	 */
	if ((new = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET | MHD_USE_TLS |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, ld,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_HTTPS_MEM_CERT, ld->tls_cert,
	    MHD_OPTION_HTTPS_MEM_KEY, ld->tls_key,
	    MHD_OPTION_HTTPS_PRIORITIES, LABELD_TLS_PRIORITIES,
	    MHD_OPTION_END)) == NULL) {
		snprintf(err, errlen, "%s or %s does not load (see above): "
		    "still serving the previous certificate", ld->cfg.tls_cert,
		    ld->cfg.tls_key);
		free_pem(ld->tls_cert);
		free_pem(ld->tls_key);
		ld->tls_cert = cert;
		ld->tls_key = key;
		return -1;
	}
	MHD_stop_daemon(new);
	/* The old server stops accepting; the socket passes to the new. */
	if ((fd = MHD_quiesce_daemon(old)) == MHD_INVALID_SOCKET) {
		snprintf(err, errlen, "cannot take the listening socket over");
		free_pem(ld->tls_cert);
		free_pem(ld->tls_key);
		ld->tls_cert = cert;
		ld->tls_key = key;
		return -1;
	}
	/* It failed (and closed fd) only if the system did: labeld stops. */
	if ((ld->mhd = new = mhd_start(ld, fd, family, ld->tls_cert,
	    ld->tls_key)) == NULL)
		snprintf(err, errlen, "cannot serve on the listening socket "
		    "again");
	ld->mhd = new;
	drain(old);
	MHD_stop_daemon(old);
	free_pem(cert);
	free_pem(key);
	return new != NULL ? 0 : -1;
}

/*
 * Graceful stop: no new connections, in-flight requests get up to
 * LABELD_SHUTDOWN_GRACE seconds to finish, then the threads are joined.
 */
void
http_stop(struct labeld *ld)
{
	MHD_socket	 fd;

	if (ld->mhd == NULL)
		return;
	fd = MHD_quiesce_daemon(ld->mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int i = 0; i < LABELD_SHUTDOWN_GRACE * 10 && http_active() > 0;
	    i++)
		usleep(100000);
	if (http_active() > 0)
		log_warn("stopping with %lu requests still in flight",
		    http_active());
	MHD_stop_daemon(ld->mhd);
	ld->mhd = NULL;
	free_pem(ld->tls_cert);
	free_pem(ld->tls_key);
	ld->tls_cert = ld->tls_key = NULL;
}
