/*
 * labelctl_key.c: `labelctl key generate|rotate|list|export|compromise`.
 * Linked into labelctl only.  Works on the data dir beside a running
 * labeld, which picks up a new active key at its next signature.  Prints
 * public keys and key ids only, never private material.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "crypto.h"

static int
print_json(json_t *j)
{
	char *s;

	if (j == NULL || (s = json_dumps(j, JSON_INDENT(2))) == NULL) {
		json_decref(j);
		fprintf(stderr, "labelctl: cannot build the document\n");
		return 1;
	}
	json_decref(j);
	printf("%s\n", s);
	free(s);
	return 0;
}

static int
print_key(const struct signing_key *k, void *arg)
{
	char *mb = lc_multikey_encode(k->pk);

	(void)arg;
	printf("%s\t%s\t%s\t%s\t%s\t%s\n", k->kid, k->status, k->created_at,
	    k->retired_at[0] ? k->retired_at : "-",
	    k->compromised_at[0] ? k->compromised_at : "-", mb ? mb : "?");
	free(mb);
	return 0;
}

/* The signing keys, then the committed next key: its digest only. */
static int
list_keys(struct db *db)
{
	struct next_key nk;

	printf("KID\tSTATUS\tCREATED\tRETIRED\tCOMPROMISED\tPUBLIC KEY\n");
	if (store_key_list(db, print_key, NULL) != STORE_OK)
		return 1;
	switch (store_next_key_committed(db, &nk)) {
	case STORE_OK:
		printf("next %s committed %s (%s), sha256 of its public key: "
		    "%s\n", nk.kid, nk.created_at, nk.sealed ? "sealed" :
		    "unsealed", nk.digest);
		return 0;
	case STORE_NOTFOUND:
		printf("next: none committed (labeld commits one at its next "
		    "start; key rotate cannot keep partners' pins)\n");
		return 0;
	default:
		return 1;
	}
}

static void
print_next(const struct config *cfg, const struct next_key *nk)
{
	printf("next key %s committed (%s, %s/%s): partners see only its "
	    "digest %s\n", nk->kid, nk->sealed ? "sealed" : "unsealed",
	    cfg->data_dir, nk->file, nk->digest);
}

/*
 * The current trust bundle version (made when due), for rotate: before the
 * promotion, so that a version committing to the promoted key exists, and
 * after it, so that partners can fetch the new version at once.  Signing
 * may be impossible here (a sealed key without its passphrase): labeld
 * then issues the version at its next fetch.  The version, or 0.
 */
static int64_t
current_bundle(struct db *db, const struct config *cfg, const char *when)
{
	struct trust_bundle_row	 row;
	char			*buf, err[512];
	size_t			 len;

	if (trust_bundle_current(db, cfg, 0, &buf, &len, &row, NULL, err,
	    sizeof(err)) != STORE_OK) {
		fprintf(stderr, "labelctl: warning: cannot issue the trust "
		    "bundle %s (%s); labeld issues it at its next fetch\n",
		    when, err);
		return 0;
	}
	free(buf);
	return row.version;
}

/*
 * Issues the version that tells partners of a change made here (with the
 * daemon's identity) and says what they must fetch.
 */
static void
publish_bundle(struct db *db, const struct config *cfg_in, const char *what)
{
	struct config	 bcfg = *cfg_in;
	int64_t		 version;

	if (trust_bundle_identity(db, &bcfg) == -1) {
		fprintf(stderr, "labelctl: warning: cannot read the trust "
		    "bundles; labeld issues the new version at its next "
		    "fetch\n");
		return;
	}
	if ((version = current_bundle(db, &bcfg, what)) > 0)
		printf("partners must fetch trust bundle version %lld: "
		    "%s/v1/trust-bundle/versions/%lld\n", (long long)version,
		    bcfg.public_url, (long long)version);
}

/* generate (rotate = 0) or rotate (rotate = 1). */
static int
make_key(struct db *db, const struct config *cfg_in, const char *pfile,
    int rotate)
{
	struct config		 bcfg = *cfg_in;
	const struct config	*cfg = &bcfg;
	int64_t			 version;
	struct signing_key	 added, old;
	struct next_key		 nk;
	char			 pass[LABELD_MAX_PASSPHRASE + 1], err[1024];
	int			 rc, cont = 1;

	pass[0] = '\0';
	if (pfile != NULL && keys_read_passphrase_file(pfile, pass,
	    sizeof(pass), err, sizeof(err)) == -1) {
		fprintf(stderr, "labelctl: %s\n", err);
		return 1;
	}
	/* Bundles as the daemon issues them (its public URL, not ours). */
	snprintf(err, sizeof(err), "cannot read the trust bundles");
	if (rotate && (trust_bundle_identity(db, &bcfg) == -1 ||
	    (store_next_key_committed(db, &nk) == STORE_OK &&
	    keys_rotate_ready(cfg->data_dir, &nk, err, sizeof(err)) == -1))) {
		lc_wipe(pass, sizeof(pass));
		fprintf(stderr, "labelctl: %s\n", err);
		return 1;
	}
	if (rotate)
		current_bundle(db, cfg, "before the rotation");
	rc = rotate ? keys_rotate(db, cfg->data_dir, pass, &added, &old, &nk,
	    &cont, err, sizeof(err)) : keys_generate(db, cfg->data_dir, pass,
	    &added, &nk, err, sizeof(err));
	lc_wipe(pass, sizeof(pass));
	if (rc != STORE_OK) {
		fprintf(stderr, "labelctl: %s\n", err);
		return 1;
	}
	printf("key %s is active (%s, %s/%s)%s\n", added.kid,
	    added.sealed ? "sealed" : "unsealed", cfg->data_dir, added.file,
	    rotate && cont ? ": the committed next key, promoted" : "");
	if (rotate && old.kid[0] != '\0')
		printf("key %s retired at %s\n", old.kid, old.retired_at);
	print_next(cfg, &nk);
	if (!cont)
		fprintf(stderr, "labelctl: WARNING: no next key was committed "
		    "(a data dir from before pre-rotation): no published trust "
		    "bundle committed to key %s, so continuity is broken and "
		    "partners must re-pin this authority's trust bundle out of "
		    "band\n", added.kid);
	if (rotate && (version = current_bundle(db, cfg,
	    "after the rotation")) > 0)
		printf("partners must fetch trust bundle version %lld: "
		    "%s/v1/trust-bundle/versions/%lld\n", (long long)version,
		    cfg->public_url, (long long)version);
	return 0;
}

/*
 * Runs "key sub ..." with argv from "key"; a usage error exits with 2
 * (labelctl_usage), otherwise returns labelctl's exit status.
 */
int
labelctl_key(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*sub, *pfile = NULL, *since = NULL, *arg;
	struct store	*s;
	struct db	*db;
	char		 err[512];
	char		**sargv = argv + 1;
	int		 ch, rc = 1, nargs, sargc = argc - 1;

	if (argc < 2)
		labelctl_usage("key", NULL);
	sub = sargv[0];
	/*
	 * optind 0 re-initialises getopt: main() parsed with "+" (stop at
	 * the command), here options may follow the KID.
	 */
	optind = 0;
	while ((ch = getopt_long(sargc, sargv, "", opts, NULL)) != -1) {
		if (ch == 'p')
			pfile = optarg;
		else if (ch == 's')
			since = optarg;
		else
			labelctl_usage("key", sub);
	}
	nargs = sargc - optind;
	arg = nargs > 0 ? sargv[optind] : NULL;
	if (!((strcmp(sub, "generate") == 0 && nargs == 0 && since == NULL) ||
	    (strcmp(sub, "rotate") == 0 && nargs == 0 && since == NULL) ||
	    (strcmp(sub, "list") == 0 && nargs == 0 && !pfile && !since) ||
	    (strcmp(sub, "export") == 0 && nargs <= 1 && !pfile && !since) ||
	    (strcmp(sub, "compromise") == 0 && nargs == 1 && since != NULL &&
	    pfile == NULL)))
		labelctl_usage("key", sub);
	if ((s = labelctl_open_store(cfg, 1)) == NULL)
		return 1;
	db = store_acquire(s);
	if (strcmp(sub, "generate") == 0)
		rc = make_key(db, cfg, pfile, 0);
	else if (strcmp(sub, "rotate") == 0)
		rc = make_key(db, cfg, pfile, 1);
	else if (strcmp(sub, "list") == 0)
		rc = list_keys(db);
	else if (strcmp(sub, "export") == 0 && nargs == 0)
		rc = print_json(keys_did_document(db, cfg));
	else if (strcmp(sub, "export") == 0) {
		struct signing_key k;

		switch (store_key_get(db, arg, &k)) {
		case STORE_OK:
			rc = print_json(keys_multikey_json(cfg, &k));
			break;
		case STORE_NOTFOUND:
			fprintf(stderr, "labelctl: no key %s\n", arg);
			break;
		default:
			fprintf(stderr, "labelctl: database error\n");
		}
	} else {
		struct signing_key before, k;
		int was_active = store_key_get(db, arg, &before) ==
		    STORE_OK && strcmp(before.status, "active") == 0;

		if (keys_compromise(db, arg, since, &k, err,
		    sizeof(err)) != STORE_OK)
			fprintf(stderr, "labelctl: %s\n", err);
		else {
			printf("key %s compromised since %s: labels it signed "
			    "from then on fail verification\n", k.kid,
			    k.compromised_at);
			if (was_active)
				printf("no key is active now: run labelctl key "
				    "rotate (it promotes the committed next "
				    "key)\n");
			else
				publish_bundle(db, cfg, "after the compromise "
				    "mark");
			rc = 0;
		}
	}
	store_release(db);
	store_close(s);
	return rc;
}
