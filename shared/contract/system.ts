import { z } from 'zod'
import { ServerId } from '../domain/server'
import {
  CertExpiry,
  Dashboard,
  QueueAction,
  QueueActionResult,
  QueueId,
  QueueListing,
  QueueMessageContent,
  QueueTarget,
  ServiceAction,
  ServiceActionResult,
  ServiceKey,
  ServicesOverview,
} from '../domain/system'
import type { ContractSection } from './define'

/** Services (init system), the mail queue and the dashboard of a connected server. */
export const systemChannels = {
  'services.list': { input: z.object({ id: ServerId }), output: ServicesOverview },
  /** Runs the action and verifies it (running or stopped, ports listening); a failure comes back as ok:false with the reason and undo offers. */
  'services.act': { input: z.object({ id: ServerId, service: ServiceKey, action: ServiceAction }), output: ServiceActionResult },
  /** Applies an undo offer from a failed action, then brings the service back and verifies it. */
  'services.undo': { input: z.object({ id: ServerId, offerId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }), output: ServiceActionResult },
  'queue.list': { input: z.object({ id: ServerId }), output: QueueListing },
  'queue.show': { input: z.object({ id: ServerId, queueId: QueueId }), output: QueueMessageContent },
  'queue.act': { input: z.object({ id: ServerId, action: QueueAction, target: QueueTarget }), output: QueueActionResult },
  'dashboard.get': { input: z.object({ id: ServerId }), output: Dashboard },
  'dashboard.certificate': { input: z.object({ id: ServerId, usedBy: CertExpiry.shape.usedBy, path: z.string().regex(/^\/[^\0\n]{0,1023}$/) }), output: CertExpiry },
} satisfies ContractSection
