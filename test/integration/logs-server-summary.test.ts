// logs.summary against the test mail server: the totals of a log read over SSH equal pflogsumm's of
// the same file, with progress up to its size; the IPC path reports progress events; a cancel stops the
// reader on the server and says the totals are partial (and a search, through the same runner, likewise);
// a log that cannot be read fails with the reason.
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SummaryProgress } from '../../electron/services/logs/server-summary'
import { generateMaillog } from '../support/maillog-generator'
import { pflogsummTotals, requirePflogsumm } from '../support/pflogsumm-runner'
import { until } from './support/until'
import { connectedVpsServices, type VpsServices } from './support/vps-services'

// the test server shares this machine's file system (only its network is its own)
const dir = `/var/tmp/postdesk-summary-${Date.now().toString(36)}`
let v: VpsServices

beforeAll(async () => {
  requirePflogsumm()
  mkdirSync(dir, { recursive: true })
  v = await connectedVpsServices()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Is a process whose command line contains `text` running? */
function running(text: string): boolean {
  try {
    execFileSync('pgrep', ['-f', text], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('summary of a log on the server', () => {
  it("equals pflogsumm's totals of the same file, with progress up to its size", async () => {
    const file = `${dir}/mail.log`
    writeFileSync(file, generateMaillog(200_000, { seed: 200, stamps: 'mixed' }))
    const size = statSync(file).size
    const progress: SummaryProgress[] = []
    const r = await v.services.logs.summary(v.profile.id, { choice: 'file', path: file, onProgress: (p) => progress.push(p) })
    expect(r.totals).toEqual(pflogsummTotals(file))
    expect([r.lines, r.bytes, r.cancelled, r.truncatedLines]).toEqual([200_000, size, false, 0])
    expect(r.source).toEqual({ kind: 'file', path: file })
    expect(progress.at(-1)).toEqual({ bytes: size, totalBytes: size, lines: 200_000 })
    // reported as it went: never backwards
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytes).toBeGreaterThanOrEqual(progress[i - 1]!.bytes)
  }, 120_000)

  it('through the IPC path: logs.summaryProgress events for its id, the source as the contract gives it', async () => {
    const file = `${dir}/ipc.log`
    writeFileSync(file, generateMaillog(20_000, { seed: 21 }))
    const before = v.events.length
    const r = await v.services.logs.summaryForRenderer(v.profile.id, 'sum-ipc', { choice: 'file', path: file })
    expect(r.totals).toEqual(pflogsummTotals(file))
    expect(r.source).toEqual({ kind: 'file', path: file })
    const events = v.events.slice(before).filter((e) => e.name === 'logs.summaryProgress').map((e) => e.payload as SummaryProgress & { summaryId: string })
    expect(events.length).toBeGreaterThan(0)
    expect(events.every((e) => e.summaryId === 'sum-ipc')).toBe(true)
    expect(events.at(-1)).toMatchObject({ bytes: statSync(file).size, lines: 20_000 })
  }, 60_000)

  it('a cancel stops the reader on the server; the result says the totals are partial', async () => {
    const file = `${dir}/big.log`
    const part = generateMaillog(200_000, { seed: 7 })
    writeFileSync(file, part)
    for (let i = 0; i < 11; i++) appendFileSync(file, part)
    const size = statSync(file).size
    const before = v.events.length
    const pending = v.services.logs.summaryForRenderer(v.profile.id, 'sum-cancel', { choice: 'file', path: file })
    await until('a first progress event', () => v.events.slice(before).some((e) => e.name === 'logs.summaryProgress' && (e.payload as { bytes: number }).bytes > 0), 30_000)
    expect(v.services.logs.cancelSummary('sum-cancel')).toBe(true)
    const r = await pending
    expect(r.cancelled).toBe(true)
    expect(r.bytes).toBeGreaterThan(0)
    expect(r.bytes).toBeLessThan(size)
    // no reader left behind on the server
    await until('the reader to stop on the server', () => !running(`cat -- ${file}`), 10_000)
    // and the id is free again
    expect(v.services.logs.cancelSummary('sum-cancel')).toBe(false)
  }, 120_000)

  it('a search of the same log is cancelled the same way (the runner both share)', async () => {
    const file = `${dir}/big.log`
    const before = v.events.length
    const pending = v.services.logs.searchForRenderer(v.profile.id, 'search-cancel', { text: 'postfix', maxLines: 1_000_000, choice: 'file', path: file })
    await until('a first batch of matches', () => v.events.slice(before).some((e) => e.name === 'logs.searchLines' && (e.payload as { searchId: string }).searchId === 'search-cancel'), 30_000)
    expect(v.services.logs.cancelSearch('search-cancel')).toBe(true)
    const r = await pending
    expect(r.cancelled).toBe(true)
    expect(r.limited).toBe(false)
    expect(r.matched).toBeGreaterThan(0)
    expect(r.matched).toBeLessThan(1_000_000)
    await until('the search to stop on the server', () => !running(file), 10_000)
    expect(v.services.logs.cancelSearch('search-cancel')).toBe(false)
  }, 120_000)

  it('a log the server cannot read fails with the reason', async () => {
    const file = `${dir}/gone.log`
    await expect(v.services.logs.summary(v.profile.id, { choice: 'file', path: file })).rejects.toThrow(file)
  })
})
