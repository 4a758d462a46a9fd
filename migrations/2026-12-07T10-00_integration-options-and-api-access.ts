import { sql, type Kysely } from 'kysely'

// Per-integration options the board defines (hh: openResumes), and the status of an account the
// board serves no API to (hh without paid API access): its publications stay published but wait
// off the sync schedule until a check of the integration passes again.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('integrations')
    .addColumn('options', 'jsonb', c => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute()
  await sql`alter table integrations drop constraint integrations_status_check`.execute(db)
  await sql`alter table integrations add constraint integrations_status_check check (status in ('active', 'invalid_credentials', 'no_api_access', 'error'))`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`update integrations set status = 'invalid_credentials' where status = 'no_api_access'`.execute(db)
  await sql`alter table integrations drop constraint integrations_status_check`.execute(db)
  await sql`alter table integrations add constraint integrations_status_check check (status in ('active', 'invalid_credentials', 'error'))`.execute(db)
  await db.schema.alterTable('integrations').dropColumn('options').execute()
}
