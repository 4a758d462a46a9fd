// Board request budgets shared by every replica, kept in Postgres (request-limits-repo.ts): a board
// with a documented limit (Work.ua: 50 requests/s, then a one-minute block) asks before each
// request, so the limit holds however many processes send.
//
// take() reserves the next free slot of the key in one statement and sleeps until it: requests of
// all replicas start evenly spaced (one every perMs / requests ms, no bursts, so a window of any
// alignment sees no more than the limit), in the order they asked. A request that waited re-reads
// the key's block shortly before its slot (so the read's own latency does not make it late and
// bunch it with the next ones): a 429 another replica met meanwhile voids the slot, and it queues
// again behind the block, or gives up when that is further off than its patience.
import { setTimeout as sleep } from 'node:timers/promises'
import { BoardError } from '../../boards/errors.js'
import { boardName } from '../../boards/registry.js'
import type { BoardId, RequestLimiter } from '../../boards/types.js'
import type { Db } from '../../db/index.js'
import * as repo from './request-limits-repo.js'

/** the wait (ms) under which a request just goes: the statement itself saw no block */
const NO_WAIT_MS = 1
/** how long before its slot a waiting request reads the block again */
const RECHECK_LEAD_MS = 100

/** the error of a request that would wait longer than it may */
export function tooLongToWait (board: BoardId, waitMs: number, blocked: boolean): BoardError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return new BoardError({
    board,
    kind: 'rate_limited',
    detail: blocked
      ? `${boardName(board)} blocked our requests after a 429: none is sent for ${seconds} s more`
      : `${boardName(board)}'s request limit is used up for the next ${seconds} s (shared by every replica)`,
    retryAfterMs: Math.ceil(waitMs)
  })
}

/** the request budgets of `board` in Postgres; keys are the board's own, stored under `<board>:` */
export function createRequestLimiter ({ db, board }: { db: Db, board: BoardId }): RequestLimiter {
  const keyOf = (key: string): string => `${board}:${key}`

  return {
    async take (key, limit, maxWaitMs) {
      const stored = keyOf(key)
      const intervalMs = limit.perMs / limit.requests
      const deadline = Date.now() + maxWaitMs
      for (;;) {
        const slot = await repo.reserveSlot(db, stored, intervalMs, Math.max(0, deadline - Date.now()))
        if (slot === null) {
          const { waitMs, blocked } = await repo.waitOf(db, stored)
          throw tooLongToWait(board, waitMs, blocked)
        }
        if (slot.waitMs < NO_WAIT_MS) return
        const slotAt = Date.now() + slot.waitMs
        await sleep(Math.max(0, slot.waitMs - RECHECK_LEAD_MS))
        if (await repo.blockedFor(db, stored) === 0) {
          if (slotAt > Date.now()) await sleep(slotAt - Date.now())
          return
        }
      }
    },

    async block (key, ms) {
      await repo.blockKey(db, keyOf(key), ms)
    }
  }
}
