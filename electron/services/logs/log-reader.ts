// Node side of the log engine: bytes from a file or a stream, split into lines with Buffer decoding.

import { createReadStream } from 'node:fs'
import { LineSplitter, type LineSink } from '../../../shared/logs/line-splitter'

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

function bufferDecoder(encoding: LineEncoding) {
  return (bytes: Uint8Array, start: number, end: number): string => {
    const b = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as Buffer & SliceDecoders
    return encoding === 'utf8' ? b.utf8Slice(start, end) : b.latin1Slice(start, end)
  }
}

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
