// Publishing on Djinni: create a job, edit it, archive it, read its state. Djinni has a single free
// publication type and reviews each job before showing it (docs/boards.md, Djinni: Publishing), so a new job is
// `pending_review` and there is no quota to count. Djinni's employer API is private: the paths,
// the job body and the statuses are the ASSUMED CONTRACT of docs/boards.md and test/fakes/djinni.ts.
import { Type, type Static } from 'typebox'
import { BoardError } from '../errors.js'
import type { AccountSession, BoardPostingState, PostingInput, PostingRef, PostingState, PostingStatus, PublishingApi } from '../types.js'
import { parsePayload, type DjinniClient, type DjinniCredentials } from './client.js'
import { DJINNI_BODY_KEYS, type DjinniFields } from './fields.js'
import { djinniFieldsFromJob } from './mapping.js'
import { boardLink } from '../links.js'

type Session = AccountSession<DjinniCredentials>

// assumed contract (docs/boards.md, Djinni: Publishing): a job's `status`; `draft` is a job saved with
// `is_draft`, never sent to review; `expired` a job Djinni closed when its term ran out, `removed` one
// its moderators took down after it was live
const DjinniJobStatus = Type.Enum(['draft', 'pending_review', 'active', 'rejected', 'archived', 'expired', 'removed'])
type DjinniJobStatus = Static<typeof DjinniJobStatus>

const MaybeText = Type.Optional(Type.Union([Type.String(), Type.Null()]))

// assumed contract: `POST /jobs/`, `GET|PATCH /jobs/{id}/` answer the job; only what is read here is checked
const DjinniJob = Type.Object({
  id: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[1-9][0-9]*$' })]),
  status: DjinniJobStatus,
  url: MaybeText,
  rejection_reason: MaybeText,
  removal_reason: MaybeText,
  // the end of the job's term, ISO 8601
  expires_at: MaybeText
})
type DjinniJob = Static<typeof DjinniJob>

const stateOf: Record<DjinniJobStatus, BoardPostingState> = {
  draft: 'none',
  pending_review: 'pending_review',
  active: 'live',
  rejected: 'rejected',
  archived: 'archived',
  expired: 'expired',
  removed: 'removed'
}

/**
 * The state of a job Djinni just created, where a PostingRef has no room for an end on the board:
 * one already taken down reads as refused, one already past its term as closed. Its id is kept
 * either way (it exists on Djinni), and getPosting tells the whole story.
 */
function createdStateOf (job: DjinniJob): PostingState {
  const state = stateOf[job.status]
  return state === 'removed' ? 'rejected' : state === 'expired' ? 'archived' : state
}

/** an ISO time Djinni wrote, or null when it is none we can read */
const instantOrNull = (text: string | null | undefined): string | null => {
  const ms = text === null || text === undefined ? Number.NaN : Date.parse(text)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

const textOrNull = (value: string | null | undefined): string | null => {
  const text = value?.trim() ?? ''
  return text === '' ? null : text
}

/**
 * title, description and our fields under Djinni's keys. `clearMissing` sends null for an optional
 * field the posting no longer has (a PATCH leaves out keys untouched, so a dropped salary would stay).
 */
function jobBody (posting: PostingInput, clearMissing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { title: posting.title, description: posting.description }
  for (const [field, key] of Object.entries(DJINNI_BODY_KEYS) as Array<[keyof DjinniFields, string]>) {
    const value = posting.fields[field]
    if (value !== undefined) body[key] = value
    else if (clearMissing) body[key] = null
  }
  return body
}

// Djinni's public job pages: https://djinni.co/jobs/12345-some-title/ (the slug may be left out)
const JOB_PATH = /^\/jobs\/([1-9][0-9]{0,17})(?:-[^/]*)?\/?$/
const BARE_ID = /^[1-9][0-9]{0,17}$/
const DJINNI_HOSTS = new Set(['djinni.co', 'www.djinni.co'])

/** the job id in a Djinni job URL (scheme optional, www., trailing slash, query and hash tolerated) or a bare id */
export function djinniPostingIdFrom (urlOrId: string): string | null {
  const text = urlOrId.trim()
  if (BARE_ID.test(text)) return text
  const url = boardLink(text, DJINNI_HOSTS)
  if (url === null) return null
  return JOB_PATH.exec(url.pathname)?.[1] ?? null
}

/** the job's path; an id Djinni could never have given (ours are its integer ids) is no job of this account */
export function djinniJobPath (externalId: string): string {
  if (!BARE_ID.test(externalId)) throw new BoardError({ board: 'djinni', kind: 'not_found', detail: `"${externalId.slice(0, 40)}" is not a Djinni job id` })
  return `/jobs/${externalId}/`
}

type DjinniPublishing = Omit<PublishingApi<DjinniCredentials>, 'publicationFields' | 'publicationTypes'>

/** the body `publish` sends (`POST /jobs/`), for the publish preview */
export function djinniPreviewPayload (posting: PostingInput): Record<string, unknown> {
  return { ...jobBody(posting, false), is_draft: false }
}

export function createDjinniPublishing (client: DjinniClient): DjinniPublishing {
  const jobPath = djinniJobPath

  return {
    fieldsFromJob: djinniFieldsFromJob,
    previewPayload: djinniPreviewPayload,

    /** Djinni has no paid publications (docs/boards.md): nothing to count, nothing to ask */
    async availablePublications () {
      return []
    },

    /**
     * `POST /jobs/` with `is_draft: false`: created and sent to Djinni's review at once. Not retried
     * after a 5xx or a timeout (http.ts), since Djinni may have created it.
     * `publicationType` is not sent: Djinni has the one free type.
     */
    async publish (session: Session, _account, posting): Promise<PostingRef> {
      const res = await client.call(session, { method: 'POST', path: '/jobs/', json: djinniPreviewPayload(posting) })
      const job = parsePayload(DjinniJob, res.body, 'job (POST /jobs/)')
      return { externalId: String(job.id), url: textOrNull(job.url), state: createdStateOf(job) }
    },

    /**
     * `PATCH /jobs/{id}/` with every field. Djinni keeps an active job active, and sends a rejected
     * one back to review; an archived job cannot be edited (Djinni's 400 → 'rejected').
     */
    async update (session: Session, _account, externalId, posting): Promise<void> {
      const res = await client.call(session, { method: 'PATCH', path: jobPath(externalId), json: jobBody(posting, true) })
      parsePayload(DjinniJob, res.body, `job (PATCH /jobs/${externalId}/)`)
    },

    /** `PATCH /jobs/{id}/ {status:"archived"}`, the only status Djinni lets us write; archiving twice is fine */
    async archive (session: Session, _account, externalId): Promise<void> {
      const res = await client.call(session, { method: 'PATCH', path: jobPath(externalId), json: { status: 'archived' } })
      parsePayload(DjinniJob, res.body, `job (PATCH /jobs/${externalId}/)`)
    },

    /**
     * `GET /jobs/{id}/`: a job Djinni rejected, took down (removed) or closed at the end of its term
     * (expired) says so; Djinni answers 404 for a job it deleted or that another key created → 'not_found'
     */
    async getPosting (session: Session, _account, externalId): Promise<PostingStatus> {
      const res = await client.call(session, { method: 'GET', path: jobPath(externalId) })
      const job = parsePayload(DjinniJob, res.body, `job (GET /jobs/${externalId}/)`)
      const state = stateOf[job.status]
      return {
        state,
        url: state === 'removed' ? null : textOrNull(job.url),
        reason: job.status === 'rejected' ? textOrNull(job.rejection_reason) : job.status === 'removed' ? textOrNull(job.removal_reason) : null,
        expiresAt: state === 'live' || state === 'expired' ? instantOrNull(job.expires_at) : null
      }
    },

    postingIdFrom: djinniPostingIdFrom
  }
}
