#!/usr/bin/env bash
# abuse.sh: the controls that keep labeld answering others under abuse.
# Rate limits per token on writes and per address on public POSTs (429
# with Retry-After; reads never limited; one client's limit is not
# another's); token expiry (expires_at at creation, refused once past,
# with the test clock); every refused token logged with its address and
# never the secret; and 1,100 half-open connections from one address,
# which neither stop /healthz answering another address at once nor
# outlive the idle timeout.
#
# Needs a build configured with --enable-test-clock (token expiry moves
# time): without it the test fails when LABELD_REQUIRE_TEST_CLOCK=1 and
# skips otherwise.
. "$(dirname "$0")/lib.sh"

if ! "$LABELD" --version | grep -q 'test clock'; then
	if [ "${LABELD_REQUIRE_TEST_CLOCK:-0}" = 1 ]; then
		echo "FAIL: labeld was built without --enable-test-clock; this test moves time with LABELD_TEST_CLOCK_OFFSET"
		exit 1
	fi
	echo "SKIP: needs a build configured with --enable-test-clock; contrib/quickstart.sh test and CI build so"
	exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is needed for the half-open connections"; exit 1; }

# The half-open part needs more descriptors than the usual 1024.
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 2500 ] || { echo "FAIL: cannot raise ulimit -n to 2500 (hard limit $(ulimit -Hn))"; exit 1; }

start_labeld --rate-limit-write 2 --rate-limit-verify 3 --max-conns-per-ip 200

# --- writes: 2/s per token, bursts of 10 ---
make_org "Vendor A" vendor vendor; VA=$TOKEN
make_org "Vendor B" vendor vendor; VB=$TOKEN
product='{"name":"Cam","model":"C1","category":"camera","support_until":"2030-01-01"}'
limited=0 created=0
for i in $(seq 1 30); do
	call POST /v1/products "$VA" "$product"
	case $STATUS in
	201) created=$((created + 1)) ;;
	429) limited=$((limited + 1)); [ "$limited" = 1 ] && { cp "$WORK/hdrs" "$WORK/429.hdrs"; L_BODY=$BODY; } ;;
	*) fail "write $i: unexpected $STATUS" ;;
	esac
done
[ "$limited" -gt 0 ] && ok || fail "30 quick writes from one token at 2/s: none refused"
[ "$created" -ge 10 ] && [ "$created" -le 20 ] && ok || fail "the burst: $created of 30 writes taken, expected 10 plus the refill"
STATUS=429 BODY=$L_BODY HDRS="$WORK/429.hdrs"
expect_problem 429 "a write past the limit" "at most 2 per second"
retry=$(sed -n 's/^retry-after: *\([0-9]*\).*/\1/ip' "$WORK/429.hdrs")
[ -n "$retry" ] && [ "$retry" -ge 1 ] && ok || fail "429 carries Retry-After in whole seconds: '$retry'"
check_eq "$(jq -r .type <<<"$L_BODY" | sed 's|.*:||')" rate-limited "429 problem type"
# Reads are never limited, and another token has its own bucket.
call GET /v1/products "$VA"
expect 200 "a read by the limited token"
call POST /v1/products "$VB" "$product"
expect 201 "another token is not limited by the first one's use"
# After Retry-After the token is served again.
sleep "$retry"
call POST /v1/products "$VA" "$product"
expect 201 "the limited token after Retry-After"

# --- public POSTs: 3/s per address, bursts of 15 ---
limited=0
for i in $(seq 1 40); do
	call POST /v1/verify "" '{"not":"a credential"}'
	[ "$STATUS" = 429 ] && { limited=$((limited + 1)); LB=$BODY; }
done
[ "$limited" -gt 0 ] && ok || fail "40 quick POST /v1/verify from one address at 3/s: none refused"
STATUS=429 BODY=$LB
check_eq "$(jq -r .detail <<<"$LB" | grep -c 'this address: at most 3 per second')" 1 "verify 429 names the address limit"
call GET /healthz
expect 200 "GET is not limited while POSTs are"

# --- token expiry ---
call POST "/v1/organizations/$ORG_ID/tokens" "$ADMIN" '{"role":"vendor","expires_at":"2001-01-01T00:00:00Z"}'
expect_problem 422 "a token expiring in the past" "not in the future"
call POST "/v1/organizations/$ORG_ID/tokens" "$ADMIN" '{"role":"vendor","expires_at":"tomorrow"}'
expect_problem 422 "expires_at not a date-time" "RFC 3339"
call POST "/v1/organizations/$ORG_ID/tokens" "$ADMIN" '{"role":"vendor","expires_at":42}'
expect_problem 422 "expires_at of the wrong type" "expires_at"
exp=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%S+00:00)
call POST "/v1/organizations/$ORG_ID/tokens" "$ADMIN" "{\"role\":\"vendor\",\"expires_at\":\"$exp\"}"
expect 201 "a token expiring in an hour"
SHORT=$(jget .token) SHORT_ID=$(jget .id)
check_eq "$(jget .expires_at)" "$(date -u -d "$exp" +%Y-%m-%dT%H:%M:%SZ)" "expires_at is answered in UTC"
call GET /v1/products "$SHORT"
expect 200 "the token before it expires"
stop_labeld
LABELD_TEST_CLOCK_OFFSET=2h start_labeld --rate-limit-write 2 --rate-limit-verify 3
call GET /v1/products "$SHORT"
expect_problem 401 "the token once expired" "expired at"
call GET /v1/products "lbd_nosuchtoken"
expect_problem 401 "an unknown token" "unknown"
call DELETE "/v1/tokens/$SHORT_ID" "$ADMIN"
expect 200 "revoking the expired token"
call GET /v1/products "$SHORT"
expect_problem 401 "a revoked token" "revoked at"
grep -q "auth: expired token $SHORT_ID on GET /v1/products from 127.0.0.1" "$LOG" && ok ||
    fail "the expired token's use is logged with its id and address"
grep -q "auth: unknown token on GET /v1/products from 127.0.0.1" "$LOG" && ok ||
    fail "an unknown token's use is logged"
grep -q "auth: revoked token $SHORT_ID" "$LOG" && ok || fail "a revoked token's use is logged"
grep -qF "$SHORT" "$LOG" && fail "a token secret appears in the log" || ok
stop_labeld

# --- half-open connections: 1,100 from 127.0.0.2, headers never finished ---
start_labeld --max-conns-per-ip 200
cat > "$WORK/halfopen.py" <<'EOF'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks, refused = [], 0
for i in range(n):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    except OSError:
        refused += 1
        s.close()
print("open", len(socks), "refused-at-connect", refused, flush=True)
open(sys.argv[3], "w").write("ready\n")
# Wait for the server to close them: the idle timeout, bounded.
deadline = time.time() + 30
live = list(socks)
while live and time.time() < deadline:
    nxt = []
    for s in live:
        s.settimeout(0.01)
        try:
            d = s.recv(4096)
            if d == b"":
                continue   # closed by the server (refused or timed out)
            nxt.append(s)  # an answer: still counts as not closed yet
        except socket.timeout:
            nxt.append(s)
        except OSError:
            pass
    live = nxt
    time.sleep(0.2)
print("closed-by-server", len(socks) - len(live), "still-open", len(live),
      "after", round(time.time() - (deadline - 30), 1), "s", flush=True)
EOF
python3 "$WORK/halfopen.py" "$PORT" 1100 "$WORK/ready" > "$WORK/halfopen.out" 2>&1 &
HALF=$!
for i in $(seq 1 100); do [ -s "$WORK/ready" ] && break; sleep 0.1; done
[ -s "$WORK/ready" ] && ok || fail "the half-open client did not get going"
t0=$(date +%s%N)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/healthz") || code=000
t1=$(date +%s%N)
check_eq "$code" 200 "/healthz from 127.0.0.1 while 127.0.0.2 holds 1,100 half-open connections"
echo "/healthz answered in $(( (t1 - t0) / 1000000 )) ms under the flood"
wait "$HALF" || true
cat "$WORK/halfopen.out"
grep -q 'still-open 0 ' "$WORK/halfopen.out" && ok || fail "half-open connections outlive the idle timeout: $(cat "$WORK/halfopen.out")"
call GET /healthz
expect 200 "/healthz after the flood"
stop_labeld
finish
