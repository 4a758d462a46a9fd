// The request budgets boards share across replicas (src/modules/boards/request-limiter.ts), on the
// test database: two limiters on two connection pools stand for two replicas. The in-memory one the
// adapter tests use (test/helpers/memory-limiter.ts) runs the same checks, so it keeps the same rules.
import t, { type Test } from 'tap'
import { BoardError } from '../../src/boards/errors.js'
import type { RequestLimiter } from '../../src/boards/types.js'
import { createPostgresDb } from '../../src/db/index.js'
import { createRequestLimiter } from '../../src/modules/boards/request-limiter.js'
import { createTestDb, type TestDb } from '../helpers/db.js'
import { memoryLimiter } from '../helpers/memory-limiter.js'

let database: TestDb | undefined
const db = async (): Promise<TestDb> => database ??= await createTestDb()
t.teardown(async () => { if (database !== undefined) { await database.close(); await database.drop() } })

let keys = 0
/** a key no other test uses */
const freshKey = (): string => `key-${++keys}`

interface Replicas {
  /** two limiters of the same board that share their budgets, as two replicas do */
  a: RequestLimiter
  b: RequestLimiter
  /** the same board's budgets seen by another board (keys must not collide) */
  otherBoard: RequestLimiter
}

const kinds: Array<[string, () => Promise<Replicas>]> = [
  ['Postgres', async () => {
    const handle = await db()
    // a second pool on the same database is a second replica; PGlite has one connection, shared
    const second = handle.url === undefined ? handle : createPostgresDb(handle.url, 2)
    if (second !== handle) t.teardown(async () => { await second.close() })
    return {
      a: createRequestLimiter({ db: handle.db, board: 'workua' }),
      b: createRequestLimiter({ db: second.db, board: 'workua' }),
      otherBoard: createRequestLimiter({ db: handle.db, board: 'robotaua' })
    }
  }],
  ['memory', async () => {
    const one = memoryLimiter('workua')
    return { a: one, b: one, otherBoard: memoryLimiter('robotaua') }
  }]
]

const refusal = async (promise: Promise<unknown>): Promise<BoardError> => {
  const error = await promise.then(() => null, (e: unknown) => e)
  if (!(error instanceof BoardError)) throw new Error(`expected a BoardError, got ${String(error)}`)
  return error
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

for (const [kind, replicas] of kinds) {
  t.test(`${kind}: requests of two replicas start one interval apart, in one schedule`, async (t: Test) => {
    const { a, b } = await replicas()
    const key = freshKey()
    const limit = { requests: 20, perMs: 1000 } // one every 50 ms
    const started = Date.now()
    const starts = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      await (i % 2 === 0 ? a : b).take(key, limit, 10_000)
      return Date.now() - started
    }))
    starts.sort((x, y) => x - y)
    // alone, each replica's ten would take 9 intervals; shared, the twenty take 19
    t.ok(starts.at(-1)! >= 19 * 50 - 25, `the last of twenty started after 19 intervals (${starts.at(-1)} ms)`)
    t.ok(starts[0]! < 500, 'the first went at once')
  })

  t.test(`${kind}: a turn further off than the request may wait is rate_limited, and takes nothing`, async (t: Test) => {
    const { a, b } = await replicas()
    const key = freshKey()
    const limit = { requests: 1, perMs: 2_000 } // one every 2 s
    await a.take(key, limit, 0)
    const refused = await refusal(b.take(key, limit, 100))
    t.match(refused, { kind: 'rate_limited', board: 'workua', message: /Work\.ua's request limit is used up/ })
    t.ok(refused.retryAfterMs! > 100 && refused.retryAfterMs! <= 2_000, `retry when the turn comes (${refused.retryAfterMs} ms)`)
    const started = Date.now()
    await b.take(key, limit, 5_000)
    const waited = Date.now() - started
    // had the refused request taken the slot, this one would have waited for the one after it (4 s)
    t.ok(waited < 3_000, `the refused request took no slot: the next one got the turn it was refused (waited ${waited} ms)`)
  })

  t.test(`${kind}: a block stops every replica until it ends; a longer block in force stays`, async (t: Test) => {
    const { a, b, otherBoard } = await replicas()
    const key = freshKey()
    const limit = { requests: 50, perMs: 1000 }
    await a.take(key, limit, 0)
    await a.block(key, 600)
    await b.block(key, 100) // shorter: changes nothing
    const refused = await refusal(b.take(key, limit, 200))
    t.match(refused, { kind: 'rate_limited', message: /blocked our requests after a 429: none is sent for 1 s more/ })
    t.ok(refused.retryAfterMs! > 300, `retry when the block ends (${refused.retryAfterMs} ms)`)
    await otherBoard.take(key, limit, 0)
    await a.take(freshKey(), limit, 0)
    t.pass('another board\'s key of the same name, and another key, are not blocked')
    const started = Date.now()
    await b.take(key, limit, 2_000)
    t.ok(Date.now() - started >= 300, 'a request that may wait goes when the block is over')
  })

  t.test(`${kind}: a request waiting for its turn when a block comes waits behind the block, or gives up`, async (t: Test) => {
    const { a, b } = await replicas()
    const key = freshKey()
    const limit = { requests: 1, perMs: 1_000 } // one a second
    await a.take(key, limit, 0)
    // the next turns are 1, 2 and 3 s off: the block comes while both below wait for theirs
    const patient = (async () => { await b.take(key, limit, 20_000); return Date.now() })()
    const hasty = refusal(a.take(key, limit, 3_000))
    const blockedAt = Date.now()
    await a.block(key, 4_000)
    // whether a request read the block before or after it reserved its turn, it may not go before the block ends
    t.ok(await patient - blockedAt >= 3_900, 'the patient one went after the block, not in its old turn')
    t.match(await hasty, { kind: 'rate_limited', message: /blocked our requests/ }, 'the one that cannot wait so long gives up')
  })
}
