#!/usr/bin/env node
// `postdesk` from a checkout: registers tsx's TypeScript loader in this process (no child process, so
// the terminal, signals and exit code stay ours), then runs the CLI's source.
import { register } from 'tsx/esm/api'

register()
await import('./main.ts')
