/*
 * scheme.h: load and validate labelling scheme documents.
 *
 * A scheme version is one JSON document (schemas/schemes/<id>-<version>.json,
 * format described by schemas/scheme.schema.json).  The validated document is
 * exactly what GET /v1/schemes/{scheme} serves, so the loader rejects anything
 * the format does not define instead of guessing.  A loaded scheme is
 * immutable: every accessor is safe to call from several threads at once.
 */
#ifndef LABELD_SCHEME_H
#define LABELD_SCHEME_H

#include <stddef.h>
#include <jansson.h>

/* Limits a scheme document must respect (stated in labelctl(8)). */
#define LABELD_SCHEME_MAX_FILE_BYTES	(4 * 1024 * 1024)
#define LABELD_SCHEME_MAX_TIERS		9
#define LABELD_SCHEME_MAX_REQUIREMENTS	1024
#define LABELD_SCHEME_MAX_CONDITIONS	64
/* References, evidence, conditions per item. */
#define LABELD_SCHEME_MAX_LIST		64
/* Scheme, requirement, condition, kind ids. */
#define LABELD_SCHEME_MAX_ID_LEN	64
/* Title, guidance and other prose, bytes. */
#define LABELD_SCHEME_MAX_TEXT_LEN	8192
#define LABELD_SCHEME_MAX_VERSION	1000000
/* Days, ten years. */
#define LABELD_SCHEME_MAX_VALIDITY	3660

/* Room enough for any error the loader writes (callers may pass less). */
#define LABELD_SCHEME_ERRLEN	512

enum scheme_mode {
	SCHEME_SELF_DECLARATION,
	SCHEME_THIRD_PARTY
};

/*
 * SCHEME_MANDATORY: required from its tier on; never not_applicable.
 * SCHEME_CONDITIONAL: required from its tier on when all its conditions
 * hold.  SCHEME_RECOMMENDED: never blocks a tier.
 */
enum scheme_obligation {
	SCHEME_MANDATORY,
	SCHEME_CONDITIONAL,
	SCHEME_RECOMMENDED
};

/*
 * One requirement as the engine sees it.  Strings point into the scheme's
 * document and live as long as the scheme.
 */
struct scheme_requirement {
	const char		*id;
	const char		*title;
	const char		*guidance;
	/* The first tier that requires (or recommends) it. */
	int			 tier;
	enum scheme_mode	 mode;
	enum scheme_obligation	 obligation;
	/* Condition ids in the document's "conditions". */
	size_t			 nconditions;
	/* > 0: a conformant declaration needs evidence. */
	size_t			 nevidence_kinds;
};

struct scheme;

/*
 * Loads, parses and validates the scheme document in the file at path.
 * Returns a new scheme the caller frees with scheme_free(), or NULL with a
 * one-line message in err such as
 * "PATH: $.requirements[3].tier: expected integer 1..4" (or
 * "PATH:12:5: ..." for a JSON syntax error).  Files larger than
 * LABELD_SCHEME_MAX_FILE_BYTES are refused.
 */
struct scheme *scheme_load_file(const char *path, char *err, size_t errlen);

/*
 * Validates doc (not stolen; the scheme keeps its own deep copy) and builds
 * a scheme the caller frees with scheme_free().  origin names the source in
 * error messages ("request", a file name; NULL means "scheme").  NULL with
 * err set when doc is not a valid scheme, or out of memory.
 */
struct scheme *scheme_from_json(const json_t *doc, const char *origin,
	    char *err, size_t errlen);

/*
 * Frees a scheme; NULL is allowed.  Requirements and strings obtained from
 * it become invalid.
 */
void	 scheme_free(struct scheme *s);

/*
 * The accessors below never fail; what they return is borrowed from s and
 * lives as long as s.
 */
const char *scheme_id(const struct scheme *s);
int	 scheme_version(const struct scheme *s);
const char *scheme_title(const struct scheme *s);
/* ISO 3166-1 alpha-2 code of the issuing country. */
const char *scheme_country(const struct scheme *s);
int	 scheme_max_validity_days(const struct scheme *s);

/* Tiers are numbered 1..scheme_ntiers() and are cumulative. */
int	 scheme_ntiers(const struct scheme *s);
/* Name of tier, NULL when tier is out of range. */
const char *scheme_tier_name(const struct scheme *s, int tier);
/*
 * 1 when tier is assessed by an approved lab, 0 when by self-declaration,
 * -1 when tier is out of range.
 */
int	 scheme_tier_is_third_party(const struct scheme *s, int tier);

/*
 * 1 when tier is self-declared but its declarations are reviewed by an
 * approved lab (the tier's "lab_review"), 0 when not, -1 when out of
 * range.  A lab gives verdicts on the self-declared requirements of such a
 * tier, and they count as for a third_party requirement as well as the
 * declaration.
 */
int	 scheme_tier_lab_review(const struct scheme *s, int tier);
/* 1 when a lab gives verdicts on tier (third_party or lab_review), 0, -1. */
int	 scheme_tier_lab_assessed(const struct scheme *s, int tier);

/* The validated document, for serving.  Borrowed: do not modify or decref. */
const json_t *scheme_json(const struct scheme *s);

/*
 * Requirements in document order, 0 <= i < scheme_nrequirements();
 * scheme_requirement_at() is NULL when i is out of range.
 */
size_t	 scheme_nrequirements(const struct scheme *s);
const struct scheme_requirement *scheme_requirement_at(const struct scheme *s,
	    size_t i);
/*
 * Index of requirement req_id (exact, case-sensitive match), -1 if unknown
 * (or req_id is NULL).
 */
long	 scheme_requirement_index(const struct scheme *s, const char *req_id);
/*
 * Condition id number j of requirement i (see struct scheme_requirement),
 * NULL when out of range.
 */
const char *scheme_requirement_condition(const struct scheme *s, size_t i,
	    size_t j);

/*
 * Evidence kind id number j that requirement i asks for (its "evidence"),
 * NULL when out of range.
 */
const char *scheme_requirement_evidence(const struct scheme *s, size_t i,
	    size_t j);
/* Text of the condition cond_id ($.conditions), NULL when unknown. */
const char *scheme_condition_text(const struct scheme *s, const char *cond_id);
/* Description of evidence kind kind ($.evidence_kinds), NULL when unknown. */
const char *scheme_evidence_kind_description(const struct scheme *s,
	    const char *kind);

/* 1 when req_id names a requirement of the scheme, 0 otherwise. */
int	 scheme_has_requirement(const struct scheme *s, const char *req_id);
/* Tier from which req_id applies, -1 if unknown. */
int	 scheme_requirement_tier(const struct scheme *s, const char *req_id);
/*
 * 1 when only an approved lab's pass satisfies req_id, 0 when a
 * declaration does, -1 if unknown.
 */
int	 scheme_requirement_third_party(const struct scheme *s,
	    const char *req_id);

/*
 * What the reassessment policy asks for a firmware change of kind change (a
 * "change" id of $.reassessment.rules): "notify", "redeclare", "retest" or
 * "new_application"; NULL when change is NULL or the policy has no such
 * change kind.
 */
const char *scheme_reassessment_action(const struct scheme *s,
	    const char *change);
/* Tier from which each firmware version needs an SBOM, 0 when never. */
int	 scheme_sbom_from_tier(const struct scheme *s);
/*
 * The severity ("critical", "high", "medium" or "low") from which an
 * unresolved vulnerability of the product is a gap of tier
 * scheme_sbom_from_tier(); NULL when the scheme sets none.
 */
const char *scheme_vulnerability_threshold(const struct scheme *s);

/*
 * What changed from scheme version a to version b, as a new JSON object:
 * {changed: {member: {from, to}}} for the document's other members, and
 * for tiers (by "tier") and requirements (by "id") {added: [item],
 * removed: [item], changed: [{key, changed: {member: {from, to}}}]}.
 * NULL when memory runs out.
 */
json_t	*scheme_diff(const struct scheme *a, const struct scheme *b);

/*
 * Names used in documents, for messages: "self_declaration", "mandatory",
 * ... (static strings; "unknown" for an obligation outside the enum).
 */
const char *scheme_mode_name(enum scheme_mode m);
const char *scheme_obligation_name(enum scheme_obligation o);

#endif /* LABELD_SCHEME_H */
