// Brings the test mail server up unless connection.json names one that answers on SSH.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const connFile = join(here, '.state/connection.json')

function reachable(host, port, ms = 1500) {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: ms })
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('timeout', () => (s.destroy(), resolve(false)))
    s.once('error', () => resolve(false))
  })
}

export async function ensureUp() {
  if (existsSync(connFile)) {
    const c = JSON.parse(readFileSync(connFile, 'utf8'))
    if (await reachable(c.host, c.port)) return c
  }
  console.log('[postdesk] starting the test mail server: bash test/vps/up.sh')
  execFileSync('bash', [join(here, 'up.sh')], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (!existsSync(connFile)) throw new Error(`up.sh did not write ${connFile}`)
  const c = JSON.parse(readFileSync(connFile, 'utf8'))
  if (!(await reachable(c.host, c.port))) throw new Error(`the test mail server at ${c.host}:${c.port} does not answer after up.sh`)
  return c
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureUp().then(
    (c) => console.log(`[postdesk] test mail server up at ${c.host}:${c.port}`),
    (e) => {
      console.error(`[postdesk] ${e.message}`)
      process.exit(1)
    },
  )
}
