// Table types for Kysely: one interface per table, collected into Database.
// Keep them in step with migrations/ (the migration is the truth; these describe it).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface TenantTable {
  id: Generated<string>
  name: string
  external_id: string | null
  created_at: CreatedAt
}

export interface ApiKeyTable {
  id: Generated<string>
  /** null for admin keys */
  tenant_id: string | null
  role: 'admin' | 'tenant'
  name: string
  /** the visible part of the key, for ops and for lookup */
  prefix: string
  /** SHA-256 of the whole key; the key itself is never stored */
  key_hash: Buffer
  created_at: CreatedAt
  revoked_at: Timestamp | null
}

export interface Database {
  tenants: TenantTable
  api_keys: ApiKeyTable
}

export type Tenant = Selectable<TenantTable>
export type NewTenant = Insertable<TenantTable>
export type ApiKey = Selectable<ApiKeyTable>
export type NewApiKey = Insertable<ApiKeyTable>
export type ApiKeyUpdate = Updateable<ApiKeyTable>
