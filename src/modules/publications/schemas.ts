import { Type, type Static } from 'typebox'
import { Timestamp, Uuid } from '../../http/schemas.js'
import { BoardIdSchema } from '../integrations/schemas.js'
import { POSTING_STATES } from '../../boards/types.js'
import { PUBLICATION_STATUSES } from './status.js'

export const PublicationStatusSchema = Type.Enum([...PUBLICATION_STATUSES], {
  description: 'draft: not on the board yet; published: on the board, candidates synced; inactive: sync off (the posting may still be live, see posting.state); error: see `error`'
})
export const PostingStateSchema = Type.Enum([...POSTING_STATES], {
  description: "the posting's state on the board: pending_review = board moderation (Djinni approves every job)"
})

const FieldErrorItem = Type.Object({ in: Type.String(), pointer: Type.String(), detail: Type.String() })

export const PublicationErrorSchema = Type.Object({
  code: Type.String(),
  title: Type.String(),
  detail: Type.String({ description: "the board's message, or ours" }),
  field: Type.Union([Type.String(), Type.Null()], { description: 'our field name, when the board named the field it refused' }),
  boardStatus: Type.Union([Type.Integer(), Type.Null()]),
  errors: Type.Optional(Type.Array(FieldErrorItem))
})

export const LastEditSchema = Type.Object({
  at: Timestamp(),
  status: Type.Enum(['applied', 'refused', 'failed'], { description: 'applied: the posting on the board shows the edit; refused: the board (or jobsync, for a job value the board cannot take) said no, and the posting is as it was; failed: the board could not be asked (down, busy, another action under way)' }),
  error: Type.Union([PublicationErrorSchema, Type.Null()])
}, { description: 'the last edit pushed to the posting on the board (a PUT of the job or a PATCH of the publication)' })

export const PublicationSchema = Type.Object({
  id: Uuid(),
  jobId: Uuid(),
  hostJobId: Type.String(),
  integrationId: Uuid(),
  board: BoardIdSchema,
  status: PublicationStatusSchema,
  posting: Type.Object({
    state: PostingStateSchema,
    externalId: Type.Union([Type.String(), Type.Null()], { description: "the posting's id on the board" }),
    url: Type.Union([Type.String(), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()], { description: 'why the board rejected or removed it' }),
    expiresAt: Type.Union([Timestamp(), Type.Null()], { description: 'when the board will end the posting, where it says (extend moves it)' })
  }),
  title: Type.Union([Type.String(), Type.Null()], { description: "overrides the job's title on this board; null = the job's" }),
  description: Type.Union([Type.String(), Type.Null()], { description: "overrides the job's description on this board; null = the job's" }),
  fields: Type.Record(Type.String(), Type.Unknown(), { description: "the board's fields (its publicationFields schema)" }),
  publicationType: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([PublicationErrorSchema, Type.Null()]),
  lastEdit: Type.Union([LastEditSchema, Type.Null()]),
  applicationCount: Type.Integer(),
  syncIntervalMinutes: Type.Integer({ description: "minutes between candidate syncs: the board's default (Djinni 30, others 60) unless overridden" }),
  nextSyncAt: Type.Union([Timestamp(), Type.Null()], { description: 'when the next scheduled sync is due (published only)' }),
  lastSyncedAt: Type.Union([Timestamp(), Type.Null()]),
  firstPublishedAt: Type.Union([Timestamp(), Type.Null()]),
  createdAt: Timestamp(),
  updatedAt: Timestamp()
}, { $id: 'Publication' })
export type PublicationView = Static<typeof PublicationSchema>

const Fields = Type.Record(Type.String(), Type.Unknown(), { description: "the board's fields, as in GET /v1/boards publicationFields" })
const Override = (what: string, max: number) => Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: max }), Type.Null()], { description: `this board's ${what} instead of the job's (null = the job's)` }))

export const CreatePublicationBody = Type.Object({
  integrationId: Uuid('the installed board account to publish through'),
  fields: Type.Optional(Fields),
  publicationType: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "one of the board's publicationTypes; needed to publish" })),
  title: Override('title', 300),
  description: Override('description (HTML)', 100_000),
  publish: Type.Optional(Type.Boolean({ default: false, description: 'true: publish on the board now; false (the default): keep as a draft' })),
  syncIntervalMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 10080, description: "override the board's sync interval" }))
}, { additionalProperties: false })
export type CreatePublicationInput = Static<typeof CreatePublicationBody>

export const UpdatePublicationBody = Type.Object({
  integrationId: Type.Optional(Uuid('only before the first publish')),
  fields: Type.Optional(Fields),
  publicationType: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
  title: Override('title', 300),
  description: Override('description (HTML)', 100_000),
  syncIntervalMinutes: Type.Optional(Type.Union([Type.Integer({ minimum: 5, maximum: 10080 }), Type.Null()], { description: "override the board's sync interval (null = the board's)" }))
}, { additionalProperties: false, minProperties: 1 })
export type UpdatePublicationInput = Static<typeof UpdatePublicationBody>

export const PublishBody = Type.Object({
  publicationType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 }))
}, { additionalProperties: false })

export const LinkPublicationBody = Type.Object({
  hostJobId: Type.String({ pattern: '^[A-Za-z0-9._~:@-]{1,200}$' }),
  integrationId: Uuid(),
  posting: Type.String({ minLength: 1, maxLength: 2000, description: "the posting's id on the board, or its URL" })
}, { additionalProperties: false })
export type LinkPublicationInput = Static<typeof LinkPublicationBody>

export const ListPublicationsQuery = Type.Object({
  hostJobId: Type.Optional(Type.String({ maxLength: 200 })),
  board: Type.Optional(BoardIdSchema),
  status: Type.Optional(PublicationStatusSchema),
  integrationId: Type.Optional(Uuid()),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  after: Type.Optional(Type.String({ maxLength: 200 }))
}, { additionalProperties: false })
export type ListPublicationsQuery = Static<typeof ListPublicationsQuery>

export const GetPublicationQuery = Type.Object({
  refresh: Type.Boolean({ default: false, description: "ask the board for the posting's state first" })
}, { additionalProperties: false })

export const ReopenedPublicationSchema = Type.Object({
  ...PublicationSchema.properties,
  reopened: Type.Enum(['same_posting', 'new_posting'], {
    description: 'same_posting: the board re-activated the closed posting; new_posting: a new posting was published in its place (the old id is in the transition)'
  })
})
export type ReopenedPublicationView = Static<typeof ReopenedPublicationSchema>

export const TransitionSchema = Type.Object({
  id: Type.Integer(),
  event: Type.String(),
  from: Type.Union([PublicationStatusSchema, Type.Null()], { description: 'null when the publication was created' }),
  to: PublicationStatusSchema,
  postingFrom: Type.Union([PostingStateSchema, Type.Null()]),
  postingTo: PostingStateSchema,
  reason: Type.Union([Type.String(), Type.Null()]),
  actor: Type.String({ description: '"api_key:<id>" or "system"' }),
  boardError: Type.Union([PublicationErrorSchema, Type.Null()]),
  at: Timestamp()
}, { $id: 'PublicationTransition' })
export type TransitionView = Static<typeof TransitionSchema>

const MappingProblemSchema = Type.Object({
  pointer: Type.String({ description: 'the job\'s field (PUT /v1/jobs/{hostJobId}): /location, /salary, /employment, …' }),
  detail: Type.String(),
  candidates: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), parentId: Type.Union([Type.String(), Type.Null()]) }), { description: 'dictionary items an ambiguous value could mean' }),
  fields: Type.Array(Type.String(), { description: 'the board fields this value would fill: setting one of them in the publication\'s fields settles the problem' })
})

export const PreviewQuery = Type.Object({
  integrationId: Type.Optional(Uuid('the board account to publish through (or give publicationId)')),
  publicationId: Type.Optional(Uuid('preview this publication of the job: its fields, type, title and description')),
  publicationType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 }))
}, { additionalProperties: false })
export type PreviewQuery = Static<typeof PreviewQuery>

export const PreviewBody = Type.Object({
  integrationId: Type.Optional(Uuid('the board account to publish through (or give publicationId)')),
  publicationId: Type.Optional(Uuid('start from this publication of the job; what the body gives replaces its own')),
  fields: Type.Optional(Fields),
  publicationType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  title: Override('title', 300),
  description: Override('description (HTML)', 100_000)
}, { additionalProperties: false })
export type PreviewInput = Static<typeof PreviewBody>

export const PreviewSchema = Type.Object({
  board: BoardIdSchema,
  integrationId: Uuid(),
  publicationType: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown({ description: 'the request the board would be sent (its JSON body, or its form as an object)' }),
  fields: Type.Record(Type.String(), Type.Unknown(), { description: 'the board\'s fields as they would be sent: filled from the job, the publication\'s own over them, defaults applied' }),
  fromJob: Type.Record(Type.String(), Type.Unknown(), { description: 'the board\'s fields the job filled' }),
  missing: Type.Array(Type.Ref('FieldError'), { description: 'what a publish would be refused for now: required fields, wrong values, ids not in the board\'s dictionaries, the publication type' }),
  problems: Type.Array(MappingProblemSchema, { description: 'job values the board cannot take (and the publication does not set itself)' }),
  ready: Type.Boolean({ description: 'nothing missing and no problem: a publish would be sent to the board' })
})
export type PreviewView = Static<typeof PreviewSchema>
