#!/usr/bin/env bash
# proxy.sh: contrib/nginx-labeld.conf as shipped (only its addresses and
# file paths replaced) in front of a real labeld: HTTPS terminated by
# nginx, labeld's public URL the nginx address, and through the proxy a
# vendor's write, a refusal with its problem+json, the DID document naming
# the public address, a label's status list, and nginx's own 429 per
# client on /v1/verify.
. "$(dirname "$0")/lib.sh"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "FAIL: nginx is not installed (apt-get install nginx-light)"; exit 1; }
command -v openssl >/dev/null 2>&1 || { echo "FAIL: openssl is needed for the test certificate"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NPORT=$(free_port)
LPORT=$(free_port)
openssl req -x509 -newkey ed25519 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/px.key" \
    -out "$WORK/px.crt" 2>/dev/null

PORT=$LPORT start_labeld --public-url "https://127.0.0.1:$NPORT" --rate-limit-verify 0

# The shipped file, with this test's addresses and paths.
mkdir -p "$WORK/nginx"
sed -e "s|listen 443 ssl;|listen 127.0.0.1:$NPORT ssl;|" \
    -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$LPORT;|" \
    -e "s|/etc/ssl/labeld/fullchain.pem|$WORK/px.crt|" \
    -e "s|/etc/ssl/labeld/privkey.pem|$WORK/px.key|" \
    -e "s|rate=100r/s|rate=2r/s|" -e "s|burst=500|burst=5|" \
    "$top_srcdir/contrib/nginx-labeld.conf" > "$WORK/nginx/site.conf"
grep -q "listen 127.0.0.1:$NPORT ssl" "$WORK/nginx/site.conf" && grep -q "server 127.0.0.1:$LPORT" "$WORK/nginx/site.conf" && ok ||
    fail "contrib/nginx-labeld.conf no longer has the lines this test replaces"
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 256; }
http {
	access_log $WORK/nginx/access.log;
	client_body_temp_path $WORK/nginx/body;
	proxy_temp_path $WORK/nginx/proxy;
	fastcgi_temp_path $WORK/nginx/fastcgi;
	uwsgi_temp_path $WORK/nginx/uwsgi;
	scgi_temp_path $WORK/nginx/scgi;
	include $WORK/nginx/site.conf;
}
EOF
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2> "$WORK/nginx/t.log" && ok ||
    { fail "nginx -t: $(cat "$WORK/nginx/t.log")"; finish; exit 1; }
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>> "$WORK/nginx/error.log" &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null; cleanup' EXIT
for i in $(seq 1 50); do curl -s -o /dev/null --cacert "$WORK/px.crt" "https://127.0.0.1:$NPORT/healthz" && break; sleep 0.1; done

PX="https://127.0.0.1:$NPORT"
pcall() { # METHOD PATH [TOKEN] [BODY]: as call, through nginx
	local saved=$BASE
	BASE=$PX
	call "$1" "$2" "${3:-}" "${4:-}" --cacert "$WORK/px.crt"
	BASE=$saved
}
pcall GET /healthz
expect 200 "/healthz through nginx"
pcall GET /.well-known/did.json
expect 200 "the DID document through nginx"
check_eq "$(jget .id)" "did:web:127.0.0.1%3A$NPORT" "the DID names the public (nginx) address"
make_org "Proxy Vendor" vendor vendor
pcall POST /v1/products "$TOKEN" '{"name":"Cam","model":"P1","category":"camera","support_until":"2030-01-01"}'
expect 201 "a vendor's write through nginx"
pcall POST /v1/products "$TOKEN" '{"name":42}'
expect_problem 422 "labeld's refusal passes through nginx" "name"
pcall POST /v1/products "" '{"name":"x"}'
expect_problem 401 "401 through nginx, before the body" "bearer token"
check_eq "$(grep -ci '^www-authenticate: Bearer' "$HDRS")" 1 "WWW-Authenticate passes through"
pcall GET /v1/status-lists/revocation-1
expect 200 "a status list through nginx"
check_eq "$(jget .issuer)" "did:web:127.0.0.1%3A$NPORT" "the status list's issuer is the public address"
# nginx limits each client on /v1/verify (2/s, burst 5 here).
limited=0
for i in $(seq 1 20); do
	pcall POST /v1/verify "" '{"x":1}'
	[ "$STATUS" = 429 ] && limited=$((limited + 1))
done
[ "$limited" -gt 0 ] && ok || fail "nginx's limit_req on /v1/verify refused nothing"
grep -q "$NPORT\|GET /healthz" "$WORK/nginx/access.log" && ok || fail "nginx served the requests"
kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true
trap cleanup EXIT
stop_labeld
finish
