import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keyTypeOfBlob, sha256Fingerprint } from '../../electron/services/ssh/fingerprint'
import { loadPrivateKey } from '../../electron/services/ssh/private-key'
import type { AppError } from '../../shared/errors'
import { HostKeyFingerprint } from '../../shared/domain/server'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()

function keygen(dir: string, type: string, extra: string[] = []): string {
  const file = join(dir, `id_${type}`)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'postdesk test', '-f', file, ...extra])
  return file
}

describe('sha256Fingerprint', () => {
  for (const [type, extra] of [
    ['ed25519', []],
    ['ecdsa', ['-b', '384']],
    ['rsa', ['-b', '2048']],
  ] as const) {
    it(`matches ssh-keygen -lf for a ${type} key`, () => {
      const file = keygen(tempDir(), type, [...extra])
      const [keyType, b64] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)
      const blob = Buffer.from(b64 ?? '', 'base64')
      const openssh = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(/\s+/)[1]
      expect(sha256Fingerprint(blob)).toBe(openssh)
      expect(HostKeyFingerprint.safeParse(sha256Fingerprint(blob)).success).toBe(true)
      expect(keyTypeOfBlob(blob)).toBe(keyType)
    })
  }

  it('has no base64 padding and 43 characters after the prefix', () => {
    const fp = sha256Fingerprint(Buffer.from('anything'))
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
  })

  it('rejects blobs without a key type', () => {
    expect(() => keyTypeOfBlob(Buffer.from([0, 0]))).toThrow()
    expect(() => keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 1, 2]))).toThrow()
  })
})

describe('loadPrivateKey', () => {
  it('reads an OpenSSH private key and reports its type', async () => {
    const file = keygen(tempDir(), 'ed25519')
    expect(await loadPrivateKey(file)).toMatchObject({ ok: true, value: { type: 'ssh-ed25519', encrypted: false } })
  })

  it('reports a missing file as io, naming the path', async () => {
    const missing = join(tempDir(), 'nope')
    await expect(loadPrivateKey(missing)).rejects.toMatchObject({ code: 'io', message: expect.stringContaining(missing) })
  })

  it('reports a directory as io', async () => {
    await expect(loadPrivateKey(tempDir())).rejects.toMatchObject({ code: 'io' })
  })

  it('reports a public key given as the private key', async () => {
    const file = keygen(tempDir(), 'ed25519')
    await expect(loadPrivateKey(`${file}.pub`)).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('public key') })
  })

  it('opens a passphrase-protected key with its passphrase; says when none is stored; never shows it', async () => {
    const file = join(tempDir(), 'id_locked')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'hunter2-secret', '-f', file])
    expect(await loadPrivateKey(file)).toEqual({ ok: false, needsPassphrase: true, path: file })
    expect(await loadPrivateKey(file, async () => undefined)).toEqual({ ok: false, needsPassphrase: true, path: file })
    expect(await loadPrivateKey(file, async () => 'hunter2-secret')).toMatchObject({ ok: true, value: { type: 'ssh-ed25519', encrypted: true } })
    const e = (await loadPrivateKey(file, async () => 'hunter3-wrong').catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('auth-failed')
    expect(e.message).toContain(file)
    expect(JSON.stringify(e.toJSON())).not.toMatch(/hunter/)
  })

  it('reports garbage as io', async () => {
    const file = join(tempDir(), 'garbage')
    writeFileSync(file, 'not a key\n')
    await expect(loadPrivateKey(file)).rejects.toMatchObject({ code: 'io' })
  })
})
