/*
 * api_verify.c: POST /v1/verify (public).  Runs the verify module on the
 * posted credential against what this authority trusts: its own signing
 * keys (every key ever used, with their retirement and compromise times)
 * and its own status lists, as a foreign verifier with our trust bundle
 * would; then the online-only "registry" check: a credential naming this
 * issuer verifies only when it is, byte for byte, a label issued here.
 * The answer is 200 whenever the verification ran, verified or not.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "labeld.h"
#include "crypto.h"
#include "rfc3339.h"
#include "jcs.h"
#include "verify.h"

static const char *const own_lists[] = {
	LABELD_STATUSLIST_REVOCATION,
	LABELD_STATUSLIST_SUSPENSION,
};

struct keys_ctx {
	struct verify_trust	*trust;
	const struct config	*cfg;
	char			*err;
	size_t			 errlen;
	int			 failed;
};

static int
own_key_cb(const struct signing_key *k, void *arg)
{
	struct keys_ctx	*c = arg;
	char		 vm[sizeof(c->cfg->issuer_did) + LABELD_KID_BUFLEN + 1];

	snprintf(vm, sizeof(vm), "%s#%s", c->cfg->issuer_did, k->kid);
	/* created_at is when the key could first sign; retired_at ends it. */
	if (verify_trust_add_key(c->trust, vm, c->cfg->issuer_did, k->pk,
	    k->created_at, k->retired_at[0] ? k->retired_at : NULL,
	    k->compromised_at[0] ? k->compromised_at : NULL, c->err,
	    c->errlen) != 0) {
		c->failed = 1;
		return -1;
	}
	return 0;
}

/*
 * Fills t with this authority's keys and current status lists.  0, or an
 * HTTP status (500, 503) with the reason in err.
 */
static unsigned
trust_own(struct req *r, struct verify_trust *t, char *err, size_t errlen)
{
	const struct config	*cfg = &r->ld->cfg;
	struct keys_ctx		 kc = { t, cfg, err, errlen, 0 };
	json_t			*list;
	json_error_t		 je;
	char			*buf;
	size_t			 len, i;
	int			 rc;

	if (store_key_list(r->db, own_key_cb, &kc) != STORE_OK || kc.failed) {
		if (!kc.failed)
			snprintf(err, errlen, "cannot read the signing keys");
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	/* Without its own lists the daemon would call a revoked label of
	 * its own valid: refuse to answer instead. */
	for (i = 0; i < sizeof(own_lists) / sizeof(own_lists[0]); i++) {
		rc = statuslist_get(r->db, cfg, own_lists[i], &buf, &len, err,
		    errlen);
		if (rc != STORE_OK)
			return rc == KEYS_NOKEY ? MHD_HTTP_SERVICE_UNAVAILABLE :
			    MHD_HTTP_INTERNAL_SERVER_ERROR;
		list = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
		free(buf);
		if (list == NULL) {
			snprintf(err, errlen, "status list %s is not JSON: %s",
			    own_lists[i], je.text);
			return MHD_HTTP_INTERNAL_SERVER_ERROR;
		}
		rc = verify_trust_add_status_list(t, list, err, errlen);
		json_decref(list);
		if (rc != 0)
			return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	/*
	 * Partner authorities (recognition): add each pinned partner's trust
	 * bundle here with verify_trust_add_bundle(), then the status lists
	 * pushed or pulled for it with verify_trust_add_status_list().
	 */
	return 0;
}

/*
 * The registry's view of cred: *label becomes {label_id, tier, scheme,
 * scheme_version, status, reason, since, valid_until, same_as_issued} for
 * one of our labels, JSON null for anything else; and the "registry"
 * check is appended to checks (*verified cleared when it fails).  0, or
 * -1 on a database or memory fault.
 */
static int
registry_check(struct req *r, const json_t *cred, time_t now, json_t *checks,
    int *verified, json_t **label)
{
	const json_t		*subj = json_object_get(cred,
	    "credentialSubject");
	const char		*issuer, *id, *code = "ok";
	struct label		 l;
	struct label_state	 s;
	char			 err[128], *canon, hex[65], detail[640];
	uint8_t			 h[32];
	size_t			 len;
	int			 same = 0;

	*label = NULL;
	issuer = verify_issuer_id(cred);
	id = json_string_value(json_object_get(subj, "labelId"));
	if (issuer == NULL || strcmp(issuer, r->ld->cfg.issuer_did) != 0) {
		code = "not_issued_here";
		snprintf(detail, sizeof(detail), "the issuer is not this "
		    "authority (%s)", r->ld->cfg.issuer_did);
		goto answer;
	}
	if (id == NULL || strlen(id) > LABELD_LABEL_ID_MAX) {
		code = "not_issued_here";
		snprintf(detail, sizeof(detail), "names this authority but "
		    "carries no label id it could have issued");
		goto answer;
	}
	switch (store_label_get(r->db, id, &l)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		code = "not_issued_here";
		snprintf(detail, sizeof(detail), "label %.64s was never issued "
		    "here", id);
		goto answer;
	default:
		return -1;
	}
	lifecycle_state_of(&l, now, &s);
	/* Byte for byte the credential we issued (its canonical form)? */
	if ((canon = jcs_serialize(cred, &len, err, sizeof(err))) != NULL) {
		lc_sha256(canon, len, h);
		lc_hex(h, sizeof(h), hex);
		same = strcmp(hex, l.credential_sha256) == 0;
		free(canon);
	}
	if (!same) {
		code = "differs_from_issued";
		snprintf(detail, sizeof(detail), "label %s was issued here, "
		    "but not with this content (SHA-256 of the issued "
		    "credential %.16s...)", l.id, l.credential_sha256);
	} else
		snprintf(detail, sizeof(detail), "label %s as issued here, "
		    "status %s", l.id, s.status);
	*label = json_pack("{s:s, s:i, s:s, s:i, s:s, s:s?, s:s?, s:s, s:b, "
	    "s:s?}", "label_id", l.id, "tier", l.tier, "scheme", l.scheme,
	    "scheme_version", l.scheme_version, "status", s.status,
	    "reason", s.reason[0] ? s.reason : NULL,
	    "since", s.since[0] ? s.since : NULL,
	    "valid_until", l.valid_until, "same_as_issued", same,
	    "superseded_by", s.superseded_by[0] ? s.superseded_by : NULL);
	if (*label == NULL)
		return -1;
answer:
	if (*label == NULL && (*label = json_null()) == NULL)
		return -1;
	if (strcmp(code, "ok") != 0)
		*verified = 0;
	if (json_array_append_new(checks, json_pack("{s:s, s:s, s:b, s:s}",
	    "check", "registry", "code", code, "ok", strcmp(code, "ok") == 0,
	    "detail", detail)) != 0) {
		json_decref(*label);
		*label = NULL;
		return -1;
	}
	return 0;
}

static int
verify_post(struct req *r)
{
	struct verify_trust	*t;
	const json_t		*cred = r->json, *inner;
	const char		*at_s = req_query(r, "at");
	json_t			*checks, *label;
	struct verify_opts	 o;
	time_t			 now = clock_now(), at = now;
	char			 err[512], at_buf[RFC3339_BUFLEN];
	unsigned		 status;
	int			 verified = 0;

	/* The credential itself, or {"credential": {...}}. */
	inner = json_object_get(cred, "credential");
	if (inner != NULL && json_object_get(cred, "proof") == NULL) {
		if (!json_is_object(inner))
			return reply_problem(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
			    "validation", "credential: must be a JSON object "
			    "(a verifiable credential)");
		cred = inner;
	}
	if (at_s != NULL && rfc3339_to_time(at_s, 1, &at) != 0)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "at: expected an RFC 3339 time (2026-11-28T06:00:00Z) or "
		    "a date (2026-11-28), got \"%s\"", at_s);
	if ((t = verify_trust_new()) == NULL)
		return reply_oom(r);
	if ((status = trust_own(r, t, err, sizeof(err))) != 0) {
		verify_trust_free(t);
		return reply_problem(r, status, status ==
		    MHD_HTTP_SERVICE_UNAVAILABLE ? "unavailable" : "internal",
		    "cannot build the trust store: %s", err);
	}
	memset(&o, 0, sizeof(o));
	o.at = at;
	o.now = now;
	/* Online the log check is skipped (said so in its detail). */
	o.log_online = 1;
	checks = verify_credential(t, cred, &o, &verified);
	verify_trust_free(t);
	if (checks == NULL)
		return reply_oom(r);
	if (registry_check(r, cred, now, checks, &verified, &label) != 0) {
		json_decref(checks);
		return reply_db_error(r);
	}
	rfc3339_format(at, at_buf);
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:b, s:s, s:o, s:o}",
	    "verified", verified, "at", at_buf, "checks", checks, "label",
	    label));
}

const struct route api_verify_routes[] = {
	{ "POST", "/v1/verify", ROLE_PUBLIC, ROUTE_JSON, verify_post },
	{ NULL, NULL, 0, 0, NULL }
};
