#!/bin/sh
# jcs-compare.sh - automake test: labeld's RFC 8785 serialiser (tests/jcs_canon)
# against the independent npm "canonicalize" on a few thousand random values.
#
# Environment (set by Makefile.am's AM_TESTS_ENVIRONMENT): top_srcdir,
# top_builddir.  Optional: JCS_COMPARE_COUNT (default 3000), JCS_COMPARE_SEED.
#
# The npm packages pinned in tests/interop/package-lock.json are installed
# with `npm ci` (offline from the npm cache first, then from the registry):
#  - into the source tree's tests/interop/node_modules (git-ignored, kept
#    between runs, reinstalled when the lock file changes) when it is
#    writable;
#  - otherwise (read-only srcdir, as in distcheck) into a temporary directory
#    removed on exit, so the build tree stays clean for distcleancheck.
# Exit 77 (skip), loudly, when node/npm are missing or the packages cannot be
# installed (no registry and no cache).
set -u

skip() {
	echo "*** SKIP jcs-compare: $* ***" >&2
	exit 77
}
fail() {
	echo "FAIL jcs-compare: $*" >&2
	exit 1
}

srcdir_top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir_top=${top_builddir:-$srcdir_top}
src=$srcdir_top/tests/interop
canon=$builddir_top/tests/jcs_canon

command -v node >/dev/null 2>&1 || skip "node not found in PATH (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || skip "npm not found in PATH (apt-get install npm)"
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || skip "node does not run"
[ "$major" -ge 20 ] 2>/dev/null || skip "node $major is too old (need >= 20 for String.prototype.isWellFormed)"
[ -x "$canon" ] || fail "$canon is not built (make check builds it)"
[ -f "$src/package-lock.json" ] || fail "$src/package-lock.json missing"

tmp=
cleanup() {
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

npm_ci() { # $1 = directory with package.json and package-lock.json
	log=$(mktemp "${TMPDIR:-/tmp}/jcs-compare-npm.XXXXXX") || return 1
	if (cd "$1" && npm ci --offline --no-audit --no-fund >"$log" 2>&1) ||
	   (cd "$1" && npm ci --no-audit --no-fund >"$log" 2>&1); then
		rm -f "$log"
		return 0
	fi
	tail -n 20 "$log" >&2
	rm -f "$log"
	return 1
}

if [ -w "$src" ] && { [ ! -e "$src/node_modules" ] || [ -w "$src/node_modules" ]; }; then
	work=$src
	# Reinstall only when the lock file changed (stamp = its copy).
	stamp=$work/node_modules/.labeld-lock-stamp
	if ! cmp -s "$stamp" "$src/package-lock.json" 2>/dev/null; then
		echo "jcs-compare: npm ci into $work/node_modules" >&2
		npm_ci "$work" || skip "npm ci failed (no registry access and no npm cache?)"
		cp -f "$src/package-lock.json" "$stamp"
	fi
else
	echo "jcs-compare: $src is read-only (distcheck?): installing into a temporary directory" >&2
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/jcs-compare.XXXXXX") || skip "mktemp failed"
	work=$tmp
	cp "$src/package.json" "$src/package-lock.json" "$src/jcs-compare.mjs" "$work/" ||
		skip "cannot copy the interop files to $work"
	chmod u+w "$work"/* 2>/dev/null
	npm_ci "$work" || skip "npm ci failed in $work (no registry access and no npm cache?)"
fi

cd "$work" || fail "cannot cd to $work"
node jcs-compare.mjs "$canon" "${JCS_COMPARE_COUNT:-3000}" ${JCS_COMPARE_SEED:+"$JCS_COMPARE_SEED"}
