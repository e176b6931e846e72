// postinstall: npm links the bins of dependencies, not the project's own, so `npx postdesk` in a
// checkout would find nothing (or, worse, look it up on the registry). Link ours into node_modules/.bin.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'

const target = '../../electron/cli/postdesk.js'
mkdirSync('node_modules/.bin', { recursive: true })
rmSync('node_modules/.bin/postdesk', { force: true })
symlinkSync(target, 'node_modules/.bin/postdesk')
chmodSync('electron/cli/postdesk.js', 0o755)
