<?php
// Runs PostfixAdmin's own functions (the installed package's functions.inc.php and model/Config.php)
// for the tests: stdin {"conf": {...}, "calls": [{"fn": "pacrypt", "args": [...]}, ...]},
// stdout [{"ok": value} | {"error": message}, ...]. $CONF starts from the package's defaults below,
// not from the machine's /etc/postfixadmin, so the result does not depend on the test server's state.
define('POSTFIXADMIN', 1);
define('POSTFIXADMIN_CLI', 1);
$dir = getenv('POSTFIXADMIN_DIR') ?: '/usr/share/postfixadmin';
require "$dir/model/Config.php";
require "$dir/functions.inc.php";

$input = json_decode(stream_get_contents(STDIN), true);
global $CONF;
$CONF = array_merge([
    'encrypt' => 'md5crypt',
    'dovecotpw' => '/usr/bin/doveadm pw',
    'emailcheck_resolve_domain' => 'NO',
    'vacation' => 'NO',
    'admin_name' => 'Postmaster',
    'password_validation' => [
        '/.{5}/' => 'password_too_short 5',
        '/([a-zA-Z].*){3}/' => 'password_no_characters 3',
        '/([0-9].*){2}/' => 'password_no_digits 2',
    ],
], $input['conf'] ?? []);
$PALANG = [];
require "$dir/languages/en.lang";
Config::getInstance()->setAll($CONF);
Config::write('__LANG', $PALANG);

$allowed = ['pacrypt', 'check_email', 'check_domain', 'validate_password', 'generate_password', 'md5crypt', 'divide_quota'];
$out = [];
foreach ($input['calls'] as $call) {
    try {
        if (!in_array($call['fn'], $allowed, true)) {
            throw new Exception('not allowed: ' . $call['fn']);
        }
        $out[] = ['ok' => call_user_func_array($call['fn'], $call['args'])];
    } catch (Throwable $e) {
        $out[] = ['error' => $e->getMessage()];
    }
}
echo json_encode($out, JSON_INVALID_UTF8_SUBSTITUTE), "\n";
