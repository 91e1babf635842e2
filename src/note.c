/*
 * note.c: C2SP signed notes, see note.h.
 */
#include "note.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "errfmt.h"
#include "utf8.h"

#define EM_DASH		"\xe2\x80\x94"
#define SIG_PREFIX	EM_DASH " "
#define SIG_PREFIX_LEN	(sizeof(SIG_PREFIX) - 1)
#define COSIG_HEADER	"cosignature/v1\ntime "
/* Longest decimal uint64_t. */
#define DEC_MAX	20

/*
 * Unicode White_Space (as Go's unicode.IsSpace, which the reference
 * implementation applies to key names).
 */
static int
is_unicode_space(uint32_t cp)
{
	switch (cp) {
	case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20:
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return 1;
	default:
		return cp >= 0x2000 && cp <= 0x200a;
	}
}

/* A note text or line: UTF-8, no ASCII controls but newline. */
static int
check_text(const char *text, size_t len, const char *what, char *err,
    size_t errlen)
{
	size_t	 i;

	if (!utf8_valid(text, len)) {
		errfmt(err, errlen, "%s is not UTF-8", what);
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n') {
			errfmt(err, errlen,
			    "%s has a control character at byte %zu", what, i);
			return -1;
		}
	return 0;
}

/* 0 if alg is one of the two signature types; -1 with err otherwise. */
static int
check_alg(uint8_t alg, char *err, size_t errlen)
{
	if (alg != NOTE_ALG_ED25519 && alg != NOTE_ALG_COSIGNATURE) {
		errfmt(err, errlen,
		    "signature type 0x%02x is not Ed25519 (0x01) or an "
		    "Ed25519 cosignature (0x04)", alg);
		return -1;
	}
	return 0;
}

/* 0 if name is a valid key name; -1 with err otherwise. */
int
note_check_name(const char *name, char *err, size_t errlen)
{
	size_t		 len = strnlen(name, NOTE_MAX_NAME + 1), i = 0;
	uint32_t	 cp;

	if (len == 0 || len > NOTE_MAX_NAME) {
		errfmt(err, errlen, "key name must be 1 to %d bytes",
		    NOTE_MAX_NAME);
		return -1;
	}
	while (i < len) {
		if (utf8_next((const unsigned char *)name, len, &i, &cp) != 0) {
			errfmt(err, errlen, "key name is not UTF-8");
			return -1;
		}
		if (cp < 0x20 || cp == 0x7f || is_unicode_space(cp) ||
		    cp == '+') {
			errfmt(err, errlen,
			    "key name has a space, '+' or control character");
			return -1;
		}
	}
	return 0;
}

/* The key id SHA-256(name || 0x0A || alg || pk)[:4], big-endian. */
uint32_t
note_keyid(const char *name, uint8_t alg, const uint8_t pk[32])
{
	uint8_t	 buf[NOTE_MAX_NAME + 2 + 32], h[32];
	size_t	 len = strnlen(name, NOTE_MAX_NAME);

	memcpy(buf, name, len);
	buf[len] = '\n';
	buf[len + 1] = alg;
	memcpy(buf + len + 2, pk, 32);
	lc_sha256(buf, len + 2 + 32, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3];
}

/* Fills v from a name, a type and a public key.  0, or -1 with err. */
int
note_verifier_init(struct note_verifier *v, const char *name, uint8_t alg,
    const uint8_t pk[32], char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	if (note_check_name(name, err, errlen) != 0 ||
	    check_alg(alg, err, errlen) != 0)
		return -1;
	strcpy(v->name, name); /* length checked above */
	v->alg = alg;
	memcpy(v->pk, pk, 32);
	v->keyid = note_keyid(name, alg, pk);
	return 0;
}

/* Fills s from a name, a type and a copy of sk.  0, or -1 with err. */
int
note_signer_init(struct note_signer *s, const char *name, uint8_t alg,
    const uint8_t sk[64], char *err, size_t errlen)
{
	uint8_t	 pk[32], again[64];
	int	 same;

	memset(s, 0, sizeof(*s));
	if (note_check_name(name, err, errlen) != 0 ||
	    check_alg(alg, err, errlen) != 0)
		return -1;
	/*
	 * A public half that is not the seed's would give a key id and
	 * signatures no verifier of the real key accepts.
	 */
	lc_ed25519_seed_keypair(sk, pk, again);
	same = lc_equal(again, sk, sizeof(again));
	lc_wipe(again, sizeof(again));
	if (!same) {
		errfmt(err, errlen,
		    "secret key's public half does not belong to its seed");
		return -1;
	}
	strcpy(s->name, name);
	s->alg = alg;
	memcpy(s->sk, sk, 64);
	s->keyid = note_keyid(name, alg, pk);
	return 0;
}

/* Wipes s, secret key included. */
void
note_signer_wipe(struct note_signer *s)
{
	if (s != NULL)
		lc_wipe(s, sizeof(*s));
}

/* The verifier of s's public half into v. */
void
note_signer_verifier(const struct note_signer *s, struct note_verifier *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->name, s->name, sizeof(v->name));
	v->keyid = s->keyid;
	v->alg = s->alg;
	lc_ed25519_sk_to_pk(s->sk, v->pk);
}

/* Parses a verifier key into v.  0, or -1 with err. */
int
note_vkey_parse(const char *vkey, struct note_verifier *v, char *err,
    size_t errlen)
{
	char		 name[NOTE_MAX_NAME + 1], hex[9];
	const char	*plus, *b64;
	uint8_t		*key = NULL, id[4];
	size_t		 len, keylen, namelen;
	int		 rc = -1;

	memset(v, 0, sizeof(*v));
	len = strnlen(vkey, NOTE_MAX_VKEY + 1);
	if (len > NOTE_MAX_VKEY) {
		errfmt(err, errlen, "verifier key longer than %d bytes",
		    NOTE_MAX_VKEY);
		return -1;
	}
	plus = strchr(vkey, '+');
	if (plus == NULL || (size_t)(plus - vkey) > NOTE_MAX_NAME ||
	    strlen(plus) < 10 || plus[9] != '+') {
		errfmt(err, errlen, "verifier key is not name+keyid+key");
		return -1;
	}
	namelen = (size_t)(plus - vkey);
	memcpy(name, vkey, namelen);
	name[namelen] = '\0';
	if (note_check_name(name, err, errlen) != 0)
		return -1;
	memcpy(hex, plus + 1, 8);
	hex[8] = '\0';
	if (lc_unhex(hex, id, sizeof(id)) != 0) {
		errfmt(err, errlen, "verifier key id is not 8 hex digits");
		return -1;
	}
	b64 = plus + 10;
	if (lc_b64_decode(b64, 0, &key, &keylen) != 0) {
		errfmt(err, errlen, "verifier key is not base64");
		return -1;
	}
	if (keylen != 33) {
		errfmt(err, errlen,
		    "verifier key of %zu bytes, not a type byte and 32",
		    keylen);
		goto done;
	}
	if (note_verifier_init(v, name, key[0], key + 1, err, errlen) != 0)
		goto done;
	if (v->keyid != ((uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 |
	    (uint32_t)id[2] << 8 | id[3])) {
		errfmt(err, errlen,
		    "verifier key id %s does not match its name and key", hex);
		goto done;
	}
	rc = 0;
done:
	if (rc != 0)
		memset(v, 0, sizeof(*v));
	free(key);
	return rc;
}

/* The verifier key text of v into a malloc'd *out.  0, or -1 with err. */
int
note_vkey_format(const struct note_verifier *v, char **out, char *err,
    size_t errlen)
{
	uint8_t	 key[33];
	char	*b64;
	size_t	 len;

	*out = NULL;
	if (note_check_name(v->name, err, errlen) != 0 ||
	    check_alg(v->alg, err, errlen) != 0)
		return -1;
	key[0] = v->alg;
	memcpy(key + 1, v->pk, 32);
	if ((b64 = lc_b64_encode(key, sizeof(key), 0)) == NULL)
		goto oom;
	len = strlen(v->name) + 1 + 8 + 1 + strlen(b64) + 1;
	if ((*out = malloc(len)) == NULL) {
		free(b64);
		goto oom;
	}
	snprintf(*out, len, "%s+%08" PRIx32 "+%s", v->name, v->keyid, b64);
	free(b64);
	return 0;
oom:
	errfmt(err, errlen, "out of memory");
	return -1;
}

/*
 * An unsigned note of a copy of text into a malloc'd *out.  0, or -1 with
 * err and *out NULL.
 */
int
note_new(const char *text, size_t len, struct note **out, char *err,
    size_t errlen)
{
	struct note	*n;

	*out = NULL;
	if (len == 0 || len > NOTE_MAX_LEN || text[len - 1] != '\n') {
		errfmt(err, errlen,
		    "note text must be 1 to %u bytes ending in a newline",
		    NOTE_MAX_LEN);
		return -1;
	}
	if (check_text(text, len, "note text", err, errlen) != 0)
		return -1;
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->text = malloc(len + 1)) == NULL) {
		free(n);
		errfmt(err, errlen, "out of memory");
		return -1;
	}
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->textlen = len;
	*out = n;
	return 0;
}

/* Wipes a signature's bytes. */
static void
sig_clear(struct note_sig *sig)
{
	free(sig->sig);
	memset(sig, 0, sizeof(*sig));
}

/* Frees n and its signatures; NULL is allowed. */
void
note_free(struct note *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nsigs; i++)
		sig_clear(&n->sigs[i]);
	free(n->sigs);
	free(n->text);
	free(n);
}

/* One signature line line[0..len), without its newline. */
static int
parse_sig_line(const char *line, size_t len, struct note_sig *sig, char *err,
    size_t errlen)
{
	const char	*sp, *end = line + len;
	char		*b64;
	uint8_t		*bin = NULL;
	size_t		 namelen, binlen;

	memset(sig, 0, sizeof(*sig));
	if (len < SIG_PREFIX_LEN ||
	    memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0) {
		errfmt(err, errlen, "signature line does not start with an "
		    "em dash and a space");
		return -1;
	}
	line += SIG_PREFIX_LEN;
	sp = memchr(line, ' ', (size_t)(end - line));
	if (sp == NULL || sp == line || (size_t)(sp - line) > NOTE_MAX_NAME) {
		errfmt(err, errlen,
		    "signature line has no key name of 1 to %d bytes",
		    NOTE_MAX_NAME);
		return -1;
	}
	namelen = (size_t)(sp - line);
	memcpy(sig->name, line, namelen);
	sig->name[namelen] = '\0';
	if (note_check_name(sig->name, err, errlen) != 0)
		return -1;
	sp++;
	if ((size_t)(end - sp) > (4 + NOTE_MAX_SIG + 2) / 3 * 4) {
		errfmt(err, errlen, "signature by %s longer than %d bytes",
		    sig->name, NOTE_MAX_SIG);
		return -1;
	}
	if ((b64 = strndup(sp, (size_t)(end - sp))) == NULL) {
		errfmt(err, errlen, "out of memory");
		return -1;
	}
	if (lc_b64_decode(b64, 0, &bin, &binlen) != 0 || binlen < 5) {
		free(b64);
		free(bin);
		errfmt(err, errlen,
		    "signature by %s is not base64 of a key id and a signature",
		    sig->name);
		return -1;
	}
	free(b64);
	sig->keyid = (uint32_t)bin[0] << 24 | (uint32_t)bin[1] << 16 |
	    (uint32_t)bin[2] << 8 | bin[3];
	sig->siglen = binlen - 4;
	memmove(bin, bin + 4, sig->siglen);
	sig->sig = bin;
	return 0;
}

/*
 * Parses a signed note into a malloc'd *out.  0, or -1 with err and *out
 * NULL.
 */
int
note_parse(const char *msg, size_t len, struct note **out, char *err,
    size_t errlen)
{
	struct note	*n = NULL;
	const char	*p, *end, *nl;
	size_t		 textlen, i;
	int		 rc = -1;

	*out = NULL;
	if (len > NOTE_MAX_LEN) {
		errfmt(err, errlen, "note longer than %u bytes", NOTE_MAX_LEN);
		return -1;
	}
	if (check_text(msg, len, "note", err, errlen) != 0)
		return -1;
	if (len == 0 || msg[len - 1] != '\n') {
		errfmt(err, errlen, "note does not end in a newline");
		return -1;
	}
	/*
	 * The text ends at the last blank line: signature lines are never
	 * empty, so it is the last "\n\n".
	 */
	for (i = len - 1; i > 0; i--)
		if (msg[i - 1] == '\n' && msg[i] == '\n')
			break;
	if (i == 0) {
		errfmt(err, errlen,
		    "note has no blank line before its signatures");
		return -1;
	}
	textlen = i;
	if (note_new(msg, textlen, &n, err, errlen) != 0)
		return -1;
	if ((n->sigs = calloc(NOTE_MAX_SIGS, sizeof(*n->sigs))) == NULL) {
		errfmt(err, errlen, "out of memory");
		goto done;
	}
	end = msg + len;
	for (p = msg + textlen + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		assert(nl != NULL);
		if (n->nsigs == NOTE_MAX_SIGS) {
			errfmt(err, errlen, "note has more than %d signatures",
			    NOTE_MAX_SIGS);
			goto done;
		}
		if (parse_sig_line(p, (size_t)(nl - p), &n->sigs[n->nsigs], err,
		    errlen) != 0)
			goto done;
		n->nsigs++;
	}
	if (n->nsigs == 0) {
		errfmt(err, errlen, "note has no signatures");
		goto done;
	}
	rc = 0;
done:
	if (rc != 0)
		note_free(n);
	else
		*out = n;
	return rc;
}

/* "cosignature/v1\ntime <t>\n" || text, malloc'd; NULL on OOM. */
static uint8_t *
cosig_message(const struct note *n, uint64_t t, size_t *len)
{
	char	 head[sizeof(COSIG_HEADER) + DEC_MAX + 2];
	uint8_t	*msg;
	int	 hl;

	hl = snprintf(head, sizeof(head), COSIG_HEADER "%" PRIu64 "\n", t);
	assert(hl > 0 && (size_t)hl < sizeof(head));
	if ((msg = malloc((size_t)hl + n->textlen)) == NULL)
		return NULL;
	memcpy(msg, head, (size_t)hl);
	memcpy(msg + hl, n->text, n->textlen);
	*len = (size_t)hl + n->textlen;
	return msg;
}

/*
 * Adds a signature (or cosignature at timestamp) by s to n.  0, or -1 with
 * err and n unchanged.
 */
int
note_sign(struct note *n, const struct note_signer *s, uint64_t timestamp,
    char *err, size_t errlen)
{
	struct note_sig	*grown, sig;
	uint8_t		*msg = NULL;
	size_t		 len, i;
	int		 b;

	if (check_alg(s->alg, err, errlen) != 0)
		return -1;
	if (n->nsigs >= NOTE_MAX_SIGS) {
		errfmt(err, errlen, "note already has %d signatures",
		    NOTE_MAX_SIGS);
		return -1;
	}
	for (i = 0; i < n->nsigs; i++)
		if (n->sigs[i].keyid == s->keyid &&
		    strcmp(n->sigs[i].name, s->name) == 0) {
			errfmt(err, errlen, "note already signed by %s",
			    s->name);
			return -1;
		}
	if (s->alg == NOTE_ALG_COSIGNATURE && timestamp > NOTE_MAX_TIME) {
		errfmt(err, errlen,
		    "cosignature time %" PRIu64 " above 2^63 - 1", timestamp);
		return -1;
	}
	memset(&sig, 0, sizeof(sig));
	memcpy(sig.name, s->name, sizeof(sig.name));
	sig.keyid = s->keyid;
	sig.siglen = s->alg == NOTE_ALG_COSIGNATURE ? NOTE_COSIG_LEN : 64;
	/* note_parse leaves room for NOTE_MAX_SIGS; note_new none. */
	if ((grown = realloc(n->sigs, NOTE_MAX_SIGS *
	    sizeof(*n->sigs))) == NULL)
		goto oom;
	n->sigs = grown;
	if ((sig.sig = malloc(sig.siglen)) == NULL)
		goto oom;
	if (s->alg == NOTE_ALG_COSIGNATURE) {
		if ((msg = cosig_message(n, timestamp, &len)) == NULL)
			goto oom;
		for (b = 0; b < 8; b++)
			sig.sig[b] = (uint8_t)(timestamp >> (56 - 8 * b));
		lc_ed25519_sign(s->sk, msg, len, sig.sig + 8);
		free(msg);
	} else
		lc_ed25519_sign(s->sk, n->text, n->textlen, sig.sig);
	n->sigs[n->nsigs++] = sig;
	return 0;
oom:
	free(sig.sig);
	errfmt(err, errlen, "out of memory");
	return -1;
}

/* The signed note n as text into a malloc'd *out.  0, or -1 with err. */
int
note_format(const struct note *n, char **out, size_t *outlen, char *err,
    size_t errlen)
{
	char	*buf = NULL, *b64;
	size_t	 cap, len, i, nl;
	uint8_t	*bin = NULL;

	*out = NULL;
	*outlen = 0;
	if (n->nsigs == 0) {
		errfmt(err, errlen, "note has no signatures");
		return -1;
	}
	cap = n->textlen + 1;
	for (i = 0; i < n->nsigs; i++)
		cap += SIG_PREFIX_LEN + strlen(n->sigs[i].name) + 1 +
		    (4 + n->sigs[i].siglen + 2) / 3 * 4 + 1;
	if (cap > NOTE_MAX_LEN) {
		errfmt(err, errlen, "signed note longer than %u bytes",
		    NOTE_MAX_LEN);
		return -1;
	}
	if ((buf = malloc(cap + 1)) == NULL)
		goto oom;
	memcpy(buf, n->text, n->textlen);
	len = n->textlen;
	buf[len++] = '\n';
	for (i = 0; i < n->nsigs; i++) {
		const struct note_sig	*s = &n->sigs[i];

		if ((bin = malloc(4 + s->siglen)) == NULL)
			goto oom;
		bin[0] = (uint8_t)(s->keyid >> 24);
		bin[1] = (uint8_t)(s->keyid >> 16);
		bin[2] = (uint8_t)(s->keyid >> 8);
		bin[3] = (uint8_t)s->keyid;
		memcpy(bin + 4, s->sig, s->siglen);
		b64 = lc_b64_encode(bin, 4 + s->siglen, 0);
		free(bin);
		bin = NULL;
		if (b64 == NULL)
			goto oom;
		nl = (size_t)snprintf(buf + len, cap + 1 - len,
		    SIG_PREFIX "%s %s\n", s->name, b64);
		free(b64);
		assert(len + nl <= cap);
		len += nl;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
oom:
	free(buf);
	errfmt(err, errlen, "out of memory");
	return -1;
}

/* Checks sig, which names v's name and key id. */
static int
verify_one(const struct note *n, const struct note_verifier *v,
    const struct note_sig *sig, uint64_t *timestamp, char *err, size_t errlen)
{
	uint8_t		*msg;
	uint64_t	 t = 0;
	size_t		 len;
	int		 b, rc;

	*timestamp = 0;
	if (v->alg == NOTE_ALG_ED25519) {
		if (sig->siglen != 64 ||
		    lc_ed25519_verify(v->pk, n->text, n->textlen,
		    sig->sig) != 0) {
			errfmt(err, errlen, "signature by %s does not verify",
			    v->name);
			return -1;
		}
		return 0;
	}
	if (sig->siglen != NOTE_COSIG_LEN) {
		errfmt(err, errlen, "cosignature by %s is %zu bytes, not %d",
		    v->name, sig->siglen, NOTE_COSIG_LEN);
		return -1;
	}
	for (b = 0; b < 8; b++)
		t = t << 8 | sig->sig[b];
	if (t > NOTE_MAX_TIME) {
		errfmt(err, errlen,
		    "cosignature by %s has a time above 2^63 - 1", v->name);
		return -1;
	}
	if ((msg = cosig_message(n, t, &len)) == NULL) {
		errfmt(err, errlen, "out of memory");
		return -1;
	}
	rc = lc_ed25519_verify(v->pk, msg, len, sig->sig + 8);
	free(msg);
	if (rc != 0) {
		errfmt(err, errlen, "cosignature by %s does not verify",
		    v->name);
		return -1;
	}
	*timestamp = t;
	return 0;
}

/*
 * Checks n's signatures against v[0..nv).  0 when one verifies and none
 * fails; -1 with err otherwise.
 */
int
note_verify(const struct note *n, const struct note_verifier *v, size_t nv,
    struct note_result *res, size_t *nunknown, char *err, size_t errlen)
{
	unsigned char	 seen[NOTE_MAX_SIGS];
	size_t		 i, j, unknown = 0, good = 0;
	uint64_t	 t;

	if (res != NULL)
		memset(res, 0, nv * sizeof(*res));
	if (nunknown != NULL)
		*nunknown = 0;
	if (n->nsigs > NOTE_MAX_SIGS) {
		errfmt(err, errlen, "note has more than %d signatures",
		    NOTE_MAX_SIGS);
		return -1;
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n->nsigs; i++) {
		const struct note_sig	*sig = &n->sigs[i];

		for (j = 0; j < nv; j++)
			if (v[j].keyid == sig->keyid &&
			    strcmp(v[j].name, sig->name) == 0)
				break;
		if (j == nv) {
			unknown++;
			continue;
		}
		/* A key seen twice could answer with two time stamps. */
		for (size_t k = 0; k < i; k++)
			if (seen[k] && n->sigs[k].keyid == sig->keyid &&
			    strcmp(n->sigs[k].name, sig->name) == 0) {
				errfmt(err, errlen, "note signed twice by %s",
				    sig->name);
				return -1;
			}
		seen[i] = 1;
		if (verify_one(n, &v[j], sig, &t, err, errlen) != 0)
			return -1;
		if (res != NULL) {
			res[j].verified = 1;
			res[j].timestamp = t;
		}
		good++;
	}
	if (nunknown != NULL)
		*nunknown = unknown;
	if (good == 0) {
		errfmt(err, errlen, "no signature by a known key (%zu unknown)",
		    unknown);
		return -1;
	}
	return 0;
}

/* Decimal without leading zeros (but "0"), at most TLOG_MAX_SIZE. */
static int
parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (len == 0 || len > DEC_MAX || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		/* Before it can overflow: 2^40 has 13 digits. */
		if (v > TLOG_MAX_SIZE)
			return -1;
	}
	*out = v;
	return 0;
}

/* The tlog-checkpoint body of c into a malloc'd *out.  0, or -1 with err. */
int
note_checkpoint_format(const struct note_checkpoint *c, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	size_t	 olen = strnlen(c->origin, NOTE_MAX_NAME + 1), elen = 0, len, i;
	char	*root, *buf;

	*out = NULL;
	*outlen = 0;
	if (olen == 0 || olen > NOTE_MAX_NAME ||
	    memchr(c->origin, '\n', olen) != NULL ||
	    check_text(c->origin, olen, "origin", err, errlen) != 0) {
		errfmt(err, errlen,
		    "origin must be one line of 1 to %d bytes of UTF-8",
		    NOTE_MAX_NAME);
		return -1;
	}
	if (c->size > TLOG_MAX_SIZE) {
		errfmt(err, errlen, "tree size %" PRIu64 " beyond %" PRIu64,
		    c->size, TLOG_MAX_SIZE);
		return -1;
	}
	if (c->ext != NULL) {
		elen = strlen(c->ext);
		for (i = 0; i < elen; i++)
			if (c->ext[i] == '\n' &&
			    (i == 0 || c->ext[i - 1] == '\n'))
				break;
		if (elen == 0 || i < elen || c->ext[elen - 1] != '\n' ||
		    elen > NOTE_MAX_LEN ||
		    check_text(c->ext, elen, "extension lines", err,
		    errlen) != 0) {
			errfmt(err, errlen, "extension lines must be "
			    "non-empty lines each ending in a newline");
			return -1;
		}
	}
	if ((root = lc_b64_encode(c->root, TLOG_HASH_LEN, 0)) == NULL) {
		errfmt(err, errlen, "out of memory");
		return -1;
	}
	len = olen + 1 + DEC_MAX + 1 + strlen(root) + 1 + elen + 1;
	if ((buf = malloc(len)) == NULL) {
		free(root);
		errfmt(err, errlen, "out of memory");
		return -1;
	}
	*outlen = (size_t)snprintf(buf, len, "%s\n%" PRIu64 "\n%s\n%s",
	    c->origin, c->size, root, c->ext != NULL ? c->ext : "");
	free(root);
	if (*outlen > NOTE_MAX_LEN) {
		free(buf);
		*outlen = 0;
		errfmt(err, errlen, "checkpoint longer than %u bytes",
		    NOTE_MAX_LEN);
		return -1;
	}
	*out = buf;
	return 0;
}

/*
 * Parses a tlog-checkpoint body into c (c->ext malloc'd, freed by
 * note_checkpoint_clear).  0, or -1 with err.
 */
int
note_checkpoint_parse(const char *text, size_t len, struct note_checkpoint *c,
    char *err, size_t errlen)
{
	const char	*line[3], *end = text + len, *nl, *p = text, *q;
	size_t		 ll[3], rootlen;
	char		 b64[64];
	uint8_t		*root = NULL;
	int		 i;

	memset(c, 0, sizeof(*c));
	if (len == 0 || len > NOTE_MAX_LEN || text[len - 1] != '\n') {
		errfmt(err, errlen,
		    "checkpoint must be 1 to %u bytes ending in a newline",
		    NOTE_MAX_LEN);
		return -1;
	}
	if (check_text(text, len, "checkpoint", err, errlen) != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if (p == end ||
		    (nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			errfmt(err, errlen,
			    "checkpoint has fewer than three lines");
			return -1;
		}
		line[i] = p;
		ll[i] = (size_t)(nl - p);
		p = nl + 1;
	}
	if (ll[0] == 0 || ll[0] > NOTE_MAX_NAME) {
		errfmt(err, errlen, "checkpoint origin must be 1 to %d bytes",
		    NOTE_MAX_NAME);
		return -1;
	}
	if (parse_size(line[1], ll[1], &c->size) != 0) {
		errfmt(err, errlen,
		    "checkpoint tree size is not a decimal up to %" PRIu64
		    " without leading zeros", TLOG_MAX_SIZE);
		return -1;
	}
	if (ll[2] >= sizeof(b64)) {
		errfmt(err, errlen,
		    "checkpoint root hash is not base64 of 32 bytes");
		return -1;
	}
	memcpy(b64, line[2], ll[2]);
	b64[ll[2]] = '\0';
	if (lc_b64_decode(b64, 0, &root, &rootlen) != 0 ||
	    rootlen != TLOG_HASH_LEN) {
		free(root);
		errfmt(err, errlen,
		    "checkpoint root hash is not base64 of 32 bytes");
		return -1;
	}
	memcpy(c->root, root, TLOG_HASH_LEN);
	free(root);
	/* Extension lines: non-empty, so no "\n\n" and none at the start. */
	if (p < end) {
		for (q = p; q < end; q++)
			if (*q == '\n' && (q == p || q[-1] == '\n')) {
				errfmt(err, errlen,
				    "checkpoint has an empty extension line");
				return -1;
			}
		if ((c->ext = strndup(p, (size_t)(end - p))) == NULL) {
			errfmt(err, errlen, "out of memory");
			return -1;
		}
	}
	memcpy(c->origin, line[0], ll[0]);
	c->origin[ll[0]] = '\0';
	return 0;
}

/* Frees c->ext and clears c; NULL is allowed. */
void
note_checkpoint_clear(struct note_checkpoint *c)
{
	if (c == NULL)
		return;
	free(c->ext);
	memset(c, 0, sizeof(*c));
}
