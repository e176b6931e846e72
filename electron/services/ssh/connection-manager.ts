import { AppError, toErrorShape, type ErrorCode } from '../../../shared/errors'
import { effectiveAuthMethods, type ConnectionEvent, type ConnectionState, type ConnectionStatus, type ServerProfile } from '../../../shared/domain/server'
import type { ClientChannel } from 'ssh2'
import type { ActivityJournal, ConnectionManager, EmitEvent, ExecOptions, ExecResult, ProfileStore } from '../types'
import type { SecretStore } from '../secrets/secret-store'
import type { KnownHostsStore } from './host-key-store'
import { knownHostsName } from './known-hosts-format'
import { openChain, type HopTarget } from './open-client'
import type { OpenStreamOptions, StreamTarget } from './open-stream'
import { readRemoteFile, writeRemoteFileAtomic, type FileCommandRunner, type RemoteWriteOptions, type RemoteWriteResult } from './remote-files'
import type { ExecBytesResult } from './run-command'
import { rootCommand } from './root-command'
import { Session } from './session'
import type { StreamHandlers, StreamingExec } from './stream-command'
import { shellQuote } from './shell-quote'

export interface ConnectionManagerOptions {
  profiles: ProfileStore
  knownHosts: KnownHostsStore
  journal: ActivityJournal
  emit: EmitEvent
  secrets: SecretStore
  /** SSH_AUTH_SOCK, or 'pageant' on Windows; undefined: no agent. */
  agentPath?: string
  readyTimeoutMs?: number
  keepaliveIntervalMs?: number
  keepaliveCountMax?: number
  /** Backoff of automatic reconnects: first delay, then doubled up to the maximum. */
  reconnectInitialMs?: number
  reconnectMaxMs?: number
  /** How long an exec issued while reconnecting waits for the connection to come back. */
  waitForReconnectMs?: number
}

interface ServerEntry {
  state: ConnectionState
  reason?: string
  retryInSec?: number
  session?: Session
  opening?: Promise<ConnectionStatus>
  /** The user wants this server connected: a lost connection is reopened by itself. */
  wanted: boolean
  retryTimer?: NodeJS.Timeout
  /** Reconnect attempts since the last successful connection. */
  failures: number
  abort?: AbortController
  events: ConnectionEvent[]
  /** Resolvers waiting for the next 'connected' or 'offline'. */
  waiters: Set<() => void>
}

const EVENT_LOG_SIZE = 200
// Failures that another try will not fix: wait for the user instead of retrying.
const FATAL: readonly ErrorCode[] = ['host-key-unknown', 'host-key-mismatch', 'auth-failed', 'secret-missing', 'not-found', 'invalid-input', 'io', 'unsupported', 'cancelled', 'permission-denied']

/**
 * One SSH connection per server profile (through its jump hosts), with keepalive, automatic reconnect
 * with backoff after a lost link, its state published as `servers.connectionState`, and a log of
 * connection events per server (in memory).
 */
export class SshConnectionManager implements ConnectionManager {
  private readonly entries = new Map<string, ServerEntry>()
  private generation = 0
  private readonly readyTimeoutMs: number
  private readonly keepaliveIntervalMs: number
  private readonly keepaliveCountMax: number
  private readonly reconnectInitialMs: number
  private readonly reconnectMaxMs: number
  private readonly waitForReconnectMs: number

  constructor(private readonly o: ConnectionManagerOptions) {
    this.readyTimeoutMs = o.readyTimeoutMs ?? 10_000
    // A dead link (no answer to keepalives) is noticed within interval x (countMax + 1): 9 s.
    this.keepaliveIntervalMs = o.keepaliveIntervalMs ?? 3_000
    this.keepaliveCountMax = o.keepaliveCountMax ?? 2
    this.reconnectInitialMs = o.reconnectInitialMs ?? 1_000
    this.reconnectMaxMs = o.reconnectMaxMs ?? 30_000
    this.waitForReconnectMs = o.waitForReconnectMs ?? 10_000
  }

  async connect(serverId: string, opts: { acceptFingerprint?: string; signal?: AbortSignal } = {}): Promise<ConnectionStatus> {
    const profile = await this.o.profiles.get(serverId)
    const entry = this.entry(profile.id)
    entry.wanted = true
    if (entry.session?.isOpen) return this.status(profile.id)
    this.clearRetry(entry)
    // A second connect while one is under way waits for that one instead of opening another.
    entry.opening ??= this.open(profile, entry, opts, 'connecting').finally(() => {
      entry.opening = undefined
    })
    return entry.opening
  }

  /** Drops the current connection (if any) and opens a new one now: the UI's reconnect button. */
  async reconnect(serverId: string): Promise<ConnectionStatus> {
    const profile = await this.o.profiles.get(serverId)
    const entry = this.entry(profile.id)
    if (entry.opening) return entry.opening
    const session = entry.session
    if (session) {
      entry.session = undefined
      this.log(entry, 'offline', 'Reconnect requested: closing the current connection.')
      await session.close()
    }
    return this.connect(profile.id)
  }

  async disconnect(serverId: string): Promise<ConnectionStatus> {
    const id = await this.resolveId(serverId)
    const entry = this.entries.get(id)
    if (!entry) return this.status(id)
    entry.wanted = false
    this.clearRetry(entry)
    entry.abort?.abort()
    if (entry.opening) await entry.opening.catch(() => undefined)
    const session = entry.session
    if (session) {
      entry.session = undefined
      await session.close()
    }
    if (session || entry.state !== 'offline') this.setState(id, entry, 'offline', 'Disconnected.')
    return this.status(id)
  }

  status(serverId: string): ConnectionStatus {
    const entry = this.entries.get(serverId)
    const status: ConnectionStatus = { serverId, state: entry?.state ?? 'offline' }
    if (entry?.reason) status.reason = entry.reason
    if (entry?.retryInSec !== undefined && entry.state === 'reconnecting') status.retryInSec = entry.retryInSec
    if (entry?.session?.isOpen) {
      status.hostKey = entry.session.hostKey
      if (entry.session.banner) status.serverBanner = entry.session.banner
    }
    return status
  }

  /** The connection events of a server, oldest first (at most the last 200). */
  events(serverId: string): ConnectionEvent[] {
    return [...(this.entries.get(serverId)?.events ?? [])]
  }

  /** The current connection's generation, or undefined when not connected (facts are cached by it). */
  generationOf(serverId: string): number | undefined {
    const s = this.entries.get(serverId)?.session
    return s?.isOpen ? s.generation : undefined
  }

  async exec(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult> {
    const command = shellQuote(argv)
    const session = await this.sessionOf(serverId, opts?.signal)
    // The label names the program only: arguments may carry data that does not belong in messages.
    return session.exec(command, `The remote command "${argv[0]}"`, opts)
  }

  /** Runs argv with its stdout delivered as it arrives (log following and search); stop() kills it on the server. */
  async execStream(serverId: string, argv: string[], handlers: StreamHandlers, opts?: { signal?: AbortSignal }): Promise<StreamingExec> {
    const session = this.entries.get(serverId)?.session
    if (!session?.isOpen) throw new AppError('not-connected', `Not connected to server "${serverId}". Connect to it first.`, { server: serverId })
    return session.execStream(shellQuote(argv), `The remote command "${argv[0]}"`, handlers, opts)
  }

  /** execStream as root the profile's way (see execAsRoot): following and searching a log only root may read. */
  async execStreamAsRoot(serverId: string, argv: string[], handlers: StreamHandlers, opts?: { signal?: AbortSignal }): Promise<StreamingExec> {
    const profile = await this.o.profiles.get(serverId)
    const mode = profile.sudo ?? 'none'
    const session = this.entries.get(profile.id)?.session
    if (!session?.isOpen) throw new AppError('not-connected', `Not connected to server "${serverId}". Connect to it first.`, { server: serverId })
    const password = mode === 'sudo-S' ? await this.o.secrets.get(profile.id, 'sudo') : undefined
    const { command, gate } = rootCommand(mode, argv, profile.user, password)
    return session.execStream(command, `The remote command "${argv[0]}"`, handlers, opts, gate)
  }

  /** Runs argv as root the profile's way (login as root, `sudo -n`, or `sudo -S` with the stored password on stdin). */
  async execAsRoot(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult> {
    const profile = await this.o.profiles.get(serverId)
    const mode = profile.sudo ?? 'none'
    const password = mode === 'sudo-S' ? await this.o.secrets.get(profile.id, 'sudo') : undefined
    const { command, gate } = rootCommand(mode, argv, profile.user, password)
    const session = await this.sessionOf(profile.id, opts?.signal)
    return session.exec(command, `The remote command "${argv[0]}"`, opts, gate)
  }

  /** A file's bytes over SFTP; as root (through the profile's sudo) when the login user may not read it. */
  async readFile(serverId: string, path: string | Uint8Array, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Buffer> {
    const profile = await this.o.profiles.get(serverId)
    const session = await this.sessionOf(profile.id, opts.signal)
    return readRemoteFile(session, path, { ...opts, ...this.fileRunner(profile, session) })
  }

  /** Replaces a file atomically (old or new content, never a mix), keeping its owner and mode; see remote-files.ts. */
  async writeFile(serverId: string, path: string | Uint8Array, data: string | Uint8Array, opts: RemoteWriteOptions = {}): Promise<RemoteWriteResult> {
    const profile = await this.o.profiles.get(serverId)
    const session = await this.sessionOf(profile.id, opts.signal)
    return writeRemoteFileAtomic(session, path, typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data), { ...opts, ...this.fileRunner(profile, session) })
  }

  /** Like exec, for arguments that may be raw bytes (non-UTF-8 names); the streams come back as bytes. */
  async execBytes(serverId: string, argv: (string | Uint8Array)[], opts?: ExecOptions & { asRoot?: boolean }): Promise<ExecBytesResult> {
    const profile = await this.o.profiles.get(serverId)
    const session = await this.sessionOf(profile.id, opts?.signal)
    return this.fileRunner(profile, session).run(argv, {
      asRoot: opts?.asRoot === true,
      ...(opts?.stdin !== undefined ? { stdin: Buffer.from(opts.stdin) } : {}),
      ...(opts?.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts?.signal ? { signal: opts.signal } : {}),
    })
  }

  /** A forwarded channel (like one `ssh -L` connection, without a local port) to a TCP port or unix socket on the server. */
  async openStream(serverId: string, target: StreamTarget, opts?: OpenStreamOptions): Promise<ClientChannel> {
    const session = this.entries.get(serverId)?.session
    if (!session?.isOpen) throw new AppError('not-connected', `Not connected to server "${serverId}". Connect to it first.`, { server: serverId })
    return session.openStream(target, opts)
  }

  async forgetHostKey(serverId: string): Promise<{ removed: number }> {
    const profile = await this.o.profiles.get(serverId)
    let removed = 0
    for (const h of hopsOf(profile)) removed += await this.o.knownHosts.remove(h.host, h.port)
    if (removed > 0) {
      await this.o.journal.record({ server: profile.id, area: 'servers', action: 'forget-host-key', target: knownHostsName(profile.host, profile.port), result: 'ok' })
    }
    return { removed }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.disconnect(id).catch(() => undefined)))
  }

  private fileRunner(profile: ServerProfile, session: Session): FileCommandRunner {
    const sudoMode = profile.sudo ?? 'none'
    return {
      sudoMode,
      run: async (argv, o) => {
        const password = o.asRoot && sudoMode === 'sudo-S' ? await this.o.secrets.get(profile.id, 'sudo') : undefined
        const { command, gate } = rootCommand(o.asRoot ? sudoMode : 'none', argv, profile.user, password)
        const label = `The remote command "${typeof argv[0] === 'string' ? argv[0] : '?'}"`
        return session.execBytes(command, label, { ...(o.stdin !== undefined ? { stdin: o.stdin } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) }, gate)
      },
    }
  }

  /** The open session, waiting a little while a lost connection is being reopened. */
  private async sessionOf(serverId: string, signal?: AbortSignal): Promise<Session> {
    const entry = this.entries.get(serverId)
    if (entry?.session?.isOpen) return entry.session
    if (entry?.wanted && (entry.state === 'reconnecting' || entry.state === 'connecting')) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.waitForReconnectMs)
        signal?.addEventListener('abort', done, { once: true })
        entry.waiters.add(done)
        function done() {
          clearTimeout(timer)
          entry?.waiters.delete(done)
          signal?.removeEventListener('abort', done)
          resolve()
        }
      })
      if (signal?.aborted) throw new AppError('cancelled', 'Cancelled while waiting for the connection to come back.')
      if (entry.session?.isOpen) return entry.session
      const why = entry.state === 'reconnecting' ? `the connection was lost (${entry.reason ?? 'no reason given'}) and is being reopened` : 'the connection is not open'
      throw new AppError('disconnected', `Not connected to server "${serverId}": ${why}. Try again in a moment.`, { server: serverId })
    }
    throw new AppError('not-connected', `Not connected to server "${serverId}". Connect to it first.`, { server: serverId })
  }

  private async open(profile: ServerProfile, entry: ServerEntry, opts: { acceptFingerprint?: string; signal?: AbortSignal }, state: 'connecting' | 'reconnecting'): Promise<ConnectionStatus> {
    const id = profile.id
    const abort = new AbortController()
    entry.abort = abort
    const onOuterAbort = () => abort.abort()
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true })
    this.setState(id, entry, state, state === 'reconnecting' ? entry.reason : undefined)
    try {
      const opened = await openChain(hopsOf(profile), {
        knownHosts: this.o.knownHosts,
        ...(opts.acceptFingerprint ? { acceptFingerprint: opts.acceptFingerprint } : {}),
        readyTimeoutMs: this.readyTimeoutMs,
        keepaliveIntervalMs: this.keepaliveIntervalMs,
        keepaliveCountMax: this.keepaliveCountMax,
        ...(this.o.agentPath ? { agentPath: this.o.agentPath } : {}),
        // One passphrase per server: it opens the profile's key (and a jump host's, if it is the same file).
        passphraseFor: async (keyPath) => (keyPath === profile.keyPath || !profile.keyPath ? this.o.secrets.get(id, 'passphrase') : undefined),
        password: () => this.o.secrets.get(id, 'password'),
        signal: abort.signal,
        onAccepted: async (k) => {
          await this.o.journal.record({
            server: id,
            area: 'servers',
            action: 'accept-host-key',
            target: `${knownHostsName(k.host, k.port)} ${k.algorithm} ${k.fingerprint}`,
            result: 'ok',
          })
        },
      })
      if (!entry.wanted) {
        // Disconnected while this was opening.
        for (const c of opened.chain) c.end()
        throw new AppError('cancelled', `Connecting to "${profile.name}" was cancelled.`)
      }
      const session: Session = new Session(
        id,
        ++this.generation,
        opened.client,
        opened.hostKey,
        opened.banner,
        (reason) => {
          if (entry.session !== session) return
          entry.session = undefined
          this.lost(profile.id, entry, reason)
        },
        opened.chain.slice(0, -1),
      )
      entry.session = session
      entry.failures = 0
      this.setState(id, entry, 'connected', undefined, `Connected (${opened.hostKey.algorithm} ${opened.hostKey.fingerprint}${opened.chain.length > 1 ? `, through ${opened.chain.length - 1} jump host${opened.chain.length > 2 ? 's' : ''}` : ''}).`)
      return this.status(id)
    } catch (e) {
      const shape = toErrorShape(e)
      const reason = shape.message.split('\n')[0] ?? shape.message
      if (state === 'reconnecting' && entry.wanted && !FATAL.includes(shape.code)) {
        this.log(entry, 'reconnecting', `Reconnect failed: ${reason}`)
        this.scheduleReconnect(id, entry, reason)
      } else {
        entry.wanted = false
        this.setState(id, entry, 'offline', reason)
      }
      throw e
    } finally {
      opts.signal?.removeEventListener('abort', onOuterAbort)
      if (entry.abort === abort) entry.abort = undefined
    }
  }

  /** The link died by itself: reopen it (after a short wait) if the user still wants it. */
  private lost(id: string, entry: ServerEntry, reason: string): void {
    if (!entry.wanted) return this.setState(id, entry, 'offline', reason)
    this.scheduleReconnect(id, entry, reason)
  }

  private scheduleReconnect(id: string, entry: ServerEntry, reason: string): void {
    this.clearRetry(entry)
    const delayMs = Math.min(this.reconnectMaxMs, this.reconnectInitialMs * 2 ** Math.min(entry.failures, 16))
    entry.failures++
    entry.retryInSec = Math.round(delayMs / 100) / 10
    this.setState(id, entry, 'reconnecting', reason, `${reason.replace(/\.?$/, '.')} Reconnecting in ${entry.retryInSec} s (attempt ${entry.failures}).`)
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined
      entry.retryInSec = undefined
      if (!entry.wanted || entry.opening || entry.session) return
      void this.o.profiles
        .get(id)
        .then((profile) => {
          entry.opening ??= this.open(profile, entry, {}, 'reconnecting').finally(() => {
            entry.opening = undefined
          })
          return entry.opening
        })
        .catch(() => undefined) // reported through the state
    }, delayMs)
    entry.retryTimer.unref?.()
  }

  private clearRetry(entry: ServerEntry): void {
    if (entry.retryTimer) clearTimeout(entry.retryTimer)
    entry.retryTimer = undefined
    entry.retryInSec = undefined
  }

  private setState(id: string, entry: ServerEntry, state: ConnectionState, reason?: string, message?: string): void {
    entry.state = state
    entry.reason = reason
    if (state !== 'reconnecting') entry.retryInSec = undefined
    this.log(entry, state, message ?? reason)
    this.o.emit('servers.connectionState', this.status(id))
    if (state === 'connected' || state === 'offline') for (const w of [...entry.waiters]) w()
  }

  private log(entry: ServerEntry, state: ConnectionState, message?: string): void {
    entry.events.push({ time: new Date().toISOString(), state, ...(message ? { message } : {}), ...(entry.retryInSec !== undefined && state === 'reconnecting' ? { retryInSec: entry.retryInSec } : {}) })
    if (entry.events.length > EVENT_LOG_SIZE) entry.events.splice(0, entry.events.length - EVENT_LOG_SIZE)
  }

  private entry(id: string): ServerEntry {
    let e = this.entries.get(id)
    if (!e) this.entries.set(id, (e = { state: 'offline', wanted: false, failures: 0, events: [], waiters: new Set() }))
    return e
  }

  // disconnect() accepts a name too (the CLI passes what the user typed); unknown ids are simply offline.
  private async resolveId(serverId: string): Promise<string> {
    if (this.entries.has(serverId)) return serverId
    return (await this.o.profiles.get(serverId).catch(() => undefined))?.id ?? serverId
  }
}

/** The hops of a profile: its jump hosts (each with its own key or the profile's, then the agent), then the server. */
export function hopsOf(p: ServerProfile): HopTarget[] {
  const jumps: HopTarget[] = (p.jumpHosts ?? []).map((j, i) => {
    const keyPath = j.keyPath ?? p.keyPath
    return {
      host: j.host,
      port: j.port,
      user: j.user,
      ...(keyPath ? { keyPath } : {}),
      methods: keyPath ? ['publickey', 'agent'] : ['agent'],
      ...(i === 0 && p.localAddress ? { localAddress: p.localAddress } : {}),
    }
  })
  const target: HopTarget = {
    host: p.host,
    port: p.port,
    user: p.user,
    ...(p.keyPath ? { keyPath: p.keyPath } : {}),
    methods: effectiveAuthMethods(p),
    ...(jumps.length === 0 && p.localAddress ? { localAddress: p.localAddress } : {}),
  }
  return [...jumps, target]
}
