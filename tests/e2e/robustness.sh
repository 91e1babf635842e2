#!/usr/bin/env bash
# robustness.sh: hostile input on every route that takes a body, for every
# role: malformed and truncated JSON, wrong types in every position, deep
# nesting, huge numbers, NUL and control characters, long strings, binary
# bodies.  The daemon must answer each with a 4xx problem (never 5xx, never
# a dropped connection), stay healthy, and keep its database sound.
. "$(dirname "$0")/lib.sh"

start_labeld
make_org "Acme" vendor vendor; VENDOR=$TOKEN
make_org "Lab" lab lab; LAB=$TOKEN
REG=$("$LABELCTL" --data-dir "$DATA" token create --role regulator | sed -n 's/^token //p')
call POST /v1/products "$VENDOR" '{"name":"Cam","model":"C","category":"camera","support_until":"2030-01-01","vulnerability_contact":"https://example.com/security"}'
P=$(jget .id)
call POST "/v1/products/$P/versions" "$VENDOR" '{"version":"1.0"}'
call POST /v1/submissions "$VENDOR" "{\"product_id\":\"$P\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":1}"
S=$(jget .id)

call GET /openapi.json
ROUTES=$(jget '.paths | to_entries[] | .key as $p | .value | to_entries[] |
    select(.value.requestBody != null) | "\(.key) \($p)"')
[ -n "$ROUTES" ] && ok || fail "routes with bodies listed"

deep=$(printf '[%.0s' $(seq 1 5000))
long=$(head -c 300000 /dev/zero | tr '\0' 'a')
PAYLOADS=(
	'{'
	'{"a":'
	'nul'
	'"just a string"'
	'12345678901234567890123456789'
	'[]'
	'{}'
	'{"name":null,"kind":null,"items":null,"tiers":null,"reason":null}'
	'{"name":[],"kind":{},"country":1.5,"role":true,"items":"x","tier":"4","results":{},"decision":7,"reason":[]}'
	'{"items":[null,1,"x",[],{"requirement":{},"status":[],"evidence":"abc"}]}'
	'{"tier":1e308,"target_tier":-9223372036854775808,"valid_until":"2026-02-30","support_until":"9999-99-99"}'
	'{"tiers":[3,4,99999999999,-1,"3"],"valid_until":"2030-01-01"}'
	'{"name":"a\u0000b","reason":"\u0007bell","version":"../../etc/passwd","lab_id":"org_x\u0000"}'
	'{"product_id":"'"$P"'","product_version":"1.0","scheme":"sg-cls-iot","target_tier":1,"extra":{"x":[1,2,{"y":null}]}}'
	"{\"name\":\"$long\",\"reason\":\"$long\"}"
	"$deep"
	'{"sbom":{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"components":[{"components":{}}]}]},"version":"9"}'
	'{"credential":{"@context":[],"proof":{"proofValue":"z"}}}'
	'{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:web:x","credentialSubject":{},"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-jcs-2022","proofValue":"zzzz","verificationMethod":"did:web:x#k","created":"x"}}'
)

sent=0 bad=0
while read -r method path; do
	[ -n "$method" ] || continue
	m=$(tr a-z A-Z <<<"$method")
	p=${path//\{id\}/$S}
	case $path in /v1/products/*) p=${path//\{id\}/$P} ;; esac
	p=${p//\{vid\}/CVE-2024-0001}; p=${p//\{label_id\}/SG-CLS-2026-000001}
	p=${p//\{scheme\}/sg-cls-iot}; p=${p//\{sha256\}/00}
	for tok in "$ADMIN" "$VENDOR" "$LAB" "$REG"; do
		for body in "${PAYLOADS[@]}"; do
			code=$(printf '%s' "$body" | curl -s -m 20 -o "$WORK/rb" -w '%{http_code}' \
			    -X "$m" -H "Authorization: Bearer $tok" \
			    -H 'Content-Type: application/json' --data-binary @- "$BASE$p") || code=000
			sent=$((sent + 1))
			if [ "$code" = 000 ] || [ "$code" -ge 500 ]; then
				bad=$((bad + 1))
				echo "FAIL: $m $p answered $code to: ${body:0:80}"
				head -c 300 "$WORK/rb"; echo
			fi
		done
		# a binary body with a JSON content type
		code=$(head -c 4096 /dev/urandom | curl -s -m 20 -o /dev/null -w '%{http_code}' \
		    -X "$m" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		    --data-binary @- "$BASE$p") || code=000
		sent=$((sent + 1))
		if [ "$code" = 000 ] || [ "$code" -ge 500 ]; then
			bad=$((bad + 1)); echo "FAIL: $m $p answered $code to random bytes"
		fi
	done
done <<<"$ROUTES"
check_eq "$bad" 0 "no 5xx and no dropped connection among $sent hostile requests"
echo "robustness: $sent hostile bodies on $(grep -c . <<<"$ROUTES") routes, $bad answered 5xx or dropped"

# garbage in URLs and headers
for u in "/v1/submissions/$(head -c 3000 /dev/zero | tr '\0' x)" "/v1/labels/%00" \
    "/v1/schemes/sg-cls-iot/versions/99999999999999999999" "/v1/products?limit=-1&cursor=%ff" \
    "/v1/submissions?state=%00&limit=100000" "/v1/labels/..%2F..%2Fetc%2Fpasswd/status"; do
	code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $REG" "$BASE$u") || code=000
	if [ "$code" != 000 ] && [ "$code" -lt 500 ]; then ok; else fail "GET ${u:0:60} answered $code"; fi
done
# bytes that are not UTF-8, echoed in a problem, still make valid JSON
for u in "/v1/labels/%ff%fe/status" "/v1/products?cursor=%c3%28" "/v1/organizations?kind=%ed%a0%80"; do
	call GET "$u" "$ADMIN"
	if [ "${STATUS:0:1}" = 4 ] && jq -e .detail >/dev/null 2>&1 <<<"$BODY"; then ok
	else fail "GET $u: a valid problem+json"; fi
done
code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -c 5000 /dev/zero | tr '\0' t)" "$BASE/v1/products") || code=000
check_eq "$code" 401 "an overlong token"
code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -H "If-Match: $(head -c 3000 /dev/zero | tr '\0' '"')" \
    -H "Authorization: Bearer $VENDOR" -H 'Content-Type: application/json' -X PUT \
    --data-binary '{"items":[]}' "$BASE/v1/submissions/$S/declarations") || code=000
[ "$code" != 000 ] && [ "$code" -lt 500 ] && ok || fail "an absurd If-Match answered $code"

call GET /healthz; expect 200 "healthy after the barrage"
call GET "/v1/submissions/$S" "$VENDOR"; expect 200 "the submission is intact"
check_eq "$(jget .state)" draft "still a draft"
stop_labeld
check_eq "$("$LABELCTL" --data-dir "$DATA" check)" ok "database sound"
finish
