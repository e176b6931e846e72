// ssh2 is CommonJS: Node's ESM loader only offers its default export.
import ssh2 from 'ssh2'
import type { AuthenticationType, Client, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2'
import { AppError } from '../../../shared/errors'
import { connectError, type ConnectAttempt } from './connect-error'
import { keyTypeOfBlob, sha256Fingerprint } from './fingerprint'
import { checkHostKey, preferredHostKeyAlgorithms, DEFAULT_HOST_KEY_ALGORITHMS } from './host-key-check'
import { hostKeyMismatchError, hostKeyUnknownError } from './host-key-errors'
import type { KnownHostsStore } from './host-key-store'
import { loadPrivateKey } from './private-key'

export interface OpenTarget {
  host: string
  port: number
  user: string
  keyPath: string
  localAddress?: string
}

export interface OpenOptions {
  knownHosts: KnownHostsStore
  /** Trust on first use: the fingerprint the user accepted; stored only if the server offers exactly it. */
  acceptFingerprint?: string
  readyTimeoutMs: number
  keepaliveIntervalMs: number
  keepaliveCountMax: number
}

export interface OpenedClient {
  client: Client
  hostKey: { algorithm: string; fingerprint: string }
  /** True if this connection stored a newly accepted host key. */
  accepted: boolean
  /** The server's pre-login banner, if it sends one. */
  banner?: string
}

/**
 * Opens one authenticated ssh2 connection, verifying the host key against the app's known_hosts the
 * way OpenSSH does: known -> continue; unknown -> refuse with the fingerprint unless the user accepted
 * exactly that one; different from the stored one -> refuse, never connect.
 */
export async function openClient(t: OpenTarget, o: OpenOptions): Promise<OpenedClient> {
  const key = await loadPrivateKey(t.keyPath)
  const stored = await o.knownHosts.lookup(t.host, t.port)
  const preferred = preferredHostKeyAlgorithms(stored)
  const attempt: ConnectAttempt = {
    host: t.host,
    port: t.port,
    user: t.user,
    keyPath: t.keyPath,
    keyType: key.type,
    ...(t.localAddress ? { localAddress: t.localAddress } : {}),
    phase: 'tcp',
    readyTimeoutMs: o.readyTimeoutMs,
    triedMethods: [],
  }

  return new Promise<OpenedClient>((resolve, reject) => {
    const client = new ssh2.Client()
    let offered: { type: string; blob: Buffer; fingerprint: string } | undefined
    let refusal: AppError | undefined
    let accepting = false
    let saving: Promise<void> = Promise.resolve()
    let banner: string | undefined
    let settled = false

    const fail = (e: AppError) => {
      if (settled) return
      settled = true
      client.end()
      reject(e)
    }

    client.on('connect', () => {
      attempt.phase = 'handshake'
    })
    client.on('handshake', () => {
      if (attempt.phase !== 'handshake') return // a later re-key
      attempt.phase = 'auth'
      // Stored only now: ssh2 asks hostVerifier before checking the server's signature, and the key
      // must not be trusted until the server has proved it holds it (the handshake completed).
      if (accepting && offered) {
        const k = offered
        saving = o.knownHosts.add(t.host, t.port, k.type, k.blob)
        saving.catch(() => undefined) // reported on 'ready'
      }
    })
    client.on('banner', (message: string) => {
      banner = message.trim().slice(0, 2000) || undefined
    })
    client.on('ready', () => {
      saving.then(
        () => {
          if (settled || !offered) return
          settled = true
          resolve({ client, hostKey: { algorithm: offered.type, fingerprint: offered.fingerprint }, accepted: accepting, ...(banner ? { banner } : {}) })
        },
        (e: unknown) => fail(e instanceof AppError ? e : new AppError('io', `The host key was accepted but could not be stored: ${String(e)}`)),
      )
    })
    client.on('error', (e: Error) => fail(refusal ?? connectError(e, attempt)))
    client.on('close', () => fail(refusal ?? connectError(Object.assign(new Error('closed'), { code: 'ECONNRESET' }), attempt)))

    const hostVerifier = (blob: Buffer, verify: (valid: boolean) => void): void => {
      let type: string
      try {
        type = keyTypeOfBlob(blob)
      } catch {
        refusal = new AppError('disconnected', `${t.host} port ${t.port} sent a malformed host key.`)
        return verify(false)
      }
      const fingerprint = sha256Fingerprint(blob)
      offered = { type, blob: Buffer.from(blob), fingerprint }
      const offeredKey = { host: t.host, port: t.port, algorithm: type, fingerprint }
      const verdict = checkHostKey(stored, type, blob)
      if (verdict.kind === 'known') return verify(true)
      if (verdict.kind === 'mismatch') {
        refusal = hostKeyMismatchError(offeredKey, verdict.stored, o.knownHosts.path)
        return verify(false)
      }
      if (o.acceptFingerprint && o.acceptFingerprint === fingerprint) {
        accepting = true
        return verify(true)
      }
      refusal = hostKeyUnknownError(offeredKey, o.acceptFingerprint)
      verify(false)
    }

    // Only the profile's key is tried (no agent, no password): the message can then say exactly what was tried.
    let keyTried = false
    const authHandler = (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: (m: AuthenticationType) => void): void => {
      if (methodsLeft) attempt.serverMethods = [...methodsLeft]
      if (!keyTried) {
        keyTried = true
        attempt.triedMethods.push('publickey')
        return next('publickey')
      }
      // ssh2 takes `false` for "no more methods" although its typings do not say so.
      next(false as unknown as AuthenticationType)
    }

    const config: ConnectConfig = {
      host: t.host.replace(/^\[(.*)\]$/, '$1'),
      port: t.port,
      username: t.user,
      privateKey: key.data,
      readyTimeout: o.readyTimeoutMs,
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      hostVerifier,
      authHandler: authHandler as ConnectConfig['authHandler'],
      ...(t.localAddress ? { localAddress: t.localAddress } : {}),
      // Ask for the stored key types first so a known server presents a key we can check.
      ...(preferred.length ? { algorithms: { serverHostKey: orderHostKeyAlgorithms(preferred) } } : {}),
    }
    try {
      client.connect(config)
    } catch (e) {
      fail(new AppError('internal', `Cannot start an SSH connection to ${t.host} port ${t.port}: ${e instanceof Error ? e.message : String(e)}`))
    }
  })
}

function orderHostKeyAlgorithms(preferred: string[]): ServerHostKeyAlgorithm[] {
  return [...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))] as ServerHostKeyAlgorithm[]
}
