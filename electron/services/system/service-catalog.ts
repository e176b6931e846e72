import type { ServiceKey } from '../../../shared/domain/system'

export interface ServiceDef {
  key: ServiceKey
  /** Names of its init script / systemd unit, most likely first. `*` globs are allowed (php*-fpm). */
  names: string[]
  /** Process names (as `ss -p` and pgrep show them) of its daemons; the first found is the main one. */
  processes: string[]
  /** PID files tried before pgrep (Postfix pads its PID file with spaces). */
  pidFiles: string[]
  /** Ports it normally listens on, used when none were seen listening yet. */
  defaultPorts: number[]
  /** Its own reload command, preferred over the init system's (argv). */
  reload?: string[]
  /** A config check to run before start/restart/reload (argv); a failure refuses a restart or reload. */
  check?: string[]
  /** Where its log lines are (a pattern for `grep` in the mail log). */
  logTag?: string
}

export const SERVICE_CATALOG: readonly ServiceDef[] = [
  {
    key: 'postfix',
    names: ['postfix'],
    processes: ['master'],
    pidFiles: ['/var/spool/postfix/pid/master.pid'],
    defaultPorts: [25],
    reload: ['postfix', 'reload'],
    check: ['postfix', 'check'],
    logTag: 'postfix/',
  },
  {
    key: 'dovecot',
    names: ['dovecot'],
    processes: ['dovecot'],
    pidFiles: ['/run/dovecot/master.pid', '/var/run/dovecot/master.pid'],
    defaultPorts: [143],
    reload: ['doveadm', 'reload'],
    check: ['doveconf', '-n'],
    logTag: 'dovecot',
  },
  {
    key: 'database',
    names: ['mariadb', 'mysql', 'mysqld'],
    processes: ['mariadbd', 'mysqld'],
    pidFiles: ['/run/mysqld/mysqld.pid', '/var/run/mysqld/mysqld.pid'],
    defaultPorts: [],
  },
  { key: 'web', names: ['apache2', 'httpd', 'nginx'], processes: ['apache2', 'httpd', 'nginx'], pidFiles: [], defaultPorts: [] },
  { key: 'php-fpm', names: ['php-fpm', 'php*-fpm'], processes: ['php-fpm', 'php-fpm*'], pidFiles: [], defaultPorts: [] },
  { key: 'rsyslog', names: ['rsyslog'], processes: ['rsyslogd'], pidFiles: ['/run/rsyslogd.pid', '/var/run/syslogd.pid'], defaultPorts: [] },
  { key: 'fail2ban', names: ['fail2ban'], processes: ['fail2ban-server'], pidFiles: ['/run/fail2ban/fail2ban.pid', '/var/run/fail2ban/fail2ban.pid'], defaultPorts: [] },
  { key: 'sshd', names: ['ssh', 'sshd'], processes: ['sshd'], pidFiles: ['/run/sshd.pid', '/var/run/sshd.pid'], defaultPorts: [22] },
]

export function serviceDef(key: ServiceKey): ServiceDef {
  const d = SERVICE_CATALOG.find((s) => s.key === key)
  if (!d) throw new Error(`unknown service ${key}`)
  return d
}
