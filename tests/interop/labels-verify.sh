#!/bin/sh
# labels-verify.sh - automake test: a label, its status lists and the DID
# document as labeld's issuer makes them (the fixture step
# tests/issue_artifacts) must verify with the Digital Bazaar libraries
# (tests/interop/labels-verify.mjs).
#
# Uses the npm packages that jcs-compare.sh installs into
# tests/interop/node_modules; exits 77 (skip), loudly, when node or those
# packages are missing (run jcs-compare.sh first, or npm ci there).
set -u

skip() {
	echo "*** SKIP labels-verify: $* ***" >&2
	exit 77
}

srcdir_top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir_top=${top_builddir:-$srcdir_top}
src=$srcdir_top/tests/interop

command -v node >/dev/null 2>&1 || skip "node not found in PATH"
[ -d "$src/node_modules/@digitalbazaar/vc" ] ||
	skip "$src/node_modules lacks the npm packages (npm ci in $src)"
[ -x "$builddir_top/tests/issue_artifacts" ] ||
	{ echo "FAIL labels-verify: tests/issue_artifacts is not built" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/labels-verify.XXXXXX") || skip "mktemp failed"
trap 'rm -rf "$work"' EXIT

top_srcdir=$srcdir_top "$builddir_top/tests/issue_artifacts" "$work" \
    >"$work/fixture.log" 2>&1 || {
	cat "$work/fixture.log"
	echo "FAIL labels-verify: tests/issue_artifacts failed" >&2
	exit 1
}
[ -s "$work/label.json" ] || { echo "FAIL labels-verify: no artifacts" >&2; exit 1; }
cd "$src" && node labels-verify.mjs "$work"
