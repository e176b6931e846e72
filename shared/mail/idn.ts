// Internationalised domain names: stored as ASCII (xn--, what PostfixAdmin's check_domain accepts and
// what Postfix looks up), shown in Unicode. toASCII is the WHATWG URL parser's (UTS #46 mapping:
// case folding, NFC, full-width dots), available in the renderer and in Node.
import { decodePunycode } from './punycode'

/** Unicode or ASCII domain -> lowercase ASCII form; undefined when it is not a plain host name. */
export function toAsciiDomain(input: string): string | undefined {
  const d = input.trim()
  // Reject what the URL parser would treat as something else than a host name.
  if (d === '' || /[\s/\\?#@:[\]%]/.test(d)) return undefined
  let host: string
  try {
    host = new URL(`http://${d}/`).hostname
  } catch {
    return undefined
  }
  // The URL parser turns '1.2.3.4', '1.2.3' or '0x7f.1' into IPv4 addresses: not a domain.
  if (/^\d+(\.\d+){3}$/.test(host)) return undefined
  return host.replace(/\.$/, '')
}

/** ASCII (xn--) domain -> Unicode for display; labels that do not decode stay as they are. */
export function toUnicodeDomain(ascii: string): string {
  return ascii
    .split('.')
    .map((label) => {
      if (!/^xn--/i.test(label)) return label
      const decoded = decodePunycode(label.slice(4).toLowerCase())
      // an all-ASCII result is no IDN label (e.g. 'xn--abc-'): show the stored form
      return decoded === undefined || [...decoded].every((c) => c.charCodeAt(0) < 0x80) ? label : decoded
    })
    .join('.')
}

/** Both forms of an address's domain: `user@例え.jp` -> `user@xn--r8jz45g.jp`. Local part untouched. */
export function toAsciiEmail(input: string): string | undefined {
  const at = input.lastIndexOf('@')
  if (at < 0) return undefined
  const domain = toAsciiDomain(input.slice(at + 1))
  return domain === undefined ? undefined : `${input.slice(0, at)}@${domain}`
}

export function toUnicodeEmail(ascii: string): string {
  const at = ascii.lastIndexOf('@')
  return at < 0 ? ascii : `${ascii.slice(0, at)}@${toUnicodeDomain(ascii.slice(at + 1))}`
}
