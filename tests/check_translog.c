/*
 * check_translog: the transparency log against the real schema.  Appends
 * store leaves and subtree hashes in the caller's transaction; every
 * inclusion and consistency proof the stored hashes give (up to 37
 * leaves) verifies against roots computed here by the RFC 6962
 * definition; checkpoints are signed notes of the log key, one per size;
 * translog_verify passes a sound log and names a tampered leaf, subtree
 * hash or checkpoint; key rotations and compromises are leaves; a log key
 * rotation makes checkpoints signed by both keys until the old one is
 * retired (at once for a compromise); the witness key is the log key as a
 * cosignature key; cosignatures that are no pinned partner's, or not of
 * this log, or no note, are refused.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "crypto.h"
#include "note.h"
#include "tlog.h"

#define NLEAVES	37

static char		 tmpdir[64];
static struct store	*st;
static struct db	*db;
static struct config	 cfg;
static uint8_t		 leaves[NLEAVES][TLOG_HASH_LEN];

static void
setup(void)
{
	const char	*src = getenv("top_srcdir") ? getenv("top_srcdir") :
	    LABELD_SRCDIR;
	char		 path[256], mig[256], err[512];

	ck_assert_int_eq(lc_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-translog.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	st = store_open(path, mig, 1, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", tmpdir);
	snprintf(cfg.public_url, sizeof(cfg.public_url),
	    "https://labels.example.sg:8443/base");
	ck_assert_msg(translog_key_ensure(st, &cfg, err, sizeof(err)) == 0,
	    "%s", err);
	db = store_acquire(st);
}

static void
teardown(void)
{
	char cmd[128];

	store_release(db);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* RFC 6962 MTH of leaves[lo..hi), by the definition. */
static void
mth(size_t lo, size_t hi, uint8_t out[TLOG_HASH_LEN])
{
	uint8_t	 l[TLOG_HASH_LEN], r[TLOG_HASH_LEN];
	size_t	 k = 1;

	if (hi - lo == 1) {
		memcpy(out, leaves[lo], TLOG_HASH_LEN);
		return;
	}
	while (k * 2 < hi - lo)
		k *= 2;
	mth(lo, lo + k, l);
	mth(lo + k, hi, r);
	tlog_node_hash(l, r, out);
}

/* Appends leaf i (kind issue, label L-<i>) in its own transaction. */
static void
append(size_t i)
{
	struct translog_entry	 e;
	char			 label[32], digest[65], err[256];
	uint8_t			 h[32];
	uint64_t		 idx;

	snprintf(label, sizeof(label), "L-%06zu", i);
	lc_sha256(label, strlen(label), h);
	lc_hex(h, sizeof(h), digest);
	memset(&e, 0, sizeof(e));
	e.kind = i % 5 == 4 ? "revoke" : "issue";
	e.label_id = label;
	e.credential_sha256 = digest;
	e.reason = i % 5 == 4 ? "a reason \"quoted\"" : NULL;
	e.time = 1800000000 + (time_t)i;
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_msg(translog_append(db, &e, &idx, err, sizeof(err)) ==
	    STORE_OK, "%s", err);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_uint_eq(idx, i);
}

START_TEST(appends_and_proofs)
{
	uint8_t		 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint8_t		 r1[TLOG_HASH_LEN], r2[TLOG_HASH_LEN];
	char		 err[256];
	size_t		 i, m, m2, n;
	uint64_t	 size;

	for (i = 0; i < NLEAVES; i++) {
		append(i);
		ck_assert_int_eq(store_tlog_hash_get(db, 0, i, leaves[i]),
		    STORE_OK);
	}
	ck_assert_int_eq(store_tlog_size(db, &size), STORE_OK);
	ck_assert_uint_eq(size, NLEAVES);
	for (m = 1; m <= NLEAVES; m++) {
		mth(0, m, r1);
		ck_assert_int_eq(tlog_root(m, translog_read, db, r2, err,
		    sizeof(err)), 0);
		ck_assert(memcmp(r1, r2, TLOG_HASH_LEN) == 0);
		for (i = 0; i < m; i++) {
			ck_assert_msg(translog_inclusion(db, i, m, proof, &n,
			    err, sizeof(err)) == STORE_OK, "%s", err);
			ck_assert_msg(tlog_verify_inclusion(i, m, leaves[i],
			    (const uint8_t (*)[TLOG_HASH_LEN])proof, n, r1,
			    err, sizeof(err)) == 0, "%zu in %zu: %s", i, m,
			    err);
		}
		for (m2 = m; m2 <= NLEAVES; m2++) {
			mth(0, m2, r2);
			ck_assert_int_eq(translog_consistency(db, m, m2, proof,
			    &n, err, sizeof(err)), STORE_OK);
			ck_assert_msg(tlog_verify_consistency(m, m2, r1, r2,
			    (const uint8_t (*)[TLOG_HASH_LEN])proof, n, err,
			    sizeof(err)) == 0, "%zu -> %zu: %s", m, m2, err);
		}
	}
	ck_assert_int_eq(translog_inclusion(db, 3, NLEAVES + 1, proof, &n,
	    err, sizeof(err)), STORE_INVALID);
	ck_assert_int_eq(translog_inclusion(db, 5, 5, proof, &n, err,
	    sizeof(err)), STORE_INVALID);
	ck_assert_int_eq(translog_consistency(db, 6, 5, proof, &n, err,
	    sizeof(err)), STORE_INVALID);
	ck_assert_int_eq(translog_consistency(db, 1, NLEAVES + 1, proof, &n,
	    err, sizeof(err)), STORE_INVALID);
}
END_TEST

static int
first_leaf(const struct tlog_leaf *l, void *arg)
{
	char	*want = arg;
	uint8_t	 h[TLOG_HASH_LEN];
	char	 err[64];

	ck_assert_uint_eq(l->len, strlen(want));
	ck_assert(memcmp(l->entry, want, l->len) == 0);
	ck_assert_int_eq(tlog_leaf_hash(l->entry, l->len, h, err,
	    sizeof(err)), 0);
	ck_assert(memcmp(h, l->hash, TLOG_HASH_LEN) == 0);
	ck_assert_str_eq(l->kind, "issue");
	ck_assert_str_eq(l->label_id, "L-000000");
	return 0;
}

/* The leaf is the RFC 8785 form of the five fields, null for none. */
START_TEST(leaf_bytes)
{
	char	want[512];
	uint8_t	h[32];
	char	digest[65];

	append(0);
	lc_sha256("L-000000", 8, h);
	lc_hex(h, sizeof(h), digest);
	snprintf(want, sizeof(want), "{\"credential_sha256\":\"%s\","
	    "\"kind\":\"issue\",\"label_id\":\"L-000000\",\"reason\":null,"
	    "\"time\":\"2027-01-15T08:00:00Z\"}", digest);
	ck_assert_int_eq(store_tlog_leaf_walk(db, 0, 1, 10, first_leaf,
	    want), STORE_OK);
}
END_TEST

/* Without the caller's transaction nothing is appended. */
START_TEST(append_needs_transaction)
{
	struct translog_entry	 e = { .kind = "key", .reason = "r" };
	char			 err[256];
	uint64_t		 size;

	ck_assert_int_eq(translog_append(db, &e, NULL, err, sizeof(err)),
	    STORE_INVALID);
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(translog_append(db, &e, NULL, err, sizeof(err)),
	    STORE_OK);
	db_rollback(db);
	ck_assert_int_eq(store_tlog_size(db, &size), STORE_OK);
	ck_assert_uint_eq(size, 0);
}
END_TEST

/* One signed checkpoint per size, verifiable with the bundle's vkey. */
START_TEST(checkpoints)
{
	struct tlog_checkpoint	 c, c2;
	struct note_verifier	 v;
	struct note_checkpoint	 body;
	struct note		*n;
	char			 origin[LABELD_LOG_ORIGIN_BUFLEN], *vkey, *note,
				*note2, err[256];
	uint8_t			 root[TLOG_HASH_LEN];
	uint64_t		 nl, nc;
	size_t			 i;

	ck_assert_int_eq(translog_vkey(db, origin, sizeof(origin), &vkey),
	    STORE_OK);
	ck_assert_str_eq(origin, "labels.example.sg:8443/labeld");
	ck_assert_int_eq(note_vkey_parse(vkey, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(strncmp(vkey, "labels.example.sg:8443/labeld+", 30),
	    0);
	free(vkey);
	for (i = 0; i < 5; i++) {
		append(i);
		ck_assert_int_eq(store_tlog_hash_get(db, 0, i, leaves[i]),
		    STORE_OK);
	}
	ck_assert_msg(translog_checkpoint(db, &cfg, &c, &note, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_uint_eq(c.size, 5);
	mth(0, 5, root);
	ck_assert(memcmp(root, c.root, TLOG_HASH_LEN) == 0);
	ck_assert_int_eq(note_parse(note, strlen(note), &n, err, sizeof(err)),
	    0);
	ck_assert_msg(note_verify(n, &v, 1, NULL, NULL, err, sizeof(err)) ==
	    0, "%s", err);
	ck_assert_int_eq(note_checkpoint_parse(n->text, n->textlen, &body,
	    err, sizeof(err)), 0);
	ck_assert_str_eq(body.origin, "labels.example.sg:8443/labeld");
	ck_assert_uint_eq(body.size, 5);
	ck_assert(memcmp(body.root, root, TLOG_HASH_LEN) == 0);
	note_checkpoint_clear(&body);
	note_free(n);
	/* the same size answers the same stored bytes */
	ck_assert_int_eq(translog_checkpoint(db, &cfg, &c2, &note2, err,
	    sizeof(err)), STORE_OK);
	ck_assert_str_eq(note, note2);
	free(note2);
	free(note);
	append(5);
	ck_assert_int_eq(translog_checkpoint(db, &cfg, &c2, &note2, err,
	    sizeof(err)), STORE_OK);
	ck_assert_uint_eq(c2.size, 6);
	free(note2);
	ck_assert_msg(translog_verify(db, &nl, &nc, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(nl, 6);
	ck_assert_uint_eq(nc, 2);
	/* a second checkpoint of a size is refused by the table */
	c2.size = 6;
	c2.note = "x";
	c2.notelen = 1;
	ck_assert_int_eq(store_tlog_checkpoint_insert(db, &c2),
	    STORE_CONFLICT);
}
END_TEST

/* translog_verify names a changed leaf, a changed subtree hash, a
 * changed checkpoint. */
START_TEST(verify_detects_tampering)
{
	struct tlog_checkpoint	 c;
	char			 err[256], *note;
	uint64_t		 nl, nc;
	size_t			 i;

	for (i = 0; i < 9; i++)
		append(i);
	ck_assert_int_eq(translog_checkpoint(db, &cfg, &c, &note, err,
	    sizeof(err)), STORE_OK);
	free(note);
	ck_assert_int_eq(translog_verify(db, &nl, &nc, err, sizeof(err)), 0);
	ck_assert_int_eq(sqlite3_exec(db->conn, "DROP TRIGGER "
	    "tlog_leaves_no_update; UPDATE tlog_leaves SET entry = "
	    "replace(entry, 'L-000003', 'L-000033') WHERE idx = 3",
	    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(translog_verify(db, &nl, &nc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "leaf 3:") != NULL, "%s", err);
	/* a consistent forgery of the leaf and its leaf hash: the subtree
	   hashes above it no longer match */
	ck_assert_int_eq(sqlite3_exec(db->conn, "UPDATE tlog_leaves SET "
	    "entry = replace(entry, 'L-000033', 'L-000003') WHERE idx = 3; "
	    "DROP TRIGGER tlog_hashes_no_update; UPDATE tlog_hashes SET hash "
	    "= zeroblob(32) WHERE level = 1 AND idx = 2",
	    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(translog_verify(db, &nl, &nc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "subtree hash (1, 2)") != NULL, "%s", err);
}
END_TEST

/* The empty log has a checkpoint too: size 0, the root of nothing. */
START_TEST(empty_log)
{
	struct tlog_checkpoint	 c;
	uint8_t			 empty[TLOG_HASH_LEN];
	char			*note, err[256];
	uint64_t		 nl, nc;

	ck_assert_msg(translog_checkpoint(db, &cfg, &c, &note, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_uint_eq(c.size, 0);
	lc_sha256("", 0, empty);
	ck_assert(memcmp(c.root, empty, TLOG_HASH_LEN) == 0);
	ck_assert_ptr_nonnull(strstr(note, "labels.example.sg:8443/labeld\n0\n"));
	free(note);
	ck_assert_int_eq(translog_verify(db, &nl, &nc, err, sizeof(err)), 0);
	ck_assert_uint_eq(nl, 0);
	ck_assert_uint_eq(nc, 1);
}
END_TEST

static int
kinds(const struct tlog_leaf *l, void *arg)
{
	strcat(arg, l->kind);
	strcat(arg, l->label_id[0] ? "+" : " ");
	return 0;
}

/* A rotation and a compromise are "key" leaves of their transaction; a
 * refused compromise leaves none. */
START_TEST(key_events)
{
	struct signing_key	 k, added;
	struct next_key		 nk;
	char			 err[256], got[128] = "", now[32];
	uint64_t		 size;

	ck_assert_msg(keys_generate(db, tmpdir, NULL, &k, &nk, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_int_eq(store_tlog_size(db, &size), STORE_OK);
	ck_assert_uint_eq(size, 0);
	ck_assert_msg(keys_rotate(db, tmpdir, NULL, &added, NULL, NULL, NULL,
	    err, sizeof(err)) == STORE_OK, "%s", err);
	store_now(now);
	ck_assert_msg(keys_compromise(db, k.kid, now, NULL, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_int_eq(keys_compromise(db, k.kid, now, NULL, err,
	    sizeof(err)), STORE_CONFLICT);
	ck_assert_int_eq(store_tlog_leaf_walk(db, 0, 10, 10, kinds, got),
	    STORE_OK);
	ck_assert_str_eq(got, "key key ");
}
END_TEST

/* translog_verify names a checkpoint whose note was changed. */
START_TEST(verify_detects_forged_checkpoint)
{
	char		 err[256], *note;
	uint64_t	 nl, nc;
	size_t		 i;

	for (i = 0; i < 3; i++)
		append(i);
	ck_assert_int_eq(translog_checkpoint(db, &cfg, &(struct
	    tlog_checkpoint){ 0 }, &note, err, sizeof(err)), STORE_OK);
	free(note);
	ck_assert_int_eq(translog_verify(db, &nl, &nc, err, sizeof(err)), 0);
	ck_assert_int_eq(sqlite3_exec(db->conn, "DROP TRIGGER "
	    "tlog_checkpoints_no_update; UPDATE tlog_checkpoints SET note = "
	    "replace(note, '/labeld\n3\n', '/labeld\n2\n')", NULL, NULL,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(translog_verify(db, &nl, &nc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "checkpoint 3:") != NULL, "%s", err);
}
END_TEST

/* The current checkpoint's note parsed into *n; its size returned. */
static uint64_t
current(struct note **n)
{
	struct tlog_checkpoint	 c;
	char			*note, err[256];

	ck_assert_msg(translog_checkpoint(db, &cfg, &c, &note, err,
	    sizeof(err)) == STORE_OK, "%s", err);
	ck_assert_int_eq(note_parse(note, strlen(note), n, err, sizeof(err)),
	    0);
	free(note);
	return c.size;
}

/* 1 when n carries a valid signature of the log key k. */
static int
signed_by(const struct note *n, const struct log_key *k)
{
	struct note_verifier	 v;
	struct note_result	 r;
	char			 err[256];

	ck_assert_int_eq(note_verifier_init(&v, k->origin, NOTE_ALG_ED25519,
	    k->pk, err, sizeof(err)), 0);
	memset(&r, 0, sizeof(r));
	return note_verify(n, &v, 1, &r, NULL, err, sizeof(err)) == 0 &&
	    r.verified;
}

START_TEST(log_key_rotation)
{
	struct log_key	 old, k1, k2;
	struct note	*n;
	char		 err[256];
	uint64_t	 nl, nc;

	append(0);
	ck_assert_int_eq(store_log_key_get(db, &old), STORE_OK);
	ck_assert_uint_eq(current(&n), 1);
	ck_assert_uint_eq(n->nsigs, 1);
	note_free(n);
	/* the store has one connection: rotation takes it */
	store_release(db);
	ck_assert_msg(translog_key_rotate(st, &cfg, 0, &k1, err,
	    sizeof(err)) == 0, "%s", err);
	db = store_acquire(st);
	ck_assert_str_ne(k1.kid, old.kid);
	ck_assert_str_eq(k1.origin, old.origin);
	/* the rotation is a leaf; both keys sign the new checkpoint */
	ck_assert_uint_eq(current(&n), 2);
	ck_assert_uint_eq(n->nsigs, 2);
	ck_assert(signed_by(n, &old) && signed_by(n, &k1));
	note_free(n);
	ck_assert_int_eq(translog_key_retire(db, k1.kid, err, sizeof(err)),
	    STORE_INVALID);
	ck_assert_int_eq(translog_key_retire(db, "key-00000000", err,
	    sizeof(err)), STORE_NOTFOUND);
	ck_assert_msg(translog_key_retire(db, old.kid, err, sizeof(err)) ==
	    STORE_OK, "%s", err);
	ck_assert_int_eq(translog_key_retire(db, old.kid, err, sizeof(err)),
	    STORE_INVALID);
	ck_assert_uint_eq(current(&n), 3);
	ck_assert_uint_eq(n->nsigs, 1);
	ck_assert(signed_by(n, &k1) && !signed_by(n, &old));
	note_free(n);
	/* a second rotation overlaps; a compromise ends every overlap */
	store_release(db);
	ck_assert_int_eq(translog_key_rotate(st, &cfg, 0, &k2, err,
	    sizeof(err)), 0);
	db = store_acquire(st);
	ck_assert_uint_eq(current(&n), 4);
	ck_assert_uint_eq(n->nsigs, 2);
	note_free(n);
	store_release(db);
	ck_assert_int_eq(translog_key_rotate(st, &cfg, 1, &k1, err,
	    sizeof(err)), 0);
	db = store_acquire(st);
	ck_assert_uint_eq(current(&n), 5);
	ck_assert_uint_eq(n->nsigs, 1);
	ck_assert(signed_by(n, &k1) && !signed_by(n, &k2));
	note_free(n);
	ck_assert_msg(translog_verify(db, &nl, &nc, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(nl, 5);
	ck_assert_uint_eq(nc, 5);
}
END_TEST

START_TEST(witness_key_and_refusals)
{
	struct translog_cosig_result	 res;
	struct note_verifier		 w;
	struct log_key			 k;
	struct note_signer		 s;
	struct note			*n;
	struct tlog_checkpoint		 c;
	uint8_t				 pk[32], sk[64];
	char				*vkey, *note, *out, err[512];
	size_t				 len;

	ck_assert_int_eq(store_log_key_get(db, &k), STORE_OK);
	ck_assert_int_eq(translog_witness_vkey(db, &vkey), STORE_OK);
	ck_assert_int_eq(note_vkey_parse(vkey, &w, err, sizeof(err)), 0);
	free(vkey);
	ck_assert_uint_eq(w.alg, NOTE_ALG_COSIGNATURE);
	ck_assert_str_eq(w.name, k.origin);
	ck_assert(memcmp(w.pk, k.pk, 32) == 0);

	ck_assert_int_eq(translog_cosignature(db, "hello", 5, &res, err,
	    sizeof(err)), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(err, "not a signed note"));
	append(0);
	ck_assert_int_eq(translog_checkpoint(db, &cfg, &c, &note, err,
	    sizeof(err)), STORE_OK);
	/* cosigned by a witness no partner pinned */
	lc_ed25519_keypair(pk, sk);
	ck_assert_int_eq(note_signer_init(&s, "witness.example/w1",
	    NOTE_ALG_COSIGNATURE, sk, err, sizeof(err)), 0);
	ck_assert_int_eq(note_parse(note, strlen(note), &n, err, sizeof(err)),
	    0);
	ck_assert_int_eq(note_sign(n, &s, 1800000000, err, sizeof(err)), 0);
	ck_assert_int_eq(note_format(n, &out, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(translog_cosignature(db, out, len, &res, err,
	    sizeof(err)), STORE_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(err, "pinned partner"));
	free(out);
	note_free(n);
	/* a checkpoint of another log */
	ck_assert_int_eq(note_signer_init(&s, "other.example/labeld",
	    NOTE_ALG_ED25519, sk, err, sizeof(err)), 0);
	ck_assert_int_eq(note_new("other.example/labeld\n1\n"
	    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 68, &n, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(note_sign(n, &s, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(note_format(n, &out, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(translog_cosignature(db, out, len, &res, err,
	    sizeof(err)), STORE_INVALID);
	ck_assert_ptr_nonnull(strstr(err, "not of this log"));
	free(out);
	note_free(n);
	note_signer_wipe(&s);
	lc_wipe(sk, sizeof(sk));
	free(note);
	/* nothing was stored, nothing recorded */
	ck_assert_int_eq(translog_checkpoint(db, &cfg, &c, &note, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(note_parse(note, strlen(note), &n, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(n->nsigs, 1);
	note_free(n);
	free(note);
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("translog");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, appends_and_proofs);
	tcase_add_test(tc, leaf_bytes);
	tcase_add_test(tc, append_needs_transaction);
	tcase_add_test(tc, checkpoints);
	tcase_add_test(tc, verify_detects_tampering);
	tcase_add_test(tc, empty_log);
	tcase_add_test(tc, key_events);
	tcase_add_test(tc, verify_detects_forged_checkpoint);
	tcase_add_test(tc, log_key_rotation);
	tcase_add_test(tc, witness_key_and_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
