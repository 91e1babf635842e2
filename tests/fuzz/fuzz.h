/*
 * fuzz.h: what the libFuzzer harnesses share.  Each fuzz_<target>.c
 * defines LLVMFuzzerTestOneInput; `make fuzz` links it with libFuzzer,
 * `make check` with replay.c, which feeds it every file of
 * tests/fuzz/corpus/<target>/.
 */
#ifndef LABELD_FUZZ_H
#define LABELD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A harness's own invariant broke: abort so that the fuzzer keeps the input. */
#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

/* The input as JSON the way labeld reads outside documents, or NULL. */
static inline json_t *
fuzz_json(const uint8_t *data, size_t size)
{
	return json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL);
}

#endif
