// Publishing on Work.ua: the quota, creating a job live, editing and closing it, and reading its
// state back. Work.ua has no public API docs; what we rely on is in docs/boards.md (Work.ua:
// Publishing), and what that leaves open follows test/fakes/workua.ts and is marked ASSUMPTION.
//   quota    GET /available-publications → [{id, total}]
//   create   POST /jobs (form-urlencoded, PHP-style keys) → 201 Location: /jobs/{id}
//   edit     PUT /jobs/{id} → 204           close  PUT /jobs/{id}/close → 204
//   state    GET /jobs/my?id={id}&all=1 (`active`, `blocked` = moderation); GET /jobs/{id} is 501
import { nothingFromJob, postingAsGiven } from '../pending.js'
import { Type, type Static } from 'typebox'
import { BoardError } from '../errors.js'
import type { AccountSession, PostingInput, PostingRef, PostingState, PostingStatus, PublicationQuota, PublishingApi } from '../types.js'
import { parsePayload, type WorkuaClient, type WorkuaCredentials } from './client.js'
import { WORKUA_FORM_KEYS, WORKUA_POSTING_FORM_KEYS, type WorkuaFields } from './fields.js'
import { boardLink } from '../links.js'

const SITE_HOSTS = new Set(['work.ua', 'www.work.ua', 'm.work.ua'])

const board = 'workua'

/** where Work.ua shows a job to job seekers: `https://www.work.ua/jobs/{id}/` */
export const WORKUA_PUBLIC_URL = 'https://www.work.ua'

// the publication type Work.ua's own form preselects; every Work.ua type is paid, there is no free one
const DEFAULT_PUBLICATION_TYPE = 'standart_job'

const JobId = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[1-9][0-9]*$' })])
const Count = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+$' })])

// docs/boards.md: `[{id, total}]`; ASSUMPTION (the fake): wrapped like every success, `{status:"ok", items}`
const QuotaItems = Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), total: Count }))
const QuotaAnswer = Type.Union([QuotaItems, Type.Object({ status: Type.Literal('ok'), items: QuotaItems })])

// docs/boards.md: `{status:"ok", items:[...]}`; only the ids are read to find the one job asked for
const JobList = Type.Object({ status: Type.Literal('ok'), items: Type.Array(Type.Object({ id: JobId })) })

// docs/boards.md names `active` and `blocked` (moderation); ASSUMPTION (the fake): `closed` after
// PUT /jobs/{id}/close, `publication` null on a job never published, `url` the public page
const JobState = Type.Object({
  id: JobId,
  active: Type.Boolean(),
  blocked: Type.Boolean(),
  closed: Type.Optional(Type.Boolean()),
  publication: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  url: Type.Optional(Type.Union([Type.String(), Type.Null()]))
})
type WorkuaJobState = Static<typeof JobState>

type Session = AccountSession<WorkuaCredentials>
export type WorkuaPublishing = Omit<PublishingApi<WorkuaCredentials>, 'publicationFields' | 'publicationTypes'>

const publicUrlOf = (id: string): string => `${WORKUA_PUBLIC_URL}/jobs/${id}/`

/** Work.ua's job ids are positive integers; anything else cannot name a job (and must not reach a path) */
export function jobIdOf (externalId: string): string {
  if (/^[1-9][0-9]*$/.test(externalId)) return externalId
  throw new BoardError({ board, kind: 'not_found', detail: 'not a Work.ua job id (a positive integer)' })
}

/**
 * The PHP-style form of a job: `name`, `description`, then each of our fields under its
 * WORKUA_FORM_KEYS key, lists as repeated `key[][id]` pairs. An optional field left out is not sent.
 */
function jobForm (posting: PostingInput): Array<[string, string]> {
  const form: Array<[string, string]> = [
    [WORKUA_POSTING_FORM_KEYS.title, posting.title],
    [WORKUA_POSTING_FORM_KEYS.description, posting.description]
  ]
  for (const [field, key] of Object.entries(WORKUA_FORM_KEYS) as Array<[keyof WorkuaFields, string]>) {
    const value = posting.fields[field]
    if (value === undefined || value === null) continue
    for (const one of Array.isArray(value) ? value : [value]) form.push([key, String(one)])
  }
  return form
}

/**
 * The job's state in our words. ASSUMPTION (docs/boards.md only says `blocked` = moderation): a blocked
 * job is waiting for Work.ua's moderators, on its first publication and again after an edit; Work.ua
 * says nothing that tells a refusal apart from a wait, nor why, so 'rejected' never comes from here.
 */
function stateOf (job: WorkuaJobState): PostingState {
  if (job.closed === true) return 'archived'
  if (job.active) return job.blocked ? 'pending_review' : 'live'
  // inactive and not closed: a draft never published, or (on a board that does not say `closed`)
  // a job that was published and then taken down
  return job.publication === undefined || job.publication === null ? 'none' : 'archived'
}

export function createWorkuaPublishing (client: WorkuaClient): WorkuaPublishing {
  /** the account's job `id`, or 'not_found' when Work.ua does not list it for this login */
  async function findJob (session: Session, id: string): Promise<WorkuaJobState> {
    const res = await client.call(session, { method: 'GET', path: '/jobs/my', query: { id, all: 1 } })
    const list = parsePayload(JobList, res.body, 'job list (GET /jobs/my)')
    // the `id` filter is the board's; the job is still picked by id in case a board ignores it
    const job = list.items.find(item => String(item.id) === id)
    if (job === undefined) {
      throw new BoardError({ board, kind: 'not_found', detail: `Work.ua lists no job ${id} for this account (removed, or another account's)`, boardStatus: res.status })
    }
    return parsePayload(JobState, job, `job ${id} (GET /jobs/my)`)
  }

  return {
    fieldsFromJob: nothingFromJob,
    previewPayload: postingAsGiven,

    async availablePublications (session): Promise<PublicationQuota[]> {
      const res = await client.call(session, { method: 'GET', path: '/available-publications' })
      const answer = parsePayload(QuotaAnswer, res.body, 'publication count (GET /available-publications)')
      const items = Array.isArray(answer) ? answer : answer.items
      return items.map(item => ({ publicationType: item.id, available: Number(item.total) }))
    },

    /**
     * One POST creates the job and publishes it (`publication` set), spending one paid publication.
     * It is never resent after a 5xx or a timeout (http.ts): Work.ua may have created the job.
     */
    async publish (session, _account, posting): Promise<PostingRef> {
      const form = [...jobForm(posting), ['publication', posting.publicationType ?? DEFAULT_PUBLICATION_TYPE] as [string, string]]
      const res = await client.call(session, { method: 'POST', path: '/jobs', form })
      const location = res.headers.location
      const id = /\/jobs\/([1-9][0-9]*)\/?$/.exec(String(Array.isArray(location) ? location[0] : location ?? ''))?.[1]
      if (id === undefined) {
        // the job exists on Work.ua now; say so, since publishing again would make a second one
        session.log.warn({ board, status: res.status }, 'Work.ua created a job without saying its id (no Location)')
        throw new BoardError({ board, kind: 'bad_response', detail: `Work.ua answered ${res.status} to the new job without its id (Location header); it may have been created: check the account's jobs before publishing again`, boardStatus: res.status })
      }
      // every publication waits for Work.ua's moderation (`blocked`) before it shows
      return { externalId: id, url: publicUrlOf(id), state: 'pending_review' }
    },

    /**
     * Title, description and fields go to the job as it is; no `publication`, so nothing is spent
     * and a closed job stays closed. Work.ua moderates the edited job again.
     */
    async update (session, _account, externalId, posting): Promise<void> {
      const id = jobIdOf(externalId)
      await client.call(session, { method: 'PUT', path: `/jobs/${id}`, form: jobForm(posting) })
    },

    async archive (session, _account, externalId): Promise<void> {
      const id = jobIdOf(externalId)
      await client.call(session, { method: 'PUT', path: `/jobs/${id}/close` })
    },

    async getPosting (session, _account, externalId): Promise<PostingStatus> {
      const id = jobIdOf(externalId)
      const job = await findJob(session, id)
      const state = stateOf(job)
      const url = state === 'none' ? null : (typeof job.url === 'string' && job.url !== '' ? job.url : publicUrlOf(id))
      return { state, url, reason: null }
    },

    postingIdFrom (urlOrId): string | null {
      const text = urlOrId.trim()
      if (/^[1-9][0-9]{0,11}$/.test(text)) return text
      const url = boardLink(text, SITE_HOSTS)
      if (url === null) return null
      // the Ukrainian site has no prefix; the Russian and English ones add /ru/ or /en/
      return /^\/(?:(?:ru|en|ua)\/)?jobs\/([1-9][0-9]{0,11})\/?$/.exec(url.pathname)?.[1] ?? null
    }
  }
}
