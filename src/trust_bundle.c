/*
 * trust_bundle.c: the document a partner authority pins to verify this
 * authority's labels offline: issuer identity, the DID document, every
 * key with its validity (retired and compromised ones too), the schemes,
 * the status list URLs; signed like a label (HACKING.md "Signed formats").
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "labeld.h"
#include "rfc3339.h"

struct walk {
	const struct config	*cfg;
	json_t			*arr;
	int			 failed;
};

static json_t *
opt_string(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

static int
add_key(const struct signing_key *k, void *arg)
{
	struct walk	*w = arg;
	json_t		*mk = keys_multikey_json(w->cfg, k), *e = NULL;

	if (mk != NULL)
		e = json_pack("{s:O, s:O, s:s, s:o, s:o, s:s}",
		    "id", json_object_get(mk, "id"),
		    "publicKeyMultibase", json_object_get(mk,
		    "publicKeyMultibase"),
		    "validFrom", k->created_at,
		    "validUntil", opt_string(k->retired_at),
		    "compromisedAt", opt_string(k->compromised_at),
		    "status", k->status);
	json_decref(mk);
	if (e == NULL || json_array_append_new(w->arr, e) == -1) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

static int
add_scheme(const struct scheme_row *s, void *arg)
{
	struct walk *w = arg;

	if (json_array_append_new(w->arr, json_pack("{s:s, s:i, s:s}", "id",
	    s->id, "version", s->version, "title", s->title)) == -1) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

/*
 * The signed trust bundle as of now.  New reference; NULL with *rc
 * KEYS_NOKEY (nothing can sign) or STORE_ERR and a message in err.
 */
json_t *
trust_bundle_build(struct db *db, const struct config *cfg, time_t now,
    int *rc, char *err, size_t errlen)
{
	struct walk	 keys = { cfg, json_array(), 0 };
	struct walk	 schemes = { cfg, json_array(), 0 };
	json_t		*doc = NULL, *did = NULL;
	char		 id[1024], rev[1024], sus[1024], issued[32];

	*rc = STORE_ERR;
	rfc3339_format(now, issued);
	snprintf(id, sizeof(id), "%s/v1/trust-bundle", cfg->public_url);
	if (keys.arr == NULL || schemes.arr == NULL ||
	    (did = keys_did_document(db, cfg)) == NULL ||
	    store_key_list(db, add_key, &keys) != STORE_OK || keys.failed ||
	    store_scheme_list(db, NULL, add_scheme, &schemes) != STORE_OK ||
	    schemes.failed ||
	    statuslist_url(cfg, LABELD_STATUSLIST_REVOCATION, rev,
	    sizeof(rev)) == -1 ||
	    statuslist_url(cfg, LABELD_STATUSLIST_SUSPENSION, sus,
	    sizeof(sus)) == -1) {
		snprintf(err, errlen, "cannot read the keys and schemes");
		goto fail;
	}
	doc = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:o, s:o, s:o, "
	    "s:[s, s], s:n, s:s}",
	    "type", "LabeldTrustBundle",
	    "id", id,
	    "issuer", "id", cfg->issuer_did, "name", cfg->issuer_name,
	    "country", cfg->country, "url", cfg->public_url,
	    "didDocument", did,
	    "keys", keys.arr,
	    "schemes", schemes.arr,
	    "statusLists", rev, sus,
	    "log",
	    "issued", issued);
	did = keys.arr = schemes.arr = NULL;
	if (doc == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((*rc = keys_sign(db, cfg, doc, issued, NULL, err, errlen)) !=
	    STORE_OK)
		goto fail;
	return doc;
fail:
	json_decref(doc);
	json_decref(did);
	json_decref(keys.arr);
	json_decref(schemes.arr);
	return NULL;
}
