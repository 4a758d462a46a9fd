// A fake Djinni employer API (djinni.co/api/v2) for adapter tests over real HTTP.
//
// Djinni's employer API is PRIVATE (Djinni grants it per account on request). docs/boards.md (Djinni)
// only lists what we assume, and this fake implements exactly that:
//   - `X-API-Key` header, base path `/api/v2` (`url` already ends with it)
//   - DRF-style offset pages `{count, next, previous, results}`; `next` is a full URL
//   - `GET /jobs/`, `POST /jobs/` → 201, `PATCH /jobs/{id}/`, `GET /jobs/{id}/candidates/?offset&limit&updated_since=`
//   - `GET /dictionaries/categories/` and `GET /dictionaries/experience/`: the values a job's `category` and
//     `experience_years` take
//   - `POST /applications/{id}/status` (hired feedback), errors `{detail}`
//   - 429 with `Retry-After`: only through `server.inject({ status: 429, headers: { 'retry-after': '2' } })`
//   - an admin account lists its recruiters; Djinni reviews each new job before it is shown
//
// ASSUMPTIONS (nothing below is documented anywhere; keep adapters configurable around them):
//   - 401 `{detail:"Invalid API key."}` for a missing or unknown key; 403 `{detail:"Account is blocked."}`
//     (checked first) and 403 `{detail:"API access is not enabled for this account."}`.
//   - `GET /me/` → `{id, name, email, company_name, is_admin}`; `GET /recruiters/` (DRF page of
//     `{id, name, email}`, the company's other recruiters) is admin-only: 403 `{detail:"Only admin accounts can list recruiters."}`.
//   - Paths are matched exactly as written above (DRF trailing slashes, none on `/applications/{id}/status`);
//     anything else is 404 `{detail:"Not found."}`; a wrong method on a known path is 405. Both are recorded in `unmatched`.
//   - Bodies are JSON only: another content type → 415, broken JSON → 400 `{detail}`.
//   - Page size: default `limit` 20, max 100 (DRF LimitOffsetPagination; bad values fall back to defaults).
//   - Catalogues: a JSON array `[{id, name}]` (not paged): categories `{id:"JavaScript", name:"JavaScript"}`, the id
//     being the value `category` takes; experience `{id: 0..10, name}` (years). Each answer carries an `ETag`, and a
//     request whose `If-None-Match` holds it is answered 304 without a body (Django's conditional GET).
//   - Jobs: required `title, description, category` (an id of the categories), `experience_years` (an id of the
//     experience catalogue, 0..10), `location` (free text), `remote_type` (office|remote|hybrid|candidate_choice);
//     optional `salary_from`, `salary_to` (int or null, USD a month), `is_draft` (bool). Errors: 400
//     `{field: ["This field is required."]}`, `{category: ['"X" is not a valid choice.']}`.
//     Status: `draft` (is_draft) | `pending_review` (every new or un-drafted job) | `active` | `rejected` | `archived`
//     | `expired` (Djinni closed it when its term ran out) | `removed` (Djinni's moderators took it down after it was
//     live; `removal_reason` says why). `expires_at` (ISO, null until the job is first approved) is the end of the
//     term: 30 days from each approval. PATCH `{is_draft:false}` sends a draft to review; PATCH `{status:"archived"}`
//     archives (the only writable status; on an expired or removed job it changes nothing); editing a rejected job
//     sends it back to review; editing an active job keeps it active; an archived, expired or removed job cannot be
//     edited (400 `{detail}`). A job deleted by Djinni (`removeJob`) is 404.
//     Jobs are visible only to the account (API key) that created them.
//   - Candidates are ordered by `updated_at` asc, then `id`; `updated_since` is inclusive (≥), ISO 8601,
//     naive times are UTC, invalid → 400 `{updated_since:["Enter a valid date/time."]}`.
//     The candidate `id` is the application id used by `/applications/{id}/status`.
//   - Outcome: `{status: hired|rejected|invited}` → 200 `{id, status}`; unknown/foreign id → 404 `{detail:"Not found."}`.
//   - Times are ISO 8601 UTC (`toISOString()`); the fake's clock can be advanced.
import { createHash, randomUUID } from 'node:crypto'
import { FIRST_F, FIRST_M, LAST, capitalize, pad, pick, translit, uaPhone } from './people.js'
import { startFakeServer, type FakeRequest, type FakeReply, type FakeServer } from './fake-server.js'
import { defineFake } from './definition.js'

export type DjinniJobStatus = 'draft' | 'pending_review' | 'active' | 'rejected' | 'archived' | 'expired' | 'removed'
export type DjinniRemoteType = 'office' | 'remote' | 'hybrid' | 'candidate_choice'
export type DjinniOutcomeStatus = 'hired' | 'rejected' | 'invited'
export const DJINNI_REMOTE_TYPES: readonly DjinniRemoteType[] = ['office', 'remote', 'hybrid', 'candidate_choice']
export const DJINNI_OUTCOMES: readonly DjinniOutcomeStatus[] = ['hired', 'rejected', 'invited']

/** `GET /dictionaries/categories/`: the id is what a job's `category` takes */
export const DJINNI_CATEGORIES: Array<{ id: string, name: string }> = [
  'JavaScript', 'TypeScript', 'Node.js', 'Python', 'Java', '.NET', 'PHP', 'Golang', 'Ruby', 'Flutter', 'iOS', 'Android', 'C++',
  'QA', 'QA Automation', 'DevOps', 'Data Science', 'Data Engineer', 'Design', 'Project Manager', 'Product Manager',
  'Business Analyst', 'HR', 'Recruiter', 'Marketing', 'Sales', 'Support'
].map(name => ({ id: name, name }))
/** `GET /dictionaries/experience/`: years of experience a job asks for */
export const DJINNI_EXPERIENCE: Array<{ id: number, name: string }> = Array.from({ length: 11 }, (_, years) => ({
  id: years, name: years === 0 ? 'No experience' : years === 10 ? '10+ years' : years === 1 ? '1 year' : `${years} years`
}))
const DJINNI_TERM_DAYS = 30

export interface DjinniFakeOptions {
  /** the API key of the default (admin) account; default `djinni-test-key` */
  defaultKey?: string
  /** DRF default page size; default 20 */
  pageSize?: number
  /** DRF max_limit; default 100 */
  maxLimit?: number
}

export interface DjinniRecruiter { id: number, name: string, email: string }

export interface DjinniAccount {
  id: number
  key: string
  name: string
  email: string
  companyName: string
  isAdmin: boolean
  apiAccess: boolean
  blocked: boolean
  recruiters: DjinniRecruiter[]
}

export interface DjinniAccountSeed {
  key?: string
  name?: string
  email?: string
  companyName?: string
  isAdmin?: boolean
  apiAccess?: boolean
  blocked?: boolean
  /** the company's other recruiters; admin accounts get three by default */
  recruiters?: Array<{ name: string, email?: string }>
}

/** a job exactly as the API returns it */
export interface DjinniJob {
  id: number
  title: string
  description: string
  category: string
  experience_years: number
  location: string
  remote_type: DjinniRemoteType
  salary_from: number | null
  salary_to: number | null
  is_draft: boolean
  status: DjinniJobStatus
  rejection_reason: string | null
  removal_reason: string | null
  expires_at: string | null
  url: string
  created_at: string
  updated_at: string
}

/** a candidate (one application to one job) exactly as the API returns it */
export interface DjinniCandidate {
  id: number
  job_id: number
  name: string
  email: string | null
  phone: string | null
  photo_url: string | null
  cv_url: string | null
  cv_text: string | null
  cover_letter: string | null
  birth_date: string | null
  skills: string[]
  linkedin: string | null
  github: string | null
  english_level: string | null
  experience_years: number | null
  salary_expectation: number | null
  location: string | null
  created_at: string
  updated_at: string
  url: string
}

export interface DjinniOutcome { applicationId: number, jobId: number, accountId: number, status: DjinniOutcomeStatus, at: string }

export interface DjinniFake {
  /** base URL for the adapter: `http://127.0.0.1:PORT/api/v2` */
  url: string
  server: FakeServer
  /** the default admin account's key */
  defaultKey: string
  accounts: Map<string, DjinniAccount>
  jobs: Map<number, { accountId: number, removed: boolean, job: DjinniJob }>
  candidates: Map<number, DjinniCandidate>
  /** every accepted `POST /applications/{id}/status`, in order */
  outcomes: DjinniOutcome[]
  /** `METHOD /path` of requests no route matched (tests assert it stays empty) */
  unmatched: string[]
  close (): Promise<void>
  now (): Date
  advanceClock (seconds: number): void

  addAccount (seed?: DjinniAccountSeed): DjinniAccount
  blockAccount (key: string, blocked?: boolean): void
  setApiAccess (key: string, enabled: boolean): void

  /** a job without HTTP (status `pending_review` unless given), owned by the key's account */
  addJob (fields?: Partial<DjinniJob>, key?: string): DjinniJob
  getJob (id: number): DjinniJob | undefined
  approveJob (id: number): void
  rejectJob (id: number, reason?: string): void
  /** Djinni's moderators take a live job down: status `removed` */
  takeDownJob (id: number, reason?: string): void
  /** the job's term runs out: status `expired`, `expires_at` in the past */
  expireJob (id: number): void
  /** Djinni deletes the job: 404 from then on */
  removeJob (id: number): void

  /** n generated candidates, or one per partial (unset fields generated from the id) */
  addCandidates (jobId: number, seeds: number | Array<Partial<DjinniCandidate>>): DjinniCandidate[]
  /** change a candidate; `updated_at` moves to now unless given */
  updateCandidate (id: number, changes: Partial<DjinniCandidate>): DjinniCandidate
  /** the last outcome posted for an application */
  outcomeOf (applicationId: number): DjinniOutcomeStatus | undefined
}

// ---------- deterministic Ukrainian people ----------
const CITIES = ['Київ', 'Львів', 'Харків', 'Дніпро', 'Одеса', 'Вінниця', null]
const SKILLS = ['TypeScript', 'Node.js', 'PostgreSQL', 'React', 'Docker', 'Kubernetes', 'Python', 'Django', 'AWS', 'Go', 'Java', 'GraphQL']
const ENGLISH = ['Pre-Intermediate', 'Intermediate', 'Upper-Intermediate', 'Advanced/Fluent', null]

const PATHS = [
  /^\/me\/$/, /^\/recruiters\/$/, /^\/jobs\/$/, /^\/jobs\/(\d+)\/$/, /^\/jobs\/(\d+)\/candidates\/$/, /^\/applications\/(\d+)\/status$/,
  /^\/dictionaries\/(categories|experience)\/$/
]
const CATALOGUES: Record<string, unknown[]> = { categories: DJINNI_CATEGORIES, experience: DJINNI_EXPERIENCE }
const etagOf = (items: unknown[]): string => `"${createHash('sha256').update(JSON.stringify(items)).digest('hex').slice(0, 16)}"`
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/

class Reply {
  constructor (readonly status: number, readonly body?: unknown, readonly headers?: Record<string, string>, readonly unrouted = false) {}
}
const detail = (status: number, text: string): Reply => new Reply(status, { detail: text })
const notFound = (): Reply => detail(404, 'Not found.')
/** a path Djinni does not have: the same 404, recorded in `unmatched` */
const noRoute = (): Reply => new Reply(404, { detail: 'Not found.' }, undefined, true)

export async function startDjinniFake (options: DjinniFakeOptions = {}): Promise<DjinniFake> {
  const pageSize = options.pageSize ?? 20
  const maxLimit = options.maxLimit ?? 100
  let clockOffsetMs = 0
  const now = (): number => Date.now() + clockOffsetMs
  let lastStamp = 0
  /** strictly increasing times, so ordering by updated_at is never a coin toss */
  const stamp = (): number => { lastStamp = Math.max(now(), lastStamp + 1); return lastStamp }
  const iso = (ms: number): string => new Date(ms).toISOString()
  const seq = { account: 0, recruiter: 900, job: 100, candidate: 5000 }

  const accounts = new Map<string, DjinniAccount>()
  const jobs = new Map<number, { accountId: number, removed: boolean, job: DjinniJob }>()
  const candidates = new Map<number, DjinniCandidate>()
  const outcomes: DjinniOutcome[] = []
  let base = ''

  function addAccount (seed: DjinniAccountSeed = {}): DjinniAccount {
    const id = ++seq.account
    const isAdmin = seed.isAdmin ?? true
    const first = pick(FIRST_F, id + 3)
    const last = pick(LAST, id * 3)
    const company = seed.companyName ?? pick(['SoftServe Demo', 'Техно Плюс', 'Карпати Лабс', 'Дніпро Діджитал'], id - 1)
    const domain = translit(company).replace(/[^a-z0-9]/g, '') + '.com.ua'
    const account: DjinniAccount = {
      id,
      key: seed.key ?? (id === 1 ? options.defaultKey ?? 'djinni-test-key' : `djinni-key-${id}`),
      name: seed.name ?? `${first} ${last}`,
      email: seed.email ?? `${translit(first)}.${translit(last)}@${domain}`,
      companyName: company,
      isAdmin,
      apiAccess: seed.apiAccess ?? true,
      blocked: seed.blocked ?? false,
      recruiters: (seed.recruiters ?? (isAdmin
        ? [0, 1, 2].map(i => {
            const f = pick(i % 2 === 0 ? FIRST_M : FIRST_F, id * 3 + i)
            const l = pick(LAST, id * 5 + i + 1)
            return { name: `${f} ${l}`, email: `${translit(f)}.${translit(l)}@${domain}` }
          })
        : [])).map(r => ({ id: ++seq.recruiter, name: r.name, email: r.email ?? `${translit(r.name).replace(/[^a-z]+/g, '.')}@${domain}` }))
    }
    if (accounts.has(account.key)) throw new Error(`Djinni fake: key "${account.key}" exists`)
    accounts.set(account.key, account)
    return account
  }
  const accountOf = (key: string): DjinniAccount => {
    const account = accounts.get(key)
    if (account === undefined) throw new Error(`Djinni fake: no account with key "${key}"`)
    return account
  }
  const recordOf = (id: number): { accountId: number, removed: boolean, job: DjinniJob } => {
    const record = jobs.get(id)
    if (record === undefined) throw new Error(`Djinni fake: no job ${id}`)
    return record
  }

  // ---------- paging ----------
  const positiveInt = (raw: string | null): number | null => raw !== null && /^\d+$/.test(raw) ? Number(raw) : null
  function page<T> (req: FakeRequest, items: T[], path: string): Record<string, unknown> {
    let limit = positiveInt(req.query.get('limit')) ?? pageSize
    if (limit <= 0) limit = pageSize
    limit = Math.min(limit, maxLimit)
    const offset = positiveInt(req.query.get('offset')) ?? 0
    const link = (o: number): string => {
      const q = new URLSearchParams(req.query)
      q.set('limit', String(limit))
      if (o > 0) q.set('offset', String(o)); else q.delete('offset')
      return `${base}${path}?${q.toString()}`
    }
    return {
      count: items.length,
      next: offset + limit < items.length ? link(offset + limit) : null,
      previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
      results: items.slice(offset, offset + limit)
    }
  }

  // ---------- jobs ----------
  type Errors = Record<string, string[]>
  function validateJob (body: Record<string, unknown>, partial: boolean): Errors {
    const errors: Errors = {}
    const need = (field: string): boolean => {
      if (!(field in body) || body[field] === undefined) { if (!partial) errors[field] = ['This field is required.']; return false }
      if (body[field] === null) { errors[field] = ['This field may not be null.']; return false }
      return true
    }
    for (const field of ['title', 'description', 'category', 'location']) {
      if (!need(field)) continue
      if (typeof body[field] !== 'string') errors[field] = ['Not a valid string.']
      else if ((body[field] as string).trim() === '') errors[field] = ['This field may not be blank.']
    }
    if (need('category') && typeof body.category === 'string' && body.category.trim() !== '' && !DJINNI_CATEGORIES.some(c => c.id === body.category)) {
      errors.category = [`"${body.category}" is not a valid choice.`]
    }
    if (need('experience_years') && (!Number.isInteger(body.experience_years) || (body.experience_years as number) < 0)) {
      errors.experience_years = ['A valid integer is required.']
    } else if (body.experience_years !== undefined && body.experience_years !== null && !DJINNI_EXPERIENCE.some(e => e.id === body.experience_years)) {
      errors.experience_years = [`"${String(body.experience_years)}" is not a valid choice.`]
    }
    if (need('remote_type') && !DJINNI_REMOTE_TYPES.includes(body.remote_type as DjinniRemoteType)) {
      errors.remote_type = [`"${String(body.remote_type)}" is not a valid choice.`]
    }
    for (const field of ['salary_from', 'salary_to']) {
      const v = body[field]
      if (v !== undefined && v !== null && !(Number.isInteger(v) && (v as number) >= 0)) errors[field] = ['A valid integer is required.']
    }
    if (body.is_draft !== undefined && typeof body.is_draft !== 'boolean') errors.is_draft = ['Must be a valid boolean.']
    return errors
  }
  const slug = (title: string): string => translit(title).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'job'
  function newJob (accountId: number, fields: Partial<DjinniJob>): DjinniJob {
    const id = fields.id ?? ++seq.job
    seq.job = Math.max(seq.job, id)
    const at = stamp()
    const title = fields.title ?? `Senior Node.js Developer ${id}`
    const job: DjinniJob = {
      id,
      title,
      description: fields.description ?? `Шукаємо досвідченого розробника в команду продукту. Вакансія ${id}.`,
      category: fields.category ?? 'JavaScript',
      experience_years: fields.experience_years ?? 3,
      location: fields.location ?? 'Київ',
      remote_type: fields.remote_type ?? 'remote',
      salary_from: fields.salary_from ?? null,
      salary_to: fields.salary_to ?? null,
      is_draft: fields.is_draft ?? false,
      status: fields.status ?? (fields.is_draft === true ? 'draft' : 'pending_review'),
      rejection_reason: fields.rejection_reason ?? null,
      removal_reason: fields.removal_reason ?? null,
      expires_at: fields.expires_at ?? (fields.status === 'active' ? iso(at + DJINNI_TERM_DAYS * 86_400_000) : null),
      url: fields.url ?? `https://djinni.co/jobs/${id}-${slug(title)}/`,
      created_at: fields.created_at ?? iso(at),
      updated_at: fields.updated_at ?? iso(at)
    }
    jobs.set(id, { accountId, removed: false, job })
    return job
  }
  const EDITABLE = ['title', 'description', 'category', 'experience_years', 'location', 'remote_type', 'salary_from', 'salary_to'] as const

  // ---------- candidates ----------
  function newCandidate (jobId: number, seed: Partial<DjinniCandidate>): DjinniCandidate {
    const id = seed.id ?? ++seq.candidate
    seq.candidate = Math.max(seq.candidate, id)
    const female = id % 2 === 0
    const first = pick(female ? FIRST_F : FIRST_M, id * 7)
    const last = pick(LAST, id * 5 + 1)
    const latin = id % 3 === 2
    const at = stamp()
    const skills = [pick(SKILLS, id), pick(SKILLS, id * 3 + 1), pick(SKILLS, id * 5 + 2)].filter((s, i, all) => all.indexOf(s) === i)
    const years = id % 9
    const candidate: DjinniCandidate = {
      id,
      job_id: jobId,
      name: latin ? `${capitalize(translit(first))} ${capitalize(translit(last))}` : `${first} ${last}`,
      email: `${translit(first)}.${translit(last)}${id}@gmail.com`,
      phone: id % 7 === 3 ? null : uaPhone(id, 1),
      photo_url: id % 4 === 0 ? null : `https://djinni.co/media/photos/${id}.jpg`,
      cv_url: id % 6 === 5 ? null : `https://djinni.co/media/cv/${id}/${translit(last)}-cv.pdf`,
      cv_text: `${first} ${last}. ${years} р. досвіду. Навички: ${skills.join(', ')}.`,
      cover_letter: id % 3 === 0 ? null : `Добрий день! Мене зацікавила ваша вакансія, маю ${years} р. досвіду з ${skills[0] ?? 'Node.js'}.`,
      birth_date: id % 5 === 4 ? null : `${1980 + (id % 22)}-${pad(1 + (id % 12))}-${pad(1 + ((id * 7) % 28))}`,
      skills,
      linkedin: id % 2 === 0 ? `https://www.linkedin.com/in/${translit(first)}-${translit(last)}-${id}` : null,
      github: id % 3 === 1 ? `https://github.com/${translit(last)}${id}` : null,
      english_level: pick(ENGLISH, id),
      experience_years: years,
      salary_expectation: 1500 + (id % 10) * 500,
      location: pick(CITIES, id),
      created_at: iso(at),
      updated_at: iso(at),
      url: `https://djinni.co/home/inbox/${id}/`,
      ...seed
    }
    candidate.id = id
    candidate.job_id = jobId
    if (candidates.has(id)) throw new Error(`Djinni fake: candidate ${id} exists`)
    candidates.set(id, candidate)
    return candidate
  }

  // ---------- HTTP ----------
  function authenticate (req: FakeRequest): DjinniAccount | Reply {
    const raw = req.headers['x-api-key']
    const key = Array.isArray(raw) ? raw[0] : raw
    const account = key === undefined ? undefined : accounts.get(key)
    if (account === undefined) return detail(401, 'Invalid API key.')
    if (account.blocked) return detail(403, 'Account is blocked.')
    if (!account.apiAccess) return detail(403, 'API access is not enabled for this account.')
    return account
  }
  function jsonBody (req: FakeRequest): Record<string, unknown> | Reply {
    const type = req.headers['content-type'] ?? ''
    if (!type.includes('application/json')) return detail(415, `Unsupported media type "${type.split(';')[0] ?? ''}" in request.`)
    if (req.body === Symbol.for('invalid-json')) return detail(400, 'JSON parse error - Expecting value: line 1 column 1 (char 0)')
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) return detail(400, 'Invalid data. Expected a dictionary, but got list.')
    return req.body as Record<string, unknown>
  }
  const ownJob = (account: DjinniAccount, id: number): { accountId: number, removed: boolean, job: DjinniJob } | undefined => {
    const record = jobs.get(id)
    return record === undefined || record.removed || record.accountId !== account.id ? undefined : record
  }

  async function handle (req: FakeRequest): Promise<Reply> {
    if (!req.path.startsWith('/api/v2/')) return noRoute()
    const path = req.path.slice('/api/v2'.length)
    const known = PATHS.find(re => re.test(path))
    if (known === undefined) return noRoute()
    const id = Number(known.exec(path)?.[1] ?? NaN)
    const notAllowed = (): Reply => new Reply(405, { detail: `Method "${req.method}" not allowed.` }, undefined, true)

    const auth = authenticate(req)
    if (auth instanceof Reply) return auth
    const account = auth

    if (known === PATHS[6]) { // /dictionaries/{name}/
      if (req.method !== 'GET') return notAllowed()
      const items = CATALOGUES[known.exec(path)![1]!]!
      const etag = etagOf(items)
      const asked: string = ([] as string[]).concat(req.headers['if-none-match'] ?? []).join(',')
      if (asked.split(',').map(tag => tag.trim()).includes(etag)) return new Reply(304, undefined, { etag })
      return new Reply(200, structuredClone(items), { etag })
    }

    if (path === '/me/') {
      if (req.method !== 'GET') return notAllowed()
      return new Reply(200, { id: account.id, name: account.name, email: account.email, company_name: account.companyName, is_admin: account.isAdmin })
    }
    if (path === '/recruiters/') {
      if (req.method !== 'GET') return notAllowed()
      if (!account.isAdmin) return detail(403, 'Only admin accounts can list recruiters.')
      return new Reply(200, page(req, account.recruiters.map(r => ({ ...r })), path))
    }
    if (path === '/jobs/') {
      if (req.method === 'GET') {
        const own = [...jobs.values()].filter(r => !r.removed && r.accountId === account.id).map(r => ({ ...r.job })).sort((a, b) => a.id - b.id)
        return new Reply(200, page(req, own, path))
      }
      if (req.method !== 'POST') return notAllowed()
      const body = jsonBody(req)
      if (body instanceof Reply) return body
      const errors = validateJob(body, false)
      if (Object.keys(errors).length > 0) return new Reply(400, errors)
      const fields: Partial<DjinniJob> = { is_draft: body.is_draft === true }
      for (const field of EDITABLE) if (body[field] !== undefined) (fields as Record<string, unknown>)[field] = body[field]
      return new Reply(201, { ...newJob(account.id, fields) })
    }
    if (known === PATHS[3]) { // /jobs/{id}/
      const record = ownJob(account, id)
      if (req.method === 'GET') return record === undefined ? notFound() : new Reply(200, { ...record.job })
      if (req.method !== 'PATCH') return notAllowed()
      if (record === undefined) return notFound()
      const body = jsonBody(req)
      if (body instanceof Reply) return body
      const job = record.job
      const errors = validateJob(body, true)
      if (body.status !== undefined && body.status !== 'archived') errors.status = [`"${String(body.status)}" is not a valid choice. Only "archived" can be set.`]
      if (body.is_draft === true && job.status !== 'draft') errors.is_draft = ['A published job cannot become a draft again.']
      if (Object.keys(errors).length > 0) return new Reply(400, errors)
      const edits = EDITABLE.filter(f => body[f] !== undefined)
      if (job.status === 'archived' || job.status === 'expired' || job.status === 'removed') {
        if (edits.length > 0 || body.is_draft === false) return detail(400, job.status === 'archived' ? 'Archived jobs cannot be changed.' : 'This job is closed and cannot be changed.')
        return new Reply(200, { ...job })
      }
      for (const field of edits) (job as unknown as Record<string, unknown>)[field] = body[field]
      if (body.status === 'archived') job.status = 'archived'
      else if (job.status === 'draft' && body.is_draft === false) { job.is_draft = false; job.status = 'pending_review' } else if (job.status === 'rejected' && edits.length > 0) { job.status = 'pending_review'; job.rejection_reason = null }
      job.updated_at = iso(stamp())
      return new Reply(200, { ...job })
    }
    if (known === PATHS[4]) { // /jobs/{id}/candidates/
      if (req.method !== 'GET') return notAllowed()
      if (ownJob(account, id) === undefined) return notFound()
      const since = req.query.get('updated_since')
      let sinceMs = -Infinity
      if (since !== null && since !== '') {
        const naive = ISO_DATE_TIME.test(since) && !/(Z|[+-]\d{2}:?\d{2})$/.test(since) && since.includes('T')
        sinceMs = ISO_DATE_TIME.test(since) ? Date.parse(naive ? `${since}Z` : since) : NaN
        if (Number.isNaN(sinceMs)) return new Reply(400, { updated_since: ['Enter a valid date/time.'] })
      }
      const list = [...candidates.values()]
        .filter(c => c.job_id === id && Date.parse(c.updated_at) >= sinceMs)
        .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id)
        .map(c => ({ ...c, skills: [...c.skills] }))
      return new Reply(200, page(req, list, path))
    }
    // /applications/{id}/status
    if (req.method !== 'POST') return notAllowed()
    const candidate = candidates.get(id)
    const record = candidate === undefined ? undefined : ownJob(account, candidate.job_id)
    if (candidate === undefined || record === undefined) return notFound()
    const body = jsonBody(req)
    if (body instanceof Reply) return body
    if (body.status === undefined) return new Reply(400, { status: ['This field is required.'] })
    if (!DJINNI_OUTCOMES.includes(body.status as DjinniOutcomeStatus)) return new Reply(400, { status: [`"${String(body.status)}" is not a valid choice.`] })
    const status = body.status as DjinniOutcomeStatus
    outcomes.push({ applicationId: id, jobId: candidate.job_id, accountId: account.id, status, at: iso(now()) })
    return new Reply(200, { id, status })
  }

  const server = await startFakeServer(async req => {
    const reply = await handle(req)
    return { status: reply.status, body: reply.body, headers: reply.headers, unrouted: reply.unrouted } satisfies FakeReply
  })
  base = `${server.url}/api/v2`
  const defaultAccount = addAccount({ key: options.defaultKey ?? 'djinni-test-key', isAdmin: true })

  return {
    url: base,
    server,
    defaultKey: defaultAccount.key,
    accounts,
    jobs,
    candidates,
    outcomes,
    unmatched: server.unmatched,
    close: async () => { await server.close() },
    now: () => new Date(now()),
    advanceClock (seconds) { clockOffsetMs += seconds * 1000 },

    addAccount,
    blockAccount (key, blocked = true) { accountOf(key).blocked = blocked },
    setApiAccess (key, enabled) { accountOf(key).apiAccess = enabled },

    addJob (fields = {}, key = defaultAccount.key) { return { ...newJob(accountOf(key).id, fields) } },
    getJob (id) { const r = jobs.get(id); return r === undefined || r.removed ? undefined : { ...r.job } },
    approveJob (id) {
      const job = recordOf(id).job; const at = stamp()
      job.status = 'active'; job.is_draft = false; job.rejection_reason = null; job.updated_at = iso(at); job.expires_at = iso(at + DJINNI_TERM_DAYS * 86_400_000)
    },
    takeDownJob (id, reason = 'Вакансію знято модератором: порушення правил Djinni.') {
      const job = recordOf(id).job; job.status = 'removed'; job.removal_reason = reason; job.updated_at = iso(stamp())
    },
    expireJob (id) { const job = recordOf(id).job; job.status = 'expired'; job.expires_at = iso(now() - 60_000); job.updated_at = iso(stamp()) },
    rejectJob (id, reason = 'Вакансія не відповідає правилам Djinni.') {
      const job = recordOf(id).job; job.status = 'rejected'; job.rejection_reason = reason; job.updated_at = iso(stamp())
    },
    removeJob (id) { recordOf(id).removed = true },

    addCandidates (jobId, seeds) {
      recordOf(jobId)
      const list = typeof seeds === 'number' ? Array.from({ length: seeds }, () => ({})) : seeds
      return list.map(seed => ({ ...newCandidate(jobId, seed) }))
    },
    updateCandidate (id, changes) {
      const candidate = candidates.get(id)
      if (candidate === undefined) throw new Error(`Djinni fake: no candidate ${id}`)
      Object.assign(candidate, changes, { id, job_id: changes.job_id ?? candidate.job_id })
      if (changes.updated_at === undefined) candidate.updated_at = iso(stamp())
      return { ...candidate }
    },
    outcomeOf (applicationId) { return outcomes.filter(o => o.applicationId === applicationId).at(-1)?.status }
  }
}

/** Djinni as the cross-board tests see it (test/fakes/definition.ts) */
export const djinniFake = defineFake({
  id: 'djinni',
  start: startDjinniFake,
  env: fake => ({ DJINNI_API_URL: fake.url }),
  servers: fake => [fake.server],
  close: async fake => { await fake.close() },
  requests: {
    check: /^GET \/api\/v2\/me\/$/,
    publish: /^POST \/api\/v2\/jobs\/$/,
    responsesPage: /^GET \/api\/v2\/jobs\/\d+\/candidates\/$/,
    postingCheck: /^GET \/api\/v2\/jobs\/\d+\/$/,
    // Djinni does not count publications
    availablePublications: null
  },
  dictionary: { name: 'categories', request: /^GET \/api\/v2\/dictionaries\/categories\/$/ },
  outcomes: {
    request: /^POST \/api\/v2\/applications\/\d+\/status$/,
    shared: (fake, externalId) => fake.outcomeOf(Number(externalId)) !== undefined
  },
  scenario: {
    newAccount: fake => {
      const account = fake.addAccount({ key: `djk-${randomUUID()}` })
      return {
        credentials: () => ({ keyName: 'jobsync', apiKey: account.key }),
        revoke: () => { fake.accounts.delete(account.key) },
        restore: () => { fake.accounts.set(account.key, account) }
      }
    },
    publishing: {
      fields: { category: 'JavaScript', experienceYears: 3, location: 'Kyiv', remoteType: 'remote' },
      publicationType: 'standard',
      requiredField: 'category',
      approve: (fake, externalId) => { fake.approveJob(Number(externalId)) },
      fail: (fake, externalId) => { fake.rejectJob(Number(externalId), 'Salary range is missing'); return /Salary range is missing/ }
    },
    responses: {
      severalPages: 150, // pages of 100
      add: (fake, postingId, n, extra = {}) =>
        fake.addCandidates(Number(postingId), Array.from({ length: n }, () => ({ ...extra }) as Partial<DjinniCandidate>)).map(c => String(c.id))
    }
  }
})
