// Polls a synchronous look-up (e.g. "has this line arrived yet?") until it yields a value.

/** f()'s first truthy value within ms, polled every stepMs; else fails naming what it waited for. */
export async function until<T>(what: string, f: () => T | undefined | false | null, ms = 10_000, stepMs = 25): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = f()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, stepMs))
  }
}
