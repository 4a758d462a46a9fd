// Robota.ua's side of the publish screen against its fake (no database): the catalogues (cities,
// rubrics) in our shape and what the board's failures make of a fetch, the host's job mapped onto
// the publication fields through a dictionary lookup, and the preview of what publish sends.
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { Value } from 'typebox/value'
import { BoardError } from '../../src/boards/errors.js'
import type { BoardAdapter, DictionaryItem, DictionaryLookup, JobForBoard, PostingInput } from '../../src/boards/types.js'
import { itemsOf } from '../../src/boards/robotaua/dictionaries.js'
import { ROBOTA_CITIES, ROBOTA_RUBRICS } from '../fakes/robotaua.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

const CITIES = /^GET \/api\/values\/citylist$/
const RUBRICS = /^GET \/api\/values\/rubrics$/

async function setup (t: Test) {
  const h = await adapterHarness(t, 'robotaua', {
    fake: { password: `pw-${randomUUID()}` },
    env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500', BOARD_MAX_RETRY_AFTER_MS: '2000' },
    install: true
  })
  const secrets = (): string[] => [String(h.input.password), ...h.store.history.map(c => (c as { token?: string }).token ?? '').filter(token => token !== '')]
  return { ...h, secrets }
}

/** the BoardError a call fails with; none of the account's secrets in its message or its JSON */
async function failure (t: Test, promise: Promise<unknown>, expected: Record<string, unknown>, secrets: string[], what: string): Promise<BoardError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  t.type(error, BoardError, `${what}: a BoardError`)
  t.match(error, expected, what)
  const shown = `${String(error)}\n${JSON.stringify(error)}`
  t.notOk(secrets.some(secret => shown.includes(secret)), `${what}: no password or token in the error`)
  return error as BoardError
}

/** the service's lookup, over items in memory: whole names, without case or accents */
function lookupOver (dictionaries: Record<string, DictionaryItem[]>): DictionaryLookup & { asked: string[] } {
  const fold = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()
  const asked: string[] = []
  return {
    asked,
    async find (name, text) {
      asked.push(`${name}:${text}`)
      const items = dictionaries[name]
      if (items === undefined) throw new Error(`no dictionary ${name}`)
      return fold(text) === '' ? [] : items.filter(item => fold(item.name) === fold(text))
    }
  }
}

const job = (overrides: Partial<JobForBoard> = {}): JobForBoard => ({
  title: 'Менеджер з продажу',
  description: '<p>Продаж B2B</p>',
  location: null,
  salary: null,
  employment: null,
  remoteType: null,
  tags: [],
  ...overrides
})

t.test('the adapter lists its catalogues; every field taking an id names one of them', async t => {
  const { adapter } = await setup(t)
  t.same(adapter.dictionaries.map(d => [d.name, d.scope, d.hierarchical]), [['cities', 'board', false], ['rubrics', 'board', false]])
  const properties = adapter.publicationFields.properties as Record<string, { 'x-dictionary'?: string, items?: { 'x-dictionary'?: string } }>
  t.equal(properties.cityId?.['x-dictionary'], 'cities')
  t.equal(properties.rubricIds?.items?.['x-dictionary'], 'rubrics', 'a list of ids names its dictionary on its items')
  t.ok(Value.Check(adapter.publicationFields, { cityId: 1, rubricIds: [1, 2], employmentTypes: ['FullTime'], workTypes: ['Remote', 'Hybrid'] }))
  t.notOk(Value.Check(adapter.publicationFields, { cityId: 1, workTypes: ['Moon'] }), 'work types are Robota.ua\'s words')
  t.notOk(Value.Check(adapter.publicationFields, { cityId: 1, rubricIds: [1, 1] }), 'a rubric once')
})

t.test('cities and rubrics in our shape: Ukrainian names, string ids, no parent; the whole-country entry left out', async t => {
  const { adapter, session, account, requestsTo } = await setup(t)
  const cities = await adapter.fetchDictionary(session, account, 'cities', null)
  if (cities.notModified) throw new Error('a first fetch has no stored copy to match')
  t.same(cities.items, ROBOTA_CITIES.filter(c => c.id > 0).map(c => ({ id: String(c.id), name: c.nameUkr, parentId: null })))
  t.notOk(cities.items.some(c => c.id === '0'), '"all Ukraine" is a search filter, not a city a vacancy takes')
  t.same(cities.version, { etag: null, lastModified: null }, 'Robota.ua sends no validators')
  t.equal(cities.items.filter(c => c.name === 'Первомайськ').length, 2, 'two cities of one name stay two items')

  const rubrics = await adapter.fetchDictionary(session, account, 'rubrics', null)
  t.same(rubrics.notModified ? [] : rubrics.items, ROBOTA_RUBRICS.map(r => ({ id: String(r.id), name: r.nameUkr, parentId: null })))

  const [asked] = requestsTo(CITIES)
  t.match(asked?.headers.authorization, /^Bearer /, 'asked with the account\'s token')
  t.equal(asked?.headers['if-none-match'], undefined, 'nothing stored: an unconditional request')

  // a stored copy's validators go back; the fake, like Robota.ua, answers in full anyway
  const again = await adapter.fetchDictionary(session, account, 'cities', { etag: '"v1"', lastModified: 'Mon, 01 Dec 2026 10:00:00 GMT' })
  t.equal(again.notModified, false)
  t.equal(requestsTo(CITIES)[1]?.headers['if-none-match'], '"v1"')
  t.equal(requestsTo(CITIES)[1]?.headers['if-modified-since'], 'Mon, 01 Dec 2026 10:00:00 GMT')
})

t.test('a 304 to a conditional fetch is not modified; a board that sends validators has them stored', async t => {
  const { fake, adapter, session, account } = await setup(t)
  fake.server.inject({ match: CITIES, status: 304 })
  t.same(await adapter.fetchDictionary(session, account, 'cities', { etag: '"v1"', lastModified: null }), { notModified: true })
  fake.server.inject({ match: CITIES, status: 200, headers: { etag: '"v2"', 'last-modified': 'Tue, 02 Dec 2026 10:00:00 GMT' }, body: [{ id: 1, name: 'Киев', nameUkr: 'Київ' }] })
  t.same(await adapter.fetchDictionary(session, account, 'cities', null), {
    notModified: false, items: [{ id: '1', name: 'Київ', parentId: null }], version: { etag: '"v2"', lastModified: 'Tue, 02 Dec 2026 10:00:00 GMT' }
  })
})

t.test('what a catalogue item may look like: a missing Ukrainian name falls back, an item without any name or an id twice is left out', async t => {
  t.same(itemsOf([
    { id: 5, name: 'Ужгород', nameUkr: null },
    { id: 6, name: ' Суми ', nameUkr: '  ' },
    { id: 7, name: null, nameUkr: null },
    { id: 8 },
    { id: 5, name: 'Другой', nameUkr: 'Інший' },
    { id: -1, name: 'Нигде', nameUkr: 'Ніде' }
  ]), [{ id: '5', name: 'Ужгород', parentId: null }, { id: '6', name: 'Суми', parentId: null }])
})

t.test('a catalogue fetch when the board fails: each failure a BoardError without the password or token', async t => {
  const { fake, adapter, session, account, requestsTo, secrets } = await setup(t)
  const fetch = async () => await adapter.fetchDictionary(session, account, 'cities', null)

  await failure(t, adapter.fetchDictionary(session, account, 'regions', null), { kind: 'not_found', message: /no dictionary regions/ }, secrets(), 'an unknown catalogue')

  // a refused token: one login, then the catalogue
  const logins = fake.loginCount
  fake.server.inject({ match: CITIES, status: 401 })
  t.equal((await fetch()).notModified, false, 'a 401 once: logged in again')
  t.equal(fake.loginCount, logins + 1)
  fake.server.inject({ match: CITIES, status: 401, times: 2 })
  await failure(t, fetch(), { kind: 'invalid_credentials' }, secrets(), 'a 401 that stays')

  fake.server.inject({ match: CITIES, status: 403, body: { message: 'Employer account is blocked' } })
  await failure(t, fetch(), { kind: 'account_blocked', boardStatus: 403 }, secrets(), 'a blocked employer')
  fake.server.inject({ match: CITIES, status: 403, headers: { 'content-type': 'text/html' }, body: '<html>Attention Required! | Cloudflare</html>' })
  await failure(t, fetch(), { kind: 'unavailable', message: /Cloudflare/ }, secrets(), 'Cloudflare refusing the server')
  fake.server.inject({ match: CITIES, status: 404, body: { message: 'Not found' } })
  await failure(t, fetch(), { kind: 'not_found', boardStatus: 404 }, secrets(), 'a 404')

  fake.server.inject({ match: CITIES, status: 429, headers: { 'retry-after': '1' } })
  t.equal((await fetch()).notModified, false, 'a short 429 is waited out')
  fake.server.inject({ match: CITIES, status: 429, headers: { 'retry-after': '3600' } })
  await failure(t, fetch(), { kind: 'rate_limited' }, secrets(), 'a 429 longer than we wait')

  const before = requestsTo(CITIES).length
  fake.server.inject({ match: CITIES, status: 503, times: 2 })
  await failure(t, fetch(), { kind: 'unavailable', boardStatus: 503 }, secrets(), 'a 503 that stays')
  t.equal(requestsTo(CITIES).length, before + 2, 'a read: resent once')

  fake.server.inject({ match: CITIES, mode: 'malformed' })
  await failure(t, fetch(), { kind: 'bad_response' }, secrets(), 'not JSON')
  for (const body of [{ cities: [] }, [{ id: 'kyiv', name: 'Київ' }], [{ id: 1, name: 7 }], []]) {
    fake.server.inject({ match: RUBRICS, status: 200, body })
    await failure(t, adapter.fetchDictionary(session, account, 'rubrics', null), { kind: 'bad_response', message: /rubrics/ }, secrets(), `an unexpected catalogue ${JSON.stringify(body)}`)
  }

  // the board echoes back the credentials the request carried: they are blanked out
  const carried = [String(session.credentials.current().password), String(session.credentials.current().token)]
  fake.server.inject({ match: CITIES, status: 400, body: { message: `bad request for ${carried.join(' ')}` } })
  const echoed = await failure(t, fetch(), { kind: 'rejected' }, secrets(), 'a refusal quoting the password and token')
  t.match(echoed.message, /\[redacted\]/)
})

t.test('the job fills the form: city matched by name, UAH salary, employment and work types, rubrics from tags', async t => {
  const { adapter, session, account } = await setup(t)
  const fetched = async (name: string): Promise<DictionaryItem[]> => {
    const answer = await adapter.fetchDictionary(session, account, name, null)
    return answer.notModified ? [] : answer.items
  }
  const lookup = lookupOver({ cities: await fetched('cities'), rubrics: await fetched('rubrics') })
  const map = async (overrides: Partial<JobForBoard>) => await (adapter as BoardAdapter).fieldsFromJob(job(overrides), lookup)

  t.same(await map({
    location: 'Харків', salary: { from: 30000, to: 40000, currency: 'UAH' }, employment: 'full_time', remoteType: 'hybrid', tags: ['ІТ', 'IT', 'Продажі, закупівлі', 'Excel']
  }), {
    fields: { cityId: 21, salary: 30000, employmentTypes: ['FullTime'], workTypes: ['Hybrid'], rubricIds: [1, 2] },
    problems: []
  }, 'the least the employer offers; tags that are no rubric mean nothing')
  t.match(await map({ location: 'КИЇВ, Україна' }), { fields: { cityId: 1 }, problems: [] }, 'the city before the comma, any case')
  t.match(await map({ location: "кам'янське" }), { fields: { cityId: 38 } })
  t.match(await map({ salary: { to: 25000, currency: 'uah' } }), { fields: { salary: 25000 } }, 'only a to: that amount')
  t.same(await map({ employment: 'part_time', remoteType: 'remote' }), { fields: { employmentTypes: ['PartTime'], workTypes: ['Remote'] }, problems: [] })
  t.match(await map({ employment: 'contract' }), { fields: { employmentTypes: ['ProjectBased'] } })
  t.same(await map({}), { fields: {}, problems: [] }, 'a job that says nothing fills nothing')

  const several = await map({ location: 'Первомайськ' })
  t.same(several.fields, {})
  t.match(several.problems, [{ pointer: '/location', detail: /more than one Robota.ua city/, fields: ['cityId'] }])
  t.same(several.problems[0]!.candidates?.map(c => c.id).sort(), ['214', '215'], 'the cities it could mean')
  t.match((await map({ location: 'Kyiv' })).problems, [{ pointer: '/location', detail: /no Robota.ua city is called "Kyiv"/, fields: ['cityId'] }])
  t.match((await map({ location: 'Вся Україна' })).problems, [{ pointer: '/location' }], 'the whole country is no city')

  t.match((await map({ salary: { from: 2000, currency: 'USD' } })), { fields: {}, problems: [{ pointer: '/salary', detail: /UAH, not USD/, fields: ['salary'] }] })
  t.match((await map({ salary: { from: 50000, to: 40000, currency: 'UAH' } })).problems, [{ pointer: '/salary', detail: /above its to/ }])
  t.match((await map({ employment: 'internship', remoteType: 'office' })), {
    fields: { workTypes: ['Office'] }, problems: [{ pointer: '/employment', detail: /no internship employment/, fields: ['employmentTypes'] }]
  })
  t.ok(lookup.asked.every(entry => /^(cities|rubrics):/.test(entry)), 'only its own dictionaries are looked in')
})

t.test('the preview is the create request publish sends, built without a call', async t => {
  const { fake, adapter } = await setup(t)
  fake.server.requests.length = 0
  const posting: PostingInput = {
    title: 'Касир', description: '<p>Магазин</p>', publicationType: 'Business', fields: { cityId: 3, salary: 18000, employmentTypes: ['Shift'] }
  }
  t.same(adapter.previewPayload(posting), {
    id: 0, name: 'Касир', description: '<p>Магазин</p>', cityId: 3, publicationType: 'Business', salary: 18000, rubricIds: [], employmentTypes: ['Shift'], workTypes: []
  })
  t.match(adapter.previewPayload({ ...posting, publicationType: null }), { publicationType: null }, 'no type chosen yet: shown as none')
  t.equal(fake.server.requests.length, 0, 'no request')
})
