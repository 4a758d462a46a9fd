// One error handler for the whole app: every error leaves as application/problem+json
// (RFC 9457). Validation errors list each bad field with a JSON pointer; 5xx never carry
// internals, only the request id to quote.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, PROBLEM_BASE, type FieldError } from '../errors.js'
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
  // no onRequest hook ran for these: say the request id here
  return sendProblem(reply.header('x-request-id', request.id), problem)
}

// a connection-level database failure (server down, refused, pool exhausted) is a 503, not a bug
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '08006', '08001', '08003'])
export function isDatabaseUnavailable (error: unknown): boolean {
  const e = error as { code?: string, message?: string } | undefined
  if (e === undefined || e === null) return false
  if (e.code !== undefined && unavailableCodes.has(e.code)) return true
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client was closed and is not queryable|Client has encountered a connection error/.test(e.message ?? '')
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
