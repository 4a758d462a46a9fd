// A board's request budgets in this process's memory, for adapter tests without a database: the
// same rules as the replicas' one in Postgres (src/modules/boards/request-limiter.ts). Each request
// takes the next free slot of its key (evenly spaced, not before a block ends) and sleeps until it;
// a block met while it waited sends it back behind the block, or fails it when that is too far off.
import { setTimeout as sleep } from 'node:timers/promises'
import { tooLongToWait } from '../../src/modules/boards/request-limiter.js'
import type { BoardId, RequestLimiter } from '../../src/boards/types.js'

export interface MemoryLimiter extends RequestLimiter {
  /** when `key` is blocked until (epoch ms), or undefined */
  blockedUntil (key: string): number | undefined
  /** every take and block, in order */
  readonly log: Array<{ op: 'take' | 'block', key: string, ms: number }>
}

export function memoryLimiter (board: BoardId): MemoryLimiter {
  const keys = new Map<string, { nextAt: number, blockedUntil: number }>()
  const log: MemoryLimiter['log'] = []
  const state = (key: string) => {
    let entry = keys.get(key)
    if (entry === undefined) keys.set(key, entry = { nextAt: 0, blockedUntil: 0 })
    return entry
  }

  return {
    log,
    async take (key, limit, maxWaitMs) {
      log.push({ op: 'take', key, ms: maxWaitMs })
      const entry = state(key)
      const deadline = Date.now() + maxWaitMs
      for (;;) {
        const now = Date.now()
        const start = Math.max(entry.nextAt, entry.blockedUntil, now)
        if (start > deadline) throw tooLongToWait(board, start - now, entry.blockedUntil > now)
        entry.nextAt = start + limit.perMs / limit.requests
        if (start - now < 1) return
        await sleep(start - now)
        if (entry.blockedUntil <= Date.now()) return
      }
    },
    async block (key, ms) {
      log.push({ op: 'block', key, ms })
      const entry = state(key)
      entry.blockedUntil = Math.max(entry.blockedUntil, Date.now() + ms)
    },
    blockedUntil (key) {
      const until = keys.get(key)?.blockedUntil
      return until === undefined || until <= Date.now() ? undefined : until
    }
  }
}
