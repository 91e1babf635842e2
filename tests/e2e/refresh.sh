#!/usr/bin/env bash
# refresh.sh: POST /v1/partners/{id}/refresh and the refresh thread
# (issue 10, pull) with live daemons.  FI issues a label; SG pins FI's
# bundle and pulls its status lists; FI rotates its key (labelctl key
# rotate) and revokes the label: SG's refresh accepts FI's new bundle by
# continuity and stores the new revocation list.  Refused, each a precise
# problem+json that keeps the pinned version: a list URL the bundle does
# not name, another authority's bundle served, a rollback served, an
# oversize answer, an unreachable URL (a loopback stub, httpstub.py, is
# the partner EV's public URL).  The accepted bundle reaches SG's
# regulator as a partner_change webhook.  A third daemon with a 1s
# partner_refresh_interval follows FI's next rotation without a call.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }
STUB="$top_srcdir/tests/e2e/httpstub.py"

declare -A SAVED
save_as() { local v; for v in DATA LOG PID PORT BASE ADMIN TAILPID; do SAVED[$1.$v]=${!v-}; done; }
use() { local v; for v in DATA LOG PID PORT BASE ADMIN TAILPID; do printf -v "$v" '%s' "${SAVED[$1.$v]-}"; done; }
STUBPID=
cleanup_all() {
	local a
	[ -z "$STUBPID" ] || kill "$STUBPID" 2>/dev/null || true
	[ -z "${HOOKPID-}" ] || kill "$HOOKPID" 2>/dev/null || true
	for a in SG2 EV SG FI; do
		if [ -n "${SAVED[$a.PID]-}" ]; then use "$a"; stop_labeld 2>/dev/null || true; fi
	done
	if [ "$FAILS" -ne 0 ]; then
		for a in FI SG EV SG2; do echo "--- $a log ---"; tail -n 25 "$WORK/$a.log" 2>/dev/null || true; done
	fi
	rm -rf "$WORK"
}
trap cleanup_all EXIT
start() {
	local name=$1; shift
	DATA="$WORK/$name"; LOG="$WORK/$name.log"; PORT=; PID=
	start_labeld "$@"
	save_as "$name"
}
stop() { use "$1"; stop_labeld; SAVED[$1.PID]=; }
# stub DIR: the loopback server serving DIR; sets STUBPORT.
stub() {
	rm -f "$WORK/stub.port"
	python3 "$STUB" "$WORK/stub.port" serve "$1" & STUBPID=$!
	for _ in $(seq 1 50); do [ -s "$WORK/stub.port" ] && break; sleep 0.1; done
	STUBPORT=$(cat "$WORK/stub.port")
}
AGR='{"partner_scheme":"sg-cls-iot","local_scheme":"sg-cls-iot","tier_map":{"2":2},"valid_from":"2026-01-01","valid_until":"2030-12-31"}'
pin_body() { jq -c --slurpfile b "$1" --argjson a "$AGR" -n '{trust_bundle: $b[0], agreement: $a}'; }
sha() { sha256sum | cut -d' ' -f1; }

printf 'issuer_name = Finnish Transport and Communications Agency Traficom\ncountry = FI\n' > "$WORK/fi.conf"
start FI --config "$WORK/fi.conf"
start SG
FI_BASE=${SAVED[FI.BASE]}

# ----------------------------------------------- FI issues a label
use FI
make_org "FI Vendor" vendor vendor; FIV=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; FIA=$(jget '.items[0].id')
call POST "/v1/organizations/$FIA/tokens" "$ADMIN" '{"role":"regulator"}'; FIR=$(jget .token)
call POST /v1/products "$FIV" '{"name":"Hub","model":"H-2","category":"hub","support_until":"2030-06-30"}'; P=$(jget .id)
call POST "/v1/products/$P/versions" "$FIV" '{"version":"2.1"}'
call POST /v1/submissions "$FIV" "{\"product_id\":\"$P\",\"product_version\":\"2.1\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"; SUB=$(jget .id)
call GET /v1/schemes/sg-cls-iot; DOC=$BODY
upload_kinds "$SUB" "$FIV" "$DOC"
ITEMS=$(jq -c --argjson ev "$KIND_EVIDENCE" '[.requirements[] | select(.mode == "self_declaration") | {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$DOC")
call GET "/v1/submissions/$SUB" "$FIV"; ET=$(grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
call PUT "/v1/submissions/$SUB/declarations" "$FIV" "{\"items\":$ITEMS}" -H "If-Match: $ET"; expect 200 "FI declarations"
call POST "/v1/submissions/$SUB/submit" "$FIV"; expect 200 "FI submit"
call POST "/v1/submissions/$SUB/decision" "$FIR" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
expect 200 "FI approves: a label"; LABEL=$(jget .label_id)
call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/fi-v1.json"

# ----------------------------------------------------- SG pins FI
use SG
make_org "SG Vendor" vendor vendor; SGV=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; SGA=$(jget '.items[0].id')
call POST "/v1/organizations/$SGA/tokens" "$ADMIN" '{"role":"regulator"}'; REG=$(jget .token)
call POST /v1/partners "$REG" "$(pin_body "$WORK/fi-v1.json")"; expect 201 "SG pins FI version 1"
PFI=$(jget .id)
check_eq "$(jget .last_refresh)" null "never refreshed yet"

call POST "/v1/partners/$PFI/refresh" ""; expect_problem 401 "refresh needs a token"
call POST "/v1/partners/$PFI/refresh" "$SGV"; expect_problem 403 "a vendor may not refresh"
call POST /v1/partners/ptn_nosuch/refresh "$REG"; expect_problem 404 "refresh of an unknown partner" ptn_nosuch
call POST "/v1/partners/$PFI/refresh" "$REG" '{"status_lists":["https://elsewhere.example/v1/status-lists/revocation-1"]}'
expect_problem 422 "a list URL outside the pinned bundle" "names it nowhere"
check_eq "$(jget .field)" status_lists "the refusal names the field"
call GET "/v1/partners/$PFI"; check_eq "$(jget .last_refresh)" null "a refused request fetches and records nothing"

call POST "/v1/partners/$PFI/refresh" "$REG"; expect 200 "first refresh"
check_eq "$(jget '[.outcome, .bundle.url, .bundle.fetched_version, .bundle.version, .bundle.updated] | join("|")')" \
    "ok|$FI_BASE/v1/trust-bundle|1|1|false" "the bundle fetched from its own id, unchanged"
check_eq "$(jget '[.status_lists[] | "\(.url)=\(.updated)"] | join(" ")')" \
    "$FI_BASE/v1/status-lists/revocation-1=true $FI_BASE/v1/status-lists/suspension-1=true" "both lists fetched and stored"
check_eq "$(jget '.errors | length')" 0 "no errors"
call POST "/v1/partners/$PFI/refresh" "$REG" "{\"status_lists\":[\"$FI_BASE/v1/status-lists/suspension-1\"]}"
expect 200 "a refresh of one named list"
check_eq "$(jget '[.status_lists[] | "\(.url)=\(.updated)"] | join(" ")')" "$FI_BASE/v1/status-lists/suspension-1=false" "only that list, unchanged"

# ------------------------------- FI rotates its key, revokes the label
RC=0; "$LABELCTL" --data-dir "${SAVED[FI.DATA]}" key rotate > "$WORK/rotate.out" 2>&1 || RC=$?
check_eq "$RC" 0 "labelctl key rotate on FI's data dir"
use FI
call POST "/v1/labels/$LABEL/revoke" "$FIR" '{"reason":"vulnerability not fixed"}'; expect 200 "FI revokes its label"
call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/fi-v2.json"
check_eq "$(jq -r .version "$WORK/fi-v2.json")" 2 "FI serves version 2"
call GET /v1/status-lists/revocation-1; cp "$WORK/body" "$WORK/fi-rev.json"

use SG
# SG's regulator hears of partner changes on a loopback listener.
mkdir -p "$WORK/hooks"
python3 "$STUB" "$WORK/hooks.port" record "$WORK/hooks" & HOOKPID=$!
for _ in $(seq 1 50); do [ -s "$WORK/hooks.port" ] && break; sleep 0.1; done
call POST /v1/webhooks "$REG" "{\"url\":\"http://127.0.0.1:$(cat "$WORK/hooks.port")/sg\",\"events\":[\"partner_change\"]}"
expect 201 "SG's regulator subscribes to partner_change"
call POST "/v1/partners/$PFI/refresh" "$REG"; expect 200 "SG pulls after the rotation"
check_eq "$(jget '[.outcome, .bundle.pinned_version, .bundle.fetched_version, .bundle.version, .bundle.updated] | join("|")')" \
    "ok|1|2|2|true" "version 2 accepted by continuity"
check_eq "$(jget '.status_lists[] | select(.url | endswith("revocation-1")) | [.updated, .valid_from] | join("|")')" \
    "true|$(jq -r .validFrom "$WORK/fi-rev.json")" "the new revocation list stored"
call GET "/v1/partners/$PFI"; expect 200 "the partner after the pull"
check_eq "$(jget '[.bundle_version, .last_refresh.outcome, (.last_refresh.errors | length)] | join("|")')" "2|ok|0" "GET shows version 2 and the last refresh"
check_eq "$(jget '.status_lists[] | select(.status_purpose == "revocation") | .sha256')" \
    "$(sha < "$WORK/fi-rev.json")" "the revocation list held is the one FI serves (the revoked label's bit)"

for _ in $(seq 1 50); do ls "$WORK/hooks" | grep -q json && break; sleep 0.2; done
check_eq "$(jq -j .body "$WORK"/hooks/0001.json 2>/dev/null | jq -r '[.type, .data.partner_id, .data.change, .data.from, .data.to] | join("|")')" \
    "partner_change|$PFI|bundle_updated|1|2" "the accepted bundle is a partner_change event"
kill "$HOOKPID"; wait "$HOOKPID" 2>/dev/null || true

# ------------------------------------------------ refused refreshes
# EV: an authority whose public URL is the stub; SG pins its bundle.
mkdir -p "$WORK/ev-site/v1/status-lists"
stub "$WORK/ev-site"
start EV --public-url "http://127.0.0.1:$STUBPORT"
call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/ev-v1.json"
check_eq "$(jq -r .id "$WORK/ev-v1.json")" "http://127.0.0.1:$STUBPORT/v1/trust-bundle" "EV's bundle names the stub"
use SG
call POST /v1/partners "$REG" "$(pin_body "$WORK/ev-v1.json")"; expect 201 "SG pins EV"; PEV=$(jget .id)
evpinned() { check_eq "$(curl -s "$BASE/v1/partners/$PEV" | jq -r .bundle_version)" "$1" "$2"; }

# nothing served yet: 404 for each URL
call POST "/v1/partners/$PEV/refresh" "$REG"; expect_problem 502 "nothing at the URLs" "HTTP 404"
check_eq "$(jget '.errors | length')" 3 "an error per URL: the bundle and two lists"
check_eq "$(jget '.report.outcome')" failed "outcome failed"

# another authority's bundle served at EV's URL
cp "$WORK/fi-v2.json" "$WORK/ev-site/v1/trust-bundle"
call POST "/v1/partners/$PEV/refresh" "$REG"; expect_problem 409 "another authority's bundle served" "another authority"
check_eq "$(jget '[.pinned_version, .report.outcome] | join("|")')" "1|refused" "refused, version 1 kept"
evpinned 1 "EV's pin unchanged"
call GET "/v1/partners/$PEV"; check_eq "$(jget .last_refresh.outcome)" refused "the refusal recorded"

# rollback: EV rotates (version 2), SG moves to it, the stub then serves version 1
RC=0; "$LABELCTL" --data-dir "${SAVED[EV.DATA]}" key rotate > /dev/null 2>&1 || RC=$?
check_eq "$RC" 0 "EV rotates its key"
use EV; call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/ev-site/v1/trust-bundle"
call GET /v1/status-lists/revocation-1; cp "$WORK/body" "$WORK/ev-site/v1/status-lists/revocation-1"
call GET /v1/status-lists/suspension-1; cp "$WORK/body" "$WORK/ev-site/v1/status-lists/suspension-1"
use SG
call POST "/v1/partners/$PEV/refresh" "$REG"; expect 200 "EV's version 2 and lists through the stub"
check_eq "$(jget '[.bundle.version, ([.status_lists[].updated] | all)] | join("|")')" "2|true" "version 2, both lists"
cp "$WORK/ev-v1.json" "$WORK/ev-site/v1/trust-bundle"
call POST "/v1/partners/$PEV/refresh" "$REG"; expect_problem 409 "a rollback served" "not newer"
evpinned 2 "version 2 kept after the rollback"

# oversize: 5 MiB at the bundle URL, its length declared, then not
head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' ' ' > "$WORK/ev-site/v1/trust-bundle"
call POST "/v1/partners/$PEV/refresh" "$REG"; expect_problem 502 "an oversize answer" "more than 4194304 bytes"
check_eq "$(jget '.errors[0].url')" "http://127.0.0.1:$STUBPORT/v1/trust-bundle" "the error names the URL"
evpinned 2 "version 2 kept after the oversize answer"
touch "$WORK/ev-site/v1/trust-bundle.nolength"
call POST "/v1/partners/$PEV/refresh" "$REG"; expect_problem 502 "an oversize answer of undeclared length (cut while read)" "more than 4194304 bytes"
evpinned 2 "version 2 kept after the undeclared oversize answer"

# unreachable: the stub stops
kill "$STUBPID"; wait "$STUBPID" 2>/dev/null || true; STUBPID=
call POST "/v1/partners/$PEV/refresh" "$REG"; expect_problem 502 "an unreachable partner" "127.0.0.1:$STUBPORT"
check_eq "$(jget '[.errors[].detail] | all(test("onnect"))')" true "each URL says it could not connect"
evpinned 2 "version 2 kept while unreachable"
call GET "/v1/partners/$PEV"; check_eq "$(jget '[.last_refresh.outcome, (.last_refresh.errors | length)] | join("|")')" "failed|3" "the failure recorded with its errors"
stop EV

# ------------------------------------------------ the refresh thread
printf 'partner_refresh_interval = 1s\n' > "$WORK/sg2.conf"
start SG2 --config "$WORK/sg2.conf"
call GET "/v1/organizations?kind=authority" "$ADMIN"; A2=$(jget '.items[0].id')
call POST "/v1/organizations/$A2/tokens" "$ADMIN" '{"role":"regulator"}'; REG2=$(jget .token)
call POST /v1/partners "$REG2" "$(pin_body "$WORK/fi-v2.json")"; expect 201 "SG2 pins FI version 2"; P2=$(jget .id)
RC=0; "$LABELCTL" --data-dir "${SAVED[FI.DATA]}" key rotate > /dev/null 2>&1 || RC=$?
check_eq "$RC" 0 "FI rotates again: version 3"
got=
for _ in $(seq 1 50); do
	call GET "/v1/partners/$P2"
	if [ "$(jget '[.bundle_version, .last_refresh.outcome, (.status_lists | length)] | join("|")')" = "3|ok|2" ]; then got=1; break; fi
	sleep 0.2
done
check_eq "$got" 1 "SG2's refresh thread follows FI to version 3 and holds its lists, without a call"
grep -q 'partner refresh started (every 1 seconds)' "$WORK/SG2.log" && ok || fail "the thread logs its interval"

stop SG2
stop SG
stop FI
finish
