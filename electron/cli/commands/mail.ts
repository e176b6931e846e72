import { readFile } from 'node:fs/promises'
import { InvalidArgumentError, type Command } from 'commander'
import type { AdminRow, AliasDomainRow, AliasRow, DeleteSummary, DomainRow, ListQuery, MailboxRow } from '../../../shared/domain/mail'
import { AppError } from '../../../shared/errors'
import { toUnicodeDomain, toUnicodeEmail } from '../../../shared/mail/idn'
import type { Services } from '../../services/types'
import { CliFailure, printJson, type CliContext } from '../cli-context'
import { formatCliError } from '../format-error'
import { textTable } from '../text-table'

interface ListOpts {
  search?: string
  sort?: string
  desc?: boolean
  offset?: number
  limit?: number
  json?: boolean
}

const int = (v: string): number => {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('a whole number.')
  return Number(v)
}
const yesNo = (v: string): boolean => {
  if (/^(1|yes|true|on)$/i.test(v)) return true
  if (/^(0|no|false|off)$/i.test(v)) return false
  throw new InvalidArgumentError('yes or no.')
}
const list = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)]

/** The server's profile id, connected (SSH errors worded for the terminal). */
async function connected(ctx: CliContext, name: string): Promise<{ s: Services; id: string }> {
  const s = await ctx.services()
  const profile = await s.profiles.get(name)
  try {
    await s.connections.connect(profile.id)
  } catch (e) {
    throw new CliFailure(formatCliError(e, { server: profile.id }), e)
  }
  return { s, id: profile.id }
}

/** A password from the terminal (asked twice, no echo) or stdin; never from argv. */
async function readPassword(ctx: CliContext, what: string): Promise<string> {
  let value: string
  if (ctx.io.stdinIsTty && ctx.io.promptSecret) {
    value = await ctx.io.promptSecret(`Password for ${what}: `)
    const again = await ctx.io.promptSecret('Again: ')
    if (again !== value) throw new AppError('invalid-input', 'The two passwords differ; nothing changed.')
  } else if (ctx.io.readStdin) {
    value = (await ctx.io.readStdin()).toString('utf8').replace(/\r?\n$/, '')
  } else {
    throw new AppError('unsupported', 'No standard input to read the password from.')
  }
  if (!value) throw new AppError('invalid-input', 'No password given (type it, or pipe it on stdin); nothing changed.')
  return value
}

function listOptions(c: Command): Command {
  return c
    .option('--search <text>', 'only rows containing this text')
    .option('--sort <column>', 'sort by this column')
    .option('--desc', 'sort descending')
    .option('--offset <n>', 'skip this many rows', int)
    .option('--limit <n>', 'at most this many rows (default 50)', int)
    .option('--json', 'print the page as JSON')
}

function query(o: ListOpts): ListQuery {
  return { search: o.search ?? '', desc: o.desc ?? false, offset: o.offset ?? 0, limit: o.limit ?? 50, ...(o.sort ? { sort: o.sort } : {}) }
}

const limitText = (n: number): string => (n < 0 ? 'disabled' : n === 0 ? '∞' : String(n))

async function confirmDelete(ctx: CliContext, summary: DeleteSummary, yes: boolean | undefined): Promise<void> {
  const removed = Object.entries(summary.removed)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t}: ${n}`)
    .join(', ')
  if (yes) return
  if (!ctx.io.stdinIsTty) throw new AppError('invalid-input', `Deleting ${summary.target} removes ${removed || 'nothing else'}; add --yes to confirm.`)
  if (!(await ctx.io.confirm(`Delete ${summary.target}? This removes ${removed}. [y/N] `))) throw new AppError('cancelled', 'Nothing deleted.')
}

function printDeleted(ctx: CliContext, summary: DeleteSummary, json?: boolean): void {
  if (json) return printJson(ctx, summary)
  ctx.io.out(`Deleted ${summary.target} (${Object.entries(summary.removed).map(([t, n]) => `${t}: ${n}`).join(', ')}).\n`)
}

/** `postdesk domain|mailbox|alias|aliasdomain|admin …`, `import|export mailboxes` over PostfixAdmin's tables. */
export function registerMail(program: Command, ctx: CliContext): void {
  const domain = program.command('domain').description("PostfixAdmin's domains on a server")
  listOptions(domain.command('list').description('list the domains with counts and limits').argument('<server>', 'server name or id')).action(async (server: string, o: ListOpts) => {
    const { s, id } = await connected(ctx, server)
    const page = await s.mail.listDomains(id, query(o))
    if (o.json) return printJson(ctx, page)
    ctx.io.out(textTable([['DOMAIN', 'MAILBOXES', 'ALIASES', 'QUOTA MB', 'ACTIVE', 'DESCRIPTION'], ...page.rows.map((d: DomainRow) => [toUnicodeDomain(d.domain), `${d.mailboxCount} / ${limitText(d.mailboxes)}`, `${d.aliasCount} / ${limitText(d.aliases)}`, `${d.quotaAllocatedMb} / ${limitText(d.quota)}`, d.active ? 'yes' : 'no', d.description])]))
    ctx.io.out(`${page.rows.length} of ${page.total}\n`)
  })
  domain
    .command('add')
    .description('add a domain with the server\'s defaults (and its default aliases)')
    .argument('<server>', 'server name or id')
    .argument('<domain>', 'domain name (IDN allowed)')
    .option('--description <text>', 'description', '')
    .option('--aliases <n>', 'alias limit (-1 disabled, 0 unlimited)', int)
    .option('--mailboxes <n>', 'mailbox limit (-1 disabled, 0 unlimited)', int)
    .option('--maxquota <mb>', 'largest mailbox quota, MB', int)
    .option('--quota <mb>', 'domain quota, MB', int)
    .option('--transport <t>', 'transport')
    .option('--no-default-aliases', 'do not add abuse@, postmaster@, …')
    .option('--inactive', 'add it inactive')
    .option('--json', 'print the row as JSON')
    .action(async (server: string, name: string, o: { description: string; aliases?: number; mailboxes?: number; maxquota?: number; quota?: number; transport?: string; defaultAliases: boolean; inactive?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.createDomain(id, {
        domain: name,
        description: o.description,
        defaultAliases: o.defaultAliases,
        active: !o.inactive,
        ...(o.aliases !== undefined ? { aliases: o.aliases } : {}),
        ...(o.mailboxes !== undefined ? { mailboxes: o.mailboxes } : {}),
        ...(o.maxquota !== undefined ? { maxquota: o.maxquota } : {}),
        ...(o.quota !== undefined ? { quota: o.quota } : {}),
        ...(o.transport !== undefined ? { transport: o.transport } : {}),
      })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Added ${toUnicodeDomain(row.domain)}${row.domain !== toUnicodeDomain(row.domain) ? ` (${row.domain})` : ''}.\n`)
    })
  domain
    .command('edit')
    .description('change a domain')
    .argument('<server>', 'server name or id')
    .argument('<domain>', 'domain name')
    .option('--description <text>', 'description')
    .option('--aliases <n>', 'alias limit', int)
    .option('--mailboxes <n>', 'mailbox limit', int)
    .option('--maxquota <mb>', 'largest mailbox quota, MB', int)
    .option('--quota <mb>', 'domain quota, MB', int)
    .option('--transport <t>', 'transport')
    .option('--active <yes|no>', 'active', yesNo)
    .option('--json', 'print the row as JSON')
    .action(async (server: string, name: string, o: { description?: string; aliases?: number; mailboxes?: number; maxquota?: number; quota?: number; transport?: string; active?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const { json, ...patch } = o
      const row = await s.mail.editDomain(id, name, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)))
      if (json) return printJson(ctx, row)
      ctx.io.out(`Changed ${toUnicodeDomain(row.domain)}.\n`)
    })
  domain
    .command('delete')
    .description('delete a domain with all its mailboxes, aliases, alias domains, quota rows, … (one transaction; its Maildirs stay unless --maildir)')
    .argument('<server>', 'server name or id')
    .argument('<domain>', 'domain name')
    .option('--maildir', "also remove the domain's directory of Maildirs (all its mail) on the server")
    .option('--yes', 'do not ask')
    .option('--json', 'print what was removed as JSON')
    .action(async (server: string, name: string, o: { maildir?: boolean; yes?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const preview = await s.mail.previewDeleteDomain(id, name)
      if (o.maildir && preview.maildir) preview.removed = { ...preview.removed, [`Maildirs ${preview.maildir.path} (${preview.maildir.bytes} bytes)`]: 1 }
      await confirmDelete(ctx, preview, o.yes)
      const done = await s.mail.deleteDomain(id, name, undefined, { deleteMaildir: o.maildir ?? false })
      printDeleted(ctx, done, o.json)
      if (!o.json && done.maildir?.removed) ctx.io.out(`Removed ${done.maildir.path}.\n`)
      else if (!o.json && preview.maildir && !o.maildir) ctx.io.out(`${preview.maildir.path} stays on the server (--maildir removes it).\n`)
    })

  const mailbox = program.command('mailbox').description("PostfixAdmin's mailboxes on a server")
  listOptions(mailbox.command('list').description('list mailboxes (quota and usage)').argument('<server>', 'server name or id').option('--domain <domain>', 'only this domain')).action(async (server: string, o: ListOpts & { domain?: string }) => {
    const { s, id } = await connected(ctx, server)
    const page = await s.mail.listMailboxes(id, o.domain, query(o))
    if (o.json) return printJson(ctx, page)
    ctx.io.out(textTable([['MAILBOX', 'NAME', 'QUOTA MB', 'USED', 'ACTIVE', 'FORWARDS'], ...page.rows.map((m: MailboxRow) => [toUnicodeEmail(m.username), m.name, limitText(m.quotaMb), String(m.usedBytes), m.active ? 'yes' : 'no', m.forwards.join(',') + (m.forwards.length && m.keepCopy ? ' (+keep)' : '')])]))
    ctx.io.out(`${page.rows.length} of ${page.total}\n`)
  })
  mailbox
    .command('add')
    .description('add a mailbox (password typed twice without echo, or from stdin)')
    .argument('<server>', 'server name or id')
    .argument('<address>', 'local@domain')
    .option('--name <name>', 'full name', '')
    .option('--quota <mb>', 'quota in MB (default: the domain\'s maxquota)', int)
    .option('--inactive', 'add it inactive')
    .option('--json', 'print the row as JSON')
    .action(async (server: string, address: string, o: { name: string; quota?: number; inactive?: boolean; json?: boolean }) => {
      const at = address.lastIndexOf('@')
      if (at <= 0) throw new AppError('invalid-input', `"${address}" is not local@domain.`)
      const password = await readPassword(ctx, address)
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.createMailbox(id, { localPart: address.slice(0, at), domain: address.slice(at + 1), name: o.name, password, active: !o.inactive, ...(o.quota !== undefined ? { quotaMb: o.quota } : {}) })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Added ${toUnicodeEmail(row.username)} (${row.maildir}).\n`)
      if (row.subfolders?.folders.length) ctx.io.out(`Folders made on the server: ${row.subfolders.folders.join(', ')}.\n`)
      if (row.subfolders?.error) ctx.io.err(`The mailbox was added, but its folders were not made: ${row.subfolders.error}\n`)
    })
  mailbox
    .command('edit')
    .description('change a mailbox')
    .argument('<server>', 'server name or id')
    .argument('<address>', 'the mailbox')
    .option('--name <name>', 'full name')
    .option('--quota <mb>', 'quota in MB', int)
    .option('--active <yes|no>', 'active (its alias follows)', yesNo)
    .option('--forward <address>', 'forward to (repeat or comma-separate; "" clears)', list)
    .option('--keep-copy <yes|no>', 'also keep forwarded mail in the mailbox', yesNo)
    .option('--json', 'print the row as JSON')
    .action(async (server: string, address: string, o: { name?: string; quota?: number; active?: boolean; forward?: string[]; keepCopy?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.editMailbox(id, address, {
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(o.quota !== undefined ? { quotaMb: o.quota } : {}),
        ...(o.active !== undefined ? { active: o.active } : {}),
        ...(o.forward !== undefined ? { forwards: o.forward } : {}),
        ...(o.keepCopy !== undefined ? { keepCopy: o.keepCopy } : {}),
      })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Changed ${toUnicodeEmail(row.username)}.\n`)
    })
  mailbox
    .command('passwd')
    .description("set a mailbox's password (typed twice without echo, or from stdin)")
    .argument('<server>', 'server name or id')
    .argument('<address>', 'the mailbox')
    .option('--json', 'print the row as JSON')
    .action(async (server: string, address: string, o: { json?: boolean }) => {
      const password = await readPassword(ctx, address)
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.editMailbox(id, address, { password })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Changed the password of ${toUnicodeEmail(row.username)}.\n`)
    })
  mailbox
    .command('delete')
    .description('delete a mailbox and its alias, quota, vacation and fetchmail rows (the Maildir on disk stays unless --maildir)')
    .argument('<server>', 'server name or id')
    .argument('<address>', 'the mailbox')
    .option('--maildir', 'also remove its Maildir (all its mail) on the server')
    .option('--yes', 'do not ask')
    .option('--json', 'print what was removed as JSON')
    .action(async (server: string, address: string, o: { maildir?: boolean; yes?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const preview = await s.mail.previewDeleteMailbox(id, address)
      if (o.maildir && preview.maildir) preview.removed = { ...preview.removed, [`Maildir ${preview.maildir.path} (${preview.maildir.bytes} bytes)`]: 1 }
      await confirmDelete(ctx, preview, o.yes)
      const done = await s.mail.deleteMailbox(id, address, undefined, { deleteMaildir: o.maildir ?? false })
      printDeleted(ctx, done, o.json)
      if (!o.json && done.maildir?.removed) ctx.io.out(`Removed the Maildir ${done.maildir.path}.\n`)
      else if (!o.json && preview.maildir && !o.maildir) ctx.io.out(`The Maildir ${preview.maildir.path} stays on the server (--maildir removes it).\n`)
    })
  mailbox
    .command('rename')
    .description('rename a mailbox and/or move it to another domain; aliases naming it follow, its Maildir moves with it')
    .argument('<server>', 'server name or id')
    .argument('<address>', 'the mailbox')
    .argument('<new-address>', 'new local@domain')
    .option('--keep-maildir', 'do not move the Maildir on the server')
    .option('--json', 'print the result as JSON')
    .action(async (server: string, address: string, next: string, o: { keepMaildir?: boolean; json?: boolean }) => {
      const at = next.lastIndexOf('@')
      if (at <= 0) throw new AppError('invalid-input', `"${next}" is not local@domain.`)
      const { s, id } = await connected(ctx, server)
      const r = await s.mail.renameMailbox(id, address, { localPart: next.slice(0, at), domain: next.slice(at + 1) }, undefined, { moveMaildir: !o.keepMaildir })
      if (o.json) return printJson(ctx, r)
      ctx.io.out(`Renamed ${toUnicodeEmail(r.from)} to ${toUnicodeEmail(r.mailbox.username)}; ${r.aliasesRepointed} other alias(es) now point to it.\n`)
      if (r.maildir) ctx.io.out(`Moved its Maildir ${r.maildir.from} -> ${r.maildir.to}.\n`)
      if (r.warning) ctx.io.err(`${r.warning}\n`)
    })

  const alias = program.command('alias').description("PostfixAdmin's aliases on a server")
  listOptions(alias.command('list').description('list aliases').argument('<server>', 'server name or id').option('--domain <domain>', 'only this domain').option('--with-mailboxes', "include mailboxes' own alias rows")).action(
    async (server: string, o: ListOpts & { domain?: string; withMailboxes?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const page = await s.mail.listAliases(id, o.domain, query(o), o.withMailboxes ?? false)
      if (o.json) return printJson(ctx, page)
      ctx.io.out(textTable([['ALIAS', 'GOES TO', 'ACTIVE'], ...page.rows.map((a: AliasRow) => [a.catchAll ? `*@${toUnicodeDomain(a.domain)}` : toUnicodeEmail(a.address), a.goto.join(', '), a.active ? 'yes' : 'no'])]))
      ctx.io.out(`${page.rows.length} of ${page.total}\n`)
    },
  )
  alias
    .command('add')
    .description('add an alias (local@domain, or *@domain for a catch-all)')
    .argument('<server>', 'server name or id')
    .argument('<address>', 'the alias address')
    .requiredOption('--goto <address>', 'target (repeat or comma-separate)', list)
    .option('--inactive', 'add it inactive')
    .option('--json', 'print the row as JSON')
    .action(async (server: string, address: string, o: { goto: string[]; inactive?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.createAlias(id, { address, goto: o.goto, active: !o.inactive })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Added ${row.address} -> ${row.goto.join(', ')}.\n`)
    })
  alias
    .command('edit')
    .description('change an alias')
    .argument('<server>', 'server name or id')
    .argument('<address>', 'the alias address')
    .option('--goto <address>', 'the new targets (repeat or comma-separate)', list)
    .option('--active <yes|no>', 'active', yesNo)
    .option('--json', 'print the row as JSON')
    .action(async (server: string, address: string, o: { goto?: string[]; active?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.editAlias(id, address, { ...(o.goto !== undefined ? { goto: o.goto } : {}), ...(o.active !== undefined ? { active: o.active } : {}) })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Changed ${row.address} -> ${row.goto.join(', ')}.\n`)
    })
  alias
    .command('delete')
    .description('delete an alias (not a mailbox\'s own)')
    .argument('<server>', 'server name or id')
    .argument('<address>', 'the alias address')
    .option('--json', 'print what was removed as JSON')
    .action(async (server: string, address: string, o: { json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      printDeleted(ctx, await s.mail.deleteAlias(id, address), o.json)
    })

  const aliasDomain = program.command('aliasdomain').description("PostfixAdmin's alias domains on a server")
  listOptions(aliasDomain.command('list').description('list alias domains').argument('<server>', 'server name or id')).action(async (server: string, o: ListOpts) => {
    const { s, id } = await connected(ctx, server)
    const page = await s.mail.listAliasDomains(id, query(o))
    if (o.json) return printJson(ctx, page)
    ctx.io.out(textTable([['ALIAS DOMAIN', 'TARGET', 'ACTIVE'], ...page.rows.map((a: AliasDomainRow) => [toUnicodeDomain(a.aliasDomain), toUnicodeDomain(a.targetDomain), a.active ? 'yes' : 'no'])]))
    ctx.io.out(`${page.rows.length} of ${page.total}\n`)
  })
  aliasDomain
    .command('add')
    .description('make an existing domain an alias of another')
    .argument('<server>', 'server name or id')
    .argument('<alias-domain>', 'the alias domain (must exist as a domain)')
    .requiredOption('--target <domain>', 'the domain it stands for')
    .option('--inactive', 'add it inactive')
    .option('--json', 'print the row as JSON')
    .action(async (server: string, name: string, o: { target: string; inactive?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.createAliasDomain(id, { aliasDomain: name, targetDomain: o.target, active: !o.inactive })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Added ${row.aliasDomain} -> ${row.targetDomain}.\n`)
    })
  aliasDomain
    .command('delete')
    .description('remove an alias domain (the domain itself stays)')
    .argument('<server>', 'server name or id')
    .argument('<alias-domain>', 'the alias domain')
    .option('--json', 'print what was removed as JSON')
    .action(async (server: string, name: string, o: { json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      printDeleted(ctx, await s.mail.deleteAliasDomain(id, name), o.json)
    })

  const admin = program.command('admin').description("PostfixAdmin's admins on a server (superadmins and domain admins)")
  listOptions(admin.command('list').description('list admins with their domains').argument('<server>', 'server name or id')).action(async (server: string, o: ListOpts) => {
    const { s, id } = await connected(ctx, server)
    const page = await s.mail.listAdmins(id, query(o))
    if (o.json) return printJson(ctx, page)
    ctx.io.out(textTable([['ADMIN', 'ROLE', 'DOMAINS', 'ACTIVE'], ...page.rows.map((a: AdminRow) => [a.username, a.superadmin ? 'superadmin' : 'domain admin', a.superadmin ? '(all)' : a.domains.map(toUnicodeDomain).join(','), a.active ? 'yes' : 'no'])]))
    ctx.io.out(`${page.rows.length} of ${page.total}\n`)
  })
  admin
    .command('add')
    .description("add an admin who can log in to PostfixAdmin (password typed twice without echo, or from stdin; hashed per $CONF['encrypt'])")
    .argument('<server>', 'server name or id')
    .argument('<username>', 'the login, an email address')
    .option('--superadmin', 'may administer every domain')
    .option('--domain <domain>', 'a domain it administers (repeat or comma-separate)', list)
    .option('--inactive', 'add it inactive')
    .option('--json', 'print the row as JSON')
    .action(async (server: string, username: string, o: { superadmin?: boolean; domain?: string[]; inactive?: boolean; json?: boolean }) => {
      const password = await readPassword(ctx, username)
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.createAdmin(id, { username, password, superadmin: o.superadmin ?? false, domains: o.domain ?? [], active: !o.inactive })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Added ${row.superadmin ? 'superadmin' : 'domain admin'} ${row.username}${row.superadmin ? '' : ` for ${row.domains.map(toUnicodeDomain).join(', ') || 'no domain yet'}`}.\n`)
    })
  admin
    .command('passwd')
    .description("set an admin's password (typed twice without echo, or from stdin)")
    .argument('<server>', 'server name or id')
    .argument('<username>', 'the admin')
    .option('--json', 'print the row as JSON')
    .action(async (server: string, username: string, o: { json?: boolean }) => {
      const password = await readPassword(ctx, username)
      const { s, id } = await connected(ctx, server)
      const row = await s.mail.editAdmin(id, username, { password })
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`Changed the password of ${row.username}.\n`)
    })
  admin
    .command('domains')
    .description('show or change the domains an admin administers, or its superadmin role')
    .argument('<server>', 'server name or id')
    .argument('<username>', 'the admin')
    .option('--set <domain>', 'exactly these domains (repeat or comma-separate; "" for none)', list)
    .option('--add <domain>', 'add domains (repeat or comma-separate)', list)
    .option('--remove <domain>', 'remove domains (repeat or comma-separate)', list)
    .option('--superadmin <yes|no>', 'make it a superadmin, or not', yesNo)
    .option('--active <yes|no>', 'active', yesNo)
    .option('--json', 'print the row as JSON')
    .action(async (server: string, username: string, o: { set?: string[]; add?: string[]; remove?: string[]; superadmin?: boolean; active?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const page = await s.mail.listAdmins(id, { search: username, offset: 0, limit: 1000 })
      const current = page.rows.find((a) => a.username === username.trim().toLowerCase())
      if (!current) throw new AppError('not-found', `The admin "${username}" does not exist.`)
      let domains: string[] | undefined
      if (o.set !== undefined || o.add !== undefined || o.remove !== undefined) {
        const drop = new Set(o.remove ?? [])
        domains = [...new Set([...(o.set ?? current.domains), ...(o.add ?? [])])].filter((d) => !drop.has(d))
      }
      const changed = domains !== undefined || o.superadmin !== undefined || o.active !== undefined
      const row = changed
        ? await s.mail.editAdmin(id, current.username, { ...(domains !== undefined ? { domains } : {}), ...(o.superadmin !== undefined ? { superadmin: o.superadmin } : {}), ...(o.active !== undefined ? { active: o.active } : {}) }, current.version)
        : current
      if (o.json) return printJson(ctx, row)
      ctx.io.out(`${row.username}: ${row.superadmin ? 'superadmin (all domains)' : row.domains.map(toUnicodeDomain).join(', ') || 'no domains'}${row.active ? '' : ' (inactive)'}\n`)
    })
  admin
    .command('remove')
    .description('remove an admin and its domain links (the domains stay)')
    .argument('<server>', 'server name or id')
    .argument('<username>', 'the admin')
    .option('--yes', 'do not ask')
    .option('--json', 'print what was removed as JSON')
    .action(async (server: string, username: string, o: { yes?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, server)
      const page = await s.mail.listAdmins(id, { search: username, offset: 0, limit: 1000 })
      const current = page.rows.find((a) => a.username === username.trim().toLowerCase())
      if (!current) throw new AppError('not-found', `The admin "${username}" does not exist.`)
      await confirmDelete(ctx, { target: current.username, removed: { admin: 1, domain_admins: current.domains.length + (current.superadmin ? 1 : 0) } }, o.yes)
      printDeleted(ctx, await s.mail.deleteAdmin(id, current.username, current.version), o.json)
    })

  const imp = program.command('import').description('bulk imports')
  imp
    .command('mailboxes')
    .description('import mailboxes from a CSV file (address,name,password[,quota_mb,active]); all rows or none, one transaction')
    .argument('<server>', 'server name or id')
    .argument('<file>', 'the CSV file (- for stdin)')
    .option('--dry-run', 'check every row and report, write nothing')
    .option('--json', 'print the verdicts as JSON')
    .action(async (server: string, file: string, o: { dryRun?: boolean; json?: boolean }) => {
      const csv = file === '-' ? ((await ctx.io.readStdin?.())?.toString('utf8') ?? '') : await readFile(file, 'utf8')
      const { s, id } = await connected(ctx, server)
      let last = ''
      const r = await s.mail.importMailboxes(id, csv, {
        dryRun: o.dryRun ?? false,
        onProgress: (phase, done, total) => {
          const line = `${phase} ${done}/${total}`
          if (!o.json && line !== last && (done === total || done % 100 === 0)) ctx.io.err(`${line}\n`)
          last = line
        },
      })
      const bad = r.verdicts.filter((v) => !v.ok)
      if (bad.length) ctx.setExitCode(1)
      if (o.json) return printJson(ctx, r)
      for (const v of bad) ctx.io.out(`line ${v.line}: ${v.address || '-'}: ${v.message ?? v.reason}\n`)
      if (bad.length) ctx.io.out(`${bad.length} of ${r.verdicts.length} rows refused; nothing was written.\n`)
      else if (r.dryRun) ctx.io.out(`All ${r.verdicts.length} rows are good (dry run: nothing written).\n`)
      else ctx.io.out(`Imported ${r.created} mailboxes.\n`)
      if (r.subfolders?.folders.length) ctx.io.out(`Folders made in each on the server: ${r.subfolders.folders.join(', ')}.\n`)
      if (r.subfolders?.error) ctx.io.err(`The mailboxes were imported, but their folders were not made: ${r.subfolders.error}\n`)
    })
  const exp = program.command('export').description('exports')
  exp
    .command('mailboxes')
    .description('print the mailboxes as CSV (no passwords)')
    .argument('<server>', 'server name or id')
    .option('--domain <domain>', 'only this domain')
    .action(async (server: string, o: { domain?: string }) => {
      const { s, id } = await connected(ctx, server)
      ctx.io.out(await s.mail.exportMailboxes(id, o.domain))
    })
}
