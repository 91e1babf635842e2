/*
 * translog.c: labeld's transparency log over the tlog_* tables.  Appends
 * one leaf per issuance, status change and key event inside the caller's
 * write transaction; keeps the log's own Ed25519 key (DATA/keys/log-<kid>
 * .key, 0600); signs checkpoints; answers proofs from the stored subtree
 * hashes (O(log n) reads, never a rebuild), and rebuilds the whole tree
 * only for translog_verify (labelctl log verify).
 *
 * CHECKPOINTS are made lazily: translog_checkpoint signs one for the
 * current size when the latest stored one is smaller, under the write
 * lock, after re-reading both.  So an append (an issuance, or labelctl
 * key rotate on a stopped daemon) never needs the log key, and the size
 * is the table's primary key: there is never a second checkpoint of a
 * size.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"
#include "jcs.h"
#include "note.h"
#include "rfc3339.h"
#include "tlog.h"

/* The tlog_read_fn over the stored subtree hashes; arg is the db. */
int
translog_read(void *arg, unsigned level, uint64_t idx,
    uint8_t out[TLOG_HASH_LEN], char *err, size_t errlen)
{
	switch (store_tlog_hash_get(arg, level, idx, out)) {
	case STORE_OK:
		return 0;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "subtree hash (%u, %llu) is missing",
		    level, (unsigned long long)idx);
		return -1;
	default:
		snprintf(err, errlen, "cannot read subtree hash (%u, %llu)",
		    level, (unsigned long long)idx);
		return -1;
	}
}

/*
 * The RFC 8785 bytes of e's leaf {kind, label_id, credential_sha256, time,
 * reason} (absent strings are null) into *out (malloc'd), *len.
 */
int
translog_entry_bytes(const struct translog_entry *e, const char *time,
    char **out, size_t *len, char *err, size_t errlen)
{
	json_t *j;

	*out = NULL;
	if ((j = json_pack("{s:s, s:s?, s:s?, s:s, s:s?}", "kind", e->kind,
	    "label_id", e->label_id, "credential_sha256",
	    e->credential_sha256, "time", time, "reason", e->reason)) == NULL) {
		snprintf(err, errlen, "cannot build the log entry");
		return -1;
	}
	*out = jcs_serialize(j, len, err, errlen);
	json_decref(j);
	return *out == NULL ? -1 : 0;
}

/*
 * Appends e as the next leaf, with the subtree hashes it completes, in the
 * caller's open write transaction (so the change it records and its leaf
 * commit or roll back together).  *index (may be NULL) receives its
 * position.  STORE_OK, STORE_INVALID (no transaction, bad kind) or
 * STORE_ERR, with a message in err.
 */
int
translog_append(struct db *db, const struct translog_entry *e,
    uint64_t *index, char *err, size_t errlen)
{
	struct tlog_node	 nodes[TLOG_MAX_APPEND];
	struct tlog_leaf	 l;
	char			*entry = NULL, now[32];
	size_t			 len, n, i;
	uint64_t		 size;
	int			 rc = STORE_ERR;

	assert(e != NULL && e->kind != NULL);
	if (!db_in_transaction(db)) {
		snprintf(err, errlen, "a log append needs the caller's "
		    "transaction");
		return STORE_INVALID;
	}
	rfc3339_format(e->time ? e->time : clock_now(), now);
	if (translog_entry_bytes(e, now, &entry, &len, err, errlen) == -1)
		goto done;
	if (store_tlog_size(db, &size) != STORE_OK) {
		snprintf(err, errlen, "cannot read the log size");
		goto done;
	}
	memset(&l, 0, sizeof(l));
	l.idx = size;
	l.entry = entry;
	l.len = len;
	l.kind = e->kind;
	l.label_id = e->label_id;
	l.appended_at = now;
	if (tlog_leaf_hash(entry, len, l.hash, err, errlen) == -1 ||
	    tlog_append_hashes(size, l.hash, translog_read, db, nodes, &n,
	    err, errlen) == -1)
		goto done;
	if ((rc = store_tlog_leaf_insert(db, &l)) != STORE_OK) {
		snprintf(err, errlen, "cannot append log leaf %llu",
		    (unsigned long long)size);
		rc = rc == STORE_CONFLICT ? STORE_INVALID : STORE_ERR;
		goto done;
	}
	for (i = 0; i < n; i++)
		if (store_tlog_hash_insert(db, nodes[i].level, nodes[i].idx,
		    nodes[i].hash) != STORE_OK) {
			snprintf(err, errlen, "cannot store subtree hash "
			    "(%u, %llu)", nodes[i].level,
			    (unsigned long long)nodes[i].idx);
			rc = STORE_ERR;
			goto done;
		}
	if (index != NULL)
		*index = size;
	rc = STORE_OK;
done:
	free(entry);
	return rc;
}

/* The checkpoint origin: the host[:port] of public_url + "/labeld". */
int
translog_origin(const struct config *cfg, char *out, size_t outlen)
{
	const char	*h = cfg->public_url, *p;
	char		 why[128];
	size_t		 n;

	if ((p = strstr(h, "://")) != NULL)
		h = p + 3;
	n = strcspn(h, "/?#");
	if (n == 0 || snprintf(out, outlen, "%.*s/" LABELD_LOG_ORIGIN_NAME,
	    (int)n, h) >= (int)outlen ||
	    note_check_name(out, why, sizeof(why)) == -1) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

/* One log key by kid, found in a walk. */
struct key_find {
	const char	*kid;
	struct log_key	 k;
	int		 found;
};

static int
key_find(const struct log_key *k, void *arg)
{
	struct key_find *f = arg;

	if (strcmp(k->kid, f->kid) != 0)
		return 0;
	f->k = *k;
	f->found = 1;
	return 1;
}

/* Retires every log key older than the new one (a compromise). */
struct retire_all {
	struct db	*db;
	const char	*keep;
	const char	*at;
	int		 failed;
};

static int
retire_old(const struct log_key *k, void *arg)
{
	struct retire_all *x = arg;

	if (k->retired_at[0] != '\0' || strcmp(k->kid, x->keep) == 0)
		return 0;
	if (store_log_key_retire(x->db, k->kid, x->at, 1) != STORE_OK) {
		x->failed = 1;
		return 1;
	}
	return 0;
}

/*
 * Makes a log key: a fresh Ed25519 key in DATA/keys/log-<kid>.key (0600,
 * unsealed: the daemon signs checkpoints unattended).  rotate 0: only when
 * there is none (first start, or a data dir from before 0008), with the
 * origin of cfg's public_url.  Else a rotation: the new key keeps the log's
 * origin, is the one GET /v1/trust-bundle lists from then on, and a "key"
 * leaf records it in the same transaction; the old key keeps co-signing
 * until retired, unless rotate is 2 (compromised: retired at once).
 * 0 with the new key in *added (may be NULL), or -1 with err.
 */
static int
make_log_key(struct store *s, const struct config *cfg, int rotate,
    struct log_key *added, char *err, size_t errlen)
{
	struct db		*db = store_acquire(s);
	struct log_key		 k, old;
	struct retire_all	 x;
	uint8_t			 sk[LC_SK_LEN];
	char			 path[PATH_MAX], dir[PATH_MAX], reason[160];
	int			 rc = -1, own = 0;

	path[0] = '\0';
	memset(&old, 0, sizeof(old));
	switch (store_log_key_get(db, &old)) {
	case STORE_OK:
		if (!rotate) {
			rc = 0;
			goto done;
		}
		break;
	case STORE_NOTFOUND:
		if (rotate) {
			snprintf(err, errlen, "no log key to rotate");
			goto done;
		}
		break;
	default:
		snprintf(err, errlen, "cannot read the log key");
		goto done;
	}
	memset(&k, 0, sizeof(k));
	if (rotate)
		snprintf(k.origin, sizeof(k.origin), "%s", old.origin);
	else if (translog_origin(cfg, k.origin, sizeof(k.origin)) == -1) {
		snprintf(err, errlen, "public_url %s gives no log origin",
		    cfg->public_url);
		goto done;
	}
	lc_ed25519_keypair(k.pk, sk);
	keys_kid(k.pk, k.kid);
	snprintf(k.file, sizeof(k.file), "%s/log-%s.key", LABELD_KEYS_DIR,
	    k.kid);
	rfc3339_format(clock_now(), k.created_at);
	if (path_join(dir, sizeof(dir), cfg->data_dir, LABELD_KEYS_DIR) ||
	    path_join(path, sizeof(path), cfg->data_dir, k.file)) {
		snprintf(err, errlen, "data dir path too long");
		path[0] = '\0';
		goto done;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		path[0] = '\0';
		goto done;
	}
	if (lc_keyfile_write(path, sk, NULL, err, errlen) == -1) {
		path[0] = '\0';
		goto done;
	}
	if (db_begin(db) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		goto done;
	}
	own = 1;
	if (store_log_key_insert(db, &k) != STORE_OK) {
		snprintf(err, errlen, "cannot record the log key");
		goto done;
	}
	if (rotate == 2) {
		memset(&x, 0, sizeof(x));
		x.db = db;
		x.keep = k.kid;
		x.at = k.created_at;
		if (store_log_key_list(db, retire_old, &x) != STORE_OK ||
		    x.failed) {
			snprintf(err, errlen, "cannot retire the old log keys");
			goto done;
		}
	}
	if (rotate) {
		snprintf(reason, sizeof(reason), "log-rotate: %s %s, %s "
		    "signs", old.kid, rotate == 2 ? "compromised and retired" :
		    "co-signs until retired", k.kid);
		if (translog_append(db, &(struct translog_entry){ .kind = "key",
		    .reason = reason }, NULL, err, errlen) != STORE_OK)
			goto done;
	}
	if (db_commit(db) == -1) {
		snprintf(err, errlen, "cannot record the log key");
		goto done;
	}
	own = 0;
	path[0] = '\0';
	if (rotate)
		log_info("log key rotated: %s signs checkpoints (origin %s), "
		    "%s %s", k.kid, k.origin, old.kid, rotate == 2 ?
		    "compromised and retired" : "co-signs until retired");
	else
		log_info("created log key %s (origin %s)", k.kid, k.origin);
	if (added != NULL)
		*added = k;
	rc = 0;
done:
	lc_wipe(sk, sizeof(sk));
	if (own)
		db_rollback(db);
	if (path[0] != '\0')
		unlink(path);
	store_release(db);
	return rc;
}

/* The log key at first start: see make_log_key.  0 or -1 with err. */
int
translog_key_ensure(struct store *s, const struct config *cfg, char *err,
    size_t errlen)
{
	return make_log_key(s, cfg, 0, NULL, err, errlen);
}

/* labelctl log rotate [--compromised]: see make_log_key. */
int
translog_key_rotate(struct store *s, const struct config *cfg,
    int compromised, struct log_key *added, char *err, size_t errlen)
{
	return make_log_key(s, cfg, compromised ? 2 : 1, added, err, errlen);
}

/*
 * labelctl log retire kid: an older log key stops co-signing checkpoints
 * (the end of a rotation's overlap), recorded by a "key" leaf.  The newest
 * key cannot be retired: rotate instead.  STORE_OK, STORE_NOTFOUND,
 * STORE_INVALID (the newest, or retired already) or STORE_ERR, with err.
 */
int
translog_key_retire(struct db *db, const char *kid, char *err, size_t errlen)
{
	struct log_key	 newest;
	struct key_find	 f;
	char		 now[32], reason[160];
	int		 rc = STORE_ERR;

	if (db_begin(db) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		return STORE_ERR;
	}
	memset(&f, 0, sizeof(f));
	f.kid = kid;
	if (store_log_key_get(db, &newest) != STORE_OK ||
	    store_log_key_list(db, key_find, &f) != STORE_OK) {
		snprintf(err, errlen, "cannot read the log keys");
		goto fail;
	}
	rc = STORE_INVALID;
	if (!f.found) {
		snprintf(err, errlen, "no log key %s", kid);
		rc = STORE_NOTFOUND;
		goto fail;
	}
	if (strcmp(newest.kid, kid) == 0) {
		snprintf(err, errlen, "log key %s is the newest: rotate it "
		    "instead", kid);
		goto fail;
	}
	if (f.k.retired_at[0] != '\0') {
		snprintf(err, errlen, "log key %s is retired since %s", kid,
		    f.k.retired_at);
		goto fail;
	}
	rc = STORE_ERR;
	rfc3339_format(clock_now(), now);
	snprintf(reason, sizeof(reason), "log-retire: %s, %s signs", kid,
	    newest.kid);
	if (store_log_key_retire(db, kid, now, 0) != STORE_OK ||
	    translog_append(db, &(struct translog_entry){ .kind = "key",
	    .reason = reason }, NULL, err, errlen) != STORE_OK ||
	    db_commit(db) == -1) {
		snprintf(err, errlen, "cannot retire log key %s", kid);
		goto fail;
	}
	log_info("log key %s retired: %s alone signs checkpoints", kid,
	    newest.kid);
	return STORE_OK;
fail:
	db_rollback(db);
	return rc;
}

/*
 * The log key's verifier key name+hex(keyid)+base64(0x01 || pk) into
 * *vkey (malloc'd) and its origin into origin (originlen bytes).  STORE_OK, STORE_NOTFOUND
 * (no log key yet) or STORE_ERR.
 */
int
translog_vkey(struct db *db, char *origin, size_t originlen, char **vkey)
{
	struct log_key		 k;
	struct note_verifier	 v;
	char			 why[128];
	int			 rc;

	*vkey = NULL;
	if ((rc = store_log_key_get(db, &k)) != STORE_OK)
		return rc;
	if (note_verifier_init(&v, k.origin, NOTE_ALG_ED25519, k.pk, why,
	    sizeof(why)) == -1 || note_vkey_format(&v, vkey, why,
	    sizeof(why)) == -1) {
		log_error("log key %s: %s", k.kid, why);
		return STORE_ERR;
	}
	snprintf(origin, originlen, "%s", k.origin);
	return STORE_OK;
}

/*
 * A signer of the log key k's secret (its file under the data dir) as name
 * with alg: NOTE_ALG_ED25519 for checkpoints, NOTE_ALG_COSIGNATURE when
 * this labeld witnesses a partner's log.  0, or -1 with err.
 */
static int
log_signer(const struct config *cfg, const struct log_key *k,
    const char *name, uint8_t alg, struct note_signer *s, char *err,
    size_t errlen)
{
	uint8_t	 sk[LC_SK_LEN], pk[LC_PK_LEN];
	char	 path[PATH_MAX];
	int	 rc = -1;

	memset(s, 0, sizeof(*s));
	if (path_join(path, sizeof(path), cfg->data_dir, k->file)) {
		snprintf(err, errlen, "data dir path too long");
		return -1;
	}
	if (lc_keyfile_read(path, NULL, sk, err, errlen) == -1)
		goto done;
	lc_ed25519_sk_to_pk(sk, pk);
	if (!lc_equal(pk, k->pk, sizeof(pk))) {
		snprintf(err, errlen, "log key %s: the file %s holds another "
		    "key", k->kid, k->file);
		goto done;
	}
	rc = note_signer_init(s, name, alg, sk, err, errlen);
done:
	lc_wipe(sk, sizeof(sk));
	return rc;
}

/* The log keys that still sign (not retired), newest first. */
struct signing_ring {
	struct log_key	 k[LABELD_LOG_MAX_KEYS];
	size_t		 n;
	int		 failed;
};

static int
ring_signer(const struct log_key *k, void *arg)
{
	struct signing_ring *r = arg;

	if (k->retired_at[0] != '\0')
		return 0;
	if (r->n == LABELD_LOG_MAX_KEYS) {
		r->failed = 1;
		return 1;
	}
	/* store_log_key_list walks oldest first */
	memmove(&r->k[1], &r->k[0], r->n * sizeof(r->k[0]));
	r->k[0] = *k;
	r->n++;
	return 0;
}

/*
 * Signs the checkpoint (origin, size, root) with the newest log key k and
 * every older log key not retired (the overlap after a rotation: a
 * verifier holding either key's bundle accepts it): the note into *note
 * (malloc'd), *len.
 */
static int
sign_checkpoint(struct db *db, const struct config *cfg,
    const struct log_key *k, uint64_t size, const uint8_t root[TLOG_HASH_LEN],
    char **note, size_t *len, char *err, size_t errlen)
{
	struct note_checkpoint	 c;
	struct note_signer	 s;
	struct signing_ring	*ring = NULL;
	struct note		*n = NULL;
	char			*text = NULL;
	size_t			 tlen, i;
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	*note = NULL;
	if ((ring = calloc(1, sizeof(*ring))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (store_log_key_list(db, ring_signer, ring) != STORE_OK ||
	    ring->failed || ring->n == 0 || strcmp(ring->k[0].kid,
	    k->kid) != 0) {
		snprintf(err, errlen, "cannot read the log keys that sign");
		goto done;
	}
	snprintf(c.origin, sizeof(c.origin), "%s", k->origin);
	c.size = size;
	memcpy(c.root, root, TLOG_HASH_LEN);
	if (note_checkpoint_format(&c, &text, &tlen, err, errlen) == -1 ||
	    note_new(text, tlen, &n, err, errlen) == -1)
		goto done;
	for (i = 0; i < ring->n; i++) {
		if (log_signer(cfg, &ring->k[i], k->origin, NOTE_ALG_ED25519,
		    &s, err, errlen) == -1 ||
		    note_sign(n, &s, 0, err, errlen) == -1)
			goto done;
		note_signer_wipe(&s);
	}
	if (note_format(n, note, len, err, errlen) == -1)
		goto done;
	rc = 0;
done:
	note_signer_wipe(&s);
	note_free(n);
	free(text);
	free(ring);
	return rc;
}

/* Appending the stored cosignature lines to a checkpoint's note. */
struct cosig_lines {
	char	*note;
	size_t	 len;
	int	 failed;
};

static int
add_cosig_line(const struct log_cosig *c, void *arg)
{
	struct cosig_lines	*x = arg;
	size_t			 n = strlen(c->line);
	char			*p;

	if (x->len + n + 2 > NOTE_MAX_LEN ||
	    (p = realloc(x->note, x->len + n + 2)) == NULL) {
		x->failed = 1;
		return 1;
	}
	memcpy(p + x->len, c->line, n);
	p[x->len + n] = '\n';
	p[x->len + n + 1] = '\0';
	x->note = p;
	x->len += n + 1;
	return 0;
}

/*
 * Appends the partners' witness cosignatures of the checkpoint of size to
 * its note *note (malloc'd, *len bytes), in the caller's transaction: a
 * signed note takes further signature lines as they come.
 */
static int
attach_cosigs(struct db *db, uint64_t size, char **note, size_t *len)
{
	struct cosig_lines x = { *note, *len, 0 };
	int rc;

	rc = store_log_cosig_walk(db, size, add_cosig_line, &x);
	*note = x.note;
	*len = x.len;
	return rc != STORE_OK || x.failed ? -1 : 0;
}

/*
 * The checkpoint of the current tree into c and its note into *note
 * (malloc'd, c->note points to it; NULL on failure).  The latest stored one
 * when the tree has not grown since; else one is signed with the log key
 * and stored under the write lock, after re-reading size and latest (two
 * callers racing store one, and both answer it).  Outside a transaction.
 * STORE_OK, KEYS_NOKEY (no log key, or its file cannot be read) or
 * STORE_ERR, with err.
 */
int
translog_checkpoint(struct db *db, const struct config *cfg,
    struct tlog_checkpoint *c, char **out, char *err, size_t errlen)
{
	struct log_key	 k;
	char		*note = NULL;
	uint64_t	 size;
	int		 rc = STORE_ERR, pass, r;

	assert(!db_in_transaction(db));
	memset(c, 0, sizeof(*c));
	*out = NULL;
	for (pass = 0; pass < 2; pass++) {
		if ((pass == 0 ? db_begin_read(db) : db_begin(db)) == -1) {
			snprintf(err, errlen, "cannot begin a transaction");
			return STORE_ERR;
		}
		if (store_tlog_size(db, &size) != STORE_OK) {
			snprintf(err, errlen, "cannot read the log size");
			goto fail;
		}
		r = store_tlog_checkpoint_latest(db, c, &note);
		if (r == STORE_OK && c->size == size) {
			if (attach_cosigs(db, size, &note, &c->notelen) == -1) {
				snprintf(err, errlen, "cannot read the "
				    "checkpoint's cosignatures");
				goto fail;
			}
			c->note = note;
			db_rollback(db);
			*out = note;
			return STORE_OK;
		}
		free(note);
		note = NULL;
		memset(c, 0, sizeof(*c));
		if (r != STORE_OK && r != STORE_NOTFOUND) {
			snprintf(err, errlen, "cannot read the checkpoint");
			goto fail;
		}
		if (pass == 0)
			db_rollback(db);
	}
	switch (store_log_key_get(db, &k)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "no log key");
		rc = KEYS_NOKEY;
		goto fail;
	default:
		snprintf(err, errlen, "cannot read the log key");
		goto fail;
	}
	c->size = size;
	snprintf(c->kid, sizeof(c->kid), "%s", k.kid);
	rfc3339_format(clock_now(), c->created_at);
	if (tlog_root(size, translog_read, db, c->root, err, errlen) == -1)
		goto fail;
	if (sign_checkpoint(db, cfg, &k, size, c->root, &note, &c->notelen,
	    err, errlen) == -1) {
		rc = KEYS_NOKEY;
		goto fail;
	}
	c->note = note;
	if (store_tlog_checkpoint_insert(db, c) != STORE_OK ||
	    db_commit(db) == -1) {
		snprintf(err, errlen, "cannot store the checkpoint of size "
		    "%llu", (unsigned long long)size);
		goto fail;
	}
	log_info("log checkpoint of size %llu signed by %s",
	    (unsigned long long)size, k.kid);
	*out = note;
	return STORE_OK;
fail:
	db_rollback(db);
	free(note);
	memset(c, 0, sizeof(*c));
	return rc;
}

/*
 * The inclusion proof of leaf index in the tree of size leaves into
 * proof[0..*n).  STORE_OK; STORE_INVALID when index >= size or size
 * exceeds the log (err says which); STORE_ERR.
 */
int
translog_inclusion(struct db *db, uint64_t index, uint64_t size,
    uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *n, char *err,
    size_t errlen)
{
	uint64_t	 cur;
	int		 rc = STORE_ERR, own = 0;

	*n = 0;
	if (!db_in_transaction(db)) {
		if (db_begin_read(db) == -1) {
			snprintf(err, errlen, "cannot begin a transaction");
			return STORE_ERR;
		}
		own = 1;
	}
	if (store_tlog_size(db, &cur) != STORE_OK) {
		snprintf(err, errlen, "cannot read the log size");
		goto done;
	}
	if (size > cur || index >= size) {
		snprintf(err, errlen, "need index < tree_size <= %llu (the log "
		    "size)", (unsigned long long)cur);
		rc = STORE_INVALID;
		goto done;
	}
	if (tlog_inclusion_proof(index, size, translog_read, db, proof, n,
	    err, errlen) == -1)
		goto done;
	rc = STORE_OK;
done:
	if (own)
		db_rollback(db);
	return rc;
}

/*
 * The consistency proof between the trees of first and second leaves
 * into proof[0..*n).  STORE_OK; STORE_INVALID when first > second or
 * second exceeds the log; STORE_ERR.
 */
int
translog_consistency(struct db *db, uint64_t first, uint64_t second,
    uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *n, char *err,
    size_t errlen)
{
	uint64_t	 cur;
	int		 rc = STORE_ERR;

	*n = 0;
	if (db_begin_read(db) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		return STORE_ERR;
	}
	if (store_tlog_size(db, &cur) != STORE_OK) {
		snprintf(err, errlen, "cannot read the log size");
		goto done;
	}
	if (first > second || second > cur) {
		snprintf(err, errlen, "need first <= second <= %llu (the log "
		    "size)", (unsigned long long)cur);
		rc = STORE_INVALID;
		goto done;
	}
	if (tlog_consistency_proof(first, second, translog_read, db, proof, n,
	    err, errlen) == -1)
		goto done;
	rc = STORE_OK;
done:
	db_rollback(db);
	return rc;
}

struct leaf_copy {
	char	*entry;
	size_t	 len;
	int	 failed;
};

static int
copy_leaf(const struct tlog_leaf *l, void *arg)
{
	struct leaf_copy *c = arg;

	if ((c->entry = malloc(l->len + 1)) == NULL) {
		c->failed = 1;
		return 1;
	}
	memcpy(c->entry, l->entry, l->len);
	c->entry[l->len] = '\0';
	c->len = l->len;
	return 1;
}

/* Frees what translog_label_proof put in p.  NULL-safe. */
void
translog_label_proof_free(struct translog_label_proof *p)
{
	if (p == NULL)
		return;
	free(p->entry);
	free(p->note);
	memset(p, 0, sizeof(*p));
}

/*
 * label_id's position in the log (its "issue" leaf), that leaf's bytes,
 * and its inclusion proof in the current checkpoint (made when the tree
 * grew), into p (translog_label_proof_free).  Outside a transaction.
 * STORE_OK, STORE_NOTFOUND (the label has no leaf: issued before the
 * log), KEYS_NOKEY or STORE_ERR, with err.
 */
int
translog_label_proof(struct db *db, const struct config *cfg,
    const char *label_id, struct translog_label_proof *p, char *err,
    size_t errlen)
{
	struct leaf_copy	 lc = { NULL, 0, 0 };
	int			 rc;

	memset(p, 0, sizeof(*p));
	if ((rc = translog_checkpoint(db, cfg, &p->checkpoint, &p->note, err,
	    errlen)) != STORE_OK)
		return rc;
	p->tree_size = p->checkpoint.size;
	if (db_begin_read(db) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		rc = STORE_ERR;
		goto fail;
	}
	switch ((rc = store_tlog_leaf_of_label(db, label_id, "issue",
	    &p->index))) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "label %s has no log entry", label_id);
		goto fail;
	default:
		snprintf(err, errlen, "cannot read the log");
		goto fail;
	}
	rc = STORE_ERR;
	if (store_tlog_leaf_walk(db, p->index, p->index + 1, 1, copy_leaf,
	    &lc) != STORE_OK || lc.failed || lc.entry == NULL) {
		snprintf(err, errlen, "cannot read log leaf %llu",
		    (unsigned long long)p->index);
		goto fail;
	}
	p->entry = lc.entry;
	p->len = lc.len;
	lc.entry = NULL;
	/* the checkpoint was read before: a leaf appended since lies outside */
	if (p->index >= p->tree_size) {
		snprintf(err, errlen, "label %s is not yet in the checkpoint",
		    label_id);
		rc = STORE_NOTFOUND;
		goto fail;
	}
	if ((rc = translog_inclusion(db, p->index, p->tree_size, p->proof,
	    &p->nproof, err, errlen)) != STORE_OK)
		goto fail;
	db_rollback(db);
	return STORE_OK;
fail:
	db_rollback(db);
	translog_label_proof_free(p);
	return rc;
}

/* The rebuild of translog_verify: the newest complete subtree of each
 * level (the left siblings the next append needs), and the first fault. */
struct rebuild {
	struct db	*db;
	uint64_t	 next;
	uint64_t	 idx[TLOG_MAX_LEVEL + 1];
	uint8_t		 hash[TLOG_MAX_LEVEL + 1][TLOG_HASH_LEN];
	int		 have[TLOG_MAX_LEVEL + 1];
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static int
frontier_read(void *arg, unsigned level, uint64_t idx,
    uint8_t out[TLOG_HASH_LEN], char *err, size_t errlen)
{
	struct rebuild *r = arg;

	if (level > TLOG_MAX_LEVEL || !r->have[level] || r->idx[level] != idx) {
		snprintf(err, errlen, "rebuild: no subtree (%u, %llu)", level,
		    (unsigned long long)idx);
		return -1;
	}
	memcpy(out, r->hash[level], TLOG_HASH_LEN);
	return 0;
}

/* 0 when entry[0..len) is the RFC 8785 form of a leaf of kind. */
static int
entry_ok(const struct tlog_leaf *l, char *err, size_t errlen)
{
	json_error_t	 je;
	json_t		*j;
	char		*canon = NULL;
	size_t		 clen;
	const char	*kind;
	int		 rc = -1;

	if ((j = json_loadb(l->entry, l->len, JSON_REJECT_DUPLICATES,
	    &je)) == NULL) {
		snprintf(err, errlen, "its entry is not JSON: %s", je.text);
		return -1;
	}
	if ((canon = jcs_serialize(j, &clen, err, errlen)) == NULL)
		goto done;
	if (clen != l->len || memcmp(canon, l->entry, clen) != 0) {
		snprintf(err, errlen, "its entry is not in RFC 8785 form");
		goto done;
	}
	kind = json_string_value(json_object_get(j, "kind"));
	if (kind == NULL || strcmp(kind, l->kind) != 0) {
		snprintf(err, errlen, "its entry's kind is not \"%s\"",
		    l->kind);
		goto done;
	}
	rc = 0;
done:
	free(canon);
	json_decref(j);
	return rc;
}

static int
rebuild_leaf(const struct tlog_leaf *l, void *arg)
{
	struct rebuild		*r = arg;
	struct tlog_node	 nodes[TLOG_MAX_APPEND];
	uint8_t			 h[TLOG_HASH_LEN], stored[TLOG_HASH_LEN];
	char			 why[256];
	size_t			 n, i;

	if (l->idx != r->next) {
		snprintf(r->err, r->errlen, "leaf %llu is missing",
		    (unsigned long long)r->next);
		goto fail;
	}
	if (entry_ok(l, why, sizeof(why)) == -1) {
		snprintf(r->err, r->errlen, "leaf %llu: %s",
		    (unsigned long long)l->idx, why);
		goto fail;
	}
	if (tlog_leaf_hash(l->entry, l->len, h, why, sizeof(why)) == -1) {
		snprintf(r->err, r->errlen, "leaf %llu: %s",
		    (unsigned long long)l->idx, why);
		goto fail;
	}
	if (!lc_equal(h, l->hash, TLOG_HASH_LEN)) {
		snprintf(r->err, r->errlen, "leaf %llu: its entry does not hash "
		    "to its stored leaf hash", (unsigned long long)l->idx);
		goto fail;
	}
	if (tlog_append_hashes(l->idx, h, frontier_read, r, nodes, &n, why,
	    sizeof(why)) == -1) {
		snprintf(r->err, r->errlen, "leaf %llu: %s",
		    (unsigned long long)l->idx, why);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (translog_read(r->db, nodes[i].level, nodes[i].idx, stored,
		    why, sizeof(why)) == -1) {
			snprintf(r->err, r->errlen, "%s", why);
			goto fail;
		}
		if (!lc_equal(stored, nodes[i].hash, TLOG_HASH_LEN)) {
			snprintf(r->err, r->errlen, "subtree hash (%u, %llu) "
			    "differs from the one the leaves give",
			    nodes[i].level,
			    (unsigned long long)nodes[i].idx);
			goto fail;
		}
		r->idx[nodes[i].level] = nodes[i].idx;
		memcpy(r->hash[nodes[i].level], nodes[i].hash, TLOG_HASH_LEN);
		r->have[nodes[i].level] = 1;
	}
	r->next++;
	return 0;
fail:
	r->failed = 1;
	return 1;
}

struct key_ring {
	struct note_verifier	 v[LABELD_LOG_MAX_KEYS];
	size_t			 n;
	int			 failed;
};

static int
ring_add(const struct log_key *k, void *arg)
{
	struct key_ring	*ring = arg;
	char		 why[128];

	if (ring->n == LABELD_LOG_MAX_KEYS || note_verifier_init(
	    &ring->v[ring->n], k->origin, NOTE_ALG_ED25519, k->pk, why,
	    sizeof(why)) == -1) {
		ring->failed = 1;
		return 1;
	}
	ring->n++;
	return 0;
}

struct cp_check {
	struct db		*db;
	const struct key_ring	*ring;
	uint64_t		 size;
	uint64_t		 n;
	char			*err;
	size_t			 errlen;
	int			 failed;
};

static int
check_checkpoint(const struct tlog_checkpoint *c, void *arg)
{
	struct cp_check		*x = arg;
	struct note		*n = NULL;
	struct note_checkpoint	 body;
	uint8_t			 root[TLOG_HASH_LEN];
	char			 why[256];
	unsigned long long	 size = (unsigned long long)c->size;

	memset(&body, 0, sizeof(body));
	if (c->size > x->size) {
		snprintf(x->err, x->errlen, "checkpoint %llu: larger than the "
		    "log (%llu leaves)", size, (unsigned long long)x->size);
		goto fail;
	}
	if (tlog_root(c->size, translog_read, x->db, root, why,
	    sizeof(why)) == -1) {
		snprintf(x->err, x->errlen, "checkpoint %llu: %s", size, why);
		goto fail;
	}
	if (!lc_equal(root, c->root, TLOG_HASH_LEN)) {
		snprintf(x->err, x->errlen, "checkpoint %llu: its stored root "
		    "is not the root of the leaves", size);
		goto fail;
	}
	if (note_parse(c->note, c->notelen, &n, why, sizeof(why)) == -1 ||
	    note_verify(n, x->ring->v, x->ring->n, NULL, NULL, why,
	    sizeof(why)) == -1 ||
	    note_checkpoint_parse(n->text, n->textlen, &body, why,
	    sizeof(why)) == -1) {
		snprintf(x->err, x->errlen, "checkpoint %llu: %s", size, why);
		goto fail;
	}
	if (body.size != c->size || !lc_equal(body.root, root,
	    TLOG_HASH_LEN)) {
		snprintf(x->err, x->errlen, "checkpoint %llu: its note names "
		    "another tree (size %llu)", size,
		    (unsigned long long)body.size);
		goto fail;
	}
	note_checkpoint_clear(&body);
	note_free(n);
	x->n++;
	return 0;
fail:
	note_checkpoint_clear(&body);
	note_free(n);
	x->failed = 1;
	return 1;
}

/*
 * Recomputes the whole tree from the stored leaves (each must be the
 * RFC 8785 form of a leaf entry of its kind, hashing to its stored leaf
 * hash) and checks every stored subtree hash against it, that no other
 * is stored, and every stored checkpoint: its root is the root of the
 * leaves, its note is signed by a log key and names that size and root.
 * Reads one snapshot.  0 with the counts in *leaves and *checkpoints, or
 * -1 with the first fault in err.
 */
int
translog_verify(struct db *db, uint64_t *leaves, uint64_t *checkpoints,
    char *err, size_t errlen)
{
	struct rebuild	*r = NULL;
	struct key_ring	 ring;
	struct cp_check	 x;
	uint64_t	 size, stored, want;
	unsigned	 level;
	int		 rc = -1;

	*leaves = *checkpoints = 0;
	if (db_begin_read(db) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	r->db = db;
	r->err = err;
	r->errlen = errlen;
	if (store_tlog_size(db, &size) != STORE_OK ||
	    store_tlog_leaf_walk(db, 0, size, INT64_MAX, rebuild_leaf, r) !=
	    STORE_OK) {
		if (!r->failed)
			snprintf(err, errlen, "cannot read the log");
		goto done;
	}
	if (r->failed)
		goto done;
	if (r->next != size) {
		snprintf(err, errlen, "leaf %llu is missing",
		    (unsigned long long)r->next);
		goto done;
	}
	for (want = 0, level = 0; level <= TLOG_MAX_LEVEL; level++)
		want += size >> level;
	if (store_tlog_hash_count(db, &stored) != STORE_OK) {
		snprintf(err, errlen, "cannot read the log");
		goto done;
	}
	if (stored != want) {
		snprintf(err, errlen, "%llu subtree hashes are stored, the "
		    "leaves give %llu", (unsigned long long)stored,
		    (unsigned long long)want);
		goto done;
	}
	memset(&ring, 0, sizeof(ring));
	if (store_log_key_list(db, ring_add, &ring) != STORE_OK ||
	    ring.failed) {
		snprintf(err, errlen, "cannot read the log keys");
		goto done;
	}
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.ring = &ring;
	x.size = size;
	x.err = err;
	x.errlen = errlen;
	if (store_tlog_checkpoint_walk(db, check_checkpoint, &x) !=
	    STORE_OK) {
		if (!x.failed)
			snprintf(err, errlen, "cannot read the checkpoints");
		goto done;
	}
	if (x.failed)
		goto done;
	*leaves = size;
	*checkpoints = x.n;
	rc = 0;
done:
	free(r);
	db_rollback(db);
	return rc;
}

/* ---- witnesses ---- */

/*
 * A partner's log, as its pinned trust bundle names it: log.origin and
 * log.vkey (the Ed25519 key its checkpoints are signed with) into logv.
 * The partner witnesses with that key as a cosignature key (alg 0x04,
 * the same name): a witness key listed in its bundle, no second secret.
 * STORE_OK, STORE_NOTFOUND (no such partner, or its bundle has no log)
 * or STORE_ERR.
 */
static int
partner_log(struct db *db, const struct partner *p,
    struct note_verifier *logv)
{
	json_error_t	 je;
	json_t		*b, *log;
	char		*bytes = NULL, why[256];
	size_t		 len;
	const char	*origin, *vkey;
	int		 rc;

	if ((rc = store_partner_bundle_get(db, p->id, p->bundle_version,
	    &bytes, &len)) != STORE_OK)
		return rc;
	b = json_loadb(bytes, len, 0, &je);
	free(bytes);
	log = json_object_get(b, "log");
	origin = json_string_value(json_object_get(log, "origin"));
	vkey = json_string_value(json_object_get(log, "vkey"));
	rc = STORE_NOTFOUND;
	if (origin != NULL && vkey != NULL && note_vkey_parse(vkey, logv, why,
	    sizeof(why)) == 0 && logv->alg == NOTE_ALG_ED25519 &&
	    strcmp(logv->name, origin) == 0)
		rc = STORE_OK;
	json_decref(b);
	return rc;
}

/* The pinned partners, read a page at a time. */
struct partner_page {
	struct partner	 p[64];
	size_t		 n;
};

static int
add_partner(const struct partner *p, void *arg)
{
	struct partner_page *pg = arg;

	pg->p[pg->n++] = *p;
	return pg->n == sizeof(pg->p) / sizeof(pg->p[0]) ? -1 : 0;
}

/*
 * The pinned partner whose witness key (its log key as a cosignature key)
 * is (name, keyid): its verifier into w, the partner into out.  STORE_OK,
 * STORE_NOTFOUND or STORE_ERR.
 */
static int
partner_witness(struct db *db, const char *name, uint32_t keyid,
    struct note_verifier *w, struct partner *out)
{
	struct partner_page	*pg;
	struct note_verifier	 logv;
	char			 why[128];
	int64_t			 after = 0;
	size_t			 i;
	int			 rc = STORE_NOTFOUND;

	if ((pg = malloc(sizeof(*pg))) == NULL)
		return STORE_ERR;
	do {
		pg->n = 0;
		if (store_partner_list(db, after, 64, add_partner, pg) !=
		    STORE_OK) {
			rc = STORE_ERR;
			break;
		}
		for (i = 0; i < pg->n && rc == STORE_NOTFOUND; i++) {
			after = pg->p[i].seq;
			switch (partner_log(db, &pg->p[i], &logv)) {
			case STORE_OK:
				break;
			case STORE_NOTFOUND:
				continue;
			default:
				rc = STORE_ERR;
				continue;
			}
			if (note_verifier_init(w, logv.name,
			    NOTE_ALG_COSIGNATURE, logv.pk, why,
			    sizeof(why)) == 0 && w->keyid == keyid &&
			    strcmp(w->name, name) == 0) {
				*out = pg->p[i];
				rc = STORE_OK;
			}
		}
	} while (rc == STORE_NOTFOUND && pg->n == 64);
	free(pg);
	return rc;
}

/* The signature line of s: "\u2014 name base64(keyid || sig)" (malloc'd). */
static char *
sig_line(const struct note_sig *s)
{
	uint8_t	*buf;
	char	*b64, *line = NULL;
	size_t	 n;

	if ((buf = malloc(4 + s->siglen)) == NULL)
		return NULL;
	buf[0] = (uint8_t)(s->keyid >> 24);
	buf[1] = (uint8_t)(s->keyid >> 16);
	buf[2] = (uint8_t)(s->keyid >> 8);
	buf[3] = (uint8_t)s->keyid;
	memcpy(buf + 4, s->sig, s->siglen);
	b64 = lc_b64_encode(buf, 4 + s->siglen, 0);
	free(buf);
	if (b64 == NULL)
		return NULL;
	n = strlen(s->name) + strlen(b64) + 6;
	if ((line = malloc(n)) != NULL)
		snprintf(line, n, "\xe2\x80\x94 %s %s", s->name, b64);
	free(b64);
	return line;
}

/* Records incident i in the caller's transaction and commits; logged. */
static int
record_incident(struct db *db, struct log_incident *i)
{
	char now[32];

	rfc3339_format(clock_now(), now);
	i->recorded_at = now;
	if (store_log_incident_insert(db, i) != STORE_OK ||
	    db_commit(db) == -1)
		return STORE_ERR;
	log_error("log incident %lld (%s) of log %s at size %llu: %s",
	    (long long)i->id, i->kind, i->origin,
	    (unsigned long long)i->size, i->detail);
	return STORE_OK;
}

/*
 * POST /v1/log/cosignatures: body[0..len) is our checkpoint as a signed
 * note carrying a pinned partner's witness cosignature (C2SP
 * tlog-cosignature).  The first cosignature by a partner's witness key
 * must verify.  When its checkpoint is one we signed (same size, root and
 * text), the cosignature is stored and served with it from then on.  When
 * it names another root for a size of our log, or a size beyond it, the
 * partner saw a view of our log that is not ours: an incident is recorded
 * (STORE_CONFLICT, res->incident) and logged, never skipped.  Else
 * STORE_INVALID (bad note, another log, no checkpoint of that size here),
 * STORE_NOTFOUND (no pinned partner's witness key cosigned it) or
 * STORE_ERR, with err.
 */
int
translog_cosignature(struct db *db, const char *body, size_t len,
    struct translog_cosig_result *res, char *err, size_t errlen)
{
	struct note		*n = NULL, *ours = NULL;
	struct note_checkpoint	 c;
	struct note_verifier	 w, logv;
	struct note_result	 r;
	struct partner		 p;
	struct log_key		 k;
	struct log_incident	 inc;
	struct tlog_checkpoint	 cp;
	struct log_cosig	 cs;
	const struct note_sig	*sig = NULL;
	uint8_t			 root[TLOG_HASH_LEN];
	char			*stored = NULL, *line = NULL, *evidence = NULL;
	char			 why[256], detail[512], now[32];
	uint64_t		 size;
	size_t			 i;
	int			 rc = STORE_INVALID, x;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	if (note_parse(body, len, &n, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "not a signed note: %s", why);
		return STORE_INVALID;
	}
	if (note_checkpoint_parse(n->text, n->textlen, &c, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "not a checkpoint: %s", why);
		goto done;
	}
	if (db_begin(db) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		rc = STORE_ERR;
		goto done;
	}
	rc = STORE_ERR;
	if (store_log_key_get(db, &k) != STORE_OK ||
	    note_verifier_init(&logv, k.origin, NOTE_ALG_ED25519, k.pk, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "cannot read the log key");
		goto rollback;
	}
	rc = STORE_INVALID;
	if (strcmp(c.origin, k.origin) != 0) {
		snprintf(err, errlen, "a checkpoint of log %s, not of this log "
		    "(%s)", c.origin, k.origin);
		goto rollback;
	}
	for (i = 0; i < n->nsigs && sig == NULL; i++)
		switch ((x = partner_witness(db, n->sigs[i].name,
		    n->sigs[i].keyid, &w, &p))) {
		case STORE_OK:
			sig = &n->sigs[i];
			break;
		case STORE_NOTFOUND:
			break;
		default:
			snprintf(err, errlen, "cannot read the partners");
			rc = STORE_ERR;
			goto rollback;
		}
	if (sig == NULL) {
		snprintf(err, errlen, "no cosignature by the witness key of a "
		    "pinned partner (its trust bundle's log key, as a "
		    "cosignature key)");
		rc = STORE_NOTFOUND;
		goto rollback;
	}
	memset(&r, 0, sizeof(r));
	if (note_verify(n, &w, 1, &r, NULL, why, sizeof(why)) == -1 ||
	    !r.verified) {
		snprintf(err, errlen, "the cosignature by %s does not verify: %s",
		    w.name, why);
		goto rollback;
	}
	res->size = c.size;
	snprintf(res->partner_id, sizeof(res->partner_id), "%s", p.id);
	snprintf(res->witness, sizeof(res->witness), "%s", w.name);
	rfc3339_format((time_t)r.timestamp, res->cosigned_at);
	rc = STORE_ERR;
	if (store_tlog_size(db, &size) != STORE_OK) {
		snprintf(err, errlen, "cannot read the log size");
		goto rollback;
	}
	if (c.size <= size && tlog_root(c.size, translog_read, db, root, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", why);
		goto rollback;
	}
	if (c.size > size || !lc_equal(root, c.root, TLOG_HASH_LEN)) {
		memset(&inc, 0, sizeof(inc));
		inc.kind = c.size > size ? "beyond_log" : "split_view";
		inc.origin = c.origin;
		inc.size = c.size;
		inc.partner_id = p.id;
		inc.witness = w.name;
		inc.log_signed = note_verify(n, &logv, 1, NULL, NULL, why,
		    sizeof(why)) == 0;
		if (c.size > size)
			snprintf(detail, sizeof(detail), "partner %s witnessed "
			    "a checkpoint of %llu leaves; this log has %llu",
			    p.id, (unsigned long long)c.size,
			    (unsigned long long)size);
		else
			snprintf(detail, sizeof(detail), "partner %s witnessed "
			    "a checkpoint of %llu leaves whose root is not this "
			    "log's at that size (split view)%s", p.id,
			    (unsigned long long)c.size, inc.log_signed ?
			    "; it carries a valid signature of the log key" :
			    "");
		inc.detail = detail;
		if ((evidence = strndup(body, len)) == NULL)
			goto rollback;
		inc.evidence = evidence;
		if (record_incident(db, &inc) != STORE_OK) {
			snprintf(err, errlen, "cannot record the incident");
			goto rollback;
		}
		res->incident = inc.id;
		snprintf(err, errlen, "%s: recorded as incident %lld", detail,
		    (long long)inc.id);
		rc = STORE_CONFLICT;
		goto done;
	}
	switch (store_tlog_checkpoint_get(db, c.size, &cp, &stored)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "no checkpoint of %llu leaves was signed "
		    "here: cosign one GET /v1/log/checkpoint served",
		    (unsigned long long)c.size);
		rc = STORE_INVALID;
		goto rollback;
	default:
		snprintf(err, errlen, "cannot read the checkpoint");
		goto rollback;
	}
	if (note_parse(cp.note, cp.notelen, &ours, why, sizeof(why)) == -1 ||
	    ours->textlen != n->textlen || memcmp(ours->text, n->text,
	    n->textlen) != 0) {
		snprintf(err, errlen, "the cosigned text is not the checkpoint "
		    "of %llu leaves signed here", (unsigned long long)c.size);
		rc = STORE_INVALID;
		goto rollback;
	}
	if ((line = sig_line(sig)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto rollback;
	}
	rfc3339_format(clock_now(), now);
	memset(&cs, 0, sizeof(cs));
	cs.size = c.size;
	cs.witness = w.name;
	cs.keyid = w.keyid;
	cs.partner_id = p.id;
	cs.line = line;
	cs.cosigned_at = res->cosigned_at;
	cs.received_at = now;
	switch (store_log_cosig_insert(db, &cs)) {
	case STORE_OK:
		res->stored = 1;
		break;
	case STORE_CONFLICT:
		res->stored = 0;
		break;
	default:
		snprintf(err, errlen, "cannot store the cosignature");
		goto rollback;
	}
	if (db_commit(db) == -1) {
		snprintf(err, errlen, "cannot store the cosignature");
		goto rollback;
	}
	if (res->stored)
		log_info("log checkpoint of size %llu cosigned by %s (partner "
		    "%s)", (unsigned long long)c.size, w.name, p.id);
	rc = STORE_OK;
	goto done;
rollback:
	db_rollback(db);
done:
	note_checkpoint_clear(&c);
	note_free(n);
	note_free(ours);
	free(stored);
	free(line);
	free(evidence);
	return rc;
}

/* Our witness key: the log key as a cosignature key (alg 0x04) named by
 * the log's origin, as a verifier key into *vkey (malloc'd).  STORE_OK,
 * STORE_NOTFOUND or STORE_ERR. */
int
translog_witness_vkey(struct db *db, char **vkey)
{
	struct log_key		 k;
	struct note_verifier	 v;
	char			 why[128];
	int			 rc;

	*vkey = NULL;
	if ((rc = store_log_key_get(db, &k)) != STORE_OK)
		return rc;
	if (note_verifier_init(&v, k.origin, NOTE_ALG_COSIGNATURE, k.pk, why,
	    sizeof(why)) == -1 || note_vkey_format(&v, vkey, why,
	    sizeof(why)) == -1) {
		log_error("log key %s: %s", k.kid, why);
		return STORE_ERR;
	}
	return STORE_OK;
}

/* The consistency proof text {first, second, hashes} for (first, second)
 * into proof[0..*n); -1 when it is not one. */
static int
parse_consistency(const char *text, size_t len, uint64_t first,
    uint64_t second, uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN],
    size_t *n)
{
	json_t		*j, *h;
	uint8_t		*b;
	size_t		 i, blen;
	int		 rc = -1;

	*n = 0;
	if ((j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return -1;
	h = json_object_get(j, "hashes");
	if (!json_is_integer(json_object_get(j, "first")) ||
	    !json_is_integer(json_object_get(j, "second")) ||
	    (uint64_t)json_integer_value(json_object_get(j, "first")) != first ||
	    (uint64_t)json_integer_value(json_object_get(j, "second")) !=
	    second || !json_is_array(h) || json_array_size(h) > TLOG_MAX_PROOF)
		goto done;
	for (i = 0; i < json_array_size(h); i++) {
		if (!json_is_string(json_array_get(h, i)) || lc_b64_decode(
		    json_string_value(json_array_get(h, i)), 0, &b, &blen) != 0)
			goto done;
		if (blen != TLOG_HASH_LEN) {
			free(b);
			goto done;
		}
		memcpy(proof[i], b, TLOG_HASH_LEN);
		free(b);
	}
	*n = i;
	rc = 0;
done:
	json_decref(j);
	return rc;
}

/*
 * Witnesses partner_id's log (labelctl log cosign, and witness.c after a
 * partner refresh): note[0..len) is its checkpoint, which must be signed
 * by the log key of its pinned bundle (its other signatures are dropped) and
 * extend the last checkpoint of that log cosigned here (consistency: the
 * answer of its GET /v1/log/proof/consistency between the two sizes;
 * none needed for the first or the same one).  Then cosigns it with our
 * log key as a cosignature key (translog_witness_vkey) stamped now,
 * remembers it, and gives the cosigned note in *out (malloc'd, *outlen).
 * A checkpoint of the last one's size with another root, or a larger one
 * that its consistency proof does not prove an extension of, is an
 * incident (STORE_CONFLICT, recorded, err says why); STORE_NOTFOUND (no
 * such partner, or no log in its bundle), STORE_INVALID (bad note,
 * signature or proof, a missing proof, an older checkpoint), KEYS_NOKEY or
 * STORE_ERR otherwise.
 */
int
translog_cosign(struct db *db, const struct config *cfg,
    const char *partner_id, const char *note, size_t len,
    const char *consistency, size_t clen, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct partner		 p;
	struct note_verifier	 logv;
	struct note		*n = NULL;
	struct note_checkpoint	 c;
	struct note_signer	 s;
	struct log_key		 k;
	struct log_witnessed	 w;
	struct log_incident	 inc;
	uint8_t			 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	char			*last = NULL, *evidence = NULL, why[256];
	char			 detail[1024];
	size_t			 np, i, j;
	int			 rc = STORE_ERR, seen = 0;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	if (db_begin(db) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		return STORE_ERR;
	}
	switch ((rc = store_partner_get(db, partner_id, &p))) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "no partner %s", partner_id);
		goto rollback;
	default:
		snprintf(err, errlen, "cannot read partner %s", partner_id);
		goto rollback;
	}
	switch ((rc = partner_log(db, &p, &logv))) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "the pinned trust bundle of partner %s "
		    "names no log", partner_id);
		goto rollback;
	default:
		snprintf(err, errlen, "cannot read partner %s's bundle",
		    partner_id);
		goto rollback;
	}
	rc = STORE_INVALID;
	if (note_parse(note, len, &n, why, sizeof(why)) == -1 ||
	    note_verify(n, &logv, 1, NULL, NULL, why, sizeof(why)) == -1 ||
	    note_checkpoint_parse(n->text, n->textlen, &c, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "not a checkpoint signed by partner %s's "
		    "log key: %s", partner_id, why);
		goto rollback;
	}
	if (strcmp(c.origin, logv.name) != 0) {
		snprintf(err, errlen, "a checkpoint of log %s, not of partner "
		    "%s's log %s", c.origin, partner_id, logv.name);
		goto rollback;
	}
	/* Only the log's own signatures go on: a served checkpoint carries
	 * other witnesses' cosignatures (and ours of it), which the partner
	 * would take for ours and keep instead. */
	for (i = j = 0; i < n->nsigs; i++) {
		if (strcmp(n->sigs[i].name, logv.name) == 0)
			n->sigs[j++] = n->sigs[i];
		else
			free(n->sigs[i].sig);
	}
	n->nsigs = j;
	switch (store_log_witnessed_get(db, c.origin, &w, &last)) {
	case STORE_OK:
		seen = 1;
		break;
	case STORE_NOTFOUND:
		break;
	default:
		snprintf(err, errlen, "cannot read the last checkpoint "
		    "witnessed");
		rc = STORE_ERR;
		goto rollback;
	}
	/* an older checkpoint proves nothing by itself: a stale copy */
	if (seen && c.size < w.size) {
		snprintf(err, errlen, "log %s has %llu leaves already; this "
		    "checkpoint of %llu is older", c.origin,
		    (unsigned long long)w.size, (unsigned long long)c.size);
		goto rollback;
	}
	detail[0] = '\0';
	if (seen && c.size == w.size && !lc_equal(c.root, w.root,
	    TLOG_HASH_LEN))
		snprintf(detail, sizeof(detail), "log %s signed two roots for "
		    "%llu leaves (split view)", c.origin,
		    (unsigned long long)c.size);
	else if (seen && c.size > w.size) {
		if (consistency == NULL || parse_consistency(consistency, clen,
		    w.size, c.size, proof, &np) == -1) {
			snprintf(err, errlen, "need the consistency proof of "
			    "log %s from %llu to %llu leaves (its GET "
			    "/v1/log/proof/consistency?first=%llu&second=%llu)",
			    c.origin, (unsigned long long)w.size,
			    (unsigned long long)c.size,
			    (unsigned long long)w.size,
			    (unsigned long long)c.size);
			goto rollback;
		}
		if (tlog_verify_consistency(w.size, c.size, w.root, c.root,
		    (const uint8_t (*)[TLOG_HASH_LEN])proof, np, why,
		    sizeof(why)) == -1)
			snprintf(detail, sizeof(detail), "log %s did not only "
			    "grow from %llu to %llu leaves: %s", c.origin,
			    (unsigned long long)w.size,
			    (unsigned long long)c.size, why);
	}
	if (detail[0] != '\0') {
		memset(&inc, 0, sizeof(inc));
		inc.kind = "inconsistent";
		inc.origin = c.origin;
		inc.size = c.size;
		inc.partner_id = p.id;
		inc.log_signed = 1;
		inc.detail = detail;
		if ((evidence = strndup(note, len)) == NULL)
			goto rollback;
		inc.evidence = evidence;
		rc = STORE_ERR;
		if (record_incident(db, &inc) != STORE_OK) {
			snprintf(err, errlen, "cannot record the incident");
			goto rollback;
		}
		snprintf(err, errlen, "%s: not cosigned, recorded as incident "
		    "%lld", detail, (long long)inc.id);
		rc = STORE_CONFLICT;
		goto done;
	}
	switch (store_log_key_get(db, &k)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "no log key");
		rc = KEYS_NOKEY;
		goto rollback;
	default:
		snprintf(err, errlen, "cannot read the log key");
		rc = STORE_ERR;
		goto rollback;
	}
	rc = KEYS_NOKEY;
	if (log_signer(cfg, &k, k.origin, NOTE_ALG_COSIGNATURE, &s, err,
	    errlen) == -1)
		goto rollback;
	rc = STORE_INVALID;
	if (note_sign(n, &s, (uint64_t)clock_now(), err, errlen) == -1 ||
	    note_format(n, out, outlen, err, errlen) == -1)
		goto rollback;
	memset(&w, 0, sizeof(w));
	snprintf(w.partner_id, sizeof(w.partner_id), "%s", p.id);
	w.size = c.size;
	memcpy(w.root, c.root, TLOG_HASH_LEN);
	rfc3339_format(clock_now(), w.cosigned_at);
	rc = STORE_ERR;
	if (store_log_witnessed_put(db, c.origin, &w, *out) != STORE_OK ||
	    db_commit(db) == -1) {
		snprintf(err, errlen, "cannot record the checkpoint witnessed");
		goto rollback;
	}
	log_info("cosigned the checkpoint of %llu leaves of log %s (partner "
	    "%s)", (unsigned long long)c.size, c.origin, p.id);
	rc = STORE_OK;
	goto done;
rollback:
	db_rollback(db);
	free(*out);
	*out = NULL;
done:
	note_signer_wipe(&s);
	note_checkpoint_clear(&c);
	note_free(n);
	free(last);
	free(evidence);
	return rc;
}
