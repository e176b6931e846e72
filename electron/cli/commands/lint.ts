// `postdesk lint FILE…`: the offline config engine over local files, no server needed.

import { relative } from 'node:path'
import { Command, Option } from 'commander'
import type { ConfigFileKind } from '../../../shared/config/config-set'
import type { Finding } from '../../../shared/config/finding'
import { lintConfigSet, type ConfigLintResult } from '../../../shared/config/lint-config-set'
import { loadConfigFiles } from '../../services/config/load-config-files'

export interface LintIo {
  out: (text: string) => void
  err: (text: string) => void
  cwd: () => string
  /** Records the exit status (1 when an error-level finding exists). */
  setExitCode: (code: number) => void
}

const processIo: LintIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  cwd: () => process.cwd(),
  setExitCode: (code) => {
    process.exitCode = code
    // The CLI entry sets process.exitCode from runCli's return value after the command ran; keep ours.
    process.once('beforeExit', () => {
      if (Number(process.exitCode ?? 0) < code) process.exitCode = code
    })
  },
}

const TYPES: Record<string, { kind: ConfigFileKind; mapType?: string }> = {
  'main.cf': { kind: 'postfix-main' },
  'master.cf': { kind: 'postfix-master' },
  dovecot: { kind: 'dovecot' },
  map: { kind: 'postfix-map' },
}

/** `--type map:cidr` / `map:mysql` / `map` (type from the file name, else hash). */
function parseType(type: string, files: string[]): { kind: ConfigFileKind; mapType?: string } {
  const [base, sub] = type.split(':')
  const t = TYPES[base as string]
  if (!t) throw new Error(`--type must be one of ${Object.keys(TYPES).join(', ')} (map:TYPE for a lookup table type)`)
  if (t.kind !== 'postfix-map') return t
  const guess = sub ?? (files.every((f) => /\.cidr$/.test(f)) ? 'cidr' : files.every((f) => /\.pcre$/.test(f)) ? 'pcre' : files.every((f) => /\.regexp$/.test(f)) ? 'regexp' : 'hash')
  return ['mysql', 'pgsql', 'sqlite', 'ldap', 'memcache'].includes(guess) ? { kind: 'postfix-db-map', mapType: guess } : { kind: 'postfix-map', mapType: guess }
}

const LABEL: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'note' }

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

export function formatFindings(result: ConfigLintResult, show: (serverPath: string) => string): string {
  let s = ''
  for (const f of result.findings) {
    s += `${show(f.file)}:${f.line}:${f.column}: ${LABEL[f.severity]}: ${f.message} [${f.code}]\n`
    if (f.hint) s += `    fix: ${f.hint}\n`
    for (const r of f.related ?? []) s += `    see ${show(r.file)}:${r.line}:${r.column}: ${r.message}\n`
  }
  const count = (sev: Finding['severity']) => result.findings.filter((f) => f.severity === sev).length
  s += `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'note')} in ${plural(result.files.length, 'file')} (checked for Postfix ${result.postfixVersion}, Dovecot ${result.dovecotVersion})\n`
  return s
}

/** Adds `lint FILE…` to the program. */
export function registerLint(program: Command, io: LintIo = processIo): void {
  program
    .command('lint')
    .description('check Postfix, Dovecot and PostfixAdmin config files offline; several files are checked together (SASL/LMTP sockets, mail paths, password schemes, map files)')
    .argument('<files...>', 'config files: main.cf, master.cf, dovecot.conf (its !include files are read too), lookup tables, mysql_*.cf, config.local.php')
    .addOption(new Option('--type <type>', 'treat the files as this type instead of guessing from the name: main.cf, master.cf, dovecot, map or map:TYPE (e.g. map:cidr)'))
    .option('--json', 'print {"findings": [...], "files": [...], "summary": {...}}')
    .option('--postfix-version <version>', "the server's Postfix version (postconf mail_version); default: the bundled catalogue's")
    .option('--dovecot-version <version>', "the server's Dovecot version (dovecot --version); default: the bundled catalogue's")
    .option('--root <dir>', "a local copy of the server's files laid out from / (paths inside the configs resolve under it)")
    .option('--no-follow', 'do not read the lookup tables and sql files the given files refer to')
    .action(async (files: string[], o: { type?: string; json?: boolean; postfixVersion?: string; dovecotVersion?: string; root?: string; follow: boolean }, cmd: Command) => {
      let forced: { kind: ConfigFileKind; mapType?: string } | undefined
      try {
        forced = o.type ? parseType(o.type, files) : undefined
      } catch (e) {
        cmd.error(`postdesk lint: ${(e as Error).message}`, { exitCode: 2 })
      }
      const loaded = await loadConfigFiles(files, { root: o.root, kind: forced?.kind, mapType: forced?.mapType, follow: o.follow })
      if (loaded.unreadable.length) throw new Error(loaded.unreadable.map((u) => `cannot read ${u.path} (${u.reason})`).join('; '))
      const result = lintConfigSet({ files: loaded.files, postfixVersion: o.postfixVersion, dovecotVersion: o.dovecotVersion })
      const show = (serverPath: string) => {
        const local = loaded.localPaths.get(serverPath) ?? serverPath
        const rel = relative(io.cwd(), local)
        return rel.startsWith('..') ? local : rel
      }
      if (o.json) {
        const summary = { errors: 0, warnings: 0, infos: 0 }
        for (const f of result.findings) summary[f.severity === 'error' ? 'errors' : f.severity === 'warning' ? 'warnings' : 'infos']++
        io.out(
          JSON.stringify(
            {
              postfixVersion: result.postfixVersion,
              dovecotVersion: result.dovecotVersion,
              files: result.files.map((f) => ({ ...f, local: loaded.localPaths.get(f.path) })),
              findings: result.findings.map((f) => ({ ...f, file: show(f.file), serverPath: f.file })),
              summary,
            },
            null,
            2,
          ) + '\n',
        )
      } else io.out(formatFindings(result, show))
      if (result.findings.some((f) => f.severity === 'error')) io.setExitCode(1)
    })
}
