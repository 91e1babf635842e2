# lib.sh: shared by the end-to-end tests.  Starts the real labeld on an
# ephemeral loopback port with a fresh data dir and drives it with curl.
# Source it; every test script then calls `start_labeld` and uses `call`.
set -eu

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
LABELD="$top_builddir/labeld"
LABELCTL="$top_builddir/labelctl"
export LABELD_SHARE_DIR="${LABELD_SHARE_DIR:-$top_srcdir}"

for tool in curl jq; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "SKIP: $tool is not installed (apt-get install $tool)"
		exit 77
	}
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/labeld-e2e.XXXXXX")
DATA="$WORK/data"
LOG="$WORK/labeld.log"
PID=
BASE=
ADMIN=
FAILS=0
PASSES=0

cleanup() {
	stop_labeld 2>/dev/null || true
	if [ "$FAILS" -ne 0 ]; then
		echo "--- labeld log ---"; tail -n 40 "$LOG" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "FAIL: $0 line $LINENO: unexpected command failure"' ERR

# start_labeld [extra flags...]: starts labeld on 127.0.0.1:0 (or on the
# port of the previous run, so URLs and the issuer DID stay the same
# across a restart) and waits until it answers.  Rate limits are off
# (tests go faster than clients should); flags given turn them back on.
start_labeld() {
	local port_arg="${PORT:-0}" i
	: > "$LOG.new"
	"$LABELD" --data-dir "$DATA" --listen "127.0.0.1:$port_arg" \
	    --threads 2 --rate-limit-write 0 --rate-limit-verify 0 \
	    "$@" >>"$LOG.new" 2>&1 &
	PID=$!
	for i in $(seq 1 100); do
		if grep -q 'listening on' "$LOG.new" 2>/dev/null; then break; fi
		if ! kill -0 "$PID" 2>/dev/null; then
			cat "$LOG.new"; echo "FAIL: labeld exited at start"; exit 1
		fi
		sleep 0.1
	done
	PORT=$(sed -n 's/.*listening on .* port \([0-9]*\) .*/\1/p' "$LOG.new" | head -n 1)
	[ -n "$PORT" ] || { cat "$LOG.new"; echo "FAIL: no port"; exit 1; }
	BASE="http://127.0.0.1:$PORT"
	ADMIN=$(cat "$DATA/admin.token")
	cat "$LOG.new" >> "$LOG"
	tail -f -n 0 "$LOG.new" >> "$LOG" 2>/dev/null &
	TAILPID=$!
}

# stop_labeld [SIGNAL]: TERM by default (graceful); KILL to crash it.
stop_labeld() {
	local sig=${1:-TERM} rc=0
	[ -n "$PID" ] || return 0
	kill "-$sig" "$PID" 2>/dev/null || true
	wait "$PID" 2>/dev/null || rc=$?
	sleep 0.1
	kill "$TAILPID" 2>/dev/null || true
	PID=
	# A graceful stop exits 0: anything else (a crash, or a sanitizer's
	# report at exit, such as a leak) fails the test.
	if [ "$sig" = TERM ] && [ "$rc" -ne 0 ]; then
		FAILS=$((FAILS + 1))
		echo "FAIL: labeld exited with status $rc on SIGTERM"
	fi
}

# call METHOD PATH [TOKEN] [JSON-BODY] [extra curl args...]
# Sets STATUS, BODY (response text), HDRS (response headers file).
call() {
	local method=$1 path=$2 token=${3:-} body=${4:-}
	shift 4 2>/dev/null || shift $#
	local args=(-s -o "$WORK/body" -D "$WORK/hdrs" -w '%{http_code}' -X "$method")
	[ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
	if [ -n "$body" ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "$body")
	fi
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path") || STATUS=000
	BODY=$(cat "$WORK/body")
	HDRS="$WORK/hdrs"
	[ -z "${LABELD_CAPTURE:-}" ] || capture "$method" "$path" "$body"
}

# capture METHOD PATH JSON-BODY: with LABELD_CAPTURE=FILE, one JSON line
# per answer (method, path, the JSON body sent, status, content type, body
# as text) for tests/openapi/validate.mjs; off by default.
capture() {
	local ct
	ct=$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$WORK/hdrs" | tr -d '\r' | tail -n 1)
	jq -nc --arg m "$1" --arg p "$2" --arg r "$3" --arg s "$STATUS" \
	    --arg ct "$ct" --rawfile b "$WORK/body" \
	    '{method: $m, path: $p, request: $r, status: ($s | tonumber),
	      type: $ct, body: $b}' \
	    >>"$LABELD_CAPTURE"
}

ok() { PASSES=$((PASSES + 1)); }
# (also before any call: STATUS and BODY may be unset then)
fail() {
	local b=${BODY:-}
	FAILS=$((FAILS + 1)); echo "FAIL: $*"; echo "  status ${STATUS:-none} body: ${b:0:400}"
}

# expect CODE DESCRIPTION: the last call answered CODE.
expect() {
	if [ "$STATUS" = "$1" ]; then ok; else fail "$2: expected $1, got $STATUS"; fi
}

# expect_problem CODE DESCRIPTION [DETAIL-SUBSTRING]: an RFC 9457 answer.
expect_problem() {
	expect "$1" "$2"
	if grep -qi '^content-type: application/problem+json' "$HDRS" &&
	    [ "$(jq -r '.status' <<<"$BODY")" = "$1" ] &&
	    [ -n "$(jq -r '.detail // empty' <<<"$BODY")" ] &&
	    [ -n "$(jq -r '.type // empty' <<<"$BODY")" ]; then ok
	else fail "$2: not a problem+json answer"; fi
	if [ -n "${3:-}" ]; then
		if jq -r '.detail, (.errors // [] | .[].field), (.errors // [] | .[].detail)' <<<"$BODY" | grep -qi -- "$3"; then ok
		else fail "$2: detail does not mention '$3'"; fi
	fi
}

# jget FILTER: a field of the last body.
jget() { jq -r "$1" <<<"$BODY"; }

# check_eq ACTUAL EXPECTED DESCRIPTION
check_eq() {
	if [ "$1" = "$2" ]; then ok; else FAILS=$((FAILS + 1)); echo "FAIL: $3: got '$1', expected '$2'"; fi
}

# finish: print the tally in the plain form CI reads and exit accordingly.
finish() {
	echo "$(basename "$0"): $PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# Makes an organisation of KIND and a token of ROLE for it; sets
# ORG_ID and TOKEN.
make_org() {
	local name=$1 kind=$2 role=$3
	call POST /v1/organizations "$ADMIN" "{\"name\":\"$name\",\"kind\":\"$kind\",\"country\":\"SG\"}"
	[ "$STATUS" = 201 ] || { fail "create org $name"; return 1; }
	ORG_ID=$(jget .id)
	call POST "/v1/organizations/$ORG_ID/tokens" "$ADMIN" "{\"role\":\"$role\"}"
	[ "$STATUS" = 201 ] || { fail "create token for $name"; return 1; }
	TOKEN=$(jget .token)
}

# upload_kinds SUB TOKEN SCHEME_DOC: uploads one small file of each
# evidence kind of the scheme (?kind=) to submission SUB, the same bytes
# per kind for every submission; sets KIND_EVIDENCE to {kind: sha256}, for
# declarations that cite evidence of the kinds each requirement asks for:
#   jq --argjson ev "$KIND_EVIDENCE" '... evidence: [.evidence[] | $ev[.]]'
upload_kinds() {
	local sub=$1 token=$2 doc=$3 k
	KIND_EVIDENCE='{}'
	for k in $(jq -r '.evidence_kinds[].id' <<<"$doc"); do
		call POST "/v1/submissions/$sub/evidence?kind=$k" "$token" '' \
		    -H 'Content-Type: text/plain' --data-binary "evidence of kind $k"
		case "$STATUS" in
		200|201) ;;
		*) fail "upload $k evidence to $sub"; return 1 ;;
		esac
		KIND_EVIDENCE=$(jq -c --arg k "$k" --arg h "$(jget .sha256)" '. + {($k): $h}' <<<"$KIND_EVIDENCE")
	done
}
