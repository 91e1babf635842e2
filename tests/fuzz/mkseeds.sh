#!/usr/bin/env bash
# mkseeds.sh: writes the seeds of the fuzz corpora that only a running
# labeld makes (a label, its status lists, the trust bundle, a checkpoint,
# a log proof) into tests/fuzz/corpus/.  Run by hand from a built tree
# (`tests/fuzz/mkseeds.sh`); the seeds it wrote are committed.  The fixed
# time the harnesses verify at (FUZZ_AT) must lie inside what it issued.
top_builddir=$(cd "$(dirname "$0")/../.." && pwd)
top_srcdir=$top_builddir
. "$top_srcdir/tests/e2e/lib.sh"
C="$top_srcdir/tests/fuzz/corpus"

start_labeld
make_org "Acme Devices" vendor vendor; VENDOR=$TOKEN
call GET "/v1/organizations?kind=authority" "$ADMIN"; AUTH_ORG=$(jget '.items[0].id')
call POST "/v1/organizations/$AUTH_ORG/tokens" "$ADMIN" '{"role":"regulator"}'
REG=$(jget .token)

call POST /v1/products "$VENDOR" '{"name":"Hub","model":"H-2","category":"hub","support_until":"2030-06-30"}'
P=$(jget .id)
call POST "/v1/products/$P/versions" "$VENDOR" '{"version":"2.1"}'
call POST /v1/submissions "$VENDOR" "{\"product_id\":\"$P\",\"product_version\":\"2.1\",\"scheme\":\"sg-cls-iot\",\"target_tier\":2}"
SUB=$(jget .id)
printf 'Acme security documentation\n' > "$WORK/doc.txt"
call POST "/v1/submissions/$SUB/evidence" "$VENDOR" '' -H 'Content-Type: text/plain' --data-binary "@$WORK/doc.txt"
E=$(jget .sha256)
call GET /v1/schemes/sg-cls-iot
ITEMS=$(jq -c --arg e "$E" '[.requirements[] | select(.mode == "self_declaration") |
    {requirement: .id, status: "conformant", justification: "Tested", evidence: [$e]}]' <<<"$BODY")
DECL="{\"items\":$ITEMS}"
call GET "/v1/submissions/$SUB" "$VENDOR"
ET=$(grep -i '^etag:' "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
call PUT "/v1/submissions/$SUB/declarations" "$VENDOR" "$DECL" -H "If-Match: $ET"
call POST "/v1/submissions/$SUB/submit" "$VENDOR"
call POST "/v1/submissions/$SUB/decision" "$REG" '{"decision":"approve","tier":2,"reason":"Level 2 met"}'
LABEL=$(jget .label_id)
[ -n "$LABEL" ] && [ "$LABEL" != null ] || { echo "no label: $BODY"; exit 1; }

call GET "/v1/labels/$LABEL"; cp "$WORK/body" "$WORK/label.json"
call GET /v1/trust-bundle; cp "$WORK/body" "$WORK/bundle.json"
call GET /v1/status-lists/revocation-1; cp "$WORK/body" "$WORK/rev.json"
call GET /v1/status-lists/suspension-1; cp "$WORK/body" "$WORK/sus.json"
call GET "/v1/labels/$LABEL/proof"; cp "$WORK/body" "$WORK/proof.json"
call GET /v1/log/checkpoint; cp "$WORK/body" "$WORK/checkpoint"
call GET "/v1/did.json"; cp "$WORK/body" "$WORK/did.json" 2>/dev/null || true

mkdir -p "$C"/{verify,bundle,statuslist,note,jcs,body,sbom,scheme}
jq -c -n --slurpfile b "$WORK/bundle.json" --slurpfile r "$WORK/rev.json" \
    --slurpfile s "$WORK/sus.json" --slurpfile c "$WORK/label.json" \
    --slurpfile p "$WORK/proof.json" \
    '{bundle: $b[0], status_lists: [$r[0], $s[0]], credential: $c[0],
      log_proofs: [$p[0]], require_log: true}' > "$C/verify/label-full.json"
jq -c -n --slurpfile b "$WORK/bundle.json" --slurpfile c "$WORK/label.json" \
    '{bundle: $b[0], credential: $c[0], no_status: true}' > "$C/verify/label-nostatus.json"
jq -c -n --slurpfile b "$WORK/bundle.json" --slurpfile r "$WORK/rev.json" \
    '{bundle: $b[0], status_lists: [$r[0]], credential: $r[0]}' > "$C/verify/statuslist-as-credential.json"
cp "$WORK/label.json" "$C/verify/label-alone.json"
cp "$WORK/bundle.json" "$C/bundle/bundle.json"
jq -c -n --slurpfile b "$WORK/bundle.json" '[$b[0], $b[0]]' > "$C/bundle/bundle-twice.json"
cp "$WORK/bundle.json" "$C/jcs/bundle.json"
cp "$WORK/label.json" "$C/jcs/label.json"
jq -r .credentialSubject.encodedList "$WORK/rev.json" | tr -d '\n' > "$C/statuslist/revocation-1.txt"
# The gzip member itself, so that mutations reach inflate.
b=$(jq -r .credentialSubject.encodedList "$WORK/sus.json"); b=$(tr -- '-_' '+/' <<<"${b#u}")
while [ $(( ${#b} % 4 )) -ne 0 ]; do b="$b="; done
base64 -d <<<"$b" > "$C/statuslist/suspension-1.gz"
cp "$WORK/checkpoint" "$C/note/checkpoint.txt"
jq -r .checkpoint "$WORK/proof.json" > "$C/note/proof-checkpoint.txt" 2>/dev/null || true
printf '%s' "$DECL" > "$C/body/declarations.json"
printf '%s' '{"name":"Hub","model":"H-2","category":"hub","support_until":"2030-06-30"}' > "$C/body/product.json"
printf '%s' '{"decision":"approve","tier":2,"reason":"Level 2 met"}' > "$C/body/decision.json"
stop_labeld
ls -l "$C"/*/
