import { createInterface } from 'node:readline/promises'
import type { CliIo } from './cli-io'

/** The real process streams. Prompts go to stderr so that stdout stays clean for --json. */
export function processIo(): CliIo {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    stdinIsTty: process.stdin.isTTY === true,
    env: process.env,
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr })
      try {
        const answer = await rl.question(`${question} [y/N] `)
        return /^y(es)?$/i.test(answer.trim())
      } finally {
        rl.close()
      }
    },
  }
}
