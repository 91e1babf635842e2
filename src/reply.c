/*
 * reply.c: every response labeld sends is built here: JSON bodies, raw
 * bytes, and RFC 9457 problem details (application/problem+json).
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "utf8.h"

#define REPLY_TYPE_PREFIX	"urn:labeld:problem:"

struct hdr {
	struct hdr	*next;
	char		*name;
	char		*value;
};

/* Adds a header to the response queued later; -1 on allocation failure. */
int
reply_header(struct req *r, const char *name, const char *value)
{
	struct hdr *h;

	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->name = strdup(name)) == NULL ||
	    (h->value = strdup(value)) == NULL) {
		if (h != NULL)
			free(h->name);
		free(h);
		return -1;
	}
	h->next = r->hdrs;
	r->hdrs = h;
	return 0;
}

/* Frees the extra headers queued on r and forgets them. */
void
reply_free_headers(struct req *r)
{
	struct hdr *h, *next;

	for (h = r->hdrs; h != NULL; h = next) {
		next = h->next;
		free(h->name);
		free(h->value);
		free(h);
	}
	r->hdrs = NULL;
}

/* Queues buf (malloc'd, ownership taken) as the response. */
static int
queue(struct req *r, unsigned status, const char *ctype, char *buf,
    size_t len)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ok;

	assert(!r->queued);
	if (r->capture != NULL) {
		/* A ballot's act: its answer is recorded, not sent. */
		r->capture->status = status;
		snprintf(r->capture->ctype, sizeof(r->capture->ctype), "%s",
		    ctype != NULL ? ctype : "");
		free(r->capture->body);
		r->capture->body = buf;
		r->capture->len = len;
		r->queued = 1;
		r->status = status;
		return 0;
	}
	resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(buf);
		return -1;
	}
	if (ctype != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    ctype);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	for (struct hdr *h = r->hdrs; h != NULL; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	ok = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	if (ok != MHD_YES)
		return -1;
	r->queued = 1;
	r->status = status;
	r->resp_bytes = len;
	return 0;
}

static int
queue_json(struct req *r, unsigned status, const char *ctype, json_t *body)
{
	char	*s, *nl;
	size_t	 len;

	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (s == NULL)
		return -1;
	/* A final newline keeps terminals and line-based tools tidy. */
	len = strlen(s);
	if ((nl = realloc(s, len + 2)) == NULL) {
		free(s);
		return -1;
	}
	nl[len++] = '\n';
	nl[len] = '\0';
	return queue(r, status, ctype, nl, len);
}

/* Sends body (reference stolen) as application/json. */
int
reply_json(struct req *r, unsigned status, json_t *body)
{
	if (body == NULL)
		return reply_oom(r);
	if (queue_json(r, status, "application/json", body) == -1)
		return reply_oom(r);
	return 0;
}

/* Sends a copy of len bytes of buf with the given media type. */
int
reply_raw(struct req *r, unsigned status, const char *ctype, const void *buf,
    size_t len)
{
	char *copy;

	if ((copy = malloc(len ? len : 1)) == NULL)
		return reply_oom(r);
	memcpy(copy, buf, len);
	if (queue(r, status, ctype, copy, len) == -1)
		return -1;
	return 0;
}

static int
problem(struct req *r, unsigned status, const char *type, json_t *errors,
    json_t *extra, const char *fmt, va_list ap)
{
	char		 raw[1024], detail[1024], tbuf[128];
	char		 instance[LABELD_MAX_URL];
	const char	*title;
	json_t		*p;

	/* A detail may quote a query or a header the client sent. */
	vsnprintf(raw, sizeof(raw), fmt, ap);
	utf8_clean(raw, detail, sizeof(detail));
	utf8_clean(r->path, instance, sizeof(instance));
	snprintf(tbuf, sizeof(tbuf), REPLY_TYPE_PREFIX "%s", type);
	title = MHD_get_reason_phrase_for(status);
	p = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", tbuf, "title",
	    title ? title : "Error", "status", (int)status, "detail", detail,
	    "instance", instance);
	if (p != NULL && errors != NULL)
		json_object_set(p, "errors", errors);
	/* Extension members (RFC 9457 section 3.2); the standard ones win. */
	if (p != NULL && extra != NULL)
		json_object_update_missing(p, extra);
	if (status >= 500)
		log_warn("%s %s: %u %s", r->method, r->path, status, detail);
	if (p == NULL || queue_json(r, status, "application/problem+json",
	    p) == -1) {
		/* Last resort: a fixed body needs no allocation to build. */
		static const char oom[] = "{\"type\":\"" REPLY_TYPE_PREFIX
		    "internal\",\"title\":\"Internal Server Error\","
		    "\"status\":500,\"detail\":\"out of memory\"}";
		struct MHD_Response *resp;

		if (r->queued || r->capture != NULL)
			return -1;
		resp = MHD_create_response_from_buffer(sizeof(oom) - 1,
		    (void *)oom, MHD_RESPMEM_PERSISTENT);
		if (resp == NULL)
			return -1;
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "application/problem+json");
		if (MHD_queue_response(r->conn, 500, resp) == MHD_YES) {
			r->queued = 1;
			r->status = 500;
			r->resp_bytes = sizeof(oom) - 1;
		}
		MHD_destroy_response(resp);
	}
	return -1;
}

/*
 * Answers an RFC 9457 problem.  type is a short slug ("validation",
 * "not-found", ...) made into a URN; detail says precisely what was wrong.
 * Always returns -1 so handlers can `return reply_problem(...)`.
 */
int
reply_problem(struct req *r, unsigned status, const char *type,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem(r, status, type, NULL, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * As reply_problem, with extension members from extra (an object,
 * reference stolen), such as the gaps that block a submission.
 */
int
reply_problem_extra(struct req *r, unsigned status, const char *type,
    json_t *extra, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem(r, status, type, NULL, extra, fmt, ap);
	va_end(ap);
	json_decref(extra);
	return -1;
}

static int
problem_errors(struct req *r, unsigned status, json_t *errors,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem(r, status, "validation", errors, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

/* 422 listing every invalid field; errors is [{field, detail}] (borrowed). */
int
reply_invalid(struct req *r, json_t *errors)
{
	json_t		*first = json_array_get(errors, 0);
	const char	*field = json_string_value(json_object_get(first,
	    "field"));
	const char	*detail = json_string_value(json_object_get(first,
	    "detail"));
	size_t		 n = json_array_size(errors);

	return problem_errors(r, MHD_HTTP_UNPROCESSABLE_CONTENT, errors,
	    "%s: %s%s", field ? field : "body", detail ? detail : "invalid",
	    n > 1 ? " (and more: see errors)" : "");
}

/*
 * Answers 500 "out of memory" (problem+json); the return value is
 * reply_problem's.
 */
int
reply_oom(struct req *r)
{
	return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
	    "out of memory");
}

/*
 * Answers that the database failed and nothing was applied, after what
 * failed last on the request's connection: 507 for a full disk, 503 (with
 * Retry-After) when busy, 500 otherwise; the return value is
 * reply_problem's.
 */
int
reply_db_error(struct req *r)
{
	switch (r->db != NULL ? r->db->last_rc & 0xff : 0) {
	case SQLITE_FULL:
		return reply_problem(r, MHD_HTTP_INSUFFICIENT_STORAGE,
		    "insufficient-storage", "the disk that holds the database "
		    "is full; the request was not applied (retry once space is "
		    "freed)");
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
		return reply_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
		    "the database is busy; the request was not applied (retry "
		    "in a second)");
	case SQLITE_IOERR:
		return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "io-error", "the database could not read or write its "
		    "disk (I/O error); the request was not applied");
	default:
		return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "the database failed; the request was not "
		    "applied");
	}
}
