// Schemas shared by every module. Those with an $id are registered once with addSchema and
// appear once in the OpenAPI document as components.
import { Type, type Static, type TSchema } from 'typebox'

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
  errors: Type.Optional(Type.Array(Type.Ref('FieldError')))
}, { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' })

export type Problem = Static<typeof ProblemSchema>

export const sharedSchemas = [FieldErrorSchema, ProblemSchema]

export const Uuid = (description?: string) => Type.String({ format: 'uuid', description })
export const Timestamp = (description?: string) => Type.String({ format: 'date-time', description })

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
  429: 'Too many requests',
  502: 'The board answered with an error',
  503: 'Temporarily unavailable',
  504: 'The board did not answer in time'
}

/** response entries for the given problem statuses, all application/problem+json */
export function problemResponses (...statuses: number[]): Record<number, unknown> {
  const responses: Record<number, unknown> = {}
  for (const status of statuses) {
    responses[status] = {
      description: problemDescriptions[status] ?? 'Problem',
      content: { 'application/problem+json': { schema: Type.Ref('Problem') } }
    }
  }
  return responses
}
