/*
 * labelctl_log.c: `labelctl log verify`.  Linked into labelctl only.
 * Recomputes the transparency log's whole tree from the stored leaves and
 * checks every stored subtree hash and checkpoint (translog_verify); reads
 * one snapshot, so it is safe beside a running labeld.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "labeld.h"

/*
 * log verify: 0 when the log is sound, 1 with the first fault; a usage
 * error exits 2 through labelctl_usage.
 */
int
labelctl_log(const struct config *cfg, int argc, char **argv)
{
	struct store	*s;
	struct db	*db;
	uint64_t	 leaves, checkpoints;
	char		 err[512];
	int		 rc;

	if (argc != 2 || strcmp(argv[1], "verify") != 0)
		labelctl_usage("log", argc > 1 ? argv[1] : NULL);
	if ((s = labelctl_open_store(cfg, 0)) == NULL)
		return 1;
	db = store_acquire(s);
	rc = translog_verify(db, &leaves, &checkpoints, err, sizeof(err));
	store_release(db);
	store_close(s);
	if (rc == -1) {
		fprintf(stderr, "labelctl: log verify: %s\n", err);
		return 1;
	}
	printf("log ok: %llu leaves, every subtree hash and %llu checkpoints "
	    "checked\n", (unsigned long long)leaves,
	    (unsigned long long)checkpoints);
	return 0;
}
