// Tenants and their API keys, and the one question every request asks: who is calling?
import type { Db } from '../../db/index.js'
import { DuplicateKeyError } from '../../db/errors.js'
import type { ApiKey, Tenant } from '../../db/schema.js'
import { conflict, notFound } from '../../errors.js'
import { generateApiKey, hashApiKey, keyPrefix, sameKey } from '../../crypto/api-keys.js'
import * as repo from './repo.js'
import type { FastifyBaseLogger } from 'fastify'
import type { IntegrationService } from '../integrations/service.js'
import type { ApiKeyView, CreateTenantInput, IssuedApiKey, TenantView } from './schemas.js'

export type Principal =
  | { role: 'admin', keyId: string }
  | { role: 'tenant', keyId: string, tenantId: string }

const toTenantView = (t: Tenant): TenantView => ({
  id: t.id, name: t.name, externalId: t.external_id, createdAt: t.created_at.toISOString()
})

const toApiKeyView = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  tenantId: k.tenant_id ?? '',
  name: k.name,
  prefix: k.prefix,
  createdAt: k.created_at.toISOString(),
  revokedAt: k.revoked_at?.toISOString() ?? null
})

export interface AdminServiceOptions {
  db: Db
  /** gives up a tenant's board accounts before it is erased; absent where only the admin key is bootstrapped (server.ts, at start) */
  integrations?: Pick<IntegrationService, 'revokeTenantAccounts'>
  log?: FastifyBaseLogger
  /** ADMIN_API_KEY from the environment, if set */
  adminApiKey: string | undefined
}

export function createAdminService ({ db, adminApiKey, integrations, log }: AdminServiceOptions) {
  const envAdminHash = adminApiKey === undefined ? undefined : hashApiKey(adminApiKey)

  return {
    async createTenant (input: CreateTenantInput): Promise<TenantView> {
      try {
        return toTenantView(await repo.insertTenant(db, { name: input.name, external_id: input.externalId ?? null }))
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw conflict(`a tenant with externalId "${input.externalId ?? ''}" exists already`)
        throw error
      }
    },

    async getTenant (id: string): Promise<TenantView> {
      const tenant = await repo.findTenant(db, id)
      if (tenant === undefined) throw notFound('tenant', id)
      return toTenantView(tenant)
    },

    async listTenants (limit: number, after?: string): Promise<{ items: TenantView[], nextCursor: string | null }> {
      const rows = await repo.listTenants(db, limit + 1, after)
      const items = rows.slice(0, limit).map(toTenantView)
      return { items, nextCursor: rows.length > limit ? items[items.length - 1]?.id ?? null : null }
    },

    /**
     * Erases the tenant: its board tokens revoked first where the board allows it (a board that
     * fails is logged and does not stop the erasure), then the tenant with everything it owns.
     */
    async eraseTenant (id: string): Promise<void> {
      if (integrations === undefined) throw new Error('erasing a tenant needs the integrations service')
      if (await repo.findTenant(db, id) === undefined) throw notFound('tenant', id)
      const revoked = await integrations.revokeTenantAccounts(id)
      if (!await repo.deleteTenant(db, id)) throw notFound('tenant', id)
      log?.info({ tenant: id, ...revoked }, 'tenant erased')
    },

    async issueTenantKey (tenantId: string, name: string): Promise<IssuedApiKey> {
      if (await repo.findTenant(db, tenantId) === undefined) throw notFound('tenant', tenantId)
      const { key, prefix, hash } = generateApiKey()
      const row = await repo.insertApiKey(db, { tenant_id: tenantId, role: 'tenant', name, prefix, key_hash: hash })
      return { id: row.id, tenantId, name: row.name, prefix, key, createdAt: row.created_at.toISOString() }
    },

    async listTenantKeys (tenantId: string): Promise<ApiKeyView[]> {
      if (await repo.findTenant(db, tenantId) === undefined) throw notFound('tenant', tenantId)
      return (await repo.listTenantApiKeys(db, tenantId)).map(toApiKeyView)
    },

    async revokeKey (id: string): Promise<ApiKeyView> {
      const row = await repo.revokeApiKey(db, id)
      if (row === undefined) throw notFound('API key', id)
      return toApiKeyView(row)
    },

    /** the principal behind a bearer key, or undefined for an unknown or revoked key */
    async authenticate (key: string): Promise<Principal | undefined> {
      if (envAdminHash !== undefined && sameKey(key, envAdminHash)) return { role: 'admin', keyId: 'env' }
      const prefix = keyPrefix(key)
      if (prefix === undefined) return undefined
      const row = await repo.findApiKeyByPrefix(db, prefix)
      if (row === undefined || row.revoked_at !== null || !sameKey(key, row.key_hash)) return undefined
      return row.role === 'admin'
        ? { role: 'admin', keyId: row.id }
        : { role: 'tenant', keyId: row.id, tenantId: row.tenant_id ?? '' }
    },

    /**
     * On the embedded database with no ADMIN_API_KEY, the first start makes an admin key and
     * returns it (to be printed once); later starts find it and return undefined.
     */
    async bootstrapAdminKey (): Promise<string | undefined> {
      if (adminApiKey !== undefined) return undefined
      if (await repo.countActiveAdminKeys(db) > 0) return undefined
      const { key, prefix, hash } = generateApiKey()
      await repo.insertApiKey(db, { tenant_id: null, role: 'admin', name: 'bootstrap admin key', prefix, key_hash: hash })
      return key
    }
  }
}

export type AdminService = ReturnType<typeof createAdminService>
