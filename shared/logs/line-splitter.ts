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
  if (end - start <= 24) {
    for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]!)
    return out
  }
  for (let i = start; i < end; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[])
  }
  return out
}

/** One line as bytes [start, end) of `bytes` (valid only during the call: the buffer may be reused). */
export type ByteLineSink = (bytes: Uint8Array, start: number, end: number, truncated: boolean) => void

/**
 * The splitter itself, on bytes: each line is handed on in place, as a range of the chunk it is in
 * (a line cut across chunks is first copied together), so a reader that wants only a few fields
 * (the pflogsumm counter) never makes a string of the line.
 */
export class ByteLineSplitter {
  private readonly max: number
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private dropping = false
  /** lines emitted, lines cut, bytes dropped from cut lines */
  lines = 0
  truncatedLines = 0
  droppedBytes = 0

  constructor(
    private readonly sink: ByteLineSink,
    opts: { maxLineBytes?: number } = {},
  ) {
    this.max = opts.maxLineBytes ?? 1 << 20
  }

  /** Chunk bytes [from, to) (default: all of it). The chunk may be reused by the caller after the call. */
  push(chunk: Uint8Array, from = 0, to = chunk.length): void {
    // The sink always gets plain Uint8Arrays (a Node Buffer is viewed as one): a reader's hot code then
    // sees one kind of array, not two (which would cost it a slower polymorphic access on every byte).
    const view = chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)
    let pos = from
    if (this.pendingBytes > 0 || this.dropping) {
      const nl = chunk.indexOf(10, pos)
      if (nl < 0 || nl >= to) {
        this.hold(chunk, pos, to)
        return
      }
      this.hold(chunk, pos, nl)
      this.flushPending()
      pos = nl + 1
    }
    const max = this.max
    for (;;) {
      const nl = chunk.indexOf(10, pos)
      if (nl < 0 || nl >= to) break
      if (nl - pos <= max) this.out(view, pos, nl, false)
      else {
        this.droppedBytes += nl - pos - max
        this.out(view, pos, pos + max, true)
      }
      pos = nl + 1
    }
    if (pos < to) this.hold(chunk, pos, to)
  }

  /** The input ended: a last line without LF is still a line. */
  end(): void {
    if (this.pendingBytes > 0 || this.dropping) this.flushPending()
  }

  private hold(chunk: Uint8Array, start: number, end: number): void {
    if (this.dropping) {
      this.droppedBytes += end - start
      return
    }
    const room = this.max - this.pendingBytes
    const take = Math.min(room, end - start)
    if (take > 0) {
      // a copy (the caller may reuse its chunk), a plain Uint8Array
      const part = new Uint8Array(take)
      part.set(chunk.subarray(start, start + take))
      this.pending.push(part)
      this.pendingBytes += take
    }
    if (end - start > take) {
      this.dropping = true
      this.droppedBytes += end - start - take
    }
  }

  private flushPending(): void {
    let buf: Uint8Array
    if (this.pending.length === 1) buf = this.pending[0]!
    else {
      buf = new Uint8Array(this.pendingBytes)
      let o = 0
      for (const part of this.pending) {
        buf.set(part, o)
        o += part.length
      }
    }
    const truncated = this.dropping
    this.pending = []
    this.pendingBytes = 0
    this.dropping = false
    this.out(buf, 0, buf.length, truncated)
  }

  private out(bytes: Uint8Array, start: number, end: number, truncated: boolean): void {
    this.lines++
    if (truncated) this.truncatedLines++
    this.sink(bytes, start, end, truncated)
  }
}

/** Lines as strings: each decoded on its own, so a kept substring of one line keeps only that line alive. */
export class LineSplitter {
  private readonly bytes: ByteLineSplitter

  constructor(sink: LineSink, opts: LineSplitterOptions = {}) {
    const decode = opts.decode ?? decodeUtf8
    this.bytes = new ByteLineSplitter((b, s, e, t) => sink(decode(b, s, e), t), opts)
  }

  push(chunk: Uint8Array): void {
    this.bytes.push(chunk)
  }

  /** The input ended: a last line without LF is still a line. */
  end(): void {
    this.bytes.end()
  }

  get lines(): number {
    return this.bytes.lines
  }

  get truncatedLines(): number {
    return this.bytes.truncatedLines
  }

  get droppedBytes(): number {
    return this.bytes.droppedBytes
  }
}
