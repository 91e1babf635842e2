/*
 * dataint.h: W3C Data Integrity proofs, cryptosuite eddsa-jcs-2022
 * (vc-di-eddsa: Create Proof / Verify Proof with JCS).
 *
 *   proofConfig = proof without proofValue; on creation {type:
 *                 DataIntegrityProof, cryptosuite: eddsa-jcs-2022, created,
 *                 verificationMethod, proofPurpose: assertionMethod,
 *                 @context: copy of the document's @context (if it has one)}
 *   hashData    = SHA-256(JCS(proofConfig)) ||
 *                 SHA-256(JCS(document without proof))
 *   proofValue  = "z" + base58btc(Ed25519-sign(sk, hashData))
 *
 * The emitted proof keeps its @context, as the spec's Create Proof does and
 * the W3C test vector (signedJCS.json) shows.
 * Part of libverify.a: libc, jansson, libsodium (via crypto.c), jcs.c.
 */
#ifndef LABELD_DATAINT_H
#define LABELD_DATAINT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define DATAINT_PROOF_TYPE	"DataIntegrityProof"
#define DATAINT_CRYPTOSUITE	"eddsa-jcs-2022"
#define DATAINT_PURPOSE		"assertionMethod"

/*
 * Adds a "proof" member to doc (a JSON object without one), signed with sk
 * (libsodium's seed || pk form).  created is an RFC 3339 date-time
 * ("2023-02-24T23:36:38Z"; fraction and numeric offset allowed);
 * verification_method a non-empty URL whose key is sk's public half.
 * 0, or -1 with err and doc unchanged.
 */
int	 dataint_sign(json_t *doc, const uint8_t sk[64],
	    const char *verification_method, const char *created, char *err,
	    size_t errlen);

/*
 * Pieces of a verified proof, borrowed from doc (valid while doc lives and
 * is not modified).  created is NULL when the proof has none.
 */
struct dataint_result {
	const char	*verification_method;
	const char	*created;
	const char	*proof_purpose;
};

/*
 * Verifies doc's single proof against pk: type DataIntegrityProof,
 * cryptosuite eddsa-jcs-2022, string verificationMethod and proofPurpose,
 * well-formed created (if present), proof @context (if present) a prefix
 * of doc's @context, both parts canonicalisable, proofValue "z" + base58btc
 * of 64 bytes, and the Ed25519 signature.  0 when valid; -1 otherwise with
 * a precise reason in err.  res (may be NULL) is filled as far as the proof
 * could be read, also on failure.  doc is not modified.
 * NOT checked here (the caller's policy): that proof_purpose is the one
 * expected, that verification_method belongs to the issuer and maps to
 * pk, and any validity period or status.
 */
int	 dataint_verify(const json_t *doc, const uint8_t pk[32],
	    struct dataint_result *res, char *err, size_t errlen);

/*
 * The 64-byte hashData of doc (without its proof) under proof_config, as
 * both functions above compute it; exposed for tests and diagnostics.
 * Neither argument is modified.  0, or -1 with err.
 */
int	 dataint_hash(const json_t *doc, const json_t *proof_config,
	    uint8_t out[64], char *err, size_t errlen);

#endif
