// One access log line per request, written when the response is done: method, route pattern,
// status and duration, with the request id and (once auth has seen them) the tenant and the key's
// prefix bound to the request's logger (src/http/auth.ts). The route is the pattern, never the
// raw URL: a path or query can carry personal data (a host job id, an e-mail), a pattern cannot.
// It replaces fastify's two lines per request ("incoming request", "request completed"); fastify's
// other lines (a stream failing mid-response, a reply that could not be serialised) stay.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

export class AccessLog extends LogController {
  override incomingRequest (): void {}

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10
    }
    if (error === null || error === undefined) request.log.info(line, 'request')
    else request.log.error({ ...line, err: error }, 'request failed mid-response')
  }
}
