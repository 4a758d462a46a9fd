// The SQL of the request budgets shared by the replicas (request-limiter.ts). A key's row is a
// schedule: `next_at` is the earliest start of the next request, and each request that may go
// takes that slot and moves it one interval on, in one upsert. Waiters never poll: each learns its
// own start time from the statement and sleeps until then. Times come from the database's clock
// (clock_timestamp(), not now(): a statement that waited for the row lock must not see a stale time),
// and waits go back as durations, so the replicas' own clocks never matter.
import { sql } from 'kysely'
import type { Db } from '../../db/index.js'

const ms = (value: number): string => `${Math.max(0, Math.round(value * 1000)) / 1000} milliseconds`

/**
 * Takes the next free slot of `key`, `intervalMs` after the one before it (and not before a block
 * ends): how long to wait for it, in ms (≤ 0: go now). Null when that slot is further off than
 * `maxWaitMs`: then nothing is taken.
 */
export async function reserveSlot (db: Db, key: string, intervalMs: number, maxWaitMs: number): Promise<{ waitMs: number } | null> {
  const interval = ms(intervalMs)
  // the start of this request: after the previous slot, after any block, and not in the past
  const start = sql`greatest(l.next_at, coalesce(l.blocked_until, '-infinity'::timestamptz), clock_timestamp())`
  const { rows } = await sql<{ wait_ms: number }>`
    insert into board_request_limits as l (key, next_at) values (${key}, clock_timestamp() + ${interval}::interval)
    on conflict (key) do update set next_at = ${start} + ${interval}::interval
      where ${start} <= clock_timestamp() + ${ms(maxWaitMs)}::interval
    returning (extract(epoch from (l.next_at - ${interval}::interval - clock_timestamp())) * 1000)::float8 as wait_ms`.execute(db)
  const row = rows[0]
  return row === undefined ? null : { waitMs: Number(row.wait_ms) }
}

/** how long until `key` may send again (its queue or its block), and whether a block is why; 0 when it may now */
export async function waitOf (db: Db, key: string): Promise<{ waitMs: number, blocked: boolean }> {
  const { rows } = await sql<{ wait_ms: number, blocked: boolean }>`
    select (extract(epoch from (greatest(next_at, coalesce(blocked_until, '-infinity'::timestamptz)) - clock_timestamp())) * 1000)::float8 as wait_ms,
      coalesce(blocked_until > clock_timestamp(), false) as blocked
    from board_request_limits where key = ${key}`.execute(db)
  const row = rows[0]
  return row === undefined ? { waitMs: 0, blocked: false } : { waitMs: Math.max(0, Number(row.wait_ms)), blocked: row.blocked }
}

/** ms left of a block of `key`; 0 when it is not blocked */
export async function blockedFor (db: Db, key: string): Promise<number> {
  const { rows } = await sql<{ left_ms: number }>`
    select (extract(epoch from (blocked_until - clock_timestamp())) * 1000)::float8 as left_ms
    from board_request_limits where key = ${key} and blocked_until > clock_timestamp()`.execute(db)
  return rows[0] === undefined ? 0 : Math.max(0, Number(rows[0].left_ms))
}

/** blocks `key` for `blockMs` from now; a longer block already in force stays */
export async function blockKey (db: Db, key: string, blockMs: number): Promise<void> {
  await sql`
    insert into board_request_limits as l (key, next_at, blocked_until)
    values (${key}, clock_timestamp(), clock_timestamp() + ${ms(blockMs)}::interval)
    on conflict (key) do update set blocked_until = greatest(l.blocked_until, excluded.blocked_until)`.execute(db)
}
