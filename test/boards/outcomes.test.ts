// Sharing a hiring outcome (hired / rejected / invited) back to each board, through the adapters
// against the fake boards (no database). Each application is the one candidate sync produced (its
// `raw` as pageThroughResponses gave it). Djinni posts the status (assumed contract); HeadHunter
// follows the response's own action URL, checked against hh's spec; Work.ua and Robota.ua document
// no such endpoint and send nothing.
import t from 'tap'
import { pino } from 'pino'
import { randomUUID } from 'node:crypto'
import type { AccountSession, BoardAccount, BoardApplication, Outcome, ResponsePage } from '../../src/boards/types.js'
import { createDjinniAdapter, type DjinniCredentials } from '../../src/boards/djinni/adapter.js'
import { createHeadHunterAdapter, type HeadHunterCredentials } from '../../src/boards/headhunter/adapter.js'
import { createRobotauaAdapter, type RobotauaCredentials } from '../../src/boards/robotaua/adapter.js'
import { createWorkuaAdapter, type WorkuaCredentials } from '../../src/boards/workua/adapter.js'
import { startFakeServer } from '../fakes/fake-server.js'
import { memoryStore, type MemoryStore } from '../helpers/credential-store.js'
import { boardFailure } from '../helpers/board-errors.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const silent = pino({ level: 'silent' })
const OUTCOMES: Outcome[] = ['hired', 'rejected', 'invited']

async function applicationsOf (pages: AsyncIterable<ResponsePage>): Promise<BoardApplication[]> {
  const items: BoardApplication[] = []
  for await (const page of pages) items.push(...page.items)
  return items
}
const stored = (app: BoardApplication): { externalId: string, raw: unknown } =>
  // as the service reads it back from its JSON column
  ({ externalId: app.externalId, raw: JSON.parse(JSON.stringify(app.raw)) })

// ---------------------------------------------------------------- Djinni

async function djinniSetup (t: Teardown) {
  const { fake, adapter } = await adapterHarness(t, 'djinni', { env: { BOARD_MAX_RETRIES: '2', BOARD_TIMEOUT_MS: '500' }, create: createDjinniAdapter })
  const apiKey = `djk-SECRET-${randomUUID()}`
  const owner = fake.addAccount({ key: apiKey, companyName: 'Карпати Лабс' })
  const session: AccountSession<DjinniCredentials> = { key: `djinni:${owner.id}`, credentials: memoryStore({ keyName: 'jobsync', apiKey }), log: silent }
  const account: BoardAccount = { externalId: String(owner.id), name: 'Карпати Лабс', email: owner.email }
  const job = fake.addJob({ status: 'active' }, apiKey)
  fake.addCandidates(job.id, 4)
  const apps = (await applicationsOf(adapter.pageThroughResponses(session, account, String(job.id), null))).map(stored)
  const posts = () => fake.server.requests.filter(r => r.method === 'POST' && r.path.startsWith('/api/v2/applications/'))
  return { fake, adapter, session, account, apiKey, apps, posts }
}

t.test('Djinni: each outcome is posted to the application and shared', async t => {
  const { fake, adapter, session, account, apiKey, apps, posts } = await djinniSetup(t)
  t.equal(apps.length, 4)
  for (const [i, outcome] of OUTCOMES.entries()) {
    const app = apps[i]!
    t.equal(await adapter.shareOutcome(session, account, app, outcome), 'shared', outcome)
    t.equal(fake.outcomeOf(Number(app.externalId)), outcome, `Djinni records ${outcome}`)
  }
  t.same(posts().map(r => ({ path: r.path, body: r.body, key: r.headers['x-api-key'], type: r.headers['content-type'] })), OUTCOMES.map((status, i) => ({
    path: `/api/v2/applications/${apps[i]!.externalId}/status`, body: { status }, key: apiKey, type: 'application/json'
  })), 'POST /applications/{id}/status with JSON {status} and the key')

  // setting the same status again is harmless
  t.equal(await adapter.shareOutcome(session, account, apps[0]!, 'hired'), 'shared')
  t.equal(fake.outcomeOf(Number(apps[0]!.externalId)), 'hired')
})

t.test('Djinni: an unknown or another account\'s application is not_found, without the key', async t => {
  const { fake, adapter, session, account, apiKey } = await djinniSetup(t)
  const unknown = await boardFailure(t, adapter.shareOutcome(session, account, { externalId: '987654', raw: {} }, 'hired'), [apiKey])
  t.equal(unknown.kind, 'not_found')
  t.equal(unknown.boardStatus, 404)
  t.match(unknown.message, /no application 987654/)

  const other = fake.addJob({ status: 'active' }) // the default account's
  const [foreign] = fake.addCandidates(other.id, 1)
  const error = await boardFailure(t, adapter.shareOutcome(session, account, { externalId: String(foreign!.id), raw: foreign }, 'rejected'), [apiKey])
  t.equal(error.kind, 'not_found')
  t.equal(fake.outcomes.length, 0, 'nothing recorded')
})

t.test('Djinni: a 5xx is retried (setting a status is idempotent); one that lasts is unavailable', async t => {
  const { fake, adapter, session, account, apiKey, apps, posts } = await djinniSetup(t)
  const app = apps[0]!
  fake.server.inject({ match: /^POST \/api\/v2\/applications\//, status: 502, times: 1 })
  t.equal(await adapter.shareOutcome(session, account, app, 'invited'), 'shared', 'shared on the retry')
  t.equal(posts().length, 2, 'the POST was sent again after the 502')
  t.equal(fake.outcomeOf(Number(app.externalId)), 'invited')

  fake.server.inject({ match: /^POST \/api\/v2\/applications\//, status: 503, times: 10 })
  const error = await boardFailure(t, adapter.shareOutcome(session, account, app, 'hired'), [apiKey])
  t.equal(error.kind, 'unavailable')
  t.equal(posts().length, 2 + 3, 'one try and BOARD_MAX_RETRIES (2) retries')
  t.equal(fake.outcomeOf(Number(app.externalId)), 'invited', 'unchanged')
  fake.server.clearFaults()
})

t.test('Djinni: a revoked key is invalid_credentials without the key in the error', async t => {
  const { adapter, account, apps } = await djinniSetup(t)
  const wrongKey = `djk-WRONG-${randomUUID()}`
  const session: AccountSession<DjinniCredentials> = { key: 'djinni:wrong', credentials: memoryStore({ keyName: 'jobsync', apiKey: wrongKey }), log: silent }
  const error = await boardFailure(t, adapter.shareOutcome(session, account, apps[0]!, 'hired'), [wrongKey])
  t.equal(error.kind, 'invalid_credentials')
})

// ---------------------------------------------------------------- HeadHunter

async function hhSetup (t: Teardown) {
  const { fake, adapter } = await adapterHarness(t, 'headhunter', { env: { BOARD_MAX_RETRIES: '2', BOARD_TIMEOUT_MS: '1000' }, create: createHeadHunterAdapter })
  const hh = fake.addEmployerAccount()
  const store: MemoryStore<HeadHunterCredentials> = memoryStore(await adapter.connect({ code: fake.issueAuthCode(hh.key) }, `install:${hh.key}`))
  const session: AccountSession<HeadHunterCredentials> = { key: hh.key, credentials: store, log: silent }
  const account = await adapter.checkAccount(session)
  const posting = await adapter.publish(session, account, {
    title: 'Backend-разработчик',
    description: '<p>Мы ищем backend-разработчика в команду платформы.</p><ul><li>Node.js и TypeScript каждый день</li><li>PostgreSQL, очереди, интеграции с внешними API</li></ul><p>Удалённо или в офисе в Москве, гибкий график, оплачиваемое обучение и конференции.</p>',
    fields: { areaId: '1', vacancyType: 'open', professionalRoleId: '96' },
    publicationType: 'free'
  })
  const vacancyId = posting.externalId

  /** the stored applications of the seeded responses, by negotiation id, read the way candidate sync reads them */
  async function sync (): Promise<Map<string, { externalId: string, raw: unknown }>> {
    const apps = await applicationsOf(adapter.pageThroughResponses(session, account, vacancyId, null))
    return new Map(apps.map(app => [app.externalId, stored(app)]))
  }
  const puts = () => fake.server.requests.filter(r => r.method === 'PUT' && r.path.startsWith('/negotiations/'))
  /** every token the account ever held: none may show in an error */
  const secrets = (): string[] => store.history.flatMap(c => [c.accessToken, c.refreshToken]).concat(fake.clientSecret)
  return { fake, adapter, store, session, account, vacancyId, sync, puts, secrets }
}

t.test('HeadHunter: each outcome follows the action the response offers (hired, interview, discard_by_employer)', async t => {
  const { fake, adapter, session, account, vacancyId, sync, puts } = await hhSetup(t)
  const seeded = fake.addResponses(vacancyId, 3)
  const apps = await sync()
  const expected: Record<Outcome, string> = { hired: 'hired', invited: 'interview', rejected: 'discard_by_employer' }
  for (const [i, outcome] of OUTCOMES.entries()) {
    const nid = seeded[i]!.negotiationId
    t.equal(await adapter.shareOutcome(session, account, apps.get(nid)!, outcome), 'shared', outcome)
    t.equal(fake.collectionOf(nid), expected[outcome], `${outcome} → ${expected[outcome]}`)
  }
  t.same(puts().map(r => `${r.path} ${r.rawBody}`), OUTCOMES.map((o, i) => `/negotiations/${expected[o]}/${seeded[i]!.negotiationId} `),
    'PUT /negotiations/{collection}/{nid}, no message (the candidate is not written to)')
  t.same(fake.stateChanges.map(c => [c.from, c.to, c.message]), [['response', 'hired', null], ['response', 'discard_by_employer', null], ['response', 'interview', null]])
  t.equal(fake.server.requests.filter(r => r.method === 'GET' && /^\/negotiations\/\d+$/.test(r.path)).length, 3, 'the actions read as hh offers them now, once per outcome')
})

t.test('HeadHunter: hired falls back to offer, invited to phone_interview, when the response does not offer them', async t => {
  const { fake, adapter, session, account, vacancyId, sync } = await hhSetup(t)
  const [a, b] = fake.addResponses(vacancyId, 2)
  const apps = await sync()
  fake.offerOnly(a!.negotiationId, ['offer', 'interview', 'discard_by_employer'])
  t.equal(await adapter.shareOutcome(session, account, apps.get(a!.negotiationId)!, 'hired'), 'shared')
  t.equal(fake.collectionOf(a!.negotiationId), 'offer')
  fake.offerOnly(b!.negotiationId, ['phone_interview', 'discard_by_employer'])
  t.equal(await adapter.shareOutcome(session, account, apps.get(b!.negotiationId)!, 'invited'), 'shared')
  t.equal(fake.collectionOf(b!.negotiationId), 'phone_interview')
})

t.test('HeadHunter: a response already in the outcome\'s state is shared without a change', async t => {
  const { fake, adapter, session, account, vacancyId, sync, puts } = await hhSetup(t)
  const [discarded] = fake.addResponses(vacancyId, 1, 'discard_by_employer')
  const [hired] = fake.addResponses(vacancyId, 1, 'hired')
  const [phone] = fake.addResponses(vacancyId, 1, 'phone_interview')
  const [offered] = fake.addResponses(vacancyId, 1, 'offer')
  const apps = await sync()
  t.equal(await adapter.shareOutcome(session, account, apps.get(discarded!.negotiationId)!, 'rejected'), 'shared')
  t.equal(await adapter.shareOutcome(session, account, apps.get(hired!.negotiationId)!, 'hired'), 'shared')
  t.equal(await adapter.shareOutcome(session, account, apps.get(phone!.negotiationId)!, 'invited'), 'shared', 'phone_interview is an invitation already')
  fake.offerOnly(offered!.negotiationId, ['interview', 'discard_by_employer'])
  t.equal(await adapter.shareOutcome(session, account, apps.get(offered!.negotiationId)!, 'hired'), 'shared', 'at offer, with no hired action offered')
  t.equal(puts().length, 0, 'nothing sent')

  // at offer, with hired offered again: moved on to hired
  fake.offerOnly(offered!.negotiationId, null)
  t.equal(await adapter.shareOutcome(session, account, apps.get(offered!.negotiationId)!, 'hired'), 'shared')
  t.equal(fake.collectionOf(offered!.negotiationId), 'hired')
})

t.test('HeadHunter: an outcome the response no longer allows is refused with what hh offers instead', async t => {
  const { fake, adapter, session, account, vacancyId, sync, puts, secrets } = await hhSetup(t)
  const [r, s] = fake.addResponses(vacancyId, 2)
  const apps = await sync()
  const app = apps.get(r!.negotiationId)!

  // rejected on hh first: a refusal is final there, so hh offers no action at all any more
  t.equal(await adapter.shareOutcome(session, account, app, 'rejected'), 'shared')
  const sent = puts().length
  const error = await boardFailure(t, adapter.shareOutcome(session, account, app, 'hired'), secrets())
  t.equal(error.kind, 'rejected')
  t.match(error.message, /no longer allows hired \(or offer\) for response \d+, in "Отказано" \(discard_by_employer\): it offers no action at all/)
  t.equal(puts().length, sent, 'nothing sent')

  // hired, then invited: hh offers only the refusal from there
  const other = apps.get(s!.negotiationId)!
  t.equal(await adapter.shareOutcome(session, account, other, 'hired'), 'shared')
  t.match((await boardFailure(t, adapter.shareOutcome(session, account, other, 'invited'), secrets())).message, /it offers discard_by_employer$/)
  fake.offerOnly(s!.negotiationId, [])
  t.equal((await boardFailure(t, adapter.shareOutcome(session, account, other, 'rejected'), secrets())).kind, 'rejected', 'no refusal offered either')
  t.equal(fake.collectionOf(s!.negotiationId), 'hired')

  const broken = await boardFailure(t, adapter.shareOutcome(session, account, { externalId: r!.negotiationId, raw: { something: 'else' } }, 'hired'), secrets())
  t.equal(broken.kind, 'bad_response', 'a raw without the negotiation')
})

t.test('HeadHunter: an action URL on another host is never followed with the token', async t => {
  const { fake, adapter, session, account, vacancyId, sync, puts, secrets } = await hhSetup(t)
  const trap = await startFakeServer(() => ({ status: 204 }))
  t.teardown(async () => { await trap.close() })
  const [r] = fake.addResponses(vacancyId, 1)
  const app = (await sync()).get(r!.negotiationId)!
  // hh answers the response with action URLs elsewhere
  const now = (app.raw as { negotiation: Record<string, any> }).negotiation
  const elsewhere = { ...now, actions: (now.actions as Array<Record<string, any>>).map(x => ({ ...x, url: String(x.url).replace(fake.apiUrl, trap.url) })) }
  fake.server.inject({ match: new RegExp(`^GET /negotiations/${r!.negotiationId}$`), status: 200, body: elsewhere, times: 1 })
  const error = await boardFailure(t, adapter.shareOutcome(session, account, app, 'hired'), secrets())
  t.equal(error.kind, 'bad_response')
  t.match(error.message, /another host/)
  t.equal(trap.requests.length, 0, 'the other host got nothing')
  t.equal(puts().length, 0)
})

t.test('HeadHunter: a 5xx on the PUT is retried; one that lasts is unavailable', async t => {
  const { fake, adapter, session, account, vacancyId, sync, puts, secrets } = await hhSetup(t)
  const [a, b] = fake.addResponses(vacancyId, 2)
  const apps = await sync()
  fake.server.inject({ match: /^PUT \/negotiations\//, status: 503, times: 1 })
  t.equal(await adapter.shareOutcome(session, account, apps.get(a!.negotiationId)!, 'rejected'), 'shared')
  t.equal(puts().length, 2, 'sent again after the 503')
  t.equal(fake.collectionOf(a!.negotiationId), 'discard_by_employer')

  fake.server.inject({ match: /^PUT \/negotiations\//, status: 500, times: 10 })
  const error = await boardFailure(t, adapter.shareOutcome(session, account, apps.get(b!.negotiationId)!, 'hired'), secrets())
  t.equal(error.kind, 'unavailable')
  t.equal(puts().length, 2 + 3, 'one try and BOARD_MAX_RETRIES (2) retries')
  t.equal(fake.collectionOf(b!.negotiationId), 'response')
  fake.server.clearFaults()
})

t.test('HeadHunter: hh\'s refusals: moved since the sync, gone, token expired on the way', async t => {
  const { fake, adapter, session, account, store, vacancyId, sync, secrets } = await hhSetup(t)
  const [moved, renewed] = fake.addResponses(vacancyId, 2)
  const apps = await sync()

  // hh refuses the move itself (the response changed between our read and the PUT)
  fake.server.inject({ match: /^PUT \/negotiations\//, status: 403, body: { errors: [{ type: 'negotiations', value: 'wrong_state' }], request_id: 'x' }, times: 1 })
  const stale = await boardFailure(t, adapter.shareOutcome(session, account, apps.get(moved!.negotiationId)!, 'hired'), secrets())
  t.equal(stale.kind, 'rejected')
  t.match(stale.message, /wrong_state/)

  // a response hh no longer has (or another employer's): 404
  const goneRaw = structuredClone(apps.get(moved!.negotiationId)!.raw) as { negotiation: { id: string } }
  goneRaw.negotiation.id = '555000111'
  const gone = await boardFailure(t, adapter.shareOutcome(session, account, { externalId: '555000111', raw: goneRaw }, 'rejected'), secrets())
  t.equal(gone.kind, 'not_found')

  const before = store.current().accessToken
  fake.expireAccessTokens()
  t.equal(await adapter.shareOutcome(session, account, apps.get(renewed!.negotiationId)!, 'invited'), 'shared', 'renewed the token and went on')
  t.not(store.current().accessToken, before)
  t.equal(fake.collectionOf(renewed!.negotiationId), 'interview')

  // the employer revoked jobsync's access on hh.ru
  const mine = fake.stateChanges.length
  fake.revokeTokens(session.key)
  const revoked = await boardFailure(t, adapter.shareOutcome(session, account, apps.get(renewed!.negotiationId)!, 'rejected'), secrets())
  t.equal(revoked.kind, 'invalid_credentials')
  t.equal(fake.stateChanges.length, mine)
})

// ---------------------------------------------------------------- Work.ua and Robota.ua

t.test('Work.ua: no documented outcome endpoint: not_supported, nothing sent', async t => {
  const { fake, adapter } = await adapterHarness(t, 'workua', { fake: { password: `wua-${randomUUID()}` }, env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500' }, create: createWorkuaAdapter })
  const session: AccountSession<WorkuaCredentials> = { key: 'workua:outcomes', credentials: memoryStore({ login: fake.defaultLogin, password: fake.defaultPassword }), log: silent }
  const account: BoardAccount = { externalId: fake.defaultLogin, name: fake.defaultLogin, email: fake.defaultLogin }
  const job = fake.addJob()
  fake.addResponses(job.id, [{ blacklisted: false, archived: false, rejected: false }])
  const [app] = await applicationsOf(adapter.pageThroughResponses(session, account, String(job.id), null))
  t.ok(app, 'a synced application')
  const sent = fake.server.requests.length
  for (const outcome of OUTCOMES) t.equal(await adapter.shareOutcome(session, account, stored(app!), outcome), 'not_supported', outcome)
  t.equal(fake.server.requests.length, sent, 'no request')
})

t.test('Robota.ua: no documented endpoint to move an apply: not_supported, nothing sent', async t => {
  const { fake, adapter } = await adapterHarness(t, 'robotaua', { fake: { password: `pw-${randomUUID()}` }, env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500' }, create: createRobotauaAdapter })
  const store = memoryStore(await adapter.connect({ login: fake.defaultUsername, password: fake.defaultPassword }, 'install'))
  const session: AccountSession<RobotauaCredentials> = { key: `robotaua:${randomUUID()}`, credentials: store, log: silent }
  const account = await adapter.checkAccount(session)
  const vacancy = fake.addVacancy({ state: 'Publicated', moderationStatus: 'Approved' })
  fake.addApplies(vacancy.id, 2, 1)
  const [app] = await applicationsOf(adapter.pageThroughResponses(session, account, String(vacancy.id), null))
  t.ok(app, 'a synced application')
  const sent = fake.server.requests.length
  for (const outcome of OUTCOMES) t.equal(await adapter.shareOutcome(session, account, stored(app!), outcome), 'not_supported', outcome)
  t.equal(fake.server.requests.length, sent, 'no request, no login')
  t.equal(fake.applies.get(Number(app!.externalId))?.apply.folderId, 1, 'still unviewed (folder 1)')
})
