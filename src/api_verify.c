/*
 * api_verify.c: POST /v1/verify (public).  Runs the verify module on the
 * posted credential against what this authority trusts: its own signing
 * keys (every key ever used, with their retirement and compromise times)
 * and its own status lists, as a foreign verifier with our trust bundle
 * would, and each pinned partner's bundle and latest status lists; then
 * the online-only "registry" check: a credential naming this issuer
 * verifies only when it is, byte for byte, a label issued here (a
 * partner's is the partner's to answer).  The answer names the authority
 * that issued the credential and, for a partner's, the agreement that
 * would recognise it with the local tier.
 * The answer is 200 whenever the verification ran, verified or not.
 * POST /credentials/verify is the same verification in the W3C VC API's
 * shape (400 when it does not verify).
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
 * Fills t with this authority's keys and current status lists and, when
 * the credential is partner p's (p->id not ""), that partner's pinned
 * bundle and latest status lists (only that one: each partner's bundle
 * and lists cost signature checks).  0, or an HTTP status (500, 503) with
 * the reason in err.
 */
static unsigned
trust_own(struct req *r, struct verify_trust *t, const struct partner *p,
    char *err, size_t errlen)
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
	if (p->id[0] != '\0' && recognition_trust_add(r->db, t, p) !=
	    STORE_OK) {
		snprintf(err, errlen, "cannot read partner %s's bundle and "
		    "status lists", p->id);
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return 0;
}

/*
 * Who issued cred: this authority or a pinned partner, as {id, name,
 * country}, in *authority (JSON null for anyone else); and, for a
 * partner's credential, the agreement in force today that would recognise
 * it, {id, local_tier}, in *agreement (null when none would).  p receives
 * the partner (p->id "" for none).  0, or -1 on a database or memory
 * fault.
 */
static int
authority_of(struct req *r, const json_t *cred, time_t now, struct partner *p,
    json_t **authority, json_t **agreement)
{
	const struct config	*cfg = &r->ld->cfg;
	const json_t		*subj = json_object_get(cred, "credentialSubject");
	const char		*iss = verify_issuer_id(cred), *scheme;
	const struct scheme	*local;
	struct recognition_why	 why;
	struct agreement	 a;
	json_t			*map = NULL, *cw = NULL, *met = NULL;
	char			 today[RFC3339_BUFLEN];
	int			 tier, rc;

	memset(p, 0, sizeof(*p));
	*agreement = json_null();
	if (iss != NULL && strcmp(iss, cfg->issuer_did) == 0) {
		*authority = json_pack("{s:s, s:s, s:s}", "id", iss, "name",
		    cfg->issuer_name, "country", cfg->country);
		return *authority != NULL ? 0 : -1;
	}
	if (iss == NULL || (rc = store_partner_by_issuer(r->db, iss, p)) ==
	    STORE_NOTFOUND) {
		*authority = json_null();
		return 0;
	}
	if (rc != STORE_OK)
		return -1;
	if ((*authority = json_pack("{s:s, s:s, s:s}", "id", p->issuer,
	    "name", p->name, "country", p->country)) == NULL)
		return -1;
	scheme = json_string_value(json_object_get(json_object_get(subj,
	    "scope"), "scheme"));
	if (scheme == NULL || !json_is_integer(json_object_get(subj, "tier")))
		return 0;
	rfc3339_format(now, today);
	today[10] = '\0';
	memset(&why, 0, sizeof(why));
	rc = recognition_agreement_for(r->db, p->id, scheme, today, &a, &why);
	if (rc == STORE_INVALID)
		return 0;
	if (rc != STORE_OK)
		return -1;
	rc = -1;
	if ((map = json_loads(a.tier_map, 0, NULL)) == NULL ||
	    (a.crosswalk != NULL && (cw = json_loads(a.crosswalk, 0, NULL)) ==
	    NULL))
		goto done;
	rc = 0;
	if ((local = catalog_get(r->db, a.local_scheme,
	    catalog_current_version(r->db, a.local_scheme))) == NULL ||
	    recognition_tier(local, map, cw, (int)json_integer_value(
	    json_object_get(subj, "tier")), json_object_get(subj,
	    "requirementsMet"), &tier, &met, &why) != STORE_OK)
		goto done;
	if ((*agreement = json_pack("{s:s, s:i}", "id", a.id, "local_tier",
	    tier)) == NULL)
		rc = -1;
done:
	json_decref(map);
	json_decref(cw);
	json_decref(met);
	store_agreement_clear(&a);
	return rc;
}

/*
 * The registry's view of cred: *label becomes {label_id, tier, scheme,
 * scheme_version, status, reason, since, valid_until, same_as_issued} for
 * one of our labels, JSON null for anything else; and the "registry"
 * check is appended to checks (*verified cleared when it fails).  0, or
 * -1 on a database or memory fault.
 */
static int
registry_check(struct req *r, const json_t *cred, time_t now,
    const struct partner *p, json_t *checks, int *verified, json_t **label)
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
	if (p->id[0] != '\0') {
		/* A partner's label: its registry is the partner's. */
		snprintf(detail, sizeof(detail), "issued by partner %s (%.200s, "
		    "%s), trust bundle version %lld pinned here", p->id,
		    p->name, p->country, (long long)p->bundle_version);
		goto answer;
	}
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

/*
 * Verifies cred at time at, now being now: the checks of the verify
 * module against what this authority trusts, then the registry check.
 * 0 with *result {verified, at, checks, label, authority, agreement}; or
 * -1 when it has answered the fault itself (500, 503).
 */
static int
verify_run(struct req *r, const json_t *cred, time_t at, json_t **result)
{
	struct verify_trust	*t;
	json_t			*checks, *label, *authority, *agreement;
	struct partner		 p;
	struct verify_opts	 o;
	time_t			 now = clock_now();
	char			 err[512], at_buf[RFC3339_BUFLEN];
	unsigned		 status;
	int			 verified = 0;

	if (authority_of(r, cred, now, &p, &authority, &agreement) != 0)
		return reply_db_error(r);
	if ((t = verify_trust_new()) == NULL) {
		json_decref(authority);
		json_decref(agreement);
		return reply_oom(r);
	}
	if ((status = trust_own(r, t, &p, err, sizeof(err))) != 0) {
		verify_trust_free(t);
		json_decref(authority);
		json_decref(agreement);
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
	if (checks == NULL) {
		json_decref(authority);
		json_decref(agreement);
		return reply_oom(r);
	}
	if (registry_check(r, cred, now, &p, checks, &verified, &label) != 0) {
		json_decref(checks);
		json_decref(authority);
		json_decref(agreement);
		return reply_db_error(r);
	}
	rfc3339_format(at, at_buf);
	if ((*result = json_pack("{s:b, s:s, s:o, s:o, s:o, s:o}", "verified",
	    verified, "at", at_buf, "checks", checks, "label", label,
	    "authority", authority, "agreement", agreement)) == NULL)
		return reply_oom(r);
	return 0;
}

static int
verify_post(struct req *r)
{
	const json_t	*cred = r->json, *inner;
	const char	*at_s = req_query(r, "at");
	time_t		 at = clock_now();
	json_t		*result;

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
	if (verify_run(r, cred, at, &result) == -1)
		return -1;
	return reply_json(r, MHD_HTTP_OK, result);
}

/*
 * POST /credentials/verify, as the W3C VC API defines it:
 * {verifiableCredential, options} answers 200 {checks, warnings, errors}
 * when the credential verifies (checks: the names of the checks that
 * passed; warnings: those that passed without running, such as the log
 * proof online), and 400 problem details naming each failed check
 * otherwise (fail closed, as POST /v1/verify: the same checks).  Options:
 * expectedProofPurpose (only assertionMethod is ours); others, such as
 * challenge and domain, belong to presentations and are refused.
 */
static int
vcapi_verify(struct req *r)
{
	const json_t	*cred = json_object_get(r->json, "verifiableCredential");
	const json_t	*opts = json_object_get(r->json, "options"), *c;
	const char	*key, *purpose;
	json_t		*result, *v, *passed, *warnings, *errors;
	char		 detail[512];
	size_t		 i, o = 0;
	int		 n;

	if (!json_is_object(cred))
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "validation",
		    "verifiableCredential: %s", cred == NULL ? "required: "
		    "the credential to verify" : "must be a JSON object");
	if (opts != NULL && !json_is_object(opts))
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "validation",
		    "options: must be a JSON object");
	json_object_foreach((json_t *)opts, key, v) {
		if (strcmp(key, "expectedProofPurpose") == 0) {
			purpose = json_string_value(v);
			if (purpose == NULL ||
			    strcmp(purpose, "assertionMethod") != 0)
				return reply_problem(r, MHD_HTTP_BAD_REQUEST,
				    "validation", "options.expectedProofPurpose:"
				    " labels are signed for assertionMethod "
				    "only");
		} else if (strcmp(key, "checks") != 0)
			return reply_problem(r, MHD_HTTP_BAD_REQUEST,
			    "validation", "options.%.64s: not an option of "
			    "credential verification here (checks, "
			    "expectedProofPurpose)", key);
	}
	if (verify_run(r, cred, clock_now(), &result) == -1)
		return -1;
	passed = json_array();
	warnings = json_array();
	errors = json_array();
	if (passed == NULL || warnings == NULL || errors == NULL)
		goto oom;
	detail[0] = '\0';
	json_array_foreach(json_object_get(result, "checks"), i, c) {
		const char *name = json_string_value(json_object_get(c,
		    "check")), *code = json_string_value(json_object_get(c,
		    "code"));

		if (json_is_true(json_object_get(c, "ok")) &&
		    strcmp(code, "ok") == 0)
			n = json_array_append_new(passed, json_string(name));
		else if (json_is_true(json_object_get(c, "ok")))
			n = json_array_append(warnings, (json_t *)c);
		else {
			n = json_array_append(errors, (json_t *)c);
			if (o < sizeof(detail)) {
				int k = snprintf(detail + o, sizeof(detail) - o,
				    "%s%s (%s)", o ? ", " : "", name, code);
				o += k > 0 ? (size_t)k : 0;
			}
		}
		if (n != 0)
			goto oom;
	}
	if (!json_is_true(json_object_get(result, "verified"))) {
		json_decref(passed);
		json_decref(warnings);
		json_decref(result);
		return reply_problem_extra(r, MHD_HTTP_BAD_REQUEST,
		    "verification-failed", json_pack("{s:o}", "checks",
		    errors), "the credential does not verify: %s", detail);
	}
	json_decref(errors);
	json_decref(result);
	return reply_json(r, MHD_HTTP_OK, json_pack("{s:o, s:o, s:[]}",
	    "checks", passed, "warnings", warnings, "errors"));
oom:
	json_decref(passed);
	json_decref(warnings);
	json_decref(errors);
	json_decref(result);
	return reply_oom(r);
}

const struct route api_verify_routes[] = {
	{ "POST", "/v1/verify", ROLE_PUBLIC, ROUTE_JSON, verify_post },
	{ "POST", "/credentials/verify", ROLE_PUBLIC, ROUTE_JSON,
	    vcapi_verify },
	{ NULL, NULL, 0, 0, NULL }
};
