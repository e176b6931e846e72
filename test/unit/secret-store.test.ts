import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { aesFileCipher, FILE_SECRETS, SECRET_KEY_FILE } from '../../electron/services/secrets/aes-file-cipher'
import { CipherSecretStore } from '../../electron/services/secrets/cipher-secret-store'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()
const SECRET = 'hunter2 «パスワード» \'$(x)`'

describe('CipherSecretStore with the AES-256-GCM file cipher', () => {
  it('stores, lists kinds, reads back and deletes; the file holds no plaintext and both files are 0600', async () => {
    const dir = tempDir()
    const store = new CipherSecretStore(dir, aesFileCipher(dir), FILE_SECRETS)
    expect(await store.kinds('vps')).toEqual([])
    await store.set('vps', 'password', SECRET)
    await store.set('vps', 'sudo', 'sudo-secret')
    await store.set('other', 'passphrase', 'p')
    expect(await store.get('vps', 'password')).toBe(SECRET)
    expect(await store.kinds('vps')).toEqual(['password', 'sudo'])
    const text = readFileSync(join(dir, FILE_SECRETS), 'utf8')
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('sudo-secret')
    expect(statSync(join(dir, FILE_SECRETS)).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600)
    // A new store over the same directory (the next CLI run) reads them.
    expect(await new CipherSecretStore(dir, aesFileCipher(dir), FILE_SECRETS).get('vps', 'sudo')).toBe('sudo-secret')
    expect(await store.delete('vps', 'sudo')).toBe(1)
    expect(await store.delete('vps')).toBe(1)
    expect(await store.kinds('vps')).toEqual([])
    expect(await store.get('other', 'passphrase')).toBe('p')
  })

  it('binds each value to its slot: a value moved to another server or kind does not decrypt', async () => {
    const dir = tempDir()
    const store = new CipherSecretStore(dir, aesFileCipher(dir), FILE_SECRETS)
    await store.set('a', 'password', SECRET)
    const file = JSON.parse(readFileSync(join(dir, FILE_SECRETS), 'utf8'))
    file.entries['b/password'] = file.entries['a/password']
    writeFileSync(join(dir, FILE_SECRETS), JSON.stringify(file))
    const e = await store.get('b', 'password').catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'io' })
    expect(JSON.stringify(e)).not.toContain('hunter2')
  })

  it('with POSTDESK_SECRET_PASSPHRASE: derived key (scrypt); the wrong passphrase or the key file alone cannot decrypt', async () => {
    const dir = tempDir()
    await new CipherSecretStore(dir, aesFileCipher(dir, 'long passphrase'), FILE_SECRETS).set('vps', 'db', SECRET)
    expect(await new CipherSecretStore(dir, aesFileCipher(dir, 'long passphrase'), FILE_SECRETS).get('vps', 'db')).toBe(SECRET)
    await expect(new CipherSecretStore(dir, aesFileCipher(dir, 'other'), FILE_SECRETS).get('vps', 'db')).rejects.toMatchObject({ code: 'io' })
    await expect(new CipherSecretStore(dir, aesFileCipher(dir), FILE_SECRETS).get('vps', 'db')).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('aes-256-gcm+scrypt') })
  })

  it('creates nothing on disk until a secret is used', async () => {
    const dir = join(tempDir(), 'fresh')
    const store = new CipherSecretStore(dir, aesFileCipher(dir), FILE_SECRETS)
    expect(await store.kinds('x')).toEqual([])
    expect(() => statSync(dir)).toThrow()
  })

  it('refuses empty and oversized values', async () => {
    const dir = tempDir()
    const store = new CipherSecretStore(dir, aesFileCipher(dir), FILE_SECRETS)
    await expect(store.set('vps', 'password', '')).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(store.set('vps', 'password', 'x'.repeat(5000))).rejects.toMatchObject({ code: 'invalid-input' })
  })
})
