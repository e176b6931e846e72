import { editDistance } from '../edit-distance'
import { findingAt, relatedAt, type Finding } from '../finding'
import { normalizePath } from '../glob-match'
import type { DovecotSettingNode } from '../dovecot/dovecot-tree'
import type { CrossContext } from './cross-context'
import { sideFileSetting } from './dovecot-view'

/** The fixed directory a mail_location points into (before the first %variable), or undefined for ~/ paths. */
export function mailLocationRoot(location: string): { root: string; pathFrom: number; pathTo: number } | undefined {
  const m = /^([a-z0-9]+):/i.exec(location)
  const pathFrom = m ? (m[0] as string).length : 0
  let pathTo = location.indexOf(':', pathFrom)
  if (pathTo === -1) pathTo = location.length
  const path = location.slice(pathFrom, pathTo)
  if (!path.startsWith('/')) return undefined
  const fixed = path.split('%')[0] as string
  const root = fixed.endsWith('/') ? fixed : fixed.slice(0, fixed.lastIndexOf('/') + 1)
  return { root: normalizePath(root || '/'), pathFrom, pathTo }
}

const within = (path: string, base: string) => path === base || path.startsWith(base.endsWith('/') ? base : base + '/')

/** The first path component where two paths differ, for "did you mean" on typos like maiuser/mailuser. */
function differingComponents(a: string, b: string): [string, string] | undefined {
  const pa = a.split('/')
  const pb = b.split('/')
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return [pa[i] as string, pb[i] as string]
  return undefined
}

/**
 * Dovecot's mail_location must point into Postfix's virtual_mailbox_base: with virtual(8) delivery
 * Postfix writes there and Dovecot reads from mail_location; with LMTP Dovecot writes to mail_location,
 * so a path outside the base that the admin set up (and backs up) is almost always a typo.
 */
export function checkMailboxRoot(ctx: CrossContext): Finding[] {
  const { postfix: model, dovecot } = ctx
  const base = model?.main.get('virtual_mailbox_base')
  if (!model || !dovecot || !base || !base.value.trim()) return []
  const baseDir = normalizePath(model.expand(base.value.trim()))
  const transport = (model.effective('virtual_transport') ?? 'virtual').trim()
  const lmtp = transport.startsWith('lmtp:')
  const loc = (lmtp ? dovecot.setting('mail_location', 'lmtp') : undefined) ?? dovecot.setting('mail_location')
  if (!loc) return []
  const parsed = mailLocationRoot(loc.value)
  if (!parsed || within(parsed.root, baseDir)) return []
  const diff = differingComponents(parsed.root, baseDir)
  const typo = diff && editDistance(diff[0], diff[1], 3) <= 2
  const where = ctx.located(loc.file)
  if (!where) return []
  const span = { from: loc.valueSpan.from + parsed.pathFrom, to: loc.valueSpan.from + parsed.pathTo }
  return [
    findingAt(where, span, {
      severity: typo || !lmtp ? 'error' : 'warning',
      code: 'cross.mail-location-outside-base',
      message:
        `Dovecot's mail_location stores mail under ${parsed.root}, but Postfix's virtual_mailbox_base is ${baseDir}` +
        (typo ? `: "${diff[0]}" looks like a typo of "${diff[1]}"` : '') +
        (lmtp
          ? `. Dovecot LMTP delivers into ${parsed.root}, which the mail user usually cannot create, so deliveries are deferred`
          : `. Postfix's virtual delivery writes under ${baseDir} while Dovecot reads ${parsed.root}: users see empty mailboxes`),
      hint: `Make both the same directory, e.g. mail_location = ${loc.value.slice(0, parsed.pathFrom)}${baseDir}/${loc.value.slice(parsed.pathFrom).replace(/^\/.*?(?=%|$)/, '')}`,
      related: [relatedAt(base.where, base.valueSpan.from, `virtual_mailbox_base = ${base.value}`)],
    }),
  ]
}

/**
 * Dovecot refuses to access mail of users outside first_valid_uid..last_valid_uid (and gid): the uid
 * Postfix stores mail as (virtual_uid_maps = static:N) and the uid Dovecot's userdb returns must fit.
 */
export function checkUidRange(ctx: CrossContext): Finding[] {
  const { postfix: model, dovecot } = ctx
  if (!model || !dovecot) return []
  const out: Finding[] = []
  for (const [map, kind] of [
    ['virtual_uid_maps', 'uid'],
    ['virtual_gid_maps', 'gid'],
  ] as const) {
    const s = model.main.get(map)
    const m = s && /^static:(\d+)$/.exec(model.expand(s.value).trim())
    if (!s || !m) continue
    const id = Number(m[1])
    const firstNode = dovecot.setting(`first_valid_${kind}`)
    const lastNode = dovecot.setting(`last_valid_${kind}`)
    const first = Number(dovecot.value(`first_valid_${kind}`) ?? (kind === 'uid' ? 500 : 1))
    const last = Number(dovecot.value(`last_valid_${kind}`) ?? 0)
    if (id >= first && (last === 0 || id <= last)) continue
    const blame: DovecotSettingNode | undefined = id < first ? firstNode : lastNode
    const range = `${first}..${last === 0 ? '(no limit)' : last}`
    const message = `Postfix stores virtual mail as ${kind} ${id} (${map} = static:${id}), but Dovecot only accepts ${kind}s ${range} (first_valid_${kind}/last_valid_${kind}): it refuses to open those mailboxes ("Mail access for users with ${kind} ${id} not permitted")`
    const hint = id < first ? `Set first_valid_${kind} = ${id} in Dovecot, or use a ${kind} of at least ${first}.` : `Set last_valid_${kind} = ${id} (or 0 for no limit) in Dovecot.`
    const where = blame && ctx.located(blame.file)
    out.push(
      where && blame
        ? findingAt(where, blame.valueSpan, { severity: 'error', code: 'cross.uid-outside-dovecot-range', message, hint, related: [relatedAt(s.where, s.valueSpan.from, `${map} = ${s.value}`)] })
        : findingAt(s.where, s.valueSpan, { severity: 'error', code: 'cross.uid-outside-dovecot-range', message, hint }),
    )
  }
  // The uid the sql userdb hands Dovecot should be the one Postfix writes files as.
  const uidMap = model.main.get('virtual_uid_maps')
  const postfixUid = uidMap && /^static:(\d+)$/.exec(model.expand(uidMap.value).trim())?.[1]
  if (postfixUid && (model.effective('virtual_transport') ?? 'virtual').trim() === 'virtual')
    for (const [, side] of ctx.dovecotSideFiles) {
      const q = sideFileSetting(side.lines, 'user_query')
      const sqlUid = q && /(\d+)\s+AS\s+uid\b/i.exec(q.value)?.[1]
      if (q && sqlUid && sqlUid !== postfixUid)
        out.push(
          findingAt(side.where, q.valueSpan, {
            severity: 'warning',
            code: 'cross.uid-mismatch',
            message: `Dovecot's user_query returns uid ${sqlUid}, but Postfix's virtual delivery writes mail as uid ${postfixUid}: Dovecot cannot read the files Postfix creates`,
            hint: `Use the same uid in both (virtual_uid_maps = static:${sqlUid} or ${postfixUid} AS uid).`,
            related: [relatedAt(uidMap.where, uidMap.valueSpan.from, `virtual_uid_maps = ${uidMap.value}`)],
          }),
        )
    }
  return out
}
