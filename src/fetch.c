/*
 * fetch.c: labeld's one outbound HTTP client (libcurl), bounded: http and
 * https only, no redirects, a total time limit and a body cap enforced
 * both on the declared length (CURLOPT_MAXFILESIZE_LARGE) and while the
 * body arrives (the write callback stops past the cap: a server that
 * declares nothing or lies cannot make labeld buffer more).  Used by the
 * partner refresh (partner_refresh.c) and webhook deliveries (webhook.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "errfmt.h"
#include "labeld.h"

struct sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 too_big;
};

static size_t
sink_write(char *data, size_t size, size_t n, void *arg)
{
	struct sink	*s = arg;
	size_t		 add = size * n, ncap;
	char		*nbuf;

	if (add > s->max - s->len) {
		s->too_big = 1;
		return 0;	/* CURLE_WRITE_ERROR: the transfer stops */
	}
	if (s->len + add + 1 > s->cap) {
		ncap = s->cap ? s->cap : 16384;
		while (ncap < s->len + add + 1)
			ncap *= 2;
		if ((nbuf = realloc(s->buf, ncap)) == NULL)
			return 0;
		s->buf = nbuf;
		s->cap = ncap;
	}
	memcpy(s->buf + s->len, data, add);
	s->len += add;
	s->buf[s->len] = '\0';
	return add;
}

/* Once, before any thread fetches (labeld.c).  0, or -1 with err. */
int
fetch_global_init(char *err, size_t errlen)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		errfmt(err, errlen, "libcurl failed to initialise");
		return -1;
	}
	return 0;
}

void
fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

/* 1 when url is an absolute http:// or https:// URL with a host. */
int
fetch_url_ok(const char *url)
{
	const char	*h;

	if (url == NULL || strlen(url) > LABELD_FETCH_MAX_URL)
		return 0;
	if (strncasecmp(url, "http://", 7) == 0)
		h = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		h = url + 8;
	else
		return 0;
	if (*h == '\0' || *h == '/' || *h == ':' || *h == '?' || *h == '#')
		return 0;
	for (; *h != '\0'; h++)
		if ((unsigned char)*h <= ' ' || *h == 0x7f)
			return 0;
	return 1;
}

/*
 * One request: method "GET" or "POST" (body of bodylen bytes, may be
 * NULL for GET) to url with headers (NULL-terminated "Name: value"
 * lines, may be NULL), at most max body bytes answered, within
 * LABELD_FETCH_TIMEOUT seconds.  0 with *res (any HTTP status: the
 * caller judges it; res->body NUL-terminated, malloc'd), or -1 with a
 * sentence in err that names the URL (unreachable, too large, timed
 * out, not http(s)).
 */
int
fetch_url(const char *method, const char *url, const char *const *headers,
    const char *body, size_t bodylen, size_t max, struct fetch_result *res,
    char *err, size_t errlen)
{
	CURL			*c = NULL;
	struct curl_slist	*hl = NULL, *tmp;
	struct sink		 s;
	char			 cerr[CURL_ERROR_SIZE];
	CURLcode		 cc;
	size_t			 i;
	int			 rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.max = max;
	cerr[0] = '\0';
	if (!fetch_url_ok(url)) {
		errfmt(err, errlen, "%.300s is not an http or https URL",
		    url ? url : "(none)");
		return -1;
	}
	if ((c = curl_easy_init()) == NULL) {
		errfmt(err, errlen, "cannot make a libcurl handle");
		return -1;
	}
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if ((tmp = curl_slist_append(hl, headers[i])) == NULL) {
			errfmt(err, errlen, "out of memory");
			goto done;
		}
		hl = tmp;
	}
	/* Threads: no signals (the resolver timeout otherwise uses them). */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)LABELD_FETCH_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    (long)LABELD_FETCH_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "labeld/" PACKAGE_VERSION);
	if (hl != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(body ? bodylen : 0));
	}
	cc = curl_easy_perform(c);
	if (s.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		errfmt(err, errlen, "%.300s answered more than %zu bytes: "
		    "refused", url, max);
		goto done;
	}
	if (cc != CURLE_OK) {
		errfmt(err, errlen, "%.300s: %s", url, cerr[0] ? cerr :
		    curl_easy_strerror(cc));
		goto done;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	res->body = s.buf;
	res->len = s.len;
	s.buf = NULL;
	if (res->body == NULL && (res->body = strdup("")) == NULL) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	rc = 0;
done:
	free(s.buf);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return rc;
}

/* Releases res->body; a zeroed res is fine. */
void
fetch_result_free(struct fetch_result *res)
{
	free(res->body);
	res->body = NULL;
	res->len = 0;
}
