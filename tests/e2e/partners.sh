#!/usr/bin/env bash
# partners.sh: mutual recognition between two live authorities (issue 10,
# first part).  FI (its own data dir, issuer name and country FI by its
# labeld.conf) and SG run side by side on two loopback ports.  SG's
# regulator pins FI's trust bundle with an agreement (FI's second shipped
# scheme us-ctm-iot onto sg-cls-iot); the public directory shows it
# without a token; agreements are added, amended and ended.  FI rotates
# its key (labelctl key rotate): SG accepts FI's new bundle by continuity
# and refuses a forged one, a rollback and a third authority's (KR)
# bundle, each with a precise problem+json, keeping the pinned version.
# SG accepts FI's status list and refuses KR's.  Every change is in the
# partner_events audit trail.
. "$(dirname "$0")/lib.sh"

# ---- three daemons: lib.sh drives one at a time, its state saved here
declare -A SAVED
save_as() { local v; for v in DATA LOG PID PORT BASE ADMIN TAILPID; do SAVED[$1.$v]=${!v-}; done; }
use() { local v; for v in DATA LOG PID PORT BASE ADMIN TAILPID; do printf -v "$v" '%s' "${SAVED[$1.$v]-}"; done; }
cleanup_all() {
	local a
	for a in KR SG FI; do
		if [ -n "${SAVED[$a.PID]-}" ]; then use "$a"; stop_labeld 2>/dev/null || true; fi
	done
	if [ "$FAILS" -ne 0 ]; then
		for a in FI SG KR; do echo "--- $a log ---"; tail -n 20 "$WORK/$a.log" 2>/dev/null || true; done
	fi
	rm -rf "$WORK"
}
trap cleanup_all EXIT

# start NAME [labeld flags...]: a daemon with its own data dir and port.
start() {
	local name=$1; shift
	DATA="$WORK/$name"; LOG="$WORK/$name.log"; PORT=; PID=
	start_labeld "$@"
	save_as "$name"
}
# stop NAME: a graceful stop (a non-zero exit fails the test).
stop() { use "$1"; stop_labeld; SAVED[$1.PID]=; }
bundle_of() { use "$1"; call GET /v1/trust-bundle; [ "$STATUS" = 200 ] || fail "$1 bundle"; cp "$WORK/body" "$2"; }
today() { date -u +%Y-%m-%d; }
yesterday() { date -u -d '-1 day' +%Y-%m-%d; }

printf 'issuer_name = Finnish Transport and Communications Agency Traficom\ncountry = FI\n' > "$WORK/fi.conf"
printf 'issuer_name = Korea Internet & Security Agency\ncountry = KR\n' > "$WORK/kr.conf"
start FI --config "$WORK/fi.conf"
start SG
start KR --config "$WORK/kr.conf"
FI_DID="did:web:127.0.0.1%3A${SAVED[FI.PORT]}"

# ------------------------------------------- what the partners serve
bundle_of KR "$WORK/kr-bundle.json"
use KR; call GET /v1/status-lists/revocation-1; expect 200 "KR status list"
cp "$WORK/body" "$WORK/kr-list.json"
stop KR
bundle_of SG "$WORK/sg-bundle.json"
bundle_of FI "$WORK/fi-v1.json"
check_eq "$(jq -r '.issuer | [.id, .name, .country] | join("|")' "$WORK/fi-v1.json")" \
    "$FI_DID|Finnish Transport and Communications Agency Traficom|FI" "FI's bundle names FI (labeld.conf issuer_name, country)"
check_eq "$(jq -r .version "$WORK/fi-v1.json")" 1 "FI's bundle version 1"

# ------------------------------------------------------------- pin
use SG
make_org "SG Regulator" authority regulator; REG=$TOKEN
make_org "SG Vendor" vendor vendor; VENDOR=$TOKEN
AGR='{"partner_scheme":"us-ctm-iot","local_scheme":"sg-cls-iot","tier_map":{"1":1,"2":2},"valid_from":"2026-01-01","valid_until":"2030-12-31"}'
pin_body() { jq -c --slurpfile b "$1" --argjson a "$2" -n '{trust_bundle: $b[0], agreement: $a}'; }

call POST /v1/partners "" "$(pin_body "$WORK/fi-v1.json" "$AGR")"
expect_problem 401 "pinning needs a token"
call POST /v1/partners "$VENDOR" "$(pin_body "$WORK/fi-v1.json" "$AGR")"
expect_problem 403 "a vendor may not pin a partner"
call POST /v1/partners "$REG" "$(pin_body "$WORK/sg-bundle.json" "$AGR")"
expect_problem 422 "our own bundle is no partner's" "own bundle"
jq -c '.issuer.name = "Somebody Else"' "$WORK/fi-v1.json" > "$WORK/fi-tampered.json"
call POST /v1/partners "$REG" "$(pin_body "$WORK/fi-tampered.json" "$AGR")"
expect_problem 422 "a tampered bundle" "does not verify"
check_eq "$(jget '.errors[0].field')" trust_bundle "the fault names trust_bundle"
BAD='{"partner_scheme":"us-ctm-iot","local_scheme":"sg-cls-iot","tier_map":{"1":1,"10":2,"2":9},"valid_from":"2027-01-01","valid_until":"2026-01-01","crosswalk":{"REG-IDENTITY":["NO-SUCH"]}}'
call POST /v1/partners "$REG" "$(pin_body "$WORK/fi-v1.json" "$BAD")"
expect_problem 422 "agreement faults"
check_eq "$(jget '[.errors[].field] | sort | join(" ")')" \
    "agreement.crosswalk.REG-IDENTITY agreement.tier_map.10 agreement.tier_map.2 agreement.valid_until" \
    "every agreement fault listed with its field"
check_eq "$(jget '.errors[] | select(.field == "agreement.tier_map.2") | .detail')" \
    "local scheme sg-cls-iot has no tier 9 (its tiers are 1 to 4)" "an unknown local tier says which exist"
call POST /v1/partners "$REG" '{"agreement":{}}'
expect_problem 422 "no bundle, empty agreement" "trust_bundle"
check_eq "$(jget '[.errors[].field] | index("agreement.tier_map") != null')" true "tier_map required"
call POST /v1/partners "$REG" "$(pin_body "$WORK/fi-v1.json" "$(jq -c '.local_scheme = "xx-none"' <<<"$AGR")")"
expect_problem 422 "unknown local scheme" "no published local scheme"
check_eq "$(curl -s "$BASE/v1/partners" | jq '.items | length')" 0 "nothing pinned by refused requests"

call POST /v1/partners "$REG" "$(pin_body "$WORK/fi-v1.json" "$AGR")"
expect 201 "SG pins FI's bundle"
PID_FI=$(jget .id)
check_eq "$(jget '[.issuer, .name, .country, .bundle_version, .url] | join("|")')" \
    "$FI_DID|Finnish Transport and Communications Agency Traficom|FI|1|${SAVED[FI.BASE]}" "the partner as its bundle names it"
check_eq "$(jget '.bundle_expires')" "$(jq -r .expires "$WORK/fi-v1.json")" "the pinned version's expiry"
check_eq "$(jget '.agreements | length')" 1 "one agreement"
check_eq "$(jget '.agreements[0] | [.partner_scheme, .local_scheme, .tier_map["1"], .tier_map["2"], .active] | join("|")')" \
    "us-ctm-iot|sg-cls-iot|1|2|true" "the agreement as data"
AID1=$(jget '.agreements[0].id')
call POST /v1/partners "$REG" "$(pin_body "$WORK/fi-v1.json" "$AGR")"
expect_problem 409 "a second pin of FI" "$PID_FI"

# ------------------------------------------------- public directory
call GET /v1/partners; expect 200 "directory without a token"
check_eq "$(jget '[.items[] | [.id, .country, .bundle_version, (.refreshed_at | length > 0)] | join("|")] | join(" ")')" \
    "$PID_FI|FI|1|true" "the directory lists FI, its bundle version and last refresh"
call GET "/v1/partners/$PID_FI"; expect 200 "a partner without a token"
check_eq "$(jget '.agreements[0].id')" "$AID1" "with its agreements"
call GET /v1/partners/ptn_nosuch; expect_problem 404 "unknown partner" ptn_nosuch

# ------------------------------------------------------- agreements
call POST "/v1/partners/$PID_FI/agreements" "$REG" '{"partner_scheme":"sg-cls-iot","local_scheme":"sg-cls-iot","tier_map":{"3":3},"valid_from":"2026-06-01","valid_until":"2028-05-31","crosswalk":{"5.1-1":["ETSI-5.1-1"]}}'
expect 201 "a second agreement"
AID2=$(jget .id)
check_eq "$(jget '.crosswalk["5.1-1"][0]')" ETSI-5.1-1 "with its crosswalk"
call POST "/v1/partners/ptn_nosuch/agreements" "$REG" "$AGR"; expect_problem 404 "agreement of an unknown partner"
call POST "/v1/partners/$PID_FI/agreements" "$VENDOR" "$AGR"; expect_problem 403 "a vendor may not add agreements"
call PATCH "/v1/partners/$PID_FI/agreements/$AID2" "$REG" '{"tier_map":{"3":3,"4":4},"local_scheme":"us-ctm-iot"}'
expect_problem 422 "the local scheme never changes" "cannot change"
call PATCH "/v1/partners/$PID_FI/agreements/$AID2" "$REG" '{"tier_map":{"3":3,"4":4}}'
expect 200 "amend the tier map"
check_eq "$(jget '.tier_map["4"]')" 4 "amended"
call PATCH "/v1/partners/$PID_FI/agreements/$AID2" "$REG" "{\"valid_until\":\"$(yesterday)\"}"
expect 200 "end it by valid_until"
check_eq "$(jget '[.active, (.ended_at != null)] | join("|")')" "false|true" "ended"
call PATCH "/v1/partners/$PID_FI/agreements/$AID2" "$REG" '{"valid_until":"2030-01-01"}'
expect_problem 409 "an ended agreement never changes" "ended"
call PATCH "/v1/partners/$PID_FI/agreements/agr_nosuch" "$REG" '{"valid_until":"2030-01-01"}'
expect_problem 404 "unknown agreement" agr_nosuch

# ------------------------------------------- FI rotates its key
RC=0; "$LABELCTL" --data-dir "${SAVED[FI.DATA]}" key rotate > "$WORK/rotate.out" 2>&1 || RC=$?
check_eq "$RC" 0 "labelctl key rotate on FI's data dir"
V2URL=$(sed -n 's/^partners must fetch trust bundle version 2: //p' "$WORK/rotate.out")
check_eq "$V2URL" "${SAVED[FI.BASE]}/v1/trust-bundle/versions/2" "rotate names the version partners fetch"
curl -sf -o "$WORK/fi-v2.json" "$V2URL" || fail "fetch FI version 2"
check_eq "$(jq -r .version "$WORK/fi-v2.json")" 2 "FI version 2"

use SG
pinned_is() { check_eq "$(curl -s "$BASE/v1/partners/$PID_FI" | jq -r .bundle_version)" "$1" "$2"; }
call PUT "/v1/partners/$PID_FI/trust-bundle" "$REG" "$(jq -c '.version = 3' "$WORK/fi-v2.json")"
expect_problem 409 "a forged version 3 (version 2 relabelled)" "does not follow pinned version 1"
check_eq "$(jget .pinned_version)" 1 "the answer names the version kept"
pinned_is 1 "version 1 kept after the forgery"
call PUT "/v1/partners/$PID_FI/trust-bundle" "$REG" "$(cat "$WORK/kr-bundle.json")"
expect_problem 409 "another authority's bundle" "another authority"
check_eq "$(jget .field)" issuer "the refusal names the issuer"
call PUT "/v1/partners/$PID_FI/trust-bundle" "$VENDOR" "$(cat "$WORK/fi-v2.json")"
expect_problem 403 "a vendor may not push bundles"
call PUT "/v1/partners/ptn_nosuch/trust-bundle" "$REG" "$(cat "$WORK/fi-v2.json")"
expect_problem 404 "bundle of an unknown partner"

call PUT "/v1/partners/$PID_FI/trust-bundle" "$REG" "$(cat "$WORK/fi-v2.json")"
expect 200 "FI's rotated bundle accepted by continuity"
check_eq "$(jget .bundle_version)" 2 "now at version 2"
check_eq "$(jget .bundle_expires)" "$(jq -r .expires "$WORK/fi-v2.json")" "with its expiry"
call PUT "/v1/partners/$PID_FI/trust-bundle" "$REG" "$(cat "$WORK/fi-v2.json")"
expect 200 "the same version again changes nothing"
call PUT "/v1/partners/$PID_FI/trust-bundle" "$REG" "$(cat "$WORK/fi-v1.json")"
expect_problem 409 "a rollback to version 1" "not newer"
pinned_is 2 "version 2 kept after the rollback"

# ------------------------------------------------- status lists
use FI; call GET /v1/status-lists/revocation-1; expect 200 "FI's revocation list"
cp "$WORK/body" "$WORK/fi-list.json"
check_eq "$(jget .proof.verificationMethod | sed 's/.*#//')" "$(jq -r .proof.verificationMethod "$WORK/fi-v2.json" | sed 's/.*#//')" "signed by FI's new key"
use SG
call PUT "/v1/partners/$PID_FI/status-lists" "$REG" "$(cat "$WORK/kr-list.json")"
expect_problem 422 "a list of another issuer" "not by partner $PID_FI"
check_eq "$(jget .field)" issuer "the refusal names the issuer"
call PUT "/v1/partners/$PID_FI/status-lists" "$REG" "$(jq -c '.credentialSubject.encodedList = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"' "$WORK/fi-list.json")"
expect_problem 422 "a tampered list" "does not verify"
call PUT "/v1/partners/$PID_FI/status-lists" "$REG" "$(jq -c '.id = "https://elsewhere.example/list"' "$WORK/fi-list.json")"
expect_problem 422 "a list the bundle does not name" "revocation-1 ${SAVED[FI.BASE]}/v1/status-lists/suspension-1"
call PUT "/v1/partners/$PID_FI/status-lists" "$REG" "$(cat "$WORK/fi-list.json")"
expect 200 "FI's list accepted with FI's keys"
check_eq "$(jget '[.id, .status_purpose, .unchanged] | join("|")')" "${SAVED[FI.BASE]}/v1/status-lists/revocation-1|revocation|false" "the list kept"
call PUT "/v1/partners/$PID_FI/status-lists" "$REG" "$(cat "$WORK/fi-list.json")"
expect 200 "the same copy again"
check_eq "$(jget .unchanged)" true "changes nothing"
call GET "/v1/partners/$PID_FI"
check_eq "$(jget '[.status_lists[] | .status_purpose] | join(" ")')" revocation "the directory shows the list held"

# ------------------------------------------------------- audit trail
if command -v sqlite3 >/dev/null 2>&1; then
	check_eq "$(sqlite3 -readonly "$DATA/labeld.db" "SELECT group_concat(action, ' ') FROM (SELECT action FROM partner_events WHERE partner_id = '$PID_FI' ORDER BY seq)")" \
	    "pinned agreement_added agreement_added agreement_amended agreement_ended bundle_refused bundle_refused bundle_updated bundle_refused status_list_received" \
	    "every partner change, and every refused bundle, in the audit trail"
else
	echo "note: sqlite3 absent: the audit trail is not read"
fi

stop SG
stop FI
finish
