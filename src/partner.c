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
 * keys verify them.  Agreements are data, checked here against the local
 * scheme catalogue.  Each change is one transaction with its row in
 * partner_events.
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
#include "scheme.h"
#include "verify.h"

#define PARTNER_ERR_MAX		512
#define PARTNER_MAX_TIER_KEY	2	/* "1".."9" and its NUL */

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

static void	 fault(json_t *, const char *, const char *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* Appends {field: prefix field, detail} to errors. */
static void
fault(json_t *errors, const char *prefix, const char *field,
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

/* Appends an audit row; detail (stolen, may be NULL) a JSON object. */
static int
event(struct db *db, const struct principal *who, const char *partner_id,
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

/* ---- agreements ---- */

/*
 * The current version of local scheme id (*s borrowed from the catalogue).
 * STORE_OK, STORE_NOTFOUND, or STORE_ERR: a database fault is never taken
 * for an unknown scheme (catalog_get answers NULL for both).
 */
static int
local_scheme(struct db *db, const char *id, const struct scheme **s)
{
	int	 version, rc;

	*s = NULL;
	if ((rc = store_scheme_latest(db, id, &version)) != STORE_OK)
		return rc;
	return (*s = catalog_get(db, id, version)) != NULL ? STORE_OK :
	    STORE_ERR;
}

/* tier_map: {"1".."9": local tier of s}, 1 to 9 entries. */
static void
check_tier_map(const json_t *map, const struct scheme *s, const char *prefix,
    json_t *errors)
{
	const char	*key;
	const json_t	*v;
	char		 field[64];

	if (!json_is_object(map) || json_object_size(map) == 0 ||
	    json_object_size(map) > LABELD_SCHEME_MAX_TIERS) {
		fault(errors, prefix, "tier_map", "must be an object of 1 to %d "
		    "entries, partner tier (\"1\" to \"9\") -> local tier, such "
		    "as {\"1\": 1, \"2\": 2}", LABELD_SCHEME_MAX_TIERS);
		return;
	}
	json_object_foreach((json_t *)map, key, v) {
		json_int_t n;

		snprintf(field, sizeof(field), "tier_map.%.8s", key);
		if (strlen(key) + 1 != PARTNER_MAX_TIER_KEY || key[0] < '1' ||
		    key[0] > '9') {
			fault(errors, prefix, field, "a partner tier is a "
			    "number from \"1\" to \"9\" as a string");
			continue;
		}
		if (!json_is_integer(v) || (n = json_integer_value(v)) < 1 ||
		    n > LABELD_SCHEME_MAX_TIERS) {
			fault(errors, prefix, field, "must be a local tier "
			    "number (an integer from 1 to %d)",
			    LABELD_SCHEME_MAX_TIERS);
			continue;
		}
		if (s != NULL && scheme_tier_name(s, (int)n) == NULL)
			fault(errors, prefix, field, "local scheme %s has no "
			    "tier %d (its tiers are 1 to %d)", scheme_id(s),
			    (int)n, scheme_ntiers(s));
	}
}

/* crosswalk: {partner requirement id: [local requirement ids of s]}. */
static void
check_crosswalk(const json_t *cw, const struct scheme *s, const char *prefix,
    json_t *errors)
{
	const char	*key;
	const json_t	*v, *id;
	char		 field[192];
	size_t		 i;

	if (!json_is_object(cw) ||
	    json_object_size(cw) > LABELD_PARTNER_MAX_CROSSWALK) {
		fault(errors, prefix, "crosswalk", "must be an object of at most "
		    "%d entries, partner requirement id -> array of local "
		    "requirement ids", LABELD_PARTNER_MAX_CROSSWALK);
		return;
	}
	json_object_foreach((json_t *)cw, key, v) {
		snprintf(field, sizeof(field), "crosswalk.%.128s", key);
		if (*key == '\0' || strlen(key) > LABELD_PARTNER_MAX_REQ_ID) {
			fault(errors, prefix, field, "a partner requirement id "
			    "has 1 to %d bytes", LABELD_PARTNER_MAX_REQ_ID);
			continue;
		}
		if (!json_is_array(v) || json_array_size(v) == 0 ||
		    json_array_size(v) > LABELD_PARTNER_MAX_MAPPED) {
			fault(errors, prefix, field, "must be an array of 1 to "
			    "%d local requirement ids", LABELD_PARTNER_MAX_MAPPED);
			continue;
		}
		json_array_foreach(v, i, id) {
			const char *rid = json_string_value(id);

			if (rid == NULL)
				fault(errors, prefix, field, "[%zu] must be a "
				    "local requirement id (a string)", i);
			else if (s != NULL && !scheme_has_requirement(s, rid))
				fault(errors, prefix, field, "[%zu]: local "
				    "scheme %s has no requirement \"%.128s\"", i,
				    scheme_id(s), rid);
		}
	}
}

/* A string field of 1 to max bytes, or NULL with a fault. */
static const char *
string_field(const json_t *obj, const char *name, size_t max,
    const char *prefix, json_t *errors)
{
	const json_t	*v = json_object_get(obj, name);

	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > max) {
		fault(errors, prefix, name, "%s a string of 1 to %zu bytes",
		    v == NULL || json_is_null(v) ? "is required:" : "must be",
		    max);
		return NULL;
	}
	return json_string_value(v);
}

/* A date field (YYYY-MM-DD) into out[11]; a fault when absent or bad. */
static void
date_field(const json_t *obj, const char *name, const char *prefix,
    json_t *errors, char out[11])
{
	const json_t	*v = json_object_get(obj, name);
	const char	*s = json_string_value(v);

	if (s == NULL || strlen(s) != 10 || rfc3339_date_check(s) == -1) {
		fault(errors, prefix, name, "%s a date (YYYY-MM-DD)",
		    v == NULL || json_is_null(v) ? "is required:" : "must be");
		return;
	}
	memcpy(out, s, 11);
}

/* The canonical text of v (malloc'd) or NULL with a fault. */
static char *
map_text(const json_t *v, const char *prefix, const char *field,
    json_t *errors)
{
	char	 err[PARTNER_ERR_MAX], *t;
	size_t	 len;

	if ((t = jcs_serialize(v, &len, err, sizeof(err))) == NULL)
		fault(errors, prefix, field, "%s", err);
	return t;
}

/*
 * Checks an agreement object into out, appending every fault to errors as
 * {field: prefix + name, detail}.  With old (an amendment): partner_scheme
 * and local_scheme may not change, absent fields keep old's values, and
 * "crosswalk": null removes the crosswalk.  The rules: partner_scheme a
 * string; local_scheme a published local scheme; tier_map an object whose
 * keys are partner tiers "1".."9" and values tiers of the local scheme;
 * valid_from <= valid_until, dates; crosswalk absent, null, or an object
 * of partner requirement id -> array of requirement ids of the local
 * scheme.  out's tier_map and crosswalk are malloc'd canonical text
 * (store_agreement_clear).  STORE_OK; STORE_INVALID when a fault was
 * added; STORE_ERR when the catalogue could not be read (out cleared).
 */
int
partner_agreement_check(struct db *db, const json_t *obj,
    const struct agreement *old, struct agreement *out, const char *prefix,
    json_t *errors)
{
	const struct scheme	*s = NULL;
	const json_t		*map, *cw;
	const char		*ps, *ls;
	size_t			 before = json_array_size(errors);
	int			 i, rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj)) {
		fault(errors, "", prefix[0] ? "agreement" : "body", "must be an "
		    "object {partner_scheme, local_scheme, tier_map, "
		    "valid_from, valid_until, crosswalk?}");
		return STORE_INVALID;
	}
	if (old != NULL) {
		static const char *const fixed[] = { "partner_scheme",
		    "local_scheme" };

		for (i = 0; i < 2; i++) {
			const char *v = json_string_value(json_object_get(obj,
			    fixed[i]));
			const char *was = i == 0 ? old->partner_scheme :
			    old->local_scheme;

			if (json_object_get(obj, fixed[i]) != NULL &&
			    (v == NULL || strcmp(v, was) != 0))
				fault(errors, prefix, fixed[i], "cannot change "
				    "(%s): end this agreement and add another",
				    was);
		}
		memcpy(out->partner_scheme, old->partner_scheme,
		    sizeof(out->partner_scheme));
		memcpy(out->local_scheme, old->local_scheme,
		    sizeof(out->local_scheme));
		memcpy(out->valid_from, old->valid_from, sizeof(out->valid_from));
		memcpy(out->valid_until, old->valid_until,
		    sizeof(out->valid_until));
		if (local_scheme(db, old->local_scheme, &s) != STORE_OK)
			return STORE_ERR;	/* it was published: a fault */
	} else {
		ps = string_field(obj, "partner_scheme",
		    LABELD_PARTNER_MAX_SCHEME, prefix, errors);
		if (ps != NULL)
			snprintf(out->partner_scheme, sizeof(out->partner_scheme),
			    "%s", ps);
		ls = string_field(obj, "local_scheme", LABELD_PARTNER_MAX_SCHEME,
		    prefix, errors);
		if (ls != NULL &&
		    (rc = local_scheme(db, ls, &s)) == STORE_NOTFOUND)
			fault(errors, prefix, "local_scheme", "no published "
			    "local scheme \"%s\" (GET /v1/schemes lists them)",
			    ls);
		else if (ls != NULL && rc != STORE_OK)
			return STORE_ERR;
		else if (ls != NULL)
			snprintf(out->local_scheme, sizeof(out->local_scheme),
			    "%s", ls);
	}
	if (old == NULL || json_object_get(obj, "valid_from") != NULL)
		date_field(obj, "valid_from", prefix, errors, out->valid_from);
	if (old == NULL || json_object_get(obj, "valid_until") != NULL)
		date_field(obj, "valid_until", prefix, errors, out->valid_until);
	if (out->valid_from[0] && out->valid_until[0] &&
	    strcmp(out->valid_from, out->valid_until) > 0)
		fault(errors, prefix, "valid_until", "%s is before valid_from "
		    "%s", out->valid_until, out->valid_from);

	map = json_object_get(obj, "tier_map");
	if (map == NULL && old != NULL) {
		if ((out->tier_map = strdup(old->tier_map)) == NULL)
			fault(errors, prefix, "tier_map", "out of memory");
		else {
			json_t *m = json_loads(old->tier_map, 0, NULL);

			check_tier_map(m, s, prefix, errors);
			json_decref(m);
		}
	} else if (map == NULL || json_is_null(map)) {
		fault(errors, prefix, "tier_map", "is required: partner tier "
		    "(\"1\" to \"9\") -> local tier, such as {\"1\": 1}; a "
		    "partner tier absent from it is not recognised");
	} else {
		check_tier_map(map, s, prefix, errors);
		if (json_array_size(errors) == before)
			out->tier_map = map_text(map, prefix, "tier_map", errors);
	}

	cw = json_object_get(obj, "crosswalk");
	if (cw == NULL && old != NULL && old->crosswalk != NULL) {
		json_t *c = json_loads(old->crosswalk, 0, NULL);

		check_crosswalk(c, s, prefix, errors);
		json_decref(c);
		if ((out->crosswalk = strdup(old->crosswalk)) == NULL)
			fault(errors, prefix, "crosswalk", "out of memory");
	} else if (cw != NULL && !json_is_null(cw)) {
		check_crosswalk(cw, s, prefix, errors);
		if (json_array_size(errors) == before)
			out->crosswalk = map_text(cw, prefix, "crosswalk",
			    errors);
	}
	if (json_array_size(errors) != before) {
		store_agreement_clear(out);
		return STORE_INVALID;
	}
	return STORE_OK;
}

/* The agreement as an audit detail: what it says now. */
static json_t *
agreement_detail(const struct agreement *a)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "partner_scheme",
	    a->partner_scheme, "local_scheme", a->local_scheme, "tier_map",
	    a->tier_map, "valid_from", a->valid_from, "valid_until",
	    a->valid_until, "crosswalk", a->crosswalk);
}

/*
 * Adds agreement obj to partner_id (one transaction, audited): out filled
 * (its strings malloc'd: store_agreement_clear).  STORE_OK,
 * STORE_NOTFOUND (no such partner), STORE_INVALID (faults in errors),
 * STORE_ERR.
 */
int
partner_agreement_add(struct db *db, const struct principal *who,
    const char *partner_id, const json_t *obj, struct agreement *out,
    json_t *errors)
{
	struct partner	 p;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((rc = store_partner_get(db, partner_id, &p)) != STORE_OK)
		goto fail;
	if ((rc = partner_agreement_check(db, obj, NULL, out, "", errors)) !=
	    STORE_OK)
		goto fail;
	memcpy(out->partner_id, p.id, sizeof(out->partner_id));
	snprintf(out->created_by, sizeof(out->created_by), "%s", who->org_id);
	if ((rc = store_agreement_insert(db, out)) != STORE_OK ||
	    (rc = event(db, who, p.id, "agreement_added", out->id,
	    agreement_detail(out))) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	return STORE_OK;
fail:
	db_rollback(db);
	store_agreement_clear(out);
	return rc == STORE_CONFLICT ? STORE_ERR : rc;
}

/*
 * Amends agreement agreement_id of partner_id with the fields of patch
 * (partner_agreement_check with the stored one as old).  An agreement
 * whose valid_until falls before today ends (ended_at set; it never
 * changes again).  STORE_OK with out (store_agreement_clear),
 * STORE_NOTFOUND, STORE_INVALID (errors), STORE_CONFLICT (ended already:
 * why), STORE_ERR.
 */
int
partner_agreement_amend(struct db *db, const struct principal *who,
    const char *partner_id, const char *agreement_id, const json_t *patch,
    struct agreement *out, json_t *errors, struct wf_why *why)
{
	struct partner		 p;
	struct agreement	 old;
	char			 today[11];
	int			 rc, ended;

	memset(&old, 0, sizeof(old));
	memset(out, 0, sizeof(*out));
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((rc = store_partner_get(db, partner_id, &p)) != STORE_OK ||
	    (rc = store_agreement_get(db, p.id, agreement_id, &old)) !=
	    STORE_OK)
		goto fail;
	if (old.ended_at[0]) {
		rc = workflow_refuse(why, STORE_CONFLICT, "", "agreement %s "
		    "ended at %s (valid until %s): an ended agreement never "
		    "changes; add a new one", old.id, old.ended_at,
		    old.valid_until);
		goto fail;
	}
	if ((rc = partner_agreement_check(db, patch, &old, out, "",
	    errors)) != STORE_OK)
		goto fail;
	memcpy(out->id, old.id, sizeof(out->id));
	memcpy(out->partner_id, old.partner_id, sizeof(out->partner_id));
	memcpy(out->created_at, old.created_at, sizeof(out->created_at));
	memcpy(out->created_by, old.created_by, sizeof(out->created_by));
	out->seq = old.seq;
	store_now(out->updated_at);
	store_today(today);
	if ((ended = strcmp(out->valid_until, today) < 0))
		memcpy(out->ended_at, out->updated_at, sizeof(out->ended_at));
	if ((rc = store_agreement_update(db, out)) != STORE_OK ||
	    (rc = event(db, who, p.id, ended ? "agreement_ended" :
	    "agreement_amended", out->id, agreement_detail(out))) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	store_agreement_clear(&old);
	return STORE_OK;
fail:
	db_rollback(db);
	store_agreement_clear(&old);
	store_agreement_clear(out);
	return rc;
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
		fault(errors, "", "trust_bundle", "is required: the partner's "
		    "signed trust bundle (a JSON object, as its GET "
		    "/v1/trust-bundle serves it)");
	else if ((bytes = canonical(bundle, LABELD_PARTNER_MAX_BUNDLE,
	    "the trust bundle", &len, err, sizeof(err))) == NULL)
		fault(errors, "", "trust_bundle", "%s", err);
	else if ((t = verify_trust_new()) == NULL)
		goto done;
	else if (verify_trust_add_bundle(t, bundle, err, sizeof(err)) == -1)
		fault(errors, "", "trust_bundle", "does not verify: %s", err);
	else if (bundle_facts(bundle, &f, err, sizeof(err)) == -1)
		fault(errors, "", "trust_bundle", "%s", err);
	else if (strcmp(f.issuer, cfg->issuer_did) == 0)
		fault(errors, "", "trust_bundle", "is this authority's own "
		    "bundle (%s): a partner is another authority", f.issuer);
	else if (f.expires_t <= now)
		fault(errors, "", "trust_bundle", "version %lld of %s expired "
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
	    (rc = event(db, who, out->id, "pinned", NULL, json_pack("{s:s, "
	    "s:I, s:s}", "issuer", f.issuer, "version", (json_int_t)f.version,
	    "expires", f.expires))) != STORE_OK ||
	    (rc = event(db, who, out->id, "agreement_added", a.id,
	    agreement_detail(&a))) != STORE_OK)
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
	    (rc = event(db, who, out->id, "bundle_updated", NULL,
	    json_pack("{s:I, s:I, s:s}", "from", (json_int_t)from, "to",
	    (json_int_t)f.version, "expires", f.expires))) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	rc = STORE_OK;
	goto done;
refused:
	/* The pinned version stays; the refusal itself is worth keeping. */
	if (event(db, who, out->id, "bundle_refused", NULL, json_pack("{s:I, "
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
	const json_t		*iss;
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
	iss = json_object_get(list, "issuer");
	issuer = json_is_object(iss) ? json_string_value(json_object_get(iss,
	    "id")) : json_string_value(iss);
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
	    (rc = event(db, who, p.id, "status_list_received", NULL,
	    json_pack("{s:s, s:s, s:s}", "list", id, "validFrom",
	    out->valid_from, "sha256", out->sha256))) != STORE_OK)
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
