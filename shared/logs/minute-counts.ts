// Per-minute counts for the live chart: delivered, deferred, bounced, rejected and failed logins.

import { statusOf } from './line-filter'
import type { LogLine } from './types'

export type ChartSeries = 'delivered' | 'deferred' | 'bounced' | 'rejected' | 'auth_failed'
export const CHART_SERIES: ChartSeries[] = ['delivered', 'deferred', 'bounced', 'rejected', 'auth_failed']

export interface MinuteBucket {
  minute: number // ms at the start of the minute
  counts: Record<ChartSeries, number>
}

/** Keeps the last `minutes` minutes of counts; add() lines as they arrive. */
export class MinuteCounter {
  private readonly buckets = new Map<number, MinuteBucket>()
  private newest = -Infinity

  constructor(private readonly minutes = 60) {}

  add(l: LogLine): void {
    if (l.time === null) return
    const s = statusOf(l)
    if (s !== 'delivered' && s !== 'deferred' && s !== 'bounced' && s !== 'rejected' && s !== 'auth_failed') return
    const m = Math.floor(l.time / 60_000) * 60_000
    if (m < this.newest - (this.minutes - 1) * 60_000) return
    let b = this.buckets.get(m)
    if (!b) {
      this.buckets.set(m, (b = { minute: m, counts: { delivered: 0, deferred: 0, bounced: 0, rejected: 0, auth_failed: 0 } }))
      if (m > this.newest) {
        this.newest = m
        for (const k of this.buckets.keys()) if (k < m - (this.minutes - 1) * 60_000) this.buckets.delete(k)
      }
    }
    b.counts[s]++
  }

  /** The buckets, oldest first, with empty minutes filled in up to the newest. */
  series(): MinuteBucket[] {
    if (this.newest === -Infinity) return []
    const out: MinuteBucket[] = []
    for (let m = this.newest - (this.minutes - 1) * 60_000; m <= this.newest; m += 60_000) {
      out.push(this.buckets.get(m) ?? { minute: m, counts: { delivered: 0, deferred: 0, bounced: 0, rejected: 0, auth_failed: 0 } })
    }
    return out
  }

  clear(): void {
    this.buckets.clear()
    this.newest = -Infinity
  }
}
