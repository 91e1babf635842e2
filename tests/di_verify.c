/*
 * di_verify: test helper for tests/e2e/labels.sh (not a test itself).
 *
 *   di_verify DID-DOCUMENT-FILE < SIGNED-JSON
 *
 * Finds the key the document's proof names (proof.verificationMethod) in
 * the DID document's verificationMethod list (Multikey), checks that it is
 * listed under assertionMethod and that its controller is the DID, and
 * verifies the eddsa-jcs-2022 proof.  Prints "ok <kid>" and exits 0, or
 * prints why and exits 1 (2 on a usage error).  Links libverify.a only.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "dataint.h"

static int
listed(const json_t *arr, const char *id)
{
	size_t		 i;
	const json_t	*v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
			return 1;
	return 0;
}

/* 0 when doc's proof verifies with its key in did, else 1 (says why). */
static int
check(const json_t *did, const json_t *doc)
{
	const json_t	*vm;
	const char	*want, *did_id;
	uint8_t		 pk[32];
	char		 err[512];
	size_t		 i;

	did_id = json_string_value(json_object_get(did, "id"));
	want = json_string_value(json_object_get(json_object_get(doc, "proof"),
	    "verificationMethod"));
	if (did_id == NULL || want == NULL) {
		printf("no DID id or no proof.verificationMethod\n");
		return 1;
	}
	json_array_foreach(json_object_get(did, "verificationMethod"), i, vm) {
		const char *id = json_string_value(json_object_get(vm, "id"));
		const char *ctl = json_string_value(json_object_get(vm,
		    "controller"));

		if (id == NULL || strcmp(id, want) != 0)
			continue;
		if (ctl == NULL || strcmp(ctl, did_id) != 0) {
			printf("%s: controller is not %s\n", id, did_id);
			return 1;
		}
		if (!listed(json_object_get(did, "assertionMethod"), id)) {
			printf("%s: not under assertionMethod\n", id);
			return 1;
		}
		if (lc_multikey_decode(json_string_value(json_object_get(vm,
		    "publicKeyMultibase")), pk) == -1) {
			printf("%s: bad publicKeyMultibase\n", id);
			return 1;
		}
		if (dataint_verify(doc, pk, NULL, err, sizeof(err)) == -1) {
			printf("%s\n", err);
			return 1;
		}
		printf("ok %s\n", strchr(id, '#') ? strchr(id, '#') + 1 : id);
		return 0;
	}
	printf("%s: not in the DID document\n", want);
	return 1;
}

int
main(int argc, char **argv)
{
	json_t		*did = NULL, *doc = NULL;
	json_error_t	 je;
	int		 rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: di_verify DID-DOCUMENT-FILE < JSON\n");
		return 2;
	}
	if (lc_init() == -1)
		return 2;
	if ((did = json_load_file(argv[1], 0, &je)) == NULL)
		printf("DID document: %s\n", je.text);
	else if ((doc = json_loadf(stdin, 0, &je)) == NULL)
		printf("document: %s\n", je.text);
	else
		rc = check(did, doc);
	json_decref(did);
	json_decref(doc);
	return rc;
}
