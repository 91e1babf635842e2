/* check_note - C2SP signed notes, verifier keys, checkpoints and
 * cosignatures.  Vector: $LABELD_VECTORS/c2sp/signed-note-example.{txt,vkey}
 * (the C2SP signed-note spec's example; tests/data/vectors/SOURCES.md).
 * A missing vector file fails the test. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "note.h"

/* Whole file $LABELD_VECTORS/name, NUL-terminated, length in *len. */
static char *vector(const char *name, size_t *len)
{
	const char *dir = getenv("LABELD_VECTORS");
	char path[1024], *buf;
	long n;
	FILE *f;

	ck_assert_msg(dir != NULL, "LABELD_VECTORS is not set (run through make check)");
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void new_signer(struct note_signer *s, const char *name, uint8_t alg)
{
	uint8_t pk[32], sk[64];
	char err[200] = "";

	lc_ed25519_keypair(pk, sk);
	ck_assert_msg(note_signer_init(s, name, alg, sk, err, sizeof err) == 0, "%s", err);
	lc_wipe(sk, sizeof sk);
}

/* text signed by each of s[0..ns), formatted; malloc'd. */
static char *signed_text(const char *text, const struct note_signer *s, size_t ns,
                         uint64_t t, size_t *len)
{
	struct note *n;
	char err[200] = "", *out;
	size_t i;

	ck_assert_msg(note_new(text, strlen(text), &n, err, sizeof err) == 0, "%s", err);
	for (i = 0; i < ns; i++)
		ck_assert_msg(note_sign(n, &s[i], t, err, sizeof err) == 0, "%s", err);
	ck_assert_msg(note_format(n, &out, len, err, sizeof err) == 0, "%s", err);
	note_free(n);
	return out;
}

/* note_parse + note_verify of msg against v[0..nv): 0 or -1, err filled. */
static int open_note(const char *msg, size_t len, const struct note_verifier *v, size_t nv,
                     struct note_result *res, size_t *unknown, char *err, size_t errlen)
{
	struct note *n;
	int rc;

	if (note_parse(msg, len, &n, err, errlen) != 0)
		return -1;
	rc = note_verify(n, v, nv, res, unknown, err, errlen);
	note_free(n);
	return rc;
}

START_TEST(test_spec_example)
{
	struct note_verifier v, other;
	struct note_result res;
	struct note *n;
	size_t tlen, klen, unknown = 99, flen, i;
	char *txt = vector("c2sp/signed-note-example.txt", &tlen);
	char *vkey = vector("c2sp/signed-note-example.vkey", &klen), *again, *fmt;
	char err[200] = "";

	/* the file holds the key and a newline */
	ck_assert_uint_gt(klen, 1);
	ck_assert_int_eq(vkey[klen - 1], '\n');
	vkey[--klen] = '\0';
	ck_assert_msg(note_vkey_parse(vkey, &v, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(v.name, "example.com/foo");
	ck_assert_uint_eq(v.keyid, 0x530d903a);
	ck_assert_uint_eq(v.alg, NOTE_ALG_ED25519);
	ck_assert_int_eq(note_vkey_format(&v, &again, err, sizeof err), 0);
	ck_assert_str_eq(again, vkey);
	free(again);

	ck_assert_msg(note_parse(txt, tlen, &n, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(n->text, "This is an example message.\n");
	ck_assert_uint_eq(n->nsigs, 1);
	ck_assert_str_eq(n->sigs[0].name, "example.com/foo");
	ck_assert_uint_eq(n->sigs[0].keyid, 0x530d903a);
	ck_assert_msg(note_verify(n, &v, 1, &res, &unknown, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(res.verified, 1);
	ck_assert_uint_eq(unknown, 0);
	/* formatting gives back the published bytes */
	ck_assert_int_eq(note_format(n, &fmt, &flen, err, sizeof err), 0);
	ck_assert_uint_eq(flen, tlen);
	ck_assert_mem_eq(fmt, txt, tlen);
	free(fmt);

	/* a key of another name is unknown: skipped, counted, nothing verifies */
	other = v;
	strcpy(other.name, "example.com/bar");
	ck_assert_int_eq(note_verify(n, &other, 1, &res, &unknown, err, sizeof err), -1);
	ck_assert_uint_eq(unknown, 1);
	ck_assert_int_eq(res.verified, 0);
	ck_assert_ptr_nonnull(strstr(err, "no signature by a known key"));
	note_free(n);

	/* any one byte changed: refused (parse or verify) */
	for (i = 0; i < tlen; i++) {
		txt[i] ^= 0x01;
		ck_assert_msg(open_note(txt, tlen, &v, 1, NULL, NULL, err, sizeof err) == -1,
		              "byte %zu changed and still accepted", i);
		txt[i] ^= 0x01;
	}
	ck_assert_int_eq(open_note(txt, tlen, &v, 1, NULL, NULL, err, sizeof err), 0);
	free(txt);
	free(vkey);
}
END_TEST

START_TEST(test_roundtrip)
{
	static const char *texts[] = {
		"one line\n",
		"origin.example/log\n42\n\nafter a blank line\n",
		"\xc3\xa9t\xc3\xa9 \xe2\x82\xac and UTF-8\n",
		"\n",
		"trailing blank lines\n\n\n",
	};
	struct note_signer s[3];
	struct note_verifier v[3], back;
	struct note_result res[3];
	struct note *n;
	size_t i, len, unknown;
	char err[200] = "", *msg, *vk;

	new_signer(&s[0], "log.example/a", NOTE_ALG_ED25519);
	new_signer(&s[1], "log.example/b", NOTE_ALG_ED25519);
	new_signer(&s[2], "witness.example/w", NOTE_ALG_COSIGNATURE);
	for (i = 0; i < 3; i++) {
		note_signer_verifier(&s[i], &v[i]);
		ck_assert_int_eq(note_vkey_format(&v[i], &vk, err, sizeof err), 0);
		ck_assert_msg(note_vkey_parse(vk, &back, err, sizeof err) == 0, "%s: %s", vk, err);
		ck_assert_mem_eq(&back, &v[i], sizeof back);
		free(vk);
	}
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		msg = signed_text(texts[i], s, 3, 1700000000 + i, &len);
		ck_assert_msg(note_parse(msg, len, &n, err, sizeof err) == 0, "%s", err);
		ck_assert_str_eq(n->text, texts[i]);
		ck_assert_uint_eq(n->nsigs, 3);
		ck_assert_msg(note_verify(n, v, 3, res, &unknown, err, sizeof err) == 0, "%s", err);
		ck_assert_uint_eq(unknown, 0);
		ck_assert(res[0].verified && res[1].verified && res[2].verified);
		ck_assert_uint_eq(res[0].timestamp, 0);
		ck_assert_uint_eq(res[2].timestamp, 1700000000 + i);
		/* knowing only b: a and the witness are unknown, b verifies */
		ck_assert_int_eq(note_verify(n, &v[1], 1, res, &unknown, err, sizeof err), 0);
		ck_assert_uint_eq(unknown, 2);
		note_free(n);
		free(msg);
	}
	/* the same key twice is refused when signing ... */
	ck_assert_int_eq(note_new("x\n", 2, &n, err, sizeof err), 0);
	ck_assert_int_eq(note_sign(n, &s[0], 0, err, sizeof err), 0);
	ck_assert_int_eq(note_sign(n, &s[0], 0, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "already signed"));
	note_free(n);
	/* ... and when verifying */
	msg = signed_text("x\n", s, 1, 0, &len);
	{
		char *dup = malloc(2 * len);
		const char *line = strstr(msg, "\n\n") + 2;
		size_t ll = strlen(line);

		ck_assert_ptr_nonnull(dup);
		memcpy(dup, msg, len);
		memcpy(dup + len, line, ll);
		ck_assert_int_eq(open_note(dup, len + ll, v, 1, NULL, NULL, err, sizeof err), -1);
		ck_assert_ptr_nonnull(strstr(err, "twice"));
		free(dup);
	}
	free(msg);
	for (i = 0; i < 3; i++)
		note_signer_wipe(&s[i]);
}
END_TEST

/* Random note texts (ASCII, spaces, blank lines, two- and three-byte
 * UTF-8) signed by a key and a witness: each parses back to the same text
 * and signatures, formats to the same bytes and verifies. */
START_TEST(test_random_roundtrip)
{
	static const char *atoms[] = { "a", "Z", "0", " ", "\n", "\n\n", "+", "\xc3\xa9",
	                               "\xe2\x80\x94", "=", "/" };
	struct note_signer s[2];
	struct note_verifier v[2];
	struct note_result res[2];
	struct note *n;
	char text[512], err[200] = "", *msg, *again;
	size_t len, alen, tl, i;
	uint8_t r[64];
	int round;

	new_signer(&s[0], "log.example/r", NOTE_ALG_ED25519);
	new_signer(&s[1], "witness.example/r", NOTE_ALG_COSIGNATURE);
	note_signer_verifier(&s[0], &v[0]);
	note_signer_verifier(&s[1], &v[1]);
	for (round = 0; round < 200; round++) {
		lc_random(r, sizeof r);
		tl = 0;
		for (i = 0; i < 1u + r[0] % 60u; i++) {
			const char *a = atoms[r[1 + i % 63] % (sizeof atoms / sizeof atoms[0])];

			memcpy(text + tl, a, strlen(a));
			tl += strlen(a);
		}
		text[tl++] = '\n';
		text[tl] = '\0';
		msg = signed_text(text, s, 2, (uint64_t)round * 1000003, &len);
		ck_assert_msg(note_parse(msg, len, &n, err, sizeof err) == 0, "%s", err);
		ck_assert_uint_eq(n->textlen, tl);
		ck_assert_mem_eq(n->text, text, tl);
		ck_assert_uint_eq(n->nsigs, 2);
		ck_assert_msg(note_verify(n, v, 2, res, NULL, err, sizeof err) == 0, "%s", err);
		ck_assert_uint_eq(res[1].timestamp, (uint64_t)round * 1000003);
		ck_assert_int_eq(note_format(n, &again, &alen, err, sizeof err), 0);
		ck_assert_uint_eq(alen, len);
		ck_assert_mem_eq(again, msg, len);
		free(again);
		note_free(n);
		free(msg);
	}
	note_signer_wipe(&s[0]);
	note_signer_wipe(&s[1]);
}
END_TEST

#define CP_TEXT "log.example/t\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"

START_TEST(test_tamper)
{
	struct note_signer s[2];
	struct note_verifier v[2], wrong;
	struct note_result res[2];
	size_t len, i, unknown;
	char err[200] = "", *msg;
	int k;

	new_signer(&s[0], "log.example/t", NOTE_ALG_ED25519);
	new_signer(&s[1], "witness.example/t", NOTE_ALG_COSIGNATURE);
	note_signer_verifier(&s[0], &v[0]);
	note_signer_verifier(&s[1], &v[1]);
	/* every single byte changed, in a note signed by one key: refused */
	for (k = 0; k < 2; k++) {
		msg = signed_text(CP_TEXT, &s[k], 1, 1234567890, &len);
		ck_assert_int_eq(open_note(msg, len, &v[k], 1, NULL, NULL, err, sizeof err), 0);
		for (i = 0; i < len; i++) {
			msg[i] ^= 0x01;
			ck_assert_msg(open_note(msg, len, &v[k], 1, NULL, NULL, err, sizeof err) == -1,
			              "key %d: byte %zu changed and still accepted", k, i);
			msg[i] ^= 0x01;
		}
		free(msg);
	}
	/* signed by both: a changed text fails both, whoever is known */
	msg = signed_text(CP_TEXT, s, 2, 1234567890, &len);
	ck_assert_int_eq(open_note(msg, len, v, 2, res, NULL, err, sizeof err), 0);
	ck_assert(res[0].verified && res[1].verified);
	msg[3] ^= 0x01;
	ck_assert_int_eq(open_note(msg, len, v, 2, res, NULL, err, sizeof err), -1);
	ck_assert_int_eq(open_note(msg, len, &v[1], 1, res, NULL, err, sizeof err), -1);
	msg[3] ^= 0x01;
	/* the wrong key under the right name and id: fails, not skipped */
	wrong = v[0];
	wrong.pk[0] ^= 1;
	ck_assert_int_eq(open_note(msg, len, &wrong, 1, NULL, NULL, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not verify"));
	/* a good signature beside a failing known one: the note is refused */
	wrong = v[1];
	wrong.pk[5] ^= 1;
	{
		struct note_verifier both[2] = { v[0], wrong };

		ck_assert_int_eq(open_note(msg, len, both, 2, NULL, NULL, err, sizeof err), -1);
	}
	/* a different name: unknown */
	wrong = v[0];
	strcpy(wrong.name, "log.example/u");
	ck_assert_int_eq(open_note(msg, len, &wrong, 1, NULL, &unknown, err, sizeof err), -1);
	ck_assert_uint_eq(unknown, 2);
	/* a cosignature key taken as a plain Ed25519 key: another key id */
	ck_assert_int_eq(note_verifier_init(&wrong, v[1].name, NOTE_ALG_ED25519, v[1].pk, err,
	                                    sizeof err), 0);
	ck_assert_uint_ne(wrong.keyid, v[1].keyid);
	ck_assert_int_eq(open_note(msg, len, &wrong, 1, NULL, &unknown, err, sizeof err), -1);
	ck_assert_uint_eq(unknown, 2);
	free(msg);
	note_signer_wipe(&s[0]);
	note_signer_wipe(&s[1]);
}
END_TEST

/* The cosignature format, checked by hand against the spec's words. */
START_TEST(test_cosignature)
{
	static const char body[] = "example.com/behind-the-sofa\n20852163\n"
	                           "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	struct note_signer w;
	struct note_verifier v;
	struct note_result res;
	struct note *n;
	uint8_t buf[512], h[32];
	size_t len, nl;
	uint64_t t = 1679315147;
	char err[200] = "", *msg, *vk, *p;
	int b;

	new_signer(&w, "witness.example.com/w1", NOTE_ALG_COSIGNATURE);
	note_signer_verifier(&w, &v);
	/* key id: SHA-256(name || "\n" || 0x04 || pk)[:4] */
	nl = strlen(w.name);
	memcpy(buf, w.name, nl);
	buf[nl] = '\n';
	buf[nl + 1] = 0x04;
	memcpy(buf + nl + 2, v.pk, 32);
	lc_sha256(buf, nl + 34, h);
	ck_assert_uint_eq(v.keyid, (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	                           (uint32_t)h[2] << 8 | h[3]);
	/* its vkey carries type 0x04: base64 of 0x04 || pk starts "B" */
	ck_assert_int_eq(note_vkey_format(&v, &vk, err, sizeof err), 0);
	p = vk + strlen(w.name) + 1 + 8; /* the '+' before the key */
	ck_assert_int_eq(p[0], '+');
	ck_assert_int_eq(p[1], 'B');
	free(vk);

	msg = signed_text(body, &w, 1, t, &len);
	ck_assert_int_eq(note_parse(msg, len, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n->sigs[0].siglen, 8 + 64);
	/* big-endian time stamp, then Ed25519 over the cosigned message */
	for (b = 0; b < 8; b++)
		ck_assert_uint_eq(n->sigs[0].sig[b], (uint8_t)(t >> (56 - 8 * b)));
	len = (size_t)snprintf((char *)buf, sizeof buf, "cosignature/v1\ntime %" PRIu64 "\n%s", t,
	                       body);
	ck_assert_int_eq(lc_ed25519_verify(v.pk, buf, len, n->sigs[0].sig + 8), 0);
	ck_assert_int_eq(note_verify(n, &v, 1, &res, NULL, err, sizeof err), 0);
	ck_assert_uint_eq(res.timestamp, t);
	/* another time stamp than the one signed: refused */
	n->sigs[0].sig[7] ^= 1;
	ck_assert_int_eq(note_verify(n, &v, 1, &res, NULL, err, sizeof err), -1);
	/* a time stamp above 2^63 - 1: refused */
	n->sigs[0].sig[0] = 0x80;
	ck_assert_int_eq(note_verify(n, &v, 1, &res, NULL, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "2^63"));
	/* a cosignature of the wrong length */
	n->sigs[0].siglen = 64;
	ck_assert_int_eq(note_verify(n, &v, 1, &res, NULL, err, sizeof err), -1);
	n->sigs[0].siglen = 72;
	note_free(n);
	free(msg);
	ck_assert_int_eq(note_new(body, strlen(body), &n, err, sizeof err), 0);
	ck_assert_int_eq(note_sign(n, &w, NOTE_MAX_TIME + 1, err, sizeof err), -1);
	ck_assert_int_eq(note_sign(n, &w, NOTE_MAX_TIME, err, sizeof err), 0);
	ck_assert_int_eq(note_verify(n, &v, 1, &res, NULL, err, sizeof err), 0);
	ck_assert_uint_eq(res.timestamp, NOTE_MAX_TIME);
	note_free(n);
	note_signer_wipe(&w);
}
END_TEST

static void expect_checkpoint_refused(const char *text, const char *needle)
{
	struct note_checkpoint c;
	char err[200] = "";

	ck_assert_msg(note_checkpoint_parse(text, strlen(text), &c, err, sizeof err) == -1,
	              "accepted: %s", text);
	ck_assert_msg(strstr(err, needle) != NULL, "error \"%s\" lacks \"%s\"", err, needle);
	ck_assert_ptr_null(c.ext);
}

START_TEST(test_checkpoint)
{
	struct note_checkpoint c, back;
	char err[200] = "", *text;
	size_t len;
	int i;

	memset(&c, 0, sizeof c);
	strcpy(c.origin, "labels.example.sg/log");
	for (i = 0; i < TLOG_HASH_LEN; i++)
		c.root[i] = (uint8_t)i;
	c.size = 20852163;
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err, sizeof err), 0);
	ck_assert_str_eq(text, "labels.example.sg/log\n20852163\n"
	                       "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_int_eq(note_checkpoint_parse(text, len, &back, err, sizeof err), 0);
	ck_assert_str_eq(back.origin, c.origin);
	ck_assert_uint_eq(back.size, c.size);
	ck_assert_mem_eq(back.root, c.root, TLOG_HASH_LEN);
	ck_assert_ptr_null(back.ext);
	note_checkpoint_clear(&back);
	free(text);
	/* extension lines, size 0 and the largest size */
	c.ext = "ext one\next two\n";
	c.size = 0;
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err, sizeof err), 0);
	ck_assert_int_eq(note_checkpoint_parse(text, len, &back, err, sizeof err), 0);
	ck_assert_uint_eq(back.size, 0);
	ck_assert_str_eq(back.ext, "ext one\next two\n");
	note_checkpoint_clear(&back);
	note_checkpoint_clear(NULL);
	free(text);
	c.ext = NULL;
	c.size = TLOG_MAX_SIZE;
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err, sizeof err), 0);
	ck_assert_int_eq(note_checkpoint_parse(text, len, &back, err, sizeof err), 0);
	ck_assert_uint_eq(back.size, TLOG_MAX_SIZE);
	free(text);
	/* what format refuses */
	c.size = TLOG_MAX_SIZE + 1;
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err, sizeof err), -1);
	ck_assert_ptr_null(text);
	c.size = 1;
	c.ext = "a\n\nb\n";
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err, sizeof err), -1);
	c.ext = "no newline";
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err, sizeof err), -1);
	c.ext = NULL;
	strcpy(c.origin, "two\nlines");
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err, sizeof err), -1);
	c.origin[0] = '\0';
	ck_assert_int_eq(note_checkpoint_format(&c, &text, &len, err, sizeof err), -1);
	/* what parse refuses */
	expect_checkpoint_refused("o\n05\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "size");
	expect_checkpoint_refused("o\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "size");
	expect_checkpoint_refused("o\n\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "size");
	expect_checkpoint_refused("o\n1099511627777\n"
	                          "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "size");
	expect_checkpoint_refused("o\n99999999999999999999999\n"
	                          "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "size");
	expect_checkpoint_refused("\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "origin");
	expect_checkpoint_refused("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n", "root");
	expect_checkpoint_refused("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", "root");
	expect_checkpoint_refused("o\n1\n", "three lines");
	expect_checkpoint_refused("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "newline");
	expect_checkpoint_refused("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n", "empty");
	expect_checkpoint_refused("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\nx\n\ny\n",
	                          "empty");
	expect_checkpoint_refused("o\t\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	                          "control");
}
END_TEST

static void expect_parse_refused(const char *msg, size_t len, const char *needle)
{
	struct note *n = (struct note *)1;
	char err[200] = "";

	ck_assert_msg(note_parse(msg, len, &n, err, sizeof err) == -1, "accepted (%zu bytes): %.60s",
	              len, msg);
	ck_assert_ptr_null(n);
	ck_assert_msg(strstr(err, needle) != NULL, "error \"%s\" lacks \"%s\"", err, needle);
}

START_TEST(test_limits)
{
	static const char *bad_names[] = {
		"", "a b", "a+b", "a\nb", "a\tb", "a\xc2\xa0" "b", "a\xe3\x80\x80" "b",
		"a\xe2\x80\x83" "b", "a\x7f" "b", "\xff",
	};
	struct note_signer s;
	struct note_verifier v;
	struct note *n;
	char name[NOTE_MAX_NAME + 2], err[200] = "", *msg, *big, *vk;
	uint8_t pk[32] = { 0 };
	size_t i, len, unknown;

	for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		ck_assert_msg(note_check_name(bad_names[i], err, sizeof err) == -1, "%s", bad_names[i]);
		ck_assert_int_eq(note_verifier_init(&v, bad_names[i], NOTE_ALG_ED25519, pk, err,
		                                    sizeof err), -1);
	}
	ck_assert_int_eq(note_check_name("\xc3\xa9t\xc3\xa9.example/log", err, sizeof err), 0);
	memset(name, 'n', sizeof name);
	name[NOTE_MAX_NAME] = '\0';
	ck_assert_int_eq(note_check_name(name, err, sizeof err), 0);
	name[NOTE_MAX_NAME] = 'n';
	name[NOTE_MAX_NAME + 1] = '\0';
	ck_assert_int_eq(note_check_name(name, err, sizeof err), -1);
	ck_assert_int_eq(note_verifier_init(&v, "ok", 0x02, pk, err, sizeof err), -1);
	{
		uint8_t sk[64];

		lc_ed25519_keypair(pk, sk);
		ck_assert_int_eq(note_signer_init(&s, "ok", 0x02, sk, err, sizeof err), -1);
		sk[40] ^= 1; /* a public half not from the seed */
		ck_assert_int_eq(note_signer_init(&s, "ok", NOTE_ALG_ED25519, sk, err, sizeof err), -1);
		ck_assert_ptr_nonnull(strstr(err, "seed"));
		lc_wipe(sk, sizeof sk);
		memset(pk, 0, sizeof pk);
	}

	/* note texts */
	ck_assert_int_eq(note_new("", 0, &n, err, sizeof err), -1);
	ck_assert_int_eq(note_new("no newline", 10, &n, err, sizeof err), -1);
	ck_assert_int_eq(note_new("bell\a\n", 6, &n, err, sizeof err), -1);
	ck_assert_int_eq(note_new("cr\r\n", 4, &n, err, sizeof err), -1);
	ck_assert_int_eq(note_new("\xc3\x28\n", 3, &n, err, sizeof err), -1);
	ck_assert_int_eq(note_new("nul\0\n", 5, &n, err, sizeof err), -1);
	big = malloc(NOTE_MAX_LEN + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', NOTE_MAX_LEN + 1);
	big[NOTE_MAX_LEN] = '\n';
	ck_assert_int_eq(note_new(big, NOTE_MAX_LEN + 1, &n, err, sizeof err), -1);
	expect_parse_refused(big, NOTE_MAX_LEN + 1, "longer");
	/* a full-size text can be made but not signed into a note that fits */
	big[NOTE_MAX_LEN - 1] = '\n';
	ck_assert_int_eq(note_new(big, NOTE_MAX_LEN, &n, err, sizeof err), 0);
	new_signer(&s, "big.example", NOTE_ALG_ED25519);
	ck_assert_int_eq(note_sign(n, &s, 0, err, sizeof err), 0);
	ck_assert_int_eq(note_format(n, &msg, &len, err, sizeof err), -1);
	ck_assert_ptr_null(msg);
	note_free(n);
	free(big);

	/* signature counts: NOTE_MAX_SIGS accepted, one more refused */
	note_signer_verifier(&s, &v);
	ck_assert_int_eq(note_new("many\n", 5, &n, err, sizeof err), 0);
	ck_assert_int_eq(note_sign(n, &s, 0, err, sizeof err), 0);
	for (i = 1; i < NOTE_MAX_SIGS; i++) {
		struct note_signer o;

		snprintf(name, sizeof name, "other.example/%zu", i);
		new_signer(&o, name, NOTE_ALG_ED25519);
		ck_assert_msg(note_sign(n, &o, 0, err, sizeof err) == 0, "%s", err);
		note_signer_wipe(&o);
	}
	{
		struct note_signer o;

		new_signer(&o, "one.too/many", NOTE_ALG_ED25519);
		ck_assert_int_eq(note_sign(n, &o, 0, err, sizeof err), -1);
		note_signer_wipe(&o);
	}
	ck_assert_int_eq(note_format(n, &msg, &len, err, sizeof err), 0);
	note_free(n);
	ck_assert_int_eq(note_parse(msg, len, &n, err, sizeof err), 0);
	ck_assert_int_eq(note_verify(n, &v, 1, NULL, &unknown, err, sizeof err), 0);
	ck_assert_uint_eq(unknown, NOTE_MAX_SIGS - 1);
	note_free(n);
	big = malloc(len + 200);
	ck_assert_ptr_nonnull(big);
	memcpy(big, msg, len);
	/* one more line: a copy of the last one */
	{
		const char *last = msg + len - 1;
		size_t ll;

		while (last > msg && last[-1] != '\n')
			last--;
		ll = (size_t)(msg + len - last);
		memcpy(big + len, last, ll);
		expect_parse_refused(big, len + ll, "more than");
	}
	free(big);
	free(msg);

	/* malformed signed notes */
	expect_parse_refused("text\n", 5, "blank line");
	expect_parse_refused("text\n\n", 6, "no signatures");
	expect_parse_refused("text\n\n- a AAAAAAAA\n", 19, "em dash");
	expect_parse_refused("text\n\n\xe2\x80\x94 a AAAAAA==\n", 21, "base64");
	expect_parse_refused("text\n\n\xe2\x80\x94 a AAAAAAB=\n", 21, "base64"); /* non-canonical */
	expect_parse_refused("text\n\n\xe2\x80\x94 a+b AAAAAAA=\n", 23, "name");
	expect_parse_refused("text\n\n\xe2\x80\x94  AAAAAAA=\n", 20, "name");
	expect_parse_refused("text\n\n\xe2\x80\x94 a AAAAAAA=", 20, "newline");
	expect_parse_refused("text\n\n\xe2\x80\x94 a AAAAAAA=\n\n", 22, "no signatures");
	/* five bytes (a key id and one) parse; the key is unknown */
	ck_assert_int_eq(note_parse("text\n\n\xe2\x80\x94 a AAAAAAA=\n", 21, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n->sigs[0].siglen, 1);
	ck_assert_int_eq(note_verify(n, &v, 1, NULL, &unknown, err, sizeof err), -1);
	ck_assert_uint_eq(unknown, 1);
	note_free(n);

	/* verifier keys */
	ck_assert_int_eq(note_vkey_format(&v, &vk, err, sizeof err), 0);
	ck_assert_int_eq(note_vkey_parse(vk, &v, err, sizeof err), 0);
	{
		char *p = strchr(vk, '+');

		p[1] = p[1] == '0' ? '1' : '0'; /* another key id */
		ck_assert_int_eq(note_vkey_parse(vk, &v, err, sizeof err), -1);
		ck_assert_ptr_nonnull(strstr(err, "does not match"));
	}
	free(vk);
	ck_assert_int_eq(note_vkey_parse("nokey", &v, err, sizeof err), -1);
	ck_assert_int_eq(note_vkey_parse("a+530d903a", &v, err, sizeof err), -1);
	ck_assert_int_eq(note_vkey_parse("a+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
	                                 &v, err, sizeof err), -1);
	ck_assert_int_eq(note_vkey_parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKa",
	                                 &v, err, sizeof err), -1);
	/* type 0x02 (ECDSA) is not ours */
	ck_assert_int_eq(note_vkey_parse("example.com/foo+530d903a+AkyeRrm56hApGFkyQR4ZCbV54Id2LKa"
	                                 "ANYcrnKv3U2k", &v, err, sizeof err), -1);
	ck_assert_int_eq(note_vkey_parse("exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrn"
	                                 "Kv3U2k", &v, err, sizeof err), -1);
	ck_assert_int_eq(note_vkey_parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKa"
	                                 "ANYcrnKv3U2k", &v, err, sizeof err), 0);
	note_signer_wipe(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("note");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	if (lc_init() != 0)
		return 1;
	tcase_add_test(tc, test_spec_example);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_random_roundtrip);
	tcase_add_test(tc, test_tamper);
	tcase_add_test(tc, test_cosignature);
	tcase_add_test(tc, test_checkpoint);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
