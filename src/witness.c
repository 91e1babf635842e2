/*
 * witness.c: labeld witnesses its partners' transparency logs by itself
 * (issue 12), after each partner refresh (partner_refresh.c): it fetches
 * the partner's GET /v1/log/checkpoint, and when the log grew since the
 * last checkpoint cosigned here, its GET /v1/log/proof/consistency
 * between the two sizes; translog_cosign checks and cosigns it (the same
 * rules as labelctl log cosign, an incident when the log did not only
 * grow), and the cosigned note is sent to the partner's POST
 * /v1/log/cosignatures.  Only URLs under the base the pinned bundle names
 * are fetched; no transaction is open while fetching.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "crypto.h"
#include "note.h"

#define WITNESS_SUFFIX	"/v1/trust-bundle"

/*
 * The base URL of the partner's labeld, as its pinned bundle names it:
 * the bundle's own id without "/v1/trust-bundle" (labeld serves it
 * there), else issuer.url.  0, or -1 (none named).
 */
static int
witness_base(const json_t *pinned, char *out, size_t outlen)
{
	const char	*id = json_string_value(json_object_get(pinned, "id"));
	const char	*base = json_string_value(json_object_get(
			    json_object_get(pinned, "issuer"), "url"));
	size_t		 n, sl = strlen(WITNESS_SUFFIX);

	if (fetch_url_ok(id) && (n = strlen(id)) > sl &&
	    strcmp(id + n - sl, WITNESS_SUFFIX) == 0) {
		snprintf(out, outlen, "%.*s", (int)(n - sl), id);
		return 0;
	}
	if (!fetch_url_ok(base))
		return -1;
	n = strlen(base);
	snprintf(out, outlen, "%.*s", (int)(n > 0 && base[n - 1] == '/' ?
	    n - 1 : n), base);
	return fetch_url_ok(out) ? 0 : -1;
}

/*
 * GETs url expecting 200 with at most max bytes: the body into *res, 0;
 * or -1 with err.
 */
static int
get_text(const char *url, size_t max, struct fetch_result *res, char *err,
    size_t errlen)
{
	if (fetch_url("GET", url, NULL, NULL, 0, max, res, err, errlen) == -1)
		return -1;
	if (res->status != 200) {
		snprintf(err, errlen, "%.300s answered HTTP %ld", url,
		    res->status);
		fetch_result_free(res);
		return -1;
	}
	return 0;
}

/* 1 when note n carries a signature by our witness key (name, keyid). */
static int
cosigned_by(const struct note *n, const struct note_verifier *us)
{
	size_t	 i;

	for (i = 0; i < n->nsigs; i++)
		if (n->sigs[i].keyid == us->keyid &&
		    strcmp(n->sigs[i].name, us->name) == 0)
			return 1;
	return 0;
}

/* Sets the report's outcome and error (NULL for none). */
static void
outcome(json_t *rep, const char *what, const char *error)
{
	json_object_set_new(rep, "outcome", json_string(what));
	json_object_set_new(rep, "error", error ? json_string(error) :
	    json_null());
}

/*
 * POSTs the cosigned note[0..len) to base/v1/log/cosignatures; the answer
 * status into the report.  0, or -1 with err.
 */
static int
post_cosignature(const char *base, const char *note, size_t len,
    json_t *rep, char *err, size_t errlen)
{
	static const char *const hdrs[] = { "Content-Type: text/plain",
	    NULL };
	struct fetch_result	 res;
	char			 url[LABELD_FETCH_MAX_URL + 64];
	json_t			*p;

	snprintf(url, sizeof(url), "%s/v1/log/cosignatures", base);
	if (fetch_url("POST", url, hdrs, note, len, LABELD_WITNESS_MAX_NOTE,
	    &res, err, errlen) == -1)
		return -1;
	json_object_set_new(rep, "posted", json_integer(res.status));
	if (res.status != 200 && res.status != 201) {
		p = json_loadb(res.body, res.len, 0, NULL);
		snprintf(err, errlen, "%.300s answered HTTP %ld%s%.300s", url,
		    res.status, json_is_string(json_object_get(p, "detail")) ?
		    ": " : "", json_is_string(json_object_get(p, "detail")) ?
		    json_string_value(json_object_get(p, "detail")) : "");
		json_decref(p);
		fetch_result_free(&res);
		return -1;
	}
	fetch_result_free(&res);
	return 0;
}

/*
 * Witnesses partner p's log (pinned: its pinned bundle, parsed): fetches
 * its checkpoint (and the consistency proof from the last one cosigned
 * here when it grew), cosigns it through translog_cosign, and posts the
 * cosigned note back.  *report (new reference) says {url, tree_size,
 * outcome, posted, error, incident?}: outcome "cosigned", "unchanged"
 * (the checkpoint cosigned before, which the partner serves with our
 * cosignature), "no_log" (its bundle names no log: nothing to witness),
 * "incident" (the log did not only grow: recorded, not cosigned),
 * "refused" (a checkpoint or proof that does not verify), "failed" (a
 * URL could not be fetched) or "undelivered" (cosigned here, but the
 * partner's POST /v1/log/cosignatures did not take it: the next round
 * sends it again).  STORE_OK for "cosigned", "unchanged" and "no_log";
 * STORE_CONFLICT (incident), STORE_INVALID (refused),
 * PARTNER_FETCH_FAILED (failed, undelivered), each with the error in the
 * report; or STORE_ERR.
 */
int
witness_partner(struct db *db, const struct config *cfg,
    const struct partner *p, const json_t *pinned, json_t **report)
{
	struct fetch_result	 cp, proof;
	struct note_verifier	 us;
	struct log_witnessed	 w;
	struct note		*n = NULL;
	struct note_checkpoint	 c;
	json_t			*rep;
	const char		*origin;
	char			 base[LABELD_FETCH_MAX_URL + 1];
	char			 url[LABELD_FETCH_MAX_URL + 128];
	char			 err[1024], *vkey = NULL, *last = NULL;
	char			*out = NULL;
	size_t			 olen;
	int			 rc, seen = 0;

	memset(&cp, 0, sizeof(cp));
	memset(&proof, 0, sizeof(proof));
	memset(&c, 0, sizeof(c));
	if ((*report = rep = json_pack("{s:n, s:n, s:s, s:n, s:n}", "url",
	    "tree_size", "outcome", "failed", "posted", "error")) == NULL)
		return STORE_ERR;
	origin = json_string_value(json_object_get(json_object_get(pinned,
	    "log"), "origin"));
	if (origin == NULL) {
		outcome(rep, "no_log", NULL);
		return STORE_OK;
	}
	if (witness_base(pinned, base, sizeof(base)) == -1) {
		snprintf(err, sizeof(err), "the pinned bundle version %lld of "
		    "partner %s names no http(s) URL for itself (id, "
		    "issuer.url): its log cannot be fetched",
		    (long long)p->bundle_version, p->id);
		outcome(rep, "failed", err);
		return PARTNER_FETCH_FAILED;
	}
	snprintf(url, sizeof(url), "%s/v1/log/checkpoint", base);
	json_object_set_new(rep, "url", json_string(url));
	if (get_text(url, LABELD_WITNESS_MAX_NOTE, &cp, err,
	    sizeof(err)) == -1) {
		outcome(rep, "failed", err);
		return PARTNER_FETCH_FAILED;
	}
	/* What it claims, to know which proof to ask for; translog_cosign
	 * verifies it. */
	if (note_parse(cp.body, cp.len, &n, err, sizeof(err)) == -1 ||
	    note_checkpoint_parse(n->text, n->textlen, &c, err,
	    sizeof(err)) == -1) {
		char	why[sizeof(err) + sizeof(url) + 64];

		snprintf(why, sizeof(why), "%s did not answer a checkpoint: "
		    "%s", url, err);
		outcome(rep, "refused", why);
		rc = STORE_INVALID;
		goto done;
	}
	json_object_set_new(rep, "tree_size", json_integer((json_int_t)c.size));
	switch (store_log_witnessed_get(db, c.origin, &w, &last)) {
	case STORE_OK:
		seen = 1;
		break;
	case STORE_NOTFOUND:
		break;
	default:
		rc = STORE_ERR;
		goto done;
	}
	if (translog_witness_vkey(db, &vkey) != STORE_OK ||
	    note_vkey_parse(vkey, &us, err, sizeof(err)) == -1) {
		rc = STORE_ERR;
		goto done;
	}
	/* The same checkpoint again: only make sure the partner has ours. */
	if (seen && strcmp(w.partner_id, p->id) == 0 && c.size == w.size &&
	    lc_equal(c.root, w.root, TLOG_HASH_LEN) && cosigned_by(n, &us)) {
		outcome(rep, "unchanged", NULL);
		rc = STORE_OK;
		goto done;
	}
	if (seen && c.size > w.size) {
		snprintf(url, sizeof(url), "%s/v1/log/proof/consistency?"
		    "first=%llu&second=%llu", base, (unsigned long long)w.size,
		    (unsigned long long)c.size);
		if (get_text(url, LABELD_WITNESS_MAX_NOTE, &proof, err,
		    sizeof(err)) == -1) {
			outcome(rep, "failed", err);
			rc = PARTNER_FETCH_FAILED;
			goto done;
		}
	}
	switch ((rc = translog_cosign(db, cfg, p->id, cp.body, cp.len,
	    proof.body, proof.len, &out, &olen, err, sizeof(err)))) {
	case STORE_OK:
		break;
	case STORE_CONFLICT:
		outcome(rep, "incident", err);
		goto done;
	case STORE_INVALID:
	case STORE_NOTFOUND:
		outcome(rep, "refused", err);
		rc = STORE_INVALID;
		goto done;
	default:
		log_warn("partner %s: witness: %s", p->id, err);
		rc = STORE_ERR;
		goto done;
	}
	if (post_cosignature(base, out, olen, rep, err, sizeof(err)) == -1) {
		outcome(rep, "undelivered", err);
		rc = PARTNER_FETCH_FAILED;
		goto done;
	}
	outcome(rep, "cosigned", NULL);
	rc = STORE_OK;
done:
	if (rc == STORE_OK)
		log_info("partner %s: witness: checkpoint of %llu leaves %s",
		    p->id, (unsigned long long)c.size, json_string_value(
		    json_object_get(rep, "outcome")));
	else if (rc != STORE_ERR)
		log_warn("partner %s: witness %s: %s", p->id,
		    json_string_value(json_object_get(rep, "outcome")),
		    json_string_value(json_object_get(rep, "error")));
	free(out);
	free(vkey);
	free(last);
	note_checkpoint_clear(&c);
	note_free(n);
	fetch_result_free(&cp);
	fetch_result_free(&proof);
	return rc;
}
