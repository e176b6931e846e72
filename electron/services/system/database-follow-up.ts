// After the database comes back (restart, or start after a stop), Postfix's lookup processes
// (proxymap, trivial-rewrite, smtpd with direct mysql: maps) still hold their connections to the old
// server. The next query fails ("MySQL server has gone away"), Postfix marks the host down for the
// map's retry_interval (60 s by default) and refuses mail with "451 4.3.0 Temporary lookup failure"
// until then. `postfix reload` makes them exit after their current request: the new ones connect afresh.
//
// Dovecot needs nothing: its SQL library marks a connection lost on CR_SERVER_GONE_ERROR /
// CR_SERVER_LOST and its connection pool retries the failed query on a new connection ("Query failed,
// retrying"), so passdb/userdb lookups recover by themselves.

/** Prints Postfix's explicit main.cf settings and master.cf -o overrides; fails if postconf does. */
export const POSTFIX_MAPS_SCRIPT = 'postconf -n || exit $?; postconf -P 2>/dev/null; exit 0'

/**
 * Whether `postconf -n` / `postconf -P` output uses a MySQL lookup table (mysql: or proxy:mysql:),
 * in any parameter: a map type is only ever at the start of a value or after a separator or "proxy:".
 */
export function usesMysqlMaps(postconfOutput: string): boolean {
  return postconfOutput.split('\n').some((line) => {
    const eq = line.indexOf('=')
    return eq > 0 && /(?:^|[\s,:{(])mysql:/.test(line.slice(eq + 1))
  })
}
