/*
 * catalog.c: the scheme catalogue.  Scheme versions are validated by
 * scheme.c, stored canonical and immutable by store_schemes.c, and kept
 * parsed in a process-wide cache: a published version never changes, so a
 * cached one can never be stale.
 */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "crypto.h"
#include "jcs.h"
#include "scheme.h"

struct cached {
	struct cached	*next;
	char		*id;
	int		 version;
	struct scheme	*scheme;
};

static pthread_mutex_t	 catalog_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached	*catalog_cache;

/* Stores a validated scheme's canonical text; STORE_CONFLICT if present. */
static int
store_validated(struct db *db, const struct scheme *s, const char *by_org,
    char *err, size_t errlen)
{
	char	*canon, hex[65];
	uint8_t	 h[32];
	size_t	 len;
	int	 rc;

	if ((canon = jcs_serialize(scheme_json(s), &len, err, errlen)) == NULL)
		return STORE_ERR;
	lc_sha256(canon, len, h);
	lc_hex(h, sizeof(h), hex);
	rc = store_scheme_insert(db, scheme_id(s), scheme_version(s),
	    scheme_title(s), canon, hex, by_org);
	free(canon);
	if (rc == STORE_ERR)
		snprintf(err, errlen, "the database failed");
	return rc;
}

/*
 * Validates doc and publishes it as a new version.  Returns STORE_OK,
 * STORE_INVALID with the validator's message in err, STORE_CONFLICT (err
 * says why: the version exists, or is not newer than the current one) or
 * STORE_ERR.
 */
int
catalog_publish(struct db *db, const json_t *doc, const char *by_org,
    char *err, size_t errlen)
{
	struct scheme	*s;
	int		 latest, rc;

	if ((s = scheme_from_json(doc, "request body", err, errlen)) == NULL)
		return STORE_INVALID;
	if (db_begin(db) == -1) {
		scheme_free(s);
		snprintf(err, errlen, "the database failed");
		return STORE_ERR;
	}
	rc = store_scheme_latest(db, scheme_id(s), &latest);
	if (rc == STORE_ERR)
		goto done;
	if (scheme_version(s) <= latest) {
		snprintf(err, errlen, "scheme %s version %d %s; the current "
		    "version is %d and published versions never change",
		    scheme_id(s), scheme_version(s),
		    scheme_version(s) == latest ? "is already published" :
		    "is older than the current one", latest);
		rc = STORE_CONFLICT;
		goto done;
	}
	rc = store_validated(db, s, by_org, err, errlen);
	if (rc == STORE_OK && db_commit(db) == -1)
		rc = STORE_ERR;
done:
	db_rollback(db);
	scheme_free(s);
	return rc;
}

static int
is_json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".json") == 0;
}

/*
 * Imports every scheme file in dir whose (id, version) is not yet
 * published; a file that differs from the published text of the same
 * version is reported and ignored (the database wins: it is immutable).
 */
int
catalog_import_dir(struct db *db, const char *dir, char *err, size_t errlen)
{
	struct dirent	**list = NULL;
	int		 n, rc = 0;

	if ((n = scandir(dir, &list, is_json_file, alphasort)) < 0) {
		snprintf(err, errlen, "%s: cannot read the scheme directory",
		    dir);
		return -1;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		char		 path[PATH_MAX], msg[512];
		struct scheme	*s;
		int		 r;

		if (path_join(path, sizeof(path), dir, list[i]->d_name)) {
			snprintf(err, errlen, "path too long");
			rc = -1;
			break;
		}
		if ((s = scheme_load_file(path, err, errlen)) == NULL) {
			rc = -1;
			break;
		}
		r = store_validated(db, s, NULL, msg, sizeof(msg));
		if (r == STORE_OK)
			log_info("imported scheme %s version %d from %s",
			    scheme_id(s), scheme_version(s), path);
		else if (r != STORE_CONFLICT) {
			snprintf(err, errlen, "%s: %s", path, msg);
			rc = -1;
		}
		scheme_free(s);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}

/*
 * The newest stored version of scheme id, or 0 when there is none or the
 * database fails.
 */
int
catalog_current_version(struct db *db, const char *id)
{
	int v;

	return store_scheme_latest(db, id, &v) == STORE_OK ? v : 0;
}

/*
 * The parsed scheme (id, version), version 0 meaning the current one.
 * Borrowed and valid for the life of the process; NULL when unknown.
 */
const struct scheme *
catalog_get(struct db *db, const char *id, int version)
{
	struct cached	*c;
	struct scheme	*s = NULL;
	json_t		*doc;
	char		*text, err[512];

	if (version == 0 && (version = catalog_current_version(db, id)) == 0)
		return NULL;
	pthread_mutex_lock(&catalog_lock);
	for (c = catalog_cache; c != NULL; c = c->next)
		if (c->version == version && strcmp(c->id, id) == 0)
			break;
	pthread_mutex_unlock(&catalog_lock);
	if (c != NULL)
		return c->scheme;

	if (store_scheme_doc(db, id, version, &text) != STORE_OK)
		return NULL;
	doc = json_loads(text, 0, NULL);
	free(text);
	if (doc != NULL)
		s = scheme_from_json(doc, id, err, sizeof(err));
	json_decref(doc);
	if (s == NULL) {
		log_error("stored scheme %s version %d does not load: %s", id,
		    version, doc ? err : "bad JSON");
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->id = strdup(id)) == NULL) {
		free(c);
		scheme_free(s);
		return NULL;
	}
	c->version = version;
	c->scheme = s;
	pthread_mutex_lock(&catalog_lock);
	/* Another thread may have loaded it meanwhile: keep the first. */
	for (struct cached *o = catalog_cache; o != NULL; o = o->next)
		if (o->version == version && strcmp(o->id, id) == 0) {
			pthread_mutex_unlock(&catalog_lock);
			scheme_free(c->scheme);
			free(c->id);
			free(c);
			return o->scheme;
		}
	c->next = catalog_cache;
	catalog_cache = c;
	pthread_mutex_unlock(&catalog_lock);
	return s;
}
