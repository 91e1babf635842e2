/*
 * api_log.c: the transparency log, public: the current checkpoint (a C2SP
 * signed note), a page of entries, inclusion and consistency proofs, and
 * a label's proof (GET /v1/labels/{id}/proof, in api_labels.c's table);
 * partners' witness cosignatures (POST /v1/log/cosignatures, no token: the
 * cosignature is checked against the pinned partner's key) and the
 * incidents they reveal (GET /v1/log/incidents).
 * Numbers are strict decimals; a bad or out-of-range one answers 400.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "labeld.h"
#include "crypto.h"

#define API_LOG_CHECKPOINT_TYPE	"text/plain; charset=utf-8"
#define API_LOG_MAX_DIGITS	20

/*
 * The query parameter name as a decimal of at most TLOG_MAX_SIZE into
 * *out: 0, or -1 after answering 400.
 */
static int
query_u64(struct req *r, const char *name, uint64_t *out)
{
	const char	*s = req_query(r, name);
	uint64_t	 v = 0;
	size_t		 i, n;

	n = s != NULL ? strlen(s) : 0;
	if (n == 0 || n > API_LOG_MAX_DIGITS || (n > 1 && s[0] == '0'))
		goto bad;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > TLOG_MAX_SIZE)
			goto bad;
	}
	*out = v;
	return 0;
bad:
	reply_problem(r, MHD_HTTP_BAD_REQUEST, "validation", "%s: expected a "
	    "decimal from 0 to %llu", name, (unsigned long long)TLOG_MAX_SIZE);
	return -1;
}

/* A JSON array of the base64 of hashes[0..n). */
static json_t *
hashes_json(const uint8_t (*hashes)[TLOG_HASH_LEN], size_t n)
{
	json_t	*a = json_array();
	char	*b;
	size_t	 i;

	for (i = 0; a != NULL && i < n; i++) {
		if ((b = lc_b64_encode(hashes[i], TLOG_HASH_LEN, 0)) == NULL ||
		    json_array_append_new(a, json_string(b)) == -1) {
			free(b);
			json_decref(a);
			return NULL;
		}
		free(b);
	}
	return a;
}

static int
log_unavailable(struct req *r, int rc, const char *err)
{
	if (rc == KEYS_NOKEY)
		return reply_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no-log-key", "%s", err);
	log_error("log: %s", err);
	return reply_db_error(r);
}

/* The checkpoint of the current tree, signed when the tree grew. */
static int
log_checkpoint(struct req *r)
{
	struct tlog_checkpoint	 c;
	char			*note, err[512];
	int			 rc;

	if ((rc = translog_checkpoint(r->db, &r->ld->cfg, &c, &note, err,
	    sizeof(err))) != STORE_OK)
		return log_unavailable(r, rc, err);
	rc = reply_raw(r, MHD_HTTP_OK, API_LOG_CHECKPOINT_TYPE, note,
	    c.notelen);
	free(note);
	return rc;
}

static int
add_entry(const struct tlog_leaf *l, void *arg)
{
	json_t	*a = arg;
	char	*b = lc_b64_encode(l->entry, l->len, 0);
	int	 rc;

	rc = b == NULL || json_array_append_new(a, json_pack("{s:I, s:s}",
	    "index", (json_int_t)l->idx, "leaf", b)) == -1;
	free(b);
	return rc;
}

/* Entries start <= index < min(end, size, start + LABELD_LOG_PAGE_MAX). */
static int
log_entries(struct req *r)
{
	json_t		*a;
	uint64_t	 start, end, size;
	int		 rc;

	if (query_u64(r, "start", &start) == -1 ||
	    query_u64(r, "end", &end) == -1)
		return -1;
	if (end <= start)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "validation",
		    "end: must exceed start");
	if (db_begin_read(r->db) == -1)
		return reply_db_error(r);
	if (store_tlog_size(r->db, &size) != STORE_OK) {
		db_rollback(r->db);
		return reply_db_error(r);
	}
	if (start > size) {
		db_rollback(r->db);
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "validation",
		    "start: beyond the log size %llu",
		    (unsigned long long)size);
	}
	if ((a = json_array()) == NULL) {
		db_rollback(r->db);
		return reply_oom(r);
	}
	rc = store_tlog_leaf_walk(r->db, start, end, LABELD_LOG_PAGE_MAX,
	    add_entry, a);
	db_rollback(r->db);
	if (rc != STORE_OK || json_array_size(a) > LABELD_LOG_PAGE_MAX ||
	    (json_array_size(a) < LABELD_LOG_PAGE_MAX &&
	    json_array_size(a) != (end < size ? end : size) - start)) {
		json_decref(a);
		return reply_db_error(r);
	}
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:o}", "entries", a));
}

/*
 * Answers a proof computed for (k1 = v1, k2 = v2) with result rc:
 * {k1, k2, hashes}, 400 for numbers the log refuses, else 503/500.
 */
static int
proof_reply(struct req *r, int rc, const char *err,
    const uint8_t (*proof)[TLOG_HASH_LEN], size_t n, const char *k1,
    uint64_t v1, const char *k2, uint64_t v2)
{
	json_t	*h;

	switch (rc) {
	case STORE_OK:
		break;
	case STORE_INVALID:
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "validation",
		    "%s", err);
	default:
		return log_unavailable(r, STORE_ERR, err);
	}
	if ((h = hashes_json(proof, n)) == NULL)
		return reply_oom(r);
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:I, s:I, s:o}", k1,
	    (json_int_t)v1, k2, (json_int_t)v2, "hashes", h));
}

static int
log_inclusion(struct req *r)
{
	uint8_t		 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint64_t	 index, size;
	size_t		 n = 0;
	char		 err[256];
	int		 rc;

	if (query_u64(r, "index", &index) == -1 ||
	    query_u64(r, "tree_size", &size) == -1)
		return -1;
	rc = translog_inclusion(r->db, index, size, proof, &n, err,
	    sizeof(err));
	return proof_reply(r, rc, err,
	    (const uint8_t (*)[TLOG_HASH_LEN])proof, n, "index", index,
	    "tree_size", size);
}

static int
log_consistency(struct req *r)
{
	uint8_t		 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint64_t	 first, second;
	size_t		 n = 0;
	char		 err[256];
	int		 rc;

	if (query_u64(r, "first", &first) == -1 ||
	    query_u64(r, "second", &second) == -1)
		return -1;
	rc = translog_consistency(r->db, first, second, proof, &n, err,
	    sizeof(err));
	return proof_reply(r, rc, err,
	    (const uint8_t (*)[TLOG_HASH_LEN])proof, n, "first", first,
	    "second", second);
}

/*
 * GET /v1/labels/{label_id}/proof: {log_index, tree_size, leaf,
 * inclusion, checkpoint} of the label's issue leaf in the current
 * checkpoint.  404 for an unknown label or one issued before the log.
 */
int
api_log_label_proof(struct req *r)
{
	struct translog_label_proof	 p;
	struct label			 l;
	json_t				*h;
	char				*leaf, err[512];
	int				 rc;

	switch (store_label_get(r->db, r->params[0], &l)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no label %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
	switch ((rc = translog_label_proof(r->db, &r->ld->cfg, l.id, &p, err,
	    sizeof(err)))) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "%s",
		    err);
	default:
		return log_unavailable(r, rc, err);
	}
	leaf = lc_b64_encode(p.entry, p.len, 0);
	h = hashes_json((const uint8_t (*)[TLOG_HASH_LEN])p.proof, p.nproof);
	if (leaf == NULL || h == NULL) {
		free(leaf);
		json_decref(h);
		translog_label_proof_free(&p);
		return reply_oom(r);
	}
	rc = reply_json(r, MHD_HTTP_OK, json_pack("{s:I, s:I, s:s, s:o, "
	    "s:s}", "log_index", (json_int_t)p.index, "tree_size",
	    (json_int_t)p.tree_size, "leaf", leaf, "inclusion", h,
	    "checkpoint", p.note));
	free(leaf);
	translog_label_proof_free(&p);
	return rc;
}

/*
 * POST /v1/log/cosignatures: a text/plain body, our checkpoint as a signed
 * note carrying a pinned partner's witness cosignature.  201 when stored,
 * 200 when that cosignature was stored before; 409 with the incident id
 * when it witnesses another view of our log (recorded); 403 when no
 * pinned partner's witness key cosigned it; 422 for a bad note.
 */
static int
log_cosign(struct req *r)
{
	struct translog_cosig_result	 res;
	const char			*ct;
	char				 err[1024];
	size_t				 n;
	int				 rc;

	ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	n = ct != NULL ? strcspn(ct, "; ") : 0;
	if (ct == NULL || n != 10 || strncasecmp(ct, "text/plain", 10) != 0)
		return reply_problem(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "unsupported-media-type", "this route takes a signed note: "
		    "send Content-Type: text/plain");
	if (r->body_len == 0)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "validation",
		    "the request body is empty; expected our checkpoint with "
		    "a witness cosignature");
	switch ((rc = translog_cosignature(r->db, r->body, r->body_len, &res,
	    err, sizeof(err)))) {
	case STORE_OK:
		return reply_json(r, res.stored ? MHD_HTTP_CREATED :
		    MHD_HTTP_OK, json_pack("{s:I, s:s, s:s, s:s, s:b}",
		    "tree_size", (json_int_t)res.size, "partner_id",
		    res.partner_id, "witness", res.witness, "cosigned_at",
		    res.cosigned_at, "stored", res.stored));
	case STORE_CONFLICT:
		return reply_problem_extra(r, MHD_HTTP_CONFLICT, "log-incident",
		    json_pack("{s:I}", "incident", (json_int_t)res.incident),
		    "%s", err);
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_FORBIDDEN, "unknown-witness",
		    "%s", err);
	case STORE_INVALID:
		return reply_problem(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
		    "validation", "%s", err);
	default:
		log_error("log cosignature: %s", err);
		return reply_db_error(r);
	}
}

static int
add_incident(const struct log_incident *i, void *arg)
{
	json_t *a = arg;

	return json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:I, s:s?, "
	    "s:s?, s:b, s:s, s:s, s:s}", "id", (json_int_t)i->id, "kind",
	    i->kind, "origin", i->origin, "tree_size", (json_int_t)i->size,
	    "partner_id", i->partner_id, "witness", i->witness, "log_signed",
	    i->log_signed, "detail", i->detail, "evidence", i->evidence,
	    "recorded_at", i->recorded_at)) == -1;
}

/* GET /v1/log/incidents?after=ID: {incidents: [...]}, oldest first, at
 * most LABELD_LOG_INCIDENTS_MAX after the id given. */
static int
log_incidents(struct req *r)
{
	json_t		*a;
	uint64_t	 after = 0;
	int		 rc;

	if (req_query(r, "after") != NULL && query_u64(r, "after",
	    &after) == -1)
		return -1;
	if ((a = json_array()) == NULL)
		return reply_oom(r);
	if (db_begin_read(r->db) == -1) {
		json_decref(a);
		return reply_db_error(r);
	}
	rc = store_log_incident_walk(r->db, (int64_t)after,
	    LABELD_LOG_INCIDENTS_MAX, add_incident, a);
	db_rollback(r->db);
	if (rc != STORE_OK) {
		json_decref(a);
		return reply_db_error(r);
	}
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:o}", "incidents", a));
}

const struct route api_log_routes[] = {
	{ "GET", "/v1/log/checkpoint", ROLE_PUBLIC, 0, log_checkpoint },
	{ "GET", "/v1/log/entries", ROLE_PUBLIC, 0, log_entries },
	{ "GET", "/v1/log/proof/inclusion", ROLE_PUBLIC, 0, log_inclusion },
	{ "GET", "/v1/log/proof/consistency", ROLE_PUBLIC, 0,
	    log_consistency },
	{ "POST", "/v1/log/cosignatures", ROLE_PUBLIC, 0, log_cosign },
	{ "GET", "/v1/log/incidents", ROLE_PUBLIC, 0, log_incidents },
	{ NULL, NULL, 0, 0, NULL }
};
