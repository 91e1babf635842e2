/*
 * api_products.c: products, their firmware versions with SBOMs, and the
 * vulnerabilities their vendor accounts for.
 *
 * Scoping: a vendor sees and changes only its own products; another
 * vendor's product answers 404 exactly as an unknown id does, so that ids
 * cannot be probed.  Regulators read everything and change nothing here.  Labs and admins get 403 from the route table (a lab
 * reads a product through the submission assigned to it).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "labeld.h"
#include "crypto.h"
#include "jcs.h"
#include "scheme.h"

/* Faults reported from inside one SBOM before giving up on it. */
#define API_SBOM_MAX_FAULTS	20
#define API_MAX_SCHEME_ID	64

static const char *const vuln_statuses[] = { "open", "fixed", "not_affected",
	"mitigated", NULL };
/* CycloneDX's severity names. */
static const char *const severities[] = { "critical", "high", "medium", "low",
	"info", "none", "unknown", NULL };
static const char *const product_fields[] = { "name", "model", "category",
	"support_until", NULL };
static const char *const product_readonly[] = { "id", "vendor_id",
	"created_at", "updated_at", NULL };
static const char *const vuln_fields[] = { "component", "severity", "status",
	"fixed_in_version", "justification", NULL };
static const char *const vuln_readonly[] = { "id", "product_id",
	"created_at", "updated_at", NULL };

struct sbom_walk {
	struct valid	*v;
	long		 count;
	int		 faults;
};

static const char *opt(const char *s);
static int	 is_blank(const char *s);
static int	 is_version(const char *s);
static int	 is_vuln_id(const char *s);
static int	 has_any(const json_t *obj, const char *const *fields);
static void	 readonly_fields(struct valid *, const json_t *,
		    const char *const *);
static void	 no_null(struct valid *, const json_t *, const char *);
static json_t	*product_json(const struct product *);
static json_t	*version_json(const struct product_version *);
static json_t	*vuln_json(const struct vuln *);
static int	 load_product(struct req *, struct product *);
static void	 product_fields_check(struct valid *, const json_t *,
		    struct product *, int creating);
static void	 sbom_components(struct sbom_walk *, const json_t *,
		    const char *path, int depth);
static json_t	*sbom_check(struct valid *, const json_t *field, long *count);
static void	 vuln_fields_check(struct valid *, const json_t *,
		    struct vuln *, int creating);

/* ---- helpers ---- */

/* NULL for "", so that absent optional fields serialise as null. */
static const char *
opt(const char *s)
{
	return s[0] != '\0' ? s : NULL;
}

static int
is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * Firmware versions appear in URLs (/versions/{version}) and in labels:
 * letters, digits and . _ + ~ -, starting with a letter or digit.
 */
static int
is_version(const char *s)
{
	if (!isalnum((unsigned char)s[0]))
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._+~-", *s) == NULL)
			return 0;
	return 1;
}

/*
 * A vulnerability id is also a path segment: letters, digits and . _ : -.
 * A CVE id must have the CVE form, CVE-YYYY-NNNN with 4 to 19 digits.
 */
static int
is_vuln_id(const char *s)
{
	size_t n;

	for (const char *p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._:-", *p) == NULL)
			return 0;
	if (strncasecmp(s, "CVE-", 4) != 0)
		return isalnum((unsigned char)s[0]);
	if (strncmp(s, "CVE-", 4) != 0 || strlen(s) < 13)
		return 0;
	for (int i = 4; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[8] != '-')
		return 0;
	n = strspn(s + 9, "0123456789");
	return n >= 4 && n <= 19 && s[9 + n] == '\0';
}

static int
has_any(const json_t *obj, const char *const *fields)
{
	for (; *fields != NULL; fields++)
		if (json_object_get(obj, *fields) != NULL)
			return 1;
	return 0;
}

static void
readonly_fields(struct valid *v, const json_t *obj, const char *const *fields)
{
	for (; *fields != NULL; fields++)
		if (json_object_get(obj, *fields) != NULL)
			valid_fail(v, *fields, "cannot be changed");
}

/* In a merge patch null removes a field; required ones cannot go. */
static void
no_null(struct valid *v, const json_t *obj, const char *field)
{
	if (json_is_null(json_object_get(obj, field)))
		valid_fail(v, field, "cannot be removed (null); give a value");
}

static json_t *
product_json(const struct product *p)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
	    p->id, "vendor_id", p->vendor_id, "name", p->name, "model",
	    p->model, "category", p->category, "support_until",
	    p->support_until, "created_at", p->created_at, "updated_at",
	    p->updated_at);
}

static json_t *
version_json(const struct product_version *v)
{
	int has = v->sbom_sha256[0] != '\0';

	return json_pack("{s:s, s:s, s:s?, s:o, s:s}", "product_id",
	    v->product_id, "version", v->version, "sbom_sha256",
	    opt(v->sbom_sha256), "sbom_components",
	    has ? json_integer(v->sbom_components) : json_null(),
	    "created_at", v->created_at);
}

static json_t *
vuln_json(const struct vuln *v)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:s, s:s}",
	    "id", v->id, "product_id", v->product_id, "component",
	    opt(v->component), "severity", opt(v->severity), "status",
	    v->status, "fixed_in_version", opt(v->fixed_in_version),
	    "justification", opt(v->justification), "created_at",
	    v->created_at, "updated_at", v->updated_at);
}

/*
 * Loads the product named by the first path parameter as the caller may
 * see it: any for a regulator, only its own for a vendor.  0, or -1 after
 * answering 404 (also for another vendor's product) or 500.
 */
static int
load_product(struct req *r, struct product *p)
{
	switch (store_product_get(r->db, r->params[0], p)) {
	case STORE_OK:
		if (r->who.role != ROLE_VENDOR ||
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
 * Checks the product fields present in obj and copies the valid ones into
 * p.  Creating, all are required; patching, absent ones keep p's values.
 */
static void
product_fields_check(struct valid *v, const json_t *obj, struct product *p,
    int creating)
{
	const char	*name, *model, *category, *until;
	char		 day[11];

	if (!creating) {
		for (const char *const *f = product_fields; *f != NULL; f++)
			no_null(v, obj, *f);
		readonly_fields(v, obj, product_readonly);
	}
	name = valid_string(v, obj, "name", creating, LABELD_MAX_NAME);
	model = valid_string(v, obj, "model", creating, LABELD_MAX_NAME);
	category = valid_string(v, obj, "category", creating,
	    LABELD_MAX_CATEGORY);
	until = valid_date(v, obj, "support_until", creating);
	if (name != NULL && is_blank(name))
		valid_fail(v, "name", "must not be blank");
	else if (name != NULL)
		snprintf(p->name, sizeof(p->name), "%s", name);
	if (model != NULL && is_blank(model))
		valid_fail(v, "model", "must not be blank");
	else if (model != NULL)
		snprintf(p->model, sizeof(p->model), "%s", model);
	if (category != NULL && is_blank(category))
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
	product_fields_check(&v, r->json, &p, 1);
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

	if (load_product(r, &p) == -1)
		return -1;
	return reply_json(r, MHD_HTTP_OK, product_json(&p));
}

/* Merge patch (RFC 7396) of name, model, category, support_until. */
static int
product_patch(struct req *r)
{
	struct valid	 v;
	struct product	 p;

	if (db_begin(r->db) == -1)
		return reply_db_error(r);
	if (load_product(r, &p) == -1)
		goto fail;
	valid_init(&v);
	if (!has_any(r->json, product_fields) &&
	    !has_any(r->json, product_readonly))
		valid_fail(&v, "body", "changes nothing: give one or more of "
		    "name, model, category, support_until");
	product_fields_check(&v, r->json, &p, 0);
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
	size_t			 nerr = json_array_size(v->errors);

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
		    "\"%.64s\": only CycloneDX JSON SBOMs are accepted",
		    json_string_value(fmt));
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
	if (json_array_size(v->errors) != nerr)
		goto fail;
	*count = w.count;
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

static int
version_create(struct req *r)
{
	struct valid		 v;
	struct product		 p;
	struct product_version	 pv;
	const char		*version;
	const json_t		*sb;
	json_t			*doc = NULL;
	char			*canon = NULL, jerr[256];
	uint8_t			 h[32];
	size_t			 len = 0;
	long			 count = 0;
	int			 rc;

	if (load_product(r, &p) == -1)
		return -1;
	valid_init(&v);
	version = valid_string(&v, r->json, "version", 1, LABELD_MAX_VERSION);
	if (version != NULL && !is_version(version))
		valid_fail(&v, "version", "must be letters, digits and "
		    ". _ + ~ -, starting with a letter or digit, not \"%s\"",
		    version);
	sb = json_object_get(r->json, "sbom");
	if (sb != NULL && !json_is_null(sb) &&
	    (doc = sbom_check(&v, sb, &count)) != NULL &&
	    (canon = jcs_serialize(doc, &len, jerr, sizeof(jerr))) == NULL)
		valid_fail(&v, "sbom", "cannot be canonicalised (RFC 8785): "
		    "%s", jerr);
	json_decref(doc);
	if (valid_check(r, &v) == -1) {
		free(canon);
		return -1;
	}
	memset(&pv, 0, sizeof(pv));
	snprintf(pv.product_id, sizeof(pv.product_id), "%s", p.id);
	snprintf(pv.version, sizeof(pv.version), "%s", version);
	if (canon != NULL) {
		/* The digest of the canonical form: anyone can recompute it. */
		lc_sha256(canon, len, h);
		lc_hex(h, sizeof(h), pv.sbom_sha256);
		pv.sbom_components = (int)count;
	}
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

	if (load_product(r, &p) == -1 || page_parse(r, &after, &limit) == -1)
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

	if (load_product(r, &p) == -1)
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

	if (load_product(r, &p) == -1)
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

/* ---- vulnerabilities ---- */

/*
 * Checks the vulnerability fields present in obj into vu.  Creating, id
 * and status are required; patching, absent fields keep their values and
 * null removes an optional one.  Then checks the record as a whole.
 */
static void
vuln_fields_check(struct valid *v, const json_t *obj, struct vuln *vu,
    int creating)
{
	const char	*s;

	if (creating) {
		s = valid_string(v, obj, "id", 1, LABELD_MAX_VULN_ID);
		if (s != NULL && !is_vuln_id(s))
			valid_fail(v, "id", "must be a vulnerability id such "
			    "as CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx (letters, "
			    "digits and . _ : -), not \"%s\"", s);
		else if (s != NULL)
			snprintf(vu->id, sizeof(vu->id), "%s", s);
	} else {
		no_null(v, obj, "status");
		readonly_fields(v, obj, vuln_readonly);
	}
	if ((s = valid_enum(v, obj, "status", creating, vuln_statuses)) !=
	    NULL)
		snprintf(vu->status, sizeof(vu->status), "%s", s);
	if ((s = valid_enum(v, obj, "severity", 0, severities)) != NULL)
		snprintf(vu->severity, sizeof(vu->severity), "%s", s);
	else if (json_is_null(json_object_get(obj, "severity")))
		vu->severity[0] = '\0';
	if ((s = valid_string(v, obj, "component", 0, LABELD_MAX_NAME)) !=
	    NULL)
		snprintf(vu->component, sizeof(vu->component), "%s", s);
	else if (json_is_null(json_object_get(obj, "component")))
		vu->component[0] = '\0';
	s = valid_string(v, obj, "fixed_in_version", 0, LABELD_MAX_VERSION);
	if (s != NULL && *s != '\0' && !is_version(s))
		valid_fail(v, "fixed_in_version", "must be a version: letters, "
		    "digits and . _ + ~ -, not \"%s\"", s);
	else if (s != NULL)
		snprintf(vu->fixed_in_version, sizeof(vu->fixed_in_version),
		    "%s", s);
	else if (json_is_null(json_object_get(obj, "fixed_in_version")))
		vu->fixed_in_version[0] = '\0';
	if ((s = valid_string(v, obj, "justification", 0, LABELD_MAX_TEXT)) !=
	    NULL)
		snprintf(vu->justification, sizeof(vu->justification), "%s",
		    s);
	else if (json_is_null(json_object_get(obj, "justification")))
		vu->justification[0] = '\0';
	/* VEX practice: "not affected" is a claim that needs its reason. */
	if (strcmp(vu->status, "not_affected") == 0 &&
	    is_blank(vu->justification))
		valid_fail(v, "justification", "is required when status is "
		    "not_affected: say why the product is not affected");
}

static int
vuln_create(struct req *r)
{
	struct valid	 v;
	struct product	 p;
	struct vuln	*vu;
	int		 rc;

	if (load_product(r, &p) == -1)
		return -1;
	if ((vu = calloc(1, sizeof(*vu))) == NULL)
		return reply_oom(r);
	valid_init(&v);
	vuln_fields_check(&v, r->json, vu, 1);
	if (valid_check(r, &v) == -1) {
		free(vu);
		return -1;
	}
	snprintf(vu->product_id, sizeof(vu->product_id), "%s", p.id);
	rc = store_vuln_insert(r->db, vu);
	if (rc == STORE_CONFLICT)
		rc = reply_problem(r, MHD_HTTP_CONFLICT, "conflict",
		    "product %s already has a record of %s: update it with "
		    "PATCH /v1/products/%s/vulnerabilities/%s", p.id, vu->id,
		    p.id, vu->id);
	else if (rc != STORE_OK)
		rc = reply_db_error(r);
	else
		rc = reply_json(r, MHD_HTTP_CREATED, vuln_json(vu));
	free(vu);
	return rc;
}

static int
vuln_list_cb(const struct vuln *v, void *arg)
{
	return page_add(arg, vuln_json(v), v->seq);
}

static int
vuln_list(struct req *r)
{
	struct product	 p;
	struct page	 pg;
	const char	*status = req_query(r, "status");
	int64_t		 after;
	int		 limit, known = 0;

	if (load_product(r, &p) == -1 || page_parse(r, &after, &limit) == -1)
		return -1;
	if (status != NULL && *status == '\0')
		status = NULL;
	for (const char *const *s = vuln_statuses; status && *s; s++)
		known |= strcmp(status, *s) == 0;
	if (status != NULL && !known)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "status: expected open, fixed, not_affected or mitigated, "
		    "got \"%.64s\"", status);
	page_init(&pg, limit);
	return page_finish(r, &pg, store_vuln_list(r->db, p.id, status, after,
	    limit + 1, vuln_list_cb, &pg));
}

/* Loads record params[1] of product p, or answers 404/500 and returns -1. */
static int
load_vuln(struct req *r, const struct product *p, struct vuln *vu)
{
	switch (store_vuln_get(r->db, p->id, r->params[1], vu)) {
	case STORE_OK:
		return 0;
	case STORE_NOTFOUND:
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "product %s has no record of vulnerability %s", p->id,
		    r->params[1]);
	default:
		return reply_db_error(r);
	}
}

static int
vuln_get(struct req *r)
{
	struct product	 p;
	struct vuln	*vu;
	int		 rc;

	if (load_product(r, &p) == -1)
		return -1;
	if ((vu = malloc(sizeof(*vu))) == NULL)
		return reply_oom(r);
	if ((rc = load_vuln(r, &p, vu)) == 0)
		rc = reply_json(r, MHD_HTTP_OK, vuln_json(vu));
	free(vu);
	return rc;
}

/*
 * Merge patch of status, severity, component, fixed_in_version and
 * justification.
 */
static int
vuln_patch(struct req *r)
{
	struct valid	 v;
	struct product	 p;
	struct vuln	*vu;
	int		 rc = -1;

	if ((vu = malloc(sizeof(*vu))) == NULL)
		return reply_oom(r);
	if (db_begin(r->db) == -1) {
		free(vu);
		return reply_db_error(r);
	}
	if (load_product(r, &p) == -1 || load_vuln(r, &p, vu) == -1)
		goto done;
	valid_init(&v);
	if (!has_any(r->json, vuln_fields) && !has_any(r->json, vuln_readonly))
		valid_fail(&v, "body", "changes nothing: give one or more of "
		    "status, severity, component, fixed_in_version, "
		    "justification");
	vuln_fields_check(&v, r->json, vu, 0);
	if (valid_check(r, &v) == -1)
		goto done;
	if (store_vuln_update(r->db, vu) != STORE_OK ||
	    db_commit(r->db) == -1) {
		reply_db_error(r);
		goto done;
	}
	rc = reply_json(r, MHD_HTTP_OK, vuln_json(vu));
done:
	db_rollback(r->db);
	free(vu);
	return rc;
}

#define RV	(ROLE_REGULATOR | ROLE_VENDOR)

const struct route api_products_routes[] = {
	{ "POST", "/v1/products", ROLE_VENDOR, ROUTE_JSON, product_create },
	{ "GET", "/v1/products", RV, 0, product_list },
	{ "GET", "/v1/products/{id}", RV, 0, product_get },
	{ "PATCH", "/v1/products/{id}", ROLE_VENDOR, ROUTE_JSON,
	    product_patch },
	/* An SBOM can be megabytes: the upload limit applies, not max_body. */
	{ "POST", "/v1/products/{id}/versions", ROLE_VENDOR,
	    ROUTE_JSON | ROUTE_UPLOAD, version_create },
	{ "GET", "/v1/products/{id}/versions", RV, 0, version_list },
	{ "GET", "/v1/products/{id}/versions/{version}", RV, 0, version_get },
	{ "GET", "/v1/products/{id}/versions/{version}/sbom", RV, 0,
	    version_sbom },
	{ "POST", "/v1/products/{id}/vulnerabilities", ROLE_VENDOR,
	    ROUTE_JSON, vuln_create },
	{ "GET", "/v1/products/{id}/vulnerabilities", RV, 0, vuln_list },
	{ "GET", "/v1/products/{id}/vulnerabilities/{vid}", RV, 0, vuln_get },
	{ "PATCH", "/v1/products/{id}/vulnerabilities/{vid}", ROLE_VENDOR,
	    ROUTE_JSON, vuln_patch },
	{ NULL, NULL, 0, 0, NULL }
};
