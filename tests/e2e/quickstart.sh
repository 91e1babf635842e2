#!/usr/bin/env bash
# quickstart.sh: the README's first command leaves labeld answering
# GET /healthz with 200 on 127.0.0.1:8080, or where QUICKSTART_LISTEN
# says.  It keeps the build under test
# (QUICKSTART_KEEP_BUILD: run would otherwise reconfigure a test-clock
# build, under the other tests' feet).
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
if [ "$(cd "$top_srcdir" && pwd -P)" != "$(cd "$top_builddir" && pwd -P)" ]; then
	echo "SKIP: the quickstart builds in the source tree; this is a separate build dir"
	exit 77
fi
if curl -s -m 2 -o /dev/null http://127.0.0.1:8080/ 2>/dev/null; then
	echo "SKIP: something already listens on 127.0.0.1:8080"
	exit 77
fi
# run_quickstart URL [LISTEN]: starts the run command (with QUICKSTART_LISTEN
# when given) and sets STATUS (healthz at URL) and ADMIN_OK.
run_quickstart() {
	local url=$1 listen=${2:-} data log pid i
	data=$(mktemp -d "${TMPDIR:-/tmp}/labeld-quickstart.XXXXXX")
	log="$data.log"
	QUICKSTART_KEEP_BUILD=1 QUICKSTART_DATA_DIR="$data" \
	    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    ${listen:+"QUICKSTART_LISTEN=$listen"} \
	    "$top_srcdir/contrib/quickstart.sh" run >"$log" 2>&1 &
	pid=$!
	STATUS=000
	for i in $(seq 1 300); do
		STATUS=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$url/healthz") &&
		    [ "$STATUS" = 200 ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	ADMIN_OK=0; [ -s "$data/admin.token" ] && ADMIN_OK=1
	[ "$STATUS" = 200 ] && [ "$ADMIN_OK" = 1 ] || cat "$log"
	rm -rf "$data" "$log"
}

passed=0 failed=0
run_quickstart http://127.0.0.1:8080
if [ "$STATUS" = 200 ] && [ "$ADMIN_OK" = 1 ]; then passed=$((passed + 1)); else
	failed=$((failed + 1))
	echo "FAIL: quickstart run: healthz answered $STATUS, admin token written: $ADMIN_OK"
fi
# QUICKSTART_LISTEN moves it: a port the kernel just gave out as free
# (probing a fixed range met ports other tests had bound meanwhile)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_quickstart "http://127.0.0.1:$port" "127.0.0.1:$port"
if [ "$STATUS" = 200 ]; then passed=$((passed + 1)); else
	failed=$((failed + 1))
	echo "FAIL: QUICKSTART_LISTEN=127.0.0.1:$port: healthz answered $STATUS"
fi
echo "quickstart.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
