/*
 * workflow_change.c: every change to a submission (opening, declarations,
 * evidence, lab, lab report, submit, review, decision) is one transaction
 * that re-reads the submission, checks the state, the caller's role and
 * revision and the rules (workflow.c, workflow_lab.c, the assessment),
 * writes, bumps the revision and appends the audit event.  No HTTP here:
 * callers map the WF_* and STORE_* results, with struct wf_why's reason.
 *
 * submit needs the assessment to meet the target tier; approve needs a
 * tier no higher than the achieved one nor than the target tier (what
 * the vendor applied for, and what its SBOM and lab were checked for),
 * and a product still supported.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labeld.h"
#include "assess.h"
#include "scheme.h"

/* ---- changes: one transaction each ---- */

/* Fills why (may be NULL) with field and the sentence; returns rc. */
int
workflow_refuse(struct wf_why *why, int rc, const char *field, const char *fmt, ...)
{
	va_list	 ap;

	if (why == NULL)
		return rc;
	snprintf(why->field, sizeof(why->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(why->text, sizeof(why->text), fmt, ap);
	va_end(ap);
	return rc;
}

/* Appends the audit event of a change to sub; detail (stolen) may be NULL. */
static int
event(struct db *db, const struct principal *who, const struct submission *sub,
    const char *action, const char *from, const char *to, const char *reason,
    json_t *detail)
{
	struct sub_event	 e;
	char			 now[32], *text = NULL;
	int			 rc;

	if (detail != NULL) {
		text = json_dumps(detail, JSON_COMPACT);
		json_decref(detail);
		if (text == NULL)
			return STORE_ERR;
	}
	store_now(now);
	memset(&e, 0, sizeof(e));
	e.submission_id = sub->id;
	e.at = now;
	e.org_id = who->org_id;
	e.role = role_name(who->role);
	e.token_id = who->token_id;
	e.action = action;
	e.from_state = from;
	e.to_state = to;
	e.reason = reason;
	e.detail = text;
	rc = store_sub_event_append(db, &e);
	free(text);
	return rc;
}

/*
 * Starts a change: opens the transaction and re-reads sub (by sub->id)
 * inside it, so every check that follows sees what the write will
 * change.  if_revision 0 means the caller gave no If-Match.
 */
static int
begin_change(struct db *db, struct submission *sub, int64_t if_revision)
{
	char	id[sizeof(sub->id)];
	int	rc;

	memcpy(id, sub->id, sizeof(id));
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((rc = store_submission_get(db, id, sub)) != STORE_OK)
		return rc;
	if (if_revision != 0 && sub->revision != if_revision)
		return STORE_CONFLICT;
	return STORE_OK;
}

/* Ends a change: commits on STORE_OK, else rolls back; returns rc. */
static int
end_change(struct db *db, int rc)
{
	if (rc == STORE_OK && db_commit(db) == -1)
		rc = STORE_ERR;
	if (rc != STORE_OK)
		db_rollback(db);
	return rc;
}

static int
cur_state(const struct submission *sub, enum wf_state *st)
{
	if (workflow_state_parse(sub->state, st) == -1) {
		log_error("submission %s has unknown state %s", sub->id,
		    sub->state);
		return STORE_ERR;
	}
	return STORE_OK;
}

/*
 * Opens a submission: sub carries vendor, product, version, scheme,
 * pinned version and target tier; it is stored as a draft with its
 * "created" event.  Fills id, state, revision, dates.
 */
int
workflow_open(struct db *db, const struct principal *who,
    struct submission *sub)
{
	int rc;

	snprintf(sub->state, sizeof(sub->state), "%s", workflow_state_name(WF_DRAFT));
	if (db_begin(db) == -1)
		return STORE_ERR;
	if ((rc = store_submission_insert(db, sub)) == STORE_OK)
		rc = event(db, who, sub, "created", NULL, sub->state, NULL,
		    json_pack("{s:s, s:s, s:s, s:i, s:i}", "product_id",
		    sub->product_id, "product_version", sub->product_version,
		    "scheme", sub->scheme, "scheme_version",
		    sub->scheme_version, "target_tier", sub->target_tier));
	return end_change(db, rc);
}

/*
 * Replaces the declarations of the n items' requirements (the others stay)
 * as one new revision.  The caller validated the items (requirements of
 * the scheme, evidence uploaded to this submission).  STORE_CONFLICT when
 * if_revision is stale, WF_BADSTATE outside draft / changes_requested.
 */
int
workflow_declare(struct db *db, const struct principal *who,
    struct submission *sub, int64_t if_revision,
    const struct declaration *items, size_t n)
{
	enum wf_state	 st;
	char		 now[32];
	json_t		*reqs, *decls;
	int		 rc;

	if ((rc = begin_change(db, sub, if_revision)) != STORE_OK ||
	    (rc = cur_state(sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if (!workflow_may_declare(st))
		return end_change(db, WF_BADSTATE);
	store_now(now);
	/* A declaration replaces the previous one: the event keeps it all. */
	reqs = json_array();
	decls = json_array();
	if (reqs == NULL || decls == NULL) {
		json_decref(reqs);
		json_decref(decls);
		return end_change(db, STORE_ERR);
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct declaration d = items[i];

		d.updated_at = now;
		d.updated_by = who->org_id;
		rc = store_declaration_put(db, sub->id, &d);
		if (rc == STORE_OK && (json_array_append_new(reqs,
		    json_string(d.requirement)) == -1 ||
		    json_array_append_new(decls, json_pack("{s:s, s:s, s:s, "
		    "s:o}", "requirement", d.requirement, "status", d.status,
		    "justification", d.justification ? d.justification : "",
		    "evidence", workflow_digests_json(d.evidence))) == -1))
			rc = STORE_ERR;
	}
	if (rc == STORE_OK)
		rc = store_submission_update(db, sub);
	if (rc == STORE_OK)
		rc = event(db, who, sub, "declarations_updated", NULL, NULL,
		    NULL, json_pack("{s:o, s:o}", "requirements", reqs,
		    "items", decls));
	else {
		json_decref(reqs);
		json_decref(decls);
	}
	return end_change(db, rc);
}

/*
 * Records evidence ev (already stored by evidence_put) on the submission
 * with its audit event.  Evidence is a resource of its own, not part of
 * the submission's representation, so it leaves the revision alone: an
 * upload never makes a colleague's If-Match stale.  STORE_CONFLICT when
 * the submission already has this content; WF_BADSTATE once decided.
 */
int
workflow_add_evidence(struct db *db, const struct principal *who,
    const struct submission *sub0, struct evidence *ev)
{
	struct submission	 sub;
	enum wf_state		 st;
	int			 rc;

	memcpy(sub.id, sub0->id, sizeof(sub.id));
	if ((rc = begin_change(db, &sub, 0)) != STORE_OK ||
	    (rc = cur_state(&sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if (!workflow_may_upload(st))
		return end_change(db, WF_BADSTATE);
	snprintf(ev->submission_id, sizeof(ev->submission_id), "%s", sub.id);
	if ((rc = store_evidence_insert(db, ev)) == STORE_OK)
		rc = event(db, who, &sub, "evidence_uploaded", NULL, NULL, NULL,
		    json_pack("{s:s, s:I, s:s, s:s, s:s}", "sha256",
		    ev->sha256, "size", (json_int_t)ev->size, "media_type",
		    ev->media_type, "filename", ev->filename, "kind",
		    ev->kind));
	return end_change(db, rc);
}


/*
 * Assigns lab_id to the submission.  Assigning the lab already assigned
 * changes nothing.  WF_BADSTATE when who's role may not assign in this
 * state (workflow_may_assign_lab); WF_LAB_REFUSED with why when lab_id
 * is no lab whose approval fits the submission today (checked here,
 * inside the transaction, so an approval cannot change before the
 * commit); WF_LAB_LOCKED with why when a vendor would replace its lab
 * after a lab's fail.
 */
int
workflow_assign_lab(struct db *db, const struct principal *who,
    struct submission *sub, int64_t if_revision, const char *lab_id,
    struct wf_why *why)
{
	enum wf_state	 st;
	char		 prev[sizeof(sub->lab_id)];
	int		 rc;

	if ((rc = begin_change(db, sub, if_revision)) != STORE_OK ||
	    (rc = cur_state(sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if (!workflow_may_assign_lab(st, who->role))
		return end_change(db, WF_BADSTATE);
	if ((rc = workflow_lab_may_assess(db, sub, lab_id, why)) != STORE_OK)
		return end_change(db, rc);
	if (strcmp(sub->lab_id, lab_id) == 0)
		return end_change(db, STORE_OK);
	/*
	 * Lab shopping: a new lab's verdicts would replace a fail.  The
	 * vendor cannot, once a lab failed anything; the regulator can.
	 */
	if (who->role == ROLE_VENDOR && sub->lab_id[0] != '\0') {
		char	 rep[40];

		rc = store_lab_fail_first(db, sub->id, rep);
		if (rc == STORE_OK)
			return end_change(db, workflow_refuse(why,
			    WF_LAB_LOCKED, "lab_id", "lab %s failed a "
			    "requirement in report %s: after a fail only the "
			    "regulator may assign another lab (the fail stays "
			    "on record)", sub->lab_id, rep));
		if (rc != STORE_NOTFOUND)
			return end_change(db, rc);
	}
	memcpy(prev, sub->lab_id, sizeof(prev));
	snprintf(sub->lab_id, sizeof(sub->lab_id), "%s", lab_id);
	if ((rc = store_submission_update(db, sub)) == STORE_OK)
		rc = event(db, who, sub, "lab_assigned", NULL, NULL, NULL,
		    json_pack("{s:s, s:s?}", "lab_id", lab_id,
		    "previous_lab_id", prev[0] ? prev : NULL));
	return end_change(db, rc);
}


/*
 * Files report rep (tier and digest set, results checked against the
 * scheme by the caller) for who's lab, which must be the lab assigned now
 * (STORE_NOTFOUND otherwise) and approved for it (workflow_lab_may_report:
 * WF_LAB_UNAPPROVED or WF_LAB_REFUSED with why).  Fills rep's id and
 * dates.
 */
int
workflow_file_report(struct db *db, const struct principal *who,
    struct submission *sub, int64_t if_revision, struct lab_report *rep,
    const struct lab_result *res, size_t n, struct wf_why *why)
{
	enum wf_state	 st;
	json_t		*verdicts;
	int		 rc;

	if ((rc = begin_change(db, sub, if_revision)) != STORE_OK ||
	    (rc = cur_state(sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if (strcmp(sub->lab_id, who->org_id) != 0)
		return end_change(db, STORE_NOTFOUND);
	if (!workflow_may_report(st))
		return end_change(db, WF_BADSTATE);
	if ((rc = workflow_lab_may_report(db, who, sub, rep, res, n, why)) != STORE_OK)
		return end_change(db, rc);
	snprintf(rep->submission_id, sizeof(rep->submission_id), "%s",
	    sub->id);
	snprintf(rep->lab_id, sizeof(rep->lab_id), "%s", who->org_id);
	snprintf(rep->created_by, sizeof(rep->created_by), "%s",
	    who->token_id);
	if ((rc = store_lab_report_insert(db, rep, res, n)) == STORE_OK)
		rc = store_submission_update(db, sub);
	if (rc == STORE_OK) {
		verdicts = json_object();
		for (size_t i = 0; verdicts != NULL && i < n; i++)
			json_object_set_new(verdicts, res[i].requirement,
			    json_string(res[i].verdict));
		rc = event(db, who, sub, "lab_report_filed", NULL, NULL, NULL,
		    json_pack("{s:s, s:i, s:s, s:o*}", "report_id", rep->id,
		    "tier", rep->tier, "report_sha256", rep->report_sha256,
		    "verdicts", verdicts));
	}
	return end_change(db, rc);
}

/* The scheme version the submission pins; NULL when it cannot load. */
const struct scheme *
workflow_pinned_scheme(struct db *db, const struct submission *sub)
{
	const struct scheme *s = catalog_get(db, sub->scheme,
	    sub->scheme_version);

	if (s == NULL)
		log_error("submission %s: scheme %s version %d does not load",
		    sub->id, sub->scheme, sub->scheme_version);
	return s;
}

/* Assesses sub inside the current transaction: *res, or a WF_/STORE_ rc. */
static int
assess_now(struct db *db, const struct submission *sub,
    struct assess_result **res)
{
	const struct scheme	*s;
	char			 err[512];

	if ((s = workflow_pinned_scheme(db, sub)) == NULL)
		return STORE_ERR;
	if ((*res = workflow_assess(db, sub, s, err, sizeof(err))) == NULL)
		return WF_INVALID;
	return STORE_OK;
}

/*
 * Submits (or re-submits) the submission when the assessment meets its
 * target tier.  Otherwise WF_UNMET with *gaps (a new reference the caller
 * releases) listing what is missing.  *achieved is the tier reached.
 */
int
workflow_submit(struct db *db, const struct principal *who,
    struct submission *sub, int64_t if_revision, json_t **gaps,
    int *achieved)
{
	struct assess_result	*res = NULL;
	enum wf_state		 st, next;
	char			 from[sizeof(sub->state)];
	int			 rc;

	*gaps = NULL;
	*achieved = 0;
	if ((rc = begin_change(db, sub, if_revision)) != STORE_OK ||
	    (rc = cur_state(sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if ((who->role & workflow_action_roles(WF_SUBMIT)) == 0 ||
	    workflow_next(st, WF_SUBMIT, &next) == -1)
		return end_change(db, WF_BADSTATE);
	if ((rc = assess_now(db, sub, &res)) != STORE_OK)
		return end_change(db, rc);
	*achieved = assess_achieved_tier(res);
	if (assess_tier_satisfied(res, sub->target_tier) != 1) {
		*gaps = assess_gaps_json(res, sub->target_tier);
		assess_free(res);
		return end_change(db, *gaps != NULL ? WF_UNMET : STORE_ERR);
	}
	assess_free(res);
	memcpy(from, sub->state, sizeof(from));
	snprintf(sub->state, sizeof(sub->state), "%s", workflow_state_name(next));
	store_now(sub->submitted_at);
	if ((rc = store_submission_update(db, sub)) == STORE_OK)
		rc = event(db, who, sub, workflow_action_event(WF_SUBMIT), from,
		    sub->state, NULL, json_pack("{s:i, s:i}", "target_tier",
		    sub->target_tier, "achieved_tier", *achieved));
	return end_change(db, rc);
}

/*
 * A state change that needs no assessment: review, request_changes,
 * reject (decisions, with reason), withdraw (the vendor's, not a decision).
 */
static int
transition(struct db *db, const struct principal *who, struct submission *sub,
    int64_t if_revision, enum wf_action action, const char *reason)
{
	enum wf_state	 st, next;
	char		 from[sizeof(sub->state)];
	int		 rc;

	assert(action == WF_REVIEW || action == WF_REQUEST_CHANGES ||
	    action == WF_REJECT || action == WF_WITHDRAW);
	if ((rc = begin_change(db, sub, if_revision)) != STORE_OK ||
	    (rc = cur_state(sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if ((who->role & workflow_action_roles(action)) == 0 ||
	    workflow_next(st, action, &next) == -1)
		return end_change(db, WF_BADSTATE);
	memcpy(from, sub->state, sizeof(from));
	snprintf(sub->state, sizeof(sub->state), "%s", workflow_state_name(next));
	if (action == WF_REQUEST_CHANGES || action == WF_REJECT) {
		snprintf(sub->decision, sizeof(sub->decision), "%s",
		    workflow_action_name(action));
		snprintf(sub->decision_reason, sizeof(sub->decision_reason),
		    "%s", reason);
		store_now(sub->decided_at);
		snprintf(sub->decided_by, sizeof(sub->decided_by), "%s",
		    who->org_id);
	}
	if ((rc = store_submission_update(db, sub)) == STORE_OK)
		rc = event(db, who, sub, workflow_action_event(action), from,
		    sub->state, reason, NULL);
	/* A decision is a webhook event, committed with it (issue 13). */
	if (rc == STORE_OK && (action == WF_REQUEST_CHANGES ||
	    action == WF_REJECT))
		rc = webhook_emit(db, "decision", sub->vendor_id, sub->lab_id,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:n, s:n}",
		    "submission_id", sub->id, "decision", sub->decision,
		    "state", sub->state, "reason", reason, "product_id",
		    sub->product_id, "vendor_id", sub->vendor_id, "tier",
		    "label_id"));
	return end_change(db, rc);
}

/*
 * The vendor withdraws its submission before the decision (draft,
 * submitted, under_review, changes_requested): withdrawn is final.
 * WF_BADSTATE once decided or withdrawn, or for another role.
 */
int
workflow_withdraw(struct db *db, const struct principal *who,
    struct submission *sub, int64_t if_revision)
{
	return transition(db, who, sub, if_revision, WF_WITHDRAW, NULL);
}

/* A regulator takes a submitted submission under review. */
int
workflow_review(struct db *db, const struct principal *who,
    struct submission *sub, int64_t if_revision)
{
	return transition(db, who, sub, if_revision, WF_REVIEW, NULL);
}

/*
 * The regulator's decision on a submitted or under_review submission,
 * always with a reason.  Approval goes through workflow_approve().
 */
int
workflow_decide(struct db *db, const struct config *cfg,
    const struct principal *who,
    struct submission *sub, int64_t if_revision, enum wf_action action,
    int tier, const char *reason, int *achieved, struct wf_why *why)
{
	*achieved = 0;
	assert(reason != NULL);
	switch (action) {
	case WF_APPROVE:
		return workflow_approve(db, cfg, who, sub, if_revision, tier,
		    reason, achieved, why);
	case WF_REQUEST_CHANGES:
	case WF_REJECT:
		return transition(db, who, sub, if_revision, action, reason);
	default:
		return WF_BADSTATE;
	}
}

/*
 * The product of sub still supported today: STORE_OK, STORE_ERR, or
 * WF_SUPPORT_ENDED with why (no label could outlast the support period).
 */
static int
product_supported(struct db *db, const struct submission *sub,
    struct wf_why *why)
{
	struct product	 p;
	char		 day[11];

	if (store_product_get(db, sub->product_id, &p) != STORE_OK)
		return STORE_ERR;
	store_today(day);
	if (strcmp(p.support_until, day) < 0)
		return workflow_refuse(why, WF_SUPPORT_ENDED, "", "no label can be "
		    "issued: the support period of product %s ended on %s; "
		    "nothing was decided", p.id, p.support_until);
	return STORE_OK;
}

/*
 * One label in force per product version and scheme: a label of tier or
 * higher (or a suspended one) refuses the approval (WF_LABEL_IN_FORCE
 * with why); a lower active one is to be superseded, its id into prev.
 * STORE_OK, STORE_ERR or WF_LABEL_IN_FORCE.
 */
static int
label_in_force(struct db *db, const struct submission *sub, int tier,
    char *prev, struct wf_why *why)
{
	struct label	 l;
	char		 now[32];
	int		 rc;

	store_now(now);
	rc = store_label_in_force(db, sub->product_id, sub->product_version,
	    sub->scheme, now, &l);
	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return STORE_ERR;
	if (l.tier >= tier)
		return workflow_refuse(why, WF_LABEL_IN_FORCE, "tier", "label "
		    "%s (tier %d) is in force for version %s of product %s "
		    "under scheme %s: only an approval at a higher tier "
		    "supersedes it (a renewal is no new label); nothing was "
		    "decided", l.id, l.tier, sub->product_version,
		    sub->product_id, sub->scheme);
	if (strcmp(l.status, "active") != 0)
		return workflow_refuse(why, WF_LABEL_IN_FORCE, "", "label %s "
		    "for version %s of product %s is %s: reinstate or revoke "
		    "it before a label supersedes it; nothing was decided",
		    l.id, sub->product_version, sub->product_id, l.status);
	snprintf(prev, LABELD_LABEL_ID_MAX + 1, "%s", l.id);
	return STORE_OK;
}

/*
 * Approves the submission at tier, all in one transaction: re-assess,
 * check the tier against the achieved one (WF_ABOVE, with *achieved) and
 * the target one (WF_ABOVE_TARGET), the product's support (WF_SUPPORT_ENDED),
 * allocate the label id, record the decision and its event; why says
 * what was refused.
 * This is where the certificate issuer is called, inside the same
 * transaction, so a label exists exactly when its approval does.
 */
int
workflow_approve(struct db *db, const struct config *cfg,
    const struct principal *who,
    struct submission *sub, int64_t if_revision, int tier,
    const char *reason, int *achieved, struct wf_why *why)
{
	struct assess_result	*res = NULL;
	const struct scheme	*s = NULL;
	enum wf_state		 st, next;
	char			 from[sizeof(sub->state)], err[256];
	char			 prev[LABELD_LABEL_ID_MAX + 1];
	int			 rc;

	*achieved = 0;
	prev[0] = '\0';
	if ((rc = begin_change(db, sub, if_revision)) != STORE_OK ||
	    (rc = cur_state(sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if ((who->role & workflow_action_roles(WF_APPROVE)) == 0 ||
	    workflow_next(st, WF_APPROVE, &next) == -1)
		return end_change(db, WF_BADSTATE);
	if ((rc = assess_now(db, sub, &res)) != STORE_OK)
		return end_change(db, rc);
	*achieved = assess_achieved_tier(res);
	if (workflow_check_approval(tier, *achieved, err, sizeof(err)) == -1)
		rc = workflow_refuse(why, WF_ABOVE, "tier", "%s", err);
	else if (tier > sub->target_tier)
		rc = workflow_refuse(why, WF_ABOVE_TARGET, "tier", "tier %d is above "
		    "the target tier %d the vendor applied for (its SBOM and "
		    "lab were checked up to that tier): approve at tier %d or "
		    "lower", tier, sub->target_tier, sub->target_tier);
	else
		rc = product_supported(db, sub, why);
	if (rc == STORE_OK)
		rc = label_in_force(db, sub, tier, prev, why);
	if (rc == STORE_OK && ((s = workflow_pinned_scheme(db, sub)) == NULL ||
	    issue_label_id(db, s, clock_now(), sub->label_id,
	    sizeof(sub->label_id)) != STORE_OK))
		rc = STORE_ERR;
	if (rc != STORE_OK) {
		assess_free(res);
		return end_change(db, rc);
	}
	memcpy(from, sub->state, sizeof(from));
	snprintf(sub->state, sizeof(sub->state), "%s", workflow_state_name(next));
	sub->approved_tier = tier;
	snprintf(sub->decision, sizeof(sub->decision), "%s",
	    workflow_action_name(WF_APPROVE));
	snprintf(sub->decision_reason, sizeof(sub->decision_reason), "%s",
	    reason);
	store_now(sub->decided_at);
	snprintf(sub->decided_by, sizeof(sub->decided_by), "%s", who->org_id);
	if ((rc = store_submission_update(db, sub)) == STORE_OK)
		rc = event(db, who, sub, workflow_action_event(WF_APPROVE), from,
		    sub->state, reason, json_pack("{s:i, s:i, s:s}", "tier",
		    tier, "achieved_tier", *achieved, "label_id",
		    sub->label_id));
	if (rc == STORE_OK) {
		json_t	*met = assess_requirements_met(res, tier);
		char	 ierr[512];

		rc = met == NULL ? STORE_ERR : issue_for_submission(db, cfg,
		    who, sub, s, tier, met, NULL, NULL, ierr, sizeof(ierr));
		if (rc != STORE_OK)
			log_warn("approval of %s: no label: %s", sub->id, ierr);
		json_decref(met);
	}
	if (rc == STORE_OK)
		rc = webhook_emit(db, "decision", sub->vendor_id, sub->lab_id,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}",
		    "submission_id", sub->id, "decision", sub->decision,
		    "state", sub->state, "reason", reason, "product_id",
		    sub->product_id, "vendor_id", sub->vendor_id, "tier", tier,
		    "label_id", sub->label_id));
	/* The new label and its predecessor's end: one transaction. */
	if (rc == STORE_OK && prev[0] != '\0') {
		char	 lerr[256];

		if ((rc = lifecycle_supersede(db, who, prev, sub->label_id,
		    lerr, sizeof(lerr))) != STORE_OK) {
			log_warn("approval of %s: %s", sub->id, lerr);
			rc = STORE_ERR;
		}
	}
	assess_free(res);
	return end_change(db, rc);
}

