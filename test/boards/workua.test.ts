// The Work.ua adapter against the Work.ua fake (no database): install with a login and password,
// HTTP Basic with Accept and X-Locale on every call, Work.ua's refusals, its one-minute IP block,
// and a board that is down, slow or garbled.
import t, { type Test } from 'tap'
import { Buffer } from 'node:buffer'
import { pino } from 'pino'
import { Value } from 'typebox/value'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardAccount, CredentialStore } from '../../src/boards/types.js'
import { createWorkuaAdapter, WORKUA_FORM_KEYS, WORKUA_LIMIT_KEY, workuaFields, type WorkuaCredentials, type WorkuaFields } from '../../src/boards/workua/adapter.js'
import { createWorkuaClient } from '../../src/boards/workua/client.js'
import { WORKUA_DICTIONARIES, type WorkuaFakeOptions } from '../fakes/workua.js'
import { memoryStore } from '../helpers/credential-store.js'
import { boardFailure } from '../helpers/board-errors.js'
import { adapterHarness } from '../helpers/adapter-harness.js'
import { workua } from '../../src/boards/workua/index.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const silent = pino({ level: 'silent' })


/** every password the tests hand out: no error may show one */
const secrets = new Set<string>()
let passwords = 0
const secretPassword = (): string => { const password = `wua-SECRET-${++passwords}-${Math.random().toString(36).slice(2, 10)}`; secrets.add(password); return password }

const failure = async (t: Test, promise: Promise<unknown>): Promise<BoardError> => await boardFailure(t, promise, secrets)

const someAccount: BoardAccount = { externalId: 'x', name: 'x', email: null }

async function setup (t: Teardown, fakeOptions: WorkuaFakeOptions = {}, env: Record<string, string> = {}) {
  const { fake, deps, adapter, requestsTo, limiter } = await adapterHarness(t, 'workua', {
    fake: { password: secretPassword(), ...fakeOptions },
    env: { BOARD_MAX_RETRIES: '2', BOARD_TIMEOUT_MS: '500', ...env },
    create: createWorkuaAdapter
  })

  const sessionOf = (credentials: WorkuaCredentials, log = silent): AccountSession<WorkuaCredentials> =>
    ({ key: `workua:${credentials.login}`, credentials: memoryStore(credentials), log })
  /** the host installs with the employer's login and password */
  async function install (login = fake.defaultLogin, password = fake.defaultPassword, log = silent) {
    const credentials = await adapter.connect({ login: ` ${login} `, password }, `install:${login}`)
    return { credentials, session: sessionOf(credentials, log) }
  }
  const basic = (login: string, password: string): string => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`

  return { fake, deps, adapter, install, sessionOf, basic, requestsTo, limiter }
}

t.test('the adapter describes Work.ua: login and password, three paid publication types', async t => {
  const { adapter } = await setup(t)
  t.match(workua, { id: 'workua', name: 'Work.ua', auth: 'login_password', syncIntervalMinutes: 60 })
  t.same(adapter.publicCredentialFields, ['login'])
  t.same(adapter.publicationTypes.map(p => [p.id, p.paid]), [['standart_job', true], ['vip_job', true], ['hot_job', true]])
  t.same(adapter.publicationTypes.map(p => p.id), WORKUA_DICTIONARIES.publication_type.map(p => p.id), 'the board\'s publication_type dictionary')

  t.ok(Value.Check(adapter.credentialsSchema, { login: 'hr@kava.example', password: ' p@ss word ' }))
  t.notOk(Value.Check(adapter.credentialsSchema, { login: 'hr:kava', password: 'x' }), 'HTTP Basic cannot carry a colon in the login')
  t.notOk(Value.Check(adapter.credentialsSchema, { login: '  ', password: 'x' }), 'the login is not blank')
  t.notOk(Value.Check(adapter.credentialsSchema, { login: 'hr', password: '' }), 'a password is required')
  t.notOk(Value.Check(adapter.credentialsSchema, { login: 'hr', password: 'x', token: 'y' }), 'no other properties')
  t.same(await adapter.connect({ login: ' hr@kava.example\n', password: ' p@ss word ' }, 'install:x'), { login: 'hr@kava.example', password: ' p@ss word ' }, 'the login is trimmed, the password kept as typed')
})

t.test('the publication fields are what Work.ua\'s POST /jobs takes', async t => {
  const { deps, install, fake } = await setup(t)
  const fields: WorkuaFields = { regionId: 5, categoryIds: [1, 8], jobtypeIds: [74, 76], experienceId: 2, salary: 30000 }
  t.ok(Value.Check(workuaFields, fields))
  t.ok(Value.Check(workuaFields, { regionId: 1, categoryIds: [4], jobtypeIds: [74] }), 'experience and salary are optional')
  t.notOk(Value.Check(workuaFields, { ...fields, categoryIds: [1, 2, 3, 4] }), 'at most three categories')
  t.notOk(Value.Check(workuaFields, { ...fields, categoryIds: [] }), 'at least one category')
  t.notOk(Value.Check(workuaFields, { ...fields, jobtypeIds: [] }), 'at least one job type')
  t.notOk(Value.Check(workuaFields, { ...fields, region: 5 }), 'no other properties')
  t.same(Object.keys(WORKUA_FORM_KEYS).sort(), Object.keys(workuaFields.properties).sort(), 'every field has a form key')

  // the names map onto a form the board accepts (the publish part will send it like this)
  const { session } = await install()
  const client = createWorkuaClient(deps)
  const form: Array<[string, string]> = [['name', 'Бариста'], ['description', 'Готуємо каву.']]
  for (const [field, key] of Object.entries(WORKUA_FORM_KEYS)) {
    const value = fields[field as keyof WorkuaFields]
    for (const one of Array.isArray(value) ? value : [value]) form.push([key, String(one)])
  }
  const created = await client.call(session, { method: 'POST', path: '/jobs', form })
  t.equal(created.status, 201)
  const id = Number(/\/jobs\/(\d+)$/.exec(String(created.headers.location))?.[1])
  t.match(fake.getJob(id), { region: { id: 5 }, category: [{ id: 1 }, { id: 8 }], jobtype: [{ id: 74 }, { id: 76 }], experience: { id: 2 }, salary: { value: 30000 }, active: false })

  // a refused key names our field
  const refused = await failure(t, client.call(session, { method: 'POST', path: '/jobs', form: form.map(([k, v]) => [k, k === 'region[id]' ? '999' : v]) }))
  t.match(refused, { kind: 'rejected', field: 'regionId', boardStatus: 400, message: /Unknown town id "999"/ })
})

t.test('the credentials check out, and Work.ua has no recruiters', async t => {
  const { adapter, install, fake, basic, requestsTo } = await setup(t)
  const { credentials, session } = await install()
  t.same(credentials, { login: fake.defaultLogin, password: fake.defaultPassword })
  t.same(await adapter.checkAccount(session), { externalId: fake.defaultLogin, name: fake.defaultLogin, email: fake.defaultLogin })
  t.same(await adapter.listRecruiters(session, someAccount), [])
  t.equal(requestsTo(/.*/).length, 1, 'listing recruiters asks Work.ua nothing')

  const other = fake.addAccount({ login: 'kava_hr', password: secretPassword() })
  const second = await install(other.login, other.password)
  t.same(await adapter.checkAccount(second.session), { externalId: 'kava_hr', name: 'kava_hr', email: null }, 'a login that is no e-mail gives no e-mail')

  t.equal(fake.calls.length, 2)
  for (const call of fake.calls) {
    t.match(call, { method: 'GET', path: '/jobs/my', accept: /application\/json/, locale: 'uk_UA', status: 200 })
  }
  t.same(fake.calls.map(c => c.login), [fake.defaultLogin, 'kava_hr'], 'Basic auth on every call')
  t.same(fake.server.requests.map(r => r.headers.authorization), [basic(fake.defaultLogin, fake.defaultPassword), basic('kava_hr', other.password)])
  t.same(fake.unmatched, [])
})

t.test('a wrong password or an unknown login is invalid_credentials', async t => {
  const { adapter, install, fake } = await setup(t)
  const wrong = await install(fake.defaultLogin, secretPassword())
  t.match(await failure(t, adapter.checkAccount(wrong.session)), { kind: 'invalid_credentials', boardStatus: 401, message: 'Work.ua refused the login or password', isCredentialProblem: true })
  const unknown = await install('nobody@example.com', secretPassword())
  t.match(await failure(t, adapter.checkAccount(unknown.session)), { kind: 'invalid_credentials' })
  t.ok(fake.calls.every(c => c.accept?.includes('application/json') === true && c.locale === 'uk_UA' && c.login !== null), 'the headers go on refused calls too')
})

t.test('a blocked employer is account_blocked, with Work.ua\'s words', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session } = await install()
  fake.blockAccount(fake.defaultLogin)
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'account_blocked', boardStatus: 403, message: /Employer account is blocked/, isCredentialProblem: true })
})

t.test('Work.ua\'s words are quoted without the password', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /jobs\/my/, status: 400, body: { errors: [{ id: 'password', message: `Password ${fake.defaultPassword} is too old` }] } })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'rejected', message: /Password \[redacted\] is too old/ })
})

t.test('Work.ua down (503 on every try) is unavailable after the retries', async t => {
  const { adapter, install, requestsTo, fake } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /jobs\/my/, status: 503, body: 'Service Unavailable', times: 3 })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'unavailable', boardStatus: 503 })
  t.equal(requestsTo(/jobs\/my/).length, 3, 'one try and BOARD_MAX_RETRIES=2 retries')
  t.ok(await adapter.checkAccount(session), 'works again once Work.ua is back')
})

t.test('Work.ua silent is timeout after the retries', async t => {
  const { adapter, install, requestsTo, fake } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /jobs\/my/, mode: 'timeout', times: 3 })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'timeout' })
  t.equal(requestsTo(/jobs\/my/).length, 3)
})

t.test('what Work.ua sends is checked before it is trusted', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /jobs\/my/, mode: 'malformed' })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'bad_response', message: /malformed JSON/ })
  fake.server.inject({ match: /jobs\/my/, mode: 'truncated' })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'bad_response' })
  fake.server.inject({ match: /jobs\/my/, status: 200, body: { status: 'error', items: [] } })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'bad_response', message: /unexpected job list \(GET \/jobs\/my\)/ })
})

t.test('a 429 with Retry-After is waited out, then the call goes through', async t => {
  const { adapter, install, requestsTo, fake } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /jobs\/my/, status: 429, headers: { 'retry-after': '1' }, body: { errors: [{ id: 'too_many_requests', message: 'Too many requests' }] } })
  const started = Date.now()
  t.match(await adapter.checkAccount(session), { externalId: fake.defaultLogin })
  t.ok(Date.now() - started >= 950, 'waited the second Work.ua asked for')
  t.equal(requestsTo(/jobs\/my/).length, 2)
})

t.test('Work.ua\'s one-minute IP block is rate_limited with a minute to wait, and nothing is sent during it', async t => {
  const { adapter, install, fake, limiter } = await setup(t)
  const { session } = await install()
  fake.rateLimit.perSecond = 0 // the next request is one too many: the IP is blocked, no Retry-After
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'rate_limited', boardStatus: 429, retryAfterMs: 60_000, message: /blocks this server's address for a minute/ })
  t.equal(fake.calls.length, 1, 'one request, answered 429, and no retry into the block')
  t.ok(limiter.blockedUntil(WORKUA_LIMIT_KEY)! > Date.now() + 59_000, 'the shared budget is blocked for the minute')
  fake.rateLimit.perSecond = 50
  fake.resetRateLimit()
  const other = await install(fake.addAccount({ password: 'other-secret' }).login, 'other-secret')
  const refused = await failure(t, adapter.checkAccount(other.session))
  t.match(refused, { kind: 'rate_limited', message: /blocked our requests after a 429: none is sent for 60 s more/ }, 'another account waits too: Work.ua blocks the address, not the login')
  t.ok(refused.retryAfterMs! > 59_000, `retry after the rest of the minute (${refused.retryAfterMs} ms)`)
  t.equal(fake.calls.length, 1, 'nothing reached Work.ua during the block')
})

t.test('WORKUA_BLOCK_SECONDS sets the block; the next request goes once it is over', async t => {
  const { fake, adapter, install, limiter } = await setup(t, {}, { WORKUA_BLOCK_SECONDS: '1' })
  const { session } = await install()
  fake.server.inject({ match: /jobs\/my/, status: 429, body: { errors: [{ id: 'too_many_requests', message: 'Too many requests' }] } })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'rate_limited', retryAfterMs: 1000 })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'rate_limited', message: /blocked our requests after a 429/ }, 'refused at once during the block')
  t.equal(fake.server.requests.length, 1, 'only the 429 reached Work.ua')
  await new Promise(resolve => setTimeout(resolve, Math.max(0, limiter.blockedUntil(WORKUA_LIMIT_KEY)! - Date.now())))
  t.match(await adapter.checkAccount(session), { externalId: fake.defaultLogin }, 'works once the block is over')
  t.equal(fake.server.requests.length, 2)
})

t.test('credentials never show up in logs', async t => {
  const lines: string[] = []
  const log = pino({ level: 'trace' }, { write: (line: string) => { lines.push(line) } })
  const { adapter, install, fake } = await setup(t)
  const { session } = await install(fake.defaultLogin, fake.defaultPassword, log)
  fake.server.inject({ match: /jobs\/my/, status: 503, times: 1 })
  await adapter.checkAccount(session)
  t.ok(lines.length > 0, 'the calls were logged')
  const header = Buffer.from(`${fake.defaultLogin}:${fake.defaultPassword}`).toString('base64')
  t.notOk(lines.some(line => line.includes(fake.defaultPassword) || line.includes(header)), 'neither the password nor the Basic header is in a log line')
})
