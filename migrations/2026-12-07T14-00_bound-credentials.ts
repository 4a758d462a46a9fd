import { type Kysely } from 'kysely'

// Board credentials sealed with their tenant and row as associated data (src/crypto/secrets.ts):
// a marker per row, since a migration cannot re-seal (it may run without SECRETS_KEY). Rows sealed
// before are false; the service opens them the old way and the start-up step re-seals them bound
// (resealUnboundCredentials in src/modules/integrations/service.ts). Every new write is bound.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('integrations')
    .addColumn('credentials_bound', 'boolean', c => c.notNull().defaultTo(false))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('integrations').dropColumn('credentials_bound').execute()
}
