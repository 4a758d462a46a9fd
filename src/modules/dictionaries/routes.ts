import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { tenantOf } from '../../http/auth.js'
import { IdParams, problemResponses } from '../../http/schemas.js'
import type { PublicationTypes } from './publication-types.js'
import { DictionaryItemsQuery, DictionaryListSchema, DictionaryPageSchema, dictionaryParams, PublicationTypesSchema } from './schemas.js'
import type { DictionaryService } from './service.js'

const tags = ['dictionaries']
// nothing stored yet and the board cannot be asked: its problem (credentials, rate limit, down, slow)
const boardProblems = problemResponses(422, 429, 502, 504)

export const dictionaryRoutes: FastifyPluginAsyncTypebox<{ dictionaries: DictionaryService, publicationTypes: PublicationTypes }> = async (app, { dictionaries, publicationTypes }) => {
  app.get('/v1/integrations/:id/dictionaries', {
    schema: {
      operationId: 'listDictionaries',
      tags,
      summary: "The board's dictionaries: where the ids of its publication fields come from",
      description: 'A field of the board\'s `publicationFields` (GET /v1/boards) whose value is a board id names its dictionary in `x-dictionary`. ' +
        'An integration of a board this deployment turned off (the sandbox with `SANDBOX_ENABLED=false`) answers 422 `JOBSYNC_ERR_BOARD_DISABLED`.',
      params: IdParams,
      response: { 200: DictionaryListSchema, ...problemResponses(400, 401, 403, 404, 422) }
    }
  }, async request => await dictionaries.list(tenantOf(request), request.params.id))

  app.get('/v1/integrations/:id/dictionaries/:name', {
    schema: {
      operationId: 'listDictionaryEntries',
      tags,
      summary: 'Items of a dictionary: search by name, children of an item, page by cursor',
      description: 'Served from the copy stored in jobsync; a copy due a refresh is refreshed in the background, so the answer never waits for the board ' +
        'unless nothing is stored yet. `checkedAt` and the `Age` header (seconds) say how old the copy is: an old one means the board could not be asked since.',
      params: dictionaryParams(dictionaries.names()),
      querystring: DictionaryItemsQuery,
      response: { 200: DictionaryPageSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async (request, reply) => {
    const page = await dictionaries.items(tenantOf(request), request.params.id, request.params.name, request.query)
    void reply.header('age', String(Math.max(0, Math.floor((Date.now() - Date.parse(page.checkedAt)) / 1000))))
    return page
  })

  app.get('/v1/integrations/:id/publication-types', {
    schema: {
      operationId: 'listPublicationTypes',
      tags,
      summary: "The board's publication types, with the paid publications left on this account",
      description: 'Asked of the board (kept for PUBLICATION_TYPES_CACHE_SECONDS); `remaining` is null where the board does not count.',
      params: IdParams,
      response: { 200: PublicationTypesSchema, ...problemResponses(400, 401, 403, 404), ...boardProblems }
    }
  }, async request => await publicationTypes.list(tenantOf(request), request.params.id))
}
