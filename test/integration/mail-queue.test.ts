import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VpsServices } from './support/vps-services'
import { vpsServices } from './support/vps-services'
import { QueueService } from '../../electron/services/system/queue-service'

// Mail to a .invalid domain cannot be resolved (the test server has smtp_dns_support_level=disabled
// and no such host): it defers at once, with no config change. Only our own sender's messages are touched.
const SENDER = `pd-queue-${process.pid}@example.test`
let vps: VpsServices
let id: string
const root = (argv: string[], stdin?: string) => vps.services.connections.exec(id, argv, { timeoutMs: 60_000, ...(stdin ? { stdin } : {}) })

interface JsonMessage {
  queue_name: string
  queue_id: string
  sender: string
  recipients: { address: string; delay_reason?: string }[]
}
async function serverQueue(): Promise<JsonMessage[]> {
  const r = await root(['postqueue', '-j'])
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonMessage).filter((m) => m.sender === SENDER)
}
async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 300))
  }
}
async function send(subjectHeader: string, rcpts: string[]): Promise<string> {
  const known = new Set((await serverQueue()).map((m) => m.queue_id))
  const msg = `${subjectHeader}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n44GT44KT44Gr44Gh44Gv\n`
  expect((await root(['sendmail', '-f', SENDER, ...rcpts], msg)).code).toBe(0)
  return until('the message to be deferred', async () => (await serverQueue()).find((m) => !known.has(m.queue_id) && m.queue_name === 'deferred')?.queue_id)
}

beforeAll(async () => {
  vps = await vpsServices()
  id = vps.profile.id
  await vps.services.connections.connect(id, { acceptFingerprint: vps.conn.hostKeySha256 })
})

afterAll(async () => {
  if (!vps) return
  const ids = (await serverQueue().catch(() => [])).map((m) => m.queue_id)
  if (ids.length) await root(['postsuper', ...ids.flatMap((q) => ['-d', q])]).catch(() => undefined)
})

describe('the mail queue of the test server', () => {
  it('lists a deferred message with its sender, recipients, size, age and delay reason (postqueue -j)', async () => {
    const qid = await send('Subject: =?UTF-8?B?44OG44K544OI?=', ['one@defer.invalid', 'two@other.invalid'])
    const l = await vps.services.queue.list(id)
    expect(l.source).toBe('json')
    const m = l.messages.find((x) => x.id === qid)!
    expect(m).toMatchObject({ queue: 'deferred', sender: SENDER, size: expect.any(Number) })
    expect(m.recipients).toEqual([
      { address: 'one@defer.invalid', reason: expect.stringMatching(/defer\.invalid/) },
      { address: 'two@other.invalid', reason: expect.stringMatching(/other\.invalid/) },
    ])
    expect(Date.now() - Date.parse(m.arrival)).toBeLessThan(120_000)
    expect(l.counts.deferred).toBeGreaterThanOrEqual(1)
    expect(l.counts.total).toBe(l.messages.length)

    const shown = await vps.services.queue.show(id, qid)
    expect(shown.headers.find((h) => h.name === 'Subject')?.value).toBe('テスト')
    expect(shown.parts[0]!.text).toBe('こんにちは')
    expect(shown.recipients).toEqual(['one@defer.invalid', 'two@other.invalid'])
  })

  it('holds, releases, requeues, flushes and deletes a message, each checked with postqueue -j on the server', async () => {
    const first = (await serverQueue()).find((m) => m.queue_name === 'deferred')?.queue_id ?? (await send('Subject: x', ['x@defer.invalid']))
    let qid = first
    const q = vps.services.queue
    const where = async () => (await serverQueue()).find((m) => m.queue_id === qid)?.queue_name

    expect(await q.act(id, 'hold', { ids: [qid] })).toMatchObject({ results: [{ id: qid, ok: true, message: 'placed on hold' }], count: 1 })
    expect(await where()).toBe('hold')
    expect((await q.list(id)).messages.find((m) => m.id === qid)?.queue).toBe('hold')

    expect(await q.act(id, 'release', { ids: [qid] })).toMatchObject({ results: [{ id: qid, ok: true, message: 'released from hold' }] })
    expect(await where()).not.toBe('hold')

    expect(await q.act(id, 'requeue', { ids: [qid] })).toMatchObject({ results: [{ id: qid, ok: true, message: 'requeued' }] })
    // Requeued through the maildrop queue: pickup gives it a new queue id.
    // (Postdesk wakes pickup after a requeue; without that it could take its 60 s scan.)
    qid = await until('the requeued message to defer again', async () => (await serverQueue()).find((m) => m.queue_id !== first && m.queue_name === 'deferred')?.queue_id, 15_000)

    expect(await q.act(id, 'flush', { ids: [qid] })).toMatchObject({ results: [{ id: qid, ok: true }] })
    await until('the flushed message to defer again', async () => (await where()) === 'deferred')

    expect(await q.act(id, 'delete', { ids: [qid] })).toMatchObject({ results: [{ id: qid, ok: true, message: 'removed' }], count: 1 })
    expect(await where()).toBeUndefined()
    // Reported per message: one that is gone is a failure of its own, not of the whole call.
    expect(await q.act(id, 'hold', { ids: [qid] })).toMatchObject({ results: [{ id: qid, ok: false }], count: 0 })
    await expect(q.show(id, qid)).rejects.toMatchObject({ code: 'not-found' })

    const journal = await vps.services.journal.list({ server: id, limit: 6 })
    expect(journal.map((e) => [e.area, e.action, e.target, e.result])).toEqual([
      ['queue', 'hold', qid, 'failed'],
      ['queue', 'delete', qid, 'ok'],
      ['queue', 'flush', qid, 'ok'],
      ['queue', 'requeue', first, 'ok'],
      ['queue', 'release', first, 'ok'],
      ['queue', 'hold', first, 'ok'],
    ])
  })

  it('lists the same queue from the text of postqueue -p, as on Postfix < 3.1 (CentOS 6), and flushes the whole queue', async () => {
    const qid = await send('Subject: text', ['text@defer.invalid'])
    const old = new QueueService({ execAsRoot: (sid, argv, o) => vps.services.connections.exec(sid, argv, o), journal: vps.services.journal, postfixVersion: async () => '2.6.6' })
    const [text, json] = await Promise.all([old.list(id), vps.services.queue.list(id)])
    expect(text.source).toBe('text')
    const pick = (l: typeof text) => l.messages.filter((m) => m.sender === SENDER).sort((a, b) => a.id.localeCompare(b.id))
    expect(pick(text)).toEqual(pick(json))
    expect(pick(text).find((m) => m.id === qid)?.recipients).toEqual([{ address: 'text@defer.invalid', reason: expect.stringMatching(/defer\.invalid/) }])
    expect(await vps.services.queue.act(id, 'flush', { all: true })).toMatchObject({ action: 'flush', results: [] })
    await until('the flushed message to defer again', async () => (await serverQueue()).find((m) => m.queue_id === qid)?.queue_name === 'deferred')
  })

  it('deletes all deferred mail (postsuper -d - deferred), reported per message: exactly the deferred messages go, held ones stay', async () => {
    // Three of ours deferred, one of ours on hold (must stay). Deferred mail of other test runs on this
    // shared server is put on hold first and released afterwards (back to deferred, same queue ids), so
    // "all deferred" is exactly ours and nobody else's message is lost.
    const mine = [await send('Subject: dd1', ['dd1@defer.invalid']), await send('Subject: dd2', ['dd2@defer.invalid']), await send('Subject: dd3', ['dd3@defer.invalid', 'dd3b@other.invalid'])]
    const kept = await send('Subject: kept', ['kept@defer.invalid'])
    expect((await root(['postsuper', '-h', kept])).code).toBe(0)
    const all = async () => (await root(['postqueue', '-j'])).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonMessage)
    const foreign = (await all()).filter((m) => m.queue_name === 'deferred' && !mine.includes(m.queue_id)).map((m) => m.queue_id)
    if (foreign.length) await root(['postsuper', ...foreign.flatMap((q) => ['-h', q])])
    try {
      const before = await all()
      expect(before.filter((m) => m.queue_name === 'deferred').map((m) => m.queue_id).sort()).toEqual([...mine].sort())
      const others = before.filter((m) => !mine.includes(m.queue_id)).map((m) => [m.queue_id, m.queue_name]).sort()

      const r = await vps.services.queue.act(id, 'delete', { allDeferred: true })
      expect(r.action).toBe('delete')
      expect(r.count).toBe(3)
      expect(r.results.map((x) => x.id).sort()).toEqual([...mine].sort())
      expect(r.results.every((x) => x.ok && x.message === 'removed')).toBe(true)

      const after = await all()
      expect(after.filter((m) => mine.includes(m.queue_id))).toEqual([])
      expect(after.filter((m) => m.queue_name === 'deferred')).toEqual([])
      // Everything that was not deferred is still there, in the same queue.
      expect(after.filter((m) => others.some(([q]) => q === m.queue_id)).map((m) => [m.queue_id, m.queue_name]).sort()).toEqual(others)
      expect(after.find((m) => m.queue_id === kept)?.queue_name).toBe('hold')
      expect((await vps.services.journal.list({ server: id, limit: 1 }))[0]).toMatchObject({ area: 'queue', action: 'delete', target: 'all deferred', result: 'ok' })
      // Nothing left to delete: a second run reports zero.
      expect(await vps.services.queue.act(id, 'delete', { allDeferred: true })).toMatchObject({ count: 0, results: [] })
    } finally {
      if (foreign.length) await root(['postsuper', ...foreign.flatMap((q) => ['-H', q])])
    }
    if (foreign.length) expect((await all()).filter((m) => foreign.includes(m.queue_id)).every((m) => m.queue_name !== 'hold')).toBe(true)
  })

  it('refuses anything but a queue id before it reaches a command line', async () => {
    for (const bad of ['ALL', '-d', '../etc', 'ABC DEF0123']) {
      await expect(vps.services.queue.act(id, 'delete', { ids: [bad] })).rejects.toMatchObject({ code: 'invalid-input' })
      await expect(vps.services.queue.show(id, bad)).rejects.toMatchObject({ code: 'invalid-input' })
    }
    await expect(vps.services.queue.act(id, 'hold', { all: true })).rejects.toMatchObject({ code: 'invalid-input' })
  })

  it('reads a certificate that expires in 10 days as a warning (openssl on the server)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-cert-'))
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '10', '-subj', '/CN=postdesk-test', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' })
      const path = `/tmp/postdesk-test-cert-${process.pid}.pem`
      // The login user is root on the test server.
      expect((await root(['sh', '-c', 'cat > "$1"', 'sh', path], readFileSync(join(dir, 'c.pem'), 'utf8'))).code).toBe(0)
      try {
        const c = await vps.services.dashboard.certificate(id, 'dovecot', path)
        expect(c).toMatchObject({ usedBy: 'dovecot', path, state: 'warning', error: null })
        expect(c.daysLeft).toBeGreaterThanOrEqual(9)
        expect(c.daysLeft).toBeLessThanOrEqual(10)
        expect(await vps.services.dashboard.certificate(id, 'postfix', '/nonexistent.pem')).toMatchObject({ state: 'error', error: expect.stringMatching(/nonexistent|No such file|Could not open/i) })
      } finally {
        await root(['rm', '-f', path])
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('shows the dashboard: services, queue, today in the log, disks, load, uptime, the snakeoil certificates', async () => {
    const d = await vps.services.dashboard.get(id)
    expect(d.problems).toEqual([])
    expect(d.services.services.find((s) => s.key === 'postfix')?.running).toBe(true)
    expect(d.queue).toMatchObject({ total: expect.any(Number) })
    expect(d.today).toMatchObject({ log: '/var/log/mail.log', delivered: expect.any(Number), authFailures: expect.any(Number) })
    expect(d.today!.lines).toBeGreaterThan(0)
    expect(d.disks.map((x) => x.path)).toEqual(['/home/mailuser/', '/var'])
    expect(d.load).toHaveLength(3)
    expect(d.uptimeSeconds).toBeGreaterThan(0)
    expect(d.certificates.map((c) => [c.usedBy, c.path, c.state])).toEqual([
      ['postfix', '/etc/ssl/certs/ssl-cert-snakeoil.pem', 'ok'],
      ['dovecot', '/etc/ssl/certs/ssl-cert-snakeoil.pem', 'ok'],
    ])
    expect(d.homeIp).toMatchObject({ state: 'not-set-up', entry: null, allowed: [], lastApply: null })
  })

  it("the home-IP tile compares the firewall's home entry with the address the server sees (nothing applied)", async () => {
    const seen = (await root(['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout.split(' ')[0]!
    const base = { backend: 'iptables' as const, confirmTimeoutSec: 60, blocked: [], persistPath: null }
    await vps.services.firewall.save(id, { ...base, entries: [{ name: 'home', ipv4: seen, access: ['tcp/993'], home: true, history: [] }] })
    expect((await vps.services.dashboard.get(id)).homeIp).toEqual({ state: 'in-sync', entry: 'home', allowed: [seen], seen, lastApply: null })
    await vps.services.firewall.save(id, { ...base, entries: [{ name: 'home', ipv4: '192.0.2.10', ipv6: '2001:db8::10', access: ['tcp/993'], home: true, history: [] }] })
    const d = await vps.services.dashboard.get(id)
    expect(d.homeIp).toEqual({ state: 'changed', entry: 'home', allowed: ['192.0.2.10', '2001:db8::10'], seen, lastApply: null })
    expect(d.problems).toEqual([])
    await vps.services.firewall.save(id, { ...base, entries: [] })
  })
})
