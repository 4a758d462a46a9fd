import { sql, type Kysely } from 'kysely'

// Idempotency-Key of the POSTs (src/modules/idempotency): per owner (a tenant, or an admin key)
// and key, the request's fingerprint and, once it is answered, the answer to give again (its
// headers and body sealed like board credentials: an answer may carry an API key or a webhook
// secret). A row with no status is a request still being processed; `claim` tells that request's
// own row from a later taker's. Pruned after 24 hours (by created_at); a tenant's go with it.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('idempotency_keys')
    .addColumn('owner', 'text', c => c.notNull())
    .addColumn('key', 'text', c => c.notNull())
    .addColumn('tenant_id', 'uuid', c => c.references('tenants.id').onDelete('cascade'))
    .addColumn('fingerprint', 'text', c => c.notNull())
    .addColumn('claim', 'uuid', c => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response', 'bytea')
    .addColumn('response_key_id', 'text')
    .addColumn('created_at', 'timestamptz', c => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['owner', 'key'])
    .execute()
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute()
  await db.schema.createIndex('idempotency_keys_tenant_id').on('idempotency_keys').column('tenant_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute()
}
