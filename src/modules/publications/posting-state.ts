// What the board says about a posting, applied to the publication: a posting the board rejected
// or removed (or an account it refused) fails a published publication; any other move of the
// posting (moderation passed, archived) is recorded beside the status changes.
import type { Db } from '../../db/index.js'
import type { Publication, PublicationErrorRecord } from '../../db/schema.js'
import { notFound } from '../../errors.js'
import type { BoardError } from '../../boards/errors.js'
import { boardName } from '../../boards/registry.js'
import type { BoardPostingState, PostingState } from '../../boards/types.js'
import type { ActionMarks } from './actions.js'
import * as repo from './repo.js'
import { canApply } from './status.js'
import { errorRecord } from './views.js'

function failure (board: string, state: BoardPostingState, reason: string | null): PublicationErrorRecord {
  const removed = state === 'removed'
  const detail = removed ? `the posting was removed on ${boardName(board)}` : `${boardName(board)} rejected the posting${reason === null ? '' : `: ${reason}`}`
  return {
    code: removed ? 'JOBSYNC_ERR_BOARD_NOT_FOUND' : 'JOBSYNC_ERR_BOARD_REJECTED',
    title: removed ? 'Removed on the board' : 'Rejected by the board',
    detail,
    field: null,
    boardStatus: null
  }
}

export function createPostingStates (db: Db, marks: ActionMarks) {
  /** board state → our status, under the row lock */
  async function apply (
    tenantId: string, id: string, actor: string,
    state: BoardPostingState, url: string | null, reason: string | null, boardError: BoardError | null
  ): Promise<Publication> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      const posting: PostingState = state === 'removed' || state === 'expired' ? 'archived' : state
      const changes = { posting_state: posting, posting_url: url ?? row.posting_url, posting_reason: reason }
      if ((state === 'rejected' || state === 'removed' || boardError !== null) && canApply('board_failed', row.status)) {
        const problem = boardError !== null ? errorRecord(boardError) : failure(row.board, state, reason)
        return await marks.record(trx, row, 'board_failed', actor, { ...(boardError === null ? changes : {}), error: JSON.stringify(problem) }, problem.detail, problem)
      }
      if (boardError !== null || row.posting_state === posting) return row
      const next = await repo.updatePublication(trx, id, changes)
      // the posting moved on the board (e.g. moderation passed): recorded beside the status changes
      await repo.insertTransition(trx, {
        publicationId: id, event: 'posting_changed', fromStatus: row.status, toStatus: row.status,
        fromPosting: row.posting_state, toPosting: posting, reason: reason ?? `the board says ${posting}`, actor
      })
      return next
    })
  }

  return { apply }
}

export type PostingStates = ReturnType<typeof createPostingStates>
