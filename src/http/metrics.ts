// Prometheus metrics: the app's registry (src/metrics/registry.ts) at /metrics, and the HTTP latency
// of every request by route and status.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Registry } from 'prom-client'
import type { Metrics } from '../metrics/registry.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

export default fp(async function metrics (app: FastifyInstance, { metrics }: { metrics: Metrics }) {
  const registry = metrics.registry
  app.decorate('metrics', registry)

  app.addHook('onResponse', async (request, reply) => {
    // the route pattern, never the raw url, so ids do not explode the label set
    metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
  })

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}, { name: 'metrics' })
