import { AppError } from '../../../../shared/errors'
import type { CompareResult, PushResult, Snapshot, WorkspaceCatalogues, WorkspaceFile, WorkspaceFileContent, WorkspaceStatus } from '../../../../shared/domain/config-workspace'
import type { ActivityJournal, ConnectionManager, ConfigWorkspaceService, EmitEvent } from '../../types'
import type { SecretStore } from '../../secrets/secret-store'
import type { ConfigBackupRegistry } from '../../system/undo-registry'

export interface ConfigWorkspaceDeps {
  dataDir: string
  connections: ConnectionManager
  secrets: SecretStore
  journal: ActivityJournal
  configBackups: ConfigBackupRegistry
  emit: EmitEvent
  /** "user@host" of the desktop, for the audit trail. */
  actor: string
}

// Work in progress (issue 5): each method is implemented by the workspace change.
const todo = (): never => {
  throw new AppError('internal', 'The configs workspace is not available in this build yet.')
}

export class ConfigWorkspace implements ConfigWorkspaceService {
  constructor(readonly deps: ConfigWorkspaceDeps) {}
  status(_s: string): Promise<WorkspaceStatus> { return todo() }
  pull(_s: string): Promise<WorkspaceStatus> { return todo() }
  read(_s: string, _p: string): Promise<WorkspaceFileContent> { return todo() }
  save(_s: string, _p: string, _t: string): Promise<WorkspaceFile> { return todo() }
  revert(_s: string, _p: string): Promise<WorkspaceFile> { return todo() }
  catalogues(_s: string): Promise<WorkspaceCatalogues> { return todo() }
  compare(_s: string): Promise<CompareResult> { return todo() }
  push(_s: string): Promise<PushResult> { return todo() }
  history(_s: string): Promise<Snapshot[]> { return todo() }
  snapshotFile(_s: string, _n: string, _p: string): Promise<string | null> { return todo() }
  restore(_s: string, _n: string): Promise<WorkspaceStatus> { return todo() }
}
