import type { ServerProfile } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import type { ProfileStore } from '../types'
import { candidatesFromText, defaultSshConfigPath, readSshConfigText, type ReadOptions, type SshConfigCandidate } from './ssh-config-import'

export interface SshConfigImportResult {
  added: ServerProfile[]
  skipped: { alias: string; reason: string }[]
}

/** Server profiles from the user's OpenSSH config (~/.ssh/config, or another file). */
export class SshConfigImporter {
  constructor(
    private readonly profiles: ProfileStore,
    private readonly read: ReadOptions,
  ) {}

  get defaultPath(): string {
    return defaultSshConfigPath(this.read.home)
  }

  /** What each Host would become, without adding anything. */
  async candidates(file?: string, hosts?: readonly string[]): Promise<SshConfigCandidate[]> {
    const text = await readSshConfigText(file ?? this.defaultPath, this.read)
    return candidatesFromText(text, this.read, hosts)
  }

  /** Adds the chosen hosts (all concrete hosts when none is named); existing names are skipped, not overwritten. */
  async import(file?: string, hosts?: readonly string[]): Promise<SshConfigImportResult> {
    const candidates = await this.candidates(file, hosts)
    if (!candidates.length) throw new AppError('not-found', `No Host entries to import in ${file ?? this.defaultPath}.`)
    const result: SshConfigImportResult = { added: [], skipped: [] }
    for (const c of candidates) {
      if (!c.profile) {
        result.skipped.push({ alias: c.alias, reason: c.problems.join('; ') || 'not importable' })
        continue
      }
      try {
        result.added.push(await this.profiles.add(c.profile))
      } catch (e) {
        if (e instanceof AppError && (e.code === 'conflict' || e.code === 'invalid-input')) result.skipped.push({ alias: c.alias, reason: e.message })
        else throw e
      }
    }
    return result
  }
}
