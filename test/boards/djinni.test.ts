// The Djinni adapter against the Djinni fake (no database): install with an API key, account
// checks, recruiters over several DRF pages, Djinni's refusals, and a board that is down, slow,
// garbled or rate limiting. Djinni's API is private: the fake is the assumed contract of docs/boards.md.
import t, { type Test } from 'tap'
import { pino } from 'pino'
import { Value } from 'typebox/value'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardAccount, CredentialStore } from '../../src/boards/types.js'
import { createDjinniAdapter, DJINNI_BODY_KEYS, djinniFields, type DjinniCredentials, type DjinniFields } from '../../src/boards/djinni/adapter.js'
import { createDjinniClient } from '../../src/boards/djinni/client.js'
import { startDjinniFake, type DjinniAccountSeed, type DjinniFakeOptions } from '../fakes/djinni.js'
import { memoryStore } from '../helpers/credential-store.js'
import { boardFailure } from '../helpers/board-errors.js'
import { adapterHarness } from '../helpers/adapter-harness.js'
import { djinni } from '../../src/boards/djinni/index.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const silent = pino({ level: 'silent' })


/** every credential value the tests hand out: no error may show one */
const secrets = new Set<string>()
let keys = 0
const secretKey = (): string => { const key = `djk-SECRET-${++keys}-${Math.random().toString(36).slice(2, 10)}`; secrets.add(key); return key }

const failure = async (t: Test, promise: Promise<unknown>): Promise<BoardError> => await boardFailure(t, promise, secrets)

async function setup (t: Teardown, fakeOptions: DjinniFakeOptions = {}) {
  const { fake, config, deps, adapter, requestsTo } = await adapterHarness(t, 'djinni', { fake: fakeOptions, env: { BOARD_MAX_RETRIES: '2', BOARD_TIMEOUT_MS: '500' }, create: createDjinniAdapter })

  /** an employer creates a key in the Djinni profile; the host installs with it */
  async function install (seed: DjinniAccountSeed = {}, log = silent) {
    const account = fake.addAccount({ key: secretKey(), ...seed })
    const credentials = await adapter.connect({ keyName: '  jobsync  ', apiKey: ` ${account.key}\n` }, `install:${account.id}`)
    const session: AccountSession<DjinniCredentials> = { key: `djinni:${account.id}`, credentials: memoryStore(credentials), log }
    return { account, credentials, session }
  }
  const sessionWithKey = (apiKey: string): AccountSession<DjinniCredentials> =>
    ({ key: `djinni:${apiKey}`, credentials: memoryStore({ keyName: 'jobsync', apiKey }), log: silent })

  return { fake, config, deps, adapter, install, sessionWithKey, requestsTo }
}

const someAccount: BoardAccount = { externalId: '1', name: 'x', email: null }

t.test('the adapter describes Djinni: an API key with a name, one free publication type', async t => {
  const { adapter } = await setup(t)
  t.match(djinni, { id: 'djinni', name: 'Djinni', auth: 'api_key', syncIntervalMinutes: 30 })
  t.same(adapter.publicCredentialFields, ['keyName'])
  t.same(adapter.publicationTypes, [{ id: 'standard', name: 'Standard', paid: false }])

  t.ok(Value.Check(adapter.credentialsSchema, { keyName: 'HR bot', apiKey: ' abc-123_XYZ\n' }), 'surrounding blanks are fine: connect trims them')
  t.notOk(Value.Check(adapter.credentialsSchema, { keyName: 'HR bot', apiKey: 'abc', extra: 1 }), 'no other properties')
  t.notOk(Value.Check(adapter.credentialsSchema, { keyName: 'HR bot', apiKey: 'ab c' }), 'a key cannot hold blanks inside')
  t.notOk(Value.Check(adapter.credentialsSchema, { keyName: '   ', apiKey: 'abc' }), 'the key name is not blank')
  t.notOk(Value.Check(adapter.credentialsSchema, { apiKey: 'abc' }), 'the key name is required')
  t.same(await adapter.connect({ keyName: ' HR bot ', apiKey: ' abc\n' }, 'install:x'), { keyName: 'HR bot', apiKey: 'abc' })
})

t.test('the publication fields are what Djinni\'s POST /jobs/ takes', async t => {
  const { deps, install, fake } = await setup(t)
  const fields: DjinniFields = { category: 'JavaScript', experienceYears: 3, location: 'Київ', remoteType: 'hybrid', salaryFrom: 3000, salaryTo: 4500 }
  t.ok(Value.Check(djinniFields, fields))
  t.ok(Value.Check(djinniFields, { category: 'QA', experienceYears: 0, location: 'Ukraine', remoteType: 'candidate_choice' }), 'salary is optional')
  t.notOk(Value.Check(djinniFields, { ...fields, experienceYears: 11 }), 'experience is 0..10 years')
  t.notOk(Value.Check(djinniFields, { ...fields, experienceYears: 2.5 }), 'whole years')
  t.notOk(Value.Check(djinniFields, { ...fields, remoteType: 'moon' }))
  t.notOk(Value.Check(djinniFields, { ...fields, experience_years: 3 }), 'no other properties')
  const { required } = djinniFields as unknown as { required: string[] }
  t.same([...required].sort(), ['category', 'experienceYears', 'location', 'remoteType'])
  t.same(Object.keys(DJINNI_BODY_KEYS).sort(), Object.keys(djinniFields.properties).sort(), 'every field has a body key')

  // the names map onto a body the board accepts (the publish part will send it like this)
  const { session } = await install()
  const client = createDjinniClient(deps)
  const body: Record<string, unknown> = { title: 'Senior Node.js Developer', description: '<p>Product team.</p>' }
  for (const [field, key] of Object.entries(DJINNI_BODY_KEYS)) body[key] = fields[field as keyof DjinniFields]
  const created = await client.call(session, { method: 'POST', path: '/jobs/', json: body })
  t.equal(created.status, 201)
  t.match(fake.getJob((created.body as { id: number }).id), { category: 'JavaScript', experience_years: 3, remote_type: 'hybrid', salary_from: 3000, status: 'pending_review' })

  // a refused key names our field
  const { experience_years: _dropped, ...missing } = body
  const refused = await failure(t, client.call(session, { method: 'POST', path: '/jobs/', json: missing }))
  t.match(refused, { kind: 'rejected', field: 'experienceYears', boardStatus: 400, message: /experience_years: This field is required/ })
})

t.test('an admin account checks out, and its recruiters come over several pages', async t => {
  const { adapter, install, requestsTo, fake } = await setup(t, { maxLimit: 5 })
  const recruiters = Array.from({ length: 12 }, (_, i) => ({ name: `Рекрутер ${i + 1}`, email: `r${i + 1}@karpaty.example` }))
  const { account, credentials, session } = await install({ companyName: 'Карпати Лабс', name: 'Ірина Мельник', email: 'iryna@karpaty.example', isAdmin: true, recruiters })
  t.same(credentials, { keyName: 'jobsync', apiKey: account.key }, 'connect trims the install input')

  t.same(await adapter.checkAccount(session), { externalId: String(account.id), name: 'Карпати Лабс', email: 'iryna@karpaty.example' })

  const listed = await adapter.listRecruiters(session, { externalId: String(account.id), name: 'Карпати Лабс', email: 'iryna@karpaty.example' })
  t.same(listed[0], { externalId: String(account.id), name: 'Ірина Мельник', email: 'iryna@karpaty.example', isAdmin: true }, 'the admin behind the key leads the list')
  t.same(listed.slice(1), account.recruiters.map(r => ({ externalId: String(r.id), name: r.name, email: r.email, isAdmin: false })))
  t.equal(listed.length, 13)

  const pages = requestsTo(/^GET \/api\/v2\/recruiters\/$/)
  t.equal(pages.length, 3, '12 recruiters, 5 a page (the board caps our limit)')
  t.equal(pages[0]?.query.get('limit'), '100', 'asks for the largest page')
  t.same(pages.map(p => p.query.get('offset')), [null, '5', '10'], 'follows next')
  t.ok(fake.server.requests.every(r => r.headers['x-api-key'] === account.key), 'the key goes in X-API-Key on every call')
  t.same(fake.unmatched, [])
})

t.test('the admin is listed once even when Djinni lists it among the recruiters', async t => {
  const { adapter, install, fake } = await setup(t)
  const { account, session } = await install({ isAdmin: true, name: 'Олена Ткаченко', recruiters: [{ name: 'Андрій Руденко' }] })
  // the fake lists only the others; put the admin in as a real Djinni might
  account.recruiters.unshift({ id: account.id, name: account.name, email: account.email })
  const listed = await adapter.listRecruiters(session, someAccount)
  t.same(listed.map(r => [r.name, r.isAdmin]), [['Олена Ткаченко', true], ['Андрій Руденко', false]])
  t.equal(fake.unmatched.length, 0)
})

t.test('a non-admin account has one recruiter: its owner', async t => {
  const { adapter, install, requestsTo } = await setup(t)
  const { account, session } = await install({ isAdmin: false, companyName: 'Техно Плюс', name: 'Богдан Коваленко', email: 'bohdan@techno.example' })
  t.same(await adapter.checkAccount(session), { externalId: String(account.id), name: 'Техно Плюс', email: 'bohdan@techno.example' })
  t.same(await adapter.listRecruiters(session, someAccount), [{ externalId: String(account.id), name: 'Богдан Коваленко', email: 'bohdan@techno.example', isAdmin: false }])
  t.equal(requestsTo(/recruiters/).length, 0, '/me/ says it is no admin: no call bound to be refused')
})

t.test('a 403 on the recruiter list means no admin, even when /me/ said otherwise', async t => {
  const { adapter, install, fake } = await setup(t)
  const { account, session } = await install({ isAdmin: true })
  fake.server.inject({ match: /^GET \/api\/v2\/recruiters\/$/, status: 403, body: { detail: 'Only admin accounts can list recruiters.' } })
  t.same(await adapter.listRecruiters(session, someAccount), [{ externalId: String(account.id), name: account.name, email: account.email, isAdmin: false }])
})

t.test('a wrong key is invalid_credentials', async t => {
  const { adapter, sessionWithKey } = await setup(t)
  const session = sessionWithKey(secretKey())
  const error = await failure(t, adapter.checkAccount(session))
  t.match(error, { kind: 'invalid_credentials', boardStatus: 401, message: 'Djinni refused the API key', isCredentialProblem: true })
  t.match(await failure(t, adapter.listRecruiters(session, someAccount)), { kind: 'invalid_credentials' })
})

t.test('an account without API access is told to write to magic@djinni.co', async t => {
  const { adapter, install } = await setup(t)
  const { session } = await install({ apiAccess: false })
  const error = await failure(t, adapter.checkAccount(session))
  t.match(error, { kind: 'no_api_access', boardStatus: 403, status: 422, isCredentialProblem: true })
  t.match(error.message, /no API access\. Ask magic@djinni\.co to enable it; the API section then appears in your Djinni profile/)
  t.match(await failure(t, adapter.listRecruiters(session, someAccount)), { kind: 'no_api_access' })
})

t.test('a blocked account is account_blocked, on the check and on the recruiters', async t => {
  const { adapter, install, fake } = await setup(t)
  const { account, session } = await install({ isAdmin: true })
  await adapter.checkAccount(session)
  fake.blockAccount(account.key)
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'account_blocked', boardStatus: 403, message: /Account is blocked/ })
  t.match(await failure(t, adapter.listRecruiters(session, someAccount)), { kind: 'account_blocked' })

  // blocked on /recruiters/ alone (after /me/ answered): still blocked, not "no admin"
  fake.blockAccount(account.key, false)
  fake.server.inject({ match: /recruiters/, status: 403, body: { detail: 'Account is blocked.' } })
  t.match(await failure(t, adapter.listRecruiters(session, someAccount)), { kind: 'account_blocked' })
})

t.test('other refusals are rejected with Djinni\'s detail, without echoing the key', async t => {
  const { adapter, install, fake } = await setup(t)
  const { account, session } = await install()
  fake.server.inject({ match: /\/me\/$/, status: 400, body: { detail: `API key ${account.key} is malformed.` } })
  const error = await failure(t, adapter.checkAccount(session))
  t.match(error, { kind: 'rejected', boardStatus: 400, message: /API key \[redacted\] is malformed/ })
  fake.server.inject({ match: /\/me\/$/, status: 403, body: { detail: 'Something else.' } })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'rejected', boardStatus: 403, message: /Something else/ })
})

t.test('Djinni down (503 on every try) is unavailable after the retries', async t => {
  const { adapter, install, requestsTo, fake } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /\/me\/$/, status: 503, body: 'Service Unavailable', times: 3 })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'unavailable', boardStatus: 503, status: 502 })
  t.equal(requestsTo(/\/me\/$/).length, 3, 'one try and BOARD_MAX_RETRIES=2 retries')
  t.ok(await adapter.checkAccount(session), 'works again once Djinni is back')
})

t.test('Djinni silent is timeout after the retries', async t => {
  const { adapter, install, requestsTo, fake } = await setup(t)
  const { session } = await install()
  fake.server.inject({ match: /\/me\/$/, mode: 'timeout', times: 3 })
  const started = Date.now()
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'timeout', status: 504 })
  t.ok(Date.now() - started >= 1500, 'waited BOARD_TIMEOUT_MS on each of three tries')
  t.equal(requestsTo(/\/me\/$/).length, 3)
})

t.test('what Djinni sends is checked before it is trusted', async t => {
  const { adapter, install, fake } = await setup(t)
  const { account, session } = await install({ isAdmin: true })
  fake.server.inject({ match: /\/me\/$/, mode: 'malformed' })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'bad_response', message: /malformed JSON/ })
  fake.server.inject({ match: /\/me\/$/, mode: 'truncated' })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'bad_response' })
  fake.server.inject({ match: /\/me\/$/, status: 200, body: { id: account.id, email: account.email } })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'bad_response', message: /unexpected account \(GET \/me\/\)/ })
  fake.server.inject({ match: /recruiters/, status: 200, body: { count: 1, next: null, results: [{ id: 1 }] } })
  t.match(await failure(t, adapter.listRecruiters(session, someAccount)), { kind: 'bad_response', message: /recruiter list/ })
})

t.test('the key never follows a next link to another host', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session } = await install({ isAdmin: true })
  const elsewhere = await startDjinniFake()
  t.teardown(() => elsewhere.close())
  fake.server.inject({ match: /recruiters/, status: 200, body: { count: 40, next: `${elsewhere.url}/recruiters/?limit=20&offset=20`, results: [] } })
  t.match(await failure(t, adapter.listRecruiters(session, someAccount)), { kind: 'bad_response', message: /another host/ })
  t.equal(elsewhere.server.requests.length, 0)

  fake.server.inject({ match: /recruiters/, status: 200, body: { count: 40, next: `${fake.url}/recruiters/?limit=20`, results: [] }, times: 2 })
  t.match(await failure(t, adapter.listRecruiters(session, someAccount)), { kind: 'bad_response', message: /page already read/ })
})

t.test('a 429 with Retry-After is waited out, then the call goes through', async t => {
  const { adapter, install, requestsTo, fake } = await setup(t)
  const { account, session } = await install()
  fake.server.inject({ match: /\/me\/$/, status: 429, headers: { 'retry-after': '1' }, body: { detail: 'Request was throttled. Expected available in 1 second.' } })
  const started = Date.now()
  t.match(await adapter.checkAccount(session), { externalId: String(account.id) })
  t.ok(Date.now() - started >= 950, 'waited the second Djinni asked for')
  t.equal(requestsTo(/\/me\/$/).length, 2)

  fake.server.inject({ match: /\/me\/$/, status: 429, headers: { 'retry-after': '3600' }, body: { detail: 'Request was throttled.' } })
  t.match(await failure(t, adapter.checkAccount(session)), { kind: 'rate_limited', retryAfterMs: 3_600_000 }, 'an hour is too long to wait in a request')
})

t.test('credentials never show up in logs', async t => {
  const lines: string[] = []
  const log = pino({ level: 'trace' }, { write: (line: string) => { lines.push(line) } })
  const { adapter, install, fake } = await setup(t)
  const { account, session } = await install({ isAdmin: true }, log)
  fake.server.inject({ match: /\/me\/$/, status: 503, times: 1 })
  await adapter.checkAccount(session)
  await adapter.listRecruiters(session, someAccount)
  t.ok(lines.length > 0, 'the calls were logged')
  t.notOk(lines.some(line => line.includes(account.key)), 'the key is in no log line')
})
