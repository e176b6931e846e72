/** Hosts the app may open in the user's browser; anything else is refused. */
export const externalLinkAllowList = [
  'github.com',
  'www.postfix.org',
  'doc.dovecot.org',
  'postfixadmin.github.io',
]

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  return url.protocol === 'https:' && !url.username && !url.password && externalLinkAllowList.includes(url.hostname)
}
