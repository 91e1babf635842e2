/*
 * ratelimit.c: token buckets per client (a token id, an address), in a
 * fixed table so that memory stays bounded whatever the number of
 * clients.  A bucket holds up to RATELIMIT_BURST seconds of its rate and
 * refills continuously; a key is placed by a keyed SipHash (random key per
 * process), so no client can aim its keys at one slot.  When the probed
 * slots are all taken, the one idle longest is given to the newcomer: an
 * evicted client only starts again with a full bucket, which errs on the
 * side of serving.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "crypto.h"

#define RATELIMIT_PROBE	8	/* slots looked at per key */

struct bucket {
	uint64_t	 hash;		/* 0: free */
	double		 tokens;
	double		 last;		/* seconds, monotonic */
};

struct ratelimit {
	pthread_mutex_t	 lock;
	uint8_t		 key[LC_SHORTHASH_KEYBYTES];
	size_t		 nslots;
	struct bucket	*slots;
};

/* A table of nslots buckets (rounded up to a power of two); NULL on ENOMEM. */
struct ratelimit *
ratelimit_new(size_t nslots)
{
	struct ratelimit	*rl;
	size_t			 n = 64;

	while (n < nslots)
		n <<= 1;
	if ((rl = calloc(1, sizeof(*rl))) == NULL ||
	    (rl->slots = calloc(n, sizeof(*rl->slots))) == NULL) {
		free(rl);
		return NULL;
	}
	rl->nslots = n;
	lc_random(rl->key, sizeof(rl->key));
	pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->slots);
	free(rl);
}

/* The bucket of hash h: its own, a free one, or the one idle longest. */
static struct bucket *
ratelimit_slot(struct ratelimit *rl, uint64_t h, double now, int *fresh)
{
	struct bucket	*b, *victim = NULL;
	size_t		 i;

	for (i = 0; i < RATELIMIT_PROBE; i++) {
		b = &rl->slots[(h + i) & (rl->nslots - 1)];
		if (b->hash == h) {
			*fresh = 0;
			return b;
		}
		if (victim == NULL || b->hash == 0 ||
		    (victim->hash != 0 && b->last < victim->last))
			victim = b;
	}
	victim->hash = h;
	victim->last = now;
	*fresh = 1;
	return victim;
}

/*
 * Takes one request from key's bucket of rate requests per second (0: no
 * limit).  0 when the request may go on; else the whole seconds after
 * which one will be allowed again (at least 1), for Retry-After.  now is
 * a monotonic time in seconds.
 */
unsigned
ratelimit_take(struct ratelimit *rl, const char *key, unsigned rate,
    double now)
{
	struct bucket	*b;
	uint64_t	 h;
	double		 burst = (double)rate * RATELIMIT_BURST, wait;
	int		 fresh;
	unsigned	 retry = 0;

	if (rl == NULL || rate == 0)
		return 0;
	h = lc_shorthash(rl->key, key, strlen(key));
	if (h == 0)
		h = 1;
	pthread_mutex_lock(&rl->lock);
	b = ratelimit_slot(rl, h, now, &fresh);
	if (fresh)
		b->tokens = burst;
	else if (now > b->last) {
		b->tokens += (now - b->last) * rate;
		if (b->tokens > burst)
			b->tokens = burst;
	}
	b->last = now > b->last ? now : b->last;
	if (b->tokens >= 1.0)
		b->tokens -= 1.0;
	else {
		wait = (1.0 - b->tokens) / rate;
		retry = (unsigned)wait;
		if (retry < wait || retry == 0)
			retry++;
	}
	pthread_mutex_unlock(&rl->lock);
	return retry;
}
