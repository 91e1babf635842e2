/*
 * api_evidence.c: evidence of a submission over HTTP.  Uploads are raw
 * bodies (any media type, up to max_upload) stored content-addressed by
 * evidence.c; downloads are for the submission's vendor, its assigned lab
 * and regulators, exactly those who can see the submission.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "labeld.h"
#include "crypto.h"
#include "utf8.h"

/* ---- evidence ---- */

static json_t *
evidence_json(const struct evidence *e)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:s?, s:s, s:s}",
	    "submission_id", e->submission_id, "sha256", e->sha256, "size",
	    (json_int_t)e->size, "media_type", e->media_type, "filename",
	    e->filename[0] ? e->filename : NULL, "uploaded_by",
	    e->uploaded_by, "created_at", e->created_at);
}

/* strchr finds the terminating NUL too: without the test, a scan ran on. */
static int
is_token_char(int c)
{
	return c != '\0' && (isalnum(c) || strchr("!#$&-^_.+", c) != NULL);
}

/*
 * The media type of an upload: Content-Type as sent (type/subtype and
 * parameters, printable ASCII), application/octet-stream when absent.
 */
static const char *
upload_media_type(struct req *r, struct valid *v)
{
	const char	*ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char	*p;
	size_t		 n;

	if (ct == NULL || *ct == '\0')
		return "application/octet-stream";
	if (strlen(ct) > LABELD_MAX_MEDIA_TYPE) {
		valid_fail(v, "Content-Type", "must be at most %d bytes",
		    LABELD_MAX_MEDIA_TYPE);
		return NULL;
	}
	for (p = ct; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e) {
			valid_fail(v, "Content-Type", "must be printable "
			    "ASCII");
			return NULL;
		}
	for (n = 0; is_token_char((unsigned char)ct[n]); n++)
		;
	if (n == 0 || ct[n] != '/' || !is_token_char((unsigned char)ct[n + 1])) {
		valid_fail(v, "Content-Type", "must be a media type such as "
		    "application/pdf, not \"%s\"", ct);
		return NULL;
	}
	return ct;
}

/*
 * The file name of an upload: ?filename=, else Content-Disposition's
 * filename parameter; only its last path component; "" when none.
 */
static int
upload_filename(struct req *r, struct valid *v, char *out, size_t outlen)
{
	const char	*q = req_query(r, "filename"), *cd, *p, *base;
	size_t		 n;

	out[0] = '\0';
	if (q == NULL && (cd = req_header(r, "Content-Disposition")) != NULL &&
	    (p = strcasestr(cd, "filename=")) != NULL) {
		p += strlen("filename=");
		if (*p == '"') {
			p++;
			n = strcspn(p, "\"");
		} else
			n = strcspn(p, "; \t");
		if (n >= outlen) {
			valid_fail(v, "filename", "must be at most %d bytes",
			    LABELD_MAX_FILENAME);
			return -1;
		}
		memcpy(out, p, n);
		out[n] = '\0';
	} else if (q != NULL) {
		if (strlen(q) >= outlen) {
			valid_fail(v, "filename", "must be at most %d bytes",
			    LABELD_MAX_FILENAME);
			return -1;
		}
		snprintf(out, outlen, "%s", q);
	}
	base = out;
	for (p = out; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	memmove(out, base, strlen(base) + 1);
	for (p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"') {
			valid_fail(v, "filename", "must not contain control "
			    "characters or quotes");
			return -1;
		}
	if (!utf8_valid(out, strlen(out))) {
		valid_fail(v, "filename", "must be UTF-8");
		return -1;
	}
	return 0;
}

static int
evidence_upload(struct req *r)
{
	struct submission	 s;
	struct valid		 v;
	struct evidence		 e;
	const char		*mt;
	char			 err[256], loc[160];
	int			 rc;

	if (submissions_load_visible(r, &s) == -1)
		return -1;
	if (!workflow_may_upload(workflow_state_of(&s)))
		return submissions_reply_bad_state(r, &s, "uploading evidence",
		    "not yet decided");
	memset(&e, 0, sizeof(e));
	valid_init(&v);
	if (r->body_len == 0)
		valid_fail(&v, "body", "is empty: send the file's bytes as "
		    "the request body");
	mt = upload_media_type(r, &v);
	(void)upload_filename(r, &v, e.filename, sizeof(e.filename));
	if (valid_check(r, &v) == -1)
		return -1;
	if (evidence_put(r->ld->cfg.data_dir, r->body, r->body_len, e.sha256,
	    err, sizeof(err)) == -1) {
		/* err names paths of the server: for the log, not the client. */
		log_error("%s %s: %s", r->method, r->path, err);
		return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "the evidence could not be stored; nothing "
		    "was recorded");
	}
	e.size = (int64_t)r->body_len;
	snprintf(e.media_type, sizeof(e.media_type), "%s", mt);
	snprintf(e.uploaded_by, sizeof(e.uploaded_by), "%s", r->who.org_id);
	snprintf(loc, sizeof(loc), "/v1/submissions/%s/evidence/%s", s.id,
	    e.sha256);
	rc = workflow_add_evidence(r->db, &r->who, &s, &e);
	switch (rc) {
	case STORE_OK:
		reply_header(r, MHD_HTTP_HEADER_LOCATION, loc);
		return reply_json(r, MHD_HTTP_CREATED, evidence_json(&e));
	case STORE_CONFLICT:
		/* The same bytes again: the upload is idempotent. */
		if (store_evidence_get(r->db, s.id, e.sha256, &e) != STORE_OK)
			return reply_db_error(r);
		reply_header(r, MHD_HTTP_HEADER_LOCATION, loc);
		return reply_json(r, MHD_HTTP_OK, evidence_json(&e));
	case WF_BADSTATE:
		return submissions_reply_bad_state(r, &s, "uploading evidence",
		    "not yet decided");
	default:
		return reply_db_error(r);
	}
}

static int
evidence_list_cb(const struct evidence *e, void *arg)
{
	return page_add(arg, evidence_json(e), e->seq);
}

static int
evidence_list(struct req *r)
{
	struct submission	 s;
	struct page		 pg;
	int64_t			 after;
	int			 limit;

	if (submissions_load_visible(r, &s) == -1 || page_parse(r, &after, &limit) == -1)
		return -1;
	page_init(&pg, limit);
	return page_finish(r, &pg, store_evidence_list(r->db, s.id, after,
	    limit + 1, evidence_list_cb, &pg));
}

/* Reads the whole file at fd (size bytes) into a new buffer. */
static char *
read_all(int fd, size_t size)
{
	char	*buf = malloc(size ? size : 1);
	size_t	 o = 0;

	while (buf != NULL && o < size) {
		ssize_t n = read(fd, buf + o, size - o);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return NULL;
		}
		o += (size_t)n;
	}
	return buf;
}

static int
evidence_get(struct req *r)
{
	struct submission	 s;
	struct evidence		 e;
	char			*buf, hex[65], cd[LABELD_MAX_FILENAME + 32];
	uint8_t			 h[32];
	size_t			 size;
	int			 fd, rc;

	if (submissions_load_visible(r, &s) == -1)
		return -1;
	rc = valid_is_sha256(r->params[1]) ?
	    store_evidence_get(r->db, s.id, r->params[1], &e) : STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND)
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "submission %s has no evidence %s", s.id, r->params[1]);
	if (rc != STORE_OK)
		return reply_db_error(r);
	if (evidence_open(r->ld->cfg.data_dir, e.sha256, &fd, &size) == -1)
		return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "the content of evidence %s is missing from "
		    "the data directory", e.sha256);
	buf = (int64_t)size == e.size ? read_all(fd, size) : NULL;
	close(fd);
	if (buf != NULL) {
		lc_sha256(buf, size, h);
		lc_hex(h, sizeof(h), hex);
	}
	/* Never serve bytes that are not what was uploaded. */
	if (buf == NULL || strcmp(hex, e.sha256) != 0) {
		free(buf);
		return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "the stored content of evidence %s is damaged "
		    "(size or digest differs)", e.sha256);
	}
	if (e.filename[0] != '\0')
		snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"",
		    e.filename);
	else
		snprintf(cd, sizeof(cd), "attachment");
	reply_header(r, "Content-Disposition", cd);
	/* Uploaded bytes are the vendor's: never active content here. */
	reply_header(r, "Content-Security-Policy", "sandbox; default-src "
	    "'none'");
	snprintf(cd, sizeof(cd), "\"%s\"", e.sha256);
	reply_header(r, MHD_HTTP_HEADER_ETAG, cd);
	rc = reply_raw(r, MHD_HTTP_OK, e.media_type, buf, size);
	free(buf);
	return rc;
}

const struct route api_evidence_routes[] = {
	{ "POST", "/v1/submissions/{id}/evidence", ROLE_VENDOR | ROLE_LAB,
	    ROUTE_UPLOAD, evidence_upload },
	{ "GET", "/v1/submissions/{id}/evidence", ROLES_VIEW, 0,
	    evidence_list },
	{ "GET", "/v1/submissions/{id}/evidence/{sha256}", ROLES_VIEW, 0,
	    evidence_get },
	{ NULL, NULL, 0, 0, NULL }
};
