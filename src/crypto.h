/*
 * crypto.h: every libsodium call of labeld: hashes, Ed25519, key files,
 * encodings.
 *
 * Prefix lc_ because libsodium owns crypto_.  Part of libverify.a: depends on
 * libc and libsodium only.  Call lc_init() once before anything else.
 *
 * KEY FILE FORMAT (lc_keyfile_write / lc_keyfile_read), version 1.
 * A small text file, one "name: value" per line, LF line ends, fixed order:
 *
 *   labeld-key 1
 *   type: ed25519
 *   seal: none
 *   seed: <64 hex digits: the 32-byte Ed25519 seed>
 *
 * or, sealed with a passphrase:
 *
 *   labeld-key 1
 *   type: ed25519
 *   seal: argon2id13-xsalsa20poly1305
 *   opslimit: <decimal>
 *   memlimit: <decimal, bytes>
 *   salt: <32 hex digits, crypto_pwhash_SALTBYTES>
 *   nonce: <48 hex digits, crypto_secretbox_NONCEBYTES>
 *   box: <96 hex digits: crypto_secretbox_easy(seed) = 16-byte MAC || 32 bytes>
 *
 * The secretbox key is crypto_pwhash(ARGON2ID13, passphrase, salt, opslimit,
 * memlimit), written with the MODERATE limits.  Only the seed is stored: the
 * 64-byte secret key (seed || public key) is re-derived on read, so a file
 * cannot carry a public half that does not belong to its seed.  Readers accept
 * limits up to the SENSITIVE ones and no more (a hostile file cannot make the
 * daemon allocate gigabytes).
 *
 * SECRET FILE FORMAT (lc_secretfile_write / lc_secretfile_read), version 1:
 *
 *   labeld-secret 1
 *   hex: <2*len hex digits>
 *
 * Both kinds of file are created with O_CREAT|O_EXCL|O_NOFOLLOW, mode exactly
 * 0600, written, fsync'd (and their directory fsync'd); a partial file is
 * removed.  Readers refuse anything but a regular file of at most
 * LC_FILE_MAX bytes whose mode grants nothing to group or others (as ssh does
 * for private keys).
 */
#ifndef LABELD_CRYPTO_H
#define LABELD_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define LC_PK_LEN	32
#define LC_SK_LEN	64
#define LC_SIG_LEN	64
#define LC_SEED_LEN	32
#define LC_HASH_LEN	32
#define LC_TOKEN_BUFLEN	64
#define LC_TOKEN_PREFIX	"lbd_"
/* Largest key or secret file read (they are a few hundred bytes). */
#define LC_FILE_MAX	4096
/* Largest payload of lc_secretfile_* (bytes, before hex). */
#define LC_SECRET_MAX	1024
/* base58 is quadratic: bound what we encode/decode (signatures: 64 bytes). */
#define LC_BASE58_MAX_BYTES	256
#define LC_BASE58_MAX_CHARS	352

/*
 * sodium_init(); 0 ok (also when already done), -1 if libsodium is
 * unusable.
 */
int	 lc_init(void);

/* Fills buf with len bytes from the OS CSPRNG. */
void	 lc_random(void *buf, size_t len);

/* SHA-256 of in[0..len). */
void	 lc_sha256(const void *in, size_t len, uint8_t out[32]);

/* HMAC-SHA256 of in under key (any length) into out. */
void	 lc_hmac_sha256(const uint8_t *key, size_t keylen, const void *in,
	    size_t len, uint8_t out[32]);

/* Lowercase hex of in; out must hold 2*len+1 bytes (NUL-terminated). */
void	 lc_hex(const uint8_t *in, size_t len, char *out);

/*
 * Decodes hex (either case) of exactly outlen bytes and nothing else: 0,
 * or -1 on a bad digit or a different length (out is then zeroed).
 */
int	 lc_unhex(const char *hex, uint8_t *out, size_t outlen);

/* Constant-time comparison: 1 if the len bytes are equal, 0 otherwise. */
int	 lc_equal(const void *a, const void *b, size_t len);

/* sodium_memzero: for callers that hold secrets. NULL-safe. */
void	 lc_wipe(void *buf, size_t len);

/*
 * Keyed BLAKE2b-256 of the token's bytes: what the database stores for an
 * API token, so a database leak does not leak usable tokens.
 */
void	 lc_token_hash(const uint8_t key[32], const char *token,
	    uint8_t out[32]);

/* Keyed SipHash-2-4 (crypto_shorthash) of in: a table index no client can aim. */
#define LC_SHORTHASH_KEYBYTES	16
uint64_t lc_shorthash(const uint8_t key[LC_SHORTHASH_KEYBYTES],
	    const void *in, size_t len);

/*
 * New API token "lbd_" + base64url-nopad(32 random bytes) (47 chars) into
 * out, which must hold LC_TOKEN_BUFLEN bytes.
 */
void	 lc_token_new(char *out);

/*
 * Base64 of in: standard alphabet with padding, or (urlsafe_nopad != 0)
 * the URL-safe alphabet without padding.  malloc'd; NULL on OOM.
 */
char	*lc_b64_encode(const void *in, size_t len, int urlsafe_nopad);

/*
 * Strict inverse of lc_b64_encode for the same variant: no whitespace, no
 * stray characters, canonical trailing bits.  On success 0 and *out is
 * malloc'd (never NULL, even for an empty result) with *outlen bytes; -1
 * otherwise with *out = NULL.
 */
int	 lc_b64_decode(const char *in, int urlsafe_nopad, uint8_t **out,
	    size_t *outlen);

/*
 * base58btc (Bitcoin alphabet, leading zero bytes as '1'), no multibase
 * prefix.  malloc'd; NULL on OOM or len > LC_BASE58_MAX_BYTES.
 */
char	*lc_base58btc_encode(const uint8_t *in, size_t len);

/*
 * Inverse of lc_base58btc_encode: 0 with *out malloc'd (the caller frees
 * it) holding *outlen bytes; -1 with *out NULL on a character outside the
 * alphabet, an empty string, more than LC_BASE58_MAX_CHARS or OOM.
 */
int	 lc_base58btc_decode(const char *in, uint8_t **out, size_t *outlen);

/*
 * Multikey public key: "z" + base58btc(0xed 0x01 || pk), always
 * "z6Mk...".
 * malloc'd; NULL on OOM.
 */
char	*lc_multikey_encode(const uint8_t pk[32]);

/*
 * Inverse: 0, or -1 for anything but 'z' + base58btc of exactly 34 bytes
 * starting 0xed 0x01.
 */
int	 lc_multikey_decode(const char *mb, uint8_t pk[32]);

/*
 * Multikey secret key: "z" + base58btc(0x80 0x26 || 32-byte seed), as in
 * the W3C test vectors' privateKeyMultibase.  Result is secret: the caller
 * wipes it (lc_wipe(s, strlen(s))) before free.  NULL on OOM.
 */
char	*lc_multikey_seed_encode(const uint8_t seed[32]);

/*
 * Inverse of lc_multikey_seed_encode into seed; 0, or -1 for a wrong
 * prefix, length or alphabet.
 */
int	 lc_multikey_seed_decode(const char *mb, uint8_t seed[32]);

/*
 * Ed25519.  sk is always libsodium's 64-byte form: seed || public key; the
 * caller owns it and wipes it (lc_wipe) after use.
 */

/* A new random key pair into pk and sk.  Cannot fail. */
void	 lc_ed25519_keypair(uint8_t pk[32], uint8_t sk[64]);

/* The key pair of a 32-byte seed into pk and sk.  Cannot fail. */
void	 lc_ed25519_seed_keypair(const uint8_t seed[32], uint8_t pk[32],
	    uint8_t sk[64]);

/* Public half of sk (its last 32 bytes, as libsodium defines it). */
void	 lc_ed25519_sk_to_pk(const uint8_t sk[64], uint8_t pk[32]);

/* Pure Ed25519 (RFC 8032) detached signature of msg into sig. */
void	 lc_ed25519_sign(const uint8_t sk[64], const void *msg, size_t len,
	    uint8_t sig[64]);

/* 0 if sig is a valid signature of msg under pk, -1 otherwise. */
int	 lc_ed25519_verify(const uint8_t pk[32], const void *msg, size_t len,
	    const uint8_t sig[64]);

/*
 * Writes sk (its seed) to a new file at path in the format above; sealed
 * when passphrase is non-NULL and non-empty.  Refuses to overwrite (O_EXCL),
 * and refuses an sk whose public half does not match its seed.  0, or -1
 * with a message in err (no file left behind).
 */
int	 lc_keyfile_write(const char *path, const uint8_t sk[64],
	    const char *passphrase, char *err, size_t errlen);

/*
 * For tests only: lc_keyfile_write seals with the Argon2id INTERACTIVE
 * limits (64 MiB) from now on instead of MODERATE (256 MiB), which ran
 * past the test timeout under a parallel `make check`.  Readers accept
 * both.  Call before any thread writes a key file.
 */
void	 lc_keyfile_test_limits(void);

/*
 * Reads a key file into sk.  A sealed file needs the right passphrase: NULL
 * or a wrong one gives -1 and a message.  A plain file ignores passphrase.
 * sk is zeroed on failure.
 */
int	 lc_keyfile_read(const char *path, const char *passphrase,
	    uint8_t sk[64], char *err, size_t errlen);

/*
 * Writes buf[0..len) (len 1..LC_SECRET_MAX), e.g. the 32-byte token-hash
 * key, to a new 0600 secret file at path: same creation rules as key files.
 * 0, or -1 with a message in err (no file left behind).
 */
int	 lc_secretfile_write(const char *path, const void *buf, size_t len,
	    char *err, size_t errlen);

/*
 * Reads the secret file at path into buf, which must receive exactly len
 * (1..LC_SECRET_MAX) bytes.  0, or -1 with a message in err and buf
 * zeroed.
 */
int	 lc_secretfile_read(const char *path, void *buf, size_t len, char *err,
	    size_t errlen);

#endif
