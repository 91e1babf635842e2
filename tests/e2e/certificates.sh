#!/usr/bin/env bash
# certificates.sh: the signed label of an end-to-end story (Level 4: vendor
# declarations, an approved lab's Level 3 and 4 reports, the regulator's
# approval) checked by three verifiers: labelverify (offline, against the
# trust bundle and status lists a partner fetched), POST /v1/verify, and
# the independent Node verifier (Digital Bazaar libraries).  Then
# tampering, another authority's key, expiry, suspension and
# reinstatement, key rotation, revocation and key compromise.  Without
# Node only the Node verifier is left out (verify_lib.sh says so).
. "$(dirname "$0")/lib.sh"
LABELVERIFY="$top_builddir/labelverify"
SIGN_FIXTURE="$top_builddir/tests/sign_fixture"

start_labeld
. "$(dirname "$0")/verify_lib.sh"
verify_prepare

make_org "Acme Devices" vendor vendor; ACME=$TOKEN
make_org "Good Lab" lab lab; LAB_ORG=$ORG_ID; LAB=$TOKEN
"$LABELCTL" --data-dir "$DATA" token create --role regulator > "$WORK/reg"
REG=$(sed -n 's/^token //p' "$WORK/reg")
call PUT "/v1/organizations/$LAB_ORG/approval" "$REG" '{"tiers":[3,4],"valid_until":"2099-12-31"}'
expect 200 "lab approved for tiers 3 and 4"
# vendors find approved labs without a token; unapproved and lapsed ones are not listed
make_org "Other Lab" lab lab; OTHER_LAB=$ORG_ID
make_org "Lapsed Lab" lab lab; LAPSED_LAB=$ORG_ID
call PUT "/v1/organizations/$LAPSED_LAB/approval" "$REG" '{"tiers":[3],"valid_until":"2020-01-01"}'
expect 200 "a lapsed approval"
call GET /v1/labs; expect 200 "GET /v1/labs is public"
check_eq "$(jq -r --arg id "$LAB_ORG" '.items[] | select(.id == $id) | [.name, (.approvals[0].tiers | map(tostring) | join(",")), .approvals[0].valid_until] | join(" ")' <<<"$BODY")" \
    "Good Lab 3,4 2099-12-31" "GET /v1/labs: the approved lab, its tiers and their end"
check_eq "$(jq -r --arg a "$OTHER_LAB" --arg b "$LAPSED_LAB" '[.items[] | select(.id == $a or .id == $b)] | length' <<<"$BODY")" 0 \
    "GET /v1/labs: no unapproved or lapsed lab"
call GET /v1/schemes/sg-cls-iot; SCHEME_DOC=$BODY
etag() { grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }

# story PRODUCT-NAME SUPPORT-UNTIL TIER: a submission approved at TIER;
# sets LABEL, PRODUCT, SUB.
story() {
	local name=$1 until=$2 tier=$3 e items results
	call POST /v1/products "$ACME" "{\"name\":\"$name\",\"model\":\"M-1\",\"category\":\"camera\",\"support_until\":\"$until\",\"vulnerability_contact\":\"security@example.com\"}"
	expect 201 "$name: product"; PRODUCT=$(jget .id)
	call POST "/v1/products/$PRODUCT/versions" "$ACME" '{"version":"1.0","sbom":{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"openssl","version":"3.0.13"}]}}'
	expect 201 "$name: version with SBOM"; SBOM_SHA=$(jget .sbom_sha256)
	call POST /v1/submissions "$ACME" "{\"product_id\":\"$PRODUCT\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":$tier}"
	expect 201 "$name: submission"; SUB=$(jget .id)
	upload_kinds "$SUB" "$ACME" "$SCHEME_DOC"
	items=$(jq -c --argjson ev "$KIND_EVIDENCE" --argjson t "$tier" '[.requirements[] | select(.mode == "self_declaration" and .tier <= $t) |
	    {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$SCHEME_DOC")
	call GET "/v1/submissions/$SUB" "$ACME"
	call PUT "/v1/submissions/$SUB/declarations" "$ACME" "{\"items\":$items}" -H "If-Match: $(etag)"
	expect 200 "$name: declarations"
	if [ "$tier" -ge 3 ]; then
		call PUT "/v1/submissions/$SUB/lab" "$ACME" "{\"lab_id\":\"$LAB_ORG\"}"
		expect 200 "$name: lab assigned"
		for t in 3 4; do
			[ "$t" -le "$tier" ] || continue
			results=$(jq -c --argjson t "$t" '[.requirements[] | select(.mode == "third_party" and .tier == $t) |
			    {requirement: .id, verdict: "pass", notes: "no findings"}]' <<<"$SCHEME_DOC")
			call POST "/v1/submissions/$SUB/evidence" "$LAB" '' -H 'Content-Type: text/plain' --data-binary "report $name $t"
			expect 201 "$name: Level $t report file"
			call POST "/v1/submissions/$SUB/lab-reports" "$LAB" "{\"tier\":$t,\"results\":$results,\"report_sha256\":\"$(printf 'report %s %s' "$name" "$t" | sha256sum | cut -d' ' -f1)\"}"
			expect 201 "$name: Level $t lab report"
		done
	fi
	call POST "/v1/submissions/$SUB/submit" "$ACME"; expect 200 "$name: submitted"
	call POST "/v1/submissions/$SUB/decision" "$REG" "{\"decision\":\"approve\",\"tier\":$tier,\"reason\":\"Level $tier met\"}"
	expect 200 "$name: approved at Level $tier"
	LABEL=$(jget .label_id)
	check_eq "$(jget .label.credentialSubject.labelId)" "$LABEL" "$name: the approval answers the label"
	jget '.label' | jq -cS . > "$WORK/answered.json"
	call GET "/v1/labels/$LABEL"; expect 200 "$name: label served"
	check_eq "$(jq -cS . "$WORK/body")" "$(cat "$WORK/answered.json")" "$name: the same label as answered"
}

# ------------------------------------------------------ the issued label
# labelverify needs nothing of the daemon: libsodium, jansson and zlib only
if ldd "$LABELVERIFY" | grep -Eq 'sqlite|microhttpd|qrencode|curl'; then
	fail "labelverify links more than libsodium, jansson and zlib: $(ldd "$LABELVERIFY" | tr '\n' ' ')"
else ok; fi
ldd "$LABELVERIFY" | grep -q libsodium && ldd "$LABELVERIFY" | grep -q libjansson && ok ||
    fail "labelverify links libsodium and jansson"

story "SmartCam" 2028-06-30 4
LABEL1=$LABEL
cp "$WORK/body" "$WORK/label.json"
L="$WORK/label.json"
# label ids are typed from a box: any case finds the label
LOWER=$(tr 'A-Z' 'a-z' <<<"$LABEL1")
call GET "/v1/labels/$LOWER"; expect 200 "a label id in lower case"
cmp -s "$WORK/body" "$L" && ok || fail "lower-case lookup serves the same bytes"
call GET "/v1/labels/$LOWER/status"; expect 200 "status by a lower-case id"
check_eq "$(jget .label_id)" "$LABEL1" "status names the label as issued"
check_eq "$(jq -r '.credentialSubject.tier, .credentialSubject.tierName' "$L" | paste -sd/)" "4/Level 4" "tier and its name"
check_eq "$(jq -r '.credentialSubject.scope.scheme, .credentialSubject.scope.schemeVersion' "$L" | paste -sd/)" "sg-cls-iot/2" "scheme and version"
check_eq "$(jq -r '.credentialSubject.sbom.sha256' "$L")" "$SBOM_SHA" "SBOM digest"
check_eq "$(jq -r '[.credentialSubject.labReports[].tier] | sort | join(",")' "$L")" "3,4" "lab report digests"
check_eq "$(jq -r '.credentialSubject.firmwareVersions | join(",")' "$L")" "1.0" "firmware covered"
check_eq "$(jq -r '.credentialSubject.product.id' "$L")" "$PRODUCT" "product"
check_eq "$(jq -r '.validUntil' "$L")" "2028-06-30T23:59:59Z" "validity ends with the product's support"
check_eq "$(jq -r '.["@context"][0]' "$L")" "https://www.w3.org/ns/credentials/v2" "VC 2.0 context"
check_eq "$(jq -r '.proof.cryptosuite' "$L")" "eddsa-jcs-2022" "cryptosuite"
call GET /.well-known/did.json
check_eq "$(jq -r '.issuer.id' "$L")" "$(jget .id)" "issuer is the served DID"
check_eq "$(jq -r '[.credentialStatus[].statusPurpose] | sort | join(",")' "$L")" "revocation,suspension" "two status entries"

verify_fetch_trust
verify_all_expect "$L" valid "the issued label"

# ---------------------------------------------------------- tampering
verify_flip "$L" content "$WORK/t-content.json"
verify_all_expect "$WORK/t-content.json" invalid "one byte of the signed content" signature
verify_flip "$L" proof "$WORK/t-proof.json"
verify_all_expect "$WORK/t-proof.json" invalid "one byte of the proof" signature
# a flip inside validUntil's digits, and inside the tier name
off=$(grep -bo '"validUntil":"2028' "$L" | cut -d: -f1); off=$((off + 16))
verify_flip "$L" "$off" "$WORK/t-date.json"
verify_all_expect "$WORK/t-date.json" invalid "one digit of validUntil" signature
off=$(grep -bo '"tierName":"Level 4"' "$L" | cut -d: -f1); off=$((off + 18))
verify_flip "$L" "$off" "$WORK/t-tier.json"
verify_all_expect "$WORK/t-tier.json" invalid "the tier name" signature

# another authority's key: the same content signed by a key of another
# data dir, naming our key id (signature fails) or its own DID (untrusted)
"$LABELCTL" --data-dir "$WORK/other" init >/dev/null
OTHER_KEY=$(ls "$WORK/other/keys/"*.key | head -n 1)
VM=$(jq -r .proof.verificationMethod "$L")
jq 'del(.proof)' "$L" | "$SIGN_FIXTURE" sign "@$OTHER_KEY" "$VM" "$(jq -r .proof.created "$L")" > "$WORK/t-other.json"
verify_all_expect "$WORK/t-other.json" invalid "signed by another authority's key under our key id" signature
jq 'del(.proof) | .issuer.id = "did:web:other.example"' "$L" |
    "$SIGN_FIXTURE" sign "@$OTHER_KEY" "did:web:other.example#key-1" "$(jq -r .proof.created "$L")" > "$WORK/t-other2.json"
verify_all_expect "$WORK/t-other2.json" invalid "another authority's credential" issuer

# a context added after signing: eddsa-jcs-2022 does not sign it, and a
# context can redefine every term
jq -c '."@context" += ["https://x.example/ctx"]' "$L" >"$WORK/t-ctx.json"
verify_all_expect "$WORK/t-ctx.json" invalid "an unsigned @context appended" context
check_eq "$(jq -r '.credentials[0].checks[] | select(.check == "context") | .code' <<<"$LV_OUT")" \
    unknown_context "labelverify: unknown_context"
check_eq "$(jget '.checks[] | select(.check == "context") | .code')" unknown_context "API: unknown_context"
if [ "$INTEROP_OK" = 1 ]; then
	# the library alone accepts it: the context policy is the verifier's
	check_eq "$(jq -r '.library.verified, .context.ok' <<<"$NODE_OUT" | paste -sd' ')" "true false" \
	    "Node: the library accepts an appended context, the context policy refuses it"
fi

# a thief of the signing key (its file's seed) re-signs the label with the
# tier raised, and signs a label id never issued: offline both verify (the
# transparency log closes that), online the registry is the truth
KEYFILE="$DATA/keys/$(jq -r .proof.verificationMethod "$L" | sed 's/.*#//').key"
CREATED=$(jq -r .proof.created "$L")
jq 'del(.proof) | .credentialSubject.tier = 5 | .credentialSubject.tierName = "Level 5"' "$L" |
    "$SIGN_FIXTURE" sign "@$KEYFILE" "$VM" "$CREATED" >"$WORK/t-thief.json"
verify_api "$WORK/t-thief.json"
check_eq "$API_VERIFIED" false "POST /v1/verify: a re-signed label with the tier raised"
check_eq "$(jget '[.checks[] | select(.ok | not) | .check + ":" + .code] | join(",")')" \
    "registry:differs_from_issued" "API: differs_from_issued, every other check passed"
check_eq "$(jget .label.same_as_issued)" false "API: not the same as issued"
jq 'del(.proof) | .credentialSubject.labelId = "SG-CLS-2026-999999" | .id |= sub("/[^/]*$"; "/SG-CLS-2026-999999")' "$L" |
    "$SIGN_FIXTURE" sign "@$KEYFILE" "$VM" "$CREATED" >"$WORK/t-never.json"
verify_api "$WORK/t-never.json"
check_eq "$API_VERIFIED" false "POST /v1/verify: a label id never issued"
check_eq "$(jget '[.checks[] | select(.ok | not) | .check + ":" + .code] | join(",")')" \
    "registry:not_issued_here" "API: not_issued_here"
verify_api "$L"
check_eq "$(jget '.checks[] | select(.check == "registry") | .code')" ok "API: the issued label is in the registry"

# ------------------------------------------------------------- expiry
# (noon: the Node library allows five minutes of clock skew)
verify_labelverify "$L" --at 2028-07-01T12:00:00Z
check_eq "$LV_RC" 1 "labelverify: expired on 2028-07-01"
# (today's status lists lapse within days: check the window alone, saying so)
rc=0; out=$("$LABELVERIFY" --trust-bundle "$WORK/trust-bundle.json" --no-status --at 2028-06-30T23:00:00Z "$L") || rc=$?
check_eq "$rc" 0 "labelverify: still valid on its last day"
grep -q "status not checked" <<<"$out" && ok || fail "--no-status is said: $out"
jq -r '.credentials[0].checks[] | select(.check == "validity") | .detail' <<<"$LV_OUT" | grep -q '2028-06-30' && ok || fail "validity detail names the date"
verify_api "$L" "at=2028-07-01T12:00:00Z"
check_eq "$API_VERIFIED" false "POST /v1/verify: expired"
jget '.checks[] | select(.check == "validity") | .detail' | grep -q '2028-06-30' && ok || fail "API validity detail names the date"
if [ "$INTEROP_OK" = 1 ]; then
	verify_node "$L" --at 2028-07-01T12:00:00Z --expect invalid
	check_eq "$NODE_RC" 0 "Node verifier: expired"
fi

# ---------------------------------------------- suspension, reinstatement
call POST "/v1/labels/$LABEL1/suspend" "$REG" '{"reason":"default password reported"}'; expect 200 "suspend"
verify_fetch_trust
verify_all_expect "$L" invalid "suspended label" status
call POST "/v1/labels/$LABEL1/reinstate" "$REG" '{"reason":"fixed in 1.1"}'; expect 200 "reinstate"
verify_fetch_trust
verify_all_expect "$L" valid "reinstated label"

# ----------------------------------------------------------- rotation
# A partner pinned the bundle of today; after the rotation it gets only the
# newer versions, and follows them by continuity.
cp "$WORK/trust-bundle.json" "$WORK/pinned.json"
PINNED_V=$(jq -r .version "$WORK/pinned.json")
OLD_VM=$(jq -r .proof.verificationMethod "$L")
OLD_KEYFILE="$DATA/keys/${OLD_VM#*#}.key"
"$LABELCTL" --data-dir "$DATA" key rotate >"$WORK/rotate.out" && ok || fail "labelctl key rotate"
grep -q "/v1/trust-bundle/versions/" "$WORK/rotate.out" && ok || fail "rotate says what partners must fetch: $(cat "$WORK/rotate.out")"
verify_fetch_trust
check_eq "$(jq -r '[.keys[].status] | join(",")' "$WORK/trust-bundle.json")" "retired,active" "bundle: old key retired"
NEW_V=$(jq -r .version "$WORK/trust-bundle.json")
[ "$NEW_V" -gt "$PINNED_V" ] && ok || fail "the rotation made a newer bundle version ($PINNED_V -> $NEW_V)"
check_eq "$(jq -r '.keys[] | select(.status == "active") | .publicKeyMultibase' "$WORK/trust-bundle.json" |
    xargs "$SIGN_FIXTURE" digest-multikey 2>/dev/null)" "$(jq -r .nextKeyDigest "$WORK/pinned.json")" \
    "the new key is the one the pinned version committed to"
UPDATES=()
for v in $(seq $((PINNED_V + 1)) "$NEW_V"); do
	curl -sf "$BASE/v1/trust-bundle/versions/$v" -o "$WORK/tb-v$v.json" || fail "GET bundle version $v"
	UPDATES+=(--bundle-update "$WORK/tb-v$v.json")
done
verify_all_expect "$L" valid "a label signed by a rotated-out key"
story "SmartPlug" 2030-12-31 2
cp "$WORK/body" "$WORK/label2.json"
check_eq "$(jq -r .proof.verificationMethod "$WORK/label2.json" | sed 's/.*#//')" "$(jq -r '.keys[1].id' "$WORK/trust-bundle.json" | sed 's/.*#//')" "new labels signed by the new key"
verify_fetch_trust
verify_all_expect "$WORK/label2.json" valid "a label of the new key"
LISTS=(--status-list "$WORK/revocation-1.json" --status-list "$WORK/suspension-1.json")
rc=0; out=$("$LABELVERIFY" --trust-bundle "$WORK/pinned.json" "${UPDATES[@]}" "${LISTS[@]}" "$L" "$WORK/label2.json") || rc=$?
check_eq "$rc" 0 "pinned to version $PINNED_V, given the newer versions: both labels and the new lists verify"
[ "$(grep -c '^  VERIFIED$' <<<"$out")" = 2 ] && ok || fail "two VERIFIED: $out"
# without the update the new lists are signed by a key the pin does not know
rc=0; out=$("$LABELVERIFY" --trust-bundle "$WORK/pinned.json" "${LISTS[@]}" "$L" 2>&1) || rc=$?
check_eq "$rc" 2 "the new lists need the newer bundle"
grep -q "give the issuer's newer bundle as an update" <<<"$out" && ok || fail "says which bundle is missing: $out"
# a forged update: altered after signing
jq -c '.issuer.name = "Someone"' "$WORK/tb-v$NEW_V.json" >"$WORK/tb-forged.json"
rc=0; out=$("$LABELVERIFY" --json --trust-bundle "$WORK/pinned.json" --bundle-update "$WORK/tb-forged.json" --no-status "$L" 2>/dev/null) || rc=$?
check_eq "$rc" 1 "a forged update is refused"
check_eq "$(jq -r '.trust.updates[0].code, .credentials[0].verified' <<<"$out" | paste -sd' ')" "bundle_refused false" "forged: bundle_refused, fail closed"
# a rollback: the pinned version offered again
rc=0; "$LABELVERIFY" --trust-bundle "$WORK/tb-v$NEW_V.json" --bundle-update "$WORK/pinned.json" --no-status "$L" >/dev/null 2>&1 || rc=$?
check_eq "$rc" 1 "a rollback is refused"
# a thief of the old active key adds a key of its own and signs with the stolen key
THIEF_SEED=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
DID=$(jq -r .issuer.id "$WORK/pinned.json")
THIEF_VM="$DID#$("$SIGN_FIXTURE" keyid "$THIEF_SEED")"
THIEF_MB=$("$SIGN_FIXTURE" pubkey "$THIEF_SEED")
NOWT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
jq --arg vm "$THIEF_VM" --arg mb "$THIEF_MB" --arg did "$DID" --arg t "$NOWT" '
    del(.proof) | .version += 1 | .issued = $t
    | .keys += [{id: $vm, publicKeyMultibase: $mb, validFrom: $t, validUntil: null, compromisedAt: null, status: "active"}]
    | .didDocument.verificationMethod += [{id: $vm, type: "Multikey", controller: $did, publicKeyMultibase: $mb}]
    | .didDocument.assertionMethod += [$vm]' "$WORK/pinned.json" |
    "$SIGN_FIXTURE" sign "@$OLD_KEYFILE" "$OLD_VM" "$NOWT" >"$WORK/tb-thief.json"
rc=0; out=$("$LABELVERIFY" --trust-bundle "$WORK/pinned.json" --bundle-update "$WORK/tb-thief.json" --no-status "$L" 2>&1) || rc=$?
check_eq "$rc" 1 "a new key signed only by the stolen active key is refused"
grep -q "bundle_refused" <<<"$out" && grep -q "committed to" <<<"$out" && ok || fail "the thief's update: $out"

# ------------------------------------------------------------ revocation
# lists fetched before the revocation, kept by someone replaying them
cp "$WORK/revocation-1.json" "$WORK/rev-before.json"
cp "$WORK/suspension-1.json" "$WORK/sus-before.json"
call POST "/v1/labels/$LABEL1/revoke" "$REG" '{"reason":"vendor withdrew support"}'; expect 200 "revoke"
OLD=(--status-list "$WORK/rev-before.json" --status-list "$WORK/sus-before.json")
PAST=$(jq -r .validUntil "$WORK/rev-before.json")
check_eq "$(( $(date -u -d "$PAST" +%s) - $(date -u -d "$(jq -r .validFrom "$WORK/rev-before.json")" +%s) ))" \
    $((7 * 86400)) "status lists are valid for 7 days"
rc=0; out=$("$LABELVERIFY" --json --trust-bundle "$WORK/trust-bundle.json" "${OLD[@]}" \
    --at "$(date -u -d "$PAST + 1 hour" +%Y-%m-%dT%H:%M:%SZ)" "$L") || rc=$?
check_eq "$rc" 1 "a replayed list past its validUntil proves nothing"
check_eq "$(jq -r '.credentials[0].checks[] | select(.check == "status") | .code' <<<"$out")" status_stale "status_stale"
rc=0; out=$("$LABELVERIFY" --json --trust-bundle "$WORK/trust-bundle.json" "${OLD[@]}" --max-status-age 1h \
    --at "$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)" "$L") || rc=$?
check_eq "$rc" 1 "--max-status-age 1h refuses a list two hours old"
check_eq "$(jq -r '.credentials[0].checks[] | select(.check == "status") | .code' <<<"$out")" status_stale "status_stale by age"
verify_fetch_trust
verify_all_expect "$L" invalid "revoked label" status
call POST "/v1/labels/$LABEL1/reinstate" "$REG" '{"reason":"try"}'; expect_problem 409 "reinstate after revocation"
call POST "/v1/labels/$LABEL1/suspend" "$REG" '{"reason":"try"}'; expect_problem 409 "suspend after revocation"
verify_fetch_trust
verify_all_expect "$L" invalid "revoked stays revoked" status

# ------------------------------------------------------------ compromise
KID2=$(jq -r .proof.verificationMethod "$WORK/label2.json" | sed 's/.*#//')
BEFORE=$(date -u -d "$(jq -r .proof.created "$WORK/label2.json") - 1 minute" +%Y-%m-%dT%H:%M:%SZ)
"$LABELCTL" --data-dir "$DATA" key rotate >/dev/null && ok || fail "rotate to the committed key"
"$LABELCTL" --data-dir "$DATA" key compromise "$KID2" --since "$BEFORE" >/dev/null && ok || fail "labelctl key compromise"
verify_fetch_trust
check_eq "$(jq -r --arg k "$KID2" '.keys[] | select(.id | endswith($k)) | .compromisedAt' "$WORK/trust-bundle.json")" "$BEFORE" "bundle shows compromisedAt"
verify_all_expect "$WORK/label2.json" invalid "signed after its key's compromise" key

# the regulator's figures: labels by status, submissions by state
call GET /metrics; expect 200 "metrics"
check_eq "$(grep -c '^labeld_labels{status="revoked"} 1$' <<<"$BODY")" 1 "metrics: one revoked label"
check_eq "$(grep -c '^labeld_submissions{state="approved"} 2$' <<<"$BODY")" 1 "metrics: two approved submissions"

# nothing of the keys leaks into the log or the label
for f in "$DATA"/keys/*.key; do
	seed=$(sed -n 's/^seed: //p' "$f")
	[ -n "$seed" ] || continue
	grep -qF "$seed" "$LOG" "$L" "$WORK/label2.json" "$WORK/trust-bundle.json" && fail "key material of $f leaked" || ok
done

stop_labeld
finish
