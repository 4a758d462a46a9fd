// Work.ua's catalogues and the job mapped onto its fields, through the adapter against the Work.ua
// fake (no database): GET /dictionaries/{name} as DictionaryItems, every id field naming its
// catalogue, and fieldsFromJob looking names up the way the service's lookup does (whole name,
// case- and accent-insensitive) in the catalogues the fake serves.
import t, { type Test } from 'tap'
import { assembleBoard } from '../../src/boards/registry.js'
import type { DictionaryItem, DictionaryLookup, JobForBoard } from '../../src/boards/types.js'
import { createWorkuaAdapter, workuaDictionaries, WORKUA_DICTIONARY_NAMES } from '../../src/boards/workua/adapter.js'
import { workua } from '../../src/boards/workua/index.js'
import { WORKUA_DICTIONARIES } from '../fakes/workua.js'
import { adapterHarness } from '../helpers/adapter-harness.js'
import { boardFailure } from '../helpers/board-errors.js'

const failure = async (t: Test, promise: Promise<unknown>) => await boardFailure(t, promise, [])

interface Teardown { teardown: (fn: () => unknown) => void }

async function setup (t: Teardown) {
  const h = await adapterHarness(t, 'workua', { install: true, create: createWorkuaAdapter })
  /** the service's lookup, over the catalogues as the adapter fetched them */
  const fold = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()
  const asked: Array<[string, string]> = []
  const lookup: DictionaryLookup = {
    async find (name, text) {
      asked.push([name, text])
      const fetched = await h.adapter.fetchDictionary(h.session, h.account, name, null)
      if (fetched.notModified) throw new Error('not modified without a stored copy')
      return fetched.items.filter(item => fold(item.name) === fold(text))
    }
  }
  return { ...h, lookup, asked }
}

const job = (overrides: Partial<JobForBoard> = {}): JobForBoard => ({
  title: 'Бариста', description: '<p>Кава</p>', location: null, salary: null, employment: null, remoteType: null, tags: [], ...overrides
})

t.test('Work.ua\'s six catalogues: board-wide, flat, towns searched by name', async t => {
  const { adapter } = await setup(t)
  t.same(adapter.dictionaries.map(d => d.name), ['town', 'category', 'jobtype', 'experience', 'education', 'publication_type'])
  t.same(adapter.dictionaries, workuaDictionaries)
  t.ok(adapter.dictionaries.every(d => d.scope === 'board' && !d.hierarchical), 'the same for every account, and no parent is known of any item')
  t.same(adapter.dictionaries.filter(d => d.searchable).map(d => d.name), ['town'], 'towns are many; the rest are short lists')
})

t.test('each catalogue is GET /dictionaries/{name}, mapped to { id, name, parentId }, with no validators', async t => {
  const { adapter, session, account, requestsTo } = await setup(t)
  for (const name of WORKUA_DICTIONARY_NAMES) {
    const fetched = await adapter.fetchDictionary(session, account, name, { etag: '"x"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' })
    t.same(fetched, {
      notModified: false,
      items: WORKUA_DICTIONARIES[name].map(item => ({ id: String(item.id), name: item.name, parentId: null })),
      version: { etag: null, lastModified: null }
    }, name)
  }
  const asked = requestsTo(/^GET \/dictionaries\//)
  t.same(asked.map(r => r.path), WORKUA_DICTIONARY_NAMES.map(name => `/dictionaries/${name}`))
  t.notOk(asked.some(r => r.headers['if-none-match'] !== undefined || r.headers['if-modified-since'] !== undefined), 'no conditional request: Work.ua is not known to answer one')
  t.ok(asked.every(r => r.headers['x-locale'] === 'uk_UA' && /^Basic /.test(String(r.headers.authorization))), 'through the account, as every call')
})

t.test('a catalogue Work.ua does not have is not_found, without asking', async t => {
  const { adapter, session, account, fake } = await setup(t)
  const before = fake.server.requests.length
  for (const name of ['areas', 'towns', '../jobs/my', '']) {
    t.match(await failure(t, adapter.fetchDictionary(session, account, name, null)), { kind: 'not_found', message: /Work\.ua has no dictionary/ }, JSON.stringify(name))
  }
  t.equal(fake.server.requests.length, before)
  fake.server.inject({ match: /dictionaries/, status: 404, body: { errors: [{ id: 'not_found', message: 'Unknown dictionary' }] } })
  t.match(await failure(t, adapter.fetchDictionary(session, account, 'education', null)), { kind: 'not_found', boardStatus: 404 }, 'and one Work.ua says it has not')
})

t.test('what Work.ua sends is checked; blank names and repeated ids are left out', async t => {
  const { adapter, session, account, fake } = await setup(t)
  const answer = (body: unknown): void => { fake.server.inject({ match: /dictionaries/, status: 200, body }) }
  answer({ status: 'ok', items: [{ id: '12', name: ' Київ ', extra: 1 }, { id: 12, name: 'Київ (again)' }, { id: 13, name: '   ' }, { id: 14, name: 'Львів' }] })
  t.same((await adapter.fetchDictionary(session, account, 'town', null) as { items: DictionaryItem[] }).items, [
    { id: '12', name: 'Київ', parentId: null },
    { id: '14', name: 'Львів', parentId: null }
  ])
  for (const bad of [{ status: 'ok', items: [{ id: 0, name: 'x' }] }, { status: 'ok', items: [{ id: 'abc', name: 'x' }] }, { status: 'ok', items: [{ id: 1 }] }, { items: [] }, [{ id: 1, name: 'x' }]]) {
    answer(bad)
    t.match(await failure(t, adapter.fetchDictionary(session, account, 'category', null)), { kind: 'bad_response', message: /dictionary category/ }, JSON.stringify(bad))
  }
  answer({ status: 'ok', items: [{ id: 5, name: 'VIP' }] })
  t.match(await failure(t, adapter.fetchDictionary(session, account, 'publication_type', null)), { kind: 'bad_response' }, 'publication types have text ids')
  t.match(await adapter.fetchDictionary(session, account, 'publication_type', null), { items: [{ id: 'standart_job' }, { id: 'vip_job' }, { id: 'hot_job' }] }, 'and Work.ua\'s own are read')
})

t.test('every id field names its catalogue; the registry checks them', async t => {
  const { adapter } = await setup(t)
  const props = adapter.publicationFields.properties as Record<string, { 'x-dictionary'?: string, items?: { 'x-dictionary'?: string } }>
  t.same({
    regionId: props.regionId!['x-dictionary'],
    categoryIds: props.categoryIds!.items!['x-dictionary'],
    jobtypeIds: props.jobtypeIds!.items!['x-dictionary'],
    experienceId: props.experienceId!['x-dictionary'],
    salary: props.salary!['x-dictionary']
  }, { regionId: 'town', categoryIds: 'category', jobtypeIds: 'jobtype', experienceId: 'experience', salary: undefined })
  t.ok(assembleBoard(workua, adapter), 'the registry takes them')
  t.throws(() => assembleBoard(workua, { ...adapter, dictionaries: adapter.dictionaries.filter(d => d.name !== 'jobtype') }),
    /field jobtypeIds takes its ids from dictionary jobtype, which the board does not list/, 'a list field naming a catalogue the board lacks is refused')
})

t.test('the job\'s location: a town by its name, another spelling, or its first part; several or none are problems', async t => {
  const { adapter, lookup } = await setup(t)
  const mapped = async (location: string) => await adapter.fieldsFromJob(job({ location }), lookup)
  t.same(await mapped('Львів'), { fields: { regionId: 5 }, problems: [] })
  t.same(await mapped('  КИЇВ '), { fields: { regionId: 1 }, problems: [] }, 'case and blanks do not matter')
  t.same(await mapped('Kyiv'), { fields: { regionId: 1 }, problems: [] }, 'an English name finds the town under its Ukrainian one')
  t.same(await mapped('Киев'), { fields: { regionId: 1 }, problems: [] }, 'and a Russian one')
  t.same(await mapped('Odessa, Ukraine'), { fields: { regionId: 3 }, problems: [] })
  t.same(await mapped('Біла Церква, Київська обл.'), { fields: { regionId: 11 }, problems: [] }, 'the town before the comma')
  t.same(await mapped('Первомайськ'), {
    fields: {},
    problems: [{ pointer: '/location', detail: '"Первомайськ" is 2 towns of Work.ua: set fields.regionId to one of them (dictionary town)', candidates: [{ id: '9', name: 'Первомайськ', parentId: null }, { id: '10', name: 'Первомайськ', parentId: null }] }]
  }, 'two towns of the name: both are candidates, none is picked')
  t.same(await mapped('Атлантида'), { fields: {}, problems: [{ pointer: '/location', detail: 'Work.ua has no town called "Атлантида": set fields.regionId (dictionary town)' }] })
  t.same(await adapter.fieldsFromJob(job({ location: '   ' }), lookup), { fields: {}, problems: [] }, 'no location, nothing to say')
})

t.test('the salary: one amount in UAH a month, a range by what it pays at least; what Work.ua cannot show is a problem', async t => {
  const { adapter, lookup } = await setup(t)
  const mapped = async (salary: JobForBoard['salary']) => await adapter.fieldsFromJob(job({ salary }), lookup)
  t.same(await mapped({ from: 30000, currency: 'UAH' }), { fields: { salary: 30000 }, problems: [] })
  t.same(await mapped({ from: 30000, to: 45000, currency: 'UAH', gross: true }), { fields: { salary: 30000 }, problems: [] }, 'a range shows its lower end')
  t.same(await mapped({ from: 25000.75, currency: 'uah' }), { fields: { salary: 25000 }, problems: [] }, 'whole hryvnias, never more than the job says')
  t.same(await mapped({ from: 0, currency: 'UAH' }), { fields: {}, problems: [] }, 'nothing to show')
  t.match(await mapped({ to: 40000, currency: 'UAH' }), { fields: {}, problems: [{ pointer: '/salary', detail: /only the most it pays \(40000 UAH\)/ }] })
  t.match(await mapped({ from: 2000, to: 3000, currency: 'USD' }), { fields: {}, problems: [{ pointer: '/salary', detail: /in UAH only, not USD/ }] }, 'no conversion at the rate of the day')
  t.match(await mapped({ from: 5000, to: 4000, currency: 'UAH' }), { fields: {}, problems: [{ pointer: '/salary', detail: /from \(5000\) is above its to \(4000\)/ }] })
})

t.test('employment and remote work as Work.ua job types, found by name in its catalogue', async t => {
  const { adapter, lookup } = await setup(t)
  const mapped = async (overrides: Partial<JobForBoard>) => await adapter.fieldsFromJob(job(overrides), lookup)
  t.same(await mapped({ employment: 'full_time' }), { fields: { jobtypeIds: [74] }, problems: [] })
  t.same(await mapped({ employment: 'part_time', remoteType: 'remote' }), { fields: { jobtypeIds: [75, 76] }, problems: [] }, 'remote is a job type of its own on Work.ua')
  t.same(await mapped({ employment: 'internship', remoteType: 'hybrid' }), { fields: { jobtypeIds: [77] }, problems: [] }, 'hybrid has no word on Work.ua: nothing said')
  t.same(await mapped({ remoteType: 'office' }), { fields: {}, problems: [] }, 'an office is the default')
  t.same(await mapped({ remoteType: 'remote' }), { fields: { jobtypeIds: [76] }, problems: [] })
  t.match(await mapped({ employment: 'contract', remoteType: 'remote' }), { fields: { jobtypeIds: [76] }, problems: [{ pointer: '/employment', detail: /no contract type of employment: set fields.jobtypeIds/ }] })
  t.match(await mapped({ employment: 'temporary' }), { fields: {}, problems: [{ pointer: '/employment' }] })
})

t.test('a catalogue whose names differ from ours gives problems, never a guessed id', async t => {
  const { adapter, fake } = await setup(t)
  const lookup: DictionaryLookup = { async find () { return [] } }
  t.same(await adapter.fieldsFromJob(job({ employment: 'full_time', remoteType: 'remote', location: 'Kyiv' }), lookup), {
    fields: {},
    problems: [
      { pointer: '/location', detail: 'Work.ua has no town called "Kyiv": set fields.regionId (dictionary town)' },
      { pointer: '/employment', detail: 'Work.ua has no full-time type of employment: set fields.jobtypeIds (dictionary jobtype)' },
      { pointer: '/remoteType', detail: 'Work.ua\'s jobtype dictionary has no remote work entry: set fields.jobtypeIds (dictionary jobtype)' }
    ]
  })
  t.equal(fake.server.requests.length, 1, 'mapping asks the lookup, never Work.ua (the one request is the install\'s check)')
})

t.test('the job\'s fields and the publication\'s own publish on Work.ua as they are', async (t: Test) => {
  const { adapter, session, account, lookup, fake } = await setup(t)
  const { fields, problems } = await adapter.fieldsFromJob(job({ location: 'Kharkiv', salary: { from: 28000, to: 35000, currency: 'UAH' }, employment: 'full_time', remoteType: 'remote' }), lookup)
  t.same(problems, [])
  const ref = await adapter.publish(session, account, { title: 'Бариста', description: '<p>Кава</p>', fields: { ...fields, categoryIds: [4] }, publicationType: 'standart_job' })
  t.match(fake.getJob(Number(ref.externalId)), { region: { id: 2, name: 'Харків' }, salary: { value: 28000 }, jobtype: [{ id: 74 }, { id: 76 }], category: [{ id: 4 }] })
  t.same(await adapter.fieldsFromJob(job(), lookup), { fields: {}, problems: [] }, 'a job that says nothing maps to nothing')
})
