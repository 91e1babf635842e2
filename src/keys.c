/*
 * keys.c: the authority's Ed25519 signing keys.  Private keys live in
 * DATA/keys/<kid>.key (mode 0600, optionally sealed with a passphrase, see
 * crypto.h); the database holds only public halves and metadata.  labeld
 * keeps the active key in memory, loads it on first use and again when
 * the active key id changes (labelctl key rotate while labeld runs).  No
 * function here logs, returns or serves private material: only key ids.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "labeld.h"
#include "rfc3339.h"
#include "crypto.h"
#include "dataint.h"

/* The signing key in memory; cur.lock guards every field. */
static struct {
	pthread_mutex_t	 lock;
	int		 loaded;
	char		 kid[LABELD_KID_BUFLEN];
	char		 data_dir[PATH_MAX];
	uint8_t		 sk[LC_SK_LEN];
} cur = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* "key-" + the first 8 hex digits of SHA-256 of the raw public key. */
void
keys_kid(const uint8_t pk[32], char kid[LABELD_KID_BUFLEN])
{
	uint8_t	 h[32];
	char	 hex[65];

	lc_sha256(pk, 32, h);
	lc_hex(h, sizeof(h), hex);
	snprintf(kid, LABELD_KID_BUFLEN, "key-%.8s", hex);
}

/*
 * Parses an RFC 3339 date-time (any offset, optional fraction) into UTC
 * seconds "YYYY-MM-DDTHH:MM:SSZ".  The fraction is dropped, which moves
 * a compromise time earlier, never later.  0, or -1 when malformed.
 */
int
keys_parse_time(const char *s, char out[32])
{
	time_t t;

	if (rfc3339_to_time(s, 0, &t) == -1)
		return -1;
	rfc3339_format(t, out);
	return out[0] != '\0' ? 0 : -1;
}

static int
key_path(const char *data_dir, const char *rel, char *out, size_t outlen,
    char *err, size_t errlen)
{
	if (path_join(out, outlen, data_dir, rel) == -1) {
		snprintf(err, errlen, "data dir path too long");
		return -1;
	}
	return 0;
}

static int
ensure_keys_dir(const char *data_dir, char *err, size_t errlen)
{
	char		 dir[PATH_MAX];
	struct stat	 st;

	if (key_path(data_dir, LABELD_KEYS_DIR, dir, sizeof(dir), err,
	    errlen) == -1)
		return -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	return 0;
}

/* Runs in the caller's transaction when there is one, else in its own. */
static int
begin_own(struct db *db, int *own)
{
	*own = 0;
	if (db_in_transaction(db))
		return 0;
	if (db_begin(db) == -1)
		return -1;
	*own = 1;
	return 0;
}

/* Appends a "key" leaf to the transparency log, saying "<what>: <a>
 * <mid> <b> <end>", in the transaction db holds; when 0, the clock. */
static int
log_key_event(struct db *db, time_t when, const char *what, const char *a,
    const char *mid, const char *b, const char *end, char *err,
    size_t errlen)
{
	char reason[160];

	snprintf(reason, sizeof(reason), "%s: %s %s %s%s%s", what, a, mid, b,
	    *end != '\0' ? " " : "", end);
	return translog_append(db, &(struct translog_entry){ .kind = "key",
	    .reason = reason, .time = when }, NULL, err, errlen);
}

/* Lowercase hex SHA-256 of the raw public key: a trust bundle's
 * nextKeyDigest. */
void
keys_digest(const uint8_t pk[32], char hex[65])
{
	uint8_t h[32];

	lc_sha256(pk, 32, h);
	lc_hex(h, sizeof(h), hex);
}

/*
 * Writes sk to DATA/keys/<kid>.key (sealed when passphrase is non-empty);
 * kid, pk, file and sealed of the key into k, the absolute path into path.
 */
static int
write_key_file(const char *data_dir, const uint8_t sk[64],
    const char *passphrase, struct signing_key *k, char *path,
    size_t pathlen, char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	lc_ed25519_sk_to_pk(sk, k->pk);
	keys_kid(k->pk, k->kid);
	snprintf(k->file, sizeof(k->file), "%s/%s.key", LABELD_KEYS_DIR,
	    k->kid);
	k->sealed = passphrase != NULL && *passphrase != '\0';
	if (ensure_keys_dir(data_dir, err, errlen) == -1 ||
	    key_path(data_dir, k->file, path, pathlen, err, errlen) == -1)
		return -1;
	return lc_keyfile_write(path, sk, passphrase, err, errlen);
}

/*
 * Inside the caller's transaction: records k (kid, pk, file, sealed set)
 * as the active key created now.  With rotate, the active key (if any) is
 * retired, with one second of overlap; without, an active key is a
 * STORE_CONFLICT.  old receives the retired key (kid "" when none).
 */
static int
activate(struct db *db, struct signing_key *k, time_t now, int rotate,
    struct signing_key *old, char *err, size_t errlen)
{
	char until[32];

	snprintf(k->status, sizeof(k->status), "active");
	rfc3339_format(now, k->created_at);
	memset(old, 0, sizeof(*old));
	switch (store_key_active(db, old)) {
	case STORE_OK:
		if (!rotate) {
			snprintf(err, errlen, "key %s is active; use key rotate "
			    "to replace it", old->kid);
			return STORE_CONFLICT;
		}
		/*
		 * One second of overlap: a label signed in this very second
		 * by the old key (created == now) stays inside the old key's
		 * window even for a verifier that wants created < end (ours
		 * accepts created <= end).
		 */
		rfc3339_format(now + 1, until);
		if (store_key_retire(db, old->kid, until) != STORE_OK) {
			snprintf(err, errlen, "cannot retire key %s", old->kid);
			return STORE_ERR;
		}
		snprintf(old->status, sizeof(old->status), "retired");
		snprintf(old->retired_at, sizeof(old->retired_at), "%s", until);
		break;
	case STORE_NOTFOUND:
		memset(old, 0, sizeof(*old));
		break;
	default:
		snprintf(err, errlen, "cannot read the signing keys");
		return STORE_ERR;
	}
	switch (store_key_insert(db, k)) {
	case STORE_OK:
		return STORE_OK;
	case STORE_CONFLICT:
		snprintf(err, errlen, "key %s exists already", k->kid);
		return STORE_CONFLICT;
	default:
		snprintf(err, errlen, "cannot record key %s", k->kid);
		return STORE_ERR;
	}
}

/*
 * Inside the caller's transaction: a fresh random key written to
 * DATA/keys/<kid>.key (sealed when passphrase is non-empty) and committed
 * as the next key; only its digest is ever published until promoted.
 * path receives the file written (the caller unlinks it when its
 * transaction fails; "" when none was written).
 */
static int
commit_next(struct db *db, const char *data_dir, const char *passphrase,
    time_t now, struct next_key *nk, char *path, size_t pathlen, char *err,
    size_t errlen)
{
	struct signing_key	 k;
	uint8_t			 pk[LC_PK_LEN], sk[LC_SK_LEN];
	int			 rc;

	path[0] = '\0';
	lc_ed25519_keypair(pk, sk);
	rc = write_key_file(data_dir, sk, passphrase, &k, path, pathlen, err,
	    errlen);
	lc_wipe(sk, sizeof(sk));
	if (rc == -1) {
		path[0] = '\0';
		return STORE_ERR;
	}
	memset(nk, 0, sizeof(*nk));
	snprintf(nk->kid, sizeof(nk->kid), "%s", k.kid);
	memcpy(nk->pk, k.pk, sizeof(nk->pk));
	keys_digest(k.pk, nk->digest);
	snprintf(nk->file, sizeof(nk->file), "%s", k.file);
	nk->sealed = k.sealed;
	rfc3339_format(now, nk->created_at);
	switch (store_next_key_insert(db, nk)) {
	case STORE_OK:
		return STORE_OK;
	case STORE_CONFLICT:
		snprintf(err, errlen, "a next key is committed already");
		return STORE_CONFLICT;
	default:
		snprintf(err, errlen, "cannot record next key %s", nk->kid);
		return STORE_ERR;
	}
}

/*
 * Writes sk to DATA/keys/<kid>.key (sealed when passphrase is non-empty)
 * and records it as the active key.  With rotate, the active key (if any)
 * is retired; without, an active key is a STORE_CONFLICT.  added and
 * retired (may be NULL; retired->kid "" when none) receive the rows.
 * No next key is committed (keys_generate and keys_rotate do that).
 * Returns STORE_OK, STORE_CONFLICT or STORE_ERR, with a message in err.
 */
int
keys_install(struct db *db, const char *data_dir, const uint8_t sk[64],
    const char *passphrase, int rotate, struct signing_key *added,
    struct signing_key *retired, char *err, size_t errlen)
{
	struct signing_key	 k, old;
	char			 path[PATH_MAX];
	int			 rc = STORE_ERR, own = 0, written = 0;

	/* The file first: a key row must never name a file that is absent. */
	if (write_key_file(data_dir, sk, passphrase, &k, path, sizeof(path),
	    err, errlen) == -1)
		return STORE_ERR;
	written = 1;
	if (begin_own(db, &own) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		goto done;
	}
	if ((rc = activate(db, &k, clock_now(), rotate, &old, err,
	    errlen)) != STORE_OK)
		goto done;
	if (own && db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit key %s", k.kid);
		rc = STORE_ERR;
		goto done;
	}
	own = 0;
	written = 0;
	if (added != NULL)
		*added = k;
	if (retired != NULL)
		*retired = old;
done:
	if (own)
		db_rollback(db);
	if (written)
		unlink(path);
	return rc;
}

/*
 * A new random active key when none is active (STORE_CONFLICT else), and
 * a committed next key when none is committed, both sealed when
 * passphrase is non-empty, in one transaction.  next (may be NULL)
 * receives the committed next key.  STORE_OK, STORE_CONFLICT, STORE_ERR.
 */
int
keys_generate(struct db *db, const char *data_dir, const char *passphrase,
    struct signing_key *added, struct next_key *next, char *err,
    size_t errlen)
{
	struct signing_key	 k, old;
	struct next_key		 nk;
	uint8_t			 pk[LC_PK_LEN], sk[LC_SK_LEN];
	char			 path[PATH_MAX], npath[PATH_MAX];
	time_t			 now;
	int			 rc = STORE_ERR, own = 0, r;

	path[0] = npath[0] = '\0';
	lc_ed25519_keypair(pk, sk);
	r = write_key_file(data_dir, sk, passphrase, &k, path, sizeof(path),
	    err, errlen);
	lc_wipe(sk, sizeof(sk));
	if (r == -1) {
		path[0] = '\0';
		goto done;
	}
	if (begin_own(db, &own) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		goto done;
	}
	now = clock_now();
	if ((rc = activate(db, &k, now, 0, &old, err, errlen)) != STORE_OK)
		goto done;
	switch (store_next_key_committed(db, &nk)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		if ((rc = commit_next(db, data_dir, passphrase, now, &nk, npath,
		    sizeof(npath), err, errlen)) != STORE_OK)
			goto done;
		break;
	default:
		snprintf(err, errlen, "cannot read the next key");
		rc = STORE_ERR;
		goto done;
	}
	if (own && db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit key %s", k.kid);
		rc = STORE_ERR;
		goto done;
	}
	own = 0;
	path[0] = npath[0] = '\0';
	if (added != NULL)
		*added = k;
	if (next != NULL)
		*next = nk;
	rc = STORE_OK;
done:
	if (own)
		db_rollback(db);
	if (path[0] != '\0')
		unlink(path);
	if (npath[0] != '\0')
		unlink(npath);
	return rc;
}

/*
 * The committed next key nk can be promoted: its file is here and holds
 * that key (checked when unsealed; a sealed one opens only with labeld's
 * passphrase).  0, or -1 with a message naming the path to put back.
 */
int
keys_rotate_ready(const char *data_dir, const struct next_key *nk, char *err,
    size_t errlen)
{
	char		 path[PATH_MAX], why[256];
	uint8_t		 sk[LC_SK_LEN], pk[LC_PK_LEN];
	struct stat	 st;
	int		 rc;

	if (key_path(data_dir, nk->file, path, sizeof(path), err, errlen) ==
	    -1)
		return -1;
	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "the committed next key %s is not on "
		    "this machine: put its file back at %s (mode 0600) and run "
		    "labelctl key rotate again; nothing was changed", nk->kid,
		    path);
		return -1;
	}
	if (nk->sealed)
		return 0;
	rc = lc_keyfile_read(path, NULL, sk, why, sizeof(why));
	if (rc == 0)
		lc_ed25519_sk_to_pk(sk, pk);
	lc_wipe(sk, sizeof(sk));
	if (rc == -1 || !lc_equal(pk, nk->pk, sizeof(pk))) {
		snprintf(err, errlen, "the committed next key %s: %s holds %s; "
		    "put the right file back and run labelctl key rotate "
		    "again; nothing was changed", nk->kid, path,
		    rc == -1 ? why : "another key");
		return -1;
	}
	return 0;
}

/*
 * Rotation with pre-rotation, in one transaction: the committed next key
 * becomes the active one (the active key, if any, is retired with its
 * second of overlap) and a fresh next key is committed (sealed when
 * passphrase is non-empty).  Without a committed next key (a data dir
 * from before pre-rotation), a fresh random key becomes active instead
 * and *continuity is 0: partners cannot follow by the bundle alone.
 * added, retired, next and continuity may be NULL.  When the committed
 * key's file is missing (kept off the machine) nothing changes and
 * STORE_INVALID says which file to put back.  STORE_OK, STORE_INVALID,
 * STORE_CONFLICT or STORE_ERR, with a message in err.
 */
int
keys_rotate(struct db *db, const char *data_dir, const char *passphrase,
    struct signing_key *added, struct signing_key *retired,
    struct next_key *next, int *continuity, char *err, size_t errlen)
{
	struct signing_key	 k, old;
	struct next_key		 cur_next, nk;
	uint8_t			 pk[LC_PK_LEN], sk[LC_SK_LEN];
	char			 path[PATH_MAX], npath[PATH_MAX], now_s[32];
	time_t			 now;
	int			 rc = STORE_ERR, own = 0, r, committed;

	path[0] = npath[0] = '\0';
	if (begin_own(db, &own) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		return STORE_ERR;
	}
	switch (store_next_key_committed(db, &cur_next)) {
	case STORE_OK:
		committed = 1;
		break;
	case STORE_NOTFOUND:
		committed = 0;
		break;
	default:
		snprintf(err, errlen, "cannot read the next key");
		goto done;
	}
	now = clock_now();
	if (committed) {
		if (keys_rotate_ready(data_dir, &cur_next, err, errlen) == -1) {
			rc = STORE_INVALID;
			goto done;
		}
		memset(&k, 0, sizeof(k));
		snprintf(k.kid, sizeof(k.kid), "%s", cur_next.kid);
		memcpy(k.pk, cur_next.pk, sizeof(k.pk));
		snprintf(k.file, sizeof(k.file), "%s", cur_next.file);
		k.sealed = cur_next.sealed;
		rfc3339_format(now, now_s);
		if (store_next_key_promote(db, cur_next.kid, now_s) !=
		    STORE_OK) {
			snprintf(err, errlen, "cannot promote next key %s",
			    cur_next.kid);
			goto done;
		}
	} else {
		lc_ed25519_keypair(pk, sk);
		r = write_key_file(data_dir, sk, passphrase, &k, path,
		    sizeof(path), err, errlen);
		lc_wipe(sk, sizeof(sk));
		if (r == -1) {
			path[0] = '\0';
			goto done;
		}
	}
	if ((rc = activate(db, &k, now, 1, &old, err, errlen)) != STORE_OK ||
	    (rc = commit_next(db, data_dir, passphrase, now, &nk, npath,
	    sizeof(npath), err, errlen)) != STORE_OK ||
	    (rc = log_key_event(db, now, "rotate", old.kid[0] ? old.kid :
	    "no key", "retired,", k.kid, "active", err, errlen)) != STORE_OK)
		goto done;
	if (own && db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit the rotation");
		rc = STORE_ERR;
		goto done;
	}
	own = 0;
	path[0] = npath[0] = '\0';
	if (added != NULL)
		*added = k;
	if (retired != NULL)
		*retired = old;
	if (next != NULL)
		*next = nk;
	if (continuity != NULL)
		*continuity = committed;
	rc = STORE_OK;
done:
	if (own)
		db_rollback(db);
	if (path[0] != '\0')
		unlink(path);
	if (npath[0] != '\0')
		unlink(npath);
	return rc;
}

/*
 * Marks key kid compromised since `since` (RFC 3339, not in the future):
 * every label it signed at or after that time fails verification.  An
 * active key stops signing at once (no key is active until the next
 * generate or rotate).  A compromised key's time may only move earlier.
 * STORE_OK (out filled, may be NULL), STORE_NOTFOUND, STORE_INVALID,
 * STORE_CONFLICT or STORE_ERR, with a message in err.
 */
int
keys_compromise(struct db *db, const char *kid, const char *since,
    struct signing_key *out, char *err, size_t errlen)
{
	struct signing_key	 k;
	char			 t[32], now[32];
	int			 rc, own = 0;

	if (keys_parse_time(since, t) == -1) {
		snprintf(err, errlen, "--since: expected an RFC 3339 time such "
		    "as 2026-11-28T06:00:00Z, got \"%s\"", since);
		return STORE_INVALID;
	}
	store_now(now);
	if (strcmp(t, now) > 0) {
		snprintf(err, errlen, "--since %s lies in the future", t);
		return STORE_INVALID;
	}
	if ((rc = store_key_get(db, kid, &k)) != STORE_OK) {
		snprintf(err, errlen, rc == STORE_NOTFOUND ? "no key %s" :
		    "cannot read key %s", kid);
		return rc;
	}
	if (k.compromised_at[0] != '\0' && strcmp(k.compromised_at, t) <= 0) {
		snprintf(err, errlen, "key %s is compromised since %s already",
		    kid, k.compromised_at);
		return STORE_CONFLICT;
	}
	if (begin_own(db, &own) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		return STORE_ERR;
	}
	if ((rc = store_key_compromise(db, kid, t, now)) != STORE_OK) {
		snprintf(err, errlen, "cannot mark key %s compromised", kid);
		goto fail;
	}
	if ((rc = log_key_event(db, 0, "compromise", kid, "since", t,
	    "", err, errlen)) != STORE_OK)
		goto fail;
	if (own && db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit the compromise of %s", kid);
		rc = STORE_ERR;
		goto fail;
	}
	log_info("signing key %s marked compromised since %s", kid, t);
	if (out != NULL && store_key_get(db, kid, out) != STORE_OK)
		memset(out, 0, sizeof(*out));
	return STORE_OK;
fail:
	if (own)
		db_rollback(db);
	return rc;
}

/*
 * Reads a passphrase from the first line of path (newline dropped) into
 * buf.  Refuses a file others may read, an empty passphrase and one
 * longer than buflen - 1 bytes.  0, or -1 with a message (never the
 * passphrase) in err.  The caller wipes buf.
 */
int
keys_read_passphrase_file(const char *path, char *buf, size_t buflen,
    char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	assert(buflen > 1);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "passphrase file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "passphrase file %s: not a regular file",
		    path);
		goto fail;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "passphrase file %s: mode %03o lets "
		    "others read it; chmod 600 it", path,
		    (unsigned)(st.st_mode & 0777));
		goto fail;
	}
	while (len < buflen && (n = read(fd, buf + len, buflen - len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "passphrase file %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		len += (size_t)n;
	}
	close(fd);
	fd = -1;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n') {
			len = i;
			break;
		}
	if (len >= buflen) {
		snprintf(err, errlen, "passphrase file %s: longer than %zu "
		    "bytes", path, buflen - 1);
		goto fail;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (len == 0) {
		snprintf(err, errlen, "passphrase file %s: empty passphrase",
		    path);
		goto fail;
	}
	return 0;
fail:
	if (fd != -1)
		close(fd);
	lc_wipe(buf, buflen);
	return -1;
}

/* labeld's passphrase for sealed keys: key_passphrase_file, else env. */
static int
daemon_passphrase(const struct config *cfg, char *buf, size_t buflen,
    char *err, size_t errlen)
{
	const char *env;

	if (cfg->key_passphrase_file[0] != '\0')
		return keys_read_passphrase_file(cfg->key_passphrase_file, buf,
		    buflen, err, errlen);
	if ((env = getenv(LABELD_KEY_PASSPHRASE_ENV)) != NULL && *env != '\0') {
		if (snprintf(buf, buflen, "%s", env) >= (int)buflen) {
			lc_wipe(buf, buflen);
			snprintf(err, errlen, LABELD_KEY_PASSPHRASE_ENV
			    " is longer than %zu bytes", buflen - 1);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "the key is sealed: set key_passphrase_file in "
	    "labeld.conf or " LABELD_KEY_PASSPHRASE_ENV);
	return -1;
}

/* Loads k into cur (held locked by the caller). */
static int
load_locked(const struct config *cfg, const struct signing_key *k, char *err,
    size_t errlen)
{
	char	 path[PATH_MAX], pass[LABELD_MAX_PASSPHRASE + 1], why[256];
	uint8_t	 pk[LC_PK_LEN];
	int	 rc;

	lc_wipe(cur.sk, sizeof(cur.sk));
	cur.loaded = 0;
	pass[0] = '\0';
	if (key_path(cfg->data_dir, k->file, path, sizeof(path), err,
	    errlen) == -1)
		return -1;
	if (k->sealed && daemon_passphrase(cfg, pass, sizeof(pass), why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "signing key %s: %s", k->kid, why);
		return -1;
	}
	rc = lc_keyfile_read(path, k->sealed ? pass : NULL, cur.sk, why,
	    sizeof(why));
	lc_wipe(pass, sizeof(pass));
	if (rc == -1) {
		snprintf(err, errlen, "signing key %s: %s", k->kid, why);
		return -1;
	}
	lc_ed25519_sk_to_pk(cur.sk, pk);
	if (!lc_equal(pk, k->pk, sizeof(pk))) {
		lc_wipe(cur.sk, sizeof(cur.sk));
		snprintf(err, errlen, "signing key %s: the file %s holds "
		    "another key", k->kid, k->file);
		return -1;
	}
	snprintf(cur.kid, sizeof(cur.kid), "%s", k->kid);
	snprintf(cur.data_dir, sizeof(cur.data_dir), "%s", cfg->data_dir);
	cur.loaded = 1;
	log_info("signing key %s loaded", k->kid);
	return 0;
}

/*
 * Signs doc (eddsa-jcs-2022, created as given) with the active key,
 * verificationMethod <issuer DID>#<kid>; kid (may be NULL) receives the
 * key id.  Reads the active key id from db on every call, so a rotation
 * by labelctl takes effect at the next signature.  STORE_OK, KEYS_NOKEY
 * (no active key, or it cannot be loaded) or STORE_ERR, with err.
 */
int
keys_sign(struct db *db, const struct config *cfg, json_t *doc,
    const char *created, char kid[LABELD_KID_BUFLEN], char *err,
    size_t errlen)
{
	struct signing_key	 k;
	char			 vm[640];
	int			 rc;

	switch (store_key_active(db, &k)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		snprintf(err, errlen, "no active signing key (run labelctl key "
		    "generate)");
		return KEYS_NOKEY;
	default:
		snprintf(err, errlen, "cannot read the signing keys");
		return STORE_ERR;
	}
	if (snprintf(vm, sizeof(vm), "%s#%s", cfg->issuer_did, k.kid) >=
	    (int)sizeof(vm)) {
		snprintf(err, errlen, "issuer DID too long");
		return STORE_ERR;
	}
	pthread_mutex_lock(&cur.lock);
	if ((!cur.loaded || strcmp(cur.kid, k.kid) != 0 ||
	    strcmp(cur.data_dir, cfg->data_dir) != 0) &&
	    load_locked(cfg, &k, err, errlen) == -1) {
		pthread_mutex_unlock(&cur.lock);
		log_error("%s", err);
		return KEYS_NOKEY;
	}
	rc = dataint_sign(doc, cur.sk, vm, created, err, errlen);
	pthread_mutex_unlock(&cur.lock);
	if (rc == -1)
		return STORE_ERR;
	if (kid != NULL)
		snprintf(kid, LABELD_KID_BUFLEN, "%s", k.kid);
	return STORE_OK;
}

/* Wipes the key held in memory. */
void
keys_forget(void)
{
	pthread_mutex_lock(&cur.lock);
	lc_wipe(cur.sk, sizeof(cur.sk));
	cur.loaded = 0;
	cur.kid[0] = '\0';
	pthread_mutex_unlock(&cur.lock);
}

/*
 * Commits a next key in its own transaction when none is committed (a
 * data dir from before pre-rotation): sealed with labeld's passphrase
 * when the active key is sealed and one is configured, else unsealed.
 */
static int
ensure_next(struct db *db, const struct config *cfg,
    const struct signing_key *active, char *err, size_t errlen)
{
	struct next_key	 nk;
	char		 pass[LABELD_MAX_PASSPHRASE + 1], why[256];
	char		 path[PATH_MAX];
	int		 rc = -1;

	pass[0] = '\0';
	path[0] = '\0';
	switch (store_next_key_committed(db, &nk)) {
	case STORE_OK:
		return 0;
	case STORE_NOTFOUND:
		break;
	default:
		snprintf(err, errlen, "cannot read the next key");
		return -1;
	}
	if (active != NULL && active->sealed && daemon_passphrase(cfg, pass,
	    sizeof(pass), why, sizeof(why)) == -1)
		pass[0] = '\0';
	if (db_begin(db) == -1) {
		snprintf(err, errlen, "cannot begin a transaction");
		goto done;
	}
	if (commit_next(db, cfg->data_dir, pass, clock_now(), &nk, path,
	    sizeof(path), err, errlen) != STORE_OK || db_commit(db) == -1) {
		db_rollback(db);
		if (path[0] != '\0')
			unlink(path);
		goto done;
	}
	log_info("committed to next signing key %s (%s; published as its "
	    "digest %s only, labelctl key rotate promotes it)", nk.kid,
	    nk.sealed ? "sealed" : "unsealed", nk.digest);
	rc = 0;
done:
	lc_wipe(pass, sizeof(pass));
	return rc;
}

/*
 * First start: when the signing_keys table is empty, makes an unsealed
 * development key and its committed next key in DATA/keys and logs their
 * key ids (only).  A data dir without a committed next key (made before
 * pre-rotation) gets one: the next trust bundle version publishes its
 * digest.  A table whose keys are all retired or compromised gets no new
 * active key: an operator decides what signs next.
 */
int
keys_ensure(struct store *s, const struct config *cfg, char *err,
    size_t errlen)
{
	struct db		*db = store_acquire(s);
	struct signing_key	 k;
	struct next_key		 nk;
	int64_t			 n;
	int			 rc = -1, have;

	if (store_key_count(db, &n) != STORE_OK) {
		snprintf(err, errlen, "cannot read the signing keys");
		goto done;
	}
	if (n == 0) {
		if (keys_generate(db, cfg->data_dir, NULL, &k, &nk, err,
		    errlen) != STORE_OK)
			goto done;
		log_info("first start: created signing key %s and committed "
		    "next key %s (unsealed; labelctl key rotate "
		    "--passphrase-file seals the next one)", k.kid, nk.kid);
	}
	switch (store_key_active(db, &k)) {
	case STORE_OK:
		have = 1;
		if (k.sealed && cfg->key_passphrase_file[0] == '\0' &&
		    getenv(LABELD_KEY_PASSPHRASE_ENV) == NULL)
			log_warn("signing key %s is sealed and no passphrase "
			    "is configured (key_passphrase_file or "
			    LABELD_KEY_PASSPHRASE_ENV "): nothing can be "
			    "signed", k.kid);
		break;
	case STORE_NOTFOUND:
		have = 0;
		log_warn("no active signing key: nothing can be signed until "
		    "labelctl key rotate (or key generate)");
		break;
	default:
		snprintf(err, errlen, "cannot read the signing keys");
		goto done;
	}
	if (ensure_next(db, cfg, have ? &k : NULL, err, errlen) == -1)
		goto done;
	rc = 0;
done:
	store_release(db);
	return rc;
}

/* {id, type: Multikey, controller, publicKeyMultibase} of k. */
json_t *
keys_multikey_json(const struct config *cfg, const struct signing_key *k)
{
	char	 id[640];
	char	*mb;
	json_t	*j;

	if ((mb = lc_multikey_encode(k->pk)) == NULL)
		return NULL;
	snprintf(id, sizeof(id), "%s#%s", cfg->issuer_did, k->kid);
	j = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "type", "Multikey",
	    "controller", cfg->issuer_did, "publicKeyMultibase", mb);
	free(mb);
	return j;
}

struct did_walk {
	const struct config	*cfg;
	json_t			*vms;
	json_t			*ams;
	int			 failed;
};

static int
did_add(const struct signing_key *k, void *arg)
{
	struct did_walk	*w = arg;
	json_t		*vm = keys_multikey_json(w->cfg, k);

	if (vm == NULL || json_array_append(w->ams,
	    json_object_get(vm, "id")) == -1 ||
	    json_array_append_new(w->vms, vm) == -1) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

/*
 * The did:web document: every key ever made (retired and compromised ones
 * too, so old labels resolve their key) as a Multikey, each listed under
 * assertionMethod.  New reference, or NULL on a database or memory fault.
 */
json_t *
keys_did_document(struct db *db, const struct config *cfg)
{
	struct did_walk	 w = { cfg, json_array(), json_array(), 0 };
	json_t		*doc;

	if (w.vms == NULL || w.ams == NULL ||
	    store_key_list(db, did_add, &w) != STORE_OK || w.failed) {
		json_decref(w.vms);
		json_decref(w.ams);
		return NULL;
	}
	doc = json_pack("{s:[s, s], s:s, s:o, s:o}", "@context",
	    "https://www.w3.org/ns/did/v1",
	    "https://w3id.org/security/multikey/v1", "id", cfg->issuer_did,
	    "verificationMethod", w.vms, "assertionMethod", w.ams);
	return doc;
}
