# story_lib.sh: a vendor's story from product to issued label, for the
# tests of the public face (public.sh, tests/browser/pages.sh).  Source it
# after lib.sh and start_labeld.
#
# story_setup: a vendor (ACME, ACME_ORG), an approved lab (LAB, LAB_ORG),
# a regulator token (REG) and the scheme document (SCHEME_DOC).
story_setup() {
	make_org "Acme Devices" vendor vendor; ACME=$TOKEN; ACME_ORG=$ORG_ID
	make_org "Good Lab" lab lab; LAB_ORG=$ORG_ID; LAB=$TOKEN
	"$LABELCTL" --data-dir "$DATA" token create --role regulator > "$WORK/reg"
	REG=$(sed -n 's/^token //p' "$WORK/reg")
	call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":[3,4],"valid_until":"2099-12-31"}'
	expect 200 "lab approved for tiers 3 and 4"
	call GET /v1/schemes/sg-cls-iot; SCHEME_DOC=$BODY
}

# story NAME MODEL TIER: a product named NAME (any text: it is JSON-encoded
# here) approved at TIER of sg-cls-iot; sets LABEL, PRODUCT, SUB.
story() {
	local name=$1 model=$2 tier=$3
	call POST /v1/products "$ACME" "$(jq -cn --arg n "$name" --arg m "$model" \
	    '{name:$n, model:$m, category:"camera", support_until:"2030-06-30", vulnerability_contact:"https://acme.example/security"}')"
	expect 201 "story: product"; PRODUCT=$(jget .id)
	story_label "$PRODUCT" 1.0 "$tier"
}

# story_label PRODUCT VERSION TIER: a new firmware VERSION of PRODUCT
# (with an SBOM) approved at TIER; sets LABEL and SUB.
story_label() {
	local product=$1 version=$2 tier=$3 model=$1-$2 e items results etag
	call POST "/v1/products/$product/versions" "$ACME" "{\"version\":\"$version\",\"sbom\":{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"type\":\"library\",\"name\":\"openssl\",\"version\":\"3.0.13\"}]}}"
	expect 201 "story: firmware version"
	call POST /v1/submissions "$ACME" "{\"product_id\":\"$product\",\"product_version\":\"$version\",\"scheme\":\"sg-cls-iot\",\"target_tier\":$tier}"
	expect 201 "story: submission"; SUB=$(jget .id)
	upload_kinds "$SUB" "$ACME" "$SCHEME_DOC"
	items=$(jq -c --argjson ev "$KIND_EVIDENCE" --argjson t "$tier" '[.requirements[] | select(.mode == "self_declaration" and .tier <= $t) |
	    {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$SCHEME_DOC")
	call GET "/v1/submissions/$SUB" "$ACME"
	etag=$(grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
	call PUT "/v1/submissions/$SUB/declarations" "$ACME" "{\"items\":$items}" -H "If-Match: $etag"
	expect 200 "story: declarations"
	if [ "$tier" -ge 3 ]; then
		call PUT "/v1/submissions/$SUB/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"
		expect 200 "story: lab assigned"
		for t in 3 4; do
			[ "$t" -le "$tier" ] || continue
			results=$(jq -c --argjson t "$t" '[.requirements[] | select(.mode == "third_party" and .tier == $t) |
			    {requirement: .id, verdict: "pass", notes: "no findings"}]' <<<"$SCHEME_DOC")
			call POST "/v1/submissions/$SUB/evidence" "$LAB" '' -H 'Content-Type: text/plain' --data-binary "report $model $t"
			expect 201 "story: Level $t report file"
			call POST "/v1/submissions/$SUB/lab-reports" "$LAB" "{\"tier\":$t,\"results\":$results,\"report_sha256\":\"$(printf 'report %s %s' "$model" "$t" | sha256sum | cut -d' ' -f1)\"}"
			expect 201 "story: Level $t lab report"
		done
	fi
	call POST "/v1/submissions/$SUB/submit" "$ACME"; expect 200 "story: submitted"
	call POST "/v1/submissions/$SUB/decision" "$REG" "{\"decision\":\"approve\",\"tier\":$tier,\"reason\":\"Level $tier met\"}"
	expect 200 "story: approved at Level $tier"
	LABEL=$(jget .label_id)
}
