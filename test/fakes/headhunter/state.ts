// What the HeadHunter fake holds: employers and their managers, the accounts that authorise, tokens,
// vacancies and drafts, people (resumes) and their negotiations, with the fake's clock and the
// error shapes of hh's spec (`{ errors: [{ type, value, ... }], request_id }` for the API, RFC 6749
// `{ error, error_description }` for the token endpoint). Every route module works on one of these.
import { createHash } from 'node:crypto'
import { AREAS, type BillingType } from './dictionaries.js'

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
  /**
   * check the fake's own answers against the spec's response schemas, into `responseViolations`
   * (assertNoViolations fails on them); on unless a test turns it off
   */
  checkResponses?: boolean
  /** let requests use what the spec deprecates (an operation, a query parameter, a body field); refused as a violation otherwise */
  allowDeprecated?: boolean
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

export interface Manager {
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

/** an address the employer saved on hh (EmployerAddressesEmployerAddressItem) */
export interface EmployerAddress {
  id: string
  city: string
  street: string | null
  building: string | null
  lat: number | null
  lng: number | null
  deleted: boolean
  /** the manager who saved it */
  managerId: string
}

export interface Employer {
  id: string
  name: string
  blocked: null | 'additional_check' | 'manager_account'
  managers: Manager[]
  available: Map<BillingType, number>
  addresses: EmployerAddress[]
}

export interface Account {
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
  /** hh's paid API access; without it the response lists answer 403 api_access_payment */
  paidApiAccess: boolean
  /** an `employer_integration` token: the employer's, with no manager behind it */
  integration: boolean
}

export interface TokenPair {
  accountKey: string | null // null: an application token
  access: string
  refresh: string | null
  expiresAt: number
  refreshUsed: boolean
  revoked: boolean
}

export interface Person {
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

export interface Message { id: string, author: 'applicant' | 'employer', text: string, createdAt: number, state: 'text' | 'invitation' | 'discard' }

export interface Negotiation {
  id: string
  vacancyId: string
  resumeId: string
  collection: string
  applicantState: 'response' | 'invitation' | 'discard'
  createdAt: number
  updatedAt: number
  /** creation or the applicant's last activity: what hh's default order sorts by */
  activityAt: number
  /** the employer opened the resume through the response (`?topic_id=`): hh tells the applicant */
  viewedByEmployer: boolean
  /** the actions offered, narrowed by a test (offerOnly) */
  offerOnly?: string[]
  hasUpdates: boolean
  messages: Message[]
  /** fields hh does not document, sent with the item as they are */
  extra: Record<string, unknown>
}

export interface Draft { id: string, employerId: string, managerId: string, fields: Record<string, any>, createdAt: number }

export class Reply {
  /**
   * `unrouted`: no route of the fake took the request (recorded in the server's `unmatched`);
   * `authRefusal`: the token was refused before any route (checked against hh's common errors)
   */
  constructor (readonly status: number, readonly body?: unknown, readonly headers?: Record<string, string>, readonly unrouted = false, readonly authRefusal = false) {}
}

export const hex = (seed: string, length: number): string => createHash('sha256').update(seed).digest('hex').slice(0, length)
const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya'
}
export const translit = (s: string): string => [...s.toLowerCase()].map(c => TRANSLIT[c] ?? c).join('').replace(/[^a-z0-9]/g, '')
export const formatPhone = (p: { country: string, city: string, number: string }): string =>
  `+${p.country} (${p.city}) ${p.number.slice(0, 3)}-${p.number.slice(3, 5)}-${p.number.slice(5)}`
/** hh writes times as `YYYY-MM-DDThh:mm:ss±hhmm`; the fake answers in Moscow time */
export const hhTime = (ms: number): string => new Date(ms + 3 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+0300')

export interface HeadHunterState {
  readonly options: HeadHunterFakeOptions
  readonly ttlMs: number
  readonly clientId: string
  readonly clientSecret: string
  readonly defaultAvailable: Partial<Record<BillingType, number>>
  now: () => number
  advanceClock: (seconds: number) => void
  seq: { employer: number, address: number, manager: number, user: number, account: number, vacancy: number, draft: number, negotiation: number, person: number, message: number, token: number, code: number, request: number }

  employers: Map<string, Employer>
  accounts: Map<string, Account>
  /** by access token */
  tokens: Map<string, TokenPair>
  refreshTokens: Map<string, TokenPair>
  codes: Map<string, { accountKey: string, used: boolean }>
  vacancies: Map<string, FakeVacancy>
  drafts: Map<string, Draft>
  people: Map<string, Person>
  negotiations: Map<string, Negotiation>
  violations: string[]
  responseViolations: string[]
  stateChanges: StateChange[]
  counters: { refreshes: number, refreshAttempts: number, inFlightRefreshes: number, maxConcurrentRefreshes: number }

  /** the server's root, known once it listens */
  apiUrl: string
  /** the `request_id` of the request being answered */
  requestId: string

  apiError: (status: number, errors: Array<Record<string, unknown>>, extra?: Record<string, unknown>) => Reply
  oauthError: (error: string, description: string, status?: number) => Reply
  notFound: () => Reply
  badArgument: (name: string) => Reply
  forbidden: () => Reply

  accountOf: (key: string) => Account
  employerOf: (account: Account) => Employer
  managerOf: (employer: Employer, id: string) => Manager | undefined
  areaRef: (id: string) => Record<string, string>
}

export function createState (options: HeadHunterFakeOptions): HeadHunterState {
  let clockOffsetMs = 0
  const state: HeadHunterState = {
    options,
    ttlMs: (options.tokenTtlSeconds ?? 1_209_600) * 1000,
    clientId: options.clientId ?? 'FAKEHHCLIENTID0000000001',
    clientSecret: options.clientSecret ?? 'FAKEHHCLIENTSECRET000001',
    defaultAvailable: options.defaultAvailable ?? { free: 10, standard: 10 },
    now: () => Date.now() + clockOffsetMs,
    advanceClock: seconds => { clockOffsetMs += seconds * 1000 },
    seq: { employer: 0, address: 0, manager: 0, user: 0, account: 0, vacancy: 0, draft: 0, negotiation: 0, person: 0, message: 0, token: 0, code: 0, request: 0 },

    employers: new Map(),
    accounts: new Map(),
    tokens: new Map(),
    refreshTokens: new Map(),
    codes: new Map(),
    vacancies: new Map(),
    drafts: new Map(),
    people: new Map(),
    negotiations: new Map(),
    violations: [],
    responseViolations: [],
    stateChanges: [],
    counters: { refreshes: 0, refreshAttempts: 0, inFlightRefreshes: 0, maxConcurrentRefreshes: 0 },

    apiUrl: '',
    requestId: '',

    apiError: (status, errors, extra = {}) => new Reply(status, { ...extra, errors, request_id: state.requestId }),
    oauthError: (error, description, status = 400) => new Reply(status, { error, error_description: description }),
    notFound: () => state.apiError(404, [{ type: 'not_found' }]),
    badArgument: name => state.apiError(400, [{ type: 'bad_argument', value: name }], { bad_argument: name }),
    forbidden: () => state.apiError(403, [{ type: 'forbidden' }], { description: 'Forbidden' }),

    accountOf: key => {
      const account = state.accounts.get(key)
      if (account === undefined) throw new Error(`HeadHunter fake: no account "${key}"`)
      return account
    },
    employerOf: account => state.employers.get(account.employerId!)!,
    managerOf: (employer, id) => employer.managers.find(m => m.id === id),
    areaRef: id => ({ id, name: AREAS[id]?.name ?? 'Москва', url: `${state.apiUrl}/areas/${id}` })
  }
  return state
}
