// The action-mark protocol. An action that talks to the board marks the row first (action +
// action_started_at, under the row lock), talks to the board with no lock held, then records the
// outcome under the lock again: a second action meanwhile gets a 409, and a crash leaves a mark
// that expires instead of a lock held for ever. Every change of status is a transition row and,
// when the status moves, a `publication.status_changed` event in the same transaction.
import type { Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Database, Publication, PublicationErrorRecord } from '../../db/schema.js'
import { conflict, notFound } from '../../errors.js'
import { emit } from '../../outbox/events.js'
import * as repo from './repo.js'
import { transition, type PublicationEvent } from './status.js'

/** an action mark older than this is from a crashed process and may be taken over */
const ACTION_STALE_MS = 5 * 60_000

type Trx = Transaction<Database>

/** becoming published (publish, activate, link) means a sync at once, not at the next interval */
export const syncAtOnce = () => ({ next_sync_at: new Date(), next_sync_trigger: 'activation' as const })

export function createActionMarks (db: Db) {
  /** stores a transition; a change of status is also an event for the host */
  async function recordTransition (trx: Trx, tenantId: string, t: repo.TransitionRecord): Promise<void> {
    await repo.insertTransition(trx, t)
    if (t.fromStatus !== t.toStatus) {
      await emit(trx, tenantId, 'publication.status_changed', `publication:${t.publicationId}`, {
        publicationId: t.publicationId, from: t.fromStatus, to: t.toStatus, posting: t.toPosting, event: t.event, reason: t.reason, actor: t.actor
      })
    }
  }

  /** applies `event` to a locked row and records the transition; returns the new row */
  async function record (
    trx: Trx, row: Publication, event: PublicationEvent, actor: string,
    changes: Parameters<typeof repo.updatePublication>[2], reason: string | null, boardError: PublicationErrorRecord | null = null
  ): Promise<Publication> {
    const to = transition(event, row.status)
    const next = await repo.updatePublication(trx, row.id, { ...changes, ...(to === 'published' ? syncAtOnce() : {}), status: to })
    await recordTransition(trx, row.tenant_id, {
      publicationId: row.id, event, fromStatus: row.status, toStatus: to,
      fromPosting: row.posting_state, toPosting: next.posting_state, reason, actor, boardError
    })
    return next
  }

  /** marks the row as busy with `action` (409 if another action is under way or `allowed` refuses) */
  async function begin (tenantId: string, id: string, action: string, allowed: (row: Publication) => void): Promise<Publication> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      if (row.action !== null && row.action_started_at !== null && Date.now() - row.action_started_at.getTime() < ACTION_STALE_MS) {
        throw conflict(`the publication is busy: ${row.action} is under way; retry when it ends`, { currentStatus: row.status })
      }
      allowed(row)
      return await repo.updatePublication(trx, id, { action, action_started_at: new Date() })
    })
  }

  /** records the outcome of an action (or just clears the mark) under the lock */
  async function finish (id: string, tenantId: string, apply: (trx: Trx, row: Publication) => Promise<Publication>): Promise<Publication> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      const next = await apply(trx, row)
      return await repo.updatePublication(trx, id, { action: null, action_started_at: null, updated_at: next.updated_at })
    })
  }

  /** clears the mark of an action that changed nothing */
  async function release (id: string, tenantId: string): Promise<void> {
    await finish(id, tenantId, async (_trx, row) => row)
  }

  /** a change that needs no board call, made under the row lock */
  async function locked<T> (tenantId: string, id: string, change: (trx: Trx, row: Publication) => Promise<T>): Promise<T> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      return await change(trx, row)
    })
  }

  return { recordTransition, record, begin, finish, release, locked }
}

export type ActionMarks = ReturnType<typeof createActionMarks>
