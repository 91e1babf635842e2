/*
 * store_products.c: products, their firmware versions (with SBOMs) and the
 * vulnerabilities their vendor accounts for.  Rows are never deleted:
 * labels cite products and versions, and a version never changes once
 * recorded (a trigger in 0003_products.sql enforces it).
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

static void	product_from_row(sqlite3_stmt *, void *);
static void	version_from_row(sqlite3_stmt *, void *);
static void	vuln_from_row(sqlite3_stmt *, void *);

/* Steps a lookup expected to give at most one row; the row stays current. */
/* ---- products ---- */

#define PRODUCT_COLS "id, vendor_id, name, model, category, support_until, " \
	"created_at, updated_at, seq, vulnerability_contact"

static void
product_from_row(sqlite3_stmt *st, void *out)
{
	struct product	*p = out;

	memset(p, 0, sizeof(*p));
	db_col_copy(st, 0, p->id, sizeof(p->id));
	db_col_copy(st, 1, p->vendor_id, sizeof(p->vendor_id));
	db_col_copy(st, 2, p->name, sizeof(p->name));
	db_col_copy(st, 3, p->model, sizeof(p->model));
	db_col_copy(st, 4, p->category, sizeof(p->category));
	db_col_copy(st, 5, p->support_until, sizeof(p->support_until));
	db_col_copy(st, 6, p->created_at, sizeof(p->created_at));
	db_col_copy(st, 7, p->updated_at, sizeof(p->updated_at));
	p->seq = sqlite3_column_int64(st, 8);
	db_col_copy(st, 9, p->vulnerability_contact,
	    sizeof(p->vulnerability_contact));
}

/*
 * Inserts p (vendor_id, name, model, category, support_until and
 * vulnerability_contact set by the caller, vendor_id an existing
 * organisation) and fills its id,
 * created_at, updated_at and seq.
 */
int
store_product_insert(struct db *db, struct product *p)
{
	sqlite3_stmt	*st;
	int		 rc;

	store_new_id("prd", p->id, sizeof(p->id));
	store_now(p->created_at);
	memcpy(p->updated_at, p->created_at, sizeof(p->updated_at));
	if ((st = db_prepare(db, "INSERT INTO products (id, vendor_id, name, "
	    "model, category, support_until, created_at, updated_at, "
	    "vulnerability_contact) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->vendor_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->support_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, p->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, p->updated_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, p->vulnerability_contact, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	p->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/*
 * The product id, whoever owns it: callers scope by vendor themselves.
 * STORE_OK, STORE_NOTFOUND or STORE_ERR.
 */
int
store_product_get(struct db *db, const char *id, struct product *p)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " PRODUCT_COLS " FROM products "
	    "WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_get_one(db, st, product_from_row, p, __func__);
}

/*
 * Writes the name, model, category, support_until and
 * vulnerability_contact of p over the stored
 * product p->id and sets p->updated_at.  The caller holds a transaction
 * around the read that p came from, so no concurrent change is lost.
 */
int
store_product_update(struct db *db, struct product *p)
{
	sqlite3_stmt	*st;
	int		 rc;

	store_now(p->updated_at);
	if ((st = db_prepare(db, "UPDATE products SET name = ?, model = ?, "
	    "category = ?, support_until = ?, updated_at = ?, "
	    "vulnerability_contact = ? WHERE id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->support_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->updated_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->vulnerability_contact, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, p->id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * One statement per filter combination: a "?2 IS NULL OR ..." form would
 * keep SQLite from using the vendor and category indexes.
 */
static const char *const product_list_sql[4] = {
	"SELECT " PRODUCT_COLS " FROM products WHERE seq > ?1 "
	    "ORDER BY seq LIMIT ?4",
	"SELECT " PRODUCT_COLS " FROM products WHERE seq > ?1 "
	    "AND vendor_id = ?2 ORDER BY seq LIMIT ?4",
	"SELECT " PRODUCT_COLS " FROM products WHERE seq > ?1 "
	    "AND category = ?3 ORDER BY seq LIMIT ?4",
	"SELECT " PRODUCT_COLS " FROM products WHERE seq > ?1 "
	    "AND vendor_id = ?2 AND category = ?3 ORDER BY seq LIMIT ?4",
};

/*
 * Calls cb for up to limit products with seq > after, oldest first, of
 * vendor_id and in category when those are not NULL.  cb returning -1
 * stops the walk.
 */
int
store_product_list(struct db *db, const char *vendor_id, const char *category,
    int64_t after, int limit, int (*cb)(const struct product *, void *),
    void *arg)
{
	sqlite3_stmt	*st;
	struct product	 p;
	int		 rc;

	if ((st = db_prepare(db, product_list_sql[(vendor_id != NULL) |
	    (category != NULL) << 1])) == NULL)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, after);
	if (vendor_id != NULL)
		sqlite3_bind_text(st, 2, vendor_id, -1, SQLITE_STATIC);
	if (category != NULL)
		sqlite3_bind_text(st, 3, category, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		product_from_row(st, &p);
		if (cb(&p, arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- firmware versions ---- */

#define VERSION_COLS "product_id, version, sbom_sha256, sbom_components, " \
	"created_at, seq"

static void
version_from_row(sqlite3_stmt *st, void *out)
{
	struct product_version	*v = out;

	memset(v, 0, sizeof(*v));
	db_col_copy(st, 0, v->product_id, sizeof(v->product_id));
	db_col_copy(st, 1, v->version, sizeof(v->version));
	db_col_copy(st, 2, v->sbom_sha256, sizeof(v->sbom_sha256));
	v->sbom_components = sqlite3_column_int(st, 3);
	db_col_copy(st, 4, v->created_at, sizeof(v->created_at));
}

/*
 * Records firmware version v (product_id, version, and with an SBOM its
 * sbom_sha256 and sbom_components, set by the caller) with the sbom_len
 * bytes of sbom (canonical JSON text; NULL for none), filling created_at.
 * STORE_CONFLICT when the product already has this version.
 */
int
store_product_version_insert(struct db *db, struct product_version *v,
    const char *sbom, size_t sbom_len)
{
	sqlite3_stmt *st;

	assert((sbom == NULL) == (v->sbom_sha256[0] == '\0'));
	store_now(v->created_at);
	if ((st = db_prepare(db, "INSERT INTO product_versions (product_id, "
	    "version, sbom, sbom_sha256, sbom_components, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, v->product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->version, -1, SQLITE_STATIC);
	if (sbom != NULL) {
		sqlite3_bind_text64(st, 3, sbom, sbom_len, SQLITE_STATIC,
		    SQLITE_UTF8);
		sqlite3_bind_text(st, 4, v->sbom_sha256, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int(st, 5, sbom != NULL ? v->sbom_components : 0);
	sqlite3_bind_text(st, 6, v->created_at, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* Version version of product_id: STORE_OK, STORE_NOTFOUND or STORE_ERR. */
int
store_product_version_get(struct db *db, const char *product_id,
    const char *version, struct product_version *v)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " VERSION_COLS " FROM product_versions "
	    "WHERE product_id = ? AND version = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	return db_get_one(db, st, version_from_row, v, __func__);
}

/*
 * The SBOM of a version as stored (canonical JSON): *sbom is malloc'd,
 * NUL-terminated, *len bytes; the caller frees it.  STORE_NOTFOUND when
 * the version is unknown or has no SBOM.
 */
int
store_product_version_sbom(struct db *db, const char *product_id,
    const char *version, char **sbom, size_t *len)
{
	sqlite3_stmt *st;

	*sbom = NULL;
	*len = 0;
	if ((st = db_prepare(db, "SELECT sbom FROM product_versions "
	    "WHERE product_id = ? AND version = ? AND sbom IS NOT NULL")) ==
	    NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	return db_get_text(db, st, sbom, len, __func__);
}

/*
 * Calls cb(version, seq, arg) for up to limit versions of product_id with
 * seq > after, oldest first; cb returning -1 stops the walk.
 */
int
store_product_version_list(struct db *db, const char *product_id,
    int64_t after, int limit,
    int (*cb)(const struct product_version *, int64_t, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct product_version	 v;
	int			 rc;

	if ((st = db_prepare(db, "SELECT " VERSION_COLS " FROM product_versions "
	    "WHERE product_id = ? AND seq > ? ORDER BY seq LIMIT ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, product_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		version_from_row(st, &v);
		if (cb(&v, sqlite3_column_int64(st, 5), arg) == -1)
			break;
	}
	return db_walk_done(db, st, rc, __func__);
}

/* ---- vulnerabilities ---- */

#define VULN_COLS "product_id, vuln_id, component, severity, status, " \
	"fixed_in_version, justification, created_at, updated_at, seq"

static void
vuln_from_row(sqlite3_stmt *st, void *out)
{
	struct vuln	*v = out;

	memset(v, 0, sizeof(*v));
	db_col_copy(st, 0, v->product_id, sizeof(v->product_id));
	db_col_copy(st, 1, v->id, sizeof(v->id));
	db_col_copy(st, 2, v->component, sizeof(v->component));
	db_col_copy(st, 3, v->severity, sizeof(v->severity));
	db_col_copy(st, 4, v->status, sizeof(v->status));
	db_col_copy(st, 5, v->fixed_in_version, sizeof(v->fixed_in_version));
	db_col_copy(st, 6, v->justification, sizeof(v->justification));
	db_col_copy(st, 7, v->created_at, sizeof(v->created_at));
	db_col_copy(st, 8, v->updated_at, sizeof(v->updated_at));
	v->seq = sqlite3_column_int64(st, 9);
}

/*
 * Records vulnerability v of v->product_id (every field but the times and
 * seq set by the caller; "" for the optional ones) and fills created_at,
 * updated_at and seq.  STORE_CONFLICT when the product already has a
 * record of v->id, or when the row breaks a CHECK constraint (status
 * not_affected without a justification: the caller validates first).
 */
int
store_vuln_insert(struct db *db, struct vuln *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	store_now(v->created_at);
	memcpy(v->updated_at, v->created_at, sizeof(v->updated_at));
	if ((st = db_prepare(db, "INSERT INTO vulnerabilities (product_id, "
	    "vuln_id, component, severity, status, fixed_in_version, "
	    "justification, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, v->product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->component, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, v->fixed_in_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, v->justification, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, v->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, v->updated_at, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	v->seq = sqlite3_last_insert_rowid(db->conn);
	return STORE_OK;
}

/* Record id (CVE-...) of product_id: STORE_OK, STORE_NOTFOUND, STORE_ERR. */
int
store_vuln_get(struct db *db, const char *product_id, const char *id,
    struct vuln *v)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT " VULN_COLS " FROM vulnerabilities "
	    "WHERE product_id = ? AND vuln_id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return db_get_one(db, st, vuln_from_row, v, __func__);
}

/*
 * Writes the component, severity, status, fixed_in_version and
 * justification of v over the stored record (product_id, id) and sets
 * v->updated_at; as for products, inside the caller's transaction.
 */
int
store_vuln_update(struct db *db, struct vuln *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	store_now(v->updated_at);
	if ((st = db_prepare(db, "UPDATE vulnerabilities SET component = ?, "
	    "severity = ?, status = ?, fixed_in_version = ?, "
	    "justification = ?, updated_at = ? "
	    "WHERE product_id = ? AND vuln_id = ?")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, v->component, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v->fixed_in_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->justification, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, v->updated_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, v->product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, v->id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(db->conn) == 1 ? STORE_OK : STORE_NOTFOUND;
}

static const char *const vuln_list_sql[2] = {
	"SELECT " VULN_COLS " FROM vulnerabilities WHERE product_id = ?1 "
	    "AND seq > ?2 ORDER BY seq LIMIT ?4",
	"SELECT " VULN_COLS " FROM vulnerabilities WHERE product_id = ?1 "
	    "AND status = ?3 AND seq > ?2 ORDER BY seq LIMIT ?4",
};

/*
 * Calls cb for up to limit vulnerability records of product_id with seq >
 * after, oldest first, only those in status when it is not NULL (status
 * "open" lists what is not yet accounted for).  cb returning -1 stops.
 */
int
store_vuln_list(struct db *db, const char *product_id, const char *status,
    int64_t after, int limit, int (*cb)(const struct vuln *, void *),
    void *arg)
{
	sqlite3_stmt	*st;
	struct vuln	*v;
	int		 rc;

	/* A record holds 4 KB of justification: keep it off small stacks. */
	if ((v = malloc(sizeof(*v))) == NULL)
		return STORE_ERR;
	if ((st = db_prepare(db, vuln_list_sql[status != NULL])) == NULL) {
		free(v);
		return STORE_ERR;
	}
	sqlite3_bind_text(st, 1, product_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	if (status != NULL)
		sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		vuln_from_row(st, v);
		if (cb(v, arg) == -1)
			break;
	}
	free(v);
	return db_walk_done(db, st, rc, __func__);
}

/*
 * Gives version v->version of v->product_id the SBOM sbom (canonical JSON,
 * sbom_len bytes) with v's sbom_sha256 and sbom_components, once: STORE_OK
 * with v->created_at filled, STORE_NOTFOUND for an unknown version,
 * STORE_CONFLICT when the version has an SBOM already, or STORE_ERR.  Run
 * it inside the caller's transaction with the audit row.
 */
int
store_product_version_set_sbom(struct db *db, struct product_version *v,
    const char *sbom, size_t sbom_len)
{
	struct product_version	 cur;
	sqlite3_stmt		*st;
	int			 rc, changed;

	assert(sbom != NULL && v->sbom_sha256[0] != '\0');
	if ((st = db_prepare(db, "UPDATE product_versions SET sbom = ?, "
	    "sbom_sha256 = ?, sbom_components = ? WHERE product_id = ? AND "
	    "version = ? AND sbom IS NULL")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text64(st, 1, sbom, sbom_len, SQLITE_STATIC, SQLITE_UTF8);
	sqlite3_bind_text(st, 2, v->sbom_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, v->sbom_components);
	sqlite3_bind_text(st, 4, v->product_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->version, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st)) != STORE_OK)
		return rc;
	changed = sqlite3_changes(db->conn);
	rc = store_product_version_get(db, v->product_id, v->version, &cur);
	if (rc != STORE_OK)
		return rc;
	if (changed == 0)
		return STORE_CONFLICT;
	*v = cur;
	return STORE_OK;
}

/* Appends e to the products' audit trail (e->at NULL: now). */
int
store_product_event_append(struct db *db, const struct product_event *e)
{
	sqlite3_stmt	*st;
	char		 now[32];

	assert(e->product_id != NULL && e->action != NULL);
	store_now(now);
	if ((st = db_prepare(db, "INSERT INTO product_events (product_id, "
	    "version, at, action, org_id, token_id, detail) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, e->product_id, -1, SQLITE_STATIC);
	db_bind_opt(st, 2, e->version);
	sqlite3_bind_text(st, 3, e->at != NULL ? e->at : now, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->action, -1, SQLITE_STATIC);
	db_bind_opt(st, 5, e->org_id);
	db_bind_opt(st, 6, e->token_id);
	db_bind_opt(st, 7, e->detail);
	return db_step_done(db, st);
}
