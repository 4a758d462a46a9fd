import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications')
    .addColumn('outcome', 'text', c => c.check(sql`outcome in ('hired', 'rejected', 'invited')`))
    .addColumn('outcome_at', sql`timestamptz(3)`)
    // shared: the board took it; not_supported: the board has no such endpoint; failed: see outcome_error
    .addColumn('outcome_shared', 'text', c => c.check(sql`outcome_shared in ('shared', 'not_supported', 'failed')`))
    .addColumn('outcome_error', 'jsonb')
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('outcome').dropColumn('outcome_at').dropColumn('outcome_shared').dropColumn('outcome_error').execute()
}
