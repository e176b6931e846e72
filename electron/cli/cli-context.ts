import type { Services } from '../services/types'
import type { CliIo } from './cli-io'

export interface CliContext {
  io: CliIo
  dataDir: string
  /** Created on first use, so `--help` and usage errors touch nothing. */
  services(): Promise<Services>
  /** A command that completed but must report failure (e.g. lint found errors) sets the exit code here. */
  setExitCode(code: number): void
}

/** A failure whose stderr line the command has already worded (e.g. naming the server the user typed). */
export class CliFailure extends Error {
  constructor(
    readonly line: string,
    readonly original: unknown,
  ) {
    super(line)
    this.name = 'CliFailure'
  }
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.io.out(JSON.stringify(value, null, 2) + '\n')
}
