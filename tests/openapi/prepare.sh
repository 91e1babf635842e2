# prepare.sh: sourced by tests/openapi/*.sh after tests/e2e/lib.sh.
# openapi_prepare sets OPENAPI_DIR to a directory holding the npm packages
# pinned in tests/openapi/package-lock.json (@redocly/cli, ajv,
# ajv-formats) beside validate.mjs and redocly.yaml: the source tree's
# tests/openapi when `npm ci` was run there and is current, else a private
# copy under $WORK installed with `npm ci` (offline from the npm cache
# first), so that two tests never race and a read-only source tree
# (distcheck) is never written.
#
# Without node or the packages the test skips (77), loudly; with
# LABELD_REQUIRE_NODE=1 (contrib/quickstart.sh test, the README's test
# command) it fails instead.

OPENAPI_SRC="$top_srcdir/tests/openapi"
OPENAPI_DIR=
# No telemetry and no update check: tests talk to 127.0.0.1 only.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

openapi_missing() {
	if [ "${LABELD_REQUIRE_NODE:-0}" = 1 ]; then
		echo "FAIL: $* (LABELD_REQUIRE_NODE=1)"
		exit 1
	fi
	echo "*** SKIP $(basename "$0"): $* ***"
	exit 77
}

openapi_prepare() {
	local v log
	command -v node >/dev/null 2>&1 ||
		openapi_missing "node not found in PATH (apt-get install nodejs npm)"
	v=$(node -p 'const [a, b] = process.versions.node.split(".").map(Number); a > 20 || (a === 20 && b >= 19) ? "ok" : process.versions.node' 2>/dev/null) || v=none
	[ "$v" = ok ] || openapi_missing "node $v is too old (@redocly/cli needs >= 20.19)"
	if cmp -s "$OPENAPI_SRC/node_modules/.labeld-lock-stamp" \
	    "$OPENAPI_SRC/package-lock.json" 2>/dev/null; then
		OPENAPI_DIR=$OPENAPI_SRC
		return 0
	fi
	command -v npm >/dev/null 2>&1 ||
		openapi_missing "npm not found in PATH (apt-get install npm)"
	OPENAPI_DIR=$WORK/openapi
	mkdir -p "$OPENAPI_DIR"
	cp "$OPENAPI_SRC/package.json" "$OPENAPI_SRC/package-lock.json" \
	    "$OPENAPI_SRC/validate.mjs" "$OPENAPI_SRC/redocly.yaml" "$OPENAPI_DIR/"
	chmod u+w "$OPENAPI_DIR"/*
	log=$WORK/npm.log
	if ! (cd "$OPENAPI_DIR" && npm ci --offline --no-audit --no-fund >"$log" 2>&1) &&
	   ! (cd "$OPENAPI_DIR" && npm ci --no-audit --no-fund >"$log" 2>&1); then
		tail -n 5 "$log"
		openapi_missing "npm ci failed in $OPENAPI_DIR (no registry access and no npm cache?)"
	fi
}

# openapi_fetch FILE: the document the running labeld serves, into FILE.
openapi_fetch() {
	local saved=${LABELD_CAPTURE:-}
	LABELD_CAPTURE=
	call GET /openapi.json
	LABELD_CAPTURE=$saved
	expect 200 "GET /openapi.json"
	printf '%s\n' "$BODY" >"$1"
}
