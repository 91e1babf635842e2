/*
 * tlog.c: see tlog.h.  Proof generation follows the recursive definitions
 * of RFC 9162 sections 2.1.3.1 and 2.1.4.1, unrolled into loops over a leaf
 * range [lo, hi) whose hashes come from complete subtrees; verification is
 * the iterative algorithm of sections 2.1.3.2 and 2.1.4.2.
 */
#include "tlog.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "errfmt.h"

/* Entries up to this size are hashed from a stack buffer. */
#define LEAF_STACK	1024

/* The largest power of two strictly below n (n >= 2): RFC 6962's split. */
static uint64_t
largest_pow2_below(uint64_t n)
{
	uint64_t	 k = 1;

	assert(n >= 2);
	while (k << 1 < n)
		k <<= 1;
	return k;
}

/*
 * MTH(D[lo:hi]) for 0 < hi - lo, lo a multiple of the largest power of two
 * not above hi - lo (every range the RFC recursion makes is): the range is
 * the complete subtrees of the set bits of hi - lo, largest first, and its
 * hash their right fold.  popcount(hi - lo) reads.
 */
static int
range_hash(uint64_t lo, uint64_t hi, tlog_read_fn read, void *arg,
    uint8_t out[TLOG_HASH_LEN], char *err, size_t errlen)
{
	uint8_t		 sub[TLOG_MAX_LEVEL + 1][TLOG_HASH_LEN];
	uint64_t	 n = hi - lo, p = lo;
	size_t		 nsub = 0;
	int		 level;

	assert(lo < hi && hi <= TLOG_MAX_SIZE);
	for (level = TLOG_MAX_LEVEL; level >= 0; level--) {
		if ((n >> level & 1) == 0)
			continue;
		assert(p % ((uint64_t)1 << level) == 0);
		if (read(arg, (unsigned)level, p >> level, sub[nsub], err,
		    errlen) != 0)
			return -1;
		nsub++;
		p += (uint64_t)1 << level;
	}
	memcpy(out, sub[nsub - 1], TLOG_HASH_LEN);
	while (nsub-- > 1)
		tlog_node_hash(sub[nsub - 1], out, out);
	return 0;
}

/* Reverses proof[0..n) in place. */
static void
reverse(uint8_t (*proof)[TLOG_HASH_LEN], size_t n)
{
	uint8_t	 t[TLOG_HASH_LEN];
	size_t	 i;

	for (i = 0; i < n / 2; i++) {
		memcpy(t, proof[i], TLOG_HASH_LEN);
		memcpy(proof[i], proof[n - 1 - i], TLOG_HASH_LEN);
		memcpy(proof[n - 1 - i], t, TLOG_HASH_LEN);
	}
}

/* RFC 6962 leaf hash of entry into out; 0, or -1 with err (too long, OOM). */
int
tlog_leaf_hash(const void *entry, size_t len, uint8_t out[TLOG_HASH_LEN],
    char *err, size_t errlen)
{
	uint8_t	 stackbuf[1 + LEAF_STACK], *buf = stackbuf;

	if (len > TLOG_MAX_ENTRY) {
		errfmt(err, errlen, "log entry of %zu bytes exceeds %u", len,
		    TLOG_MAX_ENTRY);
		return -1;
	}
	if (len > LEAF_STACK && (buf = malloc(1 + len)) == NULL) {
		errfmt(err, errlen, "out of memory hashing a log entry");
		return -1;
	}
	buf[0] = 0x00;
	if (len > 0)
		memcpy(buf + 1, entry, len);
	lc_sha256(buf, 1 + len, out);
	if (buf != stackbuf)
		free(buf);
	return 0;
}

/* RFC 6962 node hash of left and right into out (which may alias either). */
void
tlog_node_hash(const uint8_t left[TLOG_HASH_LEN],
    const uint8_t right[TLOG_HASH_LEN], uint8_t out[TLOG_HASH_LEN])
{
	uint8_t	 buf[1 + 2 * TLOG_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, TLOG_HASH_LEN);
	memcpy(buf + 1 + TLOG_HASH_LEN, right, TLOG_HASH_LEN);
	lc_sha256(buf, sizeof(buf), out);
}

/*
 * The subtree hashes appending leaf number index completes, into
 * out[0..*nout).  0, or -1 with err and *nout 0.
 */
int
tlog_append_hashes(uint64_t index, const uint8_t leaf[TLOG_HASH_LEN],
    tlog_read_fn read, void *arg, struct tlog_node out[TLOG_MAX_APPEND],
    size_t *nout, char *err, size_t errlen)
{
	uint8_t		 left[TLOG_HASH_LEN];
	unsigned	 level;
	size_t		 n = 0;

	*nout = 0;
	if (index >= TLOG_MAX_SIZE) {
		errfmt(err, errlen,
		    "log full: leaf index %" PRIu64 " beyond %" PRIu64, index,
		    TLOG_MAX_SIZE - 1);
		return -1;
	}
	out[n].level = 0;
	out[n].idx = index;
	memcpy(out[n].hash, leaf, TLOG_HASH_LEN);
	n++;
	/*
	 * The subtree holding the new leaf at level l is complete; when it is
	 * a right child (bit l of index set) its parent is now complete too.
	 */
	for (level = 0; (index >> level & 1) != 0; level++) {
		if (read(arg, level, (index >> level) - 1, left, err,
		    errlen) != 0)
			return -1;
		out[n].level = level + 1;
		out[n].idx = index >> (level + 1);
		tlog_node_hash(left, out[n - 1].hash, out[n].hash);
		n++;
	}
	*nout = n;
	return 0;
}

/* The root hash of the first size leaves into out.  0, or -1 with err. */
int
tlog_root(uint64_t size, tlog_read_fn read, void *arg,
    uint8_t out[TLOG_HASH_LEN], char *err, size_t errlen)
{
	if (size > TLOG_MAX_SIZE) {
		errfmt(err, errlen, "tree size %" PRIu64 " beyond %" PRIu64,
		    size, TLOG_MAX_SIZE);
		return -1;
	}
	if (size == 0) {
		lc_sha256("", 0, out);
		return 0;
	}
	return range_hash(0, size, read, arg, out, err, errlen);
}

/*
 * RFC 9162 inclusion proof of leaf index in the tree of size leaves.  0, or
 * -1 with err and *nproof 0.
 */
int
tlog_inclusion_proof(uint64_t index, uint64_t size, tlog_read_fn read,
    void *arg, uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *nproof,
    char *err, size_t errlen)
{
	uint64_t	 lo = 0, hi = size, k;
	size_t		 n = 0;

	*nproof = 0;
	if (size > TLOG_MAX_SIZE) {
		errfmt(err, errlen, "tree size %" PRIu64 " beyond %" PRIu64,
		    size, TLOG_MAX_SIZE);
		return -1;
	}
	if (index >= size) {
		errfmt(err, errlen,
		    "leaf index %" PRIu64 " not below tree size %" PRIu64,
		    index, size);
		return -1;
	}
	/*
	 * PATH(m, D[lo:hi]): the sibling of the half holding m, then down that
	 * half; collected top-down, the proof lists them bottom-up.
	 */
	while (hi - lo > 1) {
		assert(n < TLOG_MAX_PROOF);
		k = largest_pow2_below(hi - lo);
		if (index < lo + k) {
			if (range_hash(lo + k, hi, read, arg, proof[n], err,
			    errlen) != 0)
				return -1;
			hi = lo + k;
		} else {
			if (range_hash(lo, lo + k, read, arg, proof[n], err,
			    errlen) != 0)
				return -1;
			lo += k;
		}
		n++;
	}
	reverse(proof, n);
	*nproof = n;
	return 0;
}

/*
 * RFC 9162 consistency proof between the trees of first and second leaves.
 * 0, or -1 with err and *nproof 0.
 */
int
tlog_consistency_proof(uint64_t first, uint64_t second, tlog_read_fn read,
    void *arg, uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *nproof,
    char *err, size_t errlen)
{
	uint64_t	 lo = 0, hi = second, m = first, k;
	size_t		 n = 0;
	/* The RFC's b: D[lo:lo+m] is the old tree itself. */
	int		 whole = 1;

	*nproof = 0;
	if (second > TLOG_MAX_SIZE) {
		errfmt(err, errlen, "tree size %" PRIu64 " beyond %" PRIu64,
		    second, TLOG_MAX_SIZE);
		return -1;
	}
	if (first > second) {
		errfmt(err, errlen,
		    "first tree size %" PRIu64 " above second %" PRIu64, first,
		    second);
		return -1;
	}
	if (first == 0 || first == second)
		return 0;
	/* SUBPROOF(m, D[lo:hi], b), unrolled; top-down, listed bottom-up. */
	for (;;) {
		assert(n < TLOG_MAX_PROOF);
		if (hi - lo == m) {
			if (!whole) {
				if (range_hash(lo, hi, read, arg, proof[n], err,
				    errlen) != 0)
					return -1;
				n++;
			}
			break;
		}
		k = largest_pow2_below(hi - lo);
		if (m <= k) {
			if (range_hash(lo + k, hi, read, arg, proof[n], err,
			    errlen) != 0)
				return -1;
			hi = lo + k;
		} else {
			if (range_hash(lo, lo + k, read, arg, proof[n], err,
			    errlen) != 0)
				return -1;
			lo += k;
			m -= k;
			whole = 0;
		}
		n++;
	}
	reverse(proof, n);
	*nproof = n;
	return 0;
}

/*
 * 0 when proof shows leaf at index in the tree of size leaves with root
 * root; -1 with the reason in err.
 */
int
tlog_verify_inclusion(uint64_t index, uint64_t size,
    const uint8_t leaf[TLOG_HASH_LEN], const uint8_t (*proof)[TLOG_HASH_LEN],
    size_t nproof, const uint8_t root[TLOG_HASH_LEN], char *err, size_t errlen)
{
	uint8_t		 r[TLOG_HASH_LEN];
	uint64_t	 fn, sn;
	size_t		 i;

	if (size > TLOG_MAX_SIZE) {
		errfmt(err, errlen, "tree size %" PRIu64 " beyond %" PRIu64,
		    size, TLOG_MAX_SIZE);
		return -1;
	}
	if (index >= size) {
		errfmt(err, errlen,
		    "leaf index %" PRIu64 " not below tree size %" PRIu64,
		    index, size);
		return -1;
	}
	if (nproof > TLOG_MAX_PROOF) {
		errfmt(err, errlen,
		    "inclusion proof of %zu hashes (at most %d)", nproof,
		    TLOG_MAX_PROOF);
		return -1;
	}
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, TLOG_HASH_LEN);
	for (i = 0; i < nproof; i++) {
		if (sn == 0) {
			errfmt(err, errlen,
			    "inclusion proof too long (%zu hashes)", nproof);
			return -1;
		}
		if ((fn & 1) != 0 || fn == sn) {
			tlog_node_hash(proof[i], r, r);
			if ((fn & 1) == 0)
				while ((fn & 1) == 0 && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else
			tlog_node_hash(r, proof[i], r);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0) {
		errfmt(err, errlen, "inclusion proof too short (%zu hashes)",
		    nproof);
		return -1;
	}
	if (!lc_equal(r, root, TLOG_HASH_LEN)) {
		errfmt(err, errlen,
		    "inclusion proof does not lead to the root");
		return -1;
	}
	return 0;
}

/*
 * 0 when proof shows the tree of first leaves (root1) a prefix of that of
 * second leaves (root2); -1 with the reason in err.
 */
int
tlog_verify_consistency(uint64_t first, uint64_t second,
    const uint8_t root1[TLOG_HASH_LEN], const uint8_t root2[TLOG_HASH_LEN],
    const uint8_t (*proof)[TLOG_HASH_LEN], size_t nproof, char *err,
    size_t errlen)
{
	uint8_t		 fr[TLOG_HASH_LEN], sr[TLOG_HASH_LEN];
	const uint8_t	*c;
	uint64_t	 fn, sn;
	size_t		 i, start;

	if (second > TLOG_MAX_SIZE) {
		errfmt(err, errlen, "tree size %" PRIu64 " beyond %" PRIu64,
		    second, TLOG_MAX_SIZE);
		return -1;
	}
	if (first > second) {
		errfmt(err, errlen,
		    "first tree size %" PRIu64 " above second %" PRIu64, first,
		    second);
		return -1;
	}
	if (nproof > TLOG_MAX_PROOF) {
		errfmt(err, errlen,
		    "consistency proof of %zu hashes (at most %d)", nproof,
		    TLOG_MAX_PROOF);
		return -1;
	}
	if (first == 0 || first == second) {
		if (nproof != 0) {
			errfmt(err, errlen,
			    "consistency proof from size %" PRIu64 " to "
			    "%" PRIu64 " must be empty", first, second);
			return -1;
		}
		if (first == second && !lc_equal(root1, root2, TLOG_HASH_LEN)) {
			errfmt(err, errlen,
			    "two roots for the same tree size %" PRIu64, first);
			return -1;
		}
		return 0;
	}
	if (nproof == 0) {
		errfmt(err, errlen, "empty consistency proof");
		return -1;
	}
	/*
	 * A power-of-two old tree is a complete subtree of the new one, and
	 * the proof leaves its root out: the RFC prepends root1.
	 */
	start = 0;
	if ((first & (first - 1)) == 0)
		c = root1;
	else {
		c = proof[0];
		start = 1;
	}
	fn = first - 1;
	sn = second - 1;
	while ((fn & 1) != 0) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, c, TLOG_HASH_LEN);
	memcpy(sr, c, TLOG_HASH_LEN);
	for (i = start; i < nproof; i++) {
		if (sn == 0) {
			errfmt(err, errlen,
			    "consistency proof too long (%zu hashes)", nproof);
			return -1;
		}
		if ((fn & 1) != 0 || fn == sn) {
			tlog_node_hash(proof[i], fr, fr);
			tlog_node_hash(proof[i], sr, sr);
			if ((fn & 1) == 0)
				while ((fn & 1) == 0 && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else
			tlog_node_hash(sr, proof[i], sr);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0) {
		errfmt(err, errlen, "consistency proof too short (%zu hashes)",
		    nproof);
		return -1;
	}
	if (!lc_equal(fr, root1, TLOG_HASH_LEN)) {
		errfmt(err, errlen,
		    "consistency proof does not lead to the old root");
		return -1;
	}
	if (!lc_equal(sr, root2, TLOG_HASH_LEN)) {
		errfmt(err, errlen,
		    "consistency proof does not lead to the new root");
		return -1;
	}
	return 0;
}
