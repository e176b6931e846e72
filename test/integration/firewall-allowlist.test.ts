import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Allowlist } from '../../shared/domain/firewall'
import { foreignIptables } from '../../shared/firewall/iptables-rules'
import { foreignNft } from '../../shared/firewall/nft-rules'
import { POSTDESK_BIN, runPostdesk } from '../unit/support/run-postdesk'
import { ADDR_A, ADDR_B, flushPostdeskFirewall, iptablesSave, nftRuleset, nsRun, nsTry, pendingTxns, reachableFrom, waitFor } from './support/vps-firewall'
import { createTestUser } from './support/vps-admin'
import { vpsServices, type VpsServices } from './support/vps-services'

// Real rules in the test server's namespace, from its two host-side addresses. The protected port is a
// listener of this file's own (Dovecot may be restarted by other test files at any time); SSH (22) is
// never restricted for ADDR_A: other test files use it.
const PORT = 9993
const FOREIGN_IPT = ['-s', '192.0.2.77/32', '-p', 'tcp', '-m', 'tcp', '--dport', '9', '-j', 'DROP']
const FOREIGN_NFT = 'table inet pdforeign {\n\tchain c {\n\t\ttype filter hook input priority filter + 5; policy accept;\n\t\tip saddr 192.0.2.78 tcp dport 9 drop\n\t}\n}\n'
const persistDir = `/tmp/postdesk-fw-it-${process.pid}`

function cleanup(): void {
  flushPostdeskFirewall()
  while (nsTry(['iptables', '-D', 'INPUT', ...FOREIGN_IPT]) !== undefined) {
    /* every copy */
  }
  nsTry(['nft', 'delete', 'table', 'inet', 'pdforeign'])
  rmSync(persistDir, { recursive: true, force: true })
}

let listener: ChildProcess | undefined
beforeAll(async () => {
  listener = spawn('ip', ['netns', 'exec', 'pdvps', 'python3', '-c', `import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('0.0.0.0', ${PORT}))\ns.listen(64)\nwhile True:\n    c, _ = s.accept()\n    c.close()\n`], { stdio: 'ignore' })
  await waitFor(() => reachableFrom(ADDR_A, PORT, 300), 5000)
  cleanup()
  nsRun(['mkdir', '-p', persistDir])
  // Foreign rules, which Postdesk must leave byte-identical.
  nsRun(['iptables', '-A', 'INPUT', ...FOREIGN_IPT])
  nsRun(['nft', '-f', '-'], FOREIGN_NFT)
})
afterAll(() => {
  listener?.kill('SIGKILL')
  cleanup()
})

/** Services for one profile, and a way to "move house": the same profile, now connecting from another local address. */
async function client(dataDir: string | undefined, from: string): Promise<VpsServices> {
  if (dataDir) {
    const file = join(dataDir, 'profiles.json')
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(`"localAddress": "${ADDR_A}"`, `"localAddress": "${from}"`))
  }
  const v = await vpsServices({ localAddress: from, name: 'fw', ...(dataDir ? { dataDir } : {}) })
  await v.services.connections.connect(v.profile.id, { acceptFingerprint: v.conn.hostKeySha256 })
  return v
}

function allowlist(server: string, backend: 'iptables' | 'nftables', persist: string): Allowlist {
  return {
    server,
    backend,
    persistPath: persist,
    confirmTimeoutSec: 15,
    entries: [{ name: 'home', ipv4: ADDR_A, access: [`tcp/${PORT}`], home: true, history: [] }],
    blocked: [],
  }
}

const foreign = () => ({ ipt: foreignIptables(iptablesSave()), nft: foreignNft(nftRuleset()).replace(/^table ip6? filter \{[\s\S]*?\n\}\n/gm, '') })

for (const backend of ['iptables', 'nftables'] as const) {
  describe(`allowlist on ${backend}`, () => {
    let dataDir = ''
    let id = ''

    it('from A: allows A on the protected port; A connects, B cannot; SSH from both still works; foreign rules untouched', async () => {
      cleanup()
      nsRun(['mkdir', '-p', persistDir])
      nsRun(['iptables', '-A', 'INPUT', ...FOREIGN_IPT])
      nsRun(['nft', '-f', '-'], FOREIGN_NFT)
      const before = foreign()
      const a = await client(undefined, ADDR_A)
      dataDir = a.dataDir
      id = a.profile.id
      await a.services.firewall.save(id, allowlist(id, backend, `${persistDir}/rules`))
      const st = await a.services.firewall.status(id)
      expect(st.backends.available).toEqual(expect.arrayContaining(['iptables', 'nftables']))
      expect(st.backends.chosen).toBe(backend)
      expect(st.home.fromSsh).toBe(ADDR_A)
      expect(st.change).toBeNull()

      const r = await a.services.firewall.apply(id)
      expect(r.outcome, r.message).toBe('confirmed')
      expect(r.confirmedFrom).toBe(ADDR_A)
      expect(r.rollbackFired).toBe(false)
      expect(r.probes).toEqual([{ port: PORT, reachable: true }])
      expect(await reachableFrom(ADDR_A, PORT)).toBe(true)
      expect(await reachableFrom(ADDR_B, PORT)).toBe(false)
      expect(await reachableFrom(ADDR_A, 22)).toBe(true)
      expect(await reachableFrom(ADDR_B, 22)).toBe(true)
      expect(pendingTxns()).toEqual([])
      // Persisted where configured.
      const saved = readFileSync(`${persistDir}/rules`, 'utf8')
      expect(saved).toContain(backend === 'iptables' ? `-A POSTDESK-INPUT -s ${ADDR_A}/32 -p tcp -m tcp --dport ${PORT} -j ACCEPT` : `elements = { ${ADDR_A} }`)
      expect(foreign()).toEqual(before)
      // Applying again changes nothing.
      expect((await a.services.firewall.apply(id)).outcome).toBe('unchanged')
      await a.services.connections.closeAll()
    })

    it('switched to B: status shows "home IP changed from A to B"; refresh; B connects, A cannot; foreign rules untouched', async () => {
      const before = foreign()
      const b = await client(dataDir, ADDR_B)
      expect(b.profile.id).toBe(id)
      // On connect (no call from the test) the service compares the address and emits the change.
      expect(await waitFor(() => b.events.some((e) => e.name === 'firewall.homeIpChanged'), 10_000)).toBe(true)
      expect(b.events.find((e) => e.name === 'firewall.homeIpChanged')?.payload).toEqual({ server: id, entry: 'home', from: ADDR_A, to: ADDR_B })
      const st = await b.services.firewall.status(id)
      expect(st.home.fromSsh).toBe(ADDR_B)
      expect(st.change).toEqual({ entry: 'home', from: ADDR_A, to: ADDR_B })

      const r = await b.services.firewall.refresh(id, { confirmTimeoutSec: 15 })
      expect(r.outcome, r.message).toBe('confirmed')
      expect(r.confirmedFrom).toBe(ADDR_B)
      expect(r.preview.removed.join('\n')).toContain(ADDR_A)
      expect(r.preview.added.join('\n')).toContain(ADDR_B)
      expect(r.preview.foreignRemoved).toEqual([])
      expect(Object.keys(r.timings)).toEqual(expect.arrayContaining(['detect', 'apply', 'confirm', 'persist']))
      expect(await reachableFrom(ADDR_B, PORT)).toBe(true)
      expect(await reachableFrom(ADDR_A, PORT)).toBe(false)
      expect(await reachableFrom(ADDR_A, 22)).toBe(true)
      const al = await b.services.firewall.get(id)
      expect(al.entries[0]).toMatchObject({ ipv4: ADDR_B, history: [{ address: ADDR_A }] })
      expect((await b.services.firewall.status(id)).change).toBeNull()
      expect(foreign()).toEqual(before)
      const hist = await b.services.firewall.history(id)
      expect(hist[0]).toMatchObject({ action: 'refresh', outcome: 'ok' })
      await b.services.connections.closeAll()
    })

    it('lockout: a change that blocks the app\'s own SSH from B is rolled back by the server with no client action, and reported', async () => {
      const b = await client(dataDir, ADDR_B)
      const rulesBefore = backend === 'iptables' ? iptablesSave() : nftRuleset()
      // Without the fault switch the app refuses to cut its own access.
      await expect(b.services.firewall.block(id, ADDR_B)).rejects.toMatchObject({ code: 'conflict' })
      const t0 = Date.now()
      const r = await b.services.firewall.block(id, ADDR_B, { allowSelfBlock: true, confirmTimeoutSec: 10 })
      expect(r.outcome, r.message).toBe('rolled-back')
      expect(r.rollbackFired).toBe(true)
      expect(r.message).toMatch(/rollback restored the previous rules by itself/)
      expect(Date.now() - t0).toBeLessThan(40_000)
      expect(backend === 'iptables' ? iptablesSave() : nftRuleset()).toBe(rulesBefore)
      expect(await reachableFrom(ADDR_B, 22)).toBe(true)
      expect(await reachableFrom(ADDR_B, PORT)).toBe(true)
      expect((await b.services.firewall.get(id)).blocked).toEqual([])
      expect((await b.services.firewall.history(id))[0]).toMatchObject({ action: 'block', outcome: 'failed' })
      await b.services.connections.closeAll()
    })

    it('the applying client (a CLI child) is killed mid-apply: the rollback still happens', async () => {
      const rulesBefore = backend === 'iptables' ? iptablesSave() : nftRuleset()
      const child = spawn(process.execPath, [POSTDESK_BIN, 'block', 'fw', ADDR_B, '--fault-self-block', '--confirm-timeout', '10', '--json'], {
        env: { ...process.env, POSTDESK_HOME: dataDir, HOME: dataDir },
        stdio: 'ignore',
      })
      const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)))
      // Kill it as soon as the transaction is on the server (rollback scheduled, rules being applied).
      expect(await waitFor(() => pendingTxns().length > 0, 20_000, 50)).toBe(true)
      await new Promise((r) => setTimeout(r, 300))
      child.kill('SIGKILL')
      await exited
      const blockedNow = backend === 'iptables' ? iptablesSave().includes(`-s ${ADDR_B}/32 -j DROP`) : nftRuleset().includes(`elements = { ${ADDR_B} }`)
      expect(blockedNow).toBe(true)
      expect(await reachableFrom(ADDR_B, 22)).toBe(false)
      // No client left: the server's own timer restores the rules.
      expect(await waitFor(async () => (backend === 'iptables' ? iptablesSave() : nftRuleset()) === rulesBefore, 20_000, 250)).toBe(true)
      expect(await reachableFrom(ADDR_B, 22)).toBe(true)
      expect(await reachableFrom(ADDR_A, 22)).toBe(true)
      const dirs = pendingTxns()
      expect(dirs.length).toBe(1)
      expect(readFileSync(`/var/lib/postdesk/firewall/${dirs[0]}/fired`, 'utf8')).toMatch(/^\d{4}-/)
      flushPostdeskFirewall()
    })
  })
}

describe('rules inside the owned chain that Postdesk did not write', () => {
  it('need a second click: needs-confirmation lists them and changes nothing; with the confirmation they go', async () => {
    cleanup()
    const a = await client(undefined, ADDR_A)
    const id = a.profile.id
    await a.services.firewall.save(id, allowlist(id, 'iptables', `${persistDir}/second.v4`))
    expect((await a.services.firewall.apply(id)).outcome).toBe('confirmed')
    nsRun(['iptables', '-A', 'POSTDESK-INPUT', '-s', '192.0.2.9/32', '-j', 'ACCEPT']) // added by hand on the server
    const before = iptablesSave()
    const r = await a.services.firewall.refresh(id, { address: ADDR_B })
    expect(r.outcome).toBe('needs-confirmation')
    expect(r.preview.foreignRemoved).toEqual(['-A POSTDESK-INPUT -s 192.0.2.9/32 -j ACCEPT'])
    expect(iptablesSave()).toBe(before)
    expect((await a.services.firewall.get(id)).entries[0]?.ipv4).toBe(ADDR_A)
    const r2 = await a.services.firewall.refresh(id, { address: ADDR_B, acceptForeignRemoval: true })
    expect(r2.outcome, r2.message).toBe('confirmed')
    expect(iptablesSave()).not.toContain('192.0.2.9')
    expect(await reachableFrom(ADDR_B, PORT)).toBe(true)
    await a.services.connections.closeAll()
    cleanup()
  })
})

describe('as a sudo user', () => {
  it('applies and confirms through sudo -S with the stored password (the confirm runs through sudo on the fresh connection too)', async () => {
    cleanup()
    const password = `pw-${Date.now()}-"'$x`
    const user = createTestUser({ password, sudo: 'password' })
    try {
      const v = await vpsServices({ name: 'fw-sudo', localAddress: ADDR_A, profile: { user: user.name, sudo: 'sudo-S' } })
      await v.services.secrets.set(v.profile.id, 'sudo', password)
      await v.services.connections.connect(v.profile.id, { acceptFingerprint: v.conn.hostKeySha256 })
      await v.services.firewall.save(v.profile.id, allowlist(v.profile.id, 'iptables', `${persistDir}/sudo.v4`))
      const r = await v.services.firewall.apply(v.profile.id)
      expect(r.outcome, r.message).toBe('confirmed')
      expect(r.confirmedFrom).toBe(ADDR_A)
      expect(await reachableFrom(ADDR_A, PORT)).toBe(true)
      expect(await reachableFrom(ADDR_B, PORT)).toBe(false)
      expect(pendingTxns()).toEqual([])
      await v.services.connections.closeAll()
    } finally {
      user.remove()
      cleanup()
    }
  })
})

describe('postdesk allowlist / block (CLI)', () => {
  it('status --json shows the change; refresh confirms; block of its own address exits non-zero after the server rolled back', async () => {
    cleanup()
    const a = await client(undefined, ADDR_A)
    await a.services.firewall.save(a.profile.id, allowlist(a.profile.id, 'nftables', `${persistDir}/cli.nft`))
    await a.services.connections.closeAll()
    const home = a.dataDir
    const file = join(home, 'profiles.json')
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(`"localAddress": "${ADDR_A}"`, `"localAddress": "${ADDR_B}"`))

    const st = await runPostdesk(home, ['allowlist', 'status', 'fw', '--json'])
    expect(st.code, st.stderr).toBe(0)
    expect(JSON.parse(st.stdout)).toMatchObject({ home: { fromSsh: ADDR_B }, change: { entry: 'home', from: ADDR_A, to: ADDR_B }, backends: { chosen: 'nftables' } })
    const human = await runPostdesk(home, ['allowlist', 'status', 'fw'])
    expect(human.stdout).toContain(`changed from ${ADDR_A} to ${ADDR_B}`)

    const r = await runPostdesk(home, ['allowlist', 'refresh', 'fw', '--confirm-timeout', '15', '--json'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'confirmed', confirmedFrom: ADDR_B, rollbackFired: false })
    expect(await reachableFrom(ADDR_B, PORT)).toBe(true)
    expect(await reachableFrom(ADDR_A, PORT)).toBe(false)

    const refused = await runPostdesk(home, ['block', 'fw', ADDR_B])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/would block your own SSH access/)
    const b = await runPostdesk(home, ['block', 'fw', ADDR_B, '--fault-self-block', '--confirm-timeout', '10', '--json'], { timeoutMs: 90_000 })
    expect(b.code).toBe(1)
    expect(b.stderr).toMatch(/^postdesk: rolled-back: /)
    expect(JSON.parse(b.stdout)).toMatchObject({ error: { code: 'remote-failed', detail: { result: { outcome: 'rolled-back', rollbackFired: true } } } })
    expect(await reachableFrom(ADDR_B, 22)).toBe(true)
    expect(await reachableFrom(ADDR_B, PORT)).toBe(true)
    cleanup()
  })
})

describe('Apache block for PostfixAdmin (Require ip, apachectl -t, graceful)', () => {
  const conf = '/etc/apache2/conf-enabled/zz-postdesk-it.conf'
  const docroot = '/tmp/postdesk-it-www'
  beforeAll(() => {
    cleanup()
    nsRun(['mkdir', '-p', docroot])
    writeFileSync(`${docroot}/index.html`, 'postfixadmin here\n')
    writeFileSync(conf, `# test site\nAlias /pdtest ${docroot}\n<Directory ${docroot}>\n    Require all granted\n</Directory>\n`)
    nsRun(['apachectl', 'start'])
  })
  afterAll(() => {
    nsTry(['apachectl', 'stop'])
    rmSync(conf, { force: true })
    rmSync(docroot, { recursive: true, force: true })
    cleanup()
  })

  it('allows only the home address to the web path, then follows the refresh from A to B', async () => {
    await waitFor(() => http(ADDR_A) === '200', 10_000)
    expect(http(ADDR_A)).toBe('200')
    expect(http(ADDR_B)).toBe('200')
    const a = await client(undefined, ADDR_A)
    const id = a.profile.id
    await a.services.firewall.save(id, { ...allowlist(id, 'iptables', `${persistDir}/rules`), entries: [{ name: 'home', ipv4: ADDR_A, access: ['postfixadmin', `tcp/${PORT}`], home: true, history: [] }], apache: { enabled: true, confPath: conf, webPath: '/pdtest' } })
    const st = await a.services.firewall.status(id)
    expect(st.backends.apache).toMatchObject({ present: true, version: '2.4', running: true })
    const r = await a.services.firewall.apply(id)
    expect(r.outcome, r.message).toBe('confirmed')
    expect(r.preview.apache?.after).toContain(`    Require ip ${ADDR_A}`)
    expect(nsRun(['sh', '-c', 'apachectl -t 2>&1'])).toMatch(/Syntax OK/)
    expect(http(ADDR_A)).toBe('200')
    expect(http(ADDR_B)).toBe('403')
    expect(readFileSync(conf, 'utf8')).toMatch(/^# test site\nAlias \/pdtest/)
    await a.services.connections.closeAll()

    const b = await client(a.dataDir, ADDR_B)
    const r2 = await b.services.firewall.refresh(id)
    expect(r2.outcome, r2.message).toBe('confirmed')
    expect(http(ADDR_B)).toBe('200')
    expect(http(ADDR_A)).toBe('403')
    await b.services.connections.closeAll()
  })
})

/** The HTTP status of the test path, fetched from one of the host-side addresses (curl --interface). */
function http(from: string): string {
  try {
    return execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '3', '--interface', from, 'http://10.213.77.2/pdtest/'], { encoding: 'utf8' }).trim()
  } catch (e) {
    return ((e as { stdout?: string }).stdout ?? '').trim() || 'error'
  }
}
