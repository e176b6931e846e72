// A fixed-size pool of worker_threads, one task per worker at a time, FIFO queue.
// Workers answer with serveWorkerTasks(); a crashed worker rejects its task and is replaced.
// Entries ending in .ts (tests, tsx, the CLI in development) are loaded through tsx's loader;
// built .js entries load directly.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve as resolvePath } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parentPort, Worker } from 'node:worker_threads'
import { AppError, toErrorShape, type AppErrorShape } from '../../../../shared/errors'

type Reply<Res> = { id: number; ok: true; value: Res } | { id: number; ok: false; error: AppErrorShape }

interface Task<Req, Res> {
  id: number
  req: Req
  resolve: (r: Res) => void
  reject: (e: unknown) => void
}

interface Slot<Req, Res> {
  worker: Worker
  task?: Task<Req, Res>
}

export interface WorkerPoolOptions {
  /** the worker module (its top level calls serveWorkerTasks) */
  entry: URL
  size: number
  workerData?: unknown
}

function spawn(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData })
  const bundled = bundledEntry(entry)
  // the bundle needs no loader: without the parent's execArgv a tsx-run parent's loader hooks stay out of the worker
  if (bundled !== undefined) return new Worker(bundled, { workerData, execArgv: [] })
  const tsxApi = tsxEsmApiUrl()
  const boot = `
    const { workerData } = require('node:worker_threads');
    import(workerData.tsxApi)
      .then((api) => { api.register(); return import(workerData.entry) })
      .catch((e) => { setImmediate(() => { throw e }) });`
  return new Worker(boot, { eval: true, workerData: { tsxApi, entry: entry.href, data: workerData } })
}

const bundles = new Map<string, URL | null>()

/**
 * A TypeScript entry bundled by esbuild (tsx's own dependency, so present wherever .ts entries run)
 * into one CommonJS file: a worker then starts in about 0.1 s instead of about 1 s for registering tsx
 * and transforming each module inside every worker. The bundle is kept in the temp directory and
 * reused while none of its inputs changed (size and mtime), so a process pays the build (about 0.2 s)
 * only after a source change. undefined when esbuild is not there (the tsx loader is used then).
 */
function bundledEntry(entry: URL): URL | undefined {
  let url = bundles.get(entry.href)
  if (url === undefined) {
    try {
      url = cachedBundle(fileURLToPath(entry))
    } catch {
      url = null
    }
    bundles.set(entry.href, url)
  }
  return url ?? undefined
}

function cachedBundle(entryPath: string): URL {
  const dir = join(tmpdir(), `postdesk-workers-${process.getuid?.() ?? 'user'}`)
  const base = join(dir, createHash('sha256').update(entryPath).digest('hex').slice(0, 16))
  const stamp = (inputs: string[]): string => createHash('sha256').update(JSON.stringify(inputs.map((f) => { const st = statSync(f); return [f, st.size, st.mtimeMs] }))).digest('hex')
  try {
    const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { inputs: string[]; stamp: string }
    if (meta.stamp === stamp(meta.inputs) && existsSync(`${base}.cjs`)) return pathToFileURL(`${base}.cjs`)
  } catch {
    // no usable bundle yet
  }
  const require = createRequire(import.meta.url)
  const esbuild = require(require.resolve('esbuild', { paths: [dirname(require.resolve('tsx/package.json'))] })) as typeof import('esbuild')
  const cwd = process.cwd()
  const out = esbuild.buildSync({ entryPoints: [entryPath], bundle: true, platform: 'node', format: 'cjs', target: `node${process.versions.node.split('.')[0]}`, write: false, metafile: true, logLevel: 'silent' })
  const code = out.outputFiles[0]?.text
  if (code === undefined) throw new Error('esbuild produced no output')
  const inputs = Object.keys(out.metafile.inputs).map((f) => resolvePath(cwd, f))
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const tmp = `${base}.${process.pid}.tmp`
  writeFileSync(tmp, code)
  renameSync(tmp, `${base}.cjs`)
  writeFileSync(`${base}.json`, JSON.stringify({ inputs, stamp: stamp(inputs) }))
  return pathToFileURL(`${base}.cjs`)
}

/** tsx's ESM register() (a devDependency: only .ts entries, i.e. tests and development, need it). */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url)
  const pkgPath = require.resolve('tsx/package.json')
  const pkg = require(pkgPath) as { exports: Record<string, { import: { default: string } }> }
  const rel = pkg.exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs'
  return new URL(rel, pathToFileURL(pkgPath)).href
}

/** In a worker: the data the pool was created with (unwrapping the .ts bootstrap's envelope). */
export function poolWorkerData<T>(raw: unknown): T {
  const env = raw as { tsxApi?: string; data?: unknown } | undefined
  return (env && typeof env === 'object' && 'tsxApi' in env ? env.data : raw) as T
}

export class WorkerPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = []
  private readonly queue: Task<Req, Res>[] = []
  private nextId = 1
  private closed = false

  constructor(private readonly opts: WorkerPoolOptions) {
    if (!(opts.size >= 1)) throw new AppError('invalid-input', 'a worker pool needs at least one worker')
    for (let i = 0; i < opts.size; i++) this.slots.push(this.startSlot())
  }

  get size(): number {
    return this.slots.length
  }

  run(req: Req): Promise<Res> {
    if (this.closed) return Promise.reject(new AppError('cancelled', 'worker pool is closed'))
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, req, resolve, reject })
      this.dispatch()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.queue.splice(0)) t.reject(new AppError('cancelled', 'worker pool closed'))
    for (const slot of this.slots) {
      slot.task?.reject(new AppError('cancelled', 'worker pool closed'))
      slot.task = undefined
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()))
  }

  private startSlot(): Slot<Req, Res> {
    const slot: Slot<Req, Res> = { worker: spawn(this.opts.entry, this.opts.workerData) }
    slot.worker.unref()
    slot.worker.on('message', (m: Reply<Res>) => {
      const t = slot.task
      if (!t || t.id !== m.id) return
      slot.task = undefined
      if (m.ok) t.resolve(m.value)
      else t.reject(new AppError(m.error.code, m.error.message, m.error.detail))
      this.dispatch()
    })
    const fail = (e: unknown): void => {
      const t = slot.task
      slot.task = undefined
      t?.reject(e instanceof Error ? e : new AppError('internal', `worker exited: ${String(e)}`))
      if (this.closed) return
      const i = this.slots.indexOf(slot)
      if (i >= 0) this.slots[i] = this.startSlot()
      this.dispatch()
    }
    slot.worker.on('error', fail)
    slot.worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) fail(new AppError('internal', `worker exited with code ${code}`))
    })
    return slot
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task) continue
      const t = this.queue.shift()
      if (!t) return
      slot.task = t
      slot.worker.ref()
      slot.worker.postMessage({ id: t.id, req: t.req })
    }
    for (const slot of this.slots) if (!slot.task) slot.worker.unref()
  }
}

/** In a worker module: answers the pool's tasks with `handle`. */
export function serveWorkerTasks<Req, Res>(handle: (req: Req) => Res | Promise<Res>): void {
  const port = parentPort
  if (!port) throw new Error('serveWorkerTasks must run in a worker thread')
  port.on('message', async (m: { id: number; req: Req }) => {
    try {
      port.postMessage({ id: m.id, ok: true, value: await handle(m.req) } satisfies Reply<Res>)
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, error: toErrorShape(e) } satisfies Reply<Res>)
    }
  })
}

/** The sibling module `name` as built (.js) when present, else the TypeScript source. */
export function siblingEntry(metaUrl: string, name: string, exists: (path: string) => boolean): URL {
  const js = new URL(`./${name}.js`, metaUrl)
  return exists(fileURLToPath(js)) ? js : new URL(`./${name}.ts`, metaUrl)
}
