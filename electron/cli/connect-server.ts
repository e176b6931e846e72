import { HostKeyFingerprint, type ServerProfile } from '../../shared/domain/server'
import { AppError } from '../../shared/errors'
import type { Services } from '../services/types'
import { CliFailure, type CliContext } from './cli-context'
import { formatCliError } from './format-error'

/** The services and the profile of `name`, connected (accepting `acceptHostKey` when given). */
export async function connectServer(ctx: CliContext, name: string, acceptHostKey?: string): Promise<{ s: Services; profile: ServerProfile }> {
  if (acceptHostKey !== undefined && !HostKeyFingerprint.safeParse(acceptHostKey).success) {
    throw new AppError('invalid-input', `--accept-host-key wants an OpenSSH SHA256 fingerprint like SHA256:${'A'.repeat(43)}, as ssh-keygen -lf prints it.`)
  }
  const s = await ctx.services()
  const profile = await s.profiles.get(name)
  try {
    await s.connections.connect(profile.id, acceptHostKey ? { acceptFingerprint: acceptHostKey } : {})
  } catch (e) {
    throw new CliFailure(formatCliError(e, { server: profile.id }), e)
  }
  return { s, profile }
}

/** Asks before something that interrupts service; --yes skips the question (and is required without a terminal). */
export async function confirmOrRefuse(ctx: CliContext, yes: boolean | undefined, question: string, refusal: string): Promise<void> {
  if (yes) return
  if (!ctx.io.stdinIsTty) throw new AppError('invalid-input', `${refusal} without --yes: stdin is not a terminal to confirm on`)
  if (!(await ctx.io.confirm(question))) throw new AppError('cancelled', `cancelled; ${refusal.replace(/^refusing to /, 'did not ')}`)
}
