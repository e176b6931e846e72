// Following and searching the mail log as a non-root login that may read it only through sudo
// (/var/log/mail.log is root:adm 0640 on the test server): `sudo -n` with a NOPASSWD rule, and
// `sudo -S` with the stored password written to sudo's prompt — never in argv (checked in the
// server's process list while following) and never in what the app logs or reports.

import { execFileSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { StreamLine } from '../../shared/contract/logs'
import { createTestUser, type TestUser } from './support/vps-admin'
import { vpsServices, type VpsServices } from './support/vps-services'
import { until } from './support/until'

const LOG = '/var/log/mail.log'
const run = `pdsudo${Date.now().toString(36)}`
const logger = (text: string) => execFileSync('logger', ['-p', 'mail.info', '-t', 'postdesk-test', text])
const users: TestUser[] = []
afterAll(() => {
  for (const u of users.splice(0)) u.remove()
})


/** Every argv on the machine (the test server shares it): the password must be in none. */
const allArgv = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })

interface Proc { pid: number; ppid: number; user: string; args: string }
function ps(): Proc[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,user:64=,args='], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s(.*)$/.exec(l)!
    return { pid: Number(m[1]), ppid: Number(m[2]), user: m[3]!, args: m[4]! }
  })
}

/** The processes of a user and all their descendants (sudo and what it runs belong to root). */
function processesUnder(user: string): Proc[] {
  const all = ps()
  const inTree = new Set(all.filter((p) => p.user === user).map((p) => p.pid))
  for (let grew = true; grew; ) {
    grew = false
    for (const p of all) {
      if (inTree.has(p.pid) || !inTree.has(p.ppid)) continue
      inTree.add(p.pid)
      grew = true
    }
  }
  return all.filter((p) => inTree.has(p.pid))
}

async function followAs(v: VpsServices, tag: string, password?: string) {
  await v.services.connections.connect(v.profile.id, { acceptFingerprint: v.conn.hostKeySha256 })
  // the login user itself may not read the log
  const direct = await v.services.connections.exec(v.profile.id, ['head', '-c', '1', LOG])
  expect(direct.code).not.toBe(0)
  const got: StreamLine[] = []
  const states: string[] = []
  const h = await v.services.logs.follow(v.profile.id, { lines: 5, onLines: (ls) => void got.push(...ls), onState: (s) => void states.push(s) })
  expect(h.source).toEqual({ kind: 'file', path: LOG })
  await until('following', () => states.includes('following'), 15_000)
  for (let i = 0; i < 5; i++) logger(`${run} ${tag} ${i}`)
  await until(`the ${tag} lines`, () => got.some((l) => l.raw.endsWith(`${run} ${tag} 4`)), 15_000)
  const seen = got.filter((l) => l.program === 'postdesk-test' && l.message.startsWith(`${run} ${tag} `)).map((l) => l.message)
  expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `${run} ${tag} ${i}`))
  if (password !== undefined) expect(allArgv()).not.toContain(password)
  // the loop runs as root on the server, under sudo, below the login user's shell
  const tree = processesUnder(v.profile.user)
  expect(tree.some((p) => p.user === 'root' && p.args.includes('postdesk-follow'))).toBe(true)
  // a search of the rotated files goes through sudo too
  const found: StreamLine[] = []
  const s = await v.services.logs.search(v.profile.id, { text: `${run} ${tag} 3`, onLines: (ls) => void found.push(...ls) })
  expect(s.cancelled).toBe(false)
  expect(found.map((l) => l.message)).toContain(`${run} ${tag} 3`)
  // stop() ends the root loop on the server (killed through sudo)
  await v.services.logs.stop(h.followId)
  const pids = new Set(tree.filter((p) => p.args.includes('postdesk-follow')).map((p) => p.pid))
  await until('the root loop gone', () => !ps().some((p) => pids.has(p.pid)), 5000)
  // nothing the app recorded carries the password
  if (password !== undefined) {
    expect(JSON.stringify(v.events)).not.toContain(password)
    expect(JSON.stringify(v.services.connections.events(v.profile.id))).not.toContain(password)
  }
  await v.services.connections.closeAll()
}

describe('following the mail log through sudo', () => {
  it('the log is readable by root only (what makes sudo necessary)', () => {
    expect(statSync(LOG).mode & 0o004).toBe(0)
  })

  it('sudo -n with a NOPASSWD rule: follows, searches and stops the root loop', async () => {
    const user = createTestUser({ password: `pw-${run}-n`, sudo: 'nopasswd' })
    users.push(user)
    const v = await vpsServices({ name: 'logs-sudo-n', profile: { user: user.name, sudo: 'sudo-n' } })
    await followAs(v, 'nopasswd')
  }, 90_000)

  it('sudo -S with the stored password (never in argv): follows, searches and stops the root loop', async () => {
    const password = `pw-${run}-"'$x S`
    const user = createTestUser({ password, sudo: 'password' })
    users.push(user)
    const v = await vpsServices({ name: 'logs-sudo-S', profile: { user: user.name, sudo: 'sudo-S' } })
    await v.services.secrets.set(v.profile.id, 'sudo', password)
    await followAs(v, 'password', password)
  }, 90_000)

  it('sudo -S with a wrong stored password: a clear error, nothing followed', async () => {
    const password = `pw-${run}-right`
    const user = createTestUser({ password, sudo: 'password' })
    users.push(user)
    const v = await vpsServices({ name: 'logs-sudo-wrong', profile: { user: user.name, sudo: 'sudo-S' } })
    await v.services.secrets.set(v.profile.id, 'sudo', 'not-the-password')
    await v.services.connections.connect(v.profile.id, { acceptFingerprint: v.conn.hostKeySha256 })
    await expect(v.services.logs.follow(v.profile.id, { lines: 5, onLines: () => undefined })).rejects.toMatchObject({ code: 'sudo-password-required' })
    await v.services.connections.closeAll()
  }, 90_000)

  it('sudo -n without a NOPASSWD rule: says to store the password and use sudo -S', async () => {
    const user = createTestUser({ password: `pw-${run}-nr`, sudo: 'password' })
    users.push(user)
    const v = await vpsServices({ name: 'logs-sudo-n-refused', profile: { user: user.name, sudo: 'sudo-n' } })
    await v.services.connections.connect(v.profile.id, { acceptFingerprint: v.conn.hostKeySha256 })
    const e = await v.services.logs.follow(v.profile.id, { lines: 5, onLines: () => undefined }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'sudo-password-required' })
    expect(String((e as Error).message)).toMatch(/sudo -S/)
    await v.services.connections.closeAll()
  }, 90_000)
})
