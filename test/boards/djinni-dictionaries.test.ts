// Djinni's side of the publish screen against its fake (no database): the catalogues (categories,
// experience) with Djinni's conditional answers and its failures, the host's job mapped onto the
// publication fields through a dictionary lookup, and the preview of what publish sends. Djinni's API
// is private: the fake is the assumed contract of docs/boards.md.
import t, { type Test } from 'tap'
import { Value } from 'typebox/value'
import { BoardError } from '../../src/boards/errors.js'
import type { BoardAdapter, DictionaryItem, DictionaryLookup, JobForBoard, PostingInput } from '../../src/boards/types.js'
import { DJINNI_CATEGORIES, DJINNI_EXPERIENCE } from '../fakes/djinni.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

const CATEGORIES = /^GET \/api\/v2\/dictionaries\/categories\/$/
const EXPERIENCE = /^GET \/api\/v2\/dictionaries\/experience\/$/

async function setup (t: Test) {
  const h = await adapterHarness(t, 'djinni', { env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500', BOARD_MAX_RETRY_AFTER_MS: '2000' }, install: true })
  return { ...h, key: String(h.input.apiKey) }
}

/** the BoardError a call fails with; the key nowhere in its message or its JSON */
async function failure (t: Test, promise: Promise<unknown>, expected: Record<string, unknown>, key: string, what: string): Promise<BoardError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  t.type(error, BoardError, `${what}: a BoardError`)
  t.match(error, expected, what)
  t.notOk(`${String(error)}\n${JSON.stringify(error)}`.includes(key), `${what}: the key is not in the error`)
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
  title: 'Senior Node.js Developer',
  description: '<p>Продуктова команда</p>',
  location: null,
  salary: null,
  employment: null,
  remoteType: null,
  tags: [],
  ...overrides
})

t.test('the adapter lists its catalogues; category and experience take their ids', async t => {
  const { adapter } = await setup(t)
  t.same(adapter.dictionaries.map(d => [d.name, d.scope, d.hierarchical]), [['categories', 'board', false], ['experience', 'board', false]])
  const properties = adapter.publicationFields.properties as Record<string, { 'x-dictionary'?: string }>
  t.equal(properties.category?.['x-dictionary'], 'categories')
  t.equal(properties.experienceYears?.['x-dictionary'], 'experience')
  t.equal(properties.location?.['x-dictionary'], undefined, 'the location stays free text')
  t.ok(Value.Check(adapter.publicationFields, { category: 'JavaScript', experienceYears: 3, location: 'Київ', remoteType: 'remote' }), 'a publication saved before keeps its category')
})

t.test('categories and experience in our shape, with the ETag; a stored copy is answered not modified', async t => {
  const { adapter, session, account, requestsTo } = await setup(t)
  const categories = await adapter.fetchDictionary(session, account, 'categories', null)
  if (categories.notModified) throw new Error('a first fetch has no stored copy to match')
  t.same(categories.items, DJINNI_CATEGORIES.map(c => ({ id: c.id, name: c.name, parentId: null })), 'the id is the value the job\'s category takes')
  t.match(categories.version, { etag: /^"[0-9a-f]{16}"$/, lastModified: null })
  t.equal(requestsTo(CATEGORIES)[0]?.headers['x-api-key'], session.credentials.current().apiKey, 'asked with the key')

  t.same(await adapter.fetchDictionary(session, account, 'categories', categories.version), { notModified: true }, '304 to the stored ETag')
  t.equal(requestsTo(CATEGORIES)[1]?.headers['if-none-match'], categories.version.etag)
  const stale = await adapter.fetchDictionary(session, account, 'categories', { etag: '"older"', lastModified: null })
  t.equal(stale.notModified, false, 'another ETag: the catalogue in full')

  const experience = await adapter.fetchDictionary(session, account, 'experience', null)
  t.same(experience.notModified ? [] : experience.items, DJINNI_EXPERIENCE.map(e => ({ id: String(e.id), name: e.name, parentId: null })), 'years as string ids, 0 to 10')
  t.equal(requestsTo(EXPERIENCE).length, 1)
})

t.test('a catalogue fetch when Djinni fails: each failure a BoardError without the key', async t => {
  const { fake, adapter, session, account, key } = await setup(t)
  const fetch = async (stored = null) => await adapter.fetchDictionary(session, account, 'categories', stored)

  await failure(t, adapter.fetchDictionary(session, account, 'cities', null), { kind: 'not_found', message: /no dictionary cities/ }, key, 'an unknown catalogue')
  fake.server.inject({ match: CATEGORIES, status: 401, body: { detail: 'Invalid API key.' } })
  await failure(t, fetch(), { kind: 'invalid_credentials', boardStatus: 401 }, key, 'a key Djinni refuses')
  fake.server.inject({ match: CATEGORIES, status: 403, body: { detail: 'Account is blocked.' } })
  await failure(t, fetch(), { kind: 'account_blocked' }, key, 'a blocked account')
  fake.server.inject({ match: CATEGORIES, status: 403, body: { detail: 'API access is not enabled for this account.' } })
  await failure(t, fetch(), { kind: 'no_api_access' }, key, 'no API access')
  fake.server.inject({ match: CATEGORIES, status: 404, body: { detail: 'Not found.' } })
  await failure(t, fetch(), { kind: 'not_found', boardStatus: 404 }, key, 'a 404')
  fake.server.inject({ match: CATEGORIES, status: 304 })
  await failure(t, fetch(), { kind: 'bad_response', boardStatus: 304 }, key, 'a 304 to a request that was not conditional')

  fake.server.inject({ match: CATEGORIES, status: 429, headers: { 'retry-after': '1' } })
  t.equal((await fetch()).notModified, false, 'a short 429 is waited out')
  fake.server.inject({ match: CATEGORIES, status: 429, headers: { 'retry-after': '3600' } })
  await failure(t, fetch(), { kind: 'rate_limited' }, key, 'a 429 longer than we wait')
  fake.server.inject({ match: CATEGORIES, status: 500, times: 2 })
  await failure(t, fetch(), { kind: 'unavailable', boardStatus: 500 }, key, 'a 500 that stays')
  fake.server.inject({ match: CATEGORIES, mode: 'timeout', times: 2 })
  await failure(t, fetch(), { kind: 'timeout' }, key, 'no answer')

  fake.server.inject({ match: CATEGORIES, mode: 'truncated' })
  await failure(t, fetch(), { kind: 'bad_response' }, key, 'cut short')
  for (const body of [{ results: [] }, [{ id: 'JavaScript' }], [{ id: null, name: 'Go' }], [], [{ id: 'x', name: '  ' }]]) {
    fake.server.inject({ match: EXPERIENCE, status: 200, body })
    await failure(t, adapter.fetchDictionary(session, account, 'experience', null), { kind: 'bad_response', message: /experience/ }, key, `an unexpected catalogue ${JSON.stringify(body)}`)
  }

  fake.server.inject({ match: CATEGORIES, status: 400, body: { detail: `bad key ${key}` } })
  const echoed = await failure(t, fetch(), { kind: 'rejected' }, key, 'a refusal quoting the key')
  t.match(echoed.message, /\[redacted\]/)
})

t.test('Djinni refuses a category or an experience that is none of its catalogue, under our field name', async t => {
  const { adapter, session, account } = await setup(t)
  const posting = (fields: Record<string, unknown>): PostingInput => ({
    title: 'Dev', description: '<p>x</p>', publicationType: 'standard', fields: { category: 'JavaScript', experienceYears: 2, location: 'Київ', remoteType: 'remote', ...fields }
  })
  t.match(await adapter.publish(session, account, posting({ category: 'Golang' })), { state: 'pending_review' })
  const category = await adapter.publish(session, account, posting({ category: 'JS' })).then(() => null, (e: unknown) => e)
  t.match(category, { kind: 'rejected', field: 'category', message: /"JS" is not a valid choice/ })
  const experience = await adapter.publish(session, account, posting({ experienceYears: 11 })).then(() => null, (e: unknown) => e)
  t.match(experience, { kind: 'rejected', field: 'experienceYears' })
})

t.test('the job fills the form: location as written, USD salary, remote type, the category its tags name', async t => {
  const { adapter, session, account } = await setup(t)
  const fetched = async (name: string): Promise<DictionaryItem[]> => {
    const answer = await adapter.fetchDictionary(session, account, name, null)
    return answer.notModified ? [] : answer.items
  }
  const lookup = lookupOver({ categories: await fetched('categories'), experience: await fetched('experience') })
  const map = async (overrides: Partial<JobForBoard>) => await (adapter as BoardAdapter).fieldsFromJob(job(overrides), lookup)

  t.same(await map({
    location: ' Львів (можливий релокейт) ', salary: { from: 3000, to: 4500, currency: 'USD', gross: true }, employment: 'full_time', remoteType: 'hybrid', tags: ['node.js', 'PostgreSQL', 'AWS']
  }), {
    fields: { location: 'Львів (можливий релокейт)', salaryFrom: 3000, salaryTo: 4500, remoteType: 'hybrid', category: 'Node.js' },
    problems: []
  }, 'Djinni\'s location is free text; a tag that is a category (any case) gives it; the employment has no field')
  t.same(await map({ salary: { to: 5000.4, currency: 'usd' }, remoteType: 'office' }), { fields: { salaryTo: 5000, remoteType: 'office' }, problems: [] })
  t.same(await map({ employment: 'part_time', tags: ['React'] }), { fields: {}, problems: [] }, 'nothing Djinni has a field for')

  t.match(await map({ salary: { from: 100000, currency: 'UAH' } }), { fields: {}, problems: [{ pointer: '/salary', detail: /USD a month, not UAH/, fields: ['salaryFrom', 'salaryTo'] }] })
  t.match((await map({ salary: { from: 5000, to: 3000, currency: 'USD' } })).problems, [{ pointer: '/salary', detail: /above its to/ }])
  const two = await map({ tags: ['QA', 'Python', 'qa'] })
  t.same(two.fields, {})
  t.match(two.problems, [{ pointer: '/tags', detail: /2 Djinni categories/, fields: ['category'] }])
  t.same(two.problems[0]!.candidates?.map(c => c.id), ['QA', 'Python'])
  t.match(await map({ location: 'К'.repeat(201) }), { fields: {}, problems: [{ pointer: '/location', fields: ['location'] }] })
  t.ok(lookup.asked.every(entry => entry.startsWith('categories:')), 'only the categories are looked in')
})

t.test('the preview is the body publish sends, built without a call', async t => {
  const { fake, adapter, session, account, requestsTo } = await setup(t)
  const posting: PostingInput = {
    title: 'QA Engineer', description: '<p>Тестування</p>', publicationType: 'standard', fields: { category: 'QA', experienceYears: 1, location: 'Remote', remoteType: 'remote', salaryFrom: 1500 }
  }
  const requests = fake.server.requests.length
  const preview = adapter.previewPayload(posting)
  t.equal(fake.server.requests.length, requests, 'no request')
  t.same(preview, { title: 'QA Engineer', description: '<p>Тестування</p>', category: 'QA', experience_years: 1, location: 'Remote', remote_type: 'remote', salary_from: 1500, is_draft: false })
  await adapter.publish(session, account, posting)
  t.same(requestsTo(/^POST \/api\/v2\/jobs\/$/).at(-1)?.body, preview, 'exactly what publish sent')
})
