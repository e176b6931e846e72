import { processIo } from './process-io'
import { runCli } from './run-cli'

// The `postdesk` command: everything lives in run-cli.ts over the same services as the app.
process.exitCode = await runCli(process.argv.slice(2), processIo())
