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

/*
 * Makes the log key when the data dir has none (first start, or a data
 * dir from before 0008): a fresh Ed25519 key in DATA/keys/log-<kid>.key
 * (0600, unsealed: the daemon signs checkpoints unattended), recorded with
 * the origin of cfg's public_url.  0, or -1 with a message in err.
 */
int
translog_key_ensure(struct store *s, const struct config *cfg, char *err,
    size_t errlen)
{
	struct db	*db = store_acquire(s);
	struct log_key	 k;
	uint8_t		 sk[LC_SK_LEN];
	char		 path[PATH_MAX], dir[PATH_MAX];
	int		 rc = -1, own = 0;

	path[0] = '\0';
	switch (store_log_key_get(db, &k)) {
	case STORE_OK:
		rc = 0;
		goto done;
	case STORE_NOTFOUND:
		break;
	default:
		snprintf(err, errlen, "cannot read the log key");
		goto done;
	}
	memset(&k, 0, sizeof(k));
	if (translog_origin(cfg, k.origin, sizeof(k.origin)) == -1) {
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
	if (store_log_key_insert(db, &k) != STORE_OK || db_commit(db) == -1) {
		snprintf(err, errlen, "cannot record the log key");
		goto done;
	}
	own = 0;
	path[0] = '\0';
	log_info("created log key %s (origin %s)", k.kid, k.origin);
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

/* Signs the checkpoint (origin, size, root) with the log key k: the note
 * into *note (malloc'd), *len. */
static int
sign_checkpoint(const struct config *cfg, const struct log_key *k,
    uint64_t size, const uint8_t root[TLOG_HASH_LEN], char **note,
    size_t *len, char *err, size_t errlen)
{
	struct note_checkpoint	 c;
	struct note_signer	 s;
	struct note		*n = NULL;
	uint8_t			 sk[LC_SK_LEN], pk[LC_PK_LEN];
	char			 path[PATH_MAX], *text = NULL;
	size_t			 tlen;
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	*note = NULL;
	if (path_join(path, sizeof(path), cfg->data_dir, k->file)) {
		snprintf(err, errlen, "data dir path too long");
		goto done;
	}
	if (lc_keyfile_read(path, NULL, sk, err, errlen) == -1)
		goto done;
	lc_ed25519_sk_to_pk(sk, pk);
	if (!lc_equal(pk, k->pk, sizeof(pk))) {
		snprintf(err, errlen, "log key %s: the file %s holds another "
		    "key", k->kid, k->file);
		goto done;
	}
	snprintf(c.origin, sizeof(c.origin), "%s", k->origin);
	c.size = size;
	memcpy(c.root, root, TLOG_HASH_LEN);
	if (note_signer_init(&s, k->origin, NOTE_ALG_ED25519, sk, err,
	    errlen) == -1 ||
	    note_checkpoint_format(&c, &text, &tlen, err, errlen) == -1 ||
	    note_new(text, tlen, &n, err, errlen) == -1 ||
	    note_sign(n, &s, 0, err, errlen) == -1 ||
	    note_format(n, note, len, err, errlen) == -1)
		goto done;
	rc = 0;
done:
	lc_wipe(sk, sizeof(sk));
	note_signer_wipe(&s);
	note_free(n);
	free(text);
	return rc;
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
	if (sign_checkpoint(cfg, &k, size, c->root, &note, &c->notelen, err,
	    errlen) == -1) {
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
