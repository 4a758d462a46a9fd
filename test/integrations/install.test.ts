// Installing, checking, rotating and deleting accounts of every board through the API, against
// the fake boards: the happy paths and every way a board can refuse.
import t from 'tap'
import { BOARDS, BOARD_IDS } from '../../src/boards/registry.js'
import { bearer, build, problemOf } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'

const boards = await startFakeBoards()

async function setup (t: Parameters<typeof build>[0]) {
  const app = await build(t, { env: boards.env })
  const { key } = await app.tenant()
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
  return { ...app, key, call }
}

const install = (call: Awaited<ReturnType<typeof setup>>['call'], board: string, credentials: object, name = `${board} account`) =>
  call('POST', '/v1/integrations', { board, name, credentials })

/** an hh install code the way a host gets one: authorize URL → the employer agrees → redirect with code and state */
async function hhGrant (call: Awaited<ReturnType<typeof setup>>['call'], accountKey: string) {
  const res = await call('GET', '/v1/boards/headhunter/authorize-url')
  if (res.statusCode !== 200) throw new Error(res.body)
  const { url, state } = res.json()
  return { url: url as string, state: state as string, code: boards.headhunter.issueAuthCode(accountKey) }
}

t.test('GET /v1/boards lists every board of the registry with its form', async t => {
  const { call } = await setup(t)
  const { items } = (await call('GET', '/v1/boards')).json()
  t.same(items.map((b: { id: string }) => b.id).sort(), [...BOARD_IDS].sort())
  const byId = Object.fromEntries(items.map((b: { id: string }) => [b.id, b]))
  for (const board of BOARDS) t.match(byId[board.id], { name: board.name, auth: board.auth, syncIntervalMinutes: board.syncIntervalMinutes }, board.id)
  t.ok(byId.headhunter.credentialsSchema.required.includes('state'), 'hh install needs the signed state')
  for (const board of items) {
    t.equal(board.publicationFields.type, 'object', `${board.id} publication fields are a JSON Schema`)
    t.ok(board.publicationTypes.length > 0, `${board.id} has publication types`)
  }
})

t.test('Djinni: install with a named key, recruiters of an admin account, the failures', async t => {
  const { call } = await setup(t)
  const account = boards.djinni.addAccount({ key: 'dj-key-admin-1', companyName: 'Acme UA', isAdmin: true, recruiters: [{ name: 'Rita Recruiter' }, { name: 'Petro Recruiter' }] })
  const ok = await install(call, 'djinni', { keyName: 'jobsync', apiKey: account.key })
  t.equal(ok.statusCode, 201, ok.body)
  const integration = ok.json()
  t.match(integration, { board: 'djinni', status: 'active', account: { externalId: String(account.id), name: 'Acme UA' }, credentials: { keyName: 'jobsync' } })
  t.notOk(ok.body.includes(account.key), 'the key is never returned')
  const recruiters = (await call('GET', `/v1/integrations/${integration.id}/recruiters`)).json().items
  t.ok(recruiters.some((r: { name: string }) => r.name === 'Rita Recruiter'))

  const wrong = await install(call, 'djinni', { keyName: 'x', apiKey: 'not-a-key' })
  t.equal(wrong.statusCode, 422)
  t.equal(problemOf(wrong).code, 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS')

  const noApi = boards.djinni.addAccount({ key: 'dj-no-api', apiAccess: false })
  const refused = await install(call, 'djinni', { keyName: 'x', apiKey: noApi.key })
  t.equal(refused.statusCode, 422)
  t.match(problemOf(refused), { code: 'JOBSYNC_ERR_BOARD_NO_API_ACCESS', detail: /magic@djinni\.co/ })

  const blocked = boards.djinni.addAccount({ key: 'dj-blocked', blocked: true })
  t.equal(problemOf(await install(call, 'djinni', { keyName: 'x', apiKey: blocked.key })).code, 'JOBSYNC_ERR_BOARD_ACCOUNT_BLOCKED')

  const missing = await install(call, 'djinni', { keyName: 'x' })
  t.equal(missing.statusCode, 400)
  t.match(problemOf(missing).errors, [{ pointer: '/credentials/apiKey' }])
})

t.test('Work.ua: login and password, blocked account, board down', async t => {
  const { call } = await setup(t)
  const account = boards.workua.addAccount({ login: 'hr@acme-workua.ua', password: 'wu-pass-1' })
  const ok = await install(call, 'workua', { login: account.login, password: account.password })
  t.equal(ok.statusCode, 201, ok.body)
  t.match(ok.json(), { status: 'active', account: { externalId: account.login }, credentials: { login: account.login } })
  t.notOk(ok.body.includes('wu-pass-1'))

  const wrong = await install(call, 'workua', { login: account.login, password: 'nope' })
  t.equal(problemOf(wrong).code, 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS')

  const blocked = boards.workua.addAccount({ login: 'blocked@acme.ua', password: 'wu-pass-2', blocked: true })
  t.equal(problemOf(await install(call, 'workua', { login: blocked.login, password: blocked.password })).code, 'JOBSYNC_ERR_BOARD_ACCOUNT_BLOCKED')

  const other = boards.workua.addAccount({ login: 'down@acme.ua', password: 'wu-pass-3' })
  boards.workua.server.inject({ status: 503, times: 5 })
  const down = await install(call, 'workua', { login: other.login, password: other.password })
  t.equal(down.statusCode, 502)
  t.match(problemOf(down), { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE', board: 'workua' })
  boards.workua.server.clearFaults()
})

t.test('Robota.ua: JWT login, job-seeker accounts refused', async t => {
  const { call } = await setup(t)
  const account = boards.robotaua.addAccount({ username: 'hr@acme-robota.ua', password: 'ro-pass-1', kind: 'employer' })
  const ok = await install(call, 'robotaua', { login: account.username, password: account.password })
  t.equal(ok.statusCode, 201, ok.body)
  t.match(ok.json(), { status: 'active', credentials: { login: account.username } })

  const seeker = boards.robotaua.addAccount({ username: 'seeker@mail.ua', password: 'ro-pass-2', kind: 'jobseeker' })
  const refused = await install(call, 'robotaua', { login: seeker.username, password: seeker.password })
  t.equal(refused.statusCode, 422)
  t.equal(problemOf(refused).code, 'JOBSYNC_ERR_BOARD_NOT_EMPLOYER')

  t.equal(problemOf(await install(call, 'robotaua', { login: account.username, password: 'bad' })).code, 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS')
})

t.test('HeadHunter: OAuth code with a signed state, managers as recruiters', async t => {
  const { call } = await setup(t)
  const account = boards.headhunter.addEmployerAccount({ employerName: 'Acme HH', hasAdminRights: true, managers: [{ name: 'Мария Менеджер' }] })
  const grant = await hhGrant(call, account.key)
  t.match(grant.url, /\/oauth\/authorize\?/)
  t.match(grant.url, /response_type=code/)
  t.ok(grant.url.includes(encodeURIComponent(grant.state)) || grant.url.includes(grant.state), 'the state is in the URL')

  const ok = await install(call, 'headhunter', { code: grant.code, state: grant.state })
  t.equal(ok.statusCode, 201, ok.body)
  const integration = ok.json()
  t.match(integration, { status: 'active', account: { externalId: account.employerId, name: 'Acme HH' } })
  t.same(integration.credentials, {}, 'nothing of the tokens is shown')
  const recruiters = (await call('GET', `/v1/integrations/${integration.id}/recruiters`)).json().items
  t.ok(recruiters.some((r: { name: string }) => r.name.includes('Мария')), 'the other manager is a recruiter')

  const reused = await install(call, 'headhunter', { code: grant.code, state: grant.state })
  t.equal(problemOf(reused).code, 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS', 'a code works once')

  const seeker = boards.headhunter.addApplicantAccount()
  const seekerGrant = await hhGrant(call, seeker.key)
  const refused = await install(call, 'headhunter', { code: seekerGrant.code, state: seekerGrant.state })
  t.match(problemOf(refused), { code: 'JOBSYNC_ERR_BOARD_NOT_EMPLOYER', detail: /employer account required/i })
})

t.test('HeadHunter: a state that is forged, missing, or from another tenant is refused before the board is asked', async t => {
  const first = await setup(t)
  const second = await setup(t)
  const account = boards.headhunter.addEmployerAccount()
  const grant = await hhGrant(first.call, account.key)
  const tokenCalls = () => boards.headhunter.server.requests.filter(r => r.path.endsWith('/token')).length
  const before = tokenCalls()

  const otherTenant = await install(second.call, 'headhunter', { code: grant.code, state: grant.state })
  t.equal(otherTenant.statusCode, 400)
  t.match(problemOf(otherTenant).errors, [{ pointer: '/credentials/state' }])
  const forged = await install(first.call, 'headhunter', { code: grant.code, state: grant.state.slice(0, -2) + 'xx' })
  t.equal(forged.statusCode, 400)
  const missing = await install(first.call, 'headhunter', { code: grant.code })
  t.match(problemOf(missing).errors, [{ pointer: '/credentials/state', detail: 'is required' }])
  t.equal(tokenCalls(), before, 'no code was spent')

  t.equal((await install(first.call, 'headhunter', { code: grant.code, state: grant.state })).statusCode, 201, 'the right tenant can still use it')
})

t.test('check: revoked credentials flip the status, rotation brings it back; other accounts are refused', async t => {
  const { call } = await setup(t)
  const account = boards.djinni.addAccount({ key: 'dj-rotate-old', isAdmin: false })
  const integration = (await install(call, 'djinni', { keyName: 'old', apiKey: account.key })).json()

  // the employer regenerates the key on Djinni: the old one stops working
  boards.djinni.accounts.delete(account.key)
  boards.djinni.accounts.set('dj-rotate-new', { ...account, key: 'dj-rotate-new' })
  const checked = await call('POST', `/v1/integrations/${integration.id}/check`)
  t.equal(checked.statusCode, 200)
  t.match(checked.json(), { status: 'invalid_credentials', lastError: { code: 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' } })

  const badRotation = await call('PATCH', `/v1/integrations/${integration.id}`, { credentials: { keyName: 'new', apiKey: 'still-wrong' } })
  t.equal(badRotation.statusCode, 422, 'rotation is checked first')
  t.equal((await call('GET', `/v1/integrations/${integration.id}`)).json().status, 'invalid_credentials', 'and a failed one changes nothing')

  const otherAccount = boards.djinni.addAccount({ key: 'dj-someone-else' })
  const moved = await call('PATCH', `/v1/integrations/${integration.id}`, { credentials: { keyName: 'x', apiKey: otherAccount.key } })
  t.equal(moved.statusCode, 422)
  t.equal(problemOf(moved).code, 'JOBSYNC_ERR_OTHER_ACCOUNT')

  const rotated = await call('PATCH', `/v1/integrations/${integration.id}`, { credentials: { keyName: 'new', apiKey: 'dj-rotate-new' } })
  t.equal(rotated.statusCode, 200, rotated.body)
  t.match(rotated.json(), { status: 'active', lastError: null, credentials: { keyName: 'new' } })
})

t.test('check: a board that is down marks the integration error, not invalid credentials', async t => {
  const { call } = await setup(t)
  const account = boards.workua.addAccount({ login: 'check-down@acme.ua', password: 'pw-check-down' })
  const integration = (await install(call, 'workua', { login: account.login, password: account.password })).json()
  boards.workua.server.inject({ status: 500, times: 5 })
  const checked = (await call('POST', `/v1/integrations/${integration.id}/check`)).json()
  boards.workua.server.clearFaults()
  t.match(checked, { status: 'error', lastError: { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE', boardStatus: 500 } })
  const again = (await call('POST', `/v1/integrations/${integration.id}/check`)).json()
  t.match(again, { status: 'active', lastError: null })
})

t.test('HeadHunter: an expired access token is refreshed once, the new tokens stored', async t => {
  const { call, db } = await setup(t)
  const account = boards.headhunter.addEmployerAccount()
  const grant = await hhGrant(call, account.key)
  const integration = (await install(call, 'headhunter', { code: grant.code, state: grant.state })).json()
  const sealedBefore = await db.selectFrom('integrations').select('credentials').where('id', '=', integration.id).executeTakeFirstOrThrow()

  boards.headhunter.expireAccessTokens(account.key)
  const refreshesBefore = boards.headhunter.refreshCount
  const checks = await Promise.all([1, 2, 3].map(() => call('POST', `/v1/integrations/${integration.id}/check`)))
  t.same(checks.map(c => c.json().status), ['active', 'active', 'active'])
  t.equal(boards.headhunter.refreshCount - refreshesBefore, 1, 'three concurrent checks, one refresh')
  t.ok(boards.headhunter.maxConcurrentRefreshes <= 1, 'never two refreshes at once')
  const sealedAfter = await db.selectFrom('integrations').select('credentials').where('id', '=', integration.id).executeTakeFirstOrThrow()
  t.not(sealedAfter.credentials.toString('hex'), sealedBefore.credentials.toString('hex'), 'the new tokens were stored')

  boards.headhunter.revokeTokens(account.key)
  t.match((await call('POST', `/v1/integrations/${integration.id}/check`)).json(), { status: 'invalid_credentials' })
})

t.test('delete removes the integration and its recruiters', async t => {
  const { call, db } = await setup(t)
  const account = boards.djinni.addAccount({ key: 'dj-delete-me', isAdmin: true, recruiters: [{ name: 'A' }] })
  const integration = (await install(call, 'djinni', { keyName: 'k', apiKey: account.key })).json()
  t.equal((await call('DELETE', `/v1/integrations/${integration.id}`)).statusCode, 204)
  t.equal((await call('DELETE', `/v1/integrations/${integration.id}`)).statusCode, 404)
  const left = await db.selectFrom('integration_recruiters').select('external_id').where('integration_id', '=', integration.id).execute()
  t.same(left, [])
})

t.test('HeadHunter: integration options (openResumes), and the tokens revoked on rotation and on delete', async t => {
  const { call } = await setup(t)
  const account = boards.headhunter.addEmployerAccount({ employerName: 'Options HH' })
  const withOptions = (grant: { code: string, state: string }, options?: object) =>
    call('POST', '/v1/integrations', { board: 'headhunter', name: 'hh', credentials: { code: grant.code, state: grant.state }, ...(options === undefined ? {} : { options }) })

  const bad = await withOptions(await hhGrant(call, account.key), { openResumes: 'no', other: 1 })
  t.equal(bad.statusCode, 400)
  t.same((problemOf(bad).errors as Array<{ pointer: string }> | undefined)?.map(e => e.pointer).sort(), ['/options/openResumes', '/options/other'].sort(), 'each bad option named')
  const board = (await call('GET', '/v1/boards')).json().items.find((b: { id: string }) => b.id === 'headhunter')
  t.match(board.integrationOptions, { properties: { openResumes: { type: 'boolean', default: true } } })

  const ok = await withOptions(await hhGrant(call, account.key))
  t.equal(ok.statusCode, 201, ok.body)
  const id = ok.json().id as string
  t.same(ok.json().options, { openResumes: true }, 'the default, shown')
  const patched = await call('PATCH', `/v1/integrations/${id}`, { options: { openResumes: false } })
  t.same(patched.json().options, { openResumes: false })
  t.same((await call('PATCH', `/v1/integrations/${id}`, { name: 'renamed' })).json().options, { openResumes: false }, 'kept when not given')

  const deletes = () => boards.headhunter.server.requests.filter(r => r.method === 'DELETE' && r.path === '/oauth/token').length
  const before = deletes()
  const grant = await hhGrant(call, account.key)
  const rotated = await call('PATCH', `/v1/integrations/${id}`, { credentials: { code: grant.code, state: grant.state } })
  t.equal(rotated.statusCode, 200, rotated.body)
  t.equal(deletes(), before + 1, 'the old token revoked on hh')
  t.equal((await call('POST', `/v1/integrations/${id}/check`)).json().status, 'active', 'the new one works')

  t.equal((await call('DELETE', `/v1/integrations/${id}`)).statusCode, 204)
  t.equal(deletes(), before + 2, 'deleting revokes the token too')

  const djinni = await call('GET', '/v1/boards')
  t.equal(djinni.json().items.find((b: { id: string }) => b.id === 'djinni').integrationOptions, null, 'a board without options')
})
