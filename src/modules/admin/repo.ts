import type { Db } from '../../db/index.js'
import { writing } from '../../db/errors.js'
import type { ApiKey, NewApiKey, NewTenant, Tenant } from '../../db/schema.js'

/** throws DuplicateKeyError when another tenant has the external id */
export async function insertTenant (db: Db, tenant: NewTenant): Promise<Tenant> {
  return await writing('tenants', async () => await db.insertInto('tenants').values(tenant).returningAll().executeTakeFirstOrThrow())
}

export async function findTenant (db: Db, id: string): Promise<Tenant | undefined> {
  return await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Deletes the tenant and, by the foreign keys (on delete cascade), everything it owns: keys,
 * integrations, jobs, publications, candidates, applications, events, webhooks, sync runs. False when there was none.
 */
export async function deleteTenant (db: Db, id: string): Promise<boolean> {
  const { numDeletedRows } = await db.deleteFrom('tenants').where('id', '=', id).executeTakeFirst()
  return numDeletedRows > 0n
}

export async function findTenantByExternalId (db: Db, externalId: string): Promise<Tenant | undefined> {
  return await db.selectFrom('tenants').selectAll().where('external_id', '=', externalId).executeTakeFirst()
}

export async function listTenants (db: Db, limit: number, afterId?: string): Promise<Tenant[]> {
  let query = db.selectFrom('tenants').selectAll().orderBy('id').limit(limit)
  if (afterId !== undefined) query = query.where('id', '>', afterId)
  return await query.execute()
}

export async function insertApiKey (db: Db, key: NewApiKey): Promise<ApiKey> {
  return await db.insertInto('api_keys').values(key).returningAll().executeTakeFirstOrThrow()
}

export async function findApiKeyByPrefix (db: Db, prefix: string): Promise<ApiKey | undefined> {
  return await db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst()
}

export async function listTenantApiKeys (db: Db, tenantId: string): Promise<ApiKey[]> {
  return await db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute()
}

/** revokes a tenant key; admin keys are not revocable through the API */
export async function revokeApiKey (db: Db, id: string): Promise<ApiKey | undefined> {
  return await db.updateTable('api_keys')
    .set(eb => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now', [])) }))
    .where('id', '=', id)
    .where('role', '=', 'tenant')
    .returningAll()
    .executeTakeFirst()
}

export async function countActiveAdminKeys (db: Db): Promise<number> {
  const row = await db.selectFrom('api_keys')
    .select(eb => eb.fn.countAll<number>().as('count'))
    .where('role', '=', 'admin').where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
