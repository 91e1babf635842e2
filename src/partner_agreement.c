/*
 * partner_agreement.c: recognition agreements as data (issue 10), no
 * HTTP.  The rules of an agreement against the local scheme catalogue
 * (partner_agreement_check) and its changes, one transaction each with
 * its partner_events row: added, amended, ended.  An agreement keeps its
 * partner, partner_scheme and local_scheme for life; one whose valid_until
 * falls before today ends and never changes again.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jcs.h"
#include "labeld.h"
#include "rfc3339.h"
#include "scheme.h"

#define PARTNER_ERR_MAX		512
#define PARTNER_MAX_TIER_KEY	2	/* "1".."9" and its NUL */

/*
 * The current version of local scheme id (*s borrowed from the catalogue).
 * STORE_OK, STORE_NOTFOUND, or STORE_ERR: a database fault is never taken
 * for an unknown scheme (catalog_get answers NULL for both).
 */
static int
local_scheme(struct db *db, const char *id, const struct scheme **s)
{
	int	 version, rc;

	*s = NULL;
	if ((rc = store_scheme_latest(db, id, &version)) != STORE_OK)
		return rc;
	return (*s = catalog_get(db, id, version)) != NULL ? STORE_OK :
	    STORE_ERR;
}

/* tier_map: {"1".."9": local tier of s}, 1 to 9 entries. */
static void
check_tier_map(const json_t *map, const struct scheme *s, const char *prefix,
    json_t *errors)
{
	const char	*key;
	const json_t	*v;
	char		 field[64];

	if (!json_is_object(map) || json_object_size(map) == 0 ||
	    json_object_size(map) > LABELD_SCHEME_MAX_TIERS) {
		partner_fault(errors, prefix, "tier_map", "must be an object of 1 to %d "
		    "entries, partner tier (\"1\" to \"9\") -> local tier, such "
		    "as {\"1\": 1, \"2\": 2}", LABELD_SCHEME_MAX_TIERS);
		return;
	}
	json_object_foreach((json_t *)map, key, v) {
		json_int_t n;

		snprintf(field, sizeof(field), "tier_map.%.8s", key);
		if (strlen(key) + 1 != PARTNER_MAX_TIER_KEY || key[0] < '1' ||
		    key[0] > '9') {
			partner_fault(errors, prefix, field, "a partner tier is a "
			    "number from \"1\" to \"9\" as a string");
			continue;
		}
		if (!json_is_integer(v) || (n = json_integer_value(v)) < 1 ||
		    n > LABELD_SCHEME_MAX_TIERS) {
			partner_fault(errors, prefix, field, "must be a local tier "
			    "number (an integer from 1 to %d)",
			    LABELD_SCHEME_MAX_TIERS);
			continue;
		}
		if (s != NULL && scheme_tier_name(s, (int)n) == NULL)
			partner_fault(errors, prefix, field, "local scheme %s has no "
			    "tier %d (its tiers are 1 to %d)", scheme_id(s),
			    (int)n, scheme_ntiers(s));
	}
}

/* crosswalk: {partner requirement id: [local requirement ids of s]}. */
static void
check_crosswalk(const json_t *cw, const struct scheme *s, const char *prefix,
    json_t *errors)
{
	const char	*key;
	const json_t	*v, *id;
	char		 field[192];
	size_t		 i;

	if (!json_is_object(cw) ||
	    json_object_size(cw) > LABELD_PARTNER_MAX_CROSSWALK) {
		partner_fault(errors, prefix, "crosswalk", "must be an object of at most "
		    "%d entries, partner requirement id -> array of local "
		    "requirement ids", LABELD_PARTNER_MAX_CROSSWALK);
		return;
	}
	json_object_foreach((json_t *)cw, key, v) {
		snprintf(field, sizeof(field), "crosswalk.%.128s", key);
		if (*key == '\0' || strlen(key) > LABELD_PARTNER_MAX_REQ_ID) {
			partner_fault(errors, prefix, field, "a partner requirement id "
			    "has 1 to %d bytes", LABELD_PARTNER_MAX_REQ_ID);
			continue;
		}
		if (!json_is_array(v) || json_array_size(v) == 0 ||
		    json_array_size(v) > LABELD_PARTNER_MAX_MAPPED) {
			partner_fault(errors, prefix, field, "must be an array of 1 to "
			    "%d local requirement ids", LABELD_PARTNER_MAX_MAPPED);
			continue;
		}
		json_array_foreach(v, i, id) {
			const char *rid = json_string_value(id);

			if (rid == NULL)
				partner_fault(errors, prefix, field, "[%zu] must be a "
				    "local requirement id (a string)", i);
			else if (s != NULL && !scheme_has_requirement(s, rid))
				partner_fault(errors, prefix, field, "[%zu]: local "
				    "scheme %s has no requirement \"%.128s\"", i,
				    scheme_id(s), rid);
		}
	}
}

/* A string field of 1 to max bytes, or NULL with a fault. */
static const char *
string_field(const json_t *obj, const char *name, size_t max,
    const char *prefix, json_t *errors)
{
	const json_t	*v = json_object_get(obj, name);

	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > max) {
		partner_fault(errors, prefix, name, "%s a string of 1 to %zu bytes",
		    v == NULL || json_is_null(v) ? "is required:" : "must be",
		    max);
		return NULL;
	}
	return json_string_value(v);
}

/* A date field (YYYY-MM-DD) into out[11]; a fault when absent or bad. */
static void
date_field(const json_t *obj, const char *name, const char *prefix,
    json_t *errors, char out[11])
{
	const json_t	*v = json_object_get(obj, name);
	const char	*s = json_string_value(v);

	if (s == NULL || strlen(s) != 10 || rfc3339_date_check(s) == -1) {
		partner_fault(errors, prefix, name, "%s a date (YYYY-MM-DD)",
		    v == NULL || json_is_null(v) ? "is required:" : "must be");
		return;
	}
	memcpy(out, s, 11);
}

/* The canonical text of v (malloc'd) or NULL with a fault. */
static char *
map_text(const json_t *v, const char *prefix, const char *field,
    json_t *errors)
{
	char	 err[PARTNER_ERR_MAX], *t;
	size_t	 len;

	if ((t = jcs_serialize(v, &len, err, sizeof(err))) == NULL)
		partner_fault(errors, prefix, field, "%s", err);
	return t;
}

/*
 * Checks an agreement object into out, appending every fault to errors as
 * {field: prefix + name, detail}.  With old (an amendment): partner_scheme
 * and local_scheme may not change, absent fields keep old's values, and
 * "crosswalk": null removes the crosswalk.  The rules: partner_scheme a
 * string; local_scheme a published local scheme; tier_map an object whose
 * keys are partner tiers "1".."9" and values tiers of the local scheme;
 * valid_from <= valid_until, dates; crosswalk absent, null, or an object
 * of partner requirement id -> array of requirement ids of the local
 * scheme.  out's tier_map and crosswalk are malloc'd canonical text
 * (store_agreement_clear).  STORE_OK; STORE_INVALID when a fault was
 * added; STORE_ERR when the catalogue could not be read (out cleared).
 */
int
partner_agreement_check(struct db *db, const json_t *obj,
    const struct agreement *old, struct agreement *out, const char *prefix,
    json_t *errors)
{
	const struct scheme	*s = NULL;
	const json_t		*map, *cw;
	const char		*ps, *ls;
	size_t			 before = json_array_size(errors);
	int			 i, rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj)) {
		partner_fault(errors, "", prefix[0] ? "agreement" : "body", "must be an "
		    "object {partner_scheme, local_scheme, tier_map, "
		    "valid_from, valid_until, crosswalk?}");
		return STORE_INVALID;
	}
	if (old != NULL) {
		static const char *const fixed[] = { "partner_scheme",
		    "local_scheme" };

		for (i = 0; i < 2; i++) {
			const char *v = json_string_value(json_object_get(obj,
			    fixed[i]));
			const char *was = i == 0 ? old->partner_scheme :
			    old->local_scheme;

			if (json_object_get(obj, fixed[i]) != NULL &&
			    (v == NULL || strcmp(v, was) != 0))
				partner_fault(errors, prefix, fixed[i], "cannot change "
				    "(%s): end this agreement and add another",
				    was);
		}
		memcpy(out->partner_scheme, old->partner_scheme,
		    sizeof(out->partner_scheme));
		memcpy(out->local_scheme, old->local_scheme,
		    sizeof(out->local_scheme));
		memcpy(out->valid_from, old->valid_from, sizeof(out->valid_from));
		memcpy(out->valid_until, old->valid_until,
		    sizeof(out->valid_until));
		if (local_scheme(db, old->local_scheme, &s) != STORE_OK)
			return STORE_ERR;	/* it was published: a fault */
	} else {
		ps = string_field(obj, "partner_scheme",
		    LABELD_PARTNER_MAX_SCHEME, prefix, errors);
		if (ps != NULL)
			snprintf(out->partner_scheme, sizeof(out->partner_scheme),
			    "%s", ps);
		ls = string_field(obj, "local_scheme", LABELD_PARTNER_MAX_SCHEME,
		    prefix, errors);
		if (ls != NULL &&
		    (rc = local_scheme(db, ls, &s)) == STORE_NOTFOUND)
			partner_fault(errors, prefix, "local_scheme", "no published "
			    "local scheme \"%s\" (GET /v1/schemes lists them)",
			    ls);
		else if (ls != NULL && rc != STORE_OK)
			return STORE_ERR;
		else if (ls != NULL)
			snprintf(out->local_scheme, sizeof(out->local_scheme),
			    "%s", ls);
	}
	if (old == NULL || json_object_get(obj, "valid_from") != NULL)
		date_field(obj, "valid_from", prefix, errors, out->valid_from);
	if (old == NULL || json_object_get(obj, "valid_until") != NULL)
		date_field(obj, "valid_until", prefix, errors, out->valid_until);
	if (out->valid_from[0] && out->valid_until[0] &&
	    strcmp(out->valid_from, out->valid_until) > 0)
		partner_fault(errors, prefix, "valid_until", "%s is before valid_from "
		    "%s", out->valid_until, out->valid_from);

	map = json_object_get(obj, "tier_map");
	if (map == NULL && old != NULL) {
		if ((out->tier_map = strdup(old->tier_map)) == NULL)
			partner_fault(errors, prefix, "tier_map", "out of memory");
		else {
			json_t *m = json_loads(old->tier_map, 0, NULL);

			check_tier_map(m, s, prefix, errors);
			json_decref(m);
		}
	} else if (map == NULL || json_is_null(map)) {
		partner_fault(errors, prefix, "tier_map", "is required: partner tier "
		    "(\"1\" to \"9\") -> local tier, such as {\"1\": 1}; a "
		    "partner tier absent from it is not recognised");
	} else {
		check_tier_map(map, s, prefix, errors);
		if (json_array_size(errors) == before)
			out->tier_map = map_text(map, prefix, "tier_map", errors);
	}

	cw = json_object_get(obj, "crosswalk");
	if (cw == NULL && old != NULL && old->crosswalk != NULL) {
		json_t *c = json_loads(old->crosswalk, 0, NULL);

		check_crosswalk(c, s, prefix, errors);
		json_decref(c);
		if ((out->crosswalk = strdup(old->crosswalk)) == NULL)
			partner_fault(errors, prefix, "crosswalk", "out of memory");
	} else if (cw != NULL && !json_is_null(cw)) {
		check_crosswalk(cw, s, prefix, errors);
		if (json_array_size(errors) == before)
			out->crosswalk = map_text(cw, prefix, "crosswalk",
			    errors);
	}
	if (json_array_size(errors) != before) {
		store_agreement_clear(out);
		return STORE_INVALID;
	}
	return STORE_OK;
}

/* The agreement as an audit detail, what it says now (new reference). */
json_t *
partner_agreement_detail(const struct agreement *a)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "partner_scheme",
	    a->partner_scheme, "local_scheme", a->local_scheme, "tier_map",
	    a->tier_map, "valid_from", a->valid_from, "valid_until",
	    a->valid_until, "crosswalk", a->crosswalk);
}

/*
 * Adds agreement obj to partner_id (one transaction, audited): out filled
 * (its strings malloc'd: store_agreement_clear).  STORE_OK,
 * STORE_NOTFOUND (no such partner), STORE_INVALID (faults in errors),
 * STORE_ERR.
 */
int
partner_agreement_add(struct db *db, const struct principal *who,
    const char *partner_id, const json_t *obj, struct agreement *out,
    json_t *errors)
{
	struct partner	 p;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((rc = store_partner_get(db, partner_id, &p)) != STORE_OK)
		goto fail;
	if ((rc = partner_agreement_check(db, obj, NULL, out, "", errors)) !=
	    STORE_OK)
		goto fail;
	memcpy(out->partner_id, p.id, sizeof(out->partner_id));
	snprintf(out->created_by, sizeof(out->created_by), "%s", who->org_id);
	if ((rc = store_agreement_insert(db, out)) != STORE_OK ||
	    (rc = partner_event(db, who, p.id, "agreement_added", out->id,
	    partner_agreement_detail(out))) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	return STORE_OK;
fail:
	db_rollback(db);
	store_agreement_clear(out);
	return rc == STORE_CONFLICT ? STORE_ERR : rc;
}

/*
 * Amends agreement agreement_id of partner_id with the fields of patch
 * (partner_agreement_check with the stored one as old).  An agreement
 * whose valid_until falls before today ends (ended_at set; it never
 * changes again).  STORE_OK with out (store_agreement_clear),
 * STORE_NOTFOUND, STORE_INVALID (errors), STORE_CONFLICT (ended already:
 * why), STORE_ERR.
 */
int
partner_agreement_amend(struct db *db, const struct principal *who,
    const char *partner_id, const char *agreement_id, const json_t *patch,
    struct agreement *out, json_t *errors, struct wf_why *why)
{
	struct partner		 p;
	struct agreement	 old;
	char			 today[11];
	int			 rc, ended;

	memset(&old, 0, sizeof(old));
	memset(out, 0, sizeof(*out));
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((rc = store_partner_get(db, partner_id, &p)) != STORE_OK ||
	    (rc = store_agreement_get(db, p.id, agreement_id, &old)) !=
	    STORE_OK)
		goto fail;
	if (old.ended_at[0]) {
		rc = workflow_refuse(why, STORE_CONFLICT, "", "agreement %s "
		    "ended at %s (valid until %s): an ended agreement never "
		    "changes; add a new one", old.id, old.ended_at,
		    old.valid_until);
		goto fail;
	}
	if ((rc = partner_agreement_check(db, patch, &old, out, "",
	    errors)) != STORE_OK)
		goto fail;
	memcpy(out->id, old.id, sizeof(out->id));
	memcpy(out->partner_id, old.partner_id, sizeof(out->partner_id));
	memcpy(out->created_at, old.created_at, sizeof(out->created_at));
	memcpy(out->created_by, old.created_by, sizeof(out->created_by));
	out->seq = old.seq;
	store_now(out->updated_at);
	store_today(today);
	if ((ended = strcmp(out->valid_until, today) < 0))
		memcpy(out->ended_at, out->updated_at, sizeof(out->ended_at));
	if ((rc = store_agreement_update(db, out)) != STORE_OK ||
	    (rc = partner_event(db, who, p.id, ended ? "agreement_ended" :
	    "agreement_amended", out->id, partner_agreement_detail(out))) != STORE_OK)
		goto fail;
	if (db_commit(db) == -1) {
		rc = STORE_ERR;
		goto fail;
	}
	store_agreement_clear(&old);
	return STORE_OK;
fail:
	db_rollback(db);
	store_agreement_clear(&old);
	store_agreement_clear(out);
	return rc;
}
