#!/bin/sh
# autoreconf.sh: the build system regenerates without a warning (the m4
# macro directory exists, AC_USE_SYSTEM_EXTENSIONS comes before anything
# compiles).  Runs autoreconf on a copy of configure.ac, Makefile.am and
# m4/, so the tree under test is never rewritten.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"

command -v autoreconf >/dev/null 2>&1 || {
	echo "SKIP: autoreconf is not installed"
	exit 77
}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/labeld-autoreconf.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp "$top_srcdir/configure.ac" "$top_srcdir/Makefile.am" "$WORK/"
if [ ! -d "$top_srcdir/m4" ]; then
	echo "FAIL: no m4/ directory (ACLOCAL_AMFLAGS = -I m4)"
	exit 1
fi
mkdir "$WORK/m4"
(cd "$WORK" && autoreconf -fi) > "$WORK/out" 2>&1 || {
	cat "$WORK/out"; echo "FAIL: autoreconf failed"; exit 1
}
if grep -i 'warning' "$WORK/out"; then
	echo "FAIL: autoreconf warns"
	exit 1
fi
echo "autoreconf.sh: no warnings"
