// The action-mark protocol. An action that talks to the board marks the row first (action +
// action_started_at, under the row lock), talks to the board with no lock held, then records the
// outcome under the lock again: a second action meanwhile gets a 409, and a crash leaves a mark
// that expires instead of a lock held for ever. Every change of status is a transition row and,
// when the status moves, a `publication.status_changed` event in the same transaction; every move
// of the posting on the board is a `publication.posting_changed` event beside it.
import type { Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Database, Publication, PublicationErrorRecord } from '../../db/schema.js'
import { conflict, notFound } from '../../errors.js'
import { emit } from '../../outbox/events.js'
import * as repo from './repo.js'
import { transition, type PublicationEvent, type PublicationStatus } from './status.js'
import type { PostingState } from '../../boards/types.js'

/** an action mark older than this is from a crashed process and may be taken over */
const ACTION_STALE_MS = 5 * 60_000

type Trx = Transaction<Database>

/** becoming published (publish, activate, link) means a sync at once, not at the next interval */
export const syncAtOnce = () => ({ next_sync_at: new Date(), next_sync_trigger: 'activation' as const })

/** how often postings no sync looks at are asked about (docs/DESIGN.md, "The posting's life") */
export interface CheckSchedule {
  /** a posting under the board's review (moderation) */
  pendingMs: number
  /** the publication's sync interval: a posting whose sync is off is asked this often */
  intervalMs: (p: { board: string, sync_interval_minutes: number | null }) => number
}

/**
 * When the next posting check of a publication in this state is due on its own: a posting under
 * review soon, one on the board with sync off once per sync interval; null where each sync checks
 * it (published and live) or there is nothing on the board to ask about.
 */
export function nextPostingCheck (schedule: CheckSchedule, p: { status: PublicationStatus, posting_state: PostingState, posting_external_id: string | null, board: string, sync_interval_minutes: number | null }): Date | null {
  if (p.posting_external_id === null || (p.status !== 'published' && p.status !== 'inactive')) return null
  if (p.posting_state === 'pending_review') return new Date(Date.now() + schedule.pendingMs)
  if (p.posting_state === 'live' && p.status === 'inactive') return new Date(Date.now() + schedule.intervalMs(p))
  return null
}

/** what the posting_changed event says of the posting beyond its state */
export interface PostingNote {
  externalId: string | null
  expiresAt: Date | null
  /** a reopen put up a new posting in place of this one */
  previousExternalId?: string
  /** the posting was renewed (reopened, extended) though its state did not move */
  renewed?: boolean
}

export function createActionMarks (db: Db, schedule: CheckSchedule) {
  /**
   * Stores a transition; a change of status is also an event for the host, and so is a move (or a
   * renewal) of a posting that was already on the board. Both go out on the publication's subject,
   * so a host hears them in order.
   */
  async function recordTransition (trx: Trx, tenantId: string, t: repo.TransitionRecord, posting?: PostingNote): Promise<void> {
    await repo.insertTransition(trx, t)
    const subject = `publication:${t.publicationId}`
    if (t.fromStatus !== t.toStatus) {
      await emit(trx, tenantId, 'publication.status_changed', subject, {
        publicationId: t.publicationId, from: t.fromStatus, to: t.toStatus, posting: t.toPosting, event: t.event, reason: t.reason, actor: t.actor
      })
    }
    if (posting !== undefined && t.fromPosting !== null && (t.fromPosting !== t.toPosting || posting.renewed === true || posting.previousExternalId !== undefined)) {
      await emit(trx, tenantId, 'publication.posting_changed', subject, {
        publicationId: t.publicationId,
        fromPosting: t.fromPosting,
        toPosting: t.toPosting,
        status: t.toStatus,
        reason: t.reason,
        event: t.event,
        externalId: posting.externalId,
        ...(posting.previousExternalId !== undefined ? { previousExternalId: posting.previousExternalId } : {}),
        expiresAt: posting.expiresAt?.toISOString() ?? null
      })
    }
  }

  /**
   * Applies `event` to a locked row and records the transition; returns the new row. Becoming
   * published syncs at once (for a reopen too); a new posting starts its candidate sync from the
   * beginning (the cursor was the old posting's); the next posting check follows the new state.
   */
  async function record (
    trx: Trx, row: Publication, event: PublicationEvent, actor: string,
    changes: Parameters<typeof repo.updatePublication>[2], reason: string | null, boardError: PublicationErrorRecord | null = null,
    previousExternalId?: string
  ): Promise<Publication> {
    const to = transition(event, row.status)
    const externalId = changes.posting_external_id !== undefined ? changes.posting_external_id : row.posting_external_id
    const newPosting = externalId !== row.posting_external_id
    const after = {
      status: to,
      posting_state: changes.posting_state ?? row.posting_state,
      posting_external_id: externalId,
      board: row.board,
      sync_interval_minutes: changes.sync_interval_minutes !== undefined ? changes.sync_interval_minutes : row.sync_interval_minutes
    }
    const next = await repo.updatePublication(trx, row.id, {
      ...(newPosting ? { sync_cursor: null, posting_expires_at: null } : {}),
      posting_check_at: nextPostingCheck(schedule, after),
      ...changes,
      ...(to === 'published' && row.status !== 'published' ? syncAtOnce() : {}),
      status: to
    })
    await recordTransition(trx, row.tenant_id, {
      publicationId: row.id, event, fromStatus: row.status, toStatus: to,
      fromPosting: row.posting_state, toPosting: next.posting_state, reason, actor, boardError
    }, {
      externalId: next.posting_external_id,
      expiresAt: next.posting_expires_at,
      ...(previousExternalId !== undefined ? { previousExternalId } : {}),
      renewed: event === 'reopen' || event === 'extend'
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

  /** when the publication's next standalone posting check is due, in its current state */
  const nextCheck = (p: Publication): Date | null => nextPostingCheck(schedule, p)

  return { recordTransition, record, begin, finish, release, locked, nextCheck }
}

export type ActionMarks = ReturnType<typeof createActionMarks>
