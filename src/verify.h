/*
 * verify.h: verification of labeld credentials (labels, and any VC 2.0
 * secured with eddsa-jcs-2022) against a trust store.  Used by the daemon
 * (POST /v1/verify) and by the standalone labelverify(1).
 *
 * Part of libverify.a: libc, jansson, libsodium (through crypto.c), zlib
 * (through bitstring.c), jcs.c, dataint.c.  No SQLite, no HTTP.
 *
 * A trust store holds Ed25519 keys, each with the DID that controls it and
 * the period it may sign in, and decoded status lists.  Keys come from the
 * caller (the daemon's own key table) or from signed trust bundles; status
 * lists are accepted only when signed by a key already in the store.
 *
 * verify_credential answers these checks, always all of them, in this
 * order (VERIFY_NCHECKS):
 *   format     VC 2.0 shape: @context array starting with the v2 context,
 *              type includes VerifiableCredential, issuer, credentialSubject,
 *              well-formed credentialStatus entries, a single proof object
 *   canonical  the credential has an RFC 8785 form (no integer beyond
 *              2^53-1, also not as a real such as 1e20, no non-finite
 *              number, valid UTF-8, ...)
 *   issuer     proof.verificationMethod is a trusted key whose controller
 *              is the credential's issuer
 *   signature  the eddsa-jcs-2022 proof verifies with that key, with
 *              proofPurpose assertionMethod
 *   key        proof.created lies in the key's validity (validFrom <=
 *              created <= validUntil when retired: stamps are whole
 *              seconds, and the retired key signed nothing after its
 *              rotation) and strictly before its compromisedAt
 *   validity   validFrom <= at <= validUntil (absent bounds are open)
 *   status     for every BitstringStatusListEntry whose list is loaded:
 *              the list is the issuer's, of the same purpose, not expired at
 *              `at`, and the bit is clear; ok ("not checked: ...") when no
 *              list of the credential is loaded
 * A check that cannot run because of an earlier fault fails with a detail
 * that starts "not checked: ", so that nothing unverified is reported ok.
 */
#ifndef LABELD_VERIFY_H
#define LABELD_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#define VERIFY_NCHECKS		7
/* Keys in one trust store, and in one trust bundle. */
#define VERIFY_MAX_KEYS		1024
/* Status lists in one trust store. */
#define VERIFY_MAX_LISTS	256
/* Status entries read from one credential. */
#define VERIFY_MAX_STATUS	16
/* Longest key id, DID or list URL accepted (bytes). */
#define VERIFY_MAX_ID		2048
/* Longest detail text of one check (bytes, NUL included). */
#define VERIFY_DETAIL_MAX	768

#define VERIFY_VC2_CONTEXT	"https://www.w3.org/ns/credentials/v2"
#define VERIFY_BUNDLE_TYPE	"LabeldTrustBundle"

struct verify_trust;

/* An empty trust store (nothing trusted); NULL on OOM. */
struct verify_trust *verify_trust_new(void);

/* Frees the store and everything in it; NULL is fine. */
void	 verify_trust_free(struct verify_trust *);

/*
 * Trusts pk as vm_id ("<did>#<key id>"), controlled by controller (the
 * DID; vm_id must start with controller + "#").  valid_from, valid_until
 * (the key's retirement) and compromised_at are RFC 3339 date-times or NULL
 * for none.  Adding a vm_id again with the same pk merges the two records
 * keeping the stricter bounds (a later bundle may mark a key compromised);
 * with another pk it is refused.  0, or -1 with a reason in err.
 */
int	 verify_trust_add_key(struct verify_trust *, const char *vm_id,
	    const char *controller, const uint8_t pk[32],
	    const char *valid_from, const char *valid_until,
	    const char *compromised_at, char *err, size_t errlen);

/*
 * Adds the keys of a trust bundle (HACKING.md "Trust bundle") after
 * checking its shape and its own eddsa-jcs-2022 proof, which must be made
 * by one of the keys it lists, within that key's validity.  The bundle is
 * self-signed: deciding to trust it (pinning) is the caller's act.  All or
 * nothing: on -1 (reason in err) the store is unchanged.
 */
int	 verify_trust_add_bundle(struct verify_trust *, const json_t *bundle,
	    char *err, size_t errlen);

/*
 * Adds a Bitstring Status List credential after checking its shape and its
 * proof against the keys already trusted (trusted key, controller equal to
 * the list's issuer, signature, key valid when it signed), and decoding its
 * encodedList.  It is found later by its "id" URL (what credentials name in
 * statusListCredential); of two lists with the same id the one with the
 * later validFrom is kept.  0, or -1 with a reason in err.
 */
int	 verify_trust_add_status_list(struct verify_trust *,
	    const json_t *list_cred, char *err, size_t errlen);

/* Number of keys and of status lists in the store. */
size_t	 verify_trust_nkeys(const struct verify_trust *);
size_t	 verify_trust_nlists(const struct verify_trust *);

/*
 * Runs every check on cred at time `at`.  Returns a new array
 * [{check, ok, detail}] of VERIFY_NCHECKS objects in the order above (the
 * caller owns it), and sets *verified (if non-NULL) to 1 when every check
 * is ok, else 0.  NULL only when out of memory.  cred is not modified.
 */
json_t	*verify_credential(const struct verify_trust *, const json_t *cred,
	    time_t at, int *verified);

#endif
