import { Type, type Static } from 'typebox'
import { Timestamp, Uuid } from '../../http/schemas.js'
import { BoardIdSchema } from '../integrations/schemas.js'
import { OUTCOMES } from '../../boards/types.js'

/** where an outcome stands with the board */
export const OUTCOME_SHARE_STATUSES = ['shared', 'pending', 'not_supported', 'failed'] as const
export type OutcomeShareStatus = typeof OUTCOME_SHARE_STATUSES[number]

const Text = Type.Union([Type.String(), Type.Null()])

export const ApplicationSchema = Type.Object({
  id: Uuid(),
  candidateId: Uuid(),
  publicationId: Uuid(),
  jobId: Uuid(),
  hostJobId: Type.String(),
  source: BoardIdSchema,
  externalId: Type.String({ description: "the response's id on the board" }),
  url: Type.Union([Type.String(), Type.Null()], { description: 'the application (or the candidate) on the board' }),
  appliedAt: Type.Union([Timestamp(), Type.Null()]),
  firstName: Text,
  lastName: Text,
  middleName: Text,
  emails: Type.Array(Type.String(), { description: 'lower-cased' }),
  phones: Type.Array(Type.String(), { description: 'E.164' }),
  photoUrl: Text,
  birthDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  resumeText: Text,
  resumeUrl: Type.Union([Type.String(), Type.Null()], { description: 'the resume file on the board, where it has one' }),
  coverLetter: Text,
  skills: Type.Array(Type.String()),
  boardData: Type.Unknown({ description: 'everything the board sent about this response, as it sent it' }),
  outcome: Type.Union([Type.Enum([...OUTCOMES]), Type.Null()]),
  outcomeShared: Type.Union([Type.Enum([...OUTCOME_SHARE_STATUSES]), Type.Null()], { description: 'whether the board took the outcome (pending: tried again until it does)' }),
  createdAt: Timestamp(),
  updatedAt: Timestamp()
}, { $id: 'Application' })
export type ApplicationView = Static<typeof ApplicationSchema>

export const CandidateSchema = Type.Object({
  id: Uuid(),
  firstName: Text,
  lastName: Text,
  middleName: Text,
  emails: Type.Array(Type.String()),
  phones: Type.Array(Type.String()),
  photoUrl: Text,
  birthDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  skills: Type.Array(Type.String()),
  createdAt: Timestamp(),
  updatedAt: Timestamp()
}, { $id: 'Candidate' })
export type CandidateView = Static<typeof CandidateSchema>

export const CandidateWithApplicationsSchema = Type.Object({
  ...CandidateSchema.properties,
  applications: Type.Array(Type.Ref('Application'))
})

const FeedCursor = Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' }))
const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 })

export const ApplicationsQuery = Type.Object({
  publicationId: Type.Optional(Uuid()),
  hostJobId: Type.Optional(Type.String({ maxLength: 200 })),
  board: Type.Optional(BoardIdSchema),
  after: FeedCursor,
  limit: Limit
}, { additionalProperties: false })
export type ApplicationsQuery = Static<typeof ApplicationsQuery>

export const CandidatesQuery = Type.Object({ after: FeedCursor, limit: Limit }, { additionalProperties: false })

export const FeedPage = <T extends ReturnType<typeof Type.Ref>>(item: T) => Type.Object({
  items: Type.Array(item),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'poll again with this as `after`; it moves only past items served, so keep it even when items is empty (null only before anything was served)'
  })
})

export const MergeBody = Type.Object({
  candidateIds: Type.Array(Uuid(), { minItems: 1, maxItems: 50, description: 'candidates that are the same person as this one; they are folded into it' })
}, { additionalProperties: false })

export const OutcomeBody = Type.Object({
  outcome: Type.Enum([...OUTCOMES])
}, { additionalProperties: false })

export const OutcomeResultSchema = Type.Object({
  applicationId: Uuid(),
  outcome: Type.Enum([...OUTCOMES]),
  shared: Type.Enum([...OUTCOME_SHARE_STATUSES], {
    description: 'shared: the board has it; pending: the board was down or busy, it is tried again (nextAttemptAt) for 24 hours; ' +
      'not_supported: the board has no way to take it (recorded here only); failed: the board refused it (see error)'
  }),
  detail: Type.String(),
  nextAttemptAt: Type.Union([Timestamp(), Type.Null()], { description: 'when shared is pending: the next try' }),
  error: Type.Union([Type.Object({ code: Type.String(), title: Type.String(), detail: Type.String() }), Type.Null()])
})
export type OutcomeResult = Static<typeof OutcomeResultSchema>
