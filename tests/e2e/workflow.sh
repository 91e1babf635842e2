#!/usr/bin/env bash
# workflow.sh: the whole labelling story over HTTP with real tokens, then
# a story that ends rejected, a restart in the middle, and every bad input
# of the submission routes (each a precise problem+json that stores
# nothing).
#
# Story: admin creates vendors, labs and a regulator; the vendor registers
# a product and a firmware version with its SBOM, opens a submission for
# Level 4, uploads evidence and answers every self-declared requirement;
# an approved lab files its Level 3 and Level 4 reports; the vendor
# submits; labeld restarts; the regulator reviews, requests changes once,
# the vendor fixes and resubmits, the regulator approves at Level 4.
. "$(dirname "$0")/lib.sh"

start_labeld --max-upload 64K

make_org "Acme Devices" vendor vendor; ACME_ORG=$ORG_ID; ACME=$TOKEN
make_org "Other Devices" vendor vendor; OTHER_ORG=$ORG_ID; OTHER=$TOKEN
make_org "Good Lab" lab lab; LAB_ORG=$ORG_ID; LAB=$TOKEN
make_org "Level 3 Lab" lab lab; LAB3_ORG=$ORG_ID; LAB3=$TOKEN
make_org "Unapproved Lab" lab lab; NOLAB_ORG=$ORG_ID; NOLAB=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; expect 200 "find the authority"
AUTH_ORG=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH_ORG/tokens" "$ADMIN" '{"role":"regulator"}'
expect 201 "regulator token"; REG=$(jget .token); REG_TOKEN_ID=$(jget .id)

call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":[3,4],"valid_until":"2099-12-31"}'
expect 200 "approve the good lab for tiers 3 and 4"
call PUT "/v1/organizations/$LAB3_ORG/approval" "$REG" '{"tiers":[3],"valid_until":"2099-12-31","scheme":"sg-cls-iot"}'
expect 200 "approve the second lab for tier 3 only"

etag() { grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
# events SUB TOKEN: the actions of the audit trail, comma-separated.
actions() {
	call GET "/v1/submissions/$1/events?limit=500" "$2"
	jget '[.items[].action] | join(",")'
}

# ------------------------------------------------------- product, version
call POST /v1/products "$ACME" '{"name":"SmartCam","model":"SC-100","category":"camera","support_until":"2030-12-31","vulnerability_contact":"https://example.com/security"}'
expect 201 "vendor registers a product"; P1=$(jget .id)
SBOM='{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","name":"openssl","version":"3.0.13"}]}'
call POST "/v1/products/$P1/versions" "$ACME" "{\"version\":\"1.0\",\"sbom\":$SBOM}"
expect 201 "version 1.0 with its SBOM"
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"0.9"}'
expect 201 "version 0.9 without SBOM"
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"1.0-spdx","sbom":{"spdxVersion":"SPDX-2.3"}}'
expect_problem 422 "a non-CycloneDX SBOM is refused" sbom
call GET "/v1/products/$P1/versions/1.0-spdx" "$ACME"; expect 404 "nothing stored for the SPDX version"
call POST /v1/products "$OTHER" '{"name":"Plug","model":"PL-1","category":"plug","support_until":"2030-12-31","vulnerability_contact":"https://example.com/security"}'
expect 201 "other vendor's product"; P2=$(jget .id)
call POST "/v1/products/$P2/versions" "$OTHER" "{\"version\":\"1.0\",\"sbom\":$SBOM}"
expect 201 "other vendor's version"

call GET /v1/schemes/sg-cls-iot; expect 200 "read the scheme"
SCHEME_DOC=$BODY

# --------------------------------------------------- opening, bad inputs
call POST /v1/submissions "$ACME" '{}'
expect_problem 422 "empty submission" product_id
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "product_id,product_version,scheme,target_tier" "every missing field named"
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P2\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
expect_problem 422 "another vendor's product is unknown" "no product"
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"7.7\",\"scheme\":\"nope\",\"target_tier\":7}"
expect_problem 422 "unknown version, scheme" "no version"
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "product_version,scheme" "both named"
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":5}"
expect_problem 422 "tier beyond the scheme" "tiers 1 to 4"
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"0.9\",\"scheme\":\"sg-cls-iot\",\"target_tier\":3}"
expect_problem 422 "Level 3 needs an SBOM" SBOM
call GET /v1/submissions "$ACME"; check_eq "$(jget '.items | length')" 0 "no submission stored by bad requests"

call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":4}"
expect 201 "vendor opens a Level 4 submission"
S1=$(jget .id)
check_eq "$(jget .state)/$(jget .scheme_version)/$(jget .target_tier)/$(jget .vendor_id)" "draft/2/4/$ACME_ORG" "draft pinned to the current scheme version, 2"
check_eq "$(etag)" '"r1"' "ETag of a new submission"
check_eq "$(grep -ci "^location: /v1/submissions/$S1" "$HDRS")" 1 "Location header"

# --------------------------------------------------------------- evidence
printf 'Vulnerability disclosure policy of Acme, v3\n' > "$WORK/policy.txt"
E1=$(sha256sum "$WORK/policy.txt" | cut -d' ' -f1)
call POST "/v1/submissions/$S1/evidence?filename=policy.txt&kind=published_page" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/policy.txt"
expect 201 "upload evidence"
check_eq "$(jget .sha256)/$(jget .size)/$(jget .media_type)/$(jget .kind)" "$E1/$(stat -c %s "$WORK/policy.txt")/text/plain/published_page" "sha256, size, media type, kind"
call POST "/v1/submissions/$S1/evidence?filename=policy.txt&kind=published_page" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/policy.txt"
expect 200 "the same bytes again are idempotent"
head -c 200000 /dev/urandom > "$WORK/big.bin"
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/big.bin"
expect_problem 413 "oversize upload" "exceeds"
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: application/pdf' --data-binary ''
expect_problem 422 "empty upload" body
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: nonsense' --data-binary 'x'
expect_problem 422 "bad media type" Content-Type
printf 'Penetration test report\n' > "$WORK/report.txt"
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: text/plain' -H 'Content-Disposition: attachment; filename="../../pentest.txt"' --data-binary "@$WORK/report.txt"
expect 201 "upload with Content-Disposition"
check_eq "$(jget .filename)" "pentest.txt" "the path is stripped from the file name"
call GET "/v1/submissions/$S1/evidence" "$ACME"; expect 200 "list evidence"
check_eq "$(jget '.items | length')" 2 "two files, the oversize one not stored"
call GET "/v1/submissions/$S1/evidence/$E1" "$ACME"; expect 200 "owner downloads evidence"
check_eq "$BODY" "$(cat "$WORK/policy.txt")" "the bytes uploaded"
check_eq "$(grep -i '^content-type:' "$HDRS" | tr -d '\r' | cut -d' ' -f2-)" "text/plain" "the stored media type"
upload_kinds "$S1" "$ACME" "$SCHEME_DOC"

# ----------------------------------------------------------- declarations
ITEMS_ALL=$(jq -c --argjson ev "$KIND_EVIDENCE" '[.requirements[] | select(.mode == "self_declaration") |
	{requirement: .id, status: "conformant", justification: "Verified in our tests", evidence: [.evidence[] | $ev[.]]}]' <<<"$SCHEME_DOC")
ITEMS_L1=$(jq -c '[.[] | select(.requirement | IN("ETSI-5.1-1","ETSI-5.1-2","ETSI-5.2-1","ETSI-5.3-2","ETSI-5.3-8","ETSI-5.3-13"))]' <<<"$ITEMS_ALL")
NSELF=$(jq 'length' <<<"$ITEMS_ALL")

call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_L1}"
expect_problem 428 "declarations without If-Match" If-Match
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H 'If-Match: "r0"'
expect_problem 412 "stale If-Match" stale
check_eq "$(etag)" '"r1"' "412 tells the current ETag"
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H 'If-Match: r1'
expect_problem 412 "unquoted If-Match" quoted
jget .detail | grep -q 'is not a quoted entity tag' && ok || fail "an unquoted If-Match is said to need its quotes: $(jget .detail)"
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H 'If-Match: *'
expect_problem 428 "If-Match: * protects nothing"
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H 'If-Match: , ,'
expect_problem 428 "If-Match of separators names no ETag"
call PUT "/v1/submissions/$S1/declarations" "$ACME" '{"items":[{"requirement":"ETSI-9.9-9","status":"conformant"},{"requirement":"ETSI-5.2-1","status":"maybe","evidence":["abc"]}]}' -H 'If-Match: "r1"'
expect_problem 422 "unknown requirement, bad status, bad digest" "unknown requirement"
check_eq "$(jget '[.errors[].field] | join(",")')" "items[0].requirement,items[1].status,items[1].evidence[0]" "each fault named"
MISSING=$(printf 'x%.0s' 1 2 3 | sha256sum | cut -d' ' -f1)
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":[{\"requirement\":\"ETSI-5.2-1\",\"status\":\"conformant\",\"evidence\":[\"$MISSING\"]}]}" -H 'If-Match: "r1"'
expect_problem 422 "evidence not uploaded to this submission" "not uploaded"
call PUT "/v1/submissions/$S1/declarations" "$ACME" '{"items":[{"requirement":"ETSI-5.2-1","status":"conformant"},{"requirement":"ETSI-5.2-1","status":"conformant"}]}' -H 'If-Match: "r1"'
expect_problem 422 "a requirement twice" twice
call PUT "/v1/submissions/$S1/declarations" "$ACME" '{"items":[]}' -H 'If-Match: "r1"'
expect_problem 422 "no items" items
call GET "/v1/submissions/$S1" "$ACME"
check_eq "$(jget '.declarations | length')/$(etag)" '0/"r1"' "bad requests stored nothing"

call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H 'If-Match: "r1"'
expect 200 "declare Level 1"
check_eq "$(etag)/$(jget '.declarations | length')" '"r2"/6' "revision bumped, six declarations"
# Two people edit from the same revision: one wins, the other gets 412.
A_ITEMS='{"items":[{"requirement":"ETSI-5.1-3","status":"conformant","justification":"A","evidence":["'$E1'"]}]}'
B_ITEMS='{"items":[{"requirement":"ETSI-5.1-4","status":"not_applicable","justification":"B: no user authentication"}]}'
RACERS=()
for who in A B; do
	if [ $who = A ]; then body=$A_ITEMS; else body=$B_ITEMS; fi
	curl -s -o /dev/null -w '%{http_code}\n' -X PUT -H "Authorization: Bearer $ACME" \
	    -H 'Content-Type: application/json' -H 'If-Match: "r2"' --data-binary "$body" \
	    "$BASE/v1/submissions/$S1/declarations" > "$WORK/race.$who" &
	RACERS+=($!)
done
wait "${RACERS[@]}"
check_eq "$(cat "$WORK/race.A" "$WORK/race.B" | sort | tr '\n' ' ')" "200 412 " "concurrent edits: exactly one wins"
if [ "$(cat "$WORK/race.A")" = 200 ]; then LOSER=$B_ITEMS; else LOSER=$A_ITEMS; fi
call GET "/v1/submissions/$S1" "$ACME"; ET=$(etag)
check_eq "$ET" '"r3"' "one change applied"
call PUT "/v1/submissions/$S1/declarations" "$ACME" "$LOSER" -H "If-Match: $ET"
expect 200 "the loser re-reads and retries"
check_eq "$(jget '[.declarations[] | select(.requirement == "ETSI-5.1-3" or .requirement == "ETSI-5.1-4")] | length')" 2 "nobody's work lost"
ET=$(etag)
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_ALL}" -H "If-Match: $ET"
expect 200 "declare every self-declared requirement"
check_eq "$(jget '.declarations | length')" "$NSELF" "one declaration per requirement (merged)"
check_eq "$(jget '[.declarations[] | select(.requirement == "ETSI-5.1-4")][0].status')" conformant "an item replaces its requirement's declaration"

call GET "/v1/submissions/$S1/assessment" "$ACME"; expect 200 "assessment"
check_eq "$(jget .achieved_tier)/$(jget .target_met)" "2/false" "Levels 1-2 met by declarations"
check_eq "$(jget '[.tiers[] | select(.tier == 3) | .gaps[].reason] | unique | join(",")')" needs_lab_result "Level 3 waits for a lab"
call POST "/v1/submissions/$S1/submit" "$ACME"
expect_problem 409 "submit before the lab results" "target tier 4"
check_eq "$(jget '[.gaps[].requirement] | sort | join(",")')" "CLS-L3-BIN,CLS-L3-SBD,CLS-L3-VULN,CLS-L4-PENTEST" "409 lists the gaps"
check_eq "$(jget .achieved_tier)" 2 "and the achieved tier"

# ------------------------------------------------------- lab assignment
L3_RESULTS='[{"requirement":"CLS-L3-SBD","verdict":"pass","notes":"design reviewed"},{"requirement":"CLS-L3-BIN","verdict":"pass"},{"requirement":"CLS-L3-VULN","verdict":"pass"}]'
REPORT_SHA=$(sha256sum "$WORK/report.txt" | cut -d' ' -f1)
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":3,\"results\":$L3_RESULTS,\"report_sha256\":\"$REPORT_SHA\"}"
expect_problem 404 "a lab not assigned cannot report"
call PUT "/v1/submissions/$S1/lab" "$ACME" "{\"lab_id\":\"$NOLAB_ORG\"}"
expect_problem 422 "an unapproved lab cannot be assigned" "no approval"
call PUT "/v1/submissions/$S1/lab" "$ACME" "{\"lab_id\":\"$LAB3_ORG\"}"
expect_problem 422 "a lab not approved for the target tier" "not approved for tier 4"
call PUT "/v1/submissions/$S1/lab" "$ACME" "{\"lab_id\":\"$OTHER_ORG\"}"
expect_problem 422 "a vendor is no lab" "no lab organisation"
call PUT "/v1/submissions/$S1/lab" "$ACME" '{"lab_id":"org_nosuchorganisation"}'
expect_problem 422 "unknown lab" lab_id
call PUT "/v1/submissions/$S1/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"
expect 200 "vendor assigns the approved lab"
check_eq "$(jget .lab_id)" "$LAB_ORG" "lab assigned"
call GET "/v1/submissions/$S1" "$LAB"; expect 200 "the assigned lab sees the submission"
call GET "/v1/submissions/$S1" "$LAB3"; expect_problem 404 "another lab does not"
call GET "/v1/submissions/$S1/evidence/$E1" "$LAB"; expect 200 "the assigned lab downloads evidence"

# ------------------------------------------------------------ lab reports
call POST "/v1/submissions/$S1/evidence?filename=pentest.txt" "$LAB" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/report.txt"
expect 200 "the lab uploads its report file (already there: idempotent)"
call POST "/v1/submissions/$S1/lab-reports" "$LAB3" "{\"tier\":3,\"results\":$L3_RESULTS,\"report_sha256\":\"$REPORT_SHA\"}"
expect_problem 404 "an approved but unassigned lab cannot report"
call POST "/v1/submissions/$S1/lab-reports" "$NOLAB" "{\"tier\":3,\"results\":$L3_RESULTS,\"report_sha256\":\"$REPORT_SHA\"}"
expect_problem 404 "an unapproved, unassigned lab cannot report"
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":2,\"results\":[{\"requirement\":\"ETSI-5.1-1\",\"verdict\":\"pass\"}],\"report_sha256\":\"$REPORT_SHA\"}"
expect_problem 422 "a report for a self-declared tier" "self-declared"
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":3,\"results\":[{\"requirement\":\"CLS-L9-X\",\"verdict\":\"pass\"},{\"requirement\":\"ETSI-5.1-1\",\"verdict\":\"pass\"},{\"requirement\":\"CLS-L4-PENTEST\",\"verdict\":\"pass\"},{\"requirement\":\"CLS-L3-SBD\",\"verdict\":\"good\"}],\"report_sha256\":\"nothex\"}"
expect_problem 422 "bad verdicts" "unknown requirement"
check_eq "$(jget '[.errors[].field] | join(",")')" "report_sha256,results[0].requirement,results[1].requirement,results[2].requirement,results[3].verdict" "each fault named"
call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":[3],"valid_until":"2099-12-31"}'
expect 200 "the regulator narrows the lab's approval to tier 3"
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":4,\"results\":[{\"requirement\":\"CLS-L4-PENTEST\",\"verdict\":\"pass\"}],\"report_sha256\":\"$REPORT_SHA\"}"
expect_problem 422 "a tier the lab is not approved for" "not approved for tier 4"
call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":[3],"valid_until":"2001-01-01"}'
expect 200 "the lab's approval lapses"
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":3,\"results\":$L3_RESULTS,\"report_sha256\":\"$REPORT_SHA\"}"
expect_problem 403 "a lab whose approval expired" expired
call GET "/v1/submissions/$S1" "$ACME"
check_eq "$(jget '.lab_reports | length')" 0 "refused reports stored nothing"
call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":[3,4],"valid_until":"2099-12-31"}'
expect 200 "approval restored"

call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":3,\"results\":$L3_RESULTS,\"report_sha256\":\"$REPORT_SHA\"}"
expect 201 "the lab files its Level 3 report"
check_eq "$(jget .tier)/$(jget '.results | length')/$(jget .lab_id)" "3/3/$LAB_ORG" "report echoed"
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":4,\"results\":[{\"requirement\":\"CLS-L4-PENTEST\",\"verdict\":\"pass\",\"notes\":\"no findings\"}],\"report_sha256\":\"$REPORT_SHA\"}"
expect 201 "the lab files its Level 4 report"
call GET "/v1/submissions/$S1/assessment" "$LAB"; expect 200 "the lab reads the assessment"
check_eq "$(jget .achieved_tier)/$(jget .target_met)" "4/true" "Level 4 achieved"

call POST "/v1/submissions/$S1/submit" "$ACME" '' -H 'If-Match: "r1"'
expect_problem 412 "submit with a stale If-Match"
call POST "/v1/submissions/$S1/submit" "$ACME"
expect 200 "the vendor submits"
check_eq "$(jget .state)" submitted "submitted"
ET=$(etag)
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H "If-Match: $ET"
expect_problem 409 "declarations after submit" submitted
call POST "/v1/submissions/$S1/submit" "$ACME"; expect_problem 409 "submit twice"

# ------------------------------------------------- restart mid-story
BEFORE=$(actions "$S1" "$ACME")
stop_labeld
start_labeld --max-upload 64K
call GET "/v1/submissions/$S1" "$REG"; expect 200 "after restart the submission is there"
check_eq "$(jget .state)/$(etag)/$(jget '.declarations | length')/$(jget '.lab_reports | length')" "submitted/$ET/$NSELF/2" "nothing lost"
check_eq "$(actions "$S1" "$ACME")" "$BEFORE" "audit trail intact"
call GET "/v1/submissions/$S1/evidence/$E1" "$REG"; expect 200 "regulator downloads evidence after restart"

# --------------------------------------------- review, changes, approval
call POST "/v1/submissions/$S1/review" "$ACME"; expect_problem 403 "a vendor cannot start a review"
call POST "/v1/submissions/$S1/review" "$REG"; expect 200 "the regulator starts the review"
check_eq "$(jget .state)" under_review "under review"
call POST "/v1/submissions/$S1/review" "$REG"; expect_problem 409 "review twice"
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"request_changes"}'
expect_problem 422 "a decision needs a reason" reason
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"approve","reason":"ok"}'
expect_problem 422 "approval needs a tier" tier
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"maybe","reason":"x"}'
expect_problem 422 "unknown decision" decision
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"request_changes","reason":"Justify ETSI-5.3-13 with the published support period page"}'
expect 200 "the regulator requests changes"
check_eq "$(jget .state)/$(jget .decision.decision)" "changes_requested/request_changes" "changes requested"
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"approve","tier":4,"reason":"x"}'
expect_problem 409 "no decision while the vendor holds it" changes_requested
ET=$(etag)
call GET "/v1/submissions/$S1" "$ACME"; ET=$(etag)
check_eq "$(jget .decision.reason)" "Justify ETSI-5.3-13 with the published support period page" "the vendor reads the reason"
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":[{\"requirement\":\"ETSI-5.3-13\",\"status\":\"conformant\",\"justification\":\"Support period published at https://acme.example/support\",\"evidence\":[\"$E1\"]}]}" -H "If-Match: $ET"
expect 200 "the vendor fixes the declaration"
call POST "/v1/submissions/$S1/submit" "$ACME"; expect 200 "and resubmits"
check_eq "$(jget .state)" submitted "submitted again"
# A late fail from the lab lowers the achieved tier: no approval above it.
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":4,\"results\":[{\"requirement\":\"CLS-L4-PENTEST\",\"verdict\":\"fail\",\"notes\":\"telnet open\"}],\"report_sha256\":\"$REPORT_SHA\"}"
expect 201 "the lab amends its Level 4 report: fail"
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"approve","tier":4,"reason":"all good"}'
expect_problem 409 "approval above the achieved tier" "above the achieved tier 3"
check_eq "$(jget .achieved_tier)" 3 "the problem names the achieved tier"
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":4,\"results\":[{\"requirement\":\"CLS-L4-PENTEST\",\"verdict\":\"pass\",\"notes\":\"retested: closed\"}],\"report_sha256\":\"$REPORT_SHA\"}"
expect 201 "the lab retests: pass"
call GET "/v1/submissions/$S1" "$REG"
check_eq "$(jget '[.lab_reports[] | select(.current) | .id] | length')" 2 "the latest report per tier counts"
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"approve","tier":4,"reason":"Level 4 requirements met; lab reports reviewed"}' -H 'If-Match: "r2"'
expect_problem 412 "decision with a stale If-Match"
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"approve","tier":4,"reason":"Level 4 requirements met; lab reports reviewed"}'
expect 200 "the regulator approves at Level 4"
check_eq "$(jget .state)/$(jget .approved_tier)" "approved/4" "approved at Level 4"
LABEL1=$(jget .label_id)
check_eq "$(grep -cE '^SG-CLS-[0-9]{4}-[0-9]{6}$' <<<"$LABEL1")" 1 "label id SG-CLS-YYYY-NNNNNN ($LABEL1)"
check_eq "${LABEL1:7:4}" "$(date -u +%Y)" "label id carries the year"

# Decided is final.
call POST "/v1/submissions/$S1/decision" "$REG" '{"decision":"reject","reason":"changed my mind"}'
expect_problem 409 "no second decision" approved
ET=$(etag)
call GET "/v1/submissions/$S1" "$ACME"; ET=$(etag)
call PUT "/v1/submissions/$S1/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H "If-Match: $ET"
expect_problem 409 "no declarations after approval"
call POST "/v1/submissions/$S1/lab-reports" "$LAB" "{\"tier\":3,\"results\":$L3_RESULTS,\"report_sha256\":\"$REPORT_SHA\"}"
expect_problem 409 "no lab report after approval"
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'late'
expect_problem 409 "no upload after approval"
call PUT "/v1/submissions/$S1/lab" "$REG" "{\"lab_id\":\"$LAB_ORG\"}"
expect_problem 409 "no lab change after approval"

# ------------------------------------------------------------ audit trail
call GET "/v1/submissions/$S1/events?limit=500" "$ACME"; expect 200 "events"
check_eq "$(jget '[.items[].action] | unique | sort | join(",")')" \
    "approved,changes_requested,created,declarations_updated,evidence_uploaded,lab_assigned,lab_report_filed,review_started,submitted" \
    "every kind of change is an event"
check_eq "$(jget '[.items[] | select(.action == "submitted")] | length')" 2 "two submits"
check_eq "$(jget '[.items[] | select(.action == "lab_report_filed")] | length')" 4 "four lab reports"
check_eq "$(jget '[.items[] | select(.action == "changes_requested")][0] | "\(.role)/\(.org_id)/\(.token_id)/\(.from_state)/\(.to_state)/\(.reason)"')" \
    "regulator/$AUTH_ORG/$REG_TOKEN_ID/under_review/changes_requested/Justify ETSI-5.3-13 with the published support period page" \
    "who, role, organisation, states and reason"
check_eq "$(jget '[.items[] | select(.action == "approved")][0].detail.label_id')" "$LABEL1" "approval event names the label"
check_eq "$(jget '[.items[] | select(.action == "evidence_uploaded")][0] | "\(.role)/\(.detail.sha256)"')" "vendor/$E1" "upload recorded"
check_eq "$(jget '[.items[] | select(.at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$") | not)] | length')" 0 "every event has its time"
NEV=$(jget '.items | length')
call GET "/v1/submissions/$S1/events?limit=3" "$ACME"; expect 200 "first page of events"
SEEN=$(jget '[.items[].seq] | join(",")'); CUR=$(jget .next_cursor)
while [ "$CUR" != null ]; do
	call GET "/v1/submissions/$S1/events?limit=3&cursor=$CUR" "$ACME"
	SEEN="$SEEN,$(jget '[.items[].seq] | join(",")')"; CUR=$(jget .next_cursor)
done
check_eq "$(tr ',' '\n' <<<"$SEEN" | sort -nu | wc -l)" "$NEV" "paging walks every event once"

# ---------------------------------------------------- the rejected story
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"0.9\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
expect 201 "second submission, Level 2"; S2=$(jget .id); ET=$(etag)
call POST "/v1/submissions/$S2/evidence?kind=published_page" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/policy.txt"
expect 201 "evidence for the second submission"
upload_kinds "$S2" "$ACME" "$SCHEME_DOC"
ITEMS_L12=$(jq -c '[.requirements[] | select(.tier <= 2 and .mode == "self_declaration") | .id] as $ids | $ids' <<<"$SCHEME_DOC")
ITEMS2=$(jq -c --argjson ids "$ITEMS_L12" '[.[] | select(.requirement | IN($ids[]))] | map(if .requirement == "ETSI-5.2-1" then .status = "non_conformant" | .justification = "no policy yet" | .evidence = [] else . end)' <<<"$ITEMS_ALL")
call PUT "/v1/submissions/$S2/declarations" "$ACME" "{\"items\":$ITEMS2}" -H "If-Match: $ET"
expect 200 "declare Levels 1-2, one non-conformant"
call POST "/v1/submissions/$S2/submit" "$ACME"; expect_problem 409 "a non-conformant requirement blocks submit"
if [ "$(jget '.gaps | length')" = 1 ]; then
	jget .detail | grep -q ': 1 gap to close' && ok || fail "one gap, said in the singular: $(jget .detail)"
else
	jget .detail | grep -Eq ': [0-9]+ gaps to close' && ok || fail "gaps counted: $(jget .detail)"
fi
check_eq "$(jget '[.gaps[] | "\(.requirement):\(.reason)"] | join(",")')" "ETSI-5.2-1:non_conformant" "the one gap"
call POST "/v1/submissions/$S2/decision" "$REG" '{"decision":"reject","reason":"not submitted"}'
expect_problem 409 "no decision on a draft" draft
call GET "/v1/submissions/$S2" "$ACME"; ET=$(etag)
call PUT "/v1/submissions/$S2/declarations" "$ACME" "{\"items\":[{\"requirement\":\"ETSI-5.2-1\",\"status\":\"conformant\",\"evidence\":[\"$E1\"]}]}" -H "If-Match: $ET"
expect 200 "fixed"
call POST "/v1/submissions/$S2/submit" "$ACME"; expect 200 "submitted at Level 2"
call POST "/v1/submissions/$S2/decision" "$REG" '{"decision":"approve","tier":3,"reason":"x"}'
expect_problem 409 "approval above the achieved tier 2" "above the achieved tier 2"
call POST "/v1/submissions/$S2/decision" "$REG" '{"decision":"reject","reason":"The disclosure policy evidence is not a policy"}'
expect 200 "the regulator rejects"
check_eq "$(jget .state)/$(jget .label_id)/$(jget .decision.reason)" "rejected/null/The disclosure policy evidence is not a policy" "rejected, no label"
call POST "/v1/submissions/$S2/decision" "$REG" '{"decision":"approve","tier":2,"reason":"x"}'
expect_problem 409 "rejected is final"
call POST "/v1/submissions/$S2/submit" "$ACME"; expect_problem 409 "no resubmit after rejection"
check_eq "$(actions "$S2" "$ACME")" "created,$(printf 'evidence_uploaded,%.0s' $(seq 8))declarations_updated,declarations_updated,submitted,rejected" "the rejected story's trail (the policy and a file per evidence kind)"

# A third one approved at Level 2 without review: the label sequence moves on.
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"0.9\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
expect 201 "third submission"; S3=$(jget .id); ET=$(etag)
call POST "/v1/submissions/$S3/evidence?kind=published_page" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/policy.txt"
upload_kinds "$S3" "$ACME" "$SCHEME_DOC"
ITEMS3=$(jq -c --argjson ids "$ITEMS_L12" '[.[] | select(.requirement | IN($ids[]))]' <<<"$ITEMS_ALL")
call PUT "/v1/submissions/$S3/declarations" "$ACME" "{\"items\":$ITEMS3}" -H "If-Match: $ET"; expect 200 "declared"
call POST "/v1/submissions/$S3/submit" "$ACME"; expect 200 "submitted"
call POST "/v1/submissions/$S3/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
expect 200 "approved straight from submitted"
LABEL3=$(jget .label_id)
check_eq "${LABEL3:0:12}$((10#${LABEL1:12} + 1))" "${LABEL1:0:12}$((10#${LABEL3:12}))" "the next label number"

# ----------------------------------------------------------------- listings
call GET /v1/submissions "$ACME"; expect 200 "vendor lists"
check_eq "$(jget '.items | length')" 3 "the vendor's three"
call GET "/v1/submissions?state=approved" "$ACME"; check_eq "$(jget '[.items[].id] | join(",")')" "$S1,$S3" "filter by state"
call GET "/v1/submissions?tier=4" "$REG"; check_eq "$(jget '[.items[].id] | join(",")')" "$S1" "filter by tier"
call GET "/v1/submissions?product=$P1&scheme=sg-cls-iot&state=rejected" "$REG"; check_eq "$(jget '[.items[].id] | join(",")')" "$S2" "filters combine"
call GET "/v1/submissions?scheme=us-ctm-iot" "$REG"; check_eq "$(jget '.items | length')" 0 "filter by scheme"
call GET "/v1/submissions?state=pending" "$REG"; expect_problem 400 "unknown state filter" state
call GET "/v1/submissions?tier=x" "$REG"; expect_problem 400 "bad tier filter" tier
call GET /v1/submissions "$OTHER"; check_eq "$(jget '.items | length')" 0 "another vendor sees none"
call GET /v1/submissions "$LAB"; check_eq "$(jget '[.items[].id] | join(",")')" "$S1" "the lab sees what it is assigned"
call GET "/v1/submissions?limit=1" "$REG"; CUR=$(jget .next_cursor); FIRST=$(jget '.items[0].id')
# Inserts between pages neither repeat nor skip rows.
call POST /v1/submissions "$OTHER" "{\"product_id\":\"$P2\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":1}"
expect 201 "a submission opened between two pages"; S4=$(jget .id)
PAGED=$FIRST
while [ "$CUR" != null ]; do
	call GET "/v1/submissions?limit=1&cursor=$CUR" "$REG"
	PAGED="$PAGED,$(jget '.items[0].id')"; CUR=$(jget .next_cursor)
done
check_eq "$PAGED" "$S1,$S2,$S3,$S4" "cursor pagination stable under inserts"


# ------------------------------ approval limits and the declarations' history
# A Level 2 submission of version 0.9, which has no SBOM: labs may test it
# beyond Level 2, but the label is at most the tier the vendor applied for
# (a Level 3 label needs an SBOM, checked only up to the target tier).
make_org "Level 4 Lab" lab lab; LAB4_ORG=$ORG_ID; LAB4=$TOKEN
call PUT "/v1/organizations/$LAB4_ORG/approval" "$REG" '{"tiers":[4],"valid_until":"2099-12-31"}'
expect 200 "a lab approved for tier 4 only"
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"0.9\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
expect 201 "a Level 2 submission of the version without SBOM"; S5=$(jget .id)
call POST "/v1/submissions/$S5/evidence?kind=published_page" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/policy.txt"
expect 201 "its evidence"
upload_kinds "$S5" "$ACME" "$SCHEME_DOC"
call POST "/v1/submissions/$S5/evidence" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/report.txt"
expect 201 "the lab's report file"
call PUT "/v1/submissions/$S5/lab" "$ACME" "{\"lab_id\":\"$LAB4_ORG\"}"
expect 200 "the tier 4 lab assigned"
call POST "/v1/submissions/$S5/lab-reports" "$LAB4" "{\"tier\":4,\"results\":[{\"requirement\":\"CLS-L3-SBD\",\"verdict\":\"pass\"},{\"requirement\":\"CLS-L4-PENTEST\",\"verdict\":\"pass\"}],\"report_sha256\":\"$REPORT_SHA\"}"
expect_problem 422 "no verdict on a tier the lab is not approved for" "not approved for tier 3"
call PUT "/v1/submissions/$S5/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"
expect 200 "the tier 3 and 4 lab assigned"; ET=$(etag)
ITEMS5=$(jq -c 'map(if .requirement == "ETSI-5.2-1" then .status = "non_conformant" | .justification = "policy in draft" | .evidence = [] else . end)' <<<"$ITEMS_ALL")
call PUT "/v1/submissions/$S5/declarations" "$ACME" "{\"items\":$ITEMS5}" -H "If-Match: $ET"
expect 200 "declared, one non-conformant"; ET=$(etag)
call PUT "/v1/submissions/$S5/declarations" "$ACME" "{\"items\":[{\"requirement\":\"ETSI-5.2-1\",\"status\":\"conformant\",\"justification\":\"policy published\",\"evidence\":[\"$E1\"]}]}" -H "If-Match: $ET"
expect 200 "the declaration replaced"
call GET "/v1/submissions/$S5/events?limit=500" "$ACME"
check_eq "$(jget '[.items[] | select(.action == "declarations_updated") | .detail.items[] | select(.requirement == "ETSI-5.2-1") | "\(.status)/\(.justification)/\(.evidence | length)"] | join(",")')" \
    "non_conformant/policy in draft/0,conformant/policy published/1" "the trail keeps what each declaration said"
call POST "/v1/submissions/$S5/lab-reports" "$LAB" "{\"tier\":3,\"results\":$L3_RESULTS,\"report_sha256\":\"$REPORT_SHA\"}"
expect 201 "the lab's Level 3 report"
call POST "/v1/submissions/$S5/submit" "$ACME"; expect 200 "submitted at Level 2"
call GET "/v1/submissions/$S5/assessment" "$REG"; check_eq "$(jget .achieved_tier)" 3 "it achieves Level 3"
call POST "/v1/submissions/$S5/decision" "$REG" '{"decision":"approve","tier":3,"reason":"Level 3 met"}'
expect_problem 409 "no approval above the target tier" "target tier 2"
call POST "/v1/submissions/$S5/decision" "$REG" '{"decision":"reject","reason":" \n\t "}'
expect_problem 422 "a blank reason is no reason" reason
call GET "/v1/submissions/$S5" "$REG"
check_eq "$(jget .state)/$(jget .label_id)" "submitted/null" "nothing decided"
call POST "/v1/submissions/$S5/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
expect_problem 409 "one label in force per version: the third submission's Level 2 label" "label $LABEL3 (tier 2) is in force for version 0.9"
call GET "/v1/submissions/$S5" "$REG"
check_eq "$(jget .state)/$(jget .label_id)" "submitted/null" "nothing decided"
call POST "/v1/labels/$LABEL3/revoke" "$REG" '{"reason":"issued in error"}'; expect 200 "the regulator revokes that label"
call POST "/v1/submissions/$S5/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
expect 200 "approved at the target tier"
check_eq "$(jget .approved_tier)/$(jget .label.credentialSubject.tier)" "2/2" "a Level 2 label"

# Support that ended while the submission waited: a precise 409, not a 500.
if command -v sqlite3 >/dev/null 2>&1; then
	call POST "/v1/submissions" "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"0.9\",\"scheme\":\"sg-cls-iot\",\"target_tier\":1}"
	expect 201 "a Level 1 submission"; S6=$(jget .id); ET=$(etag)
	call POST "/v1/submissions/$S6/evidence?kind=published_page" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/policy.txt"
	upload_kinds "$S6" "$ACME" "$SCHEME_DOC"
	call PUT "/v1/submissions/$S6/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H "If-Match: $ET"
	expect 200 "declared"
	call POST "/v1/submissions/$S6/submit" "$ACME"; expect 200 "submitted"
	sqlite3 -cmd '.timeout 5000' "$DATA/labeld.db" "UPDATE products SET support_until = '2001-01-01' WHERE id = '$P1'" >/dev/null
	call POST "/v1/submissions/$S6/decision" "$REG" '{"decision":"approve","tier":1,"reason":"Level 1 met"}'
	expect_problem 409 "no label once the product's support has ended" "support"
	call GET "/v1/submissions/$S6" "$REG"
	check_eq "$(jget .state)/$(jget .label_id)" "submitted/null" "nothing decided"
	sqlite3 -cmd '.timeout 5000' "$DATA/labeld.db" "UPDATE products SET support_until = '2030-12-31' WHERE id = '$P1'" >/dev/null
else
	echo "note: sqlite3 is not installed: the ended-support case is not run"
fi

# ------------------------------------- the vendor withdraws before the decision
# open_l1: a Level 1 submission of version 0.9, declared; its id in SUB.
open_l1() {
	call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"0.9\",\"scheme\":\"sg-cls-iot\",\"target_tier\":1}"
	expect 201 "a Level 1 submission to withdraw"; SUB=$(jget .id); ET=$(etag)
	call POST "/v1/submissions/$SUB/evidence?kind=published_page" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/policy.txt"
	upload_kinds "$SUB" "$ACME" "$SCHEME_DOC"
	call PUT "/v1/submissions/$SUB/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H "If-Match: $ET"
	expect 200 "declared"
}
open_l1; W1=$SUB
call POST "/v1/submissions/$W1/withdraw" "$OTHER"; expect_problem 404 "another vendor cannot withdraw it" "$W1"
call POST "/v1/submissions/$W1/withdraw" "$REG"; expect_problem 403 "a regulator does not withdraw"
call POST "/v1/submissions/$W1/withdraw" "$LAB"; expect_problem 403 "a lab does not withdraw"
call POST "/v1/submissions/$W1/withdraw" "$ACME" '' -H 'If-Match: "r1"'; expect_problem 412 "a stale If-Match withdraws nothing"
call GET "/v1/submissions/$W1" "$ACME"; check_eq "$(jget .state)" draft "refusals changed nothing"
call POST "/v1/submissions/$W1/withdraw" "$ACME"; expect 200 "the vendor withdraws a draft"
check_eq "$(jget .state)/$(jget .label_id)/$(jget .decision)" "withdrawn/null/null" "withdrawn, no label, no decision"
call POST "/v1/submissions/$W1/withdraw" "$ACME"; expect_problem 409 "withdrawn is final" withdrawn
call GET "/v1/submissions/$W1" "$ACME"; ET=$(etag)
call PUT "/v1/submissions/$W1/declarations" "$ACME" "{\"items\":$ITEMS_L1}" -H "If-Match: $ET"
expect_problem 409 "no declarations after withdrawal"
call POST "/v1/submissions/$W1/submit" "$ACME"; expect_problem 409 "no submit after withdrawal"
call POST "/v1/submissions/$W1/decision" "$REG" '{"decision":"approve","tier":1,"reason":"x"}'
expect_problem 409 "no decision after withdrawal"
call GET "/v1/submissions/$W1/events?limit=500" "$ACME"
check_eq "$(jget '[.items[] | select(.action == "withdrawn") | "\(.from_state)/\(.to_state)/\(.role)/\(.org_id)"] | join(",")')" \
    "draft/withdrawn/vendor/$ACME_ORG" "the withdrawal audited once, by the vendor"
open_l1; W2=$SUB
call POST "/v1/submissions/$W2/submit" "$ACME"; expect 200 "submitted"
call POST "/v1/submissions/$W2/withdraw" "$ACME"; expect 200 "the vendor withdraws a submitted one"
open_l1; W3=$SUB
call POST "/v1/submissions/$W3/submit" "$ACME"; expect 200 "submitted"
call POST "/v1/submissions/$W3/review" "$REG"; expect 200 "under review"
call POST "/v1/submissions/$W3/withdraw" "$ACME"; expect 200 "the vendor withdraws one under review"
open_l1; W4=$SUB
call POST "/v1/submissions/$W4/submit" "$ACME"; expect 200 "submitted"
call POST "/v1/submissions/$W4/decision" "$REG" '{"decision":"request_changes","reason":"more"}'
expect 200 "changes requested"
call POST "/v1/submissions/$W4/withdraw" "$ACME"; expect 200 "the vendor withdraws one awaiting changes"
check_eq "$(actions "$W4" "$ACME" | tr ',' '\n' | tail -n 1)" withdrawn "the trail ends with the withdrawal"
call POST "/v1/submissions/$S2/withdraw" "$ACME"; expect_problem 409 "a rejected submission is not withdrawn" rejected
call POST "/v1/submissions/$S1/withdraw" "$ACME"; expect_problem 409 "an approved submission is not withdrawn" approved
call GET "/v1/submissions?state=withdrawn" "$ACME"; expect 200 "filter by withdrawn"
check_eq "$(jget '[.items[] | "\(.id)=\(.state)"] | join(",")')" "$W1=withdrawn,$W2=withdrawn,$W3=withdrawn,$W4=withdrawn" "the four withdrawn, listed as such"
call GET "/v1/submissions?state=withdrawn&product=$P1" "$REG"; check_eq "$(jget '.items | length')" 4 "the regulator filters them too"

finish
