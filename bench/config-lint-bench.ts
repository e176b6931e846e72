// Offline lint of a whole config set, against the anchor measured in the same run: the server's own
// validators on the same files (`postconf -c DIR -n` + `doveconf -c FILE -n`, what a push runs before
// installing). Cases: the seed-sized set (the reference notes' main.cf + master.cf + dovecot.conf;
// target under 20 ms), and generated main.cf files of 1k/2k/5k lines to show linear growth.
// Run: `npx tsx bench/config-lint-bench.ts`; writes bench/results/config-lint.json.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ConfigFile } from '../shared/config/config-set'
import { lintConfigSet } from '../shared/config/lint-config-set'

const loadAtStart = loadavg()[0] ?? 0
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const round = (x: number, d = 2): number => Number(x.toFixed(d))
const seedDir = 'test/fixtures/configs/seed-centos6'
const seed: ConfigFile[] = [
  { path: '/etc/postfix/main.cf', text: readFileSync(join(seedDir, 'main.cf'), 'utf8') },
  { path: '/etc/postfix/master.cf', text: readFileSync(join(seedDir, 'master.cf'), 'utf8') },
  { path: '/etc/dovecot/dovecot.conf', text: readFileSync(join(seedDir, 'dovecot.conf'), 'utf8') },
]

function timeLint(files: ConfigFile[], runs: number): { firstMs: number; medianMs: number; minMs: number; findings: number } {
  const t0 = performance.now()
  const first = lintConfigSet({ files, postfixVersion: '3.7.11', dovecotVersion: '2.3.19.1' })
  const firstMs = performance.now() - t0
  for (let i = 0; i < Math.max(5, runs / 5); i++) lintConfigSet({ files, postfixVersion: '3.7.11', dovecotVersion: '2.3.19.1' }) // warm-up
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    lintConfigSet({ files, postfixVersion: '3.7.11', dovecotVersion: '2.3.19.1' })
    ms.push(performance.now() - t)
  }
  return { firstMs: round(firstMs), medianMs: round(median(ms), 3), minMs: round(Math.min(...ms), 3), findings: first.findings.length }
}

/**
 * A main.cf of `lines` lines the way big ones grow: blocks of one site's settings, each with comments,
 * a restriction class continued over several lines, networks and domains in user-defined parameters
 * that later lines refer to, and one misspelt parameter (so suggestions are part of the cost). The
 * findings per block are constant, so the work per line should be too.
 */
function generatedMainCf(lines: number): string {
  const head = ['compatibility_level = 3.6', 'myhostname = mail.example.com', 'mydomain = example.com']
  const classes: string[] = []
  const nets: string[] = []
  const body: string[] = []
  for (let k = 0; body.length + head.length + 8 < lines; k++) {
    classes.push(`site_${k}_checks`)
    nets.push(`$site_${k}_networks`)
    body.push(
      `# ---- site ${k} -------------------------------------------------`,
      `# Networks and domains of site ${k}; the restriction class is used by`,
      `# check_recipient_access tables that name it.`,
      `site_${k}_networks = 10.${k % 250}.0.0/16, [2001:db8:${(k % 65535).toString(16)}::]/48`,
      `site_${k}_domains = site${k}.example.com, lists.site${k}.example.com`,
      `site_${k}_checks = check_client_access hash:/etc/postfix/site_${k}_access,`,
      `    check_sender_access pcre:/etc/postfix/site_${k}_senders.pcre,`,
      `    reject_rbl_client zen.spamhaus.org,`,
      `    permit`,
      `site_${k}_relay_domain_list = $site_${k}_domains, $mydomain`,
      `site_${k}_maximal_queue_lifetim = 5d`,
      ``,
    )
  }
  const tail = [
    `smtpd_restriction_classes = ${classes.join(' ')}`,
    `mynetworks = 127.0.0.0/8 ${nets.join(' ')}`,
    `relay_domains = ${classes.map((c) => `$${c.replace('_checks', '_relay_domain_list')}`).join(' ')}`,
    'smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination',
  ]
  return [...head, ...body, ...tail].join('\n') + '\n'
}

// Anchor: the real tools on the same seed set (look-alike spaces replaced, as they cannot parse them).
function anchorMs(runs: number): { postconfMs: number; doveconfMs: number } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'pd-lint-bench-'))
  try {
    const clean = (t: string) => t.replace(/\u00a0/g, ' ')
    writeFileSync(join(dir, 'main.cf'), clean(seed[0]!.text))
    writeFileSync(join(dir, 'master.cf'), clean(seed[1]!.text))
    writeFileSync(join(dir, 'dovecot.conf'), clean(seed[2]!.text))
    const time = (cmd: string, args: string[]) => {
      const ms: number[] = []
      for (let i = 0; i < runs; i++) {
        const t = performance.now()
        const r = spawnSync(cmd, args, { encoding: 'utf8' })
        ms.push(performance.now() - t)
        if (r.error) throw r.error
      }
      return round(median(ms))
    }
    return { postconfMs: time('postconf', ['-c', dir, '-n']), doveconfMs: time('doveconf', ['-c', join(dir, 'dovecot.conf'), '-n']) }
  } catch {
    return undefined
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const anchor = anchorMs(10)
const seedResult = timeLint(seed, 200)
const sizes = [1000, 2000, 5000].map((n) => {
  const text = generatedMainCf(n)
  const r = timeLint([{ path: '/etc/postfix/main.cf', text }], n >= 5000 ? 20 : 40)
  const lines = text.split('\n').length - 1
  return { lines, bytes: text.length, ...r, msPer1kLines: round((r.medianMs / lines) * 1000, 3) }
})
const base = sizes[0] as (typeof sizes)[number]
const result = {
  node: process.version,
  loadAtStart: round(loadAtStart),
  seedSet: {
    files: seed.map((f) => f.path),
    lines: seed.reduce((a, f) => a + f.text.split('\n').length, 0),
    ...seedResult,
    targetMs: 20,
    withinTarget: seedResult.medianMs < 20,
  },
  anchor: anchor && {
    what: 'postconf -c DIR -n + doveconf -c FILE -n on the same set (process start included)',
    ...anchor,
    totalMs: round(anchor.postconfMs + anchor.doveconfMs),
    ratioOursToAnchor: round(seedResult.medianMs / (anchor.postconfMs + anchor.doveconfMs), 4),
  },
  mainCfGrowth: sizes.map((s) => ({
    ...s,
    ratioTo1k: round(s.medianMs / base.medianMs, 2),
    linesRatio: round(s.lines / base.lines, 2),
    /** Time per line against the 1k case's: 1 is linear growth, above 1 faster than linear. */
    perLineCostRatio: round(s.msPer1kLines / base.msPer1kLines, 2),
  })),
}
const largest = result.mainCfGrowth[result.mainCfGrowth.length - 1] as (typeof result.mainCfGrowth)[number]
/** Linear: the 5k-line main.cf costs no more than 1.25x per line what the 1k one does (noise on a shared 2-core machine). */
const linear = largest.perLineCostRatio <= 1.25
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/config-lint.json', JSON.stringify({ ...result, growthLinear: linear }, null, 2) + '\n')
console.log(
  `seed set (${result.seedSet.lines} lines, 3 files): median ${seedResult.medianMs} ms (first run ${seedResult.firstMs} ms), target < 20 ms: ${result.seedSet.withinTarget ? 'OK' : 'OVER'}`,
)
if (result.anchor) console.log(`anchor postconf -n + doveconf -n: ${result.anchor.totalMs} ms; ours is ${result.anchor.ratioOursToAnchor}x of it`)
for (const s of result.mainCfGrowth) console.log(`main.cf ${s.lines} lines: median ${s.medianMs} ms (${s.msPer1kLines} ms per 1k lines, ${s.ratioTo1k}x the 1k case for ${s.linesRatio}x the lines; per-line cost ${s.perLineCostRatio}x)`)
console.log(`growth ${linear ? 'linear' : 'FASTER THAN LINEAR'}: the ${largest.lines}-line main.cf costs ${largest.perLineCostRatio}x per line what the ${base.lines}-line one does`)
