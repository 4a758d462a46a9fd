// One error handler for the whole app: every error leaves as application/problem+json
// (RFC 9457). Validation errors list each bad field with a JSON pointer; 5xx never carry
// internals, only the request id to quote.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import { AppError, PROBLEM_BASE, type FieldError } from '../errors.js'
import { hardenHeaders } from './hardening.js'
import type { Problem } from './schemas.js'

type Location = FieldError['in']
const locations: Record<string, Location> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' }

interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

export function fieldErrorsFromValidation (validation: AjvError[], context: string | undefined): FieldError[] {
  const where: Location = locations[context ?? 'body'] ?? 'body'
  const seen = new Set<string>()
  const errors: FieldError[] = []
  // a nullable field (anyOf [T, null]) fails every branch; say what is wrong with T, not that it
  // is also not null and matches no branch
  const specific = validation.filter(e => !(e.keyword === 'type' && e.params.type === 'null') && e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
  const covered = (e: AjvError) => specific.some(o => o.instancePath === e.instancePath || o.instancePath.startsWith(`${e.instancePath}/`))
  const useful = validation.filter(e => specific.includes(e) || !covered(e))
  for (const error of useful) {
    let pointer = error.instancePath
    let detail = error.message ?? 'is invalid'
    if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
      pointer = `${pointer}/${error.params.missingProperty}`
      detail = 'is required'
    } else if (error.keyword === 'additionalProperties' && typeof error.params.additionalProperty === 'string') {
      pointer = `${pointer}/${error.params.additionalProperty}`
      detail = 'is not a known field'
    } else if (error.keyword === 'enum' && Array.isArray(error.params.allowedValues)) {
      detail = `must be one of: ${error.params.allowedValues.join(', ')}`
    }
    const key = `${pointer}\u0000${detail}`
    if (seen.has(key)) continue
    seen.add(key)
    errors.push({ in: where, pointer: pointer === '' ? '/' : pointer, detail })
  }
  return errors
}

function describe (errors: FieldError[]): string {
  const names = errors.slice(0, 3).map(e => `${e.in} ${e.pointer} ${e.detail}`)
  return names.join('; ') + (errors.length > 3 ? `; and ${errors.length - 3} more` : '')
}

// fastify's own client errors that are safe to show as they are, with a friendlier title
const fastifyTitles: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Empty JSON body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Body too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported media type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Invalid content length',
  FST_ERR_CTP_INVALID_CHARSET: 'Unsupported charset',
  FST_ERR_BAD_URL: 'Malformed URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI Too Long'
}

// the part of the request each of those is about, for errors[] of the 400s
const fastifyErrorPart: Record<string, FieldError['in']> = { FST_ERR_BAD_URL: 'path' }

export function toProblem (error: FastifyError | AppError | Error, request: FastifyRequest): Problem {
  if (error instanceof AppError) {
    return {
      ...error.extensions,
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.message,
      instance: request.id,
      code: error.code,
      ...(error.errors !== undefined && error.errors.length > 0 ? { errors: error.errors } : {})
    }
  }
  const fastifyError = error as FastifyError
  if (Array.isArray(fastifyError.validation)) {
    const errors = fieldErrorsFromValidation(fastifyError.validation as AjvError[], fastifyError.validationContext)
    return {
      type: `${PROBLEM_BASE}validation`,
      title: 'Invalid request',
      status: 400,
      detail: describe(errors),
      instance: request.id,
      code: 'JOBSYNC_ERR_VALIDATION',
      errors
    }
  }
  const status = fastifyError.statusCode
  if (status !== undefined && status >= 400 && status < 500) {
    const code = fastifyError.code ?? 'FST_ERR'
    return {
      type: `${PROBLEM_BASE}${code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'malformed-json' : 'bad-request'}`,
      title: fastifyTitles[code] ?? 'Bad Request',
      status,
      detail: fastifyError.message,
      instance: request.id,
      // a 400 is a validation problem: it says where, like the schema's
      code: status === 400 ? 'JOBSYNC_ERR_VALIDATION' : code,
      ...(status === 400 ? { errors: [{ in: fastifyErrorPart[code] ?? 'body', pointer: '/', detail: code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'is not valid JSON' : fastifyError.message }] } : {})
    }
  }
  if (status === 503) {
    return { type: `${PROBLEM_BASE}unavailable`, title: 'Service Unavailable', status: 503, detail: 'The service is temporarily unavailable; retry later', instance: request.id, code: 'JOBSYNC_ERR_UNAVAILABLE' }
  }
  return {
    type: `${PROBLEM_BASE}internal`,
    title: 'Internal Server Error',
    status: 500,
    detail: `Something went wrong on our side; quote ${request.id} when reporting it`,
    instance: request.id,
    code: 'JOBSYNC_ERR_INTERNAL'
  }
}

export function sendProblem (reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem)
}

/** fastify's `frameworkErrors`: URLs the router refuses before any route (bad %-encoding, a too long parameter) */
export function sendFrameworkProblem (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error, request)
  request.log.info({ code: problem.code, status: problem.status }, problem.title)
  // no hook runs for these: say the request id, and the headers every response has, here
  return sendProblem(hardenHeaders(reply.code(problem.status)).header('x-request-id', request.id), problem)
}

// what node's HTTP parser refuses before there is a request (fastify's clientErrorHandler)
const clientErrors: Record<string, { status: number, title: string, detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, title: 'Request Timeout', detail: 'The request was not sent in time; the connection is closed' },
  HPE_HEADER_OVERFLOW: { status: 431, title: 'Request Header Fields Too Large', detail: 'The request line and headers are larger than the server accepts' }
}

/**
 * fastify's `clientErrorHandler`: a request node could not read (too slow, headers too large, not
 * HTTP) is answered as problem+json like every other refusal, and its connection closed. There is
 * no request, so the id quoted is made here.
 */
export function sendClientProblem (this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // a reset connection is gone already: nothing to answer
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const known = clientErrors[error.code ?? '']
  const id = randomUUID()
  const problem: Problem = known === undefined
    ? { type: `${PROBLEM_BASE}bad-request`, title: 'Bad Request', status: 400, detail: 'The request is not valid HTTP', instance: id, code: 'JOBSYNC_ERR_VALIDATION', errors: [{ in: 'header', pointer: '/', detail: 'is not valid HTTP' }] }
    : { type: `${PROBLEM_BASE}${known.status === 408 ? 'request-timeout' : 'headers-too-large'}`, ...known, instance: id, code: known.status === 408 ? 'JOBSYNC_ERR_REQUEST_TIMEOUT' : 'JOBSYNC_ERR_HEADERS_TOO_LARGE' }
  this.log.info({ code: error.code, status: problem.status, reqId: id }, problem.title)
  const body = JSON.stringify(problem)
  if (!socket.writable) { socket.destroy(error); return }
  // the answer is written out, then the connection closed whatever the client still sends
  socket.end(`HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${id}\r\nconnection: close\r\n\r\n${body}`, () => socket.destroy())
}

// a connection-level database failure (server down, refused, pool exhausted) is a 503, not a bug
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '08006', '08001', '08003'])
export function isDatabaseUnavailable (error: unknown): boolean {
  const e = error as { code?: string, message?: string } | undefined
  if (e === undefined || e === null) return false
  if (e.code !== undefined && unavailableCodes.has(e.code)) return true
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client was closed and is not queryable|Client has encountered a connection error/.test(e.message ?? '')
}

/** how long a 429's cause says to wait: a board's Retry-After, or our own limit's; undefined = not known (src/http/hardening.ts says a default) */
export function retryAfterSeconds (error: unknown): number | undefined {
  const { retryAfterMs, extensions } = error as { retryAfterMs?: unknown, extensions?: { retryAfterSeconds?: unknown } }
  if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs)) return Math.max(1, Math.ceil(retryAfterMs / 1000))
  const seconds = extensions?.retryAfterSeconds
  if (typeof seconds === 'number' && Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds))
  return undefined
}

export default fp(async function problems (app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let problem = toProblem(error, request)
    if (problem.status === 500 && isDatabaseUnavailable(error)) {
      problem = { ...problem, type: `${PROBLEM_BASE}unavailable`, title: 'Service Unavailable', status: 503, detail: 'The database is unavailable; retry later', code: 'JOBSYNC_ERR_UNAVAILABLE' }
    }
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: problem.code, status: problem.status }, problem.title)
    if (problem.status === 503) void reply.header('retry-after', '5')
    // refused before its body was read (no key, a body over the limit): the client may still be
    // sending it, so the connection ends with the answer instead of reading what is left
    if (problem.status === 401 || problem.status === 413) void reply.header('connection', 'close')
    if (problem.status === 429) {
      const seconds = retryAfterSeconds(error)
      if (seconds !== undefined) void reply.header('retry-after', String(seconds))
    }
    // a problem that says when to come back says it in the standard header too
    if (typeof problem.retryAfterSeconds === 'number') void reply.header('retry-after', String(problem.retryAfterSeconds))
    return sendProblem(reply, problem)
  })
  app.setNotFoundHandler((request, reply) => sendProblem(reply, {
    type: `${PROBLEM_BASE}not-found`,
    title: 'Not Found',
    status: 404,
    detail: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
    instance: request.id,
    code: 'JOBSYNC_ERR_NOT_FOUND'
  }))
}, { name: 'problems' })
