// OpenAPI 3.1 generated from the route schemas; served at /openapi.json, browsable at /docs.
// Each route carries its own operationId, summary, descriptions and examples beside its schema;
// `finishDocument` adds what is the same for every route (the request id header, examples where a
// schema gives none, no `required` on a parameter with a default) and refuses a route without an
// operationId, so routes added later are held to the same rules.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { problemResponse, responseHeaders, sharedSchemas } from './schemas.js'
import { sampleOf } from './openapi-samples.js'
import { EVENT_TYPES } from '../outbox/events.js'
import { eventEnvelope } from '../modules/webhooks/schemas.js'

const gettingStarted = `
## Getting started

1. **Admin key.** The operator sets \`ADMIN_API_KEY\`; admin routes take it as \`Authorization: Bearer <admin key>\`.
2. **Tenant.** \`POST /v1/admin/tenants\` \`{ "name": "Acme" }\` creates a customer company of the host.
3. **Tenant key.** \`POST /v1/admin/tenants/{tenantId}/api-keys\` issues its key (shown once); every other route takes that key.
4. **Sandbox.** \`POST /v1/integrations\` \`{ "board": "sandbox", "name": "Try-out" }\` connects the built-in board, which needs no account.
5. **Vacancy.** \`PUT /v1/jobs/{hostJobId}\` stores the host's vacancy under the host's own id.
6. **Publish.** \`POST /v1/jobs/{hostJobId}/publications\` \`{ "integrationId": "…", "publish": true }\` puts it on the board.
7. **Feed.** \`POST /v1/publications/{id}/sync\` fetches applicants now (the scheduler does it anyway); read
   \`GET /v1/applications?after=<nextCursor>\` until \`nextCursor\` is null, and keep the last cursor for the next poll.

## Webhooks and their verification

\`POST /v1/webhooks\` \`{ "url": "https://host.example/hooks", "events": ["application.created"] }\` answers the signing
secret once. Each delivery carries \`webhook-id\`, \`webhook-timestamp\` (Unix seconds) and \`webhook-signature\`.
To verify one, compute HMAC-SHA256 with the secret over \`<webhook-id>.<webhook-timestamp>.<raw body>\`, base64 it, compare it
in constant time with each signature after its \`v1\` prefix, and refuse a timestamp more than 5 minutes away from now.
The events are listed under **Webhooks** below; the README shows the recipe in code.

Every error is \`application/problem+json\` (RFC 9457) with a stable \`code\`; every response has an \`x-request-id\` to quote.
`

export const openapiInfo = {
  title: 'jobsync',
  version: '0.1.0',
  contact: { name: 'the jobsync maintainers (issues in the jobsync repository)' },
  description: 'Headless job-board integration service: install board accounts, publish vacancies, ' +
    'sync applicants into one candidate database and deliver them to the host.\n' + gettingStarted
}

/** the top-level tags: every route names one of these */
export const openapiTags = [
  { name: 'health', description: 'Liveness and readiness for the orchestrator (no key)' },
  { name: 'admin', description: "The host's operators: tenants and their API keys (admin key)" },
  { name: 'tenant', description: 'The tenant behind the calling key' },
  { name: 'boards', description: 'The job boards jobsync knows, their capabilities and OAuth consent links' },
  { name: 'integrations', description: "A tenant's board accounts: install, check, change, remove" },
  { name: 'dictionaries', description: "The boards' catalogues (cities, categories, …) and publication types" },
  { name: 'jobs', description: "The host's vacancies, under the host's own ids" },
  { name: 'publications', description: 'A vacancy on one board: draft, publish, edit, close, reopen, extend' },
  { name: 'sync', description: 'Fetching applicants from the boards: on demand and its history' },
  { name: 'candidates', description: 'Applications as a change feed, candidates merged across boards, resumes, photos, outcomes' },
  { name: 'webhooks', description: 'Endpoints of the host that jobsync notifies of events, and their deliveries' }
]

type Json = Record<string, any>
const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options']

/** what no route schema can say on its own; throws when a route breaks a rule of the document */
export function finishDocument (doc: Json): Json {
  doc.components.headers = { ...responseHeaders }
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of methods) {
      const operation = item[method] as Json | undefined
      if (operation === undefined) continue
      const where = `${method.toUpperCase()} ${path}`
      if (typeof operation.operationId !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(operation.operationId)) {
        throw new Error(`${where}: every route needs a camelCase operationId in its schema`)
      }
      for (const parameter of operation.parameters ?? []) {
        // a parameter the server defaults is never one the caller must send
        if (parameter.in !== 'path' && parameter.schema?.default !== undefined) delete parameter.required
      }
      if (operation['x-body-optional'] === true) {
        operation.requestBody.required = false
        delete operation['x-body-optional']
      }
      for (const media of Object.values<Json>(operation.requestBody?.content ?? {})) exemplify(doc, media)
      // what any route may answer: a bug or a lost database; a body (fastify reads one on every method but
      // GET and HEAD) too large or of a type it does not take; a path parameter past the router's length
      // and, where a key is asked for, too many failed authentications from the caller's address or key prefix
      const authenticated = (operation.security ?? doc.security ?? []).length > 0
      const always = [500, 503, ...(method !== 'get' && method !== 'head' ? [413, 415] : []), ...(path.includes('{') ? [414] : []), ...(authenticated ? [429] : [])]
      for (const status of always) operation.responses[status] ??= problemResponse(status, { $ref: '#/components/schemas/Problem' })
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        response.headers = { 'x-request-id': { $ref: '#/components/headers/x-request-id' }, ...refHeaders(response.headers) }
        for (const [type, media] of Object.entries<Json>(response.content ?? {})) {
          if (isJson(type) && (status.startsWith('2') || type === 'application/problem+json')) exemplify(doc, media)
        }
      }
    }
  }
  typeEnums(doc)
  return doc
}

// a header named in `responseHeaders` is documented once, as components.headers
function refHeaders (headers: Json | undefined): Json {
  const out: Json = {}
  for (const [name, header] of Object.entries<Json>(headers ?? {})) {
    out[name] = name in responseHeaders ? { $ref: `#/components/headers/${name}` } : header
  }
  return out
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json')

// the route's example (on the media or as the schema's `examples`), else one made from the schema
function exemplify (doc: Json, media: Json): void {
  if (media.example !== undefined || media.examples !== undefined || media.schema === undefined) return
  media.example = sampleOf(media.schema, doc)
}

// TypeBox's Enum says no type: say it, so that clients and docs see a string (or number) enum
function typeEnums (node: unknown): void {
  if (Array.isArray(node)) { for (const item of node) typeEnums(item); return }
  if (node === null || typeof node !== 'object') return
  const schema = node as Json
  if (Array.isArray(schema.enum) && schema.type === undefined && schema.enum.length > 0) {
    const types = new Set(schema.enum.map((v: unknown) => v === null ? 'null' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v))
    if (types.size === 1) schema.type = [...types][0]
  }
  for (const value of Object.values(schema)) typeEnums(value)
}

// jobsync's own name in the docs' top bar, in place of the framework's logo
const logo = '<svg xmlns="http://www.w3.org/2000/svg" width="180" height="40" viewBox="0 0 180 40">' +
  '<rect x="2" y="6" width="28" height="28" rx="6" fill="#2f6fde"/>' +
  '<path d="M10 21l5 5 9-11" stroke="#fff" stroke-width="3.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/>' +
  '<text x="40" y="28" font-family="Helvetica, Arial, sans-serif" font-size="24" font-weight="700" fill="#ffffff">jobsync</text></svg>'

export default fp(async function openapi (app: FastifyInstance) {
  for (const schema of sharedSchemas) app.addSchema(schema)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: openapiInfo,
      // relative: the jobsync that serves this document; a client names its own base URL
      servers: [{ url: '/', description: 'the jobsync serving this document (e.g. http://localhost:3000 with the defaults)' }],
      tags: openapiTags,
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'a tenant key (or an admin key for /v1/admin routes)' }
        }
      },
      security: [{ apiKey: [] }],
      // what jobsync POSTs to the host's webhooks (OpenAPI 3.1 webhooks): signed, not authenticated by a key
      webhooks: Object.fromEntries(EVENT_TYPES.map(type => [type, {
        post: {
          operationId: `on${type.split(/[._]/).map(word => word.charAt(0).toUpperCase() + word.slice(1)).join('')}`,
          tags: ['webhooks'],
          summary: `${type} (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)`,
          description: 'Verify `webhook-signature` (`v1,<base64>`) as Standard Webhooks says: HMAC-SHA256, keyed with the base64-decoded ' +
            'part of the `whsec_` secret after the prefix, over `<webhook-id>.<webhook-timestamp>.<raw body>` (see the Webhooks section at the top; ' +
            'a webhook whose `signingScheme` is `legacy` signs as before until its secret is rotated).',
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: eventEnvelope(type) } } },
          responses: { '2XX': { description: 'accepted; anything else is retried (408, 429, 5xx) or fails (other 4xx)' } }
        }
      }]))
    } as Record<string, unknown>,
    // shared schemas keep their $id as their component name
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    },
    hideUntagged: false,
    transformObject: document => 'openapiObject' in document ? finishDocument(document.openapiObject as Json) : document.swaggerObject
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0 },
    logo: { type: 'image/svg+xml', content: logo, href: '/docs', target: '_self' },
    theme: { title: 'jobsync API' }
  })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi' })
