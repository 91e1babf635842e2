#!/usr/bin/env bash
# witness.sh: partners witness each other's transparency logs (issue 12).
# SG and FI run side by side and pin each other's trust bundles.  FI
# cosigns SG's checkpoint with labelctl log cosign (its log key as a
# cosignature key, the one its bundle lists) and posts it to SG's POST
# /v1/log/cosignatures (no token: the cosignature is checked against the
# pinned partner's key); SG serves its checkpoint and label proofs with
# the cosignature; labelverify --witness --quorum 1 accepts the cosigned
# proof and refuses one without.  SG witnesses FI the same way.  A newer
# checkpoint needs its consistency proof; a forked checkpoint (signed with
# SG's stolen log key) is refused by the witness and recorded as an
# incident there, and a fooled witness's cosignature of it is recorded as
# a split view at SG (GET /v1/log/incidents, public).  Then labeld
# witnesses by itself: SG's partner refresh (POST /v1/partners/{id}/refresh
# and the refresh thread) fetches FI's checkpoint and consistency proof,
# cosigns and posts it back, no labelctl step; a forked FI checkpoint
# served to SG's refresh thread is recorded as an incident there, and
# counted by labeld_log_incidents in /metrics.
. "$(dirname "$0")/lib.sh"
LOG_CHECK="$top_builddir/tests/log_check"
LABELVERIFY="$top_builddir/labelverify"
[ -x "$LOG_CHECK" ] || { echo "FAIL: $LOG_CHECK not built"; exit 1; }

declare -A SAVED
save_as() { local v; for v in DATA LOG PID PORT BASE ADMIN TAILPID; do SAVED[$1.$v]=${!v-}; done; }
use() { local v; for v in DATA LOG PID PORT BASE ADMIN TAILPID; do printf -v "$v" '%s' "${SAVED[$1.$v]-}"; done; }
cleanup_all() {
	local a
	for a in SG FI; do
		if [ -n "${SAVED[$a.PID]-}" ]; then use "$a"; stop_labeld 2>/dev/null || true; fi
	done
	if [ -n "${STUBPID-}" ]; then kill "$STUBPID" 2>/dev/null || true; wait "$STUBPID" 2>/dev/null || true; fi
	if [ "$FAILS" -ne 0 ]; then
		for a in SG FI; do echo "--- $a log ---"; tail -n 20 "$WORK/$a.log" 2>/dev/null || true; done
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
ctl() { "$LABELCTL" --data-dir "$WORK/$1" "${@:2}"; }
# post_cosig FILE: POST /v1/log/cosignatures of the current daemon.
post_cosig() { call POST /v1/log/cosignatures "" "" -H 'Content-Type: text/plain' --data-binary "@$1"; }
# logcode ARGS...: "RC CODE" of labelverify's log check.
logcode() {
	local out rc
	out=$("$LABELVERIFY" --no-status --json "$@" 2>&1) && rc=0 || rc=$?
	echo "$rc $(jq -r '.credentials[0].checks[] | select(.check == "log") | .code' <<<"$out" 2>/dev/null || echo "$out")"
}

printf 'issuer_name = Finnish Transport and Communications Agency Traficom\ncountry = FI\n' > "$WORK/fi.conf"
start FI --config "$WORK/fi.conf"
start SG

# issue NAME: a Level 2 label on SG; sets LABEL (as log.sh).
issue() {
	local p sub e items et
	call POST /v1/products "$VENDOR" "{\"name\":\"$1\",\"model\":\"M-1\",\"category\":\"hub\",\"support_until\":\"2030-06-30\"}"
	expect 201 "$1: product"; p=$(jget .id)
	call POST "/v1/products/$p/versions" "$VENDOR" '{"version":"1.0"}'
	expect 201 "$1: version"
	call POST /v1/submissions "$VENDOR" "{\"product_id\":\"$p\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
	expect 201 "$1: submission"; sub=$(jget .id)
	upload_kinds "$sub" "$VENDOR" "$SCHEME_DOC"
	items=$(jq -c --argjson ev "$KIND_EVIDENCE" '[.requirements[] | select(.mode == "self_declaration" and .tier <= 2) |
	    {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$SCHEME_DOC")
	call GET "/v1/submissions/$sub" "$VENDOR"
	et=$(grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
	call PUT "/v1/submissions/$sub/declarations" "$VENDOR" "{\"items\":$items}" -H "If-Match: $et"
	expect 200 "$1: declarations"
	call POST "/v1/submissions/$sub/submit" "$VENDOR"; expect 200 "$1: submitted"
	call POST "/v1/submissions/$sub/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
	expect 200 "$1: approved"; LABEL=$(jget .label_id)
}

# ------------------------------------------------ pin each other
use SG; call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/sg-bundle.json"
use FI; call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/fi-bundle.json"
pin_body() { jq -c --slurpfile b "$1" --argjson a "$2" -n '{trust_bundle: $b[0], agreement: $a}'; }
use SG
make_org "SG Regulator" authority regulator; REG=$TOKEN
make_org "SG Vendor" vendor vendor; VENDOR=$TOKEN
call POST /v1/partners "$REG" "$(pin_body "$WORK/fi-bundle.json" '{"partner_scheme":"us-ctm-iot","local_scheme":"sg-cls-iot","tier_map":{"1":1,"2":2},"valid_from":"2026-01-01","valid_until":"2030-12-31"}')"
expect 201 "SG pins FI"; PID_FI=$(jget .id)
use FI
make_org "FI Regulator" authority regulator; FIREG=$TOKEN
call POST /v1/partners "$FIREG" "$(pin_body "$WORK/sg-bundle.json" '{"partner_scheme":"sg-cls-iot","local_scheme":"us-ctm-iot","tier_map":{"1":1,"2":2},"valid_from":"2026-01-01","valid_until":"2030-12-31"}')"
expect 201 "FI pins SG"; PID_SG=$(jget .id)
SG_ORIGIN=$(jq -r .log.origin "$WORK/sg-bundle.json"); FI_ORIGIN=$(jq -r .log.origin "$WORK/fi-bundle.json")

FI_WKEY=$(ctl FI log witness-key)
SG_WKEY=$(ctl SG log witness-key)
check_eq "${FI_WKEY%%+*}" "$FI_ORIGIN" "FI's witness key is named by its log origin"
keyof() { sed 's/^[^+]*+[^+]*+//' | base64 -d | "$@"; }
check_eq "$(keyof head -c 1 <<<"$FI_WKEY" | od -An -tx1 | tr -d ' ')" 04 "a cosignature key (alg 0x04)"
check_eq "$(keyof tail -c 32 <<<"$FI_WKEY" | base64 -w0)" \
    "$(jq -r .log.vkey "$WORK/fi-bundle.json" | keyof tail -c 32 | base64 -w0)" "the log key its bundle lists"

# ------------------------------------------------ FI witnesses SG
use SG
call GET /v1/schemes/sg-cls-iot; SCHEME_DOC=$BODY
issue Hub; L1=$LABEL
call GET "/v1/labels/$L1"; cp "$WORK/body" "$WORK/label1.json"
call GET /v1/log/checkpoint; expect 200 "SG checkpoint"; cp "$WORK/body" "$WORK/sg-cp1"
N1=$(sed -n 2p "$WORK/sg-cp1")
call GET "/v1/labels/$L1/proof"; cp "$WORK/body" "$WORK/proof-bare.json"
ctl FI log cosign "$PID_SG" "$WORK/sg-cp1" > "$WORK/sg-cp1.fi" && ok || fail "FI cosigns SG's first checkpoint"
check_eq "$(grep -c "^— $FI_ORIGIN " "$WORK/sg-cp1.fi")" 1 "with one cosignature line by FI"
check_eq "$(head -n -1 "$WORK/sg-cp1.fi")" "$(cat "$WORK/sg-cp1")" "appended to SG's note as it was"

post_cosig "$WORK/sg-cp1.fi"; expect 201 "SG stores FI's cosignature"
check_eq "$(jget '[.tree_size, .partner_id, .witness, .stored] | map(tostring) | join(" ")')" \
    "$N1 $PID_FI $FI_ORIGIN true" "the answer names the size, partner and witness"
post_cosig "$WORK/sg-cp1.fi"; expect 200 "the same cosignature again"
check_eq "$(jget .stored)" false "kept once"
call GET /v1/log/checkpoint
check_eq "$BODY" "$(cat "$WORK/sg-cp1.fi")" "SG serves its checkpoint with FI's cosignature"
call GET "/v1/labels/$L1/proof"; cp "$WORK/body" "$WORK/proof-cosigned.json"
check_eq "$(jget .checkpoint)" "$(cat "$WORK/sg-cp1.fi")" "and its label proofs"
check_eq "$("$LOG_CHECK" checkpoint "$(jq -r .log.vkey "$WORK/sg-bundle.json")" "$WORK/sg-cp1.fi" | cut -d' ' -f1)" ok \
    "the cosigned note still verifies with SG's log key"

# labelverify --witness / --quorum
V=(--trust-bundle "$WORK/sg-bundle.json" --require-log-proof)
check_eq "$(logcode "${V[@]}" --proof "$WORK/proof-cosigned.json" --witness "$FI_WKEY" --quorum 1 "$WORK/label1.json")" "0 ok" \
    "labelverify --witness FI --quorum 1 accepts the cosigned checkpoint"
check_eq "$(logcode "${V[@]}" --proof "$WORK/proof-bare.json" --witness "$FI_WKEY" --quorum 1 "$WORK/label1.json")" "1 log_not_witnessed" \
    "and refuses the same proof without the cosignature"
check_eq "$(logcode "${V[@]}" --proof "$WORK/proof-cosigned.json" --witness "$FI_WKEY" --witness "$SG_WKEY" --quorum 2 "$WORK/label1.json")" "1 log_not_witnessed" \
    "SG's own key is no witness of SG: a quorum of 2 is not met"
check_eq "$(logcode "${V[@]}" --proof "$WORK/proof-cosigned.json" "$WORK/label1.json")" "0 ok" "no --witness: the log key suffices"
jq --arg o "$FI_ORIGIN" '.checkpoint |= sub("(?<a>— \($o) [A-Za-z0-9+/]{20})(?<c>.)"; "\(.a)\(if .c == "A" then "B" else "A" end)")' \
    "$WORK/proof-cosigned.json" > "$WORK/proof-badcosig.json"
check_eq "$(logcode "${V[@]}" --proof "$WORK/proof-badcosig.json" --witness "$FI_WKEY" "$WORK/label1.json")" "1 log_not_witnessed" \
    "a cosignature that does not verify does not count"

# refused cosignatures
call POST /v1/log/cosignatures "" '{"note":"x"}'; expect_problem 415 "a JSON body" "text/plain"
call POST /v1/log/cosignatures "" "" -H 'Content-Type: text/plain' --data-binary 'hello'
expect_problem 422 "not a note" "not a signed note"
"$LOG_CHECK" cosign "$(ls "$WORK"/SG/keys/log-*.key)" "$SG_ORIGIN" "$WORK/sg-cp1" 1700000000 > "$WORK/sg-cp1.self"
post_cosig "$WORK/sg-cp1.self"; expect_problem 403 "a cosignature by no pinned partner's witness key" "pinned partner"
sed "s#^\(— $FI_ORIGIN [A-Za-z0-9+/]\{30\}\).#\1A#; t; s#^\(— $FI_ORIGIN [A-Za-z0-9+/]\{30\}\).#\1B#" "$WORK/sg-cp1.fi" > "$WORK/sg-cp1.badfi"
if cmp -s "$WORK/sg-cp1.badfi" "$WORK/sg-cp1.fi"; then
	sed "s#^\(— $FI_ORIGIN [A-Za-z0-9+/]\{30\}\).#\1B#" "$WORK/sg-cp1.fi" > "$WORK/sg-cp1.badfi"
fi
post_cosig "$WORK/sg-cp1.badfi"; expect_problem 422 "a cosignature that does not verify" "does not verify"

# ------------------------------------------------ SG witnesses FI
use FI; call GET /v1/log/checkpoint; cp "$WORK/body" "$WORK/fi-cp1"
ctl SG log cosign "$PID_FI" "$WORK/fi-cp1" > "$WORK/fi-cp1.sg" && ok || fail "SG cosigns FI's checkpoint"
post_cosig "$WORK/fi-cp1.sg"; expect 201 "FI stores SG's cosignature"
check_eq "$(jget .partner_id)" "$PID_SG" "FI knows the cosigner as its partner SG"
use SG; post_cosig "$WORK/fi-cp1.sg"; expect_problem 422 "FI's checkpoint is not SG's to keep" "not of this log"
ctl SG log cosign "$PID_FI" "$WORK/sg-cp1" > /dev/null 2>&1 && fail "SG cosigns its own checkpoint as FI's" || ok

# ------------------------------------------------ SG witnesses FI by itself
# refresh_witness WHAT: SG's POST /v1/partners/{FI}/refresh; W is the
# witness report as "outcome tree_size posted".
refresh_witness() {
	use SG; call POST "/v1/partners/$PID_FI/refresh" "$REG"; expect 200 "$1"
	W=$(jget '[.witness.outcome, .witness.tree_size, .witness.posted] | map(tostring) | join(" ")')
}
refresh_witness "SG refreshes FI"
check_eq "$W" "unchanged $(sed -n 2p "$WORK/fi-cp1") null" \
    "FI serves the checkpoint SG cosigned: nothing to send"
SGSAVE=("$REG" "$VENDOR" "$SCHEME_DOC")
use FI; make_org "FI Vendor" vendor vendor
REG=$FIREG VENDOR=$TOKEN; call GET /v1/schemes/sg-cls-iot; SCHEME_DOC=$BODY
issue FiHub; LF=$LABEL
call GET "/v1/labels/$LF"; cp "$WORK/body" "$WORK/labelF.json"
REG=${SGSAVE[0]} VENDOR=${SGSAVE[1]} SCHEME_DOC=${SGSAVE[2]}
use FI; call GET /v1/log/checkpoint; NF=$(sed -n 2p "$WORK/body")
check_eq "$(grep -c "^— $SG_ORIGIN " "$WORK/body")" 0 "FI's grown log: no cosignature by SG yet"
refresh_witness "SG refreshes FI again"
check_eq "$W" "cosigned $NF 201" \
    "SG fetches FI's checkpoint and consistency proof, cosigns it and FI stores it"
check_eq "$(jget '[.outcome, (.errors | length)] | map(tostring) | join(" ")')" "ok 0" "the refresh itself is ok"
call GET "/v1/partners/$PID_FI"
check_eq "$(jget '[.last_refresh.witness.outcome, .last_refresh.witness.url] | join(" ")')" \
    "cosigned $(jq -r .id "$WORK/fi-bundle.json" | sed 's#/v1/trust-bundle$##')/v1/log/checkpoint" \
    "GET /v1/partners/{id} shows the last witness"
use FI; call GET /v1/log/checkpoint; cp "$WORK/body" "$WORK/fi-cp2"
check_eq "$(grep -c "^— $SG_ORIGIN " "$WORK/fi-cp2") $(sed -n 2p "$WORK/fi-cp2")" "1 $NF" \
    "FI serves its checkpoint with SG's cosignature, without a labelctl step"
ctl SG log cosign "$PID_FI" "$WORK/fi-cp2" > "$WORK/fi-cp2.sg" && ok || fail "SG cosigns the served, cosigned checkpoint again"
check_eq "$(grep -c "^— $SG_ORIGIN " "$WORK/fi-cp2.sg") $(grep -c "^— $FI_ORIGIN " "$WORK/fi-cp2.sg")" "1 1" \
    "the cosigned note carries FI's signature and one new cosignature by SG, not the old one too"
call GET "/v1/labels/$LF/proof"; cp "$WORK/body" "$WORK/proofF.json"
FV=(--trust-bundle "$WORK/fi-bundle.json" --require-log-proof --proof "$WORK/proofF.json")
check_eq "$(logcode "${FV[@]}" --witness "$SG_WKEY" --quorum 1 "$WORK/labelF.json")" "0 ok" \
    "labelverify --witness SG --quorum 1 accepts FI's proof"
check_eq "$(logcode "${FV[@]}" --witness "$FI_WKEY" --quorum 1 "$WORK/labelF.json")" "1 log_not_witnessed" \
    "and FI's own key is no witness of FI"
refresh_witness "SG refreshes FI once more"
check_eq "$W" "unchanged $NF null" "once cosigned, not again"

# ------------------------------------------------ the log grows: consistency
use SG
issue Plug; L2=$LABEL
call GET /v1/log/checkpoint; cp "$WORK/body" "$WORK/sg-cp2"; N2=$(sed -n 2p "$WORK/sg-cp2")
OUT=$(ctl FI log cosign "$PID_SG" "$WORK/sg-cp2" 2>&1) && RC=0 || RC=$?
check_eq "$RC" 1 "a newer checkpoint without its consistency proof is not cosigned"
grep -q "need the consistency proof of log $SG_ORIGIN from $N1 to $N2" <<<"$OUT" && ok || fail "and says which proof ($OUT)"
call GET "/v1/log/proof/consistency?first=$N1&second=$N2"; cp "$WORK/body" "$WORK/cons12.json"
ctl FI log cosign "$PID_SG" "$WORK/sg-cp2" --consistency "$WORK/cons12.json" > "$WORK/sg-cp2.fi" && ok ||
    fail "with the proof FI cosigns the newer checkpoint"
post_cosig "$WORK/sg-cp2.fi"; expect 201 "SG stores the cosignature of the newer checkpoint"
OUT=$(ctl FI log cosign "$PID_SG" "$WORK/sg-cp1" 2>&1) && RC=0 || RC=$?
check_eq "$RC $OUT" "1 labelctl: log cosign: log $SG_ORIGIN has $N2 leaves already; this checkpoint of $N1 is older" \
    "FI does not cosign an older checkpoint again"
call GET /v1/log/incidents; expect 200 "incidents, public"
check_eq "$(jget '.incidents | length')" 0 "none at SG so far"

# ------------------------------------------------ split view
# SG's log key signs another tree of N2 leaves (a stolen key, or an SG
# showing FI a fork).  FI, which cosigned the real one, refuses it and
# records the incident; a fooled witness that cosigns it anyway has its
# cosignature recorded at SG as a split view.
SGKEY=$(ls "$WORK"/SG/keys/log-*.key)
{ printf '%s\n%s\n' "$SG_ORIGIN" "$N2"; head -c 32 /dev/urandom | base64; } > "$WORK/fork-text"
"$LOG_CHECK" sign "$SGKEY" "$SG_ORIGIN" "$WORK/fork-text" > "$WORK/fork"
OUT=$(ctl FI log cosign "$PID_SG" "$WORK/fork" 2>&1) && RC=0 || RC=$?
check_eq "$RC" 1 "FI refuses to cosign the fork"
grep -q "signed two roots for $N2 leaves (split view): not cosigned, recorded as incident" <<<"$OUT" && ok || fail "and says so ($OUT)"
use FI; call GET /v1/log/incidents
check_eq "$(jget '.incidents | map([.kind, .origin, (.tree_size|tostring), .partner_id, (.log_signed|tostring)] | join(" ")) | join(",")')" \
    "inconsistent $SG_ORIGIN $N2 $PID_SG true" "FI's incident names SG's log and size"
check_eq "$(jget '.incidents[0].evidence')" "$(cat "$WORK/fork")" "with the forked note as evidence"

FIKEY=$(ls "$WORK"/FI/keys/log-*.key)
"$LOG_CHECK" cosign "$FIKEY" "$FI_ORIGIN" "$WORK/fork" "$(date +%s)" > "$WORK/fork.fi"
use SG; post_cosig "$WORK/fork.fi"
expect_problem 409 "a cosigned fork of SG's log" "split view"
check_eq "$(jget .type | sed 's#.*:##')" "log-incident" "problem type log-incident"
INC=$(jget .incident)
call GET /v1/log/incidents
check_eq "$(jget '.incidents | map([(.id|tostring), .kind, (.tree_size|tostring), .partner_id, .witness, (.log_signed|tostring)] | join(" ")) | join(",")')" \
    "$INC split_view $N2 $PID_FI $FI_ORIGIN true" "SG records the split view, signed by its own log key"
{ printf '%s\n%s\n' "$SG_ORIGIN" "$((N2 + 5))"; head -c 32 /dev/urandom | base64; } > "$WORK/ahead-text"
"$LOG_CHECK" sign "$SGKEY" "$SG_ORIGIN" "$WORK/ahead-text" > "$WORK/ahead"
"$LOG_CHECK" cosign "$FIKEY" "$FI_ORIGIN" "$WORK/ahead" "$(date +%s)" > "$WORK/ahead.fi"
post_cosig "$WORK/ahead.fi"; expect_problem 409 "a checkpoint beyond SG's log" "this log has $N2"
call GET "/v1/log/incidents?after=$INC"
check_eq "$(jget '[.incidents[].kind] | join(",")')" "beyond_log" "incidents after the first: beyond_log"
call GET "/v1/log/incidents?after=x"; expect_problem 400 "a bad cursor" "after"
call GET /v1/log/checkpoint
check_eq "$BODY" "$(cat "$WORK/sg-cp2.fi")" "the served checkpoint is the real one, with FI's cosignature"

# ------------------------------------------------ SG rotates its log key
# The new key signs from now on and the bundle lists it; the old key
# co-signs (the overlap) until retired, so verifiers and witnesses still
# holding the old bundle go on; after the retirement they need the
# bundle update.  A rotation for compromise retires the old key at once.
OLD_VKEY=$(jq -r .log.vkey "$WORK/sg-bundle.json")
OLDKID=$(basename "$SGKEY" .key); OLDKID=${OLDKID#log-}
OUT=$(ctl SG log rotate); NEWKID=$(cut -d' ' -f3 <<<"$OUT")
check_eq "$OUT" "log key $NEWKID signs checkpoints; the older key co-signs until labelctl log retire" "labelctl log rotate"
use SG; call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/sg-bundle2.json"; NEW_VKEY=$(jget .log.vkey)
check_eq "$(jget .log.origin) $([ "$NEW_VKEY" != "$OLD_VKEY" ] && echo new)" "$SG_ORIGIN new" "the bundle lists the new log key, same origin"
call GET /v1/log/entries?start=0\&end=100
check_eq "$(jget '.entries[-1].leaf | @base64d | fromjson | .kind + " " + .reason')" \
    "key log-rotate: $OLDKID co-signs until retired, $NEWKID signs" "the rotation is a leaf"
call GET /v1/log/checkpoint; cp "$WORK/body" "$WORK/sg-cp3"; N3=$(sed -n 2p "$WORK/sg-cp3")
check_eq "$(grep -c "^— $SG_ORIGIN " "$WORK/sg-cp3")" 2 "the checkpoint is signed by both keys"
check_eq "$("$LOG_CHECK" checkpoint "$OLD_VKEY" "$WORK/sg-cp3" | cut -d' ' -f1-2) $("$LOG_CHECK" checkpoint "$NEW_VKEY" "$WORK/sg-cp3" | cut -d' ' -f1-2)" \
    "ok $N3 ok $N3" "either key verifies it"
call GET "/v1/labels/$L2"; cp "$WORK/body" "$WORK/label2.json"
call GET "/v1/labels/$L2/proof"; cp "$WORK/body" "$WORK/proof3.json"
check_eq "$(logcode --trust-bundle "$WORK/sg-bundle.json" --proof "$WORK/proof3.json" "$WORK/label2.json")" "0 ok" "a verifier with the old bundle accepts it"
check_eq "$(logcode --trust-bundle "$WORK/sg-bundle.json" --bundle-update "$WORK/sg-bundle2.json" --proof "$WORK/proof3.json" "$WORK/label2.json")" \
    "0 ok" "and one with the new bundle"
call GET "/v1/log/proof/consistency?first=$N2&second=$N3"; cp "$WORK/body" "$WORK/cons23.json"
ctl FI log cosign "$PID_SG" "$WORK/sg-cp3" --consistency "$WORK/cons23.json" > /dev/null && ok ||
    fail "FI, pinned to the old bundle, still witnesses the dual-signed checkpoint"

ctl SG log retire "$NEWKID" > /dev/null 2>&1 && fail "the newest log key retired" || ok
check_eq "$(ctl SG log retire "$OLDKID")" "log key $OLDKID retired" "labelctl log retire"
ctl SG log retire "$OLDKID" > /dev/null 2>&1 && fail "a log key retired twice" || ok
ctl SG log retire key-00000000 > /dev/null 2>&1 && fail "an unknown log key retired" || ok
call GET /v1/log/checkpoint; cp "$WORK/body" "$WORK/sg-cp4"; N4=$(sed -n 2p "$WORK/sg-cp4")
check_eq "$(grep -c "^— $SG_ORIGIN " "$WORK/sg-cp4")" 1 "after the retirement, the new key alone signs"
call GET "/v1/labels/$L2/proof"; cp "$WORK/body" "$WORK/proof4.json"
check_eq "$(logcode --trust-bundle "$WORK/sg-bundle.json" --proof "$WORK/proof4.json" "$WORK/label2.json")" "1 bad_log_proof" \
    "the old bundle no longer verifies it"
check_eq "$(logcode --trust-bundle "$WORK/sg-bundle.json" --bundle-update "$WORK/sg-bundle2.json" --proof "$WORK/proof4.json" "$WORK/label2.json")" \
    "0 ok" "the new bundle does"
call GET "/v1/log/proof/consistency?first=$N3&second=$N4"; cp "$WORK/body" "$WORK/cons34.json"
ctl FI log cosign "$PID_SG" "$WORK/sg-cp4" --consistency "$WORK/cons34.json" > /dev/null 2>&1 &&
    fail "FI cosigns a checkpoint its pinned bundle's key did not sign" || ok
use FI; call PUT "/v1/partners/$PID_SG/trust-bundle" "$FIREG" "$(cat "$WORK/sg-bundle2.json")"
expect 200 "FI accepts SG's new bundle by continuity"
ctl FI log cosign "$PID_SG" "$WORK/sg-cp4" --consistency "$WORK/cons34.json" > "$WORK/sg-cp4.fi" && ok ||
    fail "then FI witnesses SG's new key"
use SG; post_cosig "$WORK/sg-cp4.fi"; expect 201 "SG stores it"

OUT=$(ctl SG log rotate --compromised); NEWKID2=$(cut -d' ' -f3 <<<"$OUT")
check_eq "$OUT" "log key $NEWKID2 signs checkpoints; the older keys are retired (compromised)" "labelctl log rotate --compromised"
call GET /v1/log/checkpoint; cp "$WORK/body" "$WORK/sg-cp5"
check_eq "$(grep -c "^— $SG_ORIGIN " "$WORK/sg-cp5")" 1 "a compromised key co-signs nothing"
call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/sg-bundle3.json"
check_eq "$("$LOG_CHECK" checkpoint "$(jget .log.vkey)" "$WORK/sg-cp5" | cut -d' ' -f1) $("$LOG_CHECK" checkpoint "$NEW_VKEY" "$WORK/sg-cp5" | cut -c1-5)" \
    "ok fail:" "only the newest key, in the newest bundle, verifies it"
OUT=$(ctl SG log verify 2>&1) && RC=0 || RC=$?
check_eq "$RC" 0 "labelctl log verify checks checkpoints of every log key ($OUT)"

# A larger checkpoint that its consistency proof does not extend: FI
# (still pinned to the bundle of the key it was signed with) records it.
N5=$(sed -n 2p "$WORK/sg-cp5")
{ printf '%s\n%s\n' "$SG_ORIGIN" "$N5"; head -c 32 /dev/urandom | base64; } > "$WORK/fork5-text"
"$LOG_CHECK" sign "$WORK/SG/keys/log-$NEWKID.key" "$SG_ORIGIN" "$WORK/fork5-text" > "$WORK/fork5"
call GET "/v1/log/proof/consistency?first=$N4&second=$N5"; cp "$WORK/body" "$WORK/cons45.json"
OUT=$(ctl FI log cosign "$PID_SG" "$WORK/fork5" --consistency "$WORK/cons45.json" 2>&1) && RC=0 || RC=$?
check_eq "$RC" 1 "FI refuses a checkpoint the consistency proof does not extend"
grep -q "log $SG_ORIGIN did not only grow from $N4 to $N5 leaves: .*not cosigned, recorded as incident" <<<"$OUT" && ok ||
    fail "and says so ($OUT)"
use FI; call GET /v1/log/incidents
check_eq "$(jget '[.incidents[].kind] | join(",")')" "inconsistent,inconsistent" "FI's second incident"

# ------------------------------------------------ a fork served to SG's refresh thread
# FI's log key signs another tree of the size SG cosigned last, served
# where FI's bundle says FI is (a stub on FI's port, FI stopped).  SG's
# refresh thread witnesses it by itself and records the incident.
metric() { call GET /metrics; sed -n "s/^$1 //p" <<<"$BODY"; }
use SG; check_eq "$(metric labeld_log_incidents)" 2 "labeld_log_incidents counts SG's two incidents"
use FI; FIPORT=$PORT; NFI=$(sed -n 2p "$WORK/fi-cp2")
call GET /v1/trust-bundle; mkdir -p "$WORK/stub/v1/log"; cp "$WORK/body" "$WORK/stub/v1/trust-bundle"
stop FI
{ printf '%s\n%s\n' "$FI_ORIGIN" "$NFI"; head -c 32 /dev/urandom | base64; } > "$WORK/ffork-text"
"$LOG_CHECK" sign "$FIKEY" "$FI_ORIGIN" "$WORK/ffork-text" > "$WORK/stub/v1/log/checkpoint"
python3 -m http.server "$FIPORT" --bind 127.0.0.1 --directory "$WORK/stub" > /dev/null 2>&1 & STUBPID=$!
printf 'partner_refresh_interval = 1s\n' > "$WORK/sg-fast.conf"
stop SG; start SG --config "$WORK/sg-fast.conf"
got=
for _ in $(seq 1 50); do
	[ "$(metric labeld_log_incidents)" = 3 ] && { got=1; break; }
	sleep 0.2
done
check_eq "$got" 1 "SG's refresh thread records the fork as its third incident, without a call"
call GET "/v1/log/incidents?after=$INC"
check_eq "$(jget '.incidents[-1] | [.kind, .origin, (.tree_size|tostring), .partner_id, (.log_signed|tostring)] | join(" ")')" \
    "inconsistent $FI_ORIGIN $NFI $PID_FI true" "the incident names FI's log and size"
check_eq "$(jget '.incidents[-1].evidence')" "$(cat "$WORK/stub/v1/log/checkpoint")" "with the fork as evidence"
call GET "/v1/partners/$PID_FI"
check_eq "$(jget .last_refresh.witness.outcome)" incident "GET /v1/partners/{id}: the last witness found an incident"
grep -q "signed two roots for $NFI leaves (split view): not cosigned, recorded as incident" <<<"$(jget .last_refresh.witness.error)" && ok ||
    fail "and says why ($(jget .last_refresh.witness.error))"
grep -q "log incident .* of log $FI_ORIGIN at size $NFI" "$LOG" && ok || fail "the incident is in SG's log"
finish
