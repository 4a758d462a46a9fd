// Publishing through the Robota.ua adapter against the Robota.ua fake (no database): create and
// publish, the moderation the board applies, edits, closing, what the board refuses, and what a
// failure between the create and the publish leaves behind (one vacancy, reused by the retry).
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, CredentialStore, PostingInput } from '../../src/boards/types.js'
import { createRobotauaAdapter, type RobotauaCredentials } from '../../src/boards/robotaua/adapter.js'
import type { RobotaFakeOptions } from '../fakes/robotaua.js'
import { memoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'


const KYIV = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
})
/** the instant as Kyiv wall-clock time, the way the board writes it (whole seconds) */
const asKyivWallClock = (iso: string): string => KYIV.format(new Date(iso)).replace(' ', 'T')

const ADD = /^POST \/api\/vacancy\/add$/
const STATE = /^POST \/api\/vacancy\/state\/\d+$/
const GET = /^GET \/api\/vacancy\/get\/\d+$/
const API = /^\w+ \/api\//

async function setup (t: Test, options: RobotaFakeOptions = {}) {
  const { fake, adapter, log, logs: lines, requestsTo } = await adapterHarness(t, 'robotaua', {
    fake: { password: `pw-${randomUUID()}`, ...options },
    env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500' },
    create: createRobotauaAdapter,
    logLevel: 'info'
  })
  const errors: unknown[] = []

  const store = memoryStore(await adapter.connect({ login: fake.defaultUsername, password: fake.defaultPassword }, 'install'))
  const session: AccountSession<RobotauaCredentials> = { key: 'robotaua:publishing', credentials: store, log }
  const account = await adapter.checkAccount(session)
  // only what the publishing calls send from here on
  fake.server.requests.length = 0

  async function failure (promise: Promise<unknown>, expected: Record<string, unknown>, message?: string): Promise<BoardError> {
    const error = await promise.then(() => undefined, (e: unknown) => e)
    errors.push(error)
    t.type(error, BoardError, message ?? 'a BoardError')
    t.match(error, expected, message ?? 'the expected BoardError')
    return error as BoardError
  }

  const vacancyOf = (externalId: string) => fake.getVacancy(Number(externalId))

  /** no request to an unknown path; no password or token in any error or log line */
  function finish (): void {
    t.same(fake.unmatched, [], 'every request hit a path Robota.ua has')
    const secrets = new Set<string>([fake.defaultPassword])
    for (const value of store.history) if (value.token !== undefined) secrets.add(value.token)
    for (const r of fake.server.requests) {
      const bearer = /^Bearer (\S+)$/.exec(String(r.headers.authorization ?? ''))?.[1]
      if (bearer !== undefined) secrets.add(bearer)
    }
    const shown = [...errors.map(e => [(e as Error).message, JSON.stringify(e), String((e as Error).stack)].join('\n')), ...lines]
    t.same(shown.filter(text => [...secrets].some(s => text.includes(s))), [], 'no password or token in errors or logs')
  }

  return { fake, adapter, session, account, lines, failure, requestsTo, vacancyOf, finish }
}

let n = 0
/** a posting unique to the test (tap runs files in parallel; titles tell attempts apart) */
function posting (overrides: Partial<PostingInput> = {}): PostingInput {
  n++
  return {
    title: `Менеджер з продажу ${n}`,
    description: `<p>Шукаємо менеджера ${n}.</p><ul><li>Офіційне працевлаштування</li><li>Навчання</li></ul>`,
    fields: { cityId: 1, salary: 30000 },
    publicationType: 'Business',
    ...overrides
  }
}

t.test('publish creates the vacancy with our fields under the board\'s names, then publishes it', async t => {
  const { fake, adapter, session, account, requestsTo, vacancyOf, finish } = await setup(t)
  const input = posting({ fields: { cityId: 21, salary: 45000, rubricIds: [2, 5], employmentTypes: ['FullTime', 'Shift'], workTypes: ['Office'] }, publicationType: 'Optimum' })
  const ref = await adapter.publish(session, account, input)

  t.match(ref.externalId, /^[1-9]\d*$/)
  t.equal(ref.state, 'pending_review', 'Robota.ua moderates every publication')
  t.equal(ref.url, `https://robota.ua/company${account.externalId}/vacancy${ref.externalId}`)

  const creates = requestsTo(ADD)
  t.equal(creates.length, 1)
  t.equal(creates[0]!.headers['content-type'], 'application/json')
  t.match(creates[0]!.headers.authorization, /^Bearer /)
  t.same(creates[0]!.body, {
    id: 0,
    name: input.title,
    description: input.description,
    cityId: 21,
    publicationType: 'Optimum',
    salary: 45000,
    rubricIds: [2, 5],
    employmentTypes: ['FullTime', 'Shift'],
    workTypes: ['Office']
  }, 'title → name, description as HTML, cityId, salary, the lists, the publication type; id 0 creates')
  const states = requestsTo(STATE)
  t.equal(states.length, 1)
  t.equal(states[0]!.path, `/api/vacancy/state/${ref.externalId}`)
  t.equal(states[0]!.query.get('state'), 'Publicated')
  t.same(fake.server.requests.map(r => `${r.method} ${r.path.replace(/\d+$/, '{id}')}`),
    ['POST /api/vacancy/list', 'POST /api/vacancy/add', 'POST /api/vacancy/state/{id}'], 'look for a twin, create, publish')

  t.match(vacancyOf(ref.externalId), {
    name: input.title, description: input.description, cityId: 21, salary: 45000, publicationType: 'Optimum', state: 'Publicated', moderationStatus: 'Pending', rubricIds: [2, 5], workTypes: ['Office']
  })
  t.same(adapter.previewPayload(input), creates[0]!.body, 'the preview is exactly the create publish sent')
  t.equal(fake.tickets.get(Number(account.externalId))!.Optimum, 1, 'one Optimum ticket of two spent')

  // salary left out is sent as null (no salary shown), the lists as empty ones
  const bare = await adapter.publish(session, account, posting({ fields: { cityId: 3 } }))
  t.match(requestsTo(ADD)[1]!.body, { id: 0, cityId: 3, publicationType: 'Business', salary: null, rubricIds: [], employmentTypes: [], workTypes: [] })
  t.equal(vacancyOf(bare.externalId)?.salary, null)
  t.not(bare.externalId, ref.externalId)
  finish()
})

t.test('moderation: pending right after publishing, then live once approved, or rejected with the comment', async t => {
  const { fake, adapter, session, account, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  const pending = await adapter.getPosting(session, account, ref.externalId)
  t.match(pending, { state: 'pending_review', url: ref.url, reason: null })
  t.equal(asKyivWallClock(pending.expiresAt!), fake.getVacancy(Number(ref.externalId))!.endDate, 'expiresAt is the board\'s endDate (Kyiv wall-clock time) as an instant')
  const days = (Date.parse(pending.expiresAt!) - Date.now()) / 86_400_000
  t.ok(days > 29.9 && days <= 30, `the term the board gives: 30 days (${days.toFixed(3)})`)

  fake.approveVacancy(Number(ref.externalId))
  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'live', url: ref.url, reason: null, expiresAt: pending.expiresAt })

  const other = await adapter.publish(session, account, posting())
  fake.rejectVacancy(Number(other.externalId), 'Опис вакансії містить контактні дані.')
  t.same(await adapter.getPosting(session, account, other.externalId),
    { state: 'rejected', url: other.url, reason: 'Опис вакансії містить контактні дані.', expiresAt: null })

  // a vacancy created on the board and never published
  const draft = fake.addVacancy({ name: 'Чернетка' })
  t.same(await adapter.getPosting(session, account, String(draft.id)), { state: 'none', url: null, reason: null, expiresAt: null })
  finish()
})

t.test('the posting\'s end: deleted on the site is removed, closed by the term is expired, closed otherwise is archived', async t => {
  const { fake, adapter, session, account, failure, requestsTo, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  fake.approveVacancy(Number(ref.externalId))
  fake.deleteVacancy(Number(ref.externalId))
  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'removed', url: null, reason: null, expiresAt: null }, 'the board still shows it, as Deleted')
  const gone = await adapter.publish(session, account, posting())
  fake.rejectVacancy(Number(gone.externalId), 'Порушення правил розміщення.')
  fake.deleteVacancy(Number(gone.externalId))
  t.same(await adapter.getPosting(session, account, gone.externalId), { state: 'removed', url: null, reason: 'Порушення правил розміщення.', expiresAt: null }, 'with the moderator\'s words')
  await failure(adapter.update(session, account, ref.externalId, posting()), { kind: 'not_found' }, 'a deleted vacancy takes no edit')
  await failure(adapter.archive(session, account, ref.externalId), { kind: 'not_found' }, 'nor a state change')

  const expired = await adapter.publish(session, account, posting())
  fake.approveVacancy(Number(expired.externalId))
  fake.expireVacancy(Number(expired.externalId))
  const status = await adapter.getPosting(session, account, expired.externalId)
  t.match(status, { state: 'expired', url: expired.url, reason: null })
  t.ok(Date.parse(status.expiresAt!) <= Date.now(), 'when its term ended')

  // the term runs out while the vacancy is up: the board closes it at its end
  const ran = await adapter.publish(session, account, posting())
  fake.approveVacancy(Number(ran.externalId))
  fake.vacancies.get(Number(ran.externalId))!.vacancy.endDate = asKyivWallClock(new Date(Date.now() - 60_000).toISOString())
  t.match(await adapter.getPosting(session, account, ran.externalId), { state: 'expired' }, 'past its end date')

  const closed = await adapter.publish(session, account, posting())
  await adapter.archive(session, account, closed.externalId)
  t.match(await adapter.getPosting(session, account, closed.externalId), { state: 'archived', reason: null }, 'closed before its term: archived')
  t.ok(requestsTo(GET).length >= 5)
  finish()
})

t.test('a vacancy the board answers 404 for, another employer\'s, or no vacancy id at all is not_found', async t => {
  const { fake, adapter, session, account, failure, requestsTo, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  // a board that answers a deleted vacancy with 404 rather than showing it Deleted
  fake.server.inject({ match: GET, status: 404, body: { message: 'Vacancy not found' } })
  await failure(adapter.getPosting(session, account, ref.externalId), { kind: 'not_found', boardStatus: 404, message: /Vacancy not found/ })

  const stranger = fake.addAccount({ password: `pw-${randomUUID()}` })
  const theirs = fake.addVacancy({}, stranger.username)
  await failure(adapter.getPosting(session, account, String(theirs.id)), { kind: 'not_found' }, 'another employer\'s vacancy')
  await failure(adapter.getPosting(session, account, String(9_999_999_999)), { kind: 'not_found' }, 'no such vacancy')

  const before = fake.server.requests.length
  await failure(adapter.getPosting(session, account, '../vacancy/list'), { kind: 'not_found', message: /not a Robota.ua vacancy id/ })
  await failure(adapter.archive(session, account, 'abc'), { kind: 'not_found' })
  t.equal(fake.server.requests.length, before, 'an id that is no vacancy id is not sent')
  t.equal(requestsTo(GET).length, 3)
  t.ok(fake.getVacancy(Number(ref.externalId)), 'the vacancy itself is still there')
  finish()
})

t.test('update replaces title, description and fields on the board; the board moderates the edit', async t => {
  const { fake, adapter, session, account, requestsTo, vacancyOf, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting({ publicationType: 'Professional' }))
  fake.approveVacancy(Number(ref.externalId))
  const creates = requestsTo(ADD).length

  const edited = posting({ fields: { cityId: 7, salary: 52000 }, publicationType: 'Professional' })
  await adapter.update(session, account, ref.externalId, edited)
  const sent = requestsTo(ADD).at(-1)!
  t.same(sent.body, { id: Number(ref.externalId), name: edited.title, description: edited.description, cityId: 7, publicationType: 'Professional', salary: 52000, rubricIds: [], employmentTypes: [], workTypes: [] })
  t.equal(requestsTo(ADD).length, creates + 1)
  t.match(vacancyOf(ref.externalId), { name: edited.title, description: edited.description, cityId: 7, salary: 52000, state: 'Publicated' })
  t.equal(fake.vacancies.size, 1, 'no new vacancy')
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'pending_review', 'an edit goes back to moderation')

  // without a publication type the vacancy keeps its own (the board wants one on every save)
  await adapter.update(session, account, ref.externalId, posting({ fields: { cityId: 7 }, publicationType: null }))
  t.match(requestsTo(ADD).at(-1)!.body, { id: Number(ref.externalId), publicationType: 'Professional', salary: null })
  t.equal(vacancyOf(ref.externalId)?.salary, null, 'a salary left out is removed')
  finish()
})

t.test('archive closes the vacancy on the board; getPosting says archived', async t => {
  const { fake, adapter, session, account, requestsTo, vacancyOf, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  fake.approveVacancy(Number(ref.externalId))
  await adapter.archive(session, account, ref.externalId)
  const close = requestsTo(STATE).at(-1)!
  t.equal(close.path, `/api/vacancy/state/${ref.externalId}`)
  t.equal(close.query.get('state'), 'Closed')
  t.equal(vacancyOf(ref.externalId)?.state, 'Closed')
  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'archived', url: ref.url, reason: null, expiresAt: null })
  await adapter.archive(session, account, ref.externalId)
  t.equal(vacancyOf(ref.externalId)?.state, 'Closed', 'closing twice is harmless')
  finish()
})

t.test('reactivate puts a closed vacancy back up in place, with the publication\'s content, spending a ticket', async t => {
  const { fake, adapter, session, account, requestsTo, vacancyOf, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting({ publicationType: 'Optimum' }))
  fake.approveVacancy(Number(ref.externalId))
  await adapter.archive(session, account, ref.externalId)
  const endBefore = vacancyOf(ref.externalId)!.endDate
  const tickets = fake.tickets.get(Number(account.externalId))!.Optimum
  fake.server.requests.length = 0
  // a minute on the board's clock, so the new term is seen to start later
  fake.advanceClock(60)

  const now = posting({ fields: { cityId: 4, salary: 61000, workTypes: ['Hybrid'] }, publicationType: 'Optimum' })
  const back = await adapter.reactivate(session, account, ref.externalId, now)
  t.same(back, { externalId: ref.externalId, url: ref.url, state: 'pending_review' }, 'the same vacancy, back under review')
  t.same(fake.server.requests.map(r => `${r.method} ${r.path.replace(/\d+$/, '{id}')}`),
    ['POST /api/vacancy/add', 'POST /api/vacancy/state/{id}', 'GET /api/vacancy/get/{id}'], 'the content first, then the state, then what the board made of it')
  t.match(requestsTo(ADD)[0]!.body, { id: Number(ref.externalId), name: now.title, cityId: 4, salary: 61000, workTypes: ['Hybrid'], publicationType: 'Optimum' })
  t.equal(requestsTo(STATE)[0]!.query.get('state'), 'Publicated')
  t.match(vacancyOf(ref.externalId), { state: 'Publicated', moderationStatus: 'Pending', name: now.title, cityId: 4 })
  t.equal(fake.tickets.get(Number(account.externalId))!.Optimum, tickets - 1, 'a re-activation spends a ticket (the fake\'s rule)')
  t.ok(vacancyOf(ref.externalId)!.endDate! > endBefore!, 'a new term')
  t.equal(fake.vacancies.size, 1, 'no new vacancy')

  // a vacancy whose term ran out comes back the same way
  fake.approveVacancy(Number(ref.externalId))
  fake.expireVacancy(Number(ref.externalId))
  fake.setTickets('Optimum', 1)
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'expired')
  t.equal((await adapter.reactivate(session, account, ref.externalId, now)).state, 'pending_review')
  t.equal(vacancyOf(ref.externalId)?.state, 'Publicated')
  finish()
})

t.test('reactivate without a ticket is quota: the vacancy stays closed (with the new content) and a retry with a ticket works', async t => {
  const { fake, adapter, session, account, failure, vacancyOf, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting({ publicationType: 'Professional' }))
  await adapter.archive(session, account, ref.externalId)
  t.equal(fake.tickets.get(Number(account.externalId))!.Professional, 0, 'the one Professional ticket went on the first publication')
  const now = posting({ publicationType: 'Professional' })
  await failure(adapter.reactivate(session, account, ref.externalId, now), { kind: 'quota', boardStatus: 403 })
  t.match(vacancyOf(ref.externalId), { state: 'Closed', name: now.title })
  fake.setTickets('Professional', 1)
  t.equal((await adapter.reactivate(session, account, ref.externalId, now)).externalId, ref.externalId)
  t.equal(vacancyOf(ref.externalId)?.state, 'Publicated')
  finish()
})

t.test('reactivate of a vacancy deleted on the board or not this employer\'s is not_found, and changes nothing', async t => {
  const { fake, adapter, session, account, failure, requestsTo, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  fake.deleteVacancy(Number(ref.externalId))
  const tickets = { ...fake.tickets.get(Number(account.externalId))! }
  await failure(adapter.reactivate(session, account, ref.externalId, posting()), { kind: 'not_found', boardStatus: 404 })
  const stranger = fake.addAccount({ password: `pw-${randomUUID()}` })
  const theirs = fake.addVacancy({ state: 'Closed' }, stranger.username)
  await failure(adapter.reactivate(session, account, String(theirs.id), posting()), { kind: 'not_found', boardStatus: 404 })
  await failure(adapter.reactivate(session, account, 'robota-42', posting()), { kind: 'not_found' })
  t.equal(requestsTo(STATE).length, 1, 'no state change but the first publication\'s')
  t.same(fake.tickets.get(Number(account.externalId)), tickets)
  t.equal(fake.getVacancy(theirs.id)?.state, 'Closed')
  finish()
})

t.test('reactivate when the board fails: a 5xx on the state change is resent once, then unavailable; a refused token logs in again', async t => {
  const { fake, adapter, session, account, failure, requestsTo, vacancyOf, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  await adapter.archive(session, account, ref.externalId)
  fake.server.inject({ match: STATE, status: 502, times: 2 })
  await failure(adapter.reactivate(session, account, ref.externalId, posting()), { kind: 'unavailable', boardStatus: 502 })
  t.equal(vacancyOf(ref.externalId)?.state, 'Closed')
  const logins = fake.loginCount
  fake.revokeTokens()
  fake.server.inject({ match: STATE, status: 500 })
  t.equal((await adapter.reactivate(session, account, ref.externalId, posting())).externalId, ref.externalId)
  t.equal(fake.loginCount, logins + 1, 'one login for the refused token')
  t.ok(requestsTo(STATE).length >= 5)
  // a 429 is waited out and the state sent again
  fake.server.inject({ match: STATE, status: 429, headers: { 'retry-after': '0' } })
  await adapter.archive(session, account, ref.externalId)
  t.equal((await adapter.reactivate(session, account, ref.externalId, posting())).externalId, ref.externalId, 'through a 429')
  fake.server.inject({ match: GET, status: 200, body: { state: 'Shelved' } })
  await adapter.archive(session, account, ref.externalId)
  await failure(adapter.reactivate(session, account, ref.externalId, posting()), { kind: 'bad_response', message: /vacancy \(GET/ })
  finish()
})

t.test('no ticket left: quota; the vacancy stays unpublished and the retry publishes that one', async t => {
  const { fake, adapter, session, account, lines, failure, requestsTo, vacancyOf, finish } = await setup(t)
  t.same(await adapter.availablePublications(session, account), [], 'Robota.ua shows no count of tickets left')
  t.equal(fake.server.requests.length, 0, 'and asks nothing for it')

  t.equal(fake.tickets.get(Number(account.externalId))!.Anonym, 0)
  const input = posting({ publicationType: 'Anonym' })
  const error = await failure(adapter.publish(session, account, input), { kind: 'quota', boardStatus: 403 })
  const [created] = [...fake.vacancies.values()].map(r => r.vacancy)
  t.ok(created)
  t.match(created, { name: input.title, state: 'NotPublicated', moderationStatus: 'None' })
  t.match(error.message, new RegExp(`Not enough publications.*Vacancy ${created!.id} was created on Robota.ua but stays unpublished`))
  t.ok(lines.some(l => l.includes(`"vacancyId":${created!.id}`) && l.includes('created but not published')), 'the created id is logged')

  fake.setTickets('Anonym', 1)
  const ref = await adapter.publish(session, account, input)
  t.equal(ref.externalId, String(created!.id), 'the vacancy the failed attempt left')
  t.equal(ref.state, 'pending_review')
  t.equal(requestsTo(ADD).length, 1, 'created once')
  t.equal(fake.vacancies.size, 1)
  t.equal(vacancyOf(ref.externalId)?.state, 'Publicated')
  t.equal(fake.tickets.get(Number(account.externalId))!.Anonym, 0, 'one ticket spent')
  finish()
})

t.test('the retry reuses only a never-published vacancy with exactly the same content', async t => {
  const { fake, adapter, session, account, requestsTo, finish } = await setup(t)
  const input = posting()
  // what a create whose answer was lost (5xx, timeout) leaves on the board
  const left = fake.addVacancy({ name: input.title, description: input.description, cityId: 1, salary: 30000, publicationType: 'Business' })
  const ref = await adapter.publish(session, account, input)
  t.equal(ref.externalId, String(left.id))
  t.equal(requestsTo(ADD).length, 0, 'nothing created')

  // the same content again: the first one is published now, so this is a new vacancy
  const again = await adapter.publish(session, account, input)
  t.not(again.externalId, ref.externalId)
  // same title, other salary: not a twin
  fake.addVacancy({ name: 'Інша', description: input.description, cityId: 1, salary: 1, publicationType: 'Business' })
  const other = await adapter.publish(session, account, { ...input, title: 'Інша' })
  t.equal(requestsTo(ADD).length, 2)
  t.equal(fake.vacancies.size, 4)
  t.not(other.externalId, again.externalId)

  // the lists count too, in any order: other work types are another vacancy, the same rubrics reordered are a twin
  const listed = posting({ fields: { cityId: 1, rubricIds: [1, 6], workTypes: ['Remote'] } })
  const twin = fake.addVacancy({ name: listed.title, description: listed.description, cityId: 1, publicationType: 'Business', rubricIds: [6, 1], workTypes: ['Remote'] })
  // newer, so looked at first
  fake.addVacancy({ name: listed.title, description: listed.description, cityId: 1, publicationType: 'Business', rubricIds: [1, 6], workTypes: ['Office'] })
  t.equal((await adapter.publish(session, account, listed)).externalId, String(twin.id))
  t.equal(requestsTo(ADD).length, 2, 'still nothing created')
  finish()
})

t.test('a state change lost to a 5xx is resent; when it keeps failing, the error names the vacancy left', async t => {
  const { fake, adapter, session, account, failure, requestsTo, vacancyOf, finish } = await setup(t)
  fake.server.inject({ match: STATE, status: 503 })
  const ref = await adapter.publish(session, account, posting())
  t.equal(requestsTo(STATE).length, 2, 'setting a state is idempotent: resent once')
  t.equal(vacancyOf(ref.externalId)?.state, 'Publicated')

  const input = posting()
  fake.server.inject({ match: STATE, status: 503, times: 2 })
  const error = await failure(adapter.publish(session, account, input), { kind: 'unavailable', boardStatus: 503 })
  const left = [...fake.vacancies.values()].find(r => r.vacancy.name === input.title)!.vacancy
  t.equal(left.state, 'NotPublicated')
  t.match(error.message, `Vacancy ${left.id} was created on Robota.ua but stays unpublished`)
  const retried = await adapter.publish(session, account, input)
  t.equal(retried.externalId, String(left.id))
  t.equal(requestsTo(ADD).length, 2, 'two postings, two creates')
  finish()
})

t.test('what the board refuses is rejected with our field name', async t => {
  const { fake, adapter, session, account, failure, requestsTo, finish } = await setup(t)
  await failure(adapter.publish(session, account, posting({ fields: { cityId: 0 } })),
    { kind: 'rejected', boardStatus: 400, field: 'cityId', message: /cityId must be a positive integer/ })
  await failure(adapter.publish(session, account, posting({ title: '   ' })),
    { kind: 'rejected', field: 'title', message: /The name field is required/ }, 'the board\'s name is our title')
  await failure(adapter.publish(session, account, posting({ description: '' })), { kind: 'rejected', field: 'description' })
  fake.server.inject({ match: ADD, status: 400, body: { message: 'Salary is out of range.', field: 'Salary' } })
  const error = await failure(adapter.publish(session, account, posting()), { kind: 'rejected', field: 'salary' }, 'PascalCase names map too')
  t.same(error.errors, [{ in: 'body', pointer: '/fields/salary', detail: error.message }])
  t.equal(fake.vacancies.size, 0)

  const before = requestsTo(API).length
  await failure(adapter.publish(session, account, posting({ publicationType: null })), { kind: 'rejected', field: 'publicationType' })
  await failure(adapter.publish(session, account, posting({ publicationType: 'Gold' })), { kind: 'rejected', field: 'publicationType', message: /Business, Optimum, Professional, Anonym/ })
  t.equal(requestsTo(API).length, before, 'a type Robota.ua does not have is refused before any call')

  fake.server.inject({ match: ADD, status: 409, body: { message: 'Vacancy already exists' } })
  await failure(adapter.publish(session, account, posting()), { kind: 'duplicate', boardStatus: 409 })
  finish()
})

t.test('a 5xx or a timeout during the create fails after exactly one create request', async t => {
  const { fake, adapter, session, account, failure, requestsTo, finish } = await setup(t)
  fake.server.inject({ match: ADD, status: 500 })
  await failure(adapter.publish(session, account, posting()), { kind: 'unavailable', boardStatus: 500 })
  t.equal(requestsTo(ADD).length, 1, 'a create is not resent after a 5xx: it may have created the vacancy')
  t.equal(requestsTo(STATE).length, 0)

  fake.server.inject({ match: ADD, mode: 'timeout' })
  await failure(adapter.publish(session, account, posting()), { kind: 'timeout', message: /within 500 ms/ })
  t.equal(requestsTo(ADD).length, 2, 'nor after a timeout')
  t.equal(fake.vacancies.size, 0)
  finish()
})

t.test('a board that does not answer the state read is timeout, after the retry', async t => {
  const { fake, adapter, session, account, failure, requestsTo, finish } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  fake.server.inject({ match: GET, mode: 'timeout', times: 2 })
  await failure(adapter.getPosting(session, account, ref.externalId), { kind: 'timeout' })
  t.equal(requestsTo(GET).length, 2, 'first try + BOARD_MAX_RETRIES=1')
  fake.server.inject({ match: GET, status: 200, body: { state: 'Archived' } })
  await failure(adapter.getPosting(session, account, ref.externalId), { kind: 'bad_response', message: /vacancy \(GET \/vacancy\/get\/\d+\).*state/ })
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'pending_review')
  finish()
})

t.test('postingIdFrom reads the id from a Robota.ua link or a bare id', async t => {
  const { adapter } = await setup(t)
  const id = adapter.postingIdFrom.bind(adapter)
  t.equal(id('https://robota.ua/company123/vacancy456789'), '456789')
  t.equal(id('https://robota.ua/ua/vacancy456789'), '456789')
  t.equal(id('https://www.robota.ua/company123/vacancy456789/'), '456789')
  t.equal(id('http://robota.ua/ua/company123/vacancy456789?utm_source=telegram#apply'), '456789')
  t.equal(id('robota.ua/company123/vacancy456789'), '456789', 'without a scheme')
  t.equal(id('  456789 '), '456789')
  t.equal(id('456789'), '456789')

  t.equal(id(''), null)
  t.equal(id('0'), null)
  t.equal(id('abc'), null)
  t.equal(id('vacancy456789'), null)
  t.equal(id('https://robota.ua/company123'), null, 'a company page')
  t.equal(id('https://robota.ua/zapros/vacancy456789'), null)
  t.equal(id('https://www.work.ua/jobs/456789/'), null, 'another board')
  t.equal(id('https://robota.ua.evil.example/ua/vacancy456789'), null)
  t.equal(id('https://robota.ua/ua/vacancy12ab'), null)
  t.equal(id('not a url at all'), null)
})
