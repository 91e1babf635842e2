#!/usr/bin/env bash
# authz.sh: the authorisation matrix.  Every route of submissions,
# evidence, products and lab approvals, called by every role (and with no
# token), on the caller's own organisation's rows and on another's.  Each
# cell is the exact status expected:
#   401 no token; 403 a role the route does not take; 404 a row the caller
#   may not see (exactly as an unknown id: no existence leak); otherwise
#   the route runs, and the probes are built so that it then stops at
#   validation (422) or a state rule (409) and changes nothing.
# Afterwards nothing the probes touched has changed.
. "$(dirname "$0")/lib.sh"

start_labeld

make_org "Acme Devices" vendor vendor; ACME_ORG=$ORG_ID; ACME=$TOKEN
make_org "Other Devices" vendor vendor; OTHER_ORG=$ORG_ID; OTHER=$TOKEN
make_org "Assigned Lab" lab lab; LAB_ORG=$ORG_ID; LAB=$TOKEN
make_org "Other Lab" lab lab; LAB2_ORG=$ORG_ID; LAB2=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; AUTH_ORG=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH_ORG/tokens" "$ADMIN" '{"role":"regulator"}'
expect 201 "regulator token"; REG=$(jget .token)
for l in "$LAB_ORG" "$LAB2_ORG"; do
	call PUT "/v1/organizations/$l/approval" "$REG" '{"tiers":[3,4],"valid_until":"2099-12-31"}'
	expect 200 "approve lab"
done

call POST /v1/products "$ACME" '{"name":"SmartCam","model":"SC-100","category":"camera","support_until":"2030-12-31","vulnerability_contact":"https://example.com/security"}'
expect 201 "product"; P1=$(jget .id)
SBOM='{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"zlib","version":"1.3"}]}'
call POST "/v1/products/$P1/versions" "$ACME" "{\"version\":\"1.0\",\"sbom\":$SBOM}"
expect 201 "version"
call POST "/v1/products/$P1/vulnerabilities" "$ACME" '{"id":"CVE-2024-0001","status":"fixed","fixed_in_version":"1.0"}'
expect 201 "vulnerability"; V1=$(jget .id)
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P1\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":4}"
expect 201 "submission"; S1=$(jget .id)
call POST "/v1/submissions/$S1/evidence" "$ACME" '' -H 'Content-Type: text/plain' --data-binary 'evidence'
expect 201 "evidence"; E1=$(jget .sha256)
call PUT "/v1/submissions/$S1/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"
expect 200 "assign the lab"
call GET "/v1/submissions/$S1" "$ACME"; ET=$(grep -i '^etag:' "$HDRS" | cut -d' ' -f2 | tr -d '\r')
REV0=$(jget .revision)
call GET "/v1/submissions/$S1/events" "$REG"; NEV0=$(jget '.items | length')
call GET "/v1/products/$P1" "$ACME"; PROD0=$(jq -c 'del(.seq)' <<<"$BODY")

# Columns: no token, admin, regulator, vendor (own), vendor (other
# organisation), lab (assigned / own), lab (other).  The assigned lab
# reads the product its submission covers, its version, SBOM and
# vulnerabilities; another lab sees none of it.
TOKENS=("" "$ADMIN" "$REG" "$ACME" "$OTHER" "$LAB" "$LAB2")
NAMES=(none admin regulator vendor-own vendor-other lab-own lab-other)

# METHOD | PATH | BODY ("-" none; "@empty" an empty upload) | expected per column
MATRIX=$(cat <<EOF
GET    | /v1/submissions                             | -      | 401 403 200 200 200 200 200
POST   | /v1/submissions                             | {}     | 401 403 403 422 422 403 403
GET    | /v1/submissions/$S1                         | -      | 401 403 200 200 404 200 404
PUT    | /v1/submissions/$S1/declarations            | {"items":[]} | 401 403 403 422 404 403 403
POST   | /v1/submissions/$S1/evidence                | @empty | 401 403 403 422 404 422 404
GET    | /v1/submissions/$S1/evidence                | -      | 401 403 200 200 404 200 404
GET    | /v1/submissions/$S1/evidence/$E1            | -      | 401 403 200 200 404 200 404
PUT    | /v1/submissions/$S1/lab                     | {}     | 401 403 422 422 404 403 403
POST   | /v1/submissions/$S1/lab-reports             | {}     | 401 403 403 403 403 422 404
GET    | /v1/submissions/$S1/assessment              | -      | 401 403 200 200 404 200 404
POST   | /v1/submissions/$S1/submit                  | -      | 401 403 403 409 404 403 403
POST   | /v1/submissions/$S1/review                  | -      | 401 403 409 403 403 403 403
POST   | /v1/submissions/$S1/decision                | {}     | 401 403 422 403 403 403 403
GET    | /v1/submissions/$S1/events                  | -      | 401 403 200 200 404 200 404
GET    | /v1/submissions/sub_0000000000000000        | -      | 401 403 404 404 404 404 404
GET    | /v1/submissions/sub_0000000000000000/events | -      | 401 403 404 404 404 404 404
GET    | /v1/submissions/$S1/evidence/0000000000000000000000000000000000000000000000000000000000000000 | - | 401 403 404 404 404 404 404
POST   | /v1/products                                | {}     | 401 403 403 422 422 403 403
GET    | /v1/products                                | -      | 401 403 200 200 200 403 403
GET    | /v1/products/$P1                            | -      | 401 403 200 200 404 200 404
PATCH  | /v1/products/$P1                            | {"support_until":"2000-01-01"} | 401 403 403 422 404 403 403
POST   | /v1/products/$P1/versions                   | {}     | 401 403 403 422 404 403 403
GET    | /v1/products/$P1/versions                   | -      | 401 403 200 200 404 403 403
GET    | /v1/products/$P1/versions/1.0               | -      | 401 403 200 200 404 200 404
GET    | /v1/products/$P1/versions/1.0/sbom          | -      | 401 403 200 200 404 200 404
POST   | /v1/products/$P1/vulnerabilities            | {}     | 401 403 403 422 404 403 403
GET    | /v1/products/$P1/vulnerabilities            | -      | 401 403 200 200 404 200 404
GET    | /v1/products/$P1/vulnerabilities/$V1        | -      | 401 403 200 200 404 200 404
PATCH  | /v1/products/$P1/vulnerabilities/$V1        | {"status":"bogus"} | 401 403 403 422 404 403 403
PUT    | /v1/organizations/$LAB_ORG/approval         | {}     | 401 403 422 403 403 403 403
GET    | /v1/organizations/$LAB_ORG/approval         | -      | 401 403 200 403 403 200 404
EOF
)

CELLS=0
while IFS='|' read -r method path body expected; do
	method=$(echo $method); path=$(echo $path); body=$(echo "$body" | sed 's/^ *//; s/ *$//')
	read -r -a want <<<"$expected"
	for i in "${!TOKENS[@]}"; do
		extra=(-H "If-Match: $ET")
		case "$body" in
		-) b= ;;
		@empty) b=; extra+=(-H 'Content-Type: text/plain' --data-binary '') ;;
		*) b=$body ;;
		esac
		call "$method" "$path" "${TOKENS[$i]}" "$b" "${extra[@]}"
		CELLS=$((CELLS + 1))
		if [ "${want[$i]}" = 200 ]; then
			expect 200 "$method $path as ${NAMES[$i]}"
		else
			expect_problem "${want[$i]}" "$method $path as ${NAMES[$i]}"
		fi
	done
done <<<"$MATRIX"
echo "authz.sh: $CELLS cells"

# The probes changed nothing, and another vendor learnt nothing.
call GET "/v1/submissions/$S1" "$ACME"
check_eq "$(jget .revision)/$(jget .state)/$(jget '.declarations | length')/$(jget '.lab_reports | length')" "$REV0/draft/0/0" "the submission is untouched"
call GET "/v1/submissions/$S1/events" "$REG"
check_eq "$(jget '.items | length')" "$NEV0" "no event recorded by the probes"
call GET "/v1/submissions/$S1/evidence" "$ACME"
check_eq "$(jget '.items | length')" 1 "no evidence added by the probes"
call GET "/v1/products/$P1" "$ACME"
check_eq "$(jq -c 'del(.seq)' <<<"$BODY")" "$PROD0" "the product is untouched"
call GET "/v1/submissions/$S1" "$OTHER"
check_eq "$(jget .detail)" "no submission $S1" "another vendor's 404 is the unknown id's"
call GET /v1/submissions/sub_0000000000000000 "$OTHER"
check_eq "$(jget .detail)" "no submission sub_0000000000000000" "(same words)"

finish
