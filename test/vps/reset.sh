#!/bin/bash
# reset.sh - put the test mail VPS back to its seed state, fast, for tests that change things:
#   database (dropped and reloaded from the seed dump up.sh made), every config file up.sh generates
#   (files a test added to /etc/postfix/sql, /etc/dovecot/conf.d or /etc/dovecot/local.conf are removed),
#   mailboxes emptied, mail queue emptied, the namespace's firewall flushed; then running services reload.
# Works whether the services run or not: if MariaDB is down it is started for the reset and stopped again.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ "$(id -u)" = 0 ] || die "run as root"
require_marker
[ -s "$STATE/db_password" ] || die "no $STATE/db_password: run test/vps/up.sh first"
init_state
take_lock

step database
TEMP_NS=0 TEMP_DB=0
if ! mysqladmin ping >/dev/null 2>&1; then
  ns_exists || TEMP_NS=1
  ensure_netns; ensure_mariadb; TEMP_DB=1
fi
ensure_db_user
restore_db

step configs
ensure_mail_prereqs
apply_configs nocheck

step "mail + firewall"
# Dovecot may hold a user's mailbox open; kick the sessions so nobody keeps writing into deleted dirs.
if pid_alive /run/dovecot/master.pid; then doveadm kick '*' >/dev/null 2>&1 || true; fi
find "$MAIL_ROOT" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
[ -d /var/spool/postfix/maildrop ] && postsuper -d ALL >/dev/null 2>&1 || true
if ns_exists; then ip netns exec "$NS" nft flush ruleset; fi    # iptables here is the nf_tables backend too

step reload
if pid_in_ns /run/dovecot/master.pid; then daemon doveadm reload; daemon doveadm auth cache flush || true; fi
if pid_in_ns /var/spool/postfix/pid/master.pid; then daemon postfix reload; fi
if [ $TEMP_DB = 1 ]; then
  svc_stop mariadb /run/mysqld/mysqld.pid
  if [ $TEMP_NS = 1 ]; then ip link del "$HOST_IF" 2>/dev/null || true; ip netns del "$NS"; fi
fi
step ""
log "reset in $(elapsed)s"
