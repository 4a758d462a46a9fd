import { sql, type Kysely } from 'kysely'

// The boards' catalogues for the publish form (hh areas, Work.ua regions, an account's addresses).
// A copy is one catalogue as one board (board scope: integration_id null) or one account (account
// scope: integration_id set) gave it; its items are replaced whole, in one transaction, when a
// fetch brings a new version.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('dictionary_copies')
    .addColumn('id', 'bigserial', c => c.primaryKey())
    .addColumn('board', 'text', c => c.notNull())
    .addColumn('name', 'text', c => c.notNull())
    // an account's own catalogue goes with the account
    .addColumn('integration_id', 'uuid', c => c.references('integrations.id').onDelete('cascade'))
    // when the board last gave this content, and when it last confirmed it (a 304 moves only this)
    .addColumn('fetched_at', sql`timestamptz(3)`, c => c.notNull())
    .addColumn('checked_at', sql`timestamptz(3)`, c => c.notNull())
    // the board's validators of this content, sent back on the next fetch
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('item_count', 'integer', c => c.notNull().defaultTo(0))
    // a replica refreshing the copy holds it until then: the others leave it alone
    .addColumn('refreshing_until', sql`timestamptz(3)`)
    .execute()
  await db.schema.createIndex('dictionary_copies_board_uq').on('dictionary_copies')
    .columns(['board', 'name']).unique().where(sql.ref('integration_id'), 'is', null).execute()
  await db.schema.createIndex('dictionary_copies_account_uq').on('dictionary_copies')
    .columns(['integration_id', 'name']).unique().where(sql.ref('integration_id'), 'is not', null).execute()

  await db.schema.createTable('dictionary_items')
    .addColumn('copy_id', 'bigint', c => c.notNull().references('dictionary_copies.id').onDelete('cascade'))
    .addColumn('id', 'text', c => c.notNull())
    .addColumn('name', 'text', c => c.notNull())
    .addColumn('parent_id', 'text')
    // the name folded for search (src/modules/dictionaries/search-name.ts)
    .addColumn('search_name', 'text', c => c.notNull())
    // the board's order: listings follow it, and it is the keyset of their cursors
    .addColumn('position', 'integer', c => c.notNull())
    .addPrimaryKeyConstraint('dictionary_items_pk', ['copy_id', 'id'])
    .execute()
  await db.schema.createIndex('dictionary_items_order_uq').on('dictionary_items').columns(['copy_id', 'position']).unique().execute()
  await db.schema.createIndex('dictionary_items_children_idx').on('dictionary_items').columns(['copy_id', 'parent_id', 'position']).execute()
  await db.schema.createIndex('dictionary_items_name_idx').on('dictionary_items').columns(['copy_id', 'search_name']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dictionary_items').execute()
  await db.schema.dropTable('dictionary_copies').execute()
}
