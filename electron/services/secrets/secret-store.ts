import type { SecretKind } from '../../../shared/domain/server'

/**
 * Where passphrases and passwords live: encrypted at rest, looked up by server id and kind. Values
 * never leave the main process except to the SSH layer (which feeds them to ssh2 or a remote stdin).
 */
export interface SecretStore {
  /** How the values are protected, for the settings page and docs (e.g. "Electron safeStorage (gnome_libsecret)"). */
  readonly protection: string
  get(serverId: string, kind: SecretKind): Promise<string | undefined>
  set(serverId: string, kind: SecretKind, value: string): Promise<void>
  /** Removes one kind, or every secret of the server when kind is omitted; returns how many. */
  delete(serverId: string, kind?: SecretKind): Promise<number>
  /** Which kinds are stored for the server (never their values). */
  kinds(serverId: string): Promise<SecretKind[]>
}

/** Encrypts and decrypts one secret; `aad` binds a value to its slot so entries cannot be swapped. */
export interface SecretCipher {
  /** Stored in the file so a store is never read with another cipher by mistake. */
  readonly id: string
  readonly protection: string
  encrypt(plain: Buffer, aad: string): Promise<Buffer>
  decrypt(sealed: Buffer, aad: string): Promise<Buffer>
}
