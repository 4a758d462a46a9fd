import { type Kysely } from 'kysely'

// Request budgets of the boards, shared by every replica (src/modules/boards/request-limiter.ts):
// per key, when the next request may start (each request takes the next free slot and moves it
// on), and until when the board has blocked the key after a 429. One short row per key, updated in
// place (no indexed column changes, so the updates stay HOT).
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('board_request_limits')
    .addColumn('key', 'text', c => c.primaryKey())
    .addColumn('next_at', 'timestamptz', c => c.notNull())
    .addColumn('blocked_until', 'timestamptz')
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('board_request_limits').execute()
}
