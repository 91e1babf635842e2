#!/usr/bin/env bash
# quickstart.sh: the README's first command leaves labeld answering
# GET /healthz with 200 on 127.0.0.1:8080.  It keeps the build under test
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
data=$(mktemp -d "${TMPDIR:-/tmp}/labeld-quickstart.XXXXXX")
log="$data.log"
QUICKSTART_KEEP_BUILD=1 QUICKSTART_DATA_DIR="$data" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$top_srcdir/contrib/quickstart.sh" run >"$log" 2>&1 &
pid=$!
status=000
for i in $(seq 1 300); do
	status=$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/healthz) && [ "$status" = 200 ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
admin_ok=0; [ -s "$data/admin.token" ] && admin_ok=1
rm -rf "$data"
if [ "$status" = 200 ] && [ "$admin_ok" = 1 ]; then
	rm -f "$log"
	echo "quickstart.sh: 2 passed, 0 failed"
	exit 0
fi
cat "$log"; rm -f "$log"
echo "FAIL: quickstart run: healthz answered $status, admin token written: $admin_ok"
echo "quickstart.sh: 0 passed, 1 failed"
exit 1
