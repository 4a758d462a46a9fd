// Credentials in memory for adapter tests: `update` runs one change at a time, like the row lock
// of the service's store, and counts the writes that changed something (as the service skips the rest).
import type { CredentialStore } from '../../src/boards/types.js'

export interface MemoryStore<C> extends CredentialStore<C> {
  writes: number
  /** every value ever stored, for secret scans */
  history: C[]
}

export function memoryStore<C> (initial: C): MemoryStore<C> {
  let value = initial
  let queue: Promise<unknown> = Promise.resolve()
  const store: MemoryStore<C> = {
    writes: 0,
    history: [initial],
    current: () => value,
    update: async change => {
      const next = queue.then(async () => {
        const latest = value
        value = await change(latest)
        if (value !== latest) { store.writes++; store.history.push(value) }
        return value
      })
      queue = next.catch(() => {})
      return await next
    }
  }
  return store
}
