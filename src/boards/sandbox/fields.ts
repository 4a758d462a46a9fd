import { Type } from 'typebox'
import type { PublicationType } from '../types.js'

export const sandboxFields = Type.Object({
  applicants: Type.Integer({ minimum: 0, maximum: 10_000, default: 10, description: 'how many people have applied by the first sync' }),
  arrivalsPerSync: Type.Integer({ minimum: 0, maximum: 1_000, default: 0, description: 'new applicants on each later sync (0 = a fixed set)' }),
  moderation: Type.Enum(['approve', 'reject'], { default: 'approve', description: 'what the simulated moderation decides on the first posting check (the posting is pending review until then)' }),
  removeAfterSyncs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000, description: 'the posting is removed on the board after this many syncs: the next sync finds it gone (404) and the publication ends in error' })),
  expireAfterSyncs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000, description: "the posting's term ends after this many syncs (an ordinary expiry: inactive, posting archived); extend and reopen give it as many more" }))
}, { additionalProperties: false })

export const sandboxPublicationTypes: PublicationType[] = [
  { id: 'standard', name: 'Standard (free)', paid: false }
]
