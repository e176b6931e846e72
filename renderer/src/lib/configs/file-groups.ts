import type { ConfigOwner, WorkspaceFile } from '../../../../shared/domain/config-workspace'

export const OWNER_ORDER: readonly ConfigOwner[] = ['postfix', 'dovecot', 'apache', 'postfixadmin', 'aliases']

export interface FileGroup {
  owner: ConfigOwner
  files: WorkspaceFile[]
}

/** Files grouped by the service that owns them (fixed order), main files first, then by path. */
export function groupFilesByOwner(files: readonly WorkspaceFile[]): FileGroup[] {
  const rank = (f: WorkspaceFile) => (/\/(main\.cf|dovecot\.conf)$/.test(f.path) ? 0 : /\/master\.cf$/.test(f.path) ? 1 : 2)
  return OWNER_ORDER.map((owner) => ({
    owner,
    files: files.filter((f) => f.owner === owner).sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  })).filter((g) => g.files.length > 0)
}

/** The name shown in the list: the path without the owner's usual directory. */
export function shortPath(path: string): string {
  return path.replace(/^\/etc\/(postfix|dovecot)\//, '')
}
