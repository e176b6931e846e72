// A server's log summarised over SSH, as the Logs view's Summary and `postdesk logs summary --server`
// do it: the 1M-line bench log put on the test mail server, then, interleaved three times in one run,
//   (a) the anchor: the same connection streaming the file to a sink that only counts bytes (the
//       transfer alone: what any summary over SSH must at least cost),
//   (b) ours: LogsService.summary (the same stream into the WebAssembly counter),
//   (c) pflogsumm reading the file locally (no transfer at all).
// Reports medians and the ratios b/a (what counting adds to the transfer) and c/b. Writes
// bench/results/logs-summary-ssh.json.
//
//   npx tsx bench/logs-summary-ssh-bench.ts     (as root on the machine running the test mail server, after bench/logs-bench.ts)
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServices } from '../electron/services/create-services'
import type { SshConnectionManager } from '../electron/services/ssh/connection-manager'
import { loadConnection } from '../test/integration/support/vps'
import { PFLOGSUMM } from '../test/support/pflogsumm-runner'

const here = dirname(fileURLToPath(import.meta.url))
const source = join(here, 'results/maillog-1000000.log')
if (!existsSync(source)) throw new Error(`${source} is missing: run npx tsx bench/logs-bench.ts first`)
// the test server shares this machine's file system (only its network is its own)
const dir = '/var/tmp/postdesk-summary-bench'
mkdirSync(dir, { recursive: true })
const file = join(dir, 'mail.log')
copyFileSync(source, file)
const bytes = statSync(file).size

const conn = loadConnection()
const services = await createServices({ dataDir: mkdtempSync(join(tmpdir(), 'pd-bench-')), version: 'bench', harness: false, emit: () => undefined })
const profile = await services.profiles.add({ name: 'bench', host: conn.host, port: conn.port, user: conn.user, keyPath: conn.keyPath })
await services.connections.connect(profile.id, { acceptFingerprint: conn.hostKeySha256 })
const ssh = services.connections as SshConnectionManager

async function transferOnly(): Promise<number> {
  const t0 = performance.now()
  let n = 0
  const exec = await ssh.execStreamAsRoot(profile.id, ['cat', '--', file], { onStdout: (d) => void (n += d.length) })
  await exec.done
  if (n !== bytes) throw new Error(`transfer: ${n} of ${bytes} bytes`)
  return (performance.now() - t0) / 1000
}

async function summary(): Promise<number> {
  const t0 = performance.now()
  const r = await services.logs.summary(profile.id, { choice: 'file', path: file })
  if (r.bytes !== bytes || r.lines !== 1_000_000) throw new Error(`summary read ${r.bytes} bytes, ${r.lines} lines`)
  return (performance.now() - t0) / 1000
}

function pflogsumm(): number {
  const t0 = performance.now()
  execFileSync('perl', [PFLOGSUMM, file], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] })
  return (performance.now() - t0) / 1000
}

const runs = { transfer: [] as number[], summary: [] as number[], pflogsumm: [] as number[] }
try {
  await transferOnly() // warm the page cache and the connection
  for (let i = 0; i < 3; i++) {
    runs.transfer.push(await transferOnly())
    runs.summary.push(await summary())
    runs.pflogsumm.push(pflogsumm())
    console.log(`round ${i + 1}: transfer ${runs.transfer[i]!.toFixed(2)} s, summary ${runs.summary[i]!.toFixed(2)} s, pflogsumm ${runs.pflogsumm[i]!.toFixed(2)} s`)
  }
} finally {
  await services.connections.closeAll()
  rmSync(dir, { recursive: true, force: true })
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!
const report = {
  date: new Date().toISOString(),
  lines: 1_000_000,
  bytes,
  transferSeconds: median(runs.transfer),
  summarySeconds: median(runs.summary),
  pflogsummLocalSeconds: median(runs.pflogsumm),
  summaryLinesPerSecond: 1_000_000 / median(runs.summary),
  transferMBps: bytes / 1e6 / median(runs.transfer),
  /** what counting adds to the transfer (1: nothing) */
  summaryToTransfer: median(runs.summary) / median(runs.transfer),
  /** pflogsumm on the local file against ours over SSH */
  pflogsummToSummary: median(runs.pflogsumm) / median(runs.summary),
  runs,
}
mkdirSync(join(here, 'results'), { recursive: true })
writeFileSync(join(here, 'results/logs-summary-ssh.json'), JSON.stringify(report, null, 2) + '\n')
console.log(JSON.stringify({ summaryLinesPerSecond: Math.round(report.summaryLinesPerSecond), transferMBps: +report.transferMBps.toFixed(1), summaryToTransfer: +report.summaryToTransfer.toFixed(2), pflogsummToSummary: +report.pflogsummToSummary.toFixed(2) }))
