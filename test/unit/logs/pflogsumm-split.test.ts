// A log counted in two parts (a tail counter's queue id events replayed by the head's counter) gives
// exactly the totals of one pass: at every line of the small fixtures, at many points of larger logs
// (among them points inside a message's lifetime, and queue ids reused across the split), and
// through summariseLogFile's worker thread against pflogsumm itself.

import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatPflogsummTotals, PflogsummCounter, type PflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import { summariseLogFile, SPLIT_MIN_BYTES } from '../../../electron/services/logs/summarise-log'
import { generateMaillog } from '../../support/maillog-generator'
import { fixtureLogLines, fixtureLogText, logFixtureFiles } from '../../support/maillog-fixtures'
import { mutateLines } from '../../support/maillog-mutations'
import { grandTotalsBlock, pflogsummReport, pflogsummTotals, requirePflogsumm } from '../../support/pflogsumm-runner'

let dir = ''
beforeAll(() => {
  requirePflogsumm()
  dir = mkdtempSync(join(tmpdir(), 'postdesk-split-'))
})

/** The lines of text as byte ranges of one buffer (LF-separated; a last line without LF counts). */
function byteLines(text: string, encoding: BufferEncoding = 'utf8'): { buf: Uint8Array; at: [number, number][] } {
  const buf = new Uint8Array(Buffer.from(text, encoding))
  const at: [number, number][] = []
  let s = 0
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 10) {
      at.push([s, i])
      s = i + 1
    }
  }
  if (s < buf.length) at.push([s, buf.length])
  return { buf, at }
}

interface Counted {
  totals: PflogsummTotals
  lines: number
  postfixLines: number
}

function whole(l: ReturnType<typeof byteLines>): Counted {
  const c = new PflogsummCounter()
  for (const [s, e] of l.at) c.addBytes(l.buf, s, e)
  return { totals: c.totals(), lines: c.lines, postfixLines: c.postfixLines }
}

/** Lines [0, k) in one counter, [k, n) in a tail counter, merged (the tail passed through a structured clone, as from a worker). */
function split(l: ReturnType<typeof byteLines>, k: number): Counted {
  const head = new PflogsummCounter()
  const tail = new PflogsummCounter({ tail: true })
  l.at.forEach(([s, e], i) => (i < k ? head : tail).addBytes(l.buf, s, e))
  head.mergeTail(structuredClone(tail.exportTail()))
  return { totals: head.totals(), lines: head.lines, postfixLines: head.postfixLines }
}

/** Two independent counters with their totals added: what a merge without the replay would give (sets joined). */
function naiveSum(l: ReturnType<typeof byteLines>, k: number): PflogsummTotals {
  const a = new PflogsummCounter()
  const b = new PflogsummCounter()
  l.at.forEach(([s, e], i) => (i < k ? a : b).addBytes(l.buf, s, e))
  const ta = a.totals()
  const tb = b.totals()
  return Object.fromEntries(Object.keys(ta).map((key) => [key, ta[key as keyof PflogsummTotals] + tb[key as keyof PflogsummTotals]])) as PflogsummTotals
}

/** Split points: every line when there are few, else `n` spread evenly, plus `extra`. */
function points(count: number, n: number, extra: number[] = []): number[] {
  const all = count <= 400 ? Array.from({ length: count + 1 }, (_, i) => i) : Array.from({ length: n + 1 }, (_, i) => Math.round((i * count) / n))
  return [...new Set([...all, ...extra])].sort((a, b) => a - b)
}

/** Line indexes where a queue id's from=<…>, size= line is behind and one of its status= lines ahead. */
function insideLifetimes(l: ReturnType<typeof byteLines>, limit: number): number[] {
  const text = (i: number): string => Buffer.from(l.buf.subarray(l.at[i]![0], l.at[i]![1])).toString('latin1')
  const fromAt = new Map<string, number>()
  const out: number[] = []
  for (let i = 0; i < l.at.length && out.length < limit; i++) {
    const m = /: ([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}): (from=<|to=<.*status=(sent|deferred))/.exec(text(i))
    if (!m) continue
    if (m[2] === 'from=<') fromAt.set(m[1]!, i)
    else {
      const f = fromAt.get(m[1]!)
      // a point halfway between the message's from= line and this delivery
      if (f !== undefined && i - f >= 2) out.push(f + 1 + ((i - f) >> 1))
    }
  }
  return out
}

describe('a log counted in two parts', () => {
  it('gives the one-pass totals at every line of every fixture', () => {
    let checked = 0
    for (const rel of logFixtureFiles()) {
      const l = byteLines(fixtureLogText(rel))
      const one = whole(l)
      for (const k of points(l.at.length, 400)) {
        expect(split(l, k), `${rel} split before line ${k}`).toEqual(one)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(100)
  })

  it('gives the one-pass totals on the fixtures concatenated (queue ids reused across the split), and they are pflogsumm\'s', () => {
    const text = logFixtureFiles().map((rel) => fixtureLogText(rel)).join('')
    const l = byteLines(text)
    const one = whole(l)
    const file = join(dir, 'all-fixtures.log')
    writeFileSync(file, text)
    expect(one.totals).toEqual(pflogsummTotals(file))
    for (const k of points(l.at.length, 150, insideLifetimes(l, 50))) expect(split(l, k), `split before line ${k}`).toEqual(one)
  })

  it('gives the one-pass totals on a generated log split inside messages\' lifetimes, where a merge without the replay is wrong', () => {
    const text = generateMaillog(20_000, { seed: 2024, stamps: 'mixed' })
    const l = byteLines(text)
    const one = whole(l)
    const file = join(dir, 'generated-20k.log')
    writeFileSync(file, text)
    expect(one.totals).toEqual(pflogsummTotals(file))
    const inside = insideLifetimes(l, 40)
    expect(inside.length).toBe(40)
    let naiveWrong = 0
    for (const k of inside) {
      expect(split(l, k), `split before line ${k}`).toEqual(one)
      const naive = naiveSum(l, k)
      // adding the parts' totals double-counts or loses what a message's lines on both sides make
      if (naive['bytes delivered'] !== one.totals['bytes delivered'] || naive['bytes received'] !== one.totals['bytes received']) naiveWrong++
    }
    expect(naiveWrong).toBeGreaterThan(30)
    for (const k of points(l.at.length, 60)) expect(split(l, k), `split before line ${k}`).toEqual(one)
  }, 60_000)

  it('gives the one-pass totals on mutated lines (pflogsumm quirks, Latin-1 bytes)', () => {
    const seedLines = [
      ...logFixtureFiles().flatMap((rel) => fixtureLogLines(rel).map((x) => x.text)),
      ...generateMaillog(3000, { seed: 3 }).trimEnd().split('\n'),
    ].filter((x) => x.includes('postfix'))
    const l = byteLines(mutateLines(seedLines, 5000, 11).join('\n') + '\n', 'latin1')
    const one = whole(l)
    for (const k of points(l.at.length, 80, insideLifetimes(l, 20))) expect(split(l, k), `split before line ${k}`).toEqual(one)
  }, 60_000)

  it('a counter that is not a tail cannot export one, and a tail cannot take one', () => {
    expect(() => new PflogsummCounter().exportTail()).toThrow(/not a tail/)
    const tail = new PflogsummCounter({ tail: true })
    expect(() => tail.mergeTail(new PflogsummCounter({ tail: true }).exportTail())).toThrow(/tail counter/)
  })
})

describe('summariseLogFile in two parts (worker thread)', () => {
  async function expectParity(file: string, splitAt: number): Promise<void> {
    const ours = await summariseLogFile(file, { splitAt })
    expect(ours.parts).toBe(2)
    const one = await summariseLogFile(file, { splitAt: 0 })
    expect(one.parts).toBe(1)
    expect({ ...ours, parts: 1 }).toEqual(one)
    expect(ours.totals).toEqual(pflogsummTotals(file))
    expect(formatPflogsummTotals(ours.totals)).toBe(grandTotalsBlock(pflogsummReport(file)))
  }

  it('equals pflogsumm on a generated 100k-line log split at several points (inside lines too)', async () => {
    const file = join(dir, 'generated-100k.log')
    writeFileSync(file, generateMaillog(100_000, { seed: 100_000, stamps: 'mixed' }))
    const size = statSync(file).size
    for (const f of [0.13, 0.5, 0.77]) await expectParity(file, Math.floor(size * f))
  }, 120_000)

  it('equals pflogsumm on the fixtures concatenated, split in the middle', async () => {
    const file = join(dir, 'all-fixtures-2.log')
    writeFileSync(file, logFixtureFiles().map((rel) => fixtureLogText(rel)).join(''))
    await expectParity(file, Math.floor(statSync(file).size / 2))
  }, 60_000)

  it('counts a small file in one part, and a split point in its last line or past its end in one part too', async () => {
    const file = join(dir, 'small.log')
    const text = generateMaillog(2000, { seed: 9 })
    writeFileSync(file, text)
    expect(text.length).toBeLessThan(SPLIT_MIN_BYTES)
    const size = statSync(file).size
    expect((await summariseLogFile(file)).parts).toBe(1)
    expect((await summariseLogFile(file, { splitAt: size - 2 })).parts).toBe(1)
    expect((await summariseLogFile(file, { splitAt: size + 10 })).parts).toBe(1)
  })
})
