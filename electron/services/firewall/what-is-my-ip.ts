import { request } from 'node:https'
import { isIP } from 'node:net'
import { AppError } from '../../../shared/errors'

/**
 * Asks an HTTPS "what is my IP" service (a second opinion beside the server's $SSH_CONNECTION).
 * The body must be one IP address (surrounding whitespace allowed); anything else is an error that says why.
 */
export function whatIsMyIp(url: string, o: { timeoutMs?: number; ca?: string | Buffer; localAddress?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let u: URL
    try {
      u = new URL(url)
    } catch {
      return reject(new AppError('invalid-input', `Not a URL: ${url}`))
    }
    if (u.protocol !== 'https:') return reject(new AppError('invalid-input', `The what-is-my-IP URL must use https: ${url}`))
    const req = request(u, { method: 'GET', timeout: o.timeoutMs ?? 5000, headers: { accept: 'text/plain' }, ...(o.ca ? { ca: o.ca } : {}), ...(o.localAddress ? { localAddress: o.localAddress } : {}) }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        body += c
        if (body.length > 1000) req.destroy(new AppError('remote-failed', `${url} answered with more than an address.`))
      })
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new AppError('remote-failed', `${url} answered HTTP ${res.statusCode ?? '?'}.`))
        const ip = body.trim()
        if (!isIP(ip)) return reject(new AppError('remote-failed', `${url} did not answer with an IP address (got "${ip.slice(0, 60)}").`))
        resolve(ip)
      })
    })
    req.on('timeout', () => req.destroy(new AppError('timeout', `${url} did not answer within ${o.timeoutMs ?? 5000} ms.`)))
    req.on('error', (e) => reject(e instanceof AppError ? e : new AppError('unreachable', `Cannot reach ${url}: ${e.message}`)))
    req.end()
  })
}
