/*
 * api_evidence.c: evidence of a submission over HTTP.  Uploads are raw
 * bodies (any media type, up to max_upload) or the one file part of a
 * multipart/form-data body, each of an evidence kind of the submission's
 * scheme (?kind=, default document), stored content-addressed by
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
#include "scheme.h"
#include "utf8.h"

/* ---- evidence ---- */

static json_t *
evidence_json(const struct evidence *e)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s?, s:s, s:s}",
	    "submission_id", e->submission_id, "sha256", e->sha256, "size",
	    (json_int_t)e->size, "media_type", e->media_type, "kind",
	    e->kind, "filename", e->filename[0] ? e->filename : NULL,
	    "uploaded_by", e->uploaded_by, "created_at", e->created_at);
}

/* strchr finds the terminating NUL too: without the test, a scan ran on. */
static int
is_token_char(int c)
{
	return c != '\0' && (isalnum(c) || strchr("!#$&-^_.+", c) != NULL);
}

/*
 * The media type ct of an upload (the request's Content-Type, or a
 * multipart file part's) checked: type/subtype and parameters, printable
 * ASCII; application/octet-stream when absent.  NULL after a fault.
 */
static const char *
media_type_check(struct valid *v, const char *ct)
{
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
 * The file name of an upload: ?filename=, else the multipart file part's
 * (part, NULL for a raw body), else Content-Disposition's filename
 * parameter; only its last path component; "" when none.
 */
static int
upload_filename(struct req *r, struct valid *v, const char *part, char *out,
    size_t outlen)
{
	const char	*q = req_query(r, "filename"), *cd, *p, *base;
	size_t		 n;

	out[0] = '\0';
	if (q == NULL && part != NULL)
		q = part;
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

/*
 * The evidence kind of an upload: ?kind=, else "document"; one of the
 * evidence kinds of the submission's scheme, else a fault naming them.
 */
static const char *
upload_kind(struct req *r, struct valid *v, const struct submission *s,
    const struct scheme *sc)
{
	const json_t	*kinds = json_object_get(scheme_json(sc),
	    "evidence_kinds"), *k;
	const char	*q = req_query(r, "kind");
	char		 names[LABELD_SCHEME_MAX_LIST * (LABELD_SCHEME_MAX_ID_LEN +
	    2)];
	size_t		 i, o = 0;

	if (scheme_evidence_kind_description(sc, q != NULL ? q : "document")
	    != NULL)
		return q != NULL ? q : "document";
	names[0] = '\0';
	json_array_foreach(kinds, i, k)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s",
		    i ? ", " : "", json_string_value(json_object_get(k, "id")));
	if (q == NULL)
		valid_fail(v, "kind", "is required: scheme %s version %d has "
		    "no kind \"document\" to default to; one of %s", s->scheme,
		    s->scheme_version, names);
	else
		valid_fail(v, "kind", "\"%.64s\" is no evidence kind of scheme "
		    "%s version %d: one of %s", q, s->scheme, s->scheme_version,
		    names);
	return NULL;
}

/*
 * libmicrohttpd's parse buffer for a multipart body: part headers (names,
 * media type) must fit; the file's bytes stream through it in pieces.
 */
#define LABELD_MULTIPART_BUFFER	8192

/* A multipart/form-data body's one file part, as the iterator finds it. */
struct file_part {
	char	*data;
	size_t	 len, cap;
	char	 name[LABELD_MAX_FILENAME + 1];	/* the part's filename */
	char	 key[64];			/* and form field name */
	char	 media_type[LABELD_MAX_MEDIA_TYPE + 1];
	int	 files;				/* file parts seen */
	int	 toolong;			/* a name over its bound */
};

static enum MHD_Result
file_part_cb(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct file_part	*f = cls;

	(void)kind;
	(void)transfer_encoding;
	/* Plain form fields carry no file: ignored. */
	if (filename == NULL)
		return MHD_YES;
	if (off == 0 && (f->files == 0 || f->len > 0 ||
	    strcmp(f->key, key != NULL ? key : "") != 0 ||
	    strcmp(f->name, filename) != 0)) {
		if (++f->files > 1)
			return MHD_YES;
		if (strlen(filename) >= sizeof(f->name) ||
		    (content_type != NULL &&
		    strlen(content_type) >= sizeof(f->media_type)) ||
		    (key != NULL && strlen(key) >= sizeof(f->key)))
			f->toolong = 1;
		snprintf(f->name, sizeof(f->name), "%s", filename);
		snprintf(f->key, sizeof(f->key), "%s", key != NULL ? key : "");
		snprintf(f->media_type, sizeof(f->media_type), "%s",
		    content_type != NULL ? content_type : "");
	}
	if (f->files > 1)
		return MHD_YES;
	/* The part lies inside the body: it can never outgrow it. */
	if (off != f->len || size > f->cap - f->len)
		return MHD_NO;
	memcpy(f->data + f->len, data, size);
	f->len += size;
	return MHD_YES;
}

/* 1 when the request's Content-Type is multipart/form-data. */
static int
is_multipart(struct req *r)
{
	const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);

	return ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0 &&
	    (ct[19] == '\0' || ct[19] == ';' || ct[19] == ' ');
}

/*
 * Finds the one file part of the multipart/form-data body into f (its
 * data a new buffer the caller frees).  0, or -1 with a fault in v.
 */
static int
file_part(struct req *r, struct valid *v, struct file_part *f)
{
	struct MHD_PostProcessor	*pp;
	enum MHD_Result			 ok;

	memset(f, 0, sizeof(*f));
	f->cap = r->body_len;
	if ((f->data = malloc(f->cap ? f->cap : 1)) == NULL)
		return -1;
	pp = MHD_create_post_processor(r->conn, LABELD_MULTIPART_BUFFER,
	    file_part_cb, f);
	if (pp == NULL) {
		valid_fail(v, "Content-Type", "multipart/form-data needs its "
		    "boundary parameter");
		return -1;
	}
	ok = MHD_post_process(pp, r->body, r->body_len);
	if (MHD_destroy_post_processor(pp) != MHD_YES || ok != MHD_YES) {
		valid_fail(v, "body", "is not a well-formed multipart/form-data "
		    "body");
		return -1;
	}
	if (f->files == 0)
		valid_fail(v, "body", "has no file part: send the file as a "
		    "form field with a filename (curl -F file=@NAME)");
	else if (f->files > 1)
		valid_fail(v, "body", "has %d file parts: upload one file per "
		    "request", f->files);
	else if (f->toolong)
		valid_fail(v, "body", "names a file, field or media type "
		    "longer than its bound");
	else if (f->len == 0)
		valid_fail(v, "body", "has an empty file part: send the "
		    "file's bytes");
	return f->files == 1 && !f->toolong && f->len > 0 ? 0 : -1;
}

static int
evidence_upload(struct req *r)
{
	struct submission	 s;
	struct valid		 v;
	struct evidence		 e, had;
	struct file_part	 f;
	const struct scheme	*sc;
	const char		*mt = NULL, *kind, *bytes = r->body;
	size_t			 len = r->body_len;
	char			 err[256], loc[160];
	int			 rc, multipart;

	if (submissions_load_visible(r, &s) == -1)
		return -1;
	if (!workflow_may_upload(workflow_state_of(&s)))
		return submissions_reply_bad_state(r, &s, "uploading evidence",
		    "not yet decided");
	if ((sc = submissions_scheme(r, &s)) == NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	valid_init(&v);
	kind = upload_kind(r, &v, &s, sc);
	if ((multipart = is_multipart(r))) {
		/* A browser's or curl -F's form: the file part is the file. */
		if (r->body_len > 0 && file_part(r, &v, &f) == 0) {
			bytes = f.data;
			len = f.len;
			mt = media_type_check(&v, f.media_type);
			(void)upload_filename(r, &v, f.name, e.filename,
			    sizeof(e.filename));
		} else if (f.data == NULL && r->body_len > 0) {
			json_decref(v.errors);
			return reply_oom(r);
		}
	} else {
		mt = media_type_check(&v, req_header(r,
		    MHD_HTTP_HEADER_CONTENT_TYPE));
		(void)upload_filename(r, &v, NULL, e.filename,
		    sizeof(e.filename));
	}
	if (r->body_len == 0)
		valid_fail(&v, "body", "is empty: send the file's bytes as "
		    "the request body");
	if (valid_check(r, &v) == -1) {
		free(f.data);
		return -1;
	}
	rc = evidence_put(r->ld->cfg.data_dir, bytes, len, e.sha256, err,
	    sizeof(err));
	if (rc == -1) {
		free(f.data);
		/* err names paths of the server: for the log, not the client. */
		log_error("%s %s: %s", r->method, r->path, err);
		return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "the evidence could not be stored; nothing "
		    "was recorded");
	}
	e.size = (int64_t)len;
	free(f.data);
	snprintf(e.media_type, sizeof(e.media_type), "%s", mt);
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	snprintf(e.uploaded_by, sizeof(e.uploaded_by), "%s", r->who.org_id);
	snprintf(loc, sizeof(loc), "/v1/submissions/%s/evidence/%s", s.id,
	    e.sha256);
	rc = workflow_add_evidence(r->db, &r->who, &s, &e);
	switch (rc) {
	case STORE_OK:
		reply_header(r, MHD_HTTP_HEADER_LOCATION, loc);
		return reply_json(r, MHD_HTTP_CREATED, evidence_json(&e));
	case STORE_CONFLICT:
		/* The same bytes again: idempotent, unless the kind differs. */
		if (store_evidence_get(r->db, s.id, e.sha256, &had) != STORE_OK)
			return reply_db_error(r);
		if (strcmp(had.kind, e.kind) != 0)
			return reply_problem(r, MHD_HTTP_CONFLICT,
			    "evidence-kind", "submission %s already has these "
			    "bytes (%s) as evidence of kind %s, not %s: a file "
			    "is evidence of one kind", s.id, e.sha256,
			    had.kind, e.kind);
		reply_header(r, MHD_HTTP_HEADER_LOCATION, loc);
		return reply_json(r, MHD_HTTP_OK, evidence_json(&had));
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
