#!/usr/bin/env bash
# pages.sh - automake test: labeld's public pages in a real browser.
# Starts labeld (tests/e2e/lib.sh), runs a vendor's story to an issued
# Level 4 label whose product name carries <script>alert(1)</script>, and
# has pages.mjs (playwright-core driving Debian's headless Chromium) look
# at the verification page and the registry as a person would; then
# suspends the label and looks again.  Screenshots at a phone (390x844)
# and a desktop (1280x800) viewport are kept in
# $top_builddir/tests/browser/screenshots.
#
# playwright-core is pinned in tests/browser/package-lock.json and installed
# with `npm ci` as tests/interop/*.sh do (offline from the npm cache first,
# into the source tree when writable, else a temporary directory).  Exit
# 77 (skip), loudly, when node, npm or chromium are missing or the package
# cannot be installed.
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "*** SKIP browser pages: $* ***" >&2; exit 77; }
command -v node >/dev/null 2>&1 || skip "node not found (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || skip "npm not found (apt-get install npm)"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "$CHROMIUM not found (apt-get install chromium)"
export CHROMIUM

. "$here/../e2e/lib.sh"
. "$here/../e2e/story_lib.sh"

src=$here
npm_ci() { # $1 = directory with package.json and package-lock.json
	local log
	log=$(mktemp "${TMPDIR:-/tmp}/pages-npm.XXXXXX") || return 1
	if (cd "$1" && npm ci --offline --no-audit --no-fund >"$log" 2>&1) ||
	   (cd "$1" && npm ci --no-audit --no-fund >"$log" 2>&1); then
		rm -f "$log"; return 0
	fi
	tail -n 20 "$log" >&2; rm -f "$log"; return 1
}
if [ -w "$src" ] && { [ ! -e "$src/node_modules" ] || [ -w "$src/node_modules" ]; }; then
	run=$src
	stamp=$run/node_modules/.labeld-lock-stamp
	if ! cmp -s "$stamp" "$src/package-lock.json" 2>/dev/null; then
		npm_ci "$run" || skip "npm ci failed (no registry access and no npm cache?)"
		cp -f "$src/package-lock.json" "$stamp"
	fi
else
	run="$WORK/browser"
	mkdir -p "$run"
	cp "$src/package.json" "$src/package-lock.json" "$src/pages.mjs" "$run/" || skip "cannot copy to $run"
	chmod u+w "$run"/*
	npm_ci "$run" || skip "npm ci failed in $run (no registry access and no npm cache?)"
fi
SHOTS="$top_builddir/tests/browser/screenshots"
mkdir -p "$SHOTS"

start_labeld
story_setup
NAME='<script>alert(1)</script> SmartCam'
story "$NAME" "SC-400" 4; LABEL1=$LABEL
story "Doorbell" "DB-2" 2
pages() {
	if (cd "$run" && node pages.mjs "$BASE" "$1" "$NAME" "$2" "$SHOTS" "${3:-}") > "$WORK/pages.out" 2>&1; then ok
	else fail "pages.mjs $2"; fi
	grep -v '^ok:' "$WORK/pages.out" || true
	PASSES=$((PASSES + $(grep -c '^ok:' "$WORK/pages.out")))
}
pages "$LABEL1" active
REASON='Field report under review'
call POST "/v1/labels/$LABEL1/suspend" "$REG" "{\"reason\":\"$REASON\"}"; expect 200 "suspend the label"
pages "$LABEL1" suspended "$REASON"
for f in verify-active-phone verify-active-desktop registry-phone registry-desktop verify-suspended-phone verify-suspended-desktop; do
	[ -s "$SHOTS/$f.png" ] && ok || fail "screenshot $f.png"
done
finish
