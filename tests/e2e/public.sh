#!/usr/bin/env bash
# public.sh: the public face against the real daemon: the label image
# (well-formed SVG, accessible, its QR code decoding to the exact verify
# URL), the verification page (what it shows, its checks, its headers,
# the friendly 404), the registry (filters, text search, pagination, CSV)
# and its page; a vendor's product name with markup stays text
# everywhere; suspension and revocation show at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/story_lib.sh"

for tool in rsvg-convert zbarimg; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "SKIP: $tool is not installed (apt-get install librsvg2-bin zbar-tools)"
		exit 77
	}
done
# well-formed XML: xmllint when installed, else Python's parser
wellformed() {
	if command -v xmllint >/dev/null 2>&1; then xmllint --noout "$1" 2>&1
	else python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1" 2>&1; fi
}
hdr() { grep -i "^$1:" "$HDRS" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }

start_labeld
story_setup
EVIL='Cam, <script>alert(1)</script> & "Co"'
story "$EVIL" "SC-<b>1</b>" 4; L1=$LABEL; P1=$PRODUCT
story "Doorbell" "DB-2" 2; L2=$LABEL; P2=$PRODUCT
call GET "/v1/labels/$L1"; UNTIL=$(jget '.validUntil[0:10]')

# ------------------------------------------------------------ the badge
call GET "/v1/labels/$L1/badge.svg"; expect 200 "badge"
check_eq "$(hdr content-type)" "image/svg+xml" "badge media type"
check_eq "$(hdr content-security-policy)" "default-src 'none'" "badge opened alone runs nothing"
cp "$WORK/body" "$WORK/badge.svg"
out=$(wellformed "$WORK/badge.svg") && ok || fail "badge is not well-formed XML: $out"
grep -q '<svg [^>]*role="img"' "$WORK/badge.svg" && ok || fail "badge has role=img"
grep -q '<title id="badge-title">' "$WORK/badge.svg" && grep -q '<desc id="badge-desc">' "$WORK/badge.svg" && ok || fail "badge has title and desc"
grep -q 'Cam, &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;' "$WORK/badge.svg" && ok || fail "product name escaped in the badge"
grep -q '<script' "$WORK/badge.svg" && fail "badge carries a script element" || ok
grep -q ">$L1<" "$WORK/badge.svg" && ok || fail "badge shows the label id"
grep -q '>Tier 4<' "$WORK/badge.svg" && ok || fail "badge shows the tier"
check_eq "$(grep -o '<polygon' "$WORK/badge.svg" | wc -l)" 4 "four stars drawn"
check_eq "$(grep -o 'fill="#f2a900"' "$WORK/badge.svg" | wc -l)" 4 "all four filled at tier 4"
grep -q ">Valid until $UNTIL<" "$WORK/badge.svg" && ok || fail "badge shows the end of validity"
grep -q 'SUSPENDED\|REVOKED' "$WORK/badge.svg" && fail "an active label has no banner" || ok
rsvg-convert -z 3 -b white -o "$WORK/badge.png" "$WORK/badge.svg"
check_eq "$(zbarimg -q --raw "$WORK/badge.png" | tr -d '\r\n')" "$BASE/v/$L1" "the QR code decodes to the verify URL"
call GET "/v1/labels/$L2/badge.svg"
check_eq "$(grep -o 'fill="#f2a900"' "$WORK/body" | wc -l)" 2 "two of four stars at tier 2"
call GET "/v1/labels/NOPE-1/badge.svg"; expect_problem 404 "badge of an unknown label" NOPE-1

# ------------------------------------------------------ the verify page
call GET "/v/$L1"; expect 200 "verification page"
check_eq "$(hdr content-type)" "text/html; charset=utf-8" "page media type"
check_eq "$(hdr content-security-policy)" "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'" "page CSP"
check_eq "$(hdr x-content-type-options)" nosniff "page nosniff"
check_eq "$(hdr referrer-policy)" no-referrer "page Referrer-Policy"
cp "$WORK/body" "$WORK/page.html"
grep -q '<h1 id="product">Cam, &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</h1>' "$WORK/page.html" && ok || fail "product name shown as text"
grep -qi '<script' "$WORK/page.html" && fail "the page carries a script element" || ok
grep -q 'SC-&lt;b&gt;1&lt;/b&gt;' "$WORK/page.html" && ok || fail "model shown as text"
grep -q '<span id="status" class="status active">VALID</span>' "$WORK/page.html" && ok || fail "status VALID"
grep -q 'Tier 4 of 4' "$WORK/page.html" && ok || fail "tier 4 of 4"
grep -q '<dd id="versions"><code>1.0</code></dd>' "$WORK/page.html" && ok || fail "firmware versions covered"
grep -q '<dd id="support">2030-06-30' "$WORK/page.html" && ok || fail "end of security updates"
grep -q 'href="https://acme.example/security"' "$WORK/page.html" && ok || fail "disclosure contact linked"
grep -q "<dd id=\"validity\">from [0-9-]* until $UNTIL</dd>" "$WORK/page.html" && ok || fail "validity"
grep -q 'class="check ok" data-check="signature"' "$WORK/page.html" && ok || fail "the signature verifies"
grep -q 'class="check ok" data-check="log"' "$WORK/page.html" && ok || fail "the log proof checks"
grep -q 'class="check ok" data-check="status"' "$WORK/page.html" && ok || fail "status check passes"
grep -q "href=\"/v1/labels/$L1\"" "$WORK/page.html" && ok || fail "link to the raw credential"
grep -q 'labelverify --trust-bundle' "$WORK/page.html" && ok || fail "how to verify offline"
grep -q "src=\"/v1/labels/$L1/badge.svg\"" "$WORK/page.html" && ok || fail "the badge on the page"
grep -Eq 'src="(https?:)?//|<link[^>]*href="(https?:)?//' "$WORK/page.html" && fail "no external asset" || ok
# the offline check the page shows works as written
mkdir -p "$WORK/offline"
sed -n '/<pre>/,/<\/pre>/p' "$WORK/page.html" | sed 's/<pre>//; s/<\/pre>.*//; s/&amp;/\&/g; s/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&#39;/'"'"'/g' > "$WORK/offline/cmds.sh"
grep -q '^labelverify ' "$WORK/offline/cmds.sh" && ok || fail "the page shows the labelverify command"
if (cd "$WORK/offline" && PATH="$top_builddir:$PATH" bash -e cmds.sh) > "$WORK/offline/out" 2>&1; then ok
else fail "the offline check shown on the page: $(tail -n 5 "$WORK/offline/out")"; fi
call GET "/v/$(tr 'A-Z' 'a-z' <<<"$L1")"; expect 200 "page by a lower-case id"
grep -q '<h1 id="product">Cam,' "$WORK/body" && ok || fail "lower-case id shows the label"
call GET "/v/NO-SUCH-%3Cscript%3E"; expect 404 "unknown label"
check_eq "$(hdr content-type)" "text/html; charset=utf-8" "the 404 is a page"
grep -q 'No such label' "$WORK/body" && grep -q 'NO-SUCH-&lt;script&gt;' "$WORK/body" && ok || fail "friendly 404 with the id as text"
call GET /static/labeld.css; expect 200 "stylesheet"
check_eq "$(hdr content-type)" "text/css; charset=utf-8" "stylesheet media type"

# ----------------------------------------------------------- the registry
call GET /v1/registry; expect 200 "registry"
check_eq "$(jget '[.items[].label_id] | join(",")')" "$L1,$L2" "both labels, in issue order"
check_eq "$(jget '.items[0] | [.product, .model, .vendor, .vendor_id, .scheme, (.tier|tostring), .tier_name, .status, .support_until] | join("|")')" \
    "$EVIL|SC-<b>1</b>|Acme Devices|$ACME_ORG|sg-cls-iot|4|Level 4|active|2030-06-30" "a registry item"
check_eq "$(jget '.items[0].url')" "$BASE/v/$L1" "an item links its page"
call GET "/v1/registry?q=script"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L1" "text search: a word of the name"
call GET "/v1/registry?q=door"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "text search: a prefix"
call GET "/v1/registry?q=acme%20doorbell"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "text search: every word, vendor too"
call GET "/v1/registry?q=$L2"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "text search: the label id"
for q in '%22' 'NEAR(a%20b)' 'a%20OR%20b' 'product%3Acam' '*' '%22%22%20AND%20(' '-cam' '%5E'; do
	call GET "/v1/registry?q=$q"; expect 200 "q=$q is searched as words, not FTS5 syntax"
done
call GET "/v1/registry?q=OR"; check_eq "$(jget '.items | length')" 0 "OR is a word"
call GET "/v1/registry?tier=4"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L1" "tier filter"
call GET "/v1/registry?tier=3"; check_eq "$(jget '.items | length')" 0 "tier filter: none"
call GET "/v1/registry?vendor=$ACME_ORG&category=camera&status=active"; check_eq "$(jget '.items | length')" 2 "vendor, category, status filters"
call GET "/v1/registry?category=router"; check_eq "$(jget '.items | length')" 0 "category filter: none"
call GET "/v1/registry?limit=1"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L1" "first page"
C=$(jget .next_cursor)
call GET "/v1/registry?limit=1&cursor=$C"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "second page"
check_eq "$(jget .next_cursor)" null "the last page"
call GET "/v1/registry?tier=x"; expect_problem 400 "bad tier" tier
call GET "/v1/registry?tier=0"; expect_problem 400 "tier 0" "1 to 9"
call GET "/v1/registry?status=valid"; expect_problem 400 "bad status" "active, suspended"
call GET "/v1/registry?format=xml"; expect_problem 400 "bad format" "json or csv"
call GET "/v1/registry?q=$(printf 'a%.0s' $(seq 1 201))"; expect_problem 400 "q too long" "at most 200"
call GET "/v1/registry?q=$(printf 'a%%20%.0s' $(seq 1 17))"; expect_problem 400 "too many words" "at most 16"
call GET "/v1/registry?cursor=x"; expect_problem 400 "bad cursor" cursor

# CSV: the columns named, RFC 4180 quoting
call GET "/v1/registry?format=csv"; expect 200 "registry as CSV"
check_eq "$(hdr content-type)" "text/csv; charset=utf-8" "CSV media type"
check_eq "$(head -n 1 "$WORK/body" | tr -d '\r')" "label_id,product,model,vendor,scheme,tier,tier_name,status,valid_from,valid_until,support_until" "CSV header"
grep -qF "$L1,\"Cam, <script>alert(1)</script> & \"\"Co\"\"\",SC-<b>1</b>," "$WORK/body" && ok || fail "CSV quotes a field with a comma and quotes"
check_eq "$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=""))); print(len(r), r[1][1], r[1][6], r[1][7], r[2][5], sep="|")' "$WORK/body")" \
    "3|$EVIL|Level 4|active|2" "CSV parses back to the same values"
call GET "/v1/registry?format=csv&limit=1&tier=4"
check_eq "$(wc -l < "$WORK/body")" 2 "CSV page of one"
grep -qi '^link: ' "$HDRS" && fail "no Link on the last CSV page" || ok
call GET "/v1/registry?format=csv&limit=1&q=acme"
grep -qi '^link: </v1/registry?q=acme&limit=1&format=csv&cursor=[0-9]*>; rel="next"' "$HDRS" && ok || fail "CSV next page in a Link header"

# a renamed product is found by its new name (the index follows)
call PATCH "/v1/products/$P2" "$ACME" '{"name":"Chime Pro"}'; expect 200 "rename a labelled product"
call GET "/v1/registry?q=chime"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "found by the new name"
call GET "/v1/registry?q=doorbell"; check_eq "$(jget '.items | length')" 0 "not by the old one"

# the page of the registry
call GET "/registry?q=script"; expect 200 "registry page"
check_eq "$(hdr content-security-policy | cut -c1-18)" "default-src 'none'" "registry page CSP"
grep -q "<a href=\"/v/$L1\">Cam, &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</a>" "$WORK/body" && ok || fail "result links the page, name as text"
grep -qi '<script' "$WORK/body" && fail "registry page carries a script element" || ok
grep -q 'name="q" id="q" maxlength="200" placeholder="[^"]*" value="script"' "$WORK/body" && ok || fail "the search is kept in the form"
call GET "/registry?q=%22%3E%3Cscript%3E"; expect 200 "markup in q"
grep -q 'value="&quot;&gt;&lt;script&gt;"' "$WORK/body" && ok || fail "q escaped in the form"
call GET "/registry?tier=9x"; expect 400 "registry page: bad tier"
grep -q '<p class="card" id="error">tier: expected an integer from 1 to 9' "$WORK/body" && ok || fail "the fault shown on the page"
call GET "/registry?limit=1"; grep -q "<a id=\"next\" href=\"/registry?limit=1&amp;cursor=" "$WORK/body" && ok || fail "registry page: next page link"

# --------------------------------------------------- status shows at once
call POST "/v1/labels/$L1/suspend" "$REG" '{"reason":"Field <i>report</i> under review"}'; expect 200 "suspend"
call GET "/v/$L1"
grep -q '<span id="status" class="status suspended">SUSPENDED</span>' "$WORK/body" && ok || fail "page shows SUSPENDED"
grep -q 'Reason: Field &lt;i&gt;report&lt;/i&gt; under review' "$WORK/body" && ok || fail "page shows the reason as text"
grep -q 'class="check bad" data-check="status"' "$WORK/body" && ok || fail "the status check fails"
call GET "/v1/labels/$L1/badge.svg"; cp "$WORK/body" "$WORK/badge-s.svg"
grep -q '>SUSPENDED<' "$WORK/badge-s.svg" && ok || fail "badge banner SUSPENDED"
out=$(wellformed "$WORK/badge-s.svg") && ok || fail "suspended badge is well-formed: $out"
rsvg-convert -z 3 -b white -o "$WORK/badge-s.png" "$WORK/badge-s.svg"
check_eq "$(zbarimg -q --raw "$WORK/badge-s.png" | tr -d '\r\n')" "$BASE/v/$L1" "the banner leaves the QR code readable"
call GET "/v1/registry?status=suspended"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L1" "registry: suspended"
call GET "/v1/registry?status=active"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "registry: active"
call POST "/v1/labels/$L2/revoke" "$REG" '{"reason":"key material leaked"}'; expect 200 "revoke"
call GET "/v/$L2"; grep -q '<span id="status" class="status revoked">REVOKED</span>' "$WORK/body" && ok || fail "page shows REVOKED"
call GET "/v1/labels/$L2/badge.svg"; grep -q '>REVOKED<' "$WORK/body" && ok || fail "badge banner REVOKED"
call GET "/v1/registry?status=revoked"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "registry: revoked"

# superseded (by a newer label of the same product, as an extension will):
# the page and the badge name the successor
story_label "$P1" 1.1 2; L3=$LABEL
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 -cmd '.timeout 5000' "$DATA/labeld.db" "UPDATE labels SET status = 'superseded', status_reason = 'firmware 1.1 relabelled' WHERE id = '$L1'" >/dev/null
	call GET "/v/$L1"
	grep -q '<span id="status" class="status superseded">SUPERSEDED</span>' "$WORK/body" && ok || fail "page shows SUPERSEDED"
	grep -q "Superseded by <a href=\"/v/$L3\">$L3</a>" "$WORK/body" && ok || fail "page links the successor"
	call GET "/v1/labels/$L1/badge.svg"
	grep -q ">SUPERSEDED<" "$WORK/body" && grep -q ">by $L3<" "$WORK/body" && ok || fail "badge: SUPERSEDED by the successor"
	call GET "/v1/registry?status=superseded"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L1" "registry: superseded"
	call GET "/v/$L3"; grep -q 'id="status-detail"' "$WORK/body" && fail "the successor is simply valid" || ok
else
	echo "note: sqlite3 is not installed: the superseded case is not run"
fi

# persisted: a restart finds the index as it was
stop_labeld; start_labeld
call GET "/v1/registry?q=chime"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "search after a restart"

# past its validity (the test clock): expired everywhere, revoked stays so
stop_labeld; LABELD_TEST_CLOCK_OFFSET=1200d start_labeld
call GET "/v/$L1"; expect 200 "page of an expired label"
grep -q '<span id="status" class="status expired">EXPIRED</span>' "$WORK/body" && ok || fail "page shows EXPIRED"
grep -q "This label expired on $UNTIL." "$WORK/body" && ok || fail "page says when it expired"
call GET "/v1/labels/$L1/badge.svg"; grep -q '>EXPIRED<' "$WORK/body" && ok || fail "badge banner EXPIRED"
call GET "/v1/registry?status=expired"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L1,$L3" "registry: expired"
call GET "/v1/registry?status=suspended"; check_eq "$(jget '.items | length')" 0 "registry: an expired label is not suspended"
call GET "/v1/registry?status=revoked"; check_eq "$(jget '[.items[].label_id] | join(",")')" "$L2" "registry: revoked wins over expiry"
call GET "/registry?status=expired"; grep -q "<li data-status=\"expired\"><a href=\"/v/$L1\">" "$WORK/body" && ok || fail "registry page: the expired label"
finish
