/*
 * assess.h: the assessment engine.
 *
 * A pure function of (scheme version, declarations, lab results) -> achieved
 * tier and, for every tier, whether it is satisfied and what is missing.  No
 * request parsing, no SQL, no HTTP, no clock: the same inputs always give the
 * same answer, so an assessment can be recomputed and audited at any time.
 *
 * Rules (the scheme file says which requirement is which):
 *  - Tiers are cumulative: tier N is satisfied when every mandatory and
 *    conditional requirement of tiers 1..N is.  achieved_tier is the highest
 *    satisfied tier, 0 when none is.
 *  - A self_declaration requirement is satisfied by the vendor's conformant
 *    declaration (with evidence of one of its kinds when the requirement
 *    lists evidence kinds), or
 *    by a not_applicable declaration with a justification when the requirement
 *    is conditional.
 *  - In a tier the scheme has reviewed by a lab ("lab_review"), a
 *    self_declaration requirement also needs the lab's pass (or its
 *    not_applicable) on top of the declaration.
 *  - A third_party requirement is satisfied only by an approved lab's pass (or
 *    the lab's not_applicable for a conditional requirement); declarations
 *    never satisfy it.
 *  - A lab's fail beats anything the vendor declares; a vendor's own
 *    non_conformant is a gap even if a lab passed the requirement.
 *  - Recommended requirements never block a tier.
 */
#ifndef LABELD_ASSESS_H
#define LABELD_ASSESS_H

#include <stddef.h>
#include <jansson.h>

#include "scheme.h"

enum assess_status {
	ASSESS_CONFORMANT,
	ASSESS_NOT_APPLICABLE,
	ASSESS_NON_CONFORMANT
};

enum assess_verdict {
	ASSESS_PASS,
	ASSESS_FAIL,
	ASSESS_VERDICT_NA
};

/*
 * Why a requirement blocks a tier (ASSESS_GAP_...), and its name
 * (assess_reason_name), part of the HTTP contract: clients switch on them.
 *   NONE                      "satisfied": not a gap
 *   MISSING                   "missing": no declaration
 *   NON_CONFORMANT            "non_conformant": the vendor says unmet
 *   EVIDENCE_MISSING          "evidence_missing"
 *   EVIDENCE_KIND             "evidence_wrong_kind": evidence attached,
 *                             none of a kind the requirement asks for
 *   NA_WITHOUT_JUSTIFICATION  "not_applicable_without_justification"
 *   NA_NOT_ALLOWED            "not_applicable_not_allowed": unconditional
 *   NEEDS_LAB_RESULT          "needs_lab_result": third_party, no verdict
 *   LAB_FAILED                "lab_failed": a lab's fail
 *   VULNERABILITY             "vulnerability_unresolved": an open
 *                             vulnerability at or above the threshold
 */
enum assess_reason {
	ASSESS_GAP_NONE = 0,
	ASSESS_GAP_MISSING,
	ASSESS_GAP_NON_CONFORMANT,
	ASSESS_GAP_EVIDENCE_MISSING,
	ASSESS_GAP_NA_WITHOUT_JUSTIFICATION,
	ASSESS_GAP_NA_NOT_ALLOWED,
	ASSESS_GAP_NEEDS_LAB_RESULT,
	ASSESS_GAP_LAB_FAILED,
	ASSESS_GAP_EVIDENCE_KIND,
	ASSESS_GAP_VULNERABILITY
};

/*
 * One vendor declaration.  Strings are borrowed for the duration of the
 * call.
 */
struct assess_decl {
	const char		*requirement;
	enum assess_status	 status;
	const char		*justification;	/* NULL or blank: none */
	size_t			 nevidence;	/* evidence items attached */
	/*
	 * The kind of each of the nevidence items (an evidence kind id of
	 * the scheme, or NULL when unknown); NULL when the caller does not
	 * know kinds, and then any item counts.
	 */
	const char *const	*evidence_kinds;
};

/*
 * One verdict of an approved lab, from its report for tier.  A report for
 * tier T may cover requirements of tiers 1..T.  requirement is borrowed
 * for the duration of the call.
 */
struct assess_lab {
	const char		*requirement;
	enum assess_verdict	 verdict;
	int			 tier;
};

/*
 * One vulnerability recorded on the product, judged by the caller against
 * the submitted version: resolved when fixed in that version (or one
 * before it) or accounted for (not_affected, or mitigated with a
 * justification).  Strings borrowed for the call.  When the scheme sets a
 * vulnerability_threshold, an unresolved one at or above it (an unknown
 * severity counts as above) is a gap of the scheme's sbom_from_tier.
 */
struct assess_vuln {
	const char		*id;
	const char		*severity;	/* NULL or "": unknown */
	int			 resolved;
};

struct assess_result;

/*
 * Assesses decls (ndecl of them) and labs (nlab) against scheme s.  Returns
 * a new result the caller frees with assess_free(), or NULL with a message
 * in err when the input is invalid: an unknown requirement id, a second
 * declaration for the same requirement, a second lab verdict for the same
 * requirement and tier, a lab tier outside 1..ntiers or below the
 * requirement's tier, an out-of-range enum; or on out of memory.  Callers
 * give the current state only (e.g. the latest report per tier).  The
 * result does not borrow from s or the inputs.
 */
struct assess_result *assess_run(const struct scheme *s,
	    const struct assess_decl *decls, size_t ndecl,
	    const struct assess_lab *labs, size_t nlab, char *err,
	    size_t errlen);

/*
 * Where the submission stands, for the next step of each gap: who acts
 * now depends on it (the vendor while it may declare, the lab while a
 * lab verdict is missing and a lab is assigned, the regulator while it
 * holds the submission; nobody once it is final).
 */
enum assess_stage {
	ASSESS_STAGE_OPEN = 0,	/* draft, changes_requested: the vendor's */
	ASSESS_STAGE_REVIEW,	/* submitted, under_review: the regulator's */
	ASSESS_STAGE_CLOSED	/* decided or withdrawn */
};

struct assess_situation {
	enum assess_stage	 stage;
	int			 lab_assigned;
	/* Put for "{id}" in the routes named; NULL keeps "{id}".  Borrowed. */
	const char		*submission_id;
	/* Likewise for "{product_id}". */
	const char		*product_id;
};

/*
 * Words each gap's next_step for sit ({stage OPEN, no lab} until called).
 * 0, or -1 when out of memory.  Call before sharing r between threads.
 */
int	 assess_situate(struct assess_result *r,
	    const struct assess_situation *sit);

/*
 * assess_run with the product's vulnerabilities (nvuln of them) too; gaps
 * of vulnerabilities carry "vulnerability" and "severity" and a null
 * "requirement".  NULL with err as assess_run (also for a NULL id).
 */
struct assess_result *assess_run_vulns(const struct scheme *s,
	    const struct assess_decl *decls, size_t ndecl,
	    const struct assess_lab *labs, size_t nlab,
	    const struct assess_vuln *vulns, size_t nvuln, char *err,
	    size_t errlen);

/* Highest satisfied tier, 0 when none. */
int	 assess_achieved_tier(const struct assess_result *r);

/* 1 when tier is satisfied, 0 when not, -1 when tier is out of range. */
int	 assess_tier_satisfied(const struct assess_result *r, int tier);

/*
 * The assessment document, a new reference the caller owns (NULL when out
 * of memory):
 * {scheme, scheme_version, achieved_tier,
 *  tiers: [{tier, name, mode, satisfied,
 *           gaps: [{requirement, title, tier, reason, detail, guidance,
 *                   conditions?: [{id, text}],
 *                   evidence_kinds: [{id, description}],
 *                   next_step: {actor, action}}]}]}
 * actor is "vendor", "lab", "regulator" or "none"; action names the
 * route to use, with the submission's id when assess_situate was given it.
 * Tier N lists every gap of tiers 1..N (each gap says its own tier), so the
 * list for a target tier is everything the vendor still has to do.
 */
json_t	*assess_to_json(const struct assess_result *r);

/*
 * A new reference to the gaps array of tier as in assess_to_json (for a 409
 * on submit), NULL when tier is out of range or out of memory.
 */
json_t	*assess_gaps_json(const struct assess_result *r, int tier);

/*
 * A new array of the ids of requirements of tiers 1..tier that were met by
 * a conformant declaration or a lab pass (recommended ones included,
 * justified not_applicable ones excluded), in scheme order; for the
 * certificate's "requirements met".  Tier 0 gives []; NULL when tier >
 * ntiers or < 0, or out of memory.
 */
json_t	*assess_requirements_met(const struct assess_result *r, int tier);

/* Frees a result; NULL is allowed. */
void	 assess_free(struct assess_result *r);

/*
 * Names as used in the HTTP contract (static strings; NULL for a value
 * outside the enum), and their parsers: 0 with *out set, or -1 when name
 * is NULL or not one of the names.
 */
const char *assess_status_name(enum assess_status st);
int	 assess_status_parse(const char *name, enum assess_status *out);
const char *assess_verdict_name(enum assess_verdict v);
int	 assess_verdict_parse(const char *name, enum assess_verdict *out);
const char *assess_reason_name(enum assess_reason reason);

#endif /* LABELD_ASSESS_H */
