#!/usr/bin/env bash
# backup.sh: labelctl backup DIR while labeld takes writes.  The copy holds
# the database (a consistent snapshot: labelctl check passes), the token
# key, the signing and log keys and the evidence, 0700/0600; every write
# acknowledged before the backup started is in it; labeld starts from it,
# signs new labels with the same key, still verifies every old label and
# answers the old tokens; the log verifies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/story.sh"
LABELCTL="$top_builddir/labelctl"

start_labeld
make_org "Acme Devices" vendor vendor; VENDOR=$TOKEN
"$LABELCTL" --data-dir "$DATA" token create --role regulator > "$WORK/reg"
REG=$(sed -n 's/^token //p' "$WORK/reg")
issue_label "$VENDOR" "$REG" "Cam" 2030-06-30; L1=$LABEL
call GET "/v1/labels/$L1"; cp "$WORK/body" "$WORK/l1.json"
KID=$(jq -r '.proof.verificationMethod' "$WORK/l1.json")

# Writes go on while the backup is taken; their acknowledged ids are kept.
load() {
	local i code out="$WORK/w.$1"
	for i in $(seq 1 400); do
		[ -e "$WORK/stop" ] && break
		code=$(curl -s -o "$out" -w '%{http_code}' -X POST \
		    -H "Authorization: Bearer $VENDOR" -H 'Content-Type: application/json' \
		    --data-binary "{\"name\":\"Load $i\",\"model\":\"L\",\"category\":\"hub\",\"support_until\":\"2030-01-01\"}" \
		    "$BASE/v1/products") || code=000
		[ "$code" = 201 ] && jq -r .id "$out" >> "$WORK/acked.$1"
	done
}
load a & LA=$!
load b & LB=$!
for _ in $(seq 1 50); do [ -s "$WORK/acked.a" ] && break; sleep 0.1; done
cat "$WORK"/acked.* > "$WORK/before"
"$LABELCTL" --data-dir "$DATA" backup "$WORK/bk" > "$WORK/bk.out" 2>&1 && ok || fail "labelctl backup under load: $(cat "$WORK/bk.out")"
touch "$WORK/stop"; wait "$LA" "$LB" || true
cat "$WORK/bk.out"
[ -s "$WORK/before" ] && ok || fail "no write was acknowledged before the backup"

# What the copy holds.
check_eq "$("$LABELCTL" --data-dir "$WORK/bk" check)" ok "the backup passes labelctl check"
for f in labeld.db token.key; do [ -f "$WORK/bk/$f" ] && ok || fail "the backup has $f"; done
check_eq "$(ls "$DATA/keys" | sort | tr '\n' ' ')" "$(ls "$WORK/bk/keys" | sort | tr '\n' ' ')" "every signing and log key is copied"
check_eq "$(cd "$DATA" && find evidence -type f | sort | tr '\n' ' ')" "$(cd "$WORK/bk" && find evidence -type f | sort | tr '\n' ' ')" \
    "every evidence file is copied"
check_eq "$(find "$WORK/bk" -type f ! -perm 600 | wc -l)/$(find "$WORK/bk" -type d ! -perm 700 | wc -l)" "0/0" "0600 files, 0700 directories"
missing=0
while read -r id; do
	n=$(sqlite3 "$WORK/bk/labeld.db" "SELECT count(*) FROM products WHERE id = '$id'")
	[ "$n" = 1 ] || missing=$((missing + 1))
done < "$WORK/before"
check_eq "$missing" 0 "every write acknowledged before the backup is in it ($(wc -l < "$WORK/before") of them)"
stop_labeld

# labeld starts from the backup, same key, old labels verify, old tokens work.
DATA=$WORK/bk
start_labeld
call GET /v1/products "$VENDOR"
expect 200 "the vendor's token works on the restored data dir"
call POST /v1/verify "" "$(cat "$WORK/l1.json")"
check_eq "$(jget .verified)" true "the old label verifies on the restored labeld"
issue_label "$VENDOR" "$REG" "Hub" 2030-06-30
call GET "/v1/labels/$LABEL"
check_eq "$(jq -r '.proof.verificationMethod | sub(".*#"; "")' "$WORK/body")" "${KID##*#}" "the restored labeld signs with the same key"
stop_labeld
out=$("$LABELCTL" --data-dir "$WORK/bk" log verify 2>&1) && ok || fail "the restored log verifies: $out"
finish
