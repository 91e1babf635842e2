/*
 * issue.c: the issuer.  Builds a label credential (W3C VC 2.0 in the shape
 * HACKING.md "Signed formats" fixes) from C structs, signs it with the
 * active key (Data Integrity, eddsa-jcs-2022), and stores its RFC 8785
 * form, which is then served byte for byte.  No HTTP here.
 */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "labeld.h"
#include "rfc3339.h"
#include "crypto.h"
#include "jcs.h"
#include "scheme.h"

#define ISSUE_VC_CONTEXT	"https://www.w3.org/ns/credentials/v2"
#define ISSUE_INDEX_TRIES	64	/* random picks before a full scan */
#define ISSUE_MAX_STANDARD	128	/* bytes of one referenceStandard */
#define ISSUE_LABEL_CODE_MAX	8	/* letters of a scheme's short code */
#define ISSUE_LABEL_SEQ_DIGITS	6

/*
 * validUntil = min(from + the scheme's max_validity_days, the end (UTC)
 * of the product's support_until day) into out.  -1 when support_until
 * is not a date or the result would not lie after from (support ended).
 */
int
issue_valid_until(const struct scheme *s, const char *support_until,
    time_t from, char out[32])
{
	time_t		 limit, support;

	if (rfc3339_date_check(support_until) == -1 ||
	    rfc3339_to_time(support_until, 1, &support) == -1)
		return -1;
	support += 86399;
	limit = from + (time_t)scheme_max_validity_days(s) * 86400;
	if (support < limit)
		limit = support;
	if (limit <= from)
		return -1;
	rfc3339_format(limit, out);
	return 0;
}

/* Label ids end up in URLs: letters, digits, '-', '_' and '.'. */
static int
label_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > LABELD_LABEL_ID_MAX)
		return 0;
	for (; *id != '\0'; id++)
		if (!isalnum((unsigned char)*id) && *id != '-' && *id != '_' &&
		    *id != '.')
			return 0;
	return 1;
}

static int
check_input(const struct issue_input *in, char *err, size_t errlen)
{
	if (!label_id_ok(in->label_id)) {
		snprintf(err, errlen, "label id must be 1 to %d letters, digits, "
		    "'-', '_' or '.'", LABELD_LABEL_ID_MAX);
		return -1;
	}
	if (in->scheme == NULL || in->vendor == NULL || in->product == NULL) {
		snprintf(err, errlen, "scheme, vendor and product are required");
		return -1;
	}
	if (in->tier < 1 || in->tier > scheme_ntiers(in->scheme)) {
		snprintf(err, errlen, "tier %d is not a tier of %s version %d",
		    in->tier, scheme_id(in->scheme),
		    scheme_version(in->scheme));
		return -1;
	}
	if (in->nversions == 0 || in->nversions > LABELD_MAX_FIRMWARE_VERSIONS ||
	    in->versions == NULL) {
		snprintf(err, errlen, "a label covers 1 to %d firmware versions",
		    LABELD_MAX_FIRMWARE_VERSIONS);
		return -1;
	}
	for (size_t i = 0; i < in->nversions; i++)
		if (in->versions[i] == NULL || in->versions[i][0] == '\0') {
			snprintf(err, errlen, "firmware version %zu is empty", i);
			return -1;
		}
	if (!json_is_array(in->requirements_met)) {
		snprintf(err, errlen, "requirements met must be an array");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(in->requirements_met); i++)
		if (!json_is_string(json_array_get(in->requirements_met, i))) {
			snprintf(err, errlen, "requirements met must be strings");
			return -1;
		}
	if (in->nlab_reports > LABELD_MAX_LAB_REPORTS ||
	    (in->nlab_reports > 0 && in->lab_reports == NULL)) {
		snprintf(err, errlen, "at most %d lab reports",
		    LABELD_MAX_LAB_REPORTS);
		return -1;
	}
	for (size_t i = 0; i < in->nlab_reports; i++)
		if (in->lab_reports[i].sha256 == NULL ||
		    !evidence_digest_ok(in->lab_reports[i].sha256)) {
			snprintf(err, errlen, "lab report %zu: not a SHA-256 "
			    "hex digest", i);
			return -1;
		}
	if (in->recognition_of != NULL && (!json_is_object(in->recognition_of) ||
	    in->agreement_id == NULL)) {
		snprintf(err, errlen, "a recognition needs recognitionOf and "
		    "its agreement");
		return -1;
	}
	if (in->sbom_sha256 != NULL && in->sbom_sha256[0] != '\0' &&
	    (!evidence_digest_ok(in->sbom_sha256) || in->sbom_components < 0)) {
		snprintf(err, errlen, "SBOM: not a SHA-256 hex digest");
		return -1;
	}
	return 0;
}

/*
 * The standard a requirement reference cites: its leading run of
 * upper-case words and numbers, ending with a number ("ETSI EN 303 645
 * V2.1.1 5.1-1" -> "ETSI EN 303 645", "NIST IR 8425: ..." -> "NIST IR
 * 8425").  0 and out filled, or -1 when the reference names none.
 */
static int
reference_standard(const char *ref, char *out, size_t outlen)
{
	const char	*p = ref, *end_ok = NULL;
	int		 words = 0;

	while (*p != '\0') {
		const char	*w = p;
		int		 upper = 1, digit = 1;

		while (*p != '\0' && *p != ' ' && *p != ':' && *p != ',') {
			if (!isupper((unsigned char)*p))
				upper = 0;
			if (!isdigit((unsigned char)*p))
				digit = 0;
			p++;
		}
		if (p == w || (!upper && !digit) || (digit && words == 0))
			break;
		words++;
		if (digit)
			end_ok = p;
		if (*p != ' ')
			break;
		while (*p == ' ')
			p++;
	}
	if (end_ok == NULL || (size_t)(end_ok - ref) >= outlen)
		return -1;
	memcpy(out, ref, (size_t)(end_ok - ref));
	out[end_ok - ref] = '\0';
	return 0;
}

/*
 * assessment[]: each standard cited by the requirements met, once, in
 * scheme order, as {referenceStandard, conformance: true}.
 */
static json_t *
assessment_json(const struct scheme *s, const json_t *met)
{
	const json_t	*reqs = json_object_get(scheme_json(s), "requirements");
	json_t		*out = json_array(), *seen = json_object();
	size_t		 i, j;

	if (out == NULL || seen == NULL)
		goto fail;
	for (i = 0; i < scheme_nrequirements(s); i++) {
		const struct scheme_requirement *r = scheme_requirement_at(s, i);
		const json_t	*refs;
		int		 is_met = 0;

		for (j = 0; j < json_array_size(met); j++)
			if (strcmp(json_string_value(json_array_get(met, j)),
			    r->id) == 0)
				is_met = 1;
		if (!is_met)
			continue;
		refs = json_object_get(json_array_get(reqs, i), "references");
		for (j = 0; j < json_array_size(refs); j++) {
			const char	*ref = json_string_value(
			    json_array_get(refs, j));
			char		 std[ISSUE_MAX_STANDARD];

			if (ref == NULL || reference_standard(ref, std,
			    sizeof(std)) == -1 || json_object_get(seen, std))
				continue;
			if (json_object_set_new(seen, std, json_true()) == -1 ||
			    json_array_append_new(out, json_pack("{s:s, s:b}",
			    "referenceStandard", std, "conformance", 1)) == -1)
				goto fail;
		}
	}
	json_decref(seen);
	return out;
fail:
	json_decref(out);
	json_decref(seen);
	return NULL;
}

static json_t *
status_entry(const struct config *cfg, const char *list, const char *purpose,
    int index)
{
	char	 url[1024], id[1100], idx[16];

	if (statuslist_url(cfg, list, url, sizeof(url)) == -1)
		return NULL;
	snprintf(id, sizeof(id), "%s#%d", url, index);
	snprintf(idx, sizeof(idx), "%d", index);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type",
	    "BitstringStatusListEntry", "statusPurpose", purpose,
	    "statusListIndex", idx, "statusListCredential", url);
}

/* Sets key to v (reference stolen); -1 when v is NULL or on failure. */
static int
put(json_t *obj, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(obj, key, v);
}

static json_t *
subject_json(const struct config *cfg, const struct issue_input *in)
{
	const struct scheme	*s = in->scheme;
	json_t			*subj, *a;
	char			 id[1024];
	size_t			 i;

	snprintf(id, sizeof(id), "%s/v1/labels/%s#subject", cfg->public_url,
	    in->label_id);
	if ((subj = json_object()) == NULL)
		return NULL;
	if (put(subj, "id", json_string(id)) ||
	    put(subj, "type", json_pack("[s]", "ConformityAttestation")) ||
	    put(subj, "labelId", json_string(in->label_id)) ||
	    put(subj, "assessorLevel", json_string(
	    scheme_tier_is_third_party(s, in->tier) == 1 ? "3rdParty" :
	    "Self")) ||
	    put(subj, "assessmentLevel", json_string("GovtApproval")) ||
	    put(subj, "attestationType", json_string("certification")) ||
	    put(subj, "issuedToParty", json_pack("{s:s, s:s, s:s}", "id",
	    in->vendor->id, "name", in->vendor->name, "country",
	    in->vendor->country)) ||
	    put(subj, "scope", json_pack("{s:s, s:i, s:s}", "scheme",
	    scheme_id(s), "schemeVersion", scheme_version(s), "title",
	    scheme_title(s))) ||
	    put(subj, "tier", json_integer(in->tier)) ||
	    put(subj, "tierName", json_string(scheme_tier_name(s, in->tier))) ||
	    put(subj, "product", json_pack("{s:s, s:s, s:s, s:s}", "id",
	    in->product->id, "name", in->product->name, "model",
	    in->product->model, "category", in->product->category)))
		goto fail;
	if ((a = json_array()) == NULL || put(subj, "firmwareVersions", a))
		goto fail;
	for (i = 0; i < in->nversions; i++)
		if (json_array_append_new(a, json_string(in->versions[i])))
			goto fail;
	if (put(subj, "supportUntil", json_string(in->product->support_until)) ||
	    put(subj, "requirementsMet",
	    json_deep_copy(in->requirements_met)))
		goto fail;
	if ((a = json_array()) == NULL || put(subj, "labReports", a))
		goto fail;
	for (i = 0; i < in->nlab_reports; i++)
		if (json_array_append_new(a, json_pack("{s:i, s:s}", "tier",
		    in->lab_reports[i].tier, "sha256",
		    in->lab_reports[i].sha256)))
			goto fail;
	if (in->sbom_sha256 != NULL && in->sbom_sha256[0] != '\0' &&
	    put(subj, "sbom", json_pack("{s:s, s:i}", "sha256",
	    in->sbom_sha256, "components", in->sbom_components)))
		goto fail;
	if (put(subj, "assessment", assessment_json(s, in->requirements_met)))
		goto fail;
	/* A recognised label names what it recognises and under which terms. */
	if (in->recognition_of != NULL && (put(subj, "recognitionOf",
	    json_deep_copy(in->recognition_of)) ||
	    put(subj, "agreement", json_string(in->agreement_id))))
		goto fail;
	return subj;
fail:
	json_decref(subj);
	return NULL;
}

/*
 * The unsigned credential for in, valid from valid_from to valid_until,
 * holding the given status list indices.  New reference, or NULL with a
 * message in err (out of memory, a non-UTF-8 string).
 */
json_t *
issue_build(const struct config *cfg, const struct issue_input *in,
    const char *valid_from, const char *valid_until, int revocation_index,
    int suspension_index, char *err, size_t errlen)
{
	json_t	*vc, *status;
	char	 id[1024];

	snprintf(id, sizeof(id), "%s/v1/labels/%s", cfg->public_url,
	    in->label_id);
	if ((vc = json_object()) == NULL)
		goto fail;
	if (put(vc, "@context", json_pack("[s]", ISSUE_VC_CONTEXT)) ||
	    put(vc, "id", json_string(id)) ||
	    put(vc, "type", json_pack("[s, s, s]", "VerifiableCredential",
	    "DigitalConformityCredential", "CybersecurityLabelCredential")) ||
	    put(vc, "issuer", json_pack("{s:s, s:s}", "id", cfg->issuer_did,
	    "name", cfg->issuer_name)) ||
	    put(vc, "validFrom", json_string(valid_from)) ||
	    put(vc, "validUntil", json_string(valid_until)) ||
	    put(vc, "credentialSubject", subject_json(cfg, in)))
		goto fail;
	if ((status = json_array()) == NULL || put(vc, "credentialStatus",
	    status) || json_array_append_new(status, status_entry(cfg,
	    LABELD_STATUSLIST_REVOCATION, "revocation", revocation_index)) ||
	    json_array_append_new(status, status_entry(cfg,
	    LABELD_STATUSLIST_SUSPENSION, "suspension", suspension_index)))
		goto fail;
	return vc;
fail:
	snprintf(err, errlen, "cannot build the credential (out of memory or "
	    "a field that is not UTF-8)");
	json_decref(vc);
	return NULL;
}

/* A random index of list no label holds yet; STORE_ERR when full. */
static int
pick_index(struct db *db, const char *purpose, const char *list, int *out,
    char *err, size_t errlen)
{
	uint32_t	 r;
	int		 used, i;

	for (i = 0; i < ISSUE_INDEX_TRIES; i++) {
		lc_random(&r, sizeof(r));
		r &= LABELD_STATUSLIST_BITS - 1;
		if (store_label_index_used(db, purpose, list, (int)r,
		    &used) != STORE_OK)
			goto dberr;
		if (!used) {
			*out = (int)r;
			return STORE_OK;
		}
	}
	/* Nearly full: walk from a random start so the pick stays unguessable. */
	for (i = 0; i < LABELD_STATUSLIST_BITS; i++) {
		int idx = (int)((r + (uint32_t)i) & (LABELD_STATUSLIST_BITS - 1));

		if (store_label_index_used(db, purpose, list, idx, &used) !=
		    STORE_OK)
			goto dberr;
		if (!used) {
			*out = idx;
			return STORE_OK;
		}
	}
	snprintf(err, errlen, "status list %s is full", list);
	return STORE_ERR;
dberr:
	snprintf(err, errlen, "cannot read the status list indices");
	return STORE_ERR;
}

/*
 * Issues the label described by in: picks unused random indices in the
 * revocation and suspension lists, builds the credential, signs it with
 * the active key, stores its canonical bytes (with the submission,
 * vendor, product, scheme, tier, validity, status indices) and an
 * "issued" history entry.  Runs inside the caller's transaction when one
 * is open (workflow_approve's: the caller commits or rolls back), else in
 * its own.  *credential (may be NULL) receives a malloc'd copy of the
 * stored bytes, *len their length.
 * Returns STORE_OK; STORE_INVALID (bad input, or the product's support
 * has ended); STORE_CONFLICT (the label id or submission has a label);
 * KEYS_NOKEY (no usable signing key); STORE_ERR.  err says why.
 */
int
issue_label(struct db *db, const struct config *cfg,
    const struct issue_input *in, char **credential, size_t *len, char *err,
    size_t errlen)
{
	struct label		 l;
	struct label_event	 ev;
	json_t			*vc = NULL;
	char			*canon = NULL, from[32], until[32];
	size_t			 clen = 0;
	time_t			 now;
	int			 rc = STORE_ERR, own = 0;

	if (credential != NULL)
		*credential = NULL;
	if (len != NULL)
		*len = 0;
	if (check_input(in, err, errlen) == -1)
		return STORE_INVALID;
	if (!db_in_transaction(db)) {
		if (db_begin(db) == -1) {
			snprintf(err, errlen, "cannot begin a transaction");
			return STORE_ERR;
		}
		own = 1;
	}
	/*
	 * The time is taken under the write lock: a key rotated while this
	 * waited signs, and must not sign with a time before it existed
	 * (verifiers would refuse the label).
	 */
	now = in->now ? in->now : clock_now();
	rfc3339_format(now, from);
	if (issue_valid_until(in->scheme, in->product->support_until, now,
	    until) == -1) {
		snprintf(err, errlen, "product %s: support ends %s, before the "
		    "label could be valid", in->product->id,
		    in->product->support_until);
		rc = STORE_INVALID;
		goto done;
	}
	/* A recognition never outlives the foreign label nor its agreement. */
	if (in->valid_until_max != 0) {
		time_t	 u;

		if (in->valid_until_max <= now) {
			snprintf(err, errlen, "the label could not be valid: "
			    "its validity must end before it starts");
			rc = STORE_INVALID;
			goto done;
		}
		if (rfc3339_to_time(until, 0, &u) == 0 &&
		    in->valid_until_max < u)
			rfc3339_format(in->valid_until_max, until);
	}
	memset(&l, 0, sizeof(l));
	snprintf(l.id, sizeof(l.id), "%s", in->label_id);
	snprintf(l.submission_id, sizeof(l.submission_id), "%s",
	    in->submission_id ? in->submission_id : "");
	snprintf(l.vendor_id, sizeof(l.vendor_id), "%s", in->vendor->id);
	snprintf(l.product_id, sizeof(l.product_id), "%s", in->product->id);
	snprintf(l.scheme, sizeof(l.scheme), "%s", scheme_id(in->scheme));
	l.scheme_version = scheme_version(in->scheme);
	l.tier = in->tier;
	snprintf(l.issued_at, sizeof(l.issued_at), "%s", from);
	snprintf(l.valid_until, sizeof(l.valid_until), "%s", until);
	snprintf(l.status, sizeof(l.status), "active");
	snprintf(l.status_since, sizeof(l.status_since), "%s", from);
	snprintf(l.revocation_list, sizeof(l.revocation_list), "%s",
	    LABELD_STATUSLIST_REVOCATION);
	snprintf(l.suspension_list, sizeof(l.suspension_list), "%s",
	    LABELD_STATUSLIST_SUSPENSION);

	if ((rc = pick_index(db, "revocation", l.revocation_list,
	    &l.revocation_index, err, errlen)) != STORE_OK ||
	    (rc = pick_index(db, "suspension", l.suspension_list,
	    &l.suspension_index, err, errlen)) != STORE_OK)
		goto done;
	rc = STORE_ERR;
	if ((vc = issue_build(cfg, in, from, until, l.revocation_index,
	    l.suspension_index, err, errlen)) == NULL)
		goto done;
	if ((rc = keys_sign(db, cfg, vc, from, l.kid, err, errlen)) !=
	    STORE_OK)
		goto done;
	rc = STORE_ERR;
	if ((canon = jcs_serialize(vc, &clen, err, errlen)) == NULL)
		goto done;
	switch (store_label_insert(db, &l, canon, clen)) {
	case STORE_OK:
		break;
	case STORE_CONFLICT:
		snprintf(err, errlen, "label %s (or a label of submission %s) "
		    "exists already", l.id, l.submission_id[0] ?
		    l.submission_id : "-");
		rc = STORE_CONFLICT;
		goto done;
	default:
		snprintf(err, errlen, "cannot store label %s", l.id);
		goto done;
	}
	memset(&ev, 0, sizeof(ev));
	ev.label_id = l.id;
	ev.at = from;
	ev.action = "issued";
	ev.to_status = "active";
	ev.org_id = in->issued_by;
	ev.token_id = in->token_id;
	if (store_label_event_append(db, &ev) != STORE_OK) {
		snprintf(err, errlen, "cannot record the issuance of %s", l.id);
		goto done;
	}
	if (translog_append(db, &(struct translog_entry){ .kind = "issue",
	    .label_id = l.id, .credential_sha256 = l.credential_sha256,
	    .time = now }, NULL, err, errlen) != STORE_OK)
		goto done;
	if (own && db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit label %s", l.id);
		goto done;
	}
	own = 0;
	log_info("issued label %s (%s v%d tier %d, key %s, valid until %s)",
	    l.id, l.scheme, l.scheme_version, l.tier, l.kid, l.valid_until);
	if (credential != NULL) {
		*credential = canon;
		canon = NULL;
	}
	if (len != NULL)
		*len = clen;
	rc = STORE_OK;
done:
	if (own)
		db_rollback(db);
	json_decref(vc);
	free(canon);
	return rc;
}

struct reports {
	const char		*lab_id;
	int			 max_tier;
	/* latest report per tier; index = tier */
	char			 sha[LABELD_MAX_LAB_REPORTS][65];
};

static int
collect_report(const struct lab_report *r, void *arg)
{
	struct reports *rs = arg;

	/* Oldest first: a later report of a tier replaces the earlier. */
	if (strcmp(r->lab_id, rs->lab_id) == 0 && r->tier >= 1 &&
	    r->tier <= rs->max_tier && r->tier < LABELD_MAX_LAB_REPORTS)
		snprintf(rs->sha[r->tier], sizeof(rs->sha[0]), "%s",
		    r->report_sha256);
	return 0;
}

/*
 * Issues the label of an approved submission: gathers the vendor, the
 * product (its support_until), the firmware version (its SBOM digest) and
 * the assigned lab's latest report per tier up to tier, then calls
 * issue_label with sub->label_id, in the caller's open transaction.
 * requirements_met is assess_requirements_met(result, tier); who (may be
 * NULL) is recorded in the label's history.  Results as issue_label's,
 * plus STORE_NOTFOUND when the vendor, product or version has vanished.
 */
int
issue_for_submission(struct db *db, const struct config *cfg,
    const struct principal *who, const struct submission *sub,
    const struct scheme *s, int tier, const json_t *requirements_met,
    char **credential, size_t *len, char *err, size_t errlen)
{
	struct org		 vendor;
	struct product		 product;
	struct product_version	 version;
	struct issue_input	 in;
	struct issue_lab_report	 lr[LABELD_MAX_LAB_REPORTS];
	struct reports		*rs;
	const char		*versions[1];
	size_t			 n = 0;
	int			 rc;

	if ((rc = store_org_get(db, sub->vendor_id, &vendor)) != STORE_OK ||
	    (rc = store_product_get(db, sub->product_id, &product)) !=
	    STORE_OK ||
	    (rc = store_product_version_get(db, sub->product_id,
	    sub->product_version, &version)) != STORE_OK) {
		snprintf(err, errlen, "submission %s: cannot read its vendor, "
		    "product or version", sub->id);
		return rc;
	}
	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return STORE_ERR;
	}
	rs->lab_id = sub->lab_id;
	rs->max_tier = tier;
	if (sub->lab_id[0] != '\0' && store_lab_report_list(db, sub->id,
	    collect_report, rs) != STORE_OK) {
		free(rs);
		snprintf(err, errlen, "cannot read the lab reports");
		return STORE_ERR;
	}
	for (int t = 1; t < LABELD_MAX_LAB_REPORTS; t++)
		if (rs->sha[t][0] != '\0') {
			lr[n].tier = t;
			lr[n].sha256 = rs->sha[t];
			n++;
		}
	versions[0] = sub->product_version;
	memset(&in, 0, sizeof(in));
	in.label_id = sub->label_id;
	in.submission_id = sub->id;
	in.scheme = s;
	in.tier = tier;
	in.vendor = &vendor;
	in.product = &product;
	in.versions = versions;
	in.nversions = 1;
	in.requirements_met = requirements_met;
	in.lab_reports = lr;
	in.nlab_reports = n;
	in.sbom_sha256 = version.sbom_sha256;
	in.sbom_components = version.sbom_components;
	if (who != NULL) {
		in.issued_by = who->org_id;
		in.token_id = who->token_id;
	}
	rc = issue_label(db, cfg, &in, credential, len, err, errlen);
	free(rs);
	return rc;
}

/* ---- label ids ---- */

/*
 * The label id prefix "CC-CODE-YYYY": the country (ISO 3166 alpha-2),
 * the scheme's short code and the year.  The short code is the first
 * part of the scheme id that is not the country: "sg-cls-iot" gives CLS.
 * 0, or -1 when the inputs give no valid prefix.
 */
int
issue_label_prefix(const char *country, const char *scheme_id, int year,
    char *out, size_t outlen)
{
	char		 code[ISSUE_LABEL_CODE_MAX + 1];
	const char	*p, *e;
	size_t		 n;

	if (country == NULL || scheme_id == NULL || strlen(country) != 2 ||
	    !isalpha((unsigned char)country[0]) ||
	    !isalpha((unsigned char)country[1]) || year < 1970 || year > 9999)
		return -1;
	p = scheme_id;
	e = strchr(p, '-');
	if (e != NULL && (size_t)(e - p) == 2 && strncasecmp(p, country, 2) == 0)
		p = e + 1;
	if ((e = strchr(p, '-')) == NULL)
		e = p + strlen(p);
	n = (size_t)(e - p);
	if (n == 0 || n > ISSUE_LABEL_CODE_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)p[i]))
			return -1;
		code[i] = (char)toupper((unsigned char)p[i]);
	}
	code[n] = '\0';
	if ((size_t)snprintf(out, outlen, "%c%c-%s-%04d",
	    toupper((unsigned char)country[0]),
	    toupper((unsigned char)country[1]), code, year) >= outlen)
		return -1;
	return 0;
}

/* prefix-NNNNNN (more digits once a year passes a million labels). */
int
issue_label_format(const char *prefix, int64_t seq, char *out,
    size_t outlen)
{
	if (seq < 1)
		return -1;
	if ((size_t)snprintf(out, outlen, "%s-%0*lld", prefix,
	    ISSUE_LABEL_SEQ_DIGITS, (long long)seq) >= outlen)
		return -1;
	return 0;
}

/*
 * Allocates the next label id for scheme s in the year of when, e.g.
 * SG-CLS-2026-000123.  Takes a number from the store's sequence, so it
 * must run inside the caller's (approval) transaction: unique, and given
 * back if that transaction rolls back.  STORE_OK or STORE_ERR.
 */
int
issue_label_id(struct db *db, const struct scheme *s, time_t when,
    char *out, size_t outlen)
{
	struct tm	 tm;
	char		 prefix[32];
	int64_t		 seq;

	gmtime_r(&when, &tm);
	if (issue_label_prefix(scheme_country(s), scheme_id(s),
	    tm.tm_year + 1900, prefix, sizeof(prefix)) == -1) {
		log_error("scheme %s gives no label id prefix", scheme_id(s));
		return STORE_ERR;
	}
	if (store_label_seq_next(db, prefix, &seq) != STORE_OK)
		return STORE_ERR;
	if (issue_label_format(prefix, seq, out, outlen) == -1)
		return STORE_ERR;
	return STORE_OK;
}
