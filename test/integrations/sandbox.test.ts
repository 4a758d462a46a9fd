import t from 'tap'
import { bearer, build, problemOf } from '../helpers/app.js'

t.test('the boards list tells the host how to install and publish', async t => {
  const { app, tenant } = await build(t)
  const { key } = await tenant()
  const res = await app.inject({ method: 'GET', url: '/v1/boards', headers: bearer(key) })
  t.equal(res.statusCode, 200)
  const sandbox = res.json().items.find((b: { id: string }) => b.id === 'sandbox')
  t.match(sandbox, { name: 'Sandbox', auth: 'none', syncIntervalMinutes: 60, publicationTypes: [{ id: 'standard', paid: false }] })
  t.match(sandbox.publicationFields.properties, { applicants: { type: 'integer' } })
})

t.test('install, list, show, rename, check, recruiters, delete', async t => {
  const { app, tenant } = await build(t)
  const { key } = await tenant()
  const auth = bearer(key)

  const created = await app.inject({ method: 'POST', url: '/v1/integrations', headers: auth, payload: { board: 'sandbox', name: 'Try-out', credentials: {} } })
  t.equal(created.statusCode, 201, created.body)
  const integration = created.json()
  t.match(integration, { board: 'sandbox', name: 'Try-out', status: 'active', account: { externalId: /^sandbox-/, name: 'Sandbox' }, lastError: null })
  t.type(integration.lastCheckedAt, 'string')

  const recruiters = await app.inject({ method: 'GET', url: `/v1/integrations/${integration.id}/recruiters`, headers: auth })
  t.equal(recruiters.json().items.length, 2, 'recruiters pulled at install')

  const listed = await app.inject({ method: 'GET', url: '/v1/integrations?board=sandbox', headers: auth })
  t.same(listed.json().items.map((i: { id: string }) => i.id), [integration.id])

  const renamed = await app.inject({ method: 'PATCH', url: `/v1/integrations/${integration.id}`, headers: auth, payload: { name: 'Renamed' } })
  t.equal(renamed.statusCode, 200)
  t.equal(renamed.json().name, 'Renamed')

  const checked = await app.inject({ method: 'POST', url: `/v1/integrations/${integration.id}/check`, headers: auth })
  t.equal(checked.statusCode, 200)
  t.equal(checked.json().status, 'active')

  const deleted = await app.inject({ method: 'DELETE', url: `/v1/integrations/${integration.id}`, headers: auth })
  t.equal(deleted.statusCode, 204)
  const gone = await app.inject({ method: 'GET', url: `/v1/integrations/${integration.id}`, headers: auth })
  t.equal(gone.statusCode, 404)
  t.equal(problemOf(gone).code, 'JOBSYNC_ERR_NOT_FOUND')
})

t.test('the same board account twice is a conflict; another account name is fine', async t => {
  const { app, tenant } = await build(t)
  const { key } = await tenant()
  const install = (credentials: object) => app.inject({ method: 'POST', url: '/v1/integrations', headers: bearer(key), payload: { board: 'sandbox', name: 'x', credentials } })
  t.equal((await install({ accountName: 'One' })).statusCode, 201)
  const again = await install({ accountName: 'One' })
  t.equal(again.statusCode, 409)
  t.match(problemOf(again).detail, /installed already/)
  t.equal((await install({ accountName: 'Two' })).statusCode, 201)
})

t.test('bad input is a 400 naming the field, and stores nothing', async t => {
  const { app, tenant, db } = await build(t)
  const { key, id: tenantId } = await tenant()
  const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/integrations', headers: bearer(key), payload })

  const unknownBoard = await post({ board: 'monster', name: 'x', credentials: {} })
  t.equal(unknownBoard.statusCode, 400)
  t.match(problemOf(unknownBoard).errors, [{ in: 'body', pointer: '/board' }])

  const badCredentials = await post({ board: 'sandbox', name: 'x', credentials: { accountName: 5, extra: true } })
  t.equal(badCredentials.statusCode, 400)
  const pointers = problemOf(badCredentials).errors.map((e: { pointer: string }) => e.pointer)
  t.ok(pointers.includes('/credentials/accountName'), JSON.stringify(pointers))

  const rows = await db.selectFrom('integrations').select('id').where('tenant_id', '=', tenantId).execute()
  t.same(rows, [], 'nothing stored')
})

t.test("another tenant's integration is not found, never shown or changed", async t => {
  const { app, tenant } = await build(t)
  const a = await tenant()
  const b = await tenant()
  const created = await app.inject({ method: 'POST', url: '/v1/integrations', headers: bearer(a.key), payload: { board: 'sandbox', name: 'A', credentials: {} } })
  const id = created.json().id
  for (const [method, url] of [['GET', `/v1/integrations/${id}`], ['PATCH', `/v1/integrations/${id}`], ['DELETE', `/v1/integrations/${id}`], ['POST', `/v1/integrations/${id}/check`], ['GET', `/v1/integrations/${id}/recruiters`]] as const) {
    const res = await app.inject({ method, url, headers: bearer(b.key), ...(method === 'PATCH' ? { payload: { name: 'hijack' } } : {}) })
    t.equal(res.statusCode, 404, `${method} ${url}`)
  }
  const listed = await app.inject({ method: 'GET', url: '/v1/integrations', headers: bearer(b.key) })
  t.same(listed.json().items, [])
  const still = await app.inject({ method: 'GET', url: `/v1/integrations/${id}`, headers: bearer(a.key) })
  t.equal(still.json().name, 'A')
})

t.test('integrations list in pages; a bad cursor is a 400', async t => {
  const { app, tenant } = await build(t)
  const { key } = await tenant()
  for (let i = 0; i < 5; i++) {
    await app.inject({ method: 'POST', url: '/v1/integrations', headers: bearer(key), payload: { board: 'sandbox', name: `n${i}`, credentials: { accountName: `acc ${i}` } } })
  }
  const names: string[] = []
  let after: string | null = null
  do {
    const res: { json: () => { items: Array<{ name: string }>, nextCursor: string | null } } = await app.inject({ method: 'GET', url: '/v1/integrations', query: { limit: '2', ...(after === null ? {} : { after }) }, headers: bearer(key) })
    const page = res.json()
    names.push(...page.items.map(i => i.name))
    after = page.nextCursor
  } while (after !== null)
  t.same(names, ['n0', 'n1', 'n2', 'n3', 'n4'])
  const bad = await app.inject({ method: 'GET', url: '/v1/integrations?after=garbage', headers: bearer(key) })
  t.equal(bad.statusCode, 400)
  t.match(problemOf(bad).errors, [{ in: 'query', pointer: '/after' }])
})
