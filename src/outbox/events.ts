// Events for the host, written to the outbox in the transaction of the change they describe, and
// fanned out at once to the tenant's webhooks that subscribe to them. Each type's `data` has a
// schema: emit() is typed by it, and the OpenAPI `webhooks` section documents it.
import type { Transaction } from 'kysely'
import { Type, type Static } from 'typebox'
import type { Database } from '../db/schema.js'
import { insertEvents } from './repo.js'

const Id = (description?: string) => Type.String({ format: 'uuid', description })
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])
const ErrorData = Type.Object({
  code: Type.String({ description: 'e.g. JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' }),
  title: Type.String(),
  detail: Type.String()
}, { additionalProperties: true })

const ApplicationEventData = Type.Object({
  applicationId: Id(),
  candidateId: Id(),
  publicationId: Id(),
  board: Type.String(),
  jobId: Type.Optional(Id()),
  externalId: Type.Optional(Type.String({ description: 'the response id on the board' })),
  outcome: Type.Optional(Type.Enum(['hired', 'rejected', 'invited'])),
  outcomeShared: Type.Optional(Type.Enum(['pending', 'shared', 'not_supported', 'failed']))
}, { description: 'read the application (GET /v1/candidates/{candidateId}) for its fields' })

export const EVENT_DATA = {
  'application.created': ApplicationEventData,
  'application.updated': ApplicationEventData,
  'candidate.merged': Type.Object({
    candidateId: Id('the candidate that remains'),
    mergedCandidateIds: Type.Array(Id(), { description: 'candidates folded into it; their applications now belong to candidateId' })
  }),
  'candidate.erased': Type.Object({
    candidateId: Id('the candidate erased: it and everything of the person are gone'),
    applicationIds: Type.Array(Id(), { description: 'their applications, gone with them' }),
    mergedCandidateIds: Type.Array(Id(), { description: 'candidates merged into it earlier, gone too' })
  }, { description: 'DELETE /v1/candidates/{id}: the person is erased (ids only); drop what you hold of them. A later application from them makes a new candidate' }),
  'publication.status_changed': Type.Object({
    publicationId: Id(),
    from: Nullable(Type.String()),
    to: Type.String(),
    posting: Type.String({ description: 'the board-side state: none, pending_review, live, rejected, archived' }),
    event: Type.String(),
    reason: Nullable(Type.String()),
    actor: Type.String()
  }),
  'publication.updated': Type.Object({
    publicationId: Id(),
    board: Type.String(),
    cause: Type.Enum(['job_edit', 'publication_edit'], { description: 'job_edit: PUT /v1/jobs/{hostJobId}; publication_edit: PATCH /v1/publications/{id}' }),
    lastEdit: Type.Object({
      at: Type.String({ format: 'date-time' }),
      status: Type.Enum(['applied', 'refused', 'failed'], { description: 'applied: the posting shows the edit; refused: the board (or jobsync, for a job the board cannot take) said no, the posting is as it was; failed: the board could not be asked' }),
      error: Type.Union([ErrorData, Type.Null()])
    })
  }, { description: "an edit was pushed to the publication's posting on the board: read the publication for its lastEdit" }),
  'publication.posting_changed': Type.Object({
    publicationId: Id(),
    fromPosting: Nullable(Type.String({ description: 'the board-side state before: none, pending_review, live, rejected, archived' })),
    toPosting: Type.String({ description: 'the board-side state now' }),
    status: Type.String({ description: "the publication's status after the change (publication.status_changed also tells when it moved)" }),
    reason: Nullable(Type.String({ description: "the board's words (a moderation comment) or ours" })),
    event: Type.String({ description: 'the transition: posting_changed (moderation passed), board_failed (rejected or removed), posting_expired, posting_archived, publish, close, reopen, extend, …' }),
    externalId: Nullable(Type.String({ description: "the posting's id on the board" })),
    previousExternalId: Type.Optional(Type.String({ description: 'set when a reopen published a new posting in place of this closed one' })),
    expiresAt: Nullable(Type.String({ description: 'when the board will end the posting, where it says (ISO 8601)' }))
  }),
  'integration.failed': Type.Object({
    integrationId: Type.Optional(Id('set when a board account stopped working')),
    board: Type.Optional(Type.String()),
    webhookId: Type.Optional(Id('set when a webhook endpoint was disabled after failing for 24 hours')),
    url: Type.Optional(Type.String()),
    status: Type.String({ description: 'the integration\'s or webhook\'s new status' }),
    error: ErrorData
  }),
  'sync.failed': Type.Object({
    publicationId: Id(),
    syncRunId: Id(),
    error: ErrorData
  })
} as const

export type EventType = keyof typeof EVENT_DATA
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[]
export type EventData<T extends EventType> = Static<typeof EVENT_DATA[T]>

/** one event for the host: its type, its subject (whose events go out in order) and its data */
export interface OutboxEvent<T extends EventType = EventType> {
  type: T
  subject: string
  data: EventData<T>
}

export async function emit<T extends EventType> (trx: Transaction<Database>, tenantId: string, type: T, subject: string, data: EventData<T>): Promise<void> {
  await emitMany(trx, tenantId, [{ type, subject, data }])
}

/**
 * Writes events in one statement, whatever their number (a sync's page): the events in the order
 * given (their sequence numbers follow it, so each subject's deliveries keep that order), and one
 * delivery per event and subscribed active webhook of the tenant.
 */
export async function emitMany (trx: Transaction<Database>, tenantId: string, events: ReadonlyArray<OutboxEvent>): Promise<void> {
  if (events.length === 0) return
  await insertEvents(trx, tenantId, events)
}
