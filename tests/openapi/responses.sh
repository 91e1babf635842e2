#!/usr/bin/env bash
# responses.sh: every answer of a set of end-to-end stories validates
# against the OpenAPI document labeld serves (validate.mjs: ajv, JSON
# Schema 2020-12 with formats), no answer has a status or media type the
# document does not list, and every operation answered 2xx at least once.
#
# The stories are tests/e2e scripts run again here with LABELD_CAPTURE on
# (each starts its own labeld, so their order does not matter), then a
# short story of this file's own for what they leave out.  The validator
# is shown to refuse a planted answer.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/prepare.sh"

STORIES=${OPENAPI_STORIES:-"foundation schemes products workflow labels log
    partners verify expiry webhooks refresh witness recognitions quorum
    public vcapi oscal audit authz trust admission certificates robustness
    assessment backup abuse"}

# Once per CI run is enough (issue 11): the sanitizer build and distcheck
# (a read-only source tree) skip this replay of the stories, which the
# plain build's `make check` runs.
if nm "$LABELD" 2>/dev/null | grep -q '__asan_init' || [ ! -w "$top_srcdir" ]; then
	echo "*** SKIP responses.sh: a sanitizer or distcheck build (the plain build validates the answers) ***"
	exit 77
fi
openapi_prepare
export top_srcdir top_builddir
CAP=$WORK/capture.jsonl
: >"$CAP"
for s in $STORIES; do
	rc=0
	LABELD_CAPTURE=$CAP bash "$top_srcdir/tests/e2e/$s.sh" \
	    >"$WORK/$s.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then ok
	else
		fail "tests/e2e/$s.sh with capture on: exit $rc"
		tail -n 20 "$WORK/$s.out"
	fi
done

# --- what the stories above leave out ---
start_labeld
export LABELD_CAPTURE=$CAP
make_org "Regulator" authority regulator; REG=$TOKEN
make_org "Test Lab" lab lab; LAB_ID=$ORG_ID
call PUT "/v1/organizations/$LAB_ID/approval" "$REG" \
    '{"tiers": [3, 4], "valid_until": "2099-12-31"}'
expect 200 "approve the lab"
call GET /v1/labs; expect 200 "the public list of labs"
check_eq "$(jget '.items[0].approvals[0].tiers | length')" 2 "the lab's tiers"
call GET "/v1/labs?limit=0"; expect_problem 400 "a bad limit" limit
call GET /v1/trust-bundle; expect 200 "the trust bundle"
V=$(jget .version)
call GET "/v1/trust-bundle/versions/$V"; expect 200 "its version $V"
call GET /v1/trust-bundle/versions/0; expect_problem 404 "no version 0"
call GET /healthz; expect 200 "healthz"
call GET /metrics; expect 200 "metrics"
export LABELD_CAPTURE=
openapi_fetch "$WORK/openapi.json"
stop_labeld

n=$(wc -l <"$CAP")
[ "$n" -gt 500 ] && ok || fail "only $n answers were captured"
if (cd "$OPENAPI_DIR" && node validate.mjs "$WORK/openapi.json" "$CAP" \
    --coverage) >"$WORK/validate.out" 2>&1; then ok
else
	fail "answers that do not match the document"
	grep -v '^validate:' "$WORK/validate.out" | head -n 40
fi
tail -n 1 "$WORK/validate.out"

# A planted answer: healthz with a body its schema refuses, and a status
# the operation does not list.
{
	jq -nc '{method: "GET", path: "/healthz", status: 200,
	    type: "application/json", body: "{\"status\": \"fine\"}"}'
	jq -nc '{method: "GET", path: "/v1/labs", status: 418,
	    type: "application/problem+json", body: "{}"}'
} >"$WORK/planted.jsonl"
if (cd "$OPENAPI_DIR" && node validate.mjs "$WORK/openapi.json" \
    "$WORK/planted.jsonl") >"$WORK/planted.out" 2>&1; then
	fail "validate.mjs passed planted answers"
elif grep -q 'must be equal to one of the allowed values' "$WORK/planted.out" &&
    grep -q 'status 418 is not documented' "$WORK/planted.out"; then ok
else fail "validate.mjs: $(cat "$WORK/planted.out")"; fi

finish
