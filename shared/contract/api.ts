import type { Result } from '../result'
import type { Channel, EventName, Input, Output, Payload } from './index'

// window.api's shape, derived from the contract: api.<area>.<verb>(input) and api.<area>.on<Name>(cb).
type AreaOf<K extends string> = K extends `${infer A}.${string}` ? A : never
type Cap<S extends string> = S extends `${infer H}${infer T}` ? `${Uppercase<H>}${T}` : S

type ChannelArea = AreaOf<Channel>
type EventArea = AreaOf<EventName>

// Channels whose input has no required field may be called with no argument.
type Call<C extends Channel> = Record<string, never> extends Input<C> ? (input?: Input<C>) => Promise<Result<Output<C>>> : (input: Input<C>) => Promise<Result<Output<C>>>

type Methods<A extends string> = {
  [C in Channel as C extends `${A}.${infer V}` ? V : never]: Call<C>
}
type Listeners<A extends string> = {
  [E in EventName as E extends `${A}.${infer V}` ? `on${Cap<V>}` : never]: (listener: (payload: Payload<E>) => void) => () => void
}

export type Api = { [A in ChannelArea | EventArea]: Methods<A> & Listeners<A> }

/** `servers.connectionState` -> ['servers', 'onConnectionState'] */
export function eventMethodName(name: string): [string, string] {
  const [area, verb] = splitName(name)
  return [area, 'on' + verb.charAt(0).toUpperCase() + verb.slice(1)]
}
export function splitName(name: string): [string, string] {
  const i = name.indexOf('.')
  return [name.slice(0, i), name.slice(i + 1)]
}
