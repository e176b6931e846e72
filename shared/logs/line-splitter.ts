// Bytes in (chunks of any size, cut anywhere), lines out. Splits on LF only (a CR stays, as Perl
// keeps it), bounds the length of a line, never copies a byte twice and never throws.

export interface LineSplitterOptions {
  /** Longer lines are cut to this many bytes and marked truncated; the rest up to the LF is dropped. */
  maxLineBytes?: number
  /** Decode bytes [start, end) of a chunk. Default: UTF-8 with replacement characters. */
  decode?: (bytes: Uint8Array, start: number, end: number) => string
}

export type LineSink = (line: string, truncated: boolean) => void

let utf8: { decode(bytes: Uint8Array): string } | null = null
function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  utf8 ??= new TextDecoder('utf-8', { fatal: false })
  return utf8.decode(bytes.subarray(start, end))
}

/** Latin-1 (one char per byte): what Perl sees, for exact pflogsumm parity. */
export function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  let out = ''
  for (let i = start; i < end; i += 8192) {
    out += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, Math.min(end, i + 8192))))
  }
  return out
}

export class LineSplitter {
  private readonly max: number
  private readonly decode: (bytes: Uint8Array, start: number, end: number) => string
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private dropping = false
  /** lines emitted, lines cut, bytes dropped from cut lines */
  lines = 0
  truncatedLines = 0
  droppedBytes = 0

  constructor(
    private readonly sink: LineSink,
    opts: LineSplitterOptions = {},
  ) {
    this.max = opts.maxLineBytes ?? 1 << 20
    this.decode = opts.decode ?? decodeUtf8
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length
    let pos = 0
    if (this.pendingBytes > 0 || this.dropping) {
      const nl = chunk.indexOf(10)
      if (nl < 0) {
        this.hold(chunk, 0, n)
        return
      }
      this.hold(chunk, 0, nl)
      this.flushPending()
      pos = nl + 1
    }
    // each line is decoded on its own: a kept substring of one line then keeps only that line alive
    for (;;) {
      const nl = chunk.indexOf(10, pos)
      if (nl < 0) break
      this.emitOne(chunk, pos, nl)
      pos = nl + 1
    }
    if (pos < n) this.hold(chunk, pos, n)
  }

  /** The input ended: a last line without LF is still a line. */
  end(): void {
    if (this.pendingBytes > 0 || this.dropping) this.flushPending()
  }

  private emitOne(chunk: Uint8Array, start: number, end: number): void {
    if (end - start <= this.max) this.out(this.decode(chunk, start, end), false)
    else {
      this.droppedBytes += end - start - this.max
      this.out(this.decode(chunk, start, start + this.max), true)
    }
  }

  private hold(chunk: Uint8Array, start: number, end: number): void {
    if (this.dropping) {
      this.droppedBytes += end - start
      return
    }
    const room = this.max - this.pendingBytes
    const take = Math.min(room, end - start)
    if (take > 0) {
      this.pending.push(chunk.slice(start, start + take))
      this.pendingBytes += take
    }
    if (end - start > take) {
      this.dropping = true
      this.droppedBytes += end - start - take
    }
  }

  private flushPending(): void {
    const buf = new Uint8Array(this.pendingBytes)
    let o = 0
    for (const part of this.pending) {
      buf.set(part, o)
      o += part.length
    }
    const truncated = this.dropping
    this.pending = []
    this.pendingBytes = 0
    this.dropping = false
    this.out(this.decode(buf, 0, buf.length), truncated)
  }

  private out(line: string, truncated: boolean): void {
    this.lines++
    if (truncated) this.truncatedLines++
    this.sink(line, truncated)
  }
}
