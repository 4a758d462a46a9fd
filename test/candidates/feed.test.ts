// The host's read side: candidates with their applications, and a change feed that never misses or
// repeats an item, even while a sync is writing.
import t from 'tap'
import { sql } from 'kysely'
import { createPostgresDb } from '../../src/db/index.js'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { testDatabaseUrl } from '../helpers/db.js'
import { LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'

async function tenantWithSandbox (app: TestApp) {
  const { id: tenantId, key } = await app.tenant()
  const call: Call = async (method, url, payload) => await app.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) })
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: `feed-${tenantId}` } })).json().id
  const publish = async (hostJobId: string, fields: Record<string, unknown>) => {
    await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
    return (await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields, publicationType: 'standard', publish: true })).json()
  }
  return { tenantId, call, publish }
}

async function readAll (call: Call, after: string | null, limit = 7, query = ''): Promise<{ ids: string[], cursor: string | null }> {
  const ids: string[] = []
  let cursor = after
  for (;;) {
    const res = await call('GET', `/v1/applications?limit=${limit}${query}${cursor === null ? '' : `&after=${cursor}`}`)
    if (res.statusCode !== 200) throw new Error(res.body)
    const page = res.json()
    ids.push(...page.items.map((i: { id: string }) => i.id))
    if (page.items.length === 0) return { ids, cursor: page.nextCursor }
    cursor = page.nextCursor
  }
}

t.test('applications page through once each; the cursor keeps its place while nothing is new', async t => {
  const app = await build(t)
  const { call, publish } = await tenantWithSandbox(app)
  const pub = await publish('feed-1', { applicants: 23, arrivalsPerSync: 4 })
  await app.app.scheduler.tick(); await app.app.scheduler.idle()

  const first = await readAll(call, null)
  t.equal(first.ids.length, 23)
  t.equal(new Set(first.ids).size, 23, 'no item twice')
  t.type(first.cursor, 'string', 'a cursor to keep polling with')
  const idle = await readAll(call, first.cursor)
  t.same(idle.ids, [], 'nothing new')
  t.equal(idle.cursor, first.cursor, 'the cursor stays put')

  await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', pub.id).execute()
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  const later = await readAll(call, first.cursor)
  t.equal(later.ids.length, 4, 'only the arrivals')

  const one = (await call('GET', `/v1/applications?publicationId=${pub.id}&limit=1`)).json().items[0]
  t.match(one, { source: 'sandbox', hostJobId: 'feed-1', publicationId: pub.id, emails: [String], phones: [/^\+380/], boardData: { sandbox: true } })
  const candidate = (await call('GET', `/v1/candidates/${one.candidateId}`)).json()
  t.match(candidate, { id: one.candidateId, applications: [{ id: one.id }] })
  t.equal((await call('GET', '/v1/candidates?limit=200')).json().items.length, 27)
})

t.test('bad cursors and filters are 400s; other tenants see nothing', async t => {
  const app = await build(t)
  const { call, publish } = await tenantWithSandbox(app)
  await publish('feed-2', { applicants: 2 })
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  for (const after of ['garbage', Buffer.from('["not a date","x"]').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
    const res = await call('GET', `/v1/applications?after=${after}`)
    t.equal(res.statusCode, 400)
    t.match(problemOf(res).errors, [{ in: 'query', pointer: '/after' }])
  }
  t.equal((await call('GET', '/v1/applications?board=nowhere')).statusCode, 400)
  const stranger = await tenantWithSandbox(app)
  t.same((await stranger.call('GET', '/v1/applications')).json().items, [])
  const someone = (await call('GET', '/v1/applications')).json().items[0]
  t.equal((await stranger.call('GET', `/v1/candidates/${someone.candidateId}`)).statusCode, 404)
})

t.test('a reader polling while a sync writes gets every application exactly once', async t => {
  const app = await build(t)
  const { tenantId, call, publish } = await tenantWithSandbox(app)
  await publish('feed-3', { applicants: 400 })
  const seen: string[] = []
  let cursor: string | null = null
  let syncing = true
  const sync = (async () => { await app.app.scheduler.tick(); await app.app.scheduler.idle(); syncing = false })()
  while (syncing) {
    const res: { json: () => { items: Array<{ id: string }>, nextCursor: string | null } } = await call('GET', `/v1/applications?limit=13${cursor === null ? '' : `&after=${cursor}`}`)
    const page = res.json()
    seen.push(...page.items.map(i => i.id))
    cursor = page.nextCursor
  }
  await sync
  const rest = await readAll(call, cursor, 13)
  seen.push(...rest.ids)
  const total = Number((await app.db.selectFrom('applications').select(eb => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n)
  t.equal(total, 400)
  t.equal(seen.length, 400, 'every application')
  t.equal(new Set(seen).size, 400, 'each once')
})

t.test('rows of a transaction still open are held back, then served in order: none missed', { skip: testDatabaseUrl() === undefined ? 'needs two connections (TEST_DATABASE_URL)' : false }, async t => {
  const app = await build(t)
  const { tenantId, call, publish } = await tenantWithSandbox(app)
  const pub = await publish('feed-4', { applicants: 1 })
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  const start = await readAll(call, null)
  t.equal(start.ids.length, 1)

  // a slow writer: its transaction starts now, stamps its row with its start time, commits late
  const other = createPostgresDb(app.dbHandle.url as string, 1)
  t.teardown(() => other.close())
  const existing = await app.db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
  let release!: () => void
  const released = new Promise<void>(resolve => { release = resolve })
  let inserted!: () => void
  const insertedSlow = new Promise<void>(resolve => { inserted = resolve })
  const slow = other.db.transaction().execute(async trx => {
    await sql`select now()`.execute(trx)
    await trx.insertInto('applications').values({
      tenant_id: tenantId, candidate_id: existing.candidate_id, publication_id: pub.id, job_id: existing.job_id, board: 'sandbox',
      external_id: 'slow-writer', emails: [], phones: [], skills: [], raw: '{}'
    }).execute()
    inserted()
    await released
  })
  await insertedSlow
  // a fast writer commits after the slow one started
  await new Promise(resolve => setTimeout(resolve, 20))
  await app.db.insertInto('applications').values({
    tenant_id: tenantId, candidate_id: existing.candidate_id, publication_id: pub.id, job_id: existing.job_id, board: 'sandbox',
    external_id: 'fast-writer', emails: [], phones: [], skills: [], raw: '{}'
  }).execute()

  const during = await readAll(call, start.cursor)
  t.same(during.ids, [], 'the fast row waits behind the open transaction')
  release()
  await slow
  const after = await readAll(call, during.cursor)
  const names = await app.db.selectFrom('applications').select(['id', 'external_id']).where('id', 'in', after.ids.length > 0 ? after.ids : ['00000000-0000-4000-8000-000000000000']).execute()
  t.same(after.ids.map(id => names.find(n => n.id === id)?.external_id), ['slow-writer', 'fast-writer'], 'both, in order, none missed')
})
