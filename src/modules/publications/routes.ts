import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { tenantOf } from '../../http/auth.js'
import { IdParams, Page, problemResponses } from '../../http/schemas.js'
import { HostJobIdParams } from '../jobs/schemas.js'
import type { PublicationService } from './service.js'
import {
  CreatePublicationBody, GetPublicationQuery, LinkPublicationBody, ListPublicationsQuery, PreviewBody, PreviewQuery, PreviewSchema,
  PublicationSchema, PublishBody, ReopenedPublicationSchema, TransitionSchema, UpdatePublicationBody
} from './schemas.js'

const tags = ['publications']
// a publish can be refused by us (422: fields, quota), the board (422/409) or fail on the board (429/502/504)
const boardProblems = problemResponses(409, 422, 429, 502, 504)
const actorOf = (request: FastifyRequest) => `api_key:${request.principal?.keyId ?? 'unknown'}`

export const publicationRoutes: FastifyPluginAsyncTypebox<{ publications: PublicationService }> = async (app, { publications }) => {
  app.post('/v1/jobs/:hostJobId/publications', {
    schema: {
      operationId: 'createPublication',
      tags,
      summary: 'Create a publication of the job on a board: a draft, or published at once',
      description: 'With `publish: true` the board\'s required fields are checked first, then the paid quota of the publication type, ' +
        'then the board publishes. A refusal leaves the publication in `error` (nothing is lost) and answers with the problem, ' +
        'whose `publicationId` names it.',
      params: HostJobIdParams,
      body: CreatePublicationBody,
      response: { 201: PublicationSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async (request, reply) => reply.code(201).send(await publications.create(tenantOf(request), request.params.hostJobId, request.body, actorOf(request))))

  const previewDescription = 'Nothing is published and no quota is spent. The job\'s title, description, salary, location, employment, ' +
    'remote type and tags are mapped into the board\'s fields; the publication\'s own fields override them. `missing` lists what a publish ' +
    'would be refused for, `problems` the job values the board cannot take (an ambiguous location comes with its `candidates`).'

  app.get('/v1/jobs/:hostJobId/publications/preview', {
    schema: {
      operationId: 'previewPublication',
      tags,
      summary: 'Preview a publication of the job on a board: the request the board would get, and what is missing',
      description: `${previewDescription} Give \`integrationId\`, or \`publicationId\` to preview a publication of the job as it stands.`,
      params: HostJobIdParams,
      querystring: PreviewQuery,
      response: { 200: PreviewSchema, ...problemResponses(400, 401, 403, 404, 422, 429, 502, 504) }
    }
  }, async request => await publications.preview(tenantOf(request), request.params.hostJobId, request.query, 'query'))

  app.post('/v1/jobs/:hostJobId/publications/preview', {
    schema: {
      operationId: 'previewPublicationDraft',
      tags,
      summary: 'Preview a publication of the job with the fields of a form in progress (publishes nothing)',
      description: `${previewDescription} The body is what POST /v1/jobs/{hostJobId}/publications would take; with \`publicationId\` the body's values replace that publication's.`,
      params: HostJobIdParams,
      body: PreviewBody,
      response: { 200: PreviewSchema, ...problemResponses(400, 401, 403, 404, 422, 429, 502, 504) }
    }
  }, async request => await publications.preview(tenantOf(request), request.params.hostJobId, request.body, 'body'))

  app.post('/v1/publications/link', {
    schema: {
      operationId: 'linkPublication',
      tags,
      summary: 'Link a posting that already exists on the board (by id or URL) to a job',
      description: 'Checks the posting exists on the integration\'s account, then the publication is published.',
      body: LinkPublicationBody,
      response: { 201: PublicationSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async (request, reply) => reply.code(201).send(await publications.link(tenantOf(request), request.body, actorOf(request))))

  app.get('/v1/publications', {
    schema: {
      operationId: 'listPublications',
      description: 'Oldest first; page with `after` = the previous page\'s nextCursor.',
      tags, summary: 'List publications (filter by job, board, status, integration)',
      querystring: ListPublicationsQuery,
      response: { 200: Page(PublicationSchema), ...problemResponses(400, 401, 403) }
    }
  }, async request => await publications.list(tenantOf(request), request.query))

  app.get('/v1/publications/:id', {
    schema: {
      operationId: 'getPublication',
      description: 'The stored view by default; `refresh=true` asks the board for the posting\'s state first (one board request).',
      tags, summary: 'Show a publication; `refresh=true` asks the board for the posting state first',
      params: IdParams,
      querystring: GetPublicationQuery,
      response: { 200: PublicationSchema, ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => await publications.get(tenantOf(request), request.params.id, request.query.refresh, actorOf(request)))

  app.patch('/v1/publications/:id', {
    schema: {
      operationId: 'updatePublication',
      tags,
      summary: 'Edit a publication (pushed to the board when it is on the board)',
      description: 'An errored publication becomes a draft again. The integration can change only before the first publish.',
      params: IdParams,
      body: UpdatePublicationBody,
      response: { 200: PublicationSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async request => await publications.update(tenantOf(request), request.params.id, request.body, actorOf(request)))

  app.post('/v1/publications/:id/publish', {
    schema: {
      operationId: 'publishPublication',
      description: 'The body is optional: without one the publication is published with what it has. Required fields and the paid quota are checked first; a refusal by the board leaves it errored with the reason.',
      'x-body-optional': true,
      tags, summary: 'Publish a draft (or retry an errored publication)',
      params: IdParams,
      body: PublishBody,
      response: { 200: PublicationSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    },
    // the body is optional: no body means "publish with what the publication has"
    preValidation: async request => { request.body ??= {} }
  }, async request => await publications.publish(tenantOf(request), request.params.id, actorOf(request), request.body.publicationType))

  app.post('/v1/publications/:id/deactivate', {
    schema: {
      operationId: 'deactivatePublication',
      description: 'Only a published publication; candidate sync stops until it is activated again. The posting is not touched on the board.',
      tags, summary: 'Turn candidate sync off (the posting stays on the board)',
      params: IdParams,
      response: { 200: PublicationSchema, ...problemResponses(400, 401, 403, 404, 409) }
    }
  }, async request => await publications.deactivate(tenantOf(request), request.params.id, actorOf(request)))

  app.post('/v1/publications/:id/activate', {
    schema: {
      operationId: 'activatePublication',
      description: 'Only an inactive publication whose posting is still up; the scheduler syncs it again.',
      tags, summary: 'Turn candidate sync back on',
      params: IdParams,
      response: { 200: PublicationSchema, ...problemResponses(400, 401, 403, 404, 409) }
    }
  }, async request => await publications.activate(tenantOf(request), request.params.id, actorOf(request)))

  app.post('/v1/publications/:id/close', {
    schema: {
      operationId: 'closePublication',
      description: 'The posting is archived on the board and candidate sync stops; reopen puts it back up.',
      tags, summary: 'Close the posting on the board (archived); the publication becomes inactive',
      params: IdParams,
      response: { 200: PublicationSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async request => await publications.close(tenantOf(request), request.params.id, actorOf(request)))

  app.post('/v1/publications/:id/reopen', {
    schema: {
      operationId: 'reopenPublication',
      tags,
      summary: 'Reopen a closed publication: the same posting where the board re-activates it, else a new one',
      description: 'Only a closed publication (inactive with its posting archived: closed by the host, expired, or closed on the board); ' +
        'anything else is a 409 naming its status. Required fields and the paid quota are checked first, as in publish. ' +
        'Boards that re-activate a closed posting (`capabilities.reopen: same_posting`) put the same posting back up; the others publish a ' +
        'new one in its place (`reopened` says which; the old posting id stays in the transition). A refusal changes nothing. ' +
        'The publication is published and synced at once.',
      params: IdParams,
      response: { 200: ReopenedPublicationSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async request => await publications.reopen(tenantOf(request), request.params.id, actorOf(request)))

  app.post('/v1/publications/:id/extend', {
    schema: {
      operationId: 'extendPublication',
      tags,
      summary: 'Extend (prolong or refresh) a live posting where the board offers it',
      description: 'Only a live posting of a published or inactive publication; a board that offers no extension answers 409 ' +
        '`JOBSYNC_ERR_NOT_SUPPORTED` naming it. The paid quota of the publication type is checked first. The board\'s new end, ' +
        'where it says, is `posting.expiresAt`; the extension is a transition (`extend`) and a `publication.posting_changed` event.',
      params: IdParams,
      response: { 200: PublicationSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async request => await publications.extend(tenantOf(request), request.params.id, actorOf(request)))

  app.get('/v1/publications/:id/transitions', {
    schema: {
      operationId: 'listPublicationTransitions',
      description: 'Who changed what and when: an audit trail of the publication.',
      tags, summary: 'Every status transition and posting change of the publication, oldest first',
      params: IdParams,
      response: { 200: Type.Object({ items: Type.Array(TransitionSchema) }), ...problemResponses(400, 401, 403, 404) }
    }
  }, async request => ({ items: await publications.transitions(tenantOf(request), request.params.id) }))
}
