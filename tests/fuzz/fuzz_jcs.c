/*
 * fuzz_jcs: RFC 8785 canonicalisation (src/jcs.c) of any JSON text.
 * Checks what jcs.h promises: every output parses back into a value
 * whose canonical form is the same bytes.
 */
#include <string.h>

#include "fuzz.h"
#include "jcs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t	*v, *back;
	char	*out, *again, err[256];
	size_t	 len, len2;

	v = json_loadb((const char *)data, size,
	    JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (v == NULL)
		return 0;
	out = jcs_serialize(v, &len, err, sizeof(err));
	json_decref(v);
	if (out == NULL)
		return 0;
	FUZZ_ASSERT(strlen(out) == len);
	back = json_loadb(out, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	FUZZ_ASSERT(back != NULL);
	again = jcs_serialize(back, &len2, err, sizeof(err));
	FUZZ_ASSERT(again != NULL);
	FUZZ_ASSERT(len2 == len && memcmp(out, again, len) == 0);
	json_decref(back);
	free(again);
	free(out);
	return 0;
}
