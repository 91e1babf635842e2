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

static const char key_usage[] =
"usage: labelctl key generate [--passphrase-file FILE]\n"
"       labelctl key rotate [--passphrase-file FILE]\n"
"       labelctl key list\n"
"       labelctl key export [KID]\n"
"       labelctl key compromise KID --since TIME\n";

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

/* generate (rotate = 0) or rotate (rotate = 1). */
static int
make_key(struct db *db, const struct config *cfg, const char *pfile,
    int rotate)
{
	struct signing_key	 added, old;
	char			 pass[LABELD_MAX_PASSPHRASE + 1], err[512];
	int			 rc;

	pass[0] = '\0';
	if (pfile != NULL && keys_read_passphrase_file(pfile, pass,
	    sizeof(pass), err, sizeof(err)) == -1) {
		fprintf(stderr, "labelctl: %s\n", err);
		return 1;
	}
	rc = rotate ? keys_rotate(db, cfg->data_dir, pass, &added, &old, err,
	    sizeof(err)) : keys_generate(db, cfg->data_dir, pass, &added, err,
	    sizeof(err));
	lc_wipe(pass, sizeof(pass));
	if (rc != STORE_OK) {
		fprintf(stderr, "labelctl: %s\n", err);
		return 1;
	}
	printf("key %s is active (%s, %s/%s)\n", added.kid,
	    added.sealed ? "sealed" : "unsealed", cfg->data_dir, added.file);
	if (rotate && old.kid[0] != '\0')
		printf("key %s retired at %s\n", old.kid, old.retired_at);
	return 0;
}

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

	if (argc < 2) {
		fputs(key_usage, stderr);
		return 2;
	}
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
		else {
			fputs(key_usage, stderr);
			return 2;
		}
	}
	nargs = sargc - optind;
	arg = nargs > 0 ? sargv[optind] : NULL;
	if (!((strcmp(sub, "generate") == 0 && nargs == 0 && since == NULL) ||
	    (strcmp(sub, "rotate") == 0 && nargs == 0 && since == NULL) ||
	    (strcmp(sub, "list") == 0 && nargs == 0 && !pfile && !since) ||
	    (strcmp(sub, "export") == 0 && nargs <= 1 && !pfile && !since) ||
	    (strcmp(sub, "compromise") == 0 && nargs == 1 && since != NULL &&
	    pfile == NULL))) {
		fputs(key_usage, stderr);
		return 2;
	}
	if ((s = labelctl_open_store(cfg, 1)) == NULL)
		return 1;
	db = store_acquire(s);
	if (strcmp(sub, "generate") == 0)
		rc = make_key(db, cfg, pfile, 0);
	else if (strcmp(sub, "rotate") == 0)
		rc = make_key(db, cfg, pfile, 1);
	else if (strcmp(sub, "list") == 0)
		rc = store_key_list(db, print_key, NULL) == STORE_OK ? 0 : 1;
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
				    "generate\n");
			rc = 0;
		}
	}
	store_release(db);
	store_close(s);
	return rc;
}
