import { defineStore } from 'pinia'
import { ref } from 'vue'
import { describeError } from '../api/call'

export type ToastKind = 'success' | 'error' | 'info' | 'warning'
export interface Toast {
  id: number
  kind: ToastKind
  title: string
  detail?: string
}

const lifetimeMs: Record<ToastKind, number> = { success: 4000, info: 5000, warning: 8000, error: 10000 }
const maxShown = 5

export const useToastsStore = defineStore('toasts', () => {
  const items = ref<Toast[]>([])
  const timers = new Map<number, ReturnType<typeof setTimeout>>()
  let nextId = 1

  function dismiss(id: number): void {
    items.value = items.value.filter((t) => t.id !== id)
    const timer = timers.get(id)
    if (timer) clearTimeout(timer)
    timers.delete(id)
  }

  function push(kind: ToastKind, title: string, detail?: string): number {
    const id = nextId++
    items.value = [...items.value, detail ? { id, kind, title, detail } : { id, kind, title }]
    while (items.value.length > maxShown) dismiss(items.value[0]!.id)
    timers.set(
      id,
      setTimeout(() => dismiss(id), lifetimeMs[kind]),
    )
    return id
  }

  /** Holds a toast while the pointer or focus is on it. */
  function hold(id: number): void {
    const timer = timers.get(id)
    if (timer) clearTimeout(timer)
    timers.delete(id)
  }
  function release(id: number): void {
    const toast = items.value.find((t) => t.id === id)
    if (toast && !timers.has(id)) timers.set(id, setTimeout(() => dismiss(id), lifetimeMs[toast.kind] / 2))
  }

  const success = (title: string, detail?: string) => push('success', title, detail)
  const info = (title: string, detail?: string) => push('info', title, detail)
  const error = (e: unknown) => {
    const { title, detail } = describeError(e)
    return push('error', title, detail)
  }

  return { items, push, dismiss, hold, release, success, info, error }
})
