import { randomUUID } from 'node:crypto'
import type { ServiceKey, UndoOffer } from '../../../shared/domain/system'
import { AppError } from '../../../shared/errors'
import type { ExecOptions, ExecResult } from '../types'

/**
 * Where a failed service action finds its way back. The configs area plugs in here: whenever it
 * installs a file on the server it registers the backup it made (or that the file did not exist),
 * and a service that then fails to come back offers to restore it.
 */
export interface UndoProvider {
  offers(serverId: string, service: ServiceKey): Promise<UndoOffer[]>
  /** Puts the backup back (or removes a file that did not exist before); resolves to the offer applied. */
  apply(serverId: string, offerId: string): Promise<UndoOffer>
}

export interface ConfigBackup {
  service: ServiceKey
  /** The file that was changed on the server. */
  path: string
  /** A copy of its previous content on the server; null: the file did not exist before (undo removes it). */
  backupPath: string | null
  description?: string
}

type RootExec = (serverId: string, argv: string[], opts?: ExecOptions) => Promise<ExecResult>

/** Known config backups per server, newest first (in memory: one app session). */
export class ConfigBackupRegistry implements UndoProvider {
  private readonly byServer = new Map<string, (UndoOffer & { backupPath: string | null })[]>()

  constructor(private readonly execAsRoot: RootExec) {}

  /** Registers a change the configs area made; returns the offer's id. */
  register(serverId: string, b: ConfigBackup): string {
    if (!b.path.startsWith('/') || (b.backupPath !== null && !b.backupPath.startsWith('/'))) throw new AppError('invalid-input', 'Config backups need absolute paths on the server.')
    const id = randomUUID().replace(/-/g, '').slice(0, 24)
    const description = b.description ?? (b.backupPath ? `Restore ${b.path} from ${b.backupPath}` : `Remove ${b.path} (it did not exist before)`)
    const list = this.byServer.get(serverId) ?? []
    list.unshift({ id, service: b.service, path: b.path, description, backupPath: b.backupPath })
    this.byServer.set(serverId, list.slice(0, 50))
    return id
  }

  forget(serverId: string, offerId: string): void {
    const list = this.byServer.get(serverId)
    if (list) this.byServer.set(serverId, list.filter((o) => o.id !== offerId))
  }

  async offers(serverId: string, service: ServiceKey): Promise<UndoOffer[]> {
    return (this.byServer.get(serverId) ?? []).filter((o) => o.service === service).map(({ backupPath: _b, ...o }) => o)
  }

  async apply(serverId: string, offerId: string): Promise<UndoOffer> {
    const offer = this.byServer.get(serverId)?.find((o) => o.id === offerId)
    if (!offer) throw new AppError('not-found', 'That undo is no longer known (offers last for this app session only).', { offerId })
    const argv = offer.backupPath === null ? ['rm', '-f', '--', offer.path] : ['cp', '-p', '--', offer.backupPath, offer.path]
    const r = await this.execAsRoot(serverId, argv, { timeoutMs: 30_000 })
    if (r.code !== 0) throw new AppError('remote-failed', `Undo failed: ${(r.stderr || r.stdout).trim().slice(0, 500)}`, { offerId })
    this.forget(serverId, offerId)
    const { backupPath: _b, ...o } = offer
    return o
  }
}
