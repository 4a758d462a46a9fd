import { Type, type Static } from 'typebox'
import { Timestamp, Uuid } from '../../http/schemas.js'

export const SyncRunSchema = Type.Object({
  id: Uuid(),
  publicationId: Uuid(),
  trigger: Type.Enum(['activation', 'schedule', 'manual'], { description: 'activation: right after publish, activate or link' }),
  status: Type.Enum(['running', 'succeeded', 'failed']),
  startedAt: Timestamp(),
  finishedAt: Type.Union([Timestamp(), Type.Null()]),
  pages: Type.Integer(),
  fetched: Type.Integer({ description: 'responses read from the board' }),
  created: Type.Integer({ description: 'new applications' }),
  updated: Type.Integer({ description: 'applications the board changed since they were stored' }),
  skipped: Type.Record(Type.String(), Type.Integer(), { description: 'responses not transferred, by reason (Work.ua: blacklisted, archived, rejected)' }),
  error: Type.Union([Type.Object({
    code: Type.String(), title: Type.String(), detail: Type.String(), boardStatus: Type.Union([Type.Integer(), Type.Null()])
  }), Type.Null()])
}, { $id: 'SyncRun' })
export type SyncRunView = Static<typeof SyncRunSchema>
