/*
 * labelctl_log.c: `labelctl log verify|witness-key|cosign|rotate|retire`.
 * Linked into
 * labelctl only.  verify recomputes the transparency log's whole tree from
 * the stored leaves and checks every stored subtree hash and checkpoint
 * (translog_verify), reading one snapshot, so it is safe beside a running
 * labeld.  witness-key prints the key partners check our cosignatures
 * with; cosign witnesses a partner's checkpoint (translog_cosign, as
 * labeld's own witness round does, witness.c) and prints it cosigned, to
 * be sent to its POST /v1/log/cosignatures.
 * rotate makes a new log key (the old one co-signs until retire, or is
 * retired at once with --compromised).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

/* Largest checkpoint or consistency proof file read (bytes). */
#define LABELCTL_LOG_MAX_FILE	(1024 * 1024)

/* All of path (at most LABELCTL_LOG_MAX_FILE bytes) into *len; NULL after
 * saying why. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "labelctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(LABELCTL_LOG_MAX_FILE + 1)) == NULL) {
		fclose(f);
		fprintf(stderr, "labelctl: out of memory\n");
		return NULL;
	}
	n = fread(buf, 1, LABELCTL_LOG_MAX_FILE + 1, f);
	if (ferror(f) || n > LABELCTL_LOG_MAX_FILE) {
		fprintf(stderr, "labelctl: %s: %s\n", path, ferror(f) ?
		    "cannot read" : "too large");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
log_verify(struct db *db)
{
	uint64_t	 leaves, checkpoints;
	char		 err[512];

	if (translog_verify(db, &leaves, &checkpoints, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "labelctl: log verify: %s\n", err);
		return 1;
	}
	printf("log ok: %llu leaves, every subtree hash and %llu checkpoints "
	    "checked\n", (unsigned long long)leaves,
	    (unsigned long long)checkpoints);
	return 0;
}

static int
log_witness_key(struct db *db)
{
	char	*vkey;

	if (translog_witness_vkey(db, &vkey) != STORE_OK) {
		fprintf(stderr, "labelctl: log witness-key: no log key\n");
		return 1;
	}
	printf("%s\n", vkey);
	free(vkey);
	return 0;
}

static int
log_cosign(const struct config *cfg, struct db *db, const char *partner,
    const char *cpath, const char *ppath)
{
	char	*note, *proof = NULL, *out = NULL, err[1024];
	size_t	 len, plen = 0, olen;
	int	 rc;

	if ((note = slurp(cpath, &len)) == NULL)
		return 1;
	if (ppath != NULL && (proof = slurp(ppath, &plen)) == NULL) {
		free(note);
		return 1;
	}
	rc = translog_cosign(db, cfg, partner, note, len, proof, plen, &out,
	    &olen, err, sizeof(err));
	free(note);
	free(proof);
	if (rc != STORE_OK) {
		fprintf(stderr, "labelctl: log cosign: %s\n", err);
		return 1;
	}
	fwrite(out, 1, olen, stdout);
	free(out);
	return 0;
}

static int
log_rotate(const struct config *cfg, struct store *s, int compromised)
{
	struct log_key	 k;
	char		 err[512];

	if (translog_key_rotate(s, cfg, compromised, &k, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "labelctl: log rotate: %s\n", err);
		return 1;
	}
	printf("log key %s signs checkpoints; %s\n", k.kid, compromised ?
	    "the older keys are retired (compromised)" : "the older key "
	    "co-signs until labelctl log retire");
	return 0;
}

static int
log_retire(struct db *db, const char *kid)
{
	char	 err[512];

	if (translog_key_retire(db, kid, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "labelctl: log retire: %s\n", err);
		return 1;
	}
	printf("log key %s retired\n", kid);
	return 0;
}

/*
 * log verify | witness-key | cosign partner checkpoint [--consistency
 * file] | rotate [--compromised] | retire kid: 0 on success, 1 with the fault (an incident too); a usage error
 * exits 2 through labelctl_usage.
 */
int
labelctl_log(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "consistency", required_argument, NULL, 'c' },
		{ "compromised", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*s;
	struct db	*db;
	const char	*sub, *ppath = NULL;
	char		**sargv = argv + 1;
	int		 ch, rc, nargs, sargc = argc - 1, compromised = 0;

	if (argc < 2)
		labelctl_usage("log", NULL);
	sub = sargv[0];
	/* optind 0 re-initialises getopt (as labelctl_key.c): options may
	 * follow the arguments. */
	optind = 0;
	while ((ch = getopt_long(sargc, sargv, "", opts, NULL)) != -1) {
		if (ch == 'c' && strcmp(sub, "cosign") == 0)
			ppath = optarg;
		else if (ch == 'k' && strcmp(sub, "rotate") == 0)
			compromised = 1;
		else
			labelctl_usage("log", sub);
	}
	nargs = sargc - optind;
	if (!((strcmp(sub, "verify") == 0 && nargs == 0) ||
	    (strcmp(sub, "witness-key") == 0 && nargs == 0) ||
	    (strcmp(sub, "cosign") == 0 && nargs == 2) ||
	    (strcmp(sub, "rotate") == 0 && nargs == 0) ||
	    (strcmp(sub, "retire") == 0 && nargs == 1)))
		labelctl_usage("log", sub);
	if ((s = labelctl_open_store(cfg, 0)) == NULL)
		return 1;
	/* rotate takes the store's one connection itself */
	if (strcmp(sub, "rotate") == 0) {
		rc = log_rotate(cfg, s, compromised);
		store_close(s);
		return rc;
	}
	db = store_acquire(s);
	if (strcmp(sub, "verify") == 0)
		rc = log_verify(db);
	else if (strcmp(sub, "witness-key") == 0)
		rc = log_witness_key(db);
	else if (strcmp(sub, "retire") == 0)
		rc = log_retire(db, sargv[optind]);
	else
		rc = log_cosign(cfg, db, sargv[optind], sargv[optind + 1],
		    ppath);
	store_release(db);
	store_close(s);
	return rc;
}
