import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { kindFromName, type ConfigFile, type ConfigFileKind } from '../../../shared/config/config-set'
import { readDovecotLines } from '../../../shared/config/dovecot/dovecot-lines'
import { resolveRelative } from '../../../shared/config/glob-match'
import { parseMainCf } from '../../../shared/config/postfix/main-cf-parser'
import { parseMasterCf } from '../../../shared/config/postfix/master-cf-parser'
import { findMapReferences, mapNamesFile } from '../../../shared/config/postfix/map-references'
import { globFiles } from './fs-glob'

export interface LoadConfigOptions {
  /**
   * A local directory standing for the server's `/` (a pulled or copied tree): server paths are
   * relative to it. Without it, a file's server path is its absolute local path.
   */
  root?: string
  /** Forces the kind of the files named on the command line. */
  kind?: ConfigFileKind
  mapType?: string
  /**
   * Also read the files the given ones refer to when they exist locally: lookup tables of
   * main.cf/master.cf and Dovecot sql/dict files (Dovecot `!include`s are always read: they are part of
   * the configuration). Without `root`, only references inside the given files' directories are read,
   * so that a desktop's own /etc/aliases never stands in for the server's.
   */
  follow?: boolean
}

export interface LoadedConfigFiles {
  files: ConfigFile[]
  /** server path -> local path, for messages */
  localPaths: Map<string, string>
  /** Files named on the command line that could not be read. */
  unreadable: { path: string; reason: string }[]
}

/** Reads local config files into a ConfigSet's files, following includes and references. */
export async function loadConfigFiles(paths: string[], options: LoadConfigOptions = {}): Promise<LoadedConfigFiles> {
  const root = options.root ? resolve(options.root) : undefined
  const toServer = (local: string) => (root ? '/' + relative(root, local) : local)
  const toLocal = (server: string) => (root ? resolve(root, '.' + server) : server)
  const out: LoadedConfigFiles = { files: [], localPaths: new Map(), unreadable: [] }
  const seen = new Set<string>()

  const read = async (local: string, given: boolean): Promise<ConfigFile | undefined> => {
    const serverPath = toServer(local)
    if (seen.has(serverPath)) return undefined
    seen.add(serverPath)
    try {
      const text = await readFile(local, 'utf8')
      const file: ConfigFile = { path: serverPath, text }
      if (given && options.kind) {
        file.kind = options.kind
        if (options.mapType) file.mapType = options.mapType
      }
      out.files.push(file)
      out.localPaths.set(serverPath, local)
      return file
    } catch (e) {
      if (given) out.unreadable.push({ path: local, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message })
      return undefined
    }
  }

  const follow = async (file: ConfigFile): Promise<void> => {
    const kind = file.kind ?? kindFromName(file.path).kind
    const next: string[] = []
    if (kind === 'dovecot') {
      for (const l of readDovecotLines(file.text).lines) {
        if (l.type === 'include') next.push(...(await globFiles(toLocal(resolveRelative(file.path, l.pattern)))).filter((p) => !l.pattern.startsWith('/') || mayFollow(p)))
        else if (options.follow !== false && l.type === 'setting' && (l.key === 'args' || /^(proxy:[^:]*:)?(mysql|pgsql|sqlite):\//.test(l.value))) {
          const m = /(\/[^\s]+\.(?:conf|ext))\b/.exec(l.value)
          if (m && mayFollow(toLocal(m[1] as string))) next.push(toLocal(m[1] as string))
        }
      }
    } else if (options.follow !== false && (kind === 'postfix-main' || kind === 'postfix-master')) {
      const values = kind === 'postfix-main' ? parseMainCf(file.text).entries.map((e) => e.value) : parseMasterCf(file.text).entries.flatMap((e) => e.overrides.map((o) => o.value))
      for (const v of values)
        for (const ref of findMapReferences(v)) if (mapNamesFile(ref) && ref.name.startsWith('/') && mayFollow(toLocal(ref.name))) next.push(toLocal(ref.name))
    }
    for (const local of next) {
      const f = await read(local, false)
      if (f) await follow(f)
    }
  }

  const givenDirs: string[] = []
  const mayFollow = (local: string) => !!root || givenDirs.some((d) => local.startsWith(d + '/'))
  const given: ConfigFile[] = []
  for (const p of paths) {
    const local = isAbsolute(p) ? p : resolve(p)
    const f = await read(local, true)
    if (f) {
      given.push(f)
      givenDirs.push(dirname(local))
    }
  }
  for (const f of given) await follow(f)
  return out
}
