/*
 * fuzz_verify: credential verification (src/verify.c and the trust store
 * it reads), the path labelverify(1) and POST /v1/verify take.  The input
 * is one JSON object holding what labelverify reads from its files:
 *
 *   {"bundle": trust bundle, "status_lists": [list credentials],
 *    "credential": credential, "log_proofs": [label proofs],
 *    "no_status": bool, "require_log": bool}
 *
 * The bundle is pinned, the lists added, then every check runs on the
 * credential at a fixed time; the answer must hold VERIFY_NCHECKS checks.
 */
#include <string.h>

#include "fuzz.h"
#include "verify.h"

/* 2026-12-03T00:00:00Z: inside the seeds' validity. */
#define FUZZ_AT	((time_t)1796256000)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_trust	*t;
	struct verify_opts	 o;
	json_t			*c, *x, *checks;
	const json_t		*lists, *proofs, *cred;
	char			 err[512];
	size_t			 i;
	int			 verified = -1;

	if ((c = fuzz_json(data, size)) == NULL)
		return 0;
	if (!json_is_object(c) || (t = verify_trust_new()) == NULL) {
		json_decref(c);
		return 0;
	}
	if ((x = json_object_get(c, "bundle")) != NULL)
		(void)verify_trust_add_bundle(t, x, err, sizeof(err));
	lists = json_object_get(c, "status_lists");
	json_array_foreach(lists, i, x)
		(void)verify_trust_add_status_list(t, x, err, sizeof(err));
	json_decref(verify_trust_issuers(t));
	memset(&o, 0, sizeof(o));
	o.at = o.now = FUZZ_AT;
	o.no_status = json_is_true(json_object_get(c, "no_status"));
	o.require_log = json_is_true(json_object_get(c, "require_log"));
	o.max_status_age = 86400;
	proofs = json_object_get(c, "log_proofs");
	o.log_proofs = json_is_array(proofs) ? proofs : NULL;
	if ((cred = json_object_get(c, "credential")) == NULL)
		cred = c;
	checks = verify_credential(t, cred, &o, &verified);
	if (checks != NULL) {
		FUZZ_ASSERT(json_array_size(checks) == VERIFY_NCHECKS);
		FUZZ_ASSERT(verified == 0 || verified == 1);
		json_decref(checks);
	}
	verify_trust_free(t);
	json_decref(c);
	return 0;
}
