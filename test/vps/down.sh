#!/bin/bash
# down.sh - stop the test mail VPS and remove its network namespace.
#   down.sh          stop daemons (only those running inside netns pdvps) + rsyslogd if up.sh started it;
#                    keeps configs, database, mail, keys: up.sh brings it back in seconds.
#   down.sh --purge  also drop the database and its users, put the package's Postfix/Dovecot configs back,
#                    remove /etc/postfix/sql, PostfixAdmin's config.local.php, vmail + $MAIL_ROOT, the marker
#                    and test/vps/.state. Packages stay installed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ "$(id -u)" = 0 ] || die "run as root"
PURGE=0
case ${1:-} in --purge) PURGE=1 ;; "") ;; *) die "usage: down.sh [--purge]" ;; esac
mkdir -p "$STATE"; touch "$DLOG"
take_lock

if [ $PURGE = 1 ]; then
  require_marker
  step "drop database"
  if command -v mysqladmin >/dev/null; then
    if ! mysqladmin ping >/dev/null 2>&1; then ensure_netns; ensure_mariadb; fi   # it must run to drop things
    mysql -e "DROP DATABASE IF EXISTS \`$DB_NAME\`; DROP USER IF EXISTS '$DB_USER'@'localhost';
              DROP USER IF EXISTS '$DB_USER'@'127.0.0.1';"
    log "dropped database $DB_NAME and its users"
  fi
fi

step "stop daemons"
if ns_exists; then
  svc_stop postfix /var/spool/postfix/pid/master.pid
  svc_stop dovecot /run/dovecot/master.pid
  svc_stop atd /run/atd.pid
  svc_stop mariadb /run/mysqld/mysqld.pid
  svc_stop sshd "$SSHD_PID"
  # anything else still in our namespace (e.g. an ssh session's child) was started through it: end it
  for p in $(ip netns pids "$NS" 2>/dev/null); do proc_alive "$p" && kill_pid "$p"; done
fi
# a daemon left behind by an earlier, half-done run in a namespace that no longer exists
for sp in postfix:/var/spool/postfix/pid/master.pid dovecot:/run/dovecot/master.pid mariadb:/run/mysqld/mysqld.pid \
          atd:/run/atd.pid sshd:"$SSHD_PID"; do
  svc=${sp%%:*} pf=${sp#*:}
  pid_alive "$pf" || continue; p=$(pid_of "$pf")
  [ "$(readlink "/proc/$p/ns/net")" != "$(readlink /proc/self/ns/net)" ] || continue   # runs on the host: not ours
  log "stopping $svc (pid $p), left in a namespace that no longer exists"
  stop_pidfile "$svc" "$pf"
done
if [ -s "$MSTATE/rsyslogd.pid" ] && [ "$(cat "$MSTATE/rsyslogd.pid")" = "$(pid_of /run/rsyslogd.pid 2>/dev/null)" ]; then
  kill_pidfile /run/rsyslogd.pid; rm -f "$MSTATE/rsyslogd.pid"; log "stopped rsyslogd"
fi

step "remove netns"
ip link del "$HOST_IF" 2>/dev/null || true
if ns_exists; then ip netns del "$NS"; log "removed netns $NS"; fi

if [ $PURGE = 1 ]; then
  step "remove configs"
  rm -rf /etc/postfix/sql /etc/postfixadmin/config.local.php
  if [ -s "$MSTATE/orig.tar" ]; then
    rm -rf /etc/dovecot && tar -xpf "$MSTATE/orig.tar" -C / && log "restored the package's Postfix/Dovecot configs"
  fi
  rm -rf "$MAIL_ROOT"
  id vmail >/dev/null 2>&1 && userdel vmail
  getent group vmail >/dev/null && groupdel vmail
  rm -f /var/spool/postfix/private/auth /var/spool/postfix/private/dovecot-lmtp "$MARKER"
  rm -rf "$MSTATE"
  exec 9>&-
  rm -rf "$STATE"
  log "purged (packages are still installed; apt-get purge them by hand if wanted)"
fi
step ""
log "down in $(elapsed)s"
