import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { ConfigFile } from '../../../shared/config/config-set'

export const FIXTURES = join(import.meta.dirname, '../../fixtures/configs')

/** Reads a fixture tree (laid out like the server's file system) into files with server paths. */
export function fixtureFiles(dir: string, keep: (serverPath: string) => boolean = () => true): ConfigFile[] {
  const root = join(FIXTURES, dir)
  const out: ConfigFile[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e)
      if (statSync(p).isDirectory()) walk(p)
      else {
        const path = '/' + relative(root, p)
        if (keep(path)) out.push({ path, text: readFileSync(p, 'utf8') })
      }
    }
  }
  walk(root)
  return out
}

export const fixtureText = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8')
