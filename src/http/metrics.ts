// Prometheus metrics: the app's registry (src/metrics/registry.ts) at /metrics, and the HTTP latency
// of every request by route and status. With METRICS_TOKEN set, the scrape must bring it as a
// bearer token (compared in constant time).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Registry } from 'prom-client'
import { unauthorized } from '../errors.js'
import type { Metrics } from '../metrics/registry.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest()

/** whether the request's Authorization header is "Bearer <token>" */
function bearerMatches (header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
  return given !== undefined && timingSafeEqual(digest(given), digest(token))
}

export default fp(async function metrics (app: FastifyInstance, { metrics, token }: { metrics: Metrics, token?: string | undefined }) {
  const registry = metrics.registry
  app.decorate('metrics', registry)

  app.addHook('onResponse', async (request, reply) => {
    // the route pattern, never the raw url, so ids do not explode the label set
    metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
  })

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) throw unauthorized('send METRICS_TOKEN as "Authorization: Bearer <token>"')
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}, { name: 'metrics' })
