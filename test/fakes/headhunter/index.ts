// A fake HeadHunter (api.hh.ru + the hh.ru OAuth host) built from hh's published OpenAPI spec
// (vendor/headhunter/openapi.yaml) and docs/boards.md. Every request is checked against
// the spec first; a request the spec does not allow is answered 400 `spec_violation` and recorded
// in `violations`, so an adapter bug fails loudly (tests call `assertNoViolations()` in teardown).
// A request to a path the spec does not have, or one it has but the fake does not implement (501
// `fake_not_implemented`), is also recorded in `unmatched`.
// Error bodies use the spec's shapes: `{ errors: [{ type, value, ... }], request_id }` for the API,
// RFC 6749 `{ error, error_description }` for the token endpoint.
//
// One concern a file: state.ts (what the board holds), dictionaries.ts (areas, types, collections),
// oauth.ts (tokens and bearer auth), employer.ts (me, managers, quota), vacancies.ts,
// negotiations.ts (responses and their actions), resumes.ts, spec.ts (the spec check); this file
// starts the server and routes each request.
import { startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from '../fake-server.js'
import { defineFake } from '../definition.js'
import { dictionaryRoutes, type BillingType } from './dictionaries.js'
import { addAddress, addApplicantAccount, addEmployerAccount, blockEmployer, deleteAddress, employerRoutes, setAvailable, setManagerQuota, unblockEmployer, type AddressSeed, type EmployerAccountSeed } from './employer.js'
import { addResponses, negotiationRoutes, offerOnly, touchResponse, type ResponseSeed, type SeededResponse } from './negotiations.js'
import { authenticate, expireAccessTokens, issueAuthCode, issueTokens, oauthRoutes, revokeTokens, tokenEndpoint } from './oauth.js'
import { hideResume, resumeRoutes, setPaidApiAccess, setResumeViewQuota } from './resumes.js'
import { routeTable } from './routing.js'
import { checkBodyAgainstSchema, checkRequestAgainstSpec, checkResponseAgainstSpec, deprecatedInRequest, findOperation, loadHeadHunterSpec } from './spec.js'
import { createState, hex, Reply, type FakeVacancy, type HeadHunterFakeOptions, type HeadHunterState, type StateChange } from './state.js'
import { approveVacancy, rejectVacancy, removeVacancy, vacancyRoutes } from './vacancies.js'

export { AREAS, BILLING_TYPES, COLLECTIONS, PROFESSIONAL_ROLES, VACANCY_TYPES, type BillingType } from './dictionaries.js'
export type { EmployerAccountSeed } from './employer.js'
export type { ResponseSeed, SeededResponse } from './negotiations.js'
export type { FakeVacancy, HeadHunterFakeOptions, StateChange } from './state.js'

export interface HeadHunterFake {
  apiUrl: string
  oauthUrl: string
  server: FakeServer
  clientId: string
  clientSecret: string
  /** the redirect URI the token endpoint insists on (undefined: any) */
  redirectUri: string | undefined
  violations: string[]
  responseViolations: string[]
  /** `METHOD /path` of requests to a path hh does not have, or one the fake does not implement */
  unmatched: string[]
  stateChanges: StateChange[]
  /** successful refresh_token grants */
  readonly refreshCount: number
  /** every refresh_token grant request, refused ones included */
  readonly refreshAttempts: number
  readonly maxConcurrentRefreshes: number
  assertNoViolations (): void
  close (): Promise<void>

  addEmployerAccount (seed?: EmployerAccountSeed): { key: string, employerId: string, managerId: string, userId: string, managerIds: string[] }
  /** the employer saves an address on hh; its id */
  addAddress (employerId: string, seed: AddressSeed): string
  /** the employer deletes a saved address */
  deleteAddress (employerId: string, addressId: string): void
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
  /** without hh's paid API access the response lists answer 403 api_access_payment/action_must_be_payed */
  setPaidApiAccess (accountKey: string, paid: boolean): void

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
  /** whether hh shows the applicant that the employer viewed the response (its resume opened through it) */
  viewedByEmployer (negotiationId: string): boolean
  /** the response offers only these of its state's actions (null: all), as hh narrows them per vacancy */
  offerOnly (negotiationId: string, actionIds: string[] | null): void
}

// "Name/Version (email)", e.g. `MyApp/1.0 (my-app-feedback@example.com)` (spec, HHUserAgent)
const USER_AGENT = /^[^/()]+\/\S+\s+\([^()\s]+@[^()\s]+\.[^()\s]+\)$/

/** the same answer, recorded as a request no route of the fake took */
const unrouted = (reply: Reply): Reply => new Reply(reply.status, reply.body, reply.headers, true)

function router (state: HeadHunterState): (req: FakeRequest) => Promise<Reply> {
  const { routes, on } = routeTable()
  employerRoutes(state, on)
  vacancyRoutes(state, on)
  negotiationRoutes(state, on)
  resumeRoutes(state, on)
  oauthRoutes(state, on)
  dictionaryRoutes(state, on)

  async function answer (req: FakeRequest): Promise<Reply> {
    const isTokenRequest = req.method === 'POST' && (req.path === '/oauth/token' || req.path === '/token')
    if (!isTokenRequest) {
      // the spec's prose: User-Agent and HH-User-Agent are interchangeable, HH-User-Agent wins
      const raw = req.headers['hh-user-agent'] ?? req.headers['user-agent']
      const ua = Array.isArray(raw) ? raw[0] : raw
      if (ua === undefined || ua.trim() === '') return state.apiError(400, [{ type: 'bad_user_agent', value: 'unset' }])
      if (!USER_AGENT.test(ua.trim())) return state.apiError(400, [{ type: 'bad_user_agent', value: 'blacklisted' }])
    }
    const found = checkRequestAgainstSpec({
      method: req.method,
      path: req.path,
      query: req.query,
      headers: req.headers,
      body: req.body,
      contentType: req.headers['content-type']
    })
    // what the spec deprecates is refused like any other departure from it, unless the test opts in
    if (found.length === 0 && state.options.allowDeprecated !== true) found.push(...deprecatedInRequest({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body, contentType: req.headers['content-type'] }))
    if (found.length > 0) {
      state.violations.push(...found)
      return state.apiError(400, found.map(value => ({ type: 'spec_violation', value })))
    }
    if (isTokenRequest) return await tokenEndpoint(state, req)
    for (const r of routes) {
      if (r.method !== req.method) continue
      const m = r.pattern.exec(req.path)
      if (m === null) continue
      const auth = authenticate(state, req)
      if (auth instanceof Reply) return new Reply(auth.status, auth.body, { ...auth.headers }, false, true)
      return await r.handler(req, m.slice(1).map(decodeURIComponent), auth)
    }
    // allowed by the spec but not built into the fake: say so loudly rather than guess
    return unrouted(state.apiError(501, [{ type: 'fake_not_implemented', value: `${req.method} ${req.path}` }]))
  }

  return async function route (req: FakeRequest): Promise<Reply> {
    const reply = await answer(req)
    // a path (or method) hh does not have at all: no route could take it, whatever else is wrong
    return 'error' in findOperation(req.method, req.path) ? unrouted(reply) : reply
  }
}

export async function startHeadHunterFake (options: HeadHunterFakeOptions = {}): Promise<HeadHunterFake> {
  loadHeadHunterSpec() // parse the yaml before the first request, not inside it
  const state = createState(options)
  const route = router(state)

  const server = await startFakeServer(async req => {
    const rid = hex(`request:${++state.seq.request}`, 24)
    state.requestId = rid
    const reply = await route(req)
    const out: FakeReply = { status: reply.status, headers: { 'x-request-id': rid, ...reply.headers }, body: reply.body, unrouted: reply.unrouted }
    const ownError = (reply.body as { errors?: Array<{ type?: string }> } | undefined)?.errors?.[0]?.type
    // (hh's bad_user_agent 400 is documented in the spec's prose, not per operation)
    if (options.checkResponses !== false && ownError !== 'spec_violation' && ownError !== 'fake_not_implemented' && ownError !== 'bad_user_agent') {
      // a refused token: hh's spec documents these `oauth` errors once, as common to every request
      // (ErrorsCommonBadAuthorizationErrors), not under each operation
      const found = reply.authRefusal
        ? checkBodyAgainstSchema('ErrorsCommonBadAuthorizationErrors', `${req.method} ${req.path} → ${reply.status}`, reply.body)
        : checkResponseAgainstSpec({ method: req.method, path: req.path, status: reply.status, body: reply.body })
      for (const v of found) state.responseViolations.push(v)
    }
    return out
  })
  state.apiUrl = server.url

  const { violations, counters } = state
  return {
    apiUrl: state.apiUrl,
    oauthUrl: server.url,
    server,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    redirectUri: options.redirectUri,
    violations,
    responseViolations: state.responseViolations,
    unmatched: server.unmatched,
    stateChanges: state.stateChanges,
    vacancies: state.vacancies,
    get refreshCount () { return counters.refreshes },
    get refreshAttempts () { return counters.refreshAttempts },
    get maxConcurrentRefreshes () { return counters.maxConcurrentRefreshes },
    assertNoViolations () {
      if (violations.length > 0) throw new Error(`HeadHunter fake: ${violations.length} request(s) broke hh's OpenAPI spec:\n  - ${violations.join('\n  - ')}`)
      const replies = state.responseViolations
      if (replies.length > 0) throw new Error(`HeadHunter fake: ${replies.length} of its own replies broke hh's OpenAPI spec:\n  - ${replies.join('\n  - ')}`)
    },
    close: async () => await server.close(),

    addEmployerAccount: seed => addEmployerAccount(state, seed),
    addAddress: (employerId, seed) => addAddress(state, employerId, seed),
    deleteAddress: (employerId, addressId) => { deleteAddress(state, employerId, addressId) },
    addApplicantAccount: seed => addApplicantAccount(state, seed),
    issueAuthCode: accountKey => issueAuthCode(state, accountKey),
    issueTokens: accountKey => issueTokens(state, accountKey),
    expireAccessTokens: accountKey => { expireAccessTokens(state, accountKey) },
    revokeTokens: accountKey => { revokeTokens(state, accountKey) },
    advanceClock: seconds => { state.advanceClock(seconds) },
    now: () => new Date(state.now()),

    blockEmployer: (employerId, how) => { blockEmployer(state, employerId, how) },
    unblockEmployer: employerId => { unblockEmployer(state, employerId) },
    setAvailable: (accountKey, billingType, count) => { setAvailable(state, accountKey, billingType, count) },
    setManagerQuota: (accountKey, billingType, count) => { setManagerQuota(state, accountKey, billingType, count) },
    setResumeViewQuota: (accountKey, n) => { setResumeViewQuota(state, accountKey, n) },
    setPaidApiAccess: (accountKey, paid) => { setPaidApiAccess(state, accountKey, paid) },

    approveVacancy: id => { approveVacancy(state, id) },
    rejectVacancy: id => { rejectVacancy(state, id) },
    removeVacancy: id => { removeVacancy(state, id) },

    addResponses: (vacancyId, seeds, collection) => addResponses(state, vacancyId, seeds, collection),
    hideResume: resumeId => { hideResume(state, resumeId) },
    touchResponse: (negotiationId, message) => { touchResponse(state, negotiationId, message) },
    collectionOf: negotiationId => state.negotiations.get(negotiationId)?.collection,
    viewedByEmployer: negotiationId => state.negotiations.get(negotiationId)?.viewedByEmployer ?? false,
    offerOnly: (negotiationId, actionIds) => { offerOnly(state, negotiationId, actionIds) }
  }
}

/** the redirect URI jobsync's hh application is registered with in tests; the fake's token endpoint insists on it */
export const HH_TEST_REDIRECT_URI = 'https://host.example/oauth/hh'

/** HeadHunter as the cross-board tests see it (test/fakes/definition.ts) */
export const headhunterFake = defineFake({
  id: 'headhunter',
  start: async (options: HeadHunterFakeOptions = {}) => await startHeadHunterFake({ redirectUri: HH_TEST_REDIRECT_URI, ...options }),
  env: fake => ({
    HH_API_URL: fake.apiUrl,
    HH_OAUTH_URL: fake.oauthUrl,
    HH_CLIENT_ID: fake.clientId,
    HH_CLIENT_SECRET: fake.clientSecret,
    HH_REDIRECT_URI: fake.redirectUri ?? HH_TEST_REDIRECT_URI
  }),
  servers: fake => [fake.server],
  close: async fake => { await fake.close() },
  assertAfterTest: fake => { fake.assertNoViolations() },
  secrets: fake => [fake.clientSecret],
  requests: {
    check: /^GET \/me$/,
    publish: /^POST \/vacancies$/,
    // the collection the scenario's responses are in
    responsesPage: /^GET \/negotiations\/response$/,
    postingCheck: /^GET \/vacancies\/\d+$/,
    availablePublications: /^GET \/employers\/\d+\/managers\/\d+\/vacancies\/available_types$/
  },
  // a board-wide catalogue: the areas tree
  dictionary: { name: 'areas', request: /^GET \/areas$/ },
  outcomes: {
    request: /^PUT \/negotiations\//,
    shared: (fake, externalId) => fake.stateChanges.some(c => c.negotiationId === externalId)
  },
  scenario: {
    newAccount: fake => {
      const account = fake.addEmployerAccount()
      return {
        credentials: () => ({ code: fake.issueAuthCode(account.key) }),
        revoke: () => { fake.revokeTokens(account.key) },
        // a revoked grant stays dead: the employer grants access again (a new code)
        expire: () => { fake.expireAccessTokens(account.key) }
      }
    },
    publishing: {
      fields: { areaId: '1', vacancyType: 'open', professionalRoleId: '96' },
      publicationType: 'standard',
      requiredField: 'areaId',
      approve: (fake, externalId) => { fake.approveVacancy(externalId) },
      fail: (fake, externalId) => { fake.removeVacancy(externalId); return /removed/ }
    },
    responses: {
      severalPages: 60, // pages of 50
      add: (fake, postingId, n, extra) => fake.addResponses(postingId, Array.from({ length: n }, () => ({ extra }))).map(r => r.negotiationId)
    }
  }
})
