// The host's read side: candidates with their applications, and the change feed of applications
// ordered by (updated_at, id) that a host polls without missing or repeating an item.
import type { Db } from '../../db/index.js'
import type { Application, Candidate } from '../../db/schema.js'
import type { BoardId } from '../../boards/types.js'
import { invalidInput, notFound } from '../../errors.js'
import { decodeCursor, encodeCursor } from '../../http/cursor.js'
import * as repo from './repo.js'
import type { ApplicationsQuery, ApplicationView, CandidateView, OutcomeResult } from './schemas.js'
import { sql } from 'kysely'
import type { BoardRegistry } from '../../boards/registry.js'
import type { Outcome } from '../../boards/types.js'
import type { OutcomeSharer } from '../../outbox/outcomes.js'
import { emit } from '../../outbox/events.js'

const toApplicationView = (a: Application & { host_job_id: string }): ApplicationView => ({
  id: a.id,
  candidateId: a.candidate_id,
  publicationId: a.publication_id,
  jobId: a.job_id,
  hostJobId: a.host_job_id,
  source: a.board as BoardId,
  externalId: a.external_id,
  url: a.url,
  appliedAt: a.applied_at?.toISOString() ?? null,
  firstName: a.first_name,
  lastName: a.last_name,
  middleName: a.middle_name,
  emails: a.emails,
  phones: a.phones,
  photoUrl: a.photo_url,
  birthDate: a.birth_date,
  resumeText: a.resume_text,
  resumeUrl: a.resume_url,
  coverLetter: a.cover_letter,
  skills: a.skills,
  boardData: a.raw,
  outcome: a.outcome,
  outcomeShared: a.outcome_shared,
  createdAt: a.created_at.toISOString(),
  updatedAt: a.updated_at.toISOString()
})

const toCandidateView = (c: Candidate): CandidateView => ({
  id: c.id,
  firstName: c.first_name,
  lastName: c.last_name,
  middleName: c.middle_name,
  emails: c.emails,
  phones: c.phones,
  photoUrl: c.photo_url,
  birthDate: c.birth_date,
  skills: c.skills,
  createdAt: c.created_at.toISOString(),
  updatedAt: c.updated_at.toISOString()
})

function afterOf (cursor: string | undefined): { updatedAt: Date, id: string } | undefined {
  if (cursor === undefined) return undefined
  const [updatedAt, id] = decodeCursor(cursor, ['string', 'string']) as [string, string]
  const at = new Date(updatedAt)
  if (Number.isNaN(at.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw invalidInput('after is not a cursor this feed gave out', [{ in: 'query', pointer: '/after', detail: 'is not a valid cursor' }])
  }
  return { updatedAt: at, id }
}

const cursorOf = (row: { updated_at: Date, id: string } | undefined, given: string | undefined): string | null =>
  row === undefined ? (given ?? null) : encodeCursor([row.updated_at.toISOString(), row.id])

export interface CandidateServiceDeps {
  db: Db
  boards: BoardRegistry
  outcomes: OutcomeSharer
}

export function createCandidateService ({ db, boards, outcomes }: CandidateServiceDeps) {
  return {
    async applications (tenantId: string, query: ApplicationsQuery): Promise<{ items: ApplicationView[], nextCursor: string | null }> {
      const after = afterOf(query.after)
      let jobId: string | undefined
      if (query.hostJobId !== undefined) {
        const job = await db.selectFrom('jobs').select('id').where('tenant_id', '=', tenantId).where('host_job_id', '=', query.hostJobId).executeTakeFirst()
        if (job === undefined) return { items: [], nextCursor: query.after ?? null }
        jobId = job.id
      }
      const horizon = await repo.feedHorizon(db)
      const rows = await repo.applicationsFeed(db, tenantId, { publicationId: query.publicationId, jobId, board: query.board, after, horizon, limit: query.limit })
      return { items: rows.map(toApplicationView), nextCursor: cursorOf(rows[rows.length - 1], query.after) }
    },

    async candidates (tenantId: string, query: { after?: string, limit: number }): Promise<{ items: CandidateView[], nextCursor: string | null }> {
      const horizon = await repo.feedHorizon(db)
      const rows = await repo.candidatesFeed(db, tenantId, { after: afterOf(query.after), horizon, limit: query.limit })
      return { items: rows.map(toCandidateView), nextCursor: cursorOf(rows[rows.length - 1], query.after) }
    },

    /**
     * Records the outcome and queues it for the board in one transaction, then tries it at once.
     * A board that is down or busy gets it later from the dispatcher (`shared: "pending"`).
     */
    async shareOutcome (tenantId: string, applicationId: string, outcome: Outcome): Promise<OutcomeResult> {
      const queued = await db.transaction().execute(async trx => {
        const application = await trx.updateTable('applications')
          .set({ outcome, outcome_at: new Date(), outcome_shared: 'pending', outcome_error: null, updated_at: sql<Date>`now()` })
          .where('tenant_id', '=', tenantId).where('id', '=', applicationId)
          .returning(['candidate_id', 'publication_id', 'board']).executeTakeFirst()
        if (application === undefined) throw notFound('application', applicationId)
        const share = await trx.insertInto('outcome_shares').values({ tenant_id: tenantId, application_id: applicationId, outcome })
          .returning(['id']).executeTakeFirstOrThrow()
        await emit(trx, tenantId, 'application.updated', `candidate:${application.candidate_id}`, {
          applicationId, candidateId: application.candidate_id, publicationId: application.publication_id, board: application.board, outcome, outcomeShared: 'pending'
        })
        return { shareId: share.id, board: application.board as BoardId }
      })
      const state = await outcomes.tryNow(queued.shareId)
      const name = boards.get(queued.board)?.name ?? queued.board
      const shared = state?.status ?? 'pending'
      const error = state?.error ?? null
      const detail = {
        shared: `${name} has the outcome`,
        not_supported: `${name} has no way to take outcomes: recorded here only`,
        pending: `${name} did not take the outcome yet${error === null ? '' : ` (${error.detail})`}; it is tried again until it does, for 24 hours`,
        failed: `${name} refused the outcome (${error?.detail ?? 'error'}); it is recorded here`
      }[shared]
      return {
        applicationId,
        outcome,
        shared,
        detail,
        nextAttemptAt: shared === 'pending' ? (state?.nextAttemptAt ?? new Date()).toISOString() : null,
        error: error === null ? null : { code: error.code, title: error.title, detail: error.detail }
      }
    },

    async candidate (tenantId: string, id: string): Promise<CandidateView & { applications: ApplicationView[] }> {
      const candidate = await repo.findCandidate(db, tenantId, id)
      if (candidate === undefined) throw notFound('candidate', id)
      return { ...toCandidateView(candidate), applications: (await repo.applicationsOfCandidate(db, id)).map(toApplicationView) }
    }
  }
}

export type CandidateService = ReturnType<typeof createCandidateService>
