/*
 * fuzz_statuslist: the Bitstring Status List decoder (src/bitstring.c) on
 * what a partner's list carries.  An input starting with 'u' is an
 * encodedList as given; any other is taken as the gzip member itself and
 * wrapped in multibase base64url first, so that mutations reach inflate.
 * A list that decodes must encode and decode back to the same bits.
 */
#include <string.h>

#include "bitstring.h"
#include "crypto.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*enc, *b64, *again, err[256];
	uint8_t	*bits, *bits2;
	size_t	 nbytes, nbytes2;

	if (size > 0 && data[0] == 'u') {
		if ((enc = malloc(size + 1)) == NULL)
			return 0;
		memcpy(enc, data, size);
		enc[size] = '\0';
	} else {
		if ((b64 = lc_b64_encode(data, size, 1)) == NULL)
			return 0;
		if ((enc = malloc(strlen(b64) + 2)) == NULL) {
			free(b64);
			return 0;
		}
		enc[0] = 'u';
		strcpy(enc + 1, b64);
		free(b64);
	}
	if (bitstring_decode(enc, &bits, &nbytes, err, sizeof(err)) == 0) {
		FUZZ_ASSERT(nbytes >= 1 && nbytes <= BITSTRING_MAX_BYTES);
		FUZZ_ASSERT(bitstring_get(bits, nbytes, nbytes * 8 - 1) != -1);
		FUZZ_ASSERT(bitstring_get(bits, nbytes, nbytes * 8) == -1);
		again = bitstring_encode(bits, nbytes);
		FUZZ_ASSERT(again != NULL);
		FUZZ_ASSERT(bitstring_decode(again, &bits2, &nbytes2, err,
		    sizeof(err)) == 0);
		FUZZ_ASSERT(nbytes2 == nbytes &&
		    memcmp(bits, bits2, nbytes) == 0);
		free(bits2);
		free(again);
		free(bits);
	} else
		FUZZ_ASSERT(bits == NULL);
	free(enc);
	return 0;
}
