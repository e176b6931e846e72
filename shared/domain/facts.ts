import { z } from 'zod'

const Version = z.object({ version: z.string() }).nullable()

export const InitSystem = z.enum(['systemd', 'sysv', 'openrc', 'unknown'])
export type InitSystem = z.infer<typeof InitSystem>

/** What a server is, read once per connection: everything later areas branch on. */
export const ServerFacts = z.object({
  hostname: z.string(),
  os: z.object({ id: z.string(), name: z.string(), version: z.string(), pretty: z.string() }),
  kernel: z.string(),
  initSystem: InitSystem,
  postfix: Version,
  dovecot: Version,
  database: z.object({ flavor: z.enum(['mariadb', 'mysql']), version: z.string() }).nullable(),
  postfixadmin: z
    .object({
      path: z.string(),
      configPath: z.string().nullable(),
      version: z.string().nullable(),
      schemaVersion: z.number().nullable(),
    })
    .nullable(),
  mailLog: z.string().nullable(),
  firewall: z.object({
    iptables: z.string().nullable(),
    nft: z.string().nullable(),
    firewalld: z.boolean(),
    ufw: z.boolean(),
  }),
  collectedAt: z.string(),
})
export type ServerFacts = z.infer<typeof ServerFacts>
