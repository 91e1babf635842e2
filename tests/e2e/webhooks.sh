#!/usr/bin/env bash
# webhooks.sh: notifications (issue 13).  Loopback listeners
# (httpstub.py record) receive the events: a vendor's webhook gets the
# decision on its submission and the suspension of its label, each signed
# (Labeld-Signature, checked here with openssl); another vendor's webhook
# gets nothing of them; the regulator's listener answers 500 first, and
# the retry shows in /deliveries.  Bad input: a non-http URL, an unknown
# or repeated event, another organisation's webhook (404).
. "$(dirname "$0")/lib.sh"
for tool in python3 openssl; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
STUB="$top_srcdir/tests/e2e/httpstub.py"
STUBS=()
cleanup_stubs() { local p; for p in "${STUBS[@]}"; do kill "$p" 2>/dev/null || true; done; cleanup; }
trap cleanup_stubs EXIT
# listen NAME [FAIL_FIRST]: a recording listener in $WORK/NAME; sets LPORT.
listen() {
	mkdir -p "$WORK/$1"
	python3 "$STUB" "$WORK/$1.port" record "$WORK/$1" "${2:-0}" & STUBS+=($!)
	for _ in $(seq 1 50); do [ -s "$WORK/$1.port" ] && break; sleep 0.1; done
	LPORT=$(cat "$WORK/$1.port")
}
# wait_for TEST DESCRIPTION: polls the shell test TEST for up to 30 s
# (a retry waits 2 s, then 4: a loaded machine needs the margin).
wait_for() {
	local i
	for i in $(seq 1 150); do eval "$1" && { ok; return 0; }; sleep 0.2; done
	FAILS=$((FAILS + 1)); echo "FAIL: $2 (waited 30 s)"
}
count() { ls "$WORK/$1" | grep -c '\.json$' || true; }

start_labeld
listen l1; L1=$LPORT
listen l2 1; L2=$LPORT

make_org "Acme Devices" vendor vendor; ACME_ORG=$ORG_ID; ACME=$TOKEN
make_org "Other Devices" vendor vendor; OTHER=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; AUTH=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH/tokens" "$ADMIN" '{"role":"regulator"}'; REG=$(jget .token)

# ------------------------------------------------------------ bad input
call POST /v1/webhooks "" "{\"url\":\"http://127.0.0.1:$L1/x\",\"events\":[\"decision\"]}"
expect_problem 401 "a webhook needs a token"
call POST /v1/webhooks "$ACME" '{"url":"ftp://127.0.0.1/x","events":["decision"]}'
expect_problem 422 "a non-http URL" "http:// or https://"
check_eq "$(jget '.errors[0].field')" url "the fault names url"
call POST /v1/webhooks "$ACME" '{"url":"http:///nohost","events":["decision"]}'
expect_problem 422 "a URL without a host" url
call POST /v1/webhooks "$ACME" "{\"url\":\"http://127.0.0.1:$L1/x\",\"events\":[\"decision\",\"nope\",\"decision\"]}"
expect_problem 422 "an unknown and a repeated event" '"nope" is not an event'
check_eq "$(jget '[.errors[].detail] | map(select(test("twice"))) | length')" 1 "the repeated event named too"
call POST /v1/webhooks "$ACME" '{"url":7,"events":[]}'
expect_problem 422 "no URL string, no events" events
check_eq "$(jget '[.errors[].field] | sort | join(" ")')" "events url url" "every fault listed"
call GET /v1/webhooks "$ACME"; check_eq "$(jget '.items | length')" 0 "refused requests stored nothing"

# ------------------------------------------------------------ subscribe
call POST /v1/webhooks "$ACME" "{\"url\":\"http://127.0.0.1:$L1/acme\",\"events\":[\"decision\",\"suspension\"]}"
expect 201 "the vendor subscribes"; WA=$(jget .id); SECRET=$(jget .secret)
check_eq "$(jget '[.url, (.events | join(",")), .org_id] | join("|")')" "http://127.0.0.1:$L1/acme|decision,suspension|$ACME_ORG" "the webhook as created"
check_eq "${#SECRET}" 64 "a 64-character secret, shown once"
call GET "/v1/webhooks/$WA" "$ACME"; expect 200 "read it back"
check_eq "$(jget 'has("secret")')" false "never shown again"
call GET /v1/webhooks "$ACME"; check_eq "$(jget '[.items[].id] | join(" ")')" "$WA" "the vendor lists its own"
call GET /v1/webhooks "$OTHER"; check_eq "$(jget '.items | length')" 0 "another vendor does not see it"
call GET "/v1/webhooks/$WA" "$OTHER"; expect_problem 404 "another organisation's webhook" "$WA"
call GET "/v1/webhooks/$WA/deliveries" "$OTHER"; expect_problem 404 "another organisation's deliveries"
call DELETE "/v1/webhooks/$WA" "$OTHER"; expect_problem 404 "another organisation may not delete it"
call GET /v1/webhooks/whk_nosuch "$ACME"; expect_problem 404 "an unknown webhook" whk_nosuch
call POST /v1/webhooks "$OTHER" "{\"url\":\"http://127.0.0.1:$L1/other\",\"events\":[\"decision\",\"suspension\",\"revocation\"]}"
expect 201 "another vendor subscribes"; WO=$(jget .id)
call POST /v1/webhooks "$REG" "{\"url\":\"http://127.0.0.1:$L2/reg\",\"events\":[\"suspension\"]}"
expect 201 "the regulator subscribes (its listener fails first)"; WR=$(jget .id)

# ------------------------------------ a decision and a suspension
call POST /v1/products "$ACME" '{"name":"Hub","model":"H-2","category":"hub","support_until":"2030-06-30"}'; P=$(jget .id)
call POST "/v1/products/$P/versions" "$ACME" '{"version":"2.1"}'
call POST /v1/submissions "$ACME" "{\"product_id\":\"$P\",\"product_version\":\"2.1\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"; SUB=$(jget .id)
call GET /v1/schemes/sg-cls-iot; DOC=$BODY
upload_kinds "$SUB" "$ACME" "$DOC"
ITEMS=$(jq -c --argjson ev "$KIND_EVIDENCE" '[.requirements[] | select(.mode == "self_declaration") | {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$DOC")
call GET "/v1/submissions/$SUB" "$ACME"; ET=$(grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
call PUT "/v1/submissions/$SUB/declarations" "$ACME" "{\"items\":$ITEMS}" -H "If-Match: $ET"; expect 200 "declarations"
call POST "/v1/submissions/$SUB/submit" "$ACME"; expect 200 "submit"
call POST "/v1/submissions/$SUB/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
expect 200 "approved: a label"; LABEL=$(jget .label_id)
call POST "/v1/labels/$LABEL/suspend" "$REG" '{"reason":"open vulnerability"}'; expect 200 "suspended"

wait_for '[ "$(count l1)" -ge 2 ]' "the vendor's listener receives two events"
wait_for '[ "$(count l2)" -ge 2 ]' "the regulator's listener is called again after its 500"
sleep 1.5	# a stray delivery to another vendor would have arrived by now
check_eq "$(jq -r .path "$WORK"/l1/*.json | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" "/acme=2 " "only the vendor's own events reach it, none the other vendor's"

# check_signed FILE: the HMAC of "t.body" under SECRET is v1.
signed() {
	local sig t v1 mac
	sig=$(jq -r '.headers["Labeld-Signature"]' "$1")
	t=$(sed -n 's/^t=\([0-9]*\),v1=.*/\1/p' <<<"$sig"); v1=${sig##*v1=}
	mac=$({ printf '%s.' "$t"; jq -j .body "$1"; } | openssl dgst -sha256 -hmac "$2" | sed 's/.*= *//')
	[ -n "$t" ] && [ "$mac" = "$v1" ] && echo yes || echo no
}
D=$(grep -l '"Labeld-Event": "decision"' "$WORK"/l1/*.json | head -n 1)
S=$(grep -l '"Labeld-Event": "suspension"' "$WORK"/l1/*.json | head -n 1)
check_eq "$(jq -j .body "$D" | jq -r '[.type, .data.decision, .data.label_id, .data.vendor_id, .data.submission_id, .data.tier] | join("|")')" \
    "decision|approve|$LABEL|$ACME_ORG|$SUB|2" "the decision payload"
check_eq "$(jq -j .body "$S" | jq -r '[.type, .data.label_id, .data.from, .data.status, .data.reason] | join("|")')" \
    "suspension|$LABEL|active|suspended|open vulnerability" "the suspension payload"
check_eq "$(jq -r '.headers["Content-Type"]' "$D")" application/json "JSON payloads"
check_eq "$(signed "$D" "$SECRET")" yes "the decision's HMAC-SHA256 signature checks with openssl"
check_eq "$(signed "$S" "$SECRET")" yes "the suspension's too"
# another secret: the last hex digit changed (to 1 when it was 0)
OTHER_SECRET=${SECRET%?}$([ "${SECRET: -1}" = 0 ] && echo 1 || echo 0)
check_eq "$(signed "$S" "$OTHER_SECRET")" no "another secret does not check"

# ------------------------------------------------------------ history
call GET "/v1/webhooks/$WA/deliveries" "$ACME"; expect 200 "the vendor's deliveries"
check_eq "$(jget '[.items[] | "\(.event)=\(.state)/\(.attempts)/\(.last_status)"] | join(" ")')" \
    "decision=delivered/1/200 suspension=delivered/1/200" "delivered at once"
wait_for '[ "$(curl -s -H "Authorization: Bearer $REG" "$BASE/v1/webhooks/$WR/deliveries" | jq -r ".items[0].state")" = delivered ]' \
    "the regulator's delivery succeeds on its retry"
call GET "/v1/webhooks/$WR/deliveries" "$REG"
check_eq "$(jget '[.items[] | "\(.event)=\(.state)/\(.attempts)"] | join(" ")')" "suspension=delivered/2" "one event, two attempts"
check_eq "$(jget '[.items[0].history[] | "\(.status)"] | join(" ")')" "500 200" "the history shows the 500, then the 200"
check_eq "$(jget '.items[0].history[0].error')" "answered HTTP 500" "the failed attempt says why"
call GET "/v1/webhooks/$WO/deliveries" "$OTHER"; check_eq "$(jget '.items | length')" 0 "nothing for the other vendor"
check_eq "$(grep -c "$SECRET" "$LOG" || true)" 0 "the secret is never logged"

# ------------------------------------------------------------- delete
call DELETE "/v1/webhooks/$WA" "$ACME"; expect 200 "the vendor deletes its webhook"
check_eq "$(jget '.deleted_at | length > 0')" true "with the time"
call GET "/v1/webhooks/$WA" "$ACME"; expect_problem 404 "gone"
call POST "/v1/labels/$LABEL/reinstate" "$REG" '{"reason":"fixed"}'; expect 200 "reinstated"
call POST "/v1/labels/$LABEL/suspend" "$REG" '{"reason":"again"}'; expect 200 "suspended again"
wait_for '[ "$(count l2)" -ge 3 ]' "the regulator still gets suspensions"
check_eq "$(count l1)" 2 "a deleted webhook gets nothing more"

stop_labeld
finish
