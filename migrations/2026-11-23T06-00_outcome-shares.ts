import { sql, type Kysely } from 'kysely'

// Outcomes go to the board through a queue of their own, like webhook deliveries: written in the
// transaction that records the outcome, claimed with SKIP LOCKED, retried with backoff for 24 hours.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table applications drop constraint if exists applications_outcome_shared_check`.execute(db)
  await sql`alter table applications add constraint applications_outcome_shared_check
    check (outcome_shared in ('pending', 'shared', 'not_supported', 'failed'))`.execute(db)

  await db.schema.createTable('outcome_shares')
    .addColumn('id', 'uuid', c => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', c => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('application_id', 'uuid', c => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('outcome', 'text', c => c.notNull().check(sql`outcome in ('hired', 'rejected', 'invited')`))
    .addColumn('status', 'text', c => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'shared', 'not_supported', 'failed')`))
    .addColumn('attempts', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'jsonb')
    .addColumn('queued_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .addColumn('done_at', sql`timestamptz(3)`)
    .execute()
  await db.schema.createIndex('outcome_shares_due_idx').on('outcome_shares').columns(['next_attempt_at'])
    .where(sql.ref('status'), '=', 'pending').execute()
  await db.schema.createIndex('outcome_shares_application_idx').on('outcome_shares').columns(['application_id', 'queued_at']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outcome_shares').execute()
  await sql`alter table applications drop constraint if exists applications_outcome_shared_check`.execute(db)
  await sql`alter table applications add constraint applications_outcome_shared_check
    check (outcome_shared in ('shared', 'not_supported', 'failed'))`.execute(db)
}
