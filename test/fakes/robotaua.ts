// A fake Robota.ua (auth-api.robota.ua + employer-api.robota.ua) for adapter tests over real HTTP.
// One server: the auth host lives under `/auth` (`authUrl`), the employer API under `/api` (`apiUrl`).
//
// From docs/boards.md (Robota.ua):
//   - `POST {authUrl}/Login` `{username, password, remember:true}` → the JWT as a bare string, quoted JSON
//     by default (`quotedToken = false` sends it unquoted as text/plain). There is no refresh token: callers log in anew ahead of `exp`.
//   - `Authorization: Bearer <jwt>` on the API. Cloudflare 403/429 (HTML) only through `server.inject`.
//   - `POST /vacancy/add` (create when `id`/`ID` is 0), `POST /vacancy/state/{id}?state=Publicated|NotPublicated|Closed|Deleted`,
//     `POST /vacancy/list`, `GET /vacancy/get/{id}`, `GET /values/vacancy/publicationtype` (Business, Optimum, Professional, Anonym),
//     `GET /values/citylist` (the ids `cityId` takes).
//   - `POST /apply/list` `{vacancyId, folderId, page}` (0-based, 20 per page) → `{applies:[...]}` newest first, no `since`.
//     Folders are the applies' statuses: 0 every apply whatever its folder, 1 unviewed, 2 viewed, 3 interesting,
//     4 consider, 5 uninteresting, 6 invited, 7 rejected, 10 hired; `vacancyId` 0 is every vacancy of the account.
//     Fields `id, vacancyId, resumeId, name, surname, fatherName, phone, eMail, birthDate, addDate, filePath, skillsSummary`.
//     A phone can be withheld until the employer opens the contacts. `GET /apply/getfile/{id}?resumeType=` (both required).
//   - Third-party (several clients send them): the vacancy body's `employmentTypes` (FullTime, PartTime, ProjectBased, Shift)
//     and `workTypes` (Remote, Hybrid, Office); city items `{id, name, nameUkr}`; the rubric catalogue `GET /values/rubrics`.
//
// ASSUMPTIONS:
//   - Login: the JWT is HS256, payload `{sub, exp, iat, employerId}` (seconds; `employerId` 0 for job seekers),
//     `exp = iat + tokenTtlSeconds` (default 3600). Bad credentials → 400 `{message:"Invalid login or password"}`
//     (`badLoginStatus` switches to 401). Job seekers and blocked employers log in fine.
//   - API: missing/unknown/expired/revoked token → 401, empty body, `WWW-Authenticate: Bearer error="invalid_token"`
//     (ASP.NET JwtBearer style). Job seeker → 403 `{message:"Employer account required"}`; blocked employer →
//     403 `{message:"Employer account is blocked"}`. `GET /values/...` needs no token (a valid one is accepted).
//   - Bodies are JSON (another content type → 415, broken JSON → 400 `{message}`); errors are `{message}`,
//     validation errors `{message, field}` naming the camelCase field. Unknown path → 404, wrong method → 405
//     (empty, both recorded in `unmatched`); a vacancy/apply of another employer → 404 `{message}`.
//   - `POST /vacancy/add` body: `{id|ID, name, description, cityId (an id of /values/citylist, > 0), publicationType
//     (an id of /values/vacancy/publicationtype), salary? (number|null, UAH a month), rubricIds? (ids of /values/rubrics),
//     employmentTypes?, workTypes?}`; all but the optional ones required, also on update (id > 0; it replaces the
//     fields, an absent list empties it). Answer 200 `{id}`. New vacancies are `NotPublicated`.
//   - Catalogues: `/values/vacancy/publicationtype` → `[{id:"Business", name:"Бізнес"}, …]` (id = the enum name used in
//     bodies); `/values/citylist` → `[{id, name (Russian), nameUkr}]` with id 0 "all Ukraine" (a search filter, not a
//     city a vacancy takes); `/values/rubrics` → `[{id, name, nameUkr}]`. No ETag, no conditional answers.
//   - Quota: tickets per employer and publication type (`setTickets`); going to `Publicated` from any other state
//     (a first publication, or the re-activation of a Closed vacancy) spends one, none left → 403
//     `{message:"Not enough publications"}`. State change answers 200 with NO body; an unknown `state` → 400.
//   - Term: a publication runs `publicationDays` (default 30) days; `endDate` (Kyiv local time) says until when, and a
//     vacancy whose term ran out is `Closed` with its `endDate` in the past (`expireVacancy`). Re-activation starts a new term.
//   - Moderation flag on the vacancy: `moderationStatus` `None` (never published) | `Pending` | `Approved` |
//     `Rejected` (+ `moderationComment`); publishing or editing a published vacancy sets `Pending` until
//     `approveVacancy` / `rejectVacancy`.
//   - `Deleted` is a soft delete: `GET /vacancy/get/{id}` still answers the employer's own with `state: "Deleted"`;
//     every other call (edit, state, its applies) answers 404, and the list leaves it out.
//   - `POST /vacancy/list` body `{page?}` (0-based, 20 per page) → `{vacancies, total}`, newest id first, no Deleted.
//   - Applies: an apply sits in one status folder (seeded across 1, 2, 3, 6, 7, 10; a new one is unviewed); `folderId` 0 lists them all,
//     another listed id filters exactly, an id not in the list → 400. `total` counts the list. `coverLetter` is the
//     letter the applicant wrote (null when none). `addDate` / `birthDate` are ASP.NET DateTimes without offset
//     (Kyiv local time), e.g. `2025-03-01T14:05:09` (apply `addDate` with ms: `…T14:05:09.123`); order is `addDate`
//     desc then `id` desc. A hidden phone is `null` (eMail stays).
//     `filePath` is `{apiUrl}/apply/getfile/{id}` when a CV file is attached, else null; getfile (with `resumeType`
//     1..4, else 400) → `application/pdf`, no file → 404 `{message}`. `resumeId` is null for file-only applies.
import { createHmac, randomUUID } from 'node:crypto'
import { Buffer } from 'node:buffer'
import { FIRST_F, FIRST_M, LAST, PATRONYMIC_F, PATRONYMIC_M, pad, pick, translit, uaPhone } from './people.js'
import { startFakeServer, type FakeRequest, type FakeServer } from './fake-server.js'
import { defineFake } from './definition.js'

export type RobotaPublicationType = 'Business' | 'Optimum' | 'Professional' | 'Anonym'
export type RobotaVacancyState = 'NotPublicated' | 'Publicated' | 'Closed' | 'Deleted'
export type RobotaModerationStatus = 'None' | 'Pending' | 'Approved' | 'Rejected'
export const ROBOTA_PUBLICATION_TYPES: Array<{ id: RobotaPublicationType, name: string }> = [
  { id: 'Business', name: 'Бізнес' }, { id: 'Optimum', name: 'Оптимум' }, { id: 'Professional', name: 'Професіонал' }, { id: 'Anonym', name: 'Анонімна' }
]
const STATES: readonly RobotaVacancyState[] = ['NotPublicated', 'Publicated', 'Closed', 'Deleted']
/** the apply folders (statuses) of Robota.ua's API note; 0 lists every apply, whatever its folder */
export const ROBOTA_FOLDERS = { all: 0, unviewed: 1, viewed: 2, interesting: 3, consider: 4, uninteresting: 5, invited: 6, rejected: 7, hired: 10 } as const
const FOLDER_IDS: readonly number[] = Object.values(ROBOTA_FOLDERS)
export type RobotaEmploymentType = 'FullTime' | 'PartTime' | 'ProjectBased' | 'Shift'
export type RobotaWorkType = 'Remote' | 'Hybrid' | 'Office'
const EMPLOYMENT_TYPES: readonly RobotaEmploymentType[] = ['FullTime', 'PartTime', 'ProjectBased', 'Shift']
const WORK_TYPES: readonly RobotaWorkType[] = ['Remote', 'Hybrid', 'Office']

export interface RobotaCatalogueItem { id: number, name: string, nameUkr: string }
const place = (id: number, name: string, nameUkr: string): RobotaCatalogueItem => ({ id, name, nameUkr })
/** `GET /values/citylist`: id 0 is the whole country (a search filter); two cities share a name */
export const ROBOTA_CITIES: RobotaCatalogueItem[] = [
  place(0, 'Вся Украина', 'Вся Україна'),
  place(1, 'Киев', 'Київ'),
  place(2, 'Львов', 'Львів'),
  place(3, 'Одесса', 'Одеса'),
  place(4, 'Днепр', 'Дніпро'),
  place(7, 'Винница', 'Вінниця'),
  place(9, 'Запорожье', 'Запоріжжя'),
  place(21, 'Харьков', 'Харків'),
  place(34, 'Белая Церковь', 'Біла Церква'),
  place(38, 'Каменское', "Кам'янське"),
  place(45, 'Кривой Рог', 'Кривий Ріг'),
  place(57, 'Измаил', 'Ізмаїл'),
  place(118, 'Ирпень', 'Ірпінь'),
  place(214, 'Первомайск', 'Первомайськ'),
  place(215, 'Первомайск', 'Первомайськ')
]
/** `GET /values/rubrics` */
export const ROBOTA_RUBRICS: RobotaCatalogueItem[] = [
  place(1, 'IT', 'IT'),
  place(2, 'Продажи, закупки', 'Продажі, закупівлі'),
  place(3, 'Бухгалтерия, аудит', 'Бухгалтерія, аудит'),
  place(4, 'Маркетинг, реклама, PR', 'Маркетинг, реклама, PR'),
  place(5, 'Логистика, склад', 'Логістика, склад'),
  place(6, 'Управление персоналом, HR', 'Управління персоналом, HR'),
  place(7, 'Дизайн', 'Дизайн')
]

export interface RobotaFakeOptions {
  /** default employer login: `employer@example.com` / `secret` */
  username?: string
  password?: string
  tokenTtlSeconds?: number
  /** send the JWT as a quoted JSON string (default) or bare text/plain */
  quotedToken?: boolean
  /** status for bad credentials; default 400 */
  badLoginStatus?: 400 | 401
  /** tickets a new employer gets; default `{ Business: 5, Optimum: 2, Professional: 1, Anonym: 0 }` */
  tickets?: Partial<Record<RobotaPublicationType, number>>
  /** how long a publication runs; default 30 days */
  publicationDays?: number
}

export interface RobotaAccount {
  id: number
  username: string
  password: string
  kind: 'employer' | 'jobseeker'
  /** 0 for job seekers */
  employerId: number
  name: string
  blocked: boolean
}

export interface RobotaVacancy {
  id: number
  name: string
  description: string
  cityId: number
  publicationType: RobotaPublicationType
  salary: number | null
  rubricIds: number[]
  employmentTypes: RobotaEmploymentType[]
  workTypes: RobotaWorkType[]
  state: RobotaVacancyState
  moderationStatus: RobotaModerationStatus
  moderationComment: string | null
  addDate: string
  updateDate: string
  /** until when the publication runs (Kyiv local time); null before the first publication */
  endDate: string | null
}

/** an apply exactly as the API returns it (phone null while contacts are hidden) */
export interface RobotaApply {
  id: number
  vacancyId: number
  resumeId: number | null
  name: string
  surname: string
  fatherName: string | null
  phone: string | null
  eMail: string | null
  birthDate: string | null
  addDate: string
  filePath: string | null
  skillsSummary: string | null
  coverLetter: string | null
  folderId: number
}

export type RobotaApplySeed = Partial<RobotaApply> & { contactsHidden?: boolean }

export interface RobotaLogin { username: string, ok: boolean, remember: unknown, at: string }

export interface RobotaFake {
  /** the server root; `authUrl` = url + '/auth', `apiUrl` = url + '/api' */
  url: string
  authUrl: string
  apiUrl: string
  server: FakeServer
  defaultUsername: string
  defaultPassword: string
  /** switches, changeable at any time */
  quotedToken: boolean
  tokenTtlSeconds: number
  badLoginStatus: 400 | 401
  accounts: Map<string, RobotaAccount>
  /** tickets left per employer id and publication type */
  tickets: Map<number, Record<RobotaPublicationType, number>>
  vacancies: Map<number, { employerId: number, vacancy: RobotaVacancy }>
  applies: Map<number, { apply: RobotaApply, contactsHidden: boolean, fileText: string | null }>
  /** every login attempt, refused ones included */
  logins: RobotaLogin[]
  /** successful logins */
  readonly loginCount: number
  unmatched: string[]
  close (): Promise<void>
  now (): Date
  advanceClock (seconds: number): void

  addAccount (seed?: Partial<Omit<RobotaAccount, 'id'>>): RobotaAccount
  blockAccount (username: string, blocked?: boolean): void
  /** a valid token without HTTP (not counted as a login) */
  issueToken (username: string): string
  /** make every issued token expired (or only the account's) */
  expireTokens (username?: string): void
  revokeTokens (username?: string): void

  setTickets (type: RobotaPublicationType, n: number, username?: string): void
  addVacancy (fields?: Partial<RobotaVacancy>, username?: string): RobotaVacancy
  getVacancy (id: number): RobotaVacancy | undefined
  approveVacancy (id: number): void
  rejectVacancy (id: number, comment?: string): void
  /** the vacancy's term runs out: Closed, its endDate in the past */
  expireVacancy (id: number): void
  /** the employer (or the board) deletes the vacancy on the site */
  deleteVacancy (id: number): void

  /** n generated applies across the status folders (or all in `folderId`; 0 puts them in unviewed), or one per partial */
  addApplies (vacancyId: number, seeds: number | RobotaApplySeed[], folderId?: number): RobotaApply[]
  moveApply (id: number, folderId: number): void
  /** contacts opened: the phone shows */
  revealContacts (id: number): void
}

// ---------- deterministic Ukrainian people ----------
const SKILLS = ['Excel', '1С', 'CRM', 'Англійська B2', 'Продажі B2B', 'Figma', 'SQL', 'React', 'Логістика', 'Переговори']
const KYIV = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
})
/** ASP.NET DateTime without offset, Kyiv local time: `YYYY-MM-DDTHH:MM:SS`, or `…SS.mmm` with `withMs` */
const kyivTime = (ms: number, withMs = false): string =>
  KYIV.format(new Date(ms)).replace(' ', 'T') + (withMs ? `.${String(ms % 1000).padStart(3, '0')}` : '')
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

class Reply {
  constructor (readonly status: number, readonly body?: unknown, readonly headers?: Record<string, string>, readonly unrouted = false) {}
}
const message = (status: number, text: string, extra: Record<string, unknown> = {}): Reply => new Reply(status, { message: text, ...extra })

const ROUTES: Array<{ re: RegExp, method: string }> = [
  { re: /^\/auth\/Login$/, method: 'POST' },
  { re: /^\/api\/vacancy\/add$/, method: 'POST' },
  { re: /^\/api\/vacancy\/state\/(\d+)$/, method: 'POST' },
  { re: /^\/api\/vacancy\/list$/, method: 'POST' },
  { re: /^\/api\/vacancy\/get\/(\d+)$/, method: 'GET' },
  { re: /^\/api\/values\/vacancy\/publicationtype$/, method: 'GET' },
  { re: /^\/api\/values\/citylist$/, method: 'GET' },
  { re: /^\/api\/values\/rubrics$/, method: 'GET' },
  { re: /^\/api\/apply\/list$/, method: 'POST' },
  { re: /^\/api\/apply\/getfile\/(\d+)$/, method: 'GET' }
]
const PAGE = 20
const DAY_MS = 24 * 60 * 60_000

export async function startRobotaFake (options: RobotaFakeOptions = {}): Promise<RobotaFake> {
  let clockOffsetMs = 0
  const now = (): number => Date.now() + clockOffsetMs
  let lastStamp = 0
  const stamp = (): number => { lastStamp = Math.max(now(), lastStamp + 1); return lastStamp } // distinct, increasing
  const settings = {
    quotedToken: options.quotedToken ?? true,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    badLoginStatus: options.badLoginStatus ?? 400 as 400 | 401,
    publicationDays: options.publicationDays ?? 30
  }
  const secret = 'robota-fake-jwt-secret'
  const seq = { account: 0, employer: 200_000, vacancy: 9_100_000, apply: 41_000_000, resume: 17_000_000 }

  const accounts = new Map<string, RobotaAccount>()
  const tickets = new Map<number, Record<RobotaPublicationType, number>>()
  const tokens = new Map<string, { accountId: number, exp: number, revoked: boolean }>()
  const vacancies = new Map<number, { employerId: number, vacancy: RobotaVacancy }>()
  const applies = new Map<number, { apply: RobotaApply, contactsHidden: boolean, fileText: string | null }>()
  const logins: RobotaLogin[] = []
  let apiUrl = ''

  function addAccount (seed: Partial<Omit<RobotaAccount, 'id'>> = {}): RobotaAccount {
    const id = ++seq.account
    const kind = seed.kind ?? 'employer'
    const employerId = kind === 'jobseeker' ? 0 : seed.employerId ?? ++seq.employer
    const account: RobotaAccount = {
      id,
      username: seed.username ?? `${kind}${id}@example.com`,
      password: seed.password ?? 'secret',
      kind,
      employerId,
      name: seed.name ?? (kind === 'employer' ? pick(['ТОВ «Рога і Копита»', 'ТОВ «Ай Ті Кран»', 'ПП «Степова Агро»'], id - 1) : `${pick(FIRST_M, id)} ${pick(LAST, id)}`),
      blocked: seed.blocked ?? false
    }
    if (accounts.has(account.username)) throw new Error(`Robota fake: username "${account.username}" exists`)
    accounts.set(account.username, account)
    if (employerId !== 0 && !tickets.has(employerId)) tickets.set(employerId, { Business: 5, Optimum: 2, Professional: 1, Anonym: 0, ...options.tickets })
    return account
  }
  const accountOf = (username: string): RobotaAccount => {
    const account = accounts.get(username)
    if (account === undefined) throw new Error(`Robota fake: no account "${username}"`)
    return account
  }
  const vacancyRecord = (id: number): { employerId: number, vacancy: RobotaVacancy } => {
    const record = vacancies.get(id)
    if (record === undefined) throw new Error(`Robota fake: no vacancy ${id}`)
    return record
  }
  const applyRecord = (id: number): { apply: RobotaApply, contactsHidden: boolean, fileText: string | null } => {
    const record = applies.get(id)
    if (record === undefined) throw new Error(`Robota fake: no apply ${id}`)
    return record
  }

  function issueToken (account: RobotaAccount): string {
    const iat = Math.floor(now() / 1000)
    const exp = iat + settings.tokenTtlSeconds
    const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: String(account.id), exp, iat, employerId: account.employerId })}`
    const token = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
    tokens.set(token, { accountId: account.id, exp, revoked: false })
    return token
  }

  function newVacancy (employerId: number, fields: Partial<RobotaVacancy>): RobotaVacancy {
    const id = fields.id ?? ++seq.vacancy
    seq.vacancy = Math.max(seq.vacancy, id)
    const at = kyivTime(now())
    const vacancy: RobotaVacancy = {
      id,
      name: `Менеджер з продажу ${id}`,
      description: 'Шукаємо активного менеджера з продажу. Офіційне працевлаштування, навчання.',
      cityId: 1,
      publicationType: 'Business',
      salary: null,
      rubricIds: [],
      employmentTypes: [],
      workTypes: [],
      state: 'NotPublicated',
      moderationStatus: 'None',
      moderationComment: null,
      addDate: at,
      updateDate: at,
      endDate: fields.state === 'Publicated' || fields.state === 'Closed' ? kyivTime(now() + settings.publicationDays * DAY_MS) : null,
      ...fields
    }
    vacancy.id = id
    vacancies.set(id, { employerId, vacancy })
    return vacancy
  }

  function newApply (vacancyId: number, seed: RobotaApplySeed, index: number, folderId: number | undefined): RobotaApply {
    const { contactsHidden, ...fields } = seed
    const id = fields.id ?? ++seq.apply
    seq.apply = Math.max(seq.apply, id)
    const female = id % 2 === 0
    const name = pick(female ? FIRST_F : FIRST_M, id * 3 + 1)
    const surname = pick(LAST, id * 5 + 4)
    const fileOnly = id % 6 === 0
    const withFile = fileOnly || id % 3 === 1
    const skills = [pick(SKILLS, id), pick(SKILLS, id * 7 + 3)].filter((s, i, all) => all.indexOf(s) === i)
    const apply: RobotaApply = {
      id,
      vacancyId,
      resumeId: fileOnly ? null : ++seq.resume,
      name,
      surname,
      fatherName: id % 4 === 1 ? null : pick(female ? PATRONYMIC_F : PATRONYMIC_M, id),
      phone: uaPhone(id, 3),
      eMail: `${translit(name)}.${translit(surname)}${id}@i.ua`,
      birthDate: id % 5 === 2 ? null : `${1976 + (id % 26)}-${pad(1 + (id % 12))}-${pad(1 + ((id * 13) % 28))}T00:00:00`,
      addDate: kyivTime(stamp(), true),
      filePath: withFile ? `${apiUrl}/apply/getfile/${id}` : null,
      skillsSummary: fileOnly ? null : `${skills.join(', ')}; досвід ${1 + (id % 7)} р.`,
      coverLetter: id % 3 === 0 ? null : `Добрий день! Прошу розглянути мою кандидатуру, маю ${1 + (id % 7)} р. досвіду (${skills[0] ?? 'Excel'}).`,
      folderId: folderId ?? pick([1, 1, 2, 7, 1, 10, 3, 6], index),
      ...fields
    }
    apply.id = id
    apply.vacancyId = vacancyId
    // folder 0 lists them all: an apply seeded "into" it is a new one, unviewed
    if (apply.folderId === ROBOTA_FOLDERS.all) apply.folderId = ROBOTA_FOLDERS.unviewed
    if (!FOLDER_IDS.includes(apply.folderId)) throw new Error(`Robota fake: no folder ${apply.folderId}`)
    if (applies.has(id)) throw new Error(`Robota fake: apply ${id} exists`)
    const hidden = contactsHidden ?? (seed.phone === undefined && index % 4 === 2)
    const latin = `${translit(apply.surname)} ${translit(apply.name)}`
    applies.set(id, { apply, contactsHidden: hidden, fileText: apply.filePath === null ? null : `CV ${latin} apply ${id}` })
    return apply
  }
  const copyOf = (vacancy: RobotaVacancy): RobotaVacancy =>
    ({ ...vacancy, rubricIds: [...vacancy.rubricIds], employmentTypes: [...vacancy.employmentTypes], workTypes: [...vacancy.workTypes] })
  const wireApply = (record: { apply: RobotaApply, contactsHidden: boolean }): RobotaApply =>
    ({ ...record.apply, phone: record.contactsHidden ? null : record.apply.phone })

  function pdf (text: string): string {
    const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`
    return [
      '%PDF-1.4',
      '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj',
      `4 0 obj << /Length ${stream.length} >> stream`, stream, 'endstream endobj',
      'trailer << /Root 1 0 R >>', '%%EOF', ''
    ].join('\n')
  }

  // ---------- HTTP ----------
  const header = (req: FakeRequest, name: string): string | null => { const v = req.headers[name]; return (Array.isArray(v) ? v[0] : v) ?? null }
  function jsonBody (req: FakeRequest, optional = false): Record<string, unknown> | Reply {
    if (optional && req.rawBody === '') return {}
    const type = header(req, 'content-type') ?? ''
    if (!type.includes('application/json')) return message(415, 'Unsupported Media Type')
    if (req.body === Symbol.for('invalid-json')) return message(400, 'The request body is not valid JSON')
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) return message(400, 'A JSON object is expected')
    return req.body as Record<string, unknown>
  }
  const unauthorized = (why: string): Reply =>
    new Reply(401, undefined, { 'www-authenticate': `Bearer error="invalid_token", error_description="${why}"` })

  function login (req: FakeRequest): Reply {
    const body = jsonBody(req)
    if (body instanceof Reply) return body
    const username = typeof body.username === 'string' ? body.username : ''
    const account = accounts.get(username)
    const ok = account !== undefined && typeof body.password === 'string' && account.password === body.password
    logins.push({ username, ok, remember: body.remember, at: new Date(now()).toISOString() })
    if (!ok) return message(settings.badLoginStatus, 'Invalid login or password')
    const token = issueToken(account)
    return settings.quotedToken
      ? new Reply(200, JSON.stringify(token), { 'content-type': 'application/json; charset=utf-8' })
      : new Reply(200, token, { 'content-type': 'text/plain; charset=utf-8' })
  }

  function employer (req: FakeRequest): RobotaAccount | Reply {
    const m = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')
    if (m === null) return unauthorized('no bearer token')
    const token = tokens.get(m[1]!)
    if (token === undefined) return unauthorized('The signature is invalid')
    if (token.revoked) return unauthorized('The token was revoked')
    if (Math.floor(now() / 1000) >= token.exp) return unauthorized(`The token expired at '${new Date(token.exp * 1000).toUTCString()}'`)
    const account = [...accounts.values()].find(a => a.id === token.accountId)!
    if (account.kind !== 'employer') return message(403, 'Employer account required')
    if (account.blocked) return message(403, 'Employer account is blocked')
    return account
  }

  function validateVacancy (body: Record<string, unknown>): Reply | Partial<RobotaVacancy> {
    const required = (field: string): Reply => message(400, `The ${field} field is required.`, { field })
    for (const field of ['name', 'description']) {
      if (typeof body[field] !== 'string' || (body[field] as string).trim() === '') return required(field)
    }
    if (body.cityId === undefined || body.cityId === null) return required('cityId')
    if (!Number.isInteger(body.cityId) || (body.cityId as number) <= 0) return message(400, 'The field cityId must be a positive integer.', { field: 'cityId' })
    if (!ROBOTA_CITIES.some(c => c.id === body.cityId)) return message(400, `Unknown cityId ${String(body.cityId)}.`, { field: 'cityId' })
    if (body.publicationType === undefined || body.publicationType === null) return required('publicationType')
    if (!ROBOTA_PUBLICATION_TYPES.some(t => t.id === body.publicationType)) return message(400, `Unknown publicationType "${String(body.publicationType)}".`, { field: 'publicationType' })
    if (body.salary !== undefined && body.salary !== null && (typeof body.salary !== 'number' || body.salary < 0)) return message(400, 'The field salary must be a positive number.', { field: 'salary' })
    /** a list of known values, or absent (null) for none */
    const list = <T>(field: string, known: (v: unknown) => boolean): T[] | Reply => {
      const value = body[field]
      if (value === undefined || value === null) return []
      if (!Array.isArray(value)) return message(400, `The field ${field} must be an array.`, { field })
      const unknown = value.find(v => !known(v))
      if (unknown !== undefined) return message(400, `Unknown ${field} value ${JSON.stringify(unknown)}.`, { field })
      return [...new Set(value)] as T[]
    }
    const rubricIds = list<number>('rubricIds', v => ROBOTA_RUBRICS.some(r => r.id === v))
    if (rubricIds instanceof Reply) return rubricIds
    const employmentTypes = list<RobotaEmploymentType>('employmentTypes', v => EMPLOYMENT_TYPES.includes(v as RobotaEmploymentType))
    if (employmentTypes instanceof Reply) return employmentTypes
    const workTypes = list<RobotaWorkType>('workTypes', v => WORK_TYPES.includes(v as RobotaWorkType))
    if (workTypes instanceof Reply) return workTypes
    return {
      name: body.name as string,
      description: body.description as string,
      cityId: body.cityId as number,
      publicationType: body.publicationType as RobotaPublicationType,
      salary: (body.salary as number | null | undefined) ?? null,
      rubricIds,
      employmentTypes,
      workTypes
    }
  }

  /** a publication whose term ran out is closed by the board (checked whenever the vacancy is touched) */
  function endTerm (vacancy: RobotaVacancy): void {
    if (vacancy.state === 'Publicated' && vacancy.endDate !== null && vacancy.endDate <= kyivTime(now())) vacancy.state = 'Closed'
  }

  function api (req: FakeRequest, path: string, account: RobotaAccount): Reply {
    /** the employer's vacancy; a Deleted one only where `deleted` says so */
    const own = (id: number, deleted = false): { employerId: number, vacancy: RobotaVacancy } | undefined => {
      const record = vacancies.get(id)
      if (record === undefined || record.employerId !== account.employerId || (record.vacancy.state === 'Deleted' && !deleted)) return undefined
      endTerm(record.vacancy)
      return record
    }
    const vacancyNotFound = (): Reply => message(404, 'Vacancy not found')

    if (path === '/vacancy/add') {
      const body = jsonBody(req)
      if (body instanceof Reply) return body
      const rawId = body.id ?? body.ID
      if (rawId === undefined || rawId === null) return message(400, 'The id field is required (0 to create).', { field: 'id' })
      if (!Number.isInteger(rawId) || (rawId as number) < 0) return message(400, 'The field id must be a number.', { field: 'id' })
      const fields = validateVacancy(body)
      if (fields instanceof Reply) return fields
      if (rawId === 0) return new Reply(200, { id: newVacancy(account.employerId, fields).id })
      const record = own(rawId as number)
      if (record === undefined) return vacancyNotFound()
      Object.assign(record.vacancy, fields, { updateDate: kyivTime(now()) })
      if (record.vacancy.state === 'Publicated') { record.vacancy.moderationStatus = 'Pending'; record.vacancy.moderationComment = null }
      return new Reply(200, { id: record.vacancy.id })
    }
    const state = /^\/vacancy\/state\/(\d+)$/.exec(path)
    if (state !== null) {
      const record = own(Number(state[1]))
      if (record === undefined) return vacancyNotFound()
      const to = req.query.get('state') as RobotaVacancyState | null
      if (to === null || !STATES.includes(to)) return message(400, `Unknown state "${to ?? ''}".`, { field: 'state' })
      const vacancy = record.vacancy
      if (to === 'Publicated' && vacancy.state !== 'Publicated') {
        const left = tickets.get(account.employerId)!
        if (left[vacancy.publicationType] <= 0) return message(403, 'Not enough publications')
        left[vacancy.publicationType]--
        vacancy.moderationStatus = 'Pending'
        vacancy.moderationComment = null
        vacancy.endDate = kyivTime(now() + settings.publicationDays * DAY_MS)
      }
      vacancy.state = to
      vacancy.updateDate = kyivTime(now())
      return new Reply(200)
    }
    if (path === '/vacancy/list') {
      const body = jsonBody(req, true)
      if (body instanceof Reply) return body
      const pageNo = Number.isInteger(body.page) && (body.page as number) >= 0 ? body.page as number : 0
      const list = [...vacancies.values()]
        .filter(r => r.employerId === account.employerId && r.vacancy.state !== 'Deleted')
        .sort((a, b) => b.vacancy.id - a.vacancy.id)
      list.forEach(r => { endTerm(r.vacancy) })
      return new Reply(200, { vacancies: list.slice(pageNo * PAGE, (pageNo + 1) * PAGE).map(r => copyOf(r.vacancy)), total: list.length })
    }
    const get = /^\/vacancy\/get\/(\d+)$/.exec(path)
    if (get !== null) {
      const record = own(Number(get[1]), true)
      return record === undefined ? vacancyNotFound() : new Reply(200, copyOf(record.vacancy))
    }
    if (path === '/apply/list') {
      const body = jsonBody(req)
      if (body instanceof Reply) return body
      if (!Number.isInteger(body.vacancyId)) return message(400, 'The vacancyId field is required.', { field: 'vacancyId' })
      const folderId = body.folderId === undefined || body.folderId === null ? 0 : body.folderId
      if (!Number.isInteger(folderId)) return message(400, 'The field folderId must be a number.', { field: 'folderId' })
      if (!FOLDER_IDS.includes(folderId as number)) return message(400, `Unknown folderId ${String(folderId)}.`, { field: 'folderId' })
      const pageNo = body.page === undefined || body.page === null ? 0 : body.page
      if (!Number.isInteger(pageNo) || (pageNo as number) < 0) return message(400, 'The field page must be a number.', { field: 'page' })
      // vacancy 0: the applies to every vacancy of the account
      if (body.vacancyId !== 0 && own(body.vacancyId as number) === undefined) return vacancyNotFound()
      const list = [...applies.values()]
        .filter(r => (body.vacancyId === 0 ? own(r.apply.vacancyId) !== undefined : r.apply.vacancyId === body.vacancyId))
        .filter(r => folderId === ROBOTA_FOLDERS.all || r.apply.folderId === folderId)
        .sort((a, b) => b.apply.addDate.localeCompare(a.apply.addDate) || b.apply.id - a.apply.id)
      const start = (pageNo as number) * PAGE
      return new Reply(200, { applies: list.slice(start, start + PAGE).map(wireApply), total: list.length })
    }
    const file = /^\/apply\/getfile\/(\d+)$/.exec(path)!
    const resumeType = req.query.get('resumeType')
    if (resumeType === null || !['1', '2', '3', '4'].includes(resumeType)) return message(400, 'The resumeType field is required (1..4).', { field: 'resumeType' })
    const record = applies.get(Number(file[1]))
    if (record === undefined || own(record.apply.vacancyId) === undefined) return message(404, 'Apply not found')
    if (record.fileText === null) return message(404, 'File not found')
    return new Reply(200, pdf(record.fileText), {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="cv-${record.apply.id}.pdf"`
    })
  }

  function handle (req: FakeRequest): Reply {
    const known = ROUTES.find(r => r.re.test(req.path))
    if (known === undefined) return new Reply(404, undefined, undefined, true)
    if (known.method !== req.method) return new Reply(405, undefined, undefined, true)
    if (req.path === '/auth/Login') return login(req)
    const path = req.path.slice('/api'.length)
    if (path === '/values/vacancy/publicationtype') return new Reply(200, ROBOTA_PUBLICATION_TYPES.map(t => ({ ...t })))
    if (path === '/values/citylist') return new Reply(200, ROBOTA_CITIES.map(c => ({ ...c })))
    if (path === '/values/rubrics') return new Reply(200, ROBOTA_RUBRICS.map(r => ({ ...r })))
    const account = employer(req)
    if (account instanceof Reply) return account
    return api(req, path, account)
  }

  const server = await startFakeServer(req => {
    const reply = handle(req)
    return { status: reply.status, body: reply.body, headers: reply.headers, unrouted: reply.unrouted }
  })
  apiUrl = `${server.url}/api`
  const defaultAccount = addAccount({ username: options.username ?? 'employer@example.com', password: options.password ?? 'secret' })
  const forAccounts = (username: string | undefined, change: (t: { accountId: number, exp: number, revoked: boolean }) => void): void => {
    const id = username === undefined ? undefined : accountOf(username).id
    for (const t of tokens.values()) if (id === undefined || t.accountId === id) change(t)
  }

  return {
    url: server.url,
    authUrl: `${server.url}/auth`,
    apiUrl,
    server,
    defaultUsername: defaultAccount.username,
    defaultPassword: defaultAccount.password,
    get quotedToken () { return settings.quotedToken },
    set quotedToken (v: boolean) { settings.quotedToken = v },
    get tokenTtlSeconds () { return settings.tokenTtlSeconds },
    set tokenTtlSeconds (v: number) { settings.tokenTtlSeconds = v },
    get badLoginStatus () { return settings.badLoginStatus },
    set badLoginStatus (v: 400 | 401) { settings.badLoginStatus = v },
    accounts,
    tickets,
    vacancies,
    applies,
    logins,
    get loginCount () { return logins.filter(l => l.ok).length },
    unmatched: server.unmatched,
    close: async () => { await server.close() },
    now: () => new Date(now()),
    advanceClock (seconds) { clockOffsetMs += seconds * 1000 },

    addAccount,
    blockAccount (username, blocked = true) { accountOf(username).blocked = blocked },
    issueToken (username) { return issueToken(accountOf(username)) },
    expireTokens (username) { const past = Math.floor(now() / 1000) - 1; forAccounts(username, t => { t.exp = Math.min(t.exp, past) }) },
    revokeTokens (username) { forAccounts(username, t => { t.revoked = true }) },

    setTickets (type, n, username = defaultAccount.username) {
      const account = accountOf(username)
      if (account.employerId === 0) throw new Error('Robota fake: job seekers have no tickets')
      tickets.get(account.employerId)![type] = n
    },
    addVacancy (fields = {}, username = defaultAccount.username) { return copyOf(newVacancy(accountOf(username).employerId, fields)) },
    getVacancy (id) { const r = vacancies.get(id); if (r === undefined) return undefined; endTerm(r.vacancy); return copyOf(r.vacancy) },
    approveVacancy (id) { const v = vacancyRecord(id).vacancy; v.moderationStatus = 'Approved'; v.moderationComment = null },
    rejectVacancy (id, comment = 'Вакансія не пройшла модерацію.') { const v = vacancyRecord(id).vacancy; v.moderationStatus = 'Rejected'; v.moderationComment = comment },
    expireVacancy (id) { const v = vacancyRecord(id).vacancy; v.endDate = kyivTime(now() - 3600_000); v.state = 'Closed' },
    deleteVacancy (id) { vacancyRecord(id).vacancy.state = 'Deleted' },

    addApplies (vacancyId, seeds, folderId) {
      vacancyRecord(vacancyId)
      const list: RobotaApplySeed[] = typeof seeds === 'number' ? Array.from({ length: seeds }, () => ({})) : seeds
      return list.map((seed, i) => newApply(vacancyId, seed, i, folderId)).map(a => wireApply(applyRecord(a.id)))
    },
    moveApply (id, folderId) { applyRecord(id).apply.folderId = folderId },
    revealContacts (id) { applyRecord(id).contactsHidden = false }
  }
}

/** Robota.ua as the cross-board tests see it (test/fakes/definition.ts) */
export const robotauaFake = defineFake({
  id: 'robotaua',
  start: startRobotaFake,
  env: fake => ({ ROBOTAUA_API_URL: fake.apiUrl, ROBOTAUA_AUTH_URL: fake.authUrl }),
  servers: fake => [fake.server],
  close: async fake => { await fake.close() },
  requests: {
    // every call starts with a login when the stored token is gone or old
    check: /^POST \/auth\/Login$/,
    publish: /^POST \/api\/vacancy\/add$/,
    responsesPage: /^POST \/api\/apply\/list$/,
    postingCheck: /^GET \/api\/vacancy\/get\/\d+$/,
    // Robota.ua's API does not say how many tickets are left
    availablePublications: null
  },
  dictionary: { name: 'cities', request: /^GET \/api\/values\/citylist$/ },
  // no documented call moves an apply into a folder: outcomes stay in jobsync
  outcomes: null,
  scenario: {
    newAccount: fake => {
      const password = `pw-${randomUUID()}`
      const account = fake.addAccount({ username: `ro-${randomUUID().slice(0, 8)}@acme.ua`, password, kind: 'employer' })
      fake.setTickets('Business', 20, account.username)
      return {
        credentials: () => ({ login: account.username, password }),
        revoke: () => { account.password = `changed-${password}`; fake.revokeTokens(account.username) },
        restore: () => { account.password = password },
        expire: () => { fake.expireTokens(account.username) }
      }
    },
    publishing: {
      fields: { cityId: 1 },
      publicationType: 'Business',
      requiredField: 'cityId',
      approve: (fake, externalId) => { fake.approveVacancy(Number(externalId)) },
      fail: (fake, externalId) => { fake.rejectVacancy(Number(externalId), 'Вакансія порушує правила'); return /правила/ }
    },
    responses: {
      severalPages: 30, // pages of 20 per folder, spread over the folders
      add: (fake, postingId, n, extra = {}) =>
        fake.addApplies(Number(postingId), Array.from({ length: n }, () => ({ ...extra }) as RobotaApplySeed)).map(a => String(a.id))
    }
  }
})
