/*
 * bitstring.h: the encodedList of a W3C Bitstring Status List v1.0 (zlib).
 * Part of libverify.a: libc, zlib and crypto.c (base64) only.
 */
#ifndef LABELD_BITSTRING_H
#define LABELD_BITSTRING_H

#include <stddef.h>
#include <stdint.h>

/*
 * The spec's minimum list size (16 KiB of bits), for herd privacy.  Encode
 * and decode do not enforce it: issuers allocate at least this much.
 */
#define BITSTRING_MIN_BITS	131072
/*
 * Decoding refuses a list that inflates beyond this (bytes): a hostile
 * status list must not exhaust memory.
 */
#define BITSTRING_MAX_BYTES	(16u * 1024u * 1024u)
/* ... and an encodedList string longer than this (characters). */
#define BITSTRING_MAX_ENCODED	(32u * 1024u * 1024u)

/*
 * encodedList = "u" + base64url-nopad(gzip(bits)) of the nbytes of bits.
 * Deterministic (gzip header with mtime 0), so the same bits always encode
 * the same.  Returns a string the caller frees, or NULL when nbytes is 0 or
 * above BITSTRING_MAX_BYTES, or out of memory.
 */
char	*bitstring_encode(const uint8_t *bits, size_t nbytes);

/*
 * The inverse: encoded must be strict multibase "u" base64url-nopad of
 * exactly one gzip member, inflating to 1..BITSTRING_MAX_BYTES bytes.
 * 0 with *bits malloc'd (the caller frees it) of *nbytes bytes, or -1
 * with a reason in err and *bits NULL.
 */
int	 bitstring_decode(const char *encoded, uint8_t **bits, size_t *nbytes,
	    char *err, size_t errlen);

/*
 * Bit index of the nbytes of bits (0 = the most significant bit of byte
 * 0): 0 or 1, or -1 when index is beyond nbytes * 8.
 */
int	 bitstring_get(const uint8_t *bits, size_t nbytes, size_t index);

/*
 * Sets (value != 0) or clears bit index.  The caller guarantees index <
 * 8 * size of bits; bitstring_put is the checked form.
 */
void	 bitstring_set(uint8_t *bits, size_t index, int value);

/* Bounds-checked bitstring_set: 0, or -1 when index >= nbytes * 8. */
int	 bitstring_put(uint8_t *bits, size_t nbytes, size_t index, int value);

#endif
