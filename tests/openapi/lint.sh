#!/usr/bin/env bash
# lint.sh: the OpenAPI document a real labeld serves passes `redocly lint`
# (@redocly/cli, pinned in package-lock.json) with redocly.yaml's rules,
# and the lint is shown to refuse a planted fault.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/prepare.sh"

openapi_prepare
start_labeld
if grep -q 'openapi:' "$LOG"; then
	fail "labeld could not build its document: $(grep 'openapi:' "$LOG")"
fi
openapi_fetch "$WORK/openapi.json"
check_eq "$(jq -r '.openapi' "$WORK/openapi.json")" 3.1.0 "OpenAPI version"
check_eq "$(jq -r '.servers[0].url' "$WORK/openapi.json")" "$BASE" "servers: this labeld"

# lint FILE: LINT_RC and $WORK/lint.out of redocly lint.
lint() {
	LINT_RC=0
	(cd "$OPENAPI_DIR" && ./node_modules/.bin/redocly lint "$1" \
	    --config redocly.yaml --format=stylish) >"$WORK/lint.out" 2>&1 || LINT_RC=$?
}

lint "$WORK/openapi.json"
if [ "$LINT_RC" = 0 ]; then ok
else
	fail "redocly lint found problems"
	grep -v '[║╔╚]' "$WORK/lint.out" | head -n 60
fi

# An operation without a summary, and a path parameter left undeclared.
jq '(.paths["/v1/labs"].get) |= del(.summary)
    | .paths["/v1/products/{id}"].get.parameters = []' \
    "$WORK/openapi.json" >"$WORK/broken.json"
lint "$WORK/broken.json"
if [ "$LINT_RC" != 0 ] && grep -q 'operation-summary' "$WORK/lint.out" &&
    grep -q 'path-parameters-defined' "$WORK/lint.out"; then ok
else fail "redocly lint passed a document with planted faults (rc $LINT_RC)"; fi

stop_labeld

# A share dir whose operations.json lacks a route: labeld still serves,
# logs which route, and answers the document 503.
SHARE=$WORK/share
mkdir -p "$SHARE/schemas"
cp -R "$top_srcdir/migrations" "$SHARE/"
cp -R "$top_srcdir/schemas/schemes" "$top_srcdir/schemas/openapi" "$SHARE/schemas/"
chmod -R u+w "$SHARE"
jq 'del(.["GET /v1/labs"])' "$top_srcdir/schemas/openapi/operations.json" \
    >"$SHARE/schemas/openapi/operations.json"
rm -rf "$DATA"
PORT=0
start_labeld --share-dir "$SHARE"
if grep -q 'openapi: route GET /v1/labs has no entry' "$LOG"; then ok
else fail "labeld did not log the route without an entry"; fi
call GET /openapi.json
expect_problem 503 "the document without an entry for a route" "did not load"
call GET /healthz; expect 200 "labeld serves without its document"
stop_labeld
finish
