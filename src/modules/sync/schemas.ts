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
  skipped: Type.Record(Type.String(), Type.Integer(), { description: 'responses not transferred, by reason (Work.ua: blacklisted, archived, rejected; unstorable: the database refused its data, see `unstorable`)' }),
  unstorable: Type.Array(Type.Object({
    externalId: Type.String({ description: "the response's id on the board" }),
    reason: Type.Enum(['invalid_text', 'invalid_date', 'out_of_range', 'too_large', 'invalid_value'], { description: 'what in its data the database refused' })
  }), { description: 'the responses (the first 100 of the run) left out because their data cannot be stored even cleaned; the rest of their page is stored' }),
  error: Type.Union([Type.Object({
    code: Type.String(), title: Type.String(), detail: Type.String(), boardStatus: Type.Union([Type.Integer(), Type.Null()])
  }), Type.Null()])
}, { $id: 'SyncRun' })
export type SyncRunView = Static<typeof SyncRunSchema>
