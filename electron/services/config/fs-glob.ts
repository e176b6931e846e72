import { readdir, stat } from 'node:fs/promises'
import { expandBraces, globToRegExp, hasGlobChars } from '../../../shared/config/glob-match'

/**
 * Files matching a glob(3) pattern on the local disk, sorted in byte order as glob(3) returns them
 * (the order Dovecot reads `!include conf.d/*.conf` in). Directories are not matched.
 */
export async function globFiles(pattern: string): Promise<string[]> {
  const found = new Set<string>()
  for (const p of expandBraces(pattern)) for (const f of await globOne(p)) found.add(f)
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

async function globOne(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/')
  const segments = pattern.split('/').filter(Boolean)
  let bases = [absolute ? '/' : '.']
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string
    const last = i === segments.length - 1
    const next: string[] = []
    for (const base of bases) {
      const join = (name: string) => (base === '/' ? `/${name}` : base === '.' && !absolute ? name : `${base}/${name}`)
      if (!hasGlobChars(seg)) {
        const p = join(seg)
        if (await isKind(p, last ? 'file' : 'dir')) next.push(p)
        continue
      }
      const re = globToRegExp(seg)
      let names: string[]
      try {
        names = await readdir(base)
      } catch {
        continue
      }
      for (const name of names) if (re.test(name) && (await isKind(join(name), last ? 'file' : 'dir'))) next.push(join(name))
    }
    bases = next
  }
  return bases
}

async function isKind(path: string, kind: 'file' | 'dir'): Promise<boolean> {
  try {
    const s = await stat(path)
    return kind === 'file' ? s.isFile() : s.isDirectory()
  } catch {
    return false
  }
}
