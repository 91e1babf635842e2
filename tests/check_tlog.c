/* check_tlog - RFC 6962 / RFC 9162 Merkle tree hashing and proofs.
 * Vectors: $LABELD_VECTORS/rfc6962/vectors.json (roots of sizes 0..8, every
 * inclusion path and consistency proof of those trees; see
 * tests/data/vectors/SOURCES.md).  A missing vector file fails the test.
 * The tree lives in an in-memory stand-in for the tlog_hashes table. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "tlog.h"

/* ck_assert records every passing check (a write(2) each): the backend's
 * hot paths only call into Check when something is wrong. */
#define REQUIRE(cond, ...) do { if (!(cond)) ck_abort_msg(__VA_ARGS__); } while (0)

/* ---- in-memory backend: one growable array of hashes per level ---- */

struct mem {
	uint8_t (*lv[TLOG_MAX_LEVEL + 1])[TLOG_HASH_LEN];
	uint64_t len[TLOG_MAX_LEVEL + 1], cap[TLOG_MAX_LEVEL + 1];
	uint64_t size;		/* leaves appended */
	uint64_t limit;		/* tree size of the call under test */
	unsigned long reads;
	int fail_at;		/* > 0: the fail_at-th read fails */
};

static int mem_read(void *arg, unsigned level, uint64_t idx, uint8_t out[TLOG_HASH_LEN],
                    char *err, size_t errlen)
{
	struct mem *m = arg;

	m->reads++;
	if (m->fail_at > 0 && m->reads == (unsigned long)m->fail_at) {
		snprintf(err, errlen, "injected read failure");
		return -1;
	}
	/* The contract: only complete subtrees inside the size asked about. */
	REQUIRE(level <= TLOG_MAX_LEVEL && (idx + 1) << level <= m->limit,
	        "read (%u, %llu) outside tree size %llu", level, (unsigned long long)idx,
	        (unsigned long long)m->limit);
	if (idx >= m->len[level]) {
		snprintf(err, errlen, "no subtree (%u, %llu)", level, (unsigned long long)idx);
		return -1;
	}
	memcpy(out, m->lv[level][idx], TLOG_HASH_LEN);
	return 0;
}

static void mem_store(struct mem *m, const struct tlog_node *nd)
{
	unsigned l = nd->level;

	REQUIRE(l <= TLOG_MAX_LEVEL && nd->idx == m->len[l], "store (%u, %llu) out of order", l,
	        (unsigned long long)nd->idx); /* append-only, in order */
	if (m->len[l] == m->cap[l]) {
		m->cap[l] = m->cap[l] ? 2 * m->cap[l] : 16;
		m->lv[l] = realloc(m->lv[l], m->cap[l] * TLOG_HASH_LEN);
		REQUIRE(m->lv[l] != NULL, "out of memory");
	}
	memcpy(m->lv[l][m->len[l]++], nd->hash, TLOG_HASH_LEN);
}

static void mem_append_hash(struct mem *m, const uint8_t leaf[TLOG_HASH_LEN])
{
	struct tlog_node nodes[TLOG_MAX_APPEND];
	size_t n, i;
	char err[200] = "";

	m->limit = m->size;
	REQUIRE(tlog_append_hashes(m->size, leaf, mem_read, m, nodes, &n, err, sizeof err) == 0,
	        "%s", err);
	REQUIRE(n >= 1, "append stored nothing");
	for (i = 0; i < n; i++)
		mem_store(m, &nodes[i]);
	m->size++;
}

static void mem_append(struct mem *m, const void *entry, size_t len)
{
	uint8_t h[TLOG_HASH_LEN];
	char err[200] = "";

	REQUIRE(tlog_leaf_hash(entry, len, h, err, sizeof err) == 0, "%s", err);
	mem_append_hash(m, h);
}

/* Appends leaves until the tree has n, entry i being its 8-byte index. */
static void mem_grow(struct mem *m, uint64_t n)
{
	uint8_t e[8];
	int b;

	while (m->size < n) {
		for (b = 0; b < 8; b++)
			e[b] = (uint8_t)(m->size >> (8 * b));
		mem_append(m, e, sizeof e);
	}
}

static void mem_free(struct mem *m)
{
	for (int l = 0; l <= TLOG_MAX_LEVEL; l++)
		free(m->lv[l]);
	memset(m, 0, sizeof *m);
}

static void root_of(struct mem *m, uint64_t size, uint8_t out[TLOG_HASH_LEN])
{
	char err[200] = "";

	m->limit = size;
	REQUIRE(tlog_root(size, mem_read, m, out, err, sizeof err) == 0, "%s", err);
}

/* ---- an independent reference: RFC 6962 MTH by its recursive definition ---- */

static void ref_mth(const struct mem *m, uint64_t lo, uint64_t hi, uint8_t out[TLOG_HASH_LEN])
{
	uint8_t l[TLOG_HASH_LEN], r[TLOG_HASH_LEN];
	uint64_t k = 1;

	if (hi - lo == 1) {
		memcpy(out, m->lv[0][lo], TLOG_HASH_LEN);
		return;
	}
	while (2 * k < hi - lo)
		k *= 2;
	ref_mth(m, lo, lo + k, l);
	ref_mth(m, lo + k, hi, r);
	tlog_node_hash(l, r, out);
}

/* ---- vectors ---- */

static json_t *vectors(void)
{
	const char *dir = getenv("LABELD_VECTORS");
	char path[1024];
	json_error_t je;
	json_t *v;

	ck_assert_msg(dir != NULL, "LABELD_VECTORS is not set (run through make check)");
	snprintf(path, sizeof path, "%s/rfc6962/vectors.json", dir);
	v = json_load_file(path, 0, &je);
	ck_assert_msg(v != NULL, "%s: %s (line %d)", path, je.text, je.line);
	return v;
}

static void unhex32(json_t *s, uint8_t out[TLOG_HASH_LEN])
{
	ck_assert(json_is_string(s));
	ck_assert_int_eq(lc_unhex(json_string_value(s), out, TLOG_HASH_LEN), 0);
}

static size_t hex_path(json_t *arr, uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN])
{
	size_t i;

	ck_assert(json_is_array(arr));
	ck_assert_uint_le(json_array_size(arr), TLOG_MAX_PROOF);
	for (i = 0; i < json_array_size(arr); i++)
		unhex32(json_array_get(arr, i), proof[i]);
	return i;
}

/* The vectors' tree: 8 leaves (hex in the file). */
static void vector_tree(json_t *v, struct mem *m)
{
	json_t *leaves = json_object_get(v, "leaves_hex");
	uint8_t buf[64];
	size_t i, n;

	ck_assert(json_is_array(leaves));
	ck_assert_uint_eq(json_array_size(leaves), 8);
	for (i = 0; i < json_array_size(leaves); i++) {
		const char *h = json_string_value(json_array_get(leaves, i));

		ck_assert_ptr_nonnull(h);
		n = strlen(h) / 2;
		ck_assert_uint_le(n, sizeof buf);
		ck_assert_int_eq(lc_unhex(h, buf, n), 0);
		mem_append(m, buf, n);
	}
}

START_TEST(test_vector_roots)
{
	json_t *v = vectors(), *roots = json_object_get(v, "roots_by_size");
	struct mem m = { 0 };
	uint8_t want[TLOG_HASH_LEN], got[TLOG_HASH_LEN];
	char key[8];
	uint64_t size;

	vector_tree(v, &m);
	ck_assert_uint_eq(json_object_size(roots), 9);
	for (size = 0; size <= 8; size++) {
		snprintf(key, sizeof key, "%u", (unsigned)size);
		unhex32(json_object_get(roots, key), want);
		root_of(&m, size, got);
		ck_assert_msg(memcmp(want, got, TLOG_HASH_LEN) == 0, "root of size %u", (unsigned)size);
	}
	mem_free(&m);
	json_decref(v);
}
END_TEST

START_TEST(test_vector_inclusion)
{
	json_t *v = vectors(), *inc = json_object_get(v, "inclusion"), *e;
	struct mem m = { 0 };
	uint8_t want[TLOG_MAX_PROOF][TLOG_HASH_LEN], got[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint8_t root[TLOG_HASH_LEN], bad[TLOG_HASH_LEN];
	size_t i, nwant, ngot, seen = 0;
	uint64_t index, size;
	char err[200] = "";

	vector_tree(v, &m);
	ck_assert(json_is_array(inc));
	json_array_foreach(inc, i, e) {
		index = (uint64_t)json_integer_value(json_object_get(e, "index"));
		size = (uint64_t)json_integer_value(json_object_get(e, "tree_size"));
		ck_assert(index < size && size <= 8);
		nwant = hex_path(json_object_get(e, "path"), want);
		m.limit = size;
		ck_assert_msg(tlog_inclusion_proof(index, size, mem_read, &m, got, &ngot, err,
		                                   sizeof err) == 0, "%s", err);
		ck_assert_uint_eq(ngot, nwant);
		ck_assert_msg(memcmp(got, want, ngot * TLOG_HASH_LEN) == 0,
		              "path of %u in %u", (unsigned)index, (unsigned)size);
		root_of(&m, size, root);
		ck_assert_msg(tlog_verify_inclusion(index, size, m.lv[0][index],
		                                    (const uint8_t (*)[TLOG_HASH_LEN])want, nwant,
		                                    root, err, sizeof err) == 0, "%s", err);
		/* the same path for another leaf or root fails */
		memcpy(bad, root, sizeof bad);
		bad[0] ^= 1;
		ck_assert_int_eq(tlog_verify_inclusion(index, size, m.lv[0][index],
		                                       (const uint8_t (*)[TLOG_HASH_LEN])want,
		                                       nwant, bad, err, sizeof err), -1);
		seen++;
	}
	ck_assert_uint_eq(seen, 36); /* every leaf of every tree of 1..8 leaves */
	mem_free(&m);
	json_decref(v);
}
END_TEST

START_TEST(test_vector_consistency)
{
	json_t *v = vectors(), *con = json_object_get(v, "consistency"), *e;
	struct mem m = { 0 };
	uint8_t want[TLOG_MAX_PROOF][TLOG_HASH_LEN], got[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint8_t r1[TLOG_HASH_LEN], r2[TLOG_HASH_LEN];
	size_t i, nwant, ngot, seen = 0;
	uint64_t first, second;
	char err[200] = "";

	vector_tree(v, &m);
	ck_assert(json_is_array(con));
	json_array_foreach(con, i, e) {
		first = (uint64_t)json_integer_value(json_object_get(e, "first"));
		second = (uint64_t)json_integer_value(json_object_get(e, "second"));
		ck_assert(first >= 1 && first < second && second <= 8);
		nwant = hex_path(json_object_get(e, "proof"), want);
		m.limit = second;
		ck_assert_msg(tlog_consistency_proof(first, second, mem_read, &m, got, &ngot, err,
		                                     sizeof err) == 0, "%s", err);
		ck_assert_uint_eq(ngot, nwant);
		ck_assert_msg(memcmp(got, want, ngot * TLOG_HASH_LEN) == 0,
		              "proof %u -> %u", (unsigned)first, (unsigned)second);
		root_of(&m, first, r1);
		root_of(&m, second, r2);
		ck_assert_msg(tlog_verify_consistency(first, second, r1, r2,
		                                      (const uint8_t (*)[TLOG_HASH_LEN])want, nwant,
		                                      err, sizeof err) == 0, "%s", err);
		/* swapped roots fail */
		ck_assert_int_eq(tlog_verify_consistency(first, second, r2, r1,
		                                         (const uint8_t (*)[TLOG_HASH_LEN])want,
		                                         nwant, err, sizeof err), -1);
		seen++;
	}
	ck_assert_uint_eq(seen, 28); /* every 1 <= first < second <= 8 */
	mem_free(&m);
	json_decref(v);
}
END_TEST

/* ---- properties on random trees ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: a fixed sequence, so a failure reproduces. */
static uint64_t rnd(uint64_t bound)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545F4914F6CDD1DULL) % bound;
}

static int inclusion_ok(uint64_t index, uint64_t size, const uint8_t *leaf,
                        uint8_t (*proof)[TLOG_HASH_LEN], size_t n, const uint8_t *root)
{
	char err[200];

	return tlog_verify_inclusion(index, size, leaf, (const uint8_t (*)[TLOG_HASH_LEN])proof, n,
	                             root, err, sizeof err) == 0;
}

static void check_inclusion(struct mem *m, uint64_t index, uint64_t size)
{
	uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], root[TLOG_HASH_LEN], other[TLOG_HASH_LEN];
	uint8_t bit;
	size_t n, at;
	char err[200] = "";

	root_of(m, size, root);
	m->limit = size;
	ck_assert_msg(tlog_inclusion_proof(index, size, mem_read, m, proof, &n, err,
	                                   sizeof err) == 0, "%s", err);
	ck_assert_msg(inclusion_ok(index, size, m->lv[0][index], proof, n, root),
	              "inclusion of %llu in %llu", (unsigned long long)index,
	              (unsigned long long)size);
	/* another leaf's hash */
	if (size > 1)
		ck_assert(!inclusion_ok(index, size, m->lv[0][(index + 1) % size], proof, n, root));
	/* a wrong index */
	if (size > 1)
		ck_assert(!inclusion_ok((index + 1 + rnd(size - 1)) % size, size,
		                        m->lv[0][index], proof, n, root));
	/* a wrong size, against that size's root */
	if (size < m->size) {
		root_of(m, size + 1, other);
		ck_assert(!inclusion_ok(index, size + 1, m->lv[0][index], proof, n, other));
	}
	if (size > index + 1) {
		root_of(m, size - 1, other);
		ck_assert(!inclusion_ok(index, size - 1, m->lv[0][index], proof, n, other));
	}
	/* one flipped bit anywhere in the proof */
	if (n > 0) {
		at = (size_t)rnd(n * TLOG_HASH_LEN);
		bit = (uint8_t)(1u << rnd(8));
		proof[at / TLOG_HASH_LEN][at % TLOG_HASH_LEN] ^= bit;
		ck_assert(!inclusion_ok(index, size, m->lv[0][index], proof, n, root));
		proof[at / TLOG_HASH_LEN][at % TLOG_HASH_LEN] ^= bit;
		/* one hash short, one too many */
		ck_assert(!inclusion_ok(index, size, m->lv[0][index], proof, n - 1, root));
	}
	if (n < TLOG_MAX_PROOF) {
		memcpy(proof[n], root, TLOG_HASH_LEN);
		ck_assert(!inclusion_ok(index, size, m->lv[0][index], proof, n + 1, root));
	}
}

static int consistency_ok(uint64_t first, uint64_t second, const uint8_t *r1, const uint8_t *r2,
                          uint8_t (*proof)[TLOG_HASH_LEN], size_t n)
{
	char err[200];

	return tlog_verify_consistency(first, second, r1, r2,
	                               (const uint8_t (*)[TLOG_HASH_LEN])proof, n, err,
	                               sizeof err) == 0;
}

static void check_consistency(struct mem *m, uint64_t first, uint64_t second)
{
	uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint8_t r1[TLOG_HASH_LEN], r2[TLOG_HASH_LEN], o[TLOG_HASH_LEN];
	uint8_t bit;
	size_t n, at;
	char err[200] = "";

	root_of(m, first, r1);
	root_of(m, second, r2);
	m->limit = second;
	ck_assert_msg(tlog_consistency_proof(first, second, mem_read, m, proof, &n, err,
	                                     sizeof err) == 0, "%s", err);
	ck_assert_msg(consistency_ok(first, second, r1, r2, proof, n), "consistency %llu -> %llu",
	              (unsigned long long)first, (unsigned long long)second);
	if (first == 0 || first == second) {
		ck_assert_uint_eq(n, 0);
		return;
	}
	ck_assert(!consistency_ok(first, second, r2, r1, proof, n));
	/* a wrong first or second size, with that size's root */
	if (first > 1) {
		root_of(m, first - 1, o);
		ck_assert(!consistency_ok(first - 1, second, o, r2, proof, n));
	}
	if (first + 1 < second) {
		root_of(m, first + 1, o);
		ck_assert(!consistency_ok(first + 1, second, o, r2, proof, n));
	}
	if (second < m->size) {
		root_of(m, second + 1, o);
		ck_assert(!consistency_ok(first, second + 1, r1, o, proof, n));
	}
	if (second - 1 > first) {
		root_of(m, second - 1, o);
		ck_assert(!consistency_ok(first, second - 1, r1, o, proof, n));
	}
	/* one flipped bit */
	at = (size_t)rnd(n * TLOG_HASH_LEN);
	bit = (uint8_t)(1u << rnd(8));
	proof[at / TLOG_HASH_LEN][at % TLOG_HASH_LEN] ^= bit;
	ck_assert(!consistency_ok(first, second, r1, r2, proof, n));
	proof[at / TLOG_HASH_LEN][at % TLOG_HASH_LEN] ^= bit;
	ck_assert(consistency_ok(first, second, r1, r2, proof, n));
	/* truncated, extended */
	ck_assert(!consistency_ok(first, second, r1, r2, proof, n - 1));
	if (n < TLOG_MAX_PROOF) {
		memcpy(proof[n], r2, TLOG_HASH_LEN);
		ck_assert(!consistency_ok(first, second, r1, r2, proof, n + 1));
	}
}

#define PROP_LEAVES 3000

START_TEST(test_random_trees)
{
	static const uint64_t edges[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1023, 1024, 1025,
	                                  2047, 2048, 2049, PROP_LEAVES };
	struct mem m = { 0 };
	uint8_t got[TLOG_HASH_LEN], want[TLOG_HASH_LEN];
	uint64_t size, first, index;
	size_t e;
	int round, j;

	mem_grow(&m, PROP_LEAVES);
	for (round = 0; round < 60; round++) {
		size = round < (int)(sizeof edges / sizeof edges[0]) ? edges[round]
		                                                      : 1 + rnd(PROP_LEAVES);
		root_of(&m, size, got);
		ref_mth(&m, 0, size, want);
		ck_assert_msg(memcmp(got, want, TLOG_HASH_LEN) == 0, "root of %llu",
		              (unsigned long long)size);
		check_inclusion(&m, 0, size);
		check_inclusion(&m, size - 1, size);
		for (j = 0; j < 8; j++) {
			index = rnd(size);
			check_inclusion(&m, index, size);
		}
		check_consistency(&m, 0, size);
		check_consistency(&m, size, size);
		check_consistency(&m, 1, size);
		check_consistency(&m, size > 1 ? size - 1 : 1, size);
		for (j = 0; j < 8; j++) {
			first = 1 + rnd(size);
			check_consistency(&m, first, size);
		}
	}
	/* exhaustively for the small trees */
	for (size = 1; size <= 64; size++)
		for (e = 0; e <= size; e++) {
			if (e < size)
				check_inclusion(&m, e, size);
			check_consistency(&m, e, size);
		}
	mem_free(&m);
}
END_TEST

START_TEST(test_refusals)
{
	struct mem m = { 0 };
	uint8_t proof[TLOG_MAX_PROOF + 1][TLOG_HASH_LEN], h[TLOG_HASH_LEN], root[TLOG_HASH_LEN];
	static uint8_t big[TLOG_MAX_ENTRY + 1];
	struct tlog_node nodes[TLOG_MAX_APPEND];
	size_t n = 99;
	char err[200];

	mem_grow(&m, 10);
	/* the empty tree: SHA-256 of nothing */
	root_of(&m, 0, root);
	ck_assert_int_eq(lc_unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	                          h, sizeof h), 0);
	ck_assert_mem_eq(root, h, TLOG_HASH_LEN);
	m.limit = 10;
	ck_assert_int_eq(tlog_inclusion_proof(10, 10, mem_read, &m, proof, &n, err, sizeof err), -1);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_nonnull(strstr(err, "not below"));
	ck_assert_int_eq(tlog_inclusion_proof(0, 0, mem_read, &m, proof, &n, err, sizeof err), -1);
	ck_assert_int_eq(tlog_consistency_proof(5, 4, mem_read, &m, proof, &n, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "above"));
	ck_assert_int_eq(tlog_root(TLOG_MAX_SIZE + 1, mem_read, &m, root, err, sizeof err), -1);
	ck_assert_int_eq(tlog_inclusion_proof(0, TLOG_MAX_SIZE + 1, mem_read, &m, proof, &n, err,
	                                      sizeof err), -1);
	ck_assert_int_eq(tlog_consistency_proof(1, TLOG_MAX_SIZE + 1, mem_read, &m, proof, &n, err,
	                                        sizeof err), -1);
	ck_assert_int_eq(tlog_append_hashes(TLOG_MAX_SIZE, h, mem_read, &m, nodes, &n, err,
	                                    sizeof err), -1);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_nonnull(strstr(err, "full"));
	/* verification */
	root_of(&m, 10, root);
	ck_assert_int_eq(tlog_verify_inclusion(10, 10, h, (const uint8_t (*)[TLOG_HASH_LEN])proof,
	                                       0, root, err, sizeof err), -1);
	ck_assert_int_eq(tlog_verify_inclusion(0, TLOG_MAX_SIZE + 1, h,
	                                       (const uint8_t (*)[TLOG_HASH_LEN])proof, 0, root,
	                                       err, sizeof err), -1);
	ck_assert_int_eq(tlog_verify_inclusion(0, 10, h, (const uint8_t (*)[TLOG_HASH_LEN])proof,
	                                       TLOG_MAX_PROOF + 1, root, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "at most"));
	ck_assert_int_eq(tlog_verify_consistency(1, 10, root, root,
	                                         (const uint8_t (*)[TLOG_HASH_LEN])proof,
	                                         TLOG_MAX_PROOF + 1, err, sizeof err), -1);
	ck_assert_int_eq(tlog_verify_consistency(3, 10, root, root,
	                                         (const uint8_t (*)[TLOG_HASH_LEN])proof, 0, err,
	                                         sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "empty"));
	ck_assert_int_eq(tlog_verify_consistency(0, 10, root, root,
	                                         (const uint8_t (*)[TLOG_HASH_LEN])proof, 1, err,
	                                         sizeof err), -1);
	ck_assert_int_eq(tlog_verify_consistency(10, 10, h, root,
	                                         (const uint8_t (*)[TLOG_HASH_LEN])proof, 0, err,
	                                         sizeof err), -1);
	ck_assert_int_eq(tlog_verify_consistency(11, 10, root, root,
	                                         (const uint8_t (*)[TLOG_HASH_LEN])proof, 0, err,
	                                         sizeof err), -1);
	ck_assert_int_eq(tlog_verify_consistency(10, TLOG_MAX_SIZE + 1, root, root,
	                                         (const uint8_t (*)[TLOG_HASH_LEN])proof, 1, err,
	                                         sizeof err), -1);
	/* an entry too large to hash */
	memset(big, 'a', sizeof big);
	ck_assert_int_eq(tlog_leaf_hash(big, sizeof big, h, err, sizeof err), -1);
	ck_assert_int_eq(tlog_leaf_hash(big, TLOG_MAX_ENTRY, h, err, sizeof err), 0);
	/* a failed read fails the call and says why */
	m.limit = 10;
	m.reads = 0;
	m.fail_at = 2;
	ck_assert_int_eq(tlog_inclusion_proof(3, 10, mem_read, &m, proof, &n, err, sizeof err), -1);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(err, "injected read failure");
	m.reads = 0;
	ck_assert_int_eq(tlog_consistency_proof(3, 10, mem_read, &m, proof, &n, err, sizeof err), -1);
	ck_assert_uint_eq(n, 0);
	m.reads = 0;
	ck_assert_int_eq(tlog_root(7, mem_read, &m, root, err, sizeof err), -1);
	m.reads = 0;
	m.fail_at = 1;
	m.limit = 10;
	ck_assert_int_eq(tlog_append_hashes(11, h, mem_read, &m, nodes, &n, err, sizeof err), -1);
	ck_assert_uint_eq(n, 0);
	mem_free(&m);
}
END_TEST

/* ---- cost: O(log n) reads ---- */

static unsigned long reads_of_inclusion(struct mem *m, uint64_t index, uint64_t size)
{
	uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	size_t n;
	char err[200] = "";

	m->limit = size;
	m->reads = 0;
	ck_assert_msg(tlog_inclusion_proof(index, size, mem_read, m, proof, &n, err,
	                                   sizeof err) == 0, "%s", err);
	return m->reads;
}

static unsigned long reads_of_consistency(struct mem *m, uint64_t first, uint64_t second)
{
	uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	size_t n;
	char err[200] = "";

	m->limit = second;
	m->reads = 0;
	ck_assert_msg(tlog_consistency_proof(first, second, mem_read, m, proof, &n, err,
	                                     sizeof err) == 0, "%s", err);
	return m->reads;
}

#define BIG_LEAVES 1000000

START_TEST(test_reads_logarithmic)
{
	struct mem m = { 0 };
	double bound;
	unsigned long r, worst = 0;
	uint64_t size, a;
	int i;

	mem_grow(&m, BIG_LEAVES);
	for (i = 0; i < 2000; i++) {
		size = i == 0 ? BIG_LEAVES : 1 + rnd(BIG_LEAVES);
		bound = 2.0 * log2((double)size) + 2.0;
		a = i < 4 ? (i % 2 ? size - 1 : 0) : rnd(size);
		r = reads_of_inclusion(&m, a, size);
		ck_assert_msg(r <= bound, "inclusion %llu in %llu: %lu reads",
		              (unsigned long long)a, (unsigned long long)size, r);
		worst = r > worst ? r : worst;
		a = 1 + rnd(size);
		r = reads_of_consistency(&m, a, size);
		ck_assert_msg(r <= bound, "consistency %llu -> %llu: %lu reads",
		              (unsigned long long)a, (unsigned long long)size, r);
		worst = r > worst ? r : worst;
	}
	ck_assert_uint_le(worst, (unsigned long)(2.0 * log2((double)BIG_LEAVES) + 2.0));
	mem_free(&m);
}
END_TEST

/* A virtual tree of any size whose leaves all hash to one value: its
 * complete subtree at level l is the same hash for every index, computed
 * once.  Lets the proofs run at TLOG_MAX_SIZE without storing 2^40 leaves. */
struct uniform {
	uint8_t level[TLOG_MAX_LEVEL + 1][TLOG_HASH_LEN];
	uint64_t limit;
	unsigned long reads;
};

static int uniform_read(void *arg, unsigned level, uint64_t idx, uint8_t out[TLOG_HASH_LEN],
                        char *err, size_t errlen)
{
	struct uniform *u = arg;

	(void)err;
	(void)errlen;
	REQUIRE(level <= TLOG_MAX_LEVEL && (idx + 1) << level <= u->limit, "read outside");
	u->reads++;
	memcpy(out, u->level[level], TLOG_HASH_LEN);
	return 0;
}

START_TEST(test_max_size)
{
	static const uint64_t sizes[] = { TLOG_MAX_SIZE, TLOG_MAX_SIZE - 1, TLOG_MAX_SIZE / 2 + 1,
	                                  ((uint64_t)1 << 39) + 12345, 1000000007ULL };
	struct uniform u;
	uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], r1[TLOG_HASH_LEN], r2[TLOG_HASH_LEN];
	size_t n, i;
	uint64_t size, first;
	char err[200] = "";

	ck_assert_int_eq(tlog_leaf_hash("x", 1, u.level[0], err, sizeof err), 0);
	for (i = 1; i <= TLOG_MAX_LEVEL; i++)
		tlog_node_hash(u.level[i - 1], u.level[i - 1], u.level[i]);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size = sizes[i];
		u.limit = size;
		ck_assert_int_eq(tlog_root(size, uniform_read, &u, r2, err, sizeof err), 0);
		u.reads = 0;
		ck_assert_msg(tlog_inclusion_proof(size - 1, size, uniform_read, &u, proof, &n, err,
		                                   sizeof err) == 0, "%s", err);
		ck_assert_uint_le(n, TLOG_MAX_LEVEL);
		ck_assert_uint_le(u.reads, 2 * TLOG_MAX_LEVEL + 2);
		ck_assert_msg(tlog_verify_inclusion(size - 1, size, u.level[0],
		                                    (const uint8_t (*)[TLOG_HASH_LEN])proof, n, r2,
		                                    err, sizeof err) == 0, "%s", err);
		first = size / 3 + 1;
		u.limit = first;
		ck_assert_int_eq(tlog_root(first, uniform_read, &u, r1, err, sizeof err), 0);
		u.limit = size;
		u.reads = 0;
		ck_assert_msg(tlog_consistency_proof(first, size, uniform_read, &u, proof, &n, err,
		                                     sizeof err) == 0, "%s", err);
		ck_assert_uint_le(n, TLOG_MAX_LEVEL + 1);
		ck_assert_uint_le(u.reads, 2 * TLOG_MAX_LEVEL + 2);
		ck_assert_msg(tlog_verify_consistency(first, size, r1, r2,
		                                      (const uint8_t (*)[TLOG_HASH_LEN])proof, n, err,
		                                      sizeof err) == 0, "%s", err);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tlog");
	TCase *tc = tcase_create("vectors"), *tp = tcase_create("properties");
	SRunner *sr;
	int failed;

	if (lc_init() != 0)
		return 1;
	tcase_add_test(tc, test_vector_roots);
	tcase_add_test(tc, test_vector_inclusion);
	tcase_add_test(tc, test_vector_consistency);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, test_random_trees);
	tcase_add_test(tp, test_refusals);
	tcase_add_test(tp, test_max_size);
	tcase_add_test(tp, test_reads_logarithmic);
	suite_add_tcase(s, tp);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
