// What the board says about a posting, applied to the publication (docs/DESIGN.md, "The posting's
// life"): a posting the board rejected or removed fails the publication with the board's reason;
// one whose term ran out, or that was closed on the board, leaves it inactive with the posting
// archived; any other move of the posting (moderation passed) is recorded beside the status.
// Either way the publication leaves the sync schedule only through its status, so nothing is
// synced, or retried, against a posting that is gone.
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../../db/index.js'
import type { Publication, PublicationErrorRecord } from '../../db/schema.js'
import { notFound } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import { boardName } from '../../boards/registry.js'
import type { BoardPostingState, PostingStatus } from '../../boards/types.js'
import type { IntegrationService } from '../integrations/service.js'
import type { ActionMarks, CheckSchedule } from './actions.js'
import * as repo from './repo.js'
import { canApply } from './status.js'
import { errorRecord } from './views.js'

/** the publication as it was when the board was asked: an answer about anything else is stale */
export interface PostingSnapshot {
  status: Publication['status']
  postingState: Publication['posting_state']
  externalId: string | null
}

export const snapshotOf = (p: Publication): PostingSnapshot => ({ status: p.status, postingState: p.posting_state, externalId: p.posting_external_id })

const sameAs = (p: Publication, seen: PostingSnapshot) =>
  p.status === seen.status && p.posting_state === seen.postingState && p.posting_external_id === seen.externalId

/** what one posting check found: the board's word, or the board error that kept it from answering */
export type PostingCheck =
  | { publication: Publication, state: BoardPostingState, error: null }
  | { publication: Publication, state: null, error: BoardError | null }

function failure (board: string, state: 'rejected' | 'removed', reason: string | null): PublicationErrorRecord {
  const removed = state === 'removed'
  const detail = removed
    ? `the posting was removed on ${boardName(board)}${reason === null ? '' : `: ${reason}`}`
    : `${boardName(board)} rejected the posting${reason === null ? '' : `: ${reason}`}`
  return {
    code: removed ? 'JOBSYNC_ERR_BOARD_NOT_FOUND' : 'JOBSYNC_ERR_BOARD_REJECTED',
    title: removed ? 'Removed on the board' : 'Rejected by the board',
    detail,
    field: null,
    boardStatus: null
  }
}

/** an ISO time the board gave, or what we had when it gave none (or nonsense) */
export function expiryFrom (given: string | null | undefined, stored: Date | null): Date | null {
  if (given === undefined) return stored
  if (given === null) return null
  const at = new Date(given)
  return Number.isNaN(at.getTime()) ? stored : at
}

export interface PostingStatesDeps {
  db: Db
  marks: ActionMarks
  schedule: CheckSchedule
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  log: FastifyBaseLogger
}

export function createPostingStates ({ db, marks, schedule, integrations, log }: PostingStatesDeps) {
  /**
   * The board's word on the posting → our status, under the row lock. `seen` is the publication as
   * it was when the board was asked: when an action moved it meanwhile (a close, a reopen), the
   * answer is about a posting that is no more and changes nothing.
   */
  async function apply (tenantId: string, id: string, actor: string, status: PostingStatus, seen?: PostingSnapshot): Promise<Publication> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      if ((seen !== undefined && !sameAs(row, seen)) || row.posting_external_id === null) return row
      const details = {
        posting_url: status.url ?? row.posting_url,
        posting_expires_at: expiryFrom(status.expiresAt, row.posting_expires_at)
      }
      const board = boardName(row.board)
      const { state, reason } = status

      /** nothing moved: the board's details are kept, and the next standalone check is due at its time */
      const quiet = async (): Promise<Publication> => {
        const postingCheckAt = marks.nextCheck(row)
        if (details.posting_url !== row.posting_url || details.posting_expires_at?.getTime() !== row.posting_expires_at?.getTime()) {
          return await repo.updatePublication(trx, row.id, { ...details, posting_check_at: postingCheckAt })
        }
        // a synced live posting (the usual case, at the end of every run) has no due time to move
        if (postingCheckAt !== null || row.posting_check_at !== null) await repo.setPostingCheck(trx, row.id, postingCheckAt)
        return row
      }
      /** the posting moved on the board with the status unchanged (e.g. moderation passed) */
      const moved = async (posting: Publication['posting_state'], why: string): Promise<Publication> => {
        if (row.posting_state === posting) return await quiet()
        return await marks.record(trx, row, 'posting_changed', actor, { ...details, posting_state: posting, posting_reason: reason }, why)
      }

      if (state === 'rejected' || state === 'removed') {
        const posting = state === 'rejected' ? 'rejected' : 'archived'
        if (canApply('board_failed', row.status)) {
          const problem = failure(row.board, state, reason)
          return await marks.record(trx, row, 'board_failed', actor, { ...details, posting_state: posting, posting_reason: reason, error: JSON.stringify(problem) }, problem.detail, problem)
        }
        return await moved(posting, reason ?? (state === 'removed' ? `removed on ${board}` : `rejected by ${board}`))
      }
      if (state === 'expired' || state === 'archived') {
        // closed here already: the board agrees
        if (row.posting_state === 'archived') return await quiet()
        const event = state === 'expired' ? 'posting_expired' : 'posting_archived'
        const why = state === 'expired' ? `the posting's term ended on ${board}` : `the posting was closed on ${board}, outside jobsync`
        const text = reason === null ? why : `${why}: ${reason}`
        if (canApply(event, row.status)) return await marks.record(trx, row, event, actor, { ...details, posting_state: 'archived', posting_reason: reason }, text)
        return await moved('archived', text)
      }
      // a board never takes a posting back to "none": nothing to record
      if (state === 'none') return await quiet()
      return await moved(state, reason ?? `the board says ${state}`)
    })
  }

  /**
   * The board refused the account while we asked about a posting: a published publication fails
   * (its sync cannot run); any other waits for its next check a sync interval away rather than
   * asking with dead credentials every few minutes.
   */
  async function credentialsFailed (tenantId: string, id: string, actor: string, error: BoardError, seen?: PostingSnapshot): Promise<Publication> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      if (seen !== undefined && !sameAs(row, seen)) return row
      if (row.status === 'published') {
        const problem = errorRecord(error)
        return await marks.record(trx, row, 'board_failed', actor, { error: JSON.stringify(problem) }, problem.detail, problem)
      }
      if (row.posting_check_at !== null) await repo.setPostingCheck(trx, row.id, new Date(Date.now() + schedule.intervalMs(row)))
      return row
    })
  }

  /**
   * Asks the board about the publication's posting and applies the answer. A posting the board
   * does not know (404) is gone: that lookup is the confirmation a sync's 404 waits for. Board
   * errors are answered, never thrown: dead credentials also mark the integration; a board that is
   * down leaves everything as it was (the caller decides when to ask again).
   */
  async function check (row: Publication, actor: string): Promise<PostingCheck> {
    const seen = snapshotOf(row)
    if (row.posting_external_id === null) return { publication: row, state: null, error: null }
    const opened = await integrations.openAccount(row.tenant_id, row.integration_id)
    if (opened === undefined) {
      // a board this process no longer has: nothing can be asked, so nothing is due
      await repo.setPostingCheck(db, row.id, null)
      return { publication: row, state: null, error: null }
    }
    let status: PostingStatus
    try {
      status = await opened.adapter.getPosting(opened.session, opened.account, row.posting_external_id)
    } catch (error) {
      if (!(error instanceof BoardError)) throw error
      if (error.kind === 'not_found') {
        status = { state: 'removed', url: null, reason: null }
      } else {
        if (error.isCredentialProblem) {
          await integrations.markFailed(row.tenant_id, row.integration_id, error)
          return { publication: await credentialsFailed(row.tenant_id, row.id, actor, error, seen), state: null, error }
        }
        log.warn({ publication: row.id, board: row.board, kind: error.kind }, 'posting check failed')
        return { publication: row, state: null, error }
      }
    }
    const publication = await apply(row.tenant_id, row.id, actor, status, seen)
    if (publication.status !== row.status || publication.posting_state !== row.posting_state) {
      log.info({ publication: row.id, board: row.board, state: status.state, status: publication.status }, 'posting changed on the board')
    }
    return { publication, state: status.state, error: null }
  }

  return { apply, credentialsFailed, check }
}

export type PostingStates = ReturnType<typeof createPostingStates>
