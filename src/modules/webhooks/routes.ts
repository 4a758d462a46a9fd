import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { tenantOf } from '../../http/auth.js'
import { IdParams, problemResponses, Uuid } from '../../http/schemas.js'
import type { WebhookService } from './service.js'
import { CreateWebhookBody, DeliverySchema, UpdateWebhookBody, WebhookSchema, WebhookWithSecretSchema } from './schemas.js'

const tags = ['webhooks']

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookService }> = async (app, { webhooks }) => {
  app.post('/v1/webhooks', {
    schema: {
      tags, summary: 'Subscribe an endpoint to events (the signing secret is shown once)',
      description: 'The URL must reach a public address (no loopback, private, link-local or metadata address, no user:password); a tenant has at most WEBHOOKS_PER_TENANT_MAX endpoints (409 beyond).',
      body: CreateWebhookBody,
      response: { 201: WebhookWithSecretSchema, ...problemResponses(400, 401, 403, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await webhooks.create(tenantOf(request), request.body)))

  app.get('/v1/webhooks', {
    schema: { tags, summary: "The tenant's webhooks", response: { 200: Type.Object({ items: Type.Array(WebhookSchema) }), ...problemResponses(401, 403) } }
  }, async request => ({ items: await webhooks.list(tenantOf(request)) }))

  app.get('/v1/webhooks/:id', {
    schema: { tags, summary: 'A webhook', params: IdParams, response: { 200: WebhookSchema, ...problemResponses(400, 401, 403, 404) } }
  }, async request => await webhooks.get(tenantOf(request), request.params.id))

  app.patch('/v1/webhooks/:id', {
    schema: { tags, summary: 'Change a webhook, or turn it back on', params: IdParams, body: UpdateWebhookBody, response: { 200: WebhookSchema, ...problemResponses(400, 401, 403, 404) } }
  }, async request => await webhooks.update(tenantOf(request), request.params.id, request.body))

  app.post('/v1/webhooks/:id/rotate-secret', {
    schema: {
      tags, summary: 'Replace the signing secret (the new one is shown once and signs the Standard Webhooks way)',
      description: 'The old secret signs nothing from now on, deliveries retried later included: put the new one in the receiver right away. ' +
        'A webhook still on the legacy scheme turns standard.',
      params: IdParams,
      response: { 200: WebhookWithSecretSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await webhooks.rotateSecret(tenantOf(request), request.params.id))

  app.delete('/v1/webhooks/:id', {
    schema: { tags, summary: 'Delete a webhook', params: IdParams, response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) } }
  }, async (request, reply) => { await webhooks.remove(tenantOf(request), request.params.id); return reply.code(204).send(null) })

  app.get('/v1/webhooks/:id/deliveries', {
    schema: {
      tags, summary: 'Deliveries to the webhook with their attempts, newest first',
      params: IdParams,
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(DeliverySchema) }), ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => ({ items: await webhooks.deliveries(tenantOf(request), request.params.id, request.query.limit) }))

  app.post('/v1/webhooks/:id/deliveries/:deliveryId/redeliver', {
    schema: {
      tags, summary: 'Send a delivered or failed event again',
      params: Type.Object({ id: Uuid(), deliveryId: Uuid() }),
      response: { 202: Type.Object({ status: Type.Literal('queued') }), ...problemResponses(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    await webhooks.redeliver(tenantOf(request), request.params.id, request.params.deliveryId)
    return reply.code(202).send({ status: 'queued' })
  })
}
