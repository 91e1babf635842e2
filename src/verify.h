/*
 * verify.h: verification of labeld credentials (labels, and any VC 2.0
 * secured with eddsa-jcs-2022) against a trust store.  Used by the daemon
 * (POST /v1/verify) and by the standalone labelverify(1).
 *
 * Part of libverify.a: libc, jansson, libsodium (through crypto.c), zlib
 * (through bitstring.c), jcs.c, dataint.c, rfc3339.c.  No SQLite, no HTTP.
 *
 * A trust store holds Ed25519 keys, each with the DID that controls it and
 * the period it may sign in; the issuers pinned through signed trust
 * bundles, at the last version accepted by continuity; and decoded status
 * lists, accepted only when signed by a key already in the store.
 *
 * verify_credential answers these checks, always all of them, in this
 * order (VERIFY_NCHECKS), each {check, code, ok, detail}; a passing check
 * has code "ok" (or "status_skipped" or "log_skipped", the explicit
 * opt-outs), a failing one
 * the code named here, or "not_checked" when an earlier fault kept it
 * from running (its detail then starts "not checked: "):
 *   format     VC 2.0 shape: type includes VerifiableCredential, issuer,
 *              credentialSubject, well-formed credentialStatus entries, a
 *              single proof object                         bad_format
 *   context    @context is exactly contexts labeld issues, the VC 2.0 one
 *              first (eddsa-jcs-2022 leaves them unsigned)  unknown_context
 *   canonical  the credential has an RFC 8785 form (no integer beyond
 *              2^53-1, also not as a real such as 1e20, no non-finite
 *              number, valid UTF-8, ...)                     not_canonical
 *   issuer     the issuer is trusted, its pinned bundle not expired
 *              (bundle_expired) and no update of it refused (bundle_refused);
 *              proof.verificationMethod is a trusted key of that issuer
 *                                               unknown_issuer, unknown_key
 *   signature  the eddsa-jcs-2022 proof verifies with that key, with
 *              proofPurpose assertionMethod                 bad_signature
 *   key        proof.created lies in the key's validity (validFrom <=
 *              created <= validUntil when retired: stamps are whole
 *              seconds, and the retired key signed nothing after its
 *              rotation) and strictly before its compromisedAt; and,
 *              when a log proof names the credential, the leaf's time
 *              too strictly before compromisedAt (the log fixes when it
 *              was issued, whatever proof.created claims)
 *                                             key_not_valid, key_compromised
 *   validity   validFrom <= at <= validUntil    not_yet_valid, expired
 *   status     every BitstringStatusListEntry's list was given, is the
 *              issuer's, is fresh at `at` (not past its validUntil, nor
 *              older than max_status_age) and its bit is clear
 *                 revoked, suspended, status_stale, status_unchecked;
 *              with no_status: ok with code status_skipped
 *   log        the log proof whose leaf names the credential's labelId
 *              (opts.log_proofs, each the answer of GET
 *              /v1/labels/{id}/proof): an issue leaf whose
 *              credential_sha256 is SHA-256 of the credential's RFC 8785
 *              form, its inclusion proof reaching the root of the
 *              checkpoint, of tree_size leaves, whose origin is the
 *              issuer's log.origin and whose note verifies with its
 *              log.vkey (the pinned bundle's)               bad_log_proof;
 *              and, given older checkpoints of that log (log_since), a
 *              consistency proof (log_consistency) that one tree is a
 *              prefix of the other, equal roots at equal sizes
 *                                                        log_inconsistent;
 *              and, given witnesses, cosignatures on the checkpoint by
 *              at least quorum of them               log_not_witnessed;
 *              no proof: ok with code log_skipped, or not_logged with
 *              require_log; online (log_online): log_skipped
 */
#ifndef LABELD_VERIFY_H
#define LABELD_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "note.h"
#include "tlog.h"

#define VERIFY_NCHECKS		9
/* Keys in one trust store, and in one trust bundle. */
#define VERIFY_MAX_KEYS		1024
/* Status lists in one trust store. */
#define VERIFY_MAX_LISTS	256
/* Status entries read from one credential. */
#define VERIFY_MAX_STATUS	16
/* Longest key id, DID or list URL accepted (bytes). */
#define VERIFY_MAX_ID		2048
/* Log proofs in one verification (opts.log_proofs). */
#define VERIFY_MAX_PROOFS	256
/* Longest decoded leaf of a log proof (bytes). */
#define VERIFY_MAX_LEAF		TLOG_MAX_ENTRY
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
 * Pins a trust bundle (HACKING.md "Trust bundle"): checks its shape, its
 * version, expires and nextKeyDigest, that its keys match its DID
 * document, and its own eddsa-jcs-2022 proof, made by one of the keys it
 * lists within that key's validity; then trusts its keys and records its
 * issuer at that version.  The bundle is self-signed: deciding to trust
 * it is the caller's act.  One bundle per issuer (newer ones are updates).
 * An expired bundle is pinned all the same: its issuer's credentials fail
 * with bundle_expired until an update is accepted.  All or nothing: on -1
 * (reason in err) the store is unchanged.
 */
int	 verify_trust_add_bundle(struct verify_trust *, const json_t *bundle,
	    char *err, size_t errlen);

/*
 * Accepts a newer version of a pinned issuer's bundle by continuity (see
 * verify_bundle.c): the same issuer, a higher version, not expired at
 * now, every accepted key still listed, and a proof by the key the
 * accepted version committed to (when keys or the commitment change) or
 * by a key it lists as active and not compromised.  Updates of one
 * issuer must be given in version order.  On acceptance its keys join the
 * store (0).  On refusal, -1 with the reason in err; the accepted version
 * stays, and the issuer's credentials fail with bundle_refused from then
 * on (fail closed: someone offered a bundle that does not follow).
 */
int	 verify_trust_update_bundle(struct verify_trust *, const json_t *bundle,
	    time_t now, char *err, size_t errlen);

/*
 * The issuer id and version of a bundle, to order updates.  0, or -1 when
 * it has no issuer or no version of at least 1.
 */
int	 verify_bundle_version(const json_t *bundle, const char **issuer,
	    int64_t *version);

/*
 * The pinned issuers: [{id, name, country, version, expires, refused}]
 * (name, country and refused null when absent).  New reference, NULL on
 * OOM.
 */
json_t	*verify_trust_issuers(const struct verify_trust *);

/*
 * Adds a Bitstring Status List credential after checking its shape and its
 * proof against the keys already trusted (trusted key, controller equal to
 * the list's issuer, signature, key valid when it signed), and decoding its
 * encodedList.  It is found later by its "id" URL (what credentials name in
 * statusListCredential) and its issuer; of two copies of one list the one
 * with the later validFrom is kept.  0, or -1 with a reason in err.
 */
int	 verify_trust_add_status_list(struct verify_trust *,
	    const json_t *list_cred, char *err, size_t errlen);

/* Number of keys and of status lists in the store. */
size_t	 verify_trust_nkeys(const struct verify_trust *);
size_t	 verify_trust_nlists(const struct verify_trust *);

/*
 * The issuer id of a credential or bundle: "issuer" as a string, or its
 * object's "id"; NULL when absent, empty or not a string.  Borrowed from
 * doc.
 */
const char *verify_issuer_id(const json_t *doc);

/* How to verify. */
struct verify_opts {
	time_t	 at;		/* the credential's time: validity, status */
	time_t	 now;		/* the verifier's clock: bundle expiry */
	int	 no_status;	/* skip the status check (status_skipped) */
	int64_t	 max_status_age; /* seconds from a list's validFrom; 0: none */
	const json_t *log_proofs; /* array of label proofs, or NULL: none */
	int	 require_log;	/* no proof for the label: not_logged */
	int	 log_online;	/* POST /v1/verify: the log check is skipped */
	/* checkpoint note strings seen before (labelverify --since), or NULL */
	const json_t *log_since;
	/* consistency proofs {first, second, hashes} (--consistency), or NULL */
	const json_t *log_consistency;
	/* witness keys (NOTE_ALG_COSIGNATURE) and how many must cosign */
	const struct note_verifier *witnesses;
	size_t	 nwitnesses;
	size_t	 quorum;
};

/*
 * Runs every check on cred.  Returns a new array [{check, code, ok,
 * detail}] of VERIFY_NCHECKS objects in the order above (the caller owns
 * it), and sets *verified (if non-NULL) to 1 when every check is ok, else
 * 0.  NULL only when out of memory.  cred is not modified.
 */
json_t	*verify_credential(const struct verify_trust *, const json_t *cred,
	    const struct verify_opts *, int *verified);

#endif
