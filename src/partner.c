/*
 * partner.c: partner authorities (issue 10, mutual recognition), no HTTP.
 *
 * A partner is pinned by its signed trust bundle, checked with a fresh
 * trust store (verify_trust_add_bundle: shape, keys against its DID
 * document, its own proof), refused when expired (at clock_now()) or when
 * it is our own issuer's.  A newer bundle is accepted only by continuity
 * (verify_trust_update_bundle on a store rebuilt from the pinned bytes);
 * a refusal keeps the pinned version and is recorded.  Status lists are
 * accepted when the pinned bundle names them and the partner's pinned
 * keys verify them.  Agreements are partner_agreement.c's.  Each change
 * is one transaction with its row in partner_events.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "jcs.h"
#include "labeld.h"
#include "rfc3339.h"
#include "verify.h"

#define PARTNER_ERR_MAX		512

/* What partner.c keeps of a bundle verify.c accepted; borrowed from it. */
struct bundle_facts {
	const char	*issuer;
	const char	*name;
	const char	*country;
	const char	*url;		/* NULL: none */
	const char	*expires;
	int64_t		 version;
	time_t		 expires_t;
};

/*
 * Appends {field: prefix + field, detail: the sentence} to errors, the
 * faults of a request the api layer answers as 422 errors[].
 */
void
partner_fault(json_t *errors, const char *prefix, const char *field,
    const char *fmt, ...)
{
	char	 name[128], text[PARTNER_ERR_MAX];
	va_list	 ap;

	snprintf(name, sizeof(name), "%s%s", prefix, field);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", name,
	    "detail", text));
}

/*
 * Appends a partner_events row of who's change (who may be NULL); detail
 * (reference stolen, may be NULL) a JSON object.  STORE_OK or STORE_ERR.
 */
int
partner_event(struct db *db, const struct principal *who, const char *partner_id,
    const char *action, const char *agreement_id, json_t *detail)
{
	struct partner_event	 e;
	char			*text = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if (detail != NULL && (text = json_dumps(detail, JSON_COMPACT |
	    JSON_SORT_KEYS)) == NULL) {
		json_decref(detail);
		return STORE_ERR;
	}
	json_decref(detail);
	e.partner_id = partner_id;
	e.action = action;
	e.agreement_id = agreement_id;
	e.org_id = who != NULL && who->org_id[0] ? who->org_id : NULL;
	e.token_id = who != NULL && who->token_id[0] ? who->token_id : NULL;
	e.detail = text;
	rc = store_partner_event_append(db, &e);
	free(text);
	return rc;
}

/* 1 when s is two capital letters (ISO 3166-1 alpha-2 shape). */
static int
is_country(const char *s)
{
	return s != NULL && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' &&
	    s[1] >= 'A' && s[1] <= 'Z';
}

/*
 * Reads the directory facts of a bundle verify.c accepted: its issuer's
 * id, name, country and url, version and expires.  0, or -1 with a reason.
 */
static int
bundle_facts(const json_t *bundle, struct bundle_facts *f, char *err,
    size_t errlen)
{
	const json_t	*iss = json_object_get(bundle, "issuer"), *url;

	memset(f, 0, sizeof(*f));
	if (verify_bundle_version(bundle, &f->issuer, &f->version) == -1) {
		snprintf(err, errlen, "not a trust bundle: it needs an issuer "
		    "id and a version of at least 1");
		return -1;
	}
	if (strlen(f->issuer) > LABELD_PARTNER_MAX_ID) {
		snprintf(err, errlen, "issuer id longer than %d bytes",
		    LABELD_PARTNER_MAX_ID);
		return -1;
	}
	f->name = json_string_value(json_object_get(iss, "name"));
	if (f->name == NULL || *f->name == '\0' ||
	    strlen(f->name) > LABELD_MAX_NAME) {
		snprintf(err, errlen, "issuer.name must be a string of 1 to "
		    "%d bytes: the directory names the authority",
		    LABELD_MAX_NAME);
		return -1;
	}
	f->country = json_string_value(json_object_get(iss, "country"));
	if (!is_country(f->country)) {
		snprintf(err, errlen, "issuer.country must be an ISO 3166-1 "
		    "alpha-2 code such as \"FI\"");
		return -1;
	}
	url = json_object_get(iss, "url");
	if (url != NULL && !json_is_null(url) && (!json_is_string(url) ||
	    json_string_length(url) > LABELD_PARTNER_MAX_ID)) {
		snprintf(err, errlen, "issuer.url must be a string of at most "
		    "%d bytes", LABELD_PARTNER_MAX_ID);
		return -1;
	}
	f->url = json_string_value(url);
	f->expires = json_string_value(json_object_get(bundle, "expires"));
	if (f->expires == NULL ||
	    rfc3339_to_time(f->expires, 0, &f->expires_t) == -1) {
		snprintf(err, errlen, "expires must be an RFC 3339 date-time");
		return -1;
	}
	return 0;
}

/* The RFC 8785 bytes of doc (malloc'd), at most max; NULL with err. */
static char *
canonical(const json_t *doc, size_t max, const char *what, size_t *len,
    char *err, size_t errlen)
{
	char	*buf;

	if ((buf = jcs_serialize(doc, len, err, errlen)) == NULL)
		return NULL;
	if (*len > max) {
		snprintf(err, errlen, "%s is %zu bytes in its RFC 8785 form, "
		    "more than %zu", what, *len, max);
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * A trust store holding partner p's pinned bundle, and that bundle parsed
 * (*pinned, new reference).  NULL on a database or memory failure.
 */
static struct verify_trust *
pinned_store(struct db *db, const struct partner *p, json_t **pinned)
{
	struct verify_trust	*t = NULL;
	json_error_t		 jerr;
	char			*buf = NULL, err[PARTNER_ERR_MAX];
	size_t			 len;

	*pinned = NULL;
	if (store_partner_bundle_get(db, p->id, p->bundle_version, &buf,
	    &len) != STORE_OK)
		goto fail;
	if ((*pinned = json_loadb(buf, len, 0, &jerr)) == NULL) {
		log_error("%s: partner %s: pinned bundle version %lld does "
		    "not parse: %s", __func__, p->id,
		    (long long)p->bundle_version, jerr.text);
		goto fail;
	}
	if ((t = verify_trust_new()) == NULL)
		goto fail;
	if (verify_trust_add_bundle(t, *pinned, err, sizeof(err)) == -1) {
		log_error("%s: partner %s: pinned bundle version %lld: %s",
		    __func__, p->id, (long long)p->bundle_version, err);
		goto fail;
	}
	free(buf);
	return t;
fail:
	free(buf);
	verify_trust_free(t);
	json_decref(*pinned);
	*pinned = NULL;
	return NULL;
}

/* ---- pinning ---- */

/*
 * Pins a partner: bundle (a partner's trust bundle as its GET
 * /v1/trust-bundle serves it) verified with a fresh trust store, not
 * expired at now (the caller passes clock_now()), not of cfg's own issuer, with an issuer name and
 * country; agreement checked by partner_agreement_check.  One transaction
 * records the partner, the bundle's exact RFC 8785 bytes, the agreement
 * and the audit row.  STORE_OK with out; STORE_INVALID with every fault
 * in errors (fields "trust_bundle", "agreement.*"); STORE_CONFLICT (the
 * issuer is a partner already: why); STORE_ERR.
 */
int
partner_pin(struct db *db, const struct config *cfg,
    const struct principal *who, const json_t *bundle,
    const json_t *agreement, time_t now, struct partner *out,
    json_t *errors, struct wf_why *why)
{
	struct verify_trust	*t = NULL;
	struct bundle_facts	 f;
	struct agreement	 a;
	struct partner		 other;
	char			 err[PARTNER_ERR_MAX], *bytes = NULL;
	size_t			 len = 0, before = json_array_size(errors);
	int			 rc = STORE_ERR;

	assert(why != NULL);
	memset(&a, 0, sizeof(a));
	memset(out, 0, sizeof(*out));
	if (!json_is_object(bundle))
		partner_fault(errors, "", "trust_bundle", "is required: the partner's "
		    "signed trust bundle (a JSON object, as its GET "
		    "/v1/trust-bundle serves it)");
	else if ((bytes = canonical(bundle, LABELD_PARTNER_MAX_BUNDLE,
	    "the trust bundle", &len, err, sizeof(err))) == NULL)
		partner_fault(errors, "", "trust_bundle", "%s", err);
	else if ((t = verify_trust_new()) == NULL)
		goto done;
	else if (verify_trust_add_bundle(t, bundle, err, sizeof(err)) == -1)
		partner_fault(errors, "", "trust_bundle", "does not verify: %s", err);
	else if (bundle_facts(bundle, &f, err, sizeof(err)) == -1)
		partner_fault(errors, "", "trust_bundle", "%s", err);
	else if (strcmp(f.issuer, cfg->issuer_did) == 0)
		partner_fault(errors, "", "trust_bundle", "is this authority's own "
		    "bundle (%s): a partner is another authority", f.issuer);
	else if (f.expires_t <= now)
		partner_fault(errors, "", "trust_bundle", "version %lld of %s expired "
		    "at %s: fetch its current bundle", (long long)f.version,
		    f.issuer, f.expires);
	verify_trust_free(t);

	if (db_begin(db) == -1)
		goto done;
	if ((rc = partner_agreement_check(db, agreement, NULL, &a,
	    "agreement.", errors)) == STORE_ERR)
		goto fail;
	if (rc != STORE_OK || json_array_size(errors) != before) {
		rc = STORE_INVALID;
		goto fail;
	}
	if ((rc = store_partner_by_issuer(db, f.issuer, &other)) == STORE_OK) {
		rc = workflow_refuse(why, STORE_CONFLICT, "trust_bundle",
		    "%s is partner %s already: update its bundle with PUT "
		    "/v1/partners/%s/trust-bundle", f.issuer, other.id,
		    other.id);
		goto fail;
	}
	if (rc != STORE_NOTFOUND)
		goto fail;
	snprintf(out->issuer, sizeof(out->issuer), "%s", f.issuer);
	snprintf(out->name, sizeof(out->name), "%s", f.name);
	snprintf(out->country, sizeof(out->country), "%s", f.country);
	snprintf(out->url, sizeof(out->url), "%s", f.url ? f.url : "");
	snprintf(out->bundle_expires, sizeof(out->bundle_expires), "%s",
	    f.expires);
	snprintf(out->created_by, sizeof(out->created_by), "%s", who->org_id);
	out->bundle_version = f.version;
	store_now(out->refreshed_at);
	if ((rc = store_partner_insert(db, out)) != STORE_OK ||
	    (rc = store_partner_bundle_insert(db, out->id, f.version, bytes,
	    len, f.expires, out->refreshed_at, who->org_id)) != STORE_OK)
		goto fail;
	memcpy(a.partner_id, out->id, sizeof(a.partner_id));
	snprintf(a.created_by, sizeof(a.created_by), "%s", who->org_id);
	if ((rc = store_agreement_insert(db, &a)) != STORE_OK ||
	    (rc = partner_event(db, who, out->id, "pinned", NULL, json_pack("{s:s, "
	    "s:I, s:s}", "issuer", f.issuer, "version", (json_int_t)f.version,
	    "expires", f.expires))) != STORE_OK ||
	    (rc = partner_event(db, who, out->id, "agreement_added", a.id,
	    partner_agreement_detail(&a))) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	rc = STORE_OK;
	goto done;
fail:
	db_rollback(db);
	if (rc == STORE_CONFLICT && why->text[0] == '\0')
		rc = STORE_ERR;	/* a clash nobody explained: a fault */
done:
	store_agreement_clear(&a);
	free(bytes);
	return rc;
}

/* ---- bundle updates ---- */

/*
 * Offers partner_id a newer bundle: accepted only by continuity with the
 * pinned version (verify_trust_update_bundle on a store rebuilt from its
 * bytes, at now) and when of the partner's issuer.  The pinned bytes
 * offered again are no change (*unchanged = 1).  Accepted: one
 * transaction keeps the new version's bytes, moves the partner to it and
 * records it.  Refused: PARTNER_REFUSED with the reason in why, the
 * pinned version kept and the refusal recorded.  STORE_OK with out,
 * STORE_NOTFOUND, STORE_ERR.
 */
int
partner_update_bundle(struct db *db, const struct principal *who,
    const char *partner_id, const json_t *bundle, time_t now,
    struct partner *out, int *unchanged, struct wf_why *why)
{
	struct verify_trust	*t = NULL;
	struct bundle_facts	 f;
	json_t			*pinned = NULL;
	const char		*iss = NULL;
	char			 err[PARTNER_ERR_MAX], *bytes = NULL, *old = NULL;
	size_t			 len = 0, oldlen = 0;
	int64_t			 ver = 0, from;
	int			 rc;

	assert(why != NULL);
	*unchanged = 0;
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((rc = store_partner_get(db, partner_id, out)) != STORE_OK)
		goto fail;
	from = out->bundle_version;
	if ((bytes = canonical(bundle, LABELD_PARTNER_MAX_BUNDLE,
	    "the trust bundle", &len, err, sizeof(err))) == NULL) {
		rc = workflow_refuse(why, PARTNER_REFUSED, "", "%s", err);
		goto refused;
	}
	if ((rc = store_partner_bundle_get(db, out->id, from, &old,
	    &oldlen)) != STORE_OK) {
		rc = STORE_ERR;
		goto fail;
	}
	if (oldlen == len && memcmp(old, bytes, len) == 0) {
		*unchanged = 1;
		db_rollback(db);
		rc = STORE_OK;
		goto done;
	}
	if (verify_bundle_version(bundle, &iss, &ver) == -1) {
		rc = workflow_refuse(why, PARTNER_REFUSED, "", "not a trust "
		    "bundle: it needs an issuer id and a version of at least 1");
		goto refused;
	}
	if (strcmp(iss, out->issuer) != 0) {
		rc = workflow_refuse(why, PARTNER_REFUSED, "issuer", "the "
		    "bundle is of %.256s, not of partner %s (%.256s): another "
		    "authority's bundle never updates this one", iss, out->id,
		    out->issuer);
		goto refused;
	}
	if ((t = pinned_store(db, out, &pinned)) == NULL) {
		rc = STORE_ERR;
		goto fail;
	}
	if (verify_trust_update_bundle(t, bundle, now, err, sizeof(err)) ==
	    -1) {
		rc = workflow_refuse(why, PARTNER_REFUSED, "", "version %lld "
		    "does not follow pinned version %lld: %s", (long long)ver,
		    (long long)from, err);
		goto refused;
	}
	if (bundle_facts(bundle, &f, err, sizeof(err)) == -1) {
		rc = workflow_refuse(why, PARTNER_REFUSED, "", "%s", err);
		goto refused;
	}
	snprintf(out->name, sizeof(out->name), "%s", f.name);
	snprintf(out->country, sizeof(out->country), "%s", f.country);
	snprintf(out->url, sizeof(out->url), "%s", f.url ? f.url : "");
	snprintf(out->bundle_expires, sizeof(out->bundle_expires), "%s",
	    f.expires);
	out->bundle_version = f.version;
	store_now(out->refreshed_at);
	if ((rc = store_partner_bundle_insert(db, out->id, f.version, bytes,
	    len, f.expires, out->refreshed_at, who->org_id)) != STORE_OK ||
	    (rc = store_partner_set_bundle(db, out)) != STORE_OK ||
	    (rc = partner_event(db, who, out->id, "bundle_updated", NULL,
	    json_pack("{s:I, s:I, s:s}", "from", (json_int_t)from, "to",
	    (json_int_t)f.version, "expires", f.expires))) != STORE_OK ||
	    /* the authority's webhooks hear of it (issue 13) */
	    (rc = webhook_emit(db, "partner_change", NULL, NULL, json_pack(
	    "{s:s, s:s, s:s, s:I, s:I}", "partner_id", out->id, "issuer",
	    out->issuer, "change", "bundle_updated", "from", (json_int_t)from,
	    "to", (json_int_t)f.version))) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	rc = STORE_OK;
	goto done;
refused:
	/* The pinned version stays; the refusal itself is worth keeping. */
	if (partner_event(db, who, out->id, "bundle_refused", NULL, json_pack("{s:I, "
	    "s:I, s:s}", "pinned", (json_int_t)from, "offered",
	    (json_int_t)ver, "reason", why->text)) != STORE_OK ||
	    db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	rc = PARTNER_REFUSED;
	goto done;
fail:
	db_rollback(db);
	if (rc == STORE_CONFLICT)
		rc = STORE_ERR;
done:
	verify_trust_free(t);
	json_decref(pinned);
	free(bytes);
	free(old);
	return rc;
}

/* ---- status lists ---- */

/*
 * 1 when the pinned bundle's statusLists names url; else 0 with the names
 * it has, space-separated (truncated), in names.
 */
static int
bundle_names_list(const json_t *bundle, const char *url, char *names,
    size_t nameslen)
{
	const json_t	*v;
	size_t		 i, o = 0;
	int		 n;

	names[0] = '\0';
	json_array_foreach(json_object_get(bundle, "statusLists"), i, v) {
		if (!json_is_string(v))
			continue;
		if (strcmp(json_string_value(v), url) == 0)
			return 1;
		n = snprintf(names + o, nameslen - o, "%s%s", o ? " " : "",
		    json_string_value(v));
		if (n > 0 && (size_t)n < nameslen - o)
			o += (size_t)n;
	}
	return 0;
}

/*
 * Accepts a copy of partner_id's status list `list` (a Bitstring Status
 * List credential): of the partner's issuer, named by the pinned bundle's
 * statusLists, verified with the partner's pinned keys
 * (verify_trust_add_status_list), not expired at now, newer (a later
 * validFrom) than the copy kept; the copy kept offered again is no change
 * (*unchanged = 1).  One transaction keeps the exact RFC 8785 bytes and
 * the audit row.  STORE_OK with out; STORE_NOTFOUND; STORE_INVALID (why:
 * the list is not acceptable); STORE_CONFLICT (why: not newer); STORE_ERR.
 */
int
partner_add_status_list(struct db *db, const struct principal *who,
    const char *partner_id, const json_t *list, time_t now,
    struct partner_list *out, int *unchanged, struct wf_why *why)
{
	struct verify_trust	*t = NULL;
	struct partner		 p;
	struct partner_list	 held;
	json_t			*pinned = NULL;
	const char		*id, *issuer, *from, *until, *purpose;
	char			 err[PARTNER_ERR_MAX], *bytes = NULL;
	char			 names[PARTNER_ERR_MAX];
	uint8_t			 md[32];
	size_t			 len = 0;
	time_t			 from_t, until_t = 0, held_t;
	int			 rc;

	assert(why != NULL);
	*unchanged = 0;
	memset(out, 0, sizeof(*out));
	id = json_string_value(json_object_get(list, "id"));
	issuer = verify_issuer_id(list);
	from = json_string_value(json_object_get(list, "validFrom"));
	until = json_string_value(json_object_get(list, "validUntil"));
	purpose = json_string_value(json_object_get(json_object_get(list,
	    "credentialSubject"), "statusPurpose"));
	if (id == NULL || issuer == NULL || strlen(id) > LABELD_PARTNER_MAX_ID)
		return workflow_refuse(why, STORE_INVALID, "", "not a status "
		    "list credential: it needs an id (at most %d bytes) and an "
		    "issuer", LABELD_PARTNER_MAX_ID);
	if (from == NULL || rfc3339_to_time(from, 0, &from_t) == -1 ||
	    (until != NULL && rfc3339_to_time(until, 0, &until_t) == -1))
		return workflow_refuse(why, STORE_INVALID, "validFrom", "status "
		    "list %.256s needs validFrom (and any validUntil) as RFC "
		    "3339 date-times", id);
	if (purpose == NULL || strlen(purpose) >= sizeof(out->status_purpose))
		return workflow_refuse(why, STORE_INVALID, "credentialSubject",
		    "status list %.256s has no credentialSubject.statusPurpose",
		    id);
	if (until != NULL && until_t < now)
		return workflow_refuse(why, STORE_INVALID, "validUntil", "status "
		    "list %.256s expired at %s: fetch a fresh copy", id, until);
	if ((bytes = canonical(list, LABELD_PARTNER_MAX_LIST, "the status list",
	    &len, err, sizeof(err))) == NULL)
		return workflow_refuse(why, STORE_INVALID, "", "%s", err);

	if (db_begin(db) == -1) {
		rc = STORE_ERR;
		goto done;
	}
	if ((rc = store_partner_get(db, partner_id, &p)) != STORE_OK)
		goto fail;
	if (strcmp(issuer, p.issuer) != 0) {
		rc = workflow_refuse(why, STORE_INVALID, "issuer", "status list "
		    "%.256s is issued by %.256s, not by partner %s (%.256s)",
		    id, issuer, p.id, p.issuer);
		goto fail;
	}
	if ((t = pinned_store(db, &p, &pinned)) == NULL) {
		rc = STORE_ERR;
		goto fail;
	}
	if (!bundle_names_list(pinned, id, names, sizeof(names))) {
		rc = workflow_refuse(why, STORE_INVALID, "id", "%.256s is not "
		    "a status list of partner %s: the statusLists of its bundle "
		    "version %lld are: %.200s", id, p.id,
		    (long long)p.bundle_version, names[0] ? names : "none");
		goto fail;
	}
	if (verify_trust_add_status_list(t, list, err, sizeof(err)) == -1) {
		rc = workflow_refuse(why, STORE_INVALID, "proof", "status list "
		    "%.256s does not verify with partner %s's keys (bundle "
		    "version %lld): %s", id, p.id, (long long)p.bundle_version,
		    err);
		goto fail;
	}
	snprintf(out->partner_id, sizeof(out->partner_id), "%s", p.id);
	snprintf(out->list_id, sizeof(out->list_id), "%s", id);
	snprintf(out->status_purpose, sizeof(out->status_purpose), "%s",
	    purpose);
	lc_sha256(bytes, len, md);
	lc_hex(md, sizeof(md), out->sha256);
	rfc3339_format(from_t, out->valid_from);
	if (until != NULL)
		rfc3339_format(until_t, out->valid_until);
	store_now(out->received_at);
	if ((rc = store_partner_list_latest(db, p.id, id, &held)) == STORE_OK) {
		if (strcmp(held.sha256, out->sha256) == 0) {
			*out = held;
			*unchanged = 1;
			db_rollback(db);
			rc = STORE_OK;
			goto done;
		}
		if (rfc3339_to_time(held.valid_from, 0, &held_t) == 0 &&
		    from_t <= held_t) {
			rc = workflow_refuse(why, STORE_CONFLICT, "validFrom",
			    "status list %.256s of %s is not newer than the "
			    "copy held (validFrom %s)", id, from,
			    held.valid_from);
			goto fail;
		}
	} else if (rc != STORE_NOTFOUND)
		goto fail;
	if ((rc = store_partner_list_insert(db, out, bytes, len,
	    who->org_id)) != STORE_OK ||
	    (rc = partner_event(db, who, p.id, "status_list_received", NULL,
	    json_pack("{s:s, s:s, s:s}", "list", id, "validFrom",
	    out->valid_from, "sha256", out->sha256))) != STORE_OK)
		goto fail;
	/*
	 * The recognised labels follow the new list in its transaction
	 * (recognition.c): a list is kept only with its consequences.  No
	 * config here: the scheduler's round judges the lists' age.
	 */
	if ((rc = recognition_sweep(db, NULL, p.id, now)) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	rc = STORE_OK;
	goto done;
fail:
	db_rollback(db);
	if (rc == STORE_CONFLICT && why->text[0] == '\0')
		rc = STORE_ERR;
done:
	verify_trust_free(t);
	json_decref(pinned);
	free(bytes);
	return rc;
}
