import { Type, type Static } from 'typebox'
import { BoardIdSchema } from '../../boards/registry.js'
import { Timestamp, Uuid } from '../../http/schemas.js'

export { BoardIdSchema }

export const INTEGRATION_STATUSES = ['active', 'invalid_credentials', 'no_api_access', 'error'] as const
export type IntegrationStatus = typeof INTEGRATION_STATUSES[number]

export const IntegrationStatusSchema = Type.Enum([...INTEGRATION_STATUSES], {
  description: 'active: the last check passed; invalid_credentials: the board refused the credentials; no_api_access: the board serves this account no API (hh without paid API access; lastError has the board\'s words): its publications wait off the sync schedule until a check passes; error: the board failed otherwise'
})

export const IntegrationSchema = Type.Object({
  id: Uuid(),
  board: BoardIdSchema,
  name: Type.String(),
  status: IntegrationStatusSchema,
  account: Type.Object({
    externalId: Type.Union([Type.String(), Type.Null()], { description: "the account's id on the board" }),
    name: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()])
  }),
  credentials: Type.Record(Type.String(), Type.Unknown(), { description: 'the non-secret parts only (e.g. a login); secrets are never returned' }),
  options: Type.Record(Type.String(), Type.Unknown(), { description: "the board's integration options with their defaults (their shape: integrationOptions in GET /v1/boards; {} where the board has none)" }),
  lastCheckedAt: Type.Union([Timestamp(), Type.Null()]),
  lastError: Type.Union([Type.Object({
    code: Type.String(),
    title: Type.String(),
    detail: Type.String(),
    boardStatus: Type.Union([Type.Integer(), Type.Null()])
  }), Type.Null()], { description: 'why the last check failed' }),
  createdAt: Timestamp(),
  updatedAt: Timestamp()
}, { $id: 'Integration' })
export type IntegrationView = Static<typeof IntegrationSchema>

export const CreateIntegrationBody = Type.Object({
  board: BoardIdSchema,
  name: Type.String({ minLength: 1, maxLength: 200, description: 'a label for the host, e.g. "Djinni — main account"' }),
  credentials: Type.Record(Type.String(), Type.Unknown(), { description: "the board's credentials; their shape is the board's credentialsSchema in GET /v1/boards" }),
  options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "the board's integration options (integrationOptions in GET /v1/boards, e.g. hh openResumes); defaults where left out" }))
}, { additionalProperties: false })
export type CreateIntegrationInput = Static<typeof CreateIntegrationBody>

export const UpdateIntegrationBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  credentials: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'new credentials for the same board account; checked before they are stored; the old ones are revoked on the board where it allows it' })),
  options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "the board's integration options to change; the ones left out keep their value" }))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateIntegrationInput = Static<typeof UpdateIntegrationBody>

export const RecruiterSchema = Type.Object({
  externalId: Type.String(),
  name: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  isAdmin: Type.Boolean(),
  syncedAt: Timestamp()
}, { $id: 'Recruiter' })
export type RecruiterView = Static<typeof RecruiterSchema>

export const ListIntegrationsQuery = Type.Object({
  board: Type.Optional(BoardIdSchema),
  status: Type.Optional(IntegrationStatusSchema),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  after: Type.Optional(Type.String({ maxLength: 200, description: 'cursor from the previous page' }))
}, { additionalProperties: false })
export type ListIntegrationsQuery = Static<typeof ListIntegrationsQuery>
