/*
 * api_vulns.c: the vulnerabilities a vendor accounts for on its products
 * (CVE or other ids), with their status and justification.  Scoping as
 * for products (api_products_load): another vendor's product answers 404.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "labeld.h"
#include "utf8.h"

static const char *const vuln_statuses[] = { "open", "fixed", "not_affected",
	"mitigated", NULL };
/* CycloneDX's severity names. */
static const char *const severities[] = { "critical", "high", "medium", "low",
	"info", "none", "unknown", NULL };
static const char *const vuln_fields[] = { "component", "severity", "status",
	"fixed_in_version", "justification", NULL };
static const char *const vuln_readonly[] = { "id", "product_id",
	"created_at", "updated_at", NULL };

static void	 vuln_fields_check(struct valid *, const json_t *,
		    struct vuln *, int creating);

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

static json_t *
vuln_json(const struct vuln *v)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:s, s:s}",
	    "id", v->id, "product_id", v->product_id, "component",
	    fields_opt(v->component), "severity", fields_opt(v->severity), "status",
	    v->status, "fixed_in_version", fields_opt(v->fixed_in_version),
	    "justification", fields_opt(v->justification), "created_at",
	    v->created_at, "updated_at", v->updated_at);
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
		fields_no_null(v, obj, "status");
		fields_readonly(v, obj, vuln_readonly);
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
	if (s != NULL && *s != '\0' && !api_products_is_version(s))
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
	/* Fixed where?  The assessment needs the version that has the fix. */
	if (strcmp(vu->status, "fixed") == 0 &&
	    fields_blank(vu->fixed_in_version))
		valid_fail(v, "fixed_in_version", "is required when status is "
		    "fixed: name the firmware version that has the fix");
	/* VEX practice: "not affected" is a claim that needs its reason. */
	if (strcmp(vu->status, "not_affected") == 0 &&
	    fields_blank(vu->justification))
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

	if (api_products_load(r, &p) == -1)
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

	if (api_products_load(r, &p) == -1 || page_parse(r, &after, &limit) == -1)
		return -1;
	if (status != NULL && *status == '\0')
		status = NULL;
	for (const char *const *s = vuln_statuses; status && *s; s++)
		known |= strcmp(status, *s) == 0;
	if (status != NULL && !known)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "status: expected open, fixed, not_affected or mitigated, "
		    "got \"%.*s\"", (int)utf8_prefix(status, strlen(status),
		    64), status);
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

	if (api_products_load(r, &p) == -1)
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
	if (api_products_load(r, &p) == -1 || load_vuln(r, &p, vu) == -1)
		goto done;
	valid_init(&v);
	if (!fields_any(r->json, vuln_fields) && !fields_any(r->json, vuln_readonly))
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

/* The assigned lab reads them (api_products_load decides which). */
#define RVL	(ROLE_REGULATOR | ROLE_VENDOR | ROLE_LAB)

const struct route api_vulns_routes[] = {
	{ "POST", "/v1/products/{id}/vulnerabilities", ROLE_VENDOR,
	    ROUTE_JSON, vuln_create },
	{ "GET", "/v1/products/{id}/vulnerabilities", RVL, 0, vuln_list },
	{ "GET", "/v1/products/{id}/vulnerabilities/{vid}", RVL, 0,
	    vuln_get },
	{ "PATCH", "/v1/products/{id}/vulnerabilities/{vid}", ROLE_VENDOR,
	    ROUTE_JSON, vuln_patch },
	{ NULL, NULL, 0, 0, NULL }
};
