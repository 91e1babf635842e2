/*
 * verify_list.c: Bitstring Status List credentials in the trust store:
 * accepted only when signed by a trusted key of their issuer, kept by
 * (id, issuer), the freshest copy of each.
 */
#include "verify_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bitstring.h"
#include "errfmt.h"

/* The list id of issuer, or NULL: two issuers' lists never shadow. */
const struct vlist *
vt_find_list(const struct verify_trust *t, const char *id,
    const char *issuer)
{
	for (size_t i = 0; i < t->nlists; i++)
		if (strcmp(t->lists[i].id, id) == 0 &&
		    strcmp(t->lists[i].issuer, issuer) == 0)
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

	vm = vt_str(json_object_get(cred, "proof"), "verificationMethod");
	if (vm == NULL) {
		errfmt(err, errlen, "status list has no proof with a "
		    "verificationMethod");
		return -1;
	}
	if ((k = vt_find_key(t, vm)) == NULL) {
		const struct vissuer *is = vt_find_issuer(t, issuer);

		if (is != NULL)
			errfmt(err, errlen, "status list is signed by %s, which "
			    "version %lld of the pinned trust bundle of %s does "
			    "not list: give the issuer's newer bundle as an "
			    "update", vm, (long long)is->version, issuer);
		else
			errfmt(err, errlen, "status list is signed by %s, which "
			    "is not a trusted key: no bundle of %s is pinned",
			    vm, issuer);
		return -1;
	}
	if (strcmp(k->controller, issuer) != 0) {
		errfmt(err, errlen, "status list issuer %s is not the "
		    "controller %s of its signing key", issuer, k->controller);
		return -1;
	}
	return vt_proof_by_key(cred, k, "status list proof", err, errlen);
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
	if (!json_is_object(cred) || !vt_has_value(json_object_get(cred, "type"),
	    "BitstringStatusListCredential")) {
		errfmt(err, errlen, "not a status list: expected a JSON object "
		    "of type BitstringStatusListCredential");
		return -1;
	}
	id = vt_str(cred, "id");
	issuer = verify_issuer_id(cred);
	if (!vt_good_id(id) || !vt_good_id(issuer)) {
		errfmt(err, errlen, "status list needs an id and an issuer");
		return -1;
	}
	subj = json_object_get(cred, "credentialSubject");
	purposes = json_object_get(subj, "statusPurpose");
	enc = vt_str(subj, "encodedList");
	if (!json_is_object(subj) ||
	    !vt_has_value(json_object_get(subj, "type"), "BitstringStatusList") ||
	    enc == NULL) {
		errfmt(err, errlen, "status list %s: credentialSubject must be "
		    "a BitstringStatusList with an encodedList", id);
		return -1;
	}
	if (!json_is_string(purposes) && (!json_is_array(purposes) ||
	    json_array_size(purposes) == 0)) {
		errfmt(err, errlen, "status list %s has no statusPurpose", id);
		return -1;
	}
	json_array_foreach(purposes, i, e)
		if (!json_is_string(e)) {
			errfmt(err, errlen, "status list %s: statusPurpose "
			    "must hold strings", id);
			return -1;
		}
	from = vt_str(cred, "validFrom");
	until = vt_str(cred, "validUntil");
	if ((from != NULL && rfc3339_parse(from, &l.from) != 0) ||
	    (until != NULL && rfc3339_parse(until, &l.until) != 0)) {
		errfmt(err, errlen, "status list %s: validFrom/validUntil are "
		    "not RFC 3339 date-times", id);
		return -1;
	}
	l.has_from = from != NULL;
	l.has_until = until != NULL;
	if (list_proof(t, cred, issuer, err, errlen) != 0)
		return -1;
	if (bitstring_decode(enc, &l.bits, &l.nbytes, why, sizeof(why)) != 0) {
		errfmt(err, errlen, "status list %s: encodedList: %s", id, why);
		return -1;
	}
	if ((l.id = strdup(id)) == NULL ||
	    (l.issuer = strdup(issuer)) == NULL ||
	    (from != NULL && (l.from_s = strdup(from)) == NULL) ||
	    (until != NULL && (l.until_s = strdup(until)) == NULL))
		goto oom;
	if (json_is_string(purposes)) {
		if ((l.purposes = json_array()) == NULL ||
		    json_array_append(l.purposes, (json_t *)purposes) != 0)
			goto oom;
	} else if ((l.purposes = json_deep_copy(purposes)) == NULL)
		goto oom;

	if ((old = (struct vlist *)vt_find_list(t, id, issuer)) != NULL) {
		/* Keep the fresher of two copies of one list. */
		if (old->has_from && (!l.has_from ||
		    rfc3339_cmp(&l.from, &old->from) < 0)) {
			vt_list_clear(&l);
			return 0;
		}
		vt_list_clear(old);
		*old = l;
		return 0;
	}
	if (t->nlists >= VERIFY_MAX_LISTS) {
		errfmt(err, errlen, "more than %d status lists",
		    VERIFY_MAX_LISTS);
		vt_list_clear(&l);
		return -1;
	}
	if (vt_reserve((void **)&t->lists, &t->caplists, t->nlists + 1,
	    sizeof(*t->lists)) != 0)
		goto oom;
	t->lists[t->nlists++] = l;
	return 0;
oom:
	errfmt(err, errlen, "out of memory");
	vt_list_clear(&l);
	return -1;
}
