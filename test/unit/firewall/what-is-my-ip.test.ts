import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { whatIsMyIp } from '../../../electron/services/firewall/what-is-my-ip'

// A local HTTPS server with a throwaway self-signed certificate stands in for a what-is-my-IP service.
let server: Server
let base = ''
let cert = ''
const dir = mkdtempSync(join(tmpdir(), 'pd-wimi-'))
let answer: { status: number; body: string } = { status: 200, body: '198.51.100.7\n' }

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' })
  cert = readFileSync(join(dir, 'c.pem'), 'utf8')
  server = createServer({ key: readFileSync(join(dir, 'k.pem')), cert }, (_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'text/plain' })
    res.end(answer.body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(() => {
  server.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('what-is-my-IP over HTTPS', () => {
  it('returns the address in the body (IPv4 and IPv6)', async () => {
    answer = { status: 200, body: '198.51.100.7\n' }
    expect(await whatIsMyIp(base, { ca: cert })).toBe('198.51.100.7')
    answer = { status: 200, body: ' 2001:db8::7 ' }
    expect(await whatIsMyIp(base, { ca: cert })).toBe('2001:db8::7')
  })
  it('fails clearly: not an address, HTTP error, untrusted certificate, unreachable, plain http', async () => {
    answer = { status: 200, body: '<html>hello</html>' }
    await expect(whatIsMyIp(base, { ca: cert })).rejects.toMatchObject({ code: 'remote-failed', message: expect.stringContaining('did not answer with an IP address') })
    answer = { status: 503, body: 'busy' }
    await expect(whatIsMyIp(base, { ca: cert })).rejects.toMatchObject({ code: 'remote-failed', message: expect.stringContaining('HTTP 503') })
    await expect(whatIsMyIp(base)).rejects.toMatchObject({ code: 'unreachable' })
    await expect(whatIsMyIp('https://127.0.0.1:1/', { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('Cannot reach') })
    await expect(whatIsMyIp('http://127.0.0.1/')).rejects.toMatchObject({ code: 'invalid-input' })
  })
})
