// The mail log fixtures (test/fixtures/maillogs, copied from public repositories: see SOURCES.md there).

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIXTURE_ROOT = fileURLToPath(new URL('../fixtures/maillogs/', import.meta.url))

/** Every fixture file, relative to FIXTURE_ROOT, sorted. */
export function fixtureFiles(): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name !== 'SOURCES.md') out.push(relative(FIXTURE_ROOT, p))
    }
  }
  walk(FIXTURE_ROOT)
  return out.sort()
}

/** Files that are logs (not expectation files): whole-line logs and bare-message logs. */
export function logFixtureFiles(): string[] {
  return fixtureFiles().filter((f) => !f.endsWith('.yaml') && !f.endsWith('parser.assert'))
}

const MODOBOA = 'modoboa__modoboa/modoboa/maillog/tests/mail.log'

/** A fixture's text as a log: modoboa's template gets a date the way its own test fills it. */
export function fixtureLogText(rel: string, day = 'Nov 28'): string {
  const text = readFileSync(join(FIXTURE_ROOT, rel), 'utf8')
  if (rel !== MODOBOA) return text
  return text.replaceAll('%(day)s', day).replaceAll('%%', '%')
}

/** Lines that are annotations or layout in a fixture, not log lines (fail2ban comments, mailgraph prose, blanks). */
export function isAnnotation(rel: string, line: string): boolean {
  if (line.trim() === '') return true
  if (rel.startsWith('fail2ban__fail2ban/') && line.startsWith('#')) return true
  if (rel === 'schweikert__mailgraph/postfix-log.txt' && (line.startsWith('****') || line === '[amavis]')) return true
  return false
}

/** The log lines of a fixture (annotations dropped), with their 1-based line numbers. */
export function fixtureLogLines(rel: string): Array<{ n: number; text: string }> {
  const lines = fixtureLogText(rel).split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const out: Array<{ n: number; text: string }> = []
  lines.forEach((text, i) => {
    if (!isAnnotation(rel, text)) out.push({ n: i + 1, text })
  })
  return out
}

/** whyscream's old POSTFIX_<DAEMON>.log files hold bare messages of that daemon. */
export function bareDaemonOf(rel: string): string | null {
  const m = /whyscream__postfix-grok-patterns\/test\/POSTFIX_([A-Z_]+)\.log$/.exec(rel)
  return m ? `postfix/${m[1]!.toLowerCase().replaceAll('_', '-')}` : null
}
