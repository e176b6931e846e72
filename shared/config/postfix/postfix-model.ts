import type { PostfixChange, PostfixKnowledgeBase } from '../catalog/postfix-catalog'
import type { LocatedText } from '../finding'
import type { SourceSpan } from '../source-text'
import type { MainCfDocument, ValueSegment } from './main-cf-parser'
import type { MasterCfDocument, MasterEntry } from './master-cf-parser'
import { parseExpansions } from './postfix-expansions'
import { findMapReferences } from './map-references'
import { splitWords } from './value-words'
import { RESTRICTIONS } from './restriction-names'

/** A parameter setting with a value: a main.cf line or a master.cf `-o` override. */
export interface ParameterSetting {
  name: string
  value: string
  nameSpan: SourceSpan
  valueSpan: SourceSpan
  segments: ValueSegment[]
  where: LocatedText
  /** The master.cf service of an `-o` override; undefined for main.cf. */
  service?: MasterEntry
}

/**
 * main.cf and master.cf of one server with its catalogue: effective values per service, `$name`
 * expansion with defaults, and the names Postfix treats as known (built-in, legacy, per-transport,
 * user-defined by reference, restriction classes, legacy dbms prefixes).
 */
export class PostfixModel {
  readonly mainSettings: ParameterSetting[] = []
  readonly overrides: ParameterSetting[] = []
  readonly services: MasterEntry[]
  /** main.cf: last setting per name (the one that wins) */
  readonly main = new Map<string, ParameterSetting>()
  /** Names used as `$name` anywhere (main.cf values, -o values). */
  readonly referenced = new Set<string>()
  readonly restrictionClasses = new Set<string>()
  /** `mysql:name` style tables (no '/'): name_* parameters belong to them. */
  readonly dbmsPrefixes = new Set<string>()
  /** The catalogue's parameter names (for suggestions). */
  readonly parameterNames: readonly string[]
  /** '_' + each per-transport suffix */
  readonly transportSuffixes: readonly string[]
  readonly parameterChanges: ReadonlyMap<string, PostfixChange>

  constructor(
    readonly kb: PostfixKnowledgeBase,
    readonly version: string,
    readonly mainFile?: { where: LocatedText; doc: MainCfDocument },
    readonly masterFile?: { where: LocatedText; doc: MasterCfDocument },
  ) {
    this.parameterNames = Object.keys(kb.catalog.parameters)
    this.transportSuffixes = kb.catalog.perTransportSuffixes.map((x) => '_' + x)
    this.parameterChanges = new Map(kb.changes.parameters.map((c) => [c.name, c]))
    for (const e of mainFile?.doc.entries ?? []) {
      const s: ParameterSetting = { name: e.name, value: e.value, nameSpan: e.nameSpan, valueSpan: e.valueSpan, segments: e.segments, where: mainFile!.where }
      this.mainSettings.push(s)
      this.main.set(e.name, s)
    }
    this.services = masterFile?.doc.entries ?? []
    for (const svc of this.services)
      for (const o of svc.overrides)
        this.overrides.push({ name: o.name, value: o.value, nameSpan: o.nameSpan, valueSpan: o.valueSpan, segments: o.segments, where: masterFile!.where, service: svc })

    const raw = new Set(kb.catalog.rawParameters)
    for (const s of [...this.mainSettings, ...this.overrides]) {
      if (raw.has(s.name)) continue
      for (const r of parseExpansions(s.value).references) this.referenced.add(r.name)
      for (const m of findMapReferences(s.value)) if (!m.name.includes('/') && !m.name.startsWith('{')) this.dbmsPrefixes.add(m.name)
    }
    for (const s of [this.main.get('smtpd_restriction_classes'), ...this.overrides.filter((o) => o.name === 'smtpd_restriction_classes')])
      if (s) for (const w of splitWords(s.value)) this.restrictionClasses.add(w.text)
  }

  get compatibilityLevel(): string {
    return this.effective('compatibility_level') ?? '0'
  }

  /** The value in force: the service's -o, else main.cf, else the catalogue default (expanded lazily). */
  effective(name: string, service?: MasterEntry): string | undefined {
    if (service) {
      let found: string | undefined
      for (const o of service.overrides) if (o.name === name) found = o.value
      if (found !== undefined) return found
    }
    return this.main.get(name)?.value ?? this.kb.catalog.parameters[name]
  }

  setting(name: string, service?: MasterEntry): ParameterSetting | undefined {
    if (service) {
      const o = this.overrides.filter((x) => x.service === service && x.name === name).pop()
      if (o) return o
    }
    return this.main.get(name)
  }

  /** The master.cf service a per-transport parameter name belongs to, if it has that shape. */
  transportOf(name: string): string | undefined {
    for (const suffix of this.transportSuffixes) if (name.length > suffix.length && name.endsWith(suffix)) return name.slice(0, -suffix.length)
    return undefined
  }

  /**
   * Expands `$name` forms with the effective values (depth-limited, as Postfix limits recursion).
   * Relational `${{..}..}` forms are resolved only for the compatibility-level tests used in defaults.
   */
  expand(value: string, service?: MasterEntry, depth = 0): string {
    if (depth > 20 || !value.includes('$')) return value
    const { references } = parseExpansions(value)
    if (!references.length && !value.includes('${{')) return value.replace(/\$\$/g, '$')
    let out = ''
    let last = 0
    // References come in text order; one nested inside a ${...?...} starts before the enclosing one ends.
    const top: typeof references = []
    for (const r of references) if (!top.length || r.from >= (top[top.length - 1] as (typeof references)[number]).to) top.push(r)
    for (const r of top) {
      out += value.slice(last, r.from)
      const v = this.expand(this.effective(r.name, service) ?? '', service, depth + 1)
      const text = value.slice(r.from, r.to)
      if (r.conditional) {
        const m = /^\$\{[A-Za-z0-9_]+([?:])(?:\{(.*)\}|(.*))\}$/s.exec(text)
        const wantNonEmpty = m?.[1] === '?'
        const body = m?.[2] ?? m?.[3] ?? ''
        out += (v !== '') === wantNonEmpty ? this.expand(body, service, depth + 1) : ''
      } else out += v
      last = r.to
    }
    return out + value.slice(last)
  }

  isRestrictionName(name: string): boolean {
    return RESTRICTIONS.has(name) || this.restrictionClasses.has(name)
  }

  /** Services whose command is smtpd (or the default smtp/inet service when there is no master.cf). */
  smtpdServices(): (MasterEntry | undefined)[] {
    if (!this.masterFile) return [undefined]
    return this.services.filter((s) => s.command === 'smtpd')
  }
}
