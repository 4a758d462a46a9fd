// Publishing on Work.ua: the quota, creating a job live, editing, closing and re-activating it,
// and reading its state back. Work.ua has no public API docs; what we rely on is in docs/boards.md
// (Work.ua: Publishing), and what that leaves open follows test/fakes/workua.ts and is marked ASSUMPTION.
//   quota       GET /available-publications → [{id, total}]
//   create      POST /jobs (form-urlencoded, PHP-style keys) → 201 Location: /jobs/{id}
//   edit        PUT /jobs/{id} → 204           close  PUT /jobs/{id}/close → 204
//   re-activate PUT /jobs/{id} with `publication` → 204
//   state       GET /jobs/my?id={id}&all=1 (`active`, `blocked` = moderation, `date_expire`); GET /jobs/{id} is 501
import { Type, type Static } from 'typebox'
import { BoardError } from '../errors.js'
import { kyivIsoWithOffset, kyivLocalToInstant } from '../kyiv-time.js'
import type { AccountSession, PostingInput, PostingRef, PostingStatus, PublicationQuota, PublishingApi } from '../types.js'
import { parsePayload, type WorkuaClient, type WorkuaCredentials } from './client.js'
import { WORKUA_FORM_KEYS, WORKUA_POSTING_FORM_KEYS, workuaPublicationTypes, type WorkuaFields } from './fields.js'
import { workuaFieldsFromJob } from './mapping.js'
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

// booleans, or PHP's 0/1 (one third-party client saw `active: 0|1`)
const Flag = Type.Union([Type.Boolean(), Type.Literal(0), Type.Literal(1), Type.Literal('0'), Type.Literal('1')])
// docs/boards.md names `active` and `blocked` (moderation); a third-party client saw `date_expire`
// (when the publication ends). ASSUMPTION (the fake): `closed` after PUT /jobs/{id}/close,
// `publication` null on a job never published, `url` the public page, `date_expire` written like
// the responses' `date` (Kyiv local time), or as a bare day
const JobState = Type.Object({
  id: JobId,
  active: Flag,
  blocked: Flag,
  closed: Type.Optional(Type.Union([Flag, Type.Null()])),
  publication: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  date_expire: Type.Optional(Type.Union([Type.String(), Type.Null()]))
})
type WorkuaJobState = Static<typeof JobState>
const isSet = (flag: Static<typeof Flag> | null | undefined): boolean => flag === true || flag === 1 || flag === '1'

type Session = AccountSession<WorkuaCredentials>
export type WorkuaPublishing = Omit<PublishingApi<WorkuaCredentials>, 'publicationFields' | 'publicationTypes'> & Required<Pick<PublishingApi<WorkuaCredentials>, 'reactivate'>>

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

/** the instant `date_expire` names: a Kyiv date-time, or a bare day (to its end); null when it names none */
function expiryOf (text: string | null | undefined): number | null {
  const value = text?.trim() ?? ''
  if (value === '') return null
  return kyivLocalToInstant(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value} 23:59:59` : value)
}

// what Work.ua says of a job its moderators took down: nothing, so these are our words
const TAKEN_DOWN = 'Work.ua\'s moderators took the job down (blocked; Work.ua gives no reason)'

/**
 * Where Work.ua left the job, in our words. ASSUMPTION (docs/boards.md only says `blocked` = moderation):
 *   - closed (by us, or by the employer on the site) → archived;
 *   - active and blocked: waiting for Work.ua's moderators, on its first publication and again after
 *     an edit → pending_review; Work.ua says nothing that tells a refusal apart from a wait, so
 *     'rejected' never comes from here; active and not blocked → live;
 *   - blocked and no longer active: taken down by the moderators → removed;
 *   - neither, never published (`publication` null): a draft → none;
 *   - neither, its `date_expire` past: the publication ran out → expired; otherwise the job was
 *     taken off without a reason said → archived.
 * A job the account's listing does not hold (deleted on the site, or another account's) is not_found.
 */
function statusOf (job: WorkuaJobState, id: string, now: number): PostingStatus {
  const expires = expiryOf(job.date_expire)
  const expiresAt = expires === null ? null : kyivIsoWithOffset(expires)
  const url = typeof job.url === 'string' && job.url !== '' ? job.url : publicUrlOf(id)
  const status = (state: PostingStatus['state'], reason: string | null = null): PostingStatus => ({ state, url, reason, expiresAt })
  if (isSet(job.closed)) return status('archived')
  if (isSet(job.active)) return status(isSet(job.blocked) ? 'pending_review' : 'live')
  if (isSet(job.blocked)) return status('removed', TAKEN_DOWN)
  if (job.publication === undefined || job.publication === null) return { state: 'none', url: null, reason: null, expiresAt: null }
  return status(expires !== null && expires <= now ? 'expired' : 'archived')
}

/** the form's keys that repeat (a list of ids) */
const LIST_KEYS = new Set([WORKUA_FORM_KEYS.categoryIds, WORKUA_FORM_KEYS.jobtypeIds])

/** the form with the publication type that publishes it: what a create or a re-activation sends */
const publishingForm = (posting: PostingInput): Array<[string, string]> =>
  [...jobForm(posting), ['publication', posting.publicationType ?? DEFAULT_PUBLICATION_TYPE]]

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
    fieldsFromJob: workuaFieldsFromJob,

    /** the form `publish` sends, as an object: each key once, the repeated list keys as arrays */
    previewPayload (posting): Record<string, string | string[]> {
      const form: Record<string, string | string[]> = {}
      for (const [key, value] of publishingForm(posting)) {
        if (!LIST_KEYS.has(key)) form[key] = value
        else form[key] = [...(form[key] as string[] | undefined) ?? [], value]
      }
      return form
    },

    /**
     * Work.ua's count of each of our types, then any type it counts that we do not know. Every type
     * is counted (docs/boards.md); one its answer leaves out is null: unknown, the publish will tell.
     */
    async availablePublications (session): Promise<PublicationQuota[]> {
      const res = await client.call(session, { method: 'GET', path: '/available-publications' })
      const answer = parsePayload(QuotaAnswer, res.body, 'publication count (GET /available-publications)')
      const counts = new Map<string, number>()
      for (const item of Array.isArray(answer) ? answer : answer.items) if (!counts.has(item.id)) counts.set(item.id, Number(item.total))
      const known = workuaPublicationTypes.map(type => ({ publicationType: type.id as string, available: counts.get(type.id) ?? null }))
      const others = [...counts].filter(([id]) => !known.some(k => k.publicationType === id)).map(([id, available]) => ({ publicationType: id, available }))
      return [...known, ...others]
    },

    /**
     * One POST creates the job and publishes it (`publication` set), spending one paid publication.
     * It is never resent after a 5xx or a timeout (http.ts): Work.ua may have created the job.
     */
    async publish (session, _account, posting): Promise<PostingRef> {
      const res = await client.call(session, { method: 'POST', path: '/jobs', form: publishingForm(posting) })
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

    /**
     * Puts a closed (or expired) job back up: `PUT /jobs/{id}` with its current content and a
     * `publication`, as publishing a draft does (docs/boards.md: PUT publishes). ASSUMPTION (the fake):
     * a closed or expired job is published again this way, spending one publication of the type like a
     * new one, and waits for moderation again. Never resent after a 5xx or a timeout, like a publish.
     */
    async reactivate (session, _account, externalId, posting): Promise<PostingRef> {
      const id = jobIdOf(externalId)
      await client.call(session, { method: 'PUT', path: `/jobs/${id}`, form: publishingForm(posting), idempotent: false })
      return { externalId: id, url: publicUrlOf(id), state: 'pending_review' }
    },

    /** what the account's job listing says of the job; a job it does not list is not_found */
    async getPosting (session, _account, externalId): Promise<PostingStatus> {
      const id = jobIdOf(externalId)
      return statusOf(await findJob(session, id), id, Date.now())
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
