#!/bin/sh
# quickstart.sh: set up a Debian 12 machine for labeld and build it, then
#   run   start labeld on ./var at 127.0.0.1:8080 (foreground;
#         QUICKSTART_DATA_DIR overrides ./var)
#   test  run every test (make check, warnings as errors)
# Installs the Debian packages it needs with apt-get when they are missing.
set -eu

cd "$(dirname "$0")/.."

PACKAGES="build-essential autoconf automake pkg-config libmicrohttpd-dev
libsqlite3-dev libjansson-dev libsodium-dev zlib1g-dev libqrencode-dev
check libcurl4-openssl-dev curl jq"
TEST_PACKAGES="nodejs npm sqlite3"

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

build() {
	[ -x configure ] || autoreconf -fi
	if [ ! -f Makefile ] || [ "${1:-}" = reconfigure ]; then
		./configure --enable-werror ${CONFIGURE_FLAGS:-}
	fi
	make -j"$(nproc)"
}

case "${1:-}" in
run)
	# shellcheck disable=SC2086
	need_packages $PACKAGES
	build
	data=${QUICKSTART_DATA_DIR:-./var}
	mkdir -p "$data"
	exec ./labeld --data-dir "$data" --listen 127.0.0.1:8080 --share-dir .
	;;
test)
	# shellcheck disable=SC2086
	need_packages $PACKAGES $TEST_PACKAGES
	build
	make -j"$(nproc)" check
	;;
*)
	echo "usage: contrib/quickstart.sh run|test" >&2
	exit 2
	;;
esac
