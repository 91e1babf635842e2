/*
 * workflow.c: the life of a submission.  The state machine is a table;
 * every change (state, declarations, lab, lab report, decision) is one
 * transaction that re-reads the submission, checks the state and the
 * caller's revision, writes, bumps the revision and appends the audit
 * event.  No HTTP here: callers map the WF_* and STORE_* results.
 *
 *	draft			--submit (vendor)-->		submitted
 *	changes_requested	--submit (vendor)-->		submitted
 *	submitted		--review (regulator)-->		under_review
 *	submitted, under_review	--request_changes (regulator)-->
 *							changes_requested
 *	submitted, under_review	--approve (regulator)-->	approved (final)
 *	submitted, under_review	--reject (regulator)-->		rejected (final)
 *
 * submit needs the assessment to meet the target tier; approve needs a
 * tier no higher than the achieved one nor than the target tier (what
 * the vendor applied for, and what its SBOM and lab were checked for).
 * Declarations change only in draft and changes_requested.
 */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "labeld.h"
#include "assess.h"
#include "scheme.h"

#define WF_LABEL_CODE_MAX	8	/* letters of a scheme's short code */
#define WF_LABEL_SEQ_DIGITS	6

static const struct scheme *pinned_scheme(struct db *,
	    const struct submission *);
static int	 refuse(struct wf_why *, int rc, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static const char *const state_names[WF_NSTATES] = {
	[WF_DRAFT] = "draft",
	[WF_SUBMITTED] = "submitted",
	[WF_UNDER_REVIEW] = "under_review",
	[WF_CHANGES_REQUESTED] = "changes_requested",
	[WF_APPROVED] = "approved",
	[WF_REJECTED] = "rejected",
};

static const char *const action_names[WF_NACTIONS] = {
	[WF_SUBMIT] = "submit",
	[WF_REVIEW] = "review",
	[WF_REQUEST_CHANGES] = "request_changes",
	[WF_APPROVE] = "approve",
	[WF_REJECT] = "reject",
};

/* The state machine.  Anything not listed is refused. */
static const struct {
	enum wf_state	 from;
	enum wf_action	 action;
	enum wf_state	 to;
} transitions[] = {
	{ WF_DRAFT,		WF_SUBMIT,		WF_SUBMITTED },
	{ WF_CHANGES_REQUESTED,	WF_SUBMIT,		WF_SUBMITTED },
	{ WF_SUBMITTED,		WF_REVIEW,		WF_UNDER_REVIEW },
	{ WF_SUBMITTED,		WF_REQUEST_CHANGES,	WF_CHANGES_REQUESTED },
	{ WF_UNDER_REVIEW,	WF_REQUEST_CHANGES,	WF_CHANGES_REQUESTED },
	{ WF_SUBMITTED,		WF_APPROVE,		WF_APPROVED },
	{ WF_UNDER_REVIEW,	WF_APPROVE,		WF_APPROVED },
	{ WF_SUBMITTED,		WF_REJECT,		WF_REJECTED },
	{ WF_UNDER_REVIEW,	WF_REJECT,		WF_REJECTED },
};

/* Who may take each action (ROLE_* bits). */
static const unsigned action_roles[WF_NACTIONS] = {
	[WF_SUBMIT] = ROLE_VENDOR,
	[WF_REVIEW] = ROLE_REGULATOR,
	[WF_REQUEST_CHANGES] = ROLE_REGULATOR,
	[WF_APPROVE] = ROLE_REGULATOR,
	[WF_REJECT] = ROLE_REGULATOR,
};

/* The audit event each state change records. */
static const char *const action_events[WF_NACTIONS] = {
	[WF_SUBMIT] = "submitted",
	[WF_REVIEW] = "review_started",
	[WF_REQUEST_CHANGES] = "changes_requested",
	[WF_APPROVE] = "approved",
	[WF_REJECT] = "rejected",
};

const char *
workflow_state_name(enum wf_state s)
{
	return (unsigned)s < WF_NSTATES ? state_names[s] : NULL;
}

/* 0 with *out set when name is a state, -1 otherwise. */
int
workflow_state_parse(const char *name, enum wf_state *out)
{
	for (int i = 0; name != NULL && i < WF_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum wf_state)i;
			return 0;
		}
	return -1;
}

const char *
workflow_action_name(enum wf_action a)
{
	return (unsigned)a < WF_NACTIONS ? action_names[a] : NULL;
}

int
workflow_action_parse(const char *name, enum wf_action *out)
{
	for (int i = 0; name != NULL && i < WF_NACTIONS; i++)
		if (strcmp(name, action_names[i]) == 0) {
			*out = (enum wf_action)i;
			return 0;
		}
	return -1;
}

/* 0 with *next set when action is allowed from state, -1 otherwise. */
int
workflow_next(enum wf_state from, enum wf_action action, enum wf_state *next)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]);
	    i++)
		if (transitions[i].from == from &&
		    transitions[i].action == action) {
			*next = transitions[i].to;
			return 0;
		}
	return -1;
}

/* The ROLE_* bits that may take action; 0 for an unknown action. */
unsigned
workflow_action_roles(enum wf_action a)
{
	return (unsigned)a < WF_NACTIONS ? action_roles[a] : 0;
}

/* The workflow state of s (WF_NSTATES if the row holds an unknown one). */
enum wf_state
workflow_state_of(const struct submission *s)
{
	enum wf_state st = WF_NSTATES;

	(void)workflow_state_parse(s->state, &st);
	return st;
}

int
workflow_is_final(enum wf_state s)
{
	return s == WF_APPROVED || s == WF_REJECTED;
}

/* Declarations change only while the vendor holds the submission. */
int
workflow_may_declare(enum wf_state s)
{
	return s == WF_DRAFT || s == WF_CHANGES_REQUESTED;
}

/*
 * Labs test before the vendor submits (a third-party target tier cannot
 * be submitted without their verdicts) and may amend during review; a
 * decided submission is closed.
 */
int
workflow_may_report(enum wf_state s)
{
	return (unsigned)s < WF_NSTATES && !workflow_is_final(s);
}

/* Evidence (the vendor's, or a lab's report file) until the decision. */
int
workflow_may_upload(enum wf_state s)
{
	return (unsigned)s < WF_NSTATES && !workflow_is_final(s);
}

/*
 * The regulator assigns (or re-assigns) a lab at any time before the
 * decision; the vendor only while it holds the submission, so it cannot
 * move a submission under review away from a lab that found faults.
 */
int
workflow_may_assign_lab(enum wf_state s, enum role role)
{
	if ((unsigned)s >= WF_NSTATES || workflow_is_final(s))
		return 0;
	if (role == ROLE_REGULATOR)
		return 1;
	if (role == ROLE_VENDOR)
		return workflow_may_declare(s);
	return 0;
}

/*
 * The approval rule: a tier from 1 up to the tier the assessment
 * achieves now.  0, or -1 with the reason in err.
 */
int
workflow_check_approval(int tier, int achieved, char *err, size_t errlen)
{
	if (tier < 1) {
		snprintf(err, errlen, "an approval needs a tier of at least 1, "
		    "not %d", tier);
		return -1;
	}
	if (achieved < 1) {
		snprintf(err, errlen, "the submission achieves no tier: it "
		    "cannot be approved at tier %d", tier);
		return -1;
	}
	if (tier > achieved) {
		snprintf(err, errlen, "tier %d is above the achieved tier %d: "
		    "approve at tier %d or lower", tier, achieved, achieved);
		return -1;
	}
	return 0;
}

/*
 * The label id prefix "CC-CODE-YYYY": the country (ISO 3166 alpha-2),
 * the scheme's short code and the year.  The short code is the first
 * part of the scheme id that is not the country: "sg-cls-iot" gives CLS.
 * 0, or -1 when the inputs give no valid prefix.
 */
int
workflow_label_prefix(const char *country, const char *scheme_id, int year,
    char *out, size_t outlen)
{
	char		 code[WF_LABEL_CODE_MAX + 1];
	const char	*p, *e;
	size_t		 n;

	if (country == NULL || scheme_id == NULL || strlen(country) != 2 ||
	    !isalpha((unsigned char)country[0]) ||
	    !isalpha((unsigned char)country[1]) || year < 1970 || year > 9999)
		return -1;
	p = scheme_id;
	e = strchr(p, '-');
	if (e != NULL && (size_t)(e - p) == 2 && strncasecmp(p, country, 2) == 0)
		p = e + 1;
	if ((e = strchr(p, '-')) == NULL)
		e = p + strlen(p);
	n = (size_t)(e - p);
	if (n == 0 || n > WF_LABEL_CODE_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)p[i]))
			return -1;
		code[i] = (char)toupper((unsigned char)p[i]);
	}
	code[n] = '\0';
	if ((size_t)snprintf(out, outlen, "%c%c-%s-%04d",
	    toupper((unsigned char)country[0]),
	    toupper((unsigned char)country[1]), code, year) >= outlen)
		return -1;
	return 0;
}

/* prefix-NNNNNN (more digits once a year passes a million labels). */
int
workflow_label_format(const char *prefix, int64_t seq, char *out,
    size_t outlen)
{
	if (seq < 1)
		return -1;
	if ((size_t)snprintf(out, outlen, "%s-%0*lld", prefix,
	    WF_LABEL_SEQ_DIGITS, (long long)seq) >= outlen)
		return -1;
	return 0;
}

/*
 * Allocates the next label id for scheme s in the year of when, e.g.
 * SG-CLS-2026-000123.  Takes a number from the store's sequence, so it
 * must run inside the caller's (approval) transaction: unique, and given
 * back if that transaction rolls back.  STORE_OK or STORE_ERR.
 */
int
workflow_label_id(struct db *db, const struct scheme *s, time_t when,
    char *out, size_t outlen)
{
	struct tm	 tm;
	char		 prefix[32];
	int64_t		 seq;

	gmtime_r(&when, &tm);
	if (workflow_label_prefix(scheme_country(s), scheme_id(s),
	    tm.tm_year + 1900, prefix, sizeof(prefix)) == -1) {
		log_error("scheme %s gives no label id prefix", scheme_id(s));
		return STORE_ERR;
	}
	if (store_label_seq_next(db, prefix, &seq) != STORE_OK)
		return STORE_ERR;
	if (workflow_label_format(prefix, seq, out, outlen) == -1)
		return STORE_ERR;
	return STORE_OK;
}

/* ---- assessment of the stored answers ---- */

struct inputs {
	struct assess_decl	*decls;
	size_t			 ndecl, decl_cap;
	struct assess_lab	*labs;
	size_t			 nlab, lab_cap;
	int			 bad;	/* a stored value the engine cannot take */
};

static size_t
count_digests(const char *list)
{
	size_t n = 0;

	for (const char *p = list; *p != '\0'; ) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		n++;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	return n;
}

/*
 * The digests of a stored evidence list (space-separated, as struct
 * declaration holds them; NULL is none) as a new JSON array of strings.
 * NULL when memory runs out: never a shortened list.
 */
json_t *
workflow_digests_json(const char *list)
{
	json_t		*a = json_array();
	const char	*p = list != NULL ? list : "";

	while (a != NULL && *p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 0 && json_array_append_new(a, json_stringn(p, n)) == -1) {
			json_decref(a);
			return NULL;
		}
		p += n;
		p += strspn(p, " ");
	}
	return a;
}

static int
collect_decl(const struct declaration *d, void *arg)
{
	struct inputs		*in = arg;
	struct assess_decl	*x;

	if (in->ndecl == in->decl_cap) {
		size_t	 cap = in->decl_cap ? in->decl_cap * 2 : 64;
		void	*nv = realloc(in->decls, cap * sizeof(*in->decls));

		if (nv == NULL)
			return in->bad = -1;
		in->decls = nv;
		in->decl_cap = cap;
	}
	x = &in->decls[in->ndecl];
	memset(x, 0, sizeof(*x));
	if (assess_status_parse(d->status, &x->status) == -1 ||
	    (x->requirement = strdup(d->requirement)) == NULL)
		return in->bad = -1;
	if ((x->justification = strdup(d->justification)) == NULL) {
		free((char *)x->requirement);
		return in->bad = -1;
	}
	x->nevidence = count_digests(d->evidence);
	in->ndecl++;
	return 0;
}

static int
collect_lab(const struct lab_result *r, int tier, void *arg)
{
	struct inputs		*in = arg;
	struct assess_lab	*x;

	if (in->nlab == in->lab_cap) {
		size_t	 cap = in->lab_cap ? in->lab_cap * 2 : 16;
		void	*nv = realloc(in->labs, cap * sizeof(*in->labs));

		if (nv == NULL)
			return in->bad = -1;
		in->labs = nv;
		in->lab_cap = cap;
	}
	x = &in->labs[in->nlab];
	memset(x, 0, sizeof(*x));
	x->tier = tier;
	if (assess_verdict_parse(r->verdict, &x->verdict) == -1 ||
	    (x->requirement = strdup(r->requirement)) == NULL)
		return in->bad = -1;
	in->nlab++;
	return 0;
}

static void
inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->ndecl; i++) {
		free((char *)in->decls[i].requirement);
		free((char *)in->decls[i].justification);
	}
	for (size_t i = 0; i < in->nlab; i++)
		free((char *)in->labs[i].requirement);
	free(in->decls);
	free(in->labs);
}

/*
 * Runs the engine on the submission's current declarations and the
 * verdicts that count now (the latest report per tier of the lab
 * assigned now).  s must be the scheme version the submission pins.
 * Returns a result the caller frees with assess_free(), or NULL with a
 * message in err (the database failed, or stored answers the engine
 * refuses: that is a bug in the checks on the way in).
 */
struct assess_result *
workflow_assess(struct db *db, const struct submission *sub,
    const struct scheme *s, char *err, size_t errlen)
{
	struct inputs		 in;
	struct assess_result	*res = NULL;

	assert(s != NULL);
	memset(&in, 0, sizeof(in));
	if (store_declaration_list(db, sub->id, collect_decl, &in) !=
	    STORE_OK || (sub->lab_id[0] != '\0' &&
	    store_lab_results_current(db, sub->id, sub->lab_id, collect_lab,
	    &in) != STORE_OK)) {
		snprintf(err, errlen, "the database failed");
		goto done;
	}
	if (in.bad) {
		snprintf(err, errlen, "out of memory or a bad stored value");
		goto done;
	}
	res = assess_run(s, in.decls, in.ndecl, in.labs, in.nlab, err,
	    errlen);
	if (res == NULL)
		log_error("submission %s: the engine refuses the stored "
		    "answers: %s", sub->id, err);
done:
	inputs_free(&in);
	return res;
}

/* ---- changes: one transaction each ---- */

/* Fills why (may be NULL) with field and the sentence; returns rc. */
static int
refuse(struct wf_why *why, int rc, const char *field, const char *fmt, ...)
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

	snprintf(sub->state, sizeof(sub->state), "%s", state_names[WF_DRAFT]);
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
		    json_pack("{s:s, s:I, s:s, s:s}", "sha256", ev->sha256,
		    "size", (json_int_t)ev->size, "media_type", ev->media_type,
		    "filename", ev->filename));
	return end_change(db, rc);
}

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
 * assesses that tier, else any tier of the scheme a lab assesses.
 */
static int
approval_fits(const struct lab_approval *a, const struct submission *sub,
    const struct scheme *s, const char *today)
{
	if (scheme_tier_is_third_party(s, sub->target_tier) == 1)
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
static int
lab_may_assess(struct db *db, const struct submission *sub,
    const char *lab_id, struct wf_why *why)
{
	const struct scheme	*s;
	struct lab_approval	 a;
	struct org		 o;
	char			 day[11];
	int			 rc;

	if ((s = pinned_scheme(db, sub)) == NULL)
		return STORE_ERR;
	store_today(day);
	rc = store_org_get(db, lab_id, &o);
	if (rc == STORE_ERR)
		return STORE_ERR;
	if (rc == STORE_NOTFOUND || strcmp(o.kind, "lab") != 0)
		return refuse(why, WF_LAB_REFUSED, "lab_id", "no lab "
		    "organisation %s", lab_id);
	rc = store_lab_approval_get(db, lab_id, &a);
	if (rc == STORE_ERR)
		return STORE_ERR;
	if (rc == STORE_NOTFOUND)
		return refuse(why, WF_LAB_REFUSED, "lab_id", "lab %s holds no "
		    "approval (PUT /v1/organizations/%s/approval)", lab_id,
		    lab_id);
	if (!approval_fits(&a, sub, s, day))
		return refuse(why, WF_LAB_REFUSED, "lab_id", "lab %s is not "
		    "approved for tier %d of scheme %s today (approval: tiers "
		    "mask 0x%x, scheme \"%s\", valid until %s)", lab_id,
		    sub->target_tier, sub->scheme, a.tiers, a.scheme,
		    a.valid_until);
	return STORE_OK;
}

/*
 * Assigns lab_id to the submission.  Assigning the lab already assigned
 * changes nothing.  WF_BADSTATE when who's role may not assign in this
 * state (workflow_may_assign_lab); WF_LAB_REFUSED with why when lab_id is
 * no lab whose approval fits the submission today (checked here, inside
 * the transaction, so an approval cannot change before the commit).
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
	if ((rc = lab_may_assess(db, sub, lab_id, why)) != STORE_OK)
		return end_change(db, rc);
	if (strcmp(sub->lab_id, lab_id) == 0)
		return end_change(db, STORE_OK);
	memcpy(prev, sub->lab_id, sizeof(prev));
	snprintf(sub->lab_id, sizeof(sub->lab_id), "%s", lab_id);
	if ((rc = store_submission_update(db, sub)) == STORE_OK)
		rc = event(db, who, sub, "lab_assigned", NULL, NULL, NULL,
		    json_pack("{s:s, s:s?}", "lab_id", lab_id,
		    "previous_lab_id", prev[0] ? prev : NULL));
	return end_change(db, rc);
}

/*
 * The reporting rule, inside the change's transaction: the lab of who
 * holds an approval in force today for sub's scheme (WF_LAB_UNAPPROVED
 * otherwise) that covers the report's tier and the tier of every
 * requirement it gives a verdict on (WF_LAB_REFUSED, why names the
 * field).
 */
static int
lab_may_report(struct db *db, const struct principal *who,
    const struct submission *sub, const struct lab_report *rep,
    const struct lab_result *res, size_t n, struct wf_why *why)
{
	const struct scheme	*s;
	struct lab_approval	 a;
	char			 day[11], field[48];
	int			 rc, rt;

	if ((s = pinned_scheme(db, sub)) == NULL)
		return STORE_ERR;
	rc = store_lab_approval_get(db, who->org_id, &a);
	if (rc == STORE_ERR)
		return STORE_ERR;
	store_today(day);
	if (rc == STORE_NOTFOUND)
		return refuse(why, WF_LAB_UNAPPROVED, "", "your lab holds no "
		    "approval: only an approved lab files lab reports");
	if (strcmp(day, a.valid_until) > 0)
		return refuse(why, WF_LAB_UNAPPROVED, "", "your lab's "
		    "approval expired on %s", a.valid_until);
	if (a.scheme[0] != '\0' && strcmp(a.scheme, sub->scheme) != 0)
		return refuse(why, WF_LAB_UNAPPROVED, "", "your lab is "
		    "approved for scheme %s, not %s", a.scheme, sub->scheme);
	if (rep->tier < 1 || rep->tier > LABELD_SCHEME_MAX_TIERS ||
	    (a.tiers & (1u << rep->tier)) == 0)
		return refuse(why, WF_LAB_REFUSED, "tier", "your lab is not "
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
			return refuse(why, WF_LAB_REFUSED, field, "\"%s\" "
			    "belongs to tier %d: your lab is not approved "
			    "for tier %d (approved tiers mask 0x%x)",
			    res[i].requirement, rt, rt, a.tiers);
		}
	}
	return STORE_OK;
}

/*
 * Files report rep (tier and digest set, results checked against the
 * scheme by the caller) for who's lab, which must be the lab assigned now
 * (STORE_NOTFOUND otherwise) and approved for it (lab_may_report:
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
	if ((rc = lab_may_report(db, who, sub, rep, res, n, why)) != STORE_OK)
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
static const struct scheme *
pinned_scheme(struct db *db, const struct submission *sub)
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

	if ((s = pinned_scheme(db, sub)) == NULL)
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
	if ((who->role & action_roles[WF_SUBMIT]) == 0 ||
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
	snprintf(sub->state, sizeof(sub->state), "%s", state_names[next]);
	store_now(sub->submitted_at);
	if ((rc = store_submission_update(db, sub)) == STORE_OK)
		rc = event(db, who, sub, action_events[WF_SUBMIT], from,
		    sub->state, NULL, json_pack("{s:i, s:i}", "target_tier",
		    sub->target_tier, "achieved_tier", *achieved));
	return end_change(db, rc);
}

/* A state change that needs no assessment: review, request_changes, reject. */
static int
transition(struct db *db, const struct principal *who, struct submission *sub,
    int64_t if_revision, enum wf_action action, const char *reason)
{
	enum wf_state	 st, next;
	char		 from[sizeof(sub->state)];
	int		 rc;

	assert(action == WF_REVIEW || action == WF_REQUEST_CHANGES ||
	    action == WF_REJECT);
	if ((rc = begin_change(db, sub, if_revision)) != STORE_OK ||
	    (rc = cur_state(sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if ((who->role & action_roles[action]) == 0 ||
	    workflow_next(st, action, &next) == -1)
		return end_change(db, WF_BADSTATE);
	memcpy(from, sub->state, sizeof(from));
	snprintf(sub->state, sizeof(sub->state), "%s", state_names[next]);
	if (action != WF_REVIEW) {
		snprintf(sub->decision, sizeof(sub->decision), "%s",
		    action_names[action]);
		snprintf(sub->decision_reason, sizeof(sub->decision_reason),
		    "%s", reason);
		store_now(sub->decided_at);
		snprintf(sub->decided_by, sizeof(sub->decided_by), "%s",
		    who->org_id);
	}
	if ((rc = store_submission_update(db, sub)) == STORE_OK)
		rc = event(db, who, sub, action_events[action], from,
		    sub->state, reason, NULL);
	return end_change(db, rc);
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
		return refuse(why, WF_SUPPORT_ENDED, "", "no label can be "
		    "issued: the support period of product %s ended on %s; "
		    "nothing was decided", p.id, p.support_until);
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
	int			 rc;

	*achieved = 0;
	if ((rc = begin_change(db, sub, if_revision)) != STORE_OK ||
	    (rc = cur_state(sub, &st)) != STORE_OK)
		return end_change(db, rc);
	if ((who->role & action_roles[WF_APPROVE]) == 0 ||
	    workflow_next(st, WF_APPROVE, &next) == -1)
		return end_change(db, WF_BADSTATE);
	if ((rc = assess_now(db, sub, &res)) != STORE_OK)
		return end_change(db, rc);
	*achieved = assess_achieved_tier(res);
	if (workflow_check_approval(tier, *achieved, err, sizeof(err)) == -1)
		rc = refuse(why, WF_ABOVE, "tier", "%s", err);
	else if (tier > sub->target_tier)
		rc = refuse(why, WF_ABOVE_TARGET, "tier", "tier %d is above "
		    "the target tier %d the vendor applied for (its SBOM and "
		    "lab were checked up to that tier): approve at tier %d or "
		    "lower", tier, sub->target_tier, sub->target_tier);
	else
		rc = product_supported(db, sub, why);
	if (rc == STORE_OK && ((s = pinned_scheme(db, sub)) == NULL ||
	    workflow_label_id(db, s, time(NULL), sub->label_id,
	    sizeof(sub->label_id)) != STORE_OK))
		rc = STORE_ERR;
	if (rc != STORE_OK) {
		assess_free(res);
		return end_change(db, rc);
	}
	memcpy(from, sub->state, sizeof(from));
	snprintf(sub->state, sizeof(sub->state), "%s", state_names[next]);
	sub->approved_tier = tier;
	snprintf(sub->decision, sizeof(sub->decision), "%s",
	    action_names[WF_APPROVE]);
	snprintf(sub->decision_reason, sizeof(sub->decision_reason), "%s",
	    reason);
	store_now(sub->decided_at);
	snprintf(sub->decided_by, sizeof(sub->decided_by), "%s", who->org_id);
	if ((rc = store_submission_update(db, sub)) == STORE_OK)
		rc = event(db, who, sub, action_events[WF_APPROVE], from,
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
	assess_free(res);
	return end_change(db, rc);
}
