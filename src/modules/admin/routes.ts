import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { IdParams, Page, problemResponses, Uuid } from '../../http/schemas.js'
import { tenantOf } from '../../http/auth.js'
import type { AdminService } from './service.js'
import { ApiKeySchema, CreateApiKeyBody, CreateTenantBody, IssuedApiKeySchema, TenantIdParams, TenantSchema } from './schemas.js'

const tags = ['admin']
const adminProblems = problemResponses(400, 401, 403)

export const adminRoutes: FastifyPluginAsyncTypebox<{ admin: AdminService }> = async (app, { admin }) => {
  app.post('/v1/admin/tenants', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'createTenant',
      description: 'Admin key only. A tenant owns its integrations, jobs, candidates and webhooks; nothing is shared between tenants. Issue it a key next.',
      tags, summary: 'Create a tenant (a customer company of the host)',
      body: CreateTenantBody,
      response: { 201: TenantSchema, ...adminProblems, ...problemResponses(409) }
    }
  }, async (request, reply) => reply.code(201).send(await admin.createTenant(request.body)))

  app.get('/v1/admin/tenants', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'listTenants',
      description: 'Admin key only. Ordered by id; page with `after` = the previous page\'s nextCursor.',
      tags, summary: 'List tenants',
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        after: Type.Optional(Uuid('cursor from the previous page'))
      }, { additionalProperties: false }),
      response: { 200: Page(TenantSchema), ...adminProblems }
    }
  }, async request => await admin.listTenants(request.query.limit, request.query.after))

  app.get('/v1/admin/tenants/:tenantId', {
    config: { auth: 'admin' },
    schema: { operationId: 'getTenant', description: 'Admin key only.', tags, summary: 'Show a tenant', params: TenantIdParams, response: { 200: TenantSchema, ...adminProblems, ...problemResponses(404) } }
  }, async request => await admin.getTenant(request.params.tenantId))

  app.delete('/v1/admin/tenants/:tenantId', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'eraseTenant',
      tags, summary: 'Erase a tenant with everything it owns',
      description: 'Revokes the board accounts\' tokens where the board allows it (HeadHunter\'s OAuth tokens; Djinni keys and ' +
        'Work.ua/Robota.ua passwords cannot be revoked from here: the employer changes them on the board), then deletes the tenant ' +
        'and its keys, integrations, jobs, publications, candidates, applications, events, deliveries, webhooks and sync runs. ' +
        'Postings stay on the boards as they are: close them first (POST /v1/publications/{id}/close) to take them down.',
      params: TenantIdParams,
      response: { 204: Type.Null({ description: 'erased' }), ...adminProblems, ...problemResponses(404) }
    }
  }, async (request, reply) => {
    await admin.eraseTenant(request.params.tenantId)
    return reply.code(204).send(null)
  })

  app.post('/v1/admin/tenants/:tenantId/api-keys', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'createApiKey',
      description: 'Admin key only. The answer holds the key itself, once: store it in the host\'s secret store. A tenant may have several keys (to rotate without downtime).',
      tags, summary: 'Issue an API key for a tenant (the key is shown once)',
      params: TenantIdParams,
      body: CreateApiKeyBody,
      response: { 201: IssuedApiKeySchema, ...adminProblems, ...problemResponses(404) }
    }
  }, async (request, reply) => reply.code(201).send(await admin.issueTenantKey(request.params.tenantId, request.body.name)))

  app.get('/v1/admin/tenants/:tenantId/api-keys', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'listApiKeys',
      description: 'Admin key only. Names, ids, prefixes and when each was used or revoked; the keys themselves are stored only as hashes.',
      tags, summary: "List a tenant's API keys (never the keys themselves)",
      params: TenantIdParams,
      response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }), ...adminProblems, ...problemResponses(404) }
    }
  }, async request => ({ items: await admin.listTenantKeys(request.params.tenantId) }))

  app.delete('/v1/admin/api-keys/:id', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'revokeApiKey',
      description: 'Admin key only. The key stops working at once; revoking a revoked key answers it again unchanged.',
      tags, summary: 'Revoke a tenant API key (at once; idempotent)',
      params: IdParams,
      response: { 200: ApiKeySchema, ...adminProblems, ...problemResponses(404) }
    }
  }, async request => await admin.revokeKey(request.params.id))

  app.get('/v1/me', {
    schema: {
      operationId: 'getMe',
      description: 'Answers the tenant and the id of the key used: a cheap way to check that a key is valid.',
      tags: ['tenant'], summary: 'The tenant behind the calling key (to check a key works)',
      response: { 200: Type.Object({ tenant: TenantSchema, apiKeyId: Uuid() }), ...problemResponses(401, 403) }
    }
  }, async request => ({ tenant: await admin.getTenant(tenantOf(request)), apiKeyId: request.principal?.keyId ?? '' }))
}
