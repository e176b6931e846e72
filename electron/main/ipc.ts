import { channels, contract, type Channel, type Output, type ParsedInput } from '../../shared/contract/index'
import { toErrorShape } from '../../shared/errors'
import { fail, ok, type Result } from '../../shared/result'

/** What registerIpc needs of Electron's ipcMain; the browser e2e harness supplies a WebSocket one. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void
}
export interface IpcEventLike {
  senderFrame: { url: string } | null | undefined
}

/** Per-call context handed to handlers (kept small: who asked, when). */
export interface CallContext {
  channel: Channel
  senderUrl: string
}

export type Handlers = {
  [C in Channel]: (input: ParsedInput<C>, ctx: CallContext) => Promise<Output<C>> | Output<C>
}

export type SenderCheck = (url: string | undefined) => boolean

/**
 * The only place channels meet services: every call is checked (sender frame, input schema),
 * dispatched to its typed handler, and answered with a Result envelope whose errors keep their code.
 */
export function registerIpc(ipc: IpcMainLike, handlers: Handlers, isTrustedSender: SenderCheck, log?: (msg: string) => void): void {
  for (const channel of channels) {
    const spec = contract[channel]
    const handler = handlers[channel] as (input: unknown, ctx: CallContext) => unknown
    ipc.handle(channel, async (event, raw): Promise<Result<unknown>> => {
      const url = event.senderFrame?.url
      if (!isTrustedSender(url)) {
        log?.(`ipc: refused ${channel} from untrusted sender`)
        return fail('forbidden', 'This request did not come from the Postdesk window.')
      }
      const parsed = spec.input.safeParse(raw ?? {})
      if (!parsed.success) {
        return fail('invalid-input', describeIssues(parsed.error.issues), { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) })
      }
      try {
        const value = await handler(parsed.data, { channel, senderUrl: url ?? '' })
        const out = spec.output.safeParse(value)
        if (!out.success) {
          log?.(`ipc: ${channel} returned a value outside its contract: ${describeIssues(out.error.issues)}`)
          return fail('internal', `Internal error: ${channel} returned an unexpected shape.`)
        }
        return ok(out.data)
      } catch (e) {
        return { ok: false, error: toErrorShape(e) }
      }
    })
  }
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ')
}

/** Trust exactly our renderer: the packaged file:// index.html or the dev/harness origin. */
export function senderCheck(allowed: { fileIndexUrl?: string; origins?: string[] }): SenderCheck {
  return (url) => {
    if (!url) return false
    if (allowed.fileIndexUrl && url.split(/[?#]/)[0] === allowed.fileIndexUrl) return true
    try {
      const origin = new URL(url).origin
      return !!allowed.origins?.includes(origin)
    } catch {
      return false
    }
  }
}
