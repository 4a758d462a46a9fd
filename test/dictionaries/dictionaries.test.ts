// GET /v1/integrations/{id}/dictionaries[/{name}] on the sandbox: what a host's publish form reads.
import t from 'tap'
import { build, problemOf } from '../helpers/app.js'
import { tenantCaller, type Call } from '../helpers/publishing.js'
import { controlledSandbox } from '../helpers/dictionary-boards.js'

async function sandboxIntegration (call: Call): Promise<string> {
  const res = await call('POST', '/v1/integrations', { board: 'sandbox', name: 'Dictionaries', credentials: {} })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id
}

const names = (res: { json: () => any }) => (res.json().items as Array<{ name: string }>).map(i => i.name)
const ids = (res: { json: () => any }) => (res.json().items as Array<{ id: string }>).map(i => i.id)

t.test('the board lists its dictionaries, and each publication field with board ids names its own', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const integrationId = await sandboxIntegration(call)
  const listed = await call('GET', `/v1/integrations/${integrationId}/dictionaries`)
  t.equal(listed.statusCode, 200)
  t.same(listed.json().items, [
    { name: 'cities', title: 'Cities and oblasts', hierarchical: true, searchable: true, scope: 'board' },
    { name: 'categories', title: 'Categories', hierarchical: false, searchable: true, scope: 'board' }
  ])
  const board = (await call('GET', '/v1/boards')).json().items.find((b: { id: string }) => b.id === 'sandbox')
  t.equal(board.publicationFields.properties.cityId['x-dictionary'], 'cities')
  t.equal(board.publicationFields.properties.categoryId['x-dictionary'], 'categories')
})

t.test('a hierarchical dictionary: the top level, the children of an item, the whole in the board\'s order', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const integrationId = await sandboxIntegration(call)
  const url = `/v1/integrations/${integrationId}/dictionaries/cities`

  const top = await call('GET', `${url}?parentId=`)
  t.equal(top.statusCode, 200, top.body)
  t.ok(names(top).includes('Львівська область') && names(top).includes('Київ'))
  t.ok(top.json().items.every((i: { parentId: string | null }) => i.parentId === null), 'only the top level')

  const lviv = await call('GET', `${url}?parentId=lvivska`)
  t.same(lviv.json().items, [
    { id: 'lviv', name: 'Львів', parentId: 'lvivska' },
    { id: 'drohobych', name: 'Дрогобич', parentId: 'lvivska' },
    { id: 'stryi', name: 'Стрий', parentId: 'lvivska' }
  ])
  t.same((await call('GET', `${url}?parentId=lviv`)).json().items, [], 'a city has no children')

  const whole = await call('GET', `${url}?limit=1000`)
  t.equal(whole.json().items.length, 39)
  t.equal(whole.json().nextCursor, null)
  t.equal(whole.json().items[0].id, 'kyiv', 'in the board\'s order')
  t.type(whole.json().fetchedAt, 'string')
  t.equal(whole.json().checkedAt, whole.json().fetchedAt, 'fresh from the board')
  t.match(whole.headers.age, /^\d+$/, 'the Age header counts from checkedAt')
  t.ok(Number(whole.headers.age) < 60)
})

t.test('q: case, accents and apostrophes do not matter; whole names first, then starts, then words, then anywhere', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const integrationId = await sandboxIntegration(call)
  const search = async (q: string) => await call('GET', `/v1/integrations/${integrationId}/dictionaries/cities?q=${encodeURIComponent(q)}`)

  for (const q of ['Київ', 'КИЇВ', 'киів', 'київ']) {
    t.same(ids(await search(q)), ['kyiv', 'kyivska'], `${q}: Kyiv itself, then the oblast that starts with it`)
  }
  t.same(ids(await search('кишинев')), ['chisinau'], 'a Russian name with ё, found without it')
  t.same(ids(await search('камʼянське')), ['kamianske'], 'another apostrophe')
  t.same(ids(await search('камянське')), ['kamianske'], 'no apostrophe')
  t.same(ids(await search('франківськ')), ['ivano-frankivska', 'ivano-frankivsk'], 'the start of a word of a hyphenated name, in the board\'s order')
  t.same(ids(await search('франківська')), ['ivano-frankivska'])
  t.equal(ids(await search('область')).length, 11, 'a word anywhere')
  t.same(ids(await search('ська область')).slice(0, 2), ['kyivska', 'lvivska'], 'a substring inside a word, in the board\'s order')
  t.same(ids(await search('первомайськ')), ['pervomaisk-mk', 'pervomaisk-lh'], 'two cities of one name')
  t.same(ids(await search('zzz')), [], 'nothing matches')

  const categories = await call('GET', `/v1/integrations/${integrationId}/dictionaries/categories?q=${encodeURIComponent("комп'ютери")}`)
  t.same(categories.json().items, [{ id: '101', name: 'IT, комп\'ютери, інтернет', parentId: null }], 'a flat dictionary too')

  const narrowed = await call('GET', `/v1/integrations/${integrationId}/dictionaries/cities?q=${encodeURIComponent('первомайськ')}&parentId=luhanska`)
  t.same(ids(narrowed), ['pervomaisk-lh'], 'q within the children of an item')
})

t.test('pages: a keyset cursor walks every item once, with or without q', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const integrationId = await sandboxIntegration(call)
  for (const query of ['', `q=${encodeURIComponent('а')}&`]) {
    const url = `/v1/integrations/${integrationId}/dictionaries/cities?${query}`
    const all = ids(await call('GET', `${url}limit=1000`))
    t.ok(all.length > 10, `${all.length} items`)
    const walked: string[] = []
    let after: string | null = null
    let pages = 0
    do {
      const res: { statusCode: number, json: () => any } = await call('GET', `${url}limit=7${after === null ? '' : `&after=${after}`}`)
      t.equal(res.statusCode, 200)
      walked.push(...ids(res))
      after = res.json().nextCursor
      pages++
    } while (after !== null && pages < 100)
    t.same(walked, all, `${query === '' ? 'the listing' : 'a search'} in pages of 7 is the listing whole, in order`)
    t.equal(pages, Math.ceil(all.length / 7))
  }
})

t.test('bad input names the field; another tenant\'s integration is not found', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const other = await tenantCaller(app)
  const integrationId = await sandboxIntegration(call)
  const base = `/v1/integrations/${integrationId}/dictionaries`

  const unknown = await call('GET', `${base}/no-such-dictionary`)
  t.equal(unknown.statusCode, 400, 'no board has it')
  t.match(problemOf(unknown).errors, [{ in: 'path', pointer: '/name', detail: /must be one of: .*cities/ }])

  const parent = await call('GET', `${base}/cities?parentId=atlantis`)
  t.equal(parent.statusCode, 400)
  t.match(problemOf(parent).errors, [{ in: 'query', pointer: '/parentId', detail: 'is not an id of dictionary cities of Sandbox' }])

  for (const [query, pointer] of [['after=not-a-cursor', '/after'], ['limit=0', '/limit'], ['limit=1001', '/limit'], ['q=' + 'x'.repeat(201), '/q'], ['sort=name', '/sort']] as const) {
    const res = await call('GET', `${base}/cities?${query}`)
    t.equal(res.statusCode, 400, query)
    t.equal(problemOf(res).errors[0].pointer, pointer, query)
  }
  const badName = await call('GET', `${base}/${encodeURIComponent('no such/name')}`)
  t.equal(badName.statusCode, 400)
  t.equal(problemOf(badName).errors[0].pointer, '/name')

  for (const url of [base, `${base}/cities`, `/v1/integrations/${integrationId}/publication-types`]) {
    const res = await other('GET', url)
    t.equal(res.statusCode, 404, `${url} as another tenant`)
    t.equal(problemOf(res).code, 'JOBSYNC_ERR_NOT_FOUND')
  }
  t.equal((await call('GET', '/v1/integrations/00000000-0000-4000-8000-000000000000/dictionaries/cities')).statusCode, 404)
})

t.test('a dictionary of another board is not this board\'s', async t => {
  const control = controlledSandbox()
  const app = await build(t, { boards: control.boards })
  const call = await tenantCaller(app)
  const integrationId = await sandboxIntegration(call)
  const res = await call('GET', `/v1/integrations/${integrationId}/dictionaries/regions`)
  t.equal(res.statusCode, 404)
  t.match(problemOf(res), { code: 'JOBSYNC_ERR_NOT_FOUND', errors: [{ in: 'path', pointer: '/name', detail: 'is not a dictionary of Sandbox (one of: cities, categories, offices)' }] })
  t.same(control.fetches, [], 'the board was not asked')
})

t.test('a board-wide dictionary is stored once, for every account of every tenant', async t => {
  const app = await build(t)
  const alpha = await tenantCaller(app)
  const bravo = await tenantCaller(app)
  const a = await sandboxIntegration(alpha)
  const b = await sandboxIntegration(bravo)
  t.equal((await alpha('GET', `/v1/integrations/${a}/dictionaries/cities?q=lviv`)).statusCode, 200)
  t.equal((await bravo('GET', `/v1/integrations/${b}/dictionaries/cities?q=львів`)).json().items[0].id, 'lviv')
  const copies = await app.db.selectFrom('dictionary_copies').selectAll().where('board', '=', 'sandbox').where('name', '=', 'cities').execute()
  t.equal(copies.length, 1, 'one copy')
  t.match(copies[0], { integration_id: null, item_count: 39, etag: /^"[0-9a-f]{16}"$/ })
})
