import { bundledDovecotCatalog, type DovecotCatalog } from '../../../../shared/config/catalog/dovecot-catalog'
import { bundledPostfixCatalog, postfixCatalogFromPostconf, type PostfixCatalog } from '../../../../shared/config/catalog/postfix-catalog'
import type { ConfigFileKind, ConfigSet } from '../../../../shared/config/config-set'
import type { Finding } from '../../../../shared/config/finding'
import type { WorkspaceCatalogues } from '../../../../shared/domain/config-workspace'

/** A workspace file as the linter needs it: its path, kind and the text being edited (or saved). */
export interface LintFile {
  path: string
  kind: string
  mapType?: string
  text: string
}

/** The server's catalogues as the shared linter's catalogue types (bundled lists kept for what postconf/doveconf do not print). */
export interface LintCatalogues {
  postfixVersion?: string
  dovecotVersion?: string
  postfixCatalog?: PostfixCatalog
  dovecotCatalog?: DovecotCatalog
}

export function lintCataloguesOf(c: WorkspaceCatalogues | null): LintCatalogues {
  if (!c) return {}
  const out: LintCatalogues = { postfixVersion: c.postfixVersion, dovecotVersion: c.dovecotVersion }
  if (c.source === 'server' && Object.keys(c.postfixDefaults).length > 0) {
    const postconf = Object.entries(c.postfixDefaults).map(([k, v]) => (v ? `${k} = ${v}` : `${k} =`)).join('\n')
    out.postfixCatalog = { ...postfixCatalogFromPostconf(postconf, bundledPostfixCatalog), version: c.postfixVersion }
  }
  if (c.source === 'server' && Object.keys(c.dovecotDefaults).length > 0) out.dovecotCatalog = { ...bundledDovecotCatalog, version: c.dovecotVersion, settings: c.dovecotDefaults }
  return out
}

const KINDS = new Set<string>([
  'postfix-main', 'postfix-master', 'postfix-map', 'postfix-db-map', 'aliases', 'dovecot', 'dovecot-sql', 'dovecot-dict-sql',
  'dovecot-side', 'postfix-dynamicmaps', 'postfixadmin-php', 'unknown',
])

/**
 * The whole workspace as one ConfigSet (a pulled workspace is complete: a referenced file that is
 * missing is an error), with the edited buffers in place of the saved texts so cross-file findings follow
 * the typing.
 */
export function workspaceLintSet(files: readonly LintFile[], catalogues: LintCatalogues): ConfigSet {
  return {
    files: files.map((f) => ({
      path: f.path,
      text: f.text,
      ...(KINDS.has(f.kind) ? { kind: f.kind as ConfigFileKind } : {}),
      ...(f.mapType ? { mapType: f.mapType } : {}),
    })),
    complete: true,
    ...catalogues,
  }
}

/** Findings grouped by file, each group in the linter's order. */
export function findingsByFile(findings: readonly Finding[]): Record<string, Finding[]> {
  const out: Record<string, Finding[]> = {}
  for (const f of findings) (out[f.file] ??= []).push(f)
  return out
}

export interface FindingCounts {
  error: number
  warning: number
  info: number
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const c: FindingCounts = { error: 0, warning: 0, info: 0 }
  for (const f of findings) c[f.severity]++
  return c
}
