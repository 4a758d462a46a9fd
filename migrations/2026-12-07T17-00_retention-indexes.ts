import type { Kysely } from 'kysely'

// What the retention job (src/retention-job.ts) reads: each table's old rows by their time, so a
// tick with nothing to prune reads an index, not the table; and the deliveries of an event, which
// deleting the event cascades to (and which the job checks for one still pending).
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_events_created_idx').on('outbox_events').column('created_at').execute()
  await db.schema.createIndex('webhook_deliveries_event_idx').on('webhook_deliveries').column('event_seq').execute()
  await db.schema.createIndex('webhook_attempts_at_idx').on('webhook_attempts').column('at').execute()
  await db.schema.createIndex('sync_runs_started_idx').on('sync_runs').column('started_at').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sync_runs_started_idx').execute()
  await db.schema.dropIndex('webhook_attempts_at_idx').execute()
  await db.schema.dropIndex('webhook_deliveries_event_idx').execute()
  await db.schema.dropIndex('outbox_events_created_idx').execute()
}
