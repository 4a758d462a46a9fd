// The queries of outcome sharing: the queue of shares, its candidates for the dispatcher's slots
// claimed with SKIP LOCKED under a lease
// (per application only the oldest pending share, so a board sees outcomes in order), and what a
// finished attempt writes back to the share and to its application.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/index.js'
import type { Database, OutcomeShareStatus, PublicationErrorRecord } from '../db/schema.js'
import type { Outcome } from '../boards/types.js'

type Executor = Db | Transaction<Database>

export interface ClaimedShare {
  id: string
  tenant_id: string
  application_id: string
  outcome: Outcome
  attempts: number
  queued_at: Date
}

/** a share waiting for its first try */
export async function queueShare (trx: Transaction<Database>, tenantId: string, applicationId: string, outcome: Outcome): Promise<string> {
  const share = await trx.insertInto('outcome_shares').values({ tenant_id: tenantId, application_id: applicationId, outcome })
    .returning(['id']).executeTakeFirstOrThrow()
  return share.id
}

/**
 * Due pending shares that are first in line for their application, up to `perTenant` per tenant,
 * oldest first. Nothing is locked: `claimShares` takes the ones the slots go to.
 */
export async function shareCandidates (db: Db, perTenant: number): Promise<Array<{ id: string, tenant_id: string }>> {
  const { rows } = await sql<{ id: string, tenant_id: string }>`
    select id, tenant_id from (
      select s.id, s.tenant_id, s.next_attempt_at, row_number() over (partition by s.tenant_id order by s.next_attempt_at, s.id) as n
      from outcome_shares s
      where s.status = 'pending' and s.next_attempt_at <= now()
        and not exists (
          select 1 from outcome_shares earlier
          where earlier.application_id = s.application_id and earlier.status = 'pending'
            and (earlier.queued_at, earlier.id) < (s.queued_at, s.id))
    ) due
    where n <= ${perTenant}
    order by next_attempt_at, id`.execute(db)
  return rows
}

/** claims these shares if they are still due and first in line for their application, leased for `leaseMs` */
export async function claimShares (db: Db, ids: readonly string[], leaseMs: number): Promise<ClaimedShare[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<ClaimedShare>`
    with due as (
      select s.id from outcome_shares s
      where s.id = any(${[...ids]}::uuid[]) and s.status = 'pending' and s.next_attempt_at <= now()
        and not exists (
          select 1 from outcome_shares earlier
          where earlier.application_id = s.application_id and earlier.status = 'pending'
            and (earlier.queued_at, earlier.id) < (s.queued_at, s.id))
      for update skip locked
    )
    update outcome_shares s set next_attempt_at = now() + ${`${leaseMs} milliseconds`}::interval
    from due where s.id = due.id
    returning s.id, s.tenant_id, s.application_id, s.outcome, s.attempts, s.queued_at`.execute(db)
  return rows
}

/** what the board needs to take an outcome: the application's id on the board, its raw payload and its integration */
export async function shareTarget (db: Executor, applicationId: string): Promise<{ external_id: string, raw: unknown, integration_id: string } | undefined> {
  return await db.selectFrom('applications').innerJoin('publications', 'publications.id', 'applications.publication_id')
    .select(['applications.external_id', 'applications.raw', 'publications.integration_id'])
    .where('applications.id', '=', applicationId).executeTakeFirst()
}

export async function finishAttempt (
  trx: Transaction<Database>, shareId: string,
  attempt: { status: OutcomeShareStatus, attempts: number, nextAttemptAt: Date, error: PublicationErrorRecord | null }
): Promise<void> {
  await trx.updateTable('outcome_shares').set({
    status: attempt.status,
    attempts: attempt.attempts,
    next_attempt_at: attempt.nextAttemptAt,
    last_error: attempt.error === null ? null : JSON.stringify(attempt.error),
    done_at: attempt.status === 'pending' ? null : new Date()
  }).where('id', '=', shareId).execute()
}

/**
 * The application shows where its latest outcome stands: an older share finishing does not
 * overwrite it, and nothing is written (nor returned) when nothing changed.
 */
export async function showShareOnApplication (
  trx: Transaction<Database>, applicationId: string, outcome: Outcome, status: OutcomeShareStatus, error: PublicationErrorRecord | null
): Promise<{ candidate_id: string, publication_id: string, board: string } | undefined> {
  const record = error === null ? null : JSON.stringify(error)
  return await trx.updateTable('applications')
    .set({ outcome_shared: status, outcome_error: record, updated_at: sql<Date>`now()` })
    .where('id', '=', applicationId).where('outcome', '=', outcome)
    .where(sql<boolean>`outcome_shared is distinct from ${status} or outcome_error is distinct from ${record}::jsonb`)
    .returning(['candidate_id', 'publication_id', 'board']).executeTakeFirst()
}

/** outcomes waiting to be sent to the boards (the pending shares' partial index) */
export async function pendingCount (db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from outcome_shares where status = 'pending'`.execute(db)
  return rows[0]?.n ?? 0
}
