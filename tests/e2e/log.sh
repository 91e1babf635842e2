#!/usr/bin/env bash
# log.sh: the transparency log against the real daemon.  Every label
# issued in a story has a proof (GET /v1/labels/{id}/proof) whose leaf
# names the credential's digest and whose inclusion path reaches the root
# of a checkpoint signed by the log key the trust bundle carries
# (tests/log_check, libverify.a only); status changes and a key rotation
# are leaves too; more labels later, the two checkpoints are consistent;
# bad numbers answer 400; labelctl log verify passes the log, then finds
# one leaf changed in the database file; labelverify --proof verifies
# every label's proof, and refuses a flipped path hash or a missing proof
# under --require-log-proof; with the first checkpoint as --since it needs
# a consistency proof (--consistency) to the proof's checkpoint, refuses a
# wrong one or none (log_inconsistent), and a checkpoint of the same size
# with another root, signed with the stolen log key (split view).
. "$(dirname "$0")/lib.sh"
LOG_CHECK="$top_builddir/tests/log_check"
[ -x "$LOG_CHECK" ] || { echo "FAIL: $LOG_CHECK not built"; exit 1; }
command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: sqlite3 is not installed"; exit 77; }
ctl() { "$LABELCTL" --data-dir "$DATA" "$@"; }

start_labeld
make_org "Acme Devices" vendor vendor; VENDOR=$TOKEN
ctl token create --role regulator > "$WORK/reg"
REG=$(sed -n 's/^token //p' "$WORK/reg")
call GET /v1/schemes/sg-cls-iot; SCHEME_DOC=$BODY

# issue NAME: a Level 2 (self-declared) submission of a fresh product,
# approved; sets LABEL (as labels.sh's issue_one).
issue() {
	local p sub e items et
	call POST /v1/products "$VENDOR" "{\"name\":\"$1\",\"model\":\"M-1\",\"category\":\"hub\",\"support_until\":\"2030-06-30\",\"vulnerability_contact\":\"security@example.com\"}"
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

# proves LABEL CHECKPOINT-FILE: the label's proof verifies against the
# log key and its checkpoint is the one in CHECKPOINT-FILE.
proves() {
	local sha
	call GET "/v1/labels/$1"; expect 200 "$1: label"
	sha=$(sha256sum < "$WORK/body" | cut -d' ' -f1)
	call GET "/v1/labels/$1/proof"; expect 200 "$1: proof"
	cp "$WORK/body" "$WORK/proof-$1.json"
	check_eq "$("$LOG_CHECK" inclusion "$VKEY" "$WORK/proof-$1.json" "$sha" || true)" \
	    "ok $(jget .log_index) $(jget .tree_size)" "$1: leaf names its credential, path reaches the signed root"
	check_eq "$(jget .leaf | base64 -d | jq -r '.kind + " " + .label_id')" "issue $1" "$1: its issue leaf"
	check_eq "$(jget .checkpoint)" "$(cat "$2")" "$1: proven against the current checkpoint"
}

call GET /v1/trust-bundle; expect 200 "trust bundle"
VKEY=$(jget .log.vkey); ORIGIN=$(jget .log.origin)
check_eq "$ORIGIN" "127.0.0.1:$PORT/labeld" "log origin"

# ------------------------------------------------------------ the story
LABELS=
for n in Hub Plug Cam; do issue "$n"; LABELS="$LABELS $LABEL"; done
set -- $LABELS; L1=$1; L2=$2; L3=$3
call POST "/v1/labels/$L1/suspend" "$REG" '{"reason":"under investigation"}'; expect 200 "suspend"
call POST "/v1/labels/$L1/reinstate" "$REG" '{"reason":"cleared"}'; expect 200 "reinstate"
call POST "/v1/labels/$L2/revoke" "$REG" '{"reason":"withdrawn"}'; expect 200 "revoke"
ctl key rotate > /dev/null; ok

call GET /v1/log/checkpoint; expect 200 "checkpoint"
check_eq "$(grep -i '^content-type:' "$HDRS" | tr -d '\r' | cut -d' ' -f2-)" "text/plain; charset=utf-8" "checkpoint media type"
cp "$WORK/body" "$WORK/cp1"
check_eq "$(head -n 2 "$WORK/cp1" | tr '\n' ' ')" "$ORIGIN 7 " "checkpoint: origin and 7 leaves"
check_eq "$("$LOG_CHECK" checkpoint "$VKEY" "$WORK/cp1" | cut -d' ' -f1-2)" "ok 7" "checkpoint signed by the bundle's log key"
call GET /v1/log/checkpoint
check_eq "$BODY" "$(cat "$WORK/cp1")" "the same tree, the same checkpoint"

call GET "/v1/log/entries?start=0&end=100"; expect 200 "entries"
cp "$WORK/body" "$WORK/entries.json"
check_eq "$(jget '[.entries[].index] | join(",")')" "0,1,2,3,4,5,6" "every entry, in order"
check_eq "$(jget '[.entries[].leaf | @base64d | fromjson | .kind] | join(",")')" \
    "issue,issue,issue,suspend,reinstate,revoke,key" "issuances, status changes and the rotation are leaves"
check_eq "$(jget '.entries[3].leaf | @base64d | fromjson | .label_id + "/" + .reason')" "$L1/under investigation" "a status leaf names the label and reason"
check_eq "$(jget '.entries[6].leaf | @base64d | fromjson | (.label_id == null) and (.reason | startswith("rotate: "))')" true "the key leaf"
for L in $L1 $L2 $L3; do proves "$L" "$WORK/cp1"; done
check_eq "$(jq -r .leaf "$WORK/proof-$L1.json")" "$(jq -r '.entries[0].leaf' "$WORK/entries.json")" "the proof's leaf is the entry's bytes"
call GET "/v1/log/entries?start=5&end=6"
check_eq "$(jget '[.entries[].index] | join(",")')" "5" "a window of the log"
call GET "/v1/log/entries?start=7&end=9"
check_eq "$(jget '.entries | length')" 0 "nothing beyond the log"

# ------------------------------------------------- more labels: consistency
for n in Lamp Lock; do issue "$n"; LABELS="$LABELS $LABEL"; done
call GET /v1/log/checkpoint; cp "$WORK/body" "$WORK/cp2"
check_eq "$("$LOG_CHECK" checkpoint "$VKEY" "$WORK/cp2" | cut -d' ' -f1-2)" "ok 9" "new checkpoint of 9 leaves"
call GET "/v1/log/proof/consistency?first=7&second=9"; expect 200 "consistency proof"
cp "$WORK/body" "$WORK/cons.json"
check_eq "$("$LOG_CHECK" consistency "$VKEY" "$WORK/cp1" "$WORK/cp2" "$WORK/cons.json" || true)" "ok 7 9" \
    "the log only grew between the two checkpoints"
call GET "/v1/log/proof/consistency?first=6&second=9"; cp "$WORK/body" "$WORK/cons6.json"
jq '.first = 7' "$WORK/cons6.json" > "$WORK/cons-bad.json"
check_eq "$("$LOG_CHECK" consistency "$VKEY" "$WORK/cp1" "$WORK/cp2" "$WORK/cons-bad.json" | cut -c1-5)" "fail:" \
    "a proof of other sizes does not pass"
for L in $LABELS; do proves "$L" "$WORK/cp2"; done
call GET "/v1/log/proof/inclusion?index=0&tree_size=9"; expect 200 "inclusion proof"
check_eq "$(jget '.hashes | join(",")')" "$(jq -r '.inclusion | join(",")' "$WORK/proof-$L1.json")" \
    "the same path as the label's proof"
check_eq "$(jget '"\(.index) \(.tree_size)"')" "0 9" "inclusion echoes index and tree_size"

# ------------------------------------------------------------ bad numbers
for q in "entries?start=abc&end=3" "entries?start=-1&end=3" "entries?end=3" "entries?start=0" \
    "entries?start=3&end=3" "entries?start=10&end=20" "entries?start=01&end=3" \
    "entries?start=99999999999999999999&end=3" \
    "proof/inclusion?index=9&tree_size=9" "proof/inclusion?index=0&tree_size=10" \
    "proof/inclusion?index=0" "proof/inclusion?index=x&tree_size=2" \
    "proof/consistency?first=5&second=4" "proof/consistency?first=1&second=10" \
    "proof/consistency?first=1"; do
	call GET "/v1/log/$q"; expect_problem 400 "GET /v1/log/$q: 400"
done
call GET /v1/labels/SG-CLS-2026-999999/proof; expect_problem 404 "proof of an unknown label" SG-CLS-2026-999999

# ------------------------------------------------- labelctl log verify
OUT=$(ctl log verify 2>&1) && RC=0 || RC=$?
check_eq "$RC/$OUT" "0/log ok: 9 leaves, every subtree hash and 2 checkpoints checked" "labelctl log verify passes the log"
stop_labeld
sqlite3 "$DATA/labeld.db" "DROP TRIGGER tlog_leaves_no_update;
    UPDATE tlog_leaves SET entry = CAST(replace(CAST(entry AS TEXT), '$L2', '$L3') AS BLOB) WHERE idx = 1;"
OUT=$(ctl log verify 2>&1) && RC=0 || RC=$?
check_eq "$RC" 1 "labelctl log verify fails on a changed leaf"
check_eq "$(grep -c 'leaf 1: its entry does not hash to its stored leaf hash' <<<"$OUT")" 1 "and names it ($OUT)"
# a partner holding the checkpoint sees it too: the served leaf no longer
# reaches the signed root
start_labeld
call GET "/v1/labels/$L2"; SHA=$(sha256sum < "$WORK/body" | cut -d' ' -f1)
call GET "/v1/labels/$L2/proof"; expect 200 "proof of the label whose leaf was changed"
cp "$WORK/body" "$WORK/proof-tampered.json"
check_eq "$(jget .checkpoint)" "$(cat "$WORK/cp2")" "the checkpoint is unchanged"
check_eq "$(jq -r .leaf "$WORK/proof-tampered.json" | base64 -d | jq -r .label_id)" "$L3" "the changed leaf is served"
check_eq "$("$LOG_CHECK" inclusion "$VKEY" "$WORK/proof-tampered.json" "$SHA" | cut -c1-15)" "fail: inclusion" \
    "its path no longer reaches the signed root"
# ------------------------------------------------ labelverify --proof
# Every label of the story verifies offline with its proof (taken at the
# second checkpoint, before the leaf was changed) against the log key of
# the pinned trust bundle; a flipped inclusion hash is bad_log_proof, no
# proof under --require-log-proof not_logged.
LABELVERIFY="$top_builddir/labelverify"
call GET /v1/trust-bundle; expect 200 "trust bundle for labelverify"
cp "$WORK/body" "$WORK/bundle.json"
for L in $LABELS; do
	call GET "/v1/labels/$L"; expect 200 "$L: label for labelverify"
	cp "$WORK/body" "$WORK/label-$L.json"
	OUT=$("$LABELVERIFY" --trust-bundle "$WORK/bundle.json" --no-status --proof "$WORK/proof-$L.json" \
	    --require-log-proof --json "$WORK/label-$L.json" 2>&1) && RC=0 || RC=$?
	check_eq "$RC $(jq -r '.credentials[0].checks[] | select(.check == "log") | .code' <<<"$OUT")" "0 ok" \
	    "$L: labelverify --proof --require-log-proof verifies its log proof ($OUT)"
	jq '.inclusion[0] |= (if startswith("A") then "B" else "A" end) + .[1:]' "$WORK/proof-$L.json" > "$WORK/flip-$L.json"
	OUT=$("$LABELVERIFY" --trust-bundle "$WORK/bundle.json" --no-status --proof "$WORK/flip-$L.json" \
	    --require-log-proof --json "$WORK/label-$L.json" 2>&1) && RC=0 || RC=$?
	check_eq "$RC $(jq -r '.credentials[0].checks[] | select(.check == "log") | .code' <<<"$OUT")" "1 bad_log_proof" \
	    "$L: a flipped inclusion hash is bad_log_proof"
	OUT=$("$LABELVERIFY" --trust-bundle "$WORK/bundle.json" --no-status --require-log-proof --json \
	    "$WORK/label-$L.json" 2>&1) && RC=0 || RC=$?
	check_eq "$RC $(jq -r '.credentials[0].checks[] | select(.check == "log") | .code' <<<"$OUT")" "1 not_logged" \
	    "$L: no proof under --require-log-proof is not_logged"
done
# All proofs at once: each finds its label by the label id in its leaf.
PROOFS=(); FILES=()
for L in $LABELS; do PROOFS+=(--proof "$WORK/proof-$L.json"); FILES+=("$WORK/label-$L.json"); done
"$LABELVERIFY" --trust-bundle "$WORK/bundle.json" --no-status "${PROOFS[@]}" --require-log-proof "${FILES[@]}" > /dev/null 2>&1 &&
    ok || fail "labelverify matches several proofs to several labels"

# ------------------------------------------- labelverify --since (7 -> 9)
# logcode ARGS...: "RC CODE" of the log check of label L3 (proof at cp2).
logcode() {
	local out rc
	out=$("$LABELVERIFY" --trust-bundle "$WORK/bundle.json" --no-status --proof "$WORK/proof-$L3.json" \
	    --require-log-proof --json "$@" "$WORK/label-$L3.json" 2>&1) && rc=0 || rc=$?
	echo "$rc $(jq -r '.credentials[0].checks[] | select(.check == "log") | .code + " " + .detail' <<<"$out" 2>/dev/null || echo "$out")"
}
OUT=$(logcode --since "$WORK/cp1" --consistency "$WORK/cons.json")
check_eq "${OUT%% consistent*}" "0 ok $L3 logged $(jq -r .leaf "$WORK/proof-$L3.json" | base64 -d | jq -r .time): leaf $(jq .log_index "$WORK/proof-$L3.json") of the 9-leaf checkpoint of $ORIGIN, signed by its log key," \
    "--since the 7-leaf checkpoint with its consistency proof: ok ($OUT)"
OUT=$(logcode --since "$WORK/cp2")
check_eq "$(cut -d' ' -f1-2 <<<"$OUT")" "0 ok" "--since the proof's own checkpoint needs no proof ($OUT)"
OUT=$(logcode --since "$WORK/cp1")
check_eq "$OUT" "1 log_inconsistent no consistency proof between the --since checkpoint and the proof's (first=7&second=9) was given (--consistency)" \
    "--since without a consistency proof fails closed"
OUT=$(logcode --since "$WORK/cp1" --consistency "$WORK/cons-bad.json")
check_eq "$(cut -d' ' -f1-2 <<<"$OUT")" "1 log_inconsistent" "--since with a proof of other sizes: log_inconsistent ($OUT)"
grep -q 'did not only grow from 7 to 9' <<<"$OUT" && ok || fail "and says the log did not only grow ($OUT)"
# Split view: the log key's holder signs another tree of 9 leaves.
LOGKEY=$(ls "$DATA"/keys/log-*.key)
{ printf '%s\n9\n' "$ORIGIN"; head -c 32 /dev/urandom | base64; } > "$WORK/fork-text"
"$LOG_CHECK" sign "$LOGKEY" "$ORIGIN" "$WORK/fork-text" > "$WORK/fork"
check_eq "$("$LOG_CHECK" checkpoint "$VKEY" "$WORK/fork" | cut -d' ' -f1-2)" "ok 9" "the forked checkpoint carries a valid log signature"
OUT=$(logcode --since "$WORK/fork")
check_eq "$OUT" "1 log_inconsistent split view: the --since checkpoint and the proof's both have 9 leaves but different roots" \
    "a forked checkpoint of the same size is a split view"
sed 's/^\(— [^ ]* \)A/\1B/; t; s/^\(— [^ ]* \)./\1A/' "$WORK/cp1" > "$WORK/cp1-badsig"
OUT=$(logcode --since "$WORK/cp1-badsig" --consistency "$WORK/cons.json")
check_eq "$(cut -d' ' -f1-2 <<<"$OUT")" "1 log_inconsistent" "a --since checkpoint not signed by the log key fails ($OUT)"
for bad in "--consistency $WORK/cons.json" "--since $WORK/entries.json" "--quorum 1" "--witness nope" "--quorum 0 --witness x"; do
	"$LABELVERIFY" --trust-bundle "$WORK/bundle.json" --no-status $bad "$WORK/label-$L3.json" > /dev/null 2>&1 && RC=0 || RC=$?
	check_eq "$RC" 2 "labelverify $bad: usage error"
done
finish
