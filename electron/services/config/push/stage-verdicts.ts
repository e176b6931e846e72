import type { ToolVerdict } from '../../../../shared/domain/config-workspace'
import type { InstallFile } from './install-types'
import { SECTION } from './push-paths'

/** What the stage script reported, before judging. */
export interface StageReport {
  stage: string | null
  /** Tool roots on the server: postfix (config_directory), dovecot, apache. */
  roots: Record<string, string>
  /** Files whose server copy is not what the workspace compared with: index -> what was found. */
  changed: { index: number; found: string }[]
  refused: boolean
  runs: ToolRun[]
  /** The live configuration's own warnings (postconf-n, postconf-M). */
  live: Record<string, string>
  /** An error that stopped the script (cannot create the stage, copy failed, ...). */
  error: string | null
  done: boolean
}

export interface ToolRun {
  tool: string
  /** The file the run was about (index into the request), or null for the whole configuration. */
  index: number | null
  /** null: skipped (not run), with the reason as output. */
  exitCode: number | null
  command: string
  output: string
  skipped: boolean
}

export function parseStageOutput(out: string): StageReport {
  const r: StageReport = { stage: null, roots: {}, changed: [], refused: false, runs: [], live: {}, error: null, done: false }
  let buf: string[] | null = null
  let onEnd: ((text: string) => void) | null = null
  for (const line of out.split('\n')) {
    if (!line.startsWith(SECTION)) {
      buf?.push(line)
      continue
    }
    const rest = line.slice(SECTION.length)
    const [word = '', ...args] = rest.split(' ')
    if (word === 'end') {
      onEnd?.(trimOutput((buf ?? []).join('\n')))
      buf = null
      onEnd = null
    } else if (word === 'stage') r.stage = args.join(' ')
    else if (word === 'root') r.roots[args[0] ?? ''] = args.slice(1).join(' ')
    else if (word === 'changed') r.changed.push({ index: Number(args[0]), found: args.slice(1).join(' ') })
    else if (word === 'refused') r.refused = true
    else if (word === 'error') r.error = args.join(' ')
    else if (word === 'done') r.done = true
    else if (word === 'live') {
      const name = args[0] ?? ''
      buf = []
      onEnd = (text) => (r.live[name] = text)
    } else if (word === 'verdict' || word === 'skip') {
      const skipped = word === 'skip'
      const [a0 = '', a1 = '', a2 = '', ...more] = args
      // verdict RC TOOL INDEX COMMAND... | skip TOOL INDEX REASON...
      const run: ToolRun = skipped
        ? { tool: a0, index: a1 === '-' ? null : Number(a1), exitCode: null, command: '', output: [a2, ...more].join(' '), skipped }
        : { tool: a1, index: a2 === '-' ? null : Number(a2), exitCode: Number(a0), command: more.join(' '), output: '', skipped }
      r.runs.push(run)
      buf = []
      onEnd = (text) => {
        if (!skipped) run.output = text
      }
    }
  }
  return r
}

function trimOutput(s: string, max = 4000): string {
  const lines = s.split('\n').map((l) => l.trimEnd())
  // postconf repeats a warning once per reader of the file: once is enough.
  const seen = new Set<string>()
  const kept = lines.filter((l) => {
    if (!l.trim()) return false
    if (seen.has(l)) return false
    seen.add(l)
    return true
  })
  const t = kept.join('\n')
  return t.length > max ? t.slice(0, max) + '\n…' : t
}

// Warnings from postconf/postmap that mean the file is wrong (not just unusual).
const POSTCONF_REJECT = /unused parameter|unknown parameter|must not start with whitespace|missing '='|bad |invalid|syntax|unknown|unsupported|not found|cannot|can't|unmatched|no such/i
const FAIL_WORD = /(^|\s|:)(fatal|error|panic)(:|\s)/i

/** Stage paths in tool output and commands read as the server paths they stand for. */
export function serverPathsIn(text: string, stage: string, roots: Record<string, string>, files: readonly InstallFile[]): string {
  if (!stage) return text
  let t = text
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  t = t.replace(new RegExp(`${esc(stage)}/(?:new|maps)/(\\d+)(?=\\b|$)`, 'g'), (m, i: string) => files[Number(i)]?.path ?? m)
  for (const [name, root] of Object.entries(roots)) if (root) t = t.split(`${stage}/${name}`).join(root)
  return t
}

/**
 * Judges each tool's run: a tool that exits non-zero or says fatal/error rejects; postconf's and
 * postmap's warnings about the files (unused parameter, a line starting with whitespace, a bad map
 * line) reject too, unless the live configuration already has the same warning; other warnings are
 * findings (shown, not blocking).
 */
export function judgeStage(report: StageReport, files: readonly InstallFile[]): ToolVerdict[] {
  const stage = report.stage ?? ''
  const map = (s: string) => serverPathsIn(s, stage, report.roots, files)
  const liveWarnings = new Set(
    Object.values(report.live)
      .flatMap((t) => t.split('\n'))
      .map((l) => l.trim())
      .filter(Boolean),
  )
  return report.runs.map((run): ToolVerdict => {
    const output = map(run.output)
    if (run.skipped) return { tool: run.tool, command: '', ok: true, exitCode: null, output: `not checked: ${output}` }
    const lines = output.split('\n').filter(Boolean)
    // postmap -q answers 1 for "not found": the table was read fine
    let ok = run.tool === 'postmap' && run.command.includes(' -q ') ? run.exitCode === 0 || run.exitCode === 1 : run.exitCode === 0
    if (run.tool === 'postconf' || run.tool === 'postmap' || run.tool === 'postalias') {
      for (const l of lines) {
        if (FAIL_WORD.test(l)) ok = false
        else if (/warning:/i.test(l)) {
          // a map's warning means a line was skipped; postconf's only when it is about the files, and new
          if (run.tool !== 'postconf') ok = false
          else if (POSTCONF_REJECT.test(l) && !liveWarnings.has(l.trim())) ok = false
        }
      }
    } else if (run.tool === 'doveconf') {
      if (lines.some((l) => /\b(Error|Fatal|Panic):/.test(l))) ok = false
    }
    return { tool: run.tool, command: run.command, ok, exitCode: run.exitCode, output }
  })
}
