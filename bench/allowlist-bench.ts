// One-click home-IP refresh on the test server, click to confirmed: the service call the Refresh button
// makes (detect -> preview -> schedule rollback + apply -> confirm over a fresh SSH connection -> persist),
// alternating the client between the two host addresses so that every round really changes the rules.
// Anchor in the same run: one OpenSSH login + command (`ssh -b ADDR root@host true`), the cost of the
// fresh connection that proves access. Goal: under 5 s per refresh. Only port 9993 is protected.
//
//   npx tsx bench/allowlist-bench.ts [rounds]      (as root on the machine running the test mail server)
//   writes bench/results/allowlist.json
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices } from '../electron/services/create-services'
import type { Services } from '../electron/services/types'
import { ADDR_A, ADDR_B, flushPostdeskFirewall } from '../test/integration/support/vps-firewall'
import { loadConnection } from '../test/integration/support/vps'

const rounds = Number(process.argv[2] ?? 6)
const conn = loadConnection()
const dataDir = mkdtempSync(join(tmpdir(), 'pd-allowlist-bench-'))
const persist = join(dataDir, 'rules.v4')
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const round = (x: number) => Math.round(x)

async function servicesFrom(address: string): Promise<{ s: Services; id: string }> {
  const file = join(dataDir, 'profiles.json')
  try {
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"localAddress": "[0-9.]+"/, `"localAddress": "${address}"`))
  } catch {
    /* first time: no profiles yet */
  }
  const s = await createServices({ dataDir, version: 'bench', harness: false, emit: () => undefined, env: { HOME: dataDir, USER: 'bench' }, userKnownHostsPath: null })
  const existing = await s.profiles.get('bench').catch(() => undefined)
  const p = existing ?? (await s.profiles.add({ name: 'bench', host: conn.host, port: conn.port, user: conn.user, keyPath: conn.keyPath, localAddress: address }))
  await s.connections.connect(p.id, { acceptFingerprint: conn.hostKeySha256 })
  return { s, id: p.id }
}

function opensshLogin(address: string): number {
  const t = performance.now()
  const r = spawnSync('ssh', ['-i', conn.keyPath, '-b', address, '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${join(import.meta.dirname, '../test/vps/.state/known_hosts')}`, '-o', 'StrictHostKeyChecking=yes', `${conn.user}@${conn.host}`, 'true'])
  if (r.status !== 0) throw new Error(`ssh failed: ${r.stderr.toString()}`)
  return performance.now() - t
}

async function main(): Promise<void> {
  flushPostdeskFirewall()
  const loadAtStart = loadavg()[0] ?? 0
  const first = await servicesFrom(ADDR_A)
  await first.s.firewall.save(first.id, { backend: 'iptables', persistPath: persist, confirmTimeoutSec: 30, entries: [{ name: 'home', ipv4: ADDR_A, access: ['tcp/9993'], home: true, history: [] }], blocked: [] })
  const initial = await first.s.firewall.apply(first.id)
  if (initial.outcome !== 'confirmed') throw new Error(initial.message)
  await first.s.connections.closeAll()

  const samples: { from: string; totalMs: number; timings: Record<string, number>; anchorSshMs: number }[] = []
  for (let i = 0; i < rounds; i++) {
    const from = i % 2 === 0 ? ADDR_B : ADDR_A
    const { s, id } = await servicesFrom(from) // connected already, as the app is when the banner shows
    const t = performance.now()
    const r = await s.firewall.refresh(id) // the Refresh button
    const totalMs = performance.now() - t
    if (r.outcome !== 'confirmed') throw new Error(`round ${i}: ${r.outcome}: ${r.message}`)
    const anchorSshMs = opensshLogin(from)
    samples.push({ from, totalMs: round(totalMs), timings: r.timings, anchorSshMs: round(anchorSshMs) })
    console.log(`round ${i} from ${from}: ${round(totalMs)} ms`, r.timings, `openssh login ${round(anchorSshMs)} ms`)
    await s.connections.closeAll()
  }
  flushPostdeskFirewall()
  rmSync(dataDir, { recursive: true, force: true })

  const phase = (k: string) => round(median(samples.map((x) => x.timings[k] ?? 0)))
  const result = {
    bench: 'allowlist-refresh',
    when: new Date().toISOString(),
    rounds,
    backend: 'iptables',
    goalMs: 5000,
    medianTotalMs: round(median(samples.map((x) => x.totalMs))),
    maxTotalMs: Math.max(...samples.map((x) => x.totalMs)),
    medianPhasesMs: { detect: phase('detect'), preview: phase('preview'), apply: phase('apply'), confirm: phase('confirm'), persist: phase('persist') },
    anchor: { opensshLoginMedianMs: round(median(samples.map((x) => x.anchorSshMs))) },
    confirmVsOpensshLogin: Number((phase('confirm') / Math.max(1, median(samples.map((x) => x.anchorSshMs)))).toFixed(2)),
    loadAtStart,
    samples,
  }
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true })
  writeFileSync(join(import.meta.dirname, 'results/allowlist.json'), JSON.stringify(result, null, 2) + '\n')
  console.log(JSON.stringify({ medianTotalMs: result.medianTotalMs, maxTotalMs: result.maxTotalMs, phases: result.medianPhasesMs, anchor: result.anchor }, null, 2))
}

await main()
