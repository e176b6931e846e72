import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Allowlist } from '../../shared/domain/firewall'
import { connectOwnServer, startOwnServer, type OwnServer } from './support/own-server'

// IPv6 for real: the app connects to the server over IPv6, the home entry follows the IPv6 address the
// server sees, and ip6tables / nft rules are proven by IPv6 connections accepted and refused. In a
// network namespace of this file's own (never the test VPS's `pdvps`), with a private /var/lib/postdesk
// and at spool, so no transaction of this server is visible to anyone else.
const PORT = 9993
let srv: OwnServer

beforeAll(async () => {
  srv = await startOwnServer({ name: 'v6', octet: 92, privateDirs: ['/var/lib/postdesk', '/var/spool/cron/atjobs'] })
  await srv.listen(PORT, { dualStack: true })
})
afterAll(async () => {
  await srv?.stop()
})

for (const backend of ['iptables', 'nftables'] as const) {
  describe(`IPv6 allowlist on ${backend} (own namespace)`, () => {
    it('refresh over IPv6: the home entry takes the IPv6 address the server sees; A6 connects, B6 cannot; blocking B6 cuts it', async () => {
      const [A6, B6] = srv.clients6
      const [A4] = srv.clients
      const v = await connectOwnServer(srv, { name: `v6-${backend}`, from: A6 })
      const id = v.profile.id
      const list: Allowlist = { server: id, backend, persistPath: null, confirmTimeoutSec: 15, entries: [{ name: 'home', ipv6: B6, access: [`tcp/${PORT}`], home: true, history: [] }], blocked: [] }
      await v.services.firewall.save(id, list)
      const st = await v.services.firewall.status(id)
      expect(st.home.fromSsh).toBe(A6)
      expect(st.change).toEqual({ entry: 'home', from: B6, to: A6 })

      const r = await v.services.firewall.refresh(id, { confirmTimeoutSec: 15 })
      expect(r.outcome, r.message).toBe('confirmed')
      expect(r.confirmedFrom).toBe(A6)
      expect(r.probes).toEqual([{ port: PORT, reachable: true }])
      expect(r.preview.after.join('\n')).toContain(A6)
      expect(r.preview.after.join('\n')).not.toContain(B6)
      if (backend === 'iptables') expect(srv.run(['ip6tables-save', '-t', 'filter'])).toContain(`-A POSTDESK-INPUT -s ${A6}/128 -p tcp -m tcp --dport ${PORT} -j ACCEPT`)
      else expect(srv.run(['nft', 'list', 'table', 'inet', 'postdesk'])).toContain(A6)
      expect(await srv.reachable(A6, PORT)).toBe(true)
      expect(await srv.reachable(B6, PORT)).toBe(false)
      // No IPv4 address in the entry: the port is closed to IPv4 too; SSH stays open to everyone.
      expect(await srv.reachable(A4, PORT)).toBe(false)
      expect(await srv.reachable(B6, 22)).toBe(true)
      expect((await v.services.firewall.get(id)).entries[0]).toMatchObject({ ipv6: A6, history: [{ address: B6 }] })

      const b = await v.services.firewall.block(id, B6, { reason: 'test', confirmTimeoutSec: 15 })
      expect(b.outcome, b.message).toBe('confirmed')
      expect(await srv.reachable(B6, 22)).toBe(false)
      expect(await srv.reachable(A6, 22)).toBe(true)
      expect(await srv.reachable(A6, PORT)).toBe(true)

      // Back to nothing owned: the owned chain/table is emptied (the namespace goes at the end anyway).
      const c = await v.services.firewall.apply(id, { ...list, entries: [], blocked: [] })
      expect(c.outcome, c.message).toBe('confirmed')
      expect(await srv.reachable(B6, 22)).toBe(true)
      expect(await srv.reachable(B6, PORT)).toBe(true)
      await v.services.connections.closeAll()
    })
  })
}
