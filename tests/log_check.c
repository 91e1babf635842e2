/*
 * log_check: a partner's offline checks of labeld's transparency log, for
 * tests/e2e/log.sh.  Links libverify.a only (tlog.c, note.c, crypto.c).
 *
 *   log_check checkpoint VKEY NOTE          prints "ok SIZE ROOT-BASE64"
 *   log_check inclusion VKEY PROOF [SHA256] the answer of GET
 *       /v1/labels/{id}/proof: its checkpoint is signed by VKEY and names
 *       tree_size, the leaf (whose credential_sha256 is SHA256 when given)
 *       is number log_index of that tree; prints "ok INDEX SIZE"
 *   log_check consistency VKEY OLD NEW PROOF  OLD and NEW checkpoints
 *       signed by VKEY, PROOF the answer of GET /v1/log/proof/consistency
 *       between their sizes: NEW extends OLD; prints "ok FIRST SECOND"
 *   log_check sign KEYFILE NAME TEXT     prints the note of the text in
 *       file TEXT signed as NAME with the (unsealed) key file KEYFILE: how
 *       the tests forge a checkpoint with a stolen log key
 *   log_check cosign KEYFILE NAME NOTE TIME  prints the signed note NOTE
 *       with a cosignature (cosignature/v1, time TIME) by NAME appended
 *
 * Exit 0 when the check passes, 1 with "fail: why" on stdout, 2 usage.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "note.h"
#include "tlog.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf = NULL;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 || (buf = malloc((size_t)n + 1)) ==
	    NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		if (f != NULL)
			fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int
fail(const char *what, const char *why)
{
	printf("fail: %s%s%s\n", what, why ? ": " : "", why ? why : "");
	return 1;
}

/* The checkpoint note text[0..len) verified with vkey, its body into c. */
static int
checkpoint(const char *vkey, const char *text, size_t len,
    struct note_checkpoint *c, char *err, size_t errlen)
{
	struct note_verifier	 v;
	struct note		*n = NULL;
	int			 rc = -1;

	memset(c, 0, sizeof(*c));
	if (note_vkey_parse(vkey, &v, err, errlen) == -1 ||
	    note_parse(text, len, &n, err, errlen) == -1 ||
	    note_verify(n, &v, 1, NULL, NULL, err, errlen) == -1 ||
	    note_checkpoint_parse(n->text, n->textlen, c, err, errlen) == -1)
		goto done;
	if (strcmp(c->origin, v.name) != 0) {
		snprintf(err, errlen, "the origin is not the key's name");
		note_checkpoint_clear(c);
		goto done;
	}
	rc = 0;
done:
	note_free(n);
	return rc;
}

/* The base64 strings of a JSON array into hashes[0..*n). */
static int
hashes(const json_t *a, uint8_t out[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *n)
{
	uint8_t	*b;
	size_t	 i, len;

	*n = json_array_size(a);
	if (!json_is_array(a) || *n > TLOG_MAX_PROOF)
		return -1;
	for (i = 0; i < *n; i++) {
		if (lc_b64_decode(json_string_value(json_array_get(a, i)) ?
		    json_string_value(json_array_get(a, i)) : "!", 0, &b,
		    &len) == -1)
			return -1;
		if (len != TLOG_HASH_LEN) {
			free(b);
			return -1;
		}
		memcpy(out[i], b, TLOG_HASH_LEN);
		free(b);
	}
	return 0;
}

static int
cmd_inclusion(const char *vkey, const char *path, const char *sha)
{
	struct note_checkpoint	 c;
	uint8_t			 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint8_t			 leaf[TLOG_HASH_LEN], *entry = NULL;
	json_t			*j, *e = NULL;
	const char		*note, *d;
	char			 err[256];
	size_t			 n, len;
	uint64_t		 index, size;
	int			 rc = 1;

	if ((j = json_load_file(path, 0, NULL)) == NULL)
		return fail("proof", "not JSON");
	index = (uint64_t)json_integer_value(json_object_get(j, "log_index"));
	size = (uint64_t)json_integer_value(json_object_get(j, "tree_size"));
	note = json_string_value(json_object_get(j, "checkpoint"));
	if (note == NULL || checkpoint(vkey, note, strlen(note), &c, err,
	    sizeof(err)) == -1) {
		rc = fail("checkpoint", note ? err : "missing");
		goto done;
	}
	if (c.size != size) {
		rc = fail("tree_size", "not the checkpoint's size");
		goto done;
	}
	if (lc_b64_decode(json_string_value(json_object_get(j, "leaf")) ?
	    json_string_value(json_object_get(j, "leaf")) : "!", 0, &entry,
	    &len) == -1) {
		rc = fail("leaf", "not base64");
		goto done;
	}
	if (sha != NULL) {
		e = json_loadb((const char *)entry, len, 0, NULL);
		d = json_string_value(json_object_get(e, "credential_sha256"));
		if (d == NULL || strcmp(d, sha) != 0) {
			rc = fail("leaf", "does not name this credential");
			goto done;
		}
	}
	if (hashes(json_object_get(j, "inclusion"), proof, &n) == -1) {
		rc = fail("inclusion", "not an array of base64 hashes");
		goto done;
	}
	if (tlog_leaf_hash(entry, len, leaf, err, sizeof(err)) == -1 ||
	    tlog_verify_inclusion(index, size, leaf,
	    (const uint8_t (*)[TLOG_HASH_LEN])proof, n, c.root, err,
	    sizeof(err)) == -1) {
		rc = fail("inclusion", err);
		goto done;
	}
	printf("ok %llu %llu\n", (unsigned long long)index,
	    (unsigned long long)size);
	rc = 0;
done:
	note_checkpoint_clear(&c);
	free(entry);
	json_decref(e);
	json_decref(j);
	return rc;
}

static int
cmd_consistency(const char *vkey, const char *oldp, const char *newp,
    const char *path)
{
	struct note_checkpoint	 a, b;
	uint8_t			 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	json_t			*j = NULL;
	char			*t1 = NULL, *t2 = NULL, err[256];
	size_t			 l1, l2, n;
	int			 rc = 1;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if ((t1 = slurp(oldp, &l1)) == NULL || (t2 = slurp(newp, &l2)) ==
	    NULL) {
		rc = fail("checkpoint", "cannot read");
		goto done;
	}
	if (checkpoint(vkey, t1, l1, &a, err, sizeof(err)) == -1 ||
	    checkpoint(vkey, t2, l2, &b, err, sizeof(err)) == -1) {
		rc = fail("checkpoint", err);
		goto done;
	}
	if ((j = json_load_file(path, 0, NULL)) == NULL ||
	    (uint64_t)json_integer_value(json_object_get(j, "first")) !=
	    a.size ||
	    (uint64_t)json_integer_value(json_object_get(j, "second")) !=
	    b.size || hashes(json_object_get(j, "hashes"), proof, &n) == -1) {
		rc = fail("proof", "not for these sizes");
		goto done;
	}
	if (tlog_verify_consistency(a.size, b.size, a.root, b.root,
	    (const uint8_t (*)[TLOG_HASH_LEN])proof, n, err,
	    sizeof(err)) == -1) {
		rc = fail("consistency", err);
		goto done;
	}
	printf("ok %llu %llu\n", (unsigned long long)a.size,
	    (unsigned long long)b.size);
	rc = 0;
done:
	note_checkpoint_clear(&a);
	note_checkpoint_clear(&b);
	json_decref(j);
	free(t1);
	free(t2);
	return rc;
}

static int
cmd_checkpoint(const char *vkey, const char *path)
{
	struct note_checkpoint	 c;
	char			*t, *root, err[256];
	size_t			 len;

	if ((t = slurp(path, &len)) == NULL)
		return fail("checkpoint", "cannot read");
	if (checkpoint(vkey, t, len, &c, err, sizeof(err)) == -1) {
		free(t);
		return fail("checkpoint", err);
	}
	root = lc_b64_encode(c.root, TLOG_HASH_LEN, 0);
	printf("ok %llu %s\n", (unsigned long long)c.size, root ? root : "?");
	free(root);
	note_checkpoint_clear(&c);
	free(t);
	return 0;
}

/* Signs (cosign: timestamp > 0) with the key file as name; prints it. */
static int
sign(const char *keyfile, const char *name, const char *path,
    uint64_t timestamp)
{
	struct note_signer	 s;
	struct note		*n = NULL;
	uint8_t			 sk[LC_SK_LEN];
	char			*t, *out = NULL, err[256];
	size_t			 len, olen;
	int			 rc = 1;

	memset(&s, 0, sizeof(s));
	if ((t = slurp(path, &len)) == NULL)
		return fail(path, "cannot read");
	if (lc_keyfile_read(keyfile, NULL, sk, err, sizeof(err)) == -1 ||
	    note_signer_init(&s, name, timestamp > 0 ? NOTE_ALG_COSIGNATURE :
	    NOTE_ALG_ED25519, sk, err, sizeof(err)) == -1 ||
	    (timestamp > 0 ? note_parse(t, len, &n, err, sizeof(err)) :
	    note_new(t, len, &n, err, sizeof(err))) == -1 ||
	    note_sign(n, &s, timestamp, err, sizeof(err)) == -1 ||
	    note_format(n, &out, &olen, err, sizeof(err)) == -1) {
		rc = fail("sign", err);
		goto done;
	}
	fwrite(out, 1, olen, stdout);
	rc = 0;
done:
	lc_wipe(sk, sizeof(sk));
	note_signer_wipe(&s);
	note_free(n);
	free(out);
	free(t);
	return rc;
}

int
main(int argc, char **argv)
{
	if (lc_init() == -1)
		return 1;
	if (argc == 4 && strcmp(argv[1], "checkpoint") == 0)
		return cmd_checkpoint(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "inclusion") == 0)
		return cmd_inclusion(argv[2], argv[3], argc == 5 ? argv[4] :
		    NULL);
	if (argc == 6 && strcmp(argv[1], "consistency") == 0)
		return cmd_consistency(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 5 && strcmp(argv[1], "sign") == 0)
		return sign(argv[2], argv[3], argv[4], 0);
	if (argc == 6 && strcmp(argv[1], "cosign") == 0 &&
	    strtoull(argv[5], NULL, 10) > 0)
		return sign(argv[2], argv[3], argv[4],
		    strtoull(argv[5], NULL, 10));
	fprintf(stderr, "usage: log_check checkpoint VKEY NOTE\n"
	    "       log_check inclusion VKEY PROOF [SHA256]\n"
	    "       log_check consistency VKEY OLD NEW PROOF\n"
	    "       log_check sign KEYFILE NAME TEXT\n"
	    "       log_check cosign KEYFILE NAME NOTE TIME\n");
	return 2;
}
