/*
 * bootstrap.c: bring a data dir to a usable state.  On an empty dir this
 * creates the database (migrations applied), the token-hash key, this
 * authority's organisation and a one-time admin token in DATA/admin.token.
 * On a used dir it only opens and migrates.  labeld and `labelctl init`
 * share it so both leave the same state behind.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"

static int
ensure_dir(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", path);
		return -1;
	}
	return 0;
}

static int
ensure_token_key(const char *data_dir, char *err, size_t errlen)
{
	char		 path[PATH_MAX];
	uint8_t		 key[32];
	struct stat	 st;
	int		 rc;

	if (path_join(path, sizeof(path), data_dir, LABELD_TOKEN_KEY_FILE)) {
		snprintf(err, errlen, "data dir path too long");
		return -1;
	}
	if (stat(path, &st) == 0)
		return 0;
	lc_random(key, sizeof(key));
	rc = lc_secretfile_write(path, key, sizeof(key), err, errlen);
	lc_wipe(key, sizeof(key));
	return rc;
}

/* Writes the secret with O_EXCL and mode 0600; never over an old one. */
static int
write_admin_token(const char *data_dir, const char *secret, char *err,
    size_t errlen)
{
	char	 path[PATH_MAX];
	int	 fd;
	size_t	 len = strlen(secret);

	if (path_join(path, sizeof(path), data_dir, LABELD_ADMIN_TOKEN_FILE)) {
		snprintf(err, errlen, "data dir path too long");
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, secret, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	log_info("first start: admin token written to %s (mode 0600)", path);
	return 0;
}

/* Creates this authority and its first admin token unless one exists. */
static int
ensure_authority(struct store *s, const struct config *cfg, char *err,
    size_t errlen)
{
	struct db	*db = store_acquire(s);
	struct org	 o;
	struct token	 t;
	char		 secret[LC_TOKEN_BUFLEN];
	int		 rc = -1;

	if (db_begin(db) == -1) {
		snprintf(err, errlen, "cannot begin transaction");
		goto done;
	}
	switch (store_first_authority(db, &o)) {
	case STORE_OK:
		db_rollback(db);
		rc = 0;
		goto done;
	case STORE_NOTFOUND:
		break;
	default:
		snprintf(err, errlen, "cannot read organisations");
		goto done;
	}
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "%s", cfg->issuer_name);
	snprintf(o.kind, sizeof(o.kind), "authority");
	memcpy(o.country, cfg->country, sizeof(o.country));
	if (store_org_insert(db, &o) != STORE_OK ||
	    auth_issue_token(db, o.id, ROLE_ADMIN, "first-start admin", NULL, &t,
	    secret, sizeof(secret)) != STORE_OK) {
		snprintf(err, errlen, "cannot create the authority");
		goto done;
	}
	/* Secret on disk before the commit: never a token nobody can know. */
	if (write_admin_token(cfg->data_dir, secret, err, errlen) == -1)
		goto done;
	if (db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit the authority");
		goto done;
	}
	log_info("first start: created authority %s (%s)", o.id, o.name);
	rc = 0;
done:
	lc_wipe(secret, sizeof(secret));
	db_rollback(db);
	store_release(db);
	return rc;
}

/* Publishes the shipped scheme versions not yet in the database. */
static int
import_schemes(struct store *s, const struct config *cfg, char *err,
    size_t errlen)
{
	char		 dir[PATH_MAX];
	struct db	*db;
	int		 rc;

	if (path_join(dir, sizeof(dir), cfg->share_dir, "schemas/schemes")) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	db = store_acquire(s);
	rc = catalog_import_dir(db, dir, err, errlen);
	store_release(db);
	return rc;
}

/*
 * Refuses a data dir others may write into (they could replace a key or
 * the database).  A database others may read or write (made by hand with
 * a looser umask, say) is closed to them, with a warning: it is labeld's
 * own file.
 */
static int
check_modes(const char *data_dir, const char *dbpath, char *err,
    size_t errlen)
{
	struct stat st;

	if (stat(data_dir, &st) == 0 && (st.st_mode & 022) != 0) {
		snprintf(err, errlen, "data dir %s is writable by others than "
		    "its owner (mode %04o): chmod go-w it", data_dir,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if (stat(dbpath, &st) == 0 && (st.st_mode & 077) != 0) {
		if (chmod(dbpath, st.st_mode & 0700) == -1) {
			snprintf(err, errlen, "database %s is open to others "
			    "(mode %04o) and cannot be closed to them: %s",
			    dbpath, (unsigned)(st.st_mode & 07777),
			    strerror(errno));
			return -1;
		}
		log_warn("database %s was open to others (mode %04o): now "
		    "%04o", dbpath, (unsigned)(st.st_mode & 07777),
		    (unsigned)(st.st_mode & 0700));
	}
	return 0;
}

/*
 * Makes cfg->data_dir usable and opens its store with cfg->threads
 * connections (one more for the caller's own use is not needed: the pool
 * blocks).  On success *out is the open store.
 */
int
bootstrap_data_dir(const struct config *cfg, struct store **out, char *err,
    size_t errlen)
{
	char		 dbpath[PATH_MAX], migdir[PATH_MAX];
	struct store	*s;

	*out = NULL;
	if (path_join(dbpath, sizeof(dbpath), cfg->data_dir, LABELD_DB_FILE) ||
	    path_join(migdir, sizeof(migdir), cfg->share_dir, "migrations")) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	if (ensure_dir(cfg->data_dir, err, errlen) == -1 ||
	    check_modes(cfg->data_dir, dbpath, err, errlen) == -1 ||
	    ensure_token_key(cfg->data_dir, err, errlen) == -1 ||
	    auth_load_key(cfg->data_dir, err, errlen) == -1)
		return -1;
	if ((s = store_open(dbpath, migdir, cfg->threads, err, errlen)) == NULL)
		return -1;
	if (ensure_authority(s, cfg, err, errlen) == -1 ||
	    keys_ensure(s, cfg, err, errlen) == -1 ||
	    import_schemes(s, cfg, err, errlen) == -1) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}
