# story.sh: the shortest way to an issued label, for e2e tests that need
# labels rather than the workflow itself.  Source it after lib.sh.
#
#   issue_label VENDOR_TOKEN REGULATOR_TOKEN NAME SUPPORT_UNTIL
#
# makes a product NAME (support until SUPPORT_UNTIL), its version 1.0, a
# Level 2 (self-declared) sg-cls-iot submission with every declaration
# conformant on one evidence file, submits it and has the regulator
# approve it; sets LABEL and PRODUCT.  Each step is tallied with expect.
issue_label() {
	local tok=$1 reg=$2 name=$3 until=$4 p sub e items et doc
	call GET /v1/schemes/sg-cls-iot; doc=$BODY
	call POST /v1/products "$tok" "{\"name\":\"$name\",\"model\":\"M-1\",\"category\":\"hub\",\"support_until\":\"$until\",\"vulnerability_contact\":\"security@example.com\"}"
	expect 201 "$name: product"; p=$(jget .id); PRODUCT=$p
	call POST "/v1/products/$p/versions" "$tok" '{"version":"1.0"}'
	expect 201 "$name: version"
	call POST /v1/submissions "$tok" "{\"product_id\":\"$p\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
	expect 201 "$name: submission"; sub=$(jget .id)
	upload_kinds "$sub" "$tok" "$doc"
	items=$(jq -c --argjson ev "$KIND_EVIDENCE" '[.requirements[] | select(.mode == "self_declaration" and .tier <= 2) |
	    {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$doc")
	call GET "/v1/submissions/$sub" "$tok"
	et=$(grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
	call PUT "/v1/submissions/$sub/declarations" "$tok" "{\"items\":$items}" -H "If-Match: $et"
	expect 200 "$name: declarations"
	call POST "/v1/submissions/$sub/submit" "$tok"; expect 200 "$name: submitted"
	call POST "/v1/submissions/$sub/decision" "$reg" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
	expect 200 "$name: approved"; LABEL=$(jget .label_id)
}
