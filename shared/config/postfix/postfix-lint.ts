import type { DnsblZone } from '../catalog/dnsbl-zones'
import type { PostfixKnowledgeBase } from '../catalog/postfix-catalog'
import { findingAt, type Finding, type LocatedText } from '../finding'
import type { ParseProblem } from '../parse-problem'
import type { MainCfDocument } from './main-cf-parser'
import type { MasterCfDocument } from './master-cf-parser'
import { lintParameters } from './parameter-lint'
import { PostfixModel } from './postfix-model'
import { lintRestrictionLists } from './restriction-lint'
import { lintDuplicateServices, lintOverrideTargets, lintTlsProtocols } from './service-lint'

export function problemsToFindings(where: LocatedText, problems: readonly ParseProblem[]): Finding[] {
  return problems.map((p) => findingAt(where, p.span, { severity: p.severity, code: p.code, message: p.message, hint: p.hint }))
}

export interface PostfixLintInput {
  main?: { where: LocatedText; doc: MainCfDocument }
  master?: { where: LocatedText; doc: MasterCfDocument }
  knowledge: PostfixKnowledgeBase
  /** The server's Postfix version; the catalogue's when unknown. */
  version: string
  zones?: readonly DnsblZone[]
}

/** All single-server Postfix lints over main.cf and master.cf (either may be absent). */
export function lintPostfix(input: PostfixLintInput): { model: PostfixModel; findings: Finding[] } {
  const model = new PostfixModel(input.knowledge, input.version, input.main, input.master)
  const findings: Finding[] = []
  if (input.main) findings.push(...problemsToFindings(input.main.where, input.main.doc.problems))
  if (input.master) findings.push(...problemsToFindings(input.master.where, input.master.doc.problems))
  findings.push(...lintParameters(model), ...lintRestrictionLists(model, input.zones), ...lintTlsProtocols(model))
  findings.push(...lintDuplicateServices(model), ...lintOverrideTargets(model))
  return { model, findings }
}
