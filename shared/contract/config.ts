import { z } from 'zod'
import {
  CompareResult,
  ConfigFinding,
  ConfigProgress,
  PushResult,
  ServerPath,
  Snapshot,
  WorkspaceCatalogues,
  WorkspaceFile,
  WorkspaceFileContent,
  WorkspaceStatus,
} from '../domain/config-workspace'
import { ServerId } from '../domain/server'
import type { ContractSection, EventSection } from './define'

const SnapshotId = Snapshot.shape.id
/** Config files are small; this bounds what one save may carry over IPC. */
const ConfigText = z.string().max(4 * 1024 * 1024)

/** The configs workspace: everything but pull/compare/push/rollback works offline. */
export const configChannels = {
  'config.status': { input: z.object({ id: ServerId }), output: WorkspaceStatus },
  /** Discovers and copies the server's config files and catalogues; a pull over local edits merges them (conflicts marked). */
  'config.pull': { input: z.object({ id: ServerId }), output: WorkspaceStatus },
  'config.read': { input: z.object({ id: ServerId, path: ServerPath }), output: WorkspaceFileContent },
  /** Saves a local edit (offline). New secret values are moved into the secret store. */
  'config.save': { input: z.object({ id: ServerId, path: ServerPath, text: ConfigText }), output: WorkspaceFile },
  /** Puts a file back to its pulled base. */
  'config.revert': { input: z.object({ id: ServerId, path: ServerPath }), output: WorkspaceFile },
  'config.catalogues': { input: z.object({ id: ServerId }), output: WorkspaceCatalogues },
  /** Reads the server's current files and three-way merges them with local edits (conflicts marked in the files). */
  'config.compare': { input: z.object({ id: ServerId }), output: CompareResult },
  /** Stage + validate on the server (or install, verify and roll back on failure when validateOnly is false). */
  'config.push': {
    /** kind rollback: the push of a restored snapshot (recorded as such in the history and the journal). */
    input: z.object({ id: ServerId, message: z.string().max(500).optional(), validateOnly: z.boolean().default(false), kind: z.enum(['push', 'rollback']).optional() }),
    output: PushResult,
  },
  'config.history': { input: z.object({ id: ServerId }), output: z.array(Snapshot) },
  /** A file as it was in a snapshot (null: not part of it). */
  'config.snapshotFile': { input: z.object({ id: ServerId, snapshot: SnapshotId, path: ServerPath }), output: z.object({ text: z.string().nullable() }) },
  /**
   * Checks on the server what only it can tell (connected): the cert/key/CA files the saved local files
   * name exist and are readable by root. Error findings at the path in the file; [] when all are there.
   */
  'config.serverChecks': { input: z.object({ id: ServerId }), output: z.array(ConfigFinding) },
  /** Sets the local files to a snapshot's content (push it afterwards: a rollback is a push like any other). */
  'config.restore': { input: z.object({ id: ServerId, snapshot: SnapshotId }), output: WorkspaceStatus },
} satisfies ContractSection

export const configEvents = {
  'config.progress': { payload: ConfigProgress },
} satisfies EventSection
