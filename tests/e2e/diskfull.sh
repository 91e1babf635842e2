#!/usr/bin/env bash
# diskfull.sh: the disk that holds the data dir fills up.  On a small
# tmpfs (mounting one needs root: the test skips with a message where it
# cannot), writes fail with a clean 507 problem answer and reads go on;
# nothing is corrupted (labelctl check, every acknowledged write present);
# once space returns, writes succeed again without a restart.
. "$(dirname "$0")/lib.sh"
LABELCTL="$top_builddir/labelctl"

MNT="$WORK/small"
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=8m,mode=0700 tmpfs "$MNT" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs here (needs root and mount rights); the disk-full answer is tested by fault injection in check_fault"
	exit 77
fi
trap 'stop_labeld 2>/dev/null; umount "$MNT" 2>/dev/null; cleanup' EXIT
DATA="$MNT/data"

start_labeld
make_org "Acme Devices" vendor vendor; VENDOR=$TOKEN
# Fill the disk, leaving a little, so that the database runs out first.
dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null || true
truncate -s -256k "$MNT/filler"
acked=0 full=0 other=0
: > "$WORK/acked"
for i in $(seq 1 2000); do
	call POST /v1/products "$VENDOR" "{\"name\":\"Product $i $(head -c 150 /dev/zero | tr '\0' x)\",\"model\":\"M\",\"category\":\"hub\",\"support_until\":\"2030-01-01\"}"
	case $STATUS in
	201) acked=$((acked + 1)); jget .id >> "$WORK/acked" ;;
	507) full=$((full + 1)); [ "$full" = 1 ] && { FULL_BODY=$BODY; cp "$HDRS" "$WORK/507.hdrs"; }; [ "$full" -ge 3 ] && break ;;
	*) other=$((other + 1)); echo "unexpected $STATUS: ${BODY:0:200}" ;;
	esac
done
echo "acknowledged $acked writes before the disk was full"
[ "$full" -gt 0 ] && ok || fail "no 507 before the disk was full ($acked writes taken)"
check_eq "$other" 0 "every answer was 201 or 507"
STATUS=507 BODY=$FULL_BODY HDRS="$WORK/507.hdrs"
expect_problem 507 "a write on a full disk" "disk that holds the database is full"
call GET /v1/products "$VENDOR"
expect 200 "reads go on while the disk is full"
call GET /healthz
expect 200 "healthz while the disk is full"

# Space returns: writes succeed again, without a restart.
rm -f "$MNT/filler"
call POST /v1/products "$VENDOR" '{"name":"After","model":"M","category":"hub","support_until":"2030-01-01"}'
expect 201 "a write once space returned"
jget .id >> "$WORK/acked"
stop_labeld
check_eq "$("$LABELCTL" --data-dir "$DATA" check)" ok "labelctl check after the disk was full"
missing=0
while read -r id; do
	[ "$(sqlite3 "$DATA/labeld.db" "SELECT count(*) FROM products WHERE id = '$id'")" = 1 ] || missing=$((missing + 1))
done < "$WORK/acked"
check_eq "$missing" 0 "every acknowledged write is there ($(wc -l < "$WORK/acked"))"
finish
