import { readFileSync } from 'node:fs'
import { CommanderError } from 'commander'
import { toErrorShape } from '../../shared/errors'
import { createServices } from '../services/create-services'
import { resolveDataDir } from '../services/data-dir'
import type { Services } from '../services/types'
import { buildProgram } from './build-program'
import { CliFailure, type CliContext } from './cli-context'
import type { CliIo } from './cli-io'
import { formatCliError, oneLine } from './format-error'

/**
 * Runs one `postdesk` invocation and returns its exit code: 0 on success, 1 when the operation failed,
 * 2 on a usage error. On failure stderr gets exactly one line `postdesk: <reason>`; with --json, stdout
 * also gets `{"error": {code, message, detail}}` for scripts.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json')
  const dataDir = resolveDataDir(io.env)
  let services: Services | undefined
  let exitCode = 0
  const ctx: CliContext = {
    setExitCode: (code) => void (exitCode = Math.max(exitCode, code)),
    io,
    dataDir,
    services: async () => (services ??= await createServices({ dataDir, version: packageVersion(), emit: () => undefined, harness: false })),
  }
  try {
    await buildProgram(ctx, packageVersion()).parseAsync(argv, { from: 'user' })
    return exitCode
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0 // --help, --version
      const reason = e.code === 'commander.help' ? 'missing command; see `postdesk --help`' : oneLine(e.message.replace(/^error: /, ''))
      io.err(`postdesk: ${reason}\n`)
      if (json) io.out(JSON.stringify({ error: { code: 'invalid-input', message: reason } }) + '\n')
      return 2
    }
    io.err((e instanceof CliFailure ? e.line : formatCliError(e)) + '\n')
    if (json) io.out(JSON.stringify({ error: toErrorShape(e instanceof CliFailure ? e.original : e) }) + '\n')
    return 1
  } finally {
    await services?.connections.closeAll()
  }
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}
