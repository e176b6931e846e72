import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPostdesk } from '../unit/support/run-postdesk'
import type { VpsServices } from './support/vps-services'
import { vpsServices } from './support/vps-services'

// The configs workspace's server-side checks against the test server: the cert/key/CA files the local
// (edited) files name are looked up on the server, as root, in one round trip. Only the local
// workspace is edited: nothing on the server changes (no mail-config lock needed).
const MAIN = '/etc/postfix/main.cf'
const SSL_CONF = '/etc/dovecot/conf.d/10-ssl.conf'

let vps: VpsServices
let id: string

beforeAll(async () => {
  vps = await vpsServices({ name: 'tls-checks' })
  id = vps.profile.id
  await vps.services.connections.connect(id, { acceptFingerprint: vps.conn.hostKeySha256 })
  await vps.services.configs.pull(id)
}, 300_000)
afterAll(async () => {
  await vps?.services.connections.disconnect(id).catch(() => undefined)
})

/** Counts the commands the services run on the server during fn (the real connection, only observed). */
async function countingExecs<T>(fn: () => Promise<T>): Promise<{ value: T; execs: number }> {
  const c = vps.services.connections
  const real = c.execBytes.bind(c)
  let execs = 0
  c.execBytes = (...args) => {
    execs++
    return real(...args)
  }
  try {
    return { value: await fn(), execs }
  } finally {
    c.execBytes = real
  }
}

describe('config server checks (cert/key/CA files) against the test server', () => {
  it("the server's own TLS paths (main.cf, 10-ssl.conf) all exist: no finding, one round trip", async () => {
    const main = (await vps.services.configs.read(id, MAIN)).text
    expect(main).toMatch(/^smtpd_tls_cert_file\s*=\s*\/\S+/m)
    expect((await vps.services.configs.read(id, SSL_CONF)).text).toMatch(/^ssl_cert\s*=\s*</m)
    const { value, execs } = await countingExecs(() => vps.services.configs.serverChecks(id))
    expect(value).toEqual([])
    expect(execs).toBe(1)
  })

  it('a main.cf pointing smtpd_tls_cert_file at a missing file and ssl_key at a directory: error findings at the path, one round trip; the CLI reports them with --connect only', async () => {
    const main = (await vps.services.configs.read(id, MAIN)).text
    const missing = `/etc/ssl/certs/postdesk-missing-${randomBytes(4).toString('hex')}.pem`
    const edited = main.replace(/^(smtpd_tls_cert_file\s*=\s*)\S+.*$/m, `$1${missing}`)
    expect(edited).not.toBe(main)
    const lineNo = edited.split('\n').findIndex((l) => l.includes(missing)) + 1
    const column = (edited.split('\n')[lineNo - 1] as string).indexOf(missing) + 1
    await vps.services.configs.save(id, MAIN, edited)
    const ssl = (await vps.services.configs.read(id, SSL_CONF)).text
    const sslEdited = ssl.replace(/^(ssl_key\s*=\s*<)\S+/m, '$1/etc/ssl/private')
    await vps.services.configs.save(id, SSL_CONF, sslEdited)
    const sslLine = sslEdited.split('\n').findIndex((l) => /^ssl_key\s*=\s*<\/etc\/ssl\/private$/.test(l)) + 1
    try {
      const { value: findings, execs } = await countingExecs(() => vps.services.configs.serverChecks(id))
      expect(execs).toBe(1)
      expect(findings).toHaveLength(2)
      expect(findings.find((f) => f.file === MAIN)).toMatchObject({
        severity: 'error',
        code: 'config.tls-file-missing',
        line: lineNo,
        column,
        message: `smtpd_tls_cert_file: ${missing} does not exist on the server`,
        hint: expect.stringContaining('Fix the path'),
      })
      expect(findings.find((f) => f.file === SSL_CONF)).toMatchObject({ severity: 'error', code: 'config.tls-file-not-file', line: sslLine, column: 12 })
      const f = findings.find((x) => x.file === MAIN)
      expect(edited.slice(f?.from, f?.to)).toBe(missing)
      // The offline lint cannot know it.
      expect((await vps.services.configs.lint(id)).findings.filter((x) => x.code.startsWith('config.tls-file'))).toEqual([])

      // The CLI over the same data dir: offline lint says it did not check; --connect adds the findings and exits 1.
      const offline = await runPostdesk(vps.dataDir, ['config', 'lint', 'tls-checks'])
      expect(offline.stdout).toContain('not checked on the server (offline): add --connect')
      expect(offline.stdout).not.toContain(missing)
      const online = await runPostdesk(vps.dataDir, ['config', 'lint', 'tls-checks', '--connect'], { timeoutMs: 60_000 })
      expect(online.code, online.stderr).toBe(1)
      expect(online.stdout).toContain(`${MAIN}:${lineNo}:${column}: error: smtpd_tls_cert_file: ${missing} does not exist on the server [config.tls-file-missing]`)
      expect(online.stdout).toContain('Cert/key/CA files checked on the server.')
      const json = JSON.parse((await runPostdesk(vps.dataDir, ['config', 'lint', 'tls-checks', '--connect', '--json'], { timeoutMs: 60_000 })).stdout)
      expect(json.serverChecked).toBe(true)
      expect(json.findings.filter((x: { code: string }) => x.code.startsWith('config.tls-file')).map((x: { file: string; line: number }) => [x.file, x.line])).toEqual([
        [SSL_CONF, sslLine],
        [MAIN, lineNo],
      ])
    } finally {
      await vps.services.configs.revert(id, MAIN)
      await vps.services.configs.revert(id, SSL_CONF)
    }
    expect(await vps.services.configs.serverChecks(id)).toEqual([])
    // The server was only read.
    expect(readFileSync(MAIN, 'utf8')).not.toContain(missing)
  }, 180_000)

  it('offline the check is not possible: it fails with not-connected (the editor then shows no server findings)', async () => {
    await vps.services.connections.disconnect(id)
    await expect(vps.services.configs.serverChecks(id)).rejects.toMatchObject({ code: 'not-connected' })
  })
})
