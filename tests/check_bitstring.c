/* check_bitstring - W3C Bitstring Status List encodedList. Self-contained. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bitstring.h"
#include "crypto.h"

/* gzip of in[0..n) with the given level, as "u" + base64url; malloc'd.
   Independent of bitstring_encode, to test decoding foreign encoders. */
static char *gzip_u(const void *in, size_t n, int level, const void *trail, size_t tn)
{
	z_stream zs;
	size_t cap;
	uint8_t *gz;
	char *b, *out;

	memset(&zs, 0, sizeof zs);
	ck_assert_int_eq(deflateInit2(&zs, level, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&zs, (uLong)n) + 64 + tn;
	gz = malloc(cap);
	ck_assert_ptr_nonnull(gz);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	zs.next_out = gz;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	if (tn > 0)
		memcpy(gz + zs.total_out, trail, tn);
	b = lc_b64_encode(gz, zs.total_out + tn, 1);
	ck_assert_ptr_nonnull(b);
	out = malloc(strlen(b) + 2);
	ck_assert_ptr_nonnull(out);
	out[0] = 'u';
	strcpy(out + 1, b);
	free(b);
	free(gz);
	deflateEnd(&zs);
	return out;
}

static void expect_reject(const char *enc, const char *needle)
{
	uint8_t *bits = (uint8_t *)1;
	size_t n = 99;
	char err[200] = "";

	ck_assert_int_eq(bitstring_decode(enc, &bits, &n, err, sizeof err), -1);
	ck_assert_ptr_null(bits);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(err, needle) != NULL, "error \"%s\" lacks \"%s\"", err, needle);
}

START_TEST(test_msb_order)
{
	uint8_t b[2] = { 0, 0 };

	bitstring_set(b, 0, 1);
	ck_assert_uint_eq(b[0], 0x80);
	bitstring_set(b, 7, 1);
	ck_assert_uint_eq(b[0], 0x81);
	bitstring_set(b, 8, 1);
	ck_assert_uint_eq(b[1], 0x80);
	bitstring_set(b, 15, 7); /* any non-zero sets */
	ck_assert_uint_eq(b[1], 0x81);
	ck_assert_int_eq(bitstring_get(b, 2, 0), 1);
	ck_assert_int_eq(bitstring_get(b, 2, 1), 0);
	ck_assert_int_eq(bitstring_get(b, 2, 7), 1);
	ck_assert_int_eq(bitstring_get(b, 2, 15), 1);
	ck_assert_int_eq(bitstring_get(b, 2, 16), -1);
	ck_assert_int_eq(bitstring_get(b, 2, (size_t)-1), -1);
	ck_assert_int_eq(bitstring_get(b, 0, 0), -1);
	bitstring_set(b, 0, 0);
	ck_assert_uint_eq(b[0], 0x01);
	ck_assert_int_eq(bitstring_put(b, 2, 16, 1), -1);
	ck_assert_int_eq(bitstring_put(b, 2, 9, 1), 0);
	ck_assert_uint_eq(b[1], 0xc1);
	ck_assert_int_eq(bitstring_put(b, 2, 9, 0), 0);
	ck_assert_uint_eq(b[1], 0x81);
}
END_TEST

START_TEST(test_roundtrip)
{
	size_t n = BITSTRING_MIN_BITS / 8, back_n, i;
	static const size_t idx[] = { 0, 1, 7, 8, 4242, 65535, BITSTRING_MIN_BITS - 1 };
	uint8_t *bits = calloc(n, 1), *back;
	char err[200], *enc, *enc2;

	ck_assert_ptr_nonnull(bits);
	/* all zero: small, and decodes to exactly 16 KiB */
	enc = bitstring_encode(bits, n);
	ck_assert_ptr_nonnull(enc);
	ck_assert_int_eq(enc[0], 'u');
	ck_assert_uint_lt(strlen(enc), 200);
	ck_assert_ptr_null(strpbrk(enc, "+/="));
	ck_assert_msg(bitstring_decode(enc, &back, &back_n, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(back_n, n);
	ck_assert_mem_eq(back, bits, n);
	free(back);
	free(enc);

	for (i = 0; i < sizeof idx / sizeof idx[0]; i++)
		bitstring_set(bits, idx[i], 1);
	enc = bitstring_encode(bits, n);
	enc2 = bitstring_encode(bits, n);
	ck_assert_str_eq(enc, enc2); /* deterministic */
	ck_assert_int_eq(bitstring_decode(enc, &back, &back_n, err, sizeof err), 0);
	ck_assert_uint_eq(back_n, n);
	ck_assert_mem_eq(back, bits, n);
	for (i = 0; i < sizeof idx / sizeof idx[0]; i++)
		ck_assert_int_eq(bitstring_get(back, back_n, idx[i]), 1);
	ck_assert_int_eq(bitstring_get(back, back_n, 2), 0);
	ck_assert_int_eq(bitstring_get(back, back_n, BITSTRING_MIN_BITS), -1);
	free(back);
	free(enc);
	free(enc2);

	/* random content of odd sizes */
	for (i = 1; i < 5000; i += 997) {
		lc_random(bits, i);
		enc = bitstring_encode(bits, i);
		ck_assert_int_eq(bitstring_decode(enc, &back, &back_n, err, sizeof err), 0);
		ck_assert_uint_eq(back_n, i);
		ck_assert_mem_eq(back, bits, i);
		free(back);
		free(enc);
	}
	/* another encoder's gzip (level 1, memLevel 9) decodes the same */
	enc = gzip_u(bits, n, 1, NULL, 0);
	ck_assert_int_eq(bitstring_decode(enc, &back, &back_n, err, sizeof err), 0);
	ck_assert_uint_eq(back_n, n);
	ck_assert_mem_eq(back, bits, n);
	free(back);
	free(enc);
	ck_assert_ptr_null(bitstring_encode(bits, 0));
	free(bits);
}
END_TEST

START_TEST(test_reject_garbage)
{
	uint8_t data[64] = { 1, 2, 3 };
	char *enc, *b;

	expect_reject("", "start with 'u'");
	expect_reject("z2g", "start with 'u'");
	expect_reject("U", "start with 'u'");
	expect_reject("u!!!!", "base64url");
	expect_reject("uAA==", "base64url");
	expect_reject("uH4sI+AAA", "base64url");
	expect_reject("u", "gzip");
	b = lc_b64_encode("hello world, not gzip", 21, 1);
	enc = malloc(strlen(b) + 2);
	enc[0] = 'u';
	strcpy(enc + 1, b);
	expect_reject(enc, "gzip");
	free(b);
	free(enc);
	/* a zlib (not gzip) stream is refused too */
	{
		uint8_t z[128];
		uLongf zl = sizeof z;
		ck_assert_int_eq(compress(z, &zl, data, sizeof data), Z_OK);
		b = lc_b64_encode(z, zl, 1);
		enc = malloc(strlen(b) + 2);
		enc[0] = 'u';
		strcpy(enc + 1, b);
		expect_reject(enc, "gzip");
		free(b);
		free(enc);
	}
	/* trailing bytes after the member */
	enc = gzip_u(data, sizeof data, 9, "junk", 4);
	expect_reject(enc, "trailing");
	free(enc);
	/* truncated member */
	enc = gzip_u(data, sizeof data, 9, NULL, 0);
	{
		uint8_t *raw;
		size_t rl;
		ck_assert_int_eq(lc_b64_decode(enc + 1, 1, &raw, &rl), 0);
		free(enc);
		b = lc_b64_encode(raw, rl - 5, 1);
		enc = malloc(strlen(b) + 2);
		enc[0] = 'u';
		strcpy(enc + 1, b);
		expect_reject(enc, "truncated");
		free(b);
		free(enc);
		/* bad CRC */
		raw[rl - 6] ^= 0xff;
		b = lc_b64_encode(raw, rl, 1);
		enc = malloc(strlen(b) + 2);
		enc[0] = 'u';
		strcpy(enc + 1, b);
		expect_reject(enc, "invalid");
		free(b);
		free(enc);
		free(raw);
	}
	/* empty list */
	enc = gzip_u("", 0, 9, NULL, 0);
	expect_reject(enc, "empty");
	free(enc);
}
END_TEST

START_TEST(test_reject_oversize)
{
	size_t max = BITSTRING_MAX_BYTES;
	uint8_t *zeros = calloc(max + 1, 1), *back;
	size_t n;
	char err[200], *enc;

	ck_assert_ptr_nonnull(zeros);
	/* one byte too many: refused (a gzip bomb of ~16 KiB) */
	enc = gzip_u(zeros, max + 1, 9, NULL, 0);
	ck_assert_uint_lt(strlen(enc), 64 * 1024);
	expect_reject(enc, "beyond");
	free(enc);
	/* exactly the limit: accepted */
	enc = bitstring_encode(zeros, max);
	ck_assert_ptr_nonnull(enc);
	ck_assert_msg(bitstring_decode(enc, &back, &n, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(n, max);
	free(back);
	free(enc);
	ck_assert_ptr_null(bitstring_encode(zeros, max + 1));
	free(zeros);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bitstring");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	if (lc_init() != 0)
		return 1;
	tcase_add_test(tc, test_msb_order);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_reject_garbage);
	tcase_add_test(tc, test_reject_oversize);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
