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
      operationId: 'createWebhook',
      description: 'The answer holds the signing secret, once: store it to verify `webhook-signature` on each delivery (see the Webhooks section at the top). ' +
        'The URL must reach a public address (no loopback, private, link-local or metadata address, no user:password); a tenant has at most WEBHOOKS_PER_TENANT_MAX endpoints (409 beyond).',
      tags, summary: 'Subscribe an endpoint to events (the signing secret is shown once)',
      body: CreateWebhookBody,
      response: { 201: WebhookWithSecretSchema, ...problemResponses(400, 401, 403, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await webhooks.create(tenantOf(request), request.body)))

  app.get('/v1/webhooks', {
    schema: { operationId: 'listWebhooks', description: 'Every webhook of the tenant with its events and status; secrets are not shown.', tags, summary: "The tenant's webhooks", response: { 200: Type.Object({ items: Type.Array(WebhookSchema) }), ...problemResponses(401, 403) } }
  }, async request => ({ items: await webhooks.list(tenantOf(request)) }))

  app.get('/v1/webhooks/:id', {
    schema: { operationId: 'getWebhook', description: 'The webhook with its events and status; the secret is not shown.', tags, summary: 'A webhook', params: IdParams, response: { 200: WebhookSchema, ...problemResponses(400, 401, 403, 404) } }
  }, async request => await webhooks.get(tenantOf(request), request.params.id))

  app.patch('/v1/webhooks/:id', {
    schema: { operationId: 'updateWebhook', description: 'Change the URL or events; `status: active` turns a webhook that was disabled after failing deliveries back on.', tags, summary: 'Change a webhook, or turn it back on', params: IdParams, body: UpdateWebhookBody, response: { 200: WebhookSchema, ...problemResponses(400, 401, 403, 404) } }
  }, async request => await webhooks.update(tenantOf(request), request.params.id, request.body))

  app.post('/v1/webhooks/:id/rotate-secret', {
    schema: {
      operationId: 'rotateWebhookSecret',
      tags, summary: 'Replace the signing secret (the new one is shown once and signs the Standard Webhooks way)',
      description: 'The old secret signs nothing from now on, deliveries retried later included: put the new one in the receiver right away. ' +
        'A webhook still on the legacy scheme turns standard.',
      params: IdParams,
      response: { 200: WebhookWithSecretSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await webhooks.rotateSecret(tenantOf(request), request.params.id))

  app.delete('/v1/webhooks/:id', {
    schema: { operationId: 'deleteWebhook', description: 'Its deliveries and their attempts are deleted with it; deliveries not yet made are not sent.', tags, summary: 'Delete a webhook', params: IdParams, response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) } }
  }, async (request, reply) => { await webhooks.remove(tenantOf(request), request.params.id); return reply.code(204).send(null) })

  app.get('/v1/webhooks/:id/deliveries', {
    schema: {
      operationId: 'listDeliveries',
      description: 'Each delivery with its status and attempts, newest first; `limit` at most.',
      tags, summary: 'Deliveries to the webhook with their attempts, newest first',
      params: IdParams,
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('WebhookDelivery')) }), ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => ({ items: await webhooks.deliveries(tenantOf(request), request.params.id, request.query.limit) }))

  app.post('/v1/webhooks/:id/deliveries/:deliveryId/redeliver', {
    schema: {
      operationId: 'redeliverDelivery',
      description: 'The same event is queued for this webhook again; 409 while the delivery is still pending (it is retried by itself).',
      tags, summary: 'Send a delivered or failed event again',
      params: Type.Object({ id: Uuid(), deliveryId: Uuid() }),
      response: { 202: Type.Object({ status: Type.Literal('queued') }), ...problemResponses(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    await webhooks.redeliver(tenantOf(request), request.params.id, request.params.deliveryId)
    return reply.code(202).send({ status: 'queued' })
  })
}
