// What the host sees of the sync engine: a publication's runs, and "sync now".
import type { SyncRun } from '../../db/schema.js'
import { conflict } from '../../errors.js'
import type { Scheduler } from '../../sync/scheduler.js'
import type { Db } from '../../db/index.js'
import * as syncRepo from '../../sync/repo.js'
import type { PublicationService } from '../publications/service.js'
import type { SyncRunView } from './schemas.js'

const toView = (r: SyncRun): SyncRunView => ({
  id: r.id,
  publicationId: r.publication_id,
  trigger: r.trigger,
  status: r.status,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  pages: r.pages,
  fetched: r.fetched,
  created: r.created,
  updated: r.updated,
  skipped: r.skipped,
  unstorable: r.unstorable,
  error: r.error === null ? null : { code: r.error.code, title: r.error.title, detail: r.error.detail, boardStatus: r.error.boardStatus ?? null }
})

export interface SyncServiceDeps {
  db: Db
  scheduler: Scheduler
  publications: Pick<PublicationService, 'mustFind'>
}

export function createSyncService ({ db, scheduler, publications }: SyncServiceDeps) {
  return {
    async runs (tenantId: string, publicationId: string, limit: number): Promise<SyncRunView[]> {
      await publications.mustFind(tenantId, publicationId)
      return (await syncRepo.listRuns(db, publicationId, limit)).map(toView)
    },

    async syncNow (tenantId: string, publicationId: string): Promise<void> {
      const publication = await publications.mustFind(tenantId, publicationId)
      if (publication.status !== 'published') {
        throw conflict(`only a published publication syncs; this one is ${publication.status}`, { currentStatus: publication.status })
      }
      await scheduler.runNow(tenantId, publication)
    }
  }
}

export type SyncService = ReturnType<typeof createSyncService>
