#!/bin/sh
# fuzz.sh: `make fuzz`.  Builds the project's sources a second time with
# clang, ASan, UBSan and libFuzzer's coverage in $FUZZ_DIR (its own objects
# and archives, never the ordinary build's), links each harness
# tests/fuzz/fuzz_<target>.c, then runs each for FUZZ_SECONDS over its seed
# corpus tests/fuzz/corpus/<target>/ (new inputs go to
# $FUZZ_DIR/corpus/<target>/, crashes to $FUZZ_DIR/crash-<target>-*).
# Prints the executions reached per harness; exit 1 on any crash, leak or
# timeout, 77 when clang cannot build fuzzers.
#
# The environment (Makefile.am passes it): top_srcdir, top_builddir,
# pkgdatadir, pkgsysconfdir, pkgstatedir (compiled in as the ordinary
# build does), FUZZ_CC, FUZZ_SECONDS, FUZZ_TARGETS, FUZZ_VERIFY_SOURCES
# (libverify.a), FUZZ_CORE_SOURCES (libcore.a), FUZZ_PKG_CFLAGS (the
# libraries' -I flags), FUZZ_LIBS.
set -eu

: "${FUZZ_CC:=clang}"
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_DIR:=$top_builddir/build-fuzz}"
san='-fsanitize=address,undefined -fno-sanitize-recover=undefined'
cflags="-g -O1 -fno-omit-frame-pointer $san"

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "fuzz: $FUZZ_CC not found: install clang" >&2
	exit 77
fi
mkdir -p "$FUZZ_DIR/obj"
rm -f "$FUZZ_DIR"/crash-* "$FUZZ_DIR"/leak-* "$FUZZ_DIR"/timeout-* \
    "$FUZZ_DIR"/oom-*

# A make of its own: objects rebuilt when their source or a header changes.
mk="$FUZZ_DIR/Makefile"
{
	echo "CC = $FUZZ_CC"
	echo "CFLAGS = $cflags -fsanitize=fuzzer-no-link"
	echo "CPPFLAGS = -DHAVE_CONFIG_H -I$top_builddir -I$top_srcdir/src" \
	    "-I$top_srcdir/tests/fuzz" \
	    "-DLABELD_DATADIR='\"$pkgdatadir\"'" \
	    "-DLABELD_SYSCONFDIR='\"$pkgsysconfdir\"'" \
	    "-DLABELD_LOCALSTATEDIR='\"$pkgstatedir\"'" \
	    "-DLABELD_SRCDIR='\"$top_srcdir\"' $FUZZ_PKG_CFLAGS"
	echo "LIBS = $FUZZ_LIBS"
	echo "HDRS = \$(wildcard $top_srcdir/src/*.h) $top_builddir/config.h"
	v= c=
	for s in $FUZZ_VERIFY_SOURCES; do
		case $s in *.c) v="$v obj/$(basename "$s" .c).o" ;; esac
	done
	for s in $FUZZ_CORE_SOURCES; do
		case $s in *.c) c="$c obj/$(basename "$s" .c).o" ;; esac
	done
	echo "VERIFY_OBJS =$v"
	echo "CORE_OBJS =$c"
	echo "all: libverify.a libcore.a"
	echo "fuzz_%: $top_srcdir/tests/fuzz/fuzz_%.c" \
	    "$top_srcdir/tests/fuzz/fuzz.h libcore.a libverify.a \$(HDRS)"
	printf '\t$(CC) $(CPPFLAGS) %s -fsanitize=fuzzer $< -o $@ %s\n' \
	    "$cflags" 'libcore.a libverify.a $(LIBS)'
	echo "libverify.a: \$(VERIFY_OBJS)"
	printf '\trm -f $@ && ar rcs $@ $(VERIFY_OBJS)\n'
	echo "libcore.a: \$(CORE_OBJS)"
	printf '\trm -f $@ && ar rcs $@ $(CORE_OBJS)\n'
	echo "obj/%.o: $top_srcdir/src/%.c \$(HDRS)"
	printf '\t$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@\n'
} >"$mk"
progs=
for t in $FUZZ_TARGETS; do
	progs="$progs fuzz_$t"
done
# Not the calling make's flags: its command-line variables are not ours.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL nice -n 10 make -s -C "$FUZZ_DIR" -j2 all $progs

fail=0
table=
for t in $FUZZ_TARGETS; do
	mkdir -p "$FUZZ_DIR/corpus/$t"
	log="$FUZZ_DIR/fuzz_$t.log"
	echo "fuzz: $t for ${FUZZ_SECONDS}s"
	# The seeds are read, never written: new inputs land in $FUZZ_DIR.
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    nice -n 10 "$FUZZ_DIR/fuzz_$t" -max_total_time="$FUZZ_SECONDS" \
	    -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
	    -dict="$top_srcdir/tests/fuzz/json.dict" -print_final_stats=1 \
	    -artifact_prefix="$FUZZ_DIR/crash-$t-" \
	    "$FUZZ_DIR/corpus/$t" "$top_srcdir/tests/fuzz/corpus/$t" \
	    >"$log" 2>&1; then
		res=ok
	else
		res=FAILED
		fail=1
		tail -n 60 "$log" >&2
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	table="$table$(printf '%-12s %12s %8s  %s' "$t" "${execs:-?}" \
	    "${cov:-?}" "$res")
"
done
echo
printf '%-12s %12s %8s  %s\n' harness executions edges result
printf '%s' "$table"
if [ $fail -ne 0 ]; then
	echo "fuzz: a harness failed; its input is in $FUZZ_DIR/crash-*" >&2
	exit 1
fi
