// Edits pushed to postings on the board. A PUT of the job that changes what a board shows is
// pushed to every publication of the job whose posting is up (published or inactive, pending review
// or live), a few at a time, and the PUT waits for them. Each push follows the action-mark protocol
// (a concurrent action on the publication gets 409, or makes this push `failed`), and records its
// outcome on the publication (`lastEdit`) with a `publication.updated` event in one transaction.
// A refusal leaves the posting as it was and says why.
import type { FastifyBaseLogger } from 'fastify'
import type { Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Database, LastEditRecord, Publication, PublicationErrorRecord } from '../../db/schema.js'
import { AppError } from '../../errors.js'
import { BoardError, type BoardErrorKind } from '../../boards/errors.js'
import { emit } from '../../outbox/events.js'
import type { IntegrationService } from '../integrations/service.js'
import type { JobService } from '../jobs/service.js'
import type { ActionMarks } from './actions.js'
import { boardPosting, jobDoesNotFit, missingFields, unknownIds, type PostingDictionaries } from './fields.js'
import { accountFor } from './publish.js'
import * as repo from './repo.js'
import { errorRecord } from './views.js'

export type EditCause = 'job_edit' | 'publication_edit'

/** pushes of one job edit at once: a PUT waits for them all, so a few, not one per posting */
const PUSH_CONCURRENCY = 4

// the board answered and said no; anything else means it could not be asked
const REFUSALS = new Set<BoardErrorKind>(['rejected', 'duplicate', 'not_found', 'quota'])

/** a publication whose posting is up on the board, so a job edit reaches it */
export const postingIsUp = (p: Publication): boolean =>
  p.posting_external_id !== null && (p.status === 'published' || p.status === 'inactive') && (p.posting_state === 'live' || p.posting_state === 'pending_review')

/** how an error ended a push: refused (the board or our check said no) or failed (no answer) */
export function editOutcome (error: AppError): LastEditRecord['status'] {
  if (error instanceof BoardError) return REFUSALS.has(error.kind) ? 'refused' : 'failed'
  return error.status === 409 || error.status >= 500 ? 'failed' : 'refused'
}

export interface EditDeps {
  db: Db
  marks: ActionMarks
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  jobs: Pick<JobService, 'byId'>
  dictionaries: PostingDictionaries
  log: FastifyBaseLogger
}

export function createEdits ({ db, marks, integrations, jobs, dictionaries, log }: EditDeps) {
  /** records the outcome of a push on the locked publication, with its event */
  async function record (trx: Transaction<Database>, row: Publication, cause: EditCause, status: LastEditRecord['status'], error: PublicationErrorRecord | null): Promise<Publication> {
    const lastEdit: LastEditRecord = { at: new Date().toISOString(), status, error }
    const next = await repo.updatePublication(trx, row.id, { last_edit: JSON.stringify(lastEdit) })
    await emit(trx, row.tenant_id, 'publication.updated', `publication:${row.id}`, {
      publicationId: row.id,
      board: row.board,
      cause,
      lastEdit: { at: lastEdit.at, status, error: error === null ? null : { ...error } }
    })
    return next
  }

  /** the job as it is now, pushed to one posting; never throws for what the board or the job says */
  async function pushJob (tenantId: string, id: string, actor: string): Promise<LastEditRecord | undefined> {
    let row: Publication
    try {
      row = await marks.begin(tenantId, id, 'update', () => {})
    } catch (error) {
      // deleted meanwhile (its integration went): nothing to push to
      if (error instanceof AppError && error.status === 404) return undefined
      if (!(error instanceof AppError) || error.status !== 409) throw error
      // another action is under way: this edit does not reach the posting; the host sees why
      const busy = errorRecord(error)
      return await marks.locked(tenantId, id, async (trx, locked) => (await record(trx, locked, 'job_edit', 'failed', busy)).last_edit ?? undefined)
    }
    let failure: AppError | undefined
    try {
      // the mark was taken after the job was stored: this reads the job as the PUT left it (or newer)
      const job = await jobs.byId(tenantId, row.job_id)
      if (postingIsUp(row)) {
        const opened = await accountFor(integrations, tenantId, row.integration_id)
        const posting = await boardPosting(dictionaries, opened, row, job, row.publication_type)
        if (posting.problems.length > 0) throw jobDoesNotFit(opened.adapter.name, posting.problems)
        if (posting.missing.length > 0) throw missingFields(opened.adapter.name, posting.missing)
        if (posting.unknownIds.length > 0) throw unknownIds(opened.adapter.name, posting.unknownIds)
        await opened.adapter.update(opened.session, opened.account, row.posting_external_id ?? '', posting.input)
      }
    } catch (error) {
      if (error instanceof AppError) {
        failure = error
        if (error instanceof BoardError && error.isCredentialProblem) await integrations.markFailed(tenantId, row.integration_id, error)
      } else {
        // ours, not the board's: logged with its stack, recorded without it
        log.error({ err: error, publication: id }, 'job edit push crashed')
        failure = new AppError({ code: 'JOBSYNC_ERR_INTERNAL', status: 500, title: 'Internal Server Error', detail: 'the edit could not be pushed; edit the job again to retry' })
      }
    }
    const finished = await marks.finish(id, tenantId, async (trx, locked) => {
      // the posting came down meanwhile (closed, failed): nothing was sent, nothing to record
      if (failure === undefined && !postingIsUp(row)) return locked
      return await record(trx, locked, 'job_edit', failure === undefined ? 'applied' : editOutcome(failure), failure === undefined ? null : errorRecord(failure))
    })
    log.info({ publication: id, board: row.board, actor, status: finished.last_edit?.status, code: failure?.code }, 'job edit pushed')
    return postingIsUp(row) || failure !== undefined ? finished.last_edit ?? undefined : undefined
  }

  return {
    record,

    /** the job's change, pushed to each of its postings on a board; their outcomes by publication id */
    async pushJobEdit (tenantId: string, jobId: string, actor: string): Promise<Map<string, LastEditRecord>> {
      const targets = (await repo.publicationsOfJob(db, tenantId, jobId)).filter(postingIsUp)
      const outcomes = new Map<string, LastEditRecord>()
      let next = 0
      const worker = async (): Promise<void> => {
        while (next < targets.length) {
          const target = targets[next++]
          if (target === undefined) return
          const outcome = await pushJob(tenantId, target.id, actor)
          if (outcome !== undefined) outcomes.set(target.id, outcome)
        }
      }
      await Promise.all(Array.from({ length: Math.min(PUSH_CONCURRENCY, targets.length) }, worker))
      return outcomes
    }
  }
}

export type Edits = ReturnType<typeof createEdits>
