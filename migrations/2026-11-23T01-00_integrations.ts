import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('integrations')
    .addColumn('id', 'uuid', c => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', c => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('board', 'text', c => c.notNull())
    .addColumn('name', 'text', c => c.notNull())
    .addColumn('status', 'text', c => c.notNull().check(sql`status in ('active', 'invalid_credentials', 'error')`))
    // AES-256-GCM: nonce ‖ tag ‖ ciphertext, and the id of the key that sealed it
    .addColumn('credentials', 'bytea', c => c.notNull())
    .addColumn('credentials_key_id', 'text', c => c.notNull())
    // non-secret parts of the credentials the host may see (e.g. a login), never a secret
    .addColumn('credentials_public', 'jsonb', c => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('account_external_id', 'text')
    .addColumn('account_name', 'text')
    .addColumn('account_email', 'text')
    .addColumn('last_checked_at', 'timestamptz')
    .addColumn('last_error', 'jsonb')
    // millisecond precision: keyset cursors carry these times through JavaScript Dates exactly
    .addColumn('created_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('integrations_tenant_idx').on('integrations').columns(['tenant_id', 'created_at', 'id']).execute()
  // one install per board account per tenant: installing the same account twice is a mistake
  await db.schema.createIndex('integrations_account_uq').on('integrations')
    .columns(['tenant_id', 'board', 'account_external_id']).unique().execute()

  await db.schema.createTable('integration_recruiters')
    .addColumn('integration_id', 'uuid', c => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('external_id', 'text', c => c.notNull())
    .addColumn('name', 'text', c => c.notNull())
    .addColumn('email', 'text')
    .addColumn('is_admin', 'boolean', c => c.notNull().defaultTo(false))
    .addColumn('synced_at', 'timestamptz', c => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('integration_recruiters_pk', ['integration_id', 'external_id'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('integration_recruiters').execute()
  await db.schema.dropTable('integrations').execute()
}
