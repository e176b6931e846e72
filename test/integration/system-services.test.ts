import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VpsServices } from './support/vps-services'
import { vpsServices } from './support/vps-services'

// Restarts and stops Postfix and Dovecot of the shared test server (never MariaDB or sshd: others
// depend on them) and breaks Dovecot's config on purpose; afterAll puts everything back, even on failure.
const BOGUS = '/etc/dovecot/conf.d/99-postdesk-test.conf'
let vps: VpsServices
let id: string
const sh = async (script: string) => vps.services.connections.exec(id, ['sh', '-c', script], { timeoutMs: 60_000 })

beforeAll(async () => {
  vps = await vpsServices()
  id = vps.profile.id
  await vps.services.connections.connect(id, { acceptFingerprint: vps.conn.hostKeySha256 })
})

afterAll(async () => {
  if (!vps) return
  // Whatever happened: no bogus config, and Postfix and Dovecot running (started with output detached).
  await sh(`rm -f ${BOGUS}
    for s in postfix dovecot; do
      if ! service $s status >/dev/null 2>&1; then service $s start </dev/null >/dev/null 2>&1; fi
    done; exit 0`).catch(() => undefined)
  const s = await vps.services.systemServices.overview(id).catch(() => null)
  expect(s?.services.filter((x) => x.key === 'postfix' || x.key === 'dovecot').every((x) => x.running)).toBe(true)
}, 120_000)

describe('services of the test mail server', () => {
  it('reports SysV and the status of postfix, dovecot, the database and sshd with PIDs, start times and ports', async () => {
    const o = await vps.services.systemServices.overview(id)
    expect(o.init).toBe('sysv')
    const by = Object.fromEntries(o.services.map((s) => [s.key, s]))
    expect(by['postfix']).toMatchObject({ name: 'postfix', running: true, pid: expect.any(Number), ports: expect.arrayContaining([25, 587]) })
    expect(by['dovecot']).toMatchObject({ name: 'dovecot', running: true, ports: expect.arrayContaining([143, 993, 110, 995]) })
    expect(by['database']).toMatchObject({ name: 'mariadb', running: true, ports: [3306] })
    expect(by['sshd']).toMatchObject({ name: 'ssh', running: true, ports: [22] })
    expect(by['postfix']!.statusText).toMatch(/postfix is running/)
    expect(Date.parse(by['dovecot']!.since!)).toBeLessThanOrEqual(Date.now() + 5000)
    expect(typeof by['postfix']!.enabledAtBoot).toBe('boolean')
  })

  it('reloads postfix (postfix reload) and dovecot (doveadm reload): same PID, still listening', async () => {
    for (const key of ['postfix', 'dovecot'] as const) {
      const before = await vps.services.systemServices.status(id, key)
      const r = await vps.services.systemServices.act(id, key, 'reload')
      expect(r, r.reason).toMatchObject({ ok: true, refused: false, action: 'reload', key })
      expect(r.status.pid).toBe(before.pid)
      expect(r.status.ports).toEqual(expect.arrayContaining(before.ports))
    }
  })

  it('restarts postfix and dovecot: a new PID, every port back', async () => {
    for (const key of ['postfix', 'dovecot'] as const) {
      const before = await vps.services.systemServices.status(id, key)
      const r = await vps.services.systemServices.act(id, key, 'restart')
      expect(r, r.reason).toMatchObject({ ok: true, action: 'restart' })
      expect(r.status.pid).not.toBe(before.pid)
      expect(r.status.ports).toEqual(expect.arrayContaining(before.ports))
    }
    const journal = await vps.services.journal.list({ server: id })
    expect(journal.filter((e) => e.area === 'services' && e.action === 'restart').map((e) => [e.target, e.result])).toEqual([
      ['dovecot', 'ok'],
      ['postfix', 'ok'],
    ])
  })

  it('stops dovecot and reports it down (no IMAP port), then starts it again', async () => {
    const stop = await vps.services.systemServices.act(id, 'dovecot', 'stop')
    expect(stop, stop.reason).toMatchObject({ ok: true, status: { running: false, pid: null, ports: [] } })
    expect((await vps.services.systemServices.status(id, 'dovecot')).running).toBe(false)
    const start = await vps.services.systemServices.act(id, 'dovecot', 'start')
    expect(start, start.reason).toMatchObject({ ok: true, status: { running: true } })
    expect(start.status.ports).toEqual(expect.arrayContaining([143, 993]))
  })

  it('refuses to restart dovecot with a broken config (it keeps running), fails to start it with the server reason, and the undo brings it back', async () => {
    const running = await vps.services.systemServices.status(id, 'dovecot')
    // A raw edit, the way someone else might break it; the configs area would register its backup like this.
    expect((await sh(`printf 'postdesk_bogus_setting = yes\\n' > ${BOGUS}`)).code).toBe(0)
    const offer = vps.services.configBackups.register(id, { service: 'dovecot', path: BOGUS, backupPath: null })

    const restart = await vps.services.systemServices.act(id, 'dovecot', 'restart')
    expect(restart).toMatchObject({ ok: false, refused: true, status: { running: true, pid: running.pid } })
    expect(restart.reason).toMatch(/Unknown setting: postdesk_bogus_setting/)
    expect(restart.undo.map((u) => u.id)).toEqual([offer])

    // Down, then a start that cannot succeed: the failure says why, from the server.
    expect((await vps.services.systemServices.act(id, 'dovecot', 'stop')).ok).toBe(true)
    const start = await vps.services.systemServices.act(id, 'dovecot', 'start')
    expect(start.ok).toBe(false)
    expect(start.refused).toBe(false)
    expect(start.status.running).toBe(false)
    expect(start.reason).toMatch(/postdesk_bogus_setting/)
    expect(start.undo).toEqual([{ id: offer, service: 'dovecot', path: BOGUS, description: expect.stringContaining(BOGUS) }])

    const undone = await vps.services.systemServices.undo(id, offer)
    expect(undone, undone.reason).toMatchObject({ ok: true, action: 'start', status: { running: true } })
    expect((await sh(`test -e ${BOGUS}`)).code).toBe(1)
    const journal = await vps.services.journal.list({ server: id, limit: 4 })
    expect(journal.map((e) => [e.action, e.result])).toEqual([
      ['start', 'ok'],
      ['undo', 'ok'],
      ['start', 'failed'],
      ['stop', 'ok'],
    ])
  })

  it('refuses a reload of a stopped service and an unknown service name', async () => {
    await expect(vps.services.systemServices.status(id, 'fail2ban')).rejects.toMatchObject({ code: 'not-found' })
  })
})
