import { z } from 'zod'

/**
 * The configs workspace: the server's Postfix/Dovecot/Apache/PostfixAdmin files, pulled to the desktop,
 * edited offline, validated, merged with what changed on the server since, and pushed safely.
 * Secrets inside the files (DB passwords) are never stored in plain text: the workspace keeps them as
 * `{{postdesk-secret:NAME}}` placeholders and the values in the encrypted secret store.
 */

/** An absolute server path (no NUL/newline). */
export const ServerPath = z.string().regex(/^\/[^\0\n]{0,1023}$/, 'an absolute path on the server')
export type ServerPath = z.infer<typeof ServerPath>

/** Which service a file belongs to: decides validation, postmap/newaliases and the reload after a push. */
export const ConfigOwner = z.enum(['postfix', 'dovecot', 'apache', 'postfixadmin', 'aliases'])
export type ConfigOwner = z.infer<typeof ConfigOwner>

/** A file's state against the pulled base (and the remote, after `config.compare`). */
export const ConfigFileState = z.enum(['unchanged', 'modified', 'conflict'])
export type ConfigFileState = z.infer<typeof ConfigFileState>

export const WorkspaceFile = z.object({
  path: ServerPath,
  /** ConfigFileKind of shared/config/config-set.ts */
  kind: z.string(),
  mapType: z.string().optional(),
  owner: ConfigOwner,
  state: ConfigFileState,
  /** The file holds masked secrets (placeholders); their values live in the secret store. */
  hasSecrets: z.boolean(),
  size: z.number().int().nonnegative(),
  /** Owner, group and octal mode on the server at pull time, kept on install. */
  mode: z.string().optional(),
  user: z.string().optional(),
  group: z.string().optional(),
})
export type WorkspaceFile = z.infer<typeof WorkspaceFile>

/** The server's record of the last push (`PUSH_BASE/last` and its state), as checked after a reconnect. */
export const LastPushInfo = z.object({
  id: z.string(),
  startedAt: z.string(),
  state: z.enum(['old', 'new', 'running']),
  paths: z.array(z.string()),
  reason: z.string().nullable(),
  checkedAt: z.string(),
})
export type LastPushInfo = z.infer<typeof LastPushInfo>

export const WorkspaceStatus = z.object({
  server: z.string(),
  /** null: never pulled (nothing to edit yet). */
  pulledAt: z.string().nullable(),
  /** The snapshot the local files are based on. */
  baseSnapshot: z.string().nullable(),
  files: z.array(WorkspaceFile),
  /** Files changed locally since the pull ("N files changed since pull"). */
  changed: z.number().int().nonnegative(),
  conflicts: z.number().int().nonnegative(),
  postfixVersion: z.string().optional(),
  dovecotVersion: z.string().optional(),
  /** Whether validation uses the server's own catalogues (captured at pull) or the bundled ones. */
  catalogues: z.enum(['server', 'bundled']),
  /** Files found on the server by the last compare that the workspace does not hold yet (a pull adds them). */
  newOnServer: z.array(ServerPath).optional(),
  /** When the last compare read the server. */
  comparedAt: z.string().optional(),
  /** A push was running when the link dropped; the next connection asks the server how it ended. */
  pushInterrupted: z.boolean().optional(),
  /** The server's record of the last push, read after a reconnect: old = the server kept the files as before, new = it completed. */
  lastPush: LastPushInfo.optional(),
})
export type WorkspaceStatus = z.infer<typeof WorkspaceStatus>

/** One file for the editor: local text, the pulled base, and (after `config.compare`) the remote text. */
export const WorkspaceFileContent = z.object({
  file: WorkspaceFile,
  text: z.string(),
  base: z.string(),
  /** What is on the server now, when known; null: the file is gone from the server. */
  remote: z.string().nullable().optional(),
})
export type WorkspaceFileContent = z.infer<typeof WorkspaceFileContent>

/** The server's catalogues as captured at pull time (hover, completion and lints in the editor). */
export const WorkspaceCatalogues = z.object({
  source: z.enum(['server', 'bundled']),
  postfixVersion: z.string(),
  dovecotVersion: z.string(),
  /** `postconf -d` name -> default (server's, or bundled). */
  postfixDefaults: z.record(z.string(), z.string()),
  /** `postconf -n`: the values this server runs with, name -> value. */
  postfixValues: z.record(z.string(), z.string()),
  /** `doveconf -d` top-level setting -> default. */
  dovecotDefaults: z.record(z.string(), z.string()),
  /** `doveconf -n` top-level setting -> value. */
  dovecotValues: z.record(z.string(), z.string()),
})
export type WorkspaceCatalogues = z.infer<typeof WorkspaceCatalogues>

/** A file's three-way comparison with the server (base = pulled, local = edited, remote = server now). */
export const MergeFile = z.object({
  path: ServerPath,
  /** none: the server did not change it; clean: merged without conflict; conflict: needs resolving in the editor. */
  remoteChange: z.enum(['none', 'clean', 'conflict', 'deleted']),
  localChanged: z.boolean(),
  conflicts: z.number().int().nonnegative(),
})
export type MergeFile = z.infer<typeof MergeFile>

export const CompareResult = z.object({
  server: z.string(),
  checkedAt: z.string(),
  files: z.array(MergeFile),
  /** Files added on the server since the pull (found by discovery), not yet in the workspace. */
  newOnServer: z.array(ServerPath),
})
export type CompareResult = z.infer<typeof CompareResult>

/** One real tool's verdict on the staged files. */
export const ToolVerdict = z.object({
  tool: z.string(),
  /** The command as run, for the record (no secrets: staged files are passed by path). */
  command: z.string(),
  ok: z.boolean(),
  exitCode: z.number().int().nullable(),
  /** The tool's own output (warnings and errors), trimmed. */
  output: z.string(),
})
export type ToolVerdict = z.infer<typeof ToolVerdict>

export const PushStep = z.enum(['compare', 'stage', 'validate', 'backup', 'install', 'postmap', 'reload', 'verify', 'restore', 'done'])
export type PushStep = z.infer<typeof PushStep>

export const PushResult = z.object({
  server: z.string(),
  /** True: installed, reloaded and verified. False: nothing of it stays on the server (see restored). */
  ok: z.boolean(),
  /** validateOnly: staged and checked, nothing installed. */
  validateOnly: z.boolean(),
  /** The step it stopped at (done when ok). */
  step: PushStep,
  verdicts: z.array(ToolVerdict),
  /** Files installed (server paths), with the backup made of each (null: did not exist before). */
  installed: z.array(z.object({ path: ServerPath, backup: ServerPath.nullable() })),
  reloaded: z.array(z.string()),
  /** The old files were put back after a failed reload/verify. */
  restored: z.boolean(),
  /** Why it stopped, in words (null when ok). */
  reason: z.string().nullable(),
  /** The snapshot recorded for this push (null when nothing was installed). */
  snapshot: z.string().nullable(),
})
export type PushResult = z.infer<typeof PushResult>

export const SnapshotKind = z.enum(['pull', 'push', 'rollback'])
export type SnapshotKind = z.infer<typeof SnapshotKind>
export const Snapshot = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  kind: SnapshotKind,
  time: z.string(),
  /** Who did it: the desktop user and the SSH login. */
  author: z.string(),
  message: z.string(),
  /** Paths that differ from the previous snapshot. */
  changed: z.array(ServerPath),
  fileCount: z.number().int().nonnegative(),
})
export type Snapshot = z.infer<typeof Snapshot>

export const ConfigProgress = z.object({
  server: z.string(),
  operation: z.enum(['pull', 'compare', 'push', 'rollback']),
  step: z.string(),
  message: z.string(),
  /** 0..1 when known */
  fraction: z.number().min(0).max(1).optional(),
})
export type ConfigProgress = z.infer<typeof ConfigProgress>

/**
 * The lines that mark a conflict left by `config.compare`/`config.pull` in a local file (git style):
 * the local lines, the separator, the server's lines. The file's state is 'conflict' until it is saved
 * without them.
 */
export const CONFLICT_MARKERS = {
  local: '<<<<<<< local',
  separator: '=======',
  remote: '>>>>>>> server',
} as const

/** A lint finding as it crosses IPC (shared/config/finding.ts `Finding`). */
export const ConfigFinding = z.object({
  file: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int(),
  endColumn: z.number().int(),
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  related: z.array(z.object({ file: z.string(), line: z.number().int(), column: z.number().int(), message: z.string() })).optional(),
})
export type ConfigFinding = z.infer<typeof ConfigFinding>
