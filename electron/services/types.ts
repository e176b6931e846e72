import type { EventName, Payload } from '../../shared/contract/index'
import type { ConfigLintResult } from '../../shared/config/lint-config-set'
import type { Finding } from '../../shared/config/finding'
import type { CompareResult, PushResult, Snapshot, WorkspaceCatalogues, WorkspaceFile, WorkspaceFileContent, WorkspaceStatus } from '../../shared/domain/config-workspace'
import type { JournalEntry } from '../../shared/domain/journal'
import type { ServerFacts } from '../../shared/domain/facts'
import type { ConnectionEvent, ConnectionStatus, NewServer, ServerProfile } from '../../shared/domain/server'
import type { SettingsPatch, SettingsState } from '../../shared/domain/settings'
import type { LogsService } from './logs/logs-service'
import type { DbService } from './db/db-service'
import type { MailService } from './mail/mail-service'
import type { FirewallService } from './firewall/firewall-service'
import type { CallRegistry } from './calls/call-registry'
import type { SecretStore } from './secrets/secret-store'
import type { SshConfigImporter } from './ssh-config/ssh-config-importer'
import type { DashboardService } from './system/dashboard-service'
import type { QueueService } from './system/queue-service'
import type { ServiceManager } from './system/service-manager'
import type { ConfigBackupRegistry } from './system/undo-registry'
import type { RemoteWriteOptions, RemoteWriteResult } from './ssh/remote-files'
import type { ExecBytesResult } from './ssh/run-command'

/** How services publish events without knowing about Electron (main batches them to the renderer). */
export type EmitEvent = <E extends EventName>(name: E, payload: Payload<E>) => void

export interface ProfileStore {
  list(): Promise<ServerProfile[]>
  get(idOrName: string): Promise<ServerProfile>
  add(input: NewServer): Promise<ServerProfile>
  /** Replaces a profile's settings (its id and creation time stay). */
  update(id: string, input: NewServer): Promise<ServerProfile>
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
  connect(serverId: string, opts?: { acceptFingerprint?: string; signal?: AbortSignal }): Promise<ConnectionStatus>
  /** Drops the connection (if any) and opens a new one now. */
  reconnect(serverId: string): Promise<ConnectionStatus>
  disconnect(serverId: string): Promise<ConnectionStatus>
  status(serverId: string): ConnectionStatus
  /** Increases with every new connection of the server; undefined when not connected (caches key on it). */
  generationOf(serverId: string): number | undefined
  /** The server's connection events, oldest first (in memory, the last 200). */
  events(serverId: string): ConnectionEvent[]
  /** Runs argv on the server, each argument quoted; never through a renderer-built string. */
  exec(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  /** Runs argv as root the profile's way: as the root login, `sudo -n`, or `sudo -S` with the stored password on stdin. */
  execAsRoot(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  /** exec for arguments that may be raw bytes (non-UTF-8 names); streams come back as bytes. */
  execBytes(serverId: string, argv: (string | Uint8Array)[], opts?: ExecOptions & { asRoot?: boolean }): Promise<ExecBytesResult>
  /** A file's bytes (SFTP; through sudo when the login user may not read it). */
  readFile(serverId: string, path: string | Uint8Array, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<Buffer>
  /** Replaces a file atomically, keeping owner and mode (through sudo when needed). */
  writeFile(serverId: string, path: string | Uint8Array, data: string | Uint8Array, opts?: RemoteWriteOptions): Promise<RemoteWriteResult>
  /** Removes the stored host key(s) for the server's host:port (the way out of host-key-mismatch). */
  forgetHostKey(serverId: string): Promise<{ removed: number }>
  closeAll(): Promise<void>
}

export interface FactsService {
  get(serverId: string, opts?: { refresh?: boolean; signal?: AbortSignal }): Promise<ServerFacts>
}

export type JournalInput = Omit<JournalEntry, 'id' | 'time'>
export interface ActivityJournal {
  record(entry: JournalInput): Promise<JournalEntry>
  list(filter?: { server?: string; limit?: number }): Promise<JournalEntry[]>
  export(format: 'json' | 'csv', filter?: { server?: string }): Promise<{ filename: string; mime: string; text: string }>
}

export interface SettingsStore {
  get(): Promise<SettingsState>
  set(patch: SettingsPatch): Promise<SettingsState>
}

/** The configs workspace (issue 5): pulled files, offline edits, three-way compare, safe push. */
export interface ConfigWorkspaceService {
  status(serverId: string): Promise<WorkspaceStatus>
  pull(serverId: string, opts?: { signal?: AbortSignal }): Promise<WorkspaceStatus>
  read(serverId: string, path: string): Promise<WorkspaceFileContent>
  save(serverId: string, path: string, text: string): Promise<WorkspaceFile>
  revert(serverId: string, path: string): Promise<WorkspaceFile>
  catalogues(serverId: string): Promise<WorkspaceCatalogues>
  compare(serverId: string): Promise<CompareResult>
  /** kind 'rollback': the push of a restored snapshot, recorded as a rollback. */
  push(serverId: string, opts?: { message?: string; validateOnly?: boolean; kind?: 'push' | 'rollback'; signal?: AbortSignal }): Promise<PushResult>
  history(serverId: string): Promise<Snapshot[]>
  snapshotFile(serverId: string, snapshot: string, path: string): Promise<string | null>
  restore(serverId: string, snapshot: string): Promise<WorkspaceStatus>
  /** The local files linted as one set (offline), with the server's catalogues when pulled. */
  lint(serverId: string): Promise<ConfigLintResult>
  /** The server profile is removed: its workspace data and config secrets go too. */
  forget(serverId: string): Promise<{ workspace: boolean; secrets: number }>
  /** Connected: the cert/key/CA files the saved local files name, checked on the server (error findings for missing/unreadable ones). */
  serverChecks(serverId: string, opts?: { signal?: AbortSignal }): Promise<Finding[]>
  /** After a reconnect: how an interrupted push ended on the server (force: ask even if none was running). */
  checkLastPush(serverId: string, opts?: { force?: boolean }): Promise<WorkspaceStatus['lastPush'] | null>
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
  secrets: SecretStore
  sshConfig: SshConfigImporter
  calls: CallRegistry
  connections: ConnectionManager
  facts: FactsService
  /** The server's database through the SSH tunnel (PostfixAdmin's MySQL/MariaDB). */
  db: DbService
  /** PostfixAdmin's domains, mailboxes, aliases, alias domains and admins (over db). */
  mail: MailService
  journal: ActivityJournal
  settings: SettingsStore
  /** The home-IP allowlist and its confirmed apply (iptables, nftables, Apache). */
  firewall: FirewallService
  /** Live mail logs: follow, search the rotated files. */
  logs: LogsService
  /** Init-system services: status, start/stop/restart/reload, verified. */
  systemServices: ServiceManager
  /** Config backups the configs area registers: the undo offered when a service fails to come back. */
  configBackups: ConfigBackupRegistry
  queue: QueueService
  dashboard: DashboardService
  /** Config files: pull, offline edit, validate, merge, push with rollback. */
  configs: ConfigWorkspaceService
}
