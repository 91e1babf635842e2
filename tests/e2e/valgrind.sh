#!/usr/bin/env bash
# valgrind.sh: labeld under valgrind memcheck through one story: the first
# start (bootstrap), a vendor and its product, a submission approved into a
# label, the label and its status read back, then SIGTERM.  Any memcheck
# error or a definitely or indirectly lost block fails the test.  Skipped
# (77) without valgrind and in a sanitizer build (CI's ASan pass: valgrind
# cannot run an ASan binary), which the binary itself tells.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null 2>&1 || {
	echo "SKIP: valgrind is not installed (apt-get install valgrind)"
	exit 77
}
if nm "$LABELD" 2>/dev/null | grep -q -e '__asan_init' -e '__ubsan_handle'; then
	echo "SKIP: $LABELD is a sanitizer build; valgrind runs in the plain pass"
	exit 77
fi
VGLOG="$WORK/valgrind.log"

# As lib.sh's start_labeld, under valgrind (far slower: a minute to start).
start_labeld_vg() {
	local i
	: > "$LOG.new"
	valgrind --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    --track-origins=yes --log-file="$VGLOG" \
	    "$LABELD" --data-dir "$DATA" --listen 127.0.0.1:0 --threads 2 \
	    >>"$LOG.new" 2>&1 &
	PID=$!
	for i in $(seq 1 1200); do
		grep -q 'listening on' "$LOG.new" 2>/dev/null && break
		if ! kill -0 "$PID" 2>/dev/null; then
			cat "$LOG.new" "$VGLOG"; echo "FAIL: labeld exited at start"
			exit 1
		fi
		sleep 0.1
	done
	PORT=$(sed -n 's/.*listening on .* port \([0-9]*\) .*/\1/p' "$LOG.new" | head -n 1)
	[ -n "$PORT" ] || { cat "$LOG.new"; echo "FAIL: no port"; exit 1; }
	BASE="http://127.0.0.1:$PORT"
	ADMIN=$(cat "$DATA/admin.token")
	cat "$LOG.new" >> "$LOG"
	TAILPID=
}

start_labeld_vg
make_org "Acme Devices" vendor vendor; VENDOR=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; AUTH_ORG=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH_ORG/tokens" "$ADMIN" '{"role":"regulator"}'
expect 201 "regulator token"; REG=$(jget .token)
call POST /v1/products "$VENDOR" '{"name":"Hub","model":"H-2","category":"hub","support_until":"2030-06-30"}'
expect 201 "product"; P=$(jget .id)
call POST "/v1/products/$P/versions" "$VENDOR" '{"version":"2.1"}'
expect 201 "version"
call POST /v1/submissions "$VENDOR" "{\"product_id\":\"$P\",\"product_version\":\"2.1\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
expect 201 "submission"; SUB=$(jget .id)
call GET /v1/schemes/sg-cls-iot; DOC=$BODY
upload_kinds "$SUB" "$VENDOR" "$DOC"
ITEMS=$(jq -c --argjson ev "$KIND_EVIDENCE" '[.requirements[] | select(.mode == "self_declaration") |
    {requirement: .id, status: "conformant", justification: "Tested", evidence: [.evidence[] | $ev[.]]}]' <<<"$DOC")
call GET "/v1/submissions/$SUB" "$VENDOR"
ET=$(grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
call PUT "/v1/submissions/$SUB/declarations" "$VENDOR" "{\"items\":$ITEMS}" -H "If-Match: $ET"
expect 200 "declarations"
call PUT "/v1/submissions/$SUB/declarations" "$VENDOR" '{"items":[{"requirement":"nope"}]}' -H "If-Match: $ET"
expect_problem 412 "a stale If-Match"
call POST "/v1/submissions/$SUB/submit" "$VENDOR"
expect 200 "submit"
call POST "/v1/submissions/$SUB/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
expect 200 "approval issues a label"; LABEL=$(jget .label_id)
call GET "/v1/labels/$LABEL"; expect 200 "the label"
cp "$WORK/body" "$WORK/label.json"
call POST /v1/verify "" "$(cat "$WORK/label.json")"; expect 200 "verify it"
call GET "/v1/labels/$LABEL/proof"; expect 200 "its log proof"
call GET /v1/status-lists/revocation-1; expect 200 "a status list"
call GET /v1/trust-bundle; expect 200 "the trust bundle"
call POST /v1/products "$VENDOR" 'not json'; expect_problem 400 "a malformed body"
call GET /v1/nowhere; expect_problem 404 "an unknown path"
call GET /metrics; expect 200 "metrics"

# SIGTERM: labeld stops, then valgrind reports and exits 99 on an error.
kill -TERM "$PID"
rc=0; wait "$PID" || rc=$?
PID=
check_eq "$rc" 0 "labeld under valgrind exits 0 on SIGTERM (99: memcheck errors)"
# The summary proves memcheck ran and saw the whole life of labeld.
grep -q 'ERROR SUMMARY: 0 errors' "$VGLOG" && ok || fail "memcheck reported errors"
grep -q 'definitely lost: [1-9]\|indirectly lost: [1-9]' "$VGLOG" &&
    fail "leaks reported" || ok
if [ "$FAILS" -ne 0 ]; then
	echo "--- valgrind ---"; grep -v '^==[0-9]*== *$' "$VGLOG" | head -n 150
fi
grep -h 'total heap usage\|in use at exit\|lost:\|reachable:' "$VGLOG" | sed 's/^==[0-9]*== */valgrind: /'
finish
