// Schemas shared by every module. Those with an $id are registered once with addSchema and
// appear once in the OpenAPI document as components.
import { Type, type Static, type TSchema } from 'typebox'
import { PROBLEM_BASE } from '../errors.js'

export const Uuid = (description?: string) => Type.String({ format: 'uuid', description })
export const Timestamp = (description?: string) => Type.String({ format: 'date-time', description })

export const FieldErrorSchema = Type.Object({
  in: Type.Enum(['body', 'query', 'path', 'header']),
  pointer: Type.String({ description: 'JSON pointer to the bad field within that part of the request' }),
  detail: Type.String()
}, { $id: 'FieldError' })

export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'URI naming the kind of problem' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String({ description: 'the request id; quote it when reporting a problem' })),
  code: Type.String({ description: 'stable machine-readable code, e.g. JOBSYNC_ERR_NOT_FOUND' }),
  errors: Type.Optional(Type.Array(Type.Ref('FieldError'))),
  // the extensions some problems carry (RFC 9457 §3.2): each is named here so clients can read it typed
  currentStatus: Type.Optional(Type.String({ description: '409: the publication status the action found' })),
  postingState: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: "409 on renewals: the state of the publication's posting" })),
  publicationId: Type.Optional(Uuid('a refused publish: the publication it was about')),
  publicationStatus: Type.Optional(Type.String({ description: 'a refused publish: the status the publication was left in' })),
  retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, description: '429: ask again after this many seconds (also in Retry-After)' })),
  mergedInto: Type.Optional(Uuid('404 for a candidate merged into another: the one to read instead')),
  photoUrl: Type.Optional(Type.String({ description: '404 for a photo the board gives only as a link: that link' })),
  board: Type.Optional(Type.String({ description: 'a board error: the board that answered' })),
  boardStatus: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: "a board error: the board's HTTP status, null when it did not answer" })),
  problems: Type.Optional(Type.Array(Type.Object({
    pointer: Type.String({ description: "the job's field (PUT /v1/jobs/{hostJobId}) that cannot be mapped" }),
    detail: Type.String(),
    candidates: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), parentId: Type.Union([Type.String(), Type.Null()]) }), { description: 'dictionary entries to choose from' }),
    fields: Type.Array(Type.String(), { description: 'publication fields that settle it' })
  }), { description: "422 on publish: what of the job the board's form cannot take, and how to fix it" }))
}, { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' })

export type Problem = Static<typeof ProblemSchema>

export const sharedSchemas = [FieldErrorSchema, ProblemSchema]

export const IdParams = Type.Object({ id: Uuid() })

/** `{ items, nextCursor }`, the shape of every list */
export const Page = <T extends TSchema>(item: T) => Type.Object({
  items: Type.Array(item),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `after` to get the next page; null on the last page' })
})

const problemDescriptions: Record<number, string> = {
  400: 'Invalid request (see `errors` for each bad field)',
  401: 'Missing, unknown or revoked API key',
  403: 'The key may not call this route',
  404: 'Not found (or not visible to this tenant)',
  409: 'Conflicts with the current state',
  422: 'Understood but refused by the board or by a rule',
  413: 'The body is larger than BODY_LIMIT_BYTES',
  414: 'A path parameter is longer than the router takes',
  415: 'The body is not application/json',
  429: 'Too many requests',
  500: 'Something went wrong on our side (quote the instance when reporting it)',
  502: 'The board answered with an error',
  503: 'Temporarily unavailable',
  504: 'The board did not answer in time'
}

// what each problem status typically looks like, as the documented example of that response
const problemExamples: Record<number, { code: string, title: string, detail: string, [extension: string]: unknown }> = {
  400: { code: 'JOBSYNC_ERR_VALIDATION', title: 'Invalid request', detail: 'body /title must NOT have fewer than 1 characters', errors: [{ in: 'body', pointer: '/title', detail: 'must NOT have fewer than 1 characters' }] },
  401: { code: 'JOBSYNC_ERR_UNAUTHORIZED', title: 'Unauthorized', detail: 'missing or unknown API key' },
  403: { code: 'JOBSYNC_ERR_FORBIDDEN', title: 'Forbidden', detail: 'a tenant key may not call admin routes' },
  404: { code: 'JOBSYNC_ERR_NOT_FOUND', title: 'Not Found', detail: 'publication 0b9e4d6c-2f1a-4c1e-9a57-3c1f0f4b8e21 not found' },
  409: { code: 'JOBSYNC_ERR_ILLEGAL_TRANSITION', title: 'Not allowed in the current status', detail: 'cannot deactivate a publication that is draft (only when published)', currentStatus: 'draft' },
  422: { code: 'JOBSYNC_ERR_BOARD_REJECTED', title: 'Rejected by the board', detail: 'the board refused the vacancy: salary is below the minimum', board: 'sandbox', boardStatus: 422 },
  413: { code: 'FST_ERR_CTP_BODY_TOO_LARGE', title: 'Body too large', detail: 'Request body is too large' },
  414: { code: 'FST_ERR_MAX_PARAM_LENGTH', title: 'URI Too Long', detail: 'maximum param length exceeded' },
  415: { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', title: 'Unsupported media type', detail: 'Unsupported Media Type: text/plain' },
  429: { code: 'JOBSYNC_ERR_RATE_LIMITED', title: 'Too many sync requests', detail: 'a sync was asked for 3 s ago; ask again in 57 s', retryAfterSeconds: 57 },
  500: { code: 'JOBSYNC_ERR_INTERNAL', title: 'Internal Server Error', detail: 'Something went wrong on our side; quote req-5f2c9a7e when reporting it' },
  502: { code: 'JOBSYNC_ERR_BOARD_ERROR', title: 'The board answered with an error', detail: 'the board answered 500', board: 'sandbox', boardStatus: 500 },
  503: { code: 'JOBSYNC_ERR_UNAVAILABLE', title: 'Service Unavailable', detail: 'The database is unavailable; retry later' },
  504: { code: 'JOBSYNC_ERR_BOARD_TIMEOUT', title: 'The board did not answer in time', detail: 'the board did not answer within 15000 ms', board: 'sandbox', boardStatus: null }
}

/** the response headers documented on the responses that send them (components.headers in the document) */
export const responseHeaders = {
  'x-request-id': { description: "the request's id: the caller's `x-request-id` when it looks like one, else a new UUID; quote it when reporting a problem", required: true, schema: { type: 'string' } },
  'retry-after': { description: 'seconds to wait before asking again', schema: { type: 'integer', minimum: 0 } },
  location: { description: 'where to follow what was started', required: true, schema: { type: 'string', format: 'uri-reference' } }
} as const

/** response entries for the given problem statuses, all application/problem+json */
export function problemResponses (...statuses: number[]): Record<number, unknown> {
  const responses: Record<number, unknown> = {}
  for (const status of statuses) {
    responses[status] = problemResponse(status, Type.Ref('Problem'))
  }
  return responses
}

/** the response entry of one problem status, its schema given as the caller refers to Problem */
export function problemResponse (status: number, schema: unknown): Record<string, unknown> {
  const { code, ...rest } = problemExamples[status] ?? problemExamples[400]!
  const kind = code.startsWith('JOBSYNC_ERR_') ? code.replace(/^JOBSYNC_ERR_/, '').toLowerCase().replace(/_/g, '-') : 'bad-request'
  const example = { type: PROBLEM_BASE + kind, status, instance: 'req-5f2c9a7e', code, ...rest }
  return {
    description: problemDescriptions[status] ?? 'Problem',
    // 429 and 503 say when to come back
    ...(status === 429 || status === 503 ? { headers: { 'retry-after': responseHeaders['retry-after'] } } : {}),
    content: { 'application/problem+json': { schema, example } }
  }
}
