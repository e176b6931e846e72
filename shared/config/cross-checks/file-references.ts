import type { DovecotTree } from '../dovecot/dovecot-tree'
import { lastSetting, walkDovecot } from '../dovecot/dovecot-tree'
import { findFile } from '../config-set'
import { findingAt, type Finding } from '../finding'
import { valueSpanToSource } from '../postfix/main-cf-parser'
import { CONFIG_FILE_TYPES, findMapReferences, mapNamesFile } from '../postfix/map-references'
import type { ParameterSetting, PostfixModel } from '../postfix/postfix-model'
import { RESTRICTION_PARAMETERS } from '../postfix/restriction-names'
import { splitWords } from '../postfix/value-words'
import type { CrossContext } from './cross-context'

import type { MapUse } from '../postfix/map-source-lint'

export type { MapUse }

/** A lookup table file named in main.cf or master.cf. */
export interface PostfixMapUse {
  path: string
  type: string
  use: MapUse
  /** mysql/pgsql/... client config rather than a table source */
  dbConfig: boolean
  proxied: boolean
  setting: ParameterSetting
  from: number
  to: number
}

/** Parameters whose tables Postfix creates and maintains itself (caches), not files the admin writes. */
const CACHE_PARAMETER = /(_cache_database|_cache_map|_cache_name)$|^address_verify_map$|^data_directory$/
const HEADER_CHECKS = /^(smtp_)?(header|mime_header|nested_header|body)_checks$/

/** Every table file main.cf and master.cf name, with how it is used. */
export function collectPostfixMapUses(model: PostfixModel): PostfixMapUse[] {
  const out: PostfixMapUse[] = []
  for (const s of [...model.mainSettings, ...model.overrides]) {
    if (CACHE_PARAMETER.test(s.name) || model.kb.catalog.rawParameters.includes(s.name)) continue
    const isRestriction = RESTRICTION_PARAMETERS.includes(s.name) || model.restrictionClasses.has(s.name)
    for (const ref of findMapReferences(s.value)) {
      if (!mapNamesFile(ref)) continue
      const path = model.expand(ref.name, s.service)
      if (path.includes('$') || !path.startsWith('/')) continue
      out.push({
        path,
        type: ref.type,
        use: isRestriction ? 'access' : HEADER_CHECKS.test(s.name) ? 'header-checks' : 'other',
        dbConfig: CONFIG_FILE_TYPES.has(ref.type),
        proxied: ref.proxied,
        setting: s,
        from: ref.from,
        to: ref.to,
      })
    }
  }
  return out
}

/**
 * Files that configs name but the set does not hold (an error in a pulled workspace, a note for loose
 * files), and proxy: tables that proxymap will refuse because proxy_read_maps does not list them.
 */
export function checkFileReferences(ctx: CrossContext, uses: PostfixMapUse[], trees: DovecotTree[]): Finding[] {
  const out: Finding[] = []
  const missing = (what: string, path: string) =>
    ctx.complete
      ? { severity: 'error' as const, code: 'cross.referenced-file-missing', message: `${what} ${path} does not exist on the server: every lookup through it fails`, hint: `Create ${path}, or fix the path.` }
      : { severity: 'info' as const, code: 'cross.referenced-file-not-given', message: `${what} ${path} is not among the files given, so it was not checked`, hint: `Lint it together with this file to check it too.` }

  for (const u of uses) {
    if (findFile(ctx.set, u.path)) continue
    out.push(findingAt(u.setting.where, valueSpanToSource(u.setting, u.from, u.to), missing(`${u.type} table`, u.path)))
  }

  const model = ctx.postfix
  if (model?.mainFile) {
    const approved = model.expand(model.effective('proxy_read_maps') ?? '') + ' ' + model.expand(model.effective('proxy_write_maps') ?? '')
    const allowed = new Set(splitWords(approved).map((w) => w.text.replace(/^proxy:/, '')))
    for (const s of [...model.mainSettings, ...model.overrides])
      for (const ref of findMapReferences(s.value)) {
        if (!ref.proxied) continue
        const table = model.expand(s.value.slice(ref.from, ref.to), s.service)
        if (allowed.has(table)) continue
        out.push(
          findingAt(s.where, valueSpanToSource(s, ref.from, ref.to), {
            severity: 'error',
            code: 'postfix.proxy-map-not-approved',
            message: `${table} is read through proxymap, but proxy_read_maps does not list it: proxymap refuses it ("is not approved for proxy read access") and every lookup fails`,
            hint: `Add $${s.name} (or the table itself) to proxy_read_maps, e.g. proxy_read_maps = $proxy_read_maps $${s.name}... in Postfix 3.x write the full default list plus $${s.name}.`,
          }),
        )
      }
  }

  for (const tree of trees)
    for (const node of walkDovecot(tree.root)) {
      const where = ctx.located(node.file)
      if (!where) continue
      if (node.kind === 'section' && (node.sectionType === 'passdb' || node.sectionType === 'userdb')) {
        const driver = lastSetting(node, 'driver')?.value
        const args = lastSetting(node, 'args')
        if (!args || !['sql', 'ldap', 'dict'].includes(driver ?? '')) continue
        const path = args.value.trim()
        if (!path.startsWith('/') || findFile(ctx.set, path)) continue
        out.push(findingAt(where, args.valueSpan, missing(`${node.sectionType} ${driver} configuration`, path)))
      }
      if (node.kind === 'setting' && node.parent.sectionType === 'dict') {
        const m = /^(?:proxy:[^:]*:)?(?:mysql|pgsql|sqlite):(\/\S+)/.exec(node.value)
        if (m && !findFile(ctx.set, m[1] as string)) out.push(findingAt(where, node.valueSpan, missing('dict sql configuration', m[1] as string)))
      }
    }
  return out
}
