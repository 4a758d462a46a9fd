// Forgets the Idempotency-Keys older than 24 hours: a named periodic job (src/periodic-job.ts).
// Every replica may run it; a delete of what another already deleted is harmless.
import type { FastifyBaseLogger } from 'fastify'
import { createPeriodicJob, type PeriodicJob } from '../../periodic-job.js'
import type { IdempotencyService } from './service.js'

// every 10 minutes: a key is kept at most that much past its 24 hours (it answers no more by then)
const CRON = '0 */10 * * * *'

export function createIdempotencyPrune ({ idempotency, log }: { idempotency: Pick<IdempotencyService, 'prune'>, log: FastifyBaseLogger }): PeriodicJob<number> {
  return createPeriodicJob({
    name: 'idempotency-prune',
    cron: CRON,
    log,
    onTick: async () => {
      const pruned = await idempotency.prune()
      if (pruned > 0) log.info({ pruned }, 'idempotency keys pruned')
      return pruned
    }
  })
}
