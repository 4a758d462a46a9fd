import { Type, type Static } from 'typebox'
import { Timestamp, Uuid } from '../../http/schemas.js'

export const TenantSchema = Type.Object({
  id: Uuid(),
  name: Type.String(),
  externalId: Type.Union([Type.String(), Type.Null()], { description: "the host's own id for this customer" }),
  createdAt: Timestamp()
}, { $id: 'Tenant' })
export type TenantView = Static<typeof TenantSchema>

export const CreateTenantBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 }))
}, { additionalProperties: false })
export type CreateTenantInput = Static<typeof CreateTenantBody>

export const CreateApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'what the key is for, e.g. "host production"' })
}, { additionalProperties: false })

export const ApiKeySchema = Type.Object({
  id: Uuid(),
  tenantId: Uuid(),
  name: Type.String(),
  prefix: Type.String({ description: 'the visible part of the key, e.g. to tell keys apart' }),
  createdAt: Timestamp(),
  revokedAt: Type.Union([Timestamp(), Type.Null()])
}, { $id: 'ApiKey' })
export type ApiKeyView = Static<typeof ApiKeySchema>

export const IssuedApiKeySchema = Type.Object({
  id: Uuid(),
  tenantId: Uuid(),
  name: Type.String(),
  prefix: Type.String(),
  key: Type.String({ description: 'the key itself; shown only in this response, store it now' }),
  createdAt: Timestamp()
})
export type IssuedApiKey = Static<typeof IssuedApiKeySchema>

export const TenantIdParams = Type.Object({ tenantId: Uuid() })
