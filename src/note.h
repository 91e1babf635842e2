/*
 * note.h: C2SP signed notes (c2sp.org/signed-note v1.0.0) with Ed25519
 * signatures, their verifier keys, tlog-checkpoint bodies
 * (c2sp.org/tlog-checkpoint v1.0.0) and timestamped Ed25519 cosignatures
 * (c2sp.org/tlog-cosignature, cosignature/v1).  Part of libverify.a: libc,
 * crypto.c, utf8.c and tlog.h's constants only.
 *
 * A signed note is its text (UTF-8, no control characters but newline,
 * ending in a newline), a blank line, then one line per signature:
 *
 *   U+2014 SP <key name> SP base64(4-byte key id, big-endian || signature) LF
 *
 * key id = the first 4 bytes of SHA-256(name || 0x0A || alg || public key),
 * alg 0x01 for Ed25519 over the text, 0x04 for a cosignature: 8-byte
 * big-endian POSIX time || Ed25519 over "cosignature/v1\ntime <t>\n" || text.
 * A verifier key ("vkey") is name+<8 hex digits of the key id>+base64(alg ||
 * 32-byte public key).
 *
 * A checkpoint is a note whose text is the log's origin line, its tree size
 * in decimal, the base64 root hash, and optional non-empty extension lines.
 */
#ifndef LABELD_NOTE_H
#define LABELD_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "tlog.h"

/* Largest note accepted or produced: text, blank line and signatures. */
#define NOTE_MAX_LEN	(1024u * 1024u)
/* Most signature lines in a note (the spec asks for at least 16). */
#define NOTE_MAX_SIGS	100
/* Longest key name and checkpoint origin (bytes). */
#define NOTE_MAX_NAME	255
/*
 * Longest signature (bytes, after the key id): room for ML-DSA-44 ones
 * from keys we do not know, which are skipped but must still parse.
 */
#define NOTE_MAX_SIG	4096
/* Longest verifier key string. */
#define NOTE_MAX_VKEY	(NOTE_MAX_NAME + 1 + 8 + 1 + 44)

#define NOTE_ALG_ED25519	0x01
#define NOTE_ALG_COSIGNATURE	0x04
/* A cosignature: 8-byte time stamp, 64-byte Ed25519 signature. */
#define NOTE_COSIG_LEN	(8 + 64)
/* Latest time stamp a cosignature may carry (2^63 - 1, per the spec). */
#define NOTE_MAX_TIME	((uint64_t)INT64_MAX)

/* A public key that checks signatures of one name, key id and algorithm. */
struct note_verifier {
	char		 name[NOTE_MAX_NAME + 1];
	uint32_t	 keyid;
	/* NOTE_ALG_ED25519 or NOTE_ALG_COSIGNATURE */
	uint8_t		 alg;
	uint8_t		 pk[32];
};

/* A secret key that signs as one name: wipe with note_signer_wipe. */
struct note_signer {
	char		 name[NOTE_MAX_NAME + 1];
	uint32_t	 keyid;
	uint8_t		 alg;
	/* libsodium's seed || public key */
	uint8_t		 sk[64];
};

/* One signature line. */
struct note_sig {
	char		 name[NOTE_MAX_NAME + 1];
	uint32_t	 keyid;
	/* siglen bytes after the key id, malloc'd */
	uint8_t		*sig;
	size_t		 siglen;
};

/* A note: its text and its signatures, in order. */
struct note {
	/* textlen bytes and a NUL, ends in '\n' */
	char		*text;
	size_t		 textlen;
	struct note_sig	*sigs;
	size_t		 nsigs;
};

/* What note_verify found for one verifier. */
struct note_result {
	/* 1: this key's signature is present and valid */
	int		 verified;
	/* a cosignature's time stamp (0 otherwise) */
	uint64_t	 timestamp;
};

/* A checkpoint body. */
struct note_checkpoint {
	char		 origin[NOTE_MAX_NAME + 1];
	uint64_t	 size;
	uint8_t		 root[TLOG_HASH_LEN];
	/* extension lines, each ending in '\n'; NULL when none */
	char		*ext;
};

/*
 * 0 when name can name a key: 1..NOTE_MAX_NAME bytes of UTF-8 without
 * controls, Unicode spaces or '+'; -1 with the reason in err otherwise.
 */
int	 note_check_name(const char *name, char *err, size_t errlen);

/*
 * The key id of (name, alg, pk): SHA-256(name || 0x0A || alg || pk)[:4],
 * big-endian.  name is not checked.
 */
uint32_t note_keyid(const char *name, uint8_t alg, const uint8_t pk[32]);

/*
 * Fills v for name, alg (NOTE_ALG_ED25519 or NOTE_ALG_COSIGNATURE) and pk,
 * key id computed.  0, or -1 with a message in err (bad name or alg).
 */
int	 note_verifier_init(struct note_verifier *v, const char *name,
	    uint8_t alg, const uint8_t pk[32], char *err, size_t errlen);

/*
 * Fills s as note_verifier_init does, with the secret key sk (copied; its
 * public half gives the key id).  0 or -1 with a message in err.
 */
int	 note_signer_init(struct note_signer *s, const char *name, uint8_t alg,
	    const uint8_t sk[64], char *err, size_t errlen);

/* Wipes s (its secret key above all).  NULL-safe. */
void	 note_signer_wipe(struct note_signer *s);

/* The verifier of s's signatures into v. */
void	 note_signer_verifier(const struct note_signer *s,
	    struct note_verifier *v);

/*
 * Parses a verifier key name+hex(keyid)+base64(alg || pk) into v: the alg
 * must be one this module checks, and the key id must match the name and
 * key.  0, or -1 with the reason in err.
 */
int	 note_vkey_parse(const char *vkey, struct note_verifier *v, char *err,
	    size_t errlen);

/*
 * The verifier key string of v into *out (malloc'd, NUL-terminated).  0, or
 * -1 with a message in err (bad name or alg, out of memory); *out NULL.
 */
int	 note_vkey_format(const struct note_verifier *v, char **out, char *err,
	    size_t errlen);

/*
 * A new unsigned note of the text[0..len) (copied), which must be a valid
 * note text: non-empty, at most NOTE_MAX_LEN bytes of UTF-8, no control
 * characters but newline, ending in a newline.  0 with *out (note_free), or
 * -1 with the reason in err and *out NULL.
 */
int	 note_new(const char *text, size_t len, struct note **out, char *err,
	    size_t errlen);

/*
 * Parses the signed note msg[0..len): the text ends at the last blank
 * line; every line after it must be a well-formed signature line, there
 * must be 1..NOTE_MAX_SIGS of them, and the whole at most NOTE_MAX_LEN
 * bytes.  Nothing is verified.  0 with *out (note_free), or -1 with the
 * reason in err and *out NULL.
 */
int	 note_parse(const char *msg, size_t len, struct note **out, char *err,
	    size_t errlen);

/* Frees n and everything it holds.  NULL-safe. */
void	 note_free(struct note *n);

/*
 * Appends a signature by s over n's text: Ed25519 for NOTE_ALG_ED25519; for
 * NOTE_ALG_COSIGNATURE a cosignature stamped timestamp (at most
 * NOTE_MAX_TIME; ignored otherwise).  Refuses a second signature by the same
 * name and key id, and more than NOTE_MAX_SIGS.  0, or -1 with a message in
 * err (n unchanged).
 */
int	 note_sign(struct note *n, const struct note_signer *s,
	    uint64_t timestamp, char *err, size_t errlen);

/*
 * The signed note n as text into *out (malloc'd, NUL-terminated, *outlen
 * bytes without the NUL): text, blank line, signature lines.  Refuses a
 * note without signatures or longer than NOTE_MAX_LEN.  0, or -1 with a
 * message in err and *out NULL.
 */
int	 note_format(const struct note *n, char **out, size_t *outlen,
	    char *err, size_t errlen);

/*
 * Checks n's signatures against the known keys v[0..nv).  A signature whose
 * name and key id match no key is skipped and counted in *nunknown (may be
 * NULL); one that matches must verify.  res (nv entries, may be NULL) says
 * which keys signed and their cosignature times.  0 when at least one
 * known key's signature verified and none failed; -1 with the reason in
 * err otherwise (a failed or repeated known signature, a cosignature time
 * above NOTE_MAX_TIME, no known signature).
 */
int	 note_verify(const struct note *n, const struct note_verifier *v,
	    size_t nv, struct note_result *res, size_t *nunknown, char *err,
	    size_t errlen);

/*
 * The note text of checkpoint c into *out (malloc'd, NUL-terminated,
 * *outlen bytes): origin (1..NOTE_MAX_NAME bytes, valid in a note text),
 * size (at most TLOG_MAX_SIZE), base64 root, then c->ext if not NULL
 * (non-empty lines each ending in '\n').  0, or -1 with a message in err and
 * *out NULL.
 */
int	 note_checkpoint_format(const struct note_checkpoint *c, char **out,
	    size_t *outlen, char *err, size_t errlen);

/*
 * Parses the note text text[0..len) as a checkpoint into c: an origin line,
 * a decimal tree size without leading zeros (at most TLOG_MAX_SIZE), the
 * base64 of a 32-byte root, then optional non-empty extension lines (copied
 * to c->ext).  0, or -1 with the reason in err (c then holds nothing to
 * free).  Release with note_checkpoint_clear.
 */
int	 note_checkpoint_parse(const char *text, size_t len,
	    struct note_checkpoint *c, char *err, size_t errlen);

/* Frees c->ext and clears c.  NULL-safe. */
void	 note_checkpoint_clear(struct note_checkpoint *c);

#endif
