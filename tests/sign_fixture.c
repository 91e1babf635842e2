/*
 * sign_fixture: test helper that makes signed fixtures for the verifier
 * tests (tests/e2e/verify.sh and the Node verifier).  Not installed; links
 * libverify.a only.
 *
 *   sign_fixture sign KEY VERIFICATION_METHOD CREATED [FILE]
 *	adds an eddsa-jcs-2022 proof to the JSON object in FILE (default
 *	standard input) and prints the result in its RFC 8785 form
 *   sign_fixture pubkey KEY
 *	prints the Ed25519 public key as a Multikey (z6Mk...)
 *   sign_fixture keyid KEY
 *   sign_fixture digest-multikey MULTIKEY
 *	prints the hex SHA-256 of the public key a Multikey (z6Mk...) holds,
 *	as a trust bundle's nextKeyDigest commits to it
 *	prints labeld's key id for it: "key-" + 8 hex digits of SHA-256(pk)
 *   sign_fixture encoded-list NBITS [INDEX...]
 *	prints a Bitstring Status List encodedList of NBITS bits with the
 *	given indices set
 *
 * KEY is a 64-hex-digit Ed25519 seed, or @PATH of a labeld key file (an
 * unsealed one; a sealed one needs LABELD_KEY_PASSPHRASE).
 * Exit 0, 1 on a failure, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bitstring.h"
#include "crypto.h"
#include "dataint.h"
#include "jcs.h"

#define FIXTURE_MAX_BITS	(8u * BITSTRING_MAX_BYTES)

static void
usage(void)
{
	fputs("usage: sign_fixture sign KEY VERIFICATION_METHOD CREATED "
	    "[FILE]\n"
	    "       sign_fixture pubkey KEY\n"
	    "       sign_fixture keyid KEY\n"
	    "       sign_fixture digest-multikey MULTIKEY\n"
	    "       sign_fixture encoded-list NBITS [INDEX...]\n", stderr);
	exit(2);
}

/* Reads KEY (seed hex or @keyfile) into sk. */
static void
load_key(const char *arg, uint8_t sk[64])
{
	uint8_t	seed[32], pk[32];
	char	err[256];

	if (arg[0] == '@') {
		if (lc_keyfile_read(arg + 1, getenv("LABELD_KEY_PASSPHRASE"),
		    sk, err, sizeof(err)) != 0) {
			fprintf(stderr, "sign_fixture: %s: %s\n", arg + 1, err);
			exit(1);
		}
		return;
	}
	if (lc_unhex(arg, seed, sizeof(seed)) != 0) {
		fprintf(stderr, "sign_fixture: KEY must be 64 hex digits or "
		    "@keyfile\n");
		exit(2);
	}
	lc_ed25519_seed_keypair(seed, pk, sk);
	lc_wipe(seed, sizeof(seed));
}

static int
cmd_sign(int argc, char **argv)
{
	uint8_t		 sk[64];
	json_error_t	 je;
	json_t		*doc;
	char		 err[512], *out;

	if (argc < 5 || argc > 6)
		usage();
	load_key(argv[2], sk);
	doc = argc == 6 ? json_load_file(argv[5], JSON_REJECT_DUPLICATES, &je) :
	    json_loadf(stdin, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL) {
		fprintf(stderr, "sign_fixture: bad JSON: %s\n", je.text);
		return 1;
	}
	if (dataint_sign(doc, sk, argv[3], argv[4], err, sizeof(err)) != 0) {
		fprintf(stderr, "sign_fixture: %s\n", err);
		return 1;
	}
	lc_wipe(sk, sizeof(sk));
	if ((out = jcs_serialize(doc, NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "sign_fixture: %s\n", err);
		return 1;
	}
	puts(out);
	free(out);
	json_decref(doc);
	return 0;
}

static int
cmd_pubkey(int argc, char **argv, int keyid)
{
	uint8_t	 sk[64], pk[32], h[32];
	char	*mb, hex[65];

	if (argc != 3)
		usage();
	load_key(argv[2], sk);
	lc_ed25519_sk_to_pk(sk, pk);
	lc_wipe(sk, sizeof(sk));
	if (keyid) {
		lc_sha256(pk, sizeof(pk), h);
		lc_hex(h, sizeof(h), hex);
		printf("key-%.8s\n", hex);
		return 0;
	}
	if ((mb = lc_multikey_encode(pk)) == NULL)
		return 1;
	puts(mb);
	free(mb);
	return 0;
}

static int
parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	*out = strtoul(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && *end == '\0' && *out <= max ?
	    0 : -1;
}

static int
cmd_list(int argc, char **argv)
{
	unsigned long	 nbits, idx;
	uint8_t		*bits;
	char		*enc;

	if (argc < 3 || parse_count(argv[2], FIXTURE_MAX_BITS, &nbits) != 0 ||
	    nbits == 0 || nbits % 8 != 0)
		usage();
	if ((bits = calloc(nbits / 8, 1)) == NULL)
		return 1;
	for (int i = 3; i < argc; i++) {
		if (parse_count(argv[i], nbits - 1, &idx) != 0)
			usage();
		bitstring_set(bits, idx, 1);
	}
	if ((enc = bitstring_encode(bits, nbits / 8)) == NULL)
		return 1;
	puts(enc);
	free(enc);
	free(bits);
	return 0;
}

static int
cmd_digest(int argc, char **argv)
{
	uint8_t	 pk[32], h[32];
	char	 hex[65];

	if (argc != 3)
		usage();
	if (lc_multikey_decode(argv[2], pk) != 0) {
		fprintf(stderr, "sign_fixture: not an Ed25519 Multikey\n");
		return 1;
	}
	lc_sha256(pk, sizeof(pk), h);
	lc_hex(h, sizeof(h), hex);
	puts(hex);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2 || lc_init() != 0)
		usage();
	if (strcmp(argv[1], "sign") == 0)
		return cmd_sign(argc, argv);
	if (strcmp(argv[1], "pubkey") == 0)
		return cmd_pubkey(argc, argv, 0);
	if (strcmp(argv[1], "keyid") == 0)
		return cmd_pubkey(argc, argv, 1);
	if (strcmp(argv[1], "digest-multikey") == 0)
		return cmd_digest(argc, argv);
	if (strcmp(argv[1], "encoded-list") == 0)
		return cmd_list(argc, argv);
	usage();
	return 2;
}
