import { existsSync } from 'node:fs'
// @ts-expect-error plain .mjs helper shared with test/run-all.sh
import { ensureUp } from '../vps/ensure-up.mjs'

/** e2e needs the built app and the test mail server; without either it fails, never skips. */
export default async function setup(): Promise<void> {
  for (const f of ['out/renderer/index.html', 'out/preload/index.cjs'])
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` before the e2e tier`)
  if (!existsSync(process.env['POSTDESK_CHROMIUM'] ?? '/usr/bin/chromium')) throw new Error('Debian chromium is missing: apt-get install chromium')
  await ensureUp()
}
