import type { ConfigFile, ConfigSet } from '../../../shared/config/config-set'
import { lintConfigSet } from '../../../shared/config/lint-config-set'
import type { Finding } from '../../../shared/config/finding'

/** Lints files given as path -> text; returns the findings. */
export function lintTexts(files: Record<string, string>, options: Omit<ConfigSet, 'files'> = {}): Finding[] {
  const list: ConfigFile[] = Object.entries(files).map(([path, text]) => ({ path, text }))
  return lintConfigSet({ files: list, ...options }).findings
}

/** "file:line:col severity code" — the shape assertions compare. */
export const brief = (f: Finding): string => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code}`

export const withCode = (findings: Finding[], code: string): Finding[] => findings.filter((f) => f.code === code)
