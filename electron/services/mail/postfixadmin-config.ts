// PostfixAdmin's settings from the server: (1) statically, from the text of config.inc.php and
// config.local.php (no PHP needed; dynamic values are reported, not guessed), and (2) exactly, by
// having the server's own php print the effective $CONF as JSON (the argv below, run over SSH).
import { AppError } from '../../../shared/errors'
import { postfixAdminSettings, type ConfJson, type PostfixAdminSettings } from '../../../shared/mail/postfixadmin-settings'
import { phpValueToJson, readConfigStatically, type ConfigAssignment, type PhpSourceFile } from '../../../shared/config/postfixadmin/php-config-reader'

export interface StaticPostfixAdminConfig {
  conf: Record<string, ConfJson>
  settings: PostfixAdminSettings
  /** keys set from something only PHP can evaluate ($dbtype from an unread file, function calls, ...) */
  dynamicKeys: string[]
  assignments: ConfigAssignment[]
  warnings: string[]
}

/** Reads the files in include order: [dbconfig.inc.php (Debian),] config.inc.php, config.local.php. */
export function readPostfixAdminConfigStatic(files: PhpSourceFile[]): StaticPostfixAdminConfig {
  const r = readConfigStatically(files)
  const json = phpValueToJson(r.conf)
  const conf = (Array.isArray(json) ? {} : json) as Record<string, ConfJson>
  return { conf, settings: postfixAdminSettings(conf), dynamicKeys: r.dynamicKeys, assignments: r.assignments, warnings: r.warnings }
}

export const EFFECTIVE_CONF_BEGIN = '@@POSTDESK-CONF-BEGIN@@'
export const EFFECTIVE_CONF_END = '@@POSTDESK-CONF-END@@'

/** Never needed by Postdesk: replaced by a marker in the output. */
export const defaultRedactedKeys = ['setup_password', 'admin_smtp_password']

// Includes config.inc.php (which includes config.local.php) with output buffered away (a config
// file may print), then prints $CONF as JSON between markers. The path and the keys to redact
// are argv, never spliced into the code.
const effectiveConfPhp = [
  'error_reporting(E_ALL & ~E_NOTICE & ~E_DEPRECATED & ~E_WARNING);',
  "define('POSTFIXADMIN', 1); define('POSTFIXADMIN_CLI', 1);",
  '$CONF = array();',
  'ob_start();',
  'require $argv[1];',
  'ob_end_clean();',
  "foreach (array_slice($argv, 2) as $k) { if (array_key_exists($k, $CONF)) { $CONF[$k] = '**redacted**'; } }",
  "foreach ($CONF as $k => $v) { if ($v instanceof Closure) { $CONF[$k] = '**closure**'; } }",
  `echo "\\n${EFFECTIVE_CONF_BEGIN}\\n", json_encode($CONF, JSON_PARTIAL_OUTPUT_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\\n${EFFECTIVE_CONF_END}\\n";`,
].join(' ')

export interface EffectiveConfigCommandOptions {
  /** the config.inc.php the web server uses, e.g. /etc/postfixadmin/config.inc.php (Debian), /usr/share/postfixadmin/config.inc.php */
  configIncPath: string
  phpBinary?: string
  redactKeys?: string[]
}

/** The argv that makes the server's php print its effective $CONF (quote it for the remote shell). */
export function effectiveConfigCommand(o: EffectiveConfigCommandOptions): string[] {
  if (!o.configIncPath.startsWith('/')) throw new AppError('invalid-input', 'the config.inc.php path must be absolute')
  return [o.phpBinary ?? 'php', '-d', 'display_errors=stderr', '-r', effectiveConfPhp, '--', o.configIncPath, ...(o.redactKeys ?? defaultRedactedKeys)]
}

/** The JSON between the markers of effectiveConfigCommand's stdout. */
export function parseEffectiveConfigOutput(stdout: string): Record<string, ConfJson> {
  const b = stdout.lastIndexOf(`\n${EFFECTIVE_CONF_BEGIN}\n`)
  const e = stdout.lastIndexOf(`\n${EFFECTIVE_CONF_END}`)
  if (b < 0 || e < b) throw new AppError('remote-failed', 'PostfixAdmin configuration could not be read (no output markers)')
  const body = stdout.slice(b + EFFECTIVE_CONF_BEGIN.length + 2, e)
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    throw new AppError('remote-failed', 'PostfixAdmin configuration output is not JSON')
  }
  // json_encode of an empty array is [] (an empty $CONF)
  if (Array.isArray(parsed) && parsed.length === 0) return {}
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AppError('remote-failed', 'PostfixAdmin $CONF is not an array')
  return parsed as Record<string, ConfJson>
}
