// RFC 3492 Punycode decoding for showing IDN domains in Unicode. Encoding (to xn--) is done by the
// WHATWG URL parser (toAsciiDomain in idn.ts), present in browsers and Node alike.

const base = 36
const tMin = 1
const tMax = 26
const skew = 38
const damp = 700
const initialBias = 72
const initialN = 128

function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / damp) : delta >> 1
  d += Math.floor(d / numPoints)
  let k = 0
  while (d > ((base - tMin) * tMax) >> 1) {
    d = Math.floor(d / (base - tMin))
    k += base
  }
  return k + Math.floor(((base - tMin + 1) * d) / (d + skew))
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 22 // '0'..'9' -> 26..35
  if (c >= 0x41 && c <= 0x5a) return c - 0x41
  if (c >= 0x61 && c <= 0x7a) return c - 0x61
  return base
}

/** Decodes one Punycode label (without the xn-- prefix); undefined if malformed. */
export function decodePunycode(input: string): string | undefined {
  const output: number[] = []
  const basicEnd = input.lastIndexOf('-')
  for (let j = 0; j < Math.max(0, basicEnd); j++) {
    const c = input.charCodeAt(j)
    if (c >= 0x80) return undefined
    output.push(c)
  }
  let n = initialN
  let bias = initialBias
  let i = 0
  for (let idx = basicEnd > 0 ? basicEnd + 1 : 0; idx < input.length; ) {
    const oldi = i
    let w = 1
    for (let k = base; ; k += base) {
      if (idx >= input.length) return undefined
      const digit = digitValue(input.charCodeAt(idx++))
      if (digit >= base || digit > Math.floor((0x7fffffff - i) / w)) return undefined
      i += digit * w
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias
      if (digit < t) break
      if (w > Math.floor(0x7fffffff / (base - t))) return undefined
      w *= base - t
    }
    const out = output.length + 1
    bias = adapt(i - oldi, out, oldi === 0)
    if (Math.floor(i / out) > 0x10ffff - n) return undefined
    n += Math.floor(i / out)
    i %= out
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined
    output.splice(i++, 0, n)
  }
  return String.fromCodePoint(...output)
}
