import t from 'tap'
import { bearer, build, problemOf } from '../helpers/app.js'

t.test('admin creates tenants and issues keys; the key is shown once', async t => {
  const { app, adminKey, db } = await build(t)
  const created = await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: bearer(adminKey), payload: { name: 'Acme', externalId: 'acme-1' } })
  t.equal(created.statusCode, 201)
  const tenant = created.json()
  t.match(tenant, { id: String, name: 'Acme', externalId: 'acme-1', createdAt: String })

  const issued = await app.inject({ method: 'POST', url: `/v1/admin/tenants/${tenant.id}/api-keys`, headers: bearer(adminKey), payload: { name: 'host prod' } })
  t.equal(issued.statusCode, 201)
  const { key, prefix } = issued.json()
  t.match(key, /^jsk_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/)
  t.ok(key.includes(prefix))

  const listed = await app.inject({ method: 'GET', url: `/v1/admin/tenants/${tenant.id}/api-keys`, headers: bearer(adminKey) })
  t.equal(listed.statusCode, 200)
  t.equal(listed.json().items.length, 1)
  t.notOk(listed.body.includes(key), 'the list never shows the key')

  const stored = await db.selectFrom('api_keys').selectAll().execute()
  // the secret part follows "jsk_<10-char prefix>_" (it may itself contain "_")
  const secretPart = key.slice('jsk_'.length + prefix.length + 1)
  t.equal(secretPart.length, 43)
  t.notOk(JSON.stringify(stored).includes(secretPart), 'only a hash is stored')

  const me = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })
  t.equal(me.statusCode, 200)
  t.equal(me.json().tenant.id, tenant.id)
})

t.test('externalId is unique', async t => {
  const { app, adminKey } = await build(t)
  const first = await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: bearer(adminKey), payload: { name: 'A', externalId: 'same' } })
  t.equal(first.statusCode, 201)
  const second = await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: bearer(adminKey), payload: { name: 'B', externalId: 'same' } })
  t.equal(second.statusCode, 409)
  t.equal(problemOf(second).code, 'JOBSYNC_ERR_CONFLICT')
})

t.test('tenants list in pages', async t => {
  const { app, adminKey, tenant } = await build(t)
  const mine = new Set<string>()
  for (let i = 0; i < 5; i++) mine.add((await tenant()).id)
  const seen: string[] = []
  let after: string | null = null
  do {
    const res: { statusCode: number, json: () => any } = await app.inject({ method: "GET", url: "/v1/admin/tenants", query: { limit: '2', ...(after === null ? {} : { after }) }, headers: bearer(adminKey) })
    t.equal(res.statusCode, 200)
    const page: { items: Array<{ id: string }>, nextCursor: string | null } = res.json()
    seen.push(...page.items.map((i: { id: string }) => i.id))
    after = page.nextCursor
  } while (after !== null)
  t.equal(new Set(seen).size, seen.length, 'no tenant twice')
  t.equal(seen.filter(id => mine.has(id)).length, 5, 'every tenant once')
})

t.test('issuing a key for an unknown tenant is a 404', async t => {
  const { app, adminKey } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/api-keys', headers: bearer(adminKey), payload: { name: 'x' } })
  t.equal(res.statusCode, 404)
  t.equal(problemOf(res).code, 'JOBSYNC_ERR_NOT_FOUND')
})
