// OpenAPI 3.1 generated from the route schemas; served at /openapi.json, browsable at /docs.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { sharedSchemas } from './schemas.js'
import { EVENT_TYPES } from '../outbox/events.js'
import { eventEnvelope } from '../modules/webhooks/schemas.js'

export const openapiInfo = {
  title: 'jobsync',
  version: '0.1.0',
  description: 'Headless job-board integration service: install board accounts, publish vacancies, ' +
    'sync applicants into one candidate database and deliver them to the host. ' +
    'Every error is application/problem+json (RFC 9457).'
}

export default fp(async function openapi (app: FastifyInstance) {
  for (const schema of sharedSchemas) app.addSchema(schema)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: openapiInfo,
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'a tenant key (or an admin key for /v1/admin routes)' }
        }
      },
      security: [{ apiKey: [] }],
      // what jobsync POSTs to the host's webhooks (OpenAPI 3.1 webhooks)
      webhooks: Object.fromEntries(EVENT_TYPES.map(type => [type, {
        post: {
          summary: `${type} (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature: v1,base64(HMAC-SHA256(base64-decoded secret, id.timestamp.body)))`,
          requestBody: { required: true, content: { 'application/json': { schema: eventEnvelope(type) } } },
          responses: { '2XX': { description: 'accepted; anything else is retried (408, 429, 5xx) or fails (other 4xx)' } }
        }
      }]))
    } as Record<string, unknown>,
    // shared schemas keep their $id as their component name
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    },
    hideUntagged: false
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi' })
