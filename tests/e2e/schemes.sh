#!/usr/bin/env bash
# schemes.sh: the scheme catalogue over HTTP (read public, publish for
# regulators, published versions immutable) and `labelctl scheme validate`
# over the shipped schemes and every malformed fixture.
. "$(dirname "$0")/lib.sh"

start_labeld
make_org "Regulator" authority regulator; REG=$TOKEN
make_org "Acme" vendor vendor; VENDOR=$TOKEN

call GET /v1/schemes; expect 200 "list schemes"
check_eq "$(jget '[.items[].id] | sort | join(",")')" "sg-cls-iot,us-ctm-iot" "both shipped schemes listed"
check_eq "$(jget '.items[] | select(.id=="sg-cls-iot") | .tiers | length')" 4 "CLS summary has four tiers"

call GET /v1/schemes/sg-cls-iot; expect 200 "CLS current version"
check_eq "$(jget '.tiers | length')" 4 "four tiers"
check_eq "$(jget '[.tiers[].mode] | join(",")')" "self_declaration,self_declaration,third_party,third_party" "tier modes"
check_eq "$(jget '.max_validity_days')" 1095 "three years"
for p in 5.1-1 5.1-2 5.2-1 5.3-13 5.13-1 6-1 6-5; do
	n=$(jget "[.requirements[].references[] | select(test(\"ETSI EN 303 645 .* ${p//./\\\\.}\$\"))] | length")
	[ "$n" -ge 1 ] && ok || fail "reference to ETSI EN 303 645 $p"
done
check_eq "$(jget '(.requirements | length) as $n | [.requirements[] | select(has("id") and has("title") and has("tier") and has("mode") and has("obligation") and has("references") and has("guidance"))] | length == $n')" true "every requirement carries the contract fields"
check_eq "$(jget '[.requirements[] | select(.mode=="third_party")] | length > 0')" true "lab requirements exist"

call GET /v1/schemes/us-ctm-iot; expect 200 "second scheme"
check_eq "$(jget '.tiers | length')" 2 "two tiers"
call GET /v1/schemes/sg-cls-iot/versions/1; expect 200 "explicit version"
call GET /v1/schemes/sg-cls-iot/versions/9; expect_problem 404 "unknown version" "version 9"
call GET /v1/schemes/sg-cls-iot/versions/x; expect_problem 404 "non-numeric version"
call GET /v1/schemes/nope; expect_problem 404 "unknown scheme" nope

# publish a new version as a regulator (2 ships with labeld: 3 is next)
call GET /v1/schemes/sg-cls-iot; expect 200 "the shipped current version"
check_eq "$(jget .version)/$(jget .vulnerability_threshold)" "2/high" "version 2, with its vulnerability threshold"
jq '.version = 3 | .title = "CLS IoT, revised"' "$top_srcdir/schemas/schemes/sg-cls-iot-2.json" > "$WORK/v3.json"
call POST /v1/schemes "$VENDOR" "$(cat "$WORK/v3.json")"; expect_problem 403 "vendor cannot publish"
call POST /v1/schemes "" "$(cat "$WORK/v3.json")"; expect_problem 401 "anonymous cannot publish"
call POST /v1/schemes "$REG" "$(cat "$WORK/v3.json")"; expect 201 "regulator publishes v3"
check_eq "$(jget .version)" 3 "published version"
call POST /v1/schemes "$REG" "$(cat "$WORK/v3.json")"; expect_problem 409 "second publish of the same version" "already published"
call POST /v1/schemes "$REG" "$(cat "$top_srcdir/schemas/schemes/sg-cls-iot-1.json")"; expect_problem 409 "older version"
call GET /v1/schemes/sg-cls-iot; expect 200 "current is v3"
check_eq "$(jget .title)" "CLS IoT, revised" "current version served"
call GET /v1/schemes/sg-cls-iot/versions/1; expect 200 "v1 still served"
check_eq "$(jget .title | grep -c revised)/$(jget '.vulnerability_threshold')" "0/null" "v1 unchanged"
# what changed from v2 to v3 (the title), and from v1 to v2 (the shipped edition)
call GET "/v1/schemes/sg-cls-iot/versions/3/diff?from=2"; expect 200 "diff of v3 against v2"
check_eq "$(jget '.scheme + " " + (.from|tostring) + " " + (.to|tostring)')" "sg-cls-iot 2 3" "diff names its versions"
check_eq "$(jget '.changed | keys | join(",")')" title "only the title changed"
check_eq "$(jget .changed.title.to)" "CLS IoT, revised" "with its new value"
check_eq "$(jget '[.requirements[] | length] | add')" 0 "no requirement added, removed or changed"
call GET "/v1/schemes/sg-cls-iot/versions/2/diff?from=1"; expect 200 "diff of the shipped v2 against v1"
check_eq "$(jget .changed.vulnerability_threshold.to)" high "v2 adds the vulnerability threshold"
call GET "/v1/schemes/sg-cls-iot/versions/3/diff"; expect_problem 400 "diff without from" from
call GET "/v1/schemes/sg-cls-iot/versions/3/diff?from=x"; expect_problem 400 "diff from a non-number" from
call GET "/v1/schemes/sg-cls-iot/versions/3/diff?from=7"; expect_problem 404 "diff from an unknown version" "version 7"
call GET "/v1/schemes/sg-cls-iot/versions/5/diff?from=1"; expect_problem 404 "diff of an unknown version" "version 5"
jq '.version = 4 | .vulnerability_threshold = "severe"' "$top_srcdir/schemas/schemes/sg-cls-iot-2.json" > "$WORK/bad.json"
call POST /v1/schemes "$REG" "$(cat "$WORK/bad.json")"; expect_problem 422 "an unknown threshold" 'vulnerability_threshold: expected "critical", "high", "medium" or "low"'
jq '.version = 4 | .requirements[0].tier = 7' "$top_srcdir/schemas/schemes/sg-cls-iot-1.json" > "$WORK/bad.json"
call POST /v1/schemes "$REG" "$(cat "$WORK/bad.json")"; expect_problem 422 "invalid scheme" 'requirements\[0\].tier'
call GET /v1/schemes/sg-cls-iot/versions/4; expect 404 "nothing stored for the invalid ones"

# versions survive a restart and shipped files are not imported twice
stop_labeld; start_labeld
call GET /v1/schemes; expect 200 "list after restart"
check_eq "$(jget '.items[] | select(.id=="sg-cls-iot") | .versions | length')" 3 "three versions after restart"

# labelctl scheme validate
for f in "$top_srcdir"/schemas/schemes/*.json; do
	"$LABELCTL" scheme validate "$f" >/dev/null && ok || fail "shipped scheme $f rejected"
done
for f in "$top_srcdir"/tests/data/schemes/bad-*.json; do
	rc=0; msg=$("$LABELCTL" scheme validate "$f" 2>&1) || rc=$?
	check_eq "$rc" 1 "$(basename "$f") rejected"
	# the fault is located: a JSON path or, for syntax errors, line:column
	if grep -qE '(\$[.\[]|\$:|:[0-9]+:[0-9]+:)' <<<"$msg"; then ok; else fail "$(basename "$f"): no location in '$msg'"; fi
done

stop_labeld
finish
