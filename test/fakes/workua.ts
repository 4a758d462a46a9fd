// A fake Work.ua employer API (api.work.ua) for adapter tests over real HTTP. `url` is the API root.
//
// From docs/boards.md (Work.ua; not documented by the board, taken from third-party clients):
//   - HTTP Basic (employer login + password) on every call; `GET /jobs/my` checks it:
//     401 bad credentials, 403 blocked. Headers `X-Locale: uk_UA` and `Accept: application/json`.
//   - 50 requests/s; above that 429, and the IP stays blocked (429 on everything) for one minute.
//     Every call is kept in `calls` with its time and login, so tests can count the requests an
//     account sent per second (`busiestSecond`); `tooManyRequestsOnce` answers the next one 429 (and
//     blocks nothing, so whoever keeps sending shows).
//   - Errors `{errors:[{id, message}]}`; success `{status:"ok", items:[...]}`.
//   - `GET /dictionaries/{town|category|jobtype|experience|education|publication_type}`.
//   - `GET /available-publications` → `{id, total}` per publication type (e.g. `standart_job`).
//   - `POST /jobs`, form-urlencoded, PHP keys `name, description, region[id], category[][id] (≤ 3),
//     jobtype[][id], experience[id], salary[value], publication` → 201 `Location: /jobs/{id}`;
//     a POST with no `publication` key stores a draft that is not shown.
//   - `PUT /jobs/{id}` publish/edit → 204; `PUT /jobs/{id}/close` → 204; `GET /jobs/{id}` → 501.
//   - State through `GET /jobs/my?id={id}&all=1` (`active`, `blocked` = moderation, `date_expire`); one
//     third-party client saw ids as strings and the flags as 0/1 (`phpFlags` answers that way).
//   - `GET /jobs/{id}/responses/?last_id=&limit=50`: ids > last_id ascending; 404 when there are none.
//     Items `id, job_id, candidate_id, date, fio, birth_date, email, phone, type (resume|file|easy), text, cover`.
//
// ASSUMPTIONS:
//   - Missing/other `Accept` → 406 `{errors:[{id:"not_acceptable"}]}`; `X-Locale` is accepted, never required
//     (every call is logged in `calls` with its accept/locale/login so tests can assert them).
//   - 401 `{errors:[{id:"unauthorized"}]}` (+ `WWW-Authenticate: Basic`), 403 `{errors:[{id:"blocked"}]}`.
//   - Rate limit: counted per IP (`X-Forwarded-For` if sent, else 127.0.0.1) over a sliding second; the
//     request over the limit and all requests for `blockMs` answer 429 `{errors:[{id:"too_many_requests"}]}`
//     WITHOUT `Retry-After` (set `sendRetryAfter` to add one). Order: rate limit, Accept, auth, route.
//   - The quota answer is wrapped like every success: `{status:"ok", items:[{id, total}]}`.
//   - Publishing with a type whose `total` is 0 → 403 `{errors:[{id:"publication", message:"No paid publications left"}]}`;
//     every publish (POST with `publication`, or PUT publishing a draft/closed job) spends one.
//   - Required on POST (also for drafts): name, description, region[id], category[][id], jobtype[][id];
//     optional: experience[id], salary[value], publication. Ids must exist in the dictionaries. Each problem is one
//     `{id: <the PHP key>, message}` in a 400. `category[][id]` / `jobtype[][id]` repeat; other keys take the last
//     value (PHP). Indexed keys (`category[0][id]`) are NOT understood. A JSON (non-urlencoded) body → 400 `content_type`.
//   - `PUT /jobs/{id}` takes the same keys, all optional; `publication` publishes a draft or closed job.
//     A published job is `active:true, blocked:true` until `approveJob`; editing an active job blocks it again.
//     Closing: `active:false, closed:true`. `GET /jobs/my` without `all=1` hides closed jobs; no paging.
//     A job of another account, or deleted (`deleteJob`), is 404 `not_found`, and `GET /jobs/my` does not list it.
//   - A publication lasts 30 days: `date_expire` (`YYYY-MM-DD HH:MM:SS`, Kyiv) is set when a job is published
//     (or re-published); once it passes, the job is `active:false` (neither blocked nor closed): expired.
//   - Re-activation: `PUT /jobs/{id}` with `publication` publishes a closed or expired job again (spending one
//     publication of that type), blocked for moderation like a new one.
//   - A job taken down by Work.ua's moderators (`banJob`) is `active:false, blocked:true`; it cannot be
//     published again (400 `job_blocked`). The listing gives no reason.
//   - Responses: default/max `limit` 50; ids are global (increasing, not contiguous per job); unknown job → 404 `not_found`.
//     `date` is `YYYY-MM-DD HH:MM:SS` Kyiv local time; `birth_date` `YYYY-MM-DD` or null; the flags
//     `blacklisted`, `archived`, `rejected` are always present booleans. `candidate_id` is null for `easy` responses.
//   - Unknown paths → 404, a wrong method on a known path → 405; both recorded in `unmatched`.
import { Buffer } from 'node:buffer'
import { randomUUID } from 'node:crypto'
import { FIRST_F, FIRST_M, LAST, PATRONYMIC_F, PATRONYMIC_M, pad, pick, translit, uaPhone } from './people.js'
import { startFakeServer, type FakeRequest, type FakeServer } from './fake-server.js'
import { defineFake } from './definition.js'

export type WorkuaDictionary = 'town' | 'category' | 'jobtype' | 'experience' | 'education' | 'publication_type'
export type WorkuaPublicationType = 'standart_job' | 'vip_job' | 'hot_job'
export type WorkuaResponseType = 'resume' | 'file' | 'easy'

export const WORKUA_DICTIONARIES: Record<WorkuaDictionary, Array<{ id: number | string, name: string }>> = {
  town: [
    { id: 1, name: 'Київ' }, { id: 2, name: 'Харків' }, { id: 3, name: 'Одеса' }, { id: 4, name: 'Дніпро' },
    { id: 5, name: 'Львів' }, { id: 6, name: 'Запоріжжя' }, { id: 7, name: 'Вінниця' }, { id: 8, name: 'Івано-Франківськ' },
    // two towns of one name (Mykolaiv and Luhansk oblasts): the list says no more than the name
    { id: 9, name: 'Первомайськ' }, { id: 10, name: 'Первомайськ' }, { id: 11, name: 'Біла Церква' }
  ],
  category: [
    { id: 1, name: 'IT, комп\'ютери, інтернет' }, { id: 2, name: 'Адміністрація, керівництво середньої ланки' },
    { id: 3, name: 'Бухгалтерія, аудит' }, { id: 4, name: 'Продаж, закупівля' }, { id: 5, name: 'Маркетинг, реклама, PR' },
    { id: 6, name: 'Логістика, склад, ЗЕД' }, { id: 7, name: 'Дизайн, творчість' }, { id: 8, name: 'HR-фахівці, бізнес-тренери' }
  ],
  jobtype: [
    { id: 74, name: 'Повна зайнятість' }, { id: 75, name: 'Неповна зайнятість' },
    { id: 76, name: 'Дистанційна робота' }, { id: 77, name: 'Стажування, практика' }
  ],
  experience: [
    { id: 1, name: 'Без досвіду' }, { id: 2, name: 'Від 1 року' }, { id: 3, name: 'Від 2 років' }, { id: 4, name: 'Від 5 років' }
  ],
  education: [
    { id: 1, name: 'Вища' }, { id: 2, name: 'Незакінчена вища' }, { id: 3, name: 'Середня спеціальна' }, { id: 4, name: 'Середня' }
  ],
  publication_type: [
    { id: 'standart_job', name: 'Стандартна' }, { id: 'vip_job', name: 'VIP' }, { id: 'hot_job', name: 'Гаряча' }
  ]
}
const PUBLICATION_TYPES = WORKUA_DICTIONARIES.publication_type.map(t => t.id as WorkuaPublicationType)
// how long a publication lasts (ASSUMPTION, see the top)
const PUBLICATION_DAYS = 30
const DAY_MS = 86_400_000

export interface WorkuaFakeOptions {
  /** default account login/password: `employer@example.com` / `secret` */
  login?: string
  password?: string
  /** requests per second per IP before the block; default 50 */
  rateLimitPerSecond?: number
  /** how long the IP stays shut out after a 429; default 60 000 ms */
  blockMs?: number
  /** add `Retry-After` (seconds) to rate-limit 429s; default false */
  sendRetryAfter?: boolean
  /** answer `GET /jobs/my` with string ids and 0/1 flags, as one third-party client saw it; default false (numbers, booleans) */
  phpFlags?: boolean
  /** paid publications a new account gets; default `{ standart_job: 5, vip_job: 1, hot_job: 0 }` */
  publications?: Partial<Record<WorkuaPublicationType, number>>
}

export interface WorkuaAccount {
  id: number
  login: string
  password: string
  companyName: string
  blocked: boolean
  publications: Record<WorkuaPublicationType, number>
}

/** a job as `GET /jobs/my` lists it */
export interface WorkuaJob {
  id: number
  name: string
  description: string
  region: { id: number, name: string }
  category: Array<{ id: number, name: string }>
  jobtype: Array<{ id: number, name: string }>
  experience: { id: number, name: string } | null
  salary: { value: number } | null
  publication: WorkuaPublicationType | null
  active: boolean
  blocked: boolean
  closed: boolean
  url: string
  date: string
  /** when the publication ends (Kyiv local time); null while never published */
  date_expire: string | null
}

/** a response exactly as the API returns it */
export interface WorkuaResponse {
  id: number
  job_id: number
  candidate_id: number | null
  date: string
  fio: string
  birth_date: string | null
  email: string | null
  phone: string | null
  type: WorkuaResponseType
  text: string | null
  cover: string | null
  blacklisted: boolean
  archived: boolean
  rejected: boolean
}

export interface WorkuaCall {
  /** when it arrived, by the fake's clock (ms) */
  at: number
  method: string
  path: string
  /** Basic login, when the header parsed */
  login: string | null
  accept: string | null
  locale: string | null
  contentType: string | null
  status: number
}

export interface WorkuaFake {
  url: string
  server: FakeServer
  defaultLogin: string
  defaultPassword: string
  accounts: Map<string, WorkuaAccount>
  jobs: Map<number, { accountId: number, deleted: boolean, job: WorkuaJob }>
  responses: Map<number, WorkuaResponse>
  /** every request that reached the handler (not injected faults), with the headers tests assert on */
  calls: WorkuaCall[]
  unmatched: string[]
  /** rate limit knobs, changeable at any time */
  rateLimit: { perSecond: number, blockMs: number, sendRetryAfter: boolean }
  close (): Promise<void>
  now (): Date
  advanceClock (seconds: number): void
  /** forget request history and lift every IP block */
  resetRateLimit (): void
  /** the next request (of `login`, when given) is answered 429 as one too many (no Retry-After), without blocking anyone */
  tooManyRequestsOnce (login?: string): void
  /** the most requests of `login` (default: every account) that arrived within any one second */
  busiestSecond (login?: string): number
  /** the requests of `login` (default: every account) in each second since the first, by arrival (fixed windows) */
  requestsPerSecond (login?: string): number[]

  addAccount (seed?: { login?: string, password?: string, companyName?: string, blocked?: boolean, publications?: Partial<Record<WorkuaPublicationType, number>> }): WorkuaAccount
  blockAccount (login: string, blocked?: boolean): void
  /** set how many publications of a type are left (default account unless `login`) */
  setPublications (type: WorkuaPublicationType, total: number, login?: string): void

  /** a job without HTTP; published (active, blocked for moderation) unless `active:false` */
  addJob (fields?: Partial<WorkuaJob>, login?: string): WorkuaJob
  getJob (id: number): WorkuaJob | undefined
  approveJob (id: number): void
  blockJob (id: number): void
  deleteJob (id: number): void
  /** Work.ua's moderators take the job down: inactive and blocked */
  banJob (id: number): void
  /** the job's publication runs out now */
  expireJob (id: number): void

  /** n generated responses (flags seeded across them), or one per partial */
  addResponses (jobId: number, seeds: number | Array<Partial<WorkuaResponse>>): WorkuaResponse[]
  setResponseFlags (id: number, flags: Partial<Pick<WorkuaResponse, 'blacklisted' | 'archived' | 'rejected'>>): void
}

// ---------- deterministic Ukrainian people ----------
const TITLES = ['Менеджер з продажу', 'Бухгалтер', 'Офіс-менеджер', 'Frontend-розробник', 'Логіст', 'HR-менеджер', 'Маркетолог']
const KYIV = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
})
/** `YYYY-MM-DD HH:MM:SS`, Kyiv local time */
const kyivTime = (ms: number): string => KYIV.format(new Date(ms))

interface Problem { id: string, message: string }
class Reply {
  constructor (readonly status: number, readonly body?: unknown, readonly headers?: Record<string, string>, readonly unrouted = false) {}
}
const fail = (status: number, ...errors: Problem[]): Reply => new Reply(status, { errors })
const ok = (items: unknown[]): Reply => new Reply(200, { status: 'ok', items })
const jobNotFound = (): Reply => fail(404, { id: 'not_found', message: 'Job not found' })

const ROUTES: Array<{ re: RegExp, methods: string[] }> = [
  { re: /^\/jobs\/my$/, methods: ['GET'] },
  { re: /^\/jobs$/, methods: ['POST'] },
  { re: /^\/jobs\/(\d+)$/, methods: ['GET', 'PUT'] },
  { re: /^\/jobs\/(\d+)\/close$/, methods: ['PUT'] },
  { re: /^\/jobs\/(\d+)\/responses\/$/, methods: ['GET'] },
  { re: /^\/dictionaries\/([a-z_]+)$/, methods: ['GET'] },
  { re: /^\/available-publications$/, methods: ['GET'] }
]

export async function startWorkuaFake (options: WorkuaFakeOptions = {}): Promise<WorkuaFake> {
  let clockOffsetMs = 0
  const now = (): number => Date.now() + clockOffsetMs
  const seq = { account: 0, job: 3_000_000, response: 70_000, candidate: 900_000 }
  const rateLimit = { perSecond: options.rateLimitPerSecond ?? 50, blockMs: options.blockMs ?? 60_000, sendRetryAfter: options.sendRetryAfter ?? false }
  // a 429 asked for: for the next request of this login (null: of anyone)
  const forced429: Array<string | null> = []
  // when each published job's publication ends (ms), behind its `date_expire`
  const expiresAt = new Map<number, number>()
  const publishUntil = (job: WorkuaJob, ends: number): void => { expiresAt.set(job.id, ends); job.date_expire = kyivTime(ends) }
  // jobs Work.ua's moderators took down
  const banned = new Set<number>()
  const hits = new Map<string, number[]>()
  const blockedUntil = new Map<string, number>()

  const accounts = new Map<string, WorkuaAccount>()
  const jobs = new Map<number, { accountId: number, deleted: boolean, job: WorkuaJob }>()
  const responses = new Map<number, WorkuaResponse>()
  const calls: WorkuaCall[] = []

  function addAccount (seed: { login?: string, password?: string, companyName?: string, blocked?: boolean, publications?: Partial<Record<WorkuaPublicationType, number>> } = {}): WorkuaAccount {
    const id = ++seq.account
    const account: WorkuaAccount = {
      id,
      login: seed.login ?? `employer${id}@example.com`,
      password: seed.password ?? 'secret',
      companyName: seed.companyName ?? pick(['ТОВ «Смачна Кава»', 'ТОВ «Логістик Груп»', 'ПП «Будмайстер»'], id - 1),
      blocked: seed.blocked ?? false,
      publications: { standart_job: 5, vip_job: 1, hot_job: 0, ...options.publications, ...seed.publications }
    }
    if (accounts.has(account.login)) throw new Error(`Work.ua fake: login "${account.login}" exists`)
    accounts.set(account.login, account)
    return account
  }
  const accountOf = (login: string): WorkuaAccount => {
    const account = accounts.get(login)
    if (account === undefined) throw new Error(`Work.ua fake: no account "${login}"`)
    return account
  }
  const recordOf = (id: number): { accountId: number, deleted: boolean, job: WorkuaJob } => {
    const record = jobs.get(id)
    if (record === undefined) throw new Error(`Work.ua fake: no job ${id}`)
    return record
  }
  const dict = (name: WorkuaDictionary, id: number): { id: number, name: string } | undefined =>
    WORKUA_DICTIONARIES[name].find(e => e.id === id) as { id: number, name: string } | undefined

  function newJob (accountId: number, fields: Partial<WorkuaJob>): WorkuaJob {
    const id = fields.id ?? ++seq.job
    seq.job = Math.max(seq.job, id)
    const active = fields.active ?? true
    const job: WorkuaJob = {
      id,
      name: `${pick(TITLES, id)} (${id})`,
      description: 'Обов\'язки: робота з клієнтами, ведення документації. Вимоги: відповідальність, досвід від 1 року.',
      region: dict('town', 1)!,
      category: [dict('category', 4)!],
      jobtype: [dict('jobtype', 74)!],
      experience: null,
      salary: null,
      publication: active ? 'standart_job' : null,
      active,
      blocked: active,
      closed: false,
      url: `https://www.work.ua/jobs/${id}/`,
      date: kyivTime(now()),
      date_expire: null,
      ...fields
    }
    job.id = id
    if (job.active && job.date_expire === null) publishUntil(job, now() + PUBLICATION_DAYS * DAY_MS)
    jobs.set(id, { accountId, deleted: false, job })
    return job
  }

  function newResponse (jobId: number, seed: Partial<WorkuaResponse>, index: number): WorkuaResponse {
    const id = seed.id ?? ++seq.response
    seq.response = Math.max(seq.response, id)
    const female = id % 2 === 1
    const first = pick(female ? FIRST_F : FIRST_M, id * 3)
    const last = pick(LAST, id * 7 + 2)
    const patronymic = pick(female ? PATRONYMIC_F : PATRONYMIC_M, id)
    const type: WorkuaResponseType = pick(['resume', 'resume', 'file', 'easy'] as const, id)
    const title = pick(TITLES, id + 1)
    const response: WorkuaResponse = {
      id,
      job_id: jobId,
      candidate_id: type === 'easy' ? null : ++seq.candidate,
      date: kyivTime(now()),
      fio: id % 3 === 1 ? `${first} ${last}` : `${last} ${first} ${patronymic}`,
      birth_date: id % 4 === 3 ? null : `${1978 + (id % 25)}-${pad(1 + (id % 12))}-${pad(1 + ((id * 11) % 28))}`,
      email: type === 'easy' && id % 2 === 0 ? null : `${translit(first)}.${translit(last)}${id}@ukr.net`,
      phone: uaPhone(id, 2),
      type,
      text: type === 'easy'
        ? null
        : `${title}\n${last} ${first} ${patronymic}\nДосвід роботи: ${1 + (id % 8)} р. ${title} у ТОВ «Приклад ${id % 10}».\nОсвіта: вища.`,
      cover: id % 3 === 0 ? null : 'Доброго дня! Прошу розглянути мою кандидатуру на цю вакансію.',
      // each kind of filtered response shows up in any batch of ten or more
      rejected: index % 5 === 3,
      archived: index % 7 === 4,
      blacklisted: index % 9 === 6,
      ...seed
    }
    response.id = id
    response.job_id = jobId
    if (responses.has(id)) throw new Error(`Work.ua fake: response ${id} exists`)
    responses.set(id, response)
    return response
  }

  // ---------- HTTP ----------
  const one = (value: string | string[] | undefined): string | undefined => Array.isArray(value) ? value.at(-1) : value
  const many = (value: string | string[] | undefined): string[] => value === undefined ? [] : Array.isArray(value) ? value : [value]
  const header = (req: FakeRequest, name: string): string | null => { const v = req.headers[name]; return (Array.isArray(v) ? v[0] : v) ?? null }

  function basicLogin (req: FakeRequest): { login: string, password: string } | null {
    const m = /^Basic\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')
    if (m === null) return null
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon < 0 ? null : { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }

  function rateLimited (req: FakeRequest): Reply | null {
    const ip = (header(req, 'x-forwarded-for') ?? '127.0.0.1').split(',')[0]!.trim()
    const t = now()
    const retry = (): Reply => fail(429, { id: 'too_many_requests', message: 'Too many requests: your IP is blocked for one minute' })
    const until = blockedUntil.get(ip) ?? 0
    if (t < until) {
      const reply = retry()
      return rateLimit.sendRetryAfter ? new Reply(429, reply.body, { 'retry-after': String(Math.ceil((until - t) / 1000)) }) : reply
    }
    const recent = (hits.get(ip) ?? []).filter(at => at > t - 1000)
    recent.push(t)
    hits.set(ip, recent)
    const login = basicLogin(req)?.login ?? null
    const forced = forced429.findIndex(who => who === null || who === login)
    if (forced >= 0) {
      // one 429 as Work.ua answers it, without the block behind it: whoever else sends is still
      // answered, so a test sees who kept sending
      forced429.splice(forced, 1)
      return retry()
    }
    if (recent.length > rateLimit.perSecond) {
      blockedUntil.set(ip, t + rateLimit.blockMs)
      hits.delete(ip)
      const reply = retry()
      return rateLimit.sendRetryAfter ? new Reply(429, reply.body, { 'retry-after': String(Math.ceil(rateLimit.blockMs / 1000)) }) : reply
    }
    return null
  }

  /** the urlencoded form, or the 400 for anything else */
  function form (req: FakeRequest): Record<string, string | string[]> | Reply {
    const type = header(req, 'content-type') ?? ''
    if (req.rawBody === '') return {}
    if (!type.includes('application/x-www-form-urlencoded') || typeof req.body !== 'object' || req.body === null) {
      return fail(400, { id: 'content_type', message: 'Expected an application/x-www-form-urlencoded body' })
    }
    return req.body as Record<string, string | string[]>
  }

  /** parse and check the job keys of a form; `required` on create */
  function readJobForm (f: Record<string, string | string[]>, required: boolean): { problems: Problem[], fields: Partial<WorkuaJob>, publication?: string } {
    const problems: Problem[] = []
    const fields: Partial<WorkuaJob> = {}
    const missing = (key: string): void => { if (required) problems.push({ id: key, message: `Field ${key} is required` }) }
    const text = (key: 'name' | 'description'): void => {
      const v = one(f[key])?.trim()
      if (v === undefined || v === '') { if (v === '' || required) problems.push({ id: key, message: `Field ${key} is required` }); return }
      fields[key] = v
    }
    text('name')
    text('description')
    const idOf = (key: string, name: WorkuaDictionary, v: string): { id: number, name: string } | undefined => {
      const entry = /^\d+$/.test(v) ? dict(name, Number(v)) : undefined
      if (entry === undefined) problems.push({ id: key, message: `Unknown ${name} id "${v}"` })
      return entry
    }
    const region = one(f['region[id]'])
    if (region === undefined || region === '') missing('region[id]')
    else { const e = idOf('region[id]', 'town', region); if (e !== undefined) fields.region = e }
    const categories = many(f['category[][id]'])
    if (categories.length === 0) missing('category[][id]')
    else if (categories.length > 3) problems.push({ id: 'category[][id]', message: 'No more than 3 categories' })
    else { const list = categories.map(v => idOf('category[][id]', 'category', v)); if (list.every(e => e !== undefined)) fields.category = list as WorkuaJob['category'] }
    const jobtypes = many(f['jobtype[][id]'])
    if (jobtypes.length === 0) missing('jobtype[][id]')
    else { const list = jobtypes.map(v => idOf('jobtype[][id]', 'jobtype', v)); if (list.every(e => e !== undefined)) fields.jobtype = list as WorkuaJob['jobtype'] }
    const experience = one(f['experience[id]'])
    if (experience !== undefined && experience !== '') { const e = idOf('experience[id]', 'experience', experience); if (e !== undefined) fields.experience = e }
    const salary = one(f['salary[value]'])
    if (salary !== undefined && salary !== '') {
      if (/^\d+$/.test(salary)) fields.salary = { value: Number(salary) }
      else problems.push({ id: 'salary[value]', message: 'Salary must be a whole number' })
    }
    const publication = one(f.publication)
    if (publication !== undefined && publication !== '' && !PUBLICATION_TYPES.includes(publication as WorkuaPublicationType)) {
      problems.push({ id: 'publication', message: `Unknown publication type "${publication}"` })
    }
    return { problems, fields, publication: publication === '' ? undefined : publication }
  }
  const noPublicationsLeft = (): Reply => fail(403, { id: 'publication', message: 'No paid publications left' })

  /** a live job whose publication ran out is no longer active (ASSUMPTION, see the top) */
  function expireIfDue (job: WorkuaJob): void {
    const ends = expiresAt.get(job.id)
    if (job.active && !job.blocked && ends !== undefined && ends <= now()) job.active = false
  }

  function route (req: FakeRequest, account: WorkuaAccount): Reply {
    const path = req.path
    const own = (id: number): { accountId: number, deleted: boolean, job: WorkuaJob } | undefined => {
      const record = jobs.get(id)
      return record === undefined || record.deleted || record.accountId !== account.id ? undefined : record
    }

    if (path === '/jobs/my') {
      const all = req.query.get('all') === '1'
      const idFilter = req.query.get('id')
      const items = [...jobs.values()]
        .filter(r => r.accountId === account.id && !r.deleted && (all || !r.job.closed))
        .filter(r => idFilter === null || String(r.job.id) === idFilter)
        .sort((a, b) => b.job.id - a.job.id)
        .map(r => { expireIfDue(r.job); return structuredClone(r.job) })
      if (options.phpFlags !== true) return ok(items)
      return ok(items.map(job => ({ ...job, id: String(job.id), active: job.active ? 1 : 0, blocked: job.blocked ? 1 : 0, closed: job.closed ? 1 : 0 })))
    }
    if (path === '/available-publications') {
      return ok(PUBLICATION_TYPES.map(id => ({ id, total: account.publications[id] })))
    }
    const dictionary = /^\/dictionaries\/([a-z_]+)$/.exec(path)
    if (dictionary !== null) {
      const items = WORKUA_DICTIONARIES[dictionary[1] as WorkuaDictionary] as WorkuaJob['category'] | undefined
      if (items === undefined) return fail(404, { id: 'not_found', message: `Unknown dictionary "${dictionary[1]!}"` })
      return ok(items.map(e => ({ ...e })))
    }
    if (path === '/jobs') {
      const f = form(req)
      if (f instanceof Reply) return f
      const { problems, fields, publication } = readJobForm(f, true)
      if (problems.length > 0) return fail(400, ...problems)
      const type = publication as WorkuaPublicationType | undefined
      if (type !== undefined) {
        if (account.publications[type] <= 0) return noPublicationsLeft()
        account.publications[type]--
      }
      const job = newJob(account.id, { ...fields, publication: type ?? null, active: type !== undefined, blocked: type !== undefined })
      return new Reply(201, { status: 'ok' }, { location: `/jobs/${job.id}` })
    }
    const close = /^\/jobs\/(\d+)\/close$/.exec(path)
    if (close !== null) {
      const record = own(Number(close[1]))
      if (record === undefined) return jobNotFound()
      record.job.active = false
      record.job.closed = true
      return new Reply(204)
    }
    const responsesPath = /^\/jobs\/(\d+)\/responses\/$/.exec(path)
    if (responsesPath !== null) {
      const jobId = Number(responsesPath[1])
      if (own(jobId) === undefined) return jobNotFound()
      const rawLast = req.query.get('last_id') ?? ''
      const rawLimit = req.query.get('limit') ?? ''
      if (rawLast !== '' && !/^\d+$/.test(rawLast)) return fail(400, { id: 'last_id', message: 'last_id must be a number' })
      if (rawLimit !== '' && !/^\d+$/.test(rawLimit)) return fail(400, { id: 'limit', message: 'limit must be a number' })
      const lastId = rawLast === '' ? 0 : Number(rawLast)
      const limit = Math.min(50, rawLimit === '' || Number(rawLimit) === 0 ? 50 : Number(rawLimit))
      const items = [...responses.values()].filter(r => r.job_id === jobId && r.id > lastId).sort((a, b) => a.id - b.id).slice(0, limit)
      if (items.length === 0) return fail(404, { id: 'not_found', message: 'No responses' })
      return ok(items.map(r => ({ ...r })))
    }
    const jobPath = /^\/jobs\/(\d+)$/.exec(path)!
    const record = own(Number(jobPath[1]))
    if (req.method === 'GET') return fail(501, { id: 'not_implemented', message: 'Not implemented' })
    // PUT /jobs/{id}
    if (record === undefined) return jobNotFound()
    const f = form(req)
    if (f instanceof Reply) return f
    const { problems, fields, publication } = readJobForm(f, false)
    if (problems.length > 0) return fail(400, ...problems)
    const job = record.job
    expireIfDue(job)
    const type = publication as WorkuaPublicationType | undefined
    if (type !== undefined && !job.active) {
      if (banned.has(job.id)) return fail(400, { id: 'job_blocked', message: 'The job was blocked by moderators and cannot be published' })
      if (account.publications[type] <= 0) return noPublicationsLeft()
      account.publications[type]--
      Object.assign(job, fields, { publication: type, active: true, blocked: true, closed: false })
      publishUntil(job, now() + PUBLICATION_DAYS * DAY_MS)
    } else {
      Object.assign(job, fields)
      if (job.active && Object.keys(fields).length > 0) job.blocked = true
    }
    return new Reply(204)
  }

  function handle (req: FakeRequest): Reply {
    const known = ROUTES.find(r => r.re.test(req.path))
    const limited = rateLimited(req)
    // refused before routing, but a request to a path Work.ua does not have is recorded all the same
    if (limited !== null) return known === undefined ? new Reply(limited.status, limited.body, limited.headers, true) : limited
    if (known === undefined) return new Reply(404, { errors: [{ id: 'not_found', message: `Unknown endpoint ${req.method} ${req.path}` }] }, undefined, true)
    if (!known.methods.includes(req.method)) return new Reply(405, { errors: [{ id: 'method_not_allowed', message: `Method ${req.method} not allowed` }] }, undefined, true)
    if (!(header(req, 'accept') ?? '').includes('application/json')) return fail(406, { id: 'not_acceptable', message: 'Send Accept: application/json' })
    const credentials = basicLogin(req)
    const account = credentials === null ? undefined : accounts.get(credentials.login)
    if (account === undefined || account.password !== credentials?.password) {
      return new Reply(401, { errors: [{ id: 'unauthorized', message: 'Invalid login or password' }] }, { 'www-authenticate': 'Basic realm="api.work.ua"' })
    }
    if (account.blocked) return fail(403, { id: 'blocked', message: 'Employer account is blocked' })
    return route(req, account)
  }

  const server = await startFakeServer(req => {
    const reply = handle(req)
    calls.push({
      at: now(),
      method: req.method,
      path: req.path,
      login: basicLogin(req)?.login ?? null,
      accept: header(req, 'accept'),
      locale: header(req, 'x-locale'),
      contentType: header(req, 'content-type'),
      status: reply.status
    })
    return { status: reply.status, body: reply.body, headers: reply.headers, unrouted: reply.unrouted }
  })
  /** arrival times of the calls of `login` (all when undefined), in order */
  const callsOf = (login: string | undefined): number[] => calls.filter(c => login === undefined || c.login === login).map(c => c.at).sort((a, b) => a - b)

  const defaultAccount = addAccount({ login: options.login ?? 'employer@example.com', password: options.password ?? 'secret' })

  return {
    url: server.url,
    server,
    defaultLogin: defaultAccount.login,
    defaultPassword: defaultAccount.password,
    accounts,
    jobs,
    responses,
    calls,
    unmatched: server.unmatched,
    rateLimit,
    close: async () => { await server.close() },
    now: () => new Date(now()),
    advanceClock (seconds) { clockOffsetMs += seconds * 1000 },
    resetRateLimit () { hits.clear(); blockedUntil.clear(); forced429.length = 0 },
    tooManyRequestsOnce (login) { forced429.push(login ?? null) },
    busiestSecond (login) {
      const times = callsOf(login)
      let most = 0
      // the window ending at each arrival holds the most of any window that ends there
      for (let end = 0, start = 0; end < times.length; end++) {
        while (times[start]! <= times[end]! - 1000) start++
        most = Math.max(most, end - start + 1)
      }
      return most
    },
    requestsPerSecond (login) {
      const times = callsOf(login)
      if (times.length === 0) return []
      const counts = new Array<number>(Math.floor((times.at(-1)! - times[0]!) / 1000) + 1).fill(0)
      for (const at of times) counts[Math.floor((at - times[0]!) / 1000)]!++
      return counts
    },

    addAccount,
    blockAccount (login, blocked = true) { accountOf(login).blocked = blocked },
    setPublications (type, total, login = defaultAccount.login) { accountOf(login).publications[type] = total },

    addJob (fields = {}, login = defaultAccount.login) { return structuredClone(newJob(accountOf(login).id, fields)) },
    getJob (id) { const r = jobs.get(id); return r === undefined || r.deleted ? undefined : structuredClone(r.job) },
    approveJob (id) { recordOf(id).job.blocked = false },
    blockJob (id) { recordOf(id).job.blocked = true },
    deleteJob (id) { recordOf(id).deleted = true },
    banJob (id) { Object.assign(recordOf(id).job, { active: false, blocked: true, closed: false }); banned.add(id) },
    expireJob (id) {
      const job = recordOf(id).job
      Object.assign(job, { active: false, blocked: false })
      publishUntil(job, now() - 1000)
    },

    addResponses (jobId, seeds) {
      recordOf(jobId)
      const list = typeof seeds === 'number' ? Array.from({ length: seeds }, () => ({})) : seeds
      return list.map((seed, i) => ({ ...newResponse(jobId, seed, i) }))
    },
    setResponseFlags (id, flags) {
      const response = responses.get(id)
      if (response === undefined) throw new Error(`Work.ua fake: no response ${id}`)
      Object.assign(response, flags)
    }
  }
}

/** Work.ua as the cross-board tests see it (test/fakes/definition.ts) */
export const workuaFake = defineFake({
  id: 'workua',
  start: startWorkuaFake,
  env: fake => ({ WORKUA_API_URL: fake.url }),
  servers: fake => [fake.server],
  close: async fake => { await fake.close() },
  requests: {
    check: /^GET \/jobs\/my$/,
    publish: /^POST \/jobs$/,
    responsesPage: /^GET \/jobs\/\d+\/responses\/$/,
    // one job of the account's list: `GET /jobs/my?id=…&all=1`
    postingCheck: /^GET \/jobs\/my$/,
    availablePublications: /^GET \/available-publications$/
  },
  dictionary: { name: 'category', request: /^GET \/dictionaries\/category$/ },
  // Work.ua has no outcome endpoint: outcomes stay in jobsync
  outcomes: null,
  scenario: {
    newAccount: fake => {
      const password = `wua-${randomUUID()}`
      const account = fake.addAccount({ login: `wu-${randomUUID().slice(0, 8)}@acme.ua`, password, publications: { standart_job: 20 } })
      return {
        credentials: () => ({ login: account.login, password }),
        revoke: () => { account.password = `changed-${password}` },
        restore: () => { account.password = password }
      }
    },
    publishing: {
      fields: { regionId: 1, categoryIds: [1], jobtypeIds: [74] },
      publicationType: 'standart_job',
      requiredField: 'regionId',
      approve: (fake, externalId) => { fake.approveJob(Number(externalId)) },
      // Work.ua shows no rejection, only a job that is gone
      fail: (fake, externalId) => { fake.deleteJob(Number(externalId)); return /removed/ }
    },
    responses: {
      severalPages: 60, // pages of 50
      // none blacklisted, archived or rejected: every one is transferred
      add: (fake, postingId, n, extra = {}) =>
        fake.addResponses(Number(postingId), Array.from({ length: n }, () => ({ blacklisted: false, archived: false, rejected: false, ...extra }) as Partial<WorkuaResponse>)).map(r => String(r.id))
    }
  }
})
