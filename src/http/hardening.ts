// Headers every response carries, whatever sent it (a route, the error handler, the router's own
// refusals): nothing the API answers may be kept by a cache (responses hold personal data and keys
// shown once) or sniffed into another content type; and every 429 says when to come back.
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

/** a 429 that did not say how long to wait (src/http/problems.ts sets it from the cause) */
export const DEFAULT_RETRY_AFTER_SECONDS = 60

/** the headers; also called by the router's own refusals, which no hook sees (src/http/problems.ts) */
export function hardenHeaders (reply: FastifyReply): FastifyReply {
  void reply.header('cache-control', 'no-store')
  void reply.header('x-content-type-options', 'nosniff')
  if (reply.statusCode === 429 && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(DEFAULT_RETRY_AFTER_SECONDS))
  return reply
}

export default fp(async function hardening (app: FastifyInstance) {
  app.addHook('onSend', async (_request, reply, payload) => {
    hardenHeaders(reply)
    return payload
  })
}, { name: 'hardening' })
