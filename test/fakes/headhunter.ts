// A fake HeadHunter (api.hh.ru + the hh.ru OAuth host) built from hh's published OpenAPI spec
// (vendor/headhunter/openapi.yaml) and docs/boards.md. Every request is checked against
// the spec first; a request the spec does not allow is answered 400 `spec_violation` and recorded
// in `violations`, so an adapter bug fails loudly (tests call `assertNoViolations()` in teardown).
// Error bodies use the spec's shapes: `{ errors: [{ type, value, ... }], request_id }` for the API,
// RFC 6749 `{ error, error_description }` for the token endpoint.
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakeServer, type FakeRequest, type FakeReply, type FakeServer } from './fake-server.js'
import { checkRequestAgainstSpec, checkResponseAgainstSpec, loadHeadHunterSpec } from './headhunter-spec.js'

export type BillingType = 'free' | 'standard' | 'standard_plus' | 'premium'
export const BILLING_TYPES: Record<BillingType, string> = {
  free: 'Бесплатная',
  standard: 'Стандарт',
  standard_plus: 'Стандарт плюс',
  premium: 'Премиум'
}
export const VACANCY_TYPES: Record<string, string> = {
  open: 'Открытая',
  closed: 'Закрытая',
  anonymous: 'Анонимная',
  direct: 'Рекламная'
}
/** The areas the fake knows; only leaves can hold a vacancy (hh: `chosen_area_is_not_a_leaf_or_not_exist`). */
export const AREAS: Record<string, { name: string, leaf: boolean }> = {
  113: { name: 'Россия', leaf: false },
  1: { name: 'Москва', leaf: true },
  2: { name: 'Санкт-Петербург', leaf: true },
  3: { name: 'Екатеринбург', leaf: true },
  4: { name: 'Новосибирск', leaf: true },
  88: { name: 'Казань', leaf: true },
  2019: { name: 'Московская область', leaf: false },
  5: { name: 'Украина', leaf: false },
  115: { name: 'Киев', leaf: true },
  16: { name: 'Беларусь', leaf: false },
  1002: { name: 'Минск', leaf: true },
  40: { name: 'Казахстан', leaf: false },
  160: { name: 'Алматы', leaf: true }
}
/** Employer-side collections of a vacancy's responses; the collection id is also the employer state. */
export const COLLECTIONS: Array<{ id: string, name: string, applicantState: 'response' | 'invitation' | 'discard' }> = [
  { id: 'response', name: 'Неразобранные', applicantState: 'response' },
  { id: 'consider', name: 'Подумать', applicantState: 'response' },
  { id: 'phone_interview', name: 'Первичное собеседование', applicantState: 'invitation' },
  { id: 'interview', name: 'Собеседование', applicantState: 'invitation' },
  { id: 'offer', name: 'Предложение о работе', applicantState: 'invitation' },
  { id: 'hired', name: 'Выход на работу', applicantState: 'invitation' },
  { id: 'discard', name: 'Отказ', applicantState: 'discard' }
]
const APPLICANT_STATES = { response: 'Отклик', invitation: 'Приглашение', discard: 'Отказ' }
/** form fields hh lists as `actions[].arguments` for a state change */
const ACTION_ARGUMENTS = new Set(['message', 'resume_id', 'vacancy_id', 'send_sms', 'address_id'])

export interface HeadHunterFakeOptions {
  /** access token lifetime; hh's is 14 days */
  tokenTtlSeconds?: number
  clientId?: string
  clientSecret?: string
  /** when set, the token endpoint refuses another redirect_uri (`bad redirect url`) */
  redirectUri?: string
  /** publications every new employer account gets, per billing type */
  defaultAvailable?: Partial<Record<BillingType, number>>
  /** hold each refresh this long, so overlapping refreshes show in `maxConcurrentRefreshes` */
  refreshDelayMs?: number
  /** also check the fake's own answers against the spec, into `responseViolations` */
  checkResponses?: boolean
}

export interface EmployerAccountSeed {
  key?: string
  employerName?: string
  /** "Имя Фамилия" of the manager who authorises */
  managerName?: string
  email?: string
  hasAdminRights?: boolean
  /** join an existing employer instead of creating one */
  employerId?: string
  /** other managers (recruiters) of the same employer */
  managers?: Array<{ name: string, email?: string, position?: string, hasAdminRights?: boolean }>
}

export interface ResponseSeed {
  firstName?: string
  lastName?: string
  middleName?: string | null
  email?: string | null
  phone?: { country: string, city: string, number: string } | null
  birthDate?: string | null
  title?: string
  skills?: string[]
  coverLetter?: string | null
  /** the candidate hid or deleted the resume: the item's `resume` is null */
  hiddenResume?: boolean
  /** the same person (resume) applying again, e.g. to a second vacancy */
  resumeId?: string
  collection?: string
  hasUpdates?: boolean
  createdAt?: Date
  updatedAt?: Date
}

export interface SeededResponse {
  negotiationId: string
  resumeId: string
  vacancyId: string
  collection: string
  firstName: string
  lastName: string
  middleName: string | null
  email: string | null
  phone: { country: string, city: string, number: string, formatted: string } | null
  coverLetter: string | null
  hiddenResume: boolean
}

export interface StateChange {
  negotiationId: string
  vacancyId: string
  from: string
  to: string
  message: string | null
  fields: Record<string, string>
  at: string
}

export interface FakeVacancy {
  id: string
  employerId: string
  managerId: string
  fields: Record<string, any>
  approved: boolean
  archived: boolean
  removed: boolean
  rejected: boolean
  createdAt: number
  publishedAt: number
}

export interface HeadHunterFake {
  apiUrl: string
  oauthUrl: string
  server: FakeServer
  clientId: string
  clientSecret: string
  violations: string[]
  responseViolations: string[]
  stateChanges: StateChange[]
  /** successful refresh_token grants */
  readonly refreshCount: number
  /** every refresh_token grant request, refused ones included */
  readonly refreshAttempts: number
  readonly maxConcurrentRefreshes: number
  assertNoViolations (): void
  close (): Promise<void>

  addEmployerAccount (seed?: EmployerAccountSeed): { key: string, employerId: string, managerId: string, userId: string, managerIds: string[] }
  addApplicantAccount (seed?: { key?: string, name?: string, email?: string }): { key: string, userId: string }
  issueAuthCode (accountKey: string): string
  /** skip the OAuth dance: a fresh token pair for the account */
  issueTokens (accountKey: string): { access_token: string, refresh_token: string, expires_in: number }
  expireAccessTokens (accountKey?: string): void
  revokeTokens (accountKey: string): void
  advanceClock (seconds: number): void
  now (): Date

  blockEmployer (employerId: string, how?: 'additional_check' | 'manager_account'): void
  unblockEmployer (employerId: string): void
  /** count null: the employer has no access to that billing type at all */
  setAvailable (accountKey: string, billingType: BillingType, count: number | null): void
  /** the manager's own quota per billing type (hh `quota_exceeded`); unlimited until set */
  setManagerQuota (accountKey: string, billingType: BillingType, count: number | null): void
  /** distinct resumes the account may still open today; null = unlimited */
  setResumeViewQuota (accountKey: string, n: number | null): void
  /** without paid access to the resume database GET /resumes/{id} is 403 action_must_be_payed */
  setPaidResumeAccess (accountKey: string, paid: boolean): void

  vacancies: Map<string, FakeVacancy>
  approveVacancy (id: string): void
  rejectVacancy (id: string): void
  removeVacancy (id: string): void

  addResponses (vacancyId: string, seeds: number | ResponseSeed[], collection?: string): SeededResponse[]
  hideResume (resumeId: string): void
  /** a new message from the candidate: updated_at now, has_updates true */
  touchResponse (negotiationId: string, message?: string): void
  /** where a response is now */
  collectionOf (negotiationId: string): string | undefined
}

interface Manager {
  id: string
  userId: string
  firstName: string
  lastName: string
  middleName: string | null
  email: string
  position: string
  hasAdminRights: boolean
  isMainContact: boolean
  phone: { country: string, city: string, number: string }
}

interface Employer {
  id: string
  name: string
  blocked: null | 'additional_check' | 'manager_account'
  managers: Manager[]
  available: Map<BillingType, number>
}

interface Account {
  key: string
  kind: 'employer' | 'applicant'
  userId: string
  firstName: string
  lastName: string
  middleName: string | null
  email: string
  employerId?: string
  managerId?: string
  managerQuota: Map<BillingType, number>
  resumeViewQuota: number | null
  viewedResumes: Set<string>
  paidResumeAccess: boolean
}

interface TokenPair {
  accountKey: string | null // null: an application token
  access: string
  refresh: string | null
  expiresAt: number
  refreshUsed: boolean
  revoked: boolean
}

interface Person {
  resumeId: string
  firstName: string
  lastName: string
  middleName: string | null
  email: string | null
  phone: { country: string, city: string, number: string } | null
  birthDate: string | null
  gender: 'male' | 'female'
  title: string
  skills: string[]
  areaId: string
  photo: boolean
  hidden: boolean
  createdAt: number
}

interface Message { id: string, author: 'applicant' | 'employer', text: string, createdAt: number, state: 'text' | 'invitation' | 'discard' }

interface Negotiation {
  id: string
  vacancyId: string
  resumeId: string
  collection: string
  applicantState: 'response' | 'invitation' | 'discard'
  createdAt: number
  updatedAt: number
  hasUpdates: boolean
  messages: Message[]
}

interface Draft { id: string, employerId: string, managerId: string, fields: Record<string, any>, createdAt: number }

class Reply {
  constructor (readonly status: number, readonly body?: unknown, readonly headers?: Record<string, string>) {}
}

const MALE_FIRST = ['Иван', 'Дмитрий', 'Сергей', 'Алексей', 'Павел', 'Андрей', 'Михаил', 'Никита', 'Артём', 'Олег']
const FEMALE_FIRST = ['Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ксения', 'Юлия', 'Дарья', 'Виктория']
const LAST = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Лебедев']
const MIDDLE = ['Александров', 'Сергеев', 'Игорев', 'Андреев', 'Олегов']
const TITLES = ['Backend-разработчик', 'Frontend-разработчик', 'Fullstack-разработчик', 'Аналитик данных', 'QA-инженер', 'DevOps-инженер']
const SKILLS = ['TypeScript', 'Node.js', 'PostgreSQL', 'React', 'Docker', 'Kubernetes', 'Python', 'SQL', 'Git', 'Linux', 'Go', 'Java']
const PHONE_PLANS = [
  { country: '7', city: '916' },
  { country: '7', city: '495' },
  { country: '380', city: '67' },
  { country: '7', city: '701' },
  null,
  { country: '375', city: '29' }
]
const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya'
}
const translit = (s: string): string => [...s.toLowerCase()].map(c => TRANSLIT[c] ?? c).join('').replace(/[^a-z0-9]/g, '')
const hex = (seed: string, length: number): string => createHash('sha256').update(seed).digest('hex').slice(0, length)
const formatPhone = (p: { country: string, city: string, number: string }): string =>
  `+${p.country} (${p.city}) ${p.number.slice(0, 3)}-${p.number.slice(3, 5)}-${p.number.slice(5)}`
/** hh writes times as `YYYY-MM-DDThh:mm:ss±hhmm`; the fake answers in Moscow time */
const hhTime = (ms: number): string => new Date(ms + 3 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+0300')
const textLength = (html: string): number =>
  html.replace(/<[^>]*>/g, '').replace(/&[a-z#0-9]+;/gi, ' ').replace(/\s+/g, ' ').trim().length
// "Name/Version (email)", e.g. `MyApp/1.0 (my-app-feedback@example.com)` (spec, HHUserAgent)
const USER_AGENT = /^[^/()]+\/\S+\s+\([^()\s]+@[^()\s]+\.[^()\s]+\)$/

export async function startHeadHunterFake (options: HeadHunterFakeOptions = {}): Promise<HeadHunterFake> {
  loadHeadHunterSpec() // parse the yaml before the first request, not inside it
  const ttlMs = (options.tokenTtlSeconds ?? 1_209_600) * 1000
  const clientId = options.clientId ?? 'FAKEHHCLIENTID0000000001'
  const clientSecret = options.clientSecret ?? 'FAKEHHCLIENTSECRET000001'
  const defaultAvailable = options.defaultAvailable ?? { free: 10, standard: 10 }

  let clockOffsetMs = 0
  const now = (): number => Date.now() + clockOffsetMs
  const seq = { employer: 0, manager: 0, user: 0, account: 0, vacancy: 0, draft: 0, negotiation: 0, person: 0, message: 0, token: 0, code: 0, request: 0 }

  const employers = new Map<string, Employer>()
  const accounts = new Map<string, Account>()
  const tokens = new Map<string, TokenPair>() // by access token
  const refreshTokens = new Map<string, TokenPair>()
  const codes = new Map<string, { accountKey: string, used: boolean }>()
  const vacancies = new Map<string, FakeVacancy>()
  const drafts = new Map<string, Draft>()
  const people = new Map<string, Person>()
  const negotiations = new Map<string, Negotiation>()
  const violations: string[] = []
  const responseViolations: string[] = []
  const stateChanges: StateChange[] = []
  const counters = { refreshes: 0, refreshAttempts: 0, inFlightRefreshes: 0, maxConcurrentRefreshes: 0 }

  let apiUrl = ''
  let currentRequestId = ''
  const apiError = (status: number, errors: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): Reply =>
    new Reply(status, { ...extra, errors, request_id: currentRequestId })
  const oauthError = (error: string, description: string, status = 400): Reply =>
    new Reply(status, { error, error_description: description })
  const notFound = (): Reply => apiError(404, [{ type: 'not_found' }])
  const badArgument = (name: string): Reply => apiError(400, [{ type: 'bad_argument', value: name }], { bad_argument: name })
  const forbidden = (): Reply => apiError(403, [{ type: 'forbidden' }], { description: 'Forbidden' })

  const accountOf = (key: string): Account => {
    const account = accounts.get(key)
    if (account === undefined) throw new Error(`HeadHunter fake: no account "${key}"`)
    return account
  }
  const employerOf = (account: Account): Employer => employers.get(account.employerId!)!

  // ---------- tokens ----------
  const newPair = (accountKey: string | null): TokenPair => {
    const n = ++seq.token
    const pair: TokenPair = {
      accountKey,
      access: hex(`access:${n}`, 64).toUpperCase(),
      refresh: accountKey === null ? null : hex(`refresh:${n}`, 64).toUpperCase(),
      expiresAt: now() + ttlMs,
      refreshUsed: false,
      revoked: false
    }
    tokens.set(pair.access, pair)
    if (pair.refresh !== null) refreshTokens.set(pair.refresh, pair)
    return pair
  }
  const tokenBody = (pair: TokenPair): Record<string, unknown> => pair.refresh === null
    ? { access_token: pair.access, token_type: 'bearer' }
    : { access_token: pair.access, token_type: 'bearer', refresh_token: pair.refresh, expires_in: Math.round((pair.expiresAt - now()) / 1000) }

  async function tokenEndpoint (req: FakeRequest): Promise<Reply> {
    const f = (req.body ?? {}) as Record<string, string>
    const grant = f.grant_type
    if (grant === 'authorization_code') {
      if (f.client_id !== clientId || f.client_secret !== clientSecret) return oauthError('invalid_client', 'client_id or client_secret not found')
      if (options.redirectUri !== undefined && f.redirect_uri !== options.redirectUri) return oauthError('invalid_request', 'bad redirect url')
      const code = codes.get(f.code ?? '')
      if (code === undefined) return oauthError('invalid_request', 'code not found')
      if (code.used) return oauthError('invalid_grant', 'code has already been used')
      code.used = true
      return new Reply(200, tokenBody(newPair(code.accountKey)))
    }
    if (grant === 'refresh_token') {
      counters.refreshAttempts++
      counters.inFlightRefreshes++
      counters.maxConcurrentRefreshes = Math.max(counters.maxConcurrentRefreshes, counters.inFlightRefreshes)
      try {
        if ((options.refreshDelayMs ?? 0) > 0) await sleep(options.refreshDelayMs)
        if ((f.refresh_token ?? '') === '') return oauthError('invalid_request', 'token is empty')
        const pair = refreshTokens.get(f.refresh_token!)
        if (pair === undefined) return oauthError('invalid_request', 'token not found')
        if (pair.revoked) return oauthError('invalid_grant', 'token was revoked')
        if (pair.refreshUsed) return oauthError('invalid_grant', 'token has already been refreshed')
        // hh: "refresh_token можно использовать только один раз и только по истечению срока действия access_token"
        if (now() < pair.expiresAt) return oauthError('invalid_grant', 'token not expired')
        pair.refreshUsed = true
        counters.refreshes++
        return new Reply(200, tokenBody(newPair(pair.accountKey)))
      } finally {
        counters.inFlightRefreshes--
      }
    }
    if (grant === 'client_credentials') {
      if (f.client_id !== clientId || f.client_secret !== clientSecret) return oauthError('invalid_client', 'client_id or client_secret not found')
      return new Reply(200, tokenBody(newPair(null)))
    }
    return oauthError('unsupported_grant_type', 'unsupported grant_type')
  }

  type Auth = { account: Account, pair: TokenPair } | { app: true, pair: TokenPair }
  const oauthFailure = (value: 'bad_authorization' | 'token_expired' | 'token_revoked'): Reply =>
    apiError(403, [{ type: 'oauth', value }], {
      description: 'Forbidden',
      ...(value === 'token_expired' ? { oauth_error: 'token-expired' } : value === 'token_revoked' ? { oauth_error: 'token-revoked' } : {})
    })
  function authenticate (req: FakeRequest): Auth | Reply {
    const raw = req.headers.authorization
    const m = /^Bearer\s+(\S+)$/i.exec(Array.isArray(raw) ? raw[0] ?? '' : raw ?? '')
    if (m === null) return oauthFailure('bad_authorization')
    const pair = tokens.get(m[1]!)
    if (pair === undefined) return oauthFailure('bad_authorization')
    if (pair.revoked) return oauthFailure('token_revoked')
    if (pair.accountKey === null) return { app: true, pair }
    if (now() >= pair.expiresAt) return oauthFailure('token_expired')
    return { account: accountOf(pair.accountKey), pair }
  }
  /** the employer behind a manager token, or the refusal hh gives */
  function employerAuth (auth: Auth, employerId?: string): { account: Account, employer: Employer } | Reply {
    if ('app' in auth) return apiError(403, [{ type: 'oauth', value: 'user_auth_expected' }])
    if (auth.account.kind !== 'employer') return forbidden()
    const employer = employerOf(auth.account)
    if (employer.blocked === 'additional_check') return apiError(403, [{ type: 'forbidden', value: 'employer_on_additional_check_restricted' }])
    if (employer.blocked === 'manager_account') return apiError(403, [{ type: 'manager_accounts', value: 'used_manager_account_forbidden' }])
    if (employerId !== undefined && employerId !== employer.id) return employers.has(employerId) ? forbidden() : notFound()
    return { account: auth.account, employer }
  }

  // ---------- shapes ----------
  const managerOf = (employer: Employer, id: string): Manager | undefined => employer.managers.find(m => m.id === id)
  const areaRef = (id: string): Record<string, string> => ({ id, name: AREAS[id]?.name ?? 'Москва', url: `${apiUrl}/areas/${id}` })

  function meBody (auth: Auth): Record<string, unknown> {
    const flags = (type: string): Record<string, unknown> => ({
      auth_type: type,
      is_admin: false,
      is_applicant: type === 'applicant',
      is_application: type === 'application',
      is_employer: type === 'employer',
      is_employer_integration: false
    })
    if ('app' in auth) return flags('application')
    const a = auth.account
    const person = { id: a.userId, first_name: a.firstName, last_name: a.lastName, middle_name: a.middleName, email: a.email, phone: null }
    if (a.kind === 'applicant') {
      return {
        ...flags('applicant'),
        ...person,
        counters: { new_resume_views: 0, resumes_count: 1, unread_negotiations: 0 },
        resumes_url: `${apiUrl}/resumes/mine`,
        negotiations_url: `${apiUrl}/negotiations`,
        is_in_search: true,
        employer: null,
        manager: null,
        personal_manager: null
      }
    }
    const employer = employerOf(a)
    const manager = managerOf(employer, a.managerId!)!
    return {
      ...flags('employer'),
      ...person,
      employer: { id: employer.id, name: employer.name, manager_id: manager.id },
      manager: {
        id: manager.id,
        has_admin_rights: manager.hasAdminRights,
        has_multiple_manager_accounts: false,
        is_main_contact_person: manager.isMainContact,
        manager_settings_url: `${apiUrl}/employers/${employer.id}/managers/${manager.id}/settings`
      },
      is_in_search: null,
      negotiations_url: null,
      resumes_url: null
    }
  }

  function managerItem (employer: Employer, m: Manager): Record<string, unknown> {
    const fullName = [m.lastName, m.firstName, m.middleName].filter(Boolean).join(' ')
    return {
      id: m.id,
      email: m.email,
      first_name: m.firstName,
      last_name: m.lastName,
      middle_name: m.middleName,
      full_name: fullName,
      name: fullName,
      position: m.position,
      area: areaRef('1'),
      is_main_contact_person: m.isMainContact,
      phone: { ...m.phone, formatted: formatPhone(m.phone), comment: null },
      additional_phone: null,
      special_note_1: null,
      special_note_2: null,
      vacancies_count: [...vacancies.values()].filter(v => v.employerId === employer.id && v.managerId === m.id && !v.archived && !v.removed).length
    }
  }

  function vacancyBody (v: FakeVacancy): Record<string, unknown> {
    const f = v.fields
    const employer = employers.get(v.employerId)!
    const manager = managerOf(employer, v.managerId)!
    const areaId = String(f.area?.id ?? '1')
    const typeId = String(f.type?.id ?? 'open')
    const billing = String(f.billing_type?.id ?? 'standard')
    return {
      id: v.id,
      name: f.name,
      description: f.description,
      branded_description: null,
      area: areaRef(areaId),
      type: { id: typeId, name: VACANCY_TYPES[typeId] ?? typeId },
      billing_type: { id: billing, name: BILLING_TYPES[billing as BillingType] ?? billing },
      professional_roles: (f.professional_roles ?? []).map((r: { id: string }) => ({ id: String(r.id), name: 'Программист, разработчик' })),
      key_skills: (f.key_skills ?? []).map((s: { name: string }) => ({ name: s.name })),
      code: f.code ?? null,
      salary: null,
      salary_range: f.salary_range ?? null,
      experience: f.experience?.id !== undefined ? { id: f.experience.id, name: f.experience.id } : null,
      schedule: { id: f.schedule?.id ?? 'fullDay', name: 'Полный день' },
      employment: { id: f.employment?.id ?? 'full', name: 'Полная занятость' },
      address: null,
      contacts: f.contacts ?? null,
      driver_license_types: f.driver_license_types ?? [],
      accept_handicapped: f.accept_handicapped ?? false,
      accept_incomplete_resumes: f.accept_incomplete_resumes ?? false,
      accept_kids: f.accept_kids ?? false,
      accept_temporary: f.accept_temporary ?? false,
      allow_messages: f.allow_messages ?? true,
      response_letter_required: f.response_letter_required ?? false,
      response_notifications: f.response_notifications ?? true,
      response_url: f.response_url ?? null,
      has_test: false,
      test: null,
      premium: billing === 'premium',
      approved: v.approved,
      archived: v.archived,
      hidden: false,
      can_upgrade_billing_type: billing !== 'premium',
      branded_template: null,
      employer: {
        id: employer.id,
        name: employer.name,
        url: `${apiUrl}/employers/${employer.id}`,
        alternate_url: `https://hh.ru/employer/${employer.id}`,
        logo_urls: null,
        trusted: true
      },
      manager: { id: manager.id },
      created_at: hhTime(v.createdAt),
      initial_created_at: hhTime(v.createdAt),
      published_at: hhTime(v.publishedAt),
      expires_at: hhTime(v.publishedAt + 30 * 86_400_000),
      alternate_url: `https://hh.ru/vacancy/${v.id}`,
      apply_alternate_url: `https://hh.ru/applicant/vacancy_response?vacancyId=${v.id}`,
      languages: f.languages ?? [],
      working_days: [],
      working_time_intervals: [],
      working_time_modes: []
    }
  }

  const resumeUrl = (p: Person): string => `${apiUrl}/resumes/${p.resumeId}`
  function resumeCommon (p: Person): Record<string, unknown> {
    const download = { pdf: { url: `https://hh.ru/resume_converter/${p.resumeId}.pdf?type=pdf` }, rtf: { url: `https://hh.ru/resume_converter/${p.resumeId}.rtf?type=rtf` } }
    const birth = p.birthDate === null ? null : new Date(`${p.birthDate}T00:00:00Z`)
    return {
      id: p.resumeId,
      real_id: p.resumeId,
      title: p.title,
      url: resumeUrl(p),
      alternate_url: `https://hh.ru/resume/${p.resumeId}`,
      first_name: p.firstName,
      last_name: p.lastName,
      middle_name: p.middleName,
      age: birth === null ? null : Math.floor((now() - birth.getTime()) / (365.25 * 86_400_000)),
      gender: { id: p.gender, name: p.gender === 'male' ? 'Мужской' : 'Женский' },
      area: areaRef(p.areaId),
      certificate: [],
      created_at: hhTime(p.createdAt),
      updated_at: hhTime(p.createdAt),
      download,
      actions: { download },
      education: { level: { id: 'higher', name: 'Высшее' } },
      experience: [{ start: '2019-03-01', end: null, company: 'ООО «Ромашка»', position: p.title, industries: [] }],
      hidden_fields: [],
      favorited: false,
      marked: false,
      viewed: false,
      negotiations_history: { url: `${apiUrl}/resumes/${p.resumeId}/negotiations_history` },
      owner: { id: hex(`owner:${p.resumeId}`, 8), comments: { counters: { total: 0 }, url: `${apiUrl}/applicant_comments/${hex(`owner:${p.resumeId}`, 8)}` } },
      photo: p.photo ? photoOf(p) : null,
      total_experience: { months: 60 },
      salary: null,
      tags: []
    }
  }
  // photo URLs are temporary on hh: they carry an expiry
  const photoOf = (p: Person): Record<string, string> => {
    const t = Math.floor(now() / 1000) + 3600
    return {
      small: `https://img.hhcdn.ru/photo/${p.resumeId}_small.jpeg?t=${t}`,
      medium: `https://img.hhcdn.ru/photo/${p.resumeId}_medium.jpeg?t=${t}`,
      40: `https://img.hhcdn.ru/photo/${p.resumeId}_40.jpeg?t=${t}`,
      100: `https://img.hhcdn.ru/photo/${p.resumeId}_100.jpeg?t=${t}`,
      500: `https://img.hhcdn.ru/photo/${p.resumeId}_500.jpeg?t=${t}`
    }
  }
  function fullResume (p: Person): Record<string, unknown> {
    const contact: Array<Record<string, unknown>> = []
    if (p.phone !== null) {
      contact.push({ type: { id: 'cell', name: 'Мобильный телефон' }, value: { ...p.phone, formatted: formatPhone(p.phone) }, preferred: true, comment: null, verified: true, need_verification: false })
    }
    if (p.email !== null) contact.push({ type: { id: 'email', name: 'Эл. почта' }, value: p.email, preferred: p.phone === null })
    const named = (id: string, name: string): Record<string, string> => ({ id, name })
    return {
      ...resumeCommon(p),
      birth_date: p.birthDate,
      contact,
      skill_set: p.skills,
      skills: `Опыт: ${p.skills.join(', ')}`,
      business_trip_readiness: named('ready', 'Готов к командировкам'),
      citizenship: [{ ...named('113', 'Россия'), url: `${apiUrl}/areas/113` }],
      work_ticket: [{ ...named('113', 'Россия'), url: `${apiUrl}/areas/113` }],
      driver_license_types: [],
      employment: named('full', 'Полная занятость'),
      employments: [named('full', 'Полная занятость')],
      schedule: named('fullDay', 'Полный день'),
      schedules: [named('fullDay', 'Полный день')],
      language: [{ ...named('rus', 'Русский'), level: named('l1', 'Родной') }],
      paid_services: [],
      recommendation: [],
      relocation: { type: named('no_relocation', 'не могу переехать'), area: [], district: [] },
      resume_locale: named('RU', 'Русский'),
      travel_time: named('any', 'Не имеет значения'),
      site: [],
      portfolio: [],
      has_vehicle: null,
      metro: null,
      professional_roles: [{ id: '96', name: 'Программист, разработчик' }],
      can_view_full_info: true
    }
  }

  const collectionById = (id: string): (typeof COLLECTIONS)[number] | undefined => COLLECTIONS.find(c => c.id === id)
  function negotiationItem (n: Negotiation): Record<string, unknown> {
    const person = people.get(n.resumeId)!
    const here = collectionById(n.collection)!
    return {
      id: n.id,
      state: { id: n.applicantState, name: APPLICANT_STATES[n.applicantState] },
      employer_state: { id: here.id, name: here.name },
      created_at: hhTime(n.createdAt),
      updated_at: hhTime(n.updatedAt),
      has_updates: n.hasUpdates,
      viewed_by_opponent: n.collection !== 'response',
      messaging_status: 'ok',
      source: 'NEGOTIATION',
      counters: { messages: n.messages.length, unread_messages: n.hasUpdates ? 1 : 0 },
      url: `${apiUrl}/negotiations/${n.id}`,
      messages_url: `${apiUrl}/negotiations/${n.id}/messages`,
      resume: person.hidden ? null : resumeCommon(person),
      actions: COLLECTIONS.filter(c => c.id !== n.collection).map(c => ({
        id: c.id,
        name: c.name,
        url: `${apiUrl}/negotiations/${c.id}/${n.id}`,
        method: 'PUT',
        enabled: true,
        hidden: false,
        arguments: [{ id: 'message', required: false, required_arguments: [] }],
        resulting_employer_state: { id: c.id, name: c.name },
        sub_actions: [],
        templates: []
      })),
      templates: [],
      professional_roles: null,
      funnel_stage: null,
      test_result: null
    }
  }

  function messageItem (m: Message): Record<string, unknown> {
    return {
      id: m.id,
      author: { participant_type: m.author },
      created_at: hhTime(m.createdAt),
      editable: false,
      read: true,
      state: { id: m.state, name: m.state === 'text' ? 'Текст' : m.state === 'invitation' ? 'Приглашение' : 'Отказ' },
      text: m.text,
      viewed_by_me: true,
      viewed_by_opponent: true,
      address: null,
      assessments: []
    }
  }

  // ---------- vacancy rules ----------
  type FieldError = { field: string, pointer: string, reason: string }
  function validateVacancy (f: Record<string, any>): FieldError[] {
    const errors: FieldError[] = []
    const need = (field: string, ok: boolean, reason: string, pointer = `/${field}`): void => { if (!ok) errors.push({ field, pointer, reason }) }
    if (typeof f.name !== 'string') need('name', false, 'required')
    else need('name', f.name.trim() !== '', 'is_empty')
    if (typeof f.description !== 'string') need('description', false, 'required')
    else if (textLength(f.description) === 0) need('description', false, 'is_empty')
    else if (textLength(f.description) < 200) need('description', false, 'is_too_short')
    else need('description', !/[\w.+-]+@[\w-]+\.[\w.]+/.test(f.description), 'email_in_description')
    if (f.area?.id === undefined) need('area', false, 'required', '/area/id')
    else need('area', AREAS[String(f.area.id)]?.leaf === true, 'chosen_area_is_not_a_leaf_or_not_exist', '/area/id')
    if (f.type?.id === undefined) need('type', false, 'required', '/type/id')
    else need('type', String(f.type.id) in VACANCY_TYPES, 'invalid', '/type/id')
    if (f.billing_type?.id === undefined) need('billing_type', false, 'required', '/billing_type/id')
    else need('billing_type', String(f.billing_type.id) in BILLING_TYPES, 'invalid', '/billing_type/id')
    const roles = f.professional_roles
    if (!Array.isArray(roles) || roles.length === 0) need('professional_roles', false, 'required')
    else {
      need('professional_roles', roles.length === 1, 'wrong_size')
      roles.forEach((r: { id?: unknown }, i: number) => need('professional_roles', /^\d+$/.test(String(r?.id ?? '')), 'invalid', `/professional_roles/${i}/id`))
    }
    return errors
  }
  /** 403 `vacancies` refusals of hh, in its order: access and quota, then duplicates */
  function publicationRefusal (account: Account, employer: Employer, f: Record<string, any>, ignoreDuplicates: boolean, exceptId?: string): Reply | null {
    const billing = String(f.billing_type.id) as BillingType
    const left = employer.available.get(billing)
    if (left === undefined || left <= 0) return apiError(403, [{ type: 'vacancies', value: 'not_enough_purchased_services' }])
    const quota = account.managerQuota.get(billing)
    if (quota !== undefined && quota <= 0) return apiError(403, [{ type: 'vacancies', value: 'quota_exceeded' }])
    if (!ignoreDuplicates) {
      const dupes = [...vacancies.values()].filter(v => v.id !== exceptId && v.employerId === employer.id && !v.archived && !v.removed &&
        String(v.fields.name).trim().toLowerCase() === String(f.name).trim().toLowerCase() && String(v.fields.area?.id) === String(f.area?.id))
      if (dupes.length > 0) return apiError(403, [{ type: 'vacancies', value: 'duplicate', found: dupes.length, items: dupes.map(v => ({ id: Number(v.id) })) }])
    }
    return null
  }
  function createVacancy (account: Account, employer: Employer, f: Record<string, any>): FakeVacancy {
    const billing = String(f.billing_type.id) as BillingType
    employer.available.set(billing, employer.available.get(billing)! - 1)
    const quota = account.managerQuota.get(billing)
    if (quota !== undefined) account.managerQuota.set(billing, quota - 1)
    const id = String(90_000_000 + ++seq.vacancy)
    const managerId = typeof f.manager?.id === 'string' && managerOf(employer, f.manager.id) !== undefined ? f.manager.id : account.managerId!
    const v: FakeVacancy = { id, employerId: employer.id, managerId, fields: structuredClone(f), approved: false, archived: false, removed: false, rejected: false, createdAt: now(), publishedAt: now() }
    vacancies.set(id, v)
    return v
  }
  const ownVacancy = (employer: Employer, id: string): FakeVacancy | undefined => {
    const v = vacancies.get(id)
    return v !== undefined && !v.removed && v.employerId === employer.id ? v : undefined
  }

  // ---------- routes ----------
  type Handler = (req: FakeRequest, params: string[], auth: Auth) => Reply | Promise<Reply>
  const routes: Array<{ method: string, pattern: RegExp, handler: Handler }> = []
  const on = (method: string, path: string, handler: Handler): void => {
    routes.push({ method, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`), handler })
  }
  const query = (req: FakeRequest, name: string): string | undefined => req.query.get(name) ?? undefined
  const pageParams = (req: FakeRequest, def: number, max: number): { page: number, perPage: number } | Reply => {
    const page = Number(query(req, 'page') ?? 0)
    const perPage = Number(query(req, 'per_page') ?? def)
    if (!Number.isInteger(page) || page < 0) return badArgument('page')
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > max) return badArgument('per_page')
    return { page, perPage }
  }
  const paged = <T>(all: T[], page: number, perPage: number): { items: T[], found: number, page: number, pages: number, per_page: number } => ({
    items: all.slice(page * perPage, page * perPage + perPage),
    found: all.length,
    page,
    pages: Math.ceil(all.length / perPage),
    per_page: perPage
  })

  on('GET', '/me', (_req, _p, auth) => new Reply(200, meBody(auth)))

  on('GET', '/employers/{eid}/managers', (req, [eid], auth) => {
    const e = employerAuth(auth, eid)
    if (e instanceof Reply) return e
    if (!managerOf(e.employer, e.account.managerId!)!.hasAdminRights) return forbidden()
    const p = pageParams(req, 200, 200)
    if (p instanceof Reply) return p
    const search = query(req, 'search_text')?.toLowerCase()
    const list = e.employer.managers.filter(m => search === undefined || `${m.lastName} ${m.firstName} ${m.middleName ?? ''}`.toLowerCase().includes(search))
    return new Reply(200, paged(list.map(m => managerItem(e.employer, m)), p.page, p.perPage))
  })

  on('GET', '/employers/{eid}/managers/{mid}/vacancies/available_types', (_req, [eid, mid], auth) => {
    const e = employerAuth(auth, eid)
    if (e instanceof Reply) return e
    if (managerOf(e.employer, mid!) === undefined) return notFound()
    if (mid !== e.account.managerId && !managerOf(e.employer, e.account.managerId!)!.hasAdminRights) return forbidden()
    const items = [...e.employer.available.entries()].map(([billing, count]) => ({
      name: BILLING_TYPES[billing],
      description: `Публикация «${BILLING_TYPES[billing]}» на 30 дней`,
      available_publications_count: count,
      vacancy_billing_type: { id: billing, name: BILLING_TYPES[billing] },
      vacancy_types: Object.keys(VACANCY_TYPES).map(id => ({ id, name: VACANCY_TYPES[id] })),
      publications: [{ name: 'Вся Россия', count, areas_url: `${apiUrl}/areas/113` }]
    }))
    return new Reply(200, { items })
  })

  on('POST', '/vacancies', (req, _p, auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const f = req.body as Record<string, any>
    const errors = validateVacancy(f)
    if (errors.length > 0) {
      return apiError(400, errors.map(x => ({ type: 'bad_json_data', value: x.field, pointer: x.pointer, reason: x.reason })))
    }
    const refusal = publicationRefusal(e.account, e.employer, f, query(req, 'ignore_duplicates') === 'true')
    if (refusal !== null) return refusal
    const v = createVacancy(e.account, e.employer, f)
    return new Reply(201, { id: v.id }, { location: `/vacancies/${v.id}` })
  })

  on('POST', '/vacancies/drafts', (req, _p, auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const f = structuredClone(req.body) as Record<string, any>
    const id = String(5_000_000 + ++seq.draft)
    drafts.set(id, { id, employerId: e.employer.id, managerId: e.account.managerId!, fields: f, createdAt: now() })
    const errors = validateVacancy(f)
    return new Reply(201, {
      id,
      name: typeof f.name === 'string' ? f.name : '',
      publication_ready: errors.length === 0,
      ignored_fields: [],
      validation_errors: errors.map(x => ({ value: x.field, reason: x.reason }))
    })
  })

  on('GET', '/vacancies/drafts/{id}', (_req, [id], auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const d = drafts.get(id!)
    if (d === undefined || d.employerId !== e.employer.id) return notFound()
    const f = d.fields
    const errors = validateVacancy(f)
    const manager = managerOf(e.employer, d.managerId)!
    const billing = f.billing_type?.id as string | undefined
    return new Reply(200, {
      id: d.id,
      name: f.name ?? '',
      description: f.description ?? '',
      areas: f.area?.id !== undefined ? [{ id: String(f.area.id), name: AREAS[String(f.area.id)]?.name ?? '' }] : [],
      type: { id: f.type?.id ?? 'open' },
      billing_type: billing !== undefined ? { id: billing } : null,
      professional_roles: (f.professional_roles ?? []).map((r: { id: string }) => ({ id: String(r.id) })),
      key_skills: f.key_skills ?? [],
      languages: [],
      driver_license_types: f.driver_license_types ?? [],
      experience: f.experience ?? null,
      schedule: f.schedule ?? { id: 'fullDay' },
      address: { id: null, show_metro_only: false },
      contacts: { name: null, email: null, phones: null },
      manager: { id: manager.id },
      employer: { id: e.employer.id, name: e.employer.name, url: `${apiUrl}/employers/${e.employer.id}`, alternate_url: `https://hh.ru/employer/${e.employer.id}`, logo_urls: { 90: 'https://img.hhcdn.ru/employer-logo/90.png', 240: 'https://img.hhcdn.ru/employer-logo/240.png' } },
      accept_handicapped: false,
      accept_incomplete_resumes: false,
      accept_kids: false,
      allow_messages: true,
      has_test: false,
      response_letter_required: false,
      response_notifications: true,
      with_zp: false,
      meta_info: {
        draft_id: d.id,
        publication_ready: errors.length === 0,
        completed_fields_percentage: Math.round(100 * (6 - new Set(errors.map(x => x.field)).size) / 6),
        scheduled_at: null
      }
    })
  })

  on('POST', '/vacancies/drafts/{id}/publish', (_req, [id], auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const d = drafts.get(id!)
    if (d === undefined || d.employerId !== e.employer.id) return notFound()
    const errors = validateVacancy(d.fields)
    // ErrorsVacancyError (spec, publish-vacancy-from-draft): `vacancies` + field name + reason, no pointer
    if (errors.length > 0) return apiError(400, errors.map(x => ({ type: 'vacancies', value: x.field, reason: x.reason })))
    const refusal = publicationRefusal(e.account, e.employer, d.fields, false)
    if (refusal !== null) return refusal
    const v = createVacancy(e.account, e.employer, { ...d.fields, manager: { id: d.managerId } })
    drafts.delete(d.id)
    return new Reply(201, { vacancy_ids: [Number(v.id)] })
  })

  on('GET', '/vacancies/{id}', (_req, [id], auth) => {
    const v = vacancies.get(id!)
    if (v === undefined || v.removed) return notFound()
    if (!('app' in auth) && auth.account.kind === 'employer' && auth.account.employerId === v.employerId) {
      const e = employerAuth(auth)
      if (e instanceof Reply) return e
    }
    return new Reply(200, vacancyBody(v))
  })

  on('PUT', '/vacancies/{id}', (req, [id], auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const v = ownVacancy(e.employer, id!)
    if (v === undefined) return notFound()
    if (v.archived) return apiError(403, [{ type: 'vacancies', value: 'unavailable_for_archived' }])
    const merged = { ...v.fields, ...(req.body as Record<string, any>) }
    const errors = validateVacancy(merged)
    if (errors.length > 0) return apiError(400, errors.map(x => ({ type: 'bad_json_data', value: x.field, pointer: x.pointer, reason: x.reason })))
    if (query(req, 'ignore_duplicates') !== 'true') {
      const dupes = [...vacancies.values()].filter(o => o.id !== v.id && o.employerId === e.employer.id && !o.archived && !o.removed &&
        String(o.fields.name).trim().toLowerCase() === String(merged.name).trim().toLowerCase() && String(o.fields.area?.id) === String(merged.area?.id))
      if (dupes.length > 0) return apiError(403, [{ type: 'vacancies', value: 'duplicate', found: dupes.length, items: dupes.map(o => ({ id: Number(o.id) })) }])
    }
    v.fields = structuredClone(merged)
    return new Reply(204)
  })

  on('PUT', '/employers/{eid}/vacancies/archived/{vid}', (_req, [eid, vid], auth) => {
    const e = employerAuth(auth, eid)
    if (e instanceof Reply) return e
    const v = ownVacancy(e.employer, vid!)
    if (v === undefined) return notFound()
    v.archived = true
    return new Reply(204)
  })

  const vacancyForNegotiations = (req: FakeRequest, e: { employer: Employer }): FakeVacancy | Reply => {
    const vid = query(req, 'vacancy_id')
    if (vid === undefined) return badArgument('vacancy_id')
    return ownVacancy(e.employer, vid) ?? notFound()
  }

  on('GET', '/negotiations', (req, _p, auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const v = vacancyForNegotiations(req, e)
    if (v instanceof Reply) return v
    const inVacancy = [...negotiations.values()].filter(n => n.vacancyId === v.id)
    const orderTypes = (c: string): Array<Record<string, string>> => [
      { id: 'created_at', name: 'по дате отклика', url: `${apiUrl}/negotiations/${c}?vacancy_id=${v.id}&order_by=created_at` },
      { id: 'relevance', name: 'по соответствию вакансии', url: `${apiUrl}/negotiations/${c}?vacancy_id=${v.id}&order_by=relevance` }
    ]
    return new Reply(200, {
      collections: COLLECTIONS.map(c => ({
        id: c.id,
        name: c.name,
        description: c.name,
        url: `${apiUrl}/negotiations/${c.id}?vacancy_id=${v.id}`,
        counters: {
          total: inVacancy.filter(n => n.collection === c.id).length,
          with_updates: inVacancy.filter(n => n.collection === c.id && n.hasUpdates).length
        },
        order_types: orderTypes(c.id),
        sub_collections: []
      })),
      generated_collections: [],
      employer_states: COLLECTIONS.map(c => ({ id: c.id, name: c.name }))
    })
  })

  on('GET', '/negotiations/{collection}', (req, [collection], auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const v = vacancyForNegotiations(req, e)
    if (v instanceof Reply) return v
    if (collectionById(collection!) === undefined) return notFound()
    // hh: "Максимальное значение — 50"
    const p = pageParams(req, 20, 50)
    if (p instanceof Reply) return p
    const list = [...negotiations.values()]
      .filter(n => n.vacancyId === v.id && n.collection === collection)
      .sort((a, b) => b.updatedAt - a.updatedAt || Number(b.id) - Number(a.id))
    return new Reply(200, {
      ...paged(list.map(negotiationItem), p.page, p.perPage),
      ordered_by: { id: 'updated_at', name: 'по дате обновления' }
    })
  })

  on('PUT', '/negotiations/{collection}/{nid}', (req, [collection, nid], auth) => {
    // the spec (change-negotiation-action) declares no requestBody; its prose: arguments go as form fields
    if (req.rawBody !== '' && !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const v = `${req.method} ${req.path}: action arguments must be application/x-www-form-urlencoded, got "${String(req.headers['content-type'] ?? 'none')}"`
      violations.push(v)
      return apiError(400, [{ type: 'spec_violation', value: v }])
    }
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const n = negotiations.get(nid!)
    if (n === undefined || ownVacancy(e.employer, n.vacancyId) === undefined) return notFound()
    const target = collectionById(collection!)
    if (target === undefined) return notFound()
    const fields = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string | string[]>
    for (const name of Object.keys(fields)) if (!ACTION_ARGUMENTS.has(name)) return badArgument(name)
    if (target.id === n.collection) return apiError(403, [{ type: 'negotiations', value: 'wrong_state' }])
    if (vacancies.get(n.vacancyId)!.archived) return apiError(403, [{ type: 'negotiations', value: 'invalid_vacancy' }])
    const flat = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]))
    const message = flat.message ?? null
    stateChanges.push({ negotiationId: n.id, vacancyId: n.vacancyId, from: n.collection, to: target.id, message, fields: flat, at: hhTime(now()) })
    n.collection = target.id
    n.applicantState = target.applicantState
    n.updatedAt = now()
    if (message !== null && message !== '') {
      n.messages.push({ id: String(++seq.message + 700_000_000), author: 'employer', text: message, createdAt: now(), state: target.applicantState === 'discard' ? 'discard' : target.applicantState === 'invitation' ? 'invitation' : 'text' })
    }
    return new Reply(204)
  })

  on('GET', '/negotiations/{nid}/messages', (req, [nid], auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const n = negotiations.get(nid!)
    if (n === undefined || ownVacancy(e.employer, n.vacancyId) === undefined) return notFound()
    const p = pageParams(req, 20, 50)
    if (p instanceof Reply) return p
    // oldest first: the first message of a response is its cover letter
    return new Reply(200, paged(n.messages.map(messageItem), p.page, p.perPage))
  })

  on('GET', '/resumes/{id}', (_req, [id], auth) => {
    const e = employerAuth(auth)
    if (e instanceof Reply) return e
    const p = people.get(id!)
    // a resume is visible to an employer it was sent to, unless the candidate hid it
    const sentHere = [...negotiations.values()].some(n => n.resumeId === id && vacancies.get(n.vacancyId)?.employerId === e.employer.id)
    if (p === undefined || p.hidden || !sentHere) return notFound()
    if (!e.account.paidResumeAccess) return apiError(403, [{ type: 'api_access_payment', value: 'action_must_be_payed' }])
    if (!e.account.viewedResumes.has(p.resumeId)) {
      if (e.account.resumeViewQuota !== null && e.account.resumeViewQuota <= 0) {
        return apiError(429, [{ type: 'resumes', value: 'view_limit_exceeded' }])
      }
      if (e.account.resumeViewQuota !== null) e.account.resumeViewQuota--
      e.account.viewedResumes.add(p.resumeId)
    }
    return new Reply(200, fullResume(p))
  })

  on('DELETE', '/oauth/token', (_req, _p, auth) => {
    auth.pair.revoked = true
    return new Reply(204)
  })

  // ---------- dispatch ----------
  async function route (req: FakeRequest): Promise<Reply> {
    const isTokenRequest = req.method === 'POST' && (req.path === '/oauth/token' || req.path === '/token')
    if (!isTokenRequest) {
      // the spec's prose: User-Agent and HH-User-Agent are interchangeable, HH-User-Agent wins
      const raw = req.headers['hh-user-agent'] ?? req.headers['user-agent']
      const ua = Array.isArray(raw) ? raw[0] : raw
      if (ua === undefined || ua.trim() === '') return apiError(400, [{ type: 'bad_user_agent', value: 'unset' }])
      if (!USER_AGENT.test(ua.trim())) return apiError(400, [{ type: 'bad_user_agent', value: 'blacklisted' }])
    }
    const found = checkRequestAgainstSpec({
      method: req.method,
      path: req.path,
      query: req.query,
      headers: req.headers,
      body: req.body,
      contentType: req.headers['content-type']
    })
    if (found.length > 0) {
      violations.push(...found)
      return apiError(400, found.map(value => ({ type: 'spec_violation', value })))
    }
    if (isTokenRequest) return await tokenEndpoint(req)
    for (const r of routes) {
      if (r.method !== req.method) continue
      const m = r.pattern.exec(req.path)
      if (m === null) continue
      const auth = authenticate(req)
      if (auth instanceof Reply) return auth
      return await r.handler(req, m.slice(1).map(decodeURIComponent), auth)
    }
    // allowed by the spec but not built into the fake: say so loudly rather than guess
    return apiError(501, [{ type: 'fake_not_implemented', value: `${req.method} ${req.path}` }])
  }

  const server = await startFakeServer(async req => {
    const rid = hex(`request:${++seq.request}`, 24)
    currentRequestId = rid
    const reply = await route(req)
    const out: FakeReply = { status: reply.status, headers: { 'x-request-id': rid, ...reply.headers }, body: reply.body }
    const ownError = (reply.body as { errors?: Array<{ type?: string }> } | undefined)?.errors?.[0]?.type
    if (options.checkResponses === true && ownError !== 'spec_violation' && ownError !== 'fake_not_implemented') {
      for (const v of checkResponseAgainstSpec({ method: req.method, path: req.path, status: reply.status, body: reply.body })) responseViolations.push(v)
    }
    return out
  })
  apiUrl = server.url

  // ---------- seeding ----------
  function newManager (employer: Employer, name: string, email: string | undefined, position: string, admin: boolean): Manager {
    const n = ++seq.manager
    const [firstName = 'Ирина', lastName = 'Сидорова', middleName] = name.trim().split(/\s+/)
    const m: Manager = {
      id: String(4_000_000 + n),
      userId: String(20_000_000 + ++seq.user),
      firstName,
      lastName,
      middleName: middleName ?? null,
      email: email ?? `${translit(firstName)}.${translit(lastName)}@${translit(employer.name) || 'company'}.example`,
      position,
      hasAdminRights: admin,
      isMainContact: employer.managers.length === 0,
      phone: { country: '7', city: '495', number: String(1_000_000 + (n * 7919) % 9_000_000) }
    }
    employer.managers.push(m)
    return m
  }

  function newPerson (i: number, seed: ResponseSeed, batchFirstEmail: string | null, batchIndex: number): Person {
    const gender = i % 2 === 0 ? 'female' : 'male'
    const firstName = seed.firstName ?? (gender === 'female' ? FEMALE_FIRST : MALE_FIRST)[(i * 3) % 10]!
    const stem = LAST[(i * 7 + 1) % LAST.length]!
    const lastName = seed.lastName ?? (gender === 'female' ? `${stem}а` : stem)
    const middleStem = MIDDLE[(i * 11) % MIDDLE.length]!
    const middleName = seed.middleName !== undefined ? seed.middleName : i % 5 === 4 ? null : `${middleStem}${gender === 'female' ? 'на' : 'ич'}`
    const plan = PHONE_PLANS[i % PHONE_PLANS.length]!
    const phone = seed.phone !== undefined ? seed.phone : plan === null ? null : { ...plan, number: String(1_000_000 + (i * 7919) % 9_000_000) }
    let email: string | null = `${translit(firstName)}.${translit(lastName)}${i}@example.com`
    if (seed.email !== undefined) email = seed.email
    else if (i % 8 === 7 && phone !== null) email = null // phone-only candidates
    else if (batchIndex % 10 === 9 && batchFirstEmail !== null) email = batchFirstEmail // same person, second resume: shares an email
    const resumeId = hex(`resume:${i}`, 38)
    return {
      resumeId,
      firstName,
      lastName,
      middleName,
      email,
      phone,
      birthDate: seed.birthDate !== undefined ? seed.birthDate : `${1975 + (i * 5) % 28}-${String(1 + i % 12).padStart(2, '0')}-${String(1 + (i * 3) % 28).padStart(2, '0')}`,
      gender,
      title: seed.title ?? TITLES[i % TITLES.length]!,
      skills: seed.skills ?? Array.from({ length: 3 + i % 3 }, (_, k) => SKILLS[(i + k * 5) % SKILLS.length]!),
      areaId: ['1', '2', '88', '115', '1002', '160'][i % 6]!,
      photo: i % 4 !== 0,
      hidden: seed.hiddenResume ?? i % 7 === 6,
      createdAt: now() - 86_400_000 * (1 + i % 30)
    }
  }

  const fake: HeadHunterFake = {
    apiUrl,
    oauthUrl: server.url,
    server,
    clientId,
    clientSecret,
    violations,
    responseViolations,
    stateChanges,
    vacancies,
    get refreshCount () { return counters.refreshes },
    get refreshAttempts () { return counters.refreshAttempts },
    get maxConcurrentRefreshes () { return counters.maxConcurrentRefreshes },
    assertNoViolations () {
      if (violations.length > 0) throw new Error(`HeadHunter fake: ${violations.length} request(s) broke hh's OpenAPI spec:\n  - ${violations.join('\n  - ')}`)
    },
    close: async () => await server.close(),

    addEmployerAccount (seed = {}) {
      let employer = seed.employerId !== undefined ? employers.get(seed.employerId) : undefined
      if (seed.employerId !== undefined && employer === undefined) throw new Error(`HeadHunter fake: no employer ${seed.employerId}`)
      if (employer === undefined) {
        const id = String(1_000_000 + ++seq.employer)
        employer = { id, name: seed.employerName ?? `ООО «Компания ${seq.employer}»`, blocked: null, managers: [], available: new Map() }
        for (const [billing, count] of Object.entries(defaultAvailable)) employer.available.set(billing as BillingType, count)
        employers.set(id, employer)
      }
      const manager = newManager(employer, seed.managerName ?? 'Ирина Сидорова', seed.email, 'HR-менеджер', seed.hasAdminRights ?? true)
      for (const other of seed.managers ?? []) newManager(employer, other.name, other.email, other.position ?? 'Рекрутер', other.hasAdminRights ?? false)
      const key = seed.key ?? `employer-${++seq.account}`
      if (accounts.has(key)) throw new Error(`HeadHunter fake: account "${key}" exists`)
      accounts.set(key, {
        key,
        kind: 'employer',
        userId: manager.userId,
        firstName: manager.firstName,
        lastName: manager.lastName,
        middleName: manager.middleName,
        email: manager.email,
        employerId: employer.id,
        managerId: manager.id,
        managerQuota: new Map(),
        resumeViewQuota: null,
        viewedResumes: new Set(),
        paidResumeAccess: true
      })
      return { key, employerId: employer.id, managerId: manager.id, userId: manager.userId, managerIds: employer.managers.map(m => m.id) }
    },

    addApplicantAccount (seed = {}) {
      const key = seed.key ?? `applicant-${++seq.account}`
      const [firstName = 'Пётр', lastName = 'Соискателев'] = (seed.name ?? 'Пётр Соискателев').split(/\s+/)
      const userId = String(20_000_000 + ++seq.user)
      accounts.set(key, {
        key, kind: 'applicant', userId, firstName, lastName, middleName: null,
        email: seed.email ?? `${translit(firstName)}.${translit(lastName)}@example.com`,
        managerQuota: new Map(), resumeViewQuota: null, viewedResumes: new Set(), paidResumeAccess: false
      })
      return { key, userId }
    },

    issueAuthCode (accountKey) {
      accountOf(accountKey)
      const code = hex(`code:${++seq.code}`, 24).toUpperCase()
      codes.set(code, { accountKey, used: false })
      return code
    },
    issueTokens (accountKey) {
      accountOf(accountKey)
      return tokenBody(newPair(accountKey)) as { access_token: string, refresh_token: string, expires_in: number }
    },
    expireAccessTokens (accountKey) {
      for (const pair of tokens.values()) if (accountKey === undefined || pair.accountKey === accountKey) pair.expiresAt = Math.min(pair.expiresAt, now())
    },
    revokeTokens (accountKey) {
      for (const pair of tokens.values()) if (pair.accountKey === accountKey) pair.revoked = true
    },
    advanceClock (seconds) { clockOffsetMs += seconds * 1000 },
    now: () => new Date(now()),

    blockEmployer (employerId, how = 'additional_check') {
      const e = employers.get(employerId)
      if (e === undefined) throw new Error(`HeadHunter fake: no employer ${employerId}`)
      e.blocked = how
    },
    unblockEmployer (employerId) { employers.get(employerId)!.blocked = null },
    setAvailable (accountKey, billingType, count) {
      const e = employerOf(accountOf(accountKey))
      if (count === null) e.available.delete(billingType)
      else e.available.set(billingType, count)
    },
    setManagerQuota (accountKey, billingType, count) {
      const a = accountOf(accountKey)
      if (count === null) a.managerQuota.delete(billingType)
      else a.managerQuota.set(billingType, count)
    },
    setResumeViewQuota (accountKey, n) { accountOf(accountKey).resumeViewQuota = n },
    setPaidResumeAccess (accountKey, paid) { accountOf(accountKey).paidResumeAccess = paid },

    approveVacancy (id) { const v = vacancyOrThrow(id); v.approved = true; v.rejected = false },
    // a vacancy moderation refuses goes to the archive unapproved (hh exposes only `approved`/`archived`)
    rejectVacancy (id) { const v = vacancyOrThrow(id); v.approved = false; v.rejected = true; v.archived = true },
    removeVacancy (id) { vacancyOrThrow(id).removed = true },

    addResponses (vacancyId, seeds, collection = 'response') {
      const v = vacancyOrThrow(vacancyId)
      if (collectionById(collection) === undefined) throw new Error(`HeadHunter fake: no collection ${collection}`)
      const list: ResponseSeed[] = typeof seeds === 'number' ? Array.from({ length: seeds }, () => ({})) : seeds
      const created: SeededResponse[] = []
      let batchFirstEmail: string | null = null
      list.forEach((seed, k) => {
        let person = seed.resumeId !== undefined ? people.get(seed.resumeId) : undefined
        if (seed.resumeId !== undefined && person === undefined) throw new Error(`HeadHunter fake: no resume ${seed.resumeId}`)
        if (person === undefined) {
          person = newPerson(++seq.person, seed, batchFirstEmail, k)
          people.set(person.resumeId, person)
        }
        if (k === 0) batchFirstEmail = person.email
        const id = String(3_000_000_000 + ++seq.negotiation)
        const createdAt = seed.createdAt?.getTime() ?? now() - (list.length - 1 - k) * 1000
        const i = seq.negotiation
        const coverLetter = seed.coverLetter !== undefined
          ? seed.coverLetter
          : i % 3 === 2 ? null : `Здравствуйте! Меня заинтересовала вакансия «${String(v.fields.name)}». ${person.skills.length} года работаю с ${person.skills.slice(0, 2).join(' и ')}. Буду рад(а) обсудить детали.`
        const col = seed.collection ?? collection
        const n: Negotiation = {
          id,
          vacancyId,
          resumeId: person.resumeId,
          collection: col,
          applicantState: collectionById(col)!.applicantState,
          createdAt,
          updatedAt: seed.updatedAt?.getTime() ?? createdAt,
          hasUpdates: seed.hasUpdates ?? true,
          messages: coverLetter === null ? [] : [{ id: String(700_000_000 + ++seq.message), author: 'applicant', text: coverLetter, createdAt, state: 'text' }]
        }
        negotiations.set(id, n)
        created.push({
          negotiationId: id,
          resumeId: person.resumeId,
          vacancyId,
          collection: col,
          firstName: person.firstName,
          lastName: person.lastName,
          middleName: person.middleName,
          email: person.email,
          phone: person.phone === null ? null : { ...person.phone, formatted: formatPhone(person.phone) },
          coverLetter,
          hiddenResume: person.hidden
        })
      })
      return created
    },
    hideResume (resumeId) {
      const p = people.get(resumeId)
      if (p === undefined) throw new Error(`HeadHunter fake: no resume ${resumeId}`)
      p.hidden = true
    },
    touchResponse (negotiationId, message) {
      const n = negotiations.get(negotiationId)
      if (n === undefined) throw new Error(`HeadHunter fake: no negotiation ${negotiationId}`)
      n.updatedAt = now()
      n.hasUpdates = true
      if (message !== undefined) n.messages.push({ id: String(700_000_000 + ++seq.message), author: 'applicant', text: message, createdAt: now(), state: 'text' })
    },
    collectionOf: (negotiationId) => negotiations.get(negotiationId)?.collection
  }

  function vacancyOrThrow (id: string): FakeVacancy {
    const v = vacancies.get(id)
    if (v === undefined) throw new Error(`HeadHunter fake: no vacancy ${id}`)
    return v
  }

  return fake
}
