/*
 * bitstring.c: Bitstring Status List encode and decode, see bitstring.h.
 */
#include "bitstring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "crypto.h"
#include "errfmt.h"

/* windowBits 15 + 16: zlib writes/reads a gzip wrapper, not zlib's own. */
#define GZIP_WINDOW	(15 + 16)

/*
 * "u" + base64url-nopad(gzip(bits)) of the nbytes of bits.  malloc'd, or
 * NULL when nbytes is 0 or too large, or out of memory.
 */
char *
bitstring_encode(const uint8_t *bits, size_t nbytes)
{
	z_stream	 zs;
	uint8_t		*gz = NULL;
	char		*b64 = NULL, *out = NULL;
	size_t		 cap, n;

	if (nbytes == 0 || nbytes > BITSTRING_MAX_BYTES)
		return NULL;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, GZIP_WINDOW, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	/* deflateBound covers the zlib wrapper; gzip's is 12 bytes longer. */
	cap = deflateBound(&zs, (uLong)nbytes) + 32;
	gz = malloc(cap);
	if (gz == NULL)
		goto done;
	zs.next_in = (Bytef *)(uintptr_t)bits; /* zlib's API is not const */
	zs.avail_in = (uInt)nbytes;
	zs.next_out = gz;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		goto done;
	b64 = lc_b64_encode(gz, zs.total_out, 1);
	if (b64 == NULL)
		goto done;
	n = strlen(b64);
	out = malloc(n + 2);
	if (out != NULL) {
		out[0] = 'u'; /* multibase: base64url, no padding */
		memcpy(out + 1, b64, n + 1);
	}
done:
	deflateEnd(&zs);
	free(gz);
	free(b64);
	return out;
}

/*
 * Decodes encoded into *bits (malloc'd, *nbytes bytes; the caller frees
 * it).  0, or -1 with a reason in err and *bits NULL.
 */
int
bitstring_decode(const char *encoded, uint8_t **bits, size_t *nbytes,
    char *err, size_t errlen)
{
	z_stream	 zs;
	uint8_t		*gz = NULL, *buf = NULL, *nb;
	size_t		 gzlen = 0, cap = 0, len = 0, enclen, ncap;
	int		 zrc = Z_OK, rc = -1, inited = 0;

	*bits = NULL;
	*nbytes = 0;
	enclen = strnlen(encoded, (size_t)BITSTRING_MAX_ENCODED + 1);
	if (enclen > BITSTRING_MAX_ENCODED) {
		errfmt(err, errlen, "encodedList longer than %u characters",
		    BITSTRING_MAX_ENCODED);
		return -1;
	}
	if (encoded[0] != 'u') {
		errfmt(err, errlen, "encodedList is not multibase base64url "
		    "(must start with 'u')");
		return -1;
	}
	if (lc_b64_decode(encoded + 1, 1, &gz, &gzlen) != 0) {
		errfmt(err, errlen, "encodedList is not valid base64url "
		    "without padding");
		return -1;
	}
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, GZIP_WINDOW) != Z_OK) {
		errfmt(err, errlen, "zlib: inflateInit2 failed");
		goto done;
	}
	inited = 1;
	zs.next_in = gz;
	zs.avail_in = (uInt)gzlen;
	while (zrc != Z_STREAM_END) {
		if (len == cap) {
			/*
			 * Grow geometrically, but never past the limit + 1
			 * byte: that byte tells "too large" apart from
			 * "exactly max".
			 */
			ncap = cap ? cap * 2 : 64 * 1024;
			if (ncap > (size_t)BITSTRING_MAX_BYTES + 1)
				ncap = (size_t)BITSTRING_MAX_BYTES + 1;
			if (ncap == cap) {
				errfmt(err, errlen, "status list inflates "
				    "beyond %u bytes", BITSTRING_MAX_BYTES);
				goto done;
			}
			nb = realloc(buf, ncap);
			if (nb == NULL) {
				errfmt(err, errlen, "out of memory");
				goto done;
			}
			buf = nb;
			cap = ncap;
		}
		zs.next_out = buf + len;
		zs.avail_out = (uInt)(cap - len);
		zrc = inflate(&zs, Z_NO_FLUSH);
		len = cap - zs.avail_out;
		if (zrc == Z_STREAM_END)
			break;
		if (zrc == Z_BUF_ERROR && zs.avail_in == 0) {
			errfmt(err, errlen, "gzip data is truncated");
			goto done;
		}
		if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			errfmt(err, errlen, "gzip data is invalid: %s",
			    zs.msg != NULL ? zs.msg : "inflate error");
			goto done;
		}
	}
	if (len > BITSTRING_MAX_BYTES) {
		errfmt(err, errlen, "status list inflates beyond %u bytes",
		    BITSTRING_MAX_BYTES);
		goto done;
	}
	if (zs.avail_in != 0) {
		errfmt(err, errlen, "trailing data after the gzip member");
		goto done;
	}
	if (len == 0) {
		errfmt(err, errlen, "status list is empty");
		goto done;
	}
	*bits = buf;
	*nbytes = len;
	buf = NULL;
	rc = 0;
done:
	if (inited)
		inflateEnd(&zs);
	free(gz);
	free(buf);
	return rc;
}

/* Bit index of the nbytes of bits: 0 or 1, or -1 when out of range. */
int
bitstring_get(const uint8_t *bits, size_t nbytes, size_t index)
{
	if (index / 8 >= nbytes)
		return -1;
	return (bits[index / 8] >> (7 - index % 8)) & 1;
}

/* Sets or clears bit index, which the caller guarantees is in range. */
void
bitstring_set(uint8_t *bits, size_t index, int value)
{
	uint8_t	 mask = (uint8_t)(0x80u >> (index % 8));

	if (value)
		bits[index / 8] |= mask;
	else
		bits[index / 8] &= (uint8_t)~mask;
}

/* bitstring_set when index < nbytes * 8 (0), else -1 and bits unchanged. */
int
bitstring_put(uint8_t *bits, size_t nbytes, size_t index, int value)
{
	if (index / 8 >= nbytes)
		return -1;
	bitstring_set(bits, index, value);
	return 0;
}
