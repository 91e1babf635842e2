/*
 * jcs.c: RFC 8785 canonical JSON, see jcs.h.
 */
#include "jcs.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* jansson >= 2.14 allows NUL inside keys and tells their length. */
#if JANSSON_VERSION_HEX >= 0x020e00
#define ITER_KEY_LEN(it, key)	json_object_iter_key_len(it)
#else
#define ITER_KEY_LEN(it, key)	strlen(key)
#endif

struct buf {
	char	*p;
	size_t	 len, cap;
	char	*err;
	size_t	 errlen;
	int	 failed;
};

static void	 fail(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 put_value(struct buf *, const json_t *, int);

/*
 * Marks b failed and, the first time only, formats the reason into its
 * error buffer (a NULL buffer is allowed).
 */
static void
fail(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	if (b->failed)
		return; /* keep the first reason */
	b->failed = 1;
	if (b->err == NULL || b->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->err, b->errlen, fmt, ap);
	va_end(ap);
}

/* Appends s[0..n) to b, growing it; fails b beyond JCS_MAX_OUTPUT or on OOM. */
static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (n > JCS_MAX_OUTPUT - b->len) {
		fail(b, "canonical form larger than %u bytes", JCS_MAX_OUTPUT);
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t	 ncap = b->cap ? b->cap : 256;
		char	*np;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (np == NULL) {
			fail(b, "out of memory");
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Appends the byte c to b. */
static void
putc1(struct buf *b, char c)
{
	put(b, &c, 1);
}

/*
 * RFC 8785 3.2.2.2: only '"', '\\' and U+0000..U+001F are escaped, the
 * latter as \b \t \n \f \r or lowercase \u00hh; all else is raw UTF-8.
 */
static void
put_string(struct buf *b, const char *s, size_t n, const char *what)
{
	static const char	 hexd[] = "0123456789abcdef";
	size_t			 i, run = 0;

	if (!utf8_valid(s, n)) {
		fail(b, "%s is not valid UTF-8 (or holds a lone surrogate)",
		    what);
		return;
	}
	putc1(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)s[i];
		char		 esc[6];
		size_t		 elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(b, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\t': esc[1] = 't'; break;
		case '\n': esc[1] = 'n'; break;
		case '\f': esc[1] = 'f'; break;
		case '\r': esc[1] = 'r'; break;
		default:
			esc[1] = 'u', esc[2] = '0', esc[3] = '0';
			esc[4] = hexd[c >> 4], esc[5] = hexd[c & 15];
			elen = 6;
		}
		put(b, esc, elen);
	}
	put(b, s + run, n - run);
	putc1(b, '"');
}

/* ---- numbers ---- */

/*
 * Digits of printf("%.*e") output (skipping the locale's radix character)
 * into digits[], decimal exponent into *exp.  0 or -1.
 */
static int
parse_e(const char *txt, char *digits, size_t cap, int *exp)
{
	size_t		 k = 0;
	const char	*p = txt;

	for (; *p != '\0' && *p != 'e'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (k + 1 >= cap)
				return -1;
			digits[k++] = *p;
		}
	}
	if (*p != 'e' || k == 0)
		return -1;
	digits[k] = '\0';
	*exp = atoi(p + 1);
	return 0;
}

/*
 * Does digits x 10^(exp - k + 1) (k = strlen(digits)) read back as d?
 * The text has no radix character, so strtod's locale does not matter.
 */
static int
round_trips(const char *digits, int exp, double d)
{
	char	 txt[48];

	snprintf(txt, sizeof(txt), "%se%d", digits,
	    exp - (int)strlen(digits) + 1);
	return strtod(txt, NULL) == d;
}

/*
 * Next k-digit decimal above (dir > 0) or below (dir < 0) digits x 10^exp
 * (leading digit's place), in place.
 */
static void
neighbour(char *digits, int *exp, int dir)
{
	size_t	 k = strlen(digits), i;

	if (dir > 0) {
		for (i = k; i > 0 && digits[i - 1] == '9'; i--)
			digits[i - 1] = '0';
		if (i == 0) { /* 99..9 -> 100..0, one decade up */
			digits[0] = '1';
			(*exp)++;
		} else {
			digits[i - 1]++;
		}
	} else {
		if (digits[0] == '1' && strspn(digits + 1, "0") == k - 1) {
			/* 100..0 -> 99..9: the decade below has a finer grid */
			memset(digits, '9', k);
			(*exp)--;
			return;
		}
		for (i = k; i > 0 && digits[i - 1] == '0'; i--)
			digits[i - 1] = '9';
		digits[i - 1]--;
	}
}

/*
 * Shortest digits s (no trailing zeros) and exponent of a finite d > 0
 * such that s reads back as d; among equally short ones the nearest
 * (ECMA-262 Number::toString step 5).
 */
static void
shortest(double d, char digits[20], int *exp)
{
	char	 txt[48], cand[20];
	int	 prec, e, ce, dir;
	size_t	 k;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(txt, sizeof(txt), "%.*e", prec - 1, d);
		if (parse_e(txt, digits, 20, exp) != 0)
			break; /* cannot happen; %.16e below always works */
		if (round_trips(digits, *exp, d))
			goto strip;
		/*
		 * printf rounds to the nearest prec-digit decimal, but d's
		 * round-trip interval is lopsided at powers of two: the next
		 * decimal on the other side of d may read back while the
		 * nearest does not.  At most one neighbour can.
		 */
		for (dir = 1; dir >= -1; dir -= 2) {
			memcpy(cand, digits, sizeof(cand));
			ce = *exp;
			neighbour(cand, &ce, dir);
			if (round_trips(cand, ce, d)) {
				memcpy(digits, cand, sizeof(cand));
				*exp = ce;
				goto strip;
			}
		}
	}
	snprintf(txt, sizeof(txt), "%.16e", d);
	e = 0;
	parse_e(txt, digits, 20, &e);
	*exp = e;
strip:
	k = strlen(digits);
	while (k > 1 && digits[k - 1] == '0')
		digits[--k] = '\0';
}

/* ECMAScript Number::toString(d) into out; 0, or -1 for NaN or infinity. */
int
jcs_number(double d, char out[JCS_NUMBER_BUFLEN])
{
	char	 digits[20], *o = out;
	int	 exp, n, k, i, e;

	if (!isfinite(d))
		return -1;
	if (d == 0) { /* also -0 */
		strcpy(out, "0");
		return 0;
	}
	if (d < 0) {
		*o++ = '-';
		d = -d;
	}
	shortest(d, digits, &exp);
	k = (int)strlen(digits);
	n = exp + 1; /* value = 0.digits x 10^n */
	if (k <= n && n <= 21) {
		memcpy(o, digits, (size_t)k);
		o += k;
		for (i = 0; i < n - k; i++)
			*o++ = '0';
		*o = '\0';
	} else if (0 < n && n < k) { /* ES: 0 < n <= 21; here n < k <= 17 */
		memcpy(o, digits, (size_t)n);
		o += n;
		*o++ = '.';
		strcpy(o, digits + n);
	} else if (-6 < n && n <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (i = 0; i < -n; i++)
			*o++ = '0';
		strcpy(o, digits);
	} else {
		e = n - 1;
		*o++ = digits[0];
		if (k > 1) {
			*o++ = '.';
			memcpy(o, digits + 1, (size_t)k - 1);
			o += k - 1;
		}
		snprintf(o, JCS_NUMBER_BUFLEN - (size_t)(o - out), "e%c%d",
		    e < 0 ? '-' : '+', e < 0 ? -e : e);
	}
	return 0;
}

/* ---- structure ---- */

struct member {
	const char	*key;
	size_t		 klen;
	json_t		*value;
};

/*
 * First UTF-16 code unit of cp: supplementary characters sort by their
 * high surrogate (0xD800..0xDBFF), i.e. before U+E000..U+FFFF.
 */
static uint32_t
u16_lead(uint32_t cp)
{
	return cp < 0x10000 ? cp : 0xd800 + ((cp - 0x10000) >> 10);
}

/*
 * RFC 8785 3.2.3: order by UTF-16 code units.  Keys are valid UTF-8
 * (checked before sorting).  Same lead unit and different code points
 * means both are supplementary with the same high surrogate: their low
 * surrogates then order as the code points do.
 */
static int
member_cmp(const void *pa, const void *pb)
{
	const struct member	*a = pa, *b = pb;
	const unsigned char	*sa = (const unsigned char *)a->key;
	const unsigned char	*sb = (const unsigned char *)b->key;
	size_t			 i = 0, j = 0;
	uint32_t		 ca, cb;

	while (i < a->klen && j < b->klen) {
		if (utf8_next(sa, a->klen, &i, &ca) != 0 ||
		    utf8_next(sb, b->klen, &j, &cb) != 0)
			return 0; /* unreachable: validated */
		if (ca == cb)
			continue;
		if (u16_lead(ca) != u16_lead(cb))
			return u16_lead(ca) < u16_lead(cb) ? -1 : 1;
		return ca < cb ? -1 : 1;
	}
	if (i < a->klen)
		return 1;
	if (j < b->klen)
		return -1;
	return 0;
}

/* The members of the object v sorted by RFC 8785 3.2.3, at depth. */
static void
put_object(struct buf *b, const json_t *v, int depth)
{
	size_t		 n = json_object_size(v), i = 0;
	struct member	*m;
	void		*it;

	putc1(b, '{');
	if (n == 0) {
		putc1(b, '}');
		return;
	}
	m = calloc(n, sizeof(*m));
	if (m == NULL) {
		fail(b, "out of memory");
		return;
	}
	for (it = json_object_iter((json_t *)v); it != NULL && i < n;
	     it = json_object_iter_next((json_t *)v, it), i++) {
		m[i].key = json_object_iter_key(it);
		m[i].klen = ITER_KEY_LEN(it, m[i].key);
		m[i].value = json_object_iter_value(it);
		if (!utf8_valid(m[i].key, m[i].klen)) {
			fail(b, "object key is not valid UTF-8 (or holds a "
			    "lone surrogate)");
			free(m);
			return;
		}
	}
	n = i;
	qsort(m, n, sizeof(*m), member_cmp);
	for (i = 0; i < n && !b->failed; i++) {
		if (i > 0)
			putc1(b, ',');
		put_string(b, m[i].key, m[i].klen, "object key");
		putc1(b, ':');
		put_value(b, m[i].value, depth + 1);
	}
	free(m);
	putc1(b, '}');
}

/*
 * The canonical form of v, at nesting depth, appended to b; b failed on any
 * fault.
 */
static void
put_value(struct buf *b, const json_t *v, int depth)
{
	char		 num[JCS_NUMBER_BUFLEN];
	json_int_t	 iv;
	size_t		 i, n;

	if (b->failed)
		return;
	if (v == NULL) {
		fail(b, "NULL value");
		return;
	}
	if (depth > JCS_MAX_DEPTH) {
		fail(b, "nesting deeper than %d", JCS_MAX_DEPTH);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		put_object(b, v, depth);
		break;
	case JSON_ARRAY:
		putc1(b, '[');
		n = json_array_size(v);
		for (i = 0; i < n && !b->failed; i++) {
			if (i > 0)
				putc1(b, ',');
			put_value(b, json_array_get(v, i), depth + 1);
		}
		putc1(b, ']');
		break;
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v),
		    "string");
		break;
	case JSON_INTEGER:
		/*
		 * Beyond 2^53 a double (what every JCS peer parses into) would
		 * silently change the value: refuse rather than mis-sign.
		 */
		iv = json_integer_value(v);
		if (iv > JCS_MAX_SAFE_INTEGER || iv < -JCS_MAX_SAFE_INTEGER) {
			fail(b, "integer %" JSON_INTEGER_FORMAT
			    " beyond +-(2^53-1)", iv);
			return;
		}
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, iv);
		put(b, num, strlen(num));
		break;
	case JSON_REAL:
		if (jcs_number(json_real_value(v), num) != 0) {
			fail(b, "number is NaN or infinite");
			return;
		}
		/*
		 * Written without fraction or exponent, it reads back as an
		 * integer token, refused above: refuse it here too, so that
		 * every canonical form is one jcs accepts again.
		 */
		if (strpbrk(num, ".e") == NULL &&
		    fabs(json_real_value(v)) > (double)JCS_MAX_SAFE_INTEGER) {
			fail(b, "number %s is an integer beyond +-(2^53-1)",
			    num);
			return;
		}
		put(b, num, strlen(num));
		break;
	case JSON_TRUE:
		put(b, "true", 4);
		break;
	case JSON_FALSE:
		put(b, "false", 5);
		break;
	case JSON_NULL:
		put(b, "null", 4);
		break;
	default:
		fail(b, "unknown JSON type");
	}
}

/* The RFC 8785 form of v, malloc'd; NULL with err on any fault. */
char *
jcs_serialize(const json_t *v, size_t *len, char *err, size_t errlen)
{
	struct buf	 b = { NULL, 0, 0, err, errlen, 0 };

	put_value(&b, v, 0);
	if (!b.failed && b.p == NULL)
		fail(&b, "empty output"); /* unreachable: every value writes */
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	if (len != NULL)
		*len = b.len;
	return b.p;
}
