/*
 * verify_bundle.c: trust bundles (HACKING.md "Trust bundle").  A verifier
 * pins one bundle per issuer, then accepts newer versions only by
 * continuity, as TUF accepts a new root only when the old one vouches for
 * it, with KERI's pre-rotation for changes of keys:
 *   - the same issuer, a higher version, not expired;
 *   - every key of the accepted version still listed, with its public key;
 *   - when the set of keys or the committed nextKeyDigest changes, a proof
 *     by the key whose SHA-256 the accepted version committed to (or, when
 *     it committed to none, by a key it lists as usable);
 *   - otherwise a proof by a key the accepted version lists as active and
 *     not compromised.
 * So a thief of the active key cannot move verifiers to a key of its own.
 */
#include "verify_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "errfmt.h"

/* A bundle whose shape, keys, DID document and own proof checked out. */
struct pbundle {
	const char	*issuer, *name, *country, *expires_s, *next, *vm;
	int64_t		 version;
	struct rfc3339_time expires;
	struct vkey	*keys;
	int		*usable;
	size_t		 nkeys;
	size_t		 signer;	/* index in keys of the proof's key */
	int		 has_log;	/* "log" given: log_origin, log_vk */
	const char	*log_origin;
	struct note_verifier log_vk;
};

static void
pbundle_clear(struct pbundle *b)
{
	for (size_t i = 0; i < b->nkeys; i++)
		vt_key_clear(&b->keys[i]);
	free(b->keys);
	free(b->usable);
	memset(b, 0, sizeof(*b));
}

/* One entry of a bundle's "keys" into k; -1 with err. */
static int
bundle_key(const json_t *e, size_t i, const char *issuer, struct vkey *k,
    int *usable, char *err, size_t errlen)
{
	const char	*id, *mb, *from, *until, *comp, *status;
	uint8_t		 pk[32];
	char		 why[VERIFY_DETAIL_MAX];
	const json_t	*u, *c;

	memset(k, 0, sizeof(*k));
	if (!json_is_object(e)) {
		errfmt(err, errlen, "keys[%zu] is not an object", i);
		return -1;
	}
	id = vt_str(e, "id");
	mb = vt_str(e, "publicKeyMultibase");
	from = vt_str(e, "validFrom");
	status = vt_str(e, "status");
	u = json_object_get(e, "validUntil");
	c = json_object_get(e, "compromisedAt");
	if (id == NULL || mb == NULL || from == NULL) {
		errfmt(err, errlen, "keys[%zu] needs string id, "
		    "publicKeyMultibase and validFrom", i);
		return -1;
	}
	if ((u != NULL && !json_is_null(u) && !json_is_string(u)) ||
	    (c != NULL && !json_is_null(c) && !json_is_string(c))) {
		errfmt(err, errlen, "keys[%zu]: validUntil and compromisedAt "
		    "must be date-time strings or null", i);
		return -1;
	}
	until = json_string_value(u);
	comp = json_string_value(c);
	if (lc_multikey_decode(mb, pk) != 0) {
		errfmt(err, errlen, "keys[%zu]: publicKeyMultibase is not an "
		    "Ed25519 Multikey (z6Mk...)", i);
		return -1;
	}
	if (status != NULL && strcmp(status, "active") != 0 &&
	    strcmp(status, "retired") != 0 &&
	    strcmp(status, "compromised") != 0) {
		errfmt(err, errlen, "keys[%zu]: status \"%s\" is not active, "
		    "retired or compromised", i, status);
		return -1;
	}
	/* Retired without an end would read as never retired: refuse. */
	if (status != NULL && strcmp(status, "retired") == 0 &&
	    until == NULL) {
		errfmt(err, errlen, "keys[%zu]: a retired key needs its "
		    "validUntil", i);
		return -1;
	}
	/* A key said compromised without a date is distrusted for all it
	 * ever signed: nothing tells which signatures came before. */
	if (status != NULL && strcmp(status, "compromised") == 0 &&
	    comp == NULL)
		comp = from;
	*usable = (status == NULL || strcmp(status, "active") == 0) &&
	    until == NULL && comp == NULL;
	if (vt_key_make(k, id, issuer, pk, from, until, comp, why,
	    sizeof(why)) != 0) {
		errfmt(err, errlen, "keys[%zu]: %s", i, why);
		return -1;
	}
	return 0;
}

/*
 * The didDocument must be the issuer's and list exactly the keys of "keys"
 * (same ids and public keys, the issuer as controller, each under
 * assertionMethod): a verifier that resolves the DID trusts the document,
 * this one trusts "keys", and the two must not disagree on any key.
 */
static int
bundle_did_doc(const json_t *bundle, const char *issuer,
    const struct vkey *keys, size_t n, char *err, size_t errlen)
{
	const json_t	*doc = json_object_get(bundle, "didDocument"), *vms, *vm;
	size_t		 i, j;
	uint8_t		 pk[32];

	if (!json_is_object(doc) || vt_str(doc, "id") == NULL ||
	    strcmp(vt_str(doc, "id"), issuer) != 0) {
		errfmt(err, errlen, "didDocument is not the DID document of "
		    "the issuer %s", issuer);
		return -1;
	}
	vms = json_object_get(doc, "verificationMethod");
	if (!json_is_array(vms) || json_array_size(vms) != n) {
		errfmt(err, errlen, "didDocument lists %zu keys, keys lists %zu",
		    json_array_size(vms), n);
		return -1;
	}
	for (j = 0; j < n; j++) {
		const char *mb = NULL, *ctl = NULL;

		vm = NULL;
		json_array_foreach(vms, i, vm) {
			const char *id = vt_str(vm, "id");

			if (id != NULL && strcmp(id, keys[j].vm_id) == 0)
				break;
		}
		if (i == json_array_size(vms)) {
			errfmt(err, errlen, "key %s is not in the didDocument",
			    keys[j].vm_id);
			return -1;
		}
		mb = vt_str(vm, "publicKeyMultibase");
		ctl = vt_str(vm, "controller");
		if (mb == NULL || lc_multikey_decode(mb, pk) != 0 ||
		    !lc_equal(pk, keys[j].pk, sizeof(pk))) {
			errfmt(err, errlen, "didDocument and keys disagree on "
			    "the public key of %s", keys[j].vm_id);
			return -1;
		}
		if (ctl == NULL || strcmp(ctl, issuer) != 0 ||
		    !vt_has_value(json_object_get(doc, "assertionMethod"),
		    keys[j].vm_id)) {
			errfmt(err, errlen, "didDocument does not list %s as an "
			    "assertionMethod controlled by %s", keys[j].vm_id,
			    issuer);
			return -1;
		}
	}
	return 0;
}

/* 1 if s is 64 lowercase hex digits. */
static int
is_digest(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return i == 64;
}

/*
 * The bundle's transparency log, {origin, vkey}, into b (absent or null:
 * none): the origin a valid key name, the vkey an Ed25519 note key.  0,
 * or -1 with err.
 */
static int
bundle_log(const json_t *bundle, struct pbundle *b, char *err,
    size_t errlen)
{
	const json_t	*log = json_object_get(bundle, "log");
	const char	*vkey;
	char		 why[VERIFY_DETAIL_MAX];

	if (log == NULL || json_is_null(log))
		return 0;
	b->log_origin = vt_str(log, "origin");
	vkey = vt_str(log, "vkey");
	if (b->log_origin == NULL || vkey == NULL) {
		errfmt(err, errlen, "trust bundle log must be an object with "
		    "string origin and vkey");
		return -1;
	}
	if (note_check_name(b->log_origin, why, sizeof(why)) != 0) {
		errfmt(err, errlen, "trust bundle log origin: %s", why);
		return -1;
	}
	if (note_vkey_parse(vkey, &b->log_vk, why, sizeof(why)) != 0) {
		errfmt(err, errlen, "trust bundle log vkey: %s", why);
		return -1;
	}
	if (b->log_vk.alg != NOTE_ALG_ED25519) {
		errfmt(err, errlen, "trust bundle log vkey is not an Ed25519 "
		    "note key");
		return -1;
	}
	b->has_log = 1;
	return 0;
}

/* The version, expiry and key commitment of bundle into b. */
static int
bundle_meta(const json_t *bundle, struct pbundle *b, char *err,
    size_t errlen)
{
	const json_t	*v = json_object_get(bundle, "version");
	const json_t	*next = json_object_get(bundle, "nextKeyDigest");
	const json_t	*iss = json_object_get(bundle, "issuer");

	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		errfmt(err, errlen, "trust bundle has no version (an integer "
		    "from 1)");
		return -1;
	}
	b->version = json_integer_value(v);
	b->expires_s = vt_str(bundle, "expires");
	if (b->expires_s == NULL ||
	    rfc3339_parse(b->expires_s, &b->expires) != 0) {
		errfmt(err, errlen, "trust bundle version %lld has no expires "
		    "date-time", (long long)b->version);
		return -1;
	}
	if (!json_is_null(next) && (!json_is_string(next) ||
	    !is_digest(json_string_value(next)))) {
		errfmt(err, errlen, "trust bundle nextKeyDigest must be null "
		    "or 64 lowercase hex digits (SHA-256 of the next key)");
		return -1;
	}
	b->next = json_string_value(next);
	if (bundle_log(bundle, b, err, errlen) != 0)
		return -1;
	b->name = vt_str(iss, "name");
	b->country = vt_str(iss, "country");
	return 0;
}

/*
 * Checks bundle on its own: shape, version, keys, DID document, and its
 * proof by one of the keys it lists, valid when it signed.  Fills b (the
 * caller clears it).  0 or -1 with err.
 */
static int
bundle_parse(const json_t *bundle, struct pbundle *b, char *err,
    size_t errlen)
{
	const json_t	*arr, *e, *proof;
	size_t		 i;

	memset(b, 0, sizeof(*b));
	if (!json_is_object(bundle) || !vt_has_value(json_object_get(bundle,
	    "type"), VERIFY_BUNDLE_TYPE)) {
		errfmt(err, errlen, "not a trust bundle: expected a JSON "
		    "object of type " VERIFY_BUNDLE_TYPE);
		return -1;
	}
	if (!vt_good_id(b->issuer = verify_issuer_id(bundle))) {
		errfmt(err, errlen, "trust bundle has no issuer id");
		return -1;
	}
	if (bundle_meta(bundle, b, err, errlen) != 0)
		return -1;
	arr = json_object_get(bundle, "keys");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > VERIFY_MAX_KEYS) {
		errfmt(err, errlen, "trust bundle keys must be an array of 1 "
		    "to %d keys", VERIFY_MAX_KEYS);
		return -1;
	}
	if ((b->keys = calloc(json_array_size(arr), sizeof(*b->keys))) ==
	    NULL || (b->usable = calloc(json_array_size(arr),
	    sizeof(*b->usable))) == NULL) {
		errfmt(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(arr, i, e) {
		if (bundle_key(e, i, b->issuer, &b->keys[b->nkeys],
		    &b->usable[b->nkeys], err, errlen) != 0)
			return -1;
		b->nkeys++;
		for (size_t j = 0; j + 1 < b->nkeys; j++)
			if (strcmp(b->keys[j].vm_id, b->keys[i].vm_id) == 0) {
				errfmt(err, errlen, "trust bundle lists key %s "
				    "twice", b->keys[j].vm_id);
				return -1;
			}
	}
	if (bundle_did_doc(bundle, b->issuer, b->keys, b->nkeys, err,
	    errlen) != 0)
		return -1;

	/* One proof: a set of proofs could count one key twice. */
	proof = json_object_get(bundle, "proof");
	if (!json_is_object(proof) ||
	    (b->vm = vt_str(proof, "verificationMethod")) == NULL) {
		errfmt(err, errlen, "trust bundle has no single proof with a "
		    "verificationMethod");
		return -1;
	}
	for (b->signer = 0; b->signer < b->nkeys; b->signer++)
		if (strcmp(b->keys[b->signer].vm_id, b->vm) == 0)
			break;
	if (b->signer == b->nkeys) {
		errfmt(err, errlen, "trust bundle is signed by %s, which is "
		    "not one of the keys it lists", b->vm);
		return -1;
	}
	return vt_proof_by_key(bundle, &b->keys[b->signer],
	    "trust bundle proof", err, errlen);
}

/* Makes is the record of the accepted bundle b (is cleared first). */
static int
issuer_set(struct vissuer *is, const struct pbundle *b)
{
	struct vissuer	 n;
	size_t		 i;

	memset(&n, 0, sizeof(n));
	if ((n.did = strdup(b->issuer)) == NULL ||
	    (b->name != NULL && (n.name = strdup(b->name)) == NULL) ||
	    (b->country != NULL && (n.country = strdup(b->country)) == NULL) ||
	    (n.expires_s = strdup(b->expires_s)) == NULL ||
	    (n.keys = calloc(b->nkeys, sizeof(*n.keys))) == NULL)
		goto oom;
	n.version = b->version;
	n.expires = b->expires;
	if (b->next != NULL)
		memcpy(n.next_digest, b->next, 65);
	if (b->has_log) {
		n.has_log = 1;
		snprintf(n.log_origin, sizeof(n.log_origin), "%s",
		    b->log_origin);
		n.log_vk = b->log_vk;
	}
	for (i = 0; i < b->nkeys; i++) {
		if ((n.keys[i].vm_id = strdup(b->keys[i].vm_id)) == NULL)
			goto oom;
		n.nkeys++;
		memcpy(n.keys[i].pk, b->keys[i].pk, 32);
		n.keys[i].usable = b->usable[i];
	}
	vt_issuer_clear(is);
	*is = n;
	return 0;
oom:
	vt_issuer_clear(&n);
	return -1;
}

int
verify_trust_add_bundle(struct verify_trust *t, const json_t *bundle,
    char *err, size_t errlen)
{
	struct pbundle	 b;
	struct vissuer	*is;
	int		 rc = -1;

	assert(t != NULL);
	if (bundle_parse(bundle, &b, err, errlen) != 0)
		goto done;
	if (vt_find_issuer(t, b.issuer) != NULL) {
		errfmt(err, errlen, "a bundle of %s is pinned already: give "
		    "newer ones as updates", b.issuer);
		goto done;
	}
	if (vt_reserve((void **)&t->issuers, &t->capissuers, t->nissuers + 1,
	    sizeof(*t->issuers)) != 0) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	is = &t->issuers[t->nissuers];
	memset(is, 0, sizeof(*is));
	if (issuer_set(is, &b) != 0) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	if (vt_put_keys(t, b.keys, b.nkeys, err, errlen) != 0) {
		vt_issuer_clear(is);
		goto done;
	}
	t->nissuers++;
	rc = 0;
done:
	pbundle_clear(&b);
	return rc;
}

/* The accepted version's key vm, or NULL. */
static const struct vbkey *
issuer_key(const struct vissuer *is, const char *vm)
{
	for (size_t i = 0; i < is->nkeys; i++)
		if (strcmp(is->keys[i].vm_id, vm) == 0)
			return &is->keys[i];
	return NULL;
}

/* 0 when update b may follow the accepted version is; -1 with why. */
static int
continuity(const struct vissuer *is, const struct pbundle *b, time_t now,
    char *why, size_t whylen)
{
	const struct vbkey	*old;
	struct rfc3339_time	 t = { (int64_t)now, 0 };
	uint8_t			 h[32];
	char			 hex[65];
	size_t			 i, added = 0;
	int			 rotation;

	if (b->version <= is->version) {
		errfmt(why, whylen, "version %lld is not newer than the "
		    "accepted version %lld (a rollback or a replay)",
		    (long long)b->version, (long long)is->version);
		return -1;
	}
	if (rfc3339_cmp(&b->expires, &t) <= 0) {
		errfmt(why, whylen, "version %lld expired on %s",
		    (long long)b->version, b->expires_s);
		return -1;
	}
	for (i = 0; i < is->nkeys; i++) {
		size_t j;

		for (j = 0; j < b->nkeys; j++)
			if (strcmp(b->keys[j].vm_id, is->keys[i].vm_id) == 0)
				break;
		if (j == b->nkeys || !lc_equal(b->keys[j].pk, is->keys[i].pk,
		    32)) {
			errfmt(why, whylen, "version %lld drops or changes key "
			    "%s of version %lld", (long long)b->version,
			    is->keys[i].vm_id, (long long)is->version);
			return -1;
		}
	}
	for (i = 0; i < b->nkeys; i++)
		added += issuer_key(is, b->keys[i].vm_id) == NULL;
	rotation = added > 0 || strcmp(is->next_digest,
	    b->next != NULL ? b->next : "") != 0;
	if (rotation && is->next_digest[0] != '\0') {
		lc_sha256(b->keys[b->signer].pk, 32, h);
		lc_hex(h, sizeof(h), hex);
		if (strcmp(hex, is->next_digest) != 0) {
			errfmt(why, whylen, "version %lld changes the keys but "
			    "is signed by %s, not by the key version %lld "
			    "committed to (nextKeyDigest %.16s...)",
			    (long long)b->version, b->vm,
			    (long long)is->version, is->next_digest);
			return -1;
		}
		return 0;
	}
	old = issuer_key(is, b->vm);
	if (old == NULL || !old->usable) {
		errfmt(why, whylen, "version %lld is signed by %s, which "
		    "version %lld does not list as active and not "
		    "compromised", (long long)b->version, b->vm,
		    (long long)is->version);
		return -1;
	}
	return 0;
}

int
verify_trust_update_bundle(struct verify_trust *t, const json_t *bundle,
    time_t now, char *err, size_t errlen)
{
	struct pbundle	 b;
	struct vissuer	*is = NULL, n;
	char		 why[VERIFY_DETAIL_MAX];
	int		 rc = -1;

	assert(t != NULL);
	memset(&n, 0, sizeof(n));
	if (bundle_parse(bundle, &b, why, sizeof(why)) != 0) {
		/* A malformed update still names whom it claims to update. */
		if (vt_good_id(verify_issuer_id(bundle)))
			is = vt_find_issuer(t, verify_issuer_id(bundle));
		goto refused;
	}
	if ((is = vt_find_issuer(t, b.issuer)) == NULL) {
		errfmt(why, sizeof(why), "no bundle of %s is pinned (an update "
		    "of another authority)", b.issuer);
		goto refused;
	}
	if (continuity(is, &b, now, why, sizeof(why)) != 0)
		goto refused;
	if (issuer_set(&n, &b) != 0) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	if (vt_put_keys(t, b.keys, b.nkeys, why, sizeof(why)) != 0)
		goto refused;
	/* A refusal stands: a later good update does not erase it. */
	n.refused = is->refused;
	is->refused = NULL;
	vt_issuer_clear(is);
	*is = n;
	memset(&n, 0, sizeof(n));
	rc = 0;
	goto done;
refused:
	errfmt(err, errlen, "%s", why);
	if (is != NULL && is->refused == NULL)
		is->refused = strdup(why);
done:
	vt_issuer_clear(&n);
	pbundle_clear(&b);
	return rc;
}

int
verify_bundle_version(const json_t *bundle, const char **issuer,
    int64_t *version)
{
	const json_t *v = json_object_get(bundle, "version");

	*issuer = verify_issuer_id(bundle);
	*version = json_is_integer(v) ? json_integer_value(v) : 0;
	return *issuer != NULL && *version >= 1 ? 0 : -1;
}

json_t *
verify_trust_issuers(const struct verify_trust *t)
{
	json_t	*arr = json_array(), *e;

	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < t->nissuers; i++) {
		const struct vissuer *is = &t->issuers[i];

		e = json_pack("{s:s, s:s?, s:s?, s:I, s:s, s:s?}", "id",
		    is->did, "name", is->name, "country", is->country,
		    "version", (json_int_t)is->version, "expires",
		    is->expires_s, "refused", is->refused);
		if (e == NULL || json_array_append_new(arr, e) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
