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

export interface IntegrationTable {
  id: Generated<string>
  tenant_id: string
  board: string
  name: string
  status: 'active' | 'invalid_credentials' | 'error'
  /** sealed with AES-256-GCM (src/crypto/secrets.ts) */
  credentials: Buffer
  credentials_key_id: string
  credentials_public: ColumnType<Record<string, unknown>, string | undefined, string>
  account_external_id: string | null
  account_name: string | null
  account_email: string | null
  last_checked_at: Timestamp | null
  last_error: ColumnType<IntegrationError | null, string | null, string | null>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface IntegrationError {
  code: string
  title: string
  detail: string
  boardStatus: number | null
}

export interface IntegrationRecruiterTable {
  integration_id: string
  external_id: string
  name: string
  email: string | null
  is_admin: boolean
  synced_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface Database {
  tenants: TenantTable
  api_keys: ApiKeyTable
  integrations: IntegrationTable
  integration_recruiters: IntegrationRecruiterTable
}

export type Tenant = Selectable<TenantTable>
export type NewTenant = Insertable<TenantTable>
export type ApiKey = Selectable<ApiKeyTable>
export type NewApiKey = Insertable<ApiKeyTable>
export type ApiKeyUpdate = Updateable<ApiKeyTable>

export type Integration = Selectable<IntegrationTable>
export type NewIntegration = Insertable<IntegrationTable>
export type IntegrationRecruiter = Selectable<IntegrationRecruiterTable>
