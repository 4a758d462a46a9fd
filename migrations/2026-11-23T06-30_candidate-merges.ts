import { sql, type Kysely } from 'kysely'

// Candidates the host merged into another: the merged rows are gone, this remembers where they went
// (a GET of an old id says so, and a second merge of it is refused).
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('candidate_merges')
    .addColumn('from_id', 'uuid', c => c.primaryKey())
    .addColumn('tenant_id', 'uuid', c => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('into_id', 'uuid', c => c.notNull().references('candidates.id').onDelete('cascade'))
    .addColumn('merged_at', sql`timestamptz(3)`, c => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('candidate_merges_into_idx').on('candidate_merges').column('into_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('candidate_merges').execute()
}
