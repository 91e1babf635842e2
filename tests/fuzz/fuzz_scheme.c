/*
 * fuzz_scheme: scheme documents (src/scheme.c), as labelctl scheme import
 * and POST /v1/schemes read them.  A scheme that loads is walked through
 * every accessor the assessment engine uses.
 */
#include "fuzz.h"
#include "scheme.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t		*doc;
	struct scheme	*s;
	char		 err[LABELD_SCHEME_ERRLEN];
	size_t		 i, j;

	if (size > LABELD_SCHEME_MAX_FILE_BYTES ||
	    (doc = fuzz_json(data, size)) == NULL)
		return 0;
	s = scheme_from_json(doc, "fuzz", err, sizeof(err));
	json_decref(doc);
	if (s == NULL)
		return 0;
	FUZZ_ASSERT(scheme_id(s) != NULL && scheme_title(s) != NULL);
	FUZZ_ASSERT(scheme_ntiers(s) >= 1);
	for (int t = 0; t <= scheme_ntiers(s) + 1; t++) {
		(void)scheme_tier_name(s, t);
		(void)scheme_tier_is_third_party(s, t);
	}
	for (i = 0; i < scheme_nrequirements(s); i++) {
		const struct scheme_requirement *r = scheme_requirement_at(s,
		    i);

		FUZZ_ASSERT(r != NULL);
		FUZZ_ASSERT(scheme_requirement_index(s, r->id) == (long)i);
		FUZZ_ASSERT(scheme_requirement_tier(s, r->id) == r->tier);
		for (j = 0; j < r->nconditions; j++)
			FUZZ_ASSERT(scheme_requirement_condition(s, i, j) !=
			    NULL);
	}
	FUZZ_ASSERT(scheme_requirement_at(s, i) == NULL);
	(void)scheme_reassessment_action(s, "minor");
	(void)scheme_sbom_from_tier(s);
	(void)scheme_country(s);
	(void)scheme_version(s);
	(void)scheme_max_validity_days(s);
	FUZZ_ASSERT(scheme_json(s) != NULL);
	scheme_free(s);
	return 0;
}
