#!/bin/sh
# layers.sh: proves that every call between labeld's files points down the
# layers HACKING.md draws, on the built objects (what the linker resolves,
# so a call through a macro counts too), and that only the HTTP side
# includes libmicrohttpd.
#
#   main     labeld.c labelctl*.c labelverify.c
#   http     http.c router.c: the request loop, the route walk, auth
#   api      api_*.c: one file per resource (the router reaches their
#            handlers through the route tables, data, not calls)
#   toolkit  reply.c valid.c fields.c page.c metrics.c html.c, and the accessors that
#            http.c and router.c offer below them: req_query, req_header,
#            http_active (the in-flight gauge metrics.c reports),
#            router_walk (the route list /openapi.json shows) and
#            router_match (the route of a ballot's act): what a
#            handler answers with
#   domain   workflow*.c assess.c issue.c lifecycle.c catalog.c evidence.c
#            keys.c statuslist.c trust_bundle.c verify*.c scheme.c auth.c
#            bootstrap.c scheduler.c translog.c partner*.c webhook.c
#            ballot.c badge.c: rules and
#            transactions, no HTTP, no SQL text
#   base     store*.c crypto.c jcs.c rfc3339.c utf8.c dataint.c
#            bitstring.c log.c config.c role.c clock.c errfmt.c tlog.c note.c
#            fetch.c (the one outbound HTTP client, libcurl)
#
# A file may call its own layer and any layer below; a call up fails the
# test with the caller, the function and its file.  A new file must be
# given its layer here (an unknown file fails too).
#
# LAYERS_OBJECTS (the objects to read) defaults to the daemon's libraries
# and program objects in $top_builddir.  Each run also proves the check
# can fail: an object that calls reply_oom from a domain file, planted
# beside the real ones, must be refused (needs a C compiler, $CC or cc).
set -eu

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

rank() {
	case "$1" in
	labeld.c|labelctl.c|labelctl_key.c|labelctl_log.c|labelverify.c) echo 60 ;;
	http.c|router.c)					echo 50 ;;
	api_*.c)						echo 40 ;;
	reply.c|valid.c|page.c|metrics.c|fields.c|html.c)	echo 35 ;;
	workflow*.c|assess.c|issue.c|lifecycle.c|catalog.c|evidence.c|\
	keys.c|statuslist.c|trust_bundle.c|verify*.c|scheme.c|auth.c|\
	bootstrap.c|scheduler.c|translog.c|partner*.c|webhook.c|witness.c|\
	ballot.c|badge.c|recognition.c|backup.c)				echo 20 ;;
	store*.c|crypto.c|jcs.c|rfc3339.c|utf8.c|dataint.c|bitstring.c|\
	log.c|config.c|role.c|clock.c|errfmt.c|tlog.c|note.c|ratelimit.c|strbuf.c|\
	fetch.c)						echo 10 ;;
	*)							echo "" ;;
	esac
}

# Functions defined in a higher file that serve the layer below it.
symbol_rank() {
	case "$1" in
	req_query|req_header|http_active|router_walk|router_match) echo 35 ;;
	*)					echo "" ;;
	esac
}

name() {
	case "$1" in
	60) echo main ;; 50) echo http ;; 40) echo api ;; 35) echo toolkit ;;
	20) echo domain ;; 10) echo base ;;
	esac
}

status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- includes: libmicrohttpd belongs to the HTTP side ----
for f in "$top_srcdir"/src/*.c; do
	b=$(basename "$f")
	r=$(rank "$b")
	if [ -z "$r" ]; then
		echo "layers: src/$b has no layer: add it to tests/layers.sh" \
		    "and HACKING.md"
		status=1
		continue
	fi
	if [ "$r" -lt 35 ] && grep -q '^#include <microhttpd.h>' "$f"; then
		echo "layers: src/$b ($(name "$r")) includes <microhttpd.h>"
		status=1
	fi
done

# ---- calls: every undefined function of an object resolved to its file ----
cd "$top_builddir"
objs=${LAYERS_OBJECTS:-"src/libcore.a src/libverify.a src/labeld-labeld.o
    src/labelctl-labelctl.o src/labelctl-labelctl_key.o src/labelverify.o"}
for o in $objs; do
	if [ ! -f "$o" ]; then
		echo "layers: $o is not built"
		exit 99
	fi
done
# "file.c T sym" and "file.c U sym", from nm's POSIX form
# ("lib.a[libcore_a-x.o]: sym T ..." or "src/labeld-labeld.o: sym U").
# shellcheck disable=SC2086
nm -P -A $objs | awk '
	{
		obj = $1
		sub(/:$/, "", obj)
		sub(/^.*\[/, "", obj)
		sub(/\]$/, "", obj)
		sub(/^.*\//, "", obj)
		sub(/^(libcore_a|libverify_a|labeld|labelctl|labelverify)-/, "", obj)
		sub(/\.o$/, ".c", obj)
		if ($3 == "T" || $3 == "U")
			print obj, $3, $2
	}' > "$tmp/syms"
awk '$2 == "T" { print $3, $1 }' "$tmp/syms" | sort -u > "$tmp/defs"
awk '$2 == "U" { print $3, $1 }' "$tmp/syms" | sort -u > "$tmp/uses"
ncalls=0
join "$tmp/uses" "$tmp/defs" > "$tmp/edges"
while read -r sym caller callee; do
	[ "$caller" = "$callee" ] && continue
	rc=$(rank "$caller")
	re=$(symbol_rank "$sym")
	[ -n "$re" ] || re=$(rank "$callee")
	if [ -z "$rc" ] || [ -z "$re" ]; then
		echo "layers: no layer for $caller or $callee"
		status=1
		continue
	fi
	ncalls=$((ncalls + 1))
	if [ "$rc" -lt "$re" ]; then
		echo "layers: src/$caller ($(name "$rc")) calls $sym of" \
		    "src/$callee ($(name "$re")): a call up"
		status=1
	fi
done < "$tmp/edges"

if [ "$ncalls" -lt 100 ]; then
	echo "layers: only $ncalls calls between files seen: nm output not read?"
	status=1
fi
# ---- the check can fail: a planted upward call must be refused ----
if [ "$status" -eq 0 ] && [ -z "${LAYERS_SELFTEST:-}" ]; then
	printf 'int reply_oom(void *);\nint workflow_planted(void);\n%s\n' \
	    'int workflow_planted(void) { return reply_oom(0); }' \
	    > "$tmp/workflow_planted.c"
	if ! ${CC:-cc} -c -o "$tmp/libcore_a-workflow_planted.o" \
	    "$tmp/workflow_planted.c"; then
		echo "layers: cannot compile the planted call"
		exit 99
	fi
	if LAYERS_SELFTEST=1 LAYERS_OBJECTS="$objs
	    $tmp/libcore_a-workflow_planted.o" sh "$self" > "$tmp/self" 2>&1 ||
	    ! grep -q 'workflow_planted.c (domain) calls reply_oom' \
	    "$tmp/self"; then
		echo "layers: a planted upward call was not refused:"
		cat "$tmp/self"
		status=1
	fi
fi

[ "$status" -eq 0 ] && echo "layers: $ncalls uses of a function of another" \
    "file, none up"
exit "$status"
