#!/usr/bin/env bash
# trust.sh: pre-rotation and trust bundle versions against the real
# daemon.  Bundle version 1 commits to the next key (nextKeyDigest); a
# `labelctl key rotate` while labeld runs promotes exactly that key and
# issues version 2 signed by it; version 1 stays served unchanged; status
# lists are valid status_list_validity (7 days by default); the scheduler
# re-signs them without any fetch once half of it has passed and renews
# the bundle 30 days before it expires (time moved by the test clock);
# and a data dir from before pre-rotation commits to a next key at its
# first start, in a new bundle version.
#
# Needs a build configured with --enable-test-clock: without it the test
# fails when LABELD_REQUIRE_TEST_CLOCK=1 (CI, quickstart.sh test) and
# skips otherwise.
. "$(dirname "$0")/lib.sh"

if ! "$LABELD" --version | grep -q 'test clock'; then
	if [ "${LABELD_REQUIRE_TEST_CLOCK:-0}" = 1 ]; then
		echo "FAIL: labeld was built without --enable-test-clock; this test moves time with LABELD_TEST_CLOCK_OFFSET"
		exit 1
	fi
	echo "SKIP: needs a build configured with --enable-test-clock (LABELD_TEST_CLOCK_OFFSET); contrib/quickstart.sh test and CI build so"
	exit 77
fi
command -v sqlite3 >/dev/null 2>&1 || {
	[ "${LABELD_REQUIRE_TEST_CLOCK:-0}" = 1 ] && { echo "FAIL: sqlite3 is not installed"; exit 1; }
	echo "SKIP: sqlite3 is not installed (apt-get install sqlite3)"; exit 77
}
DI_VERIFY="$top_builddir/tests/di_verify"
[ -x "$DI_VERIFY" ] || { echo "FAIL: $DI_VERIFY not built"; exit 1; }

ctl() { "$LABELCTL" --data-dir "$DATA" "$@"; }
sql() { sqlite3 -readonly "$DATA/labeld.db" "$1"; }
# verifies FILE: di_verify's verdict on a bundle against its own DID document.
verifies() { jq .didDocument "$1" > "$1.did"; "$DI_VERIFY" "$1.did" < "$1" 2>&1 || true; }
# sha256 of the raw public key behind a z6Mk... Multikey (python3), else "".
mk_sha256() {
	command -v python3 >/dev/null 2>&1 || { echo ""; return; }
	python3 -c '
import hashlib, sys
a = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
n = 0
for c in sys.argv[1][1:]: n = n * 58 + a.index(c)
b = n.to_bytes(34, "big")
assert b[:2] == bytes([0xed, 0x01])
print(hashlib.sha256(b[2:]).hexdigest())' "$1"
}
# wait_sql SQL EXPECTED DESCRIPTION: polls the database (no HTTP) for 10 s.
wait_sql() {
	local i got
	for i in $(seq 1 100); do
		got=$(sql "$1" 2>/dev/null || true)
		[ "$got" = "$2" ] && break
		sleep 0.1
	done
	check_eq "$got" "$2" "$3"
}
later() { date -u -d "@$(( $(date +%s) + $1 ))" +%Y-%m-%dT%H:%M:%SZ; }
DAY=86400

start_labeld
DID="did:web:127.0.0.1%3A$PORT"

# ------------------------------------------------------- version 1
call GET /v1/trust-bundle; expect 200 "trust bundle"
cp "$WORK/body" "$WORK/v1.json"
check_eq "$(jget .version)" 1 "first version is 1"
check_eq "$(jget '(.expires | fromdate) - (.issued | fromdate)')" $((365 * DAY)) "expires = issued + 365 days"
D1=$(jget .nextKeyDigest)
check_eq "$(grep -cE '^[0-9a-f]{64}$' <<<"$D1")" 1 "nextKeyDigest is lowercase hex SHA-256"
KID1=$(jget .proof.verificationMethod | sed 's/.*#//')
check_eq "$(jget '[.keys[].id] | join(" ")')" "$DID#$KID1" "one published key"
check_eq "$(grep -c "${D1:0:8}" <<<"$(jget '[.keys[].id, .didDocument.verificationMethod[].id] | join(" ")')")" 0 "the next key is not published"
check_eq "$(verifies "$WORK/v1.json")" "ok $KID1" "version 1 verifies"
check_eq "$(jget .id)" "$BASE/v1/trust-bundle" "bundle id unchanged"
call GET /v1/trust-bundle
check_eq "$(cmp -s "$WORK/body" "$WORK/v1.json" && echo same)" same "unchanged content: the same bytes"
check_eq "$(grep -i '^content-type:' "$HDRS" | tr -d '\r' | cut -d' ' -f2-)" application/json "bundle media type"
LIST=$(ctl key list)
check_eq "$(head -n 1 <<<"$LIST" | cut -f1)" KID "key list header"
check_eq "$(grep '^next ' <<<"$LIST" | grep -c "sha256 of its public key: $D1\$")" 1 "key list: the committed digest on its own line"
check_eq "$(grep -c z6Mk <<<"$(grep '^next ' <<<"$LIST")")" 0 "key list: no public key for the next key"

# ------------------------------------------------ status lists (7 days)
for L in revocation suspension; do
	call GET "/v1/status-lists/$L-1"; expect 200 "$L list"
	check_eq "$(jget '(.validUntil | fromdate) - (.validFrom | fromdate)')" $((7 * DAY)) "$L list: validUntil = validFrom + 7d by default"
done

# ------------------------------------------- rotation while labeld runs
# the next key kept off the machine: rotate names the file and changes nothing
NEXTFILE="$DATA/keys/key-${D1:0:8}.key"
check_eq "$(stat -c %a "$NEXTFILE")" 600 "the next key's file is 0600"
mv "$NEXTFILE" "$WORK/offline.key"
RC=0; ctl key rotate > "$WORK/rotate0.out" 2>&1 || RC=$?
check_eq "$RC" 1 "rotate without the next key's file fails"
check_eq "$(grep -c "put its file back at $NEXTFILE" "$WORK/rotate0.out")" 1 "and says which file to put back"
check_eq "$(sql 'SELECT count(*) FROM signing_keys')/$(sql 'SELECT max(version) FROM trust_bundles')" 1/1 "nothing changed"
mv "$WORK/offline.key" "$NEXTFILE"
ctl key rotate > "$WORK/rotate.out" 2> "$WORK/rotate.err" && ok || fail "labelctl key rotate: $(cat "$WORK/rotate.err")"
KID2=$(sed -n 's/^key \(key-[0-9a-f]*\) is active.*promoted$/\1/p' "$WORK/rotate.out")
check_eq "$KID2" "key-${D1:0:8}" "rotate promotes the committed key"
check_eq "$(grep -c "^key $KID1 retired at" "$WORK/rotate.out")" 1 "rotate retires the old key"
check_eq "$(grep -c "^partners must fetch trust bundle version 2: $BASE/v1/trust-bundle/versions/2\$" "$WORK/rotate.out")" 1 "rotate says what partners must fetch"
check_eq "$(sql 'SELECT max(version) FROM trust_bundles')" 2 "rotate issued version 2 itself"
call GET /v1/trust-bundle; expect 200 "trust bundle after rotation"
cp "$WORK/body" "$WORK/v2.json"
check_eq "$(jget .version)" 2 "a higher version"
check_eq "$(jget '[.keys[].id] | join(" ")')" "$DID#$KID1 $DID#$KID2" "its keys changed"
check_eq "$(jget .proof.verificationMethod)" "$DID#$KID2" "signed by the promoted key"
check_eq "$(verifies "$WORK/v2.json")" "ok $KID2" "version 2 verifies"
MB2=$(jq -r --arg id "$DID#$KID2" '.keys[] | select(.id == $id) | .publicKeyMultibase' "$WORK/v2.json")
H2=$(mk_sha256 "$MB2")
if [ -n "$H2" ]; then
	check_eq "$H2" "$D1" "sha256 of the promoted key = version 1's nextKeyDigest"
else
	echo "note: python3 absent: the digest is checked by its key id prefix only"
fi
D2=$(jget .nextKeyDigest)
check_eq "$([ "$D2" != "$D1" ] && [ ${#D2} = 64 ] && echo new)" new "version 2 commits to a fresh next key"
call GET /v1/trust-bundle/versions/1; expect 200 "version 1 by number"
check_eq "$(cmp -s "$WORK/body" "$WORK/v1.json" && echo same)" same "version 1 unchanged"
call GET /v1/trust-bundle/versions/2; expect 200 "version 2 by number"
check_eq "$(cmp -s "$WORK/body" "$WORK/v2.json" && echo same)" same "version 2 as served"
call GET /v1/trust-bundle/versions/3; expect_problem 404 "unknown version" 3
call GET /v1/trust-bundle/versions/0; expect_problem 404 "version 0"
call GET /v1/trust-bundle/versions/two; expect_problem 400 "not an integer" two
call GET /v1/trust-bundle/versions/-1; expect_problem 400 "negative"
call POST /v1/trust-bundle/versions/1 "" '{}'; expect_problem 405 "versions are read-only"
# the lists follow the active key at once: from here only their age counts
for L in revocation suspension; do
	call GET "/v1/status-lists/$L-1"
	check_eq "$(jget .proof.verificationMethod)" "$DID#$KID2" "$L list re-signed by the promoted key"
done
GEN0=$(sql "SELECT generated_at FROM status_lists WHERE id = 'revocation-1'")
check_eq "$(sql "SELECT count(*) FROM status_lists WHERE kid = '$KID2'")" 2 "both lists signed by $KID2 before the restart"
stop_labeld

# ------------------------- 4 days later: re-signed by the scheduler alone
LABELD_TEST_CLOCK_OFFSET=4d start_labeld
wait_sql "SELECT count(*) FROM status_lists WHERE generated_at > '$(later $((4 * DAY - 3600)))'" 2 \
    "both lists re-signed without any fetch (half of 7 days passed)"
check_eq "$(grep -c 'scheduler: status list revocation-1 re-signed' "$LOG.new")" 1 "the scheduler logs it"
check_eq "$(sql 'SELECT max(version) FROM trust_bundles')" 2 "no bundle version without a change"
call GET /v1/status-lists/revocation-1
check_eq "$(jget .validFrom)" "$(sql "SELECT generated_at FROM status_lists WHERE id = 'revocation-1'")" "the fetch serves the scheduler's copy"
check_eq "$([[ "$(jget .validFrom)" > "$GEN0" ]] && echo later)" later "signed later than before"
stop_labeld

# ------------------------------------ status_list_validity = 36h honoured
printf 'status_list_validity = 36h\n' > "$WORK/labeld.conf"
LABELD_TEST_CLOCK_OFFSET=5d start_labeld --config "$WORK/labeld.conf"
wait_sql "SELECT count(*) FROM status_lists WHERE generated_at > '$(later $((5 * DAY - 3600)))'" 2 \
    "lists older than half of 36h re-signed"
call GET /v1/status-lists/suspension-1
check_eq "$(jget '(.validUntil | fromdate) - (.validFrom | fromdate)')" $((36 * 3600)) "validUntil = validFrom + status_list_validity"
stop_labeld
printf 'status_list_validity = 7 days\n' > "$WORK/bad.conf"
RC=0; "$LABELD" --config "$WORK/bad.conf" --data-dir "$DATA" -n > "$WORK/bad.out" 2>&1 || RC=$?
check_eq "$RC/$(grep -c 'status_list_validity: expected a duration' "$WORK/bad.out")" "1/1" "a bad duration is refused with its line"

# ------------------------------- 340 days later: the bundle is renewed
LABELD_TEST_CLOCK_OFFSET=340d start_labeld
wait_sql 'SELECT max(version) FROM trust_bundles' 3 "renewed 30 days before expiry, without any fetch"
call GET /v1/trust-bundle
cp "$WORK/body" "$WORK/v3.json"
check_eq "$(jget .version)" 3 "version 3 served"
check_eq "$(jget .proof.verificationMethod)" "$DID#$KID2" "renewal signed by the active key"
check_eq "$(jq -c '[.keys[].id]' "$WORK/v3.json")" "$(jq -c '[.keys[].id]' "$WORK/v2.json")" "same keys"
check_eq "$(jget .nextKeyDigest)" "$D2" "same commitment"
check_eq "$([[ "$(jget .issued)" > "$(later $((339 * DAY)))" ]] && echo later)" later "issued at the moved time"
check_eq "$(jget '(.expires | fromdate) - (.issued | fromdate)')" $((365 * DAY)) "a year from the renewal"
check_eq "$(verifies "$WORK/v3.json")" "ok $KID2" "version 3 verifies"
check_eq "$(grep -c 'scheduler: trust bundle version 3 issued' "$LOG.new")" 1 "the scheduler logs the renewal"
stop_labeld

# --------------------- upgrade: a data dir from before pre-rotation
# The old layout: migrations 0001 to 0006 only, one active key, no next.
OLD="$WORK/old"
"$LABELCTL" --data-dir "$WORK/donor" init > /dev/null 2>&1 || fail "labelctl init (donor of a key)"
mkdir -m 700 -p "$OLD/keys"
{
	echo "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);"
	for m in "$top_srcdir"/migrations/000[1-6]_*.sql; do
		echo "BEGIN;"; cat "$m"; echo "COMMIT;"
		n=$(basename "$m")
		echo "INSERT INTO schema_migrations VALUES (${n:0:4} + 0, '$n', '2026-01-01T00:00:00Z');"
	done
	echo "ATTACH '$WORK/donor/labeld.db' AS donor;"
	echo "INSERT INTO signing_keys (kid, public_key, file, sealed, status, created_at) SELECT kid, public_key, file, sealed, status, created_at FROM donor.signing_keys WHERE status = 'active';"
} | sqlite3 "$OLD/labeld.db"
OLDKID=$(sqlite3 "$OLD/labeld.db" "SELECT kid FROM signing_keys")
cp "$WORK/donor/keys/$OLDKID.key" "$OLD/keys/"
check_eq "$(sqlite3 "$OLD/labeld.db" 'SELECT max(version) FROM schema_migrations')" 6 "old layout at schema 6"
DATA="$OLD"; PORT=
start_labeld
check_eq "$(grep -c 'applied migration 0007' "$LOG.new")" 1 "the first start applies 0007"
check_eq "$(grep -c 'committed to next signing key' "$LOG.new")" 1 "and commits to a next key"
call GET /v1/trust-bundle; expect 200 "upgraded bundle"
cp "$WORK/body" "$WORK/u1.json"
UD=$(sql 'SELECT digest FROM next_keys WHERE promoted_at IS NULL')
check_eq "$(jget .nextKeyDigest)" "$UD" "the new version publishes the commitment"
check_eq "$(jget .version)" 1 "in a new version"
check_eq "$(jget .proof.verificationMethod | sed 's/.*#//')" "$OLDKID" "signed by the old active key"
ctl key rotate > "$WORK/rotate2.out" 2> "$WORK/rotate2.err" && ok || fail "rotate after the upgrade: $(cat "$WORK/rotate2.err")"
check_eq "$(grep -c continuity "$WORK/rotate2.err")" 0 "no continuity warning after the upgrade"
call GET /v1/trust-bundle
check_eq "$(jget .version)/$(jget .proof.verificationMethod | sed 's/.*#//')" "2/key-${UD:0:8}" "the upgraded dir rotates by continuity"
# the documented procedure after a compromise: rotate (above), then mark
SINCE=$(later -3600)
ctl key compromise "$OLDKID" --since "$SINCE" > "$WORK/comp.out" 2>&1 && ok || fail "key compromise: $(cat "$WORK/comp.out")"
check_eq "$(grep -c "^partners must fetch trust bundle version 3: $BASE/v1/trust-bundle/versions/3\$" "$WORK/comp.out")" 1 "compromise issues version 3 and says so"
call GET /v1/trust-bundle/versions/3; expect 200 "version 3 after the compromise mark"
check_eq "$(jget .proof.verificationMethod | sed 's/.*#//')" "key-${UD:0:8}" "signed by the active key"
check_eq "$(jget '.keys[0].status')/$(jget '.keys[0].compromisedAt')" "compromised/$SINCE" "the bundle shows the compromise"
stop_labeld

finish
