import { AppError, toErrorShape } from '../../../shared/errors'
import type { ConnectionState, ConnectionStatus, ServerProfile } from '../../../shared/domain/server'
import type { ClientChannel } from 'ssh2'
import type { ActivityJournal, ConnectionManager, EmitEvent, ExecOptions, ExecResult, ProfileStore } from '../types'
import type { KnownHostsStore } from './host-key-store'
import { knownHostsName } from './known-hosts-format'
import { openClient } from './open-client'
import type { OpenStreamOptions, StreamTarget } from './open-stream'
import { Session } from './session'
import type { StreamHandlers, StreamingExec } from './stream-command'
import { shellQuote } from './shell-quote'

export interface ConnectionManagerOptions {
  profiles: ProfileStore
  knownHosts: KnownHostsStore
  journal: ActivityJournal
  emit: EmitEvent
  readyTimeoutMs?: number
  keepaliveIntervalMs?: number
  keepaliveCountMax?: number
}

interface ServerEntry {
  state: ConnectionState
  reason?: string
  session?: Session
  opening?: Promise<ConnectionStatus>
}

/** One ssh2 connection per server profile, with its state published as `servers.connectionState`. */
export class SshConnectionManager implements ConnectionManager {
  private readonly entries = new Map<string, ServerEntry>()
  private generation = 0
  private readonly readyTimeoutMs: number
  private readonly keepaliveIntervalMs: number
  private readonly keepaliveCountMax: number

  constructor(private readonly o: ConnectionManagerOptions) {
    this.readyTimeoutMs = o.readyTimeoutMs ?? 10_000
    this.keepaliveIntervalMs = o.keepaliveIntervalMs ?? 15_000
    this.keepaliveCountMax = o.keepaliveCountMax ?? 3
  }

  async connect(serverId: string, opts: { acceptFingerprint?: string } = {}): Promise<ConnectionStatus> {
    const profile = await this.o.profiles.get(serverId)
    const entry = this.entry(profile.id)
    if (entry.session?.isOpen) return this.status(profile.id)
    // A second connect while one is under way waits for that one instead of opening another.
    entry.opening ??= this.open(profile, entry, opts).finally(() => {
      entry.opening = undefined
    })
    return entry.opening
  }

  async disconnect(serverId: string): Promise<ConnectionStatus> {
    const id = await this.resolveId(serverId)
    const entry = this.entries.get(id)
    if (entry?.opening) await entry.opening.catch(() => undefined)
    if (entry?.session) {
      const session = entry.session
      entry.session = undefined
      await session.close()
      this.setState(id, entry, 'offline', 'Disconnected.')
    }
    return this.status(id)
  }

  status(serverId: string): ConnectionStatus {
    const entry = this.entries.get(serverId)
    const status: ConnectionStatus = { serverId, state: entry?.state ?? 'offline' }
    if (entry?.reason) status.reason = entry.reason
    if (entry?.session?.isOpen) {
      status.hostKey = entry.session.hostKey
      if (entry.session.banner) status.serverBanner = entry.session.banner
    }
    return status
  }

  /** The current connection's generation, or undefined when not connected (facts are cached by it). */
  generationOf(serverId: string): number | undefined {
    const s = this.entries.get(serverId)?.session
    return s?.isOpen ? s.generation : undefined
  }

  async exec(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult> {
    const command = shellQuote(argv)
    const session = this.entries.get(serverId)?.session
    if (!session?.isOpen) throw new AppError('not-connected', `Not connected to server "${serverId}". Connect to it first.`, { server: serverId })
    // The label names the program only: arguments may carry data that does not belong in messages.
    return session.exec(command, `The remote command "${argv[0]}"`, opts)
  }

  /** Runs argv with its stdout delivered as it arrives (log following and search); stop() kills it on the server. */
  async execStream(serverId: string, argv: string[], handlers: StreamHandlers, opts?: { signal?: AbortSignal }): Promise<StreamingExec> {
    const session = this.entries.get(serverId)?.session
    if (!session?.isOpen) throw new AppError('not-connected', `Not connected to server "${serverId}". Connect to it first.`, { server: serverId })
    return session.execStream(shellQuote(argv), `The remote command "${argv[0]}"`, handlers, opts)
  }

  /** A forwarded channel (like one `ssh -L` connection, without a local port) to a TCP port or unix socket on the server. */
  async openStream(serverId: string, target: StreamTarget, opts?: OpenStreamOptions): Promise<ClientChannel> {
    const session = this.entries.get(serverId)?.session
    if (!session?.isOpen) throw new AppError('not-connected', `Not connected to server "${serverId}". Connect to it first.`, { server: serverId })
    return session.openStream(target, opts)
  }

  async forgetHostKey(serverId: string): Promise<{ removed: number }> {
    const profile = await this.o.profiles.get(serverId)
    const removed = await this.o.knownHosts.remove(profile.host, profile.port)
    if (removed > 0) {
      await this.o.journal.record({ server: profile.id, area: 'servers', action: 'forget-host-key', target: knownHostsName(profile.host, profile.port), result: 'ok' })
    }
    return { removed }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.disconnect(id).catch(() => undefined)))
  }

  private async open(profile: ServerProfile, entry: ServerEntry, opts: { acceptFingerprint?: string }): Promise<ConnectionStatus> {
    const id = profile.id
    this.setState(id, entry, 'connecting')
    try {
      const opened = await openClient(profile, {
        knownHosts: this.o.knownHosts,
        ...(opts.acceptFingerprint ? { acceptFingerprint: opts.acceptFingerprint } : {}),
        readyTimeoutMs: this.readyTimeoutMs,
        keepaliveIntervalMs: this.keepaliveIntervalMs,
        keepaliveCountMax: this.keepaliveCountMax,
      })
      if (opened.accepted) {
        try {
          await this.o.journal.record({
            server: id,
            area: 'servers',
            action: 'accept-host-key',
            target: `${knownHostsName(profile.host, profile.port)} ${opened.hostKey.algorithm} ${opened.hostKey.fingerprint}`,
            result: 'ok',
          })
        } catch (e) {
          opened.client.end()
          throw e
        }
      }
      const session = new Session(id, ++this.generation, opened.client, opened.hostKey, opened.banner, (reason) => {
        if (entry.session !== session) return
        entry.session = undefined
        this.setState(id, entry, 'offline', reason)
      })
      entry.session = session
      this.setState(id, entry, 'connected')
      return this.status(id)
    } catch (e) {
      this.setState(id, entry, 'offline', toErrorShape(e).message.split('\n')[0])
      throw e
    }
  }

  private setState(id: string, entry: ServerEntry, state: ConnectionState, reason?: string): void {
    entry.state = state
    entry.reason = reason
    this.o.emit('servers.connectionState', this.status(id))
  }

  private entry(id: string): ServerEntry {
    let e = this.entries.get(id)
    if (!e) this.entries.set(id, (e = { state: 'offline' }))
    return e
  }

  // disconnect() accepts a name too (the CLI passes what the user typed); unknown ids are simply offline.
  private async resolveId(serverId: string): Promise<string> {
    if (this.entries.has(serverId)) return serverId
    return (await this.o.profiles.get(serverId).catch(() => undefined))?.id ?? serverId
  }
}
