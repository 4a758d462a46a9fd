import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { tenantOf } from '../../http/auth.js'
import { IdParams, problemResponses, responseHeaders } from '../../http/schemas.js'
import type { SyncService } from './service.js'
import { SyncRunSchema } from './schemas.js'

const tags = ['sync']

export const syncRoutes: FastifyPluginAsyncTypebox<{ sync: SyncService }> = async (app, { sync }) => {
  app.get('/v1/publications/:id/sync-runs', {
    schema: {
      operationId: 'listSyncRuns',
      description: 'Each run with its outcome and counts, and its error if any; `limit` runs at most.',
      tags, summary: "The publication's sync runs, newest first",
      params: IdParams,
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(SyncRunSchema) }), ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => ({ items: await sync.runs(tenantOf(request), request.params.id, request.query.limit) }))

  app.post('/v1/publications/:id/sync', {
    schema: {
      operationId: 'syncPublication',
      tags,
      summary: 'Sync the publication now (202; follow it in sync-runs)',
      description: 'Refused with 409 while a sync of it runs or when it is not published, and 429 when asked again within MANUAL_SYNC_MIN_INTERVAL_SECONDS.',
      params: IdParams,
      response: {
        202: {
          description: 'the sync started; `Location` is its publication\'s sync runs',
          headers: { location: responseHeaders.location },
          content: { 'application/json': { schema: Type.Object({ status: Type.Literal('started') }) } }
        },
        ...problemResponses(400, 401, 403, 404, 409, 429)
      }
    }
  }, async (request, reply) => {
    await sync.syncNow(tenantOf(request), request.params.id)
    return reply.code(202).header('location', `/v1/publications/${request.params.id}/sync-runs`).send({ status: 'started' })
  })
}
