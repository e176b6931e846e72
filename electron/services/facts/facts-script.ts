/**
 * The one POSIX sh script that reads a server's facts. It is sent on stdin to `sh -s` (not as argv:
 * no quoting questions, no length limit) and prints `key=value` lines that parseFacts() understands.
 * It must run unchanged on CentOS 6 (bash 4.1, no os-release, SysV) and on today's Debian/Alma.
 *
 * Rules: every probe is optional and silent on failure; nothing reads the script's own stdin (the body
 * runs in a function with stdin from /dev/null, or a probe would swallow the rest of the script);
 * no password is ever put on a command line; the last line is `end=1` so a cut-off output is detected.
 * (A TS template literal: `\\` is one backslash in the script and `\${` a literal `${`.)
 */
export const FACTS_SCRIPT = `
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH
LC_ALL=C; export LC_ALL

kv() { printf '%s=%s\\n' "$1" "$2"; }
has() { command -v "$1" >/dev/null 2>&1; }
# First line of a command's stdout, without a trailing CR.
first() { "$@" 2>/dev/null | sed -n '1{s/\\r$//;p;}'; }

facts() {
  kv hostname "$(uname -n 2>/dev/null)"
  kv kernel "$(uname -r 2>/dev/null)"
  if [ -r /etc/os-release ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        [A-Za-z_]*=*) kv "os-release.\${line%%=*}" "\${line#*=}" ;;
      esac
    done </etc/os-release
  fi
  [ -r /etc/redhat-release ] && kv redhat-release "$(sed -n 1p /etc/redhat-release)"

  if [ -d /run/systemd/system ]; then kv init systemd
  elif [ -x /sbin/openrc-run ] || has rc-service; then kv init openrc
  elif [ -d /etc/init.d ] || has service; then kv init sysv
  else kv init unknown
  fi

  has postconf && kv postfix "$(first postconf -h mail_version)"
  has dovecot && kv dovecot "$(first dovecot --version)"

  for cmd in mariadbd mysqld /usr/libexec/mysqld; do
    if has "$cmd"; then
      v=$(first "$cmd" --version)
      if [ -n "$v" ]; then kv db-server "$v"; break; fi
    fi
  done
  has mysql && kv db-client "$(first mysql --version)"

  pfa=
  for d in /usr/share/postfixadmin /var/www/postfixadmin /var/www/html/postfixadmin /usr/share/postfixadmin-*; do
    if [ -d "$d" ]; then pfa=$d; break; fi
  done
  if [ -n "$pfa" ]; then
    kv postfixadmin.path "$pfa"
    for f in /etc/postfixadmin/config.local.php "$pfa/config.local.php" /etc/postfixadmin/config.inc.php "$pfa/config.inc.php"; do
      if [ -e "$f" ]; then kv postfixadmin.config "$f"; break; fi
    done
    for f in "$pfa/config.inc.php" /etc/postfixadmin/config.inc.php; do
      if [ -r "$f" ]; then
        v=$(grep -F "CONF['version']" "$f" 2>/dev/null | sed -n 1p)
        if [ -n "$v" ]; then kv postfixadmin.version-line "$v"; break; fi
      fi
    done
    if has dpkg-query; then
      kv postfixadmin.package "$(dpkg-query -W -f='\${db:Status-Abbrev} \${Version}' postfixadmin 2>/dev/null)"
    elif has rpm && rpm -q postfixadmin >/dev/null 2>&1; then
      kv postfixadmin.package "ii $(rpm -q --qf '%{VERSION}' postfixadmin 2>/dev/null)"
    fi
    # The database name from PostfixAdmin's own config when we may read it; the schema version only if
    # the login user can query without a password on the command line (e.g. root over MariaDB's unix socket).
    db=postfix
    for f in /etc/postfixadmin/config.local.php "$pfa/config.local.php"; do
      if [ -r "$f" ]; then
        n=$(sed -n "s/.*CONF\\[['\\"]database_name['\\"]\\][^=]*=[^'\\"]*['\\"]\\([^'\\"]*\\)['\\"].*/\\1/p" "$f" 2>/dev/null | sed -n 1p)
        if [ -n "$n" ]; then db=$n; break; fi
      fi
    done
    if has mysql; then
      kv postfixadmin.schema "$(first mysql --connect-timeout=5 -N -B -e "SELECT value FROM config WHERE name='version'" "$db")"
    fi
  fi

  has postconf && kv maillog_file "$(first postconf -h maillog_file)"
  for f in /var/log/mail.log /var/log/maillog; do
    if [ -f "$f" ]; then kv maillog.candidate "$(stat -c %Y "$f" 2>/dev/null || echo 0) $f"; fi
  done

  has iptables && kv iptables "$(first iptables --version)"
  has nft && kv nft "$(first nft --version)"
  if has firewall-cmd; then kv firewalld 1; else kv firewalld 0; fi
  if has ufw; then kv ufw 1; else kv ufw 0; fi
  kv end 1
}

facts </dev/null
exit 0
`
