import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Allowlist } from '../../shared/domain/firewall'
import { connectOwnServer, startOwnServer, type OwnServer } from './support/own-server'

// ufw for real, with the commit-confirmed apply, in a network namespace of this file's own (never the
// test VPS's `pdvps`): its own sshd, and private copies of /etc/ufw, /var/lib/postdesk and at's spool,
// so ufw's state, Postdesk's transactions and the rollback's at job exist only inside this server.
const PORT = 9993
let srv: OwnServer

const userRules = () => srv.run(['sh', '-c', 'cat /etc/ufw/user.rules /etc/ufw/user6.rules'])
const showAdded = () => srv.run(['ufw', 'show', 'added'])
const foreignLines = () => showAdded().split('\n').filter((l) => l.startsWith('ufw ') && !l.endsWith("comment 'postdesk'"))

beforeAll(async () => {
  srv = await startOwnServer({ name: 'ufw', octet: 91, privateDirs: ['/etc/ufw', '/var/lib/postdesk', '/var/spool/cron/atjobs'] })
  // An active ufw that lets everything in by default, with one rule of the admin's own (foreign to Postdesk).
  srv.run(['ufw', 'default', 'allow', 'incoming'])
  srv.run(['ufw', '--force', 'enable'])
  srv.run(['ufw', 'allow', '2525/tcp'])
  await srv.listen(PORT, { dualStack: true })
})
afterAll(async () => {
  await srv?.stop()
})

function allowlist(server: string): Allowlist {
  return { server, backend: 'ufw', confirmTimeoutSec: 15, entries: [{ name: 'home', ipv4: srv.clients[0], access: [`tcp/${PORT}`], home: true, history: [] }], blocked: [] }
}

describe('allowlist on ufw (own namespace)', () => {
  let dataDir = ''
  let id = ''
  const [A, B] = [() => srv.clients[0], () => srv.clients[1]]

  it('from A: ufw rules with the postdesk comment allow A on the protected port; B cannot; SSH and the foreign rule untouched', async () => {
    const foreign = foreignLines()
    expect(foreign).toEqual(['ufw allow 2525/tcp'])
    const a = await connectOwnServer(srv, { name: 'ufw', from: A() })
    dataDir = a.dataDir
    id = a.profile.id
    await a.services.firewall.save(id, allowlist(id))
    const st = await a.services.firewall.status(id)
    expect(st.backends.available).toContain('ufw')
    expect(st.backends.chosen).toBe('ufw')
    expect(st.home.fromSsh).toBe(A())
    expect(st.rulesNow).toEqual([])

    const r = await a.services.firewall.apply(id)
    expect(r.outcome, r.message).toBe('confirmed')
    expect(r.backend).toBe('ufw')
    expect(r.confirmedFrom).toBe(A())
    expect(r.probes).toEqual([{ port: PORT, reachable: true }])
    expect(r.message).toMatch(/ufw keeps its rules itself/)
    expect(r.notes).toEqual([{ code: 'confirmed-from', params: { address: A() } }, { code: 'persist-ufw', params: {} }])
    expect(showAdded()).toContain(`ufw allow from ${A()} to any port ${PORT} proto tcp comment 'postdesk'`)
    expect(showAdded()).toContain(`ufw deny ${PORT}/tcp comment 'postdesk'`)
    expect(await srv.reachable(A(), PORT)).toBe(true)
    expect(await srv.reachable(B(), PORT)).toBe(false)
    expect(await srv.reachable(A(), 22)).toBe(true)
    expect(await srv.reachable(B(), 22)).toBe(true)
    expect(foreignLines()).toEqual(foreign)
    expect(srv.run(['ls', '/var/lib/postdesk/firewall']).trim()).toBe('')
    expect((await a.services.firewall.status(id)).rulesNow).toEqual(r.preview.after)
    expect((await a.services.firewall.apply(id)).outcome).toBe('unchanged')
    await a.services.connections.closeAll()
  })

  it('switched to B: refresh replaces the allow rule; B connects, A cannot; the dashboard tile follows', async () => {
    const b = await connectOwnServer(srv, { name: 'ufw', from: B(), dataDir })
    expect((await b.services.firewall.homeTile(id)).state).toBe('changed')
    const r = await b.services.firewall.refresh(id, { confirmTimeoutSec: 15 })
    expect(r.outcome, r.message).toBe('confirmed')
    expect(r.confirmedFrom).toBe(B())
    expect(r.preview.removed).toEqual([`ufw allow from ${A()} to any port ${PORT} proto tcp comment 'postdesk'`])
    expect(r.preview.added).toEqual([`ufw allow from ${B()} to any port ${PORT} proto tcp comment 'postdesk'`])
    expect(await srv.reachable(B(), PORT)).toBe(true)
    expect(await srv.reachable(A(), PORT)).toBe(false)
    // The allow is above the deny (ufw takes the first match).
    const numbered = srv.run(['ufw', 'status', 'numbered'])
    expect(numbered.indexOf(`ALLOW IN    ${B()}`)).toBeLessThan(numbered.indexOf('DENY IN'))
    expect(await b.services.firewall.homeTile(id)).toMatchObject({ state: 'in-sync', seen: B(), lastApply: { action: 'refresh', outcome: 'ok' } })
    await b.services.connections.closeAll()
  })

  it('lockout: blocking its own address is rolled back by the server (user.rules restored, ufw reloaded), with no client action', async () => {
    const b = await connectOwnServer(srv, { name: 'ufw', from: B(), dataDir })
    const before = userRules()
    const shown = showAdded()
    const t0 = Date.now()
    const r = await b.services.firewall.block(id, B(), { allowSelfBlock: true, confirmTimeoutSec: 8 })
    expect(r.outcome, r.message).toBe('rolled-back')
    expect(r.rollbackFired).toBe(true)
    expect(r.notes).toEqual([{ code: 'rolled-back', params: { why: expect.any(String) } }])
    expect((await b.services.firewall.history(id))[0]?.notes).toEqual([{ code: 'rules-changed', params: { backend: 'ufw', added: 1, removed: 0 } }, { code: 'rolled-back', params: { why: expect.any(String) } }])
    expect(Date.now() - t0).toBeLessThan(40_000)
    expect(userRules()).toBe(before)
    expect(showAdded()).toBe(shown)
    expect(await srv.reachable(B(), 22)).toBe(true)
    expect(await srv.reachable(B(), PORT)).toBe(true)
    expect(await srv.reachable(A(), PORT)).toBe(false)
    expect((await b.services.firewall.get(id)).blocked).toEqual([])
    await b.services.connections.closeAll()
  })

  it('refuses an inactive ufw (its rules would not be enforced) and changes nothing', async () => {
    srv.run(['ufw', 'disable'])
    try {
      const b = await connectOwnServer(srv, { name: 'ufw', from: B(), dataDir })
      const before = userRules()
      const al = await b.services.firewall.get(id)
      await expect(b.services.firewall.apply(id, { ...al, entries: [{ ...al.entries[0]!, ipv4: A() }] })).rejects.toMatchObject({ code: 'unsupported', detail: { reason: 'ufw-inactive' } })
      expect(userRules()).toBe(before)
      await b.services.connections.closeAll()
    } finally {
      srv.run(['ufw', '--force', 'enable'])
    }
  })
})
