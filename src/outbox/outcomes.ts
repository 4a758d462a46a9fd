// Outcomes on their way to the boards. The host's POST records the outcome and queues a share in
// one transaction; the share is tried at once and, when the board is down, busy or slow, again by
// the dispatcher with the webhooks' backoff for 24 hours. Claims use SKIP LOCKED with a lease, and
// per application only the oldest pending share goes out, so a board sees outcomes in order. Like
// the webhooks, the dispatcher's rounds do not wait for a slow board: each share holds one of the
// sharer's slots (slots.ts, shared fairly between tenants) while it runs.
import type { FastifyBaseLogger } from 'fastify'
import type { Transaction } from 'kysely'
import type { Db } from '../db/index.js'
import type { Database, OutcomeShareStatus, PublicationErrorRecord } from '../db/schema.js'
import { BoardError, type BoardErrorKind } from '../boards/errors.js'
import type { Outcome } from '../boards/types.js'
import type { IntegrationService } from '../modules/integrations/service.js'
import { emit } from './events.js'
import * as repo from './shares-repo.js'
import type { ClaimedShare } from './shares-repo.js'
import { backoffFor, GIVE_UP_MS } from './backoff.js'
import { createSlots } from './slots.js'

const LEASE_MS = 60_000

/** what may work on a later try; the rest (refused, gone, credentials) fails at once */
const RETRYABLE: ReadonlySet<BoardErrorKind> = new Set(['unavailable', 'timeout', 'rate_limited', 'bad_response'])

export interface ShareState {
  id: string
  applicationId: string
  outcome: Outcome
  status: OutcomeShareStatus
  attempts: number
  nextAttemptAt: Date | null
  error: PublicationErrorRecord | null
}

export interface OutcomeSharerDeps {
  db: Db
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  log: FastifyBaseLogger
  /** first retry delay; doubles per attempt */
  backoffMs: number
  /** shares under way at once in this process */
  slots?: number
}

const errorRecord = (e: BoardError): PublicationErrorRecord =>
  ({ code: e.code, title: e.title, detail: e.message, field: null, boardStatus: e.boardStatus ?? null })

export function createOutcomeSharer ({ db, integrations, log, backoffMs, slots: total = 8 }: OutcomeSharerDeps) {
  // a tenant is its own key here: no tenant takes more than half of the slots
  const slots = createSlots({ total, reserve: Math.floor(total / 4), perKey: Math.max(1, Math.floor(total / 2)) })

  /** asks the board; 'not_supported' where it has no endpoint, or the account is gone */
  async function ask (share: ClaimedShare): Promise<'shared' | 'not_supported'> {
    const target = await repo.shareTarget(db, share.application_id)
    if (target === undefined) return 'not_supported'
    const opened = await integrations.openAccount(share.tenant_id, target.integration_id)
    if (opened === undefined) return 'not_supported'
    try {
      return await opened.adapter.shareOutcome(opened.session, opened.account, { externalId: target.external_id, raw: target.raw }, share.outcome)
    } catch (error) {
      if (error instanceof BoardError && error.isCredentialProblem) await integrations.markFailed(share.tenant_id, opened.integrationId, error)
      throw error
    }
  }

  async function attempt (share: ClaimedShare): Promise<ShareState> {
    let status: OutcomeShareStatus
    let record: PublicationErrorRecord | null = null
    let retryAfterMs = 0
    try {
      status = await ask(share)
    } catch (error) {
      let retryable = true
      if (error instanceof BoardError) {
        record = errorRecord(error)
        retryable = RETRYABLE.has(error.kind)
        retryAfterMs = error.retryAfterMs ?? 0
      } else {
        // not the board's answer (the database, a bug): tried again later, never called the board's refusal
        log.error({ err: error, share: share.id }, 'sharing an outcome failed')
        record = { code: 'JOBSYNC_ERR_INTERNAL', title: 'Outcome not sent', detail: 'the outcome could not be sent; it will be tried again', field: null, boardStatus: null }
      }
      const expired = Date.now() - share.queued_at.getTime() > GIVE_UP_MS
      status = retryable && !expired ? 'pending' : 'failed'
    }
    const attempts = share.attempts + 1
    const next = status === 'pending' ? new Date(Date.now() + Math.max(retryAfterMs, backoffFor(attempts, backoffMs))) : null
    await db.transaction().execute(async trx => {
      await repo.finishAttempt(trx, share.id, { status, attempts, nextAttemptAt: next ?? new Date(), error: record })
      const updated = await repo.showShareOnApplication(trx, share.application_id, share.outcome, status, record)
      if (updated !== undefined) {
        await emit(trx, share.tenant_id, 'application.updated', `candidate:${updated.candidate_id}`, {
          applicationId: share.application_id, candidateId: updated.candidate_id, publicationId: updated.publication_id, board: updated.board, outcome: share.outcome, outcomeShared: status
        })
      }
    })
    if (status !== 'shared' && status !== 'not_supported') log.info({ share: share.id, status, error: record?.code }, 'outcome not taken by the board')
    return { id: share.id, applicationId: share.application_id, outcome: share.outcome, status, attempts, nextAttemptAt: next, error: record }
  }

  return {
    /** queues a share of the outcome the host just recorded, in the host's transaction */
    async queue (trx: Transaction<Database>, tenantId: string, applicationId: string, outcome: Outcome): Promise<string> {
      return await repo.queueShare(trx, tenantId, applicationId, outcome)
    },

    /** tries one share now, if it is due and first in line; undefined when it is not (someone has it, or it waits its turn) */
    async tryNow (id: string): Promise<ShareState | undefined> {
      const [share] = await repo.claimShares(db, [id], LEASE_MS)
      return share === undefined ? undefined : await attempt(share)
    },

    /** outcomes waiting to be sent, due or not */
    async pending (): Promise<number> {
      return await repo.pendingCount(db)
    },

    /** starts the due shares the free slots allow, fairly between tenants; the number started, and their end */
    async start (): Promise<{ claimed: number, settled: Promise<void> }> {
      if (slots.free === 0) return { claimed: 0, settled: Promise.resolve() }
      const candidates = await repo.shareCandidates(db, total)
      const picked = slots.pick(candidates.map(c => ({ id: c.id, tenantId: c.tenant_id, key: c.tenant_id })))
      const claimed = await repo.claimShares(db, picked.map(c => c.id), LEASE_MS)
      const runs = claimed.map(share => slots.run({ tenantId: share.tenant_id, key: share.tenant_id }, async () => {
        try {
          await attempt(share)
        } catch (error) {
          // the database failed under the attempt: the lease ends and the share is tried again
          log.error({ err: error, share: share.id }, 'sharing an outcome failed')
        }
      }))
      return { claimed: claimed.length, settled: Promise.all(runs).then(() => undefined) }
    },

    /** until no share is under way */
    async idle (): Promise<void> {
      await slots.idle()
    }
  }
}

export type OutcomeSharer = ReturnType<typeof createOutcomeSharer>
