/*
 * api_products.c: products and their firmware versions with SBOMs
 * (vulnerabilities: api_vulns.c).
 *
 * Scoping: a vendor sees and changes only its own products; another
 * vendor's product answers 404 exactly as an unknown id does, so that ids
 * cannot be probed.  Regulators read everything and change nothing here.
 * A lab reads a product, the submitted version and its SBOM only while a
 * submission of it is assigned to the lab (404 otherwise); it lists and
 * changes nothing (403 from the route table), nor does an admin.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "crypto.h"
#include "jcs.h"
#include "scheme.h"
#include "utf8.h"

/* Faults reported from inside one SBOM before giving up on it. */
#define API_SBOM_MAX_FAULTS	20
#define API_MAX_SCHEME_ID	64

static const char *const product_fields[] = { "name", "model", "category",
	"support_until", "vulnerability_contact", NULL };
static const char *const product_readonly[] = { "id", "vendor_id",
	"created_at", "updated_at", NULL };

struct sbom_walk {
	struct valid	*v;
	long		 count;
	int		 faults;
};

static json_t	*product_json(const struct product *);
static int	 contact_email(const char *);
static int	 contact_url(const char *);
static void	 contact_check(struct valid *, const char *, struct product *);
static json_t	*version_json(const struct product_version *);
static void	 sbom_components(struct sbom_walk *, const json_t *,
		    const char *path, int depth);
static json_t	*sbom_check(struct valid *, const json_t *field, long *count);

/* ---- helpers ---- */

/*
 * Firmware versions appear in URLs (/versions/{version}) and in labels:
 * letters, digits and . _ + ~ -, starting with a letter or digit.
 */
int
api_products_is_version(const char *s)
{
	if (!isalnum((unsigned char)s[0]))
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._+~-", *s) == NULL)
			return 0;
	return 1;
}

static json_t *
product_json(const struct product *p)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s}",
	    "id", p->id, "vendor_id", p->vendor_id, "name", p->name, "model",
	    p->model, "category", p->category, "support_until",
	    p->support_until, "vulnerability_contact",
	    fields_opt(p->vulnerability_contact), "created_at", p->created_at,
	    "updated_at", p->updated_at);
}

static json_t *
version_json(const struct product_version *v)
{
	int has = v->sbom_sha256[0] != '\0';

	return json_pack("{s:s, s:s, s:s?, s:o, s:s}", "product_id",
	    v->product_id, "version", v->version, "sbom_sha256",
	    fields_opt(v->sbom_sha256), "sbom_components",
	    has ? json_integer(v->sbom_components) : json_null(),
	    "created_at", v->created_at);
}

/*
 * 1 when the caller's lab is assigned a submission of product p (of its
 * version when version is not NULL), 0 when not, -1 after answering 500.
 */
static int
lab_covers(struct req *r, const struct product *p, const char *version)
{
	switch (store_submission_lab_covers(r->db, r->who.org_id, p->id,
	    version)) {
	case STORE_OK:
		return 1;
	case STORE_NOTFOUND:
		return 0;
	default:
		reply_db_error(r);
		return -1;
	}
}

/*
 * For a lab: the version of the second path parameter must be one a
 * submission assigned to it covers (404 otherwise, as an unknown one).
 * 0, or -1 after answering.  Others pass.
 */
static int
lab_version_visible(struct req *r, const struct product *p)
{
	int rc;

	if (r->who.role != ROLE_LAB)
		return 0;
	if ((rc = lab_covers(r, p, r->params[1])) == 1)
		return 0;
	if (rc == -1)
		return -1;
	return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
	    "product %s has no version %s", p->id, r->params[1]);
}

/*
 * Loads the product named by the first path parameter as the caller may
 * see it: any for a regulator, only its own for a vendor, for a lab one
 * of a submission assigned to it (the lab accounts for the product's
 * SBOM and vulnerabilities).  0, or -1 after answering 404 (also for a
 * product the caller may not see) or 500.
 */
int
api_products_load(struct req *r, struct product *p)
{
	int lab;

	switch (store_product_get(r->db, r->params[0], p)) {
	case STORE_OK:
		if (r->who.role == ROLE_LAB) {
			if ((lab = lab_covers(r, p, NULL)) == -1)
				return -1;
			if (lab)
				return 0;
		} else if (r->who.role != ROLE_VENDOR ||
		    strcmp(p->vendor_id, r->who.org_id) == 0)
			return 0;
		/* FALLTHROUGH */
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no product %s", r->params[0]);
	default:
		return reply_db_error(r);
	}
}

/* ---- products ---- */

/*
 * An e-mail address as people write it for a security contact:
 * local@domain, the local part of RFC 5322 atext and dots, the domain of
 * two or more LDH labels.  Quoted local parts and address literals are
 * refused: a contact must be usable by anyone's mail client.
 */
static int
contact_email(const char *s)
{
	const char	*at = strchr(s, '@'), *d, *label;
	size_t		 n;

	if (at == NULL || at == s || *(at + 1) == '\0' ||
	    strchr(at + 1, '@') != NULL || s[0] == '.' || at[-1] == '.')
		return 0;
	for (const char *p = s; p < at; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("!#$%&'*+/=?^_`{|}~.-", *p) == NULL)
			return 0;
	if (strstr(s, "..") != NULL)
		return 0;
	n = 0;
	for (d = label = at + 1;; d++) {
		if (*d == '.' || *d == '\0') {
			if (d == label || label[0] == '-' || d[-1] == '-')
				return 0;
			n++;
			if (*d == '\0')
				break;
			label = d + 1;
		} else if (!isalnum((unsigned char)*d) && *d != '-')
			return 0;
	}
	return n >= 2;
}

/*
 * An absolute http(s) URL with a host, of RFC 3986 characters only (no
 * spaces, quotes or angle brackets: it becomes a link on the public page).
 */
static int
contact_url(const char *s)
{
	const char	*rest;

	if (strncmp(s, "https://", 8) == 0)
		rest = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		rest = s + 7;
	else
		return 0;
	if (!isalnum((unsigned char)rest[0]))
		return 0;
	for (; *rest != '\0'; rest++)
		if (!isalnum((unsigned char)*rest) &&
		    strchr("-._~:/?#[]@!$&'()*+,;=%", *rest) == NULL)
			return 0;
	return 1;
}

/*
 * The vendor's vulnerability disclosure contact: an http(s) URL (a
 * security.txt, a disclosure policy) or an e-mail address, "mailto:"
 * allowed before it.
 */
static void
contact_check(struct valid *v, const char *s, struct product *p)
{
	const char *mail = strncmp(s, "mailto:", 7) == 0 ? s + 7 : s;

	if (!contact_url(s) && !contact_email(mail)) {
		valid_fail(v, "vulnerability_contact", "must be an https:// "
		    "or http:// URL or an e-mail address (security@example.com)"
		    ", not \"%.*s\"", (int)utf8_prefix(s, strlen(s), 80), s);
		return;
	}
	snprintf(p->vulnerability_contact, sizeof(p->vulnerability_contact),
	    "%s", s);
}

/*
 * Checks the product fields present in obj and copies the valid ones into
 * p.  Creating, all are required but vulnerability_contact (asked for,
 * and shown as missing on the public page, but not a minimal field of the
 * contract); patching, absent ones keep p's values.
 */
void
api_products_fields_check(struct valid *v, const json_t *obj,
    struct product *p, int creating)
{
	const char	*name, *model, *category, *until, *contact;
	char		 day[11];

	if (!creating) {
		for (const char *const *f = product_fields; *f != NULL; f++)
			fields_no_null(v, obj, *f);
		fields_readonly(v, obj, product_readonly);
	}
	name = valid_string(v, obj, "name", creating, LABELD_MAX_NAME);
	model = valid_string(v, obj, "model", creating, LABELD_MAX_NAME);
	category = valid_string(v, obj, "category", creating,
	    LABELD_MAX_CATEGORY);
	until = valid_date(v, obj, "support_until", creating);
	contact = valid_string(v, obj, "vulnerability_contact", 0,
	    LABELD_MAX_CONTACT);
	if (contact != NULL)
		contact_check(v, contact, p);
	if (name != NULL && fields_blank(name))
		valid_fail(v, "name", "must not be blank");
	else if (name != NULL)
		snprintf(p->name, sizeof(p->name), "%s", name);
	if (model != NULL && fields_blank(model))
		valid_fail(v, "model", "must not be blank");
	else if (model != NULL)
		snprintf(p->model, sizeof(p->model), "%s", model);
	if (category != NULL && fields_blank(category))
		valid_fail(v, "category", "must not be blank");
	else if (category != NULL)
		snprintf(p->category, sizeof(p->category), "%s", category);
	if (until != NULL) {
		/* A support period that has already ended commits to nothing. */
		store_today(day);
		if (strcmp(until, day) < 0)
			valid_fail(v, "support_until", "must not be in the past "
			    "(today is %s), not \"%s\"", day, until);
		else
			snprintf(p->support_until, sizeof(p->support_until),
			    "%s", until);
	}
}

static int
product_create(struct req *r)
{
	struct valid	 v;
	struct product	 p;

	memset(&p, 0, sizeof(p));
	valid_init(&v);
	api_products_fields_check(&v, r->json, &p, 1);
	if (valid_check(r, &v) == -1)
		return -1;
	snprintf(p.vendor_id, sizeof(p.vendor_id), "%s", r->who.org_id);
	if (store_product_insert(r->db, &p) != STORE_OK)
		return reply_db_error(r);
	return reply_json(r, MHD_HTTP_CREATED, product_json(&p));
}

static int
product_list_cb(const struct product *p, void *arg)
{
	return page_add(arg, product_json(p), p->seq);
}

/*
 * Filters narrow what the caller may see: a vendor's ?vendor= naming
 * another vendor finds nothing rather than an error, as ids do.
 */
static int
product_list(struct req *r)
{
	struct page	 pg;
	const char	*category = req_query(r, "category");
	const char	*vendor = req_query(r, "vendor");
	int64_t		 after;
	int		 limit;

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	if (category != NULL && *category == '\0')
		category = NULL;
	if (vendor != NULL && *vendor == '\0')
		vendor = NULL;
	if (category != NULL && strlen(category) > LABELD_MAX_CATEGORY)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "category: at most %d bytes", LABELD_MAX_CATEGORY);
	page_init(&pg, limit);
	if (r->who.role == ROLE_VENDOR) {
		if (vendor != NULL && strcmp(vendor, r->who.org_id) != 0)
			return page_reply(r, &pg);
		vendor = r->who.org_id;
	}
	return page_finish(r, &pg, store_product_list(r->db, vendor, category,
	    after, limit + 1, product_list_cb, &pg));
}

static int
product_get(struct req *r)
{
	struct product p;

	if (api_products_load(r, &p) == -1)
		return -1;
	return reply_json(r, MHD_HTTP_OK, product_json(&p));
}

/*
 * Merge patch (RFC 7396) of name, model, category, support_until,
 * vulnerability_contact.
 */
static int
product_patch(struct req *r)
{
	struct valid	 v;
	struct product	 p;

	if (db_begin(r->db) == -1)
		return reply_db_error(r);
	if (api_products_load(r, &p) == -1)
		goto fail;
	valid_init(&v);
	if (!fields_any(r->json, product_fields) &&
	    !fields_any(r->json, product_readonly))
		valid_fail(&v, "body", "changes nothing: give one or more of "
		    "name, model, category, support_until, "
		    "vulnerability_contact");
	api_products_fields_check(&v, r->json, &p, 0);
	if (valid_check(r, &v) == -1)
		goto fail;
	if (store_product_update(r->db, &p) != STORE_OK ||
	    db_commit(r->db) == -1) {
		reply_db_error(r);
		goto fail;
	}
	return reply_json(r, MHD_HTTP_OK, product_json(&p));
fail:
	db_rollback(r->db);
	return -1;
}

/* ---- firmware versions and SBOMs ---- */

/*
 * Counts the components of a CycloneDX components array and the ones
 * nested in them, checking that each is an object with a string type and
 * name (what CycloneDX requires of every component).
 */
static void
sbom_components(struct sbom_walk *w, const json_t *arr, const char *path,
    int depth)
{
	char		 sub[128];
	size_t		 i;
	const json_t	*c, *type, *name, *kids;

	if (!json_is_array(arr)) {
		valid_fail(w->v, path, "must be an array of components");
		w->faults++;
		return;
	}
	if (depth > LABELD_SBOM_MAX_DEPTH) {
		valid_fail(w->v, path, "components nest deeper than %d levels",
		    LABELD_SBOM_MAX_DEPTH);
		w->faults++;
		return;
	}
	json_array_foreach(arr, i, c) {
		if (w->faults >= API_SBOM_MAX_FAULTS ||
		    w->count > LABELD_SBOM_MAX_COMPONENTS)
			return;
		w->count++;
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (!json_is_object(c)) {
			valid_fail(w->v, sub, "must be a component object");
			w->faults++;
			continue;
		}
		type = json_object_get(c, "type");
		name = json_object_get(c, "name");
		if (!json_is_string(type) || json_string_length(type) == 0) {
			valid_fail(w->v, sub, "needs a \"type\" string "
			    "(application, library, firmware, ...)");
			w->faults++;
		}
		if (!json_is_string(name) || json_string_length(name) == 0) {
			valid_fail(w->v, sub, "needs a \"name\" string");
			w->faults++;
		}
		if ((kids = json_object_get(c, "components")) != NULL) {
			snprintf(sub, sizeof(sub), "%s[%zu].components", path,
			    i);
			sbom_components(w, kids, sub, depth + 1);
		}
	}
}

/*
 * Checks the "sbom" field: a CycloneDX JSON document, as an object or as
 * a string holding one.  Returns the document (new reference) with its
 * component count, or NULL with the faults recorded in v.
 */
static json_t *
sbom_check(struct valid *v, const json_t *field, long *count)
{
	struct sbom_walk	 w = { v, 0, 0 };
	json_error_t		 je;
	json_t			*doc;
	const json_t		*fmt, *spec, *comps;
	size_t			 nfault = v->faults;

	if (json_is_string(field)) {
		doc = json_loadb(json_string_value(field),
		    json_string_length(field), JSON_REJECT_DUPLICATES, &je);
		if (doc == NULL) {
			valid_fail(v, "sbom", "is not valid JSON: line %d, "
			    "column %d: %s", je.line, je.column, je.text);
			return NULL;
		}
	} else
		doc = json_incref((json_t *)field);
	if (!json_is_object(doc)) {
		valid_fail(v, "sbom", "must be a CycloneDX JSON object");
		goto fail;
	}
	fmt = json_object_get(doc, "bomFormat");
	if (!json_is_string(fmt)) {
		valid_fail(v, "sbom.bomFormat", "is required and must be "
		    "\"CycloneDX\": only CycloneDX JSON SBOMs are accepted");
		goto fail;
	}
	if (strcmp(json_string_value(fmt), "CycloneDX") != 0) {
		valid_fail(v, "sbom.bomFormat", "must be \"CycloneDX\", not "
		    "\"%.*s\": only CycloneDX JSON SBOMs are accepted",
		    (int)utf8_prefix(json_string_value(fmt),
		    json_string_length(fmt), 64), json_string_value(fmt));
		goto fail;
	}
	spec = json_object_get(doc, "specVersion");
	if (!json_is_string(spec) || strncmp(json_string_value(spec), "1.",
	    2) != 0 || json_string_length(spec) < 3 ||
	    strspn(json_string_value(spec) + 2, "0123456789") !=
	    json_string_length(spec) - 2)
		valid_fail(v, "sbom.specVersion", "is required: the CycloneDX "
		    "specification version such as \"1.5\"");
	if ((comps = json_object_get(doc, "components")) != NULL)
		sbom_components(&w, comps, "sbom.components", 1);
	if (w.count > LABELD_SBOM_MAX_COMPONENTS)
		valid_fail(v, "sbom.components", "more than %d components",
		    LABELD_SBOM_MAX_COMPONENTS);
	if (v->faults != nfault)
		goto fail;
	*count = w.count;
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

/*
 * Checks the SBOM field (sbom_check) and returns its RFC 8785 form
 * (malloc'd, *len bytes; the caller frees it) with its digest and
 * component count set in pv; NULL with the faults recorded in v.
 */
char *
api_products_sbom_prepare(struct valid *v, const json_t *field,
    struct product_version *pv, size_t *len)
{
	json_t		*doc;
	char		*canon, jerr[256];
	uint8_t		 h[32];
	long		 count = 0;

	*len = 0;
	if ((doc = sbom_check(v, field, &count)) == NULL)
		return NULL;
	if ((canon = jcs_serialize(doc, len, jerr, sizeof(jerr))) == NULL)
		valid_fail(v, "sbom", "cannot be canonicalised (RFC 8785): "
		    "%s", jerr);
	json_decref(doc);
	if (canon == NULL)
		return NULL;
	/* The digest of the canonical form: anyone can recompute it. */
	lc_sha256(canon, *len, h);
	lc_hex(h, sizeof(h), pv->sbom_sha256);
	pv->sbom_components = (int)count;
	return canon;
}

static int
version_create(struct req *r)
{
	struct valid		 v;
	struct product		 p;
	struct product_version	 pv;
	const char		*version;
	const json_t		*sb;
	char			*canon = NULL;
	size_t			 len = 0;
	int			 rc;

	if (api_products_load(r, &p) == -1)
		return -1;
	memset(&pv, 0, sizeof(pv));
	valid_init(&v);
	version = valid_string(&v, r->json, "version", 1, LABELD_MAX_VERSION);
	if (version != NULL && !api_products_is_version(version))
		valid_fail(&v, "version", "must be letters, digits and "
		    ". _ + ~ -, starting with a letter or digit, not \"%s\"",
		    version);
	sb = json_object_get(r->json, "sbom");
	if (sb != NULL && !json_is_null(sb))
		canon = api_products_sbom_prepare(&v, sb, &pv, &len);
	if (valid_check(r, &v) == -1) {
		free(canon);
		return -1;
	}
	snprintf(pv.product_id, sizeof(pv.product_id), "%s", p.id);
	snprintf(pv.version, sizeof(pv.version), "%s", version);
	rc = store_product_version_insert(r->db, &pv, canon, len);
	free(canon);
	if (rc == STORE_CONFLICT)
		return reply_problem(r, MHD_HTTP_CONFLICT, "conflict",
		    "product %s already has version %s; a recorded version "
		    "never changes: record the corrected firmware as a new "
		    "version", p.id, pv.version);
	if (rc != STORE_OK)
		return reply_db_error(r);
	return reply_json(r, MHD_HTTP_CREATED, version_json(&pv));
}

static int
version_list_cb(const struct product_version *v, int64_t seq, void *arg)
{
	return page_add(arg, version_json(v), seq);
}

static int
version_list(struct req *r)
{
	struct product	 p;
	struct page	 pg;
	int64_t		 after;
	int		 limit;

	if (api_products_load(r, &p) == -1 || page_parse(r, &after, &limit) == -1)
		return -1;
	page_init(&pg, limit);
	return page_finish(r, &pg, store_product_version_list(r->db, p.id,
	    after, limit + 1, version_list_cb, &pg));
}

static int
version_get(struct req *r)
{
	struct product		 p;
	struct product_version	 pv;

	if (api_products_load(r, &p) == -1 ||
	    lab_version_visible(r, &p) == -1)
		return -1;
	switch (store_product_version_get(r->db, p.id, r->params[1], &pv)) {
	case STORE_OK:
		return reply_json(r, MHD_HTTP_OK, version_json(&pv));
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "product %s has no version %s", p.id, r->params[1]);
	default:
		return reply_db_error(r);
	}
}

/* The SBOM exactly as its digest covers it (RFC 8785 canonical JSON). */
static int
version_sbom(struct req *r)
{
	struct product	 p;
	char		*sbom;
	size_t		 len;
	int		 rc;

	if (api_products_load(r, &p) == -1 ||
	    lab_version_visible(r, &p) == -1)
		return -1;
	switch (store_product_version_sbom(r->db, p.id, r->params[1], &sbom,
	    &len)) {
	case STORE_OK:
		rc = reply_raw(r, MHD_HTTP_OK, "application/vnd.cyclonedx+json",
		    sbom, len);
		free(sbom);
		return rc;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "product %s has no version %s with an SBOM", p.id,
		    r->params[1]);
	default:
		return reply_db_error(r);
	}
}

/*
 * PUT .../versions/{version}/sbom: the body is the CycloneDX document,
 * checked as POST .../versions checks its "sbom" field.  A version gets
 * its SBOM once, audited in product_events in the same transaction; a
 * version that has one answers 409 (a corrected SBOM is a new version).
 */
static int
version_sbom_put(struct req *r)
{
	struct valid		 v;
	struct product		 p;
	struct product_version	 pv;
	struct product_event	 e;
	json_t			*detail;
	char			*canon = NULL, *text = NULL;
	size_t			 len;
	int			 rc;

	if (db_begin(r->db) == -1)
		return reply_db_error(r);
	if (api_products_load(r, &p) == -1)
		goto fail;
	memset(&pv, 0, sizeof(pv));
	valid_init(&v);
	canon = api_products_sbom_prepare(&v, r->json, &pv, &len);
	if (valid_check(r, &v) == -1)
		goto fail;
	snprintf(pv.product_id, sizeof(pv.product_id), "%s", p.id);
	snprintf(pv.version, sizeof(pv.version), "%s", r->params[1]);
	rc = store_product_version_set_sbom(r->db, &pv, canon, len);
	if (rc == STORE_NOTFOUND) {
		reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "product %s has no version %s", p.id, r->params[1]);
		goto fail;
	}
	if (rc == STORE_CONFLICT) {
		reply_problem(r, MHD_HTTP_CONFLICT, "conflict",
		    "version %s of product %s has an SBOM already and it never "
		    "changes: record the corrected firmware as a new version",
		    r->params[1], p.id);
		goto fail;
	}
	if (rc != STORE_OK) {
		reply_db_error(r);
		goto fail;
	}
	if ((detail = json_pack("{s:s, s:i}", "sbom_sha256", pv.sbom_sha256,
	    "sbom_components", pv.sbom_components)) == NULL ||
	    (text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		json_decref(detail);
		reply_db_error(r);
		goto fail;
	}
	json_decref(detail);
	memset(&e, 0, sizeof(e));
	e.product_id = pv.product_id;
	e.version = pv.version;
	e.action = "sbom_attached";
	e.org_id = r->who.org_id;
	e.token_id = r->who.token_id;
	e.detail = text;
	if (store_product_event_append(r->db, &e) != STORE_OK ||
	    db_commit(r->db) == -1) {
		reply_db_error(r);
		goto fail;
	}
	free(text);
	free(canon);
	return reply_json(r, MHD_HTTP_OK, version_json(&pv));
fail:
	db_rollback(r->db);
	free(text);
	free(canon);
	return -1;
}

#define RV	(ROLE_REGULATOR | ROLE_VENDOR)
/* The assigned lab reads what its submissions cover (api_products_load). */
#define RVL	(ROLE_REGULATOR | ROLE_VENDOR | ROLE_LAB)

const struct route api_products_routes[] = {
	{ "POST", "/v1/products", ROLE_VENDOR, ROUTE_JSON, product_create },
	{ "GET", "/v1/products", RV, 0, product_list },
	{ "GET", "/v1/products/{id}", RVL, 0, product_get },
	{ "PATCH", "/v1/products/{id}", ROLE_VENDOR, ROUTE_JSON,
	    product_patch },
	/* An SBOM can be megabytes: the upload limit applies, not max_body. */
	{ "POST", "/v1/products/{id}/versions", ROLE_VENDOR,
	    ROUTE_JSON | ROUTE_UPLOAD, version_create },
	{ "GET", "/v1/products/{id}/versions", RV, 0, version_list },
	{ "GET", "/v1/products/{id}/versions/{version}", RVL, 0,
	    version_get },
	{ "GET", "/v1/products/{id}/versions/{version}/sbom", RVL, 0,
	    version_sbom },
	{ "PUT", "/v1/products/{id}/versions/{version}/sbom", ROLE_VENDOR,
	    ROUTE_JSON | ROUTE_UPLOAD, version_sbom_put },
	{ NULL, NULL, 0, 0, NULL }
};
