/*
 * dataint.c: Data Integrity proofs, cryptosuite eddsa-jcs-2022, see
 * dataint.h.
 */
#include "dataint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "errfmt.h"
#include "jcs.h"
#include "rfc3339.h"

/* SHA-256 of JCS(v) into out; 0, or -1 with err naming what. */
static int
hash_canon(const json_t *v, const char *what, uint8_t out[32], char *err,
    size_t errlen)
{
	char	 why[160];
	size_t	 len;
	char	*c = jcs_serialize(v, &len, why, sizeof(why));

	if (c == NULL) {
		errfmt(err, errlen, "cannot canonicalise the %s: %s", what,
		    why);
		return -1;
	}
	lc_sha256(c, len, out);
	free(c);
	return 0;
}

/*
 * The 64-byte hashData of doc without its proof under proof_config into
 * out.  Neither argument is modified.  0, or -1 with err.
 */
int
dataint_hash(const json_t *doc, const json_t *proof_config, uint8_t out[64],
    char *err, size_t errlen)
{
	json_t	*unsecured;
	int	 rc = -1;

	if (!json_is_object(doc) || !json_is_object(proof_config)) {
		errfmt(err, errlen, "document and proof configuration must "
		    "be JSON objects");
		return -1;
	}
	/* Shallow copy: shares the members, only drops "proof". */
	unsecured = json_copy((json_t *)doc);
	if (unsecured == NULL) {
		errfmt(err, errlen, "out of memory");
		return -1;
	}
	json_object_del(unsecured, "proof");
	/* The proof config's hash first, then the document's (vc-di-eddsa). */
	if (hash_canon(proof_config, "proof configuration", out, err,
	    errlen) == 0 &&
	    hash_canon(unsecured, "document", out + 32, err, errlen) == 0)
		rc = 0;
	json_decref(unsecured);
	return rc;
}

/*
 * Adds a signed eddsa-jcs-2022 "proof" to doc.  0, or -1 with err and doc
 * unchanged.
 */
int
dataint_sign(json_t *doc, const uint8_t sk[64],
    const char *verification_method, const char *created, char *err,
    size_t errlen)
{
	json_t	*proof = NULL, *ctx;
	uint8_t	 hash[64], sig[LC_SIG_LEN];
	char	*b58 = NULL, *pv = NULL;
	size_t	 n;
	int	 rc = -1;

	if (!json_is_object(doc)) {
		errfmt(err, errlen, "document is not a JSON object");
		return -1;
	}
	if (json_object_get(doc, "proof") != NULL) {
		errfmt(err, errlen, "document already has a proof");
		return -1;
	}
	if (verification_method == NULL || verification_method[0] == '\0') {
		errfmt(err, errlen, "verificationMethod is empty");
		return -1;
	}
	if (rfc3339_check(created) != 0) {
		errfmt(err, errlen, "created \"%s\" is not an RFC 3339 "
		    "date-time", created != NULL ? created : "(null)");
		return -1;
	}
	proof = json_object();
	if (proof == NULL ||
	    json_object_set_new(proof, "type",
	    json_string(DATAINT_PROOF_TYPE)) ||
	    json_object_set_new(proof, "cryptosuite",
	    json_string(DATAINT_CRYPTOSUITE)) ||
	    json_object_set_new(proof, "created", json_string(created)) ||
	    json_object_set_new(proof, "verificationMethod",
	    json_string(verification_method)) ||
	    json_object_set_new(proof, "proofPurpose",
	    json_string(DATAINT_PURPOSE))) {
		errfmt(err, errlen, "out of memory (or verificationMethod is "
		    "not UTF-8)");
		goto done;
	}
	/*
	 * vc-di-eddsa Create Proof: the proof carries the document's
	 * @context (a copy, so later edits of one do not touch the other).
	 */
	ctx = json_object_get(doc, "@context");
	if (ctx != NULL && json_object_set_new(proof, "@context",
	    json_deep_copy(ctx)) != 0) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	if (dataint_hash(doc, proof, hash, err, errlen) != 0)
		goto done;
	lc_ed25519_sign(sk, hash, sizeof(hash), sig);
	b58 = lc_base58btc_encode(sig, sizeof(sig));
	if (b58 == NULL) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	n = strlen(b58);
	pv = malloc(n + 2);
	if (pv == NULL) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	pv[0] = 'z';
	memcpy(pv + 1, b58, n + 1);
	if (json_object_set_new(proof, "proofValue", json_string(pv)) != 0) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	if (json_object_set_new(doc, "proof", proof) != 0) {
		proof = NULL; /* set_new consumed it even on failure */
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	proof = NULL;
	rc = 0;
done:
	json_decref(proof);
	free(b58);
	free(pv);
	return rc;
}

/* Members of an @context value: itself if not an array. */
static size_t
ctx_len(const json_t *c)
{
	return json_is_array(c) ? json_array_size(c) : 1;
}

static json_t *
ctx_at(const json_t *c, size_t i)
{
	return json_is_array(c) ? json_array_get(c, i) : (json_t *)c;
}

/* A string member of proof (or NULL if absent or not a string). */
static const char *
proof_str(const json_t *proof, const char *name)
{
	return json_string_value(json_object_get(proof, name));
}

/*
 * Checks doc's single eddsa-jcs-2022 proof against pk; res (may be NULL)
 * borrows from doc.  0 when valid, else -1 with the reason in err.
 */
int
dataint_verify(const json_t *doc, const uint8_t pk[32],
    struct dataint_result *res, char *err, size_t errlen)
{
	const json_t		*proof, *pctx, *dctx;
	json_t			*options = NULL, *unsecured = NULL;
	const char		*type, *suite, *vm, *purpose, *created, *pv;
	uint8_t			 hash[64], *sig = NULL;
	size_t			 siglen = 0, i;
	struct dataint_result	 dummy;
	int			 rc = -1;

	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (!json_is_object(doc)) {
		errfmt(err, errlen, "document is not a JSON object");
		return -1;
	}
	proof = json_object_get(doc, "proof");
	if (proof == NULL) {
		errfmt(err, errlen, "document has no proof");
		return -1;
	}
	if (json_is_array(proof)) {
		errfmt(err, errlen, "proof sets (an array of proofs) are not "
		    "supported");
		return -1;
	}
	if (!json_is_object(proof)) {
		errfmt(err, errlen, "proof is not a JSON object");
		return -1;
	}
	res->verification_method = vm = proof_str(proof, "verificationMethod");
	res->created = created = proof_str(proof, "created");
	res->proof_purpose = purpose = proof_str(proof, "proofPurpose");
	type = proof_str(proof, "type");
	suite = proof_str(proof, "cryptosuite");
	pv = proof_str(proof, "proofValue");
	if (type == NULL || strcmp(type, DATAINT_PROOF_TYPE) != 0) {
		errfmt(err, errlen, "proof type is %s%s%s, expected "
		    DATAINT_PROOF_TYPE, type ? "\"" : "",
		    type ? type : "missing", type ? "\"" : "");
		return -1;
	}
	if (suite == NULL || strcmp(suite, DATAINT_CRYPTOSUITE) != 0) {
		errfmt(err, errlen, "cryptosuite is %s%s%s, expected "
		    DATAINT_CRYPTOSUITE, suite ? "\"" : "",
		    suite ? suite : "missing", suite ? "\"" : "");
		return -1;
	}
	if (vm == NULL || vm[0] == '\0') {
		errfmt(err, errlen, "proof has no verificationMethod string");
		return -1;
	}
	if (purpose == NULL || purpose[0] == '\0') {
		errfmt(err, errlen, "proof has no proofPurpose string");
		return -1;
	}
	if (json_object_get(proof, "created") != NULL &&
	    rfc3339_check(created) != 0) {
		errfmt(err, errlen, "proof created is not an RFC 3339 "
		    "date-time");
		return -1;
	}
	if (pv == NULL) {
		errfmt(err, errlen, "proof has no proofValue string");
		return -1;
	}
	if (pv[0] != 'z' || lc_base58btc_decode(pv + 1, &sig, &siglen) != 0 ||
	    siglen != LC_SIG_LEN) {
		errfmt(err, errlen, "proofValue is not 'z' + base58btc of a "
		    "64-byte signature");
		goto done;
	}

	/*
	 * Verify Proof: proofOptions = proof without proofValue;
	 * unsecuredDocument = document without proof.
	 */
	options = json_copy((json_t *)proof);
	unsecured = json_copy((json_t *)doc);
	if (options == NULL || unsecured == NULL) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	json_object_del(options, "proofValue");
	json_object_del(unsecured, "proof");
	pctx = json_object_get(options, "@context");
	if (pctx != NULL) {
		/*
		 * The document's @context must start with the proof's, in
		 * order; the proof's is then the one hashed (spec step 4).
		 */
		dctx = json_object_get(doc, "@context");
		if (dctx == NULL || ctx_len(dctx) < ctx_len(pctx)) {
			errfmt(err, errlen, "document @context does not start "
			    "with the proof's @context");
			goto done;
		}
		for (i = 0; i < ctx_len(pctx); i++) {
			if (!json_equal(ctx_at(dctx, i), ctx_at(pctx, i))) {
				errfmt(err, errlen, "document @context does "
				    "not start with the proof's @context "
				    "(entry %zu differs)", i);
				goto done;
			}
		}
		if (json_object_set(unsecured, "@context",
		    (json_t *)pctx) != 0) {
			errfmt(err, errlen, "out of memory");
			goto done;
		}
	}
	if (dataint_hash(unsecured, options, hash, err, errlen) != 0)
		goto done;
	if (lc_ed25519_verify(pk, hash, sizeof(hash), sig) != 0) {
		errfmt(err, errlen, "signature does not verify: the document "
		    "or proof was altered, or it was signed with another key");
		goto done;
	}
	rc = 0;
done:
	json_decref(options);
	json_decref(unsecured);
	free(sig);
	return rc;
}
