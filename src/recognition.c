/*
 * recognition.c: recognised labels (issue 10, mutual recognition), no HTTP.
 *
 * A regulator offers a partner's credential.  It is verified by libverify
 * against a trust store holding only that partner's pinned bundle and
 * the latest copies of its status lists (fail closed: every check must
 * pass, the status one included, with lists no older than
 * partner_status_max_age).  An agreement of the partner in force today
 * must cover the credential's scheme; its tier_map maps the partner's
 * tier (a tier it leaves out is not recognised) and, with a crosswalk,
 * the assessment engine's tier from the local requirements the foreign
 * ones met lowers it.  The local label is then issued by issue.c like any
 * other, with credentialSubject.recognitionOf and agreement, valid no
 * longer than the foreign label nor the agreement, and logged twice: its
 * "issue" leaf (so its log proof reads as any label's) and a "recognise"
 * leaf naming the foreign credential's digest.
 *
 * The sweep keeps recognised labels in step with the partners' lists:
 * the foreign credential revoked revokes the local label, suspended
 * suspends it, stale lists suspend it, and so does any other check that
 * no longer passes (a key the partner declared compromised, a bundle
 * that expired): fail closed.  Its expiry changes nothing (the local
 * label ends with it).  A clear bit on fresh lists lifts a suspension
 * the sweep made, never the regulator's own.  An agreement ended after
 * the label was issued revokes it: it never outlives its agreement.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assess.h"
#include "crypto.h"
#include "jcs.h"
#include "labeld.h"
#include "rfc3339.h"
#include "scheme.h"
#include "verify.h"

#define REC_MAX_PARTY_ID	LABELD_PARTNER_MAX_REQ_ID
#define FOLLOW_ONLY		-1	/* follow(): record why, change nothing */

static int
refuse(struct recognition_why *why, int rc, const char *check,
    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Fills why; returns rc (the result the caller passes up). */
static int
refuse(struct recognition_why *why, int rc, const char *check,
    const char *code, const char *fmt, ...)
{
	va_list	 ap;

	snprintf(why->check, sizeof(why->check), "%s", check);
	snprintf(why->code, sizeof(why->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(why->text, sizeof(why->text), fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- the partner's trust store ---- */

static int
add_list(const char *buf, size_t len, void *arg)
{
	struct verify_trust	*t = arg;
	json_t			*list;
	char			 err[256];

	/* A copy partner.c accepted; one that no longer verifies is left
	 * out, and the credentials it covers fail their status check. */
	if ((list = json_loadb(buf, len, 0, NULL)) == NULL)
		return 0;
	if (verify_trust_add_status_list(t, list, err, sizeof(err)) == -1)
		log_warn("a partner status list left out: %s", err);
	json_decref(list);
	return 0;
}

/*
 * Adds partner p's pinned bundle and the latest copy of each of its
 * status lists to t.  STORE_OK, or STORE_ERR (database, memory, or a
 * pinned bundle that no longer verifies: logged).
 */
int
recognition_trust_add(struct db *db, struct verify_trust *t,
    const struct partner *p)
{
	json_t	*bundle;
	char	*buf = NULL, err[512];
	size_t	 len;
	int	 rc;

	if (store_partner_bundle_get(db, p->id, p->bundle_version, &buf,
	    &len) != STORE_OK)
		return STORE_ERR;
	bundle = json_loadb(buf, len, 0, NULL);
	free(buf);
	if (bundle == NULL)
		return STORE_ERR;
	rc = verify_trust_add_bundle(t, bundle, err, sizeof(err));
	json_decref(bundle);
	if (rc == -1) {
		log_error("partner %s: pinned bundle version %lld: %s", p->id,
		    (long long)p->bundle_version, err);
		return STORE_ERR;
	}
	return store_partner_list_copies(db, p->id, add_list, t);
}

/* ---- tier ---- */

/*
 * The local tier of a partner credential at foreign_tier whose
 * requirements met are met (array of strings, may be NULL), under an
 * agreement's tier_map and crosswalk (NULL: none) onto scheme local.
 * Without a crosswalk the tier map decides; with one, the engine's
 * achieved tier over the local requirements the crosswalk reaches from
 * met (self-declared ones as conformant declarations, third-party ones
 * as a lab's pass: the partner assessed them) lowers it.  *local_met
 * (new reference) the local requirements met at *tier (with a crosswalk;
 * [] without).  STORE_OK; STORE_INVALID with why; STORE_ERR (memory).
 */
int
recognition_tier(const struct scheme *local, const json_t *tier_map,
    const json_t *crosswalk, int foreign_tier, const json_t *met, int *tier,
    json_t **local_met, struct recognition_why *why)
{
	struct assess_decl	*decls = NULL;
	struct assess_lab	*labs = NULL;
	struct assess_result	*res = NULL;
	const json_t		*v, *ids, *id;
	const char		*k;
	char			 key[16], err[256];
	size_t			 nreq = scheme_nrequirements(local), nd = 0, nl = 0;
	size_t			 i, j;
	unsigned char		*reached = NULL;
	int			 mapped, achieved, rc = STORE_ERR;

	*tier = 0;
	*local_met = NULL;
	snprintf(key, sizeof(key), "%d", foreign_tier);
	v = json_object_get(tier_map, key);
	if (!json_is_integer(v)) {
		char	 have[128] = "";
		size_t	 o = 0;

		json_object_foreach((json_t *)tier_map, k, v) {
			int n = snprintf(have + o, sizeof(have) - o, "%s%s",
			    o ? ", " : "", k);
			if (n > 0 && (size_t)n < sizeof(have) - o)
				o += (size_t)n;
		}
		return refuse(why, STORE_INVALID, "tier", "tier_not_recognised",
		    "partner tier %d is not recognised: the agreement's "
		    "tier_map maps partner tiers %s", foreign_tier,
		    have[0] ? have : "none");
	}
	mapped = (int)json_integer_value(v);
	if (mapped < 1 || mapped > scheme_ntiers(local))
		return refuse(why, STORE_INVALID, "tier", "tier_not_recognised",
		    "the tier_map maps partner tier %d to %d, not a tier of "
		    "%s version %d", foreign_tier, mapped, scheme_id(local),
		    scheme_version(local));
	if (crosswalk == NULL || json_is_null(crosswalk)) {
		*tier = mapped;
		return (*local_met = json_array()) != NULL ? STORE_OK :
		    STORE_ERR;
	}
	if ((reached = calloc(nreq ? nreq : 1, 1)) == NULL ||
	    (decls = calloc(nreq ? nreq : 1, sizeof(*decls))) == NULL ||
	    (labs = calloc(nreq ? nreq : 1, sizeof(*labs))) == NULL)
		goto done;
	json_array_foreach(met, i, v) {
		if (!json_is_string(v))
			continue;
		ids = json_object_get(crosswalk, json_string_value(v));
		json_array_foreach(ids, j, id) {
			long	 x;

			if (json_is_string(id) && (x = scheme_requirement_index(
			    local, json_string_value(id))) >= 0)
				reached[x] = 1;
		}
	}
	for (i = 0; i < nreq; i++) {
		const struct scheme_requirement *r = scheme_requirement_at(local,
		    i);

		if (!reached[i])
			continue;
		if (r->mode == SCHEME_THIRD_PARTY) {
			labs[nl].requirement = r->id;
			labs[nl].verdict = ASSESS_PASS;
			labs[nl].tier = scheme_ntiers(local);
			nl++;
		} else {
			decls[nd].requirement = r->id;
			decls[nd].status = ASSESS_CONFORMANT;
			decls[nd].nevidence = 1;
			nd++;
		}
	}
	if ((res = assess_run(local, decls, nd, labs, nl, err,
	    sizeof(err))) == NULL) {
		log_error("%s: the engine refuses the crosswalk: %s", __func__,
		    err);
		goto done;
	}
	achieved = assess_achieved_tier(res);
	if (achieved < 1) {
		rc = refuse(why, STORE_INVALID, "tier", "crosswalk_unmet",
		    "the crosswalk reaches local requirements that meet no "
		    "tier of %s (the tier_map alone would give %d)",
		    scheme_id(local), mapped);
		goto done;
	}
	*tier = achieved < mapped ? achieved : mapped;
	if ((*local_met = assess_requirements_met(res, *tier)) == NULL)
		goto done;
	rc = STORE_OK;
done:
	assess_free(res);
	free(reached);
	free(decls);
	free(labs);
	return rc;
}

/* ---- agreement ---- */

struct pick {
	const char	*scheme;
	const char	*today;
	char		 id[40];	/* the agreement in force, newest */
	int		 covered;	/* agreements naming the scheme */
	char		 windows[256];	/* theirs, for the refusal */
};

static int
pick_cb(const struct agreement *a, void *arg)
{
	struct pick	*p = arg;
	size_t		 o = strlen(p->windows);

	if (strcmp(a->partner_scheme, p->scheme) != 0)
		return 0;
	p->covered++;
	snprintf(p->windows + o, sizeof(p->windows) - o, "%s%s %s..%s%s",
	    o ? ", " : "", a->id, a->valid_from, a->valid_until,
	    a->ended_at[0] ? " (ended)" : "");
	if (a->ended_at[0] == '\0' && strcmp(a->valid_from, p->today) <= 0 &&
	    strcmp(p->today, a->valid_until) <= 0)
		snprintf(p->id, sizeof(p->id), "%s", a->id);
	return 0;
}

/*
 * The agreement of partner_id in force on today (YYYY-MM-DD) whose
 * partner_scheme is scheme (the newest when several are), into out
 * (store_agreement_clear it).  STORE_OK; STORE_INVALID with why (no
 * agreement covers the scheme, or none is in force today); STORE_ERR.
 */
int
recognition_agreement_for(struct db *db, const char *partner_id,
    const char *scheme, const char *today, struct agreement *out,
    struct recognition_why *why)
{
	struct pick	 p;

	memset(&p, 0, sizeof(p));
	memset(out, 0, sizeof(*out));
	p.scheme = scheme;
	p.today = today;
	if (store_agreement_list(db, partner_id, pick_cb, &p) != STORE_OK)
		return STORE_ERR;
	if (p.covered == 0)
		return refuse(why, STORE_INVALID, "agreement",
		    "scheme_not_covered", "no agreement with partner %s covers "
		    "its scheme %.64s", partner_id, scheme);
	if (p.id[0] == '\0')
		return refuse(why, STORE_INVALID, "agreement", "outside_window",
		    "no agreement with partner %s on scheme %.64s is in force "
		    "on %s: %s", partner_id, scheme, today, p.windows);
	return store_agreement_get(db, partner_id, p.id, out) == STORE_OK ?
	    STORE_OK : STORE_ERR;
}

/* ---- recognition ---- */

/* A string of 1 to max bytes at key of obj, else NULL. */
static const char *
str(const json_t *obj, const char *key, size_t max)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL && *s != '\0' && strlen(s) <= max ? s : NULL;
}

/* The first failing check of a verification, as a refusal. */
static int
refuse_checks(const json_t *checks, const struct partner *p,
    struct recognition_why *why)
{
	const json_t	*c;
	size_t		 i;

	json_array_foreach(checks, i, c) {
		if (json_is_true(json_object_get(c, "ok")))
			continue;
		return refuse(why, STORE_INVALID,
		    json_string_value(json_object_get(c, "check")),
		    json_string_value(json_object_get(c, "code")),
		    "the credential does not verify with partner %s's keys and "
		    "status lists (bundle version %lld): %s", p->id,
		    (long long)p->bundle_version,
		    json_string_value(json_object_get(c, "detail")));
	}
	return refuse(why, STORE_INVALID, "format", "bad_format",
	    "the credential does not verify");
}

/* What the local label takes from the foreign credential. */
struct foreign {
	const json_t	*subj;
	const char	*id, *scheme, *until, *vendor_id, *vendor_name;
	const char	*vendor_country, *product_id;
	const json_t	*product, *versions, *met;
	int		 tier;
	time_t		 until_t;
};

static int
read_foreign(const json_t *cred, const struct partner *p, struct foreign *f,
    struct recognition_why *why)
{
	const json_t	*party, *v;
	size_t		 i;

	memset(f, 0, sizeof(*f));
	f->subj = json_object_get(cred, "credentialSubject");
	party = json_object_get(f->subj, "issuedToParty");
	f->product = json_object_get(f->subj, "product");
	f->id = str(cred, "id", LABELD_PARTNER_MAX_ID);
	f->scheme = str(json_object_get(f->subj, "scope"), "scheme",
	    LABELD_PARTNER_MAX_SCHEME);
	f->until = str(cred, "validUntil", 64);
	f->vendor_id = str(party, "id", REC_MAX_PARTY_ID);
	f->vendor_name = str(party, "name", LABELD_MAX_NAME);
	f->vendor_country = str(party, "country", 2);
	f->product_id = str(f->product, "id", REC_MAX_PARTY_ID);
	f->versions = json_object_get(f->subj, "firmwareVersions");
	f->met = json_object_get(f->subj, "requirementsMet");
	v = json_object_get(f->subj, "tier");
	if (f->id == NULL)
		return refuse(why, STORE_INVALID, "format", "bad_format",
		    "the credential has no id (at most %d bytes): a "
		    "recognition names the label it recognises",
		    LABELD_PARTNER_MAX_ID);
	if (f->scheme == NULL)
		return refuse(why, STORE_INVALID, "format", "bad_format",
		    "credentialSubject.scope.scheme is missing: the agreement "
		    "is chosen by the partner's scheme");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > 9)
		return refuse(why, STORE_INVALID, "format", "bad_format",
		    "credentialSubject.tier must be the partner's tier, an "
		    "integer 1 to 9");
	f->tier = (int)json_integer_value(v);
	if (f->until == NULL || rfc3339_to_time(f->until, 0, &f->until_t) ==
	    -1)
		return refuse(why, STORE_INVALID, "format", "bad_format",
		    "validUntil is required: a recognised label never "
		    "outlives the one it recognises");
	if (f->vendor_id == NULL || f->vendor_name == NULL ||
	    f->product_id == NULL || str(f->product, "name", LABELD_MAX_NAME)
	    == NULL || str(f->product, "model", LABELD_MAX_NAME) == NULL ||
	    str(f->product, "category", LABELD_MAX_CATEGORY) == NULL)
		return refuse(why, STORE_INVALID, "format", "bad_format",
		    "credentialSubject needs issuedToParty {id, name} and "
		    "product {id, name, model, category} (ids of at most %d "
		    "bytes): the local label names them", REC_MAX_PARTY_ID);
	if (f->vendor_country == NULL || strlen(f->vendor_country) != 2)
		f->vendor_country = p->country;
	if (!json_is_array(f->versions) || json_array_size(f->versions) == 0 ||
	    json_array_size(f->versions) > LABELD_MAX_FIRMWARE_VERSIONS)
		return refuse(why, STORE_INVALID, "format", "bad_format",
		    "credentialSubject.firmwareVersions must list 1 to %d "
		    "versions", LABELD_MAX_FIRMWARE_VERSIONS);
	json_array_foreach(f->versions, i, v)
		if (!json_is_string(v) ||
		    json_string_length(v) == 0 ||
		    json_string_length(v) > LABELD_MAX_VERSION)
			return refuse(why, STORE_INVALID, "format", "bad_format",
			    "firmwareVersions[%zu] must be a version string of "
			    "1 to %d bytes", i, LABELD_MAX_VERSION);
	return STORE_OK;
}

/*
 * The local vendor and product of the foreign ones: an earlier
 * recognition's rows of this partner, else new ones (the vendor an
 * organisation of kind vendor, without tokens).  In the caller's
 * transaction.  STORE_OK or STORE_ERR.
 */
static int
local_party(struct db *db, const struct partner *p, const struct foreign *f,
    struct org *vendor, struct product *product)
{
	char		 vid[40], pid[40];
	const char	*until = json_string_value(json_object_get(f->subj,
	    "supportUntil"));

	memset(vendor, 0, sizeof(*vendor));
	memset(product, 0, sizeof(*product));
	if (store_recognition_local_party(db, p->id, f->vendor_id,
	    f->product_id, vid, pid) != STORE_OK)
		return STORE_ERR;
	if (vid[0] != '\0') {
		if (store_org_get(db, vid, vendor) != STORE_OK)
			return STORE_ERR;
	} else {
		snprintf(vendor->name, sizeof(vendor->name), "%s",
		    f->vendor_name);
		snprintf(vendor->kind, sizeof(vendor->kind), "vendor");
		snprintf(vendor->country, sizeof(vendor->country), "%s",
		    f->vendor_country);
		if (store_org_insert(db, vendor) != STORE_OK)
			return STORE_ERR;
	}
	if (pid[0] != '\0')
		return store_product_get(db, pid, product);
	snprintf(product->vendor_id, sizeof(product->vendor_id), "%s",
	    vendor->id);
	snprintf(product->name, sizeof(product->name), "%s",
	    str(f->product, "name", LABELD_MAX_NAME));
	snprintf(product->model, sizeof(product->model), "%s",
	    str(f->product, "model", LABELD_MAX_NAME));
	snprintf(product->category, sizeof(product->category), "%s",
	    str(f->product, "category", LABELD_MAX_CATEGORY));
	/* Its support as the partner states it, else its label's end. */
	if (until != NULL && rfc3339_date_check(until) == 0)
		snprintf(product->support_until,
		    sizeof(product->support_until), "%s", until);
	else
		snprintf(product->support_until,
		    sizeof(product->support_until), "%.10s", f->until);
	return store_product_insert(db, product);
}

/*
 * Recognises cred, a partner's credential, verified and matched to an
 * agreement at now (clock_now()): the rules at the top of this file.  One transaction: the local vendor and
 * product rows when new, the label (issue.c), the recognition with the
 * credential's exact RFC 8785 bytes, the "recognise" log leaf.  *label
 * (malloc'd) the local label's bytes.  STORE_OK with out; STORE_INVALID
 * (refused: why names the check, its code and the reason);
 * STORE_CONFLICT (recognised already: why); KEYS_NOKEY; STORE_ERR.
 */
int
recognition_create(struct db *db, const struct config *cfg,
    const struct principal *who, const json_t *cred, time_t now,
    struct recognition *out, char **label, size_t *len,
    struct recognition_why *why)
{
	struct verify_trust	*t = NULL;
	const struct scheme	*local;
	struct verify_opts	 o;
	struct partner		 p;
	struct agreement	 a;
	struct foreign		 f;
	struct recognition	 held;
	struct issue_input	 in;
	struct org		 vendor;
	struct product		 product;
	json_t			*checks = NULL, *tier_map = NULL, *cw = NULL;
	json_t			*met = NULL, *rof = NULL;
	const char		*issuer, **versions = NULL;
	char			*bytes = NULL, err[512], today[RFC3339_BUFLEN];
	char			 label_id[LABELD_LABEL_ID_MAX + 1], reason[256];
	uint8_t			 md[32];
	size_t			 blen = 0, i;
	time_t			 cap, end;
	int			 verified = 0, rc = STORE_ERR, tier, open = 0;

	memset(&a, 0, sizeof(a));
	memset(out, 0, sizeof(*out));
	*label = NULL;
	*len = 0;
	if (!json_is_object(cred))
		return refuse(why, STORE_INVALID, "format", "bad_format",
		    "credential is required: the partner's signed credential "
		    "(a JSON object)");
	if ((bytes = jcs_serialize(cred, &blen, err, sizeof(err))) == NULL) {
		rc = refuse(why, STORE_INVALID, "canonical", "not_canonical",
		    "the credential has no RFC 8785 form: %s", err);
		goto done;
	}
	if (blen > LABELD_RECOGNITION_MAX_CRED) {
		rc = refuse(why, STORE_INVALID, "format", "bad_format",
		    "the credential is %zu bytes in its RFC 8785 form, more "
		    "than %d", blen, LABELD_RECOGNITION_MAX_CRED);
		goto done;
	}
	lc_sha256(bytes, blen, md);
	lc_hex(md, sizeof(md), out->digest);
	if ((issuer = verify_issuer_id(cred)) == NULL) {
		rc = refuse(why, STORE_INVALID, "issuer", "unknown_issuer",
		    "the credential names no issuer");
		goto done;
	}
	if (strcmp(issuer, cfg->issuer_did) == 0) {
		rc = refuse(why, STORE_INVALID, "issuer", "own_issuer",
		    "the credential is this authority's own (%s): only a "
		    "partner's label is recognised", issuer);
		goto done;
	}
	/*
	 * Verified inside the transaction that issues: a partner list that
	 * arrives meanwhile is either seen here or sweeps this recognition.
	 */
	if (db_begin(db) == -1)
		goto done;
	open = 1;
	switch (store_partner_by_issuer(db, issuer, &p)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		rc = refuse(why, STORE_INVALID, "issuer", "unknown_issuer",
		    "issuer %.256s is not a partner of this authority (GET "
		    "/v1/partners lists them)", issuer);
		goto done;
	default:
		goto done;
	}
	if ((t = verify_trust_new()) == NULL ||
	    recognition_trust_add(db, t, &p) != STORE_OK)
		goto done;
	memset(&o, 0, sizeof(o));
	o.at = now;
	o.now = now;
	o.max_status_age = cfg->partner_status_max_age;
	o.log_online = 1;	/* the partner's log proof is not offered */
	if ((checks = verify_credential(t, cred, &o, &verified)) == NULL)
		goto done;
	if (!verified) {
		rc = refuse_checks(checks, &p, why);
		goto done;
	}
	if ((rc = read_foreign(cred, &p, &f, why)) != STORE_OK)
		goto done;
	rfc3339_format(now, today);
	today[10] = '\0';
	if ((rc = recognition_agreement_for(db, p.id, f.scheme, today, &a,
	    why)) != STORE_OK)
		goto done;
	rc = STORE_ERR;
	if ((tier_map = json_loads(a.tier_map, 0, NULL)) == NULL ||
	    (a.crosswalk != NULL && (cw = json_loads(a.crosswalk, 0,
	    NULL)) == NULL))
		goto done;
	/* Checked published when the agreement was made; never deleted. */
	if ((local = catalog_get(db, a.local_scheme, 0)) == NULL) {
		log_error("%s: agreement %s: local scheme %s cannot be read",
		    __func__, a.id, a.local_scheme);
		goto done;
	}
	if ((rc = recognition_tier(local, tier_map, cw, f.tier, f.met, &tier,
	    &met, why)) != STORE_OK)
		goto done;
	rc = STORE_ERR;
	/* Capped at the foreign label's end and the agreement's last day. */
	cap = f.until_t;
	if (rfc3339_to_time(a.valid_until, 1, &end) == 0 && end + 86399 < cap)
		cap = end + 86399;
	if ((versions = calloc(json_array_size(f.versions),
	    sizeof(*versions))) == NULL)
		goto done;
	for (i = 0; i < json_array_size(f.versions); i++)
		versions[i] = json_string_value(json_array_get(f.versions, i));
	if ((rof = json_pack("{s:s, s:s, s:s}", "id", f.id, "issuer", issuer,
	    "digest", out->digest)) == NULL)
		goto done;
	switch (store_recognition_by_foreign(db, p.id, f.id, &held)) {
	case STORE_OK:
		rc = refuse(why, STORE_CONFLICT, "recognition", "recognised",
		    "partner %s's credential %.256s is recognised already: "
		    "recognition %s, label %s", p.id, f.id, held.id,
		    held.label_id);
		goto done;
	case STORE_NOTFOUND:
		break;
	default:
		goto done;
	}
	if (local_party(db, &p, &f, &vendor, &product) != STORE_OK ||
	    issue_label_id(db, local, now, label_id, sizeof(label_id)) !=
	    STORE_OK)
		goto done;
	memset(&in, 0, sizeof(in));
	in.label_id = label_id;
	in.scheme = local;
	in.tier = tier;
	in.vendor = &vendor;
	in.product = &product;
	in.versions = versions;
	in.nversions = json_array_size(f.versions);
	in.requirements_met = met;
	in.issued_by = who != NULL && who->org_id[0] ? who->org_id : NULL;
	in.token_id = who != NULL && who->token_id[0] ? who->token_id : NULL;
	/* in.now 0: issue.c stamps it under the write lock, as any label. */
	in.recognition_of = rof;
	in.agreement_id = a.id;
	in.valid_until_max = cap;
	switch ((rc = issue_label(db, cfg, &in, label, len, err,
	    sizeof(err)))) {
	case STORE_OK:
		break;
	case STORE_INVALID:
		rc = refuse(why, STORE_INVALID, "validity", "expired",
		    "the recognised label could not be valid: %s", err);
		goto done;
	default:
		snprintf(why->text, sizeof(why->text), "%s", err);
		goto done;
	}
	rc = STORE_ERR;
	snprintf(out->label_id, sizeof(out->label_id), "%s", label_id);
	snprintf(out->partner_id, sizeof(out->partner_id), "%s", p.id);
	snprintf(out->agreement_id, sizeof(out->agreement_id), "%s", a.id);
	snprintf(out->foreign_id, sizeof(out->foreign_id), "%s", f.id);
	snprintf(out->foreign_issuer, sizeof(out->foreign_issuer), "%s",
	    issuer);
	out->foreign_tier = f.tier;
	rfc3339_format(f.until_t, out->foreign_valid_until);
	snprintf(out->foreign_vendor, sizeof(out->foreign_vendor), "%s",
	    f.vendor_id);
	snprintf(out->foreign_product, sizeof(out->foreign_product), "%s",
	    f.product_id);
	snprintf(out->vendor_id, sizeof(out->vendor_id), "%s", vendor.id);
	snprintf(out->product_id, sizeof(out->product_id), "%s", product.id);
	out->tier = tier;
	snprintf(out->created_by, sizeof(out->created_by), "%s",
	    in.issued_by ? in.issued_by : "");
	snprintf(reason, sizeof(reason), "recognises %.64s of partner %s "
	    "under agreement %s", out->digest, p.id, a.id);
	if ((rc = store_recognition_insert(db, out, bytes, blen)) ==
	    STORE_CONFLICT) {
		rc = refuse(why, STORE_CONFLICT, "recognition", "recognised",
		    "partner %s's credential %.256s (SHA-256 %s) is recognised "
		    "already", p.id, f.id, out->digest);
		goto done;
	}
	if (rc != STORE_OK || (rc = translog_append(db,
	    &(struct translog_entry){ .kind = "recognise", .label_id =
	    label_id, .credential_sha256 = out->digest, .reason = reason },
	    NULL, err, sizeof(err))) != STORE_OK)
		goto done;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto done;
	}
	open = 0;
	log_info("recognition %s: label %s at tier %d recognises %s of "
	    "partner %s (agreement %s, partner tier %d)", out->id, label_id,
	    tier, f.id, p.id, a.id, f.tier);
	rc = STORE_OK;
done:
	if (open)
		db_rollback(db);
	if (rc != STORE_OK) {
		free(*label);
		*label = NULL;
		*len = 0;
	}
	verify_trust_free(t);
	json_decref(checks);
	json_decref(tier_map);
	json_decref(cw);
	json_decref(met);
	json_decref(rof);
	store_agreement_clear(&a);
	free(versions);
	free(bytes);
	return rc;
}

/* ---- following the partners' lists ---- */

/* The recognitions a sweep visits, grouped by partner (one trust store
 * each). */
struct sweep_set {
	struct recognition	*r;
	size_t			 n, cap;
};

static int
collect(const struct recognition *r, void *arg)
{
	struct sweep_set	*set = arg;

	if (set->n == set->cap) {
		size_t	 cap = set->cap ? set->cap * 2 : 64;
		void	*nr = realloc(set->r, cap * sizeof(*set->r));

		if (nr == NULL)
			return -1;
		set->r = nr;
		set->cap = cap;
	}
	set->r[set->n++] = *r;
	return 0;
}

static int
by_partner(const void *a, const void *b)
{
	const struct recognition *x = a, *y = b;
	int c = strcmp(x->partner_id, y->partner_id);

	return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * What a verification of a recognised credential says for its label: the
 * first failing check's code and detail, its check name in *check; "ok"
 * when every check passed.
 */
static const char *
first_fault(const json_t *checks, const char **check, const char **detail)
{
	const json_t	*c;
	size_t		 i;

	json_array_foreach(checks, i, c)
		if (!json_is_true(json_object_get(c, "ok"))) {
			*check = json_string_value(json_object_get(c, "check"));
			*detail = json_string_value(json_object_get(c,
			    "detail"));
			return json_string_value(json_object_get(c, "code"));
		}
	*check = "";
	*detail = "";
	return "ok";
}

/*
 * Applies action to r's label with reason and records why labeld holds
 * it (follow), in one transaction: the caller's when one is open (a list
 * arriving, partner.c), else its own.  lifecycle_change runs inside it,
 * so cfg is not needed there: the lists it marks stale are re-signed at
 * their next fetch or scheduler round.
 */
static int
follow(struct db *db, const struct config *cfg, const struct recognition *r,
    int action, const char *to, const char *reason)
{
	char	 err[512] = "cannot record it";
	int	 rc, own = !db_in_transaction(db);

	if (own && db_begin(db) == -1)
		return STORE_ERR;
	if ((action != FOLLOW_ONLY && (rc = lifecycle_change(db,
	    cfg, NULL, r->label_id, (enum label_action)action, reason, NULL, err,
	    sizeof(err))) != STORE_OK) ||
	    (rc = store_recognition_set_follow(db, r->id, to)) != STORE_OK) {
		if (own)
			db_rollback(db);
		log_warn("recognition %s: label %s not changed: %s", r->id,
		    r->label_id, err);
		return rc == STORE_NOTFOUND ? STORE_ERR : rc;
	}
	if (own && db_commit(db) == -1) {
		db_rollback(db);
		return STORE_ERR;
	}
	log_info("recognition %s: label %s follows partner %s: %s", r->id,
	    r->label_id, r->partner_id, reason);
	return STORE_OK;
}

/* Brings one recognised label in line with its partner's lists. */
static int
sweep_one(struct db *db, const struct config *cfg,
    const struct verify_trust *t, const struct partner *p,
    const struct recognition *r, const struct verify_opts *o)
{
	struct label		 l;
	struct agreement	 a;
	json_t			*cred = NULL, *checks = NULL;
	const char		*code, *check, *detail;
	char			*buf = NULL, reason[LABELD_MAX_TEXT + 1];
	char			 now[32];
	size_t			 len;
	int			 rc = STORE_ERR, held;

	memset(&a, 0, sizeof(a));
	rfc3339_format(o->now, now);
	if (store_label_get(db, r->label_id, &l) != STORE_OK)
		goto done;
	rc = STORE_OK;
	if (strcmp(l.status, "revoked") == 0 || strcmp(now, l.valid_until) >= 0)
		goto done;	/* final, or expired: nothing to follow */
	rc = STORE_ERR;
	/* Never outlives its agreement, even one ended after it was issued. */
	if (store_agreement_get(db, r->partner_id, r->agreement_id, &a) !=
	    STORE_OK)
		goto done;
	if (a.ended_at[0] != '\0' || strncmp(now, a.valid_until, 10) > 0) {
		snprintf(reason, sizeof(reason), "agreement_ended: agreement %s "
		    "with partner %s (%s) ended on %s", a.id, p->name,
		    p->country, a.valid_until);
		rc = follow(db, cfg, r, LABEL_REVOKE, r->follow, reason);
		goto done;
	}
	if (store_recognition_credential(db, r->id, &buf, &len) != STORE_OK ||
	    (cred = json_loadb(buf, len, 0, NULL)) == NULL ||
	    (checks = verify_credential(t, cred, o, NULL)) == NULL)
		goto done;
	rc = STORE_OK;
	code = first_fault(checks, &check, &detail);
	held = strcmp(r->follow, "none") != 0;
	if (strcmp(check, "validity") == 0)
		goto done;	/* the local label ends with the foreign one */
	if (strcmp(code, "revoked") == 0) {
		snprintf(reason, sizeof(reason), "partner %s (%s) revoked the "
		    "recognised credential %.256s: %.1000s", p->name,
		    p->country, r->foreign_id, detail);
		rc = follow(db, cfg, r, LABEL_REVOKE, r->follow, reason);
	} else if (strcmp(code, "ok") != 0) {
		/* Fail closed: anything but a clear bit on fresh lists. */
		const char *why = strcmp(code, "suspended") == 0 ? "partner" :
		    "stale";

		if (strcmp(code, "suspended") == 0)
			snprintf(reason, sizeof(reason), "partner %s (%s) "
			    "suspended the recognised credential %.256s: "
			    "%.1000s", p->name, p->country, r->foreign_id,
			    detail);
		else if (strcmp(code, "status_stale") == 0 ||
		    strcmp(code, "status_unchecked") == 0)
			snprintf(reason, sizeof(reason), "partner_status_stale: "
			    "partner %s (%s) has no fresh status list (older "
			    "than partner_status_max_age or expired): %.1000s",
			    p->name, p->country, detail);
		else
			snprintf(reason, sizeof(reason), "partner_trust_failed: "
			    "the recognised credential %.256s no longer "
			    "verifies with partner %s (%s)'s pinned bundle "
			    "(%s, %s): %.1000s", r->foreign_id, p->name,
			    p->country, check, code, detail);
		if (strcmp(l.status, "active") == 0)
			rc = follow(db, cfg, r, LABEL_SUSPEND, why, reason);
		else if (held && strcmp(r->follow, why) != 0)
			rc = follow(db, cfg, r, FOLLOW_ONLY, why,
			    reason);
	} else if (held && strcmp(l.status, "suspended") == 0) {
		snprintf(reason, sizeof(reason), "partner %s (%s): fresh status "
		    "lists show the recognised credential %.256s in force",
		    p->name, p->country, r->foreign_id);
		rc = follow(db, cfg, r, LABEL_REINSTATE, "none", reason);
	}
done:
	store_agreement_clear(&a);
	json_decref(checks);
	json_decref(cred);
	free(buf);
	return rc;
}

/*
 * Brings the recognised labels of partner_id (NULL: every partner) in
 * line with the partners' stored status lists at now.  cfg may be NULL
 * (partner.c, when a list arrives): then a list counts as fresh until its
 * validUntil, and the scheduler's round with cfg judges the
 * partner_status_max_age.  Each change goes through lifecycle.c (history,
 * status lists, log), in the caller's open transaction, else one of its
 * own per label.  STORE_OK, or STORE_ERR when something could not be
 * read or changed (logged; the caller rolls back, or the next round tries
 * again).
 */
int
recognition_sweep(struct db *db, const struct config *cfg,
    const char *partner_id, time_t now)
{
	struct sweep_set	 set = { NULL, 0, 0 };
	struct verify_trust	*t = NULL;
	struct verify_opts	 o;
	struct partner		 p;
	size_t			 i;
	int			 rc = STORE_OK;

	if (store_recognition_list(db, partner_id, 0, -1, collect, &set) !=
	    STORE_OK) {
		free(set.r);
		return STORE_ERR;
	}
	if (set.n > 1)
		qsort(set.r, set.n, sizeof(*set.r), by_partner);
	memset(&o, 0, sizeof(o));
	o.at = now;
	o.now = now;
	o.max_status_age = cfg != NULL ? cfg->partner_status_max_age : 0;
	o.log_online = 1;
	for (i = 0; i < set.n; i++) {
		if (i == 0 || strcmp(set.r[i].partner_id,
		    set.r[i - 1].partner_id) != 0) {
			verify_trust_free(t);
			t = NULL;
			if (store_partner_get(db, set.r[i].partner_id, &p) !=
			    STORE_OK || (t = verify_trust_new()) == NULL ||
			    recognition_trust_add(db, t, &p) != STORE_OK) {
				verify_trust_free(t);
				t = NULL;
				rc = STORE_ERR;
			}
		}
		if (t != NULL && sweep_one(db, cfg, t, &p, &set.r[i], &o) !=
		    STORE_OK)
			rc = STORE_ERR;
	}
	verify_trust_free(t);
	free(set.r);
	return rc;
}
