/*
 * tlog.h: RFC 6962 / RFC 9162 Merkle tree hashing: leaf and node hashes,
 * tree heads, inclusion and consistency proofs (generation and
 * verification).  Part of libverify.a: libc and crypto.c only, no storage.
 *
 * STORAGE.  The tree is kept as the hashes of its complete subtrees: the
 * subtree at (level, idx) covers leaves [idx << level, (idx + 1) << level);
 * level 0 holds the leaf hashes.  Such a hash never changes once the
 * subtree is complete, so an append-only table tlog_hashes(level, idx, hash)
 * can hold them.  Appending leaf n stores its leaf hash and the complete
 * subtrees it finishes (tlog_append_hashes: at most TLOG_MAX_LEVEL + 1
 * rows).  Everything else reads those hashes through a tlog_read_fn and
 * never more than O(log n) of them: a tree head popcount(n) reads, a proof
 * at most 2 * ceil(log2 n) + 1.
 */
#ifndef LABELD_TLOG_H
#define LABELD_TLOG_H

#include <stddef.h>
#include <stdint.h>

#define TLOG_HASH_LEN	32
/* Largest subtree level: a tree holds at most 2^TLOG_MAX_LEVEL leaves. */
#define TLOG_MAX_LEVEL	40
#define TLOG_MAX_SIZE	((uint64_t)1 << TLOG_MAX_LEVEL)
/*
 * Longest proof accepted or produced (hashes).  Proofs of trees up to
 * TLOG_MAX_SIZE need at most TLOG_MAX_LEVEL + 1.
 */
#define TLOG_MAX_PROOF	64
/* Most hashes one append stores: its leaf and one per level above it. */
#define TLOG_MAX_APPEND	(TLOG_MAX_LEVEL + 1)

/* One stored subtree hash. */
struct tlog_node {
	unsigned	 level;
	uint64_t	 idx;
	uint8_t		 hash[TLOG_HASH_LEN];
};

/*
 * Storage callback: the hash of the complete subtree (level, idx) into out,
 * 0; or -1 with a message in err (errlen bytes) when it cannot be read.
 * The functions below ask only for subtrees that lie wholly inside the tree
 * size they were given, i.e. (idx + 1) << level <= size.
 */
typedef int (*tlog_read_fn)(void *arg, unsigned level, uint64_t idx,
    uint8_t out[TLOG_HASH_LEN], char *err, size_t errlen);

/* Largest log entry hashed (bytes): labeld's leaves are a few hundred. */
#define TLOG_MAX_ENTRY	(64u * 1024u)

/*
 * RFC 6962 leaf hash SHA-256(0x00 || entry[0..len)) into out.  0, or -1
 * with a message in err when len exceeds TLOG_MAX_ENTRY or memory runs
 * out (crypto.h hashes one buffer, so the entry is copied behind the
 * prefix byte).
 */
int	 tlog_leaf_hash(const void *entry, size_t len,
	    uint8_t out[TLOG_HASH_LEN], char *err, size_t errlen);

/*
 * RFC 6962 interior node hash SHA-256(0x01 || left || right).  out may
 * alias left or right.
 */
void	 tlog_node_hash(const uint8_t left[TLOG_HASH_LEN],
	    const uint8_t right[TLOG_HASH_LEN], uint8_t out[TLOG_HASH_LEN]);

/*
 * What to store when leaf number index (0-based; the tree had index leaves
 * before) with leaf hash leaf is appended: fills out[0..*nout) with (0,
 * index, leaf) and the subtree hashes the append completes, lowest level
 * first.  Reads the left siblings it needs (one per trailing 1 bit of
 * index) through read.  0, or -1 with a message in err (index beyond
 * TLOG_MAX_SIZE - 1, or a read failed); *nout is 0 then.
 */
int	 tlog_append_hashes(uint64_t index, const uint8_t leaf[TLOG_HASH_LEN],
	    tlog_read_fn read, void *arg, struct tlog_node out[TLOG_MAX_APPEND],
	    size_t *nout, char *err, size_t errlen);

/*
 * The root hash (tree head) of the first size leaves into out; SHA-256 of
 * the empty string for size 0.  0, or -1 with a message in err (size above
 * TLOG_MAX_SIZE, or a read failed).
 */
int	 tlog_root(uint64_t size, tlog_read_fn read, void *arg,
	    uint8_t out[TLOG_HASH_LEN], char *err, size_t errlen);

/*
 * RFC 9162 section 2.1.3.1 inclusion proof of leaf index in the tree of
 * size leaves: proof[0..*nproof) from the leaf's sibling upwards.  0, or -1
 * with a message in err (index >= size, size above TLOG_MAX_SIZE, a read
 * failed); *nproof is 0 then.
 */
int	 tlog_inclusion_proof(uint64_t index, uint64_t size, tlog_read_fn read,
	    void *arg, uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN],
	    size_t *nproof, char *err, size_t errlen);

/*
 * RFC 9162 section 2.1.4.1 consistency proof between the trees of first and
 * second leaves, proof[0..*nproof) in the RFC's order (empty when first is
 * 0 or first == second).  0, or -1 with a message in err (first > second,
 * second above TLOG_MAX_SIZE, a read failed); *nproof is 0 then.
 */
int	 tlog_consistency_proof(uint64_t first, uint64_t second,
	    tlog_read_fn read, void *arg,
	    uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *nproof,
	    char *err, size_t errlen);

/*
 * RFC 9162 section 2.1.3.2: 0 when proof[0..nproof) proves that the leaf
 * with hash leaf is number index of the tree of size leaves whose root is
 * root; -1 with the reason in err otherwise (index >= size, size above
 * TLOG_MAX_SIZE, a proof too long, too short or that does not hash to
 * root).
 */
int	 tlog_verify_inclusion(uint64_t index, uint64_t size,
	    const uint8_t leaf[TLOG_HASH_LEN],
	    const uint8_t (*proof)[TLOG_HASH_LEN], size_t nproof,
	    const uint8_t root[TLOG_HASH_LEN], char *err, size_t errlen);

/*
 * RFC 9162 section 2.1.4.2: 0 when proof[0..nproof) proves that the tree of
 * first leaves with root root1 is a prefix of the tree of second leaves with
 * root root2; -1 with the reason in err otherwise.  first == 0 needs an
 * empty proof (every tree extends the empty one); first == second needs an
 * empty proof and equal roots; first > second is refused.
 */
int	 tlog_verify_consistency(uint64_t first, uint64_t second,
	    const uint8_t root1[TLOG_HASH_LEN],
	    const uint8_t root2[TLOG_HASH_LEN],
	    const uint8_t (*proof)[TLOG_HASH_LEN], size_t nproof, char *err,
	    size_t errlen);

#endif
