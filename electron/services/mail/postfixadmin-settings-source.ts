// Each server's PostfixAdmin settings as its own php computes them (config.inc.php + config.local.php),
// cached for a short while: the mail repositories act on encrypt, quota, limits, logging, ...
import { AppError } from '../../../shared/errors'
import { postfixAdminSettings, type PostfixAdminSettings } from '../../../shared/mail/postfixadmin-settings'
import type { ExecOptions, ExecResult } from '../types'
import { effectiveConfigCommand, parseEffectiveConfigOutput } from './postfixadmin-config'

export interface SettingsSourceOptions {
  /** Runs argv as root the profile's way (config.local.php may be readable by root only). */
  execAsRoot(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  /** PostfixAdmin's install directory on the server (facts), null when not found. */
  installDirOf(serverId: string): Promise<string | null>
  /** How long settings are reused (default 60 s). */
  ttlMs?: number
}

export class PostfixAdminSettingsSource {
  private readonly cache = new Map<string, { at: number; settings: Promise<PostfixAdminSettings> }>()

  constructor(private readonly o: SettingsSourceOptions) {}

  get(serverId: string, opts: { refresh?: boolean } = {}): Promise<PostfixAdminSettings> {
    const hit = this.cache.get(serverId)
    if (hit && !opts.refresh && Date.now() - hit.at < (this.o.ttlMs ?? 60_000)) return hit.settings
    const settings = this.read(serverId)
    this.cache.set(serverId, { at: Date.now(), settings })
    settings.catch(() => this.cache.delete(serverId))
    return settings
  }

  private async read(serverId: string): Promise<PostfixAdminSettings> {
    const dir = await this.o.installDirOf(serverId)
    if (!dir) throw new AppError('not-found', 'PostfixAdmin was not found on this server (no config.inc.php in the usual places).', { server: serverId })
    const r = await this.o.execAsRoot(serverId, effectiveConfigCommand({ configIncPath: `${dir.replace(/\/+$/, '')}/config.inc.php` }), { timeoutMs: 30_000 })
    if (r.code !== 0) throw new AppError('remote-failed', `The server's php could not read PostfixAdmin's configuration (exit ${r.code}): ${r.stderr.trim().slice(0, 500)}`, { server: serverId })
    return postfixAdminSettings(parseEffectiveConfigOutput(r.stdout))
  }
}
