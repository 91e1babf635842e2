#!/usr/bin/env bash
# oscal.sh: a submission's assessment as NIST OSCAL assessment-results
# (GET /v1/submissions/{id}/assessment?format=oscal).  For a Level 4
# story: the document's required members, RFC 4122 UUIDs that stay the
# same from one export to the next, one finding per requirement up to the
# target tier, all satisfied, each tied to its observations (EXAMINE for
# declarations, TEST for lab verdicts) whose evidence links download the
# very bytes their digest names; for a fresh submission every finding is
# not-satisfied with the engine's reason; bad format and another
# vendor's submission are refused.
. "$(dirname "$0")/lib.sh"
LABELCTL="$top_builddir/labelctl"
. "$(dirname "$0")/story_lib.sh"

start_labeld
story_setup
story "Cam" "C-1" 4
call GET "/v1/submissions/$SUB/assessment?format=oscal" "$ACME"
expect 200 "the OSCAL export"
cp "$WORK/body" "$WORK/oscal.json"
AR='."assessment-results"'
uuid_re='^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
check_eq "$(jq -r "$AR.metadata | [.title != null, .\"last-modified\" != null, .version != null, .\"oscal-version\"] | map(tostring) | join(\" \")" "$WORK/oscal.json")" \
    "true true true 1.1.2" "metadata: title, last-modified, version, oscal-version"
check_eq "$(jq -r "$AR.\"import-ap\".href" "$WORK/oscal.json")" "$BASE/v1/schemes/sg-cls-iot/versions/2" "import-ap names the pinned scheme version"
check_eq "$(jq -r --arg re "$uuid_re" "[$AR.uuid, $AR.results[].uuid, $AR.results[].findings[].uuid, $AR.results[].observations[].uuid] | map(test(\$re)) | all" "$WORK/oscal.json")" \
    true "every uuid is an RFC 4122 (version 5 style) UUID"
check_eq "$(jq -r "[$AR.results[].findings[].uuid, $AR.results[].observations[].uuid] | (length == (unique | length))" "$WORK/oscal.json")" true "uuids are unique"
call GET /v1/schemes/sg-cls-iot/versions/2; DOC=$BODY
want=$(jq -r '[.requirements[] | select(.tier <= 4) | .id] | sort | join(" ")' <<<"$DOC")
check_eq "$(jq -r "[$AR.results[0].findings[].target.\"target-id\"] | sort | join(\" \")" "$WORK/oscal.json")" "$want" \
    "one finding per requirement up to tier 4"
check_eq "$(jq -r "[$AR.results[0].findings[].target.status.state] | unique | join(\" \")" "$WORK/oscal.json")" satisfied "all satisfied for the approved story"
check_eq "$(jq -r "[$AR.results[0].\"reviewed-controls\".\"control-selections\"[0].\"include-controls\"[].\"control-id\"] | sort | join(\" \")" "$WORK/oscal.json")" "$want" \
    "reviewed controls are the requirements in scope"
check_eq "$(jq -r "[$AR.results[0].observations[].methods[0]] | unique | join(\" \")" "$WORK/oscal.json")" "EXAMINE TEST" \
    "declarations examined, lab verdicts tested"
# every related observation exists
check_eq "$(jq -r "$AR.results[0] | ([.observations[].uuid]) as \$o | [.findings[].\"related-observations\"[]?.\"observation-uuid\" | IN(\$o[])] | all" "$WORK/oscal.json")" \
    true "findings point at existing observations"
check_eq "$(jq -r "[$AR.results[0].findings[] | select(.\"related-observations\" == null)] | length" "$WORK/oscal.json")" 0 \
    "every finding has its observations"
# evidence links download the bytes their digest names
n=0 bad=0
for pair in $(jq -r "[$AR.results[0].observations[].\"relevant-evidence\"[]? | .href + \"|\" + .description] | unique | .[]" "$WORK/oscal.json"); do
	href=${pair%%|*} sha=${pair#*sha256:}
	got=$(curl -s -H "Authorization: Bearer $ACME" "$href" | sha256sum | cut -d' ' -f1)
	n=$((n + 1)); [ "$got" = "$sha" ] || bad=$((bad + 1))
done
[ "$n" -gt 0 ] && ok || fail "no evidence linked"
check_eq "$bad" 0 "each of the $n evidence links downloads the bytes of its digest"
# the same state exports the same ids
call GET "/v1/submissions/$SUB/assessment?format=oscal" "$ACME"
check_eq "$(jq -c "[$AR.uuid, [$AR.results[0].findings[].uuid]]" <<<"$BODY")" "$(jq -c "[$AR.uuid, [$AR.results[0].findings[].uuid]]" "$WORK/oscal.json")" \
    "stable uuids across exports"
call GET "/v1/submissions/$SUB/assessment" "$ACME"
expect 200 "the JSON assessment stays the default"
check_eq "$(jget .achieved_tier)" 4 "achieved tier 4"

# a fresh submission: nothing satisfied, with the engine's reasons
call POST /v1/products "$ACME" '{"name":"Bare","model":"B-1","category":"hub","support_until":"2030-01-01"}'; P=$(jget .id)
call POST "/v1/products/$P/versions" "$ACME" '{"version":"1.0"}'
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":1}"; S2=$(jget .id)
call GET "/v1/submissions/$S2/assessment?format=oscal" "$ACME"
expect 200 "the export of a fresh submission"
check_eq "$(jget "[$AR.results[0].findings[].target.status.state] | unique | join(\" \")")" not-satisfied "nothing satisfied yet"
check_eq "$(jget "$AR.results[0].observations")" null "no observations: the member is left out, not empty"
jget "$AR.results[0].findings[0].description" | grep -q "not satisfied: " && ok || fail "a finding says why it is not satisfied"

# refusals
call GET "/v1/submissions/$SUB/assessment?format=xml" "$ACME"
expect_problem 400 "an unknown format" "format"
make_org "Other Devices" vendor vendor
call GET "/v1/submissions/$SUB/assessment?format=oscal" "$TOKEN"
expect_problem 404 "another vendor's submission"
stop_labeld
finish
