// Mail log engine benchmark: a generated 1M-line realistic log; pflogsumm (the anchor) and lnav
// (indexing, if installed) measured on the same file in the same run, then ours, each in a child
// process running an esbuild bundle under plain node (so its peak RSS is its own, without the
// TypeScript loader's). Writes bench/results/logs.json.
//  - "summary": pflogsumm's job (parse each line, correlate by queue id, summarise), what `postdesk
//    logs summary` runs: the WebAssembly counter. Run three times; the median is reported. The goal
//    (>= 1M lines/s, >= 15x pflogsumm, faster than lnav, < 200 MB, the same totals) is checked on it.
//  - "ours" (structured): every line parsed into all its fields (LogLine) and messages correlated into
//    timelines, plus the summary: more than pflogsumm does; the live view does this per line as it arrives.
//  - "parse": the structured parser alone.
//
//   npx tsx bench/logs-bench.ts [LINES]

import { execFileSync, spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { formatPflogsummTotals, PFLOGSUMM_LABELS, type PflogsummTotals } from '../shared/logs/pflogsumm-counter'
import { MaillogGenerator } from '../test/support/maillog-generator'
import { grandTotalsBlock, pflogsummTotals, PFLOGSUMM } from '../test/support/pflogsumm-runner'

const here = dirname(fileURLToPath(import.meta.url))
const results = join(here, 'results')
mkdirSync(results, { recursive: true })
const LINES = Number(process.argv[2] ?? 1_000_000)
const file = join(results, `maillog-${LINES}.log`)

async function generate(): Promise<void> {
  const gen = new MaillogGenerator({ seed: 1, stamps: 'mixed' })
  const out = createWriteStream(file)
  for (let done = 0; done < LINES; done += 10_000) {
    if (!out.write(gen.lines(Math.min(10_000, LINES - done)))) await new Promise<void>((r) => out.once('drain', () => r()))
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())))
}

/** CPU seconds used by children that finished since the last call (cutime + cstime of /proc/self/stat, in 1/100 s). */
function childCpuSince(): number {
  const t = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')
  // fields 16 and 17 of /proc/PID/stat (cutime, cstime) are the 14th and 15th after the command name
  const ticks = Number(t[13]) + Number(t[14])
  const delta = ticks - childTicks
  childTicks = ticks
  return delta / 100
}
let childTicks = ((): number => {
  const t = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')
  return Number(t[13]) + Number(t[14])
})()

function timed<T>(f: () => T): { seconds: number; value: T } {
  const t0 = process.hrtime.bigint()
  const value = f()
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value }
}

const t0 = Date.now()
await generate()
console.log(`generated ${LINES} lines (${(statSync(file).size / 1e6).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${file}`)

// anchor: pflogsumm as installed, C locale (its CPU time is that of the finished child)
const anchor = timed(() => execFileSync('perl', [PFLOGSUMM, file], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }).toString('latin1'))
const anchorCpuSeconds = childCpuSince()
console.log(`pflogsumm: ${anchor.seconds.toFixed(2)} s (${anchorCpuSeconds.toFixed(2)} s CPU)`)

// lnav: headless, a query over all lines forces it to index the whole file
let lnav: { seconds: number; linesPerSecond: number; indexedLines: number } | null = null
if (existsSync('/usr/bin/lnav')) {
  const r = timed(() => spawnSync('lnav', ['-n', '-c', ';SELECT count(*) AS n FROM all_logs', file], { encoding: 'utf8', maxBuffer: 1 << 24 }))
  const n = Number(/(\d+)\s*$/.exec(r.value.stdout.trim())?.[1] ?? NaN)
  lnav = { seconds: r.seconds, linesPerSecond: LINES / r.seconds, indexedLines: n }
  console.log(`lnav: ${r.seconds.toFixed(2)} s (indexed ${n} lines)`)
}

// ours, in a child so that its peak RSS is its own: bundled, under plain node
const bundleDir = join(tmpdir(), `postdesk-logs-bench-${process.pid}`)
const bundle = join(bundleDir, 'pipeline.mjs')
await build({ entryPoints: [join(here, 'logs-bench-pipeline.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'warning' })
writeFileSync(join(bundleDir, 'package.json'), '{"type":"module"}\n')
interface ChildReport { seconds: number; cpuSeconds: number; maxRssKiB: number }
const child = timed(() => execFileSync(process.execPath, [bundle, file, 'analyse'], { maxBuffer: 1 << 24 }).toString())
const ours = JSON.parse(child.value) as ChildReport & { result: { totals: PflogsummTotals; lines: number; openMessages: number; finishedMessages: number; evictedMessages: number; kinds: Record<string, number> } }
console.log(`ours: ${ours.seconds.toFixed(2)} s in-process (${ours.cpuSeconds.toFixed(2)} s CPU), peak RSS ${(ours.maxRssKiB / 1024).toFixed(0)} MiB`)
type SummaryReport = ChildReport & { result: { totals: PflogsummTotals } }
const summaryRuns: { processSeconds: number; report: SummaryReport }[] = []
for (let i = 0; i < 3; i++) {
  const c = timed(() => execFileSync(process.execPath, [bundle, file, 'summary'], { maxBuffer: 1 << 24 }).toString())
  const r = JSON.parse(c.value) as SummaryReport
  summaryRuns.push({ processSeconds: c.seconds, report: r })
  console.log(`summary: ${r.seconds.toFixed(2)} s in-process (${r.cpuSeconds.toFixed(2)} s CPU), peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB`)
}
// the median run (the machine is shared: one run can be slowed by a neighbour)
const { processSeconds: summaryProcessSeconds, report: summary } = [...summaryRuns].sort((a, b) => a.report.seconds - b.report.seconds)[1]!

// the parser alone: what the app does to each line it follows or searches (the correlator runs in the
// renderer for one message at a time, the counter only for summaries)
const parseChild = timed(() => execFileSync(process.execPath, [bundle, file, 'parse'], { maxBuffer: 1 << 24 }).toString())
const parse = JSON.parse(parseChild.value) as ChildReport & { result: { lines: number; unparsed: number } }
console.log(`parse: ${parse.seconds.toFixed(2)} s in-process (${parse.cpuSeconds.toFixed(2)} s CPU), peak RSS ${(parse.maxRssKiB / 1024).toFixed(0)} MiB`)

const exact = pflogsummTotals(file)
const sameTotals = PFLOGSUMM_LABELS.every((k) => exact[k] === ours.result.totals[k] && exact[k] === summary.result.totals[k])
const sameBlock = formatPflogsummTotals(ours.result.totals) === grandTotalsBlock(anchor.value) && formatPflogsummTotals(summary.result.totals) === grandTotalsBlock(anchor.value)

const report = {
  date: new Date().toISOString(),
  node: process.version,
  lines: LINES,
  bytes: statSync(file).size,
  // wall-clock figures depend on the machine's load; CPU-second figures less so
  pflogsumm: { seconds: anchor.seconds, linesPerSecond: LINES / anchor.seconds, cpuSeconds: anchorCpuSeconds, linesPerCpuSecond: LINES / anchorCpuSeconds },
  lnav,
  ours: {
    seconds: ours.seconds,
    linesPerSecond: LINES / ours.seconds,
    cpuSeconds: ours.cpuSeconds,
    linesPerCpuSecond: LINES / ours.cpuSeconds,
    ratioToPflogsumm: anchor.seconds / ours.seconds,
    cpuRatioToPflogsumm: anchorCpuSeconds / ours.cpuSeconds,
    ratioToLnav: lnav ? lnav.seconds / ours.seconds : null,
    peakRssMiB: ours.maxRssKiB / 1024,
    processWallSeconds: child.seconds,
    messages: { open: ours.result.openMessages, finished: ours.result.finishedMessages, evicted: ours.result.evictedMessages },
    kinds: ours.result.kinds,
  },
  summary: {
    seconds: summary.seconds,
    linesPerSecond: LINES / summary.seconds,
    cpuSeconds: summary.cpuSeconds,
    linesPerCpuSecond: LINES / summary.cpuSeconds,
    ratioToPflogsumm: anchor.seconds / summary.seconds,
    cpuRatioToPflogsumm: anchorCpuSeconds / summary.cpuSeconds,
    peakRssMiB: summary.maxRssKiB / 1024,
    processWallSeconds: summaryProcessSeconds,
    runsSeconds: summaryRuns.map((r) => r.report.seconds),
  },
  parse: {
    seconds: parse.seconds,
    linesPerSecond: LINES / parse.seconds,
    cpuSeconds: parse.cpuSeconds,
    ratioToPflogsumm: anchor.seconds / parse.seconds,
    peakRssMiB: parse.maxRssKiB / 1024,
    lines: parse.result.lines,
    unparsed: parse.result.unparsed,
  },
  measuredWith: 'children run an esbuild bundle of bench/logs-bench-pipeline.ts under plain node; CPU seconds from process.cpuUsage (user + system, all threads), peak RSS from process.resourceUsage().maxRSS',
  totals: { ours: ours.result.totals, summary: summary.result.totals, pflogsumm: exact, equal: sameTotals, grandTotalsTextEqual: sameBlock },
  goals: { linesPerSecond: 1_000_000, ratioToPflogsumm: 15, peakRssMiB: 200 },
}
const goalsMet = {
  linesPerSecond: report.summary.linesPerSecond >= report.goals.linesPerSecond,
  ratioToPflogsumm: report.summary.ratioToPflogsumm >= report.goals.ratioToPflogsumm,
  fasterThanLnav: lnav === null ? null : report.summary.linesPerSecond > lnav.linesPerSecond,
  peakRss: report.summary.peakRssMiB < report.goals.peakRssMiB,
  sameTotals: sameTotals && sameBlock,
}
Object.assign(report, { goalsMet })
writeFileSync(join(results, 'logs.json'), JSON.stringify(report, null, 2) + '\n')
console.log(JSON.stringify({
  pflogsumm: Math.round(report.pflogsumm.linesPerSecond), lnav: lnav && Math.round(lnav.linesPerSecond), ours: Math.round(report.ours.linesPerSecond),
  ratio: +report.ours.ratioToPflogsumm.toFixed(2), cpuRatio: +report.ours.cpuRatioToPflogsumm.toFixed(2),
  oursPerCpuSecond: Math.round(report.ours.linesPerCpuSecond), peakRssMiB: Math.round(report.ours.peakRssMiB),
  summary: Math.round(report.summary.linesPerSecond), summaryRatio: +report.summary.ratioToPflogsumm.toFixed(2), summaryCpuRatio: +report.summary.cpuRatioToPflogsumm.toFixed(2),
  summaryPerCpuSecond: Math.round(report.summary.linesPerCpuSecond), summaryPeakRssMiB: Math.round(report.summary.peakRssMiB),
  parse: Math.round(report.parse.linesPerSecond), parseRatio: +report.parse.ratioToPflogsumm.toFixed(2),
  totalsEqual: sameTotals && sameBlock, goalsMet,
}))
if (!sameTotals || !sameBlock) process.exitCode = 1
