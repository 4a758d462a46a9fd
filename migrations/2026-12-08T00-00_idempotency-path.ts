import type { Kysely } from 'kysely'

// The path each Idempotency-Key answered (`/v1/candidates/<id>/merge`): erasing a person forgets the
// stored answers of the requests about them or their applications (an answer may hold their name
// and contacts). Rows kept from before have none and expire within 24 hours.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('path', 'text').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('path').execute()
}
