import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CONNECTION_FILE, isReachable, loadConnection } from './support/vps'

const UP_SCRIPT = join(import.meta.dirname, '../vps/up.sh')

/**
 * Integration tests run against the real test mail server and never skip: if it is not up, bring it
 * up with test/vps/up.sh; if it still cannot be reached, fail the run with the reason.
 */
export default async function setup(): Promise<void> {
  if (existsSync(CONNECTION_FILE)) {
    const c = loadConnection()
    if (await isReachable(c.host, c.port)) return
  }
  if (!existsSync(UP_SCRIPT)) throw new Error(`The test mail server is not up and ${UP_SCRIPT} does not exist to bring it up.`)
  console.log(`[integration] the test mail server is not reachable: running bash ${UP_SCRIPT}`)
  try {
    execFileSync('bash', [UP_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'] })
  } catch (e) {
    throw new Error(`bash test/vps/up.sh failed (${e instanceof Error ? e.message : String(e)}); see its output above. Integration tests need the test mail server.`, { cause: e })
  }
  if (!existsSync(CONNECTION_FILE)) throw new Error(`test/vps/up.sh finished but did not write ${CONNECTION_FILE}.`)
  const c = loadConnection()
  if (!(await isReachable(c.host, c.port))) {
    throw new Error(`The test mail server at ${c.host}:${c.port} does not accept connections even after test/vps/up.sh. Integration tests need it; they do not skip.`)
  }
}
