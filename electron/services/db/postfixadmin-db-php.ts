// PostfixAdmin's effective database settings, printed by the server's own php: the config files are
// PHP and may compute anything (Debian's dbconfig.inc.php, getenv(), includes), so php is the exact
// reader. The program travels on php's stdin and the config path is its only argument: the output
// holds the password, but no argv (visible in `ps` on the server) or log ever does.
import { AppError } from '../../../shared/errors'
import type { ConfJson } from '../../../shared/mail/postfixadmin-settings'

export const DB_CONF_BEGIN = '@@POSTDESK-DB-BEGIN@@'
export const DB_CONF_END = '@@POSTDESK-DB-END@@'

/**
 * Includes config.inc.php (which includes config.local.php) with output buffered away, then prints
 * the scalar `database_*` keys, `database_tables`, and php's default MySQL socket settings (where
 * `localhost` leads for PostfixAdmin itself) as JSON between markers.
 */
export const POSTFIXADMIN_DB_PHP = `<?php
error_reporting(E_ALL & ~E_NOTICE & ~E_DEPRECATED & ~E_WARNING);
define('POSTFIXADMIN', 1); define('POSTFIXADMIN_CLI', 1);
$CONF = array();
$pd_file = $argv[1];
chdir(dirname(realpath($pd_file)));
ob_start();
require $pd_file;
ob_end_clean();
$pd_out = array();
foreach ($CONF as $k => $v) {
  if (strncmp($k, 'database_', 9) !== 0) continue;
  if (is_scalar($v) || $v === null) { $pd_out[$k] = $v; continue; }
  if ($k === 'database_tables' && is_array($v)) {
    $t = array(); foreach ($v as $tk => $tv) { if (is_scalar($tv)) $t[$tk] = $tv; } $pd_out[$k] = $t;
  }
}
$pd_out['php_default_socket'] = array(ini_get('pdo_mysql.default_socket'), ini_get('mysqli.default_socket'));
echo "\\n${DB_CONF_BEGIN}\\n", json_encode($pd_out, JSON_PARTIAL_OUTPUT_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES), "\\n${DB_CONF_END}\\n";
`

/** The argv that runs POSTFIXADMIN_DB_PHP (fed on stdin) against one config.inc.php. */
export function postfixAdminDbArgv(configIncPath: string, phpBinary = 'php'): string[] {
  if (!configIncPath.startsWith('/')) throw new AppError('invalid-input', 'the config.inc.php path must be absolute')
  return [phpBinary, '-d', 'display_errors=stderr', '--', configIncPath]
}

export interface PostfixAdminDbConf {
  conf: Record<string, ConfJson>
  /** php's pdo_mysql / mysqli default socket, when set in php.ini */
  phpDefaultSockets: string[]
}

/** The JSON between the markers; throws remote-failed when php printed none (a fatal error in the config). */
export function parsePostfixAdminDbOutput(stdout: string): PostfixAdminDbConf {
  const b = stdout.lastIndexOf(`\n${DB_CONF_BEGIN}\n`)
  const e = stdout.lastIndexOf(`\n${DB_CONF_END}`)
  if (b < 0 || e < b) throw new AppError('remote-failed', 'php did not print PostfixAdmin’s database settings (no output markers)')
  let parsed: unknown
  try {
    parsed = JSON.parse(stdout.slice(b + DB_CONF_BEGIN.length + 2, e))
  } catch {
    throw new AppError('remote-failed', 'php printed PostfixAdmin’s database settings, but not as JSON')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AppError('remote-failed', 'php printed no PostfixAdmin database settings')
  const { php_default_socket: sockets, ...conf } = parsed as Record<string, ConfJson>
  const phpDefaultSockets = Array.isArray(sockets) ? sockets.filter((s): s is string => typeof s === 'string' && s.startsWith('/')) : []
  return { conf, phpDefaultSockets: [...new Set(phpDefaultSockets)] }
}
