/*
 * api_submissions_check.c: the request bodies of submission changes
 * checked against the pinned scheme, every fault collected into one 422:
 * declarations (PUT .../declarations) and lab reports (POST
 * .../lab-reports).  Rules that depend on the database state at commit
 * (the lab's approval) are the workflow's, inside its transaction.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "scheme.h"
static const char *const decl_statuses[] = { "conformant", "not_applicable",
	"non_conformant", NULL };
static const char *const verdicts[] = { "pass", "fail", "not_applicable",
	NULL };

/*
 * The index of the first of the n items (each size bytes, holding the
 * requirement id as a const char * at offset off) that names req, or -1:
 * a request names each requirement once.
 */
static long
named_before(const void *items, size_t size, size_t off, size_t n,
    const char *req)
{
	const char *x;

	for (size_t j = 0; j < n; j++) {
		memcpy(&x, (const char *)items + j * size + off, sizeof(x));
		if (x != NULL && strcmp(x, req) == 0)
			return (long)j;
	}
	return -1;
}

/* An item's "requirement": one of the pinned scheme's, else NULL (a fault). */
static const char *
item_requirement(struct valid *v, const json_t *item,
    const struct submission *s, const struct scheme *sc)
{
	const char *req = valid_string(v, item, "requirement", 1,
	    LABELD_SCHEME_MAX_ID_LEN);

	if (req != NULL && !scheme_has_requirement(sc, req)) {
		valid_fail(v, "requirement", "unknown requirement \"%s\" in "
		    "scheme %s version %d", req, s->scheme, s->scheme_version);
		req = NULL;
	}
	return req;
}

/* ---- PUT /v1/submissions/{id}/declarations ---- */

/* Releases what submissions_check_declarations allocated in it. */
void
submissions_decl_free(struct sub_decl_items *it)
{
	for (size_t i = 0; it->evidence != NULL && i < it->n; i++)
		free(it->evidence[i]);
	free(it->evidence);
	free(it->d);
}

/*
 * Validates one item's evidence list: digests of files uploaded to this
 * submission, no repeats.  Returns the digests joined by spaces
 * (malloc'd; "" for none), or NULL on a database or memory failure.
 */
static char *
decl_evidence(struct req *r, struct valid *v, const struct submission *s,
    const json_t *item, int *dberr)
{
	const json_t	*ev = json_object_get(item, "evidence");
	json_t		*x;
	struct evidence	 e;
	char		*out, field[32];
	size_t		 i, o = 0;

	if (ev == NULL || json_is_null(ev))
		return strdup("");
	if (!json_is_array(ev)) {
		valid_fail(v, "evidence", "must be an array of SHA-256 hex "
		    "digests");
		return strdup("");
	}
	if (json_array_size(ev) > LABELD_MAX_DECL_EVIDENCE) {
		valid_fail(v, "evidence", "must list at most %d digests, not "
		    "%zu", LABELD_MAX_DECL_EVIDENCE, json_array_size(ev));
		return strdup("");
	}
	if ((out = malloc(json_array_size(ev) * 65 + 1)) == NULL)
		return NULL;
	out[0] = '\0';
	json_array_foreach(ev, i, x) {
		const char *h = json_string_value(x);

		snprintf(field, sizeof(field), "evidence[%zu]", i);
		if (h == NULL || !valid_is_sha256(h)) {
			valid_fail(v, field, "must be a SHA-256 digest in 64 "
			    "lowercase hex digits");
			continue;
		}
		if (strstr(out, h) != NULL) {
			valid_fail(v, field, "%s is listed twice", h);
			continue;
		}
		switch (store_evidence_get(r->db, s->id, h, &e)) {
		case STORE_OK:
			break;
		case STORE_NOTFOUND:
			valid_fail(v, field, "%s was not uploaded to this "
			    "submission: POST /v1/submissions/%s/evidence "
			    "first", h, s->id);
			continue;
		default:
			*dberr = 1;
			free(out);
			return NULL;
		}
		o += (size_t)snprintf(out + o, 66, "%s%s", o ? " " : "", h);
	}
	return out;
}

/*
 * Validates the items of a declarations request into it: requirements of
 * the scheme, each once, statuses, evidence uploaded to this submission.
 * 0, or -1 after answering 422 (every fault), 500 or OOM; the caller
 * releases it with submissions_decl_free either way.
 */
int
submissions_check_declarations(struct req *r, const struct submission *s,
    const struct scheme *sc, struct sub_decl_items *it)
{
	struct valid	 v;
	const json_t	*items = json_object_get(r->json, "items");
	json_t		*item;
	size_t		 i;
	int		 dberr = 0;

	valid_init(&v);
	if (items == NULL || !json_is_array(items)) {
		valid_fail(&v, "items", items == NULL ? "is required" :
		    "must be an array of declarations");
		return valid_check(r, &v);
	}
	if (json_array_size(items) == 0 ||
	    json_array_size(items) > LABELD_MAX_ITEMS) {
		valid_fail(&v, "items", "must hold 1 to %d declarations, not "
		    "%zu", LABELD_MAX_ITEMS, json_array_size(items));
		return valid_check(r, &v);
	}
	it->n = json_array_size(items);
	if ((it->d = calloc(it->n, sizeof(*it->d))) == NULL ||
	    (it->evidence = calloc(it->n, sizeof(*it->evidence))) == NULL) {
		json_decref(v.errors);
		return reply_oom(r);
	}
	json_array_foreach(items, i, item) {
		const char	*req;
		long		 j;

		snprintf(v.prefix, sizeof(v.prefix), "items[%zu].", i);
		if (!json_is_object(item)) {
			v.prefix[0] = '\0';
			valid_fail(&v, "items", "item %zu must be an object", i);
			it->evidence[i] = strdup("");
			continue;
		}
		req = item_requirement(&v, item, s, sc);
		/* A declaration would never count there: say so, not 200. */
		if (req != NULL &&
		    scheme_requirement_third_party(sc, req) == 1) {
			valid_fail(&v, "requirement", "\"%s\" is a "
			    "third_party requirement: only an approved lab's "
			    "verdict satisfies it (the assigned lab files it "
			    "with POST /v1/submissions/%s/lab-reports), so it "
			    "takes no declaration", req, s->id);
			req = NULL;
		}
		if (req != NULL && (j = named_before(it->d, sizeof(*it->d),
		    offsetof(struct declaration, requirement), i, req)) != -1) {
			valid_fail(&v, "requirement", "\"%s\" is declared "
			    "twice (also items[%ld])", req, j);
			req = NULL;
		}
		it->d[i].requirement = req;
		it->d[i].status = valid_enum(&v, item, "status", 1,
		    decl_statuses);
		it->d[i].justification = valid_string(&v, item,
		    "justification", 0, LABELD_MAX_TEXT);
		if (it->d[i].justification == NULL)
			it->d[i].justification = "";
		it->evidence[i] = decl_evidence(r, &v, s, item, &dberr);
		if (it->evidence[i] == NULL) {
			json_decref(v.errors);
			return dberr ? reply_db_error(r) : reply_oom(r);
		}
		it->d[i].evidence = it->evidence[i];
	}
	return valid_check(r, &v);
}


/* ---- POST /v1/submissions/{id}/lab-reports ---- */

/*
 * Validates tier, results and report_sha256 against the scheme into rep
 * and it (the lab's approval is the workflow's rule: workflow_file_report).
 * 0, or -1 after answering 422 (every fault) or OOM; the caller frees
 * it->res either way.
 */
int
submissions_check_report(struct req *r, const struct submission *s,
    const struct scheme *sc, struct lab_report *rep,
    struct sub_report_items *it)
{
	struct valid	 v;
	const json_t	*results;
	json_t		*x;
	struct evidence	 e;
	json_int_t	 tier = 0;
	const char	*digest;
	size_t		 i;
	int		 have_tier;

	valid_init(&v);
	have_tier = valid_int(&v, r->json, "tier", 1, 1, scheme_ntiers(sc),
	    &tier);
	if (have_tier && scheme_tier_lab_assessed(sc, (int)tier) != 1) {
		valid_fail(&v, "tier", "tier %lld of scheme %s is "
		    "self-declared without lab review; lab reports are for "
		    "its third_party and lab-reviewed tiers", (long long)tier,
		    s->scheme);
		have_tier = 0;
	}
	digest = valid_string(&v, r->json, "report_sha256", 1, 64);
	if (digest != NULL && !valid_is_sha256(digest))
		valid_fail(&v, "report_sha256", "must be the report's SHA-256 "
		    "in 64 lowercase hex digits");
	else if (digest != NULL) {
		/* Evidence is never deleted: no need to hold a transaction. */
		switch (store_evidence_get(r->db, s->id, digest, &e)) {
		case STORE_OK:
			break;
		case STORE_NOTFOUND:
			valid_fail(&v, "report_sha256", "%s names no evidence "
			    "of this submission: upload the report file first "
			    "(POST /v1/submissions/%s/evidence)", digest,
			    s->id);
			break;
		default:
			json_decref(v.errors);
			return reply_db_error(r);
		}
	}
	results = json_object_get(r->json, "results");
	if (results == NULL || !json_is_array(results) ||
	    json_array_size(results) == 0 ||
	    json_array_size(results) > LABELD_MAX_ITEMS) {
		valid_fail(&v, "results", "must be an array of 1 to %d "
		    "verdicts", LABELD_MAX_ITEMS);
		return valid_check(r, &v);
	}
	it->n = json_array_size(results);
	if ((it->res = calloc(it->n, sizeof(*it->res))) == NULL) {
		json_decref(v.errors);
		return reply_oom(r);
	}
	json_array_foreach(results, i, x) {
		const char	*req;
		long		 j;
		int		 rt;

		snprintf(v.prefix, sizeof(v.prefix), "results[%zu].", i);
		if (!json_is_object(x)) {
			v.prefix[0] = '\0';
			valid_fail(&v, "results", "item %zu must be an object",
			    i);
			continue;
		}
		req = item_requirement(&v, x, s, sc);
		if (req != NULL &&
		    scheme_requirement_third_party(sc, req) != 1 &&
		    scheme_tier_lab_review(sc, scheme_requirement_tier(sc,
		    req)) != 1) {
			valid_fail(&v, "requirement", "\"%s\" is "
			    "self-declared by the vendor in a tier without lab "
			    "review; a lab report gives verdicts on third_party "
			    "requirements and on those of lab-reviewed tiers",
			    req);
			req = NULL;
		} else if (req != NULL && have_tier &&
		    (rt = scheme_requirement_tier(sc, req)) > tier) {
			valid_fail(&v, "requirement", "\"%s\" belongs to tier "
			    "%d, beyond this tier %lld report", req, rt,
			    (long long)tier);
			req = NULL;
		}
		if (req != NULL && (j = named_before(it->res,
		    sizeof(*it->res), offsetof(struct lab_result, requirement),
		    i, req)) != -1) {
			valid_fail(&v, "requirement", "\"%s\" has a verdict "
			    "already (results[%ld])", req, j);
			req = NULL;
		}
		it->res[i].requirement = req;
		it->res[i].verdict = valid_enum(&v, x, "verdict", 1, verdicts);
		it->res[i].notes = valid_string(&v, x, "notes", 0,
		    LABELD_MAX_TEXT);
		if (it->res[i].notes == NULL)
			it->res[i].notes = "";
	}
	if (valid_check(r, &v) == -1)
		return -1;
	rep->tier = (int)tier;
	snprintf(rep->report_sha256, sizeof(rep->report_sha256), "%s", digest);
	return 0;
}

