#!/usr/bin/env bash
# vcapi.sh: POST /credentials/verify as the W3C VC API defines it, so that
# wallets and verifier services use labeld as they are: {verifiableCredential,
# options} -> 200 {checks, warnings, errors} for a label that verifies,
# 400 problem details naming each failed check for one that does not
# (tampered, revoked, another issuer's), the same verdicts as POST
# /v1/verify; bad input (no credential, wrong types, options it does not
# take) refused with 400 and a precise detail.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/story.sh"
LABELCTL="$top_builddir/labelctl"

start_labeld
make_org "Acme Devices" vendor vendor; VENDOR=$TOKEN
"$LABELCTL" --data-dir "$DATA" token create --role regulator > "$WORK/reg"
REG=$(sed -n 's/^token //p' "$WORK/reg")
issue_label "$VENDOR" "$REG" "Cam" 2030-06-30; L1=$LABEL
call GET "/v1/labels/$L1"; cp "$WORK/body" "$WORK/l1.json"
issue_label "$VENDOR" "$REG" "Hub" 2030-06-30; L2=$LABEL
call GET "/v1/labels/$L2"; cp "$WORK/body" "$WORK/l2.json"

vc() { call POST /credentials/verify "" "$1"; }

# --- a label that verifies ---
vc "$(jq -c '{verifiableCredential: ., options: {}}' "$WORK/l1.json")"
expect 200 "an issued label verifies"
check_eq "$(jget '.checks | sort | join(" ")')" "canonical context format issuer key registry signature status validity" \
    "checks names every check that passed"
check_eq "$(jget '.errors | length')" 0 "no errors"
check_eq "$(jget '[.warnings[].check] | join(" ")')" log "the log proof, not checked online, is a warning"
vc "$(jq -c '{verifiableCredential: ., options: {expectedProofPurpose: "assertionMethod", checks: ["proof"]}}' "$WORK/l1.json")"
expect 200 "with the options the VC API names"
call POST /v1/verify "" "$(cat "$WORK/l1.json")"
check_eq "$(jget .verified)" true "POST /v1/verify agrees"

# --- labels that do not verify: 400 naming the failed checks ---
vc "$(jq -c '.credentialSubject.tier = 4 | {verifiableCredential: .}' "$WORK/l1.json")"
expect_problem 400 "a tampered label" "signature"
check_eq "$(jget '[.checks[] | .check + ":" + .code] | join(" ")')" "signature:bad_signature registry:differs_from_issued" \
    "the problem lists each failed check with its code"
check_eq "$(jget .type | sed 's/.*://')" verification-failed "problem type"
call POST "/v1/labels/$L2/revoke" "$REG" '{"reason":"fraud"}'
expect 200 "revoke $L2"
vc "$(jq -c '{verifiableCredential: .}' "$WORK/l2.json")"
expect_problem 400 "a revoked label" "status (revoked)"
call POST /v1/verify "" "$(cat "$WORK/l2.json")"
check_eq "$(jget .verified)/$(jget '.checks[] | select(.check == "status") | .code')" "false/revoked" "POST /v1/verify agrees"
vc "$(jq -c '.issuer.id = "did:web:elsewhere.example" | {verifiableCredential: .}' "$WORK/l1.json")"
expect_problem 400 "another issuer's" "issuer"

# --- bad input ---
vc '{}'
expect_problem 400 "no verifiableCredential" "verifiableCredential: required"
vc '{"verifiableCredential":"a string"}'
expect_problem 400 "verifiableCredential not an object" "must be a JSON object"
vc "$(jq -c '{verifiableCredential: ., options: []}' "$WORK/l1.json")"
expect_problem 400 "options not an object" "options"
vc "$(jq -c '{verifiableCredential: ., options: {challenge: "abc"}}' "$WORK/l1.json")"
expect_problem 400 "a presentation's option" "options.challenge"
vc "$(jq -c '{verifiableCredential: ., options: {expectedProofPurpose: "authentication"}}' "$WORK/l1.json")"
expect_problem 400 "another proof purpose" "assertionMethod"
call POST /credentials/verify "" '{"verifiableCredential":'
expect_problem 400 "malformed JSON" "malformed JSON"
call GET /credentials/verify
expect_problem 405 "GET is not the route's method"
stop_labeld
finish
