import { existsSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { VpsServices } from './support/vps-services'
import { vpsServices } from './support/vps-services'

let vps: VpsServices

beforeAll(async () => {
  vps = await vpsServices()
  await vps.services.connections.connect(vps.profile.id, { acceptFingerprint: vps.conn.hostKeySha256 })
})

describe('facts of the test mail server', () => {
  it('reads Debian 12 without systemd, Postfix 3.7, Dovecot 2.3, MariaDB 10.11, PostfixAdmin with schema 1847, mail.log, iptables and nft', async () => {
    const f = await vps.services.facts.get(vps.profile.id)
    expect(f.os).toMatchObject({ id: 'debian', version: '12' })
    expect(f.initSystem).toBe('sysv')
    expect(f.postfix?.version).toMatch(/^3\.7\.\d+$/)
    expect(f.dovecot?.version).toMatch(/^2\.3\.\d+/)
    expect(f.database).toEqual({ flavor: 'mariadb', version: expect.stringMatching(/^10\.11\.\d+$/) })
    expect(f.postfixadmin).toEqual({
      path: '/usr/share/postfixadmin',
      configPath: '/etc/postfixadmin/config.local.php',
      version: expect.stringMatching(/^3\.3\.\d+$/),
      schemaVersion: 1847,
    })
    expect(f.mailLog).toBe('/var/log/mail.log')
    expect(f.firewall.iptables).toMatch(/^1\.8\.\d+ \(nf_tables\)$/)
    expect(f.firewall.nft).toMatch(/^1\.\d+\.\d+$/)
    // Installed on this machine (the firewall area's ufw/firewalld tests), so present in the namespace too.
    expect(f.firewall).toMatchObject({ firewalld: existsSync('/usr/bin/firewall-cmd'), ufw: existsSync('/usr/sbin/ufw') })
    expect(f.kernel).not.toBe('')
    expect(f.hostname).not.toBe('')
  })

  it('is read once per connection: cached, re-read on refresh, and again after reconnecting', async () => {
    const id = vps.profile.id
    const first = await vps.services.facts.get(id)
    expect(await vps.services.facts.get(id)).toBe(first)
    const refreshed = await vps.services.facts.get(id, { refresh: true })
    expect(refreshed).not.toBe(first)
    expect(refreshed.collectedAt >= first.collectedAt).toBe(true)
    await vps.services.connections.disconnect(id)
    await expect(vps.services.facts.get(id)).rejects.toMatchObject({ code: 'not-connected' })
    await vps.services.connections.connect(id)
    const afterReconnect = await vps.services.facts.get(id)
    expect(afterReconnect).not.toBe(refreshed)
    expect(await vps.services.facts.get(id)).toBe(afterReconnect)
  })

  it('does not journal reading facts (only changes go into the journal)', async () => {
    await vps.services.facts.get(vps.profile.id, { refresh: true })
    expect((await vps.services.journal.list({ server: vps.profile.id })).map((e) => e.action)).toEqual(['accept-host-key', 'add'])
  })
})
