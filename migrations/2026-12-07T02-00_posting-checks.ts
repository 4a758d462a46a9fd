import { sql, type Kysely } from 'kysely'

// The posting's life on the board: when its next posting check is due (a posting under the board's
// review, or one whose candidate sync is off; a synced posting is checked with each sync), and when
// the board will end it.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('publications')
    .addColumn('posting_check_at', sql`timestamptz(3)`)
    .addColumn('posting_expires_at', sql`timestamptz(3)`)
    .execute()
  // the claim of due checks reads only rows that have one: publications with nothing to check cost nothing per tick
  await db.schema.createIndex('publications_posting_check_idx').on('publications').column('posting_check_at')
    .where(sql.ref('posting_check_at'), 'is not', null).execute()
  // postings on the board that no sync looks at get their first check soon after the upgrade
  await sql`
    update publications set posting_check_at = now()
    where posting_external_id is not null
      and ((status in ('published', 'inactive') and posting_state = 'pending_review') or (status = 'inactive' and posting_state = 'live'))`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('publications_posting_check_idx').execute()
  await db.schema.alterTable('publications').dropColumn('posting_check_at').dropColumn('posting_expires_at').execute()
}
