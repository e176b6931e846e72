// Small scanners for the shapes Postfix and Dovecot write: HOST[IP]:PORT, <address>, key=value lists.
// All linear: each looks forward from an index and never rescans.

export interface HostAddress {
  host: string
  /** the text inside [ ] (an IP address, `unknown`, or a service like private/dovecot-lmtp) */
  ip: string
  port: number | null
  /** index just past the address (and port) */
  end: number
}

/** `HOST[IP]` or `HOST[IP]:PORT` starting at i (HOST may be empty: postscreen's `[IP]:PORT`). */
export function hostAddressAt(s: string, i: number, limit = s.length): HostAddress | null {
  const lb = s.indexOf('[', i)
  if (lb < 0 || lb >= limit) return null
  for (let k = i; k < lb; k++) {
    const c = s.charCodeAt(k)
    if (c === 32 || c === 44 /* , */) return null
  }
  const rb = s.indexOf(']', lb + 1)
  if (rb < 0 || rb > limit) return null
  let end = rb + 1
  let port: number | null = null
  if (s.charCodeAt(end) === 58 && isDigit(s.charCodeAt(end + 1))) {
    let v = 0
    let k = end + 1
    while (k < limit && isDigit(s.charCodeAt(k))) v = v * 10 + (s.charCodeAt(k++) - 48)
    port = v
    end = k
  }
  return { host: s.slice(i, lb), ip: s.slice(lb + 1, rb), port, end }
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** The unsigned integer at i, or -1. */
export function uintAt(s: string, i: number): number {
  let k = i
  let v = 0
  while (k < s.length && isDigit(s.charCodeAt(k))) v = v * 10 + (s.charCodeAt(k++) - 48)
  return k === i ? -1 : v
}

/** Index just past the run of digits at i. */
export function digitsEnd(s: string, i: number): number {
  let k = i
  while (k < s.length && isDigit(s.charCodeAt(k))) k++
  return k
}

/** A value that may be written `<addr>`: returns the inner text and the index past it. */
export function angleOrPlain(s: string, i: number, stop: string): { value: string; end: number } {
  if (s.charCodeAt(i) === 60 /* < */) {
    // the first `>` that ends the value (followed by the separator or the end)
    let g = s.indexOf('>', i + 1)
    while (g >= 0 && g + 1 < s.length && !s.startsWith(stop, g + 1) && s.charCodeAt(g + 1) !== 32) {
      g = s.indexOf('>', g + 1)
    }
    if (g < 0) return { value: s.slice(i + 1), end: s.length }
    return { value: s.slice(i + 1, g), end: g + 1 }
  }
  let e = s.indexOf(stop, i)
  if (e < 0) e = s.length
  return { value: s.slice(i, e), end: e }
}

/** Unquote `<x>` -> `x` (used for helo=<…>, from=<…> values in reject key lists). */
export function stripAngles(v: string): string {
  return v.length >= 2 && v.charCodeAt(0) === 60 && v.charCodeAt(v.length - 1) === 62 ? v.slice(1, -1) : v
}

/**
 * Key/value pairs `from=<a> to=<b> proto=ESMTP helo=<h>` (space separated, as smtpd and cleanup
 * write them) or `from=<a>, to=<b>, …` (postscreen). Calls back for each pair; values keep no `<>`.
 * Stops at `limit` or at `: ` after a value (cleanup appends `: text` to some actions).
 */
export function eachKeyValue(s: string, i: number, limit: number, onPair: (key: string, value: string) => void): number {
  let p = i
  while (p < limit) {
    while (p < limit && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 44)) p++
    const eq = s.indexOf('=', p)
    if (eq < 0 || eq >= limit) break
    for (let k = p; k < eq; k++) {
      const c = s.charCodeAt(k)
      if (c === 32 || c === 58) return p
    }
    const key = s.slice(p, eq)
    let v: string
    let end: number
    if (s.charCodeAt(eq + 1) === 60) {
      // <…> may contain spaces; it ends at the first `>` followed by a separator or the end
      let g = s.indexOf('>', eq + 2)
      while (g >= 0 && g + 1 < limit) {
        const n = s.charCodeAt(g + 1)
        if (n === 32 || n === 44 || n === 58) break
        g = s.indexOf('>', g + 1)
      }
      if (g < 0 || g >= limit) {
        v = s.slice(eq + 2, limit)
        end = limit
      } else {
        v = s.slice(eq + 2, g)
        end = g + 1
      }
    } else {
      end = eq + 1
      while (end < limit) {
        const c = s.charCodeAt(end)
        if (c === 32 || c === 44) break
        end++
      }
      v = s.slice(eq + 1, end)
    }
    onPair(key, v)
    p = end
    if (s.charCodeAt(p) === 58 && s.charCodeAt(p + 1) === 32) return p
  }
  return p
}

/** Leftmost of several substrings from i; -1 if none. */
export function indexOfAny(s: string, needles: readonly string[], from: number): number {
  let best = -1
  for (const n of needles) {
    const k = s.indexOf(n, from)
    if (k >= 0 && (best < 0 || k < best)) best = k
  }
  return best
}
