/* check_crypto - encodings, Multikey, Ed25519, tokens, key and secret files.
 * The Multikey vector is the W3C vc-di-eddsa test key quoted in
 * shared/REFERENCE.md; everything else is self-contained. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto.h"

#define VEC_PK_MB "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
#define VEC_PK_HEX "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
#define VEC_SK_MB "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
#define VEC_SEED_HEX "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"

static char tmpdir[256];

static void setup_tmp(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof tmpdir, "%s/check_crypto.XXXXXX",
	         base != NULL && base[0] != '\0' ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		abort();
}

static void teardown_tmp(void)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* Path in the test's directory; a ring of buffers so that a few results
   can be used together (long-lived ones are copied by the caller). */
static char *tmppath(const char *name)
{
	static char ring[4][400];
	static unsigned next;
	char *p = ring[next++ % 4];

	snprintf(p, sizeof ring[0], "%s/%s", tmpdir, name);
	return p;
}

static char *file_text(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

START_TEST(test_hex_sha_equal)
{
	uint8_t h[32], b[4] = { 0xde, 0xad, 0xbe, 0xef }, u[4];
	char hex[65];

	lc_sha256("abc", 3, h); /* FIPS 180-2 example */
	lc_hex(h, 32, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	lc_hex(b, 4, hex);
	ck_assert_str_eq(hex, "deadbeef");
	ck_assert_int_eq(lc_unhex("DEADbeef", u, 4), 0);
	ck_assert_mem_eq(u, b, 4);
	ck_assert_int_eq(lc_unhex("deadbe", u, 4), -1);
	ck_assert_int_eq(lc_unhex("deadbeef00", u, 4), -1);
	ck_assert_int_eq(lc_unhex("deadbeeg", u, 4), -1);
	ck_assert_int_eq(lc_unhex("deadbee", u, 4), -1);
	ck_assert_int_eq(lc_unhex("dead beef", u, 4), -1);
	ck_assert_int_eq(lc_unhex("", u, 0), 0);
	ck_assert_int_eq(lc_equal(b, "\xde\xad\xbe\xef", 4), 1);
	ck_assert_int_eq(lc_equal(b, "\xde\xad\xbe\xee", 4), 0);
}
END_TEST

/* RFC 4231 test cases 2 (short key) and 6 (a key longer than a block). */
START_TEST(test_hmac)
{
	uint8_t	 mac[32], key[131];
	char	 hex[65];

	lc_hmac_sha256((const uint8_t *)"Jefe", 4,
	    "what do ya want for nothing?", 28, mac);
	lc_hex(mac, 32, hex);
	ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	memset(key, 0xaa, sizeof(key));
	lc_hmac_sha256(key, sizeof(key), "Test Using Larger Than Block-Size "
	    "Key - Hash Key First", 54, mac);
	lc_hex(mac, 32, hex);
	ck_assert_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54");
}
END_TEST

START_TEST(test_b64)
{
	/* RFC 4648 section 10 */
	static const char *const vec[][3] = {
		{ "", "", "" }, { "f", "Zg==", "Zg" }, { "fo", "Zm8=", "Zm8" },
		{ "foo", "Zm9v", "Zm9v" }, { "foob", "Zm9vYg==", "Zm9vYg" },
		{ "fooba", "Zm9vYmE=", "Zm9vYmE" }, { "foobar", "Zm9vYmFy", "Zm9vYmFy" },
	};
	static const char *const bad_url[] = { "Zg==", "Zm9v\n", "Zh", "Z", "Zm9v+", "Zm9v/", " Zm9v" };
	static const char *const bad_std[] = { "Zg", "Zm8", "Zm9v-", "Zg=", "Zm9v\n", "Zh==" };
	uint8_t *out, odd[2] = { 0xfb, 0xff };
	size_t i, n;
	char *s;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		size_t len = strlen(vec[i][0]);
		s = lc_b64_encode(vec[i][0], len, 0);
		ck_assert_str_eq(s, vec[i][1]);
		free(s);
		s = lc_b64_encode(vec[i][0], len, 1);
		ck_assert_str_eq(s, vec[i][2]);
		free(s);
		ck_assert_int_eq(lc_b64_decode(vec[i][1], 0, &out, &n), 0);
		ck_assert_ptr_nonnull(out);
		ck_assert_uint_eq(n, len);
		ck_assert_mem_eq(out, vec[i][0], len);
		free(out);
		ck_assert_int_eq(lc_b64_decode(vec[i][2], 1, &out, &n), 0);
		ck_assert_uint_eq(n, len);
		ck_assert_mem_eq(out, vec[i][0], len);
		free(out);
	}
	s = lc_b64_encode(odd, 2, 0);
	ck_assert_str_eq(s, "+/8=");
	free(s);
	s = lc_b64_encode(odd, 2, 1);
	ck_assert_str_eq(s, "-_8");
	free(s);
	for (i = 0; i < sizeof bad_url / sizeof bad_url[0]; i++) {
		ck_assert_msg(lc_b64_decode(bad_url[i], 1, &out, &n) == -1, "accepted %s", bad_url[i]);
		ck_assert_ptr_null(out);
	}
	for (i = 0; i < sizeof bad_std / sizeof bad_std[0]; i++)
		ck_assert_msg(lc_b64_decode(bad_std[i], 0, &out, &n) == -1, "accepted %s", bad_std[i]);
}
END_TEST

/*
 * libsodium 1.0.18 decodes a byte of 0x80..0xfe as a digit, so a checkpoint
 * root "Oc5\xce\x9aIw..." read as "Oc5//Iw..." (fuzz_note found it).
 */
START_TEST(test_b64_high_bytes)
{
	char	 in[5] = "AAAA";
	uint8_t	*out;
	size_t	 n;

	for (int c = 0x80; c <= 0xff; c++)
		for (int pos = 0; pos < 4; pos++) {
			memcpy(in, "AAAA", 4);
			in[pos] = (char)c;
			ck_assert_msg(lc_b64_decode(in, 0, &out, &n) == -1,
			    "accepted byte %#x at %d", c, pos);
			ck_assert_ptr_null(out);
			ck_assert_msg(lc_b64_decode(in, 1, &out, &n) == -1,
			    "accepted byte %#x at %d (url)", c, pos);
		}
}
END_TEST

START_TEST(test_base58)
{
	uint8_t buf[80], *out;
	size_t n, len, z;
	char *s;
	int round;

	/* 0x61 = 97 = 1*58 + 39 -> "2g"; leading zero bytes are '1's. */
	s = lc_base58btc_encode((const uint8_t *)"\x61", 1);
	ck_assert_str_eq(s, "2g");
	free(s);
	s = lc_base58btc_encode((const uint8_t *)"\0\0\x61", 3);
	ck_assert_str_eq(s, "112g");
	free(s);
	s = lc_base58btc_encode((const uint8_t *)"\0\0", 2);
	ck_assert_str_eq(s, "11");
	free(s);
	ck_assert_int_eq(lc_base58btc_decode("11", &out, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(out[0] | out[1], 0);
	free(out);
	/* 57 -> 'z', 58 -> "21" */
	s = lc_base58btc_encode((const uint8_t *)"\x39", 1);
	ck_assert_str_eq(s, "z");
	free(s);
	s = lc_base58btc_encode((const uint8_t *)"\x3a", 1);
	ck_assert_str_eq(s, "21");
	free(s);

	/* round trips: random lengths, leading zeros, all-0xff */
	for (round = 0; round < 500; round++) {
		len = (size_t)round % sizeof buf;
		lc_random(buf, len);
		z = len ? (size_t)round % 4 : 0;
		if (z > len)
			z = len;
		memset(buf, 0, z);
		if (round % 7 == 0)
			memset(buf + z, 0xff, len - z);
		s = lc_base58btc_encode(buf, len);
		ck_assert_ptr_nonnull(s);
		if (len == 0) {
			ck_assert_str_eq(s, "");
			free(s);
			continue;
		}
		ck_assert_int_eq(lc_base58btc_decode(s, &out, &n), 0);
		ck_assert_uint_eq(n, len);
		ck_assert_mem_eq(out, buf, len);
		free(out);
		free(s);
	}
	/* not in the alphabet: 0 O I l, and others; empty; too long */
	ck_assert_int_eq(lc_base58btc_decode("", &out, &n), -1);
	ck_assert_int_eq(lc_base58btc_decode("abc0", &out, &n), -1);
	ck_assert_int_eq(lc_base58btc_decode("abcO", &out, &n), -1);
	ck_assert_int_eq(lc_base58btc_decode("Iabc", &out, &n), -1);
	ck_assert_int_eq(lc_base58btc_decode("abcl", &out, &n), -1);
	ck_assert_int_eq(lc_base58btc_decode("ab+c", &out, &n), -1);
	ck_assert_int_eq(lc_base58btc_decode("ab c", &out, &n), -1);
	ck_assert_ptr_null(out);
	{
		char longs[LC_BASE58_MAX_CHARS + 2];
		memset(longs, '2', sizeof longs - 1);
		longs[sizeof longs - 1] = '\0';
		ck_assert_int_eq(lc_base58btc_decode(longs, &out, &n), -1);
	}
	ck_assert_ptr_null(lc_base58btc_encode(buf, LC_BASE58_MAX_BYTES + 1));
}
END_TEST

START_TEST(test_multikey)
{
	uint8_t pk[32], want[32], seed[32], sk[64], pk2[32], raw[35];
	char *s, *b;

	ck_assert_int_eq(lc_unhex(VEC_PK_HEX, want, 32), 0);
	ck_assert_int_eq(lc_multikey_decode(VEC_PK_MB, pk), 0);
	ck_assert_mem_eq(pk, want, 32);
	s = lc_multikey_encode(want);
	ck_assert_str_eq(s, VEC_PK_MB);
	free(s);

	/* the vector's secret seed, and the key pair it makes */
	ck_assert_int_eq(lc_multikey_seed_decode(VEC_SK_MB, seed), 0);
	ck_assert_int_eq(lc_unhex(VEC_SEED_HEX, want, 32), 0);
	ck_assert_mem_eq(seed, want, 32);
	s = lc_multikey_seed_encode(seed);
	ck_assert_str_eq(s, VEC_SK_MB);
	free(s);
	lc_ed25519_seed_keypair(seed, pk2, sk);
	ck_assert_int_eq(lc_multikey_decode(VEC_PK_MB, pk), 0);
	ck_assert_mem_eq(pk2, pk, 32);
	lc_ed25519_sk_to_pk(sk, pk2);
	ck_assert_mem_eq(pk2, pk, 32);

	/* rejections: other multibase, a secret key, wrong codec, lengths */
	ck_assert_int_eq(lc_multikey_decode(VEC_SK_MB, pk), -1);
	ck_assert_int_eq(lc_multikey_seed_decode(VEC_PK_MB, seed), -1);
	ck_assert_int_eq(lc_multikey_decode(&VEC_PK_MB[1], pk), -1);
	ck_assert_int_eq(lc_multikey_decode("u7QGwDY2Tjn93PVFWWq02piP1NE9_XRlg-c8-jhJiDqKBDw", pk), -1);
	ck_assert_int_eq(lc_multikey_decode("z", pk), -1);
	ck_assert_int_eq(lc_multikey_decode("", pk), -1);
	ck_assert_int_eq(lc_multikey_decode(NULL, pk), -1);
	raw[0] = 0xec; /* x25519-pub */
	raw[1] = 0x01;
	memcpy(raw + 2, want, 32);
	b = lc_base58btc_encode(raw, 34);
	s = malloc(strlen(b) + 2);
	s[0] = 'z';
	strcpy(s + 1, b);
	ck_assert_int_eq(lc_multikey_decode(s, pk), -1);
	free(b);
	free(s);
	raw[0] = 0xed;
	b = lc_base58btc_encode(raw, 33);
	s = malloc(strlen(b) + 2);
	s[0] = 'z';
	strcpy(s + 1, b);
	ck_assert_int_eq(lc_multikey_decode(s, pk), -1);
	free(b);
	free(s);
	raw[34] = 7;
	b = lc_base58btc_encode(raw, 35);
	s = malloc(strlen(b) + 2);
	s[0] = 'z';
	strcpy(s + 1, b);
	ck_assert_int_eq(lc_multikey_decode(s, pk), -1);
	free(b);
	free(s);
}
END_TEST

START_TEST(test_ed25519)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64], sig[64];
	const char msg[] = "label";

	lc_ed25519_keypair(pk, sk);
	lc_ed25519_sign(sk, msg, 5, sig);
	ck_assert_int_eq(lc_ed25519_verify(pk, msg, 5, sig), 0);
	ck_assert_int_eq(lc_ed25519_verify(pk, "labem", 5, sig), -1);
	ck_assert_int_eq(lc_ed25519_verify(pk, msg, 4, sig), -1);
	sig[10] ^= 1;
	ck_assert_int_eq(lc_ed25519_verify(pk, msg, 5, sig), -1);
	sig[10] ^= 1;
	lc_ed25519_keypair(pk2, sk2);
	ck_assert_int_eq(lc_ed25519_verify(pk2, msg, 5, sig), -1);
	/* deterministic from the seed (sk's first half) */
	lc_ed25519_seed_keypair(sk, pk2, sk2);
	ck_assert_mem_eq(pk2, pk, 32);
	ck_assert_mem_eq(sk2, sk, 64);
}
END_TEST

START_TEST(test_tokens)
{
	char t1[LC_TOKEN_BUFLEN], t2[LC_TOKEN_BUFLEN];
	uint8_t k1[32], k2[32], h1[32], h2[32], h3[32];
	size_t i;

	lc_token_new(t1);
	lc_token_new(t2);
	ck_assert_uint_eq(strlen(t1), 47);
	ck_assert_int_eq(strncmp(t1, "lbd_", 4), 0);
	ck_assert_str_ne(t1, t2);
	for (i = 4; t1[i] != '\0'; i++)
		ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                     "0123456789-_", t1[i]) != NULL, "char %c", t1[i]);
	lc_random(k1, 32);
	memcpy(k2, k1, 32);
	k2[31] ^= 1;
	lc_token_hash(k1, t1, h1);
	lc_token_hash(k1, t1, h2);
	ck_assert_mem_eq(h1, h2, 32);               /* deterministic */
	lc_token_hash(k2, t1, h3);
	ck_assert_int_eq(lc_equal(h1, h3, 32), 0);  /* keyed */
	lc_token_hash(k1, t2, h3);
	ck_assert_int_eq(lc_equal(h1, h3, 32), 0);
	/* unkeyed-looking inputs still differ from a plain hash */
	lc_sha256(t1, strlen(t1), h3);
	ck_assert_int_eq(lc_equal(h1, h3, 32), 0);
}
END_TEST

static void assert_mode_0600(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "mode %o", (unsigned)(st.st_mode & 07777));
}

START_TEST(test_keyfile_plain)
{
	uint8_t pk[32], sk[64], back[64];
	char err[256] = "", p[400], hex[65];
	mode_t old = umask(0277); /* would give 0400: must still end 0600 */

	snprintf(p, sizeof p, "%s", tmppath("plain.key"));

	lc_ed25519_keypair(pk, sk);
	ck_assert_msg(lc_keyfile_write(p, sk, NULL, err, sizeof err) == 0, "%s", err);
	umask(old);
	assert_mode_0600(p);
	lc_hex(sk, 32, hex);
	ck_assert_ptr_nonnull(strstr(file_text(p), hex));
	ck_assert_ptr_nonnull(strstr(file_text(p), "labeld-key 1\n"));
	ck_assert_msg(lc_keyfile_read(p, NULL, back, err, sizeof err) == 0, "%s", err);
	ck_assert_mem_eq(back, sk, 64);
	/* a plain file ignores a passphrase */
	ck_assert_msg(lc_keyfile_read(p, "whatever", back, err, sizeof err) == 0, "%s", err);
	ck_assert_mem_eq(back, sk, 64);
	/* O_EXCL: no overwrite, and the old file is untouched */
	lc_ed25519_keypair(pk, back);
	ck_assert_int_eq(lc_keyfile_write(p, back, NULL, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "File exists"));
	ck_assert_int_eq(lc_keyfile_read(p, NULL, back, err, sizeof err), 0);
	ck_assert_mem_eq(back, sk, 64);
	/* "" means no passphrase */
	ck_assert_int_eq(lc_keyfile_write(tmppath("empty-pass.key"), sk, "", err, sizeof err), 0);
	ck_assert_ptr_nonnull(strstr(file_text(tmppath("empty-pass.key")), "seal: none"));
	/* too open: refused like ssh does */
	ck_assert_int_eq(chmod(p, 0640), 0);
	ck_assert_int_eq(lc_keyfile_read(p, NULL, back, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "too open"));
	{
		uint8_t zero[64] = { 0 };
		ck_assert_mem_eq(back, zero, 64); /* zeroed on failure */
	}
	/* inconsistent secret key (public half from another seed) */
	memcpy(back, sk, 64);
	back[40] ^= 1;
	ck_assert_int_eq(lc_keyfile_write(tmppath("bad.key"), back, NULL, err, sizeof err), -1);
	ck_assert_int_eq(access(tmppath("bad.key"), F_OK), -1);
	/* a symlink at the path is not followed */
	ck_assert_int_eq(symlink(tmppath("target"), tmppath("link.key")), 0);
	ck_assert_int_eq(lc_keyfile_write(tmppath("link.key"), sk, NULL, err, sizeof err), -1);
	ck_assert_int_eq(access(tmppath("target"), F_OK), -1);
	/* missing directory */
	ck_assert_int_eq(lc_keyfile_write(tmppath("nodir/x.key"), sk, NULL, err, sizeof err), -1);
	ck_assert_int_eq(lc_keyfile_read(tmppath("nope.key"), NULL, back, err, sizeof err), -1);
}
END_TEST

START_TEST(test_keyfile_malformed)
{
	uint8_t sk[64];
	char err[256];
	static const char *const bad[] = {
		"",
		"hello\n",
		"labeld-key 2\ntype: ed25519\nseal: none\nseed: "
		"c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6\n",
		"labeld-key 1\ntype: rsa\nseal: none\nseed: "
		"c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6\n",
		"labeld-key 1\ntype: ed25519\nseal: none\nseed: c96ef9ea\n",
		"labeld-key 1\ntype: ed25519\nseal: rot13\nseed: "
		"c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6\n",
		"labeld-key 1\ntype: ed25519\nseal: none\nseed: "
		"c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6",
		"labeld-key 1\ntype: ed25519\nseal: none\nseed: "
		"c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6\nextra: 1\n",
		"labeld-key 1\ntype: ed25519\nseal: argon2id13-xsalsa20poly1305\nopslimit: 99999999\n"
		"memlimit: 268435456\nsalt: 00000000000000000000000000000000\nnonce: "
		"000000000000000000000000000000000000000000000000\nbox: "
		"000000000000000000000000000000000000000000000000000000000000000000000000"
		"000000000000000000000000\n",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "bad%zu.key", i);
		write_text(tmppath(name), bad[i], 0600);
		err[0] = '\0';
		ck_assert_msg(lc_keyfile_read(tmppath(name), "pw", sk, err, sizeof err) == -1,
		              "accepted case %zu", i);
		ck_assert_msg(err[0] != '\0', "no message for case %zu", i);
	}
	/* the good one of the same shape is accepted */
	write_text(tmppath("good.key"), "labeld-key 1\ntype: ed25519\nseal: none\nseed: "
	           VEC_SEED_HEX "\n", 0600);
	ck_assert_msg(lc_keyfile_read(tmppath("good.key"), NULL, sk, err, sizeof err) == 0, "%s", err);
	{
		uint8_t pk[32], want[32];
		lc_ed25519_sk_to_pk(sk, pk);
		ck_assert_int_eq(lc_unhex(VEC_PK_HEX, want, 32), 0);
		ck_assert_mem_eq(pk, want, 32);
	}
	/* directory, oversize */
	ck_assert_int_eq(lc_keyfile_read(tmpdir, NULL, sk, err, sizeof err), -1);
	{
		char big[LC_FILE_MAX + 10];
		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		write_text(tmppath("big.key"), big, 0600);
		ck_assert_int_eq(lc_keyfile_read(tmppath("big.key"), NULL, sk, err, sizeof err), -1);
	}
}
END_TEST

START_TEST(test_keyfile_sealed)
{
	uint8_t pk[32], sk[64], back[64];
	char err[256] = "", p[400], hex[65], *text, *box;

	snprintf(p, sizeof p, "%s", tmppath("sealed.key"));
	lc_ed25519_keypair(pk, sk);
	ck_assert_msg(lc_keyfile_write(p, sk, "correct horse", err, sizeof err) == 0, "%s", err);
	assert_mode_0600(p);
	text = file_text(p);
	lc_hex(sk, 32, hex);
	ck_assert_ptr_null(strstr(text, hex)); /* the seed is not in clear */
	ck_assert_ptr_nonnull(strstr(text, "seal: argon2id13-xsalsa20poly1305\n"));
	/* labeld seals with the MODERATE limits */
	snprintf(hex, sizeof hex, "\nopslimit: %llu\n",
	         (unsigned long long)crypto_pwhash_OPSLIMIT_MODERATE);
	ck_assert_ptr_nonnull(strstr(text, hex));
	snprintf(hex, sizeof hex, "\nmemlimit: %zu\n", (size_t)crypto_pwhash_MEMLIMIT_MODERATE);
	ck_assert_ptr_nonnull(strstr(text, hex));

	ck_assert_msg(lc_keyfile_read(p, "correct horse", back, err, sizeof err) == 0, "%s", err);
	ck_assert_mem_eq(back, sk, 64);
	err[0] = '\0';
	ck_assert_int_eq(lc_keyfile_read(p, NULL, back, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "passphrase"));
	ck_assert_int_eq(lc_keyfile_read(p, "", back, err, sizeof err), -1);
	err[0] = '\0';
	ck_assert_int_eq(lc_keyfile_read(p, "correct horsf", back, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "wrong passphrase"));
	{
		uint8_t zero[64] = { 0 };
		ck_assert_mem_eq(back, zero, 64);
	}
	/* a damaged box fails authentication */
	box = strstr(text, "box: ");
	ck_assert_ptr_nonnull(box);
	box[10] = box[10] == '0' ? '1' : '0';
	write_text(tmppath("damaged.key"), text, 0600);
	ck_assert_int_eq(lc_keyfile_read(tmppath("damaged.key"), "correct horse", back, err,
	                                 sizeof err), -1);
}
END_TEST

/* The tests' knob: INTERACTIVE limits, recorded in the file, read back. */
START_TEST(test_keyfile_test_limits)
{
	uint8_t pk[32], sk[64], back[64];
	char err[256] = "", p[400], want[64], *text;

	snprintf(p, sizeof p, "%s", tmppath("interactive.key"));
	lc_ed25519_keypair(pk, sk);
	lc_keyfile_test_limits();
	ck_assert_msg(lc_keyfile_write(p, sk, "correct horse", err, sizeof err) == 0, "%s", err);
	text = file_text(p);
	snprintf(want, sizeof want, "\nopslimit: %llu\nmemlimit: %zu\n",
	         (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE,
	         (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE);
	ck_assert_ptr_nonnull(strstr(text, want));
	ck_assert_msg(lc_keyfile_read(p, "correct horse", back, err, sizeof err) == 0, "%s", err);
	ck_assert_mem_eq(back, sk, 64);
}
END_TEST

START_TEST(test_secretfile)
{
	uint8_t key[32], back[32], small[16];
	char err[256] = "", p[400];

	snprintf(p, sizeof p, "%s", tmppath("token.key"));
	lc_random(key, sizeof key);
	ck_assert_msg(lc_secretfile_write(p, key, sizeof key, err, sizeof err) == 0, "%s", err);
	assert_mode_0600(p);
	ck_assert_msg(lc_secretfile_read(p, back, sizeof back, err, sizeof err) == 0, "%s", err);
	ck_assert_mem_eq(back, key, 32);
	ck_assert_int_eq(lc_secretfile_write(p, key, sizeof key, err, sizeof err), -1);
	ck_assert_int_eq(lc_secretfile_read(p, small, sizeof small, err, sizeof err), -1);
	ck_assert_int_eq(lc_secretfile_write(tmppath("zero"), key, 0, err, sizeof err), -1);
	ck_assert_int_eq(lc_secretfile_write(tmppath("huge"), key, LC_SECRET_MAX + 1, err,
	                                     sizeof err), -1);
	/* a key file is not a secret file and vice versa */
	ck_assert_int_eq(lc_keyfile_read(p, NULL, (uint8_t[64]){ 0 }, err, sizeof err), -1);
	ck_assert_int_eq(chmod(p, 0604), 0);
	ck_assert_int_eq(lc_secretfile_read(p, back, sizeof back, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "too open"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("core");
	TCase *files = tcase_create("files");
	SRunner *sr;
	int failed;

	if (lc_init() != 0) {
		fprintf(stderr, "lc_init failed\n");
		return 1;
	}
	tcase_add_test(tc, test_hex_sha_equal);
	tcase_add_test(tc, test_hmac);
	tcase_add_test(tc, test_b64);
	tcase_add_test(tc, test_b64_high_bytes);
	tcase_add_test(tc, test_base58);
	tcase_add_test(tc, test_multikey);
	tcase_add_test(tc, test_ed25519);
	tcase_add_test(tc, test_tokens);
	suite_add_tcase(s, tc);
	/* argon2id MODERATE is ~256 MiB and about a second per call (more
	   under sanitizers). */
	tcase_set_timeout(files, 300);
	tcase_add_unchecked_fixture(files, setup_tmp, teardown_tmp);
	tcase_add_test(files, test_keyfile_plain);
	tcase_add_test(files, test_keyfile_malformed);
	tcase_add_test(files, test_keyfile_sealed);
	tcase_add_test(files, test_secretfile);
	tcase_add_test(files, test_keyfile_test_limits); /* last: it changes the limits */
	suite_add_tcase(s, files);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
