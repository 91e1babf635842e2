# verify_lib.sh: helpers to verify credentials three ways from an e2e test:
# labelverify (offline, against the trust bundle and status lists fetched
# from the running labeld), POST /v1/verify, and the independent Node
# verifier (tests/interop/verify.mjs, Digital Bazaar libraries).
#
# Source it after lib.sh, once labeld runs (start_labeld):
#
#   . "$(dirname "$0")/verify_lib.sh"
#   verify_prepare              # sets INTEROP_OK (1/0) and INTEROP_WHY
#   verify_fetch_trust          # again after every key or status change
#   verify_all_expect label.json valid "issued label"
#   verify_all_expect tampered.json invalid "tampered label" signature
#   verify_flip label.json content out.json   # or proof, or an offset
#
# Results are tallied with lib.sh's ok/fail.  Without node (or its npm
# packages) the Node part is left out, saying so once; a test that needs
# it exits 77 itself when INTEROP_OK=0.

LABELVERIFY="$top_builddir/labelverify"
SIGN_FIXTURE="$top_builddir/tests/sign_fixture"
INTEROP_SRC="$top_srcdir/tests/interop"
INTEROP_DIR=
INTEROP_OK=0
INTEROP_WHY=
INTEROP_SAID=0

# verify_prepare: finds node and the pinned npm packages.  Uses the source
# tree's tests/interop/node_modules when it is current (installed by
# jcs-compare.sh or by hand); otherwise installs into a private directory
# under $WORK with `npm ci` (offline from the npm cache first), so that it
# never races another test nor writes into a read-only source tree.
verify_prepare() {
	local major log
	[ -x "$LABELVERIFY" ] || { echo "FAIL: $LABELVERIFY is not built"; exit 1; }
	[ -x "$SIGN_FIXTURE" ] || { echo "FAIL: $SIGN_FIXTURE is not built"; exit 1; }
	if ! command -v node >/dev/null 2>&1; then
		INTEROP_WHY="node not found in PATH (apt-get install nodejs npm)"
		return 0
	fi
	major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || major=0
	if [ "$major" -lt 20 ] 2>/dev/null; then
		INTEROP_WHY="node $major is too old (need >= 20)"
		return 0
	fi
	if cmp -s "$INTEROP_SRC/node_modules/.labeld-lock-stamp" \
	    "$INTEROP_SRC/package-lock.json" 2>/dev/null; then
		INTEROP_DIR=$INTEROP_SRC
		INTEROP_OK=1
		return 0
	fi
	if ! command -v npm >/dev/null 2>&1; then
		INTEROP_WHY="npm not found in PATH and $INTEROP_SRC/node_modules is not installed"
		return 0
	fi
	INTEROP_DIR=$WORK/interop
	mkdir -p "$INTEROP_DIR"
	cp "$INTEROP_SRC/package.json" "$INTEROP_SRC/package-lock.json" \
	    "$INTEROP_SRC/verify.mjs" "$INTEROP_DIR/"
	chmod u+w "$INTEROP_DIR"/*
	log=$WORK/npm.log
	if (cd "$INTEROP_DIR" && npm ci --offline --no-audit --no-fund >"$log" 2>&1) ||
	   (cd "$INTEROP_DIR" && npm ci --no-audit --no-fund >"$log" 2>&1); then
		INTEROP_OK=1
	else
		tail -n 5 "$log"
		INTEROP_WHY="npm ci failed (no registry access and no npm cache?)"
	fi
}

# verify_fetch_trust: the trust bundle and both status lists of the
# running labeld into $WORK (trust-bundle.json, revocation-1.json,
# suspension-1.json), as a partner would fetch them.
verify_fetch_trust() {
	local l
	curl -sf "$BASE/v1/trust-bundle" -o "$WORK/trust-bundle.json" ||
	    { fail "GET /v1/trust-bundle"; return 1; }
	for l in revocation-1 suspension-1; do
		curl -sf "$BASE/v1/status-lists/$l" -o "$WORK/$l.json" ||
		    { fail "GET /v1/status-lists/$l"; return 1; }
	done
}

# verify_labelverify FILE [extra labelverify args]: LV_RC (exit status) and
# LV_OUT (its --json output) against the fetched trust and status lists.
verify_labelverify() {
	local file=$1
	shift
	LV_RC=0
	LV_OUT=$("$LABELVERIFY" --json --trust-bundle "$WORK/trust-bundle.json" \
	    --status-list "$WORK/revocation-1.json" \
	    --status-list "$WORK/suspension-1.json" "$@" "$file" 2>"$WORK/lv.err") ||
	    LV_RC=$?
}

# verify_api FILE [QUERY]: POST /v1/verify with the credential as the body;
# API_VERIFIED is "true"/"false" (or the HTTP status when not 200).
verify_api() {
	call POST "/v1/verify${2:+?$2}" "" "$(cat "$1")"
	if [ "$STATUS" = 200 ]; then API_VERIFIED=$(jget .verified); else API_VERIFIED="HTTP $STATUS"; fi
}

# verify_node FILE [extra verify.mjs args]: NODE_RC (0 valid, 1 invalid,
# 2 error) and NODE_OUT, fetching the DID document, status lists and trust
# bundle from $BASE.
verify_node() {
	local file=$1
	shift
	NODE_RC=0
	NODE_OUT=$(cd "$INTEROP_DIR" && node verify.mjs --base "$BASE" \
	    --credential "$file" "$@" 2>"$WORK/node.err") || NODE_RC=$?
}

# verify_all_expect FILE valid|invalid DESCRIPTION [CHECK]: the three
# verifiers agree on FILE; with CHECK, labelverify and the API name that
# check among the failed ones.  With NOT_ISSUED=1 (fixtures signed with the
# daemon's key but never issued), POST /v1/verify must refuse FILE with the
# registry check (not_issued_here) besides the offline verdict: for a
# valid one, registry is its only failed check.
NOT_ISSUED=0
verify_all_expect() {
	local file=$1 want=$2 what=$3 check=${4:-} lv_want api_want node_want failed
	case $want in
	valid) lv_want=0 api_want=true node_want=0 ;;
	invalid) lv_want=1 api_want=false node_want=1 ;;
	*) echo "verify_all_expect: want valid or invalid"; exit 1 ;;
	esac

	verify_labelverify "$file"
	if [ "$LV_RC" = "$lv_want" ]; then ok; else
		FAILS=$((FAILS + 1)); echo "FAIL: $what: labelverify exit $LV_RC, expected $lv_want"
		echo "$LV_OUT" | jq -c '.credentials[0].checks[] | select(.ok | not)' 2>/dev/null
		cat "$WORK/lv.err"
	fi
	if [ -n "$check" ]; then
		failed=$(jq -r '.credentials[0].checks[] | select(.ok | not) | .check' <<<"$LV_OUT" 2>/dev/null)
		if grep -qx "$check" <<<"$failed"; then ok; else
			FAILS=$((FAILS + 1)); echo "FAIL: $what: labelverify did not fail check $check (failed: $failed)"; fi
	fi

	verify_api "$file"
	if [ "$NOT_ISSUED" = 1 ]; then
		[ "$API_VERIFIED" = false ] && [ "$(jget '.checks[] | select(.check == "registry") | .code')" = not_issued_here ] &&
		    ok || fail "$what: POST /v1/verify of a credential never issued here: verified=$API_VERIFIED, registry $(jget '.checks[] | select(.check == "registry") | .code')"
		if [ "$want" = valid ]; then
			failed=$(jget '[.checks[] | select(.ok | not) | .check] | join(",")')
			check_eq "$failed" registry "$what: POST /v1/verify fails the registry check only"
		fi
	elif [ "$API_VERIFIED" = "$api_want" ]; then ok; else
		fail "$what: POST /v1/verify verified=$API_VERIFIED, expected $api_want"; fi
	if [ -n "$check" ]; then
		failed=$(jq -r '.checks[]? | select(.ok | not) | .check' <<<"$BODY" 2>/dev/null)
		if grep -qx "$check" <<<"$failed"; then ok; else
			fail "$what: POST /v1/verify did not fail check $check (failed: $failed)"; fi
	fi

	if [ "$INTEROP_OK" != 1 ]; then
		if [ "$INTEROP_SAID" = 0 ]; then
			echo "*** NOTE: Node verifier left out: $INTEROP_WHY ***"
			INTEROP_SAID=1
		fi
		return 0
	fi
	verify_node "$file" --expect "$want"
	if [ "$NODE_RC" = 0 ]; then ok; else
		FAILS=$((FAILS + 1)); echo "FAIL: $what: Node verifier exit $NODE_RC, expected the verdict $want"
		echo "$NODE_OUT" | jq -c '{verified, library, key, status}' 2>/dev/null
		cat "$WORK/node.err"
	fi
}

# verify_flip FILE WHAT OUT: OUT = FILE with one character changed.  WHAT:
# "content" (the middle character of credentialSubject.labelId, or else of
# the credential id), "proof" (the middle of proof.proofValue, kept
# base58), "issuer" (the middle of the issuer's DID), or a byte offset into
# FILE: a letter's case is swapped, a digit incremented, anything else
# becomes '_' (so pick offsets inside strings to keep the JSON well-formed).
verify_flip() {
	local LC_ALL=C
	local file=$1 what=$2 out=$3 text off c n prefix s
	text=$(cat "$file")
	case $what in
	content|proof|issuer)
		case $what in
		content) s=$(jq -r '.credentialSubject.labelId // .id' "$file") ;;
		proof) s=$(jq -r '.proof.proofValue' "$file") ;;
		issuer) s=$(jq -r '.issuer.id // .issuer' "$file") ;;
		esac
		# the offset of the value's middle character in the text
		prefix=${text%%"\"$s\""*}
		off=$((${#prefix} + 1 + ${#s} / 2))
		;;
	*) off=$what ;;
	esac
	c=${text:$off:1}
	case $c in
	[0-8]) n=$((c + 1)) ;;
	9) n=0 ;;
	[a-z]) n=$(tr a-z A-Z <<<"$c") ;;
	[A-Z]) n=$(tr A-Z a-z <<<"$c") ;;
	_) n=- ;;
	*) n=_ ;;
	esac
	# base58 has no 'l' (nor 'I', 'O', '0'): keep a proof flip in the alphabet
	[ "$what" = proof ] && case $n in l|I|O|0) n=2 ;; esac
	printf '%s%s%s\n' "${text:0:$off}" "$n" "${text:$((off + 1))}" >"$out"
}

# verify_sign_fixture OUT KEYFILE VM CREATED [LABEL_ID]: a label-shaped
# credential of this labeld's issuer DID, signed in-process with KEYFILE
# (a key file of the data dir) by tests/sign_fixture.  Its status entries
# point at this labeld's lists, indices 101 and 202: clear as long as no
# issued label holds them (indices are drawn at random among 131072).
verify_sign_fixture() {
	local out=$1 keyfile=$2 vm=$3 created=$4 id=${5:-FIXTURE-1} did until
	did=${vm%%#*}
	until=$(date -u -d '+1 year' +%Y-%m-%dT%H:%M:%SZ)
	jq -n --arg did "$did" --arg b "$BASE" --arg from "$created" \
	    --arg until "$until" --arg id "$id" '{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  id: ($b + "/v1/labels/" + $id),
	  type: ["VerifiableCredential", "DigitalConformityCredential",
	         "CybersecurityLabelCredential"],
	  issuer: {id: $did, name: "fixture"},
	  validFrom: $from, validUntil: $until,
	  credentialSubject: {id: ($b + "/v1/labels/" + $id + "#subject"),
	    type: ["ConformityAttestation"], labelId: $id, tier: 2,
	    tierName: "Level 2", scope: {scheme: "sg-cls-iot", schemeVersion: 1}},
	  credentialStatus: [
	    {id: ($b + "/v1/status-lists/revocation-1#101"),
	     type: "BitstringStatusListEntry", statusPurpose: "revocation",
	     statusListIndex: "101",
	     statusListCredential: ($b + "/v1/status-lists/revocation-1")},
	    {id: ($b + "/v1/status-lists/suspension-1#202"),
	     type: "BitstringStatusListEntry", statusPurpose: "suspension",
	     statusListIndex: "202",
	     statusListCredential: ($b + "/v1/status-lists/suspension-1")}]
	}' | "$SIGN_FIXTURE" sign "@$keyfile" "$vm" "$created" >"$out"
}
