/*
 * fuzz_bundle: trust bundles (src/verify_bundle.c) as a partner pins one
 * and then accepts its updates by continuity.  The input is a bundle, or
 * an array whose first bundle is pinned and whose others are offered in
 * order as updates.  A pinned bundle must list its issuer.
 */
#include "fuzz.h"
#include "verify.h"

/* 2026-12-03T00:00:00Z: inside the seeds' validity. */
#define FUZZ_NOW	((time_t)1796256000)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_trust	*t;
	json_t			*doc, *first, *x, *iss;
	const char		*issuer;
	int64_t			 version;
	char			 err[512];
	size_t			 i;

	if ((doc = fuzz_json(data, size)) == NULL)
		return 0;
	first = json_is_array(doc) ? json_array_get(doc, 0) : doc;
	if (first == NULL || (t = verify_trust_new()) == NULL) {
		json_decref(doc);
		return 0;
	}
	(void)verify_bundle_version(first, &issuer, &version);
	if (verify_trust_add_bundle(t, first, err, sizeof(err)) == 0) {
		iss = verify_trust_issuers(t);
		FUZZ_ASSERT(iss != NULL && json_array_size(iss) == 1);
		json_decref(iss);
		FUZZ_ASSERT(verify_trust_nkeys(t) >= 1);
	}
	if (json_is_array(doc))
		json_array_foreach(doc, i, x)
			if (i > 0)
				(void)verify_trust_update_bundle(t, x,
				    FUZZ_NOW, err, sizeof(err));
	json_decref(verify_trust_issuers(t));
	verify_trust_free(t);
	json_decref(doc);
	return 0;
}
