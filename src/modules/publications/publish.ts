// Publishing a draft or errored publication: the job mapped into the board's fields with the
// publication's own over them, its type, then the paid quota, then the board. Any refusal moves it
// to `error` with the reason and is thrown as the problem the host sees; dead credentials also mark
// the integration, as when a sync meets them. Reopening (renewal.ts) makes its posting the same way.
import type { FastifyBaseLogger } from 'fastify'
import type { Job, Publication } from '../../db/schema.js'
import { AppError, invalidInput, type FieldError } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import type { PostingInput, PostingRef } from '../../boards/types.js'
import type { IntegrationService, OpenedAccount } from '../integrations/service.js'
import type { JobService } from '../jobs/service.js'
import type { ActionMarks } from './actions.js'
import { boardPosting, jobDoesNotFit, missingFields, unknownIds, type PostingDictionaries } from './fields.js'
import { errorRecord } from './views.js'
import { transition } from './status.js'

export interface PublisherDeps {
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  jobs: Pick<JobService, 'byId'>
  marks: ActionMarks
  dictionaries: PostingDictionaries
  log: FastifyBaseLogger
  /** a publish spent (or tried to spend) a paid publication of the integration: counts shown elsewhere are stale */
  onQuotaSpent?: (integrationId: string) => void
}

/** the error as the host sees it, pointing at the publication it left in `error` */
function withPublication (error: AppError, p: Publication): AppError {
  return new AppError({
    code: error.code, status: error.status, title: error.title, detail: error.message, errors: error.errors,
    extensions: { ...error.extensions, publicationId: p.id, publicationStatus: p.status }
  })
}

/** the integration's account, or the 400 naming the field that pointed at it */
export async function accountFor (integrations: Pick<IntegrationService, 'openAccount'>, tenantId: string, integrationId: string, pointer = '/integrationId', where: FieldError['in'] = 'body'): Promise<OpenedAccount> {
  const opened = await integrations.openAccount(tenantId, integrationId, { refuseTurnedOff: true })
  if (opened === undefined) {
    throw invalidInput(`integration ${integrationId} not found`, [{ in: where, pointer, detail: 'is not an integration of this tenant' }])
  }
  return opened
}

/** the posting as the board gets it, or the problem that stops it: the job's values, missing fields, unknown ids */
export async function readyPosting (dictionaries: PostingDictionaries, opened: OpenedAccount, row: Publication, job: Job, type: string | null): Promise<PostingInput> {
  const { adapter } = opened
  const posting = await boardPosting(dictionaries, opened, row, job, type)
  // the job's own values first: a location the board does not know is why its city is missing
  if (posting.problems.length > 0) throw jobDoesNotFit(adapter.name, posting.problems)
  if (posting.missing.length > 0) throw missingFields(adapter.name, posting.missing)
  if (posting.unknownIds.length > 0) throw unknownIds(adapter.name, posting.unknownIds)
  return posting.input
}

/** no paid publication of `type` left: refused before the board is asked; true when the type is paid */
export async function quotaFirst ({ adapter, session, account }: OpenedAccount, type: string | null): Promise<boolean> {
  if (adapter.publicationTypes.find(t => t.id === type)?.paid !== true) return false
  const quota = (await adapter.availablePublications(session, account)).find(q => q.publicationType === type)
  if (quota?.available === 0) {
    throw new BoardError({ board: adapter.id, kind: 'quota', detail: `no paid ${type} publications left on this ${adapter.name} account` })
  }
  return true
}

export function createPublisher ({ integrations, jobs, marks, dictionaries, log, onQuotaSpent = () => {} }: PublisherDeps) {
  async function onBoard (opened: OpenedAccount, row: Publication, type: string | null): Promise<PostingRef> {
    const { adapter, session, account } = opened
    const input = await readyPosting(dictionaries, opened, row, await jobs.byId(row.tenant_id, row.job_id), type)

    // in error while its posting stayed up (credentials died during a sync): publishing again goes
    // back to that posting; a second one would spend a paid publication and orphan its applicants
    if (row.posting_external_id !== null && (row.posting_state === 'live' || row.posting_state === 'pending_review')) {
      const posting = await adapter.getPosting(session, account, row.posting_external_id).catch((error: unknown) => {
        if (error instanceof BoardError && error.kind === 'not_found') return null
        throw error
      })
      if (posting !== null && (posting.state === 'live' || posting.state === 'pending_review')) {
        return { externalId: row.posting_external_id, url: posting.url ?? row.posting_url, state: posting.state }
      }
    }
    const paid = await quotaFirst(opened, type)
    try {
      return await adapter.publish(session, account, input)
    } finally {
      if (paid) onQuotaSpent(opened.integrationId)
    }
  }

  return async function publish (tenantId: string, id: string, actor: string, publicationType?: string): Promise<Publication> {
    const row = await marks.begin(tenantId, id, 'publish', r => { transition('publish', r.status) })
    let type: string | null = publicationType ?? row.publication_type
    let outcome: { ok: true, ref: PostingRef } | { ok: false, error: AppError }
    try {
      const opened = await accountFor(integrations, tenantId, row.integration_id)
      const { publicationTypes } = opened.adapter
      type ??= publicationTypes.length === 1 ? publicationTypes[0]?.id ?? null : null
      outcome = { ok: true, ref: await onBoard(opened, row, type) }
    } catch (error) {
      if (!(error instanceof AppError)) { await marks.release(id, tenantId); throw error }
      outcome = { ok: false, error }
    }
    const next = await marks.finish(id, tenantId, async (trx, locked) => {
      if (outcome.ok) {
        const { ref } = outcome
        return await marks.record(trx, locked, 'publish', actor, {
          posting_external_id: ref.externalId, posting_url: ref.url, posting_state: ref.state, posting_reason: null,
          publication_type: type, error: null, first_published_at: locked.first_published_at ?? new Date()
        }, ref.state === 'pending_review' ? 'published; the board reviews it before it goes live' : 'published')
      }
      const problem = errorRecord(outcome.error)
      return await marks.record(trx, locked, 'publish_failed', actor, { error: JSON.stringify(problem), publication_type: type }, outcome.error.message, problem)
    })
    if (!outcome.ok) {
      if (outcome.error instanceof BoardError && outcome.error.isCredentialProblem) await integrations.markFailed(tenantId, row.integration_id, outcome.error)
      log.info({ publication: id, board: row.board, code: outcome.error.code }, 'publish refused')
      throw withPublication(outcome.error, next)
    }
    log.info({ publication: id, board: row.board, posting: next.posting_external_id }, 'published')
    return next
  }
}

export type Publish = ReturnType<typeof createPublisher>
