/*
 * verify.c: trust store and credential checks, see verify.h.
 */
#include "verify.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitstring.h"
#include "crypto.h"
#include "dataint.h"
#include "jcs.h"
#include "rfc3339.h"

/* Longest statusListIndex accepted (digits): lists hold at most
 * BITSTRING_MAX_BYTES * 8 = 2^27 entries, nine digits. */
#define VERIFY_MAX_INDEX_DIGITS	9

struct vkey {
	char		*vm_id;
	char		*controller;
	uint8_t		 pk[32];
	int		 has_from, has_until, has_comp;
	struct rfc3339_time	 from, until, comp;
	char		*from_s, *until_s, *comp_s;	/* as given */
};

struct vlist {
	char		*id;
	char		*issuer;
	json_t		*purposes;	/* array of strings */
	uint8_t		*bits;
	size_t		 nbytes;
	int		 has_from, has_until;
	struct rfc3339_time	 from, until;
	char		*until_s;
};

struct verify_trust {
	struct vkey	*keys;
	size_t		 nkeys, capkeys;
	struct vlist	*lists;
	size_t		 nlists, caplists;
};

/* A bounded text buffer that collects "; "-separated phrases. */
struct detail {
	char		 buf[VERIFY_DETAIL_MAX];
	size_t		 len;
	int		 n;
};

/* State of one verify_credential run. */
struct vrun {
	const struct verify_trust *trust;
	const json_t	*cred;
	time_t		 at;
	char		 at_s[RFC3339_BUFLEN];
	const char	*issuer;	/* issuer id, NULL when absent */
	const json_t	*proof;		/* a proof object, NULL when none */
	const char	*vm;		/* its verificationMethod */
	const struct vkey *key;		/* the trusted key it names */
	json_t		*checks;
	int		 all_ok;
	int		 oom;
};

static void	 seterr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 detail_add(struct detail *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 add_check(struct vrun *, const char *, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
detail_add(struct detail *d, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (d->len + 1 >= sizeof(d->buf))
		return;
	if (d->n++ > 0) {
		n = snprintf(d->buf + d->len, sizeof(d->buf) - d->len, "; ");
		d->len += (size_t)n;
		if (d->len >= sizeof(d->buf)) {
			d->len = sizeof(d->buf) - 1;
			return;
		}
	}
	va_start(ap, fmt);
	n = vsnprintf(d->buf + d->len, sizeof(d->buf) - d->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	d->len += (size_t)n;
	if (d->len >= sizeof(d->buf))
		d->len = sizeof(d->buf) - 1;
}

/* ---- small JSON readers ---- */

/* The issuer id: the string, or the object's "id"; NULL otherwise. */
static const char *
issuer_id(const json_t *doc)
{
	const json_t *iss = json_object_get(doc, "issuer");

	if (json_is_object(iss))
		iss = json_object_get(iss, "id");
	if (!json_is_string(iss) || json_string_length(iss) == 0)
		return NULL;
	return json_string_value(iss);
}

/* 1 if v is the string name or an array holding it. */
static int
has_value(const json_t *v, const char *name)
{
	size_t		 i;
	const json_t	*e;

	if (json_is_string(v))
		return strcmp(json_string_value(v), name) == 0;
	json_array_foreach(v, i, e)
		if (json_is_string(e) &&
		    strcmp(json_string_value(e), name) == 0)
			return 1;
	return 0;
}

static const char *
str_member(const json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* 1 if s is a non-empty string of at most VERIFY_MAX_ID bytes. */
static int
good_id(const char *s)
{
	return s != NULL && s[0] != '\0' && strlen(s) <= VERIFY_MAX_ID;
}

/* ---- keys ---- */

static void
vkey_clear(struct vkey *k)
{
	free(k->vm_id);
	free(k->controller);
	free(k->from_s);
	free(k->until_s);
	free(k->comp_s);
	memset(k, 0, sizeof(*k));
}

static const struct vkey *
find_key(const struct verify_trust *t, const char *vm)
{
	for (size_t i = 0; i < t->nkeys; i++)
		if (strcmp(t->keys[i].vm_id, vm) == 0)
			return &t->keys[i];
	return NULL;
}

/* Reads an optional time: NULL → absent; else RFC 3339 or -1. */
static int
opt_time(const char *s, int *has, struct rfc3339_time *t, char **copy)
{
	*has = 0;
	*copy = NULL;
	if (s == NULL)
		return 0;
	if (rfc3339_parse(s, t) != 0)
		return -1;
	if ((*copy = strdup(s)) == NULL)
		return -1;
	*has = 1;
	return 0;
}

/* Fills k (owning its strings) from the arguments; -1 with err. */
static int
vkey_make(struct vkey *k, const char *vm_id, const char *controller,
    const uint8_t pk[32], const char *from, const char *until,
    const char *comp, char *err, size_t errlen)
{
	size_t clen;

	memset(k, 0, sizeof(*k));
	if (!good_id(vm_id) || !good_id(controller)) {
		seterr(err, errlen, "key id and controller must be non-empty "
		    "strings of at most %d bytes", VERIFY_MAX_ID);
		return -1;
	}
	clen = strlen(controller);
	if (strncmp(vm_id, controller, clen) != 0 || vm_id[clen] != '#' ||
	    vm_id[clen + 1] == '\0') {
		seterr(err, errlen, "key id %s is not of the form %s#<key id>",
		    vm_id, controller);
		return -1;
	}
	memcpy(k->pk, pk, sizeof(k->pk));
	if ((k->vm_id = strdup(vm_id)) == NULL ||
	    (k->controller = strdup(controller)) == NULL) {
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	if (opt_time(from, &k->has_from, &k->from, &k->from_s) != 0) {
		seterr(err, errlen, "key %s: validFrom \"%s\" is not an RFC "
		    "3339 date-time", vm_id, from);
		goto fail;
	}
	if (opt_time(until, &k->has_until, &k->until, &k->until_s) != 0) {
		seterr(err, errlen, "key %s: validUntil \"%s\" is not an RFC "
		    "3339 date-time", vm_id, until);
		goto fail;
	}
	if (opt_time(comp, &k->has_comp, &k->comp, &k->comp_s) != 0) {
		seterr(err, errlen, "key %s: compromisedAt \"%s\" is not an "
		    "RFC 3339 date-time", vm_id, comp);
		goto fail;
	}
	return 0;
fail:
	vkey_clear(k);
	return -1;
}

/* 0 if k may join t (new, or the same key again); -1 with err. */
static int
key_conflict(const struct verify_trust *t, const struct vkey *k, char *err,
    size_t errlen)
{
	const struct vkey *old = find_key(t, k->vm_id);

	if (old == NULL)
		return 0;
	if (!lc_equal(old->pk, k->pk, sizeof(k->pk))) {
		seterr(err, errlen, "key %s is already trusted with another "
		    "public key", k->vm_id);
		return -1;
	}
	if (strcmp(old->controller, k->controller) != 0) {
		seterr(err, errlen, "key %s is already trusted under "
		    "controller %s", k->vm_id, old->controller);
		return -1;
	}
	return 0;
}

/* Keeps in *dst the stricter of two bounds: later when later != 0. */
static void
merge_bound(int *has, struct rfc3339_time *t, char **s, int ohas,
    const struct rfc3339_time *ot, char **os, int later)
{
	int take;

	if (!ohas)
		return;
	take = !*has || (later ? rfc3339_cmp(ot, t) > 0 : rfc3339_cmp(ot, t) < 0);
	if (!take)
		return;
	free(*s);
	*has = 1;
	*t = *ot;
	*s = *os;
	*os = NULL;
}

static int
reserve(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t	 ncap;
	void	*p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	if ((p = realloc(*arr, ncap * size)) == NULL)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Moves k into t (merging with an equal key); the capacity for one more
 * key is reserved and key_conflict() passed, so this cannot fail. */
static void
put_key(struct verify_trust *t, struct vkey *k)
{
	struct vkey *old = (struct vkey *)find_key(t, k->vm_id);

	if (old == NULL) {
		assert(t->nkeys < t->capkeys);
		t->keys[t->nkeys++] = *k;
		memset(k, 0, sizeof(*k));
		return;
	}
	merge_bound(&old->has_from, &old->from, &old->from_s, k->has_from,
	    &k->from, &k->from_s, 1);
	merge_bound(&old->has_until, &old->until, &old->until_s, k->has_until,
	    &k->until, &k->until_s, 0);
	merge_bound(&old->has_comp, &old->comp, &old->comp_s, k->has_comp,
	    &k->comp, &k->comp_s, 0);
	vkey_clear(k);
}

/* 0 if the key may sign at `created`; -1 with why naming the dates. */
static int
key_valid_at(const struct vkey *k, const char *created_s, char *why,
    size_t whylen)
{
	struct rfc3339_time created;

	if (created_s == NULL) {
		seterr(why, whylen, "the proof has no created time, so the "
		    "key's validity when it signed cannot be known");
		return -1;
	}
	if (rfc3339_parse(created_s, &created) != 0) {
		seterr(why, whylen, "proof created \"%s\" is not an RFC 3339 "
		    "date-time", created_s);
		return -1;
	}
	if (k->has_from && rfc3339_cmp(&created, &k->from) < 0) {
		seterr(why, whylen, "signed %s, before key %s became valid "
		    "on %s", created_s, k->vm_id, k->from_s);
		return -1;
	}
	if (k->has_comp && rfc3339_cmp(&created, &k->comp) >= 0) {
		seterr(why, whylen, "signed %s, after key %s was compromised "
		    "on %s", created_s, k->vm_id, k->comp_s);
		return -1;
	}
	/* Inclusive: created and the retirement are often stamped in the
	 * same second, and a retired key never signs after its rotation.
	 * A compromise is no such formality: that bound stays strict. */
	if (k->has_until && rfc3339_cmp(&created, &k->until) > 0) {
		seterr(why, whylen, "signed %s, after key %s was retired on %s",
		    created_s, k->vm_id, k->until_s);
		return -1;
	}
	seterr(why, whylen, "signed %s by key %s, valid from %s%s%s%s%s",
	    created_s, k->vm_id, k->has_from ? k->from_s : "the start",
	    k->has_until ? " until " : "",
	    k->has_until ? k->until_s : " (active)",
	    k->has_comp ? ", compromised on " : "",
	    k->has_comp ? k->comp_s : "");
	return 0;
}

struct verify_trust *
verify_trust_new(void)
{
	return calloc(1, sizeof(struct verify_trust));
}

static void
vlist_clear(struct vlist *l)
{
	free(l->id);
	free(l->issuer);
	json_decref(l->purposes);
	free(l->bits);
	free(l->until_s);
	memset(l, 0, sizeof(*l));
}

void
verify_trust_free(struct verify_trust *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nkeys; i++)
		vkey_clear(&t->keys[i]);
	for (size_t i = 0; i < t->nlists; i++)
		vlist_clear(&t->lists[i]);
	free(t->keys);
	free(t->lists);
	free(t);
}

size_t
verify_trust_nkeys(const struct verify_trust *t)
{
	return t->nkeys;
}

size_t
verify_trust_nlists(const struct verify_trust *t)
{
	return t->nlists;
}

int
verify_trust_add_key(struct verify_trust *t, const char *vm_id,
    const char *controller, const uint8_t pk[32], const char *valid_from,
    const char *valid_until, const char *compromised_at, char *err,
    size_t errlen)
{
	struct vkey k;

	assert(t != NULL && pk != NULL);
	if (vkey_make(&k, vm_id, controller, pk, valid_from, valid_until,
	    compromised_at, err, errlen) != 0)
		return -1;
	if (key_conflict(t, &k, err, errlen) != 0)
		goto fail;
	if (find_key(t, vm_id) == NULL && t->nkeys >= VERIFY_MAX_KEYS) {
		seterr(err, errlen, "more than %d trusted keys",
		    VERIFY_MAX_KEYS);
		goto fail;
	}
	if (reserve((void **)&t->keys, &t->capkeys, t->nkeys + 1,
	    sizeof(*t->keys)) != 0) {
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	put_key(t, &k);
	return 0;
fail:
	vkey_clear(&k);
	return -1;
}

/* ---- proofs made by trusted keys ---- */

/*
 * Checks doc's proof with key k: signature, assertionMethod purpose, and
 * k valid when it signed.  what names doc in messages.  0 or -1 with err.
 */
static int
proof_by_key(const json_t *doc, const struct vkey *k, const char *what,
    char *err, size_t errlen)
{
	struct dataint_result	 res;
	char			 why[VERIFY_DETAIL_MAX];

	if (dataint_verify(doc, k->pk, &res, why, sizeof(why)) != 0) {
		seterr(err, errlen, "%s: %s", what, why);
		return -1;
	}
	if (strcmp(res.proof_purpose, DATAINT_PURPOSE) != 0) {
		seterr(err, errlen, "%s: proofPurpose is \"%s\", expected "
		    DATAINT_PURPOSE, what, res.proof_purpose);
		return -1;
	}
	if (key_valid_at(k, res.created, why, sizeof(why)) != 0) {
		seterr(err, errlen, "%s: %s", what, why);
		return -1;
	}
	return 0;
}

/* ---- trust bundles ---- */

/* One entry of a bundle's "keys" into k; -1 with err. */
static int
bundle_key(const json_t *e, size_t i, const char *issuer, struct vkey *k,
    char *err, size_t errlen)
{
	const char	*id, *mb, *from, *until, *comp, *status;
	uint8_t		 pk[32];
	char		 why[VERIFY_DETAIL_MAX];
	const json_t	*u, *c;

	memset(k, 0, sizeof(*k));
	if (!json_is_object(e)) {
		seterr(err, errlen, "keys[%zu] is not an object", i);
		return -1;
	}
	id = str_member(e, "id");
	mb = str_member(e, "publicKeyMultibase");
	from = str_member(e, "validFrom");
	status = str_member(e, "status");
	u = json_object_get(e, "validUntil");
	c = json_object_get(e, "compromisedAt");
	if (id == NULL || mb == NULL || from == NULL) {
		seterr(err, errlen, "keys[%zu] needs string id, "
		    "publicKeyMultibase and validFrom", i);
		return -1;
	}
	if ((u != NULL && !json_is_null(u) && !json_is_string(u)) ||
	    (c != NULL && !json_is_null(c) && !json_is_string(c))) {
		seterr(err, errlen, "keys[%zu]: validUntil and compromisedAt "
		    "must be date-time strings or null", i);
		return -1;
	}
	until = json_string_value(u);
	comp = json_string_value(c);
	if (lc_multikey_decode(mb, pk) != 0) {
		seterr(err, errlen, "keys[%zu]: publicKeyMultibase is not an "
		    "Ed25519 Multikey (z6Mk...)", i);
		return -1;
	}
	if (status != NULL && strcmp(status, "active") != 0 &&
	    strcmp(status, "retired") != 0 &&
	    strcmp(status, "compromised") != 0) {
		seterr(err, errlen, "keys[%zu]: status \"%s\" is not active, "
		    "retired or compromised", i, status);
		return -1;
	}
	/* Retired without an end would read as never retired: refuse. */
	if (status != NULL && strcmp(status, "retired") == 0 &&
	    until == NULL) {
		seterr(err, errlen, "keys[%zu]: a retired key needs its "
		    "validUntil", i);
		return -1;
	}
	/* A key said compromised without a date is distrusted for all it
	 * ever signed: nothing tells which signatures came before. */
	if (status != NULL && strcmp(status, "compromised") == 0 &&
	    comp == NULL)
		comp = from;
	if (vkey_make(k, id, issuer, pk, from, until, comp, why,
	    sizeof(why)) != 0) {
		seterr(err, errlen, "keys[%zu]: %s", i, why);
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

	if (!json_is_object(doc) || str_member(doc, "id") == NULL ||
	    strcmp(str_member(doc, "id"), issuer) != 0) {
		seterr(err, errlen, "didDocument is not the DID document of "
		    "the issuer %s", issuer);
		return -1;
	}
	vms = json_object_get(doc, "verificationMethod");
	if (!json_is_array(vms) || json_array_size(vms) != n) {
		seterr(err, errlen, "didDocument lists %zu keys, keys lists %zu",
		    json_array_size(vms), n);
		return -1;
	}
	for (j = 0; j < n; j++) {
		const char *mb = NULL, *ctl = NULL;

		vm = NULL;
		json_array_foreach(vms, i, vm) {
			const char *id = str_member(vm, "id");

			if (id != NULL && strcmp(id, keys[j].vm_id) == 0)
				break;
		}
		if (i == json_array_size(vms)) {
			seterr(err, errlen, "key %s is not in the didDocument",
			    keys[j].vm_id);
			return -1;
		}
		mb = str_member(vm, "publicKeyMultibase");
		ctl = str_member(vm, "controller");
		if (mb == NULL || lc_multikey_decode(mb, pk) != 0 ||
		    !lc_equal(pk, keys[j].pk, sizeof(pk))) {
			seterr(err, errlen, "didDocument and keys disagree on "
			    "the public key of %s", keys[j].vm_id);
			return -1;
		}
		if (ctl == NULL || strcmp(ctl, issuer) != 0 ||
		    !has_value(json_object_get(doc, "assertionMethod"),
		    keys[j].vm_id)) {
			seterr(err, errlen, "didDocument does not list %s as an "
			    "assertionMethod controlled by %s", keys[j].vm_id,
			    issuer);
			return -1;
		}
	}
	return 0;
}

int
verify_trust_add_bundle(struct verify_trust *t, const json_t *bundle,
    char *err, size_t errlen)
{
	const json_t	*arr, *e, *proof;
	const char	*issuer, *vm;
	struct vkey	*keys = NULL;
	const struct vkey *signer = NULL;
	size_t		 n = 0, i, fresh = 0;
	int		 rc = -1;

	assert(t != NULL);
	if (!json_is_object(bundle) ||
	    !has_value(json_object_get(bundle, "type"), VERIFY_BUNDLE_TYPE)) {
		seterr(err, errlen, "not a trust bundle: expected a JSON "
		    "object of type " VERIFY_BUNDLE_TYPE);
		return -1;
	}
	if (!good_id(issuer = issuer_id(bundle))) {
		seterr(err, errlen, "trust bundle has no issuer id");
		return -1;
	}
	arr = json_object_get(bundle, "keys");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > VERIFY_MAX_KEYS) {
		seterr(err, errlen, "trust bundle keys must be an array of 1 "
		    "to %d keys", VERIFY_MAX_KEYS);
		return -1;
	}
	if ((keys = calloc(json_array_size(arr), sizeof(*keys))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(arr, i, e) {
		if (bundle_key(e, i, issuer, &keys[n], err, errlen) != 0)
			goto done;
		n++;
		for (size_t j = 0; j + 1 < n; j++)
			if (strcmp(keys[j].vm_id, keys[n - 1].vm_id) == 0) {
				seterr(err, errlen, "trust bundle lists key %s "
				    "twice", keys[j].vm_id);
				goto done;
			}
	}
	if (bundle_did_doc(bundle, issuer, keys, n, err, errlen) != 0)
		goto done;

	proof = json_object_get(bundle, "proof");
	vm = str_member(proof, "verificationMethod");
	if (!json_is_object(proof) || vm == NULL) {
		seterr(err, errlen, "trust bundle has no proof with a "
		    "verificationMethod");
		goto done;
	}
	for (i = 0; i < n && signer == NULL; i++)
		if (strcmp(keys[i].vm_id, vm) == 0)
			signer = &keys[i];
	if (signer == NULL) {
		seterr(err, errlen, "trust bundle is signed by %s, which is "
		    "not one of the keys it lists", vm);
		goto done;
	}
	if (proof_by_key(bundle, signer, "trust bundle proof", err,
	    errlen) != 0)
		goto done;

	for (i = 0; i < n; i++) {
		if (key_conflict(t, &keys[i], err, errlen) != 0)
			goto done;
		fresh += find_key(t, keys[i].vm_id) == NULL;
	}
	if (t->nkeys + fresh > VERIFY_MAX_KEYS) {
		seterr(err, errlen, "more than %d trusted keys",
		    VERIFY_MAX_KEYS);
		goto done;
	}
	if (reserve((void **)&t->keys, &t->capkeys, t->nkeys + fresh,
	    sizeof(*t->keys)) != 0) {
		seterr(err, errlen, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		put_key(t, &keys[i]);
	rc = 0;
done:
	for (i = 0; i < n; i++)
		vkey_clear(&keys[i]);
	free(keys);
	return rc;
}

/* ---- status lists ---- */

static struct vlist *
find_list(const struct verify_trust *t, const char *id)
{
	for (size_t i = 0; i < t->nlists; i++)
		if (strcmp(t->lists[i].id, id) == 0)
			return &t->lists[i];
	return NULL;
}

/* Checks the list credential's proof against the trusted keys. */
static int
list_proof(const struct verify_trust *t, const json_t *cred,
    const char *issuer, char *err, size_t errlen)
{
	const char		*vm;
	const struct vkey	*k;

	vm = str_member(json_object_get(cred, "proof"), "verificationMethod");
	if (vm == NULL) {
		seterr(err, errlen, "status list has no proof with a "
		    "verificationMethod");
		return -1;
	}
	if ((k = find_key(t, vm)) == NULL) {
		seterr(err, errlen, "status list is signed by %s, which is not "
		    "a trusted key (load the issuer's trust bundle first)", vm);
		return -1;
	}
	if (strcmp(k->controller, issuer) != 0) {
		seterr(err, errlen, "status list issuer %s is not the "
		    "controller %s of its signing key", issuer, k->controller);
		return -1;
	}
	return proof_by_key(cred, k, "status list proof", err, errlen);
}

int
verify_trust_add_status_list(struct verify_trust *t, const json_t *cred,
    char *err, size_t errlen)
{
	const json_t	*subj, *purposes, *e;
	const char	*id, *issuer, *enc, *from, *until;
	struct vlist	 l, *old;
	char		 why[256];
	size_t		 i;

	assert(t != NULL);
	memset(&l, 0, sizeof(l));
	if (!json_is_object(cred) || !has_value(json_object_get(cred, "type"),
	    "BitstringStatusListCredential")) {
		seterr(err, errlen, "not a status list: expected a JSON object "
		    "of type BitstringStatusListCredential");
		return -1;
	}
	id = str_member(cred, "id");
	issuer = issuer_id(cred);
	if (!good_id(id) || !good_id(issuer)) {
		seterr(err, errlen, "status list needs an id and an issuer");
		return -1;
	}
	subj = json_object_get(cred, "credentialSubject");
	purposes = json_object_get(subj, "statusPurpose");
	enc = str_member(subj, "encodedList");
	if (!json_is_object(subj) ||
	    !has_value(json_object_get(subj, "type"), "BitstringStatusList") ||
	    enc == NULL) {
		seterr(err, errlen, "status list %s: credentialSubject must be "
		    "a BitstringStatusList with an encodedList", id);
		return -1;
	}
	if (!json_is_string(purposes) && (!json_is_array(purposes) ||
	    json_array_size(purposes) == 0)) {
		seterr(err, errlen, "status list %s has no statusPurpose", id);
		return -1;
	}
	json_array_foreach(purposes, i, e)
		if (!json_is_string(e)) {
			seterr(err, errlen, "status list %s: statusPurpose "
			    "must hold strings", id);
			return -1;
		}
	from = str_member(cred, "validFrom");
	until = str_member(cred, "validUntil");
	if ((from != NULL && rfc3339_parse(from, &l.from) != 0) ||
	    (until != NULL && rfc3339_parse(until, &l.until) != 0)) {
		seterr(err, errlen, "status list %s: validFrom/validUntil are "
		    "not RFC 3339 date-times", id);
		return -1;
	}
	l.has_from = from != NULL;
	l.has_until = until != NULL;
	if (list_proof(t, cred, issuer, err, errlen) != 0)
		return -1;
	if (bitstring_decode(enc, &l.bits, &l.nbytes, why, sizeof(why)) != 0) {
		seterr(err, errlen, "status list %s: encodedList: %s", id, why);
		return -1;
	}
	if ((l.id = strdup(id)) == NULL ||
	    (l.issuer = strdup(issuer)) == NULL ||
	    (until != NULL && (l.until_s = strdup(until)) == NULL))
		goto oom;
	if (json_is_string(purposes)) {
		if ((l.purposes = json_array()) == NULL ||
		    json_array_append(l.purposes, (json_t *)purposes) != 0)
			goto oom;
	} else if ((l.purposes = json_deep_copy(purposes)) == NULL)
		goto oom;

	if ((old = find_list(t, id)) != NULL) {
		/* Keep the fresher of two copies of one list. */
		if (old->has_from && (!l.has_from ||
		    rfc3339_cmp(&l.from, &old->from) < 0)) {
			vlist_clear(&l);
			return 0;
		}
		vlist_clear(old);
		*old = l;
		return 0;
	}
	if (t->nlists >= VERIFY_MAX_LISTS) {
		seterr(err, errlen, "more than %d status lists",
		    VERIFY_MAX_LISTS);
		vlist_clear(&l);
		return -1;
	}
	if (reserve((void **)&t->lists, &t->caplists, t->nlists + 1,
	    sizeof(*t->lists)) != 0)
		goto oom;
	t->lists[t->nlists++] = l;
	return 0;
oom:
	seterr(err, errlen, "out of memory");
	vlist_clear(&l);
	return -1;
}

/* ---- the checks ---- */

static void
add_check(struct vrun *v, const char *name, int ok, const char *fmt, ...)
{
	char	 buf[VERIFY_DETAIL_MAX];
	va_list	 ap;
	json_t	*c;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!ok)
		v->all_ok = 0;
	c = json_pack("{s:s, s:b, s:s}", "check", name, "ok", ok, "detail",
	    buf);
	if (c == NULL || json_array_append_new(v->checks, c) != 0)
		v->oom = 1;
}

static void
check_format(struct vrun *v)
{
	const json_t	*c = v->cred, *ctx, *subj, *st, *e, *proof;
	struct detail	 d;
	size_t		 i;

	memset(&d, 0, sizeof(d));
	if (!json_is_object(c)) {
		add_check(v, "format", 0, "the credential is not a JSON "
		    "object");
		return;
	}
	ctx = json_object_get(c, "@context");
	if (!json_is_array(ctx) || !json_is_string(json_array_get(ctx, 0)) ||
	    strcmp(json_string_value(json_array_get(ctx, 0)),
	    VERIFY_VC2_CONTEXT) != 0)
		detail_add(&d, "@context must be an array whose first item is "
		    VERIFY_VC2_CONTEXT);
	if (!has_value(json_object_get(c, "type"), "VerifiableCredential"))
		detail_add(&d, "type does not include VerifiableCredential");
	if (v->issuer == NULL)
		detail_add(&d, "issuer must be a URL or an object with an id");
	subj = json_object_get(c, "credentialSubject");
	if (json_is_array(subj)) {
		if (json_array_size(subj) == 0)
			detail_add(&d, "credentialSubject is an empty array");
		json_array_foreach(subj, i, e)
			if (!json_is_object(e)) {
				detail_add(&d, "credentialSubject[%zu] is not "
				    "an object", i);
				break;
			}
	} else if (!json_is_object(subj))
		detail_add(&d, "credentialSubject is missing or not an object");
	st = json_object_get(c, "credentialStatus");
	if (st != NULL) {
		if (json_is_object(st)) {
			if (!json_is_string(json_object_get(st, "type")))
				detail_add(&d, "credentialStatus has no type");
		} else if (!json_is_array(st))
			detail_add(&d, "credentialStatus must be an object or "
			    "an array of objects");
		else if (json_array_size(st) > VERIFY_MAX_STATUS)
			detail_add(&d, "more than %d credentialStatus entries",
			    VERIFY_MAX_STATUS);
		else
			json_array_foreach(st, i, e)
				if (!json_is_string(json_object_get(e,
				    "type"))) {
					detail_add(&d, "credentialStatus[%zu] "
					    "is not an object with a type", i);
					break;
				}
	}
	proof = json_object_get(c, "proof");
	if (proof == NULL)
		detail_add(&d, "the credential has no proof");
	else if (json_is_array(proof))
		detail_add(&d, "proof sets (an array of proofs) are not "
		    "supported");
	else if (!json_is_object(proof))
		detail_add(&d, "proof is not an object");
	if (d.n > 0)
		add_check(v, "format", 0, "%s", d.buf);
	else
		add_check(v, "format", 1, "a VC 2.0 credential with a "
		    "Data Integrity proof");
}

static void
check_canonical(struct vrun *v)
{
	char	 why[256], *s;
	size_t	 len;

	if ((s = jcs_serialize(v->cred, &len, why, sizeof(why))) == NULL) {
		add_check(v, "canonical", 0, "no RFC 8785 canonical form: %s",
		    why);
		return;
	}
	free(s);
	add_check(v, "canonical", 1, "RFC 8785 canonical form of %zu bytes",
	    len);
}

static void
check_issuer(struct vrun *v)
{
	if (v->issuer == NULL) {
		add_check(v, "issuer", 0, "the credential names no issuer");
		return;
	}
	if (v->vm == NULL) {
		add_check(v, "issuer", 0, "the proof names no "
		    "verificationMethod");
		return;
	}
	if (v->key == NULL) {
		if (v->trust == NULL || v->trust->nkeys == 0)
			add_check(v, "issuer", 0, "nothing is trusted: key %s "
			    "is unknown (give the issuer's trust bundle)",
			    v->vm);
		else
			add_check(v, "issuer", 0, "key %s is not a trusted "
			    "key of any issuer", v->vm);
		return;
	}
	if (strcmp(v->key->controller, v->issuer) != 0) {
		add_check(v, "issuer", 0, "key %s belongs to %s, not to the "
		    "credential's issuer %s", v->vm, v->key->controller,
		    v->issuer);
		return;
	}
	add_check(v, "issuer", 1, "issuer %s, trusted key %s", v->issuer,
	    v->vm);
}

static void
check_signature(struct vrun *v)
{
	struct dataint_result	 res;
	char			 why[VERIFY_DETAIL_MAX];

	if (v->proof == NULL) {
		add_check(v, "signature", 0, "not checked: no proof");
		return;
	}
	if (v->key == NULL) {
		add_check(v, "signature", 0, "not checked: no trusted key %s",
		    v->vm ? v->vm : "(no verificationMethod)");
		return;
	}
	if (dataint_verify(v->cred, v->key->pk, &res, why, sizeof(why)) != 0) {
		add_check(v, "signature", 0, "%s", why);
		return;
	}
	if (strcmp(res.proof_purpose, DATAINT_PURPOSE) != 0) {
		add_check(v, "signature", 0, "proofPurpose is \"%s\", expected "
		    DATAINT_PURPOSE, res.proof_purpose);
		return;
	}
	add_check(v, "signature", 1, DATAINT_CRYPTOSUITE " signature by %s "
	    "verifies", v->vm);
}

static void
check_key(struct vrun *v)
{
	char why[VERIFY_DETAIL_MAX];

	if (v->key == NULL) {
		add_check(v, "key", 0, "not checked: no trusted key %s",
		    v->vm ? v->vm : "(no verificationMethod)");
		return;
	}
	if (key_valid_at(v->key, str_member(v->proof, "created"), why,
	    sizeof(why)) != 0) {
		add_check(v, "key", 0, "%s", why);
		return;
	}
	add_check(v, "key", 1, "%s", why);
}

static void
check_validity(struct vrun *v)
{
	const json_t	*jf, *ju;
	const char	*from, *until;
	struct rfc3339_time	 f, u, at = { (int64_t)v->at, 0 };

	if (!json_is_object(v->cred)) {
		add_check(v, "validity", 0, "not checked: not a credential");
		return;
	}
	jf = json_object_get(v->cred, "validFrom");
	ju = json_object_get(v->cred, "validUntil");
	from = json_string_value(jf);
	until = json_string_value(ju);
	if ((jf != NULL && rfc3339_parse(from, &f) != 0) ||
	    (ju != NULL && rfc3339_parse(until, &u) != 0)) {
		add_check(v, "validity", 0, "validFrom and validUntil must be "
		    "RFC 3339 date-times with a time zone");
		return;
	}
	if (jf != NULL && ju != NULL && rfc3339_cmp(&f, &u) > 0) {
		add_check(v, "validity", 0, "validFrom %s is after validUntil "
		    "%s", from, until);
		return;
	}
	if (jf != NULL && rfc3339_cmp(&at, &f) < 0) {
		add_check(v, "validity", 0, "not yet valid: validFrom %s is "
		    "after %s", from, v->at_s);
		return;
	}
	if (ju != NULL && rfc3339_cmp(&at, &u) > 0) {
		add_check(v, "validity", 0, "expired: validUntil %s is before "
		    "%s", until, v->at_s);
		return;
	}
	add_check(v, "validity", 1, "valid from %s until %s at %s",
	    from ? from : "(open)", until ? until : "(open)", v->at_s);
}

/* Reads statusListIndex, a decimal string ("0", "94567"); -1 if not. */
static int
parse_index(const json_t *j, size_t *out)
{
	const char	*s = json_string_value(j);
	size_t		 n, v = 0;

	if (s == NULL || (n = strlen(s)) == 0 || n > VERIFY_MAX_INDEX_DIGITS ||
	    (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Checks one status entry against its loaded list l.  Appends the fault
 * to bad and returns -1, or appends what was seen to good and returns 0. */
static int
status_entry(struct vrun *v, const json_t *e, const struct vlist *l,
    struct detail *good, struct detail *bad)
{
	const char	*purpose = str_member(e, "statusPurpose");
	const json_t	*size = json_object_get(e, "statusSize");
	struct rfc3339_time	 at = { (int64_t)v->at, 0 };
	size_t		 index;
	int		 bit;

	if (purpose == NULL) {
		detail_add(bad, "an entry for %s has no statusPurpose", l->id);
		return -1;
	}
	if (!has_value(l->purposes, purpose)) {
		detail_add(bad, "%s entry points at %s, a list of another "
		    "purpose", purpose, l->id);
		return -1;
	}
	if (v->issuer == NULL || strcmp(v->issuer, l->issuer) != 0) {
		detail_add(bad, "status list %s is issued by %s, not by the "
		    "credential's issuer", l->id, l->issuer);
		return -1;
	}
	if (l->has_until && rfc3339_cmp(&at, &l->until) > 0) {
		detail_add(bad, "status list %s expired on %s (checked at %s): "
		    "fetch a fresh copy", l->id, l->until_s, v->at_s);
		return -1;
	}
	if (size != NULL && !(json_is_integer(size) &&
	    json_integer_value(size) == 1)) {
		detail_add(bad, "%s entry: only statusSize 1 is supported",
		    purpose);
		return -1;
	}
	if (parse_index(json_object_get(e, "statusListIndex"), &index) != 0) {
		detail_add(bad, "%s entry: statusListIndex is not a decimal "
		    "string", purpose);
		return -1;
	}
	if ((bit = bitstring_get(l->bits, l->nbytes, index)) < 0) {
		detail_add(bad, "%s index %zu is beyond the %zu entries of %s",
		    purpose, index, l->nbytes * 8, l->id);
		return -1;
	}
	if (bit == 1 && strcmp(purpose, "revocation") == 0) {
		detail_add(bad, "revoked: revocation bit %zu is set in %s",
		    index, l->id);
		return -1;
	}
	if (bit == 1 && strcmp(purpose, "suspension") == 0) {
		detail_add(bad, "suspended: suspension bit %zu is set in %s",
		    index, l->id);
		return -1;
	}
	if (strcmp(purpose, "revocation") != 0 &&
	    strcmp(purpose, "suspension") != 0)
		detail_add(good, "%s bit %zu is %d (purpose not judged)",
		    purpose, index, bit);
	else
		detail_add(good, "%s bit %zu clear", purpose, index);
	return 0;
}

static void
check_status(struct vrun *v)
{
	const json_t		*st, *e;
	const struct vlist	*l;
	struct detail		 good, bad, skipped;
	size_t			 i, n;
	int			 checked = 0;

	memset(&good, 0, sizeof(good));
	memset(&bad, 0, sizeof(bad));
	memset(&skipped, 0, sizeof(skipped));
	if (!json_is_object(v->cred)) {
		add_check(v, "status", 0, "not checked: not a credential");
		return;
	}
	st = json_object_get(v->cred, "credentialStatus");
	if (st == NULL) {
		add_check(v, "status", 1, "the credential has no "
		    "credentialStatus");
		return;
	}
	n = json_is_array(st) ? json_array_size(st) : 1;
	if (!json_is_array(st) && !json_is_object(st)) {
		add_check(v, "status", 0, "credentialStatus is malformed");
		return;
	}
	if (n > VERIFY_MAX_STATUS) {
		add_check(v, "status", 0, "more than %d credentialStatus "
		    "entries", VERIFY_MAX_STATUS);
		return;
	}
	for (i = 0; i < n; i++) {
		const char *url;

		e = json_is_array(st) ? json_array_get(st, i) : st;
		if (!has_value(json_object_get(e, "type"),
		    "BitstringStatusListEntry")) {
			detail_add(&skipped, "entry %zu of an unknown type", i);
			continue;
		}
		url = str_member(e, "statusListCredential");
		if (url == NULL) {
			detail_add(&bad, "entry %zu has no "
			    "statusListCredential", i);
			continue;
		}
		if (v->trust == NULL ||
		    (l = find_list(v->trust, url)) == NULL) {
			detail_add(&skipped, "%s not given", url);
			continue;
		}
		checked++;
		(void)status_entry(v, e, l, &good, &bad);
	}
	if (bad.n > 0)
		add_check(v, "status", 0, "%s", bad.buf);
	else if (checked == 0)
		add_check(v, "status", 1, "not checked: no status list "
		    "given%s%s%s", skipped.n ? " (" : "",
		    skipped.n ? skipped.buf : "", skipped.n ? ")" : "");
	else if (skipped.n > 0)
		add_check(v, "status", 1, "%s; not checked: %s", good.buf,
		    skipped.buf);
	else
		add_check(v, "status", 1, "%s", good.buf);
}

json_t *
verify_credential(const struct verify_trust *t, const json_t *cred,
    time_t at, int *verified)
{
	struct vrun	 v;
	const json_t	*proof;

	memset(&v, 0, sizeof(v));
	v.trust = t;
	v.cred = cred;
	v.at = at;
	v.all_ok = 1;
	rfc3339_format(at, v.at_s);
	if ((v.checks = json_array()) == NULL)
		return NULL;
	if (json_is_object(cred)) {
		v.issuer = issuer_id(cred);
		if (v.issuer != NULL && strlen(v.issuer) > VERIFY_MAX_ID)
			v.issuer = NULL;
		proof = json_object_get(cred, "proof");
		if (json_is_object(proof)) {
			v.proof = proof;
			v.vm = str_member(proof, "verificationMethod");
			if (v.vm != NULL && t != NULL)
				v.key = find_key(t, v.vm);
		}
	}
	check_format(&v);
	check_canonical(&v);
	check_issuer(&v);
	check_signature(&v);
	check_key(&v);
	check_validity(&v);
	check_status(&v);
	if (v.oom) {
		json_decref(v.checks);
		return NULL;
	}
	if (verified != NULL)
		*verified = v.all_ok;
	return v.checks;
}
