import { sql, type Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import { writing } from '../../db/errors.js'
import type { Database, Integration, IntegrationRecruiter, NewIntegration } from '../../db/schema.js'
import type { Recruiter } from '../../boards/types.js'
import type { BoardId } from '../../boards/types.js'

/** throws DuplicateKeyError when the tenant has this board account installed already */
export async function insertIntegration (db: Db | Transaction<Database>, row: NewIntegration): Promise<Integration> {
  return await writing('integrations', async () => await db.insertInto('integrations').values(row).returningAll().executeTakeFirstOrThrow())
}

export async function findIntegration (db: Db, tenantId: string, id: string): Promise<Integration | undefined> {
  return await db.selectFrom('integrations').selectAll()
    .where('tenant_id', '=', tenantId).where('id', '=', id)
    .executeTakeFirst()
}

/** locks the row: credential refreshes and rotations of one account happen one at a time */
export async function lockIntegration (trx: Transaction<Database>, id: string): Promise<Integration | undefined> {
  return await trx.selectFrom('integrations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function listIntegrations (
  db: Db, tenantId: string,
  filter: { board?: BoardId, status?: Integration['status'], limit: number, after?: { createdAt: Date, id: string } }
): Promise<Integration[]> {
  let query = db.selectFrom('integrations').selectAll().where('tenant_id', '=', tenantId)
  if (filter.board !== undefined) query = query.where('board', '=', filter.board)
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  if (filter.after !== undefined) {
    const { createdAt, id } = filter.after
    query = query.where(eb => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]))
  }
  return await query.orderBy('created_at').orderBy('id').limit(filter.limit).execute()
}

/** every integration of the tenant */
export async function tenantIntegrations (db: Db, tenantId: string): Promise<Integration[]> {
  return await db.selectFrom('integrations').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute()
}

export async function updateIntegration (
  db: Db | Transaction<Database>, tenantId: string, id: string,
  changes: Partial<Pick<NewIntegration, 'name' | 'status' | 'credentials' | 'credentials_key_id' | 'credentials_bound' | 'credentials_public' | 'options' | 'account_name' | 'account_email' | 'last_checked_at' | 'last_error'>>
): Promise<Integration | undefined> {
  return await db.updateTable('integrations')
    .set({ ...changes, updated_at: new Date() })
    .where('tenant_id', '=', tenantId).where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

export async function deleteIntegration (db: Db, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('integrations').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** replaces the stored recruiters with what the board listed now */
export async function replaceRecruiters (trx: Transaction<Database>, integrationId: string, recruiters: Recruiter[]): Promise<void> {
  await trx.deleteFrom('integration_recruiters').where('integration_id', '=', integrationId).execute()
  if (recruiters.length === 0) return
  // a board listing the same person twice must not fail the install
  const unique = [...new Map(recruiters.map(r => [r.externalId, r])).values()]
  await trx.insertInto('integration_recruiters').values(unique.map(r => ({
    integration_id: integrationId, external_id: r.externalId, name: r.name, email: r.email, is_admin: r.isAdmin
  }))).execute()
}

export async function listRecruiters (db: Db, integrationId: string): Promise<IntegrationRecruiter[]> {
  return await db.selectFrom('integration_recruiters').selectAll()
    .where('integration_id', '=', integrationId).orderBy('name').orderBy('external_id').execute()
}

/** publications whose posting is still up on the board through this integration */
export async function countLivePublications (db: Db, integrationId: string): Promise<number> {
  const row = await db.selectFrom('publications')
    .select(eb => eb.fn.countAll<number>().as('n'))
    .where('integration_id', '=', integrationId)
    .where(eb => eb.or([
      eb('status', '=', 'published'),
      eb.and([eb('status', '=', 'inactive'), eb('posting_state', 'in', ['pending_review', 'live'])])
    ]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** an active integration of the board, any tenant's: the one checked most recently */
export async function findActiveIntegrationOfBoard (db: Db, board: BoardId): Promise<Integration | undefined> {
  return await db.selectFrom('integrations').selectAll()
    .where('board', '=', board).where('status', '=', 'active')
    .orderBy('last_checked_at', sql`desc nulls last`).orderBy('id')
    .limit(1)
    .executeTakeFirst()
}

/** up to `limit` integrations whose credentials are sealed without their row bound in (older rows) */
export async function listUnboundCredentials (db: Db, limit: number): Promise<Array<{ id: string }>> {
  return await db.selectFrom('integrations').select('id').where('credentials_bound', '=', false).orderBy('id').limit(limit).execute()
}
