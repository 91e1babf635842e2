#!/usr/bin/env bash
# interop.sh: the independent Node verifier (tests/interop/verify.mjs, on
# the Digital Bazaar libraries) against labeld's formats, beside
# labelverify:
#  - offline, on a fixture authority made here (trust bundle, DID
#    document, status lists, label, all signed by tests/sign_fixture):
#    clear bits pass; a set suspension or revocation bit fails (read by
#    verify.mjs itself: the library's checkStatus passes a set bit, which
#    is asserted too, so a library upgrade that changes it is noticed);
#    tampering, a foreign authority's key and expiry fail;
#  - online, against the running labeld (DID document, status lists and
#    trust bundle fetched from it): a credential signed with its key passes,
#    a tampered one fails.
# Exit 77 (skip) only when node or the pinned npm packages are missing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verify_lib.sh"

verify_prepare
if [ "$INTEROP_OK" != 1 ]; then
	echo "*** SKIP interop: $INTEROP_WHY ***"
	exit 77
fi

# node verify.mjs ARGS...: NODE_RC and NODE_OUT, without --base.
node_offline() {
	NODE_RC=0
	NODE_OUT=$(cd "$INTEROP_DIR" && node verify.mjs "$@" 2>"$WORK/node.err") || NODE_RC=$?
}

# lv ARGS...: LV_RC of labelverify.
lv() {
	LV_RC=0
	"$LABELVERIFY" "$@" >"$WORK/lv.out" 2>&1 || LV_RC=$?
}

# --- a fixture authority ---
FX=$WORK/fx
mkdir -p "$FX"
SEED_A=$(printf '5a%.0s' $(seq 32))
SEED_B=$(printf 'b7%.0s' $(seq 32))
DID_A=did:web:fixture.example
DID_B=did:web:elsewhere.example
U=https://fixture.example
VM_A="$DID_A#$("$SIGN_FIXTURE" keyid "$SEED_A")"
VM_B="$DID_B#$("$SIGN_FIXTURE" keyid "$SEED_B")"
MB_A=$("$SIGN_FIXTURE" pubkey "$SEED_A")
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
FROM=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
UNTIL=$(date -u -d '+2 years' +%Y-%m-%dT%H:%M:%SZ)

jq -n --arg did "$DID_A" --arg vm "$VM_A" --arg mb "$MB_A" '{
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
  id: $did,
  verificationMethod: [{id: $vm, type: "Multikey", controller: $did, publicKeyMultibase: $mb}],
  assertionMethod: [$vm]}' >"$FX/did.json"
jq -n --arg did "$DID_A" --arg vm "$VM_A" --arg mb "$MB_A" --arg u "$U" \
    --arg from "$FROM" --arg until "$UNTIL" --argjson doc "$(cat "$FX/did.json")" '{
  type: "LabeldTrustBundle", id: ($u + "/v1/trust-bundle"),
  issuer: {id: $did, name: "Fixture authority", country: "SG", url: $u},
  didDocument: $doc,
  keys: [{id: $vm, publicKeyMultibase: $mb, validFrom: $from, validUntil: null,
          compromisedAt: null, status: "active"}],
  schemes: [], statusLists: [($u + "/v1/status-lists/revocation-1"),
  ($u + "/v1/status-lists/suspension-1")], log: null, issued: $from,
  version: 1, expires: $until, nextKeyDigest: null}' |
    "$SIGN_FIXTURE" sign "$SEED_A" "$VM_A" "$NOW" >"$FX/bundle.json"

# make_list PURPOSE OUT [INDEX]: a signed status list, INDEX set.
make_list() {
	jq -n --arg did "$DID_A" --arg p "$1" --arg u "$U" --arg from "$FROM" \
	    --arg until "$UNTIL" --arg enc "$("$SIGN_FIXTURE" encoded-list 131072 ${3:-})" '{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  id: ($u + "/v1/status-lists/" + $p + "-1"),
	  type: ["VerifiableCredential", "BitstringStatusListCredential"],
	  issuer: $did, validFrom: $from, validUntil: $until,
	  credentialSubject: {id: ($u + "/v1/status-lists/" + $p + "-1#list"),
	    type: "BitstringStatusList", statusPurpose: $p, encodedList: $enc}}' |
	    "$SIGN_FIXTURE" sign "$SEED_A" "$VM_A" "$NOW" >"$2"
}
make_list revocation "$FX/rev-clear.json"
make_list suspension "$FX/sus-clear.json"
make_list revocation "$FX/rev-set.json" 4242
make_list suspension "$FX/sus-set.json" 77

# make_label SEED VM ISSUER OUT: a label of the shape labeld issues.
make_label() {
	jq -n --arg did "$3" --arg u "$U" --arg from "$FROM" --arg until "$UNTIL" '{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  id: ($u + "/v1/labels/SG-CLS-2026-000042"),
	  type: ["VerifiableCredential", "DigitalConformityCredential", "CybersecurityLabelCredential"],
	  issuer: {id: $did, name: "Fixture authority"},
	  validFrom: $from, validUntil: $until,
	  credentialSubject: {id: ($u + "/v1/labels/SG-CLS-2026-000042#subject"),
	    type: ["ConformityAttestation"], labelId: "SG-CLS-2026-000042",
	    assessorLevel: "3rdParty", assessmentLevel: "GovtApproval",
	    attestationType: "certification",
	    issuedToParty: {id: "org_1", name: "Acme Devices", country: "SG"},
	    scope: {scheme: "sg-cls-iot", schemeVersion: 1, title: "CLS(IoT)"},
	    tier: 3, tierName: "Level 3",
	    product: {id: "prd_1", name: "Acme Cam", model: "AC-1", category: "camera"},
	    firmwareVersions: ["1.0.0"], supportUntil: "2029-12-31",
	    requirementsMet: ["5.1-1", "5.1-2"],
	    labReports: [{tier: 3, sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}],
	    sbom: {sha256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", components: 12},
	    assessment: [{referenceStandard: "ETSI EN 303 645", conformance: true}]},
	  credentialStatus: [
	    {id: ($u + "/v1/status-lists/revocation-1#4242"), type: "BitstringStatusListEntry",
	     statusPurpose: "revocation", statusListIndex: "4242",
	     statusListCredential: ($u + "/v1/status-lists/revocation-1")},
	    {id: ($u + "/v1/status-lists/suspension-1#77"), type: "BitstringStatusListEntry",
	     statusPurpose: "suspension", statusListIndex: "77",
	     statusListCredential: ($u + "/v1/status-lists/suspension-1")}]}' |
	    "$SIGN_FIXTURE" sign "$1" "$2" "$NOW" >"$4"
}
make_label "$SEED_A" "$VM_A" "$DID_A" "$FX/label.json"

# both FILE REV SUS WANT DESCRIPTION [labelverify args]: the two verifiers
# agree on FILE with the given lists.
both() {
	local file=$1 rev=$2 sus=$3 want=$4 what=$5
	shift 5
	node_offline --credential "$file" --did-document "$FX/did.json" \
	    --status-list "$rev" --status-list "$sus" --trust-bundle "$FX/bundle.json" \
	    --expect "$want" "$@"
	if [ "$NODE_RC" = 0 ]; then ok; else
		FAILS=$((FAILS + 1)); echo "FAIL: $what: Node verdict is not $want (exit $NODE_RC)"
		echo "$NODE_OUT"; cat "$WORK/node.err"; fi
	lv --trust-bundle "$FX/bundle.json" --status-list "$rev" --status-list "$sus" "$@" "$file"
	if [ "$LV_RC" = "$([ "$want" = valid ] && echo 0 || echo 1)" ]; then ok; else
		FAILS=$((FAILS + 1)); echo "FAIL: $what: labelverify exit $LV_RC, want $want"
		cat "$WORK/lv.out"; fi
}

both "$FX/label.json" "$FX/rev-clear.json" "$FX/sus-clear.json" valid "clear bits"
check_eq "$(jq -c '[.status[].set]' <<<"$NODE_OUT")" "[false,false]" "Node read both bits"

both "$FX/label.json" "$FX/rev-clear.json" "$FX/sus-set.json" invalid "suspended"
check_eq "$(jq -c '[.library.verified, .status[1].set]' <<<"$NODE_OUT")" "[true,true]" \
    "the library's checkStatus passes a set bit (verify.mjs reads it itself)"
grep -q "status FAILED (suspended): suspended: suspension bit 77 is set" "$WORK/lv.out" && ok ||
    fail "labelverify names the suspension bit"

both "$FX/label.json" "$FX/rev-set.json" "$FX/sus-clear.json" invalid "revoked"
grep -q "status FAILED (revoked): revoked: revocation bit 4242 is set" "$WORK/lv.out" && ok ||
    fail "labelverify names the revocation bit"

both "$FX/label.json" "$FX/rev-clear.json" "$FX/sus-clear.json" invalid "expired" --at 2099-01-01
grep -q "validity FAILED (expired): expired: validUntil $UNTIL is before 2099-01-01T00:00:00Z" "$WORK/lv.out" && ok ||
    fail "labelverify names the expiry"

verify_flip "$FX/label.json" content "$FX/t-content.json"
both "$FX/t-content.json" "$FX/rev-clear.json" "$FX/sus-clear.json" invalid "label id changed"
verify_flip "$FX/label.json" proof "$FX/t-proof.json"
both "$FX/t-proof.json" "$FX/rev-clear.json" "$FX/sus-clear.json" invalid "proofValue changed"
jq -c '.credentialSubject.tier = 4' "$FX/label.json" >"$FX/t-tier.json"
both "$FX/t-tier.json" "$FX/rev-clear.json" "$FX/sus-clear.json" invalid "tier raised"

# another authority signs a label naming itself (unknown to both), and one
# naming A with its own key claimed as A's
make_label "$SEED_B" "$VM_B" "$DID_B" "$FX/other.json"
both "$FX/other.json" "$FX/rev-clear.json" "$FX/sus-clear.json" invalid "foreign authority"
make_label "$SEED_B" "$VM_A" "$DID_A" "$FX/forged.json"
both "$FX/forged.json" "$FX/rev-clear.json" "$FX/sus-clear.json" invalid "another key as A's"

# a status list altered after signing: the library refuses it
jq -c --arg l "$(jq -r .credentialSubject.encodedList "$FX/sus-set.json")" \
    '.credentialSubject.encodedList = $l' "$FX/sus-clear.json" >"$FX/sus-forged.json"
node_offline --credential "$FX/label.json" --did-document "$FX/did.json" \
    --status-list "$FX/rev-clear.json" --status-list "$FX/sus-forged.json" --expect invalid
check_eq "$NODE_RC" 0 "Node refuses a status list altered after signing"
check_eq "$(jq -r .library.verified <<<"$NODE_OUT")" false "the library itself refused it"

node_offline --expect valid
check_eq "$NODE_RC" 2 "verify.mjs without --credential: usage error"
node_offline --credential "$WORK/nope.json"
check_eq "$NODE_RC" 2 "verify.mjs with a missing file: error"

# --- against the running labeld ---
start_labeld
call GET /.well-known/did.json; expect 200 "DID document"
VM1=$(jget '.verificationMethod[0].id')
verify_sign_fixture "$WORK/d1.json" "$DATA/keys/${VM1#*#}.key" "$VM1" \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
verify_node "$WORK/d1.json" --expect valid
check_eq "$NODE_RC" 0 "Node verifies a credential signed with labeld's key"
check_eq "$(jq -c '[.library.verified, .key.checked, .key.ok, (.status | map(.set))]' <<<"$NODE_OUT")" \
    '[true,true,true,[false,false]]' "library, trust-bundle key and both bits"
verify_flip "$WORK/d1.json" content "$WORK/d1-t.json"
verify_node "$WORK/d1-t.json" --expect invalid
check_eq "$NODE_RC" 0 "Node rejects it tampered"

finish
