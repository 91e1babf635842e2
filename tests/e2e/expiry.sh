#!/usr/bin/env bash
# expiry.sh: labels follow time.  GET /v1/labels lists a regulator's all
# and a vendor's own labels, by product, live status and
# expiring_within=DAYS, each flagged expiring_soon within
# expiry_warning_window, which /metrics counts too, and the holder's
# webhook hears once that the label is expiring; once the clock passes
# a label's validUntil (LABELD_TEST_CLOCK_OFFSET, never sleeping), its
# status reads expired, and the scheduler writes the expiry down once: a
# history entry and a log leaf (kind expire), not again at the next start,
# and none for a revoked label.  Bad queries and wrong roles are refused.
#
# Needs a build configured with --enable-test-clock: without it the test
# fails when LABELD_REQUIRE_TEST_CLOCK=1 (CI, quickstart.sh test) and
# skips otherwise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/story.sh"

if ! "$LABELD" --version | grep -q 'test clock'; then
	if [ "${LABELD_REQUIRE_TEST_CLOCK:-0}" = 1 ]; then
		echo "FAIL: labeld was built without --enable-test-clock; this test moves time with LABELD_TEST_CLOCK_OFFSET"
		exit 1
	fi
	echo "SKIP: needs a build configured with --enable-test-clock; contrib/quickstart.sh test and CI build so"
	exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is needed for the webhook listener"; exit 1; }
LABELCTL="$top_builddir/labelctl"
ctl() { "$LABELCTL" --data-dir "$DATA" "$@"; }
STUB="$top_srcdir/tests/e2e/httpstub.py"
mkdir -p "$WORK/hook"
python3 "$STUB" "$WORK/hook.port" record "$WORK/hook" 0 & STUB_PID=$!
trap 'kill $STUB_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 50); do [ -s "$WORK/hook.port" ] && break; sleep 0.1; done
HOOK="http://127.0.0.1:$(cat "$WORK/hook.port")/hook"
# expiring_events: the label ids of the "expiring" events received.
expiring_events() {
	cat "$WORK"/hook/*.json 2>/dev/null | jq -r '.body | fromjson | select(.type == "expiring") | .data.label_id' | sort | tr '\n' ' ' | sed 's/ $//'
}

start_labeld
make_org "Acme Devices" vendor vendor; VA=$TOKEN
call POST /v1/webhooks "$VA" "{\"url\":\"$HOOK\",\"events\":[\"expiring\"]}"
expect 201 "the vendor's webhook for expiring labels"
make_org "Other Devices" vendor vendor; VB=$TOKEN
make_org "Test Lab" lab lab; LAB=$TOKEN
ctl token create --role regulator > "$WORK/reg"
REG=$(sed -n 's/^token //p' "$WORK/reg")

ids() { jget '[.items[].label_id] | sort | join(" ")'; }

soon=$(date -u -d '+60 days' +%Y-%m-%d)
issue_label "$VA" "$REG" "Short Cam" "$soon"; L1=$LABEL P1=$PRODUCT
issue_label "$VA" "$REG" "Long Hub" 2030-06-30; L2=$LABEL
issue_label "$VB" "$REG" "Other Plug" 2030-06-30; L3=$LABEL
call GET "/v1/labels/$L1/status"
check_eq "$(jget .status)" active "$L1 active at issue"
call GET "/v1/labels/$L1"
check_eq "$(jget .validUntil)" "${soon}T23:59:59Z" "a label's validity ends with its product's support"

# --- who sees what ---
call GET /v1/labels "$REG"
expect 200 "the regulator's listing"
check_eq "$(ids)" "$(printf '%s\n' "$L1" "$L2" "$L3" | sort | tr '\n' ' ' | sed 's/ $//')" "a regulator sees every label"
call GET /v1/labels "$VA"
check_eq "$(ids)" "$(printf '%s\n' "$L1" "$L2" | sort | tr '\n' ' ' | sed 's/ $//')" "a vendor sees its own labels"
call GET /v1/labels "$VB"
check_eq "$(ids)" "$L3" "the other vendor sees only its own"
call GET /v1/labels "$LAB"
expect_problem 403 "a lab may not list labels" "lab"
call GET /v1/labels
expect_problem 401 "listing labels needs a token"

# --- filters ---
call GET "/v1/labels?expiring_within=90" "$REG"
check_eq "$(ids)" "$L1" "expiring within 90 days: the short-lived label only"
check_eq "$(jget '.items[0].expiring_soon')" true "it is flagged expiring_soon"
check_eq "$(jget '.items[0].valid_until')" "${soon}T23:59:59Z" "and says until when"
call GET "/v1/labels?expiring_within=90" "$VB"
check_eq "$(jget '.items | length')" 0 "the other vendor has nothing expiring"
call GET "/v1/labels?product=$P1" "$REG"
check_eq "$(ids)" "$L1" "filtered by product"
call GET /v1/labels "$REG"
check_eq "$(jget "[.items[] | select(.label_id == \"$L2\") | .expiring_soon][0]")" false "a label valid for years is not expiring_soon"
call POST "/v1/labels/$L2/suspend" "$REG" '{"reason":"under investigation"}'
expect 200 "suspend $L2"
call GET "/v1/labels?status=suspended" "$REG"
check_eq "$(ids)" "$L2" "filtered by status"
check_eq "$(jget '.items[0].reason')" "under investigation" "with the status reason"
call POST "/v1/labels/$L3/revoke" "$REG" '{"reason":"fraud"}'
expect 200 "revoke $L3"
call GET "/v1/labels?limit=1" "$REG"
check_eq "$(jget '.items | length')" 1 "a page of one"
cursor=$(jget .next_cursor)
call GET "/v1/labels?limit=1&cursor=$cursor" "$REG"
check_eq "$(jget '.items[0].label_id')" "$L2" "the next page follows in issue order"
for q in "status=gone" "expiring_within=0" "expiring_within=abc" "expiring_within=99999" "limit=0"; do
	call GET "/v1/labels?$q" "$REG"
	expect_problem 400 "GET /v1/labels?$q" "${q%%=*}"
done
curl -s "$BASE/metrics" > "$WORK/metrics"
check_eq "$(sed -n 's/^labeld_labels_expiring //p' "$WORK/metrics")" 1 "/metrics counts the label expiring within the window"
# The scheduler's round at start sees the label in the window: one event.
stop_labeld
start_labeld
for _ in $(seq 1 75); do [ -n "$(expiring_events)" ] && break; sleep 0.2; done
check_eq "$(expiring_events)" "$L1" "the vendor's webhook hears that $L1 is expiring"
stop_labeld
start_labeld
sleep 1
check_eq "$(expiring_events)" "$L1" "said once, not at every start"

# --- time passes the short label's validUntil ---
stop_labeld
LABELD_TEST_CLOCK_OFFSET=70d start_labeld
for i in $(seq 1 100); do grep -q "label $L1 expired" "$LOG" && break; sleep 0.1; done
grep -q "label $L1 expired (valid until ${soon}T23:59:59Z)" "$LOG" && ok || fail "the scheduler records $L1's expiry"
call GET "/v1/labels/$L1/status"
check_eq "$(jget .status)/$(jget .since)" "expired/${soon}T23:59:59Z" "$L1 reads expired since its validUntil"
call GET "/v1/labels?status=expired" "$REG"
check_eq "$(ids)" "$L1" "listed as expired"
check_eq "$(jget '.items[0].expiring_soon')" false "an expired label is no longer expiring_soon"
call GET "/v1/labels/$L1/events"
check_eq "$(jget '[.items[] | select(.action == "expired")] | length')" 1 "one expired entry in its history"
check_eq "$(jget '[.items[] | select(.action == "expired")][0].from_status')" active "expired from active"
call GET "/v1/labels/$L3/events"
check_eq "$(jget '[.items[] | select(.action == "expired")] | length')" 0 "a revoked label has no expiry entry"
call GET "/v1/log/entries?start=0&end=100"
check_eq "$(jget "[.entries[].leaf | @base64d | fromjson | select(.kind == \"expire\") | .label_id] | join(\" \")")" "$L1" \
    "the log holds one expire leaf, for $L1"
stop_labeld
# Recorded once: a later start adds nothing.
LABELD_TEST_CLOCK_OFFSET=71d start_labeld
call GET /healthz
sleep 0.5
call GET "/v1/labels/$L1/events"
check_eq "$(jget '[.items[] | select(.action == "expired")] | length')" 1 "the expiry is recorded once, not at every start"
stop_labeld
out=$(ctl log verify 2>&1) && ok || fail "labelctl log verify after expiries: $out"
finish
