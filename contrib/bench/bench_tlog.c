/*
 * bench_tlog: the transparency log's Merkle tree (tlog.c) over an
 * in-memory store of complete-subtree hashes, the shape a tlog_hashes
 * table will have.  Prints figures, asserts nothing.  Built and run by
 * `make bench`; not part of make check.
 *
 *   bench_tlog [SECONDS]	(each measurement runs about SECONDS, default 1)
 *
 * Rows, for trees of 1,000 and 1,000,000 leaves:
 *   append			leaf hash of a 300-byte entry (a log leaf's
 *				size), tlog_append_hashes, storing its rows
 *   tree head			tlog_root of the whole tree
 *   inclusion proof		tlog_inclusion_proof of a random leaf
 *   inclusion verify		tlog_verify_inclusion of such a proof
 *   consistency proof		tlog_consistency_proof from a random size
 * "reads" is the mean number of stored hashes an operation read: proofs
 * must grow with log2(n), not with n.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "tlog.h"

#define ENTRY_LEN	300
#define SMALL		1000
#define LARGE		1000000
#define NPROOFS		4096

struct store {
	uint8_t		(*lv[TLOG_MAX_LEVEL + 1])[TLOG_HASH_LEN];
	uint64_t	 len[TLOG_MAX_LEVEL + 1], cap[TLOG_MAX_LEVEL + 1];
	uint64_t	 size;
	unsigned long	 reads;
};

struct prf {
	uint8_t		 hash[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	size_t		 n;
	uint64_t	 index;
};

struct run {
	struct store	*s;
	uint64_t	 size;
	uint8_t		 root[TLOG_HASH_LEN];
	struct prf	*proofs;
	unsigned long	 next;
};

static double	 seconds = 1.0;
static uint8_t	 entry[ENTRY_LEN];
static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "bench_tlog: %s: %s\n", what, err);
	exit(1);
}

static uint64_t
rnd(uint64_t bound)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 0x2545F4914F6CDD1DULL) % bound;
}

static int
store_read(void *arg, unsigned level, uint64_t idx, uint8_t out[TLOG_HASH_LEN],
    char *err, size_t errlen)
{
	struct store *s = arg;

	s->reads++;
	if (level > TLOG_MAX_LEVEL || idx >= s->len[level]) {
		snprintf(err, errlen, "no subtree (%u, %llu)", level,
		    (unsigned long long)idx);
		return -1;
	}
	memcpy(out, s->lv[level][idx], TLOG_HASH_LEN);
	return 0;
}

static void
store_append(struct store *s)
{
	struct tlog_node nodes[TLOG_MAX_APPEND];
	uint8_t leaf[TLOG_HASH_LEN];
	size_t n, i;
	unsigned l;
	char err[256];

	memcpy(entry, &s->size, sizeof(s->size));	/* entries differ */
	if (tlog_leaf_hash(entry, sizeof(entry), leaf, err, sizeof(err)) != 0 ||
	    tlog_append_hashes(s->size, leaf, store_read, s, nodes, &n, err,
	    sizeof(err)) != 0)
		die("append", err);
	for (i = 0; i < n; i++) {
		l = nodes[i].level;
		if (s->len[l] == s->cap[l]) {
			s->cap[l] = s->cap[l] ? 2 * s->cap[l] : 64;
			s->lv[l] = realloc(s->lv[l], s->cap[l] * TLOG_HASH_LEN);
			if (s->lv[l] == NULL)
				die("append", "out of memory");
		}
		memcpy(s->lv[l][s->len[l]++], nodes[i].hash, TLOG_HASH_LEN);
	}
	s->size++;
}

static void
store_free(struct store *s)
{
	for (int l = 0; l <= TLOG_MAX_LEVEL; l++)
		free(s->lv[l]);
	memset(s, 0, sizeof(*s));
}

/* Runs fn in batches until `seconds` have passed; prints the time per
 * call and the reads per call. */
static double
measure(const char *name, void (*fn)(struct run *), struct run *r)
{
	double		 t0 = now(), t;
	unsigned long	 n = 0, batch = 16, reads0 = r->s->reads;

	do {
		for (unsigned long i = 0; i < batch; i++)
			fn(r);
		n += batch;
		t = now() - t0;
	} while (t < seconds);
	printf("  %-22s %10.0f /s  %9.2f us each  %5.1f reads\n", name,
	    (double)n / t, t / (double)n * 1e6,
	    (double)(r->s->reads - reads0) / (double)n);
	return t / (double)n;
}

static void
do_root(struct run *r)
{
	uint8_t	 h[TLOG_HASH_LEN];
	char	 err[256];

	if (tlog_root(r->size, store_read, r->s, h, err, sizeof(err)) != 0)
		die("tree head", err);
}

static void
do_inclusion(struct run *r)
{
	struct prf	*p = &r->proofs[r->next++ % NPROOFS];
	char		 err[256];

	p->index = rnd(r->size);
	if (tlog_inclusion_proof(p->index, r->size, store_read, r->s, p->hash,
	    &p->n, err, sizeof(err)) != 0)
		die("inclusion proof", err);
}

static void
do_verify(struct run *r)
{
	struct prf	*p = &r->proofs[r->next++ % NPROOFS];
	char		 err[256];

	if (tlog_verify_inclusion(p->index, r->size, r->s->lv[0][p->index],
	    (const uint8_t (*)[TLOG_HASH_LEN])p->hash, p->n, r->root, err,
	    sizeof(err)) != 0)
		die("inclusion verify", err);
}

static void
do_consistency(struct run *r)
{
	uint8_t	 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	size_t	 n;
	char	 err[256];

	if (tlog_consistency_proof(1 + rnd(r->size), r->size, store_read, r->s,
	    proof, &n, err, sizeof(err)) != 0)
		die("consistency proof", err);
}

/* Appends to a fresh store until it has `leaves`, again and again for
 * small trees; returns the seconds per append. */
static double
append_rate(uint64_t leaves, struct store *keep)
{
	double		 t0 = now(), t;
	unsigned long	 n = 0;
	struct store	 s;

	do {
		memset(&s, 0, sizeof(s));
		while (s.size < leaves)
			store_append(&s);
		n += leaves;
		t = now() - t0;
		if (t < seconds)
			store_free(&s);
	} while (t < seconds);
	*keep = s;
	printf("  %-22s %10.0f /s  %9.2f us each  %5.1f reads\n", "append",
	    (double)n / t, t / (double)n * 1e6,
	    (double)s.reads / (double)leaves);
	return t / (double)n;
}

static double
tree(uint64_t leaves)
{
	struct store	 s;
	struct run	 r;
	double		 t;
	char		 err[256];

	printf("%llu leaves:\n", (unsigned long long)leaves);
	append_rate(leaves, &s);
	memset(&r, 0, sizeof(r));
	r.s = &s;
	r.size = leaves;
	if ((r.proofs = calloc(NPROOFS, sizeof(*r.proofs))) == NULL)
		die("proofs", "out of memory");
	if (tlog_root(r.size, store_read, &s, r.root, err, sizeof(err)) != 0)
		die("tree head", err);
	measure("tree head", do_root, &r);
	t = measure("inclusion proof", do_inclusion, &r);
	r.next = 0;
	measure("inclusion verify", do_verify, &r);
	measure("consistency proof", do_consistency, &r);
	free(r.proofs);
	store_free(&s);
	return t;
}

int
main(int argc, char **argv)
{
	double	 small, large;

	if (argc > 1 && (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_tlog [SECONDS]\n");
		return 2;
	}
	if (lc_init() != 0)
		die("libsodium", "cannot initialise");
	memset(entry, 0x5a, sizeof(entry));
	printf("labeld transparency log benchmark: RFC 6962 tree over an "
	    "in-memory subtree store, %d-byte entries\n\n", ENTRY_LEN);
	small = tree(SMALL);
	large = tree(LARGE);
	printf("\ninclusion proof at %d leaves takes %.2fx the time at %d "
	    "(log2 ratio %.2f, linear ratio %d)\n", LARGE, large / small, SMALL,
	    log2(LARGE) / log2(SMALL), LARGE / SMALL);
	return 0;
}
