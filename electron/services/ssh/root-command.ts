import { randomBytes } from 'node:crypto'
import type { SudoMode } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import type { CommandGate } from './remote-process'
import { quoteWord, shellQuote, shellQuoteBytes } from './shell-quote'

/**
 * The command line that runs argv as root the profile's way, and the gate that unlocks it:
 * - `none`: as the login user (root when the profile logs in as root);
 * - `sudo-n`: `sudo -n` (a NOPASSWD rule; a rule that wants a password fails at once);
 * - `sudo-S`: `sudo -S` with the stored password written to stdin when sudo prompts (never in argv).
 * Either sudo form runs `sh -c 'printf %s "$0" >&2; exec "$@"' MARKER argv…`: the marker on stderr says
 * sudo has let the command start, and only then does the command get its own stdin.
 */
export function rootCommand(mode: SudoMode, argv: readonly (string | Uint8Array)[], user: string, password?: string): { command: string | Buffer; gate?: CommandGate } {
  const quote = (a: readonly (string | Uint8Array)[]) => (a.every((w) => typeof w === 'string') ? shellQuote(a as string[]) : shellQuoteBytes(a))
  if (mode === 'none') return { command: quote(argv) }
  const nonce = randomBytes(9).toString('base64url')
  const ready = `[postdesk-sudo-ready:${nonce}]`
  const prompt = `[postdesk-sudo-prompt:${nonce}]`
  const unlock = ['sh', '-c', 'printf %s "$0" >&2; exec "$@"', ready, ...argv]
  const refused = (hadPassword: boolean) =>
    hadPassword
      ? new AppError('sudo-password-required', `sudo refused the stored sudo password of ${user}. Store the right one for this server.`, { user, sudo: mode })
      : new AppError(
          'sudo-password-required',
          mode === 'sudo-n'
            ? `sudo -n needs a password for ${user} (no NOPASSWD rule). Store the sudo password and choose "sudo -S", or allow the commands with NOPASSWD in sudoers.`
            : `sudo needs a password for ${user} and none is stored for this server. Store the sudo password.`,
          { user, sudo: mode },
        )
  if (mode === 'sudo-n') {
    return {
      command: quote(['sudo', '-n', '--', ...unlock]),
      gate: { prompt, ready, refused, killVia: (kill) => ({ command: `sudo -n -- sh -c ${quoteWord(kill)}` }) },
    }
  }
  return {
    command: quote(['sudo', '-S', '-p', prompt, '--', ...unlock]),
    gate: {
      prompt,
      ready,
      ...(password !== undefined ? { password } : {}),
      refused,
      killVia: (kill) => ({ command: `sudo -S -p '' -- sh -c ${quoteWord(kill)}`, ...(password !== undefined ? { stdin: password + '\n' } : {}) }),
    },
  }
}
