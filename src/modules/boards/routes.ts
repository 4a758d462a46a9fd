import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { invalidInput } from '../../errors.js'
import { tenantOf } from '../../http/auth.js'
import { problemResponses } from '../../http/schemas.js'
import type { BoardRegistry } from '../../boards/registry.js'
import { AUTH_KINDS, type BoardAdapter } from '../../boards/types.js'
import { BoardIdSchema } from '../integrations/schemas.js'
import type { OAuthState } from './oauth-state.js'

const JsonSchema = Type.Record(Type.String(), Type.Unknown(), { description: 'a JSON Schema' })

const BoardSchema = Type.Object({
  id: BoardIdSchema,
  name: Type.String(),
  auth: Type.Enum([...AUTH_KINDS]),
  syncIntervalMinutes: Type.Integer(),
  credentialsSchema: JsonSchema,
  integrationOptions: Type.Union([JsonSchema, Type.Null()], { description: "what `options` of POST/PATCH /v1/integrations takes for this board, with defaults; null where it has none" }),
  publicationFields: JsonSchema,
  publicationTypes: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), paid: Type.Boolean() }))
}, { $id: 'Board' })

/** what the host must send as `credentials`; oauth2 boards also take the signed state */
export function installSchema (adapter: BoardAdapter): Record<string, unknown> {
  const schema = JSON.parse(JSON.stringify(adapter.credentialsSchema)) as { properties?: Record<string, unknown>, required?: string[] }
  if (adapter.auth !== 'oauth2') return schema
  const { redirectUri: _redirect, ...properties } = schema.properties ?? {}
  return {
    ...schema,
    properties: { ...properties, state: { type: 'string', description: 'the state from GET /v1/boards/{board}/authorize-url' } },
    required: [...(schema.required ?? []).filter(name => name !== 'redirectUri'), 'state']
  }
}

export const boardRoutes: FastifyPluginAsyncTypebox<{ boards: BoardRegistry, oauthState: OAuthState }> = async (app, { boards, oauthState }) => {
  const items = [...boards.values()].map(adapter => ({
    id: adapter.id,
    name: adapter.name,
    auth: adapter.auth,
    syncIntervalMinutes: adapter.syncIntervalMinutes,
    credentialsSchema: installSchema(adapter),
    integrationOptions: adapter.integrationOptions === undefined ? null : JSON.parse(JSON.stringify(adapter.integrationOptions)) as Record<string, unknown>,
    publicationFields: JSON.parse(JSON.stringify(adapter.publicationFields)) as Record<string, unknown>,
    publicationTypes: [...adapter.publicationTypes]
  }))

  app.get('/v1/boards', {
    schema: {
      operationId: 'listBoards',
      description: 'Each board with its capabilities (what jobsync can do there), the credentials its install form needs, and its publication fields.',
      tags: ['boards'],
      summary: 'The boards, with what the host needs to render install and publication forms',
      response: { 200: Type.Object({ items: Type.Array(BoardSchema) }), ...problemResponses(401, 403) }
    }
  }, async () => ({ items }))

  app.get('/v1/boards/:board/authorize-url', {
    schema: {
      operationId: 'getBoardAuthorizeUrl',
      tags: ['boards'],
      summary: 'OAuth2 boards (HeadHunter): the URL to send the employer to, with a signed state',
      description: 'After the employer grants access, the board redirects to the redirect URI with `code` and `state`; ' +
        'install with POST /v1/integrations `{ board, name, credentials: { code, state } }` within 30 minutes.',
      params: Type.Object({ board: BoardIdSchema }),
      querystring: Type.Object({
        redirectUri: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: 'defaults to HH_REDIRECT_URI' }))
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ url: Type.String(), state: Type.String() }), ...problemResponses(400, 401, 403, 503) }
    }
  }, async request => {
    const adapter = boards.get(request.params.board)
    if (adapter?.authorizeUrl === undefined) {
      throw invalidInput(`${request.params.board} does not use OAuth`, [{ in: 'path', pointer: '/board', detail: 'is not an OAuth board' }])
    }
    const state = oauthState.issue(tenantOf(request), adapter.id, request.query.redirectUri)
    return { url: adapter.authorizeUrl({ state, redirectUri: request.query.redirectUri }), state }
  })
}
