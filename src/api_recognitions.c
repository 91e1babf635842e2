/*
 * api_recognitions.c: recognised labels (issue 10).  The regulator posts
 * a partner's credential; recognition.c verifies it with the partner's
 * pinned keys and lists, applies the agreement and issues the local
 * label.  Anyone reads the recognitions, like labels.  This file maps
 * requests and results to answers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"

/*
 * A recognition as answered: with the local label's status now and, when
 * with_label, the label credential itself.  NULL on a database or memory
 * fault.
 */
static json_t *
recognition_json(struct db *db, const struct recognition *rec,
    int with_label)
{
	struct label_state	 s;
	json_t			*out, *label = NULL;
	char			*buf = NULL;
	size_t			 len;

	if (lifecycle_status(db, rec->label_id, clock_now(), &s) != STORE_OK)
		return NULL;
	if (with_label) {
		if (store_label_credential(db, rec->label_id, &buf, &len) !=
		    STORE_OK)
			return NULL;
		label = json_loadb(buf, len, 0, NULL);
		free(buf);
		if (label == NULL)
			return NULL;
	}
	out = json_pack("{s:s, s:s, s:i, s:s, s:s, s:{s:s, s:s, s:s, s:i, "
	    "s:s}, s:s, s:s?, s:s, s:s?}", "id", rec->id, "label_id",
	    rec->label_id, "tier", rec->tier, "partner_id", rec->partner_id,
	    "agreement_id", rec->agreement_id, "recognition_of", "id",
	    rec->foreign_id, "issuer", rec->foreign_issuer, "digest",
	    rec->digest, "tier", rec->foreign_tier, "valid_until",
	    rec->foreign_valid_until, "status", s.status, "reason",
	    s.reason[0] ? s.reason : NULL, "created_at", rec->created_at,
	    "created_by", rec->created_by[0] ? rec->created_by : NULL);
	if (out != NULL && label != NULL &&
	    json_object_set_new(out, "label", label) == -1) {
		json_decref(out);
		return NULL;
	}
	if (out == NULL)
		json_decref(label);
	return out;
}

static int
recognitions_create(struct req *r)
{
	struct recognition	 rec;
	struct recognition_why	 why;
	json_t			*body, *label;
	char			*buf = NULL, loc[64];
	size_t			 len = 0;
	int			 rc;

	memset(&why, 0, sizeof(why));
	rc = recognition_create(r->db, &r->ld->cfg, &r->who,
	    json_object_get(r->json, "credential"), clock_now(), &rec, &buf,
	    &len, &why);
	switch (rc) {
	case STORE_OK:
		break;
	case STORE_INVALID:
		return reply_problem_extra(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
		    "recognition-refused", json_pack("{s:s, s:s}", "check",
		    why.check, "code", why.code), "%s", why.text);
	case STORE_CONFLICT:
		return reply_problem_extra(r, MHD_HTTP_CONFLICT, "recognised",
		    json_pack("{s:s, s:s}", "check", why.check, "code",
		    why.code), "%s", why.text);
	case KEYS_NOKEY:
		return reply_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no-signing-key", "no label can be signed now (no active "
		    "signing key, or it cannot be unsealed); nothing was "
		    "recognised");
	default:
		return reply_db_error(r);
	}
	label = json_loadb(buf, len, 0, NULL);
	free(buf);
	if (label == NULL || (body = recognition_json(r->db, &rec, 0)) ==
	    NULL) {
		json_decref(label);
		return reply_db_error(r);
	}
	json_object_set_new(body, "label", label);
	snprintf(loc, sizeof(loc), "/v1/recognitions/%s", rec.id);
	reply_header(r, "Location", loc);
	return reply_json(r, MHD_HTTP_CREATED, body);
}

static int
recognitions_get(struct req *r)
{
	struct recognition	 rec;
	json_t			*body;

	switch (store_recognition_get(r->db, r->params[0], &rec)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no recognition %s (GET /v1/recognitions lists them)",
		    r->params[0]);
	default:
		return reply_db_error(r);
	}
	if ((body = recognition_json(r->db, &rec, 1)) == NULL)
		return reply_db_error(r);
	return reply_json(r, MHD_HTTP_OK, body);
}

struct list_walk {
	struct db	*db;
	struct page	*page;
};

static int
list_one(const struct recognition *rec, void *arg)
{
	struct list_walk *w = arg;

	return page_add(w->page, recognition_json(w->db, rec, 0), rec->seq);
}

static int
recognitions_list(struct req *r)
{
	struct page		 pg;
	struct list_walk	 w;
	const char		*partner = req_query(r, "partner");
	int64_t			 after;
	int			 limit;

	if (partner != NULL && (*partner == '\0' || strlen(partner) >= 40))
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "partner: expected a partner id (GET /v1/partners)");
	if (page_parse(r, &after, &limit) == -1)
		return -1;
	page_init(&pg, limit);
	w.db = r->db;
	w.page = &pg;
	return page_finish(r, &pg, store_recognition_list(r->db, partner,
	    after, limit + 1, list_one, &w));
}

const struct route api_recognitions_routes[] = {
	{ "POST", "/v1/recognitions", ROLE_REGULATOR, ROUTE_JSON,
	    recognitions_create },
	{ "GET", "/v1/recognitions", ROLE_PUBLIC, 0, recognitions_list },
	{ "GET", "/v1/recognitions/{id}", ROLE_PUBLIC, 0, recognitions_get },
	{ NULL, NULL, 0, 0, NULL }
};
