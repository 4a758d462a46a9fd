import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { tenantOf } from '../../http/auth.js'
import { IdParams, Page, problemResponses } from '../../http/schemas.js'
import type { IntegrationService } from './service.js'
import { CreateIntegrationBody, IntegrationSchema, ListIntegrationsQuery, RecruiterSchema, UpdateIntegrationBody } from './schemas.js'

const tags = ['integrations']
// what a board can answer while we check credentials: refused (422), rate limited, down, slow
const boardProblems = problemResponses(422, 429, 502, 504)

export const integrationRoutes: FastifyPluginAsyncTypebox<{ integrations: IntegrationService }> = async (app, { integrations }) => {
  app.post('/v1/integrations', {
    schema: {
      operationId: 'createIntegration',
      tags,
      summary: 'Install a board account (credentials are checked on the board first)',
      description: 'Djinni: `{ apiKey, keyName }`; Work.ua and Robota.ua: `{ login, password }`; HeadHunter: `{ code, state }` ' +
        'from the authorize URL redirect; sandbox: `{}`. See each board\'s credentialsSchema in GET /v1/boards.',
      body: CreateIntegrationBody,
      response: { 201: IntegrationSchema, ...problemResponses(400, 401, 403, 409), ...boardProblems }
    }
  }, async (request, reply) => reply.code(201).send(await integrations.install(tenantOf(request), request.body)))

  app.get('/v1/integrations', {
    schema: {
      operationId: 'listIntegrations',
      description: 'Filter by board and status; page with `after` = the previous page\'s nextCursor.',
      tags, summary: "List the tenant's integrations",
      querystring: ListIntegrationsQuery,
      response: { 200: Page(IntegrationSchema), ...problemResponses(400, 401, 403) }
    }
  }, async request => await integrations.list(tenantOf(request), request.query))

  app.get('/v1/integrations/:id', {
    schema: { operationId: 'getIntegration', description: 'The integration with its status and the account it is connected to; credentials are never shown.', tags, summary: 'Show an integration', params: IdParams, response: { 200: IntegrationSchema, ...problemResponses(400, 401, 403, 404) } }
  }, async request => await integrations.get(tenantOf(request), request.params.id))

  app.patch('/v1/integrations/:id', {
    schema: {
      operationId: 'updateIntegration',
      description: 'New credentials are checked with the board before they are stored, and must belong to the same account; a rename changes nothing else.',
      tags, summary: 'Rename, or rotate credentials (the new ones are checked first and must be for the same account)',
      params: IdParams,
      body: UpdateIntegrationBody,
      response: { 200: IntegrationSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async request => await integrations.update(tenantOf(request), request.params.id, request.body))

  app.delete('/v1/integrations/:id', {
    schema: {
      operationId: 'deleteIntegration',
      description: 'Refused with 409 while a publication is published through it: close those first. Its stored credentials are deleted.',
      tags, summary: 'Delete an integration (refused while a publication is published through it)',
      params: IdParams,
      response: { 204: Type.Null({ description: 'deleted' }), ...problemResponses(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    await integrations.remove(tenantOf(request), request.params.id)
    return reply.code(204).send(null)
  })

  app.post('/v1/integrations/:id/check', {
    schema: {
      operationId: 'checkIntegration',
      tags, summary: 'Check the credentials on the board now and pull the recruiters',
      description: 'Always answers with the integration: its status and lastError tell the outcome.',
      params: IdParams,
      response: { 200: IntegrationSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await integrations.check(tenantOf(request), request.params.id))

  app.get('/v1/integrations/:id/recruiters', {
    schema: {
      operationId: 'listRecruiters',
      description: 'As the board gave them at the last check (POST /v1/integrations/{id}/check refreshes them); used to choose a publication\'s recruiter.',
      tags, summary: "The account's recruiters (sub-accounts) as of the last check",
      params: IdParams,
      response: { 200: Type.Object({ items: Type.Array(RecruiterSchema) }), ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => ({ items: await integrations.recruiters(tenantOf(request), request.params.id) }))
}
