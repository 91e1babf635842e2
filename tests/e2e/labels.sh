#!/usr/bin/env bash
# labels.sh: the issuer's public face against the real daemon: the DID
# document, the signed trust bundle and status lists (each verified with
# tests/di_verify), the label routes' errors (404, 401, 403, 422), key
# rotation and compromise by labelctl while labeld runs, a sealed key
# (refused without its passphrase, used with it from the environment or
# key_passphrase_file), key file modes, and that no response, labelctl
# output or log line carries private key material.
#
# Labels are issued only by an approval (the workflow): when the approval
# below yields a label, the suspend / reinstate / revoke story runs too;
# until then that part reports itself skipped.
. "$(dirname "$0")/lib.sh"

DI_VERIFY="$top_builddir/tests/di_verify"
[ -x "$DI_VERIFY" ] || { echo "FAIL: $DI_VERIFY not built"; exit 1; }
SEEN="$WORK/seen"	# every response body and header, and labelctl output
: > "$SEEN"

# callr: call, keeping what was answered for the key-material scan.
callr() { call "$@"; cat "$WORK/body" "$HDRS" >> "$SEEN"; }
ctl() { "$LABELCTL" --data-dir "$DATA" "$@" 2>&1 | tee -a "$SEEN"; }

# verifies FILE-WITH-DID-DOCUMENT < SIGNED: di_verify's verdict line.
verifies() { "$DI_VERIFY" "$1" 2>&1 || true; }

start_labeld
DID="did:web:127.0.0.1%3A$PORT"

# ------------------------------------------------------------ first key
check_eq "$(stat -c %a "$DATA/keys")" 700 "keys dir mode"
KEYFILES=$(ls "$DATA/keys" | grep -v '^log-')
LOGKEY=$(ls "$DATA/keys" | grep '^log-key-[0-9a-f]\{8\}\.key$')
check_eq "$(stat -c %a "$DATA/keys/$LOGKEY")" 600 "the log key made on first start, mode 0600"
check_eq "$(wc -l <<<"$KEYFILES")" 2 "the active and the committed next key made on first start"
KID1=$(sed -n 's/.*created signing key \(key-[0-9a-f]*\) .*/\1/p' "$LOG")
check_eq "$(stat -c %a "$DATA/keys/$KID1.key")" 600 "key file mode"
check_eq "$(grep -c "created signing key $KID1" "$LOG")" 1 "the log names the key id"

# ----------------------------------------------------------- DID document
callr GET /.well-known/did.json; expect 200 "did.json"
cp "$WORK/body" "$WORK/did1.json"
check_eq "$(jget '."@context" | join(" ")')" \
    "https://www.w3.org/ns/did/v1 https://w3id.org/security/multikey/v1" "did.json @context"
check_eq "$(jget .id)" "$DID" "did:web of the public URL"
check_eq "$(jget '.verificationMethod | length')" 1 "one key"
check_eq "$(jget '.verificationMethod[0].id')" "$DID#$KID1" "key id"
check_eq "$(jget '.verificationMethod[0].type')" Multikey "Multikey"
check_eq "$(jget '.verificationMethod[0].controller')" "$DID" "controller is the DID"
check_eq "$(jget '.verificationMethod[0].publicKeyMultibase | startswith("z6Mk")')" true "z6Mk key"
check_eq "$(jget '.assertionMethod | join(" ")')" "$DID#$KID1" "assertionMethod"
check_eq "$(grep -i '^content-type:' "$HDRS" | tr -d '\r' | cut -d' ' -f2-)" \
    "application/did+json" "did.json media type"
call POST /.well-known/did.json "" '{}'; expect_problem 405 "did.json is read-only"

# ----------------------------------------------------------- trust bundle
callr GET /v1/trust-bundle; expect 200 "trust bundle"
cp "$WORK/body" "$WORK/tb1.json"
check_eq "$(jget .type)" LabeldTrustBundle "bundle type"
check_eq "$(jget .id)" "$BASE/v1/trust-bundle" "bundle id"
check_eq "$(jget .issuer.id)/$(jget .issuer.country)/$(jget .issuer.url)" "$DID/SG/$BASE" "bundle issuer"
check_eq "$(jq -cS . "$WORK/did1.json")" "$(jq -cS .didDocument <<<"$BODY")" "bundle embeds the DID document"
check_eq "$(jget '.keys[0].id')/$(jget '.keys[0].status')/$(jget '.keys[0].validUntil')/$(jget '.keys[0].compromisedAt')" \
    "$DID#$KID1/active/null/null" "bundle key record"
check_eq "$(jget '.statusLists | join(" ")')" \
    "$BASE/v1/status-lists/revocation-1 $BASE/v1/status-lists/suspension-1" "bundle status lists"
check_eq "$(jget '[.schemes[].id] | index("sg-cls-iot") != null')" true "bundle lists the schemes"
check_eq "$(jget .log.origin)" "127.0.0.1:$PORT/labeld" "bundle log origin: host of public_url + /labeld"
check_eq "$(jget '.log.vkey | test("^127\\.0\\.0\\.1:[0-9]+/labeld\\+[0-9a-f]{8}\\+A[Q-Za-f][A-Za-z0-9+/]{42}$")')" true "bundle log vkey: name+hex(keyid)+base64(0x01||pk)"
check_eq "$(jget .proof.verificationMethod)" "$DID#$KID1" "bundle signed by the active key"
check_eq "$(verifies "$WORK/did1.json" < "$WORK/tb1.json")" "ok $KID1" "bundle proof verifies"
jq -c '.issuer.country = "FI"' "$WORK/tb1.json" > "$WORK/tb1-bad.json"
check_eq "$(verifies "$WORK/did1.json" < "$WORK/tb1-bad.json" | grep -c 'does not verify')" 1 "an altered bundle fails"

# ------------------------------------------------------------ status lists
# decoded_size: bytes of the bitstring inside an encodedList.
decoded_size() {
	local b=${1#u}
	b=$(tr -- '-_' '+/' <<<"$b")
	while [ $(( ${#b} % 4 )) -ne 0 ]; do b="$b="; done
	base64 -d <<<"$b" | gunzip | wc -c
}
for LIST in revocation suspension; do
	callr GET "/v1/status-lists/$LIST-1"; expect 200 "$LIST list"
	check_eq "$(grep -i '^content-type:' "$HDRS" | tr -d '\r' | cut -d' ' -f2-)" application/vc "$LIST list media type"
	cp "$WORK/body" "$WORK/$LIST-1.json"
	check_eq "$(jget .id)" "$BASE/v1/status-lists/$LIST-1" "$LIST list id"
	check_eq "$(jget '.type | join(",")')" "VerifiableCredential,BitstringStatusListCredential" "$LIST list type"
	check_eq "$(jget .issuer)" "$DID" "$LIST list issuer is the DID"
	check_eq "$(jget .credentialSubject.type)" BitstringStatusList "$LIST subject type (a plain string)"
	check_eq "$(jget .credentialSubject.statusPurpose)" "$LIST" "$LIST purpose"
	check_eq "$(jget .credentialSubject.id)" "$BASE/v1/status-lists/$LIST-1#list" "$LIST subject id"
	check_eq "$(jget '(.validUntil | fromdate) - (.validFrom | fromdate)')" 604800 "$LIST list valid 7 days (status_list_validity)"
	SIZE=$(decoded_size "$(jget .credentialSubject.encodedList)")
	check_eq "$([ "$SIZE" -ge 16384 ] && echo big)" big "$LIST list decodes to >= 16 KB ($SIZE)"
	check_eq "$(verifies "$WORK/did1.json" < "$WORK/$LIST-1.json")" "ok $KID1" "$LIST list proof verifies"
	callr GET "/v1/status-lists/$LIST-1"
	check_eq "$BODY" "$(cat "$WORK/$LIST-1.json")" "$LIST list served from the cache"
done
callr GET /v1/status-lists/revocation-2; expect_problem 404 "unknown status list" revocation-2

# ------------------------------------------------- label routes without a label
callr GET /v1/labels/SG-CLS-2026-999999; expect_problem 404 "unknown label" SG-CLS-2026-999999
callr GET /v1/labels/SG-CLS-2026-999999/status; expect_problem 404 "status of an unknown label"
callr GET /v1/labels/SG-CLS-2026-999999/events; expect_problem 404 "history of an unknown label" SG-CLS-2026-999999
make_org "Acme Devices" vendor vendor; VENDOR_ORG=$ORG_ID; VENDOR=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; AUTH_ORG=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH_ORG/tokens" "$ADMIN" '{"role":"regulator"}'
expect 201 "regulator token"; REG=$(jget .token)
for ACTION in suspend revoke reinstate; do
	callr POST "/v1/labels/SG-CLS-2026-999999/$ACTION" "" '{"reason":"x"}'
	expect_problem 401 "$ACTION without a token"
	callr POST "/v1/labels/SG-CLS-2026-999999/$ACTION" "$VENDOR" '{"reason":"x"}'
	expect_problem 403 "a vendor may not $ACTION"
	callr POST "/v1/labels/SG-CLS-2026-999999/$ACTION" "$ADMIN" '{"reason":"x"}'
	expect_problem 403 "an admin may not $ACTION"
	callr POST "/v1/labels/SG-CLS-2026-999999/$ACTION" "$REG" '{}'
	expect_problem 422 "$ACTION without a reason" reason
	callr POST "/v1/labels/SG-CLS-2026-999999/$ACTION" "$REG" '{"reason":""}'
	expect_problem 422 "$ACTION with an empty reason" reason
	callr POST "/v1/labels/SG-CLS-2026-999999/$ACTION" "$REG" "{\"reason\":\"$(head -c 4001 /dev/zero | tr '\0' r)\"}"
	expect_problem 422 "$ACTION with a reason over 4000 bytes" reason
	callr POST "/v1/labels/SG-CLS-2026-999999/$ACTION" "$REG" '{"reason":"x"}'
	expect_problem 404 "$ACTION an unknown label" SG-CLS-2026-999999
done
callr POST /v1/labels/SG-CLS-2026-999999/suspend "$REG" 'not json'
expect_problem 400 "malformed body"

# -------------------------------------- a label, when approval issues one
# A Level 2 submission (self-declared) of a fresh product, approved.
issue_one() {
	local p sub e items et
	call POST /v1/products "$VENDOR" '{"name":"Hub","model":"H-2","category":"hub","support_until":"2030-06-30","vulnerability_contact":"https://example.com/security"}'
	[ "$STATUS" = 201 ] || return 1; p=$(jget .id)
	call POST "/v1/products/$p/versions" "$VENDOR" '{"version":"2.1"}'
	[ "$STATUS" = 201 ] || return 1
	call POST /v1/submissions "$VENDOR" "{\"product_id\":\"$p\",\"product_version\":\"2.1\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
	[ "$STATUS" = 201 ] || return 1; sub=$(jget .id)
	call GET /v1/schemes/sg-cls-iot
	local doc=$BODY
	upload_kinds "$sub" "$VENDOR" "$doc"
	items=$(jq -c --argjson ev "$KIND_EVIDENCE" '[.requirements[] | select(.mode == "self_declaration") |
	    {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$doc")
	call GET "/v1/submissions/$sub" "$VENDOR"
	et=$(grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
	call PUT "/v1/submissions/$sub/declarations" "$VENDOR" "{\"items\":$items}" -H "If-Match: $et"
	[ "$STATUS" = 200 ] || return 1
	call POST "/v1/submissions/$sub/submit" "$VENDOR"
	[ "$STATUS" = 200 ] || return 1
	call POST "/v1/submissions/$sub/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
	[ "$STATUS" = 200 ] || return 1
	LABEL=$(jget .label_id)
	[ -n "$LABEL" ] && [ "$LABEL" != null ]
}
LABEL=
if issue_one && callr GET "/v1/labels/$LABEL" && [ "$STATUS" = 200 ]; then
	cp "$WORK/body" "$WORK/label.json"
	check_eq "$(grep -i '^content-type:' "$HDRS" | tr -d '\r' | cut -d' ' -f2-)" application/vc "label media type"
	check_eq "$(jq -r .credentialSubject.labelId "$WORK/label.json")" "$LABEL" "the label names itself"
	check_eq "$(verifies "$WORK/did1.json" < "$WORK/label.json")" "ok $KID1" "label proof verifies"
	callr GET "/v1/labels/$LABEL"
	check_eq "$BODY" "$(cat "$WORK/label.json")" "the same bytes every time"
	callr GET "/v1/labels/$LABEL/status"; expect 200 "status"
	check_eq "$(jget .label_id)/$(jget .status)/$(jget .reason)" "$LABEL/active/null" "active"
	SUS_IDX=$(jq -r '.credentialStatus[] | select(.statusPurpose == "suspension") | .statusListIndex' "$WORK/label.json")
	REV_IDX=$(jq -r '.credentialStatus[] | select(.statusPurpose == "revocation") | .statusListIndex' "$WORK/label.json")
	# bit LIST INDEX: the bit in the signed list served now.
	bit() {
		local b byte
		call GET "/v1/status-lists/$1-1"
		b=$(jget .credentialSubject.encodedList); b=$(tr -- '-_' '+/' <<<"${b#u}")
		while [ $(( ${#b} % 4 )) -ne 0 ]; do b="$b="; done
		byte=$(base64 -d <<<"$b" | gunzip | od -An -tu1 -j $(( $2 / 8 )) -N1 | tr -d ' ')
		echo $(( (byte >> (7 - $2 % 8)) & 1 ))
	}
	callr POST "/v1/labels/$LABEL/reinstate" "$REG" '{"reason":"nothing to reinstate"}'
	expect_problem 409 "reinstate an active label" active
	callr POST "/v1/labels/$LABEL/suspend" "$REG" '{"reason":"default password reported"}'
	expect 200 "suspend"
	check_eq "$(jget .status)/$(jget .reason)" "suspended/default password reported" "suspended with its reason"
	check_eq "$(bit suspension "$SUS_IDX")/$(bit revocation "$REV_IDX")" 1/0 "suspension bit set"
	callr POST "/v1/labels/$LABEL/suspend" "$REG" '{"reason":"again"}'
	expect_problem 409 "suspend twice" suspended
	callr POST "/v1/labels/$LABEL/reinstate" "$REG" '{"reason":"fixed in 2.2"}'
	expect 200 "reinstate"
	check_eq "$(jget .status)" active "active again"
	check_eq "$(bit suspension "$SUS_IDX")" 0 "suspension bit cleared"
	callr POST "/v1/labels/$LABEL/revoke" "$REG" '{"reason":"support withdrawn"}'
	expect 200 "revoke"
	check_eq "$(bit revocation "$REV_IDX")" 1 "revocation bit set"
	for ACTION in suspend reinstate revoke; do
		callr POST "/v1/labels/$LABEL/$ACTION" "$REG" '{"reason":"late"}'
		expect_problem 409 "$ACTION after revocation" final
	done
	callr GET "/v1/labels/$LABEL/status"
	check_eq "$(jget .status)/$(jget .reason)" "revoked/support withdrawn" "revoked for good"
	callr GET "/v1/labels/$LABEL"
	check_eq "$BODY" "$(cat "$WORK/label.json")" "status changes never touch the issued bytes"

	# -------------------------------------- the status history, public
	callr GET "/v1/labels/$(tr 'A-Z' 'a-z' <<<"$LABEL")/events"; expect 200 "the history, without a token, id in lower case"
	check_eq "$(jget '[.items[] | "\(.action):\(.from_status)>\(.to_status):\(.reason)"] | join(",")')" \
	    "issued:null>active:null,suspended:active>suspended:default password reported,reinstated:suspended>active:fixed in 2.2,revoked:active>revoked:support withdrawn" \
	    "every status change with its reason, oldest first"
	check_eq "$(jget '[.items[] | keys | join(" ")] | unique | join(",")')" "action at from_status reason to_status" "only what and why, never who"
	check_eq "$(jget '[.items[].at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")] | all')" true "times are RFC 3339 UTC"

	# ---------------------------------- the vendor withdraws its own label
	make_org "Other Devices" vendor vendor; OTHER=$TOKEN
	LABEL1=$LABEL
	callr POST "/v1/labels/$LABEL1/withdraw" "$VENDOR"
	expect_problem 409 "a revoked label is not withdrawn" final
	if issue_one; then
		LABEL2=$LABEL
		callr GET "/v1/labels/$LABEL2"; cp "$WORK/body" "$WORK/label2.json"
		REV2=$(jq -r '.credentialStatus[] | select(.statusPurpose == "revocation") | .statusListIndex' "$WORK/label2.json")
		callr POST "/v1/labels/$LABEL2/withdraw" "$OTHER" '{"reason":"not mine"}'
		expect_problem 404 "another vendor cannot withdraw it" "$LABEL2"
		callr POST "/v1/labels/$LABEL2/withdraw" "$REG" '{"reason":"x"}'
		expect_problem 403 "a regulator revokes, it does not withdraw"
		callr POST "/v1/labels/$LABEL2/withdraw" "" '{"reason":"x"}'
		expect_problem 401 "withdraw without a token"
		callr POST "/v1/labels/$LABEL2/withdraw" "$VENDOR" "{\"reason\":\"$(head -c 3980 /dev/zero | tr '\0' r)\"}"
		expect_problem 422 "a withdrawal's text over 3979 bytes" reason
		callr POST "/v1/labels/$LABEL2/withdraw" "$VENDOR" '{"reason":7}'
		expect_problem 422 "a reason that is no text" reason
		callr POST "/v1/labels/$LABEL2/withdraw" "$VENDOR" 'not json'
		expect_problem 400 "a malformed body"
		callr POST /v1/labels/SG-CLS-2026-999999/withdraw "$VENDOR"
		expect_problem 404 "withdraw an unknown label" SG-CLS-2026-999999
		callr GET "/v1/labels/$LABEL2/status"
		check_eq "$(jget .status)/$(bit revocation "$REV2")" "active/0" "refusals changed nothing"
		callr POST "/v1/labels/$LABEL2/withdraw" "$VENDOR" '{"reason":"product discontinued"}'
		expect 200 "the vendor withdraws its label"
		check_eq "$(jget .status)/$(jget .reason)" "revoked/withdrawn_by_vendor: product discontinued" "revoked, the reason says withdrawn by the vendor"
		check_eq "$(bit revocation "$REV2")" 1 "the revocation list follows"
		callr GET "/v1/labels/$LABEL2/proof"; TS=$(jget .tree_size)
		callr GET "/v1/log/entries?start=0&end=$TS"
		check_eq "$(jget '.entries[].leaf' | while read -r l; do base64 -d <<<"$l"; echo; done | jq -r --arg l "$LABEL2" 'select(.label_id == $l and .kind == "revoke") | .reason')" \
		    "withdrawn_by_vendor: product discontinued" "the transparency log records the withdrawal as a revocation"
		callr POST "/v1/labels/$LABEL2/withdraw" "$VENDOR"
		expect_problem 409 "withdrawn twice" final
		callr GET "/v1/labels/$LABEL2/events"; expect 200 "the withdrawn label's history"
		check_eq "$(jget '[.items[] | "\(.action):\(.from_status)>\(.to_status):\(.reason)"] | join(",")')" \
		    "issued:null>active:null,revoked:active>revoked:withdrawn_by_vendor: product discontinued" "the withdrawal in the history, refusals not"
		callr POST "/v1/labels/$LABEL2/reinstate" "$REG" '{"reason":"undo"}'
		expect_problem 409 "a withdrawal is a revocation: final" final
	else
		fail "approval issued no second label"
	fi
	if issue_one; then
		LABEL3=$LABEL
		callr POST "/v1/labels/$(tr 'A-Z' 'a-z' <<<"$LABEL3")/withdraw" "$VENDOR"
		expect 200 "withdrawn without a reason, id in lower case"
		check_eq "$(jget .label_id)/$(jget .status)/$(jget .reason)" "$LABEL3/revoked/withdrawn_by_vendor" "the reason alone"
	else
		fail "approval issued no third label"
	fi
else
	fail "approval issued no label${LABEL:+ ($LABEL answers $STATUS)}"
fi

# ------------------------------------------- rotation while labeld runs
ROT=$(ctl key rotate); echo "$ROT"
KID2=$(sed -n 's/^key \(key-[0-9a-f]*\) is active.*/\1/p' <<<"$ROT")
check_eq "$(grep -c "^key $KID1 retired at" <<<"$ROT")" 1 "labelctl retires the old key"
check_eq "$(stat -c %a "$DATA/keys/$KID2.key")" 600 "new key file mode"
callr GET /.well-known/did.json; cp "$WORK/body" "$WORK/did2.json"
check_eq "$(jget '[.verificationMethod[].id] | join(" ")')" "$DID#$KID1 $DID#$KID2" "did.json lists both keys"
check_eq "$(jget '.assertionMethod | length')" 2 "both keys under assertionMethod"
callr GET /v1/trust-bundle; cp "$WORK/body" "$WORK/tb2.json"
check_eq "$(jget '.keys[0].status')/$(jget '.keys[0].validUntil | type')" "retired/string" "retired key keeps a validUntil"
check_eq "$(jget '.keys[1].status')/$(jget '.keys[1].validUntil')" "active/null" "new key active"
check_eq "$(verifies "$WORK/did2.json" < "$WORK/tb2.json")" "ok $KID2" "the bundle is signed by the new key at once"
check_eq "$(verifies "$WORK/did2.json" < "$WORK/revocation-1.json")" "ok $KID1" "an old list still verifies with the old key"
check_eq "$(ctl key list | sed 1d | grep -v '^next ' | cut -f1,2 | tr '\t\n' ': ')" "$KID1:retired $KID2:active " "labelctl key list"
check_eq "$(ctl key list | head -n 1 | cut -f1,2)" "KID	STATUS" "labelctl key list: a header"
NEXT_LINE=$(ctl key list | grep '^next ')
check_eq "$(grep -c "sha256 of its public key: $(sed -n 's/.*digest \([0-9a-f]*\)$/\1/p' <<<"$ROT")\$" <<<"$NEXT_LINE")" 1 "labelctl key list: the next key's digest on a line of its own"
check_eq "$(ctl key export "$KID2" | jq -r .publicKeyMultibase)" "$(jq -r '.verificationMethod[1].publicKeyMultibase' "$WORK/did2.json")" "labelctl key export KID"
check_eq "$(ctl key export | jq -r '.verificationMethod | length')" 2 "labelctl key export: DID document"
ctl key generate > /dev/null || true
check_eq "$(ls "$DATA/keys" | grep -vc '^log-')" 3 "key generate refuses while a key is active"
RC=0; "$LABELCTL" --data-dir "$DATA" key compromise >/dev/null 2>&1 || RC=$?
check_eq "$RC" 2 "compromise without KID: usage"

# ------------------------------------------------------- compromise
ctl key compromise "$KID1" --since 2026-01-01T08:00:00+08:00 > /dev/null
callr GET /v1/trust-bundle
check_eq "$(jget '.keys[0].status')/$(jget '.keys[0].compromisedAt')" "compromised/2026-01-01T00:00:00Z" "compromise shows in the bundle (UTC)"
check_eq "$(jget '[.didDocument.verificationMethod[].id] | length')" 2 "a compromised key stays in the DID document"

# ------------------------------------------------------------ sealed key
printf 'correct horse battery staple\n' > "$WORK/pass"; chmod 600 "$WORK/pass"
# the first rotation seals the next key, the second promotes it
ctl key rotate --passphrase-file "$WORK/pass" > "$WORK/rot3a"
KID2B=$(sed -n 's/^key \(key-[0-9a-f]*\) is active (unsealed.*/\1/p' "$WORK/rot3a")
check_eq "$(grep -c '^next key key-[0-9a-f]* committed (sealed' "$WORK/rot3a")" 1 "rotate --passphrase-file seals the next key"
ctl key rotate --passphrase-file "$WORK/pass" > "$WORK/rot3"
KID3=$(sed -n 's/^key \(key-[0-9a-f]*\) is active (sealed.*/\1/p' "$WORK/rot3")
check_eq "$(grep -c '^seal: argon2id13' "$DATA/keys/$KID3.key")" 1 "the new key file is sealed"
callr GET /v1/trust-bundle; expect_problem 503 "a sealed key without its passphrase cannot sign" sealed
stop_labeld
LABELD_KEY_PASSPHRASE='correct horse battery staple' start_labeld
callr GET /v1/trust-bundle; expect 200 "passphrase from the environment"
check_eq "$(jget .proof.verificationMethod)" "$DID#$KID3" "signed by the sealed key"
callr GET /.well-known/did.json; cp "$WORK/body" "$WORK/did3.json"
stop_labeld
printf 'key_passphrase_file = %s\n' "$WORK/pass" > "$WORK/labeld.conf"
start_labeld --config "$WORK/labeld.conf"
callr GET /v1/trust-bundle; expect 200 "passphrase from key_passphrase_file"
cp "$WORK/body" "$WORK/tb3.json"
check_eq "$(verifies "$WORK/did3.json" < "$WORK/tb3.json")" "ok $KID3" "bundle signed by the sealed key verifies"
callr GET /v1/status-lists/suspension-1; expect 200 "lists still served"
stop_labeld

# ------------------------------------------------- no key material leaks
check_eq "$(stat -c %a "$DATA/keys/$KID1.key")/$(stat -c %a "$DATA/keys/$KID2.key")/$(stat -c %a "$DATA/keys/$KID3.key")" \
    600/600/600 "every key file stays 0600"
# The unsealed keys' secrets in every encoding a leak could take.
secrets() {
	local f seed
	for f in "$DATA/keys/$KID1.key" "$DATA/keys/$KID2.key" "$DATA/keys/$KID2B.key"; do
		seed=$(sed -n 's/^seed: //p' "$f")
		echo "$seed"
		tr a-f A-F <<<"$seed"
		xxd -r -p <<<"$seed" | base64 -w0; echo
		xxd -r -p <<<"$seed" | base64 -w0 | tr '+/' '-_' | tr -d '='; echo
		if command -v python3 >/dev/null; then
			python3 -c '
import sys
a = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
b = bytes([0x80, 0x26]) + bytes.fromhex(sys.argv[1])
n = int.from_bytes(b, "big"); s = ""
while n: n, r = divmod(n, 58); s = a[r] + s
print("z" + s)' "$seed"
		fi
	done
	echo "correct horse battery staple"
}
command -v xxd >/dev/null || xxd() { python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))'; }
NSECRETS=0
while read -r S; do
	[ -n "$S" ] || continue
	NSECRETS=$((NSECRETS + 1))
	# Base64 forms may wrap or be cut: match a 24-character middle part.
	PART=${S:4:24}
	if grep -qF -- "$PART" "$LOG" "$SEEN"; then
		fail "key material ($PART...) found in the log or a response"
	else ok; fi
done < <(secrets)
check_eq "$([ "$NSECRETS" -ge 9 ] && echo yes)" yes "secrets scanned ($NSECRETS forms)"
check_eq "$(grep -ciE 'seed|passphrase: ' "$LOG" | tr -d ' ')" 0 "the log mentions no seed or passphrase value"

finish
