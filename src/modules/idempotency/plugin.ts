// Idempotency-Key on every POST under /v1, without the routes doing anything: an onRoute hook adds
// the header to each POST's schema (validated, and documented in OpenAPI with the 409 and 422 it
// can bring), the preHandler claims the key or answers again, and onSend keeps the answer. A
// request without the header is not touched.
//
// What is kept: answers below 500 except 429 (status, body and headers but the request's own id and
// the framing); a 5xx or a 429 lets the key go, so a retry with it acts again. Requests refused
// before the handler (authentication, validation) never reach the key.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import { Type } from 'typebox'
import type { RouteAuth } from '../../http/auth.js'
import { problemResponses } from '../../http/schemas.js'
import type { IdempotencyService, StoredResponse } from './service.js'

export const IDEMPOTENCY_HEADER = 'idempotency-key'
/** set on an answer given again */
export const REPLAYED_HEADER = 'idempotent-replayed'

const KeySchema = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7E]+$',
  description: 'Makes the POST safe to retry: the same key with the same request within 24 hours gets the first answer again ' +
    '(status, body and headers, with `idempotent-replayed: true`) without acting twice; with another request 422; ' +
    'while the first is still being processed 409. Keys are per tenant (per admin key for admin calls). ' +
    'A 5xx or 429 is not kept: a retry with the same key acts again. Use a new UUID per operation.'
})

// not given again: the replay has its own request id, and its own framing
const NOT_KEPT = new Set(['x-request-id', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date'])

declare module 'fastify' {
  interface FastifyRequest {
    /** the key this request holds while it acts */
    idempotencyClaim: { owner: string, key: string, claim: string } | undefined
  }
}

const appliesTo = (method: string | string[], url: string, auth: RouteAuth | undefined) =>
  (Array.isArray(method) ? method.includes('POST') : method === 'POST') && url.startsWith('/v1/') && auth !== 'none'

function withKeyHeader (route: RouteOptions): void {
  const schema = (route.schema ?? {}) as Record<string, any>
  const headers = schema.headers ?? Type.Object({})
  route.schema = {
    ...schema,
    headers: { ...headers, properties: { ...headers.properties, [IDEMPOTENCY_HEADER]: KeySchema } },
    response: { ...problemResponses(409, 422), ...schema.response }
  }
}

/** JSON with its object keys sorted: the same body however its fields were ordered */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

const fingerprintOf = (request: FastifyRequest): string =>
  createHash('sha256').update(`${request.method} ${request.url}\n${canonical(request.body)}`).digest('hex')

function keptHeaders (reply: FastifyReply): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined || NOT_KEPT.has(name.toLowerCase())) continue
    kept[name] = Array.isArray(value) ? value : String(value)
  }
  return kept
}

function replay (reply: FastifyReply, response: StoredResponse): FastifyReply {
  void reply.code(response.status).headers(response.headers).header(REPLAYED_HEADER, 'true')
  return response.body === null ? reply.send() : reply.send(response.body)
}

export default fp(async function idempotency (app: FastifyInstance, { idempotency }: { idempotency: IdempotencyService }) {
  app.decorateRequest('idempotencyClaim', undefined)

  app.addHook('onRoute', route => {
    if (appliesTo(route.method, route.url, route.config?.auth)) withKeyHeader(route)
  })

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers[IDEMPOTENCY_HEADER]
    const principal = request.principal
    if (typeof key !== 'string' || principal === undefined || !appliesTo(request.method, request.routeOptions.url ?? '', request.routeOptions.config.auth)) return
    const owner = principal.role === 'tenant' ? `tenant:${principal.tenantId}` : `admin:${principal.keyId}`
    const tenantId = principal.role === 'tenant' ? principal.tenantId : null
    try {
      const begun = await idempotency.begin(owner, tenantId, key, fingerprintOf(request), request.url.split('?')[0] ?? request.url)
      if (begun.kind === 'replay') return replay(reply, begun.response)
      request.idempotencyClaim = { owner, key, claim: begun.claim }
    } catch (error) {
      // the first request's answer is a moment away
      if ((error as { status?: number }).status === 409) void reply.header('retry-after', '1')
      throw error
    }
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const held = request.idempotencyClaim
    if (held === undefined) return payload
    request.idempotencyClaim = undefined
    const status = reply.statusCode
    const body = typeof payload === 'string' ? payload : payload === null || payload === undefined ? null : undefined
    try {
      // a stream or buffer answer cannot be given again: such a request keeps no answer
      if (status >= 500 || status === 429 || body === undefined) await idempotency.release(held.owner, held.key, held.claim)
      else await idempotency.complete(held.owner, held.key, held.claim, { status, headers: keptHeaders(reply), body })
    } catch (error) {
      // the caller still hears what was done; the key, left unanswered, acts again once it is stale
      request.log.error({ err: error }, 'could not keep the answer of an Idempotency-Key')
    }
    return payload
  })
}, { name: 'idempotency', dependencies: ['auth'] })
