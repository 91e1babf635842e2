/*
 * api_webhooks.c: notifications (issue 13).  Any authenticated
 * organisation subscribes URLs to events and reads its own webhooks and
 * their delivery history; another organisation's webhook is 404, as an
 * unknown one.  The secret is answered once, at creation.  The rules are
 * webhook.c's; deliveries are the delivery thread's.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"

static json_t *
webhook_json(const struct webhook *w)
{
	json_t *events = json_loads(w->events ? w->events : "[]", 0, NULL);

	return json_pack("{s:s, s:s, s:s, s:o, s:s}", "id", w->id, "org_id",
	    w->org_id, "url", w->url, "events", events ? events : json_array(),
	    "created_at", w->created_at);
}

static int
no_webhook(struct req *r)
{
	return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
	    "no webhook %s of your organisation (GET /v1/webhooks lists them)",
	    r->params[0]);
}

/* The caller's own webhook params[0] into w, or the answer (404, 500). */
static int
load_own(struct req *r, struct webhook *w, int *answered)
{
	*answered = 1;
	switch (store_webhook_get(r->db, r->params[0], w)) {
	case STORE_OK:
		if (strcmp(w->org_id, r->who.org_id) == 0) {
			*answered = 0;
			return 0;
		}
		store_webhook_clear(w);
		return no_webhook(r);
	case STORE_NOTFOUND:
		return no_webhook(r);
	default:
		return reply_db_error(r);
	}
}

static int
webhooks_create(struct req *r)
{
	struct webhook	 w;
	json_t		*errors = json_array(), *body;
	char		 secret[65];
	int		 rc;

	if (errors == NULL)
		return reply_oom(r);
	rc = webhook_create(r->db, &r->who, json_string_value(json_object_get(
	    r->json, "url")), json_object_get(r->json, "events"), &w, secret,
	    errors);
	if (rc == STORE_INVALID && json_object_get(r->json, "url") != NULL &&
	    !json_is_string(json_object_get(r->json, "url")))
		json_array_insert_new(errors, 0, json_pack("{s:s, s:s}",
		    "field", "url", "detail", "must be a string"));
	switch (rc) {
	case STORE_OK:
		json_decref(errors);
		body = webhook_json(&w);
		store_webhook_clear(&w);
		/* The only time the secret leaves labeld. */
		if (body != NULL)
			json_object_set_new(body, "secret", json_string(secret));
		memset(secret, 0, sizeof(secret));
		log_info("webhook %s created by %s", w.id, r->who.org_id);
		return reply_json(r, MHD_HTTP_CREATED, body);
	case STORE_INVALID:
		rc = reply_invalid(r, errors);
		json_decref(errors);
		return rc;
	case STORE_CONFLICT:
		json_decref(errors);
		return reply_problem(r, MHD_HTTP_CONFLICT, "too-many-webhooks",
		    "your organisation has %d webhooks already: delete one "
		    "first", LABELD_WEBHOOK_MAX_PER_ORG);
	default:
		json_decref(errors);
		return reply_db_error(r);
	}
}

static int
list_one(const struct webhook *w, void *arg)
{
	return page_add(arg, webhook_json(w), w->seq);
}

static int
webhooks_list(struct req *r)
{
	struct page	 pg;
	int64_t		 after;
	int		 limit;

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	page_init(&pg, limit);
	return page_finish(r, &pg, store_webhook_list(r->db, r->who.org_id,
	    after, limit + 1, list_one, &pg));
}

static int
webhooks_get(struct req *r)
{
	struct webhook	 w;
	json_t		*body;
	int		 answered, rc;

	rc = load_own(r, &w, &answered);
	if (answered)
		return rc;
	body = webhook_json(&w);
	store_webhook_clear(&w);
	return reply_json(r, MHD_HTTP_OK, body);
}

static int
webhooks_delete(struct req *r)
{
	struct webhook	 w;
	json_t		*body;
	char		 now[32];
	int		 answered, rc;

	rc = load_own(r, &w, &answered);
	if (answered)
		return rc;
	store_now(now);
	if (db_begin(r->db) == -1 ||
	    (rc = store_webhook_delete(r->db, w.id, now)) != STORE_OK ||
	    db_commit(r->db) == -1) {
		db_rollback(r->db);
		store_webhook_clear(&w);
		return rc == STORE_NOTFOUND ? no_webhook(r) : reply_db_error(r);
	}
	body = webhook_json(&w);
	store_webhook_clear(&w);
	if (body != NULL)
		json_object_set_new(body, "deleted_at", json_string(now));
	log_info("webhook %s deleted by %s", r->params[0], r->who.org_id);
	return reply_json(r, MHD_HTTP_OK, body);
}

static int
add_attempt(const struct webhook_attempt *a, void *arg)
{
	return json_array_append_new(arg, json_pack("{s:s, s:o, s:s?}", "at",
	    a->at, "status", a->status > 0 ? json_integer(a->status) :
	    json_null(), "error", a->error[0] ? a->error : NULL));
}

struct delivery_walk {
	struct db	*db;
	struct page	*page;
};

static int
delivery_one(const struct webhook_delivery *d, void *arg)
{
	struct delivery_walk	*w = arg;
	json_t			*attempts = json_array(), *item = NULL;

	if (attempts != NULL && store_attempt_list(w->db, d->id, add_attempt,
	    attempts) == STORE_OK)
		item = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s?, s:o, s:s?, "
		    "s:s, s:s, s:O}", "id", d->id, "event_id", d->event_id,
		    "event", d->event_type, "state", d->state, "attempts",
		    d->attempts, "next_attempt_at", strcmp(d->state,
		    "pending") == 0 ? d->next_attempt_at : NULL,
		    "last_status", d->last_status > 0 ?
		    json_integer(d->last_status) : json_null(), "last_error",
		    d->last_error[0] ? d->last_error : NULL, "created_at",
		    d->created_at, "updated_at", d->updated_at, "history",
		    attempts);
	json_decref(attempts);
	return page_add(w->page, item, d->seq);
}

static int
deliveries_list(struct req *r)
{
	struct webhook		 w;
	struct page		 pg;
	struct delivery_walk	 dw;
	int64_t			 after;
	int			 limit, answered, rc;

	rc = load_own(r, &w, &answered);
	if (answered)
		return rc;
	store_webhook_clear(&w);
	if (page_parse(r, &after, &limit) == -1)
		return -1;
	page_init(&pg, limit);
	dw.db = r->db;
	dw.page = &pg;
	return page_finish(r, &pg, store_delivery_list(r->db, r->params[0],
	    after, limit + 1, delivery_one, &dw));
}

const struct route api_webhooks_routes[] = {
	{ "POST", "/v1/webhooks", ROLE_ANY_AUTH, ROUTE_JSON, webhooks_create },
	{ "GET", "/v1/webhooks", ROLE_ANY_AUTH, 0, webhooks_list },
	{ "GET", "/v1/webhooks/{id}", ROLE_ANY_AUTH, 0, webhooks_get },
	{ "DELETE", "/v1/webhooks/{id}", ROLE_ANY_AUTH, 0, webhooks_delete },
	{ "GET", "/v1/webhooks/{id}/deliveries", ROLE_ANY_AUTH, 0,
	    deliveries_list },
	{ NULL, NULL, 0, 0, NULL }
};
