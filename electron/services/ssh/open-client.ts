// ssh2 is CommonJS: Node's ESM loader only offers its default export.
import ssh2 from 'ssh2'
import type { AuthenticationType, Client, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2'
import type { Duplex } from 'node:stream'
import type { AuthMethod } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import { connectError, type ConnectAttempt } from './connect-error'
import { keyTypeOfBlob, sha256Fingerprint } from './fingerprint'
import { checkHostKey, preferredHostKeyAlgorithms, DEFAULT_HOST_KEY_ALGORITHMS } from './host-key-check'
import { hostKeyMismatchError, hostKeyUnknownError } from './host-key-errors'
import type { KnownHostLine } from './known-hosts-format'
import { loadPrivateKey, passphraseMissing, type PrivateKey } from './private-key'

/** One SSH hop: a jump host or the server itself. */
export interface HopTarget {
  host: string
  port: number
  user: string
  keyPath?: string
  /** Tried in this order. */
  methods: AuthMethod[]
  /** Only for the first hop: the local address to connect from. */
  localAddress?: string
}

/** Where host keys are looked up and stored (the app's store plus the user's known_hosts). */
export interface HostKeyLookup {
  readonly path: string
  lookup(host: string, port: number): Promise<KnownHostLine[]>
  add(host: string, port: number, keyType: string, blob: Uint8Array): Promise<void>
}

export interface OpenOptions {
  knownHosts: HostKeyLookup
  /** Trust on first use: the fingerprint the user accepted; stored only for a hop that offers exactly it. */
  acceptFingerprint?: string
  readyTimeoutMs: number
  keepaliveIntervalMs: number
  keepaliveCountMax: number
  /** SSH_AUTH_SOCK (or 'pageant' on Windows); undefined when there is no agent. */
  agentPath?: string
  /** Secrets, asked for only when a method needs them. */
  passphraseFor(keyPath: string): Promise<string | undefined>
  password(): Promise<string | undefined>
  signal?: AbortSignal
  /** Told at once about each host key the user accepted and that was stored (even if a later hop fails). */
  onAccepted?: (k: AcceptedKey) => Promise<void>
}

export interface AcceptedKey {
  host: string
  port: number
  algorithm: string
  fingerprint: string
}

export interface OpenedClient {
  /** The connection to the server itself (the last hop). */
  client: Client
  /** Every connection of the chain, first jump host first; the last is `client`. */
  chain: Client[]
  hostKey: { algorithm: string; fingerprint: string }
  /** Host keys this connection stored because the user accepted them. */
  accepted: AcceptedKey[]
  /** The server's pre-login banner, if it sends one. */
  banner?: string
}

/**
 * Opens one authenticated ssh2 connection to the last hop, through the others (ProxyJump: each hop
 * is reached over a direct-tcpip channel of the previous one). Every hop's host key is verified the way
 * OpenSSH does: known -> continue; unknown -> refuse with the fingerprint unless the user accepted
 * exactly that one; different from the stored one -> refuse, never connect.
 */
export async function openChain(hops: readonly HopTarget[], o: OpenOptions): Promise<OpenedClient> {
  if (hops.length === 0) throw new AppError('invalid-input', 'Nothing to connect to.')
  const chain: Client[] = []
  const accepted: AcceptedKey[] = []
  try {
    let last: { client: Client; hostKey: { algorithm: string; fingerprint: string }; banner?: string } | undefined
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i] as HopTarget
      const prev = chain[chain.length - 1]
      const via = i > 0 ? `via ${hops.slice(0, i).map((h) => `${h.user}@${h.host}:${h.port}`).join(' -> ')}` : undefined
      const sock = prev ? await forwardTo(prev, hop, via ?? '', o.readyTimeoutMs) : undefined
      const opened = await openHop(hop, { ...o, ...(sock ? { sock } : {}), ...(via ? { via } : {}) })
      chain.push(opened.client)
      if (opened.accepted) {
        accepted.push(opened.accepted)
        await o.onAccepted?.(opened.accepted)
      }
      last = opened
    }
    if (!last) throw new AppError('internal', 'no hop opened')
    // When a jump host's connection dies, the tunnelled one dies with it.
    for (const c of chain.slice(0, -1)) c.on('close', () => last?.client.end())
    return { client: last.client, chain, hostKey: last.hostKey, accepted, ...(last.banner ? { banner: last.banner } : {}) }
  } catch (e) {
    for (const c of chain.reverse()) c.end()
    throw e
  }
}

/** A direct-tcpip channel from a jump host to the next hop, used as that hop's socket. */
function forwardTo(through: Client, hop: HopTarget, via: string, timeoutMs: number): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AppError('timeout', `Timed out after ${timeoutMs / 1000} s while the jump host (${via}) opened a connection to ${hop.host} port ${hop.port}.`, { host: hop.host, port: hop.port, phase: 'tcp' })), timeoutMs)
    try {
      through.forwardOut('127.0.0.1', 0, hop.host.replace(/^\[(.*)\]$/, '$1'), hop.port, (err, stream) => {
        clearTimeout(timer)
        if (!err) return resolve(stream)
        const reason = (err as Error & { reason?: number }).reason
        // RFC 4254 reason codes: 1 administratively prohibited, 2 connect failed, 3 unknown channel type, 4 resource shortage.
        const code = reason === 1 ? 'permission-denied' : reason === 2 ? 'unreachable' : 'disconnected'
        reject(new AppError(code, `The jump host (${via}) could not open a connection to ${hop.host} port ${hop.port}: ${err.message}.${reason === 1 ? ' Its sshd forbids TCP forwarding (AllowTcpForwarding).' : ''}`, { host: hop.host, port: hop.port, phase: 'tcp' }))
      })
    } catch (e) {
      clearTimeout(timer)
      reject(new AppError('disconnected', `The jump host (${via}) is no longer connected: ${e instanceof Error ? e.message : String(e)}`))
    }
  })
}

interface HopOptions extends OpenOptions {
  sock?: Duplex
  via?: string
}

interface OpenedHop {
  client: Client
  hostKey: { algorithm: string; fingerprint: string }
  accepted?: AcceptedKey
  banner?: string
}

async function openHop(t: HopTarget, o: HopOptions): Promise<OpenedHop> {
  if (o.signal?.aborted) throw new AppError('cancelled', `Connecting to ${t.host} was cancelled.`)
  const skipped: string[] = []
  let key: PrivateKey | undefined
  if (t.methods.includes('publickey')) {
    if (!t.keyPath) skipped.push('publickey (no key file in the profile)')
    else {
      const loaded = await loadPrivateKey(t.keyPath, () => o.passphraseFor(t.keyPath as string))
      if (loaded.ok) key = loaded.value
      else if (t.methods.length === 1) throw passphraseMissing(loaded.path)
      else skipped.push(`publickey (${loaded.path} needs a passphrase and none is stored)`)
    }
  }
  const password = t.methods.includes('password') || t.methods.includes('keyboard-interactive') ? await o.password() : undefined
  const methods: AuthMethod[] = []
  for (const m of t.methods) {
    if (m === 'publickey' && !key) continue
    if (m === 'agent' && !o.agentPath) {
      skipped.push('agent (no SSH_AUTH_SOCK)')
      continue
    }
    if ((m === 'password' || m === 'keyboard-interactive') && password === undefined) {
      skipped.push(`${m} (no password stored)`)
      continue
    }
    methods.push(m)
  }
  if (methods.length === 0) {
    throw new AppError('secret-missing', `No way to log in to ${t.host} port ${t.port} as ${t.user}: ${skipped.join(', ')}.`, { host: t.host, port: t.port, skipped })
  }

  const stored = await o.knownHosts.lookup(t.host, t.port)
  const preferred = preferredHostKeyAlgorithms(stored)
  const attempt: ConnectAttempt = {
    host: t.host,
    port: t.port,
    user: t.user,
    ...(key && t.keyPath ? { keyPath: t.keyPath, keyType: key.type } : {}),
    ...(t.localAddress ? { localAddress: t.localAddress } : {}),
    phase: 'tcp',
    readyTimeoutMs: o.readyTimeoutMs,
    triedMethods: [],
    skipped,
    ...(o.via ? { via: o.via } : {}),
  }

  return new Promise<OpenedHop>((resolve, reject) => {
    const client = new ssh2.Client()
    let offered: { type: string; blob: Buffer; fingerprint: string } | undefined
    let refusal: AppError | undefined
    let accepting = false
    let saving: Promise<void> = Promise.resolve()
    let banner: string | undefined
    let settled = false

    const onAbort = () => fail(new AppError('cancelled', `Connecting to ${t.host} port ${t.port} was cancelled.`, { host: t.host, port: t.port, phase: attempt.phase }))
    o.signal?.addEventListener('abort', onAbort, { once: true })
    const fail = (e: AppError) => {
      if (settled) return
      settled = true
      o.signal?.removeEventListener('abort', onAbort)
      client.end()
      reject(e)
    }

    client.on('connect', () => {
      attempt.phase = 'handshake'
    })
    if (o.sock) attempt.phase = 'handshake'
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
          o.signal?.removeEventListener('abort', onAbort)
          const hostKey = { algorithm: offered.type, fingerprint: offered.fingerprint }
          resolve({ client, hostKey, ...(accepting ? { accepted: { host: t.host, port: t.port, ...hostKey } } : {}), ...(banner ? { banner } : {}) })
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

    // The profile's methods, in its order, each once; the message can then say exactly what was tried.
    let next = 0
    const serverName = (m: AuthMethod) => (m === 'agent' ? 'publickey' : m)
    const authHandler = (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, done: (m: unknown) => void): void => {
      if (methodsLeft) attempt.serverMethods = [...methodsLeft]
      while (next < methods.length) {
        const m = methods[next++] as AuthMethod
        if (methodsLeft && !methodsLeft.includes(serverName(m) as AuthenticationType)) continue
        attempt.triedMethods.push(m)
        switch (m) {
          case 'publickey':
            return done({ type: 'publickey', username: t.user, key: key?.key })
          case 'agent':
            return done({ type: 'agent', username: t.user, agent: o.agentPath })
          case 'password':
            return done({ type: 'password', username: t.user, password })
          case 'keyboard-interactive':
            return done({
              type: 'keyboard-interactive',
              username: t.user,
              // PAM's usual single "Password:" prompt; any prompt gets the stored password.
              prompt: (_name: string, _instructions: string, _lang: string, prompts: unknown[], finish: (answers: string[]) => void) => finish(prompts.map(() => password ?? '')),
            })
        }
      }
      // ssh2 takes `false` for "no more methods" although its typings do not say so.
      done(false)
    }

    const config: ConnectConfig = {
      host: t.host.replace(/^\[(.*)\]$/, '$1'),
      port: t.port,
      username: t.user,
      readyTimeout: o.readyTimeoutMs,
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      hostVerifier,
      authHandler: authHandler as unknown as ConnectConfig['authHandler'],
      ...(o.sock ? { sock: o.sock } : {}),
      ...(t.localAddress && !o.sock ? { localAddress: t.localAddress } : {}),
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
