#!/usr/bin/env bash
# audit.sh: GET /v1/audit, the regulator's one chronological record of
# every audited act: a label's story (submission, label, product events),
# tokens made and revoked, and refused requests (revoked, unknown,
# forbidden) kept with their reasons; the kind and since filters; stable
# pagination; roles; strict query checks; a flood of refusals recorded
# only up to the bound, the rest counted as suppressed; a ballot's
# proposal, votes and decision.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/story.sh"

start_labeld
T0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
make_org "Cyber Authority" authority regulator; REG=$TOKEN
make_org "Acme" vendor vendor; ACME=$TOKEN; ACME_ORG=$ORG_ID
make_org "Lab One" lab lab; LAB=$TOKEN

# ------------------------------------------------ acts to be audited
issue_label "$ACME" "$REG" "Audit Cam" 2030-12-31
call PUT "/v1/products/$PRODUCT/versions/1.0/sbom" "$ACME" '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}'
expect 200 "SBOM attached (a product event)"
call POST "/v1/organizations/$ACME_ORG/tokens" "$ADMIN" '{"role":"vendor","label":"old"}'
expect 201 "a second vendor token"; OLD=$(jget .token); OLD_ID=$(jget .id)
call DELETE "/v1/tokens/$OLD_ID" "$ADMIN"; expect 200 "revoked"
sleep 1.1	# a fresh second: the refusals below all fit under the bound
call GET /v1/products "$OLD"; expect 401 "the revoked token refused"
call GET /v1/products "lbd_unknown0000000000000000000000000000"; expect 401 "an unknown token refused"
call GET /v1/audit "$ACME"; expect_problem 403 "a vendor may not read the audit" "role vendor"
call GET /v1/audit "$LAB"; expect_problem 403 "nor a lab" "role lab"
call GET /v1/audit; expect_problem 401 "nor anyone without a token" "missing"

# ------------------------------------------------ the listing
all() {	# all QUERY: every row, one page of up to 500
	call GET "/v1/audit?limit=500${1:+&$1}" "$REG"; expect 200 "audit ${1:-all}"
}
all
ALL=$BODY
check_eq "$(jq '[.items[].kind] | unique' -c <<<"$ALL")" '["auth","label","product","submission","token"]' "kinds seen"
check_eq "$(jq -c '[.items[] | [.at, .kind, .seq]] | . == sort' <<<"$ALL")" true "ordered by (at, kind, seq)"
check_eq "$(jq -r '[.items[] | select(.kind == "label" and .action == "issued")] | .[0].subject' <<<"$ALL")" "$LABEL" "the label's issue"
check_eq "$(jq -r '[.items[] | select(.kind == "product")] | .[0] | [.action, .subject, .detail.version, .org_id] | join(" ")' <<<"$ALL")" "sbom_attached $PRODUCT 1.0 $ACME_ORG" "the SBOM's attachment"
check_eq "$(jq -r '[.items[] | select(.kind == "submission")] | map(.action) | index("submitted") != null' <<<"$ALL")" true "the submission's events"
check_eq "$(jq -r '[.items[] | select(.kind == "token" and .subject == "'"$OLD_ID"'")] | map(.action) | join(",")' <<<"$ALL")" "created,revoked" "the token made and revoked"
check_eq "$(jq -r '[.items[] | select(.kind == "auth")] | map(.reason) | join(",")' <<<"$ALL")" "revoked,unknown,forbidden,forbidden,missing" "refusals with their reasons"
check_eq "$(jq -r '[.items[] | select(.kind == "auth" and .reason == "revoked")][0] | [.token_id, .subject, .action] | join(" ")' <<<"$ALL")" "$OLD_ID GET /v1/products refused" "the revoked token named"
check_eq "$(jq -r '[.items[] | select(.kind == "auth" and .reason == "unknown")][0] | .token_id' <<<"$ALL")" null "an unknown token names none"
check_eq "$(jq -r '[.items[] | select(.kind == "auth" and .reason == "forbidden")][0] | [.subject, .detail.addr, .detail.suppressed] | join(" ")' <<<"$ALL")" "GET /v1/audit 127.0.0.1 0" "where from, on what"
N=$(jq '.items | length' <<<"$ALL")

# kind
all kind=auth
check_eq "$(jq -r '[.items[].kind] | unique | join(",")' <<<"$BODY")" auth "kind=auth only"
check_eq "$(jq '.items | length' <<<"$BODY")" 5 "five refusals"
all kind=label
check_eq "$(jq -r '[.items[].kind] | unique | join(",")' <<<"$BODY")" label "kind=label only"
call GET "/v1/audit?kind=webhook" "$REG"
expect_problem 400 "an unknown kind" "expected auth, ballot, label, partner, product, submission or token, got \"webhook\""

# since
LAST_AT=$(jq -r '.items[-1].at' <<<"$ALL")
all "since=$LAST_AT"
check_eq "$(jq --arg s "$LAST_AT" '[.items[] | select(.at < $s)] | length' <<<"$BODY")" 0 "since: nothing earlier"
check_eq "$(jq --arg s "$LAST_AT" '[.items[] | select(.at >= $s)] | length' <<<"$ALL")" "$(jq '.items | length' <<<"$BODY")" "since: everything at or after"
all "since=2099-01-01"
check_eq "$(jq '.items | length' <<<"$BODY")" 0 "since a future date: none"
all "since=${T0:0:10}"
check_eq "$(jq '.items | length' <<<"$BODY")" "$N" "since today: all"
call GET "/v1/audit?since=2026-11-28T06:00:00%2B08:00" "$REG"; expect 200 "since with an offset"
for bad in yesterday 2026-13-01 2026-11-28T25:00:00Z ""; do
	call GET "/v1/audit?since=$bad" "$REG"
	expect_problem 400 "since=$bad" "since: expected an RFC 3339 time"
done

# pagination: limit=2 across every page, nothing lost or repeated
CUR=; PAGES=0; : > "$WORK/seen"
while :; do
	call GET "/v1/audit?limit=2${CUR:+&cursor=$CUR}" "$REG"; expect 200 "page $PAGES"
	jq -c '.items[]' <<<"$BODY" >> "$WORK/seen"
	[ "$(jq '.items | length' <<<"$BODY")" -le 2 ] && ok || fail "page $PAGES holds more than 2"
	CUR=$(jget '.next_cursor // empty'); PAGES=$((PAGES + 1))
	[ -n "$CUR" ] && [ "$PAGES" -lt 200 ] || break
done
check_eq "$(jq -c . "$WORK/seen" | jq -sc .)" "$(jq -c .items <<<"$ALL")" "pages join to the whole listing, in order"
check_eq "$PAGES" "$(( (N + 1) / 2 ))" "pages of two"
call GET "/v1/audit?limit=2&kind=auth" "$REG"; C2=$(jget .next_cursor)
call GET "/v1/audit?limit=2&kind=auth&cursor=$C2" "$REG"; expect 200 "kind with a cursor"
check_eq "$(jq -r '[.items[].reason] | join(",")' <<<"$BODY")" "forbidden,forbidden" "the second page of refusals"
for bad in 12 "x.auth.1" "2026-11-28T06:00:00Z.webhook.1" "2026-11-28T06:00:00Z.auth.-1" "2026-11-28T06:00:00Z.auth.01" "2026-13-28T06:00:00Z.auth.1" "2026-11-28T06:00:00Z.auth.1x" ""; do
	call GET "/v1/audit?cursor=$bad" "$REG"
	expect_problem 400 "cursor=$bad" "is not a cursor this server gave out"
done
for bad in 0 501 two; do
	call GET "/v1/audit?limit=$bad" "$REG"
	expect_problem 400 "limit=$bad" "limit: expected an integer from 1"
done

# ------------------------------------------------ a flood, bounded
sleep 1.1
BEFORE=$(jq '[.items[] | select(.kind == "auth")] | length' <<<"$ALL")
for i in $(seq 1 200); do
	printf 'url = "%s/v1/products"\nheader = "Authorization: Bearer lbd_flood%04d"\noutput = /dev/null\n' "$BASE" "$i"
done > "$WORK/flood.cfg"
# flood [BURST]: 200 unknown tokens at once; sets BOUND, the most rows
# its seconds allow (5 a second, BURST more at first), +1 after.
flood() {
	local t0 t1
	t0=$(date +%s); curl -s -K "$WORK/flood.cfg" -w '%{http_code}\n' > "$WORK/flood.codes"; t1=$(date +%s)
	BOUND=$(( 5 * (t1 - t0 + 2) + ${1:-0} + 1 ))
}
flood
check_eq "$(sort -u "$WORK/flood.codes" | tr -d '\n')" 401 "every flood request refused"
sleep 1.1
call GET /v1/products "lbd_afterflood"; expect 401 "one more after the flood"
all kind=auth
ROWS=$(( $(jq '.items | length' <<<"$BODY") - BEFORE ))
SUPP=$(jq '[.items[].detail.suppressed] | add' <<<"$BODY")
[ "$ROWS" -ge 2 ] && [ "$ROWS" -le "$BOUND" ] && [ "$ROWS" -lt 100 ] && ok || fail "the flood recorded $ROWS rows, not a bounded few ($BOUND)"
check_eq "$((ROWS + SUPP))" 201 "recorded + suppressed = every refusal"
[ "$(jq '.items[-1].detail.suppressed' <<<"$BODY")" -gt 0 ] && ok || fail "the row after the flood says how many were left out"
grep -q 'auth: unknown token on GET /v1/products from 127.0.0.1' "$LOG" && ok || fail "refusals still logged"

# ------------------------------------------------ with rate limits on
stop_labeld
start_labeld --rate-limit-write 50 --rate-limit-verify 50
call GET /v1/audit "$REG"; expect 200 "after a restart"
all kind=auth; B2=$(jq '.items | length' <<<"$BODY")
flood 25	# a rate limit bucket starts full: RATELIMIT_BURST (5) seconds' worth
sleep 1.1
call GET /v1/products "lbd_afterflood"
all kind=auth
ROWS=$(( $(jq '.items | length' <<<"$BODY") - B2 ))
SUPP=$(( $(jq '[.items[].detail.suppressed] | add' <<<"$BODY") - SUPP ))
[ "$ROWS" -ge 2 ] && [ "$ROWS" -le "$BOUND" ] && [ "$ROWS" -lt 100 ] && ok || fail "per address: the flood recorded $ROWS rows ($BOUND)"
check_eq "$((ROWS + SUPP))" 201 "per address: recorded + suppressed = every refusal"

# ------------------------------------------------ ballots
stop_labeld
start_labeld --quorum 2
make_org "Second Authority" authority regulator; REG2=$TOKEN
call POST "/v1/labels/$LABEL/revoke" "$REG" '{"reason":"tampered firmware"}'
expect 202 "a revocation is a ballot"; BAL=$(jget .ballot_id)
call POST "/v1/ballots/$BAL/vote" "$REG2" '{"vote":"approve","reason":"confirmed"}'
expect 200 "the second approval"; check_eq "$(jget .state)" executed "the act ran"
all kind=ballot
check_eq "$(jq -r --arg b "$BAL" '[.items[] | select(.subject == $b) | .action] | sort | join(",")' <<<"$BODY")" "executed,proposed,vote_approve,vote_approve" "the ballot proposed, voted and decided"
check_eq "$(jq -r --arg b "$BAL" '[.items[] | select(.subject == $b and .action == "proposed")][0] | .detail.method + " " + .detail.path' <<<"$BODY")" "POST /v1/labels/$LABEL/revoke" "the act proposed"
check_eq "$(jq -r --arg b "$BAL" '[.items[] | select(.subject == $b and .reason == "confirmed")] | length' <<<"$BODY")" 1 "the vote's reason"
all kind=label
check_eq "$(jq -r --arg l "$LABEL" '[.items[] | select(.subject == $l) | .action] | join(",")' <<<"$BODY")" "issued,revoked" "the label's revocation"

finish
