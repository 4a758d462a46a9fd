// One sync run of one publication: page through the board's responses from the stored cursor and
// store each page, with the cursor it reached, in one transaction. A run killed between pages
// resumes after the last stored page; a page stored twice changes nothing (upserts by response id).
// Each run also asks the board about its posting once (docs/DESIGN.md, "The posting's life"): at
// the end of a run that succeeded, and to confirm a 404 before a failed run counts the posting gone.
import type { FastifyBaseLogger } from 'fastify'
import type { Transaction } from 'kysely'
import type { Db } from '../db/index.js'
import type { Database, Publication, PublicationErrorRecord, SyncRun } from '../db/schema.js'
import { AppError } from '../errors.js'
import { isDatabaseUnavailable } from '../http/problems.js'
import { BoardError } from '../boards/errors.js'
import { turnedOff, type BoardRegistry } from '../boards/registry.js'
import type { ResponsePage } from '../boards/types.js'
import type { Config } from '../config.js'
import type { CandidateService } from '../modules/candidates/service.js'
import type { IntegrationService } from '../modules/integrations/service.js'
import type { PublicationService } from '../modules/publications/service.js'
import * as repo from './repo.js'
import { emit } from '../outbox/events.js'
import type { Metrics } from '../metrics/registry.js'

export class LeaseLostError extends Error {
  override name = 'LeaseLostError'
  constructor () { super('the lease on the publication expired and another owner took it over') }
}

/**
 * What the tenant is told about a failed run (sync-runs, the sync.failed event). Our own errors say
 * what they say; anything else (a database or library failure) is a stable code with no internals:
 * its text stays in our log, beside the run id.
 */
function errorRecord (error: unknown): PublicationErrorRecord {
  if (error instanceof AppError) {
    return { code: error.code, title: error.title, detail: error.message, field: null, boardStatus: error instanceof BoardError ? (error.boardStatus ?? null) : null }
  }
  if (isDatabaseUnavailable(error)) {
    return { code: 'JOBSYNC_ERR_UNAVAILABLE', title: 'Database unavailable', detail: 'the database was unavailable during the run; it is retried', field: null, boardStatus: null }
  }
  return { code: 'JOBSYNC_ERR_SYNC', title: 'Sync failed', detail: 'an internal error stopped the run; it is retried (quote the run id when reporting it)', field: null, boardStatus: null }
}

/**
 * The board's pages gathered into batches of at least `minItems` applications (or what is left),
 * each stored in one transaction with the cursor of its last page: fewer commits, and the identity
 * locks are taken once per batch. The page after a batch is already being fetched while the
 * batch is stored. A board failing mid-batch gets the pages it gave stored first; a run killed
 * mid-batch re-fetches that batch from the stored cursor. `last` says the board has no page after it.
 */
export async function * batched (pages: AsyncIterable<ResponsePage>, minItems: number): AsyncGenerator<{ pages: ResponsePage[], last: boolean }> {
  const iterator = pages[Symbol.asyncIterator]()
  const pull = () => {
    const next = iterator.next()
    next.catch(() => {}) // awaited below; a failure while a batch is stored surfaces then, not as an unhandled rejection
    return next
  }
  let next = pull()
  try {
    for (;;) {
      const batch: ResponsePage[] = []
      let items = 0
      let done = false
      while (items < minItems) {
        let result: IteratorResult<ResponsePage>
        try {
          result = await next
        } catch (error) {
          // the board failed mid-batch: what it gave so far is stored before the run fails
          if (batch.length > 0) yield { pages: batch, last: false }
          throw error
        }
        if (result.done === true) { done = true; break }
        batch.push(result.value)
        items += result.value.items.length
        next = pull()
      }
      if (batch.length > 0) yield { pages: batch, last: done }
      if (done) return
    }
  } finally {
    // a run that stopped early (a failed store, a lost lease) closes the board's pages
    void iterator.return?.()?.catch(() => {})
  }
}

export interface SyncRunnerDeps {
  db: Db
  boards: BoardRegistry
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  publications: Pick<PublicationService, 'failFromBoard' | 'checkPosting'>
  candidates: Pick<CandidateService, 'storePage' | 'countApplications'>
  config: Config['sync']
  log: FastifyBaseLogger
  metrics: Pick<Metrics, 'syncRun' | 'applicationsStored'>
  /** applications a tenant may hold from a board at most (the sandbox: SANDBOX_APPLICANTS_PER_TENANT) */
  applicationsPerTenant?: Partial<Record<string, number>>
}

/** a failing publication is retried after `retryMs`, then twice as long after each failure in a row, never less often than its interval */
export function retryDelay (retryMs: number, intervalMs: number, failedBefore: number): number {
  return Math.min(retryMs * 2 ** Math.min(failedBefore, repo.FAILURE_STREAK_COUNTED), Math.max(retryMs, intervalMs))
}

export function createSyncRunner ({ db, boards, integrations, publications, candidates, config, log, metrics, applicationsPerTenant = {} }: SyncRunnerDeps) {
  const intervalMs = (p: Publication) => (p.sync_interval_minutes ?? boards.get(p.board)?.syncIntervalMinutes ?? 60) * 60_000

  /** the run's posting check: what the board says of the posting now; never throws (a failure is logged) */
  async function checkPosting (publication: Publication, runLog: FastifyBaseLogger): Promise<Awaited<ReturnType<typeof publications.checkPosting>> | null> {
    try {
      return await publications.checkPosting(publication)
    } catch (error) {
      runLog.error({ err: error }, 'posting check failed')
      return null
    }
  }

  return {
    /** runs the sync of a publication this owner has leased; never throws (the run records the error) */
    async run (publication: Publication, trigger: SyncRun['trigger'], owner: string): Promise<SyncRun> {
      const runLog = log.child({ publication: publication.id, board: publication.board, trigger })
      const run = await repo.startRun(db, { tenantId: publication.tenant_id, publicationId: publication.id, trigger, owner, cursor: publication.sync_cursor })
      let failure: unknown = null
      let closed: SyncRun | undefined
      try {
        const opened = await integrations.openAccount(publication.tenant_id, publication.integration_id)
        const off = opened === undefined ? turnedOff(boards, publication.board) : undefined
        if (off !== undefined) throw off
        if (opened === undefined || publication.posting_external_id === null) {
          throw new Error('the publication has no board posting or integration to sync from')
        }
        const { adapter, session, account } = opened
        const ctx = { tenantId: publication.tenant_id, publicationId: publication.id, jobId: publication.job_id, board: publication.board }
        const pages = adapter.pageThroughResponses(session, account, publication.posting_external_id, publication.sync_cursor)
        for await (const { pages: batch, last } of batched(pages, config.storeBatch)) {
          let stored = { created: 0, updated: 0 }
          closed = await db.transaction().execute(async trx => {
            if (!await repo.renewLease(trx, publication.id, owner, config.leaseMs)) throw new LeaseLostError()
            const skipped: Record<string, number> = {}
            for (const page of batch) for (const [reason, n] of Object.entries(page.skipped)) skipped[reason] = (skipped[reason] ?? 0) + n
            let items = batch.flatMap(page => page.items)
            // a board with a cap per tenant (the sandbox): what is past the tenant's room is skipped,
            // counted in the run; runs of one tenant at once may each fill the same room (one batch over)
            const cap = applicationsPerTenant[publication.board]
            if (cap !== undefined) {
              const room = Math.max(0, cap - await candidates.countApplications(trx, publication.tenant_id, publication.board))
              if (items.length > room) {
                skipped.tenant_limit = (skipped.tenant_limit ?? 0) + items.length - room
                items = items.slice(0, room)
              }
            }
            const counts = await candidates.storePage(trx, ctx, items)
            stored = counts
            // a response the database refused is skipped like those the board's rules hold back, and named
            if (counts.unstorable.length > 0) {
              skipped.unstorable = (skipped.unstorable ?? 0) + counts.unstorable.length
              runLog.warn({ run: run.id, unstorable: counts.unstorable }, 'responses the database refused were skipped')
            }
            await repo.recordPages(trx, run.id, publication.id, {
              pages: batch.length, fetched: batch.reduce((n, page) => n + page.items.length, 0), created: counts.created, updated: counts.updated, skipped, unstorable: counts.unstorable, cursor: batch[batch.length - 1]!.cursor
            })
            // the board's last batch ends the run with it: the run, its last pages and the lease commit together
            return last ? await repo.finishSucceededRun(trx, run.id, publication.id, owner, intervalMs(publication)) : undefined
          })
          // counted once committed: a batch rolled back stored nothing
          metrics.applicationsStored(publication.board, stored)
        }
      } catch (error) {
        failure = error
      }

      if (failure instanceof LeaseLostError) {
        runLog.warn('sync run stopped: lease lost to another owner')
        metrics.syncRun(publication.board, 'lease_lost')
        return await repo.finishRun(db, run.id, { error: errorRecord(new AppError({ code: 'JOBSYNC_ERR_LEASE_LOST', status: 409, title: 'Lease lost', detail: failure.message })) })
      }
      if (failure === null) {
        const finished = closed ?? await repo.finishSucceededRun(db, run.id, publication.id, owner, intervalMs(publication))
        runLog.info({ run: run.id, pages: finished.pages, fetched: finished.fetched, created: finished.created, updated: finished.updated }, 'sync run done')
        metrics.syncRun(publication.board, 'succeeded')
        // after the pages: applicants who came before the posting ended are stored first
        await checkPosting(publication, runLog)
        return finished
      }

      const record = errorRecord(failure)
      if (failure instanceof BoardError && failure.kind === 'no_api_access') {
        // the account has no API on the board (hh without paid access): the integration says so, and
        // its publications wait, still published, off the schedule until a check passes (repo.ts claims)
        await integrations.markFailed(publication.tenant_id, publication.integration_id, failure)
      } else if (failure instanceof BoardError && failure.isCredentialProblem) {
        // dead credentials: the integration says so and the publication leaves the schedule until fixed
        await integrations.markFailed(publication.tenant_id, publication.integration_id, failure)
        await publications.failFromBoard(publication.tenant_id, publication.id, failure)
      }
      if (failure instanceof BoardError && failure.kind === 'not_found') {
        // a 404 counts only once a posting lookup confirms it: a posting gone (removed, expired, closed on
        // the board) takes the publication off the schedule; one still there is retried like any failure
        const checked = await checkPosting(publication, runLog)
        if (checked !== null && checked.publication.status !== 'published') runLog.warn({ state: checked.state, status: checked.publication.status }, 'the posting is gone on the board: off the sync schedule')
      }
      const retryIn = failure instanceof BoardError && (failure.kind === 'quota' || failure.isCredentialProblem)
        ? intervalMs(publication)
        : retryDelay(config.retryMs, intervalMs(publication), await repo.failedRunsInARow(db, publication.id))
      await repo.releaseLease(db, publication.id, owner, retryIn, false)
      const finished = await db.transaction().execute(async trx => {
        const done = await repo.finishRun(trx, run.id, { error: record })
        await emit(trx, publication.tenant_id, 'sync.failed', `publication:${publication.id}`, { publicationId: publication.id, syncRunId: run.id, error: record })
        return done
      })
      metrics.syncRun(publication.board, 'failed')
      if (failure instanceof BoardError) runLog.warn({ run: run.id, kind: failure.kind, code: record.code }, 'sync run failed')
      else runLog.error({ run: run.id, err: failure }, 'sync run failed')
      return finished
    }
  }
}

export type SyncRunner = ReturnType<typeof createSyncRunner>
