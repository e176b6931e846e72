// Node side of the log engine: bytes from a file or a stream, split into lines with Buffer decoding.

import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { ByteLineSplitter, LineSplitter, type ByteLineSink, type LineSink } from '../../../shared/logs/line-splitter'

export type LineEncoding = 'utf8' | 'latin1'

export interface ReadLinesOptions {
  encoding?: LineEncoding
  maxLineBytes?: number
}

export interface ReadLinesStats {
  lines: number
  truncatedLines: number
  droppedBytes: number
}

/** Buffer's own slice decoders (what Buffer#toString calls after its argument checks). */
interface SliceDecoders {
  utf8Slice(start: number, end: number): string
  latin1Slice(start: number, end: number): string
}

/**
 * Buffer's native decoders on any Uint8Array: through a Buffer over the whole of its ArrayBuffer, made
 * once per ArrayBuffer (the splitter hands on plain Uint8Array views of the same few read buffers).
 */
function bufferDecoder(encoding: LineEncoding) {
  let ab: ArrayBufferLike | null = null
  let whole: Buffer & SliceDecoders = Buffer.alloc(0) as Buffer & SliceDecoders
  return (bytes: Uint8Array, start: number, end: number): string => {
    if (bytes.buffer !== ab) {
      ab = bytes.buffer
      whole = Buffer.from(ab) as Buffer & SliceDecoders
    }
    const o = bytes.byteOffset
    return encoding === 'utf8' ? whole.utf8Slice(o + start, o + end) : whole.latin1Slice(o + start, o + end)
  }
}

/** Latin-1 slices through Buffer's native decoder (for the pflogsumm counter's `decode` option). */
export const latin1Slice = bufferDecoder('latin1')
/** UTF-8 slices (invalid bytes as U+FFFD) through Buffer's native decoder. */
export const utf8Slice = bufferDecoder('utf8')

/** Feed every line of a byte stream to sink. */
export async function readLines(input: AsyncIterable<Uint8Array | string>, sink: LineSink, opts: ReadLinesOptions = {}): Promise<ReadLinesStats> {
  const encoding = opts.encoding ?? 'utf8'
  const splitter = new LineSplitter(sink, { maxLineBytes: opts.maxLineBytes, decode: bufferDecoder(encoding) })
  for await (const chunk of input) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk)
  splitter.end()
  return { lines: splitter.lines, truncatedLines: splitter.truncatedLines, droppedBytes: splitter.droppedBytes }
}

/** Feed every line of a file to sink. */
export function readFileLines(path: string, sink: LineSink, opts: ReadLinesOptions = {}): Promise<ReadLinesStats> {
  return readLines(createReadStream(path, { highWaterMark: 1 << 20 }), sink, opts)
}

/** Every line of a byte stream as bytes in place (no string per line). */
export async function readByteLines(input: AsyncIterable<Uint8Array | string>, sink: ByteLineSink, opts: { maxLineBytes?: number } = {}): Promise<ReadLinesStats> {
  const splitter = new ByteLineSplitter(sink, opts)
  for await (const chunk of input) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
  splitter.end()
  return { lines: splitter.lines, truncatedLines: splitter.truncatedLines, droppedBytes: splitter.droppedBytes }
}

/**
 * Every line of a file as bytes in place: two buffers read into again and again (the next read runs
 * while the lines of the last one are handed on; a line is valid only during the sink's call), so
 * reading a file allocates nothing per chunk or per line. start/end: only the bytes [start, end) of the file.
 */
export async function readFileByteLines(path: string, sink: ByteLineSink, opts: { maxLineBytes?: number; chunkBytes?: number; start?: number; end?: number } = {}): Promise<ReadLinesStats> {
  const splitter = new ByteLineSplitter(sink, opts)
  const size = opts.chunkBytes ?? 1 << 20
  const end = opts.end ?? Infinity
  let cur = Buffer.allocUnsafe(size)
  let spare = Buffer.allocUnsafe(size)
  const fh = await open(path, 'r')
  try {
    let pos = opts.start ?? 0
    const next = (buf: Buffer) => (pos < end ? fh.read(buf, 0, Math.min(size, end - pos), pos) : Promise.resolve({ bytesRead: 0 }))
    let reading = next(cur)
    for (;;) {
      const { bytesRead } = await reading
      if (bytesRead === 0) break
      pos += bytesRead
      const full = cur
      reading = next(spare)
      splitter.push(full, 0, bytesRead)
      cur = spare
      spare = full
    }
  } finally {
    await fh.close()
  }
  splitter.end()
  return { lines: splitter.lines, truncatedLines: splitter.truncatedLines, droppedBytes: splitter.droppedBytes }
}
