/*
 * assess.c: the assessment engine (rules in assess.h).
 *
 * The engine first folds every input into one small record per requirement,
 * then decides each requirement alone, then derives the tiers.  Deciding per
 * requirement is what makes the engine monotone: a conformant declaration or a
 * lab pass can only turn that requirement's gap into no gap, so it can never
 * lower a tier (tests/check_assess.c checks this on random inputs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "errfmt.h"

/* What the inputs say about one requirement. */
struct fold {
	const struct assess_decl	*decl;	/* NULL when not declared */
	long				 decl_index;
	unsigned char			 lab_pass, lab_fail, lab_na;
	/* Bit T: a verdict from the tier-T report. */
	unsigned			 lab_tiers;
};

/* One gap as decided, kept to word its next step for a situation. */
struct gap_rec {
	json_t			*g;	/* a reference; the tiers' lists share it */
	enum assess_reason	 reason;
	enum scheme_mode	 mode;
	int			 evidence, conditions;
	int			 lab;	/* a lab gives verdicts on it */
};

struct assess_result {
	int		 ntiers, achieved;
	unsigned char	 satisfied[LABELD_SCHEME_MAX_TIERS + 1];
	json_t		*doc;	/* the assessment document */
	json_t		*met;	/* [{id, tier}] met, in scheme order */
	struct gap_rec	*gaps;
	size_t		 ngaps;
};

static const char *const reason_names[] = {
	[ASSESS_GAP_NONE] = "satisfied",
	[ASSESS_GAP_MISSING] = "missing",
	[ASSESS_GAP_NON_CONFORMANT] = "non_conformant",
	[ASSESS_GAP_EVIDENCE_MISSING] = "evidence_missing",
	[ASSESS_GAP_NA_WITHOUT_JUSTIFICATION] =
	    "not_applicable_without_justification",
	[ASSESS_GAP_NA_NOT_ALLOWED] = "not_applicable_not_allowed",
	[ASSESS_GAP_NEEDS_LAB_RESULT] = "needs_lab_result",
	[ASSESS_GAP_LAB_FAILED] = "lab_failed",
	[ASSESS_GAP_EVIDENCE_KIND] = "evidence_wrong_kind",
	[ASSESS_GAP_VULNERABILITY] = "vulnerability_unresolved",
};

/* Plain words for vendors without compliance staff: what to do next. */
static const char *const reason_details[] = {
	[ASSESS_GAP_NONE] = "",
	[ASSESS_GAP_MISSING] =
	    "You have not answered this requirement yet. "
	    "Declare it conformant (with evidence) once your product meets it.",
	[ASSESS_GAP_NON_CONFORMANT] =
	    "You declared that the product does not meet this requirement. "
	    "Fix the product, then declare it conformant.",
	[ASSESS_GAP_EVIDENCE_MISSING] =
	    "You declared this requirement conformant but attached no "
	    "evidence. Upload the evidence the guidance describes.",
	[ASSESS_GAP_NA_WITHOUT_JUSTIFICATION] =
	    "You declared this requirement not applicable. "
	    "Say in the justification which condition does not hold for your "
	    "product and why.",
	[ASSESS_GAP_NA_NOT_ALLOWED] =
	    "This requirement applies to every product: "
	    "it cannot be declared not applicable.",
	[ASSESS_GAP_NEEDS_LAB_RESULT] =
	    "Only an approved lab can satisfy this requirement: it needs "
	    "the lab's pass, and no lab has given a verdict on it yet.",
	[ASSESS_GAP_LAB_FAILED] =
	    "The approved lab found the product does not meet this "
	    "requirement.",
	[ASSESS_GAP_EVIDENCE_KIND] =
	    "You declared this requirement conformant with evidence, but "
	    "none of it is of a kind this requirement asks for "
	    "(evidence_kinds).",
	[ASSESS_GAP_VULNERABILITY] =
	    "A known vulnerability of the product at or above the scheme's "
	    "severity threshold is neither fixed in the submitted version nor "
	    "accounted for.",
};

static int
has_text(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return 0;
	/* Bounded like any scheme text: a longer justification is still one. */
	for (i = 0; i < LABELD_SCHEME_MAX_TEXT_LEN && s[i] != '\0'; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 1;
	return 0;
}

/* Fold the inputs per requirement, rejecting what cannot be a valid state. */
static int
fold_inputs(const struct scheme *s, struct fold *f,
    const struct assess_decl *decls, size_t ndecl,
    const struct assess_lab *labs, size_t nlab, char *err, size_t errlen)
{
	const struct assess_decl		*d;
	const struct assess_lab			*l;
	const struct scheme_requirement		*r;
	size_t					 i;
	long					 k;

	if ((ndecl > 0 && decls == NULL) || (nlab > 0 && labs == NULL)) {
		errfmt(err, errlen, "no input array");
		return -1;
	}
	for (i = 0; i < ndecl; i++) {
		d = &decls[i];
		k = scheme_requirement_index(s, d->requirement);
		if (k < 0) {
			errfmt(err, errlen, "declaration %zu: unknown "
			    "requirement \"%.64s\" in scheme %s version %d", i,
			    d->requirement != NULL ? d->requirement : "(null)",
			    scheme_id(s), scheme_version(s));
			return -1;
		}
		if (d->status != ASSESS_CONFORMANT &&
		    d->status != ASSESS_NOT_APPLICABLE &&
		    d->status != ASSESS_NON_CONFORMANT) {
			errfmt(err, errlen, "declaration %zu: invalid status",
			    i);
			return -1;
		}
		if (f[k].decl != NULL) {
			errfmt(err, errlen, "declaration %zu: requirement "
			    "\"%s\" already declared by declaration %ld", i,
			    d->requirement, f[k].decl_index);
			return -1;
		}
		f[k].decl = d;
		f[k].decl_index = (long)i;
	}
	for (i = 0; i < nlab; i++) {
		l = &labs[i];
		k = scheme_requirement_index(s, l->requirement);
		if (k < 0) {
			errfmt(err, errlen, "lab result %zu: unknown "
			    "requirement \"%.64s\" in scheme %s version %d", i,
			    l->requirement != NULL ? l->requirement : "(null)",
			    scheme_id(s), scheme_version(s));
			return -1;
		}
		r = scheme_requirement_at(s, (size_t)k);
		if (l->tier < 1 || l->tier > scheme_ntiers(s)) {
			errfmt(err, errlen, "lab result %zu: tier %d "
			    "outside 1..%d", i, l->tier, scheme_ntiers(s));
			return -1;
		}
		if (l->tier < r->tier) {
			errfmt(err, errlen, "lab result %zu: requirement "
			    "\"%s\" belongs to tier %d, not covered by a "
			    "tier %d report", i, r->id, r->tier, l->tier);
			return -1;
		}
		if (f[k].lab_tiers & (1u << l->tier)) {
			errfmt(err, errlen, "lab result %zu: second verdict on "
			    "\"%s\" in the tier %d report", i, r->id, l->tier);
			return -1;
		}
		f[k].lab_tiers |= 1u << l->tier;
		switch (l->verdict) {
		case ASSESS_PASS:
			f[k].lab_pass = 1;
			break;
		case ASSESS_FAIL:
			f[k].lab_fail = 1;
			break;
		case ASSESS_VERDICT_NA:
			f[k].lab_na = 1;
			break;
		default:
			errfmt(err, errlen, "lab result %zu: invalid verdict",
			    i);
			return -1;
		}
	}
	return 0;
}

/*
 * Decide one requirement.  *met is set when it was met by a conformant
 * declaration or a lab pass (as opposed to being not applicable).
 */
/* 1 when one of d's evidence items is of a kind requirement i asks for. */
static int
evidence_fits(const struct scheme *s, size_t i, const struct assess_decl *d)
{
	const char	*k;

	if (d->evidence_kinds == NULL)
		return 1;
	for (size_t e = 0; e < d->nevidence; e++)
		for (size_t j = 0; d->evidence_kinds[e] != NULL &&
		    (k = scheme_requirement_evidence(s, i, j)) != NULL; j++)
			if (strcmp(k, d->evidence_kinds[e]) == 0)
				return 1;
	return 0;
}

static enum assess_reason
decide(const struct scheme *s, size_t i, const struct fold *f, int *met)
{
	const struct scheme_requirement	*r = scheme_requirement_at(s, i);
	const struct assess_decl	*d = f->decl;

	*met = 0;
	if (f->lab_fail)
		return ASSESS_GAP_LAB_FAILED;
	if (r->mode == SCHEME_THIRD_PARTY) {
		if (d != NULL && d->status == ASSESS_NON_CONFORMANT)
			return ASSESS_GAP_NON_CONFORMANT;
		if (f->lab_pass) {
			*met = 1;
			return ASSESS_GAP_NONE;
		}
		if (f->lab_na)
			return r->obligation == SCHEME_MANDATORY ?
			    ASSESS_GAP_NA_NOT_ALLOWED : ASSESS_GAP_NONE;
		return ASSESS_GAP_NEEDS_LAB_RESULT;
	}
	if (d == NULL)
		return ASSESS_GAP_MISSING;
	switch (d->status) {
	case ASSESS_CONFORMANT:
		if (r->nevidence_kinds > 0 && d->nevidence == 0)
			return ASSESS_GAP_EVIDENCE_MISSING;
		if (r->nevidence_kinds > 0 && !evidence_fits(s, i, d))
			return ASSESS_GAP_EVIDENCE_KIND;
		break;
	case ASSESS_NOT_APPLICABLE:
		if (r->obligation == SCHEME_MANDATORY)
			return ASSESS_GAP_NA_NOT_ALLOWED;
		if (!has_text(d->justification))
			return ASSESS_GAP_NA_WITHOUT_JUSTIFICATION;
		break;
	case ASSESS_NON_CONFORMANT:
		return ASSESS_GAP_NON_CONFORMANT;
	default:
		return ASSESS_GAP_MISSING;
	}
	/* A lab-reviewed tier: the declaration stands once a lab agrees. */
	if (scheme_tier_lab_review(s, r->tier) == 1 && !f->lab_pass &&
	    !f->lab_na)
		return ASSESS_GAP_NEEDS_LAB_RESULT;
	*met = d->status == ASSESS_CONFORMANT;
	return ASSESS_GAP_NONE;
}

static json_t *
gap_json(const struct scheme *s, size_t i, const struct scheme_requirement *r,
    enum assess_reason reason)
{
	json_t		*g = json_object(), *conds = NULL, *kinds;
	const char	*cond, *kind;
	size_t		 j;

	if (g == NULL)
		return NULL;
	if (json_object_set_new(g, "requirement", json_string(r->id)) < 0 ||
	    json_object_set_new(g, "title", json_string(r->title)) < 0 ||
	    json_object_set_new(g, "tier", json_integer(r->tier)) < 0 ||
	    json_object_set_new(g, "reason",
	    json_string(reason_names[reason])) < 0 ||
	    json_object_set_new(g, "detail",
	    json_string(reason_details[reason])) < 0 ||
	    json_object_set_new(g, "guidance", json_string(r->guidance)) < 0)
		goto fail;
	/*
	 * The conditions tell the vendor when not_applicable is an option,
	 * the kinds what evidence the requirement takes: both in words.
	 */
	if (r->nconditions > 0) {
		conds = json_array();
		if (conds == NULL)
			goto fail;
		for (j = 0; j < r->nconditions; j++) {
			cond = scheme_requirement_condition(s, i, j);
			if (json_array_append_new(conds, json_pack("{s:s, s:s}",
			    "id", cond, "text", scheme_condition_text(s,
			    cond))) < 0)
				goto fail;
		}
		if (json_object_set_new(g, "conditions", conds) < 0) {
			conds = NULL;
			goto fail;
		}
	}
	if ((kinds = json_array()) == NULL ||
	    json_object_set_new(g, "evidence_kinds", kinds) < 0)
		goto fail;
	for (j = 0; j < r->nevidence_kinds; j++) {
		kind = scheme_requirement_evidence(s, i, j);
		if (json_array_append_new(kinds, json_pack("{s:s, s:s}", "id",
		    kind, "description", scheme_evidence_kind_description(s,
		    kind))) < 0)
			goto fail;
	}
	return g;
fail:
	json_decref(conds);
	json_decref(g);
	return NULL;
}

/*
 * {actor, action} with each "{id}" and "{product_id}" in what replaced by
 * the ids sit names (ids are short: an action stays well within out).
 */
static json_t *
step(const char *actor, const char *what, const struct assess_situation *sit)
{
	char		 out[1024];
	const char	*val;
	size_t		 o = 0, n;

	while (*what != '\0' && o + 1 < sizeof(out)) {
		val = NULL;
		if (strncmp(what, "{id}", 4) == 0)
			val = sit->submission_id;
		else if (strncmp(what, "{product_id}", 12) == 0)
			val = sit->product_id;
		if (val == NULL) {
			out[o++] = *what++;
			continue;
		}
		if ((n = strlen(val)) + o + 1 >= sizeof(out))
			break;
		memcpy(out + o, val, n);
		o += n;
		what = strchr(what, '}') + 1;
	}
	out[o] = '\0';
	return json_pack("{s:s, s:s}", "actor", actor, "action", out);
}

/*
 * The next step on a gap: who acts ("vendor", "lab", "regulator" or
 * "none") and what to do, for the submission's situation.
 */
static json_t *
next_step(const struct gap_rec *x, const struct assess_situation *sit)
{
	const char	*actor = "vendor", *what = NULL;
	char		 buf[512];

	if (sit->stage == ASSESS_STAGE_CLOSED)
		return step("none", "The submission is decided or "
		    "withdrawn: nothing more happens on it; open a new submission (POST "
		    "/v1/submissions) to close this gap.", sit);
	/* A lab files verdicts until the decision, in every open stage. */
	if (sit->lab_assigned &&
	    ((x->lab && x->reason == ASSESS_GAP_NEEDS_LAB_RESULT) ||
	    (x->mode == SCHEME_THIRD_PARTY &&
	    x->reason == ASSESS_GAP_NA_NOT_ALLOWED)))
		return step("lab", x->reason == ASSESS_GAP_NEEDS_LAB_RESULT ?
		    "The assigned lab tests the requirement and files its "
		    "verdict (POST /v1/submissions/{id}/lab-reports)." :
		    "The requirement applies to every product: the assigned "
		    "lab tests it and files pass or fail (POST "
		    "/v1/submissions/{id}/lab-reports).", sit);
	if (sit->stage == ASSESS_STAGE_REVIEW)
		return step("regulator", "The submission is with the "
		    "regulator, who decides or requests changes (POST "
		    "/v1/submissions/{id}/decision); the vendor acts on "
		    "this gap after a request for changes.", sit);
	switch (x->reason) {
	case ASSESS_GAP_MISSING:
		snprintf(buf, sizeof(buf), "Declare the requirement (PUT "
		    "/v1/submissions/{id}/declarations): conformant once the "
		    "product meets it%s%s.", x->evidence ? ", naming evidence "
		    "of a kind in evidence_kinds uploaded with POST "
		    "/v1/submissions/{id}/evidence?kind=KIND" : "",
		    x->conditions ? "; or not_applicable with a justification "
		    "naming which of its conditions does not hold" : "");
		what = buf;
		break;
	case ASSESS_GAP_NON_CONFORMANT:
		if (x->mode == SCHEME_THIRD_PARTY) {
			actor = "regulator";
			what = "A non_conformant declaration on this lab "
			    "requirement, recorded before such declarations "
			    "were refused, blocks it: the regulator rejects "
			    "or the vendor opens a new submission.";
		} else
			what = "Fix the product, then declare the requirement "
			    "conformant (PUT /v1/submissions/{id}/"
			    "declarations).";
		break;
	case ASSESS_GAP_EVIDENCE_MISSING:
		what = "Upload evidence of a kind in evidence_kinds (POST "
		    "/v1/submissions/{id}/evidence?kind=KIND) and name its "
		    "sha256 in the declaration's evidence (PUT "
		    "/v1/submissions/{id}/declarations).";
		break;
	case ASSESS_GAP_VULNERABILITY:
		snprintf(buf, sizeof(buf), "Fix %s in the submitted version "
		    "and record it fixed with fixed_in_version, or account for "
		    "it: not_affected or mitigated with a justification (PATCH "
		    "/v1/products/{product_id}/vulnerabilities/%s).",
		    json_string_value(json_object_get(x->g, "vulnerability")),
		    json_string_value(json_object_get(x->g, "vulnerability")));
		what = buf;
		break;
	case ASSESS_GAP_EVIDENCE_KIND:
		what = "Upload evidence of a kind in evidence_kinds (POST "
		    "/v1/submissions/{id}/evidence?kind=KIND) and add its "
		    "sha256 to the declaration's evidence (PUT "
		    "/v1/submissions/{id}/declarations).";
		break;
	case ASSESS_GAP_NA_WITHOUT_JUSTIFICATION:
		what = "Declare it not_applicable again with a justification "
		    "naming the condition that does not hold for the product "
		    "and why (PUT /v1/submissions/{id}/declarations).";
		break;
	case ASSESS_GAP_NA_NOT_ALLOWED:
		what = x->mode == SCHEME_THIRD_PARTY ? "The requirement "
		    "applies to every product: assign an approved lab (GET "
		    "/v1/labs, PUT /v1/submissions/{id}/lab) to test it." :
		    "The requirement applies to every product: declare it "
		    "conformant once the product meets it (PUT "
		    "/v1/submissions/{id}/declarations).";
		break;
	case ASSESS_GAP_NEEDS_LAB_RESULT:
		what = "No lab is assigned: choose a lab approved for this "
		    "tier (GET /v1/labs) and assign it (PUT "
		    "/v1/submissions/{id}/lab); the lab then tests the "
		    "requirement and files its verdict.";
		break;
	case ASSESS_GAP_LAB_FAILED:
		what = "Fix what the lab report found, then ask the assigned "
		    "lab for a retest: its newer verdict on this requirement "
		    "replaces the fail (the fail stays on record).";
		break;
	case ASSESS_GAP_NONE:
		return NULL;
	}
	return step(actor, what, sit);
}

/* Sets every gap's next_step for sit: 0, or -1 when out of memory. */
static int
situate(struct assess_result *res, const struct assess_situation *sit)
{
	for (size_t i = 0; i < res->ngaps; i++)
		if (json_object_set_new(res->gaps[i].g, "next_step",
		    next_step(&res->gaps[i], sit)) < 0)
			return -1;
	return 0;
}

/* Rank of a CycloneDX severity name; unknown ones rank above critical. */
static int
severity_rank(const char *sev)
{
	static const char *const names[] = {
		"none", "info", "low", "medium", "high", "critical"
	};

	for (size_t i = 0; sev != NULL && i < sizeof(names) /
	    sizeof(names[0]); i++)
		if (strcmp(sev, names[i]) == 0)
			return (int)i;
	return (int)(sizeof(names) / sizeof(names[0]));
}

/*
 * Adds a gap of tier sbom_from_tier (and above) for each unresolved
 * vulnerability at or above the scheme's threshold.  0, or -1.
 */
static int
vuln_gaps(const struct scheme *s, struct assess_result *res,
    const struct assess_vuln *vulns, size_t nvuln, json_t **gaps)
{
	const char	*thr = scheme_vulnerability_threshold(s);
	int		 from = scheme_sbom_from_tier(s), t;
	json_t		*g;
	char		 title[160];

	for (size_t i = 0; thr != NULL && i < nvuln; i++) {
		const struct assess_vuln *v = &vulns[i];
		int	 known = v->severity != NULL && *v->severity != '\0';

		if (v->resolved ||
		    severity_rank(v->severity) < severity_rank(thr))
			continue;
		snprintf(title, sizeof(title), "Vulnerability %.64s (severity "
		    "%.16s; the scheme's threshold is %s)", v->id, known ?
		    v->severity : "unknown", thr);
		g = json_pack("{s:n, s:s, s:s?, s:s, s:i, s:s, s:s, s:s, "
		    "s:[]}", "requirement", "vulnerability", v->id, "severity",
		    known ? v->severity : NULL, "title", title, "tier", from,
		    "reason", reason_names[ASSESS_GAP_VULNERABILITY], "detail",
		    reason_details[ASSESS_GAP_VULNERABILITY], "guidance",
		    known ? "Account for every known vulnerability of the "
		    "product's components at or above the threshold before a "
		    "label at this tier." : "A vulnerability without a "
		    "severity counts as above the threshold: give its "
		    "severity, or fix or account for it.", "evidence_kinds");
		if (g == NULL)
			return -1;
		res->gaps[res->ngaps++] = (struct gap_rec){ json_incref(g),
		    ASSESS_GAP_VULNERABILITY, SCHEME_SELF_DECLARATION, 0, 0,
		    0 };
		for (t = from; t <= res->ntiers; t++)
			if (json_array_append(gaps[t], g) < 0) {
				json_decref(g);
				return -1;
			}
		json_decref(g);
	}
	return 0;
}

static int
build(const struct scheme *s, struct assess_result *res, const struct fold *f,
    const struct assess_vuln *vulns, size_t nvuln)
{
	json_t	*tiers = NULL, *gaps[LABELD_SCHEME_MAX_TIERS + 1] = { NULL };
	size_t	 i, n = scheme_nrequirements(s);
	int	 t, rc = -1;

	for (t = 1; t <= res->ntiers; t++) {
		gaps[t] = json_array();
		if (gaps[t] == NULL)
			goto done;
	}
	res->met = json_array();
	tiers = json_array();
	if (n + nvuln > 0 &&
	    (res->gaps = calloc(n + nvuln, sizeof(*res->gaps))) == NULL)
		goto done;
	res->doc = json_pack("{s:s, s:i, s:i}", "scheme", scheme_id(s),
	    "scheme_version", scheme_version(s), "achieved_tier", 0);
	if (res->met == NULL || tiers == NULL || res->doc == NULL)
		goto done;

	for (i = 0; i < n; i++) {
		const struct scheme_requirement	*r;
		enum assess_reason		 reason;
		json_t				*g;
		int				 met;

		r = scheme_requirement_at(s, i);
		reason = decide(s, i, &f[i], &met);
		if (met && json_array_append_new(res->met,
		    json_pack("{s:s, s:i}", "id", r->id, "tier", r->tier)) < 0)
			goto done;
		if (reason == ASSESS_GAP_NONE ||
		    r->obligation == SCHEME_RECOMMENDED)
			continue;
		g = gap_json(s, i, r, reason);
		if (g == NULL)
			goto done;
		res->gaps[res->ngaps++] = (struct gap_rec){ json_incref(g),
		    reason, r->mode, r->nevidence_kinds > 0,
		    r->nconditions > 0, r->mode == SCHEME_THIRD_PARTY ||
		    scheme_tier_lab_review(s, r->tier) == 1 };
		/*
		 * Cumulative tiers: the gap blocks its own tier and every
		 * tier above.
		 */
		for (t = r->tier; t <= res->ntiers; t++)
			if (json_array_append(gaps[t], g) < 0) {
				json_decref(g);
				goto done;
			}
		json_decref(g);
	}
	if (vuln_gaps(s, res, vulns, nvuln, gaps) < 0)
		goto done;

	res->achieved = 0;
	for (t = 1; t <= res->ntiers; t++) {
		json_t	*o;

		/*
		 * Gaps of tier t include those of all lower tiers, so
		 * "satisfied" is already monotone in t.
		 */
		res->satisfied[t] = json_array_size(gaps[t]) == 0;
		if (res->satisfied[t])
			res->achieved = t;
		o = json_pack("{s:i, s:s, s:s, s:b, s:O}", "tier", t,
		    "name", scheme_tier_name(s, t),
		    "mode", scheme_tier_is_third_party(s, t) ?
		    "third_party" : "self_declaration",
		    "satisfied", res->satisfied[t], "gaps", gaps[t]);
		if (o == NULL || json_array_append_new(tiers, o) < 0)
			goto done;
	}
	if (json_object_set_new(res->doc, "achieved_tier",
	    json_integer(res->achieved)) < 0 ||
	    json_object_set(res->doc, "tiers", tiers) < 0 ||
	    situate(res, &(const struct assess_situation){
	    ASSESS_STAGE_OPEN, 0, NULL, NULL }) < 0)
		goto done;
	rc = 0;
done:
	for (t = 1; t <= LABELD_SCHEME_MAX_TIERS; t++)
		json_decref(gaps[t]);
	json_decref(tiers);
	return rc;
}

/*
 * Assesses decls, labs and vulns against s.  A new result the caller
 * frees with assess_free(), or NULL with a message in err (invalid input,
 * out of memory).
 */
struct assess_result *
assess_run_vulns(const struct scheme *s, const struct assess_decl *decls,
    size_t ndecl, const struct assess_lab *labs, size_t nlab,
    const struct assess_vuln *vulns, size_t nvuln, char *err, size_t errlen)
{
	struct assess_result	*res = NULL;
	struct fold		*f = NULL;
	size_t			 n;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (s == NULL) {
		errfmt(err, errlen, "no scheme");
		return NULL;
	}
	if (nvuln > 0 && vulns == NULL) {
		errfmt(err, errlen, "no input array");
		return NULL;
	}
	for (size_t i = 0; i < nvuln; i++)
		if (vulns[i].id == NULL) {
			errfmt(err, errlen, "vulnerability %zu: no id", i);
			return NULL;
		}
	n = scheme_nrequirements(s);
	f = calloc(n, sizeof(*f));
	res = calloc(1, sizeof(*res));
	if (f == NULL || res == NULL) {
		errfmt(err, errlen, "out of memory");
		goto fail;
	}
	res->ntiers = scheme_ntiers(s);
	if (fold_inputs(s, f, decls, ndecl, labs, nlab, err, errlen) < 0)
		goto fail;
	if (build(s, res, f, vulns, nvuln) < 0) {
		errfmt(err, errlen, "out of memory");
		goto fail;
	}
	free(f);
	return res;
fail:
	free(f);
	assess_free(res);
	return NULL;
}

/* assess_run_vulns without vulnerabilities. */
struct assess_result *
assess_run(const struct scheme *s, const struct assess_decl *decls,
    size_t ndecl, const struct assess_lab *labs, size_t nlab, char *err,
    size_t errlen)
{
	return assess_run_vulns(s, decls, ndecl, labs, nlab, NULL, 0, err,
	    errlen);
}

/*
 * Words every gap's next step for sit: 0, or -1 when out of memory (the
 * steps may then be mixed; the caller drops the result).
 */
int
assess_situate(struct assess_result *r, const struct assess_situation *sit)
{
	return situate(r, sit);
}

/* The highest satisfied tier of r, 0 when none. */
int
assess_achieved_tier(const struct assess_result *r)
{
	return r->achieved;
}

/* 1 when tier is satisfied, 0 when not, -1 when out of range. */
int
assess_tier_satisfied(const struct assess_result *r, int tier)
{
	if (tier < 1 || tier > r->ntiers)
		return -1;
	return r->satisfied[tier];
}

/* The assessment document: a new reference, or NULL when out of memory. */
json_t *
assess_to_json(const struct assess_result *r)
{
	/*
	 * A deep copy: the caller may edit what it gets (add ids, ETags)
	 * without touching the result, which other threads may read.
	 */
	return json_deep_copy(r->doc);
}

/*
 * The gaps of tier: a new reference, or NULL when tier is out of range or
 * out of memory.
 */
json_t *
assess_gaps_json(const struct assess_result *r, int tier)
{
	const json_t	*t;

	if (tier < 1 || tier > r->ntiers)
		return NULL;
	t = json_array_get(json_object_get(r->doc, "tiers"), (size_t)tier - 1);
	return json_deep_copy(json_object_get(t, "gaps"));
}

/*
 * The ids of the requirements of tiers 1..tier that were met: a new array,
 * or NULL when tier is out of range or out of memory.
 */
json_t *
assess_requirements_met(const struct assess_result *r, int tier)
{
	const json_t	*m;
	json_t		*out;
	size_t		 i;

	if (tier < 0 || tier > r->ntiers)
		return NULL;
	out = json_array();
	if (out == NULL)
		return NULL;
	for (i = 0; i < json_array_size(r->met); i++) {
		m = json_array_get(r->met, i);
		if (json_integer_value(json_object_get(m, "tier")) > tier)
			continue;
		if (json_array_append(out, json_object_get(m, "id")) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* Frees r and what it holds; NULL is allowed. */
void
assess_free(struct assess_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->ngaps; i++)
		json_decref(r->gaps[i].g);
	free(r->gaps);
	json_decref(r->doc);
	json_decref(r->met);
	free(r);
}

/* The HTTP contract's name of st (a static string), NULL when unknown. */
const char *
assess_status_name(enum assess_status st)
{
	switch (st) {
	case ASSESS_CONFORMANT:
		return "conformant";
	case ASSESS_NOT_APPLICABLE:
		return "not_applicable";
	case ASSESS_NON_CONFORMANT:
		return "non_conformant";
	}
	return NULL;
}

/* The status named name into *out: 0, or -1 when name is NULL or unknown. */
int
assess_status_parse(const char *name, enum assess_status *out)
{
	static const enum assess_status	 all[] = {
		ASSESS_CONFORMANT, ASSESS_NOT_APPLICABLE, ASSESS_NON_CONFORMANT
	};
	size_t				 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(name, assess_status_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}

/* The HTTP contract's name of v (a static string), NULL when unknown. */
const char *
assess_verdict_name(enum assess_verdict v)
{
	switch (v) {
	case ASSESS_PASS:
		return "pass";
	case ASSESS_FAIL:
		return "fail";
	case ASSESS_VERDICT_NA:
		return "not_applicable";
	}
	return NULL;
}

/* The verdict named name into *out: 0, or -1 when name is NULL or unknown. */
int
assess_verdict_parse(const char *name, enum assess_verdict *out)
{
	static const enum assess_verdict	 all[] = {
		ASSESS_PASS, ASSESS_FAIL, ASSESS_VERDICT_NA
	};
	size_t					 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(name, assess_verdict_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}

/* The HTTP contract's name of reason (a static string), NULL when unknown. */
const char *
assess_reason_name(enum assess_reason reason)
{
	if ((unsigned)reason >= sizeof(reason_names) / sizeof(reason_names[0]))
		return NULL;
	return reason_names[reason];
}
