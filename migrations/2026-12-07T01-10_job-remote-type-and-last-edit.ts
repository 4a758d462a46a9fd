import { sql, type Kysely } from 'kysely'

// The job's remote type (the boards map it into their own vocabulary), and the outcome of the
// last edit pushed to a publication's posting on the board.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs')
    .addColumn('remote_type', 'text', c => c.check(sql`remote_type in ('office', 'remote', 'hybrid')`))
    .execute()
  // { at, status: applied | refused | failed, error }
  await db.schema.alterTable('publications').addColumn('last_edit', 'jsonb').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('publications').dropColumn('last_edit').execute()
  await db.schema.alterTable('jobs').dropColumn('remote_type').execute()
}
