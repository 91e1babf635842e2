#!/usr/bin/env bash
# operator.sh: what an operator meets before the first request: labeld's
# and labelctl's usage against their man pages, every documented setting
# accepted (and no undocumented one), labeld -n, the default data dir,
# labelctl backup, a busy port.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mdoc.sh"
MAN="$top_srcdir/man"
# bad DESCRIPTION: a failed check that is not about an HTTP answer.
bad() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

# --- labeld: one table of settings behind flags, file, --help and -n ---
"$LABELD" --help > "$WORK/help"
check_eq "$(sed '/^settings/,$d' "$WORK/help" | tr -s ' \n' '  ' | sed 's/^usage: //; s/ $//')" \
    "$(synopsis "$MAN/labeld.8")" "labeld --help usage is labeld(8)'s SYNOPSIS"
"$LABELD" --config /dev/null -n > "$WORK/n"
sed -n 's/^\([a-z_]*\) =.*/\1/p' "$WORK/n" > "$WORK/keys"
check_eq "$(wc -l < "$WORK/keys")" "$(grep -vc '^#' "$WORK/n")" "labeld -n: one key = value line per setting"
check_eq "$(sort "$WORK/keys")" "$(tagged "$MAN/labeld.conf.5" Cm | sort)" \
    "labeld -n keys are labeld.conf(5)'s keys"
check_eq "$(sort "$WORK/keys")" "$(tagged "$MAN/labeld.8" Fl | sed -n 's/^-//p' |
    grep -vx 'config' | tr - _ | sort)" "labeld(8)'s flags are the settings (and --config)"
check_eq "$(synopsis "$MAN/labeld.8" | grep -o '\[--[a-z-]*' | sed 's/^\[--//' |
    grep -vx config | tr - _ | sort)" "$(sort "$WORK/keys")" "labeld(8)'s SYNOPSIS names every setting"
# Every setting as a flag, with a value other than its default.
declare -A VAL=([data_dir]=/srv/d [share_dir]="$top_srcdir" [listen]=127.0.0.2:9 \
    [public_url]=https://l.example [issuer_did]=did:web:l.example \
    [issuer_name]="Some Agency" [country]=DE [threads]=7 [max_body]=2M \
    [max_upload]=3M [log_level]=debug [status_list_validity]=36h \
    [trust_bundle_validity]=90d [key_passphrase_file]=/etc/p \
    [expiry_warning_window]=30d \
    [rate_limit_write]=5 [rate_limit_verify]=0 [max_conns_per_ip]=16 \
    [quorum]=2 [tls_cert]=/etc/c.pem [tls_key]=/etc/k.pem [user]=nobody \
    [partner_refresh_interval]=15m [partner_status_max_age]=3d)
args=()
while read -r k; do
	[ -n "${VAL[$k]:-}" ] || { FAILS=$((FAILS + 1)); echo "FAIL: no test value for $k"; continue; }
	args+=("--${k//_/-}" "${VAL[$k]}")
	rc=0; "$LABELD" --config /dev/null -n "--${k//_/-}" "${VAL[$k]}" > "$WORK/one" 2>&1 || rc=$?
	check_eq "$rc/$(grep -x "$k = ${VAL[$k]}" "$WORK/one")" "0/$k = ${VAL[$k]}" "labeld --${k//_/-} is accepted and resolved"
done < "$WORK/keys"
# The same values from a file, and -n's output read back as a file.
"$LABELD" --config /dev/null -n "${args[@]}" | grep -v '^#' > "$WORK/all.conf"
"$LABELD" --config "$WORK/all.conf" -n | grep -v '^#' > "$WORK/again"
check_eq "$(cat "$WORK/again")" "$(cat "$WORK/all.conf")" "labeld -n output is a labeld.conf giving the same settings"
check_eq "$(grep -c '' "$WORK/all.conf")" "$(wc -l < "$WORK/keys")" "every setting in the file"
rc=0; "$LABELD" --config "$top_srcdir/contrib/labeld.conf.example" -n > "$WORK/ex" 2>&1 || rc=$?
check_eq "$rc" 0 "contrib/labeld.conf.example is accepted: $(head -c 300 "$WORK/ex")"
check_eq "$(sed -n 's/^#* *\([a-z_]*\) =.*/\1/p' "$top_srcdir/contrib/labeld.conf.example" | sort)" "$(sort "$WORK/keys")" \
    "contrib/labeld.conf.example names every setting"
rc=0; "$LABELD" --config /dev/null -n --no-such-setting 1 > /dev/null 2>&1 || rc=$?
check_eq "$rc" 2 "an undocumented flag is a usage error"
grep -q "# read /dev/null" "$WORK/n" && ok || bad "labeld -n names the file it read"

# --- the default data dir and config file: what the build computes, as
# the man pages derive it ---
: "${localstatedir:?make check exports it}" "${sysconfdir:?make check exports it}"
check_eq "$(sed -n 's/^data_dir = //p' "$WORK/n")" "$localstatedir/lib/labeld" "default data dir is LOCALSTATEDIR/lib/labeld"
for page in labeld.8 labeld.conf.5 labelctl.8; do
	grep -q '^\.Pa LOCALSTATEDIR/lib/labeld' "$MAN/$page" && ok || bad "$page derives the data dir from LOCALSTATEDIR"
done
grep -q '^\.Pa SYSCONFDIR/labeld/labeld.conf' "$MAN/labeld.8" && ok || bad "labeld(8) derives the config file from SYSCONFDIR"
"$LABELD" -n > "$WORK/n0" 2>&1 || true
grep -q "^# .* $sysconfdir/labeld/labeld.conf\$" "$WORK/n0" && ok || bad "labeld -n names SYSCONFDIR/labeld/labeld.conf"

# --- labelctl: usage lines from its command table, as labelctl(8) states ---
"$LABELCTL" --help > "$WORK/ctl-help"
check_eq "$(sed 's/^usage: //; s/^ *//' "$WORK/ctl-help")" "$(synopsis "$MAN/labelctl.8")" \
    "labelctl --help is labelctl(8)'s SYNOPSIS, line for line"
rc=0; "$LABELCTL" --config /dev/null frobnicate 2> "$WORK/ctl-err" || rc=$?
check_eq "$rc/$(sed 1d "$WORK/ctl-err")" "2/$(cat "$WORK/ctl-help")" \
    "an unknown command: every usage line, status 2"
check_eq "$(head -n 1 "$WORK/ctl-err")" "labelctl: unknown command frobnicate" "the unknown command is named"
rc=0; "$LABELCTL" --config /dev/null token revoke 2> "$WORK/ctl-err" || rc=$?
check_eq "$rc/$(cat "$WORK/ctl-err")" "2/usage: labelctl token revoke id" "a usage error names its command's usage"
rc=0; "$LABELCTL" --config /dev/null key frob 2> "$WORK/ctl-err" || rc=$?
check_eq "$rc/$(sed 's/^usage: //; s/^ *//' "$WORK/ctl-err")" "2/$(grep -o 'labelctl key .*' "$WORK/ctl-help")" \
    "an unknown key command: the key commands' usage"
rc=0; "$LABELCTL" --config /dev/null key compromise key-x 2> "$WORK/ctl-err" || rc=$?
check_eq "$rc/$(cat "$WORK/ctl-err")" "2/usage: labelctl key compromise kid --since time" "key compromise without --since"


# --- a busy port: the real port in the message, nothing made in the data dir ---
start_labeld
rc=0; "$LABELD" --config /dev/null --data-dir "$WORK/busy" --listen "127.0.0.1:$PORT" \
    > "$WORK/busy.log" 2>&1 || rc=$?
check_eq "$rc" 1 "labeld on a busy port exits 1"
grep -q "cannot listen on 127.0.0.1 port $PORT: Address already in use" "$WORK/busy.log" && ok ||
    bad "a busy port names the port asked for: $(cat "$WORK/busy.log")"
grep -q 'port 0' "$WORK/busy.log" && bad "a busy port is logged as port 0" || ok
check_eq "$(ls -A "$WORK/busy" 2>/dev/null | tr '\n' ' ')" "" "a busy port creates no database, token or key"
grep -q 'listening on' "$WORK/busy.log" && bad "labeld on a busy port says it listens" || ok
stop_labeld

# --- labeld(8) points to the verifier partners run ---
sed -n '/^\.Sh SEE ALSO/,/^\.Sh/p' "$MAN/labeld.8" | grep -qx '\.Xr labelverify 1 ,\{0,1\}' && ok ||
    bad "labeld(8) SEE ALSO lists labelverify(1)"

start_labeld
# --- labelctl backup: a 0700 directory of 0600 files, no overwrite without --force ---
(umask 022 && "$LABELCTL" --data-dir "$DATA" backup "$WORK/b" > /dev/null) && ok || bad "labelctl backup"
check_eq "$(stat -c %a "$WORK/b")/$(find "$WORK/b" -type f ! -perm 600 | wc -l)/$(find "$WORK/b" -type d ! -perm 700 | wc -l)" \
    "700/0/0" "a backup is a 0700 directory of 0600 files whatever the umask"
mkdir "$WORK/exists"; echo keep > "$WORK/exists/mine"
rc=0; "$LABELCTL" --data-dir "$DATA" backup "$WORK/exists" > /dev/null 2> "$WORK/ctl-err" || rc=$?
check_eq "$rc/$(cat "$WORK/exists/mine")" "1/keep" "an existing directory is refused and kept"
grep -q -- '--force' "$WORK/ctl-err" && ok || bad "the refusal names --force"
"$LABELCTL" --data-dir "$DATA" backup --force "$WORK/exists" > /dev/null && ok || bad "backup --force"
check_eq "$("$LABELCTL" --data-dir "$WORK/exists" check)/$([ -e "$WORK/exists/mine" ] && echo kept || echo gone)" "ok/gone" \
    "--force replaces the directory with a sound copy"
rc=0; "$LABELCTL" --data-dir "$DATA" backup > /dev/null 2> "$WORK/ctl-err" || rc=$?
check_eq "$rc/$(cat "$WORK/ctl-err")" "2/usage: labelctl backup [--force] dir" "backup without a directory: its usage"

# --- labelctl key list: a header line before the keys ---
check_eq "$("$LABELCTL" --data-dir "$DATA" key list | head -n 1)" \
    "$(printf 'KID\tSTATUS\tCREATED\tRETIRED\tCOMPROMISED\tPUBLIC KEY')" "key list starts with its header"
stop_labeld

finish
