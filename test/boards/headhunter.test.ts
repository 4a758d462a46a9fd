// The HeadHunter adapter against the HeadHunter fake (no database): install through the OAuth
// code, account checks, recruiters, the single-use refresh token, and hh's error shapes.
// Every request the adapter makes is checked against hh's OpenAPI spec by the fake.
import t from 'tap'
import { type BoardResponse } from '../../src/boards/http.js'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, CredentialStore } from '../../src/boards/types.js'
import { createHeadHunterAdapter, type HeadHunterCredentials } from '../../src/boards/headhunter/adapter.js'
import { boardErrorOf } from '../../src/boards/headhunter/client.js'
import { type EmployerAccountSeed, type HeadHunterFakeOptions } from '../fakes/headhunter/index.js'
import { memoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'
import { headhunter } from '../../src/boards/headhunter/index.js'

const REDIRECT_URI = 'https://host.example/oauth/hh'

interface Teardown { teardown: (fn: () => unknown) => void }


async function setup (t: Teardown, { env = {}, fake: fakeOptions = {} }: { env?: Record<string, string | undefined>, fake?: HeadHunterFakeOptions } = {}) {
  const { fake, config, adapter, agents, log, logs: logLines, requestsTo } = await adapterHarness(t, 'headhunter', {
    fake: { redirectUri: REDIRECT_URI, ...fakeOptions },
    env: { BOARD_MAX_RETRIES: '2', ...env },
    create: createHeadHunterAdapter
  })

  const sessionOf = (key: string, credentials: CredentialStore<HeadHunterCredentials>): AccountSession<HeadHunterCredentials> =>
    ({ key, credentials, log })

  /** an employer grants access on hh; the host installs with the code */
  async function install (seed: EmployerAccountSeed = {}) {
    const account = fake.addEmployerAccount(seed)
    const credentials = await adapter.connect({ code: fake.issueAuthCode(account.key) }, `install:${account.key}`)
    const store = memoryStore(credentials)
    return { account, store, session: sessionOf(account.key, store) }
  }

  return { fake, config, adapter, agents, logLines, sessionOf, install, requestsTo }
}

const pastIso = () => new Date(Date.now() - 60_000).toISOString()

t.test('install: the authorization code becomes tokens, once', async t => {
  const { fake, adapter } = await setup(t)
  const account = fake.addEmployerAccount()
  const code = fake.issueAuthCode(account.key)

  const credentials = await adapter.connect({ code }, 'install:1')
  t.match(credentials, { accessToken: /^\w{20,}$/, refreshToken: /^\w{20,}$/ })
  const lifetime = Date.parse(credentials.expiresAt) - Date.now()
  t.ok(lifetime > 13 * 86_400_000 && lifetime <= 14 * 86_400_000, 'expiresAt from expires_in (14 days)')

  const token = fake.server.requests.find(r => r.path === '/token')!
  t.match(token.body, { grant_type: 'authorization_code', client_id: fake.clientId, client_secret: fake.clientSecret, code, redirect_uri: REDIRECT_URI })
  t.equal(token.headers['content-type'], 'application/x-www-form-urlencoded')

  await t.rejects(adapter.connect({ code }, 'install:2'), { kind: 'invalid_credentials', message: /code has already been used/ }, 'a code is single-use')
  await t.rejects(adapter.connect({ code: 'NOSUCHCODE' }, 'install:3'), { kind: 'invalid_credentials', message: /code not found/ })
  await t.rejects(
    adapter.connect({ code: fake.issueAuthCode(account.key), redirectUri: 'https://elsewhere.example/cb' }, 'install:4'),
    { kind: 'invalid_credentials', message: /bad redirect url/ },
    'the redirect URI must be the one the code was issued for'
  )
})

t.test('the authorize URL carries client id, state and redirect URI', async t => {
  const { fake, adapter } = await setup(t)
  t.equal(headhunter.auth, 'oauth2')
  t.same(adapter.publicCredentialFields, [])

  const url = new URL(adapter.authorizeUrl({ state: 'signed.state' }))
  t.equal(`${url.origin}${url.pathname}`, `${fake.oauthUrl}/oauth/authorize`)
  t.same(Object.fromEntries(url.searchParams), { response_type: 'code', client_id: fake.clientId, state: 'signed.state', redirect_uri: REDIRECT_URI })

  const other = new URL(adapter.authorizeUrl({ state: 's', redirectUri: 'https://tenant.example/cb?x=1' }))
  t.equal(other.searchParams.get('redirect_uri'), 'https://tenant.example/cb?x=1')
})

t.test('without the OAuth application settings nothing can be installed', async t => {
  const { fake, adapter } = await setup(t, { env: { HH_CLIENT_ID: undefined, HH_CLIENT_SECRET: undefined } })
  t.equal(adapter.isConfigured(), false)
  const notConfigured = { code: 'JOBSYNC_ERR_BOARD_NOT_CONFIGURED', status: 503, message: /HH_CLIENT_ID, HH_CLIENT_SECRET and HH_REDIRECT_URI must be set/ }
  await t.rejects(adapter.connect({ code: 'ANY' }, 'install:1'), notConfigured)
  t.throws(() => adapter.authorizeUrl({ state: 's' }), notConfigured)
  t.equal(fake.server.requests.length, 0, 'hh never asked')
})

t.test('a client secret hh does not know is a configuration error, not the employer\'s', async t => {
  const { fake, adapter } = await setup(t, { env: { HH_CLIENT_SECRET: 'WRONGSECRET' } })
  t.equal(adapter.isConfigured(), true)
  const account = fake.addEmployerAccount()
  const error = await adapter.connect({ code: fake.issueAuthCode(account.key) }, 'install:1').catch((e: unknown) => e)
  t.match(error, { code: 'JOBSYNC_ERR_BOARD_NOT_CONFIGURED', status: 503, message: /HH_CLIENT_ID\/HH_CLIENT_SECRET/ })
  t.notOk(String((error as Error).message).includes('WRONGSECRET'), 'the secret is not echoed')
})

t.test('an employer account checks out', async t => {
  const { fake, adapter, install } = await setup(t)
  const { account, session } = await install({ employerName: 'ООО «Ромашка»', email: 'hr@romashka.example' })
  const checked = await adapter.checkAccount(session)
  t.same(checked, { externalId: account.employerId, name: 'ООО «Ромашка»', email: 'hr@romashka.example' })
  t.same(await adapter.readMe(session), {
    employerId: account.employerId, employerName: 'ООО «Ромашка»', managerId: account.managerId, hasAdminRights: true, email: 'hr@romashka.example', fullName: 'Сидорова Ирина'
  })
  t.equal(fake.refreshAttempts, 0)
})

t.test('a job-seeker account is refused: employer account required', async t => {
  const { fake, adapter, sessionOf } = await setup(t)
  const seeker = fake.addApplicantAccount()
  const credentials = await adapter.connect({ code: fake.issueAuthCode(seeker.key) }, 'install:seeker')
  const session = sessionOf(seeker.key, memoryStore(credentials))
  await t.rejects(adapter.checkAccount(session), { name: 'BoardError', kind: 'not_employer', message: /employer account required; this is a job-seeker account/ })
  await t.rejects(adapter.listRecruiters(session, { externalId: 'x', name: 'x', email: null }), { name: 'BoardError', kind: 'not_employer' })
})

t.test('a blocked employer is account_blocked, either way hh blocks it', async t => {
  const { fake, adapter, install } = await setup(t)
  const { account, session } = await install()
  fake.blockEmployer(account.employerId, 'additional_check')
  await t.rejects(adapter.checkAccount(session), { kind: 'account_blocked', boardStatus: 403, message: /additional check/ })
  fake.blockEmployer(account.employerId, 'manager_account')
  await t.rejects(adapter.checkAccount(session), { name: 'BoardError', kind: 'account_blocked', boardStatus: 403 })
  fake.unblockEmployer(account.employerId)
  t.equal((await adapter.checkAccount(session)).externalId, account.employerId)
})

t.test('a revoked token is invalid_credentials, and no refresh is tried', async t => {
  const { fake, adapter, install } = await setup(t)
  const { account, session, store } = await install()
  fake.revokeTokens(account.key)
  const error = await adapter.checkAccount(session).catch((e: unknown) => e) as BoardError
  t.match(error, { kind: 'invalid_credentials', boardStatus: 403, message: /token_revoked/ })
  t.ok(error.isCredentialProblem)
  t.notOk(error.message.includes(store.current().accessToken), 'no token in the message')
  t.equal(fake.refreshAttempts, 0)
  t.equal(store.writes, 0)
})

t.test('a board that stays down is unavailable after the retries; then it recovers', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /^GET \/me$/, status: 503, times: 3 })
  await t.rejects(adapter.checkAccount(session), { name: 'BoardError', kind: 'unavailable', boardStatus: 503 })
  t.equal(requestsTo(/^GET \/me$/).length, 3, 'first try + BOARD_MAX_RETRIES=2')
  t.ok(await adapter.checkAccount(session))
})

t.test('malformed or unexpected answers are bad_response', async t => {
  const { fake, adapter, install } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /^GET \/me$/, mode: 'malformed' })
  await t.rejects(adapter.checkAccount(session), { kind: 'bad_response', message: /malformed JSON/ })

  fake.server.inject({ match: /^GET \/me$/, status: 200, body: { email: 'a@b.example', employer: { id: 1001, name: 'X' }, manager: { id: '1', has_admin_rights: true } } })
  await t.rejects(adapter.checkAccount(session), { kind: 'bad_response', message: /GET \/me.*\/employer\/id/ })

  fake.server.inject({ match: /^GET \/employers\/\d+\/managers$/, status: 200, body: { items: [{ email: 'no-id@x.example' }], page: 0, pages: 1 } })
  await t.rejects(adapter.listRecruiters(session, { externalId: 'x', name: 'x', email: null }), { kind: 'bad_response', message: /manager list/ })
})

t.test('a bad HH-User-Agent is our bug, said so', async t => {
  const { fake, adapter, sessionOf } = await setup(t, { env: { HH_USER_AGENT: 'jobsync/1.0 (nobody)' } })
  const account = fake.addEmployerAccount()
  const session = sessionOf(account.key, memoryStore(await adapter.connect({ code: fake.issueAuthCode(account.key) }, 'install:1')))
  await t.rejects(adapter.checkAccount(session), { kind: 'bad_response', boardStatus: 400, message: /HH-User-Agent \(bad_user_agent\/blacklisted\).*jobsync bug or misconfiguration/ })
})

t.test('recruiters are the employer\'s managers; only /me tells who is admin', async t => {
  const { adapter, install } = await setup(t)
  const { account, session } = await install({
    managerName: 'Ирина Сидорова',
    email: 'irina@co.example',
    managers: [{ name: 'Пётр Рекрутеров', email: 'petr@co.example' }, { name: 'Анна Подбор Ивановна', email: 'anna@co.example', hasAdminRights: true }]
  })
  const checked = await adapter.checkAccount(session)
  const recruiters = await adapter.listRecruiters(session, checked)
  t.same(recruiters, [
    { externalId: account.managerId, name: 'Сидорова Ирина', email: 'irina@co.example', isAdmin: true },
    { externalId: account.managerIds[1], name: 'Рекрутеров Пётр', email: 'petr@co.example', isAdmin: false },
    // hh's manager list carries no rights: an admin other than the token's own manager shows as false
    { externalId: account.managerIds[2], name: 'Подбор Анна Ивановна', email: 'anna@co.example', isAdmin: false }
  ])
})

t.test('recruiters are read through every page', async t => {
  const { adapter, install, requestsTo } = await setup(t)
  const managers = Array.from({ length: 203 }, (_, i) => ({ name: `Менеджер${i} Тестов`, email: `m${i}@co.example` }))
  const { session } = await install({ managers })
  const recruiters = await adapter.listRecruiters(session, await adapter.checkAccount(session))
  t.equal(recruiters.length, 204)
  t.equal(new Set(recruiters.map(r => r.externalId)).size, 204)
  t.same(requestsTo(/^GET \/employers\/\d+\/managers$/).map(r => r.query.get('page')), ['0', '1'])
})

t.test('a manager without admin rights lists only itself', async t => {
  const { adapter, install } = await setup(t)
  const { account, session } = await install({ hasAdminRights: false, email: 'solo@co.example', managers: [{ name: 'Другой Менеджер' }] })
  const recruiters = await adapter.listRecruiters(session, await adapter.checkAccount(session))
  t.same(recruiters, [{ externalId: account.managerId, name: 'Сидорова Ирина', email: 'solo@co.example', isAdmin: false }])
})

t.test('hh says token_expired: refresh once, store the new pair, retry the call', async t => {
  const { fake, adapter, install, logLines } = await setup(t)
  const { account, session, store } = await install()
  const old = store.current()
  fake.expireAccessTokens(account.key)
  const sent = fake.server.requests.length

  t.equal((await adapter.checkAccount(session)).externalId, account.employerId)
  t.equal(fake.refreshCount, 1)
  t.equal(store.writes, 1)
  const renewed = store.current()
  t.not(renewed.accessToken, old.accessToken)
  t.not(renewed.refreshToken, old.refreshToken)
  t.ok(Date.parse(renewed.expiresAt) > Date.now())
  t.same(fake.server.requests.slice(sent).map(r => `${r.method} ${r.path}`), [
    'GET /me', 'POST /token', 'GET /me', `GET /employers/${account.employerId}/managers/${account.managerId}/vacancies/available_types`
  ])
  t.same(fake.server.requests.find(r => (r.body as { grant_type?: string } | undefined)?.grant_type === 'refresh_token')?.body, { grant_type: 'refresh_token', refresh_token: old.refreshToken })

  t.ok(await adapter.checkAccount(session), 'the new token keeps working')
  t.equal(fake.refreshCount, 1)
  const logs = logLines.join('\n')
  for (const token of [old.accessToken, old.refreshToken, renewed.accessToken, renewed.refreshToken]) t.notOk(logs.includes(token), 'no token in the logs')
  t.match(logs, /HeadHunter access token renewed/)
})

t.test('calls that find the token expired together refresh it once', async t => {
  const { fake, adapter, install } = await setup(t, { fake: { refreshDelayMs: 50 } })
  const { account, session, store } = await install()
  fake.expireAccessTokens(account.key)
  const results = await Promise.all(Array.from({ length: 6 }, async () => await adapter.checkAccount(session)))
  t.ok(results.every(r => r.externalId === account.employerId), 'every call succeeded')
  t.equal(fake.refreshAttempts, 1, 'one refresh_token grant, the single-use token spent once')
  t.equal(fake.maxConcurrentRefreshes, 1)
  t.equal(store.writes, 1, 'one write: the others found the new token under the lock and changed nothing')
})

t.test('past expiresAt: refresh before calling instead of after a 403', async t => {
  const { fake, adapter, install } = await setup(t)
  const { account, store, session } = await install()
  await store.update(async latest => ({ ...latest, expiresAt: pastIso() }))
  fake.expireAccessTokens(account.key)
  const sent = fake.server.requests.length
  t.ok(await adapter.checkAccount(session))
  t.same(fake.server.requests.slice(sent).map(r => `${r.method} ${r.path}`).slice(0, 2), ['POST /token', 'GET /me'])
  t.equal(fake.refreshCount, 1)
})

t.test('past expiresAt by our clock but not by hh\'s: keep the token, no refresh storm', async t => {
  const { fake, adapter, install } = await setup(t)
  const { store, session } = await install()
  const before = store.current()
  await store.update(async latest => ({ ...latest, expiresAt: pastIso() }))
  t.ok(await adapter.checkAccount(session))
  t.equal(fake.refreshAttempts, 1)
  t.equal(fake.refreshCount, 0, 'hh refused: token not expired')
  t.equal(store.current().accessToken, before.accessToken)
  t.equal(store.current().refreshToken, before.refreshToken, 'the refresh token is still unspent')
  t.ok(Date.parse(store.current().expiresAt) > Date.now(), 'looked at again later')
  t.ok(await adapter.checkAccount(session))
  t.equal(fake.refreshAttempts, 1)
})

t.test('a refresh token spent elsewhere is invalid_credentials; nothing stored', async t => {
  const { fake, adapter, install } = await setup(t)
  const { account, session, store } = await install()
  fake.expireAccessTokens(account.key)
  // another program with the same grant spends the single-use refresh token first
  const elsewhere = await fetch(`${fake.apiUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: store.current().refreshToken })
  })
  t.equal(elsewhere.status, 200)
  const writes = store.writes
  const error = await adapter.checkAccount(session).catch((e: unknown) => e) as BoardError
  t.match(error, { kind: 'invalid_credentials', message: /token has already been refreshed.*install the account again/ })
  t.notOk(error.message.includes(store.current().refreshToken))
  t.equal(store.writes, writes, 'a refused refresh stores nothing')
})

t.test('the token endpoint failing is never retried: a refresh token is single-use', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { account, session, store } = await install()
  const before = store.current()
  fake.expireAccessTokens(account.key)
  const posts = requestsTo(/^POST \/token$/).length
  fake.server.inject({ match: /^POST \/token$/, status: 503 })
  await t.rejects(adapter.checkAccount(session), { name: 'BoardError', kind: 'unavailable', boardStatus: 503 })
  t.equal(requestsTo(/^POST \/token$/).length, posts + 1, 'one POST, no retry after a 5xx')
  t.same(store.current(), before, 'nothing stored')
  t.ok(await adapter.checkAccount(session), 'the unspent refresh token works on the next call')
  t.equal(fake.refreshCount, 1)
})

t.test('a locked hh user cannot be installed', async t => {
  const { fake, adapter } = await setup(t)
  const account = fake.addEmployerAccount()
  // hh's spec, POST /token 400 example "account is locked"
  fake.server.inject({ match: /^POST \/token$/, status: 400, body: { error: 'invalid_request', error_description: 'account is locked' } })
  await t.rejects(adapter.connect({ code: fake.issueAuthCode(account.key) }, 'install:1'), { name: 'BoardError', kind: 'account_blocked', message: /locked/ })
})

t.test('HH-User-Agent goes with every call, token endpoint included', async t => {
  const { fake, adapter, install, config } = await setup(t)
  const { account, session } = await install({ managers: [{ name: 'Пётр Рекрутеров' }] })
  fake.expireAccessTokens(account.key)
  await adapter.listRecruiters(session, await adapter.checkAccount(session))
  t.ok(fake.server.requests.length >= 6)
  for (const r of fake.server.requests) t.equal(r.headers['hh-user-agent'], config.boards.settings.headhunter.HH_USER_AGENT, `${r.method} ${r.path}`)
  t.ok(fake.server.requests.filter(r => r.path !== '/token').every(r => /^Bearer /.test(String(r.headers.authorization))))
})

t.test('hh error shapes map to BoardError kinds', async t => {
  const answer = (status: number, errors: Array<{ type: string, value?: string }>): BoardResponse =>
    ({ status, headers: {}, body: { errors, request_id: 'r' }, text: '' })
  t.match(boardErrorOf(answer(403, [{ type: 'forbidden' }])), { kind: 'not_employer', message: /employer account required/ })
  t.match(boardErrorOf(answer(403, [{ type: 'oauth', value: 'bad_authorization' }])), { kind: 'invalid_credentials' })
  t.match(boardErrorOf(answer(403, [{ type: 'oauth', value: 'token_expired' }])), { kind: 'invalid_credentials', message: /expired again/ })
  t.match(boardErrorOf(answer(403, [{ type: 'vacancies', value: 'not_enough_purchased_services' }])), { kind: 'quota' })
  t.match(boardErrorOf(answer(403, [{ type: 'vacancies', value: 'duplicate' }])), { kind: 'duplicate' })
  t.match(boardErrorOf(answer(403, [{ type: 'api_access_payment', value: 'action_must_be_payed' }])), { kind: 'no_api_access', message: /no paid API access \(api_access_payment\/action_must_be_payed/ })
  // anything but hh's identifiers (a board that echoes what it was sent) is not quoted
  t.match(boardErrorOf(answer(400, [{ type: 'bad_argument', value: 'Bearer ABC/def token=1' }])), { kind: 'rejected', message: /bad_argument\/…/ })
  t.match(boardErrorOf(answer(400, [{ type: 'bad_argument', value: 'per_page' }])), { kind: 'rejected', boardStatus: 400, message: /bad_argument\/per_page/ })
  t.match(boardErrorOf(answer(404, [{ type: 'not_found' }])), { kind: 'not_found' })
  t.match(boardErrorOf({ status: 418, headers: {}, body: 'teapot', text: 'teapot' }), { kind: 'rejected', message: /HTTP 418/ })
  t.match(boardErrorOf(answer(302, [])), { kind: 'bad_response' })
})

t.test('the publication fields and types', async t => {
  const { adapter } = await setup(t)
  t.same(adapter.publicationTypes.map(p => [p.id, p.paid]), [['free', false], ['standard', true], ['standard_plus', true], ['premium', true]])
  const props = adapter.publicationFields.properties as Record<string, { description?: string }>
  t.same(adapter.publicationFields.required, ['areaId', 'vacancyType', 'professionalRoleId'])
  t.ok(Object.values(props).every(p => typeof p.description === 'string' && p.description !== ''), 'every field is described')
  t.match(props.vacancyType, { enum: ['open', 'closed', 'anonymous', 'direct'], default: 'open' })
  t.match(props.billingType, { enum: ['free', 'standard', 'standard_plus', 'premium'] })
  t.equal(headhunter.syncIntervalMinutes, 60)
})
