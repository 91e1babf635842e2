#!/usr/bin/env bash
# quorum.sh: dual control (quorum = 2).  A revocation, a scheme
# publication and a partner registration are proposed as ballots (202),
# change nothing until a second regulator approves, then run as their
# proposer with their own answer kept in the ballot; a rejection closes a
# ballot with nothing done; the proposer cannot be the second vote, nor
# anyone vote twice; acts that fail when they run (a label revoked since)
# leave the ballot failed with the act's problem; acts outside the quorum
# (suspension, vendor withdrawal) run at once; bad votes, unknown ballots,
# wrong roles and closed ballots are refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/story.sh"
LABELCTL="$top_builddir/labelctl"
ctl() { "$LABELCTL" --data-dir "$DATA" "$@"; }
regulator() { ctl token create --role regulator | sed -n 's/^token //p'; }

start_labeld --quorum 2
make_org "Acme Devices" vendor vendor; VENDOR=$TOKEN
ctl token create --role regulator > "$WORK/r1"; R1=$(sed -n 's/^token //p' "$WORK/r1"); R1_ID=$(sed -n 's/^id //p' "$WORK/r1")
ctl token create --role regulator > "$WORK/r2"; R2=$(sed -n 's/^token //p' "$WORK/r2"); R2_ID=$(sed -n 's/^id //p' "$WORK/r2")
R3=$(regulator)
issue_label "$VENDOR" "$R1" "Cam One" 2030-06-30; L1=$LABEL
issue_label "$VENDOR" "$R1" "Cam Two" 2030-06-30; L2=$LABEL
issue_label "$VENDOR" "$R1" "Cam Three" 2030-06-30; L3=$LABEL

# --- a revocation waits for a second regulator ---
call POST "/v1/labels/$L1/revoke" "$R1" '{"reason":"tampered firmware"}'
expect 202 "a revocation under quorum 2 is a ballot"
B1=$(jget .ballot_id)
check_eq "$(jget .state)/$(jget .quorum)/$(jget .approvals)" "open/2/1" "open, the proposer's approval counted"
check_eq "$(jget .act.method) $(jget .act.path)" "POST /v1/labels/$L1/revoke" "the act kept as asked"
check_eq "$(jget .act.body.reason)" "tampered firmware" "with its body"
check_eq "$(jget .proposer.token_id)" "$R1_ID" "and its proposer"
grep -qi "^location: /v1/ballots/$B1" "$HDRS" && ok || fail "202 names the ballot in Location"
call GET "/v1/labels/$L1/status"
check_eq "$(jget .status)" active "nothing revoked before the quorum"
call POST "/v1/ballots/$B1/vote" "$R1" '{"vote":"approve","reason":"again"}'
expect_problem 409 "the proposer cannot be the second vote" "proposed it"
call POST "/v1/ballots/$B1/vote" "$VENDOR" '{"vote":"approve","reason":"x"}'
expect_problem 403 "a vendor may not vote" "vendor"
call POST "/v1/ballots/$B1/vote" "$R2" '{"vote":"maybe","reason":"x"}'
expect_problem 422 "a vote is approve or reject" "vote"
call POST "/v1/ballots/$B1/vote" "$R2" '{"vote":"approve"}'
expect_problem 422 "a vote needs its reason" "reason"
call POST /v1/ballots/bal_nosuch/vote "$R2" '{"vote":"approve","reason":"x"}'
expect_problem 404 "an unknown ballot" "bal_nosuch"
call POST "/v1/ballots/$B1/vote" "$R2" '{"vote":"approve","reason":"confirmed with the lab"}'
expect 200 "the second approval"
check_eq "$(jget .state)" executed "the ballot ran its act"
check_eq "$(jget .result.status)/$(jget .result.body.status)" "200/revoked" "with the act's own answer kept"
check_eq "$(jget '[.votes[] | .token_id + ":" + .vote] | join(" ")')" "$R1_ID:approve $R2_ID:approve" "who voted, in order"
check_eq "$(jget '.votes[1].reason')" "confirmed with the lab" "and why"
call GET "/v1/labels/$L1/status"
check_eq "$(jget .status)/$(jget .reason)" "revoked/tampered firmware" "the label is revoked, with the proposer's reason"
call GET "/v1/labels/$L1/events"
check_eq "$(jget '[.items[] | select(.action == "revoked")] | length')" 1 "revoked once"
call POST "/v1/ballots/$B1/vote" "$R3" '{"vote":"approve","reason":"late"}'
expect_problem 409 "a decided ballot takes no vote" "executed"

# --- a rejection closes a ballot with nothing done ---
call POST "/v1/labels/$L2/revoke" "$R1" '{"reason":"suspected fraud"}'
expect 202 "second revocation proposed"; B2=$(jget .ballot_id)
call POST "/v1/ballots/$B2/vote" "$R2" '{"vote":"reject","reason":"no evidence yet"}'
expect 200 "a rejection"
check_eq "$(jget .state)/$(jget .result)" "rejected/null" "rejected, nothing run"
call GET "/v1/labels/$L2/status"
check_eq "$(jget .status)" active "the label stays active"
call POST "/v1/ballots/$B2/vote" "$R3" '{"vote":"approve","reason":"x"}'
expect_problem 409 "a rejected ballot takes no vote" "rejected"

# --- an act that fails when it runs leaves the ballot failed ---
call POST "/v1/labels/$L3/revoke" "$R1" '{"reason":"first"}'; B3=$(jget .ballot_id)
call POST "/v1/labels/$L3/revoke" "$R2" '{"reason":"second"}'; B4=$(jget .ballot_id)
call POST "/v1/ballots/$B3/vote" "$R3" '{"vote":"approve","reason":"ok"}'
check_eq "$(jget .state)" executed "the first of two revocations runs"
call POST "/v1/ballots/$B4/vote" "$R1" '{"vote":"approve","reason":"ok"}'
expect 200 "the vote that runs an act that fails"
check_eq "$(jget .state)/$(jget .result.status)" "failed/409" "the ballot failed with the act's 409"
jget .result.body.detail | grep -q "revocation is final" && ok || fail "the act's problem detail is kept"

# --- acts outside the quorum run at once ---
issue_label "$VENDOR" "$R1" "Cam Four" 2030-06-30; L4=$LABEL
call POST "/v1/labels/$L4/suspend" "$R1" '{"reason":"review"}'
expect 200 "a suspension is not an act of trust: it runs at once"
call POST "/v1/labels/$L4/withdraw" "$VENDOR" '{"reason":"discontinued"}'
expect 200 "a vendor's withdrawal runs at once"

# --- scheme publication and partner registration are ballots too ---
scheme=$(jq -c '.version = 3 | .title = "CLS v3 (dual control)"' "$top_srcdir/schemas/schemes/sg-cls-iot-2.json")
call POST /v1/schemes "$R1" "$scheme"
expect 202 "a scheme publication is a ballot"; B5=$(jget .ballot_id)
call GET /v1/schemes/sg-cls-iot/versions/3
expect 404 "not published before the quorum"
call POST "/v1/ballots/$B5/vote" "$R2" '{"vote":"approve","reason":"reviewed"}'
check_eq "$(jget .state)/$(jget .result.status)" "executed/201" "published by the second approval"
call GET /v1/schemes/sg-cls-iot/versions/3
check_eq "$STATUS/$(jget .title)" "200/CLS v3 (dual control)" "the new version is served"
call POST /v1/partners "$R1" '{"trust_bundle":{"not":"a bundle"},"agreement":{}}'
expect 202 "a partner registration is a ballot even before its checks"
B6=$(jget .ballot_id)
call POST "/v1/ballots/$B6/vote" "$R2" '{"vote":"approve","reason":"ok"}'
check_eq "$(jget .state)/$(jget .result.status)" "failed/422" "its checks run with the act: failed, 422 kept"

# --- listing and reading ---
call GET /v1/ballots "$R3"
expect 200 "regulators list ballots"
check_eq "$(jget '.items | length')" 6 "six ballots"
call GET "/v1/ballots?state=executed" "$R3"
check_eq "$(jget '[.items[].id] | join(" ")')" "$B1 $B3 $B5" "filtered by state"
call GET "/v1/ballots?state=pending" "$R3"
expect_problem 400 "an unknown state" "state"
call GET "/v1/ballots/$B2" "$R3"
check_eq "$(jget .votes[1].vote)/$(jget .votes[1].reason)" "reject/no evidence yet" "a ballot shows its votes"
call GET "/v1/ballots/$B2" "$VENDOR"
expect_problem 403 "a vendor may not read ballots"
call GET /v1/ballots
expect_problem 401 "ballots need a token"
grep -q "ballot $B1: approve by token $R2_ID" "$LOG" && ok || fail "votes are logged"
stop_labeld

# --- quorum 1 (the default): acts run at once ---
start_labeld
call POST "/v1/labels/$L2/revoke" "$R1" '{"reason":"single control"}'
expect 200 "with quorum 1 a revocation runs at once"
stop_labeld
finish
