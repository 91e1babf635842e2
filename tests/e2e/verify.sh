#!/usr/bin/env bash
# verify.sh: verification against the real daemon, three ways (labelverify
# with the fetched trust bundle and status lists, POST /v1/verify, and the
# independent Node verifier when node is there).  The credentials are
# label-shaped fixtures signed in-process with the daemon's own key file
# (tests/sign_fixture), so this runs before issuance is wired: a valid one,
# single-character tampering of content, proof and issuer, another key,
# expiry, a key rotated out (its labels still verify, its later signatures
# do not), a key marked compromised (before and after its signing time),
# and the usage errors of labelverify and POST /v1/verify.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verify_lib.sh"

start_labeld
verify_prepare
NOT_ISSUED=1

call GET /.well-known/did.json; expect 200 "DID document"
DID=$(jget .id)
VM1=$(jget '.verificationMethod[0].id')
KEY1="$DATA/keys/${VM1#*#}.key"
[ -f "$KEY1" ] || { fail "no key file $KEY1"; finish; exit 1; }
T0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
verify_sign_fixture "$WORK/fx1.json" "$KEY1" "$VM1" "$T0"
verify_fetch_trust

# --- a credential signed by this authority's key ---
verify_all_expect "$WORK/fx1.json" valid "fixture signed with labeld's key"
check_eq "$(jq -r '.credentials[0].checks | map(.check) | join(",")' <<<"$LV_OUT")" \
    "format,context,canonical,issuer,signature,key,validity,status,log" "labelverify check order"
check_eq "$(jq -r '.credentials[0].checks | map(.code) | join(",")' <<<"$LV_OUT")" \
    "ok,ok,ok,ok,ok,ok,ok,ok,log_skipped" "labelverify: every check's code is ok (no --proof: log_skipped)"
check_eq "$(jq -r '.credentials[0].label' <<<"$LV_OUT")" FIXTURE-1 "labelverify label id"
jq -r '.credentials[0].checks[7].detail' <<<"$LV_OUT" |
    grep -Eq '^revocation bit 101 clear in the list of .*; suspension bit 202 clear in the list of ' &&
    ok || fail "labelverify read both status bits: $(jq -r '.credentials[0].checks[7].detail' <<<"$LV_OUT")"

call POST /v1/verify "" "{\"credential\": $(cat "$WORK/fx1.json")}"
expect 200 "POST /v1/verify {credential}"
check_eq "$(jget .verified)" false "a credential signed with our key but never issued is not verified online"
check_eq "$(jget '.checks | map(.check) | join(",")')" \
    "format,context,canonical,issuer,signature,key,validity,status,log,registry" "API check order"
check_eq "$(jget '.checks[8].code + " " + .checks[8].detail')" \
    "log_skipped not checked: POST /v1/verify does not check log proofs (labelverify --proof does)" \
    "API: the log check is skipped online, and says so"
check_eq "$(jget '[.checks[] | select(.ok | not) | .check + ":" + .code] | join(",")')" \
    "registry:not_issued_here" "API: only the registry fails, not_issued_here"
jget '.checks[7].detail' |
    grep -Eq '^revocation bit 101 clear in the list of .*; suspension bit 202 clear in the list of ' &&
    ok || fail "API read both status bits"
check_eq "$(jget .label)" null "a fixture is not in the registry"
verify_api "$WORK/fx1.json" "at=2100-01-01"
check_eq "$API_VERIFIED" false "POST /v1/verify?at= after validUntil"
if jget '.checks[] | select(.check == "validity") | .detail' | grep -q "^expired: validUntil .* is before 2100-01-01T00:00:00Z"; then ok
else fail "expiry detail names the dates"; fi
check_eq "$(jget '.checks[] | select(.check == "validity") | .code')" expired "API: code expired"
call POST "/v1/verify?at=soon" "" "$(cat "$WORK/fx1.json")"
expect_problem 400 "bad at" at
call POST /v1/verify "" '[1, 2]'
expect_problem 422 "an array is not a credential"
call POST /v1/verify "" '{"credential": "z6Mk"}'
expect_problem 422 "credential must be an object" credential
call POST /v1/verify "" '{"hello": "world"}'
expect 200 "an object that is no credential still gets its checks"
check_eq "$(jget '.verified, .checks[0].ok' | tr '\n' ' ')" "false false " "format fails"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' \
    --data-binary @"$WORK/fx1.json" "$BASE/v1/verify")
check_eq "$STATUS" 415 "verify takes JSON"
call GET /v1/verify
expect_problem 405 "GET /v1/verify"

# --- tampering: every verifier rejects ---
verify_flip "$WORK/fx1.json" content "$WORK/t-content.json"
verify_all_expect "$WORK/t-content.json" invalid "label id changed" signature
verify_flip "$WORK/fx1.json" proof "$WORK/t-proof.json"
verify_all_expect "$WORK/t-proof.json" invalid "proofValue changed" signature
verify_flip "$WORK/fx1.json" issuer "$WORK/t-issuer.json"
verify_all_expect "$WORK/t-issuer.json" invalid "issuer changed" issuer
# a spread of single characters inside strings of the signed text
LEN=$(wc -c <"$WORK/fx1.json")
n=0
for off in $(seq 40 61 $((LEN - 40))); do
	c=$(LC_ALL=C; head -c $((off + 1)) "$WORK/fx1.json" | tail -c 1)
	case $c in [A-Za-z0-9]) ;; *) continue ;; esac
	verify_flip "$WORK/fx1.json" "$off" "$WORK/t-$off.json"
	jq -e . "$WORK/t-$off.json" >/dev/null 2>&1 || continue
	verify_all_expect "$WORK/t-$off.json" invalid "character $off changed"
	n=$((n + 1))
done
[ "$n" -ge 8 ] && ok || fail "only $n offsets tried"

# another authority's key, claiming ours; and its own key for our issuer
OTHER_SEED=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
jq 'del(.proof)' "$WORK/fx1.json" |
    "$SIGN_FIXTURE" sign "$OTHER_SEED" "$VM1" "$T0" >"$WORK/t-otherkey.json"
verify_all_expect "$WORK/t-otherkey.json" invalid "signed by another key as ours" signature
jq 'del(.proof)' "$WORK/fx1.json" |
    "$SIGN_FIXTURE" sign "$OTHER_SEED" "did:web:other.example#key-00000000" "$T0" \
    >"$WORK/t-otherdid.json"
verify_all_expect "$WORK/t-otherdid.json" invalid "signed by another authority" issuer

# --- labelverify on its own ---
LISTS=(--status-list "$WORK/revocation-1.json" --status-list "$WORK/suspension-1.json")
out=$("$LABELVERIFY" --trust-bundle "$WORK/trust-bundle.json" "${LISTS[@]}" "$WORK/fx1.json" 2>&1) && rc=0 || rc=$?
check_eq "$rc" 0 "labelverify: valid"
# for people: what it is, then the verdict; the checks only under -v
check_eq "$(sed -n 1p <<<"$out")" "FIXTURE-1: ? (model ?) by ?; sg-cls-iot v1 Level 2; status active; valid until $(jq -r .validUntil "$WORK/fx1.json"); issued by fixture" \
    "labelverify: first line says what it is"
check_eq "$(sed -n 2p <<<"$out")" "  VERIFIED" "labelverify: then the verdict"
check_eq "$(wc -l <<<"$out")" 2 "labelverify: no check lines without -v"
out=$("$LABELVERIFY" -v --trust-bundle "$WORK/trust-bundle.json" "${LISTS[@]}" "$WORK/fx1.json" 2>&1) && rc=0 || rc=$?
grep -q "^    signature ok (ok): eddsa-jcs-2022 signature by $VM1 verifies$" <<<"$out" && ok ||
    fail "labelverify -v shows the checks: $out"
out=$("$LABELVERIFY" --trust-bundle "$WORK/trust-bundle.json" "${LISTS[@]}" --at 2100-01-01 \
    "$WORK/fx1.json" 2>&1) && rc=0 || rc=$?
check_eq "$rc" 1 "labelverify --at after validUntil exits 1"
if grep -q "^    validity FAILED (expired): expired: validUntil .* is before 2100-01-01T00:00:00Z$" <<<"$out"; then ok
else fail "labelverify names the expiry: $out"; fi
grep -q "^  NOT VERIFIED:$" <<<"$out" && ok || fail "verdict line: $out"
# fails closed: no status list, or only one, is no answer
for args in "" "--status-list $WORK/revocation-1.json"; do
	# shellcheck disable=SC2086
	out=$("$LABELVERIFY" --json --trust-bundle "$WORK/trust-bundle.json" $args "$WORK/fx1.json" 2>&1) && rc=0 || rc=$?
	check_eq "$rc" 1 "labelverify with lists '$args' exits 1"
	check_eq "$(jq -r '.credentials[0].verified, (.credentials[0].checks[] | select(.check == "status") | .code)' <<<"$out" | paste -sd' ')" \
	    "false status_unchecked" "lists '$args': status_unchecked"
done
out=$("$LABELVERIFY" --trust-bundle "$WORK/trust-bundle.json" --no-status "$WORK/fx1.json" 2>&1) && rc=0 || rc=$?
check_eq "$rc" 0 "labelverify --no-status: the explicit opt-out exits 0"
grep -q "status not checked (--no-status)" <<<"$out" && grep -q "VERIFIED (status not checked: --no-status)" <<<"$out" &&
    ok || fail "--no-status says so: $out"
out=$("$LABELVERIFY" --json --trust-bundle "$WORK/trust-bundle.json" --no-status "$WORK/fx1.json")
check_eq "$(jq -r '.credentials[0].checks[] | select(.check == "status") | .code + " " + (.ok | tostring)' <<<"$out")" \
    "status_skipped true" "--no-status: code status_skipped"
out=$("$LABELVERIFY" "$WORK/fx1.json" 2>&1) && rc=0 || rc=$?
check_eq "$rc" 1 "labelverify without a trust bundle exits 1"
grep -q "issuer FAILED (unknown_issuer): issuer .* is not trusted" <<<"$out" && ok || fail "nothing trusted: $out"
"$LABELVERIFY" --trust-bundle "$WORK/trust-bundle.json" "${LISTS[@]}" "$WORK/fx1.json" \
    "$WORK/t-proof.json" >/dev/null 2>&1 && rc=0 || rc=$?
check_eq "$rc" 1 "one invalid among two: exit 1"
"$LABELVERIFY" --trust-bundle "$WORK/trust-bundle.json" "${LISTS[@]}" - <"$WORK/fx1.json" \
    >/dev/null 2>&1 && rc=0 || rc=$?
check_eq "$rc" 0 "credential on standard input"
"$LABELVERIFY" -V | grep -q '^labelverify ' && ok || fail "labelverify -V"
"$LABELVERIFY" -h | grep -q -- '--bundle-update' && ok || fail "labelverify -h"
printf '{"a":' >"$WORK/broken.json"
out=$("$LABELVERIFY" --json --trust-bundle "$WORK/trust-bundle.json" "$WORK/broken.json") && rc=0 || rc=$?
check_eq "$rc" 1 "a credential that is not JSON is invalid"
check_eq "$(jq -r '.credentials[0].checks[0].check + " " + (.credentials[0].checks[0].ok | tostring)' <<<"$out")" \
    "format false" "not JSON: format fails"
for args in "" "--at tomorrow $WORK/fx1.json" "--trust-bundle $WORK/nope.json $WORK/fx1.json" \
    "$WORK/nope.json" "--bogus $WORK/fx1.json" \
    "--trust-bundle $WORK/fx1.json $WORK/fx1.json" \
    "--status-list $WORK/revocation-1.json $WORK/fx1.json" \
    "--no-status --status-list $WORK/revocation-1.json $WORK/fx1.json" \
    "--max-status-age 7x $WORK/fx1.json" "--max-status-age 0d $WORK/fx1.json"; do
	# shellcheck disable=SC2086
	"$LABELVERIFY" $args >/dev/null 2>&1 && rc=0 || rc=$?
	check_eq "$rc" 2 "labelverify usage error: '$args'"
done
jq '.issuer.name = "Someone else"' "$WORK/trust-bundle.json" >"$WORK/tb-bad.json"
out=$("$LABELVERIFY" --trust-bundle "$WORK/tb-bad.json" "$WORK/fx1.json" 2>&1) && rc=0 || rc=$?
check_eq "$rc" 2 "a trust bundle with a bad signature is refused"
grep -q "signature does not verify" <<<"$out" && ok || fail "bundle refusal says why: $out"
jq --arg l "$("$SIGN_FIXTURE" encoded-list 131072 101)" '.credentialSubject.encodedList = $l' \
    "$WORK/revocation-1.json" >"$WORK/rl-bad.json"
"$LABELVERIFY" --trust-bundle "$WORK/trust-bundle.json" --status-list "$WORK/rl-bad.json" \
    "$WORK/fx1.json" >/dev/null 2>&1 && rc=0 || rc=$?
check_eq "$rc" 2 "a status list with a bad signature is refused"
"$LABELVERIFY" --help >/dev/null && ok || fail "labelverify --help"

# --- key rotation: old labels stay valid, later signatures do not ---
"$LABELCTL" --data-dir "$DATA" key rotate >"$WORK/rotate.out" 2>&1 && ok ||
    { fail "labelctl key rotate"; cat "$WORK/rotate.out"; }
verify_fetch_trust
VM2=$(jq -r '.keys[] | select(.status == "active") | .id' "$WORK/trust-bundle.json")
RETIRED=$(jq -r --arg id "$VM1" '.keys[] | select(.id == $id) | .validUntil' "$WORK/trust-bundle.json")
[ -n "$VM2" ] && [ "$VM2" != "$VM1" ] && [ "$RETIRED" != null ] && ok ||
    fail "rotation: new key $VM2, old retired at $RETIRED"
verify_all_expect "$WORK/fx1.json" valid "signed by the rotated-out key"
T2=$(date -u -d "$RETIRED + 2 seconds" +%Y-%m-%dT%H:%M:%SZ)
if [ -f "$KEY1" ]; then
	verify_sign_fixture "$WORK/fx2.json" "$KEY1" "$VM1" "$T2" FIXTURE-2
	verify_all_expect "$WORK/fx2.json" invalid "signed by the old key after its retirement" key
else
	echo "NOTE: $KEY1 was removed by the rotation: no late-signature case"
fi
KEY2="$DATA/keys/${VM2#*#}.key"
verify_sign_fixture "$WORK/fx3.json" "$KEY2" "$VM2" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" FIXTURE-3
verify_all_expect "$WORK/fx3.json" valid "signed by the new key"

# --- compromise: labels signed from then on fail, earlier ones pass ---
T1=$(date -u -d "$T0 + 1 second" +%Y-%m-%dT%H:%M:%SZ)
"$LABELCTL" --data-dir "$DATA" key compromise --since "$T1" "${VM1#*#}" \
    >"$WORK/comp.out" 2>&1 && ok || { fail "labelctl key compromise"; cat "$WORK/comp.out"; }
verify_fetch_trust
verify_all_expect "$WORK/fx1.json" valid "signed one second before the compromise"
if [ -f "$KEY1" ]; then
	verify_all_expect "$WORK/fx2.json" invalid "signed after the compromise" key
fi
"$LABELCTL" --data-dir "$DATA" key compromise --since "$T0" "${VM1#*#}" \
    >"$WORK/comp.out" 2>&1 && ok || { fail "labelctl key compromise earlier"; cat "$WORK/comp.out"; }
verify_fetch_trust
# Lists signed by the key now compromised since T0 must have been re-signed.
for l in revocation-1 suspension-1; do
	if [ "$(jq -r .proof.verificationMethod "$WORK/$l.json")" = "$VM1" ]; then
		fail "status list $l is still signed by the compromised key $VM1: every verifier refuses it (cached lists must be re-signed when a key is rotated out or compromised)"
	else ok; fi
done
verify_all_expect "$WORK/fx1.json" invalid "signed by a key compromised at its signing time" key
verify_all_expect "$WORK/fx3.json" valid "the new key is untouched"

finish
