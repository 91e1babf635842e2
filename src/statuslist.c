/*
 * statuslist.c: the W3C Bitstring Status List credentials of this issuer,
 * one revocation and one suspension list of LABELD_STATUSLIST_BITS
 * entries.  The bits come from the labels table (a bit is set while its
 * label is revoked, or suspended); the signed credential is cached in
 * status_lists and signed again when a status changed (the row is marked
 * stale in that change's transaction), when it is older than half its
 * validity (status_list_validity, default 7 days: validUntil is short so
 * that a verifier can refuse an old copy) or when its key is no longer
 * the active one; at a fetch, and by the scheduler while nobody fetches.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labeld.h"
#include "rfc3339.h"
#include "bitstring.h"
#include "jcs.h"

/* "revocation" or "suspension" for a list this issuer keeps, else NULL. */
const char *
statuslist_purpose(const char *list)
{
	if (strcmp(list, LABELD_STATUSLIST_REVOCATION) == 0)
		return "revocation";
	if (strcmp(list, LABELD_STATUSLIST_SUSPENSION) == 0)
		return "suspension";
	return NULL;
}

/* <public_url>/v1/status-lists/<list>; -1 when it does not fit. */
int
statuslist_url(const struct config *cfg, const char *list, char *out,
    size_t outlen)
{
	int n = snprintf(out, outlen, "%s/v1/status-lists/%s", cfg->public_url,
	    list);

	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

static int
set_bit(int index, void *arg)
{
	if (index >= 0 && index < LABELD_STATUSLIST_BITS)
		bitstring_set(arg, (size_t)index, 1);
	return 0;
}

/*
 * The unsigned status list credential of list as of now, bits read from
 * db.  New reference, or NULL with a message in err.
 */
json_t *
statuslist_build(struct db *db, const struct config *cfg, const char *list,
    time_t now, char *err, size_t errlen)
{
	const char	*purpose = statuslist_purpose(list);
	uint8_t		*bits = NULL;
	char		*encoded = NULL, url[1024], subj[1100], from[32],
			 until[32];
	json_t		*vc = NULL;

	if (purpose == NULL || statuslist_url(cfg, list, url,
	    sizeof(url)) == -1) {
		snprintf(err, errlen, "no status list %s", list);
		return NULL;
	}
	if ((bits = calloc(1, LABELD_STATUSLIST_BITS / 8)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (store_label_set_bits(db, purpose, list, set_bit, bits) !=
	    STORE_OK) {
		snprintf(err, errlen, "cannot read the statuses of %s", list);
		goto done;
	}
	if ((encoded = bitstring_encode(bits, LABELD_STATUSLIST_BITS / 8)) ==
	    NULL) {
		snprintf(err, errlen, "cannot encode %s", list);
		goto done;
	}
	snprintf(subj, sizeof(subj), "%s#list", url);
	rfc3339_format(now, from);
	rfc3339_format(now + (time_t)cfg->status_list_validity, until);
	vc = json_pack("{s:[s], s:s, s:[s, s], s:s, s:s, s:s, "
	    "s:{s:s, s:s, s:s, s:s}}",
	    "@context", "https://www.w3.org/ns/credentials/v2",
	    "id", url,
	    "type", "VerifiableCredential", "BitstringStatusListCredential",
	    "issuer", cfg->issuer_did,
	    "validFrom", from,
	    "validUntil", until,
	    "credentialSubject",
	    "id", subj,
	    /* a plain string: Digital Bazaar's checker refuses an array */
	    "type", "BitstringStatusList",
	    "statusPurpose", purpose,
	    "encodedList", encoded);
	if (vc == NULL)
		snprintf(err, errlen, "out of memory");
done:
	free(bits);
	free(encoded);
	return vc;
}

/* What status_lists holds for one list. */
struct cached {
	int	 stale;
	char	 generated_at[32];
	char	 kid[LABELD_KID_BUFLEN];
	char	*credential;
	size_t	 len;
};

static int
load(struct db *db, const char *list, struct cached *c)
{
	free(c->credential);
	return store_status_list_get(db, list, &c->stale, c->generated_at,
	    c->kid, &c->credential, &c->len);
}

/*
 * The cached copy needs no new signature: signed since the last change,
 * less than half its validity (status_list_validity) ago, so that a
 * verifier never holds a copy about to lapse, by the key active now (a
 * list signed by a key since rotated out or compromised is signed again).
 */
static int
fresh(struct db *db, const struct config *cfg, const struct cached *c,
    time_t now)
{
	struct signing_key	 k;
	time_t			 t;

	return c->credential != NULL && !c->stale &&
	    rfc3339_to_time(c->generated_at, 0, &t) == 0 &&
	    now - t < cfg->status_list_validity / 2 && t <= now &&
	    store_key_active(db, &k) == STORE_OK && strcmp(k.kid, c->kid) == 0;
}

/* Unchanged since signed, by a key not compromised: still worth serving. */
static int
servable(struct db *db, const struct cached *c)
{
	struct signing_key k;

	return c->credential != NULL && !c->stale &&
	    store_key_get(db, c->kid, &k) == STORE_OK &&
	    strcmp(k.status, "compromised") != 0;
}

/* Builds, signs and caches list inside the open transaction. */
static int
regenerate(struct db *db, const struct config *cfg, const char *list,
    time_t now, struct cached *c, char *err, size_t errlen)
{
	json_t	*vc;
	char	*canon, from[32], kid[LABELD_KID_BUFLEN];
	size_t	 len;
	int	 rc;

	if ((vc = statuslist_build(db, cfg, list, now, err, errlen)) == NULL)
		return STORE_ERR;
	rfc3339_format(now, from);
	if ((rc = keys_sign(db, cfg, vc, from, kid, err, errlen)) !=
	    STORE_OK) {
		json_decref(vc);
		return rc;
	}
	canon = jcs_serialize(vc, &len, err, errlen);
	json_decref(vc);
	if (canon == NULL)
		return STORE_ERR;
	if (store_status_list_put(db, list, statuslist_purpose(list), canon,
	    len, from, kid) != STORE_OK) {
		free(canon);
		snprintf(err, errlen, "cannot store status list %s", list);
		return STORE_ERR;
	}
	free(c->credential);
	c->credential = canon;
	c->len = len;
	return STORE_OK;
}

/*
 * The signed credential of list (canonical bytes, *credential malloc'd):
 * the cached one when fresh, else signed anew and cached (*resigned 1).
 * When it cannot be signed (no usable key), an unchanged cached copy
 * whose key is not compromised is still served.
 * STORE_OK, STORE_NOTFOUND (no such list), KEYS_NOKEY or STORE_ERR.
 */
static int
get_list(struct db *db, const struct config *cfg, const char *list,
    char **credential, size_t *len, int *resigned, char *err, size_t errlen)
{
	struct cached	 c;
	time_t		 now = clock_now();
	int		 rc, own = 0;

	*resigned = 0;
	*credential = NULL;
	*len = 0;
	memset(&c, 0, sizeof(c));
	if (statuslist_purpose(list) == NULL) {
		snprintf(err, errlen, "no status list %s", list);
		return STORE_NOTFOUND;
	}
	if (load(db, list, &c) == STORE_ERR) {
		snprintf(err, errlen, "cannot read status list %s", list);
		return STORE_ERR;
	}
	if (fresh(db, cfg, &c, now))
		goto serve;
	if (!db_in_transaction(db)) {
		if (db_begin(db) == -1) {
			snprintf(err, errlen, "cannot begin a transaction");
			rc = STORE_ERR;
			goto fallback;
		}
		own = 1;
	}
	/*
	 * The time of the signature is taken under the write lock: a key
	 * rotated while this request waited signs, and must not sign with
	 * a time before it existed (verifiers would refuse the list).
	 */
	now = clock_now();
	/* Another request may have signed it while this one waited. */
	if (load(db, list, &c) == STORE_ERR) {
		snprintf(err, errlen, "cannot read status list %s", list);
		rc = STORE_ERR;
		goto fallback;
	}
	if (fresh(db, cfg, &c, now)) {
		if (own)
			db_rollback(db);
		goto serve;
	}
	rc = regenerate(db, cfg, list, now, &c, err, errlen);
	if (rc == STORE_OK && own && db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit status list %s", list);
		rc = STORE_ERR;
	}
	if (rc == STORE_OK) {
		*resigned = 1;
		goto serve;
	}
fallback:
	if (own)
		db_rollback(db);
	if (load(db, list, &c) == STORE_OK && servable(db, &c)) {
		log_warn("status list %s: serving the copy of %s: %s", list,
		    c.generated_at, err);
		goto serve;
	}
	free(c.credential);
	return rc;
serve:
	*credential = c.credential;
	*len = c.len;
	return STORE_OK;
}

/* The signed credential of list for a fetch; see get_list. */
int
statuslist_get(struct db *db, const struct config *cfg, const char *list,
    char **credential, size_t *len, char *err, size_t errlen)
{
	int resigned;

	return get_list(db, cfg, list, credential, len, &resigned, err,
	    errlen);
}

/*
 * Signs list again when a fetch now would (half its validity passed, a
 * status changed, its key rotated out), without a fetch: the scheduler
 * calls it so that no list lapses while nobody fetches.  *resigned 1 when
 * it was signed; on success valid_until (may be NULL) receives the
 * served copy's validUntil.  Results as statuslist_get.
 */
int
statuslist_refresh(struct db *db, const struct config *cfg, const char *list,
    int *resigned, char valid_until[32], char *err, size_t errlen)
{
	char	*cred;
	size_t	 len;
	json_t	*vc;
	int	 rc;

	if (valid_until != NULL)
		valid_until[0] = '\0';
	if ((rc = get_list(db, cfg, list, &cred, &len, resigned, err,
	    errlen)) != STORE_OK)
		return rc;
	if (valid_until != NULL &&
	    (vc = json_loadb(cred, len, 0, NULL)) != NULL) {
		const char *u = json_string_value(json_object_get(vc,
		    "validUntil"));

		snprintf(valid_until, 32, "%s", u != NULL ? u : "");
		json_decref(vc);
	}
	free(cred);
	return STORE_OK;
}
