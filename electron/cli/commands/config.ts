// `postdesk config pull|status|diff|lint|push|history|rollback NAME …`: the configs workspace from the shell.

import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { createTwoFilesPatch } from 'diff'
import { sortFindings } from '../../../shared/config/finding'
import type { PushResult, WorkspaceStatus } from '../../../shared/domain/config-workspace'
import { AppError } from '../../../shared/errors'
import type { Services } from '../../services/types'
import { printJson, type CliContext } from '../cli-context'
import { connectServer } from '../connect-server'
import { textTable } from '../text-table'
import { formatFindings } from './lint'

/** Adds `config …` to the program. */
export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command('config').description("the server's Postfix/Dovecot/PostfixAdmin config files: pull, edit offline, lint, diff, push safely, roll back")

  config
    .command('pull <name>')
    .description("copy the server's config files (secrets masked) and its postconf/doveconf catalogues into the local workspace; local edits are merged")
    .option('--json', 'print the workspace status as JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const { s, profile } = await connectServer(ctx, name)
      const started = Date.now()
      const st = await s.configs.pull(profile.id)
      if (o.json) return printJson(ctx, st)
      ctx.io.out(`Pulled ${st.files.length} files from ${profile.name} in ${Date.now() - started} ms (Postfix ${st.postfixVersion ?? '?'}, Dovecot ${st.dovecotVersion ?? '?'}; snapshot ${st.baseSnapshot}).\n`)
      ctx.io.out(fileTable(st))
      if (st.conflicts) ctx.io.out(`${st.conflicts} file(s) have conflicts with your local edits: resolve them, then push.\n`)
    })

  config
    .command('status <name>')
    .description('the local workspace (offline): files, what changed since the pull, conflicts')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const { s, id } = await offline(ctx, name)
      const st = await s.configs.status(id)
      if (o.json) return printJson(ctx, st)
      if (!st.pulledAt) return ctx.io.out(`Nothing pulled for ${name} yet: postdesk config pull ${name}\n`)
      ctx.io.out(`${st.changed} file${st.changed === 1 ? '' : 's'} changed since pull (${st.pulledAt}, snapshot ${st.baseSnapshot})${st.conflicts ? `, ${st.conflicts} with conflicts` : ''}; catalogues: ${st.catalogues}.\n`)
      if (st.pushInterrupted) ctx.io.out('A push was interrupted by a dropped link: connect again to learn how it ended.\n')
      if (st.lastPush) ctx.io.out(`Last push on the server (${st.lastPush.id}, ${st.lastPush.startedAt}): ended with the ${st.lastPush.state} files.\n`)
      if (st.newOnServer?.length) ctx.io.out(`New on the server (pull to add): ${st.newOnServer.join(', ')}\n`)
      ctx.io.out(fileTable(st))
    })

  config
    .command('diff <name> [paths...]')
    .description('unified diff of the local files against the pulled version (offline)')
    .option('--json', 'print [{path, state, patch}]')
    .action(async (name: string, paths: string[], o: { json?: boolean }) => {
      const { s, id } = await offline(ctx, name)
      const st = await s.configs.status(id)
      if (!st.pulledAt) throw new AppError('not-found', `No configs pulled for ${name} yet: pull first (postdesk config pull ${name}).`)
      const chosen = st.files.filter((f) => (paths.length ? paths.includes(f.path) : f.state !== 'unchanged'))
      for (const p of paths) if (!st.files.some((f) => f.path === p)) throw new AppError('not-found', `${p} is not part of the workspace of ${name}.`)
      const out: { path: string; state: string; patch: string }[] = []
      for (const f of chosen) {
        const c = await s.configs.read(id, f.path)
        if (c.text === c.base) continue
        out.push({ path: f.path, state: f.state, patch: createTwoFilesPatch(`a${f.path}`, `b${f.path}`, c.base, c.text, 'pulled', 'local') })
      }
      if (o.json) return printJson(ctx, out)
      if (!out.length) return ctx.io.out('No local changes.\n')
      for (const d of out) ctx.io.out(d.patch.replace(/^=+\n/m, ''))
    })

  config
    .command('lint <name>')
    .description("check the local files as one set (offline) with the server's catalogues; with --connect also what only the server can tell (cert/key/CA files); exits 1 on an error-level finding")
    .option('--connect', 'connect and check on the server that the cert/key/CA files the files name exist and are readable (one round trip)')
    .option('--json', 'print {"findings": [...], "summary": {...}, "serverChecked": bool}')
    .action(async (name: string, o: { json?: boolean; connect?: boolean }) => {
      const { s, id } = o.connect ? await connectServer(ctx, name).then((c) => ({ s: c.s, id: c.profile.id })) : await offline(ctx, name)
      const lint = await s.configs.lint(id)
      const r = o.connect ? { ...lint, findings: sortFindings([...lint.findings, ...(await s.configs.serverChecks(id))]) } : lint
      const summary = { errors: 0, warnings: 0, infos: 0 }
      for (const f of r.findings) summary[f.severity === 'error' ? 'errors' : f.severity === 'warning' ? 'warnings' : 'infos']++
      if (o.json) printJson(ctx, { postfixVersion: r.postfixVersion, dovecotVersion: r.dovecotVersion, files: r.files, findings: r.findings, summary, serverChecked: o.connect === true })
      else {
        ctx.io.out(formatFindings(r, (p) => p))
        ctx.io.out(o.connect ? 'Cert/key/CA files checked on the server.\n' : 'Cert/key/CA files were not checked on the server (offline): add --connect.\n')
      }
      if (summary.errors) ctx.setExitCode(1)
    })

  config
    .command('cat <name> <path>')
    .description('print a local file (secrets as placeholders)')
    .option('--base', 'the pulled version instead')
    .action(async (name: string, path: string, o: { base?: boolean }) => {
      const { s, id } = await offline(ctx, name)
      const c = await s.configs.read(id, path)
      ctx.io.out(o.base ? c.base : c.text)
    })

  config
    .command('save <name> <path> [file]')
    .description('replace a local file with FILE or stdin (offline); a real secret typed in place of a placeholder goes to the secret store')
    .option('--json', 'print the file entry')
    .action(async (name: string, path: string, file: string | undefined, o: { json?: boolean }) => {
      const { s, id } = await offline(ctx, name)
      const text = file && file !== '-' ? await readFile(file, 'utf8') : ((await ctx.io.readStdin?.())?.toString('utf8') ?? '')
      const f = await s.configs.save(id, path, text)
      if (o.json) return printJson(ctx, f)
      ctx.io.out(`Saved ${path} (${f.state}).\n`)
    })

  config
    .command('revert <name> <path>')
    .description('put a local file back to its pulled version (offline)')
    .action(async (name: string, path: string) => {
      const { s, id } = await offline(ctx, name)
      await s.configs.revert(id, path)
      ctx.io.out(`Reverted ${path}.\n`)
    })

  config
    .command('push <name>')
    .description("compare with the server (three-way), lint, then stage, validate with the server's tools, install with backups, reload and verify (restored on failure); exits 1 unless installed")
    .option('-m, --message <text>', 'why (kept with the snapshot)')
    .option('--validate-only', "stage and ask the server's tools only; nothing is installed")
    .option('--json', 'print the push result')
    .action(async (name: string, o: { message?: string; validateOnly?: boolean; json?: boolean }) => {
      const { s, profile } = await connectServer(ctx, name)
      const r = await s.configs.push(profile.id, { ...(o.message ? { message: o.message } : {}), validateOnly: o.validateOnly === true })
      report(ctx, r, o.json)
    })

  config
    .command('history <name>')
    .description('the snapshots (pull, push, rollback), newest first, with who and what changed (offline)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const { s, id } = await offline(ctx, name)
      const h = await s.configs.history(id)
      if (o.json) return printJson(ctx, h)
      if (!h.length) return ctx.io.out('No snapshots yet.\n')
      ctx.io.out(textTable([['SNAPSHOT', 'KIND', 'TIME', 'AUTHOR', 'FILES', 'CHANGED', 'MESSAGE'], ...h.map((x) => [x.id, x.kind, x.time, x.author, String(x.fileCount), summarise(x.changed), x.message])]))
    })

  config
    .command('rollback <name> [snapshot]')
    .description('set the local files to a snapshot (default: the one before the current base) and push them like any other push')
    .option('--validate-only', "stage and ask the server's tools only; nothing is installed")
    .option('--json', 'print the push result')
    .action(async (name: string, snapshot: string | undefined, o: { validateOnly?: boolean; json?: boolean }) => {
      const { s, profile } = await connectServer(ctx, name)
      const target = snapshot ?? (await previousSnapshot(s, profile.id))
      await s.configs.restore(profile.id, target)
      const r = await s.configs.push(profile.id, { kind: 'rollback', message: `Rollback to ${target}`, validateOnly: o.validateOnly === true })
      report(ctx, r, o.json)
    })
}

async function offline(ctx: CliContext, name: string): Promise<{ s: Services; id: string }> {
  const s = await ctx.services()
  return { s, id: (await s.profiles.get(name)).id }
}

async function previousSnapshot(s: Services, id: string): Promise<string> {
  const [st, h] = await Promise.all([s.configs.status(id), s.configs.history(id)])
  const at = h.findIndex((x) => x.id === st.baseSnapshot)
  const prev = at >= 0 ? h[at + 1] : undefined
  if (!prev) throw new AppError('not-found', 'There is no earlier snapshot to roll back to; name one from `postdesk config history`.')
  return prev.id
}

function fileTable(st: WorkspaceStatus): string {
  return textTable([['STATE', 'PATH', 'KIND', 'MODE', 'OWNER', 'SECRETS'], ...st.files.map((f) => [f.state, f.path, f.mapType ? `${f.kind}:${f.mapType}` : f.kind, f.mode ?? '', `${f.user ?? '?'}:${f.group ?? '?'}`, f.hasSecrets ? 'masked' : ''])])
}

function summarise(paths: string[]): string {
  if (paths.length <= 2) return paths.join(', ') || '-'
  return `${paths.slice(0, 2).join(', ')} +${paths.length - 2}`
}

function report(ctx: CliContext, r: PushResult, json?: boolean): void {
  if (!r.ok) ctx.setExitCode(1)
  if (json) return printJson(ctx, r)
  for (const v of r.verdicts) ctx.io.out(`${v.ok ? 'ok  ' : 'FAIL'} ${v.tool}: ${v.command}${v.output ? `\n${v.output.replace(/^/gm, '     ')}` : ''}\n`)
  if (r.ok && r.installed.length === 0 && !r.validateOnly) return ctx.io.out('Nothing to push: the server already has the local files.\n')
  if (r.ok && r.validateOnly) return ctx.io.out("The server's tools accept the files (nothing was installed).\n")
  if (r.ok) {
    ctx.io.out(`Installed ${r.installed.map((i) => `${i.path}${i.backup ? ` (backup ${i.backup})` : ''}`).join(', ')}; reloaded ${r.reloaded.join(', ') || 'nothing'}; snapshot ${r.snapshot}.\n`)
    return
  }
  ctx.io.err(`postdesk: push stopped at ${r.step}${r.restored ? ' (the old files were put back)' : ''}: ${r.reason ?? 'failed'}\n`)
}
