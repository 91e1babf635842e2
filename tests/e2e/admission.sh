#!/usr/bin/env bash
# admission.sh: a request is judged on its URL and headers before any body
# byte is read.  An upload without a valid token, with the wrong role or to
# an unknown route is refused at once, so an anonymous client cannot make
# labeld hold a large body; a path with a control byte (%00 and the like)
# is refused with 400 instead of being routed as the part before it.
. "$(dirname "$0")/lib.sh"

start_labeld
make_org "Acme" vendor vendor; VENDOR=$TOKEN
REG=$("$LABELCTL" --data-dir "$DATA" token create --role regulator | sed -n 's/^token //p')
call POST /v1/products "$VENDOR" '{"name":"Cam","model":"C","category":"camera","support_until":"2030-01-01","vulnerability_contact":"https://example.com/security"}'
P=$(jget .id)
call POST "/v1/products/$P/versions" "$VENDOR" '{"version":"1.0"}'
call POST /v1/submissions "$VENDOR" "{\"product_id\":\"$P\",\"product_version\":\"1.0\",\"scheme\":\"sg-cls-iot\",\"target_tier\":1}"
S=$(jget .id)
[ -n "$S" ] && [ "$S" != null ] && ok || fail "a submission to upload to"

# --- refused before the body is read ---
# 20 MiB sent at 1 MiB/s would take 20 s.  The answer must come long before
# (curl stops sending when it arrives), and only a small part of the body
# may have left curl.
MIB=$((1024 * 1024))
head -c $((20 * MIB)) /dev/zero > "$WORK/big"
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status" 2>/dev/null; }
HWM0=$(hwm)
# early_upload DESCRIPTION CODE PATH [curl args...]: twice, once waiting for
# "100 Continue" as curl does for large bodies, once sending at once.
early_upload() {
	local what=$1 code=$2 path=$3 expect_hdr out t sent
	shift 3
	for expect_hdr in 'Expect: 100-continue' 'Expect:'; do
		out=$(curl -s -m 60 -o "$WORK/body" -D "$WORK/hdrs" --limit-rate 1M \
		    -w '%{http_code} %{time_total} %{size_upload}' -X POST \
		    -H 'Content-Type: application/octet-stream' -H "$expect_hdr" "$@" \
		    --data-binary "@$WORK/big" "$BASE$path") || true
		STATUS=${out%% *}; BODY=$(cat "$WORK/body" 2>/dev/null || true)
		HDRS="$WORK/hdrs"
		expect_problem "$code" "$what ($expect_hdr)"
		read -r _ t sent <<<"$out"
		if awk -v t="${t:-99}" 'BEGIN { exit !(t < 5) }'; then ok
		else fail "$what ($expect_hdr): answered after ${t:-?} s, not before the body was sent"; fi
		if [ "${sent:-$((20 * MIB))}" -lt $((8 * MIB)) ]; then ok
		else fail "$what ($expect_hdr): curl sent ${sent:-?} bytes of the body before the answer"; fi
	done
}
early_upload "upload without a token" 401 "/v1/submissions/$S/evidence"
grep -qi '^www-authenticate: Bearer' "$HDRS" && ok || fail "401 names the Bearer scheme"
early_upload "upload with an unknown token" 401 "/v1/submissions/$S/evidence" \
    -H "Authorization: Bearer $(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
early_upload "upload with the wrong role" 403 "/v1/submissions/$S/evidence" \
    -H "Authorization: Bearer $REG"
early_upload "upload to no route" 404 "/v1/nowhere" -H "Authorization: Bearer $VENDOR"
early_upload "chunked upload without a token" 401 "/v1/submissions/$S/evidence" \
    -H 'Transfer-Encoding: chunked'
early_upload "JSON body without a token" 401 /v1/organizations \
    -H 'Content-Type: application/json'
# Nothing of the refused bodies was held: the peak memory grew far less
# than one 20 MiB body (where /proc tells it).
HWM1=$(hwm)
if [ -n "$HWM0" ] && [ -n "$HWM1" ]; then
	if [ $((HWM1 - HWM0)) -lt $((8 * 1024)) ]; then ok
	else fail "labeld's peak memory grew by $((HWM1 - HWM0)) kB for refused uploads"; fi
fi
grep -q "POST /v1/submissions/$S/evidence 401" "$LOG" && ok || fail "the refusal is logged"

# The same upload with a valid token and role is read and stored.
out=$(curl -s -m 60 -o "$WORK/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $VENDOR" \
    -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/big" \
    "$BASE/v1/submissions/$S/evidence") || out=000
check_eq "$out" 201 "an authorised 20 MiB upload is stored"
check_eq "$(jq -r .size "$WORK/body")" $((20 * MIB)) "all of it"

# A refusal of a request without a body keeps the connection open.
curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' "$BASE/v1/products" "$BASE/v1/products" \
    > "$WORK/conns"
check_eq "$(paste -sd, "$WORK/conns")" "1,0" "two 401s on one kept-alive connection"

# --- control bytes in the path ---
LABEL=SG-CLS-2026-000001
for c in %00 %01 %09 %0a %0D %1b %1f %7F; do
	call GET "/v1/labels/$LABEL$c/status"
	expect_problem 400 "GET /v1/labels/$LABEL$c/status" "control"
	call POST "/v1/labels/$LABEL$c/revoke" "$REG" '{"reason":"x"}'
	expect_problem 400 "POST /v1/labels/$LABEL$c/revoke" "control"
done
call GET "/v1/products/$P%00/versions" "$VENDOR"
expect_problem 400 "%00 inside a path" "control"
call GET "/v1%00/products" "$VENDOR"
expect_problem 400 "%00 in a literal segment" "control"
# Escapes of ordinary characters are still decoded and routed.
call GET "/v1/produc%74s/$P" "$VENDOR"; expect 200 "%74 is a t"
call GET "/v1/labels/$LABEL/status"; expect_problem 404 "the label itself is still looked up"
# ... and the access log shows them as '?' (no terminal escapes in it).
sleep 0.2
if grep -q $'\x1b' "$LOG"; then fail "an escape byte reached the log"; else ok; fi
grep -q "GET /v1/labels/$LABEL?/status 400" "$LOG" && ok || fail "the refusal is logged"

call GET /healthz; expect 200 "healthy"
stop_labeld
finish
