// Prometheus metrics: HTTP latency per route and status, plus process metrics. A registry per
// app instance, so several apps in one test process do not collide. With METRICS_TOKEN set, the
// scrape must bring it as a bearer token (compared in constant time).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createHash, timingSafeEqual } from 'node:crypto'
import { unauthorized } from '../errors.js'
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'

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

export default fp(async function metrics (app: FastifyInstance, { token }: { token?: string | undefined }) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry]
  })
  app.decorate('metrics', registry)

  app.addHook('onResponse', async (request, reply) => {
    // the route pattern, never the raw url, so ids do not explode the label set
    const route = request.routeOptions.url ?? 'unmatched'
    latency.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) throw unauthorized('send METRICS_TOKEN as "Authorization: Bearer <token>"')
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}, { name: 'metrics' })
