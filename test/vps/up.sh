#!/bin/bash
# up.sh - provision and start the local test mail VPS (idempotent; see README.md).
#   Network namespace pdvps (10.213.77.2) with its own sshd, MariaDB, Postfix, Dovecot, atd;
#   PostfixAdmin schema + seed; ends with a smoke test and prints the connection details.
# Env: PD_ENCRYPT (PostfixAdmin encrypt scheme, default dovecot:SHA512-CRYPT),
#      POSTDESK_TEST_VPS=1 (take over a machine whose mail configs we did not create), VPS_SMOKE=0 (skip smoke).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ "$(id -u)" = 0 ] || die "run as root (network namespaces, /etc/postfix ...)"
NEW_MARKER=0
init_state
take_lock

step packages
guard                      # before apt: decides whether existing configs are ours to rewrite
install_packages
[ -f "$MARKER" ] || write_marker

step rsyslog
ensure_rsyslog

step "netns + sshd"
ensure_netns
ensure_sshd

step mariadb
ensure_mariadb
ensure_db_user

step configs
ensure_mail_prereqs
apply_configs

step "schema + seed"
if [ "$(q 'SHOW TABLES' | wc -l)" -lt 13 ] || [ "$(cat "$STATE/db.fp" 2>/dev/null)" != "$(seed_fp)" ]; then
  log "building the database from scratch ($(seed_fp))"
  rebuild_db
else
  seed_db                  # the DB is kept as tests left it; only missing seed rows are re-added
fi
[ -s "$STATE/seed.sql" ] && [ "$(cat "$STATE/seed.fp" 2>/dev/null)" = "$(seed_fp)" ] || rebuild_db

step "postfix + dovecot"
start_or_reload dovecot "$DOVECOT_CHANGED"
start_or_reload postfix "$POSTFIX_CHANGED"
svc_ensure atd /run/atd.pid || true     # inside the namespace: `at` jobs (e.g. firewall rollback) act there
wait_mail_ready
write_connection_json

if [ "${VPS_SMOKE:-1}" = 1 ]; then
  step smoke
  smoke_mail
  smoke_ssh
fi
step ""

cat <<EOF
[vps] up in $(elapsed)s. Connection ($STATE/connection.json):
[vps]   ssh:        ssh -i $KEY -b $HOST_IP2 root@$VPS_IP   (client addresses $HOST_IP, $HOST_IP2)
[vps]   host key:   $(hostkey_fp) (ed25519; known_hosts line in $STATE/known_hosts)
[vps]   MariaDB:    127.0.0.1:3306 inside netns $NS (via SSH tunnel), db $DB_NAME, user $DB_USER, password $DB_PASS
[vps]   mail:       $VPS_IP: smtp 25, submission 587, imap 143, imaps 993, pop3 110, pop3s 995; log /var/log/mail.log
[vps]   seed:       $ALICE / $ALICE_PW, $BOB / $BOB_PW, alias $INFO -> $ALICE, alias domain $SEED_ALIAS_DOMAIN -> $SEED_DOMAIN
[vps]               superadmin $ADMIN / $ADMIN_PW, encrypt $PD_ENCRYPT
EOF
