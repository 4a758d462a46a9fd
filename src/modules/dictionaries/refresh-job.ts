// The scheduled refresh of the boards' stored catalogues: a named periodic job (src/periodic-job.ts)
// whose tick refreshes what is due (DictionaryService.refreshDue). Replicas share the work: a copy
// being refreshed is held in Postgres, and the others leave it alone.
import type { FastifyBaseLogger } from 'fastify'
import { createPeriodicJob, type PeriodicJob } from '../../periodic-job.js'
import type { DictionaryService } from './service.js'

export function createDictionaryRefresh ({ dictionaries, cron, log }: { dictionaries: Pick<DictionaryService, 'refreshDue'>, cron: string, log: FastifyBaseLogger }): PeriodicJob<{ refreshed: number, failed: number }> {
  return createPeriodicJob({
    name: 'dictionary-refresh',
    cron,
    log,
    onTick: async () => {
      const result = await dictionaries.refreshDue()
      if (result.refreshed + result.failed > 0) log.info(result, 'dictionaries refreshed')
      return result
    }
  })
}
