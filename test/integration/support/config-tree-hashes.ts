import { createHash } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Every entry under the given folders (the server's, shared with this machine) as path -> sha256 of
 * its bytes (or the symlink's target) with owner, group and mode: compare two of these to prove a
 * configuration is byte-identical, permissions included.
 */
export function treeHashes(...roots: string[]): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (p: string) => {
    const st = lstatSync(p)
    const meta = `${st.uid}:${st.gid}:${(st.mode & 0o7777).toString(8)}`
    if (st.isSymbolicLink()) out.set(p, `link ${readlinkSync(p)} ${meta}`)
    else if (st.isDirectory()) {
      out.set(p, `dir ${meta}`)
      for (const name of readdirSync(p).sort()) walk(join(p, name))
    } else if (st.isFile()) out.set(p, `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${meta}`)
    else out.set(p, `other ${meta}`)
  }
  for (const r of roots) walk(r)
  return out
}

/** The entries that differ between two treeHashes (added, removed or changed), for a readable failure. */
export function treeDiff(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = []
  for (const [k, v] of a) if (b.get(k) !== v) out.push(`${k}: ${v} -> ${b.get(k) ?? 'gone'}`)
  for (const [k, v] of b) if (!a.has(k)) out.push(`${k}: new ${v}`)
  return out
}
