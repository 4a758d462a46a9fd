import type { Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import { writing } from '../../db/errors.js'
import type { Database, NewPublication, Publication, PublicationErrorRecord, PublicationTransition, PublicationUpdate } from '../../db/schema.js'
import type { BoardId, PostingState } from '../../boards/types.js'
import type { PublicationStatus } from './status.js'

type Executor = Db | Transaction<Database>

/** throws DuplicateKeyError when the integration's posting belongs to another publication already */
export async function insertPublication (trx: Transaction<Database>, row: NewPublication): Promise<Publication> {
  return await writing('publications', async () => await trx.insertInto('publications').values(row).returningAll().executeTakeFirstOrThrow())
}

export async function findPublication (db: Executor, tenantId: string, id: string): Promise<Publication | undefined> {
  return await db.selectFrom('publications').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

/** the row, locked for the rest of the transaction: one action on a publication at a time */
export async function lockPublication (trx: Transaction<Database>, tenantId: string, id: string): Promise<Publication | undefined> {
  return await trx.selectFrom('publications').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function updatePublication (trx: Executor, id: string, changes: PublicationUpdate): Promise<Publication> {
  return await trx.updateTable('publications').set({ ...changes, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** when the next standalone posting check is due; not a change the host sees (updated_at stays) */
export async function setPostingCheck (trx: Executor, id: string, at: Date | null): Promise<void> {
  await trx.updateTable('publications').set({ posting_check_at: at }).where('id', '=', id).execute()
}

export interface TransitionRecord {
  publicationId: string
  event: string
  fromStatus: PublicationStatus | null
  toStatus: PublicationStatus
  fromPosting: PostingState | null
  toPosting: PostingState
  reason: string | null
  actor: string
  boardError?: PublicationErrorRecord | null
}

export async function insertTransition (trx: Transaction<Database>, t: TransitionRecord): Promise<void> {
  await trx.insertInto('publication_transitions').values({
    publication_id: t.publicationId,
    event: t.event,
    from_status: t.fromStatus,
    to_status: t.toStatus,
    from_posting: t.fromPosting,
    to_posting: t.toPosting,
    reason: t.reason,
    actor: t.actor,
    board_error: t.boardError === undefined || t.boardError === null ? null : JSON.stringify(t.boardError)
  }).execute()
}

export async function listTransitions (db: Db, publicationId: string): Promise<PublicationTransition[]> {
  return await db.selectFrom('publication_transitions').selectAll().where('publication_id', '=', publicationId).orderBy('id').execute()
}

export interface PublicationFilter {
  jobId?: string
  board?: BoardId
  status?: Publication['status']
  integrationId?: string
  after?: { createdAt: Date, id: string }
  limit: number
}

export async function listPublications (db: Db, tenantId: string, f: PublicationFilter): Promise<Array<Publication & { host_job_id: string }>> {
  let query = db.selectFrom('publications')
    .innerJoin('jobs', 'jobs.id', 'publications.job_id')
    .selectAll('publications')
    .select('jobs.host_job_id')
    .where('publications.tenant_id', '=', tenantId)
  if (f.jobId !== undefined) query = query.where('publications.job_id', '=', f.jobId)
  if (f.board !== undefined) query = query.where('publications.board', '=', f.board)
  if (f.status !== undefined) query = query.where('publications.status', '=', f.status)
  if (f.integrationId !== undefined) query = query.where('publications.integration_id', '=', f.integrationId)
  if (f.after !== undefined) {
    const { createdAt, id } = f.after
    query = query.where(eb => eb.or([
      eb('publications.created_at', '>', createdAt),
      eb.and([eb('publications.created_at', '=', createdAt), eb('publications.id', '>', id)])
    ]))
  }
  return await query.orderBy('publications.created_at').orderBy('publications.id').limit(f.limit).execute()
}

/** the publications of a job, oldest first */
export async function publicationsOfJob (db: Db, tenantId: string, jobId: string): Promise<Publication[]> {
  return await db.selectFrom('publications').selectAll().where('tenant_id', '=', tenantId).where('job_id', '=', jobId).orderBy('created_at').orderBy('id').execute()
}
