/*
 * webhook.c: notifications (issue 13), no HTTP server side.  An
 * organisation subscribes a URL to events; a change that is an event
 * (a decision, a label suspended, revoked or reinstated, a partner's
 * bundle moving) writes it to the outbox in its own transaction
 * (webhook_emit), so an event exists exactly when its change does.  The
 * delivery thread (scheduler.c) fans events out to the webhooks that may
 * see them (store_webhooks.c) and POSTs each payload, signed:
 *
 *   Labeld-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
 *
 * over "<t>.<body>" with the webhook's secret (its 64 characters as the
 * key), retried with exponential backoff (LABELD_WEBHOOK_BACKOFF seconds,
 * doubled each time) up to LABELD_WEBHOOK_MAX_ATTEMPTS attempts, every
 * attempt kept.  Any 2xx is delivered; redirects are not followed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "labeld.h"
#include "rfc3339.h"

/* The events an organisation may subscribe to, named once. */
const char *const webhook_event_names[] = {
	"decision", "suspension", "revocation", "reinstatement", "expiring",
	"fix_overdue", "partner_change", NULL
};

/* 1 when name is one of webhook_event_names. */
int
webhook_event_known(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && webhook_event_names[i] != NULL; i++)
		if (strcmp(name, webhook_event_names[i]) == 0)
			return 1;
	return 0;
}

/*
 * Writes event type (a webhook_event_names entry) to the outbox inside
 * the caller's open transaction: payload {id, type, created, data} with
 * data (stolen).  org_id and lab_id (may be NULL or ""): the
 * organisations it concerns besides the authority's.  STORE_OK or
 * STORE_ERR (the caller rolls its change back).
 */
int
webhook_emit(struct db *db, const char *type, const char *org_id,
    const char *lab_id, json_t *data)
{
	json_t	*doc;
	char	 id[40], at[32], *text;
	int	 rc;

	if (data == NULL || !webhook_event_known(type) ||
	    !db_in_transaction(db)) {
		json_decref(data);
		log_error("%s: event %s outside a change", __func__,
		    type ? type : "(null)");
		return STORE_ERR;
	}
	store_new_id("evt", id, sizeof(id));
	store_now(at);
	if ((doc = json_pack("{s:s, s:s, s:s, s:o}", "id", id, "type", type,
	    "created", at, "data", data)) == NULL)
		return STORE_ERR;
	text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	if (text == NULL)
		return STORE_ERR;
	rc = store_outbox_append(db, id, type, org_id, lab_id, at, text);
	free(text);
	return rc;
}

/* Appends {field, detail} to errors. */
static void
fault(json_t *errors, const char *field, const char *detail)
{
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field,
	    "detail", detail));
}

/*
 * Subscribes who's organisation: url (http or https) to events (a
 * non-empty array of distinct webhook_event_names).  The secret (64 hex
 * characters into secret_hex, 65 bytes) is made here and shown once by
 * the caller.  STORE_OK with out (out->events malloc'd:
 * store_webhook_clear); STORE_INVALID with every fault in errors;
 * STORE_CONFLICT (the organisation has LABELD_WEBHOOK_MAX_PER_ORG
 * already); STORE_ERR.
 */
int
webhook_create(struct db *db, const struct principal *who, const char *url,
    const json_t *events, struct webhook *out, char *secret_hex,
    json_t *errors)
{
	const json_t	*v;
	json_t		*seen = NULL;
	uint8_t		 key[32];
	char		 msg[256];
	size_t		 i, before = json_array_size(errors);
	int		 n, rc;

	memset(out, 0, sizeof(*out));
	secret_hex[0] = '\0';
	if (url == NULL)
		fault(errors, "url", "is required: the http or https URL "
		    "events are POSTed to");
	else if (strlen(url) > LABELD_FETCH_MAX_URL)
		fault(errors, "url", "is longer than 2048 bytes");
	else if (!fetch_url_ok(url))
		fault(errors, "url", "must be an absolute http:// or https:// "
		    "URL with a host");
	if (!json_is_array(events) || json_array_size(events) == 0) {
		fault(errors, "events", "is required: a non-empty array of "
		    "decision, suspension, revocation, reinstatement, "
		    "expiring, fix_overdue, partner_change");
	} else if ((seen = json_array()) == NULL)
		return STORE_ERR;
	json_array_foreach(seen != NULL ? events : NULL, i, v) {
		const char *name = json_string_value(v);

		if (!webhook_event_known(name)) {
			snprintf(msg, sizeof(msg), "%s%.64s%s is not an event: "
			    "one of decision, suspension, revocation, "
			    "reinstatement, expiring, fix_overdue, "
			    "partner_change", name ? "\"" : "", name ? name :
			    "a non-string", name ? "\"" : "");
			fault(errors, "events", msg);
			continue;
		}
		for (size_t j = 0; j < json_array_size(seen); j++)
			if (strcmp(json_string_value(json_array_get(seen, j)),
			    name) == 0) {
				snprintf(msg, sizeof(msg), "\"%s\" is listed "
				    "twice", name);
				fault(errors, "events", msg);
				name = NULL;
				break;
			}
		if (name != NULL)
			json_array_append_new(seen, json_string(name));
	}
	if (json_array_size(errors) != before) {
		json_decref(seen);
		return STORE_INVALID;
	}
	if (db_begin(db) == -1) {
		json_decref(seen);
		return STORE_ERR;
	}
	if ((rc = store_webhook_count(db, who->org_id, &n)) != STORE_OK)
		goto fail;
	if (n >= LABELD_WEBHOOK_MAX_PER_ORG) {
		rc = STORE_CONFLICT;
		goto fail;
	}
	snprintf(out->org_id, sizeof(out->org_id), "%s", who->org_id);
	snprintf(out->url, sizeof(out->url), "%s", url);
	if ((out->events = json_dumps(seen, JSON_COMPACT)) == NULL) {
		rc = STORE_ERR;
		goto fail;
	}
	lc_random(key, sizeof(key));
	lc_hex(key, sizeof(key), out->secret);
	lc_wipe(key, sizeof(key));
	if ((rc = store_webhook_insert(db, out, who->token_id)) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	memcpy(secret_hex, out->secret, sizeof(out->secret));
	lc_wipe(out->secret, sizeof(out->secret));
	json_decref(seen);
	return STORE_OK;
fail:
	db_rollback(db);
	json_decref(seen);
	store_webhook_clear(out);
	return rc;
}

/*
 * The Labeld-Signature value of body (len bytes) at t under secret_hex
 * (its characters are the key): "t=<t>,v1=<hex>".  0, or -1 when out is
 * too small.
 */
int
webhook_sign(const char *secret_hex, time_t t, const char *body, size_t len,
    char *out, size_t outlen)
{
	uint8_t	 mac[32];
	char	 hex[65], *msg;
	int	 n;

	n = snprintf(NULL, 0, "%lld.", (long long)t);
	if ((msg = malloc((size_t)n + len + 1)) == NULL)
		return -1;
	snprintf(msg, (size_t)n + 1, "%lld.", (long long)t);
	memcpy(msg + n, body, len);
	lc_hmac_sha256((const uint8_t *)secret_hex, strlen(secret_hex), msg,
	    (size_t)n + len, mac);
	free(msg);
	lc_hex(mac, sizeof(mac), hex);
	n = snprintf(out, outlen, "t=%lld,v1=%s", (long long)t, hex);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

struct due {
	struct webhook_delivery	*d;
	size_t			 n;
};

static int
collect_due(const struct webhook_delivery *d, void *arg)
{
	struct due *due = arg;

	if (due->n >= LABELD_WEBHOOK_BATCH)
		return -1;
	due->d[due->n++] = *d;
	return 0;
}

/*
 * One attempt of delivery d at now, its outcome recorded.  No database
 * connection is held while the URL is POSTed to (the pool is the
 * server's).
 */
static void
attempt(struct store *s, const struct webhook_delivery *d, time_t now)
{
	struct db		*db;
	struct fetch_result	 res;
	struct webhook		 w;
	char			 sig[128], hsig[160], hev[64], hdl[80];
	char			 err[512], at[32], next[32], *payload = NULL;
	const char		*headers[5], *state;
	long			 status = 0;
	int			 tries = d->attempts + 1, ok, rc;

	db = store_acquire(s);
	rc = store_delivery_payload(db, d->id, &w, &payload);
	store_release(db);
	if (rc != STORE_OK)
		return;
	err[0] = '\0';
	if (webhook_sign(w.secret, now, payload, strlen(payload), sig,
	    sizeof(sig)) == -1) {
		store_webhook_clear(&w);
		free(payload);
		return;
	}
	snprintf(hsig, sizeof(hsig), "Labeld-Signature: %s", sig);
	snprintf(hev, sizeof(hev), "Labeld-Event: %.32s", d->event_type);
	snprintf(hdl, sizeof(hdl), "Labeld-Delivery: %.40s", d->id);
	headers[0] = "Content-Type: application/json";
	headers[1] = hsig;
	headers[2] = hev;
	headers[3] = hdl;
	headers[4] = NULL;
	if (fetch_url("POST", w.url, headers, payload, strlen(payload),
	    LABELD_WEBHOOK_MAX_ANSWER, &res, err, sizeof(err)) == 0) {
		status = res.status;
		fetch_result_free(&res);
		if (status < 200 || status > 299)
			snprintf(err, sizeof(err), "answered HTTP %ld", status);
	}
	ok = status >= 200 && status <= 299;
	rfc3339_format(now, at);
	next[0] = '\0';
	if (ok)
		state = "delivered";
	else if (tries >= LABELD_WEBHOOK_MAX_ATTEMPTS)
		state = "failed";
	else {
		state = "pending";
		rfc3339_format(now + ((time_t)LABELD_WEBHOOK_BACKOFF <<
		    (tries - 1)), next);
	}
	db = store_acquire(s);
	rc = store_delivery_record(db, d->id, at, status, ok ? NULL : err,
	    state, next[0] ? next : NULL);
	store_release(db);
	if (rc != STORE_OK)
		log_warn("webhook %s: delivery %s: cannot record the attempt",
		    w.id, d->id);
	else if (!ok)
		log_info("webhook %s: delivery %s (%s) attempt %d: %s%s", w.id,
		    d->id, d->event_type, tries, err, strcmp(state, "failed") ==
		    0 ? ": given up" : "");
	store_webhook_clear(&w);
	free(payload);
}

/*
 * The delivery thread's round: fans out new events, then attempts the
 * deliveries due at now (at most LABELD_WEBHOOK_BATCH); stop (may be
 * NULL) answering 1 ends it before the next attempt.
 */
void
webhook_deliver_round(struct store *s, time_t now, int (*stop)(void))
{
	struct webhook_delivery	 batch[LABELD_WEBHOOK_BATCH];
	struct due		 due = { batch, 0 };
	struct db		*db = store_acquire(s);
	char			 at[32];
	size_t			 i;
	int			 n;

	if (db == NULL)
		return;
	if (store_outbox_fan_out(db, LABELD_WEBHOOK_BATCH * 4, &n) != STORE_OK)
		log_warn("webhooks: cannot fan out the outbox");
	rfc3339_format(now, at);
	if (store_delivery_due(db, at, LABELD_WEBHOOK_BATCH, collect_due,
	    &due) != STORE_OK)
		log_warn("webhooks: cannot read the deliveries due");
	store_release(db);
	for (i = 0; i < due.n && (stop == NULL || !stop()); i++)
		attempt(s, &batch[i], now);
}
