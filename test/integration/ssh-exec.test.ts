import { beforeAll, describe, expect, it } from 'vitest'
import type { VpsServices } from './support/vps-services'
import { vpsServices } from './support/vps-services'

const hostile = [
  '',
  ' ',
  "'",
  `'"'"'`,
  "it's",
  '"double"',
  '$(touch /tmp/postdesk-remote-pwned)',
  '`touch /tmp/postdesk-remote-pwned`',
  '$HOME ${PATH} $((6*7))',
  'a;b && c || d | e & f',
  '>x <y 2>&1',
  'line1\nline2\n',
  '\r\n\t',
  '\\ \\\\ \\n',
  '* ? [a] {a,b} ~ ~root #x !x !!',
  '-n',
  '--',
  'A=b',
  'ü日本語🙂',
  '\x01\x1b[31m\x7f',
  "'; rm -rf / #",
  'x'.repeat(20_000) + "'".repeat(1000) + '$(x)'.repeat(1000),
]

let vps: VpsServices

beforeAll(async () => {
  vps = await vpsServices()
  await vps.services.connections.connect(vps.profile.id, { acceptFingerprint: vps.conn.hostKeySha256 })
})

describe('exec on the test mail server', () => {
  it('passes hostile argv through the remote shell byte-exactly', async () => {
    const r = await vps.services.connections.exec(vps.profile.id, ['printf', '%s\\0', ...hostile])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const got = r.stdout.split('\0')
    expect(got.pop()).toBe('')
    expect(got).toEqual(hostile)
    const check = await vps.services.connections.exec(vps.profile.id, ['sh', '-c', 'test -e /tmp/postdesk-remote-pwned && echo yes || echo no'])
    expect(check.stdout).toBe('no\n')
  })

  it('feeds stdin and closes it, and keeps UTF-8 intact across chunks', async () => {
    const text = ('日本語のメール ✉ ' + 'x'.repeat(997) + '\n').repeat(300) // ~330 KB: many SSH packets
    const r = await vps.services.connections.exec(vps.profile.id, ['cat'], { stdin: text })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(text)
    const empty = await vps.services.connections.exec(vps.profile.id, ['cat'])
    expect(empty).toEqual({ code: 0, stdout: '', stderr: '' })
  })

  it('returns non-zero exit codes and stderr without throwing', async () => {
    const r = await vps.services.connections.exec(vps.profile.id, ['sh', '-c', 'echo out; echo err >&2; exit 3'])
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' })
  })

  it('stops a command at its timeout, kills it on the server, and the connection stays usable', async () => {
    const marker = `${900 + Math.floor(Math.random() * 99)}.${Date.now() % 1000}`
    await expect(vps.services.connections.exec(vps.profile.id, ['sleep', marker], { timeoutMs: 700 })).rejects.toMatchObject({
      code: 'timeout',
      message: 'The remote command "sleep" did not finish within 700 ms; it was stopped.',
    })
    const left = await vps.services.connections.exec(vps.profile.id, ['sh', '-c', `pgrep -fx "sleep ${marker}" || echo none`])
    expect(left.stdout).toBe('none\n')
    expect((await vps.services.connections.exec(vps.profile.id, ['echo', 'still here'])).stdout).toBe('still here\n')
  })

  it('stops a command when its AbortSignal fires (cancelled)', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 300)
    // A child of a child: the whole process group goes, not just the top process.
    const script = 'sleep 888.25 & wait'
    await expect(vps.services.connections.exec(vps.profile.id, ['sh', '-c', script], { signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled', message: expect.stringContaining('stopped') })
    const left = await vps.services.connections.exec(vps.profile.id, ['sh', '-c', 'pgrep -fx "sleep 888.25" || echo none'])
    expect(left.stdout).toBe('none\n')
    await expect(vps.services.connections.exec(vps.profile.id, ['true'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' })
    // Aborted while the channel is still opening: the command starts anyway and must still be stopped.
    await expect(vps.services.connections.exec(vps.profile.id, ['sleep', '888.5'], { signal: AbortSignal.timeout(1) })).rejects.toMatchObject({ code: 'cancelled', message: expect.stringContaining('stopped') })
    expect((await vps.services.connections.exec(vps.profile.id, ['sh', '-c', 'pgrep -fx "sleep 888.5" || echo none'])).stdout).toBe('none\n')
  })

  it('runs several commands at once on one connection', async () => {
    const rs = await Promise.all(Array.from({ length: 6 }, (_, i) => vps.services.connections.exec(vps.profile.id, ['sh', '-c', `sleep 0.2; echo ${i}`])))
    expect(rs.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n'])
  })
})

describe('local source address', () => {
  for (const index of [1, 0]) {
    it(`connects from the profile's local address (client address #${index}) as the server sees it`, async () => {
      const { conn } = vps
      const from = conn.clientAddresses[index] ?? ''
      const v = await vpsServices({ localAddress: from, name: `from ${from}` })
      await v.services.connections.connect(v.profile.id, { acceptFingerprint: conn.hostKeySha256 })
      const r = await v.services.connections.exec(v.profile.id, ['sh', '-c', 'echo $SSH_CONNECTION'])
      expect(r.stdout.split(' ')[0]).toBe(from)
      expect(r.stdout.split(' ')[2]).toBe(conn.host)
      await v.services.connections.disconnect(v.profile.id)
    })
  }
})
