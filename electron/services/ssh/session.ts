import type { Client, ClientChannel, SFTPWrapper } from 'ssh2'
import { AppError } from '../../../shared/errors'
import type { ExecOptions, ExecResult } from '../types'
import { openForwardedStream, type OpenStreamOptions, type StreamTarget } from './open-stream'
import type { CommandGate } from './remote-process'
import { runCommand, runCommandBytes, type ExecBytesResult } from './run-command'
import { streamCommand, type StreamHandlers, type StreamingExec } from './stream-command'

/**
 * One live SSH connection to one server (possibly through jump hosts). Everything that runs on the
 * server goes through its session; when it is lost, the connection manager opens a new one.
 */
export class Session {
  private closed = false
  private sftpChannel: Promise<SFTPWrapper> | undefined

  constructor(
    readonly serverId: string,
    /** Increases with every new connection to the server: caches keyed by it die with the connection. */
    readonly generation: number,
    private readonly client: Client,
    readonly hostKey: { algorithm: string; fingerprint: string },
    readonly banner: string | undefined,
    onLost: (reason: string) => void,
    /** Jump-host connections under this one, closed with it. */
    private readonly jumps: readonly Client[] = [],
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

  exec(command: string | Buffer, label: string, opts?: ExecOptions, gate?: CommandGate): Promise<ExecResult> {
    return runCommand(this.client, command, label, opts, gate)
  }

  execBytes(command: string | Buffer, label: string, opts?: ExecOptions, gate?: CommandGate): Promise<ExecBytesResult> {
    return runCommandBytes(this.client, command, label, opts, gate)
  }

  /** A command whose output arrives as it is written (see stream-command.ts). */
  execStream(command: string | Buffer, label: string, handlers: StreamHandlers, opts?: { signal?: AbortSignal }, gate?: CommandGate): Promise<StreamingExec> {
    return streamCommand(this.client, command, label, handlers, opts, gate)
  }

  /** The connection's one SFTP channel, opened on first use (and again if it was closed). */
  sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= new Promise<SFTPWrapper>((resolve, reject) => {
      try {
        this.client.sftp((err, sftp) => {
          if (err) return reject(new AppError('unsupported', `The server refused an SFTP session (${err.message}). Is its sftp subsystem enabled?`))
          sftp.once('close', () => (this.sftpChannel = undefined))
          resolve(sftp)
        })
      } catch (e) {
        reject(new AppError('disconnected', `Cannot open SFTP: ${e instanceof Error ? e.message : String(e)}`))
      }
    }).catch((e: unknown) => {
      this.sftpChannel = undefined
      throw e
    })
    return this.sftpChannel
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
        for (const j of this.jumps) j.destroy()
        resolve()
      }, 3000)
      this.client.once('close', () => {
        clearTimeout(timer)
        for (const j of [...this.jumps].reverse()) j.end()
        resolve()
      })
      this.client.end()
    })
  }
}
