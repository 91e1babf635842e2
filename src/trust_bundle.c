/*
 * trust_bundle.c: the document a partner authority pins to verify this
 * authority's labels offline: issuer identity, the DID document, every
 * key with its validity (retired and compromised ones too), the schemes,
 * the status list URLs, and the digest of the next key (pre-rotation);
 * signed like a label (HACKING.md "Signed formats").
 *
 * Bundles are versioned (TUF's root versions): every version issued is
 * kept in trust_bundles as the exact bytes signed, and a new one is made
 * only when the content changes or the latest nears its expiry, so a
 * partner sees the same bytes between changes.  A version whose key set
 * differs from the previous one's must be signed by the key the previous
 * version committed to (nextKeyDigest); any other by a key the previous
 * version lists as active.  keys_sign signs with the active key, which a
 * rotation has just made the committed one; when it is not (a data dir
 * that never committed a key), the version is issued anyway and the
 * broken continuity logged.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labeld.h"
#include "rfc3339.h"
#include "crypto.h"
#include "jcs.h"

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

/* {origin, vkey} of the log key; null while there is none; NULL on a
 * fault. */
static json_t *
log_json(struct db *db)
{
	char	 origin[LABELD_LOG_ORIGIN_BUFLEN], *vkey = NULL;
	json_t	*j;

	switch (translog_vkey(db, origin, sizeof(origin), &vkey)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return json_null();
	default:
		return NULL;
	}
	j = json_pack("{s:s, s:s}", "origin", origin, "vkey", vkey);
	free(vkey);
	return j;
}

/*
 * The bundle's content as of now: everything but version, issued,
 * expires and proof.  New reference, or NULL with a message in err.
 */
static json_t *
build_content(struct db *db, const struct config *cfg, char *err,
    size_t errlen)
{
	struct walk	 keys = { cfg, json_array(), 0 };
	struct walk	 schemes = { cfg, json_array(), 0 };
	struct next_key	 nk;
	json_t		*doc = NULL, *did = NULL, *next = NULL, *log = NULL;
	char		 id[1024], rev[1024], sus[1024];
	int		 rc;

	snprintf(id, sizeof(id), "%s/v1/trust-bundle", cfg->public_url);
	if ((rc = store_next_key_committed(db, &nk)) == STORE_OK)
		next = json_string(nk.digest);
	else if (rc == STORE_NOTFOUND)
		next = json_null();
	if (next == NULL || keys.arr == NULL || schemes.arr == NULL ||
	    (log = log_json(db)) == NULL ||
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
	    "s:[s, s], s:o, s:o}",
	    "type", "LabeldTrustBundle",
	    "id", id,
	    "issuer", "id", cfg->issuer_did, "name", cfg->issuer_name,
	    "country", cfg->country, "url", cfg->public_url,
	    "didDocument", did,
	    "keys", keys.arr,
	    "schemes", schemes.arr,
	    "statusLists", rev, sus,
	    "log", log,
	    "nextKeyDigest", next);
	did = keys.arr = schemes.arr = next = log = NULL;
	if (doc == NULL)
		snprintf(err, errlen, "out of memory");
	return doc;
fail:
	json_decref(next);
	json_decref(log);
	json_decref(did);
	json_decref(keys.arr);
	json_decref(schemes.arr);
	return NULL;
}

/* Hex SHA-256 of the RFC 8785 form of content; -1 with err. */
static int
content_digest(const json_t *content, char hex[65], char *err, size_t errlen)
{
	uint8_t	 h[32];
	char	*canon;
	size_t	 len;

	if ((canon = jcs_serialize(content, &len, err, errlen)) == NULL)
		return -1;
	lc_sha256(canon, len, h);
	free(canon);
	lc_hex(h, sizeof(h), hex);
	return 0;
}

/* 1 when the keys of bundle b list the key id id. */
static int
lists_key(const json_t *b, const json_t *id)
{
	const json_t	*keys = json_object_get(b, "keys");
	size_t		 i;

	for (i = 0; i < json_array_size(keys); i++)
		if (json_equal(json_object_get(json_array_get(keys, i), "id"),
		    id))
			return 1;
	return 0;
}

/* 1 when the key ids listed under "keys" of a and b are the same set. */
static int
same_key_ids(const json_t *a, const json_t *b)
{
	const json_t	*ka = json_object_get(a, "keys");
	size_t		 i;

	if (json_array_size(ka) != json_array_size(json_object_get(b, "keys")))
		return 0;
	for (i = 0; i < json_array_size(ka); i++)
		if (!lists_key(b, json_object_get(json_array_get(ka, i), "id")))
			return 0;
	return 1;
}

/*
 * The signer rule for a version following prev, checked before signing
 * with the active key k: logs a warning (the version is issued anyway)
 * when partners following by continuity will refuse it.
 */
static void
check_continuity(const struct config *cfg, const json_t *prev,
    const json_t *doc, const struct signing_key *k, int64_t version)
{
	char		 digest[65], vm[640];
	const json_t	*keys = json_object_get(prev, "keys");
	const char	*committed;
	size_t		 i;

	if (prev == NULL)
		return;
	if (!same_key_ids(prev, doc)) {
		keys_digest(k->pk, digest);
		committed = json_string_value(json_object_get(prev,
		    "nextKeyDigest"));
		if (committed == NULL || strcmp(committed, digest) != 0)
			log_warn("trust bundle version %lld changes the keys "
			    "but its signer %s is not the key version %lld "
			    "committed to: continuity is broken, partners "
			    "must re-pin this authority's bundle out of band",
			    (long long)version, k->kid, (long long)version - 1);
		return;
	}
	snprintf(vm, sizeof(vm), "%s#%s", cfg->issuer_did, k->kid);
	for (i = 0; i < json_array_size(keys); i++) {
		const json_t *e = json_array_get(keys, i);
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *st = json_string_value(json_object_get(e,
		    "status"));

		if (id != NULL && st != NULL && strcmp(id, vm) == 0 &&
		    strcmp(st, "active") == 0 &&
		    json_is_null(json_object_get(e, "compromisedAt")))
			return;
	}
	log_warn("trust bundle version %lld is signed by %s, which version "
	    "%lld does not list as active: continuity is broken, partners "
	    "must re-pin this authority's bundle out of band",
	    (long long)version, k->kid, (long long)version - 1);
}

/* The latest version still stands at now: same content, not near expiry. */
static int
still_current(const struct trust_bundle_row *latest, const char *content,
    time_t now)
{
	time_t exp;

	return strcmp(latest->content_sha256, content) == 0 &&
	    rfc3339_to_time(latest->expires_at, 0, &exp) == 0 &&
	    now < exp - LABELD_TRUST_BUNDLE_RENEW;
}

/*
 * Signs and appends version latest->version + 1 (1 when have_latest is
 * 0) of content, issued now.  On success *bundle (malloc'd) holds the
 * exact bytes stored and row the new row.
 */
static int
issue_version(struct db *db, const struct config *cfg, json_t *content,
    const char *digest, const struct trust_bundle_row *latest,
    const char *latest_bytes, time_t now, char **bundle, size_t *len,
    struct trust_bundle_row *row, char *err, size_t errlen)
{
	struct signing_key	 k;
	json_t			*prev = NULL;
	char			*canon = NULL;
	int			 rc;

	memset(row, 0, sizeof(*row));
	row->version = latest != NULL ? latest->version + 1 : 1;
	rfc3339_format(now, row->issued_at);
	rfc3339_format(now + (time_t)cfg->trust_bundle_validity,
	    row->expires_at);
	snprintf(row->content_sha256, sizeof(row->content_sha256), "%s",
	    digest);
	if (json_object_set_new(content, "version",
	    json_integer(row->version)) == -1 ||
	    json_object_set_new(content, "issued",
	    json_string(row->issued_at)) == -1 ||
	    json_object_set_new(content, "expires",
	    json_string(row->expires_at)) == -1) {
		snprintf(err, errlen, "out of memory");
		return STORE_ERR;
	}
	switch (store_key_active(db, &k)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "no active signing key (run labelctl key "
		    "rotate)");
		return KEYS_NOKEY;
	default:
		snprintf(err, errlen, "cannot read the signing keys");
		return STORE_ERR;
	}
	if (latest_bytes != NULL)
		prev = json_loads(latest_bytes, 0, NULL);
	check_continuity(cfg, prev, content, &k, row->version);
	json_decref(prev);
	if ((rc = keys_sign(db, cfg, content, row->issued_at, row->kid, err,
	    errlen)) != STORE_OK)
		return rc;
	if ((canon = jcs_serialize(content, len, err, errlen)) == NULL)
		return STORE_ERR;
	if (store_trust_bundle_insert(db, row, canon, *len) != STORE_OK) {
		snprintf(err, errlen, "cannot store trust bundle version %lld",
		    (long long)row->version);
		free(canon);
		return STORE_ERR;
	}
	*bundle = canon;
	return STORE_OK;
}

/* What the current bundle is compared with. */
struct look {
	json_t			*content;	/* as of now, unsigned */
	char			 digest[65];	/* of content */
	int			 have;		/* a version exists */
	struct trust_bundle_row	 latest;
	char			*bytes;		/* latest's, malloc'd */
	size_t			 len;
};

static void
look_free(struct look *l)
{
	json_decref(l->content);
	free(l->bytes);
	memset(l, 0, sizeof(*l));
}

/* Fills l from db (in the caller's snapshot); STORE_OK or STORE_ERR. */
static int
look(struct db *db, const struct config *cfg, struct look *l, char *err,
    size_t errlen)
{
	memset(l, 0, sizeof(*l));
	if ((l->content = build_content(db, cfg, err, errlen)) == NULL ||
	    content_digest(l->content, l->digest, err, errlen) == -1)
		return STORE_ERR;
	switch (store_trust_bundle_latest(db, &l->latest, &l->bytes,
	    &l->len)) {
	case STORE_OK:
		l->have = 1;
		return STORE_OK;
	case STORE_NOTFOUND:
		return STORE_OK;
	default:
		snprintf(err, errlen, "cannot read the trust bundles");
		return STORE_ERR;
	}
}

/*
 * The current trust bundle: the latest stored version when its content
 * is unchanged and it is not within LABELD_TRUST_BUNDLE_RENEW of its
 * expiry, else a new version signed and stored (under the write lock, in
 * the caller's transaction or one of its own).  now 0 means the clock,
 * read after the lock.  *bundle (malloc'd) receives the exact bytes, row
 * (may be NULL) the version's row, *made (may be NULL) 1 when a new
 * version was issued (the caller logs it).  STORE_OK, KEYS_NOKEY (nothing
 * can sign a needed new version) or STORE_ERR, with a message in err.
 */
int
trust_bundle_current(struct db *db, const struct config *cfg, time_t now,
    char **bundle, size_t *len, struct trust_bundle_row *row, int *made,
    char *err, size_t errlen)
{
	struct trust_bundle_row	 r;
	struct look		 l;
	int			 rc = STORE_ERR, own = 0;

	*bundle = NULL;
	*len = 0;
	if (made != NULL)
		*made = 0;
	memset(&l, 0, sizeof(l));
	/*
	 * Most fetches change nothing: they are answered from a read
	 * snapshot, so that anyone fetching the public bundle never holds
	 * the write lock.  Only a due version takes it (and looks again).
	 */
	if (!db_in_transaction(db) && db_begin_read(db) == 0) {
		rc = look(db, cfg, &l, err, errlen);
		db_rollback(db);
		if (rc == STORE_OK && l.have && still_current(&l.latest,
		    l.digest, now != 0 ? now : clock_now()))
			goto serve;
		look_free(&l);
		rc = STORE_ERR;
	}
	if (!db_in_transaction(db)) {
		if (db_begin(db) == -1) {
			snprintf(err, errlen, "cannot begin a transaction");
			return STORE_ERR;
		}
		own = 1;
	}
	/* The time after the lock: never older than a key rotated meanwhile. */
	if (now == 0)
		now = clock_now();
	if ((rc = look(db, cfg, &l, err, errlen)) != STORE_OK)
		goto done;
	if (l.have && still_current(&l.latest, l.digest, now))
		goto serve;
	if ((rc = issue_version(db, cfg, l.content, l.digest, l.have ?
	    &l.latest : NULL, l.bytes, now, bundle, len, &r, err, errlen)) !=
	    STORE_OK)
		goto done;
	if (own && db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit trust bundle version %lld",
		    (long long)r.version);
		free(*bundle);
		*bundle = NULL;
		rc = STORE_ERR;
		goto done;
	}
	own = 0;
	if (made != NULL)
		*made = 1;
	goto done;
serve:
	*bundle = l.bytes;
	*len = l.len;
	l.bytes = NULL;
	r = l.latest;
	rc = STORE_OK;
done:
	if (own)
		db_rollback(db);
	if (rc == STORE_OK && row != NULL)
		*row = r;
	look_free(&l);
	return rc;
}

/*
 * Copies the issuer identity of the latest stored version (public URL,
 * DID, name, country) into cfg: labelctl, which does not know the
 * address labeld serves under, builds versions the daemon would.  No
 * change when no version exists.  0, or -1 on a database fault.
 */
int
trust_bundle_identity(struct db *db, struct config *cfg)
{
	struct trust_bundle_row	 r;
	json_t			*b, *iss;
	char			*bytes;
	size_t			 len;
	const char		*id, *name, *country, *url;

	switch (store_trust_bundle_latest(db, &r, &bytes, &len)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return 0;
	default:
		return -1;
	}
	b = json_loadb(bytes, len, 0, NULL);
	free(bytes);
	iss = json_object_get(b, "issuer");
	id = json_string_value(json_object_get(iss, "id"));
	name = json_string_value(json_object_get(iss, "name"));
	country = json_string_value(json_object_get(iss, "country"));
	url = json_string_value(json_object_get(iss, "url"));
	if (id != NULL && name != NULL && country != NULL && url != NULL &&
	    strlen(id) < sizeof(cfg->issuer_did) &&
	    strlen(name) < sizeof(cfg->issuer_name) &&
	    strlen(country) < sizeof(cfg->country) &&
	    strlen(url) < sizeof(cfg->public_url)) {
		snprintf(cfg->issuer_did, sizeof(cfg->issuer_did), "%s", id);
		snprintf(cfg->issuer_name, sizeof(cfg->issuer_name), "%s",
		    name);
		snprintf(cfg->country, sizeof(cfg->country), "%s", country);
		snprintf(cfg->public_url, sizeof(cfg->public_url), "%s", url);
	}
	json_decref(b);
	return 0;
}
