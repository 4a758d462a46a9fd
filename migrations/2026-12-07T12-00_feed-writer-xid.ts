import { sql, type Kysely } from 'kysely'

// The change feeds (applications, candidates) wait only for transactions that can still write
// their rows: each row carries the id of the transaction that last wrote it (xid8, set by a trigger
// on every insert and update, so no writer can forget it), and the feeds serve rows below the
// oldest transaction still running that can write them (feedHorizon in the candidates repo), in
// (written_xid, id) order. A transaction gets an id only when it first writes, so read-only and
// idle sessions hold nothing back, and any transaction that writes later gets an id above every
// row served so far.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create function stamp_written_xid() returns trigger language plpgsql as $$
    begin
      new.written_xid := pg_current_xact_id();
      return new;
    end $$`.execute(db)
  for (const table of ['applications', 'candidates']) {
    // existing rows get the migration's own id: all committed before any later writer
    await sql`alter table ${sql.table(table)} add column written_xid xid8 not null default pg_current_xact_id()`.execute(db)
    await sql`create trigger ${sql.raw(`${table}_written_xid`)} before insert or update on ${sql.table(table)}
      for each row execute function stamp_written_xid()`.execute(db)
  }
  await db.schema.dropIndex('applications_feed_idx').execute()
  await db.schema.createIndex('applications_feed_idx').on('applications').columns(['tenant_id', 'written_xid', 'id']).execute()
  await db.schema.dropIndex('candidates_tenant_idx').execute()
  await db.schema.createIndex('candidates_feed_idx').on('candidates').columns(['tenant_id', 'written_xid', 'id']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('candidates_feed_idx').execute()
  await db.schema.createIndex('candidates_tenant_idx').on('candidates').columns(['tenant_id', 'updated_at', 'id']).execute()
  await db.schema.dropIndex('applications_feed_idx').execute()
  await db.schema.createIndex('applications_feed_idx').on('applications').columns(['tenant_id', 'updated_at', 'id']).execute()
  for (const table of ['applications', 'candidates']) {
    await sql`drop trigger ${sql.raw(`${table}_written_xid`)} on ${sql.table(table)}`.execute(db)
    await sql`alter table ${sql.table(table)} drop column written_xid`.execute(db)
  }
  await sql`drop function stamp_written_xid()`.execute(db)
}
