// Live logs against the real test mail server: mail, a failed IMAP login and a rejected recipient
// appear parsed in the stream within a second; rotation (move + new file + HUP) is followed; a
// killed SSH link is resumed with no line lost or repeated.
import { execFileSync } from 'node:child_process'
import { appendFileSync, chmodSync, chownSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../electron/services/create-services'
import type { Services } from '../../electron/services/types'
import type { StreamLine } from '../../shared/contract/logs'
import { loadConnection } from './support/vps'
import { until } from './support/until'

const conn = loadConnection()
const LOG = '/var/log/mail.log'
const MAIN_SSHD_PIDFILE = '/run/postdesk-test-vps-sshd.pid'
const run = `pdlog${Date.now().toString(36)}`
let dataDir = ''
let services: Services
let serverId = ''
const got: StreamLine[] = []
const arrivals = new Map<number, number>() // seq -> ms received
const states: string[] = []
let followId = ''


const lagOf = (l: StreamLine) => (arrivals.get(l.seq) ?? Infinity) - (l.time ?? 0)

function swaks(to: string, marker: string): void {
  try {
    execFileSync('swaks', ['--server', `${conn.host}:25`, '--to', to, '--from', `tester@${run}.example.net`, '--header', `Subject: ${marker}`, '--header', `Message-Id: <${marker}@example.net>`, '--silent', '2'], { stdio: 'ignore', timeout: 20_000 })
  } catch {
    // a rejected recipient makes swaks exit non-zero: the log says what happened
  }
}

function failImapLogin(user: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(143, conn.host)
    let buf = ''
    let step = 0
    s.setEncoding('latin1')
    s.on('data', (d: string) => {
      buf += d
      if (step === 0 && buf.includes('* OK')) {
        step = 1
        s.write(`a1 LOGIN ${user} wrong-password\r\n`)
      } else if (step === 1 && /a1 (NO|BAD)/.test(buf)) {
        step = 2
        s.write('a2 LOGOUT\r\n')
      }
    })
    s.on('close', () => resolve())
    s.on('error', reject)
    s.setTimeout(15_000, () => s.destroy(new Error('imap timeout')))
  })
}

function sshdPidsOf(clientIp: string, clientPort: number): number[] {
  const out = execFileSync('ip', ['netns', 'exec', conn.namespace, 'ss', '-tnpH', 'state', 'established', 'src', `${conn.host}:${conn.port}`, 'dst', `${clientIp}:${clientPort}`], { encoding: 'utf8' })
  const main = Number(readFileSync(MAIN_SSHD_PIDFILE, 'utf8').trim())
  return [...new Set([...out.matchAll(/\("sshd[^"]*",pid=(\d+),/g)].map((m) => Number(m[1])))].filter((p) => p !== main && p > 1)
}

const hupRsyslog = () => execFileSync('sh', ['-c', 'kill -HUP $(cat /run/rsyslogd.pid)'])
const logger = (text: string) => execFileSync('logger', ['-p', 'mail.info', '-t', 'postdesk-test', text])

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'postdesk-logs-it-'))
  services = await createServices({
    dataDir,
    version: 'test',
    harness: false,
    emit: (name, payload) => {
      if (name === 'logs.state') states.push((payload as { state: string }).state)
    },
    env: { HOME: dataDir, USER: 'tester' },
    userKnownHostsPath: null,
    ssh: { reconnectInitialMs: 200, reconnectMaxMs: 1000 },
    logs: { retryMs: 200 },
  } as Parameters<typeof createServices>[0])
  const p = await services.profiles.add({ name: 'Logs VPS', host: conn.host, port: conn.port, user: conn.user, keyPath: conn.keyPath })
  serverId = p.id
  await services.connections.connect(serverId, { acceptFingerprint: conn.hostKeySha256 })
  await startFollow(50)
  await until('the backlog', () => got.length > 0)
})

async function startFollow(lines: number): Promise<void> {
  got.length = 0
  arrivals.clear()
  const h = await services.logs.follow(serverId, {
    lines,
    onLines: (ls) => {
      const now = Date.now()
      for (const l of ls) arrivals.set(l.seq, now)
      got.push(...ls)
    },
  })
  followId = h.followId
  expect(h.source).toEqual({ kind: 'file', path: LOG })
}

afterAll(async () => {
  await services?.logs.stopAll()
  await services?.connections.closeAll()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('following the test server mail log', () => {
  it('starts with the last lines of the log', () => {
    expect(got.length).toBeGreaterThan(0)
    expect(got.length).toBeLessThanOrEqual(50)
    expect(followId).toMatch(/^f\d+$/)
  })

  it('shows a delivered message, a failed IMAP login and a rejected unknown user parsed, each within a second', async () => {
    // The server is shared with other tests (some stop MariaDB for a while): send until Postfix takes it.
    let marker = ''
    let msgId: StreamLine | undefined
    for (let attempt = 0; attempt < 8 && !msgId; attempt++) {
      marker = `${run}-mail${attempt}`
      swaks('alice@example.test', marker)
      msgId = await until('the message-id line', () => got.find((l) => l.fields.messageId === `${marker}@example.net`), 4000).catch(() => undefined)
    }
    if (!msgId) throw new Error('Postfix did not accept a message for alice@example.test (is the test server healthy?)')
    const qid = msgId.queueId
    const sent = await until('the delivery', () => got.find((l) => l.queueId === qid && l.kind === 'delivered'), 10_000)
    expect(sent.fields).toMatchObject({ to: 'alice@example.test', status: 'sent' })
    expect(sent.format).toBe('rfc3339')

    await failImapLogin(`nobody-${run}@example.test`)
    const failed = await until('the failed IMAP login', () => got.find((l) => (l.kind === 'login_failed' || l.kind === 'auth_failed') && l.raw.includes(`nobody-${run}`)), 10_000)
    expect(failed.program).toMatch(/dovecot/)

    swaks(`unknown-${run}@example.test`, `${run}-rej`)
    const rejected = await until('the reject', () => got.find((l) => l.kind === 'rejected' && l.raw.includes(`unknown-${run}@example.test`)), 10_000)
    expect(rejected.fields.rejectCategory).toBe('unknown_user')

    for (const l of [msgId, sent, failed, rejected]) expect(lagOf(l), l.raw).toBeLessThan(1000)
  })

  it('keeps following across a rotation (move + new file + HUP), then back', async () => {
    const st = statSync(LOG)
    const rotated = `${LOG}.pdtest-${run}`
    logger(`${run} before-rotation`)
    await until('the line before rotation', () => got.find((l) => l.raw.includes(`${run} before-rotation`)))
    try {
      renameSync(LOG, rotated)
      writeFileSync(LOG, '')
      chownSync(LOG, st.uid, st.gid)
      chmodSync(LOG, st.mode & 0o777)
      logger(`${run} moved-not-reopened`) // still written to the moved file
      hupRsyslog()
      await new Promise((r) => setTimeout(r, 300))
      logger(`${run} after-rotation`)
      await until('both lines around the rotation', () => got.some((l) => l.raw.includes(`${run} moved-not-reopened`)) && got.find((l) => l.raw.includes(`${run} after-rotation`)), 8000)
    } finally {
      // Restore: the old file, with what the new one received appended, back under its name. To a
      // follower that is one more rotation, to a file holding old lines: start a fresh follow after it.
      await services.logs.stop(followId)
      const fresh = readFileSync(LOG)
      appendFileSync(rotated, fresh)
      renameSync(rotated, LOG)
      hupRsyslog()
      await new Promise((r) => setTimeout(r, 500)) // rsyslog reopens on its own time
    }
    const marks = got.filter((l) => l.raw.includes(`${run} `) && l.program === 'postdesk-test').map((l) => l.message)
    expect(marks).toEqual([`${run} before-rotation`, `${run} moved-not-reopened`, `${run} after-rotation`])
    await startFollow(20)
    logger(`${run} after-restore`)
    await until('the line after the restore', () => got.find((l) => l.raw.includes(`${run} after-restore`)), 8000)
  })

  it('resumes after the SSH link is killed: every line written during the outage exactly once', async () => {
    const sshConnection = (await services.connections.exec(serverId, ['sh', '-c', 'echo $SSH_CONNECTION'])).stdout.trim().split(/\s+/)
    const pids = sshdPidsOf(sshConnection[0] ?? '', Number(sshConnection[1]))
    expect(pids.length).toBeGreaterThan(0)
    for (let i = 0; i < 5; i++) logger(`${run} outage ${i}`)
    await until('lines before the kill', () => got.find((l) => l.raw.includes(`${run} outage 4`)))
    const before = states.length
    for (const p of pids) process.kill(p, 'SIGKILL')
    for (let i = 5; i < 40; i++) {
      logger(`${run} outage ${i}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    await until('the resume', () => states.slice(before).includes('resuming'), 8000)
    for (let i = 40; i < 45; i++) logger(`${run} outage ${i}`)
    await until('all outage lines', () => got.find((l) => l.raw.includes(`${run} outage 44`)), 20_000)
    const seen = got.filter((l) => l.program === 'postdesk-test' && l.message.startsWith(`${run} outage `)).map((l) => Number(l.message.split(' ').pop()))
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => i))
    // no line at all came twice
    const raws = got.map((l) => l.raw)
    expect(new Set(raws).size).toBe(raws.length)
  })

  it('goes on across a connection replaced on purpose (reconnect, as after a firewall change): resumed, never failed', async () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) logger(`${run} replaced ${round} ${i}`)
      await until(`lines before reconnect ${round}`, () => got.find((l) => l.raw.includes(`${run} replaced ${round} 2`)))
      const before = states.length
      await services.connections.reconnect(serverId)
      for (let i = 3; i < 6; i++) logger(`${run} replaced ${round} ${i}`)
      await until(`lines after reconnect ${round}`, () => got.find((l) => l.raw.includes(`${run} replaced ${round} 5`)), 20_000)
      const after = states.slice(before)
      expect(after).not.toContain('failed')
      expect(after).not.toContain('stopped')
      expect(after.at(-1)).toBe('following')
    }
    const seen = got.filter((l) => l.program === 'postdesk-test' && l.message.startsWith(`${run} replaced `)).map((l) => l.message.slice(`${run} replaced `.length))
    expect(seen).toEqual(Array.from({ length: 18 }, (_, k) => `${Math.floor(k / 6)} ${k % 6}`))
  })
})
