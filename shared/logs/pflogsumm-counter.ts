// The "Grand Totals" of pflogsumm 1.1.5 (Debian's /usr/sbin/pflogsumm), counted by the same rules.
//
// The rules themselves are in pflogsumm-wasm/pflogsumm.c, compiled to WebAssembly (why: there they
// count several times faster than the same rules in TypeScript did). This class feeds it: whole
// chunks of a log (push/end: the lines are split inside the module, with no string made of a line),
// single lines (addBytes, addLine) or journald records (addJournal). Each counter is its own
// instance of the module, with its own memory.

import { compileBase64Wasm, wasmApi, type CompiledWasm } from '../wasm-module'
import { WASM_BASE64 } from './pflogsumm-wasm/pflogsumm-wasm.generated'
import { PFLOGSUMM_LABELS, type PflogsummTotals } from './pflogsumm-totals'

export { formatPflogsummTotals, PFLOGSUMM_LABELS, pflogsummUnits, type PflogsummLabel, type PflogsummTotals } from './pflogsumm-totals'

export interface PflogsummOptions {
  /** pflogsumm's --syslog-name (taken literally): tags `NAME/daemon` count besides `postfix/daemon`. */
  syslogName?: string
  /**
   * push(): longer lines are not counted (they are counted in truncatedLines). Default 64 MiB:
   * pflogsumm would read them, but no real log line comes close.
   */
  maxLineBytes?: number
}

/** the module's exports (pflogsumm.c's EXPORT()s) */
interface CounterExports {
  memory: { readonly buffer: ArrayBuffer }
  input(n: number, keep: number): number
  syslogName(n: number): void
  feed(n: number, last: number): number
  line(n: number): void
  tagged(n: number): void
  totals(): number
}

let compiled: CompiledWasm | null = null
const wasmModule = (): CompiledWasm => (compiled ??= compileBase64Wasm(WASM_BASE64))

const utf8 = new TextEncoder()
const DEFAULT_MAX_LINE = 64 << 20
/** the input buffer's first size: a read chunk and then some */
const FIRST_INPUT = 4 << 20

export class PflogsummCounter {
  private readonly x: CounterExports
  private view: Uint8Array
  /** the input buffer: its address in memory, its size, the bytes held (a line not yet ended) */
  private ptr: number
  private cap: number
  private have = 0
  private readonly max: number
  /** dropping the rest of a line longer than max */
  private dropping = false
  /** journal records counted (the module counts the lines it splits or is given) */
  private lines0 = 0
  /** lines longer than maxLineBytes (not counted) */
  truncatedLines = 0

  constructor(opts: PflogsummOptions = {}) {
    let memory: CounterExports['memory'] | null = null
    const instance = new wasmApi.Instance(wasmModule(), {
      env: {
        // Perl's value of a run of more than 15 digits (a size): JavaScript's, of the same text
        number: (p: number, n: number): number => {
          let s = ''
          const b = new Uint8Array(memory!.buffer, p, n)
          for (let i = 0; i < n; i++) s += String.fromCharCode(b[i]!)
          return Number(s)
        },
      },
    })
    this.x = instance.exports as unknown as CounterExports
    memory = this.x.memory
    this.max = opts.maxLineBytes ?? DEFAULT_MAX_LINE
    this.cap = Math.min(FIRST_INPUT, this.max + 1)
    this.ptr = this.x.input(this.cap, 0)
    this.view = new Uint8Array(memory.buffer)
    if (opts.syslogName !== undefined && opts.syslogName !== 'postfix') {
      const n = this.encode(opts.syslogName)
      this.x.syslogName(n)
    }
  }

  /** the module's memory (a new view after it grew) */
  private mem(): Uint8Array {
    if (this.view.buffer !== this.x.memory.buffer) this.view = new Uint8Array(this.x.memory.buffer)
    return this.view
  }

  /** room for n bytes in the input buffer, keeping the `keep` bytes held */
  private room(n: number, keep: number): void {
    if (n <= this.cap) return
    this.ptr = this.x.input(n, keep)
    this.cap = n
  }

  /**
   * Bytes [from, to) of a log, cut anywhere: every line that ends in them is counted (the last one,
   * without its LF, at end()). The chunk is copied: the caller may reuse it after the call.
   */
  push(chunk: Uint8Array, from = 0, to = chunk.length): void {
    while (from < to) {
      if (this.dropping) {
        const nl = chunk.indexOf(10, from)
        if (nl < 0 || nl >= to) return
        this.dropping = false
        from = nl + 1
        continue
      }
      if (this.have === this.cap) this.room(Math.min(this.cap * 2, this.max + 1), this.have)
      const n = Math.min(this.cap - this.have, to - from)
      this.mem().set(chunk.subarray(from, from + n), this.ptr + this.have)
      this.have += n
      from += n
      this.feed(false)
      if (this.have > this.max) {
        // a line longer than max: not counted; the rest of it up to its LF is dropped
        this.truncatedLines++
        this.have = 0
        this.dropping = true
      }
    }
  }

  /** The input ended: a last line without LF is still a line. */
  end(): void {
    if (!this.dropping && this.have > 0) this.feed(true)
    this.dropping = false
    this.have = 0
  }

  private feed(last: boolean): void {
    const used = this.x.feed(this.have, last ? 1 : 0)
    if (used > 0) {
      if (used < this.have) this.mem().copyWithin(this.ptr, this.ptr + used, this.ptr + this.have)
      this.have -= used
    }
  }

  // addBytes, addLine and addTagged use the input buffer from its start: a counter takes either
  // chunks (push) or single lines, not both.

  /** One log line, bytes [start, end) of b (without its newline), as pflogsumm reads it. */
  addBytes(b: Uint8Array, start: number, end: number): void {
    const n = end - start
    this.room(n, 0)
    this.mem().set(b.subarray(start, end), this.ptr)
    this.x.line(n)
  }

  /** One log line (without its newline) as a string: ASCII as is, other text as UTF-8 bytes. */
  addLine(line: string): void {
    this.x.line(this.encode(line))
  }

  /** The text after timestamp and host (`postfix/smtpd[123]: …`), e.g. rebuilt from a journald record. */
  addTagged(rest: string): void {
    this.x.tagged(this.encode(rest))
  }

  /** Lines from a journald record: `SYSLOG_IDENTIFIER[_PID]: MESSAGE`. */
  addJournal(program: string, pid: number | null, message: string): void {
    this.lines0++
    this.addTagged(pid === null ? `${program}: ${message}` : `${program}[${pid}]: ${message}`)
  }

  /** s at the input buffer's start; its length in bytes (one text always gives the same bytes) */
  private encode(s: string): number {
    this.room(s.length * 3, 0)
    const out = this.mem()
    const p = this.ptr
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c > 127) return utf8.encodeInto(s, out.subarray(p, p + s.length * 3)).written
      out[p + i] = c
    }
    return s.length
  }

  private raw(): Float64Array {
    return new Float64Array(this.x.memory.buffer, this.x.totals(), 18)
  }

  /** lines counted (not those over maxLineBytes), and lines pflogsumm would have read as postfix lines */
  get lines(): number {
    return this.raw()[16]! + this.lines0
  }

  get postfixLines(): number {
    return this.raw()[17]!
  }

  totals(): PflogsummTotals {
    const t = this.raw()
    const out = {} as PflogsummTotals
    PFLOGSUMM_LABELS.forEach((k, i) => (out[k] = t[i]!))
    return out
  }
}
