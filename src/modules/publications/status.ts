// The publication status machine, exactly the table in docs/DESIGN.md. Every change of status
// goes through `transition`; anything not in the table is a 409 naming the current status.
//
// | from → to                         | event            | when                                              |
// |-----------------------------------|------------------|---------------------------------------------------|
// | (new) → draft                     | create           | created without publishing                        |
// | (new) → published                 | link             | an existing board posting linked                  |
// | draft → published                 | publish          | the board accepted (posting may be pending review) |
// | draft/error → error               | publish_failed   | missing fields, no quota, board error             |
// | error → draft                     | edit             | fields edited                                     |
// | error → published                 | publish          | publish retried and accepted                      |
// | published → inactive              | deactivate       | host turns sync off; the posting stays live       |
// | inactive → published              | activate         | sync back on                                      |
// | published/inactive → error        | board_failed     | posting rejected/removed on the board; (published) credentials dead |
// | published/inactive → inactive     | close            | posting archived on the board by the host         |
// | published/inactive → inactive     | posting_expired  | the posting's term ran out on the board           |
// | published/inactive → inactive     | posting_archived | the posting was closed on the board, outside jobsync |
// | inactive → published              | reopen           | a closed (archived) posting put back up, or a new one |
// | published/inactive → (unchanged)  | extend           | a live posting prolonged or refreshed on the board |
// | any → (unchanged)                 | posting_changed  | the posting moved on the board (moderation passed) |
import { AppError } from '../../errors.js'

/** the publication's own status; the one list the schemas and the table type derive from */
export const PUBLICATION_STATUSES = ['draft', 'published', 'inactive', 'error'] as const
export type PublicationStatus = typeof PUBLICATION_STATUSES[number]
export type PublicationEvent =
  | 'create' | 'link' | 'publish' | 'publish_failed' | 'edit' | 'deactivate' | 'activate' | 'board_failed' | 'close'
  | 'posting_expired' | 'posting_archived' | 'reopen' | 'extend' | 'posting_changed'

/** `unchanged`: the event is recorded beside the status, which stays as it is */
const table: Record<PublicationEvent, { from: ReadonlyArray<PublicationStatus | null>, to: PublicationStatus | 'unchanged' }> = {
  create: { from: [null], to: 'draft' },
  link: { from: [null], to: 'published' },
  publish: { from: ['draft', 'error'], to: 'published' },
  publish_failed: { from: ['draft', 'error'], to: 'error' },
  edit: { from: ['error'], to: 'draft' },
  deactivate: { from: ['published'], to: 'inactive' },
  activate: { from: ['inactive'], to: 'published' },
  board_failed: { from: ['published', 'inactive'], to: 'error' },
  close: { from: ['published', 'inactive'], to: 'inactive' },
  posting_expired: { from: ['published', 'inactive'], to: 'inactive' },
  posting_archived: { from: ['published', 'inactive'], to: 'inactive' },
  reopen: { from: ['inactive'], to: 'published' },
  extend: { from: ['published', 'inactive'], to: 'unchanged' },
  posting_changed: { from: [...PUBLICATION_STATUSES], to: 'unchanged' }
}

const verbs: Record<PublicationEvent, string> = {
  create: 'create', link: 'link', publish: 'publish', publish_failed: 'publish', edit: 'edit',
  deactivate: 'deactivate', activate: 'activate', board_failed: 'fail', close: 'close',
  posting_expired: 'expire', posting_archived: 'archive', reopen: 'reopen', extend: 'extend', posting_changed: 'change the posting of'
}

export function canApply (event: PublicationEvent, from: PublicationStatus | null): boolean {
  return table[event].from.includes(from)
}

/** the status after `event`, or a 409 that names the current status */
export function transition (event: PublicationEvent, from: PublicationStatus | null): PublicationStatus {
  const { to } = table[event]
  if (!canApply(event, from)) {
    const allowed = table[event].from.filter(s => s !== null).join(' or ')
    throw new AppError({
      code: 'JOBSYNC_ERR_ILLEGAL_TRANSITION',
      status: 409,
      title: 'Not allowed in the current status',
      detail: `cannot ${verbs[event]} a publication that is ${from ?? 'new'}${allowed === '' ? '' : ` (only when ${allowed})`}`,
      extensions: { currentStatus: from }
    })
  }
  // only events that start from an existing status keep it
  return to === 'unchanged' ? from! : to
}
