import { Type } from 'typebox'
import type { PublicationType } from '../types.js'

export const sandboxFields = Type.Object({
  applicants: Type.Integer({ minimum: 0, maximum: 10_000, default: 10, description: 'how many people have applied by the first sync' }),
  arrivalsPerSync: Type.Integer({ minimum: 0, maximum: 1_000, default: 0, description: 'new applicants on each later sync (0 = a fixed set)' }),
  moderation: Type.Enum(['approve', 'reject'], { default: 'approve', description: 'what the simulated moderation decides on the first posting check (the posting is pending review until then)' }),
  removeAfterSyncs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000, description: 'the posting is removed on the board after this many syncs: the next sync finds it gone (404) and the publication ends in error' })),
  expireAfterSyncs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000, description: "the posting's term ends after this many syncs (an ordinary expiry: inactive, posting archived); extend and reopen give it as many more" })),
  // filled from the job (src/boards/sandbox/mapping.ts) unless the publication sets them
  cityId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, 'x-dictionary': 'cities', description: 'where the job is: an id of dictionary cities (from the job\'s location)' })),
  categoryId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, 'x-dictionary': 'categories', description: 'an id of dictionary categories' })),
  salaryFrom: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'UAH a month (from the job\'s salary)' })),
  salaryTo: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'UAH a month (from the job\'s salary)' })),
  employment: Type.Optional(Type.Enum(['full', 'part', 'contract', 'internship'], { description: 'from the job\'s employment' })),
  workFormat: Type.Optional(Type.Enum(['office', 'remote', 'hybrid'], { description: 'from the job\'s remoteType' })),
  skills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20, description: 'from the job\'s tags' }))
}, { additionalProperties: false })

export const sandboxPublicationTypes: PublicationType[] = [
  { id: 'standard', name: 'Standard (free)', paid: false },
  // a paid type with a quota per account that runs out (src/boards/sandbox/quota.ts)
  { id: 'featured', name: 'Featured (paid)', paid: true }
]
