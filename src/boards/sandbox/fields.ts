import { Type } from 'typebox'
import type { PublicationType } from '../types.js'

export const sandboxFields = Type.Object({
  applicants: Type.Integer({ minimum: 0, maximum: 10_000, default: 10, description: 'how many people have applied by the first sync' }),
  arrivalsPerSync: Type.Integer({ minimum: 0, maximum: 1_000, default: 0, description: 'new applicants on each later sync (0 = a fixed set)' }),
  moderation: Type.Enum(['approve', 'reject'], { default: 'approve', description: 'what the simulated moderation decides on the next state check' })
}, { additionalProperties: false })

export const sandboxPublicationTypes: PublicationType[] = [
  { id: 'standard', name: 'Standard (free)', paid: false }
]
