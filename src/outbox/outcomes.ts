// Outcomes on their way to the boards. The host's POST records the outcome and queues a share in
// one transaction; the share is tried at once and, when the board is down, busy or slow, again by
// the dispatcher with the webhooks' backoff for 24 hours. Claims use SKIP LOCKED with a lease, and
// per application only the oldest pending share goes out, so a board sees outcomes in order.
import type { FastifyBaseLogger } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import type { OutcomeShareStatus, PublicationErrorRecord } from '../db/schema.js'
import { BoardError, type BoardErrorKind } from '../boards/errors.js'
import type { BoardRegistry } from '../boards/registry.js'
import type { Outcome } from '../boards/types.js'
import type { IntegrationService } from '../modules/integrations/service.js'
import * as integrationRepo from '../modules/integrations/repo.js'
import { emit } from './events.js'
import { backoffFor, GIVE_UP_MS } from './backoff.js'

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

interface Claimed {
  id: string
  tenant_id: string
  application_id: string
  outcome: Outcome
  attempts: number
  queued_at: Date
}

export interface OutcomeSharerDeps {
  db: Db
  boards: BoardRegistry
  integrations: IntegrationService
  log: FastifyBaseLogger
  /** first retry delay; doubles per attempt */
  backoffMs: number
  batchSize?: number
}

const errorRecord = (e: BoardError): PublicationErrorRecord =>
  ({ code: e.code, title: e.title, detail: e.message, field: null, boardStatus: e.boardStatus ?? null })

export function createOutcomeSharer ({ db, boards, integrations, log, backoffMs, batchSize = 20 }: OutcomeSharerDeps) {
  /** due pending shares, oldest per application only; `only` narrows the claim to one share */
  async function claim (limit: number, only?: string): Promise<Claimed[]> {
    const { rows } = await sql<Claimed>`
      with due as (
        select s.id from outcome_shares s
        where s.status = 'pending' and s.next_attempt_at <= now()
          ${only === undefined ? sql`` : sql`and s.id = ${only}`}
          and not exists (
            select 1 from outcome_shares earlier
            where earlier.application_id = s.application_id and earlier.status = 'pending'
              and (earlier.queued_at, earlier.id) < (s.queued_at, s.id))
        order by s.next_attempt_at
        limit ${limit}
        for update skip locked
      )
      update outcome_shares s set next_attempt_at = now() + ${`${LEASE_MS} milliseconds`}::interval
      from due where s.id = due.id
      returning s.id, s.tenant_id, s.application_id, s.outcome, s.attempts, s.queued_at`.execute(db)
    return rows
  }

  /** asks the board; 'not_supported' where it has no endpoint, or the account is gone */
  async function ask (share: Claimed): Promise<'shared' | 'not_supported'> {
    const application = await db.selectFrom('applications').innerJoin('publications', 'publications.id', 'applications.publication_id')
      .select(['applications.board', 'applications.external_id', 'applications.raw', 'publications.integration_id'])
      .where('applications.id', '=', share.application_id).executeTakeFirst()
    if (application === undefined) return 'not_supported'
    const adapter = boards.get(application.board)
    const integration = await integrationRepo.findIntegration(db, share.tenant_id, application.integration_id)
    if (adapter === undefined || integration === undefined) return 'not_supported'
    const account = { externalId: integration.account_external_id ?? '', name: integration.account_name ?? '', email: integration.account_email }
    try {
      return await adapter.shareOutcome(integrations.sessionFor(integration), account, { externalId: application.external_id, raw: application.raw }, share.outcome)
    } catch (error) {
      if (error instanceof BoardError && error.isCredentialProblem) await integrations.markFailed(share.tenant_id, integration.id, error)
      throw error
    }
  }

  async function attempt (share: Claimed): Promise<ShareState> {
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
      await trx.updateTable('outcome_shares').set({
        status,
        attempts,
        next_attempt_at: next ?? new Date(),
        last_error: record === null ? null : JSON.stringify(record),
        done_at: status === 'pending' ? null : new Date()
      }).where('id', '=', share.id).execute()
      // the application shows its latest outcome's share; an older share finishing does not overwrite it
      const updated = await trx.updateTable('applications')
        .set({ outcome_shared: status, outcome_error: record === null ? null : JSON.stringify(record), updated_at: sql<Date>`now()` })
        .where('id', '=', share.application_id).where('outcome', '=', share.outcome)
        .where(sql<boolean>`outcome_shared is distinct from ${status} or outcome_error is distinct from ${record === null ? null : JSON.stringify(record)}::jsonb`)
        .returning(['candidate_id', 'publication_id', 'board']).executeTakeFirst()
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
    /** tries one share now, if it is due and first in line; undefined when it is not (someone has it, or it waits its turn) */
    async tryNow (id: string): Promise<ShareState | undefined> {
      const [share] = await claim(1, id)
      return share === undefined ? undefined : await attempt(share)
    },

    /** one round of due shares; the number tried */
    async tick (): Promise<number> {
      const claimed = await claim(batchSize)
      for (const share of claimed) await attempt(share)
      return claimed.length
    }
  }
}

export type OutcomeSharer = ReturnType<typeof createOutcomeSharer>
