import { bundledDovecotCatalog, type DovecotCatalog } from '../../../../shared/config/catalog/dovecot-catalog'
import { bundledPostfixCatalog, postfixCatalogFromPostconf, type PostfixCatalog } from '../../../../shared/config/catalog/postfix-catalog'
import type { WorkspaceCatalogues } from '../../../../shared/domain/config-workspace'
import type { ServerCapture } from './remote-discovery'

/** `name = value` lines (postconf -d/-n) into a record. */
export function parsePostconf(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of (text ?? '').split('\n')) {
    const m = /^([^\s=#]+) =(?: (.*))?$/.exec(line)
    if (m) out[m[1] as string] = m[2] ?? ''
  }
  return out
}

/** The top-level settings of doveconf's output (sections skipped). */
export function parseDoveconfTop(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  let depth = 0
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    if (line === '}') {
      depth = Math.max(0, depth - 1)
      continue
    }
    if (/\{$/.test(line)) {
      depth++
      continue
    }
    if (depth > 0) continue
    const m = /^([^\s=]+) =(?: (.*))?$/.exec(line)
    if (m) out[m[1] as string] = m[2] ?? ''
  }
  return out
}

const doveconfVersion = (text: string | undefined): string | undefined => /^# (\d+\.\d+[.\d]*)/m.exec(text ?? '')?.[1]

/** The catalogues the editor and the lints use: the server's (captured at pull) or the bundled ones. */
export function workspaceCatalogues(c: ServerCapture | null): WorkspaceCatalogues {
  const server = !!c && (!!c.postconfD || !!c.doveconfD)
  const postfixDefaults = c?.postconfD ? parsePostconf(c.postconfD) : bundledPostfixCatalog.parameters
  const dovecotDefaults = c?.doveconfD ? parseDoveconfTop(c.doveconfD) : bundledDovecotCatalog.settings
  return {
    source: server ? 'server' : 'bundled',
    postfixVersion: c?.mailVersion ?? bundledPostfixCatalog.version,
    dovecotVersion: c?.dovecotVersion ?? doveconfVersion(c?.doveconfD) ?? bundledDovecotCatalog.version,
    postfixDefaults,
    postfixValues: parsePostconf(c?.postconfN),
    dovecotDefaults,
    dovecotValues: parseDoveconfTop(c?.doveconfN),
  }
}

/** Catalogues for lintConfigSet: the server's own `postconf -d` / `doveconf -d` on top of the bundled knowledge. */
export function lintCatalogs(c: ServerCapture | null): { postfixCatalog?: PostfixCatalog; dovecotCatalog?: DovecotCatalog } {
  const out: { postfixCatalog?: PostfixCatalog; dovecotCatalog?: DovecotCatalog } = {}
  if (c?.postconfD) out.postfixCatalog = postfixCatalogFromPostconf(c.postconfD)
  if (c?.doveconfD) {
    const settings = parseDoveconfTop(c.doveconfD)
    if (Object.keys(settings).length > 50) out.dovecotCatalog = { ...bundledDovecotCatalog, version: c.dovecotVersion ?? doveconfVersion(c.doveconfD) ?? bundledDovecotCatalog.version, settings }
  }
  return out
}
