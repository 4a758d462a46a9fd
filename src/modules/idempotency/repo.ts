// The queries of the Idempotency-Key store. A request claims its (owner, key) row by inserting it;
// a row whose time is up (answered over `ttlMs` ago, or still unanswered after `staleMs`: its
// process died) is taken over in the same statement. Only the claim that holds a row writes its
// answer or lets it go.
import { sql } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Database, IdempotencyKeyTable } from '../../db/schema.js'
import type { Selectable, Transaction } from 'kysely'

export type IdempotencyRow = Selectable<IdempotencyKeyTable>

export interface NewClaim {
  owner: string
  key: string
  tenantId: string | null
  fingerprint: string
  /** the request's path, without its query */
  path: string
  claim: string
}

/** true when this claim now holds the row (new, or taken over from an expired or stale one) */
export async function claim (db: Db, row: NewClaim, ttlMs: number, staleMs: number): Promise<boolean> {
  const { rows } = await sql<{ claim: string }>`
    insert into idempotency_keys (owner, key, tenant_id, fingerprint, path, claim)
    values (${row.owner}, ${row.key}, ${row.tenantId}, ${row.fingerprint}, ${row.path}, ${row.claim})
    on conflict (owner, key) do update set
      tenant_id = excluded.tenant_id, fingerprint = excluded.fingerprint, path = excluded.path, claim = excluded.claim,
      response_status = null, response = null, response_key_id = null, created_at = now()
    where idempotency_keys.created_at < now() - ${`${ttlMs} milliseconds`}::interval
      or (idempotency_keys.response_status is null and idempotency_keys.created_at < now() - ${`${staleMs} milliseconds`}::interval)
    returning claim`.execute(db)
  return rows[0]?.claim === row.claim
}

export async function find (db: Db, owner: string, key: string): Promise<IdempotencyRow | undefined> {
  return await db.selectFrom('idempotency_keys').selectAll().where('owner', '=', owner).where('key', '=', key).executeTakeFirst()
}

/** the answer to give again (its headers and body sealed); written only while the claim holds the row */
export async function complete (db: Db, owner: string, key: string, claimId: string, status: number, sealed: { data: Buffer, keyId: string }): Promise<void> {
  await db.updateTable('idempotency_keys')
    .set({ response_status: status, response: sealed.data, response_key_id: sealed.keyId })
    .where('owner', '=', owner).where('key', '=', key).where('claim', '=', claimId).execute()
}

/** forgets the claim's row: the next request with the key acts anew */
export async function release (db: Db, owner: string, key: string, claimId: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('owner', '=', owner).where('key', '=', key).where('claim', '=', claimId).execute()
}

/** forgets the tenant's keys whose request path names one of `ids` (uuids: a path segment each); how many */
export async function forgetAbout (db: Db | Transaction<Database>, tenantId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0
  const result = await db.deleteFrom('idempotency_keys')
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`exists (select 1 from unnest(${[...ids]}::text[]) as id where idempotency_keys.path like '%/' || id || '%')`)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** deletes the rows made over `ttlMs` ago; how many */
export async function prune (db: Db, ttlMs: number): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', sql<Date>`now() - ${`${ttlMs} milliseconds`}::interval`).executeTakeFirst()
  return Number(result.numDeletedRows)
}
