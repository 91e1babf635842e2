/*
 * fuzz_sbom: the CycloneDX SBOM check of PUT /v1/products/{id}/versions/
 * {version}/sbom and of a version created with an "sbom"
 * (api_products_sbom_prepare): the input is tried both as the document
 * itself and as a string holding it.  An accepted SBOM has a canonical
 * form, its SHA-256 in hex and no fault.
 */
#include <string.h>

#include "labeld.h"
#include "fuzz.h"

static void
check(const json_t *field)
{
	struct valid		 v;
	struct product_version	 pv;
	char			*canon;
	size_t			 len;

	memset(&pv, 0, sizeof(pv));
	valid_init(&v);
	canon = api_products_sbom_prepare(&v, field, &pv, &len);
	if (canon != NULL) {
		FUZZ_ASSERT(v.faults == 0);
		FUZZ_ASSERT(strlen(pv.sbom_sha256) == 64);
		FUZZ_ASSERT(len == strlen(canon));
		FUZZ_ASSERT(pv.sbom_components >= 0);
		free(canon);
	} else
		FUZZ_ASSERT(v.faults > 0);
	json_decref(v.errors);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t	*doc, *str;

	if ((doc = fuzz_json(data, size)) != NULL) {
		check(doc);
		json_decref(doc);
	}
	if ((str = json_stringn((const char *)data, size)) != NULL) {
		check(str);
		json_decref(str);
	}
	return 0;
}
