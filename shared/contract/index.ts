import type { z } from 'zod'
import { appChannels } from './app'
import { configChannels, configEvents } from './config'
import { dbChannels } from './db'
import { firewallChannels, firewallEvents } from './firewall'
import { journalChannels, journalEvents } from './journal'
import { logsChannels, logsEvents } from './logs'
import { mailChannels, mailEvents } from './mail'
import { serversChannels, serversEvents } from './servers'
import { systemChannels } from './system'

/** Every request/response channel of the app. Add a section here and the compiler demands a handler. */
export const contract = {
  ...appChannels,
  ...serversChannels,
  ...journalChannels,
  ...systemChannels,
  ...logsChannels,
  ...dbChannels,
  ...mailChannels,
  ...firewallChannels,
  ...configChannels,
}
/** Every main -> renderer event stream. */
export const events = {
  ...serversEvents,
  ...journalEvents,
  ...logsEvents,
  ...firewallEvents,
  ...configEvents,
  ...mailEvents,
}

export type Contract = typeof contract
export type Channel = keyof Contract
export type Input<C extends Channel> = z.input<Contract[C]['input']>
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>
export type Output<C extends Channel> = z.output<Contract[C]['output']>

export type Events = typeof events
export type EventName = keyof Events
export type Payload<E extends EventName> = z.output<Events[E]['payload']>

export const channels = Object.keys(contract) as Channel[]
export const eventNames = Object.keys(events) as EventName[]

/** The single IPC channel on which batched events travel main -> renderer. */
export const EVENT_BATCH_CHANNEL = 'postdesk:events'
