#!/bin/sh
# quickstart.sh: set up a Debian 12 machine for labeld and build it, then
#   run   start labeld on ./var at 127.0.0.1:8080 (foreground;
#         QUICKSTART_DATA_DIR overrides ./var, QUICKSTART_LISTEN the address)
#   test  run every test (make check, warnings as errors), built with
#         --enable-test-clock (tests move time with LABELD_TEST_CLOCK_OFFSET)
# run never uses a test-clock build: it reconfigures when the existing
# build has one, as test does when the existing build lacks it
# (QUICKSTART_KEEP_BUILD=1: use the existing build as it is; the e2e test
# of run sets it so that it never reconfigures the tree under make check).
# Installs the Debian packages it needs with apt-get when they are missing.
set -eu

cd "$(dirname "$0")/.."

PACKAGES="build-essential autoconf automake pkg-config libmicrohttpd-dev
libsqlite3-dev libjansson-dev libsodium-dev zlib1g-dev libqrencode-dev
check libcurl4-openssl-dev curl jq"
TEST_PACKAGES="nodejs npm sqlite3 python3 openssl nginx-light chromium
librsvg2-bin zbar-tools libxml2-utils wrk"

need_packages() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	# node and npm may come from elsewhere than Debian: keep those.
	case "$missing" in
	*nodejs*|*npm*)
		if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
			missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
		fi
		;;
	esac
	[ -z "$(echo "$missing" | tr -d ' ')" ] && return 0
	echo "quickstart: installing$missing"
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
}

# has_test_clock: the existing build was configured with --enable-test-clock.
has_test_clock() {
	[ -f config.h ] && grep -q '^#define LABELD_TEST_CLOCK 1' config.h
}

# build yes|no: configure (again when the test clock setting differs from
# the existing build's) and make.
build() {
	want=$1
	[ -x configure ] || autoreconf -fi
	flags=
	[ "$want" = yes ] && flags=--enable-test-clock
	have=no
	has_test_clock && have=yes
	if [ ! -f Makefile ] || { [ "$have" != "$want" ] &&
	    [ "${QUICKSTART_KEEP_BUILD:-0}" != 1 ]; }; then
		[ -f Makefile ] && echo "quickstart: reconfiguring (test clock: $want)"
		# shellcheck disable=SC2086
		./configure --enable-werror $flags ${CONFIGURE_FLAGS:-}
	fi
	make -j"$(nproc)"
}

case "${1:-}" in
run)
	# shellcheck disable=SC2086
	need_packages $PACKAGES
	build no
	data=${QUICKSTART_DATA_DIR:-./var}
	mkdir -p "$data"
	exec ./labeld --data-dir "$data" \
	    --listen "${QUICKSTART_LISTEN:-127.0.0.1:8080}" --share-dir .
	;;
test)
	# shellcheck disable=SC2086
	need_packages $PACKAGES $TEST_PACKAGES
	build yes
	# the tests that move time fail (not skip) without the test clock,
	# the OpenAPI ones without node and their npm packages
	LABELD_REQUIRE_TEST_CLOCK=1 LABELD_REQUIRE_NODE=1 make -j"$(nproc)" check
	;;
*)
	echo "usage: contrib/quickstart.sh run|test" >&2
	exit 2
	;;
esac
