import { sql, type Kysely } from 'kysely'

// The responses of a run the database refused even cleaned (an impossible date, a value too large):
// each one's board id and why, so the host can look at it on the board. The run stores the rest.
// Capped by the runner (the first ones of a run); their count is also in `skipped.unstorable`.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs')
    .addColumn('unstorable', 'jsonb', c => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('unstorable').execute()
}
