/*
 * utf8.c: strict UTF-8 decoding (RFC 3629).
 */
#include <string.h>

#include "utf8.h"

int
utf8_next(const unsigned char *s, size_t n, size_t *i, uint32_t *cp)
{
	size_t		 k = *i, need, j;
	uint32_t	 c = s[k], min;

	if (c < 0x80) {
		*cp = c;
		*i = k + 1;
		return 0;
	} else if ((c & 0xe0) == 0xc0) {
		need = 1, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		need = 2, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		need = 3, c &= 0x07, min = 0x10000;
	} else
		return -1;
	if (n - k - 1 < need)
		return -1;
	for (j = 1; j <= need; j++) {
		if ((s[k + j] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[k + j] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	*i = k + 1 + need;
	return 0;
}

int
utf8_valid(const char *s, size_t n)
{
	size_t		 i = 0;
	uint32_t	 cp;

	while (i < n)
		if (utf8_next((const unsigned char *)s, n, &i, &cp) != 0)
			return 0;
	return 1;
}

size_t
utf8_prefix(const char *s, size_t n, size_t max)
{
	size_t k;

	if (n <= max)
		return n;
	/* s[k] starts a character unless it is a continuation byte. */
	for (k = max; k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80; k--)
		;
	return k;
}

void
utf8_clean(const char *s, char *out, size_t outlen)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), i = 0, o = 0;
	uint32_t		 cp;

	while (i < n && o + 1 < outlen) {
		size_t start = i;

		if (utf8_next(p, n, &i, &cp) == -1) {
			out[o++] = '?';
			i = start + 1;
			continue;
		}
		if (o + (i - start) >= outlen)
			break;
		memcpy(out + o, p + start, i - start);
		o += i - start;
	}
	out[o] = '\0';
}
