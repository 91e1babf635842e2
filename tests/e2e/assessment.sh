#!/usr/bin/env bash
# assessment.sh: what a vendor and a lab learn from the assessment and the
# rules that keep a label meaning what it says (issue 11): gaps in words
# (condition texts, evidence kinds, the next step and who takes it), no
# declaration on a lab-only requirement, a report's digest naming evidence
# of the submission, verdicts superseded per requirement with their
# report, and no lab shopping after a fail.
. "$(dirname "$0")/lib.sh"

start_labeld

make_org "Acme Devices" vendor vendor; ACME=$TOKEN
make_org "Strict Lab" lab lab; LAB_ORG=$ORG_ID; LAB=$TOKEN
make_org "Lenient Lab" lab lab; LAB2_ORG=$ORG_ID; LAB2=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; AUTH_ORG=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH_ORG/tokens" "$ADMIN" '{"role":"regulator"}'
expect 201 "regulator token"; REG=$(jget .token)
for l in "$LAB_ORG" "$LAB2_ORG"; do
	call PUT "/v1/organizations/$l/approval" "$REG" '{"tiers":[3,4],"valid_until":"2099-12-31"}'
	expect 200 "approve a lab"
done
etag() { grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }

call POST /v1/products "$ACME" '{"name":"Cam","model":"C-1","category":"camera","support_until":"2030-12-31"}'
expect 201 "product"; P=$(jget .id)
call POST "/v1/products/$P/versions" "$ACME" '{"version":"1.0","sbom":{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"zlib","version":"1.3"}]}}'
expect 201 "version with SBOM"
call POST "/v1/products/$P/versions" "$ACME" '{"version":"2.0","sbom":{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}}'
expect 201 "a version no submission covers"
call POST "/v1/products/$P/vulnerabilities" "$ACME" '{"id":"CVE-2024-0001","component":"zlib","status":"open"}'
expect 201 "a vulnerability on record"
call POST /v1/products "$ACME" '{"name":"Plug","model":"PL-1","category":"plug","support_until":"2030-12-31"}'
expect 201 "a second product, never submitted"; P2=$(jget .id)
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":3}"
expect 201 "a Level 3 submission"; S=$(jget .id)

# -------------------------------------------------------- gaps in words
gap() { jq -c --arg r "$1" '[.tiers[] | select(.tier == 3) | .gaps[] | select(.requirement == $r)][0]' <<<"$BODY"; }
call GET "/v1/submissions/$S/assessment" "$ACME"; expect 200 "assessment of an empty draft"
G=$(gap ETSI-5.1-1)
check_eq "$(jq -r '.conditions[0].id' <<<"$G")" C1 "a condition's id"
check_eq "$(jq -r '.conditions[0].text' <<<"$G")" "The device uses passwords (for users or for other devices to authenticate to it)." "and its text"
check_eq "$(jq -r '[.evidence_kinds[].id] | join(",")' <<<"$G")" "test_record,document" "the evidence kinds it takes"
jq -e '.evidence_kinds | all(.description | length > 20)' <<<"$G" >/dev/null && ok || fail "each kind described: $G"
check_eq "$(jq -r '.next_step.actor' <<<"$G")" vendor "the vendor declares it"
jq -r '.next_step.action' <<<"$G" | grep -q "PUT /v1/submissions/$S/declarations" && ok || fail "the route with the submission's id: $G"
jq -r '.next_step.action' <<<"$G" | grep -q "not_applicable with a justification" && ok || fail "a conditional one may be not_applicable: $G"
G=$(gap ETSI-5.2-1)
jq -e 'has("conditions") | not' <<<"$G" >/dev/null && ok || fail "a mandatory one has no conditions: $G"
jq -r '.next_step.action' <<<"$G" | grep -q "not_applicable" && fail "a mandatory one is never not_applicable: $G" || ok
G=$(gap CLS-L3-SBD)
check_eq "$(jq -r '.reason' <<<"$G")/$(jq -r '.next_step.actor' <<<"$G")" "needs_lab_result/vendor" "no lab yet: the vendor's move"
jq -r '.next_step.action' <<<"$G" | grep -q "GET /v1/labs" && ok || fail "where to find a lab: $G"
jq -r '.detail' <<<"$G" | grep -qi "ask your lab" && fail "no 'ask your lab' without a lab: $G" || ok

# ---------------------------------- no declaration on a lab-only requirement
call PUT "/v1/submissions/$S/declarations" "$ACME" '{"items":[{"requirement":"ETSI-5.2-1","status":"non_conformant"},{"requirement":"CLS-L3-SBD","status":"conformant","justification":"we reviewed it"}]}' -H 'If-Match: "r1"'
expect_problem 422 "a declaration on a third_party requirement" "only an approved lab's verdict"
check_eq "$(jget '[.errors[].field] | join(",")')" "items[1].requirement" "the item named"
call GET "/v1/submissions/$S" "$ACME"
check_eq "$(jget '.declarations | length')/$(etag)" '0/"r1"' "nothing stored"

# ------------------------------------- what the assigned lab may read
call GET "/v1/products/$P" "$LAB"; expect_problem 404 "no lab reads a product before its assignment" "no product"
call PUT "/v1/submissions/$S/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"; expect 200 "the vendor assigns a lab"
call GET "/v1/products/$P" "$LAB"; expect 200 "the assigned lab reads the product"
check_eq "$(jget .id)" "$P" "the product"
call GET "/v1/products/$P/versions/1.0" "$LAB"; expect 200 "the submitted version"
call GET "/v1/products/$P/versions/1.0/sbom" "$LAB"; expect 200 "its SBOM"
check_eq "$(jget '.components[0].name')" zlib "the SBOM's components"
call GET "/v1/products/$P/vulnerabilities" "$LAB"; expect 200 "the product's vulnerabilities"
check_eq "$(jget '[.items[].id] | join(",")')" CVE-2024-0001 "the record"
call GET "/v1/products/$P/vulnerabilities/CVE-2024-0001" "$LAB"; expect 200 "one vulnerability"
call GET "/v1/products/$P/versions/2.0" "$LAB"; expect_problem 404 "not a version no submission of the lab covers" "no version 2.0"
call GET "/v1/products/$P/versions/2.0/sbom" "$LAB"; expect_problem 404 "nor its SBOM" "no version 2.0"
call GET "/v1/products/$P2" "$LAB"; expect_problem 404 "nor another product of the vendor" "no product"
call GET "/v1/products/$P2/vulnerabilities" "$LAB"; expect_problem 404 "nor its vulnerabilities" "no product"
call GET "/v1/products/$P" "$LAB2"; expect_problem 404 "another lab reads nothing" "no product"
call GET /v1/products "$LAB"; expect_problem 403 "a lab lists no products"
call PATCH "/v1/products/$P" "$LAB" '{"name":"X"}'; expect_problem 403 "nor changes one"
call POST "/v1/products/$P/vulnerabilities" "$LAB" '{"id":"CVE-2024-0002","status":"open"}'; expect_problem 403 "nor records a vulnerability"

# ------------------------------------------------------------ lab reports
call GET "/v1/submissions/$S/assessment" "$ACME"
G=$(gap CLS-L3-SBD)
check_eq "$(jq -r '.next_step.actor' <<<"$G")" lab "with a lab: the lab's move"
jq -r '.next_step.action' <<<"$G" | grep -q "POST /v1/submissions/$S/lab-reports" && ok || fail "the lab's route: $G"

printf 'Strict Lab report, first round\n' > "$WORK/r1.txt"; R1=$(sha256sum "$WORK/r1.txt" | cut -d' ' -f1)
printf 'Strict Lab report, retest\n' > "$WORK/r2.txt"; R2=$(sha256sum "$WORK/r2.txt" | cut -d' ' -f1)
PASSES3='[{"requirement":"CLS-L3-SBD","verdict":"pass"},{"requirement":"CLS-L3-BIN","verdict":"pass"},{"requirement":"CLS-L3-VULN","verdict":"pass"}]'
call POST "/v1/submissions/$S/lab-reports" "$LAB" "{\"tier\":3,\"results\":$PASSES3,\"report_sha256\":\"$R1\"}"
expect_problem 422 "a report digest naming no evidence" "names no evidence of this submission"
check_eq "$(jget '[.errors[].field] | join(",")')" report_sha256 "the field named"
call GET "/v1/submissions/$S" "$ACME"; check_eq "$(jget '.lab_reports | length')" 0 "nothing filed"
call POST "/v1/submissions/$S/evidence" "$LAB" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/r1.txt"
expect 201 "the lab uploads its report file"
call POST "/v1/submissions/$S/lab-reports" "$LAB" "{\"tier\":3,\"results\":$PASSES3,\"report_sha256\":\"$R1\"}"
expect 201 "then files the report"; REP1=$(jget .id)
call POST "/v1/submissions/$S/lab-reports" "$LAB" "{\"tier\":3,\"results\":[{\"requirement\":\"CLS-L3-BIN\",\"verdict\":\"fail\",\"notes\":\"stack overflow in the parser\"}],\"report_sha256\":\"$R1\"}"
expect 201 "a second report fails one requirement"; REP2=$(jget .id)

call GET "/v1/submissions/$S" "$ACME"; expect 200 "the submission"
check_eq "$(jget '[.verdicts[] | "\(.requirement)=\(.verdict)@\(.report_id)"] | sort | join(",")')" \
    "CLS-L3-BIN=fail@$REP2,CLS-L3-SBD=pass@$REP1,CLS-L3-VULN=pass@$REP1" "each verdict with its report: the fail replaced one pass only"
check_eq "$(jget '[.lab_reports[] | .current] | join(",")')" "true,true" "both reports still count"
call GET "/v1/submissions/$S/assessment" "$ACME"
check_eq "$(jq -r '[.tiers[] | select(.tier == 3) | .gaps[] | select(.tier == 3 and (.requirement // "" | startswith("CLS-L3-")) and .requirement != "CLS-L3-TRA" and .requirement != "CLS-L3-SBOM") | "\(.requirement)=\(.reason)"] | join(",")' <<<"$BODY")" \
    "CLS-L3-BIN=lab_failed" "only the failed requirement is a lab gap"
G=$(gap CLS-L3-BIN)
check_eq "$(jq -r '.next_step.actor' <<<"$G")" vendor "a fail is the vendor's to fix"
jq -r '.next_step.action' <<<"$G" | grep -q retest && ok || fail "then a retest: $G"

# ----------------------------------------------------------- lab shopping
call PUT "/v1/submissions/$S/lab" "$ACME" "{\"lab_id\":\"$LAB2_ORG\"}"
expect_problem 409 "the vendor cannot move to another lab after a fail" "only the regulator may assign another lab"
jget .detail | grep -q "$REP2" && ok || fail "the failing report named: $(jget .detail)"
call GET "/v1/submissions/$S" "$ACME"; check_eq "$(jget .lab_id)" "$LAB_ORG" "the lab stays"
call PUT "/v1/submissions/$S/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"; expect 200 "the same lab again is no change"

call POST "/v1/submissions/$S/evidence" "$LAB" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/r2.txt"
expect 201 "the retest's report file"
call POST "/v1/submissions/$S/lab-reports" "$LAB" "{\"tier\":3,\"results\":[{\"requirement\":\"CLS-L3-BIN\",\"verdict\":\"pass\",\"notes\":\"fixed in 1.0\"}],\"report_sha256\":\"$R2\"}"
expect 201 "the retest passes"; REP3=$(jget .id)
call GET "/v1/submissions/$S" "$REG"
check_eq "$(jget '[.verdicts[] | "\(.requirement)=\(.verdict)@\(.report_id)"] | sort | join(",")')" \
    "CLS-L3-BIN=pass@$REP3,CLS-L3-SBD=pass@$REP1,CLS-L3-VULN=pass@$REP1" "the retest supersedes the fail"
check_eq "$(jget '[.lab_reports[] | .current] | join(",")')" "true,false,true" "the failing report no longer counts"
check_eq "$(jget '[.lab_reports[].results[] | select(.verdict == "fail")] | length')" 1 "and stays on record for the regulator"
call PUT "/v1/submissions/$S/lab" "$ACME" "{\"lab_id\":\"$LAB2_ORG\"}"
expect_problem 409 "still no lab change for the vendor" "failed a requirement"
call PUT "/v1/submissions/$S/lab" "$REG" "{\"lab_id\":\"$LAB2_ORG\"}"
expect 200 "the regulator may change the lab"
check_eq "$(jget .lab_id)/$(jget '.verdicts | length')" "$LAB2_ORG/0" "the new lab's verdicts count: none yet"
call POST "/v1/submissions/$S/lab-reports" "$LAB" "{\"tier\":3,\"results\":$PASSES3,\"report_sha256\":\"$R2\"}"
expect_problem 404 "the former lab no longer reports"
call POST "/v1/submissions/$S/lab-reports" "$LAB2" "{\"tier\":3,\"results\":$PASSES3,\"report_sha256\":\"$R2\"}"
expect 201 "the new lab reports, naming a file of the submission"

# ----------------------------------------------------- vulnerabilities
# Scheme version 2 sets vulnerability_threshold "high" from Level 3.
vgap() {
	call GET "/v1/submissions/$S/assessment" "$ACME"
	jq -c '[.tiers[] | select(.tier == 3) | .gaps[] | select(.vulnerability != null)]' <<<"$BODY"
}
VP="/v1/products/$P/vulnerabilities/CVE-2024-0001"
G=$(vgap)
check_eq "$(jq -r '[.[] | "\(.vulnerability)/\(.severity)/\(.reason)/\(.tier)"] | join(",")' <<<"$G")" \
    "CVE-2024-0001/null/vulnerability_unresolved/3" "an open vulnerability of unknown severity is a Level 3 gap"
jq -r '.[0].next_step.action' <<<"$G" | grep -q "PATCH /v1/products/$P/vulnerabilities/CVE-2024-0001" && ok || fail "the record to change: $G"
check_eq "$(jq -r '.[0].requirement' <<<"$G")" null "a gap of no requirement"
call GET "/v1/submissions/$S/assessment" "$ACME"
check_eq "$(jget '[.tiers[] | select(.tier == 2) | .gaps[] | select(.vulnerability != null)] | length')" 0 "not below Level 3"
call PATCH "$VP" "$ACME" '{"severity":"medium"}'; expect 200 "below the threshold"
check_eq "$(vgap)" "[]" "a medium one does not block"
call PATCH "$VP" "$ACME" '{"severity":"critical"}'; expect 200 "above it"
check_eq "$(jq -r '.[0].severity' <<<"$(vgap)")" critical "a critical one blocks"
call PATCH "$VP" "$ACME" '{"status":"fixed","fixed_in_version":"2.0"}'; expect 200 "fixed in a later version"
check_eq "$(jq -r 'length' <<<"$(vgap)")" 1 "a fix after the submitted version does not count"
call PATCH "$VP" "$ACME" '{"fixed_in_version":"1.0"}'; expect 200 "fixed in the submitted version"
check_eq "$(vgap)" "[]" "then it is resolved"
call PATCH "$VP" "$ACME" '{"status":"mitigated","fixed_in_version":null}'; expect 200 "mitigated, no justification"
check_eq "$(jq -r 'length' <<<"$(vgap)")" 1 "mitigated without a reason is not accounted for"
call PATCH "$VP" "$ACME" '{"justification":"the parser is not reachable: zlib inflate is never called on network input"}'
expect 200 "with a justification"
check_eq "$(vgap)" "[]" "accounted for"
call GET /v1/schemes/sg-cls-iot/versions/2
jget .model_note | grep -q "a lab's fail overrides any declaration" && ok || fail "version 2 says what version 1 got wrong"
jget .model_note | grep -q "Labs give verdicts only on third_party requirements" && ok || fail "and the rule the API keeps"

# ---------------------------------------------------------- evidence kinds
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":1}"
expect 201 "a Level 1 submission"; K=$(jget .id)
call POST "/v1/submissions/$K/evidence?kind=brochure" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'x'
expect_problem 422 "an unknown kind" "one of published_page, document, test_record, design_record, sbom, vulnerability_statement, lab_report"
check_eq "$(jget '[.errors[].field] | join(",")')" kind "the field named"
call POST "/v1/submissions/$K/evidence" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'Our support period is published on the box'
expect 201 "no kind: a document"; DOC=$(jget .sha256)
check_eq "$(jget .kind)" document "the default kind"
call POST "/v1/submissions/$K/evidence?kind=published_page" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'Our support period is published on the box'
expect_problem 409 "the same bytes as another kind" "as evidence of kind document, not published_page"
call POST "/v1/submissions/$K/evidence?kind=document" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'Our support period is published on the box'
expect 200 "the same bytes and kind again: idempotent"
call GET "/v1/submissions/$K" "$ACME"
call PUT "/v1/submissions/$K/declarations" "$ACME" "{\"items\":[{\"requirement\":\"ETSI-5.3-13\",\"status\":\"conformant\",\"evidence\":[\"$DOC\"]}]}" -H "If-Match: $(etag)"
expect 200 "declared with a document"
call GET "/v1/submissions/$K/assessment" "$ACME"
G=$(jq -c '[.tiers[0].gaps[] | select(.requirement == "ETSI-5.3-13")][0]' <<<"$BODY")
check_eq "$(jq -r .reason <<<"$G")" evidence_wrong_kind "a document does not show a published page"
check_eq "$(jq -r '[.evidence_kinds[].id] | join(",")' <<<"$G")" published_page "the kind it takes"
jq -r '.next_step.action' <<<"$G" | grep -q "evidence?kind=KIND" && ok || fail "the step says how to upload a kind: $G"

# A multipart form (curl -F): the file part is stored, not the form.
printf 'Support period: 2030-12-31, https://acme.example/support\n' > "$WORK/page.txt"
PAGE=$(sha256sum "$WORK/page.txt" | cut -d' ' -f1)
call POST "/v1/submissions/$K/evidence?kind=published_page" "$ACME" '' -F "note=ignored" -F "file=@$WORK/page.txt;type=text/plain"
expect 201 "a multipart upload"
check_eq "$(jget .sha256)/$(jget .size)/$(jget .media_type)/$(jget .filename)/$(jget .kind)" \
    "$PAGE/$(stat -c %s "$WORK/page.txt")/text/plain/page.txt/published_page" "the file part's bytes, type and name"
call GET "/v1/submissions/$K/evidence/$PAGE" "$ACME"
check_eq "$BODY" "$(cat "$WORK/page.txt")" "the bytes of the file, not of the form"
call POST "/v1/submissions/$K/evidence" "$ACME" '' -F "file=@$WORK/page.txt" -F "file2=@$WORK/r1.txt"
expect_problem 422 "two file parts" "2 file parts"
call POST "/v1/submissions/$K/evidence" "$ACME" '' -F "note=no file here"
expect_problem 422 "no file part" "no file part"
call POST "/v1/submissions/$K/evidence" "$ACME" '' -H 'Content-Type: multipart/form-data' --data-binary 'x'
expect_problem 422 "multipart without a boundary" boundary
: > "$WORK/empty.txt"
call POST "/v1/submissions/$K/evidence" "$ACME" '' -F "file=@$WORK/empty.txt"
expect_problem 422 "an empty file part" "empty file part"
call GET "/v1/submissions/$K/evidence" "$ACME"
check_eq "$(jget '[.items[].kind] | join(",")')" "document,published_page" "refused uploads stored nothing"
call GET "/v1/submissions/$K" "$ACME"
call PUT "/v1/submissions/$K/declarations" "$ACME" "{\"items\":[{\"requirement\":\"ETSI-5.3-13\",\"status\":\"conformant\",\"evidence\":[\"$DOC\",\"$PAGE\"]}]}" -H "If-Match: $(etag)"
expect 200 "declared with the published page too"
call GET "/v1/submissions/$K/assessment" "$ACME"
check_eq "$(jget '[.tiers[0].gaps[] | select(.requirement == "ETSI-5.3-13")] | length')" 0 "one fitting item meets it"

# A scheme without a "document" kind: the kind must be named.
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P\",\"product_version\":\"1.0\",\"scheme\":\"us-ctm-iot\",\"target_tier\":1}"
expect 201 "a us-ctm-iot submission"; U=$(jget .id)
call POST "/v1/submissions/$U/evidence" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'x'
expect_problem 422 "no default kind there" "is required: scheme us-ctm-iot version 1 has no kind \"document\" to default to; one of registry_entry, lab_report"
call POST "/v1/submissions/$U/evidence?kind=registry_entry" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'x'
expect 201 "a kind of that scheme"

# ------------------------------------- one label in force per version
call GET /v1/schemes/sg-cls-iot; SCHEME_DOC=$BODY
call POST /v1/products "$ACME" '{"name":"Hub","model":"H-1","category":"hub","support_until":"2030-12-31"}'
expect 201 "a product"; PH=$(jget .id)
call POST "/v1/products/$PH/versions" "$ACME" '{"version":"3.0","sbom":{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}}'
expect 201 "its version"
# apply TIER: a submission of version 3.0 answered up to TIER (lab reports
# from Level 3), submitted; its id in SUB.
apply() {
	local t=$1 items results
	call POST /v1/submissions "$ACME" "{\"product_id\":\"$PH\",\"product_version\":\"3.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":$t}"
	expect 201 "a Level $t submission"; SUB=$(jget .id)
	upload_kinds "$SUB" "$ACME" "$SCHEME_DOC"
	items=$(jq -c --argjson ev "$KIND_EVIDENCE" --argjson t "$t" '[.requirements[] | select(.mode == "self_declaration" and .tier <= $t) |
	    {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$SCHEME_DOC")
	call GET "/v1/submissions/$SUB" "$ACME"
	call PUT "/v1/submissions/$SUB/declarations" "$ACME" "{\"items\":$items}" -H "If-Match: $(etag)"
	expect 200 "Level $t declared"
	if [ "$t" -ge 3 ]; then
		call PUT "/v1/submissions/$SUB/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"; expect 200 "lab assigned"
		call POST "/v1/submissions/$SUB/evidence?kind=lab_report" "$LAB" '' -H 'Content-Type: text/plain' --data-binary "report on $SUB"
		expect 201 "the lab's report file"
		results=$(jq -c '[.requirements[] | select(.mode == "third_party" and .tier == 3) | {requirement: .id, verdict: "pass"}]' <<<"$SCHEME_DOC")
		call POST "/v1/submissions/$SUB/lab-reports" "$LAB" "{\"tier\":3,\"results\":$results,\"report_sha256\":\"$(jget .sha256)\"}"
		expect 201 "the lab's Level 3 report"
	fi
	call POST "/v1/submissions/$SUB/submit" "$ACME"; expect 200 "Level $t submitted"
}
apply 2; S2A=$SUB
call POST "/v1/submissions/$S2A/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
expect 200 "a Level 2 label"; LA=$(jget .label_id)
apply 2; S2B=$SUB
call POST "/v1/submissions/$S2B/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
expect_problem 409 "a second label at the same tier" "label $LA (tier 2) is in force for version 3.0"
check_eq "$(jget .type)" "urn:labeld:problem:label-in-force" "its problem type"
call POST "/v1/submissions/$S2B/decision" "$REG" '{"decision":"approve","tier":1,"reason":"Level 1 met"}'
expect_problem 409 "nor at a lower one" "only an approval at a higher tier supersedes it"
apply 3; S3A=$SUB
call POST "/v1/submissions/$S3A/decision" "$REG" '{"decision":"approve","tier":3,"reason":"Level 3 met"}'
expect 200 "a Level 3 label supersedes it"; LB=$(jget .label_id)
[ "$LB" != "$LA" ] && ok || fail "the successor has an id of its own"
call GET "/v1/labels/$LA/status"; expect 200 "the old label's status"
check_eq "$(jget .status)/$(jget .superseded_by)/$(jget .reason)" "superseded/$LB/superseded_by: $LB" "superseded, naming its successor"
call GET "/v1/labels/$LB/status"; check_eq "$(jget .status)/$(jget .superseded_by)" "active/null" "the successor is active"
call GET "/v1/labels/$LA/events"; expect 200 "its history"
check_eq "$(jget '[.items[].action] | join(",")')" "issued,superseded" "issued, then superseded"
call GET "/v1/labels/$LA"; expect 200 "the old credential is still served"
call POST /v1/verify '' "$BODY"; expect 200 "and verifies"
check_eq "$(jget .verified)/$(jget .label.status)/$(jget .label.superseded_by)" "true/superseded/$LB" "as what it was, with its status"
call GET "/v1/log/entries?start=0&end=100"
check_eq "$(jget '[.entries[].leaf | @base64d | fromjson | select(.kind == "supersede") | .label_id] | join(",")')" "$LA" "the transparency log records the supersession"
call POST "/v1/labels/$LA/suspend" "$REG" '{"reason":"x"}'; expect_problem 409 "a superseded label is not suspended" "only an active label"
apply 3; S3B=$SUB
call POST "/v1/submissions/$S3B/decision" "$REG" '{"decision":"approve","tier":3,"reason":"Level 3 met"}'
expect_problem 409 "the Level 3 label stands" "label $LB (tier 3)"
call POST "/v1/labels/$LB/suspend" "$REG" '{"reason":"under investigation"}'; expect 200 "the regulator suspends it"
call POST "/v1/submissions/$S3B/decision" "$REG" '{"decision":"approve","tier":3,"reason":"Level 3 met"}'
expect_problem 409 "a suspended label also stands in the way" "label $LB (tier 3)"
call POST "/v1/labels/$LB/revoke" "$REG" '{"reason":"key components replaced"}'; expect 200 "revoked"
call POST "/v1/submissions/$S3B/decision" "$REG" '{"decision":"approve","tier":3,"reason":"Level 3 met"}'
expect 200 "then a new label may be issued"
call GET "/v1/labels/$LA/status"; check_eq "$(jget .status)" superseded "the superseded one stays superseded"

# ------------------------------------------------------------ lab review
# A scheme version of the test's own: us-ctm-iot 2 has its self-declared
# tier 1 reviewed by a lab.  The shipped CLS versions keep it off.
call GET /v1/schemes/sg-cls-iot/versions/2
check_eq "$(jget '[.tiers[] | .lab_review] | map(tostring) | join(",")')" "false,false,null,null" "CLS version 2 ships without lab review"
jq '.version = 2 | .tiers[0].lab_review = true' "$top_srcdir/schemas/schemes/us-ctm-iot-1.json" > "$WORK/ctm2.json"
call POST /v1/schemes "$REG" "$(cat "$WORK/ctm2.json")"; expect 201 "a scheme version with a lab-reviewed tier"
jq '.version = 3 | .tiers[1].lab_review = true' "$top_srcdir/schemas/schemes/us-ctm-iot-1.json" > "$WORK/ctm3.json"
call POST /v1/schemes "$REG" "$(cat "$WORK/ctm3.json")"; expect_problem 422 "no lab review on a lab tier" "lab_review: allowed only on a self_declaration tier"
call PUT "/v1/organizations/$LAB2_ORG/approval" "$REG" '{"tiers":[1],"valid_until":"2099-12-31","scheme":"sg-cls-iot"}'
expect_problem 422 "no approval for a tier without lab review" "self-declared without lab review"
call PUT "/v1/organizations/$LAB2_ORG/approval" "$REG" '{"tiers":[1,2],"valid_until":"2099-12-31","scheme":"us-ctm-iot"}'
expect 200 "a lab approved for the lab-reviewed tier"
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P\",\"product_version\":\"1.0\",\"scheme\":\"us-ctm-iot\",\"target_tier\":1}"
expect 201 "a tier 1 submission on version 2"; R=$(jget .id)
check_eq "$(jget .scheme_version)" 2 "pinned to version 2"
call GET /v1/schemes/us-ctm-iot/versions/2; CTM=$BODY
upload_kinds "$R" "$ACME" "$CTM"
items=$(jq -c --argjson ev "$KIND_EVIDENCE" '[.requirements[] | select(.mode == "self_declaration" and .tier == 1) |
    {requirement: .id, status: "conformant", justification: "Registered", evidence: [.evidence[] | $ev[.]]}]' <<<"$CTM")
call GET "/v1/submissions/$R" "$ACME"
call PUT "/v1/submissions/$R/declarations" "$ACME" "{\"items\":$items}" -H "If-Match: $(etag)"; expect 200 "declared"
call GET "/v1/submissions/$R/assessment" "$ACME"
check_eq "$(jget '.target_met')/$(jget '[.tiers[0].gaps[] | .reason] | unique | join(",")')/$(jget '.tiers[0].gaps[0].next_step.actor')" \
    "false/needs_lab_result/vendor" "declarations alone do not meet a lab-reviewed tier; the vendor finds a lab"
call PUT "/v1/submissions/$R/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"
expect_problem 422 "a lab not approved for the reviewed tier" "not approved for tier 1"
call PUT "/v1/submissions/$R/lab" "$ACME" "{\"lab_id\":\"$LAB2_ORG\"}"; expect 200 "the reviewing lab assigned"
call POST "/v1/submissions/$R/evidence?kind=lab_report" "$LAB2" '' -H 'Content-Type: text/plain' --data-binary "review of $R"
RR=$(jget .sha256)
results=$(jq -c '[.requirements[] | select(.tier == 1 and .obligation != "recommended") | {requirement: .id, verdict: "pass"}]' <<<"$CTM")
call POST "/v1/submissions/$R/lab-reports" "$LAB2" "{\"tier\":1,\"results\":$results,\"report_sha256\":\"$RR\"}"
expect 201 "the lab files its review of tier 1"
call GET "/v1/submissions/$R/assessment" "$ACME"
check_eq "$(jget .achieved_tier)/$(jget .target_met)" "1/true" "declarations and the lab's review meet tier 1"
call PUT "/v1/organizations/$LAB2_ORG/approval" "$REG" '{"tiers":[2],"valid_until":"2099-12-31","scheme":"us-ctm-iot"}'
expect 200 "the lab's approval narrows after it filed"
call GET "/v1/submissions/$R/assessment" "$ACME"
check_eq "$(jget .achieved_tier)" 1 "a verdict filed under an approval in force keeps counting"
call POST "/v1/submissions/$R/lab-reports" "$LAB2" "{\"tier\":1,\"results\":$results,\"report_sha256\":\"$RR\"}"
expect_problem 422 "but the lab files no new one for that tier" "not approved for tier 1"
call POST "/v1/submissions/$S/lab-reports" "$LAB2" "{\"tier\":3,\"results\":[{\"requirement\":\"ETSI-5.3-13\",\"verdict\":\"pass\"}],\"report_sha256\":\"$R2\"}"
expect_problem 422 "CLS keeps Level 1 declared: no verdict on it" "in a tier without lab review"
call POST "/v1/submissions/$S/lab-reports" "$LAB2" "{\"tier\":1,\"results\":[{\"requirement\":\"ETSI-5.3-13\",\"verdict\":\"pass\"}],\"report_sha256\":\"$R2\"}"
expect_problem 422 "nor a report for its Level 1" "self-declared without lab review"

# The log with its supersede leaf, and the database, check out offline.
stop_labeld
"$LABELCTL" --data-dir "$DATA" log verify >"$WORK/lv.out" 2>&1 && ok || fail "labelctl log verify: $(cat "$WORK/lv.out")"
"$LABELCTL" --data-dir "$DATA" check >"$WORK/ck.out" 2>&1 && ok || fail "labelctl check: $(cat "$WORK/ck.out")"

finish
