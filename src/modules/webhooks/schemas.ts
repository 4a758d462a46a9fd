import { Type, type Static } from 'typebox'
import { Timestamp, Uuid } from '../../http/schemas.js'
import { OUTBOUND_FAILURES } from '../../net/failures.js'
import { EVENT_DATA, EVENT_TYPES, type EventType } from '../../outbox/events.js'
import { SIGNING_SCHEMES } from '../../outbox/signature.js'

export const EventTypeSchema = Type.Enum([...EVENT_TYPES])

const OutboundFailureSchema = Type.Enum([...OUTBOUND_FAILURES], { description: 'why the attempt failed; bad_status goes with the status code' })

export const WebhookSchema = Type.Object({
  id: Uuid(),
  url: Type.String(),
  events: Type.Array(EventTypeSchema),
  description: Type.Union([Type.String(), Type.Null()]),
  signingScheme: Type.Enum([...SIGNING_SCHEMES], {
    description: 'standard: Standard Webhooks (`webhook-signature: v1,<base64>`, keyed with the base64-decoded secret); ' +
      'legacy: a webhook made before that, signed `v1=<base64>` keyed with the whole secret string, until its secret is rotated'
  }),
  status: Type.Enum(['active', 'disabled'], { description: 'disabled after failing for 24 hours; PATCH status back to active' }),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp(),
  updatedAt: Timestamp()
}, { $id: 'Webhook' })
export type WebhookView = Static<typeof WebhookSchema>

const Url = Type.String({ pattern: '^https?://', maxLength: 2000, description: 'where events are POSTed: a public http(s) address, no user:password (OUTBOUND_ALLOW opens internal ones)' })

export const CreateWebhookBody = Type.Object({
  url: Url,
  events: Type.Array(EventTypeSchema, { minItems: 1, uniqueItems: true }),
  description: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: false })
export type CreateWebhookInput = Static<typeof CreateWebhookBody>

export const UpdateWebhookBody = Type.Object({
  url: Type.Optional(Url),
  events: Type.Optional(Type.Array(EventTypeSchema, { minItems: 1, uniqueItems: true })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  status: Type.Optional(Type.Enum(['active', 'disabled']))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateWebhookInput = Static<typeof UpdateWebhookBody>

export const DeliverySchema = Type.Object({
  id: Uuid(),
  eventId: Uuid(),
  eventType: EventTypeSchema,
  status: Type.Enum(['pending', 'delivered', 'failed']),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Timestamp(), Type.Null()]),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([OutboundFailureSchema, Type.Null()]),
  deliveredAt: Type.Union([Timestamp(), Type.Null()]),
  createdAt: Timestamp(),
  attemptLog: Type.Array(Type.Object({ at: Timestamp(), statusCode: Type.Union([Type.Integer(), Type.Null()]), error: Type.Union([OutboundFailureSchema, Type.Null()]), durationMs: Type.Integer() }))
}, { $id: 'WebhookDelivery' })
export type DeliveryView = Static<typeof DeliverySchema>

/** a webhook with its signing secret, in the only answers that show it */
export const WebhookWithSecretSchema = Type.Object({
  ...WebhookSchema.properties,
  secret: Type.String({ description: '`whsec_<base64>`: verify webhook-signature with it (any Standard Webhooks library takes it as it is); shown only now' })
})

/** what a POST to a webhook carries, for one event type: the envelope around that type's data */
export const eventEnvelope = (type: EventType) => Type.Object({
  id: Uuid('the event id; also the webhook-id header; the same on every retry'),
  type: Type.Literal(type),
  createdAt: Timestamp(),
  tenantId: Uuid(),
  data: EVENT_DATA[type]
})
