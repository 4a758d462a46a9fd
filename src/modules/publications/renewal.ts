// A posting renewed: a closed publication reopened (the same posting where the board re-activates
// it, else a new one in its place) and a live posting extended where the board offers it. Both
// follow the action-mark protocol (actions.ts) and check the paid quota before the board is asked,
// as publishing does. A refusal changes nothing: the publication stays as it was, and the host
// gets the problem.
import type { FastifyBaseLogger } from 'fastify'
import type { Publication } from '../../db/schema.js'
import { AppError } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import type { BoardRegistry } from '../../boards/registry.js'
import type { PostingRef, PostingStatus } from '../../boards/types.js'
import type { IntegrationService, OpenedAccount } from '../integrations/service.js'
import type { JobService } from '../jobs/service.js'
import type { ActionMarks } from './actions.js'
import type { PostingDictionaries } from './fields.js'
import { accountFor, quotaFirst, readyPosting } from './publish.js'
import { expiryFrom } from './posting-state.js'
import { transition } from './status.js'

export type ReopenedAs = 'same_posting' | 'new_posting'

export interface RenewalDeps {
  boards: BoardRegistry
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  jobs: Pick<JobService, 'byId'>
  marks: ActionMarks
  dictionaries: PostingDictionaries
  /** a reopen or extend spent (or tried to spend) a paid publication of the integration */
  onQuotaSpent?: (integrationId: string) => void
  /** a posting check (posting-state.ts): confirms a 404 the board gave an extend */
  checkPosting: (row: Publication, actor: string) => Promise<unknown>
  log: FastifyBaseLogger
}

/** 409 for a publication whose posting is not in the state the action needs */
const wrongPosting = (detail: string, row: Publication) => new AppError({
  code: 'JOBSYNC_ERR_ILLEGAL_TRANSITION', status: 409, title: 'Not allowed in the current status', detail,
  extensions: { currentStatus: row.status, postingState: row.posting_state }
})

const notSupported = (board: { id: string, name: string }, detail: string) => new AppError({
  code: 'JOBSYNC_ERR_NOT_SUPPORTED', status: 409, title: 'Not supported by the board', detail, extensions: { board: board.id }
})

export function createRenewals ({ boards, integrations, jobs, marks, dictionaries, checkPosting, log, onQuotaSpent = () => {} }: RenewalDeps) {
  /** the board refused or failed: the mark goes, dead credentials mark the integration, the host gets the problem */
  async function refused (row: Publication, error: unknown, confirmGoneAs?: string): Promise<never> {
    await marks.release(row.id, row.tenant_id)
    if (error instanceof BoardError && error.isCredentialProblem) await integrations.markFailed(row.tenant_id, row.integration_id, error)
    // the board does not know the live posting: a lookup confirms it is gone before the publication says so
    if (confirmGoneAs !== undefined && error instanceof BoardError && error.kind === 'not_found') await checkPosting(row, confirmGoneAs)
    throw error
  }

  return {
    /**
     * Puts a closed publication (inactive, posting archived: closed by the host, expired or closed on
     * the board) back up. `reopen: 'same_posting'` boards re-activate the posting; the others, or a
     * posting the board no longer has, get a new one (the old id stays in the transition's reason
     * and the posting_changed event). Then it is published and synced at once, as after publish.
     */
    async reopen (tenantId: string, id: string, actor: string): Promise<{ publication: Publication, reopened: ReopenedAs }> {
      const row = await marks.begin(tenantId, id, 'reopen', r => {
        transition('reopen', r.status)
        if (r.posting_state !== 'archived') {
          throw wrongPosting(`only a closed publication can be reopened; this one is ${r.status} with its posting ${r.posting_state} on the board (activate turns its candidate sync back on)`, r)
        }
      })
      let ref: PostingRef | undefined
      let reopened: ReopenedAs = 'new_posting'
      let type: string | null = row.publication_type
      try {
        const opened = await accountFor(integrations, tenantId, row.integration_id)
        const { adapter, session, account } = opened
        type ??= adapter.publicationTypes.length === 1 ? adapter.publicationTypes[0]?.id ?? null : null
        // the posting as publish would make it now: the job as it is, the publication's fields over it
        const input = await readyPosting(dictionaries, opened, row, await jobs.byId(tenantId, row.job_id), type)
        if (await quotaFirst(opened, type)) onQuotaSpent(opened.integrationId)
        if (adapter.capabilities.reopen === 'same_posting' && adapter.reactivate !== undefined && row.posting_external_id !== null) {
          try {
            ref = await adapter.reactivate(session, account, row.posting_external_id, input)
            reopened = 'same_posting'
          } catch (error) {
            // the board no longer has the posting at all: a new one takes its place
            if (!(error instanceof BoardError && error.kind === 'not_found')) throw error
            log.info({ publication: id, board: row.board }, 'the closed posting is gone on the board; reopening as a new posting')
          }
        }
        ref ??= await adapter.publish(session, account, input)
      } catch (error) {
        return await refused(row, error)
      }
      const posting = ref
      const name = boards.get(row.board)?.name ?? row.board
      const reason = reopened === 'same_posting'
        ? `reopened: ${name} re-activated posting ${posting.externalId}`
        : `reopened as a new ${name} posting ${posting.externalId}${row.posting_external_id === null ? '' : `; the closed posting ${row.posting_external_id} stays closed`}`
      const publication = await marks.finish(id, tenantId, async (trx, locked) =>
        await marks.record(trx, locked, 'reopen', actor, {
          posting_external_id: posting.externalId, posting_url: posting.url ?? (reopened === 'same_posting' ? locked.posting_url : null),
          posting_state: posting.state, posting_reason: null, posting_expires_at: null, publication_type: type, error: null
        }, reason, null, reopened === 'new_posting' ? row.posting_external_id ?? undefined : undefined))
      log.info({ publication: id, board: row.board, posting: posting.externalId, reopened }, 'reopened')
      return { publication, reopened }
    },

    /** prolongs or refreshes a live posting on the board; 409 naming the board where it offers neither */
    async extend (tenantId: string, id: string, actor: string): Promise<Publication> {
      const row = await marks.begin(tenantId, id, 'extend', r => {
        const adapter = boards.get(r.board)
        if (adapter === undefined || !adapter.capabilities.extend || adapter.extend === undefined) {
          throw notSupported({ id: r.board, name: adapter?.name ?? r.board }, `${adapter?.name ?? r.board} offers no way to extend or refresh a posting`)
        }
        transition('extend', r.status)
        if (r.posting_state !== 'live') throw wrongPosting(`only a live posting can be extended; this one is ${r.posting_state} on the board`, r)
      })
      let status: PostingStatus
      try {
        const opened = await accountFor(integrations, tenantId, row.integration_id)
        if (await quotaFirst(opened, row.publication_type)) onQuotaSpent(opened.integrationId)
        status = await opened.adapter.extend!(opened.session, opened.account, row.posting_external_id ?? '')
      } catch (error) {
        return await refused(row, error, actor)
      }
      const name = boards.get(row.board)?.name ?? row.board
      const expiresAt = expiryFrom(status.expiresAt, null)
      const known = expiresAt !== null
      return await marks.finish(id, tenantId, async (trx, locked) =>
        await marks.record(trx, locked, 'extend', actor, {
          ...(known ? { posting_expires_at: expiresAt } : {}),
          ...(status.state === 'live' || status.state === 'pending_review' ? { posting_state: status.state } : {}),
          posting_url: status.url ?? locked.posting_url
        }, known ? `extended on ${name} until ${expiresAt.toISOString()}` : `extended on ${name}`))
    }
  }
}

export type Renewals = ReturnType<typeof createRenewals>
