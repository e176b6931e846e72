import { z } from 'zod'

// Kept here rather than imported from ./server, which imports DbOverride (no import cycle).
const HostName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(253)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/, 'not a host name or IP address')
const Port = z.number().int().min(1).max(65535)

/** Where the database credentials came from, in the order they are tried. */
export const DbCredentialSource = z.enum([
  'override', // the profile's DB override (password from the SecretStore)
  'postfixadmin-php', // PostfixAdmin's config evaluated by the server's own php
  'postfixadmin-static', // PostfixAdmin's config read as text (no php on the server, or php failed)
  'postfix', // a Postfix mysql_*.cf map (postconf -h virtual_mailbox_maps, ...)
  'dovecot', // Dovecot's SQL driver config (connect = host=... dbname=... user=... password=...)
])
export type DbCredentialSource = z.infer<typeof DbCredentialSource>

/** How the tunnel reaches the database on the server: its TCP port or its unix socket. */
export const DbVia = z.enum(['tcp', 'socket'])
export type DbVia = z.infer<typeof DbVia>

const AbsolutePath = z.string().trim().min(2).max(1024).regex(/^\//, 'an absolute path on the server')
const DbIdentifier = z.string().trim().min(1, 'required').max(80)

/**
 * What the user sets when discovery finds nothing or the wrong thing. Every field is optional: a set
 * field replaces the discovered one. `socket` wins over `host`/`port`. The password is never here; it
 * is a secret of kind `db` in the SecretStore.
 */
export const DbOverride = z.object({
  host: HostName.optional(),
  port: Port.optional(),
  socket: AbsolutePath.optional(),
  user: DbIdentifier.optional(),
  name: DbIdentifier.optional(),
})
export type DbOverride = z.infer<typeof DbOverride>

/** The result of `db.check`: the tunnel works, and what is at its end. Never holds the password. */
export const DbCheck = z.object({
  serverId: z.string(),
  /** e.g. 10.11.19-MariaDB-0+deb12u1 */
  serverVersion: z.string(),
  flavor: z.enum(['mariadb', 'mysql']),
  /** PostfixAdmin's `config` table, name = 'version' (e.g. 1847); null when the table is absent. */
  schemaVersion: z.number().int().nullable(),
  database: z.string(),
  user: z.string(),
  source: DbCredentialSource,
  /** The file the credentials were read from (for override: null). */
  sourceFile: z.string().nullable(),
  via: DbVia,
  /** `127.0.0.1:3306` or `/run/mysqld/mysqld.sock`, as seen from the server. */
  endpoint: z.string(),
  /** The median of 5 × `SELECT 1` through the tunnel on one pooled connection. */
  roundTripMs: z.number(),
  checkedAt: z.string(),
  /** e.g. "socket forwarding refused by sshd; used TCP 127.0.0.1:3306 instead" */
  warnings: z.array(z.string()),
})
export type DbCheck = z.infer<typeof DbCheck>
