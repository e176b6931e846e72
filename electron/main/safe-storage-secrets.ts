import { safeStorage } from 'electron'
import { aesFileCipher, FILE_SECRETS } from '../services/secrets/aes-file-cipher'
import { CipherSecretStore } from '../services/secrets/cipher-secret-store'
import type { SecretCipher, SecretStore } from '../services/secrets/secret-store'

export const SAFE_STORAGE_SECRETS = 'secrets.safe-storage.json'

/**
 * The app's SecretStore: values sealed by Electron's safeStorage (macOS Keychain, Windows DPAPI,
 * libsecret/kwallet on Linux), in their own file next to the CLI's. On Linux without a keyring
 * safeStorage falls back to a hard-coded key ("basic_text"), which protects nothing: then the app uses
 * the same AES file store as the CLI (key file 0600, or POSTDESK_SECRET_PASSPHRASE) and says so.
 * Call after app.whenReady().
 */
export function appSecretStore(dataDir: string, env: NodeJS.ProcessEnv = process.env, log: (m: string) => void = console.warn): SecretStore {
  const cipher = safeStorageCipher()
  if (cipher) return new CipherSecretStore(dataDir, cipher, SAFE_STORAGE_SECRETS)
  log('postdesk: no OS keychain for safeStorage; secrets use the AES file store in the data directory')
  return new CipherSecretStore(dataDir, aesFileCipher(dataDir, env['POSTDESK_SECRET_PASSPHRASE'] || undefined), FILE_SECRETS)
}

function safeStorageCipher(): SecretCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined
  if (backend === 'basic_text' || backend === 'unknown') return undefined
  const where = backend ?? (process.platform === 'darwin' ? 'macOS Keychain' : process.platform === 'win32' ? 'Windows DPAPI' : 'OS keychain')
  return {
    id: 'electron-safestorage',
    protection: `Electron safeStorage (${where})`,
    // safeStorage seals strings; the slot name goes inside, checked on the way out (our AAD).
    async encrypt(plain, aad) {
      return safeStorage.encryptString(`${aad}\n${plain.toString('base64')}`)
    },
    async decrypt(sealed, aad) {
      const text = safeStorage.decryptString(sealed)
      const nl = text.indexOf('\n')
      if (nl === -1 || text.slice(0, nl) !== aad) throw new Error('sealed for another slot')
      return Buffer.from(text.slice(nl + 1), 'base64')
    },
  }
}
