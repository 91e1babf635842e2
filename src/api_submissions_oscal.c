/*
 * api_submissions_oscal.c: a submission's assessment as NIST OSCAL
 * assessment-results (OSCAL 1.1.2 JSON), for the tools assessors already
 * use: GET /v1/submissions/{id}/assessment?format=oscal.  One result for
 * the target tier; one finding per requirement in its scope, satisfied
 * or not as the assessment engine says; one observation per declaration
 * and per lab verdict that counts, pointing at the evidence by its
 * SHA-256 digest and download URL.  UUIDs are derived from the submission
 * and the element (a name-based, version 5 style UUID over SHA-256), so
 * the same state exports the same document.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "labeld.h"
#include "crypto.h"
#include "rfc3339.h"
#include "scheme.h"

#define OSCAL_VERSION	"1.1.2"

/* The UUID of element what (e.g. "finding:ETSI-5.1-1") of submission sub. */
static void
oscal_uuid(const char *sub, const char *what, char out[37])
{
	char	 name[512];
	uint8_t	 h[32];

	snprintf(name, sizeof(name), "labeld:%s:%s", sub, what);
	lc_sha256(name, strlen(name), h);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5],
	    h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

struct oscal {
	const struct submission	*s;
	const char		*base;		/* public URL */
	json_t			*observations;
	json_t			*by_req;	/* requirement -> [obs uuid] */
	int			 failed;
};

/* Files an observation uuid under requirement req. */
static void
link_obs(struct oscal *o, const char *req, const char *uuid)
{
	json_t *a = json_object_get(o->by_req, req);

	if (a == NULL) {
		a = json_array();
		if (a == NULL || json_object_set_new(o->by_req, req, a) != 0) {
			o->failed = 1;
			return;
		}
	}
	if (json_array_append_new(a, json_string(uuid)) != 0)
		o->failed = 1;
}

/* {href, description} of the evidence file sha of the submission. */
static json_t *
evidence_ref(const struct oscal *o, const char *sha)
{
	char href[LABELD_MAX_URL], desc[96];

	snprintf(href, sizeof(href), "%s/v1/submissions/%s/evidence/%s",
	    o->base, o->s->id, sha);
	snprintf(desc, sizeof(desc), "sha256:%s", sha);
	return json_pack("{s:s, s:s}", "href", href, "description", desc);
}

static int
decl_cb(const struct declaration *d, void *arg)
{
	struct oscal	*o = arg;
	char		 uuid[37], what[128], sha[65], desc[LABELD_MAX_TEXT + 256];
	const char	*p, *e;
	json_t		*ev = json_array(), *obs;

	snprintf(what, sizeof(what), "declaration:%s", d->requirement);
	oscal_uuid(o->s->id, what, uuid);
	/* evidence: space-separated digests */
	for (p = d->evidence; ev != NULL && p != NULL && *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		if ((e = strchr(p, ' ')) == NULL)
			e = p + strlen(p);
		if (e - p == 64) {
			memcpy(sha, p, 64);
			sha[64] = '\0';
			if (json_array_append_new(ev, evidence_ref(o, sha)) != 0)
				o->failed = 1;
		}
	}
	snprintf(desc, sizeof(desc), "The vendor declared requirement %s "
	    "%s%s%s.", d->requirement, d->status, d->justification[0] ?
	    ": " : "", d->justification);
	obs = json_pack("{s:s, s:s, s:s, s:[s], s:[{s:s}], s:s}", "uuid", uuid,
	    "title", what, "description", desc, "methods", "EXAMINE", "types",
	    "type", "control-objective", "collected", d->updated_at);
	if (obs != NULL && json_array_size(ev) > 0)
		json_object_set(obs, "relevant-evidence", ev);
	json_decref(ev);
	if (obs == NULL || json_array_append_new(o->observations, obs) != 0) {
		o->failed = 1;
		return -1;
	}
	link_obs(o, d->requirement, uuid);
	return 0;
}

static int
verdict_cb(const struct lab_result *x, const struct lab_report *p, void *arg)
{
	struct oscal	*o = arg;
	char		 uuid[37], what[128], desc[LABELD_MAX_TEXT + 256];
	json_t		*obs;

	snprintf(what, sizeof(what), "verdict:%s:%s", p->id, x->requirement);
	oscal_uuid(o->s->id, what, uuid);
	snprintf(desc, sizeof(desc), "Lab %s, report %s (tier %d): %s%s%s.",
	    p->lab_id, p->id, p->tier, x->verdict, x->notes[0] ? ": " : "",
	    x->notes);
	obs = json_pack("{s:s, s:s, s:s, s:[s], s:[{s:s}], s:s, s:[o]}",
	    "uuid", uuid, "title", what, "description", desc, "methods",
	    "TEST", "types", "type", "control-objective", "collected",
	    p->created_at, "relevant-evidence", evidence_ref(o,
	    p->report_sha256));
	if (obs == NULL || json_array_append_new(o->observations, obs) != 0) {
		o->failed = 1;
		return -1;
	}
	link_obs(o, x->requirement, uuid);
	return 0;
}

/* Requirement id -> its gap reason at the target tier, from the engine. */
static json_t *
gaps_at(const json_t *assessment, int tier)
{
	const json_t	*t, *g;
	json_t		*out = json_object();
	size_t		 i, j;

	if (out == NULL)
		return NULL;
	json_array_foreach(json_object_get(assessment, "tiers"), i, t) {
		if (json_integer_value(json_object_get(t, "tier")) != tier)
			continue;
		json_array_foreach(json_object_get(t, "gaps"), j, g) {
			const char *req = json_string_value(json_object_get(g,
			    "requirement"));

			if (req != NULL && json_object_get(out, req) == NULL)
				json_object_set(out, req,
				    json_object_get(g, "reason"));
		}
	}
	return out;
}

/*
 * The OSCAL assessment-results document of submission s under scheme sc,
 * from its assessment (assess_to_json's answer).  NULL on a database or
 * memory fault.
 */
json_t *
api_submissions_oscal(struct req *r, const struct submission *s,
    const struct scheme *sc, const json_t *assessment)
{
	struct oscal	 o;
	const json_t	*req;
	json_t		*findings = NULL, *gaps = NULL, *controls = NULL, *doc;
	json_t		*result;
	char		 uuid[37], now[RFC3339_BUFLEN], ap[LABELD_MAX_URL];
	char		 ver[32], title[256], desc[512], fwhat[128];
	size_t		 i;

	memset(&o, 0, sizeof(o));
	o.s = s;
	o.base = r->ld->cfg.public_url;
	o.observations = json_array();
	o.by_req = json_object();
	findings = json_array();
	controls = json_array();
	gaps = gaps_at(assessment, s->target_tier);
	if (o.observations == NULL || o.by_req == NULL || findings == NULL ||
	    controls == NULL || gaps == NULL)
		goto fail;
	if (store_declaration_list(r->db, s->id, decl_cb, &o) != STORE_OK ||
	    (s->lab_id[0] != '\0' && store_lab_results_current(r->db, s->id,
	    s->lab_id, verdict_cb, &o) != STORE_OK) || o.failed)
		goto fail;
	json_array_foreach(json_object_get(scheme_json(sc), "requirements"), i,
	    req) {
		const char	*id = json_string_value(json_object_get(req,
		    "id"));
		const json_t	*gap, *ob;
		json_t		*f, *rel;
		size_t		 k;

		if (id == NULL || json_integer_value(json_object_get(req,
		    "tier")) > s->target_tier)
			continue;
		gap = json_object_get(gaps, id);
		snprintf(fwhat, sizeof(fwhat), "finding:%s", id);
		oscal_uuid(s->id, fwhat, uuid);
		snprintf(desc, sizeof(desc), "%s at tier %d: %s%s", id,
		    s->target_tier, gap == NULL ? "satisfied" : "not satisfied: ",
		    gap == NULL ? "" : json_string_value(gap));
		f = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:{s:s}}}", "uuid",
		    uuid, "title", json_string_value(json_object_get(req,
		    "title")) ? json_string_value(json_object_get(req,
		    "title")) : id, "description", desc, "target", "type",
		    "objective-id", "target-id", id, "status", "state",
		    gap == NULL ? "satisfied" : "not-satisfied");
		if (f == NULL)
			goto fail;
		if ((rel = json_array()) == NULL) {
			json_decref(f);
			goto fail;
		}
		json_array_foreach(json_object_get(o.by_req, id), k, ob)
			json_array_append_new(rel, json_pack("{s:O}",
			    "observation-uuid", ob));
		if (json_array_size(rel) > 0)
			json_object_set_new(f, "related-observations", rel);
		else
			json_decref(rel);
		if (json_array_append_new(findings, f) != 0 ||
		    json_array_append_new(controls, json_pack("{s:s}",
		    "control-id", id)) != 0)
			goto fail;
	}
	rfc3339_format(clock_now(), now);
	snprintf(ap, sizeof(ap), "%s/v1/schemes/%s/versions/%d", o.base,
	    s->scheme, s->scheme_version);
	snprintf(ver, sizeof(ver), "r%lld", (long long)s->revision);
	snprintf(title, sizeof(title), "labeld assessment of submission %s "
	    "against %s version %d, tier %d", s->id, s->scheme,
	    s->scheme_version, s->target_tier);
	oscal_uuid(s->id, "document", uuid);
	doc = json_pack("{s:{s:s, s:{s:s, s:s, s:s, s:s}, s:{s:s}, s:[]}}",
	    "assessment-results", "uuid", uuid, "metadata", "title", title,
	    "last-modified", now, "version", ver, "oscal-version",
	    OSCAL_VERSION, "import-ap", "href", ap, "results");
	if (doc == NULL)
		goto fail;
	oscal_uuid(s->id, "result", uuid);
	snprintf(desc, sizeof(desc), "Declarations and lab verdicts in force "
	    "for submission %s (state %s), assessed by the scheme's engine; "
	    "achieved tier %lld.", s->id, s->state,
	    (long long)json_integer_value(json_object_get(assessment,
	    "achieved_tier")));
	/* OSCAL arrays hold at least one item: empty ones are left out. */
	result = json_pack("{s:s, s:s, s:s, s:s, s:{s:[{s:o}]}}", "uuid", uuid,
	    "title", title, "description", desc, "start", s->created_at,
	    "reviewed-controls", "control-selections", "include-controls",
	    controls);
	controls = NULL;
	if (result != NULL && json_array_size(o.observations) > 0)
		json_object_set(result, "observations", o.observations);
	if (result != NULL && json_array_size(findings) > 0)
		json_object_set(result, "findings", findings);
	if (result == NULL || json_array_append_new(json_object_get(
	    json_object_get(doc, "assessment-results"), "results"), result) !=
	    0) {
		json_decref(doc);
		goto fail;
	}
	json_decref(o.observations);
	json_decref(findings);
	json_decref(gaps);
	json_decref(o.by_req);
	return doc;
fail:
	json_decref(o.observations);
	json_decref(o.by_req);
	json_decref(findings);
	json_decref(controls);
	json_decref(gaps);
	return NULL;
}
