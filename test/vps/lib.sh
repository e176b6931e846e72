# shellcheck shell=bash
# lib.sh - shared code for up.sh / down.sh / reset.sh (source it, don't run it).
#
# The test "VPS" is this machine's Postfix + Dovecot + MariaDB + PostfixAdmin, run inside the network
# namespace $NS (own address, own firewall), plus an sshd of our own in that namespace.
# Debian 12, root, no systemd, no docker. See README.md.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH   # npm may drop sbin dirs

VPS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=$VPS_DIR/.state                   # per-checkout: keys, DB password, connection.json, logs (git-ignored)
MSTATE=/var/lib/postdesk-test-vps       # per-machine: backup of the package configs, rsyslogd we started
MARKER=/etc/postdesk-test-vps.marker    # "this machine's mail configs belong to the Postdesk test server"

NS=pdvps HOST_IF=veth-pdvps NS_IF=eth0
HOST_IP=10.213.77.1 HOST_IP2=10.213.77.3 VPS_IP=10.213.77.2 PREFIX=29
DB_NAME=postfix DB_USER=postfix
PD_ENCRYPT=${PD_ENCRYPT:-dovecot:SHA512-CRYPT}
VMAIL_ID=10000 MAIL_ROOT=/home/mailuser
SSHD_CONF=$STATE/sshd_config SSHD_PID=/run/postdesk-test-vps-sshd.pid
KEY=$STATE/id_ed25519 HOSTKEY=$STATE/ssh_host_ed25519_key
DLOG=$STATE/daemons.log                 # daemons never inherit our stdout/stderr (they'd keep pipes open)
SEED_VERSION=1                          # bump when the seed below changes: up.sh then rebuilds the DB

# Seed data (also written to connection.json)
SEED_DOMAIN=example.test SEED_ALIAS_DOMAIN=alias.test SEED_SQL_DOMAIN=seed.test
ALICE=alice@example.test ALICE_PW='Secret123!'
BOB=bob@seed.test BOB_PW=BobPass123
INFO=info@example.test
ADMIN=admin@example.test ADMIN_PW='AdminPass123!'

REQ_PKGS=(openssh-server openssh-client mariadb-server postfix postfix-mysql dovecot-core dovecot-imapd
          dovecot-pop3d dovecot-lmtpd dovecot-mysql dovecot-sieve php-cli php-mysql iptables nftables iproute2
          rsyslog swaks pflogsumm at ssl-cert procps python3 sudo systemd)  # systemd: a standalone journald for the journal tests
# --no-install-recommends: otherwise they drag a lot more in. ufw and firewalld are for the firewall area's live
# tests, which run them in namespaces of their own (policy-rc.d below keeps their daemons from starting here).
NOREC_PKGS=(postfixadmin ufw firewalld)
OPT_PKGS=(lnav)             # nice to have for reading logs; failure to install is not fatal

# ---------------------------------------------------------------------------------------------- output
log() { echo "[vps] $*"; }
die() { echo "[vps] ERROR: $*" >&2; exit 1; }
T_START=$EPOCHREALTIME T_STEP=$EPOCHREALTIME CUR_STEP=""
TIMINGS=()
step() {  # step NAME: closes the previous step and prints its duration
  local t=$EPOCHREALTIME
  if [ -n "$CUR_STEP" ]; then
    TIMINGS+=("$(awk -v a="$t" -v b="$T_STEP" -v n="$CUR_STEP" 'BEGIN{printf "%-22s %6.2fs", n, a-b}')")
    log "  ${TIMINGS[-1]}"
  fi
  CUR_STEP=${1:-} T_STEP=$t
  [ -z "$CUR_STEP" ] || log "$CUR_STEP ..."
}
elapsed() { awk -v a="$EPOCHREALTIME" -v b="$T_START" 'BEGIN{printf "%.2f", a-b}'; }

# One run at a time (parallel test workers may all call up.sh). fd 9 must never reach a daemon, or it
# would hold the lock forever: every daemon start below goes through `daemon`, which closes it.
take_lock() { mkdir -p /run/lock; exec 9>/run/lock/postdesk-test-vps.lock; flock -w 300 9 || die "another up/down/reset is still running"; }
daemon() { "$@" </dev/null >>"$DLOG" 2>&1 9>&-; }

# ---------------------------------------------------------------------------------------------- processes
ns_exists() { [ -e "/run/netns/$NS" ]; }
ns_inode() { stat -L -c %i "/run/netns/$NS" 2>/dev/null; }          # /proc/1/ns/net is not readable here
pid_of() { [ -r "$1" ] && tr -dc 0-9 <"$1"; }                      # postfix pads its pid file with spaces
# PID 1 here reaps orphans only every second or two: a zombie must count as gone, not as running.
proc_alive() { local st; st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) && [ "${st%% *}" != Z ]; }
pid_alive() { local p; p=$(pid_of "$1") && [ -n "$p" ] && proc_alive "$p"; }
pid_in_ns() {  # the process of pid file $1 runs inside our namespace (the pid namespace is shared)
  local p i; p=$(pid_of "$1") && [ -n "$p" ] && proc_alive "$p" && i=$(ns_inode) \
    && [ "$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null)" = "$i" ]
}
wait_for() {  # wait_for SECONDS CMD...: poll every 0.1 s
  local n=$(( $1 * 10 )); shift
  while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done; return 1
}
listening() { ip netns exec "$NS" ss -Hltn "sport = :$1" | grep -q .; }
kill_pid() {  # kill_pid PID: TERM, wait up to 10 s, then KILL
  kill "$1" 2>/dev/null || return 0
  local n=100; while [ $n -gt 0 ] && proc_alive "$1"; do sleep 0.1; n=$((n - 1)); done
  if proc_alive "$1"; then kill -9 "$1" 2>/dev/null || true; fi
}
kill_pidfile() { local p; p=$(pid_of "$1") && [ -n "$p" ] && proc_alive "$p" && kill_pid "$p"; return 0; }
svc_ensure() {  # svc_ensure INIT-SCRIPT PIDFILE: start it inside the namespace unless it already runs there
  local name=$1 pf=$2
  pid_in_ns "$pf" && return 1                  # 1 = was already running
  if pid_alive "$pf"; then                     # e.g. left in an orphaned namespace after a partial down
    log "$name runs outside namespace $NS: restarting it inside"
    stop_pidfile "$name" "$pf"
  fi
  rm -f "$pf"                                  # stale (or a zombie's): don't let the init script trust it
  daemon ip netns exec "$NS" service "$name" start || { tail -20 "$DLOG" >&2; die "service $name start failed (log: $DLOG)"; }
  return 0
}
svc_stop() {  # svc_stop NAME PIDFILE: only if it runs in our namespace (never a real server's daemon)
  pid_in_ns "$2" || return 0
  stop_pidfile "$1" "$2"
  log "stopped $1"
}
stop_pidfile() {  # signal the daemon directly: the init scripts wait for PID 1 to reap it (seconds each)
  case $1 in
    mariadb) daemon mysqladmin shutdown || true ;;   # clean shutdown; mysqld_safe then exits by itself
    postfix) daemon postfix stop || true ;;
  esac
  kill_pidfile "$2"
  case $1 in atd|sshd) rm -f "$2" ;; esac          # they leave stale pid files behind
}

# ---------------------------------------------------------------------------------------------- safety guard
# Debian's postinst writes main.cf from main.cf.debian (+ main.cf.tls) and sets only these parameters.
DEBIAN_MAINCF_KEYS="smtpd_banner biff append_dot_mydomain readme_directory compatibility_level smtpd_tls_cert_file
  smtpd_tls_key_file smtpd_tls_security_level smtp_tls_CApath smtp_tls_security_level smtp_tls_session_cache_database
  smtpd_relay_restrictions myhostname alias_maps alias_database myorigin mydestination relayhost mynetworks
  mailbox_size_limit recipient_delimiter inet_interfaces inet_protocols"
foreign_reasons() {  # prints why this machine's mail setup looks like someone else's (nothing = ours to take)
  local keys extra bad
  if [ -e /etc/postfix/main.cf ]; then
    if ! command -v postconf >/dev/null; then echo "/etc/postfix/main.cf exists but postfix is not installed"
    else
      keys=$(postconf -c /etc/postfix -n 2>/dev/null | sed "s/ *=.*//" | grep -vx config_directory || true)
      extra=$(comm -23 <(sort -u <<<"$keys") <(tr -s ' \n' '\n' <<<"$DEBIAN_MAINCF_KEYS" | sort -u) | tr '\n' ' ')
      [ -z "$extra" ] || echo "/etc/postfix/main.cf sets non-default parameters: $extra"
      [ -z "$(postconf -c /etc/postfix -h relayhost 2>/dev/null)" ] || echo "/etc/postfix/main.cf has a relayhost"
      cmp -s /etc/postfix/master.cf /usr/share/postfix/master.cf.dist || echo "/etc/postfix/master.cf is not the package's"
    fi
    [ ! -e /etc/postfix/sql ] || echo "/etc/postfix/sql exists"
  fi
  if [ -e /etc/dovecot/dovecot.conf ]; then
    # Debian installs the Dovecot configs with ucf, which records each file's md5 as installed.
    bad=$(awk '$2 ~ "^/etc/dovecot/" {print $1 "  " $2}' /var/lib/ucf/hashfile 2>/dev/null | { md5sum -c --quiet 2>/dev/null || true; } | cut -d: -f1 | tr '\n' ' ')
    grep -q ' /etc/dovecot/dovecot.conf$' /var/lib/ucf/hashfile 2>/dev/null || bad="$bad(not registered by the package) "
    [ ! -e /etc/dovecot/local.conf ] || bad="$bad/etc/dovecot/local.conf "
    for f in /etc/dovecot/conf.d/*; do
      grep -qF " $f" /var/lib/ucf/hashfile 2>/dev/null || bad="$bad$f "
    done
    [ -z "$bad" ] || echo "Dovecot configs differ from the package's: $bad"
  fi
  pid_alive /var/spool/postfix/pid/master.pid && echo "Postfix is running"
  pid_alive /run/dovecot/master.pid && echo "Dovecot is running"
  [ ! -d "/var/lib/mysql/$DB_NAME" ] || echo "MariaDB already has a '$DB_NAME' database"
  [ ! -e "$MAIL_ROOT" ] || echo "$MAIL_ROOT exists"
  return 0
}
guard() {  # refuse to take over a machine whose mail setup we did not create (see README.md)
  [ -f "$MARKER" ] && return 0
  local reasons; reasons=$(foreign_reasons) || reasons="${reasons:-}"$'\n'"(the check itself failed: treating the machine as foreign)"
  if [ -n "$reasons" ]; then
    if [ "${POSTDESK_TEST_VPS:-}" = 1 ]; then
      log "POSTDESK_TEST_VPS=1: taking over this machine's mail setup despite:"; sed 's/^/[vps]   /' <<<"$reasons"
    else
      { echo "[vps] REFUSING: this machine has a mail setup that the Postdesk test server did not create:"
        sed 's/^/[vps]   /' <<<"$reasons"
        echo "[vps] up.sh rewrites /etc/postfix, /etc/dovecot and the '$DB_NAME' database. If this machine is a"
        echo "[vps] throwaway test box, rerun with POSTDESK_TEST_VPS=1 (the marker $MARKER then remembers it)."; } >&2
      exit 3
    fi
  elif [ -e /etc/postfix/main.cf ] || [ -e /etc/dovecot/dovecot.conf ]; then
    log "existing Postfix/Dovecot configs are untouched package defaults: taking them over"
  fi
  NEW_MARKER=1
}
require_marker() {  # for reset/purge: only on a machine up.sh provisioned
  [ -f "$MARKER" ] || [ "${POSTDESK_TEST_VPS:-}" = 1 ] || die "no $MARKER: this machine was not provisioned by test/vps/up.sh (refusing; POSTDESK_TEST_VPS=1 overrides)"
}
write_marker() {
  mkdir -p "$MSTATE"
  # keep the package configs as they were, for `down.sh --purge`
  if [ ! -e "$MSTATE/orig.tar" ]; then
    local f=() p; for p in /etc/postfix/main.cf /etc/postfix/master.cf /etc/dovecot; do [ -e "$p" ] && f+=("$p"); done
    tar -cpf "$MSTATE/orig.tar" -T /dev/null "${f[@]}" 2>/dev/null || true
  fi
  printf 'Postdesk test mail server (test/vps/up.sh), first provisioned %s from %s.\n%s\n' "$(date -Is)" "$VPS_DIR" \
    "/etc/postfix, /etc/dovecot and the MariaDB database '$DB_NAME' on this machine are managed by it." > "$MARKER"
}

# ---------------------------------------------------------------------------------------------- packages
missing_pkgs() {
  local have; have=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null | awk '$2 == "ii" {print $1}') || true
  local p; for p in "$@"; do grep -qxF "$p" <<<"$have" || echo "$p"; done
}
install_packages() {
  local missing; missing=$(missing_pkgs "${REQ_PKGS[@]}" "${NOREC_PKGS[@]}")
  [ -n "$missing" ] || return 0
  log "installing: $(echo $missing) (apt log: $STATE/apt.log)"
  debconf-set-selections <<'EOF'
postfix postfix/main_mailer_type select Internet Site
postfix postfix/mailname string mail.test.local
postfixadmin postfixadmin/dbconfig-install boolean false
EOF
  # Package postinsts must not start daemons (they'd start in the host namespace, sshd on *:22 ...).
  local policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  local req norec opt
  req=$(grep -vxF -f <(printf '%s\n' "${NOREC_PKGS[@]}") <<<"$missing" || true)
  norec=$(grep -xF -f <(printf '%s\n' "${NOREC_PKGS[@]}") <<<"$missing" || true)
  opt=$(missing_pkgs "${OPT_PKGS[@]}")
  { apt-get update -q && { [ -z "$req" ] || apt-get install -y -q $req; } \
      && { [ -z "$norec" ] || apt-get install -y -q --no-install-recommends $norec; }; } </dev/null >>"$STATE/apt.log" 2>&1 \
    || { tail -20 "$STATE/apt.log" >&2; die "apt-get failed (log: $STATE/apt.log)"; }
  [ -z "$opt" ] || apt-get install -y -q $opt </dev/null >>"$STATE/apt.log" 2>&1 || log "optional $opt not installed"
  if [ $policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
}

# ---------------------------------------------------------------------------------------------- state files
init_state() {
  mkdir -p "$STATE"; chmod 700 "$STATE"
  touch "$DLOG"
  if [ ! -s "$STATE/db_password" ]; then   # alphanumeric: it goes through sed, PHP and SQL quoting unescaped
    (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$STATE/db_password")
  fi
  chmod 600 "$STATE/db_password"
  DB_PASS=$(cat "$STATE/db_password")
}
seed_fp() { echo "seed=$SEED_VERSION encrypt=$PD_ENCRYPT postfixadmin=$(dpkg-query -W -f='${Version}' postfixadmin)"; }

# ---------------------------------------------------------------------------------------------- syslog
ensure_rsyslog() {  # Debian 12's rsyslog has no SysV script: run it directly; it writes /var/log/mail.log
  pid_alive /run/rsyslogd.pid && return 0
  daemon /usr/sbin/rsyslogd
  wait_for 5 test -S /dev/log || die "rsyslogd did not come up"
  mkdir -p "$MSTATE"; pid_of /run/rsyslogd.pid >"$MSTATE/rsyslogd.pid"   # so down.sh stops only the one we started
}

# ---------------------------------------------------------------------------------------------- network
ensure_netns() {
  ns_exists || ip netns add "$NS"
  if ! ip -n "$NS" link show "$NS_IF" >/dev/null 2>&1; then   # no pair, or a stale host end from an old namespace
    ip link del "$HOST_IF" 2>/dev/null || true
    ip link add "$HOST_IF" type veth peer name pdvps-peer
    ip link set pdvps-peer netns "$NS"
    ip -n "$NS" link set pdvps-peer name "$NS_IF"
  fi
  ip addr replace "$HOST_IP/$PREFIX" dev "$HOST_IF"
  ip addr replace "$HOST_IP2/$PREFIX" dev "$HOST_IF"    # the "new home IP" a test may connect from
  ip link set "$HOST_IF" up
  ip -n "$NS" addr replace "$VPS_IP/$PREFIX" dev "$NS_IF"
  ip -n "$NS" link set "$NS_IF" up
  ip -n "$NS" link set lo up
}

# ---------------------------------------------------------------------------------------------- sshd
ensure_sshd() {
  [ -s "$HOSTKEY" ] || ssh-keygen -q -t ed25519 -N '' -C postdesk-test-vps-host -f "$HOSTKEY"
  [ -s "$KEY" ] || ssh-keygen -q -t ed25519 -N '' -C postdesk-test-vps -f "$KEY"
  chmod 600 "$HOSTKEY" "$KEY"
  cp "$KEY.pub" "$STATE/authorized_keys"
  printf '%s %s\n' "$VPS_IP" "$(cut -d' ' -f1,2 "$HOSTKEY.pub")" >"$STATE/known_hosts"
  # Only the ed25519 host key, so whatever a client negotiates matches hostKeySha256 in connection.json.
  # AuthorizedKeysFile: our key from .state, and root's own file too (the app may manage that one).
  cat >"$SSHD_CONF.new" <<EOF
# Postdesk test VPS sshd (generated by test/vps/lib.sh), runs in netns $NS. Not the machine's sshd.
Port 22
ListenAddress $VPS_IP
HostKey "$HOSTKEY"
PidFile $SSHD_PID
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys "$STATE/authorized_keys"
# the checkout may belong to a non-root user (CI); sshd would then reject the keys file
StrictModes no
UsePAM yes
PrintMotd no
AcceptEnv LANG LC_*
# tests open many sessions in parallel
MaxStartups 100:30:200
MaxSessions 50
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  mv "$SSHD_CONF.new" "$SSHD_CONF"
  install -d -m 755 /run/sshd   # privilege separation dir
  /usr/sbin/sshd -t -f "$SSHD_CONF" || die "sshd config test failed"
  local want; want=$(md5sum "$SSHD_CONF" "$HOSTKEY.pub" | md5sum | cut -c1-32)
  # Another checkout's sshd (its own -f config and host key) may hold the pid file: HUP would keep its
  # config, so only an sshd started from this checkout's config counts as ours.
  if pid_in_ns "$SSHD_PID" && tr '\0' '\n' <"/proc/$(pid_of "$SSHD_PID")/cmdline" 2>/dev/null | grep -qxF "$SSHD_CONF"; then
    if [ "$want" != "$(cat "$STATE/sshd.hash" 2>/dev/null)" ]; then
      kill -HUP "$(pid_of "$SSHD_PID")"; sleep 0.3   # sshd re-execs itself with the new config/keys
    fi
  else
    pid_alive "$SSHD_PID" && kill_pidfile "$SSHD_PID"
    daemon ip netns exec "$NS" /usr/sbin/sshd -f "$SSHD_CONF" || die "namespace sshd did not start (log: $DLOG)"
  fi
  echo "$want" >"$STATE/sshd.hash"
  wait_for 10 listening 22 || die "sshd is not listening on $VPS_IP:22"
}
hostkey_fp() { ssh-keygen -lf "$HOSTKEY.pub" | awk '{print $2}'; }

# ---------------------------------------------------------------------------------------------- mariadb
ensure_mariadb() {
  svc_ensure mariadb /run/mysqld/mysqld.pid || true
  wait_for 30 mysqladmin ping || die "MariaDB did not come up (log: $DLOG)"
}
ensure_db_user() {  # 'localhost' = unix socket; '127.0.0.1' = TCP, e.g. through an SSH tunnel
  mysql <<EOF
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
FLUSH PRIVILEGES;
EOF
}
q() { mysql -N -B "$DB_NAME" -e "$1"; }

# ---------------------------------------------------------------------------------------------- configs
# Every managed config file is generated from the package's pristine copy (/usr/share/postfix,
# /usr/share/dovecot) plus our edits, into $STATE/stage, then copied over only where it differs.
# So up.sh and reset.sh always produce exactly the same files, whatever a test changed.
dovecot_scheme() {  # Dovecot default_pass_scheme for PostfixAdmin's $CONF['encrypt']
  case $PD_ENCRYPT in
    dovecot:*) echo "${PD_ENCRYPT#dovecot:}" ;;   # hashes carry a {SCHEME} prefix anyway
    md5crypt) echo MD5-CRYPT ;; md5) echo PLAIN-MD5 ;; cleartext) echo PLAIN ;;
    *) echo CRYPT ;;
  esac
}
stage_edit() {  # stage_edit FILE SED-EXPR EXPECTED-LINE: edit and check it took (package layout may change)
  sed -i "$2" "$1"; grep -qxF -- "$3" "$1" || die "config edit failed in ${1#"$STAGE"}: expected line '$3'"
}
generate_configs() {
  STAGE=$STATE/stage
  rm -rf "$STAGE"; mkdir -p "$STAGE/etc/postfix/sql" "$STAGE/etc/dovecot/conf.d" "$STAGE/etc/postfixadmin"
  local P=$STAGE/etc/postfix D=$STAGE/etc/dovecot

  # --- Postfix: main.cf as Debian's postinst writes it, then the seed's settings
  cat /usr/share/postfix/main.cf.debian /usr/share/postfix/main.cf.tls >"$P/main.cf"
  cp /usr/share/postfix/master.cf.dist "$P/master.cf"
  local S=proxy:mysql:/etc/postfix/sql   # proxy: smtpd is chrooted
  local kv
  for kv in \
    'myhostname = mail.test.local' 'myorigin = /etc/mailname' 'mydestination = $myhostname, localhost' \
    'alias_maps = hash:/etc/aliases' 'alias_database = hash:/etc/aliases' 'relayhost =' \
    'mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128' 'mailbox_size_limit = 0' 'recipient_delimiter = +' \
    'inet_interfaces = all' 'inet_protocols = ipv4' \
    'smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination' \
    "virtual_mailbox_domains = $S/mysql_virtual_domains_maps.cf" \
    "virtual_alias_maps = $S/mysql_virtual_alias_maps.cf, $S/mysql_virtual_alias_domain_maps.cf, $S/mysql_virtual_alias_domain_catchall_maps.cf" \
    "virtual_mailbox_maps = $S/mysql_virtual_mailbox_maps.cf, $S/mysql_virtual_alias_domain_mailbox_maps.cf" \
    'virtual_transport = lmtp:unix:private/dovecot-lmtp' \
    'smtpd_sasl_type = dovecot' 'smtpd_sasl_path = private/auth' 'smtpd_sasl_auth_enable = yes' \
    'smtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem' 'smtpd_tls_key_file = /etc/ssl/private/ssl-cert-snakeoil.key' \
    'smtpd_tls_security_level = may' \
    'smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination' \
    'smtp_dns_support_level = disabled'
  do postconf -c "$P" -e "$kv"; done   # one at a time: a single postconf -e appends new keys in random order
  postconf -c "$P" -M submission/inet="submission inet n - y - - smtpd"
  postconf -c "$P" -P submission/inet/syslog_name=postfix/submission submission/inet/smtpd_tls_security_level=encrypt \
    submission/inet/smtpd_sasl_auth_enable=yes submission/inet/smtpd_client_restrictions=permit_sasl_authenticated,reject
  # map files by PostfixAdmin's own generator (the doc is a shell script that reads itself via $0)
  zcat /usr/share/doc/postfixadmin/DOCUMENTS/POSTFIX_CONF.txt.gz >"$STATE/POSTFIX_CONF.sh"
  local out tmpd
  out=$(printf 'localhost\n%s\n%s\n%s\n' "$DB_NAME" "$DB_USER" "$DB_PASS" | sh "$STATE/POSTFIX_CONF.sh" 2>&1) || die "POSTFIX_CONF generator: $out"
  tmpd=$(sed -n 1p <<<"$out"); case $tmpd in /tmp/postfixadmin-*) ;; *) die "POSTFIX_CONF generator: $out" ;; esac
  mv "$tmpd"/*.cf "$P/sql/"; rmdir "$tmpd"
  chown root:postfix "$P"/sql/*.cf; chmod 640 "$P"/sql/*.cf

  # --- Dovecot: every file the packages installed (ucf lists them), from /usr/share/dovecot
  local f rel
  for f in $(awk '$2 ~ "^/etc/dovecot/" {print $2}' /var/lib/ucf/hashfile); do
    rel=${f#/etc/dovecot/}; [ -f "/usr/share/dovecot/$rel" ] || continue
    cp "/usr/share/dovecot/$rel" "$D/$rel"
  done
  [ -f "$D/dovecot.conf" ] && [ -f "$D/conf.d/10-master.conf" ] || die "Dovecot's package configs not found (ucf hashfile)"
  chmod 644 "$D"/dovecot.conf "$D"/conf.d/*
  local C=$D/conf.d
  stage_edit "$D/dovecot.conf" 's/^#listen = \*, ::$/listen = */' 'listen = *'
  stage_edit "$C/10-auth.conf" 's/^auth_mechanisms = plain$/auth_mechanisms = plain login/' 'auth_mechanisms = plain login'
  stage_edit "$C/10-auth.conf" 's/^!include auth-system.conf.ext$/#!include auth-system.conf.ext/' '#!include auth-system.conf.ext'
  stage_edit "$C/10-auth.conf" 's/^#!include auth-sql.conf.ext$/!include auth-sql.conf.ext/' '!include auth-sql.conf.ext'
  stage_edit "$C/10-mail.conf" "s|^mail_location = .*|mail_location = maildir:$MAIL_ROOT/%d/%n|" "mail_location = maildir:$MAIL_ROOT/%d/%n"
  stage_edit "$C/10-mail.conf" 's/^#mail_plugins = $/mail_plugins = $mail_plugins quota/' 'mail_plugins = $mail_plugins quota'
  stage_edit "$C/20-imap.conf" 's/^  #mail_plugins = \$mail_plugins$/  mail_plugins = $mail_plugins imap_quota/' '  mail_plugins = $mail_plugins imap_quota'
  stage_edit "$C/90-quota.conf" 's/^  #quota = maildir:User quota$/  quota = maildir:User quota/' '  quota = maildir:User quota'
  stage_edit "$C/10-ssl.conf" 's|^ssl_cert = .*|ssl_cert = </etc/ssl/certs/ssl-cert-snakeoil.pem|' 'ssl_cert = </etc/ssl/certs/ssl-cert-snakeoil.pem'
  stage_edit "$C/10-ssl.conf" 's|^ssl_key = .*|ssl_key = </etc/ssl/private/ssl-cert-snakeoil.key|' 'ssl_key = </etc/ssl/private/ssl-cert-snakeoil.key'
  # LMTP and SASL sockets inside Postfix's chroot
  perl -0pi -e 's|  unix_listener lmtp \{\n    #mode = 0666\n  \}|  unix_listener /var/spool/postfix/private/dovecot-lmtp {\n    mode = 0600\n    user = postfix\n    group = postfix\n  }|;
                s|  #unix_listener /var/spool/postfix/private/auth \{\n  #  mode = 0666\n  #\}|  unix_listener /var/spool/postfix/private/auth {\n    mode = 0660\n    user = postfix\n    group = postfix\n  }|' "$C/10-master.conf"
  grep -q '^  unix_listener /var/spool/postfix/private/dovecot-lmtp {' "$C/10-master.conf" \
    && grep -q '^  unix_listener /var/spool/postfix/private/auth {' "$C/10-master.conf" || die "10-master.conf edit failed"
  # SQL passdb/userdb: queries from PostfixAdmin's DOCUMENTS/DOVECOT.txt; quota_rule from mailbox.quota (bytes, 0 = none)
  cat >"$D/dovecot-sql.conf.ext" <<EOF
# Postdesk test VPS (generated by test/vps/lib.sh): PostfixAdmin schema
driver = mysql
connect = host=/run/mysqld/mysqld.sock dbname=$DB_NAME user=$DB_USER password=$DB_PASS
default_pass_scheme = $(dovecot_scheme)
password_query = SELECT username AS user, password FROM mailbox WHERE username = '%u' AND active = '1'
user_query = SELECT CONCAT('$MAIL_ROOT/', TRIM(TRAILING '/' FROM maildir)) AS home, $VMAIL_ID AS uid, $VMAIL_ID AS gid, CONCAT('*:bytes=', quota) AS quota_rule FROM mailbox WHERE username = '%u' AND active = '1'
iterate_query = SELECT username AS user FROM mailbox WHERE active = '1'
EOF
  chown root:dovecot "$D"/*.ext; chmod 640 "$D"/*.ext

  # --- PostfixAdmin: overrides config.inc.php (which otherwise wants dbconfig-common's file)
  cat >"$STAGE/etc/postfixadmin/config.local.php" <<EOF
<?php
// Postdesk test VPS (generated by test/vps/lib.sh)
\$CONF['configured'] = true;
\$CONF['database_type'] = 'mysqli';
\$CONF['database_host'] = 'localhost';
\$CONF['database_user'] = '$DB_USER';
\$CONF['database_password'] = '$DB_PASS';
\$CONF['database_name'] = '$DB_NAME';
\$CONF['encrypt'] = '$PD_ENCRYPT';
\$CONF['dovecotpw'] = '/usr/bin/doveadm pw';
\$CONF['domain_path'] = 'YES';
\$CONF['domain_in_mailbox'] = 'NO';
\$CONF['emailcheck_resolve_domain'] = 'NO';   // no DNS here: the CLI would reject the test domains
EOF
  chown root:www-data "$STAGE/etc/postfixadmin/config.local.php"; chmod 640 "$STAGE/etc/postfixadmin/config.local.php"
}
install_configs() {  # copy staged files where they differ; sets POSTFIX_CHANGED / DOVECOT_CHANGED
  POSTFIX_CHANGED=0 DOVECOT_CHANGED=0
  local src dst
  while IFS= read -r -d '' src; do
    dst=${src#"$STAGE"}
    if ! cmp -s "$src" "$dst" || [ "$(stat -c %a.%U.%G "$src")" != "$(stat -c %a.%U.%G "$dst")" ]; then
      mkdir -p "$(dirname "$dst")"; cp -p "$src" "$dst.pdtmp" && mv "$dst.pdtmp" "$dst"
      case $dst in /etc/postfix/*) POSTFIX_CHANGED=1 ;; /etc/dovecot/*) DOVECOT_CHANGED=1 ;; esac
    fi
  done < <(find "$STAGE" -type f -print0)
  # drop files a test may have added where Postfix/Dovecot would pick them up
  for dst in /etc/postfix/sql/* /etc/dovecot/conf.d/* /etc/dovecot/local.conf; do
    [ -e "$dst" ] && [ ! -e "$STAGE$dst" ] || continue
    rm -rf "$dst"
    case $dst in /etc/postfix/*) POSTFIX_CHANGED=1 ;; *) DOVECOT_CHANGED=1 ;; esac
  done
  [ -e /etc/aliases.db ] || newaliases
  return 0
}
ensure_mail_prereqs() {
  [ -s /etc/ssl/certs/ssl-cert-snakeoil.pem ] && [ -s /etc/ssl/private/ssl-cert-snakeoil.key ] \
    || make-ssl-cert generate-default-snakeoil --force-overwrite
  getent group vmail >/dev/null || groupadd -g "$VMAIL_ID" vmail
  id vmail >/dev/null 2>&1 || useradd -u "$VMAIL_ID" -g "$VMAIL_ID" -d "$MAIL_ROOT" -M -s /usr/sbin/nologin vmail
  install -d -o vmail -g vmail -m 770 "$MAIL_ROOT"
}
apply_configs() {  # apply_configs [nocheck]: generate + install, then check them
  generate_configs
  install_configs
  # `postfix check` takes ~2 s after a change; reset.sh skips it (same files up.sh already checked)
  if [ "$POSTFIX_CHANGED" = 1 ] && [ "${1:-}" != nocheck ]; then postfix check || die "postfix check failed"; fi
  doveconf -n >/dev/null || die "doveconf rejects the Dovecot config"
}

# ---------------------------------------------------------------------------------------------- schema + seed
run_schema() {  # PostfixAdmin's own upgrade.php creates/upgrades the schema. It prints "error" even on success.
  local out
  out=$(php -r "define('POSTFIXADMIN_CLI', 1); require '/usr/share/postfixadmin/public/upgrade.php';" 2>&1) || die "upgrade.php failed: $out"
  grep -qiE 'invalid query|sqlstate|fatal error|warning:' <<<"$out" && die "upgrade.php reported: $out"
  local n; n=$(q 'SHOW TABLES' | wc -l); [ "$n" -ge 13 ] || die "schema has only $n tables"
}
pfa() {  # the real postfixadmin-cli; exit 0 on success
  local out rc=0; out=$(postfixadmin-cli "$@" 2>&1) || rc=$?
  [ $rc = 0 ] || die "postfixadmin-cli $* -> rc=$rc: $out"
}
bob_hash() {  # hash the raw-SQL mailbox's password the way PostfixAdmin would store it
  case $PD_ENCRYPT in
    dovecot:*) doveadm pw -s "${PD_ENCRYPT#dovecot:}" -p "$BOB_PW" ;;
    md5crypt) doveadm pw -s MD5-CRYPT -p "$BOB_PW" | sed 's/^{MD5-CRYPT}//' ;;
    cleartext) echo "$BOB_PW" ;;
    *) doveadm pw -s SHA512-CRYPT -p "$BOB_PW" ;;
  esac
}
seed_db() {  # idempotent: adds what is missing
  local have; have=$(q "SELECT CONCAT('d:',domain) FROM domain UNION ALL SELECT CONCAT('m:',username) FROM mailbox
                        UNION ALL SELECT CONCAT('a:',address) FROM alias UNION ALL SELECT CONCAT('ad:',alias_domain) FROM alias_domain
                        UNION ALL SELECT CONCAT('adm:',username) FROM admin")
  has() { grep -qxF "$1" <<<"$have"; }
  has "d:$SEED_DOMAIN" || pfa domain add "$SEED_DOMAIN" --description "Example test domain" --aliases 0 --mailboxes 0 --active 1 --default-aliases 0
  has "m:$ALICE" || pfa mailbox add "$ALICE" --password "$ALICE_PW" --password2 "$ALICE_PW" --name Alice --quota 0 --active 1 --welcome-mail 0
  has "a:$INFO" || pfa alias add "$INFO" --goto "$ALICE" --active 1
  has "d:$SEED_ALIAS_DOMAIN" || pfa domain add "$SEED_ALIAS_DOMAIN" --description "Alias domain" --aliases 0 --mailboxes 0 --active 1 --default-aliases 0
  has "ad:$SEED_ALIAS_DOMAIN" || pfa aliasdomain add "$SEED_ALIAS_DOMAIN" --target-domain "$SEED_DOMAIN" --active 1
  has "adm:$ADMIN" || pfa admin add "$ADMIN" --password "$ADMIN_PW" --password2 "$ADMIN_PW" --superadmin 1 --active 1
  if ! has "m:$BOB"; then   # raw SQL, as an older tool or a hand-made server would have done it
    local h; h=$(bob_hash)
    mysql "$DB_NAME" <<EOF
INSERT IGNORE INTO domain (domain,description,aliases,mailboxes,maxquota,quota,transport,backupmx,created,modified,active)
  VALUES ('$SEED_SQL_DOMAIN','Raw SQL seed domain',0,0,0,0,'virtual',0,NOW(),NOW(),1);
INSERT IGNORE INTO mailbox (username,password,name,maildir,quota,local_part,domain,created,modified,active)
  VALUES ('$BOB','$h','Bob','$SEED_SQL_DOMAIN/bob/',0,'bob','$SEED_SQL_DOMAIN',NOW(),NOW(),1);
INSERT IGNORE INTO alias (address,goto,domain,created,modified,active)
  VALUES ('$BOB','$BOB','$SEED_SQL_DOMAIN',NOW(),NOW(),1);
EOF
  fi
}
rebuild_db() {  # drop, schema, seed, and keep a dump so reset.sh can restore it fast
  mysql -e "DROP DATABASE IF EXISTS \`$DB_NAME\`; CREATE DATABASE \`$DB_NAME\`;"
  run_schema
  seed_db
  mysqldump --skip-dump-date --single-transaction "$DB_NAME" >"$STATE/seed.sql.new"
  mv "$STATE/seed.sql.new" "$STATE/seed.sql"; chmod 600 "$STATE/seed.sql"
  seed_fp >"$STATE/seed.fp"; seed_fp >"$STATE/db.fp"
}
restore_db() {  # reset: from the dump when it matches the current seed, else rebuild
  if [ -s "$STATE/seed.sql" ] && [ "$(cat "$STATE/seed.fp" 2>/dev/null)" = "$(seed_fp)" ]; then
    mysql -e "DROP DATABASE IF EXISTS \`$DB_NAME\`; CREATE DATABASE \`$DB_NAME\`;"
    mysql "$DB_NAME" <"$STATE/seed.sql"
    seed_fp >"$STATE/db.fp"
  else
    rebuild_db
  fi
}

# ---------------------------------------------------------------------------------------------- mail daemons
start_or_reload() {  # start_or_reload postfix|dovecot CHANGED
  case $1 in
    postfix) if svc_ensure postfix /var/spool/postfix/pid/master.pid; then :; elif [ "$2" = 1 ]; then daemon postfix reload; fi ;;
    dovecot) if svc_ensure dovecot /run/dovecot/master.pid; then :; elif [ "$2" = 1 ]; then daemon doveadm reload; fi ;;
  esac
}
wait_mail_ready() {
  wait_for 15 test -S /var/spool/postfix/private/auth || die "Dovecot auth socket missing (log: $DLOG)"
  wait_for 15 test -S /var/spool/postfix/private/dovecot-lmtp || die "Dovecot LMTP socket missing"
  local p; for p in 25 587 143 993; do wait_for 15 listening $p || die "nothing listens on $VPS_IP:$p"; done
}

# ---------------------------------------------------------------------------------------------- output files
write_connection_json() {
  local fp; fp=$(hostkey_fp)
  cat >"$STATE/connection.json.new" <<EOF
{
  "host": "$VPS_IP",
  "port": 22,
  "user": "root",
  "keyPath": "$KEY",
  "hostKeySha256": "$fp",
  "db": { "host": "127.0.0.1", "port": 3306, "user": "$DB_USER", "password": "$DB_PASS", "name": "$DB_NAME" },
  "namespace": "$NS",
  "clientAddresses": ["$HOST_IP", "$HOST_IP2"],
  "mailHost": "$VPS_IP",
  "mailPorts": { "smtp": 25, "submission": 587, "imap": 143, "imaps": 993, "pop3": 110, "pop3s": 995 },
  "seed": {
    "encrypt": "$PD_ENCRYPT",
    "domains": ["$SEED_DOMAIN", "$SEED_ALIAS_DOMAIN", "$SEED_SQL_DOMAIN"],
    "mailboxes": [
      { "email": "$ALICE", "password": "$ALICE_PW", "name": "Alice", "createdBy": "postfixadmin-cli" },
      { "email": "$BOB", "password": "$BOB_PW", "name": "Bob", "createdBy": "sql" }
    ],
    "aliases": [ { "address": "$INFO", "goto": "$ALICE" } ],
    "aliasDomains": [ { "alias": "$SEED_ALIAS_DOMAIN", "target": "$SEED_DOMAIN" } ],
    "superadmin": { "username": "$ADMIN", "password": "$ADMIN_PW" }
  }
}
EOF
  chmod 600 "$STATE/connection.json.new"; mv "$STATE/connection.json.new" "$STATE/connection.json"
}

# ---------------------------------------------------------------------------------------------- smoke test
smoke_mail() {  # real clients from the host against the namespace: 25 -> LMTP -> Maildir -> IMAP, 587 STARTTLS+AUTH
  MAILHOST=$VPS_IP ALICE="$ALICE" ALICE_PW="$ALICE_PW" BOB="$BOB" BOB_PW="$BOB_PW" INFO="$INFO" ALIASDOM="$SEED_ALIAS_DOMAIN" \
  /usr/bin/python3 -I - <<'EOF'
import email, imaplib, os, smtplib, ssl, time
from email.message import EmailMessage
E = os.environ; H = E["MAILHOST"]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
tag = "vps-smoke-%d" % int(time.time() * 1000)
def msg(frm, to, subj):
    m = EmailMessage(); m["From"] = frm; m["To"] = to; m["Subject"] = subj; m.set_content("smoke test"); return m
with smtplib.SMTP(H, 25, timeout=10) as s:                       # plain SMTP, no auth: local delivery only
    s.send_message(msg("tester@example.org", E["BOB"], tag + " direct"))
    s.send_message(msg("tester@example.org", E["INFO"], tag + " alias"))
    s.mail("tester@example.org"); code = s.rcpt("nobody@example.test")[0]
    assert code == 550, "unknown user got %s, want 550" % code
    s.rset()
with smtplib.SMTP(H, 587, timeout=10) as s:                      # submission: STARTTLS, then AUTH via Dovecot SASL
    s.starttls(context=ctx); s.login(E["BOB"], E["BOB_PW"])
    s.send_message(msg(E["BOB"], "alice@" + E["ALIASDOM"], tag + " submission"))
def fetch(conn, want):
    for _ in range(150):
        conn.select("INBOX")
        ids = conn.search(None, "SUBJECT", '"%s"' % tag)[1][0].split()
        if len(ids) >= want:
            subjects = sorted(email.message_from_bytes(conn.fetch(i, "(RFC822)")[1][0][1])["Subject"] for i in ids)
            conn.store(b",".join(ids).decode(), "+FLAGS", "\\Deleted"); conn.expunge()   # leave the mailbox as seeded
            return subjects
        time.sleep(0.1)
    raise SystemExit("IMAP: messages not delivered in 15 s (see /var/log/mail.log)")
im = imaplib.IMAP4(H, 143); im.starttls(ssl_context=ctx); im.login(E["BOB"], E["BOB_PW"])
assert fetch(im, 1) == [tag + " direct"]; im.logout()
im = imaplib.IMAP4_SSL(H, 993, ssl_context=ctx); im.login(E["ALICE"], E["ALICE_PW"])
assert fetch(im, 2) == [tag + " alias", tag + " submission"]; im.logout()
print("[vps] smoke: SMTP 25 -> LMTP -> Maildir -> IMAP STARTTLS login+fetch ok; alias + alias-domain ok; "
      "unknown user 550; 587 STARTTLS+AUTH ok; IMAPS ok")
EOF
}
smoke_ssh() {  # connect as a test would: pinned host key, from the second ("new home") address
  local out
  out=$(ssh -i "$KEY" -b "$HOST_IP2" -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile="$STATE/known_hosts" \
          -o StrictHostKeyChecking=yes -o ConnectTimeout=5 -o LogLevel=ERROR root@"$VPS_IP" \
          'echo "$SSH_CONNECTION"; iptables-save >/dev/null && nft list ruleset >/dev/null && echo fw-ok' </dev/null) \
    || die "ssh to $VPS_IP failed"
  grep -q "^$HOST_IP2 [0-9]* $VPS_IP 22$" <<<"$out" && grep -qx fw-ok <<<"$out" || die "unexpected ssh output: $out"
  log "smoke: ssh root@$VPS_IP from $HOST_IP2 with pinned host key ok; iptables-save + nft work in the namespace"
  ip netns exec "$NS" mysql -h 127.0.0.1 -P 3306 -u "$DB_USER" -p"$DB_PASS" "$DB_NAME" -N -e 'SELECT 1' >/dev/null \
    || die "MariaDB TCP 127.0.0.1:3306 in the namespace refuses $DB_USER"
  log "smoke: MariaDB 127.0.0.1:3306 (in $NS) accepts $DB_USER"
}
