/*
 * verify_trust.c: the trust store (verify.h) and its keys: who may sign,
 * in which period, and whether a proof was made by such a key.
 */
#include "verify_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "dataint.h"
#include "errfmt.h"

const char *
verify_issuer_id(const json_t *doc)
{
	const json_t *iss = json_object_get(doc, "issuer");

	if (json_is_object(iss))
		iss = json_object_get(iss, "id");
	if (!json_is_string(iss) || json_string_length(iss) == 0)
		return NULL;
	return json_string_value(iss);
}

/* 1 if v is the string name or an array holding it. */
int
vt_has_value(const json_t *v, const char *name)
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

const char *
vt_str(const json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* 1 if s is a non-empty string of at most VERIFY_MAX_ID bytes. */
int
vt_good_id(const char *s)
{
	return s != NULL && s[0] != '\0' && strlen(s) <= VERIFY_MAX_ID;
}

/* ---- keys ---- */

void
vt_key_clear(struct vkey *k)
{
	free(k->vm_id);
	free(k->controller);
	free(k->from_s);
	free(k->until_s);
	free(k->comp_s);
	memset(k, 0, sizeof(*k));
}

const struct vkey *
vt_find_key(const struct verify_trust *t, const char *vm)
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
int
vt_key_make(struct vkey *k, const char *vm_id, const char *controller,
    const uint8_t pk[32], const char *from, const char *until,
    const char *comp, char *err, size_t errlen)
{
	size_t clen;

	memset(k, 0, sizeof(*k));
	if (!vt_good_id(vm_id) || !vt_good_id(controller)) {
		errfmt(err, errlen, "key id and controller must be non-empty "
		    "strings of at most %d bytes", VERIFY_MAX_ID);
		return -1;
	}
	clen = strlen(controller);
	if (strncmp(vm_id, controller, clen) != 0 || vm_id[clen] != '#' ||
	    vm_id[clen + 1] == '\0') {
		errfmt(err, errlen, "key id %s is not of the form %s#<key id>",
		    vm_id, controller);
		return -1;
	}
	memcpy(k->pk, pk, sizeof(k->pk));
	if ((k->vm_id = strdup(vm_id)) == NULL ||
	    (k->controller = strdup(controller)) == NULL) {
		errfmt(err, errlen, "out of memory");
		goto fail;
	}
	if (opt_time(from, &k->has_from, &k->from, &k->from_s) != 0) {
		errfmt(err, errlen, "key %s: validFrom \"%s\" is not an RFC "
		    "3339 date-time", vm_id, from);
		goto fail;
	}
	if (opt_time(until, &k->has_until, &k->until, &k->until_s) != 0) {
		errfmt(err, errlen, "key %s: validUntil \"%s\" is not an RFC "
		    "3339 date-time", vm_id, until);
		goto fail;
	}
	if (opt_time(comp, &k->has_comp, &k->comp, &k->comp_s) != 0) {
		errfmt(err, errlen, "key %s: compromisedAt \"%s\" is not an "
		    "RFC 3339 date-time", vm_id, comp);
		goto fail;
	}
	return 0;
fail:
	vt_key_clear(k);
	return -1;
}

/* 0 if k may join t (new, or the same key again); -1 with err. */
int
vt_key_conflict(const struct verify_trust *t, const struct vkey *k, char *err,
    size_t errlen)
{
	const struct vkey *old = vt_find_key(t, k->vm_id);

	if (old == NULL)
		return 0;
	if (!lc_equal(old->pk, k->pk, sizeof(k->pk))) {
		errfmt(err, errlen, "key %s is already trusted with another "
		    "public key", k->vm_id);
		return -1;
	}
	if (strcmp(old->controller, k->controller) != 0) {
		errfmt(err, errlen, "key %s is already trusted under "
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

int
vt_reserve(void **arr, size_t *cap, size_t need, size_t size)
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
 * key is reserved and vt_key_conflict() passed, so this cannot fail. */
static void
put_key(struct verify_trust *t, struct vkey *k)
{
	struct vkey *old = (struct vkey *)vt_find_key(t, k->vm_id);

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
	vt_key_clear(k);
}

/*
 * 0 if the key may sign at `created` (why says by which key and when), or
 * -1 with why naming the dates and *code VT_KEY_COMPROMISED (signed at or
 * after its compromise) or VT_KEY_NOT_VALID (no usable time, or outside
 * the key's validity).  code may be NULL.
 */
int
vt_key_valid_at(const struct vkey *k, const char *created_s, int *code,
    char *why, size_t whylen)
{
	struct rfc3339_time	 created;
	int			 dummy;

	if (code == NULL)
		code = &dummy;
	*code = VT_KEY_NOT_VALID;
	if (created_s == NULL) {
		errfmt(why, whylen, "the proof has no created time, so the "
		    "key's validity when it signed cannot be known");
		return -1;
	}
	if (rfc3339_parse(created_s, &created) != 0) {
		errfmt(why, whylen, "proof created \"%s\" is not an RFC 3339 "
		    "date-time", created_s);
		return -1;
	}
	if (k->has_comp && rfc3339_cmp(&created, &k->comp) >= 0) {
		*code = VT_KEY_COMPROMISED;
		errfmt(why, whylen, "signed %s, after key %s was compromised "
		    "on %s", created_s, k->vm_id, k->comp_s);
		return -1;
	}
	if (k->has_from && rfc3339_cmp(&created, &k->from) < 0) {
		errfmt(why, whylen, "signed %s, before key %s became valid "
		    "on %s", created_s, k->vm_id, k->from_s);
		return -1;
	}
	/* Inclusive: created and the retirement are often stamped in the
	 * same second, and a retired key never signs after its rotation.
	 * A compromise is no such formality: that bound stays strict. */
	if (k->has_until && rfc3339_cmp(&created, &k->until) > 0) {
		errfmt(why, whylen, "signed %s, after key %s was retired on %s",
		    created_s, k->vm_id, k->until_s);
		return -1;
	}
	*code = 0;
	errfmt(why, whylen, "signed %s by key %s, valid from %s%s%s%s%s",
	    created_s, k->vm_id, k->has_from ? k->from_s : "the start",
	    k->has_until ? " until " : "",
	    k->has_until ? k->until_s : " (active)",
	    k->has_comp ? ", compromised on " : "",
	    k->has_comp ? k->comp_s : "");
	return 0;
}

/*
 * Moves the n keys of ks into t, all or none: each is new or the same key
 * again (merged, keeping the stricter bounds).  The entries of ks are
 * cleared either way.  0, or -1 with err (conflict, limit, memory).
 */
int
vt_put_keys(struct verify_trust *t, struct vkey *ks, size_t n, char *err,
    size_t errlen)
{
	size_t	 i, fresh = 0;
	int	 rc = -1;

	for (i = 0; i < n; i++) {
		if (vt_key_conflict(t, &ks[i], err, errlen) != 0)
			goto done;
		fresh += vt_find_key(t, ks[i].vm_id) == NULL;
	}
	if (t->nkeys + fresh > VERIFY_MAX_KEYS) {
		errfmt(err, errlen, "more than %d trusted keys",
		    VERIFY_MAX_KEYS);
		goto done;
	}
	if (vt_reserve((void **)&t->keys, &t->capkeys, t->nkeys + fresh,
	    sizeof(*t->keys)) != 0) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		put_key(t, &ks[i]);
	rc = 0;
done:
	for (i = 0; i < n; i++)
		vt_key_clear(&ks[i]);
	return rc;
}

/* The issuer pinned under did, or NULL. */
struct vissuer *
vt_find_issuer(const struct verify_trust *t, const char *did)
{
	for (size_t i = 0; i < t->nissuers; i++)
		if (strcmp(t->issuers[i].did, did) == 0)
			return &t->issuers[i];
	return NULL;
}

void
vt_issuer_clear(struct vissuer *is)
{
	free(is->did);
	free(is->name);
	free(is->country);
	free(is->expires_s);
	for (size_t i = 0; i < is->nkeys; i++)
		free(is->keys[i].vm_id);
	free(is->keys);
	free(is->refused);
	memset(is, 0, sizeof(*is));
}

void
vt_list_clear(struct vlist *l)
{
	free(l->id);
	free(l->issuer);
	json_decref(l->purposes);
	free(l->bits);
	free(l->from_s);
	free(l->until_s);
	memset(l, 0, sizeof(*l));
}

struct verify_trust *
verify_trust_new(void)
{
	return calloc(1, sizeof(struct verify_trust));
}

void
verify_trust_free(struct verify_trust *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nkeys; i++)
		vt_key_clear(&t->keys[i]);
	for (size_t i = 0; i < t->nlists; i++)
		vt_list_clear(&t->lists[i]);
	for (size_t i = 0; i < t->nissuers; i++)
		vt_issuer_clear(&t->issuers[i]);
	free(t->keys);
	free(t->lists);
	free(t->issuers);
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
	struct vkey	 k;

	assert(t != NULL && pk != NULL);
	if (vt_key_make(&k, vm_id, controller, pk, valid_from, valid_until,
	    compromised_at, err, errlen) != 0)
		return -1;
	return vt_put_keys(t, &k, 1, err, errlen);
}

/*
 * Checks doc's proof with key k: signature, assertionMethod purpose, and
 * k valid when it signed.  what names doc in messages.  0 or -1 with err.
 */
int
vt_proof_by_key(const json_t *doc, const struct vkey *k, const char *what,
    char *err, size_t errlen)
{
	struct dataint_result	 res;
	char			 why[VERIFY_DETAIL_MAX];

	if (dataint_verify(doc, k->pk, &res, why, sizeof(why)) != 0) {
		errfmt(err, errlen, "%s: %s", what, why);
		return -1;
	}
	if (strcmp(res.proof_purpose, DATAINT_PURPOSE) != 0) {
		errfmt(err, errlen, "%s: proofPurpose is \"%s\", expected "
		    DATAINT_PURPOSE, what, res.proof_purpose);
		return -1;
	}
	if (vt_key_valid_at(k, res.created, NULL, why, sizeof(why)) != 0) {
		errfmt(err, errlen, "%s: %s", what, why);
		return -1;
	}
	return 0;
}
