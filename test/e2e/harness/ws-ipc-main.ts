import type { IpcEventLike, IpcMainLike } from '../../../electron/main/ipc'

type Listener = (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>

/**
 * The harness's stand-in for Electron's ipcMain: the REAL registerIpc() registers into it, and the
 * WebSocket server dispatches browser calls to what was registered. Only the transport differs.
 */
export class WsIpcMain implements IpcMainLike {
  private readonly listeners = new Map<string, Listener>()

  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`a handler for ${channel} is already registered`)
    this.listeners.set(channel, listener)
  }

  get channelCount(): number {
    return this.listeners.size
  }

  async dispatch(channel: string, senderUrl: string | undefined, args: unknown[]): Promise<unknown> {
    const l = this.listeners.get(channel)
    // Electron answers an unregistered channel with an error; so do we.
    if (!l) throw new Error(`No handler registered for '${channel}'`)
    return l({ senderFrame: senderUrl ? { url: senderUrl } : null }, ...args)
  }
}
