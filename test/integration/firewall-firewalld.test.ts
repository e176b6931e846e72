import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Allowlist } from '../../shared/domain/firewall'
import { runPostdesk } from '../unit/support/run-postdesk'
import { connectOwnServer, type OwnServer } from './support/own-server'
import { bindInterface, clientInterface, startFirewalldServer, zoneOfInterface } from './support/own-firewalld'

// firewalld for real, with the commit-confirmed apply, in a network namespace of this file's own (never
// the test VPS's `pdvps`): its own sshd, a private D-Bus system bus (dbus-daemon on a private /run/dbus)
// and firewalld on it, private copies of /etc/firewalld, /run/firewalld, /var/lib/postdesk and at's spool.
// This machine's /run/dbus, /etc/firewalld and firewall are never touched.
const PORT = 9993
const FOREIGN = 'rule family="ipv4" source address="192.0.2.9" port port="2525" protocol="tcp" drop'
let srv: OwnServer

const fwc = (...a: string[]) => srv.run(['firewall-cmd', ...a])
/** The permanent configuration, byte for byte (what a rollback must restore). */
const permanent = () => srv.run(['sh', '-c', 'cd /etc/firewalld && find zones ipsets -type f | sort | while read -r f; do echo "== $f"; cat "$f"; done'])
const ALLOW = `rule priority="-32700" family="ipv4" source ipset="postdesk-p9993-4" port port="${PORT}" protocol="tcp" accept`
const DROP = `rule priority="-32600" port port="${PORT}" protocol="tcp" drop`
const BLOCK = 'rule priority="-32760" family="ipv4" source ipset="postdesk-blocked-4" drop'
/** Postdesk's rich rules in a zone (runtime, or permanent). */
const ownedRich = (zone: string, perm = false) =>
  fwc(...(perm ? ['--permanent'] : []), `--zone=${zone}`, '--list-rich-rules')
    .split('\n')
    .filter((l) => /^rule priority="-32(760|700|600)"/.test(l))
    .sort()
const BOTH = [ALLOW, DROP].sort()
const IF = () => clientInterface(srv)
const zoneOfIf = (perm = false) => zoneOfInterface(srv, IF(), perm)
const foreignRich = () => fwc('--permanent', '--zone=trusted', '--list-rich-rules').split('\n').filter((l) => l && !/^rule priority="-32(760|700|600)"/.test(l))

beforeAll(async () => {
  srv = await startFirewalldServer({ name: 'fwd', octet: 93 })
  // Everything open by default (the trusted zone), one rich rule of the admin's own (foreign to Postdesk).
  fwc('--set-default-zone=trusted')
  fwc('--permanent', `--add-rich-rule=${FOREIGN}`)
  fwc('--reload')
  await srv.listen(PORT)
}, 120_000)
afterAll(async () => {
  await srv?.stop()
})

describe('allowlist on firewalld (own namespace, private D-Bus)', () => {
  let dataDir = ''
  let id = ''
  const [A, B] = [() => srv.clients[0], () => srv.clients[1]]

  it('from A: an ipset and rich rules (permanent, reloaded) allow A on the protected port; B cannot; the foreign rich rule stays', async () => {
    expect(await srv.reachable(B(), PORT)).toBe(true)
    const a = await connectOwnServer(srv, { name: 'fwd', from: A() })
    dataDir = a.dataDir
    id = a.profile.id
    const list: Allowlist = { server: id, backend: 'firewalld', confirmTimeoutSec: 20, entries: [{ name: 'home', ipv4: A(), access: [`tcp/${PORT}`], home: true, history: [] }], blocked: [] }
    await a.services.firewall.save(id, list)
    const st = await a.services.firewall.status(id)
    expect(st.backends.available).toContain('firewalld')
    expect(st.backends.chosen).toBe('firewalld')
    expect(st.rulesNow).toEqual([])
    // Nothing bound to a zone: the default zone takes all the traffic.
    expect(st.firewalld).toEqual({ defaultZone: 'trusted', zones: ['trusted'], withRules: [] })

    const r = await a.services.firewall.apply(id)
    expect(r.outcome, r.message).toBe('confirmed')
    expect(r.backend).toBe('firewalld')
    expect(r.confirmedFrom).toBe(A())
    expect(r.message).toMatch(/permanent configuration/)
    expect(fwc('--ipset=postdesk-p9993-4', '--get-entries').trim()).toBe(A())
    expect(fwc('--list-rich-rules')).toContain(`rule priority="-32700" family="ipv4" source ipset="postdesk-p9993-4" port port="${PORT}" protocol="tcp" accept`)
    expect(await srv.reachable(A(), PORT)).toBe(true)
    expect(await srv.reachable(B(), PORT)).toBe(false)
    expect(await srv.reachable(B(), 22)).toBe(true)
    expect(foreignRich()).toEqual([FOREIGN])
    expect(srv.run(['ls', '/var/lib/postdesk/firewall']).trim()).toBe('')
    expect((await a.services.firewall.status(id)).rulesNow.sort()).toEqual([...r.preview.after].sort())
    expect((await a.services.firewall.apply(id)).outcome).toBe('unchanged')
    await a.services.connections.closeAll()
  })

  it('switched to B: refresh swaps the ipset entry; B connects, A cannot', async () => {
    const b = await connectOwnServer(srv, { name: 'fwd', from: B(), dataDir })
    const r = await b.services.firewall.refresh(id, { confirmTimeoutSec: 20 })
    expect(r.outcome, r.message).toBe('confirmed')
    expect(r.confirmedFrom).toBe(B())
    expect(r.preview.removed).toEqual([`ipset postdesk-p9993-4 ${A()}`])
    expect(r.preview.added).toEqual([`ipset postdesk-p9993-4 ${B()}`])
    expect(await srv.reachable(B(), PORT)).toBe(true)
    expect(await srv.reachable(A(), PORT)).toBe(false)
    expect(foreignRich()).toEqual([FOREIGN])
    await b.services.connections.closeAll()
  })

  it('the interface bound to a non-default zone (external): refresh puts the rules there too; A connects, B cannot; status names the zones', async () => {
    // external opened like trusted (target ACCEPT), so that only Postdesk's rules can refuse anyone there.
    fwc('--permanent', '--zone=external', '--set-target=ACCEPT')
    bindInterface(srv, IF(), 'external')
    expect(zoneOfIf()).toBe('external')
    // What Postdesk used to leave: its rules only in the default zone, which no longer sees the traffic.
    expect(await srv.reachable(A(), PORT)).toBe(true)
    const a = await connectOwnServer(srv, { name: 'fwd', from: A(), dataDir })
    const st = await a.services.firewall.status(id)
    expect(st.firewalld).toEqual({ defaultZone: 'trusted', zones: ['external', 'trusted'], withRules: ['trusted'] })
    expect(st.change).toEqual({ entry: 'home', from: B(), to: A() })

    const r = await a.services.firewall.refresh(id, { confirmTimeoutSec: 20 })
    expect(r.outcome, r.message).toBe('confirmed')
    expect(r.confirmedFrom).toBe(A())
    expect(r.preview.added.sort()).toEqual([`[zone external] ${ALLOW}`, `[zone external] ${DROP}`, `ipset postdesk-p9993-4 ${A()}`].sort())
    expect(r.preview.removed).toEqual([`ipset postdesk-p9993-4 ${B()}`])
    expect(r.notes.map((n) => n.code)).toContain('persist-firewalld-zones')
    // Runtime and permanent, in both zones.
    for (const z of ['external', 'trusted']) {
      expect(ownedRich(z)).toEqual(BOTH)
      expect(ownedRich(z, true)).toEqual(BOTH)
    }
    expect(await srv.reachable(A(), PORT)).toBe(true)
    expect(await srv.reachable(B(), PORT)).toBe(false)
    expect(await srv.reachable(B(), 22)).toBe(true)
    expect(foreignRich()).toEqual([FOREIGN])
    expect((await a.services.firewall.status(id)).firewalld).toEqual({ defaultZone: 'trusted', zones: ['external', 'trusted'], withRules: ['external', 'trusted'] })
    expect((await a.services.firewall.refresh(id)).outcome).toBe('unchanged')
    await a.services.connections.closeAll()
  })

  it('lockout in the non-default zone: the rollback restores every zone (permanent config byte-identical, reloaded)', async () => {
    const a = await connectOwnServer(srv, { name: 'fwd', from: A(), dataDir })
    const before = permanent()
    expect(before).toContain('zones/external.xml')
    const r = await a.services.firewall.block(id, A(), { allowSelfBlock: true, confirmTimeoutSec: 10 })
    expect(r.outcome, r.message).toBe('rolled-back')
    expect(r.preview.added).toEqual(expect.arrayContaining([`[zone external] ${BLOCK}`, `[zone trusted] ${BLOCK}`]))
    expect(permanent()).toBe(before)
    expect(zoneOfIf()).toBe('external')
    for (const z of ['external', 'trusted']) expect(ownedRich(z)).toEqual(BOTH)
    expect(await srv.reachable(A(), 22)).toBe(true)
    expect(await srv.reachable(A(), PORT)).toBe(true)
    expect(await srv.reachable(B(), PORT)).toBe(false)
    // The failed block stays out of the stored allowlist.
    expect((await a.services.firewall.get(id)).blocked).toEqual([])
    await a.services.connections.closeAll()
  })

  it('the interface back in the default zone: status shows the rules left in external; refresh removes them there (runtime and permanent); B connects, A cannot', async () => {
    bindInterface(srv, IF(), null)
    expect(zoneOfIf(true)).toBe('no zone')
    expect(zoneOfIf()).toBe('no zone')
    const b = await connectOwnServer(srv, { name: 'fwd', from: B(), dataDir })
    const st = await b.services.firewall.status(id)
    expect(st.firewalld).toEqual({ defaultZone: 'trusted', zones: ['trusted'], withRules: ['external', 'trusted'] })
    // The CLI says the same.
    const cli = await runPostdesk(dataDir, ['allowlist', 'status', b.profile.name])
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout).toMatch(/^firewalld zones\s+trusted \(default\); Postdesk rules left in external \(removed on the next apply\)$/m)
    const r = await b.services.firewall.refresh(id, { confirmTimeoutSec: 20 })
    expect(r.outcome, r.message).toBe('confirmed')
    expect(r.preview.removed.sort()).toEqual([`[zone external] ${ALLOW}`, `[zone external] ${DROP}`, `ipset postdesk-p9993-4 ${A()}`].sort())
    expect(r.preview.foreignRemoved).toEqual([])
    expect(ownedRich('external')).toEqual([])
    expect(ownedRich('external', true)).toEqual([])
    expect(ownedRich('trusted', true)).toEqual(BOTH)
    expect((await b.services.firewall.status(id)).firewalld).toEqual({ defaultZone: 'trusted', zones: ['trusted'], withRules: ['trusted'] })
    expect(await srv.reachable(B(), PORT)).toBe(true)
    expect(await srv.reachable(A(), PORT)).toBe(false)
    expect(foreignRich()).toEqual([FOREIGN])
    await b.services.connections.closeAll()
  })

  it('lockout: blocking its own address is rolled back by the server (permanent config restored, reloaded), with no client action', async () => {
    const b = await connectOwnServer(srv, { name: 'fwd', from: B(), dataDir })
    const before = permanent()
    const t0 = Date.now()
    const r = await b.services.firewall.block(id, B(), { allowSelfBlock: true, confirmTimeoutSec: 10 })
    expect(r.outcome, r.message).toBe('rolled-back')
    expect(r.rollbackFired).toBe(true)
    expect(Date.now() - t0).toBeLessThan(60_000)
    expect(permanent()).toBe(before)
    expect(fwc('--get-ipsets').split(/\s+/).filter(Boolean)).toEqual(['postdesk-p9993-4'])
    expect(await srv.reachable(B(), 22)).toBe(true)
    expect(await srv.reachable(B(), PORT)).toBe(true)
    expect(await srv.reachable(A(), PORT)).toBe(false)
    await b.services.connections.closeAll()
  })

  it('back to no entries: the rich rules and the postdesk ipset go; the foreign rule stays', async () => {
    const b = await connectOwnServer(srv, { name: 'fwd', from: B(), dataDir })
    const al = await b.services.firewall.get(id)
    const r = await b.services.firewall.apply(id, { ...al, entries: [] })
    expect(r.outcome, r.message).toBe('confirmed')
    expect(fwc('--permanent', '--get-ipsets').trim()).toBe('')
    expect(foreignRich()).toEqual([FOREIGN])
    expect(fwc('--permanent', '--zone=trusted', '--list-rich-rules').trim()).toBe(FOREIGN)
    // No Postdesk rule in any zone, permanent or runtime.
    expect(fwc('--permanent', '--list-all-zones')).not.toMatch(/priority="-32(760|700|600)"/)
    expect(fwc('--list-all-zones')).not.toMatch(/priority="-32(760|700|600)"/)
    expect(await srv.reachable(A(), PORT)).toBe(true)
    await b.services.connections.closeAll()
  })
})
