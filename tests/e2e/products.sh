#!/usr/bin/env bash
# products.sh: products, firmware versions with CycloneDX SBOMs,
# vulnerability records and lab approvals against the real daemon: happy
# paths, every bad input (precise problem+json, nothing stored), vendor
# isolation (404), wrong roles (403), no token (401), cursor pagination
# under concurrent inserts, and persistence across a restart.
. "$(dirname "$0")/lib.sh"

# A small upload limit so that an oversize SBOM is cheap to send.
UPLOAD_LIMIT=65536
start_labeld --max-upload 64K

make_org "Acme Devices" vendor vendor; ACME_ORG=$ORG_ID; ACME=$TOKEN
make_org "Other Devices" vendor vendor; OTHER_ORG=$ORG_ID; OTHER=$TOKEN
make_org "Test Lab" lab lab; LAB_ORG=$ORG_ID; LAB=$TOKEN
make_org "Second Lab" lab lab; LAB2_ORG=$ORG_ID; LAB2=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; expect 200 "find the authority"
AUTH_ORG=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH_ORG/tokens" "$ADMIN" '{"role":"regulator"}'
expect 201 "regulator token"; REG=$(jget .token)

# sha256 of the RFC 8785 form of a JSON text: for ASCII strings without
# numbers jq's sorted compact output is exactly that form.
jcs_sha256() { printf '%s' "$(jq -cS . <<<"$1")" | sha256sum | cut -d' ' -f1; }

# ---------------------------------------------------------------- products
call POST /v1/products "$ACME" '{"name":"SmartCam","model":"SC-100","category":"camera","support_until":"2030-12-31","vulnerability_contact":"https://example.com/security"}'
expect 201 "create product"
P1=$(jget .id)
check_eq "$(jget .vendor_id)" "$ACME_ORG" "product belongs to the caller"
check_eq "$(jget .support_until)" 2030-12-31 "support_until echoed"
check_eq "$(jget .vulnerability_contact)" https://example.com/security "vulnerability_contact echoed"
check_eq "$(jget '.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")')" true "created_at is RFC 3339 UTC"
CREATED=$(jget .created_at)

call POST /v1/products "$ACME" '{}'
expect_problem 422 "product without fields" name
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "category,model,name,support_until" "every missing field named"
call POST /v1/products "$ACME" '{"name":5,"model":" ","category":"camera","support_until":"2030-02-30","vulnerability_contact":"https://example.com/security"}'
expect_problem 422 "wrong types, blank, impossible date" support_until
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "model,name,support_until" "three faulty fields"
call POST /v1/products "$ACME" '{"name":"X","model":"Y","category":"camera","support_until":"2001-01-01","vulnerability_contact":"https://example.com/security"}'
expect_problem 422 "support period already over" "past"
for bad in 'ftp://example.com/sec' 'security@localhost' 'javascript:alert(1)' 'https://example.com/<script>' 'a b@example.com' 'sec@@example.com' 'https://' 'mailto:' ''; do
	call POST /v1/products "$ACME" "$(jq -cn --arg c "$bad" '{name:"X",model:"Y",category:"camera",support_until:"2030-01-01",vulnerability_contact:$c}')"
	expect_problem 422 "contact \"$bad\" refused" vulnerability_contact
done
call POST /v1/products "$ACME" '{"name":"X","model":"Y","category":"camera","support_until":"2030-01-01","vulnerability_contact":"ftp://x"}'
check_eq "$(jget '.errors[0].detail')" 'must be an https:// or http:// URL or an e-mail address (security@example.com), not "ftp://x"' "the contact fault says what is accepted"
LONG=$(printf 'n%.0s' $(seq 1 201))
call POST /v1/products "$ACME" "{\"name\":\"$LONG\",\"model\":\"Y\",\"category\":\"camera\",\"support_until\":\"2030-01-01\",\"vulnerability_contact\":\"security@example.com\"}"
expect_problem 422 "name too long" "at most 200"
call POST /v1/products "$ACME" '{"name":"X",' ; expect_problem 400 "malformed JSON" "malformed"
call POST /v1/products "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'name=X'
expect_problem 415 "not JSON"
call POST /v1/products "$REG" '{"name":"X","model":"Y","category":"camera","support_until":"2030-01-01","vulnerability_contact":"https://example.com/security"}'
expect_problem 403 "regulator cannot create products"
call POST /v1/products "$LAB" '{"name":"X","model":"Y","category":"camera","support_until":"2030-01-01","vulnerability_contact":"https://example.com/security"}'
expect_problem 403 "lab cannot create products"
call POST /v1/products "$ADMIN" '{"name":"X","model":"Y","category":"camera","support_until":"2030-01-01","vulnerability_contact":"https://example.com/security"}'
expect_problem 403 "admin cannot create products"
call POST /v1/products "" '{"name":"X","model":"Y","category":"camera","support_until":"2030-01-01","vulnerability_contact":"https://example.com/security"}'
expect_problem 401 "no token"

for i in 2 3 4; do
	call POST /v1/products "$ACME" "{\"name\":\"Plug $i\",\"model\":\"PL-$i\",\"category\":\"plug\",\"support_until\":\"2029-06-30\",\"vulnerability_contact\":\"mailto:psirt@example.com\"}"
	expect 201 "create plug $i"
done
call POST /v1/products "$OTHER" '{"name":"Router","model":"R1","category":"router","support_until":"2031-01-01","vulnerability_contact":"https://example.com/security"}'
expect 201 "other vendor's product"; P_OTHER=$(jget .id)

# reading: own only for vendors, everything for regulators
call GET "/v1/products/$P1" "$ACME"; expect 200 "vendor reads own product"
call GET "/v1/products/$P1" "$REG"; expect 200 "regulator reads any product"
call GET "/v1/products/$P1" "$OTHER"; expect_problem 404 "other vendor's product is hidden" "$P1"
NOT_THERE_DETAIL=$(jget .detail | sed "s/$P1/X/")
call GET /v1/products/prd_nope "$OTHER"; expect_problem 404 "unknown product"
check_eq "$(jget .detail | sed 's/prd_nope/X/')" "$NOT_THERE_DETAIL" "hidden and unknown answer alike"
call GET "/v1/products/$P1" "$LAB"; expect_problem 404 "a lab assigned no submission of it cannot read a product" "no product"
call GET "/v1/products/$P1" "$ADMIN"; expect_problem 403 "admin cannot read products"
call GET "/v1/products/$P1"; expect_problem 401 "read without token"

call GET /v1/products "$ACME"; expect 200 "vendor lists"
check_eq "$(jget '.items | length')" 4 "vendor sees its four products"
check_eq "$(jget "[.items[].vendor_id] | unique | join(\",\")")" "$ACME_ORG" "only its own"
call GET /v1/products "$REG"; expect 200 "regulator lists"
check_eq "$(jget '.items | length')" 5 "regulator sees all five"
call GET "/v1/products?category=plug" "$ACME"; expect 200 "filter by category"
check_eq "$(jget '.items | length')" 3 "three plugs"
call GET "/v1/products?vendor=$OTHER_ORG" "$REG"; expect 200 "regulator filters by vendor"
check_eq "$(jget '[.items[].id] | join(",")')" "$P_OTHER" "the other vendor's product"
call GET "/v1/products?vendor=$OTHER_ORG" "$ACME"; expect 200 "vendor filter on another vendor"
check_eq "$(jget '.items | length')" 0 "finds nothing (scope, not filter)"
call GET "/v1/products?vendor=$OTHER_ORG&category=router" "$REG"; expect 200 "both filters"
check_eq "$(jget '.items | length')" 1 "one router of the other vendor"
call GET "/v1/products?limit=0" "$REG"; expect_problem 400 "bad limit" limit
call GET "/v1/products?cursor=-1" "$REG"; expect_problem 400 "bad cursor" cursor
call GET /v1/products "$LAB"; expect_problem 403 "lab cannot list products"

# cursor pagination stays exact while rows are inserted between pages
call GET "/v1/products?limit=2" "$ACME"; expect 200 "page 1"
SEEN=$(jget '[.items[].id] | join(" ")'); CURSOR=$(jget .next_cursor)
check_eq "$(jget '.items | length')" 2 "page 1 size"
call POST /v1/products "$ACME" '{"name":"Late","model":"L1","category":"plug","support_until":"2029-01-01","vulnerability_contact":"https://example.com/security"}'
expect 201 "insert between pages"; LATE=$(jget .id)
call POST /v1/products "$OTHER" '{"name":"Late other","model":"L2","category":"plug","support_until":"2029-01-01","vulnerability_contact":"https://example.com/security"}'
expect 201 "other vendor inserts too"
while [ "$CURSOR" != null ]; do
	call GET "/v1/products?limit=2&cursor=$CURSOR" "$ACME"; expect 200 "next page"
	SEEN="$SEEN $(jget '[.items[].id] | join(" ")')"; CURSOR=$(jget .next_cursor)
done
check_eq "$(tr ' ' '\n' <<<"$SEEN" | grep -c .)" 5 "every own product once, the late one included"
check_eq "$(tr ' ' '\n' <<<"$SEEN" | sort | uniq -d | wc -l)" 0 "no product twice"
check_eq "$(grep -c "$LATE" <<<"$SEEN")" 1 "the late insert is on a later page"

# patching: merge semantics, owner only
call PATCH "/v1/products/$P1" "$ACME" '{"support_until":"2032-06-30"}'
expect 200 "extend support"
check_eq "$(jget .support_until)" 2032-06-30 "support_until changed"
check_eq "$(jget .name)" SmartCam "name kept"
check_eq "$(jget .created_at)" "$CREATED" "created_at kept"
call PATCH "/v1/products/$P1" "$ACME" '{"name":"SmartCam 2","category":"camera"}'
expect 200 "rename"
check_eq "$(jget .support_until)" 2032-06-30 "support_until kept"
call PATCH "/v1/products/$P1" "$ACME" '{"name":null,"support_until":"2032-13-01","vendor_id":"'"$OTHER_ORG"'"}'
expect_problem 422 "bad patch" vendor_id
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "name,support_until,vendor_id" "every bad field named"
call PATCH "/v1/products/$P1" "$ACME" '{"vulnerability_contact":"psirt@acme.example"}'
expect 200 "change the disclosure contact"
check_eq "$(jget .vulnerability_contact)/$(jget .name)" "psirt@acme.example/SmartCam 2" "contact changed, name kept"
call PATCH "/v1/products/$P1" "$ACME" '{"vulnerability_contact":"nobody"}'; expect_problem 422 "bad contact patch" vulnerability_contact
call PATCH "/v1/products/$P1" "$ACME" '{"vulnerability_contact":null}'; expect_problem 422 "contact cannot be removed" vulnerability_contact
call PATCH "/v1/products/$P1" "$ACME" '{}'; expect_problem 422 "empty patch" "changes nothing"
call PATCH "/v1/products/$P1" "$ACME" '{"support_until":"2000-01-01"}'; expect_problem 422 "support in the past" past
call GET "/v1/products/$P1" "$ACME"
check_eq "$(jget .name)/$(jget .support_until)" "SmartCam 2/2032-06-30" "failed patches changed nothing"
call PATCH "/v1/products/$P1" "$OTHER" '{"name":"Mine now"}'; expect_problem 404 "other vendor cannot patch"
call PATCH "/v1/products/$P1" "$REG" '{"name":"Reg"}'; expect_problem 403 "regulator cannot patch"
call PATCH "/v1/products/$P1" "" '{"name":"Anon"}'; expect_problem 401 "patch without token"

# ---------------------------------------------------------------- versions
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"1.0.0"}'
expect 201 "version without SBOM"
check_eq "$(jget .sbom_sha256)" null "no SBOM digest"
SBOM='{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"metadata":{"component":{"type":"device","name":"SmartCam"}},"components":[{"type":"library","name":"openssl","version":"3.0.13","components":[{"type":"library","name":"zlib","version":"1.3"}]},{"type":"operating-system","name":"linux","version":"6.1"}]}'
call POST "/v1/products/$P1/versions" "$ACME" "{\"version\":\"1.1.0\",\"sbom\":$SBOM}"
expect 201 "version with SBOM"
check_eq "$(jget .version)" 1.1.0 "version echoed"
check_eq "$(jget .sbom_components)" 3 "components counted, nested ones too"
SBOM_SHA=$(jget .sbom_sha256)
check_eq "$SBOM_SHA" "$(jcs_sha256 "$SBOM")" "digest is SHA-256 of the canonical SBOM"
check_eq "$(jget '.created_at | length')" 20 "created_at"
# the same document sent as a string gives the same digest
SBOM_STR=$(jq -Rs . <<<"$SBOM")
call POST "/v1/products/$P1/versions" "$ACME" "{\"version\":\"1.1.1\",\"sbom\":$SBOM_STR}"
expect 201 "SBOM as a JSON string"
check_eq "$(jget .sbom_sha256)" "$SBOM_SHA" "same document, same digest"

call POST "/v1/products/$P1/versions" "$ACME" "{\"version\":\"1.1.0\",\"sbom\":$SBOM}"
expect_problem 409 "duplicate version" "1.1.0"
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"2.0","sbom":{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}}'
expect_problem 422 "SPDX is not CycloneDX" "sbom.bomFormat"
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"2.0","sbom":{"bomFormat":"SPDX","specVersion":"1.5"}}'
expect_problem 422 "wrong bomFormat" CycloneDX
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"2.0","sbom":"{\"bomFormat\": \"CycloneDX\", "}'
expect_problem 422 "SBOM string that is not JSON" "not valid JSON"
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"2.0","sbom":[1,2]}'
expect_problem 422 "SBOM array" "object"
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"2.0","sbom":{"bomFormat":"CycloneDX","components":[{"type":"library"},7]}}'
expect_problem 422 "broken components" "sbom.components\[0\]"
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "sbom.components[0],sbom.components[1],sbom.specVersion" "each SBOM fault named"
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"../2.0"}'; expect_problem 422 "bad version string" version
call POST "/v1/products/$P1/versions" "$ACME" '{"sbom":{}}'; expect_problem 422 "version missing" version
# A bomFormat quoted in the error is cut between characters, and the error
# is never dropped: 422, nothing stored (it was 201 when the cut fell
# inside a character).
E40=$(printf '\xc3\xa9%.0s' $(seq 1 40)); EURO=$(printf '\xe2\x82\xac%.0s' $(seq 1 40))
for f in "$E40" "a$E40" "$EURO" "ab$(printf '\xf0\x9f\x98\x80%.0s' $(seq 1 20))"; do
	call POST "/v1/products/$P1/versions" "$ACME" "{\"version\":\"2.0\",\"sbom\":{\"bomFormat\":\"$f\",\"specVersion\":\"1.5\"}}"
	expect_problem 422 "bomFormat ${f:0:3}... of ${#f} characters" "sbom.bomFormat"
	case $(jget '.errors[0].detail') in *"not \"${f:0:3}"*) ok ;; *) fail "the bomFormat is quoted" ;; esac
done
# oversize upload: refused before it is read, nothing stored
BIG=$(head -c $((UPLOAD_LIMIT + 100)) /dev/zero | tr '\0' a)
call POST "/v1/products/$P1/versions" "$ACME" "{\"version\":\"9.9\",\"sbom\":{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"x\":\"$BIG\"}}"
expect_problem 413 "oversize SBOM" "$UPLOAD_LIMIT"
call GET "/v1/products/$P1/versions" "$ACME"; expect 200 "list versions"
check_eq "$(jget '[.items[].version] | join(",")')" "1.0.0,1.1.0,1.1.1" "nothing stored by the bad uploads"
check_eq "$(jget '.items[0].sbom_components')" null "no SBOM, no count"
call GET "/v1/products/$P1/versions/1.1.0" "$REG"; expect 200 "regulator reads a version"
check_eq "$(jget .sbom_sha256)" "$SBOM_SHA" "version digest"
call GET "/v1/products/$P1/versions/1.1.0/sbom" "$ACME"; expect 200 "download SBOM"
grep -qi '^content-type: application/vnd.cyclonedx+json' "$HDRS" && ok || fail "SBOM media type"
check_eq "$(printf '%s' "$BODY" | sha256sum | cut -d' ' -f1)" "$SBOM_SHA" "served bytes match the digest"
call GET "/v1/products/$P1/versions/1.0.0/sbom" "$ACME"; expect_problem 404 "version without SBOM"
call GET "/v1/products/$P1/versions/7.7" "$ACME"; expect_problem 404 "unknown version" 7.7
call POST "/v1/products/$P1/versions" "$OTHER" '{"version":"6.6"}'; expect_problem 404 "other vendor adds a version"
call GET "/v1/products/$P1/versions" "$OTHER"; expect_problem 404 "other vendor lists versions"
call GET "/v1/products/$P1/versions/1.1.0/sbom" "$OTHER"; expect_problem 404 "other vendor reads the SBOM"
call POST "/v1/products/$P1/versions" "$REG" '{"version":"6.6"}'; expect_problem 403 "regulator adds a version"
call GET "/v1/products/$P1/versions" "$LAB"; expect_problem 403 "lab lists versions"
call GET "/v1/products/$P1/versions"; expect_problem 401 "versions without token"

# --------------------------------------------------------- vulnerabilities
VP="/v1/products/$P1/vulnerabilities"
call POST "$VP" "$ACME" '{"id":"CVE-2024-1234","component":"openssl","severity":"high","status":"open"}'
expect 201 "record a vulnerability"
check_eq "$(jget .id)/$(jget .status)/$(jget .fixed_in_version)" "CVE-2024-1234/open/null" "vulnerability echoed"
call POST "$VP" "$ACME" '{"id":"GHSA-abcd-efgh-ijkl","status":"not_affected","justification":"the vulnerable code is not compiled in"}'
expect 201 "not_affected with justification"
call POST "$VP" "$ACME" '{"id":"CVE-2024-1234","status":"fixed","fixed_in_version":"1.1.0"}'; expect_problem 409 "duplicate vulnerability" CVE-2024-1234
call POST "$VP" "$ACME" '{"id":"CVE-2024-7777","status":"fixed"}'; expect_problem 422 "fixed names the version with the fix" "fixed_in_version: is required when status is fixed"
call POST "$VP" "$ACME" '{"id":"CVE-24-1","severity":"urgent","status":"gone"}'
expect_problem 422 "bad vulnerability" severity
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "id,severity,status" "every bad field named"
call POST "$VP" "$ACME" '{"id":"CVE-2024-9999","status":"not_affected"}'
expect_problem 422 "not_affected needs a justification" justification
call POST "$VP" "$ACME" '{"component":"x"}'; expect_problem 422 "id and status required" status
call PATCH "$VP/CVE-2024-1234" "$ACME" '{"status":"fixed","fixed_in_version":"1.1.0"}'
expect 200 "mark fixed"
check_eq "$(jget .status)/$(jget .fixed_in_version)/$(jget .component)" "fixed/1.1.0/openssl" "merged"
call PATCH "$VP/CVE-2024-1234" "$ACME" '{"status":"not_affected"}'
expect_problem 422 "not_affected without justification" justification
call PATCH "$VP/CVE-2024-1234" "$ACME" '{"status":null}'; expect_problem 422 "status cannot be removed" status
call PATCH "$VP/CVE-2024-1234" "$ACME" '{"fixed_in_version":null}'; expect_problem 422 "a fixed one keeps its version" fixed_in_version
call PATCH "$VP/CVE-2024-1234" "$ACME" '{"severity":null}'; expect 200 "clear severity"
check_eq "$(jget .severity)/$(jget .status)" "null/fixed" "severity removed, status kept"
call PATCH "$VP/CVE-2000-0001" "$ACME" '{"status":"fixed"}'; expect_problem 404 "unknown vulnerability" CVE-2000-0001
call GET "$VP?status=open" "$ACME"; expect 200 "open vulnerabilities"
check_eq "$(jget '.items | length')" 0 "none open"
call GET "$VP" "$REG"; expect 200 "regulator lists vulnerabilities"
check_eq "$(jget '[.items[].id] | join(",")')" "CVE-2024-1234,GHSA-abcd-efgh-ijkl" "both records"
call GET "$VP/CVE-2024-1234" "$REG"; expect 200 "regulator reads one"
call GET "$VP?status=bogus" "$ACME"; expect_problem 400 "bad status filter" status
call GET "$VP" "$OTHER"; expect_problem 404 "other vendor lists vulnerabilities"
call PATCH "$VP/CVE-2024-1234" "$OTHER" '{"status":"open"}'; expect_problem 404 "other vendor patches a vulnerability"
call POST "$VP" "$OTHER" '{"id":"CVE-2024-5555","status":"open"}'; expect_problem 404 "other vendor records a vulnerability"
call PATCH "$VP/CVE-2024-1234" "$REG" '{"status":"open"}'; expect_problem 403 "regulator patches a vulnerability"
call GET "$VP" "$LAB"; expect_problem 404 "a lab assigned no submission of it lists no vulnerabilities" "no product"
call GET "$VP"; expect_problem 401 "vulnerabilities without token"

# ----------------------------------------------------------- lab approvals
call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":[4,3],"valid_until":"2030-12-31"}'
expect 200 "approve a lab"
check_eq "$(jget '.tiers | join(",")')/$(jget .valid_until)/$(jget .scheme)/$(jget .active)" "3,4/2030-12-31/null/true" "approval echoed"
check_eq "$(jget .approved_by)" "$AUTH_ORG" "approved by the regulator's organisation"
call PUT "/v1/organizations/$LAB2_ORG/approval" "$REG" '{"tiers":[3],"valid_until":"2029-01-31","scheme":"sg-cls-iot"}'
expect 200 "approve for one scheme"
check_eq "$(jget .scheme)" sg-cls-iot "scheme echoed"
call PUT "/v1/organizations/$LAB2_ORG/approval" "$REG" '{"tiers":[2,3],"valid_until":"2029-01-31","scheme":"sg-cls-iot"}'
expect_problem 422 "self-declared tier" "tiers\[0\]"
call PUT "/v1/organizations/$LAB2_ORG/approval" "$REG" '{"tiers":[3],"valid_until":"2029-01-31","scheme":"no-such-scheme"}'
expect_problem 422 "unknown scheme" scheme
call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":[],"valid_until":"31/12/2030"}'
expect_problem 422 "empty tiers, bad date" valid_until
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "tiers,valid_until" "both named"
call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":["3",3,3,12]}'
expect_problem 422 "bad tiers" "appears twice"
check_eq "$(jget '[.errors[].field] | sort | join(",")')" "tiers[0],tiers[2],tiers[3],valid_until" "each bad tier named"
call PUT "/v1/organizations/$ACME_ORG/approval" "$REG" '{"tiers":[3],"valid_until":"2030-01-01"}'
expect_problem 422 "a vendor is not a lab" "kind lab"
call PUT "/v1/organizations/org_nope/approval" "$REG" '{"tiers":[3],"valid_until":"2030-01-01"}'
expect_problem 404 "unknown organisation" org_nope
call PUT "/v1/organizations/$LAB_ORG/approval" "$ADMIN" '{"tiers":[3],"valid_until":"2030-01-01"}'
expect_problem 403 "admin cannot approve"
call PUT "/v1/organizations/$LAB_ORG/approval" "$LAB" '{"tiers":[3],"valid_until":"2030-01-01"}'
expect_problem 403 "a lab cannot approve itself"
call PUT "/v1/organizations/$LAB_ORG/approval" "$ACME" '{"tiers":[3],"valid_until":"2030-01-01"}'
expect_problem 403 "vendor cannot approve"
call PUT "/v1/organizations/$LAB_ORG/approval" "" '{"tiers":[3],"valid_until":"2030-01-01"}'
expect_problem 401 "approve without token"
call GET "/v1/organizations/$LAB_ORG/approval" "$REG"; expect 200 "regulator reads an approval"
check_eq "$(jget '.tiers | join(",")')" "3,4" "failed PUTs changed nothing"
call GET "/v1/organizations/$LAB_ORG/approval" "$LAB"; expect 200 "lab reads its own approval"
call GET "/v1/organizations/$LAB_ORG/approval" "$LAB2"; expect_problem 404 "another lab's approval is hidden"
call GET "/v1/organizations/$LAB_ORG/approval" "$ACME"; expect_problem 403 "vendor reads an approval"
call GET "/v1/organizations/$ACME_ORG/approval" "$REG"; expect_problem 404 "no approval" "no lab approval"
# an expired approval is kept and shown inactive (it is how one ends)
call PUT "/v1/organizations/$LAB2_ORG/approval" "$REG" '{"tiers":[3],"valid_until":"2020-01-31"}'
expect 200 "approval that has ended"
check_eq "$(jget .active)" false "shown inactive"

# ------------------------------------------------- evidence upload headers
# The media type and file name of an upload come from headers and the
# query: what cannot be a media type or a JSON string is refused up front,
# not stored and then unanswerable.
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"1.1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
expect 201 "submission for evidence"; S1=$(jget .id)
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: text/' --data-binary 'no subtype'
expect_problem 422 "media type without a subtype" Content-Type
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: text' --data-binary 'no slash'
expect_problem 422 "media type without a slash" Content-Type
call POST "/v1/submissions/$S1/evidence?filename=%ff%fe.pdf" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'latin'
expect_problem 422 "file name not UTF-8 (query)" filename
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: text/plain' -H $'Content-Disposition: attachment; filename="r\xe9sum\xe9.pdf"' --data-binary 'latin'
expect_problem 422 "file name not UTF-8 (Content-Disposition)" filename
call POST "/v1/submissions/$S1/evidence?filename=r%C3%A9sum%C3%A9.pdf" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'utf-8'
expect 201 "UTF-8 file name"
check_eq "$(jget .filename)" "résumé.pdf" "UTF-8 file name echoed"
call GET "/v1/submissions/$S1/evidence" "$ACME"; expect 200 "list evidence"
check_eq "$(jget '[.items[].filename] | join(",")')" "résumé.pdf" "only the good upload stored"
call GET "/v1/submissions/$S1/events" "$ACME"; expect 200 "events"
check_eq "$(jget '[.items[] | select(.action == "evidence_uploaded") | .detail.filename] | join(",")')" "résumé.pdf" "one upload in the trail, with its detail"
# A store that fails answers 500 without the server's paths in the detail.
for i in $(seq 1 100); do
	H=$(printf 'unstorable %s' "$i" | sha256sum | cut -c1-64)
	[ -e "$DATA/evidence/${H:0:2}" ] || break
done
: > "$DATA/evidence/${H:0:2}"
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: text/plain' --data-binary "unstorable $i"
expect_problem 500 "evidence cannot be stored" "could not be stored"
check_eq "$(jget .detail | grep -c "$DATA")" 0 "no server path in the detail"
rm -f "$DATA/evidence/${H:0:2}"
call GET "/v1/submissions/$S1/evidence" "$ACME"
check_eq "$(jget '.items | length')" 1 "nothing recorded by the failed upload"

# ------------------------------------------------ restart keeps everything
stop_labeld TERM
start_labeld --max-upload 64K
call GET "/v1/products/$P1" "$ACME"; expect 200 "product survives restart"
check_eq "$(jget .name)/$(jget .support_until)" "SmartCam 2/2032-06-30" "patched values persisted"
call GET "/v1/products/$P1/versions" "$ACME"; expect 200 "versions survive restart"
check_eq "$(jget '[.items[].version] | join(",")')" "1.0.0,1.1.0,1.1.1" "three versions"
call GET "/v1/products/$P1/versions/1.1.0/sbom" "$ACME"; expect 200 "SBOM survives restart"
check_eq "$(printf '%s' "$BODY" | sha256sum | cut -d' ' -f1)" "$SBOM_SHA" "SBOM bytes unchanged"
call GET "$VP/CVE-2024-1234" "$ACME"; expect 200 "vulnerability survives restart"
check_eq "$(jget .status)" fixed "status persisted"
call GET "/v1/organizations/$LAB_ORG/approval" "$LAB"; expect 200 "approval survives restart"
check_eq "$(jget '.tiers | join(",")')/$(jget .valid_until)" "3,4/2030-12-31" "approval persisted"
call GET "/v1/products/$P1" "$OTHER"; expect_problem 404 "isolation survives restart"
call GET /v1/products "$ACME"
check_eq "$(jget '.items | length')" 5 "own products after restart"

# ------------------------------- an SBOM attached once to a version without
call POST "/v1/products/$P1/versions" "$ACME" '{"version":"4.0"}'
expect 201 "version 4.0 without SBOM"
call PUT "/v1/products/$P1/versions/4.0/sbom" "$ACME" '{"bomFormat":"SPDX","specVersion":"1.5"}'
expect_problem 422 "attached SBOM checked as POST .../versions checks it" "sbom.bomFormat"
call PUT "/v1/products/$P1/versions/4.0/sbom" "$ACME" '{"bomFormat":"CycloneDX","components":[7]}'
expect_problem 422 "each fault of an attached SBOM named" "sbom.components\[0\]"
call PUT "/v1/products/$P1/versions/4.0/sbom" "$OTHER" "$SBOM"
expect_problem 404 "another vendor's version is hidden" "$P1"
call PUT "/v1/products/$P1/versions/4.0/sbom" "$REG" "$SBOM"
expect_problem 403 "regulator cannot attach an SBOM"
call PUT "/v1/products/$P1/versions/4.0/sbom" "$LAB" "$SBOM"
expect_problem 403 "lab cannot attach an SBOM"
call PUT "/v1/products/$P1/versions/7.7/sbom" "$ACME" "$SBOM"
expect_problem 404 "unknown version" 7.7
call GET "/v1/products/$P1/versions/4.0/sbom" "$ACME"
expect_problem 404 "refusals attached nothing"
call PUT "/v1/products/$P1/versions/4.0/sbom" "$ACME" "$SBOM"
expect 200 "SBOM attached to a version without one"
check_eq "$(jget .version)/$(jget .sbom_sha256)/$(jget .sbom_components)" "4.0/$SBOM_SHA/3" "the version answered with its SBOM"
call GET "/v1/products/$P1/versions/4.0/sbom" "$REG"; expect 200 "attached SBOM readable"
check_eq "$(printf '%s' "$BODY" | sha256sum | cut -d' ' -f1)" "$SBOM_SHA" "attached SBOM bytes are its digest's"
call PUT "/v1/products/$P1/versions/4.0/sbom" "$ACME" "$SBOM"
expect_problem 409 "a version's SBOM is attached once" "never changes"
call PUT "/v1/products/$P1/versions/1.1.0/sbom" "$ACME" '{"bomFormat":"CycloneDX","specVersion":"1.6"}'
expect_problem 409 "an SBOM given at creation never changes" "never changes"
call GET "/v1/products/$P1/versions/1.1.0" "$ACME"
check_eq "$(jget .sbom_sha256)" "$SBOM_SHA" "the refused SBOM changed nothing"
check_eq "$(sqlite3 "$DATA/labeld.db" "SELECT action || ' ' || version || ' ' || org_id || ' ' || json_extract(detail, '\$.sbom_sha256') FROM product_events WHERE product_id = '$P1'")" \
    "sbom_attached 4.0 $ACME_ORG $SBOM_SHA" "the attachment audited once, by whom, with its digest"

# The contact is asked for, not a minimal field (DESIGN.md): without it the
# product is made and its public page says the vendor gave none.
call POST /v1/products "$OTHER" '{"name":"NoContact","model":"N-1","category":"camera","support_until":"2030-12-31"}'
expect 201 "a product without vulnerability_contact"
check_eq "$(jget .vulnerability_contact)" null "its contact is null"
finish
