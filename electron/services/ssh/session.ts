import type { Client, ClientChannel } from 'ssh2'
import type { ExecOptions, ExecResult } from '../types'
import { openForwardedStream, type OpenStreamOptions, type StreamTarget } from './open-stream'
import { runCommand } from './run-command'
import { streamCommand, type StreamHandlers, type StreamingExec } from './stream-command'

/**
 * One live SSH connection to one server. Everything that runs on the server goes through its session;
 * a later issue adds reconnection here (a session that outlives one ssh2 Client), not in its callers.
 */
export class Session {
  private closed = false

  constructor(
    readonly serverId: string,
    /** Increases with every new connection to the server: caches keyed by it die with the connection. */
    readonly generation: number,
    private readonly client: Client,
    readonly hostKey: { algorithm: string; fingerprint: string },
    readonly banner: string | undefined,
    onLost: (reason: string) => void,
  ) {
    let lastError: string | undefined
    client.on('error', (e: Error) => {
      lastError = e.message
    })
    client.on('close', () => {
      if (this.closed) return
      this.closed = true
      onLost(lastError ? `Connection lost: ${lastError}` : 'Connection closed by the server.')
    })
  }

  get isOpen(): boolean {
    return !this.closed
  }

  exec(command: string, label: string, opts?: ExecOptions): Promise<ExecResult> {
    return runCommand(this.client, command, label, opts)
  }

  /** A command whose output arrives as it is written (see stream-command.ts). */
  execStream(command: string, label: string, handlers: StreamHandlers, opts?: { signal?: AbortSignal }): Promise<StreamingExec> {
    return streamCommand(this.client, command, label, handlers, opts)
  }

  /** A forwarded channel to a TCP port or unix socket on the server (see open-stream.ts). */
  openStream(target: StreamTarget, opts?: OpenStreamOptions): Promise<ClientChannel> {
    return openForwardedStream(this.client, target, opts)
  }

  /** Ends the connection on purpose (no "lost" notice); resolves once the socket is closed. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy()
        resolve()
      }, 3000)
      this.client.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      this.client.end()
    })
  }
}
