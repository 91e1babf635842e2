#!/usr/bin/env bash
# tls.sh: labeld serving HTTPS itself, and started as root.
# - --tls-cert/--tls-key: HTTPS on the port, the derived public URL and
#   issuer DID follow (https), TLS 1.2 and 1.3 only (1.1 refused), plain
#   HTTP refused; SIGHUP serves a new certificate without a restart, and a
#   broken one leaves the old in use; a key anyone can read, a cert
#   without its key, a missing file: refused at start with the reason.
# - a data dir others may write into is refused at start, a database open
#   to others is closed to them.
# - started as root with --user: runs as that user once listening.  This
#   part needs root (skipped with a message otherwise; CI runs as root).
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "FAIL: openssl is needed to make test certificates"; exit 1; }

# A self-signed certificate for 127.0.0.1 with subject CN=$1.
mkcert() {
	openssl req -x509 -newkey ed25519 -nodes -days 2 -subj "/CN=$1" \
	    -addext "subjectAltName=IP:127.0.0.1" \
	    -keyout "$WORK/$1.key" -out "$WORK/$1.crt" 2>/dev/null
	chmod 600 "$WORK/$1.key"
}
mkcert first
mkcert second

# --- refused at start, with the reason ---
start_fails() { # DESCRIPTION EXPECTED-IN-LOG labeld-flags...
	local what=$1 want=$2 rc=0
	shift 2
	"$LABELD" --data-dir "$WORK/refused" --listen 127.0.0.1:0 "$@" > "$WORK/refused.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] && grep -q -- "$want" "$WORK/refused.log"; then ok
	else FAILS=$((FAILS + 1)); echo "FAIL: $what: rc $rc, log: $(head -c 300 "$WORK/refused.log")"; fi
}
cp "$WORK/first.key" "$WORK/open.key"; chmod 644 "$WORK/open.key"
start_fails "a TLS key anyone can read" "readable by anyone" --tls-cert "$WORK/first.crt" --tls-key "$WORK/open.key"
start_fails "a certificate without its key" "set both or neither" --tls-cert "$WORK/first.crt"
start_fails "a missing certificate" "no-such.crt: No such file" --tls-cert "$WORK/no-such.crt" --tls-key "$WORK/first.key"
[ ! -e "$WORK/refused/labeld.db" ] && ok || fail "a refused start made a database"

# --- HTTPS ---
cp "$WORK/first.crt" "$WORK/live.crt"; cp "$WORK/first.key" "$WORK/live.key"
start_labeld --tls-cert "$WORK/live.crt" --tls-key "$WORK/live.key"
HTTPS="https://127.0.0.1:$PORT"
code=$(curl -s -o "$WORK/h" -w '%{http_code}' --cacert "$WORK/first.crt" "$HTTPS/healthz") || code=000
check_eq "$code" 200 "GET /healthz over HTTPS, verified against the certificate"
curl -s --cacert "$WORK/first.crt" "$HTTPS/.well-known/did.json" > "$WORK/did.json"
check_eq "$(jq -r .id "$WORK/did.json")" "did:web:127.0.0.1%3A$PORT" "the DID document over HTTPS"
grep -q "public URL https://127.0.0.1:$PORT" "$LOG" && ok || fail "the derived public URL is https"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz") || code=000
[ "$code" != 200 ] && ok || fail "plain HTTP on the HTTPS port answered 200"
rc=0; curl -s -o /dev/null --cacert "$WORK/first.crt" --tls-max 1.1 --max-time 5 "$HTTPS/healthz" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] && ok || fail "TLS 1.1 was accepted"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/first.crt" --tlsv1.2 --tls-max 1.2 "$HTTPS/healthz") || code=000
check_eq "$code" 200 "TLS 1.2 is accepted"

# SIGHUP: the new certificate without a restart; a broken one is refused.
subject() { openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null | sed -n 's/^subject=.*CN *= *\([a-z]*\).*/\1/p'; }
check_eq "$(subject)" first "served certificate before SIGHUP"
cp "$WORK/second.crt" "$WORK/live.crt"; cp "$WORK/second.key" "$WORK/live.key"
pid_before=$PID
kill -HUP "$PID"
for i in $(seq 1 50); do grep -q "SIGHUP: serving" "$LOG" && break; sleep 0.1; done
check_eq "$(subject)" second "served certificate after SIGHUP"
kill -0 "$pid_before" && ok || fail "labeld exited on SIGHUP"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/second.crt" "$HTTPS/healthz") || code=000
check_eq "$code" 200 "GET over the new certificate"
echo "not a certificate" > "$WORK/live.crt"
kill -HUP "$PID"
for i in $(seq 1 50); do grep -q "SIGHUP: .*still serving\|SIGHUP: .*does not load" "$LOG" && break; sleep 0.1; done
grep -q "SIGHUP: .*still serving the previous certificate" "$LOG" && ok || fail "a broken certificate on SIGHUP is reported"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/second.crt" "$HTTPS/healthz") || code=000
check_eq "$code" 200 "the previous certificate still serves after a broken reload"
chmod 644 "$WORK/live.key"; cp "$WORK/second.crt" "$WORK/live.crt"
kill -HUP "$PID"
for i in $(seq 1 50); do grep -q "SIGHUP: .*readable by anyone" "$LOG" && break; sleep 0.1; done
grep -q "SIGHUP: .*readable by anyone" "$LOG" && ok || fail "a key made readable to anyone is refused on SIGHUP"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/second.crt" "$HTTPS/healthz") || code=000
check_eq "$code" 200 "still serving after the refused reload"
# lib.sh's calls speak plain HTTP: stop with the daemon's own signal.
stop_labeld

# --- unsafe modes of the data dir and the database ---
mkdir -p "$WORK/open-dir"; chmod 777 "$WORK/open-dir"
start_fails "a data dir anyone may write into" "writable by others" --data-dir "$WORK/open-dir"
chmod 644 "$DATA/labeld.db"
start_labeld
check_eq "$(stat -c %a "$DATA/labeld.db")" 600 "a database open to others is closed to them at start"
grep -q "was open to others (mode 0644): now 0600" "$LOG" && ok || fail "the database's mode change is logged"
stop_labeld

# --- started as root: runs as --user once listening ---
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP part: dropping root needs root (this ran as uid $(id -u))"
else
	id nobody >/dev/null 2>&1 || { echo "FAIL: no user nobody to run as"; exit 1; }
	mkdir -p "$WORK/nobody-data"; chmod 700 "$WORK/nobody-data"; chown nobody "$WORK/nobody-data"
	chmod 755 "$WORK"
	DATA=$WORK/nobody-data PORT=0
	start_labeld --user nobody --share-dir "$top_srcdir"
	uid=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$PID/status")
	n=$(id -u nobody)
	check_eq "$uid" "$n $n $n $n" "real, effective, saved and fs uid are nobody's"
	grep -q "running as user nobody" "$LOG" && ok || fail "the drop is logged"
	call GET /healthz
	expect 200 "serving as nobody"
	check_eq "$(stat -c %U "$WORK/nobody-data/labeld.db")" nobody "the database belongs to nobody"
	stop_labeld
	rc=0; "$LABELD" --data-dir "$WORK/nobody-data" --listen 127.0.0.1:0 --user root > "$WORK/root.log" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] && grep -q "is root" "$WORK/root.log" && ok || fail "--user root is refused"
	rc=0; "$LABELD" --data-dir "$WORK/nobody-data" --listen 127.0.0.1:0 --user no-such-user-x > "$WORK/nouser.log" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] && grep -q "no-such-user-x" "$WORK/nouser.log" && ok || fail "an unknown user is refused"
fi
finish
