import type { EventName, Payload } from '../../shared/contract/index'
import type { JournalEntry } from '../../shared/domain/journal'
import type { ServerFacts } from '../../shared/domain/facts'
import type { ConnectionStatus, NewServer, ServerProfile } from '../../shared/domain/server'
import type { Settings } from '../../shared/domain/settings'
import type { DbService } from './db/db-service'
import type { DashboardService } from './system/dashboard-service'
import type { QueueService } from './system/queue-service'
import type { ServiceManager } from './system/service-manager'
import type { ConfigBackupRegistry } from './system/undo-registry'

/** How services publish events without knowing about Electron (main batches them to the renderer). */
export type EmitEvent = <E extends EventName>(name: E, payload: Payload<E>) => void

export interface ProfileStore {
  list(): Promise<ServerProfile[]>
  get(idOrName: string): Promise<ServerProfile>
  add(input: NewServer): Promise<ServerProfile>
  remove(idOrName: string): Promise<boolean>
}

export interface ExecOptions {
  stdin?: string | Buffer
  timeoutMs?: number
  signal?: AbortSignal
}
export interface ExecResult {
  code: number | null
  signal?: string
  stdout: string
  stderr: string
}

export interface ConnectionManager {
  connect(serverId: string, opts?: { acceptFingerprint?: string }): Promise<ConnectionStatus>
  disconnect(serverId: string): Promise<ConnectionStatus>
  status(serverId: string): ConnectionStatus
  /** Runs argv on the server, each argument quoted; never through a renderer-built string. */
  exec(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  /** Removes the stored host key(s) for the server's host:port (the way out of host-key-mismatch). */
  forgetHostKey(serverId: string): Promise<{ removed: number }>
  closeAll(): Promise<void>
}

export interface FactsService {
  get(serverId: string, opts?: { refresh?: boolean }): Promise<ServerFacts>
}

export type JournalInput = Omit<JournalEntry, 'id' | 'time'>
export interface ActivityJournal {
  record(entry: JournalInput): Promise<JournalEntry>
  list(filter?: { server?: string; limit?: number }): Promise<JournalEntry[]>
  export(format: 'json' | 'csv', filter?: { server?: string }): Promise<{ filename: string; mime: string; text: string }>
}

export interface SettingsStore {
  get(): Promise<Settings>
  set(patch: Partial<Settings>): Promise<Settings>
}

export interface AppInfo {
  version: string
  dataDir: string
  platform: string
  harness: boolean
}

export interface Services {
  info: AppInfo
  profiles: ProfileStore
  connections: ConnectionManager
  facts: FactsService
  /** The server's database through the SSH tunnel (PostfixAdmin's MySQL/MariaDB). */
  db: DbService
  journal: ActivityJournal
  settings: SettingsStore
  /** Init-system services: status, start/stop/restart/reload, verified. */
  systemServices: ServiceManager
  /** Config backups the configs area registers: the undo offered when a service fails to come back. */
  configBackups: ConfigBackupRegistry
  queue: QueueService
  dashboard: DashboardService
}
