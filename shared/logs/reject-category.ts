// Why Postfix refused something, from the reply text it logged.

import type { RejectCategory } from './types'

/** Category of a reject/warn/hold/discard reason (reply text without code and <data>: prefix). */
export function rejectCategoryOf(reason: string, action: string, stage: string): RejectCategory {
  if (reason.includes('blocked using ')) return 'rbl'
  if (stage === 'header' || stage === 'body') return 'content'
  if (reason.startsWith('Relay access denied')) return 'relay_denied'
  if (reason.includes('User unknown') || reason.includes('unknown user') || reason.includes('undeliverable address')) return 'unknown_user'
  if (reason.startsWith('Helo command rejected')) return 'helo'
  if (reason.startsWith('Sender address rejected')) {
    if (reason.includes('Domain not found') || reason.includes('need fully-qualified') || reason.includes('Malformed DNS')) {
      return 'sender_domain'
    }
    return reason.includes('reylist') ? 'greylisted' : 'sender_address'
  }
  if (reason.startsWith('Recipient address rejected')) return reason.includes('reylist') ? 'greylisted' : 'recipient_address'
  if (reason.startsWith('Client host rejected')) {
    return reason.includes('cannot find your') ? 'client_hostname' : 'client_access'
  }
  if (reason.includes('reylist')) return 'greylisted'
  if (reason.startsWith('Message size exceeds')) return 'size'
  if (reason === 'too many connections' || reason === 'all server ports busy' || reason.startsWith('too many connections')) {
    return 'too_busy'
  }
  if (
    reason.startsWith('Protocol error') || reason.startsWith('Improper use of SMTP command pipelining') ||
    reason.startsWith('Data command rejected') || reason.includes('non-SMTP command')
  ) {
    return 'protocol'
  }
  if (action.startsWith('milter-') || stage === 'END-OF-MESSAGE') return 'content'
  if (reason.includes('SPF') || reason.includes('Policy') || reason.includes('policy')) return 'policy'
  return 'other'
}
