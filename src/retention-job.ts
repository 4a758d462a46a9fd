// Retention: deletes what is kept only for a while (outbox events no delivery waits for, delivery
// attempts, finished sync runs) once older than its setting. A named periodic job
// (src/periodic-job.ts). Each table is pruned in small deletes, each its own short transaction that
// skips the rows others hold, so the sync and the dispatcher never wait on it; a tick stops after
// `maxBatches` per table and leaves the rest to the next one. Every replica may run it: two ticks
// at once skip each other's rows.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.js'
import type { Db } from './db/index.js'
import { createPeriodicJob, type PeriodicJob } from './periodic-job.js'
import { pruneAttempts, pruneEvents } from './outbox/repo.js'
import { pruneRuns } from './sync/repo.js'

/** rows deleted in one tick, per table */
export interface RetentionResult {
  events: number
  attempts: number
  syncRuns: number
}

/** one batch's delete: how many rows went */
type PruneBatch = (db: Db, days: number, batch: number) => Promise<number>

/** batches until one is short (nothing older is left) or the tick's cap */
async function pruneAll (db: Db, prune: PruneBatch, days: number, { batch, maxBatches }: Config['retention']): Promise<number> {
  let total = 0
  for (let i = 0; i < maxBatches; i++) {
    const deleted = await prune(db, days, batch)
    total += deleted
    if (deleted < batch) break
  }
  return total
}

export function createRetention ({ db, config, log }: { db: Db, config: Config['retention'], log: FastifyBaseLogger }): PeriodicJob<RetentionResult> {
  return createPeriodicJob({
    name: 'retention',
    cron: config.cron,
    log,
    onTick: async () => {
      // attempts first: the events pruned after them take theirs along anyway
      const attempts = await pruneAll(db, pruneAttempts, config.attemptsDays, config)
      const events = await pruneAll(db, pruneEvents, config.eventsDays, config)
      const syncRuns = await pruneAll(db, pruneRuns, config.syncRunsDays, config)
      const result = { events, attempts, syncRuns }
      if (events + attempts + syncRuns > 0) log.info(result, 'retention pruned')
      return result
    }
  })
}
