/*
 * partner_refresh.c: pulls a partner's bundle and status lists (issue 10)
 * over fetch.c, only from URLs its pinned bundle names, and offers what it
 * got to partner.c's own rules: partner_update_bundle (continuity; a
 * refusal keeps the pinned version) and partner_add_status_list (verified
 * with the partner's keys), exactly as the PUT routes do.
 *
 * Where the bundle is fetched: the pinned bundle's own `id` (labeld
 * serves it at <public_url>/v1/trust-bundle, and says so in `id`); a
 * bundle whose id is no http(s) URL is fetched from its issuer.url +
 * "/v1/trust-bundle".  When the version served is refused and is more
 * than one ahead of the pinned one (several rotations since the last
 * refresh), the versions between are fetched from <that URL>/versions/N
 * and offered in order, so continuity is followed step by step.  Status
 * lists: each URL in the statusLists of the bundle pinned after that
 * step.  Then the partner's log is witnessed (witness.c): its checkpoint
 * cosigned and sent back, or an incident recorded.  No transaction is open
 * while a URL is fetched.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

#define REFRESH_ERR_MAX	512

struct refresh {
	struct db		*db;
	const struct config	*cfg;
	const struct principal	*who;
	const char		*partner_id;
	time_t			 now;
	json_t			*report;
	json_t			*errors;	/* [{url, detail}] */
	int			 refused;
};

static void
url_error(struct refresh *r, const char *url, const char *detail)
{
	json_array_append_new(r->errors, json_pack("{s:s, s:s}", "url", url,
	    "detail", detail));
}

/* The pinned bundle of p parsed (new reference), NULL on a fault. */
static json_t *
pinned_bundle(struct db *db, const struct partner *p)
{
	json_t	*b = NULL;
	char	*buf;
	size_t	 len;

	if (store_partner_bundle_get(db, p->id, p->bundle_version, &buf,
	    &len) != STORE_OK)
		return NULL;
	b = json_loadb(buf, len, 0, NULL);
	free(buf);
	return json_is_object(b) ? b : (json_decref(b), NULL);
}

/* Where the pinned bundle says it is served; 0, or -1 (none named). */
static int
bundle_url(const json_t *pinned, char *out, size_t outlen)
{
	const char	*id = json_string_value(json_object_get(pinned, "id"));
	const char	*base = json_string_value(json_object_get(
			    json_object_get(pinned, "issuer"), "url"));
	size_t		 n;

	if (fetch_url_ok(id)) {
		snprintf(out, outlen, "%s", id);
		return 0;
	}
	if (!fetch_url_ok(base))
		return -1;
	n = strlen(base);
	snprintf(out, outlen, "%.*s/v1/trust-bundle", (int)(n > 0 &&
	    base[n - 1] == '/' ? n - 1 : n), base);
	return fetch_url_ok(out) ? 0 : -1;
}

/* 1 when the bundle's statusLists names url. */
static int
names_list(const json_t *bundle, const char *url)
{
	const json_t	*v;
	size_t		 i;

	json_array_foreach(json_object_get(bundle, "statusLists"), i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), url) == 0)
			return 1;
	return 0;
}

/*
 * GETs url expecting a JSON object with 200, at most max bytes.  The
 * object (new reference), or NULL with the error in the report.
 */
static json_t *
get_json(struct refresh *r, const char *url, size_t max, long *status)
{
	struct fetch_result	 res;
	json_error_t		 jerr;
	json_t			*doc;
	char			 err[REFRESH_ERR_MAX];

	*status = 0;
	if (fetch_url("GET", url, NULL, NULL, 0, max, &res, err,
	    sizeof(err)) == -1) {
		url_error(r, url, err);
		return NULL;
	}
	*status = res.status;
	if (res.status != 200) {
		snprintf(err, sizeof(err), "%.300s answered HTTP %ld%s", url,
		    res.status, res.status >= 300 && res.status < 400 ?
		    " (redirects are not followed: the bundle names the URL "
		    "to use)" : "");
		fetch_result_free(&res);
		url_error(r, url, err);
		return NULL;
	}
	doc = json_loadb(res.body, res.len, 0, &jerr);
	fetch_result_free(&res);
	if (!json_is_object(doc)) {
		snprintf(err, sizeof(err), "%.300s did not answer a JSON "
		    "object%s%.200s", url, doc == NULL ? ": " : "",
		    doc == NULL ? jerr.text : "");
		json_decref(doc);
		url_error(r, url, err);
		return NULL;
	}
	return doc;
}

/*
 * Offers bundle to partner_update_bundle.  STORE_OK (accepted or
 * unchanged: *moved says which), PARTNER_REFUSED (why), STORE_NOTFOUND,
 * STORE_ERR.
 */
static int
offer(struct refresh *r, const json_t *bundle, int *moved,
    struct wf_why *why)
{
	struct partner	 p;
	int		 unchanged, rc;

	*moved = 0;
	memset(why, 0, sizeof(*why));
	rc = partner_update_bundle(r->db, r->who, r->partner_id, bundle,
	    r->now, &p, &unchanged, why);
	if (rc == STORE_OK && !unchanged) {
		*moved = 1;
		log_info("partner %s: refresh: bundle version %lld accepted by "
		    "continuity", p.id, (long long)p.bundle_version);
	}
	return rc;
}

/*
 * The bundle step: fetch the served version, offer it; when refused and
 * more than one version ahead, walk the versions between.  Fills the
 * report's "bundle".  STORE_OK (also when a fetch failed: recorded),
 * PARTNER_REFUSED (why), STORE_ERR.
 */
static int
bundle_step(struct refresh *r, const struct partner *p, const json_t *pinned,
    struct wf_why *why)
{
	json_t		*served = NULL, *step, *info;
	char		 url[LABELD_FETCH_MAX_URL + 1], vurl[sizeof(url) + 32];
	char		 err[REFRESH_ERR_MAX];
	json_int_t	 ver = 0, n;
	long		 status = 0;
	int		 rc = STORE_OK, moved = 0, m = 0;

	info = json_pack("{s:n, s:n, s:I, s:b, s:n}", "url", "fetched_version",
	    "pinned_version", (json_int_t)p->bundle_version, "updated", 0,
	    "error");
	json_object_set_new(r->report, "bundle", info);
	if (bundle_url(pinned, url, sizeof(url)) == -1) {
		snprintf(err, sizeof(err), "pinned bundle version %lld names "
		    "no http(s) URL for itself (id, issuer.url): push its "
		    "updates with PUT /v1/partners/%s/trust-bundle",
		    (long long)p->bundle_version, p->id);
		json_object_set_new(info, "error", json_string(err));
		url_error(r, "", err);
		return STORE_OK;
	}
	json_object_set_new(info, "url", json_string(url));
	if ((served = get_json(r, url, LABELD_FETCH_MAX_BODY, &status)) ==
	    NULL) {
		json_object_set(info, "error", json_object_get(
		    json_array_get(r->errors, json_array_size(r->errors) - 1),
		    "detail"));
		return STORE_OK;
	}
	ver = json_integer_value(json_object_get(served, "version"));
	json_object_set_new(info, "fetched_version", ver > 0 ?
	    json_integer(ver) : json_null());
	rc = offer(r, served, &moved, why);
	if (rc == PARTNER_REFUSED && ver > p->bundle_version + 1 &&
	    ver - p->bundle_version <= LABELD_REFRESH_MAX_STEPS) {
		/* Several versions ahead: follow them one by one. */
		for (n = p->bundle_version + 1; n < ver; n++) {
			snprintf(vurl, sizeof(vurl), "%s/versions/%lld", url,
			    (long long)n);
			if ((step = get_json(r, vurl, LABELD_FETCH_MAX_BODY,
			    &status)) == NULL)
				break;
			rc = offer(r, step, &m, why);
			json_decref(step);
			moved |= m;
			if (rc != STORE_OK)
				break;
		}
		if (n == ver)
			rc = offer(r, served, &m, why);
		else if (rc == STORE_OK)
			rc = PARTNER_REFUSED;	/* a step could not be fetched */
		moved |= (rc == STORE_OK) ? m : 0;
	}
	json_decref(served);
	json_object_set_new(info, "updated", json_boolean(moved));
	if (rc == PARTNER_REFUSED) {
		if (why->text[0] == '\0')
			snprintf(why->text, sizeof(why->text), "version %lld "
			    "could not be followed: a version between could "
			    "not be fetched", (long long)ver);
		json_object_set_new(info, "error", json_string(why->text));
		url_error(r, url, why->text);
		r->refused = 1;
	}
	return rc == STORE_NOTFOUND ? STORE_ERR : rc;
}

/* Fetches status list url and offers it; the result in lists[]. */
static int
list_step(struct refresh *r, const char *url, json_t *lists)
{
	struct partner_list	 out;
	struct wf_why		 why;
	json_t			*doc, *item;
	const char		*id;
	char			 err[REFRESH_ERR_MAX];
	long			 status;
	int			 unchanged = 0, rc;

	item = json_pack("{s:s, s:b, s:n, s:n}", "url", url, "updated", 0,
	    "valid_from", "error");
	json_array_append_new(lists, item);
	if ((doc = get_json(r, url, LABELD_FETCH_MAX_BODY, &status)) == NULL) {
		json_object_set(item, "error", json_object_get(
		    json_array_get(r->errors, json_array_size(r->errors) - 1),
		    "detail"));
		return STORE_OK;
	}
	id = json_string_value(json_object_get(doc, "id"));
	if (id == NULL || strcmp(id, url) != 0) {
		snprintf(err, sizeof(err), "%.200s served status list %.200s, "
		    "not itself", url, id ? id : "(no id)");
		json_object_set_new(item, "error", json_string(err));
		url_error(r, url, err);
		json_decref(doc);
		return STORE_OK;
	}
	memset(&why, 0, sizeof(why));
	rc = partner_add_status_list(r->db, r->who, r->partner_id, doc, r->now,
	    &out, &unchanged, &why);
	json_decref(doc);
	switch (rc) {
	case STORE_OK:
		json_object_set_new(item, "updated", json_boolean(!unchanged));
		json_object_set_new(item, "valid_from",
		    json_string(out.valid_from));
		return STORE_OK;
	case STORE_CONFLICT:
		/* A newer copy is held already (pushed): nothing to do. */
		json_object_set_new(item, "note", json_string(why.text));
		return STORE_OK;
	case STORE_INVALID:
		json_object_set_new(item, "error", json_string(why.text));
		url_error(r, url, why.text);
		return STORE_OK;
	default:
		return STORE_ERR;
	}
}

/*
 * The witness step: witness_partner on the bundle pinned now; its report
 * (outcome, error) as the report's "witness".  Apart from the refresh's
 * own outcome and errors: a partner that does not pin us refuses our
 * cosignatures, and its bundle and lists are no less current for it.  An
 * incident is recorded and logged by translog_cosign, and counted in the
 * metrics.  STORE_OK or STORE_ERR.
 */
static int
witness_step(struct refresh *r, const struct partner *p, const json_t *pinned)
{
	json_t	*w = NULL;
	int	 rc;

	rc = witness_partner(r->db, r->cfg, p, pinned, &w);
	if (w != NULL)
		json_object_set_new(r->report, "witness", w);
	return rc == STORE_ERR || w == NULL ? STORE_ERR : STORE_OK;
}

/*
 * Checks `only` (NULL, or a JSON array of status list URLs to fetch)
 * against the pinned bundle.  0, or -1 with why (STORE_INVALID).
 */
static int
check_only(const json_t *only, const json_t *pinned, const struct partner *p,
    struct wf_why *why)
{
	const json_t	*v;
	size_t		 i;

	if (only == NULL)
		return 0;
	if (!json_is_array(only) || json_array_size(only) == 0 ||
	    json_array_size(only) > LABELD_REFRESH_MAX_LISTS) {
		workflow_refuse(why, STORE_INVALID, "status_lists", "must be "
		    "an array of 1 to %d status list URLs of the partner's "
		    "bundle", LABELD_REFRESH_MAX_LISTS);
		return -1;
	}
	json_array_foreach(only, i, v) {
		if (!json_is_string(v)) {
			workflow_refuse(why, STORE_INVALID, "status_lists",
			    "status_lists[%zu] must be a URL string", i);
			return -1;
		}
		if (!names_list(pinned, json_string_value(v))) {
			workflow_refuse(why, STORE_INVALID, "status_lists",
			    "%.300s is not a URL of partner %s: its pinned "
			    "bundle version %lld names it nowhere, and labeld "
			    "fetches only what the bundle names",
			    json_string_value(v), p->id,
			    (long long)p->bundle_version);
			return -1;
		}
	}
	return 0;
}

/*
 * Refreshes partner_id (who: the regulator, or a zeroed principal for the
 * refresh thread): its bundle by continuity, then its status lists (all
 * the pinned bundle names, or only those in `only`, a JSON array that
 * may be NULL).  *report (new reference, also on refusals and failures)
 * says what was fetched, the versions, the lists updated, the witness of
 * its log (witness_partner: cfg gives our log key) and the errors per
 * URL; the outcome is recorded for GET /v1/partners/{id}.
 * STORE_OK; STORE_NOTFOUND; STORE_INVALID (`only` names a URL the bundle
 * does not: why; nothing fetched); PARTNER_REFUSED (the bundle served did
 * not follow: why; the pinned one kept); PARTNER_FETCH_FAILED (a URL
 * could not be fetched or its document was refused: the report's
 * errors); STORE_ERR.
 */
int
partner_refresh(struct db *db, const struct config *cfg,
    const struct principal *who, const char *partner_id, const json_t *only,
    time_t now, json_t **report, struct wf_why *why)
{
	struct refresh	 r;
	struct partner	 p;
	json_t		*pinned = NULL, *lists = NULL, *v;
	const char	*outcome;
	char		 at[32], *text = NULL;
	size_t		 i, n = 0;
	int		 rc;

	*report = NULL;
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.cfg = cfg;
	r.who = who;
	r.partner_id = partner_id;
	r.now = now;
	if ((rc = store_partner_get(db, partner_id, &p)) != STORE_OK)
		return rc;
	if ((pinned = pinned_bundle(db, &p)) == NULL)
		return STORE_ERR;
	if (check_only(only, pinned, &p, why) == -1) {
		json_decref(pinned);
		return STORE_INVALID;
	}
	store_now(at);
	r.report = json_pack("{s:s, s:s, s:s}", "partner_id", p.id, "at", at,
	    "outcome", "ok");
	r.errors = json_array();
	lists = json_array();
	if (r.report == NULL || r.errors == NULL || lists == NULL) {
		rc = STORE_ERR;
		goto done;
	}
	if ((rc = bundle_step(&r, &p, pinned, why)) == STORE_ERR)
		goto done;
	/* The lists the bundle pinned now names (a new version may move them). */
	json_decref(pinned);
	pinned = NULL;
	if (store_partner_get(db, partner_id, &p) != STORE_OK ||
	    (pinned = pinned_bundle(db, &p)) == NULL) {
		rc = STORE_ERR;
		goto done;
	}
	json_object_set_new(json_object_get(r.report, "bundle"), "version",
	    json_integer(p.bundle_version));
	json_array_foreach(json_object_get(pinned, "statusLists"), i, v) {
		if (!json_is_string(v))
			continue;
		if (only != NULL) {
			const json_t	*o;
			size_t		 j;
			int		 asked = 0;

			json_array_foreach(only, j, o)
				if (json_equal(o, v))
					asked = 1;
			if (!asked)
				continue;
		}
		if (++n > LABELD_REFRESH_MAX_LISTS)
			break;
		if (list_step(&r, json_string_value(v), lists) == STORE_ERR) {
			rc = STORE_ERR;
			goto done;
		}
	}
	if (witness_step(&r, &p, pinned) == STORE_ERR) {
		rc = STORE_ERR;
		goto done;
	}
	outcome = r.refused ? "refused" : json_array_size(r.errors) ? "failed" :
	    "ok";
	json_object_set_new(r.report, "outcome", json_string(outcome));
	json_object_set(r.report, "status_lists", lists);
	json_object_set(r.report, "errors", r.errors);
	if ((text = json_dumps(r.report, JSON_COMPACT | JSON_SORT_KEYS)) ==
	    NULL || db_begin(db) == -1) {
		rc = STORE_ERR;
		goto done;
	}
	if (store_refresh_put(db, p.id, at, outcome, text) != STORE_OK ||
	    db_commit(db) == -1) {
		db_rollback(db);
		rc = STORE_ERR;
		goto done;
	}
	if (r.refused)
		rc = PARTNER_REFUSED;
	else if (json_array_size(r.errors))
		rc = PARTNER_FETCH_FAILED;
	else
		rc = STORE_OK;
	*report = r.report;
	r.report = NULL;
done:
	free(text);
	json_decref(pinned);
	json_decref(lists);
	json_decref(r.errors);
	json_decref(r.report);
	return rc;
}

struct refresh_walk {
	char	(*ids)[40];
	size_t	 n, cap;
};

static int
collect(const struct partner *p, void *arg)
{
	struct refresh_walk	*w = arg;
	char			(*nids)[40];

	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		if ((nids = realloc(w->ids, w->cap * sizeof(*w->ids))) == NULL)
			return -1;
		w->ids = nids;
	}
	snprintf(w->ids[w->n++], sizeof(w->ids[0]), "%s", p->id);
	return 0;
}

/*
 * The refresh thread's round: every partner refreshed (and its log
 * witnessed) as the route does,
 * by nobody (a zeroed principal), each outcome logged; stop (may be NULL)
 * answering 1 ends the round before the next partner.
 */
void
partner_refresh_all(struct store *s, const struct config *cfg, time_t now,
    int (*stop)(void))
{
	struct principal	 nobody;
	struct refresh_walk	 w;
	struct wf_why		 why;
	struct db		*db = store_acquire(s);
	json_t			*report;
	size_t			 i;
	int			 rc;

	memset(&nobody, 0, sizeof(nobody));
	memset(&w, 0, sizeof(w));
	if (db == NULL)
		return;
	if (store_partner_list(db, 0, LABELD_PAGE_MAX * 1000, collect, &w) !=
	    STORE_OK)
		log_warn("partner refresh: cannot list the partners");
	for (i = 0; i < w.n && (stop == NULL || !stop()); i++) {
		memset(&why, 0, sizeof(why));
		rc = partner_refresh(db, cfg, &nobody, w.ids[i], NULL, now,
		    &report, &why);
		if (rc == STORE_OK)
			log_debug("partner %s refreshed", w.ids[i]);
		else if (rc == PARTNER_REFUSED)
			log_warn("partner %s: refresh: bundle refused: %s",
			    w.ids[i], why.text);
		else if (rc == PARTNER_FETCH_FAILED)
			log_warn("partner %s: refresh incomplete: %s", w.ids[i],
			    json_string_value(json_object_get(json_array_get(
			    json_object_get(report, "errors"), 0), "detail")));
		else
			log_warn("partner %s: refresh failed (database)",
			    w.ids[i]);
		json_decref(report);
	}
	free(w.ids);
	store_release(db);
}
