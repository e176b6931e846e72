import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FollowFrameReader, type FollowFrame } from '../../../electron/services/logs/follow-script'
import { LogFollower } from '../../../electron/services/logs/log-follower'
import type { StreamLine } from '../../../shared/contract/logs'
import { LocalTransport } from './local-stream'

const dirs: string[] = []
const followers: LogFollower[] = []
afterEach(async () => {
  await Promise.all(followers.splice(0).map((f) => f.stop()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tempLog(initial = ''): string {
  const d = mkdtempSync(join(tmpdir(), 'pd-follow-'))
  dirs.push(d)
  const p = join(d, 'mail.log')
  writeFileSync(p, initial)
  return p
}

const line = (n: number) => `2026-11-28T07:13:02.000000+00:00 mx postfix/smtpd[1${n % 1000}]: connect from unknown[192.0.2.${n % 250}] marker-${n}`

function follow(path: string, t: LocalTransport, lines = 10) {
  const got: StreamLine[] = []
  const states: string[] = []
  const f = new LogFollower(t, { serverId: 's', source: { kind: 'file', path }, lines, onLines: (l) => got.push(...l), onState: (s) => states.push(s), retryMs: 50, pollSeconds: 0.02, switchAfter: 5 })
  followers.push(f)
  f.start()
  return { f, got, states }
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

const markers = (got: StreamLine[]) => got.map((l) => Number(/marker-(\d+)/.exec(l.raw)?.[1] ?? -1))

describe('follow frames', () => {
  it('reads headers and payloads cut anywhere', () => {
    const frames: FollowFrame[] = []
    const r = new FollowFrameReader((f) => frames.push(f.type === 'data' ? { type: 'data', bytes: Buffer.from(f.bytes) } : f))
    const text = Buffer.from('S 10\nO 42 3\nD 5\nab\ncdH\nR\nO 43 0\nG resume file 42 is gone\n')
    for (const b of text) r.push(Buffer.from([b]))
    const data = Buffer.concat(frames.filter((f) => f.type === 'data').map((f) => (f as { bytes: Buffer }).bytes)).toString()
    expect(data).toBe('ab\ncd')
    expect(frames.filter((f) => f.type !== 'data')).toEqual([
      { type: 'start-size', size: 10 },
      { type: 'open', ino: '42', off: 3 },
      { type: 'heartbeat' },
      { type: 'rotated' },
      { type: 'open', ino: '43', off: 0 },
      { type: 'gap', reason: 'resume file 42 is gone' },
    ])
  })
  it('refuses a garbled stream instead of misreading it', () => {
    const r = new FollowFrameReader(() => undefined)
    expect(() => r.push(Buffer.from('hello world\n'))).toThrow(/unknown frame/)
  })
})

describe('LogFollower over the real sh loop', () => {
  it('starts with the last N lines, then follows appended lines (a partial line waits for its end)', async () => {
    const p = tempLog(Array.from({ length: 50 }, (_, i) => line(i) + '\n').join(''))
    const t = new LocalTransport()
    const { got } = follow(p, t, 10)
    await until(() => got.length >= 10)
    expect(markers(got)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49])
    appendFileSync(p, line(50) + '\n' + line(51).slice(0, 30))
    await until(() => got.length >= 11)
    appendFileSync(p, line(51).slice(30) + '\n')
    await until(() => got.length >= 12)
    expect(markers(got).slice(10)).toEqual([50, 51])
    expect(got[11]?.kind).toBe('connect')
    expect(got.map((l) => l.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
  })

  it('survives rotation (move + new file), reading what was written to the old file after the move', async () => {
    const p = tempLog(line(0) + '\n')
    const t = new LocalTransport()
    const { f, got } = follow(p, t, 10)
    await until(() => got.length >= 1)
    renameSync(p, p + '.1')
    appendFileSync(p + '.1', line(1) + '\n') // the writer has not reopened yet
    writeFileSync(p, '')
    await new Promise((r) => setTimeout(r, 50))
    appendFileSync(p + '.1', line(2) + '\n')
    appendFileSync(p, line(3) + '\n')
    await until(() => got.length >= 4)
    expect(markers(got)).toEqual([0, 1, 2, 3])
    expect(f.stats.rotations).toBe(1)
  })

  it('resumes after a lost link at the last complete line: nothing lost, nothing repeated', async () => {
    const p = tempLog(line(0) + '\n')
    const t = new LocalTransport()
    const { f, got, states } = follow(p, t, 10)
    await until(() => got.length >= 1)
    let n = 1
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20; i++) appendFileSync(p, line(n++) + '\n')
      appendFileSync(p, line(n).slice(0, 25)) // a partial line at the moment of the break
      t.state = 'reconnecting'
      t.dropAll()
      for (let i = 0; i < 3; i++) appendFileSync(p, i === 0 ? line(n++).slice(25) + '\n' : line(n++) + '\n')
      await new Promise((r) => setTimeout(r, 80))
      t.state = 'connected'
      await until(() => got.length >= n)
    }
    expect(markers(got)).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(f.stats.streams).toBeGreaterThanOrEqual(6)
    expect(states).toContain('resuming')
  })

  it('resumes in the rotated file when the log rotated while the link was down', async () => {
    const p = tempLog(line(0) + '\n' + line(1) + '\n')
    const t = new LocalTransport()
    const { got } = follow(p, t, 10)
    await until(() => got.length >= 2)
    t.state = 'reconnecting'
    t.dropAll()
    appendFileSync(p, line(2) + '\n')
    renameSync(p, p + '.1')
    writeFileSync(p, line(3) + '\n')
    t.state = 'connected'
    await until(() => got.length >= 4)
    expect(markers(got)).toEqual([0, 1, 2, 3])
  })

  it('reports a gap when the resume file is gone (rotated and compressed)', async () => {
    const p = tempLog(line(0) + '\n')
    const t = new LocalTransport()
    const { f, got } = follow(p, t, 10)
    await until(() => got.length >= 1)
    t.state = 'reconnecting'
    t.dropAll()
    renameSync(p, p + '.1.gz')
    writeFileSync(p, line(5) + '\n')
    t.state = 'connected'
    await until(() => got.length >= 2)
    expect(markers(got)).toEqual([0, 5])
    expect(f.stats.gaps).toBe(1)
  })
})
