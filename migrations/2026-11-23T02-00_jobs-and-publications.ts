import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('jobs')
    .addColumn('id', 'uuid', c => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', c => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('host_job_id', 'text', c => c.notNull())
    .addColumn('title', 'text', c => c.notNull())
    .addColumn('description', 'text', c => c.notNull())
    .addColumn('location', 'text')
    .addColumn('salary', 'jsonb')
    .addColumn('employment', 'text')
    .addColumn('tags', sql`text[]`, c => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('jobs_host_job_uq', ['tenant_id', 'host_job_id'])
    .execute()

  await db.schema.createTable('publications')
    .addColumn('id', 'uuid', c => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', c => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('job_id', 'uuid', c => c.notNull().references('jobs.id').onDelete('cascade'))
    // the service refuses to delete an integration with a posting still live; the rest go with it
    .addColumn('integration_id', 'uuid', c => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('board', 'text', c => c.notNull())
    .addColumn('status', 'text', c => c.notNull().check(sql`status in ('draft', 'published', 'inactive', 'error')`))
    .addColumn('posting_state', 'text', c => c.notNull().defaultTo('none')
      .check(sql`posting_state in ('none', 'pending_review', 'live', 'rejected', 'archived')`))
    .addColumn('posting_external_id', 'text')
    .addColumn('posting_url', 'text')
    .addColumn('posting_reason', 'text')
    .addColumn('title', 'text', c => c.defaultTo(null))
    .addColumn('description', 'text', c => c.defaultTo(null))
    .addColumn('fields', 'jsonb', c => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('publication_type', 'text')
    .addColumn('error', 'jsonb')
    // an action talking to the board: a second action waits its turn (409) instead of racing it
    .addColumn('action', 'text')
    .addColumn('action_started_at', sql`timestamptz(3)`)
    .addColumn('first_published_at', sql`timestamptz(3)`)
    // kept exact by the sync, in the same transaction as the applications it writes
    .addColumn('application_count', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('created_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('publications_tenant_idx').on('publications').columns(['tenant_id', 'created_at', 'id']).execute()
  await db.schema.createIndex('publications_job_idx').on('publications').columns(['job_id']).execute()
  await db.schema.createIndex('publications_integration_idx').on('publications').columns(['integration_id', 'status']).execute()
  // one publication per board posting: linking the same posting twice is a mistake
  await db.schema.createIndex('publications_posting_uq').on('publications')
    .columns(['integration_id', 'posting_external_id']).unique().where(sql.ref('posting_external_id'), 'is not', null).execute()

  await db.schema.createTable('publication_transitions')
    .addColumn('id', 'bigserial', c => c.primaryKey())
    .addColumn('publication_id', 'uuid', c => c.notNull().references('publications.id').onDelete('cascade'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', c => c.notNull())
    .addColumn('from_posting', 'text')
    .addColumn('to_posting', 'text', c => c.notNull())
    .addColumn('event', 'text', c => c.notNull())
    .addColumn('reason', 'text')
    // "api_key:<id>" or "system"
    .addColumn('actor', 'text', c => c.notNull())
    .addColumn('board_error', 'jsonb')
    .addColumn('created_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute()
  await db.schema.createIndex('publication_transitions_pub_idx').on('publication_transitions').columns(['publication_id', 'id']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('publication_transitions').execute()
  await db.schema.dropTable('publications').execute()
  await db.schema.dropTable('jobs').execute()
}
