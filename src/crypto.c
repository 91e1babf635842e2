/*
 * crypto.c: every libsodium call of labeld, see crypto.h.  The only file
 * that calls libsodium.
 */
#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "errfmt.h"

#define KEYFILE_MAGIC		"labeld-key 1"
#define SECRETFILE_MAGIC	"labeld-secret 1"
#define KEYFILE_TYPE		"ed25519"
#define SEAL_NONE		"none"
#define SEAL_PW			"argon2id13-xsalsa20poly1305"
#define KEYFILE_MAX_LINES	12

/* Argon2id limits of new sealed key files: MODERATE but in tests. */
static unsigned long long seal_ops = crypto_pwhash_OPSLIMIT_MODERATE;
static size_t seal_mem = crypto_pwhash_MEMLIMIT_MODERATE;

static const char b58_alphabet[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* sodium_init(); 0, also when already done, or -1. */
int
lc_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* len bytes from the OS CSPRNG into buf. */
void
lc_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

/* SHA-256 of in[0..len) into out. */
void
lc_sha256(const void *in, size_t len, uint8_t out[32])
{
	crypto_hash_sha256(out, in, len);
}

/*
 * HMAC-SHA256 of the len bytes of in under the keylen-byte key into out
 * (libsodium's crypto_auth_hmacsha256, RFC 2104).  Any key length.
 */
void
lc_hmac_sha256(const uint8_t *key, size_t keylen, const void *in,
    size_t len, uint8_t out[32])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, in, len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

/* Lowercase hex of in into out (2 * len + 1 bytes, NUL-terminated). */
void
lc_hex(const uint8_t *in, size_t len, char *out)
{
	/* sodium_bin2hex is constant time, so it is fine for secrets too. */
	sodium_bin2hex(out, 2 * len + 1, in, len);
}

/* Exactly outlen bytes from hex; 0, or -1 with out zeroed. */
int
lc_unhex(const char *hex, uint8_t *out, size_t outlen)
{
	size_t		 binlen = 0;
	const char	*end = NULL;

	if (outlen > SIZE_MAX / 2 || strlen(hex) != 2 * outlen)
		goto fail;
	if (sodium_hex2bin(out, outlen, hex, 2 * outlen, NULL, &binlen,
	    &end) != 0 ||
	    binlen != outlen || end != hex + 2 * outlen)
		goto fail;
	return 0;
fail:
	if (outlen > 0)
		sodium_memzero(out, outlen);
	return -1;
}

/* 1 if the len bytes are equal (constant time), 0 otherwise. */
int
lc_equal(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

/* Wipes buf; NULL and len 0 are allowed. */
void
lc_wipe(void *buf, size_t len)
{
	if (buf != NULL && len > 0)
		sodium_memzero(buf, len);
}

/* Keyed BLAKE2b-256 of the token's bytes into out. */
void
lc_token_hash(const uint8_t key[32], const char *token, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
	    key, 32);
}

uint64_t
lc_shorthash(const uint8_t key[LC_SHORTHASH_KEYBYTES], const void *in,
    size_t len)
{
	unsigned char	 out[crypto_shorthash_BYTES];
	uint64_t	 h;

	_Static_assert(LC_SHORTHASH_KEYBYTES == crypto_shorthash_KEYBYTES,
	    "shorthash key size");
	crypto_shorthash(out, in, len, key);
	memcpy(&h, out, sizeof(h));
	return h;
}

/* A new API token into out (LC_TOKEN_BUFLEN bytes). */
void
lc_token_new(char *out)
{
	uint8_t	 raw[32];
	size_t	 plen = strlen(LC_TOKEN_PREFIX);

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, LC_TOKEN_PREFIX, plen);
	sodium_bin2base64(out + plen, LC_TOKEN_BUFLEN - plen, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

#define B64_STD_ALPHABET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
				"0123456789+/"
#define B64_URL_ALPHABET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
				"0123456789-_"

/* libsodium's base64 variant for the urlsafe_nopad flag. */
static int
b64_variant(int urlsafe_nopad)
{
	return urlsafe_nopad ? sodium_base64_VARIANT_URLSAFE_NO_PADDING
	    : sodium_base64_VARIANT_ORIGINAL;
}

/* Base64 of in, malloc'd; NULL on OOM or an impossible length. */
char *
lc_b64_encode(const void *in, size_t len, int urlsafe_nopad)
{
	int	 variant = b64_variant(urlsafe_nopad);
	size_t	 outlen;
	char	*out;

	/*
	 * sodium_base64_encoded_len would overflow (and sodium_misuse abort)
	 * long before this bound matters in practice.
	 */
	if (len > (SIZE_MAX / 4) * 3 - 3)
		return NULL;
	outlen = sodium_base64_encoded_len(len, variant);
	out = malloc(outlen);
	if (out == NULL)
		return NULL;
	sodium_bin2base64(out, outlen, in, len, variant);
	return out;
}

/* Strict base64 of the given variant into a malloc'd *out; 0 or -1. */
int
lc_b64_decode(const char *in, int urlsafe_nopad, uint8_t **out, size_t *outlen)
{
	size_t		 inlen = strlen(in), cap = inlen / 4 * 3 + 3;
	size_t		 binlen = 0;
	const char	*end = NULL;
	uint8_t		*bin;

	*out = NULL;
	*outlen = 0;
	/*
	 * libsodium 1.0.18 reads a byte of 0x80..0xfe as a base64 digit
	 * (found by fuzzing): only the variant's alphabet may pass.
	 */
	if (strspn(in, urlsafe_nopad ? B64_URL_ALPHABET : B64_STD_ALPHABET "=")
	    != inlen)
		return -1;
	bin = malloc(cap);
	if (bin == NULL)
		return -1;
	if (sodium_base642bin(bin, cap, in, inlen, NULL, &binlen, &end,
	    b64_variant(urlsafe_nopad)) != 0 ||
	    end != in + inlen) {
		free(bin);
		return -1;
	}
	*out = bin;
	*outlen = binlen;
	return 0;
}

/* base58btc of in, malloc'd; NULL on OOM or len > LC_BASE58_MAX_BYTES. */
char *
lc_base58btc_encode(const uint8_t *in, size_t len)
{
	size_t	 zeros = 0, size, i, j, high, start;
	uint8_t	*digits;
	char	*out;

	if (len > LC_BASE58_MAX_BYTES)
		return NULL;
	while (zeros < len && in[zeros] == 0)
		zeros++;
	/* log(256)/log(58) < 1.38: enough base-58 digits for the rest. */
	size = (len - zeros) * 138 / 100 + 1;
	digits = calloc(size, 1);
	if (digits == NULL)
		return NULL;
	/* digits[] is a big-endian base-58 number; [high, size) is in use. */
	high = size;
	for (i = zeros; i < len; i++) {
		unsigned	 carry = in[i];

		for (j = size; j > 0 && (carry != 0 || j > high); j--) {
			carry += 256u * digits[j - 1];
			digits[j - 1] = (uint8_t)(carry % 58);
			carry /= 58;
		}
		high = j;
	}
	start = 0;
	while (start < size && digits[start] == 0)
		start++;
	out = malloc(zeros + (size - start) + 1);
	if (out == NULL) {
		free(digits);
		return NULL;
	}
	memset(out, '1', zeros);
	for (i = start, j = zeros; i < size; i++, j++)
		out[j] = b58_alphabet[digits[i]];
	out[j] = '\0';
	free(digits);
	return out;
}

/* The digit value of c in the base58 alphabet, or -1. */
static int
b58_value(char c)
{
	const char	*p;

	if (c == '\0')
		return -1;
	p = strchr(b58_alphabet, c);
	return p == NULL ? -1 : (int)(p - b58_alphabet);
}

/* base58btc in into a malloc'd *out; 0, or -1 with *out NULL. */
int
lc_base58btc_decode(const char *in, uint8_t **out, size_t *outlen)
{
	size_t	 n = strlen(in), ones = 0, size, i, j, high, start;
	uint8_t	*bytes, *res;

	*out = NULL;
	*outlen = 0;
	if (n == 0 || n > LC_BASE58_MAX_CHARS)
		return -1;
	while (ones < n && in[ones] == '1')
		ones++;
	/* log(58)/log(256) < 0.733 */
	size = (n - ones) * 733 / 1000 + 1;
	bytes = calloc(size, 1);
	if (bytes == NULL)
		return -1;
	high = size;
	for (i = ones; i < n; i++) {
		int		 v = b58_value(in[i]);
		unsigned	 carry;

		if (v < 0) {
			free(bytes);
			return -1;
		}
		carry = (unsigned)v;
		for (j = size; j > 0 && (carry != 0 || j > high); j--) {
			carry += 58u * bytes[j - 1];
			bytes[j - 1] = (uint8_t)(carry & 0xff);
			carry >>= 8;
		}
		high = j;
	}
	start = 0;
	while (start < size && bytes[start] == 0)
		start++;
	res = malloc(ones + (size - start) + 1);
	if (res == NULL) {
		free(bytes);
		return -1;
	}
	memset(res, 0, ones);
	memcpy(res + ones, bytes + start, size - start);
	*out = res;
	*outlen = ones + (size - start);
	free(bytes);
	return 0;
}

/* "z" + base58btc(prefix[2] || key[32]) */
static char *
multibase_prefixed(uint8_t p0, uint8_t p1, const uint8_t key[32])
{
	uint8_t	 raw[34];
	char	*b58, *out = NULL;
	size_t	 n;

	raw[0] = p0;
	raw[1] = p1;
	memcpy(raw + 2, key, 32);
	b58 = lc_base58btc_encode(raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	if (b58 == NULL)
		return NULL;
	n = strlen(b58);
	out = malloc(n + 2);
	if (out != NULL) {
		out[0] = 'z';
		memcpy(out + 1, b58, n + 1);
	}
	sodium_memzero(b58, n);
	free(b58);
	return out;
}

/*
 * The 32-byte key of "z" + base58btc(p0 p1 key); 0, or -1 when mb is not
 * that.
 */
static int
multibase_prefixed_decode(const char *mb, uint8_t p0, uint8_t p1,
    uint8_t key[32])
{
	uint8_t	*raw = NULL;
	size_t	 n = 0;
	int	 rc = -1;

	if (mb == NULL || mb[0] != 'z')
		return -1;
	if (lc_base58btc_decode(mb + 1, &raw, &n) != 0)
		return -1;
	if (n == 34 && raw[0] == p0 && raw[1] == p1) {
		memcpy(key, raw + 2, 32);
		rc = 0;
	}
	sodium_memzero(raw, n);
	free(raw);
	return rc;
}

/* Multikey of an Ed25519 public key, malloc'd; NULL on OOM. */
char *
lc_multikey_encode(const uint8_t pk[32])
{
	return multibase_prefixed(0xed, 0x01, pk);
}

/* The Ed25519 public key of a Multikey; 0 or -1. */
int
lc_multikey_decode(const char *mb, uint8_t pk[32])
{
	return multibase_prefixed_decode(mb, 0xed, 0x01, pk);
}

/* Multikey of an Ed25519 seed, malloc'd and secret; NULL on OOM. */
char *
lc_multikey_seed_encode(const uint8_t seed[32])
{
	return multibase_prefixed(0x80, 0x26, seed);
}

/* The Ed25519 seed of a secret Multikey; 0 or -1. */
int
lc_multikey_seed_decode(const char *mb, uint8_t seed[32])
{
	return multibase_prefixed_decode(mb, 0x80, 0x26, seed);
}

/* A new random Ed25519 key pair. */
void
lc_ed25519_keypair(uint8_t pk[32], uint8_t sk[64])
{
	crypto_sign_ed25519_keypair(pk, sk);
}

/* The Ed25519 key pair of seed. */
void
lc_ed25519_seed_keypair(const uint8_t seed[32], uint8_t pk[32], uint8_t sk[64])
{
	crypto_sign_ed25519_seed_keypair(pk, sk, seed);
}

/* The public half of sk. */
void
lc_ed25519_sk_to_pk(const uint8_t sk[64], uint8_t pk[32])
{
	crypto_sign_ed25519_sk_to_pk(pk, sk);
}

/* Detached Ed25519 signature of msg into sig. */
void
lc_ed25519_sign(const uint8_t sk[64], const void *msg, size_t len,
    uint8_t sig[64])
{
	crypto_sign_ed25519_detached(sig, NULL, msg, len, sk);
}

/* 0 if sig signs msg under pk, -1 otherwise. */
int
lc_ed25519_verify(const uint8_t pk[32], const void *msg, size_t len,
    const uint8_t sig[64])
{
	return crypto_sign_ed25519_verify_detached(sig, msg, len, pk) == 0 ?
	    0 : -1;
}

/* ---- files ---- */

/* fsync the directory holding path so the new name survives a crash. */
static void
fsync_parent(const char *path)
{
	char		 dir[PATH_MAX];
	const char	*slash = strrchr(path, '/');
	size_t		 n;
	int		 fd;

	if (slash == NULL) {
		strcpy(dir, ".");
	} else {
		n = (size_t)(slash - path);
		if (n == 0)
			n = 1; /* "/file" */
		if (n >= sizeof(dir))
			return;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)fsync(fd); /* best effort: some filesystems refuse */
	close(fd);
}

/*
 * Creates path exclusively with mode 0600 and writes data; fsyncs.
 * On any failure after creation, removes the file.
 */
static int
write_new_file(const char *path, const char *data, size_t len, char *err,
    size_t errlen)
{
	size_t	 off = 0;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		errfmt(err, errlen, "%s: cannot create: %s", path,
		    strerror(errno));
		return -1;
	}
	/* The umask may have removed owner bits; make it exactly 0600. */
	if (fchmod(fd, 0600) != 0) {
		errfmt(err, errlen, "%s: chmod: %s", path, strerror(errno));
		goto fail;
	}
	while (off < len) {
		ssize_t	 w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			errfmt(err, errlen, "%s: write: %s", path,
			    strerror(errno));
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		errfmt(err, errlen, "%s: fsync: %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		errfmt(err, errlen, "%s: close: %s", path, strerror(errno));
		goto fail;
	}
	fsync_parent(path);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(path);
	return -1;
}

/* Reads a whole small private file into buf (cap bytes, NUL-terminated). */
static int
read_private_file(const char *path, char *buf, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	struct stat	 st;
	size_t		 off = 0;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		errfmt(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		errfmt(err, errlen, "%s: stat: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		errfmt(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if ((st.st_mode & 077) != 0) {
		errfmt(err, errlen,
		    "%s: permissions %04o are too open: group and others must "
		    "have no access (chmod 600)", path,
		    (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size >= cap) {
		errfmt(err, errlen,
		    "%s: larger than %zu bytes: not a labeld key file", path,
		    cap - 1);
		goto fail;
	}
	for (;;) {
		ssize_t	 r = read(fd, buf + off, cap - 1 - off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			errfmt(err, errlen, "%s: read: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		off += (size_t)r;
		if (off == cap - 1) {
			errfmt(err, errlen,
			    "%s: larger than %zu bytes: not a labeld key file",
			    path, cap - 1);
			goto fail;
		}
	}
	close(fd);
	buf[off] = '\0';
	*len = off;
	return 0;
fail:
	close(fd);
	sodium_memzero(buf, cap);
	return -1;
}

struct kv {
	const char	*name;
	const char	*value;
};

/*
 * Splits buf (modified in place) into its magic line and "name: value"
 * lines.  Every line must end in LF; no blank lines.  Returns the number
 * of fields or -1.
 */
static int
parse_fields(char *buf, size_t len, const char **magic, struct kv *kv, int max)
{
	char	*p = buf, *end = buf + len, *nl, *colon;
	int	 n = -1;

	if (memchr(buf, '\0', len) != NULL)
		return -1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || nl == p)
			return -1;
		*nl = '\0';
		if (n < 0) {
			*magic = p;
		} else {
			if (n == max)
				return -1;
			colon = strstr(p, ": ");
			if (colon == NULL)
				return -1;
			*colon = '\0';
			kv[n].name = p;
			kv[n].value = colon + 2;
		}
		n++;
		p = nl + 1;
	}
	return n < 0 ? -1 : n;
}

/* Value of the i-th field, which must be called name; NULL otherwise. */
static const char *
field(const struct kv *kv, int n, int i, const char *name)
{
	if (i >= n || strcmp(kv[i].name, name) != 0)
		return NULL;
	return kv[i].value;
}

/* A decimal of digits only into *v; 0, or -1 (also for NULL or overflow). */
static int
parse_u64(const char *s, unsigned long long *v)
{
	char	*end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return (errno != 0 || *end != '\0') ? -1 : 0;
}

/*
 * Writes sk's seed to a new key file at path, sealed when a passphrase is
 * given.  0, or -1 with err and no file left behind.
 */
int
lc_keyfile_write(const char *path, const uint8_t sk[64], const char *passphrase,
    char *err, size_t errlen)
{
	uint8_t			 pk[32], chk[64];
	uint8_t			 key[crypto_secretbox_KEYBYTES];
	uint8_t			 salt[crypto_pwhash_SALTBYTES];
	uint8_t			 nonce[crypto_secretbox_NONCEBYTES];
	uint8_t			 box[crypto_secretbox_MACBYTES + LC_SEED_LEN];
	char			 hex[2 * sizeof(box) + 1];
	char			 salthex[2 * sizeof(salt) + 1];
	char			 noncehex[2 * sizeof(nonce) + 1];
	char			 text[LC_FILE_MAX];
	unsigned long long	 ops = seal_ops;
	size_t			 mem = seal_mem;
	int			 n, rc = -1;

	/* sk = seed || pk: refuse a pair that does not belong together. */
	crypto_sign_ed25519_seed_keypair(pk, chk, sk);
	if (sodium_memcmp(chk, sk, 64) != 0) {
		errfmt(err, errlen, "secret key is inconsistent (public half "
		    "does not match seed)");
		goto done;
	}
	if (passphrase == NULL || passphrase[0] == '\0') {
		sodium_bin2hex(hex, sizeof(hex), sk, LC_SEED_LEN);
		n = snprintf(text, sizeof(text), KEYFILE_MAGIC
		    "\ntype: " KEYFILE_TYPE
		    "\nseal: " SEAL_NONE
		    "\nseed: %s\n", hex);
	} else {
		randombytes_buf(salt, sizeof(salt));
		randombytes_buf(nonce, sizeof(nonce));
		if (crypto_pwhash(key, sizeof(key), passphrase,
		    strlen(passphrase), salt, ops, mem,
		    crypto_pwhash_ALG_ARGON2ID13) != 0) {
			errfmt(err, errlen, "argon2id: out of memory");
			goto done;
		}
		crypto_secretbox_easy(box, sk, LC_SEED_LEN, nonce, key);
		sodium_bin2hex(hex, sizeof(hex), box, sizeof(box));
		sodium_bin2hex(salthex, sizeof(salthex), salt, sizeof(salt));
		sodium_bin2hex(noncehex, sizeof(noncehex), nonce,
		    sizeof(nonce));
		n = snprintf(text, sizeof(text), KEYFILE_MAGIC
		    "\ntype: " KEYFILE_TYPE
		    "\nseal: " SEAL_PW
		    "\nopslimit: %llu\nmemlimit: %zu\nsalt: %s"
		    "\nnonce: %s\nbox: %s\n", ops, mem, salthex, noncehex, hex);
	}
	if (n < 0 || (size_t)n >= sizeof(text)) {
		errfmt(err, errlen, "internal error: key file text too long");
		goto done;
	}
	rc = write_new_file(path, text, (size_t)n, err, errlen);
done:
	sodium_memzero(chk, sizeof(chk));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(text, sizeof(text));
	return rc;
}

/* Tests only: seal new key files with the INTERACTIVE limits. */
void
lc_keyfile_test_limits(void)
{
	seal_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	seal_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

/* Reads the key file at path into sk.  0, or -1 with err and sk zeroed. */
int
lc_keyfile_read(const char *path, const char *passphrase, uint8_t sk[64],
    char *err, size_t errlen)
{
	char			 text[LC_FILE_MAX];
	struct kv		 kv[KEYFILE_MAX_LINES];
	const char		*magic = NULL, *type, *seal, *v;
	uint8_t			 seed[LC_SEED_LEN], pk[32];
	uint8_t			 key[crypto_secretbox_KEYBYTES];
	uint8_t			 salt[crypto_pwhash_SALTBYTES];
	uint8_t			 nonce[crypto_secretbox_NONCEBYTES];
	uint8_t			 box[crypto_secretbox_MACBYTES + LC_SEED_LEN];
	unsigned long long	 ops, mem;
	size_t			 len;
	int			 n, rc = -1;

	sodium_memzero(sk, 64);
	if (read_private_file(path, text, sizeof(text), &len, err, errlen) != 0)
		return -1;
	n = parse_fields(text, len, &magic, kv, KEYFILE_MAX_LINES);
	if (n < 0 || strncmp(magic, "labeld-key ", 11) != 0) {
		errfmt(err, errlen, "%s: not a labeld key file", path);
		goto done;
	}
	if (strcmp(magic, KEYFILE_MAGIC) != 0) {
		errfmt(err, errlen, "%s: unsupported key file version \"%s\"",
		    path, magic + 11);
		goto done;
	}
	type = field(kv, n, 0, "type");
	seal = field(kv, n, 1, "seal");
	if (type == NULL || strcmp(type, KEYFILE_TYPE) != 0 || seal == NULL) {
		errfmt(err, errlen, "%s: malformed key file (type/seal)", path);
		goto done;
	}
	if (strcmp(seal, SEAL_NONE) == 0) {
		v = field(kv, n, 2, "seed");
		if (n != 3 || v == NULL ||
		    lc_unhex(v, seed, sizeof(seed)) != 0) {
			errfmt(err, errlen, "%s: malformed key file (seed)",
			    path);
			goto done;
		}
	} else if (strcmp(seal, SEAL_PW) == 0) {
		if (n != 7 ||
		    parse_u64(field(kv, n, 2, "opslimit"), &ops) != 0 ||
		    parse_u64(field(kv, n, 3, "memlimit"), &mem) != 0 ||
		    (v = field(kv, n, 4, "salt")) == NULL ||
		    lc_unhex(v, salt, sizeof(salt)) != 0 ||
		    (v = field(kv, n, 5, "nonce")) == NULL ||
		    lc_unhex(v, nonce, sizeof(nonce)) != 0 ||
		    (v = field(kv, n, 6, "box")) == NULL ||
		    lc_unhex(v, box, sizeof(box)) != 0) {
			errfmt(err, errlen, "%s: malformed sealed key file",
			    path);
			goto done;
		}
		/* A hostile file must not cost unbounded memory or time. */
		if (ops < crypto_pwhash_OPSLIMIT_MIN ||
		    ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
		    mem < crypto_pwhash_MEMLIMIT_MIN ||
		    mem > crypto_pwhash_MEMLIMIT_SENSITIVE) {
			errfmt(err, errlen, "%s: argon2id limits out of range",
			    path);
			goto done;
		}
		if (passphrase == NULL || passphrase[0] == '\0') {
			errfmt(err, errlen,
			    "%s: key file is sealed with a passphrase and none "
			    "was given", path);
			goto done;
		}
		if (crypto_pwhash(key, sizeof(key), passphrase,
		    strlen(passphrase), salt, ops, (size_t)mem,
		    crypto_pwhash_ALG_ARGON2ID13) != 0) {
			errfmt(err, errlen, "%s: argon2id: out of memory",
			    path);
			goto done;
		}
		if (crypto_secretbox_open_easy(seed, box, sizeof(box), nonce,
		    key) != 0) {
			errfmt(err, errlen,
			    "%s: wrong passphrase (or damaged key file)", path);
			goto done;
		}
	} else {
		errfmt(err, errlen, "%s: unknown seal \"%s\"", path, seal);
		goto done;
	}
	crypto_sign_ed25519_seed_keypair(pk, sk, seed);
	rc = 0;
done:
	sodium_memzero(text, sizeof(text));
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(key, sizeof(key));
	if (rc != 0)
		sodium_memzero(sk, 64);
	return rc;
}

/* Writes len bytes of buf to a new secret file at path.  0, or -1 with err. */
int
lc_secretfile_write(const char *path, const void *buf, size_t len, char *err,
    size_t errlen)
{
	char	 text[LC_FILE_MAX];
	size_t	 hl = strlen(SECRETFILE_MAGIC "\nhex: ");
	int	 rc;

	if (len == 0 || len > LC_SECRET_MAX) {
		errfmt(err, errlen, "secret length %zu outside 1..%d", len,
		    LC_SECRET_MAX);
		return -1;
	}
	memcpy(text, SECRETFILE_MAGIC "\nhex: ", hl);
	sodium_bin2hex(text + hl, 2 * len + 1, buf, len);
	text[hl + 2 * len] = '\n';
	rc = write_new_file(path, text, hl + 2 * len + 1, err, errlen);
	sodium_memzero(text, sizeof(text));
	return rc;
}

/*
 * Reads exactly len bytes from the secret file at path into buf.  0, or -1
 * with err and buf zeroed.
 */
int
lc_secretfile_read(const char *path, void *buf, size_t len, char *err,
    size_t errlen)
{
	char		 text[LC_FILE_MAX];
	struct kv	 kv[1];
	const char	*magic = NULL, *hex;
	size_t		 flen;
	int		 n, rc = -1;

	if (len == 0 || len > LC_SECRET_MAX) {
		errfmt(err, errlen, "secret length %zu outside 1..%d", len,
		    LC_SECRET_MAX);
		return -1;
	}
	sodium_memzero(buf, len);
	if (read_private_file(path, text, sizeof(text), &flen, err,
	    errlen) != 0)
		return -1;
	n = parse_fields(text, flen, &magic, kv, 1);
	if (n != 1 || strcmp(magic, SECRETFILE_MAGIC) != 0 ||
	    (hex = field(kv, n, 0, "hex")) == NULL) {
		errfmt(err, errlen, "%s: not a labeld secret file (version 1)",
		    path);
		goto done;
	}
	if (lc_unhex(hex, buf, len) != 0) {
		errfmt(err, errlen, "%s: secret is not %zu bytes of hex", path,
		    len);
		goto done;
	}
	rc = 0;
done:
	sodium_memzero(text, sizeof(text));
	return rc;
}
