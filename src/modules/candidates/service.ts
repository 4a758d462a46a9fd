// The host's read side: candidates with their applications, and the change feeds of applications
// and candidates, ordered by (writing transaction, id), that a host polls without missing or
// repeating an item.
import type { Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Application, Candidate, Database } from '../../db/schema.js'
import { AppError, invalidInput, notFound } from '../../errors.js'
import { decodeFeedCursor, encodeFeedCursor } from '../../http/cursor.js'
import * as repo from './repo.js'
import type { ApplicationContext } from './repo.js'
import { storePageSkippingUnstorable, type PageCounts } from './ingest.js'
import type { ApplicationsQuery, ApplicationView, CandidateView, OutcomeResult } from './schemas.js'
import { boardName, type BoardRegistry } from '../../boards/registry.js'
import type { BoardApplication, Outcome } from '../../boards/types.js'
import type { OutcomeSharer } from '../../outbox/outcomes.js'
import type { IntegrationService } from '../integrations/service.js'
import type { IdempotencyService } from '../idempotency/service.js'
import type { JobService } from '../jobs/service.js'
import { pipeline, Transform, type Readable } from 'node:stream'
import { BoardError } from '../../boards/errors.js'
import { emit } from '../../outbox/events.js'

const toApplicationView = (a: Application & { host_job_id: string }): ApplicationView => ({
  id: a.id,
  candidateId: a.candidate_id,
  publicationId: a.publication_id,
  jobId: a.job_id,
  hostJobId: a.host_job_id,
  source: a.board,
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

/** where a feed resumes; a cursor of the feeds' earlier (updated_at, id) order is translated (repo.positionOfTimeCursor) */
async function afterOf (db: Db, table: 'applications' | 'candidates', tenantId: string, cursor: string | undefined): Promise<repo.FeedPosition | undefined> {
  if (cursor === undefined) return undefined
  const decoded = decodeFeedCursor(cursor)
  return 'xid' in decoded ? decoded : await repo.positionOfTimeCursor(db, table, tenantId, { updatedAt: decoded.at, id: decoded.id })
}

/** the cursor after the page: after its last row, else where it started */
const cursorOf = (row: { written_xid: string, id: string } | undefined, after: repo.FeedPosition | undefined): string | null =>
  row !== undefined ? encodeFeedCursor(row.written_xid, row.id) : after === undefined ? null : encodeFeedCursor(after.xid, after.id)

export interface CandidateServiceDeps {
  db: Db
  /** the boards, for what each serves (capabilities); the accounts are opened through integrations */
  boards: BoardRegistry
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  jobs: Pick<JobService, 'idOf'>
  outcomes: Pick<OutcomeSharer, 'queue' | 'tryNow'>
  /** largest resume file passed through from a board */
  resumeMaxBytes: number
  /** largest photo passed through from a board */
  photoMaxBytes: number
  /** a page bringing more identities than this takes the tenant's lock instead of one per identity */
  identityLocksMax: number
  /** the stored Idempotency-Key answers of requests about an erased person are forgotten with them */
  idempotency: Pick<IdempotencyService, 'forgetAbout'>
}

/** a resume or photo on its way to the host: the board's file, streamed, or the text the board gave */
export interface ResumeDownload {
  contentType: string
  contentLength: number | null
  fileName: string | null
  body: Readable | string
}

/** the files of an application a board may serve through the account */
type FileKind = 'resume' | 'photo'

const fileKinds = {
  resume: { capability: 'resumeFiles', code: 'JOBSYNC_ERR_RESUME_TOO_LARGE', title: 'Resume file too large', setting: 'RESUME_MAX_BYTES' },
  photo: { capability: 'photoFiles', code: 'JOBSYNC_ERR_PHOTO_TOO_LARGE', title: 'Photo too large', setting: 'PHOTO_MAX_BYTES' }
} as const

const tooLarge = (kind: FileKind, limit: number, size?: number) => new AppError({
  code: fileKinds[kind].code,
  status: 502,
  title: fileKinds[kind].title,
  detail: `the board's file is ${size === undefined ? 'larger than' : `${size} bytes, over`} the ${limit}-byte limit (${fileKinds[kind].setting})`
})

/** passes the bytes through and errors (ending the response early) past `limit` */
function capped (kind: FileKind, limit: number): Transform {
  let seen = 0
  return new Transform({
    transform (chunk: Buffer, _encoding, done) {
      seen += chunk.length
      done(seen > limit ? tooLarge(kind, limit) : null, chunk)
    }
  })
}

export function createCandidateService ({ db, boards, integrations, jobs, outcomes, resumeMaxBytes, photoMaxBytes, identityLocksMax, idempotency }: CandidateServiceDeps) {
  /** 404, saying where the candidate went when the host merged it */
  // inside a transaction pass it: a second connection deadlocks the embedded database (one connection)
  async function candidateNotFound (tenantId: string, id: string, executor: Db = db): Promise<AppError> {
    const into = await repo.mergedInto(executor, tenantId, id)
    if (into === undefined) return notFound('candidate', id)
    return new AppError({ code: 'JOBSYNC_ERR_NOT_FOUND', status: 404, title: 'Not Found', detail: `candidate ${id} was merged into ${into}`, extensions: { mergedInto: into } })
  }

  async function withApplications (tenantId: string, id: string): Promise<CandidateView & { applications: ApplicationView[] }> {
    const candidate = await repo.findCandidate(db, tenantId, id)
    if (candidate === undefined) throw await candidateNotFound(tenantId, id)
    return { ...toCandidateView(candidate), applications: (await repo.applicationsOfCandidate(db, id)).map(toApplicationView) }
  }

  /**
   * The application's CV file or photo, fetched from the board with the account's credentials and
   * streamed through (boards that serve them: openResume / openPhoto; the adapter decides from the
   * stored application whether there is one, refreshing an expired link first where the board's
   * links expire); null when the board serves none or says there is none.
   */
  async function boardFile (tenantId: string, application: { board: string, integration_id: string, external_id: string, resume_url: string | null, photo_url: string | null, raw: unknown }, kind: FileKind): Promise<ResumeDownload | null> {
    if (boards.get(application.board)?.capabilities[fileKinds[kind].capability] !== true) return null
    const opened = await integrations.openAccount(tenantId, application.integration_id)
    const open = kind === 'resume' ? opened?.adapter.openResume : opened?.adapter.openPhoto
    if (opened === undefined || open === undefined) return null
    const limit = kind === 'resume' ? resumeMaxBytes : photoMaxBytes
    let file
    try {
      file = await open(opened.session, opened.account, { externalId: application.external_id, resumeUrl: application.resume_url, photoUrl: application.photo_url, raw: application.raw })
    } catch (error) {
      if (error instanceof BoardError && error.isCredentialProblem) await integrations.markFailed(tenantId, opened.integrationId, error)
      throw error
    }
    if (file === null) return null
    if (file.contentLength !== null && file.contentLength > limit) {
      file.stream.on('error', () => {}).destroy()
      throw tooLarge(kind, limit, file.contentLength)
    }
    // pipeline: when the cap (or the host hanging up) ends the stream, the board's connection is closed too;
    // the error itself reaches fastify through the returned stream
    const body = pipeline(file.stream, capped(kind, limit), () => {})
    // served from our origin: only an image is called one (a board answering HTML is not rendered as our page)
    const contentType = kind === 'photo' && !/^image\/[\w.+-]+$/i.test(file.contentType.split(';')[0]?.trim() ?? '') ? 'application/octet-stream' : file.contentType
    return { contentType, contentLength: file.contentLength, fileName: file.fileName, body }
  }

  return {
    /** stores a page of a board's applicants in the sync's transaction, leaving out (and naming) those the database refuses (ingest.ts) */
    async storePage (trx: Transaction<Database>, ctx: ApplicationContext, items: BoardApplication[]): Promise<PageCounts> {
      return await storePageSkippingUnstorable(trx, ctx, items, identityLocksMax)
    },

    /** the applications the tenant holds from the board (in the sync's transaction) */
    async countApplications (trx: Transaction<Database>, tenantId: string, board: string): Promise<number> {
      return await repo.countApplications(trx, tenantId, board)
    },

    async applications (tenantId: string, query: ApplicationsQuery): Promise<{ items: ApplicationView[], nextCursor: string | null }> {
      const after = await afterOf(db, 'applications', tenantId, query.after)
      let jobId: string | undefined
      if (query.hostJobId !== undefined) {
        jobId = await jobs.idOf(tenantId, query.hostJobId)
        if (jobId === undefined) return { items: [], nextCursor: cursorOf(undefined, after) }
      }
      const rows = await repo.applicationsFeed(db, tenantId, { publicationId: query.publicationId, jobId, board: query.board, after, limit: query.limit })
      return { items: rows.map(toApplicationView), nextCursor: cursorOf(rows[rows.length - 1], after) }
    },

    async candidates (tenantId: string, query: { after?: string, limit: number }): Promise<{ items: CandidateView[], nextCursor: string | null }> {
      const after = await afterOf(db, 'candidates', tenantId, query.after)
      const rows = await repo.candidatesFeed(db, tenantId, { after, limit: query.limit })
      return { items: rows.map(toCandidateView), nextCursor: cursorOf(rows[rows.length - 1], after) }
    },

    /**
     * Records the outcome and queues it for the board in one transaction, then tries it at once.
     * A board that is down or busy gets it later from the dispatcher (`shared: "pending"`).
     */
    async shareOutcome (tenantId: string, applicationId: string, outcome: Outcome): Promise<OutcomeResult> {
      const queued = await db.transaction().execute(async trx => {
        const application = await repo.recordOutcome(trx, tenantId, applicationId, outcome)
        if (application === undefined) throw notFound('application', applicationId)
        const shareId = await outcomes.queue(trx, tenantId, applicationId, outcome)
        await emit(trx, tenantId, 'application.updated', `candidate:${application.candidate_id}`, {
          applicationId, candidateId: application.candidate_id, publicationId: application.publication_id, board: application.board, outcome, outcomeShared: 'pending'
        })
        return { shareId, board: application.board }
      })
      const state = await outcomes.tryNow(queued.shareId)
      const name = boardName(queued.board)
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

    /**
     * The application's resume: the file the candidate attached, fetched from the board with the
     * account's credentials and streamed through (boards that serve files: Robota.ua), else the
     * resume text the board gave (Work.ua, hh, Djinni), else 404.
     */
    async resume (tenantId: string, applicationId: string): Promise<ResumeDownload> {
      const application = await repo.findApplication(db, tenantId, applicationId)
      if (application === undefined) throw notFound('application', applicationId)
      const file = await boardFile(tenantId, application, 'resume')
      if (file !== null) return file
      if (application.resume_text !== null && application.resume_text !== '') {
        return { contentType: 'text/plain; charset=utf-8', contentLength: Buffer.byteLength(application.resume_text), fileName: null, body: application.resume_text }
      }
      throw new AppError({
        code: 'JOBSYNC_ERR_NOT_FOUND',
        status: 404,
        title: 'Not Found',
        detail: application.resume_url === null
          ? `application ${applicationId} has no resume`
          : `the board gives this resume only as a link (resumeUrl), not as a file jobsync can fetch`
      })
    },

    /**
     * The candidate's photo from the application, streamed through from a board that serves photos
     * through the account (openPhoto: the board's link needs the account, or expires and is
     * refreshed first). A board that gives only a plain link has it in the application's
     * `photoUrl`: the 404 says so and carries it (no redirect: a client following one could send
     * our bearer key along to the board's host).
     */
    async photo (tenantId: string, applicationId: string): Promise<ResumeDownload> {
      const application = await repo.findApplication(db, tenantId, applicationId)
      if (application === undefined) throw notFound('application', applicationId)
      const file = await boardFile(tenantId, application, 'photo')
      if (file !== null) return file
      const linkOnly = application.photo_url !== null && boards.get(application.board)?.capabilities.photoFiles !== true
      throw new AppError({
        code: 'JOBSYNC_ERR_NOT_FOUND',
        status: 404,
        title: 'Not Found',
        detail: linkOnly
          ? `${boardName(application.board)} gives this photo only as a link: photoUrl (fetch it from there)`
          : `application ${applicationId} has no photo`,
        ...(linkOnly ? { extensions: { photoUrl: application.photo_url } } : {})
      })
    },

    candidate: withApplications,

    /**
     * Erases the person: the candidate, their identities (a later application from them makes a new
     * candidate), applications, outcome shares, the candidates merged into them, and the events
     * about them with their deliveries, under the tenant's candidate lock (as a merge) so no sync
     * links a page to them meanwhile. `candidate.erased` (ids only) tells the webhooks.
     */
    async erase (tenantId: string, id: string): Promise<void> {
      await db.transaction().execute(async trx => {
        await repo.lockTenantCandidates(trx, tenantId)
        const found = await repo.existingCandidateIds(trx, tenantId, [id])
        if (!found.has(id)) throw await candidateNotFound(tenantId, id, trx)
        const erased = await repo.eraseCandidate(trx, tenantId, id)
        await idempotency.forgetAbout(trx, tenantId, [id, ...erased.applicationIds, ...erased.mergedCandidateIds])
        await emit(trx, tenantId, 'candidate.erased', `candidate:${id}`, { candidateId: id, ...erased })
      })
    },

    /**
     * The host says these candidates are one person: `candidateIds` fold into `id` (applications,
     * emails and phones move over; blanks are filled, nothing is blanked), under the tenant's
     * candidate lock (syncs hold it shared) so a sync cannot assign a moving identity meanwhile. `candidate.merged` tells
     * the webhooks; the moved applications show again in the feed with their new candidateId.
     */
    async merge (tenantId: string, id: string, candidateIds: string[]): Promise<CandidateView & { applications: ApplicationView[] }> {
      const sources = [...new Set(candidateIds)]
      const self = candidateIds.indexOf(id)
      if (self >= 0) throw invalidInput('a candidate cannot be merged into itself', [{ in: 'body', pointer: `/candidateIds/${self}`, detail: 'is the candidate merged into' }])
      await db.transaction().execute(async trx => {
        await repo.lockTenantCandidates(trx, tenantId)
        const found = await repo.existingCandidateIds(trx, tenantId, [id, ...sources])
        if (!found.has(id)) throw await candidateNotFound(tenantId, id, trx)
        const missing = candidateIds.map((c, i) => ({ c, i })).filter(({ c }) => !found.has(c))
        if (missing.length > 0) {
          throw invalidInput('some candidates to merge are not this tenant\'s (or were merged already)',
            missing.map(({ i }) => ({ in: 'body' as const, pointer: `/candidateIds/${i}`, detail: 'is not a candidate of this tenant' })))
        }
        await repo.mergeCandidates(trx, tenantId, id, sources)
        await emit(trx, tenantId, 'candidate.merged', `candidate:${id}`, { candidateId: id, mergedCandidateIds: sources })
      })
      return await withApplications(tenantId, id)
    }
  }
}

export type CandidateService = ReturnType<typeof createCandidateService>
