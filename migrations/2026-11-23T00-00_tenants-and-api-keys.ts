import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('tenants')
    .addColumn('id', 'uuid', c => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', c => c.notNull())
    .addColumn('external_id', 'text', c => c.unique())
    .addColumn('created_at', 'timestamptz', c => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema.createTable('api_keys')
    .addColumn('id', 'uuid', c => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', c => c.references('tenants.id').onDelete('cascade'))
    .addColumn('role', 'text', c => c.notNull().check(sql`role in ('admin', 'tenant')`))
    .addColumn('name', 'text', c => c.notNull())
    .addColumn('prefix', 'text', c => c.notNull().unique())
    .addColumn('key_hash', 'bytea', c => c.notNull())
    .addColumn('created_at', 'timestamptz', c => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addCheckConstraint('api_keys_tenant_role', sql`(role = 'admin') = (tenant_id is null)`)
    .execute()
  await db.schema.createIndex('api_keys_tenant_idx').on('api_keys').column('tenant_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').execute()
  await db.schema.dropTable('tenants').execute()
}
