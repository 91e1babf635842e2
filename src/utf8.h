/*
 * utf8.h: strict UTF-8 decoding, shared by canonical JSON, problem
 * details and request checks.  Part of libverify (no daemon headers).
 */
#ifndef LABELD_UTF8_H
#define LABELD_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the sequence at s[*i] of the n bytes of s: rejects overlong
 * forms, encoded surrogates and code points above U+10FFFF.  0 with *cp
 * and *i advanced past it, or -1 (and *i unchanged).
 */
int	utf8_next(const unsigned char *s, size_t n, size_t *i, uint32_t *cp);

/* 1 when the n bytes of s are well-formed UTF-8, else 0. */
int	utf8_valid(const char *s, size_t n);

/*
 * Length of the longest prefix of the n bytes of s that is at most max
 * bytes long and does not end inside a UTF-8 sequence: where to cut a
 * string for "%.*s" without leaving half a character.
 */
size_t	utf8_prefix(const char *s, size_t n, size_t max);

/*
 * Copies the string s into out (outlen > 0, always NUL-terminated) as
 * well-formed UTF-8: each byte of an invalid or cut sequence becomes '?',
 * and a copy that does not fit is cut between characters.
 */
void	utf8_clean(const char *s, char *out, size_t outlen);

#endif /* LABELD_UTF8_H */
