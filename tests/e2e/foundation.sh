#!/usr/bin/env bash
# foundation.sh: the ground floor against the real daemon: health, metrics,
# organisations and tokens, every error class of the router, restart
# persistence, crash safety (kill -9 during writes), labelctl.
. "$(dirname "$0")/lib.sh"

start_labeld

# --- operations ---
call GET /healthz; expect 200 "healthz"
check_eq "$(jget .status)" ok "healthz body"
call GET /openapi.json; expect 200 "openapi"
check_eq "$(jget '.paths["/v1/organizations"] | has("post")')" true "openapi lists routes"
check_eq "$(stat -c %a "$DATA/admin.token")" 600 "admin.token mode"
check_eq "$(stat -c %a "$DATA/token.key")" 600 "token.key mode"

# --- organisations and tokens ---
make_org "Acme Devices" vendor vendor; VENDOR_ORG=$ORG_ID; VENDOR=$TOKEN
make_org "Other Devices" vendor vendor; OTHER_ORG=$ORG_ID
make_org "Test Lab" lab lab; LAB=$TOKEN
call GET /v1/organizations "$ADMIN"; expect 200 "list organisations"
check_eq "$(jget '.items | length')" 4 "four organisations (authority + 3)"
call GET "/v1/organizations?limit=2" "$ADMIN"; expect 200 "first page"
CURSOR=$(jget .next_cursor)
call GET "/v1/organizations?limit=2&cursor=$CURSOR" "$ADMIN"; expect 200 "second page"
check_eq "$(jget '.items | length')" 2 "second page size"
check_eq "$(jget .next_cursor)" null "no third page"
call GET "/v1/organizations?kind=lab" "$ADMIN"; expect 200 "filter by kind"
check_eq "$(jget '.items | length')" 1 "one lab"
call GET "/v1/organizations?limit=0" "$ADMIN"; expect_problem 400 "limit 0" limit
call GET "/v1/organizations?cursor=zz" "$ADMIN"; expect_problem 400 "bad cursor" cursor
call GET "/v1/organizations/$VENDOR_ORG" "$ADMIN"; expect 200 "get organisation"
call GET "/v1/organizations/org_nope" "$ADMIN"; expect_problem 404 "unknown organisation" org_nope

# a vendor token cannot act as admin, nor for another organisation
call GET /v1/organizations "$VENDOR"; expect_problem 403 "vendor lists orgs" vendor
call POST "/v1/organizations/$OTHER_ORG/tokens" "$VENDOR" '{"role":"vendor"}'
expect_problem 403 "vendor mints a token for another org"
call POST "/v1/organizations/$OTHER_ORG/tokens" "$LAB" '{"role":"vendor"}'
expect_problem 403 "lab mints a token"
call POST "/v1/organizations/$VENDOR_ORG/tokens" "$ADMIN" '{"role":"admin"}'
expect_problem 422 "admin role for a vendor" role
call POST "/v1/organizations/org_nope/tokens" "$ADMIN" '{"role":"vendor"}'
expect_problem 404 "token for unknown org"

# revocation
call POST "/v1/organizations/$VENDOR_ORG/tokens" "$ADMIN" '{"role":"vendor","label":"ci"}'
expect 201 "second vendor token"; T2=$(jget .token); T2_ID=$(jget .id)
call GET "/v1/organizations/$VENDOR_ORG/tokens" "$ADMIN"; expect 200 "list tokens"
check_eq "$(jget '.items | length')" 2 "two vendor tokens"
check_eq "$(jget '[.items[] | has("token") or has("hash")] | any')" false "listing shows no secret"
call DELETE "/v1/tokens/$T2_ID" "$ADMIN"; expect 200 "revoke token"
check_eq "$(jget '.revoked_at != null')" true "revoked_at set"
call DELETE "/v1/tokens/$T2_ID" "$ADMIN"; expect_problem 409 "revoke twice"
call DELETE "/v1/tokens/tok_nope" "$ADMIN"; expect_problem 404 "revoke unknown"
call GET /v1/organizations "$T2"; expect_problem 401 "revoked token"
grep -qi '^www-authenticate: bearer' "$HDRS" && ok || fail "401 without WWW-Authenticate"

# --- every error class ---
call GET /v1/organizations; expect_problem 401 "no token"
call GET /v1/organizations "lbd_not_a_real_token"; expect_problem 401 "bad token"
call GET /v1/nowhere "$ADMIN"; expect_problem 404 "unknown route" /v1/nowhere
call GET "/v1/organizations/$(head -c 2100 /dev/zero | tr '\0' x)" "$ADMIN"; expect_problem 414 "overlong URL" exceeds
call PUT /v1/organizations "$ADMIN"; expect_problem 405 "wrong method" PUT
grep -i '^allow:' "$HDRS" | grep -q GET && grep -i '^allow:' "$HDRS" | grep -q POST && ok || fail "405 Allow header"
call POST /v1/organizations "$ADMIN" '{"name": "x", "kind":'
expect_problem 400 "malformed JSON" "line 1"
call POST /v1/organizations "$ADMIN" '{"name":"a","name":"b","kind":"vendor","country":"SG"}'
expect_problem 400 "duplicate key" duplicate
call POST /v1/organizations "$ADMIN" '[1,2]'; expect_problem 422 "array body" object
call POST /v1/organizations "$ADMIN" '{"name":42,"kind":"vendor","country":"SG"}'
expect_problem 422 "wrong type" name
check_eq "$(jget '.errors[0].field')" name "errors names the field"
call POST /v1/organizations "$ADMIN" '{"kind":"vendor","country":"SG"}'
expect_problem 422 "missing field" name
for ctl in '\u0007' '\u007f' '\u0085'; do
	call POST /v1/organizations "$ADMIN" "{\"name\":\"a${ctl}b\",\"kind\":\"vendor\",\"country\":\"SG\"}"
	expect_problem 422 "control character $ctl in a name" control
done
call POST /v1/organizations "$ADMIN" '{"name":"x","kind":"bank","country":"Singapore"}'
expect_problem 422 "bad enum and country" kind
check_eq "$(jget '.errors | length')" 2 "both faults listed"
call POST /v1/organizations "$ADMIN" "" -H 'Content-Type: application/json'
expect_problem 400 "empty body" empty
call POST /v1/organizations "$ADMIN" "" -H 'Content-Type: text/plain' --data-binary 'name=x'
expect_problem 415 "non-JSON body" Content-Type
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' > "$WORK/big"
call POST /v1/organizations "$ADMIN" "" -H 'Content-Type: application/json' --data-binary "@$WORK/big"
expect_problem 413 "oversize body" limit
call POST /v1/organizations "$ADMIN" "" -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary "@$WORK/big"
expect_problem 413 "oversize chunked body" limit
call GET /healthz; expect 200 "still healthy after bad input"

call DELETE /healthz; expect_problem 405 "DELETE /healthz"
call GET /metrics; expect 200 "metrics"
grep -q '^labeld_http_requests_total{route="/v1/organizations",status="422"}' <<<"$BODY" && ok || fail "metrics by route and status"
grep -q '^labeld_http_requests_total{route="/healthz",status="405"}' <<<"$BODY" && ok || fail "a 405 counts under the path's pattern, not as unmatched"
grep -q '^labeld_signing_key_age_seconds [0-9]' <<<"$BODY" && ok || fail "signing key age"
grep -q '^# TYPE labeld_labels gauge' <<<"$BODY" && grep -q '^# TYPE labeld_submissions gauge' <<<"$BODY" &&
    ok || fail "domain gauges"
grep -q '^labeld_http_request_duration_seconds_bucket{le="+Inf"}' <<<"$BODY" && ok || fail "latency histogram"
grep -q '^labeld_db_errors_total 0' <<<"$BODY" && ok || fail "db error counter"

# --- graceful stop: a request in flight finishes, then labeld exits ---
# The body (about 6 KB) trickles at 2 KB/s, so SIGTERM lands mid-request.
jq -n --arg pad "$(head -c 6000 /dev/zero | tr '\0' p)" \
    '{name: "In Flight", kind: "vendor", country: "SG", note: $pad}' > "$WORK/slow.json"
curl -s -m 30 --limit-rate 2k -o "$WORK/slow.out" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    --data-binary "@$WORK/slow.json" "$BASE/v1/organizations" > "$WORK/slow.code" &
SLOW=$!
sleep 1
stop_labeld TERM
wait "$SLOW" || true
check_eq "$(cat "$WORK/slow.code")" 201 "the request in flight at SIGTERM finished"
SLOW_ORG=$(jq -r .id "$WORK/slow.out")
grep -q 'stopped' "$LOG" && ok || fail "graceful stop logged"
# no new connection is accepted once stopping began
curl -s -m 2 -o /dev/null "$BASE/healthz" && fail "still accepting after stop" || ok
start_labeld
call GET "/v1/organizations/$VENDOR_ORG" "$ADMIN"; expect 200 "org survives restart"
call GET /v1/organizations "$VENDOR"; expect 403 "vendor token survives restart (and is still a vendor)"
call GET /v1/organizations "$T2"; expect 401 "revoked token stays revoked"
call GET "/v1/organizations/$SLOW_ORG" "$ADMIN"; expect 200 "the in-flight write is kept"

# --- a schema newer than this labeld knows: refuse to run, say why ---
if command -v sqlite3 >/dev/null 2>&1; then
	stop_labeld TERM
	cp -r "$DATA" "$WORK/future"
	sqlite3 "$WORK/future/labeld.db" "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'x')"
	rc=0; "$LABELD" --data-dir "$WORK/future" --listen 127.0.0.1:0 > "$WORK/future.log" 2>&1 || rc=$?
	check_eq "$rc" 1 "labeld refuses a newer schema"
	grep -q 'schema version 9999 is newer than this labeld knows' "$WORK/future.log" && ok ||
	    fail "the refusal says why: $(cat "$WORK/future.log")"
	start_labeld
else
	fail "sqlite3 (apt-get install sqlite3) is needed to build a future schema"
fi

# --- kill -9 in the middle of writes ---
ACKED="$WORK/acked"
: > "$ACKED"
(
	for i in $(seq 1 400); do
		out=$(curl -s -m 5 -X POST -H "Authorization: Bearer $ADMIN" \
		    -H 'Content-Type: application/json' \
		    --data-binary "{\"name\":\"crash $i\",\"kind\":\"vendor\",\"country\":\"SG\"}" \
		    -w '\n%{http_code}' "$BASE/v1/organizations") || break
		[ "$(tail -n 1 <<<"$out")" = 201 ] || break
		head -n 1 <<<"$out" | jq -r .id >> "$ACKED"
	done
) &
WRITER=$!
for i in $(seq 1 100); do [ "$(wc -l < "$ACKED")" -ge 20 ] && break; sleep 0.05; done
stop_labeld KILL
wait "$WRITER" 2>/dev/null || true
N=$(wc -l < "$ACKED")
[ "$N" -ge 20 ] && ok || fail "writer made progress before the crash ($N)"
"$LABELCTL" --data-dir "$DATA" check > "$WORK/check.out" && ok || fail "labelctl check after kill -9"
check_eq "$(cat "$WORK/check.out")" ok "integrity ok"
start_labeld
missing=0
while read -r id; do
	call GET "/v1/organizations/$id" "$ADMIN"
	[ "$STATUS" = 200 ] || missing=$((missing + 1))
done < "$ACKED"
check_eq "$missing" 0 "every acknowledged write of $N survived kill -9"

# --- labelctl ---
"$LABELCTL" --data-dir "$DATA" token create --org "$VENDOR_ORG" --role vendor > "$WORK/tok" && ok || fail "labelctl token create"
CTL_TOKEN=$(sed -n 's/^token //p' "$WORK/tok"); CTL_ID=$(sed -n 's/^id //p' "$WORK/tok")
call GET /v1/organizations "$CTL_TOKEN"; expect 403 "labelctl token works (vendor)"
"$LABELCTL" --data-dir "$DATA" token list --org "$VENDOR_ORG" | grep -q "$CTL_ID" && ok || fail "labelctl token list"
"$LABELCTL" --data-dir "$DATA" token list | grep -q "lbd_" && fail "token list shows a secret" || ok
"$LABELCTL" --data-dir "$DATA" token revoke "$CTL_ID" >/dev/null && ok || fail "labelctl token revoke"
call GET /v1/organizations "$CTL_TOKEN"; expect 401 "labelctl-revoked token"
"$LABELCTL" --data-dir "$DATA" token create --org "$VENDOR_ORG" --role admin >/dev/null 2>&1 && fail "admin token for a vendor" || ok
"$LABELCTL" --data-dir "$DATA" backup "$WORK/restore" >/dev/null && ok || fail "labelctl backup while running"
check_eq "$("$LABELCTL" --data-dir "$WORK/restore" check)" ok "backup passes integrity check"
"$LABELCTL" --data-dir "$WORK/empty" check >/dev/null 2>&1 && fail "check on a missing data dir" || ok
rc=0; "$LABELCTL" --data-dir "$DATA" frobnicate >/dev/null 2>&1 || rc=$?
check_eq "$rc" 2 "unknown command is a usage error"
"$LABELD" --version | grep -q '^labeld ' && ok || fail "labeld --version"
"$LABELD" --help | grep -q -- '--data-dir' && ok || fail "labeld --help"
rc=0; "$LABELD" --threads 0 --check-config >/dev/null 2>&1 || rc=$?
check_eq "$rc" 2 "bad flag value"

# labelctl init on a fresh dir makes a working admin token
"$LABELCTL" --data-dir "$WORK/fresh" init >/dev/null && ok || fail "labelctl init"
check_eq "$(stat -c %a "$WORK/fresh/admin.token")" 600 "init admin.token mode"

stop_labeld TERM
finish
