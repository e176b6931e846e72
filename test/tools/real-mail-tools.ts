// The real judges for the mail unit tests: PostfixAdmin's own PHP functions (the Debian package's
// functions.inc.php, run by php-cli) and Dovecot's `doveadm pw`. Both are installed on developer
// machines and in CI (test/vps/up.sh); when missing, these helpers throw so the tests FAIL, not skip.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const harness = fileURLToPath(new URL('./postfixadmin-functions.php', import.meta.url))
export const postfixadminDir = process.env.POSTFIXADMIN_DIR ?? '/usr/share/postfixadmin'

function requireTool(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} is required for this test (${path} missing): install it (test/vps/up.sh does)`)
}

export type PhpCall = { fn: 'pacrypt' | 'check_email' | 'check_domain' | 'validate_password' | 'generate_password' | 'md5crypt' | 'divide_quota'; args: unknown[] }
export type PhpResult = { ok: unknown } | { error: string }

/** Runs PostfixAdmin functions in one php process with `conf` merged over the package defaults. */
export function runPostfixAdmin(conf: Record<string, unknown>, calls: PhpCall[]): PhpResult[] {
  requireTool('/usr/bin/php', 'php-cli')
  requireTool(`${postfixadminDir}/functions.inc.php`, 'PostfixAdmin')
  const r = spawnSync('php', ['-d', 'display_errors=stderr', harness], {
    input: JSON.stringify({ conf, calls }),
    encoding: 'utf8',
    env: { ...process.env, POSTFIXADMIN_DIR: postfixadminDir },
    maxBuffer: 64 << 20,
  })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`php exited ${r.status}: ${r.stderr}`)
  return JSON.parse(r.stdout) as PhpResult[]
}

export function phpOk(r: PhpResult | undefined): unknown {
  if (!r || !('ok' in r)) throw new Error(`PostfixAdmin call failed: ${JSON.stringify(r)}`)
  return r.ok
}

/** `doveadm pw -t HASH -p PASS`: true when Dovecot verifies the password against the hash. */
export function doveadmVerifies(hash: string, password: string): boolean {
  requireTool('/usr/bin/doveadm', 'doveadm (dovecot-core)')
  const r = spawnSync('doveadm', ['pw', '-t', hash, '-p', password], { encoding: 'utf8' })
  if (r.error) throw r.error
  return r.status === 0 && r.stdout.includes('(verified)')
}

/** `doveadm pw -s SCHEME -p PASS`: a hash made by Dovecot itself. */
export function doveadmHash(scheme: string, password: string): string {
  requireTool('/usr/bin/doveadm', 'doveadm (dovecot-core)')
  const r = spawnSync('doveadm', ['pw', '-s', scheme, '-p', password], { encoding: 'utf8' })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`doveadm pw -s ${scheme} failed: ${r.stderr}`)
  return r.stdout.trim()
}
