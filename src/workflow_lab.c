/*
 * workflow_lab.c: the lab rules, run by workflow_change.c inside the
 * change's transaction so that an approval cannot change between the
 * check and the commit.  A lab is assigned only while its approval in
 * force fits the submission; it reports only on tiers its approval covers.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "labeld.h"
#include "assess.h"
#include "scheme.h"

/*
 * 1 when approval a lets its lab report on tier of scheme on day today
 * (YYYY-MM-DD; valid_until is the last day included), 0 otherwise.
 */
static int
approval_covers(const struct lab_approval *a, const char *scheme, int tier,
    const char *today)
{
	if (tier < 1 || tier >= (int)(sizeof(a->tiers) * CHAR_BIT) ||
	    (a->tiers & (1u << tier)) == 0)
		return 0;
	if (a->scheme[0] != '\0' && strcmp(a->scheme, scheme) != 0)
		return 0;
	/* Fixed-width dates compare as strings. */
	return strcmp(today, a->valid_until) <= 0;
}

/*
 * 1 when a lets its lab assess sub today: its target tier when a lab
 * assesses or reviews that tier, else any tier of the scheme a lab
 * assesses or reviews.
 */
static int
approval_fits(const struct lab_approval *a, const struct submission *sub,
    const struct scheme *s, const char *today)
{
	if (scheme_tier_lab_assessed(s, sub->target_tier) == 1)
		return approval_covers(a, sub->scheme, sub->target_tier, today);
	for (int t = 1; t <= scheme_ntiers(s); t++)
		if (approval_covers(a, sub->scheme, t, today))
			return 1;
	return 0;
}

/*
 * The assignment rule, inside the change's transaction: lab_id names an
 * organisation of kind lab whose approval in force fits sub today.
 * STORE_OK, STORE_ERR, or WF_LAB_REFUSED with why (field lab_id).
 */
int
workflow_lab_may_assess(struct db *db, const struct submission *sub,
    const char *lab_id, struct wf_why *why)
{
	const struct scheme	*s;
	struct lab_approval	 a;
	struct org		 o;
	char			 day[11];
	int			 rc;

	if ((s = workflow_pinned_scheme(db, sub)) == NULL)
		return STORE_ERR;
	store_today(day);
	rc = store_org_get(db, lab_id, &o);
	if (rc == STORE_ERR)
		return STORE_ERR;
	if (rc == STORE_NOTFOUND || strcmp(o.kind, "lab") != 0)
		return workflow_refuse(why, WF_LAB_REFUSED, "lab_id", "no lab "
		    "organisation %s", lab_id);
	rc = store_lab_approval_get(db, lab_id, &a);
	if (rc == STORE_ERR)
		return STORE_ERR;
	if (rc == STORE_NOTFOUND)
		return workflow_refuse(why, WF_LAB_REFUSED, "lab_id", "lab %s holds no "
		    "approval (PUT /v1/organizations/%s/approval)", lab_id,
		    lab_id);
	if (!approval_fits(&a, sub, s, day))
		return workflow_refuse(why, WF_LAB_REFUSED, "lab_id", "lab %s is not "
		    "approved for tier %d of scheme %s today (approval: tiers "
		    "mask 0x%x, scheme \"%s\", valid until %s)", lab_id,
		    sub->target_tier, sub->scheme, a.tiers, a.scheme,
		    a.valid_until);
	return STORE_OK;
}


/*
 * The reporting rule, inside the change's transaction: the lab of who
 * holds an approval in force today for sub's scheme (WF_LAB_UNAPPROVED
 * otherwise) that covers the report's tier and the tier of every
 * requirement it gives a verdict on (WF_LAB_REFUSED, why names the
 * field).
 */
int
workflow_lab_may_report(struct db *db, const struct principal *who,
    const struct submission *sub, const struct lab_report *rep,
    const struct lab_result *res, size_t n, struct wf_why *why)
{
	const struct scheme	*s;
	struct lab_approval	 a;
	char			 day[11], field[48];
	int			 rc, rt;

	if ((s = workflow_pinned_scheme(db, sub)) == NULL)
		return STORE_ERR;
	rc = store_lab_approval_get(db, who->org_id, &a);
	if (rc == STORE_ERR)
		return STORE_ERR;
	store_today(day);
	if (rc == STORE_NOTFOUND)
		return workflow_refuse(why, WF_LAB_UNAPPROVED, "", "your lab holds no "
		    "approval: only an approved lab files lab reports");
	if (strcmp(day, a.valid_until) > 0)
		return workflow_refuse(why, WF_LAB_UNAPPROVED, "", "your lab's "
		    "approval expired on %s", a.valid_until);
	if (a.scheme[0] != '\0' && strcmp(a.scheme, sub->scheme) != 0)
		return workflow_refuse(why, WF_LAB_UNAPPROVED, "", "your lab is "
		    "approved for scheme %s, not %s", a.scheme, sub->scheme);
	if (rep->tier < 1 || rep->tier > LABELD_SCHEME_MAX_TIERS ||
	    (a.tiers & (1u << rep->tier)) == 0)
		return workflow_refuse(why, WF_LAB_REFUSED, "tier", "your lab is not "
		    "approved for tier %d (approved tiers mask 0x%x)",
		    rep->tier, a.tiers);
	for (size_t i = 0; i < n; i++) {
		rt = scheme_requirement_tier(s, res[i].requirement);
		/* A higher tier's report must not carry a verdict on a
		 * lower tier the lab is not approved for. */
		if (rt < 1 || rt > LABELD_SCHEME_MAX_TIERS ||
		    (a.tiers & (1u << rt)) == 0) {
			snprintf(field, sizeof(field),
			    "results[%zu].requirement", i);
			return workflow_refuse(why, WF_LAB_REFUSED, field, "\"%s\" "
			    "belongs to tier %d: your lab is not approved "
			    "for tier %d (approved tiers mask 0x%x)",
			    res[i].requirement, rt, rt, a.tiers);
		}
	}
	return STORE_OK;
}

