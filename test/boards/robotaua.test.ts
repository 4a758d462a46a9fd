// The Robota.ua adapter against the Robota.ua fake (no database): install with a login and
// password, the account check, the JWT shared through the credential store (one login for many
// calls, one re-login on expiry or 401), and what the board answers when it is not well.
import t, { type Test } from 'tap'
import { pino, type Logger } from 'pino'
import { randomUUID } from 'node:crypto'
import { Value } from 'typebox/value'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, CredentialStore } from '../../src/boards/types.js'
import { createRobotauaAdapter, robotauaFields, type RobotauaCredentials } from '../../src/boards/robotaua/adapter.js'
import { ASSUMED_TOKEN_LIFETIME_MS, decodeClaims, tokenExpiryOf, usableToken } from '../../src/boards/robotaua/client.js'
import type { RobotaAccount, RobotaFakeOptions } from '../fakes/robotaua.js'
import { memoryStore, type MemoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'
import { robotaua } from '../../src/boards/robotaua/index.js'


const API_CALL = /^POST \/api\/vacancy\/list$/
const LOGIN = /^POST \/auth\/Login$/
const strongPassword = () => `pw-${randomUUID()}`

async function setup (t: Test, options: RobotaFakeOptions = {}, log: Logger = pino({ level: 'silent' })) {
  const { fake, adapter, requestsTo } = await adapterHarness(t, 'robotaua', {
    fake: { password: strongPassword(), ...options },
    env: { BOARD_MAX_RETRIES: '2', BOARD_TIMEOUT_MS: '500' },
    create: createRobotauaAdapter
  })
  const stores: MemoryStore<RobotauaCredentials>[] = []
  const errors: unknown[] = []

  const sessionOf = (key: string, store: MemoryStore<RobotauaCredentials>): AccountSession<RobotauaCredentials> => ({ key, credentials: store, log })

  /** an account on the board (the default employer unless given), installed by the host */
  async function install (account?: RobotaAccount) {
    const login = account?.username ?? fake.defaultUsername
    const password = account?.password ?? fake.defaultPassword
    const store = memoryStore(await adapter.connect({ login, password }, `install:${login}`))
    stores.push(store)
    return { login, store, session: sessionOf(`robotaua:${login}`, store) }
  }

  /** the error `promise` rejects with, matched against `expected` and kept for the secret scan */
  async function failure (promise: Promise<unknown>, expected: Record<string, unknown>, message?: string): Promise<BoardError> {
    const error = await promise.then(() => undefined, (e: unknown) => e)
    errors.push(error)
    t.type(error, BoardError, message ?? 'a BoardError')
    t.match(error, expected, message ?? 'the expected BoardError')
    return error as BoardError
  }

  /** every password and token that ever existed in this test */
  function secrets (): string[] {
    const found = new Set<string>()
    for (const account of fake.accounts.values()) found.add(account.password)
    for (const store of stores) {
      for (const value of store.history) {
        found.add(value.password)
        if (value.token !== undefined) found.add(value.token)
      }
    }
    for (const r of fake.server.requests) {
      const bearer = /^Bearer (\S+)$/.exec(String(r.headers.authorization ?? ''))?.[1]
      if (bearer !== undefined) found.add(bearer)
    }
    return [...found].filter(s => s.length >= 8)
  }

  /** what every test ends with: no request to an unknown path, no secret in any error */
  function finish (): void {
    t.same(fake.unmatched, [], 'every request hit a path Robota.ua has')
    const all = secrets()
    for (const error of errors) {
      const shown = [(error as Error).message, JSON.stringify(error), String((error as Error).stack)].join('\n')
      const leaked = all.filter(secret => shown.includes(secret))
      t.same(leaked.length, 0, `no password or token in the error "${(error as Error).message}"`)
    }
  }

  return { fake, adapter, install, sessionOf, failure, requestsTo, secrets, finish }
}

t.test('install and check an employer, the token answered as a quoted JSON string', async t => {
  const { fake, adapter, install, requestsTo, finish } = await setup(t)
  t.equal(fake.quotedToken, true)
  const { login, store, session } = await install()

  const installed = store.current()
  t.equal(installed.login, login)
  t.equal(installed.password, fake.defaultPassword)
  t.match(installed.token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the bare JWT, quotes removed')
  const lifetime = Date.parse(installed.tokenExpiresAt ?? '') - Date.now()
  t.ok(lifetime > 3500_000 && lifetime <= 3600_000, 'tokenExpiresAt is the JWT exp (an hour)')
  t.equal(fake.loginCount, 1)
  t.same(fake.logins.map(l => ({ username: l.username, remember: l.remember })), [{ username: login, remember: true }])

  const employer = fake.accounts.get(login)!
  const account = await adapter.checkAccount(session)
  t.same(account, { externalId: String(employer.employerId), name: login, email: login })
  t.equal(requestsTo(API_CALL)[0]?.headers.authorization, `Bearer ${installed.token!}`)
  t.equal(fake.loginCount, 1, 'the check reused the install token')
  t.equal(store.writes, 0)
  t.same(await adapter.listRecruiters(session, account), [], 'Robota.ua documents no sub-accounts')
  finish()
})

t.test('the token answered as plain text works the same; a login that is no e-mail has no email', async t => {
  const { fake, adapter, install, finish } = await setup(t, { quotedToken: false })
  const employer = fake.addAccount({ kind: 'employer', username: 'hr-kyiv-42', password: strongPassword() })
  const { store, session } = await install(employer)
  t.equal(decodeClaims(store.current().token!)?.employerId, employer.employerId)
  t.same(await adapter.checkAccount(session), { externalId: String(employer.employerId), name: 'hr-kyiv-42', email: null })
  t.equal(fake.loginCount, 1)
  finish()
})

t.test('a wrong login or password is invalid_credentials, whichever status the board uses', async t => {
  const { fake, adapter, failure, finish } = await setup(t)
  const expected = { kind: 'invalid_credentials', message: 'Robota.ua refused the login or password', boardStatus: 400 }
  const error = await failure(adapter.connect({ login: fake.defaultUsername, password: 'wrong-password-123' }, 'install:1'), expected)
  t.ok(error.isCredentialProblem)
  await failure(adapter.connect({ login: 'nobody@example.com', password: fake.defaultPassword }, 'install:2'), expected)
  fake.badLoginStatus = 401
  await failure(adapter.connect({ login: fake.defaultUsername, password: 'wrong-password-123' }, 'install:3'), { ...expected, boardStatus: 401 })
  t.equal(fake.loginCount, 0)
  t.equal(fake.logins.length, 3, 'a refused login is not retried')
  finish()
})

t.test('a password changed on the board fails the next login; the stored credentials stay as they were', async t => {
  const { fake, adapter, install, failure, finish } = await setup(t)
  const { store, session } = await install()
  const before = store.current()
  fake.accounts.get(fake.defaultUsername)!.password = strongPassword()
  fake.revokeTokens()
  await failure(adapter.checkAccount(session), { kind: 'invalid_credentials', message: 'Robota.ua refused the login or password' })
  t.equal(store.current(), before)
  t.equal(store.writes, 0)
  finish()
})

t.test('a job-seeker account logs in but is refused: not_employer', async t => {
  const { fake, adapter, install, failure, finish } = await setup(t)
  const { session } = await install(fake.addAccount({ kind: 'jobseeker', password: strongPassword() }))
  const error = await failure(adapter.checkAccount(session), {
    kind: 'not_employer', boardStatus: 403, message: 'Robota.ua: an employer account is required; this login is a job-seeker account'
  })
  t.ok(error.isCredentialProblem)
  t.equal(fake.loginCount, 1, 'the refusal is not taken for a bad token')
  finish()
})

t.test('a blocked employer is account_blocked, not a job seeker', async t => {
  const { fake, adapter, install, failure, finish } = await setup(t)
  const blocked = await install(fake.addAccount({ kind: 'employer', blocked: true, password: strongPassword() }))
  await failure(adapter.checkAccount(blocked.session), { kind: 'account_blocked', boardStatus: 403, message: /Robota.ua blocked this employer account \(403: Employer account is blocked\)/ })

  const { session } = await install()
  t.ok(await adapter.checkAccount(session))
  fake.blockAccount(fake.defaultUsername)
  await failure(adapter.checkAccount(session), { kind: 'account_blocked' }, 'blocked after the install')
  fake.blockAccount(fake.defaultUsername, false)
  t.ok(await adapter.checkAccount(session), 'unblocked')
  t.equal(fake.loginCount, 2, 'one login per account, however it went')
  finish()
})

t.test('the token is reused: one login for many calls, sequential or concurrent', async t => {
  const { fake, adapter, install, requestsTo, finish } = await setup(t)
  const { store, session } = await install()
  for (let i = 0; i < 5; i++) await adapter.checkAccount(session)
  await Promise.all(Array.from({ length: 10 }, async () => await adapter.checkAccount(session)))
  t.equal(requestsTo(API_CALL).length, 15)
  t.equal(fake.loginCount, 1)
  t.equal(store.writes, 0)
  finish()
})

t.test('a token about to expire: exactly one re-login, even for 5 concurrent calls', async t => {
  const { fake, adapter, install, finish } = await setup(t)
  // a 2-minute token is inside the 5-minute margin as soon as it is issued
  fake.tokenTtlSeconds = 120
  const { store, session } = await install()
  const old = store.current().token
  fake.tokenTtlSeconds = 3600

  const accounts = await Promise.all(Array.from({ length: 5 }, async () => await adapter.checkAccount(session)))
  t.equal(accounts.length, 5)
  t.equal(fake.loginCount, 2, 'install + one re-login')
  t.equal(store.writes, 1, 'the new token stored once')
  t.not(store.current().token, old)
  t.ok(Date.parse(store.current().tokenExpiresAt!) - Date.now() > 3500_000)

  await adapter.checkAccount(session)
  t.equal(fake.loginCount, 2, 'the new token is reused')
  finish()
})

t.test('stored credentials without a token (or past their expiry): one login shared by concurrent calls', async t => {
  const { fake, adapter, sessionOf, finish } = await setup(t)
  const bare = memoryStore({ login: fake.defaultUsername, password: fake.defaultPassword })
  await Promise.all(Array.from({ length: 5 }, async () => await adapter.checkAccount(sessionOf('robotaua:bare', bare))))
  t.equal(fake.loginCount, 1)
  t.equal(bare.writes, 1)

  // expired on the board and by the stored expiry
  fake.expireTokens()
  const expired = memoryStore({ ...bare.current(), tokenExpiresAt: new Date(Date.now() - 1000).toISOString() })
  await Promise.all(Array.from({ length: 5 }, async () => await adapter.checkAccount(sessionOf('robotaua:expired', expired))))
  t.equal(fake.loginCount, 2)
  t.equal(expired.writes, 1)
  finish()
})

t.test('a 401 from the API (revoked token): one re-login, then the calls succeed', async t => {
  const { fake, adapter, install, requestsTo, finish } = await setup(t)
  const { store, session } = await install()
  const old = store.current().token
  fake.revokeTokens()
  // the fake's JWT has second precision: a later second makes the new token differ from the old
  fake.advanceClock(2)

  await Promise.all(Array.from({ length: 5 }, async () => await adapter.checkAccount(session)))
  t.equal(fake.loginCount, 2, 'install + one re-login for the five')
  t.equal(store.writes, 1)
  t.not(store.current().token, old)
  const calls = requestsTo(API_CALL)
  t.equal(calls.length, 10, 'five refused, five resent')
  t.equal(calls.filter(r => r.headers.authorization === `Bearer ${store.current().token!}`).length, 5)

  // expired by the board's clock but not by ours: the same path
  fake.expireTokens()
  await adapter.checkAccount(session)
  t.equal(fake.loginCount, 3)
  finish()
})

t.test('a re-login that gets the very same token back (same second) is still one re-login', async t => {
  const { fake, adapter, install, requestsTo, finish } = await setup(t)
  const { store, session } = await install()
  const old = store.current().token
  fake.revokeTokens()
  await Promise.all(Array.from({ length: 5 }, async () => await adapter.checkAccount(session)))
  t.equal(store.current().token, old, 'the fake issued the identical JWT again (and it works again)')
  t.equal(fake.loginCount, 2)
  t.equal(requestsTo(API_CALL).length, 10)
  finish()
})

t.test('a token refused right after a fresh login is invalid_credentials; no loop', async t => {
  const { fake, adapter, install, failure, requestsTo, finish } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: API_CALL, status: 401, times: 2 })
  const error = await failure(adapter.checkAccount(session), { kind: 'invalid_credentials', boardStatus: 401, message: /refused a freshly issued token/ })
  t.ok(error.isCredentialProblem)
  t.equal(fake.loginCount, 2, 'one re-login only')
  t.equal(requestsTo(API_CALL).length, 2)
  finish()
})

t.test('a board that stays down is unavailable after the retries, then it recovers', async t => {
  const { fake, adapter, install, failure, requestsTo, finish } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: API_CALL, status: 503, times: 3 })
  await failure(adapter.checkAccount(session), { kind: 'unavailable', boardStatus: 503 })
  t.equal(requestsTo(API_CALL).length, 3, 'first try + BOARD_MAX_RETRIES=2')
  t.ok(await adapter.checkAccount(session))

  fake.server.inject({ match: LOGIN, status: 503, times: 3 })
  await failure(adapter.connect({ login: fake.defaultUsername, password: fake.defaultPassword }, 'install:down'), { kind: 'unavailable', boardStatus: 503 })
  fake.server.inject({ match: LOGIN, status: 502, times: 1 })
  t.ok((await adapter.connect({ login: fake.defaultUsername, password: fake.defaultPassword }, 'install:flaky')).token, 'a login is retried after a 5xx')
  finish()
})

t.test('a board that does not answer is timeout', async t => {
  const { fake, adapter, install, failure, requestsTo, finish } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: API_CALL, mode: 'timeout', times: 3 })
  await failure(adapter.checkAccount(session), { kind: 'timeout', message: /within 500 ms/ })
  t.equal(requestsTo(API_CALL).length, 3)

  fake.server.inject({ match: LOGIN, mode: 'timeout', times: 3 })
  await failure(adapter.connect({ login: fake.defaultUsername, password: fake.defaultPassword }, 'install:slow'), { kind: 'timeout' })
  finish()
})

t.test('malformed or unexpected answers are bad_response', async t => {
  const { fake, adapter, install, failure, finish } = await setup(t)
  const { session } = await install()
  const input = { login: fake.defaultUsername, password: fake.defaultPassword }

  fake.server.inject({ match: API_CALL, mode: 'malformed' })
  await failure(adapter.checkAccount(session), { kind: 'bad_response', message: /malformed JSON/ })
  fake.server.inject({ match: API_CALL, mode: 'truncated' })
  await failure(adapter.checkAccount(session), { kind: 'bad_response', message: /malformed JSON/ })
  fake.server.inject({ match: API_CALL, status: 200, body: { items: [] } })
  await failure(adapter.checkAccount(session), { kind: 'bad_response', message: /vacancy list \(POST \/vacancy\/list\).*vacancies/ })

  fake.server.inject({ match: LOGIN, mode: 'malformed' })
  await failure(adapter.connect(input, 'install:m'), { kind: 'bad_response', message: /malformed JSON/ })
  fake.server.inject({ match: LOGIN, status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Welcome</body></html>' })
  await failure(adapter.connect(input, 'install:h'), { kind: 'bad_response', message: /without a token/ })
  fake.server.inject({ match: LOGIN, status: 200, body: { token: 'abc' } })
  await failure(adapter.connect(input, 'install:o'), { kind: 'bad_response', message: /without a token/ })
  fake.server.inject({ match: LOGIN, status: 200, headers: { 'content-type': 'application/json' }, body: '""' })
  await failure(adapter.connect(input, 'install:e'), { kind: 'bad_response', message: /without a token/ })
  finish()
})

t.test('Cloudflare refusing the server (HTML 403) is unavailable and says so; a passing 429 is retried', async t => {
  const { fake, adapter, install, failure, finish } = await setup(t)
  const { session } = await install()
  const cloudflare = {
    status: 403,
    headers: { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare', 'cf-ray': '8f1c2d3e4f5a6b7c-KBP' },
    body: '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>'
  }
  fake.server.inject({ match: API_CALL, ...cloudflare })
  const error = await failure(adapter.checkAccount(session), { kind: 'unavailable', boardStatus: 403, message: /edge \(Cloudflare\) refused this server/ })
  t.notOk(error.isCredentialProblem, 'not the account\'s fault: the words "blocked" in the page do not make it account_blocked')
  fake.server.inject({ match: LOGIN, ...cloudflare })
  await failure(adapter.connect({ login: fake.defaultUsername, password: fake.defaultPassword }, 'install:cf'), { kind: 'unavailable', message: /Cloudflare/ })

  fake.server.inject({ match: API_CALL, ...cloudflare, status: 429, headers: { ...cloudflare.headers, 'retry-after': '0' } })
  t.ok(await adapter.checkAccount(session))
  fake.server.inject({ match: API_CALL, ...cloudflare, status: 429, headers: { ...cloudflare.headers, 'retry-after': '0' }, times: 3 })
  await failure(adapter.checkAccount(session), { kind: 'rate_limited', boardStatus: 429 })
  t.equal(fake.loginCount, 1)
  finish()
})

t.test('nothing secret reaches the logs, through logins, re-logins and failures', async t => {
  const lines: string[] = []
  const log = pino({ level: 'trace' }, { write: (line: string) => { lines.push(line) } })
  const { fake, adapter, install, failure, secrets, finish } = await setup(t, {}, log)
  const { session } = await install()
  await adapter.checkAccount(session)
  fake.revokeTokens()
  fake.advanceClock(2)
  await adapter.checkAccount(session)
  fake.server.inject({ match: API_CALL, status: 503, times: 3 })
  await failure(adapter.checkAccount(session), { kind: 'unavailable' })
  fake.accounts.get(fake.defaultUsername)!.password = strongPassword()
  fake.revokeTokens()
  await failure(adapter.checkAccount(session), { kind: 'invalid_credentials' })

  t.ok(lines.length > 0, 'the adapter did log')
  t.ok(lines.some(l => l.includes('Robota.ua login')))
  const all = secrets()
  t.equal(all.length, 4, 'two passwords and two tokens to look for')
  t.same(lines.filter(l => all.some(s => l.includes(s))), [])
  finish()
})

t.test('the token\'s expiry is read from its exp, else assumed an hour', async t => {
  const now = Date.parse('2025-06-01T10:00:00Z')
  const jwt = (payload: unknown) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`
  t.equal(tokenExpiryOf(jwt({ exp: now / 1000 + 600, employerId: '7' }), now), '2025-06-01T10:10:00.000Z')
  t.same(decodeClaims(jwt({ exp: 1, employerId: '7', sub: 3 })), { exp: 1, employerId: '7', sub: 3 })
  const anHourOn = new Date(now + ASSUMED_TOKEN_LIFETIME_MS).toISOString()
  t.equal(tokenExpiryOf('opaque-token', now), anHourOn, 'not a JWT')
  t.equal(tokenExpiryOf('a.!!!.c', now), anHourOn, 'a payload that is not base64url JSON')
  t.equal(tokenExpiryOf(jwt({ exp: 'soon' }), now), anHourOn, 'an exp that is not a number')
  t.equal(tokenExpiryOf(jwt({ exp: 1e300 }), now), anHourOn, 'an exp past any date')

  const credentials = (token: string | undefined, tokenExpiresAt?: string): RobotauaCredentials => ({ login: 'l', password: 'p', token, tokenExpiresAt })
  t.equal(usableToken(credentials(undefined), now), null)
  t.equal(usableToken(credentials('x', new Date(now + 6 * 60_000).toISOString()), now), 'x')
  t.equal(usableToken(credentials('x', new Date(now + 4 * 60_000).toISOString()), now), null, 'within the 5-minute margin')
  t.equal(usableToken(credentials(jwt({ exp: now / 1000 + 600 })), now) !== null, true, 'no stored expiry: the JWT exp')
})

t.test('the adapter describes itself and its publication fields', async t => {
  const { adapter, finish } = await setup(t)
  t.match(robotaua, { id: 'robotaua', name: 'Robota.ua', auth: 'login_password', syncIntervalMinutes: 60 })
  t.same(adapter.publicCredentialFields, ['login'])
  t.ok(Value.Check(adapter.credentialsSchema, { login: 'a@b.example', password: 'x' }))
  t.notOk(Value.Check(adapter.credentialsSchema, { login: 'a@b.example', password: 'x', token: 'y' }), 'no extra properties')
  t.notOk(Value.Check(adapter.credentialsSchema, { login: 'a@b.example' }))
  t.same(adapter.publicationTypes.map(p => [p.id, p.paid]), [['Business', true], ['Optimum', true], ['Professional', true], ['Anonym', true]])
  t.equal(adapter.publicationFields, robotauaFields)
  t.ok(Value.Check(robotauaFields, { cityId: 1 }))
  t.ok(Value.Check(robotauaFields, { cityId: 1, salary: 30000 }))
  t.notOk(Value.Check(robotauaFields, { cityId: 1.5 }))
  t.notOk(Value.Check(robotauaFields, { cityId: 1, region: 2 }), 'no extra properties')
  t.notOk(Value.Check(robotauaFields, {}))
  finish()
})
