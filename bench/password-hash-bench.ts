// Bulk SHA512-CRYPT (5,000 rounds) hashing for a 1,000-mailbox import, against the anchor measured in
// the same run: `doveadm pw -s SHA512-CRYPT` per call (what PostfixAdmin's dovecot: mode spawns per
// password). Also the single-thread cost of the naive way (Node createHash per round) vs the
// WebAssembly round loop. Run: `npx tsx bench/password-hash-bench.ts`; writes bench/results/password-hash.json.
// WORKER_ENTRY=out/main/hash-worker.js (after `npx electron-vite build`) uses the built worker, as the
// app does, instead of the TypeScript source loaded through tsx in each worker.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PasswordHashPool } from '../electron/services/mail/passwords/password-hash-pool'
import { nodeShaEngine, shaCrypt, wasmShaEngine, type ShaCryptEngine } from '../electron/services/mail/passwords/sha-crypt'
import { verifyPassword } from '../electron/services/mail/passwords/verify-password'

const loadAtStart = loadavg()[0] ?? 0
const HASHES = Number(process.env.HASHES ?? 1000)
const WORKERS = Number(process.env.WORKERS ?? 2)
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const round = (x: number, d = 3): number => Number(x.toFixed(d))

function timeEach(n: number, fn: (i: number) => void): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    fn(i)
    out.push(performance.now() - t)
  }
  return out
}

function shaCryptPerHash(engine: ShaCryptEngine, n: number): { medianMs: number; meanMs: number } {
  const magic = engine.digestLength === 64 ? '6' : '5'
  const run = (i: number): void => void shaCrypt(utf8(`pw-${i}-Secret12`), { magic, rounds: undefined, salt: `salt${i}`.padEnd(16, 'x') }, engine)
  timeEach(Math.max(3, n / 10), run) // warm-up (JIT, WebAssembly tier-up)
  const ms = timeEach(n, run)
  return { medianMs: round(median(ms)), meanMs: round(ms.reduce((a, b) => a + b, 0) / n) }
}

// Anchor: doveadm pw per call (process start + hash), as PostfixAdmin's dovecot: mode runs it.
const doveadmMs = timeEach(30, (i) => {
  const r = spawnSync('doveadm', ['pw', '-s', 'SHA512-CRYPT', '-p', `pw-${i}-Secret12`], { encoding: 'utf8' })
  if (r.status !== 0 || !r.stdout.startsWith('{SHA512-CRYPT}$6$')) throw new Error(`doveadm pw failed: ${r.stderr || r.error}`)
})
const anchorMs = median(doveadmMs)

const naive = shaCryptPerHash(nodeShaEngine('sha512'), 30)
const wasm = shaCryptPerHash(wasmShaEngine(512), 200)
const naive256 = shaCryptPerHash(nodeShaEngine('sha256'), 30)
const wasm256 = shaCryptPerHash(wasmShaEngine(256), 200)

const passwords = Array.from({ length: HASHES }, (_, i) => `user${i}-${Math.random().toString(36).slice(2)}-9`)
const t0 = performance.now()
const workerEntry = process.env.WORKER_ENTRY ? pathToFileURL(resolve(process.env.WORKER_ENTRY)) : undefined
const pool = new PasswordHashPool({ size: WORKERS, ...(workerEntry ? { entry: workerEntry } : {}) })
await pool.hashMany(['warm-up-1', 'warm-up-2'.repeat(WORKERS)], 'dovecot:SHA512-CRYPT', { batchSize: 1 })
const startupMs = performance.now() - t0
const t1 = performance.now()
const cpu0 = process.cpuUsage() // process-wide: includes the worker threads
const hashes = await pool.hashMany(passwords, 'dovecot:SHA512-CRYPT')
const bulkMs = performance.now() - t1
const cpu = process.cpuUsage(cpu0)
await pool.close()

// The bulk result must be real: distinct, and accepted by our verify and by doveadm itself.
if (new Set(hashes).size !== HASHES) throw new Error('hashes are not distinct')
for (const i of [0, Math.floor(HASHES / 2), HASHES - 1]) {
  const pw = passwords[i] as string
  const h = hashes[i] as string
  const dove = spawnSync('doveadm', ['pw', '-t', h, '-p', pw], { encoding: 'utf8' })
  if (!(await verifyPassword(pw, h)) || dove.status !== 0) throw new Error(`hash ${i} does not verify`)
}

const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg1AtStart: round(loadAtStart, 2), loadavg1AtEnd: round(loadavg()[0] ?? 0, 2) },
  scheme: 'SHA512-CRYPT, 5000 rounds (dovecot:SHA512-CRYPT)',
  anchor: { what: 'doveadm pw -s SHA512-CRYPT, one process per hash', medianMsPerCall: round(anchorMs), calls: doveadmMs.length },
  singleThread: {
    naiveNodeCreateHashPerRound: naive,
    wasmRoundLoop: wasm,
    speedupWasmVsNaive: round(naive.medianMs / wasm.medianMs, 2),
    sha256Crypt: { naiveNodeCreateHashPerRound: naive256, wasmRoundLoop: wasm256, speedupWasmVsNaive: round(naive256.medianMs / wasm256.medianMs, 2) },
  },
  pool: {
    workers: WORKERS,
    workerEntry: workerEntry?.pathname ?? 'electron/services/mail/passwords/hash-worker.ts (through tsx)',
    startupMs: round(startupMs, 1),
    hashes: HASHES,
    elapsedMs: round(bulkMs, 1),
    hashesPerSecond: round((HASHES / bulkMs) * 1000, 1),
    msPerHashEffective: round(bulkMs / HASHES),
    cpuMsPerHash: round((cpu.user + cpu.system) / 1000 / HASHES),
  },
  ratios: {
    doveadmLoopMsFor1000: round(anchorMs * HASHES, 0),
    poolVsDoveadmLoop: round((anchorMs * HASHES) / (bulkMs + startupMs), 1),
  },
}
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/password-hash.json', `${JSON.stringify(result, null, 2)}\n`)
console.log(JSON.stringify(result, null, 2))
