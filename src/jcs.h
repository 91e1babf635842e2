/*
 * jcs.h: RFC 8785 JSON Canonicalization Scheme over a jansson tree.
 *
 * jansson's own JSON_COMPACT|JSON_SORT_KEYS output is not JCS (byte-order key
 * sort, uppercase \u escapes, %.17g reals), hence this serialiser.
 * Part of libverify.a: libc and jansson only.
 */
#ifndef LABELD_JCS_H
#define LABELD_JCS_H

#include <stddef.h>
#include <jansson.h>

/* Nesting deeper than this is refused (also stops reference cycles). */
#define JCS_MAX_DEPTH	1000
/* Canonical output larger than this is refused (bytes). */
#define JCS_MAX_OUTPUT	(64u * 1024u * 1024u)
/* Largest integer magnitude accepted: 2^53-1, exact in an IEEE double. */
#define JCS_MAX_SAFE_INTEGER	9007199254740991LL
/* Buffer size that holds any jcs_number() result. */
#define JCS_NUMBER_BUFLEN	32

/*
 * RFC 8785 canonical form of v (any JSON value, not only objects); v is
 * not modified.  Returns malloc'd NUL-terminated UTF-8 that the caller
 * frees (*len, if len is non-NULL, excludes the NUL), or NULL with a
 * reason in err: non-finite number, integer beyond +-(2^53-1), also a real
 * whose canonical form is one (2^53 <= |d| < 1e21, such as 1e20 or
 * 12345678901234567.1: that form would read back as such an integer),
 * invalid UTF-8 or an encoded surrogate in a string or key, nesting beyond
 * JCS_MAX_DEPTH, output beyond JCS_MAX_OUTPUT, out of memory.
 * So every output parses back (jansson) into a value whose canonical form
 * is the same bytes.
 */
char	*jcs_serialize(const json_t *v, size_t *len, char *err, size_t errlen);

/*
 * ECMAScript Number::toString(d) into out (JCS_NUMBER_BUFLEN bytes): the
 * shortest decimal that reads back as d, "-0" as "0", exponent form when the
 * decimal exponent is >= 21 or <= -7 ("1e+21", "1e-7").  0, or -1 if d is
 * NaN or infinite.
 */
int	 jcs_number(double d, char out[JCS_NUMBER_BUFLEN]);

#endif
