import { execFileSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkHostKey, preferredHostKeyAlgorithms } from '../../electron/services/ssh/host-key-check'
import { KnownHostsStore } from '../../electron/services/ssh/host-key-store'
import { hostsFieldMatches, knownHostsName, parseKnownHosts } from '../../electron/services/ssh/known-hosts-format'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()

function newKey(dir: string, type = 'ed25519'): { type: string; blob: Buffer; line: string } {
  const file = join(dir, `k-${Math.random().toString(36).slice(2)}`)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file])
  const [t, b64] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)
  return { type: t ?? '', blob: Buffer.from(b64 ?? '', 'base64'), line: `${t} ${b64}` }
}

describe('known_hosts format', () => {
  it('names hosts like OpenSSH: bare on port 22, [host]:port otherwise, lowercase', () => {
    expect(knownHostsName('Mail.Example.COM', 22)).toBe('mail.example.com')
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222')
    expect(knownHostsName('[::1]', 22)).toBe('::1')
    expect(knownHostsName('::1', 2200)).toBe('[::1]:2200')
  })

  it('parses key lines with their line numbers and skips comments, blanks and markers', () => {
    const text = '# comment\n\nhost1 ssh-ed25519 AAAA\n@cert-authority *.example ssh-rsa BBBB\r\n[h2]:2222,h3 ecdsa-sha2-nistp256 CCCC comment here\nbroken-line\n'
    expect(parseKnownHosts(text)).toEqual([
      { lineNo: 3, hosts: 'host1', keyType: 'ssh-ed25519', keyBase64: 'AAAA' },
      { lineNo: 5, hosts: '[h2]:2222,h3', keyType: 'ecdsa-sha2-nistp256', keyBase64: 'CCCC' },
    ])
  })

  it('matches comma lists, wildcards and negations', () => {
    expect(hostsFieldMatches('a.example,b.example', 'B.example', 22)).toBe(true)
    expect(hostsFieldMatches('[a.example]:2222', 'a.example', 2222)).toBe(true)
    expect(hostsFieldMatches('a.example', 'a.example', 2222)).toBe(false)
    expect(hostsFieldMatches('*.example', 'mail.example', 22)).toBe(true)
    expect(hostsFieldMatches('*.example,!bad.example', 'bad.example', 22)).toBe(false)
    expect(hostsFieldMatches('mail?.example', 'mail1.example', 22)).toBe(true)
    expect(hostsFieldMatches('mail.example', 'mailxexample', 22)).toBe(false) // '.' is literal
  })

  it('matches hashed entries written by ssh-keygen -H', () => {
    const dir = tempDir()
    const file = join(dir, 'kh')
    const k = newKey(dir)
    writeFileSync(file, `[mail.example]:2222 ${k.line}\n`)
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' })
    const [line] = parseKnownHosts(readFileSync(file, 'utf8'))
    expect(line?.hosts.startsWith('|1|')).toBe(true)
    expect(hostsFieldMatches(line?.hosts ?? '', 'mail.example', 2222)).toBe(true)
    expect(hostsFieldMatches(line?.hosts ?? '', 'mail.example', 22)).toBe(false)
  })
})

describe('KnownHostsStore', () => {
  it('writes OpenSSH-readable lines (ssh-keygen -F finds them) in a 0600 file', async () => {
    const dir = tempDir()
    const store = new KnownHostsStore(dir)
    const k = newKey(dir)
    await store.add('127.0.0.1', 2222, k.type, k.blob)
    await store.add('mail.example', 22, k.type, k.blob)
    expect(readFileSync(store.path, 'utf8')).toBe(`[127.0.0.1]:2222 ${k.line}\nmail.example ${k.line}\n`)
    expect(statSync(store.path).mode & 0o777).toBe(0o600)
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', store.path], { encoding: 'utf8' })
    expect(found).toContain(k.line)
  })

  it('looks up by host and port, and removes only that host:port', async () => {
    const dir = tempDir()
    const store = new KnownHostsStore(dir)
    const a = newKey(dir)
    const b = newKey(dir, 'ecdsa')
    writeFileSync(store.path, `# kept comment\nother.example ${b.line}\n`)
    await store.add('Mail.Example', 2222, a.type, a.blob)
    await store.add('mail.example', 2222, b.type, b.blob)
    expect((await store.lookup('mail.example', 2222)).map((l) => l.keyType)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256'])
    expect(await store.lookup('mail.example', 22)).toEqual([])
    expect(await store.remove('mail.example', 2222)).toBe(2)
    expect(readFileSync(store.path, 'utf8')).toBe(`# kept comment\nother.example ${b.line}\n`)
    expect(await store.remove('mail.example', 2222)).toBe(0)
  })

  it('returns nothing (and creates nothing) when there is no file yet', async () => {
    const store = new KnownHostsStore(join(tempDir(), 'not-yet'))
    expect(await store.lookup('x', 22)).toEqual([])
    expect(await store.remove('x', 22)).toBe(0)
  })
})

describe('checkHostKey', () => {
  it('knows a stored key, refuses a different one of the same or another type, and is unknown otherwise', () => {
    const dir = tempDir()
    const a = newKey(dir)
    const b = newKey(dir)
    const c = newKey(dir, 'ecdsa')
    const stored = parseKnownHosts(`h ${a.line}\n`)
    expect(checkHostKey(stored, a.type, a.blob).kind).toBe('known')
    expect(checkHostKey(stored, b.type, b.blob)).toMatchObject({ kind: 'mismatch', stored: { lineNo: 1 } })
    expect(checkHostKey(stored, c.type, c.blob).kind).toBe('mismatch')
    expect(checkHostKey([], a.type, a.blob).kind).toBe('unknown')
  })

  it('prefers the stored key types when negotiating (RSA as its SHA-2 signature algorithms)', () => {
    const stored = parseKnownHosts('h ssh-rsa AAAA\nh ssh-ed25519 BBBB\nh sk-ssh-ed25519@openssh.com CCCC\n')
    expect(preferredHostKeyAlgorithms(stored)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519'])
  })
})
