import { sql, type Kysely } from 'kysely'

// How a webhook's deliveries are signed (src/outbox/signature.ts). The webhooks made before
// Standard Webhooks keep the recipe their hosts verify with (`legacy`) until their secret is
// rotated; every webhook made from now on is `standard`.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhooks')
    .addColumn('signing_scheme', 'text', c => c.notNull().defaultTo('legacy').check(sql`signing_scheme in ('standard', 'legacy')`))
    .execute()
  await db.schema.alterTable('webhooks').alterColumn('signing_scheme', c => c.setDefault('standard')).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhooks').dropColumn('signing_scheme').execute()
}
