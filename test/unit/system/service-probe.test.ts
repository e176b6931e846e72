import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseElapsed, parseServiceProbe } from '../../../electron/services/system/parse-service-probe'
import { SERVICE_CATALOG } from '../../../electron/services/system/service-catalog'
import { probeArgs, SERVICE_PROBE_SCRIPT } from '../../../electron/services/system/service-probe-script'
import { interruptionOf } from '../../../shared/domain/system'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/facts', name), 'utf8')

describe('the service probe', () => {
  it('reads the real output of the test server (SysV, no systemd)', () => {
    const p = parseServiceProbe(fixture('service-probe-debian12-test-server.txt'))
    expect(p.init).toBe('sysv')
    const by = Object.fromEntries(p.services.map((s) => [s.key, s]))
    expect(by['postfix']).toEqual({ key: 'postfix', name: 'postfix', running: true, pid: 12866, since: new Date((1795857126 - 25 * 60 - 36) * 1000).toISOString(), enabledAtBoot: false, ports: [25, 587], statusText: 'postfix is running.', managed: true })
    expect(by['dovecot']).toMatchObject({ running: true, ports: [110, 143, 993, 995] })
    // mariadb's init script says "stopped" here although mariadbd runs: the process decides.
    expect(by['database']).toMatchObject({ name: 'mariadb', running: true, ports: [3306] })
    expect(by['web']).toMatchObject({ name: 'apache2', running: false, pid: null, since: null, managed: true })
    // rsyslogd started without an init script: running, but not ours to start or stop.
    expect(by['rsyslog']).toMatchObject({ running: true, managed: false, enabledAtBoot: null })
    expect(by['sshd']).toMatchObject({ name: 'ssh', running: true, ports: [22] })
    expect(by['fail2ban']).toBeUndefined()
  })

  it('reads a systemd server (MainPID, is-enabled) and takes the PID that owns the listening sockets', () => {
    const out = [
      'init=systemd',
      'now=1800000000',
      'ss=25 900 master',
      'ss=22 700 sshd',
      'svc=postfix',
      'name=postfix',
      'script=1',
      'pid=900',
      'etime=1-02:03:04',
      'status.rc=0',
      'status.text=active',
      'main.pid=900',
      'enabled=1',
      'end.svc=postfix',
      'svc=sshd',
      'name=sshd',
      'script=1',
      'pid=650',
      'etime=10:00',
      'status.rc=0',
      'status.text=active',
      'main.pid=0',
      'enabled=1',
      'end.svc=sshd',
      'end=1',
    ].join('\n')
    const p = parseServiceProbe(out)
    expect(p.init).toBe('systemd')
    expect(p.services[0]).toMatchObject({ key: 'postfix', pid: 900, enabledAtBoot: true, since: new Date((1800000000 - 93784) * 1000).toISOString() })
    expect(p.services[1]).toMatchObject({ key: 'sshd', pid: 700, since: null })
  })

  it('refuses a cut-off output and parses ps elapsed times', () => {
    expect(() => parseServiceProbe('init=sysv\n')).toThrow(/before its end/)
    expect([parseElapsed('05:09'), parseElapsed('01:02:03'), parseElapsed('2-00:00:01'), parseElapsed('')]).toEqual([309, 3723, 172801, null])
  })

  it('runs under a plain POSIX sh (dash) on this machine without errors', () => {
    const out = execFileSync('sh', ['-s', '--', ...probeArgs(SERVICE_CATALOG)], { input: SERVICE_PROBE_SCRIPT, encoding: 'utf8' })
    expect(() => parseServiceProbe(out)).not.toThrow()
  })

  it('asks before what interrupts service', () => {
    expect([interruptionOf('postfix', 'stop'), interruptionOf('dovecot', 'stop'), interruptionOf('sshd', 'restart'), interruptionOf('postfix', 'restart'), interruptionOf('dovecot', 'reload')]).toEqual(['mail', 'mailboxes', 'ssh', null, null])
  })
})
