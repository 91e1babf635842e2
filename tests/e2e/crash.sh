#!/usr/bin/env bash
# crash.sh: crash consistency.  A writer issues labels through the whole
# story (product, version, submission, evidence, declarations, submit,
# decision) while labeld is killed with SIGKILL at a random moment,
# CRASH_ROUNDS times (20; `make stress` runs 100).  After every kill:
# `labelctl check` is ok, `labelctl log verify` is ok, every acknowledged
# write is in the database, and every label has its log leaf and every
# issue leaf its label.  Then labeld restarts on the same data and port.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || {
	echo "SKIP: sqlite3 is not installed (apt-get install sqlite3)"
	exit 77
}
ROUNDS=${CRASH_ROUNDS:-20}
ACKED="$WORK/acked"
: > "$ACKED"
DB="$DATA/labeld.db"

start_labeld
make_org "Crash Devices" vendor vendor; VENDOR=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; AUTH_ORG=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH_ORG/tokens" "$ADMIN" '{"role":"regulator"}'
expect 201 "regulator token"; REG=$(jget .token)
call GET /v1/schemes/sg-cls-iot; expect 200 "the scheme"
REQS=$(jq -c '[.requirements[] | select(.mode == "self_declaration") | .id]' <<<"$BODY")
printf 'Crash test documentation\n' > "$WORK/doc.txt"

# w METHOD PATH TOKEN BODY [curl args]: one write of the writer; prints
# "status body" (body on one line), status 000 when labeld is gone.
w() {
	local method=$1 path=$2 token=$3 body=$4 out
	shift 4
	out=$(curl -s -m 5 -X "$method" -H "Authorization: Bearer $token" \
	    ${body:+-H 'Content-Type: application/json' --data-binary "$body"} \
	    "$@" -D "$WORK/w.hdrs" -w '\n%{http_code}' "$BASE$path" 2>/dev/null) ||
	    { echo 000; return; }
	echo "$(tail -n 1 <<<"$out") $(sed '$d' <<<"$out" | tr -d '\n')"
}

# The writer: labels issued one after another until a write fails (the
# kill).  A write is recorded in ACKED only once labeld answered it 2xx.
writer() {
	local n=$1 i=0 r p sub e et items
	while [ $i -lt 200 ]; do
		i=$((i + 1))
		r=$(w POST /v1/products "$VENDOR" "{\"name\":\"Hub $n-$i\",\"model\":\"H-$i\",\"category\":\"hub\",\"support_until\":\"2030-06-30\"}")
		[ "${r%% *}" = 201 ] || return 0
		p=$(jq -r .id <<<"${r#* }"); echo "product $p" >> "$ACKED"
		r=$(w POST "/v1/products/$p/versions" "$VENDOR" '{"version":"1.0"}')
		[ "${r%% *}" = 201 ] || return 0
		echo "version $p 1.0" >> "$ACKED"
		r=$(w POST /v1/submissions "$VENDOR" "{\"product_id\":\"$p\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}")
		[ "${r%% *}" = 201 ] || return 0
		sub=$(jq -r .id <<<"${r#* }"); echo "submission $sub draft" >> "$ACKED"
		r=$(w POST "/v1/submissions/$sub/evidence" "$VENDOR" '' \
		    -H 'Content-Type: text/plain' --data-binary "@$WORK/doc.txt")
		[ "${r%% *}" = 201 ] || return 0
		e=$(jq -r .sha256 <<<"${r#* }"); echo "evidence $sub $e" >> "$ACKED"
		r=$(w GET "/v1/submissions/$sub" "$VENDOR" '')
		[ "${r%% *}" = 200 ] || return 0
		et=$(grep -i '^etag:' "$WORK/w.hdrs" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
		items=$(jq -c --arg e "$e" 'map({requirement: ., status: "conformant",
		    justification: "Tested", evidence: [$e]})' <<<"$REQS")
		r=$(w PUT "/v1/submissions/$sub/declarations" "$VENDOR" "{\"items\":$items}" -H "If-Match: $et")
		[ "${r%% *}" = 200 ] || return 0
		echo "declared $sub" >> "$ACKED"
		r=$(w POST "/v1/submissions/$sub/submit" "$VENDOR" '')
		[ "${r%% *}" = 200 ] || return 0
		echo "submission $sub submitted" >> "$ACKED"
		r=$(w POST "/v1/submissions/$sub/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}')
		[ "${r%% *}" = 200 ] || return 0
		echo "label $(jq -r .label_id <<<"${r#* }") $sub" >> "$ACKED"
	done
}

q() { sqlite3 -batch -noheader "$DB" "$1"; }

# The checks after a kill, labeld down.
after_kill() {
	local round=$1 out kind a b lost
	out=$("$LABELCTL" --data-dir "$DATA" check 2>&1) || true
	check_eq "$out" ok "round $round: labelctl check"
	out=$("$LABELCTL" --data-dir "$DATA" log verify 2>&1) && ok ||
	    fail "round $round: labelctl log verify: $out"
	# One query per acknowledged write, all in one sqlite3 run: each
	# prints the write when it is missing.
	while read -r kind a b; do
		case $kind in
		product) echo "SELECT 'product $a' WHERE NOT EXISTS (SELECT 1 FROM products WHERE id = '$a');" ;;
		version) echo "SELECT 'version $a $b' WHERE NOT EXISTS (SELECT 1 FROM product_versions WHERE product_id = '$a' AND version = '$b');" ;;
		submission) echo "SELECT 'submission $a' WHERE NOT EXISTS (SELECT 1 FROM submissions WHERE id = '$a');"
			# a submitted one may have been decided since: not draft
			[ "$b" = submitted ] && echo "SELECT 'submit of $a' WHERE (SELECT state FROM submissions WHERE id = '$a') IS NOT 'submitted' AND (SELECT state FROM submissions WHERE id = '$a') IS NOT 'approved';" ;;
		evidence) echo "SELECT 'evidence $a $b' WHERE NOT EXISTS (SELECT 1 FROM evidence WHERE submission_id = '$a' AND sha256 = '$b');"
			# and its content-addressed file
			[ -s "$DATA/evidence/${b:0:2}/$b" ] || echo "SELECT 'evidence file $b';" ;;
		declared) echo "SELECT 'declarations of $a' WHERE NOT EXISTS (SELECT 1 FROM declarations WHERE submission_id = '$a');" ;;
		label) echo "SELECT 'label $a' WHERE NOT EXISTS (SELECT 1 FROM labels WHERE id = '$a' AND submission_id = '$b');" ;;
		esac
	done < "$ACKED" > "$WORK/acked.sql"
	sqlite3 -batch -noheader "$DB" < "$WORK/acked.sql" > "$WORK/lost" 2>&1 || true
	lost=$(wc -l < "$WORK/lost")
	[ "$lost" -eq 0 ] || sed "s/^/lost after round $round: /" "$WORK/lost" | head -n 20
	check_eq "$lost" 0 "round $round: every acknowledged write ($(wc -l < "$ACKED")) survived"
	check_eq "$(q "SELECT count(*) FROM labels l WHERE l.submission_id IS NOT NULL AND NOT EXISTS
	    (SELECT 1 FROM tlog_leaves t WHERE t.kind = 'issue' AND t.label_id = l.id)")" 0 \
	    "round $round: no label without its log leaf"
	check_eq "$(q "SELECT count(*) FROM tlog_leaves t WHERE t.kind = 'issue' AND NOT EXISTS
	    (SELECT 1 FROM labels l WHERE l.id = t.label_id)")" 0 \
	    "round $round: no issue leaf without its label"
}

for round in $(seq 1 "$ROUNDS"); do
	[ -n "$PID" ] || start_labeld
	writer "$round" &
	WRITER=$!
	# 0.3 to 2.2 s of writes, then the kill, wherever the writer is.
	sleep "$(( RANDOM % 20 / 10 )).$(( RANDOM % 10 ))"
	sleep 0.3
	stop_labeld KILL
	wait "$WRITER" 2>/dev/null || true
	after_kill "$round"
	[ "$FAILS" -eq 0 ] || break
done
N=$(wc -l < "$ACKED")
[ "$N" -ge "$ROUNDS" ] && ok || fail "the writer made progress ($N writes acknowledged)"
echo "crash.sh: $ROUNDS kill -9 rounds, $N acknowledged writes, $(grep -c "^label " "$ACKED") labels issued"
start_labeld
call GET /healthz; expect 200 "labeld answers after the last kill"
stop_labeld
finish
