import type { ParseProblem } from '../parse-problem'
import type { SourceSpan } from '../source-text'
import { hasGlobChars, matchGlob, resolveRelative } from '../glob-match'
import { readDovecotLines, type DovecotFileLines, type DovecotIncludeLine, type DovecotSettingLine } from './dovecot-lines'

/** A setting in the effective configuration, with the file it came from. */
export interface DovecotSettingNode extends DovecotSettingLine {
  file: string
  parent: DovecotSectionNode
}

export interface DovecotSectionNode {
  kind: 'section'
  sectionType: string
  name: string
  file: string
  typeSpan: SourceSpan
  nameSpan: SourceSpan
  line: number
  parent: DovecotSectionNode | null
  children: DovecotNode[]
  /** closed by a '}' (false when the input ended first) */
  closed: boolean
}

export type DovecotNode = ({ kind: 'setting' } & DovecotSettingNode) | DovecotSectionNode

/** A problem tied to a file (include errors are reported in the including file). */
export interface LocatedProblem extends ParseProblem {
  file: string
}

export interface DovecotTree {
  rootFile: string
  root: DovecotSectionNode
  /** Every file read, in reading order (the root first). */
  files: string[]
  /** Includes that matched no file of the set, and whether they were optional. */
  unresolvedIncludes: { file: string; include: DovecotIncludeLine; resolved: string }[]
  problems: LocatedProblem[]
}

export interface DovecotFileSource {
  /** All paths the set holds (for glob matching). */
  paths(): Iterable<string>
  /** Parsed lines of a file, or undefined if the set does not hold it. */
  lines(path: string): DovecotFileLines | undefined
}

/** A file source over in-memory texts, parsing each file once. */
export function dovecotSourceFromTexts(texts: Map<string, string>): DovecotFileSource {
  const cache = new Map<string, DovecotFileLines>()
  return {
    paths: () => texts.keys(),
    lines(path) {
      const cached = cache.get(path)
      if (cached) return cached
      const text = texts.get(path)
      if (text === undefined) return undefined
      const parsed = readDovecotLines(text)
      cache.set(path, parsed)
      return parsed
    },
  }
}

/**
 * Reads dovecot.conf and follows `!include` / `!include_try` as Dovecot does: paths relative to the
 * including file, globs expanded in byte order, included text parsed in the current section.
 */
export function buildDovecotTree(rootFile: string, source: DovecotFileSource): DovecotTree {
  const root: DovecotSectionNode = {
    kind: 'section',
    sectionType: '',
    name: '',
    file: rootFile,
    typeSpan: { from: 0, to: 0 },
    nameSpan: { from: 0, to: 0 },
    line: 0,
    parent: null,
    children: [],
    closed: true,
  }
  const tree: DovecotTree = { rootFile, root, files: [], unresolvedIncludes: [], problems: [] }
  let current = root
  const active: string[] = []

  const readFile = (path: string) => {
    const parsed = source.lines(path)
    if (!parsed) return
    tree.files.push(path)
    active.push(path)
    for (const p of parsed.problems) tree.problems.push({ ...p, file: path })
    for (const line of parsed.lines) {
      switch (line.type) {
        case 'setting':
          current.children.push({ ...line, kind: 'setting', file: path, parent: current })
          break
        case 'section-begin': {
          const node: DovecotSectionNode = {
            kind: 'section',
            sectionType: line.sectionType,
            name: line.name,
            file: path,
            typeSpan: line.typeSpan,
            nameSpan: line.nameSpan,
            line: line.line,
            parent: current,
            children: [],
            closed: false,
          }
          current.children.push(node)
          current = node
          break
        }
        case 'section-end':
          if (current.parent) {
            current.closed = true
            current = current.parent
          } else
            tree.problems.push({
              file: path,
              severity: 'error',
              code: 'dovecot.unexpected-close',
              message: "Unexpected '}': no section is open here; Dovecot refuses to start",
              hint: 'Remove it, or look for a section header that is missing its "{".',
              span: line.span,
            })
          break
        case 'include':
          include(path, line)
          break
      }
    }
    active.pop()
  }

  const include = (from: string, line: DovecotIncludeLine) => {
    const resolved = resolveRelative(from, line.pattern)
    const matches = hasGlobChars(resolved) ? matchGlob(resolved, source.paths()) : source.lines(resolved) ? [resolved] : []
    if (!matches.length) {
      tree.unresolvedIncludes.push({ file: from, include: line, resolved })
      return
    }
    for (const m of matches) {
      if (active.includes(m)) {
        tree.problems.push({
          file: from,
          severity: 'error',
          code: 'dovecot.recursive-include',
          message: `${m} includes itself (through ${active.join(' -> ')}): Dovecot refuses to start`,
          span: line.span,
        })
        continue
      }
      readFile(m)
    }
  }

  readFile(rootFile)
  for (let s: DovecotSectionNode | null = current; s && s.parent; s = s.parent)
    tree.problems.push({
      file: s.file,
      severity: 'error',
      code: 'dovecot.unclosed-section',
      message: `Section "${s.sectionType}${s.name ? ' ' + s.name : ''}" is never closed: Dovecot refuses to start ("Missing '}'")`,
      hint: "Add '}' where the section ends.",
      span: s.typeSpan,
    })
  return tree
}

/** Walks every node under a section, depth first. */
export function* walkDovecot(section: DovecotSectionNode): Generator<DovecotNode> {
  for (const c of section.children) {
    yield c
    if (c.kind === 'section') yield* walkDovecot(c)
  }
}

/** The settings directly inside a section with a key (the last one wins, as in Dovecot). */
export function lastSetting(section: DovecotSectionNode, key: string): DovecotSettingNode | undefined {
  let found: DovecotSettingNode | undefined
  for (const c of section.children) if (c.kind === 'setting' && c.key === key) found = c
  return found
}
