// A mailbox's files on the server, through Dovecot's own doveadm (as root, argv only, never a shell):
// the folders of $CONF['create_mailbox_subdirs'] made after a mailbox is created (PostfixAdmin does it
// over IMAP; doveadm needs no password), where a mailbox's mail lives, and removing or moving that
// directory: explicit, confirmed steps apart from the database rows.
import { AppError } from '../../../shared/errors'
import type { PostfixAdminSettings } from '../../../shared/mail/postfixadmin-settings'
import type { ExecOptions, ExecResult } from '../types'

export type RootExec = (argv: string[], opts?: ExecOptions) => Promise<ExecResult>

/** What became of the subfolders of new mailboxes. */
export interface SubfolderOutcome {
  folders: string[]
  /** set when doveadm refused (the mailbox rows stay: they are committed) */
  error?: string
}

/**
 * The folder names of $CONF['create_mailbox_subdirs'] as doveadm takes them: without
 * create_mailbox_subdirs_prefix (PostfixAdmin's IMAP prefix, 'INBOX.'), separators as given.
 */
export function subfolderNames(s: Pick<PostfixAdminSettings, 'createMailboxSubdirs' | 'createMailboxSubdirsPrefix'>): string[] {
  const out: string[] = []
  for (const raw of s.createMailboxSubdirs) {
    let name = raw.trim()
    if (s.createMailboxSubdirsPrefix && name.startsWith(s.createMailboxSubdirsPrefix)) name = name.slice(s.createMailboxSubdirsPrefix.length)
    // doveadm takes names as arguments: refuse what could read as an option or carries control characters
    if (name === '' || name.startsWith('-') || [...name].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) || out.includes(name)) continue
    out.push(name)
  }
  return out
}

const onlyExists = (stderr: string): boolean =>
  stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .every((l) => /Mailbox already exists/i.test(l))

/**
 * `doveadm mailbox create -s` of `folders` for each user (subscribed, like PostfixAdmin's IMAP way).
 * Many users go in one doveadm run (-F reads the user names from stdin).
 */
export async function createSubfolders(exec: RootExec, usernames: readonly string[], folders: readonly string[]): Promise<SubfolderOutcome> {
  if (!folders.length || !usernames.length) return { folders: [] }
  // many users: the names go on stdin into a temp file for -F (/dev/stdin cannot be opened when stdin
  // is a socket); the script is fixed text, the folder names are its arguments
  const argv =
    usernames.length === 1
      ? ['doveadm', 'mailbox', 'create', '-s', '-u', usernames[0] as string, ...folders]
      : ['sh', '-c', 'f=$(mktemp) || exit 75; cat > "$f"; doveadm mailbox create -s -F "$f" "$@"; rc=$?; rm -f "$f"; exit $rc', 'postdesk-subfolders', ...folders]
  const r = await exec(argv, { timeoutMs: 120_000, ...(usernames.length === 1 ? {} : { stdin: usernames.join('\n') + '\n' }) })
  if (r.code === 0 || onlyExists(r.stderr)) return { folders: [...folders] }
  return { folders: [], error: `doveadm mailbox create failed (exit ${r.code}): ${r.stderr.trim().slice(0, 500)}` }
}

export interface MaildirLocation {
  path: string
  bytes: number
}

/**
 * Where Dovecot keeps the user's mail (doveadm mailbox path of INBOX: the Maildir root), and its size.
 * null when Dovecot does not know the user or the directory does not exist (nothing to remove).
 * Refuses a path that is not the mailbox's own directory (it must end with the maildir column, or
 * domain/local_part), so a removal can never reach a shared parent.
 */
export async function locateMaildir(exec: RootExec, m: { username: string; maildir: string; localPart: string; domain: string }): Promise<MaildirLocation | null> {
  const r = await exec(['doveadm', 'mailbox', 'path', '-u', m.username, 'INBOX'], { timeoutMs: 30_000 })
  if (r.code !== 0) return null
  const path = r.stdout.trim().split('\n')[0]?.trim() ?? ''
  checkOwnDirectory(path, m)
  const du = await exec(['du', '-sb', '--', path], { timeoutMs: 60_000 })
  if (du.code !== 0) return null
  return { path, bytes: Number(/^(\d+)/.exec(du.stdout)?.[1] ?? 0) }
}

export function checkOwnDirectory(path: string, m: { maildir: string; localPart: string; domain: string }): void {
  const clean = path.replace(/\/+$/, '')
  const parts = clean.split('/')
  const tails = [m.maildir.replace(/^\/+|\/+$/g, ''), `${m.domain}/${m.localPart}`].filter((t) => t.length > 0)
  const ok =
    path.startsWith('/') &&
    !parts.some((p) => p === '..' || p === '.') &&
    parts.length >= 4 && // /base/domain/user at least
    tails.some((t) => clean.endsWith(`/${t}`))
  if (!ok) throw new AppError('unsupported', `Dovecot keeps this mailbox's mail at ${path}, which is not a directory of its own (it should end with ${tails[0] ?? m.localPart}); Postdesk will not remove or move it.`, { path })
}

/** Removes the mailbox's Maildir (after its rows are gone). */
export async function removeMaildir(exec: RootExec, path: string, m: { maildir: string; localPart: string; domain: string }): Promise<void> {
  checkOwnDirectory(path, m)
  const r = await exec(['rm', '-rf', '--one-file-system', '--', path], { timeoutMs: 300_000 })
  if (r.code !== 0) throw new AppError('remote-failed', `The Maildir ${path} could not be removed (exit ${r.code}): ${r.stderr.trim().slice(0, 500)}`, { path })
}

/**
 * Moves a Maildir to where Dovecot will look for the renamed mailbox (its parent is made with the
 * same owner and mode as the old parent). Refuses when the target exists.
 */
export async function moveMaildir(exec: RootExec, from: string, to: string): Promise<void> {
  const parent = to.replace(/\/+$/, '').replace(/\/[^/]+$/, '')
  const oldParent = from.replace(/\/+$/, '').replace(/\/[^/]+$/, '')
  const exists = await exec(['test', '-e', to], { timeoutMs: 30_000 })
  if (exists.code === 0) throw new AppError('conflict', `${to} already exists on the server; nothing was moved.`, { path: to })
  for (const argv of [['mkdir', '-p', '--', parent], ['chown', `--reference=${oldParent}`, '--', parent], ['chmod', `--reference=${oldParent}`, '--', parent]]) {
    const r = await exec(argv, { timeoutMs: 30_000 })
    if (r.code !== 0) throw new AppError('remote-failed', `${argv[0]} ${parent} failed (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`)
  }
  const mv = await exec(['mv', '-T', '--', from.replace(/\/+$/, ''), to.replace(/\/+$/, '')], { timeoutMs: 300_000 })
  if (mv.code !== 0) throw new AppError('remote-failed', `The Maildir could not be moved from ${from} to ${to} (exit ${mv.code}): ${mv.stderr.trim().slice(0, 500)}`)
}

/** Dovecot's own quota figures of a mailbox (doveadm quota get): bytes and messages used, and the limits. */
export interface QuotaUsage {
  bytes: number
  limitBytes: number | null
  messages: number
  limitMessages: number | null
}

/**
 * doveadm quota get for many users in one run (-F reads the names; STORAGE is in KiB). Users Dovecot
 * does not know (inactive) are absent. For servers whose quota backend is not PostfixAdmin's quota2
 * dict (e.g. maildir++), this is where the usage is.
 */
export async function quotaUsage(exec: RootExec, usernames: readonly string[]): Promise<Record<string, QuotaUsage>> {
  const out: Record<string, QuotaUsage> = {}
  if (!usernames.length) return out
  const r = await exec(['sh', '-c', 'f=$(mktemp) || exit 75; cat > "$f"; doveadm -f tab quota get -F "$f"; rc=$?; rm -f "$f"; exit $rc'], { stdin: usernames.join('\n') + '\n', timeoutMs: 60_000 })
  for (const line of r.stdout.split('\n').slice(1)) {
    const [user, , type, value, limit] = line.split('\t')
    if (!user || !type || value === undefined) continue
    const u = (out[user] ??= { bytes: 0, limitBytes: null, messages: 0, limitMessages: null })
    const lim = limit === undefined || limit === '-' || limit === '' ? null : Number(limit)
    if (type === 'STORAGE') {
      u.bytes = Number(value) * 1024
      u.limitBytes = lim === null ? null : lim * 1024
    } else if (type === 'MESSAGE') {
      u.messages = Number(value)
      u.limitMessages = lim
    }
  }
  if (r.code !== 0 && Object.keys(out).length === 0) throw new AppError('remote-failed', `doveadm quota get failed (exit ${r.code}): ${r.stderr.trim().slice(0, 500)}`)
  return out
}

/**
 * The domain's directory of Maildirs, found through one of its active mailboxes (Dovecot's path of it
 * minus the local part): it must end with /domain, so removing it can never reach the base directory.
 * null when the domain has no mailbox Dovecot knows, or no such directory.
 */
export async function locateDomainDir(exec: RootExec, domain: string, anyMailbox: { username: string; maildir: string; localPart: string; domain: string } | undefined): Promise<MaildirLocation | null> {
  if (!anyMailbox) return null
  const r = await exec(['doveadm', 'mailbox', 'path', '-u', anyMailbox.username, 'INBOX'], { timeoutMs: 30_000 })
  if (r.code !== 0) return null
  const path = (r.stdout.trim().split('\n')[0] ?? '').trim().replace(/\/+$/, '')
  checkOwnDirectory(path, anyMailbox)
  const dir = path.slice(0, path.lastIndexOf('/'))
  checkDomainDirectory(dir, domain)
  const du = await exec(['du', '-sb', '--', dir], { timeoutMs: 120_000 })
  if (du.code !== 0) return null
  return { path: dir, bytes: Number(/^(\d+)/.exec(du.stdout)?.[1] ?? 0) }
}

export function checkDomainDirectory(dir: string, domain: string): void {
  const parts = dir.split('/')
  if (!dir.startsWith('/') || parts.some((p) => p === '..' || p === '.') || parts.length < 3 || parts[parts.length - 1] !== domain) {
    throw new AppError('unsupported', `Dovecot keeps the mail of ${domain} under ${dir}, which is not a directory of the domain's own; Postdesk will not remove it.`, { path: dir })
  }
}

/** Removes a domain's directory of Maildirs (after its rows are gone). */
export async function removeDomainDir(exec: RootExec, dir: string, domain: string): Promise<void> {
  checkDomainDirectory(dir, domain)
  const r = await exec(['rm', '-rf', '--one-file-system', '--', dir], { timeoutMs: 600_000 })
  if (r.code !== 0) throw new AppError('remote-failed', `The directory ${dir} could not be removed (exit ${r.code}): ${r.stderr.trim().slice(0, 500)}`, { path: dir })
}
