import type { ConfigOwner, LastPushInfo, PushResult, PushStep } from '../../../../shared/domain/config-workspace'

/**
 * The contract between the workspace (which decides what to send) and the installer (which stages,
 * validates, installs, reloads, verifies and restores on the server). Content is final: secrets are
 * already substituted back, so it must never be logged or put in argv.
 */
export interface InstallFile {
  /** Absolute server path. */
  path: string
  content: Buffer
  owner: ConfigOwner
  /** ConfigFileKind (postfix-main, postfix-map, dovecot, ...) */
  kind: string
  mapType?: string
  /**
   * sha256 (hex) of the server's file that the local version was merged with; null: the file did not
   * exist. The installer refuses (changing nothing) when the server's file no longer matches: someone
   * changed it after the compare.
   */
  expectedSha256: string | null
  /**
   * For a file that does not exist yet (expectedSha256 null): its octal mode, owner and group
   * (default 0644 root:root). An existing file always keeps its own owner, group and mode.
   */
  mode?: string
  user?: string
  group?: string
}

export interface InstallRequest {
  files: InstallFile[]
  /** Stage and validate with the server's tools only; nothing installed. */
  validateOnly: boolean
  onProgress?: (step: PushStep, message: string) => void
  signal?: AbortSignal
}

/** What happened; the workspace adds the server and the snapshot id. */
export type InstallOutcome = Omit<PushResult, 'server' | 'snapshot'>

/**
 * The server-side record of the last push, read after a reconnect (a link dropped mid-push). state old:
 * the server has the files as before the push; new: the push completed; running: still in progress.
 */
export type LastPushRecord = Omit<LastPushInfo, 'checkedAt'>

export interface ConfigInstallerApi {
  install(serverId: string, req: InstallRequest): Promise<InstallOutcome>
  lastPush(serverId: string): Promise<LastPushRecord | null>
}
