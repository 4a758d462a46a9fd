// The scheduler: a periodic job (src/periodic-job.ts) that claims due publications (any number of
// replicas on one Postgres share the work through leases and SKIP LOCKED) and runs them within this
// process's limits: SYNC_CONCURRENCY runs at once, SYNC_CONCURRENCY_PER_ACCOUNT per board account.
// The same tick claims the posting checks that are due (postings under the board's review, or on
// the board with sync off: one board call each, up to SYNC_CONCURRENCY at once; a synced posting is
// checked by its run). A tick logs its error and goes on; stop() waits for the tick and the work under way.
import type { FastifyBaseLogger } from 'fastify'
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Db } from '../db/index.js'
import type { Publication } from '../db/schema.js'
import type { Config } from '../config.js'
import { conflict, AppError } from '../errors.js'
import { createPeriodicJob } from '../periodic-job.js'
import type { SyncRunner } from './runner.js'
import * as repo from './repo.js'
import type { PublicationService } from '../modules/publications/service.js'
import type { Metrics } from '../metrics/registry.js'

export interface SchedulerDeps {
  db: Db
  runner: SyncRunner
  publications: Pick<PublicationService, 'checkPosting'>
  config: Config['sync']
  log: FastifyBaseLogger
  metrics: Pick<Metrics, 'leaseTakenOver'>
  /** who holds leases taken by this scheduler; unique per process by default */
  owner?: string
}

export function createScheduler ({ db, runner, publications, config, log, metrics, owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` }: SchedulerDeps) {
  const running = new Map<string, Promise<unknown>>()
  const perAccount = new Map<string, number>()
  const checking = new Map<string, Promise<unknown>>()

  function launch (publication: Publication, trigger: 'activation' | 'schedule' | 'manual'): void {
    perAccount.set(publication.integration_id, (perAccount.get(publication.integration_id) ?? 0) + 1)
    const done = runner.run(publication, trigger, owner)
      .catch((error: unknown) => { log.error({ err: error, publication: publication.id }, 'sync run crashed') })
      .finally(() => {
        running.delete(publication.id)
        const left = (perAccount.get(publication.integration_id) ?? 1) - 1
        if (left <= 0) perAccount.delete(publication.integration_id)
        else perAccount.set(publication.integration_id, left)
        // a slot is free: more may be due
        scheduler.poke()
      })
    running.set(publication.id, done)
  }

  /** the lease had expired under another owner: its run died or stalled, and this one resumes it */
  function tookOver (publication: Publication): void {
    log.warn({ publication: publication.id }, 'sync lease taken over from an owner whose lease expired')
    metrics.leaseTakenOver()
  }

  async function claimAndLaunch (): Promise<void> {
    const free = Math.min(config.concurrency - running.size, config.batchSize)
    if (free <= 0) return
    const claimed = await repo.claimDuePublications(db, owner, free, config.leaseMs, [...running.keys()])
    for (const { publication, takenOver } of claimed) {
      if (takenOver) tookOver(publication)
      if ((perAccount.get(publication.integration_id) ?? 0) >= config.concurrencyPerAccount) {
        // the account is busy here: give it back, still due, for the next tick (or another replica)
        await repo.releaseLease(db, publication.id, owner, 0, false)
        continue
      }
      launch(publication, publication.next_sync_trigger === 'activation' ? 'activation' : 'schedule')
    }
  }

  /** due posting checks, each run in the background (a board that is down leaves it due again after the lease) */
  async function claimPostingChecks (): Promise<void> {
    const free = Math.min(config.concurrency - checking.size, config.batchSize)
    if (free <= 0) return
    const claimed = await repo.claimDuePostingChecks(db, free, config.leaseMs, [...checking.keys()])
    for (const publication of claimed) {
      const done = publications.checkPosting(publication)
        .catch((error: unknown) => { log.error({ err: error, publication: publication.id }, 'posting check crashed') })
        .finally(() => { checking.delete(publication.id) })
      checking.set(publication.id, done)
    }
  }

  async function onTick (): Promise<void> {
    await claimAndLaunch()
    await claimPostingChecks()
  }

  const job = createPeriodicJob({ name: 'candidate-sync', cron: config.cron, onTick, log, errorMessage: 'scheduler tick failed' })

  const scheduler = {
    owner,

    /** one claim round; one asked for while a round runs is run once right after it */
    async tick (): Promise<void> {
      await job.tick()
    },

    /**
     * Something became due now (publish, activation, link): tick without waiting for cron. Only a
     * started scheduler does; a process that runs none leaves it to the replicas that do.
     */
    poke (): void {
      job.poke()
    },

    /** "sync now" for one publication: claimed at once, run in the background */
    async runNow (tenantId: string, publication: Publication): Promise<void> {
      const last = publication.last_manual_sync_at?.getTime()
      if (last !== undefined && Date.now() - last < config.manualMinIntervalMs) {
        const waitS = Math.ceil((config.manualMinIntervalMs - (Date.now() - last)) / 1000)
        throw new AppError({ code: 'JOBSYNC_ERR_RATE_LIMITED', status: 429, title: 'Too many sync requests', detail: `a sync was asked for ${Math.floor((Date.now() - last) / 1000)} s ago; ask again in ${waitS} s`, extensions: { retryAfterSeconds: waitS } })
      }
      const claimed = await repo.claimPublication(db, tenantId, publication.id, owner, config.leaseMs)
      if (claimed === undefined) throw conflict('a sync of this publication is running; see its sync runs', { currentStatus: publication.status })
      if (claimed.takenOver) tookOver(claimed.publication)
      launch(claimed.publication, 'manual')
    },

    /** seconds the publication due for a sync the longest has waited to be claimed, by any replica (0: none waits) */
    async oldestDueSeconds (): Promise<number> {
      return await repo.oldestDueSeconds(db)
    },

    /** runs and posting checks under way in this process, for tests and shutdown */
    async idle (): Promise<void> {
      while (running.size > 0 || checking.size > 0 || job.busy) {
        await Promise.allSettled([...running.values(), ...checking.values(), job.idle()])
      }
    },

    start (): void {
      job.start()
      scheduler.poke()
    },

    async stop (): Promise<void> {
      await job.stop()
      await scheduler.idle()
    }
  }
  return scheduler
}

export type Scheduler = ReturnType<typeof createScheduler>
