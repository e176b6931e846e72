import type { QueueMessageContent } from '../../../shared/domain/system'

const MAX_PARTS = 50
const MAX_DEPTH = 8

/**
 * `postcat -q ID` output (Postfix 2.x and 3.x print the same section markers): the envelope's sender
 * and recipients, the message's headers with RFC 2047 words decoded, and its MIME parts with the
 * transfer encoding undone and the charset applied.
 */
export function parsePostcat(id: string, text: string): QueueMessageContent {
  const lines = text.split('\n')
  let section: 'none' | 'envelope' | 'content' | 'after' = 'none'
  let queue = ''
  let sender = ''
  const recipients: string[] = []
  const content: string[] = []
  for (const line of lines) {
    const marker = /^\*\*\* (ENVELOPE RECORDS|MESSAGE CONTENTS|HEADER EXTRACTED|MESSAGE FILE END) (?:(\w+)\/)?\S* \*\*\*/.exec(line)
    if (marker) {
      if (marker[1] === 'ENVELOPE RECORDS') {
        section = 'envelope'
        queue = marker[2] ?? ''
      } else if (marker[1] === 'MESSAGE CONTENTS') section = 'content'
      else section = 'after'
      continue
    }
    if (section === 'envelope') {
      const m = /^(sender|recipient):\s?(.*)$/.exec(line)
      if (m?.[1] === 'sender') sender = m[2] ?? ''
      else if (m?.[1] === 'recipient') recipients.push(m[2] ?? '')
    } else if (section === 'content') content.push(line)
  }
  const raw = content.join('\n')
  const { headers, body } = splitMessage(raw)
  const parts: QueueMessageContent['parts'] = []
  collectParts(headers, body, parts, 0)
  return { id, queue, sender, recipients, headers: headers.map((h) => ({ name: h.name, value: decodeWords(h.value) })), parts, raw }
}

interface Header {
  name: string
  value: string
}

export function splitMessage(raw: string): { headers: Header[]; body: string } {
  const norm = raw.replace(/\r\n/g, '\n')
  const end = norm.indexOf('\n\n')
  const head = end === -1 ? norm : norm.slice(0, end)
  const body = end === -1 ? '' : norm.slice(end + 2)
  const headers: Header[] = []
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1]!.value += ' ' + line.trim()
    else {
      const c = line.indexOf(':')
      if (c > 0) headers.push({ name: line.slice(0, c), value: line.slice(c + 1).trim() })
    }
  }
  return { headers, body }
}

function header(headers: Header[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.value
}

/** A parameter of a structured header: `charset=UTF-8`, `boundary="x"`. */
function param(value: string | undefined, name: string): string | null {
  if (!value) return null
  const m = new RegExp(`(?:^|;)\\s*${name}\\*?=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value)
  if (!m) return null
  const v = m[1] ?? m[2] ?? ''
  // RFC 2231 (charset''value) for filenames
  const ext = /^([\w-]+)'[^']*'(.*)$/.exec(v)
  return ext ? decodeBytes(percentBytes(ext[2]!), ext[1]!) : v
}

function collectParts(headers: Header[], body: string, out: QueueMessageContent['parts'], depth: number): void {
  if (out.length >= MAX_PARTS) return
  const ctHeader = header(headers, 'content-type') ?? 'text/plain'
  const contentType = (ctHeader.split(';')[0] ?? 'text/plain').trim().toLowerCase()
  const boundary = param(ctHeader, 'boundary')
  if (contentType.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    for (const part of splitMultipart(body, boundary)) {
      const p = splitMessage(part)
      collectParts(p.headers, p.body, out, depth + 1)
    }
    return
  }
  const cte = (header(headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase()
  const charset = param(ctHeader, 'charset')
  const disposition = header(headers, 'content-disposition')
  const filenameRaw = param(disposition, 'filename') ?? param(ctHeader, 'name')
  const filename = filenameRaw === null ? null : decodeWords(filenameRaw)
  const bytes = cte === 'base64' ? base64Bytes(body) : cte === 'quoted-printable' ? qpBytes(body) : latin1OrUtf8(body)
  const isText = contentType.startsWith('text/') || contentType === 'message/rfc822' || contentType === 'message/delivery-status'
  out.push({ contentType, charset, filename, text: isText ? decodeBytes(bytes, charset ?? 'utf-8') : null, size: bytes.length })
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = []
  const delim = '--' + boundary
  let current: string[] | null = null
  for (const line of body.split('\n')) {
    const t = line.trimEnd()
    if (t === delim + '--') {
      if (current) parts.push(current.join('\n'))
      return parts
    }
    if (t === delim) {
      if (current) parts.push(current.join('\n'))
      current = []
      continue
    }
    current?.push(line)
  }
  if (current) parts.push(current.join('\n'))
  return parts
}

/** The body as bytes when it was not encoded: the text we got is already decoded (UTF-8). */
function latin1OrUtf8(s: string): Uint8Array {
  return new TextEncoder().encode(s)
}

export function base64Bytes(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'))
}

export function qpBytes(s: string): Uint8Array {
  const text = s.replace(/=\r?\n/g, '')
  const out: number[] = []
  const enc = new TextEncoder()
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else out.push(...enc.encode(c))
  }
  return Uint8Array.from(out)
}

function percentBytes(s: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16))
      i += 2
    } else out.push(s.charCodeAt(i) & 0xff)
  }
  return Uint8Array.from(out)
}

export function decodeBytes(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase()).decode(bytes)
  } catch {
    return new TextDecoder('utf-8').decode(bytes)
  }
}

/** RFC 2047 encoded words (=?charset?B|Q?…?=); whitespace between adjacent words is dropped. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_all, cs: string, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? base64Bytes(data) : qpBytes(data.replace(/_/g, ' '))
      return decodeBytes(bytes, cs)
    })
}
