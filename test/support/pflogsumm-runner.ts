// Runs the installed pflogsumm (the anchor) and reads its "Grand Totals".

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PFLOGSUMM_LABELS, type PflogsummTotals } from '../../shared/logs/pflogsumm-counter'

export const PFLOGSUMM = '/usr/sbin/pflogsumm'

export function requirePflogsumm(): void {
  if (!existsSync(PFLOGSUMM)) throw new Error(`${PFLOGSUMM} is not installed (apt-get install pflogsumm): the summary tests compare against it`)
}

let exactCopy: string | null = null

/**
 * A copy of pflogsumm whose only change is the threshold above which it prints values in k/m units,
 * so that its Grand Totals come out as exact integers.
 */
function exactPflogsumm(): string {
  if (exactCopy !== null) return exactCopy
  const src = readFileSync(PFLOGSUMM, 'utf8')
  const patched = src
    .replace(/^\$divByOneKAt\s*=.*$/m, '$divByOneKAt   = 1e300;')
    .replace(/^\$divByOneMegAt\s*=.*$/m, '$divByOneMegAt = 1e300;')
  if (patched === src || !patched.includes('1e300;\n$divByOneMegAt')) throw new Error('pflogsumm unit thresholds not found')
  exactCopy = join(mkdtempSync(join(tmpdir(), 'pflogsumm-')), 'pflogsumm-exact')
  writeFileSync(exactCopy, patched)
  return exactCopy
}

/** pflogsumm's whole report on a file (C locale: Perl's \w and \s on bytes). */
export function pflogsummReport(file: string, exact = false, args: string[] = []): string {
  requirePflogsumm()
  return execFileSync('perl', [exact ? exactPflogsumm() : PFLOGSUMM, ...args, file], {
    env: { ...process.env, LC_ALL: 'C' },
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString('latin1')
}

/** The "Grand Totals" block as pflogsumm printed it. */
export function grandTotalsBlock(report: string): string {
  const start = report.indexOf('Grand Totals')
  const end = report.indexOf('recipient hosts/domains', start)
  if (start < 0 || end < 0) throw new Error('no Grand Totals in pflogsumm output')
  return report.slice(start, end + 'recipient hosts/domains'.length) + '\n'
}

/** pflogsumm's totals on a file, as exact integers. */
export function pflogsummTotals(file: string, args: string[] = []): PflogsummTotals {
  const block = grandTotalsBlock(pflogsummReport(file, true, args))
  const totals = {} as PflogsummTotals
  for (const label of PFLOGSUMM_LABELS) {
    if (label === 'deferrals') continue
    const re = new RegExp(`^ +(\\d+)([ km])  ${label.replace('/', '\\/')}( \\(|  \\(|$)`, 'm')
    const m = re.exec(block)
    if (!m) throw new Error(`pflogsumm printed no "${label}"`)
    if (m[2] !== ' ') throw new Error(`pflogsumm printed "${label}" in units ${m[2]}`)
    totals[label] = Number(m[1])
  }
  const d = / deferred {2}\((\d+)([ km]) deferrals\)/.exec(block)
  totals.deferrals = d ? Number(d[1]) : 0
  return totals
}
